/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests for the CSV writer: quoting, CRLF, BOM, formula neutralising, and export -> import round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/error.h"
#include "carefile/io_csv.h"
#include "carefile/roster.h"

/* Run fn into a memory stream and return what it wrote (caller frees). */
static char *
capture_row(const char *const *cells, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(io_csv_write_row(fp, cells, n), CF_OK);
	fclose(fp);
	return buf;
}

static void
row_is(const char *const *cells, size_t n, const char *want)
{
	char *got = capture_row(cells, n);
	assert_string_equal(got, want);
	free(got);
}

static void
test_quoting(void **state)
{
	(void)state;
	row_is((const char *[]){ "a", "b" }, 2, "a,b\r\n");
	row_is((const char *[]){ "a,b", "c" }, 2, "\"a,b\",c\r\n");
	row_is((const char *[]){ "say \"hi\"" }, 1, "\"say \"\"hi\"\"\"\r\n");
	row_is((const char *[]){ "two\nlines", "x\r\ny" }, 2, "\"two\nlines\",\"x\r\ny\"\r\n");
	row_is((const char *[]){ NULL, "", " pad " }, 3, ",,\" pad \"\r\n");
	row_is((const char *[]){ "张三", "示例市" }, 2, "张三,示例市\r\n");
}

static void
test_neutralise(void **state)
{
	(void)state;
	row_is((const char *[]){ "=1+1" }, 1, "'=1+1\r\n");
	row_is((const char *[]){ "+86 138" }, 1, "'+86 138\r\n");
	row_is((const char *[]){ "-2" }, 1, "'-2\r\n");
	row_is((const char *[]){ "@SUM(A1)" }, 1, "'@SUM(A1)\r\n");
	row_is((const char *[]){ "\tx" }, 1, "'\tx\r\n");
	row_is((const char *[]){ "\rx" }, 1, "\"'\rx\"\r\n");
	row_is((const char *[]){ "=HYPERLINK(\"http://x\",\"y\")" }, 1,
	       "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n");
	row_is((const char *[]){ "a=1" }, 1, "a=1\r\n");
	row_is((const char *[]){ "010-62345678" }, 1, "010-62345678\r\n");
}

static void
test_round_trip(void **state)
{
	(void)state;
	struct cf_student s[2];
	student_init(&s[0], NULL);
	student_init(&s[1], NULL);
	student_set_str(&s[0], &s[0].student_number, "S1", 2);
	student_set_str(&s[0], &s[0].name, "张三", strlen("张三"));
	s[0].sex = CF_SEX_MALE;
	memcpy(s[0].birth_date, "2010-03-05", 11);
	student_set_str(&s[0], &s[0].class_name, "1班", strlen("1班"));
	student_set_str(&s[0], &s[0].address, "示例市,\n北岭区", strlen("示例市,\n北岭区"));
	struct cf_guardian *g = student_add_guardian(&s[0]);
	student_set_str(&s[0], &g->name, "李四", strlen("李四"));
	student_set_str(&s[0], &g->relation, "母亲", strlen("母亲"));
	student_guardian_add_phone(&s[0], g, "13800138000");
	student_guardian_add_phone(&s[0], g, "010-62345678");
	g = student_add_guardian(&s[0]);
	student_set_str(&s[0], &g->name, "王五", strlen("王五"));
	s[0].flags = CF_STUDENT_FLAG_LEFT_BEHIND | CF_STUDENT_FLAG_BOARDING;
	s[0].status = CF_STUDENT_ON_LEAVE;
	student_set_str(&s[0], &s[0].remarks, "=cmd", 4);
	student_set_str(&s[1], &s[1].student_number, "S2", 2);
	student_set_str(&s[1], &s[1].name, "Alice", 5);

	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_int_equal(io_csv_write_students(fp, s, 2), CF_OK);
	fclose(fp);
	assert_memory_equal(buf, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(buf, "'=cmd"));

	struct cf_roster *r = NULL;
	assert_int_equal(roster_read_buffer(buf, len, &r, NULL), CF_OK);
	free(buf);
	assert_int_equal(r->n_errors, 0);
	assert_int_equal(r->n_notes, 0);
	assert_int_equal(r->n_rows, 2);
	const struct cf_student *a = &r->rows[0].student;
	assert_string_equal(a->student_number, "S1");
	assert_string_equal(a->name, "张三");
	assert_int_equal(a->sex, CF_SEX_MALE);
	assert_string_equal(a->birth_date, "2010-03-05");
	assert_string_equal(a->class_name, "1班");
	assert_string_equal(a->address, "示例市,\n北岭区");
	assert_int_equal(a->n_guardians, 2);
	assert_string_equal(a->guardians[0].name, "李四");
	assert_string_equal(a->guardians[0].relation, "母亲");
	assert_int_equal(a->guardians[0].n_phones, 2);
	assert_string_equal(a->guardians[0].phones[1], "010-62345678");
	assert_string_equal(a->guardians[1].name, "王五");
	assert_int_equal(a->flags, CF_STUDENT_FLAG_LEFT_BEHIND | CF_STUDENT_FLAG_BOARDING);
	assert_int_equal(a->status, CF_STUDENT_ON_LEAVE);
	assert_string_equal(a->remarks, "=cmd"); /* neutralised on export, restored on import */
	const struct cf_student *b = &r->rows[1].student;
	assert_string_equal(b->name, "Alice");
	assert_int_equal(b->sex, CF_SEX_UNKNOWN);
	assert_int_equal(b->n_guardians, 0);
	assert_int_equal(b->status, CF_STUDENT_ACTIVE);
	roster_free(&r);
	student_fini(&s[0]);
	student_fini(&s[1]);
}

static bool
str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* roster-utf8.csv -> export -> import gives the same 576 students, field by field. */
static void
test_sample_round_trip(void **state)
{
	(void)state;
	const char *dir = getenv("SAMPLES_DIR");
	assert_non_null(dir);
	char path[4096];
	snprintf(path, sizeof(path), "%s/roster-utf8.csv", dir);
	struct cf_roster *in = NULL, *back = NULL;
	assert_int_equal(roster_read_file(path, &in, NULL), CF_OK);
	assert_int_equal(in->n_rows, 576);
	struct cf_student *arr = calloc(in->n_rows, sizeof(*arr));
	assert_non_null(arr);
	for (size_t i = 0; i < in->n_rows; i++)
		arr[i] = in->rows[i].student; /* shallow: borrowed for writing */
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_int_equal(io_csv_write_students(fp, arr, in->n_rows), CF_OK);
	fclose(fp);
	free(arr);
	assert_int_equal(roster_read_buffer(buf, len, &back, NULL), CF_OK);
	free(buf);
	assert_int_equal(back->n_rows, 576);
	assert_int_equal(back->n_errors, 0);
	for (size_t i = 0; i < 576; i++) {
		const struct cf_student *a = &in->rows[i].student, *b = &back->rows[i].student;
		assert_true(str_eq(a->student_number, b->student_number));
		assert_true(str_eq(a->name, b->name));
		assert_int_equal(a->sex, b->sex);
		assert_string_equal(a->birth_date, b->birth_date);
		assert_true(str_eq(a->ethnicity, b->ethnicity));
		assert_true(str_eq(a->school, b->school));
		assert_true(str_eq(a->grade, b->grade));
		assert_true(str_eq(a->class_name, b->class_name));
		assert_true(str_eq(a->address, b->address));
		assert_int_equal(a->n_guardians, b->n_guardians);
		for (size_t g = 0; g < a->n_guardians; g++) {
			assert_true(str_eq(a->guardians[g].name, b->guardians[g].name));
			assert_true(str_eq(a->guardians[g].relation, b->guardians[g].relation));
			assert_int_equal(a->guardians[g].n_phones, b->guardians[g].n_phones);
			for (size_t p = 0; p < a->guardians[g].n_phones; p++)
				assert_true(str_eq(a->guardians[g].phones[p], b->guardians[g].phones[p]));
		}
		assert_int_equal(a->flags, b->flags);
		assert_int_equal(a->status, b->status);
		assert_true(str_eq(a->remarks, b->remarks));
	}
	roster_free(&in);
	roster_free(&back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_neutralise),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_sample_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
