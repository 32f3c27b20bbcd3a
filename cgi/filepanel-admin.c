/* filepanel-admin: the command line for accounts and the audit log. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "err.h"
#include "fs.h"
#include "http.h"
#include "names.h"
#include "store.h"

#define ADMIN_DEFAULT_DB "/var/lib/filepanel/filepanel.db"

enum admin_exit { ADMIN_OK = 0, ADMIN_FAILED = 1, ADMIN_USAGE = 2 };

struct admin_opts {
	const char *db;
	const char *home, *web, *ftp, *user, *interface, *address;
	long long limit;
};

static const char admin_usage_text[] =
	"usage: filepanel-admin [--db PATH] COMMAND [ARGS]\n"
	"\n"
	"commands:\n"
	"  init                          create the database, or bring it up to date\n"
	"  useradd NAME --home DIR [--web DIR] [--ftp DIR] [--interface new|legacy]\n"
	"                                add an account; the password is read from\n"
	"                                standard input (or asked for on a terminal)\n"
	"  usermod NAME [--home DIR] [--web DIR] [--ftp DIR]\n"
	"                                change an account's roots (\"\" for none) and\n"
	"                                record what each is now\n"
	"  passwd NAME                   set an account's password the same way, and\n"
	"                                end every session of the account\n"
	"  unlock NAME [--address ADDR]  forget NAME's failed logins (from every\n"
	"                                address, or from ADDR and ADDR's own)\n"
	"  userdel NAME                  delete an account and end its sessions\n"
	"  users                         list the accounts\n"
	"  audit [--user NAME] [--limit N]\n"
	"                                show the audit log, oldest first\n"
	"\n"
	"Web defaults to HOME/public_html and FTP to HOME/public_ftp when they exist.\n"
	"Each root's identity (device and inode) is recorded by useradd, usermod\n"
	"and init: the panel uses a root only while it is still that directory.\n"
	"The database is --db, else $FILEPANEL_DB, else " ADMIN_DEFAULT_DB ".\n";

/* Print a message for a person and return the failure exit code. */
static int admin_fail(const char *what, const char *sentence)
{
	if (what != NULL)
		fprintf(stderr, "filepanel-admin: %s: %s\n", what, sentence);
	else
		fprintf(stderr, "filepanel-admin: %s\n", sentence);
	return ADMIN_FAILED;
}

/* Print the usage and return the usage exit code. */
static int admin_usage(const char *problem)
{
	if (problem != NULL)
		fprintf(stderr, "filepanel-admin: %s\n\n", problem);
	fputs(admin_usage_text, stderr);
	return ADMIN_USAGE;
}

/* Read one password line: from a terminal without echo (asked twice), or
 * the first line of standard input. Returns the length, or -1. */
static long admin_read_password(char *buf, size_t size)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO);
	char again[AUTH_PASSWORD_MAX + 2];
	size_t len;

	if (tty) {
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
		fputs("Password: ", stderr);
	}
	if (fgets(buf, (int)size, stdin) == NULL)
		buf[0] = '\0';
	if (tty) {
		fputs("\nPassword again: ", stderr);
		if (fgets(again, sizeof again, stdin) == NULL)
			again[0] = '\0';
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputs("\n", stderr);
		if (strcmp(buf, again) != 0) {
			fputs("filepanel-admin: the two passwords differ\n", stderr);
			return -1;
		}
	}
	len = strcspn(buf, "\n");
	if (buf[len] != '\n' && len + 1 >= size) {
		fputs("filepanel-admin: that password is too long (at most 1024 bytes)\n", stderr);
		return -1;
	}
	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	if (len == 0) {
		fputs("filepanel-admin: the password is empty\n", stderr);
		return -1;
	}
	return (long)len;
}

/* Read a password and hash it into out. */
static int admin_new_hash(char out[AUTH_PWHASH_TEXT])
{
	char pw[AUTH_PASSWORD_MAX + 2];
	long len = admin_read_password(pw, sizeof pw);
	err_t e;

	if (len < 0)
		return ADMIN_FAILED;
	e = auth_password_hash(pw, (size_t)len, out);
	explicit_bzero(pw, sizeof pw);
	return e == ERR_OK ? ADMIN_OK : admin_fail("password", err_sentence(e));
}

/* Whether the directory that is to hold the database exists. */
static bool admin_db_dir_exists(const char *db)
{
	char copy[PATH_MAX];
	struct stat st;

	snprintf(copy, sizeof copy, "%s", db);
	return stat(dirname(copy), &st) == 0 && S_ISDIR(st.st_mode);
}

/* Refuse (printing why) when the database lies inside an account's roots. */
static int admin_db_outside(struct store *s, const char *db)
{
	char owner[STORE_NAME_MAX] = "";
	err_t e = store_db_check(s, db, owner, sizeof owner);

	if (e == ERR_OK)
		return ADMIN_OK;
	if (e == ERR_DB_IN_ROOT)
		fprintf(stderr, "filepanel-admin: %s: %s (it is inside the roots of '%s')\n", db,
			err_sentence(e), owner);
	else
		fprintf(stderr, "filepanel-admin: %s: %s\n", db, err_sentence(e));
	return ADMIN_FAILED;
}

/* Resolve a root given on the command line to its canonical path, or a
 * default below home when it exists; "" when absent. */
static int admin_root_path(const char *given, const char *home, const char *dflt,
			   char out[PATH_MAX], const char *label)
{
	struct stat st;
	char *real;

	out[0] = '\0';
	if (given == NULL) {
		if (home == NULL)
			return ADMIN_OK;
		snprintf(out, PATH_MAX, "%s/%s", home, dflt);
		if (lstat(out, &st) != 0 || !S_ISDIR(st.st_mode))
			out[0] = '\0';
		return ADMIN_OK;
	}
	real = realpath(given, NULL);
	if (real == NULL || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(real);
		fprintf(stderr, "filepanel-admin: %s '%s': %s\n", label, given,
			err_sentence(ERR_ROOT_NOT_DIR));
		return ADMIN_FAILED;
	}
	snprintf(out, PATH_MAX, "%s", real);
	free(real);
	return ADMIN_OK;
}

/* Open the database named by the options. */
static int admin_open(const struct admin_opts *o, struct store **s)
{
	err_t e = store_open(o->db, s);

	if (e != ERR_OK) {
		fprintf(stderr, "filepanel-admin: %s: %s\n", o->db, err_sentence(e));
		return ADMIN_FAILED;
	}
	return ADMIN_OK;
}

/* Record the identity each root of u has now (opened without following
 * any link) into ids; a root that is missing or reached through a link is
 * left unrecorded and named on stderr. Returns how many were left. */
static int admin_root_ids(const struct store_user *u, struct store_ident ids[STORE_ROOTS])
{
	static const char *const labels[STORE_ROOTS] = {"Home", "Web", "FTP"};
	const char *paths[STORE_ROOTS] = {u->home, u->web, u->ftp};
	int missing = 0;

	for (int i = 0; i < STORE_ROOTS; i++) {
		struct fs_ident id;

		ids[i] = (struct store_ident){0};
		if (paths[i][0] == '\0')
			continue;
		if (fs_ident_of_path(paths[i], &id) != ERR_OK) {
			fprintf(stderr, "filepanel-admin: %s: %s %s is not a directory reached without "
					"a symbolic link; the panel shows it as unavailable until it is "
					"(then run usermod %s)\n", u->name, labels[i], paths[i], u->name);
			missing++;
			continue;
		}
		ids[i] = (struct store_ident){true, id.dev, id.ino};
	}
	return missing;
}

/* Record the identities of u's roots that were never recorded. */
static void admin_record_missing_ids(const struct store_user *u, void *ctx)
{
	struct store_ident ids[STORE_ROOTS];
	struct store *s = ctx;
	bool any = false;

	for (int i = 0; i < STORE_ROOTS; i++)
		any |= !u->ids[i].known && (i == 0 ? u->home : i == 1 ? u->web : u->ftp)[0] != '\0';
	if (!any)
		return;
	admin_root_ids(u, ids);
	for (int i = 0; i < STORE_ROOTS; i++) {
		if (u->ids[i].known)
			ids[i] = u->ids[i];
	}
	if (store_user_set_roots(s, u->name, NULL, NULL, NULL, ids) == ERR_OK)
		printf("recorded the roots of %s\n", u->name);
}

/* The accounts of a store, read whole before any is changed. */
struct admin_users {
	struct store_user *v;
	size_t count, cap;
};

/* store_user_each callback: keep a copy of the account. */
static void admin_collect_user(const struct store_user *u, void *ctx)
{
	struct admin_users *all = ctx;

	if (all->count == all->cap) {
		size_t cap = all->cap ? all->cap * 2 : 16;
		struct store_user *v = realloc(all->v, cap * sizeof *v);

		if (v == NULL)
			return;
		all->v = v;
		all->cap = cap;
	}
	all->v[all->count++] = *u;
}

/* init: create the database or bring its schema up to date, check that
 * no account's roots hold it, and record the roots' identities that an
 * older version did not. */
static int admin_init(const struct admin_opts *o, struct store *s)
{
	struct admin_users all = {0};
	err_t e;

	if (admin_db_outside(s, o->db) != ADMIN_OK)
		return ADMIN_FAILED;
	e = store_user_each(s, admin_collect_user, &all);
	for (size_t i = 0; e == ERR_OK && i < all.count; i++)
		admin_record_missing_ids(&all.v[i], s);
	free(all.v);
	if (e != ERR_OK)
		return admin_fail(o->db, err_sentence(e));
	printf("database ready: %s (schema version %d)\n", o->db, store_schema_version(s));
	return ADMIN_OK;
}

/* useradd NAME --home DIR [--web DIR] [--ftp DIR] [--interface I]. */
static int admin_useradd(const struct admin_opts *o, struct store *s, const char *name)
{
	char home[PATH_MAX], web[PATH_MAX], ftp[PATH_MAX], hash[AUTH_PWHASH_TEXT];
	struct store_ident ids[STORE_ROOTS];
	struct store_user existing;
	err_t e;
	int rc;

	if (o->home == NULL)
		return admin_usage("useradd needs --home DIR");
	e = store_user_check_name(name);
	if (e != ERR_OK)
		return admin_fail(name, err_sentence(e));
	if (store_user_get(s, name, &existing) == ERR_OK)
		return admin_fail(name, err_sentence(ERR_USER_EXISTS));
	if (o->interface != NULL && strcmp(o->interface, "new") != 0 &&
	    strcmp(o->interface, "legacy") != 0)
		return admin_usage("--interface is 'new' or 'legacy'");
	rc = admin_root_path(o->home, NULL, NULL, home, "home");
	if (rc == ADMIN_OK)
		rc = admin_root_path(o->web, home, "public_html", web, "web");
	if (rc == ADMIN_OK)
		rc = admin_root_path(o->ftp, home, "public_ftp", ftp, "ftp");
	if (rc != ADMIN_OK)
		return rc;
	rc = admin_new_hash(hash);
	if (rc != ADMIN_OK)
		return rc;
	/* added, checked and kept in one transaction: never a moment with the
	 * database inside an account's roots */
	e = store_begin(s);
	if (e == ERR_OK)
		e = store_user_add(s, name, hash, home, web, ftp);
	if (e == ERR_OK)
		e = store_user_get(s, name, &existing);
	if (e == ERR_OK && o->interface != NULL)
		e = store_user_set_interface(s, existing.id, o->interface);
	if (e == ERR_OK && admin_root_ids(&existing, ids) == 0)
		e = store_user_set_roots(s, name, NULL, NULL, NULL, ids);
	else if (e == ERR_OK)
		e = ERR_ROOT_NOT_DIR;
	if (e != ERR_OK) {
		store_rollback(s);
		return admin_fail(name, err_sentence(e));
	}
	if (admin_db_outside(s, o->db) != ADMIN_OK) {
		store_rollback(s);
		return ADMIN_FAILED;
	}
	e = store_commit(s);
	if (e != ERR_OK)
		return admin_fail(name, err_sentence(e));
	printf("added %s: Home %s, Web %s, FTP %s\n", name, home, web[0] ? web : "(none)",
	       ftp[0] ? ftp : "(none)");
	return ADMIN_OK;
}

/* passwd NAME. */
static int admin_passwd(struct store *s, const char *name)
{
	char hash[AUTH_PWHASH_TEXT];
	struct store_user u;
	err_t e = store_user_get(s, name, &u);
	int rc;

	if (e != ERR_OK)
		return admin_fail(name, err_sentence(e));
	rc = admin_new_hash(hash);
	if (rc != ADMIN_OK)
		return rc;
	/* the new password and the end of every old session, together */
	e = store_begin(s);
	if (e == ERR_OK)
		e = store_user_set_password(s, name, hash);
	if (e == ERR_OK)
		e = store_session_delete_user(s, name);
	if (e == ERR_OK)
		e = store_commit(s);
	else
		store_rollback(s);
	if (e != ERR_OK)
		return admin_fail(name, err_sentence(e));
	printf("password changed for %s; every session of %s ended\n", name, name);
	return ADMIN_OK;
}

/* A root path given to usermod: kept when not given, none when "", else
 * made canonical (it must be a directory). */
static int admin_usermod_path(const char *given, const char *label, char out[PATH_MAX],
			      const char **use)
{
	*use = NULL;
	if (given == NULL)
		return ADMIN_OK;
	if (*given == '\0') {
		*use = "";
		return ADMIN_OK;
	}
	if (admin_root_path(given, NULL, NULL, out, label) != ADMIN_OK)
		return ADMIN_FAILED;
	*use = out;
	return ADMIN_OK;
}

/* usermod NAME [--home DIR] [--web DIR] [--ftp DIR]: change the roots and
 * record what each is now (also after the customer set one up again). */
static int admin_usermod(const struct admin_opts *o, struct store *s, const char *name)
{
	char home[PATH_MAX], web[PATH_MAX], ftp[PATH_MAX];
	const char *h, *w, *f;
	struct store_ident ids[STORE_ROOTS];
	struct store_user u;
	err_t e = store_user_get(s, name, &u);

	if (e != ERR_OK)
		return admin_fail(name, err_sentence(e));
	if (admin_usermod_path(o->home, "home", home, &h) != ADMIN_OK ||
	    admin_usermod_path(o->web, "web", web, &w) != ADMIN_OK ||
	    admin_usermod_path(o->ftp, "ftp", ftp, &f) != ADMIN_OK)
		return ADMIN_FAILED;
	if (h != NULL && *h == '\0')
		return admin_usage("an account needs a Home: --home cannot be empty");
	if (h != NULL)
		snprintf(u.home, sizeof u.home, "%s", h);
	if (w != NULL)
		snprintf(u.web, sizeof u.web, "%s", w);
	if (f != NULL)
		snprintf(u.ftp, sizeof u.ftp, "%s", f);
	if (admin_root_ids(&u, ids) != 0)
		return ADMIN_FAILED;
	e = store_begin(s);
	if (e == ERR_OK)
		e = store_user_set_roots(s, name, u.home, u.web, u.ftp, ids);
	if (e == ERR_OK && admin_db_outside(s, o->db) != ADMIN_OK)
		e = ERR_DB_IN_ROOT;
	if (e == ERR_OK)
		e = store_commit(s);
	else
		store_rollback(s);
	if (e != ERR_OK)
		return e == ERR_DB_IN_ROOT ? ADMIN_FAILED : admin_fail(name, err_sentence(e));
	printf("roots of %s: Home %s, Web %s, FTP %s\n", name, u.home, u.web[0] ? u.web : "(none)",
	       u.ftp[0] ? u.ftp : "(none)");
	return ADMIN_OK;
}

/* unlock NAME [--address ADDR]: forget NAME's counted login attempts. */
static int admin_unlock(const struct admin_opts *o, struct store *s, const char *name)
{
	char addr[80];
	int64_t cleared = 0;
	err_t e = store_user_check_name(name);

	if (e != ERR_OK)
		return admin_fail(name, err_sentence(e));
	if (o->address != NULL)
		http_addr_key(o->address, addr, sizeof addr);
	e = store_login_unlock(s, name, o->address != NULL ? addr : NULL, &cleared);
	if (e != ERR_OK)
		return admin_fail(name, err_sentence(e));
	printf("unlocked %s%s%s (%lld counters cleared)\n", name, o->address ? " from " : "",
	       o->address ? addr : "", (long long)cleared);
	return ADMIN_OK;
}

/* userdel NAME. */
static int admin_userdel(struct store *s, const char *name)
{
	err_t e = store_user_delete(s, name);

	if (e != ERR_OK)
		return admin_fail(name, err_sentence(e));
	printf("deleted %s\n", name);
	return ADMIN_OK;
}

/* store_user_each callback: one line per account. */
static void admin_print_user(const struct store_user *u, void *ctx)
{
	int *count = ctx;

	printf("%s\t%s\t%s\t%s\t%s\n", u->name, u->interface, u->home, u->web[0] ? u->web : "-",
	       u->ftp[0] ? u->ftp : "-");
	(*count)++;
}

/* users. */
static int admin_users(struct store *s)
{
	int count = 0;
	err_t e;

	printf("NAME\tINTERFACE\tHOME\tWEB\tFTP\n");
	e = store_user_each(s, admin_print_user, &count);
	if (e != ERR_OK)
		return admin_fail(NULL, err_sentence(e));
	return ADMIN_OK;
}

/* Print a field of the audit log on one line: names_visible_text escapes
 * every control character (C1 included), every invisible or
 * direction-changing character, every byte that is not UTF-8 and the
 * backslash, so that no value can split a line or a column, or look like
 * another; NULL prints as "-". */
static void admin_print_field(const char *v, int last)
{
	static char buf[NAMES_VISIBLE_SIZE(STORE_FIELD_MAX)];

	if (v == NULL)
		fputs("-", stdout);
	else if (names_visible_text(v, strlen(v), buf, sizeof buf) == ERR_OK)
		fputs(buf, stdout);
	else
		printf("%s[...]", buf);
	putchar(last ? '\n' : '\t');
}

/* store_audit_each callback: one line per row. */
static void admin_print_audit(const struct store_audit *r, void *ctx)
{
	char when[32];
	time_t t = (time_t)r->time;
	struct tm tm;

	(void)ctx;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	admin_print_field(when, 0);
	admin_print_field(r->user, 0);
	admin_print_field(r->remote_addr, 0);
	admin_print_field(r->action, 0);
	admin_print_field(r->root, 0);
	admin_print_field(r->path, 0);
	admin_print_field(r->target, 0);
	admin_print_field(r->outcome, 0);
	admin_print_field(r->detail, 0);
	printf("%lld\n", (long long)r->count);
}

/* audit [--user NAME] [--limit N]. */
static int admin_audit(const struct admin_opts *o, struct store *s)
{
	err_t e;

	printf("TIME\tUSER\tADDRESS\tACTION\tROOT\tPATH\tTARGET\tOUTCOME\tDETAIL\tCOUNT\n");
	e = store_audit_each(s, o->user, o->limit, admin_print_audit, NULL);
	if (e != ERR_OK)
		return admin_fail(NULL, err_sentence(e));
	return ADMIN_OK;
}

/* Parse the options that may follow the command. */
static int admin_parse_options(int argc, char **argv, struct admin_opts *o)
{
	static const struct option longopts[] = {
		{"db", required_argument, NULL, 'd'},
		{"home", required_argument, NULL, 'h'},
		{"web", required_argument, NULL, 'w'},
		{"ftp", required_argument, NULL, 'f'},
		{"user", required_argument, NULL, 'u'},
		{"limit", required_argument, NULL, 'l'},
		{"interface", required_argument, NULL, 'i'},
		{"address", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, '?'},
		{NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'h': o->home = optarg; break;
		case 'w': o->web = optarg; break;
		case 'f': o->ftp = optarg; break;
		case 'u': o->user = optarg; break;
		case 'i': o->interface = optarg; break;
		case 'a': o->address = optarg; break;
		case 'l':
			errno = 0;
			o->limit = strtoll(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg || o->limit < 0)
				return admin_usage("--limit takes a whole number, 0 or more");
			break;
		default:
			return admin_usage(NULL);
		}
	}
	return ADMIN_OK;
}

/* One command of filepanel-admin. */
struct admin_cmd {
	const char *name;
	bool needs_name;  /* takes an account name */
	int (*run)(const struct admin_opts *o, struct store *s, const char *name);
};

/* The commands that take no account name, in the shape of the table. */
static int admin_cmd_init(const struct admin_opts *o, struct store *s, const char *name)
{
	(void)name;
	return admin_init(o, s);
}

/* users, in the shape of the table. */
static int admin_cmd_users(const struct admin_opts *o, struct store *s, const char *name)
{
	(void)o;
	(void)name;
	return admin_users(s);
}

/* audit, in the shape of the table. */
static int admin_cmd_audit(const struct admin_opts *o, struct store *s, const char *name)
{
	(void)name;
	return admin_audit(o, s);
}

/* passwd, in the shape of the table. */
static int admin_cmd_passwd(const struct admin_opts *o, struct store *s, const char *name)
{
	(void)o;
	return admin_passwd(s, name);
}

/* userdel, in the shape of the table. */
static int admin_cmd_userdel(const struct admin_opts *o, struct store *s, const char *name)
{
	(void)o;
	return admin_userdel(s, name);
}

static const struct admin_cmd admin_cmds[] = {
	{"init", false, admin_cmd_init},
	{"useradd", true, admin_useradd},
	{"usermod", true, admin_usermod},
	{"passwd", true, admin_cmd_passwd},
	{"unlock", true, admin_unlock},
	{"userdel", true, admin_cmd_userdel},
	{"users", false, admin_cmd_users},
	{"audit", false, admin_cmd_audit},
};

/* The command called name, or NULL. */
static const struct admin_cmd *admin_find(const char *name)
{
	for (size_t i = 0; i < sizeof admin_cmds / sizeof admin_cmds[0]; i++) {
		if (strcmp(name, admin_cmds[i].name) == 0)
			return &admin_cmds[i];
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct admin_opts o = {0};
	const struct admin_cmd *cmd;
	const char *arg = NULL;
	struct store *s = NULL;
	int rc;

	o.db = getenv("FILEPANEL_DB");
	if (o.db == NULL || *o.db == '\0')
		o.db = ADMIN_DEFAULT_DB;
	/* options before the command, then the command, its name, options */
	rc = admin_parse_options(argc, argv, &o);
	if (rc != ADMIN_OK)
		return rc;
	if (optind >= argc)
		return admin_usage("no command given");
	cmd = admin_find(argv[optind++]);
	if (cmd == NULL)
		return admin_usage("unknown command");
	if (optind < argc && argv[optind][0] != '-')
		arg = argv[optind++];
	rc = admin_parse_options(argc, argv, &o);
	if (rc != ADMIN_OK)
		return rc;
	if (optind < argc || (arg != NULL && !cmd->needs_name))
		return admin_usage("too many arguments");
	if (cmd->needs_name && arg == NULL)
		return admin_usage(NULL);
	if (!admin_db_dir_exists(o.db)) {
		fprintf(stderr, "filepanel-admin: %s: the directory for the database does not exist\n",
			o.db);
		return ADMIN_FAILED;
	}
	if (auth_init() != ERR_OK)
		return admin_fail(NULL, "libsodium could not be initialised");
	rc = admin_open(&o, &s);
	if (rc == ADMIN_OK)
		rc = cmd->run(&o, s, arg);
	store_close(s);
	return rc;
}
