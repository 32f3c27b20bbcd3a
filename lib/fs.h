/* fs: the confined filesystem. Every operation starts from a root's
 * directory fd and a root-relative path; no absolute path string ever reaches
 * a filesystem call below a root. Paths are opened with openat2(RESOLVE_BENEATH
 * | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV), or, where
 * the kernel lacks openat2, by a component-by-component O_NOFOLLOW walk with
 * the same meaning: the kernel never follows a link for the panel, and never
 * crosses into another mounted filesystem unless that is configured. A root
 * is opened by its configured absolute path, following no link on the way,
 * and is used only while it is still the directory it was set up as (its
 * device and inode). Where a link leads is worked out by fs_resolve,
 * component by component, in the panel, within a bounded number of steps.
 *
 * The pieces: fs_root.c (roots), fs_beneath.c (opening beneath a directory),
 * fs_resolve.c (the link resolver), fs_entry.c (entries and listings),
 * fs_link.c (making and deleting links). */
#ifndef FILEPANEL_FS_H
#define FILEPANEL_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "listing.h"

typedef enum {
	FS_ROOT_HOME = 0,
	FS_ROOT_WEB,
	FS_ROOT_FTP,
	FS_ROOT__MAX
} fs_root_id;

#define FS_MAX_HOPS 40
/* Resolution steps (a component looked at, or one a directory had to be
 * opened again through) one link may take, and all links of one request. */
#define FS_STEPS_PER_LINK 8192
#define FS_STEPS_PER_REQUEST 65536
/* The longest name fs_aside_name makes, with its NUL. */
#define FS_ASIDE_NAME_MAX 40

/* A directory's identity: the device and inode number stat reports. */
struct fs_ident {
	uint64_t dev;
	uint64_t ino;
};

/* What became of a configured root when it was opened. */
typedef enum {
	FS_ROOT_NONE = 0, /* the account has no such root */
	FS_ROOT_OPEN,     /* open: fd holds the directory it was set up as */
	FS_ROOT_GONE      /* configured, but now a link, missing, another
			   * directory, or one the panel may never use */
} fs_root_state;

struct fs_root {
	fs_root_state state;
	char *abs;          /* the configured canonical path (NULL when NONE) */
	int fd;             /* O_PATH directory fd when OPEN, else -1 */
	struct fs_ident id; /* the identity of fd's directory */
	uint64_t mnt_id;    /* its mount, for the O_NOFOLLOW walk */
};

/* The work left for the link resolver in one request. */
struct fs_budget {
	size_t steps_left;
};

struct fs_roots {
	struct fs_root root[FS_ROOT__MAX];
	struct fs_budget budget;
	/* where resolution spends its steps: &budget (the roots are const
	 * everywhere else; only this counter changes while they are used) */
	struct fs_budget *spend;
};

/* How a root is configured: its path and, when it was recorded when the
 * account was set up, the identity it must still have. */
struct fs_root_spec {
	const char *path;   /* canonical absolute path; NULL or "" for none */
	bool known;         /* whether id was recorded */
	struct fs_ident id;
};

/* Directories no root may ever be (the panel's database directory and
 * every directory above it). */
struct fs_forbidden {
	const struct fs_ident *ids;
	size_t count;
};

/* How fs opens paths beneath a root. */
typedef enum {
	FS_WALK_AUTO = 0, /* openat2, falling back on ENOSYS */
	FS_WALK_FALLBACK  /* always the O_NOFOLLOW component walk (tests) */
} fs_walk_mode;

/* Choose how paths are opened (process-wide). The environment variable
 * FILEPANEL_FS_FALLBACK=1 selects FS_WALK_FALLBACK at the first call. */
void fs_set_walk_mode(fs_walk_mode mode);

/* Whether paths beneath a root may cross into other mounted filesystems
 * (process-wide; off unless FILEPANEL_CROSS_MOUNTS=1 at the first use). */
void fs_set_cross_mounts(bool cross);

/* The name of a root as used in URLs and the audit log: "home", "web",
 * "ftp". */
const char *fs_root_name(fs_root_id id);

/* The label a person sees: "Home", "Web", "FTP". */
const char *fs_root_label(fs_root_id id);

/* Parse a root name ("home", "web", "ftp"); -1 when unknown. */
int fs_root_parse(const char *name);

/* Open a user's roots as configured. Each root is opened by its absolute
 * path without following any link on the way; it is OPEN only when it is a
 * directory, has the recorded identity (when one is known), and is none of
 * the forbidden directories (forbidden may be NULL); otherwise it is GONE,
 * never followed. ERR_OK (whatever state each root is in), or ERR_NOMEM
 * with nothing left open. */
err_t fs_roots_open_spec(struct fs_roots *roots, const struct fs_root_spec spec[FS_ROOT__MAX],
			 const struct fs_forbidden *forbidden);

/* Open roots at these paths, taking the identity each has now: home is
 * required; web and ftp may be NULL or "". Each must be an existing
 * directory reached without following a link (ERR_ROOT_NOT_DIR); on
 * failure nothing stays open. For setting an account up, and for tests. */
err_t fs_roots_open(struct fs_roots *roots, const char *home, const char *web,
		    const char *ftp);

/* Close every fd and free every string of roots (safe on a zeroed or
 * half-opened struct after fs_roots_init). */
void fs_roots_close(struct fs_roots *roots);

/* Mark every root absent, so fs_roots_close is safe. */
void fs_roots_init(struct fs_roots *roots);

/* The identity of the directory at an absolute path, reached without
 * following any link (ERR_ROOT_NOT_DIR when it is not such a directory). */
err_t fs_ident_of_path(const char *abs, struct fs_ident *id);

/* The identities of the directory holding the file at path and of every
 * directory above it, up to "/", into ids (at most max); *count gets how
 * many. Links are followed here: this is the panel's own configuration. */
err_t fs_ancestors_of(const char *path, struct fs_ident *ids, size_t max, size_t *count);

/* Open the directory at root-relative rel (already normalised by
 * names_normalize_rel; "" is the root) beneath the root, following no
 * link. Sets *fd to an O_PATH|O_DIRECTORY fd. Escapes and links on the way
 * answer ERR_NOT_FOUND, another mounted filesystem ERR_MOUNT_POINT, a root
 * that is GONE ERR_ROOT_UNAVAILABLE. */
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
 * owner and group names, times, inode, and for a link its target and where
 * it leads (fs_resolve). Idempotent. */
err_t fs_listing_stat(const struct fs_roots *roots, struct fs_listing *l, size_t i);

/* Fill every entry (what `ls -l` needs). */
err_t fs_listing_stat_all(const struct fs_roots *roots, struct fs_listing *l);

/* Keep only the entries whose name contains filter (ignoring ASCII case),
 * freeing what the others hold. NULL keeps everything. */
void fs_listing_filter(struct fs_listing *l, const char *filter);

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
 * (FS_MAX_HOPS) and steps (FS_STEPS_PER_LINK, and what is left of the
 * request's budget: LISTING_LINK_TOO_COMPLEX beyond), never looking
 * outside the roots, and never opening a directory again from the root at
 * a "..". */
err_t fs_resolve(const struct fs_roots *roots, int root, const char *dir_rel,
		 const char *target, size_t target_len, struct fs_resolution *res);

/* Whether a new link named name with this target may be made in directory
 * (root, dir_rel). Refused: a bad name (names_check_new_name) or target; a
 * target that leads outside the user's roots, lexically or through links
 * that exist now (ERR_TARGET_OUTSIDE); a ".." anywhere but in a run at the
 * start of a relative target (ERR_TARGET_DOTDOT, with the target without it
 * written to suggestion, size bytes, when suggestion is not NULL); a loop,
 * a directory on the way that cannot be searched, or too many steps. A
 * target that passes means the same place after any later panel operation
 * of the account, and is stored exactly as typed. */
err_t fs_symlink_check(const struct fs_roots *roots, int root, const char *dir_rel,
		       const char *name, size_t name_len, const char *target,
		       size_t target_len, char *suggestion, size_t size);

/* Create a symbolic link named name in directory (root, dir_rel) holding
 * target byte for byte, after fs_symlink_check (done again here). Refused
 * as well: an existing entry of that name (dangling links included;
 * nothing is overwritten). */
err_t fs_symlink_create(const struct fs_roots *roots, int root, const char *dir_rel,
			const char *name, size_t name_len,
			const char *target, size_t target_len);

/* An entry's identity as a page showed it: its inode number and the time
 * its inode last changed. */
struct fs_entry_id {
	uint64_t ino;
	int64_t ctime_sec;
	long ctime_nsec;
};

/* The identity of a stated entry. */
struct fs_entry_id fs_entry_id_of(const struct listing_entry *e);

/* A fresh name for the private directory a delete moves its link into
 * (".filepanel-delete-" and 16 hex digits). */
void fs_aside_name(char out[FS_ASIDE_NAME_MAX]);

/* Delete the symbolic link named name in directory (root, dir_rel), and
 * only that link: it must be a link with identity *expect (when not NULL;
 * ERR_CHANGED otherwise), checked after it was moved into a fresh
 * directory named aside (fs_aside_name) that only the panel can write, so
 * that nothing can be swapped in between the check and the removal.
 * Anything else is put back (ERR_NOT_LINK or ERR_CHANGED). */
err_t fs_link_delete(const struct fs_roots *roots, int root, const char *dir_rel,
		     const char *name, size_t name_len, const struct fs_entry_id *expect,
		     const char *aside);

/* Finish a delete of name that stopped half way (the worker was killed):
 * if the private directory aside is still in (root, dir_rel), remove the
 * link in it (anything else is put back under name) and the directory.
 * *removed says whether a link was removed now. */
err_t fs_link_delete_finish(const struct fs_roots *roots, int root, const char *dir_rel,
			    const char *name, const char *aside, bool *removed);

#endif
