/* dircache: listing pages kept while their directory stays as it was
 * (see dircache.h). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "dircache.h"

/* Filesystems whose every change goes through this kernel, so inotify
 * hears of it (linux/magic.h values). */
static const unsigned long dircache_local_fs[] = {
	0xEF53,     /* ext2, ext3, ext4 */
	0x58465342, /* xfs */
	0x9123683E, /* btrfs */
	0x01021994, /* tmpfs */
	0xF2F52010, /* f2fs */
};

/* What inotify is asked to report of a watched directory: anything that
 * changes its entries or what a row shows of one. */
#define DIRCACHE_EVENTS                                                              \
	(IN_ATTRIB | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |  \
	 IN_DELETE_SELF | IN_ONLYDIR)

/* One watch slot more than items: a page being rendered may watch a
 * directory no kept page shows. */
#define DIRCACHE_WATCHES (DIRCACHE_ITEMS + 1)

/* A watched directory and the serial of the last event it had. */
struct dircache_watch {
	int wd; /* -1 when free */
	unsigned long long last_event;
};

static struct {
	int fd;                      /* inotify, -1 until opened */
	int enabled;                 /* -1 until read from the environment */
	bool broken;                 /* inotify unavailable: cache nothing */
	unsigned long long serial;   /* events read so far */
	unsigned long long clock;    /* uses so far, for eviction */
	struct dircache_item items[DIRCACHE_ITEMS];
	struct dircache_watch watches[DIRCACHE_WATCHES];
} dircache = {.fd = -1, .enabled = -1};

/* Milliseconds of CLOCK_MONOTONIC. */
static long long dircache_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether caching is on, reading FILEPANEL_LISTING_CACHE the first time. */
static bool dircache_on(void)
{
	if (dircache.enabled < 0) {
		const char *v = getenv("FILEPANEL_LISTING_CACHE");

		dircache.enabled = !(v != NULL && strcmp(v, "0") == 0);
	}
	return dircache.enabled && !dircache.broken;
}

/* Turn caching on or off. */
void dircache_enable(bool on)
{
	dircache.enabled = on;
	if (!on)
		dircache_reset();
}

/* Free an item's copies and mark it free. */
static void dircache_item_free(struct dircache_item *it)
{
	for (size_t i = 0; i < it->check_count; i++) {
		free(it->checks[i].name);
		free(it->checks[i].target);
		free(it->checks[i].dest_rel);
	}
	free(it->checks);
	free(it->key);
	free(it->html);
	memset(it, 0, sizeof *it);
	it->wd = -1;
}

/* Forget every item of watch wd (every item when wd is -1). */
static void dircache_forget(int wd)
{
	for (size_t i = 0; i < DIRCACHE_ITEMS; i++) {
		struct dircache_item *it = &dircache.items[i];

		if (it->key != NULL && (wd == -1 || it->wd == wd))
			dircache_item_free(it);
	}
}

/* The slot of watch wd, or NULL. */
static struct dircache_watch *dircache_watch_of(int wd)
{
	for (size_t i = 0; i < DIRCACHE_WATCHES; i++) {
		if (dircache.watches[i].wd == wd && wd >= 0)
			return &dircache.watches[i];
	}
	return NULL;
}

/* Open inotify the first time; false when it cannot be (then nothing is
 * ever cached). */
static bool dircache_open(void)
{
	if (dircache.fd >= 0)
		return true;
	dircache.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (dircache.fd < 0) {
		dircache.broken = true;
		return false;
	}
	for (size_t i = 0; i < DIRCACHE_WATCHES; i++)
		dircache.watches[i].wd = -1;
	for (size_t i = 0; i < DIRCACHE_ITEMS; i++)
		dircache.items[i].wd = -1;
	return true;
}

/* Act on one event: its directory's pages go; an overflow (events lost)
 * forgets everything; a watch the kernel dropped frees its slot. */
static void dircache_event(const struct inotify_event *ev)
{
	struct dircache_watch *w;

	dircache.serial++;
	if (ev->mask & IN_Q_OVERFLOW) {
		dircache_forget(-1);
		for (size_t i = 0; i < DIRCACHE_WATCHES; i++)
			dircache.watches[i].last_event = dircache.serial;
		return;
	}
	dircache_forget(ev->wd);
	w = dircache_watch_of(ev->wd);
	if (w == NULL)
		return;
	w->last_event = dircache.serial;
	if (ev->mask & IN_IGNORED)
		w->wd = -1;
}

/* Read every event waiting. A read error other than "nothing waiting"
 * forgets everything, since events may have been missed. */
static void dircache_poll(void)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		ssize_t n = read(dircache.fd, buf, sizeof buf);

		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR) {
				struct inotify_event lost = {.wd = -1, .mask = IN_Q_OVERFLOW};

				dircache_event(&lost);
			}
			if (n < 0 && errno == EINTR)
				continue;
			return;
		}
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			dircache_event(ev);
			p += sizeof *ev + ev->len;
		}
	}
}

/* The device and inode of an open directory; false when it is none. */
static bool dircache_identify(int dirfd, dev_t *dev, ino_t *ino)
{
	struct stat st;

	if (fstat(dirfd, &st) != 0 || !S_ISDIR(st.st_mode))
		return false;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return true;
}

/* Whether an open directory lies on a local filesystem. Only pages of
 * those are kept, so a page found by device and inode is on one too. */
static bool dircache_is_local(int dirfd)
{
	struct statfs fs;

	if (fstatfs(dirfd, &fs) != 0)
		return false;
	for (size_t i = 0; i < sizeof dircache_local_fs / sizeof dircache_local_fs[0]; i++) {
		if ((unsigned long)fs.f_type == dircache_local_fs[i])
			return true;
	}
	return false;
}

/* Find a valid page of dirfd with this key. */
const struct dircache_item *dircache_find(int dirfd, const char *key)
{
	long long now;
	dev_t dev;
	ino_t ino;

	if (!dircache_on() || !dircache_open())
		return NULL;
	dircache_poll();
	if (!dircache_identify(dirfd, &dev, &ino))
		return NULL;
	now = dircache_now_ms();
	for (size_t i = 0; i < DIRCACHE_ITEMS; i++) {
		struct dircache_item *it = &dircache.items[i];

		if (it->key == NULL || it->dev != dev || it->ino != ino ||
		    strcmp(it->key, key) != 0)
			continue;
		if (now - it->born_ms >= DIRCACHE_MAX_AGE_MS || now < it->born_ms) {
			dircache_item_free(it);
			return NULL;
		}
		it->used = ++dircache.clock;
		return it;
	}
	return NULL;
}

/* Whether any kept page uses watch wd. */
static bool dircache_watch_used(int wd)
{
	for (size_t i = 0; i < DIRCACHE_ITEMS; i++) {
		if (dircache.items[i].key != NULL && dircache.items[i].wd == wd)
			return true;
	}
	return false;
}

/* A slot for watch wd: its own, a free one, or one no kept page uses
 * (that watch is removed). NULL when every slot is in use. */
static struct dircache_watch *dircache_watch_slot(int wd)
{
	struct dircache_watch *w = dircache_watch_of(wd);

	if (w != NULL)
		return w;
	for (size_t i = 0; i < DIRCACHE_WATCHES; i++) {
		if (dircache.watches[i].wd < 0)
			w = &dircache.watches[i];
	}
	for (size_t i = 0; w == NULL && i < DIRCACHE_WATCHES; i++) {
		if (!dircache_watch_used(dircache.watches[i].wd)) {
			w = &dircache.watches[i];
			inotify_rm_watch(dircache.fd, w->wd);
		}
	}
	if (w != NULL) {
		w->wd = wd;
		w->last_event = 0;
	}
	return w;
}

/* Watch a directory before it is read. */
void dircache_begin(int dirfd, struct dircache_ticket *t)
{
	char proc[64];
	int wd;

	memset(t, 0, sizeof *t);
	t->wd = -1;
	if (!dircache_on() || !dircache_open() || !dircache_is_local(dirfd) ||
	    !dircache_identify(dirfd, &t->dev, &t->ino))
		return;
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", dirfd);
	wd = inotify_add_watch(dircache.fd, proc, DIRCACHE_EVENTS);
	if (wd < 0 || dircache_watch_slot(wd) == NULL)
		return;
	t->wd = wd;
	t->serial = dircache.serial;
	t->ok = true;
}

/* The bytes of html the kept pages hold. */
static size_t dircache_bytes(void)
{
	size_t sum = 0;

	for (size_t i = 0; i < DIRCACHE_ITEMS; i++)
		sum += dircache.items[i].html_len;
	return sum;
}

/* The item to fill with a page of len bytes: the least recently used ones
 * go until the pages fit in DIRCACHE_TOTAL_MAX_BYTES and a slot is free. */
static struct dircache_item *dircache_item_slot(size_t len)
{
	for (;;) {
		struct dircache_item *free_slot = NULL, *oldest = NULL;

		for (size_t i = 0; i < DIRCACHE_ITEMS; i++) {
			struct dircache_item *it = &dircache.items[i];

			if (it->key == NULL)
				free_slot = it;
			else if (oldest == NULL || it->used < oldest->used)
				oldest = it;
		}
		if (free_slot != NULL && dircache_bytes() + len <= DIRCACHE_TOTAL_MAX_BYTES)
			return free_slot;
		dircache_item_free(oldest);
	}
}

/* Copy a string of len bytes (NULL stays NULL); false when out of
 * memory. */
static bool dircache_copy(char **dst, const char *src, size_t len)
{
	*dst = NULL;
	if (src == NULL)
		return true;
	*dst = malloc(len + 1);
	if (*dst == NULL)
		return false;
	memcpy(*dst, src, len);
	(*dst)[len] = '\0';
	return true;
}

/* Copy the checks into an item; false when out of memory. */
static bool dircache_copy_checks(struct dircache_item *it, const struct listing_entry *checks,
				 size_t count)
{
	if (count == 0)
		return true;
	it->checks = calloc(count, sizeof *it->checks);
	if (it->checks == NULL)
		return false;
	it->check_count = count;
	for (size_t i = 0; i < count; i++) {
		const struct listing_entry *c = &checks[i];
		struct listing_entry *d = &it->checks[i];

		*d = *c;
		d->name = d->target = d->dest_rel = NULL;
		if (!dircache_copy(&d->name, c->name, c->name_len) ||
		    !dircache_copy(&d->target, c->target, c->target_len) ||
		    !dircache_copy(&d->dest_rel, c->dest_rel,
				   c->dest_rel != NULL ? strlen(c->dest_rel) : 0))
			return false;
	}
	return true;
}

/* Keep a page unless its directory changed while it was rendered. */
bool dircache_keep(const struct dircache_ticket *t, const char *key, const char *html,
		   size_t html_len, const struct listing_entry *checks, size_t check_count,
		   size_t total, const struct listing_page *page)
{
	struct dircache_watch *w;
	struct dircache_item *it;

	if (!t->ok || !dircache_on() || html_len > DIRCACHE_ITEM_MAX_BYTES)
		return false;
	dircache_poll();
	w = dircache_watch_of(t->wd);
	if (w == NULL || w->last_event > t->serial)
		return false;
	it = dircache_item_slot(html_len);
	if (!dircache_copy(&it->key, key, strlen(key)) ||
	    !dircache_copy(&it->html, html, html_len) ||
	    !dircache_copy_checks(it, checks, check_count)) {
		dircache_item_free(it);
		return false;
	}
	it->html_len = html_len;
	it->total = total;
	it->page = *page;
	it->dev = t->dev;
	it->ino = t->ino;
	it->wd = t->wd;
	it->born_ms = dircache_now_ms();
	it->used = ++dircache.clock;
	return true;
}

/* Forget everything and close inotify. */
void dircache_reset(void)
{
	for (size_t i = 0; i < DIRCACHE_ITEMS; i++) {
		if (dircache.items[i].key != NULL)
			dircache_item_free(&dircache.items[i]);
		dircache.items[i].wd = -1;
	}
	if (dircache.fd >= 0)
		close(dircache.fd);
	dircache.fd = -1;
	dircache.broken = false;
	for (size_t i = 0; i < DIRCACHE_WATCHES; i++)
		dircache.watches[i].wd = -1;
}
