/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every table of records: `check`, the schema lint and the upgrade walk this list. */
#include <stddef.h>

#include "carefile/call_alert.h"
#include "carefile/contact.h"
#include "carefile/record.h"
#include "carefile/student.h"

const struct cf_table *const cf_tables[] = {
	&cf_table_student,
	&cf_table_contact,
	&cf_table_call_alert,
	NULL,
};
