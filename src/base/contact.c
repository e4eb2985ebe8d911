/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The home-school contact entry declared as data: the worked example of include/carefile/record.h. */
#include <stddef.h>
#include <stdint.h>

#include "carefile/contact.h"
#include "carefile/i18n.h"
#include "carefile/student.h"

static const struct cf_field_option channel_options[] = {
	/* TRANSLATORS: home-school contact channel, a short label (at most 8 columns) */
	{ CF_CONTACT_PHONE, N_("Phone") },
	/* TRANSLATORS: home-school contact channel: a home visit */
	{ CF_CONTACT_VISIT, N_("Home visit") },
	/* TRANSLATORS: home-school contact channel: a meeting at school */
	{ CF_CONTACT_MEETING, N_("Meeting") },
	/* TRANSLATORS: home-school contact channel: text or chat message */
	{ CF_CONTACT_MESSAGE, N_("Message") },
};

static const struct cf_field contact_fields[] = {
	/* TRANSLATORS: labels of the contact entry: at most 16 columns (8 Chinese characters). */
	{ .tag = CF_CONTACT_F_DATE, .name = "date", .label = N_("Date"), .kind = CF_KIND_DATE,
	  .flags = CF_FIELD_REQUIRED | CF_FIELD_NOT_FUTURE, CF_MEMBER(struct cf_contact, date) },
	{ .tag = CF_CONTACT_F_GUARDIAN, .name = "guardian", .label = N_("Contacted"), .kind = CF_KIND_TEXT,
	  CF_MEMBER(struct cf_contact, guardian), .max_chars = CF_STUDENT_NAME_MAX },
	{ .tag = CF_CONTACT_F_CHANNEL, .name = "channel", .label = N_("Channel"), .kind = CF_KIND_ENUM,
	  .flags = CF_FIELD_REQUIRED, CF_MEMBER(struct cf_contact, channel), .options = channel_options,
	  .n_options = sizeof channel_options / sizeof channel_options[0] },
	{ .tag = CF_CONTACT_F_SUMMARY, .name = "summary", .label = N_("Summary"), .kind = CF_KIND_LONGTEXT,
	  .flags = CF_FIELD_REQUIRED, CF_MEMBER(struct cf_contact, summary), .max_chars = CF_CONTACT_SUMMARY_MAX },
};

const struct cf_record_type cf_contact_type = {
	.name = "contact",
	.size = sizeof(struct cf_contact),
	.alloc_offset = offsetof(struct cf_contact, alloc),
	.fields = contact_fields,
	.n_fields = sizeof contact_fields / sizeof contact_fields[0],
};

static const struct cf_column contact_columns[] = {
	{ .name = "student_id", .tag = 1, .kind = CF_COLUMN_LINK, .parent = &cf_table_student },
};

const struct cf_table cf_table_contact = {
	.name = "contact",
	.compartment = CF_COMPARTMENT_CLINICAL,
	.type = &cf_contact_type,
	.cols = contact_columns,
	.n_cols = sizeof contact_columns / sizeof contact_columns[0],
};

const char *
contact_channel_label(enum cf_contact_channel channel)
{
	const char *l = record_option_label(&contact_fields[2], channel);

	return *l ? l : _("Unknown");
}
