# panel-lib.sh: shell functions shared by script/server and the integration
# tests: the unprivileged account the panel runs as, the layout of a data
# directory, the lighttpd configuration, and starting and stopping lighttpd
# with the FastCGI app. Source it from bash; it defines functions and the
# PANEL_* variables below, nothing else.
#
# A data directory DIR holds:
#   DIR/filepanel.db   the database (owned by the run account)
#   DIR/home/          the accounts' Home trees (owned by the run account)
#   DIR/run/           lighttpd.conf and lighttpd.pid (root's, when root),
#                      error.log, the FastCGI socket and lighttpd's
#                      temporary files (the run account's)

# The system account the app runs as when we are root.
PANEL_ACCOUNT=${FILEPANEL_ACCOUNT:-filepanel}
# How many FastCGI processes lighttpd starts: PANEL_MAX_PROCS from the
# environment (digits only; the security battery raises it), else 2.
PANEL_MAX_PROCS=${PANEL_MAX_PROCS:-}
PANEL_MAX_PROCS=${PANEL_MAX_PROCS//[^0-9]/}
PANEL_MAX_PROCS=${PANEL_MAX_PROCS:-2}
# The largest request body lighttpd takes, in KiB: a larger one gets
# lighttpd's 413 before the app sees it or lighttpd keeps it.
# PANEL_MAX_REQUEST_KB from the environment (digits only), else 128: twice
# the app's own limit of a form body (64 KiB, HTTP_MAX_BODY_BYTES in
# lib/http.h), so that the app still answers a body just over its limit.
PANEL_MAX_REQUEST_KB=${PANEL_MAX_REQUEST_KB:-}
PANEL_MAX_REQUEST_KB=${PANEL_MAX_REQUEST_KB//[^0-9]/}
PANEL_MAX_REQUEST_KB=${PANEL_MAX_REQUEST_KB:-128}
# Seconds a client may stay silent while lighttpd waits for its request
# (headers or body) before it is disconnected: PANEL_READ_IDLE from the
# environment (digits only; a test shortens it), else 20.
PANEL_READ_IDLE=${PANEL_READ_IDLE:-}
PANEL_READ_IDLE=${PANEL_READ_IDLE//[^0-9]/}
PANEL_READ_IDLE=${PANEL_READ_IDLE:-20}
# The pid of the lighttpd started by panel_lighttpd_start ("" when none).
PANEL_LIGHTTPD_PID=""

# Print a message on stderr and exit with failure.
panel_die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

# Whether this shell runs as root.
panel_is_root() {
	[ "$(id -u)" -eq 0 ]
}

# Create the run account (a system account without a home or a shell) when
# we are root and it is missing. Does nothing when not root.
panel_account_ensure() {
	panel_is_root || return 0
	getent passwd "$PANEL_ACCOUNT" >/dev/null && return 0
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin "$PANEL_ACCOUNT" ||
		panel_die "could not create the system account '$PANEL_ACCOUNT'"
}

# Run a command as the account that owns the data: the run account when
# we are root, else ourselves. Files it creates get the right owner.
panel_as_owner() {
	if panel_is_root; then
		runuser -u "$PANEL_ACCOUNT" -- "$@"
	else
		"$@"
	fi
}

# Make (or check) a data directory: DIR owned by the run account, and
# DIR/run (root's, sticky, writable by the run account's group) where the
# app cannot replace the files root writes (the config, the pid file) but
# can add its socket and log. (The account owns DIR, so it could still
# rename run/ away while one of its processes lives: the config is always
# rewritten through a fresh file, and the pid file removed, before a start.)
# A directory that exists must be empty, hold filepanel.db, or hold only
# run/ (a first run that stopped early): nothing else is taken over.
panel_data_dir() {
	local dir=$1 entries
	if [ -e "$dir" ] && [ ! -e "$dir/filepanel.db" ]; then
		[ -d "$dir" ] || panel_die "$dir is not a directory"
		entries=$(ls -A "$dir") || panel_die "cannot read $dir"
		[ -z "$entries" ] || [ "$entries" = run ] ||
			panel_die "$dir is not empty and is no filepanel data directory; choose another --data"
	fi
	mkdir -p "$dir/run" || panel_die "cannot create $dir"
	[ -d "$dir/run" ] && [ ! -L "$dir/run" ] || panel_die "$dir/run is not a directory"
	if panel_is_root; then
		chown -h "$PANEL_ACCOUNT:" "$dir" || return 1
		chown -h "root:$PANEL_ACCOUNT" "$dir/run" && chmod 1770 "$dir/run" || return 1
	fi
}

# Check that the run account can reach what the app needs (a checkout in a
# private home directory would not be): each argument is a path it must read.
panel_check_access() {
	local path
	panel_is_root || return 0
	for path in "$@"; do
		runuser -u "$PANEL_ACCOUNT" -- test -r "$path" ||
			panel_die "the account '$PANEL_ACCOUNT' cannot read $path"
	done
}

# Quote a string for the lighttpd configuration language.
panel_conf_string() {
	local s=${1//\\/\\\\}
	printf '"%s"' "${s//\"/\\\"}"
}

# Write DIR/run/lighttpd.conf: lighttpd on 127.0.0.1:PORT serving SRCDIR/static
# at /static and everything else through the FastCGI app APP, with its
# environment (FILEPANEL_DB, FILEPANEL_TEMPLATES, insecure cookies for
# plain HTTP, FILEPANEL_RUN_AS and server.username when root) plus any
# extra NAME=VALUE arguments.
# Usage: panel_lighttpd_conf DIR PORT APP SRCDIR [NAME=VALUE...]
panel_lighttpd_conf() {
	local dir=$1 port=$2 app=$3 src=$4 conf tmp pair
	shift 4
	local env=("FILEPANEL_DB=$dir/filepanel.db" "FILEPANEL_TEMPLATES=$src/templates"
		"FILEPANEL_INSECURE_COOKIES=1" "$@")
	panel_is_root && env+=("FILEPANEL_RUN_AS=$PANEL_ACCOUNT")
	conf=$dir/run/lighttpd.conf
	# a fresh file renamed into place: nothing planted at that name is followed
	tmp=$(mktemp "$dir/run/.lighttpd.conf.XXXXXX") || return 1
	{
		echo "# generated by script/panel-lib.sh; rewritten at every start"
		echo 'server.modules = ("mod_alias", "mod_fastcgi", "mod_setenv")'
		echo "server.bind = \"127.0.0.1\""
		echo "server.port = $port"
		echo "server.document-root = $(panel_conf_string "$src/static")"
		echo "server.pid-file = $(panel_conf_string "$dir/run/lighttpd.pid")"
		echo "server.errorlog = $(panel_conf_string "$dir/run/error.log")"
		echo 'server.tag = "filepanel"'
		# --- what one client may cost (SECURITY.md, "Anonymous abuse") ---
		# A request body larger than PANEL_MAX_REQUEST_KB gets lighttpd's
		# 413 before the app runs: at once from its Content-Length, or when
		# a chunked body grows past it. Request line and headers: 8 KiB
		# (more gets 431).
		echo "server.max-request-size = $PANEL_MAX_REQUEST_KB"
		echo 'server.max-request-field-size = 8192'
		# lighttpd takes the whole body (at most the size above; past
		# 64 KiB in a file in run/) before it calls the app. Streamed (1 or
		# 2), a client sending its body slowly holds one of the few app
		# workers until it times out: three such clients made a GET /login
		# wait 4 s with 2, and 1 ms with 0.
		echo 'server.stream-request-body = 0'
		echo "server.upload-dirs = ($(panel_conf_string "$dir/run"))"
		# Pass a page on as the app writes it, and stop reading from the
		# app while the client is slow: a client reading a 30 MB page (a
		# 100,000-entry listing) slowly left at most 192 KiB in a temporary
		# file. With 0 (collect the whole page) or 1 (stream, but keep what
		# the client has not taken yet) the same client left 26-27 MB in
		# run/. It is no slower: wrk on the 1,000-entry listing got more
		# requests a second with 2 than with 0. The price: a slow reader
		# of a page larger than that holds an app worker (max-write-idle
		# below ends it), and only a logged-in account can ask for such a
		# page.
		echo 'server.stream-response-body = 2'
		# At most 256 connections (more wait to be accepted); a kept-alive
		# connection ends after 100 requests or 5 idle seconds.
		echo 'server.max-connections = 256'
		echo 'server.max-keep-alive-requests = 100'
		echo 'server.max-keep-alive-idle = 5'
		# A client silent for PANEL_READ_IDLE seconds while it sends its
		# request, or taking nothing of the answer for 60 seconds, is
		# disconnected. (These are idle times: a client that sends a byte
		# every few seconds is stopped only by the size limits above.)
		echo "server.max-read-idle = $PANEL_READ_IDLE"
		echo 'server.max-write-idle = 60'
		# The headers every page of the app sends (VIEW_CSP and
		# view_common_headers in cgi/view.c), on the static files and on
		# lighttpd's own pages too. "set" replaces the app's own: never
		# twice. tests/integration/server.test checks that they match.
		echo 'setenv.set-response-header = ('
		echo "  \"Content-Security-Policy\" => \"default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'\","
		echo '  "X-Content-Type-Options" => "nosniff",'
		echo '  "X-Frame-Options" => "DENY",'
		echo '  "Referrer-Policy" => "same-origin",'
		echo ')'
		# mod_setenv adds nothing to a page lighttpd refuses before it
		# looks at the URL (413, 400, 411, 431, 501, 505). An error handler
		# sends them through it: here a URL that names no file, so lighttpd
		# keeps the status and its own page.
		echo 'server.error-handler = "/static/.no-such-error-page"'
		if panel_is_root; then
			echo "server.username = $(panel_conf_string "$PANEL_ACCOUNT")"
			echo "server.groupname = $(panel_conf_string "$(id -gn "$PANEL_ACCOUNT")")"
		fi
		echo 'mimetype.assign = (".css" => "text/css; charset=utf-8",'
		echo '  ".js" => "text/javascript; charset=utf-8", ".svg" => "image/svg+xml",'
		echo '  ".png" => "image/png", ".ico" => "image/x-icon", ".txt" => "text/plain; charset=utf-8")'
		echo "alias.url = (\"/static/\" => $(panel_conf_string "$src/static/"))"
		echo '$HTTP["url"] !~ "^/static/" {'
		echo '  fastcgi.server = ("/" => (('
		echo "    \"socket\" => $(panel_conf_string "$dir/run/filepanel.sock"),"
		echo "    \"bin-path\" => $(panel_conf_string "$app"),"
		echo "    \"max-procs\" => $PANEL_MAX_PROCS,"
		echo '    "check-local" => "disable",'
		echo '    "fix-root-scriptname" => "enable",'
		echo '    "bin-environment" => ('
		for pair in "${env[@]}"; do
			echo "      $(panel_conf_string "${pair%%=*}") => $(panel_conf_string "${pair#*=}"),"
		done
		echo '    ),'
		echo '  )))'
		echo '} else {'
		# a static file is whole or nothing: no 416 page (which would go
		# out without the headers above) for a Range past its end
		echo '  server.range-requests = "disable"'
		echo '}'
	} >"$tmp" && chmod 644 "$tmp" && mv -f "$tmp" "$conf"
}

# Whether something answers HTTP on 127.0.0.1:PORT (any status).
panel_http_up() {
	curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/static/" 2>/dev/null
}

# Start lighttpd with DIR/run/lighttpd.conf in the background (its own
# messages, such as a port already taken, go to stderr) and wait until it
# answers on PORT. Sets PANEL_LIGHTTPD_PID. Returns non-zero, leaving
# nothing running, when it does not come up within 10 seconds.
# Usage: panel_lighttpd_start DIR PORT
panel_lighttpd_start() {
	local dir=$1 port=$2 i
	rm -f "$dir/run/lighttpd.pid"
	lighttpd -D -f "$dir/run/lighttpd.conf" </dev/null >&2 &
	PANEL_LIGHTTPD_PID=$!
	for ((i = 0; i < 100; i++)); do
		if ! kill -0 "$PANEL_LIGHTTPD_PID" 2>/dev/null; then
			wait "$PANEL_LIGHTTPD_PID" 2>/dev/null
			PANEL_LIGHTTPD_PID=""
			return 1
		fi
		panel_http_up "$port" && return 0
		sleep 0.1
	done
	panel_lighttpd_stop
	return 1
}

# The command line of a process, "" when it is gone.
panel_cmdline() {
	tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline"
}

# Send a signal to each pid of a "pid<TAB>command line" list whose process
# still runs that command line (so a reused pid is never hit). Returns 0
# when at least one was still there.
panel_signal_same() {
	local signal=$1 list=$2 pid cmd found=1
	while IFS=$'\t' read -r pid cmd; do
		[ -n "$pid" ] && [ "$(panel_cmdline "$pid")" = "$cmd" ] || continue
		kill "-$signal" "$pid" 2>/dev/null && found=0
	done <<<"$list"
	return $found
}

# Stop the lighttpd started by panel_lighttpd_start and the app processes
# it spawned: SIGTERM first, SIGKILL for anything left after 5 seconds.
# Safe to call twice.
panel_lighttpd_stop() {
	local pid=$PANEL_LIGHTTPD_PID children="" child i
	[ -n "$pid" ] || return 0
	PANEL_LIGHTTPD_PID=""
	for child in $(pgrep -P "$pid"); do
		children+="$child"$'\t'"$(panel_cmdline "$child")"$'\n'
	done
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# lighttpd stops its backends itself; make sure of it
	for ((i = 0; i < 50; i++)); do
		panel_signal_same 0 "$children" || break
		[ "$i" -eq 0 ] && panel_signal_same TERM "$children"
		sleep 0.1
	done
	panel_signal_same KILL "$children"
	return 0
}
