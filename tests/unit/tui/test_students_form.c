/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Students screens' pieces: typed dates, the form widget (keys, trimming, messages under a field), privacy names. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <cmocka.h>

#include "carefile/crypto.h"
#include "carefile/error.h"
#include "tui-form.h"
#include "tui-students.h"
#include "invisible-screen.h"

static int
setup(void **state)
{
	(void)state;
	if (crypto_init() != CF_OK)
		return -1;
	return invisible_screen_open(12, 40);
}

static int
teardown(void **state)
{
	(void)state;
	return invisible_screen_close();
}


static struct cf_tui_key
ch(wint_t c)
{
	return (struct cf_tui_key){ false, c };
}

static struct cf_tui_key
fn(wint_t c)
{
	return (struct cf_tui_key){ true, c };
}

static void
test_parse_date(void **state)
{
	char date[11] = "unchanged";

	(void)state;
	assert_true(tui_parse_date("2014-07-18", date));
	assert_string_equal(date, "2014-07-18");
	assert_true(tui_parse_date("2014/7/8", date));
	assert_string_equal(date, "2014-07-08");
	assert_true(tui_parse_date("2014.7.18", date));
	assert_string_equal(date, "2014-07-18");
	assert_true(tui_parse_date("2014年7月18日", date));
	assert_string_equal(date, "2014-07-18");
	assert_true(tui_parse_date("2012-02-29", date)); /* leap year */
	assert_string_equal(date, "2012-02-29");
	strcpy(date, "unchanged");
	assert_false(tui_parse_date("2014-02-30", date));
	assert_false(tui_parse_date("2013-02-29", date));
	assert_false(tui_parse_date("2014-13-01", date));
	assert_false(tui_parse_date("2014-00-10", date));
	assert_false(tui_parse_date("2014-07", date));
	assert_false(tui_parse_date("2014-07-18-1", date));
	assert_false(tui_parse_date("2014-07-18x", date));
	assert_false(tui_parse_date("20140718", date));
	assert_false(tui_parse_date("-07-18", date));
	assert_false(tui_parse_date("", date));
	assert_string_equal(date, "unchanged");
}

static const char *const opts3[] = { "Male", "Female", "Unknown" };
static const char *const flag_opts[] = { "A", "B", "C" };

/* A form of: text, choice, hidden text, flags, area. */
static void
make_form(struct tui_form *f, struct tui_form_field *fl)
{
	memset(fl, 0, 5 * sizeof *fl);
	fl[0].kind = TUI_FORM_TEXT;
	strcpy(fl[0].label, "Name");
	fl[0].ed = tui_edit_new(false, 40, tui_secure_edit_alloc());
	fl[1].kind = TUI_FORM_CHOICE;
	strcpy(fl[1].label, "Sex");
	fl[1].options = opts3;
	fl[1].n_options = 3;
	fl[2].kind = TUI_FORM_TEXT;
	strcpy(fl[2].label, "Hidden");
	fl[2].ed = tui_edit_new(false, 40, NULL);
	fl[2].hidden = true;
	fl[3].kind = TUI_FORM_FLAGS;
	strcpy(fl[3].label, "Flags");
	fl[3].options = flag_opts;
	fl[3].n_options = 3;
	fl[4].kind = TUI_FORM_AREA;
	strcpy(fl[4].label, "Remarks");
	fl[4].ed = tui_edit_new(true, 400, NULL);
	fl[4].rows = 2;
	memset(f, 0, sizeof *f);
	f->fields = fl;
	f->n = 5;
	assert_non_null(fl[0].ed);
	assert_non_null(fl[2].ed);
	assert_non_null(fl[4].ed);
}

static void
test_form_keys(void **state)
{
	struct tui_form f;
	struct tui_form_field fl[5];
	struct cf_tui_key k;
	int err;
	char *t;

	(void)state;
	make_form(&f, fl);
	/* typing edits the focused field and marks the form changed */
	assert_false(f.dirty);
	k = ch(L'张');
	assert_int_equal(tui_form_key(&f, &k), TUI_KEY_HANDLED);
	k = ch(L'三');
	tui_form_key(&f, &k);
	assert_true(f.dirty);
	/* Enter in a text field goes to the next field */
	k = ch('\r');
	assert_int_equal(tui_form_key(&f, &k), TUI_KEY_HANDLED);
	assert_int_equal(f.focus, 1);
	/* a choice: Right and Space cycle, a digit picks, Left wraps */
	k = fn(KEY_RIGHT);
	tui_form_key(&f, &k);
	assert_int_equal(fl[1].choice, 1);
	k = ch(' ');
	tui_form_key(&f, &k);
	assert_int_equal(fl[1].choice, 2);
	k = ch('1');
	tui_form_key(&f, &k);
	assert_int_equal(fl[1].choice, 0);
	k = fn(KEY_LEFT);
	tui_form_key(&f, &k);
	assert_int_equal(fl[1].choice, 2);
	/* a letter in a choice is swallowed, not passed on as a command */
	k = ch('q');
	assert_int_equal(tui_form_key(&f, &k), TUI_KEY_HANDLED);
	assert_int_equal(fl[1].choice, 2);
	/* Tab skips the hidden field */
	k = ch('\t');
	tui_form_key(&f, &k);
	assert_int_equal(f.focus, 3);
	/* digits switch flags on and off */
	k = ch('3');
	tui_form_key(&f, &k);
	k = ch('1');
	tui_form_key(&f, &k);
	assert_int_equal(fl[3].flags, 0x5);
	k = ch('1');
	tui_form_key(&f, &k);
	assert_int_equal(fl[3].flags, 0x4);
	k = ch('9'); /* no such flag */
	tui_form_key(&f, &k);
	assert_int_equal(fl[3].flags, 0x4);
	/* Down to the text area; Enter there is a line break, not the next field */
	k = fn(KEY_DOWN);
	tui_form_key(&f, &k);
	assert_int_equal(f.focus, 4);
	k = ch('a');
	tui_form_key(&f, &k);
	k = ch('\r');
	tui_form_key(&f, &k);
	k = ch('b');
	tui_form_key(&f, &k);
	assert_int_equal(f.focus, 4);
	t = tui_form_text(&fl[4], &err);
	assert_int_equal(err, CF_OK);
	assert_string_equal(t, "a\nb");
	crypto_secure_free(t);
	/* Up on the first line of the area leaves it; Shift-Tab back, skipping the hidden field */
	k = fn(KEY_UP);
	tui_form_key(&f, &k);
	assert_int_equal(f.focus, 4); /* the cursor was on line 2: it moves up inside */
	tui_form_key(&f, &k);
	assert_int_equal(f.focus, 3);
	k = fn(KEY_BTAB);
	tui_form_key(&f, &k);
	assert_int_equal(f.focus, 1);
	/* Esc and F2 are the screen's */
	k = ch(27);
	assert_int_equal(tui_form_key(&f, &k), TUI_KEY_UNHANDLED);
	k = fn(KEY_F(2));
	assert_int_equal(tui_form_key(&f, &k), TUI_KEY_UNHANDLED);
	t = tui_form_text(&fl[0], &err);
	assert_string_equal(t, "张三");
	crypto_secure_free(t);
	tui_form_fini(&f);
	assert_null(fl[0].ed);
}

static void
test_form_text_trim(void **state)
{
	struct tui_form f;
	struct tui_form_field fl[5];
	int err = -1;
	char *t;

	(void)state;
	make_form(&f, fl);
	/* ASCII and ideographic spaces at both ends go; inside they stay */
	assert_int_equal(tui_form_set_text(&fl[0], "\xE3\x80\x80 张 三 \xE3\x80\x80 "), CF_OK);
	t = tui_form_text(&fl[0], &err);
	assert_int_equal(err, CF_OK);
	assert_string_equal(t, "张 三");
	crypto_secure_free(t);
	/* only spaces: NULL, no error */
	tui_form_set_text(&fl[0], " \xE3\x80\x80  ");
	err = -1;
	assert_null(tui_form_text(&fl[0], &err));
	assert_int_equal(err, CF_OK);
	tui_form_set_text(&fl[0], NULL);
	assert_null(tui_form_text(&fl[0], &err));
	/* a choice has no text */
	assert_null(tui_form_text(&fl[1], &err));
	assert_int_equal(tui_form_set_text(&fl[1], "x"), CF_ERR_INVALID);
	tui_form_fini(&f);
}

static void
test_form_messages(void **state)
{
	struct tui_form f;
	struct tui_form_field fl[5];
	struct cf_rect r = { 0, 0, 40, 12 };

	(void)state;
	make_form(&f, fl);
	tui_form_set_text(&fl[0], "Ann");
	strcpy(fl[1].error, "A rather long message that must wrap under the field.");
	erase();
	tui_form_draw(&f, &r, NULL);
	assert_string_equal(invisible_screen_row(0), "> Name     [Ann                        ]");
	assert_string_equal(invisible_screen_row(1), "  Sex      1 Male  2 Female  3 Unknown");
	/* the message under the field, wrapped at the value column */
	assert_string_equal(invisible_screen_row(2), "           A rather long message that");
	assert_string_equal(invisible_screen_row(3), "           must wrap under the field.");
	/* the hidden field takes no row */
	assert_string_equal(invisible_screen_row(4), "  Flags    none");
	/* the focus moves to the field with the message */
	assert_true(tui_form_focus_error(&f));
	assert_int_equal(f.focus, 1);
	tui_form_clear_errors(&f);
	assert_false(tui_form_focus_error(&f));
	/* the focused flags field opens its list */
	f.focus = 3;
	fl[3].flags = 0x2;
	erase();
	tui_form_draw(&f, &r, NULL);
	assert_string_equal(invisible_screen_row(2), "> Flags    B");
	assert_string_equal(invisible_screen_row(3), "           [ ] 1 A");
	assert_string_equal(invisible_screen_row(4), "           [x] 2 B");
	tui_form_fini(&f);
}

static void
test_privacy_names(void **state)
{
	char buf[64];

	(void)state;
	tui_privacy_set(false);
	assert_string_equal(tui_students_list_name("张三", buf, sizeof buf), "张三");
	tui_privacy_toggle();
	assert_true(tui_privacy_mode());
	assert_string_equal(tui_students_list_name("张三", buf, sizeof buf), "Z.S.");
	assert_string_equal(tui_students_list_name("欧阳娜娜", buf, sizeof buf), "O.Y.N.N.");
	assert_string_equal(tui_students_list_name(NULL, buf, sizeof buf), "");
	tui_privacy_set(false);
	assert_false(tui_privacy_mode());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_form_keys),
		cmocka_unit_test(test_form_text_trim),
		cmocka_unit_test(test_form_messages),
		cmocka_unit_test(test_privacy_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
