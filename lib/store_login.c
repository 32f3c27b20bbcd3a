/* store_login: counters of login attempts, per account name and address
 * together and per address, within a window. An attempt is counted before
 * its password is checked, in one transaction, so that parallel attempts
 * cannot slip past a limit; a stranger's guesses count against the
 * stranger's own address, never against the account from everywhere. */
#include "config.h"

#include "store_intern.h"

enum { STORE_LOGIN_NAME_ADDR = 0, STORE_LOGIN_ADDR = 1 };

/* What store_login_attempt counts. */
struct store_login_attempt {
	const char *name, *addr;
	int64_t now, window, addr_limit;
	struct store_login_counts *counts;
};

/* Move one counter on and read it back into *count. */
static err_t store_login_bump(struct store *s, int kind, const char *name, const char *addr,
			      int64_t now, int64_t window, int64_t *count)
{
	int64_t got[1] = {0};
	err_t err = store_do(s, STORE_STMT_LOGIN_BUMP,
			     STORE_ARGS(STORE_INT(kind), STORE_TEXT(name), STORE_TEXT(addr),
					STORE_INT(now), STORE_INT(window)),
			     store_read_ints, got, NULL);

	*count = got[0];
	return err;
}

/* Both counters of an attempt, inside the transaction: the address's
 * first, and the name's from it only while the address is within its
 * limit. */
static err_t store_login_count_both(struct store *s, void *ctx)
{
	struct store_login_attempt *a = ctx;
	err_t err = store_login_bump(s, STORE_LOGIN_ADDR, "", a->addr, a->now, a->window,
				     &a->counts->by_addr);

	if (err == ERR_OK && a->counts->by_addr <= a->addr_limit)
		err = store_login_bump(s, STORE_LOGIN_NAME_ADDR, a->name, a->addr, a->now,
				       a->window, &a->counts->by_name_addr);
	return err;
}

/* Count one more login attempt. */
err_t store_login_attempt(struct store *s, const char *name, const char *addr, int64_t now,
			  int64_t window, int64_t addr_limit, struct store_login_counts *counts)
{
	struct store_login_attempt a = {name, addr, now, window, addr_limit, counts};

	if (name == NULL || addr == NULL)
		return ERR_DB;
	counts->by_name_addr = counts->by_addr = 0;
	return store_in_transaction(s, store_login_count_both, &a);
}

/* What store_login_succeeded clears. */
struct store_login_success {
	const char *name, *addr;
};

/* Forget the name's counter and give the address its attempt back, inside
 * the transaction. */
static err_t store_login_forget(struct store *s, void *ctx)
{
	const struct store_login_success *l = ctx;
	err_t err = store_do(s, STORE_STMT_LOGIN_FORGET,
			     STORE_ARGS(STORE_TEXT(l->name), STORE_TEXT(l->addr)), NULL, NULL, NULL);

	if (err == ERR_OK)
		err = store_do(s, STORE_STMT_LOGIN_GIVE_BACK, STORE_ARGS(STORE_TEXT(l->addr)), NULL,
			       NULL, NULL);
	return err;
}

/* After a successful login. */
err_t store_login_succeeded(struct store *s, const char *name, const char *addr)
{
	struct store_login_success l = {name, addr};

	return store_in_transaction(s, store_login_forget, &l);
}

/* What store_login_unlock clears. */
struct store_login_unlock {
	const char *name, *addr;
	int64_t *cleared;
};

/* Clear the counters inside the transaction. */
static err_t store_login_clear(struct store *s, void *ctx)
{
	struct store_login_unlock *u = ctx;
	int64_t n = 0, m = 0;
	err_t err = store_change(s, STORE_STMT_LOGIN_UNLOCK,
				 STORE_ARGS(STORE_TEXT(u->name), STORE_TEXT(u->addr)), &n);

	if (err == ERR_OK && u->addr != NULL)
		err = store_change(s, STORE_STMT_LOGIN_UNLOCK_ADDR, STORE_ARGS(STORE_TEXT(u->addr)),
				   &m);
	*u->cleared = n + m;
	return err;
}

/* Forget the counts of name (and of addr). */
err_t store_login_unlock(struct store *s, const char *name, const char *addr,
			 int64_t *cleared)
{
	struct store_login_unlock u = {name, addr, cleared};

	*cleared = 0;
	return store_in_transaction(s, store_login_clear, &u);
}
