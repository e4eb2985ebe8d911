/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test-only entry points of the crypto layer: raw primitives for known-answer vectors, cached-KEK keyslot opening. */
#ifndef CAREFILE_CRYPTO_TESTING_H
#define CAREFILE_CRYPTO_TESTING_H

/*
 * Only tests include this header. None of these functions checks KDF bounds
 * or formats the way the public API does: product code must use crypto.h.
 */

#include <stddef.h>
#include <stdint.h>

#include "carefile/crypto.h"

/* Number of Argon2id derivations run by this process so far (to prove a refusal derived nothing). */
unsigned long crypto_testing_kdf_calls(void);

/*
 * Raw Argon2id13 (crypto_pwhash) without the product's bounds, for known-answer
 * vectors. out_len bytes into out. CF_OK or CF_ERR_KDF_PARAMS (libsodium refused) / CF_ERR_NOMEM.
 */
int crypto_testing_argon2id(uint8_t *out, size_t out_len, const void *pass, size_t pass_len,
	const uint8_t salt[CF_SALT_BYTES], uint64_t opslimit, size_t memlimit_bytes);

/* Raw BLAKE2b (crypto_generichash): out_len 16..64, key_len 0 or 16..64. CF_OK or CF_ERR_INVALID. */
int crypto_testing_blake2b(uint8_t *out, size_t out_len, const void *in, size_t in_len,
	const uint8_t *key, size_t key_len);

/* Raw XChaCha20-Poly1305 IETF encryption: out gets in_len + 16 bytes (ciphertext | tag). CF_OK. */
int crypto_testing_xchacha_encrypt(uint8_t *out, const void *in, size_t in_len, const void *ad, size_t ad_len,
	const uint8_t nonce[24], const uint8_t key[32]);

/* Raw XChaCha20-Poly1305 IETF decryption of in_len bytes (ciphertext | tag): CF_OK or CF_ERR_DAMAGED. */
int crypto_testing_xchacha_decrypt(uint8_t *out, const uint8_t *in, size_t in_len, const void *ad, size_t ad_len,
	const uint8_t nonce[24], const uint8_t key[32]);

/*
 * Derive a passphrase slot's KEK (CF_KEK_BYTES into kek, secure memory) with
 * the slot's own salt and parameters, after the same checks as opening.
 * Returns as crypto_keyslot_open_passphrase() before the AEAD step.
 */
int crypto_testing_keyslot_kek(const uint8_t *blob, size_t blob_len, const char *passphrase, size_t pass_len,
	uint8_t kek[CF_KEK_BYTES]);

/*
 * Open a keyslot (either kind) with an already derived KEK: every check of the
 * real open except the derivation, so a test can flip every bit cheaply.
 * Errors as crypto_keyslot_open_passphrase() (CF_ERR_AUTH when the tag fails).
 */
int crypto_testing_keyslot_open_kek(const uint8_t *blob, size_t blob_len, const uint8_t kek[CF_KEK_BYTES],
	const struct cf_keyslot_ad *ad, struct cf_keyring **out);

/* Recompute the trailing checksum of a keyslot blob in place (to reach the AEAD check with a tampered blob). */
void crypto_testing_keyslot_fix_checksum(uint8_t *blob, size_t blob_len);

/* Raw Ed25519 (crypto_sign_seed_keypair + crypto_sign_detached) from a 32-byte seed, for RFC 8032 vectors. CF_OK. */
int crypto_testing_ed25519_sign(const uint8_t seed[32], const void *msg, size_t len, uint8_t pk[32], uint8_t sig[64]);

/*
 * Give kr a random key (key id 1) for compartment c, as an insider forging a
 * "key" it never held would. CF_OK or CF_ERR_INVALID.
 */
int crypto_testing_keyring_add_random(struct cf_keyring *kr, enum cf_compartment c);

#endif
