/* store_intern: what the pieces of store_ share and nothing else may use:
 * the connection, the statement table's enum, binding and running. */
#ifndef FILEPANEL_STORE_INTERN_H
#define FILEPANEL_STORE_INTERN_H

#include <sqlite3.h>

#include "store.h"

/* Every statement. Those before STORE_STMT__SCHEMA need no table and are
 * prepared before the migrations run; the rest after. */
enum store_stmt {
	STORE_STMT_BEGIN,
	STORE_STMT_COMMIT,
	STORE_STMT_ROLLBACK,
	STORE_STMT_USER_VERSION,
	STORE_STMT_SYNC_FULL,
	STORE_STMT_SYNC_NORMAL,
	STORE_STMT__SCHEMA,
	STORE_STMT_USER_ADD = STORE_STMT__SCHEMA,
	STORE_STMT_USER_GET,
	STORE_STMT_USER_GET_BY_ID,
	STORE_STMT_USER_EACH,
	STORE_STMT_USER_SET_PASSWORD,
	STORE_STMT_USER_SET_INTERFACE,
	STORE_STMT_USER_SET_ROOTS,
	STORE_STMT_USER_DELETE,
	STORE_STMT_SESSION_CREATE,
	STORE_STMT_SESSION_LOAD,
	STORE_STMT_SESSION_SEEN,
	STORE_STMT_SESSION_DELETE,
	STORE_STMT_SESSION_DELETE_USER,
	STORE_STMT_SESSION_PURGE,
	STORE_STMT_AUDIT_ADD,
	STORE_STMT_AUDIT_FINISH,
	STORE_STMT_AUDIT_EACH,
	STORE_STMT_AUDIT_EACH_USER,
	STORE_STMT_AUDIT_GET,
	STORE_STMT_AUDIT_PENDING,
	STORE_STMT_AUDIT_COUNT,
	STORE_STMT_AUDIT_PURGE,
	STORE_STMT_REFUSAL_FIND,
	STORE_STMT_REFUSAL_BUMP,
	STORE_STMT_REFUSAL_COUNT,
	STORE_STMT_LOGIN_BUMP,
	STORE_STMT_LOGIN_FORGET,
	STORE_STMT_LOGIN_GIVE_BACK,
	STORE_STMT_LOGIN_UNLOCK,
	STORE_STMT_LOGIN_UNLOCK_ADDR,
	STORE_STMT_LOGIN_PURGE,
	STORE_STMT__MAX
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

/* Run statement id with args to completion, calling row (when not NULL) for
 * every row it yields; *rows (when not NULL) gets how many it yielded. */
err_t store_do(struct store *s, enum store_stmt id, const struct store_arg *args,
	       size_t nargs, store_row_fn row, void *ctx, int64_t *rows);

/* Run a statement that yields no rows; *changes gets the rows it changed. */
err_t store_change(struct store *s, enum store_stmt id, const struct store_arg *args,
		   size_t nargs, int64_t *changes);

/* Row reader: every column, as integers, into the int64_t array ctx. */
err_t store_read_ints(sqlite3_stmt *st, void *ctx);

/* Run fn(s, ctx) between BEGIN IMMEDIATE and COMMIT, rolling back when it
 * or the commit fails. */
err_t store_in_transaction(struct store *s, err_t (*fn)(struct store *s, void *ctx), void *ctx);

#endif
