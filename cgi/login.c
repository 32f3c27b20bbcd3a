/* login: logging in and out. */
#include "config.h"

#include <string.h>

#include "change.h"
#include "login.h"
#include "view.h"

#define LOGIN_WINDOW 900          /* seconds failures are counted over */
#define LOGIN_MAX_PER_NAME_ADDR 10 /* attempts at one name from one address in the window */
#define LOGIN_MAX_PER_ADDR 50      /* attempts from one address (IPv6: one /64) */

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

/* The name an attempt is counted and recorded under: the name typed when
 * an account could have it, else "" (so that no stranger can grow the
 * database with names of any length or number). */
static const char *login_name_key(const char *name)
{
	return store_user_check_name(name) == ERR_OK ? name : "";
}

/* Count this attempt (before the password is checked): ERR_OK when it may
 * go on, ERR_THROTTLED when this name from this address, or this address,
 * has tried too often lately, or the database's error (no attempt is let
 * through uncounted). */
static err_t login_count_attempt(struct req *r, const char *name, const char *addr)
{
	struct store_login_counts counts;
	err_t e;

	e = store_login_attempt(r->store, login_name_key(name), addr, r->now, LOGIN_WINDOW,
				LOGIN_MAX_PER_ADDR, &counts);
	if (e != ERR_OK)
		return e;
	if (counts.by_name_addr > LOGIN_MAX_PER_NAME_ADDR || counts.by_addr > LOGIN_MAX_PER_ADDR)
		return ERR_THROTTLED;
	return ERR_OK;
}

/* The audit row of a login attempt that was refused. */
static void login_refused(struct req *r, const char *name, err_t e)
{
	const char *key = login_name_key(name);
	struct change c = {AUDIT_LOGIN_FAILED, -1, NULL, NULL, NULL, NULL,
			   *key != '\0' ? key : "(not an account name)"};

	change_refused(r, &c, e);
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

/* Start a new session for u (the change of a login), replacing any the
 * browser had. */
static err_t login_start_session(struct req *r, void *ctx)
{
	const struct store_user *u = ctx;
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
	char addr[80];
	struct store_user u;

	if (e != ERR_OK || name == NULL || pw == NULL) {
		login_form(r, 400, next, err_sentence(e != ERR_OK ? e : ERR_HTTP_MALFORMED));
		return;
	}
	http_addr_key(r->remote_addr, addr, sizeof addr);
	e = login_count_attempt(r, name, addr);
	if (e == ERR_OK && !login_check(r, name, pw, pw_len, &u))
		e = ERR_AUTH_FAILED;
	if (e == ERR_OK)
		e = change_run(r, &(struct change){AUDIT_LOGIN, -1, NULL, NULL, NULL, NULL, u.name},
			       login_start_session, &u, NULL);
	if (e == ERR_AUTH_FAILED || e == ERR_THROTTLED)
		login_refused(r, name, e);
	if (e != ERR_OK) {
		login_form(r, err_http_status(e), next, err_sentence(e));
		return;
	}
	store_login_succeeded(r->store, u.name, addr);
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

/* The change of a logout: forget the session. */
static err_t login_end_session(struct req *r, void *ctx)
{
	(void)ctx;
	return store_session_delete(r->store, r->token_hash);
}

/* POST /logout: the session ends, or the page says it could not. */
void login_logout(struct req *r)
{
	err_t e = change_run(r, &(struct change){AUDIT_LOGOUT, -1, NULL, NULL, NULL, NULL, NULL},
			     login_end_session, NULL, NULL);

	if (e != ERR_OK && e != ERR_AUDIT_UNFINISHED) {
		view_error(r, e);
		return;
	}
	view_session_cookie(r, NULL);
	view_redirect(r, "/login");
}
