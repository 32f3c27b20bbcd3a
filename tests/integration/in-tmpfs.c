/* in-tmpfs: run a command with a small tmpfs mounted at a directory that
 * only the command (and what it starts) sees: a mount namespace of its
 * own, and a user namespace too when not run as root, in which this user
 * is still itself. For the fault tests: a database on a tiny filesystem
 * that can be filled and made read-only, whoever runs the tests. The
 * command runs as a child; sent to this process (the command's parent),
 * SIGUSR1 puts a read-only view of the tmpfs over it (files opened from
 * then on cannot be written; the kernel refuses to make a filesystem with
 * files open for writing read-only as a whole) and SIGUSR2 takes it away
 * again (a child that is not root has no right to mount itself). Exits
 * with the command's status.
 *
 * Usage: in-tmpfs DIR KIB COMMAND [ARG...] */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

/* Write text to a file of /proc/self; 0 or -1. */
static int in_tmpfs_write(const char *file, const char *text)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? write(fd, text, strlen(text)) : -1;

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Enter a user namespace in which this process keeps its own user and
 * group, with the capabilities to mount there. */
static int in_tmpfs_userns(void)
{
	char map[64];
	unsigned uid = (unsigned)getuid(), gid = (unsigned)getgid();

	if (unshare(CLONE_NEWUSER) != 0 || in_tmpfs_write("/proc/self/setgroups", "deny") != 0)
		return -1;
	snprintf(map, sizeof map, "%u %u 1\n", uid, uid);
	if (in_tmpfs_write("/proc/self/uid_map", map) != 0)
		return -1;
	snprintf(map, sizeof map, "%u %u 1\n", gid, gid);
	return in_tmpfs_write("/proc/self/gid_map", map);
}

/* Run the command as a child, putting a read-only view over DIR on SIGUSR1
 * and taking it away on SIGUSR2, until it ends; its exit status. */
static int in_tmpfs_run(const char *dir, char **cmd)
{
	sigset_t set;
	pid_t child;
	int sig, status;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	child = fork();
	if (child == 0) {
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		execvp(cmd[0], cmd);
		fprintf(stderr, "in-tmpfs: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	for (;;) {
		if (child < 0 || sigwait(&set, &sig) != 0)
			return 1;
		if (sig == SIGCHLD && waitpid(child, &status, WNOHANG) == child)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (sig == SIGUSR1 && mount(dir, dir, NULL, MS_BIND, NULL) == 0)
			mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
		else if (sig == SIGUSR2)
			umount2(dir, MNT_DETACH);
	}
}

int main(int argc, char **argv)
{
	char opts[64];

	if (argc < 4) {
		fprintf(stderr, "usage: in-tmpfs DIR KIB COMMAND [ARG...]\n");
		return 2;
	}
	snprintf(opts, sizeof opts, "size=%sk,mode=0777", argv[2]);
	if ((geteuid() != 0 && in_tmpfs_userns() != 0) || unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", argv[1], "tmpfs", MS_NOSUID | MS_NODEV, opts) != 0) {
		fprintf(stderr, "in-tmpfs: cannot mount a tmpfs at %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return in_tmpfs_run(argv[1], argv + 3);
}
