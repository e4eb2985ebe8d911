/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Roster import dialog: file path prompt, preview (new, changed field by field, row errors, notes), confirm, apply. */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
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
#include "tui-screens.h"
#include "tui-students.h"
#include "tui-widgets.h"

/* Longest path typed, in characters. */
#define PATH_MAX_CHARS 4096
/* Secure scratch for formatting one preview item (old and new values of every changed field). */
#define SCRATCH_BYTES ((size_t)64 * 1024)
/* Its last NAME_BYTES hold a name as shown in a list (privacy mode: initials); the text uses the rest. */
#define NAME_BYTES ((size_t)1024)
#define TEXT_BYTES (SCRATCH_BYTES - NAME_BYTES)
/* Display lines of one item at most (longer items are cut). */
#define ITEM_LINES_MAX 256
/* File names listed when Tab finds several. */
#define COMPLETIONS_MAX 40

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

/* One display line of an item: bytes [off, off + len) of the scratch text, drawn at column indent. */
struct span {
	size_t off, len;
	int indent;
};

struct imp {
	enum imp_state state;
	struct cf_tui_edit *path_ed;
	char *path;          /* expanded path of the file in the preview (malloc) */
	char *cwd;           /* the current folder, ~ for the home folder (malloc), or NULL */
	char *message;       /* under the prompt or above the confirm line (malloc), or NULL */
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
	size_t *sec_lines[SEC__COUNT]; /* prefix sums of display lines per item (n + 1 entries) */
	int lines_width;               /* width the prefix sums were computed for; -1: stale */
	enum imp_section section;
	size_t top[SEC__COUNT];        /* first display line shown, per section */
	char *scratch;                 /* SCRATCH_BYTES of secure memory */
	struct span spans[ITEM_LINES_MAX];

	/* Counts kept for the result screen (no names). */
	size_t done_new, done_changed, done_skipped;
	bool locked; /* lock op ran; unlock reloads */
	enum imp_section locked_section; /* where the preview was when it locked */
	size_t locked_top[SEC__COUNT];

	/* geometry */
	bool compact;
	struct cf_rect box, inner;
	int list_y, list_h; /* preview list rows (below the section heading) */
};

/* --- small helpers ---------------------------------------------------------------- */

/* vsnprintf into a new string; caller frees; NULL when out of memory. */
static char *
str_vprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || !(p = malloc((size_t)n + 1)))
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

static char *
str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
str_printf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = str_vprintf(fmt, ap);
	va_end(ap);
	return p;
}

static void
set_message(struct imp *m, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
set_message(struct imp *m, bool error, const char *fmt, ...)
{
	va_list ap;
	char *p = NULL;

	free(m->message);
	m->message = NULL;
	if (!fmt)
		return;
	va_start(ap, fmt);
	p = str_vprintf(fmt, ap);
	va_end(ap);
	m->message = p;
	m->message_error = error;
}

static char *
edit_text(const struct cf_tui_edit *ed)
{
	size_t need = tui_edit_utf8(ed, NULL, 0);
	char *s = malloc(need + 1);

	if (s)
		tui_edit_utf8(ed, s, need + 1);
	return s;
}

static void
edit_replace(struct cf_tui_edit *ed, const char *text)
{
	tui_edit_clear(ed);
	tui_edit_insert_utf8(ed, text, strlen(text));
}

/* The home directory of user (NULL or "": the current user), or NULL. Borrowed from the environment or passwd. */
static const char *
home_of(const char *user)
{
	struct passwd *pw;

	if (!user || !*user) {
		const char *home = getenv("HOME");

		if (home && *home)
			return home;
		pw = getpwuid(getuid());
	} else {
		pw = getpwnam(user);
	}
	return pw ? pw->pw_dir : NULL;
}

/*
 * The path to open for what was typed: surrounding spaces and one pair of
 * matching quotes (a file dropped on a terminal) removed, a leading ~ or
 * ~user expanded. Caller frees; NULL when out of memory.
 */
static char *
expand_path(const char *typed)
{
	size_t len;
	const char *s = typed, *slash, *home;
	char user[256];
	char *out;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= 2 && (s[0] == '\'' || s[0] == '"') && s[len - 1] == s[0]) {
		s++;
		len -= 2;
	}
	if (len == 0 || s[0] != '~')
		return strndup(s, len);
	slash = memchr(s, '/', len);
	if (!slash)
		slash = s + len;
	if ((size_t)(slash - s - 1) >= sizeof user)
		return strndup(s, len);
	memcpy(user, s + 1, (size_t)(slash - s - 1));
	user[slash - s - 1] = '\0';
	home = home_of(user);
	if (!home)
		return strndup(s, len);
	out = str_printf("%s%.*s", home, (int)(len - (size_t)(slash - s)), slash);
	return out;
}

/* The current folder for display, with the home folder shown as ~. Caller frees; NULL if unknown. */
static char *
current_folder(void)
{
	char *cwd = getcwd(NULL, 0);
	const char *home = home_of(NULL);
	size_t hl = home ? strlen(home) : 0;
	char *out;

	if (!cwd)
		return NULL;
	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	if (hl > 1 && strncmp(cwd, home, hl) == 0 && (cwd[hl] == '\0' || cwd[hl] == '/')) {
		out = str_printf("~%s", cwd + hl);
		free(cwd);
		return out;
	}
	return cwd;
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
		free(m->sec_lines[i]);
		m->sec_items[i] = NULL;
		m->sec_lines[i] = NULL;
		m->sec_n[i] = 0;
		m->top[i] = 0;
	}
	m->lines_width = -1;
	if (m->scratch)
		crypto_wipe(m->scratch, SCRATCH_BYTES);
}

/* Fills the section index arrays from the plan and the roster. CF_OK or CF_ERR_NOMEM. */
static int
sections_build(struct imp *m)
{
	const struct cf_import_plan *p = m->plan;
	const struct cf_roster *r = m->roster;
	size_t cap[SEC__COUNT] = { p->n_new, p->n_changed, r->n_errors, r->n_notes };

	for (int i = 0; i < SEC__COUNT; i++) {
		m->sec_items[i] = calloc(cap[i] ? cap[i] : 1, sizeof *m->sec_items[i]);
		m->sec_lines[i] = calloc(cap[i] + 1, sizeof *m->sec_lines[i]);
		if (!m->sec_items[i] || !m->sec_lines[i])
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
	m->lines_width = -1;
	return CF_OK;
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
		if (!m->st->idx) {
			err = tui_students_load(m->st);
			tui_students_changed(m->st);
		}
	} else
		err = students_load(cf, &m->own_idx);
	if (err == CF_OK)
		err = students_import_plan(imp_idx(m), m->roster, &m->plan);
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
	m->section = m->sec_n[SEC_NEW] || !m->sec_n[SEC_CHANGED] ? SEC_NEW : SEC_CHANGED;
	if (!m->sec_n[SEC_NEW] && !m->sec_n[SEC_CHANGED] && m->sec_n[SEC_ERRORS])
		m->section = SEC_ERRORS;
	m->state = IMP_PREVIEW;
}

/* --- path completion (Tab) --------------------------------------------------------- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
complete_path(struct imp *m)
{
	char *typed = edit_text(m->path_ed), *dir = NULL, *names[COMPLETIONS_MAX];
	const char *slash, *prefix;
	size_t n = 0, total = 0, plen, common = 0;
	DIR *d;
	struct dirent *e;

	if (!typed)
		return;
	slash = strrchr(typed, '/');
	prefix = slash ? slash + 1 : typed;
	if (!slash && typed[0] == '~') {
		/* "~" alone: the home directory */
		char *t = str_printf("%s/", typed);

		if (t) {
			edit_replace(m->path_ed, t);
			free(t);
		}
		free(typed);
		return;
	}
	plen = strlen(prefix);
	{
		char *dtyped = slash ? strndup(typed, (size_t)(slash - typed) + 1) : strdup("./");

		dir = dtyped ? expand_path(dtyped) : NULL;
		free(dtyped);
	}
	if (!dir || !(d = opendir(*dir ? dir : "/"))) {
		set_message(m, true, "%s", _("No such folder."));
		free(dir);
		free(typed);
		return;
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (e->d_name[0] == '.' && prefix[0] != '.')
			continue;
		if (strncmp(e->d_name, prefix, plen) != 0)
			continue;
		if (n < COMPLETIONS_MAX) {
			char *c = strdup(e->d_name);

			if (c)
				names[n++] = c;
		}
		total++;
	}
	closedir(d);
	if (n == 0) {
		set_message(m, true, "%s", _("No file name begins with that."));
	} else {
		char *t = NULL;

		qsort(names, n, sizeof names[0], cmp_str);
		common = strlen(names[0]);
		for (size_t i = 1; i < n; i++) {
			size_t j = 0;

			while (j < common && names[i][j] == names[0][j])
				j++;
			common = j;
		}
		if (total == 1) {
			struct stat st;
			char *full = str_printf("%s%s", dir, names[0]);
			bool isdir = full && stat(full, &st) == 0 && S_ISDIR(st.st_mode);

			free(full);
			t = str_printf("%.*s%s%s", (int)(prefix - typed), typed, names[0], isdir ? "/" : "");
			set_message(m, false, NULL);
		} else {
			size_t len = 0;
			char *list;

			t = str_printf("%.*s%.*s", (int)(prefix - typed), typed, (int)common, names[0]);
			for (size_t i = 0; i < n; i++)
				len += strlen(names[i]) + 3;
			list = malloc(len + 8);
			if (list) {
				list[0] = '\0';
				for (size_t i = 0; i < n; i++) {
					struct stat st;
					char *full = str_printf("%s%s", dir, names[i]);

					strcat(list, names[i]);
					/* folders end in '/', as the completion writes them */
					if (full && stat(full, &st) == 0 && S_ISDIR(st.st_mode))
						strcat(list, "/");
					strcat(list, "  ");
					free(full);
				}
				if (total > n)
					strcat(list, "~");
				set_message(m, false, "%s", list);
				free(list);
			}
		}
		if (t) {
			edit_replace(m->path_ed, t);
			free(t);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(dir);
	free(typed);
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

/* name as a list shows it (initials in privacy mode), in the scratch's name area; valid until the next call. */
static const char *
list_name(struct imp *m, const char *name)
{
	return tui_students_list_name(name, m->scratch + TEXT_BYTES, NAME_BYTES);
}

/* Appends printf output to the scratch text at *pos (bounded; the text is cut at the end). */
static void
scratch_add(struct imp *m, size_t *pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
scratch_add(struct imp *m, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= TEXT_BYTES - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->scratch + *pos, TEXT_BYTES - *pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*pos += (size_t)n < TEXT_BYTES - *pos ? (size_t)n : TEXT_BYTES - *pos - 1;
}

/* Appends UTF-8 text fitted to exactly cols columns. */
static void
scratch_fit(struct imp *m, size_t *pos, const char *text, int cols, enum text_align align)
{
	if (*pos >= TEXT_BYTES - 1)
		return;
	text_fit(m->scratch + *pos, TEXT_BYTES - *pos, text ? text : "", text ? strlen(text) : 0,
	             cols, align);
	*pos += strlen(m->scratch + *pos);
}

/* Appends the display text of one field of s ("(empty)" when absent). */
static void
scratch_field(struct imp *m, size_t *pos, const struct cf_student *s, enum cf_student_field f, uint32_t flag_mask)
{
	size_t n;

	if (*pos >= TEXT_BYTES - 1)
		return;
	if (f == CF_FIELD_NAME && s->name) {
		scratch_add(m, pos, "%s", list_name(m, s->name));
		return;
	}
	n = students_field_format(s, f, flag_mask, m->scratch + *pos, TEXT_BYTES - *pos);
	if (n == 0) {
		/* TRANSLATORS: an absent value in the import preview: "class: (empty) -> 2班". */
		scratch_add(m, pos, "%s", _("(empty)"));
		return;
	}
	*pos += n < TEXT_BYTES - *pos ? n : TEXT_BYTES - *pos - 1;
}

static size_t
record_of(const struct imp *m, const struct cf_import_item *it)
{
	return it->row < m->roster->n_rows ? m->roster->rows[it->row].record : 0;
}

/*
 * Writes the text of item i of sec into the scratch buffer (logical lines
 * separated by '\n') and returns the indent of continuation lines. w is the
 * width of the list in columns.
 */
static int
item_text(struct imp *m, enum imp_section sec, size_t i, int w)
{
	size_t pos = 0;
	size_t k = m->sec_items[sec][i];

	m->scratch[0] = '\0';
	switch (sec) {
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
				scratch_add(m, &pos, " ");
			scratch_fit(m, &pos, cells[c], widths[c], new_columns[c].align);
		}
		return 0;
	}
	case SEC_CHANGED: {
		const struct cf_import_item *it = &m->plan->items[k];
		uint32_t mask = m->roster->flag_mask;

		/* TRANSLATORS: first line of a changed student in the import preview: row, number, name. */
		scratch_add(m, &pos, _("Row %zu  %s  %s"), record_of(m, it), it->current->student_number,
		            list_name(m, it->current->name));
		for (int b = 0; b < CF_FIELD_COUNT; b++) {
			enum cf_student_field f = (enum cf_student_field)(1u << b);

			if (!(it->changed & f))
				continue;
			/* TRANSLATORS: a changed field in the import preview, before its old and new values. */
			scratch_add(m, &pos, _("\n    %s: "), student_field_label(f));
			scratch_field(m, &pos, it->current, f, mask);
			scratch_add(m, &pos, " -> ");
			scratch_field(m, &pos, it->incoming, f, mask);
		}
		return 6;
	}
	case SEC_ERRORS: {
		const struct cf_roster_error *e = &m->roster->errors[k];
		const char *col = e->column_name ? e->column_name
		                  : e->column != CF_COL_NONE ? roster_column_label(e->column) : NULL;

		scratch_add(m, &pos, "%5zu ", e->record);
		if (col)
			/* TRANSLATORS: a column name before the reason of a row error or a note. */
			scratch_add(m, &pos, _("%s: "), col);
		scratch_add(m, &pos, "%s", roster_reason_message(e->reason));
		return 6;
	}
	case SEC_NOTES: {
		const struct cf_roster_note *n = &m->roster->notes[k];

		if (n->column_name)
			scratch_add(m, &pos, _("%s: "), n->column_name);
		scratch_add(m, &pos, "%s", roster_note_message(n->kind));
		return 4;
	}
	case SEC__COUNT:
		break;
	}
	return 0;
}

/* Splits the scratch text into display lines of at most w columns; returns how many (<= ITEM_LINES_MAX). */
static size_t
item_spans(struct imp *m, int w, int indent)
{
	const char *t = m->scratch;
	size_t len = strlen(t), pos = 0, n = 0;

	if (w < 1)
		w = 1;
	if (indent >= w)
		indent = 0;
	while (pos < len && n < ITEM_LINES_MAX) {
		size_t eol = pos;
		bool first = true;

		while (eol < len && t[eol] != '\n')
			eol++;
		if (eol == pos) {
			m->spans[n++] = (struct span){ pos, 0, 0 };
		}
		while (pos < eol && n < ITEM_LINES_MAX) {
			int cols = first ? w : w - indent;
			size_t k = text_wrap(t + pos, eol - pos, cols);

			if (k == 0)
				break;
			m->spans[n++] = (struct span){ pos, k, first ? 0 : indent };
			pos += k;
			/* a wrapped line does not begin with the space it broke at */
			while (pos < eol && t[pos] == ' ')
				pos++;
			first = false;
		}
		pos = eol + 1;
	}
	return n;
}

/* Display lines of every item of every section, for scrolling; computed again when the width changes. */
static void
lines_compute(struct imp *m, int w)
{
	if (m->lines_width == w || m->state != IMP_PREVIEW || !m->plan)
		return;
	for (int sec = 0; sec < SEC__COUNT; sec++) {
		m->sec_lines[sec][0] = 0;
		for (size_t i = 0; i < m->sec_n[sec]; i++) {
			int indent = item_text(m, (enum imp_section)sec, i, w);
			size_t n = item_spans(m, w, indent);

			m->sec_lines[sec][i + 1] = m->sec_lines[sec][i] + (n ? n : 1);
		}
	}
	crypto_wipe(m->scratch, SCRATCH_BYTES);
	m->lines_width = w;
}

static size_t
sec_total_lines(const struct imp *m, enum imp_section sec)
{
	return m->sec_lines[sec] ? m->sec_lines[sec][m->sec_n[sec]] : 0;
}

static void
scroll_clamp(struct imp *m)
{
	size_t total = sec_total_lines(m, m->section);
	size_t h = m->list_h > 0 ? (size_t)m->list_h : 1;

	if (m->top[m->section] + h > total)
		m->top[m->section] = total > h ? total - h : 0;
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

static void
geometry(struct imp *m)
{
	char sum[512], conf[512];
	int rows;

	if (m->state != IMP_PREVIEW || !m->plan) {
		m->list_h = 0;
		return;
	}
	summary_text(m, sum, sizeof sum);
	confirm_text(m, conf, sizeof conf);
	/* file line, summary, blank, tabs, heading ... list ..., blank, message, confirm */
	rows = 1 + paragraph_rows(sum, m->inner.w) + (m->compact ? 0 : 1) + 1 + 1;
	m->list_y = m->inner.y + rows;
	m->list_h = m->inner.h - rows - (m->compact ? 0 : 1) - paragraph_rows(conf, m->inner.w) -
	            (m->message ? 1 : 0);
	if (m->list_h < 1)
		m->list_h = 1;
	lines_compute(m, m->inner.w);
	scroll_clamp(m);
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

static const char *const section_titles[SEC__COUNT] = {
	/* TRANSLATORS: section tabs of the import preview, each followed by a count. */
	N_("New"),
	N_("Changed"),
	N_("Errors"),
	N_("Notes"),
};

static void
draw_tabs(const struct imp *m, int y)
{
	int x = m->inner.x, end = m->inner.x + m->inner.w;

	for (int i = 0; i < SEC__COUNT && x < end; i++) {
		char label[128];
		int lw;

		snprintf(label, sizeof label, " %s %zu ", _(section_titles[i]), m->sec_n[i]);
		lw = text_width(label, strlen(label));
		if (lw > end - x)
			lw = end - x;
		tui_draw_text(y, x, lw, label, i == (int)m->section ? TUI_ROLE_SELECTED : TUI_ROLE_NORMAL,
		              TEXT_LEFT);
		x += lw + 1;
	}
}

static void
draw_heading(const struct imp *m, int y)
{
	int w = m->inner.w, x = m->inner.x;

	switch (m->section) {
	case SEC_NEW: {
		int widths[NEW_NCOLS];

		tui_list_columns(new_columns, NEW_NCOLS, w, widths);
		for (size_t c = 0; c < NEW_NCOLS; c++) {
			if (c > 0 && widths[c] > 0)
				x++;
			tui_draw_text(y, x, widths[c], _(new_columns[c].title), TUI_ROLE_TITLE, new_columns[c].align);
			x += widths[c];
		}
		return;
	}
	case SEC_CHANGED:
		tui_draw_text(y, x, w, _("Row, student number, name; then each changed field: old -> new"),
		              TUI_ROLE_TITLE, TEXT_LEFT);
		return;
	case SEC_ERRORS:
		/* TRANSLATORS: heading of the import preview's row errors; "Row" right-aligned in 5 columns. */
		tui_draw_text(y, x, w, _("  Row Column: reason (these rows are skipped)"), TUI_ROLE_TITLE,
		              TEXT_LEFT);
		return;
	case SEC_NOTES:
		tui_draw_text(y, x, w, _("Notes on the file's columns"), TUI_ROLE_TITLE, TEXT_LEFT);
		return;
	case SEC__COUNT:
		break;
	}
}

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

/* Item index of display line `line` of sec (binary search over the prefix sums). */
static size_t
item_at_line(const struct imp *m, enum imp_section sec, size_t line)
{
	size_t lo = 0, hi = m->sec_n[sec];

	while (lo + 1 < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->sec_lines[sec][mid] <= line)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void
draw_list(struct imp *m)
{
	enum imp_section sec = m->section;
	size_t line = m->top[sec], total = sec_total_lines(m, sec);
	int y = m->list_y, end = m->list_y + m->list_h;
	size_t i;

	if (m->sec_n[sec] == 0) {
		tui_draw_text(y, m->inner.x, m->inner.w, section_empty(sec), TUI_ROLE_HINT, TEXT_LEFT);
		return;
	}
	i = item_at_line(m, sec, line);
	while (y < end && i < m->sec_n[sec] && line < total) {
		int indent = item_text(m, sec, i, m->inner.w);
		size_t n = item_spans(m, m->inner.w, indent);
		size_t sub = line - m->sec_lines[sec][i];

		for (; sub < n && y < end; sub++, y++, line++) {
			const struct span *sp = &m->spans[sub];
			enum tui_role role = sec == SEC_CHANGED && sub == 0 ? TUI_ROLE_TITLE : TUI_ROLE_NORMAL;

			if (sp->indent)
				tui_draw_text(y, m->inner.x, sp->indent, "", TUI_ROLE_NORMAL, TEXT_LEFT);
			tui_draw_text(y, m->inner.x + sp->indent, m->inner.w - sp->indent, "", role, TEXT_LEFT);
			{
				/* the span, NUL-terminated in place for drawing */
				char *end_of_span = m->scratch + sp->off + sp->len, saved = *end_of_span;

				*end_of_span = '\0';
				tui_draw_text(y, m->inner.x + sp->indent, m->inner.w - sp->indent, m->scratch + sp->off,
				              role, TEXT_LEFT);
				*end_of_span = saved;
			}
		}
		if (n == 0) {
			y++;
			line++;
		}
		i++;
	}
	crypto_wipe(m->scratch, SCRATCH_BYTES);
	/* a scroll mark when more lines are below or above */
	if (m->top[sec] > 0)
		tui_draw_text(m->list_y - 1, m->inner.x + m->inner.w - 1, 1, "^", TUI_ROLE_HINT, TEXT_LEFT);
	if (m->top[sec] + (size_t)m->list_h < total)
		tui_draw_text(end - 1, m->inner.x + m->inner.w - 1, 1, "v", TUI_ROLE_HINT, TEXT_LEFT);
}

static void
draw_path(struct imp *m, struct cf_screen *s)
{
	struct cf_rect r = m->inner;
	int row = 0;
	struct cf_rect ed;

	row += tui_draw_paragraph(&r, row,
	                          _("Import the class roster: a CSV or text file saved by Excel or exported by "
	                            "the school registry system (UTF-8, GBK or UTF-16; comma, semicolon or "
	                            "tab). You see a preview first: nothing is written before you confirm."),
	                          TUI_ROLE_NORMAL);
	row++;
	if (row >= r.h)
		return;
	tui_draw_text(r.y + row, r.x, r.w, _("Roster file (Tab completes, ~ is your home folder):"),
	              TUI_ROLE_TITLE, TEXT_LEFT);
	row++;
	if (row >= r.h)
		return;
	tui_draw_text(r.y + row, r.x, 2, ">", TUI_ROLE_TITLE, TEXT_LEFT);
	ed = (struct cf_rect){ r.x + 2, r.y + row, r.w - 2, 1 };
	tui_widget_edit_draw(m->path_ed, &ed, true, s->tui);
	row++;
	if (m->cwd && row < r.h) {
		char line[PATH_MAX_CHARS + 128];

		/* where a relative path starts */
		snprintf(line, sizeof line, _("Current folder: %s"), m->cwd);
		tui_draw_text(r.y + row, r.x + 2, r.w - 2, line, TUI_ROLE_HINT, TEXT_LEFT);
	}
	row += 2;
	if (m->message && row < r.h)
		tui_draw_paragraph(&r, row, m->message, m->message_error ? TUI_ROLE_ERROR : TUI_ROLE_HINT);
}

static void
draw_preview(struct imp *m)
{
	struct cf_rect r = m->inner;
	char line[1024], sum[512], conf[512];
	int row = 0, confirm_rows;

	snprintf(line, sizeof line, _("Encoding: %s  Separator: %s  File: %s"), encoding_label(m->roster->encoding),
	         separator_label(m->roster->separator), base_name(m->path));
	tui_draw_text(r.y, r.x, r.w, line, TUI_ROLE_NORMAL, TEXT_LEFT);
	row = 1;
	summary_text(m, sum, sizeof sum);
	row += tui_draw_paragraph(&r, row, sum, TUI_ROLE_TITLE);
	if (!m->compact)
		row++;
	draw_tabs(m, r.y + row);
	draw_heading(m, m->list_y - 1);
	draw_list(m);
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

/* The screens below this one reload what they show (the Students list: the new students). */
static void
reload_below(struct cf_screen *s)
{
	struct cf_screen *below = tui_screen_below(s);

	if (below && below->ops->unlock) {
		int err = below->ops->unlock(below);

		if (err != CF_OK)
			tui_status(s->tui, cf_strerror(err), true);
	}
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
		char *path = m->path;

		preview_load(m, s->tui, path);
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
	if (m->st)
		tui_students_changed(m->st); /* the list filters its (updated) index again */
	else
		reload_below(s);
}

static enum tui_key_result
key_path(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct imp *m = s->priv;

	if (is_char(k, 27))
		return cancel(s);
	if (tui_key_is_enter(k)) {
		char *typed = edit_text(m->path_ed), *path = typed ? expand_path(typed) : NULL;

		if (path)
			preview_load(m, s->tui, path);
		else
			set_message(m, true, "%s", cf_strerror(CF_ERR_NOMEM));
		free(path);
		free(typed);
		geometry(m);
		return TUI_KEY_HANDLED;
	}
	if (is_char(k, '\t')) {
		complete_path(m);
		return TUI_KEY_HANDLED;
	}
	if ((k->fn && k->code == KEY_F(1)) || is_char(k, TUI_CTRL('L')))
		return TUI_KEY_UNHANDLED;
	/* a message (an error, the completions) is about the text before this key */
	if (tui_widget_edit_key(m->path_ed, k) == TUI_KEY_HANDLED)
		set_message(m, false, NULL);
	return TUI_KEY_HANDLED;
}

static enum tui_key_result
key_preview(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct imp *m = s->priv;
	size_t *top = &m->top[m->section];
	size_t page = m->list_h > 1 ? (size_t)m->list_h - 1 : 1;

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
	if (is_char(k, '\t') || (k->fn && k->code == KEY_RIGHT)) {
		m->section = (enum imp_section)((m->section + 1) % SEC__COUNT);
		return TUI_KEY_HANDLED;
	}
	if ((k->fn && (k->code == KEY_BTAB || k->code == KEY_LEFT))) {
		m->section = (enum imp_section)((m->section + SEC__COUNT - 1) % SEC__COUNT);
		return TUI_KEY_HANDLED;
	}
	if (!k->fn && k->code >= '1' && k->code < '1' + SEC__COUNT) {
		m->section = (enum imp_section)(k->code - '1');
		return TUI_KEY_HANDLED;
	}
	if (k->fn) {
		switch (k->code) {
		case KEY_UP: *top = *top > 0 ? *top - 1 : 0; break;
		case KEY_DOWN: (*top)++; break;
		case KEY_PPAGE: *top = *top > page ? *top - page : 0; break;
		case KEY_NPAGE: *top += page; break;
		case KEY_HOME: *top = 0; break;
		case KEY_END: *top = sec_total_lines(m, m->section); break;
		case KEY_F(1): return TUI_KEY_UNHANDLED;
		default: return TUI_KEY_HANDLED;
		}
		scroll_clamp(m);
		return TUI_KEY_HANDLED;
	}
	if (is_char(k, TUI_CTRL('L')))
		return TUI_KEY_UNHANDLED;
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
	m->lines_width = -1;
	m->path_ed = tui_edit_new(false, PATH_MAX_CHARS, NULL);
	m->scratch = crypto_secure_alloc(SCRATCH_BYTES);
	if (!m->path_ed || !m->scratch) {
		tui_edit_free(&m->path_ed);
		crypto_secure_free(m->scratch);
		free(m);
		return CF_ERR_NOMEM;
	}
	m->cwd = current_folder();
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
	crypto_secure_free(m->scratch);
	tui_edit_free(&m->path_ed);
	free(m->path);
	free(m->cwd);
	free(m->message);
	free(m);
	s->priv = NULL;
}

/* Locking wipes the preview (it holds decrypted students); unlocking reads the file and plans again. */
static void
import_lock(struct cf_screen *s)
{
	struct imp *m = s->priv;

	m->locked_section = m->section;
	memcpy(m->locked_top, m->top, sizeof m->top);
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
			/* the same place in the preview (clamped by geometry if the file changed meanwhile) */
			m->section = m->locked_section;
			memcpy(m->top, m->locked_top, sizeof m->top);
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
