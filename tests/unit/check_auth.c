/* check_auth: passwords, session tokens, CSRF tokens and comparison. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define L(s) s, sizeof(s) - 1

/* A hash made once per test process, shared by the password tests. */
static char auth_stored[AUTH_PWHASH_TEXT];

/* Fixture, run once before the tests are forked: initialise libsodium and
 * hash "correct horse". */
static void setup(void)
{
	ck_assert_int_eq(auth_init(), ERR_OK);
	ck_assert_int_eq(auth_password_hash(L("correct horse"), auth_stored), ERR_OK);
}

/* True when every character is in the base64url alphabet. */
static bool is_urlsafe(const char *text)
{
	return strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
	       strlen(text);
}

/* A hash verifies with its password and is argon2id. */
START_TEST(test_hash_verify)
{
	ck_assert_msg(strncmp(auth_stored, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0,
		      "unexpected parameters: %s", auth_stored);
	ck_assert(auth_password_verify(auth_stored, L("correct horse")));
}
END_TEST

struct wrong_case {
	const char *label;
	const char *pw;
	size_t len;
};

static const struct wrong_case wrong_cases[] = {
	{"other word", L("battery staple")},
	{"case differs", L("Correct horse")},
	{"prefix", L("correct hors")},
	{"longer", L("correct horse!")},
	{"embedded NUL", L("correct horse\0x")},
	{"empty", L("")},
};

/* Wrong passwords are refused. */
START_TEST(test_wrong_password)
{
	const struct wrong_case *c = &wrong_cases[_i];

	ck_assert_msg(!auth_password_verify(auth_stored, c->pw, c->len), "case '%s' verified",
		      c->label);
}
END_TEST

/* Empty and oversized passwords are refused without hashing: hashing,
 * verifying and the dummy compute no hash at all (counted, not timed). */
START_TEST(test_refused_fast)
{
	static const size_t lens[] = {0, AUTH_PASSWORD_MAX + 1, 1024 * 1024};
	size_t big = 1024 * 1024;
	char *pw = malloc(big);
	char out[AUTH_PWHASH_TEXT];
	unsigned long before;

	ck_assert_ptr_nonnull(pw);
	memset(pw, 'a', big);
	for (int i = 0; i < N(lens); i++) {
		before = auth_hash_count();
		ck_assert_msg(auth_password_hash(pw, lens[i], out) == ERR_AUTH_FAILED,
			      "len %zu hashed", lens[i]);
		ck_assert_msg(!auth_password_verify(auth_stored, pw, lens[i]), "len %zu verified",
			      lens[i]);
		auth_password_dummy(pw, lens[i]);
		ck_assert_msg(auth_hash_count() == before, "len %zu: %lu hashes computed", lens[i],
			      auth_hash_count() - before);
	}
	/* the counter does count: one password of a good length is hashed */
	before = auth_hash_count();
	auth_password_dummy(pw, 8);
	ck_assert_int_ge(auth_hash_count(), before + 1);
	free(pw);
}
END_TEST

/* AUTH_PASSWORD_MAX bytes is still a password. */
START_TEST(test_max_length)
{
	char pw[AUTH_PASSWORD_MAX];
	char out[AUTH_PWHASH_TEXT];

	memset(pw, 'x', sizeof pw);
	ck_assert_int_eq(auth_password_hash(pw, sizeof pw, out), ERR_OK);
	ck_assert(auth_password_verify(out, pw, sizeof pw));
	pw[sizeof pw - 1] = 'y';
	ck_assert(!auth_password_verify(out, pw, sizeof pw));
}
END_TEST

/* Garbage in place of a stored hash verifies nothing. */
START_TEST(test_bad_stored)
{
	char unterminated[AUTH_PWHASH_TEXT];

	memset(unterminated, 'a', sizeof unterminated);
	ck_assert(!auth_password_verify("", L("correct horse")));
	ck_assert(!auth_password_verify("$argon2id$garbage", L("correct horse")));
	ck_assert(!auth_password_verify(NULL, L("correct horse")));
	ck_assert(!auth_password_verify(unterminated, L("correct horse")));
}
END_TEST

/* The dummy does the work of a real verification: one argon2id hash with
 * the same cost (counted, not timed). */
START_TEST(test_dummy_takes_time)
{
	unsigned long before;

	auth_password_dummy(L("warm up")); /* makes the dummy hash */
	before = auth_hash_count();
	ck_assert(!auth_password_verify(auth_stored, L("wrong guess")));
	ck_assert_int_eq(auth_hash_count(), before + 1);
	auth_password_dummy(L("wrong guess"));
	ck_assert_int_eq(auth_hash_count(), before + 2);
}
END_TEST

/* Tokens are 43 base64url characters; their hash is what auth_token_hash
 * gives for the text; two tokens differ. */
START_TEST(test_token_format)
{
	char a[AUTH_TOKEN_TEXT], b[AUTH_TOKEN_TEXT];
	unsigned char ha[AUTH_HASH_BYTES], hb[AUTH_HASH_BYTES], again[AUTH_HASH_BYTES];

	auth_token_new(a, ha);
	auth_token_new(b, hb);
	ck_assert_uint_eq(strlen(a), 43);
	ck_assert_msg(is_urlsafe(a), "token '%s' leaves the alphabet", a);
	ck_assert_str_ne(a, b);
	ck_assert(memcmp(ha, hb, AUTH_HASH_BYTES) != 0);
	ck_assert_int_eq(auth_token_hash(a, strlen(a), again), ERR_OK);
	ck_assert(memcmp(ha, again, AUTH_HASH_BYTES) == 0);
	ck_assert_int_eq(auth_token_hash(a, strlen(a), again), ERR_OK);
	ck_assert(memcmp(ha, again, AUTH_HASH_BYTES) == 0);
}
END_TEST

/* What is stored is a generic hash of the token's raw bytes, never the
 * bytes themselves; the CSRF token is the keyed hash of the fixed context. */
START_TEST(test_derivations)
{
	unsigned char zeros[32] = {0}, want[32], got[32], secret[32];
	char text[AUTH_TOKEN_TEXT], csrf[AUTH_TOKEN_TEXT];

	memset(text, 'A', 43); /* base64url of 32 zero bytes */
	text[43] = '\0';
	crypto_generichash(want, sizeof want, zeros, sizeof zeros, NULL, 0);
	ck_assert_int_eq(auth_token_hash(text, 43, got), ERR_OK);
	ck_assert_mem_eq(got, want, 32);
	ck_assert(memcmp(got, zeros, 32) != 0);

	for (int i = 0; i < 32; i++)
		secret[i] = (unsigned char)i;
	crypto_generichash(want, sizeof want, (const unsigned char *)"filepanel-csrf-v1", 17,
			   secret, sizeof secret);
	sodium_bin2base64(text, sizeof text, want, sizeof want,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	auth_csrf_token(secret, csrf);
	ck_assert_str_eq(csrf, text);
}
END_TEST

/* Many tokens: always 43 characters of the alphabet, never repeated. */
START_TEST(test_token_many)
{
	enum { COUNT = 200 };
	static char seen[COUNT][AUTH_TOKEN_TEXT];
	unsigned char h[AUTH_HASH_BYTES];

	for (int i = 0; i < COUNT; i++) {
		auth_token_new(seen[i], h);
		ck_assert_msg(strlen(seen[i]) == 43 && is_urlsafe(seen[i]), "token %d '%s'", i,
			      seen[i]);
		for (int j = 0; j < i; j++)
			ck_assert_msg(strcmp(seen[i], seen[j]) != 0, "tokens %d and %d equal", i, j);
	}
}
END_TEST

struct token_case {
	const char *label;
	const char *text;
	size_t len;
	err_t want;
};

#define A42 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static const struct token_case token_cases[] = {
	{"43 A", L(A42 "A"), ERR_OK},
	{"43 with - and _", L("-_" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), ERR_OK},
	{"42 chars", L(A42), ERR_AUTH_FAILED},
	{"44 chars", L(A42 "AA"), ERR_AUTH_FAILED},
	{"empty", L(""), ERR_AUTH_FAILED},
	{"plus", L("+" A42), ERR_AUTH_FAILED},
	{"slash", L("/" A42), ERR_AUTH_FAILED},
	{"equals", L(A42 "="), ERR_AUTH_FAILED},
	{"padded 44", L(A42 "A="), ERR_AUTH_FAILED},
	{"NUL inside", L("AAAAAAAAAAAAAAAAAAAA\0AAAAAAAAAAAAAAAAAAAAAA"), ERR_AUTH_FAILED},
	{"NUL at end", L(A42 "\0"), ERR_AUTH_FAILED},
	{"space", L(" " A42), ERR_AUTH_FAILED},
	{"newline", L(A42 "\n"), ERR_AUTH_FAILED},
	{"dot", L("." A42), ERR_AUTH_FAILED},
	{"non-ASCII", L("\xc3\xa9" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), ERR_AUTH_FAILED},
	{"byte 0x80", L("\x80" A42), ERR_AUTH_FAILED},
	{"byte 0xff", L(A42 "\xff"), ERR_AUTH_FAILED},
	{"stray low bits", L(A42 "B"), ERR_AUTH_FAILED},
	{"NULL", NULL, 43, ERR_AUTH_FAILED},
};

/* Presented tokens are decoded strictly. */
START_TEST(test_token_malformed)
{
	const struct token_case *c = &token_cases[_i];
	unsigned char h[AUTH_HASH_BYTES];
	err_t got = auth_token_hash(c->text, c->len, h);

	ck_assert_msg(got == c->want, "case '%s': got %s, want %s", c->label, err_code(got),
		      err_code(c->want));
}
END_TEST

/* A CSRF token is accepted for its secret only, and only whole. */
START_TEST(test_csrf)
{
	unsigned char secret[AUTH_TOKEN_BYTES], other[AUTH_TOKEN_BYTES];
	char token[AUTH_TOKEN_TEXT], again[AUTH_TOKEN_TEXT], theirs[AUTH_TOKEN_TEXT];
	char longer[AUTH_TOKEN_TEXT + 1], flipped[AUTH_TOKEN_TEXT];

	auth_csrf_secret_new(secret);
	auth_csrf_secret_new(other);
	ck_assert(memcmp(secret, other, sizeof secret) != 0);
	auth_csrf_token(secret, token);
	auth_csrf_token(secret, again);
	auth_csrf_token(other, theirs);
	ck_assert_uint_eq(strlen(token), 43);
	ck_assert(is_urlsafe(token));
	ck_assert_str_eq(token, again);
	ck_assert_str_ne(token, theirs);

	ck_assert(auth_csrf_check(secret, token, strlen(token)));
	ck_assert(auth_csrf_check(other, theirs, strlen(theirs)));
	ck_assert_msg(!auth_csrf_check(other, token, strlen(token)), "another secret");
	ck_assert_msg(!auth_csrf_check(secret, theirs, strlen(theirs)), "another's token");
	ck_assert_msg(!auth_csrf_check(secret, token, 42), "truncated");
	ck_assert_msg(!auth_csrf_check(secret, "", 0), "empty");
	ck_assert_msg(!auth_csrf_check(secret, NULL, 0), "NULL");
	snprintf(longer, sizeof longer, "%sA", token);
	ck_assert_msg(!auth_csrf_check(secret, longer, strlen(longer)), "one more char");
	memcpy(flipped, token, sizeof flipped);
	flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
	ck_assert_msg(!auth_csrf_check(secret, flipped, strlen(flipped)), "one char changed");
}
END_TEST

/* auth_equal compares whole byte strings. */
START_TEST(test_equal)
{
	ck_assert(auth_equal("abcdef", "abcdef", 6));
	ck_assert(!auth_equal("abcdef", "abcdeg", 6));
	ck_assert(!auth_equal("xbcdef", "abcdef", 6));
	ck_assert(auth_equal("ab\0x", "ab\0x", 4));
	ck_assert(!auth_equal("ab\0x", "ab\0y", 4));
	ck_assert(auth_equal("a", "b", 0));
}
END_TEST

/* The auth suite. */
static Suite *auth_suite(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("core");

	/* argon2id is slow under the sanitizers */
	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_hash_verify);
	tcase_add_loop_test(tc, test_wrong_password, 0, N(wrong_cases));
	tcase_add_test(tc, test_refused_fast);
	tcase_add_test(tc, test_max_length);
	tcase_add_test(tc, test_bad_stored);
	tcase_add_test(tc, test_dummy_takes_time);
	tcase_add_test(tc, test_token_format);
	tcase_add_test(tc, test_derivations);
	tcase_add_test(tc, test_token_many);
	tcase_add_loop_test(tc, test_token_malformed, 0, N(token_cases));
	tcase_add_test(tc, test_csrf);
	tcase_add_test(tc, test_equal);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the auth suite. */
int main(void)
{
	return tu_run_suite(auth_suite());
}
