/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Argon2id parameters and calibration, passphrase and recovery keyslots. */
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carefile/crypto.h"
#include "carefile/crypto_testing.h"
#include "crypto-internal.h"

/* Blob layout: see crypto.h. */
#define OFF_VERSION 0
#define OFF_KIND 1
#define OFF_KDF 2
#define OFF_RESERVED 3
#define OFF_OPS 4
#define OFF_MEM 12
#define OFF_SALT 20
#define OFF_NONCE 36
#define OFF_CT 60
#define HEADER_BYTES OFF_NONCE   /* bytes 0..35 go into the AD */
#define PAYLOAD_V1_BYTES 212
#define PAYLOAD_BYTES 284        /* version 2 */
#define CT_BYTES(payload) ((payload) + crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define OFF_SUM_V1 (OFF_CT + CT_BYTES(PAYLOAD_V1_BYTES))
#define OFF_SUM (OFF_CT + CT_BYTES(PAYLOAD_BYTES))
#define SUM_BYTES 32

#define KDF_ARGON2ID13 1
#define KDF_BLAKE2B 2

/* Payload layout. */
#define P_VERSION 0
#define P_MASK 1
#define P_FLAGS 2
#define P_RESERVED 3
#define P_FILE_KEY 4
#define P_BOX_SK 36
#define P_KEYS 68
#define P_SIGN_SEED 212
#define P_PIN_PK 244
#define P_PIN_EPOCH 276

#define FLAG_SIGN 1u
#define FLAG_PIN 2u

#define AD_DOMAIN_V1 "carefile keyslot v1"
#define AD_DOMAIN "carefile keyslot v2"
#define RECOVERY_DOMAIN "carefile recovery kek v1"

_Static_assert(OFF_SUM + SUM_BYTES == CF_KEYSLOT_BLOB_BYTES, "keyslot blob size");
_Static_assert(OFF_SUM_V1 + SUM_BYTES == CF_KEYSLOT_BLOB_V1_BYTES, "keyslot v1 blob size");
_Static_assert(P_KEYS + CF_KEYS_TABLE_BYTES == PAYLOAD_V1_BYTES, "keyslot v1 payload size");
_Static_assert(P_PIN_EPOCH + 8 == PAYLOAD_BYTES, "keyslot payload size");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == OFF_CT - OFF_NONCE, "nonce size");

static unsigned long kdf_calls;

unsigned long
crypto_testing_kdf_calls(void)
{
	return kdf_calls;
}

/* ------------------------------------------------------------ KDF params */

int
crypto_kdf_params_check(const struct cf_kdf_params *p)
{
	if (p == NULL)
		return CF_ERR_KDF_PARAMS;
	if (p->opslimit < CF_KDF_OPS_MIN || p->opslimit > CF_KDF_OPS_MAX)
		return CF_ERR_KDF_PARAMS;
	if (p->memlimit_bytes < CF_KDF_MEM_MIN || p->memlimit_bytes > CF_KDF_MEM_MAX ||
	    p->memlimit_bytes % 1024 != 0)
		return CF_ERR_KDF_PARAMS;
	/* libsodium's own limits (crypto_pwhash_argon2id_*), tighter on 32-bit machines. */
	if (p->opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
	    p->memlimit_bytes > (uint64_t)crypto_pwhash_argon2id_MEMLIMIT_MAX || p->memlimit_bytes > SIZE_MAX)
		return CF_ERR_KDF_PARAMS;
	return CF_OK;
}

void
crypto_kdf_params_floor(struct cf_kdf_params *out)
{
	out->opslimit = CF_KDF_OPS_MIN;
	out->memlimit_bytes = CF_KDF_MEM_MIN;
}

/* Argon2id into kek (CF_KEK_BYTES, secure memory) after the bounds check. */
static int
kdf_argon2id(uint8_t *kek, const char *pass, size_t pass_len, const uint8_t *salt, const struct cf_kdf_params *p)
{
	int rc = crypto_kdf_params_check(p);

	if (rc != CF_OK)
		return rc;
	kdf_calls++;
	if (crypto_pwhash(kek, CF_KEK_BYTES, pass_len > 0 ? pass : "", pass_len, salt,
			(unsigned long long)p->opslimit, (size_t)p->memlimit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return CF_ERR_NOMEM;   /* the only failure left after the checks: memory */
	return CF_OK;
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
crypto_kdf_calibrate(double target_seconds, struct cf_kdf_params *out)
{
	uint8_t salt[CF_SALT_BYTES];
	uint8_t *kek;
	double t0, elapsed, ops;
	int rc;

	crypto_kdf_params_floor(out);
	if (!(target_seconds > 0))
		return CF_OK;
	kek = crypto_sodium_malloc(CF_KEK_BYTES);
	if (kek == NULL)
		return CF_ERR_NOMEM;
	randombytes_buf(salt, sizeof(salt));
	t0 = now_seconds();
	rc = kdf_argon2id(kek, "calibration", 11, salt, out);
	elapsed = now_seconds() - t0;
	sodium_free(kek);
	if (rc != CF_OK)
		return rc;
	/* Argon2id time grows linearly with passes at fixed memory. */
	ops = elapsed > 0 ? (double)CF_KDF_OPS_MIN * target_seconds / elapsed : CF_KDF_OPS_CALIBRATE_MAX;
	if (ops > CF_KDF_OPS_CALIBRATE_MAX)
		ops = CF_KDF_OPS_CALIBRATE_MAX;
	if (ops < CF_KDF_OPS_MIN)
		ops = CF_KDF_OPS_MIN;
	out->opslimit = (uint64_t)(ops + 0.5);
	return CF_OK;
}

/* -------------------------------------------------------------- keyslots */

/* Where the checksum of a blob of blob_len bytes sits (0 for an unknown length). */
static size_t
sum_offset(size_t blob_len)
{
	if (blob_len == CF_KEYSLOT_BLOB_BYTES)
		return OFF_SUM;
	if (blob_len == CF_KEYSLOT_BLOB_V1_BYTES)
		return OFF_SUM_V1;
	return 0;
}

static void
slot_checksum(const uint8_t *blob, size_t off_sum, uint8_t out[SUM_BYTES])
{
	crypto_generichash(out, SUM_BYTES, blob, off_sum, NULL, 0);
}

void
crypto_testing_keyslot_fix_checksum(uint8_t *blob, size_t blob_len)
{
	size_t off = sum_offset(blob_len);

	if (off != 0)
		slot_checksum(blob, off, blob + off);
}

/* Structural checks shared by every entry: CF_OK or CF_ERR_DAMAGED. */
static int
slot_parse(const uint8_t *blob, size_t blob_len, int *kind, struct cf_kdf_params *params)
{
	uint8_t sum[SUM_BYTES];
	size_t off_sum = blob != NULL ? sum_offset(blob_len) : 0;

	if (off_sum == 0)
		return CF_ERR_DAMAGED;
	slot_checksum(blob, off_sum, sum);
	if (sodium_memcmp(sum, blob + off_sum, SUM_BYTES) != 0)
		return CF_ERR_DAMAGED;
	if (blob[OFF_VERSION] != (blob_len == CF_KEYSLOT_BLOB_BYTES ? CF_KEYSLOT_BLOB_VERSION : CF_KEYSLOT_BLOB_VERSION_1) ||
	    blob[OFF_RESERVED] != 0)
		return CF_ERR_DAMAGED;
	if (blob[OFF_KIND] == CF_KEYSLOT_KIND_PASSPHRASE) {
		if (blob[OFF_KDF] != KDF_ARGON2ID13)
			return CF_ERR_DAMAGED;
	} else if (blob[OFF_KIND] == CF_KEYSLOT_KIND_RECOVERY) {
		if (blob[OFF_KDF] != KDF_BLAKE2B || crypto_get_u64(blob + OFF_OPS) != 0 ||
		    crypto_get_u64(blob + OFF_MEM) != 0)
			return CF_ERR_DAMAGED;
	} else {
		return CF_ERR_DAMAGED;
	}
	if (kind != NULL)
		*kind = blob[OFF_KIND];
	if (params != NULL) {
		params->opslimit = crypto_get_u64(blob + OFF_OPS);
		params->memlimit_bytes = crypto_get_u64(blob + OFF_MEM);
	}
	return CF_OK;
}

int
crypto_keyslot_info(const uint8_t *blob, size_t blob_len, int *kind, struct cf_kdf_params *params)
{
	return slot_parse(blob, blob_len, kind, params);
}

/* AD of a slot into buf (size AD_MAX); returns its length, 0 on bad arguments. */
#define AD_MAX (4 + sizeof(AD_DOMAIN) + 8 + 4 + CF_FILE_ID_BYTES + 4 + CF_SLOT_ID_MAX + 4 + HEADER_BYTES)

static size_t
slot_ad(const uint8_t *blob, const struct cf_keyslot_ad *ad, uint8_t *buf)
{
	struct cf_ad_buf b = { buf, AD_MAX, 0, 0 };
	const char *domain = blob[OFF_VERSION] == CF_KEYSLOT_BLOB_VERSION_1 ? AD_DOMAIN_V1 : AD_DOMAIN;

	crypto_ad_field(&b, domain, strlen(domain));
	crypto_ad_u32(&b, ad->format_version);
	crypto_ad_field(&b, ad->file_id, CF_FILE_ID_BYTES);
	crypto_ad_field(&b, ad->slot_id, strlen(ad->slot_id));
	crypto_ad_field(&b, blob, HEADER_BYTES);
	return b.failed ? 0 : b.len;
}

/* Encrypt kr's payload under kek into blob, whose bytes 0..35 the caller filled in; then the checksum. */
static int
slot_seal_kek(const struct cf_keyring *kr, const uint8_t *kek, const struct cf_keyslot_ad *ad, uint8_t *blob)
{
	uint8_t ad_buf[AD_MAX];
	uint8_t *payload;
	size_t ad_len = slot_ad(blob, ad, ad_buf);

	if (ad_len == 0)
		return CF_ERR_INVALID;
	payload = crypto_sodium_malloc(PAYLOAD_BYTES);
	if (payload == NULL)
		return CF_ERR_NOMEM;
	sodium_memzero(payload, PAYLOAD_BYTES);
	payload[P_VERSION] = 2;
	payload[P_MASK] = (uint8_t)kr->mask;
	payload[P_FLAGS] = (uint8_t)((kr->has_sign ? FLAG_SIGN : 0u) | (kr->has_pin ? FLAG_PIN : 0u));
	memcpy(payload + P_FILE_KEY, kr->file_key, CF_KEY_BYTES);
	memcpy(payload + P_BOX_SK, kr->box_sk, CF_KEY_BYTES);
	crypto_keys_table_write(kr, kr->mask, payload + P_KEYS);
	if (kr->has_sign)
		memcpy(payload + P_SIGN_SEED, kr->sign_sk, 32); /* libsodium's secret key starts with the seed */
	if (kr->has_pin) {
		memcpy(payload + P_PIN_PK, kr->pin_pk, CF_SIGN_PUBLIC_KEY_BYTES);
		crypto_put_u64(payload + P_PIN_EPOCH, kr->pin_epoch);
	}
	randombytes_buf(blob + OFF_NONCE, OFF_CT - OFF_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(blob + OFF_CT, NULL, payload, PAYLOAD_BYTES, ad_buf, ad_len,
		NULL, blob + OFF_NONCE, kek);
	sodium_free(payload);
	slot_checksum(blob, OFF_SUM, blob + OFF_SUM);
	return CF_OK;
}

/* AEAD open with kek, then the payload checks. Structure already parsed. */
static int
slot_open_kek(const uint8_t *blob, const uint8_t *kek, const struct cf_keyslot_ad *ad, struct cf_keyring **out)
{
	uint8_t ad_buf[AD_MAX];
	uint8_t *payload;
	struct cf_keyring *kr;
	size_t ad_len = slot_ad(blob, ad, ad_buf);
	int v1 = blob[OFF_VERSION] == CF_KEYSLOT_BLOB_VERSION_1;
	size_t plen = v1 ? PAYLOAD_V1_BYTES : PAYLOAD_BYTES;
	unsigned int flags;
	int rc;

	if (ad_len == 0)
		return CF_ERR_INVALID;
	payload = crypto_sodium_malloc(PAYLOAD_BYTES);
	if (payload == NULL)
		return CF_ERR_NOMEM;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(payload, NULL, NULL, blob + OFF_CT, CT_BYTES(plen), ad_buf,
			ad_len, blob + OFF_NONCE, kek) != 0) {
		sodium_free(payload);
		return CF_ERR_AUTH;
	}
	kr = crypto_keyring_alloc();
	if (kr == NULL) {
		sodium_free(payload);
		return CF_ERR_NOMEM;
	}
	rc = CF_ERR_DAMAGED;
	flags = payload[P_FLAGS];
	if (payload[P_VERSION] != (v1 ? 1 : 2) || payload[P_RESERVED] != 0 || (v1 && flags != 0) ||
	    (flags & ~(FLAG_SIGN | FLAG_PIN)) != 0)
		goto fail;
	if (!v1 && (((flags & FLAG_SIGN) == 0 && !sodium_is_zero(payload + P_SIGN_SEED, 32)) ||
	            ((flags & FLAG_PIN) == 0 && !sodium_is_zero(payload + P_PIN_PK, CF_SIGN_PUBLIC_KEY_BYTES + 8)) ||
	            ((flags & FLAG_PIN) != 0 && sodium_is_zero(payload + P_PIN_PK, CF_SIGN_PUBLIC_KEY_BYTES))))
		goto fail;
	if (flags & FLAG_SIGN)
		crypto_keyring_sign_from_seed(kr, payload + P_SIGN_SEED);
	if (flags & FLAG_PIN) {
		memcpy(kr->pin_pk, payload + P_PIN_PK, CF_SIGN_PUBLIC_KEY_BYTES);
		kr->pin_epoch = crypto_get_u64(payload + P_PIN_EPOCH);
		kr->has_pin = 1;
	}
	kr->mask = payload[P_MASK];
	if (crypto_keys_table_read(payload + P_KEYS, kr->mask, kr->key_ids, kr->keys) != CF_OK)
		goto fail;
	memcpy(kr->file_key, payload + P_FILE_KEY, CF_KEY_BYTES);
	kr->has_file_key = 1;
	memcpy(kr->box_sk, payload + P_BOX_SK, CF_KEY_BYTES);
	crypto_keyring_box_from_sk(kr);
	sodium_free(payload);
	*out = kr;
	return CF_OK;
fail:
	sodium_free(payload);
	crypto_keyring_free(&kr);
	return rc;
}

static void
slot_header(uint8_t *blob, int kind, const struct cf_kdf_params *params)
{
	blob[OFF_VERSION] = CF_KEYSLOT_BLOB_VERSION;
	blob[OFF_KIND] = (uint8_t)kind;
	blob[OFF_KDF] = kind == CF_KEYSLOT_KIND_PASSPHRASE ? KDF_ARGON2ID13 : KDF_BLAKE2B;
	blob[OFF_RESERVED] = 0;
	crypto_put_u64(blob + OFF_OPS, params != NULL ? params->opslimit : 0);
	crypto_put_u64(blob + OFF_MEM, params != NULL ? params->memlimit_bytes : 0);
	randombytes_buf(blob + OFF_SALT, CF_SALT_BYTES);
}

int
crypto_keyslot_seal_passphrase_kek(const struct cf_keyring *kr, const char *passphrase, size_t pass_len,
	const struct cf_kdf_params *params, const struct cf_keyslot_ad *ad, uint8_t **blob, size_t *blob_len,
	uint8_t **kek_out)
{
	uint8_t *out, *kek;
	int rc;

	*blob = NULL;
	*blob_len = 0;
	if (kek_out != NULL)
		*kek_out = NULL;
	if (kr == NULL || (passphrase == NULL && pass_len > 0) || !kr->has_file_key)
		return CF_ERR_INVALID;
	rc = crypto_keyslot_ad_check(ad);
	if (rc != CF_OK)
		return rc;
	rc = crypto_kdf_params_check(params);
	if (rc != CF_OK)
		return rc;
	out = calloc(1, CF_KEYSLOT_BLOB_BYTES);
	kek = crypto_sodium_malloc(CF_KEK_BYTES);
	if (out == NULL || kek == NULL) {
		free(out);
		if (kek != NULL)
			sodium_free(kek);
		return CF_ERR_NOMEM;
	}
	slot_header(out, CF_KEYSLOT_KIND_PASSPHRASE, params);
	rc = kdf_argon2id(kek, passphrase, pass_len, out + OFF_SALT, params);
	if (rc == CF_OK)
		rc = slot_seal_kek(kr, kek, ad, out);
	if (rc != CF_OK || kek_out == NULL)
		sodium_free(kek);
	if (rc != CF_OK) {
		free(out);
		return rc;
	}
	if (kek_out != NULL)
		*kek_out = kek;
	*blob = out;
	*blob_len = CF_KEYSLOT_BLOB_BYTES;
	return CF_OK;
}

int
crypto_keyslot_seal_passphrase(const struct cf_keyring *kr, const char *passphrase, size_t pass_len,
	const struct cf_kdf_params *params, const struct cf_keyslot_ad *ad, uint8_t **blob, size_t *blob_len)
{
	return crypto_keyslot_seal_passphrase_kek(kr, passphrase, pass_len, params, ad, blob, blob_len, NULL);
}

int
crypto_testing_keyslot_kek(const uint8_t *blob, size_t blob_len, const char *passphrase, size_t pass_len,
	uint8_t kek[CF_KEK_BYTES])
{
	struct cf_kdf_params params;
	int kind, rc;

	if (passphrase == NULL && pass_len > 0)
		return CF_ERR_INVALID;
	rc = slot_parse(blob, blob_len, &kind, &params);
	if (rc != CF_OK)
		return rc;
	if (kind != CF_KEYSLOT_KIND_PASSPHRASE)
		return CF_ERR_INVALID;
	return kdf_argon2id(kek, passphrase, pass_len, blob + OFF_SALT, &params);
}

int
crypto_testing_keyslot_open_kek(const uint8_t *blob, size_t blob_len, const uint8_t kek[CF_KEK_BYTES],
	const struct cf_keyslot_ad *ad, struct cf_keyring **out)
{
	struct cf_kdf_params params;
	int kind, rc;

	*out = NULL;
	rc = crypto_keyslot_ad_check(ad);
	if (rc != CF_OK)
		return rc;
	rc = slot_parse(blob, blob_len, &kind, &params);
	if (rc != CF_OK)
		return rc;
	if (kind == CF_KEYSLOT_KIND_PASSPHRASE) {
		rc = crypto_kdf_params_check(&params);
		if (rc != CF_OK)
			return rc;
	}
	return slot_open_kek(blob, kek, ad, out);
}

int
crypto_keyslot_open_passphrase_kek(const uint8_t *blob, size_t blob_len, const char *passphrase, size_t pass_len,
	const struct cf_keyslot_ad *ad, struct cf_keyring **out, uint8_t **kek_out)
{
	uint8_t *kek;
	int rc;

	*out = NULL;
	*kek_out = NULL;
	rc = crypto_keyslot_ad_check(ad);
	if (rc != CF_OK)
		return rc;
	kek = crypto_sodium_malloc(CF_KEK_BYTES);
	if (kek == NULL)
		return CF_ERR_NOMEM;
	rc = crypto_testing_keyslot_kek(blob, blob_len, passphrase, pass_len, kek);
	if (rc == CF_OK)
		rc = slot_open_kek(blob, kek, ad, out);
	if (rc != CF_OK) {
		sodium_free(kek);
		return rc;
	}
	*kek_out = kek;
	return CF_OK;
}

int
crypto_keyslot_open_passphrase(const uint8_t *blob, size_t blob_len, const char *passphrase, size_t pass_len,
	const struct cf_keyslot_ad *ad, struct cf_keyring **out)
{
	uint8_t *kek = NULL;
	int rc = crypto_keyslot_open_passphrase_kek(blob, blob_len, passphrase, pass_len, ad, out, &kek);

	if (kek != NULL)
		sodium_free(kek);
	return rc;
}

int
crypto_keyslot_reseal_kek(const struct cf_keyring *kr, const uint8_t *old_blob, size_t old_len,
	const uint8_t kek[CF_KEK_BYTES], const struct cf_keyslot_ad *ad, uint8_t **blob, size_t *blob_len)
{
	uint8_t *out;
	int kind, rc;

	*blob = NULL;
	*blob_len = 0;
	if (kr == NULL || kek == NULL || !kr->has_file_key)
		return CF_ERR_INVALID;
	rc = crypto_keyslot_ad_check(ad);
	if (rc != CF_OK)
		return rc;
	rc = slot_parse(old_blob, old_len, &kind, NULL);
	if (rc != CF_OK)
		return rc;
	out = calloc(1, CF_KEYSLOT_BLOB_BYTES);
	if (out == NULL)
		return CF_ERR_NOMEM;
	memcpy(out, old_blob, HEADER_BYTES);   /* kind, KDF, parameters and salt: the KEK is theirs */
	out[OFF_VERSION] = CF_KEYSLOT_BLOB_VERSION;
	rc = slot_seal_kek(kr, kek, ad, out);
	if (rc != CF_OK) {
		free(out);
		return rc;
	}
	*blob = out;
	*blob_len = CF_KEYSLOT_BLOB_BYTES;
	return CF_OK;
}

/* ------------------------------------------------------- recovery slots */

static void
recovery_kek(const struct cf_recovery_key *rk, const uint8_t *salt, uint8_t *kek)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, crypto_recovery_key_bytes(rk), 32, CF_KEK_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)RECOVERY_DOMAIN, strlen(RECOVERY_DOMAIN));
	crypto_generichash_update(&st, salt, CF_SALT_BYTES);
	crypto_generichash_final(&st, kek, CF_KEK_BYTES);
	sodium_memzero(&st, sizeof(st));
}

int
crypto_keyslot_seal_recovery(const struct cf_keyring *kr, const struct cf_recovery_key *rk,
	const struct cf_keyslot_ad *ad, uint8_t **blob, size_t *blob_len)
{
	uint8_t *out, *kek;
	int rc;

	*blob = NULL;
	*blob_len = 0;
	if (kr == NULL || rk == NULL || !kr->has_file_key)
		return CF_ERR_INVALID;
	rc = crypto_keyslot_ad_check(ad);
	if (rc != CF_OK)
		return rc;
	if (kr->mask != CF_COMPARTMENT_MASK_ALL)
		return CF_ERR_PERMISSION;
	out = calloc(1, CF_KEYSLOT_BLOB_BYTES);
	kek = crypto_sodium_malloc(CF_KEK_BYTES);
	if (out == NULL || kek == NULL) {
		free(out);
		if (kek != NULL)
			sodium_free(kek);
		return CF_ERR_NOMEM;
	}
	slot_header(out, CF_KEYSLOT_KIND_RECOVERY, NULL);
	recovery_kek(rk, out + OFF_SALT, kek);
	rc = slot_seal_kek(kr, kek, ad, out);
	sodium_free(kek);
	if (rc != CF_OK) {
		free(out);
		return rc;
	}
	*blob = out;
	*blob_len = CF_KEYSLOT_BLOB_BYTES;
	return CF_OK;
}

int
crypto_keyslot_open_recovery(const uint8_t *blob, size_t blob_len, const struct cf_recovery_key *rk,
	const struct cf_keyslot_ad *ad, struct cf_keyring **out)
{
	uint8_t *kek;
	int kind, rc;

	*out = NULL;
	if (rk == NULL)
		return CF_ERR_INVALID;
	rc = crypto_keyslot_ad_check(ad);
	if (rc != CF_OK)
		return rc;
	rc = slot_parse(blob, blob_len, &kind, NULL);
	if (rc != CF_OK)
		return rc;
	if (kind != CF_KEYSLOT_KIND_RECOVERY)
		return CF_ERR_INVALID;
	kek = crypto_sodium_malloc(CF_KEK_BYTES);
	if (kek == NULL)
		return CF_ERR_NOMEM;
	recovery_kek(rk, blob + OFF_SALT, kek);
	rc = slot_open_kek(blob, kek, ad, out);
	sodium_free(kek);
	return rc;
}

/* ------------------------------------------------------ test primitives */

int
crypto_testing_argon2id(uint8_t *out, size_t out_len, const void *pass, size_t pass_len,
	const uint8_t salt[CF_SALT_BYTES], uint64_t opslimit, size_t memlimit_bytes)
{
	kdf_calls++;
	if (crypto_pwhash(out, out_len, pass_len > 0 ? pass : "", pass_len, salt, (unsigned long long)opslimit,
			memlimit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return errno == ENOMEM ? CF_ERR_NOMEM : CF_ERR_KDF_PARAMS;
	return CF_OK;
}
