/* store: the SQLite connection, its statements and migrations, accounts
 * and sessions. */
#include "config.h"

#include <errno.h>
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
#include "store_intern.h"

#define STORE_BUSY_TIMEOUT_MS 5000
#define STORE_RETRIES 10        /* extra attempts after busy_timeout gave up */

/* Per-connection settings, run in order before the migrations. NORMAL: in
 * WAL mode a commit survives a crash of the process, and one of the
 * machine once the next checkpoint is done; the row written before a
 * change is committed with FULL instead (store_audit_begin), so that it
 * reaches the disk before the change can. The journal is cut back to 4 MiB
 * after each checkpoint. */
static const char *const store_setup[] = {
	"PRAGMA journal_mode = WAL",
	"PRAGMA synchronous = NORMAL",
	"PRAGMA journal_size_limit = 4194304",
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
	/* 2: the identity of each root; audit rows written before a change,
	 * refusals counted; login counters per name and address */
	"ALTER TABLE users ADD COLUMN home_dev INTEGER;"
	"ALTER TABLE users ADD COLUMN home_ino INTEGER;"
	"ALTER TABLE users ADD COLUMN web_dev INTEGER;"
	"ALTER TABLE users ADD COLUMN web_ino INTEGER;"
	"ALTER TABLE users ADD COLUMN ftp_dev INTEGER;"
	"ALTER TABLE users ADD COLUMN ftp_ino INTEGER;"
	"ALTER TABLE audit ADD COLUMN aside TEXT;"
	"ALTER TABLE audit ADD COLUMN count INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE audit ADD COLUMN last_time INTEGER;"
	"ALTER TABLE audit ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX audit_outcome ON audit(outcome, time);"
	"CREATE INDEX audit_time ON audit(time);"
	"DROP TABLE login_failures;"
	"CREATE TABLE login_counters ("
	" kind INTEGER NOT NULL,"
	" name TEXT NOT NULL,"
	" addr TEXT NOT NULL,"
	" window_start INTEGER NOT NULL,"
	" count INTEGER NOT NULL,"
	" PRIMARY KEY (kind, name, addr)) WITHOUT ROWID;"
	"CREATE INDEX login_counters_time ON login_counters(window_start);"
	"PRAGMA user_version = 2;",
};

#define STORE_SCHEMA_VERSION ((int)(sizeof store_migrations / sizeof store_migrations[0]))

/* Column lists shared by the statements that read whole rows; the readers
 * depend on this order. */
#define STORE_USER_COLUMNS "id, name, pwhash, home, web, ftp, interface," \
	" home_dev, home_ino, web_dev, web_ino, ftp_dev, ftp_ino"
#define STORE_USER_COLUMNS_U "u.id, u.name, u.pwhash, u.home, u.web, u.ftp, u.interface," \
	" u.home_dev, u.home_ino, u.web_dev, u.web_ino, u.ftp_dev, u.ftp_ino"
#define STORE_AUDIT_COLUMNS "id, time, user, remote_addr, action, root, path, target," \
	" outcome, detail, aside, count, last_time"
/* The key of a refusal that others are counted with (?1 is the window). */
#define STORE_REFUSAL_KEY "action = ?2 AND user IS ?3 AND remote_addr IS ?4 AND root IS ?5" \
	" AND path IS ?6 AND target IS ?7 AND detail IS ?8 AND anonymous = ?9"

static const char *const store_sql[STORE_STMT__MAX] = {
	[STORE_STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STORE_STMT_COMMIT] = "COMMIT",
	[STORE_STMT_ROLLBACK] = "ROLLBACK",
	[STORE_STMT_USER_VERSION] = "PRAGMA user_version",
	[STORE_STMT_SYNC_FULL] = "PRAGMA synchronous = FULL",
	[STORE_STMT_SYNC_NORMAL] = "PRAGMA synchronous = NORMAL",
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
	[STORE_STMT_USER_SET_ROOTS] =
		"UPDATE users SET home = coalesce(?2, home), web = coalesce(?3, web),"
		" ftp = coalesce(?4, ftp), home_dev = ?5, home_ino = ?6, web_dev = ?7,"
		" web_ino = ?8, ftp_dev = ?9, ftp_ino = ?10 WHERE name = ?1",
	[STORE_STMT_USER_DELETE] = "DELETE FROM users WHERE name = ?1",
	[STORE_STMT_SESSION_CREATE] =
		"INSERT INTO sessions (token_hash, user_id, created, last_seen, csrf_secret)"
		" VALUES (?1, ?2, ?3, ?3, ?4)",
	[STORE_STMT_SESSION_LOAD] =
		"SELECT s.created, s.last_seen, s.csrf_secret, " STORE_USER_COLUMNS_U
		" FROM sessions s JOIN users u ON u.id = s.user_id"
		" WHERE s.token_hash = ?1 AND s.last_seen > ?2 - ?3 AND s.created > ?2 - ?4",
	[STORE_STMT_SESSION_SEEN] = "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1",
	[STORE_STMT_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?1",
	[STORE_STMT_SESSION_DELETE_USER] =
		"DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?1)",
	[STORE_STMT_SESSION_PURGE] =
		"DELETE FROM sessions WHERE last_seen <= ?1 - ?2 OR created <= ?1 - ?3",
	[STORE_STMT_AUDIT_ADD] =
		"INSERT INTO audit (time, user, remote_addr, action, root, path, target, outcome,"
		" detail, aside, anonymous, last_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
		" ?10, ?11, CASE WHEN ?8 = 'pending' THEN NULL ELSE ?1 END) RETURNING id",
	[STORE_STMT_AUDIT_FINISH] =
		"UPDATE audit SET outcome = ?2, detail = ?3, last_time = ?4"
		" WHERE id = ?1 AND outcome = 'pending'",
	[STORE_STMT_AUDIT_EACH] =
		"SELECT " STORE_AUDIT_COLUMNS " FROM (SELECT " STORE_AUDIT_COLUMNS
		" FROM audit ORDER BY id DESC LIMIT ?1) ORDER BY id",
	[STORE_STMT_AUDIT_EACH_USER] =
		"SELECT " STORE_AUDIT_COLUMNS " FROM (SELECT " STORE_AUDIT_COLUMNS
		" FROM audit WHERE user = ?2 ORDER BY id DESC LIMIT ?1) ORDER BY id",
	[STORE_STMT_AUDIT_GET] =
		"SELECT " STORE_AUDIT_COLUMNS " FROM audit WHERE id = ?1 AND user = ?2"
		" AND anonymous = 0",
	[STORE_STMT_AUDIT_PENDING] =
		"SELECT " STORE_AUDIT_COLUMNS " FROM audit WHERE outcome = 'pending'"
		" AND time <= ?1 ORDER BY id LIMIT ?2",
	[STORE_STMT_AUDIT_COUNT] = "SELECT count(*) FROM audit",
	[STORE_STMT_AUDIT_PURGE] =
		"DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE time < ?1"
		" AND outcome != 'pending' ORDER BY time LIMIT ?2)",
	[STORE_STMT_REFUSAL_FIND] =
		"SELECT id FROM audit WHERE outcome = 'refused' AND time >= ?1 AND "
		STORE_REFUSAL_KEY " ORDER BY id DESC LIMIT 1",
	[STORE_STMT_REFUSAL_BUMP] =
		"UPDATE audit SET count = count + 1, last_time = ?2 WHERE id = ?1",
	[STORE_STMT_REFUSAL_COUNT] =
		"SELECT count(*) FROM audit WHERE outcome = 'refused' AND time >= ?1"
		" AND anonymous = ?3 AND (?3 = 1 OR user IS ?2)",
	[STORE_STMT_LOGIN_BUMP] =
		"INSERT INTO login_counters (kind, name, addr, window_start, count)"
		" VALUES (?1, ?2, ?3, ?4, 1) ON CONFLICT (kind, name, addr) DO UPDATE SET"
		" count = CASE WHEN window_start <= ?4 - ?5 THEN 1 ELSE count + 1 END,"
		" window_start = CASE WHEN window_start <= ?4 - ?5 THEN ?4 ELSE window_start END"
		" RETURNING count",
	[STORE_STMT_LOGIN_FORGET] =
		"DELETE FROM login_counters WHERE kind = 0 AND name = ?1 AND addr = ?2",
	[STORE_STMT_LOGIN_GIVE_BACK] =
		"UPDATE login_counters SET count = count - 1 WHERE kind = 1 AND addr = ?1 AND count > 0",
	[STORE_STMT_LOGIN_UNLOCK] =
		"DELETE FROM login_counters WHERE kind = 0 AND name = ?1 AND (?2 IS NULL OR addr = ?2)",
	[STORE_STMT_LOGIN_UNLOCK_ADDR] =
		"DELETE FROM login_counters WHERE kind = 1 AND addr = ?1",
	[STORE_STMT_LOGIN_PURGE] = "DELETE FROM login_counters WHERE window_start <= ?1",
};

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
	case SQLITE_FULL:
		return ERR_DB_FULL;
	case SQLITE_READONLY:
		return ERR_DB_READONLY;
	default:
		return ERR_DB;
	}
}

/* Map the errno of a failed system call on the database's files. */
static err_t store_err_of_errno(int sys)
{
	if (sys == ENOSPC || sys == EDQUOT)
		return ERR_DB_FULL;
	if (sys == EROFS || sys == EACCES || sys == EPERM)
		return ERR_DB_READONLY;
	return ERR_DB;
}

/* Map the result of a statement on s, telling a full or read-only disk
 * apart by the system error behind an I/O error. */
static err_t store_err_of(struct store *s, int rc)
{
	int sys = (rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_CANTOPEN
			  ? sqlite3_system_errno(s->db) : 0;
	err_t e = sys != 0 ? store_err_of_errno(sys) : ERR_DB;

	return e != ERR_DB ? e : store_err(rc);
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
			/* no text is stored longer than STORE_FIELD_MAX bytes */
			rc = a->text == NULL ? sqlite3_bind_null(st, col)
					     : sqlite3_bind_text(st, col, a->text,
								 (int)strnlen(a->text, STORE_FIELD_MAX),
								 SQLITE_STATIC);
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

/* Run statement id with args to completion, calling row for every row. The
 * statement is reset and its bindings cleared before returning, and s->rc
 * keeps the SQLite result for callers that look at constraint codes. */
err_t store_do(struct store *s, enum store_stmt id, const struct store_arg *args,
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
	return rc == SQLITE_DONE ? ERR_OK : store_err_of(s, rc);
}

/* Run a statement that yields no rows; *changes gets the rows it changed. */
err_t store_change(struct store *s, enum store_stmt id, const struct store_arg *args,
		   size_t nargs, int64_t *changes)
{
	err_t err = store_do(s, id, args, nargs, NULL, NULL, NULL);

	*changes = err == ERR_OK ? sqlite3_changes64(s->db) : 0;
	return err;
}

/* Row reader: every column, as integers, into the int64_t array ctx. */
err_t store_read_ints(sqlite3_stmt *st, void *ctx)
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

/* Read a users row (STORE_USER_COLUMNS) starting at column c into *u. */
static err_t store_user_read_at(sqlite3_stmt *st, int c, struct store_user *u)
{
	err_t err;

	u->id = sqlite3_column_int64(st, c);
	if ((err = store_copy_text(st, c + 1, u->name, sizeof u->name)) == ERR_OK &&
	    (err = store_copy_text(st, c + 2, u->pwhash, sizeof u->pwhash)) == ERR_OK &&
	    (err = store_copy_text(st, c + 3, u->home, sizeof u->home)) == ERR_OK &&
	    (err = store_copy_text(st, c + 4, u->web, sizeof u->web)) == ERR_OK &&
	    (err = store_copy_text(st, c + 5, u->ftp, sizeof u->ftp)) == ERR_OK)
		err = store_copy_text(st, c + 6, u->interface, sizeof u->interface);
	for (int i = 0; i < STORE_ROOTS; i++) {
		int col = c + 7 + 2 * i;

		u->ids[i].known = sqlite3_column_type(st, col) != SQLITE_NULL &&
				  sqlite3_column_type(st, col + 1) != SQLITE_NULL;
		u->ids[i].dev = (uint64_t)sqlite3_column_int64(st, col);
		u->ids[i].ino = (uint64_t)sqlite3_column_int64(st, col + 1);
	}
	return err;
}

/* Row reader: a users row into the struct store_user ctx. */
static err_t store_user_read(sqlite3_stmt *st, void *ctx)
{
	return store_user_read_at(st, 0, ctx);
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
			err = store_err_of(s, store_exec(s, store_migrations[version]));
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
		return store_err_of_errno(errno);
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
			err = store_err_of(s, rc);
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

/* An identity as two statement arguments (NULL, NULL when unknown). */
#define STORE_IDENT_ARGS(id) \
	(id).known ? (struct store_arg)STORE_INT((int64_t)(id).dev) \
		   : (struct store_arg)STORE_TEXT(NULL), \
	(id).known ? (struct store_arg)STORE_INT((int64_t)(id).ino) \
		   : (struct store_arg)STORE_TEXT(NULL)

/* Replace an account's roots and their identities. */
err_t store_user_set_roots(struct store *s, const char *name, const char *home,
			   const char *web, const char *ftp,
			   const struct store_ident ids[STORE_ROOTS])
{
	if (!store_fits(home, STORE_PATH_MAX) || !store_fits(web, STORE_PATH_MAX) ||
	    !store_fits(ftp, STORE_PATH_MAX))
		return ERR_PATH_TOO_LONG;
	return store_user_change(s, STORE_STMT_USER_SET_ROOTS,
				 STORE_ARGS(STORE_TEXT(name), STORE_TEXT(home), STORE_TEXT(web),
					    STORE_TEXT(ftp), STORE_IDENT_ARGS(ids[0]),
					    STORE_IDENT_ARGS(ids[1]), STORE_IDENT_ARGS(ids[2])));
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

/* Row reader: a session with its account (SESSION_LOAD's columns) into
 * the struct store_session_load_out ctx. */
struct store_session_load_out {
	struct store_session *session;
	struct store_user *user;
};

/* Read the columns of a session row and the account after them. */
static err_t store_session_read(sqlite3_stmt *st, void *ctx)
{
	struct store_session_load_out *out = ctx;
	const void *secret = sqlite3_column_blob(st, 2);

	if (secret == NULL || sqlite3_column_bytes(st, 2) != AUTH_TOKEN_BYTES)
		return ERR_DB;
	out->session->created = sqlite3_column_int64(st, 0);
	out->session->last_seen = sqlite3_column_int64(st, 1);
	memcpy(out->session->csrf_secret, secret, AUTH_TOKEN_BYTES);
	return store_user_read_at(st, 3, out->user);
}

/* How often a session in use is marked seen: every STORE_SEEN_EVERY
 * seconds, or a quarter of the idle timeout when that is shorter, so that
 * a session in use never expires. */
static int64_t store_seen_every(int64_t idle)
{
	int64_t quarter = idle / 4 > 0 ? idle / 4 : 1;

	return quarter < STORE_SEEN_EVERY ? quarter : STORE_SEEN_EVERY;
}

/* Find a live session and its account; mark it seen now and then. */
err_t store_session_load(struct store *s, const unsigned char hash[AUTH_HASH_BYTES],
			 int64_t now, int64_t idle, int64_t absolute,
			 struct store_session *session, struct store_user *user)
{
	struct store_session_load_out out = {session, user};
	int64_t rows;
	err_t err = store_do(s, STORE_STMT_SESSION_LOAD,
			     STORE_ARGS(STORE_BLOB(hash, AUTH_HASH_BYTES), STORE_INT(now),
					STORE_INT(idle), STORE_INT(absolute)),
			     store_session_read, &out, &rows);

	if (err == ERR_OK && rows == 0)
		return ERR_NOT_FOUND;
	if (err != ERR_OK)
		return err;
	session->user_id = user->id;
	if (now - session->last_seen >= store_seen_every(idle) &&
	    store_do(s, STORE_STMT_SESSION_SEEN,
		     STORE_ARGS(STORE_BLOB(hash, AUTH_HASH_BYTES), STORE_INT(now)), NULL, NULL,
		     NULL) == ERR_OK)
		session->last_seen = now;
	return ERR_OK;
}

/* Forget a session (no error when it is already gone). */
err_t store_session_delete(struct store *s, const unsigned char hash[AUTH_HASH_BYTES])
{
	return store_do(s, STORE_STMT_SESSION_DELETE,
			STORE_ARGS(STORE_BLOB(hash, AUTH_HASH_BYTES)), NULL, NULL, NULL);
}

/* End every session of an account. */
err_t store_session_delete_user(struct store *s, const char *name)
{
	return store_do(s, STORE_STMT_SESSION_DELETE_USER, STORE_ARGS(STORE_TEXT(name)), NULL,
			NULL, NULL);
}

/* Run fn between BEGIN IMMEDIATE and COMMIT. */
err_t store_in_transaction(struct store *s, err_t (*fn)(struct store *s, void *ctx), void *ctx)
{
	err_t err = store_begin(s);

	if (err != ERR_OK)
		return err;
	err = fn(s, ctx);
	if (err == ERR_OK)
		return store_commit(s);
	store_rollback(s);
	return err;
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
