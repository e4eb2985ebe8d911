/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Students: the list of students with incremental pinyin search, filters, privacy mode and the shared index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-frame.h"
#include "tui-screens.h"
#include "tui-students.h"
#include "tui-kit.h"
#include "tui-widgets.h"

/* --- shared state ---------------------------------------------------------------- */

/*
 * Privacy mode is one switch for the whole interface (every list that shows
 * names reads it), so it survives leaving and re-entering the screen; its
 * start value comes from the configuration file (session.c).
 */
static bool privacy_mode;

void
tui_privacy_set(bool on)
{
	privacy_mode = on;
}

bool
tui_privacy_mode(void)
{
	return privacy_mode;
}

void
tui_privacy_toggle(void)
{
	privacy_mode = !privacy_mode;
}

const char *
tui_students_list_name(const char *name, char *buf, size_t size)
{
	if (size == 0)
		return "";
	if (!name) {
		buf[0] = '\0';
		return buf;
	}
	if (privacy_mode)
		students_display_initials(name, buf, size);
	else
		snprintf(buf, size, "%s", name);
	return buf;
}

int
tui_students_load(struct tui_students *st)
{
	struct cf_casefile *cf = tui_casefile(st->tui);

	students_free(&st->idx);
	st->load_err = cf ? students_load(cf, &st->idx) : CF_ERR_LOCKED;
	return st->load_err;
}

void
tui_students_drop(struct tui_students *st)
{
	if (st)
		students_free(&st->idx);
}

/* --- the list -------------------------------------------------------------------- */

/* Secure memory (crypto_secure_alloc): the search text, filter values and cell buffer are sensitive. */
struct students {
	struct tui_students st;
	struct cf_tui_list *list;
	size_t *pos;   /* positions of the students shown, list order; malloc'd */
	size_t npos, cap;
	struct cf_tui_edit *search; /* secure memory through the editor's allocator */
	struct cf_students_search *narrow; /* search as you type narrows the last matches */
	bool searching;
	char query[512];
	struct tui_students_sel sel;
	struct cf_students_filter filter; /* points into sel */
	char cell[512];
	int64_t added;  /* the row id of the student the add form saved: shown and selected */
	struct cf_rect title, summary, table, bottom;
	bool compact;
};

/*
 * One-character markers. Single letters would share one msgid ("M" for
 * male and for migrant), so each carries a prefix up to '|' that marker()
 * drops when the text is not translated.
 */
static const char *
marker(const char *msgid)
{
	const char *t = _(msgid), *bar = strchr(t, '|');

	return bar ? bar + 1 : t;
}

/* Flag markers, in enum cf_student_flag bit order. */
static const char *const flag_markers[CF_STUDENT_FLAG_COUNT] = {
	/*
	 * TRANSLATORS: one-character markers for student flags in the list's
	 * Flags column (1 Latin letter or 1 Chinese character, after the '|';
	 * translate without the prefix): left-behind child, on leave, special
	 * needs, boarding, single parent, migrant, poverty.
	 */
	N_("flag|L"), N_("flag|O"), N_("flag|S"), N_("flag|B"), N_("flag|1"), N_("flag|M"), N_("flag|P"),
};

static const char *const status_markers[CF_STUDENT_STATUS__COUNT] = {
	/*
	 * TRANSLATORS: one-character markers for a student's status in the
	 * Flags column (translate without the prefix): on leave, transferred,
	 * graduated.
	 */
	"", N_("status|o"), N_("status|t"), N_("status|g"),
};

const char *
tui_students_flag_marker(unsigned bit)
{
	return bit < CF_STUDENT_FLAG_COUNT ? marker(flag_markers[bit]) : "";
}

/* Column sets: full (80 columns and more) and compact (60 columns: no sex). */
enum { COL_NAME, COL_SEX, COL_CLASS, COL_NUMBER, COL_SCHOOL, COL_FLAGS, COL__COUNT };

static const struct cf_tui_column columns_full[] = {
	/* TRANSLATORS: column headings of the Students list; Sex at most 4 columns, Flags at most 6. */
	{ N_("Name"), 8, 2, TEXT_LEFT },
	{ N_("Sex"), 4, 0, TEXT_LEFT },
	{ N_("Grade/class"), 10, 1, TEXT_LEFT },
	{ N_("Student no."), 12, 1, TEXT_LEFT },
	{ N_("School"), 8, 2, TEXT_LEFT },
	{ N_("Flags"), 6, 0, TEXT_LEFT },
};
static const int columns_full_map[] = { COL_NAME, COL_SEX, COL_CLASS, COL_NUMBER, COL_SCHOOL, COL_FLAGS };

static const struct cf_tui_column columns_compact[] = {
	{ N_("Name"), 8, 1, TEXT_LEFT },
	{ N_("Grade/class"), 11, 0, TEXT_LEFT },
	{ N_("Student no."), 15, 0, TEXT_LEFT },
	{ N_("School"), 6, 1, TEXT_LEFT },
	{ N_("Flags"), 5, 0, TEXT_LEFT },
};
static const int columns_compact_map[] = { COL_NAME, COL_CLASS, COL_NUMBER, COL_SCHOOL, COL_FLAGS };

static const char *
sex_short(enum cf_sex sex)
{
	/* TRANSLATORS: short sex in the Students list (translate without the prefix): male, female. */
	switch (sex) {
	case CF_SEX_MALE: return marker(N_("sex|M"));
	case CF_SEX_FEMALE: return marker(N_("sex|F"));
	default: return "";
	}
}

static const char *
students_cell(void *ctx, size_t row, size_t col)
{
	struct students *l = ctx;
	size_t p = l->pos[row];
	const struct cf_student *s = students_get(l->st.idx, p);
	int which = l->compact ? columns_compact_map[col] : columns_full_map[col];

	l->cell[0] = '\0';
	if (!s)
		return l->cell;
	switch (which) {
	case COL_NAME:
		return tui_students_list_name(s->name, l->cell, sizeof l->cell);
	case COL_SEX:
		return sex_short(s->sex);
	case COL_CLASS:
		snprintf(l->cell, sizeof l->cell, "%s%s%s", s->grade ? s->grade : "",
		         s->grade && s->class_name ? " " : "", s->class_name ? s->class_name : "");
		break;
	case COL_NUMBER:
		return s->student_number ? s->student_number : "";
	case COL_SCHOOL:
		return s->school ? s->school : "";
	case COL_FLAGS: {
		size_t n = 0;

		for (unsigned b = 0; b < CF_STUDENT_FLAG_COUNT; b++)
			if (s->flags & (1u << b))
				n += (size_t)snprintf(l->cell + n, sizeof l->cell - n, "%s", marker(flag_markers[b]));
		/* the on-leave flag already says what the on-leave status would */
		if (s->status != CF_STUDENT_ACTIVE && s->status < CF_STUDENT_STATUS__COUNT && n < sizeof l->cell &&
		    !(s->status == CF_STUDENT_ON_LEAVE && (s->flags & CF_STUDENT_FLAG_ON_LEAVE)))
			snprintf(l->cell + n, sizeof l->cell - n, "%s", marker(status_markers[s->status]));
		break;
	}
	default:
		break;
	}
	return l->cell;
}

/* Record id of list row `row` (the selection is kept by it). */
static int64_t
row_id(void *ctx, size_t row)
{
	struct students *l = ctx;

	return row < l->npos ? students_id(l->st.idx, l->pos[row]) : -1;
}

/* Runs the search and the filters again over the index; the selection goes to the first row when reset, else stays on its student. */
static void
refilter(struct students *l, bool reset)
{
	int64_t keep = reset ? -1 : tui_list_selected_id(l->list);
	size_t n = 0;

	l->filter.school = l->sel.school[0] ? l->sel.school : NULL;
	l->filter.grade = l->sel.grade[0] ? l->sel.grade : NULL;
	l->filter.class_name = l->sel.class_name[0] ? l->sel.class_name : NULL;
	l->filter.flags = l->sel.flags;
	l->filter.status_mask = l->sel.status_mask;
	if (l->st.idx) {
		size_t total = students_count(l->st.idx);

		if (total > l->cap) {
			size_t *p = realloc(l->pos, total * sizeof *p);

			if (p) {
				l->pos = p;
				l->cap = total;
			}
		}
		if (total <= l->cap && (!l->narrow || students_search_run(l->narrow, l->st.idx, l->query, &l->filter, l->pos,
		                                                          &n) != CF_OK))
			n = 0;
	}
	l->npos = n;
	tui_list_set_rows(l->list, n);
	if (reset || !tui_list_select_id(l->list, keep))
		tui_list_jump(l->list, reset || keep < 0);
}

static void
search_update(struct students *l)
{
	crypto_wipe(l->query, sizeof l->query);
	if (l->search)
		tui_edit_utf8(l->search, l->query, sizeof l->query);
	refilter(l, true);
}

static int
students_init(struct cf_screen *s, void *arg)
{
	struct students *l = crypto_secure_alloc(sizeof *l);

	(void)arg;
	if (!l)
		return CF_ERR_NOMEM;
	l->st.tui = s->tui;
	l->list = tui_list_new(0, NULL, NULL, NULL);
	if (!l->list || students_search_new(&l->narrow) != CF_OK) {
		tui_list_free(&l->list);
		crypto_secure_free(l);
		return CF_ERR_NOMEM;
	}
	tui_list_set_id_fn(l->list, row_id, l);
	s->priv = l;
	l->st.load_err = CF_ERR_LOCKED;
	if (tui_casefile(s->tui))
		tui_students_load(&l->st);
	refilter(l, true);
	return CF_OK;
}

static void
students_free_screen(struct cf_screen *s)
{
	struct students *l = s->priv;

	if (!l)
		return;
	tui_students_drop(&l->st);
	tui_list_free(&l->list);
	students_search_free(&l->narrow);
	tui_edit_free(&l->search);
	free(l->pos);
	crypto_secure_free(l); /* wipes the query, the filter values and the cell buffer */
	s->priv = NULL;
}

static void
students_lock(struct cf_screen *s)
{
	struct students *l = s->priv;

	tui_students_drop(&l->st);
	l->st.load_err = CF_ERR_LOCKED;
	crypto_wipe(l->cell, sizeof l->cell);
	refilter(l, false);
}

static int
students_unlock(struct cf_screen *s)
{
	struct students *l = s->priv;
	int err = tui_students_load(&l->st);

	refilter(l, false);
	return err;
}

/* Students changed (a form, an archive, an import) or the filter did: filter again, on the same student. */
static int
students_refresh(struct cf_screen *s, const struct cf_table *table)
{
	struct students *l = s->priv;

	if (table && table != &cf_table_student)
		return CF_OK;
	if (!l->st.idx && tui_casefile(s->tui))
		tui_students_load(&l->st);
	refilter(l, false);
	if (l->added) {
		/* a new student is shown whatever the search and filters were: selected if it passes them */
		(void)tui_list_select_id(l->list, l->added);
		l->added = 0;
	}
	return CF_OK;
}

static void
students_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct students *l = s->priv;
	int x = area->x + 2, w = area->w - 4;

	if (w < 0)
		w = 0;
	l->compact = compact;
	l->title = (struct cf_rect){ x, area->y, w, 1 };
	l->summary = (struct cf_rect){ x, area->y + 1, w, 1 };
	l->table = (struct cf_rect){ x, area->y + 2, w, area->h - 3 };
	if (l->table.h < 0)
		l->table.h = 0;
	l->bottom = (struct cf_rect){ x, area->y + area->h - 1, w, 1 };
}

/* Appends "label: value" to buf at *n when value is set. */
static void
summary_add(char *buf, size_t size, size_t *n, const char *label, const char *value)
{
	int r;

	if (!value || !*value || *n >= size)
		return;
	r = snprintf(buf + *n, size - *n, "%s%s: %s", *n ? "  " : "", label, value);
	if (r > 0)
		*n += (size_t)r < size - *n ? (size_t)r : size - *n - 1;
}

/*
 * The user's keys do not open student records (a hotline or admin-only
 * role: no identity compartment). The screen then says so instead of an
 * empty list, and offers no search, add, filter, import or privacy key.
 */
static bool
denied(const struct students *l)
{
	return !l->st.idx && l->st.load_err == CF_ERR_PERMISSION;
}

/* TRANSLATORS: the Students screen for a role without access to student records (hotline, admin); one line. */
#define DENIED_TEXT N_("No permission: your role cannot see student records.")

/* The empty-list text: why there are no rows. */
static const char *
empty_text(const struct students *l)
{
	if (!l->st.idx) {
		if (l->st.load_err == CF_ERR_LOCKED)
			return _("No case file is open: start carefile with -f FILE to see students.");
		return cf_strerror(l->st.load_err);
	}
	if (students_count(l->st.idx) == 0 && students_damaged(l->st.idx) == 0)
		return _("No students yet: press + to add one, or import a class roster.");
	if (students_count(l->st.idx) == 0)
		return _("No student record could be read: run carefile check.");
	return _("No student matches the search and filters.");
}

/* Why the list is not there, and where to go instead: no names, no counts, nothing of the file. */
static void
draw_denied(const struct students *l)
{
	struct cf_rect r = l->table;
	int y;

	tui_draw_text(l->title.y, l->title.x, l->title.w, _("Students"), TUI_ROLE_TITLE, TEXT_LEFT);
	y = tui_draw_paragraph(&r, 0, _(DENIED_TEXT), TUI_ROLE_ERROR) + 1;
	y += tui_draw_paragraph(&r, y, _("Student records (names, guardians, remarks and family flags) open only with "
	                                 "the keys of the counselor or supervisor role. Ask an administrator if your "
	                                 "work needs them."),
	                        TUI_ROLE_NORMAL) + 1;
	tui_draw_paragraph(&r, y, _("The other screens work as usual: press t for Today or h for Hotline."),
	                   TUI_ROLE_HINT);
}

static void
students_draw(struct cf_screen *s)
{
	struct students *l = s->priv;
	char buf[1024], count[128];
	size_t n = 0;
	int cw;

	if (denied(l)) {
		draw_denied(l);
		return;
	}

	snprintf(buf, sizeof buf, "%s%s", _("Students"), privacy_mode ? _(" (privacy mode: initials only)") : "");
	if (l->st.idx && students_damaged(l->st.idx)) {
		size_t n0 = strlen(buf);

		/* TRANSLATORS: after the list's title: records that failed to authenticate or decode. */
		snprintf(buf + n0, sizeof buf - n0, P_("  (%zu record could not be read: run carefile check)",
		                                       "  (%zu records could not be read: run carefile check)",
		                                       students_damaged(l->st.idx)),
		         students_damaged(l->st.idx));
	}
	if (l->st.idx)
		/* TRANSLATORS: count line of the Students list: students shown of all students. */
		snprintf(count, sizeof count, _("%zu of %zu"), l->npos, students_count(l->st.idx));
	else
		count[0] = '\0';
	cw = text_width(count, strlen(count));
	if (cw > l->title.w)
		cw = l->title.w;
	tui_draw_text(l->title.y, l->title.x, l->title.w - cw, buf, TUI_ROLE_TITLE, TEXT_LEFT);
	tui_draw_text(l->title.y, l->title.x + l->title.w - cw, cw, count, TUI_ROLE_NORMAL, TEXT_RIGHT);

	/* the active filters, so a short list is never a mystery */
	buf[0] = '\0';
	summary_add(buf, sizeof buf, &n, _("School"), l->filter.school);
	summary_add(buf, sizeof buf, &n, _("Grade"), l->filter.grade);
	summary_add(buf, sizeof buf, &n, _("Class"), l->filter.class_name);
	for (unsigned b = 0; b < CF_STUDENT_FLAG_COUNT; b++)
		if (l->sel.flags & (1u << b))
			summary_add(buf, sizeof buf, &n, _("Flag"), student_flag_label((enum cf_student_flag)(1u << b)));
	if (l->sel.status_mask == CF_STUDENTS_STATUS_ALL)
		summary_add(buf, sizeof buf, &n, _("Status"), _("all, archived too"));
	else
		for (unsigned st = 0; st < CF_STUDENT_STATUS__COUNT; st++)
			if (l->sel.status_mask & (1u << st))
				summary_add(buf, sizeof buf, &n, _("Status"),
				            student_status_label((enum cf_student_status)st));
	if (n)
		tui_draw_text(l->summary.y, l->summary.x, l->summary.w, buf, TUI_ROLE_HINT, TEXT_LEFT);

	if (l->compact)
		tui_widget_list_draw(l->list, columns_compact, COL__COUNT - 1, students_cell, l, &l->table,
		                     empty_text(l));
	else
		tui_widget_list_draw(l->list, columns_full, COL__COUNT, students_cell, l, &l->table,
		                     empty_text(l));
	crypto_wipe(l->cell, sizeof l->cell);

	if (l->searching || l->query[0]) {
		struct cf_rect text = { l->bottom.x + 2, l->bottom.y, l->bottom.w - 2, 1 };

		tui_draw_text(l->bottom.y, l->bottom.x, 2, "/", TUI_ROLE_TITLE, TEXT_LEFT);
		if (l->search)
			tui_widget_edit_draw(l->search, &text, l->searching, s->tui);
	} else if (l->st.idx) {
		tui_draw_text(l->bottom.y, l->bottom.x, l->bottom.w,
		              _("/ search: name, pinyin initials (zs), full pinyin, student number or class"),
		              TUI_ROLE_HINT, TEXT_LEFT);
	}
}

static void
open_detail(struct students *l, struct cf_screen *s)
{
	size_t row = tui_list_selected_row(l->list);
	struct tui_student_detail_arg arg;
	int err;

	if (!l->st.idx || row == (size_t)-1 || row >= l->npos)
		return;
	arg.st = &l->st;
	arg.id = students_id(l->st.idx, l->pos[row]);
	err = tui_push(s->tui, &tui_screen_student_detail, &arg);
	if (err != CF_OK)
		tui_status(s->tui, cf_strerror(err), true);
}


static enum tui_key_result
search_key(struct students *l, struct cf_screen *s, const struct cf_tui_key *k)
{
	if (!k->fn && k->code == 27) {
		tui_edit_clear(l->search);
		l->searching = false;
		search_update(l);
		return TUI_KEY_HANDLED;
	}
	if (tui_key_is_enter(k)) {
		/* the query stays; Enter opens the student found */
		l->searching = false;
		open_detail(l, s);
		return TUI_KEY_HANDLED;
	}
	if (k->fn && (k->code == KEY_UP || k->code == KEY_DOWN || k->code == KEY_PPAGE || k->code == KEY_NPAGE))
		return tui_widget_list_key(l->list, k, l->table.h - 1);
	if ((k->fn && k->code == KEY_F(1)) || (!k->fn && k->code == TUI_CTRL('L')))
		return TUI_KEY_UNHANDLED;
	if (tui_widget_edit_key(l->search, k) == TUI_KEY_HANDLED)
		search_update(l);
	return TUI_KEY_HANDLED;
}

static enum tui_key_result
students_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct students *l = s->priv;
	int err = CF_OK;

	if (l->searching)
		return search_key(l, s, k);
	if (denied(l)) {
		/* none of the screen's own keys: navigation, help, lock and q stay with the frame */
		if (tui_key_is_enter(k) || (!k->fn && (k->code == '/' || k->code == '+' || k->code == 'f' ||
		                                       k->code == 'i' || k->code == 'x'))) {
			tui_status(s->tui, _(DENIED_TEXT), true);
			return TUI_KEY_HANDLED;
		}
		return TUI_KEY_UNHANDLED;
	}
	if (tui_key_is_enter(k)) {
		open_detail(l, s);
		return TUI_KEY_HANDLED;
	}
	if (k->fn)
		return tui_widget_list_key(l->list, k, l->table.h - 1);
	switch (k->code) {
	case '/':
		if (!l->search && !(l->search = tui_edit_new(false, 100, tui_secure_edit_alloc())))
			return TUI_KEY_HANDLED;
		l->searching = true;
		return TUI_KEY_HANDLED;
	case 27:
		if (!l->query[0])
			return TUI_KEY_UNHANDLED;
		tui_edit_clear(l->search);
		search_update(l);
		return TUI_KEY_HANDLED;
	case 'x':
		tui_privacy_toggle();
		tui_status(s->tui, privacy_mode ? _("Privacy mode on: lists show initials instead of names.")
		                                : _("Privacy mode off: lists show names."), false);
		return TUI_KEY_HANDLED;
	case 'i':
		/* the roster import dialog; it uses this index and calls changed() after an import */
		err = l->st.idx ? tui_push(s->tui, &tui_screen_import, &l->st) : CF_OK;
		if (!l->st.idx)
			tui_status(s->tui, empty_text(l), true);
		else if (err != CF_OK)
			tui_status(s->tui, cf_strerror(err), true);
		return TUI_KEY_HANDLED;
	case 'f':
	case '+':
		if (!l->st.idx) {
			tui_status(s->tui, empty_text(l), true);
			return TUI_KEY_HANDLED;
		}
		if (k->code == 'f') {
			struct tui_students_filter_arg fa = { &l->st, &l->sel };

			err = tui_push(s->tui, &tui_screen_students_filter, &fa);
		} else {
			struct tui_student_form_ctx fc = { .st = &l->st, .id = 0, .defaults = l->sel, .saved_id = &l->added };

			l->added = 0;
			err = tui_record_form_open(s->tui, &tui_student_form_spec, &fc);
		}
		if (err != CF_OK)
			tui_status(s->tui, cf_strerror(err), true);
		return TUI_KEY_HANDLED;
	default:
		return TUI_KEY_UNHANDLED;
	}
}

static const struct cf_tui_keyhelp students_keys[] = {
	/* TRANSLATORS: hint labels, at most 8 columns (4 Chinese characters). */
	{ "/", N_("Search: name, initials (zs), pinyin, number, class"), N_("Search") },
	{ "Enter", N_("Open the selected student (also while searching)"), N_("Open") },
	{ "Esc", N_("Clear the search"), NULL },
	{ "+", N_("Add a student"), N_("Add") },
	{ "f", N_("Filter by school, grade, class, flag and status"), N_("Filter") },
	{ "i", N_("Import a class roster (CSV from Excel or the registry system), with a preview"), N_("Import") },
	{ "x", N_("Privacy mode: initials instead of names in every list"), N_("Privacy") },
	{ "Up/Down", N_("Move the selection"), NULL },
	{ "PgUp/PgDn", N_("Move by one page"), NULL },
	{ "Home/End", N_("First or last student"), NULL },
	{ NULL, NULL, NULL },
};

/* A role without access to student records is offered none of the keys above. */
static const struct cf_tui_keyhelp students_denied_keys[] = {
	{ NULL, NULL, NULL },
};

static const struct cf_tui_keyhelp *
students_keys_now(const struct cf_screen *s)
{
	return s->priv && denied(s->priv) ? students_denied_keys : students_keys;
}

const struct cf_screen_ops tui_screen_students = {
	.name = "students",
	/* TRANSLATORS: screen titles in the header line: at most 16 columns. */
	.title = N_("Students"),
	.keys = students_keys,
	.keys_now = students_keys_now,
	.init = students_init,
	.free = students_free_screen,
	.layout = students_layout,
	.draw = students_draw,
	.key = students_key,
	.lock = students_lock,
	.unlock = students_unlock,
	.changed = students_refresh,
};
