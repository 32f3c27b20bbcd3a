/* check_fs_differential: fs_ against GNU coreutils. Every entry of a
 * fixture tree listed by fs_list must show what `LC_ALL=C ls -l` shows
 * (permission string, link count, owner, group, size, link target); and a
 * link made by fs_symlink_create must read back exactly like one made by
 * `ln -s` from the same target. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs.h"
#include "listing.h"
#include "testutil.h"

static char *base;
static char home[PATH_MAX];
static struct fs_roots roots;

/* Path below the fixture's Home. */
static const char *in_home(const char *rel)
{
	return tu_fmt("%s/%s", home, rel);
}

/* A file of n bytes with the given mode (set after creation, so that the
 * umask does not interfere and special bits stick). */
static void mk_file(const char *name, size_t n, mode_t mode)
{
	FILE *f = fopen(in_home(name), "w");

	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i < n; i++)
		fputc('x', f);
	fclose(f);
	ck_assert_int_eq(chmod(in_home(name), mode), 0);
}

/* A directory with the given mode. */
static void mk_dir(const char *name, mode_t mode)
{
	ck_assert_int_eq(mkdir(in_home(name), 0700), 0);
	ck_assert_int_eq(chmod(in_home(name), mode), 0);
}

/* Build a tree holding every file type and special bit `ls -l` shows. */
static void setup(void)
{
	static const struct {
		const char *name;
		mode_t mode;
	} files[] = {
		{"plain", 0644}, {"exec", 0755}, {"none", 0000}, {"suid x", 04755},
		{"suid nox", 04644}, {"sgid x", 02755}, {"sgid nox", 02644},
		{"sticky file", 01644}, {"all special", 07777}, {"special nox", 07666},
		{"only special", 07000}, {"caf\xc3\xa9 \xe2\x86\x92", 0640},
	};
	struct sockaddr_un sa;
	int s;

	base = tu_mkdtemp("diff");
	snprintf(home, sizeof home, "%s/home", base);
	ck_assert_int_eq(mkdir(home, 0755), 0);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		mk_file(files[i].name, i * 1000, files[i].mode);
	mk_dir("dir", 0755);
	mk_dir("tmp like", 01777);
	mk_dir("sticky nox", 01770);
	mk_dir("setgid dir", 02755);
	mk_dir("all dir", 07755);
	mk_dir("dir/nested", 0700);
	ck_assert_int_eq(link(in_home("plain"), in_home("hardlink")), 0);
	ck_assert_int_eq(mkfifo(in_home("fifo"), 0600), 0);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", in_home("sock"));
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	close(s);
	/* device nodes need privilege; as root they are part of the tree */
	if (geteuid() == 0) {
		ck_assert_int_eq(mknod(in_home("chardev"), S_IFCHR | 0620, makedev(1, 3)), 0);
		ck_assert_int_eq(mknod(in_home("blockdev"), S_IFBLK | 0660, makedev(7, 200)), 0);
	}
	ck_assert_int_eq(symlink("plain", in_home("rel link")), 0);
	ck_assert_int_eq(symlink(in_home("dir"), in_home("abs link")), 0);
	ck_assert_int_eq(symlink("missing", in_home("dangling")), 0);
	ck_assert_int_eq(symlink("/etc/passwd", in_home("outside")), 0);
	ck_assert_int_eq(symlink("../home/./dir//nested/", in_home("odd link")), 0);
	ck_assert_int_eq(symlink("with -> arrow", in_home("arrow link")), 0);
	ck_assert_int_eq(fs_roots_open(&roots, home, NULL, NULL), ERR_OK);
}

/* Remove the tree. */
static void teardown(void)
{
	fs_roots_close(&roots);
	tu_rm_rf(base);
	free(base);
}

/* What `ls -l` printed for one entry. */
struct ls_row {
	char mode[16];
	unsigned long nlink;
	char owner[64], group[64];
	char size[64];       /* size, or "major, minor" for devices */
	const char *target;  /* after " -> ", or NULL */
};

/* Run `LC_ALL=C ls -ld` on one entry and split its line. The name is
 * known, so the target is whatever follows "<path> -> ". */
static char *ls_entry(const char *name, struct ls_row *row)
{
	const char *path = in_home(name);
	char *out, *p, *arrow;
	int status, used = 0;

	out = tu_run(tu_fmt("LC_ALL=C ls -ld --quoting-style=literal --time-style=+%%s -- '%s'",
			    path), &status);
	ck_assert_int_eq(status, 0);
	memset(row, 0, sizeof *row);
	ck_assert_int_eq(sscanf(out, "%15s %lu %63s %63s %n", row->mode, &row->nlink, row->owner,
				row->group, &used), 4);
	p = out + used;
	/* devices print "major, minor"; everything else a size */
	if (strchr(p, ',') != NULL && strchr(p, ',') < strstr(p, path)) {
		unsigned maj, min;

		ck_assert_int_eq(sscanf(p, "%u, %u", &maj, &min), 2);
		snprintf(row->size, sizeof row->size, "%u, %u", maj, min);
	} else {
		ck_assert_int_eq(sscanf(p, "%63s", row->size), 1);
	}
	/* ls marks ACLs and security contexts with an 11th character */
	row->mode[10] = '\0';
	out[strcspn(out, "\n")] = '\0';
	arrow = strstr(out, tu_fmt("%s -> ", path));
	if (arrow != NULL)
		row->target = arrow + strlen(path) + 4;
	return out;
}

START_TEST(test_listing_matches_ls)
{
	struct fs_listing l;
	size_t links = 0, specials = 0;

	ck_assert_int_eq(fs_list(&roots, FS_ROOT_HOME, "", &l), ERR_OK);
	ck_assert_int_eq(fs_listing_stat_all(&roots, &l), ERR_OK);
	ck_assert_int_ge(l.count, 20);
	for (size_t i = 0; i < l.count; i++) {
		struct listing_entry *e = &l.entries[i];
		struct ls_row row;
		char mode[11], size[64];
		char *line = ls_entry(e->name, &row);

		listing_mode_string(e->mode, mode);
		ck_assert_msg(strcmp(mode, row.mode) == 0, "%s: fs '%s', ls '%s'", e->name, mode,
			      row.mode);
		ck_assert_msg(e->nlink == row.nlink, "%s: links %lu, ls %lu", e->name,
			      (unsigned long)e->nlink, row.nlink);
		ck_assert_msg(strcmp(e->owner, row.owner) == 0, "%s: owner %s, ls %s", e->name,
			      e->owner, row.owner);
		ck_assert_msg(strcmp(e->group, row.group) == 0, "%s: group %s, ls %s", e->name,
			      e->group, row.group);
		if (e->type == LISTING_TYPE_CHAR || e->type == LISTING_TYPE_BLOCK) {
			struct stat st;

			ck_assert_int_eq(lstat(in_home(e->name), &st), 0);
			snprintf(size, sizeof size, "%u, %u", major(st.st_rdev), minor(st.st_rdev));
		} else {
			snprintf(size, sizeof size, "%lld", (long long)e->size);
		}
		ck_assert_msg(strcmp(size, row.size) == 0, "%s: size %s, ls %s", e->name, size,
			      row.size);
		if (e->type == LISTING_TYPE_LINK) {
			links++;
			ck_assert_msg(row.target != NULL, "%s: ls shows no target: %s", e->name, line);
			ck_assert_msg(strcmp(e->target, row.target) == 0, "%s: target '%s', ls '%s'",
				      e->name, e->target, row.target);
		} else {
			ck_assert_ptr_null(e->target);
		}
		if (strpbrk(mode, "sStT") != NULL)
			specials++;
		free(line);
	}
	ck_assert_int_eq(links, 6);
	ck_assert_int_ge(specials, 12);
	fs_listing_free(&l);
}
END_TEST

/* Run `ln -s -- target path` without a shell, so any byte survives. */
static int run_ln(const char *target, const char *path)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		execlp("ln", "ln", "-s", "--", target, path, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The bytes of a link, or NULL when path is not a link. */
static char *read_link(const char *path, ssize_t *len)
{
	char *buf = calloc(1, PATH_MAX);

	*len = readlink(path, buf, PATH_MAX);
	if (*len < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static const char *ln_targets[] = {
	"plain",
	"./plain",
	"dir/",
	"dir//nested",
	"../home/plain",
	"../home/./dir//nested/", /* a leading ".." climbs out and comes back */
	"my file with spaces",
	"caf\xc3\xa9 \xe2\x86\x92",
	"trailing/slash/",
	"-starts-with-dash",
	"with -> arrow",
	"'quoted' \"both\"",
	"$(not a command)",
	"@/dir", /* "@" becomes the absolute path of Home */
	"@/./dir//nested/",
	/* the 255-byte name is added at run time */
};

START_TEST(test_symlink_matches_ln)
{
	char target[PATH_MAX];
	char long_name[256];
	const char *t;
	ssize_t fs_len, ln_len;
	char *fs_text, *ln_text;

	memset(long_name, 'n', 255);
	long_name[255] = '\0';
	t = (size_t)_i < sizeof ln_targets / sizeof ln_targets[0] ? ln_targets[_i] : long_name;
	if (t[0] == '@')
		snprintf(target, sizeof target, "%s%s", home, t + 1);
	else
		snprintf(target, sizeof target, "%s", t);
	ck_assert_msg(fs_symlink_create(&roots, FS_ROOT_HOME, "", "by fs", 5, target,
					strlen(target)) == ERR_OK, "fs refused '%s'", target);
	ck_assert_int_eq(run_ln(target, in_home("by ln")), 0);
	fs_text = read_link(in_home("by fs"), &fs_len);
	ln_text = read_link(in_home("by ln"), &ln_len);
	ck_assert_ptr_nonnull(fs_text);
	ck_assert_ptr_nonnull(ln_text);
	ck_assert_msg(fs_len == ln_len && memcmp(fs_text, ln_text, (size_t)fs_len) == 0,
		      "target '%s': fs '%s', ln '%s'", target, fs_text, ln_text);
	free(fs_text);
	free(ln_text);
}
END_TEST

START_TEST(test_outside_targets_refused_where_ln_accepts)
{
	static const char *outside[] = {"/etc/shadow", "../../..", "/proc/self/root", "outside"};
	ssize_t len;

	for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
		ck_assert_int_eq(run_ln(outside[i], in_home(tu_fmt("ln%zu", i))), 0);
		ck_assert_int_eq(fs_symlink_create(&roots, FS_ROOT_HOME, "", "fs", 2, outside[i],
						   strlen(outside[i])), ERR_TARGET_OUTSIDE);
		ck_assert_ptr_null(read_link(in_home("fs"), &len));
	}
}
END_TEST

START_TEST(test_dotdot_after_a_name_refused_where_ln_accepts)
{
	/* ln -s stores these; the panel refuses them, since a later link at
	 * "dir" or "nested" would change where they lead */
	static const char *later[] = {"dir/nested/../../plain", "dir/../plain", "./dir/.."};
	ssize_t len;

	for (size_t i = 0; i < sizeof later / sizeof later[0]; i++) {
		ck_assert_int_eq(run_ln(later[i], in_home(tu_fmt("ln%zu", i))), 0);
		ck_assert_int_eq(fs_symlink_create(&roots, FS_ROOT_HOME, "", "fs", 2, later[i],
						   strlen(later[i])), ERR_TARGET_DOTDOT);
		ck_assert_ptr_null(read_link(in_home("fs"), &len));
	}
}
END_TEST

/* The differential suite. */
static Suite *differential_suite(void)
{
	Suite *s = suite_create("fs_differential");
	TCase *ls = tcase_create("ls -l");
	TCase *ln = tcase_create("ln -s");
	int n_targets = (int)(sizeof ln_targets / sizeof ln_targets[0]) + 1;

	tcase_add_checked_fixture(ls, setup, teardown);
	tcase_add_checked_fixture(ln, setup, teardown);
	tcase_set_timeout(ls, 30);
	tcase_add_test(ls, test_listing_matches_ls);
	tcase_add_loop_test(ln, test_symlink_matches_ln, 0, n_targets);
	tcase_add_test(ln, test_outside_targets_refused_where_ln_accepts);
	tcase_add_test(ln, test_dotdot_after_a_name_refused_where_ln_accepts);
	suite_add_tcase(s, ls);
	suite_add_tcase(s, ln);
	return s;
}

int main(void)
{
	return tu_run_suite(differential_suite());
}
