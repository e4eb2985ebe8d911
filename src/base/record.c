/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Records driven by their field tables: init, fini, copy, diff, validation, the canonical codec, display text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carefile/i18n.h"
#include "carefile/record.h"
#include "carefile/text.h"

#define MARKER0 0xCF
#define WIRE_VERSION 1

/* ---- members ---- */

void *
record_member(const struct cf_field *f, void *rec)
{
	return (unsigned char *)rec + f->offset;
}

const void *
record_member_const(const struct cf_field *f, const void *rec)
{
	return (const unsigned char *)rec + f->offset;
}

/* Signed integer of size bytes at p (1, 2, 4 or 8). */
static int64_t
load_int(const void *p, size_t size)
{
	switch (size) {
	case 1: { int8_t v; memcpy(&v, p, 1); return v; }
	case 2: { int16_t v; memcpy(&v, p, 2); return v; }
	case 4: { int32_t v; memcpy(&v, p, 4); return v; }
	case 8: { int64_t v; memcpy(&v, p, 8); return v; }
	default: return 0;
	}
}

/* Unsigned integer of size bytes at p (FLAGS). */
static uint64_t
load_uint(const void *p, size_t size)
{
	switch (size) {
	case 1: { uint8_t v; memcpy(&v, p, 1); return v; }
	case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
	case 8: { uint64_t v; memcpy(&v, p, 8); return v; }
	default: return 0;
	}
}

static void
store_int(void *p, size_t size, int64_t v)
{
	switch (size) {
	case 1: { int8_t x = (int8_t)v; memcpy(p, &x, 1); break; }
	case 2: { int16_t x = (int16_t)v; memcpy(p, &x, 2); break; }
	case 4: { int32_t x = (int32_t)v; memcpy(p, &x, 4); break; }
	case 8: memcpy(p, &v, 8); break;
	default: break;
	}
}

/* True when v fits a signed (or, for FLAGS, unsigned) member of size bytes. */
static bool
fits(int64_t v, size_t size, bool is_unsigned)
{
	if (size >= 8)
		return !is_unsigned || v >= 0;
	if (is_unsigned)
		return v >= 0 && (uint64_t)v < (UINT64_C(1) << (8 * size));
	return v >= -(INT64_C(1) << (8 * size - 1)) && v < (INT64_C(1) << (8 * size - 1));
}

int64_t
record_get_int(const struct cf_field *f, const void *rec)
{
	const void *p = record_member_const(f, rec);

	return f->kind == CF_KIND_FLAGS ? (int64_t)load_uint(p, f->size) : load_int(p, f->size);
}

void
record_set_int(const struct cf_field *f, void *rec, int64_t v)
{
	store_int(record_member(f, rec), f->size, v);
}

size_t
record_group_count(const struct cf_field *f, const void *rec)
{
	size_t n;

	memcpy(&n, (const unsigned char *)rec + f->count_offset, sizeof n);
	return n;
}

static void
set_count(const struct cf_field *f, void *rec, size_t n)
{
	memcpy((unsigned char *)rec + f->count_offset, &n, sizeof n);
}

void *
record_group_element(const struct cf_field *f, void *rec, size_t i)
{
	return (unsigned char *)rec + f->offset + i * f->element->size;
}

const void *
record_group_element_const(const struct cf_field *f, const void *rec, size_t i)
{
	return (const unsigned char *)rec + f->offset + i * f->element->size;
}

static bool
is_text(const struct cf_field *f)
{
	return f->kind == CF_KIND_TEXT || f->kind == CF_KIND_LONGTEXT;
}

/* ---- tables ---- */

const struct cf_field *
record_field(const struct cf_record_type *t, uint16_t tag)
{
	int i = record_field_index(t, tag);

	return i < 0 ? NULL : &t->fields[i];
}

int
record_field_index(const struct cf_record_type *t, uint16_t tag)
{
	/* tags are usually 1, 2, 3 ...: then the tag is its place; else they ascend: binary search */
	size_t lo = 0, hi = t->n_fields;

	if (tag >= 1 && tag <= t->n_fields && t->fields[tag - 1].tag == tag)
		return (int)tag - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->fields[mid].tag == tag)
			return (int)mid;
		if (t->fields[mid].tag < tag)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const struct cf_table *
record_table_by_name(const char *name)
{
	for (size_t i = 0; name && cf_tables[i]; i++)
		if (strcmp(cf_tables[i]->name, name) == 0)
			return cf_tables[i];
	return NULL;
}

int
record_column_index(const struct cf_table *t, const char *name)
{
	for (size_t i = 0; name && i < t->n_cols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
record_link_column(const struct cf_table *t, const struct cf_table *parent)
{
	for (size_t i = 0; i < t->n_cols; i++)
		if (t->cols[i].kind == CF_COLUMN_LINK && t->cols[i].parent == parent)
			return (int)i;
	return -1;
}

void
record_columns_from(const struct cf_table *t, const void *rec, struct cf_row *row)
{
	for (size_t i = 0; i < t->n_cols; i++) {
		const struct cf_column *c = &t->cols[i];
		const struct cf_field *f;

		if (c->kind != CF_COLUMN_FIELD || !(f = record_field(t->type, c->field)))
			continue;
		row->col[i] = record_get_int(f, rec);
	}
}

void
record_columns_to(const struct cf_table *t, const struct cf_row *row, void *rec)
{
	for (size_t i = 0; i < t->n_cols; i++) {
		const struct cf_column *c = &t->cols[i];
		const struct cf_field *f;

		if (c->kind != CF_COLUMN_FIELD || !(f = record_field(t->type, c->field)))
			continue;
		record_set_int(f, rec, row->col[i]);
	}
}

static size_t
put_le(uint8_t *buf, size_t size, size_t pos, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++, pos++)
		if (pos < size)
			buf[pos] = (uint8_t)(v >> (8 * i));
	return pos;
}

static size_t
put_bytes(uint8_t *buf, size_t size, size_t pos, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++, pos++)
		if (pos < size)
			buf[pos] = ((const uint8_t *)p)[i];
	return pos;
}

size_t
record_bound(const struct cf_table *t, const struct cf_row *row, uint8_t *buf, size_t size)
{
	static const char tag[] = "cf cols v1";
	size_t pos = 0;

	pos = put_bytes(buf, size, pos, tag, sizeof tag - 1);
	pos = put_le(buf, size, pos, (uint64_t)row->version, 8);
	pos = put_le(buf, size, pos, (uint64_t)row->created, 8);
	pos = put_le(buf, size, pos, (uint64_t)row->updated, 8);
	for (size_t i = 0; i < t->n_cols && i < CF_TABLE_COLUMNS_MAX; i++) {
		pos = put_le(buf, size, pos, t->cols[i].tag, 1);
		if (t->cols[i].kind == CF_COLUMN_LINK)
			pos = put_bytes(buf, size, pos, row->link_uuid[i], CF_UUID_BYTES);
		else
			pos = put_le(buf, size, pos, (uint64_t)row->col[i], 8);
	}
	return pos;
}

/* ---- strings ---- */

const struct cf_str_alloc *
record_alloc(const struct cf_record_type *t, const void *rec)
{
	const struct cf_str_alloc *a;

	if (t->alloc_offset == SIZE_MAX)
		return NULL;
	memcpy(&a, (const unsigned char *)rec + t->alloc_offset, sizeof a);
	return a;
}

static char *
str_alloc(const struct cf_str_alloc *a, size_t n)
{
	if (a && a->alloc)
		return a->alloc(a->ctx, n);
	return malloc(n);
}

static void
str_free(const struct cf_str_alloc *a, char *p)
{
	size_t n;

	if (!p)
		return;
	n = strlen(p) + 1;
	explicit_bzero(p, n);
	if (a && a->alloc) {
		if (a->free) /* an arena has none: it is released as a whole */
			a->free(a->ctx, p, n);
	} else {
		free(p);
	}
}

static int
set_text(const struct cf_str_alloc *a, char **field, const char *value, size_t len)
{
	char *copy = NULL;

	if (value && len > 0) {
		copy = str_alloc(a, len + 1);
		if (!copy)
			return CF_ERR_NOMEM;
		memcpy(copy, value, len);
		copy[len] = '\0';
	}
	str_free(a, *field);
	*field = copy;
	return CF_OK;
}

int
record_set_text(const struct cf_record_type *t, void *rec, char **field, const char *value, size_t len)
{
	return set_text(record_alloc(t, rec), field, value, len);
}

static void
fini_fields(const struct cf_record_type *t, void *rec, const struct cf_str_alloc *a)
{
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct cf_field *f = &t->fields[i];

		if (is_text(f)) {
			char **p = record_member(f, rec);

			str_free(a, *p);
			*p = NULL;
		} else if (f->kind == CF_KIND_GROUP) {
			size_t n = record_group_count(f, rec);

			for (size_t k = 0; k < n && k < f->max_count; k++)
				fini_fields(f->element, record_group_element(f, rec, k), a);
		}
	}
}

void
record_init(const struct cf_record_type *t, void *rec, const struct cf_str_alloc *alloc)
{
	memset(rec, 0, t->size);
	if (t->alloc_offset != SIZE_MAX)
		memcpy((unsigned char *)rec + t->alloc_offset, &alloc, sizeof alloc);
}

void
record_fini(const struct cf_record_type *t, void *rec)
{
	const struct cf_str_alloc *a;

	if (!rec)
		return;
	a = record_alloc(t, rec);
	fini_fields(t, rec, a);
	explicit_bzero(rec, t->size);
	if (t->alloc_offset != SIZE_MAX)
		memcpy((unsigned char *)rec + t->alloc_offset, &a, sizeof a);
}

/* Copies the fields of src into dst (zeroed, strings from a). */
static int
copy_fields(const struct cf_record_type *t, void *dst, const void *src, const struct cf_str_alloc *a)
{
	int rc = CF_OK;

	for (size_t i = 0; i < t->n_fields && rc == CF_OK; i++) {
		const struct cf_field *f = &t->fields[i];

		if (is_text(f)) {
			const char *s = *(char *const *)record_member_const(f, src);

			rc = set_text(a, record_member(f, dst), s, s ? strlen(s) : 0);
		} else if (f->kind == CF_KIND_GROUP) {
			size_t n = record_group_count(f, src);

			if (n > f->max_count)
				n = f->max_count;
			set_count(f, dst, n);
			for (size_t k = 0; k < n && rc == CF_OK; k++)
				rc = copy_fields(f->element, record_group_element(f, dst, k),
				                 record_group_element_const(f, src, k), a);
		} else {
			memcpy(record_member(f, dst), record_member_const(f, src), f->size);
		}
	}
	return rc;
}

int
record_field_copy(const struct cf_field *f, void *dst, const void *src, const struct cf_str_alloc *alloc)
{
	struct cf_record_type one = { .fields = f, .n_fields = 1, .alloc_offset = SIZE_MAX };

	if (is_text(f)) {
		const char *s = *(char *const *)record_member_const(f, src);

		return set_text(alloc, record_member(f, dst), s, s ? strlen(s) : 0);
	}
	if (f->kind == CF_KIND_GROUP) {
		int rc;

		fini_fields(&one, dst, alloc);
		set_count(f, dst, 0);
		rc = copy_fields(&one, dst, src, alloc);
		if (rc != CF_OK) {
			fini_fields(&one, dst, alloc);
			set_count(f, dst, 0);
		}
		return rc;
	}
	memcpy(record_member(f, dst), record_member_const(f, src), f->size);
	return CF_OK;
}

int
record_copy(const struct cf_record_type *t, void *dst, const void *src, const struct cf_str_alloc *alloc)
{
	record_init(t, dst, alloc);
	if (copy_fields(t, dst, src, alloc) != CF_OK) {
		record_fini(t, dst);
		return CF_ERR_NOMEM;
	}
	return CF_OK;
}

static bool
str_same(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool field_same(const struct cf_field *f, const void *a, const void *b);

static bool
fields_same(const struct cf_record_type *t, const void *a, const void *b)
{
	for (size_t i = 0; i < t->n_fields; i++)
		if (!field_same(&t->fields[i], a, b))
			return false;
	return true;
}

static bool
field_same(const struct cf_field *f, const void *a, const void *b)
{
	switch (f->kind) {
	case CF_KIND_TEXT:
	case CF_KIND_LONGTEXT:
		return str_same(*(char *const *)record_member_const(f, a), *(char *const *)record_member_const(f, b));
	case CF_KIND_DATE:
	case CF_KIND_TIME:
		return strncmp(record_member_const(f, a), record_member_const(f, b), f->size) == 0;
	case CF_KIND_GROUP: {
		size_t n = record_group_count(f, a);

		if (n != record_group_count(f, b))
			return false;
		for (size_t k = 0; k < n && k < f->max_count; k++)
			if (!fields_same(f->element, record_group_element_const(f, a, k),
			                 record_group_element_const(f, b, k)))
				return false;
		return true;
	}
	default:
		return memcmp(record_member_const(f, a), record_member_const(f, b), f->size) == 0;
	}
}

uint64_t
record_diff(const struct cf_record_type *t, const void *a, const void *b)
{
	uint64_t d = 0;

	for (size_t i = 0; i < t->n_fields && i < CF_RECORD_FIELDS_MAX; i++)
		if (!field_same(&t->fields[i], a, b))
			d |= UINT64_C(1) << i;
	return d;
}

void *
record_group_add(const struct cf_record_type *t, const struct cf_field *f, void *rec)
{
	size_t n = record_group_count(f, rec);
	void *el;

	(void)t;
	if (n >= f->max_count)
		return NULL;
	el = record_group_element(f, rec, n);
	memset(el, 0, f->element->size);
	set_count(f, rec, n + 1);
	return el;
}

void
record_group_remove(const struct cf_record_type *t, const struct cf_field *f, void *rec, size_t i)
{
	size_t n = record_group_count(f, rec);

	if (i >= n)
		return;
	fini_fields(f->element, record_group_element(f, rec, i), record_alloc(t, rec));
	if (i + 1 < n)
		memmove(record_group_element(f, rec, i), record_group_element(f, rec, i + 1),
		        (n - i - 1) * f->element->size);
	explicit_bzero(record_group_element(f, rec, n - 1), f->element->size);
	set_count(f, rec, n - 1);
}

static int
normalise_fields(const struct cf_record_type *t, void *rec, const struct cf_str_alloc *a)
{
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct cf_field *f = &t->fields[i];

		if (f->kind == CF_KIND_TEXT && f->syntax) {
			char **p = record_member(f, rec);
			char out[256];
			int rc = CF_OK;

			if (*p && f->syntax->out_max < sizeof out && f->syntax->normalise(*p, out, sizeof out) &&
			    strcmp(out, *p) != 0)
				rc = set_text(a, p, out, strlen(out));
			explicit_bzero(out, sizeof out);
			if (rc != CF_OK)
				return rc;
		} else if (f->kind == CF_KIND_GROUP) {
			size_t n = record_group_count(f, rec);

			for (size_t k = 0; k < n && k < f->max_count; k++) {
				int rc = normalise_fields(f->element, record_group_element(f, rec, k), a);

				if (rc != CF_OK)
					return rc;
			}
		}
	}
	return CF_OK;
}

int
record_normalise(const struct cf_record_type *t, void *rec)
{
	return normalise_fields(t, rec, record_alloc(t, rec));
}

/* ---- text checks ---- */

size_t
record_text_chars(const char *s)
{
	size_t n = 0;

	while (s && *s) {
		(void)text_utf8_next(&s);
		n++;
	}
	return n;
}

bool
record_text_utf8_valid(const char *s)
{
	uint32_t cp;

	for (size_t n; s && *s; s += n)
		if ((n = text_utf8_char(s, 4, &cp)) == 0)
			return false;
	return true;
}

/* Format and control characters that must never be stored (they hide, reorder or move text). */
static bool
forbidden_cp(uint32_t cp, bool multiline)
{
	if (cp < 0x20)
		return !(multiline && (cp == '\n' || cp == '\t' || cp == '\r'));
	if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
		return true;
	return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0x061C ||
	       cp == 0x180E;
}

bool
record_text_has_control(const char *s, bool multiline)
{
	while (s && *s)
		if (forbidden_cp(text_utf8_next(&s), multiline))
			return true;
	return false;
}

static bool
digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool
record_date_valid(const char *s)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, max;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) || !digits(s + 5, 2) ||
	    !digits(s + 8, 2))
		return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1)
		return false;
	max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

bool
record_time_valid(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':' || !digits(s, 2) || !digits(s + 3, 2))
		return false;
	return (s[0] - '0') * 10 + (s[1] - '0') < 24 && (s[3] - '0') * 10 + (s[4] - '0') < 60;
}

/* ---- validation ---- */

static void
add_error(struct cf_field_errors *errs, const struct cf_field_error *base, uint16_t tag, enum cf_field_problem p,
          const char *message)
{
	struct cf_field_error *e;

	if (errs->n >= CF_FIELD_ERRORS_MAX) {
		errs->dropped++;
		return;
	}
	e = &errs->e[errs->n++];
	*e = *base;
	if (e->depth < CF_FIELD_DEPTH_MAX) {
		e->path[e->depth].tag = tag;
		e->path[e->depth].index = CF_NO_INDEX;
		e->depth++;
	}
	e->problem = p;
	e->message = message;
}

void
record_errors_add(struct cf_field_errors *errs, uint16_t tag, enum cf_field_problem problem, const char *message)
{
	struct cf_field_error base;

	memset(&base, 0, sizeof base);
	add_error(errs, &base, tag, problem, message);
}

const struct cf_field_error *
record_errors_find(const struct cf_field_errors *errs, uint16_t tag)
{
	for (size_t i = 0; errs && i < errs->n; i++)
		if (errs->e[i].depth >= 1 && errs->e[i].path[0].tag == tag)
			return &errs->e[i];
	return NULL;
}

static bool
option_value(const struct cf_field *f, int64_t v)
{
	for (size_t i = 0; i < f->n_options; i++)
		if (f->options[i].value == v)
			return true;
	return false;
}

static uint64_t
option_bits(const struct cf_field *f)
{
	uint64_t bits = 0;

	for (size_t i = 0; i < f->n_options; i++)
		bits |= (uint64_t)f->options[i].value;
	return bits;
}

/* The problem of text s in field f, or CF_PROBLEM_NONE. */
static enum cf_field_problem
text_problem(const struct cf_field *f, const char *s)
{
	if (!s || !*s)
		return f->flags & CF_FIELD_REQUIRED ? CF_PROBLEM_REQUIRED : CF_PROBLEM_NONE;
	if (!record_text_utf8_valid(s))
		return CF_PROBLEM_ENCODING;
	if (record_text_has_control(s, f->kind == CF_KIND_LONGTEXT))
		return CF_PROBLEM_CONTROL;
	if (f->max_chars && record_text_chars(s) > f->max_chars)
		return CF_PROBLEM_TOO_LONG;
	if (f->syntax) {
		char out[256]; /* the canonical form: what is stored must already be it */
		bool ok = f->syntax->out_max < sizeof out && f->syntax->normalise(s, out, sizeof out) &&
		          strcmp(out, s) == 0;

		explicit_bzero(out, sizeof out);
		if (!ok)
			return CF_PROBLEM_SYNTAX;
	}
	return CF_PROBLEM_NONE;
}

static void
validate_fields(const struct cf_record_type *t, const void *rec, const char *today, struct cf_field_error *base,
                struct cf_field_errors *errs)
{
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct cf_field *f = &t->fields[i];
		enum cf_field_problem p = CF_PROBLEM_NONE;

		switch (f->kind) {
		case CF_KIND_TEXT:
		case CF_KIND_LONGTEXT:
			p = text_problem(f, *(char *const *)record_member_const(f, rec));
			break;
		case CF_KIND_DATE: {
			const char *d = record_member_const(f, rec);

			if (!memchr(d, '\0', f->size))
				p = CF_PROBLEM_DATE;
			else if (!*d)
				p = f->flags & CF_FIELD_REQUIRED ? CF_PROBLEM_REQUIRED : CF_PROBLEM_NONE;
			else if (!record_date_valid(d))
				p = CF_PROBLEM_DATE;
			else if ((f->flags & CF_FIELD_NOT_FUTURE) && today && strcmp(d, today) > 0)
				p = CF_PROBLEM_FUTURE;
			break;
		}
		case CF_KIND_TIME: {
			const char *d = record_member_const(f, rec);

			if (!memchr(d, '\0', f->size))
				p = CF_PROBLEM_TIME;
			else if (!*d)
				p = f->flags & CF_FIELD_REQUIRED ? CF_PROBLEM_REQUIRED : CF_PROBLEM_NONE;
			else if (!record_time_valid(d))
				p = CF_PROBLEM_TIME;
			break;
		}
		case CF_KIND_ENUM:
			if (!option_value(f, record_get_int(f, rec)))
				p = CF_PROBLEM_OPTION;
			break;
		case CF_KIND_FLAGS:
			if ((uint64_t)record_get_int(f, rec) & ~option_bits(f))
				p = CF_PROBLEM_OPTION;
			break;
		case CF_KIND_INT: {
			int64_t v = record_get_int(f, rec);

			if (v < f->min || v > f->max)
				p = CF_PROBLEM_RANGE;
			else if (v == 0 && (f->flags & CF_FIELD_REQUIRED))
				p = CF_PROBLEM_REQUIRED;
			break;
		}
		case CF_KIND_UTC: {
			int64_t v = record_get_int(f, rec);

			if (v < 0)
				p = CF_PROBLEM_RANGE;
			else if (v == 0 && (f->flags & CF_FIELD_REQUIRED))
				p = CF_PROBLEM_REQUIRED;
			break;
		}
		case CF_KIND_LINK: {
			static const uint8_t zero[CF_UUID_BYTES];

			if ((f->flags & CF_FIELD_REQUIRED) && memcmp(record_member_const(f, rec), zero, sizeof zero) == 0)
				p = CF_PROBLEM_REQUIRED;
			break;
		}
		case CF_KIND_GROUP: {
			size_t n = record_group_count(f, rec);

			if (n > f->max_count) {
				p = CF_PROBLEM_TOO_MANY;
				break;
			}
			if (n == 0 && (f->flags & CF_FIELD_REQUIRED)) {
				p = CF_PROBLEM_REQUIRED;
				break;
			}
			if (base->depth >= CF_FIELD_DEPTH_MAX)
				break;
			for (size_t k = 0; k < n; k++) {
				struct cf_field_error sub = *base;

				sub.path[sub.depth].tag = f->tag;
				sub.path[sub.depth].index = (uint16_t)k;
				sub.depth++;
				validate_fields(f->element, record_group_element_const(f, rec, k), today, &sub, errs);
			}
			break;
		}
		}
		if (p != CF_PROBLEM_NONE)
			add_error(errs, base, f->tag, p, NULL);
	}
}

int
record_validate(const struct cf_record_type *t, const void *rec, const char *today, struct cf_field_errors *errs)
{
	struct cf_field_error base;

	memset(errs, 0, sizeof *errs);
	memset(&base, 0, sizeof base);
	validate_fields(t, rec, today, &base, errs);
	if (errs->n == 0 && t->check)
		t->check(rec, today, errs);
	return errs->n || errs->dropped ? CF_ERR_INVALID : CF_OK;
}

const struct cf_field *
record_error_field(const struct cf_record_type *t, const struct cf_field_error *e)
{
	const struct cf_field *f = NULL;

	for (uint8_t d = 0; d < e->depth && t; d++) {
		f = record_field(t, e->path[d].tag);
		if (!f)
			return NULL;
		t = f->kind == CF_KIND_GROUP ? f->element : NULL;
	}
	return f;
}

size_t
record_problem_text(const struct cf_field_error *e, const struct cf_field *f, char *buf, size_t size)
{
	int n = 0;

	if (size)
		buf[0] = '\0';
	switch (e->problem) {
	case CF_PROBLEM_NONE: break;
	/* TRANSLATORS: validation messages shown under a field of a form or after a row of an import. */
	case CF_PROBLEM_REQUIRED: n = snprintf(buf, size, "%s", _("This is required.")); break;
	case CF_PROBLEM_TOO_LONG:
		n = snprintf(buf, size, P_("At most %zu character.", "At most %zu characters.", f ? f->max_chars : 0),
		             f ? f->max_chars : 0);
		break;
	case CF_PROBLEM_CONTROL:
		n = snprintf(buf, size, "%s",
		             f && f->kind == CF_KIND_TEXT ? _("One line only, without control characters.")
		                                          : _("Control characters are not allowed."));
		break;
	case CF_PROBLEM_ENCODING: n = snprintf(buf, size, "%s", _("The text is not valid UTF-8.")); break;
	case CF_PROBLEM_DATE:
		n = snprintf(buf, size, "%s", _("Not a real date: write it as YYYY-MM-DD, e.g. 2014-07-18."));
		break;
	case CF_PROBLEM_TIME: n = snprintf(buf, size, "%s", _("Not a time: write it as HH:MM, e.g. 14:30.")); break;
	case CF_PROBLEM_FUTURE: n = snprintf(buf, size, "%s", _("The date is in the future.")); break;
	case CF_PROBLEM_SYNTAX:
		n = snprintf(buf, size, "%s", f && f->syntax && f->syntax->error ? _(f->syntax->error)
		                                                                : _("This value is not valid."));
		break;
	case CF_PROBLEM_RANGE:
		if (f && f->kind == CF_KIND_INT)
			n = snprintf(buf, size, _("Give a number from %lld to %lld."), (long long)f->min, (long long)f->max);
		else
			n = snprintf(buf, size, "%s", _("This value is not valid."));
		break;
	case CF_PROBLEM_OPTION: n = snprintf(buf, size, "%s", _("Pick one of the choices.")); break;
	case CF_PROBLEM_TOO_MANY:
		n = snprintf(buf, size, P_("At most %zu entry.", "At most %zu entries.", f ? f->max_count : 0),
		             f ? f->max_count : 0);
		break;
	case CF_PROBLEM_TAKEN:
	case CF_PROBLEM_CONFLICT:
		n = snprintf(buf, size, "%s", e->message ? _(e->message) : _("This value is not valid."));
		break;
	}
	return n > 0 ? (size_t)n : 0;
}

/* ---- codec ---- */

struct writer {
	uint8_t *p;   /* NULL while measuring */
	size_t size, len;
	bool bad;
};

static void
w_bytes(struct writer *w, const void *p, size_t n)
{
	if (w->p) {
		if (w->len + n > w->size) {
			w->bad = true;
			return;
		}
		memcpy(w->p + w->len, p, n);
	}
	w->len += n;
}

static void
w_uvarint(struct writer *w, uint64_t v)
{
	uint8_t b[10];
	size_t n = 0;

	do {
		b[n] = (uint8_t)(v & 0x7F);
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	w_bytes(w, b, n);
}

static uint64_t
zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t
unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static void encode_fields(const struct cf_record_type *t, const void *rec, struct writer *w);

static void
encode_field(const struct cf_field *f, const void *rec, struct writer *w)
{
	const void *m = record_member_const(f, rec);

	switch (f->kind) {
	case CF_KIND_TEXT:
	case CF_KIND_LONGTEXT: {
		const char *s = *(char *const *)m;
		size_t n = s ? strlen(s) : 0;

		if (n == 0)
			return;
		w_uvarint(w, f->tag);
		w_uvarint(w, n);
		w_bytes(w, s, n);
		return;
	}
	case CF_KIND_DATE:
	case CF_KIND_TIME: {
		size_t want = f->kind == CF_KIND_DATE ? 10 : 5;
		const char *s = m;
		size_t n = strnlen(s, f->size);

		if (n == 0)
			return;
		if (n != want) {
			w->bad = true;
			return;
		}
		w_uvarint(w, f->tag);
		w_bytes(w, s, n);
		return;
	}
	case CF_KIND_ENUM:
	case CF_KIND_INT:
	case CF_KIND_UTC: {
		int64_t v = record_get_int(f, rec);

		if (v == 0)
			return;
		w_uvarint(w, f->tag);
		w_uvarint(w, zigzag(v));
		return;
	}
	case CF_KIND_FLAGS: {
		uint64_t v = (uint64_t)record_get_int(f, rec);

		if (v == 0)
			return;
		w_uvarint(w, f->tag);
		w_uvarint(w, v);
		return;
	}
	case CF_KIND_LINK: {
		static const uint8_t zero[CF_UUID_BYTES];

		if (memcmp(m, zero, sizeof zero) == 0)
			return;
		w_uvarint(w, f->tag);
		w_bytes(w, m, CF_UUID_BYTES);
		return;
	}
	case CF_KIND_GROUP: {
		size_t n = record_group_count(f, rec);

		if (n == 0)
			return;
		if (n > f->max_count) {
			w->bad = true;
			return;
		}
		w_uvarint(w, f->tag);
		w_uvarint(w, n);
		for (size_t k = 0; k < n; k++) {
			struct writer m2 = { NULL, 0, 0, false };
			const void *el = record_group_element_const(f, rec, k);

			encode_fields(f->element, el, &m2);
			w_uvarint(w, m2.len);
			encode_fields(f->element, el, w);
			if (m2.bad)
				w->bad = true;
		}
		return;
	}
	}
}

static void
encode_fields(const struct cf_record_type *t, const void *rec, struct writer *w)
{
	for (size_t i = 0; i < t->n_fields && !w->bad; i++)
		if (!(t->fields[i].flags & CF_FIELD_COLUMN))
			encode_field(&t->fields[i], rec, w);
}

size_t
record_encoded_size(const struct cf_record_type *t, const void *rec)
{
	struct writer w = { NULL, 0, 0, false };
	static const uint8_t marker[2] = { MARKER0, WIRE_VERSION };

	w_bytes(&w, marker, sizeof marker);
	encode_fields(t, rec, &w);
	return w.bad ? 0 : w.len;
}

int
record_encode(const struct cf_record_type *t, const void *rec, uint8_t *buf, size_t size, size_t *len)
{
	struct writer w = { buf, size, 0, false };
	static const uint8_t marker[2] = { MARKER0, WIRE_VERSION };

	*len = 0;
	if (!buf)
		return CF_ERR_INVALID;
	w_bytes(&w, marker, sizeof marker);
	encode_fields(t, rec, &w);
	if (w.bad)
		return CF_ERR_INVALID;
	*len = w.len;
	return CF_OK;
}

bool
record_is_encoded(const uint8_t *p, size_t len)
{
	return p && len >= 2 && p[0] == MARKER0 && p[1] == WIRE_VERSION;
}

struct reader {
	const uint8_t *p;
	size_t end, off;
	bool bad;
};

/* Reads a minimal unsigned LEB128; sets bad on truncation, overflow or a non-minimal form. */
static uint64_t
r_uvarint(struct reader *r)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t b;

		if (r->bad || r->off >= r->end) {
			r->bad = true;
			return 0;
		}
		b = r->p[r->off++];
		if (shift == 63 && b > 1) {
			r->bad = true;
			return 0;
		}
		v |= (uint64_t)(b & 0x7F) << shift;
		if (!(b & 0x80)) {
			if (b == 0 && shift > 0) /* a trailing zero group: not minimal */
				r->bad = true;
			return v;
		}
	}
	r->bad = true;
	return 0;
}

static int decode_fields(const struct cf_record_type *t, struct reader *r, size_t end, void *rec,
                         const struct cf_str_alloc *a, int depth);

static int
decode_value(const struct cf_field *f, struct reader *r, void *rec, const struct cf_str_alloc *a, int depth)
{
	void *m = record_member(f, rec);

	switch (f->kind) {
	case CF_KIND_TEXT:
	case CF_KIND_LONGTEXT: {
		uint64_t n = r_uvarint(r);

		if (r->bad || n == 0 || n > r->end - r->off || memchr(r->p + r->off, '\0', (size_t)n))
			return CF_ERR_DAMAGED;
		if (set_text(a, m, (const char *)r->p + r->off, (size_t)n) != CF_OK)
			return CF_ERR_NOMEM;
		r->off += (size_t)n;
		return CF_OK;
	}
	case CF_KIND_DATE:
	case CF_KIND_TIME: {
		size_t want = f->kind == CF_KIND_DATE ? 10 : 5;
		char tmp[11];

		if (f->size < want + 1 || r->end - r->off < want)
			return CF_ERR_DAMAGED;
		memcpy(tmp, r->p + r->off, want);
		tmp[want] = '\0';
		if (!(f->kind == CF_KIND_DATE ? record_date_valid(tmp) : record_time_valid(tmp)))
			return CF_ERR_DAMAGED;
		memset(m, 0, f->size);
		memcpy(m, tmp, want);
		explicit_bzero(tmp, sizeof tmp);
		r->off += want;
		return CF_OK;
	}
	case CF_KIND_ENUM:
	case CF_KIND_INT:
	case CF_KIND_UTC: {
		int64_t v = unzigzag(r_uvarint(r));

		if (r->bad || v == 0 || !fits(v, f->size, false) || (f->kind == CF_KIND_ENUM && !option_value(f, v)))
			return CF_ERR_DAMAGED;
		record_set_int(f, rec, v);
		return CF_OK;
	}
	case CF_KIND_FLAGS: {
		uint64_t v = r_uvarint(r);

		if (r->bad || v == 0 || v > INT64_MAX || !fits((int64_t)v, f->size, true) || (v & ~option_bits(f)))
			return CF_ERR_DAMAGED;
		record_set_int(f, rec, (int64_t)v);
		return CF_OK;
	}
	case CF_KIND_LINK: {
		static const uint8_t zero[CF_UUID_BYTES];

		if (r->end - r->off < CF_UUID_BYTES || memcmp(r->p + r->off, zero, CF_UUID_BYTES) == 0)
			return CF_ERR_DAMAGED;
		memcpy(m, r->p + r->off, CF_UUID_BYTES);
		r->off += CF_UUID_BYTES;
		return CF_OK;
	}
	case CF_KIND_GROUP: {
		uint64_t n = r_uvarint(r);

		if (r->bad || n == 0 || n > f->max_count || depth >= CF_FIELD_DEPTH_MAX)
			return CF_ERR_DAMAGED;
		for (size_t k = 0; k < n; k++) {
			uint64_t len = r_uvarint(r);
			int e;

			if (r->bad || len > r->end - r->off)
				return CF_ERR_DAMAGED;
			set_count(f, rec, k + 1);
			e = decode_fields(f->element, r, r->off + (size_t)len, record_group_element(f, rec, k), a, depth + 1);
			if (e != CF_OK)
				return e;
		}
		return CF_OK;
	}
	}
	return CF_ERR_DAMAGED;
}

/* Fields of t from r->off up to end exactly. */
static int
decode_fields(const struct cf_record_type *t, struct reader *r, size_t end, void *rec, const struct cf_str_alloc *a,
              int depth)
{
	uint64_t last = 0;
	size_t outer_end = r->end;
	int e = CF_OK;

	r->end = end;
	while (r->off < end) {
		uint64_t tag = r_uvarint(r);
		const struct cf_field *f;

		if (r->bad || tag <= last || tag > UINT16_MAX || !(f = record_field(t, (uint16_t)tag)) ||
		    (f->flags & CF_FIELD_COLUMN)) {
			e = CF_ERR_DAMAGED;
			break;
		}
		last = tag;
		e = decode_value(f, r, rec, a, depth);
		if (e != CF_OK)
			break;
	}
	if (e == CF_OK && (r->bad || r->off != end))
		e = CF_ERR_DAMAGED;
	r->end = outer_end;
	return e;
}

int
record_decode(const struct cf_record_type *t, const uint8_t *p, size_t len, const struct cf_str_alloc *alloc,
              void *rec)
{
	struct reader r = { p, len, 2, false };
	int e;

	record_init(t, rec, alloc);
	if (!record_is_encoded(p, len))
		return CF_ERR_DAMAGED;
	e = decode_fields(t, &r, len, rec, alloc, 0);
	if (e != CF_OK)
		record_fini(t, rec);
	return e;
}

/* ---- display ---- */

const char *
record_option_label(const struct cf_field *f, int64_t v)
{
	for (size_t i = 0; i < f->n_options; i++)
		if (f->options[i].value == v)
			return _(f->options[i].label);
	return "";
}

static void format_into(const struct cf_record_type *t, const struct cf_field *f, const void *rec, struct text_buf *b);

/* An element of a group: its fields' texts joined by spaces. */
static void
format_element(const struct cf_record_type *et, const void *el, struct text_buf *b)
{
	bool first = true;

	for (size_t i = 0; i < et->n_fields; i++) {
		size_t before = b->len;

		if (!first)
			text_buf_put(b, " ", 1);
		format_into(et, &et->fields[i], el, b);
		if (b->len == before + (first ? 0 : 1))
			b->len = before; /* nothing written: no separator either */
		else
			first = false;
		if (b->size)
			b->buf[b->len < b->size ? b->len : b->size - 1] = '\0';
	}
}

static void
format_into(const struct cf_record_type *t, const struct cf_field *f, const void *rec, struct text_buf *b)
{
	(void)t;
	if (f->format) {
		size_t room = b->size > b->len ? b->size - b->len : 0;
		size_t n = f->format(rec, room ? b->buf + b->len : NULL, room);

		b->len += n;
		if (b->size)
			b->buf[b->len < b->size ? b->len : b->size - 1] = '\0';
		return;
	}
	switch (f->kind) {
	case CF_KIND_TEXT:
	case CF_KIND_LONGTEXT:
		text_buf_str(b, *(char *const *)record_member_const(f, rec));
		return;
	case CF_KIND_DATE:
	case CF_KIND_TIME: {
		const char *s = record_member_const(f, rec);

		text_buf_put(b, s, strnlen(s, f->size));
		return;
	}
	case CF_KIND_ENUM: {
		int64_t v = record_get_int(f, rec);

		/* 0 is the "absent" choice of an optional enum (sex unknown): shown as nothing */
		if (v != 0 || (f->flags & CF_FIELD_REQUIRED))
			text_buf_str(b, record_option_label(f, v));
		return;
	}
	case CF_KIND_FLAGS: {
		uint64_t v = (uint64_t)record_get_int(f, rec);
		bool first = true;

		for (size_t i = 0; i < f->n_options; i++)
			if (v & (uint64_t)f->options[i].value) {
				if (!first)
					text_buf_str(b, ", ");
				text_buf_str(b, _(f->options[i].label));
				first = false;
			}
		return;
	}
	case CF_KIND_INT: {
		char n[32];

		snprintf(n, sizeof n, "%lld", (long long)record_get_int(f, rec));
		text_buf_str(b, n);
		return;
	}
	case CF_KIND_UTC: {
		time_t v = (time_t)record_get_int(f, rec);
		struct tm tm;
		char s[32];

		if (v > 0 && localtime_r(&v, &tm) && strftime(s, sizeof s, "%Y-%m-%d %H:%M", &tm))
			text_buf_str(b, s);
		return;
	}
	case CF_KIND_LINK:
		return; /* a uuid means nothing to a reader: screens show the linked record */
	case CF_KIND_GROUP: {
		size_t n = record_group_count(f, rec);

		for (size_t k = 0; k < n && k < f->max_count; k++) {
			if (k)
				text_buf_str(b, "; ");
			format_element(f->element, record_group_element_const(f, rec, k), b);
		}
		return;
	}
	}
}

size_t
record_field_format(const struct cf_record_type *t, const struct cf_field *f, const void *rec, char *buf,
                    size_t size)
{
	struct text_buf b = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	if (!f || !rec)
		return 0;
	format_into(t, f, rec, &b);
	return b.len;
}
