/* fuzz_names: libFuzzer harness for names validation, path arithmetic and http_url_encode. */
#include "config.h"

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
		FUZZ_CHECK(enc == ERR_OK);
	}
	/* A link name is an entry name without control characters. */
	FUZZ_CHECK((link == ERR_OK) == (entry == ERR_OK && !control));
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

/* Run every names check, and the URL encoder, on the input. */
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
	return 0;
}
