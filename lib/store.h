/* store: the panel's one SQLite file. Schema migrations by PRAGMA
 * user_version, WAL, busy_timeout, BEGIN IMMEDIATE for read-then-write, and
 * every statement prepared once from one static table indexed by an enum.
 * Tables: users, sessions, audit, login_failures. */
#ifndef FILEPANEL_STORE_H
#define FILEPANEL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "err.h"

#define STORE_NAME_MAX 64
#define STORE_PATH_MAX 4096

struct store;

struct store_user {
	int64_t id;
	char name[STORE_NAME_MAX];
	char pwhash[AUTH_PWHASH_TEXT];
	char home[STORE_PATH_MAX];
	char web[STORE_PATH_MAX];      /* "" when the account has none */
	char ftp[STORE_PATH_MAX];      /* "" when the account has none */
	char interface[8];             /* "legacy" or "new" */
};

struct store_session {
	int64_t user_id;
	int64_t created;
	int64_t last_seen;
	unsigned char csrf_secret[AUTH_TOKEN_BYTES];
};

/* One audit row; every string may be NULL (stored as NULL). */
struct store_audit {
	int64_t id;
	int64_t time;
	const char *user;
	const char *remote_addr;
	const char *action;     /* login, login_failed, logout, link_create, link_delete */
	const char *root;
	const char *path;
	const char *target;
	const char *outcome;    /* done, refused, failed */
	const char *detail;
};

/* Open (creating if needed) the database at path, set WAL and busy_timeout,
 * run the migrations, prepare every statement. */
err_t store_open(const char *path, struct store **out);

/* Finalise every statement and close. NULL is fine. */
void store_close(struct store *s);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. A change and its audit row are
 * written between one begin and its commit. */
err_t store_begin(struct store *s);
err_t store_commit(struct store *s);
void store_rollback(struct store *s);

/* The schema version after migrations. */
int store_schema_version(struct store *s);

/* Users. A name is 1-32 of [A-Za-z0-9._-], not starting with '-' or '.'
 * (ERR_USER_NAME). */
err_t store_user_check_name(const char *name);
err_t store_user_add(struct store *s, const char *name, const char *pwhash,
		     const char *home, const char *web, const char *ftp);
err_t store_user_get(struct store *s, const char *name, struct store_user *out);
err_t store_user_get_by_id(struct store *s, int64_t id, struct store_user *out);
err_t store_user_set_password(struct store *s, const char *name, const char *pwhash);
err_t store_user_set_interface(struct store *s, int64_t id, const char *interface);
/* Delete a user and every session of theirs (audit rows stay). */
err_t store_user_delete(struct store *s, const char *name);
/* Call fn for every user, ordered by name. */
err_t store_user_each(struct store *s, void (*fn)(const struct store_user *u, void *ctx),
		      void *ctx);

/* Sessions, keyed by the hash of the token. */
err_t store_session_create(struct store *s, const unsigned char hash[AUTH_HASH_BYTES],
			   int64_t user_id, const unsigned char csrf_secret[AUTH_TOKEN_BYTES],
			   int64_t now);
/* Find a live session (created after now-absolute, last seen after
 * now-idle) and mark it seen at now. ERR_NOT_FOUND when none. */
err_t store_session_touch(struct store *s, const unsigned char hash[AUTH_HASH_BYTES],
			  int64_t now, int64_t idle, int64_t absolute,
			  struct store_session *out);
err_t store_session_delete(struct store *s, const unsigned char hash[AUTH_HASH_BYTES]);
/* Remove every expired session. */
err_t store_session_purge(struct store *s, int64_t now, int64_t idle, int64_t absolute);

/* Audit log. */
err_t store_audit_add(struct store *s, const struct store_audit *row);
/* Call fn for the newest `limit` rows (0: all), optionally of one user,
 * oldest first. */
err_t store_audit_each(struct store *s, const char *user, int64_t limit,
		       void (*fn)(const struct store_audit *row, void *ctx), void *ctx);
/* The number of audit rows (tests). */
err_t store_audit_count(struct store *s, int64_t *count);

/* Login failures, for throttling. */
err_t store_login_failure_add(struct store *s, const char *user, const char *remote_addr,
			      int64_t now);
/* Count failures since `since` for this user name and for this address. */
err_t store_login_failure_count(struct store *s, const char *user, const char *remote_addr,
				int64_t since, int64_t *by_user, int64_t *by_addr);
/* Forget the failures of a user name (after a successful login). */
err_t store_login_failure_clear(struct store *s, const char *user);

/* Whether the database file at db_path (made canonical here) lies inside
 * any account's Home, Web or FTP: ERR_DB_IN_ROOT, with the first such
 * account's name written to owner; ERR_NOT_FOUND when its directory does
 * not exist. */
err_t store_db_check(struct store *s, const char *db_path, char *owner, size_t owner_size);

#endif
