/*
 * audit.h - the audit log: who did what to which target, when, from where.
 *
 * Every admin change and every code download calls audit_write() inside the
 * same transaction as the change, so the log and the data cannot disagree.
 */
#ifndef KQ_AUDIT_H
#define KQ_AUDIT_H

#include "auth.h"
#include "db.h"

/* actor NULL: the system (kaquanctl). */
enum kq_status	audit_write(struct db *, const struct principal *actor,
		    const char *action, const char *target, const char *detail,
		    const char *client_ip);

#endif
