/*
 * stats.h - what the operator's status page and metrics show: counters
 * every worker adds to in a page the master maps before it forks (as
 * shared.h's), so they are the worker set's, across generations and
 * restarts.  A process that never calls stats_init() (kaquanctl, the unit
 * tests) counts for itself.  Only atomics: nothing a dying worker could
 * leave locked.
 */
#ifndef KQ_STATS_H
#define KQ_STATS_H

#include <stdio.h>
#include <time.h>

#define STATS_WORKERS	256

/* Route groups, by the route's first segment. */
enum stat_group { SG_MEMBER, SG_PARTNER, SG_ADMIN, SG_API, SG_PUBLIC, SG__MAX };
extern const char *const stat_group_names[];

/* Counters of events that are not a request's status. */
enum stat_event { SE_DB_ERRORS, SE__MAX };

/* The master, before the first fork: 0, or -1 (each worker counts alone). */
int	stats_init(int workers);
/* The master: how many workers the configuration asks for (a reload), and
 * that a worker died (its row is freed; replaced: a restart). */
void	stats_workers(int n);
void	stats_worker_died(int pid, int replaced);

/* A worker: its row (at start; -1 when the table is full), busy or idle,
 * and gone (at exit). */
int	stats_worker_start(void);
void	stats_worker_busy(int row, int busy);
void	stats_worker_end(int row);

/* A request answered: its route (NULL: none), method, status and time. */
void	stats_request(const char *route, const char *method, int status,
	    long long microseconds);
void	stats_event(enum stat_event);

/* The status page: php-fpm's plain text, JSON (Jansson), or Prometheus's
 * text format; written with fn (out_write's shape). */
enum stats_format { SF_TEXT, SF_JSON, SF_PROMETHEUS };
int	stats_write(enum stats_format, int (*fn)(void *, const char *, size_t),
	    void *ctx);

#endif
