/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Editing logic: CJK insert, whole-character delete, moves by display column, wrap, paging, paste. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <cmocka.h>

#include "carefile/error.h"
#include "carefile/tui_edit.h"

static int
setup_locale(void **state)
{
	(void)state;
	return setlocale(LC_ALL, "C.UTF-8") ? 0 : -1;
}

/* The text as UTF-8 in a static-size buffer owned by the test. */
static const char *
text_of(struct cf_tui_edit *ed)
{
	static char buf[65536];

	tui_edit_utf8(ed, buf, sizeof buf);
	return buf;
}

static struct cf_tui_edit *
area_with(const char *s, int cols, int rows)
{
	struct cf_tui_edit *ed = tui_edit_new(true, 0, NULL);

	assert_non_null(ed);
	tui_edit_set_view(ed, cols, rows);
	assert_int_equal(tui_edit_insert_utf8(ed, s, strlen(s)), CF_OK);
	return ed;
}

static void
test_insert_and_delete_cjk(void **state)
{
	struct cf_tui_edit *ed = area_with("张三", 20, 5);

	(void)state;
	assert_string_equal(text_of(ed), "张三");
	assert_int_equal(tui_edit_cursor(ed), 2);
	assert_true(tui_edit_backspace(ed));
	assert_string_equal(text_of(ed), "张");
	tui_edit_move(ed, TUI_EDIT_LEFT);
	assert_true(tui_edit_delete(ed));
	assert_string_equal(text_of(ed), "");
	assert_false(tui_edit_backspace(ed));
	assert_false(tui_edit_delete(ed));
	tui_edit_free(&ed);
	assert_null(ed);
	tui_edit_free(&ed); /* NULL-safe */
}

static void
test_combining_is_one_character(void **state)
{
	/* e + U+0301, then x */
	struct cf_tui_edit *ed = area_with("e\xcc\x81x", 20, 5);
	size_t line;
	int col;

	(void)state;
	tui_edit_move(ed, TUI_EDIT_LEFT); /* before x */
	tui_edit_cursor_pos(ed, &line, &col);
	assert_int_equal(col, 1);
	tui_edit_move(ed, TUI_EDIT_LEFT); /* before e, not between e and its accent */
	assert_int_equal(tui_edit_cursor(ed), 0);
	tui_edit_move(ed, TUI_EDIT_RIGHT);
	assert_int_equal(tui_edit_cursor(ed), 2);
	assert_true(tui_edit_backspace(ed)); /* removes e and the accent */
	assert_string_equal(text_of(ed), "x");
	tui_edit_free(&ed);
}

static void
test_controls_rejected(void **state)
{
	struct cf_tui_edit *line = tui_edit_new(false, 0, NULL);

	(void)state;
	assert_int_equal(tui_edit_insert(line, 0x1b), CF_ERR_INVALID);
	assert_int_equal(tui_edit_insert(line, 0x9b), CF_ERR_INVALID);
	assert_int_equal(tui_edit_insert(line, L'\n'), CF_ERR_INVALID);
	assert_int_equal(tui_edit_insert(line, L'\t'), CF_OK); /* becomes a space */
	assert_int_equal(tui_edit_insert_utf8(line, "a\x1b[2Jb", 6), CF_OK);
	assert_string_equal(text_of(line), " a[2Jb");
	tui_edit_free(&line);
}

static void
test_wrap_by_display_width(void **state)
{
	/* 7 Chinese characters at 10 columns: 5 per line, then 2 */
	struct cf_tui_edit *ed = area_with("一二三四五六七", 10, 5);
	size_t start, end, line;
	int col;

	(void)state;
	assert_int_equal(tui_edit_line_count(ed), 2);
	tui_edit_line(ed, 0, &start, &end);
	assert_int_equal(start, 0);
	assert_int_equal(end, 5);
	tui_edit_line(ed, 1, &start, &end);
	assert_int_equal(start, 5);
	assert_int_equal(end, 7);
	tui_edit_cursor_pos(ed, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 4);
	/* odd width: 9 columns hold 4 Chinese characters, never half of one */
	tui_edit_set_view(ed, 9, 5);
	assert_int_equal(tui_edit_line_count(ed), 2);
	tui_edit_line(ed, 0, &start, &end);
	assert_int_equal(end, 4);
	/* explicit newline */
	tui_edit_free(&ed);
	ed = area_with("ab\ncd", 10, 5);
	assert_int_equal(tui_edit_line_count(ed), 2);
	tui_edit_line(ed, 0, &start, &end);
	assert_int_equal(end, 2); /* the newline is not part of the line */
	tui_edit_free(&ed);
}

static void
test_full_line_cursor_goes_below(void **state)
{
	struct cf_tui_edit *ed = area_with("一二三四五", 10, 5);
	size_t line;
	int col;

	(void)state;
	assert_int_equal(tui_edit_line_count(ed), 1);
	tui_edit_cursor_pos(ed, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 0);
	tui_edit_free(&ed);
}

static void
test_up_down_by_column(void **state)
{
	/* line 0: "ab一二" (6 cols), line 1: "一二三" (6 cols) */
	struct cf_tui_edit *ed = area_with("ab一二\n一二三", 20, 5);
	size_t line;
	int col;

	(void)state;
	tui_edit_move(ed, TUI_EDIT_TOP);
	tui_edit_move(ed, TUI_EDIT_RIGHT); /* col 1, after a */
	tui_edit_move(ed, TUI_EDIT_DOWN);
	/* column 1 is inside 一 (cols 0-1): stay before it */
	tui_edit_cursor_pos(ed, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 0);
	/* the goal column survives: going up returns to column 1 */
	tui_edit_move(ed, TUI_EDIT_UP);
	tui_edit_cursor_pos(ed, &line, &col);
	assert_int_equal(line, 0);
	assert_int_equal(col, 1);
	tui_edit_move(ed, TUI_EDIT_END);
	tui_edit_cursor_pos(ed, &line, &col);
	assert_int_equal(col, 6);
	tui_edit_move(ed, TUI_EDIT_DOWN);
	tui_edit_cursor_pos(ed, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 6);
	tui_edit_move(ed, TUI_EDIT_HOME);
	tui_edit_cursor_pos(ed, &line, &col);
	assert_int_equal(col, 0);
	tui_edit_move(ed, TUI_EDIT_DOWN); /* past the last line: end of text */
	assert_int_equal(tui_edit_cursor(ed), 8);
	tui_edit_move(ed, TUI_EDIT_UP);
	tui_edit_move(ed, TUI_EDIT_UP);
	tui_edit_move(ed, TUI_EDIT_UP); /* past the first line: start */
	assert_int_equal(tui_edit_cursor(ed), 0);
	tui_edit_free(&ed);
}

static void
test_page_and_scroll(void **state)
{
	struct cf_tui_edit *ed = tui_edit_new(true, 0, NULL);
	size_t line;
	int col;

	(void)state;
	tui_edit_set_view(ed, 10, 3);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(tui_edit_insert(ed, L'0' + i), CF_OK);
		if (i < 9)
			assert_int_equal(tui_edit_insert(ed, L'\n'), CF_OK);
	}
	assert_int_equal(tui_edit_line_count(ed), 10);
	assert_int_equal(tui_edit_scroll(ed), 7); /* cursor on line 9, 3 rows */
	tui_edit_move(ed, TUI_EDIT_PAGE_UP);
	tui_edit_cursor_pos(ed, &line, &col);
	assert_int_equal(line, 6);
	assert_int_equal(tui_edit_scroll(ed), 6);
	tui_edit_move(ed, TUI_EDIT_PAGE_UP);
	tui_edit_move(ed, TUI_EDIT_PAGE_UP);
	tui_edit_cursor_pos(ed, &line, &col);
	assert_int_equal(line, 0);
	assert_int_equal(tui_edit_scroll(ed), 0);
	tui_edit_move(ed, TUI_EDIT_PAGE_DOWN);
	tui_edit_cursor_pos(ed, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(tui_edit_scroll(ed), 1);
	tui_edit_free(&ed);
}

static void
test_single_line_scrolls(void **state)
{
	struct cf_tui_edit *ed = tui_edit_new(false, 0, NULL);

	(void)state;
	tui_edit_set_view(ed, 5, 1);
	assert_int_equal(tui_edit_insert_utf8(ed, "张三李四", strlen("张三李四")), CF_OK);
	assert_int_equal(tui_edit_line_count(ed), 1);
	/* cursor at column 8: first shown column 4 */
	assert_int_equal(tui_edit_scroll(ed), 4);
	tui_edit_move(ed, TUI_EDIT_HOME);
	assert_int_equal(tui_edit_scroll(ed), 0);
	tui_edit_move(ed, TUI_EDIT_END);
	assert_int_equal(tui_edit_cursor(ed), 4);
	tui_edit_free(&ed);
}

static void
test_paste_thousands(void **state)
{
	/* 3000 Chinese characters and some newlines, one key at a time as wget_wch delivers them */
	static const wchar_t sample[] = L"今天和学生谈了考试焦虑，约定下周三再谈。";
	struct cf_tui_edit *ed = tui_edit_new(true, 0, NULL);
	size_t n = wcslen(sample), len;
	const wchar_t *t;

	(void)state;
	tui_edit_set_view(ed, 40, 10);
	for (int rep = 0; rep < 150; rep++) {
		for (size_t i = 0; i < n; i++)
			assert_int_equal(tui_edit_insert(ed, sample[i]), CF_OK);
		assert_int_equal(tui_edit_insert(ed, L'\n'), CF_OK);
	}
	t = tui_edit_wtext(ed, &len);
	assert_int_equal(len, 150 * (n + 1));
	for (int rep = 0; rep < 150; rep++)
		assert_memory_equal(t + rep * (n + 1), sample, n * sizeof *sample);
	/* 19 characters = 38 columns: one visual line each, plus the empty last line */
	assert_int_equal(tui_edit_line_count(ed), 151);
	tui_edit_free(&ed);
}

static void
test_max_chars(void **state)
{
	struct cf_tui_edit *ed = tui_edit_new(false, 3, NULL);

	(void)state;
	assert_int_equal(tui_edit_insert_utf8(ed, "abcd", 4), CF_ERR_INVALID);
	assert_string_equal(text_of(ed), "abc");
	tui_edit_free(&ed);
}

static int allocs, releases;

static void *
count_alloc(size_t n)
{
	allocs++;
	return malloc(n);
}

static void
count_release(void *p)
{
	releases++;
	free(p);
}

static void
test_custom_allocator(void **state)
{
	struct cf_tui_edit_alloc a = { count_alloc, count_release };
	struct cf_tui_edit *ed = tui_edit_new(true, 0, &a);
	char small[8];

	(void)state;
	for (int i = 0; i < 1000; i++)
		assert_int_equal(tui_edit_insert(ed, L'x'), CF_OK);
	assert_true(allocs >= 2); /* grew at least once */
	/* snprintf-like: needs 1000 bytes, writes 7 and the NUL */
	assert_int_equal(tui_edit_utf8(ed, small, sizeof small), 1000);
	assert_string_equal(small, "xxxxxxx");
	tui_edit_free(&ed);
	assert_int_equal(allocs, releases);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_and_delete_cjk),
		cmocka_unit_test(test_combining_is_one_character),
		cmocka_unit_test(test_controls_rejected),
		cmocka_unit_test(test_wrap_by_display_width),
		cmocka_unit_test(test_full_line_cursor_goes_below),
		cmocka_unit_test(test_up_down_by_column),
		cmocka_unit_test(test_page_and_scroll),
		cmocka_unit_test(test_single_line_scrolls),
		cmocka_unit_test(test_paste_thousands),
		cmocka_unit_test(test_max_chars),
		cmocka_unit_test(test_custom_allocator),
	};

	return cmocka_run_group_tests(tests, setup_locale, NULL);
}
