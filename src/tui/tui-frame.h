/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Frame services for screens that draw: where the terminal cursor goes. */
#ifndef CAREFILE_TUI_FRAME_H
#define CAREFILE_TUI_FRAME_H

#include "carefile/tui_screen.h"

/*
 * Places the visible terminal cursor at (y, x) after this draw pass (for
 * editors); without a call in the topmost screen's draw the cursor is hidden.
 * tui may be NULL (nothing happens).
 */
void tui_cursor(struct cf_tui *tui, int y, int x);

#endif
