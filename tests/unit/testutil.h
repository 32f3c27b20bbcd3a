/* testutil: small helpers shared by the unit tests: scratch directories,
 * files, running a command, and the common main() that prints Check's
 * summary line. */
#ifndef FILEPANEL_TESTUTIL_H
#define FILEPANEL_TESTUTIL_H

#include <check.h>
#include <stddef.h>

/* Make a fresh scratch directory under $TMPDIR (or /tmp) and return its
 * canonical path (malloc'd). Aborts the test on failure. */
char *tu_mkdtemp(const char *tag);

/* Remove a tree without following links (like rm -rf). */
void tu_rm_rf(const char *path);

/* Write a file with the given content (created or truncated). */
void tu_write_file(const char *path, const char *content);

/* Run a shell command and return its standard output (malloc'd, NUL
 * terminated); *status gets the exit status when not NULL. */
char *tu_run(const char *command, int *status);

/* Format into a static rotating buffer (8 buffers of 8 KiB). */
char *tu_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Mount a small tmpfs at the existing directory path, in a mount
 * namespace of this process alone (a user namespace too when not root), so
 * that nothing outside the test sees it and it goes with the process.
 * Returns 0, or -1 with errno. Call it in a forked test only. */
int tu_private_tmpfs(const char *path);

/* Run a suite with CK_NORMAL output (which prints the
 * "100%: Checks: N, Failures: 0, Errors: 0" line) and return the exit
 * status for main(). */
int tu_run_suite(Suite *suite);

#endif
