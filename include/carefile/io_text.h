/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text import helpers: encoding detection and conversion to UTF-8, cell normalisation, date/sex parsing. */
#ifndef CAREFILE_IO_TEXT_H
#define CAREFILE_IO_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "carefile/student.h"

enum cf_text_encoding {
	CF_ENC_UTF8 = 0,
	CF_ENC_UTF8_BOM,
	CF_ENC_GB18030,   /* also covers GBK and GB2312, its subsets */
	CF_ENC_UTF16LE,   /* with BOM (Excel "Unicode text") */
	CF_ENC_UTF16BE,   /* with BOM */
};

/* Why a whole file could not be read as text (io_text_to_utf8) or as a roster (roster_read_*). */
enum cf_text_problem {
	CF_TEXT_OK = 0,
	CF_TEXT_EMPTY,           /* no bytes, or only a BOM / blank lines */
	CF_TEXT_BINARY,          /* NUL bytes or other binary content */
	CF_TEXT_SPREADSHEET,     /* an .xlsx/.xls workbook, not CSV */
	CF_TEXT_INVALID,         /* invalid in its (detected) encoding; see offset */
	CF_TEXT_TOO_LARGE,       /* over IO_TEXT_MAX_BYTES */
	CF_TEXT_TRUNCATED,       /* a quoted field is not closed at end of file */
	CF_TEXT_NO_HEADER,       /* no row maps at least two cells to known columns */
	CF_TEXT_NO_REQUIRED,     /* the header lacks the name or student number column */
	CF_TEXT_READ_FAILED,     /* the file could not be opened or read */
	CF_TEXT_CELL_TOO_LARGE,  /* a cell over ROSTER_PARSE_CELL_MAX bytes or a record over ROSTER_PARSE_CELLS_MAX cells; see line */
	CF_TEXT_PROBLEM__COUNT
};

/* Largest input accepted, in bytes (a roster of 100 000 students is about 15 MB). */
#define IO_TEXT_MAX_BYTES ((size_t)64 * 1024 * 1024)

/*
 * Detect the encoding of the len bytes at in and convert them to UTF-8 with
 * iconv. Detection: a UTF-8 BOM, a UTF-16LE/BE BOM; else NUL bytes mean
 * binary; valid UTF-8 is UTF-8 (also when a few invalid sequences are mixed
 * into plenty of valid multi-byte UTF-8: then it is reported as invalid UTF-8
 * rather than decoded as GB18030 mojibake); anything else is GB18030.
 * On success *out (NUL-terminated, BOM removed, caller frees) and *out_len
 * (bytes, without the NUL) are set, *enc says what was found, returns CF_OK.
 * Errors: CF_ERR_ENCODING (problem CF_TEXT_INVALID, *bad_offset = byte offset
 * of the first invalid sequence in the input), CF_ERR_INVALID (CF_TEXT_EMPTY,
 * CF_TEXT_BINARY, CF_TEXT_SPREADSHEET, CF_TEXT_TOO_LARGE), CF_ERR_NOMEM.
 * problem and bad_offset may be NULL.
 */
int io_text_to_utf8(const void *in, size_t len, char **out, size_t *out_len,
                    enum cf_text_encoding *enc, enum cf_text_problem *problem, size_t *bad_offset);

/* Untranslated short name of enc ("UTF-8", "GB18030", …); never NULL. */
const char *io_encoding_name(enum cf_text_encoding enc);

/* Translated sentence for a problem; static string, never NULL. */
const char *io_text_problem_message(enum cf_text_problem problem);

/*
 * Normalise one UTF-8 cell: full-width forms U+FF01..U+FF5E become ASCII
 * U+0021..U+007E, U+3000 (ideographic space) becomes a space, NBSP likewise;
 * invisible format characters that only hide or reorder text are removed
 * (zero-width U+200B..U+200F, U+2060, U+FEFF; bidi controls U+202A..U+202E,
 * U+2066..U+2069); then leading and trailing spaces, tabs, CR and LF are trimmed. Writes a
 * NUL-terminated string to out, which must have room for len + 1 bytes (the
 * result is never longer than the input; out may equal in for in-place). Returns the new length in bytes.
 */
size_t io_normalise_cell(const char *in, size_t len, char *out);


/* Result of io_parse_date(). */
enum cf_date_result {
	CF_DATE_OK = 0,
	CF_DATE_EMPTY,        /* s is "" */
	CF_DATE_FORMAT,       /* not a recognised date format */
	CF_DATE_IMPOSSIBLE,   /* recognised but no such calendar day (2010-02-30, Excel serial 60) */
	CF_DATE_RANGE,        /* real date outside 1900-01-01 .. 2099-12-31 */
};

/*
 * Parse a normalised date cell into out "YYYY-MM-DD" (11 bytes, NUL-terminated).
 * Accepted: 2010-03-05, 2010/3/5, 2010.3.5, 2010年3月5日, 20100305 (8 digits),
 * "2010-03-05 00:00:00" (time part ignored), and an Excel serial day number in
 * the 1900 date system (1 .. 73050, i.e. up to 2099-12-31): serials 1..59 are
 * 1900-01-01..1900-02-28, serial 60 is Excel's non-existent 1900-02-29 (Lotus
 * 1-2-3 leap-year bug, reported as CF_DATE_IMPOSSIBLE), 61 is 1900-03-01 and on.
 */
enum cf_date_result io_parse_date(const char *s, char out[11]);

/* Parse a sex cell: 男/女, 男性/女性, M/F, male/female (any case). Empty gives CF_SEX_UNKNOWN and true; unknown words give false. */
bool io_parse_sex(const char *s, enum cf_sex *out);

/* Parse a yes/no cell (是/否, 有/无, Y/N, yes/no, true/false, 1/0, √/×). Empty is false with true return; unknown words return false. */
bool io_parse_yes_no(const char *s, bool *out);

/* Parse a status cell (在读/在校/active, 休学/on leave, 转学/转出/transferred, 毕业/graduated, and the translated labels). Empty gives ACTIVE. */
bool io_parse_status(const char *s, enum cf_student_status *out);

#endif
