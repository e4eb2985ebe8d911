/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Widgets: the curses side (drawing, key mapping) of the editor and list logic. */
#ifndef CAREFILE_TUI_WIDGETS_H
#define CAREFILE_TUI_WIDGETS_H

#include "carefile/tui_edit.h"
#include "carefile/tui_list.h"
#include "tui-curses.h"

/* Ctrl-<letter> as wget_wch returns it. */
#define TUI_CTRL(c) ((wint_t)((c) & 0x1f))

/* Backspace arrives as KEY_BACKSPACE, DEL (127) or Ctrl-H (8) depending on the terminal. */
bool tui_key_is_backspace(const struct cf_tui_key *k);

/* Enter arrives as CR, LF or KEY_ENTER. */
bool tui_key_is_enter(const struct cf_tui_key *k);

/*
 * Applies an editing key to ed: printable characters (including Chinese
 * from an input method and pasted text), Backspace and Delete (a whole
 * character), arrows, Home/End (also Ctrl-A/Ctrl-E), PgUp/PgDn, and Enter
 * as a line break in a text area. Returns TUI_KEY_HANDLED, or
 * TUI_KEY_UNHANDLED for keys the editor does not use (Esc, F-keys, Enter in a
 * single-line editor, other control keys) so the caller can act on them.
 */
enum tui_key_result tui_widget_edit_key(struct cf_tui_edit *ed, const struct cf_tui_key *k);

/*
 * Draws ed inside r (a text area wraps, a single-line editor scrolls) and,
 * when focused, puts the terminal cursor at the insertion point. Sets the
 * editor's view size to r first.
 */
void tui_widget_edit_draw(struct cf_tui_edit *ed, const struct cf_rect *r, bool focused, struct cf_tui *tui);

/* The UTF-8 text of cell (row, col) for drawing; borrowed until the next call. */
typedef const char *tui_list_cell_fn(void *ctx, size_t row, size_t col);

/*
 * Draws a list in r: a heading line with the column titles (translated),
 * then the visible rows from the list's scroll position, the selection in
 * the selected role. empty (UTF-8) is shown when no row passes the filter.
 */
void tui_widget_list_draw(struct cf_tui_list *list, const struct cf_tui_column *cols, size_t ncols,
                          tui_list_cell_fn *cell, void *ctx, const struct cf_rect *r, const char *empty);

/* Up/Down/PgUp/PgDn/Home/End on a list in a view of height rows; TUI_KEY_UNHANDLED for other keys. */
enum tui_key_result tui_widget_list_key(struct cf_tui_list *list, const struct cf_tui_key *k, int height);

/*
 * The incremental filter of a list: '/' opens a one-line editor, each key
 * filters again, Enter keeps the filter and returns to the list, Esc clears
 * it. Embed one per filtered list; tui_widget_filter_fini() wipes it.
 */
struct cf_tui_filter {
	struct cf_tui_edit *ed; /* created on first use */
	bool active;            /* the editor has the keys */
};

/* Handles k for the filter of list; TUI_KEY_UNHANDLED when the filter is closed and k is not '/'. */
enum tui_key_result tui_widget_filter_key(struct cf_tui_filter *f, struct cf_tui_list *list,
                                          const struct cf_tui_key *k);

/* True when the filter line should be shown (open, or a filter is set). */
bool tui_widget_filter_visible(const struct cf_tui_filter *f);

/* Draws "/ text" in r (one row), with the cursor when the filter is open. */
void tui_widget_filter_draw(struct cf_tui_filter *f, const struct cf_rect *r, struct cf_tui *tui);

/* Frees the filter's editor (wiping its text). */
void tui_widget_filter_fini(struct cf_tui_filter *f);

#endif
