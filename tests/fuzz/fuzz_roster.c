/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the roster import path: decoding, CSV, normalisation, validation, export round trip, pinyin. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/error.h"
#include "carefile/io_csv.h"
#include "carefile/pinyin.h"
#include "carefile/roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Invariants are checked with abort() so both libFuzzer and the replay driver report them. */
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); abort(); } } while (0)

static void
check_student(const struct cf_student *s)
{
	CHECK(s->name && s->name[0]);
	CHECK(student_number_valid(s->student_number));
	CHECK(s->birth_date[0] == '\0' || student_date_str_valid(s->birth_date));
	CHECK(s->n_guardians <= CF_STUDENT_GUARDIANS_MAX);
	for (size_t g = 0; g < s->n_guardians; g++) {
		CHECK(s->guardians[g].n_phones <= CF_GUARDIAN_PHONES_MAX);
		for (size_t p = 0; p < s->guardians[g].n_phones; p++)
			CHECK(student_phone_valid(s->guardians[g].phones[p]));
	}
	char buf[64];
	size_t need = pinyin_full(s->name, buf, sizeof(buf));
	CHECK(need < sizeof(buf) ? strlen(buf) == need : strlen(buf) == sizeof(buf) - 1);
	pinyin_initials(s->name, buf, sizeof(buf));
	CHECK(pinyin_match(s->name, s->name));
	CHECK(pinyin_match(s->name, buf));
	CHECK(pinyin_compare(s->name, s->name) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cf_roster *r = NULL;
	struct cf_roster_failure fail;
	int rc = roster_read_buffer(data, size, &r, &fail);
	if (rc != CF_OK) {
		CHECK(r == NULL);
		CHECK(rc == CF_ERR_INVALID || rc == CF_ERR_ENCODING || rc == CF_ERR_NOMEM);
		CHECK(rc != CF_ERR_ENCODING || fail.offset < size);
		return 0;
	}
	CHECK(r->n_records_read == r->n_rows + r->n_rows_with_errors);
	CHECK(r->n_errors >= r->n_rows_with_errors);
	for (size_t i = 0; i < r->n_rows; i++) {
		check_student(&r->rows[i].student);
		CHECK(r->rows[i].line >= 1 && r->rows[i].record > r->header_record);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(r->rows[i].student.student_number, r->rows[j].student.student_number) != 0);
	}
	for (size_t i = 0; i < r->n_errors; i++)
		CHECK(r->errors[i].reason < CF_ROW_REASON__COUNT);

	/* Export and read back: same students, no errors. */
	if (r->n_rows > 0 && r->n_rows < 200) {
		struct cf_student *arr = malloc(r->n_rows * sizeof(*arr));
		CHECK(arr);
		for (size_t i = 0; i < r->n_rows; i++)
			arr[i] = r->rows[i].student;
		char *buf = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);
		CHECK(fp);
		CHECK(io_csv_write_students(fp, arr, r->n_rows) == CF_OK);
		fclose(fp);
		free(arr);
		struct cf_roster *back = NULL;
		CHECK(roster_read_buffer(buf, len, &back, NULL) == CF_OK);
		free(buf);
		CHECK(back->n_rows == r->n_rows);
		CHECK(back->n_errors == 0);
		for (size_t i = 0; i < r->n_rows; i++) {
			CHECK(strcmp(back->rows[i].student.student_number, r->rows[i].student.student_number) == 0);
			CHECK(strcmp(back->rows[i].student.name, r->rows[i].student.name) == 0);
		}
		roster_free(&back);
	}
	roster_free(&r);
	return 0;
}
