/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The kit's record form: built from a field table, filled, read back, core's errors under their fields, drafts; time parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <cmocka.h>

#include "carefile/contact.h"
#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/student.h"
#include "tui-kit.h"
#include "tui-students.h"
#include "invisible-screen.h"

static int
setup(void **state)
{
	(void)state;
	if (crypto_init() != CF_OK)
		return -1;
	return invisible_screen_open(24, 80);
}

static int
teardown(void **state)
{
	(void)state;
	return invisible_screen_close();
}

static void
set(struct cf_student *s, char **f, const char *v)
{
	assert_int_equal(student_set_str(s, f, v, strlen(v)), CF_OK);
}

/* The form field (widget) whose label is label, or NULL. */
static struct tui_form_field *
field(struct tui_record_form *f, const char *label)
{
	struct tui_form *w = tui_record_form_widget(f);

	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->fields[i].label, label) == 0)
			return &w->fields[i];
	return NULL;
}

static void
test_student_form_round_trip(void **state)
{
	struct tui_record_form *f = NULL;
	struct cf_student s, back;
	struct cf_guardian *g;

	(void)state;
	student_init(&s, NULL);
	set(&s, &s.student_number, "D100");
	set(&s, &s.name, "张三");
	s.sex = CF_SEX_FEMALE;
	memcpy(s.birth_date, "2014-07-18", 11);
	s.flags = CF_STUDENT_FLAG_BOARDING | CF_STUDENT_FLAG_MIGRANT;
	s.status = CF_STUDENT_ON_LEAVE;
	set(&s, &s.remarks, "两行\n备注");
	for (int i = 0; i < 4; i++) {
		char name[16];

		g = student_add_guardian(&s);
		snprintf(name, sizeof name, "监护人%d", i + 1);
		set(&s, &g->name, name);
	}
	assert_int_equal(student_guardian_add_phone(&s, &s.guardians[3], "13800138000"), CF_OK);
	assert_int_equal(student_guardian_add_phone(&s, &s.guardians[3], "010-12345678"), CF_OK);
	assert_int_equal(tui_record_form_new(&tui_student_form_spec, NULL, NULL, 0, &f), CF_OK);
	assert_int_equal(tui_record_form_fill(f, &s), CF_OK);
	/* every guardian has its block, the fourth shows its two phones on one line */
	assert_non_null(field(f, "Guardian 4"));
	assert_false(field(f, "Guardian 4")->hidden);
	assert_int_equal(tui_record_form_read(f, &back, NULL), CF_OK);
	assert_int_equal(record_diff(&cf_student_type, &s, &back), 0);
	student_fini(&back);
	tui_record_form_free(&f);
	student_fini(&s);
}

static void
test_core_errors_land_under_their_fields(void **state)
{
	struct tui_record_form *f = NULL;
	struct cf_student s;
	struct cf_field_errors errs;
	struct tui_form_field *ph, *nm;

	(void)state;
	student_init(&s, NULL);
	set(&s, &s.student_number, "D100");
	set(&s, &s.name, "张三");
	student_add_guardian(&s);
	student_add_guardian(&s);
	set(&s, &s.guardians[1].name, "李四");
	assert_int_equal(student_guardian_add_phone(&s, &s.guardians[1], "13800138000"), CF_OK);
	assert_int_equal(student_guardian_add_phone(&s, &s.guardians[1], "12345"), CF_OK);
	assert_int_equal(tui_record_form_new(&tui_student_form_spec, NULL, NULL, 0, &f), CF_OK);
	assert_int_equal(tui_record_form_fill(f, &s), CF_OK);
	student_fini(&s);
	/* a name far too long, pasted: the editor keeps one character over the limit, so validation says so */
	nm = field(f, "Name");
	assert_non_null(nm);
	tui_edit_clear(nm->ed);
	for (int i = 0; i < 5000; i++)
		tui_edit_insert(nm->ed, L'长');
	assert_int_equal(tui_record_form_read(f, &s, NULL), CF_OK);
	assert_int_equal(record_text_chars(s.name), CF_STUDENT_NAME_MAX + 1);
	assert_int_equal(record_validate(&cf_student_type, &s, NULL, &errs), CF_ERR_INVALID);
	assert_true(tui_record_form_errors(f, &errs) >= 2);
	assert_string_equal(nm->error, "At most 64 characters.");
	/* guardian 1 is empty in the form, so the phones of guardian 2 (element 1) are the second block's */
	ph = &tui_record_form_widget(f)->fields[0];
	for (size_t i = 0; i < tui_record_form_widget(f)->n; i++)
		if (tui_record_form_widget(f)->fields[i].error[0] && strncmp(tui_record_form_widget(f)->fields[i].error, "12345", 5) == 0)
			ph = &tui_record_form_widget(f)->fields[i];
	assert_non_null(strstr(ph->error, "12345: Not a phone number"));
	student_fini(&s);
	tui_record_form_free(&f);
}

static void
test_contact_choices_and_draft(void **state)
{
	static const char *const values[] = { "萧嘉雨", "单一" };
	static const char *const labels[] = { "萧嘉雨 (父亲)", "单一 (母亲)" };
	struct tui_record_form *f = NULL, *g = NULL;
	struct cf_contact c, back;
	struct tui_form_field *who;
	uint8_t *draft = NULL;
	size_t len = 0;

	(void)state;
	record_init(&cf_contact_type, &c, NULL);
	memcpy(c.date, "2026-03-01", 11);
	assert_int_equal(record_set_text(&cf_contact_type, &c, &c.guardian, "单一", strlen("单一")), CF_OK);
	assert_int_equal(record_set_text(&cf_contact_type, &c, &c.summary, "x", 1), CF_OK);
	assert_int_equal(tui_record_form_new(&tui_contact_form_spec, values, labels, 2, &f), CF_OK);
	assert_int_equal(tui_record_form_fill(f, &c), CF_OK);
	who = field(f, "Contacted");
	assert_non_null(who);
	assert_int_equal(who->choice, 1);
	assert_string_equal(who->options[1], "单一 (母亲)");
	assert_string_equal(who->options[2], "someone else");
	/* someone else: the free text is stored */
	who->choice = 2;
	assert_int_equal(tui_form_set_text(field(f, "  Who"), "班主任王老师"), CF_OK);
	assert_int_equal(tui_record_form_key(f, &(struct cf_tui_key){ true, KEY_F(5) }), TUI_KEY_UNHANDLED);
	assert_false(field(f, "  Who")->hidden);
	assert_int_equal(tui_record_form_read(f, &back, NULL), CF_OK);
	assert_string_equal(back.guardian, "班主任王老师");
	record_fini(&cf_contact_type, &back);
	/* a draft (what lock seals) brings every field back into a fresh form */
	assert_int_equal(tui_record_form_dump(f, &draft, &len), CF_OK);
	tui_record_form_clear(f);
	assert_int_equal(tui_record_form_new(&tui_contact_form_spec, values, labels, 2, &g), CF_OK);
	assert_int_equal(tui_record_form_restore(g, draft, len), CF_OK);
	assert_int_equal(tui_record_form_read(g, &back, NULL), CF_OK);
	assert_string_equal(back.guardian, "班主任王老师");
	assert_string_equal(back.date, "2026-03-01");
	assert_string_equal(back.summary, "x");
	/* a truncated draft is refused, not half put back */
	assert_int_equal(tui_record_form_restore(g, draft, len - 1), CF_ERR_DAMAGED);
	record_fini(&cf_contact_type, &back);
	crypto_secure_free(draft);
	record_fini(&cf_contact_type, &c);
	tui_record_form_free(&f);
	tui_record_form_free(&g);
}

/*
 * A form that shows part of a record (a read-only number, an editable
 * name): a save keeps every field it does not edit, plaintext columns
 * (status) included, also after a lock sealed the draft and an unlock
 * restored it into a fresh form.
 */
static void
test_unshown_and_readonly_fields_survive(void **state)
{
	static const struct tui_form_item items[] = { { .tag = 1, .readonly = true }, { .tag = 2 } };
	struct tui_form_spec spec = tui_student_form_spec;
	struct tui_record_form *f = NULL, *g = NULL;
	struct cf_student s, back;
	struct tui_form_field *num;
	uint8_t *draft = NULL;
	size_t len = 0;

	(void)state;
	spec.items = items;
	spec.n_items = 2;
	student_init(&s, NULL);
	set(&s, &s.student_number, "D100");
	set(&s, &s.name, "张三");
	set(&s, &s.remarks, "不在表单上的备注");
	s.status = CF_STUDENT_ON_LEAVE; /* a plaintext column, not in the encoding */
	s.flags = CF_STUDENT_FLAG_BOARDING;
	set(&s, &student_add_guardian(&s)->name, "张父");
	assert_int_equal(tui_record_form_new(&spec, NULL, NULL, 0, &f), CF_OK);
	assert_int_equal(tui_record_form_fill(f, &s), CF_OK);
	assert_int_equal(tui_record_form_widget(f)->n, 2);
	num = field(f, "Student number");
	assert_non_null(num);
	assert_int_equal(num->kind, TUI_FORM_LABEL);
	assert_string_equal(num->text, "D100");
	assert_int_equal(tui_form_set_text(field(f, "Name"), "张三丰"), CF_OK);
	assert_int_equal(tui_record_form_read(f, &back, NULL), CF_OK);
	assert_string_equal(back.name, "张三丰");
	assert_string_equal(back.student_number, "D100");
	assert_string_equal(back.remarks, "不在表单上的备注");
	assert_int_equal(back.status, CF_STUDENT_ON_LEAVE);
	assert_int_equal(back.flags, CF_STUDENT_FLAG_BOARDING);
	assert_int_equal(back.n_guardians, 1);
	assert_string_equal(back.guardians[0].name, "张父");
	/* only the name differs from what was loaded */
	assert_int_equal(record_diff(&cf_student_type, &s, &back),
	                 UINT64_C(1) << record_field_index(&cf_student_type, 2));
	student_fini(&back);
	/* lock: the draft carries the stored record; the cleared form holds nothing */
	assert_int_equal(tui_record_form_dump(f, &draft, &len), CF_OK);
	tui_record_form_clear(f);
	assert_string_equal(num->text, "");
	assert_int_equal(tui_record_form_new(&spec, NULL, NULL, 0, &g), CF_OK);
	assert_int_equal(tui_record_form_restore(g, draft, len), CF_OK);
	assert_string_equal(field(g, "Student number")->text, "D100");
	assert_int_equal(tui_record_form_read(g, &back, NULL), CF_OK);
	assert_string_equal(back.name, "张三丰");
	assert_string_equal(back.remarks, "不在表单上的备注");
	assert_int_equal(back.status, CF_STUDENT_ON_LEAVE);
	assert_string_equal(back.guardians[0].name, "张父");
	student_fini(&back);
	crypto_secure_free(draft);
	student_fini(&s);
	tui_record_form_free(&f);
	tui_record_form_free(&g);
}

static void
test_parse_time_and_subst(void **state)
{
	char t[6] = "", out[64];

	(void)state;
	assert_true(tui_parse_time("14:30", t));
	assert_string_equal(t, "14:30");
	assert_true(tui_parse_time("9:05", t));
	assert_string_equal(t, "09:05");
	assert_true(tui_parse_time("0905", t));
	assert_string_equal(t, "09:05");
	assert_true(tui_parse_time("14：30", t));
	assert_string_equal(t, "14:30");
	assert_false(tui_parse_time("24:00", t));
	assert_false(tui_parse_time("9:5", t));
	assert_false(tui_parse_time("ab", t));
	tui_subst(out, sizeof out, "Guardian %d", "3");
	assert_string_equal(out, "Guardian 3");
	tui_subst(out, sizeof out, "编辑学生：%s", "张三");
	assert_string_equal(out, "编辑学生：张三");
	tui_subst(out, sizeof out, "Add a student", "x");
	assert_string_equal(out, "Add a student");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_student_form_round_trip),
		cmocka_unit_test(test_core_errors_land_under_their_fields),
		cmocka_unit_test(test_contact_choices_and_draft),
		cmocka_unit_test(test_unshown_and_readonly_fields_survive),
		cmocka_unit_test(test_parse_time_and_subst),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
