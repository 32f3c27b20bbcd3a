/* files: the directory listing and a link's own page. */
#ifndef FILEPANEL_FILES_H
#define FILEPANEL_FILES_H

#include <stddef.h>

#include "listing.h"
#include "page.h"
#include "request.h"

/* GET /files: the listing of a directory of Home, Web or FTP. */
void files_list(struct req *r);

/* GET /link: one link's page (the Legacy interface's way to Delete). */
void files_link(struct req *r);

/* Fill d with where a link leads: TARGET, STATE_SENTENCE and a TARGET_OK
 * (DEST_ROOT, DEST_PATH, DEST_HIGHLIGHT) or TARGET_BAD (BADGE) section. */
void files_fill_target(struct page_dict *d, const struct listing_entry *e);

/* Fill d with the Current Directory of (root, path) and its clickable
 * parts (CRUMB sections). */
void files_fill_location(struct page_dict *d, const struct req *r, int root, const char *path);

/* Check that (root, path) is a directory of the account that can be
 * opened now (the roots are opened here). */
err_t files_location_check(struct req *r, int root, const char *path);

/* Fill d with an entry's NAME, NAME_OPAQUE and ENTRY_ID. */
void files_fill_entry_name(struct page_dict *d, const struct listing_entry *e);

/* Read the identity a confirm page sent back (ENTRY_ID, in the field "id");
 * ERR_HTTP_MALFORMED when it is missing or not one. */
err_t files_entry_id_read(struct req *r, struct fs_entry_id *id);

/* Read the "root", "path" and "name" fields and stat that entry without
 * following it; free e with fs_entry_free on success. */
err_t files_entry(struct req *r, int *root, char *path, size_t size, struct listing_entry *e);

#endif
