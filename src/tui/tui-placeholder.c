/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include "carefile/tui.h"
int tui_main(const struct cf_cli_opts *opts) { (void)opts; return 0; }
