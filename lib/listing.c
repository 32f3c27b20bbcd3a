/* listing: mode strings, sizes, dates, sorting and paging of entries. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "listing.h"

/* The `ls -l` letter of each listing_type, indexed by the enum. */
static const char listing_type_chars[] = {
	[LISTING_TYPE_UNKNOWN] = '?',
	[LISTING_TYPE_FILE] = '-',
	[LISTING_TYPE_DIR] = 'd',
	[LISTING_TYPE_LINK] = 'l',
	[LISTING_TYPE_FIFO] = 'p',
	[LISTING_TYPE_SOCKET] = 's',
	[LISTING_TYPE_CHAR] = 'c',
	[LISTING_TYPE_BLOCK] = 'b',
};

/* The name of each sort key, indexed by the enum. */
static const char *const listing_sort_key_names[] = {
	[LISTING_SORT_NAME] = "name",
	[LISTING_SORT_SIZE] = "size",
	[LISTING_SORT_DATE] = "date",
};

#define LISTING_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The one-letter type `ls -l` prints; '?' for anything unknown. */
char listing_type_char(listing_type t)
{
	if ((unsigned)t >= LISTING_ARRAY_LEN(listing_type_chars))
		return '?';
	return listing_type_chars[t];
}

/* Map st_mode's type bits to a listing_type (UNKNOWN when none match). */
listing_type listing_type_from_mode(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return LISTING_TYPE_FILE;
	case S_IFDIR:
		return LISTING_TYPE_DIR;
	case S_IFLNK:
		return LISTING_TYPE_LINK;
	case S_IFIFO:
		return LISTING_TYPE_FIFO;
	case S_IFSOCK:
		return LISTING_TYPE_SOCKET;
	case S_IFCHR:
		return LISTING_TYPE_CHAR;
	case S_IFBLK:
		return LISTING_TYPE_BLOCK;
	default:
		return LISTING_TYPE_UNKNOWN;
	}
}

/* Write one "rwx" triplet: r and w plainly, and in the x slot the execute
 * bit combined with its special bit the way `ls` shows it (special with x
 * gives the lowercase letter, special without x the uppercase one). */
static void listing_triplet(mode_t mode, mode_t r, mode_t w, mode_t x,
			    mode_t special, char letter, char *out)
{
	out[0] = (mode & r) ? 'r' : '-';
	out[1] = (mode & w) ? 'w' : '-';
	if (mode & special)
		out[2] = (mode & x) ? letter : (char)(letter - 'a' + 'A');
	else
		out[2] = (mode & x) ? 'x' : '-';
}

/* Write the 10-character `ls -l` mode string of mode into out[11]. */
void listing_mode_string(mode_t mode, char out[11])
{
	out[0] = listing_type_char(listing_type_from_mode(mode));
	listing_triplet(mode, S_IRUSR, S_IWUSR, S_IXUSR, S_ISUID, 's', out + 1);
	listing_triplet(mode, S_IRGRP, S_IWGRP, S_IXGRP, S_ISGID, 's', out + 4);
	listing_triplet(mode, S_IROTH, S_IWOTH, S_IXOTH, S_ISVTX, 't', out + 7);
	out[10] = '\0';
}

/* Human-readable size: "N bytes" ("1 byte") below 1024, then KB..TB
 * (1024-based) rounded half up, with one decimal only below 10 and never a
 * ".0"; a value that rounds to 1024 moves to the next unit. Negative sizes
 * show as "0 bytes". out is truncated to outsize and always terminated. */
void listing_size_string(off_t size, char *out, size_t outsize)
{
	static const char *const units[] = {"KB", "MB", "GB", "TB"};
	uint64_t v, div, q, r, tenths, whole;
	size_t u;

	if (outsize == 0)
		return;
	if (size < 1024) {
		if (size < 0)
			size = 0;
		snprintf(out, outsize, "%lld %s", (long long)size,
			 size == 1 ? "byte" : "bytes");
		return;
	}
	v = (uint64_t)size;
	for (u = 0;; u++) {
		div = (uint64_t)1 << (10 * (u + 1));
		q = v / div;
		r = v % div;
		/* q < 2^54 and r < 2^40 here, so none of this overflows. */
		tenths = q * 10 + (r * 10 + div / 2) / div;
		if (tenths < 100) {
			if (tenths % 10 == 0)
				snprintf(out, outsize, "%llu %s",
					 (unsigned long long)(tenths / 10), units[u]);
			else
				snprintf(out, outsize, "%llu.%llu %s",
					 (unsigned long long)(tenths / 10),
					 (unsigned long long)(tenths % 10), units[u]);
			return;
		}
		whole = q + (r >= div - r ? 1 : 0);
		if (whole < 1024 || u + 1 == LISTING_ARRAY_LEN(units)) {
			snprintf(out, outsize, "%llu %s", (unsigned long long)whole, units[u]);
			return;
		}
	}
}

/* Date as "Nov 25, 2026 00:48" in UTC with English month names whatever
 * the locale; "?" when the time cannot be broken down. */
void listing_date_string(time_t t, char *out, size_t outsize)
{
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	struct tm tm;

	if (outsize == 0)
		return;
	if (gmtime_r(&t, &tm) == NULL || tm.tm_mon < 0 || tm.tm_mon > 11) {
		snprintf(out, outsize, "?");
		return;
	}
	snprintf(out, outsize, "%s %d, %lld %02d:%02d", months[tm.tm_mon], tm.tm_mday,
		 (long long)tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

/* Parse "name", "size" or "date"; anything else (or NULL) is name. */
listing_sort_key listing_sort_key_parse(const char *s)
{
	size_t k;

	if (s == NULL)
		return LISTING_SORT_NAME;
	for (k = 0; k < LISTING_ARRAY_LEN(listing_sort_key_names); k++)
		if (strcmp(s, listing_sort_key_names[k]) == 0)
			return (listing_sort_key)k;
	return LISTING_SORT_NAME;
}

/* The name of a sort key; "name" for an out-of-range value. */
const char *listing_sort_key_name(listing_sort_key k)
{
	if ((unsigned)k >= LISTING_ARRAY_LEN(listing_sort_key_names))
		return listing_sort_key_names[LISTING_SORT_NAME];
	return listing_sort_key_names[k];
}

/* What the comparator needs to know, passed through qsort_r. */
struct listing_sort_ctx {
	listing_sort_key key;
	bool descending;
};

/* -1, 0 or 1 as a is below, equal to or above b. */
static int listing_cmp_i64(long long a, long long b)
{
	return (a > b) - (a < b);
}

/* Bytewise name order; a name that is a prefix of another comes first. */
static int listing_cmp_name(const struct listing_entry *a, const struct listing_entry *b)
{
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c = memcmp(a->name, b->name, n);

	if (c != 0)
		return c < 0 ? -1 : 1;
	return listing_cmp_i64((long long)a->name_len, (long long)b->name_len);
}

/* qsort_r comparator: directories first, then the key, then the name;
 * descending reverses key and name but never the directories-first rule.
 * Names in one directory are unique, so this is a total order and the
 * result does not depend on qsort's algorithm. */
static int listing_cmp(const void *pa, const void *pb, void *arg)
{
	const struct listing_entry *a = pa, *b = pb;
	const struct listing_sort_ctx *ctx = arg;
	bool da = a->type == LISTING_TYPE_DIR, db = b->type == LISTING_TYPE_DIR;
	int c = 0;

	if (da != db)
		return da ? -1 : 1;
	if (ctx->key == LISTING_SORT_SIZE)
		c = listing_cmp_i64(a->stated ? (long long)a->size : 0,
				    b->stated ? (long long)b->size : 0);
	else if (ctx->key == LISTING_SORT_DATE)
		c = listing_cmp_i64(a->stated ? (long long)a->mtime : 0,
				    b->stated ? (long long)b->mtime : 0);
	if (c == 0)
		c = listing_cmp_name(a, b);
	return ctx->descending ? -c : c;
}

/* Sort entries in place; see listing.h. */
void listing_sort(struct listing_entry *entries, size_t count,
		  listing_sort_key key, bool descending)
{
	struct listing_sort_ctx ctx = {.key = key, .descending = descending};

	if (entries == NULL || count < 2)
		return;
	qsort_r(entries, count, sizeof(*entries), listing_cmp, &ctx);
}

/* Which rows a page shows. Never computes total + per_page or page *
 * per_page beyond what fits, so SIZE_MAX inputs are safe. */
struct listing_page listing_paginate(size_t total, size_t page, size_t per_page)
{
	struct listing_page p = {.page = 1, .pages = 1, .first = 0, .count = total};

	if (per_page == 0 || total == 0)
		return p;
	p.pages = total / per_page + (total % per_page != 0);
	p.page = page < 1 ? 1 : page > p.pages ? p.pages : page;
	p.first = (p.page - 1) * per_page;
	p.count = total - p.first < per_page ? total - p.first : per_page;
	return p;
}
