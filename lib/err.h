/* err: the one error enum every lib function returns, and its mapping to an
 * HTTP status and a sentence a person understands. */
#ifndef FILEPANEL_ERR_H
#define FILEPANEL_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	ERR_OK = 0,
	/* system */
	ERR_NOMEM,
	ERR_IO,
	ERR_DENIED,
	/* locations */
	ERR_NOT_FOUND,
	ERR_NOT_DIR,
	ERR_EXISTS,
	ERR_NOT_LINK,
	ERR_IS_ROOT,
	ERR_ROOT_UNKNOWN,
	ERR_PATH_INVALID,
	ERR_PATH_TOO_LONG,
	ERR_LOOP,
	ERR_ROOT_UNAVAILABLE,
	ERR_MOUNT_POINT,
	ERR_TOO_COMPLEX,
	ERR_CHANGED,
	/* Link Filename */
	ERR_NAME_EMPTY,
	ERR_NAME_DOT,
	ERR_NAME_SLASH,
	ERR_NAME_CONTROL,
	ERR_NAME_TOO_LONG,
	ERR_NAME_INVISIBLE,
	/* Source Filename */
	ERR_TARGET_EMPTY,
	ERR_TARGET_CONTROL,
	ERR_TARGET_TOO_LONG,
	ERR_TARGET_OUTSIDE,
	ERR_TARGET_DOTDOT,
	/* any text */
	ERR_NUL,
	ERR_ENCODING,
	/* requests */
	ERR_HTTP_MALFORMED,
	ERR_HTTP_TOO_LARGE,
	ERR_HTTP_TOO_MANY_FIELDS,
	ERR_HTTP_FIELD_TOO_LONG,
	ERR_HTTP_DUPLICATE,
	ERR_HTTP_METHOD,
	ERR_CSRF,
	ERR_HOST,
	/* accounts and storage */
	ERR_AUTH_FAILED,
	ERR_THROTTLED,
	ERR_USER_UNKNOWN,
	ERR_USER_EXISTS,
	ERR_USER_NAME,
	ERR_ROOT_NOT_DIR,
	ERR_DB_IN_ROOT,
	ERR_DB,
	ERR_DB_FULL,
	ERR_DB_READONLY,
	ERR_AUDIT_UNFINISHED,
	ERR__MAX
} err_t;

/* The HTTP status that answers a request failing with e (200 for ERR_OK). */
int err_http_status(err_t e);

/* A sentence for a person: what went wrong and, where it helps, what to do.
 * Never NULL; static storage. */
const char *err_sentence(err_t e);

/* A short stable identifier ("not_found"), for logs and the audit table. */
const char *err_code(err_t e);

/* Map an errno from a filesystem call to the closest err_t. Escapes
 * (EXDEV, ELOOP from a refused link) map to ERR_NOT_FOUND. */
err_t err_from_errno(int errnum);

#ifdef __cplusplus
}
#endif

#endif
