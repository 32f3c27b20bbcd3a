/* check_listing: unit tests for mode strings (against GNU ls too), sizes,
 * dates, sorting and paging. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "listing.h"
#include "testutil.h"

#define LISTING_T_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* One hand-checked mode string. */
struct listing_t_mode_row {
	const char *label;
	mode_t mode;
	const char *want;
};

static const struct listing_t_mode_row listing_t_mode_rows[] = {
	{"file 0644", S_IFREG | 0644, "-rw-r--r--"},
	{"file 0755", S_IFREG | 0755, "-rwxr-xr-x"},
	{"file 0000", S_IFREG | 0000, "----------"},
	{"file 0777", S_IFREG | 0777, "-rwxrwxrwx"},
	{"file 0421", S_IFREG | 0421, "-r---w---x"},
	{"file 0124", S_IFREG | 0124, "---x-w-r--"},
	{"setuid with x (4755)", S_IFREG | 04755, "-rwsr-xr-x"},
	{"setuid without x (4644)", S_IFREG | 04644, "-rwSr--r--"},
	{"setgid with x (2755)", S_IFREG | 02755, "-rwxr-sr-x"},
	{"setgid without x (2644)", S_IFREG | 02644, "-rw-r-Sr--"},
	{"sticky with x (1777)", S_IFREG | 01777, "-rwxrwxrwt"},
	{"sticky without x (1666)", S_IFREG | 01666, "-rw-rw-rwT"},
	{"all special with x (7777)", S_IFREG | 07777, "-rwsrwsrwt"},
	{"all special without x (7000)", S_IFREG | 07000, "---S--S--T"},
	{"header example (7744)", S_IFREG | 07744, "-rwsr-Sr-T"},
	{"mixed (5710)", S_IFREG | 05710, "-rws--x--T"},
	{"mixed (6701)", S_IFREG | 06701, "-rws--S--x"},
	{"mixed (6601)", S_IFREG | 06601, "-rwS--S--x"},
	{"setuid only x elsewhere (4011)", S_IFREG | 04011, "---S--x--x"},
	{"dir 0755", S_IFDIR | 0755, "drwxr-xr-x"},
	{"dir 1777 (/tmp)", S_IFDIR | 01777, "drwxrwxrwt"},
	{"dir 3755", S_IFDIR | 03755, "drwxr-sr-t"},
	{"dir 1770", S_IFDIR | 01770, "drwxrwx--T"},
	{"dir 2770", S_IFDIR | 02770, "drwxrws---"},
	{"dir 0000", S_IFDIR | 0000, "d---------"},
	{"symlink 0777", S_IFLNK | 0777, "lrwxrwxrwx"},
	{"fifo 0644", S_IFIFO | 0644, "prw-r--r--"},
	{"fifo 1600", S_IFIFO | 01600, "prw------T"},
	{"socket 0755", S_IFSOCK | 0755, "srwxr-xr-x"},
	{"socket 0777", S_IFSOCK | 0777, "srwxrwxrwx"},
	{"char 0666 (/dev/null)", S_IFCHR | 0666, "crw-rw-rw-"},
	{"char 0620", S_IFCHR | 0620, "crw--w----"},
	{"block 0660", S_IFBLK | 0660, "brw-rw----"},
	{"block 0600", S_IFBLK | 0600, "brw-------"},
	{"block 4600", S_IFBLK | 04600, "brwS------"},
	{"no type bits", 0644, "?rw-r--r--"},
	{"no type, all special", 07777, "?rwsrwsrwt"},
};

/* One row of the hand-written mode table. */
START_TEST(test_mode_table)
{
	const struct listing_t_mode_row *row = &listing_t_mode_rows[_i];
	char out[11];

	memset(out, 'Z', sizeof(out));
	listing_mode_string(row->mode, out);
	ck_assert_msg(out[10] == '\0', "%s: not terminated", row->label);
	ck_assert_msg(strcmp(out, row->want) == 0, "%s: \"%s\", want \"%s\"", row->label, out,
		      row->want);
}
END_TEST

/* Kinds of filesystem object the differential test makes. */
enum listing_t_kind {
	LISTING_T_REG,
	LISTING_T_DIR,
	LISTING_T_FIFO,
	LISTING_T_SOCK,
	LISTING_T_LINK,
	LISTING_T_DEVNULL,
	LISTING_T_BLOCKDEV,
};

/* One object to compare with `ls -ld`; perm is applied with chmod where
 * it applies (-1 for none). */
struct listing_t_ls_row {
	const char *label;
	enum listing_t_kind kind;
	int perm;
};

static const struct listing_t_ls_row listing_t_ls_rows[] = {
	{"file 0644", LISTING_T_REG, 0644},
	{"file 0755", LISTING_T_REG, 0755},
	{"file 4755", LISTING_T_REG, 04755},
	{"file 4644", LISTING_T_REG, 04644},
	{"file 2755", LISTING_T_REG, 02755},
	{"file 2644", LISTING_T_REG, 02644},
	{"file 1777", LISTING_T_REG, 01777},
	{"file 1666", LISTING_T_REG, 01666},
	{"file 7777", LISTING_T_REG, 07777},
	{"file 7000", LISTING_T_REG, 07000},
	{"file 0000", LISTING_T_REG, 0000},
	{"file 7744", LISTING_T_REG, 07744},
	{"file 5710", LISTING_T_REG, 05710},
	{"file 6701", LISTING_T_REG, 06701},
	{"file 6601", LISTING_T_REG, 06601},
	{"dir 0755", LISTING_T_DIR, 0755},
	{"dir 1777", LISTING_T_DIR, 01777},
	{"dir 3755", LISTING_T_DIR, 03755},
	{"dir 1770", LISTING_T_DIR, 01770},
	{"dir 7000", LISTING_T_DIR, 07000},
	{"fifo 0644", LISTING_T_FIFO, 0644},
	{"fifo 1600", LISTING_T_FIFO, 01600},
	{"fifo 6711", LISTING_T_FIFO, 06711},
	{"socket 0755", LISTING_T_SOCK, 0755},
	{"socket 1640", LISTING_T_SOCK, 01640},
	{"symlink", LISTING_T_LINK, -1},
	{"/dev/null", LISTING_T_DEVNULL, -1},
	{"block device", LISTING_T_BLOCKDEV, -1},
};

/* Find a block device under /dev (without following links) and write its
 * path into path; false when there is none. */
static bool listing_t_find_block(char *path, size_t size)
{
	DIR *d = opendir("/dev");
	struct dirent *de;
	bool found = false;

	if (d == NULL)
		return false;
	while (!found && (de = readdir(d)) != NULL) {
		struct stat st;

		snprintf(path, size, "/dev/%s", de->d_name);
		found = lstat(path, &st) == 0 && S_ISBLK(st.st_mode);
	}
	closedir(d);
	return found;
}

/* Make a unix socket at path by bind(); false when the path does not fit. */
static bool listing_t_make_socket(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return false;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_msg(fd >= 0, "socket: %s", strerror(errno));
	ck_assert_msg(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind %s: %s", path,
		      strerror(errno));
	close(fd);
	return true;
}

/* Make the object a row describes at path (or pick the system one) and
 * return the path to give ls; NULL (with the reason printed) to skip. */
static const char *listing_t_make(const struct listing_t_ls_row *row, const char *path,
				  char *sys, size_t syssize)
{
	switch (row->kind) {
	case LISTING_T_REG:
		tu_write_file(path, "x");
		break;
	case LISTING_T_DIR:
		ck_assert_msg(mkdir(path, 0700) == 0, "%s: mkdir: %s", row->label, strerror(errno));
		break;
	case LISTING_T_FIFO:
		ck_assert_msg(mkfifo(path, 0600) == 0, "%s: mkfifo: %s", row->label,
			      strerror(errno));
		break;
	case LISTING_T_SOCK:
		if (!listing_t_make_socket(path)) {
			printf("skipped %s: socket path %s too long for sun_path\n", row->label, path);
			return NULL;
		}
		break;
	case LISTING_T_LINK:
		ck_assert_msg(symlink("no/such/target", path) == 0, "%s: symlink: %s", row->label,
			      strerror(errno));
		break;
	case LISTING_T_DEVNULL:
		return "/dev/null";
	case LISTING_T_BLOCKDEV:
		if (!listing_t_find_block(sys, syssize)) {
			printf("skipped %s: no block device found under /dev\n", row->label);
			return NULL;
		}
		return sys;
	}
	if (row->perm >= 0)
		ck_assert_msg(chmod(path, (mode_t)row->perm) == 0, "%s: chmod: %s", row->label,
			      strerror(errno));
	return path;
}

/* One row of the differential test: listing_mode_string of the lstat mode
 * equals the first 10 characters `LC_ALL=C ls -ld` prints. */
START_TEST(test_mode_matches_ls)
{
	const struct listing_t_ls_row *row = &listing_t_ls_rows[_i];
	char *dir = tu_mkdtemp("listing");
	char path[PATH_MAX], sys[PATH_MAX], mine[11];
	const char *target;
	struct stat st;
	char *ls;
	int status;

	snprintf(path, sizeof(path), "%s/obj", dir);
	target = listing_t_make(row, path, sys, sizeof(sys));
	if (target != NULL) {
		ck_assert_msg(lstat(target, &st) == 0, "%s: lstat %s: %s", row->label, target,
			      strerror(errno));
		if (row->perm >= 0)
			ck_assert_msg((st.st_mode & 07777) == (mode_t)row->perm,
				      "%s: the kernel stored %04o, not %04o", row->label,
				      (unsigned)(st.st_mode & 07777), (unsigned)row->perm);
		listing_mode_string(st.st_mode, mine);
		ls = tu_run(tu_fmt("LC_ALL=C ls -ld -- '%s'", target), &status);
		ck_assert_msg(status == 0 && strlen(ls) >= 10, "%s: ls failed: %s", row->label, ls);
		ck_assert_msg(strncmp(ls, mine, 10) == 0, "%s: mine \"%s\", ls \"%.10s\" (%s)",
			      row->label, mine, ls, target);
		free(ls);
	}
	tu_rm_rf(dir);
	free(dir);
}
END_TEST

/* One size formatting case. */
struct listing_t_size_row {
	off_t size;
	const char *want;
};

static const struct listing_t_size_row listing_t_size_rows[] = {
	{-1, "0 bytes"},
	{INT64_MIN, "0 bytes"},
	{0, "0 bytes"},
	{1, "1 byte"},
	{2, "2 bytes"},
	{512, "512 bytes"},
	{1023, "1023 bytes"},
	{1024, "1 KB"},
	{1075, "1 KB"},          /* 1.0498 */
	{1076, "1.1 KB"},        /* 1.0508 */
	{1126, "1.1 KB"},
	{1536, "1.5 KB"},
	{1587, "1.5 KB"},        /* 1.5498 */
	{1588, "1.6 KB"},        /* 1.5508 */
	{4096, "4 KB"},
	{10188, "9.9 KB"},       /* 9.949 */
	{10189, "10 KB"},        /* 9.950: rounds to 10, never "10.0" */
	{10239, "10 KB"},
	{10240, "10 KB"},
	{12288, "12 KB"},
	{12800, "13 KB"},        /* 12.5 rounds half up */
	{12799, "12 KB"},
	{1047552, "1023 KB"},
	{1048063, "1023 KB"},    /* 1023.499 KB */
	{1048064, "1 MB"},       /* 1023.5 KB rounds to 1024 KB: shown as 1 MB */
	{1048575, "1 MB"},
	{1048576, "1 MB"},
	{1572864, "1.5 MB"},
	{10485760, "10 MB"},
	{104857600, "100 MB"},
	{1073741823, "1 GB"},
	{2147483648LL, "2 GB"},
	{2684354560LL, "2.5 GB"},
	{1099511627776LL, "1 TB"},
	{6047313952768LL, "5.5 TB"},
	{1649267441664000LL, "1500 TB"},
	{INT64_MAX, "8388608 TB"},
};

/* One row of the size table. */
START_TEST(test_size_table)
{
	const struct listing_t_size_row *row = &listing_t_size_rows[_i];
	char out[32];

	listing_size_string(row->size, out, sizeof(out));
	ck_assert_msg(strcmp(out, row->want) == 0, "size %lld: \"%s\", want \"%s\"",
		      (long long)row->size, out, row->want);
}
END_TEST

/* Check one size string: a decimal only on a single non-zero digit (so
 * never "10.0" or "0.9"), and never "1024 <unit>" below TB. */
static void listing_t_check_size_shape(off_t s)
{
	char out[32];

	listing_size_string(s, out, sizeof(out));
	ck_assert_msg(strstr(out, "1024 ") == NULL, "size %lld: \"%s\"", (long long)s, out);
	ck_assert_msg(strchr(out, '.') == NULL || (out[1] == '.' && out[0] != '0'),
		      "size %lld: \"%s\"", (long long)s, out);
}

/* Around every unit's 10 and 1024 boundaries, no size string has a
 * misplaced decimal or reads 1024 of a unit. */
START_TEST(test_size_no_ten_point_zero)
{
	static const off_t around[] = {10, 1024};
	off_t unit, s, step;
	size_t i;

	for (unit = 1024; unit <= (off_t)1 << 40; unit <<= 10) {
		for (i = 0; i < LISTING_T_LEN(around); i++) {
			off_t mid = around[i] * unit;

			if (unit == (off_t)1 << 40 && around[i] == 1024)
				continue; /* TB is the largest unit: "1024 TB" is right */
			step = unit / 2048 > 0 ? unit / 2048 : 1;
			for (s = mid - unit / 2 - 2048; s <= mid + 2048; s += step)
				listing_t_check_size_shape(s);
			for (s = mid - unit / 2 - 64; s <= mid - unit / 2 + 64; s++)
				listing_t_check_size_shape(s);
		}
	}
}
END_TEST

/* A small buffer truncates and stays terminated; size 0 writes nothing. */
START_TEST(test_size_small_buffer)
{
	char out[8];

	memset(out, 'Z', sizeof(out));
	listing_size_string(1536, out, 4);
	ck_assert_str_eq(out, "1.5");
	listing_size_string(5, out, 1);
	ck_assert_str_eq(out, "");
	out[0] = 'Z';
	listing_size_string(5, out, 0);
	ck_assert_int_eq(out[0], 'Z');
}
END_TEST

/* One date formatting case. */
struct listing_t_date_row {
	time_t t;
	const char *want;
};

static const struct listing_t_date_row listing_t_date_rows[] = {
	{0, "Jan 1, 1970 00:00"},
	{-1, "Dec 31, 1969 23:59"},
	{59, "Jan 1, 1970 00:00"},
	{60, "Jan 1, 1970 00:01"},
	{1795567680, "Nov 25, 2026 00:48"},
	{951782400, "Feb 29, 2000 00:00"},
	{2147483647, "Jan 19, 2038 03:14"},
	{2147483648LL, "Jan 19, 2038 03:14"},
	{4102444800LL, "Jan 1, 2100 00:00"},
	{253402300799LL, "Dec 31, 9999 23:59"},
	{-62135596800LL, "Jan 1, 1 00:00"},
	{1610714099, "Jan 15, 2021 12:34"},
	{1613392499, "Feb 15, 2021 12:34"},
	{1615811699, "Mar 15, 2021 12:34"},
	{1618490099, "Apr 15, 2021 12:34"},
	{1621082099, "May 15, 2021 12:34"},
	{1623760499, "Jun 15, 2021 12:34"},
	{1626352499, "Jul 15, 2021 12:34"},
	{1629030899, "Aug 15, 2021 12:34"},
	{1631709299, "Sep 15, 2021 12:34"},
	{1634301299, "Oct 15, 2021 12:34"},
	{1636979699, "Nov 15, 2021 12:34"},
	{1639571699, "Dec 15, 2021 12:34"},
	{INT64_MAX, "?"},
};

/* One row of the date table, in the C locale and in any other locale the
 * system has (month names must not follow the locale), with TZ set far
 * from UTC (the date must not follow it either). */
START_TEST(test_date_table)
{
	static const char *const locales[] = {
		"de_DE.UTF-8", "fr_FR.UTF-8", "es_ES.UTF-8", "ja_JP.UTF-8", "C.UTF-8",
	};
	const struct listing_t_date_row *row = &listing_t_date_rows[_i];
	char out[64];
	size_t i;

	setenv("TZ", "Pacific/Kiritimati", 1);
	tzset();
	listing_date_string(row->t, out, sizeof(out));
	ck_assert_msg(strcmp(out, row->want) == 0, "t=%lld: \"%s\", want \"%s\"",
		      (long long)row->t, out, row->want);
	for (i = 0; i < LISTING_T_LEN(locales); i++) {
		if (setlocale(LC_ALL, locales[i]) == NULL)
			continue;
		listing_date_string(row->t, out, sizeof(out));
		ck_assert_msg(strcmp(out, row->want) == 0, "t=%lld in %s: \"%s\", want \"%s\"",
			      (long long)row->t, locales[i], out, row->want);
	}
	setlocale(LC_ALL, "C");
}
END_TEST

/* A small buffer truncates and stays terminated. */
START_TEST(test_date_small_buffer)
{
	char out[8];

	listing_date_string(0, out, 4);
	ck_assert_str_eq(out, "Jan");
	out[0] = 'Z';
	listing_date_string(0, out, 0);
	ck_assert_int_eq(out[0], 'Z');
}
END_TEST

/* listing_type_char and listing_type_from_mode for every type. */
START_TEST(test_types)
{
	static const struct {
		listing_type t;
		mode_t fmt;
		char c;
	} rows[] = {
		{LISTING_TYPE_FILE, S_IFREG, '-'},
		{LISTING_TYPE_DIR, S_IFDIR, 'd'},
		{LISTING_TYPE_LINK, S_IFLNK, 'l'},
		{LISTING_TYPE_FIFO, S_IFIFO, 'p'},
		{LISTING_TYPE_SOCKET, S_IFSOCK, 's'},
		{LISTING_TYPE_CHAR, S_IFCHR, 'c'},
		{LISTING_TYPE_BLOCK, S_IFBLK, 'b'},
		{LISTING_TYPE_UNKNOWN, 0, '?'},
	};
	size_t i;

	for (i = 0; i < LISTING_T_LEN(rows); i++) {
		ck_assert_msg(listing_type_char(rows[i].t) == rows[i].c, "row %zu: char '%c'", i,
			      listing_type_char(rows[i].t));
		ck_assert_msg(listing_type_from_mode(rows[i].fmt | 07777) == rows[i].t,
			      "row %zu ('%c'): from_mode", i, rows[i].c);
		ck_assert_msg(listing_type_from_mode(rows[i].fmt) == rows[i].t,
			      "row %zu ('%c'): from_mode without permissions", i, rows[i].c);
	}
	ck_assert_int_eq(listing_type_char((listing_type)99), '?');
	ck_assert_int_eq(listing_type_char((listing_type)-1), '?');
}
END_TEST

/* Sort key names parse and print, unknown ones fall back to name. */
START_TEST(test_sort_keys)
{
	static const struct {
		const char *s;
		listing_sort_key k;
	} rows[] = {
		{"name", LISTING_SORT_NAME}, {"size", LISTING_SORT_SIZE},
		{"date", LISTING_SORT_DATE}, {NULL, LISTING_SORT_NAME},
		{"", LISTING_SORT_NAME},     {"Size", LISTING_SORT_NAME},
		{"sizes", LISTING_SORT_NAME}, {"siz", LISTING_SORT_NAME},
		{"date ", LISTING_SORT_NAME}, {"mtime", LISTING_SORT_NAME},
	};
	size_t i;

	for (i = 0; i < LISTING_T_LEN(rows); i++)
		ck_assert_msg(listing_sort_key_parse(rows[i].s) == rows[i].k, "parse \"%s\"",
			      rows[i].s ? rows[i].s : "(null)");
	ck_assert_str_eq(listing_sort_key_name(LISTING_SORT_NAME), "name");
	ck_assert_str_eq(listing_sort_key_name(LISTING_SORT_SIZE), "size");
	ck_assert_str_eq(listing_sort_key_name(LISTING_SORT_DATE), "date");
	ck_assert_str_eq(listing_sort_key_name((listing_sort_key)42), "name");
	for (i = LISTING_SORT_NAME; i <= LISTING_SORT_DATE; i++)
		ck_assert_int_eq(listing_sort_key_parse(listing_sort_key_name((listing_sort_key)i)),
				 (int)i);
}
END_TEST

/* The entries every sort test starts from. */
struct listing_t_spec {
	const char *name;
	listing_type type;
	bool stated;
	off_t size;
	time_t mtime;
};

static const struct listing_t_spec listing_t_specs[] = {
	{"b.txt", LISTING_TYPE_FILE, true, 300, 30},
	{"a.txt", LISTING_TYPE_FILE, true, 100, 20},
	{"docs", LISTING_TYPE_DIR, true, 4096, 5},
	{"A.txt", LISTING_TYPE_FILE, true, 200, 10},
	{"\xc3\xa9t\xc3\xa9", LISTING_TYPE_FILE, true, 50, 40},
	{"a", LISTING_TYPE_FILE, true, 100, 20},
	{"link", LISTING_TYPE_LINK, true, 7, 15},
	{"Zeta", LISTING_TYPE_DIR, true, 4096, 50},
	{"unstated", LISTING_TYPE_FILE, false, 999, 999},
};

#define LISTING_T_N LISTING_T_LEN(listing_t_specs)
#define LISTING_T_E "\xc3\xa9t\xc3\xa9"

/* One expected order. */
struct listing_t_sort_row {
	const char *label;
	listing_sort_key key;
	bool descending;
	const char *want[LISTING_T_N];
};

static const struct listing_t_sort_row listing_t_sort_rows[] = {
	{"name", LISTING_SORT_NAME, false,
	 {"Zeta", "docs", "A.txt", "a", "a.txt", "b.txt", "link", "unstated", LISTING_T_E}},
	{"name desc", LISTING_SORT_NAME, true,
	 {"docs", "Zeta", LISTING_T_E, "unstated", "link", "b.txt", "a.txt", "a", "A.txt"}},
	{"size", LISTING_SORT_SIZE, false,
	 {"Zeta", "docs", "unstated", "link", LISTING_T_E, "a", "a.txt", "A.txt", "b.txt"}},
	{"size desc", LISTING_SORT_SIZE, true,
	 {"docs", "Zeta", "b.txt", "A.txt", "a.txt", "a", LISTING_T_E, "link", "unstated"}},
	{"date", LISTING_SORT_DATE, false,
	 {"docs", "Zeta", "unstated", "A.txt", "link", "a", "a.txt", "b.txt", LISTING_T_E}},
	{"date desc", LISTING_SORT_DATE, true,
	 {"Zeta", "docs", LISTING_T_E, "b.txt", "a.txt", "a", "link", "A.txt", "unstated"}},
	{"unknown key sorts by name", (listing_sort_key)42, false,
	 {"Zeta", "docs", "A.txt", "a", "a.txt", "b.txt", "link", "unstated", LISTING_T_E}},
};

/* Fill entries from the specs, starting at spec `rot` and going backwards
 * when `reverse`, so every test sees several input orders. */
static void listing_t_fill(struct listing_entry *e, size_t rot, bool reverse)
{
	size_t i;

	memset(e, 0, sizeof(*e) * LISTING_T_N);
	for (i = 0; i < LISTING_T_N; i++) {
		size_t j = (rot + (reverse ? LISTING_T_N - i : i)) % LISTING_T_N;
		const struct listing_t_spec *sp = &listing_t_specs[j];

		e[i].name = (char *)sp->name;
		e[i].name_len = strlen(sp->name);
		e[i].type = sp->type;
		e[i].stated = sp->stated;
		e[i].size = sp->size;
		e[i].mtime = sp->mtime;
	}
}

/* One row of the sort table, from every rotation of the input in both
 * directions: the result is always the same. */
START_TEST(test_sort_table)
{
	const struct listing_t_sort_row *row = &listing_t_sort_rows[_i];
	struct listing_entry e[LISTING_T_N];
	size_t rot, i;
	int rev;

	for (rev = 0; rev < 2; rev++) {
		for (rot = 0; rot < LISTING_T_N; rot++) {
			listing_t_fill(e, rot, rev);
			listing_sort(e, LISTING_T_N, row->key, row->descending);
			for (i = 0; i < LISTING_T_N; i++)
				ck_assert_msg(strcmp(e[i].name, row->want[i]) == 0,
					      "%s (rotation %zu%s): position %zu is \"%s\", want \"%s\"",
					      row->label, rot, rev ? ", reversed" : "", i, e[i].name,
					      row->want[i]);
		}
	}
}
END_TEST

/* Names compare by their bytes and length, not as C strings: a name with
 * bytes past name_len must not change the order. */
START_TEST(test_sort_uses_name_len)
{
	char buf1[] = "abZZZ", buf2[] = "abc";
	struct listing_entry e[2] = {
		{.name = buf2, .name_len = 3, .type = LISTING_TYPE_FILE},
		{.name = buf1, .name_len = 2, .type = LISTING_TYPE_FILE},
	};

	listing_sort(e, 2, LISTING_SORT_NAME, false);
	ck_assert_ptr_eq(e[0].name, buf1);
	ck_assert_ptr_eq(e[1].name, buf2);
}
END_TEST

/* Sorting nothing or one entry is harmless. */
START_TEST(test_sort_trivial)
{
	struct listing_entry one = {.name = (char *)"x", .name_len = 1};

	listing_sort(NULL, 0, LISTING_SORT_NAME, false);
	listing_sort(&one, 0, LISTING_SORT_SIZE, true);
	listing_sort(&one, 1, LISTING_SORT_DATE, true);
	ck_assert_str_eq(one.name, "x");
}
END_TEST

/* Many random entries: every adjacent pair is in order (directories
 * first, key monotonic, names strictly ordered on key ties). */
START_TEST(test_sort_random)
{
	enum { N = 2000 };
	static char names[N][16];
	static struct listing_entry e[N];
	unsigned seed = 12345;
	size_t i;
	int key, desc;

	for (key = LISTING_SORT_NAME; key <= LISTING_SORT_DATE; key++) {
		for (desc = 0; desc < 2; desc++) {
			for (i = 0; i < N; i++) {
				seed = seed * 1103515245u + 12345u;
				snprintf(names[i], sizeof(names[i]), "%c%zu", 'a' + (int)(seed >> 16) % 26,
					 i);
				e[i] = (struct listing_entry){
					.name = names[i],
					.name_len = strlen(names[i]),
					.type = (seed >> 8) % 5 == 0 ? LISTING_TYPE_DIR : LISTING_TYPE_FILE,
					.stated = (seed >> 4) % 11 != 0,
					.size = (off_t)((seed >> 12) % 7),
					.mtime = (time_t)((seed >> 20) % 5),
				};
			}
			listing_sort(e, N, (listing_sort_key)key, desc);
			for (i = 1; i < N; i++) {
				const struct listing_entry *a = &e[i - 1], *b = &e[i];
				bool da = a->type == LISTING_TYPE_DIR, db = b->type == LISTING_TYPE_DIR;
				long long ka = 0, kb = 0;
				int c;

				ck_assert_msg(da || !db, "key %d desc %d: dir after file at %zu", key,
					      desc, i);
				if (da != db)
					continue;
				if (key == LISTING_SORT_SIZE) {
					ka = a->stated ? a->size : 0;
					kb = b->stated ? b->size : 0;
				} else if (key == LISTING_SORT_DATE) {
					ka = a->stated ? a->mtime : 0;
					kb = b->stated ? b->mtime : 0;
				}
				if (desc) {
					long long t = ka;

					ka = kb;
					kb = t;
				}
				ck_assert_msg(ka <= kb, "key %d desc %d: key order at %zu", key, desc, i);
				if (ka != kb)
					continue;
				c = strcmp(a->name, b->name);
				ck_assert_msg(desc ? c > 0 : c < 0, "key %d desc %d: name order at %zu (%s, %s)",
					      key, desc, i, a->name, b->name);
			}
		}
	}
}
END_TEST

/* --- listing_sort against a reference order ---------------------------------- */

#define LISTING_T_SEED 0x5eed2024u /* case k uses seed LISTING_T_SEED + k */
#define LISTING_T_CASES 3000
#define LISTING_T_MAX 300 /* entries in one case, at most */

/* The bytes random names are made of: ASCII, a control byte, DEL, and
 * bytes >= 0x80 (never NUL or '/'). */
static const unsigned char listing_t_bytes[] = {'a', 'b', 'A', 'z', '.', ' ', '0', '~',
						0x01, 0x7f, 0x80, 0xa9, 0xc3, 0xfe, 0xff};

/* One random case: entries whose uid is their place in e[], and the bytes
 * of their names. */
struct listing_t_case {
	struct listing_entry e[LISTING_T_MAX];
	char names[LISTING_T_MAX][NAME_MAX];
	size_t n;
};

/* The next number of a xorshift64 sequence (*s never 0). */
static uint64_t listing_t_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A pseudo-random number below n (n > 0). */
static size_t listing_t_below(uint64_t *s, size_t n)
{
	return (size_t)(listing_t_next(s) % n);
}

/* Whether one of the first n names of c is name (len bytes). */
static bool listing_t_taken(const struct listing_t_case *c, size_t n, const char *name,
			    size_t len)
{
	for (size_t i = 0; i < n; i++) {
		if (c->e[i].name_len == len && memcmp(c->e[i].name, name, len) == 0)
			return true;
	}
	return false;
}

/* Make the name of entry i into c->names[i] and return its length: half
 * the time a prefix of an earlier name plus a few bytes (so names share
 * prefixes, long ones too, and some names begin others), else fresh
 * bytes; 1 to NAME_MAX bytes, unique in the case. */
static size_t listing_t_name(struct listing_t_case *c, size_t i, uint64_t *s)
{
	char *name = c->names[i];
	size_t len, add;

	do {
		len = 0;
		if (i > 0 && listing_t_below(s, 2) == 0) {
			const struct listing_entry *o = &c->e[listing_t_below(s, i)];

			len = listing_t_below(s, o->name_len + 1);
			memcpy(name, o->name, len);
		}
		add = listing_t_below(s, 8) == 0 ? listing_t_below(s, NAME_MAX)
						 : listing_t_below(s, 5);
		for (; add > 0 && len < NAME_MAX; add--)
			name[len++] = (char)listing_t_bytes[listing_t_below(s, sizeof listing_t_bytes)];
	} while (len == 0 || listing_t_taken(c, i, name, len));
	return len;
}

/* Fill c with a random case from seed: mostly a few dozen entries,
 * sometimes up to LISTING_T_MAX; about a quarter directories; sizes and
 * times from a few small values (many ties, negative times too) or from
 * the whole range; about one in six unstated, with fields that must be
 * ignored. */
static void listing_t_make_case(struct listing_t_case *c, uint64_t seed)
{
	uint64_t s = seed * 0x9e3779b97f4a7c15u | 1;

	memset(c->e, 0, sizeof c->e);
	c->n = listing_t_below(&s, 10) == 0 ? listing_t_below(&s, LISTING_T_MAX + 1)
					     : listing_t_below(&s, 40);
	for (size_t i = 0; i < c->n; i++) {
		struct listing_entry *e = &c->e[i];

		e->name = c->names[i];
		e->name_len = listing_t_name(c, i, &s);
		e->uid = (uid_t)i;
		e->type = listing_t_below(&s, 4) == 0 ? LISTING_TYPE_DIR
						      : (listing_type)listing_t_below(&s, 8);
		e->stated = listing_t_below(&s, 6) != 0;
		e->size = listing_t_below(&s, 3) == 0 ? (off_t)(listing_t_next(&s) >> 1)
						       : (off_t)listing_t_below(&s, 4);
		e->mtime = listing_t_below(&s, 3) == 0 ? (time_t)(int64_t)listing_t_next(&s)
							: (time_t)listing_t_below(&s, 5) - 2;
	}
}

/* An entry's sort key as listing.h defines it: 0 when unstated, and 0
 * for every entry when sorting by name. */
static long long listing_t_key(const struct listing_entry *e, listing_sort_key key)
{
	if (!e->stated || key == LISTING_SORT_NAME)
		return 0;
	return key == LISTING_SORT_SIZE ? (long long)e->size : (long long)e->mtime;
}

/* Names compared byte by byte as unsigned values, a name that begins
 * another first (written out here, independently of listing.c). */
static int listing_t_name_cmp(const struct listing_entry *a, const struct listing_entry *b)
{
	for (size_t i = 0; i < a->name_len && i < b->name_len; i++) {
		unsigned char x = (unsigned char)a->name[i], y = (unsigned char)b->name[i];

		if (x != y)
			return x < y ? -1 : 1;
	}
	return a->name_len == b->name_len ? 0 : a->name_len < b->name_len ? -1 : 1;
}

/* The documented order: directories first; then the key, ties by name;
 * descending reverses key and name but never directories-first. */
static int listing_t_ref_cmp(const struct listing_entry *a, const struct listing_entry *b,
			     listing_sort_key key, bool desc)
{
	bool da = a->type == LISTING_TYPE_DIR, db = b->type == LISTING_TYPE_DIR;
	long long ka = listing_t_key(a, key), kb = listing_t_key(b, key);
	int c;

	if (da != db)
		return da ? -1 : 1;
	c = ka != kb ? (ka < kb ? -1 : 1) : listing_t_name_cmp(a, b);
	return desc ? -c : c;
}

/* The reference order of e[0..n) as indexes into e (insertion sort). */
static void listing_t_ref_sort(const struct listing_entry *e, size_t n, listing_sort_key key,
			       bool desc, size_t *order)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		for (; j > 0 && listing_t_ref_cmp(&e[order[j - 1]], &e[i], key, desc) > 0; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
}

/* An entry for a failure message: its name with bytes outside printable
 * ASCII as \xHH, its type and, when stated, size and time. */
static const char *listing_t_describe(const struct listing_entry *e)
{
	char name[4 * NAME_MAX + 1];
	size_t len = 0;

	for (size_t i = 0; i < e->name_len; i++) {
		unsigned char b = (unsigned char)e->name[i];

		len += (size_t)snprintf(name + len, sizeof name - len,
					b > 0x20 && b < 0x7f && b != '\\' ? "%c" : "\\x%02x", b);
	}
	name[len] = '\0';
	return tu_fmt("\"%s\" (%zu bytes, %s, %s size %lld time %lld)", name, e->name_len,
		      e->type == LISTING_TYPE_DIR ? "dir" : "not dir",
		      e->stated ? "stated" : "unstated", (long long)e->size, (long long)e->mtime);
}

/* listing_sort against the reference order on LISTING_T_CASES random
 * cases, by every key in both orders: the same entries, unchanged, in the
 * same order. A failure names the case's seed. */
START_TEST(test_sort_differential)
{
	static struct listing_t_case c;
	static struct listing_entry got[LISTING_T_MAX];
	size_t want[LISTING_T_MAX];

	for (uint64_t k = 0; k < LISTING_T_CASES; k++) {
		listing_t_make_case(&c, LISTING_T_SEED + k);
		for (int key = LISTING_SORT_NAME; key <= LISTING_SORT_DATE; key++) {
			for (int desc = 0; desc < 2; desc++) {
				memcpy(got, c.e, c.n * sizeof *got);
				listing_sort(got, c.n, (listing_sort_key)key, desc);
				listing_t_ref_sort(c.e, c.n, (listing_sort_key)key, desc, want);
				for (size_t i = 0; i < c.n; i++) {
					const char *what = got[i].uid >= c.n ? "an unknown entry"
							   : memcmp(&got[i], &c.e[got[i].uid],
								    sizeof got[i]) != 0
							       ? "a changed entry"
							       : NULL;

					ck_assert_msg(what == NULL && got[i].uid == want[i],
						      "seed %#llx (case %llu, %zu entries), sort by "
						      "%s%s: position %zu holds %s%s, want %s",
						      (unsigned long long)(LISTING_T_SEED + k),
						      (unsigned long long)k, c.n,
						      listing_sort_key_name((listing_sort_key)key),
						      desc ? " desc" : "", i,
						      what != NULL ? what : "",
						      what != NULL ? "" : listing_t_describe(&got[i]),
						      listing_t_describe(&c.e[want[i]]));
				}
			}
		}
	}
}
END_TEST

/* One paging case. */
struct listing_t_page_row {
	const char *label;
	size_t total, page, per_page;
	struct listing_page want;
};

static const struct listing_t_page_row listing_t_page_rows[] = {
	{"empty", 0, 1, 50, {1, 1, 0, 0}},
	{"empty, page 0, all", 0, 0, 0, {1, 1, 0, 0}},
	{"empty, page 7", 0, 7, 50, {1, 1, 0, 0}},
	{"all on one page", 10, 3, 0, {1, 1, 0, 10}},
	{"exactly one page", 10, 1, 10, {1, 1, 0, 10}},
	{"one row on page 2", 11, 2, 10, {2, 2, 10, 1}},
	{"page 0 clamps to 1", 11, 0, 10, {1, 2, 0, 10}},
	{"too large clamps to last", 11, 99, 10, {2, 2, 10, 1}},
	{"two full pages", 20, 2, 10, {2, 2, 10, 10}},
	{"single row", 1, 1, 1, {1, 1, 0, 1}},
	{"fewer rows than per_page", 5, 1, 100, {1, 1, 0, 5}},
	{"uneven last page", 100, 15, 7, {15, 15, 98, 2}},
	{"middle page", 100, 3, 7, {3, 15, 14, 7}},
	{"SIZE_MAX page", 3, SIZE_MAX, 1, {3, 3, 2, 1}},
	{"SIZE_MAX per_page", 10, SIZE_MAX, SIZE_MAX, {1, 1, 0, 10}},
	{"SIZE_MAX total, per 1", SIZE_MAX, SIZE_MAX, 1, {SIZE_MAX, SIZE_MAX, SIZE_MAX - 1, 1}},
	{"SIZE_MAX total, per 2", SIZE_MAX, SIZE_MAX, 2,
	 {SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 1, SIZE_MAX - 1, 1}},
	{"SIZE_MAX total, per SIZE_MAX", SIZE_MAX, 2, SIZE_MAX, {1, 1, 0, SIZE_MAX}},
	{"SIZE_MAX-1 total, per SIZE_MAX", SIZE_MAX - 1, 1, SIZE_MAX, {1, 1, 0, SIZE_MAX - 1}},
	{"SIZE_MAX total, all", SIZE_MAX, 5, 0, {1, 1, 0, SIZE_MAX}},
};

/* One row of the paging table. */
START_TEST(test_paginate_table)
{
	const struct listing_t_page_row *row = &listing_t_page_rows[_i];
	struct listing_page p = listing_paginate(row->total, row->page, row->per_page);

	ck_assert_msg(p.page == row->want.page && p.pages == row->want.pages &&
			      p.first == row->want.first && p.count == row->want.count,
		      "%s: page %zu/%zu first %zu count %zu, want %zu/%zu first %zu count %zu",
		      row->label, p.page, p.pages, p.first, p.count, row->want.page, row->want.pages,
		      row->want.first, row->want.count);
}
END_TEST

/* Walking every page covers each row exactly once. */
START_TEST(test_paginate_covers)
{
	size_t total, per, page;

	for (total = 0; total < 40; total++) {
		for (per = 1; per < 12; per++) {
			struct listing_page first = listing_paginate(total, 1, per);
			size_t next = 0;

			for (page = 1; page <= first.pages; page++) {
				struct listing_page p = listing_paginate(total, page, per);

				ck_assert_msg(total == 0 || (p.page == page && p.first == next &&
								    p.count >= 1),
					      "total %zu per %zu page %zu", total, per, page);
				next += p.count;
			}
			ck_assert_msg(next == total, "total %zu per %zu: covered %zu", total, per, next);
		}
	}
}
END_TEST

/* Build the suite. */
static Suite *listing_t_suite(void)
{
	Suite *s = suite_create("listing");
	TCase *tc = tcase_create("mode");

	tcase_add_loop_test(tc, test_mode_table, 0, LISTING_T_LEN(listing_t_mode_rows));
	tcase_add_loop_test(tc, test_mode_matches_ls, 0, LISTING_T_LEN(listing_t_ls_rows));
	tcase_add_test(tc, test_types);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_size_table, 0, LISTING_T_LEN(listing_t_size_rows));
	tcase_add_test(tc, test_size_no_ten_point_zero);
	tcase_add_test(tc, test_size_small_buffer);
	tcase_add_loop_test(tc, test_date_table, 0, LISTING_T_LEN(listing_t_date_rows));
	tcase_add_test(tc, test_date_small_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("sort");
	tcase_add_test(tc, test_sort_keys);
	tcase_add_loop_test(tc, test_sort_table, 0, LISTING_T_LEN(listing_t_sort_rows));
	tcase_add_test(tc, test_sort_uses_name_len);
	tcase_add_test(tc, test_sort_trivial);
	tcase_add_test(tc, test_sort_random);
	tcase_add_test(tc, test_sort_differential);
	suite_add_tcase(s, tc);

	tc = tcase_create("paginate");
	tcase_add_loop_test(tc, test_paginate_table, 0, LISTING_T_LEN(listing_t_page_rows));
	tcase_add_test(tc, test_paginate_covers);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the listing suite. */
int main(void)
{
	return tu_run_suite(listing_t_suite());
}
