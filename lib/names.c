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
static err_t names_check_name_common(const char *name, size_t len, bool existing)
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
	if (existing)
		return ERR_OK; /* a name on disk may hold any byte but NUL and '/' */
	for (i = 0; i < len; i++) {
		if (names_is_control((unsigned char)name[i]))
			return ERR_NAME_CONTROL;
	}
	return names_check_encoding(name, len);
}

/* Validate a Link Filename for a new link. */
err_t names_check_link_name(const char *name, size_t len)
{
	return names_check_name_common(name, len, false);
}

/* Validate the name of an existing entry. */
err_t names_check_entry_name(const char *name, size_t len)
{
	return names_check_name_common(name, len, true);
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
	err_t e = in != NULL ? names_check_encoding(in, len) : ERR_OK;

	if (e != ERR_OK) {
		if (outsize > 0)
			out[0] = '\0';
		return e;
	}
	return names_normalize_rel_bytes(in, len, out, outsize);
}

/* Normalise a root-relative path of any bytes. */
err_t names_normalize_rel_bytes(const char *in, size_t len, char *out, size_t outsize)
{
	size_t i = 0, o = 0;

	if (outsize == 0)
		return ERR_PATH_TOO_LONG;
	out[0] = '\0';
	if (in == NULL)
		return ERR_OK;
	if (memchr(in, '\0', len) != NULL)
		return ERR_NUL;
	if (len >= NAMES_PATH_MAX)
		return ERR_PATH_TOO_LONG;
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

/* A closed range of code points. */
struct names_range {
	long lo, hi;
};

/* The two noncharacters at the end of plane p. */
#define NAMES_NONCHAR(p) {(p) * 0x10000L + 0xfffe, (p) * 0x10000L + 0xffff}

/* Every odd code point: sorted, not overlapping, searched by
 * names_cp_is_odd. The one list of what a person cannot see in a name. */
static const struct names_range names_odd_ranges[] = {
	{0x0000, 0x001f},   /* C0 controls */
	{0x007f, 0x009f},   /* DEL and the C1 controls */
	{0x00a0, 0x00a0},   /* no-break space */
	{0x00ad, 0x00ad},   /* soft hyphen */
	{0x034f, 0x034f},   /* combining grapheme joiner */
	{0x061c, 0x061c},   /* Arabic letter mark */
	{0x115f, 0x1160},   /* Hangul choseong and jungseong fillers */
	{0x17b4, 0x17b5},   /* Khmer inherent vowels */
	{0x180b, 0x180f},   /* Mongolian variation selectors, vowel separator */
	{0x2000, 0x200f},   /* special spaces, ZWSP, ZWNJ, ZWJ, LRM, RLM */
	{0x2028, 0x202f},   /* separators, embeddings, overrides, narrow nbsp */
	{0x205f, 0x206f},   /* math space, word joiner, invisible operators, isolates */
	{0x3000, 0x3000},   /* ideographic space */
	{0x3164, 0x3164},   /* Hangul filler */
	{0xfdd0, 0xfdef},   /* noncharacters */
	{0xfe00, 0xfe0f},   /* variation selectors */
	{0xfeff, 0xfeff},   /* zero width no-break space (byte order mark) */
	{0xffa0, 0xffa0},   /* halfwidth Hangul filler */
	{0xfff0, 0xfffd},   /* specials, U+FFFD included: never like a bad byte */
	NAMES_NONCHAR(0),
	{0x1bca0, 0x1bca3}, /* shorthand format controls */
	{0x1d173, 0x1d17a}, /* musical symbol format controls */
	NAMES_NONCHAR(1), NAMES_NONCHAR(2), NAMES_NONCHAR(3), NAMES_NONCHAR(4),
	NAMES_NONCHAR(5), NAMES_NONCHAR(6), NAMES_NONCHAR(7), NAMES_NONCHAR(8),
	NAMES_NONCHAR(9), NAMES_NONCHAR(10), NAMES_NONCHAR(11), NAMES_NONCHAR(12),
	NAMES_NONCHAR(13),
	{0xe0000, 0xe0fff}, /* tags, variation selectors supplement */
	NAMES_NONCHAR(14), NAMES_NONCHAR(15), NAMES_NONCHAR(16),
};

/* Whether code point cp lies in names_odd_ranges (binary search). */
static bool names_cp_is_odd(long cp)
{
	size_t lo = 0, hi = sizeof names_odd_ranges / sizeof names_odd_ranges[0];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < names_odd_ranges[mid].lo)
			hi = mid;
		else if (cp > names_odd_ranges[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/* Decode the valid UTF-8 sequence at s[i] (i < len): shortest form, no
 * surrogate, at most U+10FFFF. Returns its length (at most len - i) with
 * *cp set, or 0 when s[i] does not start one. */
static size_t names_utf8_at(const unsigned char *s, size_t len, size_t i, long *cp)
{
	unsigned char c = s[i], lo = 0x80, hi = 0xbf;
	size_t n, k;
	long v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xc2 || c > 0xf4)
		return 0;
	n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (c == 0xe0)
		lo = 0xa0; /* shorter forms are overlong */
	else if (c == 0xed)
		hi = 0x9f; /* U+D800..U+DFFF are surrogates */
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (n > len - i || s[i + 1] < lo || s[i + 1] > hi)
		return 0;
	v = c & (0x7f >> n);
	for (k = 1; k < n; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i + k] & 0x3f);
	}
	*cp = v;
	return n;
}

/* The runs of spaces at the edges of a string: s[0..lead) and s[tail..len)
 * are spaces, s[lead] and s[tail - 1] are not (lead == tail == len when
 * every byte is a space). */
struct names_edges {
	size_t lead, tail;
};

/* Find the edge runs of spaces of s; takes time in their length only. */
static void names_edges_of(const char *s, size_t len, struct names_edges *e)
{
	e->lead = 0;
	while (e->lead < len && s[e->lead] == ' ')
		e->lead++;
	e->tail = len;
	while (e->tail > e->lead && s[e->tail - 1] == ' ')
		e->tail--;
}

/* Read the character at s[i] into *c, given the edge runs of spaces of s:
 * a space is odd when every byte before it (i <= lead) or every byte after
 * it (i + 1 >= tail) is a space. */
static void names_read_char(const char *s, size_t len, size_t i, const struct names_edges *e,
			    struct names_char *c)
{
	c->len = names_utf8_at((const unsigned char *)s, len, i, &c->cp);
	if (c->len == 0) {
		c->len = 1;
		c->cp = -1;
		c->odd = true;
		return;
	}
	c->odd = names_cp_is_odd(c->cp) || (c->cp == ' ' && (i <= e->lead || i + 1 >= e->tail));
}

/* Read one character of s, classifying it as odd or not. */
void names_char_at(const char *s, size_t len, size_t i, struct names_char *c)
{
	struct names_edges e = {0, len};

	if (s[i] == ' ')
		names_edges_of(s, len, &e);
	names_read_char(s, len, i, &e, c);
}

/* Validate a name for a new entry: a Link Filename with no odd character. */
err_t names_check_new_name(const char *name, size_t len)
{
	struct names_edges edges;
	struct names_char c;
	err_t e = names_check_link_name(name, len);
	size_t i;

	if (e != ERR_OK)
		return e;
	names_edges_of(name, len, &edges);
	for (i = 0; i < len; i += c.len) {
		names_read_char(name, len, i, &edges, &c);
		if (c.odd)
			return ERR_NAME_INVISIBLE;
	}
	return ERR_OK;
}

/* Output written into a caller's buffer, always NUL-terminated when size
 * is not 0. full is set once something did not fit (or size is 0). */
struct names_out {
	char *buf;
	size_t size, len;
	bool full;
};

/* Start an empty output in buf (size bytes). */
static void names_out_start(struct names_out *o, char *buf, size_t size)
{
	o->buf = buf;
	o->size = size;
	o->len = 0;
	o->full = size == 0;
	if (size > 0)
		buf[0] = '\0';
}

/* Append n bytes for the caller to fill and a NUL after them, returning
 * where they start; when they do not fit, mark o full, leave what it holds
 * as it is and return NULL. */
static char *names_out_room(struct names_out *o, size_t n)
{
	char *p;

	if (o->full || n >= o->size - o->len) {
		o->full = true;
		return NULL;
	}
	p = o->buf + o->len;
	o->len += n;
	o->buf[o->len] = '\0';
	return p;
}

/* Append p[0..n) and a NUL when they fit (names_out_room). */
static void names_out_put(struct names_out *o, const char *p, size_t n)
{
	char *room = names_out_room(o, n);

	if (room != NULL)
		memcpy(room, p, n);
}

/* Cut the output back to its first n bytes (n <= o->len). */
static void names_out_cut(struct names_out *o, size_t n)
{
	o->len = n;
	if (o->size > 0)
		o->buf[n] = '\0';
}

/* Write v in uppercase hex, at least min digits, to p; returns the count. */
static size_t names_put_hex(char *p, unsigned long v, size_t min)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t n = 1, k;

	while (n < 8 && (v >> (4 * n)) != 0)
		n++;
	if (n < min)
		n = min;
	for (k = 0; k < n; k++)
		p[k] = digits[(v >> (4 * (n - 1 - k))) & 0xf];
	return n;
}

/* The value of the hex digit c (either case), or -1. */
int names_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Render the character c (read at in[i]) into piece (room for 16 bytes);
 * returns the bytes written. One per output form. */
typedef size_t names_piece_fn(const char *in, size_t i, const struct names_char *c, char *piece);

/* The opaque form of one character: copied, or each byte as "~XX". */
static size_t names_opaque_piece(const char *in, size_t i, const struct names_char *c, char *piece)
{
	size_t k, n = 0;

	if (!c->odd && in[i] != '~') {
		memcpy(piece, in + i, c->len);
		return c->len;
	}
	for (k = 0; k < c->len; k++) {
		piece[n++] = '~';
		n += names_put_hex(piece + n, (unsigned char)in[i + k], 2);
	}
	return n;
}

/* The visible form of one character: a backslash escape, or copied. */
static size_t names_visible_piece(const char *in, size_t i, const struct names_char *c,
				  char *piece)
{
	static const char from[] = "\n\r\t\\", to[] = "nrt\\";
	const char *e;
	size_t n;

	e = in[i] != '\0' ? strchr(from, in[i]) : NULL;
	if (e != NULL) {
		piece[0] = '\\';
		piece[1] = to[e - from];
		return 2;
	}
	if (c->cp < 0) {
		memcpy(piece, "\\x", 2);
		return 2 + names_put_hex(piece + 2, (unsigned char)in[i], 2);
	}
	if (!c->odd) {
		memcpy(piece, in + i, c->len);
		return c->len;
	}
	memcpy(piece, "\\u{", 3);
	n = 3 + names_put_hex(piece + 3, (unsigned long)c->cp, 4);
	piece[n++] = '}';
	return n;
}

/* Render in[0..len) character by character with piece into out. When it
 * does not fit: ERR_PATH_TOO_LONG, and out keeps the characters that did
 * (keep_cut) or is "". */
static err_t names_render(const char *in, size_t len, char *out, size_t size,
			  names_piece_fn *piece, bool keep_cut)
{
	struct names_edges edges;
	struct names_out o;
	struct names_char c;
	char buf[16];
	size_t i;

	names_edges_of(in, len, &edges);
	names_out_start(&o, out, size);
	for (i = 0; i < len && !o.full; i += c.len) {
		names_read_char(in, len, i, &edges, &c);
		names_out_put(&o, buf, piece(in, i, &c, buf));
	}
	if (o.full && !keep_cut)
		names_out_cut(&o, 0);
	return o.full ? ERR_PATH_TOO_LONG : ERR_OK;
}

/* Encode bytes for a URL or a form field. */
err_t names_opaque_encode(const char *in, size_t len, char *out, size_t size)
{
	return names_render(in, len, out, size, names_opaque_piece, false);
}

/* Write bytes as one visible line. */
err_t names_visible_text(const char *in, size_t len, char *out, size_t size)
{
	return names_render(in, len, out, size, names_visible_piece, true);
}

/* Undo names_opaque_encode. */
err_t names_opaque_decode(const char *in, size_t len, char *out, size_t size, size_t *out_len)
{
	struct names_out o;
	size_t i = 0;

	*out_len = 0;
	names_out_start(&o, out, size);
	while (i < len && !o.full) {
		char b = in[i++];

		if (b == '~') {
			int hi = i < len ? names_hex_value(in[i]) : -1;
			int lo = i + 1 < len ? names_hex_value(in[i + 1]) : -1;

			if (hi < 0 || lo < 0) {
				names_out_cut(&o, 0);
				return ERR_HTTP_MALFORMED;
			}
			b = (char)(hi << 4 | lo);
			i += 2;
		}
		names_out_put(&o, &b, 1);
	}
	if (o.full) {
		names_out_cut(&o, 0);
		return ERR_PATH_TOO_LONG;
	}
	*out_len = o.len;
	return ERR_OK;
}

/* What one '/'-separated component of a target is to the ".." rule. */
enum names_comp {
	NAMES_COMP_SKIP,   /* "" or ".": neither a name nor a step up */
	NAMES_COMP_DOTDOT, /* ".." */
	NAMES_COMP_NAME    /* anything else */
};

/* Read the last component of t not read yet into *p and *n. *left is 1 +
 * the index of the byte just after it (len + 1 to start with); it becomes 0
 * once the first component is read. Returns the component's kind (an enum
 * names_comp), or -1 when none is left. */
static int names_prev_comp(const char *t, size_t *left, const char **p, size_t *n)
{
	size_t end, start;

	if (*left == 0)
		return -1;
	end = start = *left - 1;
	while (start > 0 && t[start - 1] != '/')
		start--;
	*p = t + start;
	*n = end - start;
	*left = start;
	if (*n == 0 || (*n == 1 && **p == '.'))
		return NAMES_COMP_SKIP;
	if (*n == 2 && (*p)[0] == '.' && (*p)[1] == '.')
		return NAMES_COMP_DOTDOT;
	return NAMES_COMP_NAME;
}

/* Whether target has a ".." that is not in its leading run: one after a
 * name, or any in an absolute target. */
static bool names_late_dotdot(const char *t, size_t len)
{
	size_t left = len + 1, n;
	bool up = false;
	const char *p;
	int k;

	while ((k = names_prev_comp(t, &left, &p, &n)) >= 0) {
		if (k == NAMES_COMP_DOTDOT)
			up = true;
		else if (k == NAMES_COMP_NAME && up)
			return true;
	}
	return up && len > 0 && t[0] == '/';
}

/* Apply every ".." of t to the name before it, reading from the right: the
 * names that stay, joined by '/', take the returned number of bytes, and
 * when end is not NULL they are written just before end. *ups is the
 * number of ".." left over (the leading run of the result). */
static size_t names_resolve(const char *t, size_t len, char *end, size_t *ups)
{
	size_t left = len + 1, n, body = 0;
	const char *p;
	int k;

	*ups = 0;
	while ((k = names_prev_comp(t, &left, &p, &n)) >= 0) {
		if (k == NAMES_COMP_DOTDOT)
			(*ups)++;
		if (k != NAMES_COMP_NAME)
			continue;
		if (*ups > 0) {
			(*ups)--;
			continue;
		}
		if (body > 0 && end != NULL)
			*--end = '/';
		body += (body > 0) + n;
		if (end != NULL) {
			end -= n;
			memcpy(end, p, n);
		}
	}
	return body;
}

/* Write target with every late ".." applied lexically to o (see
 * names_check_target_dotdot); o is full when it did not fit. */
static void names_apply_dotdot(const char *t, size_t len, struct names_out *o)
{
	size_t ups, k, body = names_resolve(t, len, NULL, &ups);
	char *room;

	if (t[0] == '/') {
		names_out_put(o, "/", 1);
		ups = 0;
	}
	for (k = 0; k < ups; k++)
		names_out_put(o, k == 0 ? ".." : "/..", k == 0 ? 2 : 3);
	if (body > 0 && ups > 0)
		names_out_put(o, "/", 1);
	room = body > 0 ? names_out_room(o, body) : NULL;
	if (room != NULL)
		names_resolve(t, len, room + body, &ups);
	if (o->len == 0)
		names_out_put(o, ".", 1);
	if (!o->full && t[len - 1] == '/' && o->buf[o->len - 1] != '/')
		names_out_put(o, "/", 1);
}

/* Check the ".." rule for a stored link target, suggesting a fix. */
err_t names_check_target_dotdot(const char *target, size_t len, char *suggestion, size_t size)
{
	struct names_out o;

	if (len == 0)
		return ERR_OK;
	if (memchr(target, '\0', len) != NULL)
		return ERR_NUL;
	if (!names_late_dotdot(target, len))
		return ERR_OK;
	if (suggestion != NULL) {
		names_out_start(&o, suggestion, size);
		names_apply_dotdot(target, len, &o);
		if (o.full)
			names_out_cut(&o, 0);
	}
	return ERR_TARGET_DOTDOT;
}
