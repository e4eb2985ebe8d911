/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Toneless pinyin of names: full spelling, initials, pinyin sort order and incremental search matching. */
#ifndef CAREFILE_PINYIN_H
#define CAREFILE_PINYIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Readings come from Unihan kMandarin (Debian unicode-data, first reading,
 * tones removed, u-umlaut written "v" as pinyin input methods type it) in the
 * generated table src/io/pinyin-table.c (tools/gen-pinyin). The first
 * character of a name (the surname) uses a small override table for surnames
 * read differently from the common word: 曾 zeng, 单 shan, 解 xie, 仇 qiu,
 * 区 ou, 查 zha, 朴 piao, 盖 ge, 覃 qin, 乐 yue, 缪 miao, 翟 zhai, and the
 * compound surnames 尉迟 yuchi, 万俟 moqi, 长孙 zhangsun. Polyphonic
 * characters inside given names get their first kMandarin reading.
 *
 * Names are UTF-8; invalid bytes count as U+FFFD. ASCII letters and digits in
 * a name count as one-letter "syllables" (lower case), so Latin names work the
 * same way; other characters (spaces, '·', punctuation) are skipped.
 * All functions are allocation-free and thread-safe.
 */

/* Toneless syllable of code point cp from the table ("zhang"), or NULL if it has none. Static string. */
const char *pinyin_syllable(uint32_t cp);

/*
 * Full pinyin of name, syllables joined without separator ("张三" -> "zhangsan").
 * Like snprintf: writes at most size - 1 bytes plus a NUL to buf (buf may be
 * NULL when size is 0) and returns the length the whole result needs.
 */
size_t pinyin_full(const char *name, char *buf, size_t size);

/* First letter of every syllable ("张三" -> "zs"); snprintf-like as pinyin_full(). */
size_t pinyin_initials(const char *name, char *buf, size_t size);

/*
 * Sort key: compare keys with strcmp() to sort names in pinyin order,
 * syllable by syllable (李 li before 梁 liang), names with equal pinyin by
 * code point, characters without reading after all pinyin; a run of ASCII
 * letters and digits sorts as one word ("zoe" after 曾 zeng). snprintf-like;
 * the key is at most 8 * strlen(name) + 2 bytes (plus the NUL).
 */
size_t pinyin_sort_key(const char *name, char *buf, size_t size);

/* strcmp-like comparison of two names by pinyin_sort_key(). Names over 256 bytes are compared by their first 256 bytes, then bytewise. */
int pinyin_compare(const char *a, const char *b);

/*
 * True if query finds name in incremental search. The query is matched
 * ignoring ASCII case, spaces and apostrophes:
 *   - as a substring of the name itself (张三 by "张", "三"; "Alice" by "lic");
 *   - syllable-aligned against the pinyin: starting at any character, each
 *     following character consumes either its whole syllable or a non-empty
 *     prefix of it, until the query is used up. This covers initials ("zs",
 *     "s"), full pinyin ("zhangsan", "san"), and mixes ("zhangs", "zsan", "zhs").
 * An empty query matches everything. Names and queries over 64 characters are
 * matched by their first 64 characters.
 */
bool pinyin_match(const char *name, const char *query);

/*
 * Syllable ids, so a search over many names does not derive syllables
 * again for every keystroke: pinyin_ids() gives one id per character with
 * a reading (surname readings applied, as pinyin_full() spells them), at
 * most max. An id below PINYIN_ID_ASCII is a syllable of the generated
 * table; PINYIN_ID_ASCII | c is the ASCII letter or digit c (lower case).
 * Returns how many ids were written.
 */
#define PINYIN_ID_ASCII 0x8000u
size_t pinyin_ids(const char *name, uint16_t *ids, size_t max);

/*
 * pinyin_sort_key() (into buf, snprintf-like: returns the length needed)
 * and pinyin_ids() (at most max into ids, the count in *n) of one name in
 * a single pass over it, for building an index of many names.
 */
size_t pinyin_name_keys(const char *name, uint16_t *ids, size_t max, size_t *n, char *buf, size_t size);

/* Text of a syllable id ("zhang", "a"), or NULL; *len (may be NULL) its length. Static. */
const char *pinyin_id_text(uint16_t id, size_t *len);

/*
 * The syllable-aligned part of pinyin_match() over precomputed ids: q is
 * qlen bytes of lower-case ASCII without spaces or apostrophes. Starting
 * at any id, each following id consumes its whole syllable or a non-empty
 * prefix of it until q is used up. Allocation-free. True for qlen 0.
 */
bool pinyin_match_ids(const uint16_t *ids, size_t n, const char *q, size_t qlen);

#endif
