/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The alert from a hotline call, declared as data: written through the drop box, read by counselors. */
#include <stddef.h>
#include <stdint.h>

#include "carefile/call_alert.h"
#include "carefile/i18n.h"

static const struct cf_field_option level_options[] = {
	/* TRANSLATORS: risk levels of an alert, highest last (DESIGN.md §6 defaults); at most 16 columns. */
	{ CF_CALL_ALERT_WATCH, N_("Watch") },
	{ CF_CALL_ALERT_ELEVATED, N_("Elevated (yellow)") },
	{ CF_CALL_ALERT_HIGH, N_("High (orange)") },
	{ CF_CALL_ALERT_IMMINENT, N_("Imminent (red)") },
};

static const struct cf_field call_alert_fields[] = {
	/* TRANSLATORS: labels of the alert from a hotline call: at most 16 columns (8 Chinese characters). */
	{ .tag = CF_CALL_ALERT_F_DATE, .name = "date", .label = N_("Call date"), .kind = CF_KIND_DATE,
	  .flags = CF_FIELD_REQUIRED | CF_FIELD_NOT_FUTURE, CF_MEMBER(struct cf_call_alert, date) },
	{ .tag = CF_CALL_ALERT_F_TIME, .name = "time", .label = N_("Call time"), .kind = CF_KIND_TIME,
	  CF_MEMBER(struct cf_call_alert, time) },
	{ .tag = CF_CALL_ALERT_F_LEVEL, .name = "level", .label = N_("Risk level"), .kind = CF_KIND_ENUM,
	  .flags = CF_FIELD_REQUIRED, CF_MEMBER(struct cf_call_alert, level), .options = level_options,
	  .n_options = sizeof level_options / sizeof level_options[0] },
	{ .tag = CF_CALL_ALERT_F_CALLER, .name = "caller", .label = N_("Caller"), .kind = CF_KIND_TEXT,
	  CF_MEMBER(struct cf_call_alert, caller), .max_chars = CF_CALL_ALERT_TEXT_MAX },
	{ .tag = CF_CALL_ALERT_F_SCHOOL, .name = "school", .label = N_("School"), .kind = CF_KIND_TEXT,
	  CF_MEMBER(struct cf_call_alert, school), .max_chars = CF_CALL_ALERT_TEXT_MAX },
	{ .tag = CF_CALL_ALERT_F_CLASS, .name = "class", .label = N_("Grade, class"), .kind = CF_KIND_TEXT,
	  CF_MEMBER(struct cf_call_alert, class_name), .max_chars = CF_CALL_ALERT_TEXT_MAX },
	{ .tag = CF_CALL_ALERT_F_CALLBACK, .name = "callback", .label = N_("Call back on"), .kind = CF_KIND_TEXT,
	  CF_MEMBER(struct cf_call_alert, callback), .max_chars = CF_CALL_ALERT_TEXT_MAX },
	{ .tag = CF_CALL_ALERT_F_REASON, .name = "reason", .label = N_("Reason"), .kind = CF_KIND_LONGTEXT,
	  .flags = CF_FIELD_REQUIRED, CF_MEMBER(struct cf_call_alert, reason), .max_chars = CF_CALL_ALERT_REASON_MAX },
};

const struct cf_record_type cf_call_alert_type = {
	.name = "call_alert",
	.size = sizeof(struct cf_call_alert),
	.alloc_offset = offsetof(struct cf_call_alert, alloc),
	.fields = call_alert_fields,
	.n_fields = sizeof call_alert_fields / sizeof call_alert_fields[0],
};

const struct cf_table cf_table_call_alert = {
	.name = "call_alert",
	.compartment = CF_COMPARTMENT_CLINICAL,
	.type = &cf_call_alert_type,
	.drop_from = 1u << CF_COMPARTMENT_HOTLINE,
};

const char *
call_alert_level_label(enum cf_call_alert_level level)
{
	const char *l = record_option_label(&call_alert_fields[2], (int64_t)level);

	return *l ? l : _("Unknown");
}
