/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Help overlay (F1, ?): the keys of the screen below it and the keys that work everywhere. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/error.h"
#include "carefile/i18n.h"
#include "carefile/text.h"
#include "tui-curses.h"
#include "tui-screens.h"

struct help {
	const struct cf_screen *below; /* borrowed: stays on the stack under the overlay */
	struct cf_rect box;
	int scroll;
	int lines;              /* rows of content after wrapping, for the current layout */
	struct help_line *line; /* lines of content, rebuilt by layout */
};

/* One row of content: a section title (key NULL) or a key and its help. */
struct help_row {
	const char *key;
	const char *text;
};

/* One display line: a title, or a key (empty on continuation lines) and a piece of its help. */
struct help_line {
	const char *key;  /* NULL: title line */
	const char *text; /* borrowed from the translated tables */
	size_t len;       /* bytes of text on this line */
};

#define HELP_KEY_W 12

/* Fills rows (may be NULL to count) and returns the count. */
static int
help_rows(const struct help *h, struct help_row *rows)
{
	int n = 0;
	const struct cf_tui_keyhelp *k = tui_screen_keys(h->below);

	if (k && k->key) {
		if (rows)
			rows[n] = (struct help_row){ NULL, _(h->below->ops->title) };
		n++;
		for (; k->key; k++, n++)
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

/*
 * Wraps every help text to text_w columns (long English lines used to be cut
 * with the marker at 80 columns). Fills line (may be NULL to count) and
 * returns the number of display lines.
 */
static int
help_wrap(const struct help_row *rows, int n, int text_w, struct help_line *line)
{
	int count = 0;

	for (int i = 0; i < n; i++) {
		const char *p = rows[i].text;
		size_t rem = strlen(p);
		bool first = true;

		if (!rows[i].key || rem == 0 || text_w < 1) {
			if (line)
				line[count] = (struct help_line){ rows[i].key, p, rem };
			count++;
			continue;
		}
		while (rem > 0) {
			size_t l = text_wrap(p, rem, text_w), shown = l;

			while (shown > 0 && (p[shown - 1] == ' ' || p[shown - 1] == '\n'))
				shown--;
			if (line)
				line[count] = (struct help_line){ first ? rows[i].key : "", p, shown };
			count++;
			first = false;
			p += l;
			rem -= l;
		}
	}
	return count;
}

static int
help_init(struct cf_screen *s, void *arg)
{
	struct help *h = calloc(1, sizeof *h);

	if (!h)
		return CF_ERR_NOMEM;
	h->below = arg;
	s->priv = h;
	return CF_OK;
}

static void
help_free(struct cf_screen *s)
{
	struct help *h = s->priv;

	if (h)
		free(h->line);
	free(h);
	s->priv = NULL;
}

static void
help_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct help *h = s->priv;
	int n = help_rows(h, NULL), w = compact || area->w < 72 ? area->w : 72;
	struct help_row *rows = calloc((size_t)n, sizeof *rows);
	int text_w = w - 4 - HELP_KEY_W;

	free(h->line);
	h->line = NULL;
	h->lines = 0;
	if (rows) {
		help_rows(h, rows);
		h->lines = help_wrap(rows, n, text_w, NULL);
		h->line = calloc((size_t)h->lines, sizeof *h->line);
		if (h->line)
			help_wrap(rows, n, text_w, h->line);
		else
			h->lines = 0;
		free(rows);
	}
	h->box = tui_rect_center(area, w, h->lines + 2);
	if (h->scroll > h->lines - (h->box.h - 2))
		h->scroll = h->lines - (h->box.h - 2);
	if (h->scroll < 0)
		h->scroll = 0;
}

static void
help_draw(struct cf_screen *s)
{
	struct help *h = s->priv;
	char title[128], piece[1024];
	int inner_w = h->box.w - 4;

	snprintf(title, sizeof title, _("Help: %s"),
	         h->below ? _(h->below->ops->title) : "carefile");
	tui_draw_box(&h->box, title);
	for (int i = 0; i < h->box.h - 2 && h->scroll + i < h->lines; i++) {
		const struct help_line *r = &h->line[h->scroll + i];
		int y = h->box.y + 1 + i, x = h->box.x + 2;

		snprintf(piece, sizeof piece, "%.*s", (int)r->len, r->text);
		if (!r->key) {
			tui_draw_text(y, x, inner_w, piece, TUI_ROLE_TITLE, TEXT_LEFT);
			continue;
		}
		tui_draw_text(y, x, HELP_KEY_W, r->key, TUI_ROLE_NORMAL, TEXT_LEFT);
		tui_draw_text(y, x + HELP_KEY_W, inner_w - HELP_KEY_W, piece, TUI_ROLE_NORMAL, TEXT_LEFT);
	}
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
