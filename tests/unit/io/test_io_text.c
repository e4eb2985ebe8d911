/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests for student field validation, cell normalisation, date/sex parsing and encoding detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/error.h"
#include "carefile/io_text.h"
#include "carefile/student.h"
#include "carefile/text.h"

static void
test_date_valid(void **state)
{
	(void)state;
	assert_true(student_date_valid(2010, 3, 5));
	assert_true(student_date_valid(2000, 2, 29));
	assert_false(student_date_valid(1900, 2, 29));
	assert_false(student_date_valid(2010, 2, 29));
	assert_false(student_date_valid(2010, 2, 30));
	assert_false(student_date_valid(2010, 4, 31));
	assert_false(student_date_valid(2010, 13, 1));
	assert_false(student_date_valid(1899, 12, 31));
	assert_false(student_date_valid(2100, 1, 1));
	assert_true(student_date_str_valid("2014-07-18"));
	assert_false(student_date_str_valid("2014-7-18"));
	assert_false(student_date_str_valid("2014-02-30"));
	assert_false(student_date_str_valid(""));
}

static void
test_phone(void **state)
{
	(void)state;
	char out[24];
	assert_true(student_phone_normalise("13800138000", out, sizeof(out)));
	assert_string_equal(out, "13800138000");
	assert_true(student_phone_normalise("138-0013-8000", out, sizeof(out)));
	assert_string_equal(out, "13800138000");
	assert_true(student_phone_normalise("138 0013 8000", out, sizeof(out)));
	assert_string_equal(out, "13800138000");
	assert_true(student_phone_normalise("+86 138 0013 8000", out, sizeof(out)));
	assert_string_equal(out, "13800138000");
	assert_true(student_phone_normalise("010-62345678", out, sizeof(out)));
	assert_string_equal(out, "010-62345678");
	assert_true(student_phone_normalise("(0571)87654321", out, sizeof(out)));
	assert_string_equal(out, "0571-87654321");
	assert_true(student_phone_normalise("02187654321", out, sizeof(out)));
	assert_string_equal(out, "021-87654321");
	assert_true(student_phone_normalise("0755-8765432", out, sizeof(out)));
	assert_string_equal(out, "0755-8765432");
	assert_true(student_phone_normalise("400-123-4567", out, sizeof(out)));
	assert_string_equal(out, "400-1234567");
	assert_false(student_phone_valid("12800138000"));  /* 12x is not a mobile prefix */
	assert_false(student_phone_valid("1380013800"));   /* 10 digits */
	assert_false(student_phone_valid("138001380001")); /* 12 digits */
	assert_false(student_phone_valid("1.38001E+10"));
	assert_false(student_phone_valid("12345678"));     /* landline without area code */
	assert_false(student_phone_valid("010-0234567"));  /* local number may not start with 0 */
	assert_false(student_phone_valid(""));
	assert_false(student_phone_valid("138x0013800"));
	assert_false(student_phone_normalise("13800138000", out, 5)); /* too small */
}

static void
test_student_number(void **state)
{
	(void)state;
	assert_true(student_number_valid("S20240101010001"));
	assert_true(student_number_valid("G110101201001011234"));
	assert_true(student_number_valid("2024-01_7"));
	assert_false(student_number_valid(""));
	assert_false(student_number_valid("S2024 0101"));
	assert_false(student_number_valid("学号1"));
	assert_false(student_number_valid("1.2E+17"));
	assert_false(student_number_valid("-12"));
	assert_false(student_number_valid("/a"));
	assert_false(student_number_valid("123456789012345678901234567890123")); /* 33 bytes */
	assert_true(student_number_valid("12345678901234567890123456789012"));   /* 32 bytes */
}

static unsigned counting_allocs, counting_frees;

static void *
counting_alloc(void *ctx, size_t n)
{
	(void)ctx;
	counting_allocs++;
	return malloc(n);
}

static void
counting_free(void *ctx, void *p, size_t n)
{
	(void)ctx;
	/* student_fini wipes before freeing */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(((unsigned char *)p)[i], 0);
	counting_frees++;
	free(p);
}

static void
test_student_alloc(void **state)
{
	(void)state;
	struct cf_str_alloc a = { counting_alloc, counting_free, NULL };
	struct cf_student s, c;
	student_init(&s, &a);
	assert_int_equal(student_set_str(&s, &s.name, "张三xyz", strlen("张三")), CF_OK);
	assert_string_equal(s.name, "张三");
	assert_int_equal(student_set_str(&s, &s.student_number, "S1", 2), CF_OK);
	struct cf_guardian *g = student_add_guardian(&s);
	assert_non_null(g);
	assert_int_equal(student_set_str(&s, &g->name, "李四", strlen("李四")), CF_OK);
	assert_int_equal(student_guardian_add_phone(&s, g, "13800138000"), CF_OK);
	assert_int_equal(student_guardian_add_phone(&s, g, "13900139000"), CF_OK);
	assert_int_equal(student_guardian_add_phone(&s, g, "13700137000"), CF_OK);
	assert_int_equal(student_guardian_add_phone(&s, g, "13600136000"), CF_ERR_INVALID);
	assert_int_equal(student_set_str(&s, &s.school, "", 0), CF_OK);
	assert_null(s.school);
	assert_int_equal(student_copy(&c, &s, NULL), CF_OK);
	assert_string_equal(c.guardians[0].phones[2], "13700137000");
	assert_int_equal(c.n_guardians, 1);
	student_fini(&s);
	assert_int_equal(counting_allocs, 6);
	assert_int_equal(counting_frees, 6);
	assert_null(s.name);
	assert_ptr_equal(s.alloc, &a);
	assert_string_equal(c.name, "张三");
	student_fini(&c);
	student_fini(NULL);
	for (int i = 0; i < CF_STUDENT_GUARDIANS_MAX; i++)
		assert_non_null(student_add_guardian(&c));
	assert_null(student_add_guardian(&c));
}

static void
set(struct cf_student *s, char **f, const char *v)
{
	assert_int_equal(student_set_str(s, f, v, strlen(v)), CF_OK);
}

static void
test_student_diff_merge(void **state)
{
	(void)state;
	struct cf_student a, b;
	student_init(&a, NULL);
	student_init(&b, NULL);
	set(&a, &a.student_number, "S1");
	set(&a, &a.name, "张三");
	set(&a, &a.class_name, "1班");
	set(&a, &a.address, "旧地址");
	a.flags = CF_STUDENT_FLAG_BOARDING;
	struct cf_guardian *g = student_add_guardian(&a);
	set(&a, &g->name, "李四");
	assert_int_equal(student_guardian_add_phone(&a, g, "13800138000"), CF_OK);
	set(&b, &b.student_number, "S1");
	set(&b, &b.name, "张三");
	set(&b, &b.class_name, "2班");
	b.flags = CF_STUDENT_FLAG_LEFT_BEHIND;
	g = student_add_guardian(&b);
	set(&b, &g->name, "李四");
	assert_int_equal(student_guardian_add_phone(&b, g, "13900139000"), CF_OK);
	assert_int_equal(student_diff(&a, &a, CF_FIELD_ALL, ~0u), 0);
	assert_int_equal(student_diff(&a, &b, CF_FIELD_ALL, ~0u),
	                 CF_FIELD_CLASS | CF_FIELD_ADDRESS | CF_FIELD_FLAGS | CF_FIELD_GUARDIANS);
	/* a file without an address column and only the left-behind flag column */
	uint32_t fields = CF_FIELD_ALL & ~CF_FIELD_ADDRESS;
	assert_int_equal(student_diff(&a, &b, fields, CF_STUDENT_FLAG_LEFT_BEHIND),
	                 CF_FIELD_CLASS | CF_FIELD_FLAGS | CF_FIELD_GUARDIANS);
	assert_int_equal(student_merge(&a, &b, fields, CF_STUDENT_FLAG_LEFT_BEHIND), CF_OK);
	assert_int_equal(student_diff(&a, &b, fields, CF_STUDENT_FLAG_LEFT_BEHIND), 0);
	assert_string_equal(a.class_name, "2班");
	assert_string_equal(a.address, "旧地址"); /* kept */
	assert_int_equal(a.flags, CF_STUDENT_FLAG_BOARDING | CF_STUDENT_FLAG_LEFT_BEHIND);
	assert_string_equal(a.guardians[0].phones[0], "13900139000");
	assert_string_equal(student_field_label(CF_FIELD_CLASS), "Class");
	student_fini(&a);
	student_fini(&b);
}

static void
norm(const char *in, const char *want)
{
	char buf[256];
	size_t n = io_normalise_cell(in, strlen(in), buf);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void
test_normalise(void **state)
{
	(void)state;
	norm("１３８００１３８０００", "13800138000");
	norm("ＡＢＣｘｙｚ！～", "ABCxyz!~");
	norm("\xe3\x80\x80 张三\xe3\x80\x80 ", "张三");
	norm("  a b  ", "a b");
	norm("\t\r\nx\r\n", "x");
	norm("\xc2\xa0" "x", "x");
	norm("", "");
	norm("\xe3\x80\x80", "");
	norm("（备注）", "(备注)");
	/* U+FF5F (outside the range) is kept */
	norm("\xef\xbd\x9f", "\xef\xbd\x9f");
	/* in place */
	char buf[] = "　Ｓ２０２４　";
	io_normalise_cell(buf, strlen(buf), buf);
	assert_string_equal(buf, "S2024");
}

static void
date_ok(const char *in, const char *want)
{
	char out[11];
	assert_int_equal(io_parse_date(in, out), CF_DATE_OK);
	assert_string_equal(out, want);
}

static void
date_bad(const char *in, enum cf_date_result want)
{
	char out[11];
	assert_int_equal(io_parse_date(in, out), want);
	assert_string_equal(out, "");
}

static void
test_dates(void **state)
{
	(void)state;
	date_ok("2010-03-05", "2010-03-05");
	date_ok("2010/3/5", "2010-03-05");
	date_ok("2010.3.5", "2010-03-05");
	date_ok("2010年3月5日", "2010-03-05");
	date_ok("2010年03月05号", "2010-03-05");
	date_ok("20100305", "2010-03-05");
	date_ok("2010-03-05 00:00:00", "2010-03-05");
	date_ok("2010/3/5 0:00", "2010-03-05");
	date_ok("2000-02-29", "2000-02-29");
	/* Excel 1900 date system */
	date_ok("40242", "2010-03-05");
	date_ok("40242.0", "2010-03-05");
	date_ok("1", "1900-01-01");
	date_ok("59", "1900-02-28");
	date_ok("61", "1900-03-01");
	date_ok("43831", "2020-01-01");
	date_ok("73050", "2099-12-31");
	date_bad("60", CF_DATE_IMPOSSIBLE);   /* the phantom 1900-02-29 */
	date_bad("0", CF_DATE_RANGE);
	date_bad("73051", CF_DATE_RANGE);
	date_bad("2010-02-30", CF_DATE_IMPOSSIBLE);
	date_bad("2010-02-29", CF_DATE_IMPOSSIBLE);
	date_bad("2010-13-01", CF_DATE_IMPOSSIBLE);
	date_bad("2010-04-31", CF_DATE_IMPOSSIBLE);
	date_bad("20100230", CF_DATE_IMPOSSIBLE);
	date_bad("1850-01-01", CF_DATE_RANGE);
	date_bad("2150-01-01", CF_DATE_RANGE);
	date_bad("", CF_DATE_EMPTY);
	date_bad("2010-03", CF_DATE_FORMAT);
	date_bad("2010-3/5", CF_DATE_FORMAT);
	date_bad("10-03-05", CF_DATE_FORMAT);
	date_bad("2010-03-05x", CF_DATE_FORMAT);
	date_bad("March 5", CF_DATE_FORMAT);
	date_bad("123456", CF_DATE_FORMAT);
	date_bad("2010年3月", CF_DATE_FORMAT);
	date_bad("2010-003-05", CF_DATE_FORMAT);
}

static void
test_sex_yes_status(void **state)
{
	(void)state;
	enum cf_sex s;
	assert_true(io_parse_sex("男", &s));
	assert_int_equal(s, CF_SEX_MALE);
	assert_true(io_parse_sex("女", &s));
	assert_int_equal(s, CF_SEX_FEMALE);
	assert_true(io_parse_sex("M", &s));
	assert_int_equal(s, CF_SEX_MALE);
	assert_true(io_parse_sex("f", &s));
	assert_int_equal(s, CF_SEX_FEMALE);
	assert_true(io_parse_sex("Female", &s));
	assert_int_equal(s, CF_SEX_FEMALE);
	assert_true(io_parse_sex("MALE", &s));
	assert_int_equal(s, CF_SEX_MALE);
	assert_true(io_parse_sex("", &s));
	assert_int_equal(s, CF_SEX_UNKNOWN);
	assert_false(io_parse_sex("x", &s));
	bool b;
	assert_true(io_parse_yes_no("是", &b));
	assert_true(b);
	assert_true(io_parse_yes_no("否", &b));
	assert_false(b);
	assert_true(io_parse_yes_no("Y", &b));
	assert_true(b);
	assert_false(io_parse_yes_no("maybe", &b));
	enum cf_student_status st;
	assert_true(io_parse_status("休学", &st));
	assert_int_equal(st, CF_STUDENT_ON_LEAVE);
	assert_true(io_parse_status("Graduated", &st));
	assert_int_equal(st, CF_STUDENT_GRADUATED);
	assert_true(io_parse_status("转出", &st));
	assert_int_equal(st, CF_STUDENT_TRANSFERRED);
	assert_true(io_parse_status("", &st));
	assert_int_equal(st, CF_STUDENT_ACTIVE);
	assert_false(io_parse_status("gone", &st));
	assert_true(text_is_scientific("1.38001E+10"));
	assert_true(text_is_scientific("1.38E+10"));
	assert_true(text_is_scientific("2E10"));
	assert_true(text_is_scientific("1.2e-3"));
	assert_false(text_is_scientific("13800138000"));
	assert_false(text_is_scientific("E10"));
	assert_false(text_is_scientific("1.5E"));
	assert_false(text_is_scientific("S1E2"));
}

static int
conv(const void *in, size_t len, char **out, enum cf_text_encoding *enc, enum cf_text_problem *pr,
     size_t *off)
{
	size_t olen;
	return io_text_to_utf8(in, len, out, &olen, enc, pr, off);
}

static void
test_encodings(void **state)
{
	(void)state;
	char *out = NULL;
	enum cf_text_encoding enc;
	enum cf_text_problem pr;
	size_t off;
	/* UTF-8 */
	assert_int_equal(conv("学号,姓名\n", strlen("学号,姓名\n"), &out, &enc, &pr, &off), CF_OK);
	assert_int_equal(enc, CF_ENC_UTF8);
	assert_string_equal(out, "学号,姓名\n");
	free(out);
	/* BOM */
	assert_int_equal(conv("\xEF\xBB\xBF" "a,b", 6, &out, &enc, &pr, &off), CF_OK);
	assert_int_equal(enc, CF_ENC_UTF8_BOM);
	assert_string_equal(out, "a,b");
	free(out);
	/* GBK "学号" = D1 A7 BA C5 */
	assert_int_equal(conv("\xD1\xA7\xBA\xC5,x", 6, &out, &enc, &pr, &off), CF_OK);
	assert_int_equal(enc, CF_ENC_GB18030);
	assert_string_equal(out, "学号,x");
	free(out);
	/* UTF-16LE / BE with BOM: "学a" */
	assert_int_equal(conv("\xFF\xFE\x66\x5B\x61\x00", 6, &out, &enc, &pr, &off), CF_OK);
	assert_int_equal(enc, CF_ENC_UTF16LE);
	assert_string_equal(out, "学a");
	free(out);
	assert_int_equal(conv("\xFE\xFF\x5B\x66\x00\x61", 6, &out, &enc, &pr, &off), CF_OK);
	assert_int_equal(enc, CF_ENC_UTF16BE);
	assert_string_equal(out, "学a");
	free(out);
	/* errors */
	assert_int_equal(conv("", 0, &out, &enc, &pr, &off), CF_ERR_INVALID);
	assert_int_equal(pr, CF_TEXT_EMPTY);
	assert_null(out);
	assert_int_equal(conv("\xEF\xBB\xBF\r\n", 5, &out, &enc, &pr, &off), CF_ERR_INVALID);
	assert_int_equal(pr, CF_TEXT_EMPTY);
	assert_int_equal(conv("a,b\0c", 5, &out, &enc, &pr, &off), CF_ERR_INVALID);
	assert_int_equal(pr, CF_TEXT_BINARY);
	assert_int_equal(conv("PK\x03\x04zzzz", 8, &out, &enc, &pr, &off), CF_ERR_INVALID);
	assert_int_equal(pr, CF_TEXT_SPREADSHEET);
	/* UTF-16 with a NUL character is binary */
	assert_int_equal(conv("\xFF\xFE\x61\x00\x00\x00\x62\x00", 8, &out, &enc, &pr, &off), CF_ERR_INVALID);
	assert_int_equal(pr, CF_TEXT_BINARY);
	/* odd UTF-16 length: incomplete unit at offset 4 */
	assert_int_equal(conv("\xFF\xFE\x61\x00\x62", 5, &out, &enc, &pr, &off), CF_ERR_ENCODING);
	assert_int_equal(pr, CF_TEXT_INVALID);
	assert_int_equal(off, 4);
	/* lone surrogate in UTF-16LE at offset 4 */
	assert_int_equal(conv("\xFF\xFE\x61\x00\x00\xD8\x61\x00", 8, &out, &enc, &pr, &off), CF_ERR_ENCODING);
	assert_int_equal(off, 4);
	/* invalid UTF-8 after a BOM: offset counts the BOM */
	assert_int_equal(conv("\xEF\xBB\xBF" "ab\xC3(", 7, &out, &enc, &pr, &off), CF_ERR_ENCODING);
	assert_int_equal(off, 5);
	/* mostly UTF-8 with one broken byte: reported as invalid UTF-8, not decoded as GB18030 */
	const char *mixed = "学号,姓名,班级,学校\n1,张三,一班,实验\xFF\n";
	assert_int_equal(conv(mixed, strlen(mixed), &out, &enc, &pr, &off), CF_ERR_ENCODING);
	assert_int_equal(enc, CF_ENC_UTF8);
	assert_int_equal(off, (size_t)(strchr(mixed, '\xFF') - mixed));
	/* invalid GBK: 0xFF is never valid in GB18030 */
	assert_int_equal(conv("\xD1\xA7\xBA\xC5,\xD0\xD5\xC3\xFB\n\xFF\n", 12, &out, &enc, &pr, &off), CF_ERR_ENCODING);
	assert_int_equal(enc, CF_ENC_GB18030);
	assert_int_equal(off, 10);
	/* truncated GBK double-byte at the end */
	assert_int_equal(conv("\xD1\xA7\xBA\xC5\xD1", 5, &out, &enc, &pr, &off), CF_ERR_ENCODING);
	assert_int_equal(off, 4);
	assert_string_equal(io_encoding_name(CF_ENC_GB18030), "GB18030");
	for (int p = 0; p < CF_TEXT_PROBLEM__COUNT; p++)
		assert_non_null(io_text_problem_message((enum cf_text_problem)p));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_valid),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_student_number),
		cmocka_unit_test(test_student_alloc),
		cmocka_unit_test(test_student_diff_merge),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_sex_yes_status),
		cmocka_unit_test(test_encodings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
