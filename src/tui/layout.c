/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pure layout of the frame: full, compact or too small, from the terminal size. */
#include "carefile/tui_layout.h"

static struct cf_rect
rect(int x, int y, int w, int h)
{
	struct cf_rect r = { x, y, w < 0 ? 0 : w, h < 0 ? 0 : h };

	return r;
}

struct cf_tui_layout
tui_layout_compute(int cols, int rows)
{
	struct cf_tui_layout l;

	if (cols < 0)
		cols = 0;
	if (rows < 0)
		rows = 0;
	l.cols = cols;
	l.rows = rows;
	if (cols >= TUI_FULL_COLS && rows >= TUI_FULL_ROWS)
		l.mode = TUI_LAYOUT_FULL;
	else if (cols >= TUI_MIN_COLS && rows >= TUI_MIN_ROWS)
		l.mode = TUI_LAYOUT_COMPACT;
	else
		l.mode = TUI_LAYOUT_TOO_SMALL;

	if (l.mode == TUI_LAYOUT_TOO_SMALL) {
		l.header = l.status = l.hints = rect(0, 0, 0, 0);
		l.body = rect(0, 0, cols, rows);
		return l;
	}
	l.header = rect(0, 0, cols, 1);
	l.hints = rect(0, rows - 1, cols, 1);
	l.status = rect(0, rows - 2, cols, 1);
	/* The full layout leaves a blank line under the header. */
	if (l.mode == TUI_LAYOUT_FULL)
		l.body = rect(0, 2, cols, rows - 4);
	else
		l.body = rect(0, 1, cols, rows - 3);
	return l;
}

struct cf_rect
tui_rect_center(const struct cf_rect *area, int w, int h)
{
	if (w > area->w)
		w = area->w;
	if (h > area->h)
		h = area->h;
	if (w < 0)
		w = 0;
	if (h < 0)
		h = 0;
	return rect(area->x + (area->w - w) / 2, area->y + (area->h - h) / 2, w, h);
}
