/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Students in the case file: record encoding, in-memory search index, edits, home-school contacts, roster import and export. */
#ifndef CAREFILE_STUDENTS_H
#define CAREFILE_STUDENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "carefile/casefile.h"
#include "carefile/error.h"
#include "carefile/roster.h"
#include "carefile/student.h"

/*
 * Where students live (DESIGN.md §4): table "student", one row per student,
 * plaintext columns id, uuid, compartment (= CF_COMPARTMENT_IDENTITY),
 * status (enum cf_student_status, so the archive filter needs no key),
 * created, updated (UTC seconds); everything else is the ciphertext of
 * student_record_encode() in column "data" (casefile_record_seal(), table
 * "student", column "data").
 *
 * Home-school contacts live in table "contact" (schema version 2,
 * share/sql/0002-contact.sql): plaintext id, uuid, student_id, compartment
 * (= CF_COMPARTMENT_CLINICAL), status (always 0), created, updated; date,
 * guardian, channel and summary are inside the ciphertext (table "contact",
 * column "data"), which also carries the student's uuid so a ciphertext
 * moved to another student by editing student_id is refused (CF_ERR_DAMAGED).
 *
 * Every function returns an enum cf_error and never prints. Functions that
 * write need an unlocked case file (CF_ERR_LOCKED) whose user holds the
 * compartment (CF_ERR_PERMISSION); each write is one transaction.
 */

/* ------------------------------------------------------ record encoding */

/*
 * Version of the plaintext inside a student ciphertext. Layout (all integers
 * little-endian):
 *   "CFST" | u8 version (1) | u8 sex | u8 status | u8 n_guardians |
 *   u32 flags | str student_number | str name | str birth_date |
 *   str ethnicity | str school | str grade | str class_name | str address |
 *   str remarks | per guardian: str name | str relation | u8 n_phones |
 *   n_phones * str phone
 * where str = u32 byte length (0xFFFFFFFF for NULL) + bytes (no NUL).
 * Nothing may follow the last field. Canonical: one struct gives one byte
 * string, so equal students encode equally.
 */
#define CF_STUDENT_RECORD_VERSION 1

/*
 * Encodes s. *out: secure memory (crypto_secure_alloc), caller frees with
 * crypto_secure_free(); *len: bytes. Errors: CF_ERR_INVALID (a count out of
 * range, a string over CF_RECORD_MAX_PLAIN), CF_ERR_NOMEM.
 */
enum cf_error student_record_encode(const struct cf_student *s, uint8_t **out, size_t *len);

/* True when buf (len bytes) starts like a student_record_encode() record (its magic). */
bool student_record_is_encoded(const uint8_t *buf, size_t len);

/*
 * Strict decoder of student_record_encode()'s bytes into out (initialised
 * here with alloc, borrowed; NULL = malloc/free). Errors: CF_ERR_DAMAGED
 * (wrong magic, unknown version, truncated, trailing bytes, a count, enum or
 * flag bit out of range, a zero-length or NUL-containing string, a birth
 * date not 10 bytes; UTF-8 validity is not checked), CF_ERR_NOMEM.
 * On error out is left empty (student_fini() is still safe).
 */
enum cf_error student_record_decode(const uint8_t *buf, size_t len, const struct cf_str_alloc *alloc,
                                    struct cf_student *out);

/* ------------------------------------------------------ validation */

/*
 * Checks s for add/edit: name and student number present
 * (student_number_valid()), birth_date "" or student_date_str_valid(), every
 * guardian phone student_phone_valid(), sex/status/flags in range, counts
 * in range. CF_OK, or CF_ERR_INVALID with *bad (may be NULL) = the enum
 * cf_student_field bits that failed. Duplicates are checked by the edit
 * functions, not here.
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
 * Decrypts every student row into a new index. Needs the identity
 * compartment: CF_ERR_PERMISSION without it, CF_ERR_LOCKED when locked.
 * CF_ERR_DAMAGED when a row fails to authenticate or to decode (fail closed:
 * no partial list). CF_ERR_NOMEM. Caller frees *out with students_free().
 * Borrows nothing from cf after returning (the edit functions take cf again).
 */
enum cf_error students_load(struct cf_casefile *cf, struct cf_students **out);

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
 * matches, ignoring ASCII case and surrounding spaces:
 *   - the name by pinyin_match(): characters ("张"), initials ("zs"), full
 *     pinyin ("zhangsan"), syllable prefixes ("zhs", "zhangs");
 *   - a substring of the student number ("0101", case-insensitive);
 *   - a substring of the class ("1班") or of grade + class ("四年级1班").
 * Allocation-free. CF_OK, or CF_ERR_INVALID for NULL idx/out/n.
 */
enum cf_error students_filter(const struct cf_students *idx, const char *query,
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
 * user's language: sex/status/flags as translated labels (flags joined by
 * ", ", only the bits in flag_mask), guardians as
 * "name (relation) phone/phone; ...", absent text as "". snprintf-like.
 * Borrows s. The text is sensitive: keep buf in secure memory or wipe it.
 */
size_t students_field_format(const struct cf_student *s, enum cf_student_field field, uint32_t flag_mask,
                             char *buf, size_t size);

/* ------------------------------------------------------ edits */

/*
 * Adds s (validated with students_validate(): CF_ERR_INVALID) as a new
 * student with a fresh uuid. CF_ERR_EXISTS when its student number is taken
 * (by any student, archived ones too). One transaction; the index is updated
 * in memory after the commit. *id (may be NULL) receives the row id.
 * Borrows s (copied). Errors also CF_ERR_LOCKED, CF_ERR_PERMISSION, CF_ERR_IO, CF_ERR_NOMEM.
 */
enum cf_error students_add(struct cf_casefile *cf, struct cf_students *idx, const struct cf_student *s,
                           int64_t *id);

/*
 * Replaces the student with row id by s (all fields, status included).
 * CF_ERR_NOT_FOUND, CF_ERR_INVALID, CF_ERR_EXISTS (number taken by another
 * student), as students_add() otherwise. A fresh nonce every write.
 */
enum cf_error students_update(struct cf_casefile *cf, struct cf_students *idx, int64_t id,
                              const struct cf_student *s);

/*
 * Sets the status of student id (the record is kept as data). status
 * CF_STUDENT_TRANSFERRED or CF_STUDENT_GRADUATED archives (hidden from the
 * default list); CF_STUDENT_ACTIVE or CF_STUDENT_ON_LEAVE brings it back.
 * CF_STUDENT_ON_LEAVE also sets CF_STUDENT_FLAG_ON_LEAVE (the flag keeps the
 * history; it is not cleared on return). Errors as students_update().
 */
enum cf_error students_set_status(struct cf_casefile *cf, struct cf_students *idx, int64_t id,
                                  enum cf_student_status status);

/* ------------------------------------------------------ home-school contacts */

/* Stored as these numbers: never renumber. */
enum cf_contact_channel {
	CF_CONTACT_PHONE = 0,   /* 电话 */
	CF_CONTACT_VISIT = 1,   /* 家访 */
	CF_CONTACT_MEETING = 2, /* 面谈 (at school) */
	CF_CONTACT_MESSAGE = 3, /* 短信 / 微信 message */
	CF_CONTACT_CHANNEL__COUNT
};

/* Translated label of a channel ("Phone" / "电话"); static, never NULL. */
const char *contact_channel_label(enum cf_contact_channel channel);

/*
 * One contact entry. For contact_add()/contact_update() the strings are
 * borrowed from the caller; in a struct cf_contact_list they live in the
 * list's secure memory.
 */
struct cf_contact {
	int64_t id;                      /* row id (0 for contact_add()) */
	int64_t student_id;              /* student row id */
	uint8_t uuid[CF_UUID_BYTES];
	char date[11];                   /* "YYYY-MM-DD", required (student_date_str_valid()) */
	const char *guardian;            /* who was contacted, free text; may be NULL */
	enum cf_contact_channel channel;
	const char *summary;             /* required, free text (newlines allowed) */
	int64_t created;                 /* UTC seconds */
	int64_t updated;                 /* UTC seconds */
};

/* Contacts of one student, newest date first (then newest row). Secure memory. */
struct cf_contact_list {
	struct cf_contact *items;        /* secure memory */
	size_t n;
	struct cf_secure_arena *arena;   /* the strings */
};

/* Longest summary accepted (bytes). */
#define CF_CONTACT_SUMMARY_MAX 8192

/*
 * Adds a contact entry for student student_id (must be in idx:
 * CF_ERR_NOT_FOUND). Needs the clinical compartment (CF_ERR_PERMISSION).
 * CF_ERR_INVALID: bad date, empty summary or over CF_CONTACT_SUMMARY_MAX,
 * channel out of range, control characters other than newline/tab. One
 * transaction. *id (may be NULL) receives the row id. Borrows c.
 */
enum cf_error contact_add(struct cf_casefile *cf, const struct cf_students *idx, int64_t student_id,
                          const struct cf_contact *c, int64_t *id);

/*
 * Replaces date, guardian, channel and summary of contact c->id (which must
 * belong to c->student_id: CF_ERR_NOT_FOUND otherwise). Errors as contact_add().
 */
enum cf_error contact_update(struct cf_casefile *cf, const struct cf_students *idx, const struct cf_contact *c);

/*
 * Decrypts the contacts of student_id into *out (newest first). Needs the
 * clinical compartment (CF_ERR_PERMISSION), CF_ERR_NOT_FOUND for a student
 * not in idx, CF_ERR_DAMAGED for a ciphertext that fails or belongs to
 * another student. Caller frees with contact_list_fini().
 */
enum cf_error contact_list(struct cf_casefile *cf, const struct cf_students *idx, int64_t student_id,
                           struct cf_contact_list *out);

/* Wipes and frees a list; leaves it empty. NULL-safe. */
void contact_list_fini(struct cf_contact_list *list);

/*
 * The student uuid sealed inside a decrypted contact record (plain, len
 * bytes) into out (CF_STORE_UUID_BYTES). CF_ERR_DAMAGED when plain is not a
 * contact record. For `check`, which compares it with the row's student_id.
 */
enum cf_error contact_record_student_uuid(const uint8_t *plain, size_t len, uint8_t *out);

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
 * both: keep them unchanged while it is used). CF_ERR_NOMEM, CF_ERR_INVALID.
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
