/* fs: the confined filesystem: roots, opening beneath a root, listings,
 * the panel's own link resolver, creating and deleting links. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <malloc.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "fs.h"
#include "names.h"

#define FS_OPENAT2_TRIES 16
#define FS_TODO_MAX (8 * NAMES_PATH_MAX)
#define FS_OWNER_NAMES_MAX 4096
#define FS_TRIM_BYTES (1024 * 1024)

static fs_walk_mode fs_mode;
static int fs_mode_known;
static int fs_openat2_missing;

static const char *const fs_root_names[FS_ROOT__MAX] = {"home", "web", "ftp"};
static const char *const fs_root_labels[FS_ROOT__MAX] = {"Home", "Web", "FTP"};

/* Choose how paths are opened. */
void fs_set_walk_mode(fs_walk_mode mode)
{
	fs_mode = mode;
	fs_mode_known = 1;
}

/* The walk mode in force, reading FILEPANEL_FS_FALLBACK on first use. */
static fs_walk_mode fs_walk_mode_now(void)
{
	if (!fs_mode_known) {
		const char *v = getenv("FILEPANEL_FS_FALLBACK");

		fs_mode = (v != NULL && strcmp(v, "1") == 0) ? FS_WALK_FALLBACK : FS_WALK_AUTO;
		fs_mode_known = 1;
	}
	return fs_mode;
}

/* The URL name of a root. */
const char *fs_root_name(fs_root_id id)
{
	return (unsigned)id < FS_ROOT__MAX ? fs_root_names[id] : "";
}

/* The label of a root. */
const char *fs_root_label(fs_root_id id)
{
	return (unsigned)id < FS_ROOT__MAX ? fs_root_labels[id] : "";
}

/* Parse a root name. */
int fs_root_parse(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < FS_ROOT__MAX; i++) {
		if (strcmp(name, fs_root_names[i]) == 0)
			return i;
	}
	return -1;
}

/* Mark every root absent. */
void fs_roots_init(struct fs_roots *roots)
{
	int i;

	for (i = 0; i < FS_ROOT__MAX; i++) {
		roots->root[i].abs = NULL;
		roots->root[i].fd = -1;
	}
}

/* Close and free every root. */
void fs_roots_close(struct fs_roots *roots)
{
	int i;

	for (i = 0; i < FS_ROOT__MAX; i++) {
		if (roots->root[i].fd >= 0)
			close(roots->root[i].fd);
		free(roots->root[i].abs);
		roots->root[i].abs = NULL;
		roots->root[i].fd = -1;
	}
}

/* Open one configured root directory. */
static err_t fs_root_open_one(struct fs_root *r, const char *path)
{
	r->abs = realpath(path, NULL);
	if (r->abs == NULL)
		return errno == ENOMEM ? ERR_NOMEM : ERR_ROOT_NOT_DIR;
	r->fd = open(r->abs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->fd < 0)
		return ERR_ROOT_NOT_DIR;
	return ERR_OK;
}

/* Open a user's roots. */
err_t fs_roots_open(struct fs_roots *roots, const char *home, const char *web,
		    const char *ftp)
{
	const char *paths[FS_ROOT__MAX] = {home, web, ftp};
	int i;

	fs_roots_init(roots);
	if (home == NULL || *home == '\0')
		return ERR_ROOT_NOT_DIR;
	for (i = 0; i < FS_ROOT__MAX; i++) {
		err_t e;

		if (paths[i] == NULL || *paths[i] == '\0')
			continue;
		e = fs_root_open_one(&roots->root[i], paths[i]);
		if (e != ERR_OK) {
			fs_roots_close(roots);
			return e;
		}
	}
	return ERR_OK;
}

/* Whether root names a root this account has. */
static int fs_root_present(const struct fs_roots *roots, int root)
{
	return root >= 0 && root < FS_ROOT__MAX && roots->root[root].fd >= 0;
}

/* openat2 beneath dirfd, following no link at all; EAGAIN is retried a
 * bounded number of times. Sets errno to ENOSYS where the kernel or the
 * headers lack openat2. */
static int fs_openat2(int dirfd, const char *rel, int flags)
{
#if defined(HAVE_LINUX_OPENAT2_H) && defined(SYS_openat2)
	struct open_how how;
	int tries;

	memset(&how, 0, sizeof how);
	how.flags = (uint64_t)flags;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS;
	for (tries = 0; tries < FS_OPENAT2_TRIES; tries++) {
		long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);

		if (fd >= 0 || errno != EAGAIN)
			return (int)fd;
	}
	return -1;
#else
	(void)dirfd;
	(void)rel;
	(void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

/* After an O_NOFOLLOW|O_DIRECTORY open of comp failed with ENOTDIR, set
 * errno to ELOOP when comp is a link, as openat2 says for a link on the
 * way, so that both ways of opening answer alike. */
static void fs_walk_explain_notdir(int dirfd, const char *comp)
{
	struct stat st;

	if (fstatat(dirfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		errno = ELOOP;
	else
		errno = ENOTDIR;
}

/* The fallback: open rel beneath dirfd one component at a time with
 * O_NOFOLLOW, refusing ".." and every link on the way (ELOOP or ENOTDIR
 * from the kernel, EXDEV for ".."). The last component is opened with
 * flags | O_NOFOLLOW. */
static int fs_walk(int dirfd, const char *rel, int flags)
{
	int cur = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	const char *p = rel;
	char comp[NAME_MAX + 1];

	if (cur < 0)
		return -1;
	for (;;) {
		const char *end;
		size_t len;
		int next, last;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len > NAME_MAX) {
			close(cur);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		p = end;
		while (*p == '/')
			p++;
		last = *p == '\0';
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			close(cur);
			errno = EXDEV;
			return -1;
		}
		if (len == 0 || (len == 1 && comp[0] == '.'))
			strcpy(comp, ".");
		if (last)
			next = openat(cur, comp, flags | O_NOFOLLOW | O_CLOEXEC);
		else
			next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOTDIR)
			fs_walk_explain_notdir(cur, comp);
		close(cur);
		if (next < 0 || last)
			return next;
		cur = next;
	}
}

/* Open rel beneath dirfd with flags, following no link, by openat2 or by
 * the fallback walk. */
static int fs_open_beneath(int dirfd, const char *rel, int flags)
{
	const char *path = (rel[0] == '\0') ? "." : rel;

	if (fs_walk_mode_now() == FS_WALK_AUTO && !fs_openat2_missing) {
		int fd = fs_openat2(dirfd, path, flags | O_CLOEXEC);

		if (fd >= 0 || errno != ENOSYS)
			return fd;
		fs_openat2_missing = 1;
	}
	return fs_walk(dirfd, path, flags);
}

/* Whether rel is already in the form names_normalize_rel produces. */
static int fs_rel_is_normal(const char *rel)
{
	char buf[NAMES_PATH_MAX];
	size_t len = strlen(rel);

	if (len >= sizeof buf)
		return 0;
	if (names_normalize_rel(rel, len, buf, sizeof buf) != ERR_OK)
		return 0;
	return strcmp(buf, rel) == 0;
}

/* Open a directory beneath a root. */
err_t fs_open_dir(const struct fs_roots *roots, int root, const char *rel, int *fd)
{
	int d;

	*fd = -1;
	if (!fs_root_present(roots, root))
		return ERR_ROOT_UNKNOWN;
	if (!fs_rel_is_normal(rel))
		return ERR_PATH_INVALID;
	d = fs_open_beneath(roots->root[root].fd, rel, O_PATH | O_DIRECTORY);
	if (d < 0)
		return err_from_errno(errno);
	*fd = d;
	return ERR_OK;
}

/* ------------------------------------------------------------------ */
/* Owner and group names, kept for the life of the process.           */

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

/* ------------------------------------------------------------------ */
/* The panel's link resolver.                                          */

struct fs_walker {
	const struct fs_roots *roots;
	int root;                 /* current root, -1 outside every root */
	int fd;                   /* current directory when inside, else -1 */
	bool fd_owned;            /* fd is the walker's to close (not borrowed) */
	char abs[NAMES_PATH_MAX]; /* canonical absolute position */
	char todo[FS_TODO_MAX];   /* components still to walk */
	size_t todo_len, todo_pos;
};

/* The deepest root at or above abs, or -1. */
static int fs_root_of_abs(const struct fs_roots *roots, const char *abs)
{
	int i, best = -1;
	size_t best_len = 0;

	for (i = 0; i < FS_ROOT__MAX; i++) {
		const char *rel;

		if (roots->root[i].abs == NULL || !names_below(roots->root[i].abs, abs, &rel))
			continue;
		if (best < 0 || strlen(roots->root[i].abs) > best_len) {
			best = i;
			best_len = strlen(roots->root[i].abs);
		}
	}
	return best;
}

/* Make fd the walker's current directory (-1 for none), closing the one
 * it owned; owned says whether the walker is to close fd (else it is
 * borrowed: a root's or a listing's, which outlive the walk). */
static void fs_walker_set_fd(struct fs_walker *w, int fd, bool owned)
{
	if (w->fd >= 0 && w->fd_owned)
		close(w->fd);
	w->fd = fd;
	w->fd_owned = owned;
}

/* After the position moved by ".." or a jump to "/", find which root holds
 * it (the deepest, as everywhere) and open it there; a root itself is
 * borrowed, not opened again. */
static listing_link_state fs_walker_remap(struct fs_walker *w)
{
	const char *rel;
	int root, fd;
	err_t e;

	fs_walker_set_fd(w, -1, false);
	root = fs_root_of_abs(w->roots, w->abs);
	w->root = root;
	if (root < 0)
		return LISTING_LINK_OK;
	names_below(w->roots->root[root].abs, w->abs, &rel);
	if (*rel == '\0') {
		fs_walker_set_fd(w, w->roots->root[root].fd, false);
		return LISTING_LINK_OK;
	}
	e = fs_open_dir(w->roots, root, rel, &fd);
	if (e == ERR_DENIED)
		return LISTING_LINK_DENIED;
	if (e != ERR_OK)
		return LISTING_LINK_DANGLING;
	fs_walker_set_fd(w, fd, true);
	return LISTING_LINK_OK;
}

/* Append one component to the absolute position. */
static int fs_walker_push(struct fs_walker *w, const char *comp, size_t len)
{
	size_t alen = strlen(w->abs);
	size_t sep = (alen > 1);

	if (alen + sep + len + 1 > sizeof w->abs)
		return -1;
	if (sep)
		w->abs[alen++] = '/';
	memcpy(w->abs + alen, comp, len);
	w->abs[alen + len] = '\0';
	return 0;
}

/* Move the absolute position to its parent ("/" stays "/"). */
static void fs_walker_up(struct fs_walker *w)
{
	char *slash = strrchr(w->abs, '/');

	if (slash == w->abs)
		w->abs[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
}

/* Replace the walk still to do with target followed by what remained. */
static int fs_walker_prepend(struct fs_walker *w, const char *target, size_t tlen)
{
	size_t rest = w->todo_len - w->todo_pos;
	size_t sep = rest > 0; /* a '/' between them only when something follows */

	if (tlen + sep + rest + 1 > sizeof w->todo)
		return -1;
	memmove(w->todo + tlen + sep, w->todo + w->todo_pos, rest);
	memcpy(w->todo, target, tlen);
	if (sep)
		w->todo[tlen] = '/';
	w->todo_len = tlen + sep + rest;
	w->todo_pos = 0;
	return 0;
}

/* Take the next component of the walk; 0 when none is left. *more says
 * whether anything (even a lone '/') followed it. */
static size_t fs_walker_next(struct fs_walker *w, const char **comp, int *more)
{
	size_t start;

	while (w->todo_pos < w->todo_len && w->todo[w->todo_pos] == '/')
		w->todo_pos++;
	start = w->todo_pos;
	while (w->todo_pos < w->todo_len && w->todo[w->todo_pos] != '/')
		w->todo_pos++;
	*comp = w->todo + start;
	*more = w->todo_pos < w->todo_len;
	return w->todo_pos - start;
}

/* Follow one link found at the current position: its text joins the walk
 * still to do, an absolute one from "/". */
static listing_link_state fs_walker_follow(struct fs_walker *w, const char *comp,
					   size_t len, int *hops)
{
	char name[NAME_MAX + 1], target[NAMES_PATH_MAX];
	ssize_t n;

	if (++*hops > FS_MAX_HOPS)
		return LISTING_LINK_LOOP;
	memcpy(name, comp, len);
	name[len] = '\0';
	n = readlinkat(w->fd, name, target, sizeof target);
	if (n <= 0 || (size_t)n >= sizeof target)
		return LISTING_LINK_DANGLING;
	if (fs_walker_prepend(w, target, (size_t)n) != 0)
		return LISTING_LINK_LOOP;
	if (target[0] == '/') {
		strcpy(w->abs, "/");
		return fs_walker_remap(w);
	}
	return LISTING_LINK_OK;
}

/* Step into the directory comp below the current position. */
static listing_link_state fs_walker_descend(struct fs_walker *w, const char *comp, size_t len)
{
	char name[NAME_MAX + 1];
	int next;

	memcpy(name, comp, len);
	name[len] = '\0';
	next = openat(w->fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (next < 0)
		return errno == EACCES ? LISTING_LINK_DENIED : LISTING_LINK_DANGLING;
	fs_walker_set_fd(w, next, true);
	if (fs_walker_push(w, comp, len) != 0)
		return LISTING_LINK_DANGLING;
	/* entering a nested root (Web inside Home) makes it the position's root */
	w->root = fs_root_of_abs(w->roots, w->abs);
	return LISTING_LINK_OK;
}

/* One component inside a root: look at it without following it. */
static listing_link_state fs_walker_step_inside(struct fs_walker *w, const char *comp,
						size_t len, int more, int *hops,
						listing_type *type, int *done)
{
	char name[NAME_MAX + 1];
	struct stat st;

	memcpy(name, comp, len);
	name[len] = '\0';
	if (fstatat(w->fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == EACCES ? LISTING_LINK_DENIED : LISTING_LINK_DANGLING;
	if (S_ISLNK(st.st_mode))
		return fs_walker_follow(w, comp, len, hops);
	if (S_ISDIR(st.st_mode)) {
		*type = LISTING_TYPE_DIR;
		return fs_walker_descend(w, comp, len);
	}
	if (more)
		return LISTING_LINK_DANGLING;
	*type = listing_type_from_mode(st.st_mode);
	*done = 1;
	return fs_walker_push(w, comp, len) == 0 ? LISTING_LINK_OK : LISTING_LINK_DANGLING;
}

/* Walk every component of the todo buffer. */
static listing_link_state fs_walker_run(struct fs_walker *w, int *hops, listing_type *type)
{
	listing_link_state s = LISTING_LINK_OK;
	int done = 0;

	*type = LISTING_TYPE_DIR;
	while (s == LISTING_LINK_OK && !done) {
		const char *comp;
		int more;
		size_t len = fs_walker_next(w, &comp, &more);

		if (len == 0)
			break;
		if (len > NAME_MAX)
			return LISTING_LINK_DANGLING;
		if (len == 1 && comp[0] == '.')
			continue;
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			fs_walker_up(w);
			*type = LISTING_TYPE_DIR;
			s = fs_walker_remap(w);
		} else if (w->root < 0) {
			if (fs_walker_push(w, comp, len) != 0)
				return LISTING_LINK_DANGLING;
			*type = LISTING_TYPE_UNKNOWN;
			if (fs_root_of_abs(w->roots, w->abs) >= 0) {
				*type = LISTING_TYPE_DIR;
				s = fs_walker_remap(w);
			}
		} else {
			s = fs_walker_step_inside(w, comp, len, more, hops, type, &done);
		}
	}
	return s;
}

/* Place the walker at the start of a walk through target from directory
 * (root, dir_rel): that directory (dirfd, borrowed, when the caller has it
 * open, else opened here), or "/" for an absolute target, which needs the
 * directory only when the caller did not vouch for it by passing dirfd. */
static err_t fs_walker_start(struct fs_walker *w, int root, const char *dir_rel, int dirfd,
			     const char *target, listing_link_state *s)
{
	int fd = dirfd;
	err_t e;

	w->fd = -1;
	w->fd_owned = false;
	*s = LISTING_LINK_OK;
	if (dirfd < 0 || target[0] != '/') {
		if (dirfd < 0) {
			e = fs_open_dir(w->roots, root, dir_rel, &fd);
			if (e != ERR_OK)
				return e;
		}
		fs_walker_set_fd(w, fd, dirfd < 0);
	}
	if (names_join(w->roots->root[root].abs, dir_rel, strlen(dir_rel), w->abs,
		       sizeof w->abs) != ERR_OK)
		return ERR_PATH_TOO_LONG;
	w->root = fs_root_of_abs(w->roots, w->abs);
	if (target[0] == '/') {
		strcpy(w->abs, "/");
		*s = fs_walker_remap(w);
	}
	return ERR_OK;
}

/* Walk what is left from a started walker (s: how the start went) and
 * say where it ended. */
static void fs_walker_conclude(struct fs_walker *w, listing_link_state s,
			       struct fs_resolution *res)
{
	listing_type type = LISTING_TYPE_UNKNOWN;
	const char *rel;

	res->hops = 1; /* the link whose target this is counts, as in the kernel */
	if (s == LISTING_LINK_OK)
		s = fs_walker_run(w, &res->hops, &type);
	if (s == LISTING_LINK_OK && w->root < 0)
		s = LISTING_LINK_OUTSIDE;
	res->state = s;
	if (s != LISTING_LINK_OUTSIDE && s != LISTING_LINK_LOOP && w->root >= 0 &&
	    names_below(w->roots->root[w->root].abs, w->abs, &rel)) {
		res->root = w->root;
		snprintf(res->rel, sizeof res->rel, "%s", rel);
		res->type = s == LISTING_LINK_OK ? type : LISTING_TYPE_UNKNOWN;
	}
}

/* Work out where a link's target leads from directory (root, dir_rel),
 * open as dirfd (borrowed) or -1. */
static err_t fs_resolve_from(const struct fs_roots *roots, int root, const char *dir_rel,
			     int dirfd, const char *target, size_t target_len,
			     struct fs_resolution *res)
{
	struct fs_walker *w;
	listing_link_state s;
	err_t e;

	memset(res, 0, sizeof *res);
	res->root = -1;
	if (!fs_root_present(roots, root))
		return ERR_ROOT_UNKNOWN;
	if (target_len == 0 || memchr(target, '\0', target_len) != NULL)
		return ERR_TARGET_EMPTY;
	if (target_len > NAMES_TARGET_MAX)
		return ERR_TARGET_TOO_LONG;
	/* not calloc: the 36 KB of buffers need no zeroing, only the fields */
	w = malloc(sizeof *w);
	if (w == NULL)
		return ERR_NOMEM;
	w->roots = roots;
	w->root = root;
	memcpy(w->todo, target, target_len);
	w->todo_len = target_len;
	w->todo_pos = 0;
	e = fs_walker_start(w, root, dir_rel, dirfd, target, &s);
	if (e == ERR_OK)
		fs_walker_conclude(w, s, res);
	fs_walker_set_fd(w, -1, false);
	free(w);
	return e;
}

/* Work out where a link's target leads. */
err_t fs_resolve(const struct fs_roots *roots, int root, const char *dir_rel,
		 const char *target, size_t target_len, struct fs_resolution *res)
{
	return fs_resolve_from(roots, root, dir_rel, -1, target, target_len, res);
}

/* ------------------------------------------------------------------ */
/* Entries.                                                            */

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

/* ------------------------------------------------------------------ */
/* Changes.                                                            */

/* Whether a new link with this target, made in (root, dir_rel), stays
 * inside the user's roots: lexically, and followed by the panel's
 * resolver through whatever links exist now. */
static err_t fs_target_allowed(const struct fs_roots *roots, int root, const char *dir_rel,
			       const char *target, size_t target_len)
{
	char dir_abs[NAMES_PATH_MAX], *joined;
	struct fs_resolution *res;
	err_t e;

	joined = malloc(2 * NAMES_PATH_MAX);
	res = malloc(sizeof *res);
	if (joined == NULL || res == NULL) {
		free(joined);
		free(res);
		return ERR_NOMEM;
	}
	e = names_join(roots->root[root].abs, dir_rel, strlen(dir_rel), dir_abs, sizeof dir_abs);
	if (e == ERR_OK)
		e = names_join(dir_abs, target, target_len, joined, 2 * NAMES_PATH_MAX);
	if (e == ERR_OK && fs_root_of_abs(roots, joined) < 0)
		e = ERR_TARGET_OUTSIDE;
	if (e == ERR_OK)
		e = fs_resolve(roots, root, dir_rel, target, target_len, res);
	if (e == ERR_OK) {
		if (res->state == LISTING_LINK_OUTSIDE)
			e = ERR_TARGET_OUTSIDE;
		else if (res->state == LISTING_LINK_LOOP)
			e = ERR_LOOP;
		else if (res->state == LISTING_LINK_DENIED)
			e = ERR_DENIED;
	}
	free(joined);
	free(res);
	return e;
}

/* Create a symbolic link. */
err_t fs_symlink_create(const struct fs_roots *roots, int root, const char *dir_rel,
			const char *name, size_t name_len,
			const char *target, size_t target_len)
{
	char tbuf[NAMES_TARGET_MAX + 1], nbuf[NAMES_NAME_MAX + 1];
	int dirfd;
	err_t e;

	if (!fs_root_present(roots, root))
		return ERR_ROOT_UNKNOWN;
	e = names_check_link_name(name, name_len);
	if (e == ERR_OK)
		e = names_check_target(target, target_len);
	if (e != ERR_OK)
		return e;
	e = fs_open_dir(roots, root, dir_rel, &dirfd);
	if (e != ERR_OK)
		return e;
	e = fs_target_allowed(roots, root, dir_rel, target, target_len);
	if (e == ERR_OK) {
		memcpy(tbuf, target, target_len);
		tbuf[target_len] = '\0';
		memcpy(nbuf, name, name_len);
		nbuf[name_len] = '\0';
		if (symlinkat(tbuf, dirfd, nbuf) != 0)
			e = err_from_errno(errno);
	}
	close(dirfd);
	return e;
}

/* A fresh hidden name to move an entry aside under while it is checked. */
static void fs_aside_name(char out[64])
{
	unsigned char r[8];
	size_t i;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		memset(r, 0, sizeof r);
	strcpy(out, ".filepanel-delete-");
	for (i = 0; i < sizeof r; i++)
		sprintf(out + strlen(out), "%02x", r[i]);
}

/* Remove the entry just moved aside from name: hold it open without
 * following it, check that it is a link, unlink it, and check that what
 * went is what was checked (its link count is now 0). Anything that is not
 * a link is moved back. A swap by another process between the check and
 * the removal cannot be undone, but it is reported (ERR_IO), never as done. */
static err_t fs_remove_aside(int dirfd, const char *name, const char *aside)
{
	struct stat st;
	int fd = openat(dirfd, aside, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	err_t e = ERR_OK;

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISLNK(st.st_mode)) {
		renameat2(dirfd, aside, dirfd, name, RENAME_NOREPLACE);
		e = ERR_NOT_LINK;
	} else if (unlinkat(dirfd, aside, 0) != 0) {
		e = err_from_errno(errno);
		renameat2(dirfd, aside, dirfd, name, RENAME_NOREPLACE);
	} else if (fstat(fd, &st) != 0 || st.st_nlink != 0) {
		e = ERR_IO;
	}
	if (fd >= 0)
		close(fd);
	return e;
}

/* Delete a symbolic link, and only a link: the entry is first moved aside
 * to a fresh hidden name (never replacing anything), checked there to be a
 * link, and only then removed; anything else is moved back. */
err_t fs_link_delete(const struct fs_roots *roots, int root, const char *dir_rel,
		     const char *name, size_t name_len)
{
	char aside[64], nbuf[NAMES_NAME_MAX + 1];
	struct stat st;
	int dirfd;
	err_t e;

	e = names_check_entry_name(name, name_len);
	if (e != ERR_OK)
		return e;
	memcpy(nbuf, name, name_len);
	nbuf[name_len] = '\0';
	name = nbuf;
	e = fs_open_dir(roots, root, dir_rel, &dirfd);
	if (e != ERR_OK)
		return e;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		e = err_from_errno(errno);
	} else if (!S_ISLNK(st.st_mode)) {
		e = ERR_NOT_LINK;
	} else {
		fs_aside_name(aside);
		if (renameat2(dirfd, name, dirfd, aside, RENAME_NOREPLACE) != 0)
			e = err_from_errno(errno);
		else
			e = fs_remove_aside(dirfd, name, aside);
	}
	close(dirfd);
	return e;
}
