/* test_codekey.c - codes at rest: keys and versions, look-up hashes under
 * the current and the previous key, blocks sealed and opened only as what
 * they are (against the test database), and the random pool across fork. */
#include <sys/wait.h>

#include <limits.h>

#include "base/codes.h"
#include "dbtest.h"

#define KEY_A	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY_B	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f"

static void
keys_and_versions(void **state)
{
	unsigned char	a1[CODE_HASH_LEN], a2[CODE_HASH_LEN], b1[CODE_HASH_LEN],
			b2[CODE_HASH_LEN];
	struct code_kept k;
	char		err[200];
	unsigned	va;
	(void)state;

	assert_int_equal(codekey_init(NULL, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "code_key"));
	assert_int_equal(codekey_init("abcd", NULL, err, sizeof(err)), -1);
	assert_int_equal(codekey_init(KEY_A, KEY_A, err, sizeof(err)), -1);
	assert_false(codekey_ready());

	assert_int_equal(codekey_init(KEY_A, NULL, err, sizeof(err)), 0);
	va = codekey_version();
	assert_true(va != 0);
	assert_int_equal(codekey_previous_version(), 0);
	code_hashes("123456789012345678", a1, a2);
	assert_memory_equal(a1, a2, CODE_HASH_LEN);	/* no previous: twice */
	code_keep("123456789012345678", &k);
	assert_memory_equal(k.hash, a1, CODE_HASH_LEN);
	assert_string_equal(k.last4, "5678");
	assert_int_equal(k.version, va);

	/* a new key: another version, and the old one's hashes still found */
	assert_int_equal(codekey_init(KEY_B, KEY_A, err, sizeof(err)), 0);
	assert_true(codekey_version() != va);
	assert_int_equal(codekey_previous_version(), va);
	code_hashes("123456789012345678", b1, b2);
	assert_memory_not_equal(b1, a1, CODE_HASH_LEN);
	assert_memory_equal(b2, a1, CODE_HASH_LEN);
	code_hashes("123456789012345679", b1, b2);	/* another code: another hash */
	assert_memory_not_equal(b2, a1, CODE_HASH_LEN);

	/* the test database's key again, for the tests after */
	assert_int_equal(codekey_init(tcfg.code_key, NULL, err, sizeof(err)), 0);
}

/* A forked child draws other bytes than its parent (the pool empties). */
static void
the_pool_is_the_process_s(void **state)
{
	unsigned char	mine[16], theirs[16];
	int		fds[2], st;
	pid_t		pid;
	(void)state;

	assert_int_equal(random_pooled(mine, 1), 0);	/* the pool is filled */
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		if (random_pooled(theirs, sizeof(theirs)) < 0 ||
		    write(fds[1], theirs, sizeof(theirs)) != sizeof(theirs))
			_exit(1);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(random_pooled(mine, sizeof(mine)), 0);
	assert_int_equal(read(fds[0], theirs, sizeof(theirs)), sizeof(theirs));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_memory_not_equal(mine, theirs, sizeof(mine));
	close(fds[0]);
	close(fds[1]);
}

/* Codes of one owner sealed as blocks of CODE_BLOCK; each opens, and only
 * as what it was sealed as. */
static void
blocks_open_only_as_themselves(void **state)
{
	size_t			 n = CODE_BLOCK + 5, i, nb;
	long long		*ids = calloc(n, sizeof(*ids)), owner = unique();
	char			*codes = calloc(n, VCODE_LEN + 1);
	struct code_block	*b;
	struct db_arg		 x = DB_INT(owner);
	(void)state;

	for (i = 0; i < n; i++) {
		ids[i] = 1000 + 2 * (long long)i;	/* gaps are fine */
		assert_int_equal(vcode_generate(codes + i * (VCODE_LEN + 1)), 0);
	}
	assert_int_equal(code_seal(tdb, CK_VOUCHER, owner, ids, codes, n), KQ_OK);
	assert_int_equal(code_blocks(tdb, &ta, CK_VOUCHER, owner, 0, LLONG_MAX,
	    &b, &nb), KQ_OK);
	assert_int_equal(nb, 2);
	assert_int_equal(b[1].first_id, ids[CODE_BLOCK]);
	for (i = 0; i < nb; i++)
		assert_int_equal(code_block_load(tdb, &ta, CK_VOUCHER, owner, &b[i]),
		    KQ_OK);
	for (i = 0; i < n; i++)
		assert_string_equal(code_find(b, nb, ids[i]), codes + i * (VCODE_LEN + 1));
	assert_null(code_find(b, nb, 1001));	/* not one of them */
	/* the range asked for: the second block alone */
	assert_int_equal(code_blocks(tdb, &ta, CK_VOUCHER, owner, ids[n - 1],
	    ids[n - 1], &b, &nb), KQ_OK);
	assert_int_equal(nb, 1);

	/* a block moved to another owner, or read as the other kind, does not
	 * open: the kind, owner and range are sealed with it */
	assert_int_equal(code_blocks(tdb, &ta, CK_CARD, owner, 0, LLONG_MAX, &b,
	    &nb), KQ_OK);
	assert_int_equal(nb, 0);
	assert_int_equal(db_exec(tdb, "UPDATE code_seals SET owner = owner + 1"
	    " WHERE kind = 'voucher' AND owner = ?", &x, 1, NULL, NULL), KQ_OK);
	x = DB_INT(owner + 1);
	assert_int_equal(code_blocks(tdb, &ta, CK_VOUCHER, owner + 1, 0, LLONG_MAX,
	    &b, &nb), KQ_OK);
	assert_int_equal(nb, 2);
	assert_int_equal(code_block_load(tdb, &ta, CK_VOUCHER, owner + 1, &b[0]),
	    KQ_UNAVAILABLE);
	assert_int_equal(db_exec(tdb, "DELETE FROM code_seals WHERE kind = 'voucher'"
	    " AND owner = ?", &x, 1, NULL, NULL), KQ_OK);
	free(ids);
	free(codes);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_and_versions),
		cmocka_unit_test(the_pool_is_the_process_s),
		cmocka_unit_test(blocks_open_only_as_themselves),
	};
	return cmocka_run_group_tests_name("codekey", tests, db_setup, db_teardown);
}
