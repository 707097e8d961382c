/*
 * shared.c - the page the worker set shares (see shared.h).
 *
 * Only C11 atomics on plain integers: no locks a dying worker could leave
 * held.  A gate slot holds the pid of the process hashing in it; a slot
 * whose process has died is taken back when the gate is full.
 */
#include <sys/mman.h>

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "process/shared.h"

struct shared {
	_Atomic int		 gate[GATE_MAX];	/* pid, 0: free */
	_Atomic long long	 down_since_ms;		/* 0: up */
	_Atomic long long	 probe_at_ms;		/* last reconnect try */
	_Atomic long long	 refused;
	_Atomic long long	 epoch;		/* outages so far */
	_Atomic long long	 sessions;	/* sessions ended so far */
};

static struct shared	 private_page;
static struct shared	*sh = &private_page;
static int		 width;

int
shared_init(void)
{
	void *p = mmap(NULL, sizeof(struct shared), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	memset(p, 0, sizeof(struct shared));
	sh = p;
	return 0;
}

void
gate_width(int n)
{
	width = n < 0 ? 0 : n > GATE_MAX ? GATE_MAX : n;
}

static int
gate_take(int i, int from)
{
	int want = from;

	return atomic_compare_exchange_strong(&sh->gate[i], &want, (int)getpid());
}

int
gate_enter(void)
{
	int i, pid;

	if (width == 0)
		return GATE_MAX;	/* no gate: a slot that is never a real one */
	for (i = 0; i < width; i++)
		if (gate_take(i, 0))
			return i;
	/* full: a holder that died (killed mid-hash) gives its slot back */
	for (i = 0; i < width; i++)
		if ((pid = atomic_load(&sh->gate[i])) != 0 &&
		    kill(pid, 0) < 0 && errno == ESRCH && gate_take(i, pid))
			return i;
	return -1;
}

void
gate_leave(int slot)
{
	if (slot >= 0 && slot < GATE_MAX)
		atomic_store(&sh->gate[slot], 0);
}

int
outage_active(int *probe)
{
	long long now = clock_mono_ms(), last;

	*probe = 0;
	if (atomic_load(&sh->down_since_ms) == 0)
		return 0;
	last = atomic_load(&sh->probe_at_ms);
	if (now - last >= 1000)
		*probe = atomic_compare_exchange_strong(&sh->probe_at_ms, &last, now);
	return 1;
}

int
outage_begin(void)
{
	long long zero = 0, now = clock_mono_ms();

	atomic_store(&sh->probe_at_ms, now);
	if (!atomic_compare_exchange_strong(&sh->down_since_ms, &zero, now))
		return 0;
	atomic_store(&sh->refused, 0);
	atomic_fetch_add(&sh->epoch, 1);
	return 1;
}

long long
outage_epoch(void)
{
	return atomic_load(&sh->epoch);
}

int
outage_end(double *seconds, long long *refused)
{
	long long since = atomic_load(&sh->down_since_ms);

	if (since == 0 ||
	    !atomic_compare_exchange_strong(&sh->down_since_ms, &since, 0))
		return 0;
	*seconds = (double)(clock_mono_ms() - since) / 1000.0;
	*refused = atomic_load(&sh->refused);
	return 1;
}

void
outage_refused(void)
{
	atomic_fetch_add(&sh->refused, 1);
}

long long
sessions_epoch(void)
{
	return atomic_load(&sh->sessions);
}

void
sessions_ended(void)
{
	atomic_fetch_add(&sh->sessions, 1);
}
