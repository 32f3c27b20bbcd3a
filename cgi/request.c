/* request: parsing one request into validated pieces, and its session. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "names.h"
#include "request.h"

#define REQ_SESSION_COOKIE "fp_session"

/* An environment variable of the request. */
const char *req_env(const struct req *r, const char *name)
{
	const char *v = FCGX_GetParam(name, r->env);

	return v != NULL ? v : "";
}

/* Map the REQUEST_METHOD text. */
static req_method req_parse_method(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return METHOD_GET;
	if (strcmp(m, "HEAD") == 0)
		return METHOD_HEAD;
	if (strcmp(m, "POST") == 0)
		return METHOD_POST;
	return METHOD_OTHER;
}

/* Work out the route: REQUEST_URI up to '?' (or SCRIPT_NAME + PATH_INFO),
 * less the base URL. Routes are plain ASCII, so no decoding is needed; a
 * path that is not a known route simply answers 404. */
static err_t req_parse_route(struct req *r)
{
	const char *uri = req_env(r, "REQUEST_URI");
	size_t base_len = strlen(r->cfg->base_url), len;

	if (*uri != '\0') {
		len = strcspn(uri, "?#");
		if (len >= sizeof r->path_buf)
			return ERR_NOT_FOUND;
		memcpy(r->path_buf, uri, len);
		r->path_buf[len] = '\0';
	} else {
		int n = snprintf(r->path_buf, sizeof r->path_buf, "%s%s", req_env(r, "SCRIPT_NAME"),
				 req_env(r, "PATH_INFO"));

		if (n < 0 || (size_t)n >= sizeof r->path_buf)
			return ERR_NOT_FOUND;
	}
	r->path = r->path_buf;
	if (base_len > 0) {
		if (strncmp(r->path, r->cfg->base_url, base_len) != 0)
			return ERR_NOT_FOUND;
		r->path += base_len;
	}
	if (*r->path == '\0')
		r->path = "/";
	return ERR_OK;
}

/* Prepare r for one request. */
err_t req_begin(struct req *r, const struct config *cfg, struct store *store, char **env,
		FCGX_Stream *in_fcgi, FILE *in_file)
{
	const char *qs, *cookie;
	err_t e;

	memset(r, 0, sizeof *r);
	fs_roots_init(&r->roots);
	r->cfg = cfg;
	r->store = store;
	r->env = env;
	r->in_fcgi = in_fcgi;
	r->in_file = in_file;
	r->now = (int64_t)time(NULL);
	r->path = "/";
	r->remote_addr = req_env(r, "REMOTE_ADDR");
	r->method = req_parse_method(req_env(r, "REQUEST_METHOD"));
	e = req_parse_route(r);
	if (e != ERR_OK)
		return e;
	qs = req_env(r, "QUERY_STRING");
	e = http_parse_query(qs, strlen(qs), &r->query);
	if (e != ERR_OK)
		return e;
	cookie = req_env(r, "HTTP_COOKIE");
	/* a malformed cookie header is ignored rather than refused: the
	 * browser may hold cookies of other applications on this host */
	if (http_parse_cookies(cookie, strlen(cookie), &r->cookies) != ERR_OK)
		memset(&r->cookies, 0, sizeof r->cookies);
	return ERR_OK;
}

/* Read exactly len bytes of body into buf. */
static err_t req_read_exact(struct req *r, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		int n;

		if (r->in_fcgi != NULL)
			n = FCGX_GetStr(buf + got, (int)(len - got), r->in_fcgi);
		else
			n = (int)fread(buf + got, 1, len - got, r->in_file);
		if (n <= 0)
			return ERR_HTTP_MALFORMED;
		got += (size_t)n;
	}
	return ERR_OK;
}

/* Read and parse a urlencoded body. */
err_t req_read_body(struct req *r)
{
	const char *type = req_env(r, "CONTENT_TYPE");
	size_t len, type_len = strcspn(type, ";");
	char *buf;
	err_t e;

	e = http_content_length(req_env(r, "CONTENT_LENGTH"), 1, HTTP_MAX_BODY_BYTES, &len);
	if (e != ERR_OK)
		return e;
	if (len > 0 && (type_len != strlen("application/x-www-form-urlencoded") ||
			strncasecmp(type, "application/x-www-form-urlencoded", type_len) != 0))
		return ERR_HTTP_MALFORMED;
	buf = malloc(len + 1);
	if (buf == NULL)
		return ERR_NOMEM;
	e = req_read_exact(r, buf, len);
	if (e == ERR_OK)
		e = http_parse_body(buf, len, &r->body);
	free(buf);
	return e;
}

/* Whether a POST comes from this panel's own pages. */
bool req_same_origin(const struct req *r)
{
	const char *site = req_env(r, "HTTP_SEC_FETCH_SITE");
	const char *origin = req_env(r, "HTTP_ORIGIN");
	const char *host = req_env(r, "HTTP_HOST");
	const char *sep;

	if (strcmp(site, "cross-site") == 0 || strcmp(site, "same-site") == 0)
		return false;
	if (*origin == '\0')
		return true;
	if (strcmp(origin, "null") == 0)
		return false;
	sep = strstr(origin, "://");
	return sep != NULL && *host != '\0' && strcmp(sep + 3, host) == 0;
}

/* Find and check the session named by the cookie. */
void req_load_session(struct req *r)
{
	const char *token = NULL;
	size_t len = 0;

	r->logged_in = false;
	if (http_get(&r->cookies, REQ_SESSION_COOKIE, &token, &len) != ERR_OK)
		return;
	if (auth_token_hash(token, len, r->token_hash) != ERR_OK)
		return;
	if (store_session_touch(r->store, r->token_hash, r->now, r->cfg->idle_timeout,
				r->cfg->absolute_timeout, &r->session) != ERR_OK)
		return;
	if (store_user_get_by_id(r->store, r->session.user_id, &r->user) != ERR_OK)
		return;
	auth_csrf_token(r->session.csrf_secret, r->csrf);
	r->logged_in = true;
}

/* Check the CSRF token of a POST, from the body only. */
bool req_csrf_ok(const struct req *r)
{
	const char *token = NULL;
	size_t len = 0;

	if (!r->logged_in || http_get(&r->body, "csrf", &token, &len) != ERR_OK)
		return false;
	return auth_csrf_check(r->session.csrf_secret, token, len);
}

/* Open the account's roots once. */
err_t req_open_roots(struct req *r)
{
	err_t e;

	if (r->roots_open)
		return ERR_OK;
	e = fs_roots_open(&r->roots, r->user.home, r->user.web, r->user.ftp);
	if (e != ERR_OK)
		return e == ERR_ROOT_NOT_DIR ? ERR_NOT_FOUND : e;
	r->roots_open = true;
	return ERR_OK;
}

/* A field of the query (GET, HEAD) or the body (POST). */
const char *req_field(struct req *r, const char *name, size_t *len, err_t *e)
{
	const struct http_fields *f = r->method == METHOD_POST ? &r->body : &r->query;
	const char *v = NULL;
	size_t n = 0;
	err_t ge = http_get(f, name, &v, &n);

	if (ge == ERR_HTTP_DUPLICATE && e != NULL && *e == ERR_OK)
		*e = ge;
	if (ge != ERR_OK)
		return NULL;
	if (len != NULL)
		*len = n;
	return v;
}

/* Read and validate the location fields. */
err_t req_location(struct req *r, int *root, char *path, size_t size)
{
	err_t e = ERR_OK;
	size_t len = 0;
	const char *root_name = req_field(r, "root", NULL, &e);
	const char *rel = req_field(r, "path", &len, &e);

	path[0] = '\0';
	if (e != ERR_OK)
		return e;
	*root = fs_root_parse(root_name != NULL ? root_name : "home");
	if (*root < 0)
		return ERR_ROOT_UNKNOWN;
	if (rel != NULL) {
		e = names_normalize_rel(rel, len, path, size);
		if (e != ERR_OK)
			return e;
	}
	r->view_root = *root;
	snprintf(r->view_path, sizeof r->view_path, "%s", path);
	return ERR_OK;
}

/* Free what the request holds. */
void req_end(struct req *r)
{
	http_fields_free(&r->query);
	http_fields_free(&r->body);
	http_fields_free(&r->cookies);
	fs_roots_close(&r->roots);
	page_dict_free(r->layout);
	r->layout = r->content = NULL;
	explicit_bzero(&r->session, sizeof r->session);
	explicit_bzero(r->csrf, sizeof r->csrf);
}
