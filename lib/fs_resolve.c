/* fs_resolve: the panel's own link resolver. It walks a target component
 * by component in the kernel's order, following links itself, never
 * looking outside the roots, and within a budget of steps.
 *
 * The walker's position is a canonical absolute path (abs) and, inside a
 * root, its depth below that root; lvl[d] holds the directory fd at depth
 * d (lvl[0] is the root's own fd, borrowed) or -1 when it is not open. A
 * ".." only closes the deepest fd; a directory is opened again only when it
 * is needed, from the deepest open directory above it (counted as one
 * step per component), so a run of ".." costs one open, never one walk
 * from the root per "..". */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_intern.h"
#include "names.h"

#define FS_TODO_MAX (8 * NAMES_PATH_MAX)
#define FS_LEVELS_MAX (NAMES_PATH_MAX / 2 + 1) /* components of a path, + the root */
#define FS_HELD_FDS 32                          /* fds a walk keeps open at most */

struct fs_walker {
	const struct fs_roots *roots;
	int root;                 /* the root holding the position, -1 outside every root */
	size_t depth;             /* components of abs below that root's path */
	int lvl[FS_LEVELS_MAX];   /* fd at each depth (lvl[0] borrowed), -1 when closed */
	size_t held;              /* fds of lvl[1..depth] open (owned) */
	size_t steps;             /* steps taken for this link */
	char abs[NAMES_PATH_MAX]; /* canonical absolute position */
	char todo[FS_TODO_MAX];   /* components still to walk */
	size_t todo_len, todo_pos;
};

/* Take n steps: false (and nothing taken) when that is over the link's
 * budget or the request's. */
static bool fs_walker_spend(struct fs_walker *w, size_t n)
{
	struct fs_budget *b = w->roots->spend;

	if (w->steps + n > FS_STEPS_PER_LINK || b->steps_left < n)
		return false;
	w->steps += n;
	b->steps_left -= n;
	return true;
}

/* Close every fd the walker owns. */
static void fs_walker_close_levels(struct fs_walker *w)
{
	for (size_t d = 1; d <= w->depth && w->held > 0; d++) {
		if (w->lvl[d] >= 0) {
			close(w->lvl[d]);
			w->lvl[d] = -1;
			w->held--;
		}
	}
	w->held = 0;
}

/* Place the position in root (or outside, -1) at depth levels below it,
 * none of them open. */
static void fs_walker_enter(struct fs_walker *w, int root, size_t depth)
{
	fs_walker_close_levels(w);
	w->root = root;
	w->depth = depth;
	for (size_t d = 1; d <= depth; d++)
		w->lvl[d] = -1;
	w->lvl[0] = root >= 0 ? w->roots->root[root].fd : -1;
}

/* The number of components of a root-relative path. */
static size_t fs_rel_depth(const char *rel)
{
	size_t n = *rel != '\0';

	for (; *rel != '\0'; rel++)
		n += *rel == '/';
	return n;
}

/* After the position moved by ".." above a root's top, or a jump to "/",
 * find the deepest root holding it; nothing is opened yet. */
static void fs_walker_remap(struct fs_walker *w)
{
	int root = fs_root_of_abs(w->roots, w->abs);
	const char *rel = "";

	if (root >= 0)
		names_below(w->roots->root[root].abs, w->abs, &rel);
	fs_walker_enter(w, root, root >= 0 ? fs_rel_depth(rel) : 0);
}

/* The root-relative path of the position from depth from (exclusive) to
 * the position, into out. */
static void fs_walker_rel_from(const struct fs_walker *w, size_t from, char *out, size_t size)
{
	const char *rel = "";
	size_t skip = from;

	names_below(w->roots->root[w->root].abs, w->abs, &rel);
	while (skip > 0 && *rel != '\0') {
		rel = strchrnul(rel, '/');
		if (*rel == '/')
			rel++;
		skip--;
	}
	snprintf(out, size, "%s", rel);
}

/* Keep at most FS_HELD_FDS fds: close the shallowest owned ones. */
static void fs_walker_trim(struct fs_walker *w)
{
	for (size_t d = 1; w->held > FS_HELD_FDS && d < w->depth; d++) {
		if (w->lvl[d] >= 0) {
			close(w->lvl[d]);
			w->lvl[d] = -1;
			w->held--;
		}
	}
}

/* The fd of the position's directory, opening it again from the deepest
 * open directory above it when it was closed. LINK_OK, or the state the
 * walk ends in. */
static listing_link_state fs_walker_dir(struct fs_walker *w, int *fd)
{
	char rel[NAMES_PATH_MAX];
	size_t from = w->depth;
	int d;

	while (w->lvl[from] < 0)
		from--;
	if (from < w->depth) {
		if (!fs_walker_spend(w, w->depth - from))
			return LISTING_LINK_TOO_COMPLEX;
		fs_walker_rel_from(w, from, rel, sizeof rel);
		d = fs_open_beneath(w->lvl[from], rel, O_PATH | O_DIRECTORY,
				    w->roots->root[w->root].mnt_id);
		if (d < 0)
			return errno == EACCES ? LISTING_LINK_DENIED : LISTING_LINK_DANGLING;
		w->lvl[w->depth] = d;
		w->held++;
		fs_walker_trim(w);
	}
	*fd = w->lvl[w->depth];
	return LISTING_LINK_OK;
}

/* Append one component to the absolute position. */
static bool fs_walker_push(struct fs_walker *w, const char *comp, size_t len)
{
	size_t alen = strlen(w->abs);
	size_t sep = (alen > 1);

	if (alen + sep + len + 1 > sizeof w->abs)
		return false;
	if (sep)
		w->abs[alen++] = '/';
	memcpy(w->abs + alen, comp, len);
	w->abs[alen + len] = '\0';
	return true;
}

/* ".." from the position: its parent ("/" stays "/"). */
static void fs_walker_up(struct fs_walker *w)
{
	char *slash = strrchr(w->abs, '/');

	if (slash == w->abs)
		w->abs[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	if (w->root < 0 || w->depth == 0) {
		fs_walker_remap(w);
		return;
	}
	if (w->lvl[w->depth] >= 0) {
		close(w->lvl[w->depth]);
		w->held--;
	}
	w->depth--;
}

/* Replace the walk still to do with target followed by what remained. */
static bool fs_walker_prepend(struct fs_walker *w, const char *target, size_t tlen)
{
	size_t rest = w->todo_len - w->todo_pos;
	size_t sep = rest > 0; /* a '/' between them only when something follows */

	if (tlen + sep + rest + 1 > sizeof w->todo)
		return false;
	memmove(w->todo + tlen + sep, w->todo + w->todo_pos, rest);
	memcpy(w->todo, target, tlen);
	if (sep)
		w->todo[tlen] = '/';
	w->todo_len = tlen + sep + rest;
	w->todo_pos = 0;
	return true;
}

/* Take the next component of the walk; 0 when none is left. *more says
 * whether anything (even a lone '/') followed it. */
static size_t fs_walker_next(struct fs_walker *w, const char **comp, bool *more)
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

/* Follow the link name found in directory fd: its text joins the walk
 * still to do, an absolute one from "/". */
static listing_link_state fs_walker_follow(struct fs_walker *w, int fd, const char *name,
					   int *hops)
{
	char target[NAMES_PATH_MAX];
	ssize_t n;

	if (++*hops > FS_MAX_HOPS)
		return LISTING_LINK_LOOP;
	n = readlinkat(fd, name, target, sizeof target);
	if (n <= 0 || (size_t)n >= sizeof target)
		return LISTING_LINK_DANGLING;
	if (!fs_walker_prepend(w, target, (size_t)n))
		return LISTING_LINK_LOOP;
	if (target[0] == '/') {
		strcpy(w->abs, "/");
		fs_walker_remap(w);
	}
	return LISTING_LINK_OK;
}

/* Step into the directory name of directory fd. A nested root (Web in
 * Home) becomes the position's root, by its own fd. */
static listing_link_state fs_walker_descend(struct fs_walker *w, int fd, const char *name,
					    size_t len)
{
	int next, nested;

	if (!fs_walker_push(w, name, len) || w->depth + 1 >= FS_LEVELS_MAX)
		return LISTING_LINK_DANGLING;
	nested = fs_root_exact(w->roots, w->abs);
	if (nested >= 0) {
		fs_walker_enter(w, nested, 0);
		return LISTING_LINK_OK;
	}
	next = fs_open_beneath(fd, name, O_PATH | O_DIRECTORY, w->roots->root[w->root].mnt_id);
	if (next < 0) {
		if (errno == EXDEV)
			return LISTING_LINK_OUTSIDE; /* another filesystem mounted here */
		return errno == EACCES ? LISTING_LINK_DENIED : LISTING_LINK_DANGLING;
	}
	w->lvl[++w->depth] = next;
	w->held++;
	fs_walker_trim(w);
	return LISTING_LINK_OK;
}

/* One component inside a root: look at it without following it. */
static listing_link_state fs_walker_step_inside(struct fs_walker *w, const char *comp,
						size_t len, bool more, int *hops,
						listing_type *type, bool *done)
{
	char name[NAME_MAX + 1];
	struct stat st;
	int fd;
	listing_link_state s = fs_walker_dir(w, &fd);

	if (s != LISTING_LINK_OK)
		return s;
	fs_name_copy(name, comp, len);
	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == EACCES ? LISTING_LINK_DENIED : LISTING_LINK_DANGLING;
	if (S_ISLNK(st.st_mode))
		return fs_walker_follow(w, fd, name, hops);
	if (S_ISDIR(st.st_mode)) {
		*type = LISTING_TYPE_DIR;
		return fs_walker_descend(w, fd, name, len);
	}
	if (more)
		return LISTING_LINK_DANGLING;
	*type = listing_type_from_mode(st.st_mode);
	*done = true;
	return fs_walker_push(w, comp, len) ? LISTING_LINK_OK : LISTING_LINK_DANGLING;
}

/* One component outside every root: taken lexically, never looked at,
 * until the position comes back into a root. */
static listing_link_state fs_walker_step_outside(struct fs_walker *w, const char *comp,
						 size_t len, listing_type *type)
{
	if (!fs_walker_push(w, comp, len))
		return LISTING_LINK_DANGLING;
	*type = LISTING_TYPE_UNKNOWN;
	if (fs_root_of_abs(w->roots, w->abs) >= 0) {
		*type = LISTING_TYPE_DIR;
		fs_walker_remap(w);
	}
	return LISTING_LINK_OK;
}

/* Walk every component of the todo buffer. */
static listing_link_state fs_walker_run(struct fs_walker *w, int *hops, listing_type *type)
{
	listing_link_state s = LISTING_LINK_OK;
	bool done = false;

	*type = LISTING_TYPE_DIR;
	while (s == LISTING_LINK_OK && !done) {
		const char *comp;
		bool more;
		size_t len = fs_walker_next(w, &comp, &more);

		if (len == 0)
			break;
		if (len > NAME_MAX)
			return LISTING_LINK_DANGLING;
		if (!fs_walker_spend(w, 1))
			return LISTING_LINK_TOO_COMPLEX;
		if (len == 1 && comp[0] == '.')
			continue;
		if (len == 2 && comp[0] == '.' && comp[1] == '.') {
			fs_walker_up(w);
			*type = LISTING_TYPE_DIR;
		} else if (w->root < 0) {
			s = fs_walker_step_outside(w, comp, len, type);
		} else {
			s = fs_walker_step_inside(w, comp, len, more, hops, type, &done);
		}
	}
	return s;
}

/* Place the walker at the start of a walk from directory (root, dir_rel):
 * dirfd (borrowed, duplicated here) when the caller has it open, else
 * opened here; "/" for an absolute target. */
static err_t fs_walker_start(struct fs_walker *w, int root, const char *dir_rel, int dirfd,
			     const char *target)
{
	int fd = -1;
	err_t e;

	if (names_join(w->roots->root[root].abs, dir_rel, strlen(dir_rel), w->abs,
		       sizeof w->abs) != ERR_OK)
		return ERR_PATH_TOO_LONG;
	fs_walker_remap(w);
	if (target[0] == '/') {
		/* the directory must exist, but the walk starts at "/" */
		if (dirfd < 0 && (e = fs_open_dir(w->roots, root, dir_rel, &fd)) != ERR_OK)
			return e;
		if (fd >= 0)
			close(fd);
		strcpy(w->abs, "/");
		fs_walker_remap(w);
		return ERR_OK;
	}
	if (w->root < 0)
		return ERR_NOT_FOUND;
	if (dirfd >= 0)
		fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	else if ((e = fs_open_dir(w->roots, root, dir_rel, &fd)) != ERR_OK)
		return e;
	if (fd < 0)
		return err_from_errno(errno);
	if (w->depth == 0) {
		close(fd); /* the position is a root's top: its own fd serves */
		return ERR_OK;
	}
	w->lvl[w->depth] = fd;
	w->held++;
	return ERR_OK;
}

/* Walk what is left and say where it ended. */
static void fs_walker_conclude(struct fs_walker *w, struct fs_resolution *res)
{
	listing_type type = LISTING_TYPE_UNKNOWN;
	listing_link_state s;
	const char *rel;

	res->hops = 1; /* the link whose target this is counts, as in the kernel */
	s = fs_walker_run(w, &res->hops, &type);
	if (s == LISTING_LINK_OK && w->root < 0)
		s = LISTING_LINK_OUTSIDE;
	res->state = s;
	if (s != LISTING_LINK_OUTSIDE && s != LISTING_LINK_LOOP && s != LISTING_LINK_TOO_COMPLEX &&
	    w->root >= 0 && names_below(w->roots->root[w->root].abs, w->abs, &rel)) {
		res->root = w->root;
		snprintf(res->rel, sizeof res->rel, "%s", rel);
		res->type = s == LISTING_LINK_OK ? type : LISTING_TYPE_UNKNOWN;
	}
}

/* Work out where a link's target leads from directory (root, dir_rel),
 * open as dirfd (borrowed) or -1. */
err_t fs_resolve_from(const struct fs_roots *roots, int root, const char *dir_rel, int dirfd,
		      const char *target, size_t target_len, struct fs_resolution *res)
{
	struct fs_walker *w;
	err_t e;

	memset(res, 0, sizeof *res);
	res->root = -1;
	if (!fs_root_present(roots, root))
		return fs_root_refusal(roots, root);
	if (target_len == 0 || memchr(target, '\0', target_len) != NULL)
		return ERR_TARGET_EMPTY;
	if (target_len > NAMES_TARGET_MAX)
		return ERR_TARGET_TOO_LONG;
	/* not calloc: the buffers need no zeroing, only the fields */
	w = malloc(sizeof *w);
	if (w == NULL)
		return ERR_NOMEM;
	w->roots = roots;
	w->root = -1;
	w->depth = 0;
	w->held = 0;
	w->steps = 0;
	memcpy(w->todo, target, target_len);
	w->todo_len = target_len;
	w->todo_pos = 0;
	e = fs_walker_start(w, root, dir_rel, dirfd, target);
	if (e == ERR_OK)
		fs_walker_conclude(w, res);
	fs_walker_close_levels(w);
	free(w);
	return e;
}

/* Work out where a link's target leads. */
err_t fs_resolve(const struct fs_roots *roots, int root, const char *dir_rel,
		 const char *target, size_t target_len, struct fs_resolution *res)
{
	return fs_resolve_from(roots, root, dir_rel, -1, target, target_len, res);
}
