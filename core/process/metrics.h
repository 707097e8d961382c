/*
 * metrics.h - what the operator's status page and metrics show: counters
 * every worker adds to in a page the master maps before it forks (as
 * shared.h's), so they are the worker set's, across generations and
 * restarts.  A process that never calls metrics_init() (kaquanctl, the unit
 * tests) counts for itself.  Only atomics: nothing a dying worker could
 * leave locked.
 */
#ifndef KQ_METRICS_H
#define KQ_METRICS_H

#include <stdio.h>
#include <time.h>

#define METRICS_WORKERS	256

/* Route groups, by the route's first segment. */
enum metric_group { MG_MEMBER, MG_PARTNER, MG_ADMIN, MG_API, MG_PUBLIC, MG__MAX };
extern const char *const metric_group_names[];

/* Counters of events that are not a request's status. */
enum metric_event { ME_DB_ERRORS, ME__MAX };

/* The master, before the first fork: 0, or -1 (each worker counts alone). */
int	metrics_init(int workers);
/* The master: how many workers the configuration asks for (a reload), and
 * that a worker died (its row is freed; replaced: a restart). */
void	metrics_workers(int n);
void	metrics_worker_died(int pid, int replaced);

/* A worker: its row (at start; -1 when the table is full), busy or idle,
 * and gone (at exit). */
int	metrics_worker_start(void);
void	metrics_worker_busy(int row, int busy);
void	metrics_worker_end(int row);

/* A request answered: its route (NULL: none), method, status and time. */
void	metrics_request(const char *route, const char *method, int status,
	    long long microseconds);
void	metrics_event(enum metric_event);

/* The status page: php-fpm's plain text, JSON (Jansson), or Prometheus's
 * text format; written with fn (reply_write's shape). */
enum metrics_format { MF_TEXT, MF_JSON, MF_PROMETHEUS };
int	metrics_write(enum metrics_format, int (*fn)(void *, const char *, size_t),
	    void *ctx);

#endif
