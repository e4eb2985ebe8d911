/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading a class roster (CSV or tab-separated text, any common encoding) into students and row errors. */
#ifndef CAREFILE_ROSTER_H
#define CAREFILE_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "carefile/io_text.h"
#include "carefile/student.h"

/*
 * Roster columns. Header names map to these through share/roster-headers.tsv,
 * which is compiled into the program at build time (the installed copy is
 * documentation; the binary never reads it).
 */
enum cf_roster_column {
	CF_COL_NONE = -1,  /* unknown header: ignored, listed as a note */
	CF_COL_STUDENT_NUMBER = 0,
	CF_COL_NAME,
	CF_COL_SEX,
	CF_COL_BIRTH_DATE,
	CF_COL_ETHNICITY,
	CF_COL_SCHOOL,
	CF_COL_GRADE,
	CF_COL_CLASS,
	CF_COL_GUARDIAN_NAME,
	CF_COL_GUARDIAN_RELATION,
	CF_COL_GUARDIAN_PHONE,
	CF_COL_GUARDIAN2_NAME,
	CF_COL_GUARDIAN2_RELATION,
	CF_COL_GUARDIAN2_PHONE,
	CF_COL_GUARDIAN3_NAME,
	CF_COL_GUARDIAN3_RELATION,
	CF_COL_GUARDIAN3_PHONE,
	CF_COL_GUARDIAN4_NAME,
	CF_COL_GUARDIAN4_RELATION,
	CF_COL_GUARDIAN4_PHONE,
	CF_COL_FATHER_NAME,
	CF_COL_FATHER_PHONE,
	CF_COL_MOTHER_NAME,
	CF_COL_MOTHER_PHONE,
	CF_COL_ADDRESS,
	CF_COL_REMARKS,
	CF_COL_STATUS,
	CF_COL_FLAG_LEFT_BEHIND,
	CF_COL_FLAG_SPECIAL_NEEDS,
	CF_COL_FLAG_BOARDING,
	CF_COL_FLAG_SINGLE_PARENT,
	CF_COL_FLAG_MIGRANT,
	CF_COL_FLAG_POVERTY,
	CF_COL_FLAG_ON_LEAVE,
	CF_COL_IGNORE_ID_CARD, /* recognised, never imported (a note says so) */
	CF_COL_IGNORE,         /* recognised (序号), skipped silently */
	CF_COL__COUNT
};

/* Why one row was not imported. */
enum cf_roster_reason {
	CF_ROW_MISSING_NAME = 0,
	CF_ROW_MISSING_STUDENT_NUMBER,
	CF_ROW_BAD_STUDENT_NUMBER,       /* spaces or characters outside [A-Za-z0-9-_./], or too long */
	CF_ROW_SCIENTIFIC_STUDENT_NUMBER,/* 1.2E+17: a spreadsheet destroyed the digits */
	CF_ROW_DUPLICATE_STUDENT_NUMBER, /* same as an earlier row of this file */
	CF_ROW_BAD_DATE,                 /* not a date format we know */
	CF_ROW_IMPOSSIBLE_DATE,          /* 2010-02-30, Excel serial 60 */
	CF_ROW_DATE_OUT_OF_RANGE,        /* birth date before ROSTER_BIRTH_YEAR_MIN or after today (UTC) */
	CF_ROW_BAD_SEX,
	CF_ROW_BAD_PHONE,
	CF_ROW_SCIENTIFIC_PHONE,         /* 1.38001E+10 */
	CF_ROW_TOO_MANY_PHONES,          /* more than CF_GUARDIAN_PHONES_MAX in one cell */
	CF_ROW_BAD_YES_NO,               /* a flag column that is not yes/no */
	CF_ROW_BAD_STATUS,
	CF_ROW_BAD_TEXT,                 /* control characters in a text cell */
	CF_ROW_TOO_LONG,                 /* a cell over ROSTER_CELL_MAX bytes */
	CF_ROW_TOO_MANY_CELLS,           /* more cells than the header has, with text in the extra ones */
	CF_ROW_REASON__COUNT
};

/* Earliest plausible year of birth in a roster. */
#define ROSTER_BIRTH_YEAR_MIN 1920

/* Longest cell accepted, in bytes after normalisation. */
#define ROSTER_CELL_MAX 1024
/*
 * Beyond these a file is not a roster and is refused as a whole
 * (CF_TEXT_CELL_TOO_LARGE, line = where the record starts), without reading
 * the rest of the cell: one cell over ROSTER_PARSE_CELL_MAX bytes (as
 * parsed, before normalisation), one record over ROSTER_PARSE_CELLS_MAX cells.
 */
#define ROSTER_PARSE_CELL_MAX ((size_t)64 * 1024)
#define ROSTER_PARSE_CELLS_MAX 1024

/* File-level remarks that do not stop the import. */
enum cf_roster_note_kind {
	CF_NOTE_ID_CARD_IGNORED = 0, /* an ID card number column was found and not imported */
	CF_NOTE_UNKNOWN_COLUMN,      /* a header cell matched no known column; ignored */
	CF_NOTE_DUPLICATE_COLUMN,    /* a second column maps to the same field; ignored */
	CF_NOTE__COUNT
};

/* A row that was read without errors. */
struct cf_roster_row {
	struct cf_student student; /* malloc'd strings (allocator NULL) */
	size_t record;             /* 1-based CSV record number in the file (title and header rows count) */
	size_t line;               /* 1-based physical line where the record starts */
	/*
	 * What this row provides: only non-empty cells count, so an import never
	 * erases a stored value with an empty cell, and guardian k's columns
	 * touch only stored guardian k's name/relation/phones (father/mother
	 * columns update the stored guardian with relation 父亲/母亲, else add one).
	 * student.guardians[] holds just the guardians with a non-empty cell.
	 */
	struct cf_student_provided provided;
};

struct cf_roster_error {
	size_t record;                 /* as in cf_roster_row */
	size_t line;
	enum cf_roster_column column;  /* CF_COL_NONE for row-level reasons (too many cells) */
	char *column_name;             /* header text as in the file (normalised); NULL for CF_COL_NONE */
	enum cf_roster_reason reason;
};

struct cf_roster_note {
	enum cf_roster_note_kind kind;
	char *column_name;             /* header text as in the file */
};

struct cf_roster {
	struct cf_roster_row *rows;     /* good rows, file order */
	size_t n_rows;
	struct cf_roster_error *errors; /* file order; a row may have several */
	size_t n_errors;
	struct cf_roster_note *notes;
	size_t n_notes;
	size_t n_records_read;          /* data records after the header, blank ones excluded */
	size_t n_rows_with_errors;      /* n_records_read == n_rows + n_rows_with_errors */
	size_t header_record;           /* record number (1-based) of the header row */
	size_t header_line;
	enum cf_text_encoding encoding;
	char separator;                 /* ',', ';' or '\t' */
	enum cf_roster_column header_columns[64]; /* per header cell (first 64), CF_COL_NONE if unknown */
	size_t n_columns;
	uint32_t fields;                /* enum cf_student_field bits the header has columns for */
	uint32_t flag_mask;             /* enum cf_student_flag bits the header has columns for */
};

/* Why a whole file was refused; filled by roster_read_*() on failure. */
struct cf_roster_failure {
	enum cf_text_problem problem;
	size_t offset;   /* byte offset in the input for CF_TEXT_INVALID; else 0 */
	size_t line;     /* 1-based line for CF_TEXT_TRUNCATED (where the open record starts); else 0 */
};

/*
 * Read a roster from the len bytes at data (borrowed; no NUL needed).
 * Steps: encoding detection and conversion (io_text_to_utf8); separator
 * detection (comma, semicolon, tab: the one giving the best header row in the
 * first records, parsed with libcsv, so quotes are respected); the header row
 * is the first record in which at least two cells map to known columns (title
 * rows above it are skipped); then every following non-blank record becomes
 * a row or one or more row errors. Cells are normalised (io_normalise_cell());
 * a leading apostrophe before '=', '+', '-' or '@' (the export's formula
 * neutralising, see io_csv_write_row()) is removed, so export + import is lossless.
 * On CF_OK *out is set (caller frees with roster_free()); rows with errors are
 * listed in (*out)->errors, never in rows, and importing nothing is still
 * CF_OK. Whole-file failures import nothing and return CF_ERR_ENCODING
 * (invalid bytes; fail->offset), CF_ERR_INVALID (empty, binary, workbook,
 * truncated mid-row, no header, no name/student number column; fail->problem
 * says which) or CF_ERR_NOMEM. fail may be NULL.
 */
int roster_read_buffer(const void *data, size_t len, struct cf_roster **out, struct cf_roster_failure *fail);

/* roster_read_buffer() on the contents of path. Also CF_ERR_IO (fail->problem CF_TEXT_READ_FAILED) or CF_ERR_INVALID (CF_TEXT_TOO_LARGE). */
int roster_read_file(const char *path, struct cf_roster **out, struct cf_roster_failure *fail);

/* Free r and everything in it (strings wiped), set *r to NULL. NULL-safe. */
void roster_free(struct cf_roster **r);

/* Translated sentence for a row error reason; static, never NULL. */
const char *roster_reason_message(enum cf_roster_reason reason);

/* Translated sentence for a note kind; static, never NULL. */
const char *roster_note_message(enum cf_roster_note_kind kind);

/* Translated display name of a column ("Student number" / "学号"); static, never NULL. */
const char *roster_column_label(enum cf_roster_column column);

/* enum cf_student_field bit filled by column (0 for ignored columns; flag columns give CF_FIELD_FLAGS). */
uint32_t roster_column_field(enum cf_roster_column column);

/* Column id for a header cell text (any alias of share/roster-headers.tsv), or CF_COL_NONE. Borrows text. */
enum cf_roster_column roster_column_from_header(const char *text);

#endif
