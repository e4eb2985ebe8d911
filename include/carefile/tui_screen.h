/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The screen stack of the TUI: one struct cf_screen_ops per screen (src/tui/screen-*.c). */
#ifndef CAREFILE_TUI_SCREEN_H
#define CAREFILE_TUI_SCREEN_H

#include <stdbool.h>
#include <wchar.h>

#include "carefile/tui_layout.h"

struct cf_tui;    /* the running frame (src/tui/tui.c); opaque to screens */
struct cf_screen; /* one instance on the stack */
struct cf_casefile; /* carefile/casefile.h */
struct cf_table;    /* carefile/record.h */

/*
 * One key press as wget_wch() reported it: fn is true for a function key
 * (code is a curses KEY_* value, e.g. KEY_F(1), KEY_RESIZE), false for a
 * character (code is the wide character; control keys are < 0x20).
 */
struct cf_tui_key {
	bool fn;
	wint_t code;
};

/* What a screen's key function did with a key. */
enum tui_key_result {
	TUI_KEY_UNHANDLED, /* the frame handles it: help, lock, navigation, q */
	TUI_KEY_HANDLED,   /* consumed; the frame redraws */
	TUI_KEY_CLOSE,     /* consumed; pop this screen (after key returns) */
};

/*
 * A key binding for the help overlay and the hint line. key is ASCII and never
 * translated ("n", "F1", "Ctrl-L"); help is an N_() text for the help
 * overlay; hint is an N_() label of at most 8 columns in any language for
 * the bottom line, or NULL to keep the binding out of the hint line.
 * Tables end with an entry whose key is NULL.
 */
struct cf_tui_keyhelp {
	const char *key;
	const char *help;
	const char *hint;
};

/* Flags of a struct cf_screen_ops. */
#define TUI_SCREEN_DIALOG 0x1u /* drawn over the screen below; navigation keys off; q/Esc close */
#define TUI_SCREEN_MODAL 0x2u  /* takes every key itself (unlock, lock): the hint line shows only its keys */

/*
 * One screen. A screen file (src/tui/screen-NAME.c) defines one const
 * struct cf_screen_ops and declares it in src/tui/tui-screens.h.
 * Call order: init once, then layout at least once before every draw
 * (again after each resize), draw any number of times, key for each key
 * press while the screen is on top, free once.
 */
struct cf_screen_ops {
	const char *name;  /* ASCII id for tests and logs: "today" */
	const char *title; /* N_() title for the header line; short (<= 16 columns in zh_CN) */
	const struct cf_tui_keyhelp *keys; /* this screen's own keys, or NULL */
	/*
	 * The keys this instance offers now, when they depend on its state (a
	 * role that may not add or import is offered no such key): the hint
	 * line and the help overlay use it instead of keys. Borrowed, static.
	 * May be NULL (keys is used).
	 */
	const struct cf_tui_keyhelp *(*keys_now)(const struct cf_screen *s);
	unsigned flags;    /* TUI_SCREEN_* */
	/*
	 * Allocates s->priv and loads what the screen shows (the only place,
	 * with an explicit refresh key, that may read data sources). arg is
	 * what tui_push() got. Returns enum cf_error; on error nothing is
	 * pushed and free is not called. May be NULL.
	 */
	int (*init)(struct cf_screen *s, void *arg);
	/* Releases s->priv (wiping anything sensitive). May be NULL. */
	void (*free)(struct cf_screen *s);
	/*
	 * Pure geometry: area is where the screen may draw (s->area is set to
	 * it before the call), compact is true in the 60x18..79x23 layout.
	 * May be NULL.
	 */
	void (*layout)(struct cf_screen *s, const struct cf_rect *area, bool compact);
	/* Draws inside s->area from s->priv only: no I/O, no data loading. */
	void (*draw)(struct cf_screen *s);
	/* Handles one key; may call tui_push(). May be NULL (all keys unhandled). */
	enum tui_key_result (*key)(struct cf_screen *s, const struct cf_tui_key *key);
	/*
	 * The case file is locking (lock key, idle time-out, SIGHUP, SIGTERM):
	 * called for every screen on the stack, top first, before the keys are
	 * wiped. Wipe everything decrypted the screen holds (lists, caches,
	 * records); draw is not called again until unlock. Text the user typed
	 * and must not lose (an editor) may stay, in secure memory
	 * (crypto_secure_alloc). May be NULL.
	 */
	void (*lock)(struct cf_screen *s);
	/*
	 * The case file was unlocked: called for every screen on the stack,
	 * bottom first, after each unlock (the first one too, so screens
	 * pushed before it, such as Today, load their data; after a lock, to
	 * reload what lock wiped). tui_casefile() is unlocked. Returns enum
	 * cf_error; an error is shown on the status line and the screen stays
	 * (it should draw an empty state). May be NULL.
	 */
	int (*unlock)(struct cf_screen *s);
	/*
	 * Records of `table` changed (a save, an archive, an import, by any
	 * screen on the stack): reload or filter again what the screen shows,
	 * keeping its selection by record id. Called for every screen on the
	 * stack, bottom first, by tui_records_changed() (the refresh op). Returns enum cf_error
	 * (shown on the status line). May be NULL.
	 */
	int (*changed)(struct cf_screen *s, const struct cf_table *table);
};

/* An instance on the stack; owned by the frame. */
struct cf_screen {
	const struct cf_screen_ops *ops;
	struct cf_tui *tui; /* the frame; borrowed */
	void *priv;         /* the screen's own state; freed by ops->free */
	struct cf_rect area;
	bool compact;
};

/* The keys s offers now: ops->keys_now(s) when set, else ops->keys (NULL for none). Borrowed. */
const struct cf_tui_keyhelp *tui_screen_keys(const struct cf_screen *s);

/*
 * Pushes a new instance of ops on top of the stack, calls ops->init(s, arg)
 * and ops->layout. arg is borrowed by init. Returns enum cf_error
 * (CF_ERR_NOMEM, CF_ERR_FAIL when the stack is full, or init's error).
 */
int tui_push(struct cf_tui *tui, const struct cf_screen_ops *ops, void *arg);

/*
 * Shows msg (UTF-8, copied) on the status line until the next key press.
 * error selects the error colour. msg NULL clears it.
 */
void tui_status(struct cf_tui *tui, const char *msg, bool error);

/*
 * The open case file while it is unlocked, or NULL (no case file, not yet
 * unlocked, or locked). Borrowed: do not keep it past the screen's lock op.
 * Implemented in src/tui/session.c.
 */
struct cf_casefile *tui_casefile(struct cf_tui *tui);

/*
 * Tells every screen on the stack that records of table changed (their
 * refresh op, bottom first), instead of callbacks between screens. The
 * first error goes to the status line.
 */
void tui_records_changed(struct cf_tui *tui, const struct cf_table *table);

/* Header fields, borrowed while the frame runs: case file name, user, lock state. */
void tui_set_header(struct cf_tui *tui, const char *casefile_name, const char *user, bool locked);

#endif
