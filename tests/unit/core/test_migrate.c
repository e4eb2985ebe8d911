/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Older case files (tests/data): nothing written before authentication; then migrated, upgraded, and they pass check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carefile/casefile.h"
#include "carefile/contact.h"
#include "carefile/crypto.h"
#include "carefile/store.h"
#include "carefile/students.h"

static char dir[256];

/* The compartments hotline1's passphrase slot says it holds. */
#define HOTLINE_SLOT_SQL \
	"SELECT compartments FROM keyslot WHERE kind = 'passphrase' AND user_id = (SELECT id FROM user WHERE name = 'hotline1')"

static const char *
testdata(const char *name, char *buf, size_t size)
{
	const char *d = getenv("CAREFILE_TESTDATA");

	snprintf(buf, size, "%s/%s", d ? d : "tests/data", name);
	return buf;
}

/* A copy of fixture name in the test folder, at out. */
static void
copy_fixture(const char *name, char *out, size_t size)
{
	char src[512], cmd[1200];

	snprintf(out, size, "%s/%s", dir, name);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s' && chmod 600 '%s'", testdata(name, src, sizeof src), out, out);
	assert_int_equal(system(cmd), 0);
}

static void
file_hash(const char *p, uint8_t out[CF_HASH_BYTES])
{
	FILE *f = fopen(p, "rb");
	static uint8_t buf[1 << 20];
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	crypto_sha256(buf, n, out);
}

static enum cf_error
open_unlock(const char *p, const char *user, const char *pass, struct cf_casefile **out)
{
	char *s = crypto_secure_alloc(strlen(pass) + 1);
	enum cf_store_reason why;
	enum cf_error e;

	assert_non_null(s);
	memcpy(s, pass, strlen(pass) + 1);
	*out = NULL;
	e = casefile_open(p, out, &why);
	if (e == CF_OK)
		e = casefile_unlock(*out, user, s, strlen(s));
	crypto_secure_free(s);
	return e;
}

static int64_t
sql_int(const char *p, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void
sql_on(const char *p, const char *sql)
{
	sqlite3 *db = NULL;
	char attach[400];

	/* the insider's own copies go to a side database (o.old_contact): the case file's schema stays ours */
	snprintf(attach, sizeof attach, "%s/insider.db", dir);
	assert_int_equal(sqlite3_open(attach, &db), SQLITE_OK); /* created here: ATTACH does not create */
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	snprintf(attach, sizeof attach, "ATTACH '%s/insider.db' AS o", dir);
	assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, attach, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A wrong passphrase (and a user who does not exist) leave the file byte for byte as it was: no migration. */
static void
assert_untouched_by_failed_unlock(const char *p)
{
	uint8_t before[CF_HASH_BYTES], after[CF_HASH_BYTES];
	struct cf_casefile *cf = NULL;
	char wal[600];

	file_hash(p, before);
	assert_int_equal(open_unlock(p, "demo", "not-the-passphrase-at-all", &cf), CF_ERR_AUTH);
	casefile_close(&cf);
	assert_int_equal(open_unlock(p, "nobody", "not-the-passphrase-at-all", &cf), CF_ERR_AUTH);
	casefile_close(&cf);
	file_hash(p, after);
	assert_memory_equal(before, after, sizeof before);
	snprintf(wal, sizeof wal, "%s-wal", p);
	assert_int_not_equal(access(wal, F_OK), 0);
}

static void
test_format_1_fixture(void **state)
{
	char p[512];
	struct cf_casefile *cf = NULL;
	struct cf_students *idx = NULL;
	struct cf_check_report r;
	int64_t v1;

	(void)state;
	copy_fixture("casefile-v1.carefile", p, sizeof p);
	v1 = sql_int(p, "PRAGMA user_version");
	assert_int_equal(v1, 1);
	assert_untouched_by_failed_unlock(p);
	assert_int_equal(sql_int(p, "PRAGMA user_version"), 1);

	assert_int_equal(open_unlock(p, "demo", CF_DEMO_PASSPHRASE, &cf), CF_OK);
	assert_int_equal(store_schema_version(casefile_store(cf)), CF_STORE_SCHEMA_VERSION);
	assert_int_equal(casefile_check(cf, &r), CF_OK);
	assert_string_equal(r.tables[0].table, "student");
	assert_int_equal(r.tables[0].rows, 3);
	assert_int_equal(r.tables[0].authenticated, 3);
	/* its rows hold text of a pre-release version: authentic, with no fields to show */
	assert_int_equal(r.tables[0].opaque, 3);
	assert_int_equal(r.n_failures, 0);
	casefile_check_report_fini(&r);
	assert_int_equal(students_load(cf, &idx), CF_OK);
	assert_int_equal(students_count(idx), 0);
	assert_int_equal(students_damaged(idx), 3);
	students_free(&idx);
	casefile_close(&cf);
	/* upgraded: every row now binds its columns */
	assert_int_equal(sql_int(p, "SELECT count(*) FROM student WHERE version = 1"), 3);
	/*
	 * and the other user opens it as well, with only the keys of its role: the
	 * hotline slot this version sealed held identity too (issue 8, item 5)
	 */
	assert_int_equal(sql_int(p, HOTLINE_SLOT_SQL), CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY) |
	                                               CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE));
	assert_int_equal(open_unlock(p, "hotline1", CF_DEMO_HOTLINE_PASSPHRASE, &cf), CF_OK);
	assert_int_equal(casefile_compartments(cf), CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE));
	assert_int_equal(casefile_check(cf, &r), CF_OK);
	assert_int_equal(r.tables[0].authenticated, 0);
	assert_int_equal(r.tables[0].skipped, 3);
	casefile_check_report_fini(&r);
	assert_int_equal(students_load(cf, &idx), CF_ERR_PERMISSION);
	assert_null(idx);
	casefile_close(&cf);
	/* the slot was re-sealed without identity, and opens again so */
	assert_int_equal(sql_int(p, HOTLINE_SLOT_SQL), CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE));
	assert_int_equal(open_unlock(p, "hotline1", CF_DEMO_HOTLINE_PASSPHRASE, &cf), CF_OK);
	assert_int_equal(casefile_compartments(cf), CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE));
	casefile_close(&cf);
	unlink(p);
}

static size_t
count_contacts(struct cf_casefile *cf, const struct cf_students *idx)
{
	size_t total = 0;

	for (size_t i = 0; i < students_count(idx); i++) {
		struct cf_record_list l;

		assert_int_equal(casefile_record_children(cf, &cf_table_contact, &cf_table_student, students_id(idx, i),
		                                          CF_CONTACT_F_DATE, true, &l), CF_OK);
		assert_int_equal(l.damaged, 0);
		total += l.n;
		casefile_record_list_fini(&l);
	}
	return total;
}

static void
test_format_2_fixture(void **state)
{
	char p[512], csv[512], out[600];
	struct cf_casefile *cf = NULL;
	struct cf_students *idx = NULL;
	struct cf_check_report r;
	struct cf_store_meta m;
	FILE *fp;

	(void)state;
	copy_fixture("casefile-v2.carefile", p, sizeof p);
	assert_int_equal(sql_int(p, "PRAGMA user_version"), 2);
	assert_untouched_by_failed_unlock(p);
	/* keep the old sealing of a contact, to replay it after the upgrade */
	sql_on(p, "CREATE TABLE o.old_contact AS SELECT id, data FROM contact WHERE id = (SELECT min(id) FROM contact)");

	/*
	 * the hotline user first: its slot (sealed by that version) holds identity too, but the
	 * hotline role no longer gives it (issue 8, item 5): it neither reads nor upgrades students
	 */
	assert_int_equal(sql_int(p, HOTLINE_SLOT_SQL), CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY) |
	                                               CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE));
	assert_int_equal(open_unlock(p, "hotline1", CF_DEMO_HOTLINE_PASSPHRASE, &cf), CF_OK);
	assert_int_equal(casefile_compartments(cf), CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE));
	assert_int_equal(students_load(cf, &idx), CF_ERR_PERMISSION);
	assert_null(idx);
	assert_int_equal(store_meta_get(casefile_store(cf), &m), CF_OK);
	assert_int_equal(m.legacy_records, CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY) |
	                                   CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL) |
	                                   CF_COMPARTMENT_BIT(CF_COMPARTMENT_DIRECTORY));
	store_meta_fini(&m);
	casefile_close(&cf);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM student WHERE version = 0"), 30);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM contact WHERE version = 0"), 8);
	/* re-sealed with the keys of its role only */
	assert_int_equal(sql_int(p, HOTLINE_SLOT_SQL), CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE));

	/* then a counselor: students and contacts are upgraded, nothing stays of the old sealing */
	assert_int_equal(open_unlock(p, "demo", CF_DEMO_PASSPHRASE, &cf), CF_OK);
	assert_int_equal(store_meta_get(casefile_store(cf), &m), CF_OK);
	assert_int_equal(m.legacy_records, 0);
	store_meta_fini(&m);
	assert_int_equal(casefile_check(cf, &r), CF_OK);
	assert_int_equal(r.tables[0].authenticated, 30);
	assert_int_equal(r.tables[1].authenticated, 8);
	assert_int_equal(r.tables[0].opaque + r.tables[1].opaque, 0);
	casefile_check_report_fini(&r);
	assert_int_equal(students_load(cf, &idx), CF_OK);
	assert_int_equal(students_count(idx), 30);
	assert_int_equal(students_damaged(idx), 0);
	assert_int_equal(count_contacts(cf, idx), 8);
	/* every field as the old version exported it, byte for byte */
	snprintf(out, sizeof out, "%s/v2-export.csv", dir);
	fp = fopen(out, "wb");
	assert_non_null(fp);
	assert_int_equal(students_export_csv(idx, fp, NULL), CF_OK);
	fclose(fp);
	{
		char cmd[1400];

		snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", out, testdata("casefile-v2-students.csv", csv, sizeof csv));
		assert_int_equal(system(cmd), 0);
	}
	unlink(out);
	students_free(&idx);
	casefile_close(&cf);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM student WHERE version = 1"), 30);
	assert_int_equal(sql_int(p, "SELECT count(*) FROM contact WHERE version = 1"), 8);

	/* the old sealing put back (and the version with it) no longer opens: the header says none is left */
	sql_on(p, "UPDATE contact SET data = (SELECT data FROM o.old_contact), version = 0 "
	          "WHERE id = (SELECT id FROM o.old_contact)");
	assert_int_equal(open_unlock(p, "demo", CF_DEMO_PASSPHRASE, &cf), CF_OK);
	assert_int_equal(casefile_check(cf, &r), CF_ERR_DAMAGED);
	assert_int_equal(r.n_failures, 1);
	assert_string_equal(r.failures[0].table, "contact");
	casefile_check_report_fini(&r);
	casefile_close(&cf);
	unlink(p);
}

/*
 * An insider plants one bad row before the first unlock, hoping the
 * compartment stays in its old-sealing mode so that an older ciphertext put
 * back with version 0 keeps opening. The upgrade names the bad row and
 * leaves no such mode behind: the replay is caught too.
 */
static void
test_damaged_row_does_not_keep_the_old_sealing_open(void **state)
{
	char p[512];
	struct cf_casefile *cf = NULL;
	struct cf_check_report r;
	struct cf_store_meta m;

	(void)state;
	copy_fixture("casefile-v2.carefile", p, sizeof p);
	sql_on(p, "CREATE TABLE o.old2 AS SELECT id, data FROM contact WHERE id = (SELECT max(id) FROM contact);"
	          "UPDATE contact SET data = substr(data, 1, length(data) - 1) WHERE id = (SELECT min(id) FROM contact)");
	assert_int_equal(open_unlock(p, "demo", CF_DEMO_PASSPHRASE, &cf), CF_OK);
	assert_int_equal(store_meta_get(casefile_store(cf), &m), CF_OK);
	assert_int_equal(m.legacy_records, 0);
	store_meta_fini(&m);
	assert_int_equal(casefile_check(cf, &r), CF_ERR_DAMAGED);
	assert_int_equal(r.n_failures, 1);
	assert_string_equal(r.failures[0].table, "contact");
	casefile_check_report_fini(&r);
	casefile_close(&cf);
	/* the pre-upgrade sealing of another contact put back with version 0 */
	sql_on(p, "UPDATE contact SET data = (SELECT data FROM o.old2), version = 0 WHERE id = (SELECT id FROM o.old2)");
	assert_int_equal(open_unlock(p, "demo", CF_DEMO_PASSPHRASE, &cf), CF_OK);
	assert_int_equal(casefile_check(cf, &r), CF_ERR_DAMAGED);
	assert_int_equal(r.n_failures, 2);
	casefile_check_report_fini(&r);
	casefile_close(&cf);
	unlink(p);
}

static int
setup(void **state)
{
	(void)state;
	if (crypto_init() != CF_OK)
		return -1;
	snprintf(dir, sizeof dir, "%s/cf-migrate-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_1_fixture),
		cmocka_unit_test(test_format_2_fixture),
		cmocka_unit_test(test_damaged_row_does_not_keep_the_old_sealing_open),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
