/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The screen kit: record forms and detail pages from field tables, the path prompt, the tabbed preview, dialogs. */
#ifndef CAREFILE_TUI_KIT_H
#define CAREFILE_TUI_KIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carefile/record.h"
#include "tui-form.h"
#include "tui-widgets.h"

/*
 * A record type's screens are declarations on this kit (record.h, "Adding
 * a record type", step 6): a struct tui_form_spec for its form (pushed
 * with tui_screen_record_form) and tui_page_add_record() / a children
 * section for its detail page. Everything decrypted that the kit holds is
 * in secure memory and wiped on lock; a form's unsaved text is sealed
 * under its compartment's key while locked (never written anywhere) and
 * given back after the unlock.
 */

/* ---------------------------------------------------------------- small dialogs */

/* The editor allocator for sensitive text (the crypto layer's secure memory). Static. */
const struct cf_tui_edit_alloc *tui_secure_edit_alloc(void);

/*
 * Draws a small centred box over area with question (UTF-8) and a line of
 * keys: keys_line, or "y Yes   n No" when it is NULL.
 */
void tui_confirm_draw(const struct cf_rect *area, const char *title, const char *question, const char *keys_line);

/* True for y / Y, false for anything else; *answered says whether k was y, n or Esc. */
bool tui_confirm_key(const struct cf_tui_key *k, bool *answered);

/*
 * Reads a date typed as 2014-07-18, 2014-7-18, 2014/7/18, 2014.7.18 or
 * 2014年7月18日 into out as YYYY-MM-DD. False when it is not a real date
 * (record_date_valid()); out is then unchanged.
 */
bool tui_parse_date(const char *text, char out[11]);

/*
 * fmt (a translated text with one conversion: %s, %d or %zu) with value put
 * in its place, into out (size bytes): titles and labels from N_() tables
 * without handing printf a format that is not a literal.
 */
void tui_subst(char *out, size_t size, const char *fmt, const char *value);

/* Reads a time typed as 14:30, 9:05 or 0905 into out as HH:MM. False when it is no time. */
bool tui_parse_time(const char *text, char out[6]);

/* ---------------------------------------------------------------- record forms */

/* One row of a form: a top-level field of the record type, in the order shown. */
struct tui_form_item {
	uint16_t tag;
	int rows;                /* LONGTEXT: editor rows (0: 3) */
	const char *block_label; /* GROUP: N_() label of one element, %d its number ("Guardian %d") */
	bool choose;             /* TEXT: offer the spec's choices() first, "someone else" then a text */
	bool readonly;           /* shown, never edited */
};

/*
 * The spec of a record form: the record type, the rows, texts, and three
 * callbacks. ctx is the screen's own copy (ctx_size bytes, secure memory)
 * of what tui_record_form_open() got.
 */
struct tui_form_spec {
	const char *name;                  /* ASCII id for tests: "student-edit" */
	const struct cf_record_type *type;
	const struct cf_table *table;      /* told "changed" after a save; its compartment seals a draft on lock */
	const struct tui_form_item *items;
	size_t n_items;
	size_t ctx_size;
	const char *title_new, *title_edit; /* N_(), a %s is load()'s subject */
	const char *saved;                 /* N_() status line after a save */
	const char *discard;               /* N_() question on Esc with changes */
	const struct cf_tui_keyhelp *keys; /* the help overlay's keys */
	/*
	 * Fills rec (initialised by the kit with alloc) with the record to edit,
	 * or leaves it empty for a new one (with defaults), and writes a
	 * subject for the title (a name) to subject. *editing: an existing
	 * record. Returns enum cf_error.
	 */
	int (*load)(struct cf_tui *tui, void *ctx, void *rec, char *subject, size_t size, bool *editing);
	/*
	 * Choices of a `choose` item: the values stored, and how each is shown
	 * (labels[i] NULL: the value itself); copied by the kit. Returns how
	 * many (<= max). May be NULL.
	 */
	size_t (*choices)(struct cf_tui *tui, void *ctx, uint16_t tag, const char **values, char (*labels)[128],
	                  size_t max);
	/*
	 * Writes rec (normalised by record_normalise(), not yet validated: the
	 * write path validates). Problems per field go to errs and come back
	 * under their fields. Returns enum cf_error (CF_ERR_INVALID, _EXISTS for
	 * errs, others shown on the status line).
	 */
	int (*save)(struct cf_tui *tui, void *ctx, void *rec, struct cf_field_errors *errs);
	/*
	 * The status line for an error of save() that needs more than
	 * cf_strerror() (what to do instead), translated, or NULL for
	 * cf_strerror(). May be NULL.
	 */
	const char *(*save_error)(int err);
};

/* The form dialog of any record type. arg: struct tui_record_form_arg * (borrowed by init). */
extern const struct cf_screen_ops tui_screen_record_form;

struct tui_record_form_arg {
	const struct tui_form_spec *spec;
	const void *ctx; /* spec->ctx_size bytes, copied */
};

/* Pushes the form of spec with ctx. Returns enum cf_error. */
int tui_record_form_open(struct cf_tui *tui, const struct tui_form_spec *spec, const void *ctx);

/*
 * The binding of a form to a record, for the screen above and its tests.
 * Fields live in secure memory. tui_record_form_new() builds the fields of
 * spec (choices: n values and their labels ("" or NULL: the value), copied;
 * may be NULL).
 */
struct tui_record_form;
int tui_record_form_new(const struct tui_form_spec *spec, const char *const *choices, const char *const *labels,
                        size_t n_choices, struct tui_record_form **out);
void tui_record_form_free(struct tui_record_form **f);
/* The tui_form inside (drawing). Borrowed. */
struct tui_form *tui_record_form_widget(struct tui_record_form *f);
/* A key for the form (tui_form_key()); groups show one more empty block as the last one is filled. */
enum tui_key_result tui_record_form_key(struct tui_record_form *f, const struct cf_tui_key *k);
/* Sets every field from rec. Returns enum cf_error. */
int tui_record_form_fill(struct tui_record_form *f, const void *rec);
/*
 * Reads the fields into rec (initialised here with alloc; the caller finis
 * it). Every field the form does not edit (not shown, read-only, links,
 * times, and the read-only parts of the group elements still in the form)
 * comes from the record last given to tui_record_form_fill() (kept in
 * secure memory, carried through dump/restore), so a save never drops
 * what the form did not show. Text that cannot be read as its kind (a
 * date, a number) is marked under its field: CF_ERR_INVALID. CF_OK,
 * CF_ERR_NOMEM.
 */
int tui_record_form_read(struct tui_record_form *f, void *rec, const struct cf_str_alloc *alloc);
/* Shows the problems of errs under their fields (after clearing the old ones); returns how many were placed. */
size_t tui_record_form_errors(struct tui_record_form *f, const struct cf_field_errors *errs);
/* Every field's text and choice as one blob (secure memory, for a draft); caller frees with crypto_secure_free(). */
int tui_record_form_dump(struct tui_record_form *f, uint8_t **out, size_t *len);
/* Puts back what tui_record_form_dump() gave. Returns enum cf_error. */
int tui_record_form_restore(struct tui_record_form *f, const uint8_t *p, size_t len);
/* Wipes every field (lock). */
void tui_record_form_clear(struct tui_record_form *f);

/* ---------------------------------------------------------------- detail pages */

enum tui_page_kind {
	TUI_PAGE_SECTION, /* a heading */
	TUI_PAGE_FIELD,   /* label and value */
	TUI_PAGE_TEXT,    /* a wrapped paragraph, indented */
	TUI_PAGE_EMPTY,   /* a hint under a heading ("none yet") */
	TUI_PAGE_BLANK,
};

/* Bits of tui_page_add()'s flags. */
#define TUI_PAGE_HALF 0x1u       /* a short field: two share a row on a wide screen */
#define TUI_PAGE_SELECTABLE 0x2u /* Tab stops on it; tui_page_selected() gives its ref */
#define TUI_PAGE_JOIN 0x4u       /* selected together with the selectable item before it */

/* A page of items, wrapped to its width and scrolled; its texts are copied into a secure arena. */
struct tui_page;

int tui_page_new(struct tui_page **out);
void tui_page_free(struct tui_page **p);
/* Removes every item (wiping their texts); keeps the scroll when keep_scroll. */
void tui_page_clear(struct tui_page *p, bool keep_scroll);
/* Adds an item; label and value (UTF-8, may be NULL) are copied. ref: what a selectable item stands for. */
int tui_page_add(struct tui_page *p, enum tui_page_kind kind, const char *label, const char *value, unsigned flags,
                 int64_t ref);
/*
 * Adds one FIELD per tag of rec (record_field_format(), "-" when empty,
 * the field's translated label), ENUM, DATE, TIME and short TEXT fields as
 * halves. Returns enum cf_error.
 */
int tui_page_add_record(struct tui_page *p, const struct cf_record_type *t, const void *rec, const uint16_t *tags,
                        size_t n);
/* Wraps the items to r (pure geometry over the texts). */
void tui_page_layout(struct tui_page *p, const struct cf_rect *r);
void tui_page_draw(struct tui_page *p);
/* Scroll (Up/Down, PgUp/PgDn, Space, Home/End) and selection (Tab/Shift-Tab); TUI_KEY_UNHANDLED otherwise. */
enum tui_key_result tui_page_key(struct tui_page *p, const struct cf_tui_key *k);
/* Selects the selectable item with ref (after a reload); false (nothing selected) when there is none. */
bool tui_page_select_ref(struct tui_page *p, int64_t ref);
/* The ref of the selected item; false when none is selected. */
bool tui_page_selected(const struct tui_page *p, int64_t *ref);
/* "row 3 of 40" when the page scrolls, else "" (written to buf). */
void tui_page_position(const struct tui_page *p, char *buf, size_t size);
/* True when the page has no items. */
bool tui_page_empty(const struct tui_page *p);

/* ---------------------------------------------------------------- path prompt */

/* A one-line path editor: Tab completes, ~ is the home folder, the current folder is shown. */
struct tui_path_prompt;

int tui_path_prompt_new(size_t max_chars, struct tui_path_prompt **out);
void tui_path_prompt_free(struct tui_path_prompt **pp);
/*
 * Draws the label, the editor (with the cursor) and the current folder in
 * r from row; then its message, if any. Returns the rows used.
 */
int tui_path_prompt_draw(struct tui_path_prompt *pp, const struct cf_rect *r, int row, const char *label,
                         struct cf_tui *tui);
/* Tab completes; editing keys edit; TUI_KEY_UNHANDLED for Enter, Esc, F-keys and Ctrl keys. */
enum tui_key_result tui_path_prompt_key(struct tui_path_prompt *pp, const struct cf_tui_key *k);
/* The path typed, expanded (quotes off, ~ and ~user): malloc, caller frees; NULL out of memory. */
char *tui_path_prompt_value(const struct tui_path_prompt *pp);
/* A message under the prompt (UTF-8, copied; NULL clears). */
void tui_path_prompt_message(struct tui_path_prompt *pp, const char *msg, bool error);
/* Rows the message takes at width w. */
int tui_path_prompt_message_rows(const struct tui_path_prompt *pp, int w);

/* ---------------------------------------------------------------- tabbed preview */

/*
 * Sections of items (New, Changed, Errors, ...), one shown at a time with
 * tabs and counts; each item is one or more display lines that the owner
 * writes on demand (nothing is kept but line counts), scrolled by line.
 */
struct tui_preview;

/*
 * Writes the text of item i of section sec into buf (size bytes; logical
 * lines separated by '\n'; secure memory: it is wiped after each use) for a
 * list w columns wide. Returns the indent of continuation lines.
 */
typedef int tui_preview_item_fn(void *ctx, size_t sec, size_t i, int w, char *buf, size_t size);

struct tui_preview_section {
	const char *title;   /* N_() tab title */
	const char *heading; /* translated heading line, or NULL: the owner draws it (tui_preview_heading_row()) */
	const char *empty;   /* translated text when the section has no items */
	size_t n;            /* items */
	bool title_role;     /* the first line of each item in the title role */
};

int tui_preview_new(tui_preview_item_fn *item, void *ctx, struct tui_preview **out);
void tui_preview_free(struct tui_preview **pv);
/* Sets the sections (copied: n_sections <= 8); line counts are computed again. Returns enum cf_error. */
int tui_preview_set(struct tui_preview *pv, const struct tui_preview_section *sections, size_t n_sections);
/* Drops everything (wiping the scratch). */
void tui_preview_clear(struct tui_preview *pv);
/* Tabs at row y, heading at y + 1, items below in r (from y + 2 to r's bottom). */
void tui_preview_draw(struct tui_preview *pv, const struct cf_rect *r);
/* Row of r where the heading is drawn (for owners drawing their own column headings). */
int tui_preview_heading_row(const struct tui_preview *pv);
/* Tab/Left/Right/1-9 change section; Up/Down/PgUp/PgDn/Home/End scroll. TUI_KEY_UNHANDLED otherwise. */
enum tui_key_result tui_preview_key(struct tui_preview *pv, const struct cf_tui_key *k);
/* The section shown, and setting it. */
size_t tui_preview_section(const struct tui_preview *pv);
void tui_preview_select(struct tui_preview *pv, size_t sec);
/* Scroll positions of every section (for a lock: put back after the unlock). */
void tui_preview_get_scroll(const struct tui_preview *pv, size_t *top, size_t n);
void tui_preview_set_scroll(struct tui_preview *pv, const size_t *top, size_t n);

#endif
