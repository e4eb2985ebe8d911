/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Display-width module: ASCII, CJK, emoji, combining marks, Extension B, invalid bytes, controls. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <cmocka.h>

#include "carefile/text.h"

#define FIT(dst, src, cols, al) text_fit((dst), sizeof(dst), (src), strlen(src), (cols), (al))

static int
setup_locale(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "C.UTF-8"))
		return -1;
	return 0;
}

static void
test_width_basic(void **state)
{
	(void)state;
	assert_int_equal(text_width("hello", 5), 5);
	assert_int_equal(text_width("张三", strlen("张三")), 4);
	assert_int_equal(text_width("😀", strlen("😀")), 2);
	assert_int_equal(text_width("𠮷野家", strlen("𠮷野家")), 6);
	/* e + combining acute: one column */
	assert_int_equal(text_width("e\xcc\x81", 3), 1);
	/* byte bound: only the first Chinese character */
	assert_int_equal(text_width("张三", 3), 2);
	/* stops at NUL inside the bound */
	assert_int_equal(text_width("ab\0cd", 5), 2);
	assert_int_equal(text_width(NULL, 5), 0);
}

static void
test_sanitize_controls(void **state)
{
	(void)state;
	assert_int_equal(text_sanitize(L'\x1b'), TEXT_REPLACEMENT);
	assert_int_equal(text_sanitize(0x7f), TEXT_REPLACEMENT);
	assert_int_equal(text_sanitize(0x9b), TEXT_REPLACEMENT); /* C1 CSI */
	assert_int_equal(text_sanitize(0x85), TEXT_REPLACEMENT);
	assert_int_equal(text_sanitize(0x202e), TEXT_REPLACEMENT);
	/* zero-width joiner/space, word joiner, BOM: a ZWJ in a name moved text into another row in tmux */
	assert_int_equal(text_sanitize(0x200d), TEXT_REPLACEMENT);
	assert_int_equal(text_sanitize(0x200b), TEXT_REPLACEMENT);
	assert_int_equal(text_sanitize(0x2060), TEXT_REPLACEMENT);
	assert_int_equal(text_sanitize(0xfeff), TEXT_REPLACEMENT);
	assert_int_equal(text_wcwidth(0x200d), 1);
	/* combining marks stay (they belong to the character before them) */
	assert_int_equal(text_sanitize(0x0301), 0x0301);
	assert_int_equal(text_sanitize(L'\t'), L' ');
	assert_int_equal(text_sanitize(L'\n'), L' ');
	assert_int_equal(text_sanitize(L'\r'), TEXT_REPLACEMENT);
	assert_int_equal(text_sanitize(0x10ffff), TEXT_REPLACEMENT); /* wcwidth < 0 */
	assert_int_equal(text_sanitize(L'A'), L'A');
	assert_int_equal(text_sanitize(0x4e2d), 0x4e2d);
	assert_int_equal(text_wcwidth(0x1b), 1);
	assert_int_equal(text_wcwidth(0x10ffff), 1);
	assert_int_equal(text_wcwidth(0x301), 0);
	assert_int_equal(text_wcwidth(0x20bb7), 2);
}

static void
test_decode_invalid(void **state)
{
	wchar_t out[16];
	size_t n;

	(void)state;
	/* a, lone continuation byte, b, overlong slash, c */
	n = text_decode(out, 16, "a\x80" "b\xc0\xaf" "c", 6, true);
	assert_int_equal(n, 6);
	assert_int_equal(out[0], L'a');
	assert_int_equal(out[1], TEXT_REPLACEMENT);
	assert_int_equal(out[2], L'b');
	assert_int_equal(out[3], TEXT_REPLACEMENT);
	assert_int_equal(out[4], TEXT_REPLACEMENT);
	assert_int_equal(out[5], L'c');
	assert_int_equal(out[6], L'\0');
	/* surrogate encoded in UTF-8 is invalid */
	n = text_decode(out, 16, "\xed\xa0\x80", 3, true);
	assert_int_equal(out[0], TEXT_REPLACEMENT);
	/* truncated sequence at the bound: one replacement */
	n = text_decode(out, 16, "x\xe4\xb8", 3, true);
	assert_int_equal(n, 2);
	assert_int_equal(out[1], TEXT_REPLACEMENT);
	/* snprintf-like: returns the full count */
	n = text_decode(out, 3, "abcdef", 6, false);
	assert_int_equal(n, 6);
	assert_int_equal(out[2], L'\0');
	assert_int_equal(out[1], L'b');
	/* without sanitize, controls pass through */
	text_decode(out, 16, "\x1b[", 2, false);
	assert_int_equal(out[0], 0x1b);
}

static void
test_fit_ascii(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(FIT(buf, "hello", 8, TEXT_LEFT), 8);
	assert_string_equal(buf, "hello   ");
	assert_int_equal(FIT(buf, "hello", 8, TEXT_RIGHT), 8);
	assert_string_equal(buf, "   hello");
	assert_int_equal(FIT(buf, "hello", 8, TEXT_CENTER), 8);
	assert_string_equal(buf, " hello  ");
	assert_int_equal(FIT(buf, "hello", 5, TEXT_LEFT), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(FIT(buf, "hello world", 5, TEXT_LEFT), 5);
	assert_string_equal(buf, "hell~");
	assert_int_equal(FIT(buf, "hello", 1, TEXT_LEFT), 1);
	assert_string_equal(buf, "~");
	assert_int_equal(FIT(buf, "hello", 0, TEXT_LEFT), 0);
	assert_string_equal(buf, "");
	assert_int_equal(FIT(buf, "hello", -3, TEXT_LEFT), 0);
	assert_string_equal(buf, "");
}

static void
test_fit_chinese_odd_widths(void **state)
{
	char buf[64];

	(void)state;
	/* 4 chars = 8 columns */
	assert_int_equal(FIT(buf, "咨询记录", 8, TEXT_LEFT), 8);
	assert_string_equal(buf, "咨询记录");
	/* 7 columns: 3 chars fit in 6 = limit, then marker */
	assert_int_equal(FIT(buf, "咨询记录", 7, TEXT_LEFT), 7);
	assert_string_equal(buf, "咨询记~");
	/* 6 columns: limit 5: two chars (4) + pad space + marker */
	assert_int_equal(FIT(buf, "咨询记录", 6, TEXT_LEFT), 6);
	assert_string_equal(buf, "咨询 ~");
	/* 9 columns: fits, one pad */
	assert_int_equal(FIT(buf, "咨询记录", 9, TEXT_LEFT), 9);
	assert_string_equal(buf, "咨询记录 ");
	/* 2 columns: limit 1, wide char cannot fit: space + marker */
	assert_int_equal(FIT(buf, "咨询", 2, TEXT_LEFT), 2);
	assert_string_equal(buf, " ~");
	/* mixed */
	assert_int_equal(FIT(buf, "a张b", 4, TEXT_LEFT), 4);
	assert_string_equal(buf, "a张b");
	assert_int_equal(FIT(buf, "a张b三", 5, TEXT_LEFT), 5);
	assert_string_equal(buf, "a张b~");
	assert_int_equal(FIT(buf, "a张三", 4, TEXT_LEFT), 4);
	assert_string_equal(buf, "a张~");
	assert_int_equal(FIT(buf, "张三", 5, TEXT_CENTER), 5);
	assert_string_equal(buf, "张三 ");
	assert_int_equal(FIT(buf, "张", 5, TEXT_CENTER), 5);
	assert_string_equal(buf, " 张  ");
}

static void
test_fit_emoji_extb(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(FIT(buf, "😀😀x", 5, TEXT_LEFT), 5);
	assert_string_equal(buf, "😀😀x");
	assert_int_equal(FIT(buf, "😀😀xy", 5, TEXT_LEFT), 5);
	assert_string_equal(buf, "😀😀~");
	assert_int_equal(FIT(buf, "𠮷野家", 5, TEXT_LEFT), 5);
	assert_string_equal(buf, "𠮷野~");
	assert_int_equal(FIT(buf, "𠮷野家", 4, TEXT_LEFT), 4);
	assert_string_equal(buf, "𠮷 ~");
	assert_int_equal(text_width(buf, strlen(buf)), 4);
}

static void
test_fit_combining(void **state)
{
	char buf[64];

	(void)state;
	/* "café" with a combining acute: 4 columns, marks stay with their base */
	assert_int_equal(FIT(buf, "cafe\xcc\x81", 4, TEXT_LEFT), 4);
	assert_string_equal(buf, "cafe\xcc\x81");
	assert_int_equal(FIT(buf, "cafe\xcc\x81s", 4, TEXT_LEFT), 4);
	assert_string_equal(buf, "caf~");
	assert_int_equal(FIT(buf, "e\xcc\x81", 3, TEXT_RIGHT), 3);
	assert_string_equal(buf, "  e\xcc\x81");
	/* a leading mark gets a space base so it cannot join what is left of the text */
	assert_int_equal(FIT(buf, "\xcc\x81x", 3, TEXT_LEFT), 3);
	assert_string_equal(buf, " \xcc\x81x ");
}

static void
test_fit_invalid_and_controls(void **state)
{
	char buf[64];

	(void)state;
	/* ESC [ 2 J would clear a screen: the ESC becomes U+FFFD */
	assert_int_equal(FIT(buf, "\x1b[2J", 5, TEXT_LEFT), 5);
	assert_string_equal(buf, "\xef\xbf\xbd[2J ");
	assert_null(strchr(buf, 0x1b));
	/* C1 CSI (U+009B, bytes c2 9b) and DEL */
	assert_int_equal(FIT(buf, "a\xc2\x9b" "b\x7f", 4, TEXT_LEFT), 4);
	assert_string_equal(buf, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	/* invalid bytes at an odd width next to wide chars */
	assert_int_equal(FIT(buf, "张\xff三", 3, TEXT_LEFT), 3);
	assert_string_equal(buf, "张~");
	assert_int_equal(FIT(buf, "张\xff三", 4, TEXT_LEFT), 4);
	assert_string_equal(buf, "张\xef\xbf\xbd~");
	assert_int_equal(FIT(buf, "\x01\x02\x03", 7, TEXT_LEFT), 7);
	assert_string_equal(buf, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd    ");
	/* newline and tab become spaces */
	assert_int_equal(FIT(buf, "a\nb\tc", 5, TEXT_LEFT), 5);
	assert_string_equal(buf, "a b c");
}

static void
test_fit_byte_bound(void **state)
{
	char small[8];
	wchar_t w[4];

	(void)state;
	/* 7 bytes of room: two Chinese characters (6 bytes), never a partial third */
	assert_int_equal(text_fit(small, sizeof small, "张三李四", strlen("张三李四"), 8, TEXT_LEFT), 4);
	assert_string_equal(small, "张三");
	/* wide output bounded by its length: 3 characters of room */
	assert_int_equal(text_fit_w(w, 4, "abcdef", 6, 10, TEXT_LEFT), 3);
	assert_int_equal(w[0], L'a');
	assert_int_equal(w[2], L'~');
	assert_int_equal(w[3], L'\0');
	/* source byte bound cuts a character: replacement, not a read past */
	assert_int_equal(text_fit(small, sizeof small, "张三", 4, 3, TEXT_LEFT), 3);
	assert_string_equal(small, "张\xef\xbf\xbd");
}

static void
test_fit_ws(void **state)
{
	wchar_t out[16];

	(void)state;
	assert_int_equal(text_fit_ws(out, 16, L"今天和学生", 5, 7, TEXT_LEFT), 7);
	assert_true(wcscmp(out, L"今天和~") == 0);
	assert_int_equal(text_wswidth(L"今天a", 3), 5);
}

static void
test_prefix_bytes(void **state)
{
	(void)state;
	assert_int_equal(text_prefix_bytes("张三李四", strlen("张三李四"), 5), 6);
	assert_int_equal(text_prefix_bytes("abc", 3, 10), 3);
	assert_int_equal(text_prefix_bytes("张", 3, 1), 0);
}

static void
test_wrap(void **state)
{
	const char *t = "hello big world";
	const char *zh = "今天和学生谈了考试焦虑";

	(void)state;
	assert_int_equal(text_wrap(t, strlen(t), 10), 10);  /* "hello big " */
	assert_int_equal(text_wrap(t + 10, 5, 10), 5);      /* "world" */
	assert_int_equal(text_wrap("abcdefghij", 10, 4), 4); /* no space: hard break */
	assert_int_equal(text_wrap("ab\ncd", 5, 10), 3);    /* through the newline */
	/* 11 Chinese characters at 7 columns: 3 characters (6 columns) a line */
	assert_int_equal(text_wrap(zh, strlen(zh), 7), 9);
	assert_int_equal(text_wrap(zh, strlen(zh), 1), 3);  /* wider than the line: alone */
	assert_int_equal(text_wrap("", 0, 5), 0);
	assert_int_equal(text_wrap("abc", 3, 5), 3);
	/* mixed text breaks between Chinese characters, not only at the last space */
	assert_int_equal(text_wrap("按 n 试用记录编辑器", strlen("按 n 试用记录编辑器"), 10),
	                 strlen("按 n 试用"));
	/* closing punctuation never starts a line: the character before it moves down too */
	assert_int_equal(text_wrap("一二三四，五", strlen("一二三四，五"), 8), strlen("一二三"));
}

/* RFC 3629: the strict decoder every layer shares (validation, search keys, encoding detection). */
static void
test_utf8_char(void **state)
{
	uint32_t cp;
	const char *p;

	(void)state;
	assert_int_equal(text_utf8_char("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(text_utf8_char("\xc3\xa9", 2, &cp), 2); /* é */
	assert_int_equal(cp, 0xE9);
	assert_int_equal(text_utf8_char("张", 3, &cp), 3);
	assert_int_equal(cp, 0x5F20);
	assert_int_equal(text_utf8_char("\xf0\xa0\x80\x80", 4, &cp), 4); /* 𠀀, Ext. B */
	assert_int_equal(cp, 0x20000);
	/* invalid: U+FFFD and length 0 */
	assert_int_equal(text_utf8_char("\x80", 1, &cp), 0);            /* stray continuation */
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(text_utf8_char("\xc0\xaf", 2, &cp), 0);       /* overlong '/' */
	assert_int_equal(text_utf8_char("\xe0\x80\xaf", 3, &cp), 0);   /* overlong, 3 bytes */
	assert_int_equal(text_utf8_char("\xed\xa0\x80", 3, &cp), 0);   /* surrogate D800 */
	assert_int_equal(text_utf8_char("\xf4\x90\x80\x80", 4, &cp), 0); /* > U+10FFFF */
	assert_int_equal(text_utf8_char("\xe5\xbc", 2, &cp), 0);       /* truncated by avail */
	assert_int_equal(text_utf8_char("\xe5\xbc", 4, &cp), 0);       /* truncated by the NUL */
	assert_int_equal(text_utf8_char("\xe5\xbc\xa0", 2, &cp), 0);   /* avail cuts it */
	assert_int_equal(text_utf8_char("x", 0, &cp), 0);
	/* next: invalid bytes advance one byte each */
	p = "a\xff张";
	assert_int_equal(text_utf8_next(&p), 'a');
	assert_int_equal(text_utf8_next(&p), 0xFFFD);
	assert_int_equal(text_utf8_next(&p), 0x5F20);
	assert_int_equal(*p, '\0');
}

static void
test_text_buf(void **state)
{
	char buf[6];
	struct text_buf b = { buf, sizeof buf, 0 };

	(void)state;
	text_buf_str(&b, "abc");
	text_buf_str(&b, NULL);
	assert_string_equal(buf, "abc");
	assert_int_equal(b.len, 3);
	text_buf_put(&b, "defgh", 5);
	assert_string_equal(buf, "abcde"); /* cut to size - 1 */
	assert_int_equal(b.len, 8);        /* but counts what was asked for */
	text_buf_put(&b, "z", 1);
	assert_string_equal(buf, "abcde");
	assert_int_equal(b.len, 9);
	b = (struct text_buf){ NULL, 0, 0 }; /* a pure measure */
	text_buf_str(&b, "four");
	assert_int_equal(b.len, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width_basic),
		cmocka_unit_test(test_sanitize_controls),
		cmocka_unit_test(test_decode_invalid),
		cmocka_unit_test(test_fit_ascii),
		cmocka_unit_test(test_fit_chinese_odd_widths),
		cmocka_unit_test(test_fit_emoji_extb),
		cmocka_unit_test(test_fit_combining),
		cmocka_unit_test(test_fit_invalid_and_controls),
		cmocka_unit_test(test_fit_byte_bound),
		cmocka_unit_test(test_fit_ws),
		cmocka_unit_test(test_prefix_bytes),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_utf8_char),
		cmocka_unit_test(test_text_buf),
	};

	return cmocka_run_group_tests(tests, setup_locale, NULL);
}
