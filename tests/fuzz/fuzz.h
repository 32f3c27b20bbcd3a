/* fuzz: helpers shared by the libFuzzer harnesses (invariant checks, copies). */
#ifndef FILEPANEL_FUZZ_H
#define FILEPANEL_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

/* Abort with a message naming the broken invariant; libFuzzer then saves
 * the input as a crash artifact. */
#define FUZZ_CHECK(cond)                                                    \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "%s:%d: invariant broken: %s\n",   \
				__FILE__, __LINE__, #cond);                 \
			abort();                                            \
		}                                                           \
	} while (0)

/* A heap copy of data[0..size) with a NUL after it, so that AddressSanitizer
 * sees any read past the end. Aborts when memory runs out. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_CHECK(s != NULL);
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Fill buf[0..len) with data[0..size) repeated (size > 0), to reach the
 * parsers' limits that the fuzzer's short inputs cannot. */
static inline void fuzz_repeat(char *buf, size_t len, const uint8_t *data, size_t size)
{
	size_t n = size < len ? size : len;

	memcpy(buf, data, n);
	while (n < len) {
		size_t chunk = n < len - n ? n : len - n;

		memcpy(buf + n, buf, chunk);
		n += chunk;
	}
}

/* Check what every parser promises about its result: an empty result on
 * failure; on success at most HTTP_MAX_FIELDS fields, each name and value
 * NUL-terminated at its length with no NUL inside, and no more decoded
 * bytes than the input held. */
static inline void fuzz_check_fields(err_t e, const struct http_fields *f, size_t in_len)
{
	size_t i, total = 0;

	if (e != ERR_OK) {
		FUZZ_CHECK(f->count == 0 && f->storage == NULL);
		return;
	}
	FUZZ_CHECK(f->count <= HTTP_MAX_FIELDS);
	FUZZ_CHECK(f->count == 0 || f->storage != NULL);
	for (i = 0; i < f->count; i++) {
		const struct http_field *x = &f->field[i];

		FUZZ_CHECK(x->name != NULL && x->value != NULL);
		FUZZ_CHECK(strlen(x->name) == x->name_len);
		FUZZ_CHECK(strlen(x->value) == x->value_len);
		total += x->name_len + x->value_len;
	}
	FUZZ_CHECK(total <= in_len);
}

/* Look name up with http_get and check the answer against a plain scan of
 * the fields: ERR_OK with the one match, ERR_HTTP_DUPLICATE for several,
 * ERR_NOT_FOUND for none. */
static inline void fuzz_check_get(const struct http_fields *f, const char *name)
{
	const char *value = (const char *)1;
	size_t value_len = 1, i, matches = 0, last = 0;
	err_t e = http_get(f, name, &value, &value_len);

	for (i = 0; i < f->count; i++) {
		if (strcmp(f->field[i].name, name) == 0) {
			matches++;
			last = i;
		}
	}
	if (matches == 0) {
		FUZZ_CHECK(e == ERR_NOT_FOUND && value == NULL && value_len == 0);
	} else if (matches > 1) {
		FUZZ_CHECK(e == ERR_HTTP_DUPLICATE && value == NULL);
	} else {
		FUZZ_CHECK(e == ERR_OK && value == f->field[last].value);
		FUZZ_CHECK(value_len == f->field[last].value_len);
	}
	/* value_len may be left out. */
	e = http_get(f, name, &value, NULL);
	FUZZ_CHECK((matches == 1) == (e == ERR_OK));
}

/* Free a parse result and check that it is left empty. */
static inline void fuzz_free_fields(struct http_fields *f)
{
	http_fields_free(f);
	FUZZ_CHECK(f->count == 0 && f->storage == NULL);
}

#endif
