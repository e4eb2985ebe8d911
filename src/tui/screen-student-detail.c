/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One student: profile, guardians, the home-school contact log (editable) and the sections later work fills. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-frame.h"
#include "tui-kit.h"
#include "tui-screens.h"
#include "tui-students.h"
#include "tui-widgets.h"

/* The profile, in the order a page shows it (tags of cf_student_type): short ones pair up on wide screens. */
static const uint16_t profile[] = { 1, 2, 3, 4, 5, 12, 7, 8, 6, 11, 10, 13 };

/* Secure memory: the title names the student. */
struct detail {
	struct tui_students *st;
	int64_t id;
	struct tui_page *page;         /* every decrypted text shown */
	struct cf_row *contacts;       /* the contact entries' rows (for editing one), n_contacts */
	size_t n_contacts;
	int load_err;
	bool archived;
	enum { ASK_NONE, ASK_ARCHIVE, ASK_RESTORE } ask;
	char title[320];
	struct cf_rect area, title_r, body;
};

static void
unload(struct detail *d)
{
	tui_page_clear(d->page, true);
	crypto_secure_free(d->contacts);
	d->contacts = NULL;
	d->n_contacts = 0;
	crypto_wipe(d->title, sizeof d->title);
}

static int
add_guardians(struct detail *d, const struct cf_student *s)
{
	int err = tui_page_add(d->page, TUI_PAGE_SECTION, _("Guardians"), NULL, 0, 0);

	if (!err && s->n_guardians == 0)
		err = tui_page_add(d->page, TUI_PAGE_EMPTY, _("No guardians recorded."), NULL, 0, 0);
	for (size_t g = 0; g < s->n_guardians && !err; g++) {
		const struct cf_guardian *gd = &s->guardians[g];
		char line[512];
		size_t n;

		n = (size_t)snprintf(line, sizeof line, "%s", gd->relation ? gd->relation : "-");
		for (size_t p = 0; p < gd->n_phones && n < sizeof line; p++)
			n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", p ? ", " : "  ", gd->phones[p]);
		err = tui_page_add(d->page, TUI_PAGE_FIELD, gd->name ? gd->name : "-", line, 0, 0);
		crypto_wipe(line, sizeof line);
	}
	return err;
}

/* The contact log, newest first: each entry selectable (Tab), its summary joined to it. */
static int
add_contacts(struct detail *d, struct cf_casefile *cf)
{
	struct cf_record_list list;
	int err = tui_page_add(d->page, TUI_PAGE_SECTION, _("Home-school contacts"), NULL, 0, 0);

	if (err)
		return err;
	err = casefile_record_children(cf, &cf_table_contact, &cf_table_student, d->id, CF_CONTACT_F_DATE, true, &list);
	if (err == CF_ERR_PERMISSION)
		return tui_page_add(d->page, TUI_PAGE_EMPTY, _("Your role cannot read the contact log."), NULL, 0, 0);
	if (err != CF_OK)
		return err;
	if (list.n && !(d->contacts = crypto_secure_alloc(list.n * sizeof *d->contacts)))
		err = CF_ERR_NOMEM;
	if (!err && list.n == 0)
		err = tui_page_add(d->page, TUI_PAGE_EMPTY, _("No contacts yet: press c to add one."), NULL, 0, 0);
	for (size_t i = 0; i < list.n && err == CF_OK; i++) {
		const struct cf_contact *c = casefile_record_list_at(&list, i);
		char head[512];

		d->contacts[d->n_contacts++] = list.rows[i];
		snprintf(head, sizeof head, "%s  %s", contact_channel_label(c->channel), c->guardian ? c->guardian : "");
		err = tui_page_add(d->page, TUI_PAGE_FIELD, c->date, head, TUI_PAGE_SELECTABLE, list.rows[i].id);
		crypto_wipe(head, sizeof head);
		if (err == CF_OK)
			err = tui_page_add(d->page, TUI_PAGE_TEXT, NULL, c->summary, TUI_PAGE_JOIN, 0);
	}
	if (err == CF_OK && list.damaged) {
		char msg[160];

		/* TRANSLATORS: under the contact log: entries that failed to authenticate or decode. */
		snprintf(msg, sizeof msg, P_("%zu entry could not be read: run carefile check.",
		                             "%zu entries could not be read: run carefile check.", list.damaged),
		         list.damaged);
		err = tui_page_add(d->page, TUI_PAGE_EMPTY, msg, NULL, 0, 0);
	}
	casefile_record_list_fini(&list);
	return err;
}

/* Loads the student and its contacts into the page, keeping the scroll and the selected entry. */
static int
load(struct detail *d, struct cf_tui *tui)
{
	static const char *const later[] = { N_("Sessions"), N_("Crisis alerts"), N_("Referrals"), N_("Screening results") };
	struct cf_casefile *cf = tui_casefile(tui);
	const struct cf_student *s;
	int64_t sel = 0;
	bool had_sel = tui_page_selected(d->page, &sel);
	size_t pos;
	int err;

	unload(d);
	if (!cf || !d->st->idx)
		return d->load_err = CF_ERR_LOCKED;
	if ((err = students_find_id(d->st->idx, d->id, &pos)) != CF_OK)
		return d->load_err = err;
	s = students_get(d->st->idx, pos);
	d->archived = students_status_archived(s->status);
	snprintf(d->title, sizeof d->title, "%s  %s", s->name ? s->name : "",
	         s->student_number ? s->student_number : "");
	/* TRANSLATORS: section headings of the student detail. */
	err = tui_page_add(d->page, TUI_PAGE_SECTION, _("Profile"), NULL, 0, 0);
	if (!err) err = tui_page_add_record(d->page, &cf_student_type, s, profile, sizeof profile / sizeof profile[0]);
	if (!err) err = tui_page_add(d->page, TUI_PAGE_BLANK, NULL, NULL, 0, 0);
	if (!err) err = add_guardians(d, s);
	if (!err) err = tui_page_add(d->page, TUI_PAGE_BLANK, NULL, NULL, 0, 0);
	if (!err) err = add_contacts(d, cf);
	/* what later work adds; the headings are here so the page keeps its shape */
	if (!err) err = tui_page_add(d->page, TUI_PAGE_BLANK, NULL, NULL, 0, 0);
	for (size_t i = 0; i < sizeof later / sizeof later[0] && !err; i++) {
		err = tui_page_add(d->page, TUI_PAGE_SECTION, _(later[i]), NULL, 0, 0);
		if (!err)
			err = tui_page_add(d->page, TUI_PAGE_EMPTY, _("None yet."), NULL, 0, 0);
	}
	if (err != CF_OK)
		unload(d);
	else if (had_sel)
		(void)tui_page_select_ref(d->page, sel);
	tui_page_layout(d->page, &d->body);
	return d->load_err = err;
}

/* Each opening of a student's record is in the audit log; when it cannot be written the user is told. */
static void
log_view(struct cf_tui *tui, int64_t id)
{
	struct cf_casefile *cf = tui_casefile(tui);

	if (cf && casefile_audit_event(cf, CF_AUDIT_VIEW, &cf_table_student, id) != CF_OK)
		tui_status(tui, _("Warning: this view could not be written to the audit log."), true);
}

static int
detail_init(struct cf_screen *s, void *arg)
{
	const struct tui_student_detail_arg *a = arg;
	struct detail *d;
	int err;

	if (!a || !a->st)
		return CF_ERR_INVALID;
	d = crypto_secure_alloc(sizeof *d);
	if (!d)
		return CF_ERR_NOMEM;
	d->st = a->st;
	d->id = a->id;
	err = tui_page_new(&d->page);
	if (err == CF_OK)
		err = load(d, s->tui);
	if (err == CF_OK)
		log_view(s->tui, d->id);
	if (err != CF_OK) {
		unload(d);
		tui_page_free(&d->page);
		crypto_secure_free(d);
		return err;
	}
	s->priv = d;
	return CF_OK;
}

static void
detail_free(struct cf_screen *s)
{
	struct detail *d = s->priv;

	if (!d)
		return;
	unload(d);
	tui_page_free(&d->page);
	crypto_secure_free(d);
	s->priv = NULL;
}

static void
detail_lock(struct cf_screen *s)
{
	struct detail *d = s->priv;

	unload(d);
	d->load_err = CF_ERR_LOCKED;
}

static int
detail_unlock(struct cf_screen *s)
{
	struct detail *d = s->priv;
	int err = load(d, s->tui);

	if (err == CF_OK)
		log_view(s->tui, d->id); /* shown again after the lock */
	return err;
}

/* The student or its contacts changed (the forms, an archive, an import): show them again. */
static int
detail_refresh(struct cf_screen *s, const struct cf_table *table)
{
	if (table && table != &cf_table_student && table != &cf_table_contact)
		return CF_OK;
	load(s->priv, s->tui);
	return CF_OK;
}

static void
detail_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct detail *d = s->priv;

	(void)compact;
	d->area = *area;
	d->title_r = (struct cf_rect){ area->x + 2, area->y, area->w - 4, 1 };
	d->body = (struct cf_rect){ area->x + 2, area->y + 2, area->w - 4, area->h - 2 };
	if (d->body.h < 0)
		d->body.h = 0;
	if (d->body.w < 0)
		d->body.w = 0;
	tui_page_layout(d->page, &d->body);
}

static void
detail_draw(struct cf_screen *s)
{
	struct detail *d = s->priv;
	char more[64];
	int mw;

	if (tui_page_empty(d->page)) {
		tui_draw_text(d->title_r.y, d->title_r.x, d->title_r.w, _("Student"), TUI_ROLE_TITLE, TEXT_LEFT);
		tui_draw_text(d->body.y, d->body.x, d->body.w, cf_strerror(d->load_err), TUI_ROLE_ERROR, TEXT_LEFT);
		return;
	}
	tui_page_draw(d->page);
	tui_page_position(d->page, more, sizeof more);
	mw = text_width(more, strlen(more));
	tui_draw_text(d->title_r.y, d->title_r.x, d->title_r.w - mw, d->title, TUI_ROLE_TITLE, TEXT_LEFT);
	tui_draw_text(d->title_r.y, d->title_r.x + d->title_r.w - mw, mw, more, TUI_ROLE_HINT, TEXT_RIGHT);
	if (d->archived)
		tui_draw_text(d->title_r.y + 1, d->title_r.x, d->title_r.w,
		              _("Archived: hidden from the default list (d brings the student back)."), TUI_ROLE_HINT,
		              TEXT_LEFT);
	if (d->ask == ASK_ARCHIVE) {
		char keys[256];

		snprintf(keys, sizeof keys, "1 %s   2 %s   Esc %s", student_status_label(CF_STUDENT_TRANSFERRED),
		         student_status_label(CF_STUDENT_GRADUATED), _("Cancel"));
		tui_confirm_draw(&d->area, _("Archive the student?"),
		                 _("The record is kept and hidden from the default list. "
		                   "Archive as transferred (1) or graduated (2)?"), keys);
	} else if (d->ask == ASK_RESTORE) {
		tui_confirm_draw(&d->area, _("Bring the student back?"), _("Set this student's status to active again?"),
		                 NULL);
	}
}

static void
set_status(struct cf_screen *s, struct detail *d, enum cf_student_status status)
{
	struct cf_casefile *cf = tui_casefile(s->tui);
	int err = cf && d->st->idx ? students_set_status(cf, d->st->idx, d->id, status) : CF_ERR_LOCKED;

	if (err != CF_OK) {
		tui_status(s->tui, cf_strerror(err), true);
		return;
	}
	tui_records_changed(s->tui, &cf_table_student);
	tui_status(s->tui, students_status_archived(status) ? _("Student archived.") : _("Student is active again."),
	           false);
}

/* The contact form for a new entry (row NULL) or the selected one. */
static int
open_contact(struct cf_screen *s, struct detail *d, const struct cf_row *row)
{
	struct tui_contact_form_ctx c;

	memset(&c, 0, sizeof c);
	c.st = d->st;
	c.student_id = d->id;
	if (row)
		c.row = *row;
	return tui_record_form_open(s->tui, &tui_contact_form_spec, &c);
}

static const struct cf_row *
selected_contact(const struct detail *d)
{
	int64_t id;

	if (!tui_page_selected(d->page, &id))
		return NULL;
	for (size_t i = 0; i < d->n_contacts; i++)
		if (d->contacts[i].id == id)
			return &d->contacts[i];
	return NULL;
}

static enum tui_key_result
detail_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct detail *d = s->priv;
	int err = CF_OK;

	if (d->ask == ASK_ARCHIVE) {
		if (!k->fn && (k->code == '1' || k->code == '2')) {
			d->ask = ASK_NONE;
			set_status(s, d, k->code == '1' ? CF_STUDENT_TRANSFERRED : CF_STUDENT_GRADUATED);
		} else if (!k->fn && (k->code == 27 || k->code == 'n' || k->code == 'q')) {
			d->ask = ASK_NONE;
		}
		return TUI_KEY_HANDLED;
	}
	if (d->ask == ASK_RESTORE) {
		bool answered, yes = tui_confirm_key(k, &answered);

		if (answered)
			d->ask = ASK_NONE;
		if (yes)
			set_status(s, d, CF_STUDENT_ACTIVE);
		return TUI_KEY_HANDLED;
	}
	if (tui_page_key(d->page, k) == TUI_KEY_HANDLED)
		return TUI_KEY_HANDLED;
	if (k->fn)
		return TUI_KEY_UNHANDLED;
	if (k->code == 27)
		return TUI_KEY_CLOSE;
	if ((k->code == 'e' || k->code == 'c' || k->code == 'd' || tui_key_is_enter(k)) && tui_page_empty(d->page)) {
		tui_status(s->tui, cf_strerror(d->load_err), true);
		return TUI_KEY_HANDLED;
	}
	if (tui_key_is_enter(k)) {
		const struct cf_row *row = selected_contact(d);

		if (!row) {
			tui_status(s->tui, _("Select a contact entry with Tab first."), false);
			return TUI_KEY_HANDLED;
		}
		err = open_contact(s, d, row);
	} else {
		switch (k->code) {
		case 'e': {
			struct tui_student_form_ctx c;

			memset(&c, 0, sizeof c);
			c.st = d->st;
			c.id = d->id;
			err = tui_record_form_open(s->tui, &tui_student_form_spec, &c);
			break;
		}
		case 'c':
			err = open_contact(s, d, NULL);
			break;
		case 'd':
			d->ask = d->archived ? ASK_RESTORE : ASK_ARCHIVE;
			break;
		default:
			return TUI_KEY_UNHANDLED;
		}
	}
	if (err != CF_OK)
		tui_status(s->tui, cf_strerror(err), true);
	return TUI_KEY_HANDLED;
}

static const struct cf_tui_keyhelp detail_keys[] = {
	/* TRANSLATORS: hint labels, at most 8 columns (4 Chinese characters). */
	{ "e", N_("Edit the student"), N_("Edit") },
	{ "c", N_("Add a home-school contact entry"), N_("Contact") },
	{ "Tab", N_("Select the next home-school contact entry (Shift-Tab: the one before)"), NULL },
	{ "Enter", N_("Edit the selected contact entry"), NULL },
	{ "d", N_("Archive the student (transferred or graduated), or bring an archived one back"),
	  N_("Archive") },
	{ "Up/Down", N_("Scroll"), NULL },
	{ "PgUp/PgDn", N_("Move by one page"), NULL },
	{ "Esc, q", N_("Back to the list"), NULL },
	{ NULL, NULL, NULL },
};

const struct cf_screen_ops tui_screen_student_detail = {
	.name = "student-detail",
	/* TRANSLATORS: screen titles in the header line: at most 16 columns. */
	.title = N_("Student"),
	.keys = detail_keys,
	.init = detail_init,
	.free = detail_free,
	.layout = detail_layout,
	.draw = detail_draw,
	.key = detail_key,
	.lock = detail_lock,
	.unlock = detail_unlock,
	.changed = detail_refresh,
};
