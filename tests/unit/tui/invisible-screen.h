/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test fixture: an invisible curses screen (newterm on /dev/null) and its rows read back as text. */
#ifndef CAREFILE_TEST_INVISIBLE_SCREEN_H
#define CAREFILE_TEST_INVISIBLE_SCREEN_H

/*
 * Sets LC_ALL=C.UTF-8 and opens a curses screen of rows x cols writing to
 * /dev/null. Returns 0, or -1 (cmocka group setup failure).
 */
int invisible_screen_open(int rows, int cols);

/* Ends curses and closes the streams. Returns 0. */
int invisible_screen_close(void);

/*
 * Row y of stdscr as UTF-8 (wide characters counted once), trailing spaces
 * removed. Static buffer, overwritten by the next call: test-only.
 */
const char *invisible_screen_row(int y);

#endif
