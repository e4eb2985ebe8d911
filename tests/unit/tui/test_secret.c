/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The passphrase field (widget-secret.c): UTF-8 in secure memory, whole-character Backspace, masked drawing. */
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
#include "tui-secret.h"
#include "tui-widgets.h"
#include "invisible-screen.h"

static int
setup(void **state)
{
	(void)state;
	if (crypto_init() != CF_OK)
		return -1;
	return invisible_screen_open(6, 20);
}

static int
teardown(void **state)
{
	(void)state;
	return invisible_screen_close();
}

/* Row y of stdscr as UTF-8, trailing spaces removed. Static buffer, test-only. */
static const char *
row(int y)
{
	static char buf[256];
	size_t used = 0;

	for (int x = 0; x < COLS; x++) {
		cchar_t cc;
		wchar_t wch[CCHARW_MAX + 1];
		attr_t a;
		short pair;

		mvin_wch(y, x, &cc);
		getcchar(&cc, wch, &a, &pair, NULL);
		buf[used++] = wch[0] && wch[0] < 0x80 ? (char)wch[0] : ' ';
	}
	while (used > 0 && buf[used - 1] == ' ')
		used--;
	buf[used] = '\0';
	return buf;
}

static enum tui_key_result
ch(struct cf_tui_secret *s, wint_t c)
{
	struct cf_tui_key k = { false, c };

	return tui_secret_key(s, &k);
}

static void
test_type_and_backspace(void **state)
{
	struct cf_tui_secret *s = tui_secret_new(64);
	struct cf_tui_key bs = { true, KEY_BACKSPACE };
	const char *text;
	size_t len;

	(void)state;
	assert_non_null(s);
	/* "a张é" typed or pasted character by character: 1 + 3 + 2 bytes */
	assert_int_equal(ch(s, 'a'), TUI_KEY_HANDLED);
	assert_int_equal(ch(s, 0x5f20), TUI_KEY_HANDLED);
	assert_int_equal(ch(s, 0xe9), TUI_KEY_HANDLED);
	text = tui_secret_text(s, &len);
	assert_int_equal(len, 6);
	assert_string_equal(text, "a\xe5\xbc\xa0\xc3\xa9");
	assert_int_equal(tui_secret_chars(s), 3);
	/* each Backspace form removes one whole character */
	assert_int_equal(ch(s, 127), TUI_KEY_HANDLED);
	assert_string_equal(tui_secret_text(s, &len), "a\xe5\xbc\xa0");
	assert_int_equal(len, 4);
	assert_int_equal(tui_secret_key(s, &bs), TUI_KEY_HANDLED);
	assert_string_equal(tui_secret_text(s, &len), "a");
	assert_int_equal(ch(s, 8), TUI_KEY_HANDLED);
	assert_string_equal(tui_secret_text(s, &len), "");
	assert_int_equal(len, 0);
	assert_int_equal(ch(s, 127), TUI_KEY_HANDLED); /* on empty: nothing */
	assert_int_equal(tui_secret_chars(s), 0);
	tui_secret_free(&s);
	assert_null(s);
	tui_secret_free(&s); /* NULL-safe */
}

static void
test_control_keys(void **state)
{
	struct cf_tui_secret *s = tui_secret_new(64);
	struct cf_tui_key f1 = { true, KEY_F(1) };
	size_t len;

	(void)state;
	ch(s, 'x');
	ch(s, 'y');
	/* keys for the caller: Enter, Tab, Esc, function keys; the text is untouched */
	assert_int_equal(ch(s, '\r'), TUI_KEY_UNHANDLED);
	assert_int_equal(ch(s, '\t'), TUI_KEY_UNHANDLED);
	assert_int_equal(ch(s, 27), TUI_KEY_UNHANDLED);
	assert_int_equal(tui_secret_key(s, &f1), TUI_KEY_UNHANDLED);
	assert_string_equal(tui_secret_text(s, &len), "xy");
	/* Ctrl-U clears */
	assert_int_equal(ch(s, TUI_CTRL('U')), TUI_KEY_HANDLED);
	assert_string_equal(tui_secret_text(s, &len), "");
	assert_int_equal(len, 0);
	tui_secret_free(&s);
}

static void
test_full(void **state)
{
	struct cf_tui_secret *s = tui_secret_new(4);
	size_t len;

	(void)state;
	ch(s, 'a');
	ch(s, 'b');
	assert_false(tui_secret_full(s));
	ch(s, 0x5f20); /* 3 bytes do not fit after 2: dropped whole */
	assert_true(tui_secret_full(s));
	assert_string_equal(tui_secret_text(s, &len), "ab");
	ch(s, 'c');
	ch(s, 'd');
	ch(s, 'e');
	assert_string_equal(tui_secret_text(s, &len), "abcd");
	assert_int_equal(len, 4);
	tui_secret_clear(s);
	assert_false(tui_secret_full(s));
	tui_secret_free(&s);
}

static void
test_draw_masked(void **state)
{
	struct cf_tui_secret *s = tui_secret_new(64);
	struct cf_rect r = { 2, 1, 6, 1 };

	(void)state;
	erase();
	ch(s, 'p');
	ch(s, 0x5f20);
	ch(s, 'w');
	tui_secret_draw(s, &r, true, NULL);
	assert_string_equal(row(1), "  ***"); /* one '*' per character, never the text */
	/* longer than the field: as many as fit, one column kept for the cursor */
	for (int i = 0; i < 10; i++)
		ch(s, 'z');
	erase();
	tui_secret_draw(s, &r, true, NULL);
	assert_string_equal(row(1), "  *****");
	tui_secret_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_and_backspace),
		cmocka_unit_test(test_control_keys),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_draw_masked),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
