/* names: pure validation and path arithmetic, no I/O. Link names, new
 * entry names and link targets (with the rule for ".." in a stored target),
 * root-relative paths, lexical join and normalisation, and mapping an
 * absolute path onto a root. Also the one notion of an "odd" character (one
 * a person cannot see or tell apart, names_char_at) and the two renderings
 * built on it: an opaque encoding that carries any bytes through a URL or a
 * form field exactly, and a visible one-line text form. Every output goes
 * to a caller's buffer of a given size and always gets a NUL. */
#ifndef FILEPANEL_NAMES_H
#define FILEPANEL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define NAMES_NAME_MAX 255    /* bytes in one file name */
#define NAMES_TARGET_MAX 4095 /* bytes in a link target (4096 or more refused) */
#define NAMES_PATH_MAX 4096   /* bytes in a path, with its NUL */

/* Buffer sizes that always fit names_opaque_encode and names_visible_text
 * of len bytes (3 and 8 output bytes per input byte at most, and the NUL). */
#define NAMES_OPAQUE_SIZE(len) (3 * (len) + 1)
#define NAMES_VISIBLE_SIZE(len) (8 * (len) + 1)

/* One character (or one byte that is not UTF-8) of a name. */
struct names_char {
	size_t len; /* bytes it takes (1 for a byte that is not part of valid UTF-8) */
	long cp;    /* its code point, or -1 for a byte that is not valid UTF-8 */
	bool odd;   /* whether a person could not see it or tell it apart */
};

/* The value of the hex digit c (either case), or -1 when c is not one. */
int names_hex_value(char c);

/* Check that s (len bytes, which may contain NUL) holds no overlong UTF-8
 * form, no encoded surrogate and nothing above U+10FFFF. Other bytes that
 * are not UTF-8 (legacy Latin-1 names) are allowed. ERR_OK or ERR_ENCODING. */
err_t names_check_encoding(const char *s, size_t len);

/* Validate a Link Filename: not empty, not "." or "..", no '/', no NUL, no
 * control character (0x00-0x1f, 0x7f), at most 255 bytes, no overlong UTF-8. */
err_t names_check_link_name(const char *name, size_t len);

/* Validate a name for a new entry: everything names_check_link_name refuses
 * (with its error, checked first), and any odd character
 * (ERR_NAME_INVISIBLE): so also a byte that is not valid UTF-8, which
 * names_check_link_name lets through. */
err_t names_check_new_name(const char *name, size_t len);

/* Validate an existing entry's name (for delete or show): not empty, not
 * "." or "..", no '/', no NUL, at most 255 bytes; any other byte is
 * allowed (control characters, bytes that are not UTF-8), since names
 * planted by other means may hold them. */
err_t names_check_entry_name(const char *name, size_t len);

/* Validate a Source Filename (a link target): not empty, no NUL, no control
 * character, shorter than 4096 bytes, no overlong UTF-8. Any other text is
 * stored exactly as typed. */
err_t names_check_target(const char *target, size_t len);

/* Whether target uses ".." only as a run at the start of a relative target.
 * "." and empty components are skipped when deciding ("./../x" and
 * ".//../x" count as leading); in an absolute target every ".." is late.
 * ERR_OK (suggestion untouched), ERR_NUL for a NUL byte, or
 * ERR_TARGET_DOTDOT with a suggestion written to suggestion (size bytes):
 * the same target with the later ".." applied lexically (docs/old/../new ->
 * docs/new, ../a/../../b -> ../../b, /x/../y -> /y, a/.. -> .), keeping the
 * leading run, dropping "." and empty components and keeping a trailing
 * '/'. The suggestion is never longer than target; it is "" when it does
 * not fit in size. suggestion may be NULL. */
err_t names_check_target_dotdot(const char *target, size_t len, char *suggestion, size_t size);

/* Read the character at s[i] (i < len) into *c. Valid UTF-8 is the shortest
 * form, no surrogate, nothing above U+10FFFF; any other byte (a stray
 * continuation byte, a truncated or overlong sequence, CESU surrogate
 * bytes, F5..FF) is read alone with cp -1 and odd. Odd code points are the
 * controls (C0, DEL, C1), the invisible and special spaces, fillers,
 * joiners, direction marks and controls, variation selectors, tags,
 * U+FFF0..U+FFFD and the noncharacters (one table in names.c); an ASCII
 * space is odd when it is leading or trailing (every byte before it, or
 * every byte after it, is a space). c->len never passes len - i. Reading
 * a space takes time in the length of the runs of spaces at the edges of s;
 * anything else, constant time. */
void names_char_at(const char *s, size_t len, size_t i, struct names_char *c);

/* Encode len bytes for a URL or a form field: the bytes of every odd
 * character (names_char_at) and every '~' become "~XX" (two uppercase hex
 * digits each); all other bytes are copied (so "Documents/photo 1.jpg" and
 * valid UTF-8 text stay as they are). The output never holds a byte below
 * 0x20, 0x7f, a C1 control or a byte that is not UTF-8. out gets a NUL.
 * ERR_PATH_TOO_LONG (out "") when it does not fit in size. */
err_t names_opaque_encode(const char *in, size_t len, char *out, size_t size);

/* Undo names_opaque_encode: "~XX" (hex, either case) becomes the byte XX; a
 * '~' not followed by two hex digits is ERR_HTTP_MALFORMED. Decoding is
 * done once: "%2e" stays the three bytes "%2e". out gets a NUL; *out_len
 * the decoded length (which may hold NUL bytes: callers validate after).
 * ERR_PATH_TOO_LONG when out is too small. The first problem met, reading
 * left to right, is the one returned; on any error out is "" and *out_len 0. */
err_t names_opaque_decode(const char *in, size_t len, char *out, size_t size, size_t *out_len);

/* Write len bytes as one line a person can read: every odd character as
 * "\u{XXXX}" (its code point in uppercase hex, at least 4 digits) except
 * that a byte that is not UTF-8 is "\xHH", newline "\n", carriage return
 * "\r", tab "\t"; a backslash is "\\"; everything else is copied. The
 * result holds no odd character and can be read back unambiguously. out
 * gets a NUL; when it does not fit, it is cut at a character boundary (no
 * character or escape is split) and ERR_PATH_TOO_LONG returned. */
err_t names_visible_text(const char *in, size_t len, char *out, size_t size);

/* Normalise a root-relative path from a request into out: components split
 * on '/', empty and "." components dropped, no leading or trailing '/'; the
 * root itself is "". Refused: NUL (ERR_NUL), ".." (ERR_PATH_INVALID),
 * overlong UTF-8 (ERR_ENCODING), a result of NAMES_PATH_MAX bytes or more or
 * a component over 255 bytes (ERR_PATH_TOO_LONG). A leading '/' is taken as
 * the root: "/etc/passwd" is root-relative "etc/passwd". */
err_t names_normalize_rel(const char *in, size_t len, char *out, size_t outsize);

/* names_normalize_rel without the encoding check: for a path of names on
 * disk, which may hold bytes that are not UTF-8 (the request's own text is
 * checked before it is decoded, see names_opaque_decode). */
err_t names_normalize_rel_bytes(const char *in, size_t len, char *out, size_t outsize);

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
