/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Case file: roles as keys, canaries, moved, replayed and edited rows, bit flips, kill during passphrase change, lock. */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "carefile/call_alert.h"
#include "carefile/casefile.h"
#include "carefile/config.h"
#include "carefile/crypto.h"
#include "carefile/crypto_testing.h"
#include "carefile/contact.h"
#include "carefile/record.h"
#include "carefile/store.h"
#include "carefile/student.h"
#include "carefile/students.h"
#include "carefile/user.h"
#include "casefile-internal.h"

/*
 * One fixture for the whole file (Argon2id at the floor costs ~0.7 s each):
 * user "boss" (admin+counselor+supervisor, every compartment) plus one user
 * per single role, and one student row sealed in each compartment (test rows:
 * the crypto does not care which table holds which compartment).
 */
static char dir[256], path[320];
static struct cf_kdf_params floor_params;
static uint8_t *boss_kek; /* KEK of boss's slot (boss_kek_refresh()): bit-flip tests run without Argon2id */

static const struct {
	const char *name, *pass;
	uint32_t roles;
} people[] = {
	{ "boss", "boss-fixture-passphrase-1", CF_ROLE_ADMIN | CF_ROLE_COUNSELOR | CF_ROLE_SUPERVISOR },
	{ "adm", "adm-fixture-passphrase-1", CF_ROLE_ADMIN },
	{ "coun", "coun-fixture-passphrase-1", CF_ROLE_COUNSELOR },
	{ "sup", "sup-fixture-passphrase-1", CF_ROLE_SUPERVISOR },
	{ "hot", "hot-fixture-passphrase-1", CF_ROLE_HOTLINE },
};
#define N_PEOPLE (sizeof people / sizeof people[0])

/* One canary per compartment, written through the encrypted field. */
static const char *const canary[CF_COMPARTMENT__COUNT] = {
	"CANARY-identity-Zhang-San-3f9a1c",
	"CANARY-clinical-note-self-harm-8d2e77",
	"CANARY-hotline-caller-b61f03",
	"CANARY-directory-staff-phone-5c4d90",
};

/*
 * Test-only record type and tables: one text field, one table per
 * compartment (the product's tables each belong to one compartment; these
 * let every role be tried against every key). The fixture creates them with
 * the standard columns of carefile/record.h.
 */
struct canary {
	char *text;
	const struct cf_str_alloc *alloc;
};

static const struct cf_field canary_fields[] = {
	{ .tag = 1, .name = "text", .label = "Text", .kind = CF_KIND_TEXT, CF_MEMBER(struct canary, text),
	  .max_chars = 200 },
};

static const struct cf_record_type canary_type = {
	.name = "canary",
	.size = sizeof(struct canary),
	.alloc_offset = offsetof(struct canary, alloc),
	.fields = canary_fields,
	.n_fields = 1,
};

static const struct cf_table canary_tables[CF_COMPARTMENT__COUNT] = {
	{ .name = "canary_identity", .compartment = CF_COMPARTMENT_IDENTITY, .type = &canary_type },
	{ .name = "canary_clinical", .compartment = CF_COMPARTMENT_CLINICAL, .type = &canary_type },
	{ .name = "canary_hotline", .compartment = CF_COMPARTMENT_HOTLINE, .type = &canary_type },
	{ .name = "canary_directory", .compartment = CF_COMPARTMENT_DIRECTORY, .type = &canary_type },
};

/* The fixture's two students, as add_student() stored them (renumbered 1 and 2 in group_setup). */
static int64_t sid[2];

/* Revocation re-seals these too (casefile_testing_set_extra_tables). */
static const struct cf_table *const canary_table_list[] = {
	&canary_tables[0], &canary_tables[1], &canary_tables[2], &canary_tables[3], NULL,
};

static char *
secret(const char *s)
{
	size_t n = strlen(s);
	char *p = crypto_secure_alloc(n + 1);

	assert_non_null(p);
	memcpy(p, s, n + 1);
	return p;
}

static enum cf_error
unlock_as(struct cf_casefile *cf, const char *name, const char *pass)
{
	char *p = secret(pass);
	enum cf_error e = casefile_unlock(cf, name, p, strlen(p));

	crypto_secure_free(p);
	return e;
}

static struct cf_casefile *
open_ok(const char *p)
{
	struct cf_casefile *cf = NULL;
	enum cf_store_reason why;

	assert_int_equal(casefile_open(p, &cf, &why), CF_OK);
	return cf;
}

static int64_t
add_canary(struct cf_casefile *cf, enum cf_compartment c, const char *text)
{
	struct canary r;
	struct cf_row row;

	memset(&row, 0, sizeof row);
	record_init(&canary_type, &r, NULL);
	assert_int_equal(record_set_text(&canary_type, &r, &r.text, text, strlen(text)), CF_OK);
	assert_int_equal(casefile_record_put(cf, &canary_tables[c], &row, &r, NULL), CF_OK);
	record_fini(&canary_type, &r);
	return row.id;
}

/* A student (and, with a contact text, one contact entry of it) through the product's write path. */
static int64_t
add_student(struct cf_casefile *cf, const char *number, const char *name, const char *contact_text)
{
	struct cf_student s;
	struct cf_row row;

	memset(&row, 0, sizeof row);
	student_init(&s, NULL);
	assert_int_equal(student_set_str(&s, &s.student_number, number, strlen(number)), CF_OK);
	assert_int_equal(student_set_str(&s, &s.name, name, strlen(name)), CF_OK);
	assert_int_equal(casefile_record_put(cf, &cf_table_student, &row, &s, NULL), CF_OK);
	student_fini(&s);
	if (contact_text) {
		struct cf_contact c;
		struct cf_row crow;

		memset(&crow, 0, sizeof crow);
		record_init(&cf_contact_type, &c, NULL);
		memcpy(c.date, "2026-03-01", 11);
		assert_int_equal(record_set_text(&cf_contact_type, &c, &c.summary, contact_text, strlen(contact_text)),
		                 CF_OK);
		assert_int_equal(casefile_record_put_child(cf, &cf_table_contact, &cf_table_student, row.id, &crow, &c,
		                                           NULL), CF_OK);
		record_fini(&cf_contact_type, &c);
	}
	return row.id;
}

/*
 * Runs SQL on the closed file p (tests play an insider with write access).
 * The insider's own copies go to a side database attached as `o` (o.keep):
 * a table left in the case file itself is refused as an altered schema.
 */
static void
sql_on(const char *p, const char *sql)
{
	sqlite3 *db = NULL;
	char attach[400];

	snprintf(attach, sizeof attach, "%s/insider.db", dir);
	assert_int_equal(sqlite3_open(attach, &db), SQLITE_OK); /* created here: ATTACH does not create */
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	snprintf(attach, sizeof attach, "ATTACH '%s/insider.db' AS o", dir);
	assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, attach, NULL, NULL, NULL), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* The canary tables: test-only record tables, which store_open() is told to count as ours. */
static char canary_sql[4 * 400];

static void
create_canary_tables(const char *p)
{
	char sql[sizeof canary_sql + 64];
	size_t n = 0;

	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++)
		n += (size_t)snprintf(canary_sql + n, sizeof canary_sql - n,
		                      "CREATE TABLE %s (id INTEGER PRIMARY KEY, uuid BLOB NOT NULL UNIQUE, "
		                      "compartment INTEGER NOT NULL, version INTEGER NOT NULL, created INTEGER NOT NULL, "
		                      "updated INTEGER NOT NULL, data BLOB NOT NULL);", canary_tables[c].name);
	store_testing_extra_schema(canary_sql);
	snprintf(sql, sizeof sql, "PRAGMA locking_mode=EXCLUSIVE; %s", canary_sql);
	sql_on(p, sql);
}

/*
 * Derives boss_kek from boss's slot in p as it is now (a passphrase unlock
 * may have re-sealed the slot with a new salt since: to pin a newer directory).
 */
static void
boss_kek_refresh(const char *p)
{
	struct cf_casefile *cf = open_ok(p);
	struct cf_store_user u;
	struct cf_store_keyslot k;
	char *pass = secret(people[0].pass);

	assert_int_equal(store_user_find(casefile_store(cf), "boss", &u), CF_OK);
	assert_int_equal(store_keyslot_get(casefile_store(cf), CF_SLOT_PASSPHRASE, u.id, &k), CF_OK);
	assert_int_equal(crypto_testing_keyslot_kek(k.blob, k.blob_len, pass, strlen(pass), boss_kek), CF_OK);
	crypto_secure_free(pass);
	store_keyslot_fini(&k);
	store_user_fini(&u);
	casefile_close(&cf);
}

static int
group_setup(void **state)
{
	struct cf_casefile *cf = NULL;
	enum cf_store_reason why;
	char *p;

	assert_int_equal(crypto_init(), CF_OK);
	crypto_kdf_params_floor(&floor_params);
	casefile_testing_set_extra_tables(canary_table_list);
	snprintf(dir, sizeof dir, "/tmp/cf-core-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/fixture.carefile", dir);
	p = secret(people[0].pass);
	if (casefile_create(path, people[0].name, p, strlen(p), 1, &floor_params, NULL, &cf, &why) != CF_OK)
		return -1;
	crypto_secure_free(p);
	casefile_close(&cf);
	create_canary_tables(path);
	if (casefile_open(path, &cf, &why) != CF_OK || unlock_as(cf, people[0].name, people[0].pass) != CF_OK)
		return -1;
	for (size_t i = 1; i < N_PEOPLE; i++) {
		p = secret(people[i].pass);
		if (casefile_user_add(cf, people[i].name, people[i].roles, p, strlen(p), 1, &floor_params) != CF_OK)
			return -1;
		crypto_secure_free(p);
	}
	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++)
		add_canary(cf, (enum cf_compartment)c, canary[c]);
	/* two students (rows 1 and 2) and a contact of the first, through the product's tables */
	sid[0] = add_student(cf, "T001", "测试甲", "CANARY-contact-summary-41c0de");
	sid[1] = add_student(cf, "T002", "测试乙", NULL);
	boss_kek = crypto_secure_alloc(CF_KEK_BYTES);
	if (!boss_kek)
		return -1;
	casefile_close(&cf);
	/*
	 * Row ids are random (store_row_insert): the tamper tests below name the
	 * two students and the contact as rows 1 and 2 and 1, so the fixture's
	 * rows are renumbered (ids are in no AD; the link column follows).
	 */
	{
		char sql[600];

		snprintf(sql, sizeof sql,
		         "UPDATE contact SET student_id = -1 WHERE student_id = %lld;"
		         "UPDATE student SET id = -1 WHERE id = %lld; UPDATE student SET id = -2 WHERE id = %lld;"
		         "UPDATE student SET id = 1 WHERE id = -1; UPDATE student SET id = 2 WHERE id = -2;"
		         "UPDATE contact SET student_id = 1 WHERE student_id = -1; UPDATE contact SET id = 1;",
		         (long long)sid[0], (long long)sid[0], (long long)sid[1]);
		sql_on(path, sql);
	}
	return 0;
}

static int
group_teardown(void **state)
{
	char cmd[400];

	crypto_secure_free(boss_kek);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- roles and policy ---- */

static void
test_role_compartments(void **state)
{
	uint32_t r = 0;
	char buf[64];

	assert_int_equal(user_roles_compartments(CF_ROLE_ADMIN), CF_COMPARTMENT_BIT(CF_COMPARTMENT_DIRECTORY));
	assert_int_equal(user_roles_compartments(CF_ROLE_COUNSELOR),
	                 CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY) | CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL));
	assert_int_equal(user_roles_compartments(CF_ROLE_SUPERVISOR),
	                 CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY) | CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL) |
	                 CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE));
	/* least privilege: the hotline role holds the hotline compartment and nothing else */
	assert_int_equal(user_roles_compartments(CF_ROLE_HOTLINE), CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE));
	/* the admin never holds clinical; hotline never holds clinical nor identity (no student records) */
	assert_false(user_roles_compartments(CF_ROLE_ADMIN) & CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL));
	assert_false(user_roles_compartments(CF_ROLE_HOTLINE) & CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL));
	assert_false(user_roles_compartments(CF_ROLE_HOTLINE) & CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY));
	assert_false(user_roles_compartments(CF_ROLE_ADMIN | CF_ROLE_HOTLINE) & CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY));
	assert_int_equal(user_roles_compartments(people[0].roles), CF_COMPARTMENT_MASK_ALL);
	assert_int_equal(user_roles_parse("admin,hotline", &r), CF_OK);
	assert_int_equal(r, CF_ROLE_ADMIN | CF_ROLE_HOTLINE);
	assert_string_equal(user_roles_format(r, buf, sizeof buf), "admin,hotline");
	assert_int_equal(user_roles_parse("admin,", &r), CF_ERR_USAGE);
	assert_int_equal(user_roles_parse("root", &r), CF_ERR_USAGE);
	assert_int_equal(user_roles_parse("", &r), CF_ERR_USAGE);
	assert_true(user_name_valid("li.wei-2"));
	assert_false(user_name_valid("-x"));
	assert_false(user_name_valid("a b"));
	assert_false(user_name_valid(""));
}

static void
test_passphrase_policy(void **state)
{
	struct cf_passphrase_strength s;

	assert_int_equal(user_passphrase_check("password", NULL, &s), CF_ERR_WEAK_PASSPHRASE);
	assert_non_null(s.reason);
	assert_true(s.score < 3);
	assert_int_equal(user_passphrase_check("qwertyuiopasdf", NULL, &s), CF_ERR_WEAK_PASSPHRASE);
	assert_non_null(s.reason);
	assert_int_equal(user_passphrase_check("correct horse battery staple 77", NULL, &s), CF_OK);
	assert_null(s.reason);
	assert_true(s.score >= 3);
	/* the user name is in zxcvbn's dictionary */
	assert_int_equal(user_passphrase_check("zhanglaoshi2024", "zhanglaoshi", &s), CF_ERR_WEAK_PASSPHRASE);
	assert_int_equal(user_passphrase_check("", NULL, &s), CF_ERR_INVALID);
}

/* ---- roles are keys ---- */

struct seen_text {
	char text[128];
	int rows;
};

static enum cf_error
take_text(const struct cf_row *row, void *rec, void *ctx)
{
	struct seen_text *t = ctx;
	const struct canary *c = rec;

	(void)row;
	snprintf(t->text, sizeof t->text, "%s", c->text ? c->text : "");
	t->rows++;
	return CF_OK;
}

/* Reads the one row of canary table c with the keys cf holds. */
static enum cf_error
read_canary(struct cf_casefile *cf, const struct cf_table *t, struct seen_text *got)
{
	struct canary *rec = crypto_secure_alloc(sizeof *rec);
	size_t damaged = 0;
	enum cf_error e;

	assert_non_null(rec);
	memset(got, 0, sizeof *got);
	e = casefile_record_foreach(cf, t, NULL, NULL, rec, take_text, got, &damaged);
	if (e == CF_OK && damaged)
		e = CF_ERR_DAMAGED;
	record_fini(&canary_type, rec);
	crypto_secure_free(rec);
	return e;
}

static void
test_each_role_decrypts_only_its_compartments(void **state)
{
	for (size_t i = 0; i < N_PEOPLE; i++) {
		struct cf_casefile *cf = open_ok(path);
		uint32_t want = user_roles_compartments(people[i].roles);

		assert_int_equal(unlock_as(cf, people[i].name, people[i].pass), CF_OK);
		assert_int_equal(casefile_compartments(cf), want);
		for (int c = 0; c < CF_COMPARTMENT__COUNT; c++) {
			struct seen_text got;
			enum cf_error e = read_canary(cf, &canary_tables[c], &got);

			if (want & CF_COMPARTMENT_BIT(c)) {
				assert_int_equal(e, CF_OK);
				assert_int_equal(got.rows, 1);
				assert_string_equal(got.text, canary[c]);
			} else {
				assert_int_equal(e, CF_ERR_PERMISSION);
				assert_int_equal(got.rows, 0);
			}
		}
		casefile_close(&cf);
	}
}

/*
 * Issue 8, item 5: a hotline-only keyring opens no student record, by any
 * path (one row, every row, the index, a write), and the roles a command
 * reads before the unlock to refuse early are the file's.
 */
static void
test_hotline_cannot_open_a_student_record(void **state)
{
	struct cf_casefile *cf = open_ok(path);
	struct cf_students *idx = NULL;
	struct cf_student s;
	struct cf_row row;
	struct cf_record_list l;
	uint32_t roles = 0;

	(void)state;
	/* before any unlock: the claimed roles, and an unknown user is only "not found" */
	assert_int_equal(casefile_user_roles_unverified(cf, "hot", &roles), CF_OK);
	assert_int_equal(roles, CF_ROLE_HOTLINE);
	assert_int_equal(casefile_user_roles_unverified(cf, "boss", &roles), CF_OK);
	assert_int_equal(roles, people[0].roles);
	assert_int_equal(casefile_user_roles_unverified(cf, "nobody", &roles), CF_ERR_NOT_FOUND);
	assert_int_equal(roles, 0);

	assert_int_equal(unlock_as(cf, "hot", people[4].pass), CF_OK);
	assert_int_equal(casefile_roles(cf), CF_ROLE_HOTLINE);
	assert_int_equal(casefile_compartments(cf), CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE));
	/* student row 1 (T001, fixture): neither it, nor all rows, nor the index */
	student_init(&s, NULL);
	memset(&row, 0, sizeof row);
	assert_int_equal(casefile_record_get(cf, &cf_table_student, 1, NULL, &s, &row), CF_ERR_PERMISSION);
	assert_null(s.name);
	assert_null(s.remarks);
	assert_int_equal(s.flags, 0);
	student_fini(&s);
	assert_int_equal(casefile_record_list(cf, &cf_table_student, NULL, &l), CF_ERR_PERMISSION);
	assert_int_equal(l.n, 0);
	casefile_record_list_fini(&l);
	assert_int_equal(students_load(cf, &idx), CF_ERR_PERMISSION);
	assert_null(idx);
	/* nor its contacts (clinical), nor a new student written */
	assert_int_equal(casefile_record_children(cf, &cf_table_contact, &cf_table_student, 1, CF_CONTACT_F_DATE, true, &l),
	                 CF_ERR_PERMISSION);
	casefile_record_list_fini(&l);
	student_init(&s, NULL);
	assert_int_equal(student_set_str(&s, &s.student_number, "H001", 4), CF_OK);
	assert_int_equal(student_set_str(&s, &s.name, "热线写入", strlen("热线写入")), CF_OK);
	memset(&row, 0, sizeof row);
	assert_int_equal(casefile_record_put(cf, &cf_table_student, &row, &s, NULL), CF_ERR_PERMISSION);
	student_fini(&s);
	/* the hotline compartment itself still opens */
	{
		struct seen_text got;

		assert_int_equal(read_canary(cf, &canary_tables[CF_COMPARTMENT_HOTLINE], &got), CF_OK);
		assert_string_equal(got.text, canary[CF_COMPARTMENT_HOTLINE]);
	}
	casefile_close(&cf);
}

static uint8_t *slurp(const char *p, size_t *len);

/* Unlock as name on p and expect e. */
static void
expect_unlock(const char *p, const char *name, const char *pass, enum cf_error want)
{
	struct cf_casefile *cf = open_ok(p);

	assert_int_equal(unlock_as(cf, name, pass), want);
	assert_int_equal(casefile_is_unlocked(cf), want == CF_OK);
	casefile_close(&cf);
}

/* A copy of the fixture at dir/name into out (the fixture stays as it was). */
static void
copy_fixture(const char *name, char *out, size_t out_size)
{
	char cmd[900];

	snprintf(out, out_size, "%s/%s", dir, name);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", path, out);
	assert_int_equal(system(cmd), 0);
}

/*
 * An admin who holds only the directory adds a counselor: the account is in
 * the signed directory at once, and the first counselor to unlock afterwards
 * grants it the keys (escrow). Nobody but an admin changes the directory.
 */
static void
test_x_trust_admin_adds_holders_grant(void **state)
{
	char p2[400];
	struct cf_casefile *cf;
	char *p = secret("another-fixture-passphrase-9");

	copy_fixture("escrow.carefile", p2, sizeof p2);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
	assert_int_equal(casefile_user_add(cf, "c2", CF_ROLE_COUNSELOR, p, strlen(p), 1, &floor_params), CF_OK);
	casefile_close(&cf);
	/* the admin's own slot already pins the directory it signed: its next unlock writes nothing */
	{
		size_t l1, l2;
		uint8_t *before = slurp(p2, &l1), *after;

		expect_unlock(p2, "adm", people[1].pass, CF_OK);
		after = slurp(p2, &l2);
		assert_int_equal(l1, l2);
		assert_memory_equal(before, after, l1);
		free(before);
		free(after);
	}

	/* c2 is an account but holds nothing yet: the admin had no clinical key to give */
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "c2", "another-fixture-passphrase-9"), CF_OK);
	assert_int_equal(casefile_compartments(cf), 0);
	casefile_close(&cf);

	/* a counselor unlocks: it seals the keys c2 is entitled to */
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	casefile_close(&cf);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "c2", "another-fixture-passphrase-9"), CF_OK);
	assert_int_equal(casefile_compartments(cf), user_roles_compartments(CF_ROLE_COUNSELOR));
	{
		struct seen_text got;

		assert_int_equal(read_canary(cf, &canary_tables[CF_COMPARTMENT_CLINICAL], &got), CF_OK);
		assert_string_equal(got.text, canary[CF_COMPARTMENT_CLINICAL]);
	}
	casefile_close(&cf);

	/* a counselor holds identity+clinical but is no admin */
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	assert_int_equal(casefile_user_add(cf, "c3", CF_ROLE_COUNSELOR, p, strlen(p), 1, &floor_params),
	                 CF_ERR_PERMISSION);
	assert_int_equal(casefile_user_grant(cf, "hot", CF_ROLE_COUNSELOR), CF_ERR_PERMISSION);
	assert_int_equal(casefile_user_remove(cf, "hot"), CF_ERR_PERMISSION);
	casefile_close(&cf);
	crypto_secure_free(p);
	unlink(p2);
}

/* The keyring an insider's own slot opens to (no directory check: the insider runs its own code). */
static struct cf_keyring *
insider_keyring(struct cf_casefile *cf, const char *name, const char *pass)
{
	struct cf_store_user u;
	struct cf_store_keyslot k;
	struct cf_keyring *kr = NULL;
	struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, name };
	char *p = secret(pass);

	assert_int_equal(store_user_find(cf->st, name, &u), CF_OK);
	assert_int_equal(store_keyslot_get(cf->st, CF_SLOT_PASSPHRASE, u.id, &k), CF_OK);
	assert_int_equal(crypto_keyslot_open_passphrase(k.blob, k.blob_len, p, strlen(p), &ad, &kr), CF_OK);
	crypto_secure_free(p);
	store_keyslot_fini(&k);
	store_user_fini(&u);
	return kr;
}

/* The insider recomputes the header MAC over the file as it now is, with the file key of its own slot. */
static enum cf_error
casefile_testing_remac(struct cf_casefile *cf, const char *name, const char *pass)
{
	enum cf_error e;

	cf->kr = insider_keyring(cf, name, pass);
	e = store_begin(cf->st);
	if (e == CF_OK)
		e = casefile_header_update(cf);
	e = e == CF_OK ? store_commit(cf->st) : (store_rollback(cf->st), e);
	crypto_keyring_free(&cf->kr);
	return e;
}

/*
 * The insider invents a key for compartment c and seals it, from its own
 * X25519 key, to recipient as a grant claiming granter_id, then re-MACs.
 */
static enum cf_error
casefile_testing_plant_grant(struct cf_casefile *cf, const char *name, const char *pass, const char *recipient,
                             enum cf_compartment c, int64_t granter_id)
{
	struct cf_keyring *kr = insider_keyring(cf, name, pass);
	struct cf_store_user r;
	struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, recipient };
	uint8_t *blob = NULL;
	size_t len = 0;
	enum cf_error e;

	assert_int_equal(store_user_find(cf->st, recipient, &r), CF_OK);
	assert_int_equal(crypto_testing_keyring_add_random(kr, c), CF_OK);
	assert_int_equal(crypto_keyring_rotate(kr, c), CF_OK); /* a "newer" key id than the real one */
	assert_int_equal(crypto_grant_seal(kr, CF_COMPARTMENT_BIT(c), r.public_key, &ad, &blob, &len), CF_OK);
	e = store_begin(cf->st);
	if (e == CF_OK)
		e = store_grant_add(cf->st, r.id, granter_id, CF_COMPARTMENT_BIT(c), 1, blob, len);
	e = e == CF_OK ? store_commit(cf->st) : (store_rollback(cf->st), e);
	free(blob);
	store_user_fini(&r);
	crypto_keyring_free(&kr);
	return e == CF_OK ? casefile_testing_remac(cf, name, pass) : e;
}

/*
 * The review's forgeries, by an insider who holds a keyslot (so can compute
 * the header MAC) and writes the file: each is refused at the next unlock of
 * every account, because the directory is signed with a key only admins hold
 * and every slot pins it.
 */
static void
test_x_trust_insider_cannot_forge_directory(void **state)
{
	char p2[400], sql[1200];
	struct cf_casefile *cf;
	struct cf_store_user hot;

	/* 1. the hotline user gives itself every role and re-MACs the header (it holds the file key) */
	copy_fixture("forge-roles.carefile", p2, sizeof p2);
	snprintf(sql, sizeof sql, "UPDATE user SET roles = %u WHERE name = 'hot'", (unsigned)CF_ROLE_ALL);
	sql_on(p2, sql);
	cf = open_ok(p2);
	/* re-MAC as an insider would, with the keyring its slot opens (seam: unlock first, then write raw) */
	assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_ERR_DAMAGED); /* MAC broken by the edit */
	casefile_close(&cf);
	cf = open_ok(p2);
	assert_int_equal(casefile_testing_remac(cf, "hot", people[4].pass), CF_OK);
	casefile_close(&cf);
	for (size_t i = 0; i < N_PEOPLE; i++)
		expect_unlock(p2, people[i].name, people[i].pass, CF_ERR_DAMAGED);
	unlink(p2);

	/* 2. the hotline user removes the admins and adds itself as admin, re-MACed */
	copy_fixture("forge-admin.carefile", p2, sizeof p2);
	sql_on(p2, "DELETE FROM user WHERE name IN ('boss', 'adm')");
	cf = open_ok(p2);
	assert_int_equal(casefile_testing_remac(cf, "hot", people[4].pass), CF_OK);
	casefile_close(&cf);
	for (size_t i = 2; i < N_PEOPLE; i++)
		expect_unlock(p2, people[i].name, people[i].pass, CF_ERR_DAMAGED);
	unlink(p2);

	/* 3. a planted grant: the hotline user seals its own "clinical key" to a counselor, re-MACed */
	copy_fixture("forge-grant.carefile", p2, sizeof p2);
	cf = open_ok(p2);
	assert_int_equal(store_user_find(casefile_store(cf), "hot", &hot), CF_OK);
	assert_int_equal(casefile_testing_plant_grant(cf, "hot", people[4].pass, "coun", CF_COMPARTMENT_CLINICAL,
	                                               hot.id), CF_OK);
	store_user_fini(&hot);
	casefile_close(&cf);
	expect_unlock(p2, "coun", people[2].pass, CF_ERR_DAMAGED);
	/* the same grant claiming to come from the boss does not open either */
	sql_on(p2, "UPDATE key_grant SET granter_id = (SELECT id FROM user WHERE name = 'boss')");
	cf = open_ok(p2);
	assert_int_equal(casefile_testing_remac(cf, "hot", people[4].pass), CF_OK);
	casefile_close(&cf);
	expect_unlock(p2, "coun", people[2].pass, CF_ERR_DAMAGED);
	unlink(p2);

	/* 4. the signature stripped: a pinned account refuses a directory that is no longer signed */
	copy_fixture("forge-strip.carefile", p2, sizeof p2);
	sql_on(p2, "UPDATE meta SET directory_sig = NULL, directory_key = NULL");
	cf = open_ok(p2);
	assert_int_equal(casefile_testing_remac(cf, "hot", people[4].pass), CF_OK);
	casefile_close(&cf);
	for (size_t i = 0; i < N_PEOPLE; i++)
		expect_unlock(p2, people[i].name, people[i].pass, CF_ERR_DAMAGED);
	unlink(p2);

	/* 5. an edited epoch breaks the signature */
	copy_fixture("forge-epoch.carefile", p2, sizeof p2);
	sql_on(p2, "UPDATE meta SET directory_epoch = directory_epoch + 5");
	cf = open_ok(p2);
	assert_int_equal(casefile_testing_remac(cf, "hot", people[4].pass), CF_OK);
	casefile_close(&cf);
	for (size_t i = 0; i < N_PEOPLE; i++)
		expect_unlock(p2, people[i].name, people[i].pass, CF_ERR_DAMAGED);
	unlink(p2);

	/*
	 * 6. old directory rows spliced back after a removal (users, keyslots and
	 * the old signature, all genuine, re-MACed): an account that has seen the
	 * newer directory refuses the older one.
	 */
	{
		char old[400];

		copy_fixture("splice-old.carefile", old, sizeof old);
		copy_fixture("splice.carefile", p2, sizeof p2);
		cf = open_ok(p2);
		assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
		assert_int_equal(casefile_user_remove(cf, "sup"), CF_OK);
		casefile_close(&cf);
		expect_unlock(p2, "sup", people[3].pass, CF_ERR_AUTH);   /* removed: no such account */
		expect_unlock(p2, "coun", people[2].pass, CF_OK);        /* sees (and pins) the newer directory */
		snprintf(sql, sizeof sql,
		         "ATTACH '%s' AS old; DELETE FROM key_grant; DELETE FROM user; "
		         "INSERT INTO user SELECT * FROM old.user; "
		         "INSERT INTO keyslot SELECT * FROM old.keyslot WHERE user_id = "
		         "(SELECT id FROM old.user WHERE name = 'sup'); "
		         "UPDATE meta SET directory_key = (SELECT directory_key FROM old.meta), "
		         "directory_epoch = (SELECT directory_epoch FROM old.meta), "
		         "directory_sig = (SELECT directory_sig FROM old.meta), "
		         "revoked = (SELECT revoked FROM old.meta), "
		         "recovery_public_key = (SELECT recovery_public_key FROM old.meta);", old);
		sql_on(p2, sql);
		cf = open_ok(p2);
		assert_int_equal(casefile_testing_remac(cf, "hot", people[4].pass), CF_OK);
		casefile_close(&cf);
		expect_unlock(p2, "coun", people[2].pass, CF_ERR_DAMAGED);
		/*
		 * Left for the rollback witness (on this PC): the removed account's
		 * own old slot pins the old directory, which verifies.
		 */
		expect_unlock(p2, "sup", people[3].pass, CF_OK);
		/* but coun's unlock above rotated identity and clinical: the old slot reads none of them */
		{
			struct seen_text got;

			cf = open_ok(p2);
			cf->kr = insider_keyring(cf, "sup", people[3].pass);
			assert_int_equal(read_canary(cf, &canary_tables[CF_COMPARTMENT_IDENTITY], &got), CF_ERR_DAMAGED);
			assert_int_equal(read_canary(cf, &canary_tables[CF_COMPARTMENT_CLINICAL], &got), CF_ERR_DAMAGED);
			crypto_keyring_free(&cf->kr);
			casefile_close(&cf);
		}
		unlink(p2);
		unlink(old);
	}

	/* the fixture itself is untouched and opens for everyone */
	for (size_t i = 0; i < N_PEOPLE; i++)
		expect_unlock(path, people[i].name, people[i].pass, CF_OK);
}

static void *
arena_alloc(void *ctx, size_t size)
{
	return crypto_arena_alloc(ctx, size);
}

/* Rows of t that open with the keys cf holds (*opened) and that do not (*damaged). */
static void
count_rows(struct cf_casefile *cf, const struct cf_table *t, size_t *opened, size_t *damaged)
{
	struct canary *rec = crypto_secure_alloc(sizeof *rec);
	struct cf_secure_arena *arena = NULL;
	struct cf_str_alloc alloc = { arena_alloc, NULL, NULL };
	struct seen_text got;

	assert_non_null(rec);
	assert_int_equal(crypto_arena_new(0, &arena), CF_OK);
	alloc.ctx = arena;
	memset(&got, 0, sizeof got);
	*damaged = 0;
	/* the rows' strings come from the arena, as the product reads lists */
	assert_int_equal(casefile_record_foreach(cf, t, NULL, &alloc, rec, take_text, &got, damaged), CF_OK);
	*opened = (size_t)got.rows;
	crypto_secure_free(rec);
	crypto_arena_free(&arena);
}

/* What the keyring of name's slot in the file at keep (a copy from before) opens in the file at p. */
static void
old_slot_reads(const char *keep, const char *p, const char *name, const char *pass, enum cf_compartment c,
               size_t *opened, size_t *damaged)
{
	struct cf_casefile *k = open_ok(keep), *cf = open_ok(p);

	cf->kr = insider_keyring(k, name, pass);
	casefile_close(&k);
	count_rows(cf, &canary_tables[c], opened, damaged);
	crypto_keyring_free(&cf->kr);
	casefile_close(&cf);
}

/*
 * Revocation (issue 8, item 2): removing sup revokes identity, clinical
 * and hotline. The admin holds none of them; the first remaining holder of
 * each to unlock rotates it (re-seals the rows, grants the new key to the
 * other holders). sup's slot from a copy taken before the removal then opens
 * nothing in the file, old rows or new; the remaining holders read all.
 */
static void
test_x_trust_removal_rotates_the_keys_it_held(void **state)
{
	char p2[400], keep[400];
	struct cf_casefile *cf;
	struct cf_store_meta m;
	size_t ok = 0, bad = 0;
	uint32_t id_before;

	(void)state;
	copy_fixture("rotate.carefile", p2, sizeof p2);
	copy_fixture("rotate-keep.carefile", keep, sizeof keep);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	id_before = crypto_keyring_key_id(cf->kr, CF_COMPARTMENT_IDENTITY);
	casefile_close(&cf);

	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
	assert_int_equal(casefile_user_remove(cf, "sup"), CF_OK);
	assert_int_equal(store_meta_get(cf->st, &m), CF_OK);
	assert_true(m.has_revoked);
	assert_int_equal(m.revoked[CF_COMPARTMENT_IDENTITY], m.directory_epoch);
	assert_int_equal(m.revoked[CF_COMPARTMENT_CLINICAL], m.directory_epoch);
	assert_int_equal(m.revoked[CF_COMPARTMENT_HOTLINE], m.directory_epoch);
	assert_int_equal(m.revoked[CF_COMPARTMENT_DIRECTORY], 0);
	store_meta_fini(&m);
	/* the admin holds no compartment key: it cannot rotate, and did not */
	assert_int_equal(casefile_compartments(cf), CF_COMPARTMENT_BIT(CF_COMPARTMENT_DIRECTORY));
	casefile_close(&cf);
	/* before a holder has unlocked, the old slot still reads: the residual window */
	old_slot_reads(keep, p2, "sup", people[3].pass, CF_COMPARTMENT_IDENTITY, &ok, &bad);
	assert_int_equal(ok, 1);

	/*
	 * An insider plants a "rotation already done" row, claiming coun signed it,
	 * so that holders would drop their keys instead of rotating: unsigned, it
	 * counts for nothing (re-MACed with the insider's file key).
	 */
	sql_on(p2, "INSERT INTO key_rotation(compartment, key_id, rotator_id, created, sig) "
	           "SELECT 0, 999, id, 1, randomblob(64) FROM user WHERE name = 'coun'");
	cf = open_ok(p2);
	assert_int_equal(casefile_testing_remac(cf, "hot", people[4].pass), CF_OK);
	casefile_close(&cf);
	/* coun unlocks first: identity and clinical rotate, and coun writes after */
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	assert_true(crypto_keyring_key_id(cf->kr, CF_COMPARTMENT_IDENTITY) > id_before);
	add_canary(cf, CF_COMPARTMENT_IDENTITY, "written-after-the-removal");
	add_canary(cf, CF_COMPARTMENT_CLINICAL, "clinical-after-the-removal");
	count_rows(cf, &canary_tables[CF_COMPARTMENT_IDENTITY], &ok, &bad);
	assert_int_equal(ok, 2);
	assert_int_equal(bad, 0);
	casefile_close(&cf);
	for (int c = CF_COMPARTMENT_IDENTITY; c <= CF_COMPARTMENT_CLINICAL; c++) {
		old_slot_reads(keep, p2, "sup", people[3].pass, (enum cf_compartment)c, &ok, &bad);
		assert_int_equal(ok, 0);
		assert_int_equal(bad, 2);
	}
	/* hotline: nobody holding it has unlocked yet */
	old_slot_reads(keep, p2, "sup", people[3].pass, CF_COMPARTMENT_HOTLINE, &ok, &bad);
	assert_int_equal(ok, 1);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "hot", people[4].pass), CF_OK);
	count_rows(cf, &canary_tables[CF_COMPARTMENT_HOTLINE], &ok, &bad);
	assert_int_equal(ok, 1);
	assert_int_equal(bad, 0);
	casefile_close(&cf);
	old_slot_reads(keep, p2, "sup", people[3].pass, CF_COMPARTMENT_HOTLINE, &ok, &bad);
	assert_int_equal(ok, 0);
	assert_int_equal(bad, 1);
	/* boss merges the grants coun and hot sealed, and reads every row; a second unlock rotates nothing */
	for (int round = 0; round < 2; round++) {
		cf = open_ok(p2);
		assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_OK);
		for (int c = CF_COMPARTMENT_IDENTITY; c <= CF_COMPARTMENT_HOTLINE; c++) {
			count_rows(cf, &canary_tables[c], &ok, &bad);
			assert_int_equal(ok, c == CF_COMPARTMENT_HOTLINE ? 1 : 2);
			assert_int_equal(bad, 0);
		}
		casefile_close(&cf);
	}
	/* the product's own tables were re-sealed too: both students and the contact open */
	{
		struct cf_check_report r;

		cf = open_ok(p2);
		assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
		assert_int_equal(casefile_check(cf, &r), CF_OK);
		assert_int_equal(r.n_failures, 0);
		casefile_check_report_fini(&r);
		casefile_close(&cf);
	}
	/* disabling coun revokes identity and clinical again; boss rotates them at its next unlock */
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
	assert_int_equal(casefile_user_set_disabled(cf, "coun", 1), CF_OK);
	casefile_close(&cf);
	unlink(keep);
	snprintf(keep, sizeof keep, "%s", p2);
	strcat(keep, ".keep");
	{
		size_t n = 0;
		uint8_t *img = slurp(p2, &n);
		FILE *f = fopen(keep, "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(img, 1, n, f), n);
		fclose(f);
		free(img);
	}
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_OK);
	casefile_close(&cf);
	old_slot_reads(keep, p2, "coun", people[2].pass, CF_COMPARTMENT_CLINICAL, &ok, &bad);
	assert_int_equal(ok, 0);
	assert_int_equal(bad, 2);
	/*
	 * coun enabled again missed boss's grant (it was disabled). Its stale keys
	 * must not rotate a second time (a key that opens none of the rows would
	 * lose them): coun drops them, and boss's escrow brings the current ones.
	 */
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
	assert_int_equal(casefile_user_set_disabled(cf, "coun", 0), CF_OK);
	casefile_close(&cf);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	assert_int_equal(casefile_compartments(cf), 0);
	casefile_close(&cf);
	for (int round = 0; round < 2; round++) {
		cf = open_ok(p2);
		assert_int_equal(unlock_as(cf, round ? "coun" : "boss", round ? people[2].pass : people[0].pass), CF_OK);
		for (int c = CF_COMPARTMENT_IDENTITY; c <= CF_COMPARTMENT_CLINICAL; c++) {
			count_rows(cf, &canary_tables[c], &ok, &bad);
			assert_int_equal(ok, 2);
			assert_int_equal(bad, 0);
		}
		casefile_close(&cf);
	}
	unlink(keep);
	unlink(p2);
}

/*
 * Taking one role away (trust issue, item 2): boss loses supervisor, so the
 * hotline key, which only that role gave it, is revoked. adm holds no key;
 * hot, the next holder to unlock, rotates it; boss's next unlock drops the
 * old key; its slot from before opens no hotline row; identity and
 * clinical, which counselor still gives, are not touched.
 */
static void
test_x_trust_role_taken_away_rotates(void **state)
{
	char p2[400], keep[400];
	struct cf_casefile *cf;
	size_t ok = 0, bad = 0;
	uint32_t id_identity;

	(void)state;
	copy_fixture("revoke-role.carefile", p2, sizeof p2);
	copy_fixture("revoke-role-keep.carefile", keep, sizeof keep);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
	assert_int_equal(casefile_user_revoke(cf, "boss", CF_ROLE_ADMIN | CF_ROLE_COUNSELOR | CF_ROLE_SUPERVISOR),
	                 CF_ERR_INVALID); /* nothing would be left */
	assert_int_equal(casefile_user_revoke(cf, "adm", CF_ROLE_ADMIN), CF_ERR_INVALID);
	assert_int_equal(casefile_user_revoke(cf, "hot", CF_ROLE_COUNSELOR), CF_OK); /* had none of it */
	assert_int_equal(casefile_user_revoke(cf, "boss", CF_ROLE_SUPERVISOR), CF_OK);
	casefile_close(&cf);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "hot", people[4].pass), CF_OK);
	count_rows(cf, &canary_tables[CF_COMPARTMENT_HOTLINE], &ok, &bad);
	assert_int_equal(ok, 1);
	assert_int_equal(bad, 0);
	casefile_close(&cf);
	old_slot_reads(keep, p2, "boss", people[0].pass, CF_COMPARTMENT_HOTLINE, &ok, &bad);
	assert_int_equal(ok, 0);
	assert_int_equal(bad, 1);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_OK);
	assert_false(casefile_compartments(cf) & CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE));
	id_identity = crypto_keyring_key_id(cf->kr, CF_COMPARTMENT_IDENTITY);
	count_rows(cf, &canary_tables[CF_COMPARTMENT_IDENTITY], &ok, &bad);
	assert_int_equal(ok, 1);
	casefile_close(&cf);
	assert_int_equal(id_identity, 1); /* never revoked */
	unlink(keep);
	unlink(p2);
}

/*
 * Regressions of an attack review of revocation (each ended in rows nobody
 * remaining could read, or a refused unlock):
 *  - a disabled insider's planted row, claiming a newer key, must not make
 *    holders drop their keys; nothing is lost (rotation waits);
 *  - the account that rotated, disabled afterwards: its grants still count;
 *  - removing it while its grants wait is refused (they may be the only
 *    copies of the new key);
 *  - an admin taking its own role does not rotate what it loses itself.
 */
static void
test_x_trust_rotation_loses_nothing(void **state)
{
	char p2[400];
	struct cf_casefile *cf;
	size_t ok = 0, bad = 0;

	(void)state;
	copy_fixture("rotation-safety.carefile", p2, sizeof p2);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
	assert_int_equal(casefile_user_set_disabled(cf, "sup", 1), CF_OK);
	casefile_close(&cf);
	/* sup plants a copy of the identity canary whose header claims key id 999 */
	sql_on(p2, "INSERT INTO canary_identity(uuid, compartment, version, created, updated, data) "
	           "SELECT randomblob(16), compartment, version, created, updated, "
	           "CAST(substr(data, 1, 2) || x'000003e7' || substr(data, 7) AS BLOB) FROM canary_identity");
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	count_rows(cf, &canary_tables[CF_COMPARTMENT_IDENTITY], &ok, &bad);
	assert_int_equal(ok, 1); /* kept its key: the real row still opens */
	assert_int_equal(bad, 1);
	casefile_close(&cf);
	sql_on(p2, "DELETE FROM canary_identity WHERE substr(data, 3, 4) = x'000003e7'");
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK); /* rotates now */
	assert_true(crypto_keyring_key_id(cf->kr, CF_COMPARTMENT_IDENTITY) > 1);
	casefile_close(&cf);
	/* coun's grants to boss wait: removing coun would lose them */
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
	assert_int_equal(casefile_user_remove(cf, "coun"), CF_ERR_EXISTS);
	/* disabling coun is fine: its grants were sealed while it was enabled */
	assert_int_equal(casefile_user_set_disabled(cf, "coun", 1), CF_OK);
	casefile_close(&cf);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_OK);
	for (int c = CF_COMPARTMENT_IDENTITY; c <= CF_COMPARTMENT_CLINICAL; c++) {
		count_rows(cf, &canary_tables[c], &ok, &bad);
		assert_int_equal(ok, 1);
		assert_int_equal(bad, 0);
	}
	casefile_close(&cf);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
	assert_int_equal(casefile_user_remove(cf, "coun"), CF_OK); /* boss has merged them */
	casefile_close(&cf);
	/*
	 * boss takes its own supervisor role: refused while hot has not merged the
	 * hotline key boss rotated; then it does not rotate hotline itself (its
	 * grants would no longer count); hot does, and both unlock.
	 */
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_OK);
	assert_int_equal(casefile_user_revoke(cf, "boss", CF_ROLE_SUPERVISOR), CF_ERR_EXISTS);
	casefile_close(&cf);
	expect_unlock(p2, "hot", people[4].pass, CF_OK);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_OK);
	assert_int_equal(casefile_user_revoke(cf, "boss", CF_ROLE_SUPERVISOR), CF_OK);
	assert_true(casefile_compartments(cf) & CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE)); /* not rotated by boss */
	casefile_close(&cf);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "hot", people[4].pass), CF_OK);
	count_rows(cf, &canary_tables[CF_COMPARTMENT_HOTLINE], &ok, &bad);
	assert_int_equal(ok, 1);
	assert_int_equal(bad, 0);
	casefile_close(&cf);
	expect_unlock(p2, "boss", people[0].pass, CF_OK);
	expect_unlock(p2, "hot", people[4].pass, CF_OK);
	unlink(p2);
}

/*
 * Metadata (trust issue, item 6): someone holding the file and the school's
 * roster cannot line the two up. Row ids are random, not the order of the
 * roster; a ciphertext's length tells its size bucket, not the name's length.
 */
/* Opens a slot with the passphrase in ctx and keeps no KEK: the session cannot re-seal its slot without Argon2id. */
static int
open_keeping_no_kek(const uint8_t *blob, size_t blob_len, const struct cf_keyslot_ad *ad, void *ctx,
                    struct cf_keyring **out, uint8_t **kek)
{
	const char *pass = ctx;

	*kek = NULL;
	return crypto_keyslot_open_passphrase(blob, blob_len, pass, strlen(pass), ad, out);
}

static void
directory_key_now(const char *p, uint8_t key[CF_SIGN_PUBLIC_KEY_BYTES], uint64_t *epoch)
{
	struct cf_casefile *cf = open_ok(p);
	struct cf_store_meta m;

	assert_int_equal(store_meta_get(cf->st, &m), CF_OK);
	assert_true(m.has_directory_key);
	memcpy(key, m.directory_key, CF_SIGN_PUBLIC_KEY_BYTES);
	if (epoch)
		*epoch = m.directory_epoch;
	store_meta_fini(&m);
	casefile_close(&cf);
}

static void
copy_file(const char *from, const char *to)
{
	char cmd[900];

	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
	assert_int_equal(system(cmd), 0);
}

/*
 * The removed admin's forgery: its slot from an older copy still holds the
 * old directory key. It puts its account and slot back into the current
 * file, declares its old key the directory's, signs the directory with it at
 * a higher epoch and re-MACs the header with its file key.
 */
static void
forge_directory_as_removed_admin(const char *p, const char *keep, const char *name, const char *pass)
{
	struct cf_casefile *cf;
	struct cf_store_meta m;
	struct cf_store_user u;
	uint8_t pk[CF_SIGN_PUBLIC_KEY_BYTES];
	char sql[1400];

	snprintf(sql, sizeof sql,
	         "ATTACH '%s' AS k; INSERT INTO user SELECT * FROM k.user WHERE name = '%s';"
	         "INSERT INTO keyslot SELECT * FROM k.keyslot WHERE user_id = (SELECT id FROM k.user WHERE name = '%s');",
	         keep, name, name);
	sql_on(p, sql);
	cf = open_ok(p);
	cf->kr = insider_keyring(cf, name, pass);
	assert_int_equal(store_user_find(cf->st, name, &u), CF_OK);
	cf->user_id = u.id;
	cf->roles = u.roles;
	store_user_fini(&u);
	assert_int_equal(crypto_directory_public_key(cf->kr, pk), CF_OK);
	assert_int_equal(store_begin(cf->st), CF_OK);
	assert_int_equal(store_meta_get(cf->st, &m), CF_OK);
	assert_int_equal(store_meta_set_directory(cf->st, pk, m.directory_epoch, m.directory_sig, m.directory_sig_len),
	                 CF_OK);
	store_meta_fini(&m);
	assert_int_equal(casefile_directory_sign(cf, NULL), CF_OK);
	assert_int_equal(casefile_header_update(cf), CF_OK);
	assert_int_equal(store_commit(cf->st), CF_OK);
	crypto_keyring_free(&cf->kr);
	cf->user_id = 0;
	casefile_close(&cf);
}

/*
 * Removing an admin rotates the directory key (trust issue, items 1 and 2):
 * the removing admin makes a new directory compartment key, the old
 * directory key signs the hand-over to the new one, and every account
 * follows it at its next unlock and pins the new key. The removed admin's
 * slot from an older copy still holds the old key: a directory it signs
 * with that key is refused by every account that has unlocked since. An
 * account that has not (sup here) still accepts it: the residual window.
 * A removal by a session that cannot re-seal its slot leaves the rotation
 * to the next admin to unlock.
 */
static void
test_x_trust_directory_key_rotates_on_admin_removal(void **state)
{
	char p2[400], keep[400], p3[400], p4[400];
	uint8_t k_old[CF_SIGN_PUBLIC_KEY_BYTES], k_new[CF_SIGN_PUBLIC_KEY_BYTES], pin[CF_SIGN_PUBLIC_KEY_BYTES];
	uint64_t e_old = 0, e_new = 0, pin_epoch = 0;
	struct cf_store_dir_transition *t = NULL;
	struct cf_casefile *cf;
	struct cf_store_meta m;
	size_t nt = 0, ok = 0, bad = 0;
	uint32_t dir_id;
	char *pw;

	(void)state;
	copy_fixture("dirkey.carefile", p2, sizeof p2);
	copy_fixture("dirkey-keep.carefile", keep, sizeof keep);
	snprintf(p3, sizeof p3, "%s/dirkey-3.carefile", dir);
	snprintf(p4, sizeof p4, "%s/dirkey-4.carefile", dir);
	directory_key_now(p2, k_old, &e_old);

	/* boss removes adm: the directory key changes at once, and the old one signed the hand-over */
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_OK);
	dir_id = crypto_keyring_key_id(cf->kr, CF_COMPARTMENT_DIRECTORY);
	assert_int_equal(casefile_user_remove(cf, "adm"), CF_OK);
	assert_true(crypto_keyring_key_id(cf->kr, CF_COMPARTMENT_DIRECTORY) > dir_id);
	assert_int_equal(store_meta_get(cf->st, &m), CF_OK);
	assert_int_equal(m.revoked[CF_COMPARTMENT_DIRECTORY], m.directory_epoch);
	store_meta_fini(&m);
	/* the same session signs again with the new key */
	pw = secret("extra-fixture-passphrase-1");
	assert_int_equal(casefile_user_add(cf, "adm2", CF_ROLE_ADMIN, pw, strlen(pw), 1, &floor_params), CF_OK);
	crypto_secure_free(pw);
	assert_int_equal(store_dir_transition_list(cf->st, &t, &nt), CF_OK);
	casefile_close(&cf);
	directory_key_now(p2, k_new, &e_new);
	assert_memory_not_equal(k_old, k_new, sizeof k_old);
	assert_int_equal(nt, 1);
	assert_memory_equal(t[0].old_key, k_old, sizeof k_old);
	assert_memory_equal(t[0].new_key, k_new, sizeof k_new);
	assert_int_equal(t[0].epoch, e_new - 1); /* the removal's epoch; adm2's addition came after */
	free(t);
	/* the old directory key's records moved to the new key: adm's old slot reads none */
	old_slot_reads(keep, p2, "adm", people[1].pass, CF_COMPARTMENT_DIRECTORY, &ok, &bad);
	assert_int_equal(ok, 0);
	assert_int_equal(bad, 1);

	/* a hand-over whose signature does not hold, or that is gone, is followed by nobody */
	copy_file(p2, p3);
	sql_on(p3, "UPDATE directory_transition SET sig = randomblob(64)");
	cf = open_ok(p3);
	assert_int_equal(casefile_testing_remac(cf, "hot", people[4].pass), CF_OK);
	casefile_close(&cf);
	expect_unlock(p3, "coun", people[2].pass, CF_ERR_DAMAGED);
	copy_file(p2, p3);
	sql_on(p3, "DELETE FROM directory_transition");
	cf = open_ok(p3);
	assert_int_equal(casefile_testing_remac(cf, "hot", people[4].pass), CF_OK);
	casefile_close(&cf);
	expect_unlock(p3, "coun", people[2].pass, CF_ERR_DAMAGED);
	unlink(p3);
	copy_file(p2, p4); /* for sup's residual window below: nobody but boss has unlocked it since */

	/* coun follows the hand-over and pins the new key; adm2 got the new key from boss */
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	assert_int_equal(crypto_keyring_directory_pin(cf->kr, pin, &pin_epoch), CF_OK);
	assert_memory_equal(pin, k_new, sizeof pin);
	assert_int_equal(pin_epoch, e_new);
	casefile_close(&cf);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "adm2", "extra-fixture-passphrase-1"), CF_OK);
	assert_true(casefile_compartments(cf) & CF_COMPARTMENT_BIT(CF_COMPARTMENT_DIRECTORY));
	assert_int_equal(casefile_user_set_disabled(cf, "hot", 1), CF_OK);
	assert_int_equal(casefile_user_set_disabled(cf, "hot", 0), CF_OK);
	casefile_close(&cf);
	expect_unlock(p2, "boss", people[0].pass, CF_OK);

	/* the removed admin signs its way back with the old key: refused by everyone who unlocked since */
	forge_directory_as_removed_admin(p2, keep, "adm", people[1].pass);
	expect_unlock(p2, "coun", people[2].pass, CF_ERR_DAMAGED);
	expect_unlock(p2, "boss", people[0].pass, CF_ERR_DAMAGED);
	expect_unlock(p2, "adm2", "extra-fixture-passphrase-1", CF_ERR_DAMAGED);
	/* the residual window: sup has not unlocked since the removal, and takes the forgery */
	forge_directory_as_removed_admin(p4, keep, "adm", people[1].pass);
	expect_unlock(p4, "sup", people[3].pass, CF_OK);
	unlink(p4);

	/* a removal by a session that cannot re-seal its slot: boss's next unlock rotates */
	copy_fixture("dirkey-late.carefile", p3, sizeof p3);
	cf = open_ok(p3);
	pw = secret(people[0].pass);
	assert_int_equal(casefile_unlock_with(cf, "boss", open_keeping_no_kek, pw, pw, strlen(pw)), CF_OK);
	assert_int_equal(casefile_user_remove(cf, "adm"), CF_OK);
	casefile_close(&cf);
	directory_key_now(p3, k_new, NULL);
	assert_memory_equal(k_new, k_old, sizeof k_old); /* not rotated yet */
	cf = open_ok(p3);
	assert_int_equal(casefile_unlock_with(cf, "boss", open_keeping_no_kek, pw, pw, strlen(pw)), CF_OK);
	casefile_close(&cf);
	crypto_secure_free(pw);
	directory_key_now(p3, k_new, NULL);
	assert_memory_not_equal(k_new, k_old, sizeof k_old);
	expect_unlock(p3, "coun", people[2].pass, CF_OK);
	expect_unlock(p3, "boss", people[0].pass, CF_OK);
	{
		struct cf_check_report r;

		cf = open_ok(p3);
		assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_OK);
		count_rows(cf, &canary_tables[CF_COMPARTMENT_DIRECTORY], &ok, &bad);
		assert_int_equal(ok, 1);
		assert_int_equal(bad, 0);
		assert_int_equal(casefile_check(cf, &r), CF_OK);
		assert_int_equal(r.n_failures, 0);
		casefile_check_report_fini(&r);
		casefile_close(&cf);
	}
	unlink(p3);
	unlink(keep);
	unlink(p2);
}

static void
test_metadata_rows_follow_no_roster(void **state)
{
	static const char *const names[] = { "王一", "欧阳明月", "李", "司马相如小明", "张三丰", "赵" };
	char p2[400];
	struct cf_casefile *cf;
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t ids[6], lens[6];
	int ascending = 1, n = 0;

	(void)state;
	copy_fixture("metadata.carefile", p2, sizeof p2);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	for (int i = 0; i < 6; i++) {
		char number[16];

		snprintf(number, sizeof number, "M%03d", i);
		ids[i] = add_student(cf, number, names[i], NULL);
	}
	casefile_close(&cf);
	for (int i = 1; i < 6; i++)
		ascending = ascending && ids[i] == ids[i - 1] + 1;
	assert_false(ascending);
	assert_int_equal(sqlite3_open_v2(p2, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, length(data) FROM student WHERE id = ?", -1, &s, NULL),
	                 SQLITE_OK);
	for (int i = 0; i < 6; i++) {
		sqlite3_bind_int64(s, 1, ids[i]);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		lens[i] = sqlite3_column_int64(s, 1);
		/* two ids in a row would be one chance in 2^62 */
		assert_true(ids[i] > 2);
		sqlite3_reset(s);
		n++;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_int_equal(n, 6);
	/* names of 3 to 18 bytes: one bucket */
	for (int i = 1; i < 6; i++)
		assert_int_equal(lens[i], lens[0]);
	assert_int_equal(lens[0], 64 + CF_RECORD_OVERHEAD);
	unlink(p2);
}

/*
 * The rollback witness (trust issue, item 4): coun, on this PC, saw the file
 * after a write; the older copy put back in its place is refused after the
 * passphrase, before anything is written, and opens once accepted. Another
 * account, which never saw the newer state here, is not stopped.
 */
static void
test_x_trust_rollback_witness(void **state)
{
	char p2[400], old[400], state_dir[400], cmd[1000];
	struct cf_casefile *cf;
	uint64_t seen = 0, now = 0;
	uint8_t *before, *after;
	size_t lb = 0, la = 0;
	char *saved = getenv("XDG_STATE_HOME") ? strdup(getenv("XDG_STATE_HOME")) : NULL;

	(void)state;
	snprintf(state_dir, sizeof state_dir, "%s/state", dir);
	assert_int_equal(setenv("XDG_STATE_HOME", state_dir, 1), 0);
	copy_fixture("witness.carefile", p2, sizeof p2);
	copy_fixture("witness-old.carefile", old, sizeof old);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	add_canary(cf, CF_COMPARTMENT_CLINICAL, "written-after-the-copy");
	casefile_close(&cf);
	/* the witness: private, and nothing about a student in it */
	{
		struct stat sb;
		char wpath[500];

		snprintf(wpath, sizeof wpath, "%s/carefile/witness", state_dir);
		assert_int_equal(stat(wpath, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
		snprintf(wpath, sizeof wpath, "%s/carefile", state_dir);
		assert_int_equal(stat(wpath, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0700);
	}
	/* put the older copy back */
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", old, p2);
	assert_int_equal(system(cmd), 0);
	before = slurp(p2, &lb);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_ERR_ROLLBACK);
	assert_false(casefile_is_unlocked(cf));
	casefile_rollback_counts(cf, &seen, &now);
	assert_true(seen > now);
	casefile_close(&cf);
	after = slurp(p2, &la);
	assert_int_equal(la, lb);
	assert_memory_equal(after, before, lb); /* nothing written */
	free(after);
	/* boss never saw the newer state on this PC */
	expect_unlock(p2, "boss", people[0].pass, CF_OK);
	/* coun says it was restored from a backup: it opens, and from now on this state is the one seen */
	cf = open_ok(p2);
	casefile_accept_rollback(cf);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	casefile_close(&cf);
	expect_unlock(p2, "coun", people[2].pass, CF_OK);
	/*
	 * An insider with a keyslot cuts the audit log back, raises the write
	 * counter and re-MACs the header: the counter says newer, but the entry
	 * coun saw last is gone. The witness remembers it.
	 */
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	add_canary(cf, CF_COMPARTMENT_CLINICAL, "logged-then-cut");
	casefile_close(&cf);
	sql_on(p2, "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit); UPDATE meta SET generation = generation + 100");
	cf = open_ok(p2);
	assert_int_equal(casefile_testing_remac(cf, "hot", people[4].pass), CF_OK);
	casefile_close(&cf);
	expect_unlock(p2, "coun", people[2].pass, CF_ERR_ROLLBACK);
	/* boss saw only an older entry, which is still there */
	expect_unlock(p2, "boss", people[0].pass, CF_OK);
	/* without a state directory there is no witness, and nothing is refused for it */
	assert_int_equal(setenv("XDG_STATE_HOME", "/dev/null/none", 1), 0);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", old, p2);
	assert_int_equal(system(cmd), 0);
	expect_unlock(p2, "coun", people[2].pass, CF_OK);
	if (saved)
		setenv("XDG_STATE_HOME", saved, 1);
	else
		unsetenv("XDG_STATE_HOME");
	free(saved);
	free(before);
	unlink(p2);
	unlink(old);
}

/* A disabled account's right passphrase unlocks nothing; only an admin disables, never themself. */
static void
test_disabled_account_cannot_unlock(void **state)
{
	struct cf_casefile *cf = open_ok(path);
	struct cf_user_info *u = NULL;
	size_t n = 0;
	int seen = 0;

	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	assert_int_equal(casefile_user_set_disabled(cf, "hot", 1), CF_ERR_PERMISSION);
	casefile_close(&cf);

	cf = open_ok(path);
	assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
	assert_int_equal(casefile_user_set_disabled(cf, "adm", 1), CF_ERR_INVALID);
	assert_int_equal(casefile_user_set_disabled(cf, "nobody", 1), CF_ERR_NOT_FOUND);
	assert_int_equal(casefile_user_set_disabled(cf, "hot", 1), CF_OK);
	assert_int_equal(casefile_user_list(cf, &u, &n), CF_OK);
	for (size_t i = 0; i < n; i++)
		if (strcmp(u[i].name, "hot") == 0) {
			assert_int_equal(u[i].disabled, 1);
			seen = 1;
		} else {
			assert_int_equal(u[i].disabled, 0);
		}
	assert_true(seen);
	casefile_user_list_free(&u, n);
	casefile_close(&cf);

	cf = open_ok(path);
	/* a wrong passphrase is still only "wrong": the flag is told after the passphrase proved right */
	assert_int_equal(unlock_as(cf, "hot", "not-the-hot-passphrase-1"), CF_ERR_AUTH);
	assert_int_equal(unlock_as(cf, "hot", people[4].pass), CF_ERR_DISABLED);
	assert_false(casefile_is_unlocked(cf));
	assert_int_equal(casefile_compartments(cf), 0);
	casefile_close(&cf);

	cf = open_ok(path);
	assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
	assert_int_equal(casefile_user_set_disabled(cf, "hot", 0), CF_OK);
	casefile_close(&cf);
	cf = open_ok(path);
	assert_int_equal(unlock_as(cf, "hot", people[4].pass), CF_OK);
	casefile_close(&cf);

	/* the flag is under the header MAC: flipping it in the file is tampering, not enabling */
	{
		sqlite3 *db = NULL;

		cf = open_ok(path);
		assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
		assert_int_equal(casefile_user_set_disabled(cf, "hot", 1), CF_OK);
		casefile_close(&cf);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "UPDATE user SET disabled = 0 WHERE name = 'hot'", NULL, NULL, NULL),
		                 SQLITE_OK);
		sqlite3_close(db);
		cf = open_ok(path);
		assert_int_equal(unlock_as(cf, "hot", people[4].pass), CF_ERR_DAMAGED);
		casefile_close(&cf);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "UPDATE user SET disabled = 1 WHERE name = 'hot'", NULL, NULL, NULL),
		                 SQLITE_OK);
		sqlite3_close(db);
		cf = open_ok(path);
		assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
		assert_int_equal(casefile_user_set_disabled(cf, "hot", 0), CF_OK);
		casefile_close(&cf);
	}
}

/* ---- canaries ---- */

static int
file_contains(const char *p, const char *needle)
{
	FILE *f = fopen(p, "rb");
	char *buf;
	long n;
	int found;

	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	found = n > 0 && memmem(buf, (size_t)n, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

/* Every file in dir (the case file, -wal, -shm, anything else the process made). */
static void
assert_no_canary_in_dir(const char *extra)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int files = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		char p[600];

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		files++;
		for (int c = 0; c < CF_COMPARTMENT__COUNT; c++)
			assert_false(file_contains(p, canary[c]));
		assert_false(file_contains(p, "CANARY-contact-summary-41c0de"));
		assert_false(file_contains(p, "测试甲"));
		if (extra)
			assert_false(file_contains(p, extra));
		/* the fixture's passphrases never reach a file either */
		for (size_t i = 0; i < N_PEOPLE; i++)
			assert_false(file_contains(p, people[i].pass));
	}
	closedir(d);
	assert_true(files >= 1);
}

static void
test_canaries_absent_from_every_file(void **state)
{
	struct cf_casefile *cf = open_ok(path);
	const char *fresh = "CANARY-written-while-open-77aa01";
	char wal[400];
	struct stat sb;

	assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_OK);
	add_canary(cf, CF_COMPARTMENT_CLINICAL, fresh);
	/* while open, the new row is in the -wal: check it there */
	snprintf(wal, sizeof wal, "%s-wal", path);
	assert_int_equal(stat(wal, &sb), 0);
	assert_true(sb.st_size > 0);
	assert_no_canary_in_dir(fresh);
	casefile_close(&cf);
	assert_no_canary_in_dir(fresh);
	/* and it is really there, encrypted */
	cf = open_ok(path);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	{
		struct cf_record_list l;

		assert_int_equal(casefile_record_list(cf, &canary_tables[CF_COMPARTMENT_CLINICAL], NULL, &l), CF_OK);
		assert_int_equal(l.n, 2);
		assert_string_equal(((struct canary *)casefile_record_list_at(&l, 1))->text, fresh);
		casefile_record_list_fini(&l);
	}
	/* remove it again so the other tests see the fixture as made */
	casefile_close(&cf);
	sql_on(path, "PRAGMA locking_mode=EXCLUSIVE; PRAGMA secure_delete=ON;"
	             "DELETE FROM canary_clinical WHERE id = (SELECT max(id) FROM canary_clinical)");
}

/* ---- moved, replayed and edited rows ---- */

/* check as boss: CF_OK, or the one failing row (table and id) in *table / *row. */
static enum cf_error
check_as_boss(const char *p, const char **table, int64_t *row)
{
	struct cf_casefile *cf = open_ok(p);
	struct cf_check_report r;
	enum cf_error e;

	assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_OK);
	e = casefile_check(cf, &r);
	*table = NULL;
	*row = 0;
	{
		/* a row whose uuid changed is also missing under its old uuid (the audit log): count the rows */
		size_t rows = 0;

		for (size_t i = 0; i < r.n_failures; i++) {
			if (r.failures[i].problem == CF_CHECK_MISSING)
				continue;
			*table = r.failures[i].table;
			*row = r.failures[i].row_id;
			rows++;
			if (getenv("CF_DEBUG"))
				fprintf(stderr, "failure %s %lld problem %d\n", r.failures[i].table, (long long)r.failures[i].row_id,
				        (int)r.failures[i].problem);
		}
		if (e == CF_ERR_DAMAGED)
			assert_int_equal(rows, 1);
	}
	casefile_check_report_fini(&r);
	casefile_close(&cf);
	return e;
}

/* ---- the drop box (issue 8, item 5) ---- */

/* A hotline worker hands an alert to counselors: casefile_record_drop() of a call_alert with reason text. */
static enum cf_error
drop_alert(struct cf_casefile *cf, const char *reason, struct cf_row *row)
{
	struct cf_call_alert a;
	enum cf_error e;

	record_init(&cf_call_alert_type, &a, NULL);
	casefile_today(a.date);
	a.level = CF_CALL_ALERT_HIGH;
	assert_int_equal(record_set_text(&cf_call_alert_type, &a, &a.caller, "小林", strlen("小林")), CF_OK);
	assert_int_equal(record_set_text(&cf_call_alert_type, &a, &a.reason, reason, strlen(reason)), CF_OK);
	memset(row, 0, sizeof *row);
	e = casefile_record_drop(cf, &cf_table_call_alert, row, &a, NULL);
	record_fini(&cf_call_alert_type, &a);
	return e;
}

static int64_t
rows_in(const char *p, const char *table)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char sql[100];
	int64_t n = -1;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

/* The reason text of call alert id as name reads it, or the error. */
static enum cf_error
read_alert_as(const char *p, const char *name, const char *pass, int64_t id, char *out, size_t size)
{
	struct cf_casefile *cf = open_ok(p);
	struct cf_call_alert a;
	struct cf_row row;
	enum cf_error e;

	out[0] = '\0';
	record_init(&cf_call_alert_type, &a, NULL);
	assert_int_equal(unlock_as(cf, name, pass), CF_OK);
	e = casefile_record_get(cf, &cf_table_call_alert, id, NULL, &a, &row);
	if (e == CF_OK)
		snprintf(out, size, "%s", a.reason ? a.reason : "");
	record_fini(&cf_call_alert_type, &a);
	casefile_close(&cf);
	return e;
}

/*
 * The hotline holds only the hotline key, yet hands an alert to counselors:
 * sealed to the clinical compartment's drop key, which a holder published and
 * signed. The writer cannot read it back; counselors can; a planted or
 * forged drop key is refused and nothing is written; a rotation carries the
 * alerts over and publishes the new key.
 */
static void
test_x_trust_drop_box(void **state)
{
	char p2[400], got[200];
	struct cf_casefile *cf;
	struct cf_row row, r2;
	const char *table;
	int64_t id, rowid;

	(void)state;
	copy_fixture("drop.carefile", p2, sizeof p2);
	/* published when the file was made */
	assert_int_equal(rows_in(p2, "drop_key"), 1);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "hot", people[4].pass), CF_OK);
	assert_int_equal(drop_alert(cf, "CANARY-drop-caller-wants-to-die-7a1b", &row), CF_OK);
	id = row.id;
	assert_true(id != 0);
	/* the writer cannot read it, change it, or drop into a table that takes no drops */
	assert_int_equal(casefile_record_get(cf, &cf_table_call_alert, id, NULL, &(struct cf_call_alert){ 0 }, &r2),
	                 CF_ERR_PERMISSION);
	assert_int_equal(drop_alert(cf, "again", &r2), CF_OK);
	r2.version = 1;
	{
		struct cf_call_alert a;

		record_init(&cf_call_alert_type, &a, NULL);
		casefile_today(a.date);
		a.level = CF_CALL_ALERT_WATCH;
		assert_int_equal(record_set_text(&cf_call_alert_type, &a, &a.reason, "x", 1), CF_OK);
		assert_int_equal(casefile_record_drop(cf, &cf_table_call_alert, &r2, &a, NULL), CF_ERR_INVALID);
		record_fini(&cf_call_alert_type, &a);
	}
	{
		struct cf_student st;

		student_init(&st, NULL);
		assert_int_equal(student_set_str(&st, &st.student_number, "H009", 4), CF_OK);
		assert_int_equal(student_set_str(&st, &st.name, "热线", strlen("热线")), CF_OK);
		memset(&r2, 0, sizeof r2);
		assert_int_equal(casefile_record_drop(cf, &cf_table_student, &r2, &st, NULL), CF_ERR_PERMISSION);
		student_fini(&st);
	}
	casefile_close(&cf);
	assert_false(file_contains(p2, "CANARY-drop"));
	/* an admin holds no hotline key: no drop either */
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
	assert_int_equal(drop_alert(cf, "from the admin", &r2), CF_ERR_PERMISSION);
	casefile_close(&cf);
	/* a counselor reads it; check passes for everyone (the entry is hot's, signed) */
	assert_int_equal(read_alert_as(p2, "coun", people[2].pass, id, got, sizeof got), CF_OK);
	assert_string_equal(got, "CANARY-drop-caller-wants-to-die-7a1b");
	assert_int_equal(read_alert_as(p2, "hot", people[4].pass, id, got, sizeof got), CF_ERR_PERMISSION);
	assert_int_equal(check_as_boss(p2, &table, &rowid), CF_OK);

	/*
	 * An insider swaps the published key for one of their own (re-MACed), or
	 * claims it was hot's: refused, nothing written. A holder's next unlock
	 * publishes the right key again.
	 */
	{
		static const char *const forged[] = {
			"UPDATE drop_key SET public_key = randomblob(32)",
			"UPDATE drop_key SET signer_id = (SELECT id FROM user WHERE name = 'hot')",
			"UPDATE drop_key SET key_id = key_id + 1",
			"UPDATE drop_key SET sig = randomblob(64)",
		};

		for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
			char p3[400];
			int64_t before;

			copy_fixture("drop-forged.carefile", p3, sizeof p3);
			sql_on(p3, forged[i]);
			cf = open_ok(p3);
			assert_int_equal(casefile_testing_remac(cf, "hot", people[4].pass), CF_OK);
			casefile_close(&cf);
			before = rows_in(p3, "call_alert");
			cf = open_ok(p3);
			assert_int_equal(unlock_as(cf, "hot", people[4].pass), CF_OK);
			assert_int_equal(drop_alert(cf, "to a forged key", &r2), CF_ERR_DAMAGED);
			casefile_close(&cf);
			assert_int_equal(rows_in(p3, "call_alert"), before);
			/* coun unlocks: the key is published again, and hot's alert goes through */
			cf = open_ok(p3);
			assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
			casefile_close(&cf);
			cf = open_ok(p3);
			assert_int_equal(unlock_as(cf, "hot", people[4].pass), CF_OK);
			assert_int_equal(drop_alert(cf, "after the repair", &r2), CF_OK);
			casefile_close(&cf);
			assert_int_equal(read_alert_as(p3, "coun", people[2].pass, r2.id, got, sizeof got), CF_OK);
			assert_string_equal(got, "after the repair");
			unlink(p3);
		}
	}

	/*
	 * A holder (sup) disabled: its keys are revoked. Until a remaining holder
	 * unlocks, the key published (boss's, boss enabled) is a key sup's old
	 * slot holds, so the hotline's drop waits (CF_ERR_NOT_FOUND, nothing
	 * written); coun's unlock rotates clinical, re-seals the alerts and
	 * publishes the new key.
	 */
	{
		char cmd[900];

		/* the published key as it is now, for the replay below */
		snprintf(cmd, sizeof cmd, "cp '%s' '%s/drop-before.carefile'", p2, dir);
		assert_int_equal(system(cmd), 0);
	}
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
	assert_int_equal(casefile_user_set_disabled(cf, "sup", 1), CF_OK);
	casefile_close(&cf);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "hot", people[4].pass), CF_OK);
	assert_int_equal(drop_alert(cf, "while the revoked key is the published one", &r2), CF_ERR_NOT_FOUND);
	casefile_close(&cf);
	assert_int_equal(rows_in(p2, "call_alert"), 2);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	assert_true(crypto_keyring_key_id(cf->kr, CF_COMPARTMENT_CLINICAL) > 1);
	casefile_close(&cf);
	cf = open_ok(p2);
	assert_int_equal(unlock_as(cf, "hot", people[4].pass), CF_OK);
	assert_int_equal(drop_alert(cf, "after the rotation", &r2), CF_OK);
	casefile_close(&cf);
	assert_int_equal(read_alert_as(p2, "coun", people[2].pass, id, got, sizeof got), CF_OK);
	assert_string_equal(got, "CANARY-drop-caller-wants-to-die-7a1b");
	assert_int_equal(read_alert_as(p2, "boss", people[0].pass, r2.id, got, sizeof got), CF_OK);
	assert_string_equal(got, "after the rotation");

	/*
	 * The old, genuinely signed drop key put back after the rotation (a
	 * helper's attack): without a keyslot the header MAC catches it; re-MACed
	 * by the hotline insider, the drop is refused, since that key id is below
	 * the revocation epoch (a key sup's old slot holds; its signer boss is
	 * still enabled), and nothing is written.
	 */
	{
		char sql[900];
		int64_t before;

		snprintf(sql, sizeof sql,
		         "ATTACH '%s/drop-before.carefile' AS b; INSERT OR REPLACE INTO drop_key SELECT * FROM b.drop_key",
		         dir);
		sql_on(p2, sql);
		expect_unlock(p2, "hot", people[4].pass, CF_ERR_DAMAGED);
		cf = open_ok(p2);
		assert_int_equal(casefile_testing_remac(cf, "hot", people[4].pass), CF_OK);
		casefile_close(&cf);
		before = rows_in(p2, "call_alert");
		cf = open_ok(p2);
		assert_int_equal(unlock_as(cf, "hot", people[4].pass), CF_OK);
		assert_int_equal(drop_alert(cf, "to the replayed old key", &r2), CF_ERR_NOT_FOUND);
		casefile_close(&cf);
		assert_int_equal(rows_in(p2, "call_alert"), before);
		snprintf(sql, sizeof sql, "%s/drop-before.carefile", dir);
		unlink(sql);
	}
	unlink(p2);
}

/* Each edit of a plaintext column (then undone) makes exactly that row fail. */
static void
expect_caught(const char *p, const char *edit, const char *undo, const char *want_table, int64_t want_row)
{
	const char *table;
	int64_t row;

	sql_on(p, edit);
	if (check_as_boss(p, &table, &row) != CF_ERR_DAMAGED)
		fprintf(stderr, "not caught: %s\n", edit);
	assert_int_equal(check_as_boss(p, &table, &row), CF_ERR_DAMAGED);
	assert_string_equal(table, want_table);
	assert_int_equal(row, want_row);
	sql_on(p, undo);
	assert_int_equal(check_as_boss(p, &table, &row), CF_OK);
}

static void
test_moved_replayed_or_edited_rows_fail(void **state)
{
	struct cf_casefile *cf = NULL;
	struct cf_students *idx = NULL;
	struct cf_student s;
	enum cf_store_reason why;
	const char *table;
	int64_t row;
	char opath[400], mpath[400], sql[1200], *p;
	size_t pos;

	(void)state;
	/* work on a copy: the fixture stays as it was */
	snprintf(mpath, sizeof mpath, "%s/moved.carefile", dir);
	snprintf(sql, sizeof sql, "cp '%s' '%s'", path, mpath);
	assert_int_equal(system(sql), 0);
	assert_int_equal(check_as_boss(mpath, &table, &row), CF_OK);

	/* a ciphertext copied onto another row */
	expect_caught(mpath,
	              "CREATE TABLE o.keep AS SELECT * FROM student WHERE id = 2;"
	              "UPDATE student SET data = (SELECT data FROM student WHERE id = 1) WHERE id = 2",
	              "UPDATE student SET data = (SELECT data FROM o.keep) WHERE id = 2; DROP TABLE o.keep", "student", 2);
	/* every plaintext column is bound: status, version, created, updated */
	expect_caught(mpath, "UPDATE student SET status = 3 WHERE id = 1", "UPDATE student SET status = 0 WHERE id = 1",
	              "student", 1);
	expect_caught(mpath, "UPDATE student SET version = version + 1 WHERE id = 1",
	              "UPDATE student SET version = version - 1 WHERE id = 1", "student", 1);
	expect_caught(mpath, "UPDATE student SET created = created - 86400 WHERE id = 2",
	              "UPDATE student SET created = created + 86400 WHERE id = 2", "student", 2);
	expect_caught(mpath, "UPDATE student SET updated = updated + 1 WHERE id = 2",
	              "UPDATE student SET updated = updated - 1 WHERE id = 2", "student", 2);
	/* a contact moved to another student: its link is bound as the student's uuid */
	expect_caught(mpath, "UPDATE contact SET student_id = 2 WHERE student_id = 1",
	              "UPDATE contact SET student_id = 1 WHERE student_id = 2", "contact", 1);
	/* a uuid swapped: the ciphertext names its own row */
	expect_caught(mpath, "CREATE TABLE o.u AS SELECT uuid FROM student WHERE id = 2;"
	                     "UPDATE student SET uuid = randomblob(16) WHERE id = 2",
	              "UPDATE student SET uuid = (SELECT uuid FROM o.u) WHERE id = 2; DROP TABLE o.u", "student", 2);

	/* an older ciphertext of the same row put back: the row's version moved on */
	sql_on(mpath, "CREATE TABLE o.old AS SELECT data, version FROM student WHERE id = 1");
	cf = open_ok(mpath);
	assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_OK);
	assert_int_equal(students_load(cf, &idx), CF_OK);
	assert_int_equal(students_find_number(idx, "T001", &pos), CF_OK);
	assert_int_equal(student_copy(&s, students_get(idx, pos), NULL), CF_OK);
	assert_int_equal(student_set_str(&s, &s.name, "改名", strlen("改名")), CF_OK);
	assert_int_equal(students_update(cf, idx, students_id(idx, pos), &s, NULL), CF_OK);
	student_fini(&s);
	students_free(&idx);
	casefile_close(&cf);
	expect_caught(mpath, "CREATE TABLE o.cur AS SELECT data FROM student WHERE id = 1;"
	                     "UPDATE student SET data = (SELECT data FROM o.old) WHERE id = 1",
	              "UPDATE student SET data = (SELECT data FROM o.cur) WHERE id = 1; DROP TABLE o.cur", "student", 1);

	/* another case file: the same row copied in (its uuid too) fails there */
	snprintf(opath, sizeof opath, "%s/other.carefile", dir);
	p = secret(people[0].pass);
	assert_int_equal(casefile_create(opath, "boss", p, strlen(p), 1, &floor_params, NULL, &cf, &why), CF_OK);
	crypto_secure_free(p);
	casefile_close(&cf);
	snprintf(sql, sizeof sql,
	         "ATTACH '%s' AS m; INSERT INTO student(uuid, compartment, version, created, updated, data, status) "
	         "SELECT uuid, compartment, version, created, updated, data, status FROM m.student WHERE id = 2",
	         mpath);
	sql_on(opath, sql);
	assert_int_equal(check_as_boss(opath, &table, &row), CF_ERR_DAMAGED);
	assert_string_equal(table, "student");
	unlink(opath);
	unlink(mpath);
}


/* ---- the audit log ---- */

/* check as name: its result, with the failures counted by problem */
static enum cf_error
check_as(const char *p, const char *name, const char *pass, size_t problems[4], struct cf_audit_report *audit)
{
	struct cf_casefile *cf = open_ok(p);
	struct cf_check_report r;
	enum cf_error e;

	assert_int_equal(unlock_as(cf, name, pass), CF_OK);
	e = casefile_check(cf, &r);
	memset(problems, 0, 4 * sizeof *problems);
	for (size_t i = 0; i < r.n_failures; i++) {
		if (getenv("CF_DEBUG"))
			fprintf(stderr, "failure %s %lld problem %d err %s\n", r.failures[i].table,
			        (long long)r.failures[i].row_id, (int)r.failures[i].problem, cf_error_name(r.failures[i].err));
		assert_true(r.failures[i].problem <= CF_CHECK_MISSING);
		problems[r.failures[i].problem]++;
		if (r.failures[i].problem != CF_CHECK_UNREADABLE)
			assert_string_equal(r.failures[i].table, "student");
	}
	assert_true(r.has_audit);
	if (audit)
		*audit = r.audit;
	casefile_check_report_fini(&r);
	casefile_close(&cf);
	return e;
}

/* p as a fresh copy of the fixture, with no -wal or -shm of an earlier copy left beside it */
static void
fresh_copy(const char *p)
{
	char sql[1000];

	snprintf(sql, sizeof sql, "rm -f '%s' '%s-wal' '%s-shm' && cp '%s' '%s'", p, p, p, path, p);
	assert_int_equal(system(sql), 0);
}

/* audit verify on a locked file (no key) */
static enum cf_error
verify_locked(const char *p, struct cf_audit_report *r)
{
	struct cf_casefile *cf = open_ok(p);
	enum cf_error e = casefile_audit_verify(cf, r);

	casefile_close(&cf);
	return e;
}

static void
test_x_trust_audit_log_catches_deletion_replay_and_edits(void **state)
{
	struct cf_casefile *cf = NULL;
	struct cf_students *idx = NULL;
	struct cf_student st;
	struct cf_audit_report a, b;
	size_t pr[4], pos;
	char apath[400];
	const char *hot_pass = people[4].pass;

	(void)state;
	snprintf(apath, sizeof apath, "%s/audit.carefile", dir);
	fresh_copy(apath);
	assert_int_equal(check_as(apath, "boss", people[0].pass, pr, &a), CF_OK);
	assert_int_equal(a.first_broken, 0);
	assert_true(a.entries >= 3); /* two students and a contact at least */
	/* anyone verifies the chain without a key, and finds what check found */
	assert_int_equal(verify_locked(apath, &b), CF_OK);
	assert_int_equal(b.entries, a.entries);
	assert_memory_equal(b.head, a.head, sizeof a.head);

	/* a deleted student: the log says it exists; caught even by a role that cannot read it */
	sql_on(apath, "CREATE TABLE o.gone AS SELECT * FROM student WHERE id = 2; DELETE FROM student WHERE id = 2");
	assert_int_equal(check_as(apath, "boss", people[0].pass, pr, NULL), CF_ERR_DAMAGED);
	assert_int_equal(pr[CF_CHECK_MISSING], 1);
	assert_int_equal(pr[CF_CHECK_UNREADABLE] + pr[CF_CHECK_NOT_IN_LOG] + pr[CF_CHECK_DIFFERS_FROM_LOG], 0);
	assert_int_equal(check_as(apath, "hot", hot_pass, pr, NULL), CF_ERR_DAMAGED);
	assert_int_equal(pr[CF_CHECK_MISSING], 1);
	/* planted: the same row under a new uuid is in no entry */
	sql_on(apath, "UPDATE o.gone SET uuid = randomblob(16), id = 77; INSERT INTO student SELECT * FROM o.gone");
	assert_int_equal(check_as(apath, "hot", hot_pass, pr, NULL), CF_ERR_DAMAGED);
	assert_int_equal(pr[CF_CHECK_NOT_IN_LOG], 1);
	assert_int_equal(pr[CF_CHECK_MISSING], 1);
	sql_on(apath, "DELETE FROM student WHERE id = 77; DROP TABLE o.gone");
	fresh_copy(apath);

	/* an edited timestamp: a role without the key cannot authenticate the row, the log catches it */
	sql_on(apath, "UPDATE student SET updated = updated + 3600 WHERE id = 1");
	assert_int_equal(check_as(apath, "hot", hot_pass, pr, NULL), CF_ERR_DAMAGED);
	assert_int_equal(pr[CF_CHECK_DIFFERS_FROM_LOG], 1);
	sql_on(apath, "UPDATE student SET updated = updated - 3600 WHERE id = 1");
	assert_int_equal(check_as(apath, "hot", hot_pass, pr, NULL), CF_OK);

	/*
	 * A replay: the whole older row (ciphertext, version, times) put back
	 * after an edit authenticates as it did; the log knows the newer version.
	 */
	sql_on(apath, "CREATE TABLE o.old AS SELECT * FROM student WHERE id = 1");
	cf = open_ok(apath);
	assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_OK);
	assert_int_equal(students_load(cf, &idx), CF_OK);
	assert_int_equal(students_find_id(idx, 1, &pos), CF_OK);
	assert_int_equal(student_copy(&st, students_get(idx, pos), NULL), CF_OK);
	assert_int_equal(student_set_str(&st, &st.name, "改名", strlen("改名")), CF_OK);
	assert_int_equal(students_update(cf, idx, 1, &st, NULL), CF_OK);
	student_fini(&st);
	students_free(&idx);
	casefile_close(&cf);
	assert_int_equal(check_as(apath, "boss", people[0].pass, pr, &a), CF_OK);
	sql_on(apath, "DELETE FROM student WHERE id = 1; INSERT INTO student SELECT * FROM o.old; DROP TABLE o.old");
	assert_int_equal(check_as(apath, "boss", people[0].pass, pr, NULL), CF_ERR_DAMAGED);
	assert_int_equal(pr[CF_CHECK_DIFFERS_FROM_LOG], 1);
	assert_int_equal(pr[CF_CHECK_UNREADABLE], 0); /* the old ciphertext itself still authenticates */
	assert_int_equal(check_as(apath, "hot", hot_pass, pr, NULL), CF_ERR_DAMAGED);
	assert_int_equal(pr[CF_CHECK_DIFFERS_FROM_LOG], 1);

	/* the chain: an entry removed, changed, reordered; its signature stripped */
	fresh_copy(apath);
	assert_int_equal(verify_locked(apath, &a), CF_OK);
	assert_true(a.entries >= 3);
	sql_on(apath, "CREATE TABLE o.e AS SELECT * FROM audit WHERE seq = 2; DELETE FROM audit WHERE seq = 2");
	assert_int_equal(verify_locked(apath, &b), CF_ERR_DAMAGED);
	assert_int_equal(b.first_broken, 2);
	assert_int_equal(b.why, CF_AUDIT_BROKEN_ORDER);
	sql_on(apath, "INSERT INTO audit SELECT * FROM o.e; DROP TABLE o.e; UPDATE audit SET at = at - 60 WHERE seq = 2");
	assert_int_equal(verify_locked(apath, &b), CF_ERR_DAMAGED);
	assert_int_equal(b.first_broken, 2);
	assert_int_equal(b.why, CF_AUDIT_BROKEN_HASH);
	sql_on(apath, "UPDATE audit SET at = at + 60 WHERE seq = 2;"
	              "UPDATE audit SET seq = seq + 1000000 WHERE seq IN (2, 3);"
	              "UPDATE audit SET seq = 1000005 - seq WHERE seq IN (1000002, 1000003)");
	assert_int_equal(verify_locked(apath, &b), CF_ERR_DAMAGED);
	assert_int_equal(b.first_broken, 2);
	assert_int_equal(b.why, CF_AUDIT_BROKEN_HASH); /* entry 3's fields at place 2 */
	sql_on(apath, "UPDATE audit SET seq = seq + 1000000 WHERE seq IN (2, 3);"
	              "UPDATE audit SET seq = 1000005 - seq WHERE seq IN (1000002, 1000003);"
	              "UPDATE audit SET sig = zeroblob(64) WHERE seq = 3");
	assert_int_equal(verify_locked(apath, &b), CF_ERR_DAMAGED);
	assert_int_equal(b.first_broken, 3);
	assert_int_equal(b.why, CF_AUDIT_BROKEN_SIGNATURE);
	/* cut off the last entry: the header MAC binds the head, so no account opens the file */
	fresh_copy(apath);
	sql_on(apath, "DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)");
	assert_int_equal(verify_locked(apath, &b), CF_OK); /* a shorter chain is still a chain */
	cf = open_ok(apath);
	assert_int_equal(unlock_as(cf, "hot", hot_pass), CF_ERR_DAMAGED);
	casefile_close(&cf);
	unlink(apath);
}

/* ---- bit flips ---- */

struct kek_ctx {
	uint8_t *kek;
};

static int
open_with_kek(const uint8_t *blob, size_t blob_len, const struct cf_keyslot_ad *ad, void *ctx,
              struct cf_keyring **out, uint8_t **kek)
{
	const struct kek_ctx *k = ctx;

	return crypto_testing_keyslot_open_kek(blob, blob_len, k->kek, ad, out);
}

static uint8_t *
slurp(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Offset of the only occurrence of needle in the file image; fails if absent or not unique. */
static size_t
find_unique(const uint8_t *img, size_t len, const uint8_t *needle, size_t n)
{
	const uint8_t *hit = memmem(img, len, needle, n);

	assert_non_null(hit);
	assert_null(memmem(hit + 1, len - (size_t)(hit - img) - 1, needle, n));
	return (size_t)(hit - img);
}

/*
 * Offsets of every occurrence of needle (a uuid also sits in its UNIQUE
 * index): flipping the field flips it in each, as a forger would.
 */
static size_t
find_all(const uint8_t *img, size_t len, const uint8_t *needle, size_t n, size_t *offs, size_t max)
{
	size_t found = 0;
	const uint8_t *at = img;

	while (found < max && (at = memmem(at, len - (size_t)(at - img), needle, n)) != NULL) {
		offs[found++] = (size_t)(at - img);
		at++;
	}
	assert_true(found >= 1);
	return found;
}

static void
flip_byte(int fd, size_t off, uint8_t mask)
{
	uint8_t c;

	assert_int_equal(pread(fd, &c, 1, (off_t)off), 1);
	c ^= mask;
	assert_int_equal(pwrite(fd, &c, 1, (off_t)off), 1);
}

/* Open and unlock as boss with the cached KEK: must fail as DAMAGED somewhere. Returns the error. */
static enum cf_error
open_unlock_kek(const char *p, struct kek_ctx *k)
{
	struct cf_casefile *cf = NULL;
	enum cf_store_reason why;
	enum cf_error e = casefile_open(p, &cf, &why);

	if (e == CF_OK)
		e = casefile_unlock_with(cf, "boss", open_with_kek, k, NULL, 0);
	casefile_close(&cf);
	return e;
}

/* Flips each bit of the n-byte field found in img (at every place it occurs), one at a time. */
static void
flip_every_bit(const char *p, const uint8_t *stale, size_t stale_len, const uint8_t *field, size_t n,
               struct kek_ctx *k, int *tried)
{
	size_t offs[4], len;
	/* read the file again: an SQL flip before may have moved rows */
	uint8_t *img = slurp(p, &len);
	size_t where = find_all(img, len, field, n, offs, 4);
	int fd = open(p, O_RDWR);

	(void)stale;
	(void)stale_len;
	free(img);
	assert_true(fd >= 0);
	for (size_t i = 0; i < n; i++) {
		for (int b = 0; b < 8; b++) {
			enum cf_error e;

			for (size_t w = 0; w < where; w++)
				flip_byte(fd, offs[w] + i, (uint8_t)(1u << b));
			e = open_unlock_kek(p, k);
			if (e != CF_ERR_DAMAGED)
				fprintf(stderr, "flip at byte %zu bit %d gave %s\n", offs[0] + i, b, cf_error_name(e));
			assert_int_equal(e, CF_ERR_DAMAGED);
			for (size_t w = 0; w < where; w++)
				flip_byte(fd, offs[w] + i, (uint8_t)(1u << b));
			(*tried)++;
		}
	}
	close(fd);
}

/* Flips each bit of an integer column through SQL (integers have no fixed bytes in the file). */
static void
flip_int_column(const char *p, const char *table, const char *column, int64_t rowid, int bits, struct kek_ctx *k,
                int *tried)
{
	for (int b = 0; b < bits; b++) {
		sqlite3 *db = NULL;
		char sql[200];

		assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
		/* xor spelled as (a | m) - (a & m) */
		snprintf(sql, sizeof sql,
		         "PRAGMA locking_mode=EXCLUSIVE; UPDATE %s SET %s = (%s | (1 << %d)) - (%s & (1 << %d)) WHERE rowid = %lld",
		         table, column, column, b, column, b, (long long)rowid);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_close(db), SQLITE_OK);
		{
			enum cf_error e = open_unlock_kek(p, k);

			if (e != CF_ERR_DAMAGED)
				fprintf(stderr, "flip of %s.%s bit %d gave %s\n", table, column, b, cf_error_name(e));
			assert_int_equal(e, CF_ERR_DAMAGED);
		}
		assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK); /* flip back */
		assert_int_equal(sqlite3_close(db), SQLITE_OK);
		(*tried)++;
	}
}

static void
test_x_flip_every_bit_of_header_and_keyslots(void **state)
{
	struct cf_casefile *cf = open_ok(path);
	struct cf_store_keyslot *slots = NULL;
	struct cf_store_meta m;
	struct cf_store_user boss;
	struct kek_ctx k;
	uint8_t *img, *orig;
	size_t len, olen, ns = 0;
	int tried = 0;
	char fpath[400];

	/* work on a copy: the fixture stays intact whatever happens */
	snprintf(fpath, sizeof fpath, "%s/flips.carefile", dir);
	assert_int_equal(store_meta_get(casefile_store(cf), &m), CF_OK);
	assert_int_equal(store_keyslot_list(casefile_store(cf), &slots, &ns), CF_OK);
	assert_int_equal(store_user_find(casefile_store(cf), "boss", &boss), CF_OK);
	casefile_close(&cf);
	orig = slurp(path, &olen);
	{
		int fd = open(fpath, O_WRONLY | O_CREAT | O_EXCL, 0600);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, orig, olen), (ssize_t)olen);
		close(fd);
	}
	boss_kek_refresh(fpath);
	k.kek = boss_kek;
	{
		enum cf_error e0 = open_unlock_kek(fpath, &k);

		if (e0 != CF_OK)
			fprintf(stderr, "untouched copy: %s\n", cf_error_name(e0));
		assert_int_equal(e0, CF_OK); /* the seam works on the untouched copy */
	}

	img = slurp(fpath, &len);
	/* header: file id, checksum, MAC; then format version and created through SQL */
	find_unique(img, len, m.file_id, sizeof m.file_id);
	flip_every_bit(fpath, img, len, m.file_id, sizeof m.file_id, &k, &tried);
	flip_every_bit(fpath, img, len, m.sum, m.sum_len, &k, &tried);
	flip_every_bit(fpath, img, len, m.mac, m.mac_len, &k, &tried);
	flip_int_column(fpath, "meta", "format_version", 1, 8, &k, &tried);
	flip_int_column(fpath, "meta", "created", 1, 40, &k, &tried);
	/* which compartments may still hold rows of the old sealing: a forger clearing or setting it is caught */
	flip_int_column(fpath, "meta", "legacy_records", 1, 4, &k, &tried);
	/* the signed directory: its key, signature and epoch */
	assert_non_null(m.directory_sig);
	flip_every_bit(fpath, img, len, m.directory_key, sizeof m.directory_key, &k, &tried);
	flip_every_bit(fpath, img, len, m.directory_sig, m.directory_sig_len, &k, &tried);
	flip_int_column(fpath, "meta", "directory_epoch", 1, 8, &k, &tried);
	/* the recovery key's public key (rotated keys are sealed to it): signed with the directory */
	assert_true(m.has_recovery_public_key);
	flip_every_bit(fpath, img, len, m.recovery_public_key, sizeof m.recovery_public_key, &k, &tried);
	/* boss's signing key as the directory lists it */
	assert_true(boss.has_sign_key);
	flip_every_bit(fpath, img, len, boss.sign_key, sizeof boss.sign_key, &k, &tried);
	/* every keyslot: uuid, the whole sealed blob; compartments and created through SQL */
	for (size_t i = 0; i < ns; i++) {
		flip_every_bit(fpath, img, len, slots[i].uuid, sizeof slots[i].uuid, &k, &tried);
		find_unique(img, len, slots[i].blob, slots[i].blob_len);
		flip_every_bit(fpath, img, len, slots[i].blob, slots[i].blob_len, &k, &tried);
		flip_int_column(fpath, "keyslot", "compartments", slots[i].id, 4, &k, &tried);
		flip_int_column(fpath, "keyslot", "created", slots[i].id, 32, &k, &tried);
	}
	/* a user's roles and public key are in the MAC too */
	flip_int_column(fpath, "user", "roles", boss.id, 4, &k, &tried);
	flip_every_bit(fpath, img, len, boss.public_key, sizeof boss.public_key, &k, &tried);
	free(img);
	/* every flip was undone: the copy opens again, so each DAMAGED above came from its one flip */
	assert_int_equal(open_unlock_kek(fpath, &k), CF_OK);
	assert_true(tried > 2 * CF_KEYSLOT_BLOB_BYTES * 8);
	free(orig);
	store_user_fini(&boss);
	store_keyslot_list_free(&slots, ns);
	store_meta_fini(&m);
	unlink(fpath);
}

struct one_row {
	uint8_t data[4096];
	size_t len;
};

static enum cf_error
keep_data(const struct cf_row *r, void *p)
{
	struct one_row *o = p;

	assert_true(r->data_len <= sizeof o->data);
	memcpy(o->data, r->data, r->data_len);
	o->len = r->data_len;
	return CF_OK;
}

static void
test_x_flip_sample_of_record_bits(void **state)
{
	static const struct {
		const struct cf_table *t;
		int64_t id;
	} rows[] = { { &cf_table_student, 1 }, { &cf_table_student, 2 }, { &cf_table_contact, 1 } };
	struct kek_ctx k = { boss_kek };
	int fd, samples = 0;

	boss_kek_refresh(path);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	srand(7);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct cf_casefile *cf = open_ok(path);
		struct one_row r;
		uint8_t *img;
		size_t len, off;

		assert_int_equal(store_row_get(casefile_store(cf), rows[i].t, rows[i].id, keep_data, &r), CF_OK);
		casefile_close(&cf);
		img = slurp(path, &len);
		off = find_unique(img, len, r.data, r.len);
		free(img);
		/* every bit of the envelope header (version, compartment, key id, nonce), then random bits */
		for (size_t bit = 0; bit < CF_RECORD_HEADER_BYTES * 8 + 64; bit++) {
			size_t at = bit < CF_RECORD_HEADER_BYTES * 8 ? bit / 8 : (size_t)rand() % r.len;
			uint8_t mask = (uint8_t)(1u << (bit < CF_RECORD_HEADER_BYTES * 8 ? bit % 8 : (size_t)rand() % 8));
			struct cf_check_report rep;

			flip_byte(fd, off + at, mask);
			cf = open_ok(path);
			assert_int_equal(casefile_unlock_with(cf, "boss", open_with_kek, &k, NULL, 0), CF_OK);
			assert_int_equal(casefile_check(cf, &rep), CF_ERR_DAMAGED);
			assert_int_equal(rep.n_failures, 1);
			assert_int_equal(rep.failures[0].row_id, rows[i].id);
			assert_string_equal(rep.failures[0].table, rows[i].t->name);
			casefile_check_report_fini(&rep);
			casefile_close(&cf);
			flip_byte(fd, off + at, mask);
			samples++;
		}
	}
	close(fd);
	assert_int_equal(samples, 3 * (CF_RECORD_HEADER_BYTES * 8 + 64));
}

/* ---- lock ---- */

static void
count_lock(void *ctx)
{
	(*(int *)ctx)++;
}

static void
test_lock_wipes_and_returns_to_same_user(void **state)
{
	struct cf_casefile *cf = open_ok(path);
	struct seen_text got;
	int locks = 0;

	assert_int_equal(casefile_on_lock(cf, count_lock, &locks), CF_OK);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	assert_int_equal(read_canary(cf, &canary_tables[CF_COMPARTMENT_IDENTITY], &got), CF_OK);
	casefile_lock(cf);
	assert_int_equal(locks, 1);
	casefile_lock(cf); /* already locked: nothing to wipe again */
	assert_int_equal(locks, 1);
	assert_false(casefile_is_unlocked(cf));
	assert_int_equal(casefile_compartments(cf), 0);
	assert_int_equal(read_canary(cf, &canary_tables[CF_COMPARTMENT_IDENTITY], &got), CF_ERR_LOCKED);
	assert_string_equal(casefile_user(cf), "coun");
	/* someone else cannot take over the locked session */
	assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_ERR_AUTH);
	assert_int_equal(unlock_as(cf, "coun", "wrong passphrase entirely"), CF_ERR_AUTH);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	assert_int_equal(read_canary(cf, &canary_tables[CF_COMPARTMENT_IDENTITY], &got), CF_OK);
	assert_string_equal(got.text, canary[0]);
	casefile_close(&cf);
	assert_null(cf);
	assert_int_equal(locks, 2); /* close locks first */
}

/* ---- kill during a passphrase change ---- */

static int hook_pipe = -1;
static const char *hook_point;

static void
stop_at(const char *point)
{
	if (hook_point && strcmp(point, hook_point) == 0) {
		(void)write(hook_pipe, "k", 1);
		for (;;)
			pause();
	}
}

static void
test_kill_during_passphrase_change_leaves_exactly_one(void **state)
{
	static const char *const points[] = { "passwd:begin", "passwd:slot", "passwd:mac", "passwd:commit", NULL };
	const char *old_pass = "kill-old-passphrase-4411";
	const char *new_pass = "kill-new-passphrase-8822";
	char kpath[400];
	struct cf_casefile *cf = NULL;
	enum cf_store_reason why;
	char *p;

	snprintf(kpath, sizeof kpath, "%s/kill.carefile", dir);
	p = secret(old_pass);
	assert_int_equal(casefile_create(kpath, "k", p, strlen(p), 1, &floor_params, NULL, &cf, &why), CF_OK);
	crypto_secure_free(p);
	casefile_close(&cf);

	/* at each point inside the transaction, and once at a random moment */
	for (int i = 0; i <= 4; i++) {
		int fds[2], status, old_ok, new_ok;
		pid_t pid;
		char c;

		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct cf_casefile *mine = NULL;
			enum cf_store_reason r;
			char *cur = secret(old_pass), *next = secret(new_pass);

			hook_pipe = fds[1];
			hook_point = points[i];
			casefile_test_hook = stop_at;
			if (casefile_open(kpath, &mine, &r) != CF_OK ||
			    casefile_unlock(mine, "k", cur, strlen(cur)) != CF_OK)
				_exit(3);
			if (!points[i])
				(void)write(hook_pipe, "s", 1);
			(void)casefile_user_passwd(mine, next, strlen(next), &floor_params);
			_exit(0);
		}
		close(fds[1]);
		assert_int_equal(read(fds[0], &c, 1), 1);
		if (!points[i]) {
			struct timespec ts = { 0, (long)(rand() % 900) * 1000000L };

			nanosleep(&ts, NULL);
		}
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		close(fds[0]);

		cf = open_ok(kpath);
		old_ok = unlock_as(cf, "k", old_pass) == CF_OK;
		casefile_close(&cf);
		cf = open_ok(kpath);
		new_ok = unlock_as(cf, "k", new_pass) == CF_OK;
		casefile_close(&cf);
		if (old_ok + new_ok != 1)
			fprintf(stderr, "kill at %s: old %d new %d\n", points[i] ? points[i] : "random", old_ok, new_ok);
		assert_int_equal(old_ok + new_ok, 1);
		if (points[i] && strcmp(points[i], "passwd:commit") == 0)
			assert_true(new_ok);
		else if (points[i])
			assert_true(old_ok);
		if (new_ok) {
			/* put the old one back for the next round */
			cf = open_ok(kpath);
			assert_int_equal(unlock_as(cf, "k", new_pass), CF_OK);
			p = secret(old_pass);
			assert_int_equal(casefile_user_passwd(cf, p, strlen(p), &floor_params), CF_OK);
			crypto_secure_free(p);
			casefile_close(&cf);
		}
	}
	unlink(kpath);
}

/* A FIFO or a directory as the configuration file: an error at once, never a wait for a writer. */
static void
test_config_fifo_and_directory_do_not_hang(void **state)
{
	char fifo[400];
	struct cf_config c;
	int bad = -1;

	(void)state;
	snprintf(fifo, sizeof fifo, "%s/config-fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(10); /* a hang fails the test instead of blocking the suite */
	config_defaults(&c);
	assert_int_equal(config_load(fifo, &c, &bad), CF_ERR_IO);
	assert_int_equal(bad, 0);
	assert_int_equal(c.lock_after_seconds, CF_CONFIG_LOCK_AFTER_DEFAULT);
	assert_int_equal(config_load(dir, &c, &bad), CF_ERR_IO);
	alarm(0);
	unlink(fifo);
}

static unsigned char *
slurp_any(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	unsigned char *buf = malloc(1 << 20);

	if (!f)
		fprintf(stderr, "cannot open %s\n", p);
	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/* Opens an interrupted creation: CF_ERR_DAMAGED + UNFINISHED, and neither the file nor its -wal changes. */
static void
assert_unfinished(const char *p)
{
	char wal[400];
	unsigned char *a, *b, *wa, *wb;
	size_t al, bl, wal_l, wbl;
	struct cf_casefile *cf = NULL;
	enum cf_store_reason why = CF_STORE_REASON_NONE;

	snprintf(wal, sizeof wal, "%s-wal", p);
	a = slurp_any(p, &al);
	wa = slurp_any(wal, &wal_l);
	assert_int_equal(casefile_open(p, &cf, &why), CF_ERR_DAMAGED);
	assert_null(cf);
	assert_int_equal(why, CF_STORE_REASON_UNFINISHED);
	assert_non_null(strstr(casefile_reason_text(why), "unfinished"));
	b = slurp_any(p, &bl);
	wb = slurp_any(wal, &wbl);
	assert_int_equal(al, bl);
	assert_memory_equal(a, b, al);
	assert_int_equal(wal_l, wbl);
	assert_memory_equal(wa, wb, wal_l);
	free(a);
	free(b);
	free(wa);
	free(wb);
}

/*
 * A creation killed half-way (before this fix, during the Argon2id of the
 * first keyslot) left a WAL database that read as "another program's".
 * Simulated by children that stop without closing: one after SQLite made
 * the empty WAL database, one after the schema and meta row were committed.
 */
static void
test_interrupted_creation_is_named_unfinished(void **state)
{
	char p1[400], p2[400], w[420];
	pid_t pid;
	int status;

	(void)state;
	snprintf(p1, sizeof p1, "%s/unfinished-empty.carefile", dir);
	snprintf(p2, sizeof p2, "%s/unfinished-meta.carefile", dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sqlite3 *db = NULL;

		if (sqlite3_open(p1, &db) != SQLITE_OK ||
		    sqlite3_exec(db, "PRAGMA locking_mode=EXCLUSIVE; PRAGMA page_size=4096; PRAGMA journal_mode=WAL;"
		                     "BEGIN IMMEDIATE; CREATE TABLE t(x); INSERT INTO t VALUES (randomblob(9000));",
		                 NULL, NULL, NULL) != SQLITE_OK)
			_exit(1);
		_exit(0); /* killed: no commit, no checkpoint, the -wal stays */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cf_store *st = NULL;
		uint8_t id[CF_STORE_FILE_ID_BYTES] = { 1 };

		if (store_create(p2, id, 1700000000, &st, NULL) != CF_OK)
			_exit(1);
		_exit(0); /* killed after the first commit, before any user or keyslot */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	snprintf(w, sizeof w, "%s-wal", p1);
	assert_int_equal(access(w, F_OK), 0);
	snprintf(w, sizeof w, "%s-wal", p2);
	assert_int_equal(access(w, F_OK), 0);
	assert_unfinished(p1);
	assert_unfinished(p2);
	unlink(p1);
	unlink(p2);
	snprintf(w, sizeof w, "%s-wal", p1);
	unlink(w);
	snprintf(w, sizeof w, "%s-wal", p2);
	unlink(w);
}

/*
 * "--only PATTERN" / "--skip PATTERN" (cmocka globs): meson runs this binary
 * twice (the trust tests apart) so that each run stays within its timeout
 * under the sanitizers.
 */
int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--only") == 0)
		cmocka_set_test_filter(argv[2]);
	else if (argc == 3 && strcmp(argv[1], "--skip") == 0)
		cmocka_set_skip_filter(argv[2]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_compartments),
		cmocka_unit_test(test_passphrase_policy),
		cmocka_unit_test(test_each_role_decrypts_only_its_compartments),
		cmocka_unit_test(test_x_trust_admin_adds_holders_grant),
		cmocka_unit_test(test_x_trust_insider_cannot_forge_directory),
		cmocka_unit_test(test_x_trust_removal_rotates_the_keys_it_held),
		cmocka_unit_test(test_x_trust_role_taken_away_rotates),
		cmocka_unit_test(test_x_trust_rotation_loses_nothing),
		cmocka_unit_test(test_x_trust_directory_key_rotates_on_admin_removal),
		cmocka_unit_test(test_metadata_rows_follow_no_roster),
		cmocka_unit_test(test_x_trust_rollback_witness),
		cmocka_unit_test(test_hotline_cannot_open_a_student_record),
		cmocka_unit_test(test_disabled_account_cannot_unlock),
		cmocka_unit_test(test_canaries_absent_from_every_file),
		cmocka_unit_test(test_moved_replayed_or_edited_rows_fail),
		cmocka_unit_test(test_x_trust_audit_log_catches_deletion_replay_and_edits),
		cmocka_unit_test(test_x_trust_drop_box),
		cmocka_unit_test(test_x_flip_every_bit_of_header_and_keyslots),
		cmocka_unit_test(test_x_flip_sample_of_record_bits),
		cmocka_unit_test(test_lock_wipes_and_returns_to_same_user),
		cmocka_unit_test(test_kill_during_passphrase_change_leaves_exactly_one),
		cmocka_unit_test(test_config_fifo_and_directory_do_not_hang),
		cmocka_unit_test(test_interrupted_creation_is_named_unfinished),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
