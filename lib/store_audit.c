/* store_audit: the audit log. A change is recorded before it is made (a
 * "pending" row, committed) and finished after; refusals are counted so
 * that no client can grow the log without bound; old rows expire. */
#include "config.h"

#include <string.h>

#include "store_intern.h"

#define STORE_PURGE_BATCH 1000 /* audit rows a purge removes at most */

/* Insert row with outcome (which overrides row->outcome when not NULL);
 * *id gets the new row's id when not NULL. */
static err_t store_audit_insert(struct store *s, const struct store_audit *row,
				const char *outcome, bool anonymous, int64_t *id)
{
	int64_t ids[1] = {0};
	err_t err = store_do(s, STORE_STMT_AUDIT_ADD,
			     STORE_ARGS(STORE_INT(row->time), STORE_TEXT(row->user),
					STORE_TEXT(row->remote_addr), STORE_TEXT(row->action),
					STORE_TEXT(row->root), STORE_TEXT(row->path),
					STORE_TEXT(row->target),
					STORE_TEXT(outcome != NULL ? outcome : row->outcome),
					STORE_TEXT(row->detail), STORE_TEXT(row->aside),
					STORE_INT(anonymous)),
			     store_read_ints, ids, NULL);

	if (id != NULL)
		*id = ids[0];
	return err;
}

/* Append one audit row (its id is ignored). action and outcome are
 * required by the schema: NULL there gives ERR_DB. */
err_t store_audit_add(struct store *s, const struct store_audit *row)
{
	return store_audit_insert(s, row, NULL, false, NULL);
}

/* Record a change before it is made: never inside a transaction, whose
 * commit would come only after the change, and committed to the disk (the
 * WAL synced) before it returns, whatever the machine does next. */
err_t store_audit_begin(struct store *s, const struct store_audit *row, int64_t *id)
{
	err_t e;

	if (!sqlite3_get_autocommit(s->db))
		return ERR_DB;
	e = store_do(s, STORE_STMT_SYNC_FULL, NULL, 0, NULL, NULL, NULL);
	if (e == ERR_OK)
		e = store_audit_insert(s, row, "pending", false, id);
	(void)store_do(s, STORE_STMT_SYNC_NORMAL, NULL, 0, NULL, NULL, NULL);
	return e;
}

/* Finish a pending row. */
err_t store_audit_finish(struct store *s, int64_t id, const char *outcome, const char *detail,
			 int64_t now)
{
	int64_t changes;
	err_t err = store_change(s, STORE_STMT_AUDIT_FINISH,
				 STORE_ARGS(STORE_INT(id), STORE_TEXT(outcome), STORE_TEXT(detail),
					    STORE_INT(now)),
				 &changes);

	if (err == ERR_OK && changes == 0)
		return ERR_NOT_FOUND;
	return err;
}

/* What a refusal is counted under, and what to record. */
struct store_refusal {
	const struct store_audit *row;
	bool anonymous;
	const struct store_refusal_limits *limits;
};

/* Count row into the refusal of the same key in this window, if there is
 * one; *found says whether there was. */
static err_t store_refusal_bump(struct store *s, const struct store_audit *row, bool anonymous,
				int64_t since, bool *found)
{
	int64_t ids[1] = {0}, rows = 0;
	err_t err = store_do(s, STORE_STMT_REFUSAL_FIND,
			     STORE_ARGS(STORE_INT(since), STORE_TEXT(row->action),
					STORE_TEXT(row->user), STORE_TEXT(row->remote_addr),
					STORE_TEXT(row->root), STORE_TEXT(row->path),
					STORE_TEXT(row->target), STORE_TEXT(row->detail),
					STORE_INT(anonymous)),
			     store_read_ints, ids, &rows);

	*found = err == ERR_OK && rows > 0;
	if (!*found)
		return err;
	return store_do(s, STORE_STMT_REFUSAL_BUMP, STORE_ARGS(STORE_INT(ids[0]),
							       STORE_INT(row->time)),
			NULL, NULL, NULL);
}

/* Record one refusal inside the transaction: counted with an identical
 * one, else a row of its own while the window's cap allows, else counted
 * in the window's overflow row for its action and reason. */
static err_t store_refusal_record(struct store *s, void *ctx)
{
	const struct store_refusal *r = ctx;
	int64_t since = r->row->time - r->limits->window, distinct[1] = {0};
	struct store_audit overflow;
	bool found;
	err_t err = store_refusal_bump(s, r->row, r->anonymous, since, &found);

	if (err != ERR_OK || found)
		return err;
	err = store_do(s, STORE_STMT_REFUSAL_COUNT,
		       STORE_ARGS(STORE_INT(since), STORE_TEXT(r->row->user),
				  STORE_INT(r->anonymous)),
		       store_read_ints, distinct, NULL);
	if (err != ERR_OK)
		return err;
	if (distinct[0] < r->limits->cap)
		return store_audit_insert(s, r->row, "refused", r->anonymous, NULL);
	/* over the cap: one row for all the rest, without what varies */
	overflow = (struct store_audit){.time = r->row->time, .action = r->row->action,
					.user = r->anonymous ? NULL : r->row->user,
					.detail = r->row->detail};
	err = store_refusal_bump(s, &overflow, r->anonymous, since, &found);
	if (err == ERR_OK && !found)
		err = store_audit_insert(s, &overflow, "refused", r->anonymous, NULL);
	return err;
}

/* Record a refusal, counted with an identical one of the same window. */
err_t store_audit_refused(struct store *s, const struct store_audit *row, bool anonymous,
			  const struct store_refusal_limits *limits)
{
	struct store_refusal r = {row, anonymous, limits};

	return store_in_transaction(s, store_refusal_record, &r);
}

/* What the row readers hand each audit row to. */
struct store_audit_walk {
	void (*fn)(const struct store_audit *row, void *ctx);
	void *ctx;
};

/* Row reader: point a struct store_audit at the row's columns
 * (STORE_AUDIT_COLUMNS) and hand it on. */
static err_t store_audit_each_row(sqlite3_stmt *st, void *ctx)
{
	struct store_audit_walk *walk = ctx;
	struct store_audit row = {
		.id = sqlite3_column_int64(st, 0),
		.time = sqlite3_column_int64(st, 1),
		.count = sqlite3_column_int64(st, 11),
		.last_time = sqlite3_column_int64(st, 12),
	};
	const char **text[] = {
		&row.user, &row.remote_addr, &row.action, &row.root, &row.path,
		&row.target, &row.outcome, &row.detail, &row.aside,
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

/* Call fn for pending rows made at or before `before`. */
err_t store_audit_pending_each(struct store *s, int64_t before, int64_t limit,
			       void (*fn)(const struct store_audit *row, void *ctx), void *ctx)
{
	struct store_audit_walk walk = {fn, ctx};

	return store_do(s, STORE_STMT_AUDIT_PENDING,
			STORE_ARGS(STORE_INT(before), STORE_INT(limit)), store_audit_each_row,
			&walk, NULL);
}

/* Call fn with one of user's rows. */
err_t store_audit_get(struct store *s, int64_t id, const char *user,
		      void (*fn)(const struct store_audit *row, void *ctx), void *ctx)
{
	struct store_audit_walk walk = {fn, ctx};
	int64_t rows = 0;
	err_t err = store_do(s, STORE_STMT_AUDIT_GET, STORE_ARGS(STORE_INT(id), STORE_TEXT(user)),
			     store_audit_each_row, &walk, &rows);

	return err == ERR_OK && rows == 0 ? ERR_NOT_FOUND : err;
}

/* The number of audit rows. */
err_t store_audit_count(struct store *s, int64_t *count)
{
	*count = 0;
	return store_do(s, STORE_STMT_AUDIT_COUNT, NULL, 0, store_read_ints, count, NULL);
}

/* Remove what has expired. */
err_t store_purge(struct store *s, int64_t now, const struct store_retention *keep)
{
	err_t err = store_do(s, STORE_STMT_SESSION_PURGE,
			     STORE_ARGS(STORE_INT(now), STORE_INT(keep->idle),
					STORE_INT(keep->absolute)),
			     NULL, NULL, NULL);

	if (err == ERR_OK)
		err = store_do(s, STORE_STMT_LOGIN_PURGE,
			       STORE_ARGS(STORE_INT(now - keep->login_window)), NULL, NULL, NULL);
	if (err == ERR_OK && keep->audit_days > 0)
		err = store_do(s, STORE_STMT_AUDIT_PURGE,
			       STORE_ARGS(STORE_INT(now - keep->audit_days * 86400),
					  STORE_INT(STORE_PURGE_BATCH)),
			       NULL, NULL, NULL);
	return err;
}
