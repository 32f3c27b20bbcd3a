/* race: the fs_ API under directory/link swaps; counts escapes from the root (must be 0). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "fs.h"
#include "names.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define RACE_DEFAULT_OPS 10000UL
#define RACE_FULL_OPS 100000UL
#define RACE_SELFTEST_OPS 2000UL
#define RACE_DEFAULT_SECONDS 60.0
#define RACE_FULL_SECONDS 600.0
#define RACE_SELFTEST_SECONDS 30.0
#define RACE_MIN_SWAPS 1000UL    /* per phase: fewer and the test proved nothing */
#define RACE_CHECK_EVERY 1000UL  /* operations between full checks of outside */
#define RACE_PROGRESS_EVERY 10000UL
#define RACE_ESCAPES_SHOWN 20
#define RACE_CANARY_MAX 32
#define RACE_PENDING_MAX 8
#define RACE_PUBLISH_EVERY 64    /* attacker rounds between publishing counts */
#define RACE_STRETCH_ROUNDS 1024 /* attacker rounds in one way of swapping */
#define RACE_EXIT_HARD 99        /* automake's "hard error" */

/* The link d in root/a/b, deleted by the panel and made again by the test. */
#define RACE_D_TARGET "../../../outside/secret-1"

#define RACE_WATCH_MASK (IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_OPEN | IN_CREATE | \
			 IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_MOVED_FROM | \
			 IN_MOVED_TO | IN_CLOSE_WRITE)

/* One entry of a scratch tree: 'd' a directory, 'f' a file holding data,
 * 'l' a link holding data as its target, where a leading '@' stands for the
 * scratch base's absolute path. */
struct node {
	char kind;
	const char *path;
	const char *data;
};

/* The user's Home root. The attacker exchanges a <-> swap, a/b <-> a/lnk,
 * a/b/c <-> a/b/clnk and a/b/d <-> a/b/dfile; every link leads outside,
 * whatever has been swapped (a and swap, b and lnk, c and clnk always lie
 * at the same depth). The Web root, web, is exchanged with webswap, a link
 * to outside, as the account holder can do to their public_html. */
static const struct node root_tree[] = {
	{'d', "root", NULL},
	{'f', "root/keep.txt", "kept\n"},
	{'l', "root/swap", "../outside"},
	{'d', "root/a", NULL},
	{'f', "root/a/f-a.txt", "in a\n"},
	{'l', "root/a/lnk", "@/outside/sub"},
	{'d', "root/a/b", NULL},
	{'f', "root/a/b/f1", "one\n"},
	{'f', "root/a/b/f2", "two\n"},
	{'f', "root/a/b/dfile", "a file: never to be deleted\n"},
	{'l', "root/a/b/d", RACE_D_TARGET},
	{'l', "root/a/b/clnk", "../../../outside"},
	{'d', "root/a/b/c", NULL},
	{'f', "root/a/b/c/f3", "three\n"},
	{'d', "root/web", NULL},
	{'f', "root/web/index.html", "web\n"},
	{'l', "root/webswap", "../outside"},
};

/* The canaries outside the root. Their directories mirror the names the
 * panel uses (b, c, d) so that a followed link would land on something to
 * list, stat or delete; every other name (secret-*, olink*) exists only
 * here. */
static const struct node outside_tree[] = {
	{'d', "outside", NULL},
	{'f', "outside/secret-1", "canary secret 1\n"},
	{'f', "outside/secret-2", "canary secret 2\n"},
	{'f', "outside/secret-3", "canary secret 3\n"},
	{'f', "outside/secret-4", "canary secret 4\n"},
	{'l', "outside/olink", "secret-1"},
	{'l', "outside/d", "secret-2"},
	{'d', "outside/b", NULL},
	{'f', "outside/b/secret-b-1", "canary secret b 1\n"},
	{'l', "outside/b/d", "../secret-2"},
	{'d', "outside/b/c", NULL},
	{'f', "outside/b/c/secret-bc-1", "canary secret bc 1\n"},
	{'d', "outside/sub", NULL},
	{'f', "outside/sub/secret-sub-1", "canary secret sub 1\n"},
	{'l', "outside/sub/d", "../secret-3"},
	{'l', "outside/sub/olink", "../secret-4"},
	{'d', "outside/sub/c", NULL},
	{'f', "outside/sub/c/secret-subc-1", "canary secret subc 1\n"},
};

/* A directory of the root and a name or a link target in it. */
struct probe {
	const char *dir;
	const char *text;
};

static const char *const list_dirs[] = {"a", "a/b", "a/b/c", "swap", "swap/b", "a/lnk"};

static const struct probe resolve_probes[] = {
	{"", "a/b/f1"},
	{"", "swap/secret-1"},
	{"", "a/lnk/secret-sub-1"},
	{"", "a/b/c/secret-bc-1"},
	{"", "a/b/clnk/secret-2"},
	{"", "a/b/d"},
	{"", "@/root/a/b/f1"},
	{"", "@/root/swap/b/secret-b-1"},
	{"a/b", "c/f3"},
	{"a/b", "../../swap/b/secret-b-1"},
	{"a", "b/c/../f2"},
};

static const struct probe entry_probes[] = {
	{"", "a"},
	{"a", "b"},
	{"a/b", "d"},
	{"a/b", "c"},
	{"a", "secret-1"},
	{"swap", "secret-2"},
	{"a/b", "secret-b-1"},
	{"a/b", "secret-sub-1"},
	{"a/lnk", "olink"},
	{"a/b/c", "secret-bc-1"},
	{"a/b/c", "secret-3"},
};

static const char *const create_dirs[] = {"a/b", "a", "swap", "a/lnk", "a/b/c", "swap/b"};

static const char *const create_targets[] = {
	"f1", "../b/f2", "../../a/b/f1", "@/root/keep.txt", "../../swap/secret-1",
	"@/outside/secret-1", "../../../outside/secret-2",
};

static const struct probe delete_probes[] = {
	{"a/b", "d"},
	{"swap/b", "d"},
	{"a/lnk", "d"},
	{"a", "olink"},
	{"swap", "olink"},
	{"a/lnk", "olink"},
	{"a/b", "secret-b-1"},
	{"swap", "d"},
};

/* An entry outside the root, held open so that its deletion shows. */
struct canary {
	const char *path; /* below the scratch base */
	int fd;           /* O_PATH|O_NOFOLLOW */
	dev_t dev;
	ino_t ino;
	bool lost;        /* its deletion was counted */
};

/* An inotify watch on a directory outside the root. */
struct watch {
	int wd;
	const char *path;
};

/* A link this run made, still to be deleted. */
struct made {
	const char *dir;
	char name[32];
};

/* Counts the attacker publishes to the victim. */
struct attack_shared {
	unsigned long swaps;
	unsigned long misses;
};

/* One pair of names the attacker exchanges in a directory. */
struct swap_point {
	int dirfd;
	const char *one, *two;
};

enum op_kind { OP_LIST, OP_RESOLVE, OP_ENTRY, OP_CREATE, OP_DELETE, OP_ROOTS, OP__MAX };

/* The whole run: the scratch tree, the detectors and the counts. */
struct race {
	char base[1024];        /* the scratch directory, canonical */
	int basefd, outfd;      /* O_PATH: the base, base/outside */
	int rootfd, afd, bfd, cfd; /* O_PATH: root and a, a/b, a/b/c wherever swapped */
	int dfile_fd;           /* the regular file swapped with the link d */
	int webfd;              /* O_PATH: the Web root wherever swapped */
	struct fs_ident home_id, web_id; /* the roots' identities when set up */
	struct fs_roots roots;  /* the user's roots: Home is base/root */
	struct canary canary[RACE_CANARY_MAX]; /* every entry outside */
	size_t ncanary;
	int inotify_fd;         /* watches every directory outside */
	struct watch watch[RACE_CANARY_MAX];
	size_t nwatch;
	char *snapshot;         /* the outside tree's fingerprint */
	bool unsafe;            /* --selftest-unsafe: naive path strings */
	pid_t attacker;
	struct attack_shared *shared;
	/* the operation under way */
	const char *phase;      /* "openat2", "fallback" or "unsafe" */
	char what[256];         /* what it does, for escape reports */
	bool escaped;           /* already counted as an escape */
	/* counts */
	unsigned long ops_wanted, ops, refused, escapes, shown, serial, leftovers;
	unsigned long kind_ops[OP__MAX], kind_refused[OP__MAX], turn[OP__MAX];
	struct made made[RACE_PENDING_MAX]; /* links made, to delete later */
	size_t made_first, made_count;
};

static struct race the_race;

static void teardown(struct race *r);

/* Stop everything and leave with a hard error: the test could not run. */
static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	static bool dying;
	va_list ap;

	if (dying) /* failing again while tearing down: just leave */
		exit(RACE_EXIT_HARD);
	dying = true;
	va_start(ap, fmt);
	fputs("race: error: ", stdout);
	vfprintf(stdout, fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	teardown(&the_race);
	exit(RACE_EXIT_HARD);
}

/* Seconds on the monotonic clock. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The path of rel below the scratch base, into out. */
static const char *race_path(const struct race *r, const char *rel, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", r->base, rel);
	return out;
}

/* Put the scratch base's absolute path in place of a leading '@'. */
static const char *expand(const struct race *r, const char *text, char *out, size_t size)
{
	if (text[0] != '@')
		return text;
	snprintf(out, size, "%s%s", r->base, text + 1);
	return out;
}

/* Say what the current operation does, for escape reports. */
static void describe(struct race *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void describe(struct race *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->what, sizeof r->what, fmt, ap);
	va_end(ap);
}

/* Count the current operation as an escape (once) and show the first
 * thing it touched outside. */
static void escape(struct race *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void escape(struct race *r, const char *fmt, ...)
{
	va_list ap;

	if (r->escaped)
		return;
	r->escaped = true;
	r->escapes++;
	if (r->shown >= RACE_ESCAPES_SHOWN)
		return;
	r->shown++;
	printf("race: ESCAPE (%s, operation %lu, %s): ", r->phase, r->ops, r->what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ------------------------------------------------------------------ */
/* Scratch trees.                                                      */

/* Compare two names for qsort. */
static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read the names of directory dirfd (an O_PATH fd will do), "." and ".."
 * left out, sorted; NULL when it cannot be read. Free with names_free. */
static char **names_read(int dirfd, size_t *count)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	*count = 0;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = realloc(names, cap * sizeof *names);
			if (names == NULL)
				die("out of memory");
		}
		names[n] = strdup(de->d_name);
		if (names[n++] == NULL)
			die("out of memory");
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, name_cmp);
	*count = n;
	return names;
}

/* Free what names_read returned. */
static void names_free(char **names, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

/* Make the entries of a tree table below the scratch base. */
static void tree_make(struct race *r, const struct node *nodes, size_t count)
{
	char buf[PATH_MAX];
	size_t i;

	for (i = 0; i < count; i++) {
		const struct node *n = &nodes[i];
		int fd, ok;

		if (n->kind == 'd') {
			ok = mkdirat(r->basefd, n->path, 0755) == 0;
		} else if (n->kind == 'l') {
			ok = symlinkat(expand(r, n->data, buf, sizeof buf), r->basefd, n->path) == 0;
		} else {
			fd = openat(r->basefd, n->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
			ok = fd >= 0 && write(fd, n->data, strlen(n->data)) == (ssize_t)strlen(n->data);
			if (fd >= 0)
				close(fd);
		}
		if (!ok)
			die("cannot make %s/%s: %s", r->base, n->path, strerror(errno));
	}
}

/* Remove name in parentfd and everything below it, following no link. */
static void tree_remove(int parentfd, const char *name)
{
	struct stat st;
	char **names;
	size_t n, i;
	int fd;

	if (fstatat(parentfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlinkat(parentfd, name, 0);
		return;
	}
	fd = openat(parentfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	names = names_read(fd, &n);
	for (i = 0; i < n; i++)
		tree_remove(fd, names[i]);
	names_free(names, n);
	close(fd);
	unlinkat(parentfd, name, AT_REMOVEDIR);
}

/* A growing text. */
struct text {
	char *s;
	size_t len, cap;
};

/* Append formatted text. */
static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("vsnprintf failed");
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		if (t->s == NULL)
			die("out of memory");
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* FNV-1a hash of a file's content, opened without following a link. */
static uint64_t content_hash(int dirfd, const char *name)
{
	uint64_t h = 14695981039346656037ULL;
	char buf[4096];
	ssize_t n, i;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return 0;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++)
			h = (h ^ (unsigned char)buf[i]) * 1099511628211ULL;
	}
	close(fd);
	return h;
}

/* Describe every entry below dirfd (named prefix) into t: path, type,
 * size, and a content hash or a link target. */
static void snapshot_dir(int dirfd, const char *prefix, struct text *t)
{
	size_t n, i;
	char **names = names_read(dirfd, &n);

	for (i = 0; i < n; i++) {
		char target[PATH_MAX], path[PATH_MAX];
		struct stat st;
		ssize_t len;
		int fd;

		snprintf(path, sizeof path, "%s/%s", prefix, names[i]);
		if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
			text_add(t, "%s vanished\n", path);
			continue;
		}
		text_add(t, "%s %o %lld ", path, (unsigned)st.st_mode, (long long)st.st_size);
		if (S_ISLNK(st.st_mode)) {
			len = readlinkat(dirfd, names[i], target, sizeof target - 1);
			target[len < 0 ? 0 : len] = '\0';
			text_add(t, "-> %s\n", target);
		} else if (S_ISREG(st.st_mode)) {
			text_add(t, "%016llx\n", (unsigned long long)content_hash(dirfd, names[i]));
		} else {
			text_add(t, "\n");
		}
		if (!S_ISDIR(st.st_mode))
			continue;
		fd = openat(dirfd, names[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			snapshot_dir(fd, path, t);
			close(fd);
		}
	}
	names_free(names, n);
}

/* The fingerprint of everything outside the root (malloc'd). */
static char *snapshot_outside(const struct race *r)
{
	struct text t = {NULL, 0, 0};

	text_add(&t, "outside\n");
	snapshot_dir(r->outfd, "outside", &t);
	return t.s;
}

/* Open a directory of the scratch tree by its fixed name below dirfd. */
static int open_fixture_dir(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		die("cannot open %s: %s", name, strerror(errno));
	return fd;
}

/* Hold every outside entry open and watch every outside directory. */
static void canaries_arm(struct race *r)
{
	char path[PATH_MAX];
	struct stat st;
	size_t i;

	r->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (r->inotify_fd < 0)
		die("inotify_init1: %s", strerror(errno));
	for (i = 0; i < COUNT(outside_tree); i++) {
		struct canary *c = &r->canary[r->ncanary++];

		c->path = outside_tree[i].path;
		c->fd = openat(r->basefd, c->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (c->fd < 0 || fstat(c->fd, &st) != 0)
			die("cannot open canary %s: %s", c->path, strerror(errno));
		c->dev = st.st_dev;
		c->ino = st.st_ino;
		if (outside_tree[i].kind != 'd')
			continue;
		snprintf(path, sizeof path, "%s/%s", r->base, c->path);
		r->watch[r->nwatch].path = c->path;
		r->watch[r->nwatch].wd = inotify_add_watch(r->inotify_fd, path, RACE_WATCH_MASK);
		if (r->watch[r->nwatch++].wd < 0)
			die("inotify_add_watch %s: %s", path, strerror(errno));
	}
}

/* Build the scratch tree, open its fixed fds, the user's roots, and arm
 * the detectors. */
static void setup(struct race *r)
{
	const char *tmp = getenv("TMPDIR");
	char tmpl[PATH_MAX], root[PATH_MAX], *real;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(tmpl, sizeof tmpl, "%s/filepanel-race-XXXXXX", tmp);
	if (mkdtemp(tmpl) == NULL || (real = realpath(tmpl, NULL)) == NULL)
		die("cannot make a scratch directory in %s: %s", tmp, strerror(errno));
	if (strlen(real) >= sizeof r->base) {
		rmdir(real);
		die("the scratch directory's path is too long: %s", real);
	}
	strcpy(r->base, real);
	free(real);
	r->basefd = open_fixture_dir(AT_FDCWD, r->base);
	tree_make(r, outside_tree, COUNT(outside_tree));
	tree_make(r, root_tree, COUNT(root_tree));
	r->outfd = open_fixture_dir(r->basefd, "outside");
	r->rootfd = open_fixture_dir(r->basefd, "root");
	r->afd = open_fixture_dir(r->rootfd, "a");
	r->bfd = open_fixture_dir(r->afd, "b");
	r->cfd = open_fixture_dir(r->bfd, "c");
	r->dfile_fd = openat(r->bfd, "dfile", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (r->dfile_fd < 0)
		die("cannot open dfile: %s", strerror(errno));
	snprintf(root, sizeof root, "%s/root", r->base);
	if (fs_roots_open(&r->roots, root, NULL, NULL) != ERR_OK)
		die("fs_roots_open %s failed", root);
	r->webfd = open_fixture_dir(r->rootfd, "web");
	r->home_id = r->roots.root[FS_ROOT_HOME].id;
	if (fs_ident_of_path(race_path(r, "root/web", root, sizeof root), &r->web_id) != ERR_OK)
		die("cannot tell the identity of the Web root");
	r->snapshot = snapshot_outside(r);
	canaries_arm(r);
}

/* ------------------------------------------------------------------ */
/* The attacker.                                                       */

/* Exchange each pair of names, over and over, until killed: by turns a
 * stretch of rounds that flip each pair (the tree stays half swapped) and
 * one that flips each pair and back at once (the tree is mostly whole, so
 * operations get further before a swap lands under them). Only final
 * components and fds of real directories are used, so the attacker never
 * follows a link (and never touches outside itself). */
static void attack(struct attack_shared *shared, const struct swap_point *points,
		   size_t count) __attribute__((noreturn));
static void attack(struct attack_shared *shared, const struct swap_point *points, size_t count)
{
	unsigned long swaps = 0, misses = 0, round;
	size_t i, flips, k;

	for (round = 0;; round++) {
		flips = (round / RACE_STRETCH_ROUNDS) % 2 ? 2 : 1;
		for (i = 0; i < count; i++) {
			for (k = 0; k < flips; k++) {
				if (renameat2(points[i].dirfd, points[i].one, points[i].dirfd,
					      points[i].two, RENAME_EXCHANGE) == 0)
					swaps++;
				else
					misses++;
			}
		}
		if (round % RACE_PUBLISH_EVERY == 0) {
			__atomic_store_n(&shared->swaps, swaps, __ATOMIC_RELAXED);
			__atomic_store_n(&shared->misses, misses, __ATOMIC_RELAXED);
		}
	}
}

/* Swaps the attacker has reported so far. */
static unsigned long attacker_swaps(const struct race *r)
{
	return __atomic_load_n(&r->shared->swaps, __ATOMIC_RELAXED);
}

/* Pin the calling process to the which-th CPU it may use (0 or 1), so
 * that the attacker and the victim run side by side rather than by turns;
 * nothing is done on a single CPU. */
static void pin_to_cpu(int which)
{
	cpu_set_t allowed, one;
	int cpu, seen = 0;

	if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) < 2)
		return;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed) || seen++ != which)
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		sched_setaffinity(0, sizeof one, &one);
		return;
	}
}

/* Fork the attacker and wait until it is swapping. */
static void attacker_start(struct race *r)
{
	const struct swap_point points[] = {
		{r->rootfd, "a", "swap"},
		{r->afd, "b", "lnk"},
		{r->bfd, "c", "clnk"},
		{r->bfd, "d", "dfile"},
		{r->rootfd, "web", "webswap"},
	};
	pid_t parent = getpid();
	double give_up = now() + 10.0;

	r->shared = mmap(NULL, sizeof *r->shared, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r->shared == MAP_FAILED) {
		r->shared = NULL;
		die("mmap: %s", strerror(errno));
	}
	fflush(stdout);
	r->attacker = fork();
	if (r->attacker < 0)
		die("fork: %s", strerror(errno));
	if (r->attacker == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		pin_to_cpu(1);
		attack(r->shared, points, COUNT(points));
	}
	pin_to_cpu(0);
	while (attacker_swaps(r) == 0) {
		if (now() > give_up)
			die("the attacker could not swap anything in 10 s (does the file"
			    " system of TMPDIR support renameat2 RENAME_EXCHANGE?)");
		usleep(1000);
	}
}

/* Kill the attacker and reap it. */
static void attacker_stop(struct race *r)
{
	if (r->attacker <= 0)
		return;
	kill(r->attacker, SIGKILL);
	while (waitpid(r->attacker, NULL, 0) < 0 && errno == EINTR)
		continue;
	r->attacker = 0;
}

/* ------------------------------------------------------------------ */
/* The detectors.                                                      */

/* Whether a name exists only outside the root. */
static bool is_canary_name(const char *name, size_t len)
{
	return (len >= 7 && memcmp(name, "secret-", 7) == 0) ||
	       (len >= 5 && memcmp(name, "olink", 5) == 0);
}

/* The outside entry a stat describes, or NULL. */
static const struct canary *canary_of(const struct race *r, const struct stat *st)
{
	size_t i;

	for (i = 0; i < r->ncanary; i++) {
		if (r->canary[i].dev == st->st_dev && r->canary[i].ino == st->st_ino)
			return &r->canary[i];
	}
	return NULL;
}

/* A name in a listing of the root must not be one from outside. */
static void check_listed_name(struct race *r, const char *name)
{
	if (is_canary_name(name, strlen(name)))
		escape(r, "listed %s, which exists only outside the root", name);
}

/* The directory a listing read must not be an outside one. */
static void check_listed_dir(struct race *r, int fd)
{
	const struct canary *c;
	struct stat st;

	if (fstat(fd, &st) == 0 && (c = canary_of(r, &st)) != NULL)
		escape(r, "read the directory %s", c->path);
}

/* A destination the panel claims, (root, rel), must not be outside: no
 * component may be a name found only outside, and the entry, opened
 * beneath the root, must not be an outside one. */
static void check_dest(struct race *r, int root, const char *rel)
{
	char parent[NAMES_PATH_MAX];
	const struct canary *c;
	const char *p = rel, *last;
	struct stat st;
	int fd;

	while (*p != '\0') {
		const char *end = strchrnul(p, '/');

		if (is_canary_name(p, (size_t)(end - p))) {
			escape(r, "claims to lead to %s, a name found only outside", rel);
			return;
		}
		p = *end ? end + 1 : end;
	}
	if (rel[0] == '\0' || names_rel_split(rel, parent, sizeof parent, &last) != ERR_OK)
		return;
	if (fs_open_dir(&r->roots, root, parent, &fd) != ERR_OK)
		return;
	if (fstatat(fd, last, &st, AT_SYMLINK_NOFOLLOW) == 0 && (c = canary_of(r, &st)) != NULL)
		escape(r, "claims to lead to %s, which is %s", rel, c->path);
	close(fd);
}

/* Check one entry the panel filled: its name and, for a link it says it
 * followed, where it leads. */
static void check_entry(struct race *r, const struct listing_entry *e)
{
	check_listed_name(r, e->name);
	if (e->stated && e->type == LISTING_TYPE_LINK && e->link_state == LISTING_LINK_OK &&
	    e->dest_root >= 0 && e->dest_rel != NULL)
		check_dest(r, e->dest_root, e->dest_rel);
}

/* The outside directory an inotify watch descriptor names. */
static const char *watch_path(const struct race *r, int wd)
{
	size_t i;

	for (i = 0; i < r->nwatch; i++) {
		if (r->watch[i].wd == wd)
			return r->watch[i].path;
	}
	return "outside (unknown watch)";
}

/* What an inotify event says happened. */
static const char *event_verb(uint32_t mask)
{
	static const struct {
		uint32_t bit;
		const char *verb;
	} verbs[] = {
		{IN_Q_OVERFLOW, "lost track of (too many events)"},
		{IN_CREATE, "created"},
		{IN_DELETE, "deleted"},
		{IN_DELETE_SELF, "deleted"},
		{IN_MOVED_FROM, "moved away"},
		{IN_MOVED_TO, "moved in"},
		{IN_MOVE_SELF, "moved"},
		{IN_MODIFY, "modified"},
		{IN_CLOSE_WRITE, "wrote"},
		{IN_ATTRIB, "changed the attributes of"},
		{IN_OPEN, "opened"},
		{IN_ACCESS, "read"},
		{IN_IGNORED, "stopped watching"},
	};
	size_t i;

	for (i = 0; i < COUNT(verbs); i++) {
		if (mask & verbs[i].bit)
			return verbs[i].verb;
	}
	return "touched";
}

/* Read every pending inotify event; each is an escape when report is set
 * (the panel touched outside), else the test's own reading. */
static void drain_events(struct race *r, bool report)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(r->inotify_fd, buf, sizeof buf)) > 0) {
		const char *p = buf;

		while (report && p < buf + n) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			escape(r, "%s %s%s%s", event_verb(ev->mask), watch_path(r, ev->wd),
			       ev->len ? "/" : "", ev->len ? ev->name : "");
			p += sizeof *ev + ev->len;
		}
	}
}

/* Make the regular file dfile (and the link d) afresh after dfile was
 * deleted, so that every later deletion is caught too. Neither name holds
 * a regular file now, so whatever the attacker swaps, both are links. */
static void dfile_rearm(struct race *r)
{
	static const char content[] = "a file: never to be deleted\n";
	const char *const names[] = {"d", "dfile"};
	struct stat st;
	int tries, fd = -1;
	size_t i;

	for (tries = 0; fd < 0 && tries < 100; tries++) {
		for (i = 0; i < COUNT(names); i++) {
			if (fstatat(r->bfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				unlinkat(r->bfd, names[i], 0);
		}
		fd = openat(r->bfd, "dfile", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd < 0 || write(fd, content, sizeof content - 1) != (ssize_t)(sizeof content - 1))
		die("cannot make root/a/b/dfile again: %s", strerror(errno));
	symlinkat(RACE_D_TARGET, r->bfd, "d");
	close(r->dfile_fd);
	r->dfile_fd = fd;
}

/* After every operation: nothing outside was touched or deleted, and the
 * regular file swapped with the link d was not deleted. */
static void check_aftermath(struct race *r)
{
	struct stat st;
	size_t i;

	drain_events(r, true);
	for (i = 0; i < r->ncanary; i++) {
		struct canary *c = &r->canary[i];

		if (!c->lost && fstat(c->fd, &st) == 0 && st.st_nlink == 0) {
			c->lost = true;
			escape(r, "deleted %s", c->path);
		}
	}
	if (fstat(r->dfile_fd, &st) == 0 && st.st_nlink == 0) {
		escape(r, "deleted root/a/b/dfile, a regular file, not a link");
		dfile_rearm(r);
	}
}

/* Compare the outside tree with the snapshot taken at the start; a change
 * counts once, then becomes the new reference. */
static void check_snapshot(struct race *r)
{
	char *now_snap;
	const char *a, *b;

	drain_events(r, true);
	now_snap = snapshot_outside(r);
	drain_events(r, false);
	if (strcmp(now_snap, r->snapshot) != 0) {
		for (a = r->snapshot, b = now_snap; *a && *a == *b; a++, b++)
			continue;
		while (a > r->snapshot && a[-1] != '\n') {
			a--;
			b--;
		}
		escape(r, "the outside tree changed; was \"%.*s\", now \"%.*s\"",
		       (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
		free(r->snapshot);
		r->snapshot = now_snap;
		return;
	}
	free(now_snap);
}

/* ------------------------------------------------------------------ */
/* Links the run makes, and the test's own tidying.                    */

/* Remove a link this run made wherever the swaps left it (a, b or c),
 * through the test's fixed fds. */
static void made_remove_directly(struct race *r, const char *name)
{
	const int dirs[] = {r->afd, r->bfd, r->cfd};
	struct stat st;
	size_t i;

	for (i = 0; i < COUNT(dirs); i++) {
		if (fstatat(dirs[i], name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			unlinkat(dirs[i], name, 0);
	}
}

/* Remember a link made in dir, to delete it later; when too many wait, the
 * oldest is removed by the test. */
static void made_push(struct race *r, const char *dir, const char *name)
{
	struct made *m;

	if (r->made_count == RACE_PENDING_MAX) {
		made_remove_directly(r, r->made[r->made_first].name);
		r->made_first = (r->made_first + 1) % RACE_PENDING_MAX;
		r->made_count--;
	}
	m = &r->made[(r->made_first + r->made_count++) % RACE_PENDING_MAX];
	m->dir = dir;
	snprintf(m->name, sizeof m->name, "%s", name);
}

/* Take the oldest remembered link; false when there is none. */
static bool made_pop(struct race *r, struct made *out)
{
	if (r->made_count == 0)
		return false;
	*out = r->made[r->made_first];
	r->made_first = (r->made_first + 1) % RACE_PENDING_MAX;
	r->made_count--;
	return true;
}

/* Tidy one directory of the root: remove every link this run made and
 * count entries fs_link_delete left aside. */
static void tidy_dir(struct race *r, int dirfd)
{
	static const char aside[] = ".filepanel-delete-";
	size_t n, i;
	char **names = names_read(dirfd, &n);

	for (i = 0; i < n; i++) {
		if (strncmp(names[i], "made-", 5) == 0)
			unlinkat(dirfd, names[i], 0);
		else if (strncmp(names[i], aside, sizeof aside - 1) == 0)
			r->leftovers++;
	}
	names_free(names, n);
}

/* Every RACE_CHECK_EVERY operations, and at the end: compare outside with
 * its snapshot and tidy the root. */
static void checkpoint(struct race *r)
{
	describe(r, "the check after %lu operations", r->ops);
	r->escaped = false;
	check_snapshot(r);
	check_aftermath(r);
	tidy_dir(r, r->afd);
	tidy_dir(r, r->bfd);
	tidy_dir(r, r->cfd);
	r->made_count = 0;
}

/* Whether target, found in (Home, dir), leads outside the root by its text
 * alone (the panel must refuse to make such a link). */
static bool target_outside(const struct race *r, const char *dir, const char *target)
{
	char dir_abs[NAMES_PATH_MAX], joined[2 * NAMES_PATH_MAX];
	const char *root = r->roots.root[FS_ROOT_HOME].abs, *rel;

	if (names_join(root, dir, strlen(dir), dir_abs, sizeof dir_abs) != ERR_OK ||
	    names_join(dir_abs, target, strlen(target), joined, sizeof joined) != ERR_OK)
		return false;
	return !names_below(root, joined, &rel);
}

/* After a link was made: it must not lead outside by its text; remember it
 * for a later delete. */
static void after_create(struct race *r, const char *dir, const char *name, const char *target)
{
	if (target_outside(r, dir, target))
		escape(r, "made a link to %s, which lies outside the root", target);
	made_push(r, dir, name);
}

/* After a delete answered e: a name found only outside must not have been
 * found at all; a deleted d is made again so the attack goes on. */
static void after_delete(struct race *r, const char *name, err_t e)
{
	if (is_canary_name(name, strlen(name)) && (e == ERR_OK || e == ERR_NOT_LINK))
		escape(r, "found %s to delete (%s)", name, err_code(e));
	if (e == ERR_OK && strcmp(name, "d") == 0)
		symlinkat(RACE_D_TARGET, r->bfd, "d");
}

/* ------------------------------------------------------------------ */
/* The operations through the panel's fs_ API.                         */

/* List a directory and stat every entry, as the listing page does. */
static err_t panel_list(struct race *r, const char *rel)
{
	struct fs_listing l;
	size_t i;
	err_t e = fs_list(&r->roots, FS_ROOT_HOME, rel, &l);

	if (e != ERR_OK)
		return e;
	fs_listing_stat_all(&r->roots, &l);
	check_listed_dir(r, l.dirfd);
	for (i = 0; i < l.count; i++)
		check_entry(r, &l.entries[i]);
	fs_listing_free(&l);
	return ERR_OK;
}

/* Resolve a link target as the panel shows where a link leads; anything
 * but "leads to an entry inside" counts as refused. */
static err_t panel_resolve(struct race *r, const char *dir, const char *target)
{
	struct fs_resolution res;
	err_t e = fs_resolve(&r->roots, FS_ROOT_HOME, dir, target, strlen(target), &res);

	if (e != ERR_OK)
		return e;
	if (res.state != LISTING_LINK_OK)
		return ERR_NOT_FOUND;
	check_dest(r, res.root, res.rel);
	return ERR_OK;
}

/* Stat one entry as the show and delete-confirm pages do. */
static err_t panel_entry(struct race *r, const char *dir, const char *name)
{
	struct listing_entry ent;
	err_t e = fs_entry_get(&r->roots, FS_ROOT_HOME, dir, name, &ent);

	if (e != ERR_OK)
		return e;
	if (is_canary_name(name, strlen(name)))
		escape(r, "found %s", name);
	check_entry(r, &ent);
	fs_entry_free(&ent);
	return ERR_OK;
}

/* Make a link as the create form does. */
static err_t panel_create(struct race *r, const char *dir, const char *name, const char *target)
{
	err_t e = fs_symlink_create(&r->roots, FS_ROOT_HOME, dir, name, strlen(name),
				    target, strlen(target));

	if (e == ERR_OK)
		after_create(r, dir, name, target);
	return e;
}

/* Delete a link as the delete form does. */
static err_t panel_delete(struct race *r, const char *dir, const char *name)
{
	char aside[FS_ASIDE_NAME_MAX];
	err_t e;

	fs_aside_name(aside);
	e = fs_link_delete(&r->roots, FS_ROOT_HOME, dir, name, strlen(name), NULL, aside);

	after_delete(r, name, e);
	return e;
}

/* Open the roots as a request does, by their configured paths and
 * identities, then list Web or make (and remove) a link in it. A swapped
 * Web root must be refused, never followed. */
static err_t panel_roots(struct race *r, unsigned long turn)
{
	char home[PATH_MAX], web[PATH_MAX], name[32];
	struct fs_root_spec spec[FS_ROOT__MAX] = {
		{race_path(r, "root", home, sizeof home), true, r->home_id},
		{race_path(r, "root/web", web, sizeof web), true, r->web_id},
		{NULL, false, {0, 0}},
	};
	struct fs_roots roots;
	struct fs_listing l;
	err_t e = fs_roots_open_spec(&roots, spec, NULL);

	if (e != ERR_OK)
		return e;
	if (turn % 2 == 0) {
		e = fs_list(&roots, FS_ROOT_WEB, "", &l);
		for (size_t i = 0; e == ERR_OK && i < l.count; i++)
			check_listed_name(r, l.entries[i].name);
		if (e == ERR_OK) {
			check_listed_dir(r, l.dirfd);
			fs_listing_free(&l);
		}
	} else {
		snprintf(name, sizeof name, "made-%lu", ++r->serial);
		e = fs_symlink_create(&roots, FS_ROOT_WEB, "", name, strlen(name), "index.html", 10);
		if (e == ERR_OK && unlinkat(r->webfd, name, 0) != 0)
			escape(r, "made %s somewhere but in the Web root", name);
	}
	fs_roots_close(&roots);
	return e;
}

/* ------------------------------------------------------------------ */
/* The same operations done naively (--selftest-unsafe): path strings the */
/* kernel resolves, following every link, as a careless file manager     */
/* would. They must be caught escaping, or the detectors prove nothing.  */

/* The path string of name in directory dir of the root ("" for none). */
static const char *naive_path(const struct race *r, const char *dir, const char *name,
			      char *out, size_t size)
{
	if (name[0] == '/')
		snprintf(out, size, "%s", name);
	else
		snprintf(out, size, "%s/root%s%s%s%s", r->base, dir[0] ? "/" : "", dir,
			 name[0] ? "/" : "", name);
	return out;
}

/* opendir() the path and read its names. */
static err_t naive_list(struct race *r, const char *rel)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(naive_path(r, rel, "", path, sizeof path));

	if (d == NULL)
		return err_from_errno(errno);
	check_listed_dir(r, dirfd(d));
	while ((de = readdir(d)) != NULL)
		check_listed_name(r, de->d_name);
	closedir(d);
	return ERR_OK;
}

/* stat() the target's path, following links. */
static err_t naive_resolve(struct race *r, const char *dir, const char *target)
{
	char path[PATH_MAX];
	const struct canary *c;
	struct stat st;

	if (stat(naive_path(r, dir, target, path, sizeof path), &st) != 0)
		return err_from_errno(errno);
	if ((c = canary_of(r, &st)) != NULL)
		escape(r, "reached %s", c->path);
	return ERR_OK;
}

/* lstat() the entry's path. */
static err_t naive_entry(struct race *r, const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if (lstat(naive_path(r, dir, name, path, sizeof path), &st) != 0)
		return err_from_errno(errno);
	if (is_canary_name(name, strlen(name)))
		escape(r, "found %s", name);
	return ERR_OK;
}

/* symlink() at the path. */
static err_t naive_create(struct race *r, const char *dir, const char *name, const char *target)
{
	char path[PATH_MAX];

	if (symlink(target, naive_path(r, dir, name, path, sizeof path)) != 0)
		return err_from_errno(errno);
	after_create(r, dir, name, target);
	return ERR_OK;
}

/* lstat() then unlink() the path when it was a link. */
static err_t naive_delete(struct race *r, const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	err_t e = ERR_NOT_LINK;

	naive_path(r, dir, name, path, sizeof path);
	if (lstat(path, &st) != 0)
		e = err_from_errno(errno);
	else if (S_ISLNK(st.st_mode))
		e = unlink(path) == 0 ? ERR_OK : err_from_errno(errno);
	after_delete(r, name, e);
	return e;
}

/* Use the Web root by its path string, following whatever is there now. */
static err_t naive_roots(struct race *r, unsigned long turn)
{
	char path[PATH_MAX], target[32];
	err_t e;

	if (turn % 2 == 0)
		return naive_list(r, "web");
	snprintf(target, sizeof target, "made-%lu", ++r->serial);
	if (symlink("index.html", naive_path(r, "web", target, path, sizeof path)) != 0)
		return err_from_errno(errno);
	e = unlinkat(r->webfd, target, 0) == 0 ? ERR_OK : ERR_IO;
	if (e != ERR_OK)
		escape(r, "made %s somewhere but in the Web root", target);
	return e;
}

/* ------------------------------------------------------------------ */
/* The round robin: each kind picks its arguments for this turn, says   */
/* what it does, and calls the panel (or, in the selftest, the naive).  */

/* List one of list_dirs. */
static err_t op_list(struct race *r, unsigned long turn)
{
	const char *rel = list_dirs[turn % COUNT(list_dirs)];

	describe(r, "list \"%s\"", rel);
	return r->unsafe ? naive_list(r, rel) : panel_list(r, rel);
}

/* Resolve one of resolve_probes. */
static err_t op_resolve(struct race *r, unsigned long turn)
{
	const struct probe *p = &resolve_probes[turn % COUNT(resolve_probes)];
	char buf[PATH_MAX];
	const char *target = expand(r, p->text, buf, sizeof buf);

	describe(r, "resolve \"%s\" in \"%s\"", target, p->dir);
	return r->unsafe ? naive_resolve(r, p->dir, target) : panel_resolve(r, p->dir, target);
}

/* Stat one of entry_probes. */
static err_t op_entry(struct race *r, unsigned long turn)
{
	const struct probe *p = &entry_probes[turn % COUNT(entry_probes)];

	describe(r, "stat \"%s\" in \"%s\"", p->text, p->dir);
	return r->unsafe ? naive_entry(r, p->dir, p->text) : panel_entry(r, p->dir, p->text);
}

/* Make a link with a fresh name: every directory meets every target. */
static err_t op_create(struct race *r, unsigned long turn)
{
	const char *dir = create_dirs[turn % COUNT(create_dirs)];
	const char *text = create_targets[(turn / COUNT(create_dirs)) % COUNT(create_targets)];
	char buf[PATH_MAX], name[32];
	const char *target = expand(r, text, buf, sizeof buf);

	snprintf(name, sizeof name, "made-%lu", ++r->serial);
	describe(r, "create \"%s\" -> \"%s\" in \"%s\"", name, target, dir);
	return r->unsafe ? naive_create(r, dir, name, target) : panel_create(r, dir, name, target);
}

/* Delete, by turns, the oldest link this run made and one of
 * delete_probes (pre-made links, and names found only outside). */
static err_t op_delete(struct race *r, unsigned long turn)
{
	struct made m;
	const char *dir, *name;

	if (turn % 2 == 0 && made_pop(r, &m)) {
		dir = m.dir;
		name = m.name;
	} else {
		dir = delete_probes[(turn / 2) % COUNT(delete_probes)].dir;
		name = delete_probes[(turn / 2) % COUNT(delete_probes)].text;
	}
	describe(r, "delete \"%s\" in \"%s\"", name, dir);
	return r->unsafe ? naive_delete(r, dir, name) : panel_delete(r, dir, name);
}

/* Open the roots and use Web, while Web is swapped with a link. */
static err_t op_roots(struct race *r, unsigned long turn)
{
	describe(r, "open the roots, then %s in Web", turn % 2 == 0 ? "list" : "make a link");
	return r->unsafe ? naive_roots(r, turn) : panel_roots(r, turn);
}

/* The kinds of operation, taken by turns. */
static const struct {
	const char *name;
	err_t (*run)(struct race *r, unsigned long turn);
} op_kinds[OP__MAX] = {
	[OP_LIST] = {"list", op_list},
	[OP_RESOLVE] = {"resolve", op_resolve},
	[OP_ENTRY] = {"stat", op_entry},
	[OP_CREATE] = {"create", op_create},
	[OP_DELETE] = {"delete", op_delete},
	[OP_ROOTS] = {"roots", op_roots},
};

/* Run the next operation of the round robin and the checks after it. */
static void run_op(struct race *r)
{
	enum op_kind kind = (enum op_kind)(r->ops % OP__MAX);
	err_t e;

	r->escaped = false;
	r->ops++;
	e = op_kinds[kind].run(r, r->turn[kind]++);
	r->kind_ops[kind]++;
	if (e != ERR_OK) {
		r->refused++;
		r->kind_refused[kind]++;
	}
	check_aftermath(r);
	if (r->ops % RACE_CHECK_EVERY == 0)
		checkpoint(r);
	if (r->ops % RACE_PROGRESS_EVERY == 0 && r->ops < r->ops_wanted)
		printf("race: %lu operations, %lu escapes, %lu swaps\n", r->ops, r->escapes,
		       attacker_swaps(r));
}

/* ------------------------------------------------------------------ */
/* Phases and the verdict.                                             */

/* What one phase did. */
struct phase_result {
	const char *name;
	unsigned long ops, escapes, refused, swaps;
	double seconds;
};

/* Run ops operations (or until deadline) in one walk mode and report. */
static struct phase_result run_phase(struct race *r, const char *name, fs_walk_mode mode,
				     unsigned long ops, double deadline)
{
	struct phase_result p = {name, r->ops, r->escapes, r->refused, attacker_swaps(r), now()};
	unsigned long kind_ops[OP__MAX], kind_refused[OP__MAX];
	char detail[256];
	size_t len = 0, k;

	memcpy(kind_ops, r->kind_ops, sizeof kind_ops);
	memcpy(kind_refused, r->kind_refused, sizeof kind_refused);
	fs_set_walk_mode(mode);
	r->phase = name;
	while (r->ops - p.ops < ops && now() < deadline)
		run_op(r);
	checkpoint(r);
	p.ops = r->ops - p.ops;
	p.escapes = r->escapes - p.escapes;
	p.refused = r->refused - p.refused;
	p.swaps = attacker_swaps(r) - p.swaps;
	p.seconds = now() - p.seconds;
	detail[0] = '\0';
	for (k = 0; k < OP__MAX; k++)
		len += (size_t)snprintf(detail + len, sizeof detail - len, "%s%s %lu/%lu",
					k ? ", " : "", op_kinds[k].name,
					r->kind_refused[k] - kind_refused[k], r->kind_ops[k] - kind_ops[k]);
	printf("race: %s: %lu operations in %.1f s, %lu escapes, %lu refused (%s), %lu swaps\n",
	       name, p.ops, p.seconds, p.escapes, p.refused, detail, p.swaps);
	return p;
}

/* Whether the kernel has openat2 (else the "openat2" phase also walks). */
static bool have_openat2(void)
{
#if defined(HAVE_LINUX_OPENAT2_H) && defined(SYS_openat2)
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof how);
	how.flags = O_PATH | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH;
	fd = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
	if (fd >= 0)
		close((int)fd);
	return fd >= 0 || errno != ENOSYS;
#else
	return false;
#endif
}

/* Whether a phase did what was asked and the attacker really attacked;
 * says why not. */
static bool phase_valid(const struct phase_result *p, unsigned long wanted)
{
	bool ok = true;

	if (p->ops < wanted) {
		printf("race: FAIL: %s: only %lu of %lu operations before the time limit\n",
		       p->name, p->ops, wanted);
		ok = false;
	}
	if (p->swaps < RACE_MIN_SWAPS) {
		printf("race: FAIL: %s: the attacker swapped only %lu times (at least %lu needed)\n",
		       p->name, p->swaps, RACE_MIN_SWAPS);
		ok = false;
	}
	return ok;
}

/* Close everything, stop the attacker and remove the scratch tree. */
static void teardown(struct race *r)
{
	const int fds[] = {r->outfd, r->rootfd, r->afd, r->bfd, r->cfd, r->dfile_fd, r->webfd, r->inotify_fd};
	size_t i;

	attacker_stop(r);
	fs_roots_close(&r->roots);
	for (i = 0; i < COUNT(fds); i++) {
		if (fds[i] >= 0)
			close(fds[i]);
	}
	for (i = 0; i < r->ncanary; i++)
		close(r->canary[i].fd);
	r->ncanary = 0;
	if (r->basefd >= 0) {
		close(r->basefd);
		tree_remove(AT_FDCWD, r->base);
	}
	r->basefd = -1;
	free(r->snapshot);
	r->snapshot = NULL;
	if (r->shared != NULL)
		munmap(r->shared, sizeof *r->shared);
	r->shared = NULL;
}

/* Command-line settings. */
struct options {
	unsigned long ops;
	double seconds;
	bool unsafe;
};

/* Print the usage and leave. */
static void usage(void) __attribute__((noreturn));
static void usage(void)
{
	fputs("usage: race [--full] [--ops N] [--seconds S]\n", stderr);
	exit(2);
}

/* Parse the command line. */
static struct options parse_options(int argc, char **argv)
{
	struct options o = {RACE_DEFAULT_OPS, 0, false};
	bool full = false;
	char *end;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--full") == 0) {
			full = true;
			o.ops = RACE_FULL_OPS;
		} else if (strcmp(argv[i], "--selftest-unsafe") == 0) {
			o.unsafe = true;
		} else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc) {
			o.ops = strtoul(argv[++i], &end, 10);
			if (*end != '\0' || o.ops < 2)
				usage();
		} else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			o.seconds = strtod(argv[++i], &end);
			if (*end != '\0' || !(o.seconds > 0))
				usage();
		} else {
			usage();
		}
	}
	if (o.unsafe && o.ops == RACE_DEFAULT_OPS)
		o.ops = RACE_SELFTEST_OPS;
	if (o.seconds == 0)
		o.seconds = o.unsafe ? RACE_SELFTEST_SECONDS :
			    full ? RACE_FULL_SECONDS : RACE_DEFAULT_SECONDS;
	return o;
}

/* The selftest: the naive operations must be caught escaping. */
static int run_selftest(struct race *r, const struct options *o)
{
	struct phase_result p;
	double start = now();

	r->unsafe = true;
	p = run_phase(r, "unsafe", FS_WALK_AUTO, o->ops, start + o->seconds);
	attacker_stop(r);
	printf("race: attacker: %lu swaps (%lu missed) in %.1f s\n", r->shared->swaps,
	       r->shared->misses, now() - start);
	if (r->escapes == 0)
		printf("race: FAIL: the naive operations were never caught escaping\n");
	printf("race: %lu operations (unsafe path strings), %lu escapes, %lu refused\n",
	       r->ops, r->escapes, r->refused);
	return r->escapes > 0 && p.swaps >= RACE_MIN_SWAPS ? 0 : 1;
}

/* The test proper: half the operations with openat2, half with the
 * fallback walk; no escape allowed. */
static int run_race(struct race *r, const struct options *o)
{
	struct phase_result first, second;
	unsigned long half = o->ops / 2;
	double start = now();
	bool ok;

	if (!have_openat2())
		printf("race: note: this kernel lacks openat2; both phases use the walk\n");
	first = run_phase(r, "openat2", FS_WALK_AUTO, half, start + o->seconds / 2);
	second = run_phase(r, "fallback", FS_WALK_FALLBACK, o->ops - half, start + o->seconds);
	attacker_stop(r);
	r->phase = "end";
	checkpoint(r);
	printf("race: attacker: %lu swaps (%lu missed) in %.1f s; %lu entries left aside by deletes\n",
	       r->shared->swaps, r->shared->misses, now() - start, r->leftovers);
	ok = phase_valid(&first, half);
	ok = phase_valid(&second, o->ops - half) && ok;
	if (r->escapes > 0)
		printf("race: FAIL: something outside the root was read, created or deleted\n");
	printf("race: %lu operations (%lu openat2, %lu fallback), %lu escapes, %lu refused\n",
	       r->ops, first.ops, second.ops, r->escapes, r->refused);
	return ok && r->escapes == 0 ? 0 : 1;
}

/* Set up, attack, judge, clean up. */
int main(int argc, char **argv)
{
	struct race *r = &the_race;
	struct options o = parse_options(argc, argv);
	int status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	r->basefd = r->outfd = r->rootfd = r->afd = r->bfd = r->cfd = -1;
	r->dfile_fd = r->webfd = r->inotify_fd = -1;
	r->phase = "setup";
	fs_roots_init(&r->roots);
	setup(r);
	attacker_start(r);
	r->ops_wanted = o.ops;
	status = o.unsafe ? run_selftest(r, &o) : run_race(r, &o);
	teardown(r);
	return status;
}
