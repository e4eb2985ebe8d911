/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Students in the case file: the in-memory search index, edits, roster import and export. */
#ifndef CAREFILE_STUDENTS_H
#define CAREFILE_STUDENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "carefile/casefile.h"
#include "carefile/contact.h"
#include "carefile/error.h"
#include "carefile/roster.h"
#include "carefile/student.h"

/*
 * Where students live (DESIGN.md §4): table "student" (cf_table_student,
 * carefile/student.h), identity compartment, one row per student; its
 * plaintext columns are the record layer's standard ones plus status (so
 * the archive filter needs no key); everything else is the ciphertext of
 * the record (carefile/record.h), written by casefile_record_put().
 *
 * Home-school contacts are records of table "contact" (cf_table_contact,
 * carefile/contact.h) linked to their student: written with
 * casefile_record_put_child() and read with casefile_record_children()
 * (carefile/casefile.h); nothing here is specific to them.
 *
 * Every function returns an enum cf_error and never prints. Functions that
 * write need an unlocked case file (CF_ERR_LOCKED) whose user holds the
 * compartment (CF_ERR_PERMISSION); each write is one transaction.
 */

/* ------------------------------------------------------ validation */

/*
 * Checks s with its field table (record_validate(): required fields,
 * limits, dates not in the future, phones and the student number in
 * canonical form, options). CF_OK, or CF_ERR_INVALID with *bad (may be
 * NULL) = the enum cf_student_field bits that failed. Duplicates are
 * checked by the edit functions, not here.
 */
enum cf_error students_validate(const struct cf_student *s, uint32_t *bad);

/* True for the statuses that "archive" a student (transferred, graduated): hidden from the default list. */
bool students_status_archived(enum cf_student_status status);

/* ------------------------------------------------------ in-memory index */

/*
 * The decrypted students of one case file, for the list, search and import.
 * Everything decrypted (records, their strings and the precomputed pinyin
 * keys) lives in secure memory: a crypto arena (a few large sodium_malloc
 * chunks) plus one secure array of entries. Entries are kept sorted by
 * school, grade (年级 order: 一年级..六年级, 七/初一..九/初三, 高一..高三,
 * then others), class (by its number: 2班 before 10班), name in pinyin order
 * (pinyin_sort_key()), then student number.
 *
 * Positions (0 .. students_count() - 1) are that order and change after any
 * edit or import; ids (the row id) never change: keep ids across edits.
 * Pointers handed out by the accessors are borrowed from the index and valid
 * until the next edit, import or students_free().
 */
struct cf_students;

/*
 * Decrypts every student row into a new index (casefile_record_foreach():
 * one secure buffer for the ciphertexts, the records' strings and keys in
 * a few arena chunks). Needs the identity compartment: CF_ERR_PERMISSION
 * without it, CF_ERR_LOCKED when locked. A row that fails to authenticate
 * or decode is left out and counted (students_damaged()): one damaged
 * record never hides the others. CF_ERR_NOMEM. Caller frees *out with
 * students_free(). Borrows nothing from cf after returning (the edit
 * functions take cf again).
 */
enum cf_error students_load(struct cf_casefile *cf, struct cf_students **out);

/* Rows left out of the index because they failed to authenticate or decode (run `check`). */
size_t students_damaged(const struct cf_students *idx);

/*
 * Wipes and frees everything, sets *idx to NULL. NULL-safe. Call it from a
 * casefile_on_lock() hook (or before casefile_lock()): a locked case file
 * must not leave decrypted students behind.
 */
void students_free(struct cf_students **idx);

/* Number of students (all statuses). */
size_t students_count(const struct cf_students *idx);

/* Student at position i (borrowed), or NULL when i is out of range. */
const struct cf_student *students_get(const struct cf_students *idx, size_t i);

/* Row id / uuid (CF_UUID_BYTES, borrowed) / status / created / updated (UTC seconds) of position i; 0/NULL when out of range. */
int64_t students_id(const struct cf_students *idx, size_t i);
const uint8_t *students_uuid(const struct cf_students *idx, size_t i);
enum cf_student_status students_status(const struct cf_students *idx, size_t i);
int64_t students_created(const struct cf_students *idx, size_t i);
int64_t students_updated(const struct cf_students *idx, size_t i);

/* Pinyin initials ("zs") and full pinyin ("zhangsan") of the name at position i (borrowed; "" when out of range). */
const char *students_name_initials(const struct cf_students *idx, size_t i);
const char *students_name_pinyin(const struct cf_students *idx, size_t i);

/* Position of row id / of the exact student number in *pos. CF_OK or CF_ERR_NOT_FOUND. */
enum cf_error students_find_id(const struct cf_students *idx, int64_t id, size_t *pos);
enum cf_error students_find_number(const struct cf_students *idx, const char *number, size_t *pos);

/* Secure memory the index holds now (arena chunks' bytes in use + the entry array), in bytes, for bench figures. */
size_t students_secure_bytes(const struct cf_students *idx);

/* ------------------------------------------------------ search and filters */

/*
 * Filters combined with AND. NULL strings and 0 masks mean "any".
 * status_mask: bits (1u << enum cf_student_status); 0 means the default
 * list: every status except the archived ones (transferred, graduated).
 */
struct cf_students_filter {
	const char *school;      /* exact match */
	const char *grade;       /* exact match */
	const char *class_name;  /* exact match */
	uint32_t flags;          /* every bit set here must be set in the student's flags */
	uint32_t status_mask;
};
#define CF_STUDENTS_STATUS_ALL ((1u << CF_STUDENT_STATUS__COUNT) - 1u)

/*
 * Positions of the students that match query and filter (NULL = defaults),
 * in list order, into out (room for students_count(idx) entries, caller's);
 * *n receives how many. query (UTF-8, may be NULL or "" = everything)
 * matches, ignoring ASCII case, spaces and apostrophes (on both sides):
 *   - the name: characters ("张"), initials ("zs"), full pinyin
 *     ("zhangsan"), syllable prefixes ("zhs", "zhangs") as pinyin_match();
 *   - a substring of the student number ("0101");
 *   - a substring of the class ("1班") or of grade + class ("四年级1班",
 *     "高一 2班").
 * The keys are precomputed at load in one compact array scanned in storage
 * order (syllable ids, not the pinyin table). CF_OK, CF_ERR_NOMEM, or
 * CF_ERR_INVALID for NULL idx/out/n.
 */
enum cf_error students_filter(const struct cf_students *idx, const char *query,
                              const struct cf_students_filter *filter, size_t *out, size_t *n);

/*
 * Search as you type: remembers the last query's matches, so when the
 * next query extends it (one more key) only those are tested again
 * (incremental narrowing). Secure memory (the query is sensitive).
 */
struct cf_students_search;

/* CF_OK with *out, or CF_ERR_NOMEM. Caller frees with students_search_free(). */
enum cf_error students_search_new(struct cf_students_search **out);

/* Wipes and frees; sets *s to NULL. NULL-safe. */
void students_search_free(struct cf_students_search **s);

/*
 * As students_filter(), narrowing from the previous call when idx is the
 * same (same edit generation), the filter is equal and the normalised
 * query extends the previous one.
 */
enum cf_error students_search_run(struct cf_students_search *s, const struct cf_students *idx, const char *query,
                                  const struct cf_students_filter *filter, size_t *out, size_t *n);

/* Which distinct values students_distinct() lists. */
enum cf_students_key {
	CF_STUDENTS_KEY_SCHOOL = 0,
	CF_STUDENTS_KEY_GRADE,
	CF_STUDENTS_KEY_CLASS,
};

/*
 * Distinct non-empty values of key over all students (any status), in list
 * order, optionally only within school and/or grade (NULL = any), for the
 * filter pickers. *values: malloc'd array of *n pointers borrowed from idx
 * (valid until the next edit or students_free()); caller frees the array
 * with free() (NULL when *n is 0). CF_OK, CF_ERR_NOMEM, CF_ERR_INVALID.
 */
enum cf_error students_distinct(const struct cf_students *idx, enum cf_students_key key, const char *school,
                                const char *grade, const char ***values, size_t *n);

/*
 * Privacy mode: initials instead of a name, for lists others can see.
 * Chinese characters give the capital first letter of their pinyin followed
 * by '.', so 张三 -> "Z.S.", 欧阳娜娜 -> "O.Y.N.N."; a Latin name gives the
 * first letter of each word: "Alice van Dijk" -> "A.V.D."; a character
 * without a reading gives "*.". Empty or NULL name gives "". snprintf-like:
 * writes at most size - 1 bytes plus NUL, returns the length needed.
 */
size_t students_display_initials(const char *name, char *buf, size_t size);

/*
 * Display text of one field of s for previews and detail views, in the
 * user's language (record_field_format()): sex/status/flags as translated
 * labels (flags joined by ", ", only the bits in flag_mask), guardians as
 * "name (relation) phone/phone; ...", absent text as "". snprintf-like.
 * Borrows s. The text is sensitive: keep buf in secure memory or wipe it.
 */
size_t students_field_format(const struct cf_student *s, enum cf_student_field field, uint32_t flag_mask,
                             char *buf, size_t size);

/* ------------------------------------------------------ edits */

/*
 * Adds s as a new student with a fresh uuid: its syntax fields are put in
 * canonical form (record_normalise(): the student number upper-case,
 * phones), then validated (CF_ERR_INVALID; with errs not NULL the
 * problems per field go there). CF_ERR_EXISTS (and CF_PROBLEM_TAKEN on the
 * number in errs) when its student number is taken (by any student,
 * archived ones too). One transaction; the index is updated in memory
 * after the commit. *id (may be NULL) receives the row id. Borrows s
 * (copied). Errors also CF_ERR_LOCKED, CF_ERR_PERMISSION, CF_ERR_IO,
 * CF_ERR_NOMEM.
 */
enum cf_error students_add(struct cf_casefile *cf, struct cf_students *idx, const struct cf_student *s,
                           int64_t *id, struct cf_field_errors *errs);

/*
 * Replaces the student with row id by s (all fields, status included).
 * CF_ERR_NOT_FOUND, CF_ERR_INVALID, CF_ERR_EXISTS (number taken by another
 * student), as students_add() otherwise. A fresh nonce every write.
 */
enum cf_error students_update(struct cf_casefile *cf, struct cf_students *idx, int64_t id,
                              const struct cf_student *s, struct cf_field_errors *errs);

/*
 * Sets the status of student id (the record is kept as data). status
 * CF_STUDENT_TRANSFERRED or CF_STUDENT_GRADUATED archives (hidden from the
 * default list); CF_STUDENT_ACTIVE or CF_STUDENT_ON_LEAVE brings it back.
 * CF_STUDENT_ON_LEAVE also sets CF_STUDENT_FLAG_ON_LEAVE (the flag keeps the
 * history; it is not cleared on return). Errors as students_update().
 */
enum cf_error students_set_status(struct cf_casefile *cf, struct cf_students *idx, int64_t id,
                                  enum cf_student_status status);

/* ------------------------------------------------------ roster import */

enum cf_import_kind {
	CF_IMPORT_NEW = 0,       /* no student with this number yet */
	CF_IMPORT_CHANGED,       /* matched by student number, some of the file's columns differ */
	CF_IMPORT_UNCHANGED,     /* matched, nothing in the file's columns differs */
};

/* What happens to one good roster row. */
struct cf_import_item {
	enum cf_import_kind kind;
	size_t row;                        /* index into plan->roster->rows */
	int64_t student_id;                /* matched student (0 for new) */
	uint32_t changed;                  /* enum cf_student_field bits that differ (CHANGED only) */
	const struct cf_student *current;  /* matched student in idx (NULL for new); borrowed */
	/*
	 * NEW and UNCHANGED: the roster row's student, borrowed from the roster.
	 * CHANGED: the record as the import will write it (current with the
	 * row's provided values merged), in idx's secure memory: borrowed from
	 * idx, valid while idx is.
	 */
	const struct cf_student *incoming;
};

/*
 * The preview of an import. Only the values the file has (each row's
 * cf_roster_row.provided: its non-empty cells) are compared and written: a
 * roster without a remarks column, or with an empty remarks cell, never
 * clears remarks. Row errors stay in roster->errors.
 */
struct cf_import_plan {
	const struct cf_roster *roster;    /* borrowed: must outlive the plan */
	struct cf_import_item *items;      /* one per roster row, file order */
	size_t n_items;
	size_t n_new;
	size_t n_changed;
	size_t n_unchanged;
	size_t n_rows_read;                /* roster->n_records_read */
	size_t n_rows_with_errors;         /* roster->n_rows_with_errors */
	uint64_t generation;               /* of idx when planned (apply refuses a stale plan) */
};

/*
 * Classifies every good row of roster against idx (matched by student
 * number, ASCII case ignored; see student_number_cmp()). Writes nothing. Caller frees *out with
 * students_import_plan_free(). Borrows idx and roster (the plan points into
 * both: keep them unchanged while it is used). CF_ERR_NOMEM, CF_ERR_INVALID;
 * CF_ERR_DAMAGED when idx left out damaged students (students_damaged()):
 * their roster rows could not be matched and would be written twice.
 */
enum cf_error students_import_plan(const struct cf_students *idx, const struct cf_roster *roster,
                                   struct cf_import_plan **out);

void students_import_plan_free(struct cf_import_plan **plan);

/*
 * Writes the plan's new and changed students in one transaction (nothing
 * on any error: rolled back), then updates idx. New students get
 * status/fields from the row; changed ones get student_merge_provided() of
 * the row's provided values (struct cf_roster_row.provided) into the current
 * record: an empty cell never erases a stored value, and guardian k's
 * columns change only guardian k's given parts. Unchanged rows are not touched, so
 * importing the same file twice writes nothing the second time.
 * CF_ERR_FAIL when idx changed since the plan was made (make a new plan),
 * CF_ERR_EXISTS when a new student's number was taken meanwhile, and the
 * errors of students_add(). *written (may be NULL) = new + changed.
 */
enum cf_error students_import_apply(struct cf_casefile *cf, struct cf_students *idx,
                                    const struct cf_import_plan *plan, size_t *written);

/* ------------------------------------------------------ export */

/*
 * Writes every student of idx (all statuses, list order) with
 * io_csv_write_students_header()/io_csv_write_student(): UTF-8 with BOM,
 * CRLF, formula cells neutralised. The caller opens fp (O_EXCL, mode 0600)
 * and closes it. *n (may be NULL) = rows written. CF_OK, CF_ERR_IO, CF_ERR_NOMEM.
 */
enum cf_error students_export_csv(const struct cf_students *idx, FILE *fp, size_t *n);

/* ------------------------------------------------------ demo */

/*
 * Adds n fictional students (deterministic from seed: same seed, same
 * students) in four fictional schools, with guardians, some flags, and a
 * few contact entries (when the clinical compartment is held), in one
 * transaction. Names come from pools of common surnames (including ones
 * read specially, 曾 zeng, 单 shan, 解 xie, 区 ou) and given names; student
 * numbers "D" + 9 digits, phones in the fictional-looking 1xx0000xxxx range.
 * For `carefile demo`. Errors as students_add().
 */
enum cf_error students_demo_populate(struct cf_casefile *cf, uint32_t seed, size_t n);

#endif
