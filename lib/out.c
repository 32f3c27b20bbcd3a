/* out: the response sink: header lines checked and written, then the body. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "out.h"

/* One status code and its reason phrase. */
struct out_reason_row {
	int status;
	const char *phrase;
};

static const struct out_reason_row out_reasons[] = {
	{200, "OK"},
	{201, "Created"},
	{204, "No Content"},
	{301, "Moved Permanently"},
	{302, "Found"},
	{303, "See Other"},
	{304, "Not Modified"},
	{307, "Temporary Redirect"},
	{400, "Bad Request"},
	{401, "Unauthorized"},
	{403, "Forbidden"},
	{404, "Not Found"},
	{405, "Method Not Allowed"},
	{409, "Conflict"},
	{411, "Length Required"},
	{413, "Content Too Large"},
	{414, "URI Too Long"},
	{415, "Unsupported Media Type"},
	{429, "Too Many Requests"},
	{431, "Request Header Fields Too Large"},
	{500, "Internal Server Error"},
	{501, "Not Implemented"},
	{502, "Bad Gateway"},
	{503, "Service Unavailable"},
};

/* Both starts share this: an empty response with status 200. */
static void out_reset(struct out *o, FCGX_Stream *stream, FILE *file)
{
	o->fcgi = stream;
	o->file = file;
	o->status = 200;
	o->head_done = false;
	o->head_only = false;
	o->body_bytes = 0;
}

/* Start a response to a FastCGI stream. */
void out_init_fcgi(struct out *o, FCGX_Stream *stream)
{
	if (o != NULL)
		out_reset(o, stream, NULL);
}

/* Start a response to a FILE. */
void out_init_file(struct out *o, FILE *file)
{
	if (o != NULL)
		out_reset(o, NULL, file);
}

/* Start a body with no status or headers (a page part rendered into
 * memory). */
void out_init_body(struct out *o, FILE *file)
{
	if (o != NULL) {
		out_reset(o, NULL, file);
		o->head_done = true;
	}
}

/* Hand len raw bytes to the stream or the FILE, whichever is set. Write
 * errors are left for the stream to report (FCGX_GetError, ferror). */
static void out_emit(struct out *o, const char *data, size_t len)
{
	while (o->fcgi != NULL && len > 0) {
		int n = len > INT_MAX ? INT_MAX : (int)len;

		if (FCGX_PutStr(data, n, o->fcgi) != n)
			return;
		data += n;
		len -= (size_t)n;
	}
	if (o->fcgi == NULL && o->file != NULL && len > 0)
		fwrite(data, 1, len, o->file);
}

/* Write a NUL-terminated piece of the head. */
static void out_emit_str(struct out *o, const char *s)
{
	out_emit(o, s, strlen(s));
}

/* True when c may appear in an RFC 7230 token (tchar). */
static bool out_is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* True when name is a non-empty token. */
static bool out_name_ok(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;

	if (*p == '\0')
		return false;
	for (; *p != '\0'; p++) {
		if (!out_is_tchar(*p))
			return false;
	}
	return true;
}

/* True when value holds no control character other than tab (so no CR or
 * LF: one value can never become two header lines). */
static bool out_value_ok(const char *value)
{
	const unsigned char *p;

	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return false;
	}
	return true;
}

/* Set the status; it is written as the last header line, so it can change
 * until the head is finished. Codes outside 100-599 are refused. */
err_t out_status(struct out *o, int status)
{
	if (o == NULL || o->head_done)
		return ERR_IO;
	if (status < 100 || status > 599)
		return ERR_HTTP_MALFORMED;
	o->status = status;
	return ERR_OK;
}

/* Write one header line after checking the name and the value. "Status"
 * is refused too: out_status is the one way to set it. */
err_t out_header(struct out *o, const char *name, const char *value)
{
	if (o == NULL || o->head_done)
		return ERR_IO;
	if (name == NULL || value == NULL || !out_name_ok(name) || !out_value_ok(value) ||
	    strcasecmp(name, "Status") == 0)
		return ERR_HTTP_MALFORMED;
	out_emit_str(o, name);
	out_emit(o, ": ", 2);
	out_emit_str(o, value);
	out_emit(o, "\r\n", 2);
	return ERR_OK;
}

/* End the headers: the Status line from o->status, then the blank line.
 * Idempotent. */
void out_end_head(struct out *o)
{
	char line[64];
	int n;

	if (o == NULL || o->head_done)
		return;
	o->head_done = true;
	n = snprintf(line, sizeof line, "Status: %d %s\r\n\r\n", o->status, out_reason(o->status));
	if (n > 0 && (size_t)n < sizeof line)
		out_emit(o, line, (size_t)n);
}

/* Write body bytes, ending the head first; a HEAD response counts them
 * and drops them. */
void out_write(struct out *o, const char *data, size_t len)
{
	if (o == NULL || (data == NULL && len > 0))
		return;
	out_end_head(o);
	o->body_bytes += len;
	if (!o->head_only)
		out_emit(o, data, len);
}

/* Write a NUL-terminated string of body. */
void out_puts(struct out *o, const char *s)
{
	if (s != NULL)
		out_write(o, s, strlen(s));
}

/* The reason phrase for a status; "Unknown" for codes not in the table. */
const char *out_reason(int status)
{
	size_t i;

	for (i = 0; i < sizeof out_reasons / sizeof out_reasons[0]; i++) {
		if (out_reasons[i].status == status)
			return out_reasons[i].phrase;
	}
	return "Unknown";
}
