/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cell normalisation (full-width forms, spaces) and parsing of dates, sex, yes/no and status cells. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "carefile/i18n.h"
#include "carefile/io_text.h"

size_t
io_normalise_cell(const char *in, size_t len, char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		/* U+FF01..U+FF5E: EF BC 81..BF, EF BD 80..9E */
		if (i + 2 < len && p[i] == 0xEF && (p[i + 1] == 0xBC || p[i + 1] == 0xBD)) {
			unsigned cp = 0xFF00u + ((unsigned)(p[i + 1] & 0x03) << 6) + (p[i + 2] & 0x3F);
			if (cp >= 0xFF01 && cp <= 0xFF5E) {
				out[o++] = (char)(cp - 0xFF01 + 0x21);
				i += 3;
				continue;
			}
		}
		/* U+3000 ideographic space: E3 80 80 */
		if (i + 2 < len && p[i] == 0xE3 && p[i + 1] == 0x80 && p[i + 2] == 0x80) {
			out[o++] = ' ';
			i += 3;
			continue;
		}
		/*
		 * Invisible format characters only hide or reorder text: dropped.
		 * U+200B..U+200F zero-width and LRM/RLM (E2 80 8B..8F), U+202A..U+202E
		 * bidi embeddings/overrides (E2 80 AA..AE), U+2060 word joiner (E2 81 A0),
		 * U+2066..U+2069 bidi isolates (E2 81 A6..A9), U+FEFF (EF BB BF).
		 */
		if (i + 2 < len && p[i] == 0xE2 &&
		    ((p[i + 1] == 0x80 && ((p[i + 2] >= 0x8B && p[i + 2] <= 0x8F) || (p[i + 2] >= 0xAA && p[i + 2] <= 0xAE))) ||
		     (p[i + 1] == 0x81 && (p[i + 2] == 0xA0 || (p[i + 2] >= 0xA6 && p[i + 2] <= 0xA9))))) {
			i += 3;
			continue;
		}
		if (i + 2 < len && p[i] == 0xEF && p[i + 1] == 0xBB && p[i + 2] == 0xBF) {
			i += 3;
			continue;
		}
		/* U+00A0 no-break space: C2 A0 */
		if (i + 1 < len && p[i] == 0xC2 && p[i + 1] == 0xA0) {
			out[o++] = ' ';
			i += 2;
			continue;
		}
		out[o++] = (char)p[i++];
	}
	size_t start = 0;
	while (start < o && (out[start] == ' ' || out[start] == '\t' || out[start] == '\r' || out[start] == '\n'))
		start++;
	while (o > start && (out[o - 1] == ' ' || out[o - 1] == '\t' || out[o - 1] == '\r' || out[o - 1] == '\n'))
		o--;
	if (start > 0)
		memmove(out, out + start, o - start);
	o -= start;
	out[o] = '\0';
	return o;
}

static bool
dig(char c)
{
	return c >= '0' && c <= '9';
}

/* Read 1..max digits at *p into *v; advance. */
static bool
read_num(const char **p, int max, int *v)
{
	int n = 0, val = 0;
	while (dig(**p) && n < max) {
		val = val * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (n == 0 || dig(**p))
		return false;
	*v = val;
	return true;
}

static bool
skip_str(const char **p, const char *lit)
{
	size_t n = strlen(lit);
	if (strncmp(*p, lit, n) != 0)
		return false;
	*p += n;
	return true;
}

/* Days since 1970-01-01 to civil date (Howard Hinnant's algorithm, public domain). */
static void
civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

static bool
real_day(int y, int m, int d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= (m == 2 && leap ? 29 : mdays[m - 1]);
}

static enum cf_date_result
finish(int y, int m, int d, char out[11])
{
	if (!real_day(y, m, d))
		return CF_DATE_IMPOSSIBLE;
	if (!student_date_valid(y, m, d))
		return CF_DATE_RANGE;
	/* Written by hand: year 1900..2099, month and day checked above. */
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	return CF_DATE_OK;
}

enum cf_date_result
io_parse_date(const char *s, char out[11])
{
	out[0] = '\0';
	if (!s || !*s)
		return CF_DATE_EMPTY;
	const char *p = s;
	size_t len = strlen(s);
	int y, m, d;

	/* All digits: 8 = YYYYMMDD, 1..5 = Excel serial. */
	size_t nd = strspn(s, "0123456789");
	if (nd == len || (nd + 2 == len && s[nd] == '.' && s[nd + 1] == '0')) {
		if (nd == 8) {
			y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
			m = (s[4] - '0') * 10 + (s[5] - '0');
			d = (s[6] - '0') * 10 + (s[7] - '0');
			return finish(y, m, d, out);
		}
		if (nd >= 1 && nd <= 5) {
			long serial = strtol(s, NULL, 10);
			if (serial < 1 || serial > 73050)
				return CF_DATE_RANGE;
			if (serial == 60)
				return CF_DATE_IMPOSSIBLE; /* 1900-02-29 does not exist */
			/* Serial 1 = 1900-01-01; from 61 on, Excel counts the phantom day. */
			long days1970 = (serial < 60 ? serial - 1 : serial - 2) - 25567;
			civil_from_days(days1970, &y, &m, &d);
			return finish(y, m, d, out);
		}
		return CF_DATE_FORMAT;
	}

	if (!read_num(&p, 4, &y) || p - s != 4)
		return CF_DATE_FORMAT;
	if (skip_str(&p, "年")) {
		if (!read_num(&p, 2, &m) || !skip_str(&p, "月") || !read_num(&p, 2, &d))
			return CF_DATE_FORMAT;
		if (!skip_str(&p, "日"))
			skip_str(&p, "号");
	} else {
		char sep = *p;
		if (sep != '-' && sep != '/' && sep != '.')
			return CF_DATE_FORMAT;
		p++;
		if (!read_num(&p, 2, &m) || *p != sep)
			return CF_DATE_FORMAT;
		p++;
		if (!read_num(&p, 2, &d))
			return CF_DATE_FORMAT;
	}
	/* A time part from a spreadsheet: "2010-03-05 00:00:00", "2010/3/5 0:00". */
	if (*p == ' ' || *p == 'T') {
		const char *t = p + 1;
		if (!dig(*t))
			return CF_DATE_FORMAT;
		while (dig(*t) || *t == ':' || *t == '.')
			t++;
		p = t;
	}
	if (*p != '\0')
		return CF_DATE_FORMAT;
	return finish(y, m, d, out);
}

/* Case-insensitive ASCII compare, exact for other bytes. */
static bool
eq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

bool
io_parse_sex(const char *s, enum cf_sex *out)
{
	if (!s || !*s) {
		*out = CF_SEX_UNKNOWN;
		return true;
	}
	if (eq(s, "男") || eq(s, "男性") || eq(s, "m") || eq(s, "male") || eq(s, "boy") ||
	    eq(s, _("Male"))) {
		*out = CF_SEX_MALE;
		return true;
	}
	if (eq(s, "女") || eq(s, "女性") || eq(s, "f") || eq(s, "female") || eq(s, "girl") ||
	    eq(s, _("Female"))) {
		*out = CF_SEX_FEMALE;
		return true;
	}
	return false;
}

bool
io_parse_yes_no(const char *s, bool *out)
{
	static const char *const yes[] = { "是", "有", "y", "yes", "true", "1", "√", "✓", "✔", "留守", NULL };
	static const char *const no[] = { "否", "无", "不是", "n", "no", "false", "0", "×", "✗", "-", NULL };
	if (!s || !*s) {
		*out = false;
		return true;
	}
	for (size_t i = 0; yes[i]; i++)
		if (eq(s, yes[i])) {
			*out = true;
			return true;
		}
	for (size_t i = 0; no[i]; i++)
		if (eq(s, no[i])) {
			*out = false;
			return true;
		}
	if (eq(s, _("Yes"))) {
		*out = true;
		return true;
	}
	if (eq(s, _("No"))) {
		*out = false;
		return true;
	}
	return false;
}

bool
io_parse_status(const char *s, enum cf_student_status *out)
{
	static const struct {
		const char *word;
		enum cf_student_status status;
	} words[] = {
		{ "在读", CF_STUDENT_ACTIVE }, { "在校", CF_STUDENT_ACTIVE }, { "在籍", CF_STUDENT_ACTIVE },
		{ "正常", CF_STUDENT_ACTIVE }, { "active", CF_STUDENT_ACTIVE },
		{ "休学", CF_STUDENT_ON_LEAVE }, { "on leave", CF_STUDENT_ON_LEAVE },
		{ "转学", CF_STUDENT_TRANSFERRED }, { "转出", CF_STUDENT_TRANSFERRED },
		{ "transferred", CF_STUDENT_TRANSFERRED },
		{ "毕业", CF_STUDENT_GRADUATED }, { "已毕业", CF_STUDENT_GRADUATED },
		{ "graduated", CF_STUDENT_GRADUATED },
	};
	if (!s || !*s) {
		*out = CF_STUDENT_ACTIVE;
		return true;
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (eq(s, words[i].word)) {
			*out = words[i].status;
			return true;
		}
	for (int st = 0; st < CF_STUDENT_STATUS__COUNT; st++)
		if (eq(s, student_status_label((enum cf_student_status)st))) {
			*out = (enum cf_student_status)st;
			return true;
		}
	return false;
}
