/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The home-school contact entry (clinical compartment): its struct, field table and table. */
#ifndef CAREFILE_CONTACT_H
#define CAREFILE_CONTACT_H

#include "carefile/record.h"

/* Stored as these numbers: never renumber. */
enum cf_contact_channel {
	CF_CONTACT_PHONE = 0,   /* 电话 */
	CF_CONTACT_VISIT = 1,   /* 家访 */
	CF_CONTACT_MEETING = 2, /* 面谈 (at school) */
	CF_CONTACT_MESSAGE = 3, /* 短信 / 微信 message */
	CF_CONTACT_CHANNEL__COUNT
};

/* Longest summary accepted, in characters. */
#define CF_CONTACT_SUMMARY_MAX 2048

/*
 * One contact with a student's guardians. Strings come from alloc (a
 * secure arena for decrypted entries). The student it belongs to is the
 * row's link column (struct cf_row), not a field.
 */
struct cf_contact {
	char date[11];                   /* "YYYY-MM-DD", required, not in the future */
	char *guardian;                  /* who was contacted, free text; may be NULL */
	enum cf_contact_channel channel;
	char *summary;                   /* required, free text (newlines allowed) */
	const struct cf_str_alloc *alloc;
};

/*
 * The record type (src/base/contact.c) and its table "contact": clinical
 * compartment, plaintext column student_id linking to table student (the
 * student's uuid is bound into the associated data, so an entry moved to
 * another student fails to open).
 */
extern const struct cf_record_type cf_contact_type;
extern const struct cf_table cf_table_contact;

/* Field tags of cf_contact_type. */
enum {
	CF_CONTACT_F_DATE = 1,
	CF_CONTACT_F_GUARDIAN = 2,
	CF_CONTACT_F_CHANNEL = 3,
	CF_CONTACT_F_SUMMARY = 4,
};

/* Translated label of a channel ("Phone" / "电话"); static, never NULL. */
const char *contact_channel_label(enum cf_contact_channel channel);

#endif
