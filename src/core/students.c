/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The in-memory student index: decrypt at load into secure memory, list order, search, filters, privacy initials. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carefile/i18n.h"
#include "carefile/pinyin.h"
#include "carefile/io_csv.h"
#include "students-internal.h"

#define NONE ((size_t)-1)

int64_t
students_now(void)
{
	return (int64_t)time(NULL);
}

enum cf_error
students_need(struct cf_casefile *cf, enum cf_compartment c)
{
	if (!cf || !casefile_is_unlocked(cf))
		return CF_ERR_LOCKED;
	if (!(casefile_compartments(cf) & CF_COMPARTMENT_BIT(c)))
		return CF_ERR_PERMISSION;
	return CF_OK;
}

/* ---- keys ---- */

static void *
arena_alloc(void *ctx, size_t size)
{
	return crypto_arena_alloc(ctx, size);
}

/* A pinyin function's result in the arena ("" for NULL input). */
static const char *
arena_key(struct cf_secure_arena *a, size_t (*fn)(const char *, char *, size_t), const char *s)
{
	size_t n;
	char *buf;

	if (!s)
		s = "";
	n = fn(s, NULL, 0);
	buf = crypto_arena_alloc(a, n + 1);
	if (buf)
		fn(s, buf, n + 1);
	return buf;
}

/* Value of a Chinese numeral character (一..十), or -1. cp: code point. */
static int
cn_digit(uint32_t cp)
{
	static const uint32_t d[] = { 0x96F6, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D };

	for (int i = 0; i < 10; i++)
		if (d[i] == cp)
			return i;
	if (cp == 0x3007) /* 〇 */
		return 0;
	return -1;
}

/* Decodes one UTF-8 code point at *pp (advancing it); invalid bytes give U+FFFD and advance one byte. */
static uint32_t
next_cp(const char **pp)
{
	const unsigned char *p = (const unsigned char *)*pp;
	uint32_t cp;
	int n;

	if (p[0] < 0x80) {
		*pp += 1;
		return p[0];
	}
	if ((p[0] & 0xE0) == 0xC0) {
		cp = p[0] & 0x1F;
		n = 1;
	} else if ((p[0] & 0xF0) == 0xE0) {
		cp = p[0] & 0x0F;
		n = 2;
	} else if ((p[0] & 0xF8) == 0xF0) {
		cp = p[0] & 0x07;
		n = 3;
	} else {
		*pp += 1;
		return 0xFFFD;
	}
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*pp += 1;
			return 0xFFFD;
		}
		cp = cp << 6 | (p[i] & 0x3F);
	}
	*pp += n + 1;
	return cp;
}

/*
 * First number in s: ASCII digits, or Chinese numerals with 十 (十 10,
 * 十二 12, 二十 20, 二十三 23). -1 when there is none.
 */
static long
first_number(const char *s)
{
	const char *p = s;

	while (p && *p) {
		const char *at = p;
		uint32_t cp = next_cp(&p);

		if (cp >= '0' && cp <= '9') {
			long v = 0;

			p = at;
			while (*p >= '0' && *p <= '9' && v < 100000000)
				v = v * 10 + (*p++ - '0');
			return v;
		}
		if (cn_digit(cp) >= 0 || cp == 0x5341 /* 十 */) {
			long v = 0, cur = 0;

			p = at;
			for (;;) {
				const char *q = p;
				uint32_t c = next_cp(&q);
				int d = cn_digit(c);

				if (d >= 0) {
					cur = cur * 10 + d;
				} else if (c == 0x5341) {
					v += (cur ? cur : 1) * 10;
					cur = 0;
				} else {
					break;
				}
				p = q;
			}
			return v + cur;
		}
	}
	return -1;
}

/*
 * School-year rank of a grade as schools write it: 一年级..九年级 (and
 * "Grade 3", "3年级") are 1..9, 初一..初三 7..9, 高一..高三 (高中一年级)
 * 10..12. Anything else ranks after them (1000).
 */
static int
grade_rank(const char *g)
{
	long n;
	int base = 0;

	if (!g || !*g)
		return 1000;
	if (strstr(g, "\xE9\xAB\x98")) /* 高 */
		base = 9;
	else if (strstr(g, "\xE5\x88\x9D")) /* 初 */
		base = 6;
	n = first_number(g);
	if (n < 0 || n > 99)
		return 1000;
	return base + (int)n;
}

/* Computes the sort and search keys of entry k from its student. */
static enum cf_error
entry_keys(struct cf_students *idx, size_t k)
{
	struct students_entry *en = &idx->e[k];
	const struct cf_student *s = &en->s;
	size_t gl, cl;
	char *gc;

	en->name_key = arena_key(idx->arena, pinyin_sort_key, s->name);
	en->initials = arena_key(idx->arena, pinyin_initials, s->name);
	en->pinyin = arena_key(idx->arena, pinyin_full, s->name);
	en->school_key = arena_key(idx->arena, pinyin_sort_key, s->school);
	gl = s->grade ? strlen(s->grade) : 0;
	cl = s->class_name ? strlen(s->class_name) : 0;
	gc = crypto_arena_alloc(idx->arena, gl + cl + 1);
	if (gc) {
		if (gl)
			memcpy(gc, s->grade, gl);
		if (cl)
			memcpy(gc + gl, s->class_name, cl);
	}
	en->grade_class = gc;
	if (!en->name_key || !en->initials || !en->pinyin || !en->school_key || !gc)
		return CF_ERR_NOMEM;
	en->grade_rank = grade_rank(s->grade);
	en->class_num = first_number(s->class_name);
	if (en->class_num < 0)
		en->class_num = 1L << 30;
	return CF_OK;
}

enum cf_error
students_entry_set(struct cf_students *idx, size_t k, const struct cf_student *s)
{
	struct students_entry *en = &idx->e[k];
	struct cf_student tmp;

	/* copy first: s may be the entry's own student (an unchanged edit) */
	if (student_copy(&tmp, s, &idx->alloc) != CF_OK)
		return CF_ERR_NOMEM;
	student_fini(&en->s);
	en->s = tmp;
	crypto_wipe(&tmp, sizeof tmp);
	return entry_keys(idx, k);
}

/* ---- order ---- */

static int
strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* qsort has no context argument: the index being sorted (sorting is single-threaded). */
static const struct cf_students *sort_idx;

static int
cmp_list(const void *pa, const void *pb)
{
	const struct students_entry *a = &sort_idx->e[*(const size_t *)pa];
	const struct students_entry *b = &sort_idx->e[*(const size_t *)pb];
	int c;

	if ((c = strcmp(a->school_key, b->school_key)) != 0)
		return c;
	if (a->grade_rank != b->grade_rank)
		return a->grade_rank < b->grade_rank ? -1 : 1;
	if ((c = strcmp0(a->s.grade, b->s.grade)) != 0)
		return c;
	if (a->class_num != b->class_num)
		return a->class_num < b->class_num ? -1 : 1;
	if ((c = strcmp0(a->s.class_name, b->s.class_name)) != 0)
		return c;
	if ((c = strcmp(a->name_key, b->name_key)) != 0)
		return c;
	if ((c = strcmp0(a->s.student_number, b->s.student_number)) != 0)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int
cmp_number(const void *pa, const void *pb)
{
	const struct students_entry *a = &sort_idx->e[*(const size_t *)pa];
	const struct students_entry *b = &sort_idx->e[*(const size_t *)pb];

	return student_number_cmp(a->s.student_number, b->s.student_number);
}

enum cf_error
students_resort(struct cf_students *idx)
{
	size_t *o = NULL, *bn = NULL;

	if (idx->n) {
		o = malloc(idx->n * sizeof *o);
		bn = malloc(idx->n * sizeof *bn);
		if (!o || !bn) {
			free(o);
			free(bn);
			return CF_ERR_NOMEM;
		}
		for (size_t i = 0; i < idx->n; i++)
			o[i] = bn[i] = i;
		sort_idx = idx;
		qsort(o, idx->n, sizeof *o, cmp_list);
		qsort(bn, idx->n, sizeof *bn, cmp_number);
		sort_idx = NULL;
	}
	free(idx->order);
	free(idx->by_number);
	idx->order = o;
	idx->by_number = bn;
	idx->generation++;
	return CF_OK;
}

enum cf_error
students_reserve(struct cf_students *idx, size_t more)
{
	struct students_entry *ne;
	size_t cap;

	if (idx->n + more <= idx->cap)
		return CF_OK;
	cap = idx->cap ? idx->cap : 256;
	while (cap < idx->n + more)
		cap *= 2;
	ne = crypto_secure_alloc(cap * sizeof *ne);
	if (!ne)
		return CF_ERR_NOMEM;
	if (idx->n)
		memcpy(ne, idx->e, idx->n * sizeof *ne);
	crypto_secure_free(idx->e);
	idx->e = ne;
	idx->cap = cap;
	return CF_OK;
}

size_t
students_entry_of_id(const struct cf_students *idx, int64_t id)
{
	for (size_t k = 0; idx && k < idx->n; k++)
		if (idx->e[k].id == id)
			return k;
	return NONE;
}

size_t
students_entry_of_number(const struct cf_students *idx, const char *number)
{
	size_t lo = 0, hi;

	if (!idx || !number || !idx->by_number)
		return NONE;
	hi = idx->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = student_number_cmp(idx->e[idx->by_number[mid]].s.student_number, number);

		if (c == 0)
			return idx->by_number[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

/* ---- load / free ---- */

static struct cf_students *
index_new(void)
{
	struct cf_students *idx = calloc(1, sizeof *idx);

	if (!idx)
		return NULL;
	if (crypto_arena_new(0, &idx->arena) != CF_OK) {
		free(idx);
		return NULL;
	}
	idx->alloc.alloc = arena_alloc;
	idx->alloc.free = NULL;
	idx->alloc.ctx = idx->arena;
	return idx;
}

struct load_ctx {
	struct cf_casefile *cf;
	struct cf_students *idx;
};

static enum cf_error
load_row(const struct cf_store_record *r, void *p)
{
	struct load_ctx *c = p;
	struct cf_students *idx = c->idx;
	struct cf_student s;
	char *plain = NULL;
	size_t len = 0;
	enum cf_error e;

	if (r->compartment != CF_COMPARTMENT_IDENTITY)
		return CF_ERR_DAMAGED;
	e = casefile_record_open(c->cf, CF_COMPARTMENT_IDENTITY, STUDENTS_TABLE, RECORD_COLUMN, r->uuid, r->data,
	                         r->data_len, &plain, &len);
	if (e != CF_OK)
		return e;
	e = students_reserve(idx, 1);
	if (e == CF_OK) {
		struct students_entry *en = &idx->e[idx->n];

		memset(en, 0, sizeof *en);
		/* decoded straight into the arena; the entry keeps this copy */
		e = student_record_decode((const uint8_t *)plain, len, &idx->alloc, &s);
		if (e == CF_OK && (int)s.status != r->status)
			e = CF_ERR_DAMAGED; /* the plaintext status column must agree with the sealed one */
		if (e == CF_OK) {
			en->s = s;
			en->id = r->id;
			en->created = r->created;
			en->updated = r->updated;
			memcpy(en->uuid, r->uuid, CF_UUID_BYTES);
			idx->n++;
			e = entry_keys(idx, idx->n - 1);
		}
		crypto_wipe(&s, sizeof s);
	}
	crypto_secure_free(plain);
	return e;
}

enum cf_error
students_load(struct cf_casefile *cf, struct cf_students **out)
{
	struct cf_students *idx;
	struct load_ctx c;
	int64_t n = 0;
	enum cf_error e;

	*out = NULL;
	e = students_need(cf, CF_COMPARTMENT_IDENTITY);
	if (e != CF_OK)
		return e;
	idx = index_new();
	if (!idx)
		return CF_ERR_NOMEM;
	e = store_record_count(casefile_store(cf), CF_TABLE_STUDENT, &n);
	if (e == CF_OK && n > 0)
		e = students_reserve(idx, (size_t)n);
	c.cf = cf;
	c.idx = idx;
	if (e == CF_OK)
		e = store_record_foreach(casefile_store(cf), CF_TABLE_STUDENT, load_row, &c);
	if (e == CF_OK)
		e = students_resort(idx);
	if (e != CF_OK) {
		students_free(&idx);
		return e;
	}
	*out = idx;
	return CF_OK;
}

void
students_free(struct cf_students **pidx)
{
	struct cf_students *idx;

	if (!pidx || !*pidx)
		return;
	idx = *pidx;
	/* the strings are in the arena: freeing it wipes them all */
	crypto_secure_free(idx->e);
	crypto_arena_free(&idx->arena);
	free(idx->order);
	free(idx->by_number);
	free(idx);
	*pidx = NULL;
}

/* ---- accessors ---- */

static const struct students_entry *
at(const struct cf_students *idx, size_t i)
{
	if (!idx || i >= idx->n)
		return NULL;
	return &idx->e[idx->order[i]];
}

size_t
students_count(const struct cf_students *idx)
{
	return idx ? idx->n : 0;
}

const struct cf_student *
students_get(const struct cf_students *idx, size_t i)
{
	const struct students_entry *en = at(idx, i);

	return en ? &en->s : NULL;
}

int64_t
students_id(const struct cf_students *idx, size_t i)
{
	const struct students_entry *en = at(idx, i);

	return en ? en->id : 0;
}

const uint8_t *
students_uuid(const struct cf_students *idx, size_t i)
{
	const struct students_entry *en = at(idx, i);

	return en ? en->uuid : NULL;
}

enum cf_student_status
students_status(const struct cf_students *idx, size_t i)
{
	const struct students_entry *en = at(idx, i);

	return en ? en->s.status : CF_STUDENT_ACTIVE;
}

int64_t
students_created(const struct cf_students *idx, size_t i)
{
	const struct students_entry *en = at(idx, i);

	return en ? en->created : 0;
}

int64_t
students_updated(const struct cf_students *idx, size_t i)
{
	const struct students_entry *en = at(idx, i);

	return en ? en->updated : 0;
}

const char *
students_name_initials(const struct cf_students *idx, size_t i)
{
	const struct students_entry *en = at(idx, i);

	return en && en->initials ? en->initials : "";
}

const char *
students_name_pinyin(const struct cf_students *idx, size_t i)
{
	const struct students_entry *en = at(idx, i);

	return en && en->pinyin ? en->pinyin : "";
}

/* Position in list order of entry k. */
static size_t
position_of(const struct cf_students *idx, size_t k)
{
	for (size_t i = 0; i < idx->n; i++)
		if (idx->order[i] == k)
			return i;
	return NONE;
}

enum cf_error
students_find_id(const struct cf_students *idx, int64_t id, size_t *pos)
{
	size_t k = students_entry_of_id(idx, id);

	if (k == NONE)
		return CF_ERR_NOT_FOUND;
	*pos = position_of(idx, k);
	return CF_OK;
}

enum cf_error
students_find_number(const struct cf_students *idx, const char *number, size_t *pos)
{
	size_t k = students_entry_of_number(idx, number);

	if (k == NONE)
		return CF_ERR_NOT_FOUND;
	*pos = position_of(idx, k);
	return CF_OK;
}

size_t
students_secure_bytes(const struct cf_students *idx)
{
	if (!idx)
		return 0;
	return crypto_arena_used(idx->arena) + idx->cap * sizeof *idx->e;
}

/* ---- search ---- */

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive (ASCII) substring test of needle (nlen bytes) in hay. */
static int
contains_ci(const char *hay, const char *needle, size_t nlen)
{
	if (!hay)
		return 0;
	for (; *hay; hay++) {
		size_t i = 0;

		while (i < nlen && hay[i] && lower(hay[i]) == lower(needle[i]))
			i++;
		if (i == nlen)
			return 1;
	}
	return 0;
}

static int
passes_filter(const struct students_entry *en, const struct cf_students_filter *f)
{
	uint32_t mask = f && f->status_mask ? f->status_mask
	                                    : CF_STUDENTS_STATUS_ALL & ~((1u << CF_STUDENT_TRANSFERRED) |
	                                                                 (1u << CF_STUDENT_GRADUATED));

	if (!(mask & (1u << en->s.status)))
		return 0;
	if (!f)
		return 1;
	if (f->school && strcmp0(en->s.school, f->school) != 0)
		return 0;
	if (f->grade && strcmp0(en->s.grade, f->grade) != 0)
		return 0;
	if (f->class_name && strcmp0(en->s.class_name, f->class_name) != 0)
		return 0;
	if ((en->s.flags & f->flags) != f->flags)
		return 0;
	return 1;
}

enum cf_error
students_filter(const struct cf_students *idx, const char *query, const struct cf_students_filter *filter,
                size_t *out, size_t *n)
{
	const char *q = query ? query : "";
	size_t qlen, m = 0;

	if (!idx || !out || !n)
		return CF_ERR_INVALID;
	while (*q == ' ')
		q++;
	qlen = strlen(q);
	while (qlen && q[qlen - 1] == ' ')
		qlen--;
	for (size_t i = 0; i < idx->n; i++) {
		const struct students_entry *en = &idx->e[idx->order[i]];

		if (!passes_filter(en, filter))
			continue;
		if (qlen && !contains_ci(en->s.student_number, q, qlen) && !contains_ci(en->grade_class, q, qlen) &&
		    !pinyin_match(en->s.name ? en->s.name : "", q))
			continue;
		out[m++] = i;
	}
	*n = m;
	return CF_OK;
}

enum cf_error
students_distinct(const struct cf_students *idx, enum cf_students_key key, const char *school, const char *grade,
                  const char ***values, size_t *n)
{
	const char **v = NULL;
	size_t m = 0;

	if (!idx || !values || !n || (unsigned)key > CF_STUDENTS_KEY_CLASS)
		return CF_ERR_INVALID;
	*values = NULL;
	*n = 0;
	for (size_t i = 0; i < idx->n; i++) {
		const struct students_entry *en = &idx->e[idx->order[i]];
		const char *s = key == CF_STUDENTS_KEY_SCHOOL ? en->s.school
		                : key == CF_STUDENTS_KEY_GRADE ? en->s.grade : en->s.class_name;
		size_t j;

		if (!s || !*s || (school && strcmp0(en->s.school, school) != 0) ||
		    (grade && strcmp0(en->s.grade, grade) != 0))
			continue;
		for (j = 0; j < m; j++)
			if (strcmp(v[j], s) == 0)
				break;
		if (j < m)
			continue;
		if (!v || (m & (m - 1)) == 0) { /* grow at powers of two */
			const char **nv = realloc(v, (m ? m * 2 : 8) * sizeof *nv);

			if (!nv) {
				free(v);
				return CF_ERR_NOMEM;
			}
			v = nv;
		}
		v[m++] = s;
	}
	/* classes of several grades come out in list order, 1班 of one grade after 4班 of the one before */
	if (key == CF_STUDENTS_KEY_CLASS && m > 1) {
		for (size_t a = 1; a < m; a++) { /* insertion sort by number: a few dozen values */
			const char *x = v[a];
			long xn = first_number(x);
			size_t b = a;

			while (b > 0) {
				long yn = first_number(v[b - 1]);

				if (yn < xn || (yn == xn && strcmp(v[b - 1], x) <= 0))
					break;
				v[b] = v[b - 1];
				b--;
			}
			v[b] = x;
		}
	}
	if (m == 0) {
		free(v);
		v = NULL;
	}
	*values = v;
	*n = m;
	return CF_OK;
}

/* ---- display ---- */

struct sbuf {
	char *buf;
	size_t size, len;
};

static void
sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->len < b->size) {
		size_t room = b->size - 1 - b->len;

		memcpy(b->buf + b->len, s, n < room ? n : room);
	}
	b->len += n;
	if (b->size)
		b->buf[b->len < b->size ? b->len : b->size - 1] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	if (s)
		sb_put(b, s, strlen(s));
}

static void
sb_initial(struct sbuf *b, char c)
{
	char two[2] = { c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c, '.' };

	sb_put(b, two, 2);
}

size_t
students_display_initials(const char *name, char *buf, size_t size)
{
	struct sbuf b = { buf, size, 0 };
	const char *p;
	int ascii = 0;

	if (size)
		buf[0] = '\0';
	if (!name || !*name)
		return 0;
	for (p = name; *p; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
			ascii = 1;
	if (!ascii) {
		/*
		 * Chinese: one initial per character, taken from pinyin_initials()
		 * so the surname readings of pinyin.h apply (曾 Z, 单 S); it gives
		 * one letter per character that has a reading, in order.
		 */
		char ini[65];
		size_t n = pinyin_initials(name, ini, sizeof ini), k = 0;

		for (p = name; *p;) {
			uint32_t cp = next_cp(&p);

			if (cp == ' ' || cp == 0xB7 || cp == 0x30FB || cp == 0x2022 || cp == '\t')
				continue;
			if (pinyin_syllable(cp) && k < n && k < sizeof ini - 1)
				sb_initial(&b, ini[k++]);
			else
				sb_put(&b, "*.", 2);
		}
		crypto_wipe(ini, sizeof ini);
		return b.len;
	}
	/* Latin or mixed: the first letter of each word; Chinese characters count as words */
	p = name;
	while (*p) {
		uint32_t cp = next_cp(&p);

		if (cp == ' ' || cp == '-' || cp == '.' || cp == 0xB7 || cp == 0x30FB || cp == '\t')
			continue;
		if (cp < 0x80) {
			sb_initial(&b, (char)cp);
			while (*p && *p != ' ' && *p != '-' && *p != '.' && (unsigned char)*p < 0x80)
				p++;
		} else {
			const char *syl = pinyin_syllable(cp);

			if (syl)
				sb_initial(&b, syl[0]);
			else
				sb_put(&b, "*.", 2);
		}
	}
	return b.len;
}

static void
sb_flags(struct sbuf *b, uint32_t flags)
{
	int first = 1;

	for (int i = 0; i < CF_STUDENT_FLAG_COUNT; i++) {
		if (!(flags & (1u << i)))
			continue;
		if (!first)
			sb_str(b, ", ");
		sb_str(b, student_flag_label((enum cf_student_flag)(1u << i)));
		first = 0;
	}
}

size_t
students_field_format(const struct cf_student *s, enum cf_student_field field, uint32_t flag_mask, char *buf,
                      size_t size)
{
	struct sbuf b = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	if (!s)
		return 0;
	switch (field) {
	case CF_FIELD_STUDENT_NUMBER: sb_str(&b, s->student_number); break;
	case CF_FIELD_NAME: sb_str(&b, s->name); break;
	case CF_FIELD_SEX: sb_str(&b, s->sex == CF_SEX_UNKNOWN ? "" : student_sex_label(s->sex)); break;
	case CF_FIELD_BIRTH_DATE: sb_str(&b, s->birth_date); break;
	case CF_FIELD_ETHNICITY: sb_str(&b, s->ethnicity); break;
	case CF_FIELD_SCHOOL: sb_str(&b, s->school); break;
	case CF_FIELD_GRADE: sb_str(&b, s->grade); break;
	case CF_FIELD_CLASS: sb_str(&b, s->class_name); break;
	case CF_FIELD_ADDRESS: sb_str(&b, s->address); break;
	case CF_FIELD_REMARKS: sb_str(&b, s->remarks); break;
	case CF_FIELD_STATUS: sb_str(&b, student_status_label(s->status)); break;
	case CF_FIELD_FLAGS: sb_flags(&b, s->flags & flag_mask); break;
	case CF_FIELD_GUARDIANS:
		for (size_t g = 0; g < s->n_guardians; g++) {
			const struct cf_guardian *gd = &s->guardians[g];

			if (g)
				sb_str(&b, "; ");
			sb_str(&b, gd->name);
			if (gd->relation) {
				sb_str(&b, " (");
				sb_str(&b, gd->relation);
				sb_str(&b, ")");
			}
			for (size_t p = 0; p < gd->n_phones; p++) {
				sb_str(&b, p ? "/" : " ");
				sb_str(&b, gd->phones[p]);
			}
		}
		break;
	}
	return b.len;
}

/* ---- export ---- */

enum cf_error
students_export_csv(const struct cf_students *idx, FILE *fp, size_t *n)
{
	enum cf_error e;

	if (n)
		*n = 0;
	if (!idx || !fp)
		return CF_ERR_INVALID;
	e = (enum cf_error)io_csv_write_students_header(fp);
	for (size_t i = 0; e == CF_OK && i < idx->n; i++) {
		e = (enum cf_error)io_csv_write_student(fp, &idx->e[idx->order[i]].s);
		if (e == CF_OK && n)
			(*n)++;
	}
	return e;
}
