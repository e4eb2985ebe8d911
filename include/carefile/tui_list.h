/* SPDX-License-Identifier: GPL-3.0-or-later */
/* List logic: selection, scrolling, incremental filter, columns by display width. No curses. */
#ifndef CAREFILE_TUI_LIST_H
#define CAREFILE_TUI_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carefile/text.h"

/* A column of a list. Widths are display columns. */
struct cf_tui_column {
	const char *title;  /* N_() heading */
	int min_cols;       /* never narrower than this while the line has room */
	int weight;         /* share of the spare columns; 0: stays at min_cols */
	enum text_align align;
};

/*
 * Lays out n columns in total display columns with one blank column between
 * neighbours: each gets min_cols, the rest is shared by weight (the
 * remainder to the last weighted column). When total is too small, columns
 * from the right shrink to 0. widths receives n values that, with the
 * gaps, never exceed total (total < 0 counts as 0).
 */
void tui_list_columns(const struct cf_tui_column *cols, size_t n, int total, int *widths);

/*
 * Does row match the filter text? filter is UTF-8 and not empty. The
 * default (when a list has no match function) is a substring search in
 * row_text() that ignores ASCII case.
 */
typedef bool tui_list_match_fn(void *ctx, size_t row, const char *filter);

/* The UTF-8 text of row for the default filter; borrowed until the next call. */
typedef const char *tui_list_text_fn(void *ctx, size_t row);

struct cf_tui_list;

/*
 * New list over nrows rows of a data source reached through ctx (borrowed;
 * the list keeps row indexes only). text is used by the default filter;
 * match, when not NULL, replaces it. Returns NULL when out of memory.
 * Caller frees with tui_list_free().
 */
struct cf_tui_list *tui_list_new(size_t nrows, tui_list_text_fn *text, tui_list_match_fn *match, void *ctx);

/* The record id of data row `row` (for keeping the selection across reloads). */
typedef int64_t tui_list_id_fn(void *ctx, size_t row);

/*
 * Lets the list keep its selection by record id: tui_list_selected_id()
 * before the data changes, tui_list_select_id() after tui_list_set_rows().
 * id is called with ctx (borrowed).
 */
void tui_list_set_id_fn(struct cf_tui_list *list, tui_list_id_fn *id, void *ctx);

/* Record id of the selection, or -1 when nothing is shown (or no id function). */
int64_t tui_list_selected_id(const struct cf_tui_list *list);

/* Selects the visible row with record id; false (selection unchanged) when it is not shown. */
bool tui_list_select_id(struct cf_tui_list *list, int64_t id);

/* Frees *list, sets it to NULL; NULL-safe. */
void tui_list_free(struct cf_tui_list **list);

/* The data changed to nrows rows: filter again; the selection stays on the same visible position, clamped. Returns enum cf_error. */
int tui_list_set_rows(struct cf_tui_list *list, size_t nrows);

/* Sets the filter (UTF-8, copied; NULL or "" shows all rows) and selects the first match. Returns enum cf_error. */
int tui_list_set_filter(struct cf_tui_list *list, const char *filter);

/* Number of rows that pass the filter. */
size_t tui_list_count(const struct cf_tui_list *list);

/* Data row index of visible row i (i < tui_list_count()). */
size_t tui_list_row(const struct cf_tui_list *list, size_t i);

/* Visible index of the selection; meaningless when the count is 0. */
size_t tui_list_selection(const struct cf_tui_list *list);

/* Data row index of the selection, or (size_t)-1 when nothing is shown. */
size_t tui_list_selected_row(const struct cf_tui_list *list);

/* Moves the selection by delta visible rows, clamped to the list. */
void tui_list_move(struct cf_tui_list *list, long delta);

/* Selects the first (top true) or last row. */
void tui_list_jump(struct cf_tui_list *list, bool top);

/*
 * First visible row to draw in a view of height rows so that the selection
 * is in it; keeps the previous scroll when possible.
 */
size_t tui_list_scroll(struct cf_tui_list *list, int height);

#endif
