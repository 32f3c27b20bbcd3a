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

/* Process-wide settings, read from the environment at start. */
struct config {
	const char *db_path;       /* FILEPANEL_DB */
	const char *templates;     /* FILEPANEL_TEMPLATES */
	const char *base_url;      /* FILEPANEL_BASE_URL, no trailing '/' */
	const char *static_url;    /* FILEPANEL_STATIC_URL */
	bool secure_cookies;       /* off with FILEPANEL_INSECURE_COOKIES=1 */
	int64_t idle_timeout;      /* seconds */
	int64_t absolute_timeout;  /* seconds */
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
	struct http_fields cookies;
	/* the session, when logged_in */
	bool logged_in;
	unsigned char token_hash[AUTH_HASH_BYTES];
	struct store_session session;
	struct store_user user;
	char csrf[AUTH_TOKEN_TEXT];
	struct fs_roots roots;
	bool roots_open;
	/* the location the page shows, for navigation and the interface switch */
	int view_root;
	char view_path[4096];
	struct page_dict *layout;  /* the page being built (view_) */
	struct page_dict *content;
};

/* An environment variable of the request ("" when absent). */
const char *req_env(const struct req *r, const char *name);

/* Prepare r for one request: parse the method, the route, the query
 * string and the cookies. ERR_OK or the error to answer with. */
err_t req_begin(struct req *r, const struct config *cfg, struct store *store, char **env,
		FCGX_Stream *in_fcgi, FILE *in_file);

/* Read and parse a urlencoded POST body, within the limits, refusing
 * (before reading it) a missing, malformed or too large Content-Length. */
err_t req_read_body(struct req *r);

/* Whether a POST comes from this panel's own pages: no Sec-Fetch-Site
 * of cross-site, and an Origin (if any) matching the Host. */
bool req_same_origin(const struct req *r);

/* Find the session named by the cookie and, if it is live, fill the
 * session fields. */
void req_load_session(struct req *r);

/* Check the CSRF token of a POST (taken from the body only). */
bool req_csrf_ok(const struct req *r);

/* Open the logged-in account's roots (once). */
err_t req_open_roots(struct req *r);

/* A field of the query (GET) or the body (POST): NULL when absent; *e is
 * set to an error when it was given twice. */
const char *req_field(struct req *r, const char *name, size_t *len, err_t *e);

/* Read and validate the location fields "root" (home when absent) and
 * "path" (the root when absent) into *root and path; also remembered as the
 * page's location. */
err_t req_location(struct req *r, int *root, char *path, size_t size);

/* Free what the request holds. */
void req_end(struct req *r);

#endif
