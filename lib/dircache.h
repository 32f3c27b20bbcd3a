/* dircache: a worker's memory of listing pages it rendered lately, each
 * kept only while the directory it shows stays as it was.
 *
 * A page is tied to the directory's inode and watched with inotify: any
 * change the kernel reports in that directory (an entry created, deleted,
 * renamed, written to, truncated, chmod-ed, chown-ed, touched) forgets every
 * page of it before the next request is answered. What inotify cannot see
 * from the directory (what a link leads to, a subdirectory's own date, a
 * file that also has a name elsewhere) is not trusted: the caller keeps
 * those rows as "checks" and compares them again at every use. A page is
 * also forgotten after DIRCACHE_MAX_AGE_MS whatever happens, which bounds
 * what nothing reports (a file written through mmap). Only local
 * filesystems are cached (ext4, xfs, btrfs, tmpfs, f2fs): a network
 * filesystem's remote changes raise no event.
 *
 * One process, one thread: nothing here is shared. */
#ifndef FILEPANEL_DIRCACHE_H
#define FILEPANEL_DIRCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "listing.h"

#define DIRCACHE_MAX_AGE_MS 1000
#define DIRCACHE_ITEMS 16
#define DIRCACHE_ITEM_MAX_BYTES (1024 * 1024)
#define DIRCACHE_TOTAL_MAX_BYTES (4 * 1024 * 1024)

/* A page kept for a directory. */
struct dircache_item {
	char *key;                      /* what the page is of (caller's words) */
	char *html;                     /* the rendered bytes */
	size_t html_len;
	struct listing_entry *checks;   /* rows to compare again at each use */
	size_t check_count;
	size_t total;                   /* the caller's numbers for the page */
	struct listing_page page;
	/* Book-keeping. */
	dev_t dev;
	ino_t ino;
	int wd;                         /* the inotify watch, -1 when free */
	long long born_ms;              /* CLOCK_MONOTONIC */
	unsigned long long used;        /* for least-recently-used eviction */
};

/* Where a page being rendered comes from: the directory, watched from
 * before it was read (dircache_begin). */
struct dircache_ticket {
	bool ok;                        /* false: do not keep this page */
	dev_t dev;
	ino_t ino;
	int wd;
	unsigned long long serial;      /* events seen when it began */
};

/* Turn caching on or off for the process (on by default; the environment
 * variable FILEPANEL_LISTING_CACHE=0 turns it off at the first call). */
void dircache_enable(bool on);

/* Read the events waiting, then find a page of the open directory dirfd
 * with this key that is still valid; NULL when there is none. The item
 * stays valid until the next dircache call. */
const struct dircache_item *dircache_find(int dirfd, const char *key);

/* Start watching the open directory dirfd before reading it; the ticket
 * says whether a page of it may be kept. */
void dircache_begin(int dirfd, struct dircache_ticket *t);

/* Keep a page rendered from a ticket's directory, unless an event came in
 * since dircache_begin or it is too large. The item's strings and checks
 * are copied; the caller keeps its own. Returns true when kept. */
bool dircache_keep(const struct dircache_ticket *t, const char *key, const char *html,
		   size_t html_len, const struct listing_entry *checks, size_t check_count,
		   size_t total, const struct listing_page *page);

/* Forget every page and stop watching (tests, and the end of a worker). */
void dircache_reset(void);

#endif
