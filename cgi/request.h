/* request: one HTTP request as the handlers see it: its method, route,
 * validated fields, session, the account's roots and the response sink;
 * plus the process-wide configuration. */
#ifndef FILEPANEL_REQUEST_H
#define FILEPANEL_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include <fcgiapp.h>

#include "auth.h"
#include "err.h"
#include "fs.h"
#include "http.h"
#include "out.h"
#include "page.h"
#include "store.h"

#define REQ_FORBIDDEN_MAX 64  /* directories above the database counted */
#define REQ_ORIGIN_MAX 320

/* Process-wide settings, read from the environment at start. */
struct config {
	const char *db_path;       /* FILEPANEL_DB */
	const char *templates;     /* FILEPANEL_TEMPLATES */
	const char *base_url;      /* the path part of FILEPANEL_BASE_URL, no trailing '/' */
	const char *static_url;    /* FILEPANEL_STATIC_URL */
	char origin[REQ_ORIGIN_MAX];      /* FILEPANEL_BASE_URL's origin, canonical; "" unset */
	char origin_host[REQ_ORIGIN_MAX]; /* its host ("" unset) */
	const char *allowed_hosts; /* FILEPANEL_ALLOWED_HOSTS: more names the Host may be */
	bool secure_cookies;       /* off with FILEPANEL_INSECURE_COOKIES=1 */
	const char *cookie_name;   /* __Host-fp_session, or fp_session without Secure */
	int64_t idle_timeout;      /* seconds */
	int64_t absolute_timeout;  /* seconds */
	struct store_refusal_limits refusals;
	struct store_retention retention;  /* FILEPANEL_AUDIT_DAYS and the timeouts */
	/* the database's directory and every one above it: never a root */
	struct fs_ident forbidden_ids[REQ_FORBIDDEN_MAX];
	struct fs_forbidden forbidden;
};

typedef enum { METHOD_OTHER = 0, METHOD_GET = 1, METHOD_HEAD = 2, METHOD_POST = 4 } req_method;

struct req {
	const struct config *cfg;
	struct store *store;
	char **env;
	FCGX_Stream *in_fcgi;      /* where the body comes from ... */
	FILE *in_file;             /* ... in FastCGI or in CGI mode */
	struct out out;
	req_method method;
	const char *path;          /* the route, base URL removed */
	char path_buf[256];
	const char *remote_addr;
	int64_t now;
	struct http_fields query;
	struct http_fields body;
	/* the session, when logged_in */
	bool logged_in;
	unsigned char token_hash[AUTH_HASH_BYTES];
	struct store_session session;
	struct store_user user;
	char csrf[AUTH_TOKEN_TEXT];
	struct fs_roots roots;
	bool roots_open;
	err_t session_error;       /* why the session could not be read (ERR_OK: it could) */
	/* the location the page shows, for navigation and the interface switch */
	int view_root;
	char view_path[4096];
	struct page_dict *layout;  /* the page being built (view_) */
	struct page_dict *content;
};

/* An environment variable of the request ("" when absent). */
const char *req_env(const struct req *r, const char *name);

/* Prepare r for one request: parse the method, the route and the query
 * string. ERR_OK or the error to answer with. */
err_t req_begin(struct req *r, const struct config *cfg, struct store *store, char **env,
		FCGX_Stream *in_fcgi, FILE *in_file);

/* Read and parse a urlencoded POST body, within the limits, refusing
 * (before reading it) a missing, malformed or too large Content-Length. */
err_t req_read_body(struct req *r);

/* Whether a POST comes from this panel's own pages: no Sec-Fetch-Site of
 * cross-site or same-site, and an Origin (if any) equal, in scheme, host
 * and port, to the configured origin, else to the one the request came to
 * (its scheme, Host and, where the server dropped it from Host, port). */
bool req_same_origin(const struct req *r);

/* Whether the request's Host is one this panel answers to: any when no
 * origin and no allowed hosts are configured. */
bool req_host_allowed(const struct req *r);

/* Find the session named by the cookie (the first of several that is
 * live) and, if there is one, fill the session fields; when the database
 * cannot be read, session_error says why. */
void req_load_session(struct req *r);

/* Check the CSRF token of a POST (taken from the body only). */
bool req_csrf_ok(const struct req *r);

/* Open the logged-in account's roots (once). */
err_t req_open_roots(struct req *r);

/* Open the roots of account u as configured (fs_roots_open_spec). */
err_t req_open_user_roots(const struct config *cfg, const struct store_user *u,
			  struct fs_roots *roots);

/* A field of the query (GET) or the body (POST): NULL when absent; *e is
 * set to an error when it was given twice. */
const char *req_field(struct req *r, const char *name, size_t *len, err_t *e);

/* Read and validate the location fields "root" (home when absent) and
 * "path" (the root when absent; names_opaque_encode'd, decoded here) into
 * *root and path; also remembered as the page's location. */
err_t req_location(struct req *r, int *root, char *path, size_t size);

/* Read the field name as an entry name (names_opaque_encode'd, decoded
 * into buf of NAMES_NAME_MAX + 1 bytes, *len its length). NULL when absent
 * (*e untouched) or badly encoded (*e set). */
const char *req_name_field(struct req *r, const char *field, char *buf, size_t *len, err_t *e);

/* Free what the request holds. */
void req_end(struct req *r);

#endif
