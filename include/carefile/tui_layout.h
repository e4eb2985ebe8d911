/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pure layout of the TUI frame from the terminal size: no curses, no state. */
#ifndef CAREFILE_TUI_LAYOUT_H
#define CAREFILE_TUI_LAYOUT_H

/* A rectangle in screen cells; x, y from the top left corner, w and h >= 0. */
struct cf_rect {
	int x, y, w, h;
};

/* Smallest sizes, in columns and rows, of the full and the compact layout. */
#define TUI_FULL_COLS 80
#define TUI_FULL_ROWS 24
#define TUI_MIN_COLS 60
#define TUI_MIN_ROWS 18

enum tui_layout_mode {
	TUI_LAYOUT_TOO_SMALL, /* below 60x18: only the "terminal too small" message */
	TUI_LAYOUT_COMPACT,   /* 60x18 up to 79 columns or 23 rows */
	TUI_LAYOUT_FULL,      /* 80x24 and above */
};

/*
 * The frame: header line on top, key-hint line at the bottom, a status line
 * above it, the screen's body between. In TUI_LAYOUT_TOO_SMALL only body is
 * used (it covers the whole terminal) and the other rectangles are empty.
 */
struct cf_tui_layout {
	enum tui_layout_mode mode;
	int cols, rows; /* the terminal size, clamped at 0 */
	struct cf_rect header, body, status, hints;
};

/*
 * Computes the layout for a terminal of cols x rows cells. Negative sizes
 * count as 0. Pure: same input, same output; safe to call on every
 * KEY_RESIZE.
 */
struct cf_tui_layout tui_layout_compute(int cols, int rows);

/*
 * A centred rectangle of at most w x h cells inside area (clamped to it,
 * never negative). For dialogs and overlays.
 */
struct cf_rect tui_rect_center(const struct cf_rect *area, int w, int h);

#endif
