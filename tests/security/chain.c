/* chain: the stateful randomised test of stored link targets. Thousands of
 * random sequences of panel operations (Create Link, Delete) on an
 * account's roots, beside a second account; after every operation the
 * kernel is asked where every link in the roots leads (it opens the link's
 * path, following it, and says where it landed; for a dangling link, where
 * its parent leads, as `readlink -f` does). No link may lead outside the
 * account's roots, ever. A naive control (the rule the panel had before:
 * each target checked alone, a dangling one accepted) runs the same
 * sequences and must be caught, or the detector proves nothing.
 *
 * Usage: chain [--sequences N] [--seed S] [--naive] [--verbose]
 * Prints one summary line "chain: MODE: N sequences, N operations, N links
 * made, N escapes" and exits 0 when the escapes are as expected (0, or at
 * least 1 with --naive). */
#include "config.h"

#include <errno.h>
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
#include "names.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define CHAIN_SEQUENCES 3000UL
#define CHAIN_OPS_PER_SEQUENCE 12
#define CHAIN_MAX_COMPONENTS 4
#define CHAIN_LINKS_MAX 256

/* The fixture: the account's Home (with Web and FTP inside), another
 * account beside it, and something outside both. */
static const char *const chain_dirs[] = {
	"alice", "alice/a", "alice/a/b", "alice/public_html", "alice/public_html/img",
	"alice/public_ftp", "bob", "bob/public_html", "outside",
};
static const char *const chain_files[] = {
	"alice/a/b/file", "alice/public_html/index.html", "bob/public_html/wp-config.php",
	"bob/secret", "outside/secret",
};

/* Where the panel may make links: the account's real directories, as
 * (root, directory). */
static const struct {
	fs_root_id root;
	const char *dir;
} chain_places[] = {
	{FS_ROOT_HOME, ""}, {FS_ROOT_HOME, "a"}, {FS_ROOT_HOME, "a/b"},
	{FS_ROOT_WEB, ""}, {FS_ROOT_WEB, "img"}, {FS_ROOT_FTP, ""},
};

/* The names a sequence uses for links: few, so that they collide, fill in
 * the components of each other's targets, and shadow directories (a name
 * given twice is drawn more often). */
static const char *const chain_names[] = {"d", "d", "x", "x", "p", "a", "b", "img",
					  "public_html"};

/* The components targets are made of, weighted: ".." and the link names
 * most, so that a ".." after a name that a later link fills in is common. */
static const char *const chain_components[] = {
	"..", "..", "..", "..", ".", "d", "d", "d", "x", "x", "p", "a", "b", "img", "alice",
	"bob", "bob", "secret", "public_html", "file", "outside",
};

/* A link the sequence made, to delete later. */
struct chain_link {
	int place;
	char name[32];
};

/* The whole run. */
struct chain {
	char base[PATH_MAX];
	char home[PATH_MAX], web[PATH_MAX], ftp[PATH_MAX];
	struct fs_roots roots;
	uint64_t rng;
	bool naive, verbose;
	struct chain_link links[CHAIN_LINKS_MAX];
	size_t nlinks;
	unsigned long ops, made, escapes, sequence;
	char history[CHAIN_OPS_PER_SEQUENCE][512];
	int nhistory;
};

/* Stop with a message. */
static void chain_die(const char *what)
{
	fprintf(stderr, "chain: %s: %s\n", what, strerror(errno));
	exit(99);
}

/* The next pseudo-random number (xorshift64*): the same seed gives the
 * same run. */
static uint64_t chain_rand(struct chain *c)
{
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 2685821657736338717ULL;
}

/* A pseudo-random number below n. */
static size_t chain_below(struct chain *c, size_t n)
{
	return (size_t)(chain_rand(c) % n);
}

/* The absolute path of rel below the base, into out. */
static char *chain_path(const struct chain *c, const char *rel, char *out)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", c->base, rel);

	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		chain_die(rel);
	}
	return out;
}

/* Build the fixture under a fresh scratch directory. */
static void chain_setup(struct chain *c)
{
	const char *tmp = getenv("TMPDIR");
	char tmpl[PATH_MAX], p[PATH_MAX], *real;

	snprintf(tmpl, sizeof tmpl, "%s/filepanel-chain-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(tmpl) == NULL || (real = realpath(tmpl, NULL)) == NULL)
		chain_die("mkdtemp");
	snprintf(c->base, sizeof c->base, "%s", real);
	free(real);
	for (size_t i = 0; i < COUNT(chain_dirs); i++) {
		if (mkdir(chain_path(c, chain_dirs[i], p), 0755) != 0)
			chain_die(p);
	}
	for (size_t i = 0; i < COUNT(chain_files); i++) {
		int fd = open(chain_path(c, chain_files[i], p), O_WRONLY | O_CREAT | O_EXCL, 0644);

		if (fd < 0)
			chain_die(p);
		close(fd);
	}
	chain_path(c, "alice", c->home);
	chain_path(c, "alice/public_html", c->web);
	chain_path(c, "alice/public_ftp", c->ftp);
	if (fs_roots_open(&c->roots, c->home, c->web, c->ftp) != ERR_OK)
		chain_die("fs_roots_open");
}

/* nftw callback: remove one entry, never following a link. */
static int chain_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Remove the fixture. */
static void chain_teardown(struct chain *c)
{
	fs_roots_close(&c->roots);
	nftw(c->base, chain_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A random target: an optional absolute start, then components. */
static void chain_target(struct chain *c, char *out, size_t size)
{
	size_t n = 1 + chain_below(c, CHAIN_MAX_COMPONENTS), used = 0;
	int start = (int)chain_below(c, 8);

	out[0] = '\0';
	if (start == 0)
		used = (size_t)snprintf(out, size, "%s/", c->home);
	else if (start == 1)
		used = (size_t)snprintf(out, size, "%s/", c->base);
	for (size_t i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "/" : "",
					 chain_components[chain_below(c, COUNT(chain_components))]);
}

/* The old rule, for the naive control: the lexical join inside a root and
 * the resolver not saying outside, loop or denied now, then the link made
 * as it is; a dangling target passes. */
static err_t chain_naive_create(struct chain *c, int place, const char *name,
				const char *target)
{
	fs_root_id root = chain_places[place].root;
	const char *dir = chain_places[place].dir;
	char dir_abs[PATH_MAX], joined[2 * PATH_MAX], path[2 * PATH_MAX];
	struct fs_resolution res;
	const char *rel;

	names_join(c->roots.root[root].abs, dir, strlen(dir), dir_abs, sizeof dir_abs);
	if (names_join(dir_abs, target, strlen(target), joined, sizeof joined) != ERR_OK ||
	    !names_below(c->home, joined, &rel))
		return ERR_TARGET_OUTSIDE;
	if (fs_resolve(&c->roots, root, dir, target, strlen(target), &res) != ERR_OK ||
	    res.state == LISTING_LINK_OUTSIDE || res.state == LISTING_LINK_LOOP ||
	    res.state == LISTING_LINK_DENIED)
		return ERR_TARGET_OUTSIDE;
	if (snprintf(path, sizeof path, "%s/%s", dir_abs, name) >= (int)sizeof path)
		return ERR_PATH_TOO_LONG;
	return symlink(target, path) == 0 ? ERR_OK : ERR_EXISTS;
}

/* Remember what the sequence did, for the report of an escape. */
static void chain_note(struct chain *c, const char *verb, int place, const char *name,
		       const char *target, err_t e)
{
	if (c->nhistory >= CHAIN_OPS_PER_SEQUENCE)
		return;
	snprintf(c->history[c->nhistory++], sizeof c->history[0], "%s %s:%s/%s%s%s: %s", verb,
		 fs_root_name(chain_places[place].root), chain_places[place].dir, name,
		 target != NULL ? " -> " : "", target != NULL ? target : "", err_code(e));
}

/* One Create Link of a random name and target in a random place. */
static void chain_create(struct chain *c)
{
	int place = (int)chain_below(c, COUNT(chain_places));
	const char *name = chain_names[chain_below(c, COUNT(chain_names))];
	char target[PATH_MAX];
	err_t e;

	chain_target(c, target, sizeof target);
	if (c->naive)
		e = chain_naive_create(c, place, name, target);
	else
		e = fs_symlink_create(&c->roots, chain_places[place].root, chain_places[place].dir,
				      name, strlen(name), target, strlen(target));
	chain_note(c, "create", place, name, target, e);
	if (e == ERR_OK && c->nlinks < CHAIN_LINKS_MAX) {
		c->links[c->nlinks].place = place;
		snprintf(c->links[c->nlinks++].name, sizeof c->links[0].name, "%s", name);
		c->made++;
	}
}

/* One Delete of a link the sequence made. */
static void chain_delete(struct chain *c)
{
	char aside[FS_ASIDE_NAME_MAX];
	size_t i;
	struct chain_link l;
	err_t e;

	if (c->nlinks == 0)
		return;
	i = chain_below(c, c->nlinks);
	l = c->links[i];
	c->links[i] = c->links[--c->nlinks];
	fs_aside_name(aside);
	e = fs_link_delete(&c->roots, chain_places[l.place].root, chain_places[l.place].dir,
			   l.name, strlen(l.name), NULL, aside);
	chain_note(c, "delete", l.place, l.name, NULL, e);
}

/* Where the kernel says the link at path leads: it opens the path,
 * following every link, and /proc says where the fd landed; a dangling
 * link is judged by where its target's parent leads (readlink -f). false
 * when it leads nowhere at all. */
static bool chain_kernel_lead(const char *path, char *out, size_t size)
{
	char target[PATH_MAX], probe[2 * PATH_MAX], proc[64], *slash;
	ssize_t n;
	int fd = open(path, O_PATH | O_CLOEXEC);

	if (fd < 0) {
		n = readlink(path, target, sizeof target - 1);
		if (n <= 0)
			return false;
		target[n] = '\0';
		slash = strrchr(target, '/');
		if (slash == NULL)
			return false; /* a missing name in the link's own directory */
		*slash = '\0';
		snprintf(probe, sizeof probe, "%s%s%s", target[0] == '/' ? "" : path,
			 target[0] == '/' ? "" : "/../", target[0] ? target : "/");
		fd = open(probe, O_PATH | O_CLOEXEC);
		if (fd < 0)
			return false;
	}
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	n = readlink(proc, out, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	out[n] = '\0';
	return true;
}

/* nftw callback of the check: every link in the roots must lead into
 * them. (nftw keeps no context: the run is a static.) */
static struct chain *chain_checking;

/* Check one entry of the walk of the roots. */
static int chain_check_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	struct chain *c = chain_checking;
	char lead[PATH_MAX];
	const char *rel;

	(void)st;
	(void)ftw;
	if (flag != FTW_SL || !chain_kernel_lead(path, lead, sizeof lead))
		return 0;
	if (names_below(c->home, lead, &rel))
		return 0;
	c->escapes++;
	if (c->verbose || c->escapes <= 3) {
		printf("chain: ESCAPE in sequence %lu: %s leads to %s; the sequence:\n",
		       c->sequence, path + strlen(c->base) + 1, lead);
		for (int i = 0; i < c->nhistory; i++)
			printf("chain:   %s\n", c->history[i]);
	}
	return 0;
}

/* Ask the kernel where every link in the account's roots leads. */
static void chain_check(struct chain *c)
{
	chain_checking = c;
	nftw(c->home, chain_check_one, 16, FTW_PHYS);
}

/* Remove every link the sequence made (by the test, not the panel). */
static void chain_reset(struct chain *c)
{
	char path[2 * PATH_MAX];

	for (size_t i = 0; i < c->nlinks; i++) {
		const char *dir = chain_places[c->links[i].place].dir;

		snprintf(path, sizeof path, "%s%s%s/%s",
			 c->roots.root[chain_places[c->links[i].place].root].abs, *dir ? "/" : "",
			 dir, c->links[i].name);
		unlink(path);
	}
	c->nlinks = 0;
	c->nhistory = 0;
}

/* One random sequence, checked after each operation. */
static void chain_sequence(struct chain *c)
{
	for (int i = 0; i < CHAIN_OPS_PER_SEQUENCE; i++) {
		if (chain_below(c, 4) == 0)
			chain_delete(c);
		else
			chain_create(c);
		c->ops++;
		chain_check(c);
	}
	chain_reset(c);
}

/* Read the command line. */
static void chain_options(int argc, char **argv, struct chain *c, unsigned long *sequences)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--naive") == 0)
			c->naive = true;
		else if (strcmp(argv[i], "--verbose") == 0)
			c->verbose = true;
		else if (strcmp(argv[i], "--sequences") == 0 && i + 1 < argc)
			*sequences = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			c->rng = strtoull(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: chain [--sequences N] [--seed S] [--naive] [--verbose]\n");
			exit(2);
		}
	}
	if (c->rng == 0)
		c->rng = 0x9e3779b97f4a7c15ULL;
}

int main(int argc, char **argv)
{
	static struct chain c;
	unsigned long sequences = CHAIN_SEQUENCES;
	bool ok;

	setvbuf(stdout, NULL, _IOLBF, 0);
	chain_options(argc, argv, &c, &sequences);
	printf("chain: seed %llu\n", (unsigned long long)c.rng);
	chain_setup(&c);
	for (c.sequence = 1; c.sequence <= sequences; c.sequence++) {
		/* half the sequences with the O_NOFOLLOW walk, half with openat2 */
		fs_set_walk_mode(c.sequence % 2 ? FS_WALK_AUTO : FS_WALK_FALLBACK);
		chain_sequence(&c);
	}
	chain_teardown(&c);
	ok = c.naive ? c.escapes > 0 : c.escapes == 0;
	printf("chain: %s: %lu sequences, %lu operations, %lu links made, %lu escapes\n",
	       c.naive ? "naive control" : "panel", sequences, c.ops, c.made, c.escapes);
	return ok ? 0 : 1;
}
