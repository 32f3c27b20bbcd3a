/* upkeep: purging what expired and recovering half-done changes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "names.h"
#include "upkeep.h"

#define UPKEEP_BATCH 32 /* pending rows looked at in one go */

/* A pending row, copied out of the statement that found it. */
struct upkeep_row {
	int64_t id;
	char user[STORE_NAME_MAX];
	char action[32];
	int root;
	char path[NAMES_PATH_MAX];
	char target[NAMES_PATH_MAX];
	char aside[FS_ASIDE_NAME_MAX];
};

/* The rows found by one store_audit_pending_each. */
struct upkeep_batch {
	struct upkeep_row rows[UPKEEP_BATCH];
	size_t count;
};

/* store_audit_pending_each callback: keep a copy of the row. */
static void upkeep_collect(const struct store_audit *row, void *ctx)
{
	struct upkeep_batch *b = ctx;
	struct upkeep_row *u;

	if (b->count == UPKEEP_BATCH)
		return;
	u = &b->rows[b->count++];
	u->id = row->id;
	snprintf(u->user, sizeof u->user, "%s", row->user != NULL ? row->user : "");
	snprintf(u->action, sizeof u->action, "%s", row->action != NULL ? row->action : "");
	u->root = fs_root_parse(row->root);
	snprintf(u->path, sizeof u->path, "%s", row->path != NULL ? row->path : "");
	snprintf(u->target, sizeof u->target, "%s", row->target != NULL ? row->target : "");
	snprintf(u->aside, sizeof u->aside, "%s", row->aside != NULL ? row->aside : "");
}

/* What became of a Create Link: "done" when the link is there with its
 * target, else "failed". */
static const char *upkeep_created(const struct fs_roots *roots, const struct upkeep_row *u,
				  const char *dir, const char *name)
{
	struct listing_entry e;
	bool made = false;

	if (fs_entry_get(roots, u->root, dir, name, &e) == ERR_OK) {
		made = e.type == LISTING_TYPE_LINK && e.target != NULL &&
		       strcmp(e.target, u->target) == 0;
		fs_entry_free(&e);
	}
	return made ? "done" : "failed";
}

/* What became of a Delete: finished now if its link is still in its
 * private directory; "done" when the link is gone, else "failed". */
static const char *upkeep_deleted(const struct fs_roots *roots, const struct upkeep_row *u,
				  const char *dir, const char *name)
{
	struct listing_entry e;
	bool removed = false;

	if (u->aside[0] != '\0' &&
	    fs_link_delete_finish(roots, u->root, dir, name, u->aside, &removed) == ERR_OK &&
	    removed)
		return "done";
	if (fs_entry_get(roots, u->root, dir, name, &e) != ERR_OK)
		return "done";
	fs_entry_free(&e);
	return "failed";
}

/* Look at the disk and say what came of the change of a pending row. */
static const char *upkeep_outcome(const struct config *cfg, struct store *store,
				  const struct upkeep_row *u)
{
	audit_action a = audit_action_parse(u->action);
	char dir[NAMES_PATH_MAX];
	const char *name, *outcome = "failed";
	struct store_user user;
	struct fs_roots roots;

	if ((a != AUDIT_LINK_CREATE && a != AUDIT_LINK_DELETE) || u->root < 0 ||
	    names_rel_split(u->path, dir, sizeof dir, &name) != ERR_OK ||
	    store_user_get(store, u->user, &user) != ERR_OK ||
	    req_open_user_roots(cfg, &user, &roots) != ERR_OK)
		return outcome;
	if (a == AUDIT_LINK_CREATE)
		outcome = upkeep_created(&roots, u, dir, name);
	else
		outcome = upkeep_deleted(&roots, u, dir, name);
	fs_roots_close(&roots);
	return outcome;
}

/* Finish every pending row made at or before `before`. */
int upkeep_recover(const struct config *cfg, struct store *store, int64_t before, int64_t now)
{
	struct upkeep_batch *b = malloc(sizeof *b);
	int finished = 0;

	if (b == NULL)
		return 0;
	do {
		b->count = 0;
		if (store_audit_pending_each(store, before, UPKEEP_BATCH, upkeep_collect, b) !=
		    ERR_OK)
			break;
		for (size_t i = 0; i < b->count; i++) {
			const char *outcome = upkeep_outcome(cfg, store, &b->rows[i]);

			if (store_audit_finish(store, b->rows[i].id, outcome, "recovered", now) ==
			    ERR_OK)
				finished++;
			else
				b->count = 0; /* the database cannot be written: later */
		}
	} while (b->count == UPKEEP_BATCH);
	free(b);
	return finished;
}

/* Do the upkeep now and then. */
void upkeep_maybe(const struct config *cfg, struct store *store, int64_t now, bool force)
{
	static int64_t last;

	if (!force && now - last < UPKEEP_EVERY)
		return;
	last = now;
	(void)store_purge(store, now, &cfg->retention);
	upkeep_recover(cfg, store, now - UPKEEP_PENDING_AGE, now);
}
