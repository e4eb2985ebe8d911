/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark (not a test): load (decrypt + keys + sort) and search over 3000 students; secure memory used. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "carefile/casefile.h"
#include "carefile/crypto.h"
#include "carefile/students.h"

#define N_STUDENTS 3000

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
unlock(struct cf_casefile *cf)
{
	size_t n = strlen(CF_DEMO_PASSPHRASE);
	char *p = crypto_secure_alloc(n + 1);
	int e;

	if (!p)
		return CF_ERR_NOMEM;
	memcpy(p, CF_DEMO_PASSPHRASE, n + 1);
	e = casefile_unlock(cf, CF_DEMO_USER, p, n);
	crypto_secure_free(p);
	return e;
}

int
main(void)
{
	static const char *const queries[] = { "z", "zs", "zhang", "zhangs", "wangxiaoming", "D1", "0042", "2班", "曾", "xyzzy" };
	char dir[] = "/tmp/cf-bench-XXXXXX", path[64];
	struct cf_casefile *cf = NULL;
	struct cf_students *idx = NULL;
	struct cf_kdf_params floor;
	enum cf_store_reason why;
	size_t *out, n = 0;
	double t0, t;
	int rc = 1;

	if (crypto_init() != CF_OK || !mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/b.carefile", dir);
	crypto_kdf_params_floor(&floor);
	{
		size_t len = strlen(CF_DEMO_PASSPHRASE);
		char *p = crypto_secure_alloc(len + 1);

		memcpy(p, CF_DEMO_PASSPHRASE, len + 1);
		if (casefile_create(path, CF_DEMO_USER, p, len, 1, &floor, NULL, &cf, &why) != CF_OK)
			goto out;
		crypto_secure_free(p);
	}
	t0 = now();
	if (students_demo_populate(cf, 7, N_STUDENTS) != CF_OK)
		goto out;
	printf("write %d students (one transaction): %.0f ms\n", N_STUDENTS, (now() - t0) * 1e3);
	casefile_close(&cf);
	if (casefile_open(path, &cf, &why) != CF_OK || unlock(cf) != CF_OK)
		goto out;

	t0 = now();
	if (students_load(cf, &idx) != CF_OK)
		goto out;
	t = now() - t0;
	printf("students_load: %zu students in %.1f ms (decrypt, decode, pinyin keys, sort)\n", students_count(idx),
	       t * 1e3);
	printf("secure memory in use: %zu bytes (%.0f bytes per student)\n", students_secure_bytes(idx),
	       (double)students_secure_bytes(idx) / (double)students_count(idx));
	out = malloc(students_count(idx) * sizeof *out);
	if (!out)
		goto out;
	for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
		int reps = 50;

		t0 = now();
		for (int r = 0; r < reps; r++)
			students_filter(idx, queries[q], NULL, out, &n);
		t = (now() - t0) / reps;
		printf("search %-14s %5zu hits  %7.3f ms per search\n", queries[q], n, t * 1e3);
	}
	free(out);
	rc = 0;
out:
	students_free(&idx);
	casefile_close(&cf);
	unlink(path);
	rmdir(dir);
	if (rc)
		fprintf(stderr, "bench_students: setup failed\n");
	return rc;
}
