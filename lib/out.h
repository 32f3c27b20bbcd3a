/* out: the response sink. A FastCGI stream or a stdio FILE (plain CGI and
 * tests); the status and headers first, then the body. A header value with
 * CR or LF is never written. */
#ifndef FILEPANEL_OUT_H
#define FILEPANEL_OUT_H

#include <stdbool.h>
#include <stddef.h>

#include <fcgiapp.h>
#include <stdio.h>

#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

struct out {
	FCGX_Stream *fcgi;   /* where the response goes, or NULL */
	FILE *file;          /* ... or here */
	int status;          /* 200 unless out_status says otherwise */
	bool head_done;      /* the blank line after the headers is written */
	bool head_only;      /* HEAD request: headers only, the body dropped */
	size_t body_bytes;   /* bytes of body written (or dropped) */
};

/* Start a response to a FastCGI stream. */
void out_init_fcgi(struct out *o, FCGX_Stream *stream);

/* Start a response to a FILE (stdout in CGI mode, a memory stream in
 * tests). */
void out_init_file(struct out *o, FILE *file);

/* Start a body only, no status or headers, to a FILE (a part of a page
 * rendered into memory). */
void out_init_body(struct out *o, FILE *file);

/* Set the status (before any header is written); writes "Status: 303 See
 * Other". Returns ERR_IO if headers were already finished. */
err_t out_status(struct out *o, int status);

/* Write one header line. Refuses (ERR_HTTP_MALFORMED, nothing written) a
 * name that is not a token or a value holding CR, LF or NUL. */
err_t out_header(struct out *o, const char *name, const char *value);

/* End the headers (idempotent). */
void out_end_head(struct out *o);

/* Write body bytes (ending the headers first if needed). */
void out_write(struct out *o, const char *data, size_t len);

/* Write a NUL-terminated string of body. */
void out_puts(struct out *o, const char *s);

/* The reason phrase for a status ("Not Found"). */
const char *out_reason(int status);

#ifdef __cplusplus
}
#endif

#endif
