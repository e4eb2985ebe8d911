/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A form of labelled fields (text, text area, choice, flags) with a validation message under each field. */
#ifndef CAREFILE_TUI_FORM_H
#define CAREFILE_TUI_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui-widgets.h"

enum tui_form_kind {
	TUI_FORM_TEXT,   /* single-line editor */
	TUI_FORM_AREA,   /* multi-line editor of `rows` rows */
	TUI_FORM_CHOICE, /* one of n_options, changed with Left/Right/Space or the digits 1-9 */
	TUI_FORM_FLAGS,  /* bits toggled with the digits 1-n_options */
	TUI_FORM_LABEL,  /* a value shown, never focused (read-only fields) */
};

struct tui_form_field {
	enum tui_form_kind kind;
	char label[96];             /* translated label (UTF-8) */
	struct cf_tui_edit *ed;     /* TEXT, AREA: owned, freed by tui_form_fini() */
	int rows;                   /* AREA: editor rows */
	const char *const *options; /* CHOICE, FLAGS: n_options display texts, borrowed */
	size_t n_options;
	size_t choice;              /* CHOICE */
	uint32_t flags;             /* FLAGS: bit i is options[i] */
	const char *hint;           /* greyed text after an empty TEXT field (e.g. the date format), or NULL */
	const char *text;           /* LABEL: the value shown (borrowed, the owner keeps it in secure memory) */
	char error[256];            /* validation message (UTF-8), "" when none */
	bool hidden;
};

/*
 * The form. Allocate it (and the fields) in secure memory when the texts
 * are sensitive; the editors use the allocator they were created with.
 */
struct tui_form {
	struct tui_form_field *fields; /* borrowed array of n */
	size_t n;
	size_t focus;
	int scroll;  /* first form row shown */
	bool dirty;  /* a field was changed by a key */
	int value_w; /* columns of a value at the last draw (wraps the messages) */
};

/* Draws the form in r and places the cursor in a focused editor. Adjusts the scroll so the focus shows. */
void tui_form_draw(struct tui_form *f, const struct cf_rect *r, struct cf_tui *tui);

/*
 * Handles a key: Tab/Shift-Tab, Up/Down (and Enter in a single-line field)
 * move between fields; the rest goes to the focused field. Returns
 * TUI_KEY_UNHANDLED for keys the form does not use (Esc, F-keys, Ctrl
 * keys other than editing ones) so the screen can act on them.
 */
enum tui_key_result tui_form_key(struct tui_form *f, const struct cf_tui_key *k);

/*
 * The trimmed text (ASCII and ideographic spaces removed at both ends) of a
 * TEXT or AREA field in secure memory, or NULL when empty (or out of
 * memory: *err CF_ERR_NOMEM). Caller frees with crypto_secure_free().
 */
char *tui_form_text(const struct tui_form_field *fl, int *err);

/* Replaces the text of a TEXT or AREA field with UTF-8 s (NULL: empty). Returns enum cf_error. */
int tui_form_set_text(struct tui_form_field *fl, const char *s);

/* Clears every error message. */
void tui_form_clear_errors(struct tui_form *f);

/* Moves the focus to the first field with an error; false when there is none. */
bool tui_form_focus_error(struct tui_form *f);

/* Frees every editor (wiping its text). */
void tui_form_fini(struct tui_form *f);

#endif
