/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An alert raised from a hotline call for counselors (clinical compartment, written through the drop box). */
#ifndef CAREFILE_CALL_ALERT_H
#define CAREFILE_CALL_ALERT_H

#include "carefile/record.h"

/*
 * Risk level as the hotline worker judged it. Stored as these numbers: never
 * renumber. Labels follow the default risk levels of DESIGN.md §6 (a default
 * for a clinical lead to adjust; the alerts change makes levels data).
 */
enum cf_call_alert_level {
	CF_CALL_ALERT_WATCH = 1,    /* 关注 */
	CF_CALL_ALERT_ELEVATED = 2, /* 黄色 / elevated */
	CF_CALL_ALERT_HIGH = 3,     /* 橙色 / high */
	CF_CALL_ALERT_IMMINENT = 4, /* 红色 / imminent */
};

/* Longest reason accepted, in characters. */
#define CF_CALL_ALERT_REASON_MAX 2048
/* Longest caller, school, class and callback fields, in characters. */
#define CF_CALL_ALERT_TEXT_MAX 64

/*
 * What the hotline worker hands over. The caller is named as they gave
 * themselves: the hotline role cannot read the roster, so a counselor
 * matches the caller to a student. Strings come from alloc.
 */
struct cf_call_alert {
	char date[11];                  /* of the call, "YYYY-MM-DD", required, not in the future */
	char time[6];                   /* of the call, "HH:MM", may be "" */
	enum cf_call_alert_level level; /* required */
	char *caller;                   /* name as given; NULL for an anonymous caller */
	char *school;                   /* as given; may be NULL */
	char *class_name;               /* grade and class as given; may be NULL */
	char *callback;                 /* a number to call back; may be NULL */
	char *reason;                   /* required: what was said, what was done on the call */
	const struct cf_str_alloc *alloc;
};

/*
 * The record type (src/base/call-alert.c) and its table "call_alert":
 * clinical compartment, no plaintext column; drop_from = hotline, so a
 * hotline worker writes it without the clinical key (casefile_record_drop).
 */
extern const struct cf_record_type cf_call_alert_type;
extern const struct cf_table cf_table_call_alert;

/* Field tags of cf_call_alert_type. */
enum {
	CF_CALL_ALERT_F_DATE = 1,
	CF_CALL_ALERT_F_TIME = 2,
	CF_CALL_ALERT_F_LEVEL = 3,
	CF_CALL_ALERT_F_CALLER = 4,
	CF_CALL_ALERT_F_SCHOOL = 5,
	CF_CALL_ALERT_F_CLASS = 6,
	CF_CALL_ALERT_F_CALLBACK = 7,
	CF_CALL_ALERT_F_REASON = 8,
};

/* Translated label of a level ("High (orange)" / "橙色（高）"); static, never NULL. */
const char *call_alert_level_label(enum cf_call_alert_level level);

#endif
