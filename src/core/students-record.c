/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The canonical byte encoding of a student record (the plaintext inside its ciphertext) and validation. */
#include <stdint.h>
#include <string.h>

#include "carefile/crypto.h"
#include "carefile/students.h"

static const uint8_t magic[4] = { 'C', 'F', 'S', 'T' };
#define STR_NULL 0xFFFFFFFFu

/* ---- encoding ---- */

struct enc {
	uint8_t *p;   /* NULL while measuring */
	size_t len;
};

static void
put(struct enc *e, const void *p, size_t n)
{
	if (e->p && n)
		memcpy(e->p + e->len, p, n);
	e->len += n;
}

static void
put_u8(struct enc *e, unsigned v)
{
	uint8_t b = (uint8_t)v;

	put(e, &b, 1);
}

static void
put_u32(struct enc *e, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	put(e, b, 4);
}

/* Empty strings are written as absent (NULL): student.h has one spelling for "empty". */
static void
put_str(struct enc *e, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0) {
		put_u32(e, STR_NULL);
		return;
	}
	put_u32(e, (uint32_t)n);
	put(e, s, n);
}

static enum cf_error
check_counts(const struct cf_student *s)
{
	if (s->n_guardians > CF_STUDENT_GUARDIANS_MAX || (unsigned)s->sex > CF_SEX_FEMALE ||
	    (unsigned)s->status >= CF_STUDENT_STATUS__COUNT)
		return CF_ERR_INVALID;
	for (size_t g = 0; g < s->n_guardians; g++)
		if (s->guardians[g].n_phones > CF_GUARDIAN_PHONES_MAX)
			return CF_ERR_INVALID;
	return CF_OK;
}

static void
encode(struct enc *e, const struct cf_student *s)
{
	put(e, magic, sizeof magic);
	put_u8(e, CF_STUDENT_RECORD_VERSION);
	put_u8(e, (unsigned)s->sex);
	put_u8(e, (unsigned)s->status);
	put_u8(e, (unsigned)s->n_guardians);
	put_u32(e, s->flags);
	put_str(e, s->student_number);
	put_str(e, s->name);
	put_str(e, s->birth_date);
	put_str(e, s->ethnicity);
	put_str(e, s->school);
	put_str(e, s->grade);
	put_str(e, s->class_name);
	put_str(e, s->address);
	put_str(e, s->remarks);
	for (size_t g = 0; g < s->n_guardians; g++) {
		const struct cf_guardian *gd = &s->guardians[g];

		put_str(e, gd->name);
		put_str(e, gd->relation);
		put_u8(e, (unsigned)gd->n_phones);
		for (size_t p = 0; p < gd->n_phones; p++)
			put_str(e, gd->phones[p]);
	}
}

enum cf_error
student_record_encode(const struct cf_student *s, uint8_t **out, size_t *len)
{
	struct enc e = { NULL, 0 };

	*out = NULL;
	*len = 0;
	if (!s || check_counts(s) != CF_OK || memchr(s->birth_date, '\0', sizeof s->birth_date) == NULL)
		return CF_ERR_INVALID;
	encode(&e, s);
	if (e.len > CF_RECORD_MAX_PLAIN)
		return CF_ERR_INVALID;
	e.p = crypto_secure_alloc(e.len);
	if (!e.p)
		return CF_ERR_NOMEM;
	e.len = 0;
	encode(&e, s);
	*out = e.p;
	*len = e.len;
	return CF_OK;
}

/* ---- decoding ---- */

struct dec {
	const uint8_t *p;
	size_t len, off;
	int bad;
};

static unsigned
get_u8(struct dec *d)
{
	if (d->bad || d->len - d->off < 1) {
		d->bad = 1;
		return 0;
	}
	return d->p[d->off++];
}

static uint32_t
get_u32(struct dec *d)
{
	const uint8_t *b;

	if (d->bad || d->len - d->off < 4) {
		d->bad = 1;
		return 0;
	}
	b = d->p + d->off;
	d->off += 4;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Reads one string into *field (s's allocator). CF_ERR_DAMAGED or CF_ERR_NOMEM. */
static enum cf_error
get_str(struct dec *d, struct cf_student *s, char **field)
{
	uint32_t n = get_u32(d);

	if (d->bad)
		return CF_ERR_DAMAGED;
	if (n == STR_NULL)
		return CF_OK;
	/* 0 is never written (empty is NULL); a NUL inside would cut the string */
	if (n == 0 || n > d->len - d->off || memchr(d->p + d->off, '\0', n)) {
		d->bad = 1;
		return CF_ERR_DAMAGED;
	}
	if (student_set_str(s, field, (const char *)d->p + d->off, n) != CF_OK)
		return CF_ERR_NOMEM;
	d->off += n;
	return CF_OK;
}

static enum cf_error
decode(struct dec *d, struct cf_student *s)
{
	unsigned sex, status, n_guardians;
	char *birth = NULL;
	enum cf_error e;

	if (d->len < sizeof magic || memcmp(d->p, magic, sizeof magic) != 0)
		return CF_ERR_DAMAGED;
	d->off = sizeof magic;
	if (get_u8(d) != CF_STUDENT_RECORD_VERSION)
		return CF_ERR_DAMAGED;
	sex = get_u8(d);
	status = get_u8(d);
	n_guardians = get_u8(d);
	s->flags = get_u32(d);
	if (d->bad || sex > CF_SEX_FEMALE || status >= CF_STUDENT_STATUS__COUNT || n_guardians > CF_STUDENT_GUARDIANS_MAX ||
	    (s->flags >> CF_STUDENT_FLAG_COUNT) != 0)
		return CF_ERR_DAMAGED;
	s->sex = (enum cf_sex)sex;
	s->status = (enum cf_student_status)status;
	if ((e = get_str(d, s, &s->student_number)) != CF_OK || (e = get_str(d, s, &s->name)) != CF_OK)
		return e;
	e = get_str(d, s, &birth);
	if (e == CF_OK && birth) {
		if (strlen(birth) != 10)
			e = CF_ERR_DAMAGED;
		else
			memcpy(s->birth_date, birth, 11);
	}
	(void)student_set_str(s, &birth, NULL, 0); /* wipes and frees the temporary */
	if (e != CF_OK)
		return e;
	if ((e = get_str(d, s, &s->ethnicity)) != CF_OK || (e = get_str(d, s, &s->school)) != CF_OK ||
	    (e = get_str(d, s, &s->grade)) != CF_OK || (e = get_str(d, s, &s->class_name)) != CF_OK ||
	    (e = get_str(d, s, &s->address)) != CF_OK || (e = get_str(d, s, &s->remarks)) != CF_OK)
		return e;
	for (unsigned g = 0; g < n_guardians; g++) {
		struct cf_guardian *gd = &s->guardians[g];
		unsigned np;

		s->n_guardians = g + 1;
		if ((e = get_str(d, s, &gd->name)) != CF_OK || (e = get_str(d, s, &gd->relation)) != CF_OK)
			return e;
		np = get_u8(d);
		if (d->bad || np > CF_GUARDIAN_PHONES_MAX)
			return CF_ERR_DAMAGED;
		for (unsigned p = 0; p < np; p++) {
			gd->n_phones = p + 1;
			if ((e = get_str(d, s, &gd->phones[p])) != CF_OK)
				return e;
			if (!gd->phones[p])
				return CF_ERR_DAMAGED;
		}
	}
	if (d->off != d->len)
		return CF_ERR_DAMAGED;
	return CF_OK;
}

enum cf_error
student_record_decode(const uint8_t *buf, size_t len, const struct cf_str_alloc *alloc, struct cf_student *out)
{
	struct dec d = { buf, len, 0, 0 };
	enum cf_error e;

	student_init(out, alloc);
	if (!buf)
		return CF_ERR_DAMAGED;
	e = decode(&d, out);
	if (e != CF_OK)
		student_fini(out);
	return e;
}

/* ---- validation ---- */

static int
has_control(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Like has_control() but newlines and tabs are fine (remarks, addresses written over lines). */
static int
has_control_ml(const char *s)
{
	for (; s && *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t' && *s != '\r') || *s == 0x7f)
			return 1;
	return 0;
}

enum cf_error
students_validate(const struct cf_student *s, uint32_t *bad)
{
	uint32_t b = 0;

	if (!s) {
		if (bad)
			*bad = CF_FIELD_ALL;
		return CF_ERR_INVALID;
	}
	if (!s->student_number || !student_number_valid(s->student_number))
		b |= CF_FIELD_STUDENT_NUMBER;
	if (!s->name || !*s->name || has_control(s->name))
		b |= CF_FIELD_NAME;
	if ((unsigned)s->sex > CF_SEX_FEMALE)
		b |= CF_FIELD_SEX;
	if (memchr(s->birth_date, '\0', sizeof s->birth_date) == NULL ||
	    (s->birth_date[0] && !student_date_str_valid(s->birth_date)))
		b |= CF_FIELD_BIRTH_DATE;
	if (has_control(s->ethnicity))
		b |= CF_FIELD_ETHNICITY;
	if (has_control(s->school))
		b |= CF_FIELD_SCHOOL;
	if (has_control(s->grade))
		b |= CF_FIELD_GRADE;
	if (has_control(s->class_name))
		b |= CF_FIELD_CLASS;
	if (has_control_ml(s->address))
		b |= CF_FIELD_ADDRESS;
	if (has_control_ml(s->remarks))
		b |= CF_FIELD_REMARKS;
	if ((s->flags >> CF_STUDENT_FLAG_COUNT) != 0)
		b |= CF_FIELD_FLAGS;
	if ((unsigned)s->status >= CF_STUDENT_STATUS__COUNT)
		b |= CF_FIELD_STATUS;
	if (s->n_guardians > CF_STUDENT_GUARDIANS_MAX) {
		b |= CF_FIELD_GUARDIANS;
	} else {
		for (size_t g = 0; g < s->n_guardians; g++) {
			const struct cf_guardian *gd = &s->guardians[g];

			if (gd->n_phones > CF_GUARDIAN_PHONES_MAX || has_control(gd->name) || has_control(gd->relation)) {
				b |= CF_FIELD_GUARDIANS;
				continue;
			}
			for (size_t p = 0; p < gd->n_phones; p++)
				if (!gd->phones[p] || !student_phone_valid(gd->phones[p]))
					b |= CF_FIELD_GUARDIANS;
		}
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

bool
student_record_is_encoded(const uint8_t *buf, size_t len)
{
	return buf && len >= sizeof magic && memcmp(buf, magic, sizeof magic) == 0;
}
