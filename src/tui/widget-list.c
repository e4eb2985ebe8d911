/* SPDX-License-Identifier: GPL-3.0-or-later */
/* List widget: heading, rows laid out in columns by display width, selection, scrolling. */
#include <stdlib.h>

#include "carefile/i18n.h"
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
		tui_draw_text(r->y + 1, r->x, r->w, empty, TUI_ROLE_HINT, TUI_TEXT_LEFT);
	top = tui_list_scroll(list, body);
	for (int i = 0; i < body && top + (size_t)i < tui_list_count(list); i++) {
		size_t vis = top + (size_t)i, row = tui_list_row(list, vis);
		enum tui_role role = vis == tui_list_selection(list) ? TUI_ROLE_SELECTED : TUI_ROLE_NORMAL;

		tui_draw_text(r->y + 1 + i, r->x, r->w, "", role, TUI_TEXT_LEFT);
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
