/* testutil: helpers shared by the unit tests. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

/* Make a fresh scratch directory and return its canonical path. */
char *tu_mkdtemp(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char tmpl[PATH_MAX];
	char *real;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	snprintf(tmpl, sizeof tmpl, "%s/filepanel-%s-XXXXXX", base, tag);
	ck_assert_msg(mkdtemp(tmpl) != NULL, "mkdtemp %s: %s", tmpl, strerror(errno));
	real = realpath(tmpl, NULL);
	ck_assert_ptr_nonnull(real);
	return real;
}

/* nftw callback removing one entry, links included, never followed. */
static int tu_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	(void)flag;
	remove(path);
	return 0;
}

/* nftw pre-pass making every directory searchable and writable. */
static int tu_chmod_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_D || flag == FTW_DNR)
		chmod(path, 0700);
	(void)st;
	return 0;
}

/* Remove a tree without following links. */
void tu_rm_rf(const char *path)
{
	nftw(path, tu_chmod_one, 32, FTW_PHYS);
	nftw(path, tu_rm_one, 32, FTW_DEPTH | FTW_PHYS);
}

/* Write a file with the given content. */
void tu_write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "fopen %s: %s", path, strerror(errno));
	fputs(content, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Run a shell command and return its standard output. */
char *tu_run(const char *command, int *status)
{
	FILE *p = popen(command, "r");
	size_t cap = 4096, len = 0, n;
	char *out = malloc(cap);
	int rc;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(out);
	while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			out = realloc(out, cap);
			ck_assert_ptr_nonnull(out);
		}
	}
	out[len] = '\0';
	rc = pclose(p);
	if (status != NULL)
		*status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
	return out;
}

/* Format into a static rotating buffer. */
char *tu_fmt(const char *fmt, ...)
{
	static char bufs[8][8192];
	static int next;
	char *b = bufs[next++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof bufs[0], fmt, ap);
	va_end(ap);
	return b;
}

/* Write text to a /proc file of this process. */
static int tu_write_proc(const char *file, const char *text)
{
	FILE *f = fopen(file, "w");
	int rc = f != NULL && fputs(text, f) >= 0 ? 0 : -1;

	if (f != NULL && fclose(f) != 0)
		rc = -1;
	return rc;
}

/* Enter a user namespace where this process's user is root. */
static int tu_enter_userns(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER) != 0 || tu_write_proc("/proc/self/setgroups", "deny") != 0)
		return -1;
	snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
	if (tu_write_proc("/proc/self/uid_map", map) != 0)
		return -1;
	snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
	return tu_write_proc("/proc/self/gid_map", map);
}

/* Mount a tmpfs at path in a private mount namespace. */
int tu_private_tmpfs(const char *path)
{
	if (geteuid() != 0 && tu_enter_userns() != 0)
		return -1;
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	return mount("tmpfs", path, "tmpfs", 0, "size=1m");
}

/* Run a suite and print Check's summary line. */
int tu_run_suite(Suite *suite)
{
	SRunner *sr = srunner_create(suite);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
