/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Detail pages: sections of labelled values and paragraphs, wrapped by display width, scrolled, with selectable entries. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-kit.h"

struct item {
	enum tui_page_kind kind;
	const char *label; /* in the arena, may be NULL */
	const char *value; /* in the arena, may be NULL */
	unsigned flags;
	int64_t ref;
};

/* A screen row: part of an item's value (byte offsets), after wrapping to the width. */
struct row {
	size_t item;
	size_t off, len;
	bool first;  /* the item's first row: draws the label */
	size_t pair; /* a second half-width field on the same row, or SIZE_MAX */
};

struct tui_page {
	struct cf_secure_arena *arena; /* every text shown */
	struct item *items;
	size_t n_items, cap_items;
	struct row *rows;
	size_t n_rows, cap_rows;
	struct cf_rect r;
	int scroll;
	int label_w;
	size_t sel;                    /* selected item, or SIZE_MAX */
};

int
tui_page_new(struct tui_page **out)
{
	struct tui_page *p = calloc(1, sizeof *p);

	*out = NULL;
	if (!p)
		return CF_ERR_NOMEM;
	p->sel = SIZE_MAX;
	*out = p;
	return CF_OK;
}

void
tui_page_clear(struct tui_page *p, bool keep_scroll)
{
	if (!p)
		return;
	crypto_arena_free(&p->arena);
	p->n_items = 0;
	p->n_rows = 0;
	if (!keep_scroll) {
		p->scroll = 0;
		p->sel = SIZE_MAX;
	}
}

void
tui_page_free(struct tui_page **pp)
{
	if (!pp || !*pp)
		return;
	tui_page_clear(*pp, false);
	free((*pp)->items);
	free((*pp)->rows);
	free(*pp);
	*pp = NULL;
}

bool
tui_page_empty(const struct tui_page *p)
{
	return !p || p->n_items == 0;
}

static const char *
keep(struct tui_page *p, const char *s, int *err)
{
	char *c;

	if (!s)
		return NULL;
	c = crypto_arena_strdup(p->arena, s);
	if (!c)
		*err = CF_ERR_NOMEM;
	return c;
}

int
tui_page_add(struct tui_page *p, enum tui_page_kind kind, const char *label, const char *value, unsigned flags,
             int64_t ref)
{
	int err = CF_OK;
	struct item it;

	if (!p->arena && crypto_arena_new(0, &p->arena) != CF_OK)
		return CF_ERR_NOMEM;
	if (p->n_items == p->cap_items) {
		size_t n = p->cap_items ? p->cap_items * 2 : 64;
		struct item *ni = realloc(p->items, n * sizeof *ni);

		if (!ni)
			return CF_ERR_NOMEM;
		p->items = ni;
		p->cap_items = n;
	}
	it.kind = kind;
	it.label = keep(p, label, &err);
	it.value = keep(p, value, &err);
	it.flags = flags;
	it.ref = ref;
	if (err != CF_OK)
		return err;
	p->items[p->n_items++] = it;
	return CF_OK;
}

int
tui_page_add_record(struct tui_page *p, const struct cf_record_type *t, const void *rec, const uint16_t *tags,
                    size_t n)
{
	int err = CF_OK;

	if (!p->arena && crypto_arena_new(0, &p->arena) != CF_OK)
		return CF_ERR_NOMEM;
	for (size_t i = 0; i < n && err == CF_OK; i++) {
		const struct cf_field *f = record_field(t, tags[i]);
		size_t need;
		char *buf;
		bool half;

		if (!f)
			return CF_ERR_INVALID;
		need = record_field_format(t, f, rec, NULL, 0);
		buf = crypto_arena_alloc(p->arena, need + 1);
		if (!buf)
			return CF_ERR_NOMEM;
		record_field_format(t, f, rec, buf, need + 1);
		/* short values sit two to a row: choices, dates, times, numbers and short one-line texts */
		half = f->kind == CF_KIND_ENUM || f->kind == CF_KIND_DATE || f->kind == CF_KIND_TIME ||
		       f->kind == CF_KIND_INT || (f->kind == CF_KIND_TEXT && f->max_chars && f->max_chars <= 64);
		err = tui_page_add(p, TUI_PAGE_FIELD, _(f->label), *buf ? buf : "-", half ? TUI_PAGE_HALF : 0, 0);
	}
	return err;
}

/* ---- wrapping ---- */

static bool
add_row(struct tui_page *p, struct row r)
{
	if (p->n_rows == p->cap_rows) {
		size_t nc = p->cap_rows ? p->cap_rows * 2 : 128;
		struct row *nr = realloc(p->rows, nc * sizeof *nr);

		if (!nr)
			return false;
		p->rows = nr;
		p->cap_rows = nc;
	}
	p->rows[p->n_rows++] = r;
	return true;
}

void
tui_page_layout(struct tui_page *p, const struct cf_rect *r)
{
	int lw = 0, vw;
	bool halves;

	p->r = *r;
	if (p->r.w < 0)
		p->r.w = 0;
	if (p->r.h < 0)
		p->r.h = 0;
	p->n_rows = 0;
	for (size_t i = 0; i < p->n_items; i++)
		if (p->items[i].kind == TUI_PAGE_FIELD && p->items[i].label) {
			int w = text_width(p->items[i].label, strlen(p->items[i].label));

			if (w > lw)
				lw = w;
		}
	if (lw > 16)
		lw = 16;
	/* even, so values (often Chinese) start on an even column like the overlays' borders */
	lw += lw % 2;
	p->label_w = lw;
	vw = p->r.w - 2 - lw - 2;
	halves = p->r.w >= 72; /* two short fields per row from about 80 columns */
	for (size_t i = 0; i < p->n_items; i++) {
		const struct item *it = &p->items[i];
		const char *v;
		size_t len, off = 0;
		int w;
		bool first = true;

		if (halves && (it->flags & TUI_PAGE_HALF) && i + 1 < p->n_items && (p->items[i + 1].flags & TUI_PAGE_HALF)) {
			if (!add_row(p, (struct row){ i, 0, strlen(it->value ? it->value : ""), true, i + 1 }))
				return;
			i++;
			continue;
		}
		v = it->kind == TUI_PAGE_FIELD || it->kind == TUI_PAGE_TEXT ? it->value : NULL;
		len = v ? strlen(v) : 0;
		w = it->kind == TUI_PAGE_TEXT ? p->r.w - 4 : vw;
		if (w < 1)
			w = 1;
		do {
			size_t k = len ? text_wrap(v + off, len - off, w) : 0;

			if (!add_row(p, (struct row){ i, off, k, first, SIZE_MAX }))
				return;
			first = false;
			off += k;
		} while (off < len);
	}
}

/* ---- drawing ---- */

/* Draws len bytes of text at (y, x) in w columns, through a wiped stack buffer. */
static void
draw_span(int y, int x, int w, const char *text, size_t len, enum tui_role role)
{
	char buf[2048];

	if (len >= sizeof buf)
		len = text_prefix_bytes(text, len, w) < sizeof buf ? text_prefix_bytes(text, len, w) : sizeof buf - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	/* the newline a wrapped line ends on is not drawn */
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	tui_draw_text(y, x, w, buf, role, TEXT_LEFT);
	crypto_wipe(buf, sizeof buf);
}

static int
max_scroll(const struct tui_page *p)
{
	int m = (int)p->n_rows - p->r.h;

	return m > 0 ? m : 0;
}

/* Whether item i is drawn as selected: the selected item and the items joined to it. */
static bool
selected(const struct tui_page *p, size_t i)
{
	if (p->sel == SIZE_MAX || i < p->sel)
		return false;
	for (size_t k = p->sel + 1; k <= i; k++)
		if (!(p->items[k].flags & TUI_PAGE_JOIN))
			return false;
	return true;
}

void
tui_page_draw(struct tui_page *p)
{
	const struct cf_rect *b = &p->r;

	if (p->scroll > max_scroll(p))
		p->scroll = max_scroll(p);
	for (int i = 0; i < b->h && (size_t)(p->scroll + i) < p->n_rows; i++) {
		const struct row *r = &p->rows[p->scroll + i];
		const struct item *it = &p->items[r->item];
		int y = b->y + i, vx = b->x + 2 + p->label_w + 2;
		bool sel = selected(p, r->item);
		enum tui_role val = sel ? TUI_ROLE_SELECTED : TUI_ROLE_NORMAL, lab = sel ? TUI_ROLE_SELECTED : TUI_ROLE_HINT;

		if (sel) {
			tui_draw_text(y, b->x, b->w, "", TUI_ROLE_SELECTED, TEXT_LEFT);
			/* a mark that shows without colour too, on the entry's first row */
			if (r->first && r->item == p->sel)
				tui_draw_text(y, b->x, 2, ">", TUI_ROLE_SELECTED, TEXT_LEFT);
		}
		switch (it->kind) {
		case TUI_PAGE_SECTION: {
			char head[256];

			snprintf(head, sizeof head, "-- %s --", it->label ? it->label : "");
			tui_draw_text(y, b->x, b->w, head, TUI_ROLE_TITLE, TEXT_LEFT);
			break;
		}
		case TUI_PAGE_FIELD:
			if (r->pair != SIZE_MAX) {
				/* two short fields: each gets half the row, cut (not wrapped) when longer */
				const struct item *p2 = &p->items[r->pair];
				int half = b->w / 2, hx = b->x + half;

				draw_span(y, b->x + 2, p->label_w, it->label, strlen(it->label), lab);
				draw_span(y, vx, hx - 1 - vx, it->value, strlen(it->value), val);
				draw_span(y, hx + 2, p->label_w, p2->label, strlen(p2->label), lab);
				draw_span(y, hx + 2 + p->label_w + 2, b->x + b->w - (hx + 2 + p->label_w + 2), p2->value,
				          strlen(p2->value), val);
				break;
			}
			if (r->first && it->label)
				draw_span(y, b->x + 2, p->label_w, it->label, strlen(it->label), lab);
			if (it->value)
				draw_span(y, vx, b->x + b->w - vx, it->value + r->off, r->len, val);
			break;
		case TUI_PAGE_TEXT:
			if (it->value)
				draw_span(y, b->x + 4, b->w - 4, it->value + r->off, r->len, val);
			break;
		case TUI_PAGE_EMPTY:
			tui_draw_text(y, b->x + 2, b->w - 2, it->label, TUI_ROLE_HINT, TEXT_LEFT);
			break;
		case TUI_PAGE_BLANK:
			break;
		}
	}
}

void
tui_page_position(const struct tui_page *p, char *buf, size_t size)
{
	if (size)
		buf[0] = '\0';
	if (max_scroll(p) > 0)
		/* TRANSLATORS: scroll position of a detail page: first row shown, of all rows. */
		snprintf(buf, size, _("row %d of %zu"), p->scroll + 1, p->n_rows);
}

/* ---- keys ---- */

/* First row of item i, or -1. */
static int
first_row(const struct tui_page *p, size_t i)
{
	for (size_t r = 0; r < p->n_rows; r++)
		if (p->rows[r].item == i || p->rows[r].pair == i)
			return (int)r;
	return -1;
}

/* Moves the selection to the next (dir 1) or previous selectable item and scrolls it into view. */
static bool
select_step(struct tui_page *p, int dir)
{
	size_t i = p->sel;

	for (;;) {
		if (i == SIZE_MAX)
			i = dir > 0 ? 0 : p->n_items - 1;
		else if (dir > 0 ? i + 1 >= p->n_items : i == 0)
			return false;
		else
			i = dir > 0 ? i + 1 : i - 1;
		if (i >= p->n_items)
			return false;
		if (p->items[i].flags & TUI_PAGE_SELECTABLE) {
			int fr = first_row(p, i), lr = fr;

			p->sel = i;
			while (lr >= 0 && (size_t)lr + 1 < p->n_rows && selected(p, p->rows[lr + 1].item))
				lr++;
			if (lr - p->scroll >= p->r.h)
				p->scroll = lr - p->r.h + 1;
			if (fr >= 0 && fr < p->scroll)
				p->scroll = fr;
			return true;
		}
	}
}

enum tui_key_result
tui_page_key(struct tui_page *p, const struct cf_tui_key *k)
{
	int page = p->r.h > 1 ? p->r.h - 1 : 1;

	if ((!k->fn && k->code == '\t') || (k->fn && k->code == KEY_BTAB)) {
		(void)select_step(p, k->fn ? -1 : 1); /* at the last (first) entry the selection stays */
		return TUI_KEY_HANDLED;
	}
	if (!k->fn && k->code == ' ') {
		p->scroll += page;
	} else if (k->fn) {
		switch (k->code) {
		case KEY_UP: p->scroll--; break;
		case KEY_DOWN: p->scroll++; break;
		case KEY_PPAGE: p->scroll -= page; break;
		case KEY_NPAGE: p->scroll += page; break;
		case KEY_HOME: p->scroll = 0; break;
		case KEY_END: p->scroll = max_scroll(p); break;
		default: return TUI_KEY_UNHANDLED;
		}
	} else {
		return TUI_KEY_UNHANDLED;
	}
	if (p->scroll > max_scroll(p))
		p->scroll = max_scroll(p);
	if (p->scroll < 0)
		p->scroll = 0;
	return TUI_KEY_HANDLED;
}

bool
tui_page_selected(const struct tui_page *p, int64_t *ref)
{
	if (!p || p->sel == SIZE_MAX || p->sel >= p->n_items)
		return false;
	*ref = p->items[p->sel].ref;
	return true;
}

bool
tui_page_select_ref(struct tui_page *p, int64_t ref)
{
	for (size_t i = 0; p && i < p->n_items; i++)
		if ((p->items[i].flags & TUI_PAGE_SELECTABLE) && p->items[i].ref == ref) {
			p->sel = i;
			return true;
		}
	if (p)
		p->sel = SIZE_MAX;
	return false;
}
