/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A single-line passphrase field whose text lives only in secure memory and is drawn masked. */
#ifndef CAREFILE_TUI_SECRET_H
#define CAREFILE_TUI_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "carefile/tui_layout.h"
#include "carefile/tui_screen.h"

/*
 * The text is UTF-8 in one crypto_secure_alloc() buffer of max_bytes + 1
 * (NUL-terminated), wiped by clear and free. Characters are added at the
 * end only (no cursor movement: nothing to see to edit in the middle);
 * Backspace (KEY_BACKSPACE, 127 or 8) removes the whole last character,
 * Ctrl-U clears. Pasted text arrives as keys and is taken as typed.
 */
struct cf_tui_secret;

/* New empty field of at most max_bytes bytes. NULL when out of (secure) memory. Caller frees with tui_secret_free(). */
struct cf_tui_secret *tui_secret_new(size_t max_bytes);

/* Wipes and frees *s, sets it to NULL. NULL-safe. */
void tui_secret_free(struct cf_tui_secret **s);

/* Wipes the text. */
void tui_secret_clear(struct cf_tui_secret *s);

/* The text (NUL-terminated, secure memory) and its length in bytes; borrowed until the next change. */
const char *tui_secret_text(const struct cf_tui_secret *s, size_t *len);

/* Number of characters typed. */
size_t tui_secret_chars(const struct cf_tui_secret *s);

/*
 * Applies one key: printable characters are added, Backspace and Ctrl-U
 * edit; TUI_KEY_HANDLED, or TUI_KEY_UNHANDLED for Enter, Tab, Esc,
 * function keys and other control keys (the caller acts on them). A
 * character that does not fit is dropped (handled) and sets the full flag.
 */
enum tui_key_result tui_secret_key(struct cf_tui_secret *s, const struct cf_tui_key *k);

/* True once a character was dropped because the field was full (cleared by tui_secret_clear). */
bool tui_secret_full(const struct cf_tui_secret *s);

/*
 * Draws the field in r (one row): one '*' per character, scrolled so the
 * end shows, in the selected role when focused, and places the cursor
 * after the last '*' when focused.
 */
void tui_secret_draw(const struct cf_tui_secret *s, const struct cf_rect *r, bool focused, struct cf_tui *tui);

#endif
