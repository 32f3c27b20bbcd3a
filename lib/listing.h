/* listing: the entry model of a directory listing and its formatting:
 * permission strings identical to GNU `ls -l`, sizes, dates, sorting and
 * paging. Pure: no I/O (fs_ fills the entries). */
#ifndef FILEPANEL_LISTING_H
#define FILEPANEL_LISTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"

typedef enum {
	LISTING_TYPE_UNKNOWN = 0,
	LISTING_TYPE_FILE,
	LISTING_TYPE_DIR,
	LISTING_TYPE_LINK,
	LISTING_TYPE_FIFO,
	LISTING_TYPE_SOCKET,
	LISTING_TYPE_CHAR,
	LISTING_TYPE_BLOCK
} listing_type;

/* Where a symbolic link leads, as worked out by the panel's own resolver. */
typedef enum {
	LISTING_LINK_OK = 0,   /* leads to an existing entry inside the roots */
	LISTING_LINK_DANGLING, /* the target does not exist */
	LISTING_LINK_LOOP,     /* a loop, or more than 40 hops */
	LISTING_LINK_OUTSIDE,  /* leaves the user's roots: shown, never followed */
	LISTING_LINK_DENIED,   /* a directory on the way cannot be searched */
	LISTING_LINK_TOO_COMPLEX /* more steps than the panel spends on a link */
} listing_link_state;

/* One directory entry. Names and targets are byte strings (any byte but
 * NUL and '/'), with their lengths. */
struct listing_entry {
	char *name;
	size_t name_len;
	listing_type type;      /* from getdents, refined by stat */
	bool stated;            /* the fields below are filled */
	mode_t mode;            /* full st_mode, type bits included */
	off_t size;
	nlink_t nlink;
	uid_t uid;
	gid_t gid;
	const char *owner;      /* name, or the number when unknown; shared, */
	const char *group;      /* never freed (NULL until stated) */
	time_t mtime;
	uint64_t ino;           /* the inode number and when the inode last */
	int64_t ctime_sec;      /* changed: the entry's identity on a confirm */
	long ctime_nsec;        /* page */
	/* Symbolic links only (type == LISTING_TYPE_LINK and stated). */
	char *target;           /* the link's content, exactly as stored */
	size_t target_len;
	listing_link_state link_state;
	int dest_root;          /* index of the root it leads into, or -1 */
	char *dest_rel;         /* root-relative path of the final entry */
	listing_type dest_type; /* type of the final entry */
};

/* Whether two stated entries of the same name show the same in a listing:
 * type, mode, size, date, and for a link its target and where it leads. */
bool listing_entry_looks_same(const struct listing_entry *a, const struct listing_entry *b);

typedef enum {
	LISTING_SORT_NAME = 0,
	LISTING_SORT_SIZE,
	LISTING_SORT_DATE
} listing_sort_key;

/* Write the 10-character mode string `ls -l` prints ("drwxr-xr-x",
 * "-rwsr-Sr-T", "lrwxrwxrwx", "prw-r--r--" ...) into out[11]. */
void listing_mode_string(mode_t mode, char out[11]);

/* The one-letter type `ls -l` prints for a listing_type ('-', 'd', 'l',
 * 'p', 's', 'c', 'b', '?'). */
char listing_type_char(listing_type t);

/* Map a st_mode's type bits to a listing_type. */
listing_type listing_type_from_mode(mode_t mode);

/* Human-readable size as a hosting panel shows it: "0 bytes", "512 bytes",
 * "4 KB", "1.5 MB", "2 GB" (1024-based, one decimal below 10). */
void listing_size_string(off_t size, char *out, size_t outsize);

/* Date as "Nov 25, 2026 00:48" in UTC. */
void listing_date_string(time_t t, char *out, size_t outsize);

/* Parse a sort key name ("name", "size", "date"); unknown or NULL gives
 * LISTING_SORT_NAME. */
listing_sort_key listing_sort_key_parse(const char *s);

/* The name of a sort key ("name", "size", "date"). */
const char *listing_sort_key_name(listing_sort_key k);

/* Sort entries in place: directories first, then by key (ties by name,
 * bytewise), ascending unless descending. Sorting by size or date needs
 * every entry stated; unstated entries sort as size 0 / time 0. */
void listing_sort(struct listing_entry *entries, size_t count,
		  listing_sort_key key, bool descending);

/* A page of a listing: [first, first+count) of total, page numbers from 1. */
struct listing_page {
	size_t page;      /* the page shown, clamped to 1..pages */
	size_t pages;     /* at least 1, even for an empty listing */
	size_t first;     /* index of the first row shown */
	size_t count;     /* rows shown */
};

/* Work out which rows page `page` (from 1; 0 or too large are clamped) of
 * `per_page` rows (0 means all on one page) shows out of `total`. */
struct listing_page listing_paginate(size_t total, size_t page, size_t per_page);

#endif
