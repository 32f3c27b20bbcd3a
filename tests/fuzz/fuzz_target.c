/* fuzz_target: libFuzzer harness for the rule on stored link targets. The
 * input is a Source Filename typed for a link in Home/a of a small tree
 * (made once, with links already planted that climb, loop and leave); for
 * any target fs_symlink_check accepts, the kernel, asked where that target
 * leads from the link's directory, lands inside the roots or nowhere; the
 * resolver never takes more than a link's budget of steps; and a ".."
 * refused comes with a suggestion that passes the same rule. */
#include "config.h"

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "fuzz.h"
#include "names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_base[PATH_MAX], fuzz_home[PATH_MAX + 8], fuzz_dir[PATH_MAX + 16];
static struct fs_roots fuzz_roots;

/* Make a directory or a link of the fixture below the base. */
static void fuzz_make(const char *rel, const char *link_to)
{
	char path[2 * PATH_MAX];

	snprintf(path, sizeof path, "%s/%s", fuzz_base, rel);
	FUZZ_CHECK(link_to != NULL ? symlink(link_to, path) == 0 : mkdir(path, 0755) == 0);
}

/* nftw callback: remove one entry of the fixture, never following it. */
static int fuzz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Remove the fixture when the fuzzer exits. */
static void fuzz_cleanup(void)
{
	fs_roots_close(&fuzz_roots);
	nftw(fuzz_base, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Build the fixture once: base/{home/{a/b,public_html},other}, and links
 * that climb (up -> ..), point inside (in -> a/b), leave (out -> /etc,
 * other -> ../other), loop (loop -> loop) and lead to Home (self -> .). */
static void fuzz_fixture(void)
{
	const char *tmp = getenv("TMPDIR");
	char *real;

	snprintf(fuzz_base, sizeof fuzz_base, "%s/filepanel-fuzz-target-XXXXXX",
		 tmp != NULL && *tmp ? tmp : "/tmp");
	FUZZ_CHECK(mkdtemp(fuzz_base) != NULL);
	real = realpath(fuzz_base, NULL);
	FUZZ_CHECK(real != NULL);
	snprintf(fuzz_base, sizeof fuzz_base, "%s", real);
	free(real);
	fuzz_make("home", NULL);
	fuzz_make("home/a", NULL);
	fuzz_make("home/a/b", NULL);
	fuzz_make("home/public_html", NULL);
	fuzz_make("other", NULL);
	fuzz_make("home/up", "..");
	fuzz_make("home/a/up", "..");
	fuzz_make("home/in", "a/b");
	fuzz_make("home/out", "/etc");
	fuzz_make("home/a/other", "../../other");
	fuzz_make("home/loop", "loop");
	fuzz_make("home/self", ".");
	snprintf(fuzz_home, sizeof fuzz_home, "%s/home", fuzz_base);
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/home/a", fuzz_base);
	FUZZ_CHECK(fs_roots_open(&fuzz_roots, fuzz_home, NULL, NULL) == ERR_OK);
	atexit(fuzz_cleanup);
}

/* Where the kernel says target leads from Home/a: the path it opens, or
 * false when it opens nothing. */
static bool fuzz_kernel_lead(const char *target, char *out, size_t size)
{
	char path[2 * PATH_MAX + 8], proc[64];
	ssize_t n;
	int fd;

	if (target[0] == '/')
		snprintf(path, sizeof path, "%s", target);
	else
		snprintf(path, sizeof path, "%s/%s", fuzz_dir, target);
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return false;
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	n = readlink(proc, out, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	out[n] = '\0';
	return true;
}

/* Check the input as a target for a new link in Home/a. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *target, suggestion[NAMES_PATH_MAX], lead[PATH_MAX];
	size_t before;
	const char *rel;
	err_t e;

	if (fuzz_base[0] == '\0')
		fuzz_fixture();
	if (size > NAMES_TARGET_MAX)
		return 0;
	target = fuzz_strndup(data, size);
	fuzz_roots.budget.steps_left = FS_STEPS_PER_REQUEST;
	before = fuzz_roots.budget.steps_left;
	e = fs_symlink_check(&fuzz_roots, FS_ROOT_HOME, "a", "n", 1, target, size, suggestion,
			     sizeof suggestion);
	FUZZ_CHECK(before - fuzz_roots.budget.steps_left <= FS_STEPS_PER_LINK);
	if (e == ERR_OK && memchr(target, '\0', size) == NULL &&
	    fuzz_kernel_lead(target, lead, sizeof lead))
		FUZZ_CHECK(names_below(fuzz_home, lead, &rel));
	if (e == ERR_TARGET_DOTDOT && suggestion[0] != '\0')
		FUZZ_CHECK(names_check_target_dotdot(suggestion, strlen(suggestion), NULL, 0) ==
			   ERR_OK);
	free(target);
	return 0;
}
