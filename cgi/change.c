/* change: every change's audit rows, written before and after it. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "change.h"
#include "names.h"

static const char *const audit_action_names[AUDIT__MAX] = {
	[AUDIT_NONE] = NULL,
	[AUDIT_LOGIN] = "login",
	[AUDIT_LOGIN_FAILED] = "login_failed",
	[AUDIT_LOGOUT] = "logout",
	[AUDIT_LINK_CREATE] = "link_create",
	[AUDIT_LINK_DELETE] = "link_delete",
	[AUDIT_INTERFACE] = "interface",
};

/* The name of an action in the audit table. */
const char *audit_action_name(audit_action a)
{
	return (unsigned)a < AUDIT__MAX ? audit_action_names[a] : NULL;
}

/* The action named name. */
audit_action audit_action_parse(const char *name)
{
	for (int a = AUDIT_NONE + 1; name != NULL && a < AUDIT__MAX; a++) {
		if (strcmp(name, audit_action_names[a]) == 0)
			return (audit_action)a;
	}
	return AUDIT_NONE;
}

/* Fill an audit row for c made now by r; path is the buffer its path
 * ("dir/name") is written to. */
static void change_row(const struct req *r, const struct change *c, struct store_audit *row,
		       char *path, size_t size)
{
	const char *dir = c->dir != NULL ? c->dir : "";

	*row = (struct store_audit){0};
	row->time = r->now;
	row->user = c->user != NULL ? c->user : (r->logged_in ? r->user.name : NULL);
	row->remote_addr = r->remote_addr;
	row->action = audit_action_name(c->action);
	row->root = c->root >= 0 ? fs_root_name((fs_root_id)c->root) : NULL;
	row->target = c->target;
	row->aside = c->aside;
	if (c->name == NULL && c->dir == NULL)
		return;
	snprintf(path, size, "%s%s%s", dir, *dir != '\0' && c->name != NULL ? "/" : "",
		 c->name != NULL ? c->name : "");
	row->path = path;
}

/* The outcome a failed change is recorded with: "refused" when the
 * request was at fault (nothing was changed), "failed" when the server was. */
static const char *change_outcome(err_t e)
{
	if (e == ERR_OK)
		return "done";
	return err_http_status(e) < 500 ? "refused" : "failed";
}

/* Make a change between its audit rows. */
err_t change_run(struct req *r, const struct change *c, change_op op, void *ctx,
		 int64_t *audit_id)
{
	char path[2 * NAMES_PATH_MAX];
	struct store_audit row;
	int64_t id = 0;
	err_t e, finished;

	change_row(r, c, &row, path, sizeof path);
	e = store_audit_begin(r->store, &row, &id);
	if (e != ERR_OK)
		return e == ERR_DB_FULL || e == ERR_DB_READONLY || e == ERR_NOMEM ? e : ERR_DB;
	e = op(r, ctx);
	finished = store_audit_finish(r->store, id, change_outcome(e),
				      e == ERR_OK ? NULL : err_code(e), r->now);
	if (audit_id != NULL)
		*audit_id = id;
	if (finished != ERR_OK && e == ERR_OK)
		return ERR_AUDIT_UNFINISHED;
	return e;
}

/* Record that a change was refused. */
void change_refused(struct req *r, const struct change *c, err_t e)
{
	char path[2 * NAMES_PATH_MAX];
	struct store_audit row;

	if (c->action == AUDIT_NONE)
		return;
	change_row(r, c, &row, path, sizeof path);
	row.outcome = "refused";
	row.detail = err_code(e);
	/* a refusal that cannot be recorded changes nothing either; the page
	 * still says what was refused */
	(void)store_audit_refused(r->store, &row, !r->logged_in, &r->cfg->refusals);
}
