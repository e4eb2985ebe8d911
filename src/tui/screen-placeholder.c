/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Placeholder screens: each says what will come, until its own screen-*.c replaces it. */
#include <stdlib.h>

#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-curses.h"
#include "tui-screens.h"

/* What each placeholder will become, keyed by its ops. */
static const char *
placeholder_text(const struct cf_screen_ops *ops)
{
	if (ops == &tui_screen_sessions)
		return N_("Sessions: write session notes, sign them (signed notes are locked and take "
		          "addenda only) and see follow-ups due.");
	if (ops == &tui_screen_referrals)
		return N_("Referrals: consent, referral letter, sent, accepted or declined, outcome and the "
		          "return-to-school review.");
	if (ops == &tui_screen_review)
		return N_("Review: the supervisor's queue of notes to read, co-sign or return for revision.");
	if (ops == &tui_screen_reports)
		return N_("Reports: de-identified counts for the education bureau, with small cells "
		          "suppressed.");
	return "";
}

static void
placeholder_draw(struct cf_screen *s)
{
	struct cf_rect r = s->area;
	int row;

	r.x += 2;
	r.w -= 4;
	tui_draw_text(r.y, r.x, r.w, _(s->ops->title), TUI_ROLE_TITLE, TEXT_LEFT);
	row = 2;
	row += tui_draw_paragraph(&r, row, _(placeholder_text(s->ops)), TUI_ROLE_NORMAL);
	row++;
	row += tui_draw_paragraph(&r, row, _("This screen comes with a later change."), TUI_ROLE_HINT);
	if (s->ops == &tui_screen_sessions) {
		row++;
		tui_draw_paragraph(&r, row,
		                   _("Press n to try the note editor (a scratch note: kept in memory only, "
		                     "never saved)."),
		                   TUI_ROLE_NORMAL);
	}
}

static enum tui_key_result
sessions_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	if (!k->fn && k->code == 'n') {
		int err = tui_push(s->tui, &tui_screen_note, NULL);

		if (err != CF_OK)
			tui_status(s->tui, cf_strerror(err), true);
		return TUI_KEY_HANDLED;
	}
	return TUI_KEY_UNHANDLED;
}

static const struct cf_tui_keyhelp sessions_keys[] = {
	/* TRANSLATORS: hint label, at most 8 columns. */
	{ "n", N_("New scratch note (not saved)"), N_("New note") },
	{ NULL, NULL, NULL },
};

/* TRANSLATORS: screen titles in the header line: at most 16 columns. */
const struct cf_screen_ops tui_screen_sessions = {
	.name = "sessions",
	.title = N_("Sessions"),
	.keys = sessions_keys,
	.draw = placeholder_draw,
	.key = sessions_key,
};


const struct cf_screen_ops tui_screen_referrals = {
	.name = "referrals",
	.title = N_("Referrals"),
	.draw = placeholder_draw,
};


const struct cf_screen_ops tui_screen_review = {
	.name = "review",
	.title = N_("Review"),
	.draw = placeholder_draw,
};

const struct cf_screen_ops tui_screen_reports = {
	.name = "reports",
	.title = N_("Reports"),
	.draw = placeholder_draw,
};
