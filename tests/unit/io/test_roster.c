/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests for roster reading: the shared samples with exact counts, and every malformed-input class. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/error.h"
#include "carefile/io_text.h"
#include "carefile/roster.h"

static const char *HDR = "学号,姓名,性别,出生日期,民族,学校,年级,班级,监护人姓名,监护人关系,监护人电话,家庭住址\n";

static char *
sample_path(const char *name)
{
	const char *dir = getenv("SAMPLES_DIR");
	if (!dir)
		dir = "../shared/samples";
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	assert_non_null(p);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static struct cf_roster *
read_sample(const char *name)
{
	char *path = sample_path(name);
	struct cf_roster *r = NULL;
	struct cf_roster_failure f;
	int rc = roster_read_file(path, &r, &f);
	free(path);
	assert_int_equal(rc, CF_OK);
	assert_non_null(r);
	return r;
}

static const struct cf_roster_row *
find(const struct cf_roster *r, const char *number)
{
	for (size_t i = 0; i < r->n_rows; i++)
		if (strcmp(r->rows[i].student.student_number, number) == 0)
			return &r->rows[i];
	fail_msg("student %s not found", number);
	return NULL;
}

static void
test_sample_utf8(void **state)
{
	(void)state;
	struct cf_roster *r = read_sample("roster-utf8.csv");
	assert_int_equal(r->n_rows, 576);
	assert_int_equal(r->n_errors, 0);
	assert_int_equal(r->n_notes, 0);
	assert_int_equal(r->n_records_read, 576);
	assert_int_equal(r->n_rows_with_errors, 0);
	assert_int_equal(r->encoding, CF_ENC_UTF8);
	assert_int_equal(r->separator, ',');
	assert_int_equal(r->header_record, 1);
	assert_int_equal(r->n_columns, 12);
	assert_int_equal(r->header_columns[0], CF_COL_STUDENT_NUMBER);
	assert_int_equal(r->header_columns[11], CF_COL_ADDRESS);
	assert_int_equal(r->fields, CF_FIELD_ALL & ~(CF_FIELD_FLAGS | CF_FIELD_STATUS | CF_FIELD_REMARKS));
	assert_int_equal(r->flag_mask, 0);
	const struct cf_roster_row *row = &r->rows[0];
	assert_int_equal(row->record, 2);
	assert_int_equal(row->line, 2);
	const struct cf_student *s = &row->student;
	assert_string_equal(s->student_number, "S20240101010001");
	assert_string_equal(s->name, "何程雨");
	assert_int_equal(s->sex, CF_SEX_FEMALE);
	assert_string_equal(s->birth_date, "2014-07-18");
	assert_string_equal(s->ethnicity, "汉族");
	assert_string_equal(s->school, "滨江实验小学");
	assert_string_equal(s->grade, "四年级");
	assert_string_equal(s->class_name, "1班");
	assert_int_equal(s->n_guardians, 1);
	assert_string_equal(s->guardians[0].name, "温家嘉");
	assert_string_equal(s->guardians[0].relation, "外祖母");
	assert_int_equal(s->guardians[0].n_phones, 1);
	assert_string_equal(s->guardians[0].phones[0], "15299092717");
	assert_string_equal(s->address, "示例市北岭区158号");
	assert_int_equal(s->status, CF_STUDENT_ACTIVE);
	assert_int_equal(s->flags, 0);
	row = find(r, "S20230203990299");
	assert_int_equal(row->line, 300);
	assert_string_equal(row->student.name, "席怡豪");
	assert_string_equal(row->student.class_name, "3班");
	assert_string_equal(row->student.guardians[0].phones[0], "13652622265");
	row = &r->rows[575];
	assert_int_equal(row->line, 577);
	assert_string_equal(row->student.name, "范宇燕");
	assert_string_equal(row->student.school, "南湖职业技术学校");
	assert_string_equal(row->student.grade, "高三");
	assert_string_equal(row->student.guardians[0].phones[0], "14192187830");
	roster_free(&r);
	assert_null(r);
}

static void
test_sample_gbk(void **state)
{
	(void)state;
	struct cf_roster *r = read_sample("roster-excel-gbk.csv");
	assert_int_equal(r->n_rows, 120);
	assert_int_equal(r->n_errors, 0);
	assert_int_equal(r->encoding, CF_ENC_GB18030);
	assert_int_equal(r->separator, ',');
	const struct cf_student *s = &find(r, "S20240101010001")->student;
	assert_string_equal(s->name, "何程雨");
	assert_string_equal(s->class_name, "1班");
	assert_string_equal(s->guardians[0].phones[0], "15299092717");
	/* CRLF: no stray CR at the end of the last cell */
	assert_string_equal(s->address, "示例市北岭区158号");
	const struct cf_roster_row *row = &r->rows[119];
	assert_int_equal(row->line, 121);
	assert_string_equal(row->student.student_number, "S20230104200120");
	assert_string_equal(row->student.name, "甄晓琪");
	assert_string_equal(row->student.class_name, "4班");
	assert_string_equal(row->student.guardians[0].name, "柏轩轩");
	assert_string_equal(row->student.guardians[0].phones[0], "19209460414");
	assert_string_equal(row->student.address, "示例市东城区95号");
	roster_free(&r);
}

static void
test_sample_bom(void **state)
{
	(void)state;
	struct cf_roster *r = read_sample("roster-excel-utf8bom.csv");
	assert_int_equal(r->n_rows, 120);
	assert_int_equal(r->n_errors, 0);
	assert_int_equal(r->encoding, CF_ENC_UTF8_BOM);
	assert_int_equal(r->header_columns[0], CF_COL_STUDENT_NUMBER); /* BOM not glued to 学号 */
	const struct cf_student *s = &r->rows[0].student;
	assert_string_equal(s->student_number, "S20230104210121");
	assert_string_equal(s->name, "郑远");
	assert_int_equal(s->sex, CF_SEX_MALE);
	assert_string_equal(s->class_name, "4班");
	assert_string_equal(s->guardians[0].phones[0], "19055981757");
	s = &find(r, "S20240203400240")->student;
	assert_string_equal(s->name, "薄懿宇");
	assert_string_equal(s->grade, "七年级");
	assert_string_equal(s->address, "示例市西城区299号");
	roster_free(&r);
}

/* ---- synthesised inputs ---- */

static int
read_str(const char *text, struct cf_roster **r, struct cf_roster_failure *f)
{
	return roster_read_buffer(text, strlen(text), r, f);
}

static struct cf_roster *
read_ok(const char *text)
{
	struct cf_roster *r = NULL;
	struct cf_roster_failure f;
	int rc = read_str(text, &r, &f);
	if (rc != CF_OK)
		fail_msg("roster_read_buffer: %s, problem %d", cf_error_name(rc), (int)f.problem);
	return r;
}

/* Exactly one error, with this record/line/column/reason. */
static void
assert_one_error(const struct cf_roster *r, size_t record, size_t line, enum cf_roster_column col,
                 enum cf_roster_reason reason)
{
	assert_int_equal(r->n_errors, 1);
	assert_int_equal(r->errors[0].record, record);
	assert_int_equal(r->errors[0].line, line);
	assert_int_equal(r->errors[0].column, col);
	assert_int_equal(r->errors[0].reason, reason);
}

static char *
to_utf16(const char *text, const char *enc, const char *bom, size_t *len)
{
	iconv_t cd = iconv_open(enc, "UTF-8");
	assert_true(cd != (iconv_t)-1);
	size_t inlen = strlen(text), cap = inlen * 4 + 4;
	char *buf = malloc(cap);
	assert_non_null(buf);
	memcpy(buf, bom, 2);
	char *in = (char *)text, *out = buf + 2;
	size_t outleft = cap - 2;
	assert_int_not_equal(iconv(cd, &in, &inlen, &out, &outleft), (size_t)-1);
	iconv_close(cd);
	*len = (size_t)(out - buf);
	return buf;
}

static void
test_utf16_tab(void **state)
{
	(void)state;
	const char *text = "学号\t姓名\t班级\t监护人电话\r\nA1\t张三\t一班\t13800138000\r\nA2\t\"李,四\"\t二班\t\r\n";
	const char *encs[2] = { "UTF-16LE", "UTF-16BE" };
	const char *boms[2] = { "\xFF\xFE", "\xFE\xFF" };
	for (int i = 0; i < 2; i++) {
		size_t len;
		char *buf = to_utf16(text, encs[i], boms[i], &len);
		struct cf_roster *r = NULL;
		assert_int_equal(roster_read_buffer(buf, len, &r, NULL), CF_OK);
		free(buf);
		assert_int_equal(r->encoding, i == 0 ? CF_ENC_UTF16LE : CF_ENC_UTF16BE);
		assert_int_equal(r->separator, '\t');
		assert_int_equal(r->n_rows, 2);
		assert_int_equal(r->n_errors, 0);
		assert_string_equal(r->rows[0].student.name, "张三");
		assert_string_equal(r->rows[0].student.guardians[0].phones[0], "13800138000");
		assert_string_equal(r->rows[1].student.name, "李,四");
		assert_int_equal(r->rows[1].student.n_guardians, 0);
		assert_int_equal(r->rows[1].line, 3);
		roster_free(&r);
	}
}

static void
test_semicolon(void **state)
{
	(void)state;
	struct cf_roster *r = read_ok("Student number;Name;Class;Address\n"
	                              "A1;Alice;1;\"Main St, 5\"\nA2;Bob;2;x,y\n");
	assert_int_equal(r->separator, ';');
	assert_int_equal(r->n_rows, 2);
	assert_string_equal(r->rows[0].student.address, "Main St, 5");
	assert_string_equal(r->rows[1].student.address, "x,y");
	assert_string_equal(r->rows[1].student.name, "Bob");
	roster_free(&r);
}

static void
test_title_rows(void **state)
{
	(void)state;
	struct cf_roster *r = read_ok("青山第二中学2026级学生名单,,,,\n"
	                              "制表日期：2026年9月1日,,,,\n"
	                              ",,,,\n"
	                              "\n"
	                              "序号,学号,姓名,性别,身份证号\n"
	                              "1,A1,张三,男,110101201001011234\n"
	                              "2,A2,李四,女,110101201001011234\n");
	assert_int_equal(r->header_record, 4); /* the blank line is no record */
	assert_int_equal(r->header_line, 5);
	assert_int_equal(r->n_rows, 2);
	assert_int_equal(r->rows[0].record, 5);
	assert_int_equal(r->rows[0].line, 6);
	assert_int_equal(r->rows[1].student.sex, CF_SEX_FEMALE);
	assert_int_equal(r->n_notes, 1);
	assert_int_equal(r->notes[0].kind, CF_NOTE_ID_CARD_IGNORED);
	assert_string_equal(r->notes[0].column_name, "身份证号");
	assert_int_equal(r->header_columns[4], CF_COL_IGNORE_ID_CARD);
	roster_free(&r);
}

static void
test_quoted_newlines(void **state)
{
	(void)state;
	struct cf_roster *r = read_ok("学号,姓名,家庭住址,备注\n"
	                              "A1,\"王,五\",\"示例市\n北岭区\n3号\",\"说 \"\"好\"\"\"\n"
	                              "A2,赵六,x,\n");
	assert_int_equal(r->n_rows, 2);
	assert_string_equal(r->rows[0].student.name, "王,五");
	assert_string_equal(r->rows[0].student.address, "示例市\n北岭区\n3号");
	assert_string_equal(r->rows[0].student.remarks, "说 \"好\"");
	assert_int_equal(r->rows[0].line, 2);
	assert_int_equal(r->rows[1].record, 3);
	assert_int_equal(r->rows[1].line, 5);
	assert_null(r->rows[1].student.remarks);
	roster_free(&r);
	/* A newline in a one-line field is an error */
	r = read_ok("学号,姓名\nA1,\"王\n五\"\nA2,x\n");
	assert_one_error(r, 2, 2, CF_COL_NAME, CF_ROW_BAD_TEXT);
	assert_string_equal(r->errors[0].column_name, "姓名");
	assert_int_equal(r->n_rows, 1);
	assert_int_equal(r->rows[0].line, 4);
	roster_free(&r);
}

static void
test_fullwidth_and_spaces(void **state)
{
	(void)state;
	struct cf_roster *r = read_ok("　学号　,姓名,监护人电话,出生日期\n"
	                              "Ｓ２０２４０１,\xe3\x80\x80张三 ,１３８００１３８０００,２０１０－０３－０５\n");
	assert_int_equal(r->n_rows, 1);
	const struct cf_student *s = &r->rows[0].student;
	assert_string_equal(s->student_number, "S202401");
	assert_string_equal(s->name, "张三");
	assert_string_equal(s->guardians[0].phones[0], "13800138000");
	assert_string_equal(s->birth_date, "2010-03-05");
	roster_free(&r);
}

static void
test_date_formats(void **state)
{
	(void)state;
	struct cf_roster *r = read_ok("学号,姓名,出生日期\n"
	                              "A1,a,2010-03-05\n"
	                              "A2,b,2010/3/5\n"
	                              "A3,c,2010.3.5\n"
	                              "A4,d,2010年3月5日\n"
	                              "A5,e,20100305\n"
	                              "A6,f,40242\n"
	                              "A7,g,43831\n"
	                              "A8,h,60\n"
	                              "A9,i,2010-02-30\n"
	                              "A10,j,March\n"
	                              "A11,k,1850-01-01\n"
	                              "A12,l,\n"
	                              "A13,m,5\n"
	                              "A14,n,2090-01-01\n");
	assert_int_equal(r->n_records_read, 14);
	assert_int_equal(r->n_rows, 8);
	assert_int_equal(r->n_rows_with_errors, 6);
	for (int i = 0; i < 6; i++)
		assert_string_equal(r->rows[i].student.birth_date, "2010-03-05");
	assert_string_equal(r->rows[6].student.birth_date, "2020-01-01");
	assert_string_equal(r->rows[7].student.birth_date, "");
	assert_int_equal(r->n_errors, 6);
	assert_int_equal(r->errors[0].line, 9);
	assert_int_equal(r->errors[0].reason, CF_ROW_IMPOSSIBLE_DATE); /* serial 60 */
	assert_int_equal(r->errors[0].column, CF_COL_BIRTH_DATE);
	assert_string_equal(r->errors[0].column_name, "出生日期");
	assert_int_equal(r->errors[1].line, 10);
	assert_int_equal(r->errors[1].reason, CF_ROW_IMPOSSIBLE_DATE);
	assert_int_equal(r->errors[2].reason, CF_ROW_BAD_DATE);
	assert_int_equal(r->errors[3].reason, CF_ROW_DATE_OUT_OF_RANGE); /* 1850 */
	assert_int_equal(r->errors[4].reason, CF_ROW_DATE_OUT_OF_RANGE); /* serial 5 = 1900-01-05 */
	assert_int_equal(r->errors[4].line, 14);
	assert_int_equal(r->errors[5].reason, CF_ROW_DATE_OUT_OF_RANGE); /* future */
	roster_free(&r);
}

static void
test_scientific(void **state)
{
	(void)state;
	struct cf_roster *r = read_ok("学号,姓名,联系电话\n"
	                              "A1,a,1.38001E+10\n"
	                              "1.2E+17,b,13800138000\n"
	                              "A3,c,1.38E+10\n"
	                              "A4,d,12345\n"
	                              "A5,e,13800138000/13900139000、010-62345678\n");
	assert_int_equal(r->n_rows, 1);
	assert_int_equal(r->n_errors, 4);
	assert_int_equal(r->errors[0].reason, CF_ROW_SCIENTIFIC_PHONE);
	assert_int_equal(r->errors[0].column, CF_COL_GUARDIAN_PHONE);
	assert_string_equal(r->errors[0].column_name, "联系电话");
	assert_int_equal(r->errors[0].line, 2);
	assert_int_equal(r->errors[1].reason, CF_ROW_SCIENTIFIC_STUDENT_NUMBER);
	assert_int_equal(r->errors[1].column, CF_COL_STUDENT_NUMBER);
	assert_int_equal(r->errors[1].line, 3);
	assert_int_equal(r->errors[2].reason, CF_ROW_SCIENTIFIC_PHONE);
	assert_int_equal(r->errors[3].reason, CF_ROW_BAD_PHONE);
	const struct cf_guardian *g = &r->rows[0].student.guardians[0];
	assert_int_equal(g->n_phones, 3);
	assert_string_equal(g->phones[1], "13900139000");
	assert_string_equal(g->phones[2], "010-62345678");
	roster_free(&r);
}

static void
test_duplicates_and_missing(void **state)
{
	(void)state;
	struct cf_roster *r = read_ok("学号,姓名,性别\n"
	                              "A1,a,男\n"
	                              "A2,b,女\n"
	                              "A1,c,男\n"
	                              ",d,男\n"
	                              "A5,,男\n"
	                              "A 6,f,男\n"
	                              "A7,g,x\n"
	                              ",,\n"
	                              "A8,h,男,extra\n");
	assert_int_equal(r->n_records_read, 8);
	assert_int_equal(r->n_rows, 2);
	assert_int_equal(r->n_rows_with_errors, 6);
	assert_int_equal(r->n_errors, 6);
	assert_int_equal(r->errors[0].reason, CF_ROW_DUPLICATE_STUDENT_NUMBER);
	assert_int_equal(r->errors[0].line, 4);
	assert_string_equal(r->errors[0].column_name, "学号");
	assert_int_equal(r->errors[1].reason, CF_ROW_MISSING_STUDENT_NUMBER);
	assert_int_equal(r->errors[1].line, 5);
	assert_int_equal(r->errors[2].reason, CF_ROW_MISSING_NAME);
	assert_int_equal(r->errors[2].column, CF_COL_NAME);
	assert_string_equal(r->errors[2].column_name, "姓名");
	assert_int_equal(r->errors[3].reason, CF_ROW_BAD_STUDENT_NUMBER);
	assert_int_equal(r->errors[4].reason, CF_ROW_BAD_SEX);
	assert_int_equal(r->errors[5].reason, CF_ROW_TOO_MANY_CELLS);
	assert_int_equal(r->errors[5].column, CF_COL_NONE);
	assert_null(r->errors[5].column_name);
	assert_int_equal(r->errors[5].line, 10);
	assert_string_equal(r->rows[1].student.student_number, "A2");
	roster_free(&r);
}

static void
test_guardians_flags(void **state)
{
	(void)state;
	struct cf_roster *r = read_ok("学号,姓名,父亲姓名,父亲电话,母亲姓名,母亲电话,留守儿童,状态,住校,未知列\n"
	                              "A1,a,张大,13800138000,李二,,是,休学,否,zzz\n"
	                              "A2,b,,,,,maybe,,,\n");
	assert_int_equal(r->n_rows, 1);
	const struct cf_student *s = &r->rows[0].student;
	assert_int_equal(s->n_guardians, 2);
	assert_string_equal(s->guardians[0].name, "张大");
	assert_string_equal(s->guardians[0].relation, "父亲");
	assert_string_equal(s->guardians[0].phones[0], "13800138000");
	assert_string_equal(s->guardians[1].relation, "母亲");
	assert_int_equal(s->guardians[1].n_phones, 0);
	assert_int_equal(s->flags, CF_STUDENT_FLAG_LEFT_BEHIND);
	assert_int_equal(s->status, CF_STUDENT_ON_LEAVE);
	assert_one_error(r, 3, 3, CF_COL_FLAG_LEFT_BEHIND, CF_ROW_BAD_YES_NO);
	assert_int_equal(r->fields, CF_FIELD_STUDENT_NUMBER | CF_FIELD_NAME | CF_FIELD_GUARDIANS | CF_FIELD_FLAGS |
	                            CF_FIELD_STATUS);
	assert_int_equal(r->flag_mask, CF_STUDENT_FLAG_LEFT_BEHIND | CF_STUDENT_FLAG_BOARDING);
	assert_int_equal(r->n_notes, 1);
	assert_int_equal(r->notes[0].kind, CF_NOTE_UNKNOWN_COLUMN);
	assert_string_equal(r->notes[0].column_name, "未知列");
	roster_free(&r);
}

static void
expect_fail(const void *data, size_t len, int rc_want, enum cf_text_problem problem, size_t offset, size_t line)
{
	struct cf_roster *r = (struct cf_roster *)1;
	struct cf_roster_failure f;
	assert_int_equal(roster_read_buffer(data, len, &r, &f), rc_want);
	assert_null(r);
	assert_int_equal(f.problem, problem);
	assert_int_equal(f.offset, offset);
	assert_int_equal(f.line, line);
}

static void
test_whole_file_failures(void **state)
{
	(void)state;
	expect_fail("", 0, CF_ERR_INVALID, CF_TEXT_EMPTY, 0, 0);
	expect_fail("\xEF\xBB\xBF", 3, CF_ERR_INVALID, CF_TEXT_EMPTY, 0, 0);
	expect_fail("\x7F" "ELF\x02\x01\x01\0\0\0", 10, CF_ERR_INVALID, CF_TEXT_BINARY, 0, 0);
	expect_fail("PK\x03\x04\x14\0\x06\0", 8, CF_ERR_INVALID, CF_TEXT_SPREADSHEET, 0, 0);
	/* invalid UTF-8 in a UTF-8 roster */
	char bad[512];
	snprintf(bad, sizeof(bad), "%sA1,张三,男,2010-01-01,汉族,实验,一,1班,李,父亲,13800138000,示例\xC3\x28\n", HDR);
	size_t off = (size_t)(strstr(bad, "\xC3\x28") - bad);
	expect_fail(bad, strlen(bad), CF_ERR_ENCODING, CF_TEXT_INVALID, off, 0);
	/* invalid GBK: 学号,姓名 then 0x81 0x20 (bad trail byte) */
	const char gbk[] = "\xD1\xA7\xBA\xC5,\xD0\xD5\xC3\xFB\r\nA1,\xD5\xC5\x81\x20\r\n";
	expect_fail(gbk, sizeof(gbk) - 1, CF_ERR_ENCODING, CF_TEXT_INVALID, 16, 0);
	/* truncated mid-row: unterminated quote at EOF; nothing imported */
	const char *trunc = "学号,姓名,家庭住址\nA1,a,x\nA2,b,\"示例市\n北岭";
	expect_fail(trunc, strlen(trunc), CF_ERR_INVALID, CF_TEXT_TRUNCATED, 0, 3);
	/* not a roster */
	const char *prose = "hello world\nthis is not a roster\n";
	expect_fail(prose, strlen(prose), CF_ERR_INVALID, CF_TEXT_NO_HEADER, 0, 0);
	/* header without a student number column */
	const char *nonum = "姓名,班级,性别\na,1,男\n";
	expect_fail(nonum, strlen(nonum), CF_ERR_INVALID, CF_TEXT_NO_REQUIRED, 0, 0);
	assert_int_equal(roster_read_file("/nonexistent/roster.csv", (struct cf_roster **)&(struct cf_roster *){ NULL }, NULL), CF_ERR_IO);
}

static void
test_header_only(void **state)
{
	(void)state;
	struct cf_roster *r = read_ok(HDR);
	assert_int_equal(r->n_rows, 0);
	assert_int_equal(r->n_records_read, 0);
	roster_free(&r);
	/* No final newline: the last record still counts */
	r = read_ok("学号,姓名\nA1,a");
	assert_int_equal(r->n_rows, 1);
	roster_free(&r);
	/* Old Mac line ends (bare CR) */
	r = read_ok("学号,姓名\rA1,a\rA2,b\r");
	assert_int_equal(r->n_rows, 2);
	assert_int_equal(r->rows[1].line, 3);
	roster_free(&r);
	/* A stray quote inside an unquoted field is kept; a closed quote at EOF is no truncation */
	r = read_ok("学号,姓名\nA1,a\"b\nA2,\"x\"");
	assert_int_equal(r->n_rows, 2);
	assert_string_equal(r->rows[0].student.name, "a\"b");
	assert_string_equal(r->rows[1].student.name, "x");
	roster_free(&r);
	/* A header of 70 columns: cells under columns 65..70 are ignored, not "too many cells" */
	char wide[2048] = "学号,姓名";
	for (int i = 2; i < 70; i++)
		strcat(wide, ",x");
	strcat(wide, ",备注\nA1,a");
	for (int i = 2; i < 70; i++)
		strcat(wide, ",v");
	strcat(wide, ",r\n");
	r = read_ok(wide);
	assert_int_equal(r->n_rows, 1);
	assert_int_equal(r->n_errors, 0);
	assert_int_equal(r->n_columns, 64);
	roster_free(&r);
	roster_free(&r);
	roster_free(NULL);
}

/* Every alias of share/roster-headers.tsv maps to its column through the compiled table. */
static void
test_header_table(void **state)
{
	(void)state;
	static const char *const ids[CF_COL__COUNT] = {
		"student_number", "name", "sex", "birth_date", "ethnicity", "school", "grade", "class",
		"guardian_name", "guardian_relation", "guardian_phone", "guardian2_name",
		"guardian2_relation", "guardian2_phone", "guardian3_name", "guardian3_relation",
		"guardian3_phone", "guardian4_name", "guardian4_relation", "guardian4_phone", "father_name",
		"father_phone", "mother_name", "mother_phone", "address", "remarks", "status",
		"flag_left_behind", "flag_special_needs", "flag_boarding", "flag_single_parent",
		"flag_migrant", "flag_poverty", "flag_on_leave", "ignore_id_card", "ignore",
	};
	const char *share = getenv("CAREFILE_SHARE");
	assert_non_null(share);
	char path[4096];
	snprintf(path, sizeof(path), "%s/roster-headers.tsv", share);
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char line[512];
	int n = 0;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		char *tab = strchr(line, '\t');
		if (line[0] == '#' && !tab)
			continue;
		if (!tab)
			continue;
		*tab = '\0';
		enum cf_roster_column c = roster_column_from_header(tab + 1);
		if (c == CF_COL_NONE || strcmp(ids[c], line) != 0)
			fail_msg("alias '%s' of %s maps to %d", tab + 1, line, (int)c);
		n++;
	}
	fclose(fp);
	assert_true(n > 150);
	/* matching is lenient about case, spaces, full width and a trailing note */
	assert_int_equal(roster_column_from_header("STUDENT_NO."), CF_COL_STUDENT_NUMBER);
	assert_int_equal(roster_column_from_header("出生日期（yyyy-mm-dd）"), CF_COL_BIRTH_DATE);
	assert_int_equal(roster_column_from_header("*姓名"), CF_COL_NAME);
	assert_int_equal(roster_column_from_header("姓　名"), CF_COL_NAME);
	assert_int_equal(roster_column_from_header("Date of Birth"), CF_COL_BIRTH_DATE);
	assert_int_equal(roster_column_from_header("体重"), CF_COL_NONE);
	assert_int_equal(roster_column_from_header(""), CF_COL_NONE);
	/* the export's header labels (C locale) read back as their own columns */
	for (int c = 0; c < CF_COL__COUNT; c++)
		assert_int_equal(roster_column_from_header(roster_column_label((enum cf_roster_column)c)), c);
	for (int i = 0; i < CF_ROW_REASON__COUNT; i++)
		assert_true(strlen(roster_reason_message((enum cf_roster_reason)i)) > 5);
	for (int i = 0; i < CF_NOTE__COUNT; i++)
		assert_true(strlen(roster_note_message((enum cf_roster_note_kind)i)) > 5);
}

/* A stored student with two guardians and filled fields, to merge import rows into. */
static void
stored_student(struct cf_student *s)
{
	student_init(s, NULL);
	assert_int_equal(student_set_str(s, &s->student_number, "A1", 2), CF_OK);
	assert_int_equal(student_set_str(s, &s->name, "张三", strlen("张三")), CF_OK);
	assert_int_equal(student_set_str(s, &s->school, "一小", strlen("一小")), CF_OK);
	assert_int_equal(student_set_str(s, &s->grade, "三年级", strlen("三年级")), CF_OK);
	assert_int_equal(student_set_str(s, &s->class_name, "2班", strlen("2班")), CF_OK);
	s->sex = CF_SEX_FEMALE;
	memcpy(s->birth_date, "2015-03-04", 11);
	const char *names[2] = { "张大", "李二" }, *rels[2] = { "父亲", "母亲" },
		   *phones[2] = { "13800138000", "13700137000" };
	for (int k = 0; k < 2; k++) {
		struct cf_guardian *g = student_add_guardian(s);
		assert_non_null(g);
		assert_int_equal(student_set_str(s, &g->name, names[k], strlen(names[k])), CF_OK);
		assert_int_equal(student_set_str(s, &g->relation, rels[k], strlen(rels[k])), CF_OK);
		assert_int_equal(student_guardian_add_phone(s, g, phones[k]), CF_OK);
	}
}

/* Regression: a file with only "Guardian 2 phone" replaced every guardian with one nameless guardian. */
static void
test_partial_guardian_columns(void **state)
{
	(void)state;
	struct cf_roster *r = read_ok("Student number,Name,Guardian 2 phone\n"
	                              "A1,张三,13900139000\n");
	assert_int_equal(r->n_rows, 1);
	struct cf_student cur;
	stored_student(&cur);
	const struct cf_roster_row *row = &r->rows[0];
	assert_int_equal(student_diff_provided(&cur, &row->student, &row->provided), CF_FIELD_GUARDIANS);
	assert_int_equal(student_merge_provided(&cur, &row->student, &row->provided), CF_OK);
	assert_int_equal(cur.n_guardians, 2);
	assert_string_equal(cur.guardians[0].name, "张大");
	assert_string_equal(cur.guardians[0].relation, "父亲");
	assert_string_equal(cur.guardians[0].phones[0], "13800138000");
	assert_string_equal(cur.guardians[1].name, "李二");
	assert_string_equal(cur.guardians[1].relation, "母亲");
	assert_int_equal(cur.guardians[1].n_phones, 1);
	assert_string_equal(cur.guardians[1].phones[0], "13900139000");
	assert_string_equal(cur.school, "一小");
	/* the same file again changes nothing */
	assert_int_equal(student_diff_provided(&cur, &row->student, &row->provided), 0);
	roster_free(&r);

	/* only a guardian name: guardian 1's name changes, its relation and phones stay */
	r = read_ok("学号,姓名,监护人姓名\nA1,张三,王五\n");
	row = &r->rows[0];
	assert_int_equal(student_merge_provided(&cur, &row->student, &row->provided), CF_OK);
	assert_int_equal(cur.n_guardians, 2);
	assert_string_equal(cur.guardians[0].name, "王五");
	assert_string_equal(cur.guardians[0].relation, "父亲");
	assert_string_equal(cur.guardians[0].phones[0], "13800138000");
	assert_string_equal(cur.guardians[1].name, "李二");
	roster_free(&r);

	/* only a guardian phone: guardian 1's phones change, name stays */
	r = read_ok("学号,姓名,监护人电话\nA1,张三,13600136000\n");
	row = &r->rows[0];
	assert_int_equal(student_merge_provided(&cur, &row->student, &row->provided), CF_OK);
	assert_int_equal(cur.n_guardians, 2);
	assert_string_equal(cur.guardians[0].name, "王五");
	assert_string_equal(cur.guardians[0].phones[0], "13600136000");
	assert_string_equal(cur.guardians[1].phones[0], "13900139000");
	roster_free(&r);

	/* a guardian 3 column on a student with two appends a third */
	r = read_ok("学号,姓名,Guardian 3 name\nA1,张三,赵六\n");
	row = &r->rows[0];
	assert_int_equal(student_diff_provided(&cur, &row->student, &row->provided), CF_FIELD_GUARDIANS);
	assert_int_equal(student_merge_provided(&cur, &row->student, &row->provided), CF_OK);
	assert_int_equal(cur.n_guardians, 3);
	assert_string_equal(cur.guardians[2].name, "赵六");
	assert_string_equal(cur.guardians[1].name, "李二");
	roster_free(&r);

	/* mother columns update the stored guardian whose relation is 母亲, wherever it is */
	r = read_ok("学号,姓名,母亲电话\nA1,张三,13500135000\n");
	row = &r->rows[0];
	assert_int_equal(student_diff_provided(&cur, &row->student, &row->provided), CF_FIELD_GUARDIANS);
	assert_int_equal(student_merge_provided(&cur, &row->student, &row->provided), CF_OK);
	assert_int_equal(cur.n_guardians, 3);
	assert_string_equal(cur.guardians[0].phones[0], "13600136000");
	assert_string_equal(cur.guardians[1].name, "李二");
	assert_string_equal(cur.guardians[1].relation, "母亲");
	assert_string_equal(cur.guardians[1].phones[0], "13500135000");
	assert_int_equal(student_diff_provided(&cur, &row->student, &row->provided), 0);
	roster_free(&r);
	student_fini(&cur);
}

/* Regression: empty cells set stored sex, birth date, school, grade, class to "". */
static void
test_empty_cells_keep_values(void **state)
{
	(void)state;
	struct cf_roster *r = read_ok("Student number,Name,Sex,Date of birth,School,Grade,Class,Guardian name,"
	                              "Guardian phone,Left-behind child,Status\n"
	                              "A1,张三,,,,,,,,,\n");
	assert_int_equal(r->n_rows, 1);
	struct cf_student cur;
	stored_student(&cur);
	cur.flags = CF_STUDENT_FLAG_LEFT_BEHIND;
	cur.status = CF_STUDENT_ON_LEAVE;
	const struct cf_roster_row *row = &r->rows[0];
	assert_int_equal(row->student.n_guardians, 0);
	assert_int_equal(student_diff_provided(&cur, &row->student, &row->provided), 0);
	assert_int_equal(student_merge_provided(&cur, &row->student, &row->provided), CF_OK);
	assert_int_equal(cur.sex, CF_SEX_FEMALE);
	assert_string_equal(cur.birth_date, "2015-03-04");
	assert_string_equal(cur.school, "一小");
	assert_string_equal(cur.grade, "三年级");
	assert_string_equal(cur.class_name, "2班");
	assert_int_equal(cur.n_guardians, 2);
	assert_string_equal(cur.guardians[0].name, "张大");
	assert_int_equal(cur.flags, CF_STUDENT_FLAG_LEFT_BEHIND);
	assert_int_equal(cur.status, CF_STUDENT_ON_LEAVE);
	roster_free(&r);

	/* a filled cell still updates, and "否" clears a flag */
	r = read_ok("Student number,Name,Class,Left-behind child\nA1,张三,3班,否\n");
	row = &r->rows[0];
	assert_int_equal(student_diff_provided(&cur, &row->student, &row->provided), CF_FIELD_CLASS | CF_FIELD_FLAGS);
	assert_int_equal(student_merge_provided(&cur, &row->student, &row->provided), CF_OK);
	assert_string_equal(cur.class_name, "3班");
	assert_int_equal(cur.flags, 0);
	assert_string_equal(cur.school, "一小");
	roster_free(&r);
	student_fini(&cur);
}

/* Regression: a 4 MB quoted cell or a 4 MB line of commas took a minute (quadratic buffer growth). */
static void
test_huge_cells(void **state)
{
	(void)state;
	const char *head = "学号,姓名,备注\nA1,张三,ok\nA2,李四,\"";
	size_t big = (size_t)4 * 1024 * 1024;
	size_t hl = strlen(head);
	char *buf = malloc(hl + big + 8);
	if (!buf)
		abort(); /* tells the compiler too: the memset below never sees NULL */
	memcpy(buf, head, hl);
	memset(buf + hl, 'x', big);
	memcpy(buf + hl + big, "\"\n", 3);
	expect_fail(buf, hl + big + 2, CF_ERR_INVALID, CF_TEXT_CELL_TOO_LARGE, 0, 3);
	/* a line of 4 MB commas: too many cells */
	memset(buf + hl - 1, ',', big + 1);
	memcpy(buf + hl + big, "\n", 2);
	expect_fail(buf, hl + big + 1, CF_ERR_INVALID, CF_TEXT_CELL_TOO_LARGE, 0, 3);
	/* a cell just under the limit still reads (and is a row error: too long) */
	size_t ok = ROSTER_PARSE_CELL_MAX - 16;
	memcpy(buf, head, hl);
	memset(buf + hl, 'y', ok);
	memcpy(buf + hl + ok, "\"\n", 3);
	struct cf_roster *r = read_ok(buf);
	assert_int_equal(r->n_rows, 1);
	assert_int_equal(r->n_rows_with_errors, 1);
	assert_int_equal(r->errors[0].reason, CF_ROW_TOO_LONG);
	roster_free(&r);
	/* a large cell growing past many libcsv blocks keeps its content */
	size_t mid = ROSTER_CELL_MAX - 8;
	memset(buf + hl, 'z', mid);
	memcpy(buf + hl + mid, "\"\n", 3);
	r = read_ok(buf);
	assert_int_equal(r->n_rows, 2);
	assert_int_equal(strlen(r->rows[1].student.remarks), mid);
	assert_int_equal(r->rows[1].student.remarks[mid - 1], 'z');
	roster_free(&r);
	free(buf);
}

/* Regression: zero-width and bidi characters hid or reordered names; C1 and U+2028/2029 slipped through. */
static void
test_hidden_characters(void **state)
{
	(void)state;
	static const char *const removed[] = {
		"\u200B", "\u200C", "\u200D", "\u200E", "\u200F", "\u2060", "\uFEFF",
		"\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069",
	};
	for (size_t k = 0; k < sizeof(removed) / sizeof(removed[0]); k++) {
		char in[64], out[64];
		snprintf(in, sizeof(in), "张%s三", removed[k]);
		assert_int_equal(io_normalise_cell(in, strlen(in), out), strlen("张三"));
		assert_string_equal(out, "张三");
		char csv[256];
		snprintf(csv, sizeof(csv), "学号,姓名,监护人姓名,家庭住址\nA1,张%s三,李%s四,北%s岭\n", removed[k],
		         removed[k], removed[k]);
		struct cf_roster *r = read_ok(csv);
		assert_int_equal(r->n_rows, 1);
		assert_string_equal(r->rows[0].student.name, "张三");
		assert_string_equal(r->rows[0].student.guardians[0].name, "李四");
		assert_string_equal(r->rows[0].student.address, "北岭");
		roster_free(&r);
	}
	static const char *const refused[] = { "\xC2\x80", "\xC2\x85", "\xC2\x9B", "\xC2\x9F", "\u2028", "\u2029" };
	for (size_t k = 0; k < sizeof(refused) / sizeof(refused[0]); k++) {
		char csv[256];
		snprintf(csv, sizeof(csv), "学号,姓名\nA1,张%s三\n", refused[k]);
		struct cf_roster *r = read_ok(csv);
		assert_one_error(r, 2, 2, CF_COL_NAME, CF_ROW_BAD_TEXT);
		roster_free(&r);
		snprintf(csv, sizeof(csv), "学号,姓名,监护人姓名\nA1,张三,李%s四\n", refused[k]);
		r = read_ok(csv);
		assert_one_error(r, 2, 2, CF_COL_GUARDIAN_NAME, CF_ROW_BAD_TEXT);
		roster_free(&r);
		snprintf(csv, sizeof(csv), "学号,姓名,家庭住址\nA1,张三,北%s岭\n", refused[k]);
		r = read_ok(csv);
		assert_one_error(r, 2, 2, CF_COL_ADDRESS, CF_ROW_BAD_TEXT);
		roster_free(&r);
	}
}

/* Regression: "d301010006" was a different student from "D301010006". */
static void
test_student_number_case(void **state)
{
	(void)state;
	struct cf_roster *r = read_ok("学号,姓名\nd301010006,张三\nD301010006,李四\nx-1a,王五\n");
	assert_int_equal(r->n_rows, 2);
	assert_string_equal(r->rows[0].student.student_number, "D301010006");
	assert_string_equal(r->rows[1].student.student_number, "X-1A");
	assert_one_error(r, 3, 3, CF_COL_STUDENT_NUMBER, CF_ROW_DUPLICATE_STUDENT_NUMBER);
	roster_free(&r);
	assert_int_equal(student_number_cmp("d301", "D301"), 0);
	assert_true(student_number_cmp("a1", "B1") < 0);
	assert_true(student_number_cmp("b1", "A1") > 0);
	assert_true(student_number_cmp(NULL, "A") < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_utf8),
		cmocka_unit_test(test_sample_gbk),
		cmocka_unit_test(test_sample_bom),
		cmocka_unit_test(test_utf16_tab),
		cmocka_unit_test(test_semicolon),
		cmocka_unit_test(test_title_rows),
		cmocka_unit_test(test_quoted_newlines),
		cmocka_unit_test(test_fullwidth_and_spaces),
		cmocka_unit_test(test_date_formats),
		cmocka_unit_test(test_scientific),
		cmocka_unit_test(test_duplicates_and_missing),
		cmocka_unit_test(test_guardians_flags),
		cmocka_unit_test(test_whole_file_failures),
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_header_table),
		cmocka_unit_test(test_partial_guardian_columns),
		cmocka_unit_test(test_empty_cells_keep_values),
		cmocka_unit_test(test_huge_cells),
		cmocka_unit_test(test_hidden_characters),
		cmocka_unit_test(test_student_number_case),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
