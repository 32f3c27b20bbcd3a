/* view: pages in the layout, errors, redirects, cookies and URLs. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fs.h"
#include "names.h"
#include "view.h"

#define VIEW_CSP "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; " \
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/* The interface a page is drawn in: the account's choice, New before login. */
static const char *view_skin(const struct req *r)
{
	return r->logged_in && strcmp(r->user.interface, "legacy") == 0 ? "legacy" : "new";
}

/* Fill the parts of the layout only a logged-in account sees: the account
 * bar (interface switch, Log Out) and the navigation, one entry per root. */
static void view_logged_in(struct req *r, struct page_dict *d, const char *skin)
{
	char path[NAMES_OPAQUE_SIZE(NAMES_PATH_MAX)];
	struct page_dict *in = page_add_section(d, "LOGGED_IN");
	bool is_new = strcmp(skin, "new") == 0;

	page_add_include(in, "ACCOUNT", "shared/account.tpl");
	page_set_global(d, "USER_NAME", r->user.name);
	page_set_global(d, "CSRF", r->csrf);
	page_set_global(d, "ROOT", fs_root_name((fs_root_id)r->view_root));
	page_set_global(d, "PATH", view_opaque(r->view_path, path, sizeof path));
	page_set_global(d, "SWITCH_TO", is_new ? "legacy" : "new");
	page_set_global(d, "SWITCH_LABEL", is_new ? "Legacy Interface" : "New Interface");
	if (req_open_roots(r) != ERR_OK)
		return;
	for (int i = 0; i < FS_ROOT__MAX; i++) {
		struct page_dict *item;

		if (r->roots.root[i].state == FS_ROOT_NONE)
			continue;
		item = page_add_section(in, "NAV_ROOT");
		page_set(item, "LABEL", fs_root_label((fs_root_id)i));
		page_set(item, "NAME", fs_root_name((fs_root_id)i));
		if (r->roots.root[i].state == FS_ROOT_GONE)
			page_show(item, "NAV_UNAVAILABLE");
		if (i == r->view_root)
			page_show(item, "NAV_CURRENT");
	}
}

/* Start a page in the layout. */
struct page_dict *view_begin(struct req *r, const char *content)
{
	char file[128];
	const char *skin = view_skin(r);
	struct page_dict *d;

	page_dict_free(r->layout);
	r->layout = d = page_dict_new("layout");
	snprintf(file, sizeof file, "shared/%s.tpl", content);
	r->content = page_add_include(d, "CONTENT", file);
	if (r->content == NULL) {
		/* keep handlers simple: they fill a throwaway dictionary */
		page_dict_free(r->layout);
		r->layout = d = page_dict_new("layout");
		r->content = d;
	}
	page_add_include(d, "HEAD", "shared/head.tpl");
	page_set_global(d, "BASE_URL", r->cfg->base_url);
	page_set_global(d, "STATIC_URL", r->cfg->static_url);
	if (r->logged_in)
		view_logged_in(r, d, skin);
	return r->content;
}

/* Write the headers every page carries. */
static void view_common_headers(struct req *r)
{
	out_header(&r->out, "Content-Security-Policy", VIEW_CSP);
	out_header(&r->out, "X-Content-Type-Options", "nosniff");
	out_header(&r->out, "X-Frame-Options", "DENY");
	out_header(&r->out, "Referrer-Policy", "same-origin");
	out_header(&r->out, "Cache-Control", "no-store");
}

/* Finish the page. */
void view_finish(struct req *r, int status, const char *title)
{
	char file[64];

	snprintf(file, sizeof file, "%s/layout.tpl", view_skin(r));
	page_set_global(r->layout, "TITLE", title);
	out_status(&r->out, status);
	out_header(&r->out, "Content-Type", "text/html; charset=utf-8");
	view_common_headers(r);
	if (page_expand(file, r->layout, &r->out) != ERR_OK && r->out.body_bytes == 0)
		out_puts(&r->out, "<!DOCTYPE html><title>Error</title><p>The page could not be drawn.");
	page_dict_free(r->layout);
	r->layout = r->content = NULL;
}

/* The error page. */
void view_error(struct req *r, err_t e)
{
	struct page_dict *d = view_begin(r, "error");
	int status = err_http_status(e);

	page_set(d, "MESSAGE", err_sentence(e));
	page_set_int(d, "STATUS", status);
	page_set(d, "REASON", out_reason(status));
	view_finish(r, status, out_reason(status));
}

/* 303 to a panel URL. */
void view_redirect(struct req *r, const char *panel_url)
{
	char location[8192];

	snprintf(location, sizeof location, "%s%s", r->cfg->base_url, panel_url);
	out_status(&r->out, 303);
	if (out_header(&r->out, "Location", location) != ERR_OK)
		out_header(&r->out, "Location", "/");
	view_common_headers(r);
	out_end_head(&r->out);
}

/* 405 with Allow. */
void view_method_not_allowed(struct req *r, const char *allow)
{
	out_header(&r->out, "Allow", allow);
	view_error(r, ERR_HTTP_METHOD);
}

/* Send or clear the session cookie. */
void view_session_cookie(struct req *r, const char *value)
{
	char cookie[256];

	snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
		 r->cfg->cookie_name, value != NULL ? value : "", value == NULL ? "; Max-Age=0" : "",
		 r->cfg->secure_cookies ? "; Secure" : "");
	out_header(&r->out, "Set-Cookie", cookie);
}

/* Build a panel URL from a path and name/value pairs. */
char *view_url(char *out, size_t size, const char *path, ...)
{
	size_t used = (size_t)snprintf(out, size, "%s", path);
	const char *name, *value;
	char sep = '?';
	va_list ap;

	va_start(ap, path);
	while (used < size && (name = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		if (value == NULL || *value == '\0')
			continue;
		used += (size_t)snprintf(out + used, size - used, "%c%s=", sep, name);
		if (used >= size ||
		    http_url_encode(value, strlen(value), 0, out + used, size - used) != ERR_OK) {
			used = size;
			break;
		}
		used += strlen(out + used);
		sep = '&';
	}
	va_end(ap);
	if (used >= size)
		snprintf(out, size, "/");
	return out;
}

/* Encode a name or path for a URL or a form field. */
const char *view_opaque(const char *s, char *out, size_t size)
{
	if (names_opaque_encode(s, strlen(s), out, size) != ERR_OK)
		out[0] = '\0';
	return out;
}

/* A listing URL. */
char *view_files_url(char *out, size_t size, int root, const char *path, const char *highlight,
		     int64_t done)
{
	char path_enc[NAMES_OPAQUE_SIZE(NAMES_PATH_MAX)];
	char name_enc[NAMES_OPAQUE_SIZE(NAMES_NAME_MAX)];
	char done_text[24] = "";

	if (done > 0)
		snprintf(done_text, sizeof done_text, "%lld", (long long)done);
	return view_url(out, size, "/files", "root", fs_root_name((fs_root_id)root), "path",
			view_opaque(path != NULL ? path : "", path_enc, sizeof path_enc),
			"highlight",
			view_opaque(highlight != NULL ? highlight : "", name_enc, sizeof name_enc),
			"done", done_text, NULL);
}
