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
#include <unistd.h>

#include <fcgiapp.h>

#include "auth.h"
#include "files.h"
#include "links.h"
#include "login.h"
#include "page.h"
#include "request.h"
#include "store.h"
#include "view.h"

extern char **environ;

enum page {
	PAGE_HOME,
	PAGE_LOGIN,
	PAGE_LOGOUT,
	PAGE_FILES,
	PAGE_LINK,
	PAGE_CREATE,
	PAGE_DELETE,
	PAGE_INTERFACE,
	PAGE__MAX
};

#define GET_HEAD (METHOD_GET | METHOD_HEAD)

static const char *const page_paths[PAGE__MAX] = {
	[PAGE_HOME] = "/",
	[PAGE_LOGIN] = "/login",
	[PAGE_LOGOUT] = "/logout",
	[PAGE_FILES] = "/files",
	[PAGE_LINK] = "/link",
	[PAGE_CREATE] = "/create",
	[PAGE_DELETE] = "/delete",
	[PAGE_INTERFACE] = "/interface",
};

static const unsigned page_methods[PAGE__MAX] = {
	[PAGE_HOME] = GET_HEAD,
	[PAGE_LOGIN] = GET_HEAD | METHOD_POST,
	[PAGE_LOGOUT] = METHOD_POST,
	[PAGE_FILES] = GET_HEAD,
	[PAGE_LINK] = GET_HEAD,
	[PAGE_CREATE] = GET_HEAD | METHOD_POST,
	[PAGE_DELETE] = GET_HEAD | METHOD_POST,
	[PAGE_INTERFACE] = METHOD_POST,
};

static const bool page_needs_login[PAGE__MAX] = {
	[PAGE_HOME] = false,
	[PAGE_LOGIN] = false,
	[PAGE_LOGOUT] = true,
	[PAGE_FILES] = true,
	[PAGE_LINK] = true,
	[PAGE_CREATE] = true,
	[PAGE_DELETE] = true,
	[PAGE_INTERFACE] = true,
};

/* The audit action of a page that changes something, written (refused)
 * when its request fails the checks before the handler runs. */
static const char *const page_audit_action[PAGE__MAX] = {
	[PAGE_LOGOUT] = "logout",
	[PAGE_CREATE] = "link_create",
	[PAGE_DELETE] = "link_delete",
	[PAGE_INTERFACE] = "interface",
};

static void (*const page_handlers[PAGE__MAX])(struct req *) = {
	[PAGE_HOME] = login_home,
	[PAGE_LOGIN] = login_page,
	[PAGE_LOGOUT] = login_logout,
	[PAGE_FILES] = files_list,
	[PAGE_LINK] = files_link,
	[PAGE_CREATE] = links_create,
	[PAGE_DELETE] = links_delete,
	[PAGE_INTERFACE] = links_interface,
};

/* The page whose path is path, or PAGE__MAX. */
static enum page app_route(const char *path)
{
	for (int p = 0; p < PAGE__MAX; p++) {
		if (strcmp(path, page_paths[p]) == 0)
			return (enum page)p;
	}
	return PAGE__MAX;
}

/* The Allow header for a page. */
static const char *app_allow(enum page p)
{
	if (page_methods[p] == METHOD_POST)
		return "POST";
	return (page_methods[p] & METHOD_POST) ? "GET, HEAD, POST" : "GET, HEAD";
}

/* Send a visitor without a session to the login page, coming back here. */
static void app_to_login(struct req *r)
{
	char next[2048], url[8192];
	const char *qs = req_env(r, "QUERY_STRING");

	snprintf(next, sizeof next, "%s%s%s", r->path, *qs ? "?" : "", qs);
	view_redirect(r, view_url(url, sizeof url, "/login", "next", next, NULL));
}

/* Refuse a POST that failed a check, with its audit row when the page
 * changes something. */
static void app_refuse_post(struct req *r, enum page p, err_t e)
{
	if (page_audit_action[p] != NULL) {
		struct store_audit row = {0};

		row.time = r->now;
		row.user = r->logged_in ? r->user.name : NULL;
		row.remote_addr = r->remote_addr;
		row.action = page_audit_action[p];
		row.outcome = "refused";
		row.detail = err_code(e);
		store_audit_add(r->store, &row);
	}
	view_error(r, e);
}

/* Run every check a request passes, then its handler. */
static void app_dispatch(struct req *r, err_t begun)
{
	enum page p;
	err_t e;

	if (begun != ERR_OK) {
		view_error(r, begun);
		return;
	}
	p = app_route(r->path);
	if (p == PAGE__MAX) {
		view_error(r, ERR_NOT_FOUND);
		return;
	}
	if ((page_methods[p] & r->method) == 0) {
		view_method_not_allowed(r, app_allow(p));
		return;
	}
	r->out.head_only = r->method == METHOD_HEAD;
	req_load_session(r);
	if (r->method == METHOD_POST) {
		e = req_same_origin(r) ? req_read_body(r) : ERR_CSRF;
		if (e == ERR_OK && page_needs_login[p] && !req_csrf_ok(r))
			e = ERR_CSRF;
		if (e != ERR_OK) {
			app_refuse_post(r, p, e);
			return;
		}
	}
	if (page_needs_login[p] && !r->logged_in) {
		app_to_login(r);
		return;
	}
	page_handlers[p](r);
}

/* Serve one request from its environment and streams. */
static void app_serve(const struct config *cfg, struct store *store, char **env,
		      FCGX_Stream *in_fcgi, FCGX_Stream *out_fcgi, FILE *in_file, FILE *out_file)
{
	struct req r;
	err_t begun = req_begin(&r, cfg, store, env, in_fcgi, in_file);

	if (out_fcgi != NULL)
		out_init_fcgi(&r.out, out_fcgi);
	else
		out_init_file(&r.out, out_file);
	app_dispatch(&r, begun);
	out_end_head(&r.out);
	req_end(&r);
}

/* A setting from the environment, or a default. */
static const char *app_setting(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : dflt;
}

/* Read the configuration from the environment. */
static void app_configure(struct config *cfg)
{
	static char static_url[1024 + sizeof "/static"];
	static char base[1024];
	size_t len;

	snprintf(base, sizeof base, "%s", app_setting("FILEPANEL_BASE_URL", ""));
	len = strlen(base);
	while (len > 0 && base[len - 1] == '/')
		base[--len] = '\0';
	cfg->base_url = base;
	snprintf(static_url, sizeof static_url, "%s/static", base);
	cfg->static_url = app_setting("FILEPANEL_STATIC_URL", static_url);
	cfg->db_path = app_setting("FILEPANEL_DB", NULL);
	cfg->templates = app_setting("FILEPANEL_TEMPLATES", FILEPANEL_DATADIR "/templates");
	cfg->secure_cookies = strcmp(app_setting("FILEPANEL_INSECURE_COOKIES", "0"), "1") != 0;
	cfg->idle_timeout = atoll(app_setting("FILEPANEL_IDLE_TIMEOUT", "1800"));
	cfg->absolute_timeout = atoll(app_setting("FILEPANEL_ABSOLUTE_TIMEOUT", "28800"));
	if (cfg->idle_timeout <= 0)
		cfg->idle_timeout = 1800;
	if (cfg->absolute_timeout <= 0)
		cfg->absolute_timeout = 28800;
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

/* Start: drop root, open the database and the templates. */
static int app_start(struct config *cfg, struct store **store)
{
	char owner[STORE_NAME_MAX] = "";
	err_t e;

	app_configure(cfg);
	if (app_drop_root() != 0)
		return -1;
	if (cfg->db_path == NULL) {
		fprintf(stderr, "filepanel: set FILEPANEL_DB to the database's path\n");
		return -1;
	}
	if (auth_init() != ERR_OK || page_set_root(cfg->templates) != ERR_OK) {
		fprintf(stderr, "filepanel: cannot use the templates in %s\n", cfg->templates);
		return -1;
	}
	e = store_open(cfg->db_path, store);
	if (e == ERR_OK)
		e = store_db_check(*store, cfg->db_path, owner, sizeof owner);
	if (e != ERR_OK) {
		fprintf(stderr, "filepanel: %s: %s%s%s\n", cfg->db_path, err_sentence(e),
			*owner ? " Inside the roots of " : "", owner);
		return -1;
	}
	return 0;
}

int main(void)
{
	struct config cfg;
	struct store *store = NULL;
	FCGX_Request request;

	signal(SIGPIPE, SIG_IGN);
	umask(077);
	if (app_start(&cfg, &store) != 0)
		return 1;
	if (FCGX_IsCGI()) {
		app_serve(&cfg, store, environ, NULL, NULL, stdin, stdout);
		fflush(stdout);
		store_close(store);
		return 0;
	}
	if (FCGX_Init() != 0 || FCGX_InitRequest(&request, 0, 0) != 0) {
		fprintf(stderr, "filepanel: cannot start FastCGI\n");
		return 1;
	}
	while (FCGX_Accept_r(&request) >= 0) {
		app_serve(&cfg, store, request.envp, request.in, request.out, NULL, NULL);
		FCGX_Finish_r(&request);
	}
	store_close(store);
	return 0;
}
