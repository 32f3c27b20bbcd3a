/* auth: passwords (libsodium argon2id), session tokens (32 random bytes, of
 * which only a hash is stored), CSRF tokens tied to a session, and
 * constant-time comparison. */
#ifndef FILEPANEL_AUTH_H
#define FILEPANEL_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define AUTH_TOKEN_BYTES 32
#define AUTH_TOKEN_TEXT 44       /* base64url of 32 bytes (43) plus NUL */
#define AUTH_HASH_BYTES 32
#define AUTH_PWHASH_TEXT 128     /* crypto_pwhash_STRBYTES */
#define AUTH_PASSWORD_MAX 1024   /* longer passwords are refused unhashed */

/* Initialise libsodium; call once before anything else here. */
err_t auth_init(void);

/* Hash a password with argon2id into out (an encoded string with its own
 * salt and parameters). ERR_AUTH_FAILED for an empty password or one over
 * AUTH_PASSWORD_MAX bytes. */
err_t auth_password_hash(const char *password, size_t len, char out[AUTH_PWHASH_TEXT]);

/* Check a password against a stored hash. Refuses without hashing when len
 * is 0 or over AUTH_PASSWORD_MAX. */
bool auth_password_verify(const char *stored, const char *password, size_t len);

/* Spend about the time of a verification, for unknown users, so that a
 * wrong name and a wrong password take the same time. */
void auth_password_dummy(const char *password, size_t len);

/* A new random session token: 32 bytes, written as base64url text (the
 * cookie value) and as its hash (what the store keeps). */
void auth_token_new(char text[AUTH_TOKEN_TEXT], unsigned char hash[AUTH_HASH_BYTES]);

/* Hash a token presented in a cookie. ERR_AUTH_FAILED when it is not
 * well-formed base64url of 32 bytes. */
err_t auth_token_hash(const char *text, size_t len, unsigned char hash[AUTH_HASH_BYTES]);

/* A new random CSRF secret for a session. */
void auth_csrf_secret_new(unsigned char secret[AUTH_TOKEN_BYTES]);

/* The CSRF token forms carry, derived from the session's secret. */
void auth_csrf_token(const unsigned char secret[AUTH_TOKEN_BYTES], char text[AUTH_TOKEN_TEXT]);

/* Check a presented CSRF token against the session's secret in constant
 * time. */
bool auth_csrf_check(const unsigned char secret[AUTH_TOKEN_BYTES], const char *text, size_t len);

/* Compare two byte strings in time independent of their content. */
bool auth_equal(const void *a, const void *b, size_t len);

/* How many password hashes this process has computed (hashing, verifying,
 * the dummy): lets a test prove that a password was refused unhashed. */
unsigned long auth_hash_count(void);

#endif
