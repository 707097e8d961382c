/*
 * audit.c - one helper to write the audit log.
 */
#include "audit.h"

static const char SQL_AUDIT_INSERT[] =
    "INSERT INTO audit_log (actor_kind, actor_id, actor_login, action, target,"
    " detail, client_ip) VALUES (?, ?, ?, ?, ?, ?, ?)";

enum kq_status
audit_write(struct db *db, const struct principal *actor, const char *action,
    const char *target, const char *detail, const char *client_ip)
{
	struct db_arg args[7];

	args[0] = DB_STR(actor == NULL ? "system" :
	    actor->kind == P_ADMIN ? "admin" : "member");
	args[1] = actor ? DB_INT(actor->id) : DB_NULL;
	args[2] = DB_STR(actor ? actor->login : "kaquanctl");
	args[3] = DB_STR(action);
	args[4] = DB_STR(target ? target : "");
	args[5] = DB_STR(detail ? detail : "");
	args[6] = DB_STR(client_ip ? client_ip : "");
	return db_exec(db, SQL_AUDIT_INSERT, args, 7, NULL, NULL);
}
