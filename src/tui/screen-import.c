/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Roster import dialog: the kit's path prompt, then its tabbed preview (new, changed field by field, errors, notes), confirm, apply. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "carefile/roster.h"
#include "carefile/students.h"
#include "tui-frame.h"
#include "tui-kit.h"
#include "tui-screens.h"
#include "tui-students.h"
#include "tui-widgets.h"

/* Longest path typed, in characters. */
#define PATH_MAX_CHARS 4096
/* A name as shown in a list (privacy mode: initials), secure memory. */
#define NAME_BYTES ((size_t)1024)

enum imp_state {
	IMP_PATH,    /* typing the file path */
	IMP_PREVIEW, /* file read, plan made, nothing written yet */
	IMP_DONE,    /* written; shows the result */
};

enum imp_section {
	SEC_NEW,
	SEC_CHANGED,
	SEC_ERRORS,
	SEC_NOTES,
	SEC__COUNT
};

struct imp {
	enum imp_state state;
	struct tui_path_prompt *prompt;
	char *path;          /* expanded path of the file in the preview (malloc) */
	char *message;       /* above the confirm line or on the result (malloc), or NULL */
	bool message_error;

	/*
	 * The students: the Students list's index when it opened this screen
	 * (st, borrowed), else our own (own_idx).
	 */
	struct tui_students *st;
	struct cf_students *own_idx;

	/* The preview; all NULL outside IMP_PREVIEW and while locked. */
	struct cf_roster *roster;
	struct cf_import_plan *plan;
	size_t *sec_items[SEC__COUNT]; /* per section: indexes into plan items / roster errors / notes */
	size_t sec_n[SEC__COUNT];
	struct tui_preview *preview;
	char *name;                    /* NAME_BYTES of secure memory */

	/* Counts kept for the result screen (no names). */
	size_t done_new, done_changed, done_skipped;
	bool locked; /* lock op ran; unlock reloads */
	size_t locked_section;         /* where the preview was when it locked */
	size_t locked_top[SEC__COUNT];

	/* geometry */
	bool compact;
	struct cf_rect box, inner, list;
};

/* --- small helpers ---------------------------------------------------------------- */

static void
set_message(struct imp *m, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
set_message(struct imp *m, bool error, const char *fmt, ...)
{
	va_list ap, ap2;
	char *p = NULL;
	int n;

	free(m->message);
	m->message = NULL;
	if (!fmt)
		return;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n >= 0 && (p = malloc((size_t)n + 1)))
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	m->message = p;
	m->message_error = error;
	/* on the path screen the prompt shows it */
	if (m->state == IMP_PATH && m->prompt) {
		tui_path_prompt_message(m->prompt, p, error);
		free(m->message);
		m->message = NULL;
	}
}

static const char *
base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b && b[1] ? b + 1 : path;
}

static const char *
separator_label(char sep)
{
	switch (sep) {
	/* TRANSLATORS: the separator found in a CSV file. */
	case ',': return _("comma");
	case ';': return _("semicolon");
	case '\t': return _("tab");
	}
	return "?";
}

static const char *
encoding_label(enum cf_text_encoding enc)
{
	/* Excel on a Chinese Windows saves "ANSI" as GBK: name both, GB18030 is what is decoded. */
	if (enc == CF_ENC_GB18030)
		return "GBK/GB18030";
	return io_encoding_name(enc);
}

/* --- the preview's data ----------------------------------------------------------- */

static struct cf_students *
imp_idx(struct imp *m)
{
	return m->st ? m->st->idx : m->own_idx;
}

static void
preview_free(struct imp *m)
{
	students_import_plan_free(&m->plan);
	roster_free(&m->roster);
	students_free(&m->own_idx);
	for (int i = 0; i < SEC__COUNT; i++) {
		free(m->sec_items[i]);
		m->sec_items[i] = NULL;
		m->sec_n[i] = 0;
	}
	if (m->preview)
		tui_preview_clear(m->preview);
	if (m->name)
		crypto_wipe(m->name, NAME_BYTES);
}

static const char *const section_titles[SEC__COUNT] = {
	/* TRANSLATORS: section tabs of the import preview, each followed by a count. */
	N_("New"),
	N_("Changed"),
	N_("Errors"),
	N_("Notes"),
};

static const char *
section_empty(enum imp_section sec)
{
	switch (sec) {
	case SEC_NEW: return _("No new students in this file.");
	case SEC_CHANGED: return _("No student in this file differs from the case file.");
	case SEC_ERRORS: return _("No row errors.");
	case SEC_NOTES: return _("No notes.");
	case SEC__COUNT: break;
	}
	return "";
}

/* The sections' headings (SEC_NEW draws its own column headings). */
static const char *
section_heading(enum imp_section sec)
{
	switch (sec) {
	case SEC_CHANGED: return _("Row, student number, name; then each changed field: old -> new");
	/* TRANSLATORS: heading of the import preview's row errors; "Row" right-aligned in 5 columns. */
	case SEC_ERRORS: return _("  Row Column: reason (these rows are skipped)");
	case SEC_NOTES: return _("Notes on the file's columns");
	default: return NULL;
	}
}

/* Fills the section index arrays from the plan and the roster, and hands them to the preview. */
static int
sections_build(struct imp *m)
{
	const struct cf_import_plan *p = m->plan;
	const struct cf_roster *r = m->roster;
	size_t cap[SEC__COUNT] = { p->n_new, p->n_changed, r->n_errors, r->n_notes };
	struct tui_preview_section secs[SEC__COUNT];

	for (int i = 0; i < SEC__COUNT; i++) {
		m->sec_items[i] = calloc(cap[i] ? cap[i] : 1, sizeof *m->sec_items[i]);
		if (!m->sec_items[i])
			return CF_ERR_NOMEM;
		m->sec_n[i] = 0;
	}
	for (size_t i = 0; i < p->n_items; i++) {
		enum imp_section sec;

		if (p->items[i].kind == CF_IMPORT_NEW)
			sec = SEC_NEW;
		else if (p->items[i].kind == CF_IMPORT_CHANGED)
			sec = SEC_CHANGED;
		else
			continue;
		if (m->sec_n[sec] < cap[sec])
			m->sec_items[sec][m->sec_n[sec]++] = i;
	}
	for (size_t i = 0; i < r->n_errors; i++)
		m->sec_items[SEC_ERRORS][m->sec_n[SEC_ERRORS]++] = i;
	for (size_t i = 0; i < r->n_notes; i++)
		m->sec_items[SEC_NOTES][m->sec_n[SEC_NOTES]++] = i;
	for (int i = 0; i < SEC__COUNT; i++)
		secs[i] = (struct tui_preview_section){ section_titles[i], section_heading((enum imp_section)i),
		                                        section_empty((enum imp_section)i), m->sec_n[i], i == SEC_CHANGED };
	return tui_preview_set(m->preview, secs, SEC__COUNT);
}

/* Line number of byte offset in the file at path (1-based), for an encoding error. 0 when unreadable. */
static size_t
line_of_offset(const char *path, size_t offset)
{
	FILE *f = fopen(path, "rb");
	size_t line = 1, pos = 0;
	unsigned char buf[8192];

	if (!f)
		return 0;
	while (pos < offset) {
		size_t want = offset - pos < sizeof buf ? offset - pos : sizeof buf;
		size_t n = fread(buf, 1, want, f);

		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++)
			if (buf[i] == '\n')
				line++;
		pos += n;
	}
	fclose(f);
	return line;
}

/* Message for a file that could not be read as a roster: what, where, and that nothing was written. */
static void
read_failure_message(struct imp *m, int err, const struct cf_roster_failure *fail, const char *path)
{
	const char *what = io_text_problem_message(fail->problem);
	const char *nothing = _("Nothing was written.");

	if (err == CF_ERR_NOMEM) {
		set_message(m, true, "%s. %s", cf_strerror(err), nothing);
		return;
	}
	switch (fail->problem) {
	case CF_TEXT_INVALID: {
		size_t line = line_of_offset(path, fail->offset);

		/* TRANSLATORS: %1$s is a sentence about invalid bytes; byte offsets count from 0. */
		set_message(m, true, _("%s (byte %zu, line %zu). %s"), what, fail->offset, line, nothing);
		return;
	}
	case CF_TEXT_TRUNCATED:
		set_message(m, true, _("%s (the unclosed field begins on line %zu). %s"), what, fail->line,
		            nothing);
		return;
	case CF_TEXT_OK:
		/* a failure without a problem: say what the error code says */
		set_message(m, true, "%s. %s", cf_strerror(err), nothing);
		return;
	default:
		set_message(m, true, "%s. %s", what, nothing);
		return;
	}
}

/*
 * Reads the file typed (or m->path again after an unlock), loads the
 * students and makes the plan. On success the state is IMP_PREVIEW; on any
 * failure everything is freed, a message says why and the state is IMP_PATH.
 */
static void
preview_load(struct imp *m, struct cf_tui *tui, const char *path)
{
	struct cf_roster_failure fail = { CF_TEXT_OK, 0, 0 };
	struct cf_casefile *cf = tui_casefile(tui);
	struct stat st;
	int err = CF_OK;

	preview_free(m);
	m->state = IMP_PATH;
	if (!*path) {
		set_message(m, true, "%s", _("Type the path of the roster file."));
		return;
	}
	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			set_message(m, true, _("There is no file %s."), path);
		else if (errno == EACCES)
			set_message(m, true, _("You may not open %s (permission denied)."), path);
		else
			set_message(m, true, "%s: %s", path, strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		set_message(m, true, _("%s is a folder: type the name of a file in it (Tab completes)."), path);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		/* a pipe or device would block or never end */
		set_message(m, true, _("%s is not an ordinary file."), path);
		return;
	}
	if (access(path, R_OK) != 0) {
		set_message(m, true, _("You may not open %s (permission denied)."), path);
		return;
	}
	if (!cf) {
		set_message(m, true, "%s",
		            _("No unlocked case file: open one with carefile -f FILE to import a roster."));
		return;
	}
	err = roster_read_file(path, &m->roster, &fail);
	if (err != CF_OK) {
		read_failure_message(m, err, &fail, path);
		return;
	}
	if (m->st) {
		if (!m->st->idx)
			err = tui_students_load(m->st);
	} else {
		err = students_load(cf, &m->own_idx);
	}
	if (err == CF_OK)
		err = students_import_plan(imp_idx(m), m->roster, &m->plan);
	if (err == CF_ERR_DAMAGED && students_damaged(imp_idx(m))) {
		size_t bad = students_damaged(imp_idx(m));

		preview_free(m);
		set_message(m, true, P_("%zu student record could not be read, so the import cannot tell which students are "
		                        "already in the case file. Run carefile check; nothing was written.",
		                        "%zu student records could not be read, so the import cannot tell which students are "
		                        "already in the case file. Run carefile check; nothing was written.", bad), bad);
		return;
	}
	if (err == CF_OK)
		err = sections_build(m);
	if (err != CF_OK) {
		preview_free(m);
		set_message(m, true, "%s. %s", cf_strerror(err), _("Nothing was written."));
		return;
	}
	if (path != m->path) {
		char *copy = strdup(path);

		if (!copy) {
			preview_free(m);
			set_message(m, true, "%s", cf_strerror(CF_ERR_NOMEM));
			return;
		}
		free(m->path);
		m->path = copy;
	}
	set_message(m, false, NULL);
	m->state = IMP_PREVIEW;
	set_message(m, false, NULL);
	tui_preview_select(m->preview, m->sec_n[SEC_NEW] || !m->sec_n[SEC_CHANGED] ? SEC_NEW : SEC_CHANGED);
	if (!m->sec_n[SEC_NEW] && !m->sec_n[SEC_CHANGED] && m->sec_n[SEC_ERRORS])
		tui_preview_select(m->preview, SEC_ERRORS);
}

/* --- formatting preview items ----------------------------------------------------- */

static const struct cf_tui_column new_columns[] = {
	/* TRANSLATORS: column headings of the import preview's new students. */
	{ N_("Row"), 5, 0, TEXT_RIGHT },
	{ N_("Student number"), 15, 0, TEXT_LEFT },
	{ N_("Name"), 8, 1, TEXT_LEFT },
	{ N_("School"), 8, 2, TEXT_LEFT },
	{ N_("Grade"), 6, 0, TEXT_LEFT },
	{ N_("Class"), 6, 0, TEXT_LEFT },
};
#define NEW_NCOLS (sizeof new_columns / sizeof new_columns[0])

/* name as a list shows it (initials in privacy mode); valid until the next call. */
static const char *
list_name(struct imp *m, const char *name)
{
	return tui_students_list_name(name, m->name, NAME_BYTES);
}

/* An appender into the preview's scratch: bounded, the text is cut at the end. */
struct out {
	char *buf;
	size_t size, pos;
};

static void
out_add(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
out_add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->pos >= o->size - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->size - o->pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->pos += (size_t)n < o->size - o->pos ? (size_t)n : o->size - o->pos - 1;
}

/* Appends UTF-8 text fitted to exactly cols columns. */
static void
out_fit(struct out *o, const char *text, int cols, enum text_align align)
{
	if (o->pos >= o->size - 1)
		return;
	text_fit(o->buf + o->pos, o->size - o->pos, text ? text : "", text ? strlen(text) : 0, cols, align);
	o->pos += strlen(o->buf + o->pos);
}

/* Appends the display text of one field of s ("(empty)" when absent). */
static void
out_field(struct imp *m, struct out *o, const struct cf_student *s, enum cf_student_field f, uint32_t flag_mask)
{
	size_t n;

	if (o->pos >= o->size - 1)
		return;
	if (f == CF_FIELD_NAME && s->name) {
		out_add(o, "%s", list_name(m, s->name));
		return;
	}
	n = students_field_format(s, f, flag_mask, o->buf + o->pos, o->size - o->pos);
	if (n == 0) {
		/* TRANSLATORS: an absent value in the import preview: "class: (empty) -> 2班". */
		out_add(o, "%s", _("(empty)"));
		return;
	}
	o->pos += n < o->size - o->pos ? n : o->size - o->pos - 1;
}

static size_t
record_of(const struct imp *m, const struct cf_import_item *it)
{
	return it->row < m->roster->n_rows ? m->roster->rows[it->row].record : 0;
}

/* The preview's item text (tui_preview_item_fn): logical lines separated by '\n'. */
static int
item_text(void *ctx, size_t sec, size_t i, int w, char *buf, size_t size)
{
	struct imp *m = ctx;
	struct out o = { buf, size, 0 };
	size_t k = m->sec_items[sec][i];

	buf[0] = '\0';
	switch ((enum imp_section)sec) {
	case SEC_NEW: {
		const struct cf_import_item *it = &m->plan->items[k];
		const struct cf_student *st = it->incoming;
		int widths[NEW_NCOLS];
		char row[32];
		const char *cells[NEW_NCOLS];

		snprintf(row, sizeof row, "%zu", record_of(m, it));
		cells[0] = row;
		cells[1] = st->student_number;
		cells[2] = list_name(m, st->name);
		cells[3] = st->school;
		cells[4] = st->grade;
		cells[5] = st->class_name;
		tui_list_columns(new_columns, NEW_NCOLS, w, widths);
		for (size_t c = 0; c < NEW_NCOLS; c++) {
			if (c > 0 && widths[c] > 0)
				out_add(&o, " ");
			out_fit(&o, cells[c], widths[c], new_columns[c].align);
		}
		return 0;
	}
	case SEC_CHANGED: {
		const struct cf_import_item *it = &m->plan->items[k];
		uint32_t mask = m->roster->flag_mask;

		/* TRANSLATORS: first line of a changed student in the import preview: row, number, name. */
		out_add(&o, _("Row %zu  %s  %s"), record_of(m, it), it->current->student_number,
		        list_name(m, it->current->name));
		for (int b = 0; b < CF_FIELD_COUNT; b++) {
			enum cf_student_field f = (enum cf_student_field)(1u << b);

			if (!(it->changed & f))
				continue;
			/* TRANSLATORS: a changed field in the import preview, before its old and new values. */
			out_add(&o, _("\n    %s: "), student_field_label(f));
			out_field(m, &o, it->current, f, mask);
			out_add(&o, " -> ");
			out_field(m, &o, it->incoming, f, mask);
		}
		return 6;
	}
	case SEC_ERRORS: {
		const struct cf_roster_error *e = &m->roster->errors[k];
		const char *col = e->column_name ? e->column_name
		                  : e->column != CF_COL_NONE ? roster_column_label(e->column) : NULL;

		out_add(&o, "%5zu ", e->record);
		if (col)
			/* TRANSLATORS: a column name before the reason of a row error or a note. */
			out_add(&o, _("%s: "), col);
		out_add(&o, "%s", roster_reason_message(e->reason));
		return 6;
	}
	case SEC_NOTES: {
		const struct cf_roster_note *n = &m->roster->notes[k];

		if (n->column_name)
			out_add(&o, _("%s: "), n->column_name);
		out_add(&o, "%s", roster_note_message(n->kind));
		return 4;
	}
	case SEC__COUNT:
		break;
	}
	return 0;
}

/* --- geometry ---------------------------------------------------------------------- */

/* Rows a paragraph of text takes at width w. */
static int
paragraph_rows(const char *text, int w)
{
	size_t len = strlen(text), pos = 0;
	int rows = 0;

	while (pos < len) {
		size_t k = text_wrap(text + pos, len - pos, w > 0 ? w : 1);

		if (k == 0)
			break;
		pos += k;
		rows++;
	}
	return rows;
}

static void summary_text(const struct imp *m, char *buf, size_t size);
static void confirm_text(const struct imp *m, char *buf, size_t size);

/* The preview's rectangle: below the file line and the summary, above the message and the confirm line. */
static void
geometry(struct imp *m)
{
	char sum[512], conf[512];
	int top, bottom;

	if (m->state != IMP_PREVIEW || !m->plan) {
		m->list = (struct cf_rect){ 0, 0, 0, 0 };
		return;
	}
	summary_text(m, sum, sizeof sum);
	confirm_text(m, conf, sizeof conf);
	top = 1 + paragraph_rows(sum, m->inner.w) + (m->compact ? 0 : 1);
	bottom = (m->compact ? 0 : 1) + paragraph_rows(conf, m->inner.w) + (m->message ? 1 : 0);
	m->list = (struct cf_rect){ m->inner.x, m->inner.y + top, m->inner.w, m->inner.h - top - bottom };
	if (m->list.h < 3)
		m->list.h = 3;
}

static void
import_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct imp *m = s->priv;

	m->compact = compact;
	m->box = *area;
	m->inner = (struct cf_rect){ area->x + 2, area->y + 1, area->w - 4, area->h - 2 };
	if (m->inner.w < 0)
		m->inner.w = 0;
	if (m->inner.h < 0)
		m->inner.h = 0;
	geometry(m);
}

/* --- drawing ----------------------------------------------------------------------- */

static void
summary_text(const struct imp *m, char *buf, size_t size)
{
	const struct cf_import_plan *p = m->plan;

	/* TRANSLATORS: the import preview's summary; keep the two spaces between the parts (it wraps there). */
	snprintf(buf, size, _("Rows read: %zu  New: %zu  Changed: %zu  Unchanged: %zu  With errors: %zu"),
	         p->n_rows_read, p->n_new, p->n_changed, p->n_unchanged, p->n_rows_with_errors);
}

static void
confirm_text(const struct imp *m, char *buf, size_t size)
{
	const struct cf_import_plan *p = m->plan;

	if (p->n_new + p->n_changed == 0)
		snprintf(buf, size, "%s  %s", _("Nothing to import: no new or changed students."),
		         _("Enter or Esc: close"));
	else
		snprintf(buf, size, _("Import %zu new and %zu changed students; skip %zu rows with errors? (y/n)"),
		         p->n_new, p->n_changed, p->n_rows_with_errors);
}

static void
draw_new_heading(const struct imp *m)
{
	int widths[NEW_NCOLS], x = m->list.x, y = tui_preview_heading_row(m->preview);

	tui_list_columns(new_columns, NEW_NCOLS, m->list.w, widths);
	for (size_t c = 0; c < NEW_NCOLS; c++) {
		if (c > 0 && widths[c] > 0)
			x++;
		tui_draw_text(y, x, widths[c], _(new_columns[c].title), TUI_ROLE_TITLE, new_columns[c].align);
		x += widths[c];
	}
}

static void
draw_path(struct imp *m, struct cf_screen *s)
{
	struct cf_rect r = m->inner;
	int row = 0;

	row += tui_draw_paragraph(&r, row,
	                          _("Import the class roster: a CSV or text file saved by Excel or exported by "
	                            "the school registry system (UTF-8, GBK or UTF-16; comma, semicolon or "
	                            "tab). You see a preview first: nothing is written before you confirm."),
	                          TUI_ROLE_NORMAL);
	row++;
	tui_path_prompt_draw(m->prompt, &r, row, _("Roster file (Tab completes, ~ is your home folder):"), s->tui);
}

static void
draw_preview(struct imp *m)
{
	struct cf_rect r = m->inner;
	char line[1024], sum[512], conf[512];
	int row, confirm_rows;

	snprintf(line, sizeof line, _("Encoding: %s  Separator: %s  File: %s"), encoding_label(m->roster->encoding),
	         separator_label(m->roster->separator), base_name(m->path));
	tui_draw_text(r.y, r.x, r.w, line, TUI_ROLE_NORMAL, TEXT_LEFT);
	row = 1;
	summary_text(m, sum, sizeof sum);
	row += tui_draw_paragraph(&r, row, sum, TUI_ROLE_TITLE);
	tui_preview_draw(m->preview, &m->list);
	if (tui_preview_section(m->preview) == SEC_NEW)
		draw_new_heading(m);
	confirm_text(m, conf, sizeof conf);
	confirm_rows = paragraph_rows(conf, r.w);
	if (m->message)
		tui_draw_text(r.y + r.h - confirm_rows - 1, r.x, r.w, m->message,
		              m->message_error ? TUI_ROLE_ERROR : TUI_ROLE_STATUS, TEXT_LEFT);
	tui_draw_paragraph(&r, r.h - confirm_rows, conf, TUI_ROLE_TITLE);
}

static void
done_text(const struct imp *m, char *buf, size_t size)
{
	snprintf(buf, size, _("Imported %zu new and %zu changed students; skipped %zu rows with errors."),
	         m->done_new, m->done_changed, m->done_skipped);
}

static void
draw_done(struct imp *m)
{
	struct cf_rect r = m->inner;
	char line[512];
	int row = 0;

	done_text(m, line, sizeof line);
	row += tui_draw_paragraph(&r, row, line, TUI_ROLE_TITLE);
	row++;
	if (m->message)
		row += tui_draw_paragraph(&r, row, m->message, m->message_error ? TUI_ROLE_ERROR : TUI_ROLE_NORMAL) + 1;
	tui_draw_paragraph(&r, row, _("Press Enter to go back to the list."), TUI_ROLE_HINT);
}

static void
import_draw(struct cf_screen *s)
{
	struct imp *m = s->priv;

	tui_draw_box(&m->box, _("Import roster"));
	if (m->locked)
		return;
	switch (m->state) {
	case IMP_PATH: draw_path(m, s); break;
	case IMP_PREVIEW: draw_preview(m); break;
	case IMP_DONE: draw_done(m); break;
	}
}

/* --- keys -------------------------------------------------------------------------- */

static bool
is_char(const struct cf_tui_key *k, wint_t c)
{
	return !k->fn && k->code == c;
}

static enum tui_key_result
cancel(struct cf_screen *s)
{
	tui_status(s->tui, _("Import cancelled: nothing was written."), false);
	return TUI_KEY_CLOSE;
}

static void
apply(struct cf_screen *s)
{
	struct imp *m = s->priv;
	struct cf_casefile *cf = tui_casefile(s->tui);
	size_t written = 0;
	int err;

	if (!cf) {
		set_message(m, true, "%s", cf_strerror(CF_ERR_LOCKED));
		geometry(m);
		return;
	}
	err = students_import_apply(cf, imp_idx(m), m->plan, &written);
	if (err == CF_ERR_FAIL) {
		/* the students changed since the preview: show a fresh one */
		preview_load(m, s->tui, m->path);
		if (m->state == IMP_PREVIEW)
			set_message(m, true, "%s", _("The students changed meanwhile: check the new preview and confirm again."));
		geometry(m);
		return;
	}
	if (err != CF_OK) {
		set_message(m, true, "%s. %s", cf_strerror(err), _("Nothing was written."));
		geometry(m);
		return;
	}
	m->done_new = m->plan->n_new;
	m->done_changed = m->plan->n_changed;
	m->done_skipped = m->plan->n_rows_with_errors;
	preview_free(m);
	set_message(m, false, NULL);
	m->state = IMP_DONE;
	/* every screen shows the new students (the list its updated index; others load again) */
	tui_records_changed(s->tui, &cf_table_student);
}

static enum tui_key_result
key_path(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct imp *m = s->priv;

	if (is_char(k, 27))
		return cancel(s);
	if (tui_key_is_enter(k)) {
		char *path = tui_path_prompt_value(m->prompt);

		if (path)
			preview_load(m, s->tui, path);
		else
			set_message(m, true, "%s", cf_strerror(CF_ERR_NOMEM));
		free(path);
		geometry(m);
		return TUI_KEY_HANDLED;
	}
	if ((k->fn && k->code == KEY_F(1)) || is_char(k, TUI_CTRL('L')))
		return TUI_KEY_UNHANDLED;
	(void)tui_path_prompt_key(m->prompt, k);
	return TUI_KEY_HANDLED;
}

static enum tui_key_result
key_preview(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct imp *m = s->priv;

	if (is_char(k, 27) || is_char(k, 'n') || is_char(k, 'N') || is_char(k, 'q'))
		return cancel(s);
	if (is_char(k, 'y') || is_char(k, 'Y') || tui_key_is_enter(k)) {
		if (m->plan->n_new + m->plan->n_changed == 0) {
			if (is_char(k, 'y') || is_char(k, 'Y'))
				return TUI_KEY_HANDLED;
			tui_status(s->tui, _("Nothing to import: no new or changed students."), false);
			return TUI_KEY_CLOSE;
		}
		apply(s);
		return TUI_KEY_HANDLED;
	}
	if ((k->fn && k->code == KEY_F(1)) || is_char(k, TUI_CTRL('L')))
		return TUI_KEY_UNHANDLED;
	(void)tui_preview_key(m->preview, k);
	return TUI_KEY_HANDLED;
}

static enum tui_key_result
import_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct imp *m = s->priv;

	if (m->locked)
		return TUI_KEY_UNHANDLED;
	switch (m->state) {
	case IMP_PATH: return key_path(s, k);
	case IMP_PREVIEW: return key_preview(s, k);
	case IMP_DONE:
		if (tui_key_is_enter(k) || is_char(k, 27) || is_char(k, 'q') || is_char(k, 'y') || is_char(k, 'n')) {
			char line[512];

			/* the result stays readable on the list below */
			done_text(m, line, sizeof line);
			tui_status(s->tui, line, false);
			return TUI_KEY_CLOSE;
		}
		return (k->fn && k->code == KEY_F(1)) || is_char(k, TUI_CTRL('L')) ? TUI_KEY_UNHANDLED
		                                                                     : TUI_KEY_HANDLED;
	}
	return TUI_KEY_UNHANDLED;
}

/* --- life cycle -------------------------------------------------------------------- */

static int
import_init(struct cf_screen *s, void *arg)
{
	struct imp *m = calloc(1, sizeof *m);

	if (!m)
		return CF_ERR_NOMEM;
	m->st = arg;
	m->name = crypto_secure_alloc(NAME_BYTES);
	if (!m->name || tui_path_prompt_new(PATH_MAX_CHARS, &m->prompt) != CF_OK ||
	    tui_preview_new(item_text, m, &m->preview) != CF_OK) {
		tui_path_prompt_free(&m->prompt);
		crypto_secure_free(m->name);
		free(m);
		return CF_ERR_NOMEM;
	}
	s->priv = m;
	return CF_OK;
}

static void
import_free(struct cf_screen *s)
{
	struct imp *m = s->priv;

	if (!m)
		return;
	preview_free(m);
	tui_preview_free(&m->preview);
	tui_path_prompt_free(&m->prompt);
	crypto_secure_free(m->name);
	free(m->path);
	free(m->message);
	free(m);
	s->priv = NULL;
}

/* Locking wipes the preview (it holds decrypted students); unlocking reads the file and plans again. */
static void
import_lock(struct cf_screen *s)
{
	struct imp *m = s->priv;

	m->locked_section = tui_preview_section(m->preview);
	tui_preview_get_scroll(m->preview, m->locked_top, SEC__COUNT);
	preview_free(m);
	m->locked = true;
}

static int
import_unlock(struct cf_screen *s)
{
	struct imp *m = s->priv;

	if (!m->locked)
		return CF_OK;
	m->locked = false;
	if (m->state == IMP_PREVIEW && m->path) {
		preview_load(m, s->tui, m->path);
		if (m->state == IMP_PREVIEW) {
			/* the same place in the preview (clamped by the preview if the file changed meanwhile) */
			tui_preview_select(m->preview, m->locked_section);
			tui_preview_set_scroll(m->preview, m->locked_top, SEC__COUNT);
		}
		geometry(m);
	}
	return CF_OK;
}

static const struct cf_tui_keyhelp import_keys[] = {
	/* TRANSLATORS: hint labels, at most 8 columns. */
	{ "Enter", N_("Read the file and show the preview; in the preview: import"), N_("OK") },
	{ "Tab", N_("Complete the file name; in the preview: next section"), N_("Next") },
	{ "y", N_("In the preview: import the new and changed students"), NULL },
	{ "Esc", N_("Cancel: nothing is written"), N_("Cancel") },
	{ "n", N_("In the preview: cancel, nothing is written"), NULL },
	{ "1-4", N_("In the preview: new, changed, errors, notes"), NULL },
	{ "Up/Down", N_("Scroll the preview"), NULL },
	{ "PgUp/PgDn", N_("Scroll the preview by a page"), NULL },
	{ NULL, NULL, NULL },
};

const struct cf_screen_ops tui_screen_import = {
	.name = "import",
	/* TRANSLATORS: screen title: at most 16 columns. */
	.title = N_("Import roster"),
	.keys = import_keys,
	.flags = TUI_SCREEN_DIALOG,
	.init = import_init,
	.free = import_free,
	.layout = import_layout,
	.draw = import_draw,
	.key = import_key,
	.lock = import_lock,
	.unlock = import_unlock,
};
