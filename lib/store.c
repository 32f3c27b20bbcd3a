/* store: the SQLite file holding users, sessions, the audit log and login failures. */
#include "config.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "names.h"
#include "store.h"

#define STORE_BUSY_TIMEOUT_MS 5000
#define STORE_RETRIES 10        /* extra attempts after busy_timeout gave up */

/* Per-connection settings, run in order before the migrations. */
static const char *const store_setup[] = {
	"PRAGMA journal_mode = WAL",
	"PRAGMA synchronous = NORMAL",
	"PRAGMA foreign_keys = ON",
};

/* Schema migrations: entry i takes user_version i to i + 1, bumping it
 * itself. Append only; never edit a released entry. */
static const char *const store_migrations[] = {
	/* 1: the first schema */
	"CREATE TABLE users ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" pwhash TEXT NOT NULL,"
	" home TEXT NOT NULL,"
	" web TEXT NOT NULL DEFAULT '',"
	" ftp TEXT NOT NULL DEFAULT '',"
	" interface TEXT NOT NULL DEFAULT 'new' CHECK (interface IN ('new', 'legacy')),"
	" created INTEGER NOT NULL);"
	"CREATE TABLE sessions ("
	" token_hash BLOB PRIMARY KEY,"
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" created INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL,"
	" csrf_secret BLOB NOT NULL);"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY,"
	" time INTEGER NOT NULL,"
	" user TEXT,"
	" remote_addr TEXT,"
	" action TEXT NOT NULL,"
	" root TEXT,"
	" path TEXT,"
	" target TEXT,"
	" outcome TEXT NOT NULL,"
	" detail TEXT);"
	"CREATE INDEX audit_user ON audit(user, id);"
	"CREATE TABLE login_failures ("
	" id INTEGER PRIMARY KEY,"
	" time INTEGER NOT NULL,"
	" user TEXT NOT NULL,"
	" remote_addr TEXT NOT NULL);"
	"CREATE INDEX login_failures_user ON login_failures(user, time);"
	"CREATE INDEX login_failures_addr ON login_failures(remote_addr, time);"
	"PRAGMA user_version = 1;",
};

#define STORE_SCHEMA_VERSION ((int)(sizeof store_migrations / sizeof store_migrations[0]))

/* Every statement. Those before STORE_STMT__SCHEMA need no table and are
 * prepared before the migrations run; the rest after. */
enum store_stmt {
	STORE_STMT_BEGIN,
	STORE_STMT_COMMIT,
	STORE_STMT_ROLLBACK,
	STORE_STMT_USER_VERSION,
	STORE_STMT__SCHEMA,
	STORE_STMT_USER_ADD = STORE_STMT__SCHEMA,
	STORE_STMT_USER_GET,
	STORE_STMT_USER_GET_BY_ID,
	STORE_STMT_USER_EACH,
	STORE_STMT_USER_SET_PASSWORD,
	STORE_STMT_USER_SET_INTERFACE,
	STORE_STMT_USER_DELETE,
	STORE_STMT_SESSION_CREATE,
	STORE_STMT_SESSION_TOUCH,
	STORE_STMT_SESSION_DELETE,
	STORE_STMT_SESSION_PURGE,
	STORE_STMT_AUDIT_ADD,
	STORE_STMT_AUDIT_EACH,
	STORE_STMT_AUDIT_EACH_USER,
	STORE_STMT_AUDIT_COUNT,
	STORE_STMT_FAILURE_ADD,
	STORE_STMT_FAILURE_COUNT,
	STORE_STMT_FAILURE_CLEAR,
	STORE_STMT__MAX
};

/* Column lists shared by the statements that read whole rows; the readers
 * below depend on this order. */
#define STORE_USER_COLUMNS "id, name, pwhash, home, web, ftp, interface"
#define STORE_AUDIT_COLUMNS "id, time, user, remote_addr, action, root, path, target, outcome, detail"

static const char *const store_sql[STORE_STMT__MAX] = {
	[STORE_STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STORE_STMT_COMMIT] = "COMMIT",
	[STORE_STMT_ROLLBACK] = "ROLLBACK",
	[STORE_STMT_USER_VERSION] = "PRAGMA user_version",
	[STORE_STMT_USER_ADD] =
		"INSERT INTO users (name, pwhash, home, web, ftp, created)"
		" VALUES (?1, ?2, ?3, ?4, ?5, unixepoch())",
	[STORE_STMT_USER_GET] =
		"SELECT " STORE_USER_COLUMNS " FROM users WHERE name = ?1",
	[STORE_STMT_USER_GET_BY_ID] =
		"SELECT " STORE_USER_COLUMNS " FROM users WHERE id = ?1",
	[STORE_STMT_USER_EACH] =
		"SELECT " STORE_USER_COLUMNS " FROM users ORDER BY name",
	[STORE_STMT_USER_SET_PASSWORD] = "UPDATE users SET pwhash = ?2 WHERE name = ?1",
	[STORE_STMT_USER_SET_INTERFACE] = "UPDATE users SET interface = ?2 WHERE id = ?1",
	[STORE_STMT_USER_DELETE] = "DELETE FROM users WHERE name = ?1",
	[STORE_STMT_SESSION_CREATE] =
		"INSERT INTO sessions (token_hash, user_id, created, last_seen, csrf_secret)"
		" VALUES (?1, ?2, ?3, ?3, ?4)",
	[STORE_STMT_SESSION_TOUCH] =
		"UPDATE sessions SET last_seen = ?2"
		" WHERE token_hash = ?1 AND last_seen > ?2 - ?3 AND created > ?2 - ?4"
		" RETURNING user_id, created, last_seen, csrf_secret",
	[STORE_STMT_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?1",
	[STORE_STMT_SESSION_PURGE] =
		"DELETE FROM sessions WHERE last_seen <= ?1 - ?2 OR created <= ?1 - ?3",
	[STORE_STMT_AUDIT_ADD] =
		"INSERT INTO audit (time, user, remote_addr, action, root, path, target, outcome, detail)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[STORE_STMT_AUDIT_EACH] =
		"SELECT " STORE_AUDIT_COLUMNS " FROM (SELECT " STORE_AUDIT_COLUMNS
		" FROM audit ORDER BY id DESC LIMIT ?1) ORDER BY id",
	[STORE_STMT_AUDIT_EACH_USER] =
		"SELECT " STORE_AUDIT_COLUMNS " FROM (SELECT " STORE_AUDIT_COLUMNS
		" FROM audit WHERE user = ?2 ORDER BY id DESC LIMIT ?1) ORDER BY id",
	[STORE_STMT_AUDIT_COUNT] = "SELECT count(*) FROM audit",
	[STORE_STMT_FAILURE_ADD] =
		"INSERT INTO login_failures (time, user, remote_addr) VALUES (?1, ?2, ?3)",
	[STORE_STMT_FAILURE_COUNT] =
		"SELECT (SELECT count(*) FROM login_failures WHERE user = ?1 AND time >= ?3),"
		" (SELECT count(*) FROM login_failures WHERE remote_addr = ?2 AND time >= ?3)",
	[STORE_STMT_FAILURE_CLEAR] = "DELETE FROM login_failures WHERE user = ?1",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[STORE_STMT__MAX];
	int rc; /* the extended result code of the last statement run */
};

/* One value bound to a statement parameter: ?1 is the first. */
struct store_arg {
	enum { STORE_ARG_TEXT, STORE_ARG_INT, STORE_ARG_BLOB } kind;
	const char *text;             /* NULL binds SQL NULL */
	int64_t num;
	const unsigned char *blob;
	size_t len;
};

#define STORE_TEXT(x) {.kind = STORE_ARG_TEXT, .text = (x)}
#define STORE_INT(x) {.kind = STORE_ARG_INT, .num = (x)}
#define STORE_BLOB(x, n) {.kind = STORE_ARG_BLOB, .blob = (x), .len = (n)}
#define STORE_ARGS(...) (const struct store_arg[]){__VA_ARGS__}, \
	sizeof((const struct store_arg[]){__VA_ARGS__}) / sizeof(struct store_arg)

/* Called for each row a statement yields; a non-OK answer stops the walk. */
typedef err_t (*store_row_fn)(sqlite3_stmt *st, void *ctx);

/* Map an SQLite result code to an err_t. */
static err_t store_err(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return ERR_OK;
	case SQLITE_NOMEM:
		return ERR_NOMEM;
	default:
		return ERR_DB;
	}
}

/* True for the result codes another connection's lock causes. */
static bool store_is_busy(int rc)
{
	return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

/* Sleep a little before retry number `attempt`, longer each time, with a
 * per-process offset so that two waiting processes drift apart. */
static void store_backoff(int attempt)
{
	struct timespec ts = {
		.tv_sec = 0,
		.tv_nsec = (2L + 3L * attempt + getpid() % 5) * 1000000L,
	};

	nanosleep(&ts, NULL);
}

/* Run an SQL script with sqlite3_exec. Outside a transaction a busy
 * database is retried a bounded number of times; inside one it is not (the
 * caller must roll back). */
static int store_exec(struct store *s, const char *sql)
{
	bool may_retry = sqlite3_get_autocommit(s->db);
	int rc;

	for (int attempt = 0;; attempt++) {
		rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
		if (!store_is_busy(rc) || !may_retry || attempt >= STORE_RETRIES)
			return rc;
		store_backoff(attempt);
	}
}

/* Bind args to ?1..?n of st; their number must match the statement's. */
static int store_bind(sqlite3_stmt *st, const struct store_arg *args, size_t nargs)
{
	int rc = SQLITE_OK;

	if ((size_t)sqlite3_bind_parameter_count(st) != nargs)
		return SQLITE_RANGE;
	for (size_t i = 0; i < nargs && rc == SQLITE_OK; i++) {
		const struct store_arg *a = &args[i];
		int col = (int)i + 1;

		switch (a->kind) {
		case STORE_ARG_TEXT:
			rc = a->text == NULL ? sqlite3_bind_null(st, col)
					     : sqlite3_bind_text(st, col, a->text, -1, SQLITE_STATIC);
			break;
		case STORE_ARG_INT:
			rc = sqlite3_bind_int64(st, col, a->num);
			break;
		case STORE_ARG_BLOB:
			rc = a->blob == NULL ? sqlite3_bind_null(st, col)
					     : sqlite3_bind_blob(st, col, a->blob, (int)a->len,
								 SQLITE_STATIC);
			break;
		}
	}
	return rc;
}

/* Take the first step of a statement. A busy database is retried (the
 * whole statement, after a reset) only where that is safe: outside an
 * explicit transaction, or for COMMIT. */
static int store_step_first(struct store *s, enum store_stmt id)
{
	sqlite3_stmt *st = s->stmt[id];
	bool may_retry = sqlite3_get_autocommit(s->db) || id == STORE_STMT_COMMIT;
	int rc;

	for (int attempt = 0;; attempt++) {
		rc = sqlite3_step(st);
		if (!store_is_busy(rc) || !may_retry || attempt >= STORE_RETRIES)
			return rc;
		sqlite3_reset(st);
		store_backoff(attempt);
	}
}

/* Run statement id with args to completion, calling row (when not NULL) for
 * every row it yields; *rows (when not NULL) gets how many it yielded. The
 * statement is reset and its bindings cleared before returning, and s->rc
 * keeps the SQLite result for callers that look at constraint codes. */
static err_t store_do(struct store *s, enum store_stmt id, const struct store_arg *args,
		      size_t nargs, store_row_fn row, void *ctx, int64_t *rows)
{
	sqlite3_stmt *st = s->stmt[id];
	err_t err = ERR_OK;
	int64_t n = 0;
	int rc;

	rc = store_bind(st, args, nargs);
	if (rc == SQLITE_OK)
		rc = store_step_first(s, id);
	while (rc == SQLITE_ROW) {
		n++;
		if (row != NULL && (err = row(st, ctx)) != ERR_OK)
			break;
		rc = sqlite3_step(st);
	}
	s->rc = rc;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rows != NULL)
		*rows = n;
	if (err != ERR_OK)
		return err;
	return rc == SQLITE_DONE ? ERR_OK : store_err(rc);
}

/* Run a statement that yields no rows; *changes gets the rows it changed. */
static err_t store_change(struct store *s, enum store_stmt id, const struct store_arg *args,
			  size_t nargs, int64_t *changes)
{
	err_t err = store_do(s, id, args, nargs, NULL, NULL, NULL);

	*changes = err == ERR_OK ? sqlite3_changes64(s->db) : 0;
	return err;
}

/* Row reader: every column, as integers, into the int64_t array ctx. */
static err_t store_read_ints(sqlite3_stmt *st, void *ctx)
{
	int64_t *out = ctx;

	for (int i = 0; i < sqlite3_column_count(st); i++)
		out[i] = sqlite3_column_int64(st, i);
	return ERR_OK;
}

/* Copy a text column into buf; ERR_DB when it is NULL, holds a NUL or does
 * not fit (never truncated). */
static err_t store_copy_text(sqlite3_stmt *st, int col, char *buf, size_t size)
{
	const unsigned char *text = sqlite3_column_text(st, col);
	size_t len = (size_t)sqlite3_column_bytes(st, col);

	if (text == NULL || len >= size || memchr(text, '\0', len) != NULL)
		return ERR_DB;
	memcpy(buf, text, len);
	buf[len] = '\0';
	return ERR_OK;
}

/* Row reader: a users row (STORE_USER_COLUMNS) into the struct store_user ctx. */
static err_t store_user_read(sqlite3_stmt *st, void *ctx)
{
	struct store_user *u = ctx;
	err_t err;

	u->id = sqlite3_column_int64(st, 0);
	if ((err = store_copy_text(st, 1, u->name, sizeof u->name)) == ERR_OK &&
	    (err = store_copy_text(st, 2, u->pwhash, sizeof u->pwhash)) == ERR_OK &&
	    (err = store_copy_text(st, 3, u->home, sizeof u->home)) == ERR_OK &&
	    (err = store_copy_text(st, 4, u->web, sizeof u->web)) == ERR_OK &&
	    (err = store_copy_text(st, 5, u->ftp, sizeof u->ftp)) == ERR_OK)
		err = store_copy_text(st, 6, u->interface, sizeof u->interface);
	return err;
}

/* Read the schema version of the open file. */
static err_t store_version_read(struct store *s, int *version)
{
	int64_t v = 0;
	err_t err = store_do(s, STORE_STMT_USER_VERSION, NULL, 0, store_read_ints, &v, NULL);

	*version = (int)v;
	return err;
}

/* Run the migrations the file lacks, one transaction each. The version is
 * read again once the write lock is held, so a process racing us to a
 * fresh file sees its rival's work instead of repeating it. */
static err_t store_migrate(struct store *s)
{
	int version;
	err_t err;

	for (;;) {
		if ((err = store_version_read(s, &version)) != ERR_OK)
			return err;
		if (version == STORE_SCHEMA_VERSION)
			return ERR_OK;
		if (version < 0 || version > STORE_SCHEMA_VERSION)
			return ERR_DB; /* written by a newer filepanel */
		if ((err = store_begin(s)) != ERR_OK)
			return err;
		err = store_version_read(s, &version);
		if (err == ERR_OK && version >= 0 && version < STORE_SCHEMA_VERSION)
			err = store_err(store_exec(s, store_migrations[version]));
		if (err == ERR_OK)
			err = store_commit(s);
		if (err != ERR_OK) {
			store_rollback(s);
			return err;
		}
	}
}

/* Prepare statements first..last-1 of the table, to be kept for the life
 * of the connection. */
static err_t store_prepare(struct store *s, int first, int last)
{
	for (int i = first; i < last; i++) {
		int rc = sqlite3_prepare_v3(s->db, store_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
					    &s->stmt[i], NULL);
		if (rc != SQLITE_OK)
			return store_err(rc);
	}
	return ERR_OK;
}

/* Open the database, creating it with mode 0600, migrate and prepare. */
err_t store_open(const char *path, struct store **out)
{
	struct store *s;
	err_t err = ERR_DB;
	int fd, rc;

	*out = NULL;
	if (path == NULL)
		return ERR_DB;
	/* Create the file ourselves so that it (and the -wal and -shm files
	 * SQLite makes with its mode) is private to the panel's user. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return ERR_DB;
	close(fd);
	if ((s = calloc(1, sizeof *s)) == NULL)
		return ERR_NOMEM;
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
	if (rc != SQLITE_OK) {
		err = store_err(rc);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	for (size_t i = 0; i < sizeof store_setup / sizeof store_setup[0]; i++) {
		if ((rc = store_exec(s, store_setup[i])) != SQLITE_OK) {
			err = store_err(rc);
			goto fail;
		}
	}
	if ((err = store_prepare(s, 0, STORE_STMT__SCHEMA)) != ERR_OK ||
	    (err = store_migrate(s)) != ERR_OK ||
	    (err = store_prepare(s, STORE_STMT__SCHEMA, STORE_STMT__MAX)) != ERR_OK)
		goto fail;
	*out = s;
	return ERR_OK;
fail:
	store_close(s);
	return err;
}

/* Finalise every statement and close the connection. */
void store_close(struct store *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < STORE_STMT__MAX; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	free(s);
}

/* BEGIN IMMEDIATE: take the write lock now, waiting (and retrying) while
 * another process holds it. */
err_t store_begin(struct store *s)
{
	return store_do(s, STORE_STMT_BEGIN, NULL, 0, NULL, NULL, NULL);
}

/* COMMIT; when it fails the transaction is rolled back. */
err_t store_commit(struct store *s)
{
	err_t err = store_do(s, STORE_STMT_COMMIT, NULL, 0, NULL, NULL, NULL);

	if (err != ERR_OK)
		store_rollback(s);
	return err;
}

/* ROLLBACK, if a transaction is open. */
void store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void)store_do(s, STORE_STMT_ROLLBACK, NULL, 0, NULL, NULL, NULL);
}

/* The schema version; -1 when it cannot be read. */
int store_schema_version(struct store *s)
{
	int version;

	return store_version_read(s, &version) == ERR_OK ? version : -1;
}

/* Is c allowed in an account name? */
static bool store_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* Check an account name: 1-32 of [A-Za-z0-9._-], not starting with - or . */
err_t store_user_check_name(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '-' || name[0] == '.')
		return ERR_USER_NAME;
	for (i = 0; name[i] != '\0'; i++)
		if (i >= 32 || !store_name_char(name[i]))
			return ERR_USER_NAME;
	return i == 0 ? ERR_USER_NAME : ERR_OK;
}

/* True when text (NULL counts as "") fits a buffer of size bytes. */
static bool store_fits(const char *text, size_t size)
{
	return text == NULL || strnlen(text, size) < size;
}

/* Add an account; refuses strings that store_user_get could not return. */
err_t store_user_add(struct store *s, const char *name, const char *pwhash,
		     const char *home, const char *web, const char *ftp)
{
	err_t err;

	if ((err = store_user_check_name(name)) != ERR_OK)
		return err;
	if (pwhash == NULL || home == NULL || !store_fits(pwhash, AUTH_PWHASH_TEXT))
		return ERR_DB;
	if (!store_fits(home, STORE_PATH_MAX) || !store_fits(web, STORE_PATH_MAX) ||
	    !store_fits(ftp, STORE_PATH_MAX))
		return ERR_PATH_TOO_LONG;
	err = store_do(s, STORE_STMT_USER_ADD,
		       STORE_ARGS(STORE_TEXT(name), STORE_TEXT(pwhash), STORE_TEXT(home),
				  STORE_TEXT(web != NULL ? web : ""),
				  STORE_TEXT(ftp != NULL ? ftp : "")),
		       NULL, NULL, NULL);
	if (err != ERR_OK && s->rc == SQLITE_CONSTRAINT_UNIQUE)
		return ERR_USER_EXISTS;
	return err;
}

/* Read the one user a lookup statement finds; ERR_USER_UNKNOWN for none. */
static err_t store_user_fetch(struct store *s, enum store_stmt id, const struct store_arg *args,
			      size_t nargs, struct store_user *out)
{
	int64_t rows;
	err_t err = store_do(s, id, args, nargs, store_user_read, out, &rows);

	if (err == ERR_OK && rows == 0)
		return ERR_USER_UNKNOWN;
	return err;
}

/* Look an account up by name. */
err_t store_user_get(struct store *s, const char *name, struct store_user *out)
{
	return store_user_fetch(s, STORE_STMT_USER_GET, STORE_ARGS(STORE_TEXT(name)), out);
}

/* Look an account up by id. */
err_t store_user_get_by_id(struct store *s, int64_t id, struct store_user *out)
{
	return store_user_fetch(s, STORE_STMT_USER_GET_BY_ID, STORE_ARGS(STORE_INT(id)), out);
}

/* Run an UPDATE or DELETE of one account; ERR_USER_UNKNOWN when it changed
 * nothing. */
static err_t store_user_change(struct store *s, enum store_stmt id, const struct store_arg *args,
			       size_t nargs)
{
	int64_t changes;
	err_t err = store_change(s, id, args, nargs, &changes);

	if (err == ERR_OK && changes == 0)
		return ERR_USER_UNKNOWN;
	return err;
}

/* Replace an account's password hash. */
err_t store_user_set_password(struct store *s, const char *name, const char *pwhash)
{
	if (pwhash == NULL || !store_fits(pwhash, AUTH_PWHASH_TEXT))
		return ERR_DB;
	return store_user_change(s, STORE_STMT_USER_SET_PASSWORD,
				 STORE_ARGS(STORE_TEXT(name), STORE_TEXT(pwhash)));
}

/* Choose an account's interface: "new" or "legacy" (else ERR_HTTP_MALFORMED). */
err_t store_user_set_interface(struct store *s, int64_t id, const char *interface)
{
	if (interface == NULL || (strcmp(interface, "new") != 0 && strcmp(interface, "legacy") != 0))
		return ERR_HTTP_MALFORMED;
	return store_user_change(s, STORE_STMT_USER_SET_INTERFACE,
				 STORE_ARGS(STORE_INT(id), STORE_TEXT(interface)));
}

/* Delete an account; its sessions go with it by cascade. */
err_t store_user_delete(struct store *s, const char *name)
{
	return store_user_change(s, STORE_STMT_USER_DELETE, STORE_ARGS(STORE_TEXT(name)));
}

/* What store_user_each passes its row reader. */
struct store_user_walk {
	void (*fn)(const struct store_user *u, void *ctx);
	void *ctx;
};

/* Row reader for store_user_each: read the user, hand it on. */
static err_t store_user_each_row(sqlite3_stmt *st, void *ctx)
{
	struct store_user_walk *walk = ctx;
	struct store_user u;
	err_t err = store_user_read(st, &u);

	if (err == ERR_OK)
		walk->fn(&u, walk->ctx);
	return err;
}

/* Call fn for every account, ordered by name. */
err_t store_user_each(struct store *s, void (*fn)(const struct store_user *u, void *ctx),
		      void *ctx)
{
	struct store_user_walk walk = {fn, ctx};

	return store_do(s, STORE_STMT_USER_EACH, NULL, 0, store_user_each_row, &walk, NULL);
}

/* Record a new session for a user (ERR_USER_UNKNOWN when there is none). */
err_t store_session_create(struct store *s, const unsigned char hash[AUTH_HASH_BYTES],
			   int64_t user_id, const unsigned char csrf_secret[AUTH_TOKEN_BYTES],
			   int64_t now)
{
	err_t err = store_do(s, STORE_STMT_SESSION_CREATE,
			     STORE_ARGS(STORE_BLOB(hash, AUTH_HASH_BYTES), STORE_INT(user_id),
					STORE_INT(now), STORE_BLOB(csrf_secret, AUTH_TOKEN_BYTES)),
			     NULL, NULL, NULL);

	if (err != ERR_OK && s->rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return ERR_USER_UNKNOWN;
	return err;
}

/* Row reader: a touched session (user_id, created, last_seen, csrf_secret)
 * into the struct store_session ctx. */
static err_t store_session_read(sqlite3_stmt *st, void *ctx)
{
	struct store_session *out = ctx;
	const void *secret = sqlite3_column_blob(st, 3);

	if (secret == NULL || sqlite3_column_bytes(st, 3) != AUTH_TOKEN_BYTES)
		return ERR_DB;
	out->user_id = sqlite3_column_int64(st, 0);
	out->created = sqlite3_column_int64(st, 1);
	out->last_seen = sqlite3_column_int64(st, 2);
	memcpy(out->csrf_secret, secret, AUTH_TOKEN_BYTES);
	return ERR_OK;
}

/* Find a live session, mark it seen at now, in one statement. */
err_t store_session_touch(struct store *s, const unsigned char hash[AUTH_HASH_BYTES],
			  int64_t now, int64_t idle, int64_t absolute,
			  struct store_session *out)
{
	int64_t rows;
	err_t err = store_do(s, STORE_STMT_SESSION_TOUCH,
			     STORE_ARGS(STORE_BLOB(hash, AUTH_HASH_BYTES), STORE_INT(now),
					STORE_INT(idle), STORE_INT(absolute)),
			     store_session_read, out, &rows);

	if (err == ERR_OK && rows == 0)
		return ERR_NOT_FOUND;
	return err;
}

/* Forget a session (no error when it is already gone). */
err_t store_session_delete(struct store *s, const unsigned char hash[AUTH_HASH_BYTES])
{
	return store_do(s, STORE_STMT_SESSION_DELETE,
			STORE_ARGS(STORE_BLOB(hash, AUTH_HASH_BYTES)), NULL, NULL, NULL);
}

/* Remove every session store_session_touch would no longer accept. */
err_t store_session_purge(struct store *s, int64_t now, int64_t idle, int64_t absolute)
{
	return store_do(s, STORE_STMT_SESSION_PURGE,
			STORE_ARGS(STORE_INT(now), STORE_INT(idle), STORE_INT(absolute)),
			NULL, NULL, NULL);
}

/* Append one audit row (its id is ignored). action and outcome are
 * required by the schema: NULL there gives ERR_DB. */
err_t store_audit_add(struct store *s, const struct store_audit *row)
{
	return store_do(s, STORE_STMT_AUDIT_ADD,
			STORE_ARGS(STORE_INT(row->time), STORE_TEXT(row->user),
				   STORE_TEXT(row->remote_addr), STORE_TEXT(row->action),
				   STORE_TEXT(row->root), STORE_TEXT(row->path),
				   STORE_TEXT(row->target), STORE_TEXT(row->outcome),
				   STORE_TEXT(row->detail)),
			NULL, NULL, NULL);
}

/* What store_audit_each passes its row reader. */
struct store_audit_walk {
	void (*fn)(const struct store_audit *row, void *ctx);
	void *ctx;
};

/* Row reader for store_audit_each: point a struct store_audit at the row's
 * columns (STORE_AUDIT_COLUMNS) and hand it on. */
static err_t store_audit_each_row(sqlite3_stmt *st, void *ctx)
{
	struct store_audit_walk *walk = ctx;
	struct store_audit row = {
		.id = sqlite3_column_int64(st, 0),
		.time = sqlite3_column_int64(st, 1),
	};
	const char **text[] = {
		&row.user, &row.remote_addr, &row.action, &row.root,
		&row.path, &row.target, &row.outcome, &row.detail,
	};

	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
		int col = (int)i + 2;

		*text[i] = (const char *)sqlite3_column_text(st, col);
		if (*text[i] == NULL && sqlite3_column_type(st, col) != SQLITE_NULL)
			return ERR_NOMEM;
	}
	walk->fn(&row, walk->ctx);
	return ERR_OK;
}

/* Call fn for the newest `limit` rows (0: all), of one user when user is not
 * NULL, oldest first. The row's strings live until fn returns. */
err_t store_audit_each(struct store *s, const char *user, int64_t limit,
		       void (*fn)(const struct store_audit *row, void *ctx), void *ctx)
{
	struct store_audit_walk walk = {fn, ctx};
	const struct store_arg args[] = {STORE_INT(limit > 0 ? limit : -1), STORE_TEXT(user)};

	return store_do(s, user != NULL ? STORE_STMT_AUDIT_EACH_USER : STORE_STMT_AUDIT_EACH,
			args, user != NULL ? 2 : 1, store_audit_each_row, &walk, NULL);
}

/* The number of audit rows. */
err_t store_audit_count(struct store *s, int64_t *count)
{
	*count = 0;
	return store_do(s, STORE_STMT_AUDIT_COUNT, NULL, 0, store_read_ints, count, NULL);
}

/* Record one failed login. */
err_t store_login_failure_add(struct store *s, const char *user, const char *remote_addr,
			      int64_t now)
{
	return store_do(s, STORE_STMT_FAILURE_ADD,
			STORE_ARGS(STORE_INT(now), STORE_TEXT(user), STORE_TEXT(remote_addr)),
			NULL, NULL, NULL);
}

/* Count failures since `since` by user name and by address, in one query. */
err_t store_login_failure_count(struct store *s, const char *user, const char *remote_addr,
				int64_t since, int64_t *by_user, int64_t *by_addr)
{
	int64_t counts[2] = {0, 0};
	err_t err = store_do(s, STORE_STMT_FAILURE_COUNT,
			     STORE_ARGS(STORE_TEXT(user), STORE_TEXT(remote_addr), STORE_INT(since)),
			     store_read_ints, counts, NULL);

	if (by_user != NULL)
		*by_user = counts[0];
	if (by_addr != NULL)
		*by_addr = counts[1];
	return err;
}

/* Forget the failures of a user name. */
err_t store_login_failure_clear(struct store *s, const char *user)
{
	return store_do(s, STORE_STMT_FAILURE_CLEAR, STORE_ARGS(STORE_TEXT(user)),
			NULL, NULL, NULL);
}

/* What store_db_check walks the accounts with. */
struct store_db_walk {
	char db_abs[STORE_PATH_MAX];
	char *owner;
	size_t owner_size;
	bool inside;
};

/* store_user_each callback: note the first account whose roots hold the
 * database. */
static void store_db_walk_user(const struct store_user *u, void *ctx)
{
	struct store_db_walk *w = ctx;
	const char *roots[] = {u->home, u->web, u->ftp};
	const char *rel;

	for (size_t i = 0; i < sizeof roots / sizeof roots[0] && !w->inside; i++) {
		if (roots[i][0] == '/' && names_below(roots[i], w->db_abs, &rel)) {
			w->inside = true;
			snprintf(w->owner, w->owner_size, "%s", u->name);
		}
	}
}

/* Whether the database file at db_path lies inside any account's roots. */
err_t store_db_check(struct store *s, const char *db_path, char *owner, size_t owner_size)
{
	struct store_db_walk *w = calloc(1, sizeof *w);
	char *dir_copy = strdup(db_path), *base_copy = strdup(db_path), *dir = NULL, *real;
	err_t e = ERR_NOMEM;

	if (w != NULL && dir_copy != NULL && base_copy != NULL)
		dir = realpath(dirname(dir_copy), NULL);
	if (dir != NULL) {
		snprintf(w->db_abs, sizeof w->db_abs, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir,
			 basename(base_copy));
		w->owner = owner;
		w->owner_size = owner_size;
		e = store_user_each(s, store_db_walk_user, w);
		/* a database file that is itself a link: check where it leads too */
		real = e == ERR_OK && !w->inside ? realpath(db_path, NULL) : NULL;
		if (real != NULL && strcmp(real, w->db_abs) != 0) {
			snprintf(w->db_abs, sizeof w->db_abs, "%s", real);
			e = store_user_each(s, store_db_walk_user, w);
		}
		free(real);
		if (e == ERR_OK && w->inside)
			e = ERR_DB_IN_ROOT;
	} else if (w != NULL && dir_copy != NULL && base_copy != NULL) {
		e = ERR_NOT_FOUND;
	}
	free(dir);
	free(dir_copy);
	free(base_copy);
	free(w);
	return e;
}
