/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Form widget: labelled fields laid out one under the other, scrolled to the focus, errors under their field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-form.h"
#include "tui-frame.h"

/* Widest editor, in columns: wider fields are hard to read. */
#define EDIT_MAX_COLS 46

/* Rows the error message of fl takes when wrapped at w columns (at most 3). */
static int
error_rows(const struct tui_form_field *fl, int w)
{
	size_t len = strlen(fl->error), pos = 0;
	int rows = 0;

	if (w < 1)
		w = 1;
	while (pos < len && rows < 3) {
		size_t n = text_wrap(fl->error + pos, len - pos, w);

		if (n == 0)
			break;
		pos += n;
		rows++;
	}
	return rows;
}

static int
field_rows(const struct tui_form *f, size_t i)
{
	const struct tui_form_field *fl = &f->fields[i];
	int rows = 1;

	if (fl->hidden)
		return 0;
	if (fl->kind == TUI_FORM_AREA)
		rows = fl->rows > 0 ? fl->rows : 1;
	else if (fl->kind == TUI_FORM_FLAGS && f->focus == i)
		rows = 1 + (int)fl->n_options;
	return rows + (fl->error[0] ? error_rows(fl, f->value_w) : 0);
}

static int
label_width(const struct tui_form *f, int avail)
{
	int w = 0;

	for (size_t i = 0; i < f->n; i++) {
		int lw = text_width(f->fields[i].label, strlen(f->fields[i].label));

		if (!f->fields[i].hidden && lw > w)
			w = lw;
	}
	/* even: with the form at an even column, Chinese text in the editors starts on an even column */
	w += w % 2;
	if (w > avail / 3)
		w = avail / 3 - (avail / 3) % 2;
	return w;
}

/* Draws a CHOICE value: every option inline when they fit, else "< option >". */
static void
draw_choice(const struct tui_form_field *fl, int y, int x, int w, bool focused)
{
	int need = 0;

	for (size_t i = 0; i < fl->n_options; i++)
		need += 2 + text_width(fl->options[i], strlen(fl->options[i])) + 2;
	if (need <= w) {
		for (size_t i = 0; i < fl->n_options; i++) {
			char buf[256];
			int bw;

			snprintf(buf, sizeof buf, "%zu %s", i + 1, fl->options[i]);
			bw = text_width(buf, strlen(buf));
			tui_draw_text(y, x, bw, buf,
			              i == fl->choice ? (focused ? TUI_ROLE_SELECTED : TUI_ROLE_TITLE) : TUI_ROLE_HINT,
			              TEXT_LEFT);
			x += bw + 2;
		}
		return;
	}
	{
		char buf[512];

		snprintf(buf, sizeof buf, "< %s >", fl->choice < fl->n_options ? fl->options[fl->choice] : "");
		tui_draw_text(y, x, w, buf, focused ? TUI_ROLE_SELECTED : TUI_ROLE_NORMAL, TEXT_LEFT);
	}
}

/* The set flags joined by ", ", or the "none" text. */
static void
draw_flags_line(const struct tui_form_field *fl, int y, int x, int w)
{
	char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < fl->n_options && n < sizeof buf; i++)
		if (fl->flags & (1u << i)) {
			int r = snprintf(buf + n, sizeof buf - n, "%s%s", n ? ", " : "", fl->options[i]);

			if (r > 0)
				n += (size_t)r;
		}
	if (n == 0)
		tui_draw_text(y, x, w, _("none"), TUI_ROLE_HINT, TEXT_LEFT);
	else
		tui_draw_text(y, x, w, buf, TUI_ROLE_NORMAL, TEXT_LEFT);
}

/* Draws field i with its first row at y (rows before r's top are skipped). */
static void
draw_field(struct tui_form *f, size_t i, const struct cf_rect *r, int y, int lw, struct cf_tui *tui)
{
	struct tui_form_field *fl = &f->fields[i];
	bool focused = f->focus == i;
	int vx = r->x + 2 + lw + 1, vw = r->x + r->w - vx;
	int erows = fl->error[0] ? error_rows(fl, f->value_w) : 0;
	int rows = field_rows(f, i) - erows;
	int ew = vw - 2 < EDIT_MAX_COLS ? vw - 2 : EDIT_MAX_COLS;
	bool inside = y >= r->y && y + rows <= r->y + r->h;

	if (vw < 4 || ew < 1)
		return;
	if (y >= r->y && y < r->y + r->h) {
		if (focused)
			tui_draw_text(y, r->x, 2, ">", TUI_ROLE_TITLE, TEXT_LEFT);
		tui_draw_text(y, r->x + 2, lw, fl->label, focused ? TUI_ROLE_TITLE : TUI_ROLE_NORMAL, TEXT_LEFT);
	}
	switch (fl->kind) {
	case TUI_FORM_TEXT:
	case TUI_FORM_AREA:
		if (!inside)
			break; /* an editor is drawn whole or not at all (its cursor must be on screen) */
		for (int k = 0; k < rows; k++) {
			tui_draw_text(y + k, vx, 1, "[", TUI_ROLE_HINT, TEXT_LEFT);
			tui_draw_text(y + k, vx + 1 + ew, 1, "]", TUI_ROLE_HINT, TEXT_LEFT);
		}
		{
			struct cf_rect er = { vx + 1, y, ew, rows };
			size_t len = 0;

			tui_widget_edit_draw(fl->ed, &er, focused, tui);
			tui_edit_wtext(fl->ed, &len);
			if (len == 0 && fl->hint && fl->kind == TUI_FORM_TEXT)
				tui_draw_text(y, vx + 1, ew, fl->hint, TUI_ROLE_HINT, TEXT_LEFT);
		}
		break;
	case TUI_FORM_CHOICE:
		if (y >= r->y && y < r->y + r->h)
			draw_choice(fl, y, vx, vw, focused);
		break;
	case TUI_FORM_LABEL:
		if (y >= r->y && y < r->y + r->h)
			tui_draw_text(y, vx + 1, vw - 1, fl->text && *fl->text ? fl->text : "-", TUI_ROLE_NORMAL, TEXT_LEFT);
		break;
	case TUI_FORM_FLAGS:
		if (y >= r->y && y < r->y + r->h)
			draw_flags_line(fl, y, vx, vw);
		if (focused)
			for (size_t o = 0; o < fl->n_options; o++) {
				int yy = y + 1 + (int)o;
				char buf[256];

				if (yy < r->y || yy >= r->y + r->h)
					continue;
				snprintf(buf, sizeof buf, "[%c] %zu %s", fl->flags & (1u << o) ? 'x' : ' ', o + 1,
				         fl->options[o]);
				tui_draw_text(yy, vx, vw, buf, TUI_ROLE_NORMAL, TEXT_LEFT);
			}
		break;
	}
	if (fl->error[0]) {
		size_t len = strlen(fl->error), pos = 0;

		for (int k = 0; k < erows && pos < len; k++) {
			int yy = y + rows + k;
			size_t n = text_wrap(fl->error + pos, len - pos, vw);
			char line[sizeof fl->error];

			memcpy(line, fl->error + pos, n);
			line[n] = '\0';
			if (yy >= r->y && yy < r->y + r->h)
				tui_draw_text(yy, vx, vw, line, TUI_ROLE_ERROR, TEXT_LEFT);
			crypto_wipe(line, sizeof line);
			pos += n;
		}
	}
}

void
tui_form_draw(struct tui_form *f, const struct cf_rect *r, struct cf_tui *tui)
{
	int lw, top = 0, ftop = 0, fbottom = 0, y;

	if (r->w < 8 || r->h < 1 || f->n == 0)
		return;
	lw = label_width(f, r->w - 3);
	f->value_w = r->x + r->w - (r->x + 2 + lw + 1);
	for (size_t i = 0; i < f->n; i++) {
		if (i == f->focus) {
			ftop = top;
			fbottom = top + field_rows(f, i);
		}
		top += field_rows(f, i);
	}
	/* the focused field and its message in view; its first row wins when it is taller than the view */
	if (fbottom - f->scroll > r->h)
		f->scroll = fbottom - r->h;
	if (ftop < f->scroll)
		f->scroll = ftop;
	/* no empty rows below the last field when the form shrank (a message went away) */
	if (f->scroll > top - r->h)
		f->scroll = top - r->h;
	if (f->scroll < 0)
		f->scroll = 0;
	y = r->y - f->scroll;
	for (size_t i = 0; i < f->n; i++) {
		int h = field_rows(f, i);

		if (h > 0 && y + h > r->y && y < r->y + r->h)
			draw_field(f, i, r, y, lw, tui);
		y += h;
	}
}

static void
focus_move(struct tui_form *f, int dir)
{
	size_t i = f->focus;

	for (;;) {
		if (dir < 0 && i == 0)
			return;
		if (dir > 0 && i + 1 >= f->n)
			return;
		i = dir < 0 ? i - 1 : i + 1;
		if (!f->fields[i].hidden && f->fields[i].kind != TUI_FORM_LABEL) {
			f->focus = i;
			return;
		}
	}
}

enum tui_key_result
tui_form_key(struct tui_form *f, const struct cf_tui_key *k)
{
	struct tui_form_field *fl;

	if (f->n == 0)
		return TUI_KEY_UNHANDLED;
	fl = &f->fields[f->focus];
	if ((!k->fn && k->code == '\t') || (k->fn && k->code == KEY_BTAB)) {
		focus_move(f, k->fn ? -1 : 1);
		return TUI_KEY_HANDLED;
	}
	if (fl->kind == TUI_FORM_AREA && k->fn && (k->code == KEY_UP || k->code == KEY_DOWN)) {
		size_t line;
		int col;

		tui_edit_cursor_pos(fl->ed, &line, &col);
		if (k->code == KEY_UP && line == 0) {
			focus_move(f, -1);
			return TUI_KEY_HANDLED;
		}
		if (k->code == KEY_DOWN && line + 1 >= tui_edit_line_count(fl->ed)) {
			focus_move(f, 1);
			return TUI_KEY_HANDLED;
		}
		return tui_widget_edit_key(fl->ed, k);
	}
	if (k->fn && (k->code == KEY_UP || k->code == KEY_DOWN)) {
		focus_move(f, k->code == KEY_UP ? -1 : 1);
		return TUI_KEY_HANDLED;
	}
	switch (fl->kind) {
	case TUI_FORM_TEXT:
		if (tui_key_is_enter(k)) {
			focus_move(f, 1);
			return TUI_KEY_HANDLED;
		}
		/* fall through */
	case TUI_FORM_AREA: {
		size_t before = 0, after = 0;
		enum tui_key_result r;

		tui_edit_wtext(fl->ed, &before);
		r = tui_widget_edit_key(fl->ed, k);
		tui_edit_wtext(fl->ed, &after);
		/* a change of length or any printable key counts as an edit */
		if (r == TUI_KEY_HANDLED && (before != after || (!k->fn && k->code >= 0x20)))
			f->dirty = true;
		return r;
	}
	case TUI_FORM_CHOICE:
		if (tui_key_is_enter(k)) {
			focus_move(f, 1);
			return TUI_KEY_HANDLED;
		}
		if (fl->n_options == 0)
			return TUI_KEY_UNHANDLED;
		if ((k->fn && k->code == KEY_RIGHT) || (!k->fn && k->code == ' ')) {
			fl->choice = (fl->choice + 1) % fl->n_options;
			f->dirty = true;
			return TUI_KEY_HANDLED;
		}
		if (k->fn && k->code == KEY_LEFT) {
			fl->choice = (fl->choice + fl->n_options - 1) % fl->n_options;
			f->dirty = true;
			return TUI_KEY_HANDLED;
		}
		if (!k->fn && k->code >= '1' && k->code <= '9' && (size_t)(k->code - '1') < fl->n_options) {
			fl->choice = (size_t)(k->code - '1');
			f->dirty = true;
			return TUI_KEY_HANDLED;
		}
		break;
	case TUI_FORM_LABEL:
		break;
	case TUI_FORM_FLAGS:
		if (tui_key_is_enter(k)) {
			focus_move(f, 1);
			return TUI_KEY_HANDLED;
		}
		if (!k->fn && k->code >= '1' && k->code <= '9' && (size_t)(k->code - '1') < fl->n_options) {
			fl->flags ^= 1u << (k->code - '1');
			f->dirty = true;
			return TUI_KEY_HANDLED;
		}
		break;
	}
	/* printable keys never leak out of a form as commands */
	if (!k->fn && k->code >= 0x20 && k->code != 0x7f)
		return TUI_KEY_HANDLED;
	return TUI_KEY_UNHANDLED;
}

/* ASCII space, tab, newline and the ideographic space U+3000 (E3 80 80). */
static size_t
space_len(const char *s, size_t len)
{
	if (len >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r'))
		return 1;
	if (len >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
		return 3;
	return 0;
}

char *
tui_form_text(const struct tui_form_field *fl, int *err)
{
	size_t need, start = 0, end;
	char *buf;

	*err = CF_OK;
	if (!fl->ed)
		return NULL;
	need = tui_edit_utf8(fl->ed, NULL, 0);
	buf = crypto_secure_alloc(need + 1);
	if (!buf) {
		*err = CF_ERR_NOMEM;
		return NULL;
	}
	tui_edit_utf8(fl->ed, buf, need + 1);
	end = strlen(buf);
	for (size_t n; start < end && (n = space_len(buf + start, end - start)); start += n)
		;
	while (end > start) {
		if (buf[end - 1] == ' ' || buf[end - 1] == '\t' || buf[end - 1] == '\n' || buf[end - 1] == '\r')
			end--;
		else if (end - start >= 3 && space_len(buf + end - 3, 3) == 3)
			end -= 3;
		else
			break;
	}
	if (end == start) {
		crypto_secure_free(buf);
		return NULL;
	}
	memmove(buf, buf + start, end - start);
	memset(buf + (end - start), 0, need + 1 - (end - start));
	return buf;
}

int
tui_form_set_text(struct tui_form_field *fl, const char *s)
{
	if (!fl->ed)
		return CF_ERR_INVALID;
	tui_edit_clear(fl->ed);
	if (s && *s) {
		return tui_edit_insert_utf8(fl->ed, s, strlen(s));
	}
	return CF_OK;
}

void
tui_form_clear_errors(struct tui_form *f)
{
	for (size_t i = 0; i < f->n; i++)
		f->fields[i].error[0] = '\0';
}

bool
tui_form_focus_error(struct tui_form *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->fields[i].error[0] && !f->fields[i].hidden) {
			f->focus = i;
			return true;
		}
	return false;
}

void
tui_form_fini(struct tui_form *f)
{
	for (size_t i = 0; i < f->n; i++)
		tui_edit_free(&f->fields[i].ed);
}
