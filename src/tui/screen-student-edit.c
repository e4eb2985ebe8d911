/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Add or edit a student: one form for the identity fields and two guardians, validated before it is saved. */
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

/* Guardians the form edits; further ones (from an import) are kept as they are. */
#define FORM_GUARDIANS 2

enum {
	F_NUMBER,
	F_NAME,
	F_SEX,
	F_BIRTH,
	F_ETHNICITY,
	F_SCHOOL,
	F_GRADE,
	F_CLASS,
	F_STATUS,
	F_FLAGS,
	F_G_NAME,   /* guardian g: F_G_NAME + 3 * g */
	F_G_RELATION,
	F_G_PHONES,
	F_ADDRESS = F_G_NAME + 3 * FORM_GUARDIANS,
	F_REMARKS,
	F__COUNT
};

/* Order of the sex choice. */
static const enum cf_sex sex_order[] = { CF_SEX_MALE, CF_SEX_FEMALE, CF_SEX_UNKNOWN };

/* Secure memory: the fields hold a student's identity. */
struct edit {
	struct tui_students *st;
	int64_t id;
	void (*done)(void *ctx, int64_t id);
	void *ctx;
	struct tui_form form;
	struct tui_form_field fields[F__COUNT];
	const char *sex_opts[3];
	const char *status_opts[CF_STUDENT_STATUS__COUNT];
	const char *flag_opts[CF_STUDENT_FLAG_COUNT];
	bool confirm_discard;
	char title[256];
	struct cf_rect area, title_r, body;
};

/* Student strings in secure memory: every string its own guarded allocation, released with the record. */
static void *
str_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return crypto_secure_alloc(size);
}

static void
str_free(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	(void)size;
	crypto_secure_free(ptr);
}

static const struct cf_str_alloc secure_str = { str_alloc, str_free, NULL };

static int
add_text(struct edit *e, int i, const char *label, bool multiline, size_t max)
{
	struct tui_form_field *fl = &e->fields[i];

	fl->kind = multiline ? TUI_FORM_AREA : TUI_FORM_TEXT;
	snprintf(fl->label, sizeof fl->label, "%s", label);
	fl->ed = tui_edit_new(multiline, max, tui_students_secure_alloc());
	return fl->ed ? CF_OK : CF_ERR_NOMEM;
}

static int
build_form(struct edit *e)
{
	int err = CF_OK;

	for (size_t i = 0; i < 3; i++)
		e->sex_opts[i] = student_sex_label(sex_order[i]);
	for (size_t i = 0; i < CF_STUDENT_STATUS__COUNT; i++)
		e->status_opts[i] = student_status_label((enum cf_student_status)i);
	for (size_t i = 0; i < CF_STUDENT_FLAG_COUNT; i++)
		e->flag_opts[i] = student_flag_label((enum cf_student_flag)(1u << i));

	/* TRANSLATORS: labels of the student form: at most 16 columns (8 Chinese characters). */
	err |= add_text(e, F_NUMBER, _("Student no."), false, CF_STUDENT_NUMBER_MAX);
	err |= add_text(e, F_NAME, _("Name"), false, 64);
	e->fields[F_SEX] = (struct tui_form_field){ .kind = TUI_FORM_CHOICE, .options = e->sex_opts, .n_options = 3,
	                                            .choice = 2 };
	snprintf(e->fields[F_SEX].label, sizeof e->fields[F_SEX].label, "%s", _("Sex"));
	err |= add_text(e, F_BIRTH, _("Date of birth"), false, 16);
	/* TRANSLATORS: shown in an empty date field. */
	e->fields[F_BIRTH].hint = _("YYYY-MM-DD");
	err |= add_text(e, F_ETHNICITY, _("Ethnicity"), false, 32);
	err |= add_text(e, F_SCHOOL, _("School"), false, 64);
	err |= add_text(e, F_GRADE, _("Grade"), false, 32);
	err |= add_text(e, F_CLASS, _("Class"), false, 32);
	e->fields[F_STATUS] = (struct tui_form_field){ .kind = TUI_FORM_CHOICE, .options = e->status_opts,
	                                               .n_options = CF_STUDENT_STATUS__COUNT };
	snprintf(e->fields[F_STATUS].label, sizeof e->fields[F_STATUS].label, "%s", _("Status"));
	e->fields[F_FLAGS] = (struct tui_form_field){ .kind = TUI_FORM_FLAGS, .options = e->flag_opts,
	                                              .n_options = CF_STUDENT_FLAG_COUNT };
	snprintf(e->fields[F_FLAGS].label, sizeof e->fields[F_FLAGS].label, "%s", _("Flags"));
	for (int g = 0; g < FORM_GUARDIANS; g++) {
		char label[96];

		/* TRANSLATORS: %d is the guardian's number (1, 2). */
		snprintf(label, sizeof label, _("Guardian %d"), g + 1);
		err |= add_text(e, F_G_NAME + 3 * g, label, false, 64);
		err |= add_text(e, F_G_RELATION + 3 * g, _("  Relation"), false, 32);
		err |= add_text(e, F_G_PHONES + 3 * g, _("  Phones"), false, 80);
		/* TRANSLATORS: shown in an empty phone field. */
		e->fields[F_G_PHONES + 3 * g].hint = _("e.g. 13800138000, 010-12345678");
	}
	err |= add_text(e, F_ADDRESS, _("Address"), false, 200);
	err |= add_text(e, F_REMARKS, _("Remarks"), true, 2000);
	e->fields[F_REMARKS].rows = 3;
	e->form.fields = e->fields;
	e->form.n = F__COUNT;
	return err ? CF_ERR_NOMEM : CF_OK;
}

/* Fills the form from s. */
static int
fill_form(struct edit *e, const struct cf_student *s)
{
	int err = CF_OK;

	err |= tui_form_set_text(&e->fields[F_NUMBER], s->student_number);
	err |= tui_form_set_text(&e->fields[F_NAME], s->name);
	for (size_t i = 0; i < 3; i++)
		if (sex_order[i] == s->sex)
			e->fields[F_SEX].choice = i;
	err |= tui_form_set_text(&e->fields[F_BIRTH], s->birth_date);
	err |= tui_form_set_text(&e->fields[F_ETHNICITY], s->ethnicity);
	err |= tui_form_set_text(&e->fields[F_SCHOOL], s->school);
	err |= tui_form_set_text(&e->fields[F_GRADE], s->grade);
	err |= tui_form_set_text(&e->fields[F_CLASS], s->class_name);
	e->fields[F_STATUS].choice = s->status < CF_STUDENT_STATUS__COUNT ? (size_t)s->status : 0;
	e->fields[F_FLAGS].flags = s->flags;
	for (size_t g = 0; g < FORM_GUARDIANS && g < s->n_guardians; g++) {
		const struct cf_guardian *gd = &s->guardians[g];
		char phones[CF_GUARDIAN_PHONES_MAX * 32];
		size_t n = 0;

		phones[0] = '\0';
		for (size_t p = 0; p < gd->n_phones && p < CF_GUARDIAN_PHONES_MAX; p++)
			n += (size_t)snprintf(phones + n, sizeof phones - n, "%s%s", p ? ", " : "",
			                      gd->phones[p] ? gd->phones[p] : "");
		err |= tui_form_set_text(&e->fields[F_G_NAME + 3 * (int)g], gd->name);
		err |= tui_form_set_text(&e->fields[F_G_RELATION + 3 * (int)g], gd->relation);
		err |= tui_form_set_text(&e->fields[F_G_PHONES + 3 * (int)g], phones);
		crypto_wipe(phones, sizeof phones);
	}
	err |= tui_form_set_text(&e->fields[F_ADDRESS], s->address);
	err |= tui_form_set_text(&e->fields[F_REMARKS], s->remarks);
	return err ? CF_ERR_NOMEM : CF_OK;
}

static int
edit_init(struct cf_screen *s, void *arg)
{
	const struct tui_student_edit_arg *a = arg;
	struct edit *e;
	int err;

	if (!a || !a->st || !a->st->idx)
		return CF_ERR_LOCKED;
	e = crypto_secure_alloc(sizeof *e);
	if (!e)
		return CF_ERR_NOMEM;
	e->st = a->st;
	e->id = a->id;
	e->done = a->done;
	e->ctx = a->ctx;
	s->priv = e;
	err = build_form(e);
	if (err == CF_OK && a->id) {
		size_t pos;

		err = students_find_id(a->st->idx, a->id, &pos);
		if (err == CF_OK) {
			const struct cf_student *st = students_get(a->st->idx, pos);

			err = fill_form(e, st);
			/* TRANSLATORS: title of the student form; %s is the student's name. */
			snprintf(e->title, sizeof e->title, _("Edit student: %s"), st->name ? st->name : "");
		}
	} else {
		snprintf(e->title, sizeof e->title, "%s", _("Add a student"));
		/* a student added while the list shows one class most likely belongs to it */
		if (err == CF_OK && a->defaults) {
			err |= tui_form_set_text(&e->fields[F_SCHOOL], a->defaults->school);
			err |= tui_form_set_text(&e->fields[F_GRADE], a->defaults->grade);
			err |= tui_form_set_text(&e->fields[F_CLASS], a->defaults->class_name);
			if (err)
				err = CF_ERR_NOMEM;
		}
	}
	if (err != CF_OK) {
		tui_form_fini(&e->form);
		crypto_secure_free(e);
		s->priv = NULL;
	}
	return err;
}

static void
edit_free(struct cf_screen *s)
{
	struct edit *e = s->priv;

	if (!e)
		return;
	tui_form_fini(&e->form);
	crypto_secure_free(e);
	s->priv = NULL;
}

static void
edit_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct edit *e = s->priv;

	(void)compact;
	e->area = *area;
	e->title_r = (struct cf_rect){ area->x + 2, area->y, area->w - 4, 1 };
	e->body = (struct cf_rect){ area->x + 2, area->y + 2, area->w - 3, area->h - 2 };
	if (e->body.h < 0)
		e->body.h = 0;
	if (e->body.w < 0)
		e->body.w = 0;
}

static void
edit_draw(struct cf_screen *s)
{
	struct edit *e = s->priv;

	tui_fill(&e->area, TUI_ROLE_NORMAL);
	tui_draw_text(e->title_r.y, e->title_r.x, e->title_r.w, e->title, TUI_ROLE_TITLE, TEXT_LEFT);
	tui_form_draw(&e->form, &e->body, s->tui);
	if (e->confirm_discard) {
		tui_cursor(s->tui, -1, -1);
		tui_students_confirm_draw(&e->area, _("Discard changes?"),
		                          _("The changes in this form have not been saved. Discard them?"), NULL);
	}
}

/* ---- validation and saving ------------------------------------------------------ */

/* Separators between phone numbers: comma, semicolon, slash, the full-width comma and the enumeration comma. */
static bool
phone_sep(const char *p, size_t *n)
{
	static const char *const seps[] = { ",", ";", "/", "，", "；", "、" };

	for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++)
		if (strncmp(p, seps[i], strlen(seps[i])) == 0) {
			*n = strlen(seps[i]);
			return true;
		}
	return false;
}

/*
 * Splits text into phone numbers and adds each, normalised, to guardian g.
 * On an invalid one writes the message into err (size bytes) and returns false.
 */
static bool
add_phones(struct cf_student *s, struct cf_guardian *g, const char *text, char *err, size_t size)
{
	const char *p = text;

	while (*p) {
		char one[64], norm[32];
		size_t n = 0, sep = 0;

		while (*p && !phone_sep(p, &sep)) {
			if (n + 1 < sizeof one)
				one[n++] = *p;
			p++;
		}
		one[n] = '\0';
		if (*p)
			p += sep;
		/* trim spaces; an empty piece between separators is skipped */
		{
			char *b = one, *e2 = one + strlen(one);

			while (*b == ' ')
				b++;
			while (e2 > b && e2[-1] == ' ')
				*--e2 = '\0';
			if (!*b)
				continue;
			if (g->n_phones >= CF_GUARDIAN_PHONES_MAX) {
				snprintf(err, size, _("At most %d phone numbers per guardian."), CF_GUARDIAN_PHONES_MAX);
				crypto_wipe(one, sizeof one);
				return false;
			}
			if (!student_phone_normalise(b, norm, sizeof norm)) {
				/* TRANSLATORS: %s is the phone number as typed. */
				snprintf(err, size, _("Not a phone number: %s (a mobile has 11 digits; a landline "
				                      "an area code and 7 or 8 digits)"), b);
				crypto_wipe(one, sizeof one);
				return false;
			}
			if (student_guardian_add_phone(s, g, norm) != CF_OK) {
				snprintf(err, size, "%s", cf_strerror(CF_ERR_NOMEM));
				crypto_wipe(one, sizeof one);
				return false;
			}
		}
		crypto_wipe(one, sizeof one);
	}
	return true;
}

/* Sets *field of s from a form field; returns false out of memory. */
static bool
take_text(struct edit *e, int i, struct cf_student *s, char **field, int *err)
{
	char *t = tui_form_text(&e->fields[i], err);
	bool ok = *err == CF_OK;

	if (t) {
		ok = student_set_str(s, field, t, strlen(t)) == CF_OK;
		crypto_secure_free(t);
	}
	if (!ok)
		*err = CF_ERR_NOMEM;
	return ok;
}

/*
 * Builds the student from the form into s (initialised here), marking every
 * field with a problem. Returns CF_OK, CF_ERR_INVALID (messages set) or
 * CF_ERR_NOMEM.
 */
static int
form_student(struct edit *e, struct cf_student *s)
{
	const struct cf_student *orig = NULL;
	char *t;
	int err = CF_OK;
	bool bad = false;

	student_init(s, &secure_str);
	tui_form_clear_errors(&e->form);
	if (e->id) {
		size_t pos;

		if (students_find_id(e->st->idx, e->id, &pos) == CF_OK)
			orig = students_get(e->st->idx, pos);
	}
	if (!take_text(e, F_NUMBER, s, &s->student_number, &err) || !take_text(e, F_NAME, s, &s->name, &err) ||
	    !take_text(e, F_ETHNICITY, s, &s->ethnicity, &err) || !take_text(e, F_SCHOOL, s, &s->school, &err) ||
	    !take_text(e, F_GRADE, s, &s->grade, &err) || !take_text(e, F_CLASS, s, &s->class_name, &err) ||
	    !take_text(e, F_ADDRESS, s, &s->address, &err) || !take_text(e, F_REMARKS, s, &s->remarks, &err))
		return err;
	/* TRANSLATORS: validation messages shown under a field of a form. */
	if (!s->student_number) {
		snprintf(e->fields[F_NUMBER].error, sizeof e->fields[F_NUMBER].error, "%s",
		         _("The student number is required."));
		bad = true;
	} else if (!student_number_valid(s->student_number)) {
		snprintf(e->fields[F_NUMBER].error, sizeof e->fields[F_NUMBER].error, _("Use letters, digits and "
		         "- _ . / only, at most %d characters, no spaces."), CF_STUDENT_NUMBER_MAX);
		bad = true;
	}
	if (!s->name) {
		snprintf(e->fields[F_NAME].error, sizeof e->fields[F_NAME].error, "%s", _("The name is required."));
		bad = true;
	}
	s->sex = sex_order[e->fields[F_SEX].choice % 3];
	t = tui_form_text(&e->fields[F_BIRTH], &err);
	if (err != CF_OK)
		return err;
	if (t && !tui_students_parse_date(t, s->birth_date)) {
		snprintf(e->fields[F_BIRTH].error, sizeof e->fields[F_BIRTH].error, "%s",
		         _("Not a real date: write it as YYYY-MM-DD, e.g. 2014-07-18."));
		bad = true;
	}
	crypto_secure_free(t);
	s->status = (enum cf_student_status)e->fields[F_STATUS].choice;
	s->flags = e->fields[F_FLAGS].flags;
	for (int g = 0; g < FORM_GUARDIANS; g++) {
		char *name = tui_form_text(&e->fields[F_G_NAME + 3 * g], &err);
		char *rel = err == CF_OK ? tui_form_text(&e->fields[F_G_RELATION + 3 * g], &err) : NULL;
		char *ph = err == CF_OK ? tui_form_text(&e->fields[F_G_PHONES + 3 * g], &err) : NULL;
		struct cf_guardian *gd;

		if (err == CF_OK && (name || rel || ph)) {
			if (!name) {
				snprintf(e->fields[F_G_NAME + 3 * g].error, sizeof e->fields[0].error, "%s",
				         _("Give the guardian's name, or clear the relation and phones."));
				bad = true;
			}
			gd = student_add_guardian(s);
			if (!gd || student_set_str(s, &gd->name, name, name ? strlen(name) : 0) != CF_OK ||
			    student_set_str(s, &gd->relation, rel, rel ? strlen(rel) : 0) != CF_OK)
				err = CF_ERR_NOMEM;
			else if (ph && !add_phones(s, gd, ph, e->fields[F_G_PHONES + 3 * g].error,
			                           sizeof e->fields[0].error))
				bad = true;
		}
		crypto_secure_free(name);
		crypto_secure_free(rel);
		crypto_secure_free(ph);
		if (err != CF_OK)
			return err;
	}
	/* guardians past the form's two (from an import) stay as they were */
	for (size_t g = FORM_GUARDIANS; orig && g < orig->n_guardians; g++) {
		struct cf_guardian *gd = student_add_guardian(s);
		const struct cf_guardian *og = &orig->guardians[g];

		if (!gd || student_set_str(s, &gd->name, og->name, og->name ? strlen(og->name) : 0) != CF_OK ||
		    student_set_str(s, &gd->relation, og->relation, og->relation ? strlen(og->relation) : 0) != CF_OK)
			return CF_ERR_NOMEM;
		for (size_t p = 0; p < og->n_phones; p++)
			if (student_guardian_add_phone(s, gd, og->phones[p]) != CF_OK)
				return CF_ERR_NOMEM;
	}
	if (!bad) {
		uint32_t badf = 0;

		/* the back end's own check, for anything the form does not catch itself */
		if (students_validate(s, &badf) != CF_OK) {
			static const struct { uint32_t bit; int field; } map[] = {
				{ CF_FIELD_STUDENT_NUMBER, F_NUMBER }, { CF_FIELD_NAME, F_NAME },
				{ CF_FIELD_SEX, F_SEX }, { CF_FIELD_BIRTH_DATE, F_BIRTH },
				{ CF_FIELD_ETHNICITY, F_ETHNICITY }, { CF_FIELD_SCHOOL, F_SCHOOL },
				{ CF_FIELD_GRADE, F_GRADE }, { CF_FIELD_CLASS, F_CLASS },
				{ CF_FIELD_GUARDIANS, F_G_NAME }, { CF_FIELD_ADDRESS, F_ADDRESS },
				{ CF_FIELD_FLAGS, F_FLAGS }, { CF_FIELD_STATUS, F_STATUS },
				{ CF_FIELD_REMARKS, F_REMARKS },
			};

			for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
				if (badf & map[i].bit)
					snprintf(e->fields[map[i].field].error, sizeof e->fields[0].error, "%s",
					         _("This field is not valid."));
			bad = true;
		}
	}
	return bad ? CF_ERR_INVALID : CF_OK;
}

static enum tui_key_result
save(struct cf_screen *s, struct edit *e)
{
	struct cf_casefile *cf = tui_casefile(s->tui);
	struct cf_student st;
	int64_t id = e->id;
	int err;

	if (!cf || !e->st->idx) {
		tui_status(s->tui, cf_strerror(CF_ERR_LOCKED), true);
		return TUI_KEY_HANDLED;
	}
	err = form_student(e, &st);
	if (err == CF_OK)
		err = e->id ? students_update(cf, e->st->idx, e->id, &st, NULL) : students_add(cf, e->st->idx, &st, &id, NULL);
	student_fini(&st);
	if (err == CF_ERR_EXISTS) {
		snprintf(e->fields[F_NUMBER].error, sizeof e->fields[F_NUMBER].error, "%s",
		         _("Another student already has this student number."));
		err = CF_ERR_INVALID;
	}
	if (err == CF_ERR_INVALID) {
		tui_form_focus_error(&e->form);
		tui_status(s->tui, _("Not saved: correct the marked fields."), true);
		return TUI_KEY_HANDLED;
	}
	if (err != CF_OK) {
		tui_status(s->tui, cf_strerror(err), true);
		return TUI_KEY_HANDLED;
	}
	tui_students_changed(e->st);
	if (e->done)
		e->done(e->ctx, id);
	tui_status(s->tui, _("Student saved."), false);
	return TUI_KEY_CLOSE;
}

static enum tui_key_result
edit_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct edit *e = s->priv;
	enum tui_key_result r;

	if (e->confirm_discard) {
		bool answered, yes = tui_students_confirm_key(k, &answered);

		if (answered)
			e->confirm_discard = false;
		return yes ? TUI_KEY_CLOSE : TUI_KEY_HANDLED;
	}
	/* F2, or Ctrl-O as in nano ("write out") for terminals whose F-keys the desktop takes */
	if ((k->fn && k->code == KEY_F(2)) || (!k->fn && k->code == TUI_CTRL('O')))
		return save(s, e);
	if (!k->fn && k->code == 27) {
		if (!e->form.dirty)
			return TUI_KEY_CLOSE;
		e->confirm_discard = true;
		return TUI_KEY_HANDLED;
	}
	r = tui_form_key(&e->form, k);
	if (r != TUI_KEY_UNHANDLED)
		return r;
	/* F1 and the lock key reach the frame; nothing else leaves the form */
	if ((k->fn && k->code == KEY_F(1)) || (!k->fn && k->code == TUI_CTRL('L')))
		return TUI_KEY_UNHANDLED;
	return TUI_KEY_HANDLED;
}

static const struct cf_tui_keyhelp edit_keys[] = {
	/* TRANSLATORS: hint labels, at most 8 columns (4 Chinese characters). */
	{ "F2/^O", N_("Save the student (F2 or Ctrl-O)"), N_("Save") },
	{ "Esc", N_("Close the form (asks before discarding changes)"), N_("Cancel") },
	{ "Tab", N_("Next field (also Down)"), N_("Next") },
	{ "Shift-Tab", N_("Previous field (also Up)"), NULL },
	{ "Left/Right", N_("Change a choice: sex, status (also Space)"), NULL },
	{ "1-9", N_("Pick a choice; in Flags, switch a flag on or off"), NULL },
	{ NULL, NULL, NULL },
};

const struct cf_screen_ops tui_screen_student_edit = {
	.name = "student-edit",
	/* TRANSLATORS: screen titles in the header line: at most 16 columns. */
	.title = N_("Student"),
	.keys = edit_keys,
	.flags = TUI_SCREEN_DIALOG,
	.init = edit_init,
	.free = edit_free,
	.layout = edit_layout,
	.draw = edit_draw,
	.key = edit_key,
};
