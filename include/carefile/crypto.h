/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Crypto layer: secure memory, compartment keys, keyslots, recovery key, header MAC, record envelopes. */
#ifndef CAREFILE_CRYPTO_H
#define CAREFILE_CRYPTO_H

/*
 * The only module that talks to libsodium (DESIGN.md §4). Everything here
 * returns an enum cf_error (include/carefile/error.h) unless it says otherwise,
 * never prints, and keeps every secret (keys, passphrases, recovery keys,
 * decrypted records) in sodium_malloc memory that is wiped when freed.
 *
 * Call crypto_init() once before anything else (it is cheap to call again).
 *
 * Byte orders: every multi-byte integer in a blob or in associated data is
 * little-endian. "Secure memory" below means memory from crypto_secure_alloc()
 * or a struct cf_secure_arena.
 *
 * Blobs handed out by the seal functions (keyslots, grants, records) are
 * ciphertext: they live in ordinary malloc memory; the caller frees them with
 * free(). Plaintext handed out by the open functions is in secure memory.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carefile/error.h"
#include "carefile/record.h"

/* ---------------------------------------------------------------- sizes */

#define CF_FILE_ID_BYTES 16   /* random id of a case file, bound into every AD */
/* CF_UUID_BYTES (16, a row uuid) is in carefile/record.h. */
#define CF_UUID_TEXT_SIZE 37  /* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" + NUL */
#define CF_MAC_BYTES 32       /* header MAC */
#define CF_BLIND_INDEX_BYTES 32
#define CF_HASH_BYTES 32      /* crypto_hash_blake2b / crypto_sha256 output */
#define CF_PUBLIC_KEY_BYTES 32 /* a user's X25519 public key (for grants) */
#define CF_SIGN_PUBLIC_KEY_BYTES 32 /* an Ed25519 public key (a user's, or the directory's) */
#define CF_SIGNATURE_BYTES 64  /* an Ed25519 signature (RFC 8032, crypto_sign_detached) */
#define CF_SALT_BYTES 16
#define CF_KEK_BYTES 32       /* key-encryption key of a keyslot */

/* Longest table or column name accepted in record associated data (bytes). */
#define CF_AD_NAME_MAX 255
/* Longest slot id (user name) accepted in keyslot associated data (bytes). */
#define CF_SLOT_ID_MAX 255

/* ------------------------------------------------------------------ init */

/* Start libsodium (sodium_init). CF_OK, or CF_ERR_CRYPTO if it cannot start. */
int crypto_init(void);

/* ------------------------------------------------------- secure memory */

/*
 * size bytes of guarded memory (sodium_malloc), zero-filled, locked into RAM
 * when the memlock limit allows (see crypto_memory_locked()).
 * Returns NULL when out of memory or when size is 0. Every call costs a few
 * pages plus guard pages: use a struct cf_secure_arena for many small items.
 * The address is 16-byte aligned when size is a multiple of 16.
 * Caller frees with crypto_secure_free().
 */
void *crypto_secure_alloc(size_t size);

/*
 * Whether all secure memory so far is locked into RAM. Takes nothing; returns
 * true while every secure allocation (crypto_secure_alloc(), arenas, keyrings,
 * keys, opened records) could be mlock'ed, false from the first one that could
 * not (RLIMIT_MEMLOCK too low, see ulimit -l, and no CAP_IPC_LOCK): keys and
 * plaintext may then be written to swap. Never fails; once false it stays false
 * for the life of the process. The allocation itself still succeeds.
 */
bool crypto_memory_locked(void);

/* Wipe and release memory from crypto_secure_alloc(). NULL-safe. */
void crypto_secure_free(void *p);

/* Overwrite len bytes at p with zeros in a way the compiler keeps (sodium_memzero). NULL-safe if len is 0. */
void crypto_wipe(void *p, size_t len);

/* Constant-time comparison of len bytes: 0 when equal, -1 otherwise (sodium_memcmp). */
int crypto_memcmp(const void *a, const void *b, size_t len);

/*
 * Arena of secure memory for many small decrypted strings (names, search
 * cache): a few large sodium_malloc chunks, never one sodium_malloc per item.
 * Items are 8-byte aligned. Items are not freed one by one: reset or free the
 * whole arena, which wipes everything.
 */
struct cf_secure_arena;

/*
 * New arena that takes chunk_bytes (rounded up to a multiple of 4096; 0 means
 * 1 MiB) per chunk. An item bigger than a chunk gets a chunk of its own.
 * CF_OK with *out set, or CF_ERR_NOMEM. Caller frees with crypto_arena_free().
 */
int crypto_arena_new(size_t chunk_bytes, struct cf_secure_arena **out);

/* Wipe and release every chunk, set *arena to NULL. NULL-safe (also *arena NULL). */
void crypto_arena_free(struct cf_secure_arena **arena);

/* Wipe every item; keeps the first chunk for reuse. Pointers from the arena become invalid. */
void crypto_arena_reset(struct cf_secure_arena *arena);

/* size bytes (zero-filled) from the arena, or NULL when out of memory or size is 0. Borrowed from the arena. */
void *crypto_arena_alloc(struct cf_secure_arena *arena, size_t size);

/* Copy of len bytes at p plus a terminating NUL, in the arena; NULL when out of memory. Borrowed from the arena. */
char *crypto_arena_memdup(struct cf_secure_arena *arena, const void *p, size_t len);

/* Copy of the NUL-terminated s in the arena; NULL when out of memory. Borrowed from the arena. */
char *crypto_arena_strdup(struct cf_secure_arena *arena, const char *s);

/* Bytes handed out since creation or the last reset (for tests and bench figures). */
size_t crypto_arena_used(const struct cf_secure_arena *arena);

/* Number of sodium_malloc chunks the arena holds now. */
size_t crypto_arena_chunks(const struct cf_secure_arena *arena);

/* ----------------------------------------------------- random and ids */

/* len random bytes from the OS CSPRNG (randombytes_buf) into p. Cannot fail. */
void crypto_random_bytes(void *p, size_t len);

/* A random RFC 9562 version-4 UUID (variant bits 10). Cannot fail. */
void crypto_random_uuid(uint8_t out[CF_UUID_BYTES]);

/* Lower-case canonical text "8-4-4-4-12" of uuid into out (CF_UUID_TEXT_SIZE bytes incl. NUL). */
void crypto_uuid_format(const uint8_t uuid[CF_UUID_BYTES], char out[CF_UUID_TEXT_SIZE]);

/* Parse canonical UUID text (either case, hyphens required) into out. CF_OK or CF_ERR_INVALID. */
int crypto_uuid_parse(const char *text, uint8_t out[CF_UUID_BYTES]);

/*
 * Lower-case hex of len bytes at p into out (out_size >= 2 * len + 1, NUL-terminated).
 * CF_OK, or CF_ERR_INVALID if out_size is too small (out then holds "").
 */
int crypto_hex_encode(const void *p, size_t len, char *out, size_t out_size);

/*
 * Decode hex text (exactly 2 * out_len digits, either case, no separators) into out.
 * CF_OK or CF_ERR_INVALID.
 */
int crypto_hex_decode(const char *hex, uint8_t *out, size_t out_len);

/* Unkeyed BLAKE2b-256 of len bytes (for hash chains and fingerprints; not a MAC). */
void crypto_hash_blake2b(const void *p, size_t len, uint8_t out[CF_HASH_BYTES]);

/* SHA-256 (FIPS 180-4) of len bytes; tests use it to prove a file's bytes are unchanged. */
void crypto_sha256(const void *p, size_t len, uint8_t out[CF_HASH_BYTES]);

/* --------------------------------------------------------- compartments */

/* enum cf_compartment (the compartments) is in carefile/record.h. */

/* Bit set of compartments: bit (1u << c) for compartment c. */
typedef unsigned int cf_compartment_mask;
#define CF_COMPARTMENT_BIT(c) (1u << (unsigned int)(c))
#define CF_COMPARTMENT_MASK_ALL ((1u << CF_COMPARTMENT__COUNT) - 1u)

/* Stable untranslated name: "identity", "clinical", "hotline", "directory"; NULL for an invalid value. */
const char *crypto_compartment_name(enum cf_compartment c);

/* Compartment for its stable name (exact, lower case). CF_OK or CF_ERR_INVALID. */
int crypto_compartment_from_name(const char *name, enum cf_compartment *out);

/* ------------------------------------------------------------- keyring */

/*
 * The unlocked key material of one user, in secure memory:
 *  - one 256-bit random key per held compartment, each with a key id
 *    (1 when generated, +1 on each rotation) that goes into record AD;
 *  - the file key: 256 bits random per case file, in EVERY keyslot, used only
 *    (through a BLAKE2b KDF subkey) to MAC the header; holding any keyslot of
 *    the file proves you may check its header, not read any compartment;
 *  - the user's X25519 key pair, so that another user can grant compartment
 *    keys to this user without knowing this user's passphrase (see grants).
 */
struct cf_keyring;

/*
 * A new keyring for a new case file: fresh file key, fresh user key pair,
 * fresh random keys (key id 1) for each compartment in mask (may be 0).
 * CF_OK, CF_ERR_INVALID (bits outside CF_COMPARTMENT_MASK_ALL), CF_ERR_NOMEM.
 * Caller frees with crypto_keyring_free().
 */
int crypto_keyring_generate(cf_compartment_mask mask, struct cf_keyring **out);

/* Wipe and release; sets *kr to NULL. NULL-safe. */
void crypto_keyring_free(struct cf_keyring **kr);

/* Whether kr holds the key of compartment c (false for NULL or an invalid c). */
bool crypto_keyring_has(const struct cf_keyring *kr, enum cf_compartment c);

/* The compartments kr holds (0 for NULL). */
cf_compartment_mask crypto_keyring_mask(const struct cf_keyring *kr);

/* Key id of compartment c in kr, 0 when not held. */
uint32_t crypto_keyring_key_id(const struct cf_keyring *kr, enum cf_compartment c);

/*
 * A keyring for ANOTHER user (account creation, passphrase reset through the
 * recovery key): the same file key, copies of the compartment keys in mask,
 * a FRESH user X25519 key pair and a FRESH Ed25519 signing key pair (so the
 * store must store both new public keys), and src's directory pin (the new
 * account trusts the directory its creator verified).
 * Granting requires holding: CF_ERR_PERMISSION if mask has a compartment that
 * src does not hold. CF_ERR_INVALID for bits outside the mask, CF_ERR_NOMEM.
 * Caller frees *out with crypto_keyring_free().
 */
int crypto_keyring_subset(const struct cf_keyring *src, cf_compartment_mask mask, struct cf_keyring **out);

/* Copy of kr (same user key pair). CF_OK or CF_ERR_NOMEM. Caller frees with crypto_keyring_free(). */
int crypto_keyring_copy(const struct cf_keyring *kr, struct cf_keyring **out);

/*
 * Remove the keys of the compartments in mask from kr (wiped), e.g. to seal a
 * slot with fewer compartments. Removing what is not held is not an error.
 */
void crypto_keyring_drop(struct cf_keyring *kr, cf_compartment_mask mask);

/*
 * Replace the key of compartment c by a fresh random key with key id + 1.
 * Records sealed under the old key no longer open with kr: the caller
 * re-seals them first (open with a copy, seal with the rotated keyring).
 * CF_OK, CF_ERR_PERMISSION (c not held), CF_ERR_INVALID.
 */
int crypto_keyring_rotate(struct cf_keyring *kr, enum cf_compartment c);

/*
 * Revocation: replace the key of compartment c by a fresh random key with
 * key id key_id, which must be greater than the one held (core passes the
 * directory epoch of the revocation, so the new id shows it postdates it).
 * As with crypto_keyring_rotate(), the caller re-seals the records first.
 * CF_OK, CF_ERR_PERMISSION (c not held), CF_ERR_INVALID (key_id not newer).
 */
int crypto_keyring_rotate_to(struct cf_keyring *kr, enum cf_compartment c, uint32_t key_id);

/*
 * The recovery key's own X25519 key pair, derived from it (KDF subkey 1,
 * context "cfrecbox"), so that an account that rotates a compartment key can
 * seal the new key to the recovery key as a grant. crypto_recovery_public_key:
 * the public key into out (not secret). crypto_keyring_use_recovery_box: make
 * it kr's key pair (kr opened from the recovery slot), so crypto_grant_open()
 * opens grants sealed to the recovery key. CF_OK, CF_ERR_INVALID, CF_ERR_NOMEM.
 */
struct cf_recovery_key;
int crypto_recovery_public_key(const struct cf_recovery_key *rk, uint8_t out[CF_PUBLIC_KEY_BYTES]);
int crypto_keyring_use_recovery_box(struct cf_keyring *kr, const struct cf_recovery_key *rk);

/* The user's X25519 public key (CF_PUBLIC_KEY_BYTES) into out. CF_OK. Not secret. */
int crypto_keyring_public_key(const struct cf_keyring *kr, uint8_t out[CF_PUBLIC_KEY_BYTES]);

/* ------------------------------------------------------------ signatures */

/*
 * Every user has an Ed25519 key pair (RFC 8032; libsodium crypto_sign): the
 * secret inside their keyslot, the public key in the signed directory. A
 * keyring opened from a version-1 slot has none until
 * crypto_keyring_new_signing_key() gives it one and the slot is re-sealed.
 */

/* The user's Ed25519 public key into out. CF_OK, CF_ERR_NOT_FOUND (none yet), CF_ERR_INVALID. */
int crypto_keyring_sign_public_key(const struct cf_keyring *kr, uint8_t out[CF_SIGN_PUBLIC_KEY_BYTES]);

/* Replace kr's signing key pair by a fresh random one. CF_OK or CF_ERR_INVALID. */
int crypto_keyring_new_signing_key(struct cf_keyring *kr);

/* Ed25519 signature of len bytes with the user's key. CF_OK, CF_ERR_NOT_FOUND (no key), CF_ERR_INVALID. */
int crypto_keyring_sign(const struct cf_keyring *kr, const void *msg, size_t len, uint8_t sig[CF_SIGNATURE_BYTES]);

/* Verify an Ed25519 signature (strict, libsodium): CF_OK, or CF_ERR_DAMAGED for any mismatch or bad key. */
int crypto_signature_verify(const uint8_t pk[CF_SIGN_PUBLIC_KEY_BYTES], const void *msg, size_t len,
	const uint8_t sig[CF_SIGNATURE_BYTES]);

/*
 * The directory key: an Ed25519 key pair whose seed is a subkey of the
 * directory compartment's key (crypto_kdf_derive_from_key, context
 * "cfdirsig", subkey id = the compartment's key id). Only holders of the
 * directory compartment (admins, the recovery key) can sign the directory;
 * every account pins its public key inside its keyslot.
 * CF_OK, CF_ERR_PERMISSION (directory compartment not held), CF_ERR_INVALID.
 */
int crypto_directory_public_key(const struct cf_keyring *kr, uint8_t out[CF_SIGN_PUBLIC_KEY_BYTES]);
int crypto_directory_sign(const struct cf_keyring *kr, const void *msg, size_t len, uint8_t sig[CF_SIGNATURE_BYTES]);

/*
 * The directory this account trusts (sealed in its keyslot, version 2 on):
 * the directory public key and the highest directory epoch seen. A directory
 * signed by another key, or older than the epoch, is refused at unlock.
 * crypto_keyring_directory_pin: CF_OK, CF_ERR_NOT_FOUND (a v1 slot: nothing
 * pinned yet), CF_ERR_INVALID. Set: CF_OK or CF_ERR_INVALID; it takes effect
 * in the file when the slot is sealed again.
 */
int crypto_keyring_directory_pin(const struct cf_keyring *kr, uint8_t pk[CF_SIGN_PUBLIC_KEY_BYTES], uint64_t *epoch);
int crypto_keyring_set_directory_pin(struct cf_keyring *kr, const uint8_t pk[CF_SIGN_PUBLIC_KEY_BYTES], uint64_t epoch);

/* ------------------------------------------------------------ KDF params */

/*
 * Argon2id v1.3 (RFC 9106) cost, the only password hash used (libsodium
 * crypto_pwhash with crypto_pwhash_ALG_ARGON2ID13, 1 lane).
 *   opslimit:       passes over memory, CF_KDF_OPS_MIN..CF_KDF_OPS_MAX
 *   memlimit_bytes: bytes of memory, CF_KDF_MEM_MIN..CF_KDF_MEM_MAX, a multiple of 1024
 * Anything else is refused with CF_ERR_KDF_PARAMS before any derivation, so a
 * tampered slot can neither weaken the KDF nor make unlock hang or exhaust memory.
 */
struct cf_kdf_params {
	uint64_t opslimit;
	uint64_t memlimit_bytes;
};

/*
 * The bounds are exactly what calibration can produce (memory at the floor,
 * 3..16 passes): a slot asking for more was not written by carefile, and
 * refusing it keeps a tampered slot from costing more than a calibrated
 * unlock (at most 16 passes over 256 MiB, about 5 s on a slow PC; a review
 * measured 15.7 s at 64 passes and 37 s with 4.2 GB at 3 x 4 GiB under the
 * old, wider bounds).
 */
#define CF_KDF_OPS_MIN 3u
#define CF_KDF_OPS_CALIBRATE_MAX 16u                /* calibration never picks more passes */
#define CF_KDF_OPS_MAX CF_KDF_OPS_CALIBRATE_MAX
#define CF_KDF_MEM_MIN (256ull * 1024 * 1024)       /* 256 MiB floor (DESIGN.md §4) */
#define CF_KDF_MEM_MAX CF_KDF_MEM_MIN               /* calibration keeps memory at the floor */

/* CF_OK when p is within the bounds above, else CF_ERR_KDF_PARAMS (also for NULL). */
int crypto_kdf_params_check(const struct cf_kdf_params *p);

/* The floor: CF_KDF_OPS_MIN passes over CF_KDF_MEM_MIN bytes. */
void crypto_kdf_params_floor(struct cf_kdf_params *out);

/*
 * Parameters that take about target_seconds (wall clock) on this machine:
 * memory at the floor, passes raised from the floor in proportion to one
 * timed derivation at the floor, clamped to CF_KDF_OPS_MIN..CF_KDF_OPS_CALIBRATE_MAX.
 * Runs exactly one Argon2id at the floor (about 0.3-1 s). target_seconds <= 0
 * gives the floor without timing. CF_OK, CF_ERR_NOMEM (the floor memory could
 * not be allocated), CF_ERR_CRYPTO.
 */
int crypto_kdf_calibrate(double target_seconds, struct cf_kdf_params *out);

/* -------------------------------------------------------------- keyslots */

/*
 * What a keyslot is bound to (its associated data, with the slot's own KDF
 * parameters and salt): the case file's format version, its file id, and the
 * slot id (the user name for a passphrase slot; e.g. "recovery" for the
 * recovery slot). A slot copied to another file or user fails to open.
 * slot_id: NUL-terminated, 1..CF_SLOT_ID_MAX bytes.
 */
struct cf_keyslot_ad {
	uint32_t format_version;
	const uint8_t *file_id;   /* CF_FILE_ID_BYTES */
	const char *slot_id;
};

/*
 * Keyslot blob, version 2 (CF_KEYSLOT_BLOB_BYTES = 392 bytes; version 1, 320
 * bytes, is still opened, never written):
 *
 *   off  len  field
 *     0    1  blob version = 2
 *     1    1  kind: 1 = passphrase, 2 = recovery key
 *     2    1  KDF: 1 = Argon2id13 (passphrase), 2 = keyed BLAKE2b-256 (recovery)
 *     3    1  reserved, 0
 *     4    8  opslimit (u64; 0 for recovery)
 *    12    8  memlimit_bytes (u64; 0 for recovery)
 *    20   16  salt (random per seal)
 *    36   24  XChaCha20-Poly1305 nonce (random per seal)
 *    60  300  ciphertext: 284-byte payload + 16-byte Poly1305 tag (v1: 212 + 16)
 *   360   32  BLAKE2b-256 checksum of bytes 0..359 (unkeyed; v1: at 288, of 0..287)
 *
 * The checksum only tells accidental damage (CF_ERR_DAMAGED, found before any
 * KDF runs) from a wrong passphrase (CF_ERR_AUTH); it is no security
 * boundary: a forger can recompute it, and then the AEAD tag fails, which is
 * reported as CF_ERR_AUTH, still fail-closed.
 *
 * AEAD associated data (XChaCha20-Poly1305 IETF): each field prefixed by its
 * length as u32:  "carefile keyslot v2" (v1: "... v1") | u32 format_version |
 * file id (16) | slot id bytes | blob bytes 0..35 (version, kind, KDF,
 * reserved, params, salt).
 *
 * Payload (plaintext, fixed size whatever the compartments held):
 *     0  1 payload version = 2 (v1: 1);  1  1 compartment mask;
 *     2  1 flags (v2): bit 0 signing key present, bit 1 directory pin present; 3 1 reserved 0
 *     4 32 file key;  36 32 user X25519 secret key
 *    68 4*36 for compartment 0..3: u32 key id (0 = not held) + 32-byte key (zeros if not held)
 *   v2 only:
 *   212 32 Ed25519 seed of the user's signing key (zeros if absent)
 *   244 32 pinned directory public key (zeros if absent)
 *   276  8 pinned directory epoch (u64)
 *
 * KEK: passphrase slot: crypto_pwhash(Argon2id13, 32 bytes, passphrase, salt,
 * opslimit, memlimit_bytes). Recovery slot: BLAKE2b-256 keyed with the 32-byte
 * recovery key over "carefile recovery kek v1" | salt. A fast KDF is right for
 * the recovery key: it is 256 bits from the CSPRNG, so there is nothing to
 * stretch (2^256 guesses cannot be made cheaper than they are); the keyed
 * hash only separates it from other uses of the key and makes each slot's KEK
 * unique through the salt.
 */
#define CF_KEYSLOT_BLOB_VERSION 2
#define CF_KEYSLOT_BLOB_VERSION_1 1
#define CF_KEYSLOT_BLOB_BYTES 392
#define CF_KEYSLOT_BLOB_V1_BYTES 320
#define CF_KEYSLOT_KIND_PASSPHRASE 1
#define CF_KEYSLOT_KIND_RECOVERY 2

/*
 * Seal all of kr (its compartments, file key and user key pair) under a
 * passphrase. passphrase: pass_len bytes in secure memory (not NUL-terminated
 * necessarily; pass_len may be 0: strength is checked by the caller). Runs
 * Argon2id once with params (about the calibrated time).
 * CF_OK with *blob (CF_KEYSLOT_BLOB_BYTES, malloc; caller frees with free())
 * and *blob_len; CF_ERR_KDF_PARAMS (nothing derived), CF_ERR_INVALID (bad AD),
 * CF_ERR_NOMEM.
 */
int crypto_keyslot_seal_passphrase(const struct cf_keyring *kr, const char *passphrase, size_t pass_len,
	const struct cf_kdf_params *params, const struct cf_keyslot_ad *ad, uint8_t **blob, size_t *blob_len);

/*
 * Open a passphrase slot. CF_OK with *out (caller frees with crypto_keyring_free());
 * CF_ERR_AUTH: wrong passphrase (or a forged slot, see above);
 * CF_ERR_DAMAGED: wrong length, unknown version/kind/KDF, bad checksum, bad payload;
 * CF_ERR_INVALID: a recovery slot given here, or bad AD arguments;
 * CF_ERR_KDF_PARAMS: parameters out of bounds (checked before any derivation);
 * CF_ERR_NOMEM.
 */
int crypto_keyslot_open_passphrase(const uint8_t *blob, size_t blob_len, const char *passphrase, size_t pass_len,
	const struct cf_keyslot_ad *ad, struct cf_keyring **out);

/*
 * As crypto_keyslot_seal_passphrase(); when kek is not NULL, *kek gets the
 * KEK derived (CF_KEK_BYTES of secure memory; caller frees with
 * crypto_secure_free()), for crypto_keyslot_reseal_kek(). *kek NULL on error.
 */
int crypto_keyslot_seal_passphrase_kek(const struct cf_keyring *kr, const char *passphrase, size_t pass_len,
	const struct cf_kdf_params *params, const struct cf_keyslot_ad *ad, uint8_t **blob, size_t *blob_len,
	uint8_t **kek);

/*
 * As crypto_keyslot_open_passphrase(), and *kek gets the slot's derived KEK
 * (CF_KEK_BYTES of secure memory; caller frees with crypto_secure_free()),
 * so that the account's own slot can be re-sealed during the session
 * without another Argon2id run (crypto_keyslot_reseal_kek). *kek is NULL on error.
 */
int crypto_keyslot_open_passphrase_kek(const uint8_t *blob, size_t blob_len, const char *passphrase, size_t pass_len,
	const struct cf_keyslot_ad *ad, struct cf_keyring **out, uint8_t **kek);

/*
 * Seal kr into a new slot with the same passphrase: the KEK derived from
 * old_blob (crypto_keyslot_open_passphrase_kek), old_blob's kind, KDF
 * parameters and salt, a fresh nonce, written as the current blob version.
 * Nothing is derived. CF_OK with *blob (malloc; caller frees with free());
 * CF_ERR_DAMAGED (old_blob malformed), CF_ERR_INVALID, CF_ERR_NOMEM.
 */
int crypto_keyslot_reseal_kek(const struct cf_keyring *kr, const uint8_t *old_blob, size_t old_len,
	const uint8_t kek[CF_KEK_BYTES], const struct cf_keyslot_ad *ad, uint8_t **blob, size_t *blob_len);

/*
 * Kind and KDF parameters of a slot without opening it (e.g. to warn that
 * unlock takes a second). *kind gets CF_KEYSLOT_KIND_*; params may be NULL.
 * CF_OK or CF_ERR_DAMAGED (length, version, kind, checksum).
 */
int crypto_keyslot_info(const uint8_t *blob, size_t blob_len, int *kind, struct cf_kdf_params *params);

/* ---------------------------------------------------------- recovery key */

/*
 * Recovery key: 256 random bits, shown once to a human as text:
 *   13 groups of 5 characters joined by '-' (77 characters), e.g.
 *   "7K3QD-...-M2Z0P". Alphabet: Crockford base32 "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
 *   (no I, L, O, U). Each group = 4 data characters + 1 check character.
 *   The 52 data characters carry the 256 key bits big-endian, 5 bits per
 *   character, then 4 zero bits. Check character of group g (0-based), with
 *   data values d0..d3 as elements of GF(32) (polynomial x^5 + x^2 + 1, a = x):
 *       check = a^1*d0 + a^2*d1 + a^3*d2 + a^4*d3 + a^5*(g + 1)
 *   so every single-character substitution in a group and every swap of two
 *   neighbouring data characters changes the check, and a group typed in the
 *   wrong place fails too.
 * Parsing accepts lower case, spaces, tabs, '-' and '_' anywhere, and reads
 * I and L as 1, O as 0 (Crockford). Nothing is derived before every group
 * checks out.
 */
#define CF_RECOVERY_GROUPS 13
#define CF_RECOVERY_TEXT_LEN 77   /* characters, without the NUL */
#define CF_RECOVERY_TEXT_SIZE 78  /* buffer size incl. NUL */

struct cf_recovery_key;

/* A fresh random recovery key. CF_OK or CF_ERR_NOMEM. Caller frees with crypto_recovery_key_free(). */
int crypto_recovery_key_generate(struct cf_recovery_key **out);

/* Wipe and release; sets *rk to NULL. NULL-safe. */
void crypto_recovery_key_free(struct cf_recovery_key **rk);

/*
 * Human text of rk into out (CF_RECOVERY_TEXT_SIZE bytes of SECURE memory,
 * NUL-terminated). CF_OK or CF_ERR_INVALID (out_size too small).
 */
int crypto_recovery_key_format(const struct cf_recovery_key *rk, char *out, size_t out_size);

/*
 * Parse human text (len bytes; from secure memory). CF_OK with *out (caller
 * frees with crypto_recovery_key_free()); CF_ERR_RECOVERY_KEY with *bad_group
 * = the 0-based index of the first group that is mistyped, missing or has a
 * character outside the alphabet (CF_RECOVERY_GROUPS if there is extra text
 * after the last group); CF_ERR_NOMEM. bad_group may be NULL. When groups are
 * separated, a group typed with a character too few or too many is reported
 * as itself; typed without separators, a dropped character is reported at
 * its group or (1 time in 32 per group) a later one. Shown to users as
 * bad_group + 1.
 */
int crypto_recovery_key_parse(const char *text, size_t len, struct cf_recovery_key **out, size_t *bad_group);

/*
 * Seal kr under the recovery key. The recovery slot holds every compartment:
 * CF_ERR_PERMISSION unless kr holds CF_COMPARTMENT_MASK_ALL. Fast (no Argon2id).
 * CF_OK with *blob (malloc, caller frees with free()), CF_ERR_INVALID, CF_ERR_NOMEM.
 */
int crypto_keyslot_seal_recovery(const struct cf_keyring *kr, const struct cf_recovery_key *rk,
	const struct cf_keyslot_ad *ad, uint8_t **blob, size_t *blob_len);

/*
 * Open a recovery slot. Errors as crypto_keyslot_open_passphrase() (CF_ERR_AUTH
 * for a wrong but well-formed recovery key; CF_ERR_INVALID for a passphrase slot).
 * Caller frees *out with crypto_keyring_free().
 */
int crypto_keyslot_open_recovery(const uint8_t *blob, size_t blob_len, const struct cf_recovery_key *rk,
	const struct cf_keyslot_ad *ad, struct cf_keyring **out);

/* ------------------------------------------------------------ header MAC */

/*
 * BLAKE2b-256 keyed with the header MAC key, a subkey of the file key
 * (crypto_kdf_derive_from_key, context "cfhdrmac", subkey id 1), over len
 * bytes that the store serialises canonically (format fields and keyslot
 * metadata). CF_OK, CF_ERR_PERMISSION (kr has no file key), CF_ERR_INVALID.
 */
int crypto_header_mac(const struct cf_keyring *kr, const void *data, size_t len, uint8_t out[CF_MAC_BYTES]);

/* Recompute and compare in constant time: CF_OK, CF_ERR_DAMAGED (mismatch), or as crypto_header_mac(). */
int crypto_header_mac_verify(const struct cf_keyring *kr, const void *data, size_t len,
	const uint8_t mac[CF_MAC_BYTES]);

/* -------------------------------------------------------------- records */

/*
 * Where a record ciphertext belongs; all of it is bound into the AEAD
 * associated data (with the compartment and key id), so a ciphertext moved to
 * another file, table, column or row, or presented with another key id, or
 * with other plaintext columns (bound), fails.
 * table, column: NUL-terminated ASCII names, 1..CF_AD_NAME_MAX bytes.
 * bound: the row's plaintext columns as record_bound() serialises them
 * (carefile/record.h), bound_len <= CF_RECORD_BOUND_MAX; required.
 * accept_v1: open a version-1 blob (sealed before bound columns existed,
 * with the version-1 AD, bound ignored) instead of refusing it; core sets
 * it only for rows not yet upgraded (version 0) of a compartment the file
 * header still lists as holding such rows.
 */
struct cf_record_ad {
	uint32_t format_version;
	const uint8_t *file_id;   /* CF_FILE_ID_BYTES */
	const char *table;
	const char *column;
	const uint8_t *row_uuid;  /* CF_UUID_BYTES */
	const uint8_t *bound;
	size_t bound_len;
	bool accept_v1;
};

/*
 * Record blob, version 3 (CF_RECORD_OVERHEAD = 46 bytes + padded length):
 *     0  1 blob version = 3 (2: unpadded; 1: written before bound columns,
 *          see accept_v1; both still open, neither is written)
 *     1  1 compartment (enum cf_compartment)
 *     2  4 key id (u32)
 *     6 24 XChaCha20-Poly1305 nonce, fresh from the CSPRNG for every seal
 *    30  n ciphertext of the plaintext padded to its size bucket
 *          (crypto_record_padded_size(): ISO/IEC 7816-4, one 0x80 byte then
 *          zeros), so a ciphertext's length tells only the bucket
 *  30+n 16 Poly1305 tag
 * Associated data, each field prefixed by its length as u32:
 *   "carefile record v3" | u32 format_version | u8 compartment | u32 key id |
 *   file id (16) | table | column | row uuid (16) | bound
 * (version 2: "carefile record v2"; version 1: "carefile record v1" and no
 * bound field).
 */
#define CF_RECORD_BLOB_VERSION 3
#define CF_RECORD_BLOB_VERSION_2 2
#define CF_RECORD_BLOB_VERSION_1 1
#define CF_RECORD_HEADER_BYTES 30
#define CF_RECORD_OVERHEAD 46
/* Largest plaintext accepted for one record (bytes). */
#define CF_RECORD_MAX_PLAIN (64u * 1024 * 1024)

/*
 * Size buckets of record plaintexts (bytes): the smallest of 64, 128, ...,
 * 16384 that holds plain_len + 1 (the padding's 0x80), above that the next
 * multiple of 16384. crypto_record_sealed_size(): the blob's length,
 * padded size + CF_RECORD_OVERHEAD.
 */
size_t crypto_record_padded_size(size_t plain_len);
size_t crypto_record_sealed_size(size_t plain_len);

/*
 * Seal plain_len bytes (plain may be NULL when plain_len is 0) under the key
 * of compartment c with its current key id. CF_OK with *blob (malloc; caller
 * frees with free()) and *blob_len = crypto_record_sealed_size(plain_len);
 * CF_ERR_PERMISSION (c not held), CF_ERR_INVALID (bad c or AD, too long), CF_ERR_NOMEM.
 */
int crypto_record_seal(const struct cf_keyring *kr, enum cf_compartment c, const struct cf_record_ad *ad,
	const void *plain, size_t plain_len, uint8_t **blob, size_t *blob_len);

/*
 * As crypto_record_seal(), into out (out_size >=
 * crypto_record_sealed_size(plain_len) bytes; ordinary memory: it is
 * ciphertext), for writers that seal many records with one buffer. The
 * padded plaintext goes through one secure scratch buffer the crypto layer
 * keeps (single-threaded). CF_OK, CF_ERR_PERMISSION, CF_ERR_INVALID,
 * CF_ERR_NOMEM.
 */
int crypto_record_seal_into(const struct cf_keyring *kr, enum cf_compartment c, const struct cf_record_ad *ad,
	const void *plain, size_t plain_len, uint8_t *out, size_t out_size);

/*
 * Open a record. CF_OK with *plain in secure memory (plain_len bytes plus a
 * NUL terminator not counted in *plain_len; caller frees with
 * crypto_secure_free()); CF_ERR_PERMISSION (compartment c not held);
 * CF_ERR_DAMAGED (too short, unknown version, compartment or key id not the
 * one expected, tag or AD mismatch: moved or tampered); CF_ERR_INVALID (bad
 * arguments); CF_ERR_NOMEM.
 */
int crypto_record_open(const struct cf_keyring *kr, enum cf_compartment c, const struct cf_record_ad *ad,
	const uint8_t *blob, size_t blob_len, char **plain, size_t *plain_len);

/*
 * As crypto_record_open(), but the plaintext (+ NUL) goes into out, secure
 * memory of out_size >= blob_len - CF_RECORD_OVERHEAD + 1 bytes the caller
 * reuses for many records (one secure allocation for a whole list, not one
 * per record). *plain_len gets the length. Errors as crypto_record_open();
 * out is wiped on failure.
 */
int crypto_record_open_buf(const struct cf_keyring *kr, enum cf_compartment c, const struct cf_record_ad *ad,
	const uint8_t *blob, size_t blob_len, uint8_t *out, size_t out_size, size_t *plain_len);

/*
 * As crypto_record_open(), but the plaintext (+ NUL) goes into arena (for
 * decrypting many names into a search cache). Borrowed from the arena.
 */
int crypto_record_open_arena(const struct cf_keyring *kr, enum cf_compartment c, const struct cf_record_ad *ad,
	const uint8_t *blob, size_t blob_len, struct cf_secure_arena *arena, char **plain, size_t *plain_len);

/*
 * The drop box: a write-only way into a compartment. A writer that does not
 * hold compartment c (a hotline worker raising an alert for counselors) seals
 * a record to c's drop public key; only holders of c's key open it, through
 * crypto_record_open*() like any record.
 *
 * Drop key pair of compartment c at key id k: X25519 (crypto_box) from the
 * seed KDF(c's key, subkey id k, context "cfdropbx"). Holders derive the same
 * pair; core publishes the public key signed by a holder (see casefile.h).
 *
 * Record blob, version 4 (dropped; CF_RECORD_DROP_OVERHEAD = 54 bytes +
 * padded length, the same size buckets as version 3):
 *     0  1 blob version = 4
 *     1  1 compartment
 *     2  4 key id of the compartment key whose drop key pair it is sealed to
 *     6 32 ephemeral X25519 public key, fresh for every seal
 *    38  n XChaCha20-Poly1305 ciphertext of the padded plaintext, nonce 0
 *          (the key is used once): key = BLAKE2b-256 keyed by
 *          "carefile drop v1" of X25519(ephemeral, drop key) | ephemeral
 *          public key | drop public key
 *  38+n 16 Poly1305 tag
 * Associated data as version 3, domain "carefile record v4". A version-4 blob
 * says nothing about who wrote it: core signs that in the audit log.
 */
#define CF_RECORD_BLOB_VERSION_DROP 4
#define CF_RECORD_DROP_OVERHEAD 54

/*
 * The drop public key of compartment c's current key into pk, and its key id
 * into *key_id. CF_OK, CF_ERR_PERMISSION (c not held), CF_ERR_INVALID, CF_ERR_NOMEM.
 */
int crypto_drop_public_key(const struct cf_keyring *kr, enum cf_compartment c, uint32_t *key_id,
	uint8_t pk[CF_PUBLIC_KEY_BYTES]);

/* Length of a version-4 blob of plain_len bytes: padded size + CF_RECORD_DROP_OVERHEAD. */
size_t crypto_record_dropped_size(size_t plain_len);

/*
 * Seal plain_len bytes to drop public key pk (compartment c, key id key_id),
 * bound to ad, into out (out_size >= crypto_record_dropped_size(plain_len)).
 * Needs no keyring. CF_OK, CF_ERR_INVALID (bad arguments, too long, a public
 * key of small order), CF_ERR_NOMEM.
 */
int crypto_record_drop_into(enum cf_compartment c, uint32_t key_id, const uint8_t pk[CF_PUBLIC_KEY_BYTES],
	const struct cf_record_ad *ad, const void *plain, size_t plain_len, uint8_t *out, size_t out_size);

/* The compartment and key id a record blob names, without opening it. CF_OK or CF_ERR_DAMAGED. */
int crypto_record_info(const uint8_t *blob, size_t blob_len, enum cf_compartment *c, uint32_t *key_id);

/* ---------------------------------------------------------- blind index */

/*
 * Keyed BLAKE2b-256 of len bytes for exact look-ups of high-entropy
 * identifiers (e.g. a student number) without storing them in plaintext.
 * Key: subkey of compartment c's key (crypto_kdf, context "cfblind1", id 1);
 * input: u32 length + domain (e.g. "student.number") | u32 length + data.
 * Same input, same keyring, same output. CF_OK, CF_ERR_PERMISSION, CF_ERR_INVALID.
 */
int crypto_blind_index(const struct cf_keyring *kr, enum cf_compartment c, const char *domain,
	const void *data, size_t len, uint8_t out[CF_BLIND_INDEX_BYTES]);

/* ---------------------------------------------------------------- grants */

/*
 * Grants let a user who holds compartments hand them to another user without
 * that user's passphrase (e.g. "user grant NAME --role R", or a holder who
 * unlocks and finds an entitled account without the key): the keys are
 * sealed from the granter's X25519 key to the recipient's (crypto_box: the
 * recipient learns which account sealed it, and core checks that account
 * against the signed directory), the store keeps the blob, and at the
 * recipient's next unlock it opens the grant, merges the keys, and re-seals
 * the recipient's passphrase slot. Anonymous version-1 grants
 * (crypto_box_seal: anyone with a public key could plant one) are refused.
 *
 * Grant blob, version 2 (CF_GRANT_BLOB_BYTES = 241 bytes):
 *     0   1 blob version = 2
 *     1  24 nonce (random)
 *    25 216 crypto_box_easy (X25519 + XSalsa20-Poly1305, 16-byte tag), granter's
 *           secret key to recipient's public key, of 200 bytes:
 *           file id (16) | BLAKE2b-256 of the recipient slot id (32) |
 *           u32 format_version | u8 mask | 3 reserved 0 |
 *           for compartment 0..3: u32 key id (0 = not granted) + 32-byte key (zeros)
 */
#define CF_GRANT_BLOB_BYTES 241

/*
 * Seal the keys of the compartments in mask, from granter, to the user whose
 * public key is recipient_pk, bound to ad (file, format version, recipient slot id).
 * CF_OK with *blob (malloc; caller frees with free()); CF_ERR_PERMISSION
 * (granter lacks a compartment in mask), CF_ERR_INVALID, CF_ERR_NOMEM.
 */
int crypto_grant_seal(const struct cf_keyring *granter, cf_compartment_mask mask,
	const uint8_t recipient_pk[CF_PUBLIC_KEY_BYTES], const struct cf_keyslot_ad *ad,
	uint8_t **blob, size_t *blob_len);

/*
 * Open a grant that granter_pk (the granter's X25519 public key, as the
 * verified directory lists it) sealed to kr, and merge its keys into kr (a
 * compartment already held with an equal or newer key id is kept). On success
 * *granted (may be NULL) gets the mask the grant carried. CF_OK;
 * CF_ERR_DAMAGED (malformed, a version-1 anonymous grant, not from granter_pk,
 * not for this key pair, file or slot id); CF_ERR_INVALID; CF_ERR_NOMEM.
 * kr is unchanged on error.
 */
int crypto_grant_open(struct cf_keyring *kr, const uint8_t *blob, size_t blob_len,
	const struct cf_keyslot_ad *ad, const uint8_t granter_pk[CF_PUBLIC_KEY_BYTES], cf_compartment_mask *granted);

#endif
