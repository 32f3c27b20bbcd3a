/* check_names: table-driven tests of names validation and path arithmetic. */
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
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(names_suite());
}
