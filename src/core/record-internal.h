/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the record readers and the upgrade share: the encodings before the record layer. */
#ifndef CAREFILE_RECORD_INTERNAL_H
#define CAREFILE_RECORD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "carefile/error.h"
#include "carefile/record.h"

/*
 * Decodes a plaintext of table t in the encoding of schema 2 (record-legacy.c)
 * into rec (initialised here with alloc). row: its metadata (a contact's
 * student uuid is checked against the one the old encoding kept inside).
 * CF_OK, CF_ERR_DAMAGED, CF_ERR_NOMEM; on error rec is left empty.
 */
enum cf_error record_legacy_decode(const struct cf_table *t, const struct cf_row *row, const uint8_t *p, size_t len,
                                   const struct cf_str_alloc *alloc, void *rec);

/* True when p starts like a schema-2 plaintext (its magic). */
bool record_legacy_magic(const uint8_t *p, size_t len);

#endif
