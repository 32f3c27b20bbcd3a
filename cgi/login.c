/* login: logging in and out. */
#include "config.h"

#include <string.h>

#include "login.h"
#include "view.h"

#define LOGIN_WINDOW 900          /* seconds failures are counted over */
#define LOGIN_MAX_PER_USER 10     /* failures per account name in the window */
#define LOGIN_MAX_PER_ADDR 50     /* failures per remote address in the window */

/* GET /. */
void login_home(struct req *r)
{
	view_redirect(r, r->logged_in ? "/files?root=home" : "/login");
}

/* Whether next is a panel path safe to land on after login: a local path,
 * never another site ("//host", "/\\host", "http:"). Control characters
 * and backslashes are refused anywhere: browsers drop tabs and line breaks
 * from a URL, so "/\t/host" would lead to "//host". */
static bool login_next_ok(const char *next)
{
	if (next == NULL || next[0] != '/' || next[1] == '/' || strncmp(next, "/login", 6) == 0 ||
	    strncmp(next, "/logout", 7) == 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)next; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			return false;
	}
	return true;
}

/* Show the login form with a message (NULL for none). */
static void login_form(struct req *r, int status, const char *next, const char *message)
{
	struct page_dict *d = view_begin(r, "login");

	if (login_next_ok(next))
		page_set(d, "NEXT", next);
	if (message != NULL) {
		page_show(d, "ERROR");
		page_set(d, "MESSAGE", message);
	}
	view_finish(r, status, "Log In");
}

/* Write an audit row for a login event. */
static void login_audit(struct req *r, const char *user, const char *action,
			const char *outcome, const char *detail)
{
	struct store_audit row = {0};

	row.time = r->now;
	row.user = user;
	row.remote_addr = r->remote_addr;
	row.action = action;
	row.outcome = outcome;
	row.detail = detail;
	store_audit_add(r->store, &row);
}

/* Whether this name or address has failed too often lately. */
static bool login_throttled(struct req *r, const char *name)
{
	int64_t by_user = 0, by_addr = 0;

	if (store_login_failure_count(r->store, name, r->remote_addr, r->now - LOGIN_WINDOW,
				      &by_user, &by_addr) != ERR_OK)
		return false;
	return by_user >= LOGIN_MAX_PER_USER || by_addr >= LOGIN_MAX_PER_ADDR;
}

/* Check a name and password; the same work and answer for unknown names. */
static bool login_check(struct req *r, const char *name, const char *pw, size_t pw_len,
			struct store_user *u)
{
	if (store_user_check_name(name) != ERR_OK || store_user_get(r->store, name, u) != ERR_OK) {
		auth_password_dummy(pw, pw_len);
		return false;
	}
	return auth_password_verify(u->pwhash, pw, pw_len);
}

/* Start a new session for u, replacing any the browser had. */
static err_t login_start_session(struct req *r, const struct store_user *u)
{
	char token[AUTH_TOKEN_TEXT];
	unsigned char hash[AUTH_HASH_BYTES], secret[AUTH_TOKEN_BYTES];
	err_t e;

	if (r->logged_in)
		store_session_delete(r->store, r->token_hash);
	auth_token_new(token, hash);
	auth_csrf_secret_new(secret);
	e = store_session_create(r->store, hash, u->id, secret, r->now);
	if (e == ERR_OK)
		view_session_cookie(r, token);
	explicit_bzero(token, sizeof token);
	explicit_bzero(secret, sizeof secret);
	return e;
}

/* POST /login. */
static void login_submit(struct req *r)
{
	err_t e = ERR_OK;
	size_t pw_len = 0;
	const char *name = req_field(r, "username", NULL, &e);
	const char *pw = req_field(r, "password", &pw_len, &e);
	const char *next = req_field(r, "next", NULL, &e);
	struct store_user u;

	if (e != ERR_OK || name == NULL || pw == NULL) {
		login_form(r, 400, next, err_sentence(e != ERR_OK ? e : ERR_HTTP_MALFORMED));
		return;
	}
	if (login_throttled(r, name)) {
		login_audit(r, name, "login_failed", "refused", err_code(ERR_THROTTLED));
		login_form(r, 429, next, err_sentence(ERR_THROTTLED));
		return;
	}
	if (!login_check(r, name, pw, pw_len, &u)) {
		store_login_failure_add(r->store, name, r->remote_addr, r->now);
		login_audit(r, name, "login_failed", "refused", err_code(ERR_AUTH_FAILED));
		login_form(r, 403, next, err_sentence(ERR_AUTH_FAILED));
		return;
	}
	if (login_start_session(r, &u) != ERR_OK) {
		view_error(r, ERR_DB);
		return;
	}
	store_login_failure_clear(r->store, name);
	login_audit(r, u.name, "login", "done", NULL);
	view_redirect(r, login_next_ok(next) ? next : "/files?root=home");
}

/* GET or POST /login. */
void login_page(struct req *r)
{
	err_t e = ERR_OK;
	const char *next = req_field(r, "next", NULL, &e);

	if (r->method == METHOD_POST)
		login_submit(r);
	else if (r->logged_in)
		view_redirect(r, login_next_ok(next) ? next : "/files?root=home");
	else
		login_form(r, 200, next, NULL);
}

/* POST /logout. */
void login_logout(struct req *r)
{
	store_session_delete(r->store, r->token_hash);
	login_audit(r, r->user.name, "logout", "done", NULL);
	view_session_cookie(r, NULL);
	view_redirect(r, "/login");
}
