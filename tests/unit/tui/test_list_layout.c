/* SPDX-License-Identifier: GPL-3.0-or-later */
/* List logic (filter, selection, scroll, columns) and the pure frame layout. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "carefile/error.h"
#include "carefile/tui_layout.h"
#include "carefile/tui_list.h"

static const char *names[] = { "Zhang San 张三", "Li Si 李四", "Wang Wu 王五", "zhao liu 赵六", "Sun Qi 孙七" };

static const char *
name_of(void *ctx, size_t row)
{
	(void)ctx;
	return names[row];
}

static void
test_filter(void **state)
{
	struct cf_tui_list *l = tui_list_new(5, name_of, NULL, NULL);

	(void)state;
	assert_int_equal(tui_list_count(l), 5);
	assert_int_equal(tui_list_set_filter(l, "zh"), CF_OK);
	assert_int_equal(tui_list_count(l), 2); /* Zhang, zhao: ASCII case ignored */
	assert_int_equal(tui_list_row(l, 0), 0);
	assert_int_equal(tui_list_row(l, 1), 3);
	assert_int_equal(tui_list_set_filter(l, "李四"), CF_OK);
	assert_int_equal(tui_list_count(l), 1);
	assert_int_equal(tui_list_selected_row(l), 1);
	assert_int_equal(tui_list_set_filter(l, "nobody"), CF_OK);
	assert_int_equal(tui_list_count(l), 0);
	assert_int_equal(tui_list_selected_row(l), (size_t)-1);
	assert_int_equal(tui_list_set_filter(l, ""), CF_OK);
	assert_int_equal(tui_list_count(l), 5);
	tui_list_free(&l);
	assert_null(l);
}

static bool
match_initial(void *ctx, size_t row, const char *filter)
{
	(void)ctx;
	return names[row][0] == filter[0];
}

static void
test_custom_match(void **state)
{
	struct cf_tui_list *l = tui_list_new(5, NULL, match_initial, NULL);

	(void)state;
	tui_list_set_filter(l, "S");
	assert_int_equal(tui_list_count(l), 1);
	assert_int_equal(tui_list_row(l, 0), 4);
	tui_list_free(&l);
}

static void
test_selection_scroll(void **state)
{
	struct cf_tui_list *l = tui_list_new(100, NULL, NULL, NULL);

	(void)state;
	assert_int_equal(tui_list_scroll(l, 10), 0);
	tui_list_move(l, 15);
	assert_int_equal(tui_list_selection(l), 15);
	assert_int_equal(tui_list_scroll(l, 10), 6);
	tui_list_move(l, -3);
	assert_int_equal(tui_list_scroll(l, 10), 6); /* still in view: no scroll */
	tui_list_move(l, -100);
	assert_int_equal(tui_list_selection(l), 0);
	assert_int_equal(tui_list_scroll(l, 10), 0);
	tui_list_jump(l, false);
	assert_int_equal(tui_list_selection(l), 99);
	assert_int_equal(tui_list_scroll(l, 10), 90);
	/* rows shrink: selection clamped */
	assert_int_equal(tui_list_set_rows(l, 5), CF_OK);
	assert_int_equal(tui_list_selection(l), 4);
	assert_int_equal(tui_list_scroll(l, 10), 0);
	tui_list_free(&l);
}

static void
test_columns(void **state)
{
	const struct cf_tui_column cols[] = {
		{ "Due", 10, 0, TEXT_LEFT },
		{ "Student", 12, 1, TEXT_LEFT },
		{ "What", 20, 3, TEXT_LEFT },
	};
	int w[3];

	(void)state;
	/* 76 columns: 10 + 12 + 20 + 2 gaps = 44, 32 spare: 8 and 24 */
	tui_list_columns(cols, 3, 76, w);
	assert_int_equal(w[0], 10);
	assert_int_equal(w[1], 20);
	assert_int_equal(w[2], 44);
	assert_int_equal(w[0] + w[1] + w[2] + 2, 76);
	/* too narrow: the right columns shrink first */
	tui_list_columns(cols, 3, 30, w);
	assert_int_equal(w[0], 10);
	assert_int_equal(w[1], 12);
	assert_int_equal(w[2], 6);
	tui_list_columns(cols, 3, 8, w);
	assert_int_equal(w[0], 8);
	assert_int_equal(w[1], 0);
	assert_int_equal(w[2], 0);
	tui_list_columns(cols, 3, -5, w);
	assert_int_equal(w[0], 0);
}

static void
test_layout(void **state)
{
	struct cf_tui_layout l;

	(void)state;
	l = tui_layout_compute(80, 24);
	assert_int_equal(l.mode, TUI_LAYOUT_FULL);
	assert_int_equal(l.header.y, 0);
	assert_int_equal(l.hints.y, 23);
	assert_int_equal(l.status.y, 22);
	assert_int_equal(l.body.y, 2);
	assert_int_equal(l.body.h, 20);
	assert_int_equal(l.body.w, 80);
	l = tui_layout_compute(79, 24);
	assert_int_equal(l.mode, TUI_LAYOUT_COMPACT);
	l = tui_layout_compute(60, 18);
	assert_int_equal(l.mode, TUI_LAYOUT_COMPACT);
	assert_int_equal(l.body.y, 1);
	assert_int_equal(l.body.h, 15);
	l = tui_layout_compute(59, 18);
	assert_int_equal(l.mode, TUI_LAYOUT_TOO_SMALL);
	l = tui_layout_compute(60, 17);
	assert_int_equal(l.mode, TUI_LAYOUT_TOO_SMALL);
	l = tui_layout_compute(40, 12);
	assert_int_equal(l.mode, TUI_LAYOUT_TOO_SMALL);
	assert_int_equal(l.body.w, 40);
	assert_int_equal(l.body.h, 12);
	assert_int_equal(l.hints.w, 0);
	l = tui_layout_compute(-3, -9); /* clamped */
	assert_int_equal(l.cols, 0);
	assert_int_equal(l.rows, 0);
	assert_int_equal(l.body.w, 0);
	assert_int_equal(l.body.h, 0);
	l = tui_layout_compute(300, 100);
	assert_int_equal(l.mode, TUI_LAYOUT_FULL);
	assert_int_equal(l.body.h, 96);
}

static void
test_rect_center(void **state)
{
	struct cf_rect a = { 0, 2, 80, 20 }, r;

	(void)state;
	r = tui_rect_center(&a, 72, 10);
	assert_int_equal(r.x, 4);
	assert_int_equal(r.y, 7);
	assert_int_equal(r.w, 72);
	r = tui_rect_center(&a, 100, 100);
	assert_int_equal(r.x, 0);
	assert_int_equal(r.w, 80);
	assert_int_equal(r.h, 20);
	r = tui_rect_center(&a, -4, -4);
	assert_int_equal(r.w, 0);
	assert_int_equal(r.h, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_custom_match),
		cmocka_unit_test(test_selection_scroll),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_rect_center),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
