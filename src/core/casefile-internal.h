/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What casefile.c and casefile-users.c share, plus two seams for tests (never used by product code). */
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
	uint8_t draft_id[CF_UUID_BYTES]; /* random per session: a draft opens in no other */
	int draft_id_set;
};

#define CF_RECOVERY_SLOT_ID "recovery"
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

/* Strength check then KDF parameters: kdf, or calibrated when NULL. */
enum cf_error casefile_kdf_params(const struct cf_kdf_params *kdf, struct cf_kdf_params *out);

/*
 * Opens a keyslot blob into a keyring. The product uses the passphrase
 * (crypto_keyslot_open_passphrase); tests plug in a cached-KEK opener so
 * thousands of tampered files can be tried without Argon2id.
 */
typedef int (*casefile_slot_opener)(const uint8_t *blob, size_t blob_len, const struct cf_keyslot_ad *ad,
                                    void *ctx, struct cf_keyring **out);

/* casefile_unlock() with the derivation step replaced by opener. */
enum cf_error casefile_unlock_with(struct cf_casefile *cf, const char *user, casefile_slot_opener opener,
                                   void *ctx, const char *pass, size_t pass_len);

/*
 * Test seam: when set, called at named points inside the passphrase-change
 * transaction ("passwd:begin", "passwd:slot", "passwd:mac", "passwd:commit")
 * so a test can SIGKILL the process there. NULL in the product.
 */
extern void (*casefile_test_hook)(const char *point);

#endif
