/* check_names: table-driven tests of names validation, path arithmetic, the
 * odd-character classifier and the opaque and visible encodings. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "testutil.h"

struct names_case {
	const char *label;
	const char *in;
	size_t len;     /* 0: strlen(in) */
	err_t want;
	const char *out; /* expected output, where there is one */
};

#define L(s) s, sizeof(s) - 1

/* Length of a case's input. */
static size_t case_len(const struct names_case *c)
{
	return c->len ? c->len : strlen(c->in);
}

static const struct names_case link_name_cases[] = {
	{"plain", L("link"), ERR_OK, NULL},
	{"empty", "", 0, ERR_NAME_EMPTY, NULL},
	{"dot", L("."), ERR_NAME_DOT, NULL},
	{"dotdot", L(".."), ERR_NAME_DOT, NULL},
	{"three dots is a name", L("..."), ERR_OK, NULL},
	{"dotfile", L(".htaccess"), ERR_OK, NULL},
	{"slash", L("a/b"), ERR_NAME_SLASH, NULL},
	{"leading slash", L("/etc"), ERR_NAME_SLASH, NULL},
	{"backslash is a character", L("a\\b"), ERR_OK, NULL},
	{"nul inside", L("a\0b"), ERR_NUL, NULL},
	{"newline", L("a\nb"), ERR_NAME_CONTROL, NULL},
	{"carriage return", L("a\rb"), ERR_NAME_CONTROL, NULL},
	{"tab", L("a\tb"), ERR_NAME_CONTROL, NULL},
	{"delete char", L("a\x7f"), ERR_NAME_CONTROL, NULL},
	{"svg payload", L("\"><svg onload=alert(1)>"), ERR_OK, NULL},
	{"utf-8", L("caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x94\x97"), ERR_OK, NULL},
	{"overlong dot", L("\xc0\xae"), ERR_ENCODING, NULL},
	{"overlong slash 3 bytes", L("\xe0\x80\xaf"), ERR_ENCODING, NULL},
	{"surrogate", L("\xed\xa0\x80"), ERR_ENCODING, NULL},
	{"above U+10FFFF", L("\xf4\x90\x80\x80"), ERR_ENCODING, NULL},
	{"latin-1 byte allowed", L("caf\xe9"), ERR_OK, NULL},
	{"fullwidth dots are a name", L("\xef\xbc\x8e\xef\xbc\x8e"), ERR_OK, NULL},
};

START_TEST(test_link_name)
{
	const struct names_case *c = &link_name_cases[_i];

	ck_assert_msg(names_check_link_name(c->in, case_len(c)) == c->want,
		      "case '%s': got %s, want %s", c->label,
		      err_code(names_check_link_name(c->in, case_len(c))), err_code(c->want));
}
END_TEST

START_TEST(test_link_name_length)
{
	char name[300];

	memset(name, 'a', sizeof name);
	ck_assert_int_eq(names_check_link_name(name, 255), ERR_OK);
	ck_assert_int_eq(names_check_link_name(name, 256), ERR_NAME_TOO_LONG);
	/* 255 bytes, not characters: 127 two-byte characters and one byte. */
	for (int i = 0; i < 254; i += 2) {
		name[i] = '\xc3';
		name[i + 1] = '\xa9';
	}
	name[254] = 'x';
	ck_assert_int_eq(names_check_link_name(name, 255), ERR_OK);
	name[255] = 'y';
	ck_assert_int_eq(names_check_link_name(name, 256), ERR_NAME_TOO_LONG);
}
END_TEST

START_TEST(test_entry_name_allows_control)
{
	ck_assert_int_eq(names_check_entry_name(L("a\nb")), ERR_OK);
	ck_assert_int_eq(names_check_entry_name(L("a/b")), ERR_NAME_SLASH);
	ck_assert_int_eq(names_check_entry_name(L("..")), ERR_NAME_DOT);
	ck_assert_int_eq(names_check_entry_name(L("a\0")), ERR_NUL);
	ck_assert_int_eq(names_check_entry_name("", 0), ERR_NAME_EMPTY);
	/* names on disk may hold bytes that are not UTF-8 */
	ck_assert_int_eq(names_check_entry_name(L("a\xff")), ERR_OK);
	ck_assert_int_eq(names_check_entry_name(L("\xc0\xae")), ERR_OK);
	ck_assert_int_eq(names_check_entry_name(L("\xed\xa0\x80")), ERR_OK);
	ck_assert_int_eq(names_check_link_name(L("a\xff")), ERR_ENCODING);
	{
		char out[16];

		ck_assert_int_eq(names_normalize_rel(L("d\xff/x"), out, sizeof out), ERR_ENCODING);
		ck_assert_int_eq(names_normalize_rel_bytes(L("d\xff//x/"), out, sizeof out), ERR_OK);
		ck_assert_str_eq(out, "d\xff/x");
	}
}
END_TEST

static const struct names_case target_cases[] = {
	{"relative", L("public_html/index.html"), ERR_OK, NULL},
	{"absolute", L("/etc/shadow"), ERR_OK, NULL}, /* syntax only; fs_ checks where */
	{"dotdot", L("../../.."), ERR_OK, NULL},
	{"spaces", L("my file"), ERR_OK, NULL},
	{"empty", "", 0, ERR_TARGET_EMPTY, NULL},
	{"nul", L("a\0b"), ERR_NUL, NULL},
	{"newline", L("a\nb"), ERR_TARGET_CONTROL, NULL},
	{"overlong", L("\xc0\xae\xc0\xae/x"), ERR_ENCODING, NULL},
};

START_TEST(test_target)
{
	const struct names_case *c = &target_cases[_i];

	ck_assert_msg(names_check_target(c->in, case_len(c)) == c->want,
		      "case '%s': got %s, want %s", c->label,
		      err_code(names_check_target(c->in, case_len(c))), err_code(c->want));
}
END_TEST

START_TEST(test_target_length)
{
	char *t = malloc(5000);

	memset(t, 'a', 5000);
	ck_assert_int_eq(names_check_target(t, 4095), ERR_OK);
	ck_assert_int_eq(names_check_target(t, 4096), ERR_TARGET_TOO_LONG);
	ck_assert_int_eq(names_check_target(t, 5000), ERR_TARGET_TOO_LONG);
	free(t);
}
END_TEST

static const struct names_case rel_cases[] = {
	{"root", L(""), ERR_OK, ""},
	{"slash is root", L("/"), ERR_OK, ""},
	{"dot is root", L("."), ERR_OK, ""},
	{"simple", L("a/b"), ERR_OK, "a/b"},
	{"collapse", L("//a///b//"), ERR_OK, "a/b"},
	{"dots dropped", L("./a/./b/."), ERR_OK, "a/b"},
	{"absolute taken as relative", L("/etc/passwd"), ERR_OK, "etc/passwd"},
	{"double slash absolute", L("//etc/passwd"), ERR_OK, "etc/passwd"},
	{"dotdot", L("../../etc/passwd"), ERR_PATH_INVALID, NULL},
	{"dotdot inside", L("foo/../../"), ERR_PATH_INVALID, NULL},
	{"dotdot even when it stays", L("a/b/../c"), ERR_PATH_INVALID, NULL},
	{"four dots are a name", L("....//....//"), ERR_OK, "..../...."},
	{"encoded stays literal", L("..%2f..%2f"), ERR_OK, "..%2f..%2f"},
	{"dot percent", L(".%2e/x"), ERR_OK, ".%2e/x"},
	{"backslash literal", L("..\\..\\etc"), ERR_OK, "..\\..\\etc"},
	{"fullwidth dots literal", L("\xef\xbc\x8e\xef\xbc\x8e/x"), ERR_OK, "\xef\xbc\x8e\xef\xbc\x8e/x"},
	{"nul", L("a\0/etc"), ERR_NUL, NULL},
	{"overlong dot", L("\xc0\xae\xc0\xae/etc"), ERR_ENCODING, NULL},
	{"elfinder", L("//..//etc"), ERR_PATH_INVALID, NULL},
};

START_TEST(test_normalize_rel)
{
	const struct names_case *c = &rel_cases[_i];
	char out[NAMES_PATH_MAX];
	err_t e = names_normalize_rel(c->in, case_len(c), out, sizeof out);

	ck_assert_msg(e == c->want, "case '%s': got %s, want %s", c->label, err_code(e),
		      err_code(c->want));
	if (c->out != NULL)
		ck_assert_msg(strcmp(out, c->out) == 0, "case '%s': got '%s', want '%s'",
			      c->label, out, c->out);
}
END_TEST

START_TEST(test_normalize_rel_limits)
{
	size_t n = 100000;
	char *in = malloc(n + 1);
	char out[NAMES_PATH_MAX];

	/* thousands of components */
	for (size_t i = 0; i < n; i += 2) {
		in[i] = 'a';
		in[i + 1] = '/';
	}
	ck_assert_int_eq(names_normalize_rel(in, n, out, sizeof out), ERR_PATH_TOO_LONG);
	/* exactly at the limit */
	memset(in, 'a', n);
	for (size_t i = 255; i < n; i += 256)
		in[i] = '/';
	ck_assert_int_eq(names_normalize_rel(in, NAMES_PATH_MAX - 1, out, sizeof out), ERR_OK);
	ck_assert_int_eq(names_normalize_rel(in, NAMES_PATH_MAX, out, sizeof out), ERR_PATH_TOO_LONG);
	/* one component of 256 bytes */
	memset(in, 'b', 256);
	ck_assert_int_eq(names_normalize_rel(in, 256, out, sizeof out), ERR_PATH_TOO_LONG);
	ck_assert_int_eq(names_normalize_rel(in, 255, out, sizeof out), ERR_OK);
	/* too small an output buffer */
	ck_assert_int_eq(names_normalize_rel("abc", 3, out, 3), ERR_PATH_TOO_LONG);
	free(in);
}
END_TEST

static const struct names_case abs_cases[] = {
	{"root", L("/"), ERR_OK, "/"},
	{"double", L("//a//b//"), ERR_OK, "/a/b"},
	{"dot", L("/a/./b/."), ERR_OK, "/a/b"},
	{"dotdot", L("/a/b/../c"), ERR_OK, "/a/c"},
	{"above root", L("/../../etc"), ERR_OK, "/etc"},
	{"to root", L("/a/.."), ERR_OK, "/"},
	{"many", L("/a/b/c/../../../.."), ERR_OK, "/"},
	{"relative refused", L("a/b"), ERR_PATH_INVALID, NULL},
};

START_TEST(test_normalize_abs)
{
	const struct names_case *c = &abs_cases[_i];
	char buf[256];
	err_t e;

	strcpy(buf, c->in);
	e = names_normalize_abs(buf);
	ck_assert_msg(e == c->want, "case '%s': got %s", c->label, err_code(e));
	if (c->out != NULL)
		ck_assert_msg(strcmp(buf, c->out) == 0, "case '%s': got '%s', want '%s'",
			      c->label, buf, c->out);
}
END_TEST

struct join_case {
	const char *dir, *target, *out;
};

static const struct join_case join_cases[] = {
	{"/home/u", "x", "/home/u/x"},
	{"/home/u", "../v/x", "/home/v/x"},
	{"/home/u", "../../../../etc", "/etc"},
	{"/home/u", "/etc/passwd", "/etc/passwd"},
	{"/home/u/a", "./b/", "/home/u/a/b"},
	{"/", "..", "/"},
	{"/home/u", "/proc/self/root", "/proc/self/root"},
};

START_TEST(test_join)
{
	const struct join_case *c = &join_cases[_i];
	char out[NAMES_PATH_MAX];

	ck_assert_int_eq(names_join(c->dir, c->target, strlen(c->target), out, sizeof out), ERR_OK);
	ck_assert_msg(strcmp(out, c->out) == 0, "join %s + %s: got %s, want %s", c->dir,
		      c->target, out, c->out);
}
END_TEST

START_TEST(test_join_refusals)
{
	char out[16];

	ck_assert_int_eq(names_join("/a", L("b\0c"), out, sizeof out), ERR_NUL);
	ck_assert_int_eq(names_join("/a", L("bbbbbbbbbbbbbbbbbbbbbbbb"), out, sizeof out),
			 ERR_PATH_TOO_LONG);
	ck_assert_int_eq(names_join("rel", L("b"), out, sizeof out), ERR_PATH_INVALID);
}
END_TEST

struct below_case {
	const char *root, *abs;
	bool below;
	const char *rel;
};

static const struct below_case below_cases[] = {
	{"/home/a", "/home/a", true, ""},
	{"/home/a", "/home/a/x/y", true, "x/y"},
	{"/home/a", "/home/ab", false, NULL},
	{"/home/a", "/home", false, NULL},
	{"/home/a", "/etc", false, NULL},
	{"/", "/etc", true, "etc"},
};

START_TEST(test_below)
{
	const struct below_case *c = &below_cases[_i];
	const char *rel = NULL;

	ck_assert_msg(names_below(c->root, c->abs, &rel) == c->below, "%s under %s", c->abs,
		      c->root);
	if (c->below)
		ck_assert_str_eq(rel, c->rel);
}
END_TEST

START_TEST(test_rel_child_and_split)
{
	char out[64];
	const char *last;

	ck_assert_int_eq(names_rel_child("", "x", out, sizeof out), ERR_OK);
	ck_assert_str_eq(out, "x");
	ck_assert_int_eq(names_rel_child("a/b", "x", out, sizeof out), ERR_OK);
	ck_assert_str_eq(out, "a/b/x");
	ck_assert_int_eq(names_rel_child("a", "x", out, 3), ERR_PATH_TOO_LONG);
	ck_assert_int_eq(names_rel_split("a/b/c", out, sizeof out, &last), ERR_OK);
	ck_assert_str_eq(out, "a/b");
	ck_assert_str_eq(last, "c");
	ck_assert_int_eq(names_rel_split("c", out, sizeof out, &last), ERR_OK);
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(last, "c");
	ck_assert_int_eq(names_rel_split("", out, sizeof out, &last), ERR_IS_ROOT);
}
END_TEST

/* names_char_at: one row per character read; want_cp -1 is a byte that is
 * not UTF-8. */
struct char_case {
	const char *label;
	const char *in;
	size_t len; /* 0: strlen(in) */
	size_t i;
	size_t want_len;
	long want_cp;
	bool want_odd;
};

static const struct char_case char_cases[] = {
	{"ascii letter", L("a"), 0, 1, 'a', false},
	{"tilde", L("~"), 0, 1, '~', false},
	{"backslash", L("\\"), 0, 1, '\\', false},
	{"inner space", L("a b"), 1, 1, ' ', false},
	{"inner space of two", L("a  b"), 1, 1, ' ', false},
	{"leading space", L(" a"), 0, 1, ' ', true},
	{"second leading space", L("  a"), 1, 1, ' ', true},
	{"trailing space", L("report "), 6, 1, ' ', true},
	{"first trailing space", L("a  "), 1, 1, ' ', true},
	{"lone space", L(" "), 0, 1, ' ', true},
	{"space among spaces", L("   "), 1, 1, ' ', true},
	{"nul", L("\0"), 0, 1, 0, true},
	{"tab", L("\t"), 0, 1, '\t', true},
	{"newline", L("a\n"), 1, 1, '\n', true},
	{"unit separator", L("\x1f"), 0, 1, 0x1f, true},
	{"DEL", L("\x7f"), 0, 1, 0x7f, true},
	{"e acute", L("\xc3\xa9"), 0, 2, 0xe9, false},
	{"C1 NEL", L("\xc2\x85"), 0, 2, 0x85, true},
	{"C1 CSI", L("\xc2\x9b"), 0, 2, 0x9b, true},
	{"no-break space", L("\xc2\xa0"), 0, 2, 0xa0, true},
	{"inverted exclamation", L("\xc2\xa1"), 0, 2, 0xa1, false},
	{"soft hyphen", L("\xc2\xad"), 0, 2, 0xad, true},
	{"combining grapheme joiner", L("\xcd\x8f"), 0, 2, 0x34f, true},
	{"arabic letter mark", L("\xd8\x9c"), 0, 2, 0x61c, true},
	{"ZWSP", L("\xe2\x80\x8b"), 0, 3, 0x200b, true},
	{"ZWJ", L("\xe2\x80\x8d"), 0, 3, 0x200d, true},
	{"RLM", L("\xe2\x80\x8f"), 0, 3, 0x200f, true},
	{"hyphen after RLM", L("\xe2\x80\x90"), 0, 3, 0x2010, false},
	{"RLO", L("\xe2\x80\xae"), 0, 3, 0x202e, true},
	{"narrow no-break space", L("\xe2\x80\xaf"), 0, 3, 0x202f, true},
	{"word joiner", L("\xe2\x81\xa0"), 0, 3, 0x2060, true},
	{"arrow", L("\xe2\x86\x92"), 0, 3, 0x2192, false},
	{"ideographic space", L("\xe3\x80\x80"), 0, 3, 0x3000, true},
	{"hangul filler", L("\xe3\x85\xa4"), 0, 3, 0x3164, true},
	{"last before surrogates", L("\xed\x9f\xbf"), 0, 3, 0xd7ff, false},
	{"first private use", L("\xee\x80\x80"), 0, 3, 0xe000, false},
	{"noncharacter FDD0", L("\xef\xb7\x90"), 0, 3, 0xfdd0, true},
	{"variation selector 16", L("\xef\xb8\x8f"), 0, 3, 0xfe0f, true},
	{"byte order mark", L("\xef\xbb\xbf"), 0, 3, 0xfeff, true},
	{"fullwidth full stop", L("\xef\xbc\x8e"), 0, 3, 0xff0e, false},
	{"halfwidth hangul filler", L("\xef\xbe\xa0"), 0, 3, 0xffa0, true},
	{"replacement character", L("\xef\xbf\xbd"), 0, 3, 0xfffd, true},
	{"noncharacter FFFF", L("\xef\xbf\xbf"), 0, 3, 0xffff, true},
	{"first 4-byte", L("\xf0\x90\x80\x80"), 0, 4, 0x10000, false},
	{"link emoji", L("\xf0\x9f\x94\x97"), 0, 4, 0x1f517, false},
	{"shorthand format control", L("\xf0\x9b\xb2\xa0"), 0, 4, 0x1bca0, true},
	{"musical format control", L("\xf0\x9d\x85\xb3"), 0, 4, 0x1d173, true},
	{"tag space", L("\xf3\xa0\x80\xa0"), 0, 4, 0xe0020, true},
	{"supplementary variation selector", L("\xf3\xa0\x84\x80"), 0, 4, 0xe0100, true},
	{"private use U+10FFFD", L("\xf4\x8f\xbf\xbd"), 0, 4, 0x10fffd, false},
	{"last code point", L("\xf4\x8f\xbf\xbf"), 0, 4, 0x10ffff, true},
	{"latin-1 byte", L("caf\xe9"), 3, 1, -1, true},
	{"stray continuation", L("\x80"), 0, 1, -1, true},
	{"read at a continuation byte", L("\xc3\xa9"), 1, 1, -1, true},
	{"lead then ascii", L("\xc3" "a"), 0, 1, -1, true},
	{"truncated 3-byte", L("\xe2\x82"), 0, 1, -1, true},
	{"truncated 3-byte, then", L("\xe2\x82" "a"), 1, 1, -1, true},
	{"ascii after a truncated one", L("\xe2\x82" "a"), 2, 1, 'a', false},
	{"cut by len", "\xc3\xa9", 1, 0, 1, -1, true},
	{"overlong C0 AE", L("\xc0\xae"), 0, 1, -1, true},
	{"overlong C0 AE, second byte", L("\xc0\xae"), 1, 1, -1, true},
	{"overlong C1", L("\xc1\xbf"), 0, 1, -1, true},
	{"overlong 3-byte slash", L("\xe0\x80\xaf"), 0, 1, -1, true},
	{"overlong 4-byte", L("\xf0\x80\x80\x80"), 0, 1, -1, true},
	{"CESU surrogate", L("\xed\xa0\x80"), 0, 1, -1, true},
	{"low surrogate", L("\xed\xbf\xbf"), 0, 1, -1, true},
	{"above U+10FFFF", L("\xf4\x90\x80\x80"), 0, 1, -1, true},
	{"F5 lead", L("\xf5\x80\x80\x80"), 0, 1, -1, true},
	{"FF byte", L("\xff"), 0, 1, -1, true},
	{"4-byte with bad last byte", L("\xf0\x9f\x94" "a"), 0, 1, -1, true},
};

START_TEST(test_char_at)
{
	const struct char_case *c = &char_cases[_i];
	size_t len = c->len ? c->len : strlen(c->in);
	struct names_char ch = {0, -2, false};

	names_char_at(c->in, len, c->i, &ch);
	ck_assert_msg(ch.len == c->want_len && ch.cp == c->want_cp && ch.odd == c->want_odd,
		      "case '%s': got len %zu cp %ld odd %d, want len %zu cp %ld odd %d", c->label,
		      ch.len, ch.cp, ch.odd, c->want_len, c->want_cp, c->want_odd);
}
END_TEST

/* The odd ranges as the brief lists them; the test reads the neighbours of
 * each range, so this list must be complete. */
struct range_case {
	const char *label;
	long lo, hi;
};

#define NONCHAR(p) {"noncharacters of plane " #p, (p) * 0x10000L + 0xfffe, (p) * 0x10000L + 0xffff}

static const struct range_case range_cases[] = {
	{"C0 controls", 0x0000, 0x001f},
	{"DEL", 0x007f, 0x007f},
	{"C1 controls", 0x0080, 0x009f},
	{"no-break space", 0x00a0, 0x00a0},
	{"soft hyphen", 0x00ad, 0x00ad},
	{"combining grapheme joiner", 0x034f, 0x034f},
	{"arabic letter mark", 0x061c, 0x061c},
	{"hangul fillers", 0x115f, 0x1160},
	{"khmer inherent vowels", 0x17b4, 0x17b5},
	{"mongolian selectors", 0x180b, 0x180f},
	{"special spaces and marks", 0x2000, 0x200f},
	{"separators and overrides", 0x2028, 0x202f},
	{"word joiner and isolates", 0x205f, 0x206f},
	{"ideographic space", 0x3000, 0x3000},
	{"hangul filler", 0x3164, 0x3164},
	{"arabic noncharacters", 0xfdd0, 0xfdef},
	{"variation selectors", 0xfe00, 0xfe0f},
	{"byte order mark", 0xfeff, 0xfeff},
	{"halfwidth hangul filler", 0xffa0, 0xffa0},
	{"specials", 0xfff0, 0xfffd},
	{"shorthand format controls", 0x1bca0, 0x1bca3},
	{"musical format controls", 0x1d173, 0x1d17a},
	{"tags and supplementary selectors", 0xe0000, 0xe0fff},
	NONCHAR(0), NONCHAR(1), NONCHAR(2), NONCHAR(3), NONCHAR(4), NONCHAR(5),
	NONCHAR(6), NONCHAR(7), NONCHAR(8), NONCHAR(9), NONCHAR(10), NONCHAR(11),
	NONCHAR(12), NONCHAR(13), NONCHAR(14), NONCHAR(15), NONCHAR(16),
};

/* Whether cp lies in one of range_cases. */
static bool in_range_cases(long cp)
{
	for (size_t k = 0; k < sizeof range_cases / sizeof range_cases[0]; k++) {
		if (cp >= range_cases[k].lo && cp <= range_cases[k].hi)
			return true;
	}
	return false;
}

/* Write cp as UTF-8 to p; returns its length. */
static size_t utf8_put(char *p, long cp)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (char)(0xc0 | cp >> 6);
		p[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (char)(0xe0 | cp >> 12);
		p[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		p[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	p[0] = (char)(0xf0 | cp >> 18);
	p[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	p[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	p[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

START_TEST(test_odd_ranges)
{
	const struct range_case *c = &range_cases[_i];
	long probe[] = {c->lo - 1, c->lo, c->lo + (c->hi - c->lo) / 2, c->hi, c->hi + 1};

	for (size_t k = 0; k < sizeof probe / sizeof probe[0]; k++) {
		long cp = probe[k];
		char buf[8] = "a";
		size_t n;
		struct names_char ch;

		if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			continue;
		/* between letters, so that a space is not at an edge */
		n = 1 + utf8_put(buf + 1, cp);
		buf[n++] = 'b';
		names_char_at(buf, n, 1, &ch);
		ck_assert_msg(ch.cp == cp && ch.len == n - 2, "case '%s': U+%04lX read as %ld",
			      c->label, (unsigned long)cp, ch.cp);
		ck_assert_msg(ch.odd == in_range_cases(cp), "case '%s': U+%04lX odd %d, want %d",
			      c->label, (unsigned long)cp, ch.odd, in_range_cases(cp));
	}
}
END_TEST

static const struct names_case new_name_cases[] = {
	{"plain", L("report.txt"), ERR_OK, NULL},
	{"inner spaces", L("my  report"), ERR_OK, NULL},
	{"utf-8", L("caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x94\x97"), ERR_OK, NULL},
	{"fullwidth dots are a name", L("\xef\xbc\x8e\xef\xbc\x8e"), ERR_OK, NULL},
	{"tilde and backslash", L("~a\\b"), ERR_OK, NULL},
	{"svg payload", L("\"><svg onload=alert(1)>"), ERR_OK, NULL},
	{"three dots", L("..."), ERR_OK, NULL},
	{"empty", "", 0, ERR_NAME_EMPTY, NULL},
	{"dot", L("."), ERR_NAME_DOT, NULL},
	{"dotdot", L(".."), ERR_NAME_DOT, NULL},
	{"slash", L("a/b"), ERR_NAME_SLASH, NULL},
	{"nul", L("a\0b"), ERR_NUL, NULL},
	{"newline is a control first", L("a\nb"), ERR_NAME_CONTROL, NULL},
	{"DEL is a control first", L("a\x7f"), ERR_NAME_CONTROL, NULL},
	{"overlong is encoding first", L("\xc0\xae"), ERR_ENCODING, NULL},
	{"surrogate is encoding first", L("\xed\xa0\x80"), ERR_ENCODING, NULL},
	{"slash before invisible", L("a/\xe2\x80\x8b"), ERR_NAME_SLASH, NULL},
	{"control before invisible", L("\xe2\x80\x8b\t"), ERR_NAME_CONTROL, NULL},
	{"dotdot and ZWSP", L("..\xe2\x80\x8b"), ERR_NAME_INVISIBLE, NULL},
	{"ZWSP", L("a\xe2\x80\x8b" "b"), ERR_NAME_INVISIBLE, NULL},
	{"RLO", L("evil\xe2\x80\xaetxt.exe"), ERR_NAME_INVISIBLE, NULL},
	{"trailing space", L("report "), ERR_NAME_INVISIBLE, NULL},
	{"leading space", L(" report"), ERR_NAME_INVISIBLE, NULL},
	{"only spaces", L("   "), ERR_NAME_INVISIBLE, NULL},
	{"no-break space", L("a\xc2\xa0" "b"), ERR_NAME_INVISIBLE, NULL},
	{"C1 control", L("a\xc2\x85"), ERR_NAME_INVISIBLE, NULL},
	{"byte order mark", L("\xef\xbb\xbf" "a"), ERR_NAME_INVISIBLE, NULL},
	{"replacement character", L("a\xef\xbf\xbd"), ERR_NAME_INVISIBLE, NULL},
	{"tag character", L("a\xf3\xa0\x80\x81"), ERR_NAME_INVISIBLE, NULL},
	{"hangul filler", L("\xe3\x85\xa4"), ERR_NAME_INVISIBLE, NULL},
	{"latin-1 byte", L("caf\xe9"), ERR_NAME_INVISIBLE, NULL},
	{"truncated sequence", L("a\xe2\x82"), ERR_NAME_INVISIBLE, NULL},
};

START_TEST(test_new_name)
{
	const struct names_case *c = &new_name_cases[_i];
	err_t e = names_check_new_name(c->in, case_len(c));

	ck_assert_msg(e == c->want, "case '%s': got %s, want %s", c->label, err_code(e),
		      err_code(c->want));
}
END_TEST

START_TEST(test_new_name_length)
{
	char name[300];

	memset(name, 'a', sizeof name);
	ck_assert_int_eq(names_check_new_name(name, 255), ERR_OK);
	ck_assert_int_eq(names_check_new_name(name, 256), ERR_NAME_TOO_LONG);
	name[0] = ' ';
	ck_assert_int_eq(names_check_new_name(name, 256), ERR_NAME_TOO_LONG);
	ck_assert_int_eq(names_check_new_name(name, 255), ERR_NAME_INVISIBLE);
}
END_TEST

/* One input and its encoded form; decoding the form gives the input. */
static const struct names_case encode_cases[] = {
	{"empty", "", 0, ERR_OK, ""},
	{"path with space", L("Documents/photo 1.jpg"), ERR_OK, "Documents/photo 1.jpg"},
	{"utf-8 stays", L("caf\xc3\xa9/\xf0\x9f\x94\x97"), ERR_OK, "caf\xc3\xa9/\xf0\x9f\x94\x97"},
	{"url characters stay", L("a+b&c=d?e#f%2e"), ERR_OK, "a+b&c=d?e#f%2e"},
	{"tilde", L("a~b"), ERR_OK, "a~7Eb"},
	{"encoded-looking tilde", L("~41"), ERR_OK, "~7E41"},
	{"newline", L("a\nb"), ERR_OK, "a~0Ab"},
	{"crlf", L("\r\n"), ERR_OK, "~0D~0A"},
	{"nul", L("a\0b"), ERR_OK, "a~00b"},
	{"DEL", L("\x7f"), ERR_OK, "~7F"},
	{"C1 control", L("\xc2\x85"), ERR_OK, "~C2~85"},
	{"latin-1 byte", L("caf\xe9"), ERR_OK, "caf~E9"},
	{"overlong", L("\xc0\xae"), ERR_OK, "~C0~AE"},
	{"surrogate bytes", L("\xed\xa0\x80"), ERR_OK, "~ED~A0~80"},
	{"replacement character", L("\xef\xbf\xbd"), ERR_OK, "~EF~BF~BD"},
	{"ZWSP", L("a\xe2\x80\x8b" "b"), ERR_OK, "a~E2~80~8Bb"},
	{"RLO", L("x\xe2\x80\xaey"), ERR_OK, "x~E2~80~AEy"},
	{"trailing space", L("report "), ERR_OK, "report~20"},
	{"leading spaces", L("  x"), ERR_OK, "~20~20x"},
	{"only spaces", L("  "), ERR_OK, "~20~20"},
	{"inner space stays", L("a b"), ERR_OK, "a b"},
};

START_TEST(test_opaque_encode)
{
	const struct names_case *c = &encode_cases[_i];
	size_t len = case_len(c), n;
	char out[128], back[128];
	err_t e = names_opaque_encode(c->in, len, out, sizeof out);

	ck_assert_msg(e == ERR_OK && strcmp(out, c->out) == 0, "case '%s': got %s '%s', want '%s'",
		      c->label, err_code(e), out, c->out);
	e = names_opaque_decode(out, strlen(out), back, sizeof back, &n);
	ck_assert_msg(e == ERR_OK && n == len && memcmp(back, c->in, len) == 0 && back[n] == '\0',
		      "case '%s': decoding gives %s, %zu bytes", c->label, err_code(e), n);
}
END_TEST

struct decode_case {
	const char *label;
	const char *in;
	err_t want;
	const char *out;
	size_t out_len;
};

#define D(s) s, sizeof(s) - 1

static const struct decode_case decode_cases[] = {
	{"empty", "", ERR_OK, D("")},
	{"plain", "a b", ERR_OK, D("a b")},
	{"uppercase hex", "caf~E9", ERR_OK, D("caf\xe9")},
	{"lowercase hex", "caf~e9", ERR_OK, D("caf\xe9")},
	{"mixed case hex", "~eA~Ae", ERR_OK, D("\xea\xae")},
	{"nul byte", "a~00b", ERR_OK, D("a\0b")},
	{"percent stays", "%2e%2e%2f", ERR_OK, D("%2e%2e%2f")},
	{"decoded once", "~7E41", ERR_OK, D("~41")},
	{"percent from tilde stays", "~252e", ERR_OK, D("%2e")},
	{"plus stays", "a+b", ERR_OK, D("a+b")},
	{"raw bytes pass", "a\nb\xe9", ERR_OK, D("a\nb\xe9")},
	{"lone tilde", "~", ERR_HTTP_MALFORMED, D("")},
	{"tilde at the end", "ab~", ERR_HTTP_MALFORMED, D("")},
	{"one digit", "~4", ERR_HTTP_MALFORMED, D("")},
	{"second not hex", "~4G", ERR_HTTP_MALFORMED, D("")},
	{"first not hex", "~G4", ERR_HTTP_MALFORMED, D("")},
	{"tilde space", "~ 41", ERR_HTTP_MALFORMED, D("")},
	{"tilde tilde", "~~41", ERR_HTTP_MALFORMED, D("")},
	{"good then bad", "~41~4", ERR_HTTP_MALFORMED, D("")},
};

START_TEST(test_opaque_decode)
{
	const struct decode_case *c = &decode_cases[_i];
	char out[64];
	size_t n = 99;
	err_t e = names_opaque_decode(c->in, strlen(c->in), out, sizeof out, &n);

	ck_assert_msg(e == c->want, "case '%s': got %s, want %s", c->label, err_code(e),
		      err_code(c->want));
	ck_assert_msg(n == c->out_len && memcmp(out, c->out, n + 1) == 0,
		      "case '%s': got %zu bytes, want %zu", c->label, n, c->out_len);
}
END_TEST

static const struct names_case visible_cases[] = {
	{"empty", "", 0, ERR_OK, ""},
	{"plain", L("report.txt"), ERR_OK, "report.txt"},
	{"inner space", L("a b"), ERR_OK, "a b"},
	{"trailing space", L("report "), ERR_OK, "report\\u{0020}"},
	{"leading space", L(" report"), ERR_OK, "\\u{0020}report"},
	{"newline", L("a\nb"), ERR_OK, "a\\nb"},
	{"carriage return", L("\r"), ERR_OK, "\\r"},
	{"tab", L("\t"), ERR_OK, "\\t"},
	{"backslash", L("a\\b"), ERR_OK, "a\\\\b"},
	{"typed escape stays apart", L("\\u{200B}"), ERR_OK, "\\\\u{200B}"},
	{"nul", L("\0"), ERR_OK, "\\u{0000}"},
	{"terminal escape", L("\x1b[31m"), ERR_OK, "\\u{001B}[31m"},
	{"DEL", L("\x7f"), ERR_OK, "\\u{007F}"},
	{"C1 CSI", L("\xc2\x9b"), ERR_OK, "\\u{009B}"},
	{"ZWSP", L("a\xe2\x80\x8b" "b"), ERR_OK, "a\\u{200B}b"},
	{"RLO", L("evil\xe2\x80\xaetxt.exe"), ERR_OK, "evil\\u{202E}txt.exe"},
	{"byte order mark", L("\xef\xbb\xbf"), ERR_OK, "\\u{FEFF}"},
	{"replacement character", L("\xef\xbf\xbd"), ERR_OK, "\\u{FFFD}"},
	{"latin-1 byte", L("caf\xe9"), ERR_OK, "caf\\xE9"},
	{"overlong", L("\xc0\xae"), ERR_OK, "\\xC0\\xAE"},
	{"surrogate bytes", L("\xed\xa0\x80"), ERR_OK, "\\xED\\xA0\\x80"},
	{"tag", L("\xf3\xa0\x80\x81"), ERR_OK, "\\u{E0001}"},
	{"last code point", L("\xf4\x8f\xbf\xbf"), ERR_OK, "\\u{10FFFF}"},
	{"utf-8 copied", L("caf\xc3\xa9 \xf0\x9f\x94\x97"), ERR_OK, "caf\xc3\xa9 \xf0\x9f\x94\x97"},
	{"markup copied", L("<b>&amp;"), ERR_OK, "<b>&amp;"},
	{"tilde copied", L("~7E"), ERR_OK, "~7E"},
};

START_TEST(test_visible_text)
{
	const struct names_case *c = &visible_cases[_i];
	char out[128];
	err_t e = names_visible_text(c->in, case_len(c), out, sizeof out);

	ck_assert_msg(e == c->want && strcmp(out, c->out) == 0, "case '%s': got %s '%s', want '%s'",
		      c->label, err_code(e), out, c->out);
}
END_TEST

/* A call with a given output size. */
struct size_case {
	const char *label;
	int fn; /* 'e' encode, 'd' decode, 'v' visible */
	const char *in;
	size_t size;
	err_t want;
	const char *out;
};

static const struct size_case size_cases[] = {
	{"encode fits exactly", 'e', "a~b", 6, ERR_OK, "a~7Eb"},
	{"encode one short", 'e', "a~b", 5, ERR_PATH_TOO_LONG, ""},
	{"encode far short", 'e', "a~b", 2, ERR_PATH_TOO_LONG, ""},
	{"encode only the NUL", 'e', "", 1, ERR_OK, ""},
	{"decode fits exactly", 'd', "a~7Eb", 4, ERR_OK, "a~b"},
	{"decode one short", 'd', "a~7Eb", 3, ERR_PATH_TOO_LONG, ""},
	{"decode short before malformed", 'd', "abc~", 2, ERR_PATH_TOO_LONG, ""},
	{"decode malformed before short", 'd', "a~", 2, ERR_HTTP_MALFORMED, ""},
	{"visible fits exactly", 'v', "a\nb", 5, ERR_OK, "a\\nb"},
	{"visible cut after escape", 'v', "a\nb", 4, ERR_PATH_TOO_LONG, "a\\n"},
	{"visible escape not split", 'v', "a\nb", 3, ERR_PATH_TOO_LONG, "a"},
	{"visible only the NUL", 'v', "a\nb", 1, ERR_PATH_TOO_LONG, ""},
	{"visible utf-8 not split", 'v', "\xc3\xa9\xe2\x82\xac", 5, ERR_PATH_TOO_LONG, "\xc3\xa9"},
	{"visible utf-8 fits", 'v', "\xc3\xa9\xe2\x82\xac", 6, ERR_OK, "\xc3\xa9\xe2\x82\xac"},
	{"visible u-escape not split", 'v', "x\xe2\x80\x8b", 9, ERR_PATH_TOO_LONG, "x"},
	{"visible u-escape fits", 'v', "x\xe2\x80\x8b", 10, ERR_OK, "x\\u{200B}"},
};

START_TEST(test_output_sizes)
{
	const struct size_case *c = &size_cases[_i];
	char out[32];
	size_t n = 99;
	err_t e;

	memset(out, 'Z', sizeof out);
	if (c->fn == 'e')
		e = names_opaque_encode(c->in, strlen(c->in), out, c->size);
	else if (c->fn == 'd')
		e = names_opaque_decode(c->in, strlen(c->in), out, c->size, &n);
	else
		e = names_visible_text(c->in, strlen(c->in), out, c->size);
	ck_assert_msg(e == c->want && strcmp(out, c->out) == 0, "case '%s': got %s '%s', want '%s'",
		      c->label, err_code(e), out, c->out);
	ck_assert_msg(out[c->size] == 'Z', "case '%s': wrote past size", c->label);
	if (c->fn == 'd')
		ck_assert_msg(n == (e == ERR_OK ? strlen(c->out) : 0), "case '%s': out_len %zu",
			      c->label, n);
}
END_TEST

START_TEST(test_output_size_zero)
{
	char out[1] = {'Z'};
	size_t n = 99;

	ck_assert_int_eq(names_opaque_encode("", 0, out, 0), ERR_PATH_TOO_LONG);
	ck_assert_int_eq(names_visible_text("", 0, out, 0), ERR_PATH_TOO_LONG);
	ck_assert_int_eq(names_opaque_decode("", 0, out, 0, &n), ERR_PATH_TOO_LONG);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(out[0], 'Z');
	ck_assert_int_eq(names_check_target_dotdot(L("a/.."), out, 0), ERR_TARGET_DOTDOT);
	ck_assert_int_eq(out[0], 'Z');
}
END_TEST

START_TEST(test_size_macros)
{
	size_t n = 300;
	char *in = malloc(n), *out = malloc(NAMES_VISIBLE_SIZE(n));

	/* the worst cases: one escape of 8 bytes, or of 3, per input byte */
	memset(in, '\x01', n);
	ck_assert_int_eq(names_visible_text(in, n, out, NAMES_VISIBLE_SIZE(n)), ERR_OK);
	ck_assert_uint_eq(strlen(out), NAMES_VISIBLE_SIZE(n) - 1);
	memset(in, '\xff', n);
	ck_assert_int_eq(names_opaque_encode(in, n, out, NAMES_OPAQUE_SIZE(n)), ERR_OK);
	ck_assert_uint_eq(strlen(out), NAMES_OPAQUE_SIZE(n) - 1);
	free(in);
	free(out);
}
END_TEST

/* A target and, when it is refused, the suggestion. */
static const struct names_case dotdot_cases[] = {
	{"empty", "", 0, ERR_OK, NULL},
	{"plain", L("docs/a.txt"), ERR_OK, NULL},
	{"dot", L("."), ERR_OK, NULL},
	{"only dotdot", L(".."), ERR_OK, NULL},
	{"leading run", L("../../img/logo.png"), ERR_OK, NULL},
	{"leading run, trailing slash", L("../"), ERR_OK, NULL},
	{"dot before the run", L("./../x"), ERR_OK, NULL},
	{"dot and empty before the run", L(".//../x"), ERR_OK, NULL},
	{"dots inside the run", L("../.././../x"), ERR_OK, NULL},
	{"dotdot-like names", L("..a/b../...x"), ERR_OK, NULL},
	{"absolute without dotdot", L("/etc/x"), ERR_OK, NULL},
	{"encoded dots are a name", L("a/%2e%2e/b"), ERR_OK, NULL},
	{"after a name", L("docs/old/../new"), ERR_TARGET_DOTDOT, "docs/new"},
	{"joins the run", L("../a/../../b"), ERR_TARGET_DOTDOT, "../../b"},
	{"absolute", L("/x/../y"), ERR_TARGET_DOTDOT, "/y"},
	{"back to the directory", L("a/.."), ERR_TARGET_DOTDOT, "."},
	{"back to the directory, slash", L("a/../"), ERR_TARGET_DOTDOT, "./"},
	{"after a dot", L("./a/.."), ERR_TARGET_DOTDOT, "."},
	{"after an empty component", L("a//.."), ERR_TARGET_DOTDOT, "."},
	{"three dots are a name", L(".../../x"), ERR_TARGET_DOTDOT, "x"},
	{"right after the root", L("/../y"), ERR_TARGET_DOTDOT, "/y"},
	{"just the root's parent", L("/.."), ERR_TARGET_DOTDOT, "/"},
	{"absolute up to the root", L("/x/../.."), ERR_TARGET_DOTDOT, "/"},
	{"trailing slash kept", L("docs/old/../new/"), ERR_TARGET_DOTDOT, "docs/new/"},
	{"dots dropped", L("./../a/./b/../c"), ERR_TARGET_DOTDOT, "../a/c"},
	{"climbs past the name", L("a/../../b"), ERR_TARGET_DOTDOT, "../b"},
	{"many", L("a/b/c/../../../../../x"), ERR_TARGET_DOTDOT, "../../x"},
	{"double slashes", L("a//b/..//c"), ERR_TARGET_DOTDOT, "a/c"},
	{"after the run and a name", L("../a/b/../c"), ERR_TARGET_DOTDOT, "../a/c"},
	{"ends in a dot", L("a/../."), ERR_TARGET_DOTDOT, "."},
	{"nul", L("a\0/.."), ERR_NUL, NULL},
	{"nul without dotdot", L("a\0b"), ERR_NUL, NULL},
};

START_TEST(test_target_dotdot)
{
	const struct names_case *c = &dotdot_cases[_i];
	char sug[64] = "untouched", a[NAMES_PATH_MAX], b[NAMES_PATH_MAX];
	err_t e = names_check_target_dotdot(c->in, case_len(c), sug, sizeof sug);

	ck_assert_msg(e == c->want, "case '%s': got %s, want %s", c->label, err_code(e),
		      err_code(c->want));
	ck_assert_msg(names_check_target_dotdot(c->in, case_len(c), NULL, 0) == e,
		      "case '%s': another answer without a suggestion", c->label);
	if (c->out == NULL) {
		ck_assert_msg(strcmp(sug, "untouched") == 0, "case '%s': wrote '%s'", c->label, sug);
		return;
	}
	ck_assert_msg(strcmp(sug, c->out) == 0, "case '%s': suggested '%s', want '%s'", c->label,
		      sug, c->out);
	ck_assert_msg(names_check_target_dotdot(sug, strlen(sug), NULL, 0) == ERR_OK,
		      "case '%s': the suggestion is refused", c->label);
	ck_assert(names_join("/home/u/d/e", c->in, case_len(c), a, sizeof a) == ERR_OK);
	ck_assert(names_join("/home/u/d/e", sug, strlen(sug), b, sizeof b) == ERR_OK);
	ck_assert_msg(strcmp(a, b) == 0, "case '%s': target at %s, suggestion at %s", c->label, a,
		      b);
}
END_TEST

START_TEST(test_target_dotdot_sizes)
{
	char sug[16];

	/* "docs/new" needs 9 bytes */
	ck_assert_int_eq(names_check_target_dotdot(L("docs/old/../new"), sug, 9), ERR_TARGET_DOTDOT);
	ck_assert_str_eq(sug, "docs/new");
	memset(sug, 'Z', sizeof sug);
	ck_assert_int_eq(names_check_target_dotdot(L("docs/old/../new"), sug, 8), ERR_TARGET_DOTDOT);
	ck_assert_str_eq(sug, "");
	ck_assert_int_eq(sug[8], 'Z');
	/* intermediate results longer than the suggestion still fit in len + 1 */
	ck_assert_int_eq(names_check_target_dotdot(L("abcdef/.."), sug, 10), ERR_TARGET_DOTDOT);
	ck_assert_str_eq(sug, ".");
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The names suite. */
static Suite *names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_link_name, 0, N(link_name_cases));
	tcase_add_test(tc, test_link_name_length);
	tcase_add_test(tc, test_entry_name_allows_control);
	tcase_add_loop_test(tc, test_target, 0, N(target_cases));
	tcase_add_test(tc, test_target_length);
	tcase_add_loop_test(tc, test_normalize_rel, 0, N(rel_cases));
	tcase_add_test(tc, test_normalize_rel_limits);
	tcase_add_loop_test(tc, test_normalize_abs, 0, N(abs_cases));
	tcase_add_loop_test(tc, test_join, 0, N(join_cases));
	tcase_add_test(tc, test_join_refusals);
	tcase_add_loop_test(tc, test_below, 0, N(below_cases));
	tcase_add_test(tc, test_rel_child_and_split);
	tcase_add_loop_test(tc, test_char_at, 0, N(char_cases));
	tcase_add_loop_test(tc, test_odd_ranges, 0, N(range_cases));
	tcase_add_loop_test(tc, test_new_name, 0, N(new_name_cases));
	tcase_add_test(tc, test_new_name_length);
	tcase_add_loop_test(tc, test_opaque_encode, 0, N(encode_cases));
	tcase_add_loop_test(tc, test_opaque_decode, 0, N(decode_cases));
	tcase_add_loop_test(tc, test_visible_text, 0, N(visible_cases));
	tcase_add_loop_test(tc, test_output_sizes, 0, N(size_cases));
	tcase_add_test(tc, test_output_size_zero);
	tcase_add_test(tc, test_size_macros);
	tcase_add_loop_test(tc, test_target_dotdot, 0, N(dotdot_cases));
	tcase_add_test(tc, test_target_dotdot_sizes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(names_suite());
}
