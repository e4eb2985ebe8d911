/* SPDX-License-Identifier: GPL-3.0-or-later */
/* List widget: heading, rows laid out in columns by display width, selection, scrolling. */
#include <stdlib.h>

#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-frame.h"
#include "tui-widgets.h"

/* Left edge of each column: one blank column between visible neighbours. */
static void
column_x(const int *widths, size_t ncols, int x0, int *xs)
{
	int x = x0;

	for (size_t c = 0; c < ncols; c++) {
		if (c > 0 && widths[c] > 0)
			x++;
		xs[c] = x;
		x += widths[c];
	}
}

void
tui_widget_list_draw(struct cf_tui_list *list, const struct cf_tui_column *cols, size_t ncols,
                     tui_list_cell_fn *cell, void *ctx, const struct cf_rect *r, const char *empty)
{
	int *widths, *xs;
	size_t top;
	int body;

	if (r->w < 1 || r->h < 1 || ncols == 0)
		return;
	widths = calloc(ncols, sizeof *widths);
	xs = calloc(ncols, sizeof *xs);
	if (!widths || !xs) {
		free(widths);
		free(xs);
		return;
	}
	tui_list_columns(cols, ncols, r->w, widths);
	column_x(widths, ncols, r->x, xs);
	for (size_t c = 0; c < ncols; c++)
		tui_draw_text(r->y, xs[c], widths[c], _(cols[c].title), TUI_ROLE_TITLE, cols[c].align);
	body = r->h - 1;
	if (tui_list_count(list) == 0 && body > 0)
		tui_draw_text(r->y + 1, r->x, r->w, empty, TUI_ROLE_HINT, TEXT_LEFT);
	top = tui_list_scroll(list, body);
	for (int i = 0; i < body && top + (size_t)i < tui_list_count(list); i++) {
		size_t vis = top + (size_t)i, row = tui_list_row(list, vis);
		enum tui_role role = vis == tui_list_selection(list) ? TUI_ROLE_SELECTED : TUI_ROLE_NORMAL;

		tui_draw_text(r->y + 1 + i, r->x, r->w, "", role, TEXT_LEFT);
		/* cell() may reuse one buffer: use each text before asking for the next */
		for (size_t c = 0; c < ncols; c++)
			tui_draw_text(r->y + 1 + i, xs[c], widths[c], cell(ctx, row, c), role, cols[c].align);
	}
	free(widths);
	free(xs);
}

enum tui_key_result
tui_widget_list_key(struct cf_tui_list *list, const struct cf_tui_key *k, int height)
{
	if (!k->fn)
		return TUI_KEY_UNHANDLED;
	switch (k->code) {
	case KEY_UP: tui_list_move(list, -1); break;
	case KEY_DOWN: tui_list_move(list, 1); break;
	case KEY_PPAGE: tui_list_move(list, -(long)(height > 1 ? height : 1)); break;
	case KEY_NPAGE: tui_list_move(list, height > 1 ? height : 1); break;
	case KEY_HOME: tui_list_jump(list, true); break;
	case KEY_END: tui_list_jump(list, false); break;
	default: return TUI_KEY_UNHANDLED;
	}
	return TUI_KEY_HANDLED;
}

/* Applies the editor's text as the list's filter. */
static void
filter_apply(struct cf_tui_filter *f, struct cf_tui_list *list)
{
	size_t need = tui_edit_utf8(f->ed, NULL, 0);
	char *text = malloc(need + 1);

	if (!text)
		return;
	tui_edit_utf8(f->ed, text, need + 1);
	tui_list_set_filter(list, text);
	free(text);
}

enum tui_key_result
tui_widget_filter_key(struct cf_tui_filter *f, struct cf_tui_list *list, const struct cf_tui_key *k)
{
	if (!f->active) {
		if (k->fn || k->code != '/')
			return TUI_KEY_UNHANDLED;
		if (!f->ed && !(f->ed = tui_edit_new(false, 200, NULL)))
			return TUI_KEY_HANDLED;
		f->active = true;
		return TUI_KEY_HANDLED;
	}
	if (!k->fn && k->code == 27) {
		tui_edit_clear(f->ed);
		tui_list_set_filter(list, NULL);
		f->active = false;
		return TUI_KEY_HANDLED;
	}
	if (tui_key_is_enter(k)) {
		f->active = false;
		return TUI_KEY_HANDLED;
	}
	if (k->fn && (k->code == KEY_UP || k->code == KEY_DOWN || k->code == KEY_PPAGE ||
	              k->code == KEY_NPAGE))
		return TUI_KEY_UNHANDLED; /* the list moves while the filter is open */
	if (tui_widget_edit_key(f->ed, k) == TUI_KEY_HANDLED) {
		filter_apply(f, list);
		return TUI_KEY_HANDLED;
	}
	/* F1 and Ctrl-L still reach the frame; nothing else leaks out as a command */
	if ((k->fn && k->code == KEY_F(1)) || (!k->fn && k->code == TUI_CTRL('L')))
		return TUI_KEY_UNHANDLED;
	return TUI_KEY_HANDLED;
}

bool
tui_widget_filter_visible(const struct cf_tui_filter *f)
{
	size_t len = 0;

	if (f->active)
		return true;
	if (f->ed)
		tui_edit_wtext(f->ed, &len);
	return len > 0;
}

void
tui_widget_filter_draw(struct cf_tui_filter *f, const struct cf_rect *r, struct cf_tui *tui)
{
	struct cf_rect text = { r->x + 2, r->y, r->w - 2, 1 };

	if (r->w < 3 || r->h < 1 || !f->ed)
		return;
	tui_draw_text(r->y, r->x, 2, "/", TUI_ROLE_TITLE, TEXT_LEFT);
	tui_widget_edit_draw(f->ed, &text, f->active, tui);
}

void
tui_widget_filter_fini(struct cf_tui_filter *f)
{
	tui_edit_free(&f->ed);
	f->active = false;
}
