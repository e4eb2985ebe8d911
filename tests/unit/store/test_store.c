/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Store: create/open, pragmas, the in-use lock, fail-closed classification of bad files, rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
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

#include "carefile/contact.h"
#include "carefile/store.h"
#include "carefile/student.h"

static char dir[256];

static const uint8_t file_id[CF_STORE_FILE_ID_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static void
path_in_dir(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static int
exists(const char *p)
{
	struct stat sb;

	return lstat(p, &sb) == 0;
}

static int
side_exists(const char *p, const char *suffix)
{
	char q[600];

	snprintf(q, sizeof q, "%s%s", p, suffix);
	return exists(q);
}

/* Whole file into malloc memory (the SHA-256 check of the CLI tests, stronger: every byte). */
static uint8_t *
slurp(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	uint8_t *buf = NULL;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
spit(const char *p, const void *data, size_t len)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void
make_casefile(const char *p)
{
	struct cf_store *st = NULL;
	enum cf_store_reason why;

	assert_int_equal(store_create(p, file_id, 1700000000, &st, &why), CF_OK);
	store_close(&st);
	assert_null(st);
}

static int
setup(void **state)
{
	snprintf(dir, sizeof dir, "%s/cf-store-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int
teardown(void **state)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_create_then_open(void **state)
{
	char p[512];
	struct cf_store *st = NULL;
	struct cf_store_meta m;
	enum cf_store_reason why;
	struct stat sb;

	path_in_dir(p, sizeof p, "a.carefile");
	assert_int_equal(store_create(p, file_id, 1700000000, &st, &why), CF_OK);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(store_schema_version(st), CF_STORE_SCHEMA_VERSION);
	assert_int_equal(store_application_id(st), CF_STORE_APPLICATION_ID);
	assert_int_equal(store_assert_pragmas(st), CF_OK);
	/* locking_mode=EXCLUSIVE from the start: the wal-index is in heap memory, no -shm. */
	assert_false(side_exists(p, "-shm"));
	store_close(&st);
	assert_false(side_exists(p, "-wal"));

	assert_int_equal(store_open(p, &st, &why), CF_OK);
	assert_int_equal(why, CF_STORE_REASON_NONE);
	assert_int_equal(store_assert_pragmas(st), CF_OK);
	assert_int_equal(store_meta_get(st, &m), CF_OK);
	assert_int_equal(m.format_version, CF_STORE_SCHEMA_VERSION);
	assert_int_equal(m.created, 1700000000);
	assert_memory_equal(m.file_id, file_id, sizeof file_id);
	assert_null(m.mac);
	store_meta_fini(&m);
	long problems = -1;
	assert_int_equal(store_quick_check(st, &problems), CF_OK);
	assert_int_equal(problems, 0);
	store_close(&st);
}

static void
test_create_refuses_to_overwrite(void **state)
{
	char p[512], q[512], wal[600];
	struct cf_store *st = NULL;
	enum cf_store_reason why;
	size_t len;
	uint8_t *before, *after;

	path_in_dir(p, sizeof p, "exists.carefile");
	spit(p, "", 0); /* even an empty file is not ours to overwrite */
	assert_int_equal(store_create(p, file_id, 1, &st, &why), CF_ERR_EXISTS);
	assert_int_equal(why, CF_STORE_REASON_EXISTS);
	assert_null(st);

	path_in_dir(q, sizeof q, "real.carefile");
	make_casefile(q);
	before = slurp(q, &len);
	assert_int_equal(store_create(q, file_id, 1, &st, &why), CF_ERR_EXISTS);
	after = slurp(q, &len);
	assert_memory_equal(before, after, len);
	free(before);
	free(after);

	/* a stale -wal next to the path would be replayed into the new file: refuse */
	path_in_dir(p, sizeof p, "stale.carefile");
	snprintf(wal, sizeof wal, "%s-wal", p);
	spit(wal, "junk", 4);
	assert_int_equal(store_create(p, file_id, 1, &st, &why), CF_ERR_EXISTS);
	assert_false(exists(p));

	/* a dangling symlink is "something at the path" too */
	path_in_dir(p, sizeof p, "link.carefile");
	assert_int_equal(symlink("/nonexistent/target", p), 0);
	assert_int_equal(store_create(p, file_id, 1, &st, &why), CF_ERR_EXISTS);
}

/* Opens path expecting err/reason, and proves it changed nothing and created nothing. */
static void
expect_open_fails(const char *p, enum cf_error err, enum cf_store_reason reason)
{
	struct cf_store *st = NULL;
	enum cf_store_reason why = CF_STORE_REASON_NONE;
	int had_wal = side_exists(p, "-wal"), had_shm = side_exists(p, "-shm");
	size_t l1 = 0, l2 = 0;
	uint8_t *before = slurp(p, &l1), *after;

	assert_int_equal(store_open(p, &st, &why), err);
	assert_null(st);
	if (why != reason)
		fprintf(stderr, "%s: reason %d, expected %d\n", p, (int)why, (int)reason);
	assert_int_equal(why, reason);
	after = slurp(p, &l2);
	assert_int_equal(l1, l2);
	if (l1)
		assert_memory_equal(before, after, l1);
	assert_int_equal(side_exists(p, "-wal"), had_wal);
	assert_int_equal(side_exists(p, "-shm"), had_shm);
	assert_false(side_exists(p, "-journal"));
	free(before);
	free(after);
}

static void
set_user_version(const char *p, int v)
{
	sqlite3 *db = NULL;
	char sql[64];

	assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version=%d", v);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void
test_bad_files_fail_closed(void **state)
{
	char p[512], good[512];
	uint8_t noise[8192];
	uint8_t *bytes;
	size_t len;
	sqlite3 *db = NULL;
	struct cf_store *st = NULL;
	enum cf_store_reason why;

	path_in_dir(p, sizeof p, "missing.carefile");
	assert_int_equal(store_open(p, &st, &why), CF_ERR_NOT_FOUND);
	assert_int_equal(why, CF_STORE_REASON_NO_FILE);
	assert_false(exists(p));
	assert_false(side_exists(p, "-wal"));

	path_in_dir(p, sizeof p, "empty.carefile");
	spit(p, "", 0);
	expect_open_fails(p, CF_ERR_NOT_CASEFILE, CF_STORE_REASON_EMPTY);

	path_in_dir(p, sizeof p, "noise.carefile");
	srand(42);
	for (size_t i = 0; i < sizeof noise; i++)
		noise[i] = (uint8_t)rand();
	spit(p, noise, sizeof noise);
	expect_open_fails(p, CF_ERR_NOT_CASEFILE, CF_STORE_REASON_NOT_SQLITE);

	path_in_dir(p, sizeof p, "text.carefile");
	spit(p, "name,class\n", 11);
	expect_open_fails(p, CF_ERR_NOT_CASEFILE, CF_STORE_REASON_NOT_SQLITE);

	path_in_dir(p, sizeof p, "foreign.sqlite");
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (1);", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	expect_open_fails(p, CF_ERR_NOT_CASEFILE, CF_STORE_REASON_FOREIGN);

	path_in_dir(good, sizeof good, "good.carefile");
	make_casefile(good);
	bytes = slurp(good, &len);
	assert_true(len >= 8192);

	path_in_dir(p, sizeof p, "trunc-header.carefile");
	spit(p, bytes, 60);
	expect_open_fails(p, CF_ERR_DAMAGED, CF_STORE_REASON_TRUNCATED);
	path_in_dir(p, sizeof p, "trunc-magic.carefile");
	spit(p, bytes, 10); /* a prefix of the SQLite magic: a truncated file, not a foreign one */
	expect_open_fails(p, CF_ERR_DAMAGED, CF_STORE_REASON_TRUNCATED);
	path_in_dir(p, sizeof p, "trunc-page.carefile");
	spit(p, bytes, 4096);
	expect_open_fails(p, CF_ERR_DAMAGED, CF_STORE_REASON_TRUNCATED);
	path_in_dir(p, sizeof p, "trunc-odd.carefile");
	spit(p, bytes, len - 100);
	expect_open_fails(p, CF_ERR_DAMAGED, CF_STORE_REASON_TRUNCATED);

	path_in_dir(p, sizeof p, "newer.carefile");
	spit(p, bytes, len);
	set_user_version(p, CF_STORE_SCHEMA_VERSION + 1);
	expect_open_fails(p, CF_ERR_NEWER_FORMAT, CF_STORE_REASON_NEWER);

	path_in_dir(p, sizeof p, "version0.carefile");
	spit(p, bytes, len);
	set_user_version(p, 0);
	expect_open_fails(p, CF_ERR_DAMAGED, CF_STORE_REASON_BAD_VERSION);

	/* meta.format_version disagreeing with user_version */
	path_in_dir(p, sizeof p, "meta.carefile");
	spit(p, bytes, len);
	assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA locking_mode=EXCLUSIVE; UPDATE meta SET format_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	expect_open_fails(p, CF_ERR_DAMAGED, CF_STORE_REASON_BAD_VERSION);

	/*
	 * An insider's changes to the schema itself, each refused before
	 * anything is read or written: a trigger that would undo or copy what
	 * carefile writes (inside carefile's own signed transaction), a view, an
	 * index, a table of their own, a record table rebuilt without its
	 * UNIQUE uuid (rows copied under new ids), a column added.
	 */
	{
		static const char *const planted[] = {
			"CREATE TRIGGER t AFTER UPDATE OF data ON student BEGIN SELECT 1; END",
			"CREATE TRIGGER t AFTER INSERT ON keyslot BEGIN UPDATE user SET roles = 15; END",
			"CREATE VIEW v AS SELECT id FROM student",
			"CREATE INDEX i ON student(updated)",
			"CREATE TABLE keep(x)",
			"CREATE TABLE c2 AS SELECT * FROM contact; DROP TABLE contact; ALTER TABLE c2 RENAME TO contact",
			"ALTER TABLE student ADD COLUMN note TEXT",
		};
		char sql[300];

		for (size_t i = 0; i < sizeof planted / sizeof planted[0]; i++) {
			path_in_dir(p, sizeof p, "planted.carefile");
			spit(p, bytes, len);
			assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
			snprintf(sql, sizeof sql, "PRAGMA locking_mode=EXCLUSIVE; %s", planted[i]);
			assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
			sqlite3_close(db);
			expect_open_fails(p, CF_ERR_DAMAGED, CF_STORE_REASON_SCHEMA);
		}
		/* the same file untouched opens */
		spit(p, bytes, len);
		assert_int_equal(store_open(p, &st, &why), CF_OK);
		store_close(&st);
	}

	/* page 2 onwards zeroed: SQLite reports corruption while reading the schema */
	path_in_dir(p, sizeof p, "zeroed.carefile");
	memset(bytes + 4096, 0, len - 4096);
	memset(bytes + 100, 0xff, 4096 - 100);
	spit(p, bytes, len);
	expect_open_fails(p, CF_ERR_DAMAGED, CF_STORE_REASON_CORRUPT);
	free(bytes);

	/* a directory */
	path_in_dir(p, sizeof p, "adir");
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(store_open(p, &st, &why), CF_ERR_NOT_CASEFILE);
	assert_int_equal(why, CF_STORE_REASON_NOT_REGULAR);
}

static void
test_second_process_gets_in_use(void **state)
{
	char p[512];
	int ready[2], done[2];
	pid_t pid;
	char c;
	struct cf_store *st = NULL;
	enum cf_store_reason why;
	size_t l1, l2;
	uint8_t *before, *after;
	struct timespec t0, t1;
	double secs;
	int status;

	path_in_dir(p, sizeof p, "busy.carefile");
	make_casefile(p);
	before = slurp(p, &l1);
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(done), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cf_store *mine = NULL;
		enum cf_store_reason r;

		if (store_open(p, &mine, &r) != CF_OK)
			_exit(3);
		(void)write(ready[1], "r", 1);
		(void)read(done[0], &c, 1);
		store_close(&mine);
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(store_open(p, &st, &why), CF_ERR_IN_USE);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_null(st);
	assert_int_equal(why, CF_STORE_REASON_IN_USE);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* within the busy timeout (2 s) plus slack, and not instantly: the busy handler waited */
	assert_true(secs < CF_STORE_BUSY_TIMEOUT_MS / 1000.0 + 2.0);
	assert_int_equal(write(done[1], "d", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	after = slurp(p, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(before, after, l1);
	free(before);
	free(after);
	/* free again: it opens */
	assert_int_equal(store_open(p, &st, &why), CF_OK);
	store_close(&st);
}

/* What a row walk saw (the first 8 rows). */
struct seen {
	struct cf_row rows[8];
	size_t data_len[8];
	size_t n;
	size_t stop_after; /* 0: never */
};

static enum cf_error
see_row(const struct cf_row *r, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		s->rows[s->n] = *r;
		s->rows[s->n].data = NULL;
		s->data_len[s->n] = r->data_len;
	}
	s->n++;
	return s->stop_after && s->n >= s->stop_after ? CF_ERR_CANCELLED : CF_OK;
}

static void
test_rows(void **state)
{
	char p[512];
	struct cf_store *st = NULL;
	enum cf_store_reason why;
	uint8_t uuid[16], uuid2[16], uuid3[16], blob[40];
	int64_t uid = 0, n = -1;
	struct cf_store_user u;
	struct cf_store_keyslot k, *slots = NULL;
	struct cf_store_user *users = NULL;
	size_t nu = 0, ns = 0;
	struct cf_row r;
	struct seen got;

	path_in_dir(p, sizeof p, "rows.carefile");
	assert_int_equal(store_create(p, file_id, 5, &st, &why), CF_OK);
	memset(uuid, 0xaa, sizeof uuid);
	memset(uuid2, 0xbb, sizeof uuid2);
	assert_int_equal(store_begin(st), CF_OK);
	assert_int_equal(store_user_add(st, "alice", uuid, 7, 100, &uid), CF_OK);
	assert_int_equal(store_user_add(st, "alice", uuid2, 7, 100, NULL), CF_ERR_EXISTS);
	assert_int_equal(store_user_add(st, "bob", uuid2, 8, 101, NULL), CF_OK);
	assert_int_equal(store_commit(st), CF_OK);
	assert_int_equal(store_user_find(st, "alice", &u), CF_OK);
	assert_string_equal(u.name, "alice");
	assert_int_equal(u.roles, 7);
	assert_int_equal(u.id, uid);
	assert_false(u.has_public_key);
	store_user_fini(&u);
	assert_int_equal(store_user_find(st, "carol", &u), CF_ERR_NOT_FOUND);
	assert_int_equal(store_user_list(st, &users, &nu), CF_OK);
	assert_int_equal(nu, 2);
	assert_string_equal(users[0].name, "alice");
	assert_string_equal(users[1].name, "bob");
	store_user_list_free(&users, nu);
	assert_null(users);

	memset(blob, 1, sizeof blob);
	assert_int_equal(store_keyslot_put(st, CF_SLOT_PASSPHRASE, uid, uuid, 3, 100, blob, sizeof blob), CF_OK);
	memset(blob, 2, sizeof blob);
	assert_int_equal(store_keyslot_put(st, CF_SLOT_PASSPHRASE, uid, uuid2, 5, 200, blob, sizeof blob), CF_OK);
	memset(uuid3, 0xcc, sizeof uuid3);
	assert_int_equal(store_keyslot_put(st, CF_SLOT_RECOVERY, 0, uuid3, 15, 100, blob, 20), CF_OK);
	memset(uuid3, 0xdd, sizeof uuid3);
	assert_int_equal(store_keyslot_put(st, CF_SLOT_RECOVERY, 0, uuid3, 15, 300, blob, 30), CF_OK);
	/* a uuid is unique across slots */
	assert_int_equal(store_keyslot_put(st, CF_SLOT_RECOVERY, 0, uuid2, 15, 300, blob, 30), CF_ERR_INVALID);
	assert_int_equal(store_keyslot_list(st, &slots, &ns), CF_OK);
	assert_int_equal(ns, 2); /* replaced in place, never two */
	store_keyslot_list_free(&slots, ns);
	assert_int_equal(store_keyslot_get(st, CF_SLOT_PASSPHRASE, uid, &k), CF_OK);
	assert_int_equal(k.compartments, 5);
	assert_int_equal(k.created, 200);
	assert_int_equal(k.blob_len, sizeof blob);
	assert_int_equal(k.blob[0], 2);
	assert_memory_equal(k.uuid, uuid2, 16);
	store_keyslot_fini(&k);
	assert_int_equal(store_keyslot_get(st, CF_SLOT_RECOVERY, 0, &k), CF_OK);
	assert_int_equal(k.blob_len, 30);
	assert_int_equal(k.user_id, 0);
	store_keyslot_fini(&k);

	/* rows of typed tables: SQL from the declarations */
	memset(&r, 0, sizeof r);
	memcpy(r.uuid, uuid, 16);
	r.compartment = 0;
	r.version = 1;
	r.created = r.updated = 1000;
	r.col[0] = 1; /* status */
	r.data = blob;
	r.data_len = sizeof blob;
	assert_int_equal(store_row_insert(st, &cf_table_student, &r), CF_OK);
	assert_true(r.id > 0);
	assert_int_equal(store_row_insert(st, &cf_table_student, &r), CF_ERR_EXISTS);
	assert_int_equal(store_row_count(st, &cf_table_student, NULL, &n), CF_OK);
	assert_int_equal(n, 1);
	r.col[0] = 2;
	r.updated = 2000;
	r.version = 2;
	/* the stored version must be the one the writer read */
	assert_int_equal(store_row_update(st, &cf_table_student, &r, 5), CF_ERR_NOT_FOUND);
	assert_int_equal(store_row_update(st, &cf_table_student, &r, 1), CF_OK);
	memset(&got, 0, sizeof got);
	assert_int_equal(store_row_get(st, &cf_table_student, r.id, see_row, &got), CF_OK);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.rows[0].col[0], 2);
	assert_int_equal(got.rows[0].version, 2);
	assert_int_equal(got.rows[0].updated, 2000);
	assert_int_equal(got.rows[0].created, 1000);
	assert_int_equal(got.data_len[0], sizeof blob);
	assert_int_equal(store_row_get(st, &cf_table_student, r.id + 99, see_row, &got), CF_ERR_NOT_FOUND);

	/* children: the link column, the parent's uuid by a join, ordered and paged */
	{
		struct cf_row c;
		struct cf_row_query q;
		int64_t parent = r.id;

		for (int i = 0; i < 5; i++) {
			memset(&c, 0, sizeof c);
			memset(c.uuid, 0x10 + i, 16);
			c.compartment = 1;
			c.version = 1;
			c.created = c.updated = 500 - i; /* inserted newest first */
			c.col[0] = parent;
			c.data = blob;
			c.data_len = 10;
			assert_int_equal(store_row_insert(st, &cf_table_contact, &c), CF_OK);
		}
		/* a link to a row that does not exist is refused (foreign key) */
		memset(c.uuid, 0x77, 16);
		c.col[0] = parent + 1000;
		assert_int_equal(store_row_insert(st, &cf_table_contact, &c), CF_ERR_INVALID);

		store_query_init(&q);
		q.link = 0;
		q.link_id = parent;
		q.order = CF_QUERY_CREATED;
		memset(&got, 0, sizeof got);
		assert_int_equal(store_row_foreach(st, &cf_table_contact, &q, see_row, &got), CF_OK);
		assert_int_equal(got.n, 5);
		assert_int_equal(got.rows[0].created, 496);
		assert_int_equal(got.rows[4].created, 500);
		assert_memory_equal(got.rows[2].link_uuid[0], uuid, 16);
		q.desc = 1;
		q.limit = 2;
		q.offset = 1;
		memset(&got, 0, sizeof got);
		assert_int_equal(store_row_foreach(st, &cf_table_contact, &q, see_row, &got), CF_OK);
		assert_int_equal(got.n, 2);
		assert_int_equal(got.rows[0].created, 499);
		assert_int_equal(got.rows[1].created, 498);
		store_query_init(&q);
		q.range = CF_QUERY_CREATED;
		q.from = 497;
		q.to = 499;
		assert_int_equal(store_row_count(st, &cf_table_contact, &q, &n), CF_OK);
		assert_int_equal(n, 2);
		q.link = 0;
		q.link_id = parent + 1;
		assert_int_equal(store_row_count(st, &cf_table_contact, &q, &n), CF_OK);
		assert_int_equal(n, 0);
		/* a walk that stops early hands its statement back: the next query of the same shape works */
		memset(&got, 0, sizeof got);
		got.stop_after = 1;
		assert_int_equal(store_row_foreach(st, &cf_table_contact, NULL, see_row, &got), CF_ERR_CANCELLED);
		got.stop_after = 0;
		got.n = 0;
		assert_int_equal(store_row_foreach(st, &cf_table_contact, NULL, see_row, &got), CF_OK);
		assert_int_equal(got.n, 5);
	}

	/* removing a user cascades to its keyslot */
	assert_int_equal(store_user_remove(st, uid), CF_OK);
	assert_int_equal(store_keyslot_get(st, CF_SLOT_PASSPHRASE, uid, &k), CF_ERR_NOT_FOUND);
	assert_int_equal(store_user_remove(st, uid), CF_ERR_NOT_FOUND);

	/* rollback leaves nothing */
	assert_int_equal(store_begin(st), CF_OK);
	assert_int_equal(store_user_add(st, "temp", uuid, 1, 1, NULL), CF_OK);
	store_rollback(st);
	assert_int_equal(store_user_find(st, "temp", &u), CF_ERR_NOT_FOUND);
	store_close(&st);
}

static void
test_write_protected_file_is_refused(void **state)
{
	char p[512];

	if (geteuid() == 0) {
		skip(); /* root writes through mode bits */
		return;
	}
	path_in_dir(p, sizeof p, "readonly.carefile");
	make_casefile(p);
	assert_int_equal(chmod(p, 0400), 0);
	expect_open_fails(p, CF_ERR_IO, CF_STORE_REASON_IO);
	assert_int_equal(chmod(p, 0600), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_then_open),
		cmocka_unit_test(test_create_refuses_to_overwrite),
		cmocka_unit_test(test_bad_files_fail_closed),
		cmocka_unit_test(test_second_process_gets_in_use),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_write_protected_file_is_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
