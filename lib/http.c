/* http: bounded parsing of query strings, urlencoded bodies and cookies. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "names.h"

/* How the shared core splits and decodes one kind of input. */
struct http_syntax {
	char sep;       /* between pairs: '&' or ';' */
	bool decode;    /* percent-decoding and '+' as space */
	bool trim;      /* trim spaces and tabs around names and values */
	bool need_name; /* skip pairs without '=' or with an empty name */
};

static const struct http_syntax http_form_syntax = {
	.sep = '&', .decode = true, .trim = false, .need_name = false,
};

static const struct http_syntax http_cookie_syntax = {
	.sep = ';', .decode = false, .trim = true, .need_name = true,
};

/* One accepted pair, still raw: where its name and value lie in the input. */
struct http_raw {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

/* Leave fields empty: no rows, no storage. */
static void http_fields_reset(struct http_fields *fields)
{
	fields->count = 0;
	fields->storage = NULL;
}

/* True for the blanks a Cookie header may carry around its pairs. */
static bool http_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Shrink [*p, *p + *len) past leading and trailing spaces and tabs. */
static void http_trim(const char **p, size_t *len)
{
	while (*len > 0 && http_is_blank(**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && http_is_blank((*p)[*len - 1]))
		(*len)--;
}

/* Copy src[0..len) to dst, decoding "%XX" and '+' exactly once when decode
 * is set, and NUL-terminate it. dst needs len + 1 bytes; *out_len gets the
 * decoded length. Refuses a malformed escape (ERR_HTTP_MALFORMED) and any
 * NUL, raw or decoded (ERR_NUL). */
static err_t http_decode(const char *src, size_t len, bool decode,
			 char *dst, size_t *out_len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if (decode && c == '%') {
			int hi, lo;

			if (len - i < 3)
				return ERR_HTTP_MALFORMED;
			hi = names_hex_value(src[i + 1]);
			lo = names_hex_value(src[i + 2]);
			if (hi < 0 || lo < 0)
				return ERR_HTTP_MALFORMED;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (decode && c == '+') {
			c = ' ';
		}
		if (c == '\0')
			return ERR_NUL;
		dst[n++] = (char)c;
	}
	dst[n] = '\0';
	*out_len = n;
	return ERR_OK;
}

/* Split pair[0..len) at its first '=' into raw->name and raw->value
 * (trimmed when the syntax says so). Returns false when the syntax skips
 * such a pair (a cookie without '=' or without a name). */
static bool http_split_pair(const struct http_syntax *syn, const char *pair,
			    size_t len, struct http_raw *raw)
{
	const char *eq = memchr(pair, '=', len);

	raw->name = pair;
	if (eq == NULL) {
		raw->name_len = len;
		raw->value = pair + len;
		raw->value_len = 0;
	} else {
		raw->name_len = (size_t)(eq - pair);
		raw->value = eq + 1;
		raw->value_len = len - raw->name_len - 1;
	}
	if (syn->trim) {
		http_trim(&raw->name, &raw->name_len);
		http_trim(&raw->value, &raw->value_len);
	}
	return !syn->need_name || (eq != NULL && raw->name_len > 0);
}

/* First pass: split in[0..len) into at most HTTP_MAX_FIELDS raw pairs and
 * add up the storage they need. Stops at the first field over a limit, so
 * the work done on a hostile input is bounded by the limits, not by len. */
static err_t http_scan(const struct http_syntax *syn, const char *in, size_t len,
		       struct http_raw raw[HTTP_MAX_FIELDS], size_t *count,
		       size_t *storage_len)
{
	size_t pos = 0, n = 0, need = 0;

	while (pos < len) {
		const char *pair = in + pos;
		const char *end = memchr(pair, syn->sep, len - pos);
		size_t pair_len = end != NULL ? (size_t)(end - pair) : len - pos;
		struct http_raw r;

		pos += pair_len + 1;
		if (syn->trim)
			http_trim(&pair, &pair_len);
		if (pair_len == 0)
			continue;
		if (pair_len > HTTP_MAX_FIELD_BYTES)
			return ERR_HTTP_FIELD_TOO_LONG;
		if (memchr(pair, '\0', pair_len) != NULL)
			return ERR_NUL;
		if (!http_split_pair(syn, pair, pair_len, &r))
			continue;
		if (n == HTTP_MAX_FIELDS)
			return ERR_HTTP_TOO_MANY_FIELDS;
		raw[n++] = r;
		need += r.name_len + 1 + r.value_len + 1;
	}
	*count = n;
	*storage_len = need;
	return ERR_OK;
}

/* The core shared by every parser: scan, make one allocation, decode each
 * name and value into it. On failure out is left empty. */
static err_t http_parse(const struct http_syntax *syn, const char *in, size_t len,
			struct http_fields *out)
{
	struct http_raw raw[HTTP_MAX_FIELDS];
	size_t count, need, i;
	char *p;
	err_t e;

	http_fields_reset(out);
	if (in == NULL && len > 0)
		return ERR_HTTP_MALFORMED;
	e = http_scan(syn, in, len, raw, &count, &need);
	if (e != ERR_OK || count == 0)
		return e;
	out->storage = malloc(need);
	if (out->storage == NULL)
		return ERR_NOMEM;
	p = out->storage;
	for (i = 0; i < count; i++) {
		struct http_field *f = &out->field[i];

		e = http_decode(raw[i].name, raw[i].name_len, syn->decode, p, &f->name_len);
		if (e != ERR_OK)
			goto fail;
		f->name = p;
		p += f->name_len + 1;
		e = http_decode(raw[i].value, raw[i].value_len, syn->decode, p, &f->value_len);
		if (e != ERR_OK)
			goto fail;
		f->value = p;
		p += f->value_len + 1;
	}
	out->count = count;
	return ERR_OK;
fail:
	free(out->storage);
	http_fields_reset(out);
	return e;
}

/* Parse a query string; see http.h. */
err_t http_parse_query(const char *query, size_t len, struct http_fields *out)
{
	return http_parse(&http_form_syntax, query, len, out);
}

/* Parse a urlencoded body: the query rules plus a total size limit. */
err_t http_parse_body(const char *body, size_t len, struct http_fields *out)
{
	if (len > HTTP_MAX_BODY_BYTES) {
		http_fields_reset(out);
		return ERR_HTTP_TOO_LARGE;
	}
	return http_parse(&http_form_syntax, body, len, out);
}

/* Parse a Cookie header: ';'-separated, trimmed, never decoded. */
err_t http_parse_cookies(const char *header, size_t len, struct http_fields *out)
{
	return http_parse(&http_cookie_syntax, header, len, out);
}

/* Whether header[start, eq) is name, allowing blanks after it. */
static bool http_cookie_name_is(const char *header, size_t start, size_t eq, const char *name)
{
	size_t nlen = strlen(name);

	if (eq - start < nlen || memcmp(header + start, name, nlen) != 0)
		return false;
	for (size_t k = start + nlen; k < eq; k++) {
		if (!http_is_blank(header[k]))
			return false;
	}
	return true;
}

/* Find every cookie called name in a raw Cookie header. */
size_t http_cookie_values(const char *header, size_t len, const char *name,
			  const char **values, size_t *lens, size_t max)
{
	size_t found = 0, i = 0;

	while (i < len && found < max) {
		size_t start = i, end, eq;

		while (i < len && header[i] != ';')
			i++;
		end = i++;
		while (start < end && http_is_blank(header[start]))
			start++;
		while (end > start && http_is_blank(header[end - 1]))
			end--;
		for (eq = start; eq < end && header[eq] != '='; eq++)
			;
		if (eq == end || !http_cookie_name_is(header, start, eq, name))
			continue;
		for (eq++; eq < end && http_is_blank(header[eq]); eq++)
			;
		values[found] = header + eq;
		lens[found++] = end - eq;
	}
	return found;
}

/* Whether c may be part of a host name or an IPv6 literal. */
static bool http_host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
}

/* Split "host[:port]" (len bytes) into the host's length and the port
 * (0 when absent); false when it is not one. */
static bool http_split_host_port(const char *s, size_t len, size_t *host_len, long *port)
{
	size_t h = len;
	const char *colon;

	*port = 0;
	for (size_t i = 0; i < len; i++) {
		if (!http_host_char(s[i]))
			return false;
	}
	colon = memrchr(s, ':', len);
	if (colon != NULL && (s[0] != '[' || colon > (const char *)memchr(s, ']', len))) {
		h = (size_t)(colon - s);
		*port = 0;
		for (const char *p = colon + 1; p < s + len; p++) {
			if (*p < '0' || *p > '9' || *port > 65535)
				return false;
			*port = *port * 10 + (*p - '0');
		}
		if (*port < 1 || *port > 65535)
			return false;
	}
	*host_len = h;
	if (h == 0 || (s[0] == '[') != (s[h - 1] == ']'))
		return false;
	return s[0] == '[' || memchr(s, ':', h) == NULL;
}

/* Put an origin into its canonical form. */
err_t http_origin_canon(const char *in, size_t len, char *out, size_t size)
{
	size_t skip, host_len;
	long port;
	int n;

	out[0] = '\0';
	if (len > 7 && strncasecmp(in, "http://", 7) == 0)
		skip = 7;
	else if (len > 8 && strncasecmp(in, "https://", 8) == 0)
		skip = 8;
	else
		return ERR_HTTP_MALFORMED;
	if (!http_split_host_port(in + skip, len - skip, &host_len, &port))
		return ERR_HTTP_MALFORMED;
	if (port == 0)
		port = skip == 8 ? 443 : 80;
	n = snprintf(out, size, "%s://%.*s:%ld", skip == 8 ? "https" : "http", (int)host_len,
		     in + skip, port);
	if (n < 0 || (size_t)n >= size) {
		out[0] = '\0';
		return ERR_HTTP_MALFORMED;
	}
	for (char *p = out; *p != '\0'; p++)
		*p = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
	return ERR_OK;
}

/* The host part of a Host header value. */
err_t http_host_name(const char *host, char *out, size_t size, bool *has_port)
{
	size_t host_len;
	long port;

	out[0] = '\0';
	*has_port = false;
	if (!http_split_host_port(host, strlen(host), &host_len, &port) || host_len >= size)
		return ERR_HTTP_MALFORMED;
	for (size_t i = 0; i < host_len; i++)
		out[i] = (char)((host[i] >= 'A' && host[i] <= 'Z') ? host[i] + 32 : host[i]);
	out[host_len] = '\0';
	*has_port = port != 0;
	return ERR_OK;
}

/* The key a client address is counted under. */
void http_addr_key(const char *addr, char *out, size_t size)
{
	struct in6_addr a6;
	char net[INET6_ADDRSTRLEN];

	if (strchr(addr, ':') != NULL && inet_pton(AF_INET6, addr, &a6) == 1) {
		memset(a6.s6_addr + 8, 0, 8);
		if (inet_ntop(AF_INET6, &a6, net, sizeof net) != NULL) {
			snprintf(out, size, "%s/64", net);
			return;
		}
	}
	snprintf(out, size, "%.*s", 64, addr);
}

/* Free the storage of a successful parse and leave fields empty. */
void http_fields_free(struct http_fields *fields)
{
	if (fields == NULL)
		return;
	free(fields->storage);
	http_fields_reset(fields);
}

/* Find the one field called name; refuses a name given more than once. */
err_t http_get(const struct http_fields *fields, const char *name,
	       const char **value, size_t *value_len)
{
	const struct http_field *found = NULL;
	size_t len = strlen(name), i;

	*value = NULL;
	if (value_len != NULL)
		*value_len = 0;
	for (i = 0; i < fields->count; i++) {
		const struct http_field *f = &fields->field[i];

		if (f->name_len != len || memcmp(f->name, name, len) != 0)
			continue;
		if (found != NULL)
			return ERR_HTTP_DUPLICATE;
		found = f;
	}
	if (found == NULL)
		return ERR_NOT_FOUND;
	*value = found->value;
	if (value_len != NULL)
		*value_len = found->value_len;
	return ERR_OK;
}

/* Parse a CONTENT_LENGTH value: plain decimal digits, at most max. Every
 * character is checked before the size is judged; *out is 0 on failure. */
err_t http_content_length(const char *s, int allow_missing, size_t max, size_t *out)
{
	size_t v = 0;
	bool overflow = false;

	*out = 0;
	if (s == NULL || *s == '\0')
		return allow_missing ? ERR_OK : ERR_HTTP_MALFORMED;
	for (; *s != '\0'; s++) {
		size_t d;

		if (*s < '0' || *s > '9')
			return ERR_HTTP_MALFORMED;
		d = (size_t)(*s - '0');
		if (v > (SIZE_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	if (overflow || v > max)
		return ERR_HTTP_TOO_LARGE;
	*out = v;
	return ERR_OK;
}

/* True for the RFC 3986 unreserved characters, which are never encoded. */
static bool http_is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Percent-encode s[0..len) into out (uppercase %XX). On ERR_PATH_TOO_LONG
 * out holds the empty string, never a truncated URL. */
err_t http_url_encode(const char *s, size_t len, int keep_slash, char *out, size_t outsize)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, n = 0;

	if (outsize == 0)
		return ERR_PATH_TOO_LONG;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (http_is_unreserved(c) || (keep_slash && c == '/')) {
			if (outsize - n < 2)
				goto too_long;
			out[n++] = (char)c;
		} else {
			if (outsize - n < 4)
				goto too_long;
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 0xf];
		}
	}
	out[n] = '\0';
	return ERR_OK;
too_long:
	out[0] = '\0';
	return ERR_PATH_TOO_LONG;
}
