/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The in-memory student index: decrypted at load into secure arenas, list order, compact search keys, filters. */
#define _GNU_SOURCE /* qsort_r(): sorting with a context, no file-static pointer */
#include <stdlib.h>
#include <string.h>

#include "carefile/i18n.h"
#include "carefile/io_csv.h"
#include "carefile/pinyin.h"
#include "carefile/text.h"
#include "students-internal.h"

#define NONE ((size_t)-1)
/* Syllables of a name kept for search (pinyin_match() looks at 64 characters). */
#define KEY_SYLLABLES 64

enum cf_error
students_need(struct cf_casefile *cf, enum cf_compartment c)
{
	if (!cf || !casefile_is_unlocked(cf))
		return CF_ERR_LOCKED;
	if (!(casefile_compartments(cf) & CF_COMPARTMENT_BIT(c)))
		return CF_ERR_PERMISSION;
	return CF_OK;
}

void
students_entry_row(const struct students_entry *en, struct cf_row *row)
{
	memset(row, 0, sizeof *row);
	row->id = en->id;
	memcpy(row->uuid, en->uuid, CF_UUID_BYTES);
	row->version = en->version;
	row->created = en->created;
	row->updated = en->updated;
}

/* ---- keys ---- */

static void *
arena_alloc(void *ctx, size_t size)
{
	return crypto_arena_alloc(ctx, size);
}

/* pinyin_sort_key(s) in the arena ("" for NULL input). */
static const char *
sort_key(struct cf_secure_arena *a, const char *s)
{
	size_t n;
	char *buf;

	if (!s)
		s = "";
	n = pinyin_sort_key(s, NULL, 0);
	buf = crypto_arena_alloc(a, n + 1);
	if (buf)
		pinyin_sort_key(s, buf, n + 1);
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
		uint32_t cp = text_utf8_next(&p);

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
				uint32_t c = text_utf8_next(&q);
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

/* Lower-cased ASCII, spaces (ASCII and U+3000) and apostrophes dropped: how queries and keys are compared. */
static size_t
fold(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
		if (*p == ' ' || *p == '\'' || *p == '\t') {
			p++;
			continue;
		}
		if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
			p += 3;
			continue;
		}
		if (n + 1 < size)
			out[n] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		n++;
		p++;
	}
	if (size)
		out[n < size ? n : size - 1] = '\0';
	return n;
}

/* Appends a u8-length-prefixed folded string (cut at 255 bytes on a character boundary). */
static void
key_str(uint8_t *p, size_t *len, const char *a, const char *b)
{
	char buf[520];
	size_t n = fold(a, buf, 256);

	size_t wrote;

	if (b)
		n += fold(b, buf + (n < 256 ? n : 255), 256);
	wrote = n + 1 < sizeof buf ? n + 1 : sizeof buf;
	if (n > 255)
		n = 255;
	buf[n] = '\0';
	while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80)
		n--; /* do not end inside a character */
	p[(*len)++] = (uint8_t)n;
	memcpy(p + *len, buf, n);
	*len += n;
	crypto_wipe(buf, wrote); /* what fold() wrote, not the whole buffer */
}

/* Writes entry k's search keys (with the name's nid syllable ids) at the end of idx->keys. CF_OK or CF_ERR_NOMEM. */
static enum cf_error
entry_search_keys(struct cf_students *idx, size_t k, const uint16_t *ids, size_t nid)
{
	struct students_entry *en = &idx->e[k];
	size_t need = 1 + 2 * nid + 3 * 256, len;

	if (idx->keys_len + need > idx->keys_cap) {
		size_t cap = idx->keys_cap ? idx->keys_cap : 64 * 1024;
		uint8_t *nk;

		while (cap < idx->keys_len + need)
			cap *= 2;
		nk = crypto_secure_alloc(cap);
		if (!nk)
			return CF_ERR_NOMEM;
		if (idx->keys_len)
			memcpy(nk, idx->keys, idx->keys_len);
		crypto_secure_free(idx->keys);
		idx->keys = nk;
		idx->keys_cap = cap;
	}
	len = idx->keys_len;
	en->key_off = (uint32_t)len;
	idx->keys[len++] = (uint8_t)nid;
	for (size_t i = 0; i < nid; i++) {
		idx->keys[len++] = (uint8_t)ids[i];
		idx->keys[len++] = (uint8_t)(ids[i] >> 8);
	}
	key_str(idx->keys, &len, en->s.name, NULL);
	key_str(idx->keys, &len, en->s.student_number, NULL);
	key_str(idx->keys, &len, en->s.grade, en->s.class_name);
	idx->keys_len = len;
	return CF_OK;
}

/* FNV-1a of kind and text. Never 0 (0 marks a free slot). */
static uint64_t
intern_hash(int kind, const char *text)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)kind;

	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h ? h : 1;
}

/*
 * The interned slot of a school (kind 0), grade (1) or class (2) text
 * (NULL counts as ""), added on first sight with its derived key. NULL out
 * of memory.
 */
static const struct students_intern *
intern(struct cf_students *idx, int kind, const char *text)
{
	uint64_t h;
	size_t i;

	if (!text)
		text = "";
	h = intern_hash(kind, text);
	if (idx->intern_n * 2 >= idx->intern_cap) {
		size_t cap = idx->intern_cap ? idx->intern_cap * 2 : 256;
		struct students_intern *t = crypto_secure_alloc(cap * sizeof *t);

		if (!t)
			return NULL;
		for (size_t k = 0; k < idx->intern_cap; k++) {
			const struct students_intern *o = &idx->intern[k];

			if (!o->hash)
				continue;
			for (i = o->hash & (cap - 1); t[i].hash; i = (i + 1) & (cap - 1))
				;
			t[i] = *o;
		}
		crypto_secure_free(idx->intern);
		idx->intern = t;
		idx->intern_cap = cap;
	}
	for (i = h & (idx->intern_cap - 1); idx->intern[i].hash; i = (i + 1) & (idx->intern_cap - 1))
		if (idx->intern[i].hash == h && idx->intern[i].kind == kind && strcmp(idx->intern[i].text, text) == 0)
			return &idx->intern[i];
	{
		struct students_intern *n = &idx->intern[i];
		const char *copy = crypto_arena_strdup(idx->arena, text);

		if (!copy)
			return NULL;
		n->kind = kind;
		n->text = copy;
		n->key = NULL;
		n->num = 0;
		if (kind == 0 && !(n->key = sort_key(idx->arena, text)))
			return NULL;
		if (kind == 1)
			n->num = grade_rank(text);
		if (kind == 2) {
			n->num = first_number(text);
			if (n->num < 0)
				n->num = 1L << 30;
		}
		n->hash = h;
		idx->intern_n++;
		return n;
	}
}

/* Computes the sort and search keys of entry k from its student. */
static enum cf_error
entry_keys(struct cf_students *idx, size_t k)
{
	struct students_entry *en = &idx->e[k];
	const struct cf_student *s = &en->s;
	uint16_t ids[KEY_SYLLABLES];
	size_t nid = 0;
	char key[600];
	size_t kn = pinyin_name_keys(s->name, ids, KEY_SYLLABLES, &nid, key, sizeof key);

	/* the name's sort key and syllable ids in one pass over it */
	if (kn < sizeof key)
		en->name_key = crypto_arena_memdup(idx->arena, key, kn);
	else
		en->name_key = sort_key(idx->arena, s->name);
	crypto_wipe(key, kn < sizeof key ? kn : sizeof key);
	en->name_prefix = 0;
	for (size_t i = 0; i < 8 && en->name_key && en->name_key[i]; i++)
		en->name_prefix |= (uint64_t)(unsigned char)en->name_key[i] << (8 * (7 - i));
	{
		const struct students_intern *sc = intern(idx, 0, s->school);
		const struct students_intern *gr = sc ? intern(idx, 1, s->grade) : NULL;
		const struct students_intern *cl = gr ? intern(idx, 2, s->class_name) : NULL;

		if (!en->name_key || !cl)
			return CF_ERR_NOMEM;
		en->school_key = sc->key;
		en->grade_i = gr->text;
		en->grade_rank = (int)gr->num;
		en->class_i = cl->text;
		en->class_num = cl->num;
	}
	return entry_search_keys(idx, k, ids, nid);
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
	if (en->key_off != STUDENTS_NO_KEYS)
		crypto_wipe(idx->keys + en->key_off, 1); /* the old keys: this entry is found by its new ones */
	return entry_keys(idx, k);
}

/* ---- order ---- */

static int
strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int
cmp_list(const void *pa, const void *pb, void *ctx)
{
	const struct cf_students *idx = ctx;
	const struct students_entry *a = &idx->e[*(const size_t *)pa];
	const struct students_entry *b = &idx->e[*(const size_t *)pb];
	int c;

	/* interned: equal values are the same pointer, so most comparisons never read a string */
	if (a->school_key != b->school_key && (c = strcmp(a->school_key, b->school_key)) != 0)
		return c;
	if (a->grade_rank != b->grade_rank)
		return a->grade_rank < b->grade_rank ? -1 : 1;
	if (a->grade_i != b->grade_i && (c = strcmp(a->grade_i, b->grade_i)) != 0)
		return c;
	if (a->class_num != b->class_num)
		return a->class_num < b->class_num ? -1 : 1;
	if (a->class_i != b->class_i && (c = strcmp(a->class_i, b->class_i)) != 0)
		return c;
	if (a->name_prefix != b->name_prefix)
		return a->name_prefix < b->name_prefix ? -1 : 1;
	if ((c = strcmp(a->name_key, b->name_key)) != 0)
		return c;
	if ((c = strcmp0(a->s.student_number, b->s.student_number)) != 0)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int
cmp_number(const void *pa, const void *pb, void *ctx)
{
	const struct cf_students *idx = ctx;

	return student_number_cmp(idx->e[*(const size_t *)pa].s.student_number,
	                          idx->e[*(const size_t *)pb].s.student_number);
}

static int
cmp_id(const void *pa, const void *pb, void *ctx)
{
	const struct cf_students *idx = ctx;
	int64_t a = idx->e[*(const size_t *)pa].id, b = idx->e[*(const size_t *)pb].id;

	return a < b ? -1 : a > b;
}

enum cf_error
students_resort(struct cf_students *idx)
{
	size_t *o = NULL, *po = NULL, *bi = NULL;
	bool in_order = true;

	if (idx->n) {
		o = malloc(idx->n * sizeof *o);
		po = malloc(idx->n * sizeof *po);
		if (!o || !po) {
			free(o);
			free(po);
			return CF_ERR_NOMEM;
		}
		for (size_t i = 0; i < idx->n; i++) {
			o[i] = i;
			if (i && idx->e[i].id < idx->e[i - 1].id)
				in_order = false;
		}
		qsort_r(o, idx->n, sizeof *o, cmp_list, idx);
		for (size_t i = 0; i < idx->n; i++)
			po[o[i]] = i;
		/* rows are read in id order and new ones get higher ids: usually the entries are their own id index */
		if (!in_order) {
			bi = malloc(idx->n * sizeof *bi);
			if (!bi) {
				free(o);
				free(po);
				return CF_ERR_NOMEM;
			}
			for (size_t i = 0; i < idx->n; i++)
				bi[i] = i;
			qsort_r(bi, idx->n, sizeof *bi, cmp_id, idx);
		}
	}
	free(idx->order);
	free(idx->pos_of);
	free(idx->by_number);
	free(idx->by_id);
	idx->order = o;
	idx->pos_of = po;
	idx->by_number = NULL; /* built when first needed (an edit, an import): opening the list does not */
	idx->by_id = bi;
	idx->n_sorted = idx->n;
	idx->generation++;
	return CF_OK;
}

/* The number index, built on first use after a change. Returns false out of memory. */
static bool
number_index(const struct cf_students *cidx)
{
	struct cf_students *idx = (struct cf_students *)cidx; /* a cache of the index, not a change of it */
	size_t *bn;

	if (idx->by_number)
		return true;
	if (!idx->n_sorted)
		return true;
	bn = malloc(idx->n_sorted * sizeof *bn);
	if (!bn)
		return false;
	for (size_t i = 0; i < idx->n_sorted; i++)
		bn[i] = i;
	qsort_r(bn, idx->n_sorted, sizeof *bn, cmp_number, idx);
	idx->by_number = bn;
	return true;
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
	size_t lo = 0, hi;

	if (!idx)
		return NONE;
	hi = idx->n_sorted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		size_t k = idx->by_id ? idx->by_id[mid] : mid;
		int64_t v = idx->e[k].id;

		if (v == id)
			return k;
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NONE;
}

size_t
students_entry_of_number(const struct cf_students *idx, const char *number)
{
	size_t lo = 0, hi;

	if (!idx || !number || !number_index(idx) || !idx->by_number)
		return NONE;
	hi = idx->n_sorted;
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
	struct cf_students *idx = crypto_secure_alloc(sizeof *idx);

	if (!idx)
		return NULL;
	if (crypto_arena_new(0, &idx->arena) != CF_OK) {
		crypto_secure_free(idx);
		return NULL;
	}
	idx->alloc.alloc = arena_alloc;
	idx->alloc.free = NULL;
	idx->alloc.ctx = idx->arena;
	return idx;
}

static enum cf_error
load_row(const struct cf_row *row, void *rec, void *ctx)
{
	struct cf_students *idx = ctx;
	struct students_entry *en;
	enum cf_error e = students_reserve(idx, 1);

	if (e != CF_OK)
		return e;
	en = &idx->e[idx->n];
	/*
	 * decoded straight into the index arena: the entry takes the struct as
	 * it is (the scratch is secure memory, overwritten by the next row and
	 * wiped when the walk ends); entry_keys() sets every other member
	 */
	memcpy(&en->s, rec, sizeof en->s);
	en->id = row->id;
	en->version = row->version;
	en->created = row->created;
	en->updated = row->updated;
	memcpy(en->uuid, row->uuid, CF_UUID_BYTES);
	idx->n++;
	return entry_keys(idx, idx->n - 1);
}

enum cf_error
students_load(struct cf_casefile *cf, struct cf_students **out)
{
	struct cf_students *idx;
	struct cf_student *tmp;
	int64_t n = 0;
	enum cf_error e;

	*out = NULL;
	e = students_need(cf, CF_COMPARTMENT_IDENTITY);
	if (e != CF_OK)
		return e;
	idx = index_new();
	tmp = crypto_secure_alloc(sizeof *tmp);
	if (!idx || !tmp) {
		students_free(&idx);
		crypto_secure_free(tmp);
		return CF_ERR_NOMEM;
	}
	e = store_row_count(casefile_store(cf), &cf_table_student, NULL, &n);
	if (e == CF_OK && n > 0)
		e = students_reserve(idx, (size_t)n);
	if (e == CF_OK)
		e = casefile_record_foreach(cf, &cf_table_student, NULL, &idx->alloc, tmp, load_row, idx, &idx->damaged);
	crypto_secure_free(tmp);
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
	crypto_secure_free(idx->keys);
	crypto_secure_free(idx->intern);
	crypto_arena_free(&idx->arena);
	free(idx->order);
	free(idx->pos_of);
	free(idx->by_number);
	free(idx->by_id);
	crypto_secure_free(idx);
	*pidx = NULL;
}

size_t
students_damaged(const struct cf_students *idx)
{
	return idx ? idx->damaged : 0;
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

/* Initials or full pinyin of entry i's name from its syllable ids, into the index's scratch. */
static const char *
spell(const struct cf_students *idx, size_t i, bool initials)
{
	const struct students_entry *en = at(idx, i);
	char *out = (char *)idx->scratch;
	size_t n = 0;

	if (!en)
		return "";
	{
		const uint8_t *p = idx->keys + en->key_off;
		size_t nid = p[0];

		for (size_t k = 0; k < nid; k++) {
			size_t len;
			const char *t = pinyin_id_text((uint16_t)(p[1 + 2 * k] | p[2 + 2 * k] << 8), &len);

			if (!t)
				continue;
			if (initials)
				len = 1;
			if (n + len + 1 > sizeof idx->scratch)
				break;
			memcpy(out + n, t, len);
			n += len;
		}
	}
	out[n] = '\0';
	return out;
}

const char *
students_name_initials(const struct cf_students *idx, size_t i)
{
	return spell(idx, i, true);
}

const char *
students_name_pinyin(const struct cf_students *idx, size_t i)
{
	return spell(idx, i, false);
}

enum cf_error
students_find_id(const struct cf_students *idx, int64_t id, size_t *pos)
{
	size_t k = students_entry_of_id(idx, id);

	if (k == NONE)
		return CF_ERR_NOT_FOUND;
	*pos = idx->pos_of[k];
	return CF_OK;
}

enum cf_error
students_find_number(const struct cf_students *idx, const char *number, size_t *pos)
{
	size_t k = students_entry_of_number(idx, number);

	if (k == NONE)
		return CF_ERR_NOT_FOUND;
	*pos = idx->pos_of[k];
	return CF_OK;
}

size_t
students_secure_bytes(const struct cf_students *idx)
{
	if (!idx)
		return 0;
	return crypto_arena_used(idx->arena) + idx->cap * sizeof *idx->e + idx->keys_cap;
}

/* ---- search ---- */

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

/* Substring test of q (qlen bytes) in the u8-length-prefixed key string at p. */
static bool
key_contains(const uint8_t *p, const char *q, size_t qlen)
{
	size_t n = p[0];
	const uint8_t *h = p + 1;

	if (qlen > n)
		return false;
	for (size_t i = 0; i + qlen <= n; i++)
		if (h[i] == (uint8_t)q[0] && memcmp(h + i, q, qlen) == 0)
			return true;
	return false;
}

/* Does entry k match the folded query q (qlen bytes, ascii: only ASCII)? */
static bool
entry_matches(const struct cf_students *idx, size_t k, const char *q, size_t qlen, bool ascii)
{
	const uint8_t *p = idx->keys + idx->e[k].key_off;
	size_t nid = p[0];
	const uint8_t *name = p + 1 + 2 * nid, *number = name + 1 + name[0], *gc = number + 1 + number[0];

	if (key_contains(name, q, qlen) || key_contains(number, q, qlen) || key_contains(gc, q, qlen))
		return true;
	if (!ascii || nid == 0)
		return false;
	{
		uint16_t ids[KEY_SYLLABLES];

		for (size_t i = 0; i < nid; i++)
			ids[i] = (uint16_t)(p[1 + 2 * i] | p[2 + 2 * i] << 8);
		return pinyin_match_ids(ids, nid, q, qlen);
	}
}

struct cf_students_search {
	const struct cf_students *idx;
	uint64_t generation;
	struct cf_students_filter filter;
	char fstr[3][256];          /* the filter's strings, copied */
	char q[256];                /* the last folded query */
	size_t qlen;
	bool valid;
	size_t *cand;               /* entries that matched the last query, storage order */
	size_t ncand, cap;
	uint8_t *bits;              /* positions that match, for the output in list order */
	size_t bits_len;
};

enum cf_error
students_search_new(struct cf_students_search **out)
{
	*out = crypto_secure_alloc(sizeof **out);
	return *out ? CF_OK : CF_ERR_NOMEM;
}

void
students_search_free(struct cf_students_search **s)
{
	if (!s || !*s)
		return;
	free((*s)->cand);
	free((*s)->bits);
	crypto_secure_free(*s);
	*s = NULL;
}

static bool
same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool
same_filter(const struct cf_students_filter *a, const struct cf_students_filter *b)
{
	if (!a || !b)
		return a == b;
	return same_str(a->school, b->school) && same_str(a->grade, b->grade) &&
	       same_str(a->class_name, b->class_name) && a->flags == b->flags && a->status_mask == b->status_mask;
}

/* Keeps a copy of f in s (strings too) for the next comparison. */
static void
remember_filter(struct cf_students_search *s, const struct cf_students_filter *f)
{
	const char *src[3] = { f ? f->school : NULL, f ? f->grade : NULL, f ? f->class_name : NULL };
	const char **dst[3] = { &s->filter.school, &s->filter.grade, &s->filter.class_name };

	memset(&s->filter, 0, sizeof s->filter);
	for (int i = 0; i < 3; i++) {
		*dst[i] = NULL;
		if (src[i] && strlen(src[i]) < sizeof s->fstr[i]) {
			strcpy(s->fstr[i], src[i]);
			*dst[i] = s->fstr[i];
		} else if (src[i]) {
			s->valid = false; /* too long to remember: no narrowing next time */
		}
	}
	s->filter.flags = f ? f->flags : 0;
	s->filter.status_mask = f ? f->status_mask : 0;
}

enum cf_error
students_search_run(struct cf_students_search *s, const struct cf_students *idx, const char *query,
                    const struct cf_students_filter *filter, size_t *out, size_t *n)
{
	char q[256];
	size_t qlen, m = 0;
	bool ascii = true, narrow;
	const struct cf_students_filter *last = s && s->valid ? &s->filter : NULL;

	if (!s || !idx || !out || !n)
		return CF_ERR_INVALID;
	qlen = fold(query, q, sizeof q);
	if (qlen >= sizeof q)
		qlen = sizeof q - 1;
	for (size_t i = 0; i < qlen; i++)
		if ((unsigned char)q[i] >= 0x80)
			ascii = false;
	narrow = s->valid && s->idx == idx && s->generation == idx->generation &&
	         same_filter(last, filter ? filter : &(struct cf_students_filter){ 0 }) && qlen >= s->qlen &&
	         memcmp(q, s->q, s->qlen) == 0;
	if (s->cap < idx->n) {
		size_t *c = realloc(s->cand, idx->n * sizeof *c);

		if (!c)
			return CF_ERR_NOMEM;
		s->cand = c;
		s->cap = idx->n;
	}
	if (s->bits_len < idx->n / 8 + 1) {
		uint8_t *b = realloc(s->bits, idx->n / 8 + 1);

		if (!b)
			return CF_ERR_NOMEM;
		s->bits = b;
		s->bits_len = idx->n / 8 + 1;
	}
	if (narrow) {
		/* only the last matches can match a longer query */
		for (size_t i = 0; i < s->ncand; i++) {
			size_t k = s->cand[i];

			if (qlen == 0 || entry_matches(idx, k, q, qlen, ascii))
				s->cand[m++] = k;
		}
	} else {
		/* every entry, in storage order: the keys are read front to back */
		for (size_t k = 0; k < idx->n; k++)
			if (passes_filter(&idx->e[k], filter) && (qlen == 0 || entry_matches(idx, k, q, qlen, ascii)))
				s->cand[m++] = k;
	}
	s->ncand = m;
	/* the matches in list order: mark their positions, then read the marks in order */
	memset(s->bits, 0, idx->n / 8 + 1);
	for (size_t i = 0; i < m; i++) {
		size_t p = idx->pos_of[s->cand[i]];

		s->bits[p / 8] |= (uint8_t)(1u << (p % 8));
	}
	*n = 0;
	for (size_t p = 0; p < idx->n; p++)
		if (s->bits[p / 8] & (1u << (p % 8)))
			out[(*n)++] = p;
	s->idx = idx;
	s->generation = idx->generation;
	memcpy(s->q, q, qlen + 1);
	s->qlen = qlen;
	s->valid = true;
	remember_filter(s, filter);
	crypto_wipe(q, sizeof q);
	return CF_OK;
}

enum cf_error
students_filter(const struct cf_students *idx, const char *query, const struct cf_students_filter *filter,
                size_t *out, size_t *n)
{
	struct cf_students_search *s = NULL;
	enum cf_error e;

	if (!idx || !out || !n)
		return CF_ERR_INVALID;
	if ((e = students_search_new(&s)) != CF_OK)
		return e;
	e = students_search_run(s, idx, query, filter, out, n);
	students_search_free(&s);
	return e;
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

static void
sb_initial(struct text_buf *b, char c)
{
	char two[2] = { c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c, '.' };

	text_buf_put(b, two, 2);
}

size_t
students_display_initials(const char *name, char *buf, size_t size)
{
	struct text_buf b = { buf, size, 0 };
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
			uint32_t cp = text_utf8_next(&p);

			if (cp == ' ' || cp == 0xB7 || cp == 0x30FB || cp == 0x2022 || cp == '\t')
				continue;
			if (pinyin_syllable(cp) && k < n && k < sizeof ini - 1)
				sb_initial(&b, ini[k++]);
			else
				text_buf_put(&b, "*.", 2);
		}
		crypto_wipe(ini, sizeof ini);
		return b.len;
	}
	/* Latin or mixed: the first letter of each word; Chinese characters count as words */
	p = name;
	while (*p) {
		uint32_t cp = text_utf8_next(&p);

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
				text_buf_put(&b, "*.", 2);
		}
	}
	return b.len;
}

size_t
students_field_format(const struct cf_student *s, enum cf_student_field field, uint32_t flag_mask, char *buf,
                      size_t size)
{
	const struct cf_field *f = NULL;
	struct cf_student masked;

	if (size)
		buf[0] = '\0';
	if (!s)
		return 0;
	for (size_t i = 0; i < cf_student_type.n_fields; i++)
		if ((uint32_t)field == 1u << i)
			f = &cf_student_type.fields[i];
	if (!f)
		return 0;
	if (field == CF_FIELD_SEX && s->sex == CF_SEX_UNKNOWN)
		return 0;
	if (field == CF_FIELD_FLAGS) {
		/* only the flags the caller asks about (an import's columns) */
		memcpy(&masked, s, sizeof masked);
		masked.flags &= flag_mask;
		s = &masked;
	}
	{
		size_t n = record_field_format(&cf_student_type, f, s, buf, size);

		if (s == &masked)
			crypto_wipe(&masked, sizeof masked);
		return n;
	}
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
