/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Student validation through the field table, as the field bits of enum cf_student_field. */
#include <stdint.h>
#include <string.h>

#include "carefile/students.h"

enum cf_error
students_validate(const struct cf_student *s, uint32_t *bad)
{
	struct cf_field_errors errs;
	char today[11];
	uint32_t b = 0;

	if (!s) {
		if (bad)
			*bad = CF_FIELD_ALL;
		return CF_ERR_INVALID;
	}
	casefile_today(today);
	if (record_validate(&cf_student_type, s, today, &errs) != CF_OK) {
		/* field i of the table is bit i of enum cf_student_field */
		for (size_t i = 0; i < errs.n; i++) {
			int k = record_field_index(&cf_student_type, errs.e[i].path[0].tag);

			if (k >= 0)
				b |= 1u << k;
		}
		if (!b)
			b = CF_FIELD_ALL;
	}
	if (bad)
		*bad = b;
	return b ? CF_ERR_INVALID : CF_OK;
}

bool
students_status_archived(enum cf_student_status status)
{
	return status == CF_STUDENT_TRANSFERRED || status == CF_STUDENT_GRADUATED;
}
