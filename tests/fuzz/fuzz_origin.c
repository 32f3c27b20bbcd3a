/* fuzz_origin: libFuzzer harness for what the same-origin and host checks
 * and the session lookup read from a request: http_origin_canon,
 * http_host_name, http_cookie_values and http_addr_key. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "http.h"

#define FUZZ_ORIGIN_MAX 320
#define FUZZ_COOKIES_MAX 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A canonical origin: scheme http or https, lower case, an explicit port,
 * and canonical again unchanged. */
static void fuzz_origin_check(const char *in, size_t len)
{
	char out[FUZZ_ORIGIN_MAX], again[FUZZ_ORIGIN_MAX];
	const char *colon;
	err_t e = http_origin_canon(in, len, out, sizeof out);

	if (e != ERR_OK) {
		FUZZ_CHECK(out[0] == '\0');
		return;
	}
	FUZZ_CHECK(strncmp(out, "http://", 7) == 0 || strncmp(out, "https://", 8) == 0);
	for (const char *p = out; *p != '\0'; p++)
		FUZZ_CHECK(!(*p >= 'A' && *p <= 'Z'));
	colon = strrchr(out, ':');
	FUZZ_CHECK(colon != NULL && colon[1] >= '1' && colon[1] <= '9');
	FUZZ_CHECK(strtol(colon + 1, NULL, 10) <= 65535);
	FUZZ_CHECK(http_origin_canon(out, strlen(out), again, sizeof again) == ERR_OK);
	FUZZ_CHECK(strcmp(out, again) == 0);
}

/* A host name: lower case, no more bytes than the input, and no port. */
static void fuzz_host_check(const char *in)
{
	char out[FUZZ_ORIGIN_MAX];
	bool has_port = true;
	err_t e = http_host_name(in, out, sizeof out, &has_port);

	if (e != ERR_OK) {
		FUZZ_CHECK(out[0] == '\0' && !has_port);
		return;
	}
	FUZZ_CHECK(strlen(out) > 0 && strlen(out) <= strlen(in));
	FUZZ_CHECK(out[0] == '[' || strchr(out, ':') == NULL);
	for (const char *p = out; *p != '\0'; p++)
		FUZZ_CHECK(!(*p >= 'A' && *p <= 'Z'));
}

/* Every cookie value found lies in the header and holds no ';'. */
static void fuzz_cookie_values_check(const char *in, size_t len, const char *name)
{
	const char *values[FUZZ_COOKIES_MAX];
	size_t lens[FUZZ_COOKIES_MAX];
	size_t n = http_cookie_values(in, len, name, values, lens, FUZZ_COOKIES_MAX);

	FUZZ_CHECK(n <= FUZZ_COOKIES_MAX);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(values[i] >= in && values[i] + lens[i] <= in + len);
		FUZZ_CHECK(memchr(values[i], ';', lens[i]) == NULL);
	}
}

/* Each reader on the input; the address key always ends within its buffer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_strndup(data, size), key[80];
	size_t len = strnlen(in, size);

	fuzz_origin_check(in, len);
	fuzz_host_check(in);
	fuzz_cookie_values_check(in, size, "fp_session");
	fuzz_cookie_values_check(in, size, "__Host-fp_session");
	memset(key, 0x5a, sizeof key);
	http_addr_key(in, key, sizeof key);
	FUZZ_CHECK(memchr(key, '\0', sizeof key) != NULL);
	free(in);
	return 0;
}
