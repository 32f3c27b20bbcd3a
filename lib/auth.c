/* auth: argon2id passwords, hashed session tokens, CSRF tokens (libsodium). */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"

/* argon2id cost: enough to slow guessing, small enough that a worker stays
 * well under its memory budget. */
#define AUTH_PW_OPSLIMIT 2ULL
#define AUTH_PW_MEMLIMIT ((size_t)19 * 1024 * 1024)

#define AUTH_B64_VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define AUTH_B64_LEN (AUTH_TOKEN_TEXT - 1)

static const char auth_csrf_context[] = "filepanel-csrf-v1";

_Static_assert(AUTH_PWHASH_TEXT == crypto_pwhash_STRBYTES, "AUTH_PWHASH_TEXT");
_Static_assert(AUTH_TOKEN_TEXT == sodium_base64_ENCODED_LEN(AUTH_TOKEN_BYTES, AUTH_B64_VARIANT),
	       "AUTH_TOKEN_TEXT");
_Static_assert(AUTH_HASH_BYTES >= crypto_generichash_BYTES_MIN &&
	       AUTH_HASH_BYTES <= crypto_generichash_BYTES_MAX, "AUTH_HASH_BYTES");
_Static_assert(AUTH_TOKEN_BYTES >= crypto_generichash_KEYBYTES_MIN &&
	       AUTH_TOKEN_BYTES <= crypto_generichash_KEYBYTES_MAX, "AUTH_TOKEN_BYTES");

/* The hash auth_password_dummy verifies against, made on first use. */
static pthread_once_t auth_dummy_once = PTHREAD_ONCE_INIT;
static char auth_dummy_hash[AUTH_PWHASH_TEXT];
static bool auth_dummy_ready;

/* Initialise libsodium. */
err_t auth_init(void)
{
	return sodium_init() < 0 ? ERR_IO : ERR_OK;
}

/* True when a password's length is one we are willing to hash. */
static bool auth_password_len_ok(size_t len)
{
	return len > 0 && len <= AUTH_PASSWORD_MAX;
}

/* How many argon2id computations this process made. */
static unsigned long auth_hashes;

/* How many password hashes this process has computed (hashing, verifying,
 * the dummy): lets a test prove that a password was refused unhashed. */
unsigned long auth_hash_count(void)
{
	return __atomic_load_n(&auth_hashes, __ATOMIC_RELAXED);
}

/* Count one argon2id computation. */
static void auth_hash_counted(void)
{
	__atomic_add_fetch(&auth_hashes, 1, __ATOMIC_RELAXED);
}

/* Hash a password with argon2id. */
err_t auth_password_hash(const char *password, size_t len, char out[AUTH_PWHASH_TEXT])
{
	if (password == NULL || !auth_password_len_ok(len))
		return ERR_AUTH_FAILED;
	auth_hash_counted();
	if (crypto_pwhash_str_alg(out, password, len, AUTH_PW_OPSLIMIT, AUTH_PW_MEMLIMIT,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return ERR_NOMEM;
	return ERR_OK;
}

/* Check a password against a stored hash; refuses bad lengths unhashed. */
bool auth_password_verify(const char *stored, const char *password, size_t len)
{
	if (stored == NULL || password == NULL || !auth_password_len_ok(len))
		return false;
	if (strnlen(stored, AUTH_PWHASH_TEXT) >= AUTH_PWHASH_TEXT)
		return false;
	auth_hash_counted();
	return crypto_pwhash_str_verify(stored, password, len) == 0;
}

/* pthread_once routine: hash a random password with the usual cost. */
static void auth_dummy_make(void)
{
	unsigned char random[AUTH_TOKEN_BYTES];

	randombytes_buf(random, sizeof random);
	auth_dummy_ready = crypto_pwhash_str_alg(auth_dummy_hash, (const char *)random,
						 sizeof random, AUTH_PW_OPSLIMIT,
						 AUTH_PW_MEMLIMIT,
						 crypto_pwhash_ALG_ARGON2ID13) == 0;
	sodium_memzero(random, sizeof random);
}

/* Spend the time of one verification (for unknown users). */
void auth_password_dummy(const char *password, size_t len)
{
	/* a length refused anyway costs nothing, not even the dummy's own hash */
	if (password == NULL || !auth_password_len_ok(len))
		return;
	pthread_once(&auth_dummy_once, auth_dummy_make);
	if (auth_dummy_ready)
		(void)auth_password_verify(auth_dummy_hash, password, len);
}

/* Write 32 bytes as unpadded base64url (43 characters and a NUL). */
static void auth_b64_encode(const unsigned char bin[AUTH_TOKEN_BYTES], char text[AUTH_TOKEN_TEXT])
{
	sodium_bin2base64(text, AUTH_TOKEN_TEXT, bin, AUTH_TOKEN_BYTES, AUTH_B64_VARIANT);
}

/* Is c in the base64url alphabet? */
static bool auth_b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* Decode exactly 43 characters of canonical unpadded base64url into exactly
 * 32 bytes; false for anything else (other lengths or characters, NULs,
 * stray trailing bits). The alphabet is checked here because libsodium
 * 1.0.18 decodes bytes >= 0x80 as if they were letters. */
static bool auth_b64_decode(const char *text, size_t len, unsigned char bin[AUTH_TOKEN_BYTES])
{
	size_t bin_len = 0;

	if (text == NULL || len != AUTH_B64_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!auth_b64_char(text[i]))
			return false;
	if (sodium_base642bin(bin, AUTH_TOKEN_BYTES, text, len, NULL, &bin_len, NULL,
			      AUTH_B64_VARIANT) != 0)
		return false;
	return bin_len == AUTH_TOKEN_BYTES;
}

/* The stored form of a token: a generic hash of its raw bytes. */
static void auth_token_digest(const unsigned char raw[AUTH_TOKEN_BYTES],
			      unsigned char hash[AUTH_HASH_BYTES])
{
	crypto_generichash(hash, AUTH_HASH_BYTES, raw, AUTH_TOKEN_BYTES, NULL, 0);
}

/* A new random session token as text and as hash. */
void auth_token_new(char text[AUTH_TOKEN_TEXT], unsigned char hash[AUTH_HASH_BYTES])
{
	unsigned char raw[AUTH_TOKEN_BYTES];

	randombytes_buf(raw, sizeof raw);
	auth_b64_encode(raw, text);
	auth_token_digest(raw, hash);
	sodium_memzero(raw, sizeof raw);
}

/* Hash a presented token, refusing anything not strictly well-formed. */
err_t auth_token_hash(const char *text, size_t len, unsigned char hash[AUTH_HASH_BYTES])
{
	unsigned char raw[AUTH_TOKEN_BYTES];

	if (!auth_b64_decode(text, len, raw))
		return ERR_AUTH_FAILED;
	auth_token_digest(raw, hash);
	sodium_memzero(raw, sizeof raw);
	return ERR_OK;
}

/* A new random CSRF secret. */
void auth_csrf_secret_new(unsigned char secret[AUTH_TOKEN_BYTES])
{
	randombytes_buf(secret, AUTH_TOKEN_BYTES);
}

/* The raw CSRF value: a keyed hash of a fixed context under the secret. */
static void auth_csrf_mac(const unsigned char secret[AUTH_TOKEN_BYTES],
			  unsigned char mac[AUTH_TOKEN_BYTES])
{
	crypto_generichash(mac, AUTH_TOKEN_BYTES, (const unsigned char *)auth_csrf_context,
			   sizeof auth_csrf_context - 1, secret, AUTH_TOKEN_BYTES);
}

/* The CSRF token forms carry. */
void auth_csrf_token(const unsigned char secret[AUTH_TOKEN_BYTES], char text[AUTH_TOKEN_TEXT])
{
	unsigned char mac[AUTH_TOKEN_BYTES];

	auth_csrf_mac(secret, mac);
	auth_b64_encode(mac, text);
}

/* Check a presented CSRF token in constant time. */
bool auth_csrf_check(const unsigned char secret[AUTH_TOKEN_BYTES], const char *text, size_t len)
{
	unsigned char want[AUTH_TOKEN_BYTES], got[AUTH_TOKEN_BYTES];

	if (secret == NULL || !auth_b64_decode(text, len, got))
		return false;
	auth_csrf_mac(secret, want);
	return auth_equal(want, got, sizeof want);
}

/* Compare two byte strings in constant time. */
bool auth_equal(const void *a, const void *b, size_t len)
{
	return sodium_memcmp(a, b, len) == 0;
}
