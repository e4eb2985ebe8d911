/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The seam between the frame and the case file: open (unlock), lock and close. */
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-curses.h"
#include "tui-screens.h"

int
tui_session_open(struct cf_tui *tui, const struct cf_cli_opts *opts)
{
	/*
	 * The case-file work goes here: when opts->casefile is set, open it
	 * and tui_push() an unlock screen over Today; the unlock screen sets
	 * the header with tui_set_header(tui, file name without its
	 * directories, user, false) once the keyslot opens. Until then the
	 * frame runs without a case file and says so.
	 */
	tui_set_header(tui, NULL, opts->user, false);
	if (opts->casefile)
		tui_status(tui, _("Case files are not opened by the interface yet: showing the screens only."),
		           false);
	return CF_OK;
}

void
tui_session_lock(struct cf_tui *tui)
{
	/* The case-file work: wipe keys and decrypted caches, push the unlock screen. */
	tui_status(tui, _("Nothing to lock yet: no case file is open."), false);
}

void
tui_session_close(struct cf_tui *tui)
{
	(void)tui;
}
