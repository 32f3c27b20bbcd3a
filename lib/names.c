/* names: pure validation and path arithmetic for names, targets and paths. */
#include "config.h"

#include <string.h>

#include "names.h"

/* Length of the UTF-8 sequence starting at s[i] if it is one of the forms
 * names_check_encoding refuses (overlong, surrogate, above U+10FFFF), else 0.
 * Bytes that are not the start of a well-formed sequence are left alone. */
static size_t names_bad_utf8_at(const unsigned char *s, size_t len, size_t i)
{
	unsigned char c = s[i];
	unsigned char c1 = i + 1 < len ? s[i + 1] : 0;

	if (c == 0xc0 || c == 0xc1)
		return (c1 & 0xc0) == 0x80 ? 2 : 1;
	if (c == 0xe0 && c1 >= 0x80 && c1 <= 0x9f)
		return 3;
	if (c == 0xed && c1 >= 0xa0 && c1 <= 0xbf)
		return 3;
	if (c == 0xf0 && c1 >= 0x80 && c1 <= 0x8f)
		return 4;
	if (c == 0xf4 && c1 >= 0x90 && c1 <= 0xbf)
		return 4;
	if (c >= 0xf5)
		return 1;
	return 0;
}

/* Refuse overlong forms, surrogates and code points above U+10FFFF. */
err_t names_check_encoding(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < len; i++) {
		if (u[i] >= 0xc0 && names_bad_utf8_at(u, len, i) != 0)
			return ERR_ENCODING;
	}
	return ERR_OK;
}

/* True when c is an ASCII control character. */
static int names_is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* The checks shared by new and existing entry names. */
static err_t names_check_name_common(const char *name, size_t len, int allow_control)
{
	size_t i;

	if (name == NULL || len == 0)
		return ERR_NAME_EMPTY;
	if (memchr(name, '\0', len) != NULL)
		return ERR_NUL;
	if (len > NAMES_NAME_MAX)
		return ERR_NAME_TOO_LONG;
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return ERR_NAME_DOT;
	if (memchr(name, '/', len) != NULL)
		return ERR_NAME_SLASH;
	for (i = 0; i < len && !allow_control; i++) {
		if (names_is_control((unsigned char)name[i]))
			return ERR_NAME_CONTROL;
	}
	return names_check_encoding(name, len);
}

/* Validate a Link Filename for a new link. */
err_t names_check_link_name(const char *name, size_t len)
{
	return names_check_name_common(name, len, 0);
}

/* Validate the name of an existing entry. */
err_t names_check_entry_name(const char *name, size_t len)
{
	return names_check_name_common(name, len, 1);
}

/* Validate a Source Filename. */
err_t names_check_target(const char *target, size_t len)
{
	size_t i;

	if (target == NULL || len == 0)
		return ERR_TARGET_EMPTY;
	if (memchr(target, '\0', len) != NULL)
		return ERR_NUL;
	if (len > NAMES_TARGET_MAX)
		return ERR_TARGET_TOO_LONG;
	for (i = 0; i < len; i++) {
		if (names_is_control((unsigned char)target[i]))
			return ERR_TARGET_CONTROL;
	}
	return names_check_encoding(target, len);
}

/* Normalise a root-relative path from a request. */
err_t names_normalize_rel(const char *in, size_t len, char *out, size_t outsize)
{
	size_t i = 0, o = 0;
	err_t e;

	if (outsize == 0)
		return ERR_PATH_TOO_LONG;
	out[0] = '\0';
	if (in == NULL)
		return ERR_OK;
	if (memchr(in, '\0', len) != NULL)
		return ERR_NUL;
	if (len >= NAMES_PATH_MAX)
		return ERR_PATH_TOO_LONG;
	e = names_check_encoding(in, len);
	if (e != ERR_OK)
		return e;
	while (i < len) {
		size_t start, clen;

		while (i < len && in[i] == '/')
			i++;
		start = i;
		while (i < len && in[i] != '/')
			i++;
		clen = i - start;
		if (clen == 0 || (clen == 1 && in[start] == '.'))
			continue;
		if (clen == 2 && in[start] == '.' && in[start + 1] == '.')
			return ERR_PATH_INVALID;
		if (clen > NAMES_NAME_MAX)
			return ERR_PATH_TOO_LONG;
		if (o + (o > 0) + clen + 1 > outsize)
			return ERR_PATH_TOO_LONG;
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, in + start, clen);
		o += clen;
		out[o] = '\0';
	}
	return ERR_OK;
}

/* Lexically normalise an absolute path in place. */
err_t names_normalize_abs(char *path)
{
	size_t r = 0, w = 0, len;

	if (path == NULL || path[0] != '/')
		return ERR_PATH_INVALID;
	len = strlen(path);
	/* w is the length of the normalised prefix, which never has a
	 * trailing '/' except when it is just "/". */
	path[w++] = '/';
	while (r < len) {
		size_t start, clen;

		while (r < len && path[r] == '/')
			r++;
		start = r;
		while (r < len && path[r] != '/')
			r++;
		clen = r - start;
		if (clen == 0 || (clen == 1 && path[start] == '.'))
			continue;
		if (clen == 2 && path[start] == '.' && path[start + 1] == '.') {
			while (w > 1 && path[w - 1] != '/')
				w--;
			if (w > 1)
				w--;
			continue;
		}
		if (w > 1)
			path[w++] = '/';
		memmove(path + w, path + start, clen);
		w += clen;
	}
	path[w] = '\0';
	return ERR_OK;
}

/* Join target to an absolute directory lexically and normalise. */
err_t names_join(const char *dir, const char *target, size_t target_len,
		 char *out, size_t outsize)
{
	size_t dlen = 0;

	if (memchr(target, '\0', target_len) != NULL)
		return ERR_NUL;
	if (target_len > 0 && target[0] == '/') {
		if (target_len + 1 > outsize)
			return ERR_PATH_TOO_LONG;
		memcpy(out, target, target_len);
		out[target_len] = '\0';
	} else {
		if (dir == NULL || dir[0] != '/')
			return ERR_PATH_INVALID;
		dlen = strlen(dir);
		if (dlen + 1 + target_len + 1 > outsize)
			return ERR_PATH_TOO_LONG;
		memcpy(out, dir, dlen);
		out[dlen] = '/';
		memcpy(out + dlen + 1, target, target_len);
		out[dlen + 1 + target_len] = '\0';
	}
	return names_normalize_abs(out);
}

/* Whether abs lies at or below root, component-wise. */
bool names_below(const char *root, const char *abs, const char **rel)
{
	size_t rlen = strlen(root);

	if (root[0] != '/' || abs[0] != '/')
		return false;
	if (rlen == 1) {
		*rel = abs + 1;
		return true;
	}
	if (strncmp(root, abs, rlen) != 0)
		return false;
	if (abs[rlen] == '\0') {
		*rel = abs + rlen;
		return true;
	}
	if (abs[rlen] != '/')
		return false;
	*rel = abs + rlen + 1;
	return true;
}

/* Join a root-relative directory and an entry name. */
err_t names_rel_child(const char *dir_rel, const char *name, char *out, size_t outsize)
{
	size_t dlen = strlen(dir_rel), nlen = strlen(name);
	size_t need = dlen + (dlen > 0) + nlen + 1;

	if (need > outsize)
		return ERR_PATH_TOO_LONG;
	memcpy(out, dir_rel, dlen);
	if (dlen > 0)
		out[dlen++] = '/';
	memcpy(out + dlen, name, nlen + 1);
	return ERR_OK;
}

/* Split a root-relative path into parent and last component. */
err_t names_rel_split(const char *rel, char *parent, size_t parentsize, const char **last)
{
	const char *slash;
	size_t plen;

	if (rel == NULL || rel[0] == '\0')
		return ERR_IS_ROOT;
	slash = strrchr(rel, '/');
	plen = slash == NULL ? 0 : (size_t)(slash - rel);
	if (plen + 1 > parentsize)
		return ERR_PATH_TOO_LONG;
	memcpy(parent, rel, plen);
	parent[plen] = '\0';
	*last = slash == NULL ? rel : slash + 1;
	return ERR_OK;
}
