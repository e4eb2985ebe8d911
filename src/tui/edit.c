/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Editing logic: wide-character buffer, whole-character cursor moves, wrap by display width. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/error.h"
#include "carefile/tui_edit.h"
#include "carefile/text.h"

struct cf_tui_edit {
	wchar_t *buf;
	size_t len, cap, cursor, max_len;
	bool multiline;
	int goal_col; /* -1: none; kept across up/down/page */
	int cols, rows;
	struct cf_tui_edit_alloc alloc;
	/* wrap cache, valid while !dirty */
	bool dirty;
	size_t *starts;
	size_t nlines, starts_cap;
	size_t scroll;
};

static void
wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

static void *
ed_alloc(const struct cf_tui_edit *ed, size_t n)
{
	return ed->alloc.alloc ? ed->alloc.alloc(n) : malloc(n);
}

static void
ed_release(const struct cf_tui_edit *ed, void *p)
{
	if (!p)
		return;
	if (ed->alloc.release)
		ed->alloc.release(p);
	else
		free(p);
}

struct cf_tui_edit *
tui_edit_new(bool multiline, size_t max_chars, const struct cf_tui_edit_alloc *alloc)
{
	struct cf_tui_edit *ed = calloc(1, sizeof *ed);

	if (!ed)
		return NULL;
	ed->multiline = multiline;
	ed->max_len = max_chars ? max_chars : 1000000;
	ed->goal_col = -1;
	ed->cols = ed->rows = 1;
	ed->dirty = true;
	if (alloc)
		ed->alloc = *alloc;
	return ed;
}

void
tui_edit_free(struct cf_tui_edit **edp)
{
	struct cf_tui_edit *ed;

	if (!edp || !*edp)
		return;
	ed = *edp;
	if (ed->buf) {
		wipe(ed->buf, ed->cap * sizeof *ed->buf);
		ed_release(ed, ed->buf);
	}
	free(ed->starts);
	free(ed);
	*edp = NULL;
}

void
tui_edit_set_view(struct cf_tui_edit *ed, int cols, int rows)
{
	if (cols < 1)
		cols = 1;
	if (rows < 1)
		rows = 1;
	if (cols != ed->cols)
		ed->dirty = true;
	ed->cols = cols;
	ed->rows = rows;
}

static int
grow(struct cf_tui_edit *ed, size_t need)
{
	size_t cap;
	wchar_t *p;

	if (need <= ed->cap)
		return CF_OK;
	cap = ed->cap ? ed->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > SIZE_MAX / sizeof *p)
		return CF_ERR_NOMEM;
	/* No realloc: the old copy is wiped before it is released. */
	p = ed_alloc(ed, cap * sizeof *p);
	if (!p)
		return CF_ERR_NOMEM;
	if (ed->buf) {
		memcpy(p, ed->buf, ed->len * sizeof *p);
		wipe(ed->buf, ed->cap * sizeof *ed->buf);
		ed_release(ed, ed->buf);
	}
	ed->buf = p;
	ed->cap = cap;
	return CF_OK;
}

int
tui_edit_insert(struct cf_tui_edit *ed, wchar_t wc)
{
	int err;

	if (wc == L'\t')
		wc = L' ';
	if (wc == L'\r')
		wc = L'\n';
	if (wc == L'\n') {
		if (!ed->multiline)
			return CF_ERR_INVALID;
	} else if (text_sanitize(wc) != wc) {
		return CF_ERR_INVALID;
	}
	if (ed->len >= ed->max_len)
		return CF_ERR_INVALID;
	if ((err = grow(ed, ed->len + 1)) != CF_OK)
		return err;
	memmove(ed->buf + ed->cursor + 1, ed->buf + ed->cursor, (ed->len - ed->cursor) * sizeof *ed->buf);
	ed->buf[ed->cursor++] = wc;
	ed->len++;
	ed->dirty = true;
	ed->goal_col = -1;
	return CF_OK;
}

int
tui_edit_insert_utf8(struct cf_tui_edit *ed, const char *s, size_t len)
{
	size_t n = text_decode(NULL, 0, s, len, false);
	wchar_t *w;
	int err = CF_OK;

	if (n == SIZE_MAX || n + 1 > SIZE_MAX / sizeof *w)
		return CF_ERR_NOMEM;
	w = malloc((n + 1) * sizeof *w);
	if (!w)
		return CF_ERR_NOMEM;
	text_decode(w, n + 1, s, len, false);
	for (size_t i = 0; i < n; i++) {
		int e = tui_edit_insert(ed, w[i]);

		if (e == CF_ERR_INVALID && ed->len < ed->max_len)
			continue; /* a control character: skipped */
		if (e != CF_OK) {
			err = e;
			break;
		}
	}
	wipe(w, (n + 1) * sizeof *w);
	free(w);
	return err;
}

static bool
zero_width(wchar_t wc)
{
	return wc != L'\n' && text_wcwidth(wc) == 0;
}

/* Index of the start of the character after the one at i. */
static size_t
next_char(const struct cf_tui_edit *ed, size_t i)
{
	if (i >= ed->len)
		return ed->len;
	i++;
	while (i < ed->len && zero_width(ed->buf[i]))
		i++;
	return i;
}

/* Index of the start of the character before i. */
static size_t
prev_char(const struct cf_tui_edit *ed, size_t i)
{
	if (i == 0)
		return 0;
	i--;
	while (i > 0 && zero_width(ed->buf[i]))
		i--;
	return i;
}

static void
remove_range(struct cf_tui_edit *ed, size_t a, size_t b)
{
	memmove(ed->buf + a, ed->buf + b, (ed->len - b) * sizeof *ed->buf);
	wipe(ed->buf + ed->len - (b - a), (b - a) * sizeof *ed->buf);
	ed->len -= b - a;
	ed->dirty = true;
	ed->goal_col = -1;
}

bool
tui_edit_backspace(struct cf_tui_edit *ed)
{
	size_t a;

	if (ed->cursor == 0)
		return false;
	a = prev_char(ed, ed->cursor);
	remove_range(ed, a, ed->cursor);
	ed->cursor = a;
	return true;
}

bool
tui_edit_delete(struct cf_tui_edit *ed)
{
	if (ed->cursor >= ed->len)
		return false;
	remove_range(ed, ed->cursor, next_char(ed, ed->cursor));
	return true;
}

void
tui_edit_clear(struct cf_tui_edit *ed)
{
	if (ed->buf)
		wipe(ed->buf, ed->cap * sizeof *ed->buf);
	ed->len = ed->cursor = 0;
	ed->scroll = 0;
	ed->dirty = true;
	ed->goal_col = -1;
}

static int
add_start(struct cf_tui_edit *ed, size_t at)
{
	if (ed->nlines == ed->starts_cap) {
		size_t n = ed->starts_cap ? ed->starts_cap * 2 : 64;
		size_t *p = realloc(ed->starts, n * sizeof *p);

		if (!p)
			return CF_ERR_NOMEM;
		ed->starts = p;
		ed->starts_cap = n;
	}
	ed->starts[ed->nlines++] = at;
	return CF_OK;
}

/* Recomputes the visual lines. On allocation failure the text shows as one line. */
static void
rewrap(struct cf_tui_edit *ed)
{
	int col = 0;

	if (!ed->dirty)
		return;
	ed->nlines = 0;
	ed->dirty = false;
	if (add_start(ed, 0) != CF_OK)
		goto fail;
	if (!ed->multiline)
		return;
	for (size_t i = 0; i < ed->len; i++) {
		wchar_t c = ed->buf[i];
		int w;

		if (c == L'\n') {
			if (add_start(ed, i + 1) != CF_OK)
				goto fail;
			col = 0;
			continue;
		}
		w = text_wcwidth(c);
		if (col + w > ed->cols && col > 0) {
			if (add_start(ed, i) != CF_OK)
				goto fail;
			col = 0;
		}
		col += w;
	}
	return;
fail:
	ed->nlines = 1;
	if (ed->starts)
		ed->starts[0] = 0;
	else
		ed->dirty = true;
}

size_t
tui_edit_line_count(struct cf_tui_edit *ed)
{
	rewrap(ed);
	return ed->nlines ? ed->nlines : 1;
}

void
tui_edit_line(struct cf_tui_edit *ed, size_t i, size_t *start, size_t *end)
{
	size_t n = tui_edit_line_count(ed);

	if (!ed->starts || i >= n) {
		*start = *end = ed->len;
		return;
	}
	*start = ed->starts[i];
	*end = i + 1 < n ? ed->starts[i + 1] : ed->len;
	if (*end > *start && ed->buf[*end - 1] == L'\n')
		(*end)--;
}

static int
width_between(const struct cf_tui_edit *ed, size_t a, size_t b)
{
	int w = 0;

	for (size_t i = a; i < b; i++)
		w += ed->buf[i] == L'\n' ? 0 : text_wcwidth(ed->buf[i]);
	return w;
}

/* Visual line holding index pos (binary search over line starts). */
static size_t
line_of(struct cf_tui_edit *ed, size_t pos)
{
	size_t lo = 0, hi = tui_edit_line_count(ed);

	if (!ed->starts)
		return 0;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (ed->starts[mid] <= pos)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void
tui_edit_cursor_pos(struct cf_tui_edit *ed, size_t *line, int *col)
{
	size_t l = line_of(ed, ed->cursor), start, end;

	tui_edit_line(ed, l, &start, &end);
	*line = l;
	*col = width_between(ed, start, ed->cursor);
	if (ed->multiline && *col >= ed->cols) {
		*line = l + 1;
		*col = 0;
	}
}

/* Last cursor position on visual line l: before its line break, or before its last character when it wraps. */
static size_t
line_last_pos(struct cf_tui_edit *ed, size_t l)
{
	size_t start, end, n = tui_edit_line_count(ed);

	tui_edit_line(ed, l, &start, &end);
	if (l + 1 < n && end == ed->starts[l + 1] && end > start)
		return prev_char(ed, end); /* wrapped: the end is the next line's start */
	return end;
}

/* Position on visual line l nearest to column goal without passing it. */
static size_t
pos_at_col(struct cf_tui_edit *ed, size_t l, int goal)
{
	size_t start, end, last = line_last_pos(ed, l), i;
	int col = 0;

	tui_edit_line(ed, l, &start, &end);
	i = start;
	while (i < last) {
		size_t nx = next_char(ed, i);
		int w = width_between(ed, i, nx);

		if (col + w > goal)
			break;
		col += w;
		i = nx;
	}
	return i;
}

static void
move_lines(struct cf_tui_edit *ed, long delta)
{
	size_t line, n = tui_edit_line_count(ed);
	int col;
	long target;

	tui_edit_cursor_pos(ed, &line, &col);
	if (ed->goal_col < 0)
		ed->goal_col = col;
	if (line >= n) {
		/* the virtual line after a full last line */
		line = n - 1;
		col = ed->cols;
	}
	target = (long)line + delta;
	if (target < 0) {
		ed->cursor = 0;
		return;
	}
	if (target >= (long)n) {
		ed->cursor = ed->len;
		return;
	}
	ed->cursor = pos_at_col(ed, (size_t)target, ed->goal_col);
}

void
tui_edit_move(struct cf_tui_edit *ed, enum tui_edit_move m)
{
	size_t line;
	int col, goal = ed->goal_col;

	switch (m) {
	case TUI_EDIT_LEFT:
		ed->cursor = prev_char(ed, ed->cursor);
		ed->goal_col = -1;
		break;
	case TUI_EDIT_RIGHT:
		ed->cursor = next_char(ed, ed->cursor);
		ed->goal_col = -1;
		break;
	case TUI_EDIT_UP:
	case TUI_EDIT_DOWN:
	case TUI_EDIT_PAGE_UP:
	case TUI_EDIT_PAGE_DOWN:
		if (!ed->multiline) {
			ed->cursor = (m == TUI_EDIT_UP || m == TUI_EDIT_PAGE_UP) ? 0 : ed->len;
			break;
		}
		move_lines(ed, m == TUI_EDIT_UP ? -1 : m == TUI_EDIT_DOWN ? 1 :
		                   m == TUI_EDIT_PAGE_UP ? -(long)ed->rows : (long)ed->rows);
		(void)goal;
		break;
	case TUI_EDIT_HOME:
	case TUI_EDIT_END:
		if (!ed->multiline) {
			ed->cursor = m == TUI_EDIT_HOME ? 0 : ed->len;
		} else {
			size_t start, end;

			tui_edit_cursor_pos(ed, &line, &col);
			if (line >= tui_edit_line_count(ed))
				line = tui_edit_line_count(ed) - 1; /* already past a full last line */
			tui_edit_line(ed, line, &start, &end);
			ed->cursor = m == TUI_EDIT_HOME ? start : line_last_pos(ed, line);
		}
		ed->goal_col = -1;
		break;
	case TUI_EDIT_TOP:
		ed->cursor = 0;
		ed->goal_col = -1;
		break;
	case TUI_EDIT_BOTTOM:
		ed->cursor = ed->len;
		ed->goal_col = -1;
		break;
	}
}

const wchar_t *
tui_edit_wtext(const struct cf_tui_edit *ed, size_t *len)
{
	*len = ed->len;
	return ed->buf ? ed->buf : L"";
}

bool
tui_edit_multiline(const struct cf_tui_edit *ed)
{
	return ed->multiline;
}

size_t
tui_edit_cursor(const struct cf_tui_edit *ed)
{
	return ed->cursor;
}

size_t
tui_edit_utf8(const struct cf_tui_edit *ed, char *dst, size_t dst_size)
{
	size_t need = 0, used = 0;
	mbstate_t st;
	bool full = false;

	memset(&st, 0, sizeof st);
	for (size_t i = 0; i < ed->len; i++) {
		char b[MB_LEN_MAX];
		size_t n = wcrtomb(b, ed->buf[i], &st);

		if (n == (size_t)-1) {
			/* only with a non-UTF-8 locale: keep the text whole as U+FFFD would not fit either */
			b[0] = '?';
			n = 1;
			memset(&st, 0, sizeof st);
		}
		need += n;
		if (!full && dst && used + n < dst_size) {
			memcpy(dst + used, b, n);
			used += n;
		} else {
			full = true;
		}
		wipe(b, sizeof b);
	}
	if (dst && dst_size > 0)
		dst[used] = '\0';
	return need;
}

size_t
tui_edit_scroll(struct cf_tui_edit *ed)
{
	size_t line;
	int col;

	tui_edit_cursor_pos(ed, &line, &col);
	if (ed->multiline) {
		if (line < ed->scroll)
			ed->scroll = line;
		else if (line >= ed->scroll + (size_t)ed->rows)
			ed->scroll = line - (size_t)ed->rows + 1;
		return ed->scroll;
	}
	/* single line: keep the cursor column inside [scroll, scroll + cols - 1] */
	if ((size_t)col < ed->scroll)
		ed->scroll = (size_t)col;
	else if ((size_t)col >= ed->scroll + (size_t)ed->cols)
		ed->scroll = (size_t)col - (size_t)ed->cols + 1;
	return ed->scroll;
}
