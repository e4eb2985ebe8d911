/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tabbed preview: sections of items written on demand, wrapped by display width and scrolled by line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-kit.h"

#define SECTIONS_MAX 8
/* Secure scratch for one item's text. */
#define SCRATCH_BYTES ((size_t)64 * 1024)
/* Display lines of one item at most (longer items are cut). */
#define ITEM_LINES_MAX 256

/* One display line of an item: bytes [off, off + len) of the scratch text, drawn at column indent. */
struct span {
	size_t off, len;
	int indent;
};

struct tui_preview {
	tui_preview_item_fn *item;
	void *ctx;
	struct tui_preview_section sec[SECTIONS_MAX];
	size_t n_sec, cur;
	size_t *lines[SECTIONS_MAX]; /* prefix sums of display lines per item (n + 1 entries) */
	size_t top[SECTIONS_MAX];    /* first display line shown, per section */
	int lines_width;             /* width the sums were computed for; -1: stale */
	char *scratch;               /* SCRATCH_BYTES of secure memory */
	struct span spans[ITEM_LINES_MAX];
	struct cf_rect r;
	int list_y, list_h;
};

int
tui_preview_new(tui_preview_item_fn *item, void *ctx, struct tui_preview **out)
{
	struct tui_preview *pv = calloc(1, sizeof *pv);

	*out = NULL;
	if (!pv)
		return CF_ERR_NOMEM;
	pv->scratch = crypto_secure_alloc(SCRATCH_BYTES);
	if (!pv->scratch) {
		free(pv);
		return CF_ERR_NOMEM;
	}
	pv->item = item;
	pv->ctx = ctx;
	pv->lines_width = -1;
	*out = pv;
	return CF_OK;
}

void
tui_preview_clear(struct tui_preview *pv)
{
	for (size_t i = 0; i < SECTIONS_MAX; i++) {
		free(pv->lines[i]);
		pv->lines[i] = NULL;
		pv->top[i] = 0;
	}
	pv->n_sec = 0;
	pv->cur = 0;
	pv->lines_width = -1;
	crypto_wipe(pv->scratch, SCRATCH_BYTES);
}

void
tui_preview_free(struct tui_preview **pv)
{
	if (!pv || !*pv)
		return;
	tui_preview_clear(*pv);
	crypto_secure_free((*pv)->scratch);
	free(*pv);
	*pv = NULL;
}

int
tui_preview_set(struct tui_preview *pv, const struct tui_preview_section *sections, size_t n)
{
	if (n > SECTIONS_MAX)
		return CF_ERR_INVALID;
	for (size_t i = 0; i < SECTIONS_MAX; i++) {
		free(pv->lines[i]);
		pv->lines[i] = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		pv->sec[i] = sections[i];
		pv->lines[i] = calloc(sections[i].n + 1, sizeof *pv->lines[i]);
		if (!pv->lines[i])
			return CF_ERR_NOMEM;
	}
	pv->n_sec = n;
	if (pv->cur >= n)
		pv->cur = 0;
	pv->lines_width = -1;
	return CF_OK;
}

size_t
tui_preview_section(const struct tui_preview *pv)
{
	return pv->cur;
}

void
tui_preview_select(struct tui_preview *pv, size_t sec)
{
	if (sec < pv->n_sec)
		pv->cur = sec;
}

void
tui_preview_get_scroll(const struct tui_preview *pv, size_t *top, size_t n)
{
	for (size_t i = 0; i < n && i < SECTIONS_MAX; i++)
		top[i] = pv->top[i];
}

void
tui_preview_set_scroll(struct tui_preview *pv, const size_t *top, size_t n)
{
	for (size_t i = 0; i < n && i < SECTIONS_MAX; i++)
		pv->top[i] = top[i];
}

/* Splits the scratch text into display lines of at most w columns; returns how many (<= ITEM_LINES_MAX). */
static size_t
item_spans(struct tui_preview *pv, int w, int indent)
{
	const char *t = pv->scratch;
	size_t len = strlen(t), pos = 0, n = 0;

	if (w < 1)
		w = 1;
	if (indent >= w)
		indent = 0;
	while (pos < len && n < ITEM_LINES_MAX) {
		size_t eol = pos;
		bool first = true;

		while (eol < len && t[eol] != '\n')
			eol++;
		if (eol == pos)
			pv->spans[n++] = (struct span){ pos, 0, 0 };
		while (pos < eol && n < ITEM_LINES_MAX) {
			int cols = first ? w : w - indent;
			size_t k = text_wrap(t + pos, eol - pos, cols);

			if (k == 0)
				break;
			pv->spans[n++] = (struct span){ pos, k, first ? 0 : indent };
			pos += k;
			/* a wrapped line does not begin with the space it broke at */
			while (pos < eol && t[pos] == ' ')
				pos++;
			first = false;
		}
		pos = eol + 1;
	}
	return n;
}

/* Text of item i of sec into the scratch; the indent of its continuation lines. */
static int
item_text(struct tui_preview *pv, size_t sec, size_t i, int w)
{
	pv->scratch[0] = '\0';
	return pv->item(pv->ctx, sec, i, w, pv->scratch, SCRATCH_BYTES);
}

static void
lines_compute(struct tui_preview *pv, int w)
{
	if (pv->lines_width == w)
		return;
	for (size_t sec = 0; sec < pv->n_sec; sec++) {
		pv->lines[sec][0] = 0;
		for (size_t i = 0; i < pv->sec[sec].n; i++) {
			int indent = item_text(pv, sec, i, w);
			size_t n = item_spans(pv, w, indent);

			pv->lines[sec][i + 1] = pv->lines[sec][i] + (n ? n : 1);
		}
	}
	crypto_wipe(pv->scratch, SCRATCH_BYTES);
	pv->lines_width = w;
}

static size_t
total_lines(const struct tui_preview *pv, size_t sec)
{
	return pv->lines[sec] ? pv->lines[sec][pv->sec[sec].n] : 0;
}

static void
scroll_clamp(struct tui_preview *pv)
{
	size_t total = total_lines(pv, pv->cur);
	size_t h = pv->list_h > 0 ? (size_t)pv->list_h : 1;

	if (pv->top[pv->cur] + h > total)
		pv->top[pv->cur] = total > h ? total - h : 0;
}

/* Item index of display line `line` of sec (binary search over the prefix sums). */
static size_t
item_at_line(const struct tui_preview *pv, size_t sec, size_t line)
{
	size_t lo = 0, hi = pv->sec[sec].n;

	while (lo + 1 < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pv->lines[sec][mid] <= line)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void
draw_tabs(const struct tui_preview *pv, int y)
{
	int x = pv->r.x, end = pv->r.x + pv->r.w;

	for (size_t i = 0; i < pv->n_sec && x < end; i++) {
		char label[128];
		int lw;

		snprintf(label, sizeof label, " %s %zu ", _(pv->sec[i].title), pv->sec[i].n);
		lw = text_width(label, strlen(label));
		if (lw > end - x)
			lw = end - x;
		tui_draw_text(y, x, lw, label, i == pv->cur ? TUI_ROLE_SELECTED : TUI_ROLE_NORMAL, TEXT_LEFT);
		x += lw + 1;
	}
}

int
tui_preview_heading_row(const struct tui_preview *pv)
{
	return pv->r.y + 1;
}

void
tui_preview_draw(struct tui_preview *pv, const struct cf_rect *r)
{
	size_t sec, line, total, i;
	int y, end;

	pv->r = *r;
	pv->list_y = r->y + 2;
	pv->list_h = r->h - 2 > 0 ? r->h - 2 : 1;
	if (pv->n_sec == 0 || r->w < 1)
		return;
	lines_compute(pv, r->w);
	scroll_clamp(pv);
	sec = pv->cur;
	draw_tabs(pv, r->y);
	if (pv->sec[sec].heading)
		tui_draw_text(r->y + 1, r->x, r->w, pv->sec[sec].heading, TUI_ROLE_TITLE, TEXT_LEFT);
	line = pv->top[sec];
	total = total_lines(pv, sec);
	y = pv->list_y;
	end = pv->list_y + pv->list_h;
	if (pv->sec[sec].n == 0) {
		tui_draw_text(y, r->x, r->w, pv->sec[sec].empty, TUI_ROLE_HINT, TEXT_LEFT);
		return;
	}
	i = item_at_line(pv, sec, line);
	while (y < end && i < pv->sec[sec].n && line < total) {
		int indent = item_text(pv, sec, i, r->w);
		size_t n = item_spans(pv, r->w, indent);
		size_t sub = line - pv->lines[sec][i];

		for (; sub < n && y < end; sub++, y++, line++) {
			const struct span *sp = &pv->spans[sub];
			enum tui_role role = pv->sec[sec].title_role && sub == 0 ? TUI_ROLE_TITLE : TUI_ROLE_NORMAL;
			/* the span, NUL-terminated in place for drawing */
			char *eos = pv->scratch + sp->off + sp->len, saved = *eos;

			if (sp->indent)
				tui_draw_text(y, r->x, sp->indent, "", TUI_ROLE_NORMAL, TEXT_LEFT);
			*eos = '\0';
			tui_draw_text(y, r->x + sp->indent, r->w - sp->indent, pv->scratch + sp->off, role, TEXT_LEFT);
			*eos = saved;
		}
		if (n == 0) {
			y++;
			line++;
		}
		i++;
	}
	crypto_wipe(pv->scratch, SCRATCH_BYTES);
	/* a scroll mark when more lines are below or above */
	if (pv->top[sec] > 0)
		tui_draw_text(pv->list_y - 1, r->x + r->w - 1, 1, "^", TUI_ROLE_HINT, TEXT_LEFT);
	if (pv->top[sec] + (size_t)pv->list_h < total)
		tui_draw_text(end - 1, r->x + r->w - 1, 1, "v", TUI_ROLE_HINT, TEXT_LEFT);
}

enum tui_key_result
tui_preview_key(struct tui_preview *pv, const struct cf_tui_key *k)
{
	size_t *top = &pv->top[pv->cur];
	size_t page = pv->list_h > 1 ? (size_t)pv->list_h - 1 : 1;

	if (pv->n_sec == 0)
		return TUI_KEY_UNHANDLED;
	if ((!k->fn && k->code == '\t') || (k->fn && k->code == KEY_RIGHT)) {
		pv->cur = (pv->cur + 1) % pv->n_sec;
		return TUI_KEY_HANDLED;
	}
	if (k->fn && (k->code == KEY_BTAB || k->code == KEY_LEFT)) {
		pv->cur = (pv->cur + pv->n_sec - 1) % pv->n_sec;
		return TUI_KEY_HANDLED;
	}
	if (!k->fn && k->code >= '1' && (size_t)(k->code - '1') < pv->n_sec) {
		pv->cur = (size_t)(k->code - '1');
		return TUI_KEY_HANDLED;
	}
	if (!k->fn)
		return TUI_KEY_UNHANDLED;
	switch (k->code) {
	case KEY_UP: *top = *top > 0 ? *top - 1 : 0; break;
	case KEY_DOWN: (*top)++; break;
	case KEY_PPAGE: *top = *top > page ? *top - page : 0; break;
	case KEY_NPAGE: *top += page; break;
	case KEY_HOME: *top = 0; break;
	case KEY_END: *top = total_lines(pv, pv->cur); break;
	default: return TUI_KEY_UNHANDLED;
	}
	scroll_clamp(pv);
	return TUI_KEY_HANDLED;
}
