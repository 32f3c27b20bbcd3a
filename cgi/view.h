/* view: answering a request: pages in the layout of the account's
 * interface (New or Legacy), errors, redirects, cookies and URLs. */
#ifndef FILEPANEL_VIEW_H
#define FILEPANEL_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "page.h"
#include "request.h"

/* Start a page: the layout of the account's interface (the New one before
 * login) with content (a template file under templates/shared/, without
 * ".tpl") included. Returns the content's dictionary, never NULL (on
 * failure a dictionary that is dropped). */
struct page_dict *view_begin(struct req *r, const char *content);

/* Finish the page begun with view_begin: the status line, the headers and
 * the expanded page. */
void view_finish(struct req *r, int status, const char *title);

/* Answer with the error page for e (its status and sentence). */
void view_error(struct req *r, err_t e);

/* Answer 303 See Other to a panel URL (base URL added here). */
void view_redirect(struct req *r, const char *panel_url);

/* Answer 405 with Allow: allow. */
void view_method_not_allowed(struct req *r, const char *allow);

/* Send the session cookie (value NULL clears it). */
void view_session_cookie(struct req *r, const char *value);

/* Build a panel URL "/files?root=home&path=a%2Fb" from a path and
 * name/value pairs ending with NULL (NULL or empty values left out).
 * Returns out, or "/" when it does not fit. */
char *view_url(char *out, size_t size, const char *path, ...);

/* Encode a name or path for a URL or a form field (names_opaque_encode)
 * into out and return it; "" when it does not fit, which cannot happen for
 * a buffer of NAMES_OPAQUE_SIZE of what it holds. */
const char *view_opaque(const char *s, char *out, size_t size);

/* A listing URL for (root, path), optionally highlighting a name (NULL for
 * none) and with the message of the change whose audit row is done (0 for
 * none); path and name are opaque-encoded here. */
char *view_files_url(char *out, size_t size, int root, const char *path, const char *highlight,
		     int64_t done);

#endif
