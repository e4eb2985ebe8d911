/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entry point of the terminal user interface. */
#ifndef CAREFILE_TUI_H
#define CAREFILE_TUI_H

#include "carefile/cli.h"

/*
 * Runs the TUI on the terminal until the user quits. Borrows opts.
 * Returns a process exit code. Restores the terminal on every return path.
 */
int tui_main(const struct cf_cli_opts *opts);

#endif
