/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the students*.c and contact.c files share: the index layout and its maintenance. */
#ifndef CAREFILE_STUDENTS_INTERNAL_H
#define CAREFILE_STUDENTS_INTERNAL_H

#include "carefile/crypto.h"
#include "carefile/students.h"

#define STUDENTS_TABLE "student"
#define CONTACT_TABLE "contact"
#define RECORD_COLUMN "data"

/* One decrypted student with its precomputed sort and search keys (all in secure memory). */
struct students_entry {
	struct cf_student s;         /* strings in the index arena */
	int64_t id;
	int64_t created, updated;
	uint8_t uuid[CF_UUID_BYTES];
	const char *name_key;        /* pinyin_sort_key(name) */
	const char *initials;        /* pinyin_initials(name) */
	const char *pinyin;          /* pinyin_full(name) */
	const char *school_key;      /* pinyin_sort_key(school) */
	const char *grade_class;     /* grade + class, for search */
	int grade_rank;
	long class_num;
};

struct cf_students {
	struct cf_secure_arena *arena;
	struct cf_str_alloc alloc;       /* strings from arena */
	struct students_entry *e;        /* secure memory, insertion order */
	size_t n, cap;
	size_t *order;                   /* positions -> entry index, list order (malloc: indices only) */
	size_t *by_number;               /* entry indices sorted by student number */
	uint64_t generation;             /* +1 on every change */
};

/*
 * Sets entry k (< idx->cap) from s (copied into the arena) and computes its keys.
 * Does not re-sort. CF_OK or CF_ERR_NOMEM.
 */
enum cf_error students_entry_set(struct cf_students *idx, size_t k, const struct cf_student *s);

/* Room for one more entry (idx->n < idx->cap afterwards). CF_OK or CF_ERR_NOMEM. */
enum cf_error students_reserve(struct cf_students *idx, size_t more);

/* Rebuilds order and by_number after entries changed; bumps generation. CF_OK or CF_ERR_NOMEM. */
enum cf_error students_resort(struct cf_students *idx);

/* Entry index of student id, or (size_t)-1. */
size_t students_entry_of_id(const struct cf_students *idx, int64_t id);

/* Entry index with this exact student number, or (size_t)-1. */
size_t students_entry_of_number(const struct cf_students *idx, const char *number);

/* CF_OK when cf is unlocked and holds compartment c; CF_ERR_LOCKED / CF_ERR_PERMISSION otherwise. */
enum cf_error students_need(struct cf_casefile *cf, enum cf_compartment c);

/* Seals s for row uuid and writes it (insert when *id is 0, else update row *id) inside the caller's transaction. */
enum cf_error students_write(struct cf_casefile *cf, const struct cf_student *s, const uint8_t *uuid,
                             int64_t created, int64_t updated, int64_t *id);

/* Seals and inserts contact c of the student (student_id, student_uuid) inside the caller's transaction. */
enum cf_error contact_insert_in_txn(struct cf_casefile *cf, int64_t student_id, const uint8_t *student_uuid,
                                   const struct cf_contact *c, int64_t *id);

/* Current UTC time in seconds. */
int64_t students_now(void);

#endif
