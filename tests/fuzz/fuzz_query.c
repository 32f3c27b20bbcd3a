/* fuzz_query: libFuzzer harness for http_parse_query, http_get and http_fields_free. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Names the panel looks up in query strings, plus the empty name. */
static const char *const query_names[] = {
	"root", "path", "name", "target", "next", "sort", "order", "highlight", "",
};

/* Append the percent-encoding of s[0..len) to buf at *pos. Returns the
 * encoded length; buf has room for 3 * len + 1 more bytes. */
static size_t query_append(char *buf, size_t *pos, const char *s, size_t len)
{
	size_t n;

	FUZZ_CHECK(http_url_encode(s, len, 0, buf + *pos, 3 * len + 1) == ERR_OK);
	n = strlen(buf + *pos);
	*pos += n;
	return n;
}

/* Encode the parsed fields again as "name=value&..." and check that parsing
 * that gives the same fields back (decoding happens exactly once). Skipped
 * when an encoded pair would exceed the field limit. */
static void query_round_trip(const struct http_fields *f)
{
	struct http_fields again;
	size_t cap = 1, pos = 0, i;
	char *buf;

	for (i = 0; i < f->count; i++)
		cap += 3 * (f->field[i].name_len + f->field[i].value_len) + 2;
	buf = malloc(cap);
	FUZZ_CHECK(buf != NULL);
	for (i = 0; i < f->count; i++) {
		size_t pair;

		if (i > 0)
			buf[pos++] = '&';
		pair = query_append(buf, &pos, f->field[i].name, f->field[i].name_len);
		buf[pos++] = '=';
		pair += 1 + query_append(buf, &pos, f->field[i].value, f->field[i].value_len);
		if (pair > HTTP_MAX_FIELD_BYTES) {
			free(buf);
			return;
		}
	}
	FUZZ_CHECK(http_parse_query(buf, pos, &again) == ERR_OK);
	FUZZ_CHECK(again.count == f->count);
	for (i = 0; i < f->count; i++) {
		const struct http_field *a = &f->field[i], *b = &again.field[i];

		FUZZ_CHECK(a->name_len == b->name_len && a->value_len == b->value_len);
		FUZZ_CHECK(memcmp(a->name, b->name, a->name_len) == 0);
		FUZZ_CHECK(memcmp(a->value, b->value, a->value_len) == 0);
	}
	fuzz_free_fields(&again);
	free(buf);
}

/* Parse the input repeated to just over the length of one field, so that
 * the field and field-count limits are reached too. */
static void query_repeated(const uint8_t *data, size_t size)
{
	size_t len = HTTP_MAX_FIELD_BYTES + 1 + size % 64;
	struct http_fields f;
	char *buf;
	err_t e;

	if (size == 0)
		return;
	buf = malloc(len);
	FUZZ_CHECK(buf != NULL);
	fuzz_repeat(buf, len, data, size);
	memset(&f, 0xa5, sizeof(f));
	e = http_parse_query(buf, len, &f);
	fuzz_check_fields(e, &f, len);
	if (e == ERR_OK)
		fuzz_free_fields(&f);
	if (memchr(data, '&', size) == NULL && memchr(data, '%', size) == NULL &&
	    memchr(data, '\0', size) == NULL)
		FUZZ_CHECK(e == ERR_HTTP_FIELD_TOO_LONG);
	free(buf);
}

/* Parse the input as a query string, check the result, look fields up and
 * free it; then parse it repeated past the limits. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_fields f;
	size_t i;
	err_t e;

	query_repeated(data, size);

	memset(&f, 0xa5, sizeof(f));
	e = http_parse_query((const char *)data, size, &f);
	fuzz_check_fields(e, &f, size);
	if (e != ERR_OK)
		return 0;
	for (i = 0; i < sizeof(query_names) / sizeof(query_names[0]); i++)
		fuzz_check_get(&f, query_names[i]);
	if (f.count > 0)
		fuzz_check_get(&f, f.field[0].name);
	query_round_trip(&f);
	fuzz_free_fields(&f);
	return 0;
}
