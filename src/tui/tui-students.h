/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Students screens' shared state (decrypted index, privacy mode) and their dialogs. */
#ifndef CAREFILE_TUI_STUDENTS_H
#define CAREFILE_TUI_STUDENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carefile/students.h"
#include "carefile/tui_edit.h"
#include "tui-curses.h"
#include "tui-privacy.h"

/*
 * One loaded index of the students of the open case file, owned by the
 * Students list screen and borrowed by the screens it opens (detail, forms,
 * filter), which stay above it on the stack. idx is NULL while the case
 * file is locked, without a case file, or when loading failed (load_err).
 */
struct tui_students {
	struct cf_tui *tui;        /* borrowed */
	struct cf_students *idx;   /* owned; decrypted, secure memory */
	int load_err;              /* enum cf_error of the last load */
	/* Called after every change to idx (edit, archive, import), so the list filters again. */
	void (*changed)(void *ctx);
	void *changed_ctx;
};

/* Loads (again) the index from tui_casefile(); keeps load_err. Returns enum cf_error. */
int tui_students_load(struct tui_students *st);

/* Wipes and frees the index (lock, close). NULL-safe. */
void tui_students_drop(struct tui_students *st);

/* Tells the list that idx changed. */
void tui_students_changed(struct tui_students *st);

/*
 * The name to show in a list for name (UTF-8, may be NULL): the name, or its
 * initials in privacy mode. Written to buf (size bytes); returns buf.
 */
const char *tui_students_list_name(const char *name, char *buf, size_t size);

/*
 * Reads a date typed as 2014-07-18, 2014-7-18, 2014/7/18, 2014.7.18 or
 * 2014年7月18日 into out as YYYY-MM-DD. False when it is not a real date
 * (student_date_valid()); out is then unchanged.
 */
bool tui_students_parse_date(const char *text, char out[11]);

/* Today as "YYYY-MM-DD" in local time into out (11 bytes). */
void tui_students_today(char out[11]);

/*
 * Draws a small centred box over area with question (UTF-8) and a line of
 * keys: keys_line, or "y Yes   n No" when it is NULL. For the inline
 * confirmations of the screens.
 */
void tui_students_confirm_draw(const struct cf_rect *area, const char *title, const char *question,
                               const char *keys_line);

/* True for y / Y, false for anything else; *answered says whether k was y, n or Esc. */
bool tui_students_confirm_key(const struct cf_tui_key *k, bool *answered);

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

/*
 * What the add/edit form gets: id 0 adds a new student. done (may be NULL)
 * is called with the row id after a save, before the form closes.
 */
struct tui_student_edit_arg {
	struct tui_students *st;
	int64_t id;
	void (*done)(void *ctx, int64_t id);
	void *ctx;
	const struct tui_students_sel *defaults; /* a new student's school, grade, class (the list's filter); may be NULL */
};

/* What the contact form gets: the student whose guardians are offered. */
struct tui_contact_edit_arg {
	struct tui_students *st;
	int64_t student_id;
	void (*done)(void *ctx);
	void *ctx;
};

/* What the filter dialog gets: the choices to change (borrowed) and a callback after they changed. */
struct tui_students_filter_arg {
	struct tui_students *st;
	struct tui_students_sel *sel;
	void (*done)(void *ctx);
	void *ctx;
};

/* The editor allocator for sensitive text (the crypto layer's secure memory). Static. */
const struct cf_tui_edit_alloc *tui_students_secure_alloc(void);

/* Translated one-character marker of flag bit number bit (0 .. CF_STUDENT_FLAG_COUNT - 1), "" otherwise. */
const char *tui_students_flag_marker(unsigned bit);

extern const struct cf_screen_ops tui_screen_student_detail;
extern const struct cf_screen_ops tui_screen_student_edit;
extern const struct cf_screen_ops tui_screen_contact_edit;
extern const struct cf_screen_ops tui_screen_students_filter;

#endif
