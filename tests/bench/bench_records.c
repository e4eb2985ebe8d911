/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark (not a test): the record layer at a school's and a district's size; prints figures and ratios. */
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "carefile/casefile.h"
#include "carefile/crypto.h"
#include "carefile/pinyin.h"
#include "carefile/roster.h"
#include "carefile/students.h"

/*
 * usage: bench_records [N ...]        (default: 5000 50000)
 *
 * For each N fictional students (students_demo_populate(), with its
 * contacts) in a fresh case file, median and worst of RUNS runs:
 *   - list open: students_load() (every row decrypted, decoded, keyed,
 *     sorted), and the raw limit measured in the same run on the same file:
 *     the SQLite C API reading the same rows plus libsodium opening as many
 *     XChaCha20-Poly1305 ciphertexts of the same sizes into one buffer;
 *   - search per keystroke, p50 / p99 / worst, while typing names, pinyin
 *     initials, full pinyin and student numbers character by character
 *     (students_search_run(), as the list does);
 *   - import: the file's students exported to CSV and imported into an
 *     empty case file (read, plan, one-transaction apply), rows per second;
 *   - check: records authenticated per second;
 *   - resident memory after unlock and list open, in a child process, and
 *     the key derivation's transient peak reported separately.
 * Targets (issue 7, 2 cores, 50,000 students): list open within 3x the raw
 * limit, search p99 <= 16 ms, import >= 5,000 rows/s, RSS < 150 MiB.
 */

#define RUNS 5
#define QUERIES 60

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double
worst(const double *v, size_t n)
{
	double w = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i] > w)
			w = v[i];
	return w;
}

static char *
secret(const char *s)
{
	char *p = crypto_secure_alloc(strlen(s) + 1);

	if (p)
		memcpy(p, s, strlen(s) + 1);
	return p;
}

static struct cf_casefile *
open_unlocked(const char *path)
{
	struct cf_casefile *cf = NULL;
	enum cf_store_reason why;
	char *p = secret(CF_DEMO_PASSPHRASE);

	if (!p || casefile_open(path, &cf, &why) != CF_OK || casefile_unlock(cf, CF_DEMO_USER, p, strlen(p)) != CF_OK) {
		fprintf(stderr, "bench: cannot open %s\n", path);
		exit(1);
	}
	crypto_secure_free(p);
	return cf;
}

static void
make_file(const char *path, size_t n)
{
	struct cf_casefile *cf = NULL;
	struct cf_kdf_params floor;
	enum cf_store_reason why;
	char *p = secret(CF_DEMO_PASSPHRASE);
	double t0;

	crypto_kdf_params_floor(&floor);
	if (casefile_create(path, CF_DEMO_USER, p, strlen(p), 1, &floor, NULL, &cf, &why) != CF_OK) {
		fprintf(stderr, "bench: cannot create %s\n", path);
		exit(1);
	}
	crypto_secure_free(p);
	t0 = now();
	if (students_demo_populate(cf, 7, n) != CF_OK) {
		fprintf(stderr, "bench: populate failed\n");
		exit(1);
	}
	printf("  write %zu students with contacts (one transaction): %.2f s (%.0f students/s)\n", n, now() - t0,
	       (double)n / (now() - t0));
	casefile_close(&cf);
}

/* The raw limit: SQLite reading the rows, then libsodium opening as many ciphertexts of the same sizes. */
static double
raw_limit(const char *path, size_t *rows)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	size_t cap = 1 << 16, n = 0, *sizes = malloc(cap * sizeof *sizes);
	uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES], nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	uint8_t *cts = NULL, *out;
	size_t total = 0, off = 0, biggest = 0;
	double t0, t_sql, t_aead;

	t0 = now();
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT id, uuid, compartment, version, created, updated, status, data FROM student",
	                       -1, &s, NULL) != SQLITE_OK)
		exit(1);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (n == cap)
			sizes = realloc(sizes, (cap *= 2) * sizeof *sizes);
		(void)sqlite3_column_blob(s, 7);
		sizes[n++] = (size_t)sqlite3_column_bytes(s, 7);
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	t_sql = now() - t0;
	/* ciphertexts of the same sizes, sealed outside the timing */
	for (size_t i = 0; i < n; i++) {
		total += sizes[i];
		if (sizes[i] > biggest)
			biggest = sizes[i];
	}
	cts = malloc(total);
	out = sodium_malloc(biggest);
	randombytes_buf(key, sizeof key);
	randombytes_buf(nonce, sizeof nonce);
	for (size_t i = 0; i < n; i++) {
		size_t plen = sizes[i] - 46;

		memset(out, 'x', plen);
		crypto_aead_xchacha20poly1305_ietf_encrypt(cts + off, NULL, out, plen, (const uint8_t *)"ad", 2, NULL, nonce,
		                                           key);
		off += plen + crypto_aead_xchacha20poly1305_ietf_ABYTES;
	}
	t0 = now();
	off = 0;
	for (size_t i = 0; i < n; i++) {
		size_t clen = sizes[i] - 46 + crypto_aead_xchacha20poly1305_ietf_ABYTES;

		if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, NULL, NULL, cts + off, clen, (const uint8_t *)"ad", 2,
		                                               nonce, key) != 0)
			exit(1);
		off += clen;
	}
	t_aead = now() - t0;
	sodium_free(out);
	free(cts);
	free(sizes);
	*rows = n;
	return t_sql + t_aead;
}

static void
bench_list_open(const char *path, size_t n)
{
	double open_t[RUNS], raw_t[RUNS];
	size_t rows = 0;

	for (int r = 0; r < RUNS; r++) {
		struct cf_casefile *cf = open_unlocked(path);
		struct cf_students *idx = NULL;
		double t0 = now();

		if (students_load(cf, &idx) != CF_OK || students_count(idx) != n) {
			fprintf(stderr, "bench: load failed\n");
			exit(1);
		}
		open_t[r] = now() - t0;
		students_free(&idx);
		casefile_close(&cf);
		raw_t[r] = raw_limit(path, &rows);
	}
	{
		double mo = median(open_t, RUNS), mr = median(raw_t, RUNS);

		printf("  list open (students_load): median %.1f ms, worst %.1f ms\n", mo * 1e3, worst(open_t, RUNS) * 1e3);
		printf("  raw limit (SQLite read + AEAD open of %zu rows): median %.1f ms, worst %.1f ms\n", rows, mr * 1e3,
		       worst(raw_t, RUNS) * 1e3);
		printf("  list open / raw limit: %.2fx (target <= 3x)\n", mo / mr);
	}
}

/* Types every prefix of q; one latency per keystroke into lat. */
static size_t
type_query(struct cf_students_search *s, const struct cf_students *idx, const char *q, size_t *out, double *lat,
           size_t room)
{
	size_t len = strlen(q), k = 0, n;
	char buf[256];

	for (size_t i = 1; i <= len && k < room; i++) {
		double t0;

		if (i < len && ((unsigned char)q[i] & 0xC0) == 0x80)
			continue; /* a whole character at a time */
		memcpy(buf, q, i);
		buf[i] = '\0';
		t0 = now();
		if (students_search_run(s, idx, buf, NULL, out, &n) != CF_OK)
			exit(1);
		lat[k++] = now() - t0;
	}
	return k;
}

static void
bench_search(const char *path, size_t n)
{
	struct cf_casefile *cf = open_unlocked(path);
	struct cf_students *idx = NULL;
	size_t *out = malloc(n * sizeof *out), cap = QUERIES * 4 * 40, k = 0;
	double *lat = malloc(cap * sizeof *lat);
	const char *kinds[4] = { "name", "initials", "full pinyin", "number" };
	double per_kind[4][RUNS];
	uint64_t seed = 1;

	if (students_load(cf, &idx) != CF_OK)
		exit(1);
	for (int kind = 0; kind < 4; kind++) {
		size_t start = k;

		for (int q = 0; q < QUERIES; q++) {
			struct cf_students_search *s = NULL;
			size_t pos = (size_t)((seed = seed * 6364136223846793005ull + 1442695040888963407ull) >> 33) % n;
			const struct cf_student *st = students_get(idx, pos);
			char query[256];

			switch (kind) {
			case 0: snprintf(query, sizeof query, "%s", st->name); break;
			case 1: snprintf(query, sizeof query, "%s", students_name_initials(idx, pos)); break;
			case 2: snprintf(query, sizeof query, "%s", students_name_pinyin(idx, pos)); break;
			default: snprintf(query, sizeof query, "%s", st->student_number + 4); break;
			}
			/* each query starts from an empty search box, as after Esc */
			if (students_search_new(&s) != CF_OK)
				exit(1);
			k += type_query(s, idx, query, out, lat + k, cap - k);
			students_search_free(&s);
			sodium_memzero(query, sizeof query);
		}
		{
			size_t m = k - start;
			double *v = malloc(m * sizeof *v);

			memcpy(v, lat + start, m * sizeof *v);
			qsort(v, m, sizeof *v, cmp_double);
			per_kind[kind][0] = v[m / 2];
			per_kind[kind][1] = v[(m * 99) / 100];
			per_kind[kind][2] = v[m - 1];
			per_kind[kind][3] = (double)m;
			free(v);
		}
	}
	qsort(lat, k, sizeof *lat, cmp_double);
	printf("  search per keystroke over %zu keystrokes: p50 %.2f ms, p99 %.2f ms, worst %.2f ms (target p99 <= 16 ms)\n",
	       k, lat[k / 2] * 1e3, lat[(k * 99) / 100] * 1e3, lat[k - 1] * 1e3);
	for (int kind = 0; kind < 4; kind++)
		printf("    %-11s %4.0f keys: p50 %.2f ms, p99 %.2f ms, worst %.2f ms\n", kinds[kind], per_kind[kind][3],
		       per_kind[kind][0] * 1e3, per_kind[kind][1] * 1e3, per_kind[kind][2] * 1e3);
	free(lat);
	free(out);
	students_free(&idx);
	casefile_close(&cf);
}

static void
bench_import(const char *path, const char *dir, size_t n)
{
	char csv[512], empty[512];
	double t[RUNS];

	snprintf(csv, sizeof csv, "%s/export.csv", dir);
	{
		struct cf_casefile *cf = open_unlocked(path);
		struct cf_students *idx = NULL;
		FILE *fp = fopen(csv, "wb");

		if (!fp || students_load(cf, &idx) != CF_OK || students_export_csv(idx, fp, NULL) != CF_OK)
			exit(1);
		fclose(fp);
		students_free(&idx);
		casefile_close(&cf);
	}
	for (int r = 0; r < RUNS && r < 3; r++) {
		struct cf_casefile *cf = NULL;
		struct cf_students *idx = NULL;
		struct cf_roster *ro = NULL;
		struct cf_import_plan *plan = NULL;
		struct cf_kdf_params floor;
		struct cf_roster_failure fail;
		enum cf_store_reason why;
		char *p = secret(CF_DEMO_PASSPHRASE);
		size_t written = 0;
		double t0;

		snprintf(empty, sizeof empty, "%s/import-%d.carefile", dir, r);
		crypto_kdf_params_floor(&floor);
		if (casefile_create(empty, CF_DEMO_USER, p, strlen(p), 1, &floor, NULL, &cf, &why) != CF_OK)
			exit(1);
		crypto_secure_free(p);
		t0 = now();
		if (roster_read_file(csv, &ro, &fail) != CF_OK || students_load(cf, &idx) != CF_OK ||
		    students_import_plan(idx, ro, &plan) != CF_OK || students_import_apply(cf, idx, plan, &written) != CF_OK ||
		    written != n) {
			fprintf(stderr, "bench: import failed (%zu of %zu written)\n", written, n);
			exit(1);
		}
		t[r] = now() - t0;
		students_import_plan_free(&plan);
		roster_free(&ro);
		students_free(&idx);
		casefile_close(&cf);
		unlink(empty);
	}
	{
		int runs = RUNS < 3 ? RUNS : 3;
		double m = median(t, (size_t)runs);

		printf("  import %zu rows (read CSV, plan, apply in one transaction): median %.2f s, worst %.2f s: %.0f rows/s "
		       "(target >= 5000)\n", n, m, worst(t, (size_t)runs), (double)n / m);
	}
	unlink(csv);
}

static void
bench_check(const char *path)
{
	double t[RUNS];
	int64_t recs = 0;

	for (int r = 0; r < RUNS; r++) {
		struct cf_casefile *cf = open_unlocked(path);
		struct cf_check_report rep;
		double t0 = now();

		if (casefile_check(cf, &rep) != CF_OK)
			exit(1);
		t[r] = now() - t0;
		recs = 0;
		for (int i = 0; i < CF_CHECK_TABLES_MAX && rep.tables[i].table; i++)
			recs += rep.tables[i].authenticated;
		casefile_check_report_fini(&rep);
		casefile_close(&cf);
	}
	{
		double m = median(t, RUNS);

		printf("  check %lld records: median %.2f s, worst %.2f s: %.0f records/s\n", (long long)recs, m,
		       worst(t, RUNS), (double)recs / m);
	}
}

/* VmRSS or VmHWM of this process, in KiB. */
static long
status_kib(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;

	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, field, strlen(field)) == 0)
			v = strtol(line + strlen(field), NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static void
bench_memory(const char *path, size_t n)
{
	int fds[2];
	pid_t pid;
	long v[4] = { 0 };

	if (pipe(fds) != 0 || (pid = fork()) < 0)
		exit(1);
	if (pid == 0) {
		struct cf_casefile *cf;
		struct cf_students *idx = NULL;

		v[0] = status_kib("VmRSS:");
		cf = open_unlocked(path);
		v[1] = status_kib("VmHWM:");  /* the Argon2id peak (256 MiB at the floor), freed after it */
		v[2] = status_kib("VmRSS:");
		if (students_load(cf, &idx) != CF_OK)
			_exit(1);
		v[3] = status_kib("VmRSS:");
		if (write(fds[1], v, sizeof v) != (ssize_t)sizeof v)
			_exit(1);
		students_free(&idx);
		casefile_close(&cf);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], v, sizeof v) != (ssize_t)sizeof v)
		exit(1);
	close(fds[0]);
	waitpid(pid, NULL, 0);
	printf("  resident memory after unlock and list open: %.1f MiB (%.0f bytes per student; target < 150 MiB)\n",
	       (double)v[3] / 1024, (double)(v[3] - v[2]) * 1024 / (double)n);
	printf("  key derivation (Argon2id, transient, freed after unlock): peak %.1f MiB; before unlock %.1f MiB, after %.1f MiB\n",
	       (double)v[1] / 1024, (double)v[0] / 1024, (double)v[2] / 1024);
}

static void
machine(void)
{
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256], model[256] = "?";

	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, "model name", 10) == 0) {
			char *c = strchr(line, ':');

			snprintf(model, sizeof model, "%s", c ? c + 2 : line);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	if (f)
		fclose(f);
	uname(&u);
	printf("machine: %s, %ld cores online, %s %s; SQLite %s, libsodium %s\n", model, sysconf(_SC_NPROCESSORS_ONLN),
	       u.sysname, u.release, sqlite3_libversion(), sodium_version_string());
}

int
main(int argc, char **argv)
{
	size_t sizes[8] = { 5000, 50000 };
	int n_sizes = 2;

	if (crypto_init() != CF_OK || sodium_init() < 0)
		return 1;
	if (argc > 1) {
		n_sizes = 0;
		for (int i = 1; i < argc && n_sizes < 8; i++)
			sizes[n_sizes++] = (size_t)strtoul(argv[i], NULL, 10);
	}
	machine();
	for (int i = 0; i < n_sizes; i++) {
		char dir[] = "/tmp/cf-bench-XXXXXX", path[512], cmd[600];

		if (!mkdtemp(dir))
			return 1;
		snprintf(path, sizeof path, "%s/bench.carefile", dir);
		printf("\n%zu students (median and worst of %d runs):\n", sizes[i], RUNS);
		make_file(path, sizes[i]);
		bench_list_open(path, sizes[i]);
		bench_search(path, sizes[i]);
		bench_import(path, dir, sizes[i]);
		bench_check(path);
		bench_memory(path, sizes[i]);
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return 1;
		fflush(stdout);
	}
	return 0;
}
