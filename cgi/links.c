/* links: Create Link, Delete, and the interface switch. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "files.h"
#include "links.h"
#include "names.h"
#include "view.h"

/* Write the audit row of a change (done or refused) for the link name in
 * directory (root, dir). */
static void links_audit(struct req *r, const char *action, int root, const char *dir,
			const char *name, const char *target, err_t e)
{
	struct store_audit row = {0};
	char path[2 * NAMES_PATH_MAX];

	snprintf(path, sizeof path, "%s%s%s", dir, *dir != '\0' ? "/" : "", name != NULL ? name : "");
	row.time = r->now;
	row.user = r->user.name;
	row.remote_addr = r->remote_addr;
	row.action = action;
	row.root = root >= 0 ? fs_root_name((fs_root_id)root) : NULL;
	row.path = path;
	row.target = target;
	row.outcome = e == ERR_OK ? "done" : "refused";
	row.detail = e == ERR_OK ? NULL : err_code(e);
	store_audit_add(r->store, &row);
}

/* The sentence for a refused Create Link, naming what was typed. */
static void links_create_sentence(err_t e, const char *name, char *out, size_t size)
{
	if (e == ERR_EXISTS)
		snprintf(out, size, "A file named '%s' already exists in this directory. "
			 "Choose another Link Filename.", name);
	else if (e == ERR_NOT_FOUND || e == ERR_NOT_DIR)
		snprintf(out, size, "The Current Directory no longer exists. Go back to Files and "
			 "open a directory that exists.");
	else
		snprintf(out, size, "%s", err_sentence(e));
}

/* Whether a refusal is about the Link Filename (else the Source Filename
 * or the directory). */
static bool links_name_refused(err_t e)
{
	return e == ERR_EXISTS || e == ERR_NAME_EMPTY || e == ERR_NAME_DOT || e == ERR_NAME_SLASH ||
	       e == ERR_NAME_CONTROL || e == ERR_NAME_TOO_LONG;
}

/* Show the Create Link form, with what was typed and a refusal if any. */
static void links_create_form(struct req *r, int root, const char *path, const char *target,
			      const char *name, err_t refusal)
{
	struct page_dict *d = view_begin(r, "create");
	char sentence[1024];
	int status = 200;

	files_fill_location(d, r, root, path);
	page_set(d, "TARGET", target != NULL ? target : "");
	page_set(d, "LINK_NAME", name != NULL ? name : "");
	if (refusal != ERR_OK) {
		links_create_sentence(refusal, name != NULL ? name : "", sentence, sizeof sentence);
		page_show(d, "ERROR");
		page_show(d, links_name_refused(refusal) ? "NAME_INVALID" : "TARGET_INVALID");
		page_set(d, "MESSAGE", sentence);
		status = err_http_status(refusal);
	}
	view_finish(r, status, "Create Link");
}

/* Make the link in one transaction with its audit row. */
static err_t links_make(struct req *r, int root, const char *path, const char *target,
			size_t target_len, const char *name, size_t name_len)
{
	err_t e = store_begin(r->store);

	if (e != ERR_OK)
		return e;
	e = fs_symlink_create(&r->roots, root, path, name, name_len, target, target_len);
	links_audit(r, "link_create", root, path, name, target, e);
	if (store_commit(r->store) != ERR_OK && e == ERR_OK)
		e = ERR_DB;
	return e;
}

/* GET or POST /create. */
void links_create(struct req *r)
{
	char path[NAMES_PATH_MAX], url[8192];
	size_t target_len = 0, name_len = 0;
	int root = FS_ROOT_HOME;
	err_t e = req_location(r, &root, path, sizeof path);
	const char *target = req_field(r, "target", &target_len, &e);
	const char *name = req_field(r, "name", &name_len, &e);

	if (e == ERR_OK)
		e = req_open_roots(r);
	if (e == ERR_OK && r->roots.root[root].fd < 0)
		e = ERR_ROOT_UNKNOWN;
	if (e != ERR_OK) {
		if (r->method == METHOD_POST)
			links_audit(r, "link_create", -1, path, name, target, e);
		view_error(r, e);
		return;
	}
	if (r->method != METHOD_POST) {
		links_create_form(r, root, path, NULL, NULL, ERR_OK);
		return;
	}
	e = links_make(r, root, path, target != NULL ? target : "", target_len,
		       name != NULL ? name : "", name_len);
	if (e != ERR_OK) {
		links_create_form(r, root, path, target, name, e);
		return;
	}
	view_redirect(r, view_url(url, sizeof url, "/files", "root", fs_root_name((fs_root_id)root),
				  "path", path, "highlight", name, "done", "created", "name", name,
				  NULL));
}

/* Show the confirm page of a delete. */
static void links_delete_confirm(struct req *r)
{
	char path[NAMES_PATH_MAX];
	struct listing_entry e;
	struct page_dict *d;
	int root;
	err_t err = files_entry(r, &root, path, sizeof path, &e);

	if (err == ERR_OK && e.type != LISTING_TYPE_LINK) {
		fs_entry_free(&e);
		err = ERR_NOT_LINK;
	}
	if (err != ERR_OK) {
		view_error(r, err);
		return;
	}
	d = view_begin(r, "delete");
	files_fill_location(d, r, root, path);
	page_set(d, "NAME", e.name);
	files_fill_target(d, &e);
	fs_entry_free(&e);
	view_finish(r, 200, "Delete");
}

/* Delete the link in one transaction with its audit row. */
static void links_delete_submit(struct req *r)
{
	char path[NAMES_PATH_MAX], url[8192], target[NAMES_PATH_MAX] = "";
	struct listing_entry before;
	size_t name_len = 0;
	int root = FS_ROOT_HOME;
	err_t e = req_location(r, &root, path, sizeof path);
	const char *name = req_field(r, "name", &name_len, &e);

	if (e == ERR_OK && name == NULL)
		e = ERR_NAME_EMPTY;
	if (e == ERR_OK)
		e = req_open_roots(r);
	/* remember the target for the audit log (best effort) */
	if (e == ERR_OK && fs_entry_get(&r->roots, root, path, name, &before) == ERR_OK) {
		if (before.target != NULL)
			snprintf(target, sizeof target, "%s", before.target);
		fs_entry_free(&before);
	}
	if (e == ERR_OK)
		e = store_begin(r->store);
	if (e == ERR_OK) {
		e = fs_link_delete(&r->roots, root, path, name, name_len);
		links_audit(r, "link_delete", root, path, name, target[0] ? target : NULL, e);
		if (store_commit(r->store) != ERR_OK && e == ERR_OK)
			e = ERR_DB;
	} else {
		links_audit(r, "link_delete", root, path, name, NULL, e);
	}
	if (e != ERR_OK) {
		view_error(r, e);
		return;
	}
	view_redirect(r, view_url(url, sizeof url, "/files", "root", fs_root_name((fs_root_id)root),
				  "path", path, "done", "deleted", "name", name, NULL));
}

/* GET or POST /delete. */
void links_delete(struct req *r)
{
	if (r->method == METHOD_POST)
		links_delete_submit(r);
	else
		links_delete_confirm(r);
}

/* POST /interface. */
void links_interface(struct req *r)
{
	char path[NAMES_PATH_MAX], url[8192];
	int root = FS_ROOT_HOME;
	err_t e = req_location(r, &root, path, sizeof path);
	const char *choice = req_field(r, "interface", NULL, &e);

	if (e == ERR_OK && (choice == NULL ||
			    (strcmp(choice, "new") != 0 && strcmp(choice, "legacy") != 0)))
		e = ERR_HTTP_MALFORMED;
	if (e == ERR_OK)
		e = store_user_set_interface(r->store, r->user.id, choice);
	if (e != ERR_OK) {
		view_error(r, e);
		return;
	}
	view_redirect(r, view_url(url, sizeof url, "/files", "root", fs_root_name((fs_root_id)root),
				  "path", path, NULL));
}
