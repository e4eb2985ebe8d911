/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Case file: roles as keys, canaries, moved ciphertexts, bit flips, kill during passphrase change, lock. */
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

#include "carefile/casefile.h"
#include "carefile/config.h"
#include "carefile/crypto.h"
#include "carefile/crypto_testing.h"
#include "carefile/store.h"
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
static uint8_t *boss_kek; /* KEK of boss's slot, derived once: bit-flip tests run without Argon2id */

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

static void
add_student(struct cf_casefile *cf, enum cf_compartment c, const char *text)
{
	struct cf_store_record r;
	uint8_t *blob = NULL;
	size_t blob_len = 0;

	memset(&r, 0, sizeof r);
	crypto_random_uuid(r.uuid);
	r.compartment = (int)c;
	r.created = r.updated = 1700000000;
	assert_int_equal(casefile_record_seal(cf, c, "student", "data", r.uuid, text, strlen(text), &blob, &blob_len),
	                 CF_OK);
	r.data = blob;
	r.data_len = blob_len;
	assert_int_equal(store_record_insert(casefile_store(cf), CF_TABLE_STUDENT, &r, NULL), CF_OK);
	free(blob);
}

static int
group_setup(void **state)
{
	struct cf_casefile *cf = NULL;
	enum cf_store_reason why;
	char *p;

	assert_int_equal(crypto_init(), CF_OK);
	crypto_kdf_params_floor(&floor_params);
	snprintf(dir, sizeof dir, "/tmp/cf-core-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/fixture.carefile", dir);
	p = secret(people[0].pass);
	if (casefile_create(path, people[0].name, p, strlen(p), 1, &floor_params, NULL, &cf, &why) != CF_OK)
		return -1;
	crypto_secure_free(p);
	for (size_t i = 1; i < N_PEOPLE; i++) {
		p = secret(people[i].pass);
		if (casefile_user_add(cf, people[i].name, people[i].roles, p, strlen(p), 1, &floor_params) != CF_OK)
			return -1;
		crypto_secure_free(p);
	}
	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++)
		add_student(cf, (enum cf_compartment)c, canary[c]);
	{
		struct cf_store_user u;
		struct cf_store_keyslot k;

		boss_kek = crypto_secure_alloc(CF_KEK_BYTES);
		if (!boss_kek || store_user_find(casefile_store(cf), "boss", &u) != CF_OK ||
		    store_keyslot_get(casefile_store(cf), CF_SLOT_PASSPHRASE, u.id, &k) != CF_OK)
			return -1;
		p = secret(people[0].pass);
		if (crypto_testing_keyslot_kek(k.blob, k.blob_len, p, strlen(p), boss_kek) != CF_OK)
			return -1;
		crypto_secure_free(p);
		store_keyslot_fini(&k);
		store_user_fini(&u);
	}
	casefile_close(&cf);
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
	assert_int_equal(user_roles_compartments(CF_ROLE_HOTLINE),
	                 CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY) | CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE));
	/* the admin never holds clinical; hotline never holds clinical */
	assert_false(user_roles_compartments(CF_ROLE_ADMIN) & CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL));
	assert_false(user_roles_compartments(CF_ROLE_HOTLINE) & CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL));
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

struct decrypt_ctx {
	struct cf_casefile *cf;
	int opened[CF_COMPARTMENT__COUNT];
	int refused;
	int rows;
};

static enum cf_error
try_every_compartment(const struct cf_store_record *r, void *p)
{
	struct decrypt_ctx *d = p;

	d->rows++;
	/* a raw attempt with every compartment key the keyring might hold, whatever the row claims */
	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++) {
		char *plain = NULL;
		size_t len = 0;
		enum cf_error e = casefile_record_open(d->cf, (enum cf_compartment)c, "student", "data", r->uuid,
		                                       r->data, r->data_len, &plain, &len);

		if (e == CF_OK) {
			assert_int_equal(c, r->compartment);
			assert_string_equal(plain, canary[c]);
			d->opened[c]++;
		} else {
			assert_true(e == CF_ERR_PERMISSION || e == CF_ERR_DAMAGED);
			d->refused++;
		}
		crypto_secure_free(plain);
	}
	return CF_OK;
}

static void
test_each_role_decrypts_only_its_compartments(void **state)
{
	for (size_t i = 0; i < N_PEOPLE; i++) {
		struct cf_casefile *cf = open_ok(path);
		struct decrypt_ctx d;
		uint32_t want = user_roles_compartments(people[i].roles);

		memset(&d, 0, sizeof d);
		d.cf = cf;
		assert_int_equal(unlock_as(cf, people[i].name, people[i].pass), CF_OK);
		assert_int_equal(casefile_compartments(cf), want);
		assert_int_equal(store_record_foreach(casefile_store(cf), CF_TABLE_STUDENT, try_every_compartment, &d),
		                 CF_OK);
		assert_int_equal(d.rows, CF_COMPARTMENT__COUNT);
		for (int c = 0; c < CF_COMPARTMENT__COUNT; c++)
			assert_int_equal(d.opened[c], (want & CF_COMPARTMENT_BIT(c)) ? 1 : 0);
		casefile_close(&cf);
	}
}

static void
test_granting_requires_holding(void **state)
{
	struct cf_casefile *cf = open_ok(path);
	char *p = secret("another-fixture-passphrase-9");

	assert_int_equal(unlock_as(cf, "adm", people[1].pass), CF_OK);
	/* the admin holds only directory: it may create another admin, nothing clinical */
	assert_int_equal(casefile_user_add(cf, "c2", CF_ROLE_COUNSELOR, p, strlen(p), 1, &floor_params),
	                 CF_ERR_PERMISSION);
	assert_int_equal(casefile_user_add(cf, "h2", CF_ROLE_HOTLINE, p, strlen(p), 1, &floor_params),
	                 CF_ERR_PERMISSION);
	assert_int_equal(casefile_user_grant(cf, "hot", CF_ROLE_COUNSELOR), CF_ERR_PERMISSION);
	casefile_close(&cf);

	/* a counselor holds identity+clinical but is no admin */
	cf = open_ok(path);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	assert_int_equal(casefile_user_add(cf, "c2", CF_ROLE_COUNSELOR, p, strlen(p), 1, &floor_params),
	                 CF_ERR_PERMISSION);
	assert_int_equal(casefile_user_remove(cf, "hot"), CF_ERR_PERMISSION);
	casefile_close(&cf);
	crypto_secure_free(p);
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
	add_student(cf, CF_COMPARTMENT_CLINICAL, fresh);
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
		struct cf_check_report r;

		assert_int_equal(casefile_check(cf, &r), CF_OK);
		assert_int_equal(r.tables[CF_TABLE_STUDENT].rows, CF_COMPARTMENT__COUNT + 1);
		/* counselor: identity + clinical (2 fixture rows + the new one) */
		assert_int_equal(r.tables[CF_TABLE_STUDENT].authenticated, 3);
		assert_int_equal(r.tables[CF_TABLE_STUDENT].skipped, 2);
		casefile_check_report_fini(&r);
	}
	/* remove it again so the other tests see the fixture as made */
	{
		sqlite3 *db = NULL;

		casefile_close(&cf);
		assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, "PRAGMA locking_mode=EXCLUSIVE; PRAGMA secure_delete=ON;"
		                              "DELETE FROM student WHERE id = (SELECT max(id) FROM student)",
		                              NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
}

/* ---- moved ciphertexts ---- */

static void
test_moved_ciphertext_is_rejected(void **state)
{
	struct cf_casefile *cf = open_ok(path), *other = NULL;
	struct cf_store_record a, b;
	char *plain = NULL, *p;
	size_t len;
	char opath[400];
	enum cf_store_reason why;

	assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_OK);
	assert_int_equal(store_record_get(casefile_store(cf), CF_TABLE_STUDENT, 1, &a), CF_OK);
	assert_int_equal(store_record_get(casefile_store(cf), CF_TABLE_STUDENT, 2, &b), CF_OK);
	/* in place it opens */
	assert_int_equal(casefile_record_open(cf, (enum cf_compartment)a.compartment, "student", "data", a.uuid,
	                                      a.data, a.data_len, &plain, &len), CF_OK);
	crypto_secure_free(plain);
	plain = NULL;
	/* another row (b's uuid), column, table */
	assert_int_equal(casefile_record_open(cf, (enum cf_compartment)a.compartment, "student", "data", b.uuid,
	                                      a.data, a.data_len, &plain, &len), CF_ERR_DAMAGED);
	assert_int_equal(casefile_record_open(cf, (enum cf_compartment)a.compartment, "student", "note", a.uuid,
	                                      a.data, a.data_len, &plain, &len), CF_ERR_DAMAGED);
	assert_int_equal(casefile_record_open(cf, (enum cf_compartment)a.compartment, "session", "data", a.uuid,
	                                      a.data, a.data_len, &plain, &len), CF_ERR_DAMAGED);
	assert_null(plain);
	/* copied onto row 2 in the file: check reports exactly that row */
	{
		struct cf_store_record moved = b;
		struct cf_check_report r;

		moved.data = a.data;
		moved.data_len = a.data_len;
		assert_int_equal(store_record_update(casefile_store(cf), CF_TABLE_STUDENT, &moved), CF_OK);
		assert_int_equal(casefile_check(cf, &r), CF_ERR_DAMAGED);
		assert_int_equal(r.n_failures, 1);
		assert_int_equal(r.failures[0].row_id, 2);
		assert_string_equal(r.failures[0].table, "student");
		casefile_check_report_fini(&r);
		assert_int_equal(store_record_update(casefile_store(cf), CF_TABLE_STUDENT, &b), CF_OK);
		assert_int_equal(casefile_check(cf, &r), CF_OK);
		casefile_check_report_fini(&r);
	}
	/* another case file: same uuid, table and column, other file id and keys */
	snprintf(opath, sizeof opath, "%s/other.carefile", dir);
	p = secret(people[0].pass);
	assert_int_equal(casefile_create(opath, "boss", p, strlen(p), 1, &floor_params, NULL, &other, &why), CF_OK);
	crypto_secure_free(p);
	assert_int_equal(casefile_record_open(other, (enum cf_compartment)a.compartment, "student", "data", a.uuid,
	                                      a.data, a.data_len, &plain, &len), CF_ERR_DAMAGED);
	casefile_close(&other);
	unlink(opath);
	store_record_fini(&a);
	store_record_fini(&b);
	casefile_close(&cf);
}

/* ---- bit flips ---- */

struct kek_ctx {
	uint8_t *kek;
};

static int
open_with_kek(const uint8_t *blob, size_t blob_len, const struct cf_keyslot_ad *ad, void *ctx,
              struct cf_keyring **out)
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
test_every_bit_flip_of_header_and_keyslots_is_detected(void **state)
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
	k.kek = boss_kek;
	assert_int_equal(open_unlock_kek(fpath, &k), CF_OK); /* the seam works on the untouched copy */

	img = slurp(fpath, &len);
	/* header: file id, checksum, MAC; then format version and created through SQL */
	find_unique(img, len, m.file_id, sizeof m.file_id);
	flip_every_bit(fpath, img, len, m.file_id, sizeof m.file_id, &k, &tried);
	flip_every_bit(fpath, img, len, m.sum, m.sum_len, &k, &tried);
	flip_every_bit(fpath, img, len, m.mac, m.mac_len, &k, &tried);
	flip_int_column(fpath, "meta", "format_version", 1, 8, &k, &tried);
	flip_int_column(fpath, "meta", "created", 1, 40, &k, &tried);
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

static void
test_sample_of_record_bit_flips_is_detected(void **state)
{
	struct kek_ctx k = { boss_kek };
	int fd = open(path, O_RDWR);
	int samples = 0;

	assert_true(fd >= 0);
	srand(7);
	for (int64_t id = 1; id <= CF_COMPARTMENT__COUNT; id++) {
		struct cf_casefile *cf = open_ok(path);
		struct cf_store_record r;
		uint8_t *img;
		size_t len, off;

		assert_int_equal(store_record_get(casefile_store(cf), CF_TABLE_STUDENT, id, &r), CF_OK);
		casefile_close(&cf);
		img = slurp(path, &len);
		off = find_unique(img, len, r.data, r.data_len);
		free(img);
		/* every bit of the envelope header (version, compartment, key id, nonce), then random bits */
		for (size_t bit = 0; bit < CF_RECORD_HEADER_BYTES * 8 + 64; bit++) {
			size_t at = bit < CF_RECORD_HEADER_BYTES * 8 ? bit / 8 : (size_t)rand() % r.data_len;
			uint8_t mask = (uint8_t)(1u << (bit < CF_RECORD_HEADER_BYTES * 8 ? bit % 8 : (size_t)rand() % 8));
			struct cf_check_report rep;

			flip_byte(fd, off + at, mask);
			cf = open_ok(path);
			assert_int_equal(casefile_unlock_with(cf, "boss", open_with_kek, &k, NULL, 0), CF_OK);
			assert_int_equal(casefile_check(cf, &rep), CF_ERR_DAMAGED);
			assert_int_equal(rep.n_failures, 1);
			assert_int_equal(rep.failures[0].row_id, id);
			casefile_check_report_fini(&rep);
			casefile_close(&cf);
			flip_byte(fd, off + at, mask);
			samples++;
		}
		store_record_fini(&r);
	}
	close(fd);
	assert_int_equal(samples, CF_COMPARTMENT__COUNT * (CF_RECORD_HEADER_BYTES * 8 + 64));
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
	struct cf_store_record r;
	char *plain = NULL;
	size_t len;
	int locks = 0;

	assert_int_equal(casefile_on_lock(cf, count_lock, &locks), CF_OK);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	assert_int_equal(store_record_get(casefile_store(cf), CF_TABLE_STUDENT, 1, &r), CF_OK);
	casefile_lock(cf);
	assert_int_equal(locks, 1);
	casefile_lock(cf); /* already locked: nothing to wipe again */
	assert_int_equal(locks, 1);
	assert_false(casefile_is_unlocked(cf));
	assert_int_equal(casefile_compartments(cf), 0);
	assert_int_equal(casefile_record_open(cf, CF_COMPARTMENT_IDENTITY, "student", "data", r.uuid, r.data,
	                                      r.data_len, &plain, &len), CF_ERR_LOCKED);
	assert_string_equal(casefile_user(cf), "coun");
	/* someone else cannot take over the locked session */
	assert_int_equal(unlock_as(cf, "boss", people[0].pass), CF_ERR_AUTH);
	assert_int_equal(unlock_as(cf, "coun", "wrong passphrase entirely"), CF_ERR_AUTH);
	assert_int_equal(unlock_as(cf, "coun", people[2].pass), CF_OK);
	assert_int_equal(casefile_record_open(cf, CF_COMPARTMENT_IDENTITY, "student", "data", r.uuid, r.data,
	                                      r.data_len, &plain, &len), CF_OK);
	assert_string_equal(plain, canary[0]);
	crypto_secure_free(plain);
	store_record_fini(&r);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_compartments),
		cmocka_unit_test(test_passphrase_policy),
		cmocka_unit_test(test_each_role_decrypts_only_its_compartments),
		cmocka_unit_test(test_granting_requires_holding),
		cmocka_unit_test(test_canaries_absent_from_every_file),
		cmocka_unit_test(test_moved_ciphertext_is_rejected),
		cmocka_unit_test(test_every_bit_flip_of_header_and_keyslots_is_detected),
		cmocka_unit_test(test_sample_of_record_bit_flips_is_detected),
		cmocka_unit_test(test_lock_wipes_and_returns_to_same_user),
		cmocka_unit_test(test_kill_during_passphrase_change_leaves_exactly_one),
		cmocka_unit_test(test_config_fifo_and_directory_do_not_hang),
		cmocka_unit_test(test_interrupted_creation_is_named_unfinished),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
