/* login: logging in and out, and the panel's front door. */
#ifndef FILEPANEL_LOGIN_H
#define FILEPANEL_LOGIN_H

#include "request.h"

/* GET /: to the Files listing of Home, or to the login page. */
void login_home(struct req *r);

/* GET /login: the login page. POST /login: check the name and password,
 * start a new session, land on the page that asked for login. */
void login_page(struct req *r);

/* POST /logout: end the session. */
void login_logout(struct req *r);

#endif
