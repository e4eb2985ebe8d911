/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs the libFuzzer roster target over the seed corpus plus bounded, fixed-seed mutations, as a normal test. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

/* xorshift64*: deterministic, so a failure reproduces. */
static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static const char *const tokens[] = {
	",", ";", "\t", "\"", "\"\"", "\n", "\r\n", "\r", "\xEF\xBB\xBF", "\xFF\xFE", "\xFE\xFF", "\xFF",
	"\x81", "\xC3", "\0", "　", "１", "学号", "姓名", "出生日期", "1.38E+10", "60", "2010-02-30",
	"=", "@", "曾", "尉迟", ",,,,,,", "\"a\nb\"",
};

/* One random edit of buf (len bytes, capacity cap); returns the new length. */
static size_t
mutate(uint8_t *buf, size_t len, size_t cap)
{
	int kind = (int)(rng() % 5);
	size_t pos = len ? (size_t)(rng() % (len + 1)) : 0;
	switch (kind) {
	case 0: /* flip a bit */
		if (len)
			buf[pos % len] ^= (uint8_t)(1u << (rng() % 8));
		break;
	case 1: /* random byte */
		if (len)
			buf[pos % len] = (uint8_t)rng();
		break;
	case 2: { /* delete a span */
		size_t n = len - pos < 16 ? len - pos : (size_t)(rng() % 16);
		memmove(buf + pos, buf + pos + n, len - pos - n);
		len -= n;
		break;
	}
	case 3: { /* insert a token */
		const char *t = tokens[rng() % (sizeof(tokens) / sizeof(tokens[0]))];
		size_t n = t[0] ? strlen(t) : 1;
		if (len + n <= cap) {
			memmove(buf + pos + n, buf + pos, len - pos);
			memcpy(buf + pos, t, n);
			len += n;
		}
		break;
	}
	case 4: /* truncate */
		len = pos;
		break;
	}
	return len;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, fp);
		if (got == 0)
			break;
		n += got;
	}
	fclose(fp);
	*len = n;
	return buf;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS_PER_SEED]\n", argv[0]);
		return 2;
	}
	long per_seed = argc > 2 ? strtol(argv[2], NULL, 10) : 200;
	DIR *d = opendir(argv[1]);
	if (!d) {
		perror(argv[1]);
		return 1;
	}
	char *names[512];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 512)
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str); /* fixed order: same mutations every run */
	if (n == 0) {
		fprintf(stderr, "empty corpus %s\n", argv[1]);
		return 1;
	}
	size_t runs = 0;
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
		size_t len;
		uint8_t *seed = slurp(path, &len);
		if (!seed) {
			perror(path);
			return 1;
		}
		LLVMFuzzerTestOneInput(seed, len);
		runs++;
		size_t cap = len + 256;
		uint8_t *buf = malloc(cap);
		if (!buf)
			return 1;
		for (long m = 0; m < per_seed; m++) {
			size_t blen = len;
			memcpy(buf, seed, len);
			int edits = 1 + (int)(rng() % 4);
			for (int k = 0; k < edits; k++)
				blen = mutate(buf, blen, cap);
			/* exact-size copy so ASan catches reads past the end */
			uint8_t *exact = malloc(blen ? blen : 1);
			if (!exact)
				return 1;
			memcpy(exact, buf, blen);
			LLVMFuzzerTestOneInput(exact, blen);
			free(exact);
			runs++;
		}
		free(buf);
		free(seed);
		free(names[i]);
	}
	printf("fuzz_roster_replay: %zu inputs from %zu seeds, no invariant failed\n", runs, n);
	return 0;
}
