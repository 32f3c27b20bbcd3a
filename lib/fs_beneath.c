/* fs_beneath: opening a path beneath a directory fd, following no link and
 * crossing no mount: openat2, or a component walk with O_NOFOLLOW where the
 * kernel lacks it. The only place that opens a request's path. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "fs_intern.h"
#include "names.h"

#define FS_OPENAT2_TRIES 16

static fs_walk_mode fs_mode;
static bool fs_mode_known;
static bool fs_openat2_missing;
static bool fs_cross;
static bool fs_cross_known;

/* Choose how paths are opened. */
void fs_set_walk_mode(fs_walk_mode mode)
{
	fs_mode = mode;
	fs_mode_known = true;
}

/* Choose whether mounts beneath a root are entered. */
void fs_set_cross_mounts(bool cross)
{
	fs_cross = cross;
	fs_cross_known = true;
}

/* Whether the environment variable name is set to "1". */
static bool fs_env_on(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && strcmp(v, "1") == 0;
}

/* The walk mode in force, reading FILEPANEL_FS_FALLBACK on first use. */
static fs_walk_mode fs_walk_mode_now(void)
{
	if (!fs_mode_known)
		fs_set_walk_mode(fs_env_on("FILEPANEL_FS_FALLBACK") ? FS_WALK_FALLBACK
								     : FS_WALK_AUTO);
	return fs_mode;
}

/* Whether mounts may be crossed, reading FILEPANEL_CROSS_MOUNTS on first use. */
static bool fs_cross_now(void)
{
	if (!fs_cross_known)
		fs_set_cross_mounts(fs_env_on("FILEPANEL_CROSS_MOUNTS"));
	return fs_cross;
}

/* The mount id of an open fd (its device when statx cannot tell). */
uint64_t fs_mount_of(int fd)
{
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &sx) != 0)
		return 0;
	if (sx.stx_mask & STATX_MNT_ID)
		return sx.stx_mnt_id;
	return ((uint64_t)sx.stx_dev_major << 32) | sx.stx_dev_minor;
}

/* openat2 beneath dirfd, following no link at all, and crossing no mount
 * when same_mount; EAGAIN is retried a bounded number of times. Sets errno
 * to ENOSYS where the kernel or the headers lack openat2. */
static int fs_openat2(int dirfd, const char *rel, int flags, bool same_mount)
{
#if defined(HAVE_LINUX_OPENAT2_H) && defined(SYS_openat2)
	struct open_how how;

	memset(&how, 0, sizeof how);
	how.flags = (uint64_t)flags;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS;
	if (same_mount)
		how.resolve |= RESOLVE_NO_XDEV;
	for (int tries = 0; tries < FS_OPENAT2_TRIES; tries++) {
		long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof how);

		if (fd >= 0 || errno != EAGAIN)
			return (int)fd;
	}
	return -1;
#else
	(void)dirfd;
	(void)rel;
	(void)flags;
	(void)same_mount;
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

/* Open one component of the fallback walk below cur: the last with flags,
 * the others as directories; a directory on another mount is EXDEV. */
static int fs_walk_one(int cur, const char *comp, bool last, int flags, uint64_t mnt_id)
{
	int next = openat(cur, comp, last ? flags | O_NOFOLLOW | O_CLOEXEC
					  : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (next < 0) {
		if (errno == ENOTDIR)
			fs_walk_explain_notdir(cur, comp);
		return -1;
	}
	if (mnt_id != 0 && fs_mount_of(next) != mnt_id) {
		close(next);
		errno = EXDEV;
		return -1;
	}
	return next;
}

/* The fallback: open rel beneath dirfd one component at a time with
 * O_NOFOLLOW, refusing ".." and every link on the way (ELOOP or ENOTDIR
 * from the kernel, EXDEV for ".." and for another mount). */
static int fs_walk(int dirfd, const char *rel, int flags, uint64_t mnt_id)
{
	int cur = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	const char *p = rel;
	char comp[NAME_MAX + 1];

	while (cur >= 0) {
		const char *end;
		size_t len;
		bool last;
		int next;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len > NAME_MAX || (len == 2 && p[0] == '.' && p[1] == '.')) {
			close(cur);
			errno = len > NAME_MAX ? ENAMETOOLONG : EXDEV;
			return -1;
		}
		fs_name_copy(comp, p, len);
		if (len == 0 || (len == 1 && comp[0] == '.'))
			strcpy(comp, ".");
		for (p = end; *p == '/'; p++)
			;
		last = *p == '\0';
		next = fs_walk_one(cur, comp, last, flags, mnt_id);
		close(cur);
		if (next < 0 || last)
			return next;
		cur = next;
	}
	return -1;
}

/* Open rel beneath dirfd, following no link and crossing no mount. */
int fs_open_beneath(int dirfd, const char *rel, int flags, uint64_t mnt_id)
{
	const char *path = (rel[0] == '\0') ? "." : rel;

	if (fs_cross_now())
		mnt_id = 0;
	if (fs_walk_mode_now() == FS_WALK_AUTO && !fs_openat2_missing) {
		int fd = fs_openat2(dirfd, path, flags | O_CLOEXEC, mnt_id != 0);

		if (fd >= 0 || errno != ENOSYS)
			return fd;
		fs_openat2_missing = true;
	}
	return fs_walk(dirfd, path, flags, mnt_id);
}

/* Whether rel is already in the form names_normalize_rel_bytes produces. */
bool fs_rel_is_normal(const char *rel)
{
	char buf[NAMES_PATH_MAX];
	size_t len = strlen(rel);

	if (len >= sizeof buf)
		return false;
	if (names_normalize_rel_bytes(rel, len, buf, sizeof buf) != ERR_OK)
		return false;
	return strcmp(buf, rel) == 0;
}

/* Map the errno of a failed open beneath a root. */
err_t fs_err_beneath(int errnum)
{
	return errnum == EXDEV ? ERR_MOUNT_POINT : err_from_errno(errnum);
}

/* Copy a name into a NAME_MAX + 1 buffer. */
void fs_name_copy(char *buf, const char *name, size_t len)
{
	memcpy(buf, name, len);
	buf[len] = '\0';
}
