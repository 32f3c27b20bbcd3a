/* fs: the confined filesystem. Every operation starts from a root's
 * directory fd and a root-relative path; no absolute path string ever reaches
 * a filesystem call. Paths are opened with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS), or, where the kernel lacks
 * openat2, by a component-by-component O_NOFOLLOW walk with the same
 * meaning: the kernel never follows a link for the panel. Where a link leads
 * is worked out by fs_resolve, component by component, in the panel. */
#ifndef FILEPANEL_FS_H
#define FILEPANEL_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "listing.h"

typedef enum {
	FS_ROOT_HOME = 0,
	FS_ROOT_WEB,
	FS_ROOT_FTP,
	FS_ROOT__MAX
} fs_root_id;

#define FS_MAX_HOPS 40

struct fs_root {
	char *abs; /* canonical absolute path, NULL when the root is absent */
	int fd;    /* O_PATH directory fd, -1 when absent */
};

struct fs_roots {
	struct fs_root root[FS_ROOT__MAX];
};

/* How fs opens paths beneath a root. */
typedef enum {
	FS_WALK_AUTO = 0, /* openat2, falling back on ENOSYS */
	FS_WALK_FALLBACK  /* always the O_NOFOLLOW component walk (tests) */
} fs_walk_mode;

/* Choose how paths are opened (process-wide). The environment variable
 * FILEPANEL_FS_FALLBACK=1 selects FS_WALK_FALLBACK at the first call. */
void fs_set_walk_mode(fs_walk_mode mode);

/* The name of a root as used in URLs and the audit log: "home", "web",
 * "ftp". */
const char *fs_root_name(fs_root_id id);

/* The label a person sees: "Home", "Web", "FTP". */
const char *fs_root_label(fs_root_id id);

/* Parse a root name ("home", "web", "ftp"); -1 when unknown. */
int fs_root_parse(const char *name);

/* Open a user's roots. home is required; web and ftp may be NULL or "" for
 * an account without them. Each path must be an existing directory; it is
 * made canonical (the account's configuration is trusted, requests are
 * not). On failure nothing stays open. */
err_t fs_roots_open(struct fs_roots *roots, const char *home, const char *web,
		    const char *ftp);

/* Close every fd and free every string of roots (safe on a zeroed or
 * half-opened struct after fs_roots_init). */
void fs_roots_close(struct fs_roots *roots);

/* Mark every root absent, so fs_roots_close is safe. */
void fs_roots_init(struct fs_roots *roots);

/* Open the directory at root-relative rel (already normalised by
 * names_normalize_rel; "" is the root) beneath the root, following no
 * link. Sets *fd to an O_PATH|O_DIRECTORY fd. Escapes and links on the way
 * answer ERR_NOT_FOUND. */
err_t fs_open_dir(const struct fs_roots *roots, int root, const char *rel, int *fd);

/* A directory's entries. */
struct fs_listing {
	struct listing_entry *entries;
	size_t count;
	size_t capacity;
	char *names;     /* arena holding every name */
	size_t names_len;
	size_t names_cap;
	int dirfd;       /* O_PATH fd of the directory, for fs_listing_stat */
	int root;
	char *rel;       /* the directory's root-relative path */
};

/* Read the names and types of the directory (root, rel) into out, without
 * stat-ing anything ("." and ".." left out). Free with fs_listing_free. */
err_t fs_list(const struct fs_roots *roots, int root, const char *rel,
	      struct fs_listing *out);

/* fs_list for a directory opened with fs_open_dir: the listing owns dirfd
 * from the call on, whether it succeeds or not. */
err_t fs_list_dir(const struct fs_roots *roots, int root, const char *rel, int dirfd,
		  struct fs_listing *out);

/* Fill the stat fields of entry i of a listing: mode, size, link count,
 * owner and group names, mtime, and for a link its target and where it
 * leads (fs_resolve). Idempotent. */
err_t fs_listing_stat(const struct fs_roots *roots, struct fs_listing *l, size_t i);

/* Fill every entry (what `ls -l` needs). */
err_t fs_listing_stat_all(const struct fs_roots *roots, struct fs_listing *l);

/* Free what fs_list allocated and close its fd. */
void fs_listing_free(struct fs_listing *l);

/* Stat one entry (name in directory (root, dir_rel)) without following it,
 * filling *entry as fs_listing_stat does; free with fs_entry_free. */
err_t fs_entry_get(const struct fs_roots *roots, int root, const char *dir_rel,
		   const char *name, struct listing_entry *entry);

/* fs_entry_get in a directory (root, dir_rel) already open as dirfd (an
 * fd from fs_open_dir); name must be a single valid entry name. */
err_t fs_entry_at(const struct fs_roots *roots, int root, const char *dir_rel, int dirfd,
		  const char *name, struct listing_entry *entry);

/* Work out again where a link entry of directory (root, dir_rel), open as
 * dirfd, leads from its target (e->target): sets link_state, dest_root,
 * dest_type and dest_rel (replaced). */
err_t fs_link_lead(const struct fs_roots *roots, int root, const char *dir_rel, int dirfd,
		   struct listing_entry *e);

/* Free the strings of an entry filled by fs_entry_get. */
void fs_entry_free(struct listing_entry *entry);

/* Where a link target leads. */
struct fs_resolution {
	listing_link_state state;
	int root;           /* root it leads into (state OK, DANGLING, DENIED), else -1 */
	char rel[4096];     /* root-relative path reached (OK), or the last existing directory */
	listing_type type;  /* type of the final entry (state OK) */
	int hops;           /* links followed, the one holding target included */
};

/* Work out where target (a link's content) leads when found in directory
 * (root, dir_rel), the way the kernel would, but in the panel: component by
 * component, never letting the kernel follow a link, counting hops
 * (FS_MAX_HOPS), and never looking outside the roots. */
err_t fs_resolve(const struct fs_roots *roots, int root, const char *dir_rel,
		 const char *target, size_t target_len, struct fs_resolution *res);

/* Create a symbolic link named name in directory (root, dir_rel) holding
 * target byte for byte. Refused: a bad name or target, an existing entry of
 * that name (dangling links included; nothing is overwritten), a target
 * that leads outside the user's roots (ERR_TARGET_OUTSIDE). */
err_t fs_symlink_create(const struct fs_roots *roots, int root, const char *dir_rel,
			const char *name, size_t name_len,
			const char *target, size_t target_len);

/* Delete the symbolic link named name in directory (root, dir_rel). Only a
 * link is removed, and only the link: ERR_NOT_LINK when the entry is
 * anything else when it is checked (after being moved aside under a fresh
 * hidden name); ERR_IO, never ERR_OK, when another process swapped
 * something in between that check and the removal. */
err_t fs_link_delete(const struct fs_roots *roots, int root, const char *dir_rel,
		     const char *name, size_t name_len);

#endif
