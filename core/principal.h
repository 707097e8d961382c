/*
 * principal.h - who is acting: a member's login, an admin's, or the host
 * platform's API key; what the audit log, the ledgers and every change
 * name, and what auth.h's sessions fill.
 */
#ifndef KQ_PRINCIPAL_H
#define KQ_PRINCIPAL_H

#include "base/arena.h"

#define TOKEN_HEX	64	/* 32 random bytes */

/* P_API: the host platform through an API key (login: the key's id),
 * with an admin's rights over what its scopes reach. */
enum principal_kind { P_NONE, P_MEMBER, P_ADMIN, P_API };
extern const char *const principal_kind_names[];	/* "", "member", "admin", "api" */

struct principal {
	enum principal_kind kind;
	long long	 id;		/* users.id or admins.id */
	long long	 uin;		/* members */
	const char	*login;
	const char	*account_name;	/* members */
	int		 is_owner;
	int		 finance;
	int		 is_partner;	/* members: the account is a partner */
	int		 is_admin_role;	/* admins: role admin, not viewer */
	const char	*role;		/* "admin" / "viewer" / "owner" / ... */
	char		 csrf[TOKEN_HEX + 1];
};

/* "admin:LOGIN", "member:LOGIN" or "api:KEY" (ledger rows); "kaquanctl"
 * for NULL. */
const char	*principal_actor(struct arena *, const struct principal *);

#endif
