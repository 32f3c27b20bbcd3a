/* err: statuses and sentences for every err_t. */
#include "config.h"

#include <errno.h>
#include <stddef.h>

#include "err.h"

struct err_info {
	int status;
	const char *code;
	const char *sentence;
};

static const struct err_info err_table[ERR__MAX] = {
	[ERR_OK] = {200, "ok", "Done."},
	[ERR_NOMEM] = {500, "nomem", "The server ran out of memory. Try again in a moment."},
	[ERR_IO] = {500, "io", "The server could not complete the operation. Try again, and tell your hosting provider if it keeps happening."},
	[ERR_DENIED] = {403, "denied", "Your account does not have permission to do that here."},
	[ERR_NOT_FOUND] = {404, "not_found", "That file or directory does not exist in your account. It may have been moved or deleted."},
	[ERR_NOT_DIR] = {404, "not_dir", "That location is not a directory."},
	[ERR_EXISTS] = {409, "exists", "A file with that name already exists in this directory. Choose another Link Filename."},
	[ERR_NOT_LINK] = {409, "not_link", "That entry is not a symbolic link, so it was not deleted."},
	[ERR_IS_ROOT] = {400, "is_root", "The top directory of Home, Web or FTP cannot be deleted."},
	[ERR_ROOT_UNKNOWN] = {404, "root_unknown", "There is no such place in your account. Choose Home, Web or FTP."},
	[ERR_PATH_INVALID] = {400, "path_invalid", "That path is not valid. Use the links on the page to move between directories."},
	[ERR_PATH_TOO_LONG] = {400, "path_too_long", "That path is too long."},
	[ERR_LOOP] = {409, "loop", "The symbolic links there form a loop or a chain that is too long to follow."},
	[ERR_ROOT_UNAVAILABLE] = {409, "root_unavailable", "That directory is not available: it has been replaced by a link, moved or deleted since it was set up, so the panel does not open it. Ask your hosting provider to set it up again."},
	[ERR_MOUNT_POINT] = {404, "mount_point", "That directory is another filesystem mounted inside your account, which the panel does not enter."},
	[ERR_TOO_COMPLEX] = {409, "too_complex", "The panel stopped following the symbolic links there: working out where they lead takes more steps than one request may use."},
	[ERR_CHANGED] = {409, "changed", "The entry changed after the page was shown (it was replaced, renamed or moved), so nothing was done. Look at it again and confirm once more."},
	[ERR_NAME_EMPTY] = {400, "name_empty", "Enter a Link Filename."},
	[ERR_NAME_DOT] = {400, "name_dot", "A Link Filename cannot be \".\" or \"..\". Choose another name."},
	[ERR_NAME_SLASH] = {400, "name_slash", "A Link Filename cannot contain \"/\". Enter just the name; the link is made in the Current Directory."},
	[ERR_NAME_CONTROL] = {400, "name_control", "A Link Filename cannot contain control characters such as tabs or line breaks."},
	[ERR_NAME_TOO_LONG] = {400, "name_too_long", "A Link Filename can be at most 255 bytes long. Choose a shorter name."},
	[ERR_NAME_INVISIBLE] = {400, "name_invisible", "A name cannot contain invisible characters, unusual spaces, text-direction controls (such as U+200B or U+202E) or bytes that are not UTF-8: they make one name look like another."},
	[ERR_TARGET_EMPTY] = {400, "target_empty", "Enter a Source Filename: the file or directory the link should point to."},
	[ERR_TARGET_CONTROL] = {400, "target_control", "A Source Filename cannot contain control characters such as tabs or line breaks."},
	[ERR_TARGET_TOO_LONG] = {400, "target_too_long", "A Source Filename must be shorter than 4096 bytes."},
	[ERR_TARGET_OUTSIDE] = {403, "target_outside", "A link can only point inside your own Home, Web or FTP directories. Choose a Source Filename inside your account."},
	[ERR_TARGET_DOTDOT] = {400, "target_dotdot", "A Source Filename can use \"..\" only at its start, as in ../images/logo.png: a \"..\" after a directory name would change where the link leads if that directory were later replaced by a link."},
	[ERR_NUL] = {400, "nul", "The request contained a NUL byte, which is never part of a valid name."},
	[ERR_ENCODING] = {400, "encoding", "The request contained badly encoded text (an invalid or overlong UTF-8 sequence)."},
	[ERR_HTTP_MALFORMED] = {400, "http_malformed", "The request was malformed. Reload the page and try again."},
	[ERR_HTTP_TOO_LARGE] = {413, "http_too_large", "The request was too large."},
	[ERR_HTTP_TOO_MANY_FIELDS] = {400, "http_too_many_fields", "The request had too many fields."},
	[ERR_HTTP_FIELD_TOO_LONG] = {400, "http_field_too_long", "A field in the request was too long."},
	[ERR_HTTP_DUPLICATE] = {400, "http_duplicate", "A field was given more than once in the request."},
	[ERR_HTTP_METHOD] = {405, "http_method", "That page cannot be used that way. Use the buttons on the page."},
	[ERR_CSRF] = {403, "csrf", "The form had expired or did not come from this panel. Reload the page and try again."},
	[ERR_HOST] = {421, "host", "This panel does not answer under that address. Use the address your hosting provider gave you."},
	[ERR_AUTH_FAILED] = {403, "auth_failed", "The username or password is incorrect."},
	[ERR_THROTTLED] = {429, "throttled", "Too many failed logins. Wait a few minutes and try again."},
	[ERR_USER_UNKNOWN] = {404, "user_unknown", "There is no account with that name."},
	[ERR_USER_EXISTS] = {409, "user_exists", "An account with that name already exists."},
	[ERR_USER_NAME] = {400, "user_name", "An account name must be 1 to 32 characters: letters, digits, '.', '_' or '-', not starting with '-' or '.'."},
	[ERR_ROOT_NOT_DIR] = {400, "root_not_dir", "That root is not an existing directory."},
	[ERR_DB_IN_ROOT] = {500, "db_in_root", "The database must not lie inside any user's Home, Web or FTP directory."},
	[ERR_DB] = {500, "db", "The panel's database could not be used. Try again in a moment."},
	[ERR_DB_FULL] = {503, "db_full", "The disk holding the panel's log is full, so the panel cannot record changes and made none. Tell your hosting provider."},
	[ERR_DB_READONLY] = {503, "db_readonly", "The panel's log cannot be written right now (its database is read-only), so the panel made no change. Tell your hosting provider."},
	[ERR_AUDIT_UNFINISHED] = {500, "audit_unfinished", "The change was made, but the panel could not finish its log entry for it (its database could not be written). The entry is completed as soon as the database can be written again."},
};

/* Look up the table row for e, falling back to ERR_IO for out-of-range values. */
static const struct err_info *err_info_of(err_t e)
{
	if ((int)e < 0 || e >= ERR__MAX || err_table[e].code == NULL)
		return &err_table[ERR_IO];
	return &err_table[e];
}

/* The HTTP status that answers a request failing with e. */
int err_http_status(err_t e)
{
	return err_info_of(e)->status;
}

/* A sentence for a person. */
const char *err_sentence(err_t e)
{
	return err_info_of(e)->sentence;
}

/* A short stable identifier. */
const char *err_code(err_t e)
{
	return err_info_of(e)->code;
}

/* Map an errno to an err_t. */
err_t err_from_errno(int errnum)
{
	switch (errnum) {
	case 0:
		return ERR_OK;
	case ENOENT:
	case EXDEV:
	case ELOOP:
		return ERR_NOT_FOUND;
	case ENOTDIR:
		return ERR_NOT_DIR;
	case EEXIST:
	case ENOTEMPTY:
		return ERR_EXISTS;
	case EACCES:
	case EPERM:
	case EROFS:
		return ERR_DENIED;
	case ENAMETOOLONG:
		return ERR_PATH_TOO_LONG;
	case ENOMEM:
		return ERR_NOMEM;
	default:
		return ERR_IO;
	}
}
