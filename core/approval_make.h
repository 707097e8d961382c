/*
 * approval_make.h - approving a request (SPEC §11) makes what it asked for:
 * the request is claimed and the owning module (voucher_issue.c,
 * partner_voucher.c, pickup_batch.c) makes the issue, the Type I or the
 * batch in the same transaction.  Apart from approval.c because those
 * owners file their requests through approval.h: one way, no circle.
 */
#ifndef KQ_APPROVAL_MAKE_H
#define KQ_APPROVAL_MAKE_H

#include "approval.h"

/* Approves request id as me and makes it: *kind and *result (the issue's,
 * the partner voucher's or the batch's id).  KQ_FORBIDDEN when me asked
 * for it; KQ_REVIEW_STATE when it was decided already (one of racing
 * decisions wins); what the owner refuses (KQ_INVALID_FIELD with *bad: a
 * template's dates ended since) leaves it pending.  Audited. */
enum kq_outcome	approval_approve(struct db *, struct arena *,
		    const struct principal *me, const char *ip, long long id,
		    enum request_kind *kind, long long *result, const char **bad);

#endif
