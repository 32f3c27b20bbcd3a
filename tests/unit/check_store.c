/* check_store: the SQLite store: migrations (from an empty file and from
 * schema 1), users and the identities of their roots, sessions (loaded with
 * their account, marked seen every STORE_SEEN_EVERY seconds), the audit log
 * (pending rows, refusals counted and capped, field lengths), login
 * counters, purging, a full or read-only disk, and several processes at
 * once. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "testutil.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define PWHASH "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
#define SQLISH "admin' OR '1'='1' --"

/* The scratch directory of the whole run (made before the tests fork,
 * removed after all of them, whether they passed or not). */
static char *run_dir;

/* The store of the current test and its file. */
static struct store *st;
static char db_path[4096];

/* Unchecked fixture: make the run's scratch directory. */
static void run_setup(void)
{
	run_dir = tu_mkdtemp("store");
}

/* Unchecked fixture: remove the run's scratch directory. */
static void run_teardown(void)
{
	tu_rm_rf(run_dir);
	free(run_dir);
}

/* A path in the run's directory no other test uses. */
static const char *fresh_path(const char *tag)
{
	static int counter;

	return tu_fmt("%s/%s-%ld-%d.db", run_dir, tag, (long)getpid(), counter++);
}

/* Checked fixture: open a new store for the test. */
static void setup(void)
{
	snprintf(db_path, sizeof db_path, "%s", fresh_path("t"));
	ck_assert_int_eq(store_open(db_path, &st), ERR_OK);
	ck_assert_ptr_nonnull(st);
}

/* Checked fixture: close the test's store. */
static void teardown(void)
{
	store_close(st);
	st = NULL;
}

/* Run one SQL statement on a separate raw connection to path and return
 * the first column of its first row as an integer (0 when no row). */
static int64_t raw_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	int64_t v = 0;
	int rc;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(db));
	rc = sqlite3_step(q);
	ck_assert_msg(rc == SQLITE_ROW || rc == SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(db));
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

/* Run SQL on a raw connection and return the first column of the first row
 * as text (static buffer; "" when none). */
static const char *raw_text(const char *path, const char *sql)
{
	static char buf[256];
	sqlite3 *db;
	sqlite3_stmt *q;

	buf[0] = '\0';
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK, "%s: %s", sql,
		      sqlite3_errmsg(db));
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0) != NULL)
		snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
	return buf;
}

/* Run an SQL script (any number of statements) on a raw connection to
 * path, creating the file when needed. */
static void raw_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	int rc;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
					 NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	ck_assert_msg(rc == SQLITE_OK, "%.200s: %s", sql, msg != NULL ? msg : "?");
	sqlite3_close(db);
}

/* Add a user with default roots and return its id. */
static int64_t add_user(const char *name)
{
	struct store_user u;

	ck_assert_int_eq(store_user_add(st, name, PWHASH, tu_fmt("/home/%s", name), NULL, NULL),
			 ERR_OK);
	ck_assert_int_eq(store_user_get(st, name, &u), ERR_OK);
	return u.id;
}

/* A distinct 32-byte value for (a, b): stands in for token hashes and
 * CSRF secrets. */
static void fill(unsigned char out[32], int a, int64_t b)
{
	memset(out, 0, 32);
	memcpy(out, &a, sizeof a);
	memcpy(out + 8, &b, sizeof b);
	out[31] = 0x5a;
}

/* fill(a, b) as an SQL blob literal (x'...'), in a tu_fmt buffer. */
static const char *fill_sql(int a, int64_t b)
{
	unsigned char v[32];
	char hex[65];

	fill(v, a, b);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", v[i]);
	return tu_fmt("x'%s'", hex);
}

/* Create a session for user_id keyed by fill(a, b) at time now. */
static err_t new_session(int64_t user_id, int a, int64_t b, int64_t now)
{
	unsigned char hash[32], secret[32];

	fill(hash, a, b);
	fill(secret, a + 1000, b);
	return store_session_create(st, hash, user_id, secret, now);
}

/* Load the session keyed by fill(a, b); out and user may be NULL. */
static err_t load(int a, int64_t b, int64_t now, int64_t idle, int64_t absolute,
		  struct store_session *out, struct store_user *user)
{
	static struct store_user ignored_user;
	struct store_session ignored;
	unsigned char hash[32];

	fill(hash, a, b);
	return store_session_load(st, hash, now, idle, absolute, out != NULL ? out : &ignored,
				  user != NULL ? user : &ignored_user);
}

/* The stored last_seen of the session keyed by fill(a, b). */
static int64_t stored_last_seen(int a, int64_t b)
{
	return raw_int(db_path, tu_fmt("SELECT last_seen FROM sessions WHERE token_hash = %s",
				       fill_sql(a, b)));
}

/* What audit_hit saw: how often it was called, and the last row's id and
 * user. */
struct audit_hit {
	int calls;
	int64_t id;
	char user[64];
};

/* store_audit_get callback: note the row. */
static void audit_hit(const struct store_audit *row, void *ctx)
{
	struct audit_hit *hit = ctx;

	hit->calls++;
	hit->id = row->id;
	snprintf(hit->user, sizeof hit->user, "%s", row->user != NULL ? row->user : "(null)");
}

/* --- migrations ---------------------------------------------------------- */

/* A new file gets every migration, WAL, and mode 0600. */
START_TEST(test_migrations)
{
	struct stat sb;

	ck_assert_int_eq(store_schema_version(st), 2);
	ck_assert_int_eq(raw_int(db_path, "PRAGMA user_version"), 2);
	ck_assert_str_eq(raw_text(db_path, "PRAGMA journal_mode"), "wal");
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
				 " AND name IN ('users', 'sessions', 'audit', 'login_counters')"), 4);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"),
			 4);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
				 " AND name IN ('sessions_user', 'audit_user', 'audit_outcome',"
				 " 'audit_time', 'login_counters_time')"), 5);
	ck_assert_int_eq(stat(db_path, &sb), 0);
	ck_assert_msg((sb.st_mode & 0777) == 0600, "mode %o", (unsigned)(sb.st_mode & 0777));
	/* SQLite gives its -wal and -shm files the database's mode */
	add_user("alice");
	for (int i = 0; i < 2; i++) {
		const char *side = tu_fmt("%s%s", db_path, i == 0 ? "-wal" : "-shm");

		ck_assert_msg(stat(side, &sb) == 0, "%s: %s", side, strerror(errno));
		ck_assert_msg((sb.st_mode & 0777) == 0600, "%s: mode %o", side,
			      (unsigned)(sb.st_mode & 0777));
	}
}
END_TEST

/* Reopening keeps the data and runs no migration again. */
START_TEST(test_reopen)
{
	struct store_user u;
	struct store_audit row = {.time = 5, .action = "login", .outcome = "done"};
	int64_t count, objects;

	add_user("alice");
	ck_assert_int_eq(store_audit_add(st, &row), ERR_OK);
	objects = raw_int(db_path, "SELECT count(*) FROM sqlite_master");
	store_close(st);
	ck_assert_int_eq(store_open(db_path, &st), ERR_OK);
	ck_assert_int_eq(store_schema_version(st), 2);
	ck_assert_int_eq(store_user_get(st, "alice", &u), ERR_OK);
	ck_assert_int_eq(store_audit_count(st, &count), ERR_OK);
	ck_assert_int_eq(count, 1);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sqlite_master"), objects);
}
END_TEST

/* Schema 1 exactly as migration 1 of store.c made it. */
static const char schema_v1[] =
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
	"PRAGMA user_version = 1;";

/* A file of schema 1 with rows in it is brought to schema 2: the rows
 * survive, the new columns have their defaults, login_failures gives way
 * to login_counters. */
START_TEST(test_migrate_from_1)
{
	const char *path = fresh_path("v1");
	struct store_session ses;
	struct store_user u;
	struct store_login_counts counts;
	struct audit_hit hit = {0};
	unsigned char secret[32];
	char copy[4096];

	snprintf(copy, sizeof copy, "%s", path);
	raw_exec(copy, schema_v1);
	raw_exec(copy, tu_fmt("INSERT INTO users (id, name, pwhash, home, web, ftp, interface,"
			      " created) VALUES (7, 'alice', '%s', '/home/alice', '/var/www/alice',"
			      " '', 'legacy', 1600000000);"
			      "INSERT INTO sessions VALUES (%s, 7, 1000, 1000, %s);"
			      "INSERT INTO audit (id, time, user, remote_addr, action, root, path,"
			      " target, outcome, detail) VALUES (3, 1234, 'alice', '::1',"
			      " 'link_create', 'home', 'a/b', '../c', 'done', NULL);"
			      "INSERT INTO login_failures (time, user, remote_addr)"
			      " VALUES (5, 'alice', '1.2.3.4');",
			      PWHASH, fill_sql(1, 1), fill_sql(1001, 1)));
	ck_assert_int_eq(raw_int(copy, "PRAGMA user_version"), 1);

	store_close(st);
	snprintf(db_path, sizeof db_path, "%s", copy);
	ck_assert_int_eq(store_open(db_path, &st), ERR_OK);
	ck_assert_int_eq(store_schema_version(st), 2);
	ck_assert_int_eq(raw_int(db_path, "PRAGMA user_version"), 2);
	ck_assert_str_eq(raw_text(db_path, "PRAGMA journal_mode"), "wal");

	/* the user, with no identity recorded for any root */
	ck_assert_int_eq(store_user_get(st, "alice", &u), ERR_OK);
	ck_assert_int_eq(u.id, 7);
	ck_assert_str_eq(u.pwhash, PWHASH);
	ck_assert_str_eq(u.home, "/home/alice");
	ck_assert_str_eq(u.web, "/var/www/alice");
	ck_assert_str_eq(u.ftp, "");
	ck_assert_str_eq(u.interface, "legacy");
	for (int i = 0; i < STORE_ROOTS; i++)
		ck_assert_msg(!u.ids[i].known, "root %d: an identity out of nowhere", i);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM users WHERE home_dev IS NULL AND"
				 " home_ino IS NULL AND web_dev IS NULL AND web_ino IS NULL AND"
				 " ftp_dev IS NULL AND ftp_ino IS NULL AND created = 1600000000"), 1);

	/* the session, still live, with its account */
	ck_assert_int_eq(load(1, 1, 1010, 100, 1000, &ses, &u), ERR_OK);
	fill(secret, 1001, 1);
	ck_assert_int_eq(ses.user_id, 7);
	ck_assert_int_eq(ses.created, 1000);
	ck_assert_mem_eq(ses.csrf_secret, secret, 32);
	ck_assert_str_eq(u.name, "alice");

	/* the audit row: aside NULL, count 1, last_time NULL, not anonymous */
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM audit WHERE id = 3 AND time = 1234"
				 " AND user = 'alice' AND remote_addr = '::1' AND action = 'link_create'"
				 " AND root = 'home' AND path = 'a/b' AND target = '../c'"
				 " AND outcome = 'done' AND detail IS NULL AND aside IS NULL"
				 " AND count = 1 AND last_time IS NULL AND anonymous = 0"), 1);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM audit"), 1);
	/* still alice's own row (not taken for an anonymous one) */
	ck_assert_int_eq(store_audit_get(st, 3, "alice", audit_hit, &hit), ERR_OK);
	ck_assert_int_eq(hit.calls, 1);
	ck_assert_int_eq(hit.id, 3);
	ck_assert_str_eq(hit.user, "alice");

	/* login_failures is gone, login_counters and the new indexes are there */
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sqlite_master"
				 " WHERE name LIKE 'login_failures%'"), 0);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
				 " AND name = 'login_counters'"), 1);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
				 " AND name IN ('audit_outcome', 'audit_time', 'login_counters_time',"
				 " 'audit_user', 'sessions_user')"), 5);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM login_counters"), 0);
	ck_assert_int_eq(store_login_attempt(st, "alice", "1.2.3.4", 2000, 60, INT64_MAX, &counts), ERR_OK);
	ck_assert_int_eq(counts.by_name_addr, 1);
	ck_assert_int_eq(counts.by_addr, 1);

	/* and opening it again changes nothing */
	store_close(st);
	ck_assert_int_eq(store_open(db_path, &st), ERR_OK);
	ck_assert_int_eq(store_schema_version(st), 2);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM audit"), 1);
}
END_TEST

/* A file from a newer filepanel (higher user_version) is refused. */
START_TEST(test_newer_schema_refused)
{
	struct store *other = (struct store *)&other;

	store_close(st);
	st = NULL;
	raw_int(db_path, "PRAGMA user_version = 99");
	ck_assert_int_eq(store_open(db_path, &other), ERR_DB);
	ck_assert_ptr_null(other);
}
END_TEST

/* A path that cannot be created is an error, not a crash. */
START_TEST(test_open_bad_path)
{
	struct store *other;

	ck_assert_int_eq(store_open(tu_fmt("%s/no/such/dir/x.db", run_dir), &other), ERR_DB);
	ck_assert_ptr_null(other);
	ck_assert_int_eq(store_open(NULL, &other), ERR_DB);
	store_close(NULL);
}
END_TEST

/* --- users --------------------------------------------------------------- */

/* Adding and reading a user, by name and by id. */
START_TEST(test_user_add_get)
{
	struct store_user u, v;

	ck_assert_int_eq(store_user_add(st, "alice", PWHASH, "/home/alice", "/var/www/alice", NULL),
			 ERR_OK);
	ck_assert_int_eq(store_user_get(st, "alice", &u), ERR_OK);
	ck_assert_str_eq(u.name, "alice");
	ck_assert_str_eq(u.pwhash, PWHASH);
	ck_assert_str_eq(u.home, "/home/alice");
	ck_assert_str_eq(u.web, "/var/www/alice");
	ck_assert_str_eq(u.ftp, "");
	ck_assert_str_eq(u.interface, "new");
	for (int i = 0; i < STORE_ROOTS; i++)
		ck_assert_msg(!u.ids[i].known, "root %d: an identity nobody recorded", i);
	ck_assert_int_gt(u.id, 0);
	ck_assert_int_eq(store_user_get_by_id(st, u.id, &v), ERR_OK);
	ck_assert_int_eq(v.id, u.id);
	ck_assert_str_eq(v.name, u.name);
	ck_assert_str_eq(v.pwhash, u.pwhash);
	ck_assert_str_eq(v.home, u.home);
	ck_assert_str_eq(v.web, u.web);
	ck_assert_str_eq(v.ftp, u.ftp);
	ck_assert_str_eq(v.interface, u.interface);
	ck_assert_int_gt(raw_int(db_path, "SELECT created FROM users"), 1600000000);
}
END_TEST

/* A second user of the same name is refused; the first is unchanged. */
START_TEST(test_user_duplicate)
{
	struct store_user u;

	add_user("alice");
	ck_assert_int_eq(store_user_add(st, "alice", "other", "/other", NULL, NULL),
			 ERR_USER_EXISTS);
	ck_assert_int_eq(store_user_get(st, "alice", &u), ERR_OK);
	ck_assert_str_eq(u.home, "/home/alice");
	/* names are compared exactly */
	ck_assert_int_eq(store_user_add(st, "Alice", PWHASH, "/home/Alice", NULL, NULL), ERR_OK);
}
END_TEST

/* Every call naming a missing user says so. */
START_TEST(test_user_unknown)
{
	static const struct store_ident none[STORE_ROOTS];
	struct store_user u;

	add_user("alice");
	ck_assert_int_eq(store_user_get(st, "bob", &u), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_get(st, "", &u), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_get_by_id(st, 999, &u), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_set_password(st, "bob", PWHASH), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_set_interface(st, 999, "legacy"), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_set_roots(st, "bob", "/x", NULL, NULL, none),
			 ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_delete(st, "bob"), ERR_USER_UNKNOWN);
}
END_TEST

struct name_case {
	const char *name;
	err_t want;
};

static const struct name_case name_cases[] = {
	{"a", ERR_OK},
	{"Z", ERR_OK},
	{"0", ERR_OK},
	{"_x", ERR_OK},
	{"a-", ERR_OK},
	{"a.", ERR_OK},
	{"A.b_c-9", ERR_OK},
	{"abcdefghijklmnopqrstuvwxyz012345", ERR_OK},     /* 32 */
	{"abcdefghijklmnopqrstuvwxyz0123456", ERR_USER_NAME}, /* 33 */
	{"", ERR_USER_NAME},
	{"-a", ERR_USER_NAME},
	{".a", ERR_USER_NAME},
	{".", ERR_USER_NAME},
	{"..", ERR_USER_NAME},
	{"a b", ERR_USER_NAME},
	{"a/b", ERR_USER_NAME},
	{"a\\b", ERR_USER_NAME},
	{"a\nb", ERR_USER_NAME},
	{"a\tb", ERR_USER_NAME},
	{"a@b", ERR_USER_NAME},
	{"caf\xc3\xa9", ERR_USER_NAME},
	{SQLISH, ERR_USER_NAME},
	{"x'); DROP TABLE users; --", ERR_USER_NAME},
	{"a;b", ERR_USER_NAME},
	{"a'", ERR_USER_NAME},
	{"a\"", ERR_USER_NAME},
	{"a%", ERR_USER_NAME},
};

/* Names are checked before anything is stored; good ones store. */
START_TEST(test_user_names)
{
	const struct name_case *c = &name_cases[_i];
	struct store_user u;
	err_t got = store_user_check_name(c->name);

	ck_assert_msg(got == c->want, "check '%s': got %s, want %s", c->name, err_code(got),
		      err_code(c->want));
	got = store_user_add(st, c->name, PWHASH, "/home/x", NULL, NULL);
	ck_assert_msg(got == c->want, "add '%s': got %s, want %s", c->name, err_code(got),
		      err_code(c->want));
	got = store_user_get(st, c->name, &u);
	ck_assert_msg(got == (c->want == ERR_OK ? ERR_OK : ERR_USER_UNKNOWN), "get '%s': got %s",
		      c->name, err_code(got));
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM users"), c->want == ERR_OK);
}
END_TEST

/* NULL name is refused too. */
START_TEST(test_user_name_null)
{
	ck_assert_int_eq(store_user_check_name(NULL), ERR_USER_NAME);
	ck_assert_int_eq(store_user_add(st, NULL, PWHASH, "/h", NULL, NULL), ERR_USER_NAME);
}
END_TEST

/* Changing password and interface. */
START_TEST(test_user_password_interface)
{
	struct store_user u;
	int64_t id = add_user("alice");

	ck_assert_int_eq(store_user_set_password(st, "alice", "$argon2id$new"), ERR_OK);
	ck_assert_int_eq(store_user_get(st, "alice", &u), ERR_OK);
	ck_assert_str_eq(u.pwhash, "$argon2id$new");
	ck_assert_int_eq(store_user_set_interface(st, id, "legacy"), ERR_OK);
	ck_assert_int_eq(store_user_get(st, "alice", &u), ERR_OK);
	ck_assert_str_eq(u.interface, "legacy");
	ck_assert_int_eq(store_user_set_interface(st, id, "bogus"), ERR_HTTP_MALFORMED);
	ck_assert_int_eq(store_user_set_interface(st, id, NULL), ERR_HTTP_MALFORMED);
	ck_assert_int_eq(store_user_get(st, "alice", &u), ERR_OK);
	ck_assert_str_eq(u.interface, "legacy");
	ck_assert_int_eq(store_user_set_interface(st, id, "new"), ERR_OK);
	ck_assert_int_eq(store_user_get_by_id(st, id, &u), ERR_OK);
	ck_assert_str_eq(u.interface, "new");
}
END_TEST

/* Strings too long for struct store_user are refused on the way in, and
 * reported (never truncated) on the way out. */
START_TEST(test_user_too_long)
{
	static const struct store_ident ids[STORE_ROOTS] = {{true, 1, 1}, {true, 2, 2}, {true, 3, 3}};
	static char longpath[STORE_PATH_MAX + 10];
	char longhash[AUTH_PWHASH_TEXT + 1];
	struct store_user u;

	memset(longpath, 'p', sizeof longpath - 1);
	longpath[0] = '/';
	memset(longhash, 'h', sizeof longhash - 1);
	longhash[sizeof longhash - 1] = '\0';
	ck_assert_int_eq(store_user_add(st, "a", PWHASH, longpath, NULL, NULL), ERR_PATH_TOO_LONG);
	ck_assert_int_eq(store_user_add(st, "a", PWHASH, "/h", longpath, NULL), ERR_PATH_TOO_LONG);
	ck_assert_int_eq(store_user_add(st, "a", PWHASH, "/h", NULL, longpath), ERR_PATH_TOO_LONG);
	ck_assert_int_eq(store_user_add(st, "a", longhash, "/h", NULL, NULL), ERR_DB);
	ck_assert_int_eq(store_user_add(st, "a", NULL, "/h", NULL, NULL), ERR_DB);
	ck_assert_int_eq(store_user_add(st, "a", PWHASH, NULL, NULL, NULL), ERR_DB);
	ck_assert_int_eq(store_user_add(st, "z", PWHASH, "/z", NULL, NULL), ERR_OK);
	/* set_roots refuses the same, changing nothing (identities included) */
	for (int i = 0; i < STORE_ROOTS; i++) {
		const char *r[STORE_ROOTS] = {NULL, NULL, NULL};

		r[i] = longpath;
		ck_assert_msg(store_user_set_roots(st, "z", r[0], r[1], r[2], ids) ==
			      ERR_PATH_TOO_LONG, "root %d", i);
	}
	ck_assert_int_eq(store_user_get(st, "z", &u), ERR_OK);
	ck_assert_str_eq(u.home, "/z");
	ck_assert_msg(!u.ids[0].known && !u.ids[1].known && !u.ids[2].known,
		      "a refused set_roots recorded identities");
	longpath[STORE_PATH_MAX - 1] = '\0'; /* exactly fits */
	ck_assert_int_eq(store_user_add(st, "a", PWHASH, longpath, NULL, NULL), ERR_OK);
	ck_assert_int_eq(store_user_get(st, "a", &u), ERR_OK);
	ck_assert_str_eq(u.home, longpath);
	ck_assert_int_eq(store_user_set_roots(st, "z", NULL, NULL, longpath, ids), ERR_OK);
	ck_assert_int_eq(store_user_get(st, "z", &u), ERR_OK);
	ck_assert_str_eq(u.ftp, longpath);
	ck_assert_int_eq(store_user_set_password(st, "a", longhash), ERR_DB);

	/* a row written by other means that does not fit */
	raw_int(db_path, "INSERT INTO users (name, pwhash, home, created)"
		" VALUES ('b', 'x', '/' || hex(zeroblob(2100)), 0)");
	ck_assert_int_eq(store_user_get(st, "b", &u), ERR_DB);
	raw_int(db_path, "INSERT INTO users (name, pwhash, home, created)"
		" VALUES ('c', 'x', '/h', 0)");
	raw_int(db_path, "UPDATE users SET name = 'c' || char(0) || 'd' WHERE name = 'c'");
	ck_assert_int_eq(store_user_get_by_id(st, raw_int(db_path, "SELECT max(id) FROM users"),
					      &u), ERR_DB);
}
END_TEST

/* Collects user names for test_user_each. */
static void collect_user(const struct store_user *u, void *ctx)
{
	char *names = ctx;

	strcat(names, u->name);
	strcat(names, ",");
}

/* store_user_each walks every user in name order. */
START_TEST(test_user_each)
{
	char names[256] = "";

	ck_assert_int_eq(store_user_each(st, collect_user, names), ERR_OK);
	ck_assert_str_eq(names, "");
	add_user("carol");
	add_user("alice");
	add_user("bob");
	ck_assert_int_eq(store_user_each(st, collect_user, names), ERR_OK);
	ck_assert_str_eq(names, "alice,bob,carol,");
}
END_TEST

/* What an account's roots should read back as. */
struct roots_state {
	char home[64], web[64], ftp[64];
	struct store_ident ids[STORE_ROOTS];
};

/* One call of store_user_set_roots, applied in order to alice (home
 * /home/alice, web /var/www/alice, no ftp, no identities). */
struct roots_step {
	const char *label;
	const char *name;
	const char *home, *web, *ftp;
	struct store_ident ids[STORE_ROOTS];
	err_t want;
};

#define ID(d, i) {.known = true, .dev = (d), .ino = (i)}
#define NO_ID {.known = false, .dev = 77, .ino = 77}
#define BIG ((uint64_t)INT64_MAX + 1)

static const struct roots_step roots_steps[] = {
	{"identities recorded, paths kept", "alice", NULL, NULL, NULL,
	 {ID(1, 2), ID(3, 4), NO_ID}, ERR_OK},
	{"web removed, ftp set", "alice", NULL, "", "/srv/ftp/alice",
	 {ID(1, 2), NO_ID, ID(5, 6)}, ERR_OK},
	{"above INT64_MAX", "alice", "/data/alice", NULL, NULL,
	 {ID(UINT64_MAX, BIG), ID(BIG + 7, UINT64_MAX - 1), ID(0, 0)}, ERR_OK},
	{"no such account", "bob", "/x", "/y", "/z", {ID(9, 9), ID(9, 9), ID(9, 9)},
	 ERR_USER_UNKNOWN},
	{"a name that differs in case", "Alice", "/x", NULL, NULL, {ID(9, 9), NO_ID, NO_ID},
	 ERR_USER_UNKNOWN},
	{"sql-looking name", SQLISH, "/x", NULL, NULL, {ID(9, 9), NO_ID, NO_ID},
	 ERR_USER_UNKNOWN},
	{"identities forgotten", "alice", NULL, NULL, NULL, {NO_ID, NO_ID, NO_ID}, ERR_OK},
	{"every root replaced", "alice", "/h2", "/w2", "/f2",
	 {ID(INT64_MAX, 1), NO_ID, ID(BIG, BIG)}, ERR_OK},
	{"home removed", "alice", "", NULL, NULL, {NO_ID, NO_ID, ID(UINT64_MAX, UINT64_MAX)},
	 ERR_OK},
};

/* Apply a successful step to the state it should leave. */
static void roots_apply(struct roots_state *s, const struct roots_step *step)
{
	if (step->home != NULL)
		snprintf(s->home, sizeof s->home, "%s", step->home);
	if (step->web != NULL)
		snprintf(s->web, sizeof s->web, "%s", step->web);
	if (step->ftp != NULL)
		snprintf(s->ftp, sizeof s->ftp, "%s", step->ftp);
	memcpy(s->ids, step->ids, sizeof s->ids);
}

/* Compare what a reader gave with the state expected. */
static void roots_check(const char *label, const char *reader, const struct store_user *u,
			const struct roots_state *want)
{
	static const char *const roots[STORE_ROOTS] = {"home", "web", "ftp"};

	ck_assert_msg(strcmp(u->home, want->home) == 0 && strcmp(u->web, want->web) == 0 &&
		      strcmp(u->ftp, want->ftp) == 0,
		      "step '%s', %s: roots '%s' '%s' '%s', want '%s' '%s' '%s'", label, reader,
		      u->home, u->web, u->ftp, want->home, want->web, want->ftp);
	for (int i = 0; i < STORE_ROOTS; i++) {
		const struct store_ident *g = &u->ids[i], *w = &want->ids[i];

		ck_assert_msg(g->known == w->known && (!w->known || (g->dev == w->dev &&
								      g->ino == w->ino)),
			      "step '%s', %s, %s: got %s %llu:%llu, want %s %llu:%llu", label,
			      reader, roots[i], g->known ? "known" : "unknown",
			      (unsigned long long)g->dev, (unsigned long long)g->ino,
			      w->known ? "known" : "unknown", (unsigned long long)w->dev,
			      (unsigned long long)w->ino);
	}
}

/* What find_user looks for and found. */
struct user_find {
	const char *name;
	int found;
	struct store_user u;
};

/* store_user_each callback: keep the user named find->name. */
static void find_user(const struct store_user *u, void *ctx)
{
	struct user_find *find = ctx;

	if (strcmp(u->name, find->name) == 0) {
		find->found++;
		find->u = *u;
	}
}

/* Check alice against want through every reader of users. */
static void roots_check_all(const char *label, int64_t id, const struct roots_state *want)
{
	static struct store_user u;
	static struct user_find find;
	struct store_session ses;

	ck_assert_int_eq(store_user_get(st, "alice", &u), ERR_OK);
	roots_check(label, "store_user_get", &u, want);
	ck_assert_int_eq(store_user_get_by_id(st, id, &u), ERR_OK);
	roots_check(label, "store_user_get_by_id", &u, want);
	memset(&find, 0, sizeof find);
	find.name = "alice";
	ck_assert_int_eq(store_user_each(st, find_user, &find), ERR_OK);
	ck_assert_int_eq(find.found, 1);
	roots_check(label, "store_user_each", &find.u, want);
	ck_assert_int_eq(load(1, 1, 1000, 100, 1000, &ses, &u), ERR_OK);
	ck_assert_int_eq(ses.user_id, id);
	roots_check(label, "store_session_load", &u, want);
}

/* store_user_set_roots: NULL keeps a path, "" removes it, identities are
 * replaced (64-bit unsigned values whole); every reader of users agrees;
 * a refused call changes nothing; other accounts are left alone. */
START_TEST(test_user_set_roots)
{
	static const struct store_ident zed_ids[STORE_ROOTS] = {ID(11, 12), NO_ID, ID(BIG, 3)};
	struct roots_state want = {"/home/alice", "/var/www/alice", "", {NO_ID, NO_ID, NO_ID}};
	struct roots_state zed = {"/z", "", "/zf", {ID(11, 12), NO_ID, ID(BIG, 3)}};
	static struct store_user u;
	int64_t id;

	ck_assert_int_eq(store_user_add(st, "alice", PWHASH, "/home/alice", "/var/www/alice",
					NULL), ERR_OK);
	ck_assert_int_eq(store_user_add(st, "zed", PWHASH, "/z", NULL, "/zf"), ERR_OK);
	ck_assert_int_eq(store_user_set_roots(st, "zed", NULL, NULL, NULL, zed_ids), ERR_OK);
	ck_assert_int_eq(store_user_get(st, "alice", &u), ERR_OK);
	id = u.id;
	ck_assert_int_eq(new_session(id, 1, 1, 1000), ERR_OK);
	roots_check_all("before", id, &want);
	for (int i = 0; i < N(roots_steps); i++) {
		const struct roots_step *step = &roots_steps[i];
		err_t got = store_user_set_roots(st, step->name, step->home, step->web, step->ftp,
						 step->ids);

		ck_assert_msg(got == step->want, "step '%s': got %s, want %s", step->label,
			      err_code(got), err_code(step->want));
		if (got == ERR_OK)
			roots_apply(&want, step);
		roots_check_all(step->label, id, &want);
		ck_assert_int_eq(store_user_get(st, "zed", &u), ERR_OK);
		roots_check(step->label, "zed", &u, &zed);
	}
}
END_TEST

/* store_db_check: whether the database file lies inside an account's
 * roots. */
START_TEST(test_db_check)
{
	char owner[STORE_NAME_MAX] = "";

	/* no account holds the scratch directory the database lies in */
	ck_assert_int_eq(store_user_add(st, "far", "h", "/srv/far", "", ""), ERR_OK);
	ck_assert_int_eq(store_db_check(st, db_path, owner, sizeof owner), ERR_OK);
	ck_assert_str_eq(owner, "");
	/* an account whose Web root holds it */
	ck_assert_int_eq(store_user_add(st, "near", "h", "/srv/near", run_dir, ""), ERR_OK);
	ck_assert_int_eq(store_db_check(st, db_path, owner, sizeof owner), ERR_DB_IN_ROOT);
	ck_assert_str_eq(owner, "near");
	/* a relative path is made canonical first */
	ck_assert_int_eq(chdir(run_dir), 0);
	ck_assert_int_eq(store_db_check(st, "./x/../x.db", owner, sizeof owner), ERR_NOT_FOUND);
	ck_assert_int_eq(store_db_check(st, "x.db", owner, sizeof owner), ERR_DB_IN_ROOT);
	/* a root that is a prefix of the path but not a parent does not count */
	ck_assert_int_eq(store_user_delete(st, "near"), ERR_OK);
	ck_assert_int_eq(store_user_add(st, "pre", "h", tu_fmt("%s-other", run_dir), "", ""), ERR_OK);
	ck_assert_int_eq(store_db_check(st, db_path, owner, sizeof owner), ERR_OK);
}
END_TEST

/* Deleting a user takes their sessions along and leaves the audit log. */
START_TEST(test_user_delete_cascade)
{
	int64_t alice = add_user("alice"), bob = add_user("bob"), count;
	struct store_audit row = {.time = 1, .user = "alice", .action = "login", .outcome = "done"};
	struct store_user u;

	ck_assert_int_eq(new_session(alice, 1, 1, 100), ERR_OK);
	ck_assert_int_eq(new_session(alice, 1, 2, 100), ERR_OK);
	ck_assert_int_eq(new_session(bob, 2, 1, 100), ERR_OK);
	ck_assert_int_eq(store_audit_add(st, &row), ERR_OK);
	ck_assert_int_eq(store_user_delete(st, "alice"), ERR_OK);
	ck_assert_int_eq(store_user_get(st, "alice", &u), ERR_USER_UNKNOWN);
	ck_assert_int_eq(load(1, 1, 100, 100, 100, NULL, NULL), ERR_NOT_FOUND);
	ck_assert_int_eq(load(1, 2, 100, 100, 100, NULL, NULL), ERR_NOT_FOUND);
	ck_assert_int_eq(load(2, 1, 100, 100, 100, NULL, &u), ERR_OK);
	ck_assert_str_eq(u.name, "bob");
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sessions"), 1);
	ck_assert_int_eq(store_audit_count(st, &count), ERR_OK);
	ck_assert_int_eq(count, 1);
	ck_assert_int_eq(store_user_delete(st, "alice"), ERR_USER_UNKNOWN);
	/* the name is free again, with a new id */
	ck_assert_int_ne(add_user("alice"), alice);
}
END_TEST

/* --- sessions ------------------------------------------------------------ */

/* Create and load: the session comes back whole with its account. */
START_TEST(test_session_create_load)
{
	int64_t alice = add_user("alice");
	struct store_session ses;
	struct store_user u;
	unsigned char secret[32];

	add_user("bob");
	ck_assert_int_eq(new_session(alice, 7, 7, 1000), ERR_OK);
	ck_assert_int_eq(load(7, 7, 1010, 100, 1000, &ses, &u), ERR_OK);
	fill(secret, 1007, 7);
	ck_assert_int_eq(ses.user_id, alice);
	ck_assert_int_eq(ses.created, 1000);
	ck_assert_int_eq(ses.last_seen, 1000); /* 10 s: not marked */
	ck_assert_mem_eq(ses.csrf_secret, secret, 32);
	ck_assert_int_eq(u.id, alice);
	ck_assert_str_eq(u.name, "alice");
	ck_assert_str_eq(u.pwhash, PWHASH);
	ck_assert_str_eq(u.home, "/home/alice");
	ck_assert_str_eq(u.interface, "new");
	ck_assert_int_eq(stored_last_seen(7, 7), 1000);
	/* unknown token, unknown user, duplicate token */
	ck_assert_int_eq(load(7, 8, 1010, 100, 1000, &ses, &u), ERR_NOT_FOUND);
	ck_assert_int_eq(new_session(alice + 100, 9, 9, 1000), ERR_USER_UNKNOWN);
	ck_assert_int_eq(new_session(alice, 7, 7, 1000), ERR_DB);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sessions"), 1);
}
END_TEST

/* One load of a session made at 1000, in order: last_seen is written only
 * when the mark is STORE_SEEN_EVERY seconds old or more. */
struct seen_step {
	int64_t now;
	int64_t last_seen; /* returned and stored after the load */
};

static const struct seen_step seen_steps[] = {
	{1000, 1000},
	{1001, 1000},
	{1000 + STORE_SEEN_EVERY - 1, 1000},
	{1000 + STORE_SEEN_EVERY, 1000 + STORE_SEEN_EVERY},
	{1000 + STORE_SEEN_EVERY + 1, 1000 + STORE_SEEN_EVERY},
	{1000 + 2 * STORE_SEEN_EVERY - 1, 1000 + STORE_SEEN_EVERY},
	{1000 + 2 * STORE_SEEN_EVERY, 1000 + 2 * STORE_SEEN_EVERY},
	{1000 + 5 * STORE_SEEN_EVERY + 7, 1000 + 5 * STORE_SEEN_EVERY + 7},
	{1000 + 5 * STORE_SEEN_EVERY + 8, 1000 + 5 * STORE_SEEN_EVERY + 7},
};

/* The granularity of last_seen: a load within STORE_SEEN_EVERY seconds of
 * the mark writes nothing, one at or past it moves the mark to now. */
START_TEST(test_session_seen_every)
{
	int64_t alice = add_user("alice");
	struct store_session ses;

	ck_assert_int_eq(new_session(alice, 1, 1, 1000), ERR_OK);
	ck_assert_int_eq(new_session(alice, 1, 2, 1000), ERR_OK);
	for (int i = 0; i < N(seen_steps); i++) {
		const struct seen_step *c = &seen_steps[i];
		err_t got = load(1, 1, c->now, 100000, 100000, &ses, NULL);

		ck_assert_msg(got == ERR_OK, "load at %lld: %s", (long long)c->now, err_code(got));
		ck_assert_msg(ses.last_seen == c->last_seen && stored_last_seen(1, 1) == c->last_seen,
			      "load at %lld: last_seen %lld returned, %lld stored, want %lld",
			      (long long)c->now, (long long)ses.last_seen,
			      (long long)stored_last_seen(1, 1), (long long)c->last_seen);
		/* the other session is never touched */
		ck_assert_int_eq(stored_last_seen(1, 2), 1000);
	}
}
END_TEST

/* A load that writes nothing does not keep the session alive: the idle
 * limit counts from the last mark. */
START_TEST(test_session_seen_idle)
{
	ck_assert_int_eq(new_session(add_user("alice"), 1, 1, 1000), ERR_OK);
	ck_assert_int_eq(load(1, 1, 1000 + STORE_SEEN_EVERY - 1, 400, 1000, NULL, NULL), ERR_OK);
	ck_assert_int_eq(stored_last_seen(1, 1), 1000);
	ck_assert_int_eq(load(1, 1, 1400, 400, 1000, NULL, NULL), ERR_NOT_FOUND);
	ck_assert_int_eq(stored_last_seen(1, 1), 1000);
}
END_TEST

struct expiry_case {
	const char *label;
	int64_t now, idle, absolute; /* the session was made at 1000 */
	err_t want;
	int64_t seen; /* last_seen stored after the load */
};

static const struct expiry_case expiry_cases[] = {
	{"at once", 1000, 100, 1000, ERR_OK, 1000},
	{"within the mark's granularity (idle 100: a quarter)", 1024, 100, 1000, ERR_OK, 1000},
	{"a quarter of idle later, marked", 1025, 100, 1000, ERR_OK, 1025},
	{"within the minute of a long idle", 1059, 1800, 28800, ERR_OK, 1000},
	{"a minute later, marked", 1060, 1800, 28800, ERR_OK, 1060},
	{"idle not reached", 1099, 100, 1000, ERR_OK, 1099},
	{"idle reached", 1100, 100, 1000, ERR_NOT_FOUND, 1000},
	{"idle passed", 5000, 100, 1000, ERR_NOT_FOUND, 1000},
	{"absolute not reached", 1499, 1000, 500, ERR_OK, 1499},
	{"absolute reached", 1500, 1000, 500, ERR_NOT_FOUND, 1000},
	{"both passed", 9999, 100, 500, ERR_NOT_FOUND, 1000},
};

/* Idle and absolute timeouts, at their edges; a refused load writes
 * nothing. */
START_TEST(test_session_expiry)
{
	const struct expiry_case *c = &expiry_cases[_i];
	struct store_user u;
	err_t got;

	ck_assert_int_eq(new_session(add_user("alice"), 1, 1, 1000), ERR_OK);
	got = load(1, 1, c->now, c->idle, c->absolute, NULL, &u);
	ck_assert_msg(got == c->want, "case '%s': got %s, want %s", c->label, err_code(got),
		      err_code(c->want));
	if (got == ERR_OK)
		ck_assert_msg(strcmp(u.name, "alice") == 0, "case '%s': user '%s'", c->label, u.name);
	ck_assert_msg(stored_last_seen(1, 1) == c->seen, "case '%s': last_seen %lld, want %lld",
		      c->label, (long long)stored_last_seen(1, 1), (long long)c->seen);
}
END_TEST

/* Activity keeps a session alive past the idle limit but never past the
 * absolute one. */
START_TEST(test_session_sliding)
{
	ck_assert_int_eq(new_session(add_user("alice"), 1, 1, 1000), ERR_OK);
	/* every 50 s: each load moves the mark (a quarter of idle, 50 s, has
	 * passed each time), within the idle limit of 200 */
	for (int64_t t = 1050; t < 1500; t += 50)
		ck_assert_msg(load(1, 1, t, 200, 500, NULL, NULL) == ERR_OK, "load at %lld",
			      (long long)t);
	ck_assert_int_eq(stored_last_seen(1, 1), 1450);
	ck_assert_int_eq(load(1, 1, 1500, 200, 500, NULL, NULL), ERR_NOT_FOUND);
}
END_TEST

/* A deleted session is gone; deleting again is harmless. */
START_TEST(test_session_delete)
{
	int64_t alice = add_user("alice");
	unsigned char hash[32];

	ck_assert_int_eq(new_session(alice, 1, 1, 1000), ERR_OK);
	ck_assert_int_eq(new_session(alice, 1, 2, 1000), ERR_OK);
	fill(hash, 1, 1);
	ck_assert_int_eq(store_session_delete(st, hash), ERR_OK);
	ck_assert_int_eq(load(1, 1, 1000, 100, 100, NULL, NULL), ERR_NOT_FOUND);
	ck_assert_int_eq(load(1, 2, 1000, 100, 100, NULL, NULL), ERR_OK);
	ck_assert_int_eq(store_session_delete(st, hash), ERR_OK);
}
END_TEST

/* store_session_delete_user ends every session of that account and no
 * other's; the account itself stays. */
START_TEST(test_session_delete_user)
{
	int64_t alice = add_user("alice"), bob = add_user("bob");
	struct store_user u;
	err_t got;

	add_user("carol");
	ck_assert_int_eq(new_session(alice, 1, 1, 1000), ERR_OK);
	ck_assert_int_eq(new_session(alice, 1, 2, 1000), ERR_OK);
	ck_assert_int_eq(new_session(alice, 1, 3, 1000), ERR_OK);
	ck_assert_int_eq(new_session(bob, 2, 1, 1000), ERR_OK);
	ck_assert_int_eq(new_session(bob, 2, 2, 1000), ERR_OK);

	ck_assert_int_eq(store_session_delete_user(st, "alice"), ERR_OK);
	for (int64_t b = 1; b <= 3; b++)
		ck_assert_msg(load(1, b, 1000, 100, 100, NULL, NULL) == ERR_NOT_FOUND,
			      "alice's session %lld survived", (long long)b);
	for (int64_t b = 1; b <= 2; b++) {
		ck_assert_msg(load(2, b, 1000, 100, 100, NULL, &u) == ERR_OK,
			      "bob's session %lld went with alice's", (long long)b);
		ck_assert_str_eq(u.name, "bob");
	}
	ck_assert_int_eq(store_user_get(st, "alice", &u), ERR_OK);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sessions"), 2);

	/* an account without sessions, and names of none, end nobody's */
	ck_assert_int_eq(store_session_delete_user(st, "carol"), ERR_OK);
	got = store_session_delete_user(st, "nobody");
	ck_assert_msg(got == ERR_OK || got == ERR_USER_UNKNOWN, "nobody: %s", err_code(got));
	got = store_session_delete_user(st, SQLISH);
	ck_assert_msg(got == ERR_OK || got == ERR_USER_UNKNOWN, "sql-looking: %s", err_code(got));
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sessions"), 2);
	/* a new session of alice's works again */
	ck_assert_int_eq(new_session(alice, 1, 4, 1000), ERR_OK);
	ck_assert_int_eq(load(1, 4, 1000, 100, 100, NULL, NULL), ERR_OK);
}
END_TEST

/* store_purge removes exactly the sessions a load would refuse (and, with
 * audit_days 0, no audit row). */
START_TEST(test_session_purge)
{
	static const struct {
		int64_t created, last_seen;
		bool kept;
	} rows[] = {
		{1000, 1000, false},  /* idle */
		{1000, 1150, true},
		{1000, 1101, true},   /* idle edge: 1200 - 100 = 1100 < 1101 */
		{1000, 1100, false},
		{600, 1190, false},   /* absolute: 1200 - 600 */
		{601, 1190, true},
	};
	const struct store_retention keep = {.idle = 100, .absolute = 600, .login_window = 3600,
					     .audit_days = 0};
	struct store_audit old = {.time = 1, .action = "login", .outcome = "done"};
	int64_t alice = add_user("alice");

	for (int i = 0; i < N(rows); i++) {
		ck_assert_int_eq(new_session(alice, 1, i, rows[i].created), ERR_OK);
		if (rows[i].last_seen != rows[i].created)
			ck_assert_int_eq(load(1, i, rows[i].last_seen, 100000, 100000, NULL, NULL),
					 ERR_OK);
		ck_assert_int_eq(stored_last_seen(1, i), rows[i].last_seen);
	}
	ck_assert_int_eq(store_audit_add(st, &old), ERR_OK);
	ck_assert_int_eq(store_purge(st, 1200, &keep), ERR_OK);
	for (int i = 0; i < N(rows); i++) {
		ck_assert_msg(raw_int(db_path, tu_fmt("SELECT count(*) FROM sessions"
						      " WHERE created = %lld AND last_seen = %lld",
						      (long long)rows[i].created,
						      (long long)rows[i].last_seen)) ==
			      (rows[i].kept ? 1 : 0), "row %d", i);
		ck_assert_msg((load(1, i, 1200, 100, 600, NULL, NULL) == ERR_OK) == rows[i].kept,
			      "row %d: purge and load disagree", i);
	}
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sessions"), 3);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM audit"), 1);
}
END_TEST

/* --- audit --------------------------------------------------------------- */

/* The text fields of an audit row, in the order audit_field gives them. */
enum {
	F_USER, F_ADDR, F_ACTION, F_ROOT, F_PATH, F_TARGET, F_OUTCOME, F_DETAIL, F_ASIDE,
	F__MAX
};

static const char *const field_names[F__MAX] = {
	"user", "remote_addr", "action", "root", "path", "target", "outcome", "detail", "aside",
};

/* The text field f of row. */
static const char **audit_field(struct store_audit *row, int f)
{
	const char **fields[F__MAX] = {
		&row->user, &row->remote_addr, &row->action, &row->root, &row->path,
		&row->target, &row->outcome, &row->detail, &row->aside,
	};

	return fields[f];
}

#define AUDIT_MAX 64

/* Audit rows copied out by collect_audit; NULL fields become "(null)". */
struct audit_seen {
	int count;
	int64_t id[AUDIT_MAX], time[AUDIT_MAX], n[AUDIT_MAX], last_time[AUDIT_MAX];
	char text[AUDIT_MAX][F__MAX][64];
};

/* Copy one field, marking NULL distinctly. */
static void copy_field(char dst[64], const char *src)
{
	snprintf(dst, 64, "%s", src != NULL ? src : "(null)");
}

/* store_audit_each callback recording every row. */
static void collect_audit(const struct store_audit *row, void *ctx)
{
	struct audit_seen *seen = ctx;
	struct store_audit copy = *row;
	int n = seen->count++;

	ck_assert_int_lt(n, AUDIT_MAX);
	seen->id[n] = row->id;
	seen->time[n] = row->time;
	seen->n[n] = row->count;
	seen->last_time[n] = row->last_time;
	for (int i = 0; i < F__MAX; i++)
		copy_field(seen->text[n][i], *audit_field(&copy, i));
}

/* Every row of the log, oldest first. */
static void all_audit(struct audit_seen *seen)
{
	memset(seen, 0, sizeof *seen);
	ck_assert_int_eq(store_audit_each(st, NULL, 0, collect_audit, seen), ERR_OK);
}

/* The number of audit rows. */
static int64_t audit_rows(void)
{
	int64_t count = -1;

	ck_assert_int_eq(store_audit_count(st, &count), ERR_OK);
	return count;
}

/* Add audit rows with times 1..count, users cycling through users[]. */
static void add_audit_rows(int count, const char *const *users, int nusers)
{
	for (int i = 1; i <= count; i++) {
		struct store_audit row = {
			.time = i, .user = users[(i - 1) % nusers], .remote_addr = "127.0.0.1",
			.action = "link_create", .root = "home", .path = tu_fmt("p%d", i),
			.target = "t", .outcome = "done", .detail = NULL,
		};

		ck_assert_int_eq(store_audit_add(st, &row), ERR_OK);
	}
}

/* Each row comes back whole, NULLs as NULLs, counted once. */
START_TEST(test_audit_fields)
{
	struct store_audit full = {
		.id = 999, .time = 42, .user = "alice", .remote_addr = "::1", .action = "link_delete",
		.root = "web", .path = "a/b", .target = "../x", .outcome = "refused",
		.detail = "not_link", .aside = ".filepanel-aside-1",
	};
	struct store_audit sparse = {.time = 43, .action = "login_failed", .outcome = "refused"};
	struct audit_seen seen;

	ck_assert_int_eq(store_audit_add(st, &full), ERR_OK);
	ck_assert_int_eq(store_audit_add(st, &sparse), ERR_OK);
	all_audit(&seen);
	ck_assert_int_eq(seen.count, 2);
	ck_assert_int_ne(seen.id[0], 999); /* the id is the store's */
	ck_assert_int_lt(seen.id[0], seen.id[1]);
	ck_assert_int_eq(seen.time[0], 42);
	ck_assert_str_eq(seen.text[0][F_USER], "alice");
	ck_assert_str_eq(seen.text[0][F_ADDR], "::1");
	ck_assert_str_eq(seen.text[0][F_ACTION], "link_delete");
	ck_assert_str_eq(seen.text[0][F_ROOT], "web");
	ck_assert_str_eq(seen.text[0][F_PATH], "a/b");
	ck_assert_str_eq(seen.text[0][F_TARGET], "../x");
	ck_assert_str_eq(seen.text[0][F_OUTCOME], "refused");
	ck_assert_str_eq(seen.text[0][F_DETAIL], "not_link");
	ck_assert_str_eq(seen.text[0][F_ASIDE], ".filepanel-aside-1");
	ck_assert_int_eq(seen.n[0], 1);
	ck_assert_int_eq(seen.time[1], 43);
	ck_assert_int_eq(seen.n[1], 1);
	for (int i = 0; i < F__MAX; i++)
		if (i != F_ACTION && i != F_OUTCOME)
			ck_assert_msg(strcmp(seen.text[1][i], "(null)") == 0, "%s: %s",
				      field_names[i], seen.text[1][i]);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM audit WHERE user IS NULL"
				 " AND path IS NULL AND detail IS NULL AND aside IS NULL"), 1);
	/* action and outcome are required */
	sparse.action = NULL;
	ck_assert_int_eq(store_audit_add(st, &sparse), ERR_DB);
	sparse.action = "login";
	sparse.outcome = NULL;
	ck_assert_int_eq(store_audit_add(st, &sparse), ERR_DB);
	ck_assert_int_eq(audit_rows(), 2);
}
END_TEST

struct audit_case {
	const char *label;
	const char *user;
	int64_t limit;
	const char *want; /* the rows' times, oldest first */
};

static const struct audit_case audit_cases[] = {
	{"all", NULL, 0, "1,2,3,4,5,6,7,"},
	{"negative limit means all", NULL, -5, "1,2,3,4,5,6,7,"},
	{"newest 3", NULL, 3, "5,6,7,"},
	{"limit 1", NULL, 1, "7,"},
	{"limit above count", NULL, 100, "1,2,3,4,5,6,7,"},
	{"alice", "alice", 0, "1,3,5,7,"},
	{"alice newest 2", "alice", 2, "5,7,"},
	{"bob", "bob", 0, "2,4,6,"},
	{"bob newest 1", "bob", 1, "6,"},
	{"nobody", "carol", 0, ""},
	{"sql-looking user", SQLISH, 0, ""},
};

/* store_audit_each: newest `limit` rows, optionally of one user, oldest
 * first. */
START_TEST(test_audit_each)
{
	static const char *const users[] = {"alice", "bob"};
	const struct audit_case *c = &audit_cases[_i];
	struct audit_seen seen;
	char got[128] = "";

	add_audit_rows(7, users, N(users));
	ck_assert_int_eq(audit_rows(), 7);
	memset(&seen, 0, sizeof seen);
	ck_assert_int_eq(store_audit_each(st, c->user, c->limit, collect_audit, &seen), ERR_OK);
	for (int i = 0; i < seen.count; i++)
		strcat(got, tu_fmt("%lld,", (long long)seen.time[i]));
	ck_assert_msg(strcmp(got, c->want) == 0, "case '%s': got '%s', want '%s'", c->label, got,
		      c->want);
}
END_TEST

/* store_audit_begin: a committed "pending" row with an id of its own,
 * whatever outcome the caller put in the row. */
START_TEST(test_audit_begin)
{
	struct store_audit row = {
		.time = 100, .user = "alice", .remote_addr = "::1", .action = "link_delete",
		.root = "home", .path = "a/b", .target = "../x", .outcome = NULL,
		.detail = NULL, .aside = ".filepanel-aside-7",
	};
	struct audit_seen seen;
	int64_t id1 = -1, id2 = -1;

	ck_assert_int_eq(store_audit_begin(st, &row, &id1), ERR_OK);
	row.time = 101;
	row.outcome = "done";
	ck_assert_int_eq(store_audit_begin(st, &row, &id2), ERR_OK);
	ck_assert_int_gt(id1, 0);
	ck_assert_int_gt(id2, id1);
	all_audit(&seen);
	ck_assert_int_eq(seen.count, 2);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(seen.id[i], i == 0 ? id1 : id2);
		ck_assert_int_eq(seen.time[i], 100 + i);
		ck_assert_str_eq(seen.text[i][F_OUTCOME], "pending");
		ck_assert_str_eq(seen.text[i][F_USER], "alice");
		ck_assert_str_eq(seen.text[i][F_PATH], "a/b");
		ck_assert_str_eq(seen.text[i][F_ASIDE], ".filepanel-aside-7");
		ck_assert_str_eq(seen.text[i][F_DETAIL], "(null)");
		ck_assert_int_eq(seen.n[i], 1);
	}
	/* committed: another connection sees both */
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM audit WHERE outcome = 'pending'"),
			 2);
	/* action is required */
	row.action = NULL;
	ck_assert_int_ne(store_audit_begin(st, &row, &id1), ERR_OK);
	ck_assert_int_eq(audit_rows(), 2);
}
END_TEST

struct finish_case {
	const char *outcome, *detail;
};

static const struct finish_case finish_cases[] = {
	{"done", NULL},
	{"failed", "io"},
	{"refused", "changed"},
};

/* store_audit_finish: the outcome, detail and time of a pending row; a
 * second finish, or one of a row that is not pending, is ERR_NOT_FOUND and
 * changes nothing. */
START_TEST(test_audit_finish)
{
	const struct finish_case *c = &finish_cases[_i];
	struct store_audit row = {.time = 100, .user = "alice", .action = "link_create",
				  .path = "p", .detail = "before"};
	struct store_audit done = {.time = 90, .user = "alice", .action = "login",
				   .outcome = "done"};
	struct audit_seen seen;
	int64_t id, other;
	err_t got;

	ck_assert_int_eq(store_audit_add(st, &done), ERR_OK);
	ck_assert_int_eq(store_audit_begin(st, &row, &id), ERR_OK);
	ck_assert_int_eq(store_audit_begin(st, &row, &other), ERR_OK);
	got = store_audit_finish(st, id, c->outcome, c->detail, 150);
	ck_assert_msg(got == ERR_OK, "%s: %s", c->outcome, err_code(got));
	got = store_audit_finish(st, id, "failed", "again", 999);
	ck_assert_msg(got == ERR_NOT_FOUND, "%s, finished twice: %s", c->outcome, err_code(got));
	ck_assert_int_eq(store_audit_finish(st, id + 1000, "done", NULL, 150), ERR_NOT_FOUND);
	ck_assert_int_eq(store_audit_finish(st, raw_int(db_path, "SELECT min(id) FROM audit"),
					    "failed", "x", 150), ERR_NOT_FOUND);
	all_audit(&seen);
	ck_assert_int_eq(seen.count, 3);
	/* the plain row */
	ck_assert_str_eq(seen.text[0][F_OUTCOME], "done");
	ck_assert_str_eq(seen.text[0][F_DETAIL], "(null)");
	/* the finished one */
	ck_assert_int_eq(seen.id[1], id);
	ck_assert_msg(strcmp(seen.text[1][F_OUTCOME], c->outcome) == 0, "%s: outcome %s",
		      c->outcome, seen.text[1][F_OUTCOME]);
	ck_assert_msg(strcmp(seen.text[1][F_DETAIL], c->detail != NULL ? c->detail : "(null)") == 0,
		      "%s: detail %s", c->outcome, seen.text[1][F_DETAIL]);
	ck_assert_int_eq(seen.time[1], 100);
	ck_assert_int_eq(seen.last_time[1], 150);
	ck_assert_str_eq(seen.text[1][F_PATH], "p");
	/* the other pending one is untouched */
	ck_assert_str_eq(seen.text[2][F_OUTCOME], "pending");
	ck_assert_str_eq(seen.text[2][F_DETAIL], "before");
}
END_TEST

/* What collect_times strings together. */
struct times_seen {
	char times[256];
	char outcomes[256];
};

/* store_audit_pending_each callback: note each row's time and outcome. */
static void collect_times(const struct store_audit *row, void *ctx)
{
	struct times_seen *seen = ctx;

	strcat(seen->times, tu_fmt("%lld,", (long long)row->time));
	strcat(seen->outcomes, tu_fmt("%s,", row->outcome));
}

struct pending_case {
	const char *label;
	int64_t before, limit;
	const char *want;
};

static const struct pending_case pending_cases[] = {
	{"all", 100, 10, "10,20,30,40,"},
	{"at or before 30", 30, 10, "10,20,30,"},
	{"before 29", 29, 10, "10,20,"},
	{"before the first", 9, 10, ""},
	{"at the first", 10, 10, "10,"},
	{"at most 2", 100, 2, "10,20,"},
	{"at most 1, at or before 30", 30, 1, "10,"},
	{"exactly as many as there are", 100, 4, "10,20,30,40,"},
	{"at most 0", 100, 0, ""},
};

/* The rows test_audit_pending_each makes, in order: added with an outcome,
 * or begun (and perhaps finished). */
static const struct {
	int64_t time;
	const char *outcome;
	bool finished;
} pending_rows[] = {
	{10, NULL, false},
	{15, "done", false},
	{20, NULL, false},
	{25, NULL, true},
	{30, NULL, false},
	{35, "refused", false},
	{40, NULL, false},
	{45, "failed", false},
};

/* store_audit_pending_each: only pending rows, at or before `before`,
 * oldest first, at most limit. */
START_TEST(test_audit_pending_each)
{
	const struct pending_case *c = &pending_cases[_i];
	struct store_audit row = {.user = "alice", .action = "link_create"};
	struct times_seen seen = {"", ""};
	char outcomes[256] = "";
	int64_t id;
	err_t got;

	for (int i = 0; i < N(pending_rows); i++) {
		row.time = pending_rows[i].time;
		row.outcome = pending_rows[i].outcome;
		if (row.outcome != NULL) {
			ck_assert_int_eq(store_audit_add(st, &row), ERR_OK);
			continue;
		}
		ck_assert_int_eq(store_audit_begin(st, &row, &id), ERR_OK);
		if (pending_rows[i].finished)
			ck_assert_int_eq(store_audit_finish(st, id, "failed", "x", row.time + 1),
					 ERR_OK);
	}
	ck_assert_int_eq(audit_rows(), 8);
	got = store_audit_pending_each(st, c->before, c->limit, collect_times, &seen);
	ck_assert_msg(got == ERR_OK, "case '%s': %s", c->label, err_code(got));
	ck_assert_msg(strcmp(seen.times, c->want) == 0, "case '%s': got '%s', want '%s'", c->label,
		      seen.times, c->want);
	for (const char *p = c->want; *p != '\0'; p++)
		if (*p == ',')
			strcat(outcomes, "pending,");
	ck_assert_msg(strcmp(seen.outcomes, outcomes) == 0, "case '%s': outcomes '%s'", c->label,
		      seen.outcomes);
}
END_TEST

struct get_case {
	const char *label;
	int row;           /* index into the rows made, or -1 for no such id */
	const char *user;
	err_t want;
};

static const struct get_case get_cases[] = {
	{"alice's row, asked by alice", 0, "alice", ERR_OK},
	{"alice's row, asked by bob", 0, "bob", ERR_NOT_FOUND},
	{"alice's row, asked by Alice", 0, "Alice", ERR_NOT_FOUND},
	{"alice's row, asked by nobody", 0, NULL, ERR_NOT_FOUND},
	{"alice's row, sql-looking user", 0, SQLISH, ERR_NOT_FOUND},
	{"bob's row, asked by bob", 1, "bob", ERR_OK},
	{"bob's row, asked by alice", 1, "alice", ERR_NOT_FOUND},
	{"anonymous refusal naming alice", 2, "alice", ERR_NOT_FOUND},
	{"row without a user", 3, "alice", ERR_NOT_FOUND},
	{"alice's own refusal", 4, "alice", ERR_OK},
	{"alice's finished row", 5, "alice", ERR_OK},
	{"no such id", -1, "alice", ERR_NOT_FOUND},
};

/* store_audit_get: only the given user's own row. */
START_TEST(test_audit_get)
{
	const struct get_case *c = &get_cases[_i];
	const struct store_refusal_limits limits = {.window = 60, .cap = 10};
	struct store_audit row = {.time = 100, .remote_addr = "::1", .action = "link_create",
				  .path = "p", .outcome = "done"};
	struct audit_hit hit = {0};
	int64_t ids[6], id;
	err_t got;

	row.user = "alice";
	ck_assert_int_eq(store_audit_begin(st, &row, &ids[0]), ERR_OK);
	row.user = "bob";
	ck_assert_int_eq(store_audit_begin(st, &row, &ids[1]), ERR_OK);
	row.user = "alice";
	row.action = "login_failed";
	ck_assert_int_eq(store_audit_refused(st, &row, true, &limits), ERR_OK);
	ids[2] = raw_int(db_path, "SELECT max(id) FROM audit");
	row.user = NULL;
	ck_assert_int_eq(store_audit_add(st, &row), ERR_OK);
	ids[3] = raw_int(db_path, "SELECT max(id) FROM audit");
	row.user = "alice";
	row.action = "link_delete";
	ck_assert_int_eq(store_audit_refused(st, &row, false, &limits), ERR_OK);
	ids[4] = raw_int(db_path, "SELECT max(id) FROM audit");
	row.action = "link_create";
	ck_assert_int_eq(store_audit_begin(st, &row, &ids[5]), ERR_OK);
	ck_assert_int_eq(store_audit_finish(st, ids[5], "done", NULL, 101), ERR_OK);
	ck_assert_int_eq(audit_rows(), 6);

	id = c->row >= 0 ? ids[c->row] : ids[5] + 1000;
	got = store_audit_get(st, id, c->user, audit_hit, &hit);
	ck_assert_msg(got == c->want, "case '%s': got %s, want %s", c->label, err_code(got),
		      err_code(c->want));
	ck_assert_msg(hit.calls == (c->want == ERR_OK ? 1 : 0), "case '%s': fn called %d times",
		      c->label, hit.calls);
	if (c->want == ERR_OK) {
		ck_assert_int_eq(hit.id, id);
		ck_assert_msg(strcmp(hit.user, c->user) == 0, "case '%s': user %s", c->label,
			      hit.user);
	}
}
END_TEST

/* --- refusals ------------------------------------------------------------ */

/* The refusal the tests start from: alice's, logged in. */
static struct store_audit base_refusal(int64_t time)
{
	return (struct store_audit){
		.time = time, .user = "alice", .remote_addr = "10.0.0.1", .action = "link_create",
		.root = "home", .path = "a/b", .target = "../x", .outcome = "refused",
		.detail = "target_outside",
	};
}

/* Record a refusal that must be accepted. */
static void refuse(const struct store_audit *row, bool anonymous,
		   const struct store_refusal_limits *limits, const char *what)
{
	err_t got = store_audit_refused(st, row, anonymous, limits);

	ck_assert_msg(got == ERR_OK, "%s: %s", what, err_code(got));
}

/* The sum of the counts of every audit row. */
static int64_t audit_count_sum(void)
{
	return raw_int(db_path, "SELECT total(count) FROM audit");
}

struct same_case {
	const char *label;
	int field;           /* the field that differs from the base, or -1 */
	const char *value;
	bool anonymous;
	int64_t time;
	int64_t rows;        /* 1: counted with the base; 2: a row of its own */
};

static const struct same_case same_cases[] = {
	{"identical", -1, NULL, false, 100, 1},
	{"identical, later in the window", -1, NULL, false, 150, 1},
	{"another action", F_ACTION, "link_delete", false, 100, 2},
	{"another user", F_USER, "bob", false, 100, 2},
	{"no user", F_USER, NULL, false, 100, 2},
	{"another address", F_ADDR, "10.0.0.2", false, 100, 2},
	{"no address", F_ADDR, NULL, false, 100, 2},
	{"another root", F_ROOT, "web", false, 100, 2},
	{"another path", F_PATH, "a/c", false, 100, 2},
	{"a path differing in case", F_PATH, "A/B", false, 100, 2},
	{"a sql-looking path", F_PATH, SQLISH, false, 100, 2},
	{"no path", F_PATH, NULL, false, 100, 2},
	{"another target", F_TARGET, "../y", false, 100, 2},
	{"another reason", F_DETAIL, "exists", false, 100, 2},
	{"no reason", F_DETAIL, NULL, false, 100, 2},
	{"anonymous", -1, NULL, true, 100, 2},
	{"outside the window", -1, NULL, false, 161, 2},
};

/* Two refusals share one row (counted twice) exactly when every field but
 * the time is the same and they fall in one window. */
START_TEST(test_refusal_same)
{
	const struct same_case *c = &same_cases[_i];
	const struct store_refusal_limits limits = {.window = 60, .cap = 10};
	struct store_audit base = base_refusal(100), other = base_refusal(c->time);
	struct audit_seen seen;

	if (c->field >= 0)
		*audit_field(&other, c->field) = c->value;
	refuse(&base, false, &limits, "base");
	refuse(&other, c->anonymous, &limits, c->label);
	all_audit(&seen);
	ck_assert_msg(seen.count == c->rows, "case '%s': %d rows, want %lld", c->label, seen.count,
		      (long long)c->rows);
	ck_assert_str_eq(seen.text[0][F_PATH], "a/b");
	ck_assert_int_eq(seen.time[0], 100);
	if (c->rows == 1) {
		ck_assert_msg(seen.n[0] == 2 && seen.last_time[0] == c->time,
			      "case '%s': count %lld, last_time %lld", c->label,
			      (long long)seen.n[0], (long long)seen.last_time[0]);
	} else {
		ck_assert_msg(seen.n[0] == 1 && seen.n[1] == 1, "case '%s': counts %lld, %lld",
			      c->label, (long long)seen.n[0], (long long)seen.n[1]);
		ck_assert_int_eq(seen.time[1], c->time);
		ck_assert_str_eq(seen.text[1][F_OUTCOME], "refused");
		if (c->field >= 0)
			ck_assert_msg(strcmp(seen.text[1][c->field],
					     c->value != NULL ? c->value : "(null)") == 0,
				      "case '%s': %s stored as '%s'", c->label,
				      field_names[c->field], seen.text[1][c->field]);
	}
}
END_TEST

/* Identical refusals within the window share one row whose count grows;
 * after it, a new row, which later ones join. */
START_TEST(test_refusal_window)
{
	const struct store_refusal_limits limits = {.window = 60, .cap = 10};
	static const struct {
		int64_t time, rows, count, last_time; /* of the newest row after it */
	} steps[] = {
		{100, 1, 1, -1},
		{110, 1, 2, 110},
		{130, 1, 3, 130},
		{159, 1, 4, 159},
		{161, 2, 1, -1},   /* 61 s after the first */
		{170, 2, 2, 170},
		{215, 2, 3, 215},
		{300, 3, 1, -1},
	};
	struct audit_seen seen;

	for (int i = 0; i < N(steps); i++) {
		struct store_audit row = base_refusal(steps[i].time);
		int n;

		refuse(&row, false, &limits, tu_fmt("at %lld", (long long)steps[i].time));
		all_audit(&seen);
		n = seen.count - 1;
		ck_assert_msg(seen.count == steps[i].rows && seen.n[n] == steps[i].count &&
			      (steps[i].last_time < 0 || seen.last_time[n] == steps[i].last_time),
			      "at %lld: %d rows, the newest counted %lld, last %lld", (long long)
			      steps[i].time, seen.count, (long long)seen.n[n],
			      (long long)seen.last_time[n]);
	}
	/* the first row kept its count and its times */
	ck_assert_int_eq(seen.time[0], 100);
	ck_assert_int_eq(seen.n[0], 4);
	ck_assert_int_eq(seen.last_time[0], 159);
	ck_assert_int_eq(audit_count_sum(), N(steps));
}
END_TEST

/* One refusal of alice's, in order, and the rows of the log after it. */
struct cap_step {
	const char *label;
	int64_t time;
	const char *action, *path, *detail;
	int64_t rows;
};

static const struct cap_step cap_steps[] = {
	{"first", 100, "link_create", "p0", "not_found", 1},
	{"second", 100, "link_create", "p1", "not_found", 2},
	{"third: the cap", 101, "link_create", "p2", "not_found", 3},
	{"over the cap: the overflow row", 102, "link_create", "p3", "not_found", 4},
	{"over the cap: counted in it", 103, "link_create", "p4", "not_found", 4},
	{"another reason: an overflow row of its own", 104, "link_create", "p5", "exists", 5},
	{"another action: an overflow row of its own", 105, "link_delete", "p6", "not_found", 6},
	{"a repeat of a row under the cap: counted there", 106, "link_create", "p1", "not_found",
	 6},
	{"the first overflow row again", 107, "link_create", "p7", "not_found", 6},
	{"the second overflow row again", 108, "link_create", "p8", "exists", 6},
	{"a new window: a row of its own again", 200, "link_create", "p9", "not_found", 7},
};

/* Over the cap, refusals are counted in one overflow row per (action,
 * reason) with no path, root, target or address. */
START_TEST(test_refusal_cap)
{
	const struct store_refusal_limits limits = {.window = 60, .cap = 3};
	struct audit_seen seen;

	for (int i = 0; i < N(cap_steps); i++) {
		const struct cap_step *c = &cap_steps[i];
		struct store_audit row = base_refusal(c->time);

		row.action = c->action;
		row.path = c->path;
		row.detail = c->detail;
		refuse(&row, false, &limits, c->label);
		ck_assert_msg(audit_rows() == c->rows, "step '%s': %lld rows, want %lld", c->label,
			      (long long)audit_rows(), (long long)c->rows);
	}
	ck_assert_int_eq(audit_count_sum(), N(cap_steps));
	all_audit(&seen);
	ck_assert_int_eq(seen.count, 7);
	/* the three under the cap, whole; p1 counted twice */
	for (int i = 0; i < 3; i++) {
		ck_assert_str_eq(seen.text[i][F_PATH], tu_fmt("p%d", i));
		ck_assert_str_eq(seen.text[i][F_ROOT], "home");
		ck_assert_str_eq(seen.text[i][F_ADDR], "10.0.0.1");
		ck_assert_int_eq(seen.n[i], i == 1 ? 2 : 1);
	}
	/* the overflow rows: alice's, with action and reason only */
	{
		static const struct {
			const char *action, *detail;
			int64_t count, time, last_time;
		} want[] = {
			{"link_create", "not_found", 3, 102, 107},
			{"link_create", "exists", 2, 104, 108},
			{"link_delete", "not_found", 1, 105, -1},
		};

		for (int i = 0; i < N(want); i++) {
			int r = 3 + i;

			ck_assert_msg(strcmp(seen.text[r][F_ACTION], want[i].action) == 0 &&
				      strcmp(seen.text[r][F_DETAIL], want[i].detail) == 0,
				      "overflow row %d: %s/%s", i, seen.text[r][F_ACTION],
				      seen.text[r][F_DETAIL]);
			ck_assert_str_eq(seen.text[r][F_USER], "alice");
			ck_assert_str_eq(seen.text[r][F_OUTCOME], "refused");
			for (int f = F_ADDR; f <= F_TARGET; f++)
				if (f != F_ACTION)
					ck_assert_msg(strcmp(seen.text[r][f], "(null)") == 0,
						      "overflow row %d: %s is '%s'", i,
						      field_names[f], seen.text[r][f]);
			ck_assert_msg(seen.n[r] == want[i].count && seen.time[r] == want[i].time &&
				      (want[i].last_time < 0 ||
				       seen.last_time[r] == want[i].last_time),
				      "overflow row %d: count %lld, time %lld, last %lld", i,
				      (long long)seen.n[r], (long long)seen.time[r],
				      (long long)seen.last_time[r]);
		}
	}
	ck_assert_str_eq(seen.text[6][F_PATH], "p9");
}
END_TEST

/* The kinds of anonymous refusal of the flood. */
static const struct {
	const char *action, *detail;
} flood_kinds[] = {
	{"login_failed", "auth_failed"},
	{"login_failed", "throttled"},
	{"link_create", "csrf"},
};

#define FLOOD 10000
#define FLOOD_CAP 50

/* 10,000 anonymous refusals, each from another address and name, leave
 * exactly cap rows of their own and one overflow row per (action,
 * reason), and every one of them is counted. */
START_TEST(test_refusal_anonymous_flood)
{
	const struct store_refusal_limits limits = {.window = 3600, .cap = FLOOD_CAP};
	int64_t kinds[N(flood_kinds)] = {0};

	for (int i = 0; i < FLOOD; i++) {
		char user[16], addr[32];
		struct store_audit row = {
			.time = 1000 + i / 20, .user = user, .remote_addr = addr,
			.action = flood_kinds[i % N(flood_kinds)].action, .outcome = "refused",
			.detail = flood_kinds[i % N(flood_kinds)].detail,
		};
		err_t got;

		snprintf(user, sizeof user, "u%d", i);
		snprintf(addr, sizeof addr, "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		got = store_audit_refused(st, &row, true, &limits);
		ck_assert_msg(got == ERR_OK, "refusal %d: %s", i, err_code(got));
		if (i >= FLOOD_CAP)
			kinds[i % N(flood_kinds)]++;
	}
	ck_assert_int_eq(audit_rows(), FLOOD_CAP + N(flood_kinds));
	ck_assert_int_eq(audit_count_sum(), FLOOD);
	/* the first cap of them, whole */
	ck_assert_int_eq(raw_int(db_path, tu_fmt("SELECT count(*) FROM audit WHERE count = 1"
						 " AND user = 'u' || (id - 1) AND remote_addr"
						 " LIKE '10.%%' AND id <= %d", FLOOD_CAP)),
			 FLOOD_CAP);
	/* the rest, one row per kind, with nobody's name or address in it */
	for (int k = 0; k < N(flood_kinds); k++)
		ck_assert_msg(raw_int(db_path, tu_fmt("SELECT count FROM audit WHERE action = '%s'"
						      " AND detail = '%s' AND user IS NULL AND"
						      " remote_addr IS NULL AND path IS NULL AND"
						      " root IS NULL AND target IS NULL",
						      flood_kinds[k].action, flood_kinds[k].detail)) ==
			      kinds[k], "kind %s/%s: counted %lld, want %lld",
			      flood_kinds[k].action, flood_kinds[k].detail,
			      (long long)raw_int(db_path, tu_fmt("SELECT total(count) FROM audit"
								 " WHERE user IS NULL AND"
								 " action = '%s' AND detail = '%s'",
								 flood_kinds[k].action,
								 flood_kinds[k].detail)),
			      (long long)kinds[k]);
}
END_TEST

/* Each account has a cap of its own, and all anonymous clients together
 * one: none eats another's. */
START_TEST(test_refusal_cap_per_account)
{
	const struct store_refusal_limits limits = {.window = 60, .cap = 3};
	static const struct {
		const char *user;
		bool anonymous;
		int paths;
	} steps[] = {
		{"alice", true, 3},   /* strangers typing alice's name: the anonymous cap */
		{"alice", false, 5},  /* alice herself: 3 rows and an overflow row */
		{"bob", false, 1},
		{"mallory", true, 4}, /* anonymous again: over its cap */
		{"carol", false, 3},
	};
	static const struct {
		const char *label, *where;
		int64_t want;
	} checks[] = {
		{"anonymous rows of their own", "anonymous = 1 AND path IS NOT NULL", 3},
		{"anonymous overflow", "anonymous = 1 AND path IS NULL AND user IS NULL AND count = 4",
		 1},
		{"alice's rows of her own", "anonymous = 0 AND user = 'alice' AND path IS NOT NULL",
		 3},
		{"alice's overflow", "anonymous = 0 AND user = 'alice' AND path IS NULL AND count = 2",
		 1},
		{"bob's row", "anonymous = 0 AND user = 'bob' AND path = 'p0'", 1},
		{"carol's rows", "anonymous = 0 AND user = 'carol' AND path IS NOT NULL", 3},
		{"every row", "1", 12},
	};

	for (int i = 0; i < N(steps); i++) {
		for (int p = 0; p < steps[i].paths; p++) {
			struct store_audit row = base_refusal(100);

			row.user = steps[i].user;
			row.path = tu_fmt("p%d", p);
			refuse(&row, steps[i].anonymous, &limits,
			       tu_fmt("%s %s p%d", steps[i].anonymous ? "anonymous" : "logged in",
				      steps[i].user, p));
		}
	}
	for (int i = 0; i < N(checks); i++) {
		int64_t got = raw_int(db_path, tu_fmt("SELECT count(*) FROM audit WHERE %s",
						      checks[i].where));

		ck_assert_msg(got == checks[i].want, "%s: %lld rows, want %lld", checks[i].label,
			      (long long)got, (long long)checks[i].want);
	}
}
END_TEST

/* --- field lengths ------------------------------------------------------- */

#define HUGE_TEXT (100 * 1024)

/* A 100 KB string of a pattern that shows where it was cut (malloc'd). */
static char *huge_text(void)
{
	char *s = malloc(HUGE_TEXT + 1);

	ck_assert_ptr_nonnull(s);
	for (size_t i = 0; i < HUGE_TEXT; i++)
		s[i] = (char)('a' + (i * 7 + i / 26) % 26);
	s[HUGE_TEXT] = '\0';
	return s;
}

/* What check_cut looks for: which field is huge, its text, and what was
 * found. */
struct cut_seen {
	int field;
	const char *huge;
	const char *others[F__MAX];
	int rows;
	size_t len;
	bool prefix, others_ok;
};

/* store_audit_each callback: measure the huge field, compare the others. */
static void check_cut(const struct store_audit *row, void *ctx)
{
	struct cut_seen *seen = ctx;
	struct store_audit copy = *row;

	seen->rows++;
	seen->others_ok = true;
	for (int f = 0; f < F__MAX; f++) {
		const char *v = *audit_field(&copy, f);

		if (f == seen->field) {
			seen->len = v != NULL ? strlen(v) : 0;
			seen->prefix = v != NULL && memcmp(v, seen->huge, seen->len) == 0;
		} else if (seen->others[f] != NULL && (v == NULL || strcmp(v, seen->others[f]) != 0)) {
			seen->others_ok = false;
		}
	}
}

enum { CUT_ADD, CUT_BEGIN, CUT_REFUSED, CUT__MAX };

static const char *const cut_calls[CUT__MAX] = {
	"store_audit_add", "store_audit_begin", "store_audit_refused",
};

/* The fields a caller sets (outcome is the call's own in two of them). */
static const int cut_fields[] = {F_USER, F_ADDR, F_ACTION, F_ROOT, F_PATH, F_TARGET, F_DETAIL,
				 F_ASIDE};

/* A 100 KB field is stored cut to STORE_FIELD_MAX bytes, through every
 * call that writes a row; the other fields are whole. */
START_TEST(test_field_max)
{
	const int field = cut_fields[_i % N(cut_fields)], call = _i / N(cut_fields);
	const struct store_refusal_limits limits = {.window = 60, .cap = 10};
	struct store_audit row = base_refusal(100);
	struct cut_seen seen = {.field = field};
	char *huge = huge_text();
	int64_t id;
	err_t got;

	row.aside = "aside";
	row.outcome = "done";
	for (int f = 0; f < F__MAX; f++)
		seen.others[f] = *audit_field(&row, f);
	seen.others[F_OUTCOME] = NULL;
	*audit_field(&row, field) = huge;
	seen.huge = huge;
	switch (call) {
	case CUT_ADD:
		got = store_audit_add(st, &row);
		break;
	case CUT_BEGIN:
		got = store_audit_begin(st, &row, &id);
		break;
	default:
		got = store_audit_refused(st, &row, false, &limits);
		break;
	}
	ck_assert_msg(got == ERR_OK, "%s, huge %s: %s", cut_calls[call], field_names[field],
		      err_code(got));
	ck_assert_int_eq(store_audit_each(st, NULL, 0, check_cut, &seen), ERR_OK);
	ck_assert_int_eq(seen.rows, 1);
	ck_assert_msg(seen.len == STORE_FIELD_MAX && seen.prefix,
		      "%s, huge %s: %zu bytes back%s, want the first %d", cut_calls[call],
		      field_names[field], seen.len, seen.prefix ? "" : " (not its start)",
		      STORE_FIELD_MAX);
	ck_assert_msg(seen.others_ok, "%s, huge %s: another field changed", cut_calls[call],
		      field_names[field]);
	ck_assert_int_eq(raw_int(db_path, tu_fmt("SELECT length(CAST(%s AS BLOB)) FROM audit",
						 field_names[field])), STORE_FIELD_MAX);
	/* the same refusal again is counted with it */
	if (call == CUT_REFUSED) {
		refuse(&row, false, &limits, "again");
		ck_assert_int_eq(audit_rows(), 1);
		ck_assert_int_eq(audit_count_sum(), 2);
	}
	free(huge);
}
END_TEST

/* A 100 KB detail given to store_audit_finish is cut the same way; so is
 * a 100 KB name counted by store_login_attempt, whose counter is still
 * found again. */
START_TEST(test_field_max_finish_login)
{
	struct store_audit row = base_refusal(100);
	struct store_login_counts counts;
	struct cut_seen seen = {.field = F_DETAIL};
	char *huge = huge_text();
	int64_t id;

	seen.huge = huge;
	ck_assert_int_eq(store_audit_begin(st, &row, &id), ERR_OK);
	ck_assert_int_eq(store_audit_finish(st, id, "failed", huge, 101), ERR_OK);
	ck_assert_int_eq(store_audit_each(st, NULL, 0, check_cut, &seen), ERR_OK);
	ck_assert_msg(seen.len == STORE_FIELD_MAX && seen.prefix, "detail: %zu bytes", seen.len);

	for (int i = 1; i <= 2; i++) {
		ck_assert_int_eq(store_login_attempt(st, huge, "10.0.0.1", 1000, 60, INT64_MAX, &counts),
				 ERR_OK);
		ck_assert_int_eq(counts.by_name_addr, i);
	}
	ck_assert_int_eq(raw_int(db_path, "SELECT max(length(CAST(name AS BLOB)))"
				 " FROM login_counters"), STORE_FIELD_MAX);
	free(huge);
}
END_TEST

/* --- login counters ------------------------------------------------------ */

#define LOGIN_WINDOW 100

/* Count one attempt that must succeed and check both counters after it. */
static void attempt(const char *label, const char *name, const char *addr, int64_t now,
		    int64_t by_name_addr, int64_t by_addr)
{
	struct store_login_counts got = {-1, -1};
	err_t e = store_login_attempt(st, name, addr, now, LOGIN_WINDOW, INT64_MAX, &got);

	ck_assert_msg(e == ERR_OK, "%s: %s", label, err_code(e));
	ck_assert_msg(got.by_name_addr == by_name_addr && got.by_addr == by_addr,
		      "%s (%s from %s at %lld): got %lld/%lld, want %lld/%lld", label, name, addr,
		      (long long)now, (long long)got.by_name_addr, (long long)got.by_addr,
		      (long long)by_name_addr, (long long)by_addr);
}

/* One attempt, in order, and the counts it must give. */
struct login_step {
	const char *label;
	const char *name, *addr;
	int64_t now, by_name_addr, by_addr;
};

static const struct login_step login_steps[] = {
	{"first", "alice", "A", 1000, 1, 1},
	{"again", "alice", "A", 1010, 2, 2},
	{"another name, same address", "bob", "A", 1020, 1, 3},
	{"same name, another address", "alice", "B", 1030, 1, 1},
	{"a name no account has", "", "A", 1040, 1, 4},
	{"names differ in case", "Alice", "A", 1050, 1, 5},
	{"a sql-looking name", SQLISH, "A", 1060, 1, 6},
	{"a sql-looking address", "alice", "' OR 1=1 --", 1070, 1, 1},
	{"alice from A, still in the window", "alice", "A", 1090, 3, 7},
	{"B, still in its own window", "alice", "B", 1120, 2, 2},
	{"A's window over: both counters start again", "alice", "A", 1150, 1, 1},
	{"bob's counter started again too", "bob", "A", 1160, 1, 2},
	{"B's window over", "alice", "B", 1200, 1, 1},
	{"A in its new window", "alice", "A", 1249, 2, 3},
	{"A's new window over", "alice", "A", 1250, 1, 1},
};

/* Counters per (name, address) and per address, each in a window that
 * starts with its first attempt and, once over, starts again. */
START_TEST(test_login_counts)
{
	for (int i = 0; i < N(login_steps); i++) {
		const struct login_step *c = &login_steps[i];

		attempt(c->label, c->name, c->addr, c->now, c->by_name_addr, c->by_addr);
	}
}
END_TEST

/* The counters test_login_succeeded and test_login_unlock start from:
 * alice 3 from A and 2 from B, bob 1 from A, carol 1 from C. */
static void login_setup(void)
{
	static const struct {
		const char *name, *addr;
	} rows[] = {
		{"alice", "A"}, {"alice", "A"}, {"alice", "A"}, {"alice", "B"}, {"alice", "B"},
		{"bob", "A"}, {"carol", "C"},
	};
	struct store_login_counts counts;

	for (int i = 0; i < N(rows); i++)
		ck_assert_int_eq(store_login_attempt(st, rows[i].name, rows[i].addr, 1000,
						     LOGIN_WINDOW, INT64_MAX, &counts), ERR_OK);
	ck_assert_int_eq(counts.by_addr, 1);
}

/* store_login_succeeded forgets that name's count from that address only. */
START_TEST(test_login_succeeded)
{
	login_setup();
	ck_assert_int_eq(store_login_succeeded(st, "alice", "A"), ERR_OK);
	/* the address gets the successful attempt back: 4 - 1 + 1 */
	attempt("alice from A, forgotten", "alice", "A", 1001, 1, 4);
	attempt("alice from B, kept", "alice", "B", 1001, 3, 3);
	attempt("bob from A, kept", "bob", "A", 1001, 2, 5);
	attempt("carol from C, kept", "carol", "C", 1001, 2, 2);
	/* nothing to forget is fine, but an address's count never goes below 0 */
	ck_assert_int_eq(store_login_succeeded(st, "dave", "A"), ERR_OK);
	ck_assert_int_eq(store_login_succeeded(st, SQLISH, "' OR 1=1 --"), ERR_OK);
	attempt("bob from A, still kept", "bob", "A", 1002, 3, 5);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(store_login_succeeded(st, "carol", "C"), ERR_OK);
	attempt("carol from C, at the floor", "carol", "C", 1002, 1, 1);
}
END_TEST

struct unlock_case {
	const char *label;
	const char *name, *addr;
	int64_t cleared;
	/* the counts of the next attempt of alice@A, alice@B, bob@A, carol@C */
	int64_t after[4][2];
};

static const struct unlock_case unlock_cases[] = {
	{"a name, from every address", "alice", NULL, 2,
	 {{1, 5}, {1, 3}, {2, 6}, {2, 2}}},
	{"a name from one address, and the address", "alice", "A", 2,
	 {{1, 1}, {3, 3}, {2, 2}, {2, 2}}},
	{"a name from an address it never used", "alice", "C", 1,
	 {{4, 5}, {3, 3}, {2, 6}, {2, 1}}},
	{"another name from a shared address", "bob", "A", 2,
	 {{4, 1}, {3, 3}, {1, 2}, {2, 2}}},
	{"a name nobody tried", "dave", NULL, 0,
	 {{4, 5}, {3, 3}, {2, 6}, {2, 2}}},
	{"a name nobody tried, from an unknown address", "dave", "Z", 0,
	 {{4, 5}, {3, 3}, {2, 6}, {2, 2}}},
	{"a sql-looking name", "' OR 1=1 --", NULL, 0,
	 {{4, 5}, {3, 3}, {2, 6}, {2, 2}}},
	{"a sql-looking name and address", SQLISH, "' OR ''='", 0,
	 {{4, 5}, {3, 3}, {2, 6}, {2, 2}}},
};

/* store_login_unlock(name, NULL) clears that name from every address;
 * (name, addr) clears that pair and the address's own counter; *cleared
 * says how many went. */
START_TEST(test_login_unlock)
{
	static const struct {
		const char *name, *addr;
	} next[4] = {{"alice", "A"}, {"alice", "B"}, {"bob", "A"}, {"carol", "C"}};
	const struct unlock_case *c = &unlock_cases[_i];
	int64_t cleared = -1;
	err_t got;

	login_setup();
	got = store_login_unlock(st, c->name, c->addr, &cleared);
	ck_assert_msg(got == ERR_OK, "case '%s': %s", c->label, err_code(got));
	ck_assert_msg(cleared == c->cleared, "case '%s': cleared %lld, want %lld", c->label,
		      (long long)cleared, (long long)c->cleared);
	for (int i = 0; i < 4; i++)
		attempt(tu_fmt("case '%s', then %s from %s", c->label, next[i].name, next[i].addr),
			next[i].name, next[i].addr, 1001, c->after[i][0], c->after[i][1]);
}
END_TEST

/* A NULL name or address is refused and counts nothing. */
/* Past its limit, an address makes no (name, address) counter more: one
 * address cannot fill the table with names. */
START_TEST(test_login_addr_limit)
{
	struct store_login_counts counts;

	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(store_login_attempt(st, tu_fmt("name%d", i), "203.0.113.7", 1000,
						     LOGIN_WINDOW, 5, &counts), ERR_OK);
		ck_assert_int_eq(counts.by_addr, i + 1);
		ck_assert_int_eq(counts.by_name_addr, i < 5 ? 1 : 0);
	}
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM login_counters WHERE kind = 0"), 5);
	ck_assert_int_eq(raw_int(db_path, "SELECT count FROM login_counters WHERE kind = 1"), 10);
}
END_TEST

START_TEST(test_login_null)
{
	struct store_login_counts counts;

	ck_assert_int_ne(store_login_attempt(st, NULL, "A", 1000, LOGIN_WINDOW, INT64_MAX, &counts), ERR_OK);
	ck_assert_int_ne(store_login_attempt(st, "alice", NULL, 1000, LOGIN_WINDOW, INT64_MAX, &counts),
			 ERR_OK);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM login_counters"), 0);
	attempt("after the refused ones", "alice", "A", 1000, 1, 1);
}
END_TEST

#define LOGIN_PROCS 8
#define LOGIN_EACH 25

/* What each racer reports through the pipe, one record per attempt. */
struct login_report {
	int64_t by_name_addr, by_addr;
	int32_t proc;
	int32_t err;
};

/* One racer: its own connection, opened after fork; waits at the gate,
 * then counts LOGIN_EACH attempts of the same name from the same address.
 * No Check calls here. */
static void login_racer(const char *path, int proc, int gate_fd, int out_fd)
{
	struct login_report r = {.proc = proc};
	struct store *s;
	char c;

	r.err = store_open(path, &s);
	if (r.err != ERR_OK) {
		if (write(out_fd, &r, sizeof r) < 0)
			_exit(3);
		_exit(1);
	}
	if (read(gate_fd, &c, 1) < 0) /* EOF when the parent lets go */
		_exit(2);
	for (int i = 0; i < LOGIN_EACH; i++) {
		struct store_login_counts counts = {0, 0};

		r.err = store_login_attempt(s, "alice", "192.0.2.1", 1000, 3600, INT64_MAX, &counts);
		r.by_name_addr = counts.by_name_addr;
		r.by_addr = counts.by_addr;
		if (write(out_fd, &r, sizeof r) != (ssize_t)sizeof r)
			_exit(3);
		if (r.err != ERR_OK)
			_exit(1);
	}
	store_close(s);
	_exit(0);
}

/* Wait for a child process and say how it ended ("" when it exited 0). */
static const char *wait_worker(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return tu_fmt("waitpid: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return "";
	if (WIFSIGNALED(status))
		return tu_fmt("killed by signal %d", WTERMSIG(status));
	return tu_fmt("exit status %d", WEXITSTATUS(status));
}

/* 8 processes count 25 attempts each of one name from one address at
 * once: every count any of them was given is given once, the two counters
 * of each attempt agree, and the counters end at exactly 200. */
START_TEST(test_login_parallel)
{
	static bool seen_name_addr[LOGIN_PROCS * LOGIN_EACH + 1],
		seen_addr[LOGIN_PROCS * LOGIN_EACH + 1];
	const int total = LOGIN_PROCS * LOGIN_EACH;
	struct login_report r;
	pid_t pid[LOGIN_PROCS];
	int gate[2], out[2], reports = 0;
	ssize_t n;

	store_close(st); /* no connection crosses fork */
	st = NULL;
	ck_assert_int_eq(pipe(gate), 0);
	ck_assert_int_eq(pipe(out), 0);
	for (int k = 0; k < LOGIN_PROCS; k++) {
		pid[k] = fork();
		ck_assert_int_ge(pid[k], 0);
		if (pid[k] == 0) {
			close(gate[1]);
			close(out[0]);
			login_racer(db_path, k, gate[0], out[1]);
		}
	}
	close(gate[0]);
	close(out[1]);
	close(gate[1]); /* they all go */
	while ((n = read(out[0], &r, sizeof r)) == (ssize_t)sizeof r) {
		reports++;
		ck_assert_msg(r.err == ERR_OK, "racer %d: %s", (int)r.proc, err_code(r.err));
		ck_assert_msg(r.by_name_addr >= 1 && r.by_name_addr <= total &&
			      !seen_name_addr[r.by_name_addr],
			      "racer %d was given (name, address) count %lld %s", (int)r.proc,
			      (long long)r.by_name_addr,
			      r.by_name_addr >= 1 && r.by_name_addr <= total ? "twice" : "");
		ck_assert_msg(r.by_addr >= 1 && r.by_addr <= total && !seen_addr[r.by_addr],
			      "racer %d was given address count %lld %s", (int)r.proc,
			      (long long)r.by_addr,
			      r.by_addr >= 1 && r.by_addr <= total ? "twice" : "");
		/* both counters move in one transaction: never one without the other */
		ck_assert_msg(r.by_name_addr == r.by_addr,
			      "racer %d was given %lld for the name and %lld for the address",
			      (int)r.proc, (long long)r.by_name_addr, (long long)r.by_addr);
		seen_name_addr[r.by_name_addr] = seen_addr[r.by_addr] = true;
	}
	ck_assert_msg(n == 0, "a short report: %zd bytes", n);
	close(out[0]);
	for (int k = 0; k < LOGIN_PROCS; k++) {
		const char *how = wait_worker(pid[k]);

		ck_assert_msg(*how == '\0', "racer %d: %s", k, how);
	}
	ck_assert_int_eq(reports, total);
	ck_assert_int_eq(raw_int(db_path, "SELECT count FROM login_counters WHERE kind = 0"), total);
	ck_assert_int_eq(raw_int(db_path, "SELECT count FROM login_counters WHERE kind = 1"), total);
	ck_assert_int_eq(store_open(db_path, &st), ERR_OK);
	{
		struct store_login_counts counts;

		ck_assert_int_eq(store_login_attempt(st, "alice", "192.0.2.1", 1000, 3600, INT64_MAX, &counts),
				 ERR_OK);
		ck_assert_int_eq(counts.by_name_addr, total + 1);
		ck_assert_int_eq(counts.by_addr, total + 1);
	}
}
END_TEST

/* --- purging ------------------------------------------------------------- */

/* store_purge drops login counters whose window is over, and only those. */
START_TEST(test_purge_login)
{
	const struct store_retention keep = {.idle = 100, .absolute = 1000,
					     .login_window = LOGIN_WINDOW, .audit_days = 0};

	attempt("alice from A", "alice", "A", 1000, 1, 1);
	attempt("bob from B", "bob", "B", 1040, 1, 1);
	attempt("carol from C", "carol", "C", 1090, 1, 1);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM login_counters"), 6);
	ck_assert_int_eq(store_purge(st, 1150, &keep), ERR_OK);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM login_counters"), 2);
	attempt("carol from C, kept", "carol", "C", 1150, 2, 2);
	attempt("alice from A, purged", "alice", "A", 1150, 1, 1);
	attempt("bob from B, purged", "bob", "B", 1150, 1, 1);
}
END_TEST

#define DAY 86400

/* store_purge drops audit rows older than audit_days, at most 1000 a
 * call, never a pending one; audit_days 0 keeps them all. */
START_TEST(test_purge_audit)
{
	const int64_t now = 100 * DAY, cutoff = now - 30 * DAY;
	const struct store_retention keep = {.idle = 100, .absolute = 1000, .login_window = 100,
					     .audit_days = 30};
	struct store_retention forever = keep;
	struct store_audit row = {.user = "alice", .action = "link_create", .outcome = "done"};
	struct times_seen pending = {"", ""};
	static const int64_t want[] = {1500 + 5 + 10 + 2 - 1000, 5 + 10 + 2, 5 + 10 + 2};
	int64_t id;

	ck_assert_int_eq(store_begin(st), ERR_OK);
	for (int i = 0; i < 1500; i++) {
		row.time = cutoff - 1 - i;
		row.outcome = i % 3 == 0 ? "done" : i % 3 == 1 ? "failed" : "refused";
		ck_assert_int_eq(store_audit_add(st, &row), ERR_OK);
	}
	ck_assert_int_eq(store_commit(st), ERR_OK);
	for (int i = 0; i < 5; i++) { /* old, but pending */
		row.time = 1 + i;
		ck_assert_int_eq(store_audit_begin(st, &row, &id), ERR_OK);
	}
	row.outcome = "done";
	for (int i = 0; i < 10; i++) { /* recent */
		row.time = cutoff + 1 + i * DAY;
		ck_assert_int_eq(store_audit_add(st, &row), ERR_OK);
	}
	/* the future, and now */
	row.time = now + DAY;
	ck_assert_int_eq(store_audit_add(st, &row), ERR_OK);
	row.time = now;
	ck_assert_int_eq(store_audit_add(st, &row), ERR_OK);

	forever.audit_days = 0;
	ck_assert_int_eq(store_purge(st, now, &forever), ERR_OK);
	ck_assert_int_eq(audit_rows(), 1500 + 5 + 10 + 2);
	for (int i = 0; i < N(want); i++) {
		ck_assert_int_eq(store_purge(st, now, &keep), ERR_OK);
		ck_assert_msg(audit_rows() == want[i], "after purge %d: %lld rows, want %lld",
			      i + 1, (long long)audit_rows(), (long long)want[i]);
	}
	ck_assert_int_eq(raw_int(db_path, tu_fmt("SELECT count(*) FROM audit WHERE time < %lld"
						 " AND outcome != 'pending'", (long long)cutoff)), 0);
	ck_assert_int_eq(store_audit_pending_each(st, now, 100, collect_times, &pending), ERR_OK);
	ck_assert_str_eq(pending.times, "1,2,3,4,5,");
}
END_TEST

/* --- a full or read-only disk -------------------------------------------- */

/* Mount a private tmpfs for this test (its own mount namespace: nobody
 * else sees it and it goes with the test's process) and return its path
 * (static). */
static const char *private_mount(void)
{
	static char dir[4096];
	const char *fork_mode = getenv("CK_FORK");

	ck_assert_msg(fork_mode == NULL || strcmp(fork_mode, "no") != 0,
		      "this test mounts a filesystem: run it with CK_FORK unset");
	snprintf(dir, sizeof dir, "%s", tu_fmt("%s/mnt-%ld", run_dir, (long)getpid()));
	ck_assert_msg(mkdir(dir, 0700) == 0, "mkdir %s: %s", dir, strerror(errno));
	ck_assert_msg(tu_private_tmpfs(dir) == 0, "tu_private_tmpfs %s: %s", dir, strerror(errno));
	return dir;
}

/* Fill the filesystem of dir with a file named filler; its path (static). */
static const char *fill_fs(const char *dir)
{
	static char path[4096];
	static const char block[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "%s/filler", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	while ((n = write(fd, block, sizeof block)) > 0)
		;
	while (n > 0 || (n = write(fd, block, 1)) > 0)
		n = 0;
	ck_assert_msg(n < 0 && errno == ENOSPC, "filling %s: %s", path, strerror(errno));
	ck_assert_int_eq(close(fd), 0);
	return path;
}

/* Empty the WAL of path through a connection of its own, so that the next
 * write must grow it; the WAL is then 0 bytes long. */
static void checkpoint_truncate(const char *path)
{
	struct stat sb;

	raw_exec(path, "PRAGMA wal_checkpoint(TRUNCATE)");
	ck_assert_int_eq(stat(tu_fmt("%s-wal", path), &sb), 0);
	ck_assert_msg(sb.st_size == 0, "the WAL is still %lld bytes", (long long)sb.st_size);
}

/* Everything the store holds, in a few numbers (static). */
static const char *store_digest(const char *path)
{
	return raw_text(path, "SELECT (SELECT count(*) || ':' || group_concat(home || web || ftp"
			" || coalesce(home_dev, '-') || coalesce(web_ino, '-')) FROM users)"
			" || '/' || (SELECT count(*) || ':' || total(last_seen) FROM sessions)"
			" || '/' || (SELECT count(*) || ':' || total(count) || ':' ||"
			" total(coalesce(last_time, 0)) || ':' || group_concat(outcome) FROM audit)"
			" || '/' || (SELECT count(*) || ':' || total(count) FROM login_counters)");
}

/* The writes the full-disk test makes, each of which must fail with
 * ERR_DB_FULL, write nothing, and work once there is room again. */
enum full_call {
	FULL_AUDIT_BEGIN, FULL_AUDIT_ADD, FULL_AUDIT_FINISH, FULL_AUDIT_REFUSED,
	FULL_LOGIN_ATTEMPT, FULL_LOGIN_UNLOCK, FULL_SESSION_CREATE, FULL_USER_ADD,
	FULL_USER_SET_ROOTS, FULL_PURGE, FULL__MAX
};

static const char *const full_calls[FULL__MAX] = {
	"store_audit_begin", "store_audit_add", "store_audit_finish", "store_audit_refused",
	"store_login_attempt", "store_login_unlock", "store_session_create", "store_user_add",
	"store_user_set_roots", "store_purge",
};

/* Make call on s (the pending row to finish is pending_id). */
static err_t full_call(struct store *s, enum full_call call, int64_t pending_id)
{
	static const struct store_ident ids[STORE_ROOTS] = {{true, 1, 2}, {true, 3, 4},
							     {true, 5, 6}};
	const struct store_refusal_limits limits = {.window = 60, .cap = 10};
	const struct store_retention keep = {.idle = 10, .absolute = 10, .login_window = 10,
					     .audit_days = 1};
	struct store_audit row = {.time = 5000, .user = "alice", .action = "link_create",
				  .path = "new", .outcome = "done"};
	struct store_login_counts counts;
	unsigned char hash[32], secret[32];
	int64_t id, cleared;

	switch (call) {
	case FULL_AUDIT_BEGIN:
		return store_audit_begin(s, &row, &id);
	case FULL_AUDIT_ADD:
		return store_audit_add(s, &row);
	case FULL_AUDIT_FINISH:
		return store_audit_finish(s, pending_id, "done", NULL, 5000);
	case FULL_AUDIT_REFUSED:
		return store_audit_refused(s, &row, true, &limits);
	case FULL_LOGIN_ATTEMPT:
		return store_login_attempt(s, "alice", "10.0.0.1", 5000, 60, INT64_MAX, &counts);
	case FULL_LOGIN_UNLOCK:
		return store_login_unlock(s, "alice", "10.0.0.2", &cleared);
	case FULL_SESSION_CREATE:
		fill(hash, 9, 9);
		fill(secret, 9, 9);
		return store_session_create(s, hash, 1, secret, 5000);
	case FULL_USER_ADD:
		return store_user_add(s, "bob", PWHASH, "/home/bob", NULL, NULL);
	case FULL_USER_SET_ROOTS:
		return store_user_set_roots(s, "alice", "/elsewhere", "", NULL, ids);
	default:
		return store_purge(s, 1000000, &keep);
	}
}

/* Open a store at path with some of everything in it; *pending_id gets a
 * pending row's id. */
static struct store *full_setup(const char *path, int64_t *pending_id)
{
	struct store_audit row = {.time = 100, .user = "alice", .action = "link_create",
				  .path = "p", .outcome = "done"};
	struct store_login_counts counts;
	unsigned char hash[32], secret[32];
	struct store *s;

	ck_assert_int_eq(store_open(path, &s), ERR_OK);
	ck_assert_int_eq(store_user_add(s, "alice", PWHASH, "/home/alice", NULL, NULL), ERR_OK);
	fill(hash, 1, 1);
	fill(secret, 1001, 1);
	ck_assert_int_eq(store_session_create(s, hash, 1, secret, 1000), ERR_OK);
	ck_assert_int_eq(store_audit_add(s, &row), ERR_OK);
	ck_assert_int_eq(store_audit_begin(s, &row, pending_id), ERR_OK);
	ck_assert_int_eq(store_login_attempt(s, "alice", "10.0.0.2", 100, 60, INT64_MAX, &counts), ERR_OK);
	return s;
}

/* On a full disk every write gives ERR_DB_FULL (not ERR_DB) and writes
 * nothing; reads still work; once there is room the same call works. */
START_TEST(test_db_full)
{
	const enum full_call call = (enum full_call)_i;
	const char *dir = private_mount(), *filler;
	struct store *s;
	struct store_session ses;
	struct store_user u;
	unsigned char hash[32];
	char path[4096], before[256];
	int64_t pending_id, count;
	err_t got;

	snprintf(path, sizeof path, "%s/full.db", dir);
	s = full_setup(path, &pending_id);
	checkpoint_truncate(path);
	filler = fill_fs(dir);
	checkpoint_truncate(path);
	snprintf(before, sizeof before, "%s", store_digest(path));

	got = full_call(s, call, pending_id);
	ck_assert_msg(got == ERR_DB_FULL, "%s on a full disk: %s, want db_full", full_calls[call],
		      err_code(got));
	ck_assert_msg(strcmp(store_digest(path), before) == 0, "%s on a full disk wrote: %s -> %s",
		      full_calls[call], before, store_digest(path));
	/* reads work; a session still loads (its mark cannot be written) */
	ck_assert_int_eq(store_audit_count(s, &count), ERR_OK);
	ck_assert_int_eq(store_user_get(s, "alice", &u), ERR_OK);
	fill(hash, 1, 1);
	ck_assert_int_eq(store_session_load(s, hash, 1000 + STORE_SEEN_EVERY, 1000, 1000, &ses, &u),
			 ERR_OK);
	ck_assert_int_eq(ses.last_seen, 1000);
	ck_assert_str_eq(u.name, "alice");
	ck_assert_str_eq(store_digest(path), before);

	ck_assert_int_eq(unlink(filler), 0);
	got = full_call(s, call, pending_id);
	ck_assert_msg(got == ERR_OK, "%s with room again: %s", full_calls[call], err_code(got));
	ck_assert_msg(strcmp(store_digest(path), before) != 0, "%s with room again wrote nothing",
		      full_calls[call]);
	store_close(s);
}
END_TEST

/* Creating a new database on a full disk gives ERR_DB_FULL. */
START_TEST(test_db_full_open)
{
	const char *dir = private_mount();
	struct store *s = (struct store *)&s;

	fill_fs(dir);
	ck_assert_int_eq(store_open(tu_fmt("%s/new.db", dir), &s), ERR_DB_FULL);
	ck_assert_ptr_null(s);
}
END_TEST

/* A migration that cannot be written (the disk is full) leaves the file as
 * it was, at schema 1 with its rows; with room again it runs whole. */
START_TEST(test_db_full_migration)
{
	const char *dir = private_mount();
	struct store *s = (struct store *)&s;
	struct store_user u;
	char path[4096];
	const char *filler;
	err_t got;

	snprintf(path, sizeof path, "%s/v1.db", dir);
	raw_exec(path, schema_v1);
	raw_exec(path, "INSERT INTO users (name, pwhash, home, created)"
		 " VALUES ('alice', 'x', '/home/alice', 1);"
		 "INSERT INTO login_failures (time, user, remote_addr) VALUES (5, 'alice', 'A');");
	filler = fill_fs(dir);
	got = store_open(path, &s);
	ck_assert_msg(got == ERR_DB_FULL, "migrating on a full disk: %s, want db_full",
		      err_code(got));
	ck_assert_ptr_null(s);
	ck_assert_int_eq(raw_int(path, "PRAGMA user_version"), 1);
	ck_assert_int_eq(raw_int(path, "SELECT count(*) FROM login_failures"), 1);
	ck_assert_int_eq(raw_int(path, "SELECT count(*) FROM sqlite_master"
				 " WHERE name = 'login_counters'"), 0);
	ck_assert_int_eq(unlink(filler), 0);
	ck_assert_int_eq(store_open(path, &s), ERR_OK);
	ck_assert_int_eq(store_schema_version(s), 2);
	ck_assert_int_eq(store_user_get(s, "alice", &u), ERR_OK);
	ck_assert_msg(!u.ids[0].known, "an identity out of nowhere");
	store_close(s);
}
END_TEST

/* The child of test_db_readonly: write a database and leave it the way a
 * process that dies leaves it (its -wal and -shm files in place). */
static void readonly_child(const char *path)
{
	struct store_audit row = {.time = 100, .user = "alice", .action = "login",
				  .outcome = "done"};
	unsigned char hash[32], secret[32];
	struct store *s;

	fill(hash, 1, 1);
	fill(secret, 1001, 1);
	if (store_open(path, &s) != ERR_OK ||
	    store_user_add(s, "alice", PWHASH, "/home/alice", NULL, NULL) != ERR_OK ||
	    store_session_create(s, hash, 1, secret, 1000) != ERR_OK ||
	    store_audit_add(s, &row) != ERR_OK)
		_exit(1);
	_exit(0); /* no store_close */
}

/* A database whose filesystem went read-only (a remount cannot happen
 * while a process has it open for writing, so the process that wrote it
 * is gone): reads work, a session loads though its mark cannot be
 * written, and a write gives ERR_DB_READONLY, writing nothing. Opening may
 * instead say ERR_DB_READONLY itself; a bare ERR_DB is wrong. */
START_TEST(test_db_readonly)
{
	const char *dir = private_mount();
	struct store_audit row = {.time = 200, .user = "alice", .action = "link_create",
				  .outcome = "done"};
	struct store_login_counts counts;
	struct store_session ses;
	struct store_user u;
	struct store *s = NULL;
	unsigned char hash[32];
	char path[4096], before[256];
	int64_t id, count;
	pid_t pid;
	err_t got;

	snprintf(path, sizeof path, "%s/ro.db", dir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		readonly_child(path);
	ck_assert_str_eq(wait_worker(pid), "");
	ck_assert_int_eq(access(tu_fmt("%s-wal", path), F_OK), 0);
	snprintf(before, sizeof before, "%s", store_digest(path));
	ck_assert_msg(mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL) == 0,
		      "remount %s read-only: %s", dir, strerror(errno));

	got = store_open(path, &s);
	ck_assert_msg(got == ERR_OK || got == ERR_DB_READONLY,
		      "store_open on a read-only filesystem: %s, want ok or db_readonly",
		      err_code(got));
	if (got != ERR_OK)
		return;
	ck_assert_int_eq(store_audit_count(s, &count), ERR_OK);
	ck_assert_int_eq(count, 1);
	fill(hash, 1, 1);
	got = store_session_load(s, hash, 1000 + 2 * STORE_SEEN_EVERY, 1000, 1000, &ses, &u);
	ck_assert_msg(got == ERR_OK, "store_session_load, read-only: %s", err_code(got));
	ck_assert_str_eq(u.name, "alice");
	got = store_audit_begin(s, &row, &id);
	ck_assert_msg(got == ERR_DB_READONLY, "store_audit_begin, read-only: %s", err_code(got));
	got = store_audit_add(s, &row);
	ck_assert_msg(got == ERR_DB_READONLY, "store_audit_add, read-only: %s", err_code(got));
	got = store_login_attempt(s, "alice", "10.0.0.1", 1000, 60, INT64_MAX, &counts);
	ck_assert_msg(got == ERR_DB_READONLY, "store_login_attempt, read-only: %s", err_code(got));
	ck_assert_str_eq(store_digest(path), before);
	store_close(s);
}
END_TEST

/* --- hostile input and transactions ------------------------------------- */

/* SQL-looking input is stored and matched literally; the schema survives. */
START_TEST(test_sql_looking)
{
	static const char *const users[] = {SQLISH, "x'); DROP TABLE users; --", "alice"};
	struct store_user u;
	struct audit_seen seen;
	int64_t cleared = -1;

	add_user("alice");
	ck_assert_int_eq(store_user_get(st, SQLISH, &u), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_set_password(st, SQLISH, PWHASH), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_delete(st, SQLISH), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_delete(st, "' OR ''='"), ERR_USER_UNKNOWN);
	add_audit_rows(3, users, N(users));
	memset(&seen, 0, sizeof seen);
	ck_assert_int_eq(store_audit_each(st, SQLISH, 0, collect_audit, &seen), ERR_OK);
	ck_assert_int_eq(seen.count, 1);
	ck_assert_str_eq(seen.text[0][F_USER], SQLISH);
	attempt("sql-looking name", SQLISH, "1.1.1.1", 5, 1, 1);
	ck_assert_int_eq(store_login_unlock(st, "' OR 1=1 --", NULL, &cleared), ERR_OK);
	ck_assert_int_eq(cleared, 0);
	ck_assert_int_eq(store_login_unlock(st, "alice", "' OR 1=1 --", &cleared), ERR_OK);
	ck_assert_int_eq(cleared, 0);
	attempt("sql-looking name, not unlocked", SQLISH, "1.1.1.1", 6, 2, 2);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"),
			 4);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM users"), 1);
	ck_assert_str_eq(raw_text(db_path, "SELECT user FROM audit WHERE id = 1"), SQLISH);
	ck_assert_int_eq(store_user_get(st, "alice", &u), ERR_OK);
}
END_TEST

/* begin/commit keeps, begin/rollback discards, nesting is refused. */
START_TEST(test_transactions)
{
	struct store_audit row = {.time = 1, .action = "login", .outcome = "done"};

	ck_assert_int_eq(store_begin(st), ERR_OK);
	ck_assert_int_eq(store_audit_add(st, &row), ERR_OK);
	ck_assert_int_eq(audit_rows(), 1);
	store_rollback(st);
	ck_assert_int_eq(audit_rows(), 0);

	ck_assert_int_eq(store_begin(st), ERR_OK);
	ck_assert_int_eq(store_begin(st), ERR_DB);
	ck_assert_int_eq(store_audit_add(st, &row), ERR_OK);
	ck_assert_int_eq(store_commit(st), ERR_OK);
	ck_assert_int_eq(audit_rows(), 1);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM audit"), 1);

	ck_assert_int_eq(store_commit(st), ERR_DB); /* nothing to commit */
	store_rollback(st);                        /* nothing to roll back: harmless */
}
END_TEST

/* --- concurrency --------------------------------------------------------- */

#define WORKERS 2
#define WORK_OPS 400 /* per worker, a quarter of each kind */

/* What each worker process reports, in memory shared with the parent. */
struct work_report {
	int64_t audit, sessions, loads;
	err_t err;
	char what[64];
};

/* Record a worker's failure and leave (no Check calls in the workers). */
static void work_fail(struct store *s, struct work_report *r, const char *what, int64_t i,
		      err_t err)
{
	r->err = err;
	snprintf(r->what, sizeof r->what, "%s at %lld", what, (long long)i);
	store_rollback(s);
	store_close(s);
	_exit(1);
}

/* One worker process: its own connection, opened after fork, writing
 * audit rows and sessions and loading sessions (which marks them), some
 * alone, some in a read-then-write transaction. */
static void work(int k, const char *path, int64_t user_id, struct work_report *r)
{
	static struct store_user user;
	struct store *s;
	struct store_audit row = {.user = "alice", .action = "link_create", .outcome = "done"};
	unsigned char hash[32], secret[32];
	struct store_session ses;
	int64_t count;
	err_t err;

	if ((err = store_open(path, &s)) != ERR_OK) {
		r->err = err;
		snprintf(r->what, sizeof r->what, "open");
		_exit(1);
	}
	fill(secret, k, 0);
	for (int64_t i = 0; i < WORK_OPS; i++) {
		row.time = i;
		row.detail = k == 0 ? "worker 0" : "worker 1";
		fill(hash, k, i);
		switch (i % 4) {
		case 0:
			if ((err = store_audit_add(s, &row)) != ERR_OK)
				work_fail(s, r, "audit_add", i, err);
			r->audit++;
			break;
		case 1:
			if ((err = store_session_create(s, hash, user_id, secret, 1000)) != ERR_OK)
				work_fail(s, r, "session_create", i, err);
			r->sessions++;
			break;
		case 2:
			if ((err = store_begin(s)) != ERR_OK)
				work_fail(s, r, "begin", i, err);
			if ((err = store_audit_count(s, &count)) != ERR_OK)
				work_fail(s, r, "count in tx", i, err);
			row.time = count;
			if ((err = store_session_create(s, hash, user_id, secret, 1000)) != ERR_OK)
				work_fail(s, r, "session_create in tx", i, err);
			if ((err = store_audit_add(s, &row)) != ERR_OK)
				work_fail(s, r, "audit_add in tx", i, err);
			if ((err = store_commit(s)) != ERR_OK)
				work_fail(s, r, "commit", i, err);
			r->audit++;
			r->sessions++;
			break;
		case 3:
			fill(hash, k, i - 2); /* made in case 1; marked when i >= 60 */
			if ((err = store_session_load(s, hash, 1000 + i, 1000000, 1000000, &ses,
						      &user)) != ERR_OK)
				work_fail(s, r, "session_load", i, err);
			if (ses.user_id != user_id || user.id != user_id)
				work_fail(s, r, "session_load: another user", i, ERR_DB);
			r->loads++;
			break;
		}
	}
	store_close(s);
	_exit(0);
}

/* Two processes write at once: no call fails (no SQLITE_BUSY escapes) and
 * no row is lost. */
START_TEST(test_concurrent_writers)
{
	struct work_report *reports;
	int64_t user_id = add_user("alice"), audit = 0, sessions = 0;
	pid_t pid[WORKERS];

	store_close(st); /* no connection crosses fork */
	st = NULL;
	reports = mmap(NULL, sizeof *reports * WORKERS, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(reports, MAP_FAILED);
	memset(reports, 0, sizeof *reports * WORKERS);
	for (int k = 0; k < WORKERS; k++) {
		pid[k] = fork();
		ck_assert_int_ge(pid[k], 0);
		if (pid[k] == 0)
			work(k, db_path, user_id, &reports[k]);
	}
	for (int k = 0; k < WORKERS; k++) {
		const char *how = wait_worker(pid[k]);

		ck_assert_msg(*how == '\0', "worker %d: %s; %s failed: %s", k, how, reports[k].what,
			      err_code(reports[k].err));
		ck_assert_msg(reports[k].audit == WORK_OPS / 2 && reports[k].sessions == WORK_OPS / 2 &&
			      reports[k].loads == WORK_OPS / 4, "worker %d: %lld/%lld/%lld", k,
			      (long long)reports[k].audit, (long long)reports[k].sessions,
			      (long long)reports[k].loads);
		audit += reports[k].audit;
		sessions += reports[k].sessions;
	}
	ck_assert_int_eq(store_open(db_path, &st), ERR_OK);
	ck_assert_msg(audit_rows() == audit, "audit rows: %lld stored, %lld acknowledged",
		      (long long)audit_rows(), (long long)audit);
	ck_assert_msg(raw_int(db_path, "SELECT count(*) FROM sessions") == sessions,
		      "sessions: %lld stored, %lld acknowledged",
		      (long long)raw_int(db_path, "SELECT count(*) FROM sessions"),
		      (long long)sessions);
	for (int k = 0; k < WORKERS; k++)
		ck_assert_int_eq(raw_int(db_path, tu_fmt("SELECT count(*) FROM audit"
							 " WHERE detail = 'worker %d'", k)),
				 reports[k].audit);
	/* the loads from i = 63 on moved their session's mark */
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sessions WHERE last_seen > 1000"),
			 WORKERS * (WORK_OPS / 4 - 15));
	munmap(reports, sizeof *reports * WORKERS);
}
END_TEST

/* One racer: wait for the start signal, open the fresh file, write a row. */
static void race_open(const char *path, int start_fd)
{
	struct store *s;
	struct store_audit row = {.time = 1, .action = "login", .outcome = "done"};
	char c;

	if (read(start_fd, &c, 1) < 0) /* EOF when the parent lets go */
		_exit(2);
	if (store_open(path, &s) != ERR_OK)
		_exit(3);
	if (store_schema_version(s) != 2)
		_exit(4);
	if (store_audit_add(s, &row) != ERR_OK)
		_exit(5);
	store_close(s);
	_exit(0);
}

/* Two processes opening a brand-new file at the same moment both succeed
 * and the schema is made once. */
START_TEST(test_concurrent_open)
{
	for (int round = 0; round < 10; round++) {
		const char *path = fresh_path("race");
		char copy[4096];
		pid_t pid[2];
		int start[2];

		snprintf(copy, sizeof copy, "%s", path);
		ck_assert_int_eq(pipe(start), 0);
		for (int k = 0; k < 2; k++) {
			pid[k] = fork();
			ck_assert_int_ge(pid[k], 0);
			if (pid[k] == 0) {
				close(start[1]);
				race_open(copy, start[0]);
			}
		}
		close(start[0]);
		close(start[1]); /* both racers go */
		for (int k = 0; k < 2; k++) {
			const char *how = wait_worker(pid[k]);

			ck_assert_msg(*how == '\0', "round %d racer %d: %s", round, k, how);
		}
		ck_assert_int_eq(raw_int(copy, "PRAGMA user_version"), 2);
		ck_assert_int_eq(raw_int(copy, "SELECT count(*) FROM audit"), 2);
		ck_assert_int_eq(raw_int(copy, "SELECT count(*) FROM sqlite_master"
					 " WHERE type = 'table'"), 4);
	}
}
END_TEST

/* A test case with the run's scratch directory and a store per test. */
static TCase *store_tcase(const char *name, int timeout)
{
	TCase *tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, run_setup, run_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, timeout);
	return tc;
}

/* The store suite. */
static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = store_tcase("core", 30);
	TCase *audit = store_tcase("audit", 30);
	TCase *login = store_tcase("login", 30);
	TCase *disk = store_tcase("disk", 30);
	TCase *volume = store_tcase("volume", 120);
	TCase *conc = store_tcase("concurrency", 60);

	tcase_add_test(tc, test_migrations);
	tcase_add_test(tc, test_reopen);
	tcase_add_test(tc, test_migrate_from_1);
	tcase_add_test(tc, test_newer_schema_refused);
	tcase_add_test(tc, test_open_bad_path);
	tcase_add_test(tc, test_user_add_get);
	tcase_add_test(tc, test_user_duplicate);
	tcase_add_test(tc, test_user_unknown);
	tcase_add_loop_test(tc, test_user_names, 0, N(name_cases));
	tcase_add_test(tc, test_user_name_null);
	tcase_add_test(tc, test_user_password_interface);
	tcase_add_test(tc, test_user_too_long);
	tcase_add_test(tc, test_user_each);
	tcase_add_test(tc, test_user_set_roots);
	tcase_add_test(tc, test_db_check);
	tcase_add_test(tc, test_user_delete_cascade);
	tcase_add_test(tc, test_session_create_load);
	tcase_add_test(tc, test_session_seen_every);
	tcase_add_test(tc, test_session_seen_idle);
	tcase_add_loop_test(tc, test_session_expiry, 0, N(expiry_cases));
	tcase_add_test(tc, test_session_sliding);
	tcase_add_test(tc, test_session_delete);
	tcase_add_test(tc, test_session_delete_user);
	tcase_add_test(tc, test_session_purge);
	tcase_add_test(tc, test_sql_looking);
	tcase_add_test(tc, test_transactions);
	suite_add_tcase(s, tc);

	tcase_add_test(audit, test_audit_fields);
	tcase_add_loop_test(audit, test_audit_each, 0, N(audit_cases));
	tcase_add_test(audit, test_audit_begin);
	tcase_add_loop_test(audit, test_audit_finish, 0, N(finish_cases));
	tcase_add_loop_test(audit, test_audit_pending_each, 0, N(pending_cases));
	tcase_add_loop_test(audit, test_audit_get, 0, N(get_cases));
	tcase_add_loop_test(audit, test_refusal_same, 0, N(same_cases));
	tcase_add_test(audit, test_refusal_window);
	tcase_add_test(audit, test_refusal_cap);
	tcase_add_test(audit, test_refusal_cap_per_account);
	tcase_add_loop_test(audit, test_field_max, 0, N(cut_fields) * CUT__MAX);
	tcase_add_test(audit, test_field_max_finish_login);
	tcase_add_test(audit, test_purge_audit);
	suite_add_tcase(s, audit);

	tcase_add_test(login, test_login_counts);
	tcase_add_test(login, test_login_succeeded);
	tcase_add_loop_test(login, test_login_unlock, 0, N(unlock_cases));
	tcase_add_test(login, test_login_null);
	tcase_add_test(login, test_login_addr_limit);
	tcase_add_test(login, test_purge_login);
	suite_add_tcase(s, login);

	tcase_add_loop_test(disk, test_db_full, 0, FULL__MAX);
	tcase_add_test(disk, test_db_full_open);
	tcase_add_test(disk, test_db_full_migration);
	tcase_add_test(disk, test_db_readonly);
	suite_add_tcase(s, disk);

	tcase_add_test(volume, test_refusal_anonymous_flood);
	suite_add_tcase(s, volume);

	tcase_add_test(conc, test_concurrent_writers);
	tcase_add_test(conc, test_concurrent_open);
	tcase_add_test(conc, test_login_parallel);
	suite_add_tcase(s, conc);
	return s;
}

/* Run the store suite. */
int main(void)
{
	return tu_run_suite(store_suite());
}
