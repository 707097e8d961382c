/*
 * audit.h - the audit log: who did what to which target, when, from where.
 *
 * Every admin change and every code download calls audit_write() inside the
 * same transaction as the change, so the log and the data cannot disagree.
 */
#ifndef KQ_AUDIT_H
#define KQ_AUDIT_H

#include <time.h>

#include "codekey.h"
#include "db/db.h"
#include "db/pager.h"
#include "principal.h"

/* actor NULL: the system (kaquanctl). */
enum kq_outcome	audit_write(struct db *, const struct principal *actor,
		    const char *action, const char *target, const char *detail,
		    const char *client_ip);

struct audit_row {
	long long	 id;
	const char	*actor_kind, *actor, *action, *target, *detail, *ip;
	time_t		 time;
};

struct audit_filter {
	const char	*actor;		/* a login; "" any */
	const char	*action;	/* "" any */
	const char	*target;	/* "batch:12"; "" any */
	long long	 from_ymd, to_ymd;	/* 0: open; whole days in display_tz */
};

/* The audit log, newest first (pg->each: all of it, for the export). */
enum kq_outcome	audit_list(struct db *, struct arena *, const struct audit_filter *,
		    struct pager *, struct audit_row **, size_t *);

/* A download of codes (a batch's cards, an issue's codes: the owner id of
 * their sealed blocks, codekey.h): KQ_NOT_FOUND when exists_sql finds no
 * row for id; else the download is audited as ACTION on TARGET before a
 * single code leaves, and each code, opened from its block, goes to fn in
 * the form show() gives it.  A block that cannot be opened stops it:
 * KQ_UNAVAILABLE, logged. */
enum kq_outcome	codes_download(struct db *, const struct principal *actor,
		    const char *ip, const char *exists_sql, long long id,
		    const char *action, const char *target, enum code_kind,
		    void (*show)(const char *code, char *out),
		    int (*fn)(void *ctx, const char *code), void *ctx);

#endif
