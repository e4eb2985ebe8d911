/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Record envelopes: XChaCha20-Poly1305 with a fresh nonce and AD binding file, table, column, row, key id and plaintext columns. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/crypto.h"
#include "crypto-internal.h"

#define OFF_VERSION 0
#define OFF_COMP 1
#define OFF_KEY_ID 2
#define OFF_NONCE 6
#define OFF_CT CF_RECORD_HEADER_BYTES

#define AD_DOMAIN_V1 "carefile record v1"
#define AD_DOMAIN "carefile record v2"
#define AD_MAX (4 + sizeof(AD_DOMAIN) + 8 + 5 + 8 + 4 + CF_FILE_ID_BYTES + 2 * (4 + CF_AD_NAME_MAX) + 4 + CF_UUID_BYTES + \
                4 + CF_RECORD_BOUND_MAX)

_Static_assert(OFF_CT - OFF_NONCE == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce size");
_Static_assert(CF_RECORD_OVERHEAD == CF_RECORD_HEADER_BYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES,
	"record overhead");

static int
name_ok(const char *s)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s);
	return n > 0 && n <= CF_AD_NAME_MAX;
}

/*
 * Canonical AD (see crypto.h) of blob version `version` into buf (AD_MAX
 * bytes); its length, or 0 on bad arguments.
 */
static size_t
record_ad(const struct cf_record_ad *ad, int version, enum cf_compartment c, uint32_t key_id, uint8_t *buf)
{
	struct cf_ad_buf b = { buf, AD_MAX, 0, 0 };

	if (ad == NULL || ad->file_id == NULL || ad->row_uuid == NULL || !name_ok(ad->table) || !name_ok(ad->column))
		return 0;
	if (version == CF_RECORD_BLOB_VERSION && (ad->bound == NULL || ad->bound_len > CF_RECORD_BOUND_MAX))
		return 0;
	if (version == CF_RECORD_BLOB_VERSION)
		crypto_ad_field(&b, AD_DOMAIN, strlen(AD_DOMAIN));
	else
		crypto_ad_field(&b, AD_DOMAIN_V1, strlen(AD_DOMAIN_V1));
	crypto_ad_u32(&b, ad->format_version);
	crypto_ad_u8(&b, (uint8_t)c);
	crypto_ad_u32(&b, key_id);
	crypto_ad_field(&b, ad->file_id, CF_FILE_ID_BYTES);
	crypto_ad_field(&b, ad->table, strlen(ad->table));
	crypto_ad_field(&b, ad->column, strlen(ad->column));
	crypto_ad_field(&b, ad->row_uuid, CF_UUID_BYTES);
	if (version == CF_RECORD_BLOB_VERSION)
		crypto_ad_field(&b, ad->bound, ad->bound_len);
	return b.failed ? 0 : b.len;
}

int
crypto_record_seal_into(const struct cf_keyring *kr, enum cf_compartment c, const struct cf_record_ad *ad,
	const void *plain, size_t plain_len, uint8_t *out, size_t out_size)
{
	uint8_t ad_buf[AD_MAX];
	size_t ad_len;
	uint32_t key_id;

	if (kr == NULL || out == NULL || (unsigned int)c >= CF_COMPARTMENT__COUNT || (plain == NULL && plain_len > 0) ||
	    plain_len > CF_RECORD_MAX_PLAIN || out_size < plain_len + CF_RECORD_OVERHEAD)
		return CF_ERR_INVALID;
	if (!crypto_keyring_has(kr, c))
		return CF_ERR_PERMISSION;
	key_id = kr->key_ids[c];
	ad_len = record_ad(ad, CF_RECORD_BLOB_VERSION, c, key_id, ad_buf);
	if (ad_len == 0)
		return CF_ERR_INVALID;
	out[OFF_VERSION] = CF_RECORD_BLOB_VERSION;
	out[OFF_COMP] = (uint8_t)c;
	crypto_put_u32(out + OFF_KEY_ID, key_id);
	randombytes_buf(out + OFF_NONCE, OFF_CT - OFF_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + OFF_CT, NULL, plain_len > 0 ? plain : (const void *)"",
		plain_len, ad_buf, ad_len, NULL, out + OFF_NONCE, kr->keys[c]);
	return CF_OK;
}

int
crypto_record_seal(const struct cf_keyring *kr, enum cf_compartment c, const struct cf_record_ad *ad,
	const void *plain, size_t plain_len, uint8_t **blob, size_t *blob_len)
{
	uint8_t *out;
	int rc;

	*blob = NULL;
	*blob_len = 0;
	if (plain_len > CF_RECORD_MAX_PLAIN)
		return CF_ERR_INVALID;
	out = malloc(plain_len + CF_RECORD_OVERHEAD);
	if (out == NULL)
		return CF_ERR_NOMEM;
	rc = crypto_record_seal_into(kr, c, ad, plain, plain_len, out, plain_len + CF_RECORD_OVERHEAD);
	if (rc != CF_OK) {
		free(out);
		return rc;
	}
	*blob = out;
	*blob_len = plain_len + CF_RECORD_OVERHEAD;
	return CF_OK;
}

int
crypto_record_info(const uint8_t *blob, size_t blob_len, enum cf_compartment *c, uint32_t *key_id)
{
	if (blob == NULL || blob_len < CF_RECORD_OVERHEAD || blob_len - CF_RECORD_OVERHEAD > CF_RECORD_MAX_PLAIN ||
	    (blob[OFF_VERSION] != CF_RECORD_BLOB_VERSION && blob[OFF_VERSION] != CF_RECORD_BLOB_VERSION_1) ||
	    blob[OFF_COMP] >= CF_COMPARTMENT__COUNT)
		return CF_ERR_DAMAGED;
	if (c != NULL)
		*c = (enum cf_compartment)blob[OFF_COMP];
	if (key_id != NULL)
		*key_id = crypto_get_u32(blob + OFF_KEY_ID);
	return CF_OK;
}

/*
 * Checks and AEAD into out (blob_len - CF_RECORD_OVERHEAD + 1 bytes of secure
 * memory, NUL-terminated on success, wiped on failure).
 */
static int
record_open_into(const struct cf_keyring *kr, enum cf_compartment c, const struct cf_record_ad *ad,
	const uint8_t *blob, size_t blob_len, uint8_t *out)
{
	uint8_t ad_buf[AD_MAX];
	size_t ad_len, plain_len = blob_len - CF_RECORD_OVERHEAD;
	uint32_t key_id = crypto_get_u32(blob + OFF_KEY_ID);

	ad_len = record_ad(ad, blob[OFF_VERSION], c, key_id, ad_buf);
	if (ad_len == 0)
		return CF_ERR_INVALID;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, blob + OFF_CT, blob_len - OFF_CT,
			ad_buf, ad_len, blob + OFF_NONCE, kr->keys[c]) != 0) {
		sodium_memzero(out, plain_len + 1);
		return CF_ERR_DAMAGED;
	}
	out[plain_len] = '\0';
	return CF_OK;
}

/* Argument and header checks common to both open entries. */
static int
record_open_check(const struct cf_keyring *kr, enum cf_compartment c, const struct cf_record_ad *ad,
	const uint8_t *blob, size_t blob_len)
{
	enum cf_compartment bc;
	uint32_t key_id;

	/* the AD's arguments are checked cheaply here; record_ad() checks the rest when it builds the one AD */
	if (kr == NULL || (unsigned int)c >= CF_COMPARTMENT__COUNT || ad == NULL || ad->file_id == NULL ||
	    ad->row_uuid == NULL || !name_ok(ad->table) || !name_ok(ad->column))
		return CF_ERR_INVALID;
	if (!crypto_keyring_has(kr, c))
		return CF_ERR_PERMISSION;
	if (crypto_record_info(blob, blob_len, &bc, &key_id) != CF_OK)
		return CF_ERR_DAMAGED;
	/* a version-1 blob binds no plaintext column: only where the caller still accepts one */
	if (blob[OFF_VERSION] == CF_RECORD_BLOB_VERSION_1 && !ad->accept_v1)
		return CF_ERR_DAMAGED;
	/* A key id we do not hold cannot open; the AD binds it anyway. */
	if (bc != c || key_id != kr->key_ids[c])
		return CF_ERR_DAMAGED;
	return CF_OK;
}

int
crypto_record_open(const struct cf_keyring *kr, enum cf_compartment c, const struct cf_record_ad *ad,
	const uint8_t *blob, size_t blob_len, char **plain, size_t *plain_len)
{
	uint8_t *out;
	int rc;

	*plain = NULL;
	*plain_len = 0;
	rc = record_open_check(kr, c, ad, blob, blob_len);
	if (rc != CF_OK)
		return rc;
	out = crypto_sodium_malloc(blob_len - CF_RECORD_OVERHEAD + 1);
	if (out == NULL)
		return CF_ERR_NOMEM;
	rc = record_open_into(kr, c, ad, blob, blob_len, out);
	if (rc != CF_OK) {
		sodium_free(out);
		return rc;
	}
	*plain = (char *)out;
	*plain_len = blob_len - CF_RECORD_OVERHEAD;
	return CF_OK;
}

int
crypto_record_open_buf(const struct cf_keyring *kr, enum cf_compartment c, const struct cf_record_ad *ad,
	const uint8_t *blob, size_t blob_len, uint8_t *out, size_t out_size, size_t *plain_len)
{
	int rc;

	*plain_len = 0;
	rc = record_open_check(kr, c, ad, blob, blob_len);
	if (rc != CF_OK)
		return rc;
	if (out == NULL || out_size < blob_len - CF_RECORD_OVERHEAD + 1)
		return CF_ERR_INVALID;
	rc = record_open_into(kr, c, ad, blob, blob_len, out);
	if (rc == CF_OK)
		*plain_len = blob_len - CF_RECORD_OVERHEAD;
	return rc;
}

int
crypto_record_open_arena(const struct cf_keyring *kr, enum cf_compartment c, const struct cf_record_ad *ad,
	const uint8_t *blob, size_t blob_len, struct cf_secure_arena *arena, char **plain, size_t *plain_len)
{
	uint8_t *out;
	int rc;

	*plain = NULL;
	*plain_len = 0;
	if (arena == NULL)
		return CF_ERR_INVALID;
	rc = record_open_check(kr, c, ad, blob, blob_len);
	if (rc != CF_OK)
		return rc;
	out = crypto_arena_alloc(arena, blob_len - CF_RECORD_OVERHEAD + 1);
	if (out == NULL)
		return CF_ERR_NOMEM;
	/* A failed open leaves a wiped, unused hole in the arena; it is reclaimed on reset. */
	rc = record_open_into(kr, c, ad, blob, blob_len, out);
	if (rc != CF_OK)
		return rc;
	*plain = (char *)out;
	*plain_len = blob_len - CF_RECORD_OVERHEAD;
	return CF_OK;
}
