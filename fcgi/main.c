/*
 * main.c - kaquan-fcgi: configuration, the listening socket, the prefork
 * master.
 *
 * The master only supervises: it checks the configuration and templates
 * (a template error stops the start with file:line), opens the socket, forks
 * the workers and restarts any that die.  SIGTERM drains: workers finish the
 * request they are in and exit.  SIGHUP reloads: the configuration and
 * templates are checked, then a new generation of workers is started and the
 * old one told to finish, so no request is dropped.  SIGUSR1 reopens the
 * log file (log_file, after logrotate moved it), here and in every worker.
 *
 * The socket comes from, in order: systemd socket activation
 * (sd_listen_fds), the "listen" key, or fd 0 as spawn-fcgi passes it.
 * Under systemd (Type=notify) the master tells it when the workers are
 * started (READY=1), while a reload runs (RELOADING=1) and when it drains
 * (STOPPING=1); outside systemd sd_notify() does nothing.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcgiapp.h>
#include <systemd/sd-daemon.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "codekey.h"
#include "schema.h"
#include "base/config.h"
#include "base/log.h"
#include "db/migrate.h"
#include "process/metrics.h"
#include "process/shared.h"
#include "web/tmpl.h"
#include "worker.h"

#define MAX_WORKERS	256
#define DRAIN_SECONDS	30

struct slot {
	pid_t	pid;
	time_t	started;
};

static volatile sig_atomic_t got_term, got_hup, got_chld, got_usr1;
static struct slot	slots[MAX_WORKERS];
static int		nslots;
static const char	*config_path;
static int		listen_fd;
static char		log_path[4096];	/* the configuration's log_file */

static void
on_signal(int sig)
{
	if (sig == SIGTERM || sig == SIGINT)
		got_term = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGCHLD)
		got_chld = 1;
	else if (sig == SIGUSR1)
		got_usr1 = 1;
}

/* The log file of cfg, kept for SIGUSR1; 0, or -1 (logged). */
static int
open_log(const struct config *cfg)
{
	snprintf(log_path, sizeof(log_path), "%s",
	    cfg->log_file != NULL ? cfg->log_file : "");
	if (log_open(log_path) < 0) {
		kq_log("cannot open the log file %s: %s", log_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Loads the configuration and compiles the templates, to refuse a start
 * or reload that the workers would fail. */
static int
check(struct config *cfg)
{
	struct tmpl_set	*t;
	char		 err[1024];

	if (config_load(config_path, cfg, err, sizeof(err)) < 0) {
		kq_log("%s", err);
		return -1;
	}
	/* codes at rest need the key: without it no code can be looked up */
	if (codekey_init(cfg->code_key, cfg->code_key_previous, err,
	    sizeof(err)) < 0) {
		kq_log("%s: %s", config_path, err);
		config_free(cfg);
		return -1;
	}
	codekey_free();
	if ((t = tmpl_set_load(cfg->templates, err, sizeof(err))) == NULL) {
		kq_log("%s", err);
		config_free(cfg);
		return -1;
	}
	tmpl_set_free(t);
	return 0;
}

/* Refuses a start against a schema this build cannot serve: migrations
 * pending, or one applied that needs a newer release (core/db/migrate.c).
 * A database that does not answer yet is the workers' to wait for: they
 * answer 503 until it does.  0, or -1 (logged). */
static int
schema_check(const struct config *cfg)
{
	struct db	*db;
	char		 err[512], msg[512];
	enum kq_outcome	 s;

	if ((db = db_open(&cfg->db, err, sizeof(err))) == NULL)
		return 0;
	if (db_ready(db) != KQ_OK) {
		kq_log("schema not checked: the database does not answer (%s)",
		    db_error(db));
		db_close(db);
		return 0;
	}
	s = migrate_check(db, KQ_SCHEMA, msg, sizeof(msg));
	if (s == KQ_OK && *msg != '\0')
		kq_log("%s", msg);
	else if (s == KQ_CONFLICT)
		kq_log("refusing to start: %s", msg);
	else if (s != KQ_OK)
		kq_log("schema not checked: %s", db_error(db));
	db_close(db);
	db_cleanup();
	return s == KQ_CONFLICT ? -1 : 0;
}

static int
open_socket(const struct config *cfg)
{
	struct sockaddr_storage ss;
	socklen_t	 len = sizeof(ss);
	int		 fd;

	/* systemd's (kaquan.socket); unset, so no child takes it for its own */
	if ((fd = sd_listen_fds(1)) >= 1)
		return SD_LISTEN_FDS_START;
	if (cfg->listen != NULL && *cfg->listen != '\0') {
		if ((fd = FCGX_OpenSocket(cfg->listen, cfg->backlog)) < 0) {
			kq_log("cannot listen on %s: %s",
			    cfg->listen, strerror(errno));
			return -1;
		}
		if (cfg->listen[0] == '/' || cfg->listen[0] == '.')
			chmod(cfg->listen, 0660);	/* nginx's group */
		return fd;
	}
	if (getsockname(0, (struct sockaddr *)&ss, &len) == 0)
		return 0;
	kq_log("no \"listen\" in the configuration and fd 0 "
	    "is not a socket (spawn-fcgi passes one)");
	return -1;
}

static pid_t
spawn(int i)
{
	sigset_t	none;
	pid_t		pid;

	if ((pid = fork()) < 0) {
		kq_log("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* exit(), not _exit(): LeakSanitizer checks workers at exit */
		exit(worker_main(config_path, listen_fd));
	}
	slots[i].pid = pid;
	slots[i].started = time(NULL);
	return pid;
}

static int
find_slot(pid_t pid)
{
	int i;

	for (i = 0; i < nslots; i++)
		if (slots[i].pid == pid)
			return i;
	return -1;
}

/* Reaps dead workers and, unless draining, starts replacements.  A worker
 * that dies within a second of its start waits a second before the next
 * try, so a broken configuration does not spin. */
static void
reap(int respawn)
{
	pid_t	pid;
	int	status, i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		i = find_slot(pid);
		/* a worker that died left its status row: free it (and count
		 * a restart when it is replaced) */
		if (WIFSIGNALED(status) || WEXITSTATUS(status) != 0)
			metrics_worker_died((int)pid, i >= 0 && respawn);
		if (i < 0)
			continue;	/* an old generation's worker */
		if (WIFSIGNALED(status))
			kq_log("worker %d killed by signal %d",
			    (int)pid, WTERMSIG(status));
		else if (WEXITSTATUS(status) != 0)
			kq_log("worker %d exited with %d",
			    (int)pid, WEXITSTATUS(status));
		slots[i].pid = 0;
		if (!respawn)
			continue;
		if (time(NULL) - slots[i].started < 1)
			sleep(1);
		spawn(i);
	}
}

static void
signal_all(const struct slot *s, int n, int sig)
{
	int i;

	for (i = 0; i < n; i++)
		if (s[i].pid > 0)
			kill(s[i].pid, sig);
}

static void
drain(void)
{
	time_t	deadline = time(NULL) + DRAIN_SECONDS;
	int	alive, i;

	signal_all(slots, nslots, SIGTERM);
	for (;;) {
		reap(0);
		for (alive = 0, i = 0; i < nslots; i++)
			alive += slots[i].pid > 0;
		if (alive == 0)
			return;
		if (time(NULL) >= deadline) {
			signal_all(slots, nslots, SIGKILL);
			deadline = time(NULL) + 5;
		}
		usleep(20000);
	}
}

/* A new generation of workers, then the old one is told to finish. */
static void
reload(void)
{
	struct config	cfg;
	struct slot	old[MAX_WORKERS];
	int		nold = nslots, i;

	kq_log("reloading");
	sd_notify(0, "RELOADING=1");
	if (check(&cfg) < 0) {
		kq_log("reload refused; old workers keep running");
		sd_notify(0, "READY=1\nSTATUS=reload refused (see the log);"
		    " the old workers keep serving");
		return;
	}
	memcpy(old, slots, sizeof(old));
	nslots = cfg.workers;
	metrics_workers(nslots);
	(void)open_log(&cfg);	/* it may name another file now */
	config_free(&cfg);
	memset(slots, 0, sizeof(slots));
	for (i = 0; i < nslots; i++)
		spawn(i);
	signal_all(old, nold, SIGTERM);
	sd_notifyf(0, "READY=1\nSTATUS=%d workers (reloaded)", nslots);
}

static void
usage(void)
{
	fprintf(stderr, "usage: kaquan-fcgi [--config FILE] [--check]\n"
	    "       kaquan-fcgi --api-routes | --version\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct config		 cfg;
	struct sigaction	 sa;
	sigset_t		 block, old;
	int			 i, check_only = 0;

	config_path = getenv("KAQUAN_CONF");
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_path = argv[++i];
		else if (strcmp(argv[i], "--check") == 0)
			check_only = 1;
		else if (strcmp(argv[i], "--version") == 0) {
			printf("kaquan-fcgi %s\n", KQ_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--api-routes") == 0) {
			api_routes_print(stdout);	/* the OpenAPI check's */
			return 0;
		}
		else
			usage();
	}
	if (config_path == NULL)
		config_path = "/etc/kaquan/kaquan.conf";
	if (check(&cfg) < 0)
		return 78;
	if (check_only) {
		printf("kaquan: %s is fine\n", config_path);
		config_free(&cfg);
		return 0;
	}
	if ((listen_fd = open_socket(&cfg)) < 0 || open_log(&cfg) < 0)
		return 1;
	if (db_library_init() < 0)
		kq_log("cannot set up the database client library");
	if (schema_check(&cfg) < 0) {
		config_free(&cfg);
		return 78;
	}
	/* the hash gate and the database's state, shared by every worker of
	 * every generation */
	if (shared_init() < 0)
		kq_log("cannot map the shared page: each worker on its own");
	if (metrics_init(cfg.workers) < 0)
		kq_log("cannot map the status page: each worker counts alone");
	nslots = cfg.workers;
	config_free(&cfg);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);

	kq_log("master %d starting %d workers",
	    (int)getpid(), nslots);
	for (i = 0; i < nslots; i++)
		spawn(i);
	sd_notifyf(0, "READY=1\nSTATUS=%d workers", nslots);
	while (!got_term) {
		sigsuspend(&old);
		if (got_chld) {
			got_chld = 0;
			reap(!got_term);
		}
		if (got_hup) {
			got_hup = 0;
			reload();
		}
		if (got_usr1) {
			got_usr1 = 0;
			if (log_open(log_path) < 0)
				kq_log("cannot reopen %s: %s", log_path, strerror(errno));
			kq_log("log reopened");
			signal_all(slots, nslots, SIGUSR1);
		}
	}
	kq_log("draining");
	sd_notify(0, "STOPPING=1\nSTATUS=draining");
	drain();
	kq_log("stopped");
	return 0;
}
