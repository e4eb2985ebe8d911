/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Translation macros: _() translates now, N_() marks a string for a table translated at display time. */
#ifndef CAREFILE_I18N_H
#define CAREFILE_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)
#define P_(s, p, n) ngettext((s), (p), (n))

/*
 * Bind the "carefile" text domain (UTF-8 codeset). Uses the directory named by
 * CAREFILE_LOCALEDIR when set (the test suite points it at the build tree),
 * else the installed LOCALEDIR. Call after setlocale(LC_ALL, "").
 */
void cf_i18n_init(void);

#endif
