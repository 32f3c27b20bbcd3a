/* http: pure parsing of query strings, application/x-www-form-urlencoded
 * bodies and Cookie headers, with hard limits. Percent-decoding is done
 * exactly once ("%252e" stays the literal "%2e"); '+' means space in
 * query strings and bodies; a decoded NUL or a malformed escape ("%", "%z",
 * "%zz") refuses the whole input. No I/O. */
#ifndef FILEPANEL_HTTP_H
#define FILEPANEL_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define HTTP_MAX_FIELDS 64          /* fields in one query, body or cookie header */
#define HTTP_MAX_FIELD_BYTES 8192   /* bytes of one raw name=value pair */
#define HTTP_MAX_BODY_BYTES 65536   /* bytes of a urlencoded body */

struct http_field {
	char *name;        /* decoded, NUL-terminated */
	size_t name_len;
	char *value;       /* decoded, NUL-terminated (no NUL inside) */
	size_t value_len;
};

struct http_fields {
	struct http_field field[HTTP_MAX_FIELDS];
	size_t count;
	char *storage;     /* one allocation holding every decoded string */
};

/* Parse "a=1&b=two+words&c=%2F" into out. Empty pairs ("a=1&&b=2") are
 * skipped; a pair without '=' has an empty value. Refused: more than
 * HTTP_MAX_FIELDS fields (ERR_HTTP_TOO_MANY_FIELDS), a pair longer than
 * HTTP_MAX_FIELD_BYTES (ERR_HTTP_FIELD_TOO_LONG), a malformed escape
 * (ERR_HTTP_MALFORMED), a decoded NUL (ERR_NUL). On failure out is empty
 * and needs no free; on success free with http_fields_free. */
err_t http_parse_query(const char *query, size_t len, struct http_fields *out);

/* Parse a urlencoded body: as http_parse_query, plus ERR_HTTP_TOO_LARGE
 * above HTTP_MAX_BODY_BYTES. */
err_t http_parse_body(const char *body, size_t len, struct http_fields *out);

/* Parse a Cookie header ("a=1; b=2"): names and values taken as they are
 * (no percent-decoding), surrounding spaces trimmed, same field limits. */
err_t http_parse_cookies(const char *header, size_t len, struct http_fields *out);

/* Find every cookie called name in a raw Cookie header, however many
 * other cookies it holds and however long they are: up to max values
 * (pointers into header, with their lengths, trimmed like
 * http_parse_cookies). Returns how many were found. A site on a sibling
 * domain can set a cookie of the same name; the caller tries each. */
size_t http_cookie_values(const char *header, size_t len, const char *name,
			  const char **values, size_t *lens, size_t max);

/* The key a client address is counted under: an IPv4 address as it is, an
 * IPv6 address as its /64 network ("2001:db8:1:2::/64": one customer's
 * line holds a whole /64), anything else cut to fit. */
void http_addr_key(const char *addr, char *out, size_t size);

/* Put an origin ("https://Panel.Example.com:443", "http://[::1]:8080")
 * into one canonical form: the scheme (http or https) and host in lower
 * case, the port always written (443 or 80 when absent). Anything else (a
 * path, user info, another scheme, a bad port or host) is
 * ERR_HTTP_MALFORMED. out gets "" on failure. */
err_t http_origin_canon(const char *in, size_t len, char *out, size_t size);

/* The host part of a Host header value ("example.com:8080" gives
 * "example.com", "[::1]:80" gives "[::1]"), lower case, into out; *has_port
 * says whether a port followed. ERR_HTTP_MALFORMED when it is not one. */
err_t http_host_name(const char *host, char *out, size_t size, bool *has_port);

/* Free what a successful parse allocated; leaves fields empty. */
void http_fields_free(struct http_fields *fields);

/* Find the field called name. Returns ERR_OK with *value (and *value_len if
 * not NULL) set, ERR_NOT_FOUND when absent, or ERR_HTTP_DUPLICATE when the
 * name appears more than once (a parameter given twice is refused). */
err_t http_get(const struct http_fields *fields, const char *name,
	       const char **value, size_t *value_len);

/* Parse CONTENT_LENGTH: NULL or "" is 0 only when allow_missing, digits only
 * (no sign, no spaces), at most max. ERR_HTTP_MALFORMED or
 * ERR_HTTP_TOO_LARGE otherwise. */
err_t http_content_length(const char *s, int allow_missing, size_t max, size_t *out);

/* Percent-encode s for a URL query value or path segment into out
 * (unreserved characters kept, everything else %XX, '/' kept only when
 * keep_slash). ERR_PATH_TOO_LONG when out is too small. */
err_t http_url_encode(const char *s, size_t len, int keep_slash, char *out, size_t outsize);

#endif
