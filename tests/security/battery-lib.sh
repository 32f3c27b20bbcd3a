# battery-lib.sh: what the security battery (battery.test) adds to the
# integration helpers of tests/integration/lib.sh, which it sources: a
# canary tree outside the roots, requests given as percent-encoded text
# (any byte, NUL included, arrives as written), raw HTTP requests, one
# request to the app run as plain CGI, answers compared between an escape
# and a path that does not exist, remote addresses other than 127.0.0.1,
# timing, and the FastCGI workers' pids (a crash shows as a new pid).
set -u
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

SEC_CANARY=""    # the canary tree: a sibling of the demo Home sharing its prefix
SEC_OTHER=""     # another account's Home, also a canary
SEC_SECRET="CANARY-SECRET-7f3a9c"   # text in every canary file; never shown by the panel
SEC_CANARY_PRINT=""                 # the canary's fingerprint when it was made
SEC_OUTSIDE_PRINT=""                # what lay outside the roots then
SEC_WORKERS=""                      # the FastCGI workers' pids at the last start
SEC_FIELDS=()                       # fields made by sec_fields
SEC_CGI_EXIT=""                     # exit status of the last sec_cgi run
SEC_TIME=""                         # seconds the last timed request took

# --- percent-encoding ----------------------------------------------------------------

# Percent-encode a string (every byte but the RFC 3986 unreserved ones).
sec_enc() {
	local LC_ALL=C s=$1 i c
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9._~-]) printf '%s' "$c" ;;
		*) printf '%%%02X' "'$c" ;;
		esac
	done
}

# Decode a percent-encoded string once ('+' is a space) and print its bytes,
# NUL included (so print it to a file, not into a variable).
sec_dec() {
	local s=${1//+/ }
	s=${s//\\/\\\\}
	printf '%b' "${s//%/\\x}"
}

# Turn a percent-encoded query (a=1&b=%00) into the array SEC_FIELDS of
# it_get/it_post arguments: each value decoded into its own file and given
# as NAME@FILE, which curl encodes again byte for byte.
sec_fields() {
	local pair i=0 pairs=()
	SEC_FIELDS=()
	IFS='&' read -ra pairs <<<"$1"
	for pair in "${pairs[@]}"; do
		sec_dec "${pair#*=}" >"$IT_WORK/field.$i"
		SEC_FIELDS+=("${pair%%=*}@$IT_WORK/field.$i")
		i=$((i + 1))
	done
}

# GET a URL path with a query string sent exactly as written (already
# encoded: "..%2f" and "../" stay different on the wire).
# Usage: sec_get /files 'root=home&path=..%2f'
sec_get() {
	it_curl "$IT_BASE$1${2:+?$2}"
}

# POST a percent-encoded body as a browser on this site does (it_post's
# Origin and Sec-Fetch-Site).
# Usage: sec_post /create "csrf=$csrf&root=home&name=a%00b"
sec_post() {
	sec_fields "$2"
	it_post "$1" "${SEC_FIELDS[@]}"
}

# Run a command (an it_ or sec_ request) with curl sending from loopback
# address ADDR (127.0.0.2 and up), set in a curlrc found through
# CURL_HOME: the app then sees another remote address.
# Usage: sec_from 127.0.0.3 sec_post /login "username=x&password=y"
sec_from() {
	local addr=$1 home=$IT_WORK/curlrc-$1
	shift
	mkdir -p "$home" && printf 'interface = %s\n' "$addr" >"$home/.curlrc"
	CURL_HOME=$home "$@"
}

# Run a request command and keep in SEC_TIME the seconds it took.
sec_timed() {
	local start
	start=$(date +%s%N)
	"$@"
	SEC_TIME=$(awk -v ns=$(($(date +%s%N) - start)) 'BEGIN { printf "%.3f", ns / 1e9 }')
}

# --- raw requests -------------------------------------------------------------------------

# Split a whole HTTP answer (file $1) into $IT_HEADERS and $IT_BODY at the
# first empty line.
sec_split_answer() {
	awk '!body && /^\r?$/ { body = 1; next } !body' "$1" >"$IT_HEADERS"
	awk 'body { print } !body && /^\r?$/ { body = 1 }' "$1" >"$IT_BODY"
}

# Send one raw request (printf %b escapes allowed) to the server and read
# the answer for at most 2 seconds. IT_STATUS is the status, or "none"
# when the server answered nothing (it was still waiting for a body).
sec_raw() {
	local answer=$IT_WORK/raw
	: >"$answer"
	if ! exec 3<>"/dev/tcp/127.0.0.1/${IT_BASE##*:}"; then
		IT_STATUS="connect failed"
		return
	fi
	printf '%b' "$1" >&3
	timeout 2 cat <&3 >"$answer"
	exec 3<&-
	sec_split_answer "$answer"
	IT_STATUS=$(head -n 1 "$answer" | grep -oP '^HTTP/1\.[01] \K[0-9]{3}')
	IT_STATUS=${IT_STATUS:-none}
}

# Run the built app once as plain CGI against the test database: METHOD
# URI CONTENT_LENGTH ("-" for none) then extra NAME=VALUE environment; the
# body comes from stdin. Leaves the status (Status: header, else 200) in
# IT_STATUS, the exit status in SEC_CGI_EXIT, stderr in $IT_WORK/cgi.err.
sec_cgi() {
	local method=$1 uri=$2 length=$3 env
	shift 3
	env=(PATH=/usr/bin:/bin GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1
		REMOTE_ADDR=127.0.0.1 HTTP_HOST=127.0.0.1 HTTP_ORIGIN=http://127.0.0.1
		REQUEST_METHOD="$method" REQUEST_URI="$uri" SCRIPT_NAME="${uri%%\?*}"
		FILEPANEL_DB="$IT_DATA/filepanel.db" FILEPANEL_TEMPLATES="$IT_SRC/templates"
		FILEPANEL_INSECURE_COOKIES=1 CONTENT_TYPE=application/x-www-form-urlencoded)
	[ "$length" != - ] && env+=(CONTENT_LENGTH="$length")
	panel_is_root && env+=("FILEPANEL_RUN_AS=$PANEL_ACCOUNT")
	(cd / && env -i "${env[@]}" "$@" "$IT_APP" >"$IT_WORK/cgi.out" 2>"$IT_WORK/cgi.err")
	SEC_CGI_EXIT=$?
	sec_split_answer "$IT_WORK/cgi.out"
	IT_STATUS=$(it_header Status | cut -d' ' -f1)
	IT_STATUS=${IT_STATUS:-200}
}

# --- answers --------------------------------------------------------------------------------

# The last answer as "status|error sentence", to compare two answers.
sec_answer() {
	printf '%s|%s' "$IT_STATUS" "$(it_error_text)"
}

# Whether the last answer came from lighttpd itself (its own error page,
# without the panel's headers), not from the app.
sec_from_server() {
	[ -z "$(it_header Content-Security-Policy)" ] && ! grep -q '<main id="main"' "$IT_BODY"
}

# Whether the last answer is an error page in the panel's layout: the
# page's main element and an error sentence.
sec_has_layout() {
	grep -q '<main id="main"' "$IT_BODY" && [ -n "$(it_error_text)" ]
}

# Check that the last answer is an error page in the panel's layout.
sec_expect_layout() {
	it_check "$1: the error in the normal layout" "no <main> or no error paragraph" -- sec_has_layout
}

# Check that no audit row was written since the first N.
sec_expect_no_audit() {
	local rows
	rows=$(it_audit_since "$2")
	it_check "$1: no audit row" "new rows: $rows" -- test -z "$rows"
}

# --- the canary ---------------------------------------------------------------------------

# Make the canary trees outside the demo account's roots, owned by the
# data's owner (so an escape could write there): a sibling of its Home
# whose name shares its prefix (demo-canary) and a second account's Home.
sec_canary_make() {
	local dir
	SEC_CANARY=$IT_DATA/home/$IT_USER-canary
	SEC_OTHER=$IT_DATA/home/other
	for dir in "$SEC_CANARY" "$SEC_OTHER"; do
		panel_as_owner mkdir -p "$dir/sub/deep" "$dir/public_html" "$dir/empty" || return 1
		panel_as_owner sh -c 'for f in "$@"; do printf "%s %s\n" "$0" "$f" >"$f"; done' \
			"$SEC_SECRET" "$dir/secret.txt" "$dir/public_html/wp-config.php" \
			"$dir/sub/deep/file.txt" || return 1
		panel_as_owner ln -s secret.txt "$dir/inner-link" || return 1
	done
	printf 'other password 1\n' | it_admin useradd other --home "$SEC_OTHER" >/dev/null || return 1
	SEC_CANARY_PRINT=$(sec_canary_print)
	SEC_OUTSIDE_PRINT=$(sec_outside_print)
}

# A tree's fingerprint: every entry's path, type, mode, size and link
# target, and every file's hash.
sec_tree_print() {
	(cd "$1" && find . -printf '%p %y %m %s %l\n' | sort &&
		find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}

# The canary trees' fingerprint.
sec_canary_print() {
	sec_tree_print "$SEC_CANARY" && sec_tree_print "$SEC_OTHER"
}

# What lies outside the demo account's roots where its escape could land:
# the data directory but the Home, the run directory and the database's
# own files; and (when the app runs as another account) the symbolic links
# (all the panel makes) that account owns directly in /tmp and /dev/shm,
# which other programs share.
sec_outside_print() {
	find "$IT_DATA" \( -path "$IT_HOME" -o -path "$IT_DATA/run" -o -name 'filepanel.db*' \) \
		-prune -o -printf '%p %y %l\n' | sort
	if panel_is_root; then
		find /tmp /dev/shm -maxdepth 1 -type l -user "$PANEL_ACCOUNT" -printf '%p %l\n' \
			2>/dev/null | sort
	fi
}

# Check that the canary is byte-identical and nothing new lies outside the
# roots.
sec_expect_canary() {
	local now
	now=$(sec_canary_print)
	it_check "$1: the canary is unchanged" \
		"$(diff <(echo "$SEC_CANARY_PRINT") <(echo "$now") | head -n 6 | tr '\n' ' ')" -- \
		test "$now" = "$SEC_CANARY_PRINT"
	now=$(sec_outside_print)
	it_check "$1: nothing new outside the roots" \
		"$(diff <(echo "$SEC_OUTSIDE_PRINT") <(echo "$now") | head -n 6 | tr '\n' ' ')" -- \
		test "$now" = "$SEC_OUTSIDE_PRINT"
}

# --- the server -------------------------------------------------------------------------------

# The pids of the FastCGI workers of the running lighttpd, sorted.
sec_worker_pids() {
	pgrep -P "$PANEL_LIGHTTPD_PID" | sort -n | tr '\n' ' '
}

# (Re)start lighttpd with the app, with extra NAME=VALUE environment for
# the app (lighttpd passes its own environment on), and note its workers.
sec_serve() {
	local pair i
	for pair in "$@"; do
		local -x "$pair"
	done
	panel_lighttpd_stop
	it_serve
	for ((i = 0; i < 50; i++)); do
		[ "$(pgrep -c -P "$PANEL_LIGHTTPD_PID")" -ge "$PANEL_MAX_PROCS" ] && break
		sleep 0.1
	done
	SEC_WORKERS=$(sec_worker_pids)
}

# Check that the workers started by sec_serve are the ones still running
# (none crashed and was replaced) and that a listing still works.
sec_expect_serving() {
	local now
	now=$(sec_worker_pids)
	it_check "$1: no worker died (pids $SEC_WORKERS)" "now: $now" -- test "$now" = "$SEC_WORKERS"
	it_get /files root=home
	it_expect_status "$1: a listing still works" 200
}

# --- time ---------------------------------------------------------------------------------------

# Seconds since the epoch, with nanoseconds.
sec_now() {
	date +%s.%N
}

# Sleep until START + OFFSET seconds (both may be fractions).
sec_sleep_until() {
	local left
	left=$(awk -v t="$(sec_now)" -v s="$1" -v o="$2" 'BEGIN { d = s + o - t; print (d > 0 ? d : 0) }')
	sleep "$left"
}
