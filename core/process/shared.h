/*
 * shared.h - what the workers of one master share: one page of memory the
 * master maps before it forks them (MAP_SHARED | MAP_ANONYMOUS), so every
 * generation sees the same page.  A process that never calls shared_init()
 * (kaquanctl, the unit tests) gets a private page instead: the same code
 * works, for one process.
 *
 * Three things live there:
 *   - the password-hash gate: at most N yescrypt hashes at once in the whole
 *     worker set, so failing logins cannot take every worker from the other
 *     pages (a login that finds the gate full is answered "busy" at once);
 *   - the database's state: when a worker cannot connect, the others stop
 *     trying (one of them probes once a second) and answer 503 at once, and
 *     the outage is logged once, with a count, when it starts and ends;
 *   - the sessions' epoch: a logout here bumps it, and every worker drops
 *     the sessions it keeps (auth.c) before its next request.
 */
#ifndef KQ_SHARED_H
#define KQ_SHARED_H

#include <stdint.h>
#include <time.h>

#define GATE_MAX	64

/* The master, before the first fork: 0, or -1 (then each worker is alone). */
int	shared_init(void);

/* The gate's width for this process (from the configuration; 0: no gate). */
void	gate_width(int);
/* A slot to hash in, or -1 when all are taken (by live processes). */
int	gate_enter(void);
void	gate_leave(int slot);

/* Whether the database is known down; when it is, *probe says whether
 * this process should try to reconnect now (at most one a second). */
int	outage_active(int *probe);
/* A connect failed: starts an outage; 1 when this call started it (log). */
int	outage_begin(void);
/* A connect succeeded: ends an outage; 1 with its length and the refused
 * requests when this call ended it (log). */
int	outage_end(double *seconds, long long *refused);
/* A request answered 503 because of the outage. */
void	outage_refused(void);
/* How many outages have begun: a connection made before the last one is
 * not trusted after it (the server may have restarted under it). */
long long outage_epoch(void);

/* How many times a session has been ended by a worker of this set. */
long long sessions_epoch(void);
void	sessions_ended(void);

#endif
