/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Pinyin of names from the generated Unihan table, with surname overrides; sort keys and search matching. */
#include <stdlib.h>
#include <string.h>

#include "carefile/pinyin.h"
#include "carefile/text.h"
#include "pinyin-table.h"

/* Most characters of a name looked at by pinyin_match(). */
#define MATCH_MAX 64

/* Index of cp's syllable in pinyin_syllables (0: none). */
static uint16_t
syllable_index(uint32_t cp)
{
	size_t lo = 0, hi = pinyin_block_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pinyin_block *b = &pinyin_blocks[mid];
		if (cp < b->first)
			hi = mid;
		else if (cp > b->last)
			lo = mid + 1;
		else
			return pinyin_index[b->offset + (cp - b->first)];
	}
	return 0;
}

const char *
pinyin_syllable(uint32_t cp)
{
	uint16_t i = syllable_index(cp);

	return i ? pinyin_syllables[i] : NULL;
}

/* Surname readings (first character of a name) that differ from the first kMandarin reading. */
static const struct {
	uint32_t cp;
	const char *syl;
} surname1[] = {
	{ 0x66FE, "zeng" }, /* 曾 */
	{ 0x5355, "shan" }, /* 单 */
	{ 0x89E3, "xie" },  /* 解 */
	{ 0x4EC7, "qiu" },  /* 仇 */
	{ 0x533A, "ou" },   /* 区 */
	{ 0x67E5, "zha" },  /* 查 */
	{ 0x6734, "piao" }, /* 朴 */
	{ 0x76D6, "ge" },   /* 盖 */
	{ 0x8983, "qin" },  /* 覃 */
	{ 0x4E50, "yue" },  /* 乐 */
	{ 0x7F2A, "miao" }, /* 缪 */
	{ 0x7FDF, "zhai" }, /* 翟 */
	{ 0x5C09, "wei" },  /* 尉 (alone; 尉迟 below) */
};

static const struct {
	uint32_t cp1, cp2;
	const char *syl1, *syl2;
} surname2[] = {
	{ 0x5C09, 0x8FDF, "yu", "chi" },    /* 尉迟 */
	{ 0x4E07, 0x4FDF, "mo", "qi" },     /* 万俟 */
	{ 0x957F, 0x5B59, "zhang", "sun" }, /* 长孙 */
};

/* Readings inside names that differ from the first kMandarin reading (not for the surname position). */
static const struct {
	uint32_t cp;
	const char *syl;
} given[] = {
	{ 0x957F, "chang" }, /* 长: 长江, 长青 */
};


/* One unit of a name: a syllable (ASCII, lower case), or none (skipped / no reading). */
struct unit {
	const char *syl;   /* NULL: no reading */
	size_t len;
	uint16_t id;       /* its index in pinyin_syllables, when it came from the table (0: an override or ASCII) */
	char letter[2];    /* storage for ASCII letters and digits */
	uint32_t cp;
	const char *raw; /* the character's bytes in the name */
	size_t raw_len;
};

static bool
is_alnum(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Iterator over the units of a name, applying surname overrides. Calls fn for
 * every character; the caller decides what to do with ones without reading.
 */
struct name_iter {
	const char *p;
	size_t index;            /* characters produced so far */
	const char *pending;     /* second syllable of a compound surname */
};

static void
iter_init(struct name_iter *it, const char *name)
{
	it->p = name;
	it->index = 0;
	it->pending = NULL;
}

static bool
iter_next(struct name_iter *it, struct unit *u)
{
	if (!*it->p)
		return false;
	const char *start = it->p;
	uint32_t c = text_utf8_next(&it->p);
	u->cp = c;
	u->raw = start;
	u->raw_len = (size_t)(it->p - start);
	u->syl = NULL;
	u->id = 0;
	if (it->pending) {
		u->syl = it->pending;
		it->pending = NULL;
	} else if (is_alnum(c)) {
		u->letter[0] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		u->letter[1] = '\0';
		u->syl = u->letter;
	} else if (it->index == 0) {
		const char *q = it->p;
		uint32_t c2 = *q ? text_utf8_next(&q) : 0;
		for (size_t i = 0; i < sizeof(surname2) / sizeof(surname2[0]) && !u->syl; i++)
			if (surname2[i].cp1 == c && surname2[i].cp2 == c2) {
				u->syl = surname2[i].syl1;
				it->pending = surname2[i].syl2;
			}
		for (size_t i = 0; i < sizeof(surname1) / sizeof(surname1[0]) && !u->syl; i++)
			if (surname1[i].cp == c)
				u->syl = surname1[i].syl;
	}
	if (!u->syl && it->index > 0)
		for (size_t i = 0; i < sizeof(given) / sizeof(given[0]); i++)
			if (given[i].cp == c)
				u->syl = given[i].syl;
	if (!u->syl && c >= 0x80) {
		u->id = syllable_index(c);
		u->syl = u->id ? pinyin_syllables[u->id] : NULL;
	}
	u->len = u->syl ? strlen(u->syl) : 0;
	it->index++;
	return true;
}

/* snprintf-like appender. */
struct out {
	char *buf;
	size_t size, len;
};

static void
put(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (o->len + 1 < o->size)
			o->buf[o->len] = s[i];
		o->len++;
	}
}

static size_t
finish(struct out *o)
{
	if (o->size > 0)
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
	return o->len;
}

size_t
pinyin_full(const char *name, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	struct name_iter it;
	struct unit u;
	iter_init(&it, name);
	while (iter_next(&it, &u))
		if (u.syl)
			put(&o, u.syl, u.len);
	return finish(&o);
}

size_t
pinyin_initials(const char *name, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	struct name_iter it;
	struct unit u;
	iter_init(&it, name);
	while (iter_next(&it, &u))
		if (u.syl)
			put(&o, u.syl, 1);
	return finish(&o);
}

static uint16_t syllable_id(const char *syl, size_t len);

/* The sort key of name into o and, when ids is not NULL, its syllable ids (at most max) into ids / *n. */
static void
sort_key_and_ids(const char *name, struct out *o, uint16_t *ids, size_t max, size_t *n)
{
	struct name_iter it;
	struct unit u;
	bool in_word = false; /* inside a run of ASCII letters/digits: one unit, "zoe" after "zeng" */

	if (n)
		*n = 0;
	iter_init(&it, name);
	while (iter_next(&it, &u)) {
		if (ids && u.syl && *n < max) {
			uint16_t id = u.syl == u.letter ? (uint16_t)(PINYIN_ID_ASCII | (unsigned char)u.letter[0])
			              : u.id ? u.id : syllable_id(u.syl, u.len);

			if (id)
				ids[(*n)++] = id;
		}
		if (u.syl && u.cp < 0x80) {
			put(o, u.syl, u.len);
			in_word = true;
			continue;
		}
		if (in_word)
			put(o, "\x01", 1);
		in_word = false;
		if (u.syl) {
			put(o, u.syl, u.len);
		} else if (u.cp == ' ' || u.cp == 0x3000 || u.cp == 0xB7 || u.cp == 0x30FB || u.cp == '.') {
			continue; /* separators in names: 阿依古丽·买买提 */
		} else {
			put(o, "~", 1);
			put(o, u.raw, u.raw_len);
		}
		put(o, "\x01", 1);
	}
	if (in_word)
		put(o, "\x01", 1);
	put(o, "\x02", 1);
	put(o, name, strlen(name));
}

size_t
pinyin_sort_key(const char *name, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	sort_key_and_ids(name, &o, NULL, 0, NULL);
	return finish(&o);
}

size_t
pinyin_name_keys(const char *name, uint16_t *ids, size_t max, size_t *n, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	sort_key_and_ids(name ? name : "", &o, ids, max, n);
	return finish(&o);
}

int
pinyin_compare(const char *a, const char *b)
{
	char ka[2200], kb[2200];
	char ta[257], tb[257];
	size_t la = strlen(a), lb = strlen(b);
	/* Keys of at most 256 bytes of name fit: 8 * 256 + 3 < 2200. */
	if (la > 256) {
		memcpy(ta, a, 256);
		ta[256] = '\0';
		a = ta;
	}
	if (lb > 256) {
		memcpy(tb, b, 256);
		tb[256] = '\0';
		b = tb;
	}
	pinyin_sort_key(a, ka, sizeof(ka));
	pinyin_sort_key(b, kb, sizeof(kb));
	int r = strcmp(ka, kb);
	if (r == 0 && (la > 256 || lb > 256))
		r = strcmp(a, b);
	return r;
}

/* ---- matching ---- */

struct matcher {
	const char *syl[MATCH_MAX];
	size_t len[MATCH_MAX];
	char letters[MATCH_MAX][2]; /* storage for one-letter ASCII units */
	size_t n;
	const char *q;
	size_t qlen;
	uint64_t failed[MATCH_MAX + 1]; /* failed[i] bit j: (unit i, query position j) known not to match */
};

static bool
dfs(struct matcher *m, size_t i, size_t qpos)
{
	if (qpos == m->qlen)
		return true;
	if (i >= m->n || qpos >= 64)
		return false;
	if (m->failed[i] & ((uint64_t)1 << qpos))
		return false;
	const char *s = m->syl[i];
	size_t sl = m->len[i];
	if (s) {
		size_t maxl = sl < m->qlen - qpos ? sl : m->qlen - qpos;
		for (size_t l = maxl; l >= 1; l--) {
			if (memcmp(s, m->q + qpos, l) != 0)
				continue;
			if (qpos + l == m->qlen || dfs(m, i + 1, qpos + l))
				return true;
		}
	}
	m->failed[i] |= (uint64_t)1 << qpos;
	return false;
}

static char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive substring search. */
static bool
contains_ci(const char *hay, const char *needle, size_t nlen)
{
	for (const char *h = hay; *h; h++) {
		size_t i = 0;
		while (i < nlen && h[i] && lower(h[i]) == needle[i])
			i++;
		if (i == nlen)
			return true;
	}
	return false;
}

bool
pinyin_match(const char *name, const char *query)
{
	/* The query as typed (lower case) inside the name: "O'Brien", "张 三". */
	char raw[4 * MATCH_MAX + 1];
	size_t rl = 0;
	for (const char *p = query; *p && rl < sizeof(raw) - 1; p++)
		raw[rl++] = lower(*p);
	raw[rl] = '\0';
	if (rl > 0 && contains_ci(name, raw, rl))
		return true;

	char q[MATCH_MAX + 1];
	size_t ql = 0;
	bool ascii = true;
	for (const char *p = query; *p && ql < MATCH_MAX; p++) {
		if (*p == ' ' || *p == '\'')
			continue;
		if ((unsigned char)*p >= 0x80)
			ascii = false;
		q[ql++] = lower(*p);
	}
	q[ql] = '\0';
	if (ql == 0)
		return true;
	if (contains_ci(name, q, ql))
		return true;
	if (!ascii)
		return false;

	struct matcher m;
	m.n = 0;
	m.q = q;
	m.qlen = ql;
	struct name_iter it;
	struct unit u;
	iter_init(&it, name);
	while (m.n < MATCH_MAX && iter_next(&it, &u)) {
		if (!u.syl)
			continue; /* separators and characters without reading */
		if (u.syl == u.letter) {
			memcpy(m.letters[m.n], u.letter, 2);
			m.syl[m.n] = m.letters[m.n];
		} else {
			m.syl[m.n] = u.syl;
		}
		m.len[m.n] = u.len;
		m.n++;
	}
	memset(m.failed, 0, sizeof(m.failed));
	for (size_t i = 0; i < m.n; i++)
		if (dfs(&m, i, 0))
			return true;
	return false;
}

/* ---- precomputed syllable ids, for matching many names per keystroke ---- */

/* One-letter "syllables" of ASCII letters and digits, indexed by the character. */
static const char ascii_units[128][2] = {
	['0'] = "0", ['1'] = "1", ['2'] = "2", ['3'] = "3", ['4'] = "4", ['5'] = "5", ['6'] = "6", ['7'] = "7",
	['8'] = "8", ['9'] = "9", ['a'] = "a", ['b'] = "b", ['c'] = "c", ['d'] = "d", ['e'] = "e", ['f'] = "f",
	['g'] = "g", ['h'] = "h", ['i'] = "i", ['j'] = "j", ['k'] = "k", ['l'] = "l", ['m'] = "m", ['n'] = "n",
	['o'] = "o", ['p'] = "p", ['q'] = "q", ['r'] = "r", ['s'] = "s", ['t'] = "t", ['u'] = "u", ['v'] = "v",
	['w'] = "w", ['x'] = "x", ['y'] = "y", ['z'] = "z",
};

/* Id of a syllable of the table (binary search: the table is sorted), or 0. For the few override readings. */
static uint16_t
syllable_id(const char *syl, size_t len)
{
	size_t lo = 1, hi = pinyin_syllable_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(pinyin_syllables[mid], syl, len);

		if (c == 0 && pinyin_syllables[mid][len] != '\0')
			c = 1;
		if (c == 0)
			return (uint16_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

size_t
pinyin_ids(const char *name, uint16_t *ids, size_t max)
{
	struct name_iter it;
	struct unit u;
	size_t n = 0;

	iter_init(&it, name ? name : "");
	while (n < max && iter_next(&it, &u)) {
		uint16_t id;

		if (!u.syl)
			continue;
		if (u.syl == u.letter)
			id = (uint16_t)(PINYIN_ID_ASCII | (unsigned char)u.letter[0]);
		else
			id = u.id ? u.id : syllable_id(u.syl, u.len);
		if (id)
			ids[n++] = id;
	}
	return n;
}

const char *
pinyin_id_text(uint16_t id, size_t *len)
{
	const char *t = NULL;

	if (id & PINYIN_ID_ASCII) {
		unsigned c = id & 0x7F;

		t = ascii_units[c][0] ? ascii_units[c] : NULL;
	} else if (id > 0 && id < pinyin_syllable_count) {
		t = pinyin_syllables[id];
	}
	if (len)
		*len = t ? strlen(t) : 0;
	return t;
}

struct id_matcher {
	const uint16_t *ids;
	size_t n;
	const char *q;
	size_t qlen;
	uint64_t failed[MATCH_MAX + 1];
};

static bool
dfs_ids(struct id_matcher *m, size_t i, size_t qpos)
{
	const char *s;
	size_t sl, maxl;

	if (qpos == m->qlen)
		return true;
	if (i >= m->n || qpos >= 64)
		return false;
	if (m->failed[i] & ((uint64_t)1 << qpos))
		return false;
	s = pinyin_id_text(m->ids[i], &sl);
	if (s) {
		maxl = sl < m->qlen - qpos ? sl : m->qlen - qpos;
		/* each following character consumes its whole syllable or a non-empty prefix of it */
		for (size_t l = maxl; l >= 1; l--) {
			if (memcmp(s, m->q + qpos, l) != 0)
				continue;
			if (qpos + l == m->qlen || dfs_ids(m, i + 1, qpos + l))
				return true;
		}
	}
	m->failed[i] |= (uint64_t)1 << qpos;
	return false;
}

bool
pinyin_match_ids(const uint16_t *ids, size_t n, const char *q, size_t qlen)
{
	struct id_matcher m;

	if (qlen == 0)
		return true;
	if (n > MATCH_MAX)
		n = MATCH_MAX;
	/* a cheap pre-test: the query's first letter must begin some syllable */
	{
		bool any = false;

		for (size_t i = 0; i < n && !any; i++) {
			const char *s = pinyin_id_text(ids[i], NULL);

			any = s && s[0] == q[0];
		}
		if (!any)
			return false;
	}
	m.ids = ids;
	m.n = n;
	m.q = q;
	m.qlen = qlen > MATCH_MAX ? MATCH_MAX : qlen;
	memset(m.failed, 0, (n + 1) * sizeof m.failed[0]);
	for (size_t i = 0; i < n; i++)
		if (dfs_ids(&m, i, 0))
			return true;
	return false;
}
