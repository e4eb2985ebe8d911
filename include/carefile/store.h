/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The case file on disk: one SQLite file, its pragmas, migrations and the rows core keeps in it. */
#ifndef CAREFILE_STORE_H
#define CAREFILE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "carefile/error.h"
#include "carefile/record.h"

/*
 * The store persists what core hands it (ciphertext, ids, enums, UTC
 * timestamps) and never sees a key or a plaintext record. Only src/store
 * includes <sqlite3.h>.
 *
 * Layout facts (DESIGN.md §4): PRAGMA application_id = CF_STORE_APPLICATION_ID
 * ('CARE'), PRAGMA user_version = schema version, migrations numbered in
 * share/sql/NNNN-*.sql and embedded in the binary at build time.
 */
#define CF_STORE_APPLICATION_ID 0x43415245u /* "CARE" */
#define CF_STORE_SCHEMA_VERSION 8
#define CF_STORE_BUSY_TIMEOUT_MS 2000
#define CF_STORE_FILE_ID_BYTES 16
#define CF_STORE_UUID_BYTES 16
#define CF_STORE_COMPARTMENTS 4 /* = CF_COMPARTMENT__COUNT (crypto.h), checked in core */
#define CF_STORE_PUBLIC_KEY_BYTES 32

struct cf_store;

/*
 * Why an open or create failed, in more detail than the error code: the
 * exit code groups (DAMAGED, NOT_CASEFILE) are coarse, the message is not.
 */
enum cf_store_reason {
	CF_STORE_REASON_NONE = 0,
	CF_STORE_REASON_NO_FILE,        /* path does not exist (CF_ERR_NOT_FOUND) */
	CF_STORE_REASON_NOT_REGULAR,    /* a directory, device... (CF_ERR_NOT_CASEFILE) */
	CF_STORE_REASON_EMPTY,          /* zero bytes (CF_ERR_NOT_CASEFILE) */
	CF_STORE_REASON_NOT_SQLITE,     /* no SQLite header (CF_ERR_NOT_CASEFILE) */
	CF_STORE_REASON_FOREIGN,        /* SQLite, other application_id (CF_ERR_NOT_CASEFILE) */
	CF_STORE_REASON_TRUNCATED,      /* shorter than its header says (CF_ERR_DAMAGED) */
	CF_STORE_REASON_NEWER,          /* user_version above ours (CF_ERR_NEWER_FORMAT) */
	CF_STORE_REASON_BAD_VERSION,    /* user_version 0 or meta disagrees (CF_ERR_DAMAGED) */
	CF_STORE_REASON_CORRUPT,        /* SQLite reports corruption (CF_ERR_DAMAGED) */
	CF_STORE_REASON_PRAGMA,         /* a DESIGN §4 pragma could not be asserted (CF_ERR_DAMAGED) */
	CF_STORE_REASON_IN_USE,         /* locked by another process (CF_ERR_IN_USE) */
	CF_STORE_REASON_EXISTS,         /* create: something is at the path (CF_ERR_EXISTS) */
	CF_STORE_REASON_IO,             /* open(2)/read(2)/SQLite I/O error (CF_ERR_IO) */
	CF_STORE_REASON_HEADER,         /* header checksum or MAC mismatch, set by core (CF_ERR_DAMAGED) */
	CF_STORE_REASON_KEYSLOT,        /* a keyslot is damaged, set by core (CF_ERR_DAMAGED) */
	CF_STORE_REASON_UNFINISHED,     /* creation was interrupted: empty WAL database or no users (CF_ERR_DAMAGED) */
	CF_STORE_REASON_SCHEMA,         /* tables, indexes or triggers not exactly our migrations' (CF_ERR_DAMAGED) */
};

/*
 * Creates a new case file at path: O_CREAT|O_EXCL with mode 0600 (never
 * overwrites anything, not even an empty file or a dangling symlink), WAL,
 * the pragmas of DESIGN §4, every migration, application_id and
 * user_version, and an empty meta row (format version, file_id, created).
 * On failure the file this call created is removed again.
 * file_id: CF_STORE_FILE_ID_BYTES random bytes chosen by the caller.
 * created: UTC seconds.
 * *reason (may be NULL) receives the detail. Caller frees *out with store_close().
 * Errors: CF_ERR_EXISTS, CF_ERR_IO, CF_ERR_NOMEM, CF_ERR_FAIL.
 */
enum cf_error store_create(const char *path, const uint8_t *file_id, int64_t created,
                           struct cf_store **out, enum cf_store_reason *reason);

/*
 * Opens an existing case file read-write, holding SQLite's exclusive lock
 * until store_close(). Never creates a file. The first 100 bytes are read
 * and classified with plain read(2) before SQLite touches the file, so
 * nothing is written to a file that is not ours or is of a newer version.
 * An older schema is not migrated here (store_migrate(), after unlock):
 * until then only meta, user, keyslot and key_grant may be read. The
 * schema must be exactly the one our migrations up to its user_version
 * make (sqlite_schema compared with theirs): a planted trigger, view or
 * rebuilt table is CF_ERR_DAMAGED, CF_STORE_REASON_SCHEMA.
 * Errors: CF_ERR_NOT_FOUND, CF_ERR_NOT_CASEFILE, CF_ERR_DAMAGED,
 * CF_ERR_NEWER_FORMAT, CF_ERR_IN_USE (after CF_STORE_BUSY_TIMEOUT_MS),
 * CF_ERR_IO, CF_ERR_NOMEM. Caller frees *out with store_close().
 */
enum cf_error store_open(const char *path, struct cf_store **out, enum cf_store_reason *reason);

/* Closes and frees *st, sets it to NULL. NULL-safe. */
void store_close(struct cf_store **st);

/*
 * Like store_close() for a file that was refused after store_open()
 * (damaged header, unfinished creation): a -wal that was there before the
 * open is not checkpointed, so the file and its -wal are left byte for
 * byte as they were (an empty -wal made by the open is removed). NULL-safe.
 */
void store_close_refused(struct cf_store **st);

/*
 * Classifies the file at path from its first bytes only (no SQLite, no
 * write, no lock). CF_OK means "looks like ours, known version"; otherwise
 * the error store_open() would return for it.
 */
enum cf_error store_probe(const char *path, enum cf_store_reason *reason);

/* Transactions (BEGIN IMMEDIATE / COMMIT / ROLLBACK). Not nested. */
enum cf_error store_begin(struct cf_store *st);
enum cf_error store_commit(struct cf_store *st);
/* Rolls back if a transaction is open; safe to call on any path. */
void store_rollback(struct cf_store *st);
/* 1 while a transaction is open. */
int store_in_transaction(const struct cf_store *st);

/*
 * Runs PRAGMA quick_check on st's connection. CF_OK if it reports "ok";
 * CF_ERR_DAMAGED otherwise. *problems (may be NULL) receives the number of
 * lines reported.
 */
enum cf_error store_quick_check(struct cf_store *st, long *problems);

/*
 * Verifies every DESIGN §4 pragma on st's connection (journal_mode=wal,
 * synchronous=FULL(2), locking_mode=exclusive, busy_timeout, temp_store=
 * MEMORY(2), secure_delete=1, mmap_size=0, foreign_keys=1, trusted_schema=0,
 * cell_size_check=1, defensive on). CF_OK or CF_ERR_DAMAGED. Called by
 * store_open() and store_create(); public for tests.
 */
enum cf_error store_assert_pragmas(const struct cf_store *st);

/* PRAGMA user_version and application_id as read under the lock. */
int store_schema_version(const struct cf_store *st);
uint32_t store_application_id(const struct cf_store *st);

/* ---- meta: the single header row ------------------------------------- */

struct cf_store_meta {
	int format_version;                     /* = schema version written at creation/migration */
	uint8_t file_id[CF_STORE_FILE_ID_BYTES];
	int64_t created;                        /* UTC seconds */
	uint8_t *sum;                           /* unkeyed checksum of the fields above, owned */
	size_t sum_len;
	uint8_t *mac;                           /* header MAC, NULL before the first one; owned */
	size_t mac_len;
	/*
	 * Schema 3 on (0 before): bit c set while compartment c may still hold
	 * rows sealed before the plaintext columns were bound into the AD
	 * (version 0); cleared when a holder of c has upgraded them.
	 */
	uint32_t legacy_records;
	/*
	 * Schema 4 on: the signed directory (casefile.h, "Trust"): the
	 * directory's Ed25519 public key, its epoch (+1 per signed change) and
	 * its signature (owned; NULL while no admin has signed it yet).
	 */
	int has_directory_key;
	uint8_t directory_key[CF_STORE_PUBLIC_KEY_BYTES];
	uint64_t directory_epoch;
	uint8_t *directory_sig;
	size_t directory_sig_len;
	/*
	 * Schema 5 on (zero before): per compartment (enum cf_compartment
	 * order), the directory epoch at which its key was last revoked, and
	 * the recovery key's X25519 public key. Both signed with the directory.
	 */
	int has_revoked;
	uint64_t revoked[CF_STORE_COMPARTMENTS];
	int has_recovery_public_key;
	uint8_t recovery_public_key[CF_STORE_PUBLIC_KEY_BYTES];
	/* schema 5 on: write counter, +1 per header MAC (MACed; 0 before) */
	uint64_t generation;
	/* schema 5 on: key ids the recovery slot holds, as of its last use (MACed) */
	int has_recovery_key_ids;
	uint32_t recovery_key_ids[CF_STORE_COMPARTMENTS];
};

/* Reads the meta row into *m. Caller frees m->mac with store_meta_fini(). Errors: CF_ERR_DAMAGED. */
enum cf_error store_meta_get(struct cf_store *st, struct cf_store_meta *m);
void store_meta_fini(struct cf_store_meta *m);
/* Replaces the header MAC. Borrows mac. */
enum cf_error store_meta_set_mac(struct cf_store *st, const uint8_t *mac, size_t mac_len);
/* Replaces the header checksum. Borrows sum. */
enum cf_error store_meta_set_sum(struct cf_store *st, const uint8_t *sum, size_t sum_len);
/* Replaces meta.legacy_records (schema 3 on). */
enum cf_error store_meta_set_legacy(struct cf_store *st, uint32_t legacy);
/* Replaces the directory key (32 bytes), epoch and signature (schema 4 on; CF_ERR_FAIL before). Borrows key, sig. */
enum cf_error store_meta_set_directory(struct cf_store *st, const uint8_t *key, uint64_t epoch, const uint8_t *sig,
                                       size_t sig_len);

/*
 * Replaces meta.revoked (NULL: none) and meta.recovery_public_key (32 bytes,
 * NULL: none), schema 5 on (CF_ERR_FAIL before). Borrows both.
 */
enum cf_error store_meta_set_revocation(struct cf_store *st, const uint64_t revoked[CF_STORE_COMPARTMENTS],
                                        const uint8_t *recovery_public_key);

/* meta.generation + 1 (schema 5 on; nothing before). */
enum cf_error store_meta_bump_generation(struct cf_store *st);
/* Replaces meta.recovery_key_ids (schema 5 on; CF_ERR_FAIL before). */
enum cf_error store_meta_set_recovery_key_ids(struct cf_store *st, const uint32_t ids[CF_STORE_COMPARTMENTS]);

/* ---- users (staff accounts; names are plaintext, see share/sql) ------- */

struct cf_store_user {
	int64_t id;
	uint8_t uuid[CF_STORE_UUID_BYTES];
	char *name;          /* owned, UTF-8 */
	uint32_t roles;      /* bitmask, see user.h */
	int64_t created;     /* UTC seconds */
	int disabled;
	int has_public_key;
	uint8_t public_key[CF_STORE_PUBLIC_KEY_BYTES]; /* X25519, for grants; not secret */
	int has_sign_key;                              /* schema 4 on */
	uint8_t sign_key[CF_STORE_PUBLIC_KEY_BYTES];   /* Ed25519 public key; not secret */
};

void store_user_fini(struct cf_store_user *u);
/* Adds a user; *id receives the row id. Errors: CF_ERR_EXISTS (name taken). */
enum cf_error store_user_add(struct cf_store *st, const char *name, const uint8_t *uuid,
                             uint32_t roles, int64_t created, int64_t *id);
/* Finds a user by name. Caller frees with store_user_fini(). Errors: CF_ERR_NOT_FOUND. */
enum cf_error store_user_find(struct cf_store *st, const char *name, struct cf_store_user *u);
/* All users ordered by name. Caller frees with store_user_list_free(). */
enum cf_error store_user_list(struct cf_store *st, struct cf_store_user **users, size_t *n);
void store_user_list_free(struct cf_store_user **users, size_t n);
enum cf_error store_user_set_roles(struct cf_store *st, int64_t id, uint32_t roles);
enum cf_error store_user_set_public_key(struct cf_store *st, int64_t id, const uint8_t *pk);
/* Sets the user's Ed25519 public key (32 bytes; schema 4 on, CF_ERR_FAIL before). Errors: CF_ERR_NOT_FOUND. */
enum cf_error store_user_set_sign_key(struct cf_store *st, int64_t id, const uint8_t *pk);
/* Sets the user's disabled flag (0 or 1). Errors: CF_ERR_NOT_FOUND. */
enum cf_error store_user_set_disabled(struct cf_store *st, int64_t id, int disabled);
/* Deletes the user and (ON DELETE CASCADE) its keyslot and grants. Errors: CF_ERR_NOT_FOUND. */
enum cf_error store_user_remove(struct cf_store *st, int64_t id);

/* ---- keyslots ------------------------------------------------------- */

enum cf_store_slot_kind { CF_SLOT_PASSPHRASE = 1, CF_SLOT_RECOVERY = 2 };

struct cf_store_keyslot {
	int64_t id;
	uint8_t uuid[CF_STORE_UUID_BYTES];
	int kind;               /* enum cf_store_slot_kind */
	int64_t user_id;        /* 0 for the recovery slot */
	uint32_t compartments;  /* bitmask of compartments the slot holds (metadata, MACed) */
	int64_t created;
	uint8_t *blob;          /* the sealed slot, owned */
	size_t blob_len;
};

void store_keyslot_fini(struct cf_store_keyslot *k);
/*
 * Inserts or atomically replaces the passphrase slot of user_id (or the one
 * recovery slot when kind is CF_SLOT_RECOVERY and user_id 0) in one statement.
 * Borrows uuid and blob.
 */
enum cf_error store_keyslot_put(struct cf_store *st, int kind, int64_t user_id, const uint8_t *uuid,
                                uint32_t compartments, int64_t created, const uint8_t *blob,
                                size_t blob_len);
/* The passphrase slot of user_id or the recovery slot (user_id ignored). Errors: CF_ERR_NOT_FOUND. */
enum cf_error store_keyslot_get(struct cf_store *st, int kind, int64_t user_id, struct cf_store_keyslot *k);
/* Every slot ordered by id. Caller frees with store_keyslot_list_free(). */
enum cf_error store_keyslot_list(struct cf_store *st, struct cf_store_keyslot **slots, size_t *n);
void store_keyslot_list_free(struct cf_store_keyslot **slots, size_t n);

/* ---- key grants: compartment keys sealed to a user's public key ---- */

struct cf_store_grant {
	int64_t id;
	int64_t user_id;
	int64_t granter_id; /* user who sealed it (schema 4 on; 0 before) */
	uint32_t compartments;
	int64_t created;
	uint8_t *blob;     /* owned */
	size_t blob_len;
};

void store_grant_fini(struct cf_store_grant *g);
/* Adds a grant from granter_id to user_id (schema 4 on; CF_ERR_FAIL before). Borrows blob. */
enum cf_error store_grant_add(struct cf_store *st, int64_t user_id, int64_t granter_id, uint32_t compartments,
                              int64_t created, const uint8_t *blob, size_t blob_len);
/* Grants of user_id, or of every user when user_id is 0, ordered by id. Caller frees with store_grant_list_free(). */
enum cf_error store_grant_list(struct cf_store *st, int64_t user_id, struct cf_store_grant **grants, size_t *n);
void store_grant_list_free(struct cf_store_grant **grants, size_t n);
enum cf_error store_grant_remove(struct cf_store *st, int64_t id);
/* Deletes every grant granter_id sealed (before that account is removed). CF_OK also when there is none. */
enum cf_error store_grant_remove_by_granter(struct cf_store *st, int64_t granter_id);

/*
 * Grants to the recovery key (schema 5 on): the same as key_grant, with
 * user_id 0. Add: CF_ERR_FAIL before schema 5; borrows blob. List: none
 * before schema 5; caller frees with store_grant_list_free(). Remove:
 * deletes grant id and every grant granter_id sealed (0: none).
 */
enum cf_error store_recovery_grant_add(struct cf_store *st, int64_t granter_id, uint32_t compartments,
                                       int64_t created, const uint8_t *blob, size_t blob_len);
enum cf_error store_recovery_grant_list(struct cf_store *st, struct cf_store_grant **grants, size_t *n);
enum cf_error store_recovery_grant_remove(struct cf_store *st, int64_t id, int64_t granter_id);

/* Signed records of key rotations (schema 5 on; none and CF_ERR_FAIL before). */
struct cf_store_rotation {
	int64_t id;
	int compartment;
	uint32_t key_id;
	int64_t rotator_id;
	int64_t created;
	uint8_t sig[64];
};

/* Adds one. Borrows sig (64 bytes). */
enum cf_error store_rotation_add(struct cf_store *st, int compartment, uint32_t key_id, int64_t rotator_id,
                                 int64_t created, const uint8_t sig[64]);
/* Every rotation record in id order; caller frees *out with free(). */
enum cf_error store_rotation_list(struct cf_store *st, struct cf_store_rotation **out, size_t *n);

/* ---- the audit log (schema 6 on; share/sql/0006-audit.sql) ---- */

#define CF_STORE_AUDIT_TABLE_MAX 32 /* bytes of a table name, with its NUL */

/* One entry as stored. Hashes, keys and the signature are bytes as written (checked by core). */
struct cf_store_audit {
	int64_t seq;                 /* 1, 2, ... */
	int64_t at;                  /* UTC seconds */
	int64_t actor_id;            /* user id; 0 for the recovery key */
	int action;                  /* enum cf_audit_action (carefile/casefile.h) */
	char tbl[CF_STORE_AUDIT_TABLE_MAX]; /* record table, "" for none */
	int has_row;                 /* row_uuid, row_version and row_hash are set */
	uint8_t row_uuid[16];
	int64_t row_version;
	uint8_t row_hash[32];
	uint8_t signer_key[32];
	uint8_t hash[32];
	uint8_t sig[64];
};

/* Appends e (its seq must be the last one + 1: CF_ERR_INVALID otherwise). CF_ERR_FAIL before schema 6. */
enum cf_error store_audit_append(struct cf_store *st, const struct cf_store_audit *e);

/* The last entry; CF_ERR_NOT_FOUND when the log is empty or the schema has none. CF_ERR_DAMAGED for a malformed row. */
enum cf_error store_audit_last(struct cf_store *st, struct cf_store_audit *out);

/* Entry seq; CF_ERR_NOT_FOUND when there is none. CF_ERR_DAMAGED for a malformed row. */
enum cf_error store_audit_get(struct cf_store *st, int64_t seq, struct cf_store_audit *out);

/*
 * Calls fn for every entry in seq order (latest_per_row 0), or only for the
 * latest entry of each (table, row uuid) (latest_per_row 1, in no
 * particular order). fn's non-CF_OK stops the walk and is returned; a
 * malformed row gives CF_ERR_DAMAGED. Nothing (CF_OK) before schema 6.
 */
enum cf_error store_audit_foreach(struct cf_store *st, int latest_per_row,
                                  enum cf_error (*fn)(const struct cf_store_audit *e, void *ctx), void *ctx);

/* ---- drop keys (schema 7 on; share/sql/0007-drop-box.sql) ---- */

/* A compartment's published drop public key, as stored (core checks the signature). */
struct cf_store_drop_key {
	int compartment;
	uint32_t key_id;
	uint8_t public_key[32];
	int64_t signer_id;
	uint8_t sig[64];
};

/* Compartment c's drop key; CF_ERR_NOT_FOUND when none is published or the schema has none. */
enum cf_error store_drop_key_get(struct cf_store *st, int compartment, struct cf_store_drop_key *out);

/* Publishes k, replacing the one of its compartment. CF_ERR_FAIL before schema 7. */
enum cf_error store_drop_key_put(struct cf_store *st, const struct cf_store_drop_key *k);

/* ---- directory-key transitions (schema 8 on; share/sql/0008-directory-transition.sql) ---- */

/* From epoch on the directory is signed by new_key; old_key signed that (core checks the signature). */
struct cf_store_dir_transition {
	uint64_t epoch;
	uint8_t old_key[32];
	uint8_t new_key[32];
	uint8_t sig[64];
};

/* Adds t. CF_ERR_EXISTS when a transition at its epoch is stored; CF_ERR_FAIL before schema 8. */
enum cf_error store_dir_transition_add(struct cf_store *st, const struct cf_store_dir_transition *t);
/* Every transition, oldest epoch first; caller frees *out with free(). None (n = 0) before schema 8. */
enum cf_error store_dir_transition_list(struct cf_store *st, struct cf_store_dir_transition **out, size_t *n);

/* ---- rows of typed tables (carefile/record.h): plaintext metadata and one ciphertext ---- */

/*
 * The store reads and writes the rows of any struct cf_table: the standard
 * columns, the declared ones, and for each CF_COLUMN_LINK the parent's uuid
 * (a LEFT JOIN: a row whose parent is gone gets a zero uuid, which fails
 * to authenticate). Table and column names come from the declarations
 * only. Statements are prepared once per connection and kept (a small
 * cache finalized by store_close()).
 */

/* Pseudo columns for struct cf_row_query.range and .order (declared columns are 0, 1, ...). */
#define CF_QUERY_NONE (-1)
#define CF_QUERY_ID (-2)
#define CF_QUERY_CREATED (-3)
#define CF_QUERY_UPDATED (-4)

/*
 * Which rows, in which order: rows whose link column `link` holds link_id
 * (link -1: any), whose column `range` lies in from <= v < to (range
 * CF_QUERY_NONE: any), ordered by `order` (then by id) ascending or
 * descending, at most limit rows (0: all) after skipping offset.
 * Every filter and order is answered from an index where the migration
 * made one, without reading rows that are not returned.
 */
struct cf_row_query {
	int link;
	int64_t link_id;
	int range;
	int64_t from, to;
	int order;
	int desc;
	int64_t limit, offset;
};

/*
 * Every row in the order written (link -1, range CF_QUERY_NONE, order
 * CF_QUERY_CREATED then id, no limit). Row ids are random (store_row_insert()),
 * so id order is no order at all.
 */
void store_query_init(struct cf_row_query *q);

/*
 * Inserts r into t (uuid, compartment, version, created, updated, the
 * declared columns r->col, data) under a random row id (1 .. 2^62, from
 * SQLite's ChaCha20 generator): ids carry no roster or write order.
 * r->id receives it.
 * CF_ERR_EXISTS for a duplicate uuid, CF_ERR_INVALID for a link to a row
 * that does not exist (foreign key) or a value the schema refuses.
 */
enum cf_error store_row_insert(struct cf_store *st, const struct cf_table *t, struct cf_row *r);

/*
 * Replaces version, updated, the declared columns and data of row r->id,
 * provided its version is still old_version (otherwise, or when there is no
 * such row, CF_ERR_NOT_FOUND and nothing changes).
 */
enum cf_error store_row_update(struct cf_store *st, const struct cf_table *t, const struct cf_row *r,
                               int64_t old_version);

/* Calls fn for each row matching q; fn borrows r (r->data too) for the call only. A non-CF_OK from fn stops the walk and is returned. */
enum cf_error store_row_foreach(struct cf_store *st, const struct cf_table *t, const struct cf_row_query *q,
                                enum cf_error (*fn)(const struct cf_row *r, void *ctx), void *ctx);

/* Calls fn once for row id (CF_ERR_NOT_FOUND when there is none). */
enum cf_error store_row_get(struct cf_store *st, const struct cf_table *t, int64_t id,
                            enum cf_error (*fn)(const struct cf_row *r, void *ctx), void *ctx);

/* Number of rows matching q (limit and offset ignored). */
enum cf_error store_row_count(struct cf_store *st, const struct cf_table *t, const struct cf_row_query *q,
                              int64_t *n);

/* ---- schema ---- */

/*
 * Runs the migrations the file still needs (user_version below
 * CF_STORE_SCHEMA_VERSION) inside the caller's transaction. Core calls it
 * after authentication: opening a file never writes to it.
 * CF_OK (also when nothing was to do), or the SQLite error.
 */
enum cf_error store_migrate(struct cf_store *st);

/* The SQL type SQLite reports for column `column` of table `table` ("INTEGER", "BLOB"), for the schema lint. Caller frees. NULL when there is none. */
char *store_column_type(struct cf_store *st, const char *table, const char *column);

/*
 * Tests only: more SQL (CREATE TABLE ...) that the schema check of
 * store_open() also accepts: a file whose schema is the migrations' plus
 * exactly this passes, as does one with the migrations' alone; for
 * test-only record tables (the canaries of
 * tests/unit/core/test_casefile.c). The string is borrowed; NULL (the
 * default, and all the product ever has) means none.
 */
void store_testing_extra_schema(const char *sql);

#endif
