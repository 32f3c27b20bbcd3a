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
#define PAGE_T_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PAGE_T_NUM 24 /* room for a row number as text */

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

/* --- lazy sections --------------------------------------------------------- */

/* One repetition of a lazy section in a test: what its fill does besides
 * setting I to the row's index. */
struct page_t_row {
	const char *name;     /* NAME is name_len bytes of this; NULL: not set */
	size_t name_len;
	const char *show;     /* a section the row shows, or NULL */
	const char *include;  /* the file of the row's include INC, or NULL */
};

/* A row setting NAME from a string literal, every byte of it (so a NUL
 * inside counts too). */
#define PAGE_T_NAMED(s, show, include) {s, sizeof(s) - 1, show, include}

/* What page_t_fill reads, and what it records of its calls. */
struct page_t_lazy {
	const struct page_t_row *rows;
	size_t count;
	size_t filled;      /* calls so far */
	bool out_of_order;  /* a call was not for row `filled`, or past the end */
	char num[PAGE_T_NUM]; /* I of the row being filled: reused, as values are not copied */
};

/* A page_row_fill from a table of rows: I from a buffer the next row
 * overwrites (page_row_set_str), NAME with its explicit length
 * (page_row_set), then the row's section and include. */
static void page_t_fill(void *ctx, size_t i, struct page_row *row)
{
	struct page_t_lazy *l = ctx;
	const struct page_t_row *r;

	if (i != l->filled++ || i >= l->count) {
		l->out_of_order = true;
		return;
	}
	r = &l->rows[i];
	snprintf(l->num, sizeof l->num, "%zu", i);
	page_row_set_str(row, "I", l->num);
	if (r->name != NULL)
		page_row_set(row, "NAME", r->name, r->name_len);
	if (r->show != NULL)
		page_row_show(row, r->show);
	if (r->include != NULL)
		page_row_include(row, "INC", r->include);
}

/* Set what one row of a table sets, on an ordinary dictionary. */
static void page_t_eager_values(struct page_dict *d, const struct page_t_row *r, size_t i)
{
	page_set_int(d, "I", (long long)i);
	if (r->name != NULL)
		page_set_n(d, "NAME", r->name, r->name_len);
	if (r->show != NULL)
		page_show(d, r->show);
}

/* Add the rows of a table to d as ordinary section dictionaries: what a
 * lazy section filled by page_t_fill must expand to. An include gets the
 * row's own values (a lazy row's include is expanded with the row). */
static void page_t_eager(struct page_dict *d, const struct page_t_row *rows, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct page_dict *sec = page_add_section(d, "ROW");

		ck_assert_ptr_nonnull(sec);
		page_t_eager_values(sec, &rows[i], i);
		if (rows[i].include != NULL)
			page_t_eager_values(page_add_include(sec, "INC", rows[i].include),
					    &rows[i], i);
	}
}

/* Fill a new top-level dictionary and return the one that holds ROW
 * (itself, or a dictionary below it). */
typedef struct page_dict *(*page_t_host)(struct page_dict *d);

/* Expand file twice: with ROW a lazy section of rows and with ROW made of
 * ordinary dictionaries, both in the dictionary host returns. The bodies
 * must be byte-identical, and equal to want unless it is NULL; each row
 * must have been filled once, in order. */
static void page_t_lazy_vs_eager(const char *file, page_t_host host,
				 const struct page_t_row *rows, size_t count, const char *want)
{
	struct page_t_lazy l = {.rows = rows, .count = count};
	struct page_dict *lazy = page_dict_new("lazy"), *eager = page_dict_new("eager");
	struct page_t_result a, b;
	size_t at = 0;

	page_add_lazy_section(host(lazy), "ROW", count, page_t_fill, &l);
	page_t_eager(host(eager), rows, count);
	b = page_t_expand(file, eager);
	a = page_t_expand(file, lazy);
	ck_assert_msg(a.err == ERR_OK && b.err == ERR_OK, "%s: errors %d (lazy), %d (eager)", file,
		      (int)a.err, (int)b.err);
	ck_assert_msg(l.filled == count && !l.out_of_order,
		      "%s: %zu rows filled for %zu%s", file, l.filled, count,
		      l.out_of_order ? ", out of order" : "");
	while (at < a.body_bytes && at < b.body_bytes && a.body[at] == b.body[at])
		at++;
	ck_assert_msg(at == a.body_bytes && at == b.body_bytes,
		      "%s: lazy (%zu bytes) and eager (%zu bytes) differ at byte %zu:\n"
		      "lazy  [%.120s]\neager [%.120s]", file, a.body_bytes, b.body_bytes, at,
		      a.body + at, b.body + at);
	if (want != NULL)
		ck_assert_msg(strcmp(a.body, want) == 0, "%s: got\n[%s]\nwanted\n[%s]", file,
			      a.body, want);
	free(a.raw);
	free(b.raw);
	page_dict_free(lazy);
	page_dict_free(eager);
}

/* The host of most tests: the top-level dictionary, with a value and a
 * section every row falls back on and a template-global value. */
static struct page_dict *page_t_host_top(struct page_dict *d)
{
	page_set(d, "NAME", "parent<name>");
	page_set(d, "V", "pv&");
	page_show(d, "TOP");
	page_set_global(d, "G", "g\"");
	return d;
}

/* Rows set their values (I reused between rows, NAME with an explicit
 * length, cut at a NUL, empty, or bytes >= 0x80), fall back on the
 * parent's values and shown sections when they do not set them, and
 * show their own sections, each for themselves only. */
START_TEST(test_lazy_rows)
{
	static const struct page_t_row rows[] = {
		PAGE_T_NAMED("a<b", "MARK", NULL),
		{NULL, 0, NULL, NULL},
		{"abcdef", 3, NULL, NULL},
		PAGE_T_NAMED("x\0<y>", "MARK", NULL),
		PAGE_T_NAMED("caf\xc3\xa9 \xff", NULL, NULL),
		PAGE_T_NAMED("", "NEVER_ELSE", NULL),
	};

	page_t_template("lz_rows.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
				       "<ul>\n"
				       "{{#ROW}}\n"
				       "<li>{{I}} [{{NAME}}] {{V}} {{G}}{{#MARK}} mark{{/MARK}}"
				       "{{#TOP}} top{{/TOP}}{{#NEVER}} never{{/NEVER}}"
				       "{{#NEVER_ELSE}} own{{/NEVER_ELSE}}</li>\n"
				       "{{/ROW}}\n"
				       "</ul>\n"
				       "{{#MARK}}page mark{{/MARK}}\n"
				       "[{{I}}][{{NAME}}]\n");
	page_t_lazy_vs_eager("lz_rows.tpl", page_t_host_top, rows, PAGE_T_LEN(rows),
			     "<ul>\n"
			     "<li>0 [a&lt;b] pv&amp; g&quot; mark top</li>\n"
			     "<li>1 [parent&lt;name&gt;] pv&amp; g&quot; top</li>\n"
			     "<li>2 [abc] pv&amp; g&quot; top</li>\n"
			     "<li>3 [x] pv&amp; g&quot; mark top</li>\n"
			     "<li>4 [caf\xc3\xa9 \xff] pv&amp; g&quot; top</li>\n"
			     "<li>5 [] pv&amp; g&quot; top own</li>\n"
			     "</ul>\n"
			     "\n"
			     "[][parent&lt;name&gt;]\n");
}
END_TEST

/* AUTOESCAPE applies to a row's values as to any: an XSS payload is
 * escaped in text and in attributes, percent-encoded by :u, and a
 * javascript: URL at the start of an href becomes "#". */
START_TEST(test_lazy_escape)
{
	static const struct page_t_row rows[] = {
		PAGE_T_NAMED("\"><script>alert('x')</script>&", NULL, NULL),
		PAGE_T_NAMED("javascript:alert(1)", NULL, NULL),
	};

	page_t_template("lz_escape.tpl",
			"{{%AUTOESCAPE context=\"HTML\"}}\n"
			"{{#ROW}}\n"
			"<p title=\"{{NAME}}\" data-x='{{NAME}}'>{{NAME}}</p>"
			"<a href=\"/files?name={{NAME:u}}\">q</a><a href=\"{{NAME}}\">h</a>\n"
			"{{/ROW}}\n");
	page_t_lazy_vs_eager(
		"lz_escape.tpl", page_t_host_top, rows, PAGE_T_LEN(rows),
		"<p title=\"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;\" "
		"data-x='&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;'>"
		"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>"
		"<a href=\"/files?name=%22%3E%3Cscript%3Ealert(%27x%27)%3C/script%3E%26\">q</a>"
		"<a href=\"&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;\">h</a>\n"
		"<p title=\"javascript:alert(1)\" data-x='javascript:alert(1)'>javascript:alert(1)</p>"
		"<a href=\"/files?name=javascript%3Aalert(1)\">q</a><a href=\"#\">h</a>\n");
}
END_TEST

/* A row's include is filled per row with the file it names and expanded
 * with the row's values and sections; a row without one leaves it out. */
START_TEST(test_lazy_includes)
{
	static const struct page_t_row rows[] = {
		PAGE_T_NAMED("one", "MARK", "lz_inc_a.tpl"),
		PAGE_T_NAMED("<two>", NULL, NULL),
		PAGE_T_NAMED("three", NULL, "lz_inc_b.tpl"),
		PAGE_T_NAMED("four&", NULL, "lz_inc_a.tpl"),
	};

	page_t_template("lz_inc.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
				      "{{#ROW}}\n"
				      "<li>{{I}} {{>INC}}</li>\n"
				      "{{/ROW}}\n");
	page_t_template("lz_inc_a.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
					"<i>{{I}}:{{NAME}}{{#MARK}}!{{/MARK}}</i>");
	page_t_template("lz_inc_b.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
					"<b title=\"{{NAME}}\">{{NAME:u}}</b>");
	page_t_lazy_vs_eager("lz_inc.tpl", page_t_host_top, rows, PAGE_T_LEN(rows),
			     "<li>0 <i>0:one!</i></li>\n"
			     "<li>1 </li>\n"
			     "<li>2 <b title=\"three\">three</b></li>\n"
			     "<li>3 <i>3:four&amp;</i></li>\n");
}
END_TEST

/* Nothing fills the rows of a fill that is never called. */
static void page_t_fill_never(void *ctx, size_t i, struct page_row *row)
{
	(void)i;
	(void)row;
	*(bool *)ctx = true;
}

/* A count of 0 (or no fill) adds nothing: the section stays hidden, and
 * an ordinary dictionary of the same section still shows; NULL rows and
 * arguments are ignored. */
START_TEST(test_lazy_empty)
{
	struct page_dict *d = page_dict_new("lazy-empty");
	bool called = false;

	page_t_template("lz_empty.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
					"a{{#ROW}}[row {{N}}]{{/ROW}}{{#OTHER}}[other {{N}}]{{/OTHER}}b\n");
	page_add_lazy_section(d, "ROW", 0, page_t_fill_never, &called);
	page_add_lazy_section(d, "OTHER", 3, NULL, &called);
	page_add_lazy_section(d, NULL, 3, page_t_fill_never, &called);
	page_add_lazy_section(NULL, "ROW", 3, page_t_fill_never, &called);
	page_row_set(NULL, "N", "x", 1);
	page_row_set_str(NULL, "N", "x");
	page_row_show(NULL, "S");
	page_row_include(NULL, "I", "x.tpl");
	page_t_expect("lz_empty.tpl", d, "ab\n");
	page_set(page_add_section(d, "OTHER"), "N", "1");
	page_add_lazy_section(d, "OTHER", 0, page_t_fill_never, &called);
	page_t_expect("lz_empty.tpl", d, "a[other 1]b\n");
	ck_assert(!called);
	page_dict_free(d);
}
END_TEST

#define PAGE_T_MANY 30     /* values and sections a row sets: more than a row holds in place */
#define PAGE_T_PARENTS 20  /* parent values rows fall back on: more than are remembered */

/* Keys (K0 ...), sections (S0 ...) and parent keys (P0 ...) of the many
 * test, and the values of the row being filled. */
struct page_t_many {
	char keys[PAGE_T_MANY][16], sections[PAGE_T_MANY][16], parents[PAGE_T_PARENTS][16];
	char values[PAGE_T_MANY][PAGE_T_NUM];
};

/* Fill row i with K0 ... as "i.k" and show S0, S2 ... (every even one). */
static void page_t_fill_many(void *ctx, size_t i, struct page_row *row)
{
	struct page_t_many *m = ctx;

	for (int k = 0; k < PAGE_T_MANY; k++) {
		snprintf(m->values[k], sizeof m->values[k], "%zu.%d", i, k);
		page_row_set_str(row, m->keys[k], m->values[k]);
		if (k % 2 == 0)
			page_row_show(row, m->sections[k]);
	}
}

/* A row setting and showing more than it holds in place, and falling
 * back on more parent values than are remembered, sees all of them. */
START_TEST(test_lazy_many)
{
	static struct page_t_many m;
	struct page_dict *d = page_dict_new("lazy-many");
	char *tpl = NULL, *want = NULL;
	size_t tpl_len = 0, want_len = 0;
	FILE *t = open_memstream(&tpl, &tpl_len), *w = open_memstream(&want, &want_len);

	ck_assert(t != NULL && w != NULL);
	fprintf(t, "{{%%AUTOESCAPE context=\"HTML\"}}\n{{#ROW}}");
	for (int k = 0; k < PAGE_T_MANY; k++) {
		snprintf(m.keys[k], sizeof m.keys[k], "K%d", k);
		snprintf(m.sections[k], sizeof m.sections[k], "S%d", k);
		fprintf(t, "{{K%d}}{{#S%d}}+{{/S%d}} ", k, k, k);
	}
	for (int k = 0; k < PAGE_T_PARENTS; k++) {
		snprintf(m.parents[k], sizeof m.parents[k], "P%d", k);
		page_set(d, m.parents[k], tu_fmt("p%d", k));
		fprintf(t, "{{P%d}} ", k);
	}
	fprintf(t, "\n{{/ROW}}\n");
	for (int i = 0; i < 3; i++) {
		for (int k = 0; k < PAGE_T_MANY; k++)
			fprintf(w, "%d.%d%s ", i, k, k % 2 == 0 ? "+" : "");
		for (int k = 0; k < PAGE_T_PARENTS; k++)
			fprintf(w, "p%d ", k);
		fprintf(w, "\n");
	}
	ck_assert(fclose(t) == 0 && fclose(w) == 0);
	page_t_template("lz_many.tpl", tpl);
	page_add_lazy_section(d, "ROW", 3, page_t_fill_many, &m);
	page_t_expect("lz_many.tpl", d, want);
	free(tpl);
	free(want);
	page_dict_free(d);
}
END_TEST

/* A fill that sets J to "s" and the row's index. */
static void page_t_fill_sub(void *ctx, size_t i, struct page_row *row)
{
	char *num = ctx;

	snprintf(num, PAGE_T_NUM, "s%zu", i);
	page_row_set_str(row, "J", num);
}

/* Ordinary and lazy dictionaries of one section expand in the order they
 * were added; a lazy section of the parent seen from a lazy row (a
 * section the row does not show itself) is expanded in full for each
 * row; {{ROW_separator}} goes between rows only. */
START_TEST(test_lazy_mixed)
{
	static const struct page_t_row first[] = {PAGE_T_NAMED("l0", NULL, NULL),
						  PAGE_T_NAMED("l1", NULL, NULL)};
	static const struct page_t_row second[] = {PAGE_T_NAMED("m0", NULL, NULL)};
	struct page_t_lazy a = {.rows = first, .count = PAGE_T_LEN(first)};
	struct page_t_lazy b = {.rows = second, .count = PAGE_T_LEN(second)};
	struct page_dict *d = page_dict_new("lazy-mixed");
	char sub[PAGE_T_NUM];

	page_t_template("lz_mixed.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
					"{{#ROW}}{{NAME}}({{#SUB}}<{{J}}>{{/SUB}})"
					"{{#ROW_separator}}, {{/ROW_separator}}{{/ROW}}\n");
	page_set(page_add_section(d, "ROW"), "NAME", "e0");
	page_add_lazy_section(d, "ROW", a.count, page_t_fill, &a);
	page_set(page_add_section(d, "ROW"), "NAME", "e1");
	page_add_lazy_section(d, "ROW", b.count, page_t_fill, &b);
	page_set(page_add_section(d, "ROW"), "NAME", "e2");
	page_add_lazy_section(d, "SUB", 3, page_t_fill_sub, sub);
	page_t_expect("lz_mixed.tpl", d,
		      "e0(<s0><s1><s2>), l0(<s0><s1><s2>), l1(<s0><s1><s2>), e1(<s0><s1><s2>), "
		      "m0(<s0><s1><s2>), e2(<s0><s1><s2>)\n");
	ck_assert(a.filled == a.count && !a.out_of_order);
	ck_assert(b.filled == b.count && !b.out_of_order);
	page_dict_free(d);
}
END_TEST

/* The host of a lazy section in an include. */
static struct page_dict *page_t_host_include(struct page_dict *d)
{
	return page_t_host_top(page_add_include(d, "BOX", "lz_nest_box.tpl"));
}

/* The host of a lazy section in a section of the page. */
static struct page_dict *page_t_host_section(struct page_dict *d)
{
	page_set(d, "V", "outside");
	return page_t_host_top(page_add_section(d, "OUTER"));
}

/* The host of a lazy section in a section of an include. */
static struct page_dict *page_t_host_include_section(struct page_dict *d)
{
	return page_t_host_section(page_add_include(d, "BOX", "lz_nest_boxsec.tpl"));
}

/* Where a lazy section may live, and the template holding it there. */
struct page_t_nest_row {
	const char *label;
	const char *file;
	const char *content;
	page_t_host host;
};

#define PAGE_T_NEST_ROWS "{{#ROW}}[{{I}} {{NAME}} {{V}}{{#TOP}}+{{/TOP}}{{#MARK}}!{{/MARK}}]{{/ROW}}"

static const struct page_t_nest_row page_t_nest_rows[] = {
	{"the page", "lz_nest_top.tpl", "<m>" PAGE_T_NEST_ROWS "</m>\n", page_t_host_top},
	{"an include", "lz_nest_inc.tpl", "<m>{{>BOX}}</m>\n", page_t_host_include},
	{"a section", "lz_nest_sec.tpl", "<m>{{#OUTER}}" PAGE_T_NEST_ROWS "{{/OUTER}}</m>\n",
	 page_t_host_section},
	{"a section of an include", "lz_nest_incsec.tpl", "<m>{{>BOX}}</m>\n",
	 page_t_host_include_section},
};

/* A lazy section works wherever a section can be: in the page, in an
 * include, in a section, in a section of an include. */
START_TEST(test_lazy_nested)
{
	static const struct page_t_row rows[] = {
		PAGE_T_NAMED("a", NULL, NULL),
		{NULL, 0, "MARK", NULL},
		PAGE_T_NAMED("<c>", NULL, NULL),
	};
	const struct page_t_nest_row *n = &page_t_nest_rows[_i];

	page_t_template("lz_nest_box.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n" PAGE_T_NEST_ROWS);
	page_t_template("lz_nest_boxsec.tpl",
			"{{%AUTOESCAPE context=\"HTML\"}}\n{{#OUTER}}" PAGE_T_NEST_ROWS "{{/OUTER}}");
	page_t_template(n->file, tu_fmt("{{%%AUTOESCAPE context=\"HTML\"}}\n%s", n->content));
	page_t_lazy_vs_eager(n->file, n->host, rows, PAGE_T_LEN(rows),
			     "<m>[0 a pv&amp;+][1 parent&lt;name&gt; pv&amp;+!]"
			     "[2 &lt;c&gt; pv&amp;+]</m>\n");
}
END_TEST

#define PAGE_T_LAZY_ROWS 20000

/* 20,000 lazy rows, with values, fallbacks, sections and includes
 * varying by row, expand byte for byte as the same rows made of ordinary
 * dictionaries. */
START_TEST(test_lazy_large)
{
	struct page_t_row *rows = calloc(PAGE_T_LAZY_ROWS, sizeof *rows);
	char *names = malloc((size_t)PAGE_T_LAZY_ROWS * 48);

	ck_assert_ptr_nonnull(rows);
	ck_assert_ptr_nonnull(names);
	page_t_template("lz_large.tpl",
			"{{%AUTOESCAPE context=\"HTML\"}}\n"
			"<table>\n"
			"{{#ROW}}\n"
			"<tr class=\"r{{#MARK}} mark{{/MARK}}\" data-name=\"{{NAME}}\"><td>{{I}}</td>"
			"<td><a href=\"/f?n={{NAME:u}}&amp;v={{V:u}}\">{{NAME}}</a></td>"
			"{{#MARK}}<td>{{V}}</td>{{/MARK}}{{#TOP}}<td>{{G}}</td>{{/TOP}}{{>INC}}</tr>\n"
			"{{/ROW}}\n"
			"</table>\n");
	page_t_template("lz_large_a.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
					  "<td>{{I}} {{NAME}}{{#MARK}}!{{/MARK}}</td>");
	page_t_template("lz_large_b.tpl", "{{%AUTOESCAPE context=\"HTML\"}}\n"
					  "<td title=\"{{NAME}}\">b</td>");
	for (size_t i = 0; i < PAGE_T_LAZY_ROWS; i++) {
		char *name = names + i * 48;
		int len = snprintf(name, 48, "f<%zu>&\"\xc3\xa9'%c", i, i % 7 == 3 ? '\0' : 'z');

		rows[i].name = i % 5 == 4 ? NULL : name;
		rows[i].name_len = (size_t)len + (i % 7 == 3 ? 4 : 0); /* past the NUL */
		rows[i].show = i % 3 == 0 ? "MARK" : NULL;
		if (rows[i].name != NULL && i % 11 < 2)
			rows[i].include = i % 11 == 0 ? "lz_large_a.tpl" : "lz_large_b.tpl";
	}
	page_t_lazy_vs_eager("lz_large.tpl", page_t_host_top, rows, PAGE_T_LAZY_ROWS, NULL);
	free(names);
	free(rows);
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
	tcase_add_test(tc, test_lazy_rows);
	tcase_add_test(tc, test_lazy_escape);
	tcase_add_test(tc, test_lazy_includes);
	tcase_add_test(tc, test_lazy_empty);
	tcase_add_test(tc, test_lazy_many);
	tcase_add_test(tc, test_lazy_mixed);
	tcase_add_loop_test(tc, test_lazy_nested, 0, PAGE_T_LEN(page_t_nest_rows));
	tcase_add_test(tc, test_lazy_large);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the page suite. */
int main(void)
{
	return tu_run_suite(page_suite());
}
