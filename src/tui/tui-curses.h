/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one place that includes curses (wide-character ncursesw); every src/tui file that draws includes this. */
#ifndef CAREFILE_TUI_CURSES_H
#define CAREFILE_TUI_CURSES_H

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include <stdbool.h>

#include "carefile/tui_screen.h"
#include "carefile/text.h"

/* Semantic colour roles; each has a colour pair and a monochrome attribute. */
enum tui_role {
	TUI_ROLE_NORMAL,
	TUI_ROLE_SELECTED,
	TUI_ROLE_HEADER,
	TUI_ROLE_HINT,
	TUI_ROLE_HINT_KEY,
	TUI_ROLE_TITLE,
	TUI_ROLE_OVERDUE,
	TUI_ROLE_RISK_RED,
	TUI_ROLE_RISK_ORANGE,
	TUI_ROLE_RISK_YELLOW,
	TUI_ROLE_STATUS,
	TUI_ROLE_ERROR,
	TUI_ROLE__COUNT
};

/*
 * Sets up colour pairs after newterm(). Colours are used only when the
 * terminal has them (has_colors()) and NO_COLOR is unset or empty; otherwise
 * every role maps to its monochrome attribute. Returns true when colours
 * are in use.
 */
bool tui_colors_init(void);

/* The curses attribute (colour pair and attributes) for role. */
attr_t tui_role_attr(enum tui_role role);

/*
 * Draws at most len bytes of UTF-8 text at (y, x) on stdscr, fitted to
 * exactly cols columns (text_fit_w: sanitized, padded, cut with the
 * ASCII marker) in role's attribute. Nothing is drawn when cols <= 0.
 */
void tui_draw_text(int y, int x, int cols, const char *text, enum tui_role role,
                   enum text_align align);

/* As tui_draw_text() for n wide characters (stops at L'\0'). */
void tui_draw_wtext(int y, int x, int cols, const wchar_t *text, size_t n, enum tui_role role,
                    enum text_align align);

/* Fills a rectangle with spaces in role's attribute. */
void tui_fill(const struct cf_rect *r, enum tui_role role);

/*
 * Draws a border around r (ACS line characters under ncursesw, '+', '-' and
 * '|' when the terminal cannot draw lines) with an optional UTF-8 title,
 * and clears the inside.
 */
void tui_draw_box(const struct cf_rect *r, const char *title);

/*
 * Draw boxes with ASCII '+', '-' and '|' instead of line characters, which
 * many zh_CN terminals draw two cells wide (East Asian Ambiguous width).
 * Set from the config file's ascii_borders.
 */
void tui_set_ascii_borders(bool on);

/*
 * Draws UTF-8 text as a paragraph wrapped by display width inside r,
 * starting at row offset first_row of r. Returns the number of rows used.
 */
int tui_draw_paragraph(const struct cf_rect *r, int first_row, const char *text, enum tui_role role);

/* The stack's screen below s, or NULL (for overlays that describe what they cover). */
struct cf_screen *tui_screen_below(const struct cf_screen *s);

/* Global keys (navigation, help, lock, quit) for the help overlay; ends with a NULL key. */
extern const struct cf_tui_keyhelp tui_global_keys[];

/* The global keys that work while a dialog is on top; ends with a NULL key. */
extern const struct cf_tui_keyhelp tui_dialog_keys[];

#endif
