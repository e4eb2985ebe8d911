/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What casefile.c and casefile-users.c share, plus three seams for tests (never used by product code). */
#ifndef CAREFILE_CASEFILE_INTERNAL_H
#define CAREFILE_CASEFILE_INTERNAL_H

#include "carefile/casefile.h"

struct cf_casefile {
	struct cf_store *st;
	char *path;
	int format_version;
	uint8_t file_id[CF_FILE_ID_BYTES];
	struct cf_keyring *kr;   /* NULL when locked */
	int recovery;            /* unlocked with the recovery key */
	char *user;              /* unlocked (or last unlocked) user; staff name, not secret */
	int64_t user_id;
	uint32_t roles;
	struct {
		void (*fn)(void *ctx);
		void *ctx;
	} lock_hooks[CF_CASEFILE_LOCK_HOOKS];
	int n_lock_hooks;
	uint32_t legacy_records;  /* meta.legacy_records after the unlock's upgrade */
	/* the write path's buffers, reused for every record: plaintext (secure memory) and ciphertext */
	uint8_t *plain_buf;
	size_t plain_cap;
	uint8_t *read_buf;   /* secure: the plaintext of the record being read */
	size_t read_cap;
	uint8_t *blob_buf;
	size_t blob_cap;
	uint8_t *slot_kek;   /* secure: the KEK of the account's own slot, to re-seal it without Argon2id; NULL if unknown */
	uint8_t draft_id[CF_UUID_BYTES]; /* random per session: a draft opens in no other */
	int draft_id_set;
	int accept_rollback;             /* casefile_accept_rollback(): the next unlock opens an older file */
	uint64_t rollback_seen, rollback_now; /* write counters of the last CF_ERR_ROLLBACK */
};

#define CF_RECOVERY_SLOT_ID "recovery"

/* Growing byte buffer for canonical little-endian serialisation (header MAC, directory). */
struct buf {
	uint8_t *p;   /* malloc; the caller frees it */
	size_t len, cap;
	int failed;   /* out of memory: later puts do nothing */
};
void buf_put(struct buf *b, const void *p, size_t n);
void buf_u64(struct buf *b, uint64_t v);
void buf_u32(struct buf *b, uint32_t v);
/* u32 length, then the bytes */
void buf_lv(struct buf *b, const void *p, size_t n);
/* Unkeyed BLAKE2b-256 of b's bytes into out, then frees them. CF_ERR_NOMEM when a put failed. */
enum cf_error buf_hash_free(struct buf *b, uint8_t out[32]);
#define CF_RECORD_COLUMN "data"

/*
 * After the header verified at unlock, in one transaction: the schema
 * migrations (store_migrate), then every row of a compartment the keyring
 * holds that was sealed before the plaintext columns were bound (version
 * 0) re-sealed under the record layer, meta.legacy_records updated, and
 * the header MAC written. Nothing happens when nothing is to do.
 * CF_OK or the first error (the transaction is rolled back).
 */
enum cf_error casefile_upgrade(struct cf_casefile *cf);

/* Wipes and frees the write path's buffers (lock). */
void casefile_buffers_free(struct cf_casefile *cf);

/* Header MAC over meta, users, keyslots and grants as stored now; written inside the caller's transaction. */
enum cf_error casefile_header_update(struct cf_casefile *cf);

/* ---- the signed directory (casefile-directory.c) ---- */

/* What casefile_directory_verify() found. */
struct casefile_dir_state {
	int signed_dir;                          /* signature verified (against the pin, or the stored key for an unpinned slot) */
	uint8_t key[CF_SIGN_PUBLIC_KEY_BYTES];   /* the directory key it verified with */
	uint64_t epoch;
	int pin_stale;                           /* the slot pins nothing or an older epoch: re-seal it */
	int keys_dropped;                        /* set by unlock: the slot held keys its roles do not give: re-seal it */
};

/*
 * At unlock, after the slot opened and the header MAC verified: a slot that
 * pins a directory key accepts only a directory signed by that key with an
 * epoch no older than the pinned one (CF_ERR_DAMAGED otherwise, also for a
 * stripped signature). An unpinned (version-1) slot verifies the stored key's
 * signature, if any, and pins it at the re-seal that follows. A file never
 * signed is trusted through its MAC (files from before the signed directory).
 */
enum cf_error casefile_directory_verify(struct cf_casefile *cf, const struct cf_keyring *kr,
                                        struct casefile_dir_state *out);

/*
 * Signs the directory as stored now with the directory key of cf->kr at
 * epoch + 1 and pins cf->kr (in memory) to it; inside the caller's
 * transaction. CF_ERR_PERMISSION without the directory compartment.
 */
enum cf_error casefile_directory_sign(struct cf_casefile *cf, uint64_t *epoch);

/*
 * Re-seals the unlocked account's own slot with cf->kr (its pin) using the
 * KEK kept from the unlock: no Argon2id. CF_OK and nothing done when the KEK
 * is unknown (recovery, test openers). Inside the caller's transaction.
 */
enum cf_error casefile_reseal_own(struct cf_casefile *cf);

/* casefile_directory_sign(), then the header MAC: what every admin change ends with. */
enum cf_error casefile_directory_commit(struct cf_casefile *cf);

/* Seals kr into the unlocking account's own slot and stores it (inside the caller's transaction). */
typedef enum cf_error (*casefile_slot_sealer)(struct cf_casefile *cf, const struct cf_keyring *kr, void *ctx);

/*
 * After unlock and upgrade, in one transaction: sign a never-signed
 * directory (directory holders), merge the account's grants (each checked
 * against the directory; a planted one fails with CF_ERR_DAMAGED), re-seal
 * the account's slot with reseal when the pin is stale or grants were merged,
 * rotate every held compartment key the directory says was revoked (the
 * records re-sealed, the new key granted to every remaining entitled account
 * and to the recovery key), and seal grants to entitled accounts that lack a
 * compartment cf->kr holds. me: the account (NULL for the recovery key).
 * recovery_pk: for the recovery key, its X25519 public key (the file learns
 * it if it has none, and the keys rotated since are merged); NULL for an
 * account. reseal may be NULL (nothing re-sealed, nothing rotated). cf->kr
 * is replaced by the merged keyring on success.
 */
enum cf_error casefile_after_unlock(struct cf_casefile *cf, const struct cf_store_user *me,
                                    const struct casefile_dir_state *dv, const uint8_t *recovery_pk,
                                    casefile_slot_sealer reseal, void *ctx);

/*
 * Revocation: re-seals every row of every table of compartment c, opened
 * with old_kr and sealed with new_kr at version + 1 (content, created and
 * updated unchanged), inside the caller's transaction. A row that does not
 * authenticate under old_kr is left as it is and counted in *n_damaged.
 */
enum cf_error casefile_records_rekey(struct cf_casefile *cf, enum cf_compartment c, const struct cf_keyring *old_kr,
                                     const struct cf_keyring *new_kr, size_t *n_rekeyed, size_t *n_damaged);

/*
 * Revocation by an admin who holds some of the revoked compartments: rotates
 * them at once, inside the caller's transaction (after the directory is
 * signed), so this session never writes with a revoked key. *out gets the
 * rotated keyring, or NULL when nothing rotated; the caller makes it cf->kr
 * only after the transaction commits (frees it otherwise). Nothing happens
 * for the recovery key or when the slot cannot be re-sealed (no KEK kept).
 */
enum cf_error casefile_rotate_revoked_now(struct cf_casefile *cf, struct cf_keyring **out);

/*
 * Revocation of the directory key by the admin making the change: when the
 * directory revoked the directory compartment key this account holds, a new
 * one is made, the old directory key signs the transition to the new one at
 * the coming epoch, and the new key is sealed to every other enabled admin
 * and to the recovery key. Inside the caller's transaction, before it signs
 * the directory, which it must then sign with *out. *out gets the rotated
 * keyring (the caller owns it), or NULL when nothing rotated: for the
 * recovery key, or when the slot cannot be re-sealed (the next admin to
 * unlock rotates then). doc/trust.md, "Rotating the directory key".
 */
enum cf_error casefile_rotate_directory_now(struct cf_casefile *cf, struct cf_keyring **out);

/*
 * What the rows of compartment c say about kr's key of c: *opens > 0 when at
 * least one row sealed under that key id authenticates with it, *newer the
 * rows whose (unauthenticated) header names a key id >= min_id. The walk
 * stops once both are non-zero.
 */
enum cf_error casefile_records_key_census(struct cf_casefile *cf, enum cf_compartment c, const struct cf_keyring *kr,
                                          uint32_t min_id, size_t *opens, size_t *newer);

/*
 * The compartments whose key in kr is older than the directory's last
 * revocation of it (not rotated yet, or rotated by others and not yet
 * merged into kr). 0 before schema 5 or on any error.
 */
cf_compartment_mask casefile_stale_keys(struct cf_casefile *cf, const struct cf_keyring *kr);

/* Strength check then KDF parameters: kdf, or calibrated when NULL. */
enum cf_error casefile_kdf_params(const struct cf_kdf_params *kdf, struct cf_kdf_params *out);

/*
 * Opens a keyslot blob into a keyring. The product uses the passphrase
 * (crypto_keyslot_open_passphrase); tests plug in a cached-KEK opener so
 * thousands of tampered files can be tried without Argon2id.
 */
typedef int (*casefile_slot_opener)(const uint8_t *blob, size_t blob_len, const struct cf_keyslot_ad *ad,
                                    void *ctx, struct cf_keyring **out, uint8_t **kek);

/*
 * casefile_unlock() with the derivation step replaced by opener. The opener
 * may hand back the slot's KEK in *kek (secure memory; the case file keeps
 * and wipes it) or leave it NULL.
 */
enum cf_error casefile_unlock_with(struct cf_casefile *cf, const char *user, casefile_slot_opener opener,
                                   void *ctx, const char *pass, size_t pass_len);

/*
 * Test seam: when set, called at named points inside the passphrase-change
 * transaction ("passwd:begin", "passwd:slot", "passwd:mac", "passwd:commit")
 * so a test can SIGKILL the process there. NULL in the product.
 */
extern void (*casefile_test_hook)(const char *point);

/*
 * Test seam: tables beyond cf_tables[] (NULL-terminated, or NULL) that
 * revocation re-seals too, for tests whose file has tables of their own.
 */
void casefile_testing_set_extra_tables(const struct cf_table *const *tables);

/* ---- the audit log (audit.c) ---- */

/* BLAKE2b-256 of a stored row as audit.c defines it (table, uuid, compartment, bound columns, ciphertext). */
enum cf_error casefile_audit_row_hash(const struct cf_table *t, const struct cf_row *row, uint8_t out[CF_HASH_BYTES]);

/*
 * Appends one entry by the unlocked account (or the recovery key) inside
 * the caller's transaction; t and row (its stored state, after the write)
 * may be NULL. CF_OK and nothing written before schema 6.
 */
/* ---- the drop box (dropbox.c) ---- */

/*
 * Publishes, signed by me, the drop public key of each compartment cf->kr
 * holds that a table takes drops into, where none is published, an older
 * key id's is, or one that cf->kr's key does not derive (planted, or
 * mis-signed). Inside the caller's transaction, with an audit entry each.
 * *n counts what it wrote.
 */
struct cf_store_user;
enum cf_error casefile_drop_keys_publish(struct cf_casefile *cf, const struct cf_store_user *me,
                                         const struct cf_store_user *users, size_t nu, int *n);

/*
 * The drop key of compartment c, only when the directory verifies against
 * cf->kr's pin and the key is signed by an enabled account it entitles to c.
 * CF_ERR_NOT_FOUND (none published, no signed directory, or its publisher
 * disabled since), CF_ERR_DAMAGED (any other signer, a bad signature).
 */
struct cf_store_drop_key;
enum cf_error casefile_drop_key_for(struct cf_casefile *cf, enum cf_compartment c, struct cf_store_drop_key *out);

enum cf_error casefile_audit_append(struct cf_casefile *cf, int action, const struct cf_table *t,
                                    const struct cf_row *row);

/*
 * Writes the failed unlocks this PC noted for the file (witness_failed_*)
 * into the audit log, in their own transaction, signed by the account now
 * unlocked, then forgets them. Best effort: on an error they wait.
 */
enum cf_error casefile_audit_failed_unlocks(struct cf_casefile *cf);

/* ---- the rollback witness (witness.c) ---- */

struct witness_seen {
	int known;           /* this PC has seen this file as this account */
	uint64_t generation; /* highest meta.generation seen */
	uint64_t epoch;      /* highest directory epoch seen */
	int64_t audit_seq;   /* the audit log's length seen (0: none, or a line from before) */
	uint8_t audit_head[32]; /* the hash of entry audit_seq as seen */
};

/* What this PC remembers for file_id and account user (out->known 0: nothing). Never fails. */
void witness_read(const uint8_t file_id[CF_FILE_ID_BYTES], const char *user, struct witness_seen *out);

/*
 * Remembers generation, epoch and the audit log's length and head
 * (audit_seq 0 and head NULL: none) for file_id and user: raised, never
 * lowered, unless force (the user accepted an older file). Best effort: a
 * state directory that cannot be written leaves no witness, silently.
 */
void witness_write(const uint8_t file_id[CF_FILE_ID_BYTES], const char *user, uint64_t generation, uint64_t epoch,
                   int64_t audit_seq, const uint8_t *audit_head, int force);

/* A failed unlock on this PC, waiting for the audit log. */
struct witness_failed {
	int64_t account_id; /* the account tried; 0: a login name the file does not know */
	int64_t at;         /* UTC seconds */
};

/* Notes a failed unlock of file_id (best effort, like the witness). */
void witness_failed_note(const uint8_t file_id[CF_FILE_ID_BYTES], int64_t account_id, int64_t at);
/* The failed unlocks noted for file_id, oldest first, at most max, into out; how many. */
size_t witness_failed_read(const uint8_t file_id[CF_FILE_ID_BYTES], struct witness_failed *out, size_t max);
/* Forgets them, once they are in the file's audit log. */
void witness_failed_clear(const uint8_t file_id[CF_FILE_ID_BYTES]);

#endif
