/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Recovery key: generation and the human text form with one check character per group. */
#include <sodium.h>
#include <string.h>

#include "carefile/crypto.h"
#include "crypto-internal.h"

/* Crockford base32 (https://www.crockford.com/base32.html): no I, L, O, U. */
static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#define KEY_BYTES 32
#define DATA_PER_GROUP 4
#define GROUP_CHARS (DATA_PER_GROUP + 1)
#define DATA_CHARS (CF_RECOVERY_GROUPS * DATA_PER_GROUP)   /* 52 = ceil(256 / 5) */
#define SYMBOLS (CF_RECOVERY_GROUPS * GROUP_CHARS)          /* 65 */
#define INVALID 0xff

_Static_assert(DATA_CHARS * 5 >= KEY_BYTES * 8 && (DATA_CHARS - 1) * 5 < KEY_BYTES * 8, "data characters");
_Static_assert(SYMBOLS + CF_RECOVERY_GROUPS - 1 == CF_RECOVERY_TEXT_LEN, "text length");

struct cf_recovery_key {
	uint8_t key[KEY_BYTES];
};

const uint8_t *
crypto_recovery_key_bytes(const struct cf_recovery_key *rk)
{
	return rk->key;
}

int
crypto_recovery_key_generate(struct cf_recovery_key **out)
{
	struct cf_recovery_key *rk = crypto_sodium_malloc(sizeof(*rk));

	*out = NULL;
	if (rk == NULL)
		return CF_ERR_NOMEM;
	randombytes_buf(rk->key, KEY_BYTES);
	*out = rk;
	return CF_OK;
}

void
crypto_recovery_key_free(struct cf_recovery_key **rk)
{
	if (rk == NULL || *rk == NULL)
		return;
	sodium_free(*rk);
	*rk = NULL;
}

/* Multiplication in GF(32) = GF(2)[x] / (x^5 + x^2 + 1); constant time (no tables indexed by secrets). */
static uint8_t
gf32_mul(uint8_t a, uint8_t b)
{
	uint8_t r = 0;

	for (int i = 0; i < 5; i++) {
		r ^= (uint8_t)(-(b >> i & 1) & a);
		a = (uint8_t)(a << 1);
		a ^= (uint8_t)(-(a >> 5 & 1) & 0x25);
	}
	return r & 0x1f;
}

/* check = a^1*d0 + a^2*d1 + a^3*d2 + a^4*d3 + a^5*(g + 1), a = x = 2. */
static uint8_t
group_check(size_t g, const uint8_t *d)
{
	uint8_t pow = 2, sum = 0;

	for (int i = 0; i < DATA_PER_GROUP; i++) {
		sum ^= gf32_mul(pow, d[i]);
		pow = gf32_mul(pow, 2);
	}
	sum ^= gf32_mul(pow, (uint8_t)(g + 1));
	return sum;
}

/* Value of one typed character, INVALID if not in the alphabet (I, L read as 1; O as 0). */
static uint8_t
symbol_value(unsigned char ch)
{
	if (ch >= 'a' && ch <= 'z')
		ch = (unsigned char)(ch - 'a' + 'A');
	if (ch == 'I' || ch == 'L')
		ch = '1';
	else if (ch == 'O')
		ch = '0';
	/* Scan the whole alphabet whatever the character: no timing hint of the key's characters. */
	unsigned int found = INVALID;

	for (unsigned int v = 0; v < 32; v++) {
		unsigned int eq = (unsigned int)((unsigned char)alphabet[v] ^ ch);

		eq = ((eq | (0u - eq)) >> 31) ^ 1u;   /* 1 when equal */
		found ^= (found ^ v) & (0u - eq);
	}
	return (uint8_t)found;
}

static int
is_separator(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '-' || ch == '_' || ch == '\n' || ch == '\r';
}

int
crypto_recovery_key_format(const struct cf_recovery_key *rk, char *out, size_t out_size)
{
	struct {
		uint8_t data[DATA_CHARS];
	} *s;
	size_t o = 0;

	if (rk == NULL || out == NULL || out_size < CF_RECOVERY_TEXT_SIZE) {
		if (out != NULL && out_size > 0)
			out[0] = '\0';
		return CF_ERR_INVALID;
	}
	s = crypto_sodium_malloc(sizeof(*s));
	if (s == NULL)
		return CF_ERR_NOMEM;
	/* 5 bits per character, big-endian, 4 zero bits after the 256 key bits. */
	for (size_t k = 0; k < DATA_CHARS; k++) {
		unsigned int v = 0;

		for (size_t b = 0; b < 5; b++) {
			size_t bit = k * 5 + b;
			unsigned int x = bit < KEY_BYTES * 8 ? (rk->key[bit / 8] >> (7 - bit % 8)) & 1u : 0;

			v = v << 1 | x;
		}
		s->data[k] = (uint8_t)v;
	}
	for (size_t g = 0; g < CF_RECOVERY_GROUPS; g++) {
		if (g > 0)
			out[o++] = '-';
		for (size_t i = 0; i < DATA_PER_GROUP; i++)
			out[o++] = alphabet[s->data[g * DATA_PER_GROUP + i]];
		out[o++] = alphabet[group_check(g, s->data + g * DATA_PER_GROUP)];
	}
	out[o] = '\0';
	sodium_free(s);
	return CF_OK;
}

/*
 * Check the groups a token of len symbols starting at symbol pos covers.
 * Returns the index of the first bad group, or SIZE_MAX when all are good.
 * A token whose length is not a multiple of 5 has a missing or extra
 * character. Shorter than two groups, it is one group typed with a character
 * too few or too many: that group is reported, whatever its check says.
 * Longer (groups typed without separators), the first whole group that fails
 * is reported, else the last, partial one.
 */
static size_t
check_token(const uint8_t *sym, size_t pos, size_t len, uint8_t *data)
{
	size_t first = pos / GROUP_CHARS, whole = len / GROUP_CHARS;

	if (len % GROUP_CHARS != 0 && len < 2 * GROUP_CHARS)
		return first < CF_RECOVERY_GROUPS ? first : CF_RECOVERY_GROUPS;

	for (size_t k = 0; k < whole; k++) {
		size_t g = first + k;
		const uint8_t *grp = sym + g * GROUP_CHARS;

		if (g >= CF_RECOVERY_GROUPS)
			return CF_RECOVERY_GROUPS;
		for (size_t i = 0; i < GROUP_CHARS; i++)
			if (grp[i] == INVALID)
				return g;
		if (group_check(g, grp) != grp[DATA_PER_GROUP])
			return g;
		memcpy(data + g * DATA_PER_GROUP, grp, DATA_PER_GROUP);
	}
	if (len % GROUP_CHARS != 0)
		return first + whole < CF_RECOVERY_GROUPS ? first + whole : CF_RECOVERY_GROUPS;
	return SIZE_MAX;
}

int
crypto_recovery_key_parse(const char *text, size_t len, struct cf_recovery_key **out, size_t *bad_group)
{
	struct {
		uint8_t sym[SYMBOLS + GROUP_CHARS];
		uint8_t data[DATA_CHARS];
	} *s;
	struct cf_recovery_key *rk;
	size_t n = 0, token_start = 0, bad = SIZE_MAX;

	*out = NULL;
	if (bad_group != NULL)
		*bad_group = 0;
	if (text == NULL && len > 0)
		return CF_ERR_INVALID;
	s = crypto_sodium_malloc(sizeof(*s));
	if (s == NULL)
		return CF_ERR_NOMEM;
	for (size_t i = 0; i <= len && bad == SIZE_MAX; i++) {
		if (i == len || is_separator(text[i])) {
			if (n > token_start)
				bad = check_token(s->sym, token_start, n - token_start, s->data);
			token_start = n;
			continue;
		}
		if (n == sizeof(s->sym)) {
			bad = CF_RECOVERY_GROUPS;   /* far too long: extra text after the key */
			break;
		}
		s->sym[n++] = symbol_value((unsigned char)text[i]);
	}
	if (bad == SIZE_MAX && n < SYMBOLS)
		bad = n / GROUP_CHARS;        /* missing groups */
	if (bad == SIZE_MAX && n > SYMBOLS)
		bad = CF_RECOVERY_GROUPS;
	/* The 4 bits after the key must be zero. */
	if (bad == SIZE_MAX && (s->data[DATA_CHARS - 1] & 0x0f) != 0)
		bad = CF_RECOVERY_GROUPS - 1;
	if (bad != SIZE_MAX) {
		if (bad_group != NULL)
			*bad_group = bad;
		sodium_free(s);
		return CF_ERR_RECOVERY_KEY;
	}
	rk = crypto_sodium_malloc(sizeof(*rk));
	if (rk == NULL) {
		sodium_free(s);
		return CF_ERR_NOMEM;
	}
	sodium_memzero(rk->key, KEY_BYTES);
	for (size_t bit = 0; bit < KEY_BYTES * 8; bit++) {
		unsigned int x = (s->data[bit / 5] >> (4 - bit % 5)) & 1u;

		rk->key[bit / 8] = (uint8_t)(rk->key[bit / 8] | x << (7 - bit % 8));
	}
	sodium_free(s);
	*out = rk;
	return CF_OK;
}
