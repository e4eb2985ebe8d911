/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The student and home-school contact forms: declarations on the kit's record form. */
#include <stdio.h>
#include <string.h>

#include "carefile/casefile.h"
#include "carefile/contact.h"
#include "carefile/i18n.h"
#include "tui-screens.h"
#include "tui-students.h"

/* ---- the student ---- */

static const struct tui_form_item student_items[] = {
	{ .tag = 1 },  /* student number */
	{ .tag = 2 },  /* name */
	{ .tag = 3 },  /* sex */
	{ .tag = 4 },  /* date of birth */
	{ .tag = 5 },  /* ethnicity */
	{ .tag = 6 },  /* school */
	{ .tag = 7 },  /* grade */
	{ .tag = 8 },  /* class */
	{ .tag = 12 }, /* status */
	{ .tag = 11 }, /* flags */
	/* TRANSLATORS: %d is the guardian's number (1, 2). */
	{ .tag = 9, .block_label = N_("Guardian %d") },
	{ .tag = 10, .rows = 2 }, /* address */
	{ .tag = 13, .rows = 3 }, /* remarks */
};

static int
student_load(struct cf_tui *tui, void *ctx, void *rec, char *subject, size_t size, bool *editing)
{
	struct tui_student_form_ctx *c = ctx;
	struct cf_student *s = rec;
	size_t pos;
	int err;

	(void)tui;
	*editing = c->id != 0;
	subject[0] = '\0';
	if (!c->st || !c->st->idx)
		return CF_ERR_LOCKED;
	if (!c->id) {
		/* a student added while the list shows one class most likely belongs to it */
		const char *d[3] = { c->defaults.school, c->defaults.grade, c->defaults.class_name };
		char **f[3] = { &s->school, &s->grade, &s->class_name };

		for (int i = 0; i < 3; i++)
			if (d[i][0] && student_set_str(s, f[i], d[i], strlen(d[i])) != CF_OK)
				return CF_ERR_NOMEM;
		return CF_OK;
	}
	if ((err = students_find_id(c->st->idx, c->id, &pos)) != CF_OK)
		return err;
	err = student_copy(s, students_get(c->st->idx, pos), record_alloc(&cf_student_type, s));
	if (err == CF_OK && s->name)
		snprintf(subject, size, "%s", s->name);
	return err;
}

static int
student_save(struct cf_tui *tui, void *ctx, void *rec, struct cf_field_errors *errs)
{
	struct tui_student_form_ctx *c = ctx;
	struct cf_casefile *cf = tui_casefile(tui);
	int64_t id = c->id;
	int err;

	if (!cf || !c->st->idx)
		return CF_ERR_LOCKED;
	err = c->id ? students_update(cf, c->st->idx, c->id, rec, errs) : students_add(cf, c->st->idx, rec, &id, errs);
	if (err == CF_OK && c->saved_id)
		*c->saved_id = id;
	return err;
}

/* TRANSLATORS: the student form's title (adding, or editing a student named %s), status after a save, question on Esc. */
const struct tui_form_spec tui_student_form_spec = {
	.name = "student-edit", .type = &cf_student_type, .table = &cf_table_student, .items = student_items,
	.n_items = sizeof student_items / sizeof student_items[0], .ctx_size = sizeof(struct tui_student_form_ctx),
	.title_new = N_("Add a student"), .title_edit = N_("Edit student: %s"), .saved = N_("Student saved."),
	.discard = N_("The changes in this form have not been saved. Discard them?"),
	.load = student_load, .save = student_save,
};

/* ---- a home-school contact entry ---- */

static const struct tui_form_item contact_items[] = {
	{ .tag = CF_CONTACT_F_DATE },
	{ .tag = CF_CONTACT_F_GUARDIAN, .choose = true },
	{ .tag = CF_CONTACT_F_CHANNEL },
	{ .tag = CF_CONTACT_F_SUMMARY, .rows = 6 },
};

static const struct cf_student *
contact_student(const struct tui_contact_form_ctx *c)
{
	size_t pos;

	if (!c->st || !c->st->idx || students_find_id(c->st->idx, c->student_id, &pos) != CF_OK)
		return NULL;
	return students_get(c->st->idx, pos);
}

static int
contact_load(struct cf_tui *tui, void *ctx, void *rec, char *subject, size_t size, bool *editing)
{
	struct tui_contact_form_ctx *c = ctx;
	const struct cf_student *st = contact_student(c);
	struct cf_contact *ct = rec;
	struct cf_casefile *cf = tui_casefile(tui);
	int err = CF_OK;

	*editing = c->row.id != 0;
	subject[0] = '\0';
	if (!st || !cf)
		return st ? CF_ERR_LOCKED : CF_ERR_NOT_FOUND;
	snprintf(subject, size, "%s", st->name ? st->name : "");
	if (c->row.id) {
		struct cf_row row;

		err = casefile_record_get(cf, &cf_table_contact, c->row.id, record_alloc(&cf_contact_type, ct), ct, &row);
		if (err == CF_OK && row.col[0] != c->student_id)
			err = CF_ERR_NOT_FOUND;
		if (err == CF_OK)
			c->row = row; /* its version now: a save refuses to overwrite a newer one */
		return err;
	}
	casefile_today(ct->date);
	ct->channel = CF_CONTACT_PHONE;
	/* who is contacted most often: the first guardian */
	if (st->n_guardians && st->guardians[0].name)
		err = record_set_text(&cf_contact_type, ct, &ct->guardian, st->guardians[0].name,
		                      strlen(st->guardians[0].name));
	return err;
}

/* The guardians: stored as the name, shown as "name (relation)". */
static size_t
contact_choices(struct cf_tui *tui, void *ctx, uint16_t tag, const char **values, char (*labels)[128], size_t max)
{
	const struct cf_student *st = contact_student(ctx);
	size_t n = 0;

	(void)tui;
	(void)tag;
	for (size_t g = 0; st && g < st->n_guardians && n < max; g++) {
		const struct cf_guardian *gd = &st->guardians[g];

		if (!gd->name)
			continue;
		values[n] = gd->name;
		if (gd->relation)
			snprintf(labels[n], sizeof labels[n], "%s (%s)", gd->name, gd->relation);
		else
			labels[n][0] = '\0';
		n++;
	}
	return n;
}

static int
contact_save(struct cf_tui *tui, void *ctx, void *rec, struct cf_field_errors *errs)
{
	struct tui_contact_form_ctx *c = ctx;
	struct cf_casefile *cf = tui_casefile(tui);

	if (!cf)
		return CF_ERR_LOCKED;
	return casefile_record_put_child(cf, &cf_table_contact, &cf_table_student, c->student_id, &c->row, rec, errs);
}

/* TRANSLATORS: the contact form's titles (%s: the student's name), status after a save, question on Esc. */
const struct tui_form_spec tui_contact_form_spec = {
	.name = "contact-edit", .type = &cf_contact_type, .table = &cf_table_contact, .items = contact_items,
	.n_items = sizeof contact_items / sizeof contact_items[0], .ctx_size = sizeof(struct tui_contact_form_ctx),
	.title_new = N_("New home-school contact: %s"), .title_edit = N_("Edit home-school contact: %s"),
	.saved = N_("Contact entry saved."), .discard = N_("This contact entry has not been saved. Discard it?"),
	.load = contact_load, .choices = contact_choices, .save = contact_save,
};
