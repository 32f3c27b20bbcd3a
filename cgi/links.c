/* links: Create Link, Delete, and the interface switch. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "files.h"
#include "links.h"
#include "names.h"
#include "view.h"

/* The sentence for a refused Create Link, naming what was typed (and, for
 * a ".." that is refused, the target that would be taken). */
static void links_create_sentence(err_t e, const char *name, const char *suggestion, char *out,
				  size_t size)
{
	if (e == ERR_EXISTS)
		snprintf(out, size, "An entry named \u201c%s\u201d already exists in this directory. "
			 "Choose another Link Filename.", name);
	else if (e == ERR_NOT_FOUND || e == ERR_NOT_DIR)
		snprintf(out, size, "The Current Directory no longer exists. Go back to Files and "
			 "open a directory that exists.");
	else if (e == ERR_TARGET_DOTDOT && suggestion != NULL && *suggestion != '\0')
		snprintf(out, size, "%s Write it as \u201c%s\u201d instead.", err_sentence(e),
			 suggestion);
	else
		snprintf(out, size, "%s", err_sentence(e));
}

/* Whether a refusal is about the Link Filename (else the Source Filename
 * or the directory). */
static bool links_name_refused(err_t e)
{
	return e == ERR_EXISTS || e == ERR_NAME_EMPTY || e == ERR_NAME_DOT || e == ERR_NAME_SLASH ||
	       e == ERR_NAME_CONTROL || e == ERR_NAME_TOO_LONG || e == ERR_NAME_INVISIBLE;
}

/* What Create Link typed, and what came of it. */
struct links_form {
	int root;
	const char *path;
	const char *target, *name;
	size_t target_len, name_len;
	err_t refusal;
	char suggestion[NAMES_PATH_MAX];
};

/* Show the Create Link form, with what was typed and a refusal if any. */
static void links_create_form(struct req *r, const struct links_form *f)
{
	struct page_dict *d = view_begin(r, "create");
	char sentence[2 * NAMES_PATH_MAX];
	int status = 200;

	files_fill_location(d, r, f->root, f->path);
	page_set(d, "TARGET", f->target != NULL ? f->target : "");
	page_set(d, "LINK_NAME", f->name != NULL ? f->name : "");
	if (f->refusal != ERR_OK) {
		links_create_sentence(f->refusal, f->name != NULL ? f->name : "", f->suggestion,
				      sentence, sizeof sentence);
		page_show(d, "ERROR");
		page_show(d, links_name_refused(f->refusal) ? "NAME_INVALID" : "TARGET_INVALID");
		page_set(d, "MESSAGE", sentence);
		status = err_http_status(f->refusal);
	}
	view_finish(r, status, "Create Link");
}

/* The change of Create Link: make the link. */
static err_t links_make(struct req *r, void *ctx)
{
	const struct links_form *f = ctx;

	return fs_symlink_create(&r->roots, f->root, f->path, f->name, f->name_len, f->target,
				 f->target_len);
}

/* Check and make the link typed in the form; ERR_OK with the audit row's
 * id, or what stopped it (recorded either way). */
static err_t links_create_submit(struct req *r, struct links_form *f, int64_t *id)
{
	struct change c = {AUDIT_LINK_CREATE, f->root, f->path, f->name, f->target, NULL, NULL};
	err_t e;

	/* checked before any row is written: no walk in a database transaction */
	e = fs_symlink_check(&r->roots, f->root, f->path, f->name, f->name_len, f->target,
			     f->target_len, f->suggestion, sizeof f->suggestion);
	if (e != ERR_OK) {
		change_refused(r, &c, e);
		return e;
	}
	return change_run(r, &c, links_make, f, id);
}

/* GET or POST /create. */
void links_create(struct req *r)
{
	char path[NAMES_PATH_MAX], url[8192];
	struct links_form f = {.root = FS_ROOT_HOME, .path = path};
	err_t e = req_location(r, &f.root, path, sizeof path);
	int64_t id = 0;

	f.target = req_field(r, "target", &f.target_len, &e);
	f.name = req_field(r, "name", &f.name_len, &e);
	if (e == ERR_OK)
		e = files_location_check(r, f.root, path);
	if (r->method == METHOD_POST && (e == ERR_NOT_FOUND || e == ERR_NOT_DIR)) {
		/* the directory went while the form was open: keep what was typed */
		f.refusal = e;
		change_refused(r, &(struct change){AUDIT_LINK_CREATE, f.root, path, f.name,
						  f.target, NULL, NULL}, e);
		links_create_form(r, &f);
		return;
	}
	if (e != ERR_OK) {
		if (r->method == METHOD_POST)
			change_refused(r, &(struct change){AUDIT_LINK_CREATE, f.root, path, f.name,
							  f.target, NULL, NULL}, e);
		view_error(r, e);
		return;
	}
	if (r->method == METHOD_POST) {
		if (f.target == NULL)
			f.target = "";
		if (f.name == NULL)
			f.name = "";
		f.refusal = links_create_submit(r, &f, &id);
	}
	if (f.refusal == ERR_AUDIT_UNFINISHED || f.refusal == ERR_DB_FULL ||
	    f.refusal == ERR_DB_READONLY) {
		view_error(r, f.refusal);
	} else if (r->method != METHOD_POST || f.refusal != ERR_OK) {
		links_create_form(r, &f);
	} else {
		view_redirect(r, view_files_url(url, sizeof url, f.root, path, f.name, id));
	}
}

/* Show the confirm page of a delete, bound to the link's identity. */
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
	files_fill_entry_name(d, &e);
	files_fill_target(d, &e);
	fs_entry_free(&e);
	view_finish(r, 200, "Delete");
}

/* What a delete is about. */
struct links_delete_job {
	int root;
	const char *path, *name;
	size_t name_len;
	struct fs_entry_id expect;
	char aside[FS_ASIDE_NAME_MAX];
};

/* The change of Delete: remove the link the page showed. */
static err_t links_remove(struct req *r, void *ctx)
{
	const struct links_delete_job *j = ctx;

	return fs_link_delete(&r->roots, j->root, j->path, j->name, j->name_len, &j->expect,
			      j->aside);
}

/* Check the entry a delete names before anything is recorded as begun:
 * it is there, it is a link, and the confirm page's identity came with it.
 * target gets the link's target, for the audit row. */
static err_t links_delete_check(struct req *r, struct links_delete_job *j, char *target,
				size_t size)
{
	struct listing_entry now;
	err_t e = fs_entry_get(&r->roots, j->root, j->path, j->name, &now);

	target[0] = '\0';
	if (e != ERR_OK)
		return e;
	if (now.type != LISTING_TYPE_LINK)
		e = ERR_NOT_LINK;
	else if (now.target != NULL)
		snprintf(target, size, "%s", now.target);
	fs_entry_free(&now);
	return e == ERR_OK ? files_entry_id_read(r, &j->expect) : e;
}

/* Delete the link between its audit rows. */
static void links_delete_submit(struct req *r)
{
	char path[NAMES_PATH_MAX], url[8192], target[NAMES_PATH_MAX], nbuf[NAMES_NAME_MAX + 1];
	struct links_delete_job j = {.root = FS_ROOT_HOME, .path = path};
	struct change c = {AUDIT_LINK_DELETE, -1, path, NULL, NULL, NULL, NULL};
	err_t e = req_location(r, &j.root, path, sizeof path);
	int64_t id = 0;

	target[0] = '\0';
	j.name = req_name_field(r, "name", nbuf, &j.name_len, &e);
	c.name = j.name;
	if (e == ERR_OK && j.name == NULL)
		e = ERR_NAME_EMPTY;
	if (e == ERR_OK)
		e = names_check_entry_name(j.name, j.name_len);
	if (e == ERR_OK)
		e = req_open_roots(r);
	if (e == ERR_OK) {
		c.root = j.root;
		e = links_delete_check(r, &j, target, sizeof target);
	}
	c.target = target[0] ? target : NULL;
	if (e != ERR_OK) {
		change_refused(r, &c, e);
		view_error(r, e);
		return;
	}
	fs_aside_name(j.aside);
	c.aside = j.aside;
	e = change_run(r, &c, links_remove, &j, &id);
	if (e != ERR_OK) {
		view_error(r, e);
		return;
	}
	view_redirect(r, view_files_url(url, sizeof url, j.root, path, NULL, id));
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
	view_redirect(r, view_files_url(url, sizeof url, root, path, NULL, 0));
}
