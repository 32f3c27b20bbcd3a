/* check_http: unit tests for the query, body and cookie parsers and helpers. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "testutil.h"

#define HTTP_T_MAX_EXPECT 6

enum http_t_parser {
	HTTP_T_QUERY,
	HTTP_T_BODY,
	HTTP_T_COOKIES,
};

/* One parser case: input (len 0 means strlen unless raw_len is set), the
 * expected error and, on success, the expected name/value pairs in order. */
struct http_t_parse_row {
	const char *label;
	enum http_t_parser parser;
	const char *in;
	size_t raw_len; /* explicit length, for inputs holding NUL bytes */
	err_t err;
	const char *expect[HTTP_T_MAX_EXPECT][2];
};

static const struct http_t_parse_row http_t_parse_rows[] = {
	/* query basics */
	{"empty query", HTTP_T_QUERY, "", 0, ERR_OK, {{0}}},
	{"one pair", HTTP_T_QUERY, "a=1", 0, ERR_OK, {{"a", "1"}}},
	{"header example", HTTP_T_QUERY, "a=1&b=two+words&c=%2F", 0, ERR_OK,
	 {{"a", "1"}, {"b", "two words"}, {"c", "/"}}},
	{"empty pairs skipped", HTTP_T_QUERY, "&a=1&&b=2&", 0, ERR_OK, {{"a", "1"}, {"b", "2"}}},
	{"only separators", HTTP_T_QUERY, "&&&&", 0, ERR_OK, {{0}}},
	{"no '=' gives empty value", HTTP_T_QUERY, "flag&x=", 0, ERR_OK, {{"flag", ""}, {"x", ""}}},
	{"empty name kept", HTTP_T_QUERY, "=v", 0, ERR_OK, {{"", "v"}}},
	{"second '=' is value", HTTP_T_QUERY, "a=b=c", 0, ERR_OK, {{"a", "b=c"}}},
	{"plus in name", HTTP_T_QUERY, "a+b=c+d", 0, ERR_OK, {{"a b", "c d"}}},
	{"encoded plus stays plus", HTTP_T_QUERY, "p=%2B%2b", 0, ERR_OK, {{"p", "++"}}},
	{"encoded '&' and '='", HTTP_T_QUERY, "k%3D=v%26w", 0, ERR_OK, {{"k=", "v&w"}}},
	{"lowercase hex", HTTP_T_QUERY, "x=%2f%7e", 0, ERR_OK, {{"x", "/~"}}},
	{"semicolon is not a separator", HTTP_T_QUERY, "a=1;b=2", 0, ERR_OK, {{"a", "1;b=2"}}},
	{"duplicates parse (http_get refuses)", HTTP_T_QUERY, "a=1&a=2", 0, ERR_OK,
	 {{"a", "1"}, {"a", "2"}}},
	/* SECURITY.md: decode exactly once */
	{"..%2f..%2f decodes once", HTTP_T_QUERY, "path=..%2f..%2f", 0, ERR_OK, {{"path", "../../"}}},
	{".%2e/ decodes once", HTTP_T_QUERY, "path=.%2e/", 0, ERR_OK, {{"path", "../"}}},
	{"%252e stays %2e", HTTP_T_QUERY, "path=%252e%252e%252f", 0, ERR_OK,
	 {{"path", "%2e%2e%2f"}}},
	{"%25 alone is %", HTTP_T_QUERY, "p=%25", 0, ERR_OK, {{"p", "%"}}},
	{"overlong utf-8 passes (names_ refuses)", HTTP_T_QUERY, "p=%c0%ae", 0, ERR_OK,
	 {{"p", "\xc0\xae"}}},
	{"raw bytes > 0x7f unchanged", HTTP_T_QUERY, "n\xc3\xa9=\xff\x80\xe2\x82\xac", 0, ERR_OK,
	 {{"n\xc3\xa9", "\xff\x80\xe2\x82\xac"}}},
	{"encoded bytes > 0x7f", HTTP_T_QUERY, "n=%C3%A9%ff", 0, ERR_OK, {{"n", "\xc3\xa9\xff"}}},
	{"control byte %01 passes", HTTP_T_QUERY, "p=..%01", 0, ERR_OK, {{"p", "..\x01"}}},
	/* malformed escapes */
	{"a=% (lone percent)", HTTP_T_QUERY, "a=%", 0, ERR_HTTP_MALFORMED, {{0}}},
	{"%z", HTTP_T_QUERY, "a=%z", 0, ERR_HTTP_MALFORMED, {{0}}},
	{"%zz", HTTP_T_QUERY, "a=%zz", 0, ERR_HTTP_MALFORMED, {{0}}},
	{"%2 at end", HTTP_T_QUERY, "a=%2", 0, ERR_HTTP_MALFORMED, {{0}}},
	{"%2 at end of explicit length", HTTP_T_QUERY, "a=%2F", 4, ERR_HTTP_MALFORMED, {{0}}},
	{"% at end of explicit length", HTTP_T_QUERY, "a=%41", 3, ERR_HTTP_MALFORMED, {{0}}},
	{"%2 then separator", HTTP_T_QUERY, "a=%2&b=1", 0, ERR_HTTP_MALFORMED, {{0}}},
	{"%g1", HTTP_T_QUERY, "a=%g1", 0, ERR_HTTP_MALFORMED, {{0}}},
	{"%1g", HTTP_T_QUERY, "a=%1g", 0, ERR_HTTP_MALFORMED, {{0}}},
	{"malformed in name", HTTP_T_QUERY, "%x=1", 0, ERR_HTTP_MALFORMED, {{0}}},
	{"malformed after good pairs", HTTP_T_QUERY, "a=1&b=2&c=%%", 0, ERR_HTTP_MALFORMED, {{0}}},
	{"sign in escape %+1", HTTP_T_QUERY, "a=%+1", 0, ERR_HTTP_MALFORMED, {{0}}},
	/* NUL bytes */
	{"%00 in value", HTTP_T_QUERY, "a=x%00.txt", 0, ERR_NUL, {{0}}},
	{"%00 in name", HTTP_T_QUERY, "a%00=1", 0, ERR_NUL, {{0}}},
	{"%00 in body", HTTP_T_BODY, "a=1&b=%00", 0, ERR_NUL, {{0}}},
	{"raw NUL in value", HTTP_T_QUERY, "a=x\0y", 5, ERR_NUL, {{0}}},
	{"raw NUL in name", HTTP_T_QUERY, "a\0=1", 4, ERR_NUL, {{0}}},
	{"raw NUL alone", HTTP_T_QUERY, "a=1&\0", 5, ERR_NUL, {{0}}},
	{"raw NUL in body", HTTP_T_BODY, "\0", 1, ERR_NUL, {{0}}},
	/* bodies follow the same grammar */
	{"body pairs", HTTP_T_BODY, "csrf=abc&name=my+file%21", 0, ERR_OK,
	 {{"csrf", "abc"}, {"name", "my file!"}}},
	{"body %252e", HTTP_T_BODY, "p=%252e", 0, ERR_OK, {{"p", "%2e"}}},
	{"body a=%", HTTP_T_BODY, "a=%", 0, ERR_HTTP_MALFORMED, {{0}}},
	{"body %zz", HTTP_T_BODY, "%zz", 0, ERR_HTTP_MALFORMED, {{0}}},
	/* cookies */
	{"cookies basic", HTTP_T_COOKIES, "a=1; b=2", 0, ERR_OK, {{"a", "1"}, {"b", "2"}}},
	{"cookies no space", HTTP_T_COOKIES, "a=1;b=2", 0, ERR_OK, {{"a", "1"}, {"b", "2"}}},
	{"cookies spaces and tabs", HTTP_T_COOKIES, "  a=1 ;\tb=2\t ;  ", 0, ERR_OK,
	 {{"a", "1"}, {"b", "2"}}},
	{"cookies spaces around '='", HTTP_T_COOKIES, "a = 1 ; b\t=\t2", 0, ERR_OK,
	 {{"a", "1"}, {"b", "2"}}},
	{"cookies inner space kept", HTTP_T_COOKIES, "a=x y", 0, ERR_OK, {{"a", "x y"}}},
	{"cookies empty header", HTTP_T_COOKIES, "", 0, ERR_OK, {{0}}},
	{"cookies blank header", HTTP_T_COOKIES, " \t ", 0, ERR_OK, {{0}}},
	{"cookies empty pairs", HTTP_T_COOKIES, ";; a=1;;", 0, ERR_OK, {{"a", "1"}}},
	{"cookies without '=' skipped", HTTP_T_COOKIES, "novalue; a=1; other", 0, ERR_OK,
	 {{"a", "1"}}},
	{"cookies empty name skipped", HTTP_T_COOKIES, "=x; a=1", 0, ERR_OK, {{"a", "1"}}},
	{"cookies empty value kept", HTTP_T_COOKIES, "a=; b=2", 0, ERR_OK, {{"a", ""}, {"b", "2"}}},
	{"cookies not decoded", HTTP_T_COOKIES, "a=%2e%00+%zz; b=%", 0, ERR_OK,
	 {{"a", "%2e%00+%zz"}, {"b", "%"}}},
	{"cookies '=' in value", HTTP_T_COOKIES, "a=b=c", 0, ERR_OK, {{"a", "b=c"}}},
	{"cookies quoted value as is", HTTP_T_COOKIES, "a=\"q\"", 0, ERR_OK, {{"a", "\"q\""}}},
	{"cookies '&' is not a separator", HTTP_T_COOKIES, "a=1&b=2", 0, ERR_OK, {{"a", "1&b=2"}}},
	{"cookies raw bytes > 0x7f", HTTP_T_COOKIES, "s=\xc3\xa9\xff", 0, ERR_OK,
	 {{"s", "\xc3\xa9\xff"}}},
	{"cookies duplicate names parse", HTTP_T_COOKIES, "a=1; a=2", 0, ERR_OK,
	 {{"a", "1"}, {"a", "2"}}},
	{"cookies raw NUL", HTTP_T_COOKIES, "a=1; b=\0", 8, ERR_NUL, {{0}}},
	{"cookies raw NUL in skipped pair", HTTP_T_COOKIES, "a\0; b=1", 7, ERR_NUL, {{0}}},
};

/* Call the parser a row names. */
static err_t http_t_call(enum http_t_parser parser, const char *in, size_t len,
			 struct http_fields *out)
{
	switch (parser) {
	case HTTP_T_QUERY:
		return http_parse_query(in, len, out);
	case HTTP_T_BODY:
		return http_parse_body(in, len, out);
	case HTTP_T_COOKIES:
		return http_parse_cookies(in, len, out);
	}
	return ERR_IO;
}

/* Fill out with garbage so a test sees whether a parser resets it. */
static void http_t_poison(struct http_fields *out)
{
	memset(out, 0xa5, sizeof(*out));
}

/* Check that a failed parse left out empty. */
static void http_t_assert_empty(const char *label, const struct http_fields *out)
{
	ck_assert_msg(out->count == 0, "%s: count %zu after failure", label, out->count);
	ck_assert_msg(out->storage == NULL, "%s: storage not NULL after failure", label);
}

/* Check the lengths and termination of every parsed field. */
static void http_t_assert_well_formed(const char *label, const struct http_fields *out)
{
	size_t i;

	for (i = 0; i < out->count; i++) {
		const struct http_field *f = &out->field[i];

		ck_assert_msg(f->name != NULL && f->value != NULL, "%s: field %zu NULL", label, i);
		ck_assert_msg(strlen(f->name) == f->name_len, "%s: field %zu name_len", label, i);
		ck_assert_msg(strlen(f->value) == f->value_len, "%s: field %zu value_len", label, i);
		ck_assert_msg(f->name >= out->storage && f->value > f->name,
			      "%s: field %zu not in storage", label, i);
	}
}

/* One row of the parser table. */
START_TEST(test_parse_table)
{
	const struct http_t_parse_row *row = &http_t_parse_rows[_i];
	size_t len = row->raw_len ? row->raw_len : strlen(row->in);
	struct http_fields out;
	size_t n = 0, i;
	err_t e;

	http_t_poison(&out);
	e = http_t_call(row->parser, row->in, len, &out);
	ck_assert_msg(e == row->err, "%s: got %s, want %s", row->label, err_code(e),
		      err_code(row->err));
	if (e != ERR_OK) {
		http_t_assert_empty(row->label, &out);
		return;
	}
	while (n < HTTP_T_MAX_EXPECT && row->expect[n][0] != NULL)
		n++;
	ck_assert_msg(out.count == n, "%s: %zu fields, want %zu", row->label, out.count, n);
	ck_assert_msg(n > 0 || out.storage == NULL, "%s: storage for no fields", row->label);
	http_t_assert_well_formed(row->label, &out);
	for (i = 0; i < n; i++) {
		ck_assert_msg(strcmp(out.field[i].name, row->expect[i][0]) == 0,
			      "%s: field %zu name \"%s\", want \"%s\"", row->label, i,
			      out.field[i].name, row->expect[i][0]);
		ck_assert_msg(strcmp(out.field[i].value, row->expect[i][1]) == 0,
			      "%s: field %zu value \"%s\", want \"%s\"", row->label, i,
			      out.field[i].value, row->expect[i][1]);
	}
	http_fields_free(&out);
	ck_assert_msg(out.count == 0 && out.storage == NULL, "%s: free left fields", row->label);
}
END_TEST

/* Build "f0=v&f1=v&..." with n fields separated by sep (malloc'd). */
static char *http_t_many_fields(size_t n, const char *sep, size_t *len)
{
	size_t cap = n * 24 + 1, off = 0, i;
	char *s = malloc(cap);

	ck_assert_ptr_nonnull(s);
	s[0] = '\0';
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(s + off, cap - off, "%sf%zu=v", i ? sep : "", i);
	*len = off;
	return s;
}

/* Exactly HTTP_MAX_FIELDS fields parse, one more is refused, for every parser. */
START_TEST(test_field_count_limit)
{
	static const struct {
		enum http_t_parser parser;
		const char *sep;
		const char *label;
	} kinds[] = {
		{HTTP_T_QUERY, "&", "query"},
		{HTTP_T_BODY, "&", "body"},
		{HTTP_T_COOKIES, "; ", "cookies"},
	};
	size_t k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct http_fields out;
		size_t len;
		char *s = http_t_many_fields(HTTP_MAX_FIELDS, kinds[k].sep, &len);
		err_t e = http_t_call(kinds[k].parser, s, len, &out);

		ck_assert_msg(e == ERR_OK, "%s: %d fields: %s", kinds[k].label, HTTP_MAX_FIELDS,
			      err_code(e));
		ck_assert_msg(out.count == HTTP_MAX_FIELDS, "%s: count %zu", kinds[k].label, out.count);
		ck_assert_str_eq(out.field[HTTP_MAX_FIELDS - 1].name,
				 tu_fmt("f%d", HTTP_MAX_FIELDS - 1));
		http_fields_free(&out);
		free(s);

		s = http_t_many_fields(HTTP_MAX_FIELDS + 1, kinds[k].sep, &len);
		http_t_poison(&out);
		e = http_t_call(kinds[k].parser, s, len, &out);
		ck_assert_msg(e == ERR_HTTP_TOO_MANY_FIELDS, "%s: %d fields: %s", kinds[k].label,
			      HTTP_MAX_FIELDS + 1, err_code(e));
		http_t_assert_empty(kinds[k].label, &out);
		free(s);
	}
}
END_TEST

/* Empty pairs and cookies without '=' do not count as fields. */
START_TEST(test_skipped_pairs_do_not_count)
{
	struct http_fields out;
	size_t len, i;
	char *s = http_t_many_fields(HTTP_MAX_FIELDS, "&&", &len);
	char buf[4096];
	size_t off = 0;

	ck_assert_int_eq(http_parse_query(s, len, &out), ERR_OK);
	ck_assert_uint_eq(out.count, HTTP_MAX_FIELDS);
	http_fields_free(&out);
	free(s);

	for (i = 0; i < HTTP_MAX_FIELDS; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "c%zu=1; junk; ", i);
	ck_assert_int_eq(http_parse_cookies(buf, off, &out), ERR_OK);
	ck_assert_uint_eq(out.count, HTTP_MAX_FIELDS);
	http_fields_free(&out);
}
END_TEST

/* Seconds elapsed on the monotonic clock since *t0. */
static double http_t_elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* 100,000 fields are refused quickly by every parser, and so is a huge
 * input of empty pairs (which is linear, not refused, for a query). */
START_TEST(test_hundred_thousand_fields_fast)
{
	struct http_fields out;
	struct timespec t0;
	size_t len, i;
	char *q = http_t_many_fields(100000, "&", &len);
	char *c = http_t_many_fields(100000, ";", &len);
	char *amp = malloc(1000000);

	ck_assert_ptr_nonnull(amp);
	memset(amp, '&', 1000000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 5; i++) {
		http_t_poison(&out);
		ck_assert_int_eq(http_parse_query(q, strlen(q), &out), ERR_HTTP_TOO_MANY_FIELDS);
		http_t_assert_empty("query 100000", &out);
		ck_assert_int_eq(http_parse_body(q, strlen(q), &out), ERR_HTTP_TOO_LARGE);
		ck_assert_int_eq(http_parse_body(q, HTTP_MAX_BODY_BYTES, &out),
				 ERR_HTTP_TOO_MANY_FIELDS);
		ck_assert_int_eq(http_parse_cookies(c, strlen(c), &out), ERR_HTTP_TOO_MANY_FIELDS);
		ck_assert_int_eq(http_parse_query(amp, 1000000, &out), ERR_OK);
		ck_assert_uint_eq(out.count, 0);
	}
	ck_assert_msg(http_t_elapsed(&t0) < 2.0, "5 rounds took %.3f s", http_t_elapsed(&t0));
	free(q);
	free(c);
	free(amp);
}
END_TEST

/* A raw pair of HTTP_MAX_FIELD_BYTES is accepted, one byte more refused,
 * measured before decoding. */
START_TEST(test_field_length_limit)
{
	size_t cap = HTTP_MAX_FIELD_BYTES + 64;
	char *s = malloc(cap);
	struct http_fields out;
	size_t n;

	ck_assert_ptr_nonnull(s);
	/* "v=" + x... exactly at the limit */
	memcpy(s, "v=", 2);
	memset(s + 2, 'x', HTTP_MAX_FIELD_BYTES - 2);
	ck_assert_int_eq(http_parse_query(s, HTTP_MAX_FIELD_BYTES, &out), ERR_OK);
	ck_assert_uint_eq(out.field[0].value_len, HTTP_MAX_FIELD_BYTES - 2);
	http_fields_free(&out);
	ck_assert_int_eq(http_parse_body(s, HTTP_MAX_FIELD_BYTES, &out), ERR_OK);
	http_fields_free(&out);
	ck_assert_int_eq(http_parse_cookies(s, HTTP_MAX_FIELD_BYTES, &out), ERR_OK);
	http_fields_free(&out);

	/* one byte over, in the last pair */
	memcpy(s, "a=1&v=", 6);
	memset(s + 6, 'x', HTTP_MAX_FIELD_BYTES - 1);
	n = 6 + HTTP_MAX_FIELD_BYTES - 1;
	http_t_poison(&out);
	ck_assert_int_eq(http_parse_query(s, n, &out), ERR_HTTP_FIELD_TOO_LONG);
	http_t_assert_empty("query over", &out);
	http_t_poison(&out);
	ck_assert_int_eq(http_parse_body(s, n, &out), ERR_HTTP_FIELD_TOO_LONG);
	http_t_assert_empty("body over", &out);
	s[3] = ';';
	http_t_poison(&out);
	ck_assert_int_eq(http_parse_cookies(s, n, &out), ERR_HTTP_FIELD_TOO_LONG);
	http_t_assert_empty("cookies over", &out);

	/* the raw length counts: escapes that decode short still count */
	for (n = 0; n + 3 <= HTTP_MAX_FIELD_BYTES + 1; n += 3)
		memcpy(s + n, "%41", 3);
	ck_assert_int_eq(http_parse_query(s, n, &out), ERR_HTTP_FIELD_TOO_LONG);
	free(s);
}
END_TEST

/* A body of HTTP_MAX_BODY_BYTES is accepted, one byte more is refused
 * before anything is parsed. */
START_TEST(test_body_size_limit)
{
	char *s = malloc(HTTP_MAX_BODY_BYTES + 2);
	struct http_fields out;
	size_t i;

	ck_assert_ptr_nonnull(s);
	memset(s, '&', HTTP_MAX_BODY_BYTES + 1);
	/* eight pairs of HTTP_MAX_FIELD_BYTES - 1 bytes, each followed by '&' */
	for (i = 0; i < HTTP_MAX_BODY_BYTES / HTTP_MAX_FIELD_BYTES; i++) {
		char *p = s + i * HTTP_MAX_FIELD_BYTES;

		p[0] = (char)('a' + i);
		p[1] = '=';
		memset(p + 2, 'x', HTTP_MAX_FIELD_BYTES - 3);
	}
	ck_assert_int_eq(http_parse_body(s, HTTP_MAX_BODY_BYTES, &out), ERR_OK);
	ck_assert_uint_eq(out.count, 8);
	http_fields_free(&out);

	http_t_poison(&out);
	ck_assert_int_eq(http_parse_body(s, HTTP_MAX_BODY_BYTES + 1, &out), ERR_HTTP_TOO_LARGE);
	http_t_assert_empty("body over", &out);
	/* a query has no total limit of its own */
	ck_assert_int_eq(http_parse_query(s, HTTP_MAX_BODY_BYTES + 1, &out), ERR_OK);
	http_fields_free(&out);
	free(s);
}
END_TEST

/* NULL input is fine with length 0 and malformed otherwise; freeing twice
 * or freeing NULL is harmless. */
START_TEST(test_null_input_and_free)
{
	struct http_fields out;

	http_t_poison(&out);
	ck_assert_int_eq(http_parse_query(NULL, 0, &out), ERR_OK);
	http_t_assert_empty("NULL, 0", &out);
	http_t_poison(&out);
	ck_assert_int_eq(http_parse_body(NULL, 3, &out), ERR_HTTP_MALFORMED);
	http_t_assert_empty("NULL, 3", &out);
	ck_assert_int_eq(http_parse_cookies("a=1", 3, &out), ERR_OK);
	http_fields_free(&out);
	http_fields_free(&out);
	http_fields_free(NULL);
}
END_TEST

/* One http_get case against the fields parsed from "query". */
struct http_t_get_row {
	const char *label;
	const char *query;
	const char *name;
	err_t err;
	const char *value;
};

static const struct http_t_get_row http_t_get_rows[] = {
	{"found", "a=1&path=x%2Fy", "path", ERR_OK, "x/y"},
	{"first of several", "a=1&b=2", "a", ERR_OK, "1"},
	{"empty value", "flag&b=2", "flag", ERR_OK, ""},
	{"not found", "a=1", "b", ERR_NOT_FOUND, NULL},
	{"prefix is not a match", "ab=1", "a", ERR_NOT_FOUND, NULL},
	{"longer is not a match", "a=1", "ab", ERR_NOT_FOUND, NULL},
	{"case matters", "A=1", "a", ERR_NOT_FOUND, NULL},
	{"empty fields", "", "a", ERR_NOT_FOUND, NULL},
	{"duplicate", "path=a&x=1&path=b", "path", ERR_HTTP_DUPLICATE, NULL},
	{"duplicate with same value", "a=1&a=1", "a", ERR_HTTP_DUPLICATE, NULL},
	{"duplicate after decoding", "a=1&%61=2", "a", ERR_HTTP_DUPLICATE, NULL},
	{"duplicate of another name ignored", "a=1&b=2&b=3", "a", ERR_OK, "1"},
	{"empty name", "=v", "", ERR_OK, "v"},
};

/* One row of the http_get table. */
START_TEST(test_get_table)
{
	const struct http_t_get_row *row = &http_t_get_rows[_i];
	struct http_fields f;
	const char *v = "junk";
	size_t vlen = 99;
	err_t e;

	ck_assert_msg(http_parse_query(row->query, strlen(row->query), &f) == ERR_OK,
		      "%s: parse", row->label);
	e = http_get(&f, row->name, &v, &vlen);
	ck_assert_msg(e == row->err, "%s: got %s, want %s", row->label, err_code(e),
		      err_code(row->err));
	if (row->value == NULL) {
		ck_assert_msg(v == NULL && vlen == 0, "%s: value set on failure", row->label);
	} else {
		ck_assert_msg(v != NULL && strcmp(v, row->value) == 0, "%s: value \"%s\", want \"%s\"",
			      row->label, v ? v : "(null)", row->value);
		ck_assert_msg(vlen == strlen(row->value), "%s: value_len %zu", row->label, vlen);
		v = NULL;
		ck_assert_msg(http_get(&f, row->name, &v, NULL) == ERR_OK && v != NULL,
			      "%s: NULL value_len", row->label);
	}
	http_fields_free(&f);
}
END_TEST

/* http_get on cookies: a cookie given twice is refused too. */
START_TEST(test_get_cookies)
{
	struct http_fields f;
	const char *v;

	ck_assert_int_eq(http_parse_cookies("sid=abc; x=1; sid=def", 21, &f), ERR_OK);
	ck_assert_int_eq(http_get(&f, "sid", &v, NULL), ERR_HTTP_DUPLICATE);
	ck_assert_int_eq(http_get(&f, "x", &v, NULL), ERR_OK);
	ck_assert_str_eq(v, "1");
	http_fields_free(&f);
}
END_TEST

/* One CONTENT_LENGTH case. */
struct http_t_cl_row {
	const char *label;
	const char *s;
	int allow_missing;
	size_t max;
	err_t err;
	size_t value;
};

static const struct http_t_cl_row http_t_cl_rows[] = {
	{"zero", "0", 0, 100, ERR_OK, 0},
	{"plain", "12", 0, 100, ERR_OK, 12},
	{"leading zeros", "007", 0, 100, ERR_OK, 7},
	{"equal to max", "100", 0, 100, ERR_OK, 100},
	{"above max", "101", 0, 100, ERR_HTTP_TOO_LARGE, 0},
	{"body limit", "65536", 0, HTTP_MAX_BODY_BYTES, ERR_OK, 65536},
	{"body limit + 1", "65537", 0, HTTP_MAX_BODY_BYTES, ERR_HTTP_TOO_LARGE, 0},
	{"negative", "-1", 0, 100, ERR_HTTP_MALFORMED, 0},
	{"plus sign", "+1", 0, 100, ERR_HTTP_MALFORMED, 0},
	{"exponent", "1e3", 0, 10000, ERR_HTTP_MALFORMED, 0},
	{"hex", "0x10", 0, 100, ERR_HTTP_MALFORMED, 0},
	{"leading space", " 12", 0, 100, ERR_HTTP_MALFORMED, 0},
	{"trailing space", "12 ", 0, 100, ERR_HTTP_MALFORMED, 0},
	{"trailing newline", "12\n", 0, 100, ERR_HTTP_MALFORMED, 0},
	{"decimal point", "1.5", 0, 100, ERR_HTTP_MALFORMED, 0},
	{"letters", "abc", 0, 100, ERR_HTTP_MALFORMED, 0},
	{"non-ascii digit", "\xd9\xa1", 0, 100, ERR_HTTP_MALFORMED, 0},
	{"huge", "99999999999999999999999", 0, 100, ERR_HTTP_TOO_LARGE, 0},
	{"huge with SIZE_MAX max", "99999999999999999999999", 0, SIZE_MAX, ERR_HTTP_TOO_LARGE, 0},
	{"huge then junk", "99999999999999999999999x", 0, SIZE_MAX, ERR_HTTP_MALFORMED, 0},
	{"2^64 wraps to 0 if unchecked", "18446744073709551616", 0, SIZE_MAX,
	 ERR_HTTP_TOO_LARGE, 0},
	{"SIZE_MAX", "18446744073709551615", 0, SIZE_MAX, ERR_OK, SIZE_MAX},
	{"empty, required", "", 0, 100, ERR_HTTP_MALFORMED, 0},
	{"empty, allowed", "", 1, 100, ERR_OK, 0},
	{"missing, required", NULL, 0, 100, ERR_HTTP_MALFORMED, 0},
	{"missing, allowed", NULL, 1, 100, ERR_OK, 0},
	{"present though allowed missing", "5", 1, 100, ERR_OK, 5},
	{"junk though allowed missing", "-", 1, 100, ERR_HTTP_MALFORMED, 0},
};

/* One row of the CONTENT_LENGTH table. */
START_TEST(test_content_length_table)
{
	const struct http_t_cl_row *row = &http_t_cl_rows[_i];
	size_t v = 12345;
	err_t e = http_content_length(row->s, row->allow_missing, row->max, &v);

	ck_assert_msg(e == row->err, "%s: got %s, want %s", row->label, err_code(e),
		      err_code(row->err));
	ck_assert_msg(v == row->value, "%s: value %zu, want %zu", row->label, v, row->value);
}
END_TEST

/* One percent-encoding case; outsize 0 in the row means a roomy buffer. */
struct http_t_enc_row {
	const char *label;
	const char *in;
	size_t len;
	int keep_slash;
	size_t outsize;
	err_t err;
	const char *out;
};

static const struct http_t_enc_row http_t_enc_rows[] = {
	{"empty", "", 0, 0, 0, ERR_OK, ""},
	{"unreserved kept", "AZaz09-._~", 10, 0, 0, ERR_OK, "AZaz09-._~"},
	{"space", "a b", 3, 0, 0, ERR_OK, "a%20b"},
	{"reserved", "!*'();:@&=+$,?#[]", 17, 0, 0, ERR_OK,
	 "%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%3F%23%5B%5D"},
	{"percent", "%2e", 3, 0, 0, ERR_OK, "%252e"},
	{"slash encoded", "a/b", 3, 0, 0, ERR_OK, "a%2Fb"},
	{"slash kept", "a/b/", 4, 1, 0, ERR_OK, "a/b/"},
	{"keep_slash keeps only slash", "a b/c?d", 7, 1, 0, ERR_OK, "a%20b/c%3Fd"},
	{"bytes > 0x7f uppercase", "\xc3\xa9\xff", 3, 0, 0, ERR_OK, "%C3%A9%FF"},
	{"control bytes", "\r\n\t\x7f", 4, 0, 0, ERR_OK, "%0D%0A%09%7F"},
	{"NUL by length", "a\0b", 3, 0, 0, ERR_OK, "a%00b"},
	{"markup", "\"><svg>", 7, 0, 0, ERR_OK, "%22%3E%3Csvg%3E"},
	{"backslash", "a\\b", 3, 0, 0, ERR_OK, "a%5Cb"},
	{"exact fit plain", "abc", 3, 0, 4, ERR_OK, "abc"},
	{"one short plain", "abc", 3, 0, 3, ERR_PATH_TOO_LONG, ""},
	{"exact fit escape", "a b", 3, 0, 6, ERR_OK, "a%20b"},
	{"escape does not fit", "a b", 3, 0, 5, ERR_PATH_TOO_LONG, ""},
	{"escape split never written", " ", 1, 0, 3, ERR_PATH_TOO_LONG, ""},
	{"empty in 1 byte", "", 0, 0, 1, ERR_OK, ""},
	{"nothing fits in 1 byte", "a", 1, 0, 1, ERR_PATH_TOO_LONG, ""},
};

/* One row of the percent-encoding table. */
START_TEST(test_url_encode_table)
{
	const struct http_t_enc_row *row = &http_t_enc_rows[_i];
	char buf[256];
	size_t size = row->outsize ? row->outsize : sizeof(buf);
	err_t e;

	memset(buf, 'Z', sizeof(buf));
	e = http_url_encode(row->in, row->len, row->keep_slash, buf, size);
	ck_assert_msg(e == row->err, "%s: got %s, want %s", row->label, err_code(e),
		      err_code(row->err));
	ck_assert_msg(memchr(buf, '\0', size) != NULL, "%s: not terminated", row->label);
	ck_assert_msg(strcmp(buf, row->out) == 0, "%s: \"%s\", want \"%s\"", row->label, buf,
		      row->out);
	if (row->outsize != 0)
		ck_assert_msg(buf[size] == 'Z', "%s: wrote past outsize", row->label);
}
END_TEST

/* outsize 0 writes nothing and fails. */
START_TEST(test_url_encode_zero_size)
{
	char c = 'Z';

	ck_assert_int_eq(http_url_encode("", 0, 0, &c, 0), ERR_PATH_TOO_LONG);
	ck_assert_int_eq(c, 'Z');
}
END_TEST

/* Every byte value round-trips through encode then query decode. */
START_TEST(test_url_encode_round_trip)
{
	char in[255], enc[255 * 3 + 3], q[255 * 3 + 8];
	struct http_fields f;
	int i;

	for (i = 0; i < 255; i++)
		in[i] = (char)(i + 1);
	ck_assert_int_eq(http_url_encode(in, sizeof(in), 0, enc, sizeof(enc)), ERR_OK);
	snprintf(q, sizeof(q), "v=%s", enc);
	ck_assert_int_eq(http_parse_query(q, strlen(q), &f), ERR_OK);
	ck_assert_uint_eq(f.count, 1);
	ck_assert_uint_eq(f.field[0].value_len, sizeof(in));
	ck_assert_int_eq(memcmp(f.field[0].value, in, sizeof(in)), 0);
	http_fields_free(&f);
}
END_TEST

/* Build the suite. */
static Suite *http_t_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_parse_table, 0,
			    sizeof(http_t_parse_rows) / sizeof(http_t_parse_rows[0]));
	tcase_add_test(tc, test_field_count_limit);
	tcase_add_test(tc, test_skipped_pairs_do_not_count);
	tcase_add_test(tc, test_hundred_thousand_fields_fast);
	tcase_add_test(tc, test_field_length_limit);
	tcase_add_test(tc, test_body_size_limit);
	tcase_add_test(tc, test_null_input_and_free);
	suite_add_tcase(s, tc);

	tc = tcase_create("get");
	tcase_add_loop_test(tc, test_get_table, 0,
			    sizeof(http_t_get_rows) / sizeof(http_t_get_rows[0]));
	tcase_add_test(tc, test_get_cookies);
	suite_add_tcase(s, tc);

	tc = tcase_create("content_length");
	tcase_add_loop_test(tc, test_content_length_table, 0,
			    sizeof(http_t_cl_rows) / sizeof(http_t_cl_rows[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("url_encode");
	tcase_add_loop_test(tc, test_url_encode_table, 0,
			    sizeof(http_t_enc_rows) / sizeof(http_t_enc_rows[0]));
	tcase_add_test(tc, test_url_encode_zero_size);
	tcase_add_test(tc, test_url_encode_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the http suite. */
int main(void)
{
	return tu_run_suite(http_t_suite());
}
