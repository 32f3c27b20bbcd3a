/* filepanel: the FastCGI application. An accept loop (or one request as
 * plain CGI), a static route table, and the checks every request passes
 * before its handler runs: method, fields, body limits, same origin,
 * session, CSRF. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "auth.h"
#include "change.h"
#include "files.h"
#include "links.h"
#include "login.h"
#include "page.h"
#include "request.h"
#include "store.h"
#include "upkeep.h"
#include "view.h"

extern char **environ;

#define GET_HEAD (METHOD_GET | METHOD_HEAD)

/* One page of the panel: a new page is one row. */
struct route {
	const char *path;
	unsigned methods;            /* METHOD_ bits it answers */
	bool needs_login;
	audit_action action;         /* recorded (refused) when a POST fails the checks */
	void (*handler)(struct req *r);
};

static const struct route routes[] = {
	{"/", GET_HEAD, false, AUDIT_NONE, login_home},
	{"/login", GET_HEAD | METHOD_POST, false, AUDIT_LOGIN_FAILED, login_page},
	{"/logout", METHOD_POST, true, AUDIT_LOGOUT, login_logout},
	{"/files", GET_HEAD, true, AUDIT_NONE, files_list},
	{"/link", GET_HEAD, true, AUDIT_NONE, files_link},
	{"/create", GET_HEAD | METHOD_POST, true, AUDIT_LINK_CREATE, links_create},
	{"/delete", GET_HEAD | METHOD_POST, true, AUDIT_LINK_DELETE, links_delete},
	{"/interface", METHOD_POST, true, AUDIT_INTERFACE, links_interface},
};

/* The route whose path is path, or NULL. */
static const struct route *app_route(const char *path)
{
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (strcmp(path, routes[i].path) == 0)
			return &routes[i];
	}
	return NULL;
}

/* The Allow header for a route. */
static const char *app_allow(const struct route *rt)
{
	if (rt->methods == METHOD_POST)
		return "POST";
	return (rt->methods & METHOD_POST) ? "GET, HEAD, POST" : "GET, HEAD";
}

/* Send a visitor without a session to the login page, coming back here. */
static void app_to_login(struct req *r)
{
	char next[2048], url[8192];
	const char *qs = req_env(r, "QUERY_STRING");

	snprintf(next, sizeof next, "%s%s%s", r->path, *qs ? "?" : "", qs);
	view_redirect(r, view_url(url, sizeof url, "/login", "next", next, NULL));
}

/* Refuse a POST that failed a check, with its (counted) audit row when the
 * page changes something. */
static void app_refuse_post(struct req *r, const struct route *rt, err_t e)
{
	change_refused(r, &(struct change){rt->action, -1, NULL, NULL, NULL, NULL, NULL}, e);
	view_error(r, e);
}

/* Run every check a request passes, then its handler. */
static void app_dispatch(struct req *r, err_t begun)
{
	const struct route *rt;
	err_t e;

	if (begun == ERR_OK && !req_host_allowed(r))
		begun = ERR_HOST;
	if (begun != ERR_OK) {
		view_error(r, begun);
		return;
	}
	rt = app_route(r->path);
	if (rt == NULL) {
		view_error(r, ERR_NOT_FOUND);
		return;
	}
	if ((rt->methods & r->method) == 0) {
		view_method_not_allowed(r, app_allow(rt));
		return;
	}
	r->out.head_only = r->method == METHOD_HEAD;
	req_load_session(r);
	if (r->session_error != ERR_OK && rt->needs_login) {
		/* the database cannot be read: say so, never "log in again" */
		view_error(r, r->session_error);
		return;
	}
	if (r->method == METHOD_POST) {
		e = req_same_origin(r) ? req_read_body(r) : ERR_CSRF;
		if (e == ERR_OK && rt->needs_login && !req_csrf_ok(r))
			e = ERR_CSRF;
		if (e != ERR_OK) {
			app_refuse_post(r, rt, e);
			return;
		}
	}
	if (rt->needs_login && !r->logged_in) {
		app_to_login(r);
		return;
	}
	rt->handler(r);
}

/* The process: its configuration and its database connection (NULL while
 * the database cannot be opened: its disk full or read-only). */
struct app {
	struct config cfg;
	struct store *store;
	err_t store_error;
};

/* Open the database if it is not open yet. ERR_OK; a full or read-only
 * database's error (the panel then answers every request saying so, and
 * tries again at the next); or any other error, which stops the process. */
static err_t app_store_ready(struct app *a)
{
	char owner[STORE_NAME_MAX] = "";
	err_t e;

	if (a->store != NULL)
		return ERR_OK;
	e = store_open(a->cfg.db_path, &a->store);
	if (e == ERR_OK)
		e = store_db_check(a->store, a->cfg.db_path, owner, sizeof owner);
	if (e != ERR_OK) {
		store_close(a->store);
		a->store = NULL;
		fprintf(stderr, "filepanel: %s: %s%s%s\n", a->cfg.db_path, err_sentence(e),
			*owner ? " Inside the roots of " : "", owner);
	}
	a->store_error = e;
	return e;
}

/* Serve one request from its environment and streams; returns whether the
 * database could be used (ERR_DB_IN_ROOT stops the process). */
static err_t app_serve(struct app *a, char **env, FCGX_Stream *in_fcgi, FCGX_Stream *out_fcgi,
		       FILE *in_file, FILE *out_file)
{
	struct req r;
	err_t ready = app_store_ready(a);
	err_t begun = req_begin(&r, &a->cfg, a->store, env, in_fcgi, in_file);

	if (out_fcgi != NULL)
		out_init_fcgi(&r.out, out_fcgi);
	else
		out_init_file(&r.out, out_file);
	app_dispatch(&r, ready != ERR_OK ? ready : begun);
	out_end_head(&r.out);
	req_end(&r);
	if (a->store != NULL)
		upkeep_maybe(&a->cfg, a->store, r.now, false);
	return ready;
}

/* A setting from the environment, or a default. */
static const char *app_setting(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : dflt;
}

/* Read FILEPANEL_BASE_URL: a path ("/panel"), or a full URL
 * ("https://panel.example.com:8443/panel") whose origin the panel's forms
 * must come from and whose host the requests must name. */
static int app_base_url(struct config *cfg, const char *text)
{
	static char base[1024];
	const char *scheme_end = strstr(text, "://"), *path = text;
	bool has_port;
	size_t len;

	cfg->origin[0] = cfg->origin_host[0] = '\0';
	if (scheme_end != NULL) {
		const char *authority = scheme_end + 3;
		char host[REQ_ORIGIN_MAX];

		path = authority + strcspn(authority, "/");
		snprintf(host, sizeof host, "%.*s", (int)(path - authority), authority);
		if (http_origin_canon(text, (size_t)(path - text), cfg->origin,
				      sizeof cfg->origin) != ERR_OK ||
		    http_host_name(host, cfg->origin_host, sizeof cfg->origin_host, &has_port) !=
			    ERR_OK) {
			fprintf(stderr, "filepanel: FILEPANEL_BASE_URL '%s' is not a path or an "
					"http(s) URL\n", text);
			return -1;
		}
	}
	snprintf(base, sizeof base, "%s", path);
	len = strlen(base);
	while (len > 0 && base[len - 1] == '/')
		base[--len] = '\0';
	cfg->base_url = base;
	return 0;
}

/* A whole number of seconds or days from the environment, or a default
 * when unset, not a number, or below min. */
static int64_t app_number(const char *name, int64_t dflt, int64_t min)
{
	const char *v = getenv(name);
	char *end = NULL;
	long long n = v != NULL ? strtoll(v, &end, 10) : 0;

	return v != NULL && *v != '\0' && *end == '\0' && n >= min ? (int64_t)n : dflt;
}

/* Read the configuration from the environment. */
static int app_configure(struct config *cfg)
{
	static char static_url[1024 + sizeof "/static"];

	memset(cfg, 0, sizeof *cfg);
	if (app_base_url(cfg, app_setting("FILEPANEL_BASE_URL", "")) != 0)
		return -1;
	snprintf(static_url, sizeof static_url, "%s/static", cfg->base_url);
	cfg->static_url = app_setting("FILEPANEL_STATIC_URL", static_url);
	cfg->allowed_hosts = app_setting("FILEPANEL_ALLOWED_HOSTS", NULL);
	cfg->db_path = app_setting("FILEPANEL_DB", NULL);
	cfg->templates = app_setting("FILEPANEL_TEMPLATES", FILEPANEL_DATADIR "/templates");
	cfg->secure_cookies = strcmp(app_setting("FILEPANEL_INSECURE_COOKIES", "0"), "1") != 0;
	/* __Host-: the browser keeps it to this host, Secure and Path=/ only */
	cfg->cookie_name = cfg->secure_cookies ? "__Host-fp_session" : "fp_session";
	cfg->idle_timeout = app_number("FILEPANEL_IDLE_TIMEOUT", 1800, 1);
	cfg->absolute_timeout = app_number("FILEPANEL_ABSOLUTE_TIMEOUT", 28800, 1);
	cfg->refusals = (struct store_refusal_limits){3600, app_number("FILEPANEL_REFUSAL_CAP", 200, 1)};
	cfg->retention = (struct store_retention){
		cfg->idle_timeout, cfg->absolute_timeout, 3600,
		app_number("FILEPANEL_AUDIT_DAYS", 365, 0)};
	return 0;
}

/* Note the database's directory and every one above it, which no root may
 * ever be. */
static int app_forbid_db_dirs(struct config *cfg)
{
	if (fs_ancestors_of(cfg->db_path, cfg->forbidden_ids, REQ_FORBIDDEN_MAX,
			    &cfg->forbidden.count) != ERR_OK) {
		fprintf(stderr, "filepanel: %s: cannot tell the directories above the database\n",
			cfg->db_path);
		return -1;
	}
	cfg->forbidden.ids = cfg->forbidden_ids;
	return 0;
}

/* Never serve as root: switch to FILEPANEL_RUN_AS (groups, then group,
 * then user, each checked) or refuse to start. */
static int app_drop_root(void)
{
	const char *who = getenv("FILEPANEL_RUN_AS");
	struct passwd *pw;

	if (geteuid() != 0 && getuid() != 0)
		return 0;
	if (who == NULL || *who == '\0') {
		fprintf(stderr, "filepanel: refusing to serve as root; set FILEPANEL_RUN_AS to an "
				"unprivileged account\n");
		return -1;
	}
	pw = getpwnam(who);
	if (pw == NULL || pw->pw_uid == 0) {
		fprintf(stderr, "filepanel: FILEPANEL_RUN_AS '%s' is not an unprivileged account\n",
			who);
		return -1;
	}
	if (setgroups(1, &pw->pw_gid) != 0 || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0 || geteuid() == 0 ||
	    getuid() == 0 || setuid(0) == 0) {
		fprintf(stderr, "filepanel: could not switch to '%s'\n", who);
		return -1;
	}
	return 0;
}

/* Start: drop root, open the database and the templates. A database that
 * cannot be written now (full, read-only) does not stop the start. */
static int app_start(struct app *a)
{
	struct config *cfg = &a->cfg;
	err_t e;

	if (app_configure(cfg) != 0 || app_drop_root() != 0)
		return -1;
	if (cfg->db_path == NULL) {
		fprintf(stderr, "filepanel: set FILEPANEL_DB to the database's path\n");
		return -1;
	}
	if (app_forbid_db_dirs(cfg) != 0)
		return -1;
	if (auth_init() != ERR_OK || page_set_root(cfg->templates) != ERR_OK) {
		fprintf(stderr, "filepanel: cannot use the templates in %s\n", cfg->templates);
		return -1;
	}
	e = app_store_ready(a);
	if (e != ERR_OK && e != ERR_DB_FULL && e != ERR_DB_READONLY)
		return -1;
	if (a->store != NULL)
		upkeep_maybe(cfg, a->store, (int64_t)time(NULL), true);
	return 0;
}

int main(void)
{
	static struct app a;
	FCGX_Request request;

	signal(SIGPIPE, SIG_IGN);
	umask(077);
	if (app_start(&a) != 0)
		return 1;
	if (FCGX_IsCGI()) {
		app_serve(&a, environ, NULL, NULL, stdin, stdout);
		fflush(stdout);
		store_close(a.store);
		return 0;
	}
	if (FCGX_Init() != 0 || FCGX_InitRequest(&request, 0, 0) != 0) {
		fprintf(stderr, "filepanel: cannot start FastCGI\n");
		return 1;
	}
	while (FCGX_Accept_r(&request) >= 0) {
		err_t ready = app_serve(&a, request.envp, request.in, request.out, NULL, NULL);

		FCGX_Finish_r(&request);
		if (ready == ERR_DB_IN_ROOT)
			break;
	}
	store_close(a.store);
	return 0;
}
