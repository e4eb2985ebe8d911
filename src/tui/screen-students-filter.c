/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Students filter dialog: school, grade, class, flag and status, each picked from the values in the case file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-frame.h"
#include "tui-screens.h"
#include "tui-students.h"
#include "tui-widgets.h"

enum { R_SCHOOL, R_GRADE, R_CLASS, R_FLAG, R_STATUS, R__COUNT };

/* Status choices: index 0 is the default list. */
static const uint32_t status_masks[] = {
	0,
	1u << CF_STUDENT_ACTIVE,
	1u << CF_STUDENT_ON_LEAVE,
	1u << CF_STUDENT_TRANSFERRED,
	1u << CF_STUDENT_GRADUATED,
	CF_STUDENTS_STATUS_ALL,
};
#define N_STATUS (sizeof status_masks / sizeof status_masks[0])

/* Secure memory: the picked values are school and class names. */
struct filt {
	struct tui_students *st;
	struct tui_students_sel *out;
	struct tui_students_sel sel; /* the choices being made */
	const char **values[3];      /* distinct schools, grades, classes (borrowed from the index) */
	size_t n_values[3];
	size_t row;
	struct cf_rect box;
};

static void
free_values(struct filt *f, int from)
{
	for (int k = from; k < 3; k++) {
		free(f->values[k]);
		f->values[k] = NULL;
		f->n_values[k] = 0;
	}
}

/* The distinct values of key k within the school (and grade) chosen; a choice no longer offered is dropped. */
static int
load_values(struct filt *f, int from)
{
	char *cur[3] = { f->sel.school, f->sel.grade, f->sel.class_name };

	free_values(f, from);
	for (int k = from; k < 3; k++) {
		bool found = false;
		int err = students_distinct(f->st->idx, (enum cf_students_key)k, k > 0 && f->sel.school[0] ? f->sel.school : NULL,
		                            k > 1 && f->sel.grade[0] ? f->sel.grade : NULL, &f->values[k], &f->n_values[k]);

		if (err != CF_OK)
			return err;
		for (size_t i = 0; i < f->n_values[k]; i++)
			if (strcmp(f->values[k][i], cur[k]) == 0)
				found = true;
		if (!found)
			cur[k][0] = '\0';
	}
	return CF_OK;
}

static int
filt_init(struct cf_screen *s, void *arg)
{
	const struct tui_students_filter_arg *a = arg;
	struct filt *f;
	int err;

	if (!a || !a->st || !a->st->idx)
		return CF_ERR_LOCKED;
	f = crypto_secure_alloc(sizeof *f);
	if (!f)
		return CF_ERR_NOMEM;
	f->st = a->st;
	f->out = a->sel;
	f->sel = *a->sel;
	err = load_values(f, 0);
	if (err != CF_OK) {
		free_values(f, 0);
		crypto_secure_free(f);
		return err;
	}
	s->priv = f;
	return CF_OK;
}

static void
filt_free(struct cf_screen *s)
{
	struct filt *f = s->priv;

	if (!f)
		return;
	free_values(f, 0);
	crypto_secure_free(f);
	s->priv = NULL;
}

/* The index's strings go with the index: a lock closes the dialog's lists (it is reopened by hand). */
static void
filt_lock(struct cf_screen *s)
{
	free_values(s->priv, 0);
}

static int
filt_unlock(struct cf_screen *s)
{
	struct filt *f = s->priv;

	return f->st->idx ? load_values(f, 0) : CF_ERR_LOCKED;
}

static void
filt_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct filt *f = s->priv;

	(void)compact;
	f->box = tui_rect_center(area, area->w < 64 ? area->w : 64, R__COUNT + 7);
}

/* Index of the current value of key k in its list, or -1 for "any". */
static long
value_index(const struct filt *f, int k)
{
	const char *cur = k == 0 ? f->sel.school : k == 1 ? f->sel.grade : f->sel.class_name;

	for (size_t i = 0; i < f->n_values[k]; i++)
		if (strcmp(f->values[k][i], cur) == 0)
			return (long)i;
	return -1;
}

static long
flag_index(const struct filt *f)
{
	for (unsigned b = 0; b < CF_STUDENT_FLAG_COUNT; b++)
		if (f->sel.flags & (1u << b))
			return (long)b;
	return -1;
}

static size_t
status_index(const struct filt *f)
{
	for (size_t i = 0; i < N_STATUS; i++)
		if (status_masks[i] == f->sel.status_mask)
			return i;
	return 0;
}

static void
filt_draw(struct cf_screen *s)
{
	struct filt *f = s->priv;
	/* TRANSLATORS: rows of the filter dialog: at most 12 columns. */
	const char *labels[R__COUNT] = { _("School"), _("Grade"), _("Class"), _("Flag"), _("Status") };
	int lw = 0;

	tui_draw_box(&f->box, _("Filter students"));
	for (int r = 0; r < R__COUNT; r++) {
		int w = text_width(labels[r], strlen(labels[r]));

		if (w > lw)
			lw = w;
	}
	for (int r = 0; r < R__COUNT; r++) {
		int y = f->box.y + 2 + r, x = f->box.x + 2, vx = x + 2 + lw + 2;
		char val[512];
		const char *v;

		if (r < 3) {
			long i = value_index(f, r);

			v = i < 0 ? _("any") : f->values[r][i];
		} else if (r == R_FLAG) {
			long i = flag_index(f);

			v = i < 0 ? _("any") : student_flag_label((enum cf_student_flag)(1u << i));
		} else {
			size_t i = status_index(f);

			v = i == 0 ? _("not archived") : i == N_STATUS - 1 ? _("all, archived too")
			                                                   : student_status_label((enum cf_student_status)(i - 1));
		}
		snprintf(val, sizeof val, "< %s >", v);
		if ((size_t)r == f->row)
			tui_draw_text(y, x, 2, ">", TUI_ROLE_TITLE, TEXT_LEFT);
		tui_draw_text(y, x + 2, lw, labels[r], (size_t)r == f->row ? TUI_ROLE_TITLE : TUI_ROLE_NORMAL,
		              TEXT_LEFT);
		tui_draw_text(y, vx, f->box.x + f->box.w - 2 - vx, val,
		              (size_t)r == f->row ? TUI_ROLE_SELECTED : TUI_ROLE_NORMAL, TEXT_LEFT);
		crypto_wipe(val, sizeof val);
	}
	tui_draw_text(f->box.y + f->box.h - 4, f->box.x + 2, f->box.w - 4,
	              _("Left/Right: change   Del: any   Enter: apply   Esc: cancel"), TUI_ROLE_HINT,
	              TEXT_LEFT);
	{
		/* the legend of the Flags column */
		char legend[512];
		size_t n = 0;

		legend[0] = '\0';
		for (unsigned b = 0; b < CF_STUDENT_FLAG_COUNT && n < sizeof legend; b++) {
			int w = snprintf(legend + n, sizeof legend - n, "%s%s %s", b ? ", " : "",
			                 tui_students_flag_marker(b), student_flag_label((enum cf_student_flag)(1u << b)));

			if (w > 0)
				n += (size_t)w;
		}
		struct cf_rect lr = { f->box.x + 2, f->box.y + f->box.h - 3, f->box.w - 4, 2 };

		tui_draw_paragraph(&lr, 0, legend, TUI_ROLE_HINT);
	}
}

/* Moves the value of the current row by dir (-1, +1), or to "any" with dir 0. */
static void
change(struct filt *f, int dir)
{
	if (f->row < 3) {
		int k = (int)f->row;
		char *cur = k == 0 ? f->sel.school : k == 1 ? f->sel.grade : f->sel.class_name;
		size_t size = k == 0 ? sizeof f->sel.school : k == 1 ? sizeof f->sel.grade : sizeof f->sel.class_name;
		long i = value_index(f, k), n = (long)f->n_values[k];

		/* positions -1 (any), 0 .. n-1, cycling */
		i = dir == 0 ? -1 : ((i + 1 + dir) % (n + 1) + (n + 1)) % (n + 1) - 1;
		snprintf(cur, size, "%s", i < 0 ? "" : f->values[k][i]);
		if (k < 2)
			load_values(f, k + 1);
	} else if (f->row == R_FLAG) {
		long i = flag_index(f), n = CF_STUDENT_FLAG_COUNT;

		i = dir == 0 ? -1 : ((i + 1 + dir) % (n + 1) + (n + 1)) % (n + 1) - 1;
		f->sel.flags = i < 0 ? 0 : 1u << i;
	} else {
		size_t i = status_index(f);

		i = dir == 0 ? 0 : (i + N_STATUS + (size_t)(dir > 0 ? 1 : N_STATUS - 1)) % N_STATUS;
		f->sel.status_mask = status_masks[i];
	}
}

static enum tui_key_result
filt_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct filt *f = s->priv;

	if (!f->st->idx)
		return (!k->fn && k->code == 27) ? TUI_KEY_CLOSE : TUI_KEY_UNHANDLED;
	if (tui_key_is_enter(k)) {
		*f->out = f->sel;
		/* the list shows the new choice (its refresh op) */
		tui_records_changed(s->tui, &cf_table_student);
		return TUI_KEY_CLOSE;
	}
	if (!k->fn && k->code == 27)
		return TUI_KEY_CLOSE;
	if (k->fn) {
		switch (k->code) {
		case KEY_UP: f->row = f->row ? f->row - 1 : R__COUNT - 1; break;
		case KEY_DOWN: f->row = (f->row + 1) % R__COUNT; break;
		case KEY_LEFT: change(f, -1); break;
		case KEY_RIGHT: change(f, 1); break;
		case KEY_DC: case KEY_BACKSPACE: change(f, 0); break;
		default: return TUI_KEY_UNHANDLED;
		}
		return TUI_KEY_HANDLED;
	}
	if (k->code == '\t') {
		f->row = (f->row + 1) % R__COUNT;
		return TUI_KEY_HANDLED;
	}
	if (k->code == ' ') {
		change(f, 1);
		return TUI_KEY_HANDLED;
	}
	if (tui_key_is_backspace(k)) {
		change(f, 0);
		return TUI_KEY_HANDLED;
	}
	return TUI_KEY_UNHANDLED;
}

static const struct cf_tui_keyhelp filt_keys[] = {
	/* TRANSLATORS: hint labels, at most 8 columns (4 Chinese characters). */
	{ "Enter", N_("Apply the filter"), N_("Apply") },
	{ "Esc", N_("Close without changing the filter"), N_("Cancel") },
	{ "Up/Down", N_("Choose a row"), NULL },
	{ "Left/Right", N_("Change the value (also Space)"), NULL },
	{ "Del", N_("Any value (also Backspace)"), NULL },
	{ NULL, NULL, NULL },
};

const struct cf_screen_ops tui_screen_students_filter = {
	.name = "students-filter",
	/* TRANSLATORS: screen titles in the header line: at most 16 columns. */
	.title = N_("Filter"),
	.keys = filt_keys,
	.flags = TUI_SCREEN_DIALOG,
	.init = filt_init,
	.free = filt_free,
	.layout = filt_layout,
	.draw = filt_draw,
	.key = filt_key,
	.lock = filt_lock,
	.unlock = filt_unlock,
};
