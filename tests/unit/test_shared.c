/* test_shared.c - the hash gate and the outage state the workers share. */
#include <sys/wait.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>

#include "process/shared.h"

static int
setup(void **state)
{
	(void)state;
	return shared_init();
}

static void
gate_bounds_hashes_across_processes(void **state)
{
	int	a, b, slot, status;
	pid_t	pid;
	(void)state;

	gate_width(2);
	a = gate_enter();
	b = gate_enter();
	assert_true(a >= 0 && b >= 0 && a != b);
	assert_int_equal(gate_enter(), -1);	/* full: busy, not a queue */
	gate_leave(a);
	assert_int_equal((slot = gate_enter()), a);
	gate_leave(slot);
	gate_leave(b);

	/* another process of the set takes both and dies holding them ... */
	if ((pid = fork()) == 0) {
		int x = gate_enter(), y = gate_enter();
		_exit(x >= 0 && y >= 0 && gate_enter() == -1 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	/* ... and its slots come back */
	a = gate_enter();
	b = gate_enter();
	assert_true(a >= 0 && b >= 0);
	gate_leave(a);
	gate_leave(b);

	gate_width(0);			/* no gate */
	assert_true(gate_enter() >= 0);
}

static void
outage_logged_once_and_probed_once_a_second(void **state)
{
	double		seconds;
	long long	refused;
	int		probe;

	long long	epoch = outage_epoch();
	(void)state;

	assert_int_equal(outage_active(&probe), 0);
	assert_int_equal(outage_begin(), 1);	/* the first failure logs */
	assert_int_equal(outage_epoch(), epoch + 1);	/* older connections go */
	assert_int_equal(outage_begin(), 0);	/* the others do not */
	assert_int_equal(outage_epoch(), epoch + 1);
	assert_int_equal(outage_active(&probe), 1);
	assert_int_equal(probe, 0);		/* just tried */
	outage_refused();
	outage_refused();
	usleep(1100 * 1000);
	assert_int_equal(outage_active(&probe), 1);
	assert_int_equal(probe, 1);		/* one process tries ... */
	assert_int_equal(outage_active(&probe), 1);
	assert_int_equal(probe, 0);		/* ... not two */
	assert_int_equal(outage_end(&seconds, &refused), 1);
	assert_true(seconds >= 1.0);
	assert_int_equal(refused, 2);
	assert_int_equal(outage_end(&seconds, &refused), 0);
	assert_int_equal(outage_active(&probe), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gate_bounds_hashes_across_processes),
		cmocka_unit_test(outage_logged_once_and_probed_once_a_second),
	};
	return cmocka_run_group_tests_name("shared", tests, setup, NULL);
}
