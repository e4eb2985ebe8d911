/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The encodings records had before the record layer (schema 2): read once, when a file is upgraded. */
#include <string.h>

#include "carefile/contact.h"
#include "carefile/crypto.h"
#include "carefile/student.h"
#include "record-internal.h"

/*
 * Schema-2 plaintexts, all integers little-endian, str = u32 byte length
 * (0xFFFFFFFF for NULL) + bytes, nothing after the last field:
 *
 *   student "CFST" | u8 version 1 | u8 sex | u8 status | u8 n_guardians |
 *           u32 flags | str number | str name | str birth_date |
 *           str ethnicity | str school | str grade | str class | str address |
 *           str remarks | per guardian: str name | str relation | u8 n_phones |
 *           n_phones * str phone
 *   contact "CFCT" | u8 version 1 | u8 channel | student uuid (16) |
 *           str date | str guardian | str summary
 *
 * Only the decoders are kept: records are written in the record layer's
 * format (record.h) and these are rewritten by the upgrade at unlock.
 */
#define STR_NULL 0xFFFFFFFFu

struct legacy {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

static unsigned
get_u8(struct legacy *d)
{
	if (d->bad || d->len - d->off < 1) {
		d->bad = true;
		return 0;
	}
	return d->p[d->off++];
}

static uint32_t
get_u32(struct legacy *d)
{
	const uint8_t *b;

	if (d->bad || d->len - d->off < 4) {
		d->bad = true;
		return 0;
	}
	b = d->p + d->off;
	d->off += 4;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* One str into *field of rec (type t's allocator); sets bad on damage. CF_ERR_NOMEM only when out of memory. */
static enum cf_error
get_str(struct legacy *d, const struct cf_record_type *t, void *rec, char **field)
{
	uint32_t n = get_u32(d);

	if (d->bad)
		return CF_OK;
	if (n == STR_NULL)
		return CF_OK;
	if (n == 0 || n > d->len - d->off || memchr(d->p + d->off, '\0', n)) {
		d->bad = true;
		return CF_OK;
	}
	if (record_set_text(t, rec, field, (const char *)d->p + d->off, n) != CF_OK)
		return CF_ERR_NOMEM;
	d->off += n;
	return CF_OK;
}

/* A str of exactly `want` bytes (a date) into out (want + 1 bytes); absent gives "". */
static void
get_fixed(struct legacy *d, char *out, size_t want)
{
	uint32_t n = get_u32(d);

	out[0] = '\0';
	if (d->bad || n == STR_NULL)
		return;
	if (n != want || d->len - d->off < want) {
		d->bad = true;
		return;
	}
	memcpy(out, d->p + d->off, want);
	out[want] = '\0';
	d->off += want;
}

static bool
magic(struct legacy *d, const char *m)
{
	if (d->len < 5 || memcmp(d->p, m, 4) != 0 || d->p[4] != 1)
		return false;
	d->off = 5;
	return true;
}

static enum cf_error
student(struct legacy *d, struct cf_student *s)
{
	const struct cf_record_type *t = &cf_student_type;
	unsigned sex, status, ng;
	enum cf_error e = CF_OK;
	char **strs[] = { &s->student_number, &s->name, NULL, &s->ethnicity, &s->school, &s->grade, &s->class_name,
	                  &s->address, &s->remarks };

	if (!magic(d, "CFST"))
		return CF_ERR_DAMAGED;
	sex = get_u8(d);
	status = get_u8(d);
	ng = get_u8(d);
	s->flags = get_u32(d);
	if (d->bad || sex > CF_SEX_FEMALE || status >= CF_STUDENT_STATUS__COUNT || ng > CF_STUDENT_GUARDIANS_MAX ||
	    (s->flags >> CF_STUDENT_FLAG_COUNT) != 0)
		return CF_ERR_DAMAGED;
	s->sex = (enum cf_sex)sex;
	s->status = (enum cf_student_status)status;
	for (size_t i = 0; i < sizeof strs / sizeof strs[0] && e == CF_OK; i++) {
		if (strs[i])
			e = get_str(d, t, s, strs[i]);
		else
			get_fixed(d, s->birth_date, 10);
	}
	for (unsigned g = 0; g < ng && e == CF_OK && !d->bad; g++) {
		struct cf_guardian *gd = &s->guardians[g];
		unsigned np;

		s->n_guardians = g + 1;
		e = get_str(d, t, s, &gd->name);
		if (e == CF_OK)
			e = get_str(d, t, s, &gd->relation);
		np = get_u8(d);
		if (np > CF_GUARDIAN_PHONES_MAX)
			d->bad = true;
		for (unsigned p = 0; p < np && e == CF_OK && !d->bad; p++) {
			gd->n_phones = p + 1;
			e = get_str(d, t, s, &gd->phones[p]);
			if (!gd->phones[p])
				d->bad = true;
		}
	}
	if (e != CF_OK)
		return e;
	return d->bad || d->off != d->len ? CF_ERR_DAMAGED : CF_OK;
}

static enum cf_error
contact(struct legacy *d, const struct cf_row *row, struct cf_contact *c)
{
	enum cf_error e;
	unsigned channel;

	if (!magic(d, "CFCT"))
		return CF_ERR_DAMAGED;
	channel = get_u8(d);
	if (d->bad || channel >= CF_CONTACT_CHANNEL__COUNT || d->len - d->off < CF_UUID_BYTES ||
	    crypto_memcmp(d->p + d->off, row->link_uuid[0], CF_UUID_BYTES) != 0)
		return CF_ERR_DAMAGED; /* a contact moved to another student: the old format kept its student inside */
	d->off += CF_UUID_BYTES;
	c->channel = (enum cf_contact_channel)channel;
	get_fixed(d, c->date, 10);
	e = get_str(d, &cf_contact_type, c, &c->guardian);
	if (e == CF_OK)
		e = get_str(d, &cf_contact_type, c, &c->summary);
	if (e != CF_OK)
		return e;
	return d->bad || d->off != d->len || !c->date[0] || !c->summary ? CF_ERR_DAMAGED : CF_OK;
}

enum cf_error
record_legacy_decode(const struct cf_table *t, const struct cf_row *row, const uint8_t *p, size_t len,
                     const struct cf_str_alloc *alloc, void *rec)
{
	struct legacy d = { p, len, 0, false };
	enum cf_error e = CF_ERR_DAMAGED;

	record_init(t->type, rec, alloc);
	if (t == &cf_table_student)
		e = student(&d, rec);
	else if (t == &cf_table_contact)
		e = contact(&d, row, rec);
	if (e != CF_OK)
		record_fini(t->type, rec);
	return e;
}

bool
record_legacy_magic(const uint8_t *p, size_t len)
{
	return len >= 5 && (memcmp(p, "CFST", 4) == 0 || memcmp(p, "CFCT", 4) == 0);
}
