/* check_out: unit tests for the response sink: exact bytes, refusals, HEAD, a live FastCGI stream. */
#include "config.h"

#include <fastcgi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "out.h"
#include "testutil.h"

/* A response written into memory. */
struct out_t_mem {
	FILE *f;
	char *buf;
	size_t len;
	struct out o;
};

/* Start a response into a memory stream. */
static void out_t_open(struct out_t_mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	ck_assert_ptr_nonnull(m->f);
	out_init_file(&m->o, m->f);
}

/* Check that exactly want_len bytes, want, were written so far. */
static void out_t_expect(struct out_t_mem *m, const char *want, size_t want_len)
{
	ck_assert_int_eq(fflush(m->f), 0);
	ck_assert_msg(m->len == want_len && memcmp(m->buf, want, want_len) == 0,
		      "wrote %zu bytes [%.*s], wanted %zu [%s]", m->len,
		      (int)(m->len < 300 ? m->len : 300), m->buf, want_len, want);
}

/* Check that the NUL-terminated want is what was written so far. */
static void out_t_expect_str(struct out_t_mem *m, const char *want)
{
	out_t_expect(m, want, strlen(want));
}

/* Close the memory stream and free its buffer. */
static void out_t_close(struct out_t_mem *m)
{
	ck_assert_int_eq(fclose(m->f), 0);
	free(m->buf);
}

/* Status, headers and a body (NUL byte included) come out byte for byte,
 * the Status line last before the blank line. */
START_TEST(test_full_response)
{
	struct out_t_mem m;
	static const char want[] = "Content-Type: text/html; charset=utf-8\r\n"
				   "Cache-Control: no-store\r\n"
				   "Status: 404 Not Found\r\n"
				   "\r\n"
				   "<p>gone</p>a\0b";

	out_t_open(&m);
	ck_assert_int_eq(out_status(&m.o, 404), ERR_OK);
	ck_assert_int_eq(out_header(&m.o, "Content-Type", "text/html; charset=utf-8"), ERR_OK);
	ck_assert_int_eq(out_header(&m.o, "Cache-Control", "no-store"), ERR_OK);
	ck_assert(!m.o.head_done);
	out_puts(&m.o, "<p>gone</p>");
	ck_assert(m.o.head_done);
	out_write(&m.o, "a\0b", 3);
	out_t_expect(&m, want, sizeof want - 1);
	ck_assert_uint_eq(m.o.body_bytes, 14);
	ck_assert_int_eq(m.o.status, 404);
	out_t_close(&m);
}
END_TEST

/* With nothing set, ending the head writes "200 OK" once, however often
 * it is called; the first body byte ends the head too. */
START_TEST(test_defaults)
{
	struct out_t_mem m;

	out_t_open(&m);
	ck_assert_int_eq(m.o.status, 200);
	ck_assert(!m.o.head_done && !m.o.head_only);
	out_end_head(&m.o);
	out_end_head(&m.o);
	out_puts(&m.o, "");
	out_t_expect_str(&m, "Status: 200 OK\r\n\r\n");
	ck_assert_uint_eq(m.o.body_bytes, 0);
	out_t_close(&m);

	out_t_open(&m);
	out_puts(&m.o, "x");
	out_t_expect_str(&m, "Status: 200 OK\r\n\r\nx");
	out_t_close(&m);
}
END_TEST

/* The last status set before the head ends is the one written. */
START_TEST(test_status_changes)
{
	struct out_t_mem m;

	out_t_open(&m);
	ck_assert_int_eq(out_status(&m.o, 500), ERR_OK);
	ck_assert_int_eq(out_header(&m.o, "Location", "/files?root=home"), ERR_OK);
	ck_assert_int_eq(out_status(&m.o, 303), ERR_OK);
	out_end_head(&m.o);
	out_t_expect_str(&m, "Location: /files?root=home\r\nStatus: 303 See Other\r\n\r\n");
	out_t_close(&m);
}
END_TEST

/* A status after the head is refused and changes nothing; so is a code
 * outside 100-599. A code without a phrase gets "Unknown". */
START_TEST(test_status_refused)
{
	struct out_t_mem m;

	out_t_open(&m);
	ck_assert_int_eq(out_status(&m.o, 99), ERR_HTTP_MALFORMED);
	ck_assert_int_eq(out_status(&m.o, 600), ERR_HTTP_MALFORMED);
	ck_assert_int_eq(out_status(&m.o, -404), ERR_HTTP_MALFORMED);
	ck_assert_int_eq(m.o.status, 200);
	ck_assert_int_eq(out_status(&m.o, 599), ERR_OK);
	out_end_head(&m.o);
	ck_assert_int_eq(out_status(&m.o, 404), ERR_IO);
	ck_assert_int_eq(m.o.status, 599);
	out_t_expect_str(&m, "Status: 599 Unknown\r\n\r\n");
	out_t_close(&m);
}
END_TEST

/* A header that must be refused. */
struct out_t_bad_row {
	const char *name;
	const char *value;
};

static const struct out_t_bad_row out_t_bad_rows[] = {
	{"X", "a\r\nSet-Cookie: x"},  /* header injection */
	{"X", "a\nSet-Cookie: x"},
	{"X", "a\rb"},
	{"X", "\r\n"},
	{"X", "a\x01"},
	{"X", "\x1b[31m"},
	{"X", "a\x7f"},
	{"Bad Name", "v"},
	{"", "v"},
	{"a:b", "v"},
	{"X:", "v"},
	{"a\tb", "v"},
	{"a\r\nb", "v"},
	{"(x)", "v"},
	{"a/b", "v"},
	{"x\"y", "v"},
	{"caf\xc3\xa9", "v"},
	{"Status", "200 OK"},  /* only out_status writes it */
	{"status", "200 OK"},
	{NULL, "v"},
	{"X", NULL},
};

/* Each bad row is refused with nothing written, and a good header still
 * goes out afterwards. */
START_TEST(test_header_refused)
{
	const struct out_t_bad_row *r = &out_t_bad_rows[_i];
	struct out_t_mem m;

	out_t_open(&m);
	ck_assert_msg(out_header(&m.o, r->name, r->value) == ERR_HTTP_MALFORMED,
		      "row %d: not refused", _i);
	ck_assert_msg(!m.o.head_done, "row %d: head ended", _i);
	out_t_expect_str(&m, "");
	ck_assert_int_eq(out_header(&m.o, "X", "ok"), ERR_OK);
	out_t_expect_str(&m, "X: ok\r\n");
	out_t_close(&m);
}
END_TEST

/* A header that is written as given. */
struct out_t_good_row {
	const char *name;
	const char *value;
	const char *line;
};

static const struct out_t_good_row out_t_good_rows[] = {
	{"X-Tab", "a\tb", "X-Tab: a\tb\r\n"},
	{"Set-Cookie", "s=1; HttpOnly; SameSite=Strict; Path=/",
	 "Set-Cookie: s=1; HttpOnly; SameSite=Strict; Path=/\r\n"},
	{"!#$%&'*+-.^_`|~09azAZ", "v", "!#$%&'*+-.^_`|~09azAZ: v\r\n"},
	{"X-Empty", "", "X-Empty: \r\n"},
	{"X-Utf8", "caf\xc3\xa9", "X-Utf8: caf\xc3\xa9\r\n"},
	{"Statuses", "1", "Statuses: 1\r\n"},
};

/* Each good row comes out as exactly one line. */
START_TEST(test_header_accepted)
{
	const struct out_t_good_row *r = &out_t_good_rows[_i];
	struct out_t_mem m;

	out_t_open(&m);
	ck_assert_msg(out_header(&m.o, r->name, r->value) == ERR_OK, "row %d: refused", _i);
	out_t_expect_str(&m, r->line);
	out_t_close(&m);
}
END_TEST

/* Once the body started, a header is refused with ERR_IO and nothing is
 * written. */
START_TEST(test_header_after_body)
{
	struct out_t_mem m;

	out_t_open(&m);
	out_puts(&m.o, "body");
	ck_assert_int_eq(out_header(&m.o, "X", "late"), ERR_IO);
	ck_assert_int_eq(out_header(&m.o, "Bad Name", "late"), ERR_IO);
	out_t_expect_str(&m, "Status: 200 OK\r\n\r\nbody");
	out_t_close(&m);

	out_t_open(&m);
	out_end_head(&m.o);
	ck_assert_int_eq(out_header(&m.o, "X", "late"), ERR_IO);
	out_t_expect_str(&m, "Status: 200 OK\r\n\r\n");
	out_t_close(&m);
}
END_TEST

/* A HEAD response writes the head, drops the body and counts it. */
START_TEST(test_head_drops_body)
{
	struct out_t_mem m;
	char big[5000];

	memset(big, 'z', sizeof big);
	out_t_open(&m);
	m.o.head_only = true;
	ck_assert_int_eq(out_header(&m.o, "Content-Type", "text/plain"), ERR_OK);
	out_puts(&m.o, "hello");
	out_write(&m.o, big, sizeof big);
	out_t_expect_str(&m, "Content-Type: text/plain\r\nStatus: 200 OK\r\n\r\n");
	ck_assert_uint_eq(m.o.body_bytes, 5 + sizeof big);
	ck_assert(m.o.head_done);
	out_t_close(&m);
}
END_TEST

/* NULL sinks and arguments are harmless. */
START_TEST(test_null_safe)
{
	struct out o;

	out_init_file(NULL, stdout);
	out_init_fcgi(NULL, NULL);
	ck_assert_int_eq(out_status(NULL, 200), ERR_IO);
	ck_assert_int_eq(out_header(NULL, "X", "y"), ERR_IO);
	out_end_head(NULL);
	out_write(NULL, "x", 1);
	out_puts(NULL, "x");

	/* no sink at all: nothing goes anywhere, the body is still counted */
	out_init_file(&o, NULL);
	ck_assert_int_eq(out_header(&o, "X", "y"), ERR_OK);
	out_puts(&o, "abc");
	out_puts(&o, NULL);
	out_write(&o, NULL, 0);
	ck_assert(o.head_done);
	ck_assert_uint_eq(o.body_bytes, 3);
}
END_TEST

/* One reason phrase. */
struct out_t_reason_row {
	int status;
	const char *phrase;
};

static const struct out_t_reason_row out_t_reason_rows[] = {
	{200, "OK"},
	{303, "See Other"},
	{400, "Bad Request"},
	{403, "Forbidden"},
	{404, "Not Found"},
	{405, "Method Not Allowed"},
	{409, "Conflict"},
	{413, "Content Too Large"},
	{429, "Too Many Requests"},
	{500, "Internal Server Error"},
	{503, "Service Unavailable"},
	{0, "Unknown"},
	{-1, "Unknown"},
	{299, "Unknown"},
	{1000, "Unknown"},
};

/* Each status has its phrase. */
START_TEST(test_reason)
{
	const struct out_t_reason_row *r = &out_t_reason_rows[_i];

	ck_assert_msg(strcmp(out_reason(r->status), r->phrase) == 0, "%d: \"%s\"", r->status,
		      out_reason(r->status));
}
END_TEST

/* Append one FastCGI record for request 1 (no padding) to buf. */
static size_t out_t_record(unsigned char *buf, size_t at, int type, const void *content,
			   size_t len)
{
	unsigned char *h = buf + at;

	h[0] = FCGI_VERSION_1;
	h[1] = (unsigned char)type;
	h[2] = 0;
	h[3] = 1;
	h[4] = (unsigned char)(len >> 8);
	h[5] = (unsigned char)(len & 0xff);
	h[6] = 0;
	h[7] = 0;
	if (len > 0)
		memcpy(h + FCGI_HEADER_LEN, content, len);
	return at + FCGI_HEADER_LEN + len;
}

/* Read a whole FastCGI reply from fd and return its STDOUT bytes
 * (malloc'd) and their count; *ended says whether END_REQUEST came. */
static char *out_t_read_reply(int fd, size_t *out_len, int *ended)
{
	size_t cap = 1 << 16, len = 0, pos = 0, got = 0;
	unsigned char *raw = malloc(cap);
	char *body;
	ssize_t n;

	ck_assert_ptr_nonnull(raw);
	while ((n = read(fd, raw + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len == cap) {
			cap *= 2;
			raw = realloc(raw, cap);
			ck_assert_ptr_nonnull(raw);
		}
	}
	body = malloc(len + 1);
	ck_assert_ptr_nonnull(body);
	*ended = 0;
	while (pos + FCGI_HEADER_LEN <= len) {
		const unsigned char *h = raw + pos;
		size_t clen = ((size_t)h[4] << 8) | h[5];

		ck_assert_uint_le(pos + FCGI_HEADER_LEN + clen + h[6], len);
		if (h[1] == FCGI_STDOUT) {
			memcpy(body + got, h + FCGI_HEADER_LEN, clen);
			got += clen;
		} else if (h[1] == FCGI_END_REQUEST) {
			*ended = 1;
		}
		pos += FCGI_HEADER_LEN + clen + h[6];
	}
	ck_assert_uint_eq(pos, len);
	free(raw);
	body[got] = '\0';
	*out_len = got;
	return body;
}

/* A real FastCGI exchange over a Unix socket: the client's request is
 * queued before FCGX_Accept_r, the reply read back after FCGX_Finish_r.
 * The body is larger than one FastCGI record. */
START_TEST(test_fcgi_stream)
{
	static const unsigned char begin[8] = {0, FCGI_RESPONDER, 0, 0, 0, 0, 0, 0};
	static const char head[] = "Location: /files\r\nStatus: 303 See Other\r\n\r\n";
	enum { BIG = 70000 };
	char *dir = tu_mkdtemp("out");
	struct sockaddr_un sa;
	unsigned char req_bytes[64];
	size_t req_len = 0, got_len;
	FCGX_Request req;
	struct out o;
	char *big, *got;
	int lfd, cfd, ended;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	ck_assert_uint_lt((size_t)snprintf(sa.sun_path, sizeof sa.sun_path, "%s/fcgi.sock", dir),
			  sizeof sa.sun_path);
	ck_assert_int_eq(FCGX_Init(), 0);
	lfd = FCGX_OpenSocket(sa.sun_path, 4);
	ck_assert_int_ge(lfd, 0);
	cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(cfd, 0);
	ck_assert_int_eq(connect(cfd, (struct sockaddr *)&sa, sizeof sa), 0);
	req_len = out_t_record(req_bytes, req_len, FCGI_BEGIN_REQUEST, begin, sizeof begin);
	req_len = out_t_record(req_bytes, req_len, FCGI_PARAMS, NULL, 0);
	req_len = out_t_record(req_bytes, req_len, FCGI_STDIN, NULL, 0);
	ck_assert_int_eq(write(cfd, req_bytes, req_len), (ssize_t)req_len);

	ck_assert_int_eq(FCGX_InitRequest(&req, lfd, 0), 0);
	ck_assert_int_eq(FCGX_Accept_r(&req), 0);
	out_init_fcgi(&o, req.out);
	ck_assert_int_eq(out_status(&o, 303), ERR_OK);
	ck_assert_int_eq(out_header(&o, "Location", "/files"), ERR_OK);
	ck_assert_int_eq(out_header(&o, "X", "a\r\nSet-Cookie: x"), ERR_HTTP_MALFORMED);
	big = malloc(BIG);
	ck_assert_ptr_nonnull(big);
	for (size_t i = 0; i < BIG; i++)
		big[i] = (char)('a' + i % 26);
	out_write(&o, big, BIG);
	ck_assert_uint_eq(o.body_bytes, BIG);
	FCGX_Finish_r(&req);

	got = out_t_read_reply(cfd, &got_len, &ended);
	ck_assert(ended);
	ck_assert_uint_eq(got_len, strlen(head) + BIG);
	ck_assert(memcmp(got, head, strlen(head)) == 0);
	ck_assert(memcmp(got + strlen(head), big, BIG) == 0);
	free(got);
	free(big);
	close(cfd);
	close(lfd);
	tu_rm_rf(dir);
	free(dir);
}
END_TEST

/* The out suite. */
static Suite *out_suite(void)
{
	Suite *s = suite_create("out");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_full_response);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_status_changes);
	tcase_add_test(tc, test_status_refused);
	tcase_add_loop_test(tc, test_header_refused, 0,
			    (int)(sizeof out_t_bad_rows / sizeof out_t_bad_rows[0]));
	tcase_add_loop_test(tc, test_header_accepted, 0,
			    (int)(sizeof out_t_good_rows / sizeof out_t_good_rows[0]));
	tcase_add_test(tc, test_header_after_body);
	tcase_add_test(tc, test_head_drops_body);
	tcase_add_test(tc, test_null_safe);
	tcase_add_loop_test(tc, test_reason, 0,
			    (int)(sizeof out_t_reason_rows / sizeof out_t_reason_rows[0]));
	tcase_add_test(tc, test_fcgi_stream);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the out suite. */
int main(void)
{
	return tu_run_suite(out_suite());
}
