/*
 * kaquanctl - the command line: migrations, accounts, users, admins.
 *
 *   kaquanctl [--config FILE] migrate
 *   kaquanctl [--config FILE] admin add --login L --role admin|viewer
 *   kaquanctl [--config FILE] account add --uin N --name S [--reseller UIN] [--partner]
 *   kaquanctl [--config FILE] user add --uin N --login L [--owner] [--finance]
 *   kaquanctl [--config FILE] order create --uin N --product P --billing B
 *                 --scenario S --amount A [--months M]
 *   kaquanctl [--config FILE] sweep
 *   kaquanctl [--config FILE] provision
 *   kaquanctl [--config FILE] apikey add --name N --scope S,...
 *   kaquanctl [--config FILE] apikey revoke --key ID
 *   kaquanctl [--config FILE] apikey list
 *   kaquanctl [--config FILE] codes rekey
 *
 * Passwords are read from standard input (one line).  Ids go to stdout;
 * errors are one line on stderr and a non-zero exit.  Options are checked
 * by the same field tables the web forms use, and "kaquanctl --help" and
 * "kaquanctl COMMAND --help" are written from the command table below and
 * those field tables, so the help cannot list what does not exist.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "apikey.h"
#include "auth.h"
#include "catalog.h"
#include "codekey.h"
#include "base/clock.h"
#include "base/config.h"
#include "db/db.h"
#include "web/form.h"
#include "idempotency.h"
#include "db/migrate.h"
#include "order.h"
#include "pickup.h"
#include "provision.h"
#include "report.h"
#include "voucher.h"

#define PASSWORD_MIN	8

#define UIN_FIELD { .name = "uin", .type = FT_INT, .required = 1, .min = 1, \
	.max = UIN_MAX }
#define LOGIN_FIELD { .name = "login", .type = FT_TEXT, .required = 1, \
	.pattern = "[A-Za-z0-9_.@-]{1,64}" }

static const struct option opt_role[] = {
	{ "admin", "admin" }, { "viewer", "viewer" }, { NULL, NULL }
};
enum { MG_STATUS, MG__MAX };
static const struct field migrate_fields[MG__MAX] = {
	[MG_STATUS] = { .name = "status", .type = FT_TEXT, .pattern = "1" },
};
static const struct form_def migrate_form = FORM_DEF(migrate_fields);

enum { AD_LOGIN, AD_ROLE, AD__MAX };
static const struct field admin_fields[AD__MAX] = {
	[AD_LOGIN] = LOGIN_FIELD,
	[AD_ROLE] = { .name = "role", .type = FT_OPTION, .required = 1,
	  .options = opt_role },
};
static const struct form_def admin_form = FORM_DEF(admin_fields);

enum { AC_UIN, AC_NAME, AC_RESELLER, AC_PARTNER, AC__MAX };
static const struct field account_fields[AC__MAX] = {
	[AC_UIN] = UIN_FIELD,
	[AC_NAME] = { .name = "name", .type = FT_TEXT, .required = 1, .maxlen = 100 },
	[AC_RESELLER] = { .name = "reseller", .type = FT_INT, .min = 1,
	  .max = UIN_MAX },
	[AC_PARTNER] = { .name = "partner", .type = FT_TEXT, .pattern = "1" },
};
static const struct form_def account_form = FORM_DEF(account_fields);

enum { US_UIN, US_LOGIN, US_OWNER, US_FINANCE, US__MAX };
static const struct field user_fields[US__MAX] = {
	[US_UIN] = UIN_FIELD,
	[US_LOGIN] = LOGIN_FIELD,
	[US_OWNER] = { .name = "owner", .type = FT_TEXT, .pattern = "1" },
	[US_FINANCE] = { .name = "finance", .type = FT_TEXT, .pattern = "1" },
};
static const struct form_def user_form = FORM_DEF(user_fields);

enum { OR_UIN, OR_PRODUCT, OR_BILLING, OR_SCENARIO, OR_AMOUNT, OR_MONTHS, OR__MAX };
static const struct option opt_billing[] = {
	{ "prepaid", "" }, { "postpaid", "" }, { NULL, NULL }
};
static const struct field order_fields[OR__MAX] = {
	[OR_UIN] = UIN_FIELD,
	[OR_PRODUCT] = { .name = "product", .type = FT_TEXT, .required = 1,
	  .pattern = "[a-z_]{1,32}" },
	[OR_BILLING] = { .name = "billing", .type = FT_OPTION, .required = 1,
	  .options = opt_billing },
	[OR_SCENARIO] = { .name = "scenario", .type = FT_TEXT, .required = 1,
	  .pattern = ORDER_SCENARIOS },
	[OR_AMOUNT] = { .name = "amount", .type = FT_MONEY, .required = 1 },
	[OR_MONTHS] = { .name = "months", .type = FT_INT, .min = 0, .max = 1200 },
};
static const struct form_def order_form = FORM_DEF(order_fields);

enum { AK_NAME, AK_SCOPE, AK__MAX };
static const struct field apikey_fields[AK__MAX] = {
	[AK_NAME] = { .name = "name", .type = FT_TEXT, .required = 1, .maxlen = 100 },
	[AK_SCOPE] = { .name = "scope", .type = FT_TEXT, .required = 1,
	  .pattern = API_SCOPE_PATTERN },
};
static const struct form_def apikey_form = FORM_DEF(apikey_fields);

enum { AR_KEY, AR__MAX };
static const struct field revoke_fields[AR__MAX] = {
	[AR_KEY] = { .name = "key", .type = FT_TEXT, .required = 1,
	  .pattern = "kq_[0-9a-f]{20}" },
};
static const struct form_def revoke_form = FORM_DEF(revoke_fields);

enum cmd { C_MIGRATE, C_ADMIN_ADD, C_ACCOUNT_ADD, C_USER_ADD, C_ORDER_CREATE,
	C_SWEEP, C_PROVISION, C_APIKEY_ADD, C_APIKEY_REVOKE, C_APIKEY_LIST,
	C_CODES_REKEY };
static const struct command {
	const char		*name;		/* one or two words */
	enum cmd		 cmd;
	const struct form_def	*form;		/* its options; NULL: none */
	int			 password;	/* reads one from stdin */
	const char		*what;
} commands[] = {
	{ "migrate", C_MIGRATE, &migrate_form, 0,
	  "applies the sql/ migrations not yet applied; prints how many"
	  " (--status: lists each, applied or pending, and applies none)" },
	{ "admin add", C_ADMIN_ADD, &admin_form, 1,
	  "adds a backend login (role admin: changes; viewer: reads only)" },
	{ "account add", C_ACCOUNT_ADD, &account_form, 0,
	  "adds an account (--partner: a reseller; --reseller: its customer)" },
	{ "user add", C_USER_ADD, &user_form, 1,
	  "adds a member login to an account (--finance: may use the voucher pages)" },
	{ "order create", C_ORDER_CREATE, &order_form, 0,
	  "creates a pending order for an account, as the billing platform does" },
	{ "sweep", C_SWEEP, NULL, 0,
	  "times out unpaid orders, expires vouchers, ends old sessions, rolls up"
	  " the reports (run from cron)" },
	{ "provision", C_PROVISION, NULL, 0,
	  "the demo provisioner: boots pending pick-up servers, releases refunded ones" },
	{ "apikey add", C_APIKEY_ADD, &apikey_form, 0,
	  "makes an API key with the scopes it may use (--scope, comma-separated:"
	  " orders:read, orders:write, vouchers:read, vouchers:issue, pickup,"
	  " partner; or all); prints its id, then its secret, not shown again" },
	{ "apikey revoke", C_APIKEY_REVOKE, &revoke_form, 0,
	  "revokes an API key: its next request is refused" },
	{ "apikey list", C_APIKEY_LIST, NULL, 0,
	  "lists the API keys: id, scopes, made, revoked, name" },
	{ "codes rekey", C_CODES_REKEY, NULL, 0,
	  "moves every voucher and card code to code_key from code_key_previous"
	  " (while kaquan serves); prints how many" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The connection, where die()'s exit still finds it. */
static struct db *db;

/* Before migration 011 drops the codes kept in the clear: each moved into
 * its keyed hash, last four and seal (SPEC §7, core/codekey.h). */
static enum kq_outcome
codes_convert(struct db *h, FILE *out)
{
	long long	vouchers = 0, cards = 0;
	enum kq_outcome	s;

	if (!codekey_ready()) {
		fprintf(out, "kaquanctl: migration 011 moves the codes into their"
		    " keyed hashes and seals: set code_key first\n");
		return KQ_UNAVAILABLE;
	}
	if ((s = vouchers_codes_convert(h, &vouchers)) == KQ_OK)
		s = cards_codes_convert(h, &cards);
	fprintf(out, "codes kept at rest: %lld vouchers, %lld cards\n", vouchers,
	    cards);
	return s;
}

static const struct migrate_hook hooks[] = {
	{ 11, codes_convert },
	{ 0, NULL }
};

static void __attribute__((noreturn))
die(const char *fmt, ...)
{
	va_list ap;

	fputs("kaquanctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* "--name value" and bare "--flag" (value "1") into params, then typed. */
static void
options(struct arena *a, char **argv, int argc, const struct form_def *d,
    struct form *f)
{
	const struct field *t = d->fields;
	size_t n = d->n;
	struct params	p;
	enum kq_outcome	s;
	int		i;
	size_t		j;

	params_init(&p);
	for (i = 0; i < argc; i++) {
		const char *name = argv[i], *value = "1";

		if (strncmp(name, "--", 2) != 0)
			die("unexpected argument \"%s\"", name);
		name += 2;
		for (j = 0; j < n && strcmp(t[j].name, name) != 0; j++)
			;
		if (j == n)
			die("unknown option --%s", name);
		if (t[j].pattern == NULL || strcmp(t[j].pattern, "1") != 0) {
			if (i + 1 >= argc)
				die("--%s needs a value", name);
			value = argv[++i];
		}
		if (params_add(&p, a, name, value, strlen(value)) < 0)
			die("out of memory");
	}
	if ((s = form_parse(a, d, &p, f)) == KQ_UNAVAILABLE)
		die("out of memory");
	for (j = 0; s != KQ_OK && j < n; j++)
		if (t[j].name == f->bad)
			die("--%s: %s", f->bad, *f->v[j].raw == '\0' ?
			    "missing" : "invalid value");
}

/* A command's words from argv[i]: its entry, and how many words it took. */
static const struct command *
command_of(char **argv, int argc, int i, int *words)
{
	char	name[64];
	size_t	j;

	for (j = 0; j < NELEM(commands); j++) {
		if (i + 1 < argc)
			snprintf(name, sizeof(name), "%s %s", argv[i], argv[i + 1]);
		if (i + 1 < argc && strcmp(commands[j].name, name) == 0) {
			*words = 2;
			return &commands[j];
		}
		if (strcmp(commands[j].name, argv[i]) == 0) {
			*words = 1;
			return &commands[j];
		}
	}
	return NULL;
}

static void
help_all(FILE *out)
{
	size_t j;

	fputs("usage: kaquanctl [--config FILE] COMMAND [OPTIONS]\n"
	    "       kaquanctl COMMAND --help\n"
	    "       kaquanctl --version\n\n"
	    "The configuration is --config FILE, else $KAQUAN_CONF.\n\n"
	    "Commands:\n", out);
	for (j = 0; j < NELEM(commands); j++)
		fprintf(out, "  %-14s %s\n", commands[j].name, commands[j].what);
}

/* One option of a command, from the field its value is checked by. */
static void
help_option(FILE *out, const struct field *f)
{
	const struct option	*o;
	int			 flag = f->pattern != NULL && strcmp(f->pattern, "1") == 0;

	fprintf(out, "  --%s", f->name);
	if (!flag)
		fprintf(out, " %s", f->type == FT_MONEY ? "YUAN" :
		    f->type == FT_INT ? "N" : f->type == FT_OPTION ? "CHOICE" :
		    "TEXT");
	fputs(f->required ? "   (required)" : flag ? "   (a flag)" : "   (optional)",
	    out);
	if (f->type == FT_OPTION) {
		fputs(" one of:", out);
		for (o = f->options; o->value != NULL; o++)
			fprintf(out, " %s", o->value);
	} else if (f->type == FT_INT && (f->min || f->max))
		fprintf(out, " %lld to %lld", f->min, f->max);
	else if (!flag && f->pattern != NULL && strchr(f->pattern, '|') != NULL &&
	    strspn(f->pattern, "abcdefghijklmnopqrstuvwxyz_:|") ==
	    strlen(f->pattern)) {	/* a plain choice of words */
		fputs(" one of: ", out);
		for (const char *p = f->pattern; *p != '\0'; p++)
			fputc(*p == '|' ? ' ' : *p, out);
	}
	fputc('\n', out);
}

static void
help_command(FILE *out, const struct command *c)
{
	size_t j;

	fprintf(out, "usage: kaquanctl [--config FILE] %s%s%s\n\n%s.\n",
	    c->name, c->form ? " OPTIONS" : "",
	    c->password ? " < password" : "", c->what);
	if (c->password)
		fprintf(out, "The password is one line on standard input"
		    " (at least %d characters).\n", PASSWORD_MIN);
	if (c->form == NULL)
		return;
	fputs("\nOptions:\n", out);
	for (j = 0; j < c->form->n; j++)
		help_option(out, &c->form->fields[j]);
}

static int
is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 ||
	    strcmp(arg, "help") == 0;
}

static char *
read_password(void)
{
	static char	buf[512];
	size_t		len;
	const char	*p;

	if (fgets(buf, sizeof(buf), stdin) == NULL)
		die("no password on standard input");
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	if (len < PASSWORD_MIN)
		die("the password needs at least %d characters", PASSWORD_MIN);
	/* the login form's field is single-line text (SPEC §7): a password it
	 * could never send is refused here */
	for (p = buf; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			die("the password has a control character (a tab?)");
	return buf;
}

static void
check(struct db *h, enum kq_outcome s, const char *what)
{
	if (s == KQ_OK)
		return;
	if (s == KQ_CONFLICT)
		die("%s already exists", what);
	if (s == KQ_NOT_FOUND)
		die("%s: a referenced account does not exist", what);
	die("%s: %s", what, db_error(h));
}

/* Tests only (test_reports.py): KAQUAN_FAULT=rollup:ROWS:N rolls up in
 * chunks of ROWS rows and kills the process in its N-th chunk before that
 * commits, as a kill -9 would (report.h). */
static void
rollup_fault(void)
{
	const char *f = getenv("KAQUAN_FAULT");

	if (f != NULL && sscanf(f, "rollup:%d:%d", &report_fault_chunk,
	    &report_fault_kill) != 2)
		report_fault_chunk = report_fault_kill = 0;
}

int
main(int argc, char *argv[])
{
	const char		*config_path = getenv("KAQUAN_CONF");
	const struct command	*c;
	struct config		 cfg;
	struct arena		 a;
	struct form		 f;
	char			 err[1024];
	unsigned long long	 id;
	enum kq_outcome		 s;
	int			 i = 1, words, applied;
	size_t			 j;

	if (argc > 2 && strcmp(argv[1], "--config") == 0) {
		config_path = argv[2];
		i = 3;
	}
	if (i >= argc)
		die("no command (kaquanctl --help lists them)");
	if (is_help(argv[i])) {
		help_all(stdout);
		return 0;
	}
	if (strcmp(argv[i], "--version") == 0) {
		printf("kaquanctl %s\n", KQ_VERSION);
		return 0;
	}
	if ((c = command_of(argv, argc, i, &words)) == NULL)
		die("unknown command \"%s\" (kaquanctl --help lists them)", argv[i]);
	i += words;
	if (i < argc && is_help(argv[i])) {
		help_command(stdout, c);
		return 0;
	}
	if (c->form == NULL && i < argc)
		die("%s takes no options (kaquanctl %s --help)", c->name, c->name);
	for (j = 0; j < NELEM(commands); j++)
		if (commands[j].form != NULL &&
		    form_compile(commands[j].form, err, sizeof(err)) < 0)
			die("%s", err);
	arena_init(&a, 0, 0);
	if (c->form != NULL)	/* checked before any connection is made */
		options(&a, argv + i, argc - i, c->form, &f);
	if (config_path == NULL)
		die("no configuration: pass --config FILE or set KAQUAN_CONF");
	if (config_load(config_path, &cfg, err, sizeof(err)) < 0)
		die("%s", err);
	cfg.db.timeout = 0;	/* db_timeout is the workers': a migration may run long */
	if (clock_init(cfg.display_tz) < 0)	/* the reports' months */
		die("display_tz %s: cannot be set", cfg.display_tz);
	if (cfg.code_key != NULL && codekey_init(cfg.code_key,
	    cfg.code_key_previous, err, sizeof(err)) < 0)
		die("%s: %s", config_path, err);
	db_set_log(NULL);	/* errors are reported once, by die() */
	if ((db = db_open(&cfg.db, err, sizeof(err))) == NULL ||
	    db_ready(db) != KQ_OK)
		die("cannot connect to the database: %s", db ? db_error(db) : err);
	/* tests only (test_volume.py): a command stopped halfway, as a lost
	 * server would stop it, at its N-th statement */
	if (getenv("KAQUAN_DB_FAIL_AFTER") != NULL)
		db_fail_after(db, atol(getenv("KAQUAN_DB_FAIL_AFTER")));

	switch (c->cmd) {
	case C_MIGRATE:
		if (f.v[MG_STATUS].present) {
			check(db, migrate_status(db, cfg.sql_dir, stdout, &applied),
			    "migrate");
			break;
		}
		check(db, migrate_run(db, cfg.sql_dir, stderr, hooks, &applied),
		    "migrate");
		printf("%d\n", applied);
		break;
	case C_ADMIN_ADD:
		check(db, admin_add(db, f.v[AD_LOGIN].s, read_password(),
		    f.v[AD_ROLE].s, &id), "admin");
		printf("%llu\n", id);
		break;
	case C_ACCOUNT_ADD:
		s = account_add(db, f.v[AC_UIN].i, f.v[AC_NAME].s,
		    form_int(&f, AC_RESELLER, 0), f.v[AC_PARTNER].present);
		if (s == KQ_INVALID_FIELD)
			die("--reseller: account %lld is not a partner",
			    form_int(&f, AC_RESELLER, 0));
		check(db, s, "account");
		printf("%lld\n", f.v[AC_UIN].i);
		break;
	case C_USER_ADD:
		check(db, user_add(db, f.v[US_UIN].i, f.v[US_LOGIN].s, read_password(),
		    f.v[US_OWNER].present, f.v[US_FINANCE].present, &id), "user");
		printf("%llu\n", id);
		break;
	case C_ORDER_CREATE: {
		long long oid;

		if (f.v[OR_AMOUNT].i <= 0)
			die("--amount: must be more than 0");
		s = order_create(db, f.v[OR_UIN].i, f.v[OR_PRODUCT].s,
		    f.v[OR_BILLING].s, f.v[OR_SCENARIO].s, f.v[OR_AMOUNT].i,
		    (int)form_int(&f, OR_MONTHS, 0), &oid);
		if (s == KQ_INVALID_FIELD)
			die("--product: no such product");
		check(db, s, "order");
		printf("%lld\n", oid);
		break;
	}
	case C_SWEEP: {
		/* orders past their payment window, expired vouchers, sessions */
		struct session_policy pol = { cfg.session_idle_minutes,
		    cfg.session_absolute_hours };
		unsigned long long sessions, answers, signatures;
		long long rolled;
		int orders, vouchers;

		check(db, orders_time_out(db, &a, 0, &orders), "sweep");
		check(db, vouchers_expire(db, &a, &vouchers), "sweep");
		check(db, session_sweep(db, &pol, &sessions), "sweep");
		check(db, idem_sweep(db, &answers), "sweep");
		check(db, apikey_sweep(db, &signatures), "sweep");
		/* last: the reports count what the steps above wrote */
		rollup_fault();
		check(db, report_rollup(db, cfg.report_lag, &rolled), "sweep");
		printf("%d orders timed out, %d vouchers expired, %llu sessions ended,"
		    " %llu API answers and %llu signatures forgotten, %lld rows"
		    " rolled up for the reports\n", orders, vouchers, sessions,
		    answers, signatures, rolled);
		break;
	}
	case C_APIKEY_ADD: {
		char key_id[API_KEY_ID_LEN + 1], secret[API_SECRET_LEN + 1];

		if (cfg.api_seal_key == NULL)
			die("no api_seal_key in %s: the API is off (set it to 64"
			    " random hex digits)", config_path);
		check(db, apikey_add(db, cfg.api_seal_key, f.v[AK_NAME].s,
		    apikey_scopes_parse(f.v[AK_SCOPE].s), key_id,
		    secret), "apikey");
		printf("%s\n%s\n", key_id, secret);
		break;
	}
	case C_APIKEY_REVOKE:
		s = apikey_revoke(db, f.v[AR_KEY].s);
		if (s == KQ_NOT_FOUND)
			die("--key: no such key, or it is revoked already");
		check(db, s, "apikey");
		break;
	case C_APIKEY_LIST: {
		struct api_key	*k;
		size_t		 n;
		char		 made[32], gone[32];

		check(db, apikey_list(db, &a, &k, &n), "apikey");
		for (j = 0; j < n; j++) {
			strftime(made, sizeof(made), "%Y-%m-%dT%H:%M:%SZ",
			    gmtime(&k[j].created_at));
			if (k[j].revoked_at)
				strftime(gone, sizeof(gone), "%Y-%m-%dT%H:%M:%SZ",
				    gmtime(&k[j].revoked_at));
			printf("%s\t%s\t%s\t%s\t%s\n", k[j].key_id,
			    k[j].scopes_text, made, k[j].revoked_at ? gone : "-",
			    k[j].name);
		}
		break;
	}
	case C_CODES_REKEY: {
		long long vouchers = 0, cards = 0;

		if (cfg.code_key_previous == NULL)
			die("no code_key_previous in %s: name the old key so, the new"
			    " one code_key, reload kaquan, then rekey", config_path);
		s = vouchers_rekey(db, &vouchers);
		if (s == KQ_OK)
			s = cards_rekey(db, &cards);
		if (s == KQ_CONFLICT)
			die("a code is under a key that is neither code_key nor"
			    " code_key_previous (the log names it)");
		check(db, s, "codes rekey");
		printf("%lld vouchers and %lld cards moved to the current key\n",
		    vouchers, cards);
		break;
	}
	case C_PROVISION: {
		/* the demo provisioner: the host platform does this for real */
		int n;

		check(db, provision_run(db, &a, &n), "provision");
		printf("%d\n", n);
		break;
	}
	}

	arena_free(&a);
	db_close(db);
	db_cleanup();
	catalog_free();
	form_cleanup();
	codekey_free();
	config_free(&cfg);
	return 0;
}
