/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The generated pinyin table (src/io/pinyin-table.c, from tools/gen-pinyin); internal to src/io. */
#ifndef CF_IO_PINYIN_TABLE_H
#define CF_IO_PINYIN_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct pinyin_block {
	uint32_t first, last;  /* inclusive code point range */
	uint32_t offset;       /* index of `first` in pinyin_index */
};

/* [0] is NULL; 1.. are toneless syllables in ASCII, sorted. */
extern const char *const pinyin_syllables[];
extern const size_t pinyin_syllable_count;
extern const struct pinyin_block pinyin_blocks[];
extern const size_t pinyin_block_count;
/* Per code point of each block: index into pinyin_syllables, 0 = no reading. */
extern const uint16_t pinyin_index[];

#endif
