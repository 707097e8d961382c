/*
 * config.c - the configuration file parser.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"

const char *const db_ssl_mode_names[] = { "disabled", "required",
	"verify_identity", NULL };

enum ckind { C_STR, C_INT, C_CHOICE, C_CENTS };

struct ckey {
	const char		*name;
	enum ckind		 kind;
	size_t			 off;
	long			 min, max;
	const char *const	*choices;	/* C_CHOICE: the words, by value */
};

#define S(name, field)		{ name, C_STR, offsetof(struct config, field), 0, 0, NULL }
#define I(name, field, lo, hi)	{ name, C_INT, offsetof(struct config, field), lo, hi, NULL }
#define M(name, field, hi)	{ name, C_CENTS, offsetof(struct config, field), 0, hi, NULL }
#define W(name, field, words)	{ name, C_CHOICE, offsetof(struct config, field), 0, 0, words }

static const struct ckey keys[] = {
	S("listen", listen),
	I("workers", workers, 1, 256),
	I("backlog", backlog, 1, 65535),
	S("templates", templates),
	S("sql_dir", sql_dir),
	S("display_tz", display_tz),
	I("cookie_secure", cookie_secure, 0, 1),
	I("session_idle_minutes", session_idle_minutes, 1, 24 * 60),
	I("session_absolute_hours", session_absolute_hours, 1, 24 * 30),
	I("session_cache_seconds", session_cache_seconds, 0, 60),
	I("max_requests", max_requests, 0, INT_MAX),
	S("db_host", db.host),
	I("db_port", db.port, 0, 65535),
	S("db_socket", db.socket),
	S("db_user", db.user),
	S("db_password", db.password),
	S("db_name", db.name),
	I("db_timeout", db.timeout, 1, 3600),
	I("db_spread", db.spread, 0, 1),
	W("db_ssl_mode", db.ssl_mode, db_ssl_mode_names),
	S("db_ssl_ca", db.ssl_ca),
	I("hash_concurrency", hash_concurrency, 0, 64),
	S("api_seal_key", api_seal_key),
	S("code_key", code_key),
	S("code_key_previous", code_key_previous),
	S("log_file", log_file),
	S("status_path", status_path),
	S("status_allow", status_allow),
	I("access_log", access_log, 0, 1),
	S("checkout_url", checkout_url),
	I("demo_payments", demo_payments, 0, 1),
	I("check_views", check_views, 0, 1),
	I("report_lag", report_lag, 0, 3600),
	/* cents, up to ¥100,000,000,000: a 64-bit amount */
	M("approval_cap", approval_cap, 10000000000000LL),
};

static void
defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->workers = 4;
	c->backlog = 1024;
	c->session_idle_minutes = 30;
	c->session_absolute_hours = 12;
	c->session_cache_seconds = 5;
	c->report_lag = 30;
	c->templates = strdup("templates");
	c->sql_dir = strdup("sql");
	c->display_tz = strdup("Asia/Shanghai");
	c->db.user = strdup("kaquan");
	c->db.name = strdup("kaquan");
	c->db.timeout = 5;
	c->hash_concurrency = -1;	/* half the workers, at least one */
	c->access_log = 1;
	c->approval_cap = 5000000;	/* ¥50,000 (SPEC §11) */
	c->status_allow = strdup("127.0.0.1 ::1");
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
config_load(const char *path, struct config *c, char *err, size_t errsz)
{
	FILE	*f;
	char	 line[1024], *k, *v, *eq, *end;
	int	 lineno = 0;
	size_t	 i;
	long	 n;

	defaults(c);
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		k = trim(line);
		if (*k == '#' || *k == '\0')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			snprintf(err, errsz, "%s:%d: expected key = value", path, lineno);
			goto fail;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(keys[i].name, k) == 0)
				break;
		if (i == sizeof(keys) / sizeof(keys[0])) {
			snprintf(err, errsz, "%s:%d: unknown key \"%s\"", path, lineno, k);
			goto fail;
		}
		if (keys[i].kind == C_STR) {
			char **dst = (char **)((char *)c + keys[i].off);
			free(*dst);
			if ((*dst = strdup(v)) == NULL) {
				snprintf(err, errsz, "out of memory");
				goto fail;
			}
			continue;
		}
		if (keys[i].kind == C_CHOICE) {
			int w;

			for (w = 0; keys[i].choices[w] != NULL &&
			    strcmp(keys[i].choices[w], v) != 0; w++)
				;
			if (keys[i].choices[w] == NULL) {
				size_t at = (size_t)snprintf(err, errsz,
				    "%s:%d: %s must be one of", path, lineno, k);

				for (w = 0; keys[i].choices[w] != NULL && at < errsz; w++)
					at += (size_t)snprintf(err + at, errsz - at,
					    "%s %s", w ? "," : "", keys[i].choices[w]);
				goto fail;
			}
			*(int *)((char *)c + keys[i].off) = w;
			continue;
		}
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno || n < keys[i].min ||
		    n > keys[i].max) {
			snprintf(err, errsz, "%s:%d: %s must be a number from %ld to %ld",
			    path, lineno, k, keys[i].min, keys[i].max);
			goto fail;
		}
		if (keys[i].kind == C_CENTS)
			*(long long *)((char *)c + keys[i].off) = n;
		else if (strcmp(k, "db_port") == 0 || strcmp(k, "db_timeout") == 0)
			*(unsigned *)((char *)c + keys[i].off) = (unsigned)n;
		else
			*(int *)((char *)c + keys[i].off) = (int)n;
	}
	fclose(f);
	if (c->api_seal_key != NULL && (strlen(c->api_seal_key) != 64 ||
	    strspn(c->api_seal_key, "0123456789abcdefABCDEF") != 64)) {
		snprintf(err, errsz, "%s: api_seal_key must be 64 hex digits"
		    " (32 random bytes)", path);
		config_free(c);
		return -1;
	}
	if (c->checkout_url != NULL && strncmp(c->checkout_url, "https://", 8) != 0 &&
	    strncmp(c->checkout_url, "http://", 7) != 0) {
		snprintf(err, errsz, "%s: checkout_url must be an http(s) URL", path);
		config_free(c);
		return -1;
	}
	if (c->hash_concurrency < 0)
		c->hash_concurrency = c->workers > 1 ? c->workers / 2 : 1;
	return 0;
fail:
	fclose(f);
	config_free(c);
	return -1;
}

void
config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].kind == C_STR) {
			char **p = (char **)((char *)c + keys[i].off);
			free(*p);
			*p = NULL;
		}
}
