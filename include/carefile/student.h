/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The student record in memory (identity compartment) and its field validation. */
#ifndef CAREFILE_STUDENT_H
#define CAREFILE_STUDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carefile/record.h"

/*
 * Plain data: core/store encrypt it as one record in the identity
 * compartment. Nothing clinical belongs here.
 *
 * String storage: every string is NUL-terminated UTF-8 owned by the struct
 * and obtained from the struct's allocator (struct cf_str_alloc). A NULL
 * allocator means malloc/free. The store can pass an allocator that carves
 * strings out of a sodium_malloc arena (its free may then be a no-op) so
 * decrypted records never touch the ordinary heap. student_fini() wipes every
 * string before handing it back to the allocator.
 *
 * Absent text fields are NULL (never ""), so "empty" has one spelling.
 */

#define CF_STUDENT_GUARDIANS_MAX 4
#define CF_GUARDIAN_PHONES_MAX 3
/* Longest accepted student number, in bytes. */
#define CF_STUDENT_NUMBER_MAX 32
/* Longest name of a student or guardian, in characters. */
#define CF_STUDENT_NAME_MAX 64

enum cf_sex {
	CF_SEX_UNKNOWN = 0,
	CF_SEX_MALE = 1,
	CF_SEX_FEMALE = 2,
};

/* Stored as these numbers: never renumber. */
enum cf_student_status {
	CF_STUDENT_ACTIVE = 0,
	CF_STUDENT_ON_LEAVE = 1,   /* 休学 */
	CF_STUDENT_TRANSFERRED = 2,/* 转学 / 转出 */
	CF_STUDENT_GRADUATED = 3,  /* 毕业 */
	CF_STUDENT_STATUS__COUNT
};

/* Bits of cf_student.flags; stored as these values: never renumber. */
enum cf_student_flag {
	CF_STUDENT_FLAG_LEFT_BEHIND = 1u << 0,   /* 留守儿童 */
	CF_STUDENT_FLAG_ON_LEAVE = 1u << 1,      /* 休学 (also a status; the flag keeps history) */
	CF_STUDENT_FLAG_SPECIAL_NEEDS = 1u << 2, /* 特殊需要 / 随班就读 */
	CF_STUDENT_FLAG_BOARDING = 1u << 3,      /* 住校 */
	CF_STUDENT_FLAG_SINGLE_PARENT = 1u << 4, /* 单亲 */
	CF_STUDENT_FLAG_MIGRANT = 1u << 5,       /* 随迁子女 */
	CF_STUDENT_FLAG_POVERTY = 1u << 6,       /* 家庭经济困难 */
};
#define CF_STUDENT_FLAG_COUNT 7

struct cf_guardian {
	char *name;
	char *relation;                          /* free text as given: 父亲, 母亲, 祖母, … */
	char *phones[CF_GUARDIAN_PHONES_MAX];    /* normalised, see student_phone_normalise() */
	size_t n_phones;
};

struct cf_student {
	char *student_number;     /* 学号; required, see student_number_valid() */
	char *name;               /* 姓名; required */
	enum cf_sex sex;
	char birth_date[11];      /* "YYYY-MM-DD" or "" when unknown; not a pointer, so no allocation */
	char *ethnicity;          /* 民族 */
	char *school;
	char *grade;              /* as the school writes it: 四年级, 高一, … */
	char *class_name;         /* 班级 */
	struct cf_guardian guardians[CF_STUDENT_GUARDIANS_MAX];
	size_t n_guardians;
	char *address;
	uint32_t flags;           /* enum cf_student_flag bits */
	enum cf_student_status status;
	char *remarks;
	const struct cf_str_alloc *alloc; /* borrowed; NULL = malloc/free */
};

/*
 * The record type of a student and of one guardian (field tables in
 * src/base/student.c: the codec, validation, limits, labels, forms), and
 * the table students are stored in (identity compartment; the status is a
 * plaintext column, authenticated by the associated data).
 */
extern const struct cf_record_type cf_student_type;
extern const struct cf_record_type cf_guardian_type;
extern const struct cf_table cf_table_student;

/* Zero s and remember alloc (borrowed, may be NULL for malloc/free; must outlive s). */
void student_init(struct cf_student *s, const struct cf_str_alloc *alloc);

/* Wipe and free every string of s, then zero s (keeping its allocator). NULL-safe. */
void student_fini(struct cf_student *s);

/*
 * Replace *field (a string member of s or of one of its guardians) with a copy
 * of the len bytes at value (NUL not required; len 0 or value NULL sets NULL).
 * The old string is wiped and freed. Returns CF_OK or CF_ERR_NOMEM (field unchanged).
 */
int student_set_str(struct cf_student *s, char **field, const char *value, size_t len);

/* Deep copy src into dst (initialised here with alloc; dst's old contents are not freed). CF_OK or CF_ERR_NOMEM (dst left empty). */
int student_copy(struct cf_student *dst, const struct cf_student *src, const struct cf_str_alloc *alloc);

/* Add a guardian; returns it (zeroed) or NULL when CF_STUDENT_GUARDIANS_MAX are there. */
struct cf_guardian *student_add_guardian(struct cf_student *s);

/* Append a phone (copied) to g, allocated with s's allocator. CF_OK, CF_ERR_NOMEM, or CF_ERR_INVALID when full. */
int student_guardian_add_phone(struct cf_student *s, struct cf_guardian *g, const char *phone);

/*
 * Date checks. A real Gregorian calendar date in 1900-01-01 .. 2099-12-31
 * (the range a student's or guardian's record can plausibly need).
 */
bool student_date_valid(int year, int month, int day);

/* True if str is exactly "YYYY-MM-DD" and student_date_valid(). */
bool student_date_str_valid(const char *str);

/*
 * Phone numbers (mainland China). Accepted, after removing the separators
 * ' ', '-', '(', ')' and an optional leading "+86" / "86" / "0086":
 *   - mobile: 11 digits, "1[3-9]" then 9 digits (MIIT numbering plan);
 *   - landline: trunk "0", area code (010 and 02x have 3 digits with the 0,
 *     every other area code 4), then a 7- or 8-digit local number not
 *     starting with 0;
 *   - service numbers 400/800 + 7 digits.
 * Writes the normalised form to out (mobile "13800138000", landline
 * "010-12345678", service "400-1234567"), NUL-terminated, at most out_size
 * bytes (24 is always enough). Returns true if valid; out is then set.
 */
bool student_phone_normalise(const char *phone, char *out, size_t out_size);

/* True if student_phone_normalise() accepts phone. */
bool student_phone_valid(const char *phone);

/*
 * Student number (学号 / 学籍号): 1 .. CF_STUDENT_NUMBER_MAX bytes of ASCII
 * letters, digits, '-', '_', '.', '/', beginning with a letter or digit; no
 * spaces; not in scientific notation
 * (a spreadsheet mangled it, see text_is_scientific()).
 */
bool student_number_valid(const char *number);

/*
 * Student numbers are compared without regard to ASCII case ("d301" is
 * "D301"): student_number_normalise() upper-cases ASCII letters in place
 * (NULL-safe; imports and edits store that form), student_number_cmp()
 * orders numbers ASCII-case-insensitively like strcmp (NULL sorts as "").
 */
void student_number_normalise(char *number);
int student_number_cmp(const char *a, const char *b);

/* Translated label for a status / flag / sex (e.g. "On leave" / "休学"); static string, never NULL. */
const char *student_status_label(enum cf_student_status status);
const char *student_flag_label(enum cf_student_flag flag);
const char *student_sex_label(enum cf_sex sex);

/* Fields of a student as bits, for import previews ("changed: class, guardians") and partial updates. */
enum cf_student_field {
	CF_FIELD_STUDENT_NUMBER = 1u << 0,
	CF_FIELD_NAME = 1u << 1,
	CF_FIELD_SEX = 1u << 2,
	CF_FIELD_BIRTH_DATE = 1u << 3,
	CF_FIELD_ETHNICITY = 1u << 4,
	CF_FIELD_SCHOOL = 1u << 5,
	CF_FIELD_GRADE = 1u << 6,
	CF_FIELD_CLASS = 1u << 7,
	CF_FIELD_GUARDIANS = 1u << 8,
	CF_FIELD_ADDRESS = 1u << 9,
	CF_FIELD_FLAGS = 1u << 10,
	CF_FIELD_STATUS = 1u << 11,
	CF_FIELD_REMARKS = 1u << 12,
};
#define CF_FIELD_COUNT 13
#define CF_FIELD_ALL ((1u << CF_FIELD_COUNT) - 1)

/*
 * Fields (bits of fields) in which a and b differ; strings compared bytewise
 * (NULL equals NULL only), guardians compared in order with all their phones.
 * Only the flag bits in flag_mask are compared for CF_FIELD_FLAGS.
 */
uint32_t student_diff(const struct cf_student *a, const struct cf_student *b, uint32_t fields, uint32_t flag_mask);

/*
 * Copy the fields in `fields` from src into dst (dst's allocator), leaving
 * the others alone: an import updates only the columns its file has. For
 * CF_FIELD_FLAGS only the bits in flag_mask are copied. CF_OK or
 * CF_ERR_NOMEM (dst may then be partly updated; it stays valid).
 */
int student_merge(struct cf_student *dst, const struct cf_student *src, uint32_t fields, uint32_t flag_mask);

/* Parts of one guardian a file can provide (bits of cf_student_provided.guardians[].parts). */
enum cf_guardian_part {
	CF_GUARDIAN_PART_NAME = 1u << 0,
	CF_GUARDIAN_PART_RELATION = 1u << 1,
	CF_GUARDIAN_PART_PHONES = 1u << 2,
	/* not a part: slot is ignored, the first stored guardian with src's relation (父亲, 母亲) is updated */
	CF_GUARDIAN_MATCH_RELATION = 1u << 3,
};

/*
 * Which values an incoming record (an import row) actually provides, so an
 * update changes only those: a field whose cell was absent or empty is not
 * provided and keeps its stored value (an empty cell never erases).
 * fields: enum cf_student_field bits with a value (CF_FIELD_GUARDIANS is
 * ignored; guardians are described per guardian). flag_mask: the flag bits
 * given (yes or no). guardians[i] describes src->guardians[i]: slot is the
 * position (0-based) of the stored guardian it updates (guardian k's columns
 * update stored guardian k); a slot at or past the stored count appends a
 * guardian (dropped when CF_STUDENT_GUARDIANS_MAX are there). parts: enum
 * cf_guardian_part bits given; other parts of that guardian and all other
 * guardians stay. With CF_GUARDIAN_MATCH_RELATION (father/mother columns)
 * the stored guardian with the same relation is updated, else one appended.
 */
struct cf_student_provided {
	uint32_t fields;
	uint32_t flag_mask;
	struct {
		uint8_t slot;
		uint8_t parts;
	} guardians[CF_STUDENT_GUARDIANS_MAX];
};

/*
 * Fields (enum cf_student_field bits) that student_merge_provided(cur, src, p)
 * would change in cur; 0 when the record would stay as it is. Never allocates.
 */
uint32_t student_diff_provided(const struct cf_student *cur, const struct cf_student *src,
                               const struct cf_student_provided *p);

/*
 * Copy into dst (dst's allocator) only the values p says src provides; see
 * struct cf_student_provided. CF_OK or CF_ERR_NOMEM (dst may then be partly
 * updated; it stays valid).
 */
int student_merge_provided(struct cf_student *dst, const struct cf_student *src, const struct cf_student_provided *p);

/*
 * Guardians of s as "name (relation) phone/phone; ..." for previews and
 * pages. snprintf-like. The text is sensitive.
 */
size_t student_guardians_format(const struct cf_student *s, char *buf, size_t size);

/* Translated name of one field bit ("Class" / "班级"); static, never NULL. */
const char *student_field_label(enum cf_student_field field);

#endif
