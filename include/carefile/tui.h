/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entry point of the terminal user interface. */
#ifndef CAREFILE_TUI_H
#define CAREFILE_TUI_H

#include "carefile/options.h"

/*
 * Runs the TUI on the terminal until the user quits. Borrows opts.
 * Returns a process exit code (0; 2 when standard input is not a terminal or
 * TERM is unset or unknown, with a translated message on stderr; 21 after
 * Ctrl-C, SIGTERM or SIGHUP). Restores the terminal on every return path.
 * Today is the first screen; src/tui/session.c is where opening a case file
 * (opts->casefile) pushes the unlock screen.
 *
 * Headless rendering, for tests: with CAREFILE_HEADLESS=COLSxROWS the TUI
 * draws into an invisible xterm-256color terminal of that size (no tty
 * needed), plays the key script named by CAREFILE_KEYS (UTF-8 text typed as
 * is, line breaks ignored, <F1> <Esc> <Enter> <Tab> <BS> <DEL127> <Del>
 * <Up> <Down> <Left> <Right> <Home> <End> <PgUp> <PgDn> <Space> <lt> <C-x>
 * for special keys and <resize COLSxROWS>), then writes the final screen
 * as UTF-8 text, one line per row, to CAREFILE_DUMP (a file) or stdout.
 *
 * Case file: -f FILE, else the default path (config_default_casefile_path();
 * nothing there: the first-run guide). CAREFILE_NO_CASEFILE=1 (tests of the
 * frame and of screens that need no data) opens no case file at all.
 * Locking: Ctrl-L, idle time (--lock-after, else lock_after in the config
 * file, else 300 s), SIGHUP and SIGTERM (locked, then exit 21).
 */
int tui_main(const struct cf_options *opts);

/*
 * Lets the headless switches (CAREFILE_HEADLESS, CAREFILE_KEYS,
 * CAREFILE_DUMP above) take effect. Only the test binary carefile-render
 * (built from src/main.c with CF_TEST_HOOKS, never installed) calls it; the
 * installed carefile ignores those variables.
 */
void tui_enable_test_hooks(void);

#endif
