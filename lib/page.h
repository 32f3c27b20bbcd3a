/* page: the bridge to Google ctemplate. A C API over a small C++ file whose
 * every entry point catches all exceptions. Templates are parsed once and
 * kept for the life of the process; expansion streams straight into an
 * out_ sink instead of building a string. */
#ifndef FILEPANEL_PAGE_H
#define FILEPANEL_PAGE_H

#include <stddef.h>

#include "err.h"
#include "out.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A template dictionary (ctemplate::TemplateDictionary). Sub-dictionaries
 * (sections, includes) belong to their parent and are freed with it. */
struct page_dict;

/* Set the directory templates are loaded from (once, at start). Returns
 * ERR_NOT_FOUND when it is not a readable directory. */
err_t page_set_root(const char *dir);

/* A new top-level dictionary; NULL when out of memory. */
struct page_dict *page_dict_new(const char *name);

/* Free a top-level dictionary and everything below it. NULL is fine. */
void page_dict_free(struct page_dict *d);

/* Set a variable (the value is copied; escaping happens in the template by
 * AUTOESCAPE, never here). */
void page_set(struct page_dict *d, const char *key, const char *value);

/* Set a variable from len bytes (may hold any byte but NUL). */
void page_set_n(struct page_dict *d, const char *key, const char *value, size_t len);

/* Set a variable to HTML that page_expand already produced (AUTOESCAPE on)
 * for the very context where the template writes it as
 * {{KEY:x-prerendered}}: written as it is, never escaped again. The bytes
 * are not copied and must outlive the expansion. Never give it anything
 * else. */
void page_set_prerendered(struct page_dict *d, const char *key, const char *html, size_t len);

/* Set an integer variable. */
void page_set_int(struct page_dict *d, const char *key, long long value);

/* Set a variable visible in every dictionary below d too. */
void page_set_global(struct page_dict *d, const char *key, const char *value);

/* Show a section once ({{#NAME}}...{{/NAME}}) with d's own values. */
void page_show(struct page_dict *d, const char *section);

/* Add one more repetition of a section and return its dictionary. */
struct page_dict *page_add_section(struct page_dict *d, const char *section);

/* Fill an include ({{>NAME}}) with the template file (relative to the
 * root) and return its dictionary. */
struct page_dict *page_add_include(struct page_dict *d, const char *name, const char *file);

/* --- Lazy sections: long repeated sections filled while they expand -------- */

/* The values of one repetition of a lazy section while it is filled. */
struct page_row;

/* Fill repetition i (from 0) of a lazy section: set its values, show its
 * sections, fill its includes. */
typedef void (*page_row_fill)(void *ctx, size_t i, struct page_row *row);

/* Give section of d count repetitions without building a dictionary for
 * each: repetition i is filled by fill(ctx, i, row) just before it is
 * expanded and forgotten once it is, so a long list costs no memory per
 * row. ctx must stay valid until d's page is expanded. A row sees the
 * values of d (and above) it does not set itself, and the sections shown
 * there, as a section dictionary does. Nothing is added when count is 0. */
void page_add_lazy_section(struct page_dict *d, const char *section, size_t count,
			   page_row_fill fill, void *ctx);

/* Set a value of the row being filled from len bytes (a NUL ends it early).
 * The bytes are not copied: they must stay as they are until the next row
 * is filled (key too: a string literal). */
void page_row_set(struct page_row *row, const char *key, const char *value, size_t len);

/* page_row_set from a NUL-terminated value. */
void page_row_set_str(struct page_row *row, const char *key, const char *value);

/* Show a section of the row once, with the row's values. */
void page_row_show(struct page_row *row, const char *section);

/* Fill an include ({{>NAME}}) of the row with a template file, expanded
 * with the row's values. */
void page_row_include(struct page_row *row, const char *name, const char *file);

/* Expand the template file (relative to the root) with d, streaming into
 * o. ERR_NOT_FOUND when the template is missing or does not parse, ERR_IO
 * on any other failure. */
err_t page_expand(const char *file, struct page_dict *d, struct out *o);

#ifdef __cplusplus
}
#endif

#endif
