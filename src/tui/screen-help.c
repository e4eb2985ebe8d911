/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Help overlay (F1, ?): the keys of the screen below it and the keys that work everywhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-curses.h"
#include "tui-screens.h"

struct help {
	const struct cf_screen *below; /* borrowed: stays on the stack under the overlay */
	struct cf_rect box;
	int scroll;
	int lines; /* rows of content */
};

/* One row of content: a section title (key NULL) or a key and its help. */
struct help_row {
	const char *key;
	const char *text;
};

/* Fills rows (may be NULL to count) and returns the count. */
static int
help_rows(const struct help *h, struct help_row *rows)
{
	int n = 0;
	const struct cf_tui_keyhelp *k;

	if (h->below && h->below->ops->keys && h->below->ops->keys[0].key) {
		if (rows)
			rows[n] = (struct help_row){ NULL, _(h->below->ops->title) };
		n++;
		for (k = h->below->ops->keys; k->key; k++, n++)
			if (rows)
				rows[n] = (struct help_row){ k->key, _(k->help) };
		if (rows)
			rows[n] = (struct help_row){ "", "" };
		n++;
	}
	if (rows)
		rows[n] = (struct help_row){ NULL, _("Everywhere") };
	n++;
	k = h->below && (h->below->ops->flags & TUI_SCREEN_DIALOG) ? tui_dialog_keys : tui_global_keys;
	for (; k->key; k++, n++)
		if (rows)
			rows[n] = (struct help_row){ k->key, _(k->help) };
	return n;
}

static int
help_init(struct cf_screen *s, void *arg)
{
	struct help *h = calloc(1, sizeof *h);

	if (!h)
		return CF_ERR_NOMEM;
	h->below = arg;
	h->lines = help_rows(h, NULL);
	s->priv = h;
	return CF_OK;
}

static void
help_free(struct cf_screen *s)
{
	free(s->priv);
	s->priv = NULL;
}

static void
help_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct help *h = s->priv;

	h->box = tui_rect_center(area, compact ? area->w : 72, h->lines + 2);
	if (h->scroll > h->lines - (h->box.h - 2))
		h->scroll = h->lines - (h->box.h - 2);
	if (h->scroll < 0)
		h->scroll = 0;
}

static void
help_draw(struct cf_screen *s)
{
	struct help *h = s->priv;
	struct help_row *rows = calloc((size_t)h->lines, sizeof *rows);
	char title[128];
	int inner_w = h->box.w - 4, key_w = 12;

	snprintf(title, sizeof title, _("Help: %s"),
	         h->below ? _(h->below->ops->title) : "carefile");
	tui_draw_box(&h->box, title);
	if (!rows)
		return;
	help_rows(h, rows);
	for (int i = 0; i < h->box.h - 2 && h->scroll + i < h->lines; i++) {
		const struct help_row *r = &rows[h->scroll + i];
		int y = h->box.y + 1 + i, x = h->box.x + 2;

		if (!r->key) {
			tui_draw_text(y, x, inner_w, r->text, TUI_ROLE_TITLE, TUI_TEXT_LEFT);
			continue;
		}
		tui_draw_text(y, x, key_w, r->key, TUI_ROLE_NORMAL, TUI_TEXT_LEFT);
		tui_draw_text(y, x + key_w, inner_w - key_w, r->text, TUI_ROLE_NORMAL, TUI_TEXT_LEFT);
	}
	free(rows);
}

static enum tui_key_result
help_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct help *h = s->priv;
	int page = h->box.h - 2;

	if (k->fn && (k->code == KEY_UP || k->code == KEY_DOWN || k->code == KEY_PPAGE ||
	              k->code == KEY_NPAGE)) {
		int step = k->code == KEY_UP ? -1 : k->code == KEY_DOWN ? 1 : k->code == KEY_PPAGE ? -page : page;

		h->scroll += step;
		if (h->scroll > h->lines - page)
			h->scroll = h->lines - page;
		if (h->scroll < 0)
			h->scroll = 0;
		return TUI_KEY_HANDLED;
	}
	if (!k->fn && k->code == ('L' & 0x1f))
		return TUI_KEY_UNHANDLED; /* lock works over the overlay */
	return TUI_KEY_CLOSE;
}

static const struct cf_tui_keyhelp help_keys[] = {
	/* TRANSLATORS: hint label, at most 8 columns. */
	{ "Up/Down", N_("Scroll"), N_("Scroll") },
	{ NULL, NULL, NULL },
};

const struct cf_screen_ops tui_screen_help = {
	.name = "help",
	.title = N_("Help"),
	.keys = help_keys,
	.flags = TUI_SCREEN_DIALOG,
	.init = help_init,
	.free = help_free,
	.layout = help_layout,
	.draw = help_draw,
	.key = help_key,
};
