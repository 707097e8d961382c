/*
 * voucher_issue.c - one issue in one transaction: the issue row, its
 * vouchers (voucher.c writes them), their ledger rows, the per-UIN report,
 * the template's issue count and the audit row.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "account.h"
#include "approval.h"
#include "audit.h"
#include "base/codes.h"
#include "voucher.h"
#include "voucher_issue.h"
#include "voucher_template.h"

const char *const issue_result_names[] = { "issued", "unknown_uin", 0 };

static const struct db_col issue_cols[] = {
	DB_COL(struct issue, id, "id"),
	DB_COL(struct issue, template_id, "template_id"),
	DB_ENUM(struct issue, mode, "mode", issue_mode_names),
	DB_COL(struct issue, paper, "paper"),
	DB_COL(struct issue, count, "count"),
	DB_COL(struct issue, report, "report"),
	DB_END
};
static const struct db_col issue_list_cols[] = {
	DB_COL(struct issue, id, "i.id"),
	DB_COL(struct issue, template_id, "i.template_id"),
	DB_ENUM(struct issue, mode, "i.mode", issue_mode_names),
	DB_COL(struct issue, paper, "i.paper"),
	DB_COL(struct issue, count, "i.count"),
	DB_COL(struct issue, template_name, "t.name"),
	DB_COL(struct issue, created_by, "COALESCE(a.login, '')"),
	DB_COL(struct issue, created_at, "i.created_at"),
	/* kept by voucher.c as vouchers are redeemed and spent: the issue's
	 * 16 rows, not its vouchers */
	DB_COL(struct issue, redeemed, "COALESCE((SELECT SUM(n.redeemed)"
	    " FROM voucher_issue_counts n WHERE n.issue_id = i.id), 0)"),
	DB_COL(struct issue, used, "COALESCE((SELECT SUM(n.used)"
	    " FROM voucher_issue_counts n WHERE n.issue_id = i.id), 0)"),
	DB_END
};
#define ISSUE_WHERE " WHERE (? = 0 OR i.template_id = ?)"
static struct db_sel SQL_ISSUE_LIST = DB_SEL(
    "SELECT STRAIGHT_JOIN {cols} FROM voucher_issues i"
    " JOIN voucher_templates t ON t.id = i.template_id"
    " LEFT JOIN admins a ON a.id = i.created_by" ISSUE_WHERE
    PAGER_AFTER("i.id"), DB_WHOLE(issue_list_cols));
static const char SQL_ISSUE_COUNT[] =
    PAGER_COUNT(" FROM voucher_issues i" ISSUE_WHERE);
static struct db_sel SQL_ISSUE_GET = DB_SEL(
    "SELECT {cols} FROM voucher_issues WHERE id = ?", DB_WHOLE(issue_cols));
static const char SQL_ISSUE_EXISTS[] = "SELECT 1 FROM voucher_issues WHERE id = ?";
static const char SQL_ISSUE_INSERT[] =
    "INSERT INTO voucher_issues (template_id, mode, paper, count, report,"
    " created_by) VALUES (?, ?, ?, ?, '', ?)";
static const char SQL_ISSUE_REPORT[] =
    "UPDATE voucher_issues SET report = ?, count = ? WHERE id = ?";
static const char SQL_ACCOUNT_EXISTS[] = "SELECT 1 FROM accounts WHERE uin = ?";

/* KQ_OK when uin has an account, KQ_NOT_FOUND when not: the issue and
 * its preview ask the same. */
static enum kq_outcome
account_known(struct db *db, long long uin)
{
	struct db_arg	arg = DB_INT(uin);
	long long	one;

	return db_scalar(db, SQL_ACCOUNT_EXISTS, &arg, 1, &one);
}

int
uins_parse(struct arena *a, const char *s, long long **out, size_t *n)
{
	size_t		 cap = 16, j;
	long long	 v, *bigger;
	char		*end;

	*n = 0;
	if ((*out = arena_alloc(a, cap * sizeof(**out))) == NULL)
		return -1;
	while (*s != '\0') {
		if (strchr(" ,;\r\n\t", *s) != NULL) {
			s++;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			return -1;
		v = strtoll(s, &end, 10);
		if (end - s > 12 || v <= 0)
			return -1;
		s = end;
		for (j = 0; j < *n && (*out)[j] != v; j++)
			;
		if (j < *n)
			continue;
		if (*n == ISSUE_UINS_MAX)
			return -1;
		if (*n == cap) {
			if ((bigger = arena_alloc(a, 2 * cap * sizeof(*bigger))) == NULL)
				return -1;
			memcpy(bigger, *out, cap * sizeof(*bigger));
			*out = bigger;
			cap *= 2;
		}
		(*out)[(*n)++] = v;
	}
	return *n > 0 ? 0 : -1;
}

struct issue_ctx {
	const struct principal	*admin;
	const char		*ip;
	const struct vtemplate	*t;
	enum issue_mode		 mode;
	const long long		*uins;
	size_t			 nuins;
	int			 count, paper;
	time_t			 from, to;
	long long		 id;
};

/* SPEC §11: targeted, UINs × face (unknown ones too: the admin asked for
 * them); codes, count × face */
static long long
issue_size(const struct issue_ctx *c)
{
	return c->mode == IM_TARGETED ? (long long)c->nuins : c->count;
}

static enum kq_outcome
issue_txn(struct db *db, struct arena *ar, void *arg)
{
	struct issue_ctx	*c = arg;
	struct voucher_new	 v;
	struct db_arg		 a[5];
	struct abuf		 report;
	char			 target[32], detail[64];
	const char		*actor;
	uint64_t		 id;
	enum kq_outcome		 s;
	int			 issued = 0;
	size_t			 i;

	a[0] = DB_INT(c->t->id);
	a[1] = DB_STR(issue_mode_names[c->mode]);
	a[2] = DB_INT(c->paper);
	a[3] = DB_INT(c->mode == IM_TARGETED ? (long long)c->nuins : c->count);
	a[4] = DB_INT(c->admin->id);
	if ((s = db_exec(db, SQL_ISSUE_INSERT, a, 5, NULL, &id)) != KQ_OK)
		return s;
	c->id = (long long)id;
	abuf_init(&report, ar);
	memset(&v, 0, sizeof(v));
	v.template_id = c->t->id;
	v.issue_id = c->id;
	v.face = c->t->face;
	v.valid_from = c->from;
	v.valid_to = c->to;
	for (i = 0; c->mode == IM_TARGETED && i < c->nuins; i++) {
		s = account_known(db, c->uins[i]);
		if (s == KQ_NOT_FOUND) {	/* reported, never silently skipped */
			abuf_printf(&report, "%lld unknown_uin\n", c->uins[i]);
			continue;
		}
		v.uin = c->uins[i];
		if (s != KQ_OK || (s = voucher_add(db, &v, NULL)) != KQ_OK)
			return s;
		abuf_printf(&report, "%lld issued\n", c->uins[i]);
		issued++;
	}
	if (c->mode == IM_CODES) {
		if ((s = vouchers_add_codes(db, &v, c->count)) != KQ_OK)
			return s;
		issued = c->count;
	}
	if ((actor = principal_actor(ar, c->admin)) == NULL ||
	    abuf_str(&report) == NULL)
		return KQ_UNAVAILABLE;
	if ((s = vouchers_ledger_issue(db, c->id, actor)) != KQ_OK)
		return s;
	a[0] = DB_STR(abuf_str(&report));
	a[1] = DB_INT(issued);
	a[2] = DB_INT(c->id);
	if ((s = db_exec(db, SQL_ISSUE_REPORT, a, 3, NULL, NULL)) != KQ_OK ||
	    (s = template_count_issue(db, c->t->id)) != KQ_OK)
		return s;
	snprintf(target, sizeof(target), "template:%lld", c->t->id);
	snprintf(detail, sizeof(detail), "issue:%lld %s %d", c->id,
	    issue_mode_names[c->mode], issued);
	return audit_write(db, c->admin, "voucher.issue", target, detail, c->ip);
}

/* Files the issue c describes for approval (SPEC §11): its input as the
 * payload issue_approved() reads back. */
static enum kq_outcome
issue_request(struct db *db, struct arena *a, const struct issue_ctx *c,
    const char *uins, long long total, long long *id)
{
	struct approval_new	n;

	memset(&n, 0, sizeof(n));
	n.kind = RK_ISSUE;
	n.subject_id = c->t->id;
	n.subject = c->t->name;
	n.count = issue_size(c);
	n.unit = c->t->face;
	n.amount = total;
	if ((n.payload = approval_payload(a, json_pack("{s:I, s:s, s:s, s:i, s:i}",
	    "template", (json_int_t)c->t->id, "mode", issue_mode_names[c->mode],
	    "uins", uins ? uins : "", "count", c->count, "paper", c->paper))) == NULL)
		return KQ_UNAVAILABLE;
	return approval_request(db, a, c->admin, c->ip, &n, id);
}

/* The issue's input checked and the template read (t), into c. */
static enum kq_outcome
issue_check(struct db *db, struct arena *a, long long template_id,
    enum issue_mode mode, const char *uins, int count, struct vtemplate *t,
    struct issue_ctx *c, const char **bad)
{
	enum kq_outcome s;

	*bad = NULL;
	memset(c, 0, sizeof(*c));
	if (mode == IM_TARGETED &&
	    uins_parse(a, uins ? uins : "", (long long **)&c->uins, &c->nuins) < 0)
		*bad = "uins";
	else if (mode == IM_CODES && (count < 1 || count > ISSUE_CODES_MAX))
		*bad = "count";
	if (*bad != NULL)
		return KQ_INVALID_FIELD;
	if ((s = template_get(db, a, template_id, t)) != KQ_OK)
		return s;
	if (template_validity(t, time(NULL), &c->from, &c->to) != KQ_OK) {
		*bad = "valid_to";
		return KQ_INVALID_FIELD;
	}
	c->t = t;
	c->mode = mode;
	c->count = count;
	return KQ_OK;
}

enum kq_outcome
voucher_issue_plan(struct db *db, struct arena *a, long long template_id,
    enum issue_mode mode, const char *uins, int count, struct issue_plan *p,
    const char **bad)
{
	struct issue_ctx c;
	enum kq_outcome	 s;
	size_t		 i;

	memset(p, 0, sizeof(*p));
	if ((s = issue_check(db, a, template_id, mode, uins, count, &p->t, &c,
	    bad)) != KQ_OK)
		return s;
	p->count = issue_size(&c);
	p->needs_approval = approval_needed(p->count, p->t.face, &p->total);
	p->valid_from = c.from;
	p->valid_to = c.to;
	for (i = 0; i < c.nuins; i++)
		if ((s = account_known(db, c.uins[i])) == KQ_NOT_FOUND)
			p->unknown++;
		else if (s != KQ_OK)
			return s;
	return KQ_OK;
}

/* An issue, checked; above the cap (gate) filed for approval instead. */
static enum kq_outcome
issue_run(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, long long template_id, enum issue_mode mode,
    const char *uins, int count, int paper, int gate, long long *issue_id,
    const char **bad)
{
	struct vtemplate t;
	struct issue_ctx c;
	enum kq_outcome	 s;
	long long	 total;

	if ((s = issue_check(db, a, template_id, mode, uins, count, &t, &c,
	    bad)) != KQ_OK)
		return s;
	c.admin = admin;
	c.ip = ip;
	c.paper = paper;
	if (gate && approval_needed(issue_size(&c), t.face, &total))
		return issue_request(db, a, &c, uins, total, issue_id);
	if ((s = db_txn(db, a, issue_txn, &c)) != KQ_OK)
		return s;
	*issue_id = c.id;
	return KQ_OK;
}

enum kq_outcome
voucher_issue(struct db *db, struct arena *a, const struct principal *admin,
    const char *ip, long long template_id, enum issue_mode mode,
    const char *uins, int count, int paper, long long *issue_id,
    const char **bad)
{
	return issue_run(db, a, admin, ip, template_id, mode, uins, count, paper,
	    1, issue_id, bad);
}

enum kq_outcome
voucher_issue_approved(struct db *db, struct arena *a,
    const struct principal *admin, const char *ip, const char *payload,
    long long *issue_id, const char **bad)
{
	json_t		*j;
	json_int_t	 tid;
	const char	*mode, *uins;
	int		 count, paper, m;
	enum kq_outcome	 s = KQ_UNAVAILABLE;

	*bad = NULL;
	if ((j = json_loads(payload, 0, NULL)) == NULL)
		return KQ_UNAVAILABLE;
	if (json_unpack(j, "{s:I, s:s, s:s, s:i, s:i}", "template", &tid,
	    "mode", &mode, "uins", &uins, "count", &count, "paper", &paper) == 0 &&
	    (m = state_index(issue_mode_names, mode)) >= 0 &&
	    (uins = arena_strdup(a, uins)) != NULL)
		s = issue_run(db, a, admin, ip, (long long)tid, (enum issue_mode)m,
		    uins, count, paper, 0, issue_id, bad);
	json_decref(j);
	return s;
}

struct customer_ctx {
	const struct principal	*me;
	const char		*ip;
	long long		 template_id, uin, amount, id;
	const char		*bad;
};

static enum kq_outcome
customer_txn(struct db *db, struct arena *a, void *arg)
{
	struct customer_ctx	*c = arg;
	struct vtemplate	 t;
	struct voucher_new	 v;
	const char		*actor;
	char			 target[32], detail[48];
	enum kq_outcome		 s;

	/* locks the template and counts the use: editing is over; another
	 * partner's template is not found, whoever is named */
	if ((s = template_use(db, a, TK_CUSTOMER, c->me->uin, c->template_id,
	    &t)) != KQ_OK)
		return s;
	c->bad = "uin";		/* SPEC §6: a customer of this partner */
	if ((s = partner_has_customer(db, c->me->uin, c->uin)) != KQ_OK)
		return s == KQ_NOT_FOUND ? KQ_INVALID_FIELD : s;
	c->bad = "valid_to";	/* the template's dates have ended */
	memset(&v, 0, sizeof(v));
	if (template_validity(&t, time(NULL), &v.valid_from, &v.valid_to) != KQ_OK)
		return KQ_INVALID_FIELD;
	if ((actor = principal_actor(a, c->me)) == NULL)
		return KQ_UNAVAILABLE;
	v.template_id = t.id;
	v.uin = c->uin;
	v.face = c->amount ? c->amount : t.face;
	v.partner_uin = c->me->uin;
	v.purpose = PUR_DISCOUNT;
	if ((s = voucher_add_one(db, &v, actor, &c->id)) != KQ_OK)
		return s;
	snprintf(target, sizeof(target), "voucher:%lld", c->id);
	snprintf(detail, sizeof(detail), "template:%lld uin:%lld", t.id, c->uin);
	return audit_write(db, c->me, "partner.customer_voucher.issue", target,
	    detail, c->ip);
}

enum kq_outcome
voucher_issue_customer(struct db *db, struct arena *a,
    const struct principal *me, const char *ip, long long template_id,
    long long uin, long long amount, long long *voucher_id, const char **bad)
{
	struct customer_ctx	c = { me, ip, template_id, uin, amount, 0, NULL };
	enum kq_outcome		s;

	*bad = NULL;
	*voucher_id = 0;
	if (amount < 0) {
		*bad = "amount";
		return KQ_INVALID_FIELD;
	}
	s = db_txn(db, a, customer_txn, &c);
	if (s == KQ_INVALID_FIELD)
		*bad = c.bad;
	else if (s == KQ_OK)
		*voucher_id = c.id;
	return s;
}

enum kq_outcome
issue_list(struct db *db, struct arena *a, long long template_id,
    struct pager *pg, struct issue **out, size_t *n)
{
	struct db_arg args[6] = { DB_INT(template_id), DB_INT(template_id) };

	return pager_select(db, a, &SQL_ISSUE_LIST, SQL_ISSUE_COUNT, args, 2, pg,
	    sizeof(**out), offsetof(struct issue, id), out, n);
}

enum kq_outcome
issue_get(struct db *db, struct arena *a, long long id, struct issue *is)
{
	struct db_arg	 arg = DB_INT(id);
	enum kq_outcome	 s;
	char		*report, *line, *save = NULL, *sp;
	size_t		 cap = 1;
	int		 r;

	if ((s = db_select_one(db, a, &SQL_ISSUE_GET, &arg, 1, is,
	    sizeof(*is))) != KQ_OK)
		return s;
	if ((report = arena_strdup(a, is->report)) == NULL)
		return KQ_UNAVAILABLE;
	for (line = report; *line; line++)
		cap += *line == '\n';
	if ((is->outcomes = arena_zalloc(a, cap * sizeof(*is->outcomes))) == NULL)
		return KQ_UNAVAILABLE;
	is->noutcomes = 0;
	for (line = strtok_r(report, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		if ((r = state_index(issue_result_names, sp + 1)) < 0)
			continue;
		is->outcomes[is->noutcomes].uin = strtoll(line, NULL, 10);
		is->outcomes[is->noutcomes].result = (enum issue_result)r;
		is->noutcomes++;
	}
	return KQ_OK;
}

static void
show_vcode(const char *code, char *out)
{
	vcode_display(code, out);
}

enum kq_outcome
issue_codes(struct db *db, const struct principal *admin, const char *ip,
    long long issue_id, int (*fn)(void *, const char *), void *ctx)
{
	char target[32];

	snprintf(target, sizeof(target), "issue:%lld", issue_id);
	return codes_download(db, admin, ip, SQL_ISSUE_EXISTS, issue_id,
	    "voucher.codes.download", target, CK_VOUCHER, show_vcode, fn, ctx);
}
