/* fs_link: making and deleting symbolic links. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs_intern.h"
#include "names.h"

#define FS_ASIDE_PREFIX ".filepanel-delete-"
#define FS_RESTORED_PREFIX ".filepanel-restored-"
#define FS_ASIDE_ENTRY "l" /* the link's name inside its private directory */

/* Whether the lexical join of target to directory (root, dir_rel) lands in
 * one of the roots. */
static err_t fs_target_lexically_inside(const struct fs_roots *roots, int root,
					const char *dir_rel, const char *target,
					size_t target_len)
{
	char dir_abs[NAMES_PATH_MAX], *joined = malloc(2 * NAMES_PATH_MAX);
	err_t e;

	if (joined == NULL)
		return ERR_NOMEM;
	e = names_join(roots->root[root].abs, dir_rel, strlen(dir_rel), dir_abs, sizeof dir_abs);
	if (e == ERR_OK)
		e = names_join(dir_abs, target, target_len, joined, 2 * NAMES_PATH_MAX);
	if (e == ERR_OK && fs_root_of_abs(roots, joined) < 0)
		e = ERR_TARGET_OUTSIDE;
	free(joined);
	return e;
}

/* Whether target, followed by the panel's resolver through the links that
 * exist now, stays inside the roots. */
static err_t fs_target_leads_inside(const struct fs_roots *roots, int root, const char *dir_rel,
				    const char *target, size_t target_len)
{
	struct fs_resolution *res = malloc(sizeof *res);
	err_t e;

	if (res == NULL)
		return ERR_NOMEM;
	e = fs_resolve(roots, root, dir_rel, target, target_len, res);
	if (e == ERR_OK) {
		switch (res->state) {
		case LISTING_LINK_OUTSIDE: e = ERR_TARGET_OUTSIDE; break;
		case LISTING_LINK_LOOP: e = ERR_LOOP; break;
		case LISTING_LINK_DENIED: e = ERR_DENIED; break;
		case LISTING_LINK_TOO_COMPLEX: e = ERR_TOO_COMPLEX; break;
		case LISTING_LINK_OK:
		case LISTING_LINK_DANGLING: break;
		}
	}
	free(res);
	return e;
}

/* Whether a new link may be made. */
err_t fs_symlink_check(const struct fs_roots *roots, int root, const char *dir_rel,
		       const char *name, size_t name_len, const char *target,
		       size_t target_len, char *suggestion, size_t size)
{
	err_t e;

	if (suggestion != NULL && size > 0)
		suggestion[0] = '\0';
	if (!fs_root_present(roots, root))
		return fs_root_refusal(roots, root);
	e = names_check_new_name(name, name_len);
	if (e == ERR_OK)
		e = names_check_target(target, target_len);
	if (e == ERR_OK)
		e = fs_target_lexically_inside(roots, root, dir_rel, target, target_len);
	if (e == ERR_OK)
		e = names_check_target_dotdot(target, target_len, suggestion, size);
	if (e == ERR_OK)
		e = fs_target_leads_inside(roots, root, dir_rel, target, target_len);
	return e;
}

/* Create a symbolic link. */
err_t fs_symlink_create(const struct fs_roots *roots, int root, const char *dir_rel,
			const char *name, size_t name_len,
			const char *target, size_t target_len)
{
	char tbuf[NAMES_TARGET_MAX + 1], nbuf[NAMES_NAME_MAX + 1];
	int dirfd;
	err_t e = fs_symlink_check(roots, root, dir_rel, name, name_len, target, target_len,
				   NULL, 0);

	if (e == ERR_OK)
		e = fs_open_dir(roots, root, dir_rel, &dirfd);
	if (e != ERR_OK)
		return e;
	memcpy(tbuf, target, target_len);
	tbuf[target_len] = '\0';
	fs_name_copy(nbuf, name, name_len);
	if (symlinkat(tbuf, dirfd, nbuf) != 0)
		e = err_from_errno(errno);
	close(dirfd);
	return e;
}

/* A fresh hidden name with a prefix and 16 random hex digits. getrandom
 * cannot fail for 8 bytes once the pool is ready; were it to, the name is
 * still only ever used with O_EXCL-like calls (mkdirat, RENAME_NOREPLACE),
 * which refuse one that exists. */
static void fs_random_name(const char *prefix, char out[FS_ASIDE_NAME_MAX])
{
	unsigned char r[8];
	size_t n = strlen(prefix);

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		memset(r, 0, sizeof r);
	memcpy(out, prefix, n);
	for (size_t i = 0; i < sizeof r; i++)
		snprintf(out + n + 2 * i, 3, "%02x", r[i]);
}

/* A fresh name for a delete's private directory. */
void fs_aside_name(char out[FS_ASIDE_NAME_MAX])
{
	fs_random_name(FS_ASIDE_PREFIX, out);
}

/* Whether aside is a name fs_aside_name could have made. */
static bool fs_aside_name_ok(const char *aside)
{
	size_t n = strlen(FS_ASIDE_PREFIX);

	if (strncmp(aside, FS_ASIDE_PREFIX, n) != 0 || strlen(aside) != n + 16)
		return false;
	return strspn(aside + n, "0123456789abcdef") == 16;
}

/* Open the directory aside of dirfd if it is one of the panel's private
 * ones: a directory owned by this process's user, writable by no one else.
 * -1 otherwise. */
static int fs_private_dir_open(int dirfd, const char *aside)
{
	struct stat st;
	int fd = openat(dirfd, aside, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

/* Remove the private directory aside of dirfd, held as tfd, if the name
 * still holds it. */
static void fs_private_dir_remove(int dirfd, const char *aside, int tfd)
{
	struct stat named, held;

	if (fstatat(dirfd, aside, &named, AT_SYMLINK_NOFOLLOW) == 0 && fstat(tfd, &held) == 0 &&
	    named.st_ino == held.st_ino && named.st_dev == held.st_dev)
		unlinkat(dirfd, aside, AT_REMOVEDIR);
	close(tfd);
}

/* Put what was moved into a private directory back under name, or, when
 * that name was taken meanwhile, under a fresh visible-but-hidden name. */
static err_t fs_put_back(int tfd, int dirfd, const char *name)
{
	char restored[FS_ASIDE_NAME_MAX + 8];

	if (renameat2(tfd, FS_ASIDE_ENTRY, dirfd, name, RENAME_NOREPLACE) == 0)
		return ERR_OK;
	fs_random_name(FS_RESTORED_PREFIX, restored);
	if (renameat2(tfd, FS_ASIDE_ENTRY, dirfd, restored, RENAME_NOREPLACE) == 0)
		return ERR_OK;
	return err_from_errno(errno);
}

/* Whether st is the link a page showed (any link when expect is NULL). */
static err_t fs_link_is_expected(const struct stat *st, const struct fs_entry_id *expect)
{
	if (!S_ISLNK(st->st_mode))
		return ERR_NOT_LINK;
	if (expect != NULL &&
	    (expect->ino != (uint64_t)st->st_ino || expect->ctime_sec != st->st_ctim.tv_sec ||
	     expect->ctime_nsec != st->st_ctim.tv_nsec))
		return ERR_CHANGED;
	return ERR_OK;
}

/* With the entry moved into the private directory tfd: check that it is
 * the link checked before (inode ino) and remove it, or put it back. No
 * other process can write into tfd, so what is removed is what was
 * checked. */
static err_t fs_remove_moved(int tfd, int dirfd, const char *name, uint64_t ino)
{
	struct stat st;
	err_t e, back;

	if (fstatat(tfd, FS_ASIDE_ENTRY, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return err_from_errno(errno);
	e = !S_ISLNK(st.st_mode) ? ERR_NOT_LINK : (uint64_t)st.st_ino != ino ? ERR_CHANGED : ERR_OK;
	if (e == ERR_OK && unlinkat(tfd, FS_ASIDE_ENTRY, 0) != 0)
		e = err_from_errno(errno);
	if (e == ERR_OK)
		return ERR_OK;
	back = fs_put_back(tfd, dirfd, name);
	return back == ERR_OK ? e : ERR_IO;
}

/* Move name of dirfd into a fresh private directory aside and delete it
 * there when it is still the link with inode ino. */
static err_t fs_delete_via_private_dir(int dirfd, const char *name, const char *aside,
				       uint64_t ino)
{
	int tfd;
	err_t e;

	if (mkdirat(dirfd, aside, 0700) != 0)
		return err_from_errno(errno);
	tfd = fs_private_dir_open(dirfd, aside);
	if (tfd < 0)
		return ERR_CHANGED; /* something else took its place at once */
	if (renameat2(dirfd, name, tfd, FS_ASIDE_ENTRY, RENAME_NOREPLACE) != 0)
		e = err_from_errno(errno);
	else
		e = fs_remove_moved(tfd, dirfd, name, ino);
	fs_private_dir_remove(dirfd, aside, tfd);
	return e;
}

/* Delete a symbolic link, and only the link that was shown. */
err_t fs_link_delete(const struct fs_roots *roots, int root, const char *dir_rel,
		     const char *name, size_t name_len, const struct fs_entry_id *expect,
		     const char *aside)
{
	char nbuf[NAMES_NAME_MAX + 1];
	struct stat st;
	int dirfd;
	err_t e = names_check_entry_name(name, name_len);

	if (e == ERR_OK && (aside == NULL || !fs_aside_name_ok(aside)))
		e = ERR_PATH_INVALID;
	if (e == ERR_OK)
		e = fs_open_dir(roots, root, dir_rel, &dirfd);
	if (e != ERR_OK)
		return e;
	fs_name_copy(nbuf, name, name_len);
	if (fstatat(dirfd, nbuf, &st, AT_SYMLINK_NOFOLLOW) != 0)
		e = err_from_errno(errno);
	else
		e = fs_link_is_expected(&st, expect);
	if (e == ERR_OK)
		e = fs_delete_via_private_dir(dirfd, nbuf, aside, (uint64_t)st.st_ino);
	close(dirfd);
	return e;
}

/* Finish a delete that stopped half way. */
err_t fs_link_delete_finish(const struct fs_roots *roots, int root, const char *dir_rel,
			    const char *name, const char *aside, bool *removed)
{
	struct stat st;
	int dirfd, tfd;
	err_t e;

	*removed = false;
	if (!fs_aside_name_ok(aside) || names_check_entry_name(name, strlen(name)) != ERR_OK)
		return ERR_PATH_INVALID;
	e = fs_open_dir(roots, root, dir_rel, &dirfd);
	if (e != ERR_OK)
		return e;
	tfd = fs_private_dir_open(dirfd, aside);
	if (tfd >= 0) {
		if (fstatat(tfd, FS_ASIDE_ENTRY, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (S_ISLNK(st.st_mode) && unlinkat(tfd, FS_ASIDE_ENTRY, 0) == 0)
				*removed = true;
			else
				e = fs_put_back(tfd, dirfd, name);
		}
		fs_private_dir_remove(dirfd, aside, tfd);
	}
	close(dirfd);
	return e;
}
