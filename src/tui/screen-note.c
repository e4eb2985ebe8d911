/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Scratch note dialog: the multi-line editor on its own, text kept in memory only and wiped on close. */
#include <stdio.h>
#include <stdlib.h>

#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-screens.h"
#include "tui-widgets.h"

/* Large enough for any session note; the note editor of the case-file work uses its own bound. */
#define NOTE_MAX_CHARS 100000

struct note {
	struct cf_tui_edit *ed;
	struct cf_rect box, text;
	int info_y;
};

static void *
note_secure_alloc(size_t n)
{
	return crypto_secure_alloc(n);
}

/*
 * The note text lives in secure memory (never swapped, wiped when freed): it
 * survives a lock so nothing typed is lost, and the lock screen covers it
 * (a non-dialog screen on top, so this draw is not called while locked).
 */
static const struct cf_tui_edit_alloc note_alloc = { note_secure_alloc, crypto_secure_free };

static int
note_init(struct cf_screen *s, void *arg)
{
	struct note *n = calloc(1, sizeof *n);

	(void)arg;
	if (!n)
		return CF_ERR_NOMEM;
	n->ed = tui_edit_new(true, NOTE_MAX_CHARS, &note_alloc);
	if (!n->ed) {
		free(n);
		return CF_ERR_NOMEM;
	}
	s->priv = n;
	return CF_OK;
}

static void
note_free(struct cf_screen *s)
{
	struct note *n = s->priv;

	if (!n)
		return;
	tui_edit_free(&n->ed); /* wipes the text */
	free(n);
	s->priv = NULL;
}

static void
note_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct note *n = s->priv;

	n->box = tui_rect_center(area, compact ? area->w : 76, area->h);
	n->text = (struct cf_rect){ n->box.x + 2, n->box.y + 1, n->box.w - 4, n->box.h - 4 };
	if (n->text.w < 0)
		n->text.w = 0;
	if (n->text.h < 0)
		n->text.h = 0;
	n->info_y = n->box.y + n->box.h - 2;
	tui_edit_set_view(n->ed, n->text.w > 0 ? n->text.w : 1, n->text.h > 0 ? n->text.h : 1);
}

static void
note_draw(struct cf_screen *s)
{
	struct note *n = s->priv;
	size_t len;
	char info[160];

	tui_draw_box(&n->box, _("Scratch note (not saved)"));
	tui_edit_wtext(n->ed, &len);
	snprintf(info, sizeof info, P_("%zu character. Esc closes and discards it.",
	                               "%zu characters. Esc closes and discards them.", len), len);
	tui_draw_text(n->info_y, n->box.x + 2, n->box.w - 4, info, TUI_ROLE_HINT, TEXT_LEFT);
	tui_widget_edit_draw(n->ed, &n->text, true, s->tui);
}

static enum tui_key_result
note_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct note *n = s->priv;

	if (!k->fn && k->code == 27)
		return TUI_KEY_CLOSE;
	return tui_widget_edit_key(n->ed, k);
}

static const struct cf_tui_keyhelp note_keys[] = {
	/* TRANSLATORS: hint label, at most 8 columns. */
	{ "Esc", N_("Close and discard the scratch note"), N_("Close") },
	{ "Enter", N_("New line"), NULL },
	{ "Left/Right", N_("Move by one character"), NULL },
	{ "Up/Down", N_("Move by one line"), NULL },
	{ "Home/End", N_("Start or end of the line"), NULL },
	{ "PgUp/PgDn", N_("Move by one page"), NULL },
	{ "Backspace", N_("Delete the character before the cursor"), NULL },
	{ "Del", N_("Delete the character at the cursor"), NULL },
	{ NULL, NULL, NULL },
};

const struct cf_screen_ops tui_screen_note = {
	.name = "note",
	.title = N_("Scratch note"),
	.keys = note_keys,
	.flags = TUI_SCREEN_DIALOG,
	.init = note_init,
	.free = note_free,
	.layout = note_layout,
	.draw = note_draw,
	.key = note_key,
};
