/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Privacy mode: lists show initials instead of names (for screens others can see). */
#ifndef CAREFILE_TUI_PRIVACY_H
#define CAREFILE_TUI_PRIVACY_H

#include <stdbool.h>

/*
 * One setting for the whole interface (src/tui/screen-students.c keeps it):
 * session.c sets its start value from the configuration file
 * (privacy_mode = on|off, default off); x in a list toggles it. Every list
 * that shows names asks tui_privacy_mode().
 */
bool tui_privacy_mode(void);
void tui_privacy_toggle(void);
void tui_privacy_set(bool on);

#endif
