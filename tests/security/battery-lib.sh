# battery-lib.sh: what the security battery (battery.test) adds to the
# integration helpers of tests/integration/lib.sh, which it sources: a
# canary tree outside the roots, requests given as percent-encoded text
# (any byte, NUL included, arrives as written), raw HTTP requests, one
# request to the app run as plain CGI (also inside a mount namespace),
# answers compared between an escape and a path that does not exist,
# remote addresses other than 127.0.0.1, the panel's opaque encoding of
# names, the confirm-then-POST flow of a delete, the database read
# directly, timing, and the FastCGI workers' pids (a crash shows as a new
# pid). Shared by battery.test and battery-confine.test.
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
SEC_CGI_WRAP=()                     # a command sec_cgi runs the app under (e.g. unshare)
bg_pids=()                          # the pids in_background started

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
# The curlrc is written once, under a temporary name renamed into place, so
# that parallel callers never read it half written (curl would then send
# from 127.0.0.1).
sec_from() {
	local addr=$1 home=$IT_WORK/curlrc-$1 tmp
	shift
	if [ ! -s "$home/.curlrc" ]; then
		mkdir -p "$home" && tmp=$(mktemp "$home/.curlrc.XXXXXX") &&
			printf 'interface = %s\n' "$addr" >"$tmp" && mv -f "$tmp" "$home/.curlrc"
	fi
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
# URI CONTENT_LENGTH ("-" for none) then extra NAME=VALUE environment (a
# later one replaces an earlier one; NAME= leaves it empty, which the app
# takes as absent); the body comes from stdin. QUERY_STRING is taken from
# URI. Leaves the status (Status: header, else 200) in IT_STATUS, the exit
# status in SEC_CGI_EXIT, stderr in $IT_WORK/cgi.err. The app runs under
# the command in the array SEC_CGI_WRAP when it is set (sec_in_mount_ns).
sec_cgi() {
	local method=$1 uri=$2 length=$3 env query=""
	shift 3
	[[ $uri == *\?* ]] && query=${uri#*\?}
	env=(PATH=/usr/bin:/bin GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1
		REMOTE_ADDR=127.0.0.1 HTTP_HOST=127.0.0.1 HTTP_ORIGIN=http://127.0.0.1
		REQUEST_METHOD="$method" REQUEST_URI="$uri" SCRIPT_NAME="${uri%%\?*}"
		QUERY_STRING="$query"
		FILEPANEL_DB="$IT_DATA/filepanel.db" FILEPANEL_TEMPLATES="$IT_SRC/templates"
		FILEPANEL_INSECURE_COOKIES=1 CONTENT_TYPE=application/x-www-form-urlencoded)
	[ "$length" != - ] && env+=(CONTENT_LENGTH="$length")
	panel_is_root && env+=("FILEPANEL_RUN_AS=$PANEL_ACCOUNT")
	(cd / && "${SEC_CGI_WRAP[@]}" env -i "${env[@]}" "$@" "$IT_APP" >"$IT_WORK/cgi.out" \
		2>"$IT_WORK/cgi.err")
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

# Whether the last answer came from lighttpd itself (its own error page
# "<h1>STATUS Reason</h1>", sent as text/html without a charset), not from
# the app, whose pages are text/html; charset=utf-8 with a <main>.
# lighttpd's pages now carry the security headers too (mod_setenv in
# script/panel-lib.sh), so those no longer tell them apart.
sec_from_server() {
	! grep -q '<main id="main"' "$IT_BODY" && grep -q "<h1>$IT_STATUS " "$IT_BODY" &&
		[[ $(it_header Content-Type) != *charset=utf-8* ]]
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

# --- names as the panel carries them ---------------------------------------------------------

# Whether code point $1 is one the panel calls odd (names_odd_ranges in
# lib/names.c, the one list; copied here so that a test can say what the
# server must write, not read it off the server).
sec_cp_odd() {
	local cp=$1 range
	for range in 0-1f 7f-9f a0-a0 ad-ad 34f-34f 61c-61c 115f-1160 17b4-17b5 180b-180f \
		2000-200f 2028-202f 205f-206f 3000-3000 3164-3164 fdd0-fdef fe00-fe0f feff-feff \
		ffa0-ffa0 fff0-fffd 1bca0-1bca3 1d173-1d17a e0000-e0fff; do
		((cp >= 16#${range%-*} && cp <= 16#${range#*-})) && return 0
	done
	(((cp & 0xfffe) == 0xfffe))
}

# The UTF-8 sequence at byte i of the string s (LC_ALL=C, bytes in the
# array SEC_BYTES): sets SEC_SEQ_LEN (0: not valid UTF-8 there) and
# SEC_SEQ_CP. The shortest form only, no surrogate, at most U+10FFFF.
sec_utf8_at() {
	local i=$1 b=${SEC_BYTES[$1]} n lo=128 hi=191 k c
	SEC_SEQ_LEN=0
	if ((b < 0x80)); then
		SEC_SEQ_LEN=1 SEC_SEQ_CP=$b
		return
	fi
	((b < 0xc2 || b > 0xf4)) && return
	n=$((b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4))
	case $b in
	224) lo=160 ;; 237) hi=159 ;; 240) lo=144 ;; 244) hi=143 ;;
	esac
	((i + n > ${#SEC_BYTES[@]})) && return
	c=${SEC_BYTES[i + 1]}
	((c < lo || c > hi)) && return
	SEC_SEQ_CP=$((b & (0x7f >> n)))
	for ((k = 1; k < n; k++)); do
		c=${SEC_BYTES[i + k]}
		(((c & 0xc0) != 0x80)) && return
		SEC_SEQ_CP=$((SEC_SEQ_CP << 6 | (c & 0x3f)))
	done
	SEC_SEQ_LEN=$n
}

# Print a name or path in the panel's opaque form (names_opaque_encode):
# every byte of an odd character (sec_cp_odd, a byte that is not UTF-8, a
# leading or trailing space) and every '~' as ~XX, uppercase; all else as
# it is. This is what data-name holds, and what the panel's URLs and forms
# carry before percent-encoding.
sec_opaque() {
	local LC_ALL=C s=$1 i n lead tail k odd out=""
	sec_bytes_of "$s"
	n=${#SEC_BYTES[@]} lead=$SEC_LEAD tail=$SEC_TAIL
	for ((i = 0; i < n; i += SEC_SEQ_LEN)); do
		sec_utf8_at "$i"
		odd=0
		if ((SEC_SEQ_LEN == 0)); then
			SEC_SEQ_LEN=1 odd=1
		elif sec_cp_odd "$SEC_SEQ_CP" || ((SEC_SEQ_CP == 126)) ||
			((SEC_SEQ_CP == 32 && (i <= lead || i + 1 >= tail))); then
			odd=1
		fi
		for ((k = i; k < i + SEC_SEQ_LEN; k++)); do
			if ((odd)); then
				printf -v out '%s~%02X' "$out" "${SEC_BYTES[k]}"
			else
				out+=${s:k:1}
			fi
		done
	done
	printf '%s' "$out"
}

# Split s into its bytes (SEC_BYTES, numbers), and find where its leading
# spaces end (SEC_LEAD) and its trailing ones begin (SEC_TAIL).
sec_bytes_of() {
	local LC_ALL=C s=$1 i n
	SEC_BYTES=()
	for ((i = 0; i < ${#s}; i++)); do
		printf -v 'SEC_BYTES[i]' '%d' "'${s:i:1}"
	done
	n=${#SEC_BYTES[@]}
	for ((SEC_LEAD = 0; SEC_LEAD < n && SEC_BYTES[SEC_LEAD] == 32; SEC_LEAD++)); do :; done
	for ((SEC_TAIL = n; SEC_TAIL > SEC_LEAD && SEC_BYTES[SEC_TAIL - 1] == 32; SEC_TAIL--)); do :; done
}

# Print how the panel shows a name in HTML text (the x-name modifier of
# lib/page.cc): escaped, and every odd character as
# <span class="odd">U+XXXX</span>, a byte that is not UTF-8 as
# <span class="odd">\xHH</span>.
sec_shown() {
	local LC_ALL=C s=$1 i n lead tail out="" ch
	sec_bytes_of "$s"
	n=${#SEC_BYTES[@]} lead=$SEC_LEAD tail=$SEC_TAIL
	for ((i = 0; i < n; i += SEC_SEQ_LEN)); do
		sec_utf8_at "$i"
		if ((SEC_SEQ_LEN == 0)); then
			SEC_SEQ_LEN=1
			printf -v out '%s<span class="odd">\\x%02X</span>' "$out" "${SEC_BYTES[i]}"
		elif sec_cp_odd "$SEC_SEQ_CP" ||
			((SEC_SEQ_CP == 32 && (i <= lead || i + 1 >= tail))); then
			printf -v out '%s<span class="odd">U+%04X</span>' "$out" "$SEC_SEQ_CP"
		else
			ch=${s:i:SEC_SEQ_LEN}
			out+=$(it_html "$ch")
		fi
	done
	printf '%s' "$out"
}

# Print a name as filepanel-admin prints it in the audit log
# (names_visible_text): an odd character as \u{XXXX} (at least 4 hex
# digits), a byte that is not UTF-8 as \xHH, newline, CR and tab as \n \r
# \t, a backslash as \\.
sec_visible() {
	local LC_ALL=C s=$1 i n lead tail out="" ch
	sec_bytes_of "$s"
	n=${#SEC_BYTES[@]} lead=$SEC_LEAD tail=$SEC_TAIL
	for ((i = 0; i < n; i += SEC_SEQ_LEN)); do
		sec_utf8_at "$i"
		case ${SEC_BYTES[i]} in
		10) out+='\n' ; continue ;;
		13) out+='\r' ; continue ;;
		9) out+='\t' ; continue ;;
		92) out+='\\' ; continue ;;
		esac
		if ((SEC_SEQ_LEN == 0)); then
			SEC_SEQ_LEN=1
			printf -v out '%s\\x%02X' "$out" "${SEC_BYTES[i]}"
		elif sec_cp_odd "$SEC_SEQ_CP" ||
			((SEC_SEQ_CP == 32 && (i <= lead || i + 1 >= tail))); then
			printf -v out '%s\\u{%04X}' "$out" "$SEC_SEQ_CP"
		else
			out+=${s:i:SEC_SEQ_LEN}
		fi
	done
	printf '%s' "$out"
}

# --- the database -------------------------------------------------------------------------------

# Run one SQL statement on the test database, read-only, as the data's
# owner; prints the rows ('|' between columns).
sec_db() {
	panel_as_owner sqlite3 -readonly "$IT_DATA/filepanel.db" "$1"
}

# The number of rows in the audit table (not events: a row counts many).
sec_audit_rows() {
	sec_db 'SELECT count(*) FROM audit'
}

# --- requests of a logged-in page -----------------------------------------------------------------

# Run a command with another cookie jar.
with_jar() {
	local IT_JAR=$1
	shift
	"$@"
}

# The session token a cookie jar holds (empty when none).
jar_token() {
	awk -F '\t' '$6 == "fp_session" { print $7 }' "$1" 2>/dev/null | tail -n 1
}

# Write a cookie jar holding only a session cookie with value TOKEN.
jar_with() {
	printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tfp_session\t%s\n' "$2" >"$1"
}

# Log in with a fresh jar FILE as USER with PASSWORD; print the listing's
# CSRF token.
login_jar() {
	rm -f "$1"
	with_jar "$1" it_post /login "username=$2" "password=$3" "next=" >/dev/null
	with_jar "$1" it_get /files root=home
	it_csrf
}

# Delete an entry the way the panel's pages do: GET its confirm page
# (root, directory and name as they are; opaque-encoded here), then submit
# the confirm page's form (csrf, root, path, name and the link's identity,
# id) with any extra NAME=VALUE fields after them. When the confirm page
# does not answer 200, IT_STATUS is its status and nothing is posted.
# Usage: sec_delete_confirmed home Documents old-link
sec_delete_confirmed() {
	local root=$1 path=$2 name=$3
	shift 3
	it_get /delete "root=$root" "path=$(sec_opaque "$path")" "name=$(sec_opaque "$name")"
	[ "$IT_STATUS" = 200 ] || return 0
	it_submit /delete "$@"
}

# Submit the form of the last page whose action is ACTION with its hidden
# fields, each NAME=VALUE given here replacing the hidden field of that
# name (or added when there is none).
sec_submit_replacing() {
	local action=$1 form field fields=() kept=() given
	shift
	form=$(it_form "$action")
	mapfile -t fields < <(it_hidden_fields "$form")
	for field in "${fields[@]}"; do
		for given in "$@"; do
			[ "${given%%=*}" = "${field%%=*}" ] && continue 2
		done
		kept+=("$field")
	done
	it_post "$action" "${kept[@]}" "$@"
}

# Run a shell script (stdin) as the data's owner, with arguments: one
# runuser for many file operations.
# Usage: as_owner_script ARG... <<'EOF' ... EOF
as_owner_script() {
	panel_as_owner bash -s -- "$@"
}

# Print "LINK -> WHERE" for every symbolic link below the directories
# given whose destination, as the kernel would resolve it now for the
# data's owner (readlink -m: every link on the way followed, missing
# components taken as they are), lies outside the demo Home (which holds
# Web and FTP).
links_leading_outside() {
	as_owner_script "$IT_HOME" "$@" <<'SCRIPT'
export LC_ALL=C # (in UTF-8, bash's read -d '' loses the record after a bad byte)
home=$1
shift
find "$@" -type l -print0 | while IFS= read -r -d '' link; do
	where=$(readlink -m -- "$link")
	case $where in
	"$home" | "$home"/*) ;;
	*) printf '%s -> %s\n' "${link#"$home"/}" "$where" ;;
	esac
done | sort
SCRIPT
}

# The identity a confirm page gives the entry FILE (not followed):
# INODE.CTIME_SECONDS.CTIME_NANOSECONDS, the nanoseconds without leading
# zeros.
sec_entry_id() {
	local ns
	ns=$(stat -c '%.9Z' -- "$1")
	ns=${ns#*.}
	ns=$((10#$ns))
	printf '%s.%s' "$(stat -c '%i.%Z' -- "$1")" "$ns"
}

# Check the form of the last page, a delete's confirm page for ROOT, the
# directory PATH and the entry NAME (all as they are on disk): it posts
# exactly csrf, root, path and name (opaque-encoded) and id, the link's
# identity "INODE.CTIME_SECONDS.CTIME_NANOSECONDS" as the disk has it now;
# csrf is the session's token ($csrf).
expect_confirm_form() {
	local label=$1 file want got
	file=$IT_HOME${3:+/$3}/$4
	[ "$2" = web ] && file=$IT_HOME/public_html${3:+/$3}/$4
	[ "$2" = ftp ] && file=$IT_HOME/public_ftp${3:+/$3}/$4
	want=$(printf 'csrf=%s\nroot=%s\npath=%s\nname=%s\nid=%s' "$csrf" "$2" \
		"$(sec_opaque "$3")" "$(sec_opaque "$4")" "$(sec_entry_id "$file")")
	got=$(it_hidden_fields "$(it_form /delete)")
	it_check "$label: the confirm form's fields" "fields: $(tr '\n' ' ' <<<"$got"), want $(tr '\n' ' ' <<<"$want")" -- \
		test "$got" = "$want"
}

# Run a command in the background with its own scratch directory, body,
# headers and cookie jar ($IT_WORK/par/NAME), so that many can run at once;
# its pid is added to the array bg_pids (wait for those, never for all
# children: lighttpd is one).
in_background() {
	local dir=$IT_WORK/par/$1
	shift
	mkdir -p "$dir"
	# shellcheck disable=SC2030 # the subshell's own scratch files
	(IT_WORK=$dir IT_BODY=$dir/body IT_HEADERS=$dir/headers IT_JAR=$dir/cookies
		"$@") &
	bg_pids+=($!)
}

# --- the demo Home ---------------------------------------------------------------------------------

# Plant a symbolic link in the demo Home as its owner would over SSH.
plant_link() {
	panel_as_owner ln -s -- "$2" "$IT_HOME/$1" || it_abort "could not plant $1"
}

# Plant a directory holding one file in the demo Home.
plant_dir() {
	panel_as_owner mkdir -p -- "$IT_HOME/$1" && panel_as_owner touch -- "$IT_HOME/$1/$2" ||
		it_abort "could not plant $1"
}

# Check that the demo Home did not change since SNAPSHOT (it_snapshot).
expect_home() {
	local now
	now=$(it_snapshot)
	it_check "$1: nothing changed in the Home" \
		"$(diff <(echo "$2") <(echo "$now") | head -n 4 | tr '\n' ' ')" -- test "$2" = "$now"
}

# --- what a page shows ------------------------------------------------------------------------------

# Check that the last body shows nothing read outside the roots.
expect_no_leak() {
	it_expect_no_body "$1: no canary text" "$SEC_SECRET"
	it_expect_no_body "$1: no /etc/passwd text" "root:x:0:0:"
}

# Check that the last answer sends no header injected through a name.
expect_no_injected_header() {
	local injected
	injected=$(grep -iE '^(set-cookie: *pwned|pwned)' "$IT_HEADERS")
	it_check "$1: no injected header" "$injected" -- test -z "$injected"
}

# Percent-decode each value of a parameter in a URL's query; prints one
# decoded value a line.
# Usage: url_param URL NAME
url_param() {
	local pair pairs=()
	IFS='&' read -ra pairs <<<"${1#*\?}"
	for pair in "${pairs[@]}"; do
		[ "${pair%%=*}" = "$2" ] && printf '%s\n' "$(sec_dec "${pair#*=}")"
	done
	return 0
}

# The URLs of the last page: every href, src and action, entities undone.
page_urls() {
	it_flat | grep -oP '\s(href|src|action)="\K[^"]*' | it_unhtml
}

# --- mounts -----------------------------------------------------------------------------------------

# Set SEC_CGI_WRAP so that the next sec_cgi runs the app in a mount
# namespace of its own (unshare -m) where a fresh tmpfs is mounted on DIR
# (an existing directory) holding a file inside.txt with the canary text;
# nothing is mounted outside that namespace. Needs root (in a user
# namespace, unshare -rm, the app would see itself as root and refuse to
# serve: it could not switch to FILEPANEL_RUN_AS there); returns non-zero
# when it cannot be done.
sec_in_mount_ns() {
	panel_is_root && unshare -m true 2>/dev/null || return 1
	SEC_CGI_WRAP=(unshare -m -- sh -c \
		'mount -t tmpfs -o mode=755 tmpfs "$0" && echo "$1" >"$0/inside.txt" && shift && exec "$@"' \
		"$1" "$SEC_SECRET mounted")
}
