/* fs_root: a user's roots, opened by their configured paths without
 * following any link, and kept only while they are the directories they
 * were set up as. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_intern.h"
#include "names.h"

static const char *const fs_root_names[FS_ROOT__MAX] = {"home", "web", "ftp"};
static const char *const fs_root_labels[FS_ROOT__MAX] = {"Home", "Web", "FTP"};

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
	for (int i = 0; name != NULL && i < FS_ROOT__MAX; i++) {
		if (strcmp(name, fs_root_names[i]) == 0)
			return i;
	}
	return -1;
}

/* Mark every root absent. */
void fs_roots_init(struct fs_roots *roots)
{
	for (int i = 0; i < FS_ROOT__MAX; i++) {
		roots->root[i] = (struct fs_root){.state = FS_ROOT_NONE, .fd = -1};
	}
	roots->budget.steps_left = FS_STEPS_PER_REQUEST;
	roots->spend = &roots->budget;
}

/* Close and free every root. */
void fs_roots_close(struct fs_roots *roots)
{
	for (int i = 0; i < FS_ROOT__MAX; i++) {
		if (roots->root[i].fd >= 0)
			close(roots->root[i].fd);
		free(roots->root[i].abs);
	}
	fs_roots_init(roots);
}

/* Open the directory at a canonical absolute path from top (an fd of "/"),
 * following no link on the way (every root may be on its own mount, so
 * mounts are crossed here). -1 with errno on failure. */
static int fs_open_abs_dir(int top, const char *abs)
{
	if (abs[0] != '/' || !fs_rel_is_normal(abs + 1)) {
		errno = EINVAL;
		return -1;
	}
	return fs_open_beneath(top, abs + 1, O_PATH | O_DIRECTORY, 0);
}

/* An fd of "/", to open absolute paths beneath; -1 with errno. */
static int fs_open_top(void)
{
	return open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* The identity of an open fd. */
static err_t fs_ident_of_fd(int fd, struct fs_ident *id)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode))
		return ERR_ROOT_NOT_DIR;
	*id = (struct fs_ident){(uint64_t)st.st_dev, (uint64_t)st.st_ino};
	return ERR_OK;
}

/* The identity of the directory at an absolute path, following no link. */
err_t fs_ident_of_path(const char *abs, struct fs_ident *id)
{
	int top = fs_open_top(), fd = top >= 0 ? fs_open_abs_dir(top, abs) : -1;
	err_t e;

	if (top >= 0)
		close(top);
	if (fd < 0)
		return ERR_ROOT_NOT_DIR;
	e = fs_ident_of_fd(fd, id);
	close(fd);
	return e;
}

/* Whether id is one of the forbidden directories. */
static bool fs_is_forbidden(const struct fs_forbidden *f, const struct fs_ident *id)
{
	for (size_t i = 0; f != NULL && i < f->count; i++) {
		if (f->ids[i].dev == id->dev && f->ids[i].ino == id->ino)
			return true;
	}
	return false;
}

/* Open one configured root: OPEN when it is the directory configured, else
 * GONE (its path is kept for the page that says so). */
static err_t fs_root_open_one(int top, struct fs_root *r, const struct fs_root_spec *spec,
			      const struct fs_forbidden *forbidden)
{
	struct fs_ident id;
	int fd;

	r->abs = strdup(spec->path);
	if (r->abs == NULL)
		return ERR_NOMEM;
	r->state = FS_ROOT_GONE;
	fd = top >= 0 ? fs_open_abs_dir(top, spec->path) : -1;
	if (fd < 0)
		return ERR_OK;
	if (fs_ident_of_fd(fd, &id) != ERR_OK || fs_is_forbidden(forbidden, &id) ||
	    (spec->known && (id.dev != spec->id.dev || id.ino != spec->id.ino))) {
		close(fd);
		return ERR_OK;
	}
	r->fd = fd;
	r->id = id;
	r->mnt_id = fs_mount_of(fd);
	r->state = FS_ROOT_OPEN;
	return ERR_OK;
}

/* Open a user's roots as configured. */
err_t fs_roots_open_spec(struct fs_roots *roots, const struct fs_root_spec spec[FS_ROOT__MAX],
			 const struct fs_forbidden *forbidden)
{
	int top = fs_open_top();
	err_t e = ERR_OK;

	fs_roots_init(roots);
	for (int i = 0; e == ERR_OK && i < FS_ROOT__MAX; i++) {
		if (spec[i].path != NULL && spec[i].path[0] != '\0')
			e = fs_root_open_one(top, &roots->root[i], &spec[i], forbidden);
	}
	if (top >= 0)
		close(top);
	if (e != ERR_OK)
		fs_roots_close(roots);
	return e;
}

/* Open roots at these paths, taking the identity each has now. */
err_t fs_roots_open(struct fs_roots *roots, const char *home, const char *web,
		    const char *ftp)
{
	struct fs_root_spec spec[FS_ROOT__MAX] = {{home, false, {0, 0}}, {web, false, {0, 0}},
						  {ftp, false, {0, 0}}};
	err_t e;

	if (home == NULL || *home == '\0') {
		fs_roots_init(roots);
		return ERR_ROOT_NOT_DIR;
	}
	e = fs_roots_open_spec(roots, spec, NULL);
	for (int i = 0; e == ERR_OK && i < FS_ROOT__MAX; i++) {
		if (roots->root[i].state == FS_ROOT_GONE)
			e = ERR_ROOT_NOT_DIR;
	}
	if (e != ERR_OK)
		fs_roots_close(roots);
	return e;
}

/* The identities of a file's directory and of every directory above it. */
err_t fs_ancestors_of(const char *path, struct fs_ident *ids, size_t max, size_t *count)
{
	char *copy = strdup(path), *dir = copy != NULL ? realpath(dirname(copy), NULL) : NULL;
	err_t e = dir != NULL ? ERR_OK : (copy == NULL ? ERR_NOMEM : ERR_NOT_FOUND);

	*count = 0;
	while (e == ERR_OK) {
		struct stat st;
		char *slash;

		if (*count == max || stat(dir, &st) != 0) {
			e = *count == max ? ERR_PATH_TOO_LONG : ERR_NOT_FOUND;
			break;
		}
		ids[(*count)++] = (struct fs_ident){(uint64_t)st.st_dev, (uint64_t)st.st_ino};
		if (strcmp(dir, "/") == 0)
			break;
		slash = strrchr(dir, '/');
		slash[slash == dir] = '\0';
	}
	free(dir);
	free(copy);
	return e;
}

/* Whether root names a root this account has open. */
bool fs_root_present(const struct fs_roots *roots, int root)
{
	return root >= 0 && root < FS_ROOT__MAX && roots->root[root].state == FS_ROOT_OPEN;
}

/* Why root cannot be used. */
err_t fs_root_refusal(const struct fs_roots *roots, int root)
{
	if (root >= 0 && root < FS_ROOT__MAX && roots->root[root].state == FS_ROOT_GONE)
		return ERR_ROOT_UNAVAILABLE;
	return ERR_ROOT_UNKNOWN;
}

/* The deepest open root at or above abs, or -1. */
int fs_root_of_abs(const struct fs_roots *roots, const char *abs)
{
	int best = -1;
	size_t best_len = 0;

	for (int i = 0; i < FS_ROOT__MAX; i++) {
		const char *rel;

		if (!fs_root_present(roots, i) || !names_below(roots->root[i].abs, abs, &rel))
			continue;
		if (best < 0 || strlen(roots->root[i].abs) > best_len) {
			best = i;
			best_len = strlen(roots->root[i].abs);
		}
	}
	return best;
}

/* The open root whose path is exactly abs, or -1. */
int fs_root_exact(const struct fs_roots *roots, const char *abs)
{
	for (int i = 0; i < FS_ROOT__MAX; i++) {
		if (fs_root_present(roots, i) && strcmp(roots->root[i].abs, abs) == 0)
			return i;
	}
	return -1;
}

/* Open a directory beneath a root. */
err_t fs_open_dir(const struct fs_roots *roots, int root, const char *rel, int *fd)
{
	int d;

	*fd = -1;
	if (!fs_root_present(roots, root))
		return fs_root_refusal(roots, root);
	if (!fs_rel_is_normal(rel))
		return ERR_PATH_INVALID;
	d = fs_open_beneath(roots->root[root].fd, rel, O_PATH | O_DIRECTORY,
			    roots->root[root].mnt_id);
	if (d < 0)
		return fs_err_beneath(errno);
	*fd = d;
	return ERR_OK;
}
