/* check_page: unit tests for the ctemplate bridge: escaping, sections, includes, the cache, streaming. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out.h"
#include "page.h"
#include "testutil.h"

#define PAGE_T_HEAD "Status: 200 OK\r\n\r\n"

/* The scratch template root of the running test. */
static char *page_t_root;

/* Make a fresh template root for each test and point page_ at it. */
static void page_t_setup(void)
{
	page_t_root = tu_mkdtemp("page");
	ck_assert_int_eq(page_set_root(page_t_root), ERR_OK);
}

/* Remove the test's template root. */
static void page_t_teardown(void)
{
	tu_rm_rf(page_t_root);
	free(page_t_root);
	page_t_root = NULL;
}

/* Write a template file under the root. */
static void page_t_template(const char *name, const char *content)
{
	tu_write_file(tu_fmt("%s/%s", page_t_root, name), content);
}

/* What one expansion produced. */
struct page_t_result {
	err_t err;
	char *raw;          /* everything written, head included (malloc'd) */
	size_t raw_len;
	const char *body;   /* the body within raw */
	size_t body_bytes;  /* as counted by out_ */
	bool head_done;
};

/* Expand file with d into a memory stream. */
static struct page_t_result page_t_expand(const char *file, struct page_dict *d)
{
	struct page_t_result r;
	struct out o;
	FILE *f;

	r.raw = NULL;
	r.raw_len = 0;
	f = open_memstream(&r.raw, &r.raw_len);
	ck_assert_ptr_nonnull(f);
	out_init_file(&o, f);
	r.err = page_expand(file, d, &o);
	ck_assert_int_eq(fclose(f), 0);
	r.body_bytes = o.body_bytes;
	r.head_done = o.head_done;
	ck_assert_uint_ge(r.raw_len, r.body_bytes);
	r.body = r.raw + (r.raw_len - r.body_bytes);
	return r;
}

/* Expand file with d, expecting success and exactly want as the body. */
static void page_t_expect(const char *file, struct page_dict *d, const char *want)
{
	struct page_t_result r = page_t_expand(file, d);

	ck_assert_msg(r.err == ERR_OK, "%s: error %d", file, (int)r.err);
	ck_assert_msg(strncmp(r.raw, PAGE_T_HEAD, strlen(PAGE_T_HEAD)) == 0, "%s: head [%s]", file,
		      r.raw);
	ck_assert_msg(strcmp(r.body, want) == 0, "%s: got\n[%s]\nwanted\n[%s]", file, r.body, want);
	ck_assert_uint_eq(r.body_bytes, strlen(want));
	free(r.raw);
}

/* Expand file with d, expecting ERR_NOT_FOUND and not a byte written. */
static void page_t_expect_not_found(const char *file, struct page_dict *d)
{
	struct page_t_result r = page_t_expand(file, d);

	ck_assert_msg(r.err == ERR_NOT_FOUND, "%s: error %d", file, (int)r.err);
	ck_assert_msg(r.raw_len == 0 && !r.head_done, "%s: wrote [%s]", file, r.raw);
	free(r.raw);
}

/* The root must be a readable directory. */
START_TEST(test_set_root)
{
	char *file = tu_fmt("%s/plain", page_t_root);
	char *locked = tu_fmt("%s/locked", page_t_root);

	tu_write_file(file, "x");
	ck_assert_int_eq(page_set_root(file), ERR_NOT_FOUND);
	ck_assert_int_eq(page_set_root(tu_fmt("%s/missing", page_t_root)), ERR_NOT_FOUND);
	ck_assert_int_eq(page_set_root(""), ERR_NOT_FOUND);
	ck_assert_int_eq(page_set_root(NULL), ERR_NOT_FOUND);
	ck_assert_int_eq(mkdir(locked, 0), 0);
	if (geteuid() != 0)  /* root reads any directory */
		ck_assert_int_eq(page_set_root(locked), ERR_NOT_FOUND);
	ck_assert_int_eq(page_set_root(page_t_root), ERR_OK);
}
END_TEST

/* AUTOESCAPE HTML escapes a value in text and in quoted attributes; a
 * javascript: URL at the start of an href becomes "#"; tab, CR and LF
 * become spaces in text. */
START_TEST(test_autoescape_html)
{
	struct page_dict *d = page_dict_new("escape");

	page_t_template("escape.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
				      "<p>{{X}}</p>\n"
				      "<input value=\"{{X}}\">\n"
				      "<a title='{{X}}' href=\"{{URL}}\">{{WS}}</a>\n");
	page_set(d, "X", "\"><svg onload=alert(1)>'&");
	page_set(d, "URL", "javascript:alert(1)");
	page_set(d, "WS", "a\tb\r\nc");
	page_t_expect("escape.tpl", d,
		      "<p>&quot;&gt;&lt;svg onload=alert(1)&gt;&#39;&amp;</p>\n"
		      "<input value=\"&quot;&gt;&lt;svg onload=alert(1)&gt;&#39;&amp;\">\n"
		      "<a title='&quot;&gt;&lt;svg onload=alert(1)&gt;&#39;&amp;' href=\"#\">a b  c</a>\n");
	page_dict_free(d);
}
END_TEST

/* :u is ctemplate's url_query_escape: space becomes '+', '/' and the
 * unreserved characters stay, everything else (UTF-8 bytes too) is
 * percent-encoded, so '&', '"', '<', '>', '\'' and '#' never appear raw. */
START_TEST(test_url_query_escape)
{
	static const char value[] = "a b&c/d\"<>'#?=+%\xc3\xa9.-_~*()";
	static const char encoded[] = "a+b%26c/d%22%3C%3E%27%23%3F%3D%2B%25%C3%A9.-_~*()";
	struct page_dict *d = page_dict_new("query");

	page_t_template("query.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
				     "<a href=\"/files?path={{P:u}}&amp;root=home\">{{P}}</a>\n");
	page_set(d, "P", value);
	page_t_expect("query.tpl", d,
		      tu_fmt("<a href=\"/files?path=%s&amp;root=home\">"
			     "a b&amp;c/d&quot;&lt;&gt;&#39;#?=+%%\xc3\xa9.-_~*()</a>\n",
			     encoded));
	for (const char *p = encoded; *p != '\0'; p++)
		ck_assert_msg(strchr("&\"<>'# ", *p) == NULL, "raw '%c' in %s", *p, encoded);
	page_dict_free(d);
}
END_TEST

/* A shown section appears once (page_show twice is still once), a hidden
 * one not at all, a repeated one once per added dictionary, each row
 * with its own values falling back on its parent's. */
START_TEST(test_sections)
{
	struct page_dict *d = page_dict_new("sections");
	struct page_dict *row;
	static const char *const names[] = {"a", "<b>", "c"};

	page_t_template("sections.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
					"{{#SHOWN}}\n"
					"shown {{V}}\n"
					"{{/SHOWN}}\n"
					"{{#HIDDEN}}\n"
					"hidden\n"
					"{{/HIDDEN}}\n"
					"<ul>\n"
					"{{#ROW}}\n"
					"<li>{{N}} {{NAME}} {{V}}</li>\n"
					"{{/ROW}}\n"
					"</ul>\n");
	page_set(d, "V", "top");
	page_show(d, "SHOWN");
	page_show(d, "SHOWN");
	for (int i = 0; i < 3; i++) {
		row = page_add_section(d, "ROW");
		ck_assert_ptr_nonnull(row);
		page_set_int(row, "N", i + 1);
		page_set(row, "NAME", names[i]);
		if (i == 1)
			page_set(row, "V", "own");
	}
	page_t_expect("sections.tpl", d,
		      "shown top\n"
		      "<ul>\n"
		      "<li>1 a top</li>\n"
		      "<li>2 &lt;b&gt; own</li>\n"
		      "<li>3 c top</li>\n"
		      "</ul>\n");
	page_dict_free(d);
}
END_TEST

/* Each include dictionary expands its own file with its own values; it
 * does not see its parent's values, only template-global ones. */
START_TEST(test_includes)
{
	struct page_dict *d = page_dict_new("includes");
	struct page_dict *inc;

	page_t_template("inc_main.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
					"<h1>{{TITLE}}</h1>\n"
					"{{>ITEM}}\n"
					"end\n");
	page_t_template("inc_item.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
					"<i>{{NAME}}|{{TITLE}}|{{SITE}}</i>\n"
					"{{#EXTRA}}\n"
					"extra {{NAME}}\n"
					"{{/EXTRA}}\n");
	page_t_template("inc_other.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
					 "<b>{{NAME}}</b>\n");
	page_set(d, "TITLE", "Files");
	page_set_global(d, "SITE", "panel&co");
	inc = page_add_include(d, "ITEM", "inc_item.tpl");
	ck_assert_ptr_nonnull(inc);
	page_set(inc, "NAME", "<one>");
	page_show(inc, "EXTRA");
	inc = page_add_include(d, "ITEM", "inc_other.tpl");
	ck_assert_ptr_nonnull(inc);
	page_set(inc, "NAME", "two");
	page_t_expect("inc_main.tpl", d,
		      "<h1>Files</h1>\n"
		      "<i>&lt;one&gt;||panel&amp;co</i>\n"
		      "extra &lt;one&gt;\n"
		      "<b>two</b>\n"
		      "end\n");
	page_dict_free(d);
}
END_TEST

/* A missing included file fails the expansion (ERR_NOT_FOUND) after the
 * text before it was written, and nothing crashes. */
START_TEST(test_include_missing)
{
	struct page_dict *d = page_dict_new("include-missing");
	struct page_t_result r;

	page_t_template("incm_main.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
					 "before\n"
					 "{{>ITEM}}\n");
	ck_assert_ptr_nonnull(page_add_include(d, "ITEM", "incm_absent.tpl"));
	r = page_t_expand("incm_main.tpl", d);
	ck_assert_int_eq(r.err, ERR_NOT_FOUND);
	ck_assert_str_eq(r.body, "before\n");
	free(r.raw);
	page_dict_free(d);
}
END_TEST

/* A template-global value is seen by the whole tree, sections and includes
 * included, whichever dictionary it was set on; a dictionary's own value
 * of that name wins in it and in its sections. */
START_TEST(test_globals)
{
	struct page_dict *d = page_dict_new("globals");
	struct page_dict *row, *inc;

	page_t_template("glob_main.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
					 "top {{G}} {{H}}\n"
					 "{{#ROW}}\n"
					 "row {{G}}\n"
					 "{{/ROW}}\n"
					 "{{>INC}}\n");
	page_t_template("glob_inc.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
					"inc {{G}} {{H}}\n");
	row = page_add_section(d, "ROW");
	page_set(page_add_section(d, "ROW"), "G", "local");
	inc = page_add_include(d, "INC", "glob_inc.tpl");
	ck_assert_ptr_nonnull(inc);
	page_set_global(row, "G", "<global>");
	page_set_global(inc, "H", "from-include");
	page_t_expect("glob_main.tpl", d,
		      "top &lt;global&gt; from-include\n"
		      "row &lt;global&gt;\n"
		      "row local\n"
		      "inc &lt;global&gt; from-include\n");
	page_dict_free(d);
}
END_TEST

/* A template that is missing, or does not parse, is ERR_NOT_FOUND with
 * nothing written; so the caller can still send an error page. */
START_TEST(test_bad_templates)
{
	struct page_dict *d = page_dict_new("bad");

	page_t_template("bad_open.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n{{#S}}never closed\n");
	page_t_template("bad_name.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n<p>{{NAME</p>\n");
	page_t_template("bad_close.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n{{/S}}\n");
	page_t_template("bad_context.tpl", "{{%AUTOESCAPE context=\"NOPE\"}}\nx\n");
	page_set(d, "NAME", "x");
	page_t_expect_not_found("bad_absent.tpl", d);
	page_t_expect_not_found("bad_dir/absent.tpl", d);
	page_t_expect_not_found("bad_open.tpl", d);
	page_t_expect_not_found("bad_name.tpl", d);
	page_t_expect_not_found("bad_close.tpl", d);
	page_t_expect_not_found("bad_context.tpl", d);
	page_dict_free(d);
}
END_TEST

/* The default cache reads and parses a file once per process: changing
 * or deleting it later changes nothing. A failure is remembered too: a
 * template created after a failed expansion still fails. */
START_TEST(test_parsed_once)
{
	struct page_dict *d = page_dict_new("once");

	page_t_template("once.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\nfirst {{V}}\n");
	page_set(d, "V", "<v>");
	page_t_expect("once.tpl", d, "first &lt;v&gt;\n");
	page_t_template("once.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\nsecond, longer {{V}}\n");
	page_t_expect("once.tpl", d, "first &lt;v&gt;\n");
	ck_assert_int_eq(unlink(tu_fmt("%s/once.tpl", page_t_root)), 0);
	page_t_expect("once.tpl", d, "first &lt;v&gt;\n");

	page_t_expect_not_found("once_late.tpl", d);
	page_t_template("once_late.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\nlate\n");
	page_t_expect_not_found("once_late.tpl", d);
	page_dict_free(d);
}
END_TEST

#define PAGE_T_ROWS 10000

/* 10,000 section rows stream through out_, byte for byte. */
START_TEST(test_large)
{
	struct page_dict *d = page_dict_new("large");
	size_t cap = (size_t)PAGE_T_ROWS * 64 + 64, len = 0;
	char *want = malloc(cap);

	ck_assert_ptr_nonnull(want);
	page_t_template("large.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
				     "<table>\n"
				     "{{#ROW}}\n"
				     "<tr><td>{{I}}</td><td>{{NAME}}</td></tr>\n"
				     "{{/ROW}}\n"
				     "</table>\n");
	len += (size_t)snprintf(want + len, cap - len, "<table>\n");
	for (int i = 0; i < PAGE_T_ROWS; i++) {
		struct page_dict *row = page_add_section(d, "ROW");
		char name[32];

		snprintf(name, sizeof name, "f<%d>", i);
		page_set_int(row, "I", i);
		page_set(row, "NAME", name);
		len += (size_t)snprintf(want + len, cap - len,
					"<tr><td>%d</td><td>f&lt;%d&gt;</td></tr>\n", i, i);
	}
	len += (size_t)snprintf(want + len, cap - len, "</table>\n");
	ck_assert_uint_lt(len, cap);
	page_t_expect("large.tpl", d, want);
	free(want);
	page_dict_free(d);
}
END_TEST

/* page_set_n takes len bytes and stops at a NUL; integers print in full. */
START_TEST(test_values)
{
	struct page_dict *d = page_dict_new("values");

	page_t_template("values.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
				      "[{{A}}][{{B}}][{{C}}][{{MIN}}][{{MAX}}][{{NEG}}][{{UNSET}}]\n");
	page_set_n(d, "A", "abcdef", 3);
	page_set_n(d, "B", "x<\0<script>", 11);
	page_set_n(d, "C", "caf\xc3\xa9", 5);
	page_set_int(d, "MIN", LLONG_MIN);
	page_set_int(d, "MAX", LLONG_MAX);
	page_set_int(d, "NEG", -42);
	page_t_expect("values.tpl", d,
		      "[abc][x&lt;][caf\xc3\xa9][-9223372036854775808][9223372036854775807][-42][]\n");
	page_dict_free(d);
}
END_TEST

/* A HEAD response expands nothing into the body but counts it. */
START_TEST(test_head_only)
{
	struct page_dict *d = page_dict_new("head");
	char *raw = NULL;
	size_t raw_len = 0;
	FILE *f = open_memstream(&raw, &raw_len);
	struct out o;

	ck_assert_ptr_nonnull(f);
	page_t_template("head.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n<p>{{V}}</p>\n");
	page_set(d, "V", "&");
	out_init_file(&o, f);
	o.head_only = true;
	ck_assert_int_eq(page_expand("head.tpl", d, &o), ERR_OK);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(raw, PAGE_T_HEAD);
	ck_assert_uint_eq(o.body_bytes, strlen("<p>&amp;</p>\n"));
	free(raw);
	page_dict_free(d);
}
END_TEST

/* NULL arguments are no-ops returning NULL or ERR_IO. */
START_TEST(test_null_safe)
{
	struct page_dict *d = page_dict_new("null");
	struct out o;

	ck_assert_ptr_null(page_dict_new(NULL));
	page_dict_free(NULL);
	page_set(NULL, "K", "v");
	page_set(d, NULL, "v");
	page_set(d, "K", NULL);
	page_set_n(d, "K", NULL, 3);
	page_set_int(NULL, "K", 1);
	page_set_global(d, NULL, "v");
	page_set_global(NULL, "K", "v");
	page_show(NULL, "S");
	page_show(d, NULL);
	ck_assert_ptr_null(page_add_section(NULL, "S"));
	ck_assert_ptr_null(page_add_section(d, NULL));
	ck_assert_ptr_null(page_add_include(d, NULL, "x.tpl"));
	ck_assert_ptr_null(page_add_include(d, "I", NULL));
	ck_assert_ptr_null(page_add_include(NULL, "I", "x.tpl"));
	out_init_file(&o, NULL);
	ck_assert_int_eq(page_expand(NULL, d, &o), ERR_IO);
	ck_assert_int_eq(page_expand("x.tpl", NULL, &o), ERR_IO);
	ck_assert_int_eq(page_expand("x.tpl", d, NULL), ERR_IO);
	ck_assert(!o.head_done);
	page_t_template("null.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n[{{K}}]\n");
	page_t_expect("null.tpl", d, "[]\n");
	page_dict_free(d);
}
END_TEST

/* The page suite. */
static Suite *page_suite(void)
{
	Suite *s = suite_create("page");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, page_t_setup, page_t_teardown);
	tcase_add_test(tc, test_set_root);
	tcase_add_test(tc, test_autoescape_html);
	tcase_add_test(tc, test_url_query_escape);
	tcase_add_test(tc, test_sections);
	tcase_add_test(tc, test_includes);
	tcase_add_test(tc, test_include_missing);
	tcase_add_test(tc, test_globals);
	tcase_add_test(tc, test_bad_templates);
	tcase_add_test(tc, test_parsed_once);
	tcase_add_test(tc, test_large);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_head_only);
	tcase_add_test(tc, test_null_safe);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the page suite. */
int main(void)
{
	return tu_run_suite(page_suite());
}
