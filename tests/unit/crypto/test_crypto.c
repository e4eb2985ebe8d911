/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Crypto layer: known-answer vectors, secure memory, keyrings, header MAC, records, recovery key, grants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "carefile/crypto.h"
#include "carefile/crypto_testing.h"

/* Whether needle occurs in hay (memmem is a GNU extension). */
static int
contains(const uint8_t *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return 1;
	return 0;
}

static void
unhex(const char *hex, uint8_t *out, size_t len)
{
	assert_int_equal(strlen(hex), 2 * len);
	assert_int_equal(crypto_hex_decode(hex, out, len), CF_OK);
}

static void
assert_hex_equal(const uint8_t *got, size_t len, const char *want)
{
	char buf[1024];

	assert_true(2 * len + 1 <= sizeof(buf));
	assert_int_equal(crypto_hex_encode(got, len, buf, sizeof(buf)), CF_OK);
	assert_string_equal(buf, want);
}

static int
setup(void **state)
{
	(void)state;
	return crypto_init() == CF_OK ? 0 : -1;
}

/* ------------------------------------------------------ known answers */

/*
 * AEAD_XChaCha20_Poly1305 example, draft-irtf-cfrg-xchacha-03, Appendix A.3.1
 * (https://datatracker.ietf.org/doc/html/draft-irtf-cfrg-xchacha-03#appendix-A.3.1).
 */
static const char xc_plain[] = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
	"for the future, sunscreen would be it.";
static const char xc_aad[] = "50515253c0c1c2c3c4c5c6c7";
static const char xc_key[] = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
static const char xc_nonce[] = "404142434445464748494a4b4c4d4e4f5051525354555657";
static const char xc_ct[] =
	"bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
	"731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
	"2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
	"21f9664c97637da9768812f615c68b13b52e";
static const char xc_tag[] = "c0875924c1c7987947deafd8780acf49";

static void
test_xchacha_kat(void **state)
{
	uint8_t aad[12], key[32], nonce[24], out[114 + 16], back[114], ct[114], tag[16];
	size_t n = strlen(xc_plain);

	(void)state;
	assert_int_equal(n, 114);
	unhex(xc_aad, aad, sizeof(aad));
	unhex(xc_key, key, sizeof(key));
	unhex(xc_nonce, nonce, sizeof(nonce));
	unhex(xc_ct, ct, sizeof(ct));
	unhex(xc_tag, tag, sizeof(tag));

	assert_int_equal(crypto_testing_xchacha_encrypt(out, xc_plain, n, aad, sizeof(aad), nonce, key), CF_OK);
	assert_memory_equal(out, ct, sizeof(ct));
	assert_memory_equal(out + 114, tag, sizeof(tag));

	memset(back, 0, sizeof(back));
	assert_int_equal(crypto_testing_xchacha_decrypt(back, out, sizeof(out), aad, sizeof(aad), nonce, key), CF_OK);
	assert_memory_equal(back, xc_plain, n);

	/* Invalid tag. */
	out[114 + 15] ^= 0x01;
	assert_int_equal(crypto_testing_xchacha_decrypt(back, out, sizeof(out), aad, sizeof(aad), nonce, key),
		CF_ERR_DAMAGED);
	out[114 + 15] ^= 0x01;
	/* Wrong nonce: first and last byte (HChaCha20 part and ChaCha20 part). */
	nonce[0] ^= 0x01;
	assert_int_equal(crypto_testing_xchacha_decrypt(back, out, sizeof(out), aad, sizeof(aad), nonce, key),
		CF_ERR_DAMAGED);
	nonce[0] ^= 0x01;
	nonce[23] ^= 0x80;
	assert_int_equal(crypto_testing_xchacha_decrypt(back, out, sizeof(out), aad, sizeof(aad), nonce, key),
		CF_ERR_DAMAGED);
	nonce[23] ^= 0x80;
	/* Wrong associated data: altered, shortened, missing. */
	aad[0] ^= 0x01;
	assert_int_equal(crypto_testing_xchacha_decrypt(back, out, sizeof(out), aad, sizeof(aad), nonce, key),
		CF_ERR_DAMAGED);
	aad[0] ^= 0x01;
	assert_int_equal(crypto_testing_xchacha_decrypt(back, out, sizeof(out), aad, sizeof(aad) - 1, nonce, key),
		CF_ERR_DAMAGED);
	assert_int_equal(crypto_testing_xchacha_decrypt(back, out, sizeof(out), NULL, 0, nonce, key), CF_ERR_DAMAGED);
	/* Ciphertext bit. */
	out[50] ^= 0x04;
	assert_int_equal(crypto_testing_xchacha_decrypt(back, out, sizeof(out), aad, sizeof(aad), nonce, key),
		CF_ERR_DAMAGED);
	out[50] ^= 0x04;
	/* And it still opens when everything is put back. */
	assert_int_equal(crypto_testing_xchacha_decrypt(back, out, sizeof(out), aad, sizeof(aad), nonce, key), CF_OK);
}

/*
 * Keyed BLAKE2b-512, key 00 01 .. 3f, input 00 01 .. (n-1): the BLAKE2 reference
 * test vectors, testvectors/blake2b-kat.txt in https://github.com/BLAKE2/BLAKE2
 * (entries for in = "", "00", "000102..1e").
 */
static void
test_blake2b_keyed_kat(void **state)
{
	static const struct {
		size_t in_len;
		const char *hash;
	} kat[] = {
		{ 0, "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786"
		     "b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568" },
		{ 1, "961f6dd1e4dd30f63901690c512e78e4b45e4742ed197c3c5e45c549fd25f2e4"
		     "187b0bc9fe30492b16b0d0bc4ef9b0f34c7003fac09a5ef1532e69430234cebd" },
		{ 2, "da2cfbe2d8409a0f38026113884f84b50156371ae304c4430173d08a99d9fb1b"
		     "983164a3770706d537f49e0c916d9f32b95cc37a95b99d857436f0232c88a965" },
		{ 31, "eba51acffb4cea31db4b8d87e9bf7dd48fe97b0253ae67aa580f9ac4a9d941f2"
		      "bea518ee286818cc9f633f2a3b9fb68e594b48cdd6d515bf1d52ba6c85a203a7" },
	};
	uint8_t key[64], in[64], out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = in[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		assert_int_equal(crypto_testing_blake2b(out, 64, in, kat[i].in_len, key, 64), CF_OK);
		assert_hex_equal(out, 64, kat[i].hash);
	}
	/* The key matters. */
	key[0] ^= 1;
	assert_int_equal(crypto_testing_blake2b(out, 64, in, 0, key, 64), CF_OK);
	assert_memory_not_equal(out, "\x10\xeb\xb6\x77", 4);
}

/* SHA-256("abc"), FIPS 180-2 Appendix B.1. */
static void
test_sha256_kat(void **state)
{
	uint8_t out[CF_HASH_BYTES];

	(void)state;
	crypto_sha256("abc", 3, out);
	assert_hex_equal(out, sizeof(out), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	crypto_hash_blake2b("abc", 3, out);
	/* BLAKE2b-256 of "abc" (the unkeyed 32-byte variant of RFC 7693's example input). */
	assert_hex_equal(out, sizeof(out), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

/*
 * Argon2id v1.3 with 1 lane, computed by the reference implementation's CLI
 * (phc-winner-argon2: echo -n "123" | ./argon2 ABCDEFGHIJKLMNOP -id -v 13 -k 1024 -t 5),
 * as published in iov-one/iov-core packages/iov-crypto/src/libsodium.spec.ts.
 * An implementation independent of libsodium; small memory so it is fast. The
 * product's floor-sized pinned vector is in test_crypto_keyslot.c.
 */
static void
test_argon2id_reference_vector(void **state)
{
	uint8_t out[32];

	(void)state;
	assert_int_equal(crypto_testing_argon2id(out, sizeof(out), "123", 3, (const uint8_t *)"ABCDEFGHIJKLMNOP",
		5, 1024 * 1024), CF_OK);
	assert_hex_equal(out, sizeof(out), "3c5d010180ba0cf5b6b858cba23b318e42d33088983c404598599c3b029ecac6");
	assert_int_equal(crypto_testing_argon2id(out, sizeof(out), "123", 3, (const uint8_t *)"ABCDEFGHIJKLMNOP",
		2, 8 * 1024 * 1024), CF_OK);
	assert_hex_equal(out, sizeof(out), "3ee950488d26ce691657b1d753f562139857b61a58f234d6cb0ce84c4cc27328");
}

/* RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72): Ed25519 as the directory and accounts sign. */
static void
test_ed25519_rfc8032(void **state)
{
	static const struct {
		const char *seed, *pk, *msg, *sig;
	} v[] = {
		{ "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
		  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
		  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
		{ "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
		  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
		  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint8_t seed[32], pk[32], sig[64], msg[1];
		size_t mlen = strlen(v[i].msg) / 2;

		assert_int_equal(crypto_hex_decode(v[i].seed, seed, 32), CF_OK);
		if (mlen)
			assert_int_equal(crypto_hex_decode(v[i].msg, msg, mlen), CF_OK);
		assert_int_equal(crypto_testing_ed25519_sign(seed, msg, mlen, pk, sig), CF_OK);
		assert_hex_equal(pk, 32, v[i].pk);
		assert_hex_equal(sig, 64, v[i].sig);
		assert_int_equal(crypto_signature_verify(pk, msg, mlen, sig), CF_OK);
		sig[63] ^= 0x40;
		assert_int_equal(crypto_signature_verify(pk, msg, mlen, sig), CF_ERR_DAMAGED);
	}
}

/* ------------------------------------------------------- secure memory */

static void
test_secure_alloc(void **state)
{
	uint8_t *p;

	(void)state;
	assert_null(crypto_secure_alloc(0));
	p = crypto_secure_alloc(64);
	assert_non_null(p);
	assert_true(((uintptr_t)p & 15u) == 0);
	for (size_t i = 0; i < 64; i++)
		assert_int_equal(p[i], 0);
	memset(p, 0xaa, 64);
	crypto_wipe(p, 64);
	for (size_t i = 0; i < 64; i++)
		assert_int_equal(p[i], 0);
	crypto_secure_free(p);
	crypto_secure_free(NULL);
	crypto_wipe(NULL, 0);
	assert_int_equal(crypto_memcmp("abcd", "abcd", 4), 0);
	assert_int_equal(crypto_memcmp("abcd", "abce", 4), -1);
}

static void
test_arena(void **state)
{
	struct cf_secure_arena *a = NULL;
	char *first, *s, *big;
	char buf[32];

	(void)state;
	assert_int_equal(crypto_arena_new(64 * 1024, &a), CF_OK);
	assert_int_equal(crypto_arena_chunks(a), 0);
	first = crypto_arena_strdup(a, "张三");
	assert_string_equal(first, "张三");
	/* 10,000 small strings share a few chunks: no sodium_malloc per item. */
	for (int i = 0; i < 10000; i++) {
		snprintf(buf, sizeof(buf), "student %05d", i);
		s = crypto_arena_strdup(a, buf);
		assert_non_null(s);
		assert_string_equal(s, buf);
		assert_true(((uintptr_t)s & 7u) == 0);
	}
	assert_true(crypto_arena_chunks(a) <= 4);
	assert_string_equal(first, "张三");
	/* An oversized item gets its own chunk and the current chunk keeps serving. */
	big = crypto_arena_alloc(a, 200 * 1024);
	assert_non_null(big);
	memset(big, 'x', 200 * 1024);
	s = crypto_arena_memdup(a, "abc\0def", 7);
	assert_memory_equal(s, "abc\0def", 8);
	assert_null(crypto_arena_alloc(a, 0));
	assert_true(crypto_arena_used(a) >= 10000 * 14 + 200 * 1024);
	crypto_arena_reset(a);
	assert_int_equal(crypto_arena_used(a), 0);
	assert_int_equal(crypto_arena_chunks(a), 1);
	s = crypto_arena_strdup(a, "after reset");
	assert_string_equal(s, "after reset");
	crypto_arena_free(&a);
	assert_null(a);
	crypto_arena_free(&a);
	crypto_arena_free(NULL);
}

/* ---------------------------------------------------------- ids, hex */

static void
test_uuid(void **state)
{
	uint8_t u[CF_UUID_BYTES], v[CF_UUID_BYTES];
	char text[CF_UUID_TEXT_SIZE];

	(void)state;
	crypto_random_uuid(u);
	crypto_random_uuid(v);
	assert_memory_not_equal(u, v, CF_UUID_BYTES);
	assert_int_equal(u[6] >> 4, 4);
	assert_int_equal(u[8] >> 6, 2);
	crypto_uuid_format(u, text);
	assert_int_equal(strlen(text), 36);
	assert_int_equal(text[14], '4');
	assert_int_equal(crypto_uuid_parse(text, v), CF_OK);
	assert_memory_equal(u, v, CF_UUID_BYTES);

	assert_int_equal(crypto_uuid_parse("00112233-4455-6677-8899-AABBCCDDEEFF", v), CF_OK);
	crypto_uuid_format(v, text);
	assert_string_equal(text, "00112233-4455-6677-8899-aabbccddeeff");
	assert_int_equal(crypto_uuid_parse("00112233-4455-6677-8899-aabbccddeef", v), CF_ERR_INVALID);
	assert_int_equal(crypto_uuid_parse("00112233x4455-6677-8899-aabbccddeeff", v), CF_ERR_INVALID);
	assert_int_equal(crypto_uuid_parse("0011223g-4455-6677-8899-aabbccddeeff", v), CF_ERR_INVALID);
	assert_int_equal(crypto_uuid_parse(NULL, v), CF_ERR_INVALID);
}

static void
test_hex(void **state)
{
	uint8_t b[3];
	char s[7];

	(void)state;
	assert_int_equal(crypto_hex_encode("\x01\xab\xff", 3, s, sizeof(s)), CF_OK);
	assert_string_equal(s, "01abff");
	assert_int_equal(crypto_hex_encode("\x01\xab\xff", 3, s, 6), CF_ERR_INVALID);
	assert_string_equal(s, "");
	assert_int_equal(crypto_hex_decode("01ABff", b, 3), CF_OK);
	assert_memory_equal(b, "\x01\xab\xff", 3);
	assert_int_equal(crypto_hex_decode("01ABf", b, 3), CF_ERR_INVALID);
	assert_int_equal(crypto_hex_decode("01ABfg", b, 3), CF_ERR_INVALID);
}

/* -------------------------------------------------------- compartments */

static void
test_compartment_names(void **state)
{
	enum cf_compartment c;

	(void)state;
	assert_string_equal(crypto_compartment_name(CF_COMPARTMENT_IDENTITY), "identity");
	assert_string_equal(crypto_compartment_name(CF_COMPARTMENT_CLINICAL), "clinical");
	assert_string_equal(crypto_compartment_name(CF_COMPARTMENT_HOTLINE), "hotline");
	assert_string_equal(crypto_compartment_name(CF_COMPARTMENT_DIRECTORY), "directory");
	assert_null(crypto_compartment_name(CF_COMPARTMENT__COUNT));
	assert_int_equal(CF_COMPARTMENT_MASK_ALL, 0xf);
	for (int i = 0; i < CF_COMPARTMENT__COUNT; i++) {
		assert_int_equal(crypto_compartment_from_name(crypto_compartment_name((enum cf_compartment)i), &c), CF_OK);
		assert_int_equal(c, i);
	}
	assert_int_equal(crypto_compartment_from_name("Clinical", &c), CF_ERR_INVALID);
	assert_int_equal(crypto_compartment_from_name("", &c), CF_ERR_INVALID);
}

/* ------------------------------------------------------------ keyring */

static const uint8_t file_id[CF_FILE_ID_BYTES] = "0123456789abcdef";
static const uint8_t other_file_id[CF_FILE_ID_BYTES] = "0123456789abcdeF";
static const uint8_t row1[CF_UUID_BYTES] = "row-uuid-0000001";
static const uint8_t row2[CF_UUID_BYTES] = "row-uuid-0000002";

static void
test_keyring(void **state)
{
	struct cf_keyring *all = NULL, *sub = NULL, *copy = NULL;
	uint8_t pk1[32], pk2[32], pk3[32];

	(void)state;
	assert_int_equal(crypto_keyring_generate(0x10, &all), CF_ERR_INVALID);
	assert_null(all);
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &all), CF_OK);
	assert_int_equal(crypto_keyring_mask(all), CF_COMPARTMENT_MASK_ALL);
	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++) {
		assert_true(crypto_keyring_has(all, (enum cf_compartment)c));
		assert_int_equal(crypto_keyring_key_id(all, (enum cf_compartment)c), 1);
	}
	assert_false(crypto_keyring_has(all, CF_COMPARTMENT__COUNT));
	assert_false(crypto_keyring_has(NULL, CF_COMPARTMENT_IDENTITY));

	assert_int_equal(crypto_keyring_subset(all, CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE), &sub), CF_OK);
	assert_int_equal(crypto_keyring_mask(sub), CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE));
	assert_false(crypto_keyring_has(sub, CF_COMPARTMENT_CLINICAL));
	assert_int_equal(crypto_keyring_key_id(sub, CF_COMPARTMENT_CLINICAL), 0);
	/* A fresh key pair for the other user. */
	assert_int_equal(crypto_keyring_public_key(all, pk1), CF_OK);
	assert_int_equal(crypto_keyring_public_key(sub, pk2), CF_OK);
	assert_memory_not_equal(pk1, pk2, 32);

	/* Granting requires holding. */
	crypto_keyring_free(&all);
	assert_null(all);
	assert_int_equal(crypto_keyring_subset(sub, CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL), &all),
		CF_ERR_PERMISSION);
	assert_null(all);

	assert_int_equal(crypto_keyring_copy(sub, &copy), CF_OK);
	assert_int_equal(crypto_keyring_public_key(copy, pk3), CF_OK);
	assert_memory_equal(pk2, pk3, 32);
	assert_int_equal(crypto_keyring_rotate(copy, CF_COMPARTMENT_HOTLINE), CF_OK);
	assert_int_equal(crypto_keyring_key_id(copy, CF_COMPARTMENT_HOTLINE), 2);
	assert_int_equal(crypto_keyring_key_id(sub, CF_COMPARTMENT_HOTLINE), 1);
	assert_int_equal(crypto_keyring_rotate(copy, CF_COMPARTMENT_CLINICAL), CF_ERR_PERMISSION);
	crypto_keyring_drop(copy, CF_COMPARTMENT_MASK_ALL);
	assert_int_equal(crypto_keyring_mask(copy), 0);
	crypto_keyring_free(&copy);
	crypto_keyring_free(&sub);
	crypto_keyring_free(&sub);
	crypto_keyring_free(NULL);
}

/* --------------------------------------------------------- header MAC */

static void
test_header_mac(void **state)
{
	struct cf_keyring *kr = NULL, *sub = NULL, *other = NULL;
	uint8_t data[64], mac[CF_MAC_BYTES], mac2[CF_MAC_BYTES];

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &kr), CF_OK);
	assert_int_equal(crypto_keyring_subset(kr, 0, &sub), CF_OK);
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &other), CF_OK);

	assert_int_equal(crypto_header_mac(kr, data, sizeof(data), mac), CF_OK);
	assert_int_equal(crypto_header_mac_verify(kr, data, sizeof(data), mac), CF_OK);
	/* Any keyslot of the file (same file key) checks it, even one without compartments. */
	assert_int_equal(crypto_header_mac(sub, data, sizeof(data), mac2), CF_OK);
	assert_memory_equal(mac, mac2, sizeof(mac));
	assert_int_equal(crypto_header_mac_verify(sub, data, sizeof(data), mac), CF_OK);
	/* Another file's key does not. */
	assert_int_equal(crypto_header_mac_verify(other, data, sizeof(data), mac), CF_ERR_DAMAGED);
	/* Every bit of the data and of the MAC. */
	for (size_t bit = 0; bit < sizeof(data) * 8; bit++) {
		data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(crypto_header_mac_verify(kr, data, sizeof(data), mac), CF_ERR_DAMAGED);
		data[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	for (size_t bit = 0; bit < sizeof(mac) * 8; bit++) {
		mac[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(crypto_header_mac_verify(kr, data, sizeof(data), mac), CF_ERR_DAMAGED);
		mac[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	/* Truncation changes it too. */
	assert_int_equal(crypto_header_mac_verify(kr, data, sizeof(data) - 1, mac), CF_ERR_DAMAGED);
	assert_int_equal(crypto_header_mac_verify(kr, data, sizeof(data), mac), CF_OK);
	crypto_keyring_free(&kr);
	crypto_keyring_free(&sub);
	crypto_keyring_free(&other);
}

/* ------------------------------------------------------------ records */

/* The plaintext columns a record binds (record_bound() serialises a row's; any bytes do for the crypto layer). */
static const uint8_t bound_a[] = "cf cols v1 version=1 status=0";
static const uint8_t bound_b[] = "cf cols v1 version=2 status=0";

static struct cf_record_ad
ad_for(const uint8_t *fid, const char *table, const char *column, const uint8_t *row)
{
	struct cf_record_ad ad = { 1, fid, table, column, row, bound_a, sizeof bound_a, false };

	return ad;
}

/* The drop box: sealed with the public key alone, opened by holders of the compartment's current key only. */
static void
test_record_drop_box(void **state)
{
	struct cf_keyring *kr = NULL, *other = NULL, *hot = NULL, *old = NULL;
	struct cf_record_ad ad = ad_for(file_id, "call_alert", "record", row1);
	struct cf_record_ad moved = ad_for(file_id, "call_alert", "record", row2);
	static const char alert[] = "来电者说今晚想结束生命: callback 13800000000";
	uint8_t pk[CF_PUBLIC_KEY_BYTES], pk2[CF_PUBLIC_KEY_BYTES], low[CF_PUBLIC_KEY_BYTES] = { 0 };
	uint8_t blob[512], blob2[512], copy[512];
	size_t len = crypto_record_dropped_size(strlen(alert)), plen = 0;
	uint32_t kid = 0, kid2 = 0, bkid = 0;
	char *plain = NULL;
	enum cf_compartment c;

	(void)state;
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &kr), CF_OK);
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &other), CF_OK);
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE), &hot), CF_OK);
	assert_int_equal(crypto_keyring_subset(kr, CF_COMPARTMENT_MASK_ALL, &old), CF_OK);
	assert_int_equal(crypto_drop_public_key(hot, CF_COMPARTMENT_CLINICAL, &kid, pk), CF_ERR_PERMISSION);
	assert_int_equal(crypto_drop_public_key(kr, CF_COMPARTMENT_CLINICAL, &kid, pk), CF_OK);
	assert_int_equal(kid, 1);
	/* derived, so every holder publishes the same key; another compartment, another key */
	assert_int_equal(crypto_drop_public_key(old, CF_COMPARTMENT_CLINICAL, &kid2, pk2), CF_OK);
	assert_memory_equal(pk, pk2, sizeof pk);
	assert_int_equal(crypto_drop_public_key(kr, CF_COMPARTMENT_IDENTITY, &kid2, pk2), CF_OK);
	assert_memory_not_equal(pk, pk2, sizeof pk);

	assert_int_equal(len, 64 + CF_RECORD_DROP_OVERHEAD);
	assert_int_equal(crypto_record_drop_into(CF_COMPARTMENT_CLINICAL, kid, pk, &ad, alert, strlen(alert), blob,
		len - 1), CF_ERR_INVALID);
	assert_int_equal(crypto_record_drop_into(CF_COMPARTMENT_CLINICAL, kid, low, &ad, alert, strlen(alert), blob,
		len), CF_ERR_INVALID);
	assert_int_equal(crypto_record_drop_into(CF_COMPARTMENT_CLINICAL, kid, pk, &ad, alert, strlen(alert), blob,
		len), CF_OK);
	assert_int_equal(blob[0], CF_RECORD_BLOB_VERSION_DROP);
	assert_false(contains(blob, len, "13800000000"));
	assert_int_equal(crypto_record_info(blob, len, &c, &bkid), CF_OK);
	assert_int_equal(c, CF_COMPARTMENT_CLINICAL);
	assert_int_equal(bkid, 1);
	/* the holder opens it like any record */
	assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_CLINICAL, &ad, blob, len, &plain, &plen), CF_OK);
	assert_int_equal(plen, strlen(alert));
	assert_string_equal(plain, alert);
	crypto_secure_free(plain);
	/* fresh ephemeral key: same text, other bytes */
	assert_int_equal(crypto_record_drop_into(CF_COMPARTMENT_CLINICAL, kid, pk, &ad, alert, strlen(alert), blob2,
		len), CF_OK);
	assert_memory_not_equal(blob + 6, blob2 + 6, len - 6);
	/* the writer (hotline) cannot read it back; another file's keys cannot either */
	assert_int_equal(crypto_record_open(hot, CF_COMPARTMENT_CLINICAL, &ad, blob, len, &plain, &plen),
		CF_ERR_PERMISSION);
	assert_int_equal(crypto_record_open(other, CF_COMPARTMENT_CLINICAL, &ad, blob, len, &plain, &plen),
		CF_ERR_DAMAGED);
	/* moved to another row, or read as another compartment */
	assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_CLINICAL, &moved, blob, len, &plain, &plen),
		CF_ERR_DAMAGED);
	assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_IDENTITY, &ad, blob, len, &plain, &plen),
		CF_ERR_DAMAGED);
	/* every bit of it counts */
	for (size_t bit = 0; bit < len * 8; bit++) {
		memcpy(copy, blob, len);
		copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_not_equal(crypto_record_open(kr, CF_COMPARTMENT_CLINICAL, &ad, copy, len, &plain, &plen),
			CF_OK);
	}
	for (size_t n = 0; n < len; n++)
		assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_CLINICAL, &ad, blob, n, &plain, &plen),
			CF_ERR_DAMAGED);
	/* after a rotation, the old key id no longer opens: the rotation re-seals what was dropped */
	assert_int_equal(crypto_keyring_rotate(kr, CF_COMPARTMENT_CLINICAL), CF_OK);
	assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_CLINICAL, &ad, blob, len, &plain, &plen),
		CF_ERR_DAMAGED);
	assert_int_equal(crypto_record_open(old, CF_COMPARTMENT_CLINICAL, &ad, blob, len, &plain, &plen), CF_OK);
	assert_string_equal(plain, alert);
	crypto_secure_free(plain);
	plain = NULL;
	assert_int_equal(crypto_drop_public_key(kr, CF_COMPARTMENT_CLINICAL, &kid2, pk2), CF_OK);
	assert_int_equal(kid2, 2);
	assert_memory_not_equal(pk, pk2, sizeof pk);
	assert_null(plain);
	crypto_keyring_free(&kr);
	crypto_keyring_free(&other);
	crypto_keyring_free(&hot);
	crypto_keyring_free(&old);
}

static void
test_record_roundtrip(void **state)
{
	struct cf_keyring *kr = NULL;
	struct cf_record_ad ad = ad_for(file_id, "session", "note", row1);
	static const char note[] = "会谈记录: the student talked about exams";
	uint8_t *b1 = NULL, *b2 = NULL;
	size_t l1 = 0, l2 = 0, plen = 0;
	char *plain = NULL;
	enum cf_compartment c;
	uint32_t kid;

	(void)state;
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &kr), CF_OK);
	assert_int_equal(crypto_record_seal(kr, CF_COMPARTMENT_CLINICAL, &ad, note, strlen(note), &b1, &l1), CF_OK);
	assert_int_equal(l1, 64 + CF_RECORD_OVERHEAD); /* 45 bytes + the 0x80: the 64-byte bucket */
	assert_int_equal(l1, crypto_record_sealed_size(strlen(note)));
	assert_int_equal(b1[0], 3);
	assert_int_equal(b1[1], CF_COMPARTMENT_CLINICAL);
	assert_false(contains(b1, l1, "exams"));
	assert_int_equal(crypto_record_info(b1, l1, &c, &kid), CF_OK);
	assert_int_equal(c, CF_COMPARTMENT_CLINICAL);
	assert_int_equal(kid, 1);
	assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_CLINICAL, &ad, b1, l1, &plain, &plen), CF_OK);
	assert_int_equal(plen, strlen(note));
	assert_string_equal(plain, note);
	crypto_secure_free(plain);

	/* A fresh nonce every time: same plaintext, different blobs. */
	assert_int_equal(crypto_record_seal(kr, CF_COMPARTMENT_CLINICAL, &ad, note, strlen(note), &b2, &l2), CF_OK);
	assert_int_equal(l1, l2);
	assert_memory_not_equal(b1 + 6, b2 + 6, 24);
	assert_memory_not_equal(b1 + 30, b2 + 30, l1 - 30);
	free(b2);

	/* Empty plaintext. */
	assert_int_equal(crypto_record_seal(kr, CF_COMPARTMENT_IDENTITY, &ad, NULL, 0, &b2, &l2), CF_OK);
	assert_int_equal(l2, 64 + CF_RECORD_OVERHEAD);
	assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_IDENTITY, &ad, b2, l2, &plain, &plen), CF_OK);
	assert_int_equal(plen, 0);
	assert_string_equal(plain, "");
	crypto_secure_free(plain);
	free(b2);

	/* Truncated or extended blobs. */
	for (size_t n = 0; n < l1; n++)
		assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_CLINICAL, &ad, b1, n, &plain, &plen),
			CF_ERR_DAMAGED);
	assert_null(plain);
	free(b1);
	crypto_keyring_free(&kr);
}

/*
 * Padding (trust issue, item 6): a ciphertext's length tells only the size
 * bucket, so names of 1 to 63 bytes give blobs of one length; the buckets'
 * boundaries; a padded blob relabelled as the unpadded version 2 opens with
 * neither AD.
 */
static void
test_record_padding(void **state)
{
	struct cf_keyring *kr = NULL;
	struct cf_record_ad ad = ad_for(file_id, "student", "data", row1);
	char text[40000];
	uint8_t *b = NULL;
	size_t l = 0, plen = 0;
	char *plain = NULL;
	static const struct {
		size_t plain, padded;
	} buckets[] = {
		{ 0, 64 }, { 63, 64 }, { 64, 128 }, { 127, 128 }, { 128, 256 }, { 1000, 1024 }, { 16383, 16384 },
		{ 16384, 32768 }, { 32767, 32768 }, { 32768, 49152 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof buckets / sizeof buckets[0]; i++)
		assert_int_equal(crypto_record_padded_size(buckets[i].plain), buckets[i].padded);
	memset(text, 'x', sizeof text);
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &kr), CF_OK);
	for (size_t n = 1; n < 64; n++) {
		assert_int_equal(crypto_record_seal(kr, CF_COMPARTMENT_IDENTITY, &ad, text, n, &b, &l), CF_OK);
		assert_int_equal(l, 64 + CF_RECORD_OVERHEAD);
		assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_IDENTITY, &ad, b, l, &plain, &plen), CF_OK);
		assert_int_equal(plen, n);
		assert_int_equal(plain[n], '\0');
		crypto_secure_free(plain);
		free(b);
	}
	assert_int_equal(crypto_record_seal(kr, CF_COMPARTMENT_IDENTITY, &ad, text, 33000, &b, &l), CF_OK);
	assert_int_equal(l, 49152 + CF_RECORD_OVERHEAD);
	assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_IDENTITY, &ad, b, l, &plain, &plen), CF_OK);
	assert_int_equal(plen, 33000);
	crypto_secure_free(plain);
	b[0] = 2;
	assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_IDENTITY, &ad, b, l, &plain, &plen), CF_ERR_DAMAGED);
	assert_null(plain);
	free(b);
	crypto_keyring_free(&kr);
}

static void
test_record_moved(void **state)
{
	struct cf_keyring *kr = NULL, *other = NULL, *rot = NULL;
	struct cf_record_ad ad = ad_for(file_id, "student", "name", row1);
	struct cf_record_ad moved[] = {
		ad_for(file_id, "student", "name", row2),          /* another row */
		ad_for(file_id, "student", "guardian", row1),      /* another column */
		ad_for(file_id, "guardian", "name", row1),         /* another table */
		ad_for(other_file_id, "student", "name", row1),    /* another case file */
		ad_for(file_id, "studentname", "", row1),           /* shifted boundary (invalid) */
		ad_for(file_id, "studen", "tname", row1),          /* shifted boundary */
	};
	struct cf_record_ad newer = ad;
	uint8_t *b = NULL, *b2 = NULL;
	size_t l = 0, l2 = 0, plen;
	char *plain = NULL;

	(void)state;
	newer.format_version = 2;
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &kr), CF_OK);
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &other), CF_OK);
	assert_int_equal(crypto_record_seal(kr, CF_COMPARTMENT_IDENTITY, &ad, "张三", strlen("张三"), &b, &l), CF_OK);
	for (size_t i = 0; i < sizeof(moved) / sizeof(moved[0]); i++) {
		int rc = crypto_record_open(kr, CF_COMPARTMENT_IDENTITY, &moved[i], b, l, &plain, &plen);

		assert_int_equal(rc, i == 4 ? CF_ERR_INVALID : CF_ERR_DAMAGED);
		assert_null(plain);
	}
	assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_IDENTITY, &newer, b, l, &plain, &plen), CF_ERR_DAMAGED);
	/* Other plaintext columns (a status edited, an older version put back) */
	{
		struct cf_record_ad cols = ad;

		cols.bound = bound_b;
		assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_IDENTITY, &cols, b, l, &plain, &plen), CF_ERR_DAMAGED);
		cols.bound_len = sizeof bound_a - 1;
		cols.bound = bound_a;
		assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_IDENTITY, &cols, b, l, &plain, &plen), CF_ERR_DAMAGED);
		/* without its columns a record cannot be sealed or opened */
		cols.bound = NULL;
		assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_IDENTITY, &cols, b, l, &plain, &plen), CF_ERR_INVALID);
		/* a version-2 blob relabelled as version 1 opens with neither AD, accepted or not */
		cols = ad;
		cols.accept_v1 = true;
		b[0] = CF_RECORD_BLOB_VERSION_1;
		assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_IDENTITY, &cols, b, l, &plain, &plen), CF_ERR_DAMAGED);
		assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_IDENTITY, &ad, b, l, &plain, &plen), CF_ERR_DAMAGED);
		b[0] = CF_RECORD_BLOB_VERSION;
		assert_null(plain);
	}
	/* Another compartment, another file's keys. */
	assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_CLINICAL, &ad, b, l, &plain, &plen), CF_ERR_DAMAGED);
	assert_int_equal(crypto_record_open(other, CF_COMPARTMENT_IDENTITY, &ad, b, l, &plain, &plen), CF_ERR_DAMAGED);
	/* Another key id: a rotated keyring does not open the old record... */
	assert_int_equal(crypto_keyring_copy(kr, &rot), CF_OK);
	assert_int_equal(crypto_keyring_rotate(rot, CF_COMPARTMENT_IDENTITY), CF_OK);
	assert_int_equal(crypto_record_open(rot, CF_COMPARTMENT_IDENTITY, &ad, b, l, &plain, &plen), CF_ERR_DAMAGED);
	/* ...and a key id rewritten in the blob does not pass the AD either. */
	assert_int_equal(crypto_record_seal(rot, CF_COMPARTMENT_IDENTITY, &ad, "x", 1, &b2, &l2), CF_OK);
	assert_int_equal(b2[2], 2);
	b2[2] = 1;
	assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_IDENTITY, &ad, b2, l2, &plain, &plen), CF_ERR_DAMAGED);
	b2[2] = 2;
	assert_int_equal(crypto_record_open(rot, CF_COMPARTMENT_IDENTITY, &ad, b2, l2, &plain, &plen), CF_OK);
	assert_string_equal(plain, "x");
	crypto_secure_free(plain);
	/* Still opens where it belongs. */
	assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_IDENTITY, &ad, b, l, &plain, &plen), CF_OK);
	assert_string_equal(plain, "张三");
	crypto_secure_free(plain);
	free(b);
	free(b2);
	crypto_keyring_free(&kr);
	crypto_keyring_free(&other);
	crypto_keyring_free(&rot);
}

static void
test_record_bit_flips(void **state)
{
	struct cf_keyring *kr = NULL;
	struct cf_record_ad ad = ad_for(file_id, "alert", "reason", row1);
	uint8_t *b = NULL;
	size_t l = 0, plen;
	char *plain = NULL;
	static const char reason[] = "PHQ-9 item 9 = 2";

	(void)state;
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &kr), CF_OK);
	assert_int_equal(crypto_record_seal(kr, CF_COMPARTMENT_CLINICAL, &ad, reason, strlen(reason), &b, &l), CF_OK);
	for (size_t bit = 0; bit < l * 8; bit++) {
		b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_CLINICAL, &ad, b, l, &plain, &plen),
			CF_ERR_DAMAGED);
		assert_null(plain);
		b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_CLINICAL, &ad, b, l, &plain, &plen), CF_OK);
	assert_string_equal(plain, reason);
	crypto_secure_free(plain);
	free(b);
	crypto_keyring_free(&kr);
}

static void
test_record_permission(void **state)
{
	struct cf_keyring *kr = NULL, *hotline = NULL;
	struct cf_record_ad ad = ad_for(file_id, "session", "note", row1);
	uint8_t *b = NULL;
	size_t l = 0, plen;
	char *plain = NULL;

	(void)state;
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &kr), CF_OK);
	assert_int_equal(crypto_keyring_subset(kr, CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE), &hotline), CF_OK);
	assert_int_equal(crypto_record_seal(kr, CF_COMPARTMENT_CLINICAL, &ad, "note", 4, &b, &l), CF_OK);
	/* Hotline staff cannot decrypt session notes, nor write them. */
	assert_int_equal(crypto_record_open(hotline, CF_COMPARTMENT_CLINICAL, &ad, b, l, &plain, &plen),
		CF_ERR_PERMISSION);
	assert_null(plain);
	free(b);
	b = NULL;
	assert_int_equal(crypto_record_seal(hotline, CF_COMPARTMENT_CLINICAL, &ad, "note", 4, &b, &l),
		CF_ERR_PERMISSION);
	assert_null(b);
	/* But what it holds works across keyrings of the same file. */
	assert_int_equal(crypto_record_seal(hotline, CF_COMPARTMENT_HOTLINE, &ad, "call", 4, &b, &l), CF_OK);
	assert_int_equal(crypto_record_open(kr, CF_COMPARTMENT_HOTLINE, &ad, b, l, &plain, &plen), CF_OK);
	assert_string_equal(plain, "call");
	crypto_secure_free(plain);
	free(b);
	/* Bad arguments. */
	assert_int_equal(crypto_record_seal(kr, CF_COMPARTMENT__COUNT, &ad, "x", 1, &b, &l), CF_ERR_INVALID);
	ad.table = "";
	assert_int_equal(crypto_record_seal(kr, CF_COMPARTMENT_CLINICAL, &ad, "x", 1, &b, &l), CF_ERR_INVALID);
	ad.table = NULL;
	assert_int_equal(crypto_record_seal(kr, CF_COMPARTMENT_CLINICAL, &ad, "x", 1, &b, &l), CF_ERR_INVALID);
	crypto_keyring_free(&kr);
	crypto_keyring_free(&hotline);
}

static void
test_record_arena(void **state)
{
	struct cf_keyring *kr = NULL;
	struct cf_secure_arena *arena = NULL;
	struct cf_record_ad ad = ad_for(file_id, "student", "name", row1);
	uint8_t *b = NULL;
	size_t l = 0, plen;
	char *a1 = NULL, *a2 = NULL;

	(void)state;
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &kr), CF_OK);
	assert_int_equal(crypto_arena_new(0, &arena), CF_OK);
	assert_int_equal(crypto_record_seal(kr, CF_COMPARTMENT_IDENTITY, &ad, "李四", strlen("李四"), &b, &l), CF_OK);
	assert_int_equal(crypto_record_open_arena(kr, CF_COMPARTMENT_IDENTITY, &ad, b, l, arena, &a1, &plen), CF_OK);
	assert_int_equal(crypto_record_open_arena(kr, CF_COMPARTMENT_IDENTITY, &ad, b, l, arena, &a2, &plen), CF_OK);
	assert_string_equal(a1, "李四");
	assert_string_equal(a2, "李四");
	assert_ptr_not_equal(a1, a2);
	assert_int_equal(crypto_arena_chunks(arena), 1);
	b[l - 1] ^= 1;
	assert_int_equal(crypto_record_open_arena(kr, CF_COMPARTMENT_IDENTITY, &ad, b, l, arena, &a2, &plen),
		CF_ERR_DAMAGED);
	assert_null(a2);
	free(b);
	crypto_arena_free(&arena);
	crypto_keyring_free(&kr);
}

/* -------------------------------------------------------- blind index */

static void
test_blind_index(void **state)
{
	struct cf_keyring *kr = NULL, *other = NULL, *sub = NULL;
	uint8_t a[32], b[32];

	(void)state;
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &kr), CF_OK);
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &other), CF_OK);
	assert_int_equal(crypto_keyring_subset(kr, CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY), &sub), CF_OK);
	assert_int_equal(crypto_blind_index(kr, CF_COMPARTMENT_IDENTITY, "student.number", "20240101", 8, a), CF_OK);
	assert_int_equal(crypto_blind_index(sub, CF_COMPARTMENT_IDENTITY, "student.number", "20240101", 8, b), CF_OK);
	assert_memory_equal(a, b, 32);
	assert_int_equal(crypto_blind_index(kr, CF_COMPARTMENT_IDENTITY, "student.numbe", "r20240101", 9, b), CF_OK);
	assert_memory_not_equal(a, b, 32);
	assert_int_equal(crypto_blind_index(kr, CF_COMPARTMENT_IDENTITY, "student.number", "20240102", 8, b), CF_OK);
	assert_memory_not_equal(a, b, 32);
	assert_int_equal(crypto_blind_index(other, CF_COMPARTMENT_IDENTITY, "student.number", "20240101", 8, b), CF_OK);
	assert_memory_not_equal(a, b, 32);
	assert_int_equal(crypto_blind_index(sub, CF_COMPARTMENT_CLINICAL, "x", "1", 1, b), CF_ERR_PERMISSION);
	assert_int_equal(crypto_blind_index(kr, CF_COMPARTMENT_IDENTITY, "", "1", 1, b), CF_ERR_INVALID);
	crypto_keyring_free(&kr);
	crypto_keyring_free(&other);
	crypto_keyring_free(&sub);
}

/* ------------------------------------------------------- recovery key */

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static char *
format_key(const struct cf_recovery_key *rk)
{
	char *text = crypto_secure_alloc(CF_RECOVERY_TEXT_SIZE);

	assert_non_null(text);
	assert_int_equal(crypto_recovery_key_format(rk, text, CF_RECOVERY_TEXT_SIZE), CF_OK);
	return text;
}

static void
assert_same_key(const struct cf_recovery_key *a, const struct cf_recovery_key *b)
{
	char *ta = format_key(a), *tb = format_key(b);

	assert_string_equal(ta, tb);
	crypto_secure_free(ta);
	crypto_secure_free(tb);
}

static void
test_recovery_format_parse(void **state)
{
	struct cf_recovery_key *rk = NULL, *back = NULL;
	char *text, *alt;
	size_t bad = 99, n = 0;

	(void)state;
	assert_int_equal(crypto_recovery_key_generate(&rk), CF_OK);
	text = format_key(rk);
	assert_int_equal(strlen(text), CF_RECOVERY_TEXT_LEN);
	for (size_t i = 0; i < CF_RECOVERY_TEXT_LEN; i++) {
		if (i % 6 == 5)
			assert_int_equal(text[i], '-');
		else
			assert_non_null(strchr(crockford, text[i]));
	}
	assert_int_equal(crypto_recovery_key_parse(text, strlen(text), &back, &bad), CF_OK);
	assert_same_key(rk, back);
	crypto_recovery_key_free(&back);
	assert_null(back);

	/* Lower case, spaces instead of dashes, surrounding blanks. */
	alt = crypto_secure_alloc(256);
	alt[n++] = ' ';
	for (size_t i = 0; i < CF_RECOVERY_TEXT_LEN; i++) {
		char ch = text[i];

		if (ch == '-')
			ch = ' ';
		else if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		alt[n++] = ch;
	}
	alt[n++] = '\n';
	assert_int_equal(crypto_recovery_key_parse(alt, n, &back, &bad), CF_OK);
	assert_same_key(rk, back);
	crypto_recovery_key_free(&back);

	/* No separators at all; Crockford's I, L and O read as 1, 1, 0. */
	n = 0;
	for (size_t i = 0; i < CF_RECOVERY_TEXT_LEN; i++) {
		char ch = text[i];

		if (ch == '-')
			continue;
		if (ch == '1')
			ch = (n % 2) ? 'l' : 'I';
		else if (ch == '0')
			ch = 'o';
		alt[n++] = ch;
	}
	assert_int_equal(crypto_recovery_key_parse(alt, n, &back, &bad), CF_OK);
	assert_same_key(rk, back);
	crypto_recovery_key_free(&back);

	/* Another key reads differently. */
	assert_int_equal(crypto_recovery_key_generate(&back), CF_OK);
	alt[0] = '\0';
	{
		char *t2 = format_key(back);

		assert_string_not_equal(text, t2);
		crypto_secure_free(t2);
	}
	crypto_recovery_key_free(&back);
	assert_int_equal(crypto_recovery_key_format(rk, alt, CF_RECOVERY_TEXT_SIZE - 1), CF_ERR_INVALID);
	crypto_secure_free(alt);
	crypto_secure_free(text);
	crypto_recovery_key_free(&rk);
	crypto_recovery_key_free(&rk);
}

/* Every single-character substitution anywhere is caught, and its group is the one reported. */
static void
test_recovery_typos(void **state)
{
	struct cf_recovery_key *rk = NULL, *back = NULL;
	char *text;
	size_t bad, checked = 0;

	(void)state;
	for (int round = 0; round < 3; round++) {
		assert_int_equal(crypto_recovery_key_generate(&rk), CF_OK);
		text = format_key(rk);
		for (size_t i = 0; i < CF_RECOVERY_TEXT_LEN; i++) {
			char orig = text[i];

			if (orig == '-')
				continue;
			for (size_t k = 0; k < 32; k++) {
				if (crockford[k] == orig)
					continue;
				text[i] = crockford[k];
				bad = 99;
				assert_int_equal(crypto_recovery_key_parse(text, CF_RECOVERY_TEXT_LEN, &back, &bad),
					CF_ERR_RECOVERY_KEY);
				assert_null(back);
				assert_int_equal(bad, i / 6);
				checked++;
			}
			/* A character outside the alphabet. */
			text[i] = 'U';
			assert_int_equal(crypto_recovery_key_parse(text, CF_RECOVERY_TEXT_LEN, &back, &bad),
				CF_ERR_RECOVERY_KEY);
			assert_int_equal(bad, i / 6);
			text[i] = orig;
		}
		/* Swapping two neighbouring different data characters. */
		for (size_t g = 0; g < CF_RECOVERY_GROUPS; g++) {
			for (size_t j = 0; j < 3; j++) {
				size_t i = g * 6 + j;
				char t = text[i];

				if (text[i] == text[i + 1])
					continue;
				text[i] = text[i + 1];
				text[i + 1] = t;
				assert_int_equal(crypto_recovery_key_parse(text, CF_RECOVERY_TEXT_LEN, &back, &bad),
					CF_ERR_RECOVERY_KEY);
				assert_int_equal(bad, g);
				text[i + 1] = text[i];
				text[i] = t;
			}
		}
		assert_int_equal(crypto_recovery_key_parse(text, CF_RECOVERY_TEXT_LEN, &back, &bad), CF_OK);
		crypto_recovery_key_free(&back);
		crypto_secure_free(text);
		crypto_recovery_key_free(&rk);
	}
	assert_int_equal(checked, 3 * 65 * 31);
}

/* A character left out of or added to group g (with dashes): group g is reported, whatever its check says. */
static void
check_missing_and_extra_char(const char *text, char *alt)
{
	struct cf_recovery_key *back = NULL;
	size_t bad;

	for (size_t g = 0; g < CF_RECOVERY_GROUPS; g++) {
		size_t drop = g * 6 + 2, n = 0;

		for (size_t i = 0; i < CF_RECOVERY_TEXT_LEN; i++)
			if (i != drop)
				alt[n++] = text[i];
		bad = 99;
		assert_int_equal(crypto_recovery_key_parse(alt, n, &back, &bad), CF_ERR_RECOVERY_KEY);
		assert_int_equal(bad, g);
		n = 0;
		for (size_t i = 0; i < CF_RECOVERY_TEXT_LEN; i++) {
			alt[n++] = text[i];
			if (i == drop)
				alt[n++] = 'A';
		}
		bad = 99;
		assert_int_equal(crypto_recovery_key_parse(alt, n, &back, &bad), CF_ERR_RECOVERY_KEY);
		assert_int_equal(bad, g);
	}
	assert_null(back);
}

static void
test_recovery_missing_and_extra(void **state)
{
	struct cf_recovery_key *rk = NULL, *back = NULL;
	char *text, *alt;
	size_t bad, n = 0;

	(void)state;
	alt = crypto_secure_alloc(256);
	if (!alt)
		abort(); /* tells the compiler too: the memcpy below never sees NULL */
	/* 64 keys, so that a rule relying on the check character would show up (it passes 1 time in 32). */
	for (int round = 0; round < 64; round++) {
		assert_int_equal(crypto_recovery_key_generate(&rk), CF_OK);
		text = format_key(rk);
		check_missing_and_extra_char(text, alt);
		crypto_secure_free(text);
		crypto_recovery_key_free(&rk);
	}
	assert_int_equal(crypto_recovery_key_generate(&rk), CF_OK);
	text = format_key(rk);
	/* Without separators, a character left out of group 5 shows at group 5 or later (31 in 32: at 5). */
	for (size_t i = 0; i < CF_RECOVERY_TEXT_LEN; i++)
		if (text[i] != '-' && i != 5 * 6 + 1)
			alt[n++] = text[i];
	assert_int_equal(crypto_recovery_key_parse(alt, n, &back, &bad), CF_ERR_RECOVERY_KEY);
	assert_true(bad >= 5 && bad < CF_RECOVERY_GROUPS);
	/* Only the first 12 groups: the 13th (index 12) is missing. */
	assert_int_equal(crypto_recovery_key_parse(text, 12 * 6 - 1, &back, &bad), CF_ERR_RECOVERY_KEY);
	assert_int_equal(bad, 12);
	assert_int_equal(crypto_recovery_key_parse(text, 0, &back, &bad), CF_ERR_RECOVERY_KEY);
	assert_int_equal(bad, 0);
	/* An extra group after the key. */
	memcpy(alt, text, CF_RECOVERY_TEXT_LEN);
	memcpy(alt + CF_RECOVERY_TEXT_LEN, "-ABCDE", 6);
	assert_int_equal(crypto_recovery_key_parse(alt, CF_RECOVERY_TEXT_LEN + 6, &back, &bad), CF_ERR_RECOVERY_KEY);
	assert_int_equal(bad, CF_RECOVERY_GROUPS);
	/* Groups 1 and 2 typed in each other's place: the group index is in the check. */
	memcpy(alt, text, CF_RECOVERY_TEXT_LEN);
	memcpy(alt + 6, text + 12, 5);
	memcpy(alt + 12, text + 6, 5);
	if (memcmp(text + 6, text + 12, 5) != 0) {
		assert_int_equal(crypto_recovery_key_parse(alt, CF_RECOVERY_TEXT_LEN, &back, &bad), CF_ERR_RECOVERY_KEY);
		assert_int_equal(bad, 1);
	}
	assert_null(back);
	crypto_secure_free(alt);
	crypto_secure_free(text);
	crypto_recovery_key_free(&rk);
}

/* ------------------------------------------------------ recovery slot */

static void
test_recovery_slot(void **state)
{
	struct cf_keyring *kr = NULL, *back = NULL, *part = NULL;
	struct cf_recovery_key *rk = NULL, *wrong = NULL;
	struct cf_keyslot_ad ad = { 1, file_id, "recovery" };
	struct cf_keyslot_ad other = ad;
	struct cf_record_ad rad = ad_for(file_id, "session", "note", row1);
	uint8_t *blob = NULL, *rec = NULL;
	size_t len = 0, rlen = 0, plen;
	char *plain = NULL;
	int kind;
	unsigned long kdf_before = crypto_testing_kdf_calls();

	(void)state;
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &kr), CF_OK);
	assert_int_equal(crypto_recovery_key_generate(&rk), CF_OK);
	assert_int_equal(crypto_recovery_key_generate(&wrong), CF_OK);
	assert_int_equal(crypto_keyslot_seal_recovery(kr, rk, &ad, &blob, &len), CF_OK);
	assert_int_equal(len, CF_KEYSLOT_BLOB_BYTES);
	assert_int_equal(crypto_keyslot_info(blob, len, &kind, NULL), CF_OK);
	assert_int_equal(kind, CF_KEYSLOT_KIND_RECOVERY);
	assert_int_equal(crypto_record_seal(kr, CF_COMPARTMENT_CLINICAL, &rad, "n", 1, &rec, &rlen), CF_OK);

	assert_int_equal(crypto_keyslot_open_recovery(blob, len, rk, &ad, &back), CF_OK);
	assert_int_equal(crypto_keyring_mask(back), CF_COMPARTMENT_MASK_ALL);
	assert_int_equal(crypto_record_open(back, CF_COMPARTMENT_CLINICAL, &rad, rec, rlen, &plain, &plen), CF_OK);
	assert_string_equal(plain, "n");
	crypto_secure_free(plain);
	crypto_keyring_free(&back);

	/* Wrong key, wrong file, wrong slot id: the tag fails (AUTH), nothing is returned. */
	assert_int_equal(crypto_keyslot_open_recovery(blob, len, wrong, &ad, &back), CF_ERR_AUTH);
	other.file_id = other_file_id;
	assert_int_equal(crypto_keyslot_open_recovery(blob, len, rk, &other, &back), CF_ERR_AUTH);
	other = ad;
	other.slot_id = "recoverY";
	assert_int_equal(crypto_keyslot_open_recovery(blob, len, rk, &other, &back), CF_ERR_AUTH);
	other = ad;
	other.format_version = 2;
	assert_int_equal(crypto_keyslot_open_recovery(blob, len, rk, &other, &back), CF_ERR_AUTH);
	assert_null(back);
	/* A recovery slot is not a passphrase slot. */
	assert_int_equal(crypto_keyslot_open_passphrase(blob, len, "x", 1, &ad, &back), CF_ERR_INVALID);

	/* Every bit: first the checksum catches it (DAMAGED), then, with the checksum recomputed, the AEAD. */
	for (size_t bit = 0; bit < len * 8; bit++) {
		int rc;

		blob[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(crypto_keyslot_open_recovery(blob, len, rk, &ad, &back), CF_ERR_DAMAGED);
		if (bit < (len - 32) * 8) {
			crypto_testing_keyslot_fix_checksum(blob, len);
			rc = crypto_keyslot_open_recovery(blob, len, rk, &ad, &back);
			assert_true(rc == CF_ERR_AUTH || rc == CF_ERR_DAMAGED || rc == CF_ERR_INVALID);
			assert_null(back);
		}
		blob[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		crypto_testing_keyslot_fix_checksum(blob, len);
	}
	assert_int_equal(crypto_keyslot_open_recovery(blob, len, rk, &ad, &back), CF_OK);
	crypto_keyring_free(&back);
	for (size_t n = 0; n < len; n++)
		assert_int_equal(crypto_keyslot_open_recovery(blob, n, rk, &ad, &back), CF_ERR_DAMAGED);

	/* The recovery slot holds every compartment. */
	assert_int_equal(crypto_keyring_subset(kr, CF_COMPARTMENT_BIT(CF_COMPARTMENT_DIRECTORY), &part), CF_OK);
	free(blob);
	blob = NULL;
	assert_int_equal(crypto_keyslot_seal_recovery(part, rk, &ad, &blob, &len), CF_ERR_PERMISSION);
	assert_null(blob);
	/* No Argon2id anywhere on this path. */
	assert_int_equal(crypto_testing_kdf_calls(), kdf_before);
	free(rec);
	crypto_keyring_free(&part);
	crypto_keyring_free(&kr);
	crypto_recovery_key_free(&rk);
	crypto_recovery_key_free(&wrong);
}

/* -------------------------------------------------------------- grants */

static void
test_grant(void **state)
{
	struct cf_keyring *admin = NULL, *counselor = NULL, *hotline = NULL;
	struct cf_keyslot_ad ad = { 1, file_id, "li.hua" };
	struct cf_keyslot_ad other = ad;
	struct cf_record_ad rad = ad_for(file_id, "session", "note", row1);
	uint8_t pk[32], pk_admin[32], pk_counselor[32];
	uint8_t *g = NULL, *rec = NULL;
	size_t glen = 0, rlen = 0, plen;
	char *plain = NULL;
	cf_compartment_mask granted = 0;

	(void)state;
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &counselor), CF_OK);
	assert_int_equal(crypto_keyring_subset(counselor, CF_COMPARTMENT_BIT(CF_COMPARTMENT_DIRECTORY), &admin), CF_OK);
	assert_int_equal(crypto_keyring_subset(counselor, CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE), &hotline),
		CF_OK);
	assert_int_equal(crypto_keyring_public_key(hotline, pk), CF_OK);
	assert_int_equal(crypto_keyring_public_key(admin, pk_admin), CF_OK);
	assert_int_equal(crypto_record_seal(counselor, CF_COMPARTMENT_CLINICAL, &rad, "note", 4, &rec, &rlen), CF_OK);

	/* The admin cannot grant what it does not hold. */
	assert_int_equal(crypto_grant_seal(admin, CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL), pk, &ad, &g, &glen),
		CF_ERR_PERMISSION);
	assert_null(g);
	/* The counselor can. */
	assert_int_equal(crypto_grant_seal(counselor, CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL), pk, &ad, &g, &glen),
		CF_OK);
	assert_int_equal(glen, CF_GRANT_BLOB_BYTES);

	assert_int_equal(crypto_keyring_public_key(counselor, pk_counselor), CF_OK);

	/* Not for another user's key pair, slot id or file. */
	assert_int_equal(crypto_grant_open(admin, g, glen, &ad, pk_counselor, &granted), CF_ERR_DAMAGED);
	other.slot_id = "li.hua2";
	assert_int_equal(crypto_grant_open(hotline, g, glen, &other, pk_counselor, &granted), CF_ERR_DAMAGED);
	other = ad;
	other.file_id = other_file_id;
	assert_int_equal(crypto_grant_open(hotline, g, glen, &other, pk_counselor, &granted), CF_ERR_DAMAGED);
	/* Not as if another account had sealed it: the granter is authenticated. */
	assert_int_equal(crypto_grant_open(hotline, g, glen, &ad, pk_admin, &granted), CF_ERR_DAMAGED);
	assert_false(crypto_keyring_has(hotline, CF_COMPARTMENT_CLINICAL));
	/* Every bit flip. */
	for (size_t bit = 0; bit < glen * 8; bit++) {
		g[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(crypto_grant_open(hotline, g, glen, &ad, pk_counselor, &granted), CF_ERR_DAMAGED);
		g[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	assert_false(crypto_keyring_has(hotline, CF_COMPARTMENT_CLINICAL));

	assert_int_equal(crypto_grant_open(hotline, g, glen, &ad, pk_counselor, &granted), CF_OK);
	assert_int_equal(granted, CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL));
	assert_int_equal(crypto_keyring_mask(hotline),
		CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL) | CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE));
	assert_int_equal(crypto_record_open(hotline, CF_COMPARTMENT_CLINICAL, &rad, rec, rlen, &plain, &plen), CF_OK);
	assert_string_equal(plain, "note");
	crypto_secure_free(plain);
	free(g);
	free(rec);
	crypto_keyring_free(&admin);
	crypto_keyring_free(&counselor);
	crypto_keyring_free(&hotline);
}

/*
 * Revocation: a rotated key has the given (newer) id and opens nothing sealed
 * before; the recovery key's own key pair opens a grant sealed to its public
 * key, and the public key depends only on the recovery key.
 */
static void
test_rotate_to_and_recovery_box(void **state)
{
	struct cf_keyring *holder = NULL, *old = NULL, *rec = NULL;
	struct cf_recovery_key *rk = NULL, *other = NULL;
	struct cf_keyslot_ad ad = { 1, file_id, "(recovery)" };
	struct cf_record_ad rad = ad_for(file_id, "student", "data", row1);
	uint8_t rpk[32], rpk2[32], rpk_other[32], hpk[32];
	uint8_t *g = NULL, *blob = NULL;
	size_t glen = 0, blen = 0, plen = 0;
	char *plain = NULL;
	cf_compartment_mask got = 0;

	(void)state;
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &holder), CF_OK);
	assert_int_equal(crypto_keyring_copy(holder, &old), CF_OK);
	assert_int_equal(crypto_keyring_rotate_to(holder, CF_COMPARTMENT_IDENTITY, 1), CF_ERR_INVALID); /* not newer */
	assert_int_equal(crypto_keyring_rotate_to(holder, CF_COMPARTMENT_IDENTITY, 7), CF_OK);
	assert_int_equal(crypto_keyring_key_id(holder, CF_COMPARTMENT_IDENTITY), 7);
	assert_int_equal(crypto_keyring_key_id(holder, CF_COMPARTMENT_CLINICAL), 1);
	assert_int_equal(crypto_record_seal(holder, CF_COMPARTMENT_IDENTITY, &rad, "after", 5, &blob, &blen), CF_OK);
	/* the old key does not open what the rotated one sealed */
	assert_int_not_equal(crypto_record_open(old, CF_COMPARTMENT_IDENTITY, &rad, blob, blen, &plain, &plen), CF_OK);
	assert_null(plain);

	assert_int_equal(crypto_recovery_key_generate(&rk), CF_OK);
	assert_int_equal(crypto_recovery_key_generate(&other), CF_OK);
	assert_int_equal(crypto_recovery_public_key(rk, rpk), CF_OK);
	assert_int_equal(crypto_recovery_public_key(rk, rpk2), CF_OK);
	assert_memory_equal(rpk, rpk2, sizeof rpk);
	assert_int_equal(crypto_recovery_public_key(other, rpk_other), CF_OK);
	assert_memory_not_equal(rpk, rpk_other, sizeof rpk);
	assert_int_equal(crypto_keyring_public_key(holder, hpk), CF_OK);
	assert_int_equal(crypto_grant_seal(holder, CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY), rpk, &ad, &g, &glen),
		CF_OK);
	/* the recovery slot's keyring: the old key until it takes the recovery key pair and merges */
	assert_int_equal(crypto_keyring_copy(old, &rec), CF_OK);
	assert_int_equal(crypto_grant_open(rec, g, glen, &ad, hpk, &got), CF_ERR_DAMAGED);
	assert_int_equal(crypto_keyring_use_recovery_box(rec, other), CF_OK);
	assert_int_equal(crypto_grant_open(rec, g, glen, &ad, hpk, &got), CF_ERR_DAMAGED);
	assert_int_equal(crypto_keyring_use_recovery_box(rec, rk), CF_OK);
	assert_int_equal(crypto_keyring_public_key(rec, rpk2), CF_OK);
	assert_memory_equal(rpk, rpk2, sizeof rpk);
	assert_int_equal(crypto_grant_open(rec, g, glen, &ad, hpk, &got), CF_OK);
	assert_int_equal(got, CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY));
	assert_int_equal(crypto_keyring_key_id(rec, CF_COMPARTMENT_IDENTITY), 7);
	assert_int_equal(crypto_record_open(rec, CF_COMPARTMENT_IDENTITY, &rad, blob, blen, &plain, &plen), CF_OK);
	assert_string_equal(plain, "after");
	crypto_secure_free(plain);
	free(g);
	free(blob);
	crypto_recovery_key_free(&rk);
	crypto_recovery_key_free(&other);
	crypto_keyring_free(&holder);
	crypto_keyring_free(&old);
	crypto_keyring_free(&rec);
}

/* ------------------------------------------------ signatures, directory */

static void
test_signatures_and_directory_key(void **state)
{
	struct cf_keyring *admin = NULL, *counselor = NULL, *copy = NULL;
	uint8_t spk[32], spk2[32], dpk[32], dpk2[32], sig[64];
	static const char msg[] = "directory bytes";

	(void)state;
	assert_int_equal(crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &admin), CF_OK);
	assert_int_equal(crypto_keyring_subset(admin, CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL), &counselor), CF_OK);
	/* every new keyring has its own signing key */
	assert_int_equal(crypto_keyring_sign_public_key(admin, spk), CF_OK);
	assert_int_equal(crypto_keyring_sign_public_key(counselor, spk2), CF_OK);
	assert_memory_not_equal(spk, spk2, 32);
	assert_int_equal(crypto_keyring_sign(counselor, msg, sizeof msg - 1, sig), CF_OK);
	assert_int_equal(crypto_signature_verify(spk2, msg, sizeof msg - 1, sig), CF_OK);
	assert_int_equal(crypto_signature_verify(spk, msg, sizeof msg - 1, sig), CF_ERR_DAMAGED);
	assert_int_equal(crypto_signature_verify(spk2, msg, sizeof msg - 2, sig), CF_ERR_DAMAGED);
	sig[10] ^= 1;
	assert_int_equal(crypto_signature_verify(spk2, msg, sizeof msg - 1, sig), CF_ERR_DAMAGED);

	/* the directory key: only a holder of the directory compartment has it; same key from the same compartment key */
	assert_int_equal(crypto_directory_public_key(admin, dpk), CF_OK);
	assert_int_equal(crypto_directory_public_key(counselor, dpk2), CF_ERR_PERMISSION);
	assert_int_equal(crypto_directory_sign(counselor, msg, sizeof msg - 1, sig), CF_ERR_PERMISSION);
	assert_int_equal(crypto_keyring_copy(admin, &copy), CF_OK);
	assert_int_equal(crypto_directory_public_key(copy, dpk2), CF_OK);
	assert_memory_equal(dpk, dpk2, 32);
	assert_int_equal(crypto_directory_sign(admin, msg, sizeof msg - 1, sig), CF_OK);
	assert_int_equal(crypto_signature_verify(dpk, msg, sizeof msg - 1, sig), CF_OK);
	/* rotating the directory compartment changes the directory key */
	assert_int_equal(crypto_keyring_rotate(copy, CF_COMPARTMENT_DIRECTORY), CF_OK);
	assert_int_equal(crypto_directory_public_key(copy, dpk2), CF_OK);
	assert_memory_not_equal(dpk, dpk2, 32);

	/* pins: none on a fresh keyring, copied into a subset */
	assert_int_equal(crypto_keyring_directory_pin(admin, NULL, NULL), CF_ERR_NOT_FOUND);
	assert_int_equal(crypto_keyring_set_directory_pin(admin, dpk, 7), CF_OK);
	crypto_keyring_free(&counselor);
	assert_int_equal(crypto_keyring_subset(admin, 0, &counselor), CF_OK);
	{
		uint8_t got[32];
		uint64_t epoch = 0;

		assert_int_equal(crypto_keyring_directory_pin(counselor, got, &epoch), CF_OK);
		assert_memory_equal(got, dpk, 32);
		assert_int_equal(epoch, 7);
	}
	crypto_keyring_free(&admin);
	crypto_keyring_free(&counselor);
	crypto_keyring_free(&copy);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xchacha_kat),
		cmocka_unit_test(test_blake2b_keyed_kat),
		cmocka_unit_test(test_sha256_kat),
		cmocka_unit_test(test_argon2id_reference_vector),
		cmocka_unit_test(test_secure_alloc),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_compartment_names),
		cmocka_unit_test(test_keyring),
		cmocka_unit_test(test_header_mac),
		cmocka_unit_test(test_record_roundtrip),
		cmocka_unit_test(test_record_padding),
		cmocka_unit_test(test_record_moved),
		cmocka_unit_test(test_record_bit_flips),
		cmocka_unit_test(test_record_permission),
		cmocka_unit_test(test_record_arena),
		cmocka_unit_test(test_blind_index),
		cmocka_unit_test(test_recovery_format_parse),
		cmocka_unit_test(test_recovery_typos),
		cmocka_unit_test(test_recovery_missing_and_extra),
		cmocka_unit_test(test_recovery_slot),
		cmocka_unit_test(test_grant),
		cmocka_unit_test(test_record_drop_box),
		cmocka_unit_test(test_rotate_to_and_recovery_box),
		cmocka_unit_test(test_signatures_and_directory_key),
		cmocka_unit_test(test_ed25519_rfc8032),
	};

	return cmocka_run_group_tests_name("crypto", tests, setup, NULL);
}
