/* fs_entry: entries and listings: reading a directory's names, stat-ing
 * entries without following them, owner names, and where a link leads. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <malloc.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_intern.h"
#include "names.h"

#define FS_OWNER_NAMES_MAX 4096
#define FS_TRIM_BYTES (1024 * 1024)


/* One id and its name (or its number, when it has no name). */
struct fs_id_name {
	unsigned id;
	char *name;
};

/* The names met so far, users [0] and groups [1]; the last one found is
 * tried first, since the entries of a directory mostly share an owner. */
struct fs_id_names {
	struct fs_id_name *v;
	size_t count, cap, last;
};

static struct fs_id_names fs_id_names[2];

/* The name of a user or group id from the system, or its number, as a new
 * string (NULL when out of memory). */
static char *fs_id_name_new(unsigned id, int is_group)
{
	char buf[4096], num[16];
	const char *name = NULL;

	if (is_group) {
		struct group gr, *res = NULL;

		if (getgrgid_r(id, &gr, buf, sizeof buf, &res) == 0 && res != NULL)
			name = gr.gr_name;
	} else {
		struct passwd pw, *res = NULL;

		if (getpwuid_r(id, &pw, buf, sizeof buf, &res) == 0 && res != NULL)
			name = pw.pw_name;
	}
	if (name == NULL) {
		snprintf(num, sizeof num, "%u", id);
		name = num;
	}
	return strdup(name);
}

/* The name of a user or group id (is_group), looked up once per process
 * and shared by every entry: entries point at it rather than copy it.
 * "?" when it cannot be kept (out of memory, or FS_OWNER_NAMES_MAX ids
 * already met). */
static const char *fs_id_lookup(unsigned id, int is_group)
{
	struct fs_id_names *t = &fs_id_names[is_group != 0];
	struct fs_id_name *nv;
	char *name;

	if (t->last < t->count && t->v[t->last].id == id)
		return t->v[t->last].name;
	for (size_t i = 0; i < t->count; i++) {
		if (t->v[i].id == id) {
			t->last = i;
			return t->v[i].name;
		}
	}
	if (t->count == FS_OWNER_NAMES_MAX)
		return "?";
	if (t->count == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;

		nv = realloc(t->v, cap * sizeof *nv);
		if (nv == NULL)
			return "?";
		t->v = nv;
		t->cap = cap;
	}
	name = fs_id_name_new(id, is_group);
	if (name == NULL)
		return "?";
	t->v[t->count] = (struct fs_id_name){id, name};
	t->last = t->count++;
	return name;
}



/* Fill the stat fields of entry e, found in directory dirfd which is
 * (root, dir_rel); for a link also its target and where it leads. */
static err_t fs_fill_entry(const struct fs_roots *roots, int root, const char *dir_rel,
			   int dirfd, struct listing_entry *e)
{
	struct stat st;
	char target[NAMES_PATH_MAX];
	ssize_t n;

	if (e->stated)
		return ERR_OK;
	if (fstatat(dirfd, e->name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return err_from_errno(errno);
	e->mode = st.st_mode;
	e->type = listing_type_from_mode(st.st_mode);
	e->size = st.st_size;
	e->nlink = st.st_nlink;
	e->uid = st.st_uid;
	e->gid = st.st_gid;
	e->mtime = st.st_mtime;
	e->ino = (uint64_t)st.st_ino;
	e->ctime_sec = (int64_t)st.st_ctim.tv_sec;
	e->ctime_nsec = st.st_ctim.tv_nsec;
	e->owner = fs_id_lookup(st.st_uid, 0);
	e->group = fs_id_lookup(st.st_gid, 1);
	e->dest_root = -1;
	e->stated = true;
	if (!S_ISLNK(st.st_mode))
		return ERR_OK;
	n = readlinkat(dirfd, e->name, target, sizeof target);
	if (n < 0 || (size_t)n >= sizeof target) {
		e->link_state = LISTING_LINK_DANGLING;
		return ERR_OK;
	}
	e->target = malloc((size_t)n + 1);
	if (e->target == NULL)
		return ERR_NOMEM;
	memcpy(e->target, target, (size_t)n);
	e->target[n] = '\0';
	e->target_len = (size_t)n;
	return fs_link_lead(roots, root, dir_rel, dirfd, e);
}

/* Work out where a link entry leads from its target. */
err_t fs_link_lead(const struct fs_roots *roots, int root, const char *dir_rel, int dirfd,
		   struct listing_entry *e)
{
	struct fs_resolution *res = malloc(sizeof *res);

	free(e->dest_rel);
	e->dest_rel = NULL;
	if (res == NULL)
		return ERR_NOMEM;
	if (fs_resolve_from(roots, root, dir_rel, dirfd, e->target, e->target_len, res) !=
	    ERR_OK) {
		res->state = LISTING_LINK_DANGLING;
		res->root = -1;
	}
	e->link_state = res->state;
	e->dest_root = res->root;
	e->dest_type = res->type;
	if (res->root >= 0) {
		e->dest_rel = strdup(res->rel);
		if (e->dest_rel == NULL) {
			free(res);
			return ERR_NOMEM;
		}
	}
	free(res);
	return ERR_OK;
}

/* Grow the listing's entry array and name arena to hold one more name of
 * len bytes. */
static err_t fs_listing_reserve(struct fs_listing *l, size_t len)
{
	if (l->count == l->capacity) {
		size_t cap = l->capacity ? l->capacity * 2 : 64;
		struct listing_entry *ne = realloc(l->entries, cap * sizeof *ne);

		if (ne == NULL)
			return ERR_NOMEM;
		l->entries = ne;
		l->capacity = cap;
	}
	if (l->names_len + len + 1 > l->names_cap) {
		size_t cap = l->names_cap ? l->names_cap * 2 : 4096;
		char *nn;

		while (cap < l->names_len + len + 1)
			cap *= 2;
		nn = realloc(l->names, cap);
		if (nn == NULL)
			return ERR_NOMEM;
		l->names = nn;
		l->names_cap = cap;
	}
	return ERR_OK;
}

/* Map a getdents d_type to a listing_type. */
static listing_type fs_type_from_dirent(unsigned char t)
{
	switch (t) {
	case DT_REG: return LISTING_TYPE_FILE;
	case DT_DIR: return LISTING_TYPE_DIR;
	case DT_LNK: return LISTING_TYPE_LINK;
	case DT_FIFO: return LISTING_TYPE_FIFO;
	case DT_SOCK: return LISTING_TYPE_SOCKET;
	case DT_CHR: return LISTING_TYPE_CHAR;
	case DT_BLK: return LISTING_TYPE_BLOCK;
	default: return LISTING_TYPE_UNKNOWN;
	}
}

/* Read every name of an open directory into the listing. Names live in the
 * arena; entries keep their offsets until the arena stops moving. */
static err_t fs_listing_read(struct fs_listing *l, int readfd)
{
	DIR *d = fdopendir(readfd);
	struct dirent *de;
	size_t i, off;

	if (d == NULL) {
		close(readfd);
		return err_from_errno(errno);
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		struct listing_entry *e;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fs_listing_reserve(l, len) != ERR_OK) {
			closedir(d);
			return ERR_NOMEM;
		}
		e = &l->entries[l->count++];
		memset(e, 0, sizeof *e);
		e->name_len = len;
		e->type = fs_type_from_dirent(de->d_type);
		e->dest_root = -1;
		e->target = (char *)(uintptr_t)l->names_len; /* offset, fixed below */
		memcpy(l->names + l->names_len, de->d_name, len + 1);
		l->names_len += len + 1;
	}
	closedir(d);
	for (i = 0; i < l->count; i++) {
		off = (size_t)(uintptr_t)l->entries[i].target;
		l->entries[i].name = l->names + off;
		l->entries[i].target = NULL;
	}
	return ERR_OK;
}

/* Read a directory's names and types. */
err_t fs_list(const struct fs_roots *roots, int root, const char *rel,
	      struct fs_listing *out)
{
	int dirfd;
	err_t e = fs_open_dir(roots, root, rel, &dirfd);

	if (e != ERR_OK) {
		memset(out, 0, sizeof *out);
		out->dirfd = -1;
		return e;
	}
	return fs_list_dir(roots, root, rel, dirfd, out);
}

/* Read the names and types of a directory already open; the listing owns
 * dirfd from here on, whatever happens. */
err_t fs_list_dir(const struct fs_roots *roots, int root, const char *rel, int dirfd,
		  struct fs_listing *out)
{
	int readfd;
	size_t i;
	err_t e;

	memset(out, 0, sizeof *out);
	out->dirfd = dirfd;
	out->root = root;
	out->rel = strdup(rel);
	if (out->rel == NULL) {
		fs_listing_free(out);
		return ERR_NOMEM;
	}
	readfd = openat(out->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (readfd < 0) {
		e = err_from_errno(errno);
		fs_listing_free(out);
		return e;
	}
	e = fs_listing_read(out, readfd);
	for (i = 0; e == ERR_OK && i < out->count; i++) {
		if (out->entries[i].type == LISTING_TYPE_UNKNOWN)
			fs_listing_stat(roots, out, i);
	}
	if (e != ERR_OK)
		fs_listing_free(out);
	return e;
}

/* Fill one entry of a listing. */
err_t fs_listing_stat(const struct fs_roots *roots, struct fs_listing *l, size_t i)
{
	if (i >= l->count)
		return ERR_NOT_FOUND;
	return fs_fill_entry(roots, l->root, l->rel, l->dirfd, &l->entries[i]);
}

/* Fill every entry of a listing; entries that vanished meanwhile are left
 * unstated. */
err_t fs_listing_stat_all(const struct fs_roots *roots, struct fs_listing *l)
{
	size_t i;

	for (i = 0; i < l->count; i++) {
		err_t e = fs_listing_stat(roots, l, i);

		if (e == ERR_NOMEM)
			return e;
	}
	return ERR_OK;
}

/* Free the link strings an entry owns. */
static void fs_entry_free_links(struct listing_entry *e)
{
	free(e->target);
	free(e->dest_rel);
	e->target = NULL;
	e->dest_rel = NULL;
}

/* Keep only the entries whose name contains filter, freeing the rest. */
void fs_listing_filter(struct fs_listing *l, const char *filter)
{
	size_t kept = 0;

	if (filter == NULL)
		return;
	for (size_t i = 0; i < l->count; i++) {
		if (strcasestr(l->entries[i].name, filter) != NULL)
			l->entries[kept++] = l->entries[i];
		else
			fs_entry_free_links(&l->entries[i]);
	}
	l->count = kept;
}

/* Free a listing. A large one (a directory of many thousand entries) is
 * given back to the system at once: malloc would otherwise keep its
 * megabytes for later, and an idle worker would stay that large. */
void fs_listing_free(struct fs_listing *l)
{
	size_t i, bytes = l->capacity * sizeof *l->entries + l->names_cap;

	for (i = 0; i < l->count; i++)
		fs_entry_free_links(&l->entries[i]);
	free(l->entries);
	free(l->names);
	free(l->rel);
	if (l->dirfd >= 0)
		close(l->dirfd);
	memset(l, 0, sizeof *l);
	l->dirfd = -1;
	if (bytes >= FS_TRIM_BYTES)
		malloc_trim(0);
}

/* Stat one entry without following it. */
err_t fs_entry_get(const struct fs_roots *roots, int root, const char *dir_rel,
		   const char *name, struct listing_entry *entry)
{
	int dirfd;
	err_t e;

	memset(entry, 0, sizeof *entry);
	entry->dest_root = -1;
	e = names_check_entry_name(name, strlen(name));
	if (e != ERR_OK)
		return e;
	e = fs_open_dir(roots, root, dir_rel, &dirfd);
	if (e != ERR_OK)
		return e;
	e = fs_entry_at(roots, root, dir_rel, dirfd, name, entry);
	close(dirfd);
	return e;
}

/* Stat one entry of a directory already open. */
err_t fs_entry_at(const struct fs_roots *roots, int root, const char *dir_rel, int dirfd,
		  const char *name, struct listing_entry *entry)
{
	err_t e;

	memset(entry, 0, sizeof *entry);
	entry->dest_root = -1;
	entry->name = strdup(name);
	if (entry->name == NULL)
		return ERR_NOMEM;
	entry->name_len = strlen(name);
	e = fs_fill_entry(roots, root, dir_rel, dirfd, entry);
	if (e != ERR_OK)
		fs_entry_free(entry);
	return e;
}

/* Free an entry filled by fs_entry_get. */
void fs_entry_free(struct listing_entry *entry)
{
	fs_entry_free_links(entry);
	free(entry->name);
	entry->name = NULL;
}

/* The identity of a stated entry. */
struct fs_entry_id fs_entry_id_of(const struct listing_entry *e)
{
	return (struct fs_entry_id){e->ino, e->ctime_sec, e->ctime_nsec};
}
