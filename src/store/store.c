/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Create and open the case file: classification before SQLite, pragmas, lock, migrations. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store-internal.h"
#include "store-sql.h"

/* SQLite file format, https://www.sqlite.org/fileformat2.html §1.3 "The Database Header". */
#define HDR_BYTES 100
static const char sqlite_magic[16] = "SQLite format 3";

static void
set_reason(enum cf_store_reason *reason, enum cf_store_reason r)
{
	if (reason)
		*reason = r;
}

enum cf_error
store_map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return CF_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return CF_ERR_IN_USE;
	case SQLITE_NOMEM:
		return CF_ERR_NOMEM;
	case SQLITE_CORRUPT:
	case SQLITE_FORMAT:
		return CF_ERR_DAMAGED;
	case SQLITE_NOTADB:
		return CF_ERR_NOT_CASEFILE;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return CF_ERR_IO;
	case SQLITE_CONSTRAINT:
		return CF_ERR_EXISTS;
	default:
		return CF_ERR_FAIL;
	}
}

static enum cf_store_reason
reason_of(enum cf_error e)
{
	switch (e) {
	case CF_ERR_IN_USE: return CF_STORE_REASON_IN_USE;
	case CF_ERR_DAMAGED: return CF_STORE_REASON_CORRUPT;
	case CF_ERR_NOT_CASEFILE: return CF_STORE_REASON_NOT_SQLITE;
	case CF_ERR_IO: return CF_STORE_REASON_IO;
	default: return CF_STORE_REASON_NONE;
	}
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int wal_exists(const char *path);

enum cf_error
store_probe(const char *path, enum cf_store_reason *reason)
{
	unsigned char h[HDR_BYTES];
	struct stat sb;
	size_t got = 0;
	uint32_t page_size, app_id, version;
	int fd;

	set_reason(reason, CF_STORE_REASON_NONE);
	/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			set_reason(reason, CF_STORE_REASON_NO_FILE);
			return CF_ERR_NOT_FOUND;
		}
		set_reason(reason, CF_STORE_REASON_IO);
		return CF_ERR_IO;
	}
	if (fstat(fd, &sb) != 0) {
		close(fd);
		set_reason(reason, CF_STORE_REASON_IO);
		return CF_ERR_IO;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		set_reason(reason, CF_STORE_REASON_NOT_REGULAR);
		return CF_ERR_NOT_CASEFILE;
	}
	while (got < sizeof h) {
		ssize_t n = read(fd, h + got, sizeof h - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			set_reason(reason, CF_STORE_REASON_IO);
			return CF_ERR_IO;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);

	/* an empty file with a -wal next to it: SQLite was creating it when the creation stopped */
	if (got == 0 && wal_exists(path)) {
		set_reason(reason, CF_STORE_REASON_UNFINISHED);
		return CF_ERR_DAMAGED;
	}
	if (got == 0) {
		set_reason(reason, CF_STORE_REASON_EMPTY);
		return CF_ERR_NOT_CASEFILE;
	}
	if (memcmp(h, sqlite_magic, got < sizeof sqlite_magic ? got : sizeof sqlite_magic) != 0) {
		set_reason(reason, CF_STORE_REASON_NOT_SQLITE);
		return CF_ERR_NOT_CASEFILE;
	}
	if (got < sizeof h) {
		set_reason(reason, CF_STORE_REASON_TRUNCATED);
		return CF_ERR_DAMAGED;
	}
	app_id = be32(h + 68);
	version = be32(h + 60);
	/*
	 * A WAL database whose main file still has the header of an empty one:
	 * what it is (a case file whose first commits are only in the -wal, or
	 * one whose creation was interrupted) only SQLite reading the -wal can
	 * tell; store_open() decides under the lock.
	 */
	if (app_id == 0 && version == 0 && got == sizeof h && h[18] == 2 && h[19] == 2 && wal_exists(path))
		return CF_OK;
	if (app_id != CF_STORE_APPLICATION_ID) {
		set_reason(reason, CF_STORE_REASON_FOREIGN);
		return CF_ERR_NOT_CASEFILE;
	}
	if (version > CF_STORE_SCHEMA_VERSION) {
		set_reason(reason, CF_STORE_REASON_NEWER);
		return CF_ERR_NEWER_FORMAT;
	}
	if (version == 0) {
		set_reason(reason, CF_STORE_REASON_BAD_VERSION);
		return CF_ERR_DAMAGED;
	}
	page_size = (uint32_t)h[16] << 8 | h[17];
	if (page_size == 1)
		page_size = 65536;
	if (page_size < 512 || (page_size & (page_size - 1)) != 0) {
		set_reason(reason, CF_STORE_REASON_CORRUPT);
		return CF_ERR_DAMAGED;
	}
	/* The in-header page count is valid when the change counter matches "version-valid-for". */
	if ((uint64_t)sb.st_size % page_size != 0 ||
	    (be32(h + 24) == be32(h + 92) && (uint64_t)sb.st_size < (uint64_t)be32(h + 28) * page_size)) {
		set_reason(reason, CF_STORE_REASON_TRUNCATED);
		return CF_ERR_DAMAGED;
	}
	/* Our files are always in WAL mode: file format write/read versions 2. */
	if (h[18] != 2 || h[19] != 2) {
		set_reason(reason, CF_STORE_REASON_CORRUPT);
		return CF_ERR_DAMAGED;
	}
	return CF_OK;
}

static int
exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static int
pragma_int(sqlite3 *db, const char *sql, long long *v)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			*v = sqlite3_column_int64(s, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			rc = SQLITE_ERROR;
		}
	}
	sqlite3_finalize(s);
	return rc;
}

/* Compares the text result of a pragma with want (ASCII case-insensitive). */
static int
pragma_text_is(sqlite3 *db, const char *sql, const char *want, int *rc_out)
{
	sqlite3_stmt *s = NULL;
	int ok = 0;
	int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text(s, 0);

			ok = t && strcasecmp((const char *)t, want) == 0;
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(s);
	if (rc_out)
		*rc_out = rc;
	return ok;
}

/* Connection settings made before the first read of the file; none of them touches it. */
static int
configure(sqlite3 *db)
{
	int rc;

	sqlite3_extended_result_codes(db, 1);
	rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(db, CF_STORE_BUSY_TIMEOUT_MS);
	/*
	 * locking_mode=EXCLUSIVE before the first access: in WAL mode the
	 * wal-index then lives in heap memory (no -shm file) and the first
	 * read takes the lock for the life of the connection.
	 */
	if (rc == SQLITE_OK)
		rc = exec(db, "PRAGMA locking_mode=EXCLUSIVE;"
		              "PRAGMA temp_store=MEMORY;"
		              "PRAGMA secure_delete=ON;"
		              "PRAGMA mmap_size=0;"
		              "PRAGMA foreign_keys=ON;"
		              "PRAGMA trusted_schema=OFF;"
		              "PRAGMA cell_size_check=ON;"
		              "PRAGMA synchronous=FULL;");
	return rc;
}

enum cf_error
store_assert_pragmas(const struct cf_store *st)
{
	static const struct {
		const char *sql;
		long long want;
	} ints[] = {
		{ "PRAGMA synchronous", 2 },     /* FULL */
		{ "PRAGMA busy_timeout", CF_STORE_BUSY_TIMEOUT_MS },
		{ "PRAGMA temp_store", 2 },      /* MEMORY */
		{ "PRAGMA secure_delete", 1 },
		{ "PRAGMA mmap_size", 0 },
		{ "PRAGMA foreign_keys", 1 },
		{ "PRAGMA trusted_schema", 0 },
		{ "PRAGMA cell_size_check", 1 },
	};
	int on = -1;

	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		long long v = -1;

		if (pragma_int(st->db, ints[i].sql, &v) != SQLITE_OK || v != ints[i].want)
			return CF_ERR_DAMAGED;
	}
	if (!pragma_text_is(st->db, "PRAGMA journal_mode", "wal", NULL) ||
	    !pragma_text_is(st->db, "PRAGMA locking_mode", "exclusive", NULL))
		return CF_ERR_DAMAGED;
	if (sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, -1, &on) != SQLITE_OK || on != 1)
		return CF_ERR_DAMAGED;
	return CF_OK;
}

/* Takes the exclusive lock with a first read and reads the header values under it. */
static enum cf_error
lock_and_read_header(struct cf_store *st)
{
	long long v = 0;
	int rc = pragma_int(st->db, "SELECT count(*) FROM sqlite_schema", &v);

	if (rc != SQLITE_OK)
		return store_map_rc(rc);
	rc = pragma_int(st->db, "PRAGMA user_version", &v);
	if (rc != SQLITE_OK)
		return store_map_rc(rc);
	st->user_version = (int)v;
	rc = pragma_int(st->db, "PRAGMA application_id", &v);
	if (rc != SQLITE_OK)
		return store_map_rc(rc);
	st->application_id = (uint32_t)v;
	return CF_OK;
}

static void
store_free(struct cf_store *st, int no_checkpoint)
{
	if (!st)
		return;
	store_stmt_cache_clear(st);
	if (st->db) {
		if (no_checkpoint)
			sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
		sqlite3_close_v2(st->db);
	}
	free(st);
}

void
store_close(struct cf_store **st)
{
	if (!st || !*st)
		return;
	store_rollback(*st);
	store_free(*st, 0);
	*st = NULL;
}

void
store_close_refused(struct cf_store **st)
{
	if (!st || !*st)
		return;
	store_rollback(*st);
	store_free(*st, (*st)->had_wal);
	*st = NULL;
}

static enum cf_error
run_migrations(struct cf_store *st, int from)
{
	for (const struct cf_store_migration *m = store_migrations; m->version; m++) {
		char sql[64];
		int rc;

		if (m->version <= from)
			continue;
		rc = exec(st->db, m->sql);
		if (rc != SQLITE_OK)
			return store_map_rc(rc) == CF_OK ? CF_ERR_FAIL : store_map_rc(rc);
		snprintf(sql, sizeof sql, "PRAGMA user_version=%d", m->version);
		rc = exec(st->db, sql);
		if (rc != SQLITE_OK)
			return store_map_rc(rc);
		st->user_version = m->version;
	}
	return st->user_version == CF_STORE_SCHEMA_VERSION ? CF_OK : CF_ERR_FAIL;
}

/*
 * The schema of the file must be exactly what our migrations 1..user_version
 * make: the same tables, columns, constraints and indexes, and nothing more
 * (no trigger, view or rebuilt table that an insider planted with the sqlite3
 * tool to undo, copy or change what carefile writes). Compared as the text
 * SQLite keeps in sqlite_schema, against the same migrations run in an
 * in-memory database. CF_OK, CF_ERR_DAMAGED (differs), CF_ERR_NOMEM, CF_ERR_FAIL.
 */
static const char *extra_schema;

void
store_testing_extra_schema(const char *sql)
{
	extra_schema = sql;
}

static enum cf_error
schema_matches(struct cf_store *st, const char *extra)
{
	static const char list[] = "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema "
	                           "ORDER BY type, name";
	sqlite3 *ref = NULL;
	sqlite3_stmt *a = NULL, *b = NULL;
	enum cf_error e = CF_OK;
	int rc = sqlite3_open_v2(":memory:", &ref, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL);

	for (const struct cf_store_migration *m = store_migrations; rc == SQLITE_OK && m->version; m++)
		if (m->version <= st->user_version)
			rc = exec(ref, m->sql);
	if (rc == SQLITE_OK && extra)
		rc = exec(ref, extra);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(ref, list, -1, &a, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(st->db, list, -1, &b, NULL);
	if (rc != SQLITE_OK)
		e = store_map_rc(rc) == CF_OK ? CF_ERR_FAIL : store_map_rc(rc);
	while (e == CF_OK) {
		int ra = sqlite3_step(a), rb = sqlite3_step(b);

		if (ra != rb) {
			e = (ra == SQLITE_ROW || ra == SQLITE_DONE) && (rb == SQLITE_ROW || rb == SQLITE_DONE)
			    ? CF_ERR_DAMAGED : CF_ERR_FAIL;
			break;
		}
		if (ra == SQLITE_DONE)
			break;
		if (ra != SQLITE_ROW) {
			e = store_map_rc(ra) == CF_OK ? CF_ERR_FAIL : store_map_rc(ra);
			break;
		}
		for (int c = 0; c < 4 && e == CF_OK; c++) {
			const unsigned char *x = sqlite3_column_text(a, c), *y = sqlite3_column_text(b, c);

			if (!x || !y || strcmp((const char *)x, (const char *)y) != 0)
				e = CF_ERR_DAMAGED;
		}
	}
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	sqlite3_close(ref);
	return e;
}

static enum cf_error
schema_is_ours(struct cf_store *st)
{
	enum cf_error e = schema_matches(st, NULL);

	/* tests: a file with their extra tables is ours too (one without them as well) */
	if (e == CF_ERR_DAMAGED && extra_schema)
		e = schema_matches(st, extra_schema);
	return e;
}

/* A case file path must not have SQLite side files lying around when we create it. */
static int
side_file_exists(const char *path)
{
	static const char *const suffix[] = { "-wal", "-shm", "-journal" };
	size_t n = strlen(path);
	struct stat sb;
	int found = 0;

	for (size_t i = 0; i < 3 && !found; i++) {
		char *p = malloc(n + 9);

		if (!p)
			return 1;
		memcpy(p, path, n);
		strcpy(p + n, suffix[i]);
		found = lstat(p, &sb) == 0;
		free(p);
	}
	return found;
}

static int
wal_exists(const char *path)
{
	size_t n = strlen(path);
	char *p = malloc(n + 5);
	struct stat sb;
	int found;

	if (!p)
		return 1;
	memcpy(p, path, n);
	strcpy(p + n, "-wal");
	found = lstat(p, &sb) == 0;
	free(p);
	return found;
}

static void
unlink_created(const char *path)
{
	static const char *const suffix[] = { "-wal", "-shm", "-journal" };
	size_t n = strlen(path);

	for (size_t i = 0; i < 3; i++) {
		char *p = malloc(n + 9);

		if (!p)
			continue;
		memcpy(p, path, n);
		strcpy(p + n, suffix[i]);
		(void)unlink(p);
		free(p);
	}
	(void)unlink(path);
}

enum cf_error
store_create(const char *path, const uint8_t *file_id, int64_t created,
             struct cf_store **out, enum cf_store_reason *reason)
{
	struct cf_store *st = NULL;
	sqlite3_stmt *s = NULL;
	enum cf_error e;
	int fd, rc;

	*out = NULL;
	set_reason(reason, CF_STORE_REASON_NONE);
	if (side_file_exists(path)) {
		set_reason(reason, CF_STORE_REASON_EXISTS);
		return CF_ERR_EXISTS;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0) {
		set_reason(reason, errno == EEXIST ? CF_STORE_REASON_EXISTS : CF_STORE_REASON_IO);
		return errno == EEXIST ? CF_ERR_EXISTS : CF_ERR_IO;
	}
	if (fchmod(fd, 0600) != 0) {
		close(fd);
		unlink(path);
		set_reason(reason, CF_STORE_REASON_IO);
		return CF_ERR_IO;
	}
	close(fd);

	st = calloc(1, sizeof *st);
	if (!st) {
		unlink(path);
		return CF_ERR_NOMEM;
	}
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = configure(st->db);
	if (rc == SQLITE_OK)
		rc = exec(st->db, "PRAGMA page_size=4096");
	if (rc == SQLITE_OK && !pragma_text_is(st->db, "PRAGMA journal_mode=WAL", "wal", &rc))
		rc = rc == SQLITE_OK ? SQLITE_ERROR : rc;
	if (rc != SQLITE_OK) {
		e = store_map_rc(rc);
		goto fail;
	}
	e = lock_and_read_header(st);
	if (e != CF_OK)
		goto fail;
	e = store_begin(st);
	if (e != CF_OK)
		goto fail;
	e = run_migrations(st, 0);
	if (e != CF_OK)
		goto fail;
	{
		char sql[64];

		snprintf(sql, sizeof sql, "PRAGMA application_id=%ld", (long)CF_STORE_APPLICATION_ID);
		rc = exec(st->db, sql);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(st->db,
		                        "INSERT INTO meta(id, format_version, file_id, created) VALUES (1, ?, ?, ?)",
		                        -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int(s, 1, CF_STORE_SCHEMA_VERSION);
		sqlite3_bind_blob(s, 2, file_id, CF_STORE_FILE_ID_BYTES, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, created);
		rc = sqlite3_step(s);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_OK) {
		e = store_map_rc(rc) == CF_OK ? CF_ERR_FAIL : store_map_rc(rc);
		goto fail;
	}
	e = store_commit(st);
	if (e == CF_OK)
		e = lock_and_read_header(st);
	if (e == CF_OK)
		e = store_assert_pragmas(st);
	if (e != CF_OK)
		goto fail;
	*out = st;
	return CF_OK;

fail:
	store_rollback(st);
	store_free(st, 1);
	unlink_created(path);
	set_reason(reason, e == CF_ERR_NOMEM ? CF_STORE_REASON_NONE : CF_STORE_REASON_IO);
	return e == CF_OK ? CF_ERR_FAIL : e;
}

enum cf_error
store_open(const char *path, struct cf_store **out, enum cf_store_reason *reason)
{
	struct cf_store *st;
	struct cf_store_meta m;
	long long objects = -1;
	enum cf_error e;
	int rc, had_wal;

	*out = NULL;
	e = store_probe(path, reason);
	if (e != CF_OK)
		return e;

	had_wal = wal_exists(path);
	st = calloc(1, sizeof *st);
	if (!st)
		return CF_ERR_NOMEM;
	st->had_wal = had_wal;
	/* READWRITE without CREATE: SQLite must never make a file here. */
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = configure(st->db);
	if (rc != SQLITE_OK) {
		e = store_map_rc(rc);
		set_reason(reason, reason_of(e));
		goto fail;
	}
	e = lock_and_read_header(st);
	if (e != CF_OK) {
		set_reason(reason, reason_of(e));
		goto fail;
	}
	/* SQLite silently opens a write-protected file read-only: refuse, every later save would fail */
	if (sqlite3_db_readonly(st->db, "main") != 0) {
		set_reason(reason, CF_STORE_REASON_IO);
		e = CF_ERR_IO;
		goto fail;
	}
	/* An empty WAL database (nothing in it, not even a schema): a creation that never finished. */
	if (st->application_id == 0 && st->user_version == 0 &&
	    pragma_int(st->db, "SELECT count(*) FROM sqlite_schema", &objects) == SQLITE_OK && objects == 0) {
		set_reason(reason, CF_STORE_REASON_UNFINISHED);
		e = CF_ERR_DAMAGED;
		goto fail;
	}
	/* Checked again under the lock: the file may have changed since the probe. */
	if (st->application_id != CF_STORE_APPLICATION_ID) {
		set_reason(reason, CF_STORE_REASON_FOREIGN);
		e = CF_ERR_NOT_CASEFILE;
		goto fail;
	}
	if (st->user_version > CF_STORE_SCHEMA_VERSION) {
		set_reason(reason, CF_STORE_REASON_NEWER);
		e = CF_ERR_NEWER_FORMAT;
		goto fail;
	}
	e = store_assert_pragmas(st);
	if (e != CF_OK) {
		set_reason(reason, CF_STORE_REASON_PRAGMA);
		goto fail;
	}
	e = schema_is_ours(st);
	if (e != CF_OK) {
		set_reason(reason, e == CF_ERR_DAMAGED ? CF_STORE_REASON_SCHEMA : reason_of(e));
		goto fail;
	}
	e = store_meta_get(st, &m);
	if (e == CF_OK) {
		/*
		 * format_version is the version the file was created with: it is
		 * bound into the AD of every keyslot and record, so migrations
		 * never change it (0002-contact.sql); it can only be older.
		 */
		if (m.format_version < 1 || m.format_version > st->user_version)
			e = CF_ERR_DAMAGED;
		store_meta_fini(&m);
	}
	if (e != CF_OK) {
		set_reason(reason, e == CF_ERR_DAMAGED ? CF_STORE_REASON_BAD_VERSION : reason_of(e));
		goto fail;
	}
	/* An older schema is migrated after authentication (store_migrate), never here. */
	*out = st;
	return CF_OK;

fail:
	/*
	 * Nothing was written. A -wal that SQLite created just now is empty and
	 * removed by the normal close; one that was there before (a crash) is
	 * left exactly as it was: no checkpoint into a file we refused.
	 */
	store_free(st, had_wal);
	return e == CF_OK ? CF_ERR_FAIL : e;
}

enum cf_error
store_migrate(struct cf_store *st)
{
	if (!st->in_txn)
		return CF_ERR_FAIL;
	if (st->user_version >= CF_STORE_SCHEMA_VERSION)
		return CF_OK;
	/* statements prepared against the old schema are dropped with it */
	store_stmt_cache_clear(st);
	return run_migrations(st, st->user_version);
}

enum cf_error
store_begin(struct cf_store *st)
{
	int rc;

	if (st->in_txn)
		return CF_ERR_FAIL;
	rc = exec(st->db, "BEGIN IMMEDIATE");
	if (rc != SQLITE_OK)
		return store_map_rc(rc);
	st->in_txn = 1;
	return CF_OK;
}

enum cf_error
store_commit(struct cf_store *st)
{
	int rc;

	if (!st->in_txn)
		return CF_ERR_FAIL;
	rc = exec(st->db, "COMMIT");
	if (rc != SQLITE_OK) {
		store_rollback(st);
		return store_map_rc(rc) == CF_OK ? CF_ERR_FAIL : store_map_rc(rc);
	}
	st->in_txn = 0;
	return CF_OK;
}

void
store_rollback(struct cf_store *st)
{
	if (!st || !st->in_txn)
		return;
	if (!sqlite3_get_autocommit(st->db))
		(void)exec(st->db, "ROLLBACK");
	st->in_txn = 0;
	/* a migration inside the transaction is undone too */
	{
		long long v;

		if (pragma_int(st->db, "PRAGMA user_version", &v) == SQLITE_OK && v != st->user_version) {
			store_stmt_cache_clear(st);
			st->user_version = (int)v;
		}
	}
}

int
store_in_transaction(const struct cf_store *st)
{
	return st && st->in_txn;
}

enum cf_error
store_quick_check(struct cf_store *st, long *problems)
{
	sqlite3_stmt *s = NULL;
	long bad = 0;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA quick_check", -1, &s, NULL);

	if (rc != SQLITE_OK)
		return store_map_rc(rc);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(s, 0);

		if (!t || strcmp((const char *)t, "ok") != 0)
			bad++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && bad == 0)
		bad = 1;
	if (problems)
		*problems = bad;
	return bad ? CF_ERR_DAMAGED : CF_OK;
}

int
store_schema_version(const struct cf_store *st)
{
	return st->user_version;
}

uint32_t
store_application_id(const struct cf_store *st)
{
	return st->application_id;
}
