/*
 * account.h - member accounts, their login users, and admins.
 *
 * Created by kaquanctl (the host billing system's side); the web pages only
 * log them in.
 */
#ifndef KQ_ACCOUNT_H
#define KQ_ACCOUNT_H

/* A UIN: the host platform's account number, 1 to 12 digits. */
#define UIN_MAX	999999999999LL

#include <time.h>

#include "base/arena.h"
#include "auth.h"
#include "db/db.h"
#include "db/pager.h"

/* KQ_CONFLICT when the UIN exists; KQ_INVALID_FIELD when reseller_uin (0:
 * none) is not a partner (SPEC §6). */
enum kq_outcome	account_add(struct db *, long long uin, const char *name,
		    long long reseller_uin, int partner);
/* KQ_CONFLICT when the login is taken, KQ_NOT_FOUND for an unknown UIN;
 * *id gets the new user's id. */
enum kq_outcome	user_add(struct db *, long long uin, const char *login,
		    const char *password, int is_owner, int finance,
		    unsigned long long *id);
enum kq_outcome	admin_add(struct db *, const char *login, const char *password,
		    const char *role, unsigned long long *id);

/* A partner (SPEC §6): its name, its number of customers, its switch. */
struct partner {
	long long	 uin, customers;
	const char	*name;
	int		 associated_first;
};
struct customer {
	long long	 uin;
	const char	*name;
	time_t		 created_at;
};
/* KQ_NOT_FOUND unless uin is a partner. */
enum kq_outcome	partner_get(struct db *, struct arena *, long long uin,
		    struct partner *);
enum kq_outcome	partner_customers(struct db *, struct arena *, long long partner,
		    struct pager *, struct customer **, size_t *);
/* For a picker, the first ACCOUNT_CHOICES by UIN (their uin and name) of
 * the partners (partner 0) or of a partner's customers; no count. */
#define ACCOUNT_CHOICES	50
enum kq_outcome	partner_choices(struct db *, struct arena *, long long partner,
		    struct customer **, size_t *);
/* KQ_OK when uin is a customer of partner, else KQ_NOT_FOUND. */
enum kq_outcome	partner_has_customer(struct db *, long long partner,
		    long long uin);
/* The "associated vouchers deducted first" switch; audited. */
enum kq_outcome	partner_set_associated_first(struct db *, struct arena *,
		    const struct principal *, const char *ip, int on);

#endif
