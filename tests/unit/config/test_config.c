/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the configuration file parser (lock_after) and the XDG default paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carefile/config.h"

static char tmpdir[] = "/tmp/cf-config-test.XXXXXX";

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *
tmp_path(const char *name)
{
	static char buf[256];

	snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
	return buf;
}

static void
test_defaults(void **state)
{
	struct cf_config c = { .lock_after_seconds = -5, .privacy_mode = 7 };

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.lock_after_seconds, 300);
	assert_int_equal(c.privacy_mode, 0);
}

static void
test_load_values(void **state)
{
	struct cf_config c;
	int bad = -1;
	char *p = tmp_path("ok");

	(void)state;
	config_defaults(&c);
	write_file(p, "# carefile\n\n   lock_after   =   45  \n");
	assert_int_equal(config_load(p, &c, &bad), CF_OK);
	assert_int_equal(c.lock_after_seconds, 45);
	assert_int_equal(bad, 0);
	write_file(p, "lock_after=0\n");
	assert_int_equal(config_load(p, &c, NULL), CF_OK);
	assert_int_equal(c.lock_after_seconds, 0);
	write_file(p, "lock_after = 86400"); /* no final newline, the maximum */
	assert_int_equal(config_load(p, &c, NULL), CF_OK);
	assert_int_equal(c.lock_after_seconds, 86400);
}

static void
test_load_bad(void **state)
{
	static const char *const bad_texts[] = {
		"lock_after = 10\nlock_afer = 20\n", /* typo in a key: line 2 */
		"lock_after = 10\nlock_after = 5m\n",
		"lock_after = 10\nlock_after = -1\n",
		"lock_after = 10\nlock_after = 86401\n",
		"lock_after = 10\nlock_after =\n",
		"lock_after = 10\njust words\n",
	};
	char *p = tmp_path("bad");

	(void)state;
	for (size_t i = 0; i < sizeof bad_texts / sizeof bad_texts[0]; i++) {
		struct cf_config c;
		int bad = 0;

		config_defaults(&c);
		write_file(p, bad_texts[i]);
		assert_int_equal(config_load(p, &c, &bad), CF_ERR_INVALID);
		assert_int_equal(bad, 2);
		/* the line before the bad one was applied, nothing after it */
		assert_int_equal(c.lock_after_seconds, 10);
	}
}

static void
test_load_missing(void **state)
{
	struct cf_config c;

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_load(tmp_path("none/config"), &c, NULL), CF_ERR_NOT_FOUND);
	assert_int_equal(c.lock_after_seconds, 300);
}

static void
test_paths(void **state)
{
	char *p;

	(void)state;
	setenv("XDG_CONFIG_HOME", "/x/conf", 1);
	setenv("XDG_DATA_HOME", "/x/data", 1);
	setenv("HOME", "/home/u", 1);
	p = config_file_path();
	assert_string_equal(p, "/x/conf/carefile/config");
	free(p);
	p = config_default_casefile_path();
	assert_string_equal(p, "/x/data/carefile/casefile.carefile");
	free(p);
	/* relative XDG values are ignored (XDG base directory spec) */
	setenv("XDG_CONFIG_HOME", "conf", 1);
	unsetenv("XDG_DATA_HOME");
	p = config_file_path();
	assert_string_equal(p, "/home/u/.config/carefile/config");
	free(p);
	p = config_default_casefile_path();
	assert_string_equal(p, "/home/u/.local/share/carefile/casefile.carefile");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_null(config_file_path());
	assert_null(config_default_casefile_path());
}

static void
test_make_parent_dirs(void **state)
{
	char file[256], dir[256];
	struct stat sb;

	(void)state;
	snprintf(file, sizeof file, "%s/a/b/casefile.carefile", tmpdir);
	assert_int_equal(config_make_parent_dirs(file), CF_OK);
	snprintf(dir, sizeof dir, "%s/a/b", tmpdir);
	assert_int_equal(stat(dir, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0700);
	assert_int_not_equal(stat(file, &sb), 0); /* the file itself is not made */
	/* again: nothing to do */
	assert_int_equal(config_make_parent_dirs(file), CF_OK);
	/* a file in the way */
	snprintf(file, sizeof file, "%s/ok/x.carefile", tmpdir);
	write_file(tmp_path("ok"), "x");
	assert_int_equal(config_make_parent_dirs(file), CF_ERR_IO);
	rmdir(dir);
	snprintf(dir, sizeof dir, "%s/a", tmpdir);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_load_values),
		cmocka_unit_test(test_load_bad),
		cmocka_unit_test(test_load_missing),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_make_parent_dirs),
	};
	int rc;

	umask(022);
	if (!mkdtemp(tmpdir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(tmp_path("ok"));
	unlink(tmp_path("bad"));
	rmdir(tmpdir);
	return rc;
}
