/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Passphrase keyslots: pinned Argon2id vector, roundtrip, wrong passphrase, bounds, every bit flip, calibration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "carefile/crypto.h"
#include "carefile/crypto_testing.h"

/*
 * Argon2id calls in this file (each ~0.75 s at 256 MiB, 3 passes on the CI
 * machine): pinned vector 1, seal 1, open 1, wrong passphrase 1, cached KEK 1,
 * real-KDF flip sample 8 (one at 7 passes), calibration 1: about 16 units.
 */

static const uint8_t file_id[CF_FILE_ID_BYTES] = "0123456789abcdef";
static const uint8_t other_file_id[CF_FILE_ID_BYTES] = "0123456789abcdeF";

/* Offsets in the keyslot blob (crypto.h). */
#define OFF_OPS 4
#define OFF_MEM 12
#define OFF_SALT 20
#define OFF_NONCE 36
#define OFF_SUM 288

struct fixture {
	struct cf_keyring *kr;
	char *pass;         /* secure memory */
	size_t pass_len;
	char *wrong;
	size_t wrong_len;
	uint8_t *blob;
	size_t len;
	uint8_t *kek;       /* secure memory, derived once */
	struct cf_keyslot_ad ad;
};

static struct fixture fx;

static char *
secure_str(const char *s, size_t *len)
{
	char *p = crypto_secure_alloc(strlen(s) + 1);

	assert_non_null(p);
	memcpy(p, s, strlen(s) + 1);
	*len = strlen(s);
	return p;
}

static int
setup(void **state)
{
	struct cf_kdf_params floor;

	(void)state;
	if (crypto_init() != CF_OK)
		return -1;
	memset(&fx, 0, sizeof(fx));
	fx.ad.format_version = 1;
	fx.ad.file_id = file_id;
	fx.ad.slot_id = "wang.fang";
	fx.pass = secure_str("correct horse 电池 staple", &fx.pass_len);
	fx.wrong = secure_str("correct horse 电池 stapler", &fx.wrong_len);
	fx.kek = crypto_secure_alloc(CF_KEK_BYTES);
	crypto_kdf_params_floor(&floor);
	if (crypto_keyring_generate(CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY) |
			CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL), &fx.kr) != CF_OK)
		return -1;
	if (crypto_keyslot_seal_passphrase(fx.kr, fx.pass, fx.pass_len, &floor, &fx.ad, &fx.blob, &fx.len) != CF_OK)
		return -1;
	/* The one derivation the cheap bit-flip path reuses. */
	if (crypto_testing_keyslot_kek(fx.blob, fx.len, fx.pass, fx.pass_len, fx.kek) != CF_OK)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	crypto_keyring_free(&fx.kr);
	crypto_secure_free(fx.pass);
	crypto_secure_free(fx.wrong);
	crypto_secure_free(fx.kek);
	free(fx.blob);
	return 0;
}

static void
put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Same keys as fx.kr: a record sealed by one opens with the other. */
static void
assert_same_keys(const struct cf_keyring *a, const struct cf_keyring *b)
{
	static const uint8_t row[CF_UUID_BYTES] = "row-uuid-0000001";
	static const uint8_t bound[] = "bound columns";
	struct cf_record_ad rad = { 1, file_id, "student", "name", row, bound, sizeof bound, false };
	uint8_t *blob = NULL, pa[32], pb[32], ma[32], mb[32];
	size_t len = 0, plen;
	char *plain = NULL;

	assert_int_equal(crypto_keyring_mask(a), crypto_keyring_mask(b));
	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++) {
		enum cf_compartment comp = (enum cf_compartment)c;

		assert_int_equal(crypto_keyring_key_id(a, comp), crypto_keyring_key_id(b, comp));
		if (!crypto_keyring_has(a, comp))
			continue;
		assert_int_equal(crypto_record_seal(a, comp, &rad, "x", 1, &blob, &len), CF_OK);
		assert_int_equal(crypto_record_open(b, comp, &rad, blob, len, &plain, &plen), CF_OK);
		assert_string_equal(plain, "x");
		crypto_secure_free(plain);
		free(blob);
	}
	assert_int_equal(crypto_keyring_public_key(a, pa), CF_OK);
	assert_int_equal(crypto_keyring_public_key(b, pb), CF_OK);
	assert_memory_equal(pa, pb, 32);
	assert_int_equal(crypto_header_mac(a, "hdr", 3, ma), CF_OK);
	assert_int_equal(crypto_header_mac(b, "hdr", 3, mb), CF_OK);
	assert_memory_equal(ma, mb, 32);
}

/*
 * Our own pinned output at the product's floor (256 MiB, 3 passes, 1 lane):
 * computed once with libsodium 1.0.18 and kept here so that any change of
 * KDF behaviour (library, parameters, encoding of the inputs) is caught.
 * The independent reference-implementation vector is in test_crypto.c; the
 * RFC 9106 §5.3 vector needs a secret and associated data, which libsodium's
 * crypto_pwhash cannot take.
 */
static void
test_argon2id_pinned_floor(void **state)
{
	uint8_t salt[CF_SALT_BYTES], out[32];
	char hex[65];

	(void)state;
	for (int i = 0; i < CF_SALT_BYTES; i++)
		salt[i] = (uint8_t)i;
	assert_int_equal(crypto_testing_argon2id(out, sizeof(out), "carefile pinned vector", 22, salt, CF_KDF_OPS_MIN,
		CF_KDF_MEM_MIN), CF_OK);
	assert_int_equal(crypto_hex_encode(out, sizeof(out), hex, sizeof(hex)), CF_OK);
	assert_string_equal(hex, "0daffa444ab6308ac6b96c067018941b405f3f73c06c4e0a77867056004d7746");
}

static void
test_roundtrip_and_wrong_passphrase(void **state)
{
	struct cf_keyring *back = NULL;
	struct cf_kdf_params p;
	int kind;

	(void)state;
	assert_int_equal(fx.len, CF_KEYSLOT_BLOB_BYTES);
	assert_int_equal(fx.blob[0], CF_KEYSLOT_BLOB_VERSION);
	assert_int_equal(crypto_keyslot_info(fx.blob, fx.len, &kind, &p), CF_OK);
	assert_int_equal(kind, CF_KEYSLOT_KIND_PASSPHRASE);
	assert_int_equal(p.opslimit, CF_KDF_OPS_MIN);
	assert_int_equal(p.memlimit_bytes, CF_KDF_MEM_MIN);

	assert_int_equal(crypto_keyslot_open_passphrase(fx.blob, fx.len, fx.pass, fx.pass_len, &fx.ad, &back), CF_OK);
	assert_same_keys(fx.kr, back);
	crypto_keyring_free(&back);

	assert_int_equal(crypto_keyslot_open_passphrase(fx.blob, fx.len, fx.wrong, fx.wrong_len, &fx.ad, &back),
		CF_ERR_AUTH);
	assert_null(back);
}

/* With the right KEK but another file, user or format version, the slot does not open. */
static void
test_slot_bound_to_ad(void **state)
{
	struct cf_keyring *back = NULL;
	struct cf_keyslot_ad ad = fx.ad;

	(void)state;
	assert_int_equal(crypto_testing_keyslot_open_kek(fx.blob, fx.len, fx.kek, &ad, &back), CF_OK);
	assert_same_keys(fx.kr, back);
	crypto_keyring_free(&back);
	ad.slot_id = "wang.fang2";
	assert_int_equal(crypto_testing_keyslot_open_kek(fx.blob, fx.len, fx.kek, &ad, &back), CF_ERR_AUTH);
	ad = fx.ad;
	ad.file_id = other_file_id;
	assert_int_equal(crypto_testing_keyslot_open_kek(fx.blob, fx.len, fx.kek, &ad, &back), CF_ERR_AUTH);
	ad = fx.ad;
	ad.format_version = 2;
	assert_int_equal(crypto_testing_keyslot_open_kek(fx.blob, fx.len, fx.kek, &ad, &back), CF_ERR_AUTH);
	ad = fx.ad;
	ad.slot_id = "";
	assert_int_equal(crypto_testing_keyslot_open_kek(fx.blob, fx.len, fx.kek, &ad, &back), CF_ERR_INVALID);
	assert_null(back);
}

/* Parameters out of bounds are refused before any derivation, on seal and on open. */
static void
test_params_bounds(void **state)
{
	static const struct cf_kdf_params bad[] = {
		{ 2, CF_KDF_MEM_MIN },                            /* below the pass floor */
		{ 0, CF_KDF_MEM_MIN },
		{ CF_KDF_OPS_MAX + 1, CF_KDF_MEM_MIN },           /* above the pass ceiling */
		{ UINT64_MAX, CF_KDF_MEM_MIN },
		{ 3, CF_KDF_MEM_MIN - 1024 },                     /* below the memory floor */
		{ 3, 64ull * 1024 * 1024 },
		{ 3, 0 },
		{ 3, CF_KDF_MEM_MAX + 1024 },                     /* above the memory ceiling */
		{ 3, UINT64_MAX - 1023 },
		{ 3, CF_KDF_MEM_MIN + 1 },                        /* not whole KiB */
		/* wider than calibration can produce (the review's 64 passes, 4 GiB, 512 MiB) */
		{ 17, CF_KDF_MEM_MIN },
		{ 64, CF_KDF_MEM_MIN },
		{ 3, 4ull * 1024 * 1024 * 1024 },
		{ 3, 512ull * 1024 * 1024 },
	};
	struct cf_kdf_params ok = { CF_KDF_OPS_MAX, CF_KDF_MEM_MAX };
	unsigned long before = crypto_testing_kdf_calls();
	struct cf_keyring *back = NULL;
	uint8_t *blob = NULL, *forged;
	size_t len = 0;

	(void)state;
	assert_int_equal(crypto_kdf_params_check(&ok), CF_OK);
	assert_int_equal(crypto_kdf_params_check(NULL), CF_ERR_KDF_PARAMS);
	forged = malloc(fx.len);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(crypto_kdf_params_check(&bad[i]), CF_ERR_KDF_PARAMS);
		assert_int_equal(crypto_keyslot_seal_passphrase(fx.kr, fx.pass, fx.pass_len, &bad[i], &fx.ad, &blob, &len),
			CF_ERR_KDF_PARAMS);
		assert_null(blob);
		/* A slot whose stored parameters were rewritten (checksum made consistent). */
		memcpy(forged, fx.blob, fx.len);
		put_u64(forged + OFF_OPS, bad[i].opslimit);
		put_u64(forged + OFF_MEM, bad[i].memlimit_bytes);
		crypto_testing_keyslot_fix_checksum(forged, fx.len);
		assert_int_equal(crypto_keyslot_open_passphrase(forged, fx.len, fx.pass, fx.pass_len, &fx.ad, &back),
			CF_ERR_KDF_PARAMS);
		assert_null(back);
	}
	free(forged);
	assert_int_equal(crypto_testing_kdf_calls(), before);
}

static void
test_truncated_and_malformed(void **state)
{
	unsigned long before = crypto_testing_kdf_calls();
	struct cf_keyring *back = NULL;
	uint8_t *longer = calloc(1, fx.len + 1);
	int kind;

	(void)state;
	for (size_t n = 0; n < fx.len; n++)
		assert_int_equal(crypto_keyslot_open_passphrase(fx.blob, n, fx.pass, fx.pass_len, &fx.ad, &back),
			CF_ERR_DAMAGED);
	memcpy(longer, fx.blob, fx.len);
	assert_int_equal(crypto_keyslot_open_passphrase(longer, fx.len + 1, fx.pass, fx.pass_len, &fx.ad, &back),
		CF_ERR_DAMAGED);
	assert_int_equal(crypto_keyslot_open_passphrase(NULL, 0, fx.pass, fx.pass_len, &fx.ad, &back), CF_ERR_DAMAGED);
	/* Unknown version, a version that does not match the length, and unknown kind, even with a consistent checksum. */
	for (uint8_t v = 0; v < 4; v++) {
		if (v == CF_KEYSLOT_BLOB_VERSION)
			continue;
		longer[0] = v;
		crypto_testing_keyslot_fix_checksum(longer, fx.len);
		assert_int_equal(crypto_keyslot_info(longer, fx.len, &kind, NULL), CF_ERR_DAMAGED);
		assert_int_equal(crypto_keyslot_open_passphrase(longer, fx.len, fx.pass, fx.pass_len, &fx.ad, &back),
			CF_ERR_DAMAGED);
	}
	longer[0] = CF_KEYSLOT_BLOB_VERSION;
	longer[1] = 3;
	crypto_testing_keyslot_fix_checksum(longer, fx.len);
	assert_int_equal(crypto_keyslot_open_passphrase(longer, fx.len, fx.pass, fx.pass_len, &fx.ad, &back),
		CF_ERR_DAMAGED);
	assert_null(back);
	free(longer);
	assert_int_equal(crypto_testing_kdf_calls(), before);
}

/*
 * Every single-bit flip of the slot is detected. All 2560 bits with the
 * cached KEK: first as found on disk (checksum catches it: DAMAGED, before
 * any KDF), then with the checksum recomputed as a forger would (the AEAD or
 * a bounds check catches it). Then 8 bits of the salt and parameters with
 * the real KDF, since those change the KEK itself.
 */
static void
test_every_bit_flip(void **state)
{
	unsigned long before = crypto_testing_kdf_calls();
	struct cf_keyring *back = NULL;
	uint8_t *b = malloc(fx.len);
	size_t auth = 0, damaged = 0, params = 0;

	(void)state;
	memcpy(b, fx.blob, fx.len);
	for (size_t bit = 0; bit < fx.len * 8; bit++) {
		int rc;

		b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(crypto_testing_keyslot_open_kek(b, fx.len, fx.kek, &fx.ad, &back), CF_ERR_DAMAGED);
		assert_int_equal(crypto_keyslot_open_passphrase(b, fx.len, fx.pass, fx.pass_len, &fx.ad, &back),
			CF_ERR_DAMAGED);
		if (bit < OFF_SUM * 8) {
			crypto_testing_keyslot_fix_checksum(b, fx.len);
			rc = crypto_testing_keyslot_open_kek(b, fx.len, fx.kek, &fx.ad, &back);
			assert_null(back);
			if (bit >= OFF_NONCE * 8)
				assert_int_equal(rc, CF_ERR_AUTH);   /* nonce, ciphertext, tag */
			else if (bit >= OFF_SALT * 8)
				assert_int_equal(rc, CF_ERR_AUTH);   /* salt: bound in the AD */
			else
				assert_true(rc == CF_ERR_DAMAGED || rc == CF_ERR_KDF_PARAMS || rc == CF_ERR_AUTH);
			auth += rc == CF_ERR_AUTH;
			damaged += rc == CF_ERR_DAMAGED;
			params += rc == CF_ERR_KDF_PARAMS;
		}
		memcpy(b, fx.blob, fx.len);
	}
	assert_int_equal(auth + damaged + params, OFF_SUM * 8);
	assert_true(params > 0 && damaged > 0);
	/* None of that ran the KDF. */
	assert_int_equal(crypto_testing_kdf_calls(), before);

	/* Real derivations for a sample of salt and parameter bits that stay in bounds. */
	{
		static const size_t sample[] = {
			OFF_SALT * 8 + 0, OFF_SALT * 8 + 37, OFF_SALT * 8 + 64, OFF_SALT * 8 + 101, OFF_SALT * 8 + 127,
			/* memory stays at exactly 256 MiB (any other value is out of bounds, refused above) */
			OFF_OPS * 8 + 2,    /* 3 -> 7 passes */
			OFF_OPS * 8 + 3,    /* 3 -> 11 passes */
		};

		for (size_t i = 0; i < sizeof(sample) / sizeof(sample[0]); i++) {
			b[sample[i] / 8] ^= (uint8_t)(1u << (sample[i] % 8));
			crypto_testing_keyslot_fix_checksum(b, fx.len);
			assert_int_equal(crypto_keyslot_open_passphrase(b, fx.len, fx.pass, fx.pass_len, &fx.ad, &back),
				CF_ERR_AUTH);
			assert_null(back);
			memcpy(b, fx.blob, fx.len);
		}
		assert_int_equal(crypto_testing_kdf_calls(), before + sizeof(sample) / sizeof(sample[0]));
	}
	free(b);
}

static void
test_calibrate(void **state)
{
	struct cf_kdf_params p;
	struct timespec t0, t1;
	double secs;

	(void)state;
	assert_int_equal(crypto_kdf_calibrate(0, &p), CF_OK);
	assert_int_equal(p.opslimit, CF_KDF_OPS_MIN);
	assert_int_equal(p.memlimit_bytes, CF_KDF_MEM_MIN);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(crypto_kdf_calibrate(1.0, &p), CF_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_int_equal(crypto_kdf_params_check(&p), CF_OK);
	assert_int_equal(p.memlimit_bytes, CF_KDF_MEM_MIN);
	assert_true(p.opslimit >= CF_KDF_OPS_MIN && p.opslimit <= CF_KDF_OPS_CALIBRATE_MAX);
	/* One timed derivation at the floor, not a search: a few seconds at most even under a sanitizer. */
	assert_true(secs < 10.0);
}

/* A keyring from a slot can seal a slot for another user with fewer compartments. */
static void
test_subset_for_new_user(void **state)
{
	struct cf_keyring *sub = NULL, *back = NULL;

	(void)state;
	assert_int_equal(crypto_testing_keyslot_open_kek(fx.blob, fx.len, fx.kek, &fx.ad, &back), CF_OK);
	assert_int_equal(crypto_keyring_subset(back, CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE), &sub),
		CF_ERR_PERMISSION);
	assert_int_equal(crypto_keyring_subset(back, CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY), &sub), CF_OK);
	assert_int_equal(crypto_keyring_mask(sub), CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY));
	crypto_keyring_free(&sub);
	crypto_keyring_free(&back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argon2id_pinned_floor),
		cmocka_unit_test(test_roundtrip_and_wrong_passphrase),
		cmocka_unit_test(test_slot_bound_to_ad),
		cmocka_unit_test(test_params_bounds),
		cmocka_unit_test(test_truncated_and_malformed),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_calibrate),
		cmocka_unit_test(test_subset_for_new_user),
	};

	return cmocka_run_group_tests_name("crypto_keyslot", tests, setup, teardown);
}
