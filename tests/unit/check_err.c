/* check_err: every error has a status, a stable code and a sentence. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "err.h"
#include "testutil.h"

START_TEST(test_every_error_described)
{
	err_t e = (err_t)_i;
	int status = err_http_status(e);

	ck_assert_msg(status >= 200 && status < 600, "error %d: status %d", _i, status);
	ck_assert_msg(e == ERR_OK || status >= 400, "error %d answers %d", _i, status);
	ck_assert_msg(strlen(err_sentence(e)) > 3, "error %d has no sentence", _i);
	ck_assert_msg(strchr(err_sentence(e), '\n') == NULL, "error %d: sentence splits", _i);
	/* codes are unique: a table row left out would repeat io's */
	for (int j = 0; j < _i; j++)
		ck_assert_msg(strcmp(err_code(e), err_code((err_t)j)) != 0,
			      "errors %d and %d share the code %s", _i, j, err_code(e));
}
END_TEST

START_TEST(test_out_of_range)
{
	ck_assert_int_eq(err_http_status(ERR__MAX), 500);
	ck_assert_int_eq(err_http_status((err_t)-1), 500);
	ck_assert_str_eq(err_code((err_t)12345), "io");
}
END_TEST

struct errno_case {
	int errnum;
	err_t want;
};

static const struct errno_case errno_cases[] = {
	{0, ERR_OK},
	{ENOENT, ERR_NOT_FOUND},
	{EXDEV, ERR_NOT_FOUND},  /* an escape answers as "not found" */
	{ELOOP, ERR_NOT_FOUND},  /* so does a link on the way */
	{ENOTDIR, ERR_NOT_DIR},
	{EEXIST, ERR_EXISTS},
	{EACCES, ERR_DENIED},
	{EPERM, ERR_DENIED},
	{ENAMETOOLONG, ERR_PATH_TOO_LONG},
	{ENOMEM, ERR_NOMEM},
	{EIO, ERR_IO},
};

START_TEST(test_from_errno)
{
	const struct errno_case *c = &errno_cases[_i];

	ck_assert_msg(err_from_errno(c->errnum) == c->want, "errno %d (%s)", c->errnum,
		      strerror(c->errnum));
}
END_TEST

/* The err suite. */
static Suite *err_suite(void)
{
	Suite *s = suite_create("err");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_every_error_described, 0, ERR__MAX);
	tcase_add_test(tc, test_out_of_range);
	tcase_add_loop_test(tc, test_from_errno, 0,
			    (int)(sizeof errno_cases / sizeof errno_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(err_suite());
}
