/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Students screens' shared state (decrypted index, privacy mode), their form specs and dialogs. */
#ifndef CAREFILE_TUI_STUDENTS_H
#define CAREFILE_TUI_STUDENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carefile/students.h"
#include "tui-curses.h"
#include "tui-kit.h"
#include "tui-privacy.h"

/*
 * One loaded index of the students of the open case file, owned by the
 * Students list screen and borrowed by the screens it opens (detail, forms,
 * filter, import), which stay above it on the stack. idx is NULL while the
 * case file is locked, without a case file, or when loading failed
 * (load_err). A screen that changes it calls tui_records_changed(tui,
 * &cf_table_student): every screen's refresh op then shows the change.
 */
struct tui_students {
	struct cf_tui *tui;        /* borrowed */
	struct cf_students *idx;   /* owned; decrypted, secure memory */
	int load_err;              /* enum cf_error of the last load */
};

/* Loads (again) the index from tui_casefile(); keeps load_err. Returns enum cf_error. */
int tui_students_load(struct tui_students *st);

/* Wipes and frees the index (lock, close). NULL-safe. */
void tui_students_drop(struct tui_students *st);

/*
 * The name to show in a list for name (UTF-8, may be NULL): the name, or its
 * initials in privacy mode. Written to buf (size bytes); returns buf.
 */
const char *tui_students_list_name(const char *name, char *buf, size_t size);

/* The list's filter choices; empty strings and 0 mean "any" (status 0: not archived). Copies, not borrowed from the index. */
struct tui_students_sel {
	char school[256], grade[128], class_name[128];
	uint32_t flags;       /* enum cf_student_flag bits, all required */
	uint32_t status_mask; /* bits 1u << enum cf_student_status; 0: the default list */
};

/* What the detail screen gets from tui_push(): borrowed. */
struct tui_student_detail_arg {
	struct tui_students *st;
	int64_t id; /* row id */
};

/* The context of the student form (tui_student_form_spec): id 0 adds a new student. */
struct tui_student_form_ctx {
	struct tui_students *st;
	int64_t id;
	struct tui_students_sel defaults; /* a new student's school, grade, class (the list's filter) */
	int64_t *saved_id;                /* receives the row id after a save (may be NULL) */
};

/* The context of the contact form: the student (row id and index), and the entry (row id 0: a new one). */
struct tui_contact_form_ctx {
	struct tui_students *st;
	int64_t student_id;
	struct cf_row row;  /* the entry as listed (its version): edits refuse a stale one */
};

extern const struct tui_form_spec tui_student_form_spec;
extern const struct tui_form_spec tui_contact_form_spec;

/* What the filter dialog gets: the choices to change (borrowed); it calls tui_records_changed() when they change. */
struct tui_students_filter_arg {
	struct tui_students *st;
	struct tui_students_sel *sel;
};

/* Translated one-character marker of flag bit number bit (0 .. CF_STUDENT_FLAG_COUNT - 1), "" otherwise. */
const char *tui_students_flag_marker(unsigned bit);

extern const struct cf_screen_ops tui_screen_student_detail;
extern const struct cf_screen_ops tui_screen_students_filter;

#endif
