/*
 * worker.c - the accept loop.
 *
 * Long-lived things (config, templates, compiled patterns, the database
 * connection and its prepared statements) are made once here; everything a
 * request needs comes from an arena reset after the response.  SIGTERM is
 * installed without SA_RESTART and calls FCGX_ShutdownPending(), so an idle
 * worker leaves accept() at once.  From the accept of a connection to its
 * answer the signal is blocked, so it cannot interrupt a read of the body;
 * it is delivered when the response is done, and the worker then leaves.
 *
 * The worker accepts connections itself, not libfcgi: a connection has
 * INPUT_SECONDS to send its records and body, each write of the answer
 * SEND_SECONDS, and its first records are screened (fcgi_screen) before
 * libfcgi reads them, since libfcgi asserts on a length it cannot allocate.
 * A request that is all there when screened (nginx writes a GET, or a POST
 * it has buffered, at once) is read without waiting; any other gets an
 * interval timer, whose SIGALRM ends a blocked read, and a bound on each
 * read.  Only what can reach the socket can try these, but none of it may
 * stop a worker.
 *
 * A connection whose input is all read is closed at once; libfcgi's close
 * (shutdown, then reading until the peer closes, so that unread input
 * cannot turn into a reset that loses the answer's tail) is kept for the
 * others, under CLOSE_SECONDS.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "approval.h"
#include "catalog.h"
#include "base/clock.h"
#include "codekey.h"
#include "web/form.h"
#include "base/i18n.h"
#include "input.h"
#include "base/log.h"
#include "process/metrics.h"
#include "reply.h"
#include "request.h"
#include "routes.h"
#include "process/shared.h"
#include "worker.h"

#define ARENA_CHUNK	(64 * 1024)
#define ARENA_LIMIT	(16 * 1024 * 1024)	/* per request */
#define INPUT_SECONDS	5	/* a request's records and body */
#define SEND_SECONDS	10	/* each write of the answer */
#define CLOSE_SECONDS	3	/* libfcgi drains a closing connection */

static volatile sig_atomic_t stopping, reopen;
/* Tests only (test_crash.py): KAQUAN_FAULT=arena lets a request's
 * X-Kaquan-Arena-Fail: N header make its arena fail after N allocations
 * (the fault walk over a handler's fill). */
static int fault_arena;
/* Tests only (test_volume.py): KAQUAN_FAULT=db lets a request's
 * X-Kaquan-Db-Fail: N make its N-th statement after the session's fail as
 * a lost server would (an export cut halfway). */
static int fault_db;
/* Bench and tests only: KAQUAN_ROWS_READ=1 adds the rows the request read
 * (db_rows_read()) to its access log line, " rows=N". */
static int rows_read;

/* Whether the environment's NAME is VALUE (the tests' and bench's hooks). */
static int
env_is(const char *name, const char *value)
{
	const char *v = getenv(name);

	return v != NULL && strcmp(v, value) == 0;
}

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
}

static void
on_usr1(int sig)
{
	(void)sig;
	reopen = 1;	/* the log: between two requests */
}

static void
on_alarm(int sig)
{
	(void)sig;	/* the blocked read returns EINTR: that is all */
}

static void
signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;	/* no SA_RESTART: accept() returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_alarm;	/* no SA_RESTART either: read() returns */
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;	/* no read or accept of ours is cut */
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_flags = 0;
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);	/* the master reloads by replacing us */
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
}

static const char *
param(FCGX_Request *f, const char *name, const char *dflt)
{
	const char *v = FCGX_GetParam(name, f->envp);

	return v != NULL ? v : dflt;
}

/* The path without the query: nginx's DOCUMENT_URI (already decoded and
 * normalised), else REQUEST_URI up to '?'. */
static const char *
request_path(struct req *r)
{
	const char *p = FCGX_GetParam("DOCUMENT_URI", r->fcgx->envp);

	if (p == NULL && (p = FCGX_GetParam("REQUEST_URI", r->fcgx->envp)) != NULL)
		p = arena_strndup(r->arena, p, strcspn(p, "?"));
	return p != NULL ? p : "/";
}

/* The request's id for the log and the X-Request-Id header: nginx's
 * $request_id (passed as REQUEST_ID by the site snippet), else our own. */
static void
request_id(struct req *r)
{
	static unsigned long	 seq;
	const char		*id = FCGX_GetParam("REQUEST_ID", r->fcgx->envp);
	char			 own[40];

	if (id == NULL || *id == '\0' || strlen(id) > 40 ||
	    strspn(id, "0123456789abcdefABCDEF-") != strlen(id)) {
		snprintf(own, sizeof(own), "%x-%lu", (unsigned)getpid(), ++seq);
		id = own;
	}
	log_request(id);
	reply_header(r, arena_printf(r->arena, "X-Request-Id: %s", log_request_id()));
}

static void
serve(struct app *app, FCGX_Request *f, struct arena *a)
{
	long long	 t0 = clock_mono_us(), rows0;
	struct req	 r;
	const char	*n;

	if (fault_arena && (n = FCGX_GetParam("HTTP_X_KAQUAN_ARENA_FAIL",
	    f->envp)) != NULL)
		a->fail_countdown = atol(n);
	memset(&r, 0, sizeof(r));
	r.app = app;
	r.arena = a;
	r.fcgx = f;
	r.method = param(f, "REQUEST_METHOD", "GET");
	r.path = request_path(&r);
	r.remote_addr = param(f, "REMOTE_ADDR", "");
	r.cookies = FCGX_GetParam("HTTP_COOKIE", f->envp);
	params_init(&r.query);
	params_init(&r.body);
	abuf_init(&r.headers, a);
	request_id(&r);
	if (r.cookies != NULL && strlen(r.cookies) > MAX_COOKIE) {
		r.cookies = NULL;
		reply_fail(&r, KQ_BAD_REQUEST);
		return;
	}
	i18n_set(lang_choose(r.cookies ? cookie_get(a, r.cookies, COOKIE_LANG) :
	    NULL, FCGX_GetParam("HTTP_ACCEPT_LANGUAGE", f->envp)));
	if (fault_db && (n = FCGX_GetParam("HTTP_X_KAQUAN_DB_FAIL",
	    f->envp)) != NULL)
		db_fail_after(app->db, atol(n));
	rows0 = rows_read && db_ready(app->db) == KQ_OK ?
	    db_rows_read(app->db) : -1;
	dispatch(&r);
	if (!r.sent)	/* a handler that forgot to answer is a bug */
		reply_fail(&r, KQ_UNAVAILABLE);
	if (fault_db)
		db_fail_after(app->db, -1);
	t0 = clock_mono_us() - t0;
	metrics_request(r.route_name, r.method, r.status, t0);
	/* the path's route, not the path: no id, code or query in the log */
	if (app->cfg->access_log && rows0 >= 0)
		kq_log("%s %s %d %.1fms rows=%lld", r.method, r.route_name ?
		    r.route_name : "-", r.status, (double)t0 / 1000,
		    db_rows_read(app->db) - rows0);
	else if (app->cfg->access_log)
		kq_log("%s %s %d %.1fms", r.method, r.route_name ? r.route_name :
		    "-", r.status, (double)t0 / 1000);
}

static int
app_init(struct app *app, const char *config_path)
{
	char err[1024];

	memset(app, 0, sizeof(*app));
	if ((app->cfg = calloc(1, sizeof(*app->cfg))) == NULL ||
	    config_load(config_path, app->cfg, err, sizeof(err)) < 0 ||
	    (app->tmpl = tmpl_set_load(app->cfg->templates, err, sizeof(err))) == NULL ||
	    routes_init(err, sizeof(err)) < 0) {
		kq_log("worker %d: %s", (int)getpid(),
		    app->cfg ? err : "out of memory");
		return -1;
	}
	if (clock_init(app->cfg->display_tz) < 0) {
		kq_log("worker: bad display_tz");
		return -1;
	}
	if (codekey_init(app->cfg->code_key, app->cfg->code_key_previous, err,
	    sizeof(err)) < 0) {
		kq_log("worker: %s", err);
		return -1;
	}
	tmpl_check_views(app->cfg->check_views);
	approval_set_cap(app->cfg->approval_cap);
	rows_read = env_is("KAQUAN_ROWS_READ", "1");
	fault_arena = env_is("KAQUAN_FAULT", "arena");
	fault_db = env_is("KAQUAN_FAULT", "db");
	gate_width(app->cfg->hash_concurrency);
	app->policy.idle_minutes = app->cfg->session_idle_minutes;
	app->policy.absolute_hours = app->cfg->session_absolute_hours;
	app->policy.cache_seconds = app->cfg->session_cache_seconds;
	/* A database that is down at start is not fatal: requests get 503
	 * and db_ready() keeps trying. */
	err[0] = '\0';
	if ((app->db = db_open(&app->cfg->db, err, sizeof(err))) == NULL) {
		kq_log("worker: out of memory");
		return -1;
	}
	return 0;
}

static void
app_free(struct app *app)
{
	db_close(app->db);
	db_cleanup();
	catalog_free();
	tmpl_set_free(app->tmpl);
	routes_free();
	form_cleanup();
	codekey_free();
	if (app->cfg != NULL) {
		config_free(app->cfg);
		free(app->cfg);
	}
}

/* Waits for the start of a connection's records: FCGI_SCREEN_OK, or why
 * not (the deadline passed, the peer left or stopped, the records are bad).
 * nginx writes them at once; anything slower is peeked at again every few
 * milliseconds until they are whole, by the clock, not by the SIGALRM a
 * busy loop could miss. */
static enum fcgi_screen
screen(int fd)
{
	static unsigned char	buf[FCGI_SCREEN_CAP];
	struct pollfd		p = { .fd = fd, .events = POLLIN | POLLRDHUP };
	enum fcgi_screen	sc;
	ssize_t			n;
	int			rc;
	long long		end = clock_mono_ms() + INPUT_SECONDS * 1000LL;
	long long		left = INPUT_SECONDS * 1000LL;

	while (left > 0) {
		if ((rc = poll(&p, 1, (int)left)) < 0 && errno == EINTR) {
			left = end - clock_mono_ms();	/* SIGUSR1: the log */
			continue;
		}
		if (rc <= 0)
			break;
		if ((n = recv(fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT)) <= 0)
			break;
		if ((sc = fcgi_screen(buf, (size_t)n)) != FCGI_SCREEN_MORE)
			return sc;
		if (p.revents & (POLLRDHUP | POLLHUP))
			break;		/* nothing more will come */
		usleep(2000);
		left = end - clock_mono_ms();
	}
	return FCGI_SCREEN_MORE;
}

/* Accepts a connection and screens it; its fd, with TERM blocked (an
 * accepted connection is served: a reload drops no request), or -1 (errno
 * EINTR when the wait was interrupted, 0 when the connection was refused). */
static int
accept_screened(int listen_fd, const sigset_t *term)
{
	struct timeval		send = { SEND_SECONDS, 0 };
	struct timeval		recv = { INPUT_SECONDS, 0 };
	enum fcgi_screen	sc;
	int			fd;

	if ((fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return -1;
	sigprocmask(SIG_BLOCK, term, NULL);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send, sizeof(send));
	if ((sc = screen(fd)) == FCGI_SCREEN_WHOLE)
		return fd;
	if (sc == FCGI_SCREEN_OK) {
		/* each read is bounded even when the SIGALRM that bounds the
		 * whole input lands between two reads */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &recv, sizeof(recv));
		input_deadline(INPUT_SECONDS);
		return fd;
	}
	kq_log("worker: dropped a connection: %s", sc == FCGI_SCREEN_BAD ?
	    "malformed FastCGI records" : "no whole request in time");
	close(fd);
	sigprocmask(SIG_UNBLOCK, term, NULL);
	errno = 0;
	return -1;
}

/* Ends the request: the answer's last records, then the connection. */
static void
finish(FCGX_Request *f)
{
	char	c;
	ssize_t	n = recv(f->ipcFd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	if (n == 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))) {
		f->keepConnection = 1;	/* nothing unread: ours to close */
		FCGX_Finish_r(f);
	} else {
		input_deadline(CLOSE_SECONDS);	/* libfcgi's lingering close */
		FCGX_Finish_r(f);
		input_deadline(0);
	}
	if (f->ipcFd >= 0) {	/* the server asked to keep it: we do not */
		close(f->ipcFd);
		f->ipcFd = -1;
	}
}

int
worker_main(const char *config_path, int listen_fd)
{
	struct app	 app;
	struct arena	 a;
	FCGX_Request	 f;
	sigset_t	 term;
	long		 served = 0;
	int		 rc = 0, fd, row;

	signals_init();
	/* SPEC §9: no RSS growth.  A fixed mmap threshold sends every large
	 * buffer (a 100,000-code download, a batch's inserts) to mmap, so it
	 * goes back to the kernel when freed instead of staying in the heap;
	 * glibc would otherwise raise the threshold after the first one. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	mallopt(M_TRIM_THRESHOLD, 256 * 1024);
	if (app_init(&app, config_path) < 0) {
		app_free(&app);
		return 78;	/* EX_CONFIG: the master backs off */
	}
	/* compiling the templates (both languages) leaves libxml2's parse
	 * memory free between the pages it kept: give those pages back */
	malloc_trim(0);
	FCGX_Init();
	/* no listening socket for libfcgi: it only reads what we accepted */
	if (FCGX_InitRequest(&f, -1, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		kq_log("worker: FCGX_InitRequest failed");
		app_free(&app);
		return 1;
	}
	arena_init(&a, ARENA_CHUNK, ARENA_LIMIT);
	row = metrics_worker_start();
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	while (!stopping) {
		if ((fd = accept_screened(listen_fd, &term)) < 0) {
			if (stopping || errno == EINTR || errno == 0 ||
			    errno == ECONNABORTED)
				continue;
			kq_log("worker: accept failed: %s",
			    strerror(errno));
			rc = 1;
			break;
		}
		/* libfcgi has no call that takes a connection; it reads one it
		 * holds as a kept connection (FCGI_KEEP_CONN) without accepting,
		 * so the accepted one is handed over that way.  A failure there
		 * (a read cut by the deadline) has closed it. */
		if (reopen) {
			reopen = 0;
			if (log_open(app.cfg->log_file) < 0)
				kq_log("worker: cannot reopen %s: %s",
				    app.cfg->log_file, strerror(errno));
		}
		f.ipcFd = fd;
		f.keepConnection = 1;
		if (FCGX_Accept_r(&f) < 0) {
			input_done();
			sigprocmask(SIG_UNBLOCK, &term, NULL);
			continue;
		}
		metrics_worker_busy(row, 1);
		serve(&app, &f, &a);
		input_done();	/* a handler that failed before reading */
		finish(&f);
		metrics_worker_busy(row, 0);
		log_request(NULL);
		i18n_set(LANG_ZH);
		arena_reset(&a);
		a.fail_countdown = -1;
		sigprocmask(SIG_UNBLOCK, &term, NULL);	/* a pending TERM lands here */
		if (app.cfg->max_requests && ++served >= app.cfg->max_requests)
			break;	/* the master starts a fresh one */
	}
	metrics_worker_end(row);
	FCGX_Free(&f, 0);
	arena_free(&a);
	app_free(&app);
	return rc;
}
