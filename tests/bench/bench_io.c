/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark (not a test): roster parsing rows/second and pinyin matches/second; prints figures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carefile/error.h"
#include "carefile/pinyin.h"
#include "carefile/roster.h"

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

int
main(void)
{
	const char *dir = getenv("SAMPLES_DIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/roster-utf8.csv", dir ? dir : "../shared/samples");
	size_t len;
	char *src = slurp(path, &len);
	if (!src) {
		perror(path);
		return 1;
	}
	/* Header once, then the data rows COPIES times with unique student numbers ("K<k>" prefix). */
	enum { COPIES = 40 };
	char *body = strchr(src, '\n') + 1;
	size_t hdr_len = (size_t)(body - src), body_len = len - hdr_len;
	size_t cap = hdr_len + COPIES * (body_len + 600 * 5) + 1;
	char *big = malloc(cap);
	if (!big)
		return 1;
	memcpy(big, src, hdr_len);
	size_t o = hdr_len;
	for (int k = 0; k < COPIES; k++) {
		for (const char *p = body; *p;) {
			const char *nl = strchr(p, '\n');
			size_t l = nl ? (size_t)(nl - p) + 1 : strlen(p);
			o += (size_t)snprintf(big + o, cap - o, "K%d", k);
			memcpy(big + o, p, l);
			o += l;
			p += l;
		}
	}
	struct cf_roster *r = NULL;
	double t0 = now();
	int rc = roster_read_buffer(big, o, &r, NULL);
	double t1 = now();
	if (rc != CF_OK || r->n_errors != 0) {
		fprintf(stderr, "roster_read_buffer: %s\n", cf_error_name(rc));
		return 1;
	}
	printf("roster parse: %zu rows, %.1f KiB in %.3f s: %.0f rows/s, %.1f MiB/s\n", r->n_rows,
	       (double)o / 1024, t1 - t0, (double)r->n_rows / (t1 - t0), (double)o / (1 << 20) / (t1 - t0));

	/* 3000 names for pinyin */
	enum { NAMES = 3000 };
	const char *names[NAMES];
	for (size_t i = 0; i < NAMES; i++)
		names[i] = r->rows[i].student.name;
	static const char *const queries[] = { "z", "zs", "zhang", "zhangs", "wangx", "lxl", "张", "hcy", "xiao", "chen" };
	const size_t nq = sizeof(queries) / sizeof(queries[0]);
	size_t hits = 0, runs = 0;
	t0 = now();
	for (int rep = 0; rep < 10; rep++)
		for (size_t q = 0; q < nq; q++)
			for (size_t i = 0; i < NAMES; i++) {
				hits += pinyin_match(names[i], queries[q]);
				runs++;
			}
	t1 = now();
	printf("pinyin_match: %zu matches over %d names in %.3f s: %.0f matches/s (%zu hits); one keystroke over %d names: %.2f ms\n",
	       runs, NAMES, t1 - t0, (double)runs / (t1 - t0), hits, NAMES, (t1 - t0) / (double)(runs / NAMES) * 1000);
	t0 = now();
	char key[256];
	for (size_t i = 0; i < NAMES; i++)
		pinyin_sort_key(names[i], key, sizeof(key));
	t1 = now();
	printf("pinyin_sort_key: %d keys in %.4f s: %.0f keys/s\n", NAMES, t1 - t0, NAMES / (t1 - t0));
	roster_free(&r);
	free(big);
	free(src);
	return 0;
}
