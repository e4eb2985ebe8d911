/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Editing logic of the single-line editor and the multi-line text area: buffer, cursor, wrap. No curses. */
#ifndef CAREFILE_TUI_EDIT_H
#define CAREFILE_TUI_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/*
 * Text is kept as wide characters. A "character" for the cursor and for
 * deletion is a base character with the zero-width marks after it (so a
 * combining accent goes with its letter). Columns are display columns
 * (text_wcwidth: Chinese characters take 2). The multi-line area wraps
 * at the view width between characters (Chinese has no spaces to break at);
 * the single-line editor scrolls sideways instead.
 */
struct cf_tui_edit;

/*
 * Optional allocator for the text (for session notes: the crypto layer's
 * secure memory). The buffer is always wiped before it is released or
 * moved, whichever allocator is used. alloc returns zeroed or unzeroed
 * memory of n bytes or NULL; release frees it.
 */
struct cf_tui_edit_alloc {
	void *(*alloc)(size_t n);
	void (*release)(void *p);
};

/* Cursor movements. Up/down and page keep the column the cursor was in (the goal column). */
enum tui_edit_move {
	TUI_EDIT_LEFT,
	TUI_EDIT_RIGHT,
	TUI_EDIT_UP,
	TUI_EDIT_DOWN,
	TUI_EDIT_HOME,      /* start of the visual line */
	TUI_EDIT_END,       /* end of the visual line */
	TUI_EDIT_PAGE_UP,   /* up by the view height */
	TUI_EDIT_PAGE_DOWN, /* down by the view height */
	TUI_EDIT_TOP,       /* start of the text */
	TUI_EDIT_BOTTOM,    /* end of the text */
};

/*
 * New empty editor. multiline selects the text area (newlines allowed,
 * wrapping); max_chars bounds the length in wide characters (0: 1,000,000).
 * alloc may be NULL (malloc/free); it is copied. Returns NULL when out of
 * memory. Caller frees with tui_edit_free().
 */
struct cf_tui_edit *tui_edit_new(bool multiline, size_t max_chars, const struct cf_tui_edit_alloc *alloc);

/* Wipes and frees *ed and sets *ed to NULL; NULL-safe. */
void tui_edit_free(struct cf_tui_edit **ed);

/*
 * Sets the view size in columns and rows (for wrapping, scrolling and
 * paging); values < 1 count as 1. A single-line editor ignores rows.
 */
void tui_edit_set_view(struct cf_tui_edit *ed, int cols, int rows);

/*
 * Inserts wc at the cursor and moves the cursor after it. TAB becomes a
 * space; CR and LF become a line break in the text area. Returns CF_OK,
 * CF_ERR_INVALID for a control character, a line break in the single-line
 * editor, or when the text is at max_chars, CF_ERR_NOMEM.
 */
int tui_edit_insert(struct cf_tui_edit *ed, wchar_t wc);

/*
 * Inserts at most len bytes of UTF-8 (invalid bytes become U+FFFD; control
 * characters are skipped). Returns CF_OK, or the first error of
 * tui_edit_insert() other than CF_ERR_INVALID for a skipped character.
 */
int tui_edit_insert_utf8(struct cf_tui_edit *ed, const char *s, size_t len);

/* Deletes the whole character before the cursor; false when at the start. */
bool tui_edit_backspace(struct cf_tui_edit *ed);

/* Deletes the whole character at the cursor; false when at the end. */
bool tui_edit_delete(struct cf_tui_edit *ed);

/* Moves the cursor. */
void tui_edit_move(struct cf_tui_edit *ed, enum tui_edit_move m);

/* Removes all text (wiping it). */
void tui_edit_clear(struct cf_tui_edit *ed);

/* The text: *len wide characters, not NUL-terminated. Borrowed until the next change. */
const wchar_t *tui_edit_wtext(const struct cf_tui_edit *ed, size_t *len);

/* True for the multi-line text area, false for the single-line editor. */
bool tui_edit_multiline(const struct cf_tui_edit *ed);

/* Cursor position as an index into the text (0..len). */
size_t tui_edit_cursor(const struct cf_tui_edit *ed);

/*
 * Writes the text as UTF-8 into dst (dst_size bytes, NUL-terminated when
 * dst_size > 0). Returns the number of bytes the whole text needs, without
 * the NUL (as snprintf); dst holds whole characters only.
 */
size_t tui_edit_utf8(const struct cf_tui_edit *ed, char *dst, size_t dst_size);

/* Number of visual lines at the view width (>= 1; one for the single-line editor). */
size_t tui_edit_line_count(struct cf_tui_edit *ed);

/*
 * Visual line i: the text between *start and *end (indexes; a line break
 * that ends the line is not included).
 */
void tui_edit_line(struct cf_tui_edit *ed, size_t i, size_t *start, size_t *end);

/*
 * The cursor's visual line and column. After a character that fills a line
 * exactly, the cursor is at column 0 of the line below (which may be one
 * past the last line).
 */
void tui_edit_cursor_pos(struct cf_tui_edit *ed, size_t *line, int *col);

/*
 * First visual line to show so that the cursor is in view (text area), or
 * the first column to show (single-line editor); updated on every call from
 * the previous value, so the view scrolls only when the cursor leaves it.
 */
size_t tui_edit_scroll(struct cf_tui_edit *ed);

#endif
