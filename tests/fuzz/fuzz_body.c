/* fuzz_body: libFuzzer harness for http_parse_body and http_content_length. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Names the panel looks up in form bodies. */
static const char *const body_names[] = {
	"csrf", "username", "password", "name", "target", "done", "interface", "",
};

/* What http_content_length should answer, worked out independently: empty
 * is 0 or malformed, anything but digits is malformed, then the limit. */
static err_t body_expected_length(const char *s, int allow_missing, size_t max, size_t *out)
{
	unsigned __int128 v = 0;
	bool big = false;

	*out = 0;
	if (*s == '\0')
		return allow_missing ? ERR_OK : ERR_HTTP_MALFORMED;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return ERR_HTTP_MALFORMED;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > SIZE_MAX)
			big = true;
		if (big)
			v = (unsigned __int128)SIZE_MAX + 1;
	}
	if (big || v > max)
		return ERR_HTTP_TOO_LARGE;
	*out = (size_t)v;
	return ERR_OK;
}

/* Check http_content_length on s against the independent answer. */
static void body_check_length(const char *s, int allow_missing, size_t max)
{
	size_t got = 7, want;
	err_t e = http_content_length(s, allow_missing, max, &got);

	FUZZ_CHECK(e == body_expected_length(s, allow_missing, max, &want));
	FUZZ_CHECK(got == want);
}

/* Parse the input repeated to the largest body allowed (any answer, checked
 * as usual) and to one byte more (refused as too large, left empty). */
static void body_repeated(const uint8_t *data, size_t size)
{
	static char *buf;
	struct http_fields f;
	err_t e;

	if (size == 0)
		return;
	if (buf == NULL)
		buf = malloc(HTTP_MAX_BODY_BYTES + 1);
	FUZZ_CHECK(buf != NULL);
	fuzz_repeat(buf, HTTP_MAX_BODY_BYTES + 1, data, size);
	memset(&f, 0xa5, sizeof(f));
	e = http_parse_body(buf, HTTP_MAX_BODY_BYTES + 1, &f);
	FUZZ_CHECK(e == ERR_HTTP_TOO_LARGE && f.count == 0 && f.storage == NULL);
	memset(&f, 0xa5, sizeof(f));
	e = http_parse_body(buf, HTTP_MAX_BODY_BYTES, &f);
	fuzz_check_fields(e, &f, HTTP_MAX_BODY_BYTES);
	if (e == ERR_OK)
		fuzz_free_fields(&f);
}

/* Parse the input as a urlencoded body and as a CONTENT_LENGTH value, then
 * as a body at the size limit. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_fields f;
	char *text;
	size_t i;
	err_t e;

	body_repeated(data, size);

	memset(&f, 0xa5, sizeof(f));
	e = http_parse_body((const char *)data, size, &f);
	fuzz_check_fields(e, &f, size);
	if (e == ERR_OK) {
		for (i = 0; i < sizeof(body_names) / sizeof(body_names[0]); i++)
			fuzz_check_get(&f, body_names[i]);
		if (f.count > 0)
			fuzz_check_get(&f, f.field[f.count - 1].name);
		fuzz_free_fields(&f);
	}

	text = fuzz_strndup(data, size);
	body_check_length(text, 0, HTTP_MAX_BODY_BYTES);
	body_check_length(text, 1, HTTP_MAX_BODY_BYTES);
	body_check_length(text, 0, SIZE_MAX);
	body_check_length(text, 1, 0);
	free(text);
	/* NULL means the variable is missing. */
	FUZZ_CHECK(http_content_length(NULL, 1, 10, &i) == ERR_OK && i == 0);
	FUZZ_CHECK(http_content_length(NULL, 0, 10, &i) == ERR_HTTP_MALFORMED && i == 0);
	return 0;
}
