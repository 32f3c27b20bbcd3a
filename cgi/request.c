/* request: parsing one request into validated pieces, and its session. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "names.h"
#include "request.h"

#define REQ_SESSION_CANDIDATES 8 /* session cookies of one name tried at most */

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
	const char *qs;
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

/* The origin the request came to: its scheme, its Host, and the server's
 * port where Host lacks one (nginx's Debian fastcgi_params sends $host,
 * which has none). "" when it cannot be told. */
static void req_own_origin(const struct req *r, char *out, size_t size)
{
	const char *host = req_env(r, "HTTP_HOST"), *port = req_env(r, "SERVER_PORT");
	const char *https = req_env(r, "HTTPS"), *scheme = req_env(r, "REQUEST_SCHEME");
	char name[REQ_ORIGIN_MAX], raw[2 * REQ_ORIGIN_MAX];
	bool has_port, tls = strcasecmp(https, "on") == 0 || strcmp(https, "1") == 0 ||
			     strcasecmp(scheme, "https") == 0;
	int n;

	out[0] = '\0';
	if (http_host_name(host, name, sizeof name, &has_port) != ERR_OK)
		return;
	n = snprintf(raw, sizeof raw, "%s://%s%s%s", tls ? "https" : "http", host,
		     has_port || *port == '\0' ? "" : ":", has_port ? "" : port);
	if (n > 0 && (size_t)n < sizeof raw)
		http_origin_canon(raw, (size_t)n, out, size);
}

/* Whether a POST comes from this panel's own pages. */
bool req_same_origin(const struct req *r)
{
	const char *site = req_env(r, "HTTP_SEC_FETCH_SITE");
	const char *origin = req_env(r, "HTTP_ORIGIN");
	char given[REQ_ORIGIN_MAX], own[REQ_ORIGIN_MAX];

	if (strcmp(site, "cross-site") == 0 || strcmp(site, "same-site") == 0)
		return false;
	if (*origin == '\0')
		return true;
	if (http_origin_canon(origin, strlen(origin), given, sizeof given) != ERR_OK)
		return false;
	if (r->cfg->origin[0] != '\0')
		return strcmp(given, r->cfg->origin) == 0;
	req_own_origin(r, own, sizeof own);
	return own[0] != '\0' && strcmp(given, own) == 0;
}

/* Whether name is one of the words of list (separated by spaces or commas). */
static bool req_in_list(const char *list, const char *name)
{
	size_t len = strlen(name);

	while (list != NULL && *list != '\0') {
		size_t n;

		list += strspn(list, " ,");
		n = strcspn(list, " ,");
		if (n == len && n > 0 && strncasecmp(list, name, n) == 0)
			return true;
		list += n;
	}
	return false;
}

/* Whether the request's Host is one this panel answers to. */
bool req_host_allowed(const struct req *r)
{
	char name[REQ_ORIGIN_MAX];
	bool has_port;

	if (r->cfg->origin_host[0] == '\0' && r->cfg->allowed_hosts == NULL)
		return true;
	if (http_host_name(req_env(r, "HTTP_HOST"), name, sizeof name, &has_port) != ERR_OK)
		return false;
	return strcmp(name, r->cfg->origin_host) == 0 || req_in_list(r->cfg->allowed_hosts, name);
}

/* Try one session token; ERR_NOT_FOUND when it names no live session. */
static err_t req_try_session(struct req *r, const char *token, size_t len)
{
	err_t e = auth_token_hash(token, len, r->token_hash);

	if (e != ERR_OK)
		return ERR_NOT_FOUND;
	return store_session_load(r->store, r->token_hash, r->now, r->cfg->idle_timeout,
				  r->cfg->absolute_timeout, &r->session, &r->user);
}

/* Find and check the session named by the cookie: a browser may hold
 * several of that name (one set by a site on a sibling domain); the first
 * that names a live session wins, the others are ignored. */
void req_load_session(struct req *r)
{
	const char *header = req_env(r, "HTTP_COOKIE"), *values[REQ_SESSION_CANDIDATES];
	size_t lens[REQ_SESSION_CANDIDATES];
	size_t n = http_cookie_values(header, strlen(header), r->cfg->cookie_name, values, lens,
				      REQ_SESSION_CANDIDATES);

	r->logged_in = false;
	for (size_t i = 0; i < n && !r->logged_in; i++) {
		err_t e = req_try_session(r, values[i], lens[i]);

		if (e == ERR_OK) {
			auth_csrf_token(r->session.csrf_secret, r->csrf);
			r->logged_in = true;
		} else if (e != ERR_NOT_FOUND) {
			r->session_error = e;
			return;
		}
	}
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

/* Open the roots of account u as configured: a root is used only while it
 * is the directory recorded when the account was set up (one with no
 * recorded identity is used as it is found, never through a link), and
 * never when it is the database's directory or one above it. */
err_t req_open_user_roots(const struct config *cfg, const struct store_user *u,
			  struct fs_roots *roots)
{
	const char *paths[FS_ROOT__MAX] = {u->home, u->web, u->ftp};
	struct fs_root_spec spec[FS_ROOT__MAX];

	for (int i = 0; i < FS_ROOT__MAX; i++) {
		spec[i].path = paths[i];
		spec[i].known = u->ids[i].known;
		spec[i].id = (struct fs_ident){u->ids[i].dev, u->ids[i].ino};
	}
	return fs_roots_open_spec(roots, spec, &cfg->forbidden);
}

/* Open the account's roots once. */
err_t req_open_roots(struct req *r)
{
	err_t e;

	if (r->roots_open)
		return ERR_OK;
	e = req_open_user_roots(r->cfg, &r->user, &r->roots);
	if (e != ERR_OK)
		return e;
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

/* Decode a field that carries bytes opaque-encoded: the request's own text
 * is checked (no overlong or otherwise invalid UTF-8), then its "~XX"
 * undone once into out. */
static err_t req_decode_opaque(const char *in, size_t len, char *out, size_t size,
			       size_t *out_len)
{
	err_t e = names_check_encoding(in, len);

	return e == ERR_OK ? names_opaque_decode(in, len, out, size, out_len) : e;
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
		char raw[NAMES_PATH_MAX];
		size_t raw_len;

		e = req_decode_opaque(rel, len, raw, sizeof raw, &raw_len);
		if (e == ERR_OK)
			e = names_normalize_rel_bytes(raw, raw_len, path, size);
		if (e != ERR_OK)
			return e;
	}
	r->view_root = *root;
	snprintf(r->view_path, sizeof r->view_path, "%s", path);
	return ERR_OK;
}

/* Read an entry name field, opaque-decoded. */
const char *req_name_field(struct req *r, const char *field, char *buf, size_t *len, err_t *e)
{
	size_t raw_len = 0;
	const char *raw = req_field(r, field, &raw_len, e);
	err_t de;

	*len = 0;
	if (raw == NULL)
		return NULL;
	de = req_decode_opaque(raw, raw_len, buf, NAMES_NAME_MAX + 1, len);
	if (de != ERR_OK) {
		if (*e == ERR_OK)
			*e = de == ERR_PATH_TOO_LONG ? ERR_NAME_TOO_LONG : de;
		return NULL;
	}
	return buf;
}

/* Free what the request holds. */
void req_end(struct req *r)
{
	http_fields_free(&r->query);
	http_fields_free(&r->body);
	fs_roots_close(&r->roots);
	page_dict_free(r->layout);
	r->layout = r->content = NULL;
	explicit_bzero(&r->session, sizeof r->session);
	explicit_bzero(r->csrf, sizeof r->csrf);
}
