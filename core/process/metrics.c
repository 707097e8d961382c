/*
 * metrics.c - the worker set's counters and their three renderings.
 */
#include <sys/mman.h>

#include <jansson.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "process/metrics.h"

const char *const metric_group_names[] = { "member", "partner", "admin", "api",
	"public", NULL };
static const char *const class_names[] = { "1xx", "2xx", "3xx", "4xx", "5xx" };
/* the latency histogram's upper bounds, in microseconds */
static const long long bounds_us[] = { 1000, 2500, 5000, 10000, 25000, 50000,
	100000, 250000, 500000, 1000000, 2500000 };
#define NBOUNDS	(sizeof(bounds_us) / sizeof(bounds_us[0]))

struct worker_row {
	_Atomic int		 pid;		/* 0: free */
	_Atomic int		 busy;
	_Atomic long long	 requests;
	_Atomic long long	 started;
};

struct stats {
	_Atomic long long	 started;	/* the master's start */
	_Atomic int		 workers;	/* configured */
	_Atomic long long	 restarts;	/* workers that died, replaced */
	struct worker_row	 w[METRICS_WORKERS];
	_Atomic long long	 requests[MG__MAX][5];		/* by status class */
	_Atomic long long	 latency[MG__MAX][NBOUNDS + 1];	/* per bucket */
	_Atomic long long	 latency_us[MG__MAX];		/* their sum */
	_Atomic long long	 redemptions, pickups, rate_limited;
	_Atomic long long	 events[ME__MAX];
};

static struct stats	 private_stats;
static struct stats	*st = &private_stats;

int
metrics_init(int workers)
{
	void *p = mmap(NULL, sizeof(struct stats), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	memset(p, 0, sizeof(struct stats));
	st = p;
	st->started = time(NULL);
	st->workers = workers;
	return 0;
}

void
metrics_workers(int n)
{
	st->workers = n;
}

void
metrics_worker_died(int pid, int replaced)
{
	size_t i;

	if (replaced)
		atomic_fetch_add_explicit(&st->restarts, 1, memory_order_relaxed);
	for (i = 0; i < METRICS_WORKERS; i++)	/* its row, left behind */
		if (st->w[i].pid == pid)
			st->w[i].pid = 0;
}

int
metrics_worker_start(void)
{
	size_t	i;
	int	free_row;

	for (i = 0; i < METRICS_WORKERS; i++) {
		free_row = 0;
		if (atomic_compare_exchange_strong(&st->w[i].pid, &free_row,
		    (int)getpid())) {
			st->w[i].busy = 0;
			st->w[i].requests = 0;
			st->w[i].started = time(NULL);
			return (int)i;
		}
	}
	return -1;
}

void
metrics_worker_busy(int row, int busy)
{
	if (row >= 0) {
		st->w[row].busy = busy;
		if (!busy)
			atomic_fetch_add_explicit(&st->w[row].requests, 1,
			    memory_order_relaxed);
	}
}

void
metrics_worker_end(int row)
{
	if (row >= 0)
		st->w[row].pid = 0;
}

static enum metric_group
group_of(const char *route)
{
	if (route == NULL)
		return MG_PUBLIC;
	if (strncmp(route, "/user", 5) == 0)
		return MG_MEMBER;
	if (strncmp(route, "/partner", 8) == 0)
		return MG_PARTNER;
	if (strncmp(route, "/admin", 6) == 0 && strcmp(route, "/admin/login") != 0)
		return MG_ADMIN;
	if (strncmp(route, "/api/", 5) == 0)
		return MG_API;
	return MG_PUBLIC;
}

void
metrics_request(const char *route, const char *method, int status,
    long long us)
{
	enum metric_group	g = group_of(route);
	size_t		b;
	int		c = status / 100 - 1;

	if (c < 0 || c > 4)
		c = 4;
	for (b = 0; b < NBOUNDS && us > bounds_us[b]; b++)
		;
	atomic_fetch_add_explicit(&st->requests[g][c], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&st->latency[g][b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&st->latency_us[g], us, memory_order_relaxed);
	if (status == 429)
		atomic_fetch_add_explicit(&st->rate_limited, 1, memory_order_relaxed);
	/* a redemption or a pick-up that went through answers 303 */
	if (status != 303 || route == NULL || strcmp(method, "POST") != 0)
		return;
	if (strcmp(route, "/user/redeem/confirm") == 0)
		atomic_fetch_add_explicit(&st->redemptions, 1, memory_order_relaxed);
	else if (strcmp(route, "/user/pickup/confirm") == 0)
		atomic_fetch_add_explicit(&st->pickups, 1, memory_order_relaxed);
}

void
metrics_event(enum metric_event e)
{
	atomic_fetch_add_explicit(&st->events[e], 1, memory_order_relaxed);
}

/* ------------------------------------------------------------ rendering */

struct snapshot {
	long long	started, restarts, accepted, busy, total, errors5xx;
	long long	redemptions, pickups, rate_limited, db_errors;
	int		workers;
};

static void
snap(struct snapshot *s)
{
	size_t i, g;

	memset(s, 0, sizeof(*s));
	s->started = st->started;
	s->workers = st->workers;
	s->restarts = st->restarts;
	for (i = 0; i < METRICS_WORKERS; i++)
		if (st->w[i].pid != 0) {
			s->total++;
			s->busy += st->w[i].busy != 0;
		}
	for (g = 0; g < MG__MAX; g++)
		for (i = 0; i < 5; i++) {
			s->accepted += st->requests[g][i];
			if (i == 4)
				s->errors5xx += st->requests[g][i];
		}
	s->redemptions = st->redemptions;
	s->pickups = st->pickups;
	s->rate_limited = st->rate_limited;
	s->db_errors = st->events[ME_DB_ERRORS];
}

struct out {
	int	(*fn)(void *, const char *, size_t);
	void	*ctx;
	int	 rc;
};

static void __attribute__((format(printf, 2, 3)))
say(struct out *o, const char *fmt, ...)
{
	char	line[512];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (o->rc == 0 && n > 0)
		o->rc = o->fn(o->ctx, line, (size_t)n < sizeof(line) ?
		    (size_t)n : sizeof(line) - 1);
}

static void
text(struct out *o, const struct snapshot *s)
{
	char		when[32];
	struct tm	tm;
	time_t		t = (time_t)s->started;
	size_t		i;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	say(o, "pool:                 kaquan\n");
	say(o, "start time:           %s\n", when);
	say(o, "start since:          %lld\n", (long long)(time(NULL) - t));
	say(o, "accepted conn:        %lld\n", s->accepted);
	say(o, "workers configured:   %d\n", s->workers);
	say(o, "idle processes:       %lld\n", s->total - s->busy);
	say(o, "active processes:     %lld\n", s->busy);
	say(o, "total processes:      %lld\n", s->total);
	say(o, "worker restarts:      %lld\n", s->restarts);
	say(o, "5xx answers:          %lld\n", s->errors5xx);
	say(o, "database errors:      %lld\n", s->db_errors);
	say(o, "rate-limit hits:      %lld\n", s->rate_limited);
	say(o, "redemptions:          %lld\n", s->redemptions);
	say(o, "pick-ups:             %lld\n", s->pickups);
	for (i = 0; i < METRICS_WORKERS; i++)
		if (st->w[i].pid != 0)
			say(o, "worker %d: %s, %lld requests, since %lld\n",
			    st->w[i].pid, st->w[i].busy ? "busy" : "idle",
			    (long long)st->w[i].requests,
			    (long long)st->w[i].started);
}

static void
json(struct out *o, const struct snapshot *s)
{
	json_t	*j, *w;
	char	*dump;
	size_t	 i;

	w = json_array();
	for (i = 0; i < METRICS_WORKERS; i++)
		if (st->w[i].pid != 0)
			json_array_append_new(w, json_pack("{s:i, s:s, s:I, s:I}",
			    "pid", st->w[i].pid, "state", st->w[i].busy ? "busy" :
			    "idle", "requests", (json_int_t)st->w[i].requests,
			    "started", (json_int_t)st->w[i].started));
	j = json_pack("{s:s, s:I, s:I, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
	    " s:I, s:I, s:o}", "pool", "kaquan",
	    "start_time", (json_int_t)s->started,
	    "accepted_conn", (json_int_t)s->accepted,
	    "workers_configured", s->workers,
	    "idle_processes", (json_int_t)(s->total - s->busy),
	    "active_processes", (json_int_t)s->busy,
	    "total_processes", (json_int_t)s->total,
	    "worker_restarts", (json_int_t)s->restarts,
	    "answers_5xx", (json_int_t)s->errors5xx,
	    "database_errors", (json_int_t)s->db_errors,
	    "rate_limit_hits", (json_int_t)s->rate_limited,
	    "redemptions", (json_int_t)s->redemptions,
	    "pickups", (json_int_t)s->pickups,
	    "workers", w);
	if (j == NULL || (dump = json_dumps(j, JSON_INDENT(1))) == NULL) {
		json_decref(j);
		o->rc = -1;
		return;
	}
	if (o->rc == 0)
		o->rc = o->fn(o->ctx, dump, strlen(dump));
	say(o, "\n");
	free(dump);
	json_decref(j);
}

static void
counter(struct out *o, const char *name, const char *help, long long v)
{
	say(o, "# HELP kaquan_%s %s\n# TYPE kaquan_%s counter\nkaquan_%s %lld\n",
	    name, help, name, name, v);
}

static void
prometheus(struct out *o, const struct snapshot *s)
{
	long long	cum;
	size_t		g, i;

	say(o, "# HELP kaquan_up Whether the workers answer.\n"
	    "# TYPE kaquan_up gauge\nkaquan_up 1\n");
	say(o, "# HELP kaquan_workers Worker processes, by state.\n"
	    "# TYPE kaquan_workers gauge\n");
	say(o, "kaquan_workers{state=\"busy\"} %lld\n", s->busy);
	say(o, "kaquan_workers{state=\"idle\"} %lld\n", s->total - s->busy);
	counter(o, "worker_restarts_total", "Workers that died and were "
	    "replaced.", s->restarts);
	say(o, "# HELP kaquan_requests_total Requests answered, by route group "
	    "and status class.\n# TYPE kaquan_requests_total counter\n");
	for (g = 0; g < MG__MAX; g++)
		for (i = 0; i < 5; i++)
			say(o, "kaquan_requests_total{group=\"%s\",code=\"%s\"} %lld\n",
			    metric_group_names[g], class_names[i],
			    (long long)st->requests[g][i]);
	say(o, "# HELP kaquan_request_duration_seconds Time to answer, by route "
	    "group.\n# TYPE kaquan_request_duration_seconds histogram\n");
	for (g = 0; g < MG__MAX; g++) {
		for (cum = 0, i = 0; i <= NBOUNDS; i++) {
			cum += st->latency[g][i];
			if (i < NBOUNDS)
				say(o, "kaquan_request_duration_seconds_bucket{group="
				    "\"%s\",le=\"%g\"} %lld\n", metric_group_names[g],
				    (double)bounds_us[i] / 1e6, cum);
			else
				say(o, "kaquan_request_duration_seconds_bucket{group="
				    "\"%s\",le=\"+Inf\"} %lld\n", metric_group_names[g], cum);
		}
		say(o, "kaquan_request_duration_seconds_sum{group=\"%s\"} %.6f\n",
		    metric_group_names[g], (double)st->latency_us[g] / 1e6);
		say(o, "kaquan_request_duration_seconds_count{group=\"%s\"} %lld\n",
		    metric_group_names[g], cum);
	}
	counter(o, "redemptions_total", "Voucher codes redeemed.", s->redemptions);
	counter(o, "pickups_total", "Pickup cards picked up.", s->pickups);
	counter(o, "rate_limit_hits_total", "Requests refused by a rate limit "
	    "(429).", s->rate_limited);
	counter(o, "responses_5xx_total", "Answers with a 5xx status.",
	    s->errors5xx);
	counter(o, "db_errors_total", "Database errors logged.", s->db_errors);
}

int
metrics_write(enum metrics_format f, int (*fn)(void *, const char *, size_t),
    void *ctx)
{
	struct out	o = { fn, ctx, 0 };
	struct snapshot	s;

	snap(&s);
	if (f == MF_JSON)
		json(&o, &s);
	else if (f == MF_PROMETHEUS)
		prometheus(&o, &s);
	else
		text(&o, &s);
	return o.rc;
}
