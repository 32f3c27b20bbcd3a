/* check_fs: the confined filesystem on a fixture tree made at test time,
 * run twice: with openat2 and with the forced O_NOFOLLOW walk. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fs.h"
#include "names.h"
#include "testutil.h"

/* The fixture: base/{home/{public_html,public_ftp,...},outside,other}. */
static char *base;
static char home[PATH_MAX], web[PATH_MAX], ftp[PATH_MAX], outside[PATH_MAX];
static struct fs_roots roots;
static char *canary_before;

/* Path below the fixture base. */
static const char *at(const char *rel)
{
	return tu_fmt("%s/%s", base, rel);
}

/* Make a symlink in the fixture, failing the test if it cannot. */
static void mk_link(const char *target, const char *rel)
{
	ck_assert_msg(symlink(target, at(rel)) == 0, "symlink %s: %s", rel, strerror(errno));
}

/* Make a directory in the fixture. */
static void mk_dir(const char *rel)
{
	ck_assert_msg(mkdir(at(rel), 0755) == 0, "mkdir %s: %s", rel, strerror(errno));
}

/* A fingerprint of everything outside the roots: every path, type, size
 * and content, so that a test can prove nothing there changed. */
static char *canary_snapshot(void)
{
	return tu_run(tu_fmt("cd '%s' && find outside other -printf '%%p %%y %%s %%l\\n' | sort"
			     " && cat outside/secret.txt other/wp-config.php | sha256sum", base),
		      NULL);
}

/* Every path of the whole fixture with its type and link target. */
static char *tree_snapshot(void)
{
	return tu_run(tu_fmt("cd '%s' && find . -printf '%%p %%y %%l\\n' | sort", base), NULL);
}

/* Check that a refused change left the whole tree as it was. */
static void expect_unchanged(const char *label, char *before)
{
	char *after = tree_snapshot();

	ck_assert_msg(strcmp(before, after) == 0, "case '%s' changed the tree", label);
	free(before);
	free(after);
}

/* Build the fixture tree and open the roots. */
static void fixture_build(void)
{
	int s;
	struct sockaddr_un sa;

	base = tu_mkdtemp("fs");
	snprintf(home, sizeof home, "%s/home", base);
	snprintf(web, sizeof web, "%s/home/public_html", base);
	snprintf(ftp, sizeof ftp, "%s/home/public_ftp", base);
	snprintf(outside, sizeof outside, "%s/outside", base);
	mk_dir("home");
	mk_dir("home/public_html");
	mk_dir("home/public_ftp");
	mk_dir("home/dir");
	mk_dir("home/dir/sub");
	mk_dir("home/locked");
	mk_dir("home/locked/inner");
	mk_dir("outside");
	mk_dir("other");
	tu_write_file(at("home/file.txt"), "hello\n");
	tu_write_file(at("home/dir/inner.txt"), "inner\n");
	tu_write_file(at("home/public_html/index.html"), "<h1>hi</h1>\n");
	tu_write_file(at("outside/secret.txt"), "secret\n");
	tu_write_file(at("other/wp-config.php"), "<?php define('DB_PASSWORD','x');\n");
	mk_link("dir", "home/rel_dir");
	mk_link(tu_fmt("%s/home/dir", base), "home/abs_dir");
	mk_link("file.txt", "home/to_file");
	mk_link("missing.txt", "home/dangling");
	mk_link("loop_b", "home/loop_a");
	mk_link("loop_a", "home/loop_b");
	mk_link("/etc", "home/out_abs");
	mk_link("../outside/secret.txt", "home/out_rel");
	mk_link(tu_fmt("%s/outside", base), "home/out_dir");
	mk_link("/proc/self/root", "home/out_proc");
	mk_link("public_html/index.html", "home/web_link");
	mk_link("../file.txt", "home/dir/up");
	mk_link("rel_dir/../file.txt", "home/through_link");
	mk_link("out_dir/../home/file.txt", "home/through_outside");
	/* a chain of 40 hops reaches file.txt; one of 41 is a loop */
	for (int i = 1; i <= 41; i++)
		mk_link(i == 41 ? "file.txt" : tu_fmt("c%d", i + 1), tu_fmt("home/c%d", i));
	ck_assert_int_eq(mkfifo(at("home/fifo"), 0644), 0);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	ck_assert_int_lt(strlen(at("home/sock")), sizeof sa.sun_path);
	strcpy(sa.sun_path, at("home/sock"));
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	close(s);
	canary_before = canary_snapshot();
	ck_assert_int_eq(fs_roots_open(&roots, home, web, ftp), ERR_OK);
}

/* Set up with openat2 (falling back only where the kernel lacks it). */
static void setup_openat2(void)
{
	fs_set_walk_mode(FS_WALK_AUTO);
	fixture_build();
}

/* Set up with the O_NOFOLLOW component walk forced. */
static void setup_fallback(void)
{
	fs_set_walk_mode(FS_WALK_FALLBACK);
	fixture_build();
}

/* Check that nothing outside the roots changed, then remove the fixture. */
static void teardown(void)
{
	char *after = canary_snapshot();

	ck_assert_msg(strcmp(canary_before, after) == 0, "outside the roots changed:\n%s\n---\n%s",
		      canary_before, after);
	free(after);
	free(canary_before);
	fs_roots_close(&roots);
	chmod(at("home/locked"), 0755);
	tu_rm_rf(base);
	free(base);
}

/* The content of a link in the fixture, or "" when it is not a link. */
static const char *link_text(const char *rel)
{
	static char buf[PATH_MAX];
	ssize_t n = readlink(at(rel), buf, sizeof buf - 1);

	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

/* Delete a link as the panel does, with a fresh private directory and no
 * expected identity. */
static err_t del(const char *dir, const char *name, size_t len)
{
	char aside[FS_ASIDE_NAME_MAX];

	fs_aside_name(aside);
	return fs_link_delete(&roots, FS_ROOT_HOME, dir, name, len, NULL, aside);
}

START_TEST(test_roots)
{
	struct fs_roots r;

	ck_assert_str_eq(roots.root[FS_ROOT_HOME].abs, home);
	ck_assert_str_eq(roots.root[FS_ROOT_WEB].abs, web);
	ck_assert_int_ge(roots.root[FS_ROOT_FTP].fd, 0);
	ck_assert_int_eq(fs_roots_open(&r, at("nope"), NULL, NULL), ERR_ROOT_NOT_DIR);
	ck_assert_int_eq(fs_roots_open(&r, at("home/file.txt"), NULL, NULL), ERR_ROOT_NOT_DIR);
	ck_assert_int_eq(fs_roots_open(&r, "", NULL, NULL), ERR_ROOT_NOT_DIR);
	ck_assert_int_eq(fs_roots_open(&r, home, at("home/nope"), NULL), ERR_ROOT_NOT_DIR);
	ck_assert_int_eq(fs_roots_open(&r, home, NULL, ""), ERR_OK);
	ck_assert_int_eq(r.root[FS_ROOT_WEB].fd, -1);
	ck_assert_int_eq(fs_open_dir(&r, FS_ROOT_WEB, "", &(int){0}), ERR_ROOT_UNKNOWN);
	fs_roots_close(&r);
	ck_assert_int_eq(fs_root_parse("web"), FS_ROOT_WEB);
	ck_assert_int_eq(fs_root_parse("WEB"), -1);
	ck_assert_int_eq(fs_root_parse("../home"), -1);
	ck_assert_str_eq(fs_root_label(FS_ROOT_FTP), "FTP");
}
END_TEST

struct open_case {
	int root;
	const char *rel;
	err_t want;
};

static const struct open_case open_cases[] = {
	{FS_ROOT_HOME, "", ERR_OK},
	{FS_ROOT_HOME, "dir", ERR_OK},
	{FS_ROOT_HOME, "dir/sub", ERR_OK},
	{FS_ROOT_WEB, "", ERR_OK},
	{FS_ROOT_HOME, "rel_dir", ERR_NOT_FOUND},        /* a link: never followed */
	{FS_ROOT_HOME, "abs_dir", ERR_NOT_FOUND},
	{FS_ROOT_HOME, "rel_dir/sub", ERR_NOT_FOUND},
	{FS_ROOT_HOME, "out_abs", ERR_NOT_FOUND},
	{FS_ROOT_HOME, "out_dir", ERR_NOT_FOUND},
	{FS_ROOT_HOME, "out_proc", ERR_NOT_FOUND},
	{FS_ROOT_HOME, "file.txt", ERR_NOT_DIR},
	{FS_ROOT_HOME, "missing", ERR_NOT_FOUND},
	{FS_ROOT_HOME, "..", ERR_PATH_INVALID},
	{FS_ROOT_HOME, "dir/../..", ERR_PATH_INVALID},
	{FS_ROOT_HOME, "/etc", ERR_PATH_INVALID},         /* not normalised: refused */
	{FS_ROOT_HOME, "dir/", ERR_PATH_INVALID},
	{-1, "", ERR_ROOT_UNKNOWN},
	{FS_ROOT__MAX, "", ERR_ROOT_UNKNOWN},
};

START_TEST(test_open_dir)
{
	const struct open_case *c = &open_cases[_i];
	int fd = -1;
	err_t e = fs_open_dir(&roots, c->root, c->rel, &fd);

	ck_assert_msg(e == c->want, "open (%d, '%s'): got %s, want %s", c->root, c->rel,
		      err_code(e), err_code(c->want));
	ck_assert_int_eq(fd >= 0, c->want == ERR_OK);
	if (fd >= 0)
		close(fd);
}
END_TEST

struct entry_want {
	const char *name;
	listing_type type;
	listing_link_state state;
	int dest_root;
	const char *dest_rel;
	listing_type dest_type;
};

static const struct entry_want home_entries[] = {
	{"file.txt", LISTING_TYPE_FILE, 0, -1, NULL, 0},
	{"dir", LISTING_TYPE_DIR, 0, -1, NULL, 0},
	{"public_html", LISTING_TYPE_DIR, 0, -1, NULL, 0},
	{"fifo", LISTING_TYPE_FIFO, 0, -1, NULL, 0},
	{"sock", LISTING_TYPE_SOCKET, 0, -1, NULL, 0},
	{"rel_dir", LISTING_TYPE_LINK, LISTING_LINK_OK, FS_ROOT_HOME, "dir", LISTING_TYPE_DIR},
	{"abs_dir", LISTING_TYPE_LINK, LISTING_LINK_OK, FS_ROOT_HOME, "dir", LISTING_TYPE_DIR},
	{"to_file", LISTING_TYPE_LINK, LISTING_LINK_OK, FS_ROOT_HOME, "file.txt", LISTING_TYPE_FILE},
	{"dangling", LISTING_TYPE_LINK, LISTING_LINK_DANGLING, FS_ROOT_HOME, "", 0},
	{"loop_a", LISTING_TYPE_LINK, LISTING_LINK_LOOP, -1, NULL, 0},
	{"out_abs", LISTING_TYPE_LINK, LISTING_LINK_OUTSIDE, -1, NULL, 0},
	{"out_rel", LISTING_TYPE_LINK, LISTING_LINK_OUTSIDE, -1, NULL, 0},
	{"out_dir", LISTING_TYPE_LINK, LISTING_LINK_OUTSIDE, -1, NULL, 0},
	{"out_proc", LISTING_TYPE_LINK, LISTING_LINK_OUTSIDE, -1, NULL, 0},
	/* a path in Web (nested in Home) is always shown in Web, the deepest root */
	{"web_link", LISTING_TYPE_LINK, LISTING_LINK_OK, FS_ROOT_WEB, "index.html",
	 LISTING_TYPE_FILE},
	{"through_link", LISTING_TYPE_LINK, LISTING_LINK_OK, FS_ROOT_HOME, "file.txt",
	 LISTING_TYPE_FILE},
	/* out_dir/.. is the fixture base, outside; the kernel would go there too */
	{"through_outside", LISTING_TYPE_LINK, LISTING_LINK_OK, FS_ROOT_HOME, "file.txt",
	 LISTING_TYPE_FILE},
	{"c2", LISTING_TYPE_LINK, LISTING_LINK_OK, FS_ROOT_HOME, "file.txt", LISTING_TYPE_FILE},
	{"c1", LISTING_TYPE_LINK, LISTING_LINK_LOOP, -1, NULL, 0},
};

/* Find an entry by name in a listing. */
static struct listing_entry *find_entry(struct fs_listing *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++) {
		if (strcmp(l->entries[i].name, name) == 0)
			return &l->entries[i];
	}
	return NULL;
}

START_TEST(test_list_home)
{
	const struct entry_want *w = &home_entries[_i];
	struct fs_listing l;
	struct listing_entry *e;
	struct passwd *pw = getpwuid(getuid());

	ck_assert_int_eq(fs_list(&roots, FS_ROOT_HOME, "", &l), ERR_OK);
	/* 7 files and directories, 13 links, 41 chain links */
	ck_assert_int_eq(l.count, 7 + 13 + 41);
	ck_assert_ptr_null(find_entry(&l, "."));
	ck_assert_ptr_null(find_entry(&l, ".."));
	e = find_entry(&l, w->name);
	ck_assert_msg(e != NULL, "%s not listed", w->name);
	ck_assert_msg(e->type == w->type, "%s: type %d before stat", w->name, e->type);
	ck_assert(!e->stated);
	ck_assert_int_eq(fs_listing_stat(&roots, &l, (size_t)(e - l.entries)), ERR_OK);
	ck_assert(e->stated);
	ck_assert_msg(e->type == w->type, "%s: type %d", w->name, e->type);
	ck_assert_str_eq(e->owner, pw->pw_name);
	if (w->type == LISTING_TYPE_LINK) {
		ck_assert_msg(e->link_state == w->state, "%s: state %d, want %d", w->name,
			      e->link_state, w->state);
		ck_assert_msg(e->dest_root == w->dest_root, "%s: dest root %d", w->name, e->dest_root);
		ck_assert_str_eq(e->target, link_text(tu_fmt("home/%s", w->name)));
		ck_assert_int_eq(e->target_len, strlen(e->target));
		if (w->dest_rel != NULL)
			ck_assert_str_eq(e->dest_rel, w->dest_rel);
		if (w->state == LISTING_LINK_OK)
			ck_assert_msg(e->dest_type == w->dest_type, "%s: dest type %d", w->name,
				      e->dest_type);
	} else {
		ck_assert_ptr_null(e->target);
	}
	fs_listing_free(&l);
}
END_TEST

START_TEST(test_list_refusals)
{
	struct fs_listing l;

	ck_assert_int_eq(fs_list(&roots, FS_ROOT_HOME, "out_abs", &l), ERR_NOT_FOUND);
	ck_assert_int_eq(fs_list(&roots, FS_ROOT_HOME, "rel_dir", &l), ERR_NOT_FOUND);
	ck_assert_int_eq(fs_list(&roots, FS_ROOT_HOME, "..", &l), ERR_PATH_INVALID);
	ck_assert_int_eq(fs_list(&roots, FS_ROOT_HOME, "file.txt", &l), ERR_NOT_DIR);
	ck_assert_int_eq(fs_list(&roots, FS_ROOT_WEB, "", &l), ERR_OK);
	ck_assert_int_eq(l.count, 1);
	ck_assert_str_eq(l.entries[0].name, "index.html");
	fs_listing_free(&l);
	if (geteuid() != 0) { /* root reads anything; the check is for accounts */
		chmod(at("home/locked"), 0);
		ck_assert_int_eq(fs_list(&roots, FS_ROOT_HOME, "locked", &l), ERR_DENIED);
	}
}
END_TEST

struct resolve_case {
	int root;
	const char *dir;
	const char *target; /* "@" is replaced by the fixture base */
	listing_link_state state;
	int dest_root;
	const char *dest_rel;
};

static const struct resolve_case resolve_cases[] = {
	{FS_ROOT_HOME, "", "file.txt", LISTING_LINK_OK, FS_ROOT_HOME, "file.txt"},
	{FS_ROOT_HOME, "dir", "../file.txt", LISTING_LINK_OK, FS_ROOT_HOME, "file.txt"},
	{FS_ROOT_HOME, "dir", "./sub/../inner.txt", LISTING_LINK_OK, FS_ROOT_HOME, "dir/inner.txt"},
	{FS_ROOT_WEB, "", "../file.txt", LISTING_LINK_OK, FS_ROOT_HOME, "file.txt"},
	{FS_ROOT_WEB, "", "index.html", LISTING_LINK_OK, FS_ROOT_WEB, "index.html"},
	{FS_ROOT_FTP, "", "@/home/public_html/index.html", LISTING_LINK_OK, FS_ROOT_WEB,
	 "index.html"},
	{FS_ROOT_HOME, "", "@/home", LISTING_LINK_OK, FS_ROOT_HOME, ""},
	{FS_ROOT_HOME, "", "../home/dir", LISTING_LINK_OK, FS_ROOT_HOME, "dir"},
	{FS_ROOT_HOME, "", "rel_dir/../file.txt", LISTING_LINK_OK, FS_ROOT_HOME, "file.txt"},
	{FS_ROOT_HOME, "", "rel_dir/inner.txt", LISTING_LINK_OK, FS_ROOT_HOME, "dir/inner.txt"},
	{FS_ROOT_HOME, "", "file.txt/", LISTING_LINK_DANGLING, FS_ROOT_HOME, ""},
	{FS_ROOT_HOME, "", "file.txt/x", LISTING_LINK_DANGLING, FS_ROOT_HOME, ""},
	{FS_ROOT_HOME, "", "nope/../file.txt", LISTING_LINK_DANGLING, FS_ROOT_HOME, ""},
	{FS_ROOT_HOME, "", "../outside/secret.txt", LISTING_LINK_OUTSIDE, -1, NULL},
	{FS_ROOT_HOME, "", "../../../../../../etc/passwd", LISTING_LINK_OUTSIDE, -1, NULL},
	{FS_ROOT_HOME, "", "@/other/wp-config.php", LISTING_LINK_OUTSIDE, -1, NULL},
	{FS_ROOT_HOME, "", "/etc/shadow", LISTING_LINK_OUTSIDE, -1, NULL},
	{FS_ROOT_HOME, "", "/proc/self/root", LISTING_LINK_OUTSIDE, -1, NULL},
	{FS_ROOT_HOME, "", "/proc/self/fd/0", LISTING_LINK_OUTSIDE, -1, NULL},
	{FS_ROOT_HOME, "", "out_abs/passwd", LISTING_LINK_OUTSIDE, -1, NULL},
	{FS_ROOT_HOME, "", "out_dir/../other", LISTING_LINK_OUTSIDE, -1, NULL},
	{FS_ROOT_HOME, "", "loop_a/x", LISTING_LINK_LOOP, -1, NULL},
	{FS_ROOT_HOME, "", "/", LISTING_LINK_OUTSIDE, -1, NULL},
};

START_TEST(test_resolve)
{
	const struct resolve_case *c = &resolve_cases[_i];
	struct fs_resolution res;
	char target[PATH_MAX];
	const char *at_sign = strchr(c->target, '@');

	if (at_sign != NULL)
		snprintf(target, sizeof target, "%s%s", base, at_sign + 1);
	else
		snprintf(target, sizeof target, "%s", c->target);
	ck_assert_int_eq(fs_resolve(&roots, c->root, c->dir, target, strlen(target), &res), ERR_OK);
	ck_assert_msg(res.state == c->state, "resolve '%s' from (%d,'%s'): state %d, want %d",
		      c->target, c->root, c->dir, res.state, c->state);
	ck_assert_msg(res.root == c->dest_root, "resolve '%s': root %d, want %d", c->target,
		      res.root, c->dest_root);
	if (c->dest_rel != NULL && c->state == LISTING_LINK_OK)
		ck_assert_str_eq(res.rel, c->dest_rel);
}
END_TEST

START_TEST(test_resolve_limits)
{
	struct fs_resolution res;
	char *t = malloc(5000);

	memset(t, 'a', 5000);
	ck_assert_int_eq(fs_resolve(&roots, FS_ROOT_HOME, "", t, 4096, &res), ERR_TARGET_TOO_LONG);
	ck_assert_int_eq(fs_resolve(&roots, FS_ROOT_HOME, "", "", 0, &res), ERR_TARGET_EMPTY);
	ck_assert_int_eq(fs_resolve(&roots, FS_ROOT_HOME, "", "a\0b", 3, &res), ERR_TARGET_EMPTY);
	ck_assert_int_eq(fs_resolve(&roots, FS_ROOT_HOME, "rel_dir", "x", 1, &res), ERR_NOT_FOUND);
	/* a component longer than a name can be */
	ck_assert_int_eq(fs_resolve(&roots, FS_ROOT_HOME, "", t, 300, &res), ERR_OK);
	ck_assert_int_eq(res.state, LISTING_LINK_DANGLING);
	free(t);
}
END_TEST

START_TEST(test_create)
{
	const char *targets[] = {"file.txt", "dir/", "../home/dir", "missing-but-inside",
				 tu_fmt("%s/dir/inner.txt", home), "my file \xe2\x86\x92 x"};

	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		const char *name = tu_fmt("new%zu", i);

		ck_assert_msg(fs_symlink_create(&roots, FS_ROOT_HOME, "", name, strlen(name),
						targets[i], strlen(targets[i])) == ERR_OK,
			      "create -> %s", targets[i]);
		ck_assert_str_eq(link_text(tu_fmt("home/%s", name)), targets[i]);
	}
	/* in a subdirectory and in another root */
	ck_assert_int_eq(fs_symlink_create(&roots, FS_ROOT_HOME, "dir/sub", "up", 2, "../../file.txt",
					   14), ERR_OK);
	ck_assert_str_eq(link_text("home/dir/sub/up"), "../../file.txt");
	ck_assert_int_eq(fs_symlink_create(&roots, FS_ROOT_WEB, "", "home", 4, "..", 2), ERR_OK);
	ck_assert_str_eq(link_text("home/public_html/home"), "..");
}
END_TEST

struct refuse_case {
	const char *label;
	const char *dir;
	const char *name;
	size_t name_len; /* 0: strlen */
	const char *target; /* "@" is replaced by the fixture base */
	err_t want;
};

static const struct refuse_case refuse_cases[] = {
	{"existing file", "", "file.txt", 0, "dir", ERR_EXISTS},
	{"existing dangling link", "", "dangling", 0, "file.txt", ERR_EXISTS},
	{"existing dir", "", "dir", 0, "file.txt", ERR_EXISTS},
	{"empty name", "", "", 0, "file.txt", ERR_NAME_EMPTY},
	{"dot", "", ".", 0, "file.txt", ERR_NAME_DOT},
	{"dotdot", "", "..", 0, "file.txt", ERR_NAME_DOT},
	{"slash", "", "a/b", 0, "file.txt", ERR_NAME_SLASH},
	{"escape by name", "", "../../evil", 0, "file.txt", ERR_NAME_SLASH},
	{"nul in name", "", "a\0b", 3, "file.txt", ERR_NUL},
	{"newline in name", "", "a\nb", 0, "file.txt", ERR_NAME_CONTROL},
	{"etc shadow", "", "x", 0, "/etc/shadow", ERR_TARGET_OUTSIDE},
	{"other account", "", "x", 0, "@/other/wp-config.php", ERR_TARGET_OUTSIDE},
	{"climbing out", "", "x", 0, "../../..", ERR_TARGET_OUTSIDE},
	{"climbing out from sub", "dir/sub", "x", 0, "../../../outside/secret.txt",
	 ERR_TARGET_OUTSIDE},
	{"proc self root", "", "x", 0, "/proc/self/root", ERR_TARGET_OUTSIDE},
	{"proc self fd", "", "x", 0, "/proc/self/fd/3", ERR_TARGET_OUTSIDE},
	{"through planted link", "", "x", 0, "out_abs/shadow", ERR_TARGET_OUTSIDE},
	{"through planted rel link", "", "x", 0, "out_dir/secret.txt", ERR_TARGET_OUTSIDE},
	{"dangling climbing out", "", "x", 0, "missing/../../../../etc/passwd", ERR_TARGET_OUTSIDE},
	{"dotdot after a name", "", "x", 0, "missing/../file.txt", ERR_TARGET_DOTDOT},
	{"dotdot after a link", "", "x", 0, "rel_dir/../file.txt", ERR_TARGET_DOTDOT},
	{"dotdot after a dot", "dir", "x", 0, "sub/./../inner.txt", ERR_TARGET_DOTDOT},
	{"absolute with dotdot", "", "x", 0, "@/home/dir/../file.txt", ERR_TARGET_DOTDOT},
	{"invisible in name", "", "a\xe2\x80\x8b", 0, "file.txt", ERR_NAME_INVISIBLE},
	{"override in name", "", "gpj.\xe2\x80\xae" "exe", 0, "file.txt", ERR_NAME_INVISIBLE},
	{"root of filesystem", "", "x", 0, "/", ERR_TARGET_OUTSIDE},
	{"a loop", "", "x", 0, "loop_a", ERR_LOOP},
	{"empty target", "", "x", 0, "", ERR_TARGET_EMPTY},
	{"control in target", "", "x", 0, "a\tb", ERR_TARGET_CONTROL},
	{"directory through a link", "rel_dir", "x", 0, "inner.txt", ERR_NOT_FOUND},
	{"directory outside", "out_dir", "x", 0, "secret.txt", ERR_NOT_FOUND},
	{"directory gone", "gone", "x", 0, "file.txt", ERR_NOT_FOUND},
};

START_TEST(test_create_refused)
{
	const struct refuse_case *c = &refuse_cases[_i];
	char target[PATH_MAX];
	const char *at_sign = strchr(c->target, '@');
	size_t name_len = c->name_len ? c->name_len : strlen(c->name);
	char *before = tree_snapshot();
	err_t e;

	if (at_sign != NULL)
		snprintf(target, sizeof target, "%s%s", base, at_sign + 1);
	else
		snprintf(target, sizeof target, "%s", c->target);
	e = fs_symlink_create(&roots, FS_ROOT_HOME, c->dir, c->name, name_len, target,
			      strlen(target));
	ck_assert_msg(e == c->want, "case '%s': got %s, want %s", c->label, err_code(e),
		      err_code(c->want));
	expect_unchanged(c->label, before);
}
END_TEST

START_TEST(test_create_lengths)
{
	char name[300], *target = malloc(5000);

	memset(name, 'n', sizeof name);
	memset(target, 't', 5000);
	ck_assert_int_eq(fs_symlink_create(&roots, FS_ROOT_HOME, "", name, 256, "file.txt", 8),
			 ERR_NAME_TOO_LONG);
	ck_assert_int_eq(fs_symlink_create(&roots, FS_ROOT_HOME, "", name, 255, "file.txt", 8),
			 ERR_OK);
	ck_assert_int_eq(fs_symlink_create(&roots, FS_ROOT_HOME, "", "t", 1, target, 4096),
			 ERR_TARGET_TOO_LONG);
	/* a 255-byte component target is fine (dangling, inside) */
	ck_assert_int_eq(fs_symlink_create(&roots, FS_ROOT_HOME, "", "t", 1, target, 255), ERR_OK);
	free(target);
}
END_TEST

START_TEST(test_delete)
{
	struct stat st;
	char *left;

	/* a link to a directory: the link goes, the directory and its files stay */
	ck_assert_int_eq(del("", "rel_dir", 7), ERR_OK);
	ck_assert_int_ne(lstat(at("home/rel_dir"), &st), 0);
	ck_assert_int_eq(lstat(at("home/dir/inner.txt"), &st), 0);
	ck_assert_int_eq(lstat(at("home/dir/sub"), &st), 0);
	/* dangling, loop, and links planted pointing outside: deletable, targets intact */
	ck_assert_int_eq(del("", "dangling", 8), ERR_OK);
	ck_assert_int_eq(del("", "loop_a", 6), ERR_OK);
	ck_assert_int_eq(del("", "out_rel", 7), ERR_OK);
	ck_assert_int_eq(del("", "out_dir", 7), ERR_OK);
	ck_assert_int_eq(lstat(at("outside/secret.txt"), &st), 0);
	ck_assert_int_eq(del("dir", "up", 2), ERR_OK);
	ck_assert_int_eq(lstat(at("home/file.txt"), &st), 0);
	/* nothing left behind under a hidden name */
	left = tu_run(tu_fmt("ls -A '%s/home' | grep -c filepanel-delete", base), NULL);
	ck_assert_str_eq(left, "0\n");
	free(left);
}
END_TEST

struct delete_case {
	const char *label;
	const char *dir;
	const char *name;
	err_t want;
};

static const struct delete_case delete_cases[] = {
	{"a file", "", "file.txt", ERR_NOT_LINK},
	{"a directory", "", "dir", ERR_NOT_LINK},
	{"a fifo", "", "fifo", ERR_NOT_LINK},
	{"missing", "", "nope", ERR_NOT_FOUND},
	{"empty name", "", "", ERR_NAME_EMPTY},
	{"dot", "", ".", ERR_NAME_DOT},
	{"dotdot", "", "..", ERR_NAME_DOT},
	{"slash", "", "/", ERR_NAME_SLASH},
	{"path as name", "", "dir/up", ERR_NAME_SLASH},
	{"through a link", "rel_dir", "up", ERR_NOT_FOUND},
	{"outside through a link", "out_dir", "secret.txt", ERR_NOT_FOUND},
	{"climbing", "..", "x", ERR_PATH_INVALID},
};

START_TEST(test_delete_refused)
{
	const struct delete_case *c = &delete_cases[_i];
	char *before = tree_snapshot();
	err_t e = del(c->dir, c->name, strlen(c->name));

	ck_assert_msg(e == c->want, "case '%s': got %s, want %s", c->label, err_code(e),
		      err_code(c->want));
	expect_unchanged(c->label, before);
}
END_TEST

START_TEST(test_entry_get)
{
	struct listing_entry e;

	ck_assert_int_eq(fs_entry_get(&roots, FS_ROOT_HOME, "", "out_abs", &e), ERR_OK);
	ck_assert_int_eq(e.type, LISTING_TYPE_LINK);
	ck_assert_str_eq(e.target, "/etc");
	ck_assert_int_eq(e.link_state, LISTING_LINK_OUTSIDE);
	fs_entry_free(&e);
	ck_assert_int_eq(fs_entry_get(&roots, FS_ROOT_HOME, "dir", "up", &e), ERR_OK);
	ck_assert_int_eq(e.link_state, LISTING_LINK_OK);
	ck_assert_str_eq(e.dest_rel, "file.txt");
	fs_entry_free(&e);
	ck_assert_int_eq(fs_entry_get(&roots, FS_ROOT_HOME, "", "nope", &e), ERR_NOT_FOUND);
	ck_assert_int_eq(fs_entry_get(&roots, FS_ROOT_HOME, "", "..", &e), ERR_NAME_DOT);
	ck_assert_int_eq(fs_entry_get(&roots, FS_ROOT_HOME, "out_dir", "secret.txt", &e),
			 ERR_NOT_FOUND);
}
END_TEST

START_TEST(test_swapped_entry_not_deleted)
{
	/* The entry named on a confirm page is replaced by a file before the
	 * delete: nothing is removed. */
	char *content;

	ck_assert_int_eq(unlink(at("home/to_file")), 0);
	tu_write_file(at("home/to_file"), "now a file\n");
	ck_assert_int_eq(del("", "to_file", 7), ERR_NOT_LINK);
	content = tu_run(tu_fmt("cat '%s/home/to_file'", base), NULL);
	ck_assert_str_eq(content, "now a file\n");
	free(content);
}
END_TEST

/* The configured spec of the fixture's roots, with the identities they
 * have now. */
static void spec_now(struct fs_root_spec spec[FS_ROOT__MAX])
{
	const char *paths[FS_ROOT__MAX] = {home, web, ftp};

	for (int i = 0; i < FS_ROOT__MAX; i++) {
		spec[i].path = paths[i];
		spec[i].known = fs_ident_of_path(paths[i], &spec[i].id) == ERR_OK;
		ck_assert_msg(spec[i].known, "no identity for %s", paths[i]);
	}
}

START_TEST(test_root_replaced)
{
	/* The owner replaces public_html with a link to another account, and
	 * public_ftp with a fresh directory: neither is followed or used. */
	struct fs_root_spec spec[FS_ROOT__MAX];
	struct fs_roots r;
	struct fs_resolution res;
	int fd = -1;

	spec_now(spec);
	ck_assert_int_eq(rename(web, at("home/old_html")), 0);
	mk_link(at("other"), "home/public_html");
	ck_assert_int_eq(rename(ftp, at("home/old_ftp")), 0);
	mk_dir("home/public_ftp");
	ck_assert_int_eq(fs_roots_open_spec(&r, spec, NULL), ERR_OK);
	ck_assert_int_eq(r.root[FS_ROOT_HOME].state, FS_ROOT_OPEN);
	ck_assert_int_eq(r.root[FS_ROOT_WEB].state, FS_ROOT_GONE);
	ck_assert_int_eq(r.root[FS_ROOT_FTP].state, FS_ROOT_GONE);
	ck_assert_int_eq(r.root[FS_ROOT_WEB].fd, -1);
	ck_assert_int_eq(fs_open_dir(&r, FS_ROOT_WEB, "", &fd), ERR_ROOT_UNAVAILABLE);
	ck_assert_int_eq(fs_open_dir(&r, FS_ROOT_FTP, "", &fd), ERR_ROOT_UNAVAILABLE);
	ck_assert_int_eq(fs_symlink_create(&r, FS_ROOT_WEB, "", "x", 1, "y", 1),
			 ERR_ROOT_UNAVAILABLE);
	/* from Home, public_html is now just a link leading outside */
	ck_assert_int_eq(fs_resolve(&r, FS_ROOT_HOME, "", "public_html/wp-config.php", 25, &res),
			 ERR_OK);
	ck_assert_int_eq(res.state, LISTING_LINK_OUTSIDE);
	ck_assert_int_eq(fs_symlink_create(&r, FS_ROOT_HOME, "", "x", 1,
					   "public_html/wp-config.php", 25), ERR_TARGET_OUTSIDE);
	/* public_ftp is a directory of Home now, shown as such */
	ck_assert_int_eq(fs_resolve(&r, FS_ROOT_HOME, "", "public_ftp", 10, &res), ERR_OK);
	ck_assert_int_eq(res.root, FS_ROOT_HOME);
	fs_roots_close(&r);
	/* taken at face value without a recorded identity, but never through a link */
	ck_assert_int_eq(fs_roots_open(&r, home, web, NULL), ERR_ROOT_NOT_DIR);
	ck_assert_int_eq(fs_roots_open(&r, home, NULL, ftp), ERR_OK);
	fs_roots_close(&r);
	ck_assert_int_eq(unlink(at("home/public_html")), 0);
	ck_assert_int_eq(rename(at("home/old_html"), web), 0);
}
END_TEST

START_TEST(test_home_replaced)
{
	/* Home itself (the owner may own its parent) replaced by a link to /. */
	struct fs_root_spec spec[FS_ROOT__MAX];
	struct fs_roots r;

	spec_now(spec);
	ck_assert_int_eq(rename(home, at("home.old")), 0);
	mk_link("/", "home");
	ck_assert_int_eq(fs_roots_open_spec(&r, spec, NULL), ERR_OK);
	for (int i = 0; i < FS_ROOT__MAX; i++)
		ck_assert_int_eq(r.root[i].state, FS_ROOT_GONE);
	fs_roots_close(&r);
	ck_assert_int_eq(unlink(at("home")), 0);
	ck_assert_int_eq(rename(at("home.old"), home), 0);
}
END_TEST

START_TEST(test_root_forbidden)
{
	/* A root that is (or holds) the panel's database directory is never used. */
	struct fs_root_spec spec[FS_ROOT__MAX];
	struct fs_ident ids[64];
	struct fs_forbidden forbidden = {ids, 0};
	struct fs_roots r;

	spec_now(spec);
	ck_assert_int_eq(fs_ancestors_of(at("home/public_html/panel.db"), ids, 64,
					 &forbidden.count), ERR_OK);
	ck_assert_int_ge(forbidden.count, 3);
	ck_assert_int_eq(fs_roots_open_spec(&r, spec, &forbidden), ERR_OK);
	ck_assert_int_eq(r.root[FS_ROOT_HOME].state, FS_ROOT_GONE);
	ck_assert_int_eq(r.root[FS_ROOT_WEB].state, FS_ROOT_GONE);
	ck_assert_int_eq(r.root[FS_ROOT_FTP].state, FS_ROOT_OPEN);
	fs_roots_close(&r);
}
END_TEST

START_TEST(test_mount_point)
{
	/* Another filesystem mounted inside a root is not entered. */
	struct fs_resolution res;
	struct fs_listing l;
	int fd = -1;

	mk_dir("home/dir/mnt");
	ck_assert_msg(tu_private_tmpfs(at("home/dir/mnt")) == 0, "mount: %s", strerror(errno));
	tu_write_file(at("home/dir/mnt/inside.txt"), "mounted\n");
	/* fds opened before belong to the mounts of the old namespace */
	fs_roots_close(&roots);
	ck_assert_int_eq(fs_roots_open(&roots, home, web, ftp), ERR_OK);
	ck_assert_int_eq(fs_open_dir(&roots, FS_ROOT_HOME, "dir/mnt", &fd), ERR_MOUNT_POINT);
	ck_assert_int_eq(fs_list(&roots, FS_ROOT_HOME, "dir/mnt", &l), ERR_MOUNT_POINT);
	ck_assert_int_eq(fs_resolve(&roots, FS_ROOT_HOME, "", "dir/mnt/inside.txt", 18, &res),
			 ERR_OK);
	ck_assert_int_eq(res.state, LISTING_LINK_OUTSIDE);
	ck_assert_int_eq(fs_symlink_create(&roots, FS_ROOT_HOME, "", "m", 1, "dir/mnt/inside.txt",
					   18), ERR_TARGET_OUTSIDE);
	/* unless configured */
	fs_set_cross_mounts(true);
	ck_assert_int_eq(fs_open_dir(&roots, FS_ROOT_HOME, "dir/mnt", &fd), ERR_OK);
	close(fd);
	ck_assert_int_eq(fs_resolve(&roots, FS_ROOT_HOME, "", "dir/mnt/inside.txt", 18, &res),
			 ERR_OK);
	ck_assert_int_eq(res.state, LISTING_LINK_OK);
	fs_set_cross_mounts(false);
}
END_TEST

/* Make a chain of n nested directories "d" below home/rel; returns the
 * root-relative path of the deepest. */
static const char *mk_deep(const char *rel, int n)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof path, "%s", rel);
	for (int i = 0; i < n; i++) {
		strcat(path, "/d");
		mk_dir(tu_fmt("home/%s", path));
	}
	return path;
}

/* The steps a resolution took from the request's budget. */
static size_t steps_of(int root, const char *dir, const char *target, listing_link_state want)
{
	struct fs_resolution res;
	size_t before = roots.budget.steps_left;

	ck_assert_int_eq(fs_resolve(&roots, root, dir, target, strlen(target), &res), ERR_OK);
	ck_assert_msg(res.state == want, "'%.40s...': state %d, want %d", target, res.state, want);
	return before - roots.budget.steps_left;
}

START_TEST(test_resolve_work_bounded)
{
	/* A run of ".." from deep down costs one open, not a walk per "..";
	 * "x/.." pairs cost a step each; a link needing more than its budget
	 * stops, and so does a request that spent its own. */
	char *target = malloc(NAMES_PATH_MAX);
	const char *deep;
	size_t n;

	mk_dir("home/deep");
	deep = mk_deep("deep", 600);
	target[0] = '\0';
	for (int i = 0; i < 601; i++)
		strcat(target, "../");
	strcat(target, "file.txt");
	n = steps_of(FS_ROOT_HOME, deep + 0, target, LISTING_LINK_OK);
	ck_assert_msg(n < 1300, "a run of 601 '..' took %zu steps", n);
	target[0] = '\0';
	while (strlen(target) + 8 < NAMES_TARGET_MAX)
		strcat(target, "d/../");
	strcat(target, "x");
	n = steps_of(FS_ROOT_HOME, "deep", target, LISTING_LINK_DANGLING);
	ck_assert_msg(n < 2 * NAMES_TARGET_MAX / 5 + 10, "d/.. pairs took %zu steps", n);
	/* 40 hops of 2,000 "./" each: 80,000 steps, over one link's budget */
	for (int i = 1; i <= 40; i++) {
		target[0] = '\0';
		for (int k = 0; k < 2000; k++)
			strcat(target, "./");
		strcat(target, i == 40 ? "file.txt" : tu_fmt("h%d", i + 1));
		mk_link(target, tu_fmt("home/h%d", i));
	}
	n = steps_of(FS_ROOT_HOME, "", "h1", LISTING_LINK_TOO_COMPLEX);
	ck_assert_int_le(n, FS_STEPS_PER_LINK);
	/* the request's budget: once spent, every link stops at once */
	roots.budget.steps_left = 10;
	steps_of(FS_ROOT_HOME, "", "./././././././././././././file.txt", LISTING_LINK_TOO_COMPLEX);
	ck_assert_int_eq(fs_symlink_create(&roots, FS_ROOT_HOME, "", "z", 1, "file.txt", 8),
			 ERR_TOO_COMPLEX);
	free(target);
}
END_TEST

START_TEST(test_resolve_holds_few_fds)
{
	/* A walk 1,000 directories deep keeps at most a few dozen fds open. */
	struct fs_resolution res;
	char *target = malloc(NAMES_PATH_MAX);
	int probe;

	mk_dir("home/deep");
	mk_deep("deep", 1000);
	snprintf(target, NAMES_PATH_MAX, "deep");
	for (int i = 0; i < 1000; i++)
		strcat(target, "/d");
	ck_assert_int_eq(fs_resolve(&roots, FS_ROOT_HOME, "", target, strlen(target), &res),
			 ERR_OK);
	ck_assert_int_eq(res.state, LISTING_LINK_OK);
	ck_assert_int_eq(res.type, LISTING_TYPE_DIR);
	/* nothing leaked: the next fd is a low number */
	probe = open("/dev/null", O_RDONLY);
	ck_assert_int_lt(probe, 64);
	close(probe);
	free(target);
}
END_TEST

START_TEST(test_dotdot_suggestion)
{
	char suggestion[NAMES_PATH_MAX];

	ck_assert_int_eq(fs_symlink_check(&roots, FS_ROOT_HOME, "", "n", 1, "dir/sub/../inner.txt",
					  20, suggestion, sizeof suggestion), ERR_TARGET_DOTDOT);
	ck_assert_str_eq(suggestion, "dir/inner.txt");
	ck_assert_int_eq(fs_symlink_check(&roots, FS_ROOT_HOME, "dir/sub", "n", 1,
					  "../../file.txt", 14, suggestion, sizeof suggestion),
			 ERR_OK);
	ck_assert_str_eq(suggestion, "");
}
END_TEST

START_TEST(test_delete_bound_to_identity)
{
	/* The link shown on a confirm page is replaced by another link of the
	 * same name: the delete refuses, the new link stays. */
	struct listing_entry e;
	struct fs_entry_id id;
	char aside[FS_ASIDE_NAME_MAX];

	ck_assert_int_eq(fs_entry_get(&roots, FS_ROOT_HOME, "", "to_file", &e), ERR_OK);
	id = fs_entry_id_of(&e);
	fs_entry_free(&e);
	ck_assert_int_eq(unlink(at("home/to_file")), 0);
	mk_link("dir", "home/to_file");
	fs_aside_name(aside);
	ck_assert_int_eq(fs_link_delete(&roots, FS_ROOT_HOME, "", "to_file", 7, &id, aside),
			 ERR_CHANGED);
	ck_assert_str_eq(link_text("home/to_file"), "dir");
	ck_assert_int_eq(fs_entry_get(&roots, FS_ROOT_HOME, "", "to_file", &e), ERR_OK);
	id = fs_entry_id_of(&e);
	fs_entry_free(&e);
	fs_aside_name(aside);
	ck_assert_int_eq(fs_link_delete(&roots, FS_ROOT_HOME, "", "to_file", 7, &id, aside),
			 ERR_OK);
	ck_assert_str_eq(link_text("home/to_file"), "");
	/* a made-up private directory name is refused */
	ck_assert_int_eq(fs_link_delete(&roots, FS_ROOT_HOME, "", "rel_dir", 7, NULL, "../x"),
			 ERR_PATH_INVALID);
}
END_TEST

START_TEST(test_delete_finish)
{
	/* A worker killed after moving the link into its private directory:
	 * finishing removes it; anything else found there is put back. */
	char aside[FS_ASIDE_NAME_MAX];
	bool removed = true;
	struct stat st;

	fs_aside_name(aside);
	ck_assert_int_eq(fs_link_delete_finish(&roots, FS_ROOT_HOME, "", "rel_dir", aside,
					       &removed), ERR_OK);
	ck_assert(!removed);
	mk_dir(tu_fmt("home/%s", aside));
	chmod(at(tu_fmt("home/%s", aside)), 0700);
	ck_assert_int_eq(rename(at("home/rel_dir"), at(tu_fmt("home/%s/l", aside))), 0);
	ck_assert_int_eq(fs_link_delete_finish(&roots, FS_ROOT_HOME, "", "rel_dir", aside,
					       &removed), ERR_OK);
	ck_assert(removed);
	ck_assert_int_ne(lstat(at(tu_fmt("home/%s", aside)), &st), 0);
	ck_assert_int_eq(lstat(at("home/dir/inner.txt"), &st), 0);
	fs_aside_name(aside);
	mk_dir(tu_fmt("home/%s", aside));
	chmod(at(tu_fmt("home/%s", aside)), 0700);
	ck_assert_int_eq(rename(at("home/file.txt"), at(tu_fmt("home/%s/l", aside))), 0);
	ck_assert_int_eq(fs_link_delete_finish(&roots, FS_ROOT_HOME, "", "file.txt", aside,
					       &removed), ERR_OK);
	ck_assert(!removed);
	ck_assert_int_eq(lstat(at("home/file.txt"), &st), 0);
	ck_assert(S_ISREG(st.st_mode));
}
END_TEST

START_TEST(test_filter_frees)
{
	struct fs_listing l;

	ck_assert_int_eq(fs_list(&roots, FS_ROOT_HOME, "", &l), ERR_OK);
	ck_assert_int_eq(fs_listing_stat_all(&roots, &l), ERR_OK);
	fs_listing_filter(&l, "OUT_");
	ck_assert_int_eq(l.count, 4);
	for (size_t i = 0; i < l.count; i++)
		ck_assert_ptr_nonnull(strstr(l.entries[i].name, "out_"));
	fs_listing_filter(&l, NULL);
	ck_assert_int_eq(l.count, 4);
	fs_listing_free(&l); /* leak-checked under the sanitizers */
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Add every fs test to a test case. */
static void add_fs_tests(TCase *tc)
{
	tcase_add_test(tc, test_roots);
	tcase_add_loop_test(tc, test_open_dir, 0, N(open_cases));
	tcase_add_loop_test(tc, test_list_home, 0, N(home_entries));
	tcase_add_test(tc, test_list_refusals);
	tcase_add_loop_test(tc, test_resolve, 0, N(resolve_cases));
	tcase_add_test(tc, test_resolve_limits);
	tcase_add_test(tc, test_create);
	tcase_add_loop_test(tc, test_create_refused, 0, N(refuse_cases));
	tcase_add_test(tc, test_create_lengths);
	tcase_add_test(tc, test_delete);
	tcase_add_loop_test(tc, test_delete_refused, 0, N(delete_cases));
	tcase_add_test(tc, test_entry_get);
	tcase_add_test(tc, test_swapped_entry_not_deleted);
	tcase_add_test(tc, test_root_replaced);
	tcase_add_test(tc, test_home_replaced);
	tcase_add_test(tc, test_root_forbidden);
	tcase_add_test(tc, test_mount_point);
	tcase_add_test(tc, test_resolve_work_bounded);
	tcase_add_test(tc, test_resolve_holds_few_fds);
	tcase_add_test(tc, test_dotdot_suggestion);
	tcase_add_test(tc, test_delete_bound_to_identity);
	tcase_add_test(tc, test_delete_finish);
	tcase_add_test(tc, test_filter_frees);
}

/* The fs suite: every test with openat2 and with the fallback walk. */
static Suite *fs_suite(void)
{
	Suite *s = suite_create("fs");
	TCase *with_openat2 = tcase_create("openat2");
	TCase *with_fallback = tcase_create("fallback");

	tcase_add_checked_fixture(with_openat2, setup_openat2, teardown);
	tcase_add_checked_fixture(with_fallback, setup_fallback, teardown);
	tcase_set_timeout(with_openat2, 30);
	tcase_set_timeout(with_fallback, 30);
	add_fs_tests(with_openat2);
	add_fs_tests(with_fallback);
	suite_add_tcase(s, with_openat2);
	suite_add_tcase(s, with_fallback);
	return s;
}

int main(void)
{
	return tu_run_suite(fs_suite());
}
