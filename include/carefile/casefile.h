/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The case file as the user sees it: create, open, unlock, lock, users, and record sealing for core modules. */
#ifndef CAREFILE_CASEFILE_H
#define CAREFILE_CASEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "carefile/crypto.h"
#include "carefile/error.h"
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
 * Pending grants to this user are merged and the slot re-sealed (one more
 * Argon2id, one transaction). After casefile_lock() only the same user may
 * unlock again (CF_ERR_AUTH otherwise).
 * Errors: CF_ERR_AUTH (wrong passphrase or no such user: not told apart),
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

/*
 * Seals plain (len bytes) for table.column of the row with row_uuid under
 * compartment c (AD: format version, file id, table, column, row uuid,
 * key id). *blob: malloc, caller frees with free().
 * Errors: CF_ERR_LOCKED, CF_ERR_PERMISSION (c not held), CF_ERR_INVALID, CF_ERR_NOMEM.
 */
enum cf_error casefile_record_seal(const struct cf_casefile *cf, enum cf_compartment c, const char *table,
                                   const char *column, const uint8_t *row_uuid, const void *plain, size_t len,
                                   uint8_t **blob, size_t *blob_len);

/*
 * Opens a blob sealed by casefile_record_seal() for the same place.
 * *plain: secure memory, NUL-terminated (not counted in *plain_len); caller
 * frees with crypto_secure_free().
 * Errors: CF_ERR_LOCKED, CF_ERR_PERMISSION, CF_ERR_DAMAGED (tampered or moved), CF_ERR_NOMEM.
 */
enum cf_error casefile_record_open(const struct cf_casefile *cf, enum cf_compartment c, const char *table,
                                   const char *column, const uint8_t *row_uuid, const uint8_t *blob,
                                   size_t blob_len, char **plain, size_t *plain_len);

/* ---- users (each operation one transaction, header MAC updated inside it) ---- */

struct cf_user_info {
	char *name;                      /* owned */
	uint32_t roles;
	int64_t created;                 /* UTC seconds */
	cf_compartment_mask compartments;/* held by the user's keyslot (per its metadata) */
	int pending_grants;              /* grants not yet merged (merged at the user's next unlock) */
};

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
 * Removes user name, its keyslot and grants. Requires the admin role;
 * removing oneself is refused (CF_ERR_INVALID). CF_ERR_NOT_FOUND.
 */
enum cf_error casefile_user_remove(struct cf_casefile *cf, const char *name);

/*
 * KDF parameters of the unlocked user's own passphrase slot (calibrated on
 * this machine at init): new slots reuse them instead of calibrating again.
 * CF_ERR_NOT_FOUND for a recovery unlock (no passphrase slot), CF_ERR_LOCKED.
 */
enum cf_error casefile_slot_params(struct cf_casefile *cf, struct cf_kdf_params *out);

/* ---- check ---- */

struct cf_check_failure {
	const char *table;   /* static name */
	int64_t row_id;
	enum cf_error err;
};

struct cf_check_report {
	long quick_check_problems;
	struct {
		const char *table;         /* static name */
		int64_t rows;              /* rows in the table */
		int64_t authenticated;     /* rows whose ciphertext opened */
		int64_t skipped;           /* rows of compartments the user does not hold */
	} tables[CF_TABLE__COUNT];
	struct cf_check_failure *failures; /* owned */
	size_t n_failures;
};

/*
 * PRAGMA quick_check, then opens every record of every table whose
 * compartment the user holds. CF_OK when everything passed, CF_ERR_DAMAGED
 * when anything failed (see report), other errors when the check could not
 * run. Caller frees with casefile_check_report_fini().
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

#endif
