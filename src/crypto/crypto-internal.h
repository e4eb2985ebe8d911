/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Private to src/crypto: the keyring layout and byte helpers shared by its files. */
#ifndef CAREFILE_CRYPTO_INTERNAL_H
#define CAREFILE_CRYPTO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "carefile/crypto.h"

#define CF_KEY_BYTES 32

/* Lives in one sodium_malloc block (crypto_keyring_alloc). */
struct cf_keyring {
	uint8_t file_key[CF_KEY_BYTES];
	uint8_t box_pk[CF_PUBLIC_KEY_BYTES];
	uint8_t box_sk[CF_KEY_BYTES];
	uint8_t keys[CF_COMPARTMENT__COUNT][CF_KEY_BYTES];
	uint32_t key_ids[CF_COMPARTMENT__COUNT];
	uint32_t mask;
	uint32_t has_file_key;
	/* the user's Ed25519 key pair (keyslot v2 on; none in a v1 slot until re-sealed) */
	uint8_t sign_pk[CF_SIGN_PUBLIC_KEY_BYTES];
	uint8_t sign_sk[64];
	uint32_t has_sign;
	/* the directory public key and epoch this account trusts (keyslot v2 on) */
	uint8_t pin_pk[CF_SIGN_PUBLIC_KEY_BYTES];
	uint64_t pin_epoch;
	uint32_t has_pin;
};

/* Serialised key material of a keyring, as in keyslot and grant payloads. */
#define CF_KEYS_TABLE_BYTES (CF_COMPARTMENT__COUNT * (4 + CF_KEY_BYTES))

/*
 * sodium_malloc(size), and a failed mlock of the block noted for crypto_memory_locked().
 * NULL when out of memory; free with sodium_free(). Every sodium_malloc of src/crypto goes here.
 */
void *crypto_sodium_malloc(size_t size);

/* Empty keyring (no file key, no compartments, no key pair) in secure memory; NULL on OOM. */
struct cf_keyring *crypto_keyring_alloc(void);

/* Fresh X25519 key pair into kr. */
void crypto_keyring_new_box(struct cf_keyring *kr);

/* Recompute box_pk from box_sk. */
void crypto_keyring_box_from_sk(struct cf_keyring *kr);

/* Ed25519 key pair of kr from a 32-byte seed (crypto_sign_seed_keypair); sets has_sign. */
void crypto_keyring_sign_from_seed(struct cf_keyring *kr, const uint8_t seed[32]);

/* Write the per-compartment table (key id + key, zeros when not in mask or not held) into out. */
void crypto_keys_table_write(const struct cf_keyring *kr, cf_compartment_mask mask, uint8_t *out);

/*
 * Read a per-compartment table for the compartments in mask into kr: every
 * compartment in mask must have a nonzero key id, every other one must be all
 * zero. CF_OK or CF_ERR_DAMAGED.
 */
int crypto_keys_table_read(const uint8_t *in, cf_compartment_mask mask, uint32_t key_ids[CF_COMPARTMENT__COUNT],
	uint8_t keys[CF_COMPARTMENT__COUNT][CF_KEY_BYTES]);

void crypto_put_u32(uint8_t *p, uint32_t v);
void crypto_put_u64(uint8_t *p, uint64_t v);
uint32_t crypto_get_u32(const uint8_t *p);
uint64_t crypto_get_u64(const uint8_t *p);

/*
 * Append-only buffer for length-prefixed associated data. Overflow sets
 * failed instead of writing past the end.
 */
struct cf_ad_buf {
	uint8_t *p;
	size_t cap;
	size_t len;
	int failed;
};

void crypto_ad_field(struct cf_ad_buf *b, const void *data, size_t len);
void crypto_ad_u32(struct cf_ad_buf *b, uint32_t v);
void crypto_ad_u8(struct cf_ad_buf *b, uint8_t v);

/* CF_OK when the slot AD is well formed (file id present, slot id 1..CF_SLOT_ID_MAX bytes). */
int crypto_keyslot_ad_check(const struct cf_keyslot_ad *ad);

/* The 32 key bytes of rk (crypto-recovery.c). Borrows rk. */
const uint8_t *crypto_recovery_key_bytes(const struct cf_recovery_key *rk);

#endif
