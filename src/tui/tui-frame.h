/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Frame services for screens that draw: where the terminal cursor goes. */
#ifndef CAREFILE_TUI_FRAME_H
#define CAREFILE_TUI_FRAME_H

#include <stdbool.h>

#include "carefile/tui_screen.h"

/*
 * Places the visible terminal cursor at (y, x) after this draw pass (for
 * editors); without a call in the topmost screen's draw the cursor is hidden.
 * tui may be NULL (nothing happens).
 */
void tui_cursor(struct cf_tui *tui, int y, int x);

/*
 * Ends the interface after the current key (as q on Today); the process
 * exits with cf_exit_code(err) (err: enum cf_error, CF_OK for 0).
 */
void tui_quit(struct cf_tui *tui, int err);

/*
 * Draws the whole frame now, for a "please wait" message before a blocking
 * step (the ~1 s key derivation) inside a key function.
 */
void tui_redraw_now(struct cf_tui *tui);

/* Calls ops->lock of every screen on the stack, top first. */
void tui_screens_lock(struct cf_tui *tui);

/* Calls ops->unlock of every screen on the stack, bottom first; the first error goes to the status line. */
void tui_screens_unlock(struct cf_tui *tui);

/*
 * Idle time after which the frame calls tui_session_lock(): seconds > 0, or
 * 0 for never. Counted from the last key, or from this call if later.
 */
void tui_set_idle_lock(struct cf_tui *tui, int seconds);

/* True when drawing into the invisible headless terminal (tests). */
bool tui_headless(const struct cf_tui *tui);

#endif
