/* fs_intern: what the pieces of fs_ share and nothing else may use. */
#ifndef FILEPANEL_FS_INTERN_H
#define FILEPANEL_FS_INTERN_H

#include <stdbool.h>
#include <stdint.h>

#include "fs.h"

/* Whether root names a root this account has open. */
bool fs_root_present(const struct fs_roots *roots, int root);

/* Why root cannot be used: ERR_ROOT_UNAVAILABLE when it is configured but
 * GONE, else ERR_ROOT_UNKNOWN. */
err_t fs_root_refusal(const struct fs_roots *roots, int root);

/* fs_resolve from directory (root, dir_rel) when it is already open as
 * dirfd (borrowed; -1 to open it here). */
err_t fs_resolve_from(const struct fs_roots *roots, int root, const char *dir_rel, int dirfd,
		      const char *target, size_t target_len, struct fs_resolution *res);

/* The deepest open root at or above the canonical absolute path abs, or -1. */
int fs_root_of_abs(const struct fs_roots *roots, const char *abs);

/* The open root whose path is exactly abs, or -1. */
int fs_root_exact(const struct fs_roots *roots, const char *abs);

/* Open rel beneath dirfd with flags, following no link: openat2, or the
 * O_NOFOLLOW walk. Unless mnt_id is 0 (or crossing is configured), no
 * mount is crossed either: openat2 refuses it, the walk compares each
 * directory's mount with mnt_id (dirfd's). rel must hold no ".." (EXDEV). */
int fs_open_beneath(int dirfd, const char *rel, int flags, uint64_t mnt_id);

/* The mount id of an open fd (its device when the kernel cannot say). */
uint64_t fs_mount_of(int fd);

/* Whether rel is already in the form names_normalize_rel_bytes produces. */
bool fs_rel_is_normal(const char *rel);

/* Map the errno of a failed open beneath a root to an err_t (EXDEV, which
 * only a mount crossing gives for a normal path, is ERR_MOUNT_POINT). */
err_t fs_err_beneath(int errnum);

/* Copy len bytes of a name into buf (NAME_MAX + 1 bytes) with a NUL. */
void fs_name_copy(char *buf, const char *name, size_t len);

#endif
