/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Error table: distinct exit codes, messages present, translations loaded. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "carefile/error.h"
#include "carefile/i18n.h"

static void
test_exit_codes_distinct(void **state)
{
	(void)state;
	for (int a = 0; a < CF_ERR__COUNT; a++)
		for (int b = a + 1; b < CF_ERR__COUNT; b++)
			assert_int_not_equal(cf_exit_code(a), cf_exit_code(b));
	assert_int_equal(cf_exit_code(CF_OK), 0);
	assert_int_equal(cf_exit_code(CF_ERR_AUTH), 3);
	assert_int_equal(cf_exit_code(9999), 1);
	assert_string_equal(cf_error_name(CF_ERR_IN_USE), "CF_ERR_IN_USE");
}

static void
test_messages_translated(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "zh_CN.UTF-8"))
		skip();
	cf_i18n_init();
	assert_string_equal(cf_strerror(CF_ERR_AUTH), "口令错误或用户不存在");
	setlocale(LC_ALL, "C.UTF-8");
	assert_string_equal(cf_strerror(CF_ERR_AUTH), "Wrong passphrase or no such user");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes_distinct),
		cmocka_unit_test(test_messages_translated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
