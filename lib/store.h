/* store: the panel's one SQLite file. Schema migrations by PRAGMA
 * user_version, WAL with synchronous=NORMAL, and FULL for the audit row
 * written before a change (it reaches the disk before the change can),
 * busy_timeout, BEGIN IMMEDIATE for read-then-write, and every statement
 * prepared once from one static table indexed by an enum. Tables: users
 * (with the identity of each root), sessions, audit, login_counters.
 *
 * Pieces: store.c (the connection, the statements, users and sessions),
 * store_audit.c (the audit log), store_login.c (login throttling). */
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

/* The identity a root had when the account was set up. */
struct store_ident {
	bool known;
	uint64_t dev;
	uint64_t ino;
};

/* The roots of an account, in the order home, web, ftp. */
#define STORE_ROOTS 3

struct store_user {
	int64_t id;
	char name[STORE_NAME_MAX];
	char pwhash[AUTH_PWHASH_TEXT];
	char home[STORE_PATH_MAX];
	char web[STORE_PATH_MAX];      /* "" when the account has none */
	char ftp[STORE_PATH_MAX];      /* "" when the account has none */
	char interface[8];             /* "legacy" or "new" */
	struct store_ident ids[STORE_ROOTS]; /* home, web, ftp */
};

struct store_session {
	int64_t user_id;
	int64_t created;
	int64_t last_seen;
	unsigned char csrf_secret[AUTH_TOKEN_BYTES];
};

/* One audit row; every string may be NULL (stored as NULL). Stored text
 * fields are cut to STORE_FIELD_MAX bytes. */
struct store_audit {
	int64_t id;
	int64_t time;
	const char *user;
	const char *remote_addr;
	const char *action;     /* login, login_failed, logout, link_create, link_delete */
	const char *root;
	const char *path;
	const char *target;
	const char *outcome;    /* pending, done, refused, failed */
	const char *detail;
	const char *aside;      /* a delete's private directory, for recovery */
	int64_t count;          /* how many times a refusal happened (1 for others) */
	int64_t last_time;      /* the last of them, or when a change was finished */
};

#define STORE_FIELD_MAX 8192

/* How refusals are kept: identical ones within a window share one row
 * (counted), and each account (or all anonymous clients together) keeps at
 * most cap distinct rows a window, the rest counted in one row per action
 * and reason. */
struct store_refusal_limits {
	int64_t window;  /* seconds */
	int64_t cap;
};

/* What store_purge removes. */
struct store_retention {
	int64_t idle, absolute;     /* session lifetimes */
	int64_t login_window;       /* login counters older than this go */
	int64_t audit_days;         /* audit rows older than this go; 0 keeps all */
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
/* Replace an account's roots (NULL keeps one, "" removes it) and the
 * identities recorded for them (ids[i].known false: none recorded). */
err_t store_user_set_roots(struct store *s, const char *name, const char *home,
			   const char *web, const char *ftp,
			   const struct store_ident ids[STORE_ROOTS]);
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
 * now-idle) and its account, in one statement; the session is marked seen
 * at now when it was last marked STORE_SEEN_EVERY seconds ago or more (a
 * quarter of idle when that is less; a failure to mark it, on a read-only
 * database, is not an error).
 * ERR_NOT_FOUND when there is none. */
#define STORE_SEEN_EVERY 60
err_t store_session_load(struct store *s, const unsigned char hash[AUTH_HASH_BYTES],
			 int64_t now, int64_t idle, int64_t absolute,
			 struct store_session *session, struct store_user *user);
err_t store_session_delete(struct store *s, const unsigned char hash[AUTH_HASH_BYTES]);
/* End every session of an account. */
err_t store_session_delete_user(struct store *s, const char *name);

/* Audit log. */
err_t store_audit_add(struct store *s, const struct store_audit *row);
/* Record a change before it is made: the row (outcome "pending") is
 * committed, so that it survives whatever happens to the change; *id gets
 * its id. ERR_DB_FULL or ERR_DB_READONLY when it cannot be written; ERR_DB
 * inside a transaction (the row would not be committed by itself). */
err_t store_audit_begin(struct store *s, const struct store_audit *row, int64_t *id);
/* Finish a pending row: its outcome ("done", "failed", "refused"), a
 * detail, and the time. ERR_NOT_FOUND when it is not pending. */
err_t store_audit_finish(struct store *s, int64_t id, const char *outcome, const char *detail,
			 int64_t now);
/* Record a refusal (outcome "refused"), counted with an identical one of
 * the same window, within the limits. anonymous: no session made it. */
err_t store_audit_refused(struct store *s, const struct store_audit *row, bool anonymous,
			  const struct store_refusal_limits *limits);
/* Call fn for every pending row made at or before `before` (at most
 * limit), oldest first. */
err_t store_audit_pending_each(struct store *s, int64_t before, int64_t limit,
			       void (*fn)(const struct store_audit *row, void *ctx), void *ctx);
/* Call fn with row id if it is one of user's (its strings live until fn
 * returns). ERR_NOT_FOUND when it is not. */
err_t store_audit_get(struct store *s, int64_t id, const char *user,
		      void (*fn)(const struct store_audit *row, void *ctx), void *ctx);
/* Call fn for the newest `limit` rows (0: all), optionally of one user,
 * oldest first. */
err_t store_audit_each(struct store *s, const char *user, int64_t limit,
		       void (*fn)(const struct store_audit *row, void *ctx), void *ctx);
/* The number of audit rows (tests). */
err_t store_audit_count(struct store *s, int64_t *count);

/* Login throttling: counters of attempts within a window, per account name
 * and address together, and per address. */
struct store_login_counts {
	int64_t by_name_addr;
	int64_t by_addr;
};
/* Count one more login attempt for name (an account name, or "" for a
 * name no account can have) from the address key addr, before its
 * password is checked; both counters move in one transaction, so parallel
 * attempts cannot overshoot. Once the address's own count is over
 * addr_limit, the (name, address) counter is neither moved nor made (so
 * that one address cannot fill the table with names; by_name_addr is then
 * 0). *counts gets them after this attempt. */
err_t store_login_attempt(struct store *s, const char *name, const char *addr, int64_t now,
			  int64_t window, int64_t addr_limit, struct store_login_counts *counts);
/* After a successful login: forget that name's count from that address,
 * and give the address back the attempt (so that many people logging in
 * from behind one address do not lock it). */
err_t store_login_succeeded(struct store *s, const char *name, const char *addr);
/* Forget the counts of name (from every address, or only addr when not
 * NULL, whose own counter goes too). *cleared gets how many went. */
err_t store_login_unlock(struct store *s, const char *name, const char *addr,
			 int64_t *cleared);

/* Remove what has expired: sessions, old login counters, and audit rows
 * older than the retention (never pending ones), a bounded number a call. */
err_t store_purge(struct store *s, int64_t now, const struct store_retention *keep);

/* Whether the database file at db_path (made canonical here) lies inside
 * any account's Home, Web or FTP: ERR_DB_IN_ROOT, with the first such
 * account's name written to owner; ERR_NOT_FOUND when its directory does
 * not exist. */
err_t store_db_check(struct store *s, const char *db_path, char *owner, size_t owner_size);

#endif
