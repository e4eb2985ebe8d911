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
#define AD_DOMAIN_DROP "carefile record v4"
#define DROP_KEY_DOMAIN "carefile drop v1"
#define OFF_EPH 6
#define OFF_DROP_CT (OFF_EPH + crypto_box_PUBLICKEYBYTES)
#define PAD_MIN 64u
#define PAD_STEP (16u * 1024)
#define AD_MAX (4 + sizeof(AD_DOMAIN) + 8 + 5 + 8 + 4 + CF_FILE_ID_BYTES + 2 * (4 + CF_AD_NAME_MAX) + 4 + CF_UUID_BYTES + \
                4 + CF_RECORD_BOUND_MAX)

_Static_assert(OFF_CT - OFF_NONCE == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce size");
_Static_assert(CF_RECORD_OVERHEAD == CF_RECORD_HEADER_BYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES,
	"record overhead");
_Static_assert(CF_RECORD_DROP_OVERHEAD == OFF_DROP_CT + crypto_aead_xchacha20poly1305_ietf_ABYTES, "drop overhead");
_Static_assert(CF_PUBLIC_KEY_BYTES == crypto_box_PUBLICKEYBYTES, "drop key size");

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
	else if (version == CF_RECORD_BLOB_VERSION_DROP)
		crypto_ad_field(&b, AD_DOMAIN_DROP, strlen(AD_DOMAIN_DROP));
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
	     blob[OFF_VERSION] != CF_RECORD_BLOB_VERSION_1 && blob[OFF_VERSION] != CF_RECORD_BLOB_VERSION_DROP) ||
	    (blob[OFF_VERSION] == CF_RECORD_BLOB_VERSION_DROP && blob_len < CF_RECORD_DROP_OVERHEAD) ||
	    blob[OFF_COMP] >= CF_COMPARTMENT__COUNT)
		return CF_ERR_DAMAGED;
	if (c != NULL)
		*c = (enum cf_compartment)blob[OFF_COMP];
	if (key_id != NULL)
		*key_id = crypto_get_u32(blob + OFF_KEY_ID);
	return CF_OK;
}

/* ---- the drop box (blob version 4) ---- */

static const char drop_context[crypto_kdf_CONTEXTBYTES] = { 'c', 'f', 'd', 'r', 'o', 'p', 'b', 'x' };

/* Drop key pair of key (compartment key at key_id): pk, and sk (secure memory) when not NULL. */
static int
drop_keypair(const uint8_t key[CF_KEY_BYTES], uint32_t key_id, uint8_t pk[crypto_box_PUBLICKEYBYTES], uint8_t *sk)
{
	uint8_t *mem = crypto_sodium_malloc(crypto_box_SEEDBYTES + crypto_box_SECRETKEYBYTES);

	if (mem == NULL)
		return CF_ERR_NOMEM;
	crypto_kdf_derive_from_key(mem, crypto_box_SEEDBYTES, key_id, drop_context, key);
	crypto_box_seed_keypair(pk, mem + crypto_box_SEEDBYTES, mem);
	if (sk != NULL)
		memcpy(sk, mem + crypto_box_SEEDBYTES, crypto_box_SECRETKEYBYTES);
	sodium_free(mem);
	return CF_OK;
}

/* The one-use AEAD key of a drop: keyed BLAKE2b-256 of the shared secret and both public keys. */
static void
drop_aead_key(const uint8_t *shared, const uint8_t *eph_pk, const uint8_t *drop_pk, uint8_t *key)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, (const unsigned char *)DROP_KEY_DOMAIN, strlen(DROP_KEY_DOMAIN), CF_KEY_BYTES);
	crypto_generichash_update(&st, shared, crypto_scalarmult_BYTES);
	crypto_generichash_update(&st, eph_pk, crypto_box_PUBLICKEYBYTES);
	crypto_generichash_update(&st, drop_pk, crypto_box_PUBLICKEYBYTES);
	crypto_generichash_final(&st, key, CF_KEY_BYTES);
	sodium_memzero(&st, sizeof st);
}

int
crypto_drop_public_key(const struct cf_keyring *kr, enum cf_compartment c, uint32_t *key_id,
	uint8_t pk[CF_PUBLIC_KEY_BYTES])
{
	if (kr == NULL || key_id == NULL || pk == NULL || (unsigned int)c >= CF_COMPARTMENT__COUNT)
		return CF_ERR_INVALID;
	if (!crypto_keyring_has(kr, c))
		return CF_ERR_PERMISSION;
	*key_id = kr->key_ids[c];
	return drop_keypair(kr->keys[c], kr->key_ids[c], pk, NULL);
}

size_t
crypto_record_dropped_size(size_t plain_len)
{
	return crypto_record_padded_size(plain_len) + CF_RECORD_DROP_OVERHEAD;
}

int
crypto_record_drop_into(enum cf_compartment c, uint32_t key_id, const uint8_t pk[CF_PUBLIC_KEY_BYTES],
	const struct cf_record_ad *ad, const void *plain, size_t plain_len, uint8_t *out, size_t out_size)
{
	static const uint8_t zero_nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	uint8_t ad_buf[AD_MAX];
	size_t ad_len, padded;
	uint8_t *mem, *eph_sk, *shared, *key, *p;
	int rc = CF_OK;

	if (pk == NULL || out == NULL || (unsigned int)c >= CF_COMPARTMENT__COUNT || key_id == 0 ||
	    (plain == NULL && plain_len > 0) || plain_len > CF_RECORD_MAX_PLAIN ||
	    out_size < crypto_record_dropped_size(plain_len))
		return CF_ERR_INVALID;
	ad_len = record_ad(ad, CF_RECORD_BLOB_VERSION_DROP, c, key_id, ad_buf);
	if (ad_len == 0)
		return CF_ERR_INVALID;
	padded = crypto_record_padded_size(plain_len);
	p = scratch_get(padded);
	mem = crypto_sodium_malloc(crypto_box_SECRETKEYBYTES + crypto_scalarmult_BYTES + CF_KEY_BYTES);
	if (p == NULL || mem == NULL) {
		if (mem != NULL)
			sodium_free(mem);
		return CF_ERR_NOMEM;
	}
	eph_sk = mem;
	shared = eph_sk + crypto_box_SECRETKEYBYTES;
	key = shared + crypto_scalarmult_BYTES;
	out[OFF_VERSION] = CF_RECORD_BLOB_VERSION_DROP;
	out[OFF_COMP] = (uint8_t)c;
	crypto_put_u32(out + OFF_KEY_ID, key_id);
	crypto_box_keypair(out + OFF_EPH, eph_sk);
	/* a public key of small order gives an all-zero secret: refused */
	if (crypto_scalarmult(shared, eph_sk, pk) != 0) {
		rc = CF_ERR_INVALID;
	} else {
		drop_aead_key(shared, out + OFF_EPH, pk, key);
		if (plain_len > 0)
			memcpy(p, plain, plain_len);
		p[plain_len] = 0x80;
		memset(p + plain_len + 1, 0, padded - plain_len - 1);
		crypto_aead_xchacha20poly1305_ietf_encrypt(out + OFF_DROP_CT, NULL, p, padded, ad_buf, ad_len, NULL,
			zero_nonce, key);
		sodium_memzero(p, padded);
	}
	sodium_free(mem);
	return rc;
}

/* Opens the AEAD of a version-4 blob into out with the drop key pair of kr's key of c (key id checked by the caller). */
static int
drop_open(const struct cf_keyring *kr, enum cf_compartment c, uint32_t key_id, const uint8_t *blob, size_t blob_len,
	const uint8_t *ad_buf, size_t ad_len, uint8_t *out)
{
	static const uint8_t zero_nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	uint8_t pk[crypto_box_PUBLICKEYBYTES];
	uint8_t *mem = crypto_sodium_malloc(crypto_box_SECRETKEYBYTES + crypto_scalarmult_BYTES + CF_KEY_BYTES);
	uint8_t *sk, *shared, *key;
	int rc;

	if (mem == NULL)
		return CF_ERR_NOMEM;
	sk = mem;
	shared = sk + crypto_box_SECRETKEYBYTES;
	key = shared + crypto_scalarmult_BYTES;
	rc = drop_keypair(kr->keys[c], key_id, pk, sk);
	if (rc == CF_OK && crypto_scalarmult(shared, sk, blob + OFF_EPH) != 0)
		rc = CF_ERR_DAMAGED;
	if (rc == CF_OK) {
		drop_aead_key(shared, blob + OFF_EPH, pk, key);
		if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, blob + OFF_DROP_CT, blob_len - OFF_DROP_CT,
				ad_buf, ad_len, zero_nonce, key) != 0)
			rc = CF_ERR_DAMAGED;
	}
	sodium_free(mem);
	return rc;
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
	bool dropped = blob[OFF_VERSION] == CF_RECORD_BLOB_VERSION_DROP;
	size_t ad_len, body = blob_len - (dropped ? CF_RECORD_DROP_OVERHEAD : CF_RECORD_OVERHEAD), n = body;
	uint32_t key_id = crypto_get_u32(blob + OFF_KEY_ID);
	int rc;

	ad_len = record_ad(ad, blob[OFF_VERSION], c, key_id, ad_buf);
	if (ad_len == 0)
		return CF_ERR_INVALID;
	if (dropped)
		rc = drop_open(kr, c, key_id, blob, blob_len, ad_buf, ad_len, out);
	else
		rc = crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, blob + OFF_CT, blob_len - OFF_CT,
			ad_buf, ad_len, blob + OFF_NONCE, kr->keys[c]) == 0 ? CF_OK : CF_ERR_DAMAGED;
	if (rc != CF_OK) {
		sodium_memzero(out, n + 1);
		return rc;
	}
	if (blob[OFF_VERSION] == CF_RECORD_BLOB_VERSION || dropped) {
		/* authentic, so only a bug could have written bad padding: refused all the same */
		while (n > 0 && out[n - 1] == 0)
			n--;
		if (n == 0 || out[n - 1] != 0x80 || body != crypto_record_padded_size(n - 1)) {
			sodium_memzero(out, body + 1);
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
