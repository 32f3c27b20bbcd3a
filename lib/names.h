/* names: pure validation and path arithmetic, no I/O. Link names, link
 * targets, root-relative paths, lexical join and normalisation, and mapping
 * an absolute path onto a root. */
#ifndef FILEPANEL_NAMES_H
#define FILEPANEL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define NAMES_NAME_MAX 255    /* bytes in one file name */
#define NAMES_TARGET_MAX 4095 /* bytes in a link target (4096 or more refused) */
#define NAMES_PATH_MAX 4096   /* bytes in a path, with its NUL */

/* Check that s (len bytes, which may contain NUL) holds no overlong UTF-8
 * form, no encoded surrogate and nothing above U+10FFFF. Other bytes that
 * are not UTF-8 (legacy Latin-1 names) are allowed. ERR_OK or ERR_ENCODING. */
err_t names_check_encoding(const char *s, size_t len);

/* Validate a Link Filename: not empty, not "." or "..", no '/', no NUL, no
 * control character (0x00-0x1f, 0x7f), at most 255 bytes, no overlong UTF-8. */
err_t names_check_link_name(const char *name, size_t len);

/* Validate an existing entry's name as given in a request (for delete or
 * show): like names_check_link_name but control characters are allowed,
 * since links planted by other means may carry them. */
err_t names_check_entry_name(const char *name, size_t len);

/* Validate a Source Filename (a link target): not empty, no NUL, no control
 * character, shorter than 4096 bytes, no overlong UTF-8. Any other text is
 * stored exactly as typed. */
err_t names_check_target(const char *target, size_t len);

/* Normalise a root-relative path from a request into out: components split
 * on '/', empty and "." components dropped, no leading or trailing '/'; the
 * root itself is "". Refused: NUL (ERR_NUL), ".." (ERR_PATH_INVALID),
 * overlong UTF-8 (ERR_ENCODING), a result of NAMES_PATH_MAX bytes or more or
 * a component over 255 bytes (ERR_PATH_TOO_LONG). A leading '/' is taken as
 * the root: "/etc/passwd" is root-relative "etc/passwd". */
err_t names_normalize_rel(const char *in, size_t len, char *out, size_t outsize);

/* Lexically normalise an absolute path in place: collapse "//", drop ".",
 * apply ".." (never above "/"), no trailing '/' except for "/" itself.
 * ERR_PATH_INVALID if path does not start with '/'. */
err_t names_normalize_abs(char *path);

/* Join target to the absolute directory dir lexically (an absolute target
 * replaces dir) and normalise the result into out. */
err_t names_join(const char *dir, const char *target, size_t target_len,
		 char *out, size_t outsize);

/* If the normalised absolute path abs lies at or below the normalised
 * absolute root, return true and set *rel to the root-relative remainder
 * (a pointer into abs; "" for the root itself). Component-wise: "/home/ab"
 * is not below "/home/a". */
bool names_below(const char *root, const char *abs, const char **rel);

/* Join a root-relative directory and an entry name ("" + "x" = "x",
 * "a" + "x" = "a/x") into out. */
err_t names_rel_child(const char *dir_rel, const char *name, char *out, size_t outsize);

/* Split a root-relative path into its parent (written to parent) and its
 * last component (a pointer into rel). "a/b" gives "a" and "b"; "b" gives ""
 * and "b"; "" gives ERR_IS_ROOT. */
err_t names_rel_split(const char *rel, char *parent, size_t parentsize, const char **last);

#endif
