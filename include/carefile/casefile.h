/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The case file as the user sees it: create, open, unlock, lock, users, and record sealing for core modules. */
#ifndef CAREFILE_CASEFILE_H
#define CAREFILE_CASEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/record.h"
#include "carefile/store.h"

/*
 * Life cycle:
 *   casefile_open()      file checked and locked against other processes; no keys
 *   casefile_unlock()    a user's keyslot opened, header MAC verified
 *   casefile_lock()      keys and decrypted caches wiped; the file stays open
 *   casefile_unlock()    again, same user only (returns to the same screen)
 *   casefile_close()
 *
 * Passphrases are given as (pointer, length) in secure memory
 * (crypto_secure_alloc); nothing here copies them outside secure memory.
 * Every function returns an enum cf_error and never prints.
 */
struct cf_casefile;

/*
 * Creates a new case file at path (mode 0600, never overwrites anything)
 * with user as admin+counselor+supervisor (every compartment) and a
 * recovery keyslot, and leaves it open and unlocked as user.
 * pass: the user's passphrase, checked with user_passphrase_check() unless
 *       skip_strength is set (demo and test fixtures only).
 * kdf: Argon2id parameters for the passphrase slot; NULL calibrates to
 *      about one second (crypto_kdf_calibrate(1.0)).
 * recovery_text: receives the recovery key text (CF_RECOVERY_TEXT_SIZE
 *      bytes, secure memory; caller frees with crypto_secure_free()); may be
 *      NULL to not receive it (demo).
 * reason (may be NULL): detail of a store failure.
 * Errors: CF_ERR_EXISTS, CF_ERR_INVALID (user name), CF_ERR_WEAK_PASSPHRASE,
 * CF_ERR_KDF_PARAMS, CF_ERR_IO, CF_ERR_NOMEM, CF_ERR_CRYPTO.
 * Caller frees *out with casefile_close(). On failure no file is left behind.
 */
enum cf_error casefile_create(const char *path, const char *user, const char *pass, size_t pass_len,
                              int skip_strength, const struct cf_kdf_params *kdf, char **recovery_text,
                              struct cf_casefile **out, enum cf_store_reason *reason);

/* casefile_create() then casefile_close(): the `carefile init` command. */
enum cf_error casefile_init(const char *path, const char *user, const char *pass, size_t pass_len,
                            const struct cf_kdf_params *kdf, char **recovery_text,
                            enum cf_store_reason *reason);

/*
 * Opens path (store_open(): never creates, never writes to a file that is
 * not ours) and checks the header checksum, so a damaged header is told
 * apart from a wrong passphrase before any key derivation.
 * Errors: CF_ERR_NOT_FOUND, CF_ERR_NOT_CASEFILE, CF_ERR_DAMAGED,
 * CF_ERR_NEWER_FORMAT, CF_ERR_IN_USE, CF_ERR_IO, CF_ERR_NOMEM, CF_ERR_CRYPTO.
 * reason (may be NULL) says which kind (empty, truncated, foreign ...).
 * Caller frees *out with casefile_close().
 */
enum cf_error casefile_open(const char *path, struct cf_casefile **out, enum cf_store_reason *reason);

/*
 * Unlocks with user's passphrase: opens the keyslot (one Argon2id), then
 * verifies the header MAC over the header, every user, keyslot and grant.
 * Only then is anything written: an older schema is migrated and the rows
 * the user's keys open that were sealed before the plaintext columns were
 * bound are re-sealed (casefile_upgrade, one transaction), and pending
 * grants to this user are merged and the slot re-sealed (one more
 * Argon2id, one transaction). The keyring keeps only the compartments the
 * user's roles give (user_roles_compartments()): a slot sealed with more
 * (by a version whose hotline role held identity) is re-sealed without
 * them the same way. After casefile_lock() only the same user may
 * unlock again (CF_ERR_AUTH otherwise).
 * Errors: CF_ERR_AUTH (wrong passphrase or no such user: not told apart),
 * CF_ERR_DISABLED (right passphrase, but an admin disabled the account),
 * CF_ERR_DAMAGED (slot or header damaged or tampered), CF_ERR_KDF_PARAMS,
 * CF_ERR_NOMEM, CF_ERR_FAIL (already unlocked).
 */
enum cf_error casefile_unlock(struct cf_casefile *cf, const char *user, const char *pass, size_t pass_len);

/*
 * Unlocks with the recovery key text (every compartment; acts as every role,
 * for resetting passphrases). A mistyped group is reported before anything
 * is derived: CF_ERR_RECOVERY_KEY with *bad_group (may be NULL) = 0-based
 * group. Other errors as casefile_unlock().
 */
enum cf_error casefile_unlock_recovery(struct cf_casefile *cf, const char *text, size_t len, size_t *bad_group);

/* Wipes the keys and everything decrypted; the file stays open and locked to this process. NULL-safe. */
void casefile_lock(struct cf_casefile *cf);

/*
 * Registers fn(ctx), called by casefile_lock() (and so by casefile_close())
 * before the keys are wiped, so a module can wipe what it decrypted (search
 * caches, an open note). At most CF_CASEFILE_LOCK_HOOKS; CF_ERR_NOMEM when
 * full. Borrows ctx until casefile_close().
 */
#define CF_CASEFILE_LOCK_HOOKS 8
enum cf_error casefile_on_lock(struct cf_casefile *cf, void (*fn)(void *ctx), void *ctx);

/* Locks, closes the file and frees *cf; sets it to NULL. NULL-safe. */
void casefile_close(struct cf_casefile **cf);

/* 1 when unlocked. */
int casefile_is_unlocked(const struct cf_casefile *cf);
/* 1 when unlocked with the recovery key. */
int casefile_is_recovery(const struct cf_casefile *cf);
/* Name of the unlocked user (or of the last one, when locked); NULL if none or recovery. Borrowed from cf. */
const char *casefile_user(const struct cf_casefile *cf);
/* Roles of the unlocked user (CF_ROLE_ALL for recovery, 0 when locked). */
uint32_t casefile_roles(const struct cf_casefile *cf);
/* Compartments whose keys are held now (0 when locked). */
cf_compartment_mask casefile_compartments(const struct cf_casefile *cf);
/* The store, for core modules' queries. Borrowed from cf. */
struct cf_store *casefile_store(struct cf_casefile *cf);
/* Path given to open/create. Borrowed from cf. */
const char *casefile_path(const struct cf_casefile *cf);

/* ---- records (src/core/casefile-records.c): the one write path and the readers ---- */

struct cf_record_list;

/*
 * Transactions for several writes (an import: all rows or none). Not
 * nested. casefile_record_put() outside one opens and commits its own.
 * casefile_commit() ends with the header MAC, which adds one to the file's
 * write counter (meta.generation, for the rollback witness).
 */
enum cf_error casefile_begin(struct cf_casefile *cf);
enum cf_error casefile_commit(struct cf_casefile *cf);
void casefile_rollback(struct cf_casefile *cf);
/* 1 while a transaction of casefile_begin() is open. */
int casefile_in_transaction(const struct cf_casefile *cf);

/* Today as "YYYY-MM-DD" in local time (what "not in the future" means). */
void casefile_today(char out[11]);

/*
 * THE write path for every record type: validates rec (record_validate();
 * with errs not NULL the problems per field go there), encodes it into a
 * reused secure buffer, seals it with the table's compartment key binding
 * its plaintext columns, and inserts (row->id 0: a fresh uuid, version 1,
 * created = updated = now) or updates it (row->id set: version + 1,
 * updated = now; refused with CF_ERR_NOT_FOUND when the stored version is
 * not row->version, i.e. the row changed or is gone). The declared
 * columns of kind CF_COLUMN_FIELD are taken from rec; for a
 * CF_COLUMN_LINK the caller sets row->col[i] (the parent's row id) and
 * row->link_uuid[i] (its uuid). On success *row holds the new metadata.
 * Inside the caller's transaction, or its own. The audit entry of the
 * change goes here too (trust issue).
 * Errors: CF_ERR_LOCKED, CF_ERR_PERMISSION (compartment not held),
 * CF_ERR_INVALID (rec or a link), CF_ERR_NOT_FOUND, CF_ERR_EXISTS, CF_ERR_IO,
 * CF_ERR_NOMEM.
 */
enum cf_error casefile_record_put(struct cf_casefile *cf, const struct cf_table *t, struct cf_row *row,
                                  const void *rec, struct cf_field_errors *errs);

/*
 * The drop box: creates a row of t (row->id 0) as casefile_record_put()
 * does, for a writer that does not hold t's compartment (a hotline worker
 * raising an alert for counselors). Who may: a holder of a compartment in t->drop_from. The record is sealed to the compartment's drop public key
 * (crypto_record_drop_into), which a holder published and signed; holders
 * read it like any record, the writer cannot read it back. The audit entry
 * is signed by the writer as usual. A writer who holds the compartment
 * writes through casefile_record_put().
 * CF_OK; CF_ERR_LOCKED; CF_ERR_PERMISSION (holds no compartment of t->drop_from);
 * CF_ERR_INVALID (row->id set, bad record: errs); CF_ERR_NOT_FOUND (no
 * holder has published a drop key yet: nobody entitled has opened the file
 * since it was made or upgraded, or since the publisher was disabled or
 * removed);
 * CF_ERR_DAMAGED (the published key's signature or signer does not hold
 * against the signed directory); CF_ERR_IO, CF_ERR_NOMEM.
 */
enum cf_error casefile_record_drop(struct cf_casefile *cf, const struct cf_table *t, struct cf_row *row,
                                   const void *rec, struct cf_field_errors *errs);

/*
 * Decrypts, authenticates (the plaintext columns too) and decodes the rows
 * of t that q selects (NULL: all, in storage order, which row ids being
 * random is no order), one at a time: rec (the
 * caller's, t->type->size bytes of secure memory) is filled with strings
 * from alloc (an allocator over the caller's secure arena) and fn(row, rec,
 * ctx) is called; fn moves what it keeps (rec is reused, and fn need not
 * free it: the strings belong to the arena). One secure buffer serves
 * every row: no secure allocation per record. A row that fails to
 * authenticate or decode is counted in *damaged and skipped, or, with
 * damaged NULL, stops the walk with CF_ERR_DAMAGED. A non-CF_OK from fn
 * stops the walk and is returned. CF_ERR_LOCKED, CF_ERR_PERMISSION.
 */
enum cf_error casefile_record_foreach(struct cf_casefile *cf, const struct cf_table *t, const struct cf_row_query *q,
                                      const struct cf_str_alloc *alloc, void *rec,
                                      enum cf_error (*fn)(const struct cf_row *row, void *rec, void *ctx), void *ctx,
                                      size_t *damaged);

/*
 * casefile_record_put() of a record that belongs to row parent_id of
 * table parent (a contact of a student): t's link column to parent is set
 * to it, with the parent's uuid read from the store, so the ciphertext is
 * bound to that parent. CF_ERR_INVALID when t has no link to parent,
 * CF_ERR_NOT_FOUND when there is no such parent row; as
 * casefile_record_put() otherwise. An update keeps the row with its
 * parent: a record is never moved to another one.
 */
enum cf_error casefile_record_put_child(struct cf_casefile *cf, const struct cf_table *t,
                                        const struct cf_table *parent, int64_t parent_id, struct cf_row *row,
                                        const void *rec, struct cf_field_errors *errs);

/*
 * The n (>= 1) most recently created rows of t, newest first (an indexed
 * query: only those n are read and decrypted), into *out. As
 * casefile_record_list() otherwise.
 */
enum cf_error casefile_record_newest(struct cf_casefile *cf, const struct cf_table *t, size_t n,
                                     struct cf_record_list *out);

/*
 * The records of t linked to row parent_id of table parent (an indexed
 * query), decrypted into *out and ordered by the field with tag order_tag
 * (0: by row id), newest or largest first when desc. As
 * casefile_record_list() otherwise.
 */
enum cf_error casefile_record_children(struct cf_casefile *cf, const struct cf_table *t, const struct cf_table *parent,
                                       int64_t parent_id, uint16_t order_tag, bool desc,
                                       struct cf_record_list *out);

/*
 * Row id of t into rec (initialised here with alloc) and *row (may be
 * NULL; data not kept). CF_ERR_NOT_FOUND, CF_ERR_DAMAGED, as above.
 */
enum cf_error casefile_record_get(struct cf_casefile *cf, const struct cf_table *t, int64_t id,
                                  const struct cf_str_alloc *alloc, void *rec, struct cf_row *row);

/*
 * What a screen must not lose but may not keep in the clear while locked
 * (a form's unsaved text): sealed under compartment c's key, so lock can
 * wipe the plaintext and unlock give it back. The blob stays in memory
 * (never written to the file); it opens only in this session of this file.
 * casefile_draft_seal(): *blob malloc'd (ciphertext), caller frees with
 * free(). casefile_draft_open(): *plain in secure memory, caller frees with
 * crypto_secure_free(). CF_ERR_LOCKED, CF_ERR_PERMISSION, CF_ERR_DAMAGED,
 * CF_ERR_NOMEM.
 */
enum cf_error casefile_draft_seal(struct cf_casefile *cf, enum cf_compartment c, const void *plain, size_t len,
                                  uint8_t **blob, size_t *blob_len);
enum cf_error casefile_draft_open(struct cf_casefile *cf, enum cf_compartment c, const uint8_t *blob,
                                  size_t blob_len, char **plain, size_t *plain_len);

/* Records of one table decrypted for a screen: everything in secure memory, freed as a whole. */
struct cf_record_list {
	const struct cf_table *table;
	struct cf_row *rows;   /* n rows' metadata */
	void *recs;            /* n records of table->type, use casefile_record_list_at() */
	size_t n;
	size_t damaged;        /* rows that failed to authenticate or decode (not in the list) */
	struct cf_secure_arena *arena; /* the records' strings */
	struct cf_str_alloc alloc;
};

/* The rows of t that q selects, decrypted into *out. Errors as casefile_record_foreach(). Caller frees with casefile_record_list_fini(). */
enum cf_error casefile_record_list(struct cf_casefile *cf, const struct cf_table *t, const struct cf_row_query *q,
                                   struct cf_record_list *out);

/* Record i of l (borrowed), or NULL. */
void *casefile_record_list_at(const struct cf_record_list *l, size_t i);

/* Orders l by the field with this tag (texts and dates bytewise, numbers by value), then by row id. CF_OK, CF_ERR_INVALID, CF_ERR_NOMEM. */
enum cf_error casefile_record_list_sort(struct cf_record_list *l, uint16_t tag, bool desc);

/* Wipes and frees l; leaves it empty. NULL-safe. */
void casefile_record_list_fini(struct cf_record_list *l);

/* ---- users (each operation one transaction, header MAC updated inside it) ---- */

struct cf_user_info {
	char *name;                      /* owned */
	uint32_t roles;
	int64_t created;                 /* UTC seconds */
	cf_compartment_mask compartments;/* held by the user's keyslot (per its metadata) */
	int pending_grants;              /* grants not yet merged (merged at the user's next unlock) */
	int disabled;                    /* 1: the account cannot unlock (casefile_user_set_disabled) */
};

/*
 * The roles user name's row claims, read from an open file BEFORE any
 * unlock, so a command can refuse what the role may not do before it asks
 * for a passphrase. NOT authenticated (only casefile_unlock() verifies the
 * header MAC): use it to refuse early, never to allow; the keys decide
 * after the unlock. It tells nothing the file does not (user names and
 * roles are plaintext columns). CF_ERR_NOT_FOUND for an unknown user (the
 * unlock then fails as for a wrong passphrase: not told apart),
 * CF_ERR_INVALID, CF_ERR_IO.
 */
enum cf_error casefile_user_roles_unverified(struct cf_casefile *cf, const char *name, uint32_t *roles);

/* Every user, ordered by name. Needs an unlocked file. Caller frees with casefile_user_list_free(). */
enum cf_error casefile_user_list(struct cf_casefile *cf, struct cf_user_info **users, size_t *n);
void casefile_user_list_free(struct cf_user_info **users, size_t n);

/*
 * Adds user name with roles and passphrase pass. Requires the admin role (or
 * the recovery key) and holding every compartment of roles (granting
 * requires holding): CF_ERR_PERMISSION otherwise. kdf NULL: calibrate.
 * Errors also: CF_ERR_EXISTS, CF_ERR_INVALID (name, roles 0),
 * CF_ERR_WEAK_PASSPHRASE (unless skip_strength), CF_ERR_LOCKED.
 */
enum cf_error casefile_user_add(struct cf_casefile *cf, const char *name, uint32_t roles, const char *pass,
                                size_t pass_len, int skip_strength, const struct cf_kdf_params *kdf);

/*
 * Changes the unlocked user's own passphrase (the old one was proven by
 * casefile_unlock()). The slot row is replaced in one statement inside one
 * transaction: a crash leaves exactly one of old and new working.
 * kdf NULL: keep the slot's current parameters.
 */
enum cf_error casefile_user_passwd(struct cf_casefile *cf, const char *pass, size_t pass_len,
                                   const struct cf_kdf_params *kdf);

/*
 * Resets user name's passphrase; needs a recovery unlock (CF_ERR_PERMISSION
 * otherwise). The new slot holds the compartments of the user's roles and a
 * new key pair; pending grants to the user are dropped (their roles are in
 * the new slot already). kdf NULL: calibrate.
 */
enum cf_error casefile_user_reset(struct cf_casefile *cf, const char *name, const char *pass, size_t pass_len,
                                  const struct cf_kdf_params *kdf);

/*
 * Adds roles to user name: the compartment keys the user lacks are sealed to
 * the user's public key (a grant) and merged at the user's next unlock.
 * Requires the admin role and holding those compartments (CF_ERR_PERMISSION).
 * CF_ERR_NOT_FOUND for an unknown user.
 */
enum cf_error casefile_user_grant(struct cf_casefile *cf, const char *name, uint32_t roles);

/*
 * Takes roles away from user name (the others stay). Every compartment key
 * the user no longer needs is revoked and rotated as by
 * casefile_user_remove(); the user's slot drops those keys at its next
 * unlock. Requires the admin role (CF_ERR_PERMISSION). CF_ERR_INVALID when
 * no role would be left (remove the account instead), for an admin taking
 * its own admin role, or for bad roles; CF_OK and nothing written when the
 * user had none of them. CF_ERR_EXISTS while keys of those compartments that
 * the user sealed to others wait to be merged (taking the role would void
 * them: the recipients must unlock first). CF_ERR_NOT_FOUND, CF_ERR_LOCKED.
 */
enum cf_error casefile_user_revoke(struct cf_casefile *cf, const char *name, uint32_t roles);

/*
 * Removes user name, its keyslot and grants. Requires the admin role;
 * removing oneself is refused (CF_ERR_INVALID). CF_ERR_NOT_FOUND.
 * Revokes every compartment key the user's roles gave (not the directory
 * key): the signed directory records the epoch, and the next remaining
 * holder of each compartment to unlock rotates its key, re-sealing every
 * record under the new one (doc/trust.md, "Revocation"). The admin needs
 * none of those keys. CF_ERR_EXISTS while keys the user sealed to other
 * accounts wait to be merged (they may be the only copies of a rotated key:
 * the recipients must unlock first).
 */
enum cf_error casefile_user_remove(struct cf_casefile *cf, const char *name);

/*
 * Disables (disabled 1) or enables (0) user name's account: a disabled
 * account's correct passphrase unlocks nothing (CF_ERR_DISABLED, told only
 * after the passphrase proved right, so it is no oracle). Requires the
 * admin role (CF_ERR_PERMISSION); one's own account cannot be disabled
 * (CF_ERR_INVALID). CF_ERR_NOT_FOUND, CF_ERR_LOCKED. One transaction with
 * the header MAC. Disabling revokes the user's compartment keys as
 * casefile_user_remove() does; an account enabled again gets the current
 * keys by escrow after its next unlock. A copy of the file taken before
 * still opens with the old slot (doc/trust.md, "Revocation").
 */
enum cf_error casefile_user_set_disabled(struct cf_casefile *cf, const char *name, int disabled);

/*
 * KDF parameters of the unlocked user's own passphrase slot (calibrated on
 * this machine at init): new slots reuse them instead of calibrating again.
 * CF_ERR_NOT_FOUND for a recovery unlock (no passphrase slot), CF_ERR_LOCKED.
 */
enum cf_error casefile_slot_params(struct cf_casefile *cf, struct cf_kdf_params *out);

/* ---- audit log (schema 6 on; doc/trust.md, "Audit log") ---- */

/*
 * What an entry records. Every record write through the one write path
 * (casefile_record_put() and the re-sealing of rotation and upgrade) appends
 * CREATE or UPDATE in the same transaction; the migration to schema 6
 * appends one BASELINE per row that existed; directory changes append
 * DIRECTORY; a passphrase change PASSPHRASE; the screens and commands append the others with
 * casefile_audit_event(). Stable numbers: they are stored.
 */
enum cf_audit_action {
	CF_AUDIT_CREATE = 1,
	CF_AUDIT_UPDATE = 2,
	CF_AUDIT_BASELINE = 3,
	CF_AUDIT_UNLOCK = 4,
	CF_AUDIT_LOCK = 5,
	CF_AUDIT_VIEW = 6,
	CF_AUDIT_IMPORT = 7,
	CF_AUDIT_EXPORT = 8,
	CF_AUDIT_DIRECTORY = 9,
	CF_AUDIT_PASSPHRASE = 10, /* the account changed its own passphrase */
	CF_AUDIT_DROP_KEY = 11,   /* a compartment's drop public key published (doc/trust.md, "The drop box") */
	CF_AUDIT_FAILED_UNLOCK = 12, /* a wrong passphrase on this PC, written at its next unlock; at: when tried,
	                                table "user" and the uuid of the account tried (none: a name not in the file) */
};

/* Untranslated stable name of an action ("create", ...); "unknown" for others. */
const char *casefile_audit_action_name(int action);

/*
 * Appends one entry for action by the unlocked account (one transaction,
 * with the header MAC). t and row_id name the record it is about (a VIEW of
 * a student), or are NULL and 0. CF_OK and nothing written before schema 6.
 * CF_ERR_LOCKED, CF_ERR_NOT_FOUND (no such row), or a store error.
 */
enum cf_error casefile_audit_event(struct cf_casefile *cf, enum cf_audit_action action, const struct cf_table *t,
                                   int64_t row_id);

/* Why the chain broke at cf_audit_report.first_broken. */
enum cf_audit_break {
	CF_AUDIT_INTACT = 0,
	CF_AUDIT_BROKEN_ORDER,     /* seq not the one after the previous entry: removed or reordered */
	CF_AUDIT_BROKEN_HASH,      /* the entry's hash is not that of its fields and the entry before it */
	CF_AUDIT_BROKEN_SIGNATURE, /* the signature does not verify under the entry's signer key */
	CF_AUDIT_BROKEN_SIGNER,    /* the signer key is another account's key in the directory */
	CF_AUDIT_BROKEN_MALFORMED, /* a field of the wrong type or size */
};

struct cf_audit_report {
	int64_t entries;              /* entries read */
	int64_t first_broken;         /* seq (1-based position) of the first entry that breaks the chain; 0 when intact */
	enum cf_audit_break why;
	int64_t unsigned_entries;     /* written by an account that had no signing key yet (files from before schema 4) */
	int64_t unlisted_signers;     /* signed by a key the directory no longer lists for that account (removed, or given a new key) */
	uint8_t head[32];             /* hash of the last entry (zeros for none) */
};

/*
 * Verifies the chain alone: every entry's seq follows the one before, its
 * BLAKE2b-256 hash covers its fields and the hash before it, its Ed25519
 * signature verifies under its signer key, and that key is the one the
 * directory lists for its account (the directory's own key for the
 * recovery key), when the account is still listed. Needs no key: cf may be
 * locked (casefile_open()). Stops at the first break. CF_OK (intact),
 * CF_ERR_DAMAGED (report->first_broken names the entry), or a store error.
 * The header MAC (checked at unlock) binds the last entry's seq and hash, so
 * a shortened chain is caught only by an unlocked check of a file whose MAC
 * the remover could not recompute, or by the rollback witness.
 */
enum cf_error casefile_audit_verify(struct cf_casefile *cf, struct cf_audit_report *report);

/* One audit entry as a supervisor reads it: the plaintext fields, names resolved. */
struct cf_audit_entry {
	int64_t seq;
	int64_t at;              /* UTC seconds */
	const char *actor;       /* the account's login name; "" for the recovery key; borrowed for the call */
	int action;              /* enum cf_audit_action; name: casefile_audit_action_name() */
	const char *table;       /* record table or "user"; "" for none */
	int has_row;
	uint8_t row_uuid[CF_UUID_BYTES];
	int64_t row_version;
	const char *about;       /* table "user": the account the entry names (a failed unlock's); else "" */
};

/*
 * Calls fn for the last `last` entries of the audit log (0: all), oldest
 * first. Supervisors only: needs the clinical and hotline keys (the
 * supervisor's pair, or the recovery key), CF_ERR_PERMISSION otherwise.
 * The fields are plaintext in the file (doc/trust.md, "Audit log"): this
 * gate keeps the list out of other roles' hands, keys do not. fn's
 * non-CF_OK stops the walk and is returned. CF_ERR_LOCKED, CF_ERR_DAMAGED
 * (a malformed entry), CF_ERR_NOMEM.
 */
enum cf_error casefile_audit_list(struct cf_casefile *cf, int64_t last,
                                  enum cf_error (*fn)(const struct cf_audit_entry *e, void *ctx), void *ctx);

/* ---- check ---- */

/* What check found wrong with a row. */
enum cf_check_problem {
	CF_CHECK_UNREADABLE = 0,    /* does not authenticate or decode (err says how) */
	CF_CHECK_NOT_IN_LOG,        /* no audit entry names this row: planted */
	CF_CHECK_DIFFERS_FROM_LOG,  /* not the version or bytes its latest audit entry records: replayed or edited */
	CF_CHECK_MISSING,           /* the audit log says it exists; no row has its uuid: deleted (row_id 0) */
};

struct cf_check_failure {
	const char *table;   /* static name */
	int64_t row_id;      /* 0 for CF_CHECK_MISSING */
	enum cf_error err;
	enum cf_check_problem problem;
	int64_t audit_seq;   /* the latest audit entry of the row, 0 for none */
};

#define CF_CHECK_TABLES_MAX 16

struct cf_check_report {
	long quick_check_problems;
	struct {
		const char *table;         /* static name, NULL past the last table */
		int64_t rows;              /* rows in the table */
		int64_t authenticated;     /* rows whose ciphertext and plaintext columns authenticated and that decode */
		int64_t opaque;            /* of those authenticated: text of a pre-release version, with no fields */
		int64_t skipped;           /* rows of compartments the user does not hold */
	} tables[CF_CHECK_TABLES_MAX];
	struct cf_check_failure *failures; /* owned */
	size_t n_failures;
	int has_audit;                     /* schema 6 on: the audit log was verified and compared */
	struct cf_audit_report audit;      /* its chain (casefile_audit_verify()) */
};

/*
 * PRAGMA quick_check, then opens every row of every table of cf_tables
 * whose compartment the user holds: its ciphertext must authenticate with
 * its plaintext columns (a link as its parent's uuid) and decode. One query
 * per table: linear in the rows. CF_OK when everything passed,
 * CF_ERR_DAMAGED when anything failed (see report), other errors when the
 * check could not run. Caller frees with casefile_check_report_fini().
 */
enum cf_error casefile_check(struct cf_casefile *cf, struct cf_check_report *report);
void casefile_check_report_fini(struct cf_check_report *report);

/* ---- demo ---- */

/* The demo case file's users (fictional data only; README documents them). */
#define CF_DEMO_USER "demo"
#define CF_DEMO_PASSPHRASE "demo-passphrase-2026"
#define CF_DEMO_HOTLINE_USER "hotline1"
#define CF_DEMO_HOTLINE_PASSPHRASE "hotline-passphrase-2026"

/* Fictional students in the demo file (students_demo_populate()), always the same for the same seed. */
#define CF_DEMO_STUDENTS 400
#define CF_DEMO_SEED 20260401u

/*
 * Creates a demo case file at path (refuses to overwrite): user demo
 * (admin+counselor+supervisor) and hotline1 (hotline), KDF at the floor for
 * speed, no recovery key shown, CF_DEMO_STUDENTS fictional students with
 * guardians and a few home-school contacts. Errors as casefile_create().
 */
enum cf_error casefile_demo_create(const char *path, enum cf_store_reason *reason);

/* Translated one-line text for a store reason (empty string for NONE). */
const char *casefile_reason_text(enum cf_store_reason reason);

/*
 * The rollback witness (doc/trust.md, "Rollback"). Each account remembers
 * on this PC ($XDG_STATE_HOME/carefile/witness) the highest write counter
 * and directory epoch it has seen per case file id. An unlock of a file
 * older than that fails with CF_ERR_ROLLBACK after the passphrase proved
 * right and before anything is written; casefile_rollback_counts() then
 * gives the counter seen and the file's (0 when not known). After the user
 * confirms (the file was restored from a backup, say),
 * casefile_accept_rollback() and the same unlock again open it and reset
 * the witness to it. The recovery key is not witnessed.
 */
void casefile_accept_rollback(struct cf_casefile *cf);
void casefile_rollback_counts(const struct cf_casefile *cf, uint64_t *seen, uint64_t *now);

#endif
