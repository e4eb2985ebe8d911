/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV writer for exports: quoting, CRLF, BOM, formula neutralising. */
#include <stdlib.h>
#include <string.h>

#include "carefile/error.h"
#include "carefile/i18n.h"
#include "carefile/io_csv.h"
#include "carefile/roster.h"

int
io_csv_write_bom(FILE *fp)
{
	return fwrite("\xEF\xBB\xBF", 1, 3, fp) == 3 ? CF_OK : CF_ERR_IO;
}

static bool
needs_quotes(const char *s)
{
	size_t n = strlen(s);
	if (n > 0 && (s[0] == ' ' || s[n - 1] == ' '))
		return true;
	return strpbrk(s, ",\"\r\n") != NULL;
}

static int
write_cell(FILE *fp, const char *s)
{
	if (!s)
		s = "";
	bool neutralise = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
	                  s[0] == '\r';
	bool quote = needs_quotes(s) || (neutralise && s[0] == '\r');
	if (quote && fputc('"', fp) == EOF)
		return CF_ERR_IO;
	if (neutralise && fputc('\'', fp) == EOF)
		return CF_ERR_IO;
	for (const char *p = s; *p; p++) {
		if (*p == '"' && fputc('"', fp) == EOF)
			return CF_ERR_IO;
		if (fputc(*p, fp) == EOF)
			return CF_ERR_IO;
	}
	if (quote && fputc('"', fp) == EOF)
		return CF_ERR_IO;
	return CF_OK;
}

int
io_csv_write_row(FILE *fp, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && fputc(',', fp) == EOF)
			return CF_ERR_IO;
		int rc = write_cell(fp, cells[i]);
		if (rc != CF_OK)
			return rc;
	}
	return fputs("\r\n", fp) == EOF ? CF_ERR_IO : CF_OK;
}

static const enum cf_roster_column export_columns[] = {
	CF_COL_STUDENT_NUMBER, CF_COL_NAME, CF_COL_SEX, CF_COL_BIRTH_DATE, CF_COL_ETHNICITY,
	CF_COL_SCHOOL, CF_COL_GRADE, CF_COL_CLASS,
	CF_COL_GUARDIAN_NAME, CF_COL_GUARDIAN_RELATION, CF_COL_GUARDIAN_PHONE,
	CF_COL_GUARDIAN2_NAME, CF_COL_GUARDIAN2_RELATION, CF_COL_GUARDIAN2_PHONE,
	CF_COL_GUARDIAN3_NAME, CF_COL_GUARDIAN3_RELATION, CF_COL_GUARDIAN3_PHONE,
	CF_COL_GUARDIAN4_NAME, CF_COL_GUARDIAN4_RELATION, CF_COL_GUARDIAN4_PHONE,
	CF_COL_ADDRESS, CF_COL_STATUS,
	CF_COL_FLAG_LEFT_BEHIND, CF_COL_FLAG_SPECIAL_NEEDS, CF_COL_FLAG_BOARDING,
	CF_COL_FLAG_SINGLE_PARENT, CF_COL_FLAG_MIGRANT, CF_COL_FLAG_POVERTY, CF_COL_FLAG_ON_LEAVE,
	CF_COL_REMARKS,
};
#define N_EXPORT (sizeof(export_columns) / sizeof(export_columns[0]))

int
io_csv_write_students_header(FILE *fp)
{
	const char *cells[N_EXPORT];
	for (size_t i = 0; i < N_EXPORT; i++)
		cells[i] = roster_column_label(export_columns[i]);
	int rc = io_csv_write_bom(fp);
	return rc == CF_OK ? io_csv_write_row(fp, cells, N_EXPORT) : rc;
}

/* phones of g joined with '/'; buf has room for CF_GUARDIAN_PHONES_MAX * 24 bytes. */
static const char *
join_phones(const struct cf_guardian *g, char *buf, size_t size)
{
	buf[0] = '\0';
	size_t o = 0;
	for (size_t p = 0; p < g->n_phones && p < CF_GUARDIAN_PHONES_MAX; p++) {
		if (!g->phones[p])
			continue;
		size_t l = strlen(g->phones[p]);
		if (o + l + 2 > size)
			break;
		if (o > 0)
			buf[o++] = '/';
		memcpy(buf + o, g->phones[p], l);
		o += l;
		buf[o] = '\0';
	}
	return buf;
}

int
io_csv_write_student(FILE *fp, const struct cf_student *s)
{
	static const uint32_t flag_bits[] = {
		CF_STUDENT_FLAG_LEFT_BEHIND, CF_STUDENT_FLAG_SPECIAL_NEEDS, CF_STUDENT_FLAG_BOARDING,
		CF_STUDENT_FLAG_SINGLE_PARENT, CF_STUDENT_FLAG_MIGRANT, CF_STUDENT_FLAG_POVERTY,
		CF_STUDENT_FLAG_ON_LEAVE,
	};
	char phones[CF_STUDENT_GUARDIANS_MAX][CF_GUARDIAN_PHONES_MAX * 24];
	const char *cells[N_EXPORT];
	size_t c = 0;
	cells[c++] = s->student_number;
	cells[c++] = s->name;
	cells[c++] = s->sex == CF_SEX_UNKNOWN ? NULL : student_sex_label(s->sex);
	cells[c++] = s->birth_date[0] ? s->birth_date : NULL;
	cells[c++] = s->ethnicity;
	cells[c++] = s->school;
	cells[c++] = s->grade;
	cells[c++] = s->class_name;
	for (size_t g = 0; g < CF_STUDENT_GUARDIANS_MAX; g++) {
		const struct cf_guardian *gd = g < s->n_guardians ? &s->guardians[g] : NULL;
		cells[c++] = gd ? gd->name : NULL;
		cells[c++] = gd ? gd->relation : NULL;
		cells[c++] = gd ? join_phones(gd, phones[g], sizeof(phones[g])) : NULL;
	}
	cells[c++] = s->address;
	cells[c++] = student_status_label(s->status);
	for (size_t f = 0; f < sizeof(flag_bits) / sizeof(flag_bits[0]); f++)
		cells[c++] = (s->flags & flag_bits[f]) ? _("Yes") : _("No");
	cells[c++] = s->remarks;
	int rc = io_csv_write_row(fp, cells, c);
	explicit_bzero(phones, sizeof(phones));
	return rc;
}

int
io_csv_write_students(FILE *fp, const struct cf_student *students, size_t n)
{
	int rc = io_csv_write_students_header(fp);
	for (size_t i = 0; i < n && rc == CF_OK; i++)
		rc = io_csv_write_student(fp, &students[i]);
	if (rc == CF_OK && fflush(fp) != 0)
		rc = CF_ERR_IO;
	return rc;
}
