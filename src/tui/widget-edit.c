/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Single-line editor and multi-line text area: key mapping and drawing (logic in edit.c). */
#include "carefile/error.h"
#include "tui-frame.h"
#include "tui-widgets.h"

bool
tui_key_is_backspace(const struct cf_tui_key *k)
{
	if (k->fn)
		return k->code == KEY_BACKSPACE;
	return k->code == 127 || k->code == 8;
}

bool
tui_key_is_enter(const struct cf_tui_key *k)
{
	if (k->fn)
		return k->code == KEY_ENTER;
	return k->code == '\r' || k->code == '\n';
}

enum tui_key_result
tui_widget_edit_key(struct cf_tui_edit *ed, const struct cf_tui_key *k)
{
	if (tui_key_is_backspace(k)) {
		tui_edit_backspace(ed);
		return TUI_KEY_HANDLED;
	}
	if (tui_key_is_enter(k))
		return tui_edit_insert(ed, L'\n') == CF_OK ? TUI_KEY_HANDLED : TUI_KEY_UNHANDLED;
	if (k->fn) {
		switch (k->code) {
		case KEY_DC: tui_edit_delete(ed); break;
		case KEY_LEFT: tui_edit_move(ed, TUI_EDIT_LEFT); break;
		case KEY_RIGHT: tui_edit_move(ed, TUI_EDIT_RIGHT); break;
		case KEY_UP: tui_edit_move(ed, TUI_EDIT_UP); break;
		case KEY_DOWN: tui_edit_move(ed, TUI_EDIT_DOWN); break;
		case KEY_HOME: tui_edit_move(ed, TUI_EDIT_HOME); break;
		case KEY_END: tui_edit_move(ed, TUI_EDIT_END); break;
		case KEY_PPAGE: tui_edit_move(ed, TUI_EDIT_PAGE_UP); break;
		case KEY_NPAGE: tui_edit_move(ed, TUI_EDIT_PAGE_DOWN); break;
		default: return TUI_KEY_UNHANDLED;
		}
		return TUI_KEY_HANDLED;
	}
	if (k->code == TUI_CTRL('A')) {
		tui_edit_move(ed, TUI_EDIT_HOME);
		return TUI_KEY_HANDLED;
	}
	if (k->code == TUI_CTRL('E')) {
		tui_edit_move(ed, TUI_EDIT_END);
		return TUI_KEY_HANDLED;
	}
	if (k->code == '\t') {
		tui_edit_insert(ed, L' ');
		return TUI_KEY_HANDLED;
	}
	if (k->code < 0x20 || k->code == 0x7f)
		return TUI_KEY_UNHANDLED;
	/* A full editor or an unprintable character: swallowed, never passed on as a command key. */
	tui_edit_insert(ed, (wchar_t)k->code);
	return TUI_KEY_HANDLED;
}

void
tui_widget_edit_draw(struct cf_tui_edit *ed, const struct cf_rect *r, bool focused, struct cf_tui *tui)
{
	size_t len, first, cline;
	const wchar_t *text = tui_edit_wtext(ed, &len);
	int ccol;
	bool multi;

	if (r->w < 1 || r->h < 1)
		return;
	tui_edit_set_view(ed, r->w, r->h);
	first = tui_edit_scroll(ed);
	tui_edit_cursor_pos(ed, &cline, &ccol);
	multi = tui_edit_multiline(ed);
	if (multi) {
		for (int i = 0; i < r->h; i++) {
			size_t start, end;

			if (first + (size_t)i >= tui_edit_line_count(ed)) {
				tui_draw_text(r->y + i, r->x, r->w, "", TUI_ROLE_NORMAL, TEXT_LEFT);
				continue;
			}
			tui_edit_line(ed, first + (size_t)i, &start, &end);
			tui_draw_wtext(r->y + i, r->x, r->w, text + start, end - start, TUI_ROLE_NORMAL,
			               TEXT_LEFT);
		}
		if (focused && cline >= first && cline < first + (size_t)r->h)
			tui_cursor(tui, r->y + (int)(cline - first), r->x + ccol);
		return;
	}
	/* single line: skip whole characters left of the scroll column, pad a straddling wide one */
	{
		size_t i = 0;
		int col = 0, pad = 0;

		while (i < len && col < (int)first) {
			int w = text_wcwidth(text[i]);

			if (col + w > (int)first) {
				pad = col + w - (int)first;
				col += w;
				i++;
				break;
			}
			col += w;
			i++;
		}
		while (i < len && text_wcwidth(text[i]) == 0)
			i++;
		tui_draw_text(r->y, r->x, pad, "", TUI_ROLE_NORMAL, TEXT_LEFT);
		tui_draw_wtext(r->y, r->x + pad, r->w - pad, text + i, len - i, TUI_ROLE_NORMAL,
		               TEXT_LEFT);
		if (focused)
			tui_cursor(tui, r->y, r->x + ccol - (int)first);
	}
}
