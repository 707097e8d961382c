/* test_i18n.c - the catalog, the language a request gets, money and dates
 * per language (issue 9). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/clock.h"
#include "base/i18n.h"
#include "base/money.h"

static char dir[64];

static void
catalog(const char *text)
{
	char	 path[128];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/i18n/en.tsv", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
language_of_a_request(void **state)
{
	(void)state;
	assert_int_equal(lang_choose(NULL, NULL), LANG_ZH);
	assert_int_equal(lang_choose(NULL, "en-US,en;q=0.9"), LANG_EN);
	assert_int_equal(lang_choose(NULL, "zh-CN,zh;q=0.9,en;q=0.8"), LANG_ZH);
	assert_int_equal(lang_choose(NULL, "en;q=0.5, zh-TW;q=0.8"), LANG_ZH);
	assert_int_equal(lang_choose(NULL, "fr-FR,de;q=0.9"), LANG_ZH);
	assert_int_equal(lang_choose(NULL, "eng,english"), LANG_ZH);
	assert_int_equal(lang_choose(NULL, "fr, en-GB;q=0.3"), LANG_EN);
	/* the switch's cookie wins; an unknown value is ignored */
	assert_int_equal(lang_choose("en", "zh-CN"), LANG_EN);
	assert_int_equal(lang_choose("zh-CN", "en"), LANG_ZH);
	assert_int_equal(lang_choose("xx", "en"), LANG_EN);
}

static void
catalog_loads_and_refuses_mistakes(void **state)
{
	char err[512];
	(void)state;

	catalog("# comment\n我的代金券\tMy Vouchers\n%d 个月\t%d months\n");
	assert_int_equal(i18n_load(dir, err, sizeof(err)), 0);
	assert_string_equal(i18n_find(LANG_EN, "我的代金券"), "My Vouchers");
	assert_null(i18n_find(LANG_EN, "没有"));
	assert_string_equal(i18n_find(LANG_ZH, "没有"), "没有");
	i18n_set(LANG_EN);
	assert_string_equal(L("%d 个月"), "%d months");
	assert_string_equal(L("没有"), "没有");	/* falls back to the Chinese */
	i18n_set(LANG_ZH);
	assert_string_equal(L("我的代金券"), "我的代金券");
	/* a translation that changes the conversions would crash a printf */
	catalog("%d 个月\t%s months\n");
	assert_int_equal(i18n_load(dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "en.tsv:1:"));
	catalog("%s 至 %s\t%s to\n");
	assert_int_equal(i18n_load(dir, err, sizeof(err)), -1);
	catalog("一\tone\n一\tuno\n");
	assert_int_equal(i18n_load(dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "twice"));
	catalog("no tab here\n");
	assert_int_equal(i18n_load(dir, err, sizeof(err)), -1);
	/* plurals (issue 31): "one|other", each form keeping the conversions */
	catalog("%d 个月\t%d month|%d months\n共 %s 条\t%s items\n");
	assert_int_equal(i18n_load(dir, err, sizeof(err)), 0);
	i18n_set(LANG_EN);
	assert_string_equal(Ln("%d 个月", 1), "%d month");
	assert_string_equal(Ln("%d 个月", 2), "%d months");
	assert_string_equal(Ln("%d 个月", 0), "%d months");
	assert_string_equal(L("%d 个月"), "%d months");
	assert_string_equal(Ln("共 %s 条", 1), "%s items");	/* no one form */
	i18n_set(LANG_ZH);
	assert_string_equal(Ln("%d 个月", 1), "%d 个月");
	/* a context: the same Chinese with other English where it stands */
	catalog("代金券\tVouchers\n对象|代金券\tVoucher\n");
	assert_int_equal(i18n_load(dir, err, sizeof(err)), 0);
	i18n_set(LANG_EN);
	assert_string_equal(Lc("对象", "代金券"), "Voucher");
	assert_string_equal(Lc("菜单", "代金券"), "Vouchers");
	i18n_set(LANG_ZH);
	assert_string_equal(Lc("对象", "代金券"), "代金券");
	catalog("%d 个月\t%d month|%s months\n");
	assert_int_equal(i18n_load(dir, err, sizeof(err)), -1);
	i18n_free();
}

static void
money_and_dates_per_language(void **state)
{
	char b[64];
	(void)state;

	clock_init("Asia/Shanghai");
	i18n_set(LANG_EN);
	money_format(123456, b, sizeof(b));	assert_string_equal(b, "CNY 1,234.56");
	money_format(-150, b, sizeof(b));	assert_string_equal(b, "-CNY 1.50");
	clock_words(1795389360, 1, b, sizeof(b));	/* 2026-11-22 23:16 UTC */
	assert_string_equal(b, "23 Nov 2026 07:16");
	clock_words(1795389360, 0, b, sizeof(b));
	assert_string_equal(b, "23 Nov 2026");
	i18n_set(LANG_ZH);
	money_format(123456, b, sizeof(b));	assert_string_equal(b, "¥1,234.56");
	clock_words(1795389360, 1, b, sizeof(b));
	assert_string_equal(b, "2026-11-23 07:16");
}

static void
project_catalog_loads(void **state)
{
	char err[512];
	(void)state;

	if (i18n_load("templates", err, sizeof(err)) < 0)
		fail_msg("%s", err);
	assert_string_equal(i18n_find(LANG_EN, "我的代金券"), "My Vouchers");
	i18n_free();
}

static int
setup(void **state)
{
	char cmd[128];
	(void)state;
	strcpy(dir, "/tmp/kq-i18n-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "mkdir %s/i18n", dir);
	return system(cmd);
}

static int
teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(language_of_a_request),
		cmocka_unit_test(catalog_loads_and_refuses_mistakes),
		cmocka_unit_test(money_and_dates_per_language),
		cmocka_unit_test(project_catalog_loads),
	};
	return cmocka_run_group_tests_name("i18n", tests, setup, teardown);
}
