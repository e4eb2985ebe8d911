/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV export: UTF-8 with BOM and CRLF for Excel, RFC 4180 quoting, formula-injection neutralising. */
#ifndef CAREFILE_IO_CSV_H
#define CAREFILE_IO_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "carefile/student.h"

/* Write the UTF-8 byte order mark (EF BB BF) so Excel reads the file as UTF-8. CF_OK or CF_ERR_IO. */
int io_csv_write_bom(FILE *fp);

/*
 * Write one record of n cells (NULL cells are empty) terminated by CRLF.
 * A cell is quoted when it holds ',', '"', CR, LF or leading/trailing spaces
 * (inner quotes doubled). A cell beginning with '=', '+', '-', '@', TAB or CR
 * gets a leading apostrophe (OWASP "CSV injection" advice) so a spreadsheet
 * shows it as text instead of running it as a formula.
 * CF_OK or CF_ERR_IO.
 */
int io_csv_write_row(FILE *fp, const char *const *cells, size_t n);

/*
 * Write a header row and one row per student: BOM, then the columns of the
 * roster importer (so the file imports again unchanged): student number, name,
 * sex, date of birth, ethnicity, school, grade, class, guardians 1..4 (name,
 * relation, phones joined with '/'), address, status, the flags as yes/no,
 * remarks. Header names and the words for sex, status and yes/no are the
 * translated labels (the importer accepts both languages). Borrows students.
 * CF_OK, CF_ERR_IO or CF_ERR_NOMEM. The caller opens fp (mode 0600) and closes it.
 */
int io_csv_write_students(FILE *fp, const struct cf_student *students, size_t n);

/* The pieces of io_csv_write_students() for callers that do not hold an array: BOM + header row, then one row per student. */
int io_csv_write_students_header(FILE *fp);
int io_csv_write_student(FILE *fp, const struct cf_student *student);

#endif
