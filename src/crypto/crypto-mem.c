/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Crypto layer basics: init, secure memory and arenas, randomness, uuids, hex, hashes, byte helpers. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/crypto.h"
#include "carefile/crypto_testing.h"
#include "crypto-internal.h"

int
crypto_init(void)
{
	return sodium_init() < 0 ? CF_ERR_CRYPTO : CF_OK;
}

/* ------------------------------------------------------- secure memory */

/* Set (never cleared) once an allocation could not be locked into RAM. The program is single-threaded. */
static int memory_unlocked;

/*
 * sodium_malloc() ignores a failed mlock (RLIMIT_MEMLOCK too low, no CAP_IPC_LOCK) and hands out
 * memory that may be swapped. Locking the block again tells: the kernel does not count pages that
 * are locked already, and sodium_free() unlocks the whole block.
 */
void *
crypto_sodium_malloc(size_t size)
{
	void *p = sodium_malloc(size);

	if (p != NULL && !memory_unlocked && sodium_mlock(p, size) != 0)
		memory_unlocked = 1;
	return p;
}

bool
crypto_memory_locked(void)
{
	return !memory_unlocked;
}

void *
crypto_secure_alloc(size_t size)
{
	void *p;

	if (size == 0)
		return NULL;
	p = crypto_sodium_malloc(size);
	if (p != NULL)
		sodium_memzero(p, size);
	return p;
}

void
crypto_secure_free(void *p)
{
	if (p != NULL)
		sodium_free(p);
}

void
crypto_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		sodium_memzero(p, len);
}

int
crypto_memcmp(const void *a, const void *b, size_t len)
{
	return sodium_memcmp(a, b, len) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------- arena */

#define ARENA_ALIGN 8u
#define ARENA_PAGE 4096u
#define ARENA_DEFAULT_CHUNK (1024u * 1024u)

struct arena_chunk {
	struct arena_chunk *next;
	uint8_t *mem;   /* sodium_malloc, size bytes */
	size_t size;
	size_t used;
};

struct cf_secure_arena {
	struct arena_chunk *head;   /* current chunk first */
	size_t chunk_bytes;
	size_t used;
	size_t nchunks;
};

static size_t
round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

/*
 * The chunk's size is a multiple of the page size, so sodium_malloc's pointer
 * (which ends at a page boundary) is page aligned and offsets give alignment.
 */
static struct arena_chunk *
arena_chunk_new(size_t size)
{
	struct arena_chunk *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->mem = crypto_sodium_malloc(size);
	if (c->mem == NULL) {
		free(c);
		return NULL;
	}
	sodium_memzero(c->mem, size);
	c->size = size;
	return c;
}

static void
arena_chunk_free(struct arena_chunk *c)
{
	sodium_free(c->mem);   /* wipes */
	free(c);
}

int
crypto_arena_new(size_t chunk_bytes, struct cf_secure_arena **out)
{
	struct cf_secure_arena *a;

	*out = NULL;
	if (chunk_bytes == 0)
		chunk_bytes = ARENA_DEFAULT_CHUNK;
	if (chunk_bytes > SIZE_MAX - ARENA_PAGE)
		return CF_ERR_NOMEM;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return CF_ERR_NOMEM;
	a->chunk_bytes = round_up(chunk_bytes, ARENA_PAGE);
	*out = a;
	return CF_OK;
}

void
crypto_arena_free(struct cf_secure_arena **arena)
{
	struct arena_chunk *c, *next;

	if (arena == NULL || *arena == NULL)
		return;
	for (c = (*arena)->head; c != NULL; c = next) {
		next = c->next;
		arena_chunk_free(c);
	}
	free(*arena);
	*arena = NULL;
}

void
crypto_arena_reset(struct cf_secure_arena *arena)
{
	struct arena_chunk *c, *next, *keep = NULL;

	if (arena == NULL)
		return;
	for (c = arena->head; c != NULL; c = next) {
		next = c->next;
		if (keep == NULL && c->size == arena->chunk_bytes) {
			sodium_memzero(c->mem, c->used);
			c->used = 0;
			c->next = NULL;
			keep = c;
		} else {
			arena_chunk_free(c);
		}
	}
	arena->head = keep;
	arena->nchunks = keep != NULL ? 1 : 0;
	arena->used = 0;
}

void *
crypto_arena_alloc(struct cf_secure_arena *arena, size_t size)
{
	struct arena_chunk *c;
	size_t need;
	void *p;

	if (arena == NULL || size == 0 || size > SIZE_MAX - ARENA_PAGE)
		return NULL;
	need = round_up(size, ARENA_ALIGN);
	c = arena->head;
	if (c == NULL || c->size - c->used < need) {
		size_t csize = need > arena->chunk_bytes ? round_up(need, ARENA_PAGE) : arena->chunk_bytes;

		if (need > arena->chunk_bytes && c != NULL) {
			/* An oversized item gets its own chunk behind the current one. */
			struct arena_chunk *big = arena_chunk_new(csize);

			if (big == NULL)
				return NULL;
			big->used = need;
			big->next = c->next;
			c->next = big;
			arena->nchunks++;
			arena->used += size;
			return big->mem;
		}
		c = arena_chunk_new(csize);
		if (c == NULL)
			return NULL;
		c->next = arena->head;
		arena->head = c;
		arena->nchunks++;
	}
	p = c->mem + c->used;
	c->used += need;
	arena->used += size;
	return p;
}

char *
crypto_arena_memdup(struct cf_secure_arena *arena, const void *p, size_t len)
{
	char *s;

	if (len == SIZE_MAX)
		return NULL;
	s = crypto_arena_alloc(arena, len + 1);
	if (s == NULL)
		return NULL;
	if (len > 0)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

char *
crypto_arena_strdup(struct cf_secure_arena *arena, const char *s)
{
	return s == NULL ? NULL : crypto_arena_memdup(arena, s, strlen(s));
}

size_t
crypto_arena_used(const struct cf_secure_arena *arena)
{
	return arena != NULL ? arena->used : 0;
}

size_t
crypto_arena_chunks(const struct cf_secure_arena *arena)
{
	return arena != NULL ? arena->nchunks : 0;
}

/* ------------------------------------------------------ random and ids */

void
crypto_random_bytes(void *p, size_t len)
{
	randombytes_buf(p, len);
}

void
crypto_random_uuid(uint8_t out[CF_UUID_BYTES])
{
	randombytes_buf(out, CF_UUID_BYTES);
	out[6] = (uint8_t)((out[6] & 0x0f) | 0x40);   /* version 4 (RFC 9562 §5.4) */
	out[8] = (uint8_t)((out[8] & 0x3f) | 0x80);   /* variant 10 */
}

static const char hexdigits[] = "0123456789abcdef";

void
crypto_uuid_format(const uint8_t uuid[CF_UUID_BYTES], char out[CF_UUID_TEXT_SIZE])
{
	size_t o = 0;

	for (size_t i = 0; i < CF_UUID_BYTES; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hexdigits[uuid[i] >> 4];
		out[o++] = hexdigits[uuid[i] & 0x0f];
	}
	out[o] = '\0';
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
crypto_uuid_parse(const char *text, uint8_t out[CF_UUID_BYTES])
{
	uint8_t tmp[CF_UUID_BYTES];
	size_t o = 0;

	if (text == NULL || strlen(text) != CF_UUID_TEXT_SIZE - 1)
		return CF_ERR_INVALID;
	for (size_t i = 0; i < CF_UUID_TEXT_SIZE - 1;) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (text[i] != '-')
				return CF_ERR_INVALID;
			i++;
			continue;
		}
		hi = hex_value(text[i]);
		lo = hex_value(text[i + 1]);
		if (hi < 0 || lo < 0)
			return CF_ERR_INVALID;
		tmp[o++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	memcpy(out, tmp, sizeof(tmp));
	return CF_OK;
}

int
crypto_hex_encode(const void *p, size_t len, char *out, size_t out_size)
{
	const uint8_t *b = p;

	if (out == NULL || out_size == 0)
		return CF_ERR_INVALID;
	if (len > (out_size - 1) / 2) {
		out[0] = '\0';
		return CF_ERR_INVALID;
	}
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hexdigits[b[i] >> 4];
		out[2 * i + 1] = hexdigits[b[i] & 0x0f];
	}
	out[2 * len] = '\0';
	return CF_OK;
}

int
crypto_hex_decode(const char *hex, uint8_t *out, size_t out_len)
{
	if (hex == NULL || strlen(hex) != 2 * out_len)
		return CF_ERR_INVALID;
	for (size_t i = 0; i < out_len; i++)
		if (hex_value(hex[2 * i]) < 0 || hex_value(hex[2 * i + 1]) < 0)
			return CF_ERR_INVALID;
	for (size_t i = 0; i < out_len; i++)
		out[i] = (uint8_t)(hex_value(hex[2 * i]) << 4 | hex_value(hex[2 * i + 1]));
	return CF_OK;
}

void
crypto_hash_blake2b(const void *p, size_t len, uint8_t out[CF_HASH_BYTES])
{
	crypto_generichash(out, CF_HASH_BYTES, p, len, NULL, 0);
}

void
crypto_sha256(const void *p, size_t len, uint8_t out[CF_HASH_BYTES])
{
	crypto_hash_sha256(out, p, len);
}

/* ------------------------------------------------------- byte helpers */

void
crypto_put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void
crypto_put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint32_t
crypto_get_u32(const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t
crypto_get_u64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

void
crypto_ad_field(struct cf_ad_buf *b, const void *data, size_t len)
{
	if (b->failed || len > UINT32_MAX || b->cap - b->len < 4 || b->cap - b->len - 4 < len) {
		b->failed = 1;
		return;
	}
	crypto_put_u32(b->p + b->len, (uint32_t)len);
	b->len += 4;
	if (len > 0)
		memcpy(b->p + b->len, data, len);
	b->len += len;
}

void
crypto_ad_u32(struct cf_ad_buf *b, uint32_t v)
{
	uint8_t tmp[4];

	crypto_put_u32(tmp, v);
	crypto_ad_field(b, tmp, sizeof(tmp));
}

void
crypto_ad_u8(struct cf_ad_buf *b, uint8_t v)
{
	crypto_ad_field(b, &v, 1);
}

/* ------------------------------------------------------ test primitives */

int
crypto_testing_blake2b(uint8_t *out, size_t out_len, const void *in, size_t in_len,
	const uint8_t *key, size_t key_len)
{
	if (out_len < crypto_generichash_BYTES_MIN || out_len > crypto_generichash_BYTES_MAX)
		return CF_ERR_INVALID;
	if (key_len != 0 && (key_len < crypto_generichash_KEYBYTES_MIN || key_len > crypto_generichash_KEYBYTES_MAX))
		return CF_ERR_INVALID;
	return crypto_generichash(out, out_len, in, in_len, key, key_len) == 0 ? CF_OK : CF_ERR_INVALID;
}

int
crypto_testing_xchacha_encrypt(uint8_t *out, const void *in, size_t in_len, const void *ad, size_t ad_len,
	const uint8_t nonce[24], const uint8_t key[32])
{
	crypto_aead_xchacha20poly1305_ietf_encrypt(out, NULL, in, in_len, ad, ad_len, NULL, nonce, key);
	return CF_OK;
}

int
crypto_testing_xchacha_decrypt(uint8_t *out, const uint8_t *in, size_t in_len, const void *ad, size_t ad_len,
	const uint8_t nonce[24], const uint8_t key[32])
{
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, in, in_len, ad, ad_len, nonce, key) != 0)
		return CF_ERR_DAMAGED;
	return CF_OK;
}
