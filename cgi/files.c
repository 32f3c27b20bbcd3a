/* files: the directory listing and a link's own page. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "change.h"
#include "dircache.h"
#include "files.h"
#include "listing.h"
#include "names.h"
#include "view.h"

/* An entry's identity on a confirm page: inode, ctime seconds, nanoseconds. */
#define FILES_ENTRY_ID_FORMAT "%llu.%lld.%ld"
#define FILES_PER_PAGE 1000
#define FILES_PER_PAGE_MAX 100000
/* Pages of more rows are streamed into the response as they expand, never
 * held in memory (nor kept by the cache, whose pages are at most 1 MiB). */
#define FILES_ROWS_IN_MEMORY_MAX 2000

/* The word on a link's badge for its state (NULL when it works). */
static const char *files_badge(listing_link_state s)
{
	switch (s) {
	case LISTING_LINK_OK: return NULL;
	case LISTING_LINK_DANGLING: return "missing";
	case LISTING_LINK_LOOP: return "loop";
	case LISTING_LINK_OUTSIDE: return "outside your roots";
	case LISTING_LINK_DENIED: return "no access";
	case LISTING_LINK_TOO_COMPLEX: return "too complex";
	}
	return "missing";
}

/* A sentence saying what a link's state means. */
static const char *files_state_sentence(listing_link_state s)
{
	switch (s) {
	case LISTING_LINK_OK:
		return "The link works: it points to an existing file or directory in your account.";
	case LISTING_LINK_DANGLING:
		return "The target does not exist, so the link leads nowhere.";
	case LISTING_LINK_LOOP:
		return "The links form a loop, or a chain too long to follow.";
	case LISTING_LINK_OUTSIDE:
		return "The target lies outside your Home, Web and FTP directories, so the panel "
		       "does not follow it.";
	case LISTING_LINK_DENIED:
		return "A directory on the way to the target cannot be read by your account.";
	case LISTING_LINK_TOO_COMPLEX:
		return "Working out where this link leads takes more steps than the panel spends on "
		       "one link, so it does not follow it.";
	}
	return "";
}

/* The class name of an entry type, used in the markup. */
static const char *files_type_class(listing_type t)
{
	static const char *const names[] = {
		[LISTING_TYPE_UNKNOWN] = "unknown", [LISTING_TYPE_FILE] = "file",
		[LISTING_TYPE_DIR] = "dir",         [LISTING_TYPE_LINK] = "link",
		[LISTING_TYPE_FIFO] = "fifo",       [LISTING_TYPE_SOCKET] = "socket",
		[LISTING_TYPE_CHAR] = "char",       [LISTING_TYPE_BLOCK] = "block",
	};

	return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

/* What a link's target shows, worked out once for a dictionary or a row. */
struct files_target {
	const char *target;        /* the link's text */
	size_t target_len;
	const char *badge;         /* NULL when it leads into a root: then dest_* */
	const char *dest_root, *dest_label;
	char dest_path[NAMES_OPAQUE_SIZE(NAMES_PATH_MAX)];      /* opaque-encoded */
	char dest_highlight[NAMES_OPAQUE_SIZE(NAMES_NAME_MAX)]; /* opaque-encoded */
};

/* Work out what the target of link e shows: a badge, or where it leads
 * (the directory to list and the name to mark there). */
static void files_target_make(const struct listing_entry *e, struct files_target *t)
{
	char parent[NAMES_PATH_MAX];
	const char *last;

	t->target = e->target != NULL ? e->target : "";
	t->target_len = e->target != NULL ? e->target_len : 0;
	t->badge = files_badge(e->link_state);
	if (t->badge == NULL && (e->dest_root < 0 || e->dest_rel == NULL))
		t->badge = "missing";
	if (t->badge != NULL)
		return;
	t->dest_root = fs_root_name((fs_root_id)e->dest_root);
	t->dest_label = fs_root_label((fs_root_id)e->dest_root);
	if (e->dest_type == LISTING_TYPE_DIR ||
	    names_rel_split(e->dest_rel, parent, sizeof parent, &last) != ERR_OK) {
		view_opaque(e->dest_rel, t->dest_path, sizeof t->dest_path);
		t->dest_highlight[0] = '\0';
	} else {
		view_opaque(parent, t->dest_path, sizeof t->dest_path);
		view_opaque(last, t->dest_highlight, sizeof t->dest_highlight);
	}
}

/* Fill a dictionary with where a link leads. */
void files_fill_target(struct page_dict *d, const struct listing_entry *e)
{
	struct files_target t;

	files_target_make(e, &t);
	page_set_n(d, "TARGET", t.target, t.target_len);
	page_set(d, "STATE_SENTENCE", files_state_sentence(e->link_state));
	d = page_add_include(d, "TARGET_VIEW", "shared/target.tpl");
	page_set_n(d, "TARGET", t.target, t.target_len);
	if (t.badge != NULL) {
		page_set(page_add_section(d, "TARGET_BAD"), "BADGE", t.badge);
		return;
	}
	d = page_add_section(d, "TARGET_OK");
	page_set(d, "DEST_ROOT", t.dest_root);
	page_set(d, "DEST_LABEL", t.dest_label);
	page_set(d, "DEST_PATH", t.dest_path);
	page_set(d, "DEST_HIGHLIGHT", t.dest_highlight);
}

/* Fill a listing row with where its link leads (t must outlive the row). */
static void files_row_target(struct page_row *row, const struct files_target *t)
{
	page_row_show(row, "LINK_TARGET");
	page_row_include(row, "TARGET_VIEW", "shared/target.tpl");
	page_row_set(row, "TARGET", t->target, t->target_len);
	if (t->badge != NULL) {
		page_row_show(row, "TARGET_BAD");
		page_row_set_str(row, "BADGE", t->badge);
		return;
	}
	page_row_show(row, "TARGET_OK");
	page_row_set_str(row, "DEST_ROOT", t->dest_root);
	page_row_set_str(row, "DEST_LABEL", t->dest_label);
	page_row_set_str(row, "DEST_PATH", t->dest_path);
	page_row_set_str(row, "DEST_HIGHLIGHT", t->dest_highlight);
}

#define FILES_CRUMBS_SHOWN 8 /* components of a deep path shown as crumbs (the last ones) */

/* Add one crumb: a component of the path (label, len bytes) with the path
 * up to it (prefix, prefix_len bytes) to list it. */
static void files_add_crumb(struct page_dict *d, const char *label, size_t len,
			    const char *prefix, size_t prefix_len, bool sep)
{
	char raw[NAMES_PATH_MAX], enc[NAMES_OPAQUE_SIZE(NAMES_PATH_MAX)];
	struct page_dict *crumb = page_add_section(d, "CRUMB");

	if (sep)
		page_show(crumb, "CRUMB_SEP");
	page_show(crumb, "CRUMB_LINK");
	page_set_n(crumb, "CRUMB_LABEL", label, len);
	snprintf(raw, sizeof raw, "%.*s", (int)prefix_len, prefix);
	page_set(crumb, "CRUMB_PATH", view_opaque(raw, enc, sizeof enc));
}

/* Fill the Current Directory: the root's real path, then each component of
 * the path, each with the path to list it; of a deep path only the last
 * FILES_CRUMBS_SHOWN, after an ellipsis, so that the page grows with the
 * depth, not with its square. */
void files_fill_location(struct page_dict *d, const struct req *r, int root, const char *path)
{
	char full[2 * NAMES_PATH_MAX], enc[NAMES_OPAQUE_SIZE(NAMES_PATH_MAX)];
	const char *abs = r->roots.root[root].abs != NULL ? r->roots.root[root].abs : "";
	size_t depth = *path != '\0', shown = 0;
	const char *p = path;

	for (const char *q = path; *q != '\0'; q++)
		depth += *q == '/';
	page_set_global(d, "CUR_ROOT", fs_root_name((fs_root_id)root));
	page_set_global(d, "CUR_PATH", view_opaque(path, enc, sizeof enc));
	snprintf(full, sizeof full, "%s%s%s", abs, *path ? "/" : "", path);
	page_set_global(d, "CUR_DIR", full);
	d = page_add_include(d, "LOCATION", "shared/location.tpl");
	files_add_crumb(d, abs, strlen(abs), "", 0, false);
	while (*p != '\0') {
		size_t len = strcspn(p, "/");

		if (depth - shown <= FILES_CRUMBS_SHOWN)
			files_add_crumb(d, p, len, path, (size_t)(p + len - path), true);
		else if (shown == 0) {
			struct page_dict *gap = page_add_section(d, "CRUMB");

			page_show(gap, "CRUMB_SEP");
			page_show(gap, "CRUMB_ELLIPSIS");
		}
		shown++;
		p += len;
		while (*p == '/')
			p++;
	}
}

/* What the rows of a listing page are filled from, and the buffers a
 * row's values live in until the next row is filled. */
struct files_rows {
	const struct fs_listing *l;
	size_t first;             /* the index of the first row shown */
	const char *highlight;    /* a name to mark, or NULL */
	bool legacy;              /* the Legacy interface: no Action column */
	/* the directory listed, opaque-encoded once for every row's links */
	char path_enc[NAMES_OPAQUE_SIZE(NAMES_PATH_MAX)];
	char name_enc[NAMES_OPAQUE_SIZE(NAMES_NAME_MAX)];
	char rel_enc[NAMES_OPAQUE_SIZE(NAMES_PATH_MAX) + NAMES_OPAQUE_SIZE(NAMES_NAME_MAX)];
	char size[32], perms[11], date[32];
	struct files_target target;
};

/* The section showing an entry's name: a directory's link, a link's arrow
 * (in Legacy, with its own page), or plain text. */
static const char *files_name_section(listing_type type, bool legacy)
{
	if (type == LISTING_TYPE_DIR)
		return "IS_DIR";
	if (type == LISTING_TYPE_LINK)
		return legacy ? "IS_LINK_LEGACY" : "IS_LINK_NEW";
	return "IS_OTHER";
}

/* Fill row i of the page shown (a page_row_fill). */
static void files_row_fill(void *ctx, size_t i, struct page_row *row)
{
	struct files_rows *rows = ctx;
	const struct listing_entry *e = &rows->l->entries[rows->first + i];

	page_row_set(row, "NAME", e->name, e->name_len);
	view_opaque(e->name, rows->name_enc, sizeof rows->name_enc);
	page_row_set_str(row, "NAME_OPAQUE", rows->name_enc);
	page_row_set_str(row, "TYPE", files_type_class(e->type));
	/* the encoding works byte by byte: the entry's path is the directory's
	 * encoding, '/', and the name's */
	snprintf(rows->rel_enc, sizeof rows->rel_enc, "%s%s%s", rows->path_enc,
		 rows->path_enc[0] != '\0' ? "/" : "", rows->name_enc);
	page_row_set_str(row, "ENTRY_PATH", rows->rel_enc);
	if (rows->highlight != NULL && strcmp(rows->highlight, e->name) == 0)
		page_row_show(row, "HIGHLIGHT");
	page_row_show(row, files_name_section(e->type, rows->legacy));
	if (!rows->legacy) {
		page_row_show(row, "ACTION_CELL");
		if (e->type == LISTING_TYPE_LINK)
			page_row_show(row, "ACTION_MENU");
	}
	if (e->type == LISTING_TYPE_LINK) {
		files_target_make(e, &rows->target);
		files_row_target(row, &rows->target);
		return;
	}
	page_row_show(row, "DETAILS");
	listing_size_string(e->size, rows->size, sizeof rows->size);
	page_row_set_str(row, "SIZE", rows->size);
	listing_mode_string(e->mode, rows->perms);
	page_row_set_str(row, "PERMS", rows->perms);
	listing_date_string(e->mtime, rows->date, sizeof rows->date);
	page_row_set_str(row, "DATE", rows->date);
}

/* Fill the sortable column headers: each links to its own sort, reversing
 * the order when it is the current one. */
static void files_fill_sort(struct page_dict *d, listing_sort_key key, bool desc)
{
	static const char *const headers[] = {"SORT_NAME", "SORT_SIZE", "SORT_DATE"};

	page_set_global(d, "SORT", listing_sort_key_name(key));
	page_set_global(d, "ORDER", desc ? "desc" : "asc");
	for (int k = LISTING_SORT_NAME; k <= LISTING_SORT_DATE; k++) {
		struct page_dict *h = page_add_section(d, headers[k]);

		page_set(h, "KEY", listing_sort_key_name((listing_sort_key)k));
		page_set(h, "NEXT_ORDER", (int)key == k && !desc ? "desc" : "asc");
		if ((int)key == k)
			page_set(h, "ARIA_SORT", desc ? "descending" : "ascending");
		else
			page_set(h, "ARIA_SORT", "none");
	}
}

/* store_audit_get callback: show in the page's dictionary ctx the message
 * of a change that was done. */
static void files_done_row(const struct store_audit *row, void *ctx)
{
	struct page_dict *d = ctx;
	audit_action a = audit_action_parse(row->action);
	const char *name = row->path != NULL ? strrchr(row->path, '/') : NULL;
	struct page_dict *m;

	if (row->outcome == NULL || strcmp(row->outcome, "done") != 0 || row->path == NULL)
		return;
	if (a == AUDIT_LINK_CREATE)
		m = page_add_section(d, "DONE_CREATED");
	else if (a == AUDIT_LINK_DELETE)
		m = page_add_section(d, "DONE_DELETED");
	else
		return;
	page_set(m, "DONE_NAME", name != NULL ? name + 1 : row->path);
}

/* The message shown after a change: the redirect names the change's audit
 * row ("done"), and only a row of this account's, done, says anything, so
 * no text can be slipped into the page through the URL. */
static void files_fill_done(struct page_dict *d, struct req *r)
{
	err_t e = ERR_OK;
	const char *done = req_field(r, "done", NULL, &e);
	char *end = NULL;
	long long id;

	if (done == NULL || *done < '1' || *done > '9')
		return;
	id = strtoll(done, &end, 10);
	if (*end == '\0')
		store_audit_get(r->store, id, r->user.name, files_done_row, d);
}

/* How a listing is shown: sort, order, filter and page, from the query. */
struct files_view {
	listing_sort_key key;
	bool desc;
	const char *filter;     /* NULL or a substring of names to keep */
	const char *highlight;  /* a name to mark */
	char highlight_buf[NAMES_NAME_MAX + 1];
	size_t page;            /* 0: the page holding highlight, else the first */
	size_t per_page;        /* rows a page, 0 for all on one page */
	const char *per_page_text; /* as asked ("" for the default), for links */
};

/* Parse a positive decimal number up to max; 0 when it is not one. */
static size_t files_parse_count(const char *s, size_t max)
{
	char *end = NULL;
	unsigned long long n;

	if (*s < '0' || *s > '9')
		return 0;
	n = strtoull(s, &end, 10);
	return *end != '\0' || n > max ? 0 : (size_t)n;
}

/* Read the per_page field: a number of rows (1 to FILES_PER_PAGE_MAX),
 * "all", or nothing for FILES_PER_PAGE. */
static err_t files_per_page_read(const char *text, struct files_view *v)
{
	v->per_page = FILES_PER_PAGE;
	v->per_page_text = "";
	if (text == NULL || *text == '\0')
		return ERR_OK;
	v->per_page_text = text;
	if (strcmp(text, "all") == 0) {
		v->per_page = 0;
		return ERR_OK;
	}
	v->per_page = files_parse_count(text, FILES_PER_PAGE_MAX);
	return v->per_page == 0 ? ERR_HTTP_MALFORMED : ERR_OK;
}

/* Read the view fields of the query; ERR_HTTP_DUPLICATE or a bad page. */
static err_t files_view_read(struct req *r, struct files_view *v)
{
	err_t e = ERR_OK;
	const char *order = req_field(r, "order", NULL, &e);
	const char *page = req_field(r, "page", NULL, &e);
	const char *per_page = req_field(r, "per_page", NULL, &e);

	v->key = listing_sort_key_parse(req_field(r, "sort", NULL, &e));
	v->desc = order != NULL && strcmp(order, "desc") == 0;
	v->filter = req_field(r, "filter", NULL, &e);
	if (v->filter != NULL && *v->filter == '\0')
		v->filter = NULL;
	v->highlight = req_name_field(r, "highlight", v->highlight_buf, &(size_t){0}, &e);
	v->page = 0;
	if (page != NULL && *page != '\0') {
		v->page = files_parse_count(page, 1000000000);
		if (v->page == 0)
			return ERR_HTTP_MALFORMED;
	}
	if (files_per_page_read(per_page, v) != ERR_OK)
		return ERR_HTTP_MALFORMED;
	return e;
}

/* Sort the listing and work out the page to show. Sorting by name needs
 * only names and types, so then only the rows shown are stat-ed; sorting by
 * size or date stats everything first. */
static struct listing_page files_arrange(struct req *r, struct fs_listing *l,
					 const struct files_view *v)
{
	size_t page = v->page;
	struct listing_page pg;

	if (v->key != LISTING_SORT_NAME)
		fs_listing_stat_all(&r->roots, l);
	listing_sort(l->entries, l->count, v->key, v->desc);
	for (size_t i = 0; page == 0 && v->highlight != NULL && i < l->count; i++) {
		if (strcmp(l->entries[i].name, v->highlight) == 0)
			page = v->per_page > 0 ? i / v->per_page + 1 : 1;
	}
	pg = listing_paginate(l->count, page == 0 ? 1 : page, v->per_page);
	for (size_t i = pg.first; i < pg.first + pg.count; i++)
		fs_listing_stat(&r->roots, l, i);
	return pg;
}

/* Fill the page chooser: Previous, Next and the numbers around the page. */
static void files_fill_pager(struct page_dict *d, const struct listing_page *pg)
{
	struct page_dict *pager;
	size_t from, to;

	if (pg->pages <= 1)
		return;
	pager = page_add_section(d, "PAGER");
	page_set_int(pager, "PAGE", (long long)pg->page);
	page_set_int(pager, "PAGES", (long long)pg->pages);
	if (pg->page > 1)
		page_set_int(page_add_section(pager, "PREV"), "TO", (long long)pg->page - 1);
	if (pg->page < pg->pages)
		page_set_int(page_add_section(pager, "NEXT"), "TO", (long long)pg->page + 1);
	from = pg->page > 5 ? pg->page - 5 : 1;
	to = pg->page + 5 < pg->pages ? pg->page + 5 : pg->pages;
	for (size_t p = from; p <= to; p++) {
		struct page_dict *num = page_add_section(pager, "NUMBER");

		page_set_int(num, "TO", (long long)p);
		page_show(num, p == pg->page ? "IS_CURRENT" : "NOT_CURRENT");
	}
}

/* The rows of the page shown, rendered: kept by the cache, or fresh (own,
 * freed once the page is out). */
struct files_rendered {
	const char *html;
	size_t html_len;
	size_t total;             /* entries after the filter */
	struct listing_page page;
	char *own;
};

/* Put the rendered rows and the counts in d, and the page chooser. */
static void files_fill_rows(struct page_dict *d, const struct files_rendered *rows,
			    const struct files_view *v)
{
	const struct listing_page *pg = &rows->page;

	if (rows->html != NULL)
		page_set_prerendered(d, "ROWS", rows->html, rows->html_len);
	if (rows->total == 0)
		page_show(d, v->filter != NULL ? "NO_MATCH" : "EMPTY");
	else
		page_show(d, "HAS_ROWS");
	page_set_int(d, "COUNT", (long long)rows->total);
	page_set_int(d, "FIRST", (long long)(pg->first + (pg->count > 0)));
	page_set_int(d, "LAST", (long long)(pg->first + pg->count));
	files_fill_pager(d, pg);
}

/* The cache key of a page's rows: all they depend on besides the directory
 * (its location, the interface, sort, filter and page), each text field
 * preceded by its length. False when it does not fit. */
static bool files_cache_key(char *out, size_t size, int root, const char *path, bool legacy,
			    const struct files_view *v)
{
	const char *filter = v->filter != NULL ? v->filter : "";
	const char *highlight = v->highlight != NULL ? v->highlight : "";
	int n = snprintf(out, size, "%d %zu:%s %d %d %d %zu:%s %zu %zu %zu:%s", root,
			 strlen(path), path, legacy, (int)v->key, v->desc, strlen(filter),
			 filter, v->page, v->per_page, strlen(highlight), highlight);

	return n > 0 && (size_t)n < size;
}

/* Whether a row must be compared again each time a kept page is used:
 * whatever inotify on its directory would not report a change of (a link's
 * destination, a subdirectory's own size and date, a file with another
 * name elsewhere, special files). */
static bool files_needs_check(const struct listing_entry *e)
{
	return e->type != LISTING_TYPE_FILE || e->nlink != 1;
}

/* Whether a row kept with a page still shows the same. A link is only
 * followed again: replacing or changing the link itself is an event of its
 * directory, which would have dropped the page. */
static bool files_check_holds(struct req *r, int root, const char *path, int dirfd,
			      const struct listing_entry *kept)
{
	struct listing_entry now;
	bool same;

	if (kept->type == LISTING_TYPE_LINK) {
		now = *kept;
		now.dest_rel = NULL;
		same = fs_link_lead(&r->roots, root, path, dirfd, &now) == ERR_OK &&
		       listing_entry_looks_same(kept, &now);
		free(now.dest_rel);
		return same;
	}
	if (fs_entry_at(&r->roots, root, path, dirfd, kept->name, &now) != ERR_OK)
		return false;
	same = listing_entry_looks_same(kept, &now);
	fs_entry_free(&now);
	return same;
}

/* Whether the rows a kept page compares again still show the same. */
static bool files_checks_hold(struct req *r, int root, const char *path, int dirfd,
			      const struct dircache_item *it)
{
	for (size_t i = 0; i < it->check_count; i++) {
		if (!files_check_holds(r, root, path, dirfd, &it->checks[i]))
			return false;
	}
	return true;
}

/* The rows of a kept page of dirfd, if there is one that still holds. */
static bool files_from_cache(struct req *r, int root, const char *path, int dirfd,
			     const char *key, struct files_rendered *out)
{
	const struct dircache_item *it = key != NULL ? dircache_find(dirfd, key) : NULL;

	if (it == NULL || !files_checks_hold(r, root, path, dirfd, it))
		return false;
	out->html = it->html;
	out->html_len = it->html_len;
	out->total = it->total;
	out->page = it->page;
	return true;
}

/* Expand the rows of the page into memory (rows.tpl, AUTOESCAPE on). */
static err_t files_rows_expand(struct req *r, struct files_rows *rows, size_t count,
			       struct files_rendered *out)
{
	struct page_dict *d = page_dict_new("rows");
	size_t len = 0;
	FILE *f = d != NULL ? open_memstream(&out->own, &len) : NULL;
	struct out o;
	err_t e;

	if (f == NULL) {
		page_dict_free(d);
		return ERR_NOMEM;
	}
	page_set_global(d, "BASE_URL", r->cfg->base_url);
	page_set_global(d, "STATIC_URL", r->cfg->static_url);
	page_set_global(d, "CUR_ROOT", fs_root_name((fs_root_id)rows->l->root));
	page_set_global(d, "CUR_PATH", rows->path_enc);
	page_add_lazy_section(d, "ROW", count, files_row_fill, rows);
	out_init_body(&o, f);
	e = page_expand("shared/rows.tpl", d, &o);
	page_dict_free(d);
	if (fclose(f) != 0 && e == ERR_OK)
		e = ERR_NOMEM;
	out->html = out->own;
	out->html_len = len;
	return e;
}

/* Keep the rendered rows for next time, with the rows to compare again
 * then; nothing is kept when a row could not be read. */
static void files_keep(const struct dircache_ticket *t, const char *key,
		       const struct fs_listing *l, const struct files_rendered *rows)
{
	const struct listing_page *pg = &rows->page;
	struct listing_entry *checks = malloc((pg->count + 1) * sizeof *checks);
	size_t n = 0;

	for (size_t i = pg->first; checks != NULL && i < pg->first + pg->count; i++) {
		const struct listing_entry *e = &l->entries[i];

		if (!e->stated) {
			free(checks);
			return;
		}
		if (files_needs_check(e))
			checks[n++] = *e;
	}
	if (checks != NULL)
		dircache_keep(t, key, rows->html, rows->html_len, checks, n, rows->total, pg);
	free(checks);
}

/* Read, filter, sort and stat the directory open as dirfd (which the
 * listing l owns from here) and work out the page shown. */
static err_t files_read(struct req *r, int root, const char *path, int dirfd,
			const struct files_view *v, struct fs_listing *l,
			struct files_rendered *out)
{
	err_t e = fs_list_dir(&r->roots, root, path, dirfd, l);

	if (e != ERR_OK)
		return e;
	fs_listing_filter(l, v->filter);
	out->page = files_arrange(r, l, v);
	out->total = l->count;
	return ERR_OK;
}

/* Render the rows of the page of a directory read now: into memory, kept
 * in the cache when key is not NULL; or, for a page of many rows, as a
 * lazy section of d streamed when the page expands (l and rows must then
 * live until it has). */
static err_t files_render(struct req *r, struct page_dict *d, int root, const char *path,
			  int dirfd, const struct files_view *v, const char *key,
			  struct fs_listing *l, struct files_rows *rows,
			  struct files_rendered *out)
{
	struct dircache_ticket ticket;
	err_t e;

	dircache_begin(dirfd, &ticket);
	e = files_read(r, root, path, dirfd, v, l, out);
	if (e != ERR_OK)
		return e;
	rows->first = out->page.first;
	if (out->page.count > FILES_ROWS_IN_MEMORY_MAX) {
		struct page_dict *view = page_add_include(page_add_section(d, "STREAMED_ROWS"),
							  "ROWS_VIEW", "shared/rows.tpl");

		page_add_lazy_section(view, "ROW", out->page.count, files_row_fill, rows);
		return ERR_OK;
	}
	e = files_rows_expand(r, rows, out->page.count, out);
	if (e == ERR_OK && key != NULL)
		files_keep(&ticket, key, l, out);
	return e;
}

/* Finish a listing page saying the directory cannot be read. */
static void files_denied(struct req *r, struct page_dict *d, int root)
{
	page_show(d, "DENIED");
	view_finish(r, 403, fs_root_label((fs_root_id)root));
}

/* Show the listing of the directory open as dirfd (closed here): the rows
 * from the cache when they still hold, else rendered now. */
static void files_show(struct req *r, struct page_dict *d, int dirfd,
		       const struct files_view *v, int root, const char *path)
{
	char key[3 * NAMES_PATH_MAX];
	struct fs_listing l = {.dirfd = -1};
	struct files_rows rows = {
		.l = &l,
		.highlight = v->highlight,
		.legacy = strcmp(r->user.interface, "legacy") == 0,
	};
	bool keyed = files_cache_key(key, sizeof key, root, path, rows.legacy, v);
	struct files_rendered rendered = {0};
	err_t e = ERR_OK;

	view_opaque(path, rows.path_enc, sizeof rows.path_enc);
	if (files_from_cache(r, root, path, dirfd, keyed ? key : NULL, &rendered))
		close(dirfd);
	else
		e = files_render(r, d, root, path, dirfd, v, keyed ? key : NULL, &l, &rows,
				 &rendered);
	if (e == ERR_DENIED) {
		files_denied(r, d, root);
	} else if (e != ERR_OK) {
		view_error(r, e);
	} else {
		files_fill_rows(d, &rendered, v);
		view_finish(r, 200, fs_root_label((fs_root_id)root));
	}
	fs_listing_free(&l);
	free(rendered.own);
}

/* GET /files: the listing of (root, path). */
void files_list(struct req *r)
{
	char path[NAMES_PATH_MAX];
	int root, dirfd = -1;
	struct files_view v = {0};
	err_t e = req_location(r, &root, path, sizeof path);
	struct page_dict *d;

	if (e == ERR_OK)
		e = files_view_read(r, &v);
	if (e == ERR_OK)
		e = req_open_roots(r);
	if (e == ERR_OK)
		e = fs_open_dir(&r->roots, root, path, &dirfd);
	if (e != ERR_OK && e != ERR_DENIED) {
		view_error(r, e);
		return;
	}
	d = view_begin(r, "files");
	if (strcmp(r->user.interface, "legacy") != 0)
		page_show(d, "ACTIONS_HEAD");
	files_fill_location(d, r, root, path);
	files_fill_sort(d, v.key, v.desc);
	page_set_global(d, "FILTER", v.filter != NULL ? v.filter : "");
	page_set_global(d, "PER_PAGE", v.per_page_text);
	files_fill_done(d, r);
	if (*path != '\0') {
		char parent[NAMES_PATH_MAX], enc[NAMES_OPAQUE_SIZE(NAMES_PATH_MAX)];
		const char *last;

		names_rel_split(path, parent, sizeof parent, &last);
		page_set(page_add_section(d, "UP"), "UP_PATH", view_opaque(parent, enc, sizeof enc));
	}
	if (e == ERR_DENIED) {
		files_denied(r, d, root);
		return;
	}
	files_show(r, d, dirfd, &v, root, path);
}

/* Check that (root, path) is a directory of the account that can be
 * opened now. */
err_t files_location_check(struct req *r, int root, const char *path)
{
	err_t e = req_open_roots(r);
	int fd = -1;

	if (e == ERR_OK)
		e = fs_open_dir(&r->roots, root, path, &fd);
	if (fd >= 0)
		close(fd);
	return e;
}

/* Fill d with an entry's name: as it is (NAME, shown with its odd
 * characters marked), opaque-encoded for forms and URLs (NAME_OPAQUE), and
 * its identity (ENTRY_ID), which a confirm page sends back. */
void files_fill_entry_name(struct page_dict *d, const struct listing_entry *e)
{
	char enc[NAMES_OPAQUE_SIZE(NAMES_NAME_MAX)], id[80];
	struct fs_entry_id ident = fs_entry_id_of(e);

	page_set_n(d, "NAME", e->name, e->name_len);
	page_set(d, "NAME_OPAQUE", view_opaque(e->name, enc, sizeof enc));
	snprintf(id, sizeof id, FILES_ENTRY_ID_FORMAT, (unsigned long long)ident.ino,
		 (long long)ident.ctime_sec, ident.ctime_nsec);
	page_set(d, "ENTRY_ID", id);
}

/* Read the identity a confirm page sent back (its field "id"). */
err_t files_entry_id_read(struct req *r, struct fs_entry_id *id)
{
	err_t e = ERR_OK;
	const char *text = req_field(r, "id", NULL, &e);
	unsigned long long ino;
	long long sec;
	long nsec;
	int used = 0;

	if (e != ERR_OK)
		return e;
	if (text == NULL ||
	    sscanf(text, FILES_ENTRY_ID_FORMAT "%n", &ino, &sec, &nsec, &used) != 3 ||
	    text[used] != '\0')
		return ERR_HTTP_MALFORMED;
	*id = (struct fs_entry_id){(uint64_t)ino, (int64_t)sec, nsec};
	return ERR_OK;
}

/* Read the location and name of one entry and stat it. */
err_t files_entry(struct req *r, int *root, char *path, size_t size, struct listing_entry *e)
{
	char nbuf[NAMES_NAME_MAX + 1];
	err_t err = req_location(r, root, path, size);
	size_t len = 0;
	const char *name = req_name_field(r, "name", nbuf, &len, &err);

	memset(e, 0, sizeof *e);
	if (err != ERR_OK)
		return err;
	if (name == NULL)
		return ERR_NAME_EMPTY;
	err = names_check_entry_name(name, len);
	if (err == ERR_OK)
		err = req_open_roots(r);
	if (err == ERR_OK)
		err = fs_entry_get(&r->roots, *root, path, name, e);
	return err;
}

/* GET /link: a link's own page, with Delete in its toolbar. */
void files_link(struct req *r)
{
	char path[NAMES_PATH_MAX];
	struct listing_entry e;
	struct page_dict *d;
	int root;
	err_t err = files_entry(r, &root, path, sizeof path, &e);

	if (err != ERR_OK) {
		view_error(r, err);
		return;
	}
	d = view_begin(r, "link");
	files_fill_location(d, r, root, path);
	files_fill_entry_name(d, &e);
	if (e.type == LISTING_TYPE_LINK)
		files_fill_target(page_add_section(d, "IS_LINK"), &e);
	else
		page_show(d, "NOT_LINK");
	fs_entry_free(&e);
	view_finish(r, 200, "Symbolic Link");
}
