/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Display width of text: decode with mbrtowc, sanitize, measure with wcwidth, fit by columns. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "carefile/text.h"

wchar_t
text_sanitize(wchar_t wc)
{
	uint32_t c = (uint32_t)wc;

	if (c == '\t' || c == '\n')
		return L' ';
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
		return TEXT_REPLACEMENT;
	/* Bidi embedding/override/isolate marks reorder what the terminal shows. */
	if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e ||
	    c == 0x200f || c == 0x061c || c == 0x2028 || c == 0x2029)
		return TEXT_REPLACEMENT;
	if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return TEXT_REPLACEMENT;
	/*
	 * Zero-width spaces and joiners, word joiner, invisible operators and
	 * BOM: terminals disagree on which cell they belong to (tmux moved a
	 * ZWJ into another row), and they hide text. Shown, not passed on.
	 */
	if ((c >= 0x200b && c <= 0x200d) || (c >= 0x2060 && c <= 0x2064) || c == 0xfeff || c == 0x180e)
		return TEXT_REPLACEMENT;
	if (wcwidth(wc) < 0)
		return TEXT_REPLACEMENT;
	return wc;
}

int
text_wcwidth(wchar_t wc)
{
	int w = wcwidth(text_sanitize(wc));

	/* wcwidth of a sanitized character is >= 0; clamp in case a libc disagrees. */
	if (w < 0)
		return 1;
	return w > 2 ? 2 : w;
}

/* A source of characters: UTF-8 bytes or wide characters, bounded either way. */
struct text_iter {
	const char *s;
	size_t len, pos;
	const wchar_t *ws;
	size_t n, wpos;
	mbstate_t st;
	int have_base; /* a character with width > 0 was produced already */
};

static void
iter_utf8(struct text_iter *it, const char *s, size_t len)
{
	memset(it, 0, sizeof *it);
	it->s = s ? s : "";
	it->len = s ? len : 0;
}

static void
iter_wide(struct text_iter *it, const wchar_t *ws, size_t n)
{
	memset(it, 0, sizeof *it);
	it->ws = ws;
	it->n = ws ? n : 0;
}

/* Next raw (not sanitized) character; 0 at the end. */
static int
iter_next_raw(struct text_iter *it, wchar_t *out)
{
	if (it->ws) {
		if (it->wpos >= it->n || it->ws[it->wpos] == L'\0')
			return 0;
		*out = it->ws[it->wpos++];
		return 1;
	}
	if (it->pos >= it->len || it->s[it->pos] == '\0')
		return 0;
	{
		wchar_t wc;
		size_t r = mbrtowc(&wc, it->s + it->pos, it->len - it->pos, &it->st);

		if (r == (size_t)-2) {
			/* A sequence cut by the byte bound: one replacement for the rest. */
			it->pos = it->len;
			memset(&it->st, 0, sizeof it->st);
			*out = TEXT_REPLACEMENT;
			return 1;
		}
		if (r == (size_t)-1 || r == 0) {
			it->pos++;
			memset(&it->st, 0, sizeof it->st);
			*out = r == 0 ? L'\0' : TEXT_REPLACEMENT;
			if (r == 0)
				return 0;
			return 1;
		}
		it->pos += r;
		*out = wc;
		return 1;
	}
}

/*
 * Next sanitized character with its width. A zero-width character with no
 * base before it is given a space base (width 1), so a combining mark never
 * lands on whatever the terminal shows left of the text.
 */
static int
iter_next(struct text_iter *it, wchar_t *wc, int *width, int *needs_base)
{
	wchar_t raw;

	if (!iter_next_raw(it, &raw))
		return 0;
	*wc = text_sanitize(raw);
	*width = text_wcwidth(*wc);
	*needs_base = 0;
	if (*width == 0 && !it->have_base) {
		*needs_base = 1;
		*width = 1;
	}
	if (*width > 0)
		it->have_base = 1;
	return 1;
}

size_t
text_decode(wchar_t *dst, size_t dst_len, const char *src, size_t src_len, bool sanitize)
{
	struct text_iter it;
	size_t count = 0;
	wchar_t wc;

	iter_utf8(&it, src, src_len);
	while (iter_next_raw(&it, &wc)) {
		if (sanitize)
			wc = text_sanitize(wc);
		if (dst && count + 1 < dst_len)
			dst[count] = wc;
		count++;
	}
	if (dst && dst_len > 0)
		dst[count < dst_len ? count : dst_len - 1] = L'\0';
	return count;
}

static int
iter_width(struct text_iter *it, int stop_above)
{
	wchar_t wc;
	int w, nb, total = 0;

	while (iter_next(it, &wc, &w, &nb)) {
		total += w;
		if (stop_above >= 0 && total > stop_above)
			break;
	}
	return total;
}

int
text_width(const char *src, size_t src_len)
{
	struct text_iter it;

	iter_utf8(&it, src, src_len);
	return iter_width(&it, -1);
}

int
text_wswidth(const wchar_t *ws, size_t n)
{
	struct text_iter it;

	iter_wide(&it, ws, n);
	return iter_width(&it, -1);
}

/* Appends n spaces; the caller has checked the room. */
static size_t
put_spaces(wchar_t *dst, size_t out, int n)
{
	while (n-- > 0)
		dst[out++] = L' ';
	return out;
}

/*
 * The fitting itself. Invariant: out + (cols - width) <= cap, where cap is
 * the room for characters (dst_len - 1): every remaining column can always
 * be filled with one character, so padding and the marker never overflow.
 */
static int
fit_iter(wchar_t *dst, size_t dst_len, const struct text_iter *start, int cols,
         enum text_align align)
{
	struct text_iter it = *start;
	size_t cap, out = 0;
	int total, limit, width = 0, truncate, lead = 0;
	wchar_t wc;
	int w, nb;

	if (!dst || dst_len == 0)
		return 0;
	cap = dst_len - 1;
	if (cols < 0)
		cols = 0;
	if ((size_t)cols > cap)
		cols = (int)cap;
	total = iter_width(&it, cols);
	truncate = total > cols;
	limit = truncate ? cols - 1 : cols;
	if (limit < 0)
		limit = 0;
	if (!truncate) {
		int spare = cols - total;

		lead = align == TEXT_RIGHT ? spare : align == TEXT_CENTER ? spare / 2 : 0;
		out = put_spaces(dst, out, lead);
		width = lead;
	}
	it = *start;
	while (iter_next(&it, &wc, &w, &nb)) {
		if (width + w > (truncate ? limit : cols))
			break;
		if (nb) {
			/* space base + mark: two characters for one column */
			if (out + 2 + (size_t)(cols - width - 1) > cap)
				break;
			dst[out++] = L' ';
			dst[out++] = wc;
		} else if (w == 0) {
			if (out + 1 + (size_t)(cols - width) > cap)
				continue; /* no room for another mark: drop it, keep going for bases */
			dst[out++] = wc;
		} else {
			dst[out++] = wc;
		}
		width += w;
	}
	if (truncate) {
		out = put_spaces(dst, out, limit - width);
		width = limit;
		if (cols > 0) {
			dst[out++] = TEXT_MARKER;
			width++;
		}
	} else {
		out = put_spaces(dst, out, cols - width);
		width = cols;
	}
	dst[out] = L'\0';
	return width;
}

int
text_fit_ws(wchar_t *dst, size_t dst_len, const wchar_t *src, size_t n, int cols,
                enum text_align align)
{
	struct text_iter it;

	iter_wide(&it, src, n);
	return fit_iter(dst, dst_len, &it, cols, align);
}

int
text_fit_w(wchar_t *dst, size_t dst_len, const char *src, size_t src_len, int cols,
               enum text_align align)
{
	struct text_iter it;

	iter_utf8(&it, src, src_len);
	return fit_iter(dst, dst_len, &it, cols, align);
}

int
text_fit(char *dst, size_t dst_size, const char *src, size_t src_len, int cols,
             enum text_align align)
{
	wchar_t *tmp;
	size_t tmp_len, i, used = 0;
	int width = 0;
	mbstate_t st;

	if (!dst || dst_size == 0)
		return 0;
	dst[0] = '\0';
	if (cols <= 0)
		return 0;
	if ((size_t)cols > (SIZE_MAX / sizeof(wchar_t) - 1) / 3)
		return 0;
	tmp_len = 3 * (size_t)cols + 1;
	tmp = calloc(tmp_len, sizeof *tmp);
	if (!tmp)
		return 0;
	text_fit_w(tmp, tmp_len, src, src_len, cols, align);
	memset(&st, 0, sizeof st);
	for (i = 0; tmp[i]; i++) {
		char buf[MB_LEN_MAX];
		size_t n = wcrtomb(buf, tmp[i], &st);

		if (n == (size_t)-1) {
			buf[0] = '?';
			n = 1;
			memset(&st, 0, sizeof st);
		}
		if (used + n + 1 > dst_size)
			break;
		memcpy(dst + used, buf, n);
		used += n;
		width += text_wcwidth(tmp[i]);
	}
	dst[used] = '\0';
	free(tmp);
	return width;
}

size_t
text_prefix_bytes(const char *src, size_t src_len, int cols)
{
	struct text_iter it;
	size_t last = 0;
	int width = 0;
	wchar_t wc;
	int w, nb;

	iter_utf8(&it, src, src_len);
	while (iter_next(&it, &wc, &w, &nb)) {
		if (width + w > cols)
			break;
		width += w;
		last = it.pos;
	}
	return last;
}

/* Characters that must not start a line (closing punctuation, as in Chinese line-breaking rules). */
static int
no_line_start(wchar_t c)
{
	static const wchar_t list[] = L"，。、；：？！）》」』】〕〉”’…,.;:?!)]}%";

	return c != L'\0' && wcschr(list, c) != NULL;
}

size_t
text_wrap(const char *src, size_t src_len, int cols)
{
	struct text_iter it;
	size_t last = 0, brk = 0, before;
	int width = 0, prev_wide = 0;
	wchar_t raw;

	iter_utf8(&it, src, src_len);
	for (;;) {
		int w;

		before = it.pos;
		if (!iter_next_raw(&it, &raw))
			return last;
		if (raw == L'\n')
			return it.pos;
		w = text_wcwidth(raw);
		/* A line may end before a wide character or after one, unless c may not start a line. */
		if (last > 0 && (w == 2 || prev_wide) && !no_line_start(raw))
			brk = before;
		if (width + w > cols) {
			if (last == 0)
				return it.pos; /* one character wider than the line */
			return brk ? brk : before;
		}
		width += w;
		last = it.pos;
		if (w > 0)
			prev_wide = w == 2;
		if (raw == L' ')
			brk = it.pos;
	}
}

static bool
is_ascii_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool
text_is_scientific(const char *s)
{
	const char *p = s;
	if (!is_ascii_digit(*p))
		return false;
	while (is_ascii_digit(*p))
		p++;
	if (*p == '.') {
		p++;
		while (is_ascii_digit(*p))
			p++;
	}
	if (*p != 'e' && *p != 'E')
		return false;
	p++;
	if (*p == '+' || *p == '-')
		p++;
	if (!is_ascii_digit(*p))
		return false;
	while (is_ascii_digit(*p))
		p++;
	return *p == '\0';
}

size_t
text_utf8_char(const char *s, size_t avail, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	size_t n;

	*cp = 0xFFFD;
	if (avail == 0)
		return 0;
	c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2; min = 0x80; c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3; min = 0x800; c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4; min = 0x10000; c &= 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if (i >= avail || (p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

uint32_t
text_utf8_next(const char **pp)
{
	uint32_t cp;
	size_t n = text_utf8_char(*pp, 4, &cp);

	*pp += n ? n : 1;
	return cp;
}

void
text_buf_put(struct text_buf *b, const char *s, size_t n)
{
	if (b->size && b->len < b->size - 1) {
		size_t room = b->size - 1 - b->len;

		memcpy(b->buf + b->len, s, n < room ? n : room);
	}
	b->len += n;
	if (b->size)
		b->buf[b->len < b->size ? b->len : b->size - 1] = '\0';
}

void
text_buf_str(struct text_buf *b, const char *s)
{
	if (s)
		text_buf_put(b, s, strlen(s));
}
