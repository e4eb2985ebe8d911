/* SPDX-License-Identifier: GPL-3.0-or-later */
/* List logic: filtered row indexes, selection and scroll, column widths. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/error.h"
#include "carefile/tui_list.h"

struct cf_tui_list {
	size_t nrows;
	tui_list_text_fn *text;
	tui_list_match_fn *match;
	void *ctx;
	tui_list_id_fn *id;
	void *id_ctx;
	char *filter;
	size_t *visible;
	size_t count;
	size_t sel, scroll;
};

void
tui_list_columns(const struct cf_tui_column *cols, size_t n, int total, int *widths)
{
	int used = 0, weights = 0, spare, last_weighted = -1;

	if (total < 0)
		total = 0;
	for (size_t i = 0; i < n; i++) {
		int gap = i ? 1 : 0;
		int room = total - used - gap;
		int w = cols[i].min_cols < room ? cols[i].min_cols : room;

		if (w < 0)
			w = 0;
		widths[i] = w;
		used += w + (w > 0 ? gap : 0);
		if (cols[i].weight > 0) {
			weights += cols[i].weight;
			last_weighted = (int)i;
		}
	}
	spare = total - used;
	if (spare <= 0 || weights == 0)
		return;
	{
		int given = 0;

		for (size_t i = 0; i < n; i++)
			if (cols[i].weight > 0 && widths[i] > 0) {
				int add = (int)((long)spare * cols[i].weight / weights);

				widths[i] += add;
				given += add;
			}
		if (last_weighted >= 0 && widths[last_weighted] > 0)
			widths[last_weighted] += spare - given;
	}
}

/* Substring search ignoring ASCII case; bytes above 0x7f compare exactly. */
static bool
contains_icase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!hay)
		return false;
	for (; *hay; hay++) {
		size_t i = 0;

		while (i < n && hay[i] &&
		       tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

static int
refilter(struct cf_tui_list *list)
{
	size_t *v = NULL;

	if (list->nrows) {
		if (list->nrows > SIZE_MAX / sizeof *v)
			return CF_ERR_NOMEM;
		v = malloc(list->nrows * sizeof *v);
		if (!v)
			return CF_ERR_NOMEM;
	}
	list->count = 0;
	for (size_t r = 0; r < list->nrows; r++) {
		bool ok = true;

		if (list->filter && *list->filter) {
			if (list->match)
				ok = list->match(list->ctx, r, list->filter);
			else
				ok = list->text && contains_icase(list->text(list->ctx, r), list->filter);
		}
		if (ok)
			v[list->count++] = r;
	}
	free(list->visible);
	list->visible = v;
	if (list->sel >= list->count)
		list->sel = list->count ? list->count - 1 : 0;
	return CF_OK;
}

struct cf_tui_list *
tui_list_new(size_t nrows, tui_list_text_fn *text, tui_list_match_fn *match, void *ctx)
{
	struct cf_tui_list *list = calloc(1, sizeof *list);

	if (!list)
		return NULL;
	list->nrows = nrows;
	list->text = text;
	list->match = match;
	list->ctx = ctx;
	if (refilter(list) != CF_OK) {
		free(list);
		return NULL;
	}
	return list;
}

void
tui_list_free(struct cf_tui_list **list)
{
	if (!list || !*list)
		return;
	free((*list)->visible);
	free((*list)->filter);
	free(*list);
	*list = NULL;
}

int
tui_list_set_rows(struct cf_tui_list *list, size_t nrows)
{
	list->nrows = nrows;
	return refilter(list);
}

int
tui_list_set_filter(struct cf_tui_list *list, const char *filter)
{
	char *copy = NULL;

	if (filter && *filter) {
		copy = strdup(filter);
		if (!copy)
			return CF_ERR_NOMEM;
	}
	free(list->filter);
	list->filter = copy;
	list->sel = 0;
	list->scroll = 0;
	return refilter(list);
}

size_t
tui_list_count(const struct cf_tui_list *list)
{
	return list->count;
}

size_t
tui_list_row(const struct cf_tui_list *list, size_t i)
{
	return i < list->count ? list->visible[i] : (size_t)-1;
}

size_t
tui_list_selection(const struct cf_tui_list *list)
{
	return list->sel;
}

size_t
tui_list_selected_row(const struct cf_tui_list *list)
{
	return tui_list_row(list, list->sel);
}

void
tui_list_move(struct cf_tui_list *list, long delta)
{
	long s = (long)list->sel + delta;

	if (list->count == 0) {
		list->sel = 0;
		return;
	}
	if (s < 0)
		s = 0;
	if (s >= (long)list->count)
		s = (long)list->count - 1;
	list->sel = (size_t)s;
}

void
tui_list_jump(struct cf_tui_list *list, bool top)
{
	list->sel = top || list->count == 0 ? 0 : list->count - 1;
}

size_t
tui_list_scroll(struct cf_tui_list *list, int height)
{
	size_t h = height < 1 ? 1 : (size_t)height;

	if (list->sel < list->scroll)
		list->scroll = list->sel;
	else if (list->sel >= list->scroll + h)
		list->scroll = list->sel - h + 1;
	/* no empty rows at the bottom when the list could fill the view */
	if (list->count >= h && list->scroll > list->count - h)
		list->scroll = list->count - h;
	if (list->count < h)
		list->scroll = 0;
	return list->scroll;
}

void
tui_list_set_id_fn(struct cf_tui_list *list, tui_list_id_fn *id, void *ctx)
{
	list->id = id;
	list->id_ctx = ctx;
}

int64_t
tui_list_selected_id(const struct cf_tui_list *list)
{
	size_t row = tui_list_selected_row(list);

	if (!list->id || row == (size_t)-1)
		return -1;
	return list->id(list->id_ctx, row);
}

bool
tui_list_select_id(struct cf_tui_list *list, int64_t id)
{
	if (!list->id || id < 0)
		return false;
	for (size_t i = 0; i < list->count; i++)
		if (list->id(list->id_ctx, list->visible[i]) == id) {
			list->sel = i;
			return true;
		}
	return false;
}
