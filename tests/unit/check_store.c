/* check_store: the SQLite store: migrations, users, sessions, audit, login failures, concurrency. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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

/* Create a session for user_id keyed by fill(a, b) at time now. */
static err_t new_session(int64_t user_id, int a, int64_t b, int64_t now)
{
	unsigned char hash[32], secret[32];

	fill(hash, a, b);
	fill(secret, a + 1000, b);
	return store_session_create(st, hash, user_id, secret, now);
}

/* Touch the session keyed by fill(a, b). */
static err_t touch(int a, int64_t b, int64_t now, int64_t idle, int64_t absolute,
		   struct store_session *out)
{
	unsigned char hash[32];
	struct store_session ignored;

	fill(hash, a, b);
	return store_session_touch(st, hash, now, idle, absolute, out != NULL ? out : &ignored);
}

/* --- migrations ---------------------------------------------------------- */

/* A new file gets every migration, WAL, and mode 0600. */
START_TEST(test_migrations)
{
	struct stat sb;

	ck_assert_int_eq(store_schema_version(st), 1);
	ck_assert_int_eq(raw_int(db_path, "PRAGMA user_version"), 1);
	ck_assert_str_eq(raw_text(db_path, "PRAGMA journal_mode"), "wal");
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
				 " AND name IN ('users', 'sessions', 'audit', 'login_failures')"), 4);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
				 " AND name IN ('audit_user', 'login_failures_user',"
				 " 'login_failures_addr')"), 3);
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
	ck_assert_int_eq(store_schema_version(st), 1);
	ck_assert_int_eq(store_user_get(st, "alice", &u), ERR_OK);
	ck_assert_int_eq(store_audit_count(st, &count), ERR_OK);
	ck_assert_int_eq(count, 1);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sqlite_master"), objects);
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
	struct store_user u;

	add_user("alice");
	ck_assert_int_eq(store_user_get(st, "bob", &u), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_get(st, "", &u), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_get_by_id(st, 999, &u), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_set_password(st, "bob", PWHASH), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_set_interface(st, 999, "legacy"), ERR_USER_UNKNOWN);
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
	longpath[STORE_PATH_MAX - 1] = '\0'; /* exactly fits */
	ck_assert_int_eq(store_user_add(st, "a", PWHASH, longpath, NULL, NULL), ERR_OK);
	ck_assert_int_eq(store_user_get(st, "a", &u), ERR_OK);
	ck_assert_str_eq(u.home, longpath);
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

/* Deleting a user takes their sessions along and leaves the audit log. */
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
	ck_assert_int_eq(touch(1, 1, 100, 100, 100, NULL), ERR_NOT_FOUND);
	ck_assert_int_eq(touch(1, 2, 100, 100, 100, NULL), ERR_NOT_FOUND);
	ck_assert_int_eq(touch(2, 1, 100, 100, 100, NULL), ERR_OK);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sessions"), 1);
	ck_assert_int_eq(store_audit_count(st, &count), ERR_OK);
	ck_assert_int_eq(count, 1);
	ck_assert_int_eq(store_user_delete(st, "alice"), ERR_USER_UNKNOWN);
	/* the name is free again, with a new id */
	ck_assert_int_ne(add_user("alice"), alice);
}
END_TEST

/* --- sessions ------------------------------------------------------------ */

/* Create and touch: the session comes back whole, last_seen moves. */
START_TEST(test_session_create_touch)
{
	int64_t alice = add_user("alice");
	struct store_session ses;
	unsigned char secret[32];

	ck_assert_int_eq(new_session(alice, 7, 7, 1000), ERR_OK);
	ck_assert_int_eq(touch(7, 7, 1010, 100, 1000, &ses), ERR_OK);
	fill(secret, 1007, 7);
	ck_assert_int_eq(ses.user_id, alice);
	ck_assert_int_eq(ses.created, 1000);
	ck_assert_int_eq(ses.last_seen, 1010);
	ck_assert_mem_eq(ses.csrf_secret, secret, 32);
	ck_assert_int_eq(raw_int(db_path, "SELECT last_seen FROM sessions"), 1010);
	/* unknown token, unknown user, duplicate token */
	ck_assert_int_eq(touch(7, 8, 1010, 100, 1000, &ses), ERR_NOT_FOUND);
	ck_assert_int_eq(new_session(alice + 100, 9, 9, 1000), ERR_USER_UNKNOWN);
	ck_assert_int_eq(new_session(alice, 7, 7, 1000), ERR_DB);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sessions"), 1);
}
END_TEST

struct expiry_case {
	const char *label;
	int64_t now, idle, absolute; /* the session was made at 1000 */
	err_t want;
};

static const struct expiry_case expiry_cases[] = {
	{"at once", 1000, 100, 1000, ERR_OK},
	{"idle not reached", 1099, 100, 1000, ERR_OK},
	{"idle reached", 1100, 100, 1000, ERR_NOT_FOUND},
	{"idle passed", 5000, 100, 1000, ERR_NOT_FOUND},
	{"absolute not reached", 1499, 1000, 500, ERR_OK},
	{"absolute reached", 1500, 1000, 500, ERR_NOT_FOUND},
	{"both passed", 9999, 100, 500, ERR_NOT_FOUND},
};

/* Idle and absolute timeouts, at their edges. */
START_TEST(test_session_expiry)
{
	const struct expiry_case *c = &expiry_cases[_i];
	err_t got;

	ck_assert_int_eq(new_session(add_user("alice"), 1, 1, 1000), ERR_OK);
	got = touch(1, 1, c->now, c->idle, c->absolute, NULL);
	ck_assert_msg(got == c->want, "case '%s': got %s, want %s", c->label, err_code(got),
		      err_code(c->want));
	ck_assert_int_eq(raw_int(db_path, "SELECT last_seen FROM sessions"),
			 (c->want == ERR_OK ? c->now : 1000));
}
END_TEST

/* Activity keeps a session alive past the idle limit but never past the
 * absolute one. */
START_TEST(test_session_sliding)
{
	ck_assert_int_eq(new_session(add_user("alice"), 1, 1, 1000), ERR_OK);
	for (int64_t t = 1050; t < 1500; t += 50)
		ck_assert_msg(touch(1, 1, t, 100, 500, NULL) == ERR_OK, "touch at %lld",
			      (long long)t);
	ck_assert_int_eq(touch(1, 1, 1500, 100, 500, NULL), ERR_NOT_FOUND);
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
	ck_assert_int_eq(touch(1, 1, 1000, 100, 100, NULL), ERR_NOT_FOUND);
	ck_assert_int_eq(touch(1, 2, 1000, 100, 100, NULL), ERR_OK);
	ck_assert_int_eq(store_session_delete(st, hash), ERR_OK);
}
END_TEST

/* Purge removes exactly the sessions touch would refuse. */
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
	int64_t alice = add_user("alice");

	for (int i = 0; i < N(rows); i++) {
		ck_assert_int_eq(new_session(alice, 1, i, rows[i].created), ERR_OK);
		if (rows[i].last_seen != rows[i].created)
			ck_assert_int_eq(touch(1, i, rows[i].last_seen, 100000, 100000, NULL), ERR_OK);
	}
	ck_assert_int_eq(store_session_purge(st, 1200, 100, 600), ERR_OK);
	for (int i = 0; i < N(rows); i++)
		ck_assert_msg(raw_int(db_path, tu_fmt("SELECT count(*) FROM sessions"
						      " WHERE created = %lld AND last_seen = %lld",
						      (long long)rows[i].created,
						      (long long)rows[i].last_seen)) ==
			      (rows[i].kept ? 1 : 0), "row %d", i);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM sessions"), 3);
}
END_TEST

/* --- audit --------------------------------------------------------------- */

#define AUDIT_MAX 16

/* Audit rows copied out by collect_audit; NULL fields become "(null)". */
struct audit_seen {
	int count;
	int64_t id[AUDIT_MAX], time[AUDIT_MAX];
	char text[AUDIT_MAX][8][64];
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
	const char *fields[8] = {row->user, row->remote_addr, row->action, row->root,
				 row->path, row->target, row->outcome, row->detail};
	int n = seen->count++;

	ck_assert_int_lt(n, AUDIT_MAX);
	seen->id[n] = row->id;
	seen->time[n] = row->time;
	for (int i = 0; i < 8; i++)
		copy_field(seen->text[n][i], fields[i]);
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

/* Each row comes back whole, NULLs as NULLs. */
START_TEST(test_audit_fields)
{
	struct store_audit full = {
		.id = 999, .time = 42, .user = "alice", .remote_addr = "::1", .action = "link_delete",
		.root = "web", .path = "a/b", .target = "../x", .outcome = "refused",
		.detail = "not_link",
	};
	struct store_audit sparse = {.time = 43, .action = "login_failed", .outcome = "refused"};
	struct audit_seen seen = {0};
	int64_t count;

	ck_assert_int_eq(store_audit_add(st, &full), ERR_OK);
	ck_assert_int_eq(store_audit_add(st, &sparse), ERR_OK);
	ck_assert_int_eq(store_audit_each(st, NULL, 0, collect_audit, &seen), ERR_OK);
	ck_assert_int_eq(seen.count, 2);
	ck_assert_int_ne(seen.id[0], 999); /* the id is the store's */
	ck_assert_int_lt(seen.id[0], seen.id[1]);
	ck_assert_int_eq(seen.time[0], 42);
	ck_assert_str_eq(seen.text[0][0], "alice");
	ck_assert_str_eq(seen.text[0][1], "::1");
	ck_assert_str_eq(seen.text[0][2], "link_delete");
	ck_assert_str_eq(seen.text[0][3], "web");
	ck_assert_str_eq(seen.text[0][4], "a/b");
	ck_assert_str_eq(seen.text[0][5], "../x");
	ck_assert_str_eq(seen.text[0][6], "refused");
	ck_assert_str_eq(seen.text[0][7], "not_link");
	ck_assert_int_eq(seen.time[1], 43);
	for (int i = 0; i < 8; i++)
		if (i != 2 && i != 6)
			ck_assert_msg(strcmp(seen.text[1][i], "(null)") == 0, "field %d: %s", i,
				      seen.text[1][i]);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM audit WHERE user IS NULL"
				 " AND path IS NULL AND detail IS NULL"), 1);
	/* action and outcome are required */
	sparse.action = NULL;
	ck_assert_int_eq(store_audit_add(st, &sparse), ERR_DB);
	sparse.action = "login";
	sparse.outcome = NULL;
	ck_assert_int_eq(store_audit_add(st, &sparse), ERR_DB);
	ck_assert_int_eq(store_audit_count(st, &count), ERR_OK);
	ck_assert_int_eq(count, 2);
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
	struct audit_seen seen = {0};
	char got[128] = "";
	int64_t count;

	add_audit_rows(7, users, N(users));
	ck_assert_int_eq(store_audit_count(st, &count), ERR_OK);
	ck_assert_int_eq(count, 7);
	ck_assert_int_eq(store_audit_each(st, c->user, c->limit, collect_audit, &seen), ERR_OK);
	for (int i = 0; i < seen.count; i++)
		strcat(got, tu_fmt("%lld,", (long long)seen.time[i]));
	ck_assert_msg(strcmp(got, c->want) == 0, "case '%s': got '%s', want '%s'", c->label, got,
		      c->want);
}
END_TEST

/* --- login failures ------------------------------------------------------ */

struct failure_case {
	const char *label;
	const char *user, *addr;
	int64_t since, by_user, by_addr;
};

static const struct failure_case failure_cases[] = {
	{"all alice, all of .4", "alice", "1.2.3.4", 0, 4, 3},
	{"since 100", "alice", "1.2.3.4", 100, 3, 2},
	{"since 201", "alice", "1.2.3.4", 201, 1, 1},
	{"since 301", "alice", "1.2.3.4", 301, 1, 0},
	{"future", "alice", "1.2.3.4", 1000, 0, 0},
	{"bob by .8", "bob", "5.6.7.8", 0, 1, 2},
	{"unknown", "carol", "9.9.9.9", 0, 0, 0},
	{"case matters", "Alice", "1.2.3.4", 0, 0, 3},
	{"sql-looking", SQLISH, "1.2.3.4", 0, 1, 3},
	{"sql-looking addr", "alice", "' OR 1=1 --", 0, 4, 1},
};

/* The failures recorded for test_failures: (time, user, addr). */
static void add_failures(void)
{
	static const struct {
		int64_t time;
		const char *user, *addr;
	} rows[] = {
		{50, "alice", "1.2.3.4"},
		{100, "alice", "5.6.7.8"},
		{200, "alice", "1.2.3.4"},
		{300, "bob", "1.2.3.4"},
		{400, "alice", "5.6.7.8"},
		{10, SQLISH, "' OR 1=1 --"},
	};

	for (int i = 0; i < N(rows); i++)
		ck_assert_int_eq(store_login_failure_add(st, rows[i].user, rows[i].addr, rows[i].time),
				 ERR_OK);
}

/* Failures are counted by user and by address since a time. */
START_TEST(test_failures)
{
	const struct failure_case *c = &failure_cases[_i];
	int64_t by_user = -1, by_addr = -1;

	add_failures();
	ck_assert_int_eq(store_login_failure_count(st, c->user, c->addr, c->since, &by_user,
						   &by_addr), ERR_OK);
	ck_assert_msg(by_user == c->by_user && by_addr == c->by_addr,
		      "case '%s': got %lld/%lld, want %lld/%lld", c->label, (long long)by_user,
		      (long long)by_addr, (long long)c->by_user, (long long)c->by_addr);
}
END_TEST

/* Clearing forgets one user's failures only. */
START_TEST(test_failures_clear)
{
	int64_t by_user, by_addr;

	add_failures();
	ck_assert_int_eq(store_login_failure_clear(st, "alice"), ERR_OK);
	ck_assert_int_eq(store_login_failure_count(st, "alice", "1.2.3.4", 0, &by_user, &by_addr),
			 ERR_OK);
	ck_assert_int_eq(by_user, 0);
	ck_assert_int_eq(by_addr, 1); /* bob's */
	ck_assert_int_eq(store_login_failure_count(st, "bob", "5.6.7.8", 0, &by_user, NULL),
			 ERR_OK);
	ck_assert_int_eq(by_user, 1);
	ck_assert_int_eq(store_login_failure_clear(st, "nobody"), ERR_OK);
	ck_assert_int_eq(store_login_failure_add(st, NULL, "1.2.3.4", 1), ERR_DB);
}
END_TEST

/* --- hostile input and transactions ------------------------------------- */

/* SQL-looking input is stored and matched literally; the schema survives. */
START_TEST(test_sql_looking)
{
	static const char *const users[] = {SQLISH, "x'); DROP TABLE users; --", "alice"};
	struct store_user u;
	struct audit_seen seen = {0};
	int64_t by_user, by_addr;

	add_user("alice");
	ck_assert_int_eq(store_user_get(st, SQLISH, &u), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_set_password(st, SQLISH, PWHASH), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_delete(st, SQLISH), ERR_USER_UNKNOWN);
	ck_assert_int_eq(store_user_delete(st, "' OR ''='"), ERR_USER_UNKNOWN);
	add_audit_rows(3, users, N(users));
	ck_assert_int_eq(store_audit_each(st, SQLISH, 0, collect_audit, &seen), ERR_OK);
	ck_assert_int_eq(seen.count, 1);
	ck_assert_str_eq(seen.text[0][0], SQLISH);
	ck_assert_int_eq(store_login_failure_add(st, SQLISH, "1.1.1.1", 5), ERR_OK);
	ck_assert_int_eq(store_login_failure_count(st, SQLISH, "1.1.1.1", 0, &by_user, &by_addr),
			 ERR_OK);
	ck_assert_int_eq(by_user, 1);
	ck_assert_int_eq(store_login_failure_clear(st, "' OR 1=1 --"), ERR_OK);
	ck_assert_int_eq(store_login_failure_count(st, SQLISH, "1.1.1.1", 0, &by_user, &by_addr),
			 ERR_OK);
	ck_assert_int_eq(by_user, 1);
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
	int64_t count;

	ck_assert_int_eq(store_begin(st), ERR_OK);
	ck_assert_int_eq(store_audit_add(st, &row), ERR_OK);
	ck_assert_int_eq(store_audit_count(st, &count), ERR_OK);
	ck_assert_int_eq(count, 1);
	store_rollback(st);
	ck_assert_int_eq(store_audit_count(st, &count), ERR_OK);
	ck_assert_int_eq(count, 0);

	ck_assert_int_eq(store_begin(st), ERR_OK);
	ck_assert_int_eq(store_begin(st), ERR_DB);
	ck_assert_int_eq(store_audit_add(st, &row), ERR_OK);
	ck_assert_int_eq(store_commit(st), ERR_OK);
	ck_assert_int_eq(store_audit_count(st, &count), ERR_OK);
	ck_assert_int_eq(count, 1);
	ck_assert_int_eq(raw_int(db_path, "SELECT count(*) FROM audit"), 1);

	ck_assert_int_eq(store_commit(st), ERR_DB); /* nothing to commit */
	store_rollback(st);                        /* nothing to roll back: harmless */
}
END_TEST

/* --- concurrency --------------------------------------------------------- */

#define WORKERS 2
#define WORK_SECONDS 3.0

/* What each worker process reports, in memory shared with the parent. */
struct work_report {
	int64_t audit, sessions, touches;
	err_t err;
	char what[64];
};

/* Seconds on the monotonic clock. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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
 * audit rows and sessions as fast as it can until the deadline, some
 * alone, some in a read-then-write transaction. */
static void work(int k, const char *path, int64_t user_id, double deadline, struct work_report *r)
{
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
	for (int64_t i = 0; now_s() < deadline; i++) {
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
			fill(hash, k, i - 2); /* made in case 1 */
			if ((err = store_session_touch(s, hash, 1000 + i, 1000000, 1000000, &ses)) !=
			    ERR_OK)
				work_fail(s, r, "session_touch", i, err);
			r->touches++;
			break;
		}
	}
	store_close(s);
	_exit(0);
}

/* Wait for a worker and say how it ended ("" when it exited 0). */
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

/* Two processes write as fast as they can for a few seconds: no call
 * fails (no SQLITE_BUSY escapes) and no row is lost. */
START_TEST(test_concurrent_writers)
{
	struct work_report *reports;
	int64_t user_id = add_user("alice"), audit = 0, sessions = 0, count;
	double deadline;
	pid_t pid[WORKERS];

	store_close(st); /* no connection crosses fork */
	st = NULL;
	reports = mmap(NULL, sizeof *reports * WORKERS, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(reports, MAP_FAILED);
	memset(reports, 0, sizeof *reports * WORKERS);
	deadline = now_s() + WORK_SECONDS;
	for (int k = 0; k < WORKERS; k++) {
		pid[k] = fork();
		ck_assert_int_ge(pid[k], 0);
		if (pid[k] == 0)
			work(k, db_path, user_id, deadline, &reports[k]);
	}
	for (int k = 0; k < WORKERS; k++) {
		const char *how = wait_worker(pid[k]);

		ck_assert_msg(*how == '\0', "worker %d: %s; %s failed: %s", k, how, reports[k].what,
			      err_code(reports[k].err));
		ck_assert_msg(reports[k].audit > 100 && reports[k].sessions > 100 &&
			      reports[k].touches > 50, "worker %d did little: %lld/%lld/%lld", k,
			      (long long)reports[k].audit, (long long)reports[k].sessions,
			      (long long)reports[k].touches);
		audit += reports[k].audit;
		sessions += reports[k].sessions;
	}
	ck_assert_int_eq(store_open(db_path, &st), ERR_OK);
	ck_assert_int_eq(store_audit_count(st, &count), ERR_OK);
	ck_assert_msg(count == audit, "audit rows: %lld stored, %lld acknowledged",
		      (long long)count, (long long)audit);
	count = raw_int(db_path, "SELECT count(*) FROM sessions");
	ck_assert_msg(count == sessions, "sessions: %lld stored, %lld acknowledged",
		      (long long)count, (long long)sessions);
	for (int k = 0; k < WORKERS; k++)
		ck_assert_int_eq(raw_int(db_path, tu_fmt("SELECT count(*) FROM audit"
							 " WHERE detail = 'worker %d'", k)),
				 reports[k].audit);
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
	if (store_schema_version(s) != 1)
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
		ck_assert_int_eq(raw_int(copy, "PRAGMA user_version"), 1);
		ck_assert_int_eq(raw_int(copy, "SELECT count(*) FROM audit"), 2);
		ck_assert_int_eq(raw_int(copy, "SELECT count(*) FROM sqlite_master"
					 " WHERE type = 'table'"), 4);
	}
}
END_TEST

/* The store suite. */
static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");
	TCase *conc = tcase_create("concurrency");

	tcase_add_unchecked_fixture(tc, run_setup, run_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_migrations);
	tcase_add_test(tc, test_reopen);
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
	tcase_add_test(tc, test_db_check);
	tcase_add_test(tc, test_user_delete_cascade);
	tcase_add_test(tc, test_session_create_touch);
	tcase_add_loop_test(tc, test_session_expiry, 0, N(expiry_cases));
	tcase_add_test(tc, test_session_sliding);
	tcase_add_test(tc, test_session_delete);
	tcase_add_test(tc, test_session_purge);
	tcase_add_test(tc, test_audit_fields);
	tcase_add_loop_test(tc, test_audit_each, 0, N(audit_cases));
	tcase_add_loop_test(tc, test_failures, 0, N(failure_cases));
	tcase_add_test(tc, test_failures_clear);
	tcase_add_test(tc, test_sql_looking);
	tcase_add_test(tc, test_transactions);
	suite_add_tcase(s, tc);

	tcase_add_unchecked_fixture(conc, run_setup, run_teardown);
	tcase_add_checked_fixture(conc, setup, teardown);
	tcase_set_timeout(conc, 60);
	tcase_add_test(conc, test_concurrent_writers);
	tcase_add_test(conc, test_concurrent_open);
	suite_add_tcase(s, conc);
	return s;
}

/* Run the store suite. */
int main(void)
{
	return tu_run_suite(store_suite());
}
