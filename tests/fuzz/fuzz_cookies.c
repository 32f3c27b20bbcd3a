/* fuzz_cookies: libFuzzer harness for http_parse_cookies. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True for the blanks trimmed around cookie names and values. */
static int cookie_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Check one parsed cookie: a name that is not empty, holds no '=' or ';'
 * and no blank at either end; a value with no ';' and no blank at either
 * end. Cookies are never decoded, so both lie verbatim in the input. */
static void cookie_check(const struct http_field *c, const uint8_t *data, size_t size)
{
	FUZZ_CHECK(c->name_len > 0);
	FUZZ_CHECK(memchr(c->name, '=', c->name_len) == NULL);
	FUZZ_CHECK(memchr(c->name, ';', c->name_len) == NULL);
	FUZZ_CHECK(memchr(c->value, ';', c->value_len) == NULL);
	FUZZ_CHECK(!cookie_is_blank(c->name[0]));
	FUZZ_CHECK(!cookie_is_blank(c->name[c->name_len - 1]));
	FUZZ_CHECK(c->value_len == 0 || !cookie_is_blank(c->value[0]));
	FUZZ_CHECK(c->value_len == 0 || !cookie_is_blank(c->value[c->value_len - 1]));
	FUZZ_CHECK(memmem(data, size, c->name, c->name_len) != NULL);
	FUZZ_CHECK(c->value_len == 0 || memmem(data, size, c->value, c->value_len) != NULL);
}

/* Parse the input as a Cookie header, check every cookie and look up the
 * session cookie. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_fields f;
	size_t i;
	err_t e;

	memset(&f, 0xa5, sizeof(f));
	e = http_parse_cookies((const char *)data, size, &f);
	fuzz_check_fields(e, &f, size);
	if (e != ERR_OK)
		return 0;
	for (i = 0; i < f.count; i++)
		cookie_check(&f.field[i], data, size);
	fuzz_check_get(&f, "fp_session");
	fuzz_check_get(&f, "a");
	if (f.count > 0)
		fuzz_check_get(&f, f.field[0].name);
	fuzz_free_fields(&f);
	return 0;
}
