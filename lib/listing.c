/* listing: mode strings, sizes, dates, sorting and paging of entries. */
#include "config.h"

#include <stdint.h>
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

/* Where listing_size_string and listing_date_string build their text
 * before copying what fits: plain appends, no printf on the hot path. */
struct listing_text {
	char buf[64];
	size_t len;
};

/* Append a NUL-terminated string. */
static void listing_text_str(struct listing_text *t, const char *s)
{
	while (*s != '\0' && t->len < sizeof t->buf - 1)
		t->buf[t->len++] = *s++;
}

/* Append an unsigned number in decimal, at least width digits. */
static void listing_text_uint(struct listing_text *t, unsigned long long v, int width)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 || n < width);
	while (n > 0 && t->len < sizeof t->buf - 1)
		t->buf[t->len++] = digits[--n];
}

/* Copy the text to out, truncated to outsize and terminated (nothing
 * when outsize is 0), as snprintf would. */
static void listing_text_copy(const struct listing_text *t, char *out, size_t outsize)
{
	size_t n;

	if (outsize == 0)
		return;
	n = t->len < outsize - 1 ? t->len : outsize - 1;
	memcpy(out, t->buf, n);
	out[n] = '\0';
}

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
	struct listing_text t = {.len = 0};
	uint64_t v, div, q, r, tenths, whole;
	size_t u;

	if (size < 1024) {
		if (size < 0)
			size = 0;
		listing_text_uint(&t, (unsigned long long)size, 1);
		listing_text_str(&t, size == 1 ? " byte" : " bytes");
		listing_text_copy(&t, out, outsize);
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
			listing_text_uint(&t, tenths / 10, 1);
			if (tenths % 10 != 0) {
				listing_text_str(&t, ".");
				listing_text_uint(&t, tenths % 10, 1);
			}
			break;
		}
		whole = q + (r >= div - r ? 1 : 0);
		if (whole < 1024 || u + 1 == LISTING_ARRAY_LEN(units)) {
			listing_text_uint(&t, whole, 1);
			break;
		}
	}
	listing_text_str(&t, " ");
	listing_text_str(&t, units[u]);
	listing_text_copy(&t, out, outsize);
}

/* Date as "Nov 25, 2026 00:48" in UTC with English month names whatever
 * the locale; "?" when the time cannot be broken down. */
void listing_date_string(time_t t, char *out, size_t outsize)
{
	static const char months[12][4] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	struct listing_text text = {.len = 0};
	long long year;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_mon < 0 || tm.tm_mon > 11) {
		listing_text_str(&text, "?");
		listing_text_copy(&text, out, outsize);
		return;
	}
	year = (long long)tm.tm_year + 1900;
	listing_text_str(&text, months[tm.tm_mon]);
	listing_text_str(&text, " ");
	listing_text_uint(&text, (unsigned long long)tm.tm_mday, 1);
	listing_text_str(&text, year < 0 ? ", -" : ", ");
	listing_text_uint(&text, (unsigned long long)(year < 0 ? -year : year), 1);
	listing_text_str(&text, " ");
	listing_text_uint(&text, (unsigned long long)tm.tm_hour, 2);
	listing_text_str(&text, ":");
	listing_text_uint(&text, (unsigned long long)tm.tm_min, 2);
	listing_text_copy(&text, out, outsize);
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

/* The order of two entries: directories first, then the key, then the
 * name; descending reverses key and name but never the directories-first
 * rule. Names in one directory are unique, so this is a total order and
 * the result does not depend on qsort's algorithm. */
static int listing_cmp(const struct listing_entry *a, const struct listing_entry *b,
		       const struct listing_sort_ctx *ctx)
{
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

/* qsort_r comparator over entries. */
static int listing_cmp_entry(const void *pa, const void *pb, void *arg)
{
	return listing_cmp(pa, pb, arg);
}

/* What the sort moves: an entry's name and where the entry is, so that
 * sorting by name reads the names (one arena) and never the entries. */
struct listing_key {
	const char *name;
	uint32_t len;   /* a name is at most NAME_MAX bytes */
	uint32_t index; /* the entry's place before the sort */
};

/* What the comparator of keys needs: the entries and the order. */
struct listing_key_ctx {
	const struct listing_entry *entries;
	struct listing_sort_ctx sort;
};

/* qsort_r comparator over keys, by the entries' fields. */
static int listing_cmp_key(const void *pa, const void *pb, void *arg)
{
	const struct listing_key *a = pa, *b = pb;
	const struct listing_key_ctx *ctx = arg;

	return listing_cmp(&ctx->entries[a->index], &ctx->entries[b->index], &ctx->sort);
}

/* Move entries into the order given by keys[] (keys[k].index is the
 * place of the entry that belongs at k), each entry once, following the
 * permutation's cycles; keys[] is used up. */
static void listing_permute(struct listing_entry *entries, size_t count,
			    struct listing_key *keys)
{
	for (size_t k = 0; k < count; k++) {
		struct listing_entry held;
		size_t j = k;

		if (keys[k].index == k)
			continue;
		held = entries[k];
		for (;;) {
			size_t from = keys[j].index;

			keys[j].index = (uint32_t)j;
			if (from == k) {
				entries[j] = held;
				break;
			}
			entries[j] = entries[from];
			j = from;
		}
	}
}

/* The byte of a name at depth d, plus one; 0 past its end (so a name
 * sorts before every longer name it begins). */
static int listing_byte(const struct listing_key *k, size_t d)
{
	return d < k->len ? (unsigned char)k->name[d] + 1 : 0;
}

/* Swap two keys. */
static void listing_swap(struct listing_key *a, struct listing_key *b)
{
	struct listing_key t = *a;

	*a = *b;
	*b = t;
}

/* Sort a few keys by name, all sharing the first d bytes. */
static void listing_insertion_sort(struct listing_key *v, size_t n, size_t d)
{
	for (size_t i = 1; i < n; i++) {
		for (size_t j = i; j > 0; j--) {
			const struct listing_key *a = &v[j - 1], *b = &v[j];
			size_t m = a->len < b->len ? a->len : b->len;
			int c = m > d ? memcmp(a->name + d, b->name + d, m - d) : 0;

			if (c < 0 || (c == 0 && a->len <= b->len))
				break;
			listing_swap(&v[j - 1], &v[j]);
		}
	}
}

/* The median of the bytes at depth d of three keys: the pivot. */
static int listing_pivot(const struct listing_key *v, size_t n, size_t d)
{
	int a = listing_byte(&v[0], d), b = listing_byte(&v[n / 2], d);
	int c = listing_byte(&v[n - 1], d);

	if (a < b)
		return b < c ? b : a < c ? c : a;
	return a < c ? a : b < c ? c : b;
}

/* Sort keys by name (bytewise), all sharing the first d bytes: a multikey
 * quicksort (Bentley and Sedgewick), which looks at each byte of a shared
 * prefix once per level instead of once per comparison. Recurses on the
 * smaller parts and loops on the rest, so the stack stays shallow. */
static void listing_name_sort(struct listing_key *v, size_t n, size_t d)
{
	while (n > 12) {
		int pivot = listing_pivot(v, n, d);
		size_t lt = 0, i = 0, gt = n;

		/* [0, lt) below the pivot, [lt, i) equal, [gt, n) above */
		while (i < gt) {
			int b = listing_byte(&v[i], d);

			if (b < pivot)
				listing_swap(&v[lt++], &v[i++]);
			else if (b > pivot)
				listing_swap(&v[i], &v[--gt]);
			else
				i++;
		}
		listing_name_sort(v, lt, d);
		listing_name_sort(v + gt, n - gt, d);
		if (pivot == 0)
			return; /* names that all ended here: at most one */
		v += lt;
		n = gt - lt;
		d++;
	}
	listing_insertion_sort(v, n, d);
}

/* Reverse an array of keys. */
static void listing_reverse(struct listing_key *v, size_t n)
{
	for (size_t i = 0; i + 1 < n - i; i++)
		listing_swap(&v[i], &v[n - 1 - i]);
}

/* Order keys by name, directories first: directories to the front, then
 * each group sorted (and reversed for descending: directories stay
 * first). */
static void listing_order_by_name(const struct listing_entry *entries, struct listing_key *keys,
				  size_t count, bool descending)
{
	size_t dirs = 0;

	for (size_t k = 0; k < count; k++) {
		if (entries[keys[k].index].type == LISTING_TYPE_DIR)
			listing_swap(&keys[dirs++], &keys[k]);
	}
	listing_name_sort(keys, dirs, 0);
	listing_name_sort(keys + dirs, count - dirs, 0);
	if (descending) {
		listing_reverse(keys, dirs);
		listing_reverse(keys + dirs, count - dirs);
	}
}

/* Sort entries in place; see listing.h. The sort moves small keys, not
 * the entries (large structs), which then move once each; when the keys
 * cannot be allocated, the entries are sorted directly. By name, the
 * common case, a string sort; by size or date, qsort with the comparator. */
void listing_sort(struct listing_entry *entries, size_t count,
		  listing_sort_key key, bool descending)
{
	struct listing_key_ctx ctx = {entries, {.key = key, .descending = descending}};
	struct listing_key *keys = NULL;

	if (entries == NULL || count < 2)
		return;
	if (count <= UINT32_MAX)
		keys = malloc(count * sizeof *keys);
	if (keys == NULL) {
		qsort_r(entries, count, sizeof *entries, listing_cmp_entry, &ctx.sort);
		return;
	}
	for (size_t k = 0; k < count; k++)
		keys[k] = (struct listing_key){entries[k].name, (uint32_t)entries[k].name_len,
					       (uint32_t)k};
	if (key == LISTING_SORT_NAME)
		listing_order_by_name(entries, keys, count, descending);
	else
		qsort_r(keys, count, sizeof *keys, listing_cmp_key, &ctx);
	listing_permute(entries, count, keys);
	free(keys);
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

/* Two optional strings are equal (NULL only equals NULL). */
static bool listing_same_text(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* Compare what a listing row shows of two entries. */
bool listing_entry_looks_same(const struct listing_entry *a, const struct listing_entry *b)
{
	if (!a->stated || !b->stated || a->type != b->type || a->mode != b->mode ||
	    a->size != b->size || a->mtime != b->mtime)
		return false;
	if (a->type != LISTING_TYPE_LINK)
		return true;
	return a->target_len == b->target_len &&
	       (a->target_len == 0 || memcmp(a->target, b->target, a->target_len) == 0) &&
	       a->link_state == b->link_state && a->dest_root == b->dest_root &&
	       a->dest_type == b->dest_type && listing_same_text(a->dest_rel, b->dest_rel);
}
