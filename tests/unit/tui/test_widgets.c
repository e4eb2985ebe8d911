/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Widget drawing on an invisible curses screen: list columns by display width, selection, filter, editors. */
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

#include "carefile/error.h"
#include "tui-widgets.h"
#include "invisible-screen.h"

static int
setup(void **state)
{
	(void)state;
	return invisible_screen_open(12, 40);
}

static int
teardown(void **state)
{
	(void)state;
	return invisible_screen_close();
}


static bool
selected(int y, int x)
{
	cchar_t cc;
	wchar_t wch[CCHARW_MAX + 1];
	attr_t a;
	short pair;

	mvin_wch(y, x, &cc);
	getcchar(&cc, wch, &a, &pair, NULL);
	return (a & A_REVERSE) != 0; /* no colours started: the monochrome attribute */
}

static const char *const people[][3] = {
	{ "张三", "初二(3)班", "考试焦虑，下周三再谈" },
	{ "欧阳娜娜", "高一(1)班", "睡眠" },
	{ "Zoe\xcc\x88 Li", "G7", "new" },
};

static const char *
cell(void *ctx, size_t r, size_t c)
{
	(void)ctx;
	return people[r][c];
}

static const char *
text(void *ctx, size_t r)
{
	(void)ctx;
	return people[r][0];
}

static const struct cf_tui_column cols[] = {
	{ "Name", 8, 1, TEXT_LEFT },
	{ "Class", 9, 0, TEXT_LEFT },
	{ "Note", 10, 2, TEXT_LEFT },
};

static void
test_list_columns_by_width(void **state)
{
	struct cf_tui_list *l = tui_list_new(3, text, NULL, NULL);
	struct cf_rect r = { 0, 0, 40, 5 };
	struct cf_tui_key down = { true, KEY_DOWN };

	(void)state;
	erase();
	/* 40 = 8 + 9 + 10 + 2 gaps = 29, spare 11: Name +3, Note +8 (weights 1:2, rest to the last) */
	tui_widget_list_draw(l, cols, 3, cell, NULL, &r, "empty");
	assert_string_equal(invisible_screen_row(0), "Name        Class     Note");
	/* Note is 18 columns: 8 characters, a pad where the 9th would straddle the marker, the marker */
	assert_string_equal(invisible_screen_row(1), "张三        初二(3)班 考试焦虑，下周三 ~");
	assert_string_equal(invisible_screen_row(2), "欧阳娜娜    高一(1)班 睡眠");
	assert_string_equal(invisible_screen_row(3), "Zoe\xcc\x88 Li      G7        new");
	assert_true(selected(1, 0));
	assert_true(selected(1, 39)); /* the whole line */
	assert_false(selected(2, 0));
	assert_int_equal(tui_widget_list_key(l, &down, 4), TUI_KEY_HANDLED);
	erase();
	tui_widget_list_draw(l, cols, 3, cell, NULL, &r, "empty");
	assert_false(selected(1, 0));
	assert_true(selected(2, 0));
	tui_list_free(&l);
}

static void
test_list_narrow_cuts_whole_characters(void **state)
{
	struct cf_tui_list *l = tui_list_new(3, text, NULL, NULL);
	struct cf_rect r = { 0, 0, 25, 5 };

	(void)state;
	erase();
	/* 25: Name 8, Class 9, Note 6 (+gaps) */
	tui_widget_list_draw(l, cols, 3, cell, NULL, &r, "empty");
	/* odd widths: a wide character that would straddle becomes a space before the marker */
	assert_string_equal(invisible_screen_row(1), "张三     初二(3)班 考试 ~");
	assert_string_equal(invisible_screen_row(2), "欧阳娜娜 高一(1)班 睡眠");
	tui_list_free(&l);
}

static void
test_filter_widget(void **state)
{
	struct cf_tui_list *l = tui_list_new(3, text, NULL, NULL);
	struct cf_tui_filter f = { NULL, false };
	struct cf_rect r = { 0, 0, 40, 5 }, fr = { 0, 6, 40, 1 };
	const struct cf_tui_key slash = { false, '/' }, ou = { false, 0x6b27 }, esc = { false, 27 },
	                        bs = { false, 127 }, q = { false, 'q' };

	(void)state;
	assert_int_equal(tui_widget_filter_key(&f, l, &q), TUI_KEY_UNHANDLED); /* closed: q is the frame's */
	assert_int_equal(tui_widget_filter_key(&f, l, &slash), TUI_KEY_HANDLED);
	assert_true(tui_widget_filter_visible(&f));
	assert_int_equal(tui_widget_filter_key(&f, l, &ou), TUI_KEY_HANDLED); /* 欧 */
	assert_int_equal(tui_list_count(l), 1);
	assert_int_equal(tui_list_selected_row(l), 1);
	erase();
	tui_widget_list_draw(l, cols, 3, cell, NULL, &r, "empty");
	tui_widget_filter_draw(&f, &fr, NULL);
	assert_string_equal(invisible_screen_row(1), "欧阳娜娜    高一(1)班 睡眠");
	assert_string_equal(invisible_screen_row(2), "");
	assert_string_equal(invisible_screen_row(6), "/ 欧");
	/* open filter: q is text, not quit */
	assert_int_equal(tui_widget_filter_key(&f, l, &q), TUI_KEY_HANDLED);
	assert_int_equal(tui_list_count(l), 0);
	erase();
	tui_widget_list_draw(l, cols, 3, cell, NULL, &r, "Nothing here");
	assert_string_equal(invisible_screen_row(1), "Nothing here");
	assert_int_equal(tui_widget_filter_key(&f, l, &bs), TUI_KEY_HANDLED);
	assert_int_equal(tui_list_count(l), 1);
	assert_int_equal(tui_widget_filter_key(&f, l, &esc), TUI_KEY_HANDLED);
	assert_false(tui_widget_filter_visible(&f));
	assert_int_equal(tui_list_count(l), 3);
	tui_widget_filter_fini(&f);
	tui_list_free(&l);
}

static void
test_single_line_editor_scrolls(void **state)
{
	struct cf_tui_edit *ed = tui_edit_new(false, 0, NULL);
	struct cf_rect r = { 0, 8, 7, 1 };

	(void)state;
	tui_edit_insert_utf8(ed, "ab张三李四", strlen("ab张三李四"));
	erase();
	/* 10 columns of text, cursor at column 10, view of 7: from column 4 */
	tui_widget_edit_draw(ed, &r, false, NULL);
	/* columns: a 0, b 1, 张 2-3, 三 4-5, 李 6-7, 四 8-9 */
	assert_string_equal(invisible_screen_row(8), "三李四");
	tui_edit_move(ed, TUI_EDIT_LEFT);
	tui_edit_move(ed, TUI_EDIT_LEFT);
	tui_edit_move(ed, TUI_EDIT_LEFT);
	tui_edit_move(ed, TUI_EDIT_LEFT); /* cursor at column 2, before 张: scrolls left to 2 */
	erase();
	tui_widget_edit_draw(ed, &r, false, NULL);
	assert_string_equal(invisible_screen_row(8), "张三李~");
	tui_edit_move(ed, TUI_EDIT_RIGHT);
	tui_edit_move(ed, TUI_EDIT_RIGHT);
	tui_edit_move(ed, TUI_EDIT_RIGHT);
	tui_edit_move(ed, TUI_EDIT_END);
	tui_edit_move(ed, TUI_EDIT_HOME);
	tui_edit_move(ed, TUI_EDIT_RIGHT); /* column 1 */
	erase();
	tui_widget_edit_draw(ed, &r, false, NULL);
	assert_string_equal(invisible_screen_row(8), "b张三 ~");
	tui_edit_free(&ed);
}

static void
test_text_area_wraps(void **state)
{
	struct cf_tui_edit *ed = tui_edit_new(true, 0, NULL);
	struct cf_rect r = { 0, 0, 9, 3 };
	const char *s = "今天和学生谈了考试焦虑";

	(void)state;
	tui_edit_insert_utf8(ed, s, strlen(s));
	erase();
	tui_widget_edit_draw(ed, &r, false, NULL);
	/* 9 columns hold 4 Chinese characters, never half of a fifth */
	assert_string_equal(invisible_screen_row(0), "今天和学");
	assert_string_equal(invisible_screen_row(1), "生谈了考");
	assert_string_equal(invisible_screen_row(2), "试焦虑");
	tui_edit_free(&ed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_columns_by_width),
		cmocka_unit_test(test_list_narrow_cuts_whole_characters),
		cmocka_unit_test(test_filter_widget),
		cmocka_unit_test(test_single_line_editor_scrolls),
		cmocka_unit_test(test_text_area_wraps),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
