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
#define AD_DOMAIN_V2 "carefile record v2"
#define AD_DOMAIN "carefile record v3"
#define PAD_MIN 64u
#define PAD_STEP (16u * 1024)
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
	if (version != CF_RECORD_BLOB_VERSION_1 && (ad->bound == NULL || ad->bound_len > CF_RECORD_BOUND_MAX))
		return 0;
	if (version == CF_RECORD_BLOB_VERSION)
		crypto_ad_field(&b, AD_DOMAIN, strlen(AD_DOMAIN));
	else if (version == CF_RECORD_BLOB_VERSION_2)
		crypto_ad_field(&b, AD_DOMAIN_V2, strlen(AD_DOMAIN_V2));
	else
		crypto_ad_field(&b, AD_DOMAIN_V1, strlen(AD_DOMAIN_V1));
	crypto_ad_u32(&b, ad->format_version);
	crypto_ad_u8(&b, (uint8_t)c);
	crypto_ad_u32(&b, key_id);
	crypto_ad_field(&b, ad->file_id, CF_FILE_ID_BYTES);
	crypto_ad_field(&b, ad->table, strlen(ad->table));
	crypto_ad_field(&b, ad->column, strlen(ad->column));
	crypto_ad_field(&b, ad->row_uuid, CF_UUID_BYTES);
	if (version != CF_RECORD_BLOB_VERSION_1)
		crypto_ad_field(&b, ad->bound, ad->bound_len);
	return b.failed ? 0 : b.len;
}

size_t
crypto_record_padded_size(size_t plain_len)
{
	size_t n = plain_len + 1, size = PAD_MIN;

	while (size < n && size < PAD_STEP)
		size *= 2;
	if (n > size)
		size = (n + PAD_STEP - 1) / PAD_STEP * PAD_STEP;
	return size;
}

size_t
crypto_record_sealed_size(size_t plain_len)
{
	return crypto_record_padded_size(plain_len) + CF_RECORD_OVERHEAD;
}

/*
 * One secure scratch buffer for the padded plaintext of every seal (the
 * program is single-threaded): grown when a larger record comes, wiped after
 * each use, never one secure allocation per record.
 */
static uint8_t *scratch;
static size_t scratch_cap;

static uint8_t *
scratch_get(size_t n)
{
	if (n > scratch_cap) {
		uint8_t *p = crypto_sodium_malloc(n);

		if (p == NULL)
			return NULL;
		if (scratch != NULL)
			sodium_free(scratch);
		scratch = p;
		scratch_cap = n;
	}
	return scratch;
}

int
crypto_record_seal_into(const struct cf_keyring *kr, enum cf_compartment c, const struct cf_record_ad *ad,
	const void *plain, size_t plain_len, uint8_t *out, size_t out_size)
{
	uint8_t ad_buf[AD_MAX];
	size_t ad_len, padded;
	uint32_t key_id;
	uint8_t *p;

	if (kr == NULL || out == NULL || (unsigned int)c >= CF_COMPARTMENT__COUNT || (plain == NULL && plain_len > 0) ||
	    plain_len > CF_RECORD_MAX_PLAIN || out_size < crypto_record_sealed_size(plain_len))
		return CF_ERR_INVALID;
	if (!crypto_keyring_has(kr, c))
		return CF_ERR_PERMISSION;
	key_id = kr->key_ids[c];
	ad_len = record_ad(ad, CF_RECORD_BLOB_VERSION, c, key_id, ad_buf);
	if (ad_len == 0)
		return CF_ERR_INVALID;
	padded = crypto_record_padded_size(plain_len);
	p = scratch_get(padded);
	if (p == NULL)
		return CF_ERR_NOMEM;
	/* ISO/IEC 7816-4 padding: 0x80, then zeros to the size bucket */
	if (plain_len > 0)
		memcpy(p, plain, plain_len);
	p[plain_len] = 0x80;
	memset(p + plain_len + 1, 0, padded - plain_len - 1);
	out[OFF_VERSION] = CF_RECORD_BLOB_VERSION;
	out[OFF_COMP] = (uint8_t)c;
	crypto_put_u32(out + OFF_KEY_ID, key_id);
	randombytes_buf(out + OFF_NONCE, OFF_CT - OFF_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + OFF_CT, NULL, p, padded, ad_buf, ad_len, NULL,
		out + OFF_NONCE, kr->keys[c]);
	sodium_memzero(p, padded);
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
	out = malloc(crypto_record_sealed_size(plain_len));
	if (out == NULL)
		return CF_ERR_NOMEM;
	rc = crypto_record_seal_into(kr, c, ad, plain, plain_len, out, crypto_record_sealed_size(plain_len));
	if (rc != CF_OK) {
		free(out);
		return rc;
	}
	*blob = out;
	*blob_len = crypto_record_sealed_size(plain_len);
	return CF_OK;
}

int
crypto_record_info(const uint8_t *blob, size_t blob_len, enum cf_compartment *c, uint32_t *key_id)
{
	if (blob == NULL || blob_len < CF_RECORD_OVERHEAD || blob_len - CF_RECORD_OVERHEAD > CF_RECORD_MAX_PLAIN ||
	    (blob[OFF_VERSION] != CF_RECORD_BLOB_VERSION && blob[OFF_VERSION] != CF_RECORD_BLOB_VERSION_2 &&
	     blob[OFF_VERSION] != CF_RECORD_BLOB_VERSION_1) ||
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
 * memory, NUL-terminated on success, wiped on failure); *plain_len gets the
 * plaintext's length (without a version-3 blob's padding).
 */
static int
record_open_into(const struct cf_keyring *kr, enum cf_compartment c, const struct cf_record_ad *ad,
	const uint8_t *blob, size_t blob_len, uint8_t *out, size_t *plain_len)
{
	uint8_t ad_buf[AD_MAX];
	size_t ad_len, n = blob_len - CF_RECORD_OVERHEAD;
	uint32_t key_id = crypto_get_u32(blob + OFF_KEY_ID);

	ad_len = record_ad(ad, blob[OFF_VERSION], c, key_id, ad_buf);
	if (ad_len == 0)
		return CF_ERR_INVALID;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, blob + OFF_CT, blob_len - OFF_CT,
			ad_buf, ad_len, blob + OFF_NONCE, kr->keys[c]) != 0) {
		sodium_memzero(out, n + 1);
		return CF_ERR_DAMAGED;
	}
	if (blob[OFF_VERSION] == CF_RECORD_BLOB_VERSION) {
		/* authentic, so only a bug could have written bad padding: refused all the same */
		while (n > 0 && out[n - 1] == 0)
			n--;
		if (n == 0 || out[n - 1] != 0x80 || blob_len - CF_RECORD_OVERHEAD != crypto_record_padded_size(n - 1)) {
			sodium_memzero(out, blob_len - CF_RECORD_OVERHEAD + 1);
			return CF_ERR_DAMAGED;
		}
		n--;
		out[n] = 0;
	}
	out[n] = '\0';
	*plain_len = n;
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
	rc = record_open_into(kr, c, ad, blob, blob_len, out, plain_len);
	if (rc != CF_OK) {
		sodium_free(out);
		return rc;
	}
	*plain = (char *)out;
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
	return record_open_into(kr, c, ad, blob, blob_len, out, plain_len);
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
	rc = record_open_into(kr, c, ad, blob, blob_len, out, plain_len);
	if (rc != CF_OK)
		return rc;
	*plain = (char *)out;
	return CF_OK;
}
