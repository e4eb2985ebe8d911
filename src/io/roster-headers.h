/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The header alias table generated from share/roster-headers.tsv (internal to src/io). */
#ifndef CF_IO_ROSTER_HEADERS_H
#define CF_IO_ROSTER_HEADERS_H

#include <stddef.h>

struct roster_header_alias {
	const char *column_id; /* "student_number", … as in the TSV */
	const char *key;       /* alias in matching form (see header_key() in roster.c) */
};

extern const struct roster_header_alias roster_header_aliases[];
extern const size_t roster_header_alias_count;

#endif
