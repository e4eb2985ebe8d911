/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every screen's ops table, and the hooks the case-file work fills in. */
#ifndef CAREFILE_TUI_SCREENS_H
#define CAREFILE_TUI_SCREENS_H

#include "carefile/options.h"
#include "carefile/tui_screen.h"

/*
 * Adding a screen (e.g. the real Students screen):
 *  1. Write src/tui/screen-students.c defining
 *       const struct cf_screen_ops tui_screen_students = { .name = "students",
 *         .title = N_("Students"), .keys = students_keys, .init, .free,
 *         .layout, .draw, .key, .lock, .unlock, .changed };
 *     (designated initializers, always) init loads data into s->priv
 *     (through core), layout computes
 *     rectangles from the area it gets (pure), draw only draws s->priv with
 *     tui_draw_text()/widgets, key returns TUI_KEY_HANDLED, _UNHANDLED (the
 *     frame then handles help, lock, navigation and q) or _CLOSE.
 *  2. Add the file to cf_tui_src in src/tui/meson.build, and remove its
 *     entry from screen-placeholder.c.
 *  3. A main screen gets its key in nav_keys[] and tui_global_keys[]
 *     (tui.c), the man page KEYS section and README.md; a dialog sets
 *     TUI_SCREEN_DIALOG and is opened with tui_push(s->tui, &ops, arg).
 *  4. Add render cases in tests/render/cases.txt and run
 *     tests/render/update-goldens; translations go to po/.
 */

/* Main screens, reached by one key each (see tui.c, nav_keys[]). */
extern const struct cf_screen_ops tui_screen_today;
extern const struct cf_screen_ops tui_screen_students;
extern const struct cf_screen_ops tui_screen_sessions;
extern const struct cf_screen_ops tui_screen_alerts;
extern const struct cf_screen_ops tui_screen_referrals;
extern const struct cf_screen_ops tui_screen_hotline;
extern const struct cf_screen_ops tui_screen_review;
extern const struct cf_screen_ops tui_screen_reports;

/* Dialogs and overlays. */
extern const struct cf_screen_ops tui_screen_help;
extern const struct cf_screen_ops tui_screen_note; /* scratch note editor (not saved) */
/*
 * Roster import with a preview (src/tui/screen-import.c), opened from the
 * Students list with key i. arg: the list's struct tui_students *
 * (tui-students.h, borrowed: the plan uses its index), or NULL (the screen
 * loads its own). After an import it calls tui_records_changed().
 */
extern const struct cf_screen_ops tui_screen_import;

/*
 * Session hooks (src/tui/session.c), the seam for the case-file work.
 *
 * tui_session_open() runs after the terminal is set up and Today is on the
 * stack, before the first draw: it opens the case file (-f, else the
 * default path) and pushes the unlock screen, the first-run guide or a
 * full-screen open error over Today (tui-session.h). Returns enum cf_error;
 * an error ends tui_main with cf_exit_code() of it after the terminal is
 * restored.
 *
 * tui_session_lock() runs on Ctrl-L, on idle time-out, and on SIGHUP and
 * SIGTERM before the exit: every screen's lock op, casefile_lock(), screen
 * and scrollback cleared, then the lock screen on top of the stack (the
 * screens below stay, and get their unlock op when the same user unlocks).
 *
 * tui_session_close() runs once before the terminal is restored: lock ops
 * when still unlocked, then casefile_close().
 */
int tui_session_open(struct cf_tui *tui, const struct cf_options *opts);
void tui_session_lock(struct cf_tui *tui);
void tui_session_close(struct cf_tui *tui);

#endif
