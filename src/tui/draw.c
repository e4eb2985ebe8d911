/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drawing helpers shared by screens and widgets: colour roles, width-safe text, boxes, paragraphs. */
#include <stdlib.h>
#include <string.h>

#include "tui-curses.h"

/* Colour pair and monochrome attribute of each role; colours are never black on the default background. */
struct role_style {
	short fg, bg;   /* -1: terminal default (use_default_colors) */
	attr_t color_attr; /* added to the colour pair */
	attr_t mono;    /* used alone without colours */
};

static struct role_style styles[TUI_ROLE__COUNT] = {
	[TUI_ROLE_NORMAL]      = { -1, -1, A_NORMAL, A_NORMAL },
	[TUI_ROLE_SELECTED]    = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[TUI_ROLE_HEADER]      = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
	[TUI_ROLE_HINT]        = { -1, -1, A_NORMAL, A_NORMAL },
	[TUI_ROLE_HINT_KEY]    = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[TUI_ROLE_TITLE]       = { -1, -1, A_BOLD, A_BOLD },
	[TUI_ROLE_OVERDUE]     = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[TUI_ROLE_RISK_RED]    = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
	[TUI_ROLE_RISK_ORANGE] = { COLOR_RED, -1, A_NORMAL, A_BOLD },
	[TUI_ROLE_RISK_YELLOW] = { COLOR_YELLOW, -1, A_NORMAL, A_UNDERLINE },
	[TUI_ROLE_STATUS]      = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[TUI_ROLE_ERROR]       = { COLOR_RED, -1, A_BOLD, A_BOLD },
};

static bool use_colors;

bool
tui_colors_init(void)
{
	const char *no_color = getenv("NO_COLOR");
	bool defaults;

	use_colors = false;
	if ((no_color && *no_color) || !has_colors() || start_color() == ERR)
		return false;
	defaults = use_default_colors() == OK;
	/* Orange where the terminal has 256 colours (xterm colour 208). */
	if (COLORS >= 256)
		styles[TUI_ROLE_RISK_ORANGE].fg = 208;
	for (int r = 0; r < TUI_ROLE__COUNT; r++) {
		short fg = styles[r].fg, bg = styles[r].bg;

		if (!defaults) {
			/* Without default colours, -1 is not allowed: white on black is the classic default. */
			if (fg < 0)
				fg = COLOR_WHITE;
			if (bg < 0)
				bg = COLOR_BLACK;
		}
		if (init_pair((short)(r + 1), fg, bg) == ERR)
			return false;
	}
	use_colors = true;
	return true;
}

attr_t
tui_role_attr(enum tui_role role)
{
	if (role < 0 || role >= TUI_ROLE__COUNT)
		role = TUI_ROLE_NORMAL;
	if (!use_colors)
		return styles[role].mono;
	if (role == TUI_ROLE_NORMAL)
		return A_NORMAL;
	return (attr_t)COLOR_PAIR(role + 1) | styles[role].color_attr;
}

static void
put_wide(int y, int x, const wchar_t *ws, enum tui_role role)
{
	attr_t a = tui_role_attr(role);

	attrset(a);
	mvaddwstr(y, x, ws);
	attrset(A_NORMAL);
}

void
tui_draw_text(int y, int x, int cols, const char *text, enum tui_role role,
              enum text_align align)
{
	wchar_t *buf;
	size_t len;

	if (cols <= 0 || y < 0 || x < 0)
		return;
	len = 3 * (size_t)cols + 1;
	buf = calloc(len, sizeof *buf);
	if (!buf)
		return;
	text_fit_w(buf, len, text ? text : "", text ? strlen(text) : 0, cols, align);
	put_wide(y, x, buf, role);
	free(buf);
}

void
tui_draw_wtext(int y, int x, int cols, const wchar_t *text, size_t n, enum tui_role role,
               enum text_align align)
{
	wchar_t *buf;
	size_t len;

	if (cols <= 0 || y < 0 || x < 0)
		return;
	len = 3 * (size_t)cols + 1;
	buf = calloc(len, sizeof *buf);
	if (!buf)
		return;
	text_fit_ws(buf, len, text, n, cols, align);
	put_wide(y, x, buf, role);
	free(buf);
}

void
tui_fill(const struct cf_rect *r, enum tui_role role)
{
	for (int i = 0; i < r->h; i++)
		tui_draw_text(r->y + i, r->x, r->w, "", role, TEXT_LEFT);
}

static bool ascii_borders;

void
tui_set_ascii_borders(bool on)
{
	ascii_borders = on;
}

void
tui_draw_box(const struct cf_rect *r, const char *title)
{
	struct cf_rect inner = { r->x + 1, r->y + 1, r->w - 2, r->h - 2 };

	if (r->w < 2 || r->h < 2)
		return;
	if (ascii_borders) {
		mvaddch(r->y, r->x, '+');
		mvaddch(r->y, r->x + r->w - 1, '+');
		mvaddch(r->y + r->h - 1, r->x, '+');
		mvaddch(r->y + r->h - 1, r->x + r->w - 1, '+');
		mvhline(r->y, r->x + 1, '-', r->w - 2);
		mvhline(r->y + r->h - 1, r->x + 1, '-', r->w - 2);
		mvvline(r->y + 1, r->x, '|', r->h - 2);
		mvvline(r->y + 1, r->x + r->w - 1, '|', r->h - 2);
	} else {
		/* ncursesw's WACS_* map to ASCII when the terminal has no line drawing. */
		mvadd_wch(r->y, r->x, WACS_ULCORNER);
		mvadd_wch(r->y, r->x + r->w - 1, WACS_URCORNER);
		mvadd_wch(r->y + r->h - 1, r->x, WACS_LLCORNER);
		mvadd_wch(r->y + r->h - 1, r->x + r->w - 1, WACS_LRCORNER);
		mvhline_set(r->y, r->x + 1, WACS_HLINE, r->w - 2);
		mvhline_set(r->y + r->h - 1, r->x + 1, WACS_HLINE, r->w - 2);
		mvvline_set(r->y + 1, r->x, WACS_VLINE, r->h - 2);
		mvvline_set(r->y + 1, r->x + r->w - 1, WACS_VLINE, r->h - 2);
	}
	if (inner.w > 0 && inner.h > 0)
		tui_fill(&inner, TUI_ROLE_NORMAL);
	if (title && *title && r->w > 6) {
		int tw = text_width(title, strlen(title));

		if (tw > r->w - 6)
			tw = r->w - 6;
		mvaddch(r->y, r->x + 2, ' ');
		tui_draw_text(r->y, r->x + 3, tw, title, TUI_ROLE_TITLE, TEXT_LEFT);
		mvaddch(r->y, r->x + 3 + tw, ' ');
	}
}

int
tui_draw_paragraph(const struct cf_rect *r, int first_row, const char *text, enum tui_role role)
{
	size_t len = text ? strlen(text) : 0, pos = 0;
	int row = first_row;

	while (pos < len && row < r->h) {
		size_t n = text_wrap(text + pos, len - pos, r->w);

		if (n == 0)
			break;
		{
			char *line = strndup(text + pos, n);

			if (line) {
				/* drop the trailing space or newline the wrap ended on */
				size_t l = strlen(line);

				while (l > 0 && (line[l - 1] == ' ' || line[l - 1] == '\n'))
					line[--l] = '\0';
				tui_draw_text(r->y + row, r->x, r->w, line, role, TEXT_LEFT);
				free(line);
			}
		}
		pos += n;
		row++;
	}
	return row - first_row;
}
