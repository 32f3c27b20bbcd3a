/* check_dircache: kept listing pages go as soon as their directory changes
 * in any way a row shows, or when they grow old; only what was rendered
 * from an unchanged, local directory is kept. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "dircache.h"
#include "testutil.h"

static char *base;
static int dirfd_base = -1;
static const struct listing_page one_page = {.page = 1, .pages = 1, .first = 0, .count = 1};

/* A path below the scratch directory. */
static const char *at(const char *rel)
{
	return tu_fmt("%s/%s", base, rel);
}

/* Open a directory the way fs_open_dir does (O_PATH). */
static int open_dir(const char *path)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	return fd;
}

static void setup(void)
{
	base = tu_mkdtemp("dircache");
	tu_write_file(at("file.txt"), "hello\n");
	tu_write_file(at("other.txt"), "other\n");
	ck_assert_int_eq(mkdir(at("sub"), 0755), 0);
	dirfd_base = open_dir(base);
	dircache_enable(true);
}

static void teardown(void)
{
	dircache_reset();
	close(dirfd_base);
	tu_rm_rf(base);
	free(base);
}

/* Keep a page "html" of the scratch directory under key; it must be kept. */
static void keep_page(const char *key, const char *html)
{
	struct dircache_ticket t;

	dircache_begin(dirfd_base, &t);
	ck_assert(t.ok);
	ck_assert(dircache_keep(&t, key, html, strlen(html), NULL, 0, 1, &one_page));
}

START_TEST(test_found_by_key_and_directory)
{
	const struct dircache_item *it;
	int sub = open_dir(at("sub"));

	keep_page("page one", "<tr>one</tr>");
	it = dircache_find(dirfd_base, "page one");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq((int)it->html_len, 12);
	ck_assert_int_eq(memcmp(it->html, "<tr>one</tr>", 12), 0);
	ck_assert_int_eq((int)it->total, 1);
	ck_assert_ptr_null(dircache_find(dirfd_base, "page two"));
	/* the same key of another directory is another page */
	ck_assert_ptr_null(dircache_find(sub, "page one"));
	/* and it is found again, unchanged */
	ck_assert_ptr_nonnull(dircache_find(dirfd_base, "page one"));
	close(sub);
}
END_TEST

/* The changes a listing row shows, each made by a shell command in the
 * scratch directory. */
static const char *const changes[] = {
	"touch new.txt",                    /* an entry created */
	"rm file.txt",                      /* deleted */
	"mv file.txt renamed.txt",          /* renamed */
	"mv sub/../other.txt sub/moved",    /* moved out */
	"echo more >> file.txt",            /* written to: size and date */
	"truncate -s 0 file.txt",           /* truncated */
	"chmod 600 file.txt",               /* permissions */
	"touch -d 2001-02-03 file.txt",     /* date */
	"mkdir newdir",                     /* a subdirectory */
	"ln -s file.txt link",              /* a link */
	"chmod 700 .",                      /* the directory itself */
};

START_TEST(test_every_change_forgets)
{
	const char *cmd = changes[_i];
	int status = -1;

	keep_page("k", "rows");
	ck_assert_ptr_nonnull(dircache_find(dirfd_base, "k"));
	free(tu_run(tu_fmt("cd '%s' && %s", base, cmd), &status));
	ck_assert_msg(status == 0, "%s failed", cmd);
	ck_assert_msg(dircache_find(dirfd_base, "k") == NULL, "still kept after: %s", cmd);
}
END_TEST

START_TEST(test_change_while_rendering_is_not_kept)
{
	struct dircache_ticket t;

	dircache_begin(dirfd_base, &t);
	ck_assert(t.ok);
	tu_write_file(at("file.txt"), "changed while the page was drawn\n");
	ck_assert(!dircache_keep(&t, "k", "rows", 4, NULL, 0, 1, &one_page));
	ck_assert_ptr_null(dircache_find(dirfd_base, "k"));
}
END_TEST

START_TEST(test_change_elsewhere_keeps)
{
	int status = -1;

	keep_page("k", "rows");
	free(tu_run(tu_fmt("touch '%s'", at("sub/inside.txt")), &status));
	ck_assert_int_eq(status, 0);
	/* sub's own entries are not rows of this page (its row is a check) */
	ck_assert_ptr_nonnull(dircache_find(dirfd_base, "k"));
}
END_TEST

START_TEST(test_old_pages_go)
{
	keep_page("k", "rows");
	usleep((DIRCACHE_MAX_AGE_MS + 50) * 1000);
	ck_assert_ptr_null(dircache_find(dirfd_base, "k"));
}
END_TEST

START_TEST(test_checks_are_copied)
{
	struct dircache_ticket t;
	struct listing_entry row = {0};
	char name[] = "sub", target[] = "../x", dest[] = "x";
	const struct dircache_item *it;

	row.name = name;
	row.name_len = 3;
	row.type = LISTING_TYPE_LINK;
	row.stated = true;
	row.target = target;
	row.target_len = 4;
	row.dest_rel = dest;
	dircache_begin(dirfd_base, &t);
	ck_assert(dircache_keep(&t, "k", "rows", 4, &row, 1, 1, &one_page));
	memset(name, 'X', 3);
	memset(target, 'X', 4);
	dest[0] = 'X';
	it = dircache_find(dirfd_base, "k");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq((int)it->check_count, 1);
	ck_assert_str_eq(it->checks[0].name, "sub");
	ck_assert_str_eq(it->checks[0].target, "../x");
	ck_assert_str_eq(it->checks[0].dest_rel, "x");
	ck_assert(listing_entry_looks_same(&it->checks[0], &it->checks[0]));
}
END_TEST

START_TEST(test_least_recently_used_goes)
{
	char key[32];

	keep_page("first", "rows");
	for (int i = 0; i < DIRCACHE_ITEMS - 1; i++) {
		snprintf(key, sizeof key, "page %d", i);
		keep_page(key, "rows");
	}
	/* all fit; using "first" makes "page 0" the oldest */
	ck_assert_ptr_nonnull(dircache_find(dirfd_base, "first"));
	keep_page("one more", "rows");
	ck_assert_ptr_null(dircache_find(dirfd_base, "page 0"));
	ck_assert_ptr_nonnull(dircache_find(dirfd_base, "first"));
	ck_assert_ptr_nonnull(dircache_find(dirfd_base, "one more"));
}
END_TEST

START_TEST(test_total_bytes_bounded)
{
	struct dircache_ticket t;
	size_t size = DIRCACHE_ITEM_MAX_BYTES, pages = DIRCACHE_TOTAL_MAX_BYTES / size + 1;
	char *html = malloc(size), key[32];

	ck_assert_ptr_nonnull(html);
	memset(html, 'x', size);
	for (size_t i = 0; i < pages; i++) {
		snprintf(key, sizeof key, "big %zu", i);
		dircache_begin(dirfd_base, &t);
		ck_assert(dircache_keep(&t, key, html, size, NULL, 0, 1, &one_page));
	}
	/* the oldest went to make room; the newest are all there */
	ck_assert_ptr_null(dircache_find(dirfd_base, "big 0"));
	for (size_t i = 1; i < pages; i++) {
		snprintf(key, sizeof key, "big %zu", i);
		ck_assert_ptr_nonnull(dircache_find(dirfd_base, key));
	}
	free(html);
}
END_TEST

START_TEST(test_refusals)
{
	struct dircache_ticket t;
	char *big = calloc(DIRCACHE_ITEM_MAX_BYTES + 1, 1);
	int proc = open_dir("/proc");

	ck_assert_ptr_nonnull(big);
	/* too large */
	dircache_begin(dirfd_base, &t);
	ck_assert(!dircache_keep(&t, "big", big, DIRCACHE_ITEM_MAX_BYTES + 1, NULL, 0, 1,
				 &one_page));
	ck_assert_ptr_null(dircache_find(dirfd_base, "big"));
	free(big);
	/* not a filesystem whose changes this kernel sees through inotify */
	dircache_begin(proc, &t);
	ck_assert(!t.ok);
	ck_assert(!dircache_keep(&t, "proc", "rows", 4, NULL, 0, 1, &one_page));
	close(proc);
	/* turned off */
	keep_page("k", "rows");
	dircache_enable(false);
	ck_assert_ptr_null(dircache_find(dirfd_base, "k"));
	dircache_begin(dirfd_base, &t);
	ck_assert(!t.ok);
}
END_TEST

START_TEST(test_looks_same)
{
	struct listing_entry a = {0}, b;
	char ta[] = "t", tb[] = "u";

	a.name = "f";
	a.stated = true;
	a.type = LISTING_TYPE_FILE;
	a.mode = S_IFREG | 0644;
	a.size = 10;
	a.mtime = 1000;
	b = a;
	ck_assert(listing_entry_looks_same(&a, &b));
	b.size = 11;
	ck_assert(!listing_entry_looks_same(&a, &b));
	b = a;
	b.mode = S_IFREG | 0600;
	ck_assert(!listing_entry_looks_same(&a, &b));
	b = a;
	b.mtime = 1001;
	ck_assert(!listing_entry_looks_same(&a, &b));
	b = a;
	b.stated = false;
	ck_assert(!listing_entry_looks_same(&a, &b));
	a.type = LISTING_TYPE_LINK;
	a.target = ta;
	a.target_len = 1;
	a.link_state = LISTING_LINK_OK;
	a.dest_root = 0;
	a.dest_rel = "x";
	b = a;
	ck_assert(listing_entry_looks_same(&a, &b));
	b.target = tb;
	ck_assert(!listing_entry_looks_same(&a, &b));
	b = a;
	b.link_state = LISTING_LINK_DANGLING;
	ck_assert(!listing_entry_looks_same(&a, &b));
	b = a;
	b.dest_rel = "y";
	ck_assert(!listing_entry_looks_same(&a, &b));
	b = a;
	b.dest_rel = NULL;
	ck_assert(!listing_entry_looks_same(&a, &b));
	b = a;
	b.dest_root = 1;
	ck_assert(!listing_entry_looks_same(&a, &b));
}
END_TEST

static Suite *dircache_suite(void)
{
	Suite *s = suite_create("dircache");
	TCase *tc = tcase_create("dircache");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_found_by_key_and_directory);
	tcase_add_loop_test(tc, test_every_change_forgets, 0,
			    (int)(sizeof changes / sizeof changes[0]));
	tcase_add_test(tc, test_change_while_rendering_is_not_kept);
	tcase_add_test(tc, test_change_elsewhere_keeps);
	tcase_add_test(tc, test_old_pages_go);
	tcase_add_test(tc, test_checks_are_copied);
	tcase_add_test(tc, test_least_recently_used_goes);
	tcase_add_test(tc, test_total_bytes_bounded);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_looks_same);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(dircache_suite());
}
