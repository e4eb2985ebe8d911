/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Today, the start screen: what needs attention (empty until the case file lands). */
#include <stdlib.h>

#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-screens.h"
#include "tui-widgets.h"

struct today {
	struct cf_tui_list *list; /* rows come from the case file later; none yet */
	struct cf_tui_filter filter;
	struct cf_rect title, intro, table, filter_line;
	bool open; /* a case file is unlocked: set by the unlock hook, cleared by lock */
};

static const struct cf_tui_column today_columns[] = {
	/* TRANSLATORS: column headings of the Today list. */
	{ N_("Due"), 10, 0, TEXT_LEFT },
	{ N_("Student"), 12, 1, TEXT_LEFT },
	{ N_("What needs attention"), 20, 3, TEXT_LEFT },
};

static const char *
today_cell(void *ctx, size_t row, size_t col)
{
	(void)ctx;
	(void)row;
	(void)col;
	return "";
}

static int
today_init(struct cf_screen *s, void *arg)
{
	struct today *t = calloc(1, sizeof *t);

	(void)arg;
	if (!t)
		return CF_ERR_NOMEM;
	t->list = tui_list_new(0, NULL, NULL, NULL);
	if (!t->list) {
		free(t);
		return CF_ERR_NOMEM;
	}
	s->priv = t;
	return CF_OK;
}

static void
today_free(struct cf_screen *s)
{
	struct today *t = s->priv;

	if (!t)
		return;
	tui_list_free(&t->list);
	tui_widget_filter_fini(&t->filter);
	free(t);
	s->priv = NULL;
}

static void
today_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct today *t = s->priv;
	int intro_h = compact ? 3 : 4;

	t->title = (struct cf_rect){ area->x + 2, area->y, area->w - 4, 1 };
	t->intro = (struct cf_rect){ area->x + 2, area->y + 2, area->w - 4, intro_h };
	t->table = (struct cf_rect){ area->x + 2, area->y + 2 + intro_h, area->w - 4,
	                             area->h - 3 - intro_h };
	if (t->table.h < 0)
		t->table.h = 0;
	t->filter_line = (struct cf_rect){ area->x + 2, area->y + area->h - 1, area->w - 4, 1 };
}

static void
today_draw(struct cf_screen *s)
{
	struct today *t = s->priv;

	tui_draw_text(t->title.y, t->title.x, t->title.w, _("Today"), TUI_ROLE_TITLE, TEXT_LEFT);
	tui_draw_paragraph(&t->intro, 0,
	                   _("What needs attention today: overdue alert actions, follow-ups due, "
	                     "notes waiting for co-signature and referrals without a reply."),
	                   TUI_ROLE_NORMAL);
	tui_widget_list_draw(t->list, today_columns, sizeof today_columns / sizeof today_columns[0],
	                     today_cell, NULL, &t->table,
	                     t->open ? _("Nothing needs attention today.")
	                             : _("Nothing needs attention: no case file is open yet."));
	if (tui_widget_filter_visible(&t->filter))
		tui_widget_filter_draw(&t->filter, &t->filter_line, s->tui);
}

static void
today_lock(struct cf_screen *s)
{
	((struct today *)s->priv)->open = false;
}

static int
today_unlock(struct cf_screen *s)
{
	((struct today *)s->priv)->open = tui_casefile(s->tui) != NULL;
	return CF_OK;
}

static enum tui_key_result
today_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct today *t = s->priv;
	enum tui_key_result r = tui_widget_filter_key(&t->filter, t->list, k);

	if (r != TUI_KEY_UNHANDLED)
		return r;
	return tui_widget_list_key(t->list, k, t->table.h - 1);
}

static const struct cf_tui_keyhelp today_keys[] = {
	/* TRANSLATORS: hint label, at most 8 columns. */
	{ "/", N_("Filter the list; Enter keeps the filter, Esc clears it"), N_("Filter") },
	{ "Up/Down", N_("Move the selection"), NULL },
	{ NULL, NULL, NULL },
};

const struct cf_screen_ops tui_screen_today = {
	.name = "today",
	/* TRANSLATORS: screen titles in the header line: at most 16 columns. */
	.title = N_("Today"),
	.keys = today_keys,
	.init = today_init,
	.free = today_free,
	.layout = today_layout,
	.draw = today_draw,
	.key = today_key,
	.lock = today_lock,
	.unlock = today_unlock,
};
