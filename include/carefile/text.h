/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Display width of text: decode, sanitize, measure, fit, pad and truncate by terminal columns. */
#ifndef CAREFILE_TEXT_H
#define CAREFILE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

/*
 * This module does not use curses, so core and cli may use it too. It needs
 * a UTF-8 LC_CTYPE (setlocale(LC_ALL, "") with a UTF-8 locale): decoding is
 * mbrtowc() and widths are wcwidth() from the C library (glibc's tables,
 * generated from Unicode's EastAsianWidth.txt), never a table of our own.
 *
 * Every function here is bounded by the byte length it is given (it never
 * reads past src + src_len, and stops early at a NUL byte) and by the column
 * count it is asked for.
 */

/* Shown for invalid UTF-8 and for characters that must not reach the terminal raw. */
#define TEXT_REPLACEMENT ((wchar_t)0xFFFD)

/* Appended by the fit functions when text is cut; ASCII so its width is 1 in every terminal. */
#define TEXT_MARKER ((wchar_t)'~')

/* How text_fit*() places text shorter than the column count. */
enum text_align {
	TEXT_LEFT,   /* text, then spaces */
	TEXT_RIGHT,  /* spaces, then text */
	TEXT_CENTER, /* spaces split evenly, the odd one on the right */
};

/*
 * The character to display for wc: wc itself when it is printable, a space
 * for TAB and LF, and TEXT_REPLACEMENT for every other C0 control, ESC,
 * DEL, C1 control (U+0080..U+009F), bidirectional override and isolate
 * controls (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C), line and
 * paragraph separators, zero-width spaces and joiners (U+200B..U+200D,
 * U+2060..U+2064, U+FEFF, U+180E), surrogates, and anything wcwidth() calls unprintable
 * (< 0). The result never makes a terminal change state.
 */
wchar_t text_sanitize(wchar_t wc);

/*
 * Display width in columns (0, 1 or 2) of text_sanitize(wc). Combining
 * marks and other zero-width characters give 0; never negative.
 */
int text_wcwidth(wchar_t wc);

/*
 * Decodes at most src_len bytes of UTF-8 (stopping at a NUL byte) into dst,
 * which has room for dst_len wide characters; dst is NUL-terminated when
 * dst_len > 0. Each invalid byte becomes TEXT_REPLACEMENT (a truncated
 * sequence at the end becomes one), and when sanitize is true every
 * character is passed through text_sanitize(). Returns the number of wide
 * characters the whole input decodes to (may exceed dst_len - 1: then dst
 * holds only the first dst_len - 1 of them, as snprintf does).
 */
size_t text_decode(wchar_t *dst, size_t dst_len, const char *src, size_t src_len, bool sanitize);

/* Display width in columns of at most src_len bytes of UTF-8, sanitized as above. */
int text_width(const char *src, size_t src_len);

/* Display width in columns of the first n wide characters of ws (stops at L'\0'), sanitized. */
int text_wswidth(const wchar_t *ws, size_t n);

/*
 * Fits at most src_len bytes of UTF-8 src into exactly cols display columns
 * (cols < 0 counts as 0) and writes the result to dst as sanitized wide
 * characters, NUL-terminated. dst_len is dst's size in wide characters;
 * 3 * cols + 1 is always enough (a column holds at most one base character
 * plus, on average, two combining marks are kept; further zero-width
 * characters are dropped when dst is short).
 *
 * When the text is wider than cols it is cut after the last whole character
 * that fits in cols - 1 columns, padded with a space when a two-column
 * character would straddle the cut, and ended with TEXT_MARKER. Shorter
 * text is padded with spaces according to align. A character is never split.
 *
 * Returns the number of columns written: cols, unless dst_len was too small
 * (then fewer, and dst still holds whole characters only).
 */
int text_fit_w(wchar_t *dst, size_t dst_len, const char *src, size_t src_len, int cols,
                   enum text_align align);

/*
 * As text_fit_w(), but the result is UTF-8 in dst, which has room for
 * dst_size bytes including the terminating NUL. 4 * (3 * cols) + 1 bytes
 * is always enough. Bounded by both bytes and columns: when dst_size is too
 * small the output stops at the last whole character that fits. Returns the
 * number of columns written.
 */
int text_fit(char *dst, size_t dst_size, const char *src, size_t src_len, int cols,
                 enum text_align align);

/*
 * Fits the n wide characters of src (stops at L'\0') into exactly cols
 * columns, as text_fit_w() does for UTF-8 input.
 */
int text_fit_ws(wchar_t *dst, size_t dst_len, const wchar_t *src, size_t n, int cols,
                    enum text_align align);

/*
 * Length in bytes of the longest prefix of src (at most src_len bytes) that
 * ends on a character boundary and has display width <= cols. For cutting
 * UTF-8 by columns without converting.
 */
size_t text_prefix_bytes(const char *src, size_t src_len, int cols);

/*
 * Length in bytes of the next line when at most src_len bytes of UTF-8 are
 * wrapped at cols columns: up to and including a newline if one comes
 * first; otherwise the longest prefix of width <= cols, ended after its last
 * space when the text goes on and the prefix has one (Chinese text, which
 * has no spaces, breaks between any two characters). At least one whole
 * character when src_len > 0, even if it is wider than cols. Returns 0 only
 * for empty input.
 */
size_t text_wrap(const char *src, size_t src_len, int cols);

/*
 * True if s (already normalised: no surrounding spaces, ASCII digits)
 * looks like a spreadsheet's scientific notation, 1.38001E+10, 1E10 or
 * 2.1e-3: a long number that Excel mangled and that cannot be read back.
 */
bool text_is_scientific(const char *s);

/*
 * UTF-8 without the locale (RFC 3629 section 3): for code that must treat
 * stored text the same whatever LC_CTYPE is (validation, search keys).
 *
 * text_utf8_char: the character at p, reading at most avail bytes and
 * stopping at the first byte that is not a continuation (so a NUL ends it).
 * Returns its length in bytes (1 to 4) and sets *cp; returns 0 and sets *cp
 * to U+FFFD when the bytes there are not one valid character (a stray
 * continuation byte, a truncated sequence, an overlong form, a surrogate,
 * or more than U+10FFFF). avail 0 returns 0.
 *
 * text_utf8_next: the character at *pp of a NUL-terminated string, advancing
 * *pp past it; invalid bytes give U+FFFD and advance one byte. *pp must not
 * point at the terminating NUL.
 */
size_t text_utf8_char(const char *p, size_t avail, uint32_t *cp);
uint32_t text_utf8_next(const char **pp);

/*
 * A bounded string builder: appends into buf (size bytes, always
 * NUL-terminated when size > 0), cutting what does not fit, while len
 * counts every byte asked for, so len >= size means the text was cut.
 * Cuts are by byte: a caller that shows the text cuts by columns first.
 */
struct text_buf {
	char *buf;
	size_t size, len;
};

void text_buf_put(struct text_buf *b, const char *s, size_t n);
void text_buf_str(struct text_buf *b, const char *s); /* s may be NULL: appends nothing */

#endif
