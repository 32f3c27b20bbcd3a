/* links: the changes a person makes: Create Link, Delete, and the choice
 * of interface. Each change and its audit row share one transaction. */
#ifndef FILEPANEL_LINKS_H
#define FILEPANEL_LINKS_H

#include "request.h"

/* GET /create: the Create Link form. POST /create: make the link. */
void links_create(struct req *r);

/* GET /delete: the confirm page. POST /delete: delete the link. */
void links_delete(struct req *r);

/* POST /interface: switch between the New and the Legacy interface. */
void links_interface(struct req *r);

#endif
