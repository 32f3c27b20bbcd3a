/* change: the one way a request changes anything. The audit row is
 * committed first (outcome "pending"), so that no change can reach the disk
 * without a durable record of it; then the change is made and its row
 * finished. A change whose row cannot be written is not made; one whose row
 * cannot be finished is not reported as done. Refusals are recorded (and
 * counted, within limits) without a change. */
#ifndef FILEPANEL_CHANGE_H
#define FILEPANEL_CHANGE_H

#include <stdint.h>

#include "err.h"
#include "request.h"

/* What a row of the audit log records. */
typedef enum {
	AUDIT_NONE = 0,
	AUDIT_LOGIN,
	AUDIT_LOGIN_FAILED,
	AUDIT_LOGOUT,
	AUDIT_LINK_CREATE,
	AUDIT_LINK_DELETE,
	AUDIT_INTERFACE,
	AUDIT__MAX
} audit_action;

/* The name of an action in the audit table ("link_create"); NULL for
 * AUDIT_NONE. */
const char *audit_action_name(audit_action a);

/* The action named name, or AUDIT_NONE. */
audit_action audit_action_parse(const char *name);

/* One change, as its audit row describes it. */
struct change {
	audit_action action;
	int root;            /* the root it is in, or -1 */
	const char *dir;     /* the root-relative directory, or NULL */
	const char *name;    /* the entry it is about, or NULL */
	const char *target;  /* a link's target, or NULL */
	const char *aside;   /* a delete's private directory, or NULL */
	const char *user;    /* the account name, when not the session's (login) */
};

/* The work of a change: make it, return what came of it. */
typedef err_t (*change_op)(struct req *r, void *ctx);

/* Make a change: its pending row, op(r, ctx), its row finished. ERR_OK and
 * *audit_id (when not NULL) the row's id; the row's error (ERR_DB_FULL,
 * ERR_DB_READONLY...) when it could not be written, op not run; op's error;
 * or ERR_AUDIT_UNFINISHED when op succeeded but its row could not be
 * finished. */
err_t change_run(struct req *r, const struct change *c, change_op op, void *ctx,
		 int64_t *audit_id);

/* Record that a change was refused with e (nothing was changed). */
void change_refused(struct req *r, const struct change *c, err_t e);

#endif
