/*
 * config.h - kaquan.conf: "key = value" lines, checked at start.
 *
 * An unknown key, a bad number or a missing file stops the start with
 * file:line, so a typo is found by the operator, not by a customer.
 */
#ifndef KQ_CONFIG_H
#define KQ_CONFIG_H

/* The database connection (db.h db_open()). */
struct db_config {
	const char	*host;		/* NULL or "" with socket: unix socket;
					   else one or more "host[:port]",
					   separated by commas or spaces */
	unsigned	 port;		/* a host's without its own */
	const char	*socket;	/* one or more paths, likewise */
	const char	*user;
	const char	*password;
	const char	*name;
	unsigned	 timeout;	/* seconds a read, write or statement may
					   take; 0: none (kaquanctl) */
	int		 spread;	/* each process starts at its own server
					   of the list (by pid), not the first */
	int		 ssl_mode;	/* enum db_ssl_mode: TLS over TCP */
	const char	*ssl_ca;	/* the CA file that signed the servers'
					   certificates (verify_identity) */
};

/* TLS to the servers of db_host (SPEC §7: Galera nodes on other hosts):
 * none; required (encrypted, any certificate); verify_identity (the
 * certificate signed by ssl_ca and naming the host connected to). */
enum db_ssl_mode { DB_SSL_DISABLED, DB_SSL_REQUIRED, DB_SSL_VERIFY_IDENTITY,
	DB_SSL__MAX };
extern const char *const db_ssl_mode_names[];

struct config {
	char		*listen;	/* unix socket path or host:port; NULL: fd 0 */
	int		 workers;
	int		 backlog;
	char		*templates;
	char		*sql_dir;
	char		*display_tz;
	int		 cookie_secure;
	int		 session_idle_minutes;
	int		 session_absolute_hours;
	int		 session_cache_seconds;	/* auth.c: kept member sessions */
	int		 max_requests;	/* a worker re-execs after N; 0: never */
	char		*log_file;	/* NULL: stderr (the journal) */
	char		*status_path;	/* the operators' page; NULL: none */
	char		*status_allow;	/* client addresses it answers */
	int		 access_log;	/* a line per request */
	char		*checkout_url;	/* the host platform's checkout (SPEC §7) */
	int		 demo_payments;	/* the member's pay stands in for it */
	int		 check_views;	/* log a template's missing values */
	char		*api_seal_key;	/* 64 hex digits: the API keys' secrets
					   are sealed with it; NULL: no API */
	char		*code_key;	/* 64 hex digits: codes at rest
					   (codekey.h) */
	char		*code_key_previous;	/* the one before, while
						   kaquanctl codes rekey runs */
	int		 hash_concurrency;	/* password hashes at once in the
						   worker set; -1: workers / 2 */
	int		 report_lag;	/* seconds a row waits before the
					   reports' rollup reads it (report.c) */
	/* SPEC §11: an issue, a Type I or a batch whose total is above
	 * this (cents) waits for a second admin; 0: no approval */
	long long	 approval_cap;
	struct db_config db;
};

/* 0, or -1 with "file:line: message" in err. */
int	config_load(const char *path, struct config *, char *err, size_t errsz);
void	config_free(struct config *);

#endif
