/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Compartments, keyrings, the header MAC, blind indexes and grants between users. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/crypto.h"
#include "carefile/crypto_testing.h"
#include "crypto-internal.h"

static const char *const compartment_names[CF_COMPARTMENT__COUNT] = {
	[CF_COMPARTMENT_IDENTITY] = "identity",
	[CF_COMPARTMENT_CLINICAL] = "clinical",
	[CF_COMPARTMENT_HOTLINE] = "hotline",
	[CF_COMPARTMENT_DIRECTORY] = "directory",
};

const char *
crypto_compartment_name(enum cf_compartment c)
{
	if ((unsigned int)c >= CF_COMPARTMENT__COUNT)
		return NULL;
	return compartment_names[c];
}

int
crypto_compartment_from_name(const char *name, enum cf_compartment *out)
{
	if (name == NULL)
		return CF_ERR_INVALID;
	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++) {
		if (strcmp(name, compartment_names[c]) == 0) {
			*out = (enum cf_compartment)c;
			return CF_OK;
		}
	}
	return CF_ERR_INVALID;
}

/* ------------------------------------------------------------- keyring */

/* Rounded to 16 so that sodium_malloc's pointer (end at a page boundary) stays aligned. */
#define KEYRING_ALLOC ((sizeof(struct cf_keyring) + 15u) / 16u * 16u)

struct cf_keyring *
crypto_keyring_alloc(void)
{
	struct cf_keyring *kr = crypto_sodium_malloc(KEYRING_ALLOC);

	if (kr != NULL)
		sodium_memzero(kr, KEYRING_ALLOC);
	return kr;
}

void
crypto_keyring_new_box(struct cf_keyring *kr)
{
	crypto_box_keypair(kr->box_pk, kr->box_sk);
}

void
crypto_keyring_box_from_sk(struct cf_keyring *kr)
{
	crypto_scalarmult_base(kr->box_pk, kr->box_sk);
}

void
crypto_keyring_sign_from_seed(struct cf_keyring *kr, const uint8_t seed[32])
{
	crypto_sign_seed_keypair(kr->sign_pk, kr->sign_sk, seed);
	kr->has_sign = 1;
}

int
crypto_keyring_new_signing_key(struct cf_keyring *kr)
{
	uint8_t seed[32];

	if (kr == NULL)
		return CF_ERR_INVALID;
	randombytes_buf(seed, sizeof seed);
	crypto_keyring_sign_from_seed(kr, seed);
	sodium_memzero(seed, sizeof seed);
	return CF_OK;
}

int
crypto_keyring_sign_public_key(const struct cf_keyring *kr, uint8_t out[CF_SIGN_PUBLIC_KEY_BYTES])
{
	if (kr == NULL || out == NULL)
		return CF_ERR_INVALID;
	if (!kr->has_sign)
		return CF_ERR_NOT_FOUND;
	memcpy(out, kr->sign_pk, CF_SIGN_PUBLIC_KEY_BYTES);
	return CF_OK;
}

int
crypto_keyring_sign(const struct cf_keyring *kr, const void *msg, size_t len, uint8_t sig[CF_SIGNATURE_BYTES])
{
	if (kr == NULL || sig == NULL || (msg == NULL && len > 0))
		return CF_ERR_INVALID;
	if (!kr->has_sign)
		return CF_ERR_NOT_FOUND;
	crypto_sign_detached(sig, NULL, msg, len, kr->sign_sk);
	return CF_OK;
}

int
crypto_signature_verify(const uint8_t pk[CF_SIGN_PUBLIC_KEY_BYTES], const void *msg, size_t len,
	const uint8_t sig[CF_SIGNATURE_BYTES])
{
	if (pk == NULL || sig == NULL || (msg == NULL && len > 0))
		return CF_ERR_DAMAGED;
	return crypto_sign_verify_detached(sig, msg, len, pk) == 0 ? CF_OK : CF_ERR_DAMAGED;
}

static const char dir_sign_context[crypto_kdf_CONTEXTBYTES] = { 'c', 'f', 'd', 'i', 'r', 's', 'i', 'g' };

/* The directory key pair into pk/sk (sk: secure memory of 64 bytes). */
static int
directory_keypair(const struct cf_keyring *kr, uint8_t pk[CF_SIGN_PUBLIC_KEY_BYTES], uint8_t *sk)
{
	uint8_t *seed;

	if (kr == NULL || pk == NULL)
		return CF_ERR_INVALID;
	if (!crypto_keyring_has(kr, CF_COMPARTMENT_DIRECTORY))
		return CF_ERR_PERMISSION;
	seed = crypto_sodium_malloc(32);
	if (seed == NULL)
		return CF_ERR_NOMEM;
	crypto_kdf_derive_from_key(seed, 32, kr->key_ids[CF_COMPARTMENT_DIRECTORY], dir_sign_context,
		kr->keys[CF_COMPARTMENT_DIRECTORY]);
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_free(seed);
	return CF_OK;
}

int
crypto_directory_public_key(const struct cf_keyring *kr, uint8_t out[CF_SIGN_PUBLIC_KEY_BYTES])
{
	uint8_t *sk = crypto_sodium_malloc(64);
	int rc;

	if (sk == NULL)
		return CF_ERR_NOMEM;
	rc = directory_keypair(kr, out, sk);
	sodium_free(sk);
	return rc;
}

int
crypto_directory_sign(const struct cf_keyring *kr, const void *msg, size_t len, uint8_t sig[CF_SIGNATURE_BYTES])
{
	uint8_t pk[CF_SIGN_PUBLIC_KEY_BYTES];
	uint8_t *sk;
	int rc;

	if (sig == NULL || (msg == NULL && len > 0))
		return CF_ERR_INVALID;
	sk = crypto_sodium_malloc(64);
	if (sk == NULL)
		return CF_ERR_NOMEM;
	rc = directory_keypair(kr, pk, sk);
	if (rc == CF_OK)
		crypto_sign_detached(sig, NULL, msg, len, sk);
	sodium_free(sk);
	return rc;
}

int
crypto_keyring_directory_pin(const struct cf_keyring *kr, uint8_t pk[CF_SIGN_PUBLIC_KEY_BYTES], uint64_t *epoch)
{
	if (kr == NULL)
		return CF_ERR_INVALID;
	if (!kr->has_pin)
		return CF_ERR_NOT_FOUND;
	if (pk != NULL)
		memcpy(pk, kr->pin_pk, CF_SIGN_PUBLIC_KEY_BYTES);
	if (epoch != NULL)
		*epoch = kr->pin_epoch;
	return CF_OK;
}

int
crypto_keyring_set_directory_pin(struct cf_keyring *kr, const uint8_t pk[CF_SIGN_PUBLIC_KEY_BYTES], uint64_t epoch)
{
	if (kr == NULL || pk == NULL || sodium_is_zero(pk, CF_SIGN_PUBLIC_KEY_BYTES))
		return CF_ERR_INVALID;
	memcpy(kr->pin_pk, pk, CF_SIGN_PUBLIC_KEY_BYTES);
	kr->pin_epoch = epoch;
	kr->has_pin = 1;
	return CF_OK;
}

int
crypto_keyring_generate(cf_compartment_mask mask, struct cf_keyring **out)
{
	struct cf_keyring *kr;

	*out = NULL;
	if ((mask & ~CF_COMPARTMENT_MASK_ALL) != 0)
		return CF_ERR_INVALID;
	kr = crypto_keyring_alloc();
	if (kr == NULL)
		return CF_ERR_NOMEM;
	randombytes_buf(kr->file_key, sizeof(kr->file_key));
	kr->has_file_key = 1;
	crypto_keyring_new_box(kr);
	(void)crypto_keyring_new_signing_key(kr);
	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++) {
		if (mask & CF_COMPARTMENT_BIT(c)) {
			randombytes_buf(kr->keys[c], CF_KEY_BYTES);
			kr->key_ids[c] = 1;
		}
	}
	kr->mask = mask;
	*out = kr;
	return CF_OK;
}

void
crypto_keyring_free(struct cf_keyring **kr)
{
	if (kr == NULL || *kr == NULL)
		return;
	sodium_free(*kr);   /* wipes */
	*kr = NULL;
}

bool
crypto_keyring_has(const struct cf_keyring *kr, enum cf_compartment c)
{
	if (kr == NULL || (unsigned int)c >= CF_COMPARTMENT__COUNT)
		return false;
	return (kr->mask & CF_COMPARTMENT_BIT(c)) != 0;
}

cf_compartment_mask
crypto_keyring_mask(const struct cf_keyring *kr)
{
	return kr != NULL ? kr->mask : 0;
}

uint32_t
crypto_keyring_key_id(const struct cf_keyring *kr, enum cf_compartment c)
{
	return crypto_keyring_has(kr, c) ? kr->key_ids[c] : 0;
}

int
crypto_keyring_copy(const struct cf_keyring *kr, struct cf_keyring **out)
{
	*out = NULL;
	if (kr == NULL)
		return CF_ERR_INVALID;
	*out = crypto_keyring_alloc();
	if (*out == NULL)
		return CF_ERR_NOMEM;
	memcpy(*out, kr, sizeof(*kr));
	return CF_OK;
}

int
crypto_keyring_subset(const struct cf_keyring *src, cf_compartment_mask mask, struct cf_keyring **out)
{
	struct cf_keyring *kr;

	*out = NULL;
	if (src == NULL || (mask & ~CF_COMPARTMENT_MASK_ALL) != 0)
		return CF_ERR_INVALID;
	if ((mask & ~src->mask) != 0)
		return CF_ERR_PERMISSION;
	kr = crypto_keyring_alloc();
	if (kr == NULL)
		return CF_ERR_NOMEM;
	memcpy(kr->file_key, src->file_key, sizeof(kr->file_key));
	kr->has_file_key = src->has_file_key;
	crypto_keyring_new_box(kr);
	(void)crypto_keyring_new_signing_key(kr);
	if (src->has_pin) {
		memcpy(kr->pin_pk, src->pin_pk, sizeof(kr->pin_pk));
		kr->pin_epoch = src->pin_epoch;
		kr->has_pin = 1;
	}
	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++) {
		if (mask & CF_COMPARTMENT_BIT(c)) {
			memcpy(kr->keys[c], src->keys[c], CF_KEY_BYTES);
			kr->key_ids[c] = src->key_ids[c];
		}
	}
	kr->mask = mask;
	*out = kr;
	return CF_OK;
}

void
crypto_keyring_drop(struct cf_keyring *kr, cf_compartment_mask mask)
{
	if (kr == NULL)
		return;
	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++) {
		if (mask & CF_COMPARTMENT_BIT(c)) {
			sodium_memzero(kr->keys[c], CF_KEY_BYTES);
			kr->key_ids[c] = 0;
			kr->mask &= ~CF_COMPARTMENT_BIT(c);
		}
	}
}

int
crypto_keyring_rotate(struct cf_keyring *kr, enum cf_compartment c)
{
	if (kr == NULL || (unsigned int)c >= CF_COMPARTMENT__COUNT)
		return CF_ERR_INVALID;
	if (!crypto_keyring_has(kr, c))
		return CF_ERR_PERMISSION;
	if (kr->key_ids[c] == UINT32_MAX)
		return CF_ERR_INVALID;
	randombytes_buf(kr->keys[c], CF_KEY_BYTES);
	kr->key_ids[c]++;
	return CF_OK;
}

int
crypto_keyring_rotate_to(struct cf_keyring *kr, enum cf_compartment c, uint32_t key_id)
{
	if (kr == NULL || (unsigned int)c >= CF_COMPARTMENT__COUNT)
		return CF_ERR_INVALID;
	if (!crypto_keyring_has(kr, c))
		return CF_ERR_PERMISSION;
	if (key_id <= kr->key_ids[c])
		return CF_ERR_INVALID;
	randombytes_buf(kr->keys[c], CF_KEY_BYTES);
	kr->key_ids[c] = key_id;
	return CF_OK;
}

static const char recovery_box_context[crypto_kdf_CONTEXTBYTES] = { 'c', 'f', 'r', 'e', 'c', 'b', 'o', 'x' };

/* The recovery key's X25519 key pair: seed = KDF subkey 1 of the recovery key, context "cfrecbox". */
static int
recovery_box_keypair(const struct cf_recovery_key *rk, uint8_t pk[CF_PUBLIC_KEY_BYTES], uint8_t *sk)
{
	uint8_t *seed;

	if (rk == NULL || pk == NULL)
		return CF_ERR_INVALID;
	seed = sodium_malloc(crypto_box_SEEDBYTES);
	if (seed == NULL)
		return CF_ERR_NOMEM;
	crypto_kdf_derive_from_key(seed, crypto_box_SEEDBYTES, 1, recovery_box_context, crypto_recovery_key_bytes(rk));
	crypto_box_seed_keypair(pk, sk, seed);
	sodium_free(seed);
	return CF_OK;
}

int
crypto_recovery_public_key(const struct cf_recovery_key *rk, uint8_t out[CF_PUBLIC_KEY_BYTES])
{
	uint8_t *sk = sodium_malloc(crypto_box_SECRETKEYBYTES);
	int rc;

	if (sk == NULL)
		return CF_ERR_NOMEM;
	rc = recovery_box_keypair(rk, out, sk);
	sodium_free(sk);
	return rc;
}

int
crypto_keyring_use_recovery_box(struct cf_keyring *kr, const struct cf_recovery_key *rk)
{
	if (kr == NULL)
		return CF_ERR_INVALID;
	return recovery_box_keypair(rk, kr->box_pk, kr->box_sk);
}

int
crypto_keyring_public_key(const struct cf_keyring *kr, uint8_t out[CF_PUBLIC_KEY_BYTES])
{
	if (kr == NULL)
		return CF_ERR_INVALID;
	memcpy(out, kr->box_pk, CF_PUBLIC_KEY_BYTES);
	return CF_OK;
}

void
crypto_keys_table_write(const struct cf_keyring *kr, cf_compartment_mask mask, uint8_t *out)
{
	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++) {
		uint8_t *row = out + (size_t)c * (4 + CF_KEY_BYTES);

		if ((mask & kr->mask & CF_COMPARTMENT_BIT(c)) != 0) {
			crypto_put_u32(row, kr->key_ids[c]);
			memcpy(row + 4, kr->keys[c], CF_KEY_BYTES);
		} else {
			sodium_memzero(row, 4 + CF_KEY_BYTES);
		}
	}
}

int
crypto_keys_table_read(const uint8_t *in, cf_compartment_mask mask, uint32_t key_ids[CF_COMPARTMENT__COUNT],
	uint8_t keys[CF_COMPARTMENT__COUNT][CF_KEY_BYTES])
{
	if ((mask & ~CF_COMPARTMENT_MASK_ALL) != 0)
		return CF_ERR_DAMAGED;
	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++) {
		const uint8_t *row = in + (size_t)c * (4 + CF_KEY_BYTES);
		uint32_t id = crypto_get_u32(row);

		if (mask & CF_COMPARTMENT_BIT(c)) {
			if (id == 0)
				return CF_ERR_DAMAGED;
		} else if (!sodium_is_zero(row, 4 + CF_KEY_BYTES)) {
			return CF_ERR_DAMAGED;
		}
		key_ids[c] = id;
		memcpy(keys[c], row + 4, CF_KEY_BYTES);
	}
	return CF_OK;
}

/* ------------------------------------------------------------ header MAC */

static const char header_mac_context[crypto_kdf_CONTEXTBYTES] = { 'c', 'f', 'h', 'd', 'r', 'm', 'a', 'c' };
static const char blind_context[crypto_kdf_CONTEXTBYTES] = { 'c', 'f', 'b', 'l', 'i', 'n', 'd', '1' };

int
crypto_header_mac(const struct cf_keyring *kr, const void *data, size_t len, uint8_t out[CF_MAC_BYTES])
{
	uint8_t *key;

	if (kr == NULL || (data == NULL && len > 0))
		return CF_ERR_INVALID;
	if (!kr->has_file_key)
		return CF_ERR_PERMISSION;
	key = crypto_sodium_malloc(32);
	if (key == NULL)
		return CF_ERR_NOMEM;
	crypto_kdf_derive_from_key(key, 32, 1, header_mac_context, kr->file_key);
	crypto_generichash(out, CF_MAC_BYTES, data, len, key, 32);
	sodium_free(key);
	return CF_OK;
}

int
crypto_header_mac_verify(const struct cf_keyring *kr, const void *data, size_t len,
	const uint8_t mac[CF_MAC_BYTES])
{
	uint8_t want[CF_MAC_BYTES];
	int rc = crypto_header_mac(kr, data, len, want);

	if (rc != CF_OK)
		return rc;
	rc = crypto_verify_32(want, mac) == 0 ? CF_OK : CF_ERR_DAMAGED;
	sodium_memzero(want, sizeof(want));
	return rc;
}

/* ---------------------------------------------------------- blind index */

int
crypto_blind_index(const struct cf_keyring *kr, enum cf_compartment c, const char *domain,
	const void *data, size_t len, uint8_t out[CF_BLIND_INDEX_BYTES])
{
	crypto_generichash_state st;
	uint8_t *key;
	uint8_t lenbuf[4];
	size_t dlen;

	if (kr == NULL || domain == NULL || (data == NULL && len > 0) || (unsigned int)c >= CF_COMPARTMENT__COUNT)
		return CF_ERR_INVALID;
	dlen = strlen(domain);
	if (dlen == 0 || dlen > CF_AD_NAME_MAX || len > UINT32_MAX)
		return CF_ERR_INVALID;
	if (!crypto_keyring_has(kr, c))
		return CF_ERR_PERMISSION;
	key = crypto_sodium_malloc(32);
	if (key == NULL)
		return CF_ERR_NOMEM;
	crypto_kdf_derive_from_key(key, 32, 1, blind_context, kr->keys[c]);
	crypto_generichash_init(&st, key, 32, CF_BLIND_INDEX_BYTES);
	crypto_put_u32(lenbuf, (uint32_t)dlen);
	crypto_generichash_update(&st, lenbuf, 4);
	crypto_generichash_update(&st, (const uint8_t *)domain, dlen);
	crypto_put_u32(lenbuf, (uint32_t)len);
	crypto_generichash_update(&st, lenbuf, 4);
	if (len > 0)
		crypto_generichash_update(&st, data, len);
	crypto_generichash_final(&st, out, CF_BLIND_INDEX_BYTES);
	sodium_memzero(&st, sizeof(st));
	sodium_free(key);
	return CF_OK;
}

/* ---------------------------------------------------------------- grants */

#define GRANT_PLAIN_BYTES (CF_FILE_ID_BYTES + 32 + 4 + 4 + CF_KEYS_TABLE_BYTES)

#define GRANT_VERSION 2
#define GRANT_OFF_NONCE 1
#define GRANT_OFF_BOX (GRANT_OFF_NONCE + crypto_box_NONCEBYTES)

_Static_assert(GRANT_OFF_BOX + GRANT_PLAIN_BYTES + crypto_box_MACBYTES == CF_GRANT_BLOB_BYTES, "grant blob size");

int
crypto_keyslot_ad_check(const struct cf_keyslot_ad *ad)
{
	size_t n;

	if (ad == NULL || ad->file_id == NULL || ad->slot_id == NULL)
		return CF_ERR_INVALID;
	n = strlen(ad->slot_id);
	if (n == 0 || n > CF_SLOT_ID_MAX)
		return CF_ERR_INVALID;
	return CF_OK;
}

int
crypto_grant_seal(const struct cf_keyring *granter, cf_compartment_mask mask,
	const uint8_t recipient_pk[CF_PUBLIC_KEY_BYTES], const struct cf_keyslot_ad *ad,
	uint8_t **blob, size_t *blob_len)
{
	uint8_t *plain, *out;
	int rc;

	*blob = NULL;
	*blob_len = 0;
	if (granter == NULL || recipient_pk == NULL || mask == 0 || (mask & ~CF_COMPARTMENT_MASK_ALL) != 0)
		return CF_ERR_INVALID;
	rc = crypto_keyslot_ad_check(ad);
	if (rc != CF_OK)
		return rc;
	if ((mask & ~granter->mask) != 0)
		return CF_ERR_PERMISSION;
	plain = crypto_sodium_malloc(GRANT_PLAIN_BYTES);
	out = malloc(CF_GRANT_BLOB_BYTES);
	if (plain == NULL || out == NULL) {
		if (plain != NULL)
			sodium_free(plain);
		free(out);
		return CF_ERR_NOMEM;
	}
	memcpy(plain, ad->file_id, CF_FILE_ID_BYTES);
	crypto_generichash(plain + 16, 32, (const uint8_t *)ad->slot_id, strlen(ad->slot_id), NULL, 0);
	crypto_put_u32(plain + 48, ad->format_version);
	plain[52] = (uint8_t)mask;
	plain[53] = plain[54] = plain[55] = 0;
	crypto_keys_table_write(granter, mask, plain + 56);
	out[0] = GRANT_VERSION;
	randombytes_buf(out + GRANT_OFF_NONCE, crypto_box_NONCEBYTES);
	rc = crypto_box_easy(out + GRANT_OFF_BOX, plain, GRANT_PLAIN_BYTES, out + GRANT_OFF_NONCE, recipient_pk,
		granter->box_sk) == 0 ? CF_OK : CF_ERR_INVALID;
	sodium_free(plain);
	if (rc != CF_OK) {
		free(out);
		return rc;
	}
	*blob = out;
	*blob_len = CF_GRANT_BLOB_BYTES;
	return CF_OK;
}

int
crypto_grant_open(struct cf_keyring *kr, const uint8_t *blob, size_t blob_len,
	const struct cf_keyslot_ad *ad, const uint8_t granter_pk[CF_PUBLIC_KEY_BYTES], cf_compartment_mask *granted)
{
	struct {
		uint8_t plain[GRANT_PLAIN_BYTES];
		uint8_t keys[CF_COMPARTMENT__COUNT][CF_KEY_BYTES];
		uint32_t key_ids[CF_COMPARTMENT__COUNT];
		uint8_t slot_hash[32];
	} *s;
	cf_compartment_mask mask;
	int rc;

	if (kr == NULL || granter_pk == NULL || (blob == NULL && blob_len > 0))
		return CF_ERR_INVALID;
	rc = crypto_keyslot_ad_check(ad);
	if (rc != CF_OK)
		return rc;
	/* version 1 was an anonymous sealed box: anyone could have planted it */
	if (blob_len != CF_GRANT_BLOB_BYTES || blob[0] != GRANT_VERSION)
		return CF_ERR_DAMAGED;
	s = crypto_sodium_malloc(sizeof(*s));
	if (s == NULL)
		return CF_ERR_NOMEM;
	rc = CF_ERR_DAMAGED;
	if (crypto_box_open_easy(s->plain, blob + GRANT_OFF_BOX, blob_len - GRANT_OFF_BOX, blob + GRANT_OFF_NONCE,
			granter_pk, kr->box_sk) != 0)
		goto out;
	crypto_generichash(s->slot_hash, 32, (const uint8_t *)ad->slot_id, strlen(ad->slot_id), NULL, 0);
	if (sodium_memcmp(s->plain, ad->file_id, CF_FILE_ID_BYTES) != 0 ||
	    sodium_memcmp(s->plain + 16, s->slot_hash, 32) != 0 ||
	    crypto_get_u32(s->plain + 48) != ad->format_version)
		goto out;
	mask = s->plain[52];
	if (mask == 0 || s->plain[53] != 0 || s->plain[54] != 0 || s->plain[55] != 0)
		goto out;
	if (crypto_keys_table_read(s->plain + 56, mask, s->key_ids, s->keys) != CF_OK)
		goto out;
	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++) {
		if ((mask & CF_COMPARTMENT_BIT(c)) == 0)
			continue;
		if ((kr->mask & CF_COMPARTMENT_BIT(c)) != 0 && kr->key_ids[c] >= s->key_ids[c])
			continue;
		memcpy(kr->keys[c], s->keys[c], CF_KEY_BYTES);
		kr->key_ids[c] = s->key_ids[c];
		kr->mask |= CF_COMPARTMENT_BIT(c);
	}
	if (granted != NULL)
		*granted = mask;
	rc = CF_OK;
out:
	sodium_free(s);
	return rc;
}

int
crypto_testing_keyring_add_random(struct cf_keyring *kr, enum cf_compartment c)
{
	if (kr == NULL || (unsigned int)c >= CF_COMPARTMENT__COUNT)
		return CF_ERR_INVALID;
	randombytes_buf(kr->keys[c], CF_KEY_BYTES);
	kr->key_ids[c] = 1;
	kr->mask |= CF_COMPARTMENT_BIT(c);
	return CF_OK;
}

int
crypto_testing_ed25519_sign(const uint8_t seed[32], const void *msg, size_t len, uint8_t pk[32], uint8_t sig[64])
{
	uint8_t sk[64];

	crypto_sign_seed_keypair(pk, sk, seed);
	crypto_sign_detached(sig, NULL, msg, len, sk);
	sodium_memzero(sk, sizeof sk);
	return CF_OK;
}
