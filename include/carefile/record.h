/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Record types declared as data: field tables, typed tables, the canonical codec, validation, copy and diff. */
#ifndef CAREFILE_RECORD_H
#define CAREFILE_RECORD_H

/*
 * Ground layer (DESIGN.md §3): every layer may include this header and it
 * includes nothing of ours but error.h. It knows no SQL, no keys and no
 * curses; it describes records so that one piece of code in each layer
 * serves every record type:
 *
 *   struct cf_record_type  the fields of a C struct, each with a stable
 *                          numeric tag, a kind, limits and an N_() label;
 *                          it drives the codec, validation, copy, diff,
 *                          display text (here), the forms and pages (tui);
 *   struct cf_table        where records of a type are stored: the SQL
 *                          table, the compartment whose key seals them,
 *                          and the few plaintext columns (enums, UTC times,
 *                          a link to a parent record) the code must sort,
 *                          filter or join on; it drives the store's SQL,
 *                          the associated data that authenticates those
 *                          columns (core), `check`, and the schema lint.
 *
 * Adding a record type (the home-school contact log is the worked
 * example: include/carefile/contact.h, src/base/contact.c,
 * share/sql/0003-records.sql, tui_contact_form_spec in
 * src/tui/students-forms.c, whose save is one casefile_record_put_child()
 * call, and its section of src/tui/screen-student-detail.c; it has no
 * code of its own in src/core or src/store):
 *
 *  1. The C struct, with `const struct cf_str_alloc *alloc` for its
 *     strings, in a header of its own (include/carefile/contact.h).
 *  2. Its field table, tags ascending from 1, in a file of its own in
 *     src/base: CF_MEMBER() names the struct member. A new optional field
 *     later is one more row with the next tag: records written before it
 *     decode with the field absent. Tags are never reused or renumbered.
 *  3. Its struct cf_table: name, compartment, the plaintext columns (each
 *     a CF_COLUMN_FIELD of an ENUM/INT/UTC field, or a CF_COLUMN_LINK to a
 *     parent table), and add it to cf_tables[] (src/base/tables.c).
 *  4. A migration share/sql/NNNN-*.sql creating the table with the
 *     standard columns (id, uuid, compartment, version, created, updated,
 *     data) plus the declared ones; the schema lint
 *     (tests/unit/store/test_store_schema.c) holds the migrated schema to
 *     the declaration.
 *  5. Core validates with record_validate() and writes with
 *     casefile_record_put() / casefile_record_put_child(), the one write
 *     path; it reads with casefile_record_list() / casefile_record_foreach()
 *     / casefile_record_children() (carefile/casefile.h), which decrypt
 *     into the caller's arena and only the rows the query names.
 *     `check` and the upgrade of older rows need nothing type-specific.
 *  6. Screens: a struct tui_form_spec (src/tui/tui-kit.h) names the fields
 *     the form shows, opened with tui_record_form_open(); a detail page
 *     shows records with tui_page_add_record(); lists keep selection by
 *     record id (tui_list_select_id()); a save calls
 *     tui_records_changed() so every screen showing the table reloads.
 *
 * Wire format of a record's sealed fields (record_encode()), canonical:
 * one record gives exactly one byte string and the decoder refuses every
 * other one (so a record re-encodes to the bytes it was read from):
 *
 *   0xCF 0x01                    marker and wire version
 *   then each field that has a non-default value, tags strictly
 *   ascending, each at most once:
 *     uvarint tag
 *     TEXT, LONGTEXT: uvarint length (>= 1), UTF-8 bytes without NUL
 *     DATE: 10 bytes "YYYY-MM-DD"      TIME: 5 bytes "HH:MM"
 *     ENUM, INT, UTC: zig-zag uvarint (non-zero)
 *     FLAGS: uvarint (non-zero)        LINK: 16 bytes (not all zero)
 *     GROUP: uvarint count (>= 1), then per element: uvarint length,
 *            the element's fields in the same tag/value form
 *   uvarint = unsigned LEB128, minimal (no trailing 0x80 groups).
 * Default values (NULL text, "", 0, no elements) are absent, so "empty"
 * has one spelling. Unknown tags, descending or repeated tags, default
 * values written out, non-minimal varints, values out of range and
 * trailing bytes are refused (CF_ERR_DAMAGED). Fields stored in a
 * plaintext column (CF_FIELD_COLUMN) are not in the wire format.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carefile/error.h"

/* ---------------------------------------------------------- compartments */

/*
 * A compartment is a set of data encrypted under one random key (DESIGN.md §4).
 * The numbers are stored in the case file: never renumber.
 */
enum cf_compartment {
	CF_COMPARTMENT_IDENTITY = 0,  /* who a person is: names, numbers, contacts */
	CF_COMPARTMENT_CLINICAL = 1,  /* session notes, assessments, alerts, referrals */
	CF_COMPARTMENT_HOTLINE = 2,   /* hotline call records */
	CF_COMPARTMENT_DIRECTORY = 3, /* users */
	CF_COMPARTMENT__COUNT
};

/* Bytes of a row uuid (RFC 9562 version 4). */
#define CF_UUID_BYTES 16

/* ------------------------------------------------------------- strings */

/*
 * Allocator for a record's strings. alloc returns NULL on failure; free gets
 * what alloc gave and its size (strings are wiped before); free may be NULL
 * for an arena released as a whole. With alloc NULL, malloc/free are used.
 * Decrypted records use an allocator over a secure arena (core), so their
 * strings never touch the ordinary heap.
 */
struct cf_str_alloc {
	void *(*alloc)(void *ctx, size_t size);
	void (*free)(void *ctx, void *ptr, size_t size);
	void *ctx;
};

/* ---------------------------------------------------------- field tables */

enum cf_field_kind {
	CF_KIND_TEXT,     /* char *: one line of UTF-8, NULL when absent */
	CF_KIND_LONGTEXT, /* char *: several lines (newline and tab allowed) */
	CF_KIND_DATE,     /* char[11]: "YYYY-MM-DD", "" when absent */
	CF_KIND_TIME,     /* char[6]: "HH:MM" (24 h, local), "" when absent */
	CF_KIND_ENUM,     /* an integer member (size 1, 2, 4 or 8): one of the options' values */
	CF_KIND_FLAGS,    /* an unsigned integer member: bits of the options' values (each a single bit) */
	CF_KIND_INT,      /* an integer member: min .. max */
	CF_KIND_UTC,      /* int64_t: seconds since the epoch, UTC; 0 when absent */
	CF_KIND_LINK,     /* uint8_t[CF_UUID_BYTES]: the uuid of another record; all zero when absent */
	CF_KIND_GROUP,    /* a fixed array of elements of another record type, with a size_t count */
};

/* Bits of struct cf_field.flags. */
#define CF_FIELD_REQUIRED 0x1u   /* must have a non-default value (a GROUP: at least one element; an ENUM: 0 is a value shown, not "absent") */
#define CF_FIELD_COLUMN 0x2u     /* stored in a plaintext column of its table, not in the ciphertext */
#define CF_FIELD_NOT_FUTURE 0x4u /* DATE: not after today (the caller's local date) */
#define CF_FIELD_READONLY 0x8u   /* shown by forms, never edited there (set by the program) */

/* One choice of an ENUM (a value) or a FLAGS field (a bit). */
struct cf_field_option {
	int64_t value;     /* stored: never renumber */
	const char *label; /* N_() */
};

/*
 * A syntax for a TEXT field beyond "UTF-8 without control characters": a
 * phone number, a student number. normalise() writes the canonical form of
 * in (at most out_size bytes with the NUL) and returns false when in is not
 * valid; it is called by validation (which refuses what it refuses) and by
 * forms and imports before storing (so what is stored is canonical).
 */
struct cf_text_syntax {
	bool (*normalise)(const char *in, char *out, size_t out_size);
	size_t out_max;    /* bytes of the longest canonical form, without NUL */
	const char *error; /* N_() message when normalise() refuses, e.g. "Not a phone number." */
	const char *hint;  /* N_() example shown in an empty field, or NULL */
};

struct cf_record_type;

struct cf_field {
	uint16_t tag;          /* stable wire tag, >= 1, ascending in the table; never reused */
	const char *name;      /* ASCII id ("student_number") for tests, the CLI and messages */
	const char *label;     /* N_() label for forms, pages and errors */
	enum cf_field_kind kind;
	unsigned flags;        /* CF_FIELD_* */
	size_t offset, size;   /* of the struct member: CF_MEMBER(type, member) */
	size_t max_chars;      /* TEXT, LONGTEXT: most characters (code points) accepted */
	int64_t min, max;      /* INT: range; ENUM, FLAGS: unused */
	const struct cf_field_option *options; /* ENUM, FLAGS */
	size_t n_options;
	const struct cf_text_syntax *syntax;   /* TEXT: or NULL */
	/* GROUP: the element type, the size_t count member, at most max_count elements */
	const struct cf_record_type *element;
	size_t count_offset;
	size_t max_count;
	/*
	 * Display text of the field (forms show it read-only, pages and
	 * previews print it) when the generic one (record_field_format()) is
	 * not what people expect, e.g. guardians as "name (relation) phone".
	 * snprintf-like. May be NULL.
	 */
	size_t (*format)(const void *rec, char *buf, size_t size);
};

/* .offset and .size of a struct member, for struct cf_field initializers. */
#define CF_MEMBER(type, member) .offset = offsetof(type, member), .size = sizeof(((type *)0)->member)

/* Most fields of a type, and most columns of a table (masks are 64-bit). */
#define CF_RECORD_FIELDS_MAX 64
#define CF_TABLE_COLUMNS_MAX 8

/* Most nesting of groups (a guardian's phones: 2). */
#define CF_FIELD_DEPTH_MAX 3

/*
 * Problems validation reports, one per field (the first found). Messages:
 * record_problem_text().
 */
enum cf_field_problem {
	CF_PROBLEM_NONE = 0,
	CF_PROBLEM_REQUIRED,  /* required and empty */
	CF_PROBLEM_TOO_LONG,  /* more than max_chars characters */
	CF_PROBLEM_CONTROL,   /* a control or format character (or a newline in a one-line field) */
	CF_PROBLEM_ENCODING,  /* not valid UTF-8 */
	CF_PROBLEM_DATE,      /* not a real date "YYYY-MM-DD" in 1900..2099 */
	CF_PROBLEM_TIME,      /* not a time "HH:MM" */
	CF_PROBLEM_FUTURE,    /* a date after today */
	CF_PROBLEM_SYNTAX,    /* refused by the field's syntax (its error text says why) */
	CF_PROBLEM_RANGE,     /* an INT or UTC out of range */
	CF_PROBLEM_OPTION,    /* an ENUM value or FLAGS bit that is not an option */
	CF_PROBLEM_TOO_MANY,  /* a GROUP with more than max_count elements */
	CF_PROBLEM_TAKEN,     /* unique value used by another record (set by core) */
	CF_PROBLEM_CONFLICT,  /* contradicts another field (the type's check(); its message says how) */
};

/* Where a problem is: the top-level field, then the element and field inside a group, and so on. */
struct cf_field_error {
	struct {
		uint16_t tag;   /* field tag at this depth */
		uint16_t index; /* element of that GROUP field, or CF_NO_INDEX */
	} path[CF_FIELD_DEPTH_MAX];
	uint8_t depth;      /* entries of path used, >= 1 */
	enum cf_field_problem problem;
	const char *message; /* N_() text for CF_PROBLEM_CONFLICT and TAKEN, else NULL */
};
#define CF_NO_INDEX UINT16_MAX

/* The problems found in one record: fixed size, no allocation. */
#define CF_FIELD_ERRORS_MAX 32
struct cf_field_errors {
	struct cf_field_error e[CF_FIELD_ERRORS_MAX];
	size_t n; /* recorded; more problems than fit are counted in dropped */
	size_t dropped;
};

struct cf_record_type {
	const char *name;            /* ASCII id: "student" */
	size_t size;                 /* sizeof the struct */
	size_t alloc_offset;         /* offsetof the `const struct cf_str_alloc *alloc` member; SIZE_MAX for group elements */
	const struct cf_field *fields;
	size_t n_fields;             /* <= CF_RECORD_FIELDS_MAX */
	/*
	 * Checks across fields after every field passed on its own (status
	 * "active" with the flag "on leave"); adds CF_PROBLEM_CONFLICT errors
	 * with record_errors_add(). `today` is "YYYY-MM-DD". May be NULL.
	 */
	void (*check)(const void *rec, const char *today, struct cf_field_errors *errs);
};

/* ---------------------------------------------------------- typed tables */

enum cf_column_kind {
	CF_COLUMN_FIELD, /* the value of an ENUM, INT or UTC field (CF_FIELD_COLUMN) of the record */
	CF_COLUMN_LINK,  /* the row id of a record of table `parent`; its uuid is bound into the AD */
};

struct cf_table;

struct cf_column {
	const char *name;        /* SQL column name */
	uint8_t tag;             /* stable, bound into the associated data; never reused */
	enum cf_column_kind kind;
	uint16_t field;          /* CF_COLUMN_FIELD: tag of the record field */
	const struct cf_table *parent; /* CF_COLUMN_LINK */
};

/*
 * A table of records. Every such table has the standard columns
 *   id INTEGER PRIMARY KEY, uuid BLOB (16, unique), compartment INTEGER,
 *   version INTEGER (1 at the first write, +1 on each), created INTEGER,
 *   updated INTEGER (UTC seconds), data BLOB (the ciphertext)
 * then the declared columns, in this order. compartment, version, created,
 * updated and every declared column (a link as the parent's uuid) are
 * bound into the ciphertext's associated data (core), so editing or
 * moving any of them, or putting back an older ciphertext of the row,
 * makes it fail to open.
 */
struct cf_table {
	const char *name;                 /* SQL table name, ASCII */
	enum cf_compartment compartment;  /* whose key seals the rows */
	const struct cf_record_type *type;
	const struct cf_column *cols;
	size_t n_cols;                    /* <= CF_TABLE_COLUMNS_MAX */
	/*
	 * The drop box: holders of any of these compartments (bits 1u << c) may
	 * create rows of this table without holding its own compartment's key,
	 * sealed to that compartment's drop public key (casefile_record_drop).
	 * 0: none. Keys decide, not roles: the hotline role holds the hotline key.
	 */
	unsigned drop_from;
};

/* Every table of records, parents before children, ending with NULL (src/base/tables.c). */
extern const struct cf_table *const cf_tables[];

/* The table named name, or NULL. */
const struct cf_table *record_table_by_name(const char *name);

/* Index of the column with SQL name name in t, or -1. */
int record_column_index(const struct cf_table *t, const char *name);

/* Index of the first CF_COLUMN_LINK column of t to table parent, or -1. */
int record_link_column(const struct cf_table *t, const struct cf_table *parent);

/* The plaintext metadata of one stored record (a row of a struct cf_table). */
struct cf_row {
	int64_t id;                 /* row id, 0 before the first write */
	uint8_t uuid[CF_UUID_BYTES];
	int compartment;
	int64_t version;            /* 0 before the first write and for rows not yet upgraded */
	int64_t created, updated;   /* UTC seconds */
	int64_t col[CF_TABLE_COLUMNS_MAX];                 /* declared columns: a field's value, a parent row id */
	uint8_t link_uuid[CF_TABLE_COLUMNS_MAX][CF_UUID_BYTES]; /* CF_COLUMN_LINK: the parent's uuid */
	const uint8_t *data;        /* the ciphertext, borrowed */
	size_t data_len;
};

/* Copies the values of t's CF_COLUMN_FIELD columns from rec into row->col. */
void record_columns_from(const struct cf_table *t, const void *rec, struct cf_row *row);

/* Sets rec's CF_FIELD_COLUMN fields from row->col (after a record was read). */
void record_columns_to(const struct cf_table *t, const struct cf_row *row, void *rec);

/*
 * The bytes the associated data binds besides the ciphertext's place:
 *   "cf cols v1" | u64 version | u64 created | u64 updated |
 *   per declared column in order: u8 tag | i64 value (FIELD) or the
 *   parent's 16-byte uuid (LINK)
 * all little-endian. Writes at most size bytes to buf and returns the
 * length needed (record_bound_max() bytes are always enough).
 */
size_t record_bound(const struct cf_table *t, const struct cf_row *row, uint8_t *buf, size_t size);
#define CF_RECORD_BOUND_MAX (10 + 3 * 8 + CF_TABLE_COLUMNS_MAX * (1 + CF_UUID_BYTES))

/* -------------------------------------------------------------- records */

/* The field with this tag, or NULL. */
const struct cf_field *record_field(const struct cf_record_type *t, uint16_t tag);

/* Index (0-based) of the field with this tag in t->fields, or -1. Bit i of a record_diff() mask is field i. */
int record_field_index(const struct cf_record_type *t, uint16_t tag);

/* Zeroes rec (t->size bytes) and sets its allocator (borrowed; NULL = malloc/free). */
void record_init(const struct cf_record_type *t, void *rec, const struct cf_str_alloc *alloc);

/* Wipes and frees every string of rec (groups too), then zeroes it keeping its allocator. NULL-safe. */
void record_fini(const struct cf_record_type *t, void *rec);

/* The allocator of rec (NULL = malloc/free). */
const struct cf_str_alloc *record_alloc(const struct cf_record_type *t, const void *rec);

/*
 * Replaces the string member at *field (of rec, or of an element of one of
 * its groups) with a copy of the len bytes at value (value NULL or len 0
 * sets NULL), allocated with rec's allocator; the old string is wiped and
 * freed. CF_OK or CF_ERR_NOMEM (field unchanged).
 */
int record_set_text(const struct cf_record_type *t, void *rec, char **field, const char *value, size_t len);

/*
 * Deep copy of src into dst (initialised here with alloc; what dst held
 * before is not freed). CF_OK, or CF_ERR_NOMEM with dst left empty.
 */
int record_copy(const struct cf_record_type *t, void *dst, const void *src, const struct cf_str_alloc *alloc);

/*
 * Copies the one field f of src into dst (two records, or two group
 * elements, of the type f belongs to), replacing dst's value: a group
 * with all its elements. Strings come from alloc, the allocator of the
 * record dst is part of (record_alloc() of the top-level record); dst's
 * old strings go back to it. Returns CF_OK, or CF_ERR_NOMEM with dst's
 * field left empty.
 */
int record_field_copy(const struct cf_field *f, void *dst, const void *src, const struct cf_str_alloc *alloc);

/*
 * Fields in which a and b differ: bit i for t->fields[i] (strings bytewise,
 * NULL equal to NULL only, groups element by element in order).
 */
uint64_t record_diff(const struct cf_record_type *t, const void *a, const void *b);

/*
 * Validates rec field by field (kind, required, limits, syntax, options),
 * then the type's check() when every field passed. today: "YYYY-MM-DD"
 * for CF_FIELD_NOT_FUTURE and check(), or NULL to skip those. errs is
 * reset first. CF_OK, or CF_ERR_INVALID with errs filled.
 */
int record_validate(const struct cf_record_type *t, const void *rec, const char *today, struct cf_field_errors *errs);

/*
 * Adds a problem at the top-level field tag (index CF_NO_INDEX) with an
 * N_() message (may be NULL). For check() hooks and core's uniqueness.
 */
void record_errors_add(struct cf_field_errors *errs, uint16_t tag, enum cf_field_problem problem, const char *message);

/* The first error of errs at top-level field tag (any depth below it), or NULL. */
const struct cf_field_error *record_errors_find(const struct cf_field_errors *errs, uint16_t tag);

/*
 * Translated message for e in field f (the field the error's path ends at):
 * "Required.", "At most 64 characters.", the syntax's error... Written to
 * buf (snprintf-like); returns the length needed.
 */
size_t record_problem_text(const struct cf_field_error *e, const struct cf_field *f, char *buf, size_t size);

/* The field an error's path ends at (descending into groups), or NULL. */
const struct cf_field *record_error_field(const struct cf_record_type *t, const struct cf_field_error *e);

/*
 * Length in bytes of record_encode()'s output for rec; 0 when rec cannot be
 * encoded (a group count over max_count, an enum/int that does not fit).
 */
size_t record_encoded_size(const struct cf_record_type *t, const void *rec);

/*
 * Encodes rec's sealed fields into buf (size bytes; at least
 * record_encoded_size()). *len gets the bytes written. The caller keeps
 * buf in secure memory: it is the plaintext of a record. CF_OK,
 * CF_ERR_INVALID (cannot be encoded, or size too small).
 */
int record_encode(const struct cf_record_type *t, const void *rec, uint8_t *buf, size_t size, size_t *len);

/*
 * Puts every TEXT field with a syntax (groups too) in its canonical form
 * (syntax->normalise()) where the syntax accepts it; values it refuses are
 * left for record_validate() to report. CF_OK or CF_ERR_NOMEM.
 */
int record_normalise(const struct cf_record_type *t, void *rec);

/* True when p (len bytes) starts with the wire format's marker (not a legacy encoding). */
bool record_is_encoded(const uint8_t *p, size_t len);

/*
 * Strict decoder of record_encode()'s bytes (see the format above) into
 * rec, initialised here with alloc (strings go there: pass an allocator
 * over a secure arena for decrypted records). CF_OK; CF_ERR_DAMAGED for
 * anything but a canonical encoding; CF_ERR_NOMEM. On error rec is left
 * empty (record_fini() is still safe).
 */
int record_decode(const struct cf_record_type *t, const uint8_t *p, size_t len, const struct cf_str_alloc *alloc,
                  void *rec);

/*
 * Display text of field f of rec in the user's language: ENUM as its
 * translated label, FLAGS as labels joined by ", ", INT as a number, UTC as
 * local "YYYY-MM-DD HH:MM", a GROUP as its elements joined by "; ", absent
 * values as "". f->format() when the field has one. snprintf-like.
 * The text is sensitive: keep buf in secure memory or wipe it.
 */
size_t record_field_format(const struct cf_record_type *t, const struct cf_field *f, const void *rec, char *buf,
                           size_t size);

/* Translated label of the option of f with value v, or "" when there is none. Static string. */
const char *record_option_label(const struct cf_field *f, int64_t v);

/* Integer value of an ENUM/FLAGS/INT/UTC member of rec described by f. */
int64_t record_get_int(const struct cf_field *f, const void *rec);

/* Sets an ENUM/FLAGS/INT/UTC member of rec described by f (truncated to its size). */
void record_set_int(const struct cf_field *f, void *rec, int64_t v);

/* Pointer to the member of rec described by f (char ** for texts, char * for DATE/TIME, ...). */
void *record_member(const struct cf_field *f, void *rec);
const void *record_member_const(const struct cf_field *f, const void *rec);

/* Number of elements in GROUP field f of rec. */
size_t record_group_count(const struct cf_field *f, const void *rec);

/* Element i of GROUP field f of rec (its struct, f->element->size bytes). */
void *record_group_element(const struct cf_field *f, void *rec, size_t i);
const void *record_group_element_const(const struct cf_field *f, const void *rec, size_t i);

/*
 * Appends an element (zeroed) to GROUP field f of rec and returns it, or
 * NULL when max_count are there. record_group_remove() removes element i
 * (its strings wiped and freed), moving the later ones up.
 */
void *record_group_add(const struct cf_record_type *t, const struct cf_field *f, void *rec);
void record_group_remove(const struct cf_record_type *t, const struct cf_field *f, void *rec, size_t i);

/* ------------------------------------------------------ text checks */

/* Characters (code points) in s, counting each invalid byte as one. */
size_t record_text_chars(const char *s);

/* True when s is valid UTF-8 (no overlong forms, no surrogates). */
bool record_text_utf8_valid(const char *s);

/*
 * True when s has a character a record must not hold: C0 controls (but
 * newline and tab when multiline), DEL, C1 controls, bidirectional and
 * zero-width format characters, U+2028/U+2029.
 */
bool record_text_has_control(const char *s, bool multiline);

/* True for a real date "YYYY-MM-DD" in 1900-01-01 .. 2099-12-31. */
bool record_date_valid(const char *s);

/* True for a time "HH:MM", 00:00 .. 23:59. */
bool record_time_valid(const char *s);

#endif
