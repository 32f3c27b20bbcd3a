# lib.sh: what the integration tests share. A test file sources it, calls
# it_prepare (a fresh data directory with the demo tree and account) and
# it_serve (the built app behind lighttpd on a free loopback port), then
# drives the panel with the request and assertion helpers below and ends
# with it_finish, which prints "N passed, N failed". lighttpd is always
# stopped and the scratch directory removed on exit (IT_KEEP=1 keeps it).
#
# IT_BUILD is the build directory holding cgi/filepanel and
# cgi/filepanel-admin (tests/integration/run sets it; default build-test).
set -u

IT_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IT_BUILD=$(cd "${IT_BUILD:-$IT_SRC/build-test}" 2>/dev/null && pwd) || {
	echo "integration: no build directory ${IT_BUILD:-$IT_SRC/build-test}" >&2
	exit 1
}
# shellcheck source=script/panel-lib.sh
. "$IT_SRC/script/panel-lib.sh"

IT_APP=$IT_BUILD/cgi/filepanel
IT_ADMIN=$IT_BUILD/cgi/filepanel-admin
IT_USER=demo
IT_PASSWORD="correct horse ✓ battery"
IT_PASSED=0
IT_FAILED=0
IT_WORK=""     # scratch directory (root's when root): responses, cookie jars
IT_DATA=""     # the data directory below it (the run account's)
IT_HOME=""     # the demo account's Home
IT_BASE=""     # http://127.0.0.1:PORT
IT_STATUS=""   # status of the last response
IT_BODY=""     # file holding the last response body
IT_HEADERS=""  # file holding the last response headers
IT_JAR=""      # the cookie jar requests use

# --- setting up and tearing down ---------------------------------------------

# Make the scratch and data directories, the database, the demo tree and
# the demo account, and arrange for it_cleanup on exit.
it_prepare() {
	[ -x "$IT_APP" ] || it_abort "$IT_APP is not built"
	panel_account_ensure
	IT_WORK=$(mktemp -d "${TMPDIR:-/tmp}/filepanel-it.XXXXXX") || exit 1
	trap it_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	chmod 711 "$IT_WORK" # the run account passes through to its data
	IT_DATA=$IT_WORK/data
	IT_HOME=$IT_DATA/home/$IT_USER
	IT_BODY=$IT_WORK/body
	IT_HEADERS=$IT_WORK/headers
	IT_JAR=$IT_WORK/cookies
	panel_data_dir "$IT_DATA"
	panel_check_access "$IT_APP" "$IT_SRC/templates" "$IT_SRC/static" "$IT_SRC/script/demo-tree"
	it_admin init >/dev/null || it_abort "filepanel-admin init failed"
	panel_as_owner "$IT_SRC/script/demo-tree" "$IT_HOME" || it_abort "script/demo-tree failed"
	printf '%s\n' "$IT_PASSWORD" | it_admin useradd "$IT_USER" --home "$IT_HOME" >/dev/null ||
		it_abort "filepanel-admin useradd failed"
}

# Start lighttpd with the app on a free port: a random port that nothing
# answers on, retried when lighttpd cannot bind it. Sets IT_BASE.
it_serve() {
	local try port name extra=()
	for name in FILEPANEL_FS_FALLBACK ASAN_OPTIONS UBSAN_OPTIONS; do
		[ -n "${!name:-}" ] && extra+=("$name=${!name}")
	done
	for ((try = 0; try < 10; try++)); do
		port=$((20000 + RANDOM % 40000))
		panel_http_up "$port" && continue
		panel_lighttpd_conf "$IT_DATA" "$port" "$IT_APP" "$IT_SRC" "${extra[@]}" ||
			it_abort "could not write the lighttpd configuration"
		if panel_lighttpd_start "$IT_DATA" "$port" 2>>"$IT_WORK/lighttpd.err"; then
			IT_BASE=http://127.0.0.1:$port
			return 0
		fi
	done
	cat "$IT_WORK/lighttpd.err" "$IT_DATA/run/error.log" >&2 2>/dev/null
	it_abort "lighttpd did not start"
}

# Stop lighttpd and the app, show the server's log after a failure, and
# remove the scratch directory (kept, and named, when IT_KEEP=1). Runs
# once; it_finish calls it so that the summary line comes last.
it_cleanup() {
	panel_lighttpd_stop
	[ -n "$IT_WORK" ] || return 0
	if [ "$IT_FAILED" -gt 0 ] && [ -s "$IT_DATA/run/error.log" ]; then
		echo "--- last lines of lighttpd's error.log"
		tail -n 15 "$IT_DATA/run/error.log"
	fi
	if [ "${IT_KEEP:-0}" = 1 ]; then
		echo "kept $IT_WORK"
	else
		rm -rf "$IT_WORK"
	fi
	IT_WORK=""
}

# Give up on the whole file: count one failure, print the summary, exit.
it_abort() {
	echo "ABORT: $*"
	IT_FAILED=$((IT_FAILED + 1))
	it_finish
}

# Clean up, print the summary line and exit: 0 when nothing failed.
it_finish() {
	it_cleanup
	echo "$IT_PASSED passed, $IT_FAILED failed"
	[ "$IT_FAILED" -eq 0 ]
	exit
}

# Run filepanel-admin on the test database as the data's owner.
it_admin() {
	panel_as_owner "$IT_ADMIN" --db "$IT_DATA/filepanel.db" "$@"
}

# --- requests ------------------------------------------------------------------

# Run curl for one request, keeping the status in IT_STATUS, the body in
# $IT_BODY and the headers in $IT_HEADERS; cookies come from and go to
# $IT_JAR. Never follows redirects.
it_curl() {
	: >"$IT_BODY"
	: >"$IT_HEADERS"
	IT_STATUS=$(curl -sS --max-time 20 -o "$IT_BODY" -D "$IT_HEADERS" -w '%{http_code}' \
		-b "$IT_JAR" -c "$IT_JAR" "$@" 2>"$IT_WORK/curl.err") || IT_STATUS="curl failed: $(cat "$IT_WORK/curl.err")"
}

# GET a path with query fields, each NAME=VALUE (percent-encoded here).
# Usage: it_get /files root=home path=Documents
it_get() {
	local url=$1 field args=()
	shift
	for field in "$@"; do
		args+=(--data-urlencode "$field")
	done
	it_curl -G "${args[@]}" "$IT_BASE$url"
}

# GET a URL path as a page gives it (an href, already encoded and with
# entities undone).
it_get_href() {
	it_curl "$IT_BASE$1"
}

# POST urlencoded fields, each NAME=VALUE, as a browser on this site does:
# with the headers Origin ($IT_ORIGIN, default this server) and
# Sec-Fetch-Site ($IT_FETCH_SITE, default same-origin); set either to ""
# to leave it out.
# Usage: it_post /create csrf=... name=...
it_post() {
	local url=$1 field args=()
	local origin=${IT_ORIGIN-$IT_BASE} site=${IT_FETCH_SITE-same-origin}
	shift
	for field in "$@"; do
		args+=(--data-urlencode "$field")
	done
	[ ${#args[@]} -gt 0 ] || args=(--data "")
	[ -n "$origin" ] && args+=(-H "Origin: $origin")
	[ -n "$site" ] && args+=(-H "Sec-Fetch-Site: $site")
	it_curl "${args[@]}" "$IT_BASE$url"
}

# Log in as the demo account with a fresh cookie jar; counts as a check.
it_login() {
	rm -f "$IT_JAR"
	it_post /login "username=$IT_USER" "password=$IT_PASSWORD" "next="
	it_expect_status "log in" 303
}

# The value of a response header (the last one of that name), without CR.
it_header() {
	grep -i "^$1:" "$IT_HEADERS" | tail -n 1 | sed 's/^[^:]*: *//' | tr -d '\r'
}

# The CSRF token of the last page (its first form's).
it_csrf() {
	it_flat | grep -oP '<input type="hidden" name="csrf" value="\K[^"]*' | head -n 1
}

# --- reading HTML ---------------------------------------------------------------

# The last body on one line (newlines turned into spaces).
it_flat() {
	tr '\n\r' '  ' <"$IT_BODY"
}

# Escape text as the templates do in HTML text and attributes.
it_html() {
	printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
		-e 's/"/\&quot;/g' -e "s/'/\&#39;/g"
}

# Undo the HTML escaping of an attribute value or text (stdin to stdout).
it_unhtml() {
	sed -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' -e "s/&#39;/'/g" \
		-e "s/&#x27;/'/g" -e 's/&#x2F;/\//g' -e 's/&#61;/=/g' -e 's/&amp;/\&/g'
}

# The HTML of the listing row of an entry (empty when there is none).
it_row() {
	it_flat | grep -oP "<tr [^>]*data-name=\"\\Q$(it_html "$1")\\E\"[^>]*>.*?</tr>" | head -n 1
}

# Whether a class attribute's value holds each of the given classes.
it_has_classes() {
	local classes=" $1 " word
	shift
	for word in "$@"; do
		[[ $classes == *" $word "* ]] || return 1
	done
}

# The names of the listed entries, one a line, in page order.
it_names() {
	it_flat | grep -oP '<tr [^>]*class="entry[^"]*"[^>]*data-name="\K[^"]*' | it_unhtml
}

# The value of attribute ATTR in the first tag of HTML matching the
# regular expression TAG (e.g. 'a', 'td class="target"'), entities undone.
# Usage: it_attr HTML TAG ATTR
it_attr() {
	printf '%s' "$1" | grep -oP "<$2[^>]*>" | head -n 1 |
		grep -oP "\\s$3=\"\\K[^\"]*" | head -n 1 | it_unhtml
}

# The form of the last page whose action is ACTION (its HTML, one line).
it_form() {
	it_flat | grep -oP "<form [^>]*action=\"\\Q$1\\E\"[^>]*>.*?</form>" | head -n 1
}

# The hidden fields of a form's HTML as NAME=VALUE lines.
it_hidden_fields() {
	local input
	printf '%s' "$1" | grep -oP '<input [^>]*type="hidden"[^>]*>' | while read -r input; do
		printf '%s=%s\n' "$(it_attr "$input" input name)" "$(it_attr "$input" input value)"
	done
}

# Submit the form of the last page whose action is ACTION with its hidden
# fields (plus any extra NAME=VALUE fields).
it_submit() {
	local action=$1 form fields=()
	shift
	form=$(it_form "$action")
	mapfile -t fields < <(it_hidden_fields "$form")
	it_post "$action" "${fields[@]}" "$@"
}

# --- the disk and the audit log ----------------------------------------------------

# A listing of the Home tree: path, type, link target and size of each entry.
it_snapshot() {
	find "$IT_HOME" -printf '%P\t%y\t%l\t%s\n' | sort
}

# The number of rows in the audit log.
it_audit_count() {
	local dump n
	dump=$(it_admin audit | tail -n +2)
	n=$(printf '%s\n' "$dump" | awk -F '\t' 'NF >= 10 { n += $10 } END { print n + 0 }')
	printf '%s\n' "$dump" >"$IT_WORK/audit.$n"
	echo "$n"
}

# The audit events after the first N (a count from it_audit_count): the
# rows added since, and the rows whose COUNT grew since (a refusal like an
# earlier one of the same hour is counted in that row), tab-separated as
# filepanel-admin prints them.
it_audit_since() {
	local old=$IT_WORK/audit.$1
	[ -f "$old" ] || : >"$old"
	it_admin audit | tail -n +2 | awk -F '\t' -v old="$old" '
		BEGIN { while ((getline line < old) > 0) if (line != "") was[++n] = line }
		{ if (FNR > n || $0 != was[FNR]) print }'
}

# --- checks -----------------------------------------------------------------------

# Count a passed check.
it_pass() {
	IT_PASSED=$((IT_PASSED + 1))
}

# Count a failed check: print its name, what was wrong and what the last
# response was.
# Usage: it_fail NAME WHAT
it_fail() {
	IT_FAILED=$((IT_FAILED + 1))
	printf 'FAIL %.600s\n' "$1: $2"
	printf '    got: %.600s\n' "status $IT_STATUS$(it_got_summary)"
}

# The text of the last page's error paragraph (role alert), entities kept.
it_error_text() {
	it_flat | grep -oP '<p class="error" role="alert"[^>]*>\K.*?(?=</p>)' | head -n 1
}

# The text of the last page's message paragraph (role status).
it_message_text() {
	it_flat | grep -oP '<p class="message" role="status"[^>]*>\K.*?(?=</p>)' | head -n 1
}

# A few facts of the last response: its Location, title and messages.
it_got_summary() {
	local location title error message
	[ -s "$IT_BODY" ] || [ -s "$IT_HEADERS" ] || return 0
	location=$(it_header Location)
	title=$(it_flat | grep -oP '<title>\K.*?(?=</title>)' | head -n 1)
	error=$(it_error_text)
	message=$(it_message_text)
	[ -n "$location" ] && printf ', Location %s' "$location"
	[ -n "$title" ] && printf ', title "%s"' "$title"
	[ -n "$error" ] && printf ', error "%s"' "$error"
	[ -n "$message" ] && printf ', message "%s"' "$message"
	[ -z "$title$error$message" ] && printf ', body "%s"' "$(it_flat | head -c 200)"
	return 0
}

# Check a condition given as a command: pass when it succeeds.
# Usage: it_check NAME WHAT_IF_NOT -- COMMAND...
it_check() {
	local name=$1 what=$2
	shift 3
	if "$@"; then it_pass; else it_fail "$name" "$what"; fi
}

# Check the status of the last response.
it_expect_status() {
	if [ "$IT_STATUS" = "$2" ]; then it_pass; else it_fail "$1" "status $IT_STATUS, want $2"; fi
}

# Check that the last body holds a text (a fixed string).
it_expect_body() {
	if grep -qF -- "$2" "$IT_BODY"; then it_pass; else it_fail "$1" "body lacks '$2'"; fi
}

# Check that the last body does not hold a text.
it_expect_no_body() {
	if grep -qF -- "$2" "$IT_BODY"; then it_fail "$1" "body holds '$2'"; else it_pass; fi
}

# Check a header of the last response against an extended regular expression.
it_expect_header() {
	local value
	value=$(it_header "$2")
	if printf '%s' "$value" | grep -qE -- "$3"; then
		it_pass
	else
		it_fail "$1" "header $2 is '$value', want /$3/"
	fi
}

# Check that the last response is a redirect (303) whose Location, made
# relative to the server, equals WANT.
it_expect_redirect() {
	local location
	location=$(it_header Location)
	location=${location#"$IT_BASE"}
	if [ "$IT_STATUS" = 303 ] && [ "$location" = "$2" ]; then
		it_pass
	else
		it_fail "$1" "want 303 to $2"
	fi
}

# Check that one audit event was recorded since the first N, with the given
# fields (NAME=VALUE, NAME among user address action root path target
# outcome detail; "-" stands for none).
# Usage: it_expect_audit NAME N action=login outcome=done ...
it_expect_audit() {
	local name=$1 since=$2 rows field want got i
	local columns=(time user address action root path target outcome detail) values
	local -A row
	shift 2
	rows=$(it_audit_since "$since")
	if [ -z "$rows" ] || [ "$(printf '%s\n' "$rows" | wc -l)" -ne 1 ]; then
		it_fail "$name" "want one new audit row, got: ${rows:-none}"
		return
	fi
	# a tab is IFS white space (empty fields would merge): split on \037
	IFS=$'\037' read -ra values < <(tr '\t' '\037' <<<"$rows")
	for i in "${!columns[@]}"; do
		row[${columns[i]}]=${values[i]-}
	done
	for field in "$@"; do
		want=${field#*=}
		got=${row[${field%%=*}]-}
		if [ "$got" != "$want" ]; then
			it_fail "$name" "audit ${field%%=*} is '$got', want '$want' (row: $rows)"
			return
		fi
	done
	it_pass
}
