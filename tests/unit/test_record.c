/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The record layer of the ground: canonical codec, refusal of every other encoding, validation, copy, diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/contact.h"
#include "carefile/record.h"
#include "carefile/student.h"

/* A student with every kind of field the type has set. */
static void
make_student(struct cf_student *s)
{
	struct cf_guardian *g;

	student_init(s, NULL);
	assert_int_equal(student_set_str(s, &s->student_number, "D301010006", 10), CF_OK);
	assert_int_equal(student_set_str(s, &s->name, "张三", strlen("张三")), CF_OK);
	s->sex = CF_SEX_FEMALE;
	memcpy(s->birth_date, "2014-07-18", 11);
	assert_int_equal(student_set_str(s, &s->school, "第一小学", strlen("第一小学")), CF_OK);
	assert_int_equal(student_set_str(s, &s->grade, "四年级", strlen("四年级")), CF_OK);
	assert_int_equal(student_set_str(s, &s->class_name, "2班", strlen("2班")), CF_OK);
	assert_int_equal(student_set_str(s, &s->address, "路1号\n3单元", strlen("路1号\n3单元")), CF_OK);
	s->flags = CF_STUDENT_FLAG_LEFT_BEHIND | CF_STUDENT_FLAG_BOARDING;
	s->status = CF_STUDENT_ON_LEAVE;
	g = student_add_guardian(s);
	assert_non_null(g);
	assert_int_equal(student_set_str(s, &g->name, "张父", strlen("张父")), CF_OK);
	assert_int_equal(student_set_str(s, &g->relation, "父亲", strlen("父亲")), CF_OK);
	assert_int_equal(student_guardian_add_phone(s, g, "13800138000"), CF_OK);
	assert_int_equal(student_guardian_add_phone(s, g, "010-12345678"), CF_OK);
	g = student_add_guardian(s);
	assert_int_equal(student_set_str(s, &g->name, "李母", strlen("李母")), CF_OK);
}

static uint8_t *
encode(const struct cf_record_type *t, const void *rec, size_t *len)
{
	size_t n = record_encoded_size(t, rec);
	uint8_t *buf;

	assert_true(n > 0);
	buf = malloc(n);
	assert_non_null(buf);
	assert_int_equal(record_encode(t, rec, buf, n, len), CF_OK);
	assert_int_equal(*len, n);
	return buf;
}

static void
test_round_trip_is_canonical(void **state)
{
	struct cf_student s, d;
	size_t len, len2;
	uint8_t *a, *b;

	(void)state;
	make_student(&s);
	a = encode(&cf_student_type, &s, &len);
	assert_true(record_is_encoded(a, len));
	assert_int_equal(record_decode(&cf_student_type, a, len, NULL, &d), CF_OK);
	/* status is a plaintext column: not in the ciphertext, so it decodes as the default */
	assert_int_equal(d.status, CF_STUDENT_ACTIVE);
	d.status = s.status;
	assert_int_equal(record_diff(&cf_student_type, &s, &d), 0);
	assert_string_equal(d.guardians[0].phones[1], "010-12345678");
	assert_int_equal(d.guardians[1].n_phones, 0);
	b = encode(&cf_student_type, &d, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(a, b, len);
	free(a);
	free(b);
	student_fini(&s);
	student_fini(&d);
}

static void
test_status_column_not_sealed(void **state)
{
	struct cf_student s;
	size_t l1, l2;
	uint8_t *a, *b;

	(void)state;
	make_student(&s);
	a = encode(&cf_student_type, &s, &l1);
	s.status = CF_STUDENT_GRADUATED;
	b = encode(&cf_student_type, &s, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(a, b, l1);
	free(a);
	free(b);
	student_fini(&s);
}

/* Decoding must refuse the bytes: never crash, never accept. */
static void
refused(const struct cf_record_type *t, const uint8_t *p, size_t len)
{
	unsigned char rec[1024];

	assert_true(t->size <= sizeof rec);
	assert_int_equal(record_decode(t, p, len, NULL, rec), CF_ERR_DAMAGED);
	record_fini(t, rec); /* safe after a refusal */
}

static void
test_refuses_everything_else(void **state)
{
	/* contact: date (1), guardian (2), channel (3, enum), summary (4) */
	static const uint8_t ok[] = { 0xCF, 1, 1, '2', '0', '2', '6', '-', '0', '3', '-', '0', '1', 3, 4, 4, 2, 'h', 'i' };
	static const uint8_t descending[] = { 0xCF, 1, 4, 2, 'h', 'i', 1, '2', '0', '2', '6', '-', '0', '3', '-', '0', '1' };
	static const uint8_t repeated[] = { 0xCF, 1, 4, 1, 'h', 4, 1, 'i' };
	static const uint8_t unknown[] = { 0xCF, 1, 9, 1, 'x' };
	static const uint8_t empty_text[] = { 0xCF, 1, 4, 0 };
	static const uint8_t default_enum[] = { 0xCF, 1, 3, 0 };
	static const uint8_t bad_option[] = { 0xCF, 1, 3, 40 };
	static const uint8_t nonminimal[] = { 0xCF, 1, 4, 0x82, 0x00, 'h', 'i' };
	static const uint8_t trailing[] = { 0xCF, 1, 4, 1, 'h', 0 };
	static const uint8_t nul_inside[] = { 0xCF, 1, 4, 2, 'h', 0 };
	static const uint8_t bad_date[] = { 0xCF, 1, 1, '2', '0', '2', '6', '-', '1', '3', '-', '0', '1' };
	static const uint8_t wrong_marker[] = { 'C', 'F', 'C', 'T', 1 };
	static const uint8_t wrong_version[] = { 0xCF, 2 };
	struct cf_contact c;

	(void)state;
	assert_int_equal(record_decode(&cf_contact_type, ok, sizeof ok, NULL, &c), CF_OK);
	assert_string_equal(c.date, "2026-03-01");
	assert_int_equal(c.channel, CF_CONTACT_MEETING);
	assert_string_equal(c.summary, "hi");
	assert_null(c.guardian);
	record_fini(&cf_contact_type, &c);
	refused(&cf_contact_type, descending, sizeof descending);
	refused(&cf_contact_type, repeated, sizeof repeated);
	refused(&cf_contact_type, unknown, sizeof unknown);
	refused(&cf_contact_type, empty_text, sizeof empty_text);
	refused(&cf_contact_type, default_enum, sizeof default_enum);
	refused(&cf_contact_type, bad_option, sizeof bad_option);
	refused(&cf_contact_type, nonminimal, sizeof nonminimal);
	refused(&cf_contact_type, trailing, sizeof trailing);
	refused(&cf_contact_type, nul_inside, sizeof nul_inside);
	refused(&cf_contact_type, bad_date, sizeof bad_date);
	refused(&cf_contact_type, wrong_marker, sizeof wrong_marker);
	refused(&cf_contact_type, wrong_version, sizeof wrong_version);
	/* every cut of a good encoding short of the whole is refused, except where a field ends */
	for (size_t n = 0; n < sizeof ok; n++) {
		int e = record_decode(&cf_contact_type, ok, n, NULL, &c);

		if (n == 2 || n == 13 || n == 15)
			assert_int_equal(e, CF_OK);
		else
			assert_int_equal(e, CF_ERR_DAMAGED);
		record_fini(&cf_contact_type, &c);
	}
}

static void
test_group_limits_refused(void **state)
{
	struct cf_student s;
	uint8_t *a;
	size_t len;

	(void)state;
	make_student(&s);
	a = encode(&cf_student_type, &s, &len);
	/* a guardian count above the maximum, written by hand: find tag 9 (guardians) and raise its count */
	for (size_t i = 2; i + 1 < len; i++)
		if (a[i] == 9 && a[i + 1] == 2) {
			a[i + 1] = CF_STUDENT_GUARDIANS_MAX + 1;
			break;
		}
	refused(&cf_student_type, a, len);
	free(a);
	s.n_guardians = CF_STUDENT_GUARDIANS_MAX + 1;
	assert_int_equal(record_encoded_size(&cf_student_type, &s), 0);
	s.n_guardians = 2;
	student_fini(&s);
}

/* A later version of the contact type with one more optional field: old records decode without it. */
struct contact2 {
	struct cf_contact c;
	char *follow_up;
};

static void
test_new_optional_field(void **state)
{
	struct cf_field f2[5];
	struct cf_record_type t2 = cf_contact_type;
	struct cf_contact c;
	struct contact2 d;
	uint8_t *a;
	size_t len;

	(void)state;
	memcpy(f2, cf_contact_type.fields, 4 * sizeof f2[0]);
	f2[4] = (struct cf_field){ .tag = 5, .name = "follow_up", .label = "Follow-up", .kind = CF_KIND_TEXT,
	                           CF_MEMBER(struct contact2, follow_up), .max_chars = 100 };
	t2.fields = f2;
	t2.n_fields = 5;
	t2.size = sizeof(struct contact2);
	record_init(&cf_contact_type, &c, NULL);
	memcpy(c.date, "2026-01-02", 11);
	c.channel = CF_CONTACT_VISIT;
	assert_int_equal(record_set_text(&cf_contact_type, &c, &c.summary, "visit", 5), CF_OK);
	a = encode(&cf_contact_type, &c, &len);
	assert_int_equal(record_decode(&t2, a, len, NULL, &d), CF_OK);
	assert_null(d.follow_up);
	assert_string_equal(d.c.summary, "visit");
	record_fini(&t2, &d);
	free(a);
	/* and a record with the new field is refused by the old type (never silently dropped) */
	record_init(&t2, &d, NULL);
	memcpy(d.c.date, "2026-01-02", 11);
	assert_int_equal(record_set_text(&t2, &d, &d.follow_up, "call", 4), CF_OK);
	a = encode(&t2, &d, &len);
	refused(&cf_contact_type, a, len);
	free(a);
	record_fini(&t2, &d);
	record_fini(&cf_contact_type, &c);
}

static void
test_validation_per_field(void **state)
{
	struct cf_student s;
	struct cf_field_errors errs;
	const struct cf_field_error *e;
	char msg[256], long_name[400];

	(void)state;
	make_student(&s);
	assert_int_equal(record_validate(&cf_student_type, &s, "2026-12-02", &errs), CF_OK);
	assert_int_equal(errs.n, 0);

	memset(long_name, 'a', CF_STUDENT_NAME_MAX + 1);
	long_name[CF_STUDENT_NAME_MAX + 1] = '\0';
	assert_int_equal(student_set_str(&s, &s.name, long_name, strlen(long_name)), CF_OK);
	memcpy(s.birth_date, "2030-01-01", 11);
	assert_int_equal(student_set_str(&s, &s.guardians[0].phones[0], "12345", 5), CF_OK);
	assert_int_equal(student_set_str(&s, &s.school, "a\x1b[2Jb", 6), CF_OK);
	assert_int_equal(record_validate(&cf_student_type, &s, "2026-12-02", &errs), CF_ERR_INVALID);

	e = record_errors_find(&errs, 2);
	assert_non_null(e);
	assert_int_equal(e->problem, CF_PROBLEM_TOO_LONG);
	record_problem_text(e, record_error_field(&cf_student_type, e), msg, sizeof msg);
	assert_string_equal(msg, "At most 64 characters.");
	e = record_errors_find(&errs, 4);
	assert_non_null(e);
	assert_int_equal(e->problem, CF_PROBLEM_FUTURE);
	e = record_errors_find(&errs, 6);
	assert_int_equal(e->problem, CF_PROBLEM_CONTROL);
	/* the phone: guardian 0, phone 0 */
	e = record_errors_find(&errs, 9);
	assert_non_null(e);
	assert_int_equal(e->depth, 3);
	assert_int_equal(e->path[0].index, 0);
	assert_int_equal(e->path[1].tag, 3);
	assert_int_equal(e->path[1].index, 0);
	assert_int_equal(e->problem, CF_PROBLEM_SYNTAX);
	assert_string_equal(record_error_field(&cf_student_type, e)->name, "phone");

	/* a number that is valid but not in its canonical (upper-case) form is refused too */
	assert_int_equal(student_set_str(&s, &s.student_number, "d301", 4), CF_OK);
	assert_int_equal(record_validate(&cf_student_type, &s, NULL, &errs), CF_ERR_INVALID);
	assert_int_equal(record_errors_find(&errs, 1)->problem, CF_PROBLEM_SYNTAX);
	/* required */
	assert_int_equal(student_set_str(&s, &s.student_number, NULL, 0), CF_OK);
	assert_int_equal(record_validate(&cf_student_type, &s, NULL, &errs), CF_ERR_INVALID);
	assert_int_equal(record_errors_find(&errs, 1)->problem, CF_PROBLEM_REQUIRED);
	student_fini(&s);
}

static void
test_copy_diff_and_format(void **state)
{
	struct cf_student s, c;
	char buf[256];
	uint64_t d;

	(void)state;
	make_student(&s);
	assert_int_equal(student_copy(&c, &s, NULL), CF_OK);
	assert_int_equal(record_diff(&cf_student_type, &s, &c), 0);
	assert_int_equal(student_set_str(&c, &c.guardians[0].phones[1], "13900139000", 11), CF_OK);
	c.sex = CF_SEX_MALE;
	d = record_diff(&cf_student_type, &s, &c);
	assert_int_equal(d, (uint64_t)(CF_FIELD_GUARDIANS | CF_FIELD_SEX));
	record_field_format(&cf_student_type, record_field(&cf_student_type, 11), &s, buf, sizeof buf);
	assert_string_equal(buf, "Left-behind child, Boarding");
	record_field_format(&cf_student_type, record_field(&cf_student_type, 9), &s, buf, sizeof buf);
	assert_string_equal(buf, "张父 (父亲) 13800138000/010-12345678; 李母");
	/* snprintf-like: the length needed, a cut copy */
	assert_int_equal(record_field_format(&cf_student_type, record_field(&cf_student_type, 2), &s, buf, 4),
	                 strlen("张三"));
	/* a removed guardian is wiped and the later one moves up */
	record_group_remove(&cf_student_type, record_field(&cf_student_type, 9), &c, 0);
	assert_int_equal(c.n_guardians, 1);
	assert_string_equal(c.guardians[0].name, "李母");
	assert_null(c.guardians[1].name);
	student_fini(&s);
	student_fini(&c);
}

static void
test_bound_columns(void **state)
{
	struct cf_row r;
	uint8_t a[CF_RECORD_BOUND_MAX], b[CF_RECORD_BOUND_MAX];
	size_t la, lb;

	(void)state;
	memset(&r, 0, sizeof r);
	r.version = 3;
	r.created = 100;
	r.updated = 200;
	memset(r.link_uuid[0], 7, CF_UUID_BYTES);
	la = record_bound(&cf_table_contact, &r, a, sizeof a);
	assert_true(la <= sizeof a);
	r.link_uuid[0][15] = 8;
	lb = record_bound(&cf_table_contact, &r, b, sizeof b);
	assert_int_equal(la, lb);
	assert_memory_not_equal(a, b, la);
	r.link_uuid[0][15] = 7;
	r.updated = 201;
	record_bound(&cf_table_contact, &r, b, sizeof b);
	assert_memory_not_equal(a, b, la);
	/* every table of the registry is declared sanely */
	for (size_t i = 0; cf_tables[i]; i++) {
		const struct cf_table *t = cf_tables[i];

		assert_true(t->n_cols <= CF_TABLE_COLUMNS_MAX);
		assert_true(t->type->n_fields <= CF_RECORD_FIELDS_MAX);
		for (size_t f = 1; f < t->type->n_fields; f++)
			assert_true(t->type->fields[f - 1].tag < t->type->fields[f].tag);
		for (size_t c = 0; c < t->n_cols; c++) {
			if (t->cols[c].kind == CF_COLUMN_FIELD)
				assert_true(record_field(t->type, t->cols[c].field)->flags & CF_FIELD_COLUMN);
			else
				assert_non_null(t->cols[c].parent);
		}
		assert_ptr_equal(record_table_by_name(t->name), t);
	}
	/* field i of the student table is bit i of enum cf_student_field */
	assert_string_equal(cf_student_type.fields[8].name, "guardians");
	assert_int_equal(1u << 8, CF_FIELD_GUARDIANS);
	assert_string_equal(cf_student_type.fields[12].name, "remarks");
	assert_int_equal(1u << 12, CF_FIELD_REMARKS);
}

/* One field copied: a text replaced, a group replaced whole (fewer elements, their strings too). */
static void
test_field_copy(void **state)
{
	struct cf_student a, b;
	const struct cf_field *name = record_field(&cf_student_type, 2), *guardians = record_field(&cf_student_type, 9);

	(void)state;
	student_init(&a, NULL);
	student_init(&b, NULL);
	assert_int_equal(student_set_str(&a, &a.name, "张三", strlen("张三")), CF_OK);
	assert_int_equal(student_set_str(&a, &student_add_guardian(&a)->name, "张父", strlen("张父")), CF_OK);
	assert_int_equal(student_set_str(&b, &b.name, "李四", strlen("李四")), CF_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(student_set_str(&b, &student_add_guardian(&b)->name, "某人", strlen("某人")), CF_OK);
	assert_int_equal(student_guardian_add_phone(&b, &b.guardians[2], "13800138000"), CF_OK);
	assert_int_equal(record_field_copy(name, &b, &a, record_alloc(&cf_student_type, &b)), CF_OK);
	assert_string_equal(b.name, "张三");
	assert_int_equal(record_field_copy(guardians, &b, &a, record_alloc(&cf_student_type, &b)), CF_OK);
	assert_int_equal(b.n_guardians, 1);
	assert_string_equal(b.guardians[0].name, "张父");
	assert_int_equal(b.guardians[0].n_phones, 0);
	assert_int_equal(record_diff(&cf_student_type, &a, &b), 0);
	student_fini(&a);
	student_fini(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_is_canonical),
		cmocka_unit_test(test_status_column_not_sealed),
		cmocka_unit_test(test_refuses_everything_else),
		cmocka_unit_test(test_group_limits_refused),
		cmocka_unit_test(test_new_optional_field),
		cmocka_unit_test(test_validation_per_field),
		cmocka_unit_test(test_copy_diff_and_format),
		cmocka_unit_test(test_bound_columns),
		cmocka_unit_test(test_field_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
