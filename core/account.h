/*
 * account.h - member accounts, their login users, and admins.
 *
 * Created by kaquanctl (the host billing system's side); the web pages only
 * log them in.
 */
#ifndef KQ_ACCOUNT_H
#define KQ_ACCOUNT_H

#include "db.h"

/* KQ_CONFLICT when the UIN exists, KQ_NOT_FOUND for an unknown reseller. */
enum kq_status	account_add(struct db *, long long uin, const char *name,
		    long long reseller_uin);
/* KQ_CONFLICT when the login is taken, KQ_NOT_FOUND for an unknown UIN;
 * *id gets the new user's id. */
enum kq_status	user_add(struct db *, long long uin, const char *login,
		    const char *password, int is_owner, int finance,
		    unsigned long long *id);
enum kq_status	admin_add(struct db *, const char *login, const char *password,
		    const char *role, unsigned long long *id);

#endif
