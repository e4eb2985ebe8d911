/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What students.c and students-edit.c share: the index layout and its maintenance. */
#ifndef CAREFILE_STUDENTS_INTERNAL_H
#define CAREFILE_STUDENTS_INTERNAL_H

#include "carefile/crypto.h"
#include "carefile/students.h"

/* One distinct school, grade or class: its text (in the arena), and what the order derives from it. */
struct students_intern {
	uint64_t hash;      /* 0: free slot */
	int kind;           /* 0 school, 1 grade, 2 class */
	const char *text;
	const char *key;    /* school: pinyin_sort_key() */
	long num;           /* grade: grade_rank(); class: its number */
};

/* One decrypted student with its row metadata and sort keys (all in secure memory). */
struct students_entry {
	struct cf_student s;         /* strings in the index arena */
	int64_t id, version;
	int64_t created, updated;
	uint8_t uuid[CF_UUID_BYTES];
	const char *name_key;        /* pinyin_sort_key(name), in the arena */
	uint64_t name_prefix;        /* its first 8 bytes, big-endian: most names differ there */
	/* school (its sort key), grade and class interned: one pointer per distinct value, so equal is == */
	const char *school_key;
	const char *grade_i, *class_i;
	int grade_rank;
	long class_num;
	uint32_t key_off;            /* the entry's search keys in cf_students.keys, or STUDENTS_NO_KEYS */
};
#define STUDENTS_NO_KEYS UINT32_MAX

struct cf_students {
	struct cf_secure_arena *arena;
	struct cf_str_alloc alloc;       /* strings from arena */
	struct students_entry *e;        /* secure memory, storage (insertion) order */
	size_t n, cap;
	size_t *order;                   /* position -> entry index, list order (malloc: indices only) */
	size_t *pos_of;                  /* entry index -> position */
	size_t *by_number;               /* entry indices sorted by student number */
	size_t *by_id;                   /* entry indices sorted by row id */
	size_t n_sorted;                 /* entries the four arrays above cover (the last resort) */
	/*
	 * The search keys of every entry, back to back in storage order
	 * (secure memory): u8 n, n little-endian u16 syllable ids, then three
	 * u8-length-prefixed strings: the name, the student number, grade +
	 * class, each lower-cased (ASCII) without spaces or apostrophes.
	 */
	uint8_t *keys;
	size_t keys_len, keys_cap;
	size_t damaged;                  /* rows that failed to open at load */
	/* distinct schools, grades and classes (open addressing; secure memory) */
	struct students_intern *intern;
	size_t intern_cap, intern_n;
	uint64_t generation;             /* +1 on every change */
	char scratch[512];               /* students_name_initials()/_pinyin() results */
};

/* Entry k's record is set from s (copied into the arena) and its keys computed. Does not re-sort. */
enum cf_error students_entry_set(struct cf_students *idx, size_t k, const struct cf_student *s);

/* Room for `more` more entries (idx->n + more <= idx->cap afterwards). CF_OK or CF_ERR_NOMEM. */
enum cf_error students_reserve(struct cf_students *idx, size_t more);

/* Rebuilds order, pos_of, by_number and by_id after entries changed; bumps generation. */
enum cf_error students_resort(struct cf_students *idx);

/* Entry index of student id, or (size_t)-1. */
size_t students_entry_of_id(const struct cf_students *idx, int64_t id);

/* Entry index with this exact student number, or (size_t)-1. */
size_t students_entry_of_number(const struct cf_students *idx, const char *number);

/* CF_OK when cf is unlocked and holds compartment c; CF_ERR_LOCKED / CF_ERR_PERMISSION otherwise. */
enum cf_error students_need(struct cf_casefile *cf, enum cf_compartment c);

/* The row metadata of entry en, for casefile_record_put(). */
void students_entry_row(const struct students_entry *en, struct cf_row *row);

#endif
