/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A new home-school contact entry: date, who was contacted, channel and summary (clinical compartment). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-form.h"
#include "tui-frame.h"
#include "tui-screens.h"
#include "tui-students.h"

enum { C_DATE, C_WHO, C_OTHER, C_CHANNEL, C_SUMMARY, C__COUNT };

/* Secure memory: guardian names and the summary. */
struct contact {
	struct tui_students *st;
	int64_t student_id;
	void (*done)(void *ctx);
	void *ctx;
	struct tui_form form;
	struct tui_form_field fields[C__COUNT];
	char who[CF_STUDENT_GUARDIANS_MAX][192]; /* "name (relation)" */
	char who_name[CF_STUDENT_GUARDIANS_MAX][128];
	const char *who_opts[CF_STUDENT_GUARDIANS_MAX + 1];
	size_t n_who;
	const char *channel_opts[CF_CONTACT_CHANNEL__COUNT];
	bool confirm_discard;
	char title[256];
	struct cf_rect area, title_r, body;
};

static int
text_field(struct contact *c, int i, const char *label, bool multiline, size_t max)
{
	struct tui_form_field *fl = &c->fields[i];

	fl->kind = multiline ? TUI_FORM_AREA : TUI_FORM_TEXT;
	snprintf(fl->label, sizeof fl->label, "%s", label);
	fl->ed = tui_edit_new(multiline, max, tui_students_secure_alloc());
	return fl->ed ? CF_OK : CF_ERR_NOMEM;
}

static int
contact_init(struct cf_screen *s, void *arg)
{
	const struct tui_contact_edit_arg *a = arg;
	const struct cf_student *st;
	struct contact *c;
	char today[11];
	size_t pos;
	int err;

	if (!a || !a->st || !a->st->idx)
		return CF_ERR_LOCKED;
	if ((err = students_find_id(a->st->idx, a->student_id, &pos)) != CF_OK)
		return err;
	st = students_get(a->st->idx, pos);
	c = crypto_secure_alloc(sizeof *c);
	if (!c)
		return CF_ERR_NOMEM;
	c->st = a->st;
	c->student_id = a->student_id;
	c->done = a->done;
	c->ctx = a->ctx;
	s->priv = c;
	/* TRANSLATORS: title of the contact form; %s is the student's name. */
	snprintf(c->title, sizeof c->title, _("New home-school contact: %s"), st->name ? st->name : "");
	for (size_t g = 0; g < st->n_guardians && g < CF_STUDENT_GUARDIANS_MAX; g++) {
		const struct cf_guardian *gd = &st->guardians[g];

		snprintf(c->who_name[c->n_who], sizeof c->who_name[0], "%s", gd->name ? gd->name : "");
		if (gd->relation)
			snprintf(c->who[c->n_who], sizeof c->who[0], "%s (%s)", gd->name ? gd->name : "", gd->relation);
		else
			snprintf(c->who[c->n_who], sizeof c->who[0], "%s", gd->name ? gd->name : "");
		c->who_opts[c->n_who] = c->who[c->n_who];
		c->n_who++;
	}
	/* TRANSLATORS: the last choice of "Contacted": someone who is not a recorded guardian. */
	c->who_opts[c->n_who] = _("someone else");
	for (size_t i = 0; i < CF_CONTACT_CHANNEL__COUNT; i++)
		c->channel_opts[i] = contact_channel_label((enum cf_contact_channel)i);

	/* TRANSLATORS: labels of the contact form: at most 16 columns (8 Chinese characters). */
	err = text_field(c, C_DATE, _("Date"), false, 16);
	c->fields[C_WHO] = (struct tui_form_field){ .kind = TUI_FORM_CHOICE, .options = c->who_opts,
	                                            .n_options = c->n_who + 1 };
	snprintf(c->fields[C_WHO].label, sizeof c->fields[C_WHO].label, "%s", _("Contacted"));
	if (!err)
		err = text_field(c, C_OTHER, _("  Who"), false, 64);
	c->fields[C_OTHER].hidden = c->n_who > 0;
	c->fields[C_CHANNEL] = (struct tui_form_field){ .kind = TUI_FORM_CHOICE, .options = c->channel_opts,
	                                                .n_options = CF_CONTACT_CHANNEL__COUNT };
	snprintf(c->fields[C_CHANNEL].label, sizeof c->fields[C_CHANNEL].label, "%s", _("Channel"));
	if (!err)
		err = text_field(c, C_SUMMARY, _("Summary"), true, CF_CONTACT_SUMMARY_MAX / 4);
	c->fields[C_SUMMARY].rows = 6;
	c->form.fields = c->fields;
	c->form.n = C__COUNT;
	tui_students_today(today);
	if (!err)
		err = tui_form_set_text(&c->fields[C_DATE], today);
	if (err != CF_OK) {
		tui_form_fini(&c->form);
		crypto_secure_free(c);
		s->priv = NULL;
	}
	return err;
}

static void
contact_free(struct cf_screen *s)
{
	struct contact *c = s->priv;

	if (!c)
		return;
	tui_form_fini(&c->form);
	crypto_secure_free(c);
	s->priv = NULL;
}

static void
contact_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct contact *c = s->priv;

	c->fields[C_SUMMARY].rows = compact ? 4 : 6;
	c->area = *area;
	c->title_r = (struct cf_rect){ area->x + 2, area->y, area->w - 4, 1 };
	c->body = (struct cf_rect){ area->x + 2, area->y + 2, area->w - 3, area->h - 2 };
	if (c->body.h < 0)
		c->body.h = 0;
	if (c->body.w < 0)
		c->body.w = 0;
}

static void
contact_draw(struct cf_screen *s)
{
	struct contact *c = s->priv;

	tui_fill(&c->area, TUI_ROLE_NORMAL);
	tui_draw_text(c->title_r.y, c->title_r.x, c->title_r.w, c->title, TUI_ROLE_TITLE, TEXT_LEFT);
	tui_form_draw(&c->form, &c->body, s->tui);
	if (c->confirm_discard) {
		tui_cursor(s->tui, -1, -1);
		tui_students_confirm_draw(&c->area, _("Discard changes?"),
		                          _("This contact entry has not been saved. Discard it?"), NULL);
	}
}

static enum tui_key_result
save(struct cf_screen *s, struct contact *c)
{
	struct cf_casefile *cf = tui_casefile(s->tui);
	struct cf_contact entry;
	struct cf_row row;
	char *date, *other = NULL, *summary;
	int err = CF_OK, e2 = CF_OK;
	bool bad = false;

	if (!cf || !c->st->idx) {
		tui_status(s->tui, cf_strerror(CF_ERR_LOCKED), true);
		return TUI_KEY_HANDLED;
	}
	memset(&row, 0, sizeof row);
	record_init(&cf_contact_type, &entry, NULL);
	tui_form_clear_errors(&c->form);
	date = tui_form_text(&c->fields[C_DATE], &err);
	summary = tui_form_text(&c->fields[C_SUMMARY], &e2);
	if (err == CF_OK && e2 == CF_OK && !c->fields[C_OTHER].hidden)
		other = tui_form_text(&c->fields[C_OTHER], &err);
	if (err != CF_OK || e2 != CF_OK) {
		err = CF_ERR_NOMEM;
		goto out;
	}
	/* TRANSLATORS: validation messages of the contact form. */
	if (!date || !tui_students_parse_date(date, entry.date)) {
		snprintf(c->fields[C_DATE].error, sizeof c->fields[C_DATE].error, "%s",
		         _("Not a real date: write it as YYYY-MM-DD, e.g. 2014-07-18."));
		bad = true;
	}
	if (!summary) {
		snprintf(c->fields[C_SUMMARY].error, sizeof c->fields[C_SUMMARY].error, "%s",
		         _("Write what was discussed."));
		bad = true;
	}
	if (bad) {
		err = CF_ERR_INVALID;
		goto out;
	}
	entry.channel = (enum cf_contact_channel)c->fields[C_CHANNEL].choice;
	entry.guardian = c->fields[C_WHO].choice < c->n_who ? c->who_name[c->fields[C_WHO].choice] : other;
	entry.summary = summary;
	err = casefile_record_put_child(cf, &cf_table_contact, &cf_table_student, c->student_id, &row, &entry, NULL);
	if (err == CF_ERR_INVALID)
		snprintf(c->fields[C_SUMMARY].error, sizeof c->fields[C_SUMMARY].error, "%s",
		         _("The entry was refused: check the date and the summary."));
out:
	crypto_secure_free(date);
	crypto_secure_free(other);
	crypto_secure_free(summary);
	crypto_wipe(&entry, sizeof entry);
	if (err == CF_ERR_INVALID) {
		tui_form_focus_error(&c->form);
		tui_status(s->tui, _("Not saved: correct the marked fields."), true);
		return TUI_KEY_HANDLED;
	}
	if (err != CF_OK) {
		tui_status(s->tui, cf_strerror(err), true);
		return TUI_KEY_HANDLED;
	}
	if (c->done)
		c->done(c->ctx);
	tui_status(s->tui, _("Contact entry saved."), false);
	return TUI_KEY_CLOSE;
}

static enum tui_key_result
contact_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct contact *c = s->priv;
	enum tui_key_result r;

	if (c->confirm_discard) {
		bool answered, yes = tui_students_confirm_key(k, &answered);

		if (answered)
			c->confirm_discard = false;
		return yes ? TUI_KEY_CLOSE : TUI_KEY_HANDLED;
	}
	/* F2, or Ctrl-O as in nano ("write out") for terminals whose F-keys the desktop takes */
	if ((k->fn && k->code == KEY_F(2)) || (!k->fn && k->code == TUI_CTRL('O')))
		return save(s, c);
	if (!k->fn && k->code == 27) {
		if (!c->form.dirty)
			return TUI_KEY_CLOSE;
		c->confirm_discard = true;
		return TUI_KEY_HANDLED;
	}
	r = tui_form_key(&c->form, k);
	c->fields[C_OTHER].hidden = c->fields[C_WHO].choice < c->n_who;
	if (r != TUI_KEY_UNHANDLED)
		return r;
	if ((k->fn && k->code == KEY_F(1)) || (!k->fn && k->code == TUI_CTRL('L')))
		return TUI_KEY_UNHANDLED;
	return TUI_KEY_HANDLED;
}

static const struct cf_tui_keyhelp contact_keys[] = {
	/* TRANSLATORS: hint labels, at most 8 columns (4 Chinese characters). */
	{ "F2/^O", N_("Save the contact entry (F2 or Ctrl-O)"), N_("Save") },
	{ "Esc", N_("Close the form (asks before discarding changes)"), N_("Cancel") },
	{ "Tab", N_("Next field (also Down)"), N_("Next") },
	{ "Shift-Tab", N_("Previous field (also Up)"), NULL },
	{ "Left/Right", N_("Change a choice: who, channel (also Space)"), NULL },
	{ "Enter", N_("In the summary: new line"), NULL },
	{ NULL, NULL, NULL },
};

const struct cf_screen_ops tui_screen_contact_edit = {
	.name = "contact-edit",
	/* TRANSLATORS: screen titles in the header line: at most 16 columns. */
	.title = N_("Contact"),
	.keys = contact_keys,
	.flags = TUI_SCREEN_DIALOG,
	.init = contact_init,
	.free = contact_free,
	.layout = contact_layout,
	.draw = contact_draw,
	.key = contact_key,
};
