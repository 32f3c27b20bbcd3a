/* fuzz_names: libFuzzer harness for names validation, path arithmetic, the
 * odd-character classifier, the opaque and visible encodings, the ".." rule
 * for link targets, and http_url_encode. */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http.h"
#include "names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAMES_FUZZ_DIR "/home/u" /* the directory targets are joined to */

/* True when s[0..len) holds an ASCII control character (NUL included). */
static bool fuzz_has_control(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	}
	return false;
}

/* True when s[0..len) is "." or "..". */
static bool fuzz_is_dot(const char *s, size_t len)
{
	return (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.');
}

/* True when the '/'-separated path s[0..len) has a ".." component. */
static bool fuzz_has_dotdot(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t start = i;

		while (i < len && s[i] != '/')
			i++;
		if (i - start == 2 && s[start] == '.' && s[start + 1] == '.')
			return true;
		i++;
	}
	return false;
}

/* Decode s[0..len) leniently, as a careless decoder would: every lead byte
 * followed by enough continuation bytes gives a code point. True when one of
 * those is overlong, a surrogate or above U+10FFFF (what
 * names_check_encoding promises to refuse). */
static bool fuzz_has_bad_utf8(const unsigned char *s, size_t len)
{
	static const unsigned long min[] = {0, 0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000};
	size_t i, k, n;

	for (i = 0; i < len; i++) {
		unsigned long cp;

		if (s[i] < 0xc0 || s[i] > 0xfd)
			continue;
		n = s[i] < 0xe0 ? 2 : s[i] < 0xf0 ? 3 : s[i] < 0xf8 ? 4 : s[i] < 0xfc ? 5 : 6;
		if (i + n > len)
			continue;
		cp = s[i] & (0x7f >> n);
		for (k = 1; k < n && (s[i + k] & 0xc0) == 0x80; k++)
			cp = cp << 6 | (s[i + k] & 0x3f);
		if (k < n)
			continue;
		if (cp < min[n] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return true;
	}
	return false;
}

/* Check the four validators against each other and against what their
 * comments promise. */
static void fuzz_validators(const char *s, size_t len)
{
	err_t link = names_check_link_name(s, len);
	err_t entry = names_check_entry_name(s, len);
	err_t target = names_check_target(s, len);
	err_t enc = names_check_encoding(s, len);
	bool nul = memchr(s, '\0', len) != NULL;
	bool slash = memchr(s, '/', len) != NULL;
	bool control = fuzz_has_control(s, len);

	if (enc == ERR_OK)
		FUZZ_CHECK(!fuzz_has_bad_utf8((const unsigned char *)s, len));
	else
		FUZZ_CHECK(enc == ERR_ENCODING);
	if (entry == ERR_OK) {
		FUZZ_CHECK(len >= 1 && len <= NAMES_NAME_MAX);
		FUZZ_CHECK(!nul && !slash && !fuzz_is_dot(s, len));
	}
	/* A link name is an entry name without control characters or bytes
	 * that are not UTF-8 (an entry on disk may hold any byte). */
	FUZZ_CHECK((link == ERR_OK) == (entry == ERR_OK && !control && enc == ERR_OK));
	if (target == ERR_OK) {
		FUZZ_CHECK(len >= 1 && len <= NAMES_TARGET_MAX);
		FUZZ_CHECK(!control && enc == ERR_OK);
	}
}

/* Check a successful names_normalize_rel result: no leading or trailing '/',
 * no empty, "." or ".." component, no component over NAMES_NAME_MAX. */
static void fuzz_check_rel(const char *rel)
{
	size_t len = strlen(rel), i = 0;

	FUZZ_CHECK(len < NAMES_PATH_MAX);
	if (len == 0)
		return;
	FUZZ_CHECK(rel[0] != '/' && rel[len - 1] != '/');
	FUZZ_CHECK(strstr(rel, "//") == NULL);
	while (i < len) {
		size_t start = i;

		while (i < len && rel[i] != '/')
			i++;
		FUZZ_CHECK(i > start && i - start <= NAMES_NAME_MAX);
		FUZZ_CHECK(!fuzz_is_dot(rel + start, i - start));
		i++;
	}
}

/* Normalise the input as a root-relative path. On success check the result,
 * that normalising it again changes nothing, that it fits a buffer of
 * exactly its size and is refused by one byte less, and that splitting it
 * and joining it back gives it again. Returns the result (to be freed) or
 * NULL when refused. */
static char *fuzz_normalize_rel(const char *s, size_t len)
{
	char *out = malloc(NAMES_PATH_MAX), *again, *parent;
	const char *last;
	size_t n;
	err_t e;

	FUZZ_CHECK(out != NULL);
	e = names_normalize_rel(s, len, out, NAMES_PATH_MAX);
	if (e != ERR_OK) {
		FUZZ_CHECK(e == ERR_NUL || e == ERR_PATH_INVALID || e == ERR_ENCODING ||
			   e == ERR_PATH_TOO_LONG);
		free(out);
		return NULL;
	}
	FUZZ_CHECK(memchr(s, '\0', len) == NULL);
	FUZZ_CHECK(!fuzz_has_dotdot(s, len));
	fuzz_check_rel(out);
	n = strlen(out);

	again = malloc(n + 1);
	FUZZ_CHECK(again != NULL);
	FUZZ_CHECK(names_normalize_rel(out, n, again, n + 1) == ERR_OK);
	FUZZ_CHECK(strcmp(again, out) == 0);
	free(again);
	if (n > 0) {
		again = malloc(n);
		FUZZ_CHECK(again != NULL);
		FUZZ_CHECK(names_normalize_rel(s, len, again, n) == ERR_PATH_TOO_LONG);
		free(again);

		parent = malloc(n + 1);
		FUZZ_CHECK(parent != NULL);
		FUZZ_CHECK(names_rel_split(out, parent, n + 1, &last) == ERR_OK);
		again = malloc(n + 1);
		FUZZ_CHECK(again != NULL);
		FUZZ_CHECK(names_rel_child(parent, last, again, n + 1) == ERR_OK);
		FUZZ_CHECK(strcmp(again, out) == 0);
		free(again);
		free(parent);
	} else {
		FUZZ_CHECK(names_rel_split(out, NULL, 0, &last) == ERR_IS_ROOT);
	}
	return out;
}

/* Check a successful names_join result: absolute, and no "//", "/./" or
 * "/../", no trailing "/", "/." or "/.." (except "/" itself), and
 * names_normalize_abs leaves it as it is. */
static void fuzz_check_abs(const char *abs)
{
	size_t len = strlen(abs);
	char *copy;

	FUZZ_CHECK(abs[0] == '/');
	FUZZ_CHECK(strstr(abs, "//") == NULL);
	FUZZ_CHECK(strstr(abs, "/./") == NULL);
	FUZZ_CHECK(strstr(abs, "/../") == NULL);
	FUZZ_CHECK(len == 1 || abs[len - 1] != '/');
	FUZZ_CHECK(len < 2 || strcmp(abs + len - 2, "/.") != 0);
	FUZZ_CHECK(len < 3 || strcmp(abs + len - 3, "/..") != 0);
	copy = strdup(abs);
	FUZZ_CHECK(copy != NULL);
	FUZZ_CHECK(names_normalize_abs(copy) == ERR_OK && strcmp(copy, abs) == 0);
	free(copy);
}

/* Check names_below(dir, abs) against a plain reading of its promise: abs
 * is dir itself or dir followed by '/' and the rest (any absolute path for
 * "/"), and *rel is that rest. Returns the rest, or NULL when not below. */
static const char *fuzz_below(const char *dir, const char *abs)
{
	size_t dlen = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
	bool want = strncmp(abs, dir, dlen) == 0 && (abs[dlen] == '\0' || abs[dlen] == '/');
	const char *rel = NULL;

	FUZZ_CHECK(names_below(dir, abs, &rel) == want);
	if (!want)
		return NULL;
	FUZZ_CHECK(rel == abs + dlen + (abs[dlen] == '/'));
	return rel;
}

/* Join the input to the absolute directory dir. On success check the
 * result; a relative target with no ".." stays below dir, and where the
 * input also normalises as a root-relative path (rel) the two agree. */
static void fuzz_join(const char *dir, const char *s, size_t len, const char *rel)
{
	char *out = malloc(NAMES_PATH_MAX), *small;
	const char *below;
	size_t n;
	err_t e;

	FUZZ_CHECK(out != NULL);
	e = names_join(dir, s, len, out, NAMES_PATH_MAX);
	if (e != ERR_OK) {
		FUZZ_CHECK(e == ERR_NUL || e == ERR_PATH_TOO_LONG);
		free(out);
		return;
	}
	fuzz_check_abs(out);
	n = strlen(out);
	below = fuzz_below(dir, out);
	if ((len == 0 || s[0] != '/') && !fuzz_has_dotdot(s, len)) {
		FUZZ_CHECK(below != NULL);
		if (rel != NULL)
			FUZZ_CHECK(strcmp(below, rel) == 0);
	}
	/* A buffer that only fits the result may be refused (the unnormalised
	 * join must fit too) but never overrun; one byte less is refused. */
	small = malloc(n + 1);
	FUZZ_CHECK(small != NULL);
	e = names_join(dir, s, len, small, n + 1);
	FUZZ_CHECK(e == ERR_PATH_TOO_LONG || (e == ERR_OK && strcmp(small, out) == 0));
	FUZZ_CHECK(names_join(dir, s, len, small, n) == ERR_PATH_TOO_LONG);
	free(small);
	free(out);
}

/* A relative directory is refused unless the target is absolute (or holds a
 * NUL, which is refused first). */
static void fuzz_join_relative_dir(const char *s, size_t len)
{
	char *out = malloc(NAMES_PATH_MAX);
	err_t e;

	FUZZ_CHECK(out != NULL);
	e = names_join("home/u", s, len, out, NAMES_PATH_MAX);
	if (memchr(s, '\0', len) != NULL)
		FUZZ_CHECK(e == ERR_NUL);
	else if (len == 0 || s[0] != '/')
		FUZZ_CHECK(e == ERR_PATH_INVALID);
	free(out);
}

/* The value of an uppercase hex digit, or -1. */
static int fuzz_hex(char c)
{
	const char *digits = "0123456789ABCDEF";
	const char *p = c != '\0' ? strchr(digits, c) : NULL;

	return p != NULL ? (int)(p - digits) : -1;
}

/* Decode "%XX" escapes (uppercase only) in s, and nothing else, into out;
 * returns the decoded length. out has room for strlen(s) bytes. */
static size_t fuzz_percent_decode(const char *s, char *out)
{
	size_t n = 0;

	while (*s != '\0') {
		if (*s == '%') {
			int hi = fuzz_hex(s[1]), lo = hi >= 0 ? fuzz_hex(s[2]) : -1;

			FUZZ_CHECK(hi >= 0 && lo >= 0);
			out[n++] = (char)(hi << 4 | lo);
			s += 3;
		} else {
			out[n++] = *s++;
		}
	}
	return n;
}

/* Percent-encode the input: only unreserved characters, '%' followed by two
 * uppercase hex digits, and '/' when kept; decoding gives the input back;
 * a buffer of exactly the encoded size works and one byte less is refused
 * with an empty result. */
static void fuzz_url_encode(const char *s, size_t len, int keep_slash)
{
	size_t cap = 3 * len + 1, n, i;
	char *out = malloc(cap), *dec, *small;

	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(http_url_encode(s, len, keep_slash, out, cap) == ERR_OK);
	n = strlen(out);
	for (i = 0; i < n; i++) {
		char c = out[i];

		if (c == '%') {
			FUZZ_CHECK(i + 2 < n);
			FUZZ_CHECK(fuzz_hex(out[i + 1]) >= 0 && fuzz_hex(out[i + 2]) >= 0);
			i += 2;
			continue;
		}
		FUZZ_CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			   (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
			   c == '~' || (keep_slash && c == '/'));
	}
	dec = malloc(n + 1);
	FUZZ_CHECK(dec != NULL);
	FUZZ_CHECK(fuzz_percent_decode(out, dec) == len);
	FUZZ_CHECK(len == 0 || memcmp(dec, s, len) == 0);
	free(dec);

	small = malloc(n + 1);
	FUZZ_CHECK(small != NULL);
	FUZZ_CHECK(http_url_encode(s, len, keep_slash, small, n + 1) == ERR_OK);
	FUZZ_CHECK(strcmp(small, out) == 0);
	FUZZ_CHECK(http_url_encode(s, len, keep_slash, small, n) == ERR_PATH_TOO_LONG);
	FUZZ_CHECK(n == 0 || small[0] == '\0');
	free(small);
	free(out);
}

/* Write cp as UTF-8 to p (room for 4 bytes); returns its length. */
static size_t fuzz_utf8_put(char *p, long cp)
{
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4, k;
	static const unsigned char lead[] = {0, 0, 0xc0, 0xe0, 0xf0};

	if (n == 1) {
		p[0] = (char)cp;
		return 1;
	}
	for (k = n - 1; k > 0; k--) {
		p[k] = (char)(0x80 | (cp & 0x3f));
		cp >>= 6;
	}
	p[0] = (char)(lead[n] | cp);
	return n;
}

/* Read every character of s with names_char_at, at every byte offset, and
 * check what it promises: a length inside the input, -1 only for one odd
 * byte, a valid code point that encodes back to exactly the bytes read,
 * controls odd, and a space odd exactly at an edge. The characters read
 * from offset 0 cover the input; when none is -1, names_check_encoding
 * accepts it. */
static void fuzz_char_at(const char *s, size_t len)
{
	struct names_char c;
	bool all_valid = true;
	size_t i, next = 0, lead = 0, trail = 0;
	char buf[4];

	/* the spaces before the first other byte, and after the last */
	while (lead < len && s[lead] == ' ')
		lead++;
	while (trail < len - lead && s[len - 1 - trail] == ' ')
		trail++;

	for (i = 0; i < len; i++) {
		names_char_at(s, len, i, &c);
		FUZZ_CHECK(c.len >= 1 && c.len <= 4 && c.len <= len - i);
		if (c.cp < 0) {
			FUZZ_CHECK(c.cp == -1 && c.len == 1 && c.odd);
		} else {
			FUZZ_CHECK(c.cp <= 0x10ffff && (c.cp < 0xd800 || c.cp > 0xdfff));
			FUZZ_CHECK(fuzz_utf8_put(buf, c.cp) == c.len);
			FUZZ_CHECK(memcmp(buf, s + i, c.len) == 0);
		}
		if (c.cp >= 0 && (c.cp < 0x20 || (c.cp >= 0x7f && c.cp <= 0xa0) || c.cp == 0xfffd))
			FUZZ_CHECK(c.odd);
		if (c.cp == ' ')
			FUZZ_CHECK(c.odd == (i <= lead || len - 1 - i <= trail));
		if (i == next) {
			all_valid = all_valid && c.cp >= 0;
			next += c.len;
		}
	}
	FUZZ_CHECK(next == len);
	if (all_valid)
		FUZZ_CHECK(names_check_encoding(s, len) == ERR_OK);
}

/* Whether no character of s[0..len) is odd. */
static bool fuzz_none_odd(const char *s, size_t len)
{
	struct names_char c;
	size_t i;

	for (i = 0; i < len; i += c.len) {
		names_char_at(s, len, i, &c);
		if (c.odd)
			return false;
	}
	return true;
}

/* Whether every '~' in s[0..len) is followed by two hex digits. */
static bool fuzz_tildes_well_formed(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '~' && (i + 2 >= len || !isxdigit((unsigned char)s[i + 1]) ||
				    !isxdigit((unsigned char)s[i + 2])))
			return false;
		if (s[i] == '~')
			i += 2;
	}
	return true;
}

/* Encode the input opaquely and check the output: every byte at least 0x20
 * and not 0x7f, no odd character (so no C1 control, no byte that is not
 * UTF-8), every '~' followed by two uppercase hex digits, within
 * NAMES_OPAQUE_SIZE; decoding gives the input back; buffers of exactly the
 * needed size work and one byte less is refused. Also decode the raw input
 * and check the answer against a plain reading of the rule. */
static void fuzz_opaque(const char *s, size_t len)
{
	char *out = malloc(NAMES_OPAQUE_SIZE(len)), *dec = malloc(len + 1);
	size_t n, i, dlen = 1;
	err_t e;

	FUZZ_CHECK(out != NULL && dec != NULL);
	FUZZ_CHECK(names_opaque_encode(s, len, out, NAMES_OPAQUE_SIZE(len)) == ERR_OK);
	n = strlen(out);
	FUZZ_CHECK(n >= len && n < NAMES_OPAQUE_SIZE(len));
	for (i = 0; i < n; i++) {
		FUZZ_CHECK((unsigned char)out[i] >= 0x20 && out[i] != 0x7f);
		if (out[i] == '~')
			FUZZ_CHECK(i + 2 < n && fuzz_hex(out[i + 1]) >= 0 && fuzz_hex(out[i + 2]) >= 0);
	}
	FUZZ_CHECK(fuzz_none_odd(out, n));
	FUZZ_CHECK(names_opaque_encode(s, len, dec, 0) == ERR_PATH_TOO_LONG);
	FUZZ_CHECK(names_opaque_decode(out, n, dec, len + 1, &dlen) == ERR_OK);
	FUZZ_CHECK(dlen == len && memcmp(dec, s, len) == 0 && dec[len] == '\0');
	if (len > 0) {
		FUZZ_CHECK(names_opaque_decode(out, n, dec, len, &dlen) == ERR_PATH_TOO_LONG);
		FUZZ_CHECK(dlen == 0 && dec[0] == '\0');
	}
	FUZZ_CHECK(names_opaque_encode(s, len, out, n + 1) == ERR_OK && strlen(out) == n);
	FUZZ_CHECK(names_opaque_encode(s, len, out, n) == ERR_PATH_TOO_LONG && out[0] == '\0');

	e = names_opaque_decode(s, len, dec, len + 1, &dlen);
	FUZZ_CHECK((e == ERR_OK) == fuzz_tildes_well_formed(s, len));
	FUZZ_CHECK(e == ERR_OK || (e == ERR_HTTP_MALFORMED && dlen == 0 && dec[0] == '\0'));
	FUZZ_CHECK(e != ERR_OK || (dlen <= len && dec[dlen] == '\0'));
	free(dec);
	free(out);
}

/* Read one escape of names_visible_text at v[*i] (just past the '\\') into
 * out; returns the bytes it stands for, checking its form: \\ \n \r \t,
 * \xHH, or \u{...} with 4 to 6 uppercase hex digits and no needless 0. */
static size_t fuzz_visible_escape(const char *v, size_t *i, char *out, long *cp)
{
	static const char from[] = "\\nrt", to[] = "\\\n\r\t";
	const char *p = v[*i] != '\0' ? strchr(from, v[*i]) : NULL;
	size_t start, k;
	long x = 0;

	*cp = -2;
	if (p != NULL) {
		out[0] = to[p - from];
		(*i)++;
		return 1;
	}
	if (v[*i] == 'x') {
		FUZZ_CHECK(fuzz_hex(v[*i + 1]) >= 0 && fuzz_hex(v[*i + 2]) >= 0);
		out[0] = (char)(fuzz_hex(v[*i + 1]) << 4 | fuzz_hex(v[*i + 2]));
		*i += 3;
		*cp = -1;
		return 1;
	}
	FUZZ_CHECK(v[*i] == 'u' && v[*i + 1] == '{');
	start = *i += 2;
	for (; fuzz_hex(v[*i]) >= 0; (*i)++) {
		FUZZ_CHECK(*i - start < 6);
		x = x << 4 | fuzz_hex(v[*i]);
	}
	k = *i - start;
	FUZZ_CHECK(v[*i] == '}' && k >= 4 && k <= 6 && (k == 4 || v[start] != '0'));
	FUZZ_CHECK(x <= 0x10ffff && (x < 0xd800 || x > 0xdfff));
	(*i)++;
	*cp = x;
	return fuzz_utf8_put(out, x);
}

/* Read back a names_visible_text result v into out (room for strlen(v)
 * bytes), checking each escape's form and, when check, the character of
 * the original s it stands for ("\x" only for a byte that is not UTF-8,
 * "\u" only for an odd character); returns the length read back, which is
 * never past len. */
static size_t fuzz_visible_read(const char *v, const char *s, size_t len, char *out, bool check)
{
	size_t i = 0, o = 0, n;
	struct names_char c;
	long cp;

	while (v[i] != '\0') {
		if (v[i] != '\\') {
			out[o++] = v[i++];
			continue;
		}
		i++;
		n = fuzz_visible_escape(v, &i, out + o, &cp);
		FUZZ_CHECK(o + n <= len);
		if (check && cp != -2) {
			names_char_at(s, len, o, &c);
			FUZZ_CHECK(cp == -1 ? c.cp == -1 : c.odd && c.cp == cp);
		}
		o += n;
	}
	return o;
}

/* Render the input visibly: the result (within NAMES_VISIBLE_SIZE) has no
 * odd character, and reads back to the input; a buffer of exactly its size
 * works; smaller buffers give ERR_PATH_TOO_LONG and a prefix of it that
 * reads back to a prefix of the input ending on a character boundary. */
static void fuzz_visible(const char *s, size_t len)
{
	size_t cap = NAMES_VISIBLE_SIZE(len), n, m, sizes[3], k;
	char *out = malloc(cap), *back = malloc(cap), *small;

	FUZZ_CHECK(out != NULL && back != NULL);
	FUZZ_CHECK(names_visible_text(s, len, out, cap) == ERR_OK);
	n = strlen(out);
	FUZZ_CHECK(n >= len && n < cap);
	FUZZ_CHECK(fuzz_none_odd(out, n));
	FUZZ_CHECK(fuzz_visible_read(out, s, len, back, true) == len);
	FUZZ_CHECK(memcmp(back, s, len) == 0);
	small = malloc(n + 1);
	FUZZ_CHECK(small != NULL);
	FUZZ_CHECK(names_visible_text(s, len, small, n + 1) == ERR_OK);
	FUZZ_CHECK(strcmp(small, out) == 0);
	sizes[0] = n;
	sizes[1] = n / 2 + 1;
	sizes[2] = 1;
	for (k = 0; k < 3 && n > 0; k++) {
		FUZZ_CHECK(names_visible_text(s, len, small, sizes[k]) == ERR_PATH_TOO_LONG);
		m = strlen(small);
		FUZZ_CHECK(m < sizes[k] && strncmp(small, out, m) == 0);
		m = fuzz_visible_read(small, s, len, back, false);
		FUZZ_CHECK(memcmp(back, s, m) == 0);
		if (m < len) {
			struct names_char c;
			size_t i = 0;

			while (i < m) {
				names_char_at(s, len, i, &c);
				i += c.len;
			}
			FUZZ_CHECK(i == m);
		}
	}
	free(small);
	free(back);
	free(out);
}

/* names_check_new_name: what names_check_link_name refuses, with its error,
 * and otherwise ERR_NAME_INVISIBLE exactly when a character is odd. A name
 * it accepts needs no escape except for '~' and '\\'. */
static void fuzz_new_name(const char *s, size_t len)
{
	err_t link = names_check_link_name(s, len), e = names_check_new_name(s, len);
	char *out;

	if (link != ERR_OK) {
		FUZZ_CHECK(e == link);
		return;
	}
	FUZZ_CHECK(e == (fuzz_none_odd(s, len) ? ERR_OK : ERR_NAME_INVISIBLE));
	if (e != ERR_OK || memchr(s, '~', len) != NULL || memchr(s, '\\', len) != NULL)
		return;
	out = malloc(len + 1);
	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(names_opaque_encode(s, len, out, len + 1) == ERR_OK);
	FUZZ_CHECK(memcmp(out, s, len) == 0);
	FUZZ_CHECK(names_visible_text(s, len, out, len + 1) == ERR_OK);
	FUZZ_CHECK(memcmp(out, s, len) == 0);
	free(out);
}

/* Whether the components of the target s[0..len), followed from a
 * directory depth levels below "/", step above "/". */
static bool fuzz_climbs_above_root(const char *s, size_t len, size_t depth)
{
	size_t i = 0;

	if (len > 0 && s[0] == '/')
		depth = 0;
	while (i < len) {
		size_t start = i;

		while (i < len && s[i] != '/')
			i++;
		if (i - start == 2 && s[start] == '.' && s[start + 1] == '.') {
			if (depth == 0)
				return true;
			depth--;
		} else if (!(i - start == 0 || (i - start == 1 && s[start] == '.'))) {
			depth++;
		}
		i++;
	}
	return false;
}

/* Whether s[0..len) has a ".." after a component that is not "", "." or
 * "..", or any ".." in an absolute target: a plain reading of the rule. */
static bool fuzz_late_dotdot(const char *s, size_t len)
{
	bool named = len > 0 && s[0] == '/';
	size_t i = 0;

	while (i < len) {
		size_t start = i, n;

		while (i < len && s[i] != '/')
			i++;
		n = i - start;
		if (n == 2 && s[start] == '.' && s[start + 1] == '.') {
			if (named)
				return true;
		} else if (!(n == 0 || (n == 1 && s[start] == '.'))) {
			named = true;
		}
		i++;
	}
	return false;
}

/* The ".." rule: refused exactly when a ".." is late; the suggestion fits
 * in len + 1 bytes, passes the rule itself and (joined to dir, when the
 * target does not climb above "/") names the same place; a buffer of
 * exactly its size works and one byte less gives "". */
static void fuzz_target_dotdot(const char *dir, size_t depth, const char *s, size_t len)
{
	char *sug = malloc(len + 1), *a = malloc(NAMES_PATH_MAX), *b = malloc(NAMES_PATH_MAX), *copy;
	err_t e = names_check_target_dotdot(s, len, sug, len + 1);
	size_t n;

	FUZZ_CHECK(sug != NULL && a != NULL && b != NULL);
	FUZZ_CHECK(names_check_target_dotdot(s, len, NULL, 0) == e);
	if (len > 0 && memchr(s, '\0', len) != NULL)
		FUZZ_CHECK(e == ERR_NUL);
	else
		FUZZ_CHECK(e == (fuzz_late_dotdot(s, len) ? ERR_TARGET_DOTDOT : ERR_OK));
	if (e != ERR_TARGET_DOTDOT)
		goto out;
	n = strlen(sug);
	FUZZ_CHECK(n >= 1 && n <= len);
	FUZZ_CHECK(names_check_target_dotdot(sug, n, NULL, 0) == ERR_OK);
	if (!fuzz_climbs_above_root(s, len, depth) &&
	    names_join(dir, s, len, a, NAMES_PATH_MAX) == ERR_OK) {
		FUZZ_CHECK(names_join(dir, sug, n, b, NAMES_PATH_MAX) == ERR_OK);
		FUZZ_CHECK(strcmp(a, b) == 0);
	}
	copy = strdup(sug);
	FUZZ_CHECK(copy != NULL);
	FUZZ_CHECK(names_check_target_dotdot(s, len, sug, n + 1) == ERR_TARGET_DOTDOT);
	FUZZ_CHECK(strcmp(sug, copy) == 0);
	free(copy);
	FUZZ_CHECK(names_check_target_dotdot(s, len, sug, n) == ERR_TARGET_DOTDOT);
	FUZZ_CHECK(sug[0] == '\0');
out:
	free(b);
	free(a);
	free(sug);
}

/* Run every names check, the odd-character classifier, the opaque and
 * visible encodings, and the URL encoder, on the input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *rel;

	fuzz_validators(s, size);
	rel = fuzz_normalize_rel(s, size);
	fuzz_join(NAMES_FUZZ_DIR, s, size, rel);
	fuzz_join("/", s, size, rel);
	fuzz_join_relative_dir(s, size);
	free(rel);
	fuzz_url_encode(s, size, 0);
	fuzz_url_encode(s, size, 1);
	fuzz_char_at(s, size);
	fuzz_opaque(s, size);
	fuzz_visible(s, size);
	fuzz_new_name(s, size);
	fuzz_target_dotdot(NAMES_FUZZ_DIR, 2, s, size);
	fuzz_target_dotdot("/", 0, s, size);
	return 0;
}
