/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Student record memory handling and field validation (dates, phones, student numbers). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/error.h"
#include "carefile/i18n.h"
#include "carefile/text.h"
#include "carefile/student.h"

static void *
s_alloc(const struct cf_student *s, size_t n)
{
	if (s->alloc && s->alloc->alloc)
		return s->alloc->alloc(s->alloc->ctx, n);
	return malloc(n);
}

static void
s_free(const struct cf_student *s, char *p)
{
	if (!p)
		return;
	size_t n = strlen(p) + 1;
	explicit_bzero(p, n);
	if (s->alloc && s->alloc->alloc) {
		if (s->alloc->free) /* an arena may have none */
			s->alloc->free(s->alloc->ctx, p, n);
	} else {
		free(p);
	}
}

void
student_init(struct cf_student *s, const struct cf_str_alloc *alloc)
{
	memset(s, 0, sizeof(*s));
	s->alloc = alloc;
}

void
student_fini(struct cf_student *s)
{
	if (!s)
		return;
	char **strs[] = { &s->student_number, &s->name, &s->ethnicity, &s->school, &s->grade,
		&s->class_name, &s->address, &s->remarks };
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		s_free(s, *strs[i]);
		*strs[i] = NULL;
	}
	for (size_t g = 0; g < CF_STUDENT_GUARDIANS_MAX; g++) {
		struct cf_guardian *gd = &s->guardians[g];
		s_free(s, gd->name);
		s_free(s, gd->relation);
		for (size_t p = 0; p < CF_GUARDIAN_PHONES_MAX; p++)
			s_free(s, gd->phones[p]);
	}
	const struct cf_str_alloc *alloc = s->alloc;
	explicit_bzero(s, sizeof(*s));
	s->alloc = alloc;
}

int
student_set_str(struct cf_student *s, char **field, const char *value, size_t len)
{
	char *copy = NULL;
	if (value && len > 0) {
		copy = s_alloc(s, len + 1);
		if (!copy)
			return CF_ERR_NOMEM;
		memcpy(copy, value, len);
		copy[len] = '\0';
	}
	s_free(s, *field);
	*field = copy;
	return CF_OK;
}

static int
copy_str(struct cf_student *dst, char **field, const char *src)
{
	return student_set_str(dst, field, src, src ? strlen(src) : 0);
}

int
student_copy(struct cf_student *dst, const struct cf_student *src, const struct cf_str_alloc *alloc)
{
	student_init(dst, alloc);
	dst->sex = src->sex;
	memcpy(dst->birth_date, src->birth_date, sizeof(dst->birth_date));
	dst->flags = src->flags;
	dst->status = src->status;
	dst->n_guardians = src->n_guardians;
	int rc = CF_OK;
	rc |= copy_str(dst, &dst->student_number, src->student_number);
	rc |= copy_str(dst, &dst->name, src->name);
	rc |= copy_str(dst, &dst->ethnicity, src->ethnicity);
	rc |= copy_str(dst, &dst->school, src->school);
	rc |= copy_str(dst, &dst->grade, src->grade);
	rc |= copy_str(dst, &dst->class_name, src->class_name);
	rc |= copy_str(dst, &dst->address, src->address);
	rc |= copy_str(dst, &dst->remarks, src->remarks);
	for (size_t g = 0; g < src->n_guardians && g < CF_STUDENT_GUARDIANS_MAX; g++) {
		rc |= copy_str(dst, &dst->guardians[g].name, src->guardians[g].name);
		rc |= copy_str(dst, &dst->guardians[g].relation, src->guardians[g].relation);
		dst->guardians[g].n_phones = src->guardians[g].n_phones;
		for (size_t p = 0; p < src->guardians[g].n_phones && p < CF_GUARDIAN_PHONES_MAX; p++)
			rc |= copy_str(dst, &dst->guardians[g].phones[p], src->guardians[g].phones[p]);
	}
	if (rc != CF_OK) {
		student_fini(dst);
		return CF_ERR_NOMEM;
	}
	return CF_OK;
}

struct cf_guardian *
student_add_guardian(struct cf_student *s)
{
	if (s->n_guardians >= CF_STUDENT_GUARDIANS_MAX)
		return NULL;
	return &s->guardians[s->n_guardians++];
}

int
student_guardian_add_phone(struct cf_student *s, struct cf_guardian *g, const char *phone)
{
	if (g->n_phones >= CF_GUARDIAN_PHONES_MAX)
		return CF_ERR_INVALID;
	int rc = copy_str(s, &g->phones[g->n_phones], phone);
	if (rc == CF_OK)
		g->n_phones++;
	return rc;
}

bool
student_date_valid(int year, int month, int day)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1)
		return false;
	int max = mdays[month - 1];
	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		max = 29;
	return day <= max;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool
student_date_str_valid(const char *str)
{
	if (!str || strlen(str) != 10 || str[4] != '-' || str[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(str[i]))
			return false;
	int y = atoi(str), m = atoi(str + 5), d = atoi(str + 8);
	return student_date_valid(y, m, d);
}

bool
student_phone_normalise(const char *phone, char *out, size_t out_size)
{
	char d[24];
	size_t n = 0;
	if (!phone)
		return false;
	const char *p = phone;
	if (*p == '+') {
		if (p[1] != '8' || p[2] != '6')
			return false;
		p += 3;
	}
	for (; *p; p++) {
		if (is_digit(*p)) {
			if (n + 1 >= sizeof(d))
				return false;
			d[n++] = *p;
		} else if (*p != ' ' && *p != '-' && *p != '(' && *p != ')') {
			return false;
		}
	}
	d[n] = '\0';
	const char *v = d;
	/* Country code: "0086…" or "86…" only where what follows is a mobile number. */
	if (n == 15 && strncmp(d, "00861", 5) == 0)
		v = d + 4;
	else if (n == 13 && strncmp(d, "861", 3) == 0)
		v = d + 2;
	size_t vn = strlen(v);
	char buf[24];
	if (vn == 11 && v[0] == '1' && v[1] >= '3' && v[1] <= '9') {
		memcpy(buf, v, 12);
	} else if (vn == 10 && (strncmp(v, "400", 3) == 0 || strncmp(v, "800", 3) == 0)) {
		memcpy(buf, v, 3);
		buf[3] = '-';
		memcpy(buf + 4, v + 3, 8);
	} else if (v[0] == '0' && vn >= 10 && vn <= 12) {
		size_t area = (v[1] == '1' || v[1] == '2') ? 3 : 4;
		size_t local = vn - area;
		if (local < 7 || local > 8 || v[1] == '0' || v[area] == '0')
			return false;
		memcpy(buf, v, area);
		buf[area] = '-';
		memcpy(buf + area + 1, v + area, local + 1);
	} else {
		return false;
	}
	if (strlen(buf) + 1 > out_size)
		return false;
	memcpy(out, buf, strlen(buf) + 1);
	return true;
}

bool
student_phone_valid(const char *phone)
{
	char buf[24];
	return student_phone_normalise(phone, buf, sizeof(buf));
}

bool
student_number_valid(const char *number)
{
	if (!number)
		return false;
	size_t n = strlen(number);
	if (n == 0 || n > CF_STUDENT_NUMBER_MAX || text_is_scientific(number))
		return false;
	/* A leading '-' or '.' would be neutralised (or misread) by spreadsheets. */
	if (!is_digit(number[0]) && !((number[0] | 0x20) >= 'a' && (number[0] | 0x20) <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = number[i];
		if (!(is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      c == '-' || c == '_' || c == '.' || c == '/'))
			return false;
	}
	return true;
}

void
student_number_normalise(char *number)
{
	for (; number && *number; number++)
		if (*number >= 'a' && *number <= 'z')
			*number = (char)(*number - 'a' + 'A');
}

int
student_number_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)(a ? a : ""), *y = (const unsigned char *)(b ? b : "");
	for (;; x++, y++) {
		unsigned cx = *x >= 'a' && *x <= 'z' ? *x - 'a' + 'A' : *x;
		unsigned cy = *y >= 'a' && *y <= 'z' ? *y - 'a' + 'A' : *y;
		if (cx != cy)
			return cx < cy ? -1 : 1;
		if (!cx)
			return 0;
	}
}

const char *
student_status_label(enum cf_student_status status)
{
	switch (status) {
	case CF_STUDENT_ACTIVE: return _("Active");
	case CF_STUDENT_ON_LEAVE: return _("On leave");
	case CF_STUDENT_TRANSFERRED: return _("Transferred");
	case CF_STUDENT_GRADUATED: return _("Graduated");
	default: return _("Unknown");
	}
}

const char *
student_flag_label(enum cf_student_flag flag)
{
	switch (flag) {
	case CF_STUDENT_FLAG_LEFT_BEHIND: return _("Left-behind child");
	case CF_STUDENT_FLAG_ON_LEAVE: return _("On leave");
	case CF_STUDENT_FLAG_SPECIAL_NEEDS: return _("Special needs");
	case CF_STUDENT_FLAG_BOARDING: return _("Boarding");
	case CF_STUDENT_FLAG_SINGLE_PARENT: return _("Single-parent family");
	case CF_STUDENT_FLAG_MIGRANT: return _("Migrant child");
	case CF_STUDENT_FLAG_POVERTY: return _("Financial hardship");
	default: return _("Unknown");
	}
}

const char *
student_sex_label(enum cf_sex sex)
{
	switch (sex) {
	case CF_SEX_MALE: return _("Male");
	case CF_SEX_FEMALE: return _("Female");
	default: return _("Unknown");
	}
}

static bool
str_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool
guardians_same(const struct cf_student *a, const struct cf_student *b)
{
	if (a->n_guardians != b->n_guardians)
		return false;
	for (size_t g = 0; g < a->n_guardians && g < CF_STUDENT_GUARDIANS_MAX; g++) {
		const struct cf_guardian *x = &a->guardians[g], *y = &b->guardians[g];
		if (!str_same(x->name, y->name) || !str_same(x->relation, y->relation) || x->n_phones != y->n_phones)
			return false;
		for (size_t p = 0; p < x->n_phones && p < CF_GUARDIAN_PHONES_MAX; p++)
			if (!str_same(x->phones[p], y->phones[p]))
				return false;
	}
	return true;
}

uint32_t
student_diff(const struct cf_student *a, const struct cf_student *b, uint32_t fields, uint32_t flag_mask)
{
	uint32_t d = 0;
	if (!str_same(a->student_number, b->student_number)) d |= CF_FIELD_STUDENT_NUMBER;
	if (!str_same(a->name, b->name)) d |= CF_FIELD_NAME;
	if (a->sex != b->sex) d |= CF_FIELD_SEX;
	if (strcmp(a->birth_date, b->birth_date) != 0) d |= CF_FIELD_BIRTH_DATE;
	if (!str_same(a->ethnicity, b->ethnicity)) d |= CF_FIELD_ETHNICITY;
	if (!str_same(a->school, b->school)) d |= CF_FIELD_SCHOOL;
	if (!str_same(a->grade, b->grade)) d |= CF_FIELD_GRADE;
	if (!str_same(a->class_name, b->class_name)) d |= CF_FIELD_CLASS;
	if (!guardians_same(a, b)) d |= CF_FIELD_GUARDIANS;
	if (!str_same(a->address, b->address)) d |= CF_FIELD_ADDRESS;
	if ((a->flags ^ b->flags) & flag_mask) d |= CF_FIELD_FLAGS;
	if (a->status != b->status) d |= CF_FIELD_STATUS;
	if (!str_same(a->remarks, b->remarks)) d |= CF_FIELD_REMARKS;
	return d & fields;
}

int
student_merge(struct cf_student *dst, const struct cf_student *src, uint32_t fields, uint32_t flag_mask)
{
	int rc = CF_OK;
	if (fields & CF_FIELD_STUDENT_NUMBER) rc |= copy_str(dst, &dst->student_number, src->student_number);
	if (fields & CF_FIELD_NAME) rc |= copy_str(dst, &dst->name, src->name);
	if (fields & CF_FIELD_SEX) dst->sex = src->sex;
	if (fields & CF_FIELD_BIRTH_DATE) memcpy(dst->birth_date, src->birth_date, sizeof(dst->birth_date));
	if (fields & CF_FIELD_ETHNICITY) rc |= copy_str(dst, &dst->ethnicity, src->ethnicity);
	if (fields & CF_FIELD_SCHOOL) rc |= copy_str(dst, &dst->school, src->school);
	if (fields & CF_FIELD_GRADE) rc |= copy_str(dst, &dst->grade, src->grade);
	if (fields & CF_FIELD_CLASS) rc |= copy_str(dst, &dst->class_name, src->class_name);
	if (fields & CF_FIELD_ADDRESS) rc |= copy_str(dst, &dst->address, src->address);
	if (fields & CF_FIELD_REMARKS) rc |= copy_str(dst, &dst->remarks, src->remarks);
	if (fields & CF_FIELD_STATUS) dst->status = src->status;
	if (fields & CF_FIELD_FLAGS) dst->flags = (dst->flags & ~flag_mask) | (src->flags & flag_mask);
	if (fields & CF_FIELD_GUARDIANS) {
		for (size_t g = 0; g < CF_STUDENT_GUARDIANS_MAX; g++) {
			struct cf_guardian *x = &dst->guardians[g];
			const struct cf_guardian *y = g < src->n_guardians ? &src->guardians[g] : NULL;
			rc |= copy_str(dst, &x->name, y ? y->name : NULL);
			rc |= copy_str(dst, &x->relation, y ? y->relation : NULL);
			size_t np = y ? y->n_phones : 0;
			for (size_t p = 0; p < CF_GUARDIAN_PHONES_MAX; p++)
				rc |= copy_str(dst, &x->phones[p], p < np ? y->phones[p] : NULL);
			x->n_phones = np;
		}
		dst->n_guardians = src->n_guardians;
	}
	return rc == CF_OK ? CF_OK : CF_ERR_NOMEM;
}

/*
 * Stored slot each provided guardian of src goes to (appends numbered after
 * dst->n_guardians); SIZE_MAX = dropped. Guardians matched by relation take
 * the first stored guardian with that relation not taken yet.
 */
static void
provided_slots(const struct cf_student *dst, const struct cf_student *src, const struct cf_student_provided *p,
               size_t slot[CF_STUDENT_GUARDIANS_MAX])
{
	size_t dst_n = dst->n_guardians < CF_STUDENT_GUARDIANS_MAX ? dst->n_guardians : CF_STUDENT_GUARDIANS_MAX;
	size_t next = dst_n;
	bool taken[CF_STUDENT_GUARDIANS_MAX] = { false };
	for (size_t i = 0; i < CF_STUDENT_GUARDIANS_MAX; i++) {
		slot[i] = SIZE_MAX;
		if (i >= src->n_guardians || !p->guardians[i].parts || (p->guardians[i].parts & CF_GUARDIAN_MATCH_RELATION))
			continue;
		if (p->guardians[i].slot < dst_n)
			taken[p->guardians[i].slot] = true;
	}
	for (size_t i = 0; i < CF_STUDENT_GUARDIANS_MAX; i++) {
		if (i >= src->n_guardians || !(p->guardians[i].parts & ~(unsigned)CF_GUARDIAN_MATCH_RELATION))
			continue;
		size_t t = SIZE_MAX;
		if (p->guardians[i].parts & CF_GUARDIAN_MATCH_RELATION) {
			for (size_t k = 0; k < dst_n && t == SIZE_MAX; k++)
				if (!taken[k] && src->guardians[i].relation &&
				    str_same(dst->guardians[k].relation, src->guardians[i].relation))
					t = k;
			if (t != SIZE_MAX)
				taken[t] = true;
		} else if (p->guardians[i].slot < dst_n) {
			t = p->guardians[i].slot;
		}
		if (t == SIZE_MAX && next < CF_STUDENT_GUARDIANS_MAX)
			t = next++;
		slot[i] = t;
	}
}

static bool
phones_same(const struct cf_guardian *x, const struct cf_guardian *y)
{
	if (x->n_phones != y->n_phones)
		return false;
	for (size_t k = 0; k < x->n_phones && k < CF_GUARDIAN_PHONES_MAX; k++)
		if (!str_same(x->phones[k], y->phones[k]))
			return false;
	return true;
}

uint32_t
student_diff_provided(const struct cf_student *cur, const struct cf_student *src, const struct cf_student_provided *p)
{
	uint32_t d = student_diff(cur, src, p->fields & ~(uint32_t)CF_FIELD_GUARDIANS, p->flag_mask);
	size_t slot[CF_STUDENT_GUARDIANS_MAX];
	provided_slots(cur, src, p, slot);
	for (size_t i = 0; i < CF_STUDENT_GUARDIANS_MAX; i++) {
		if (slot[i] == SIZE_MAX)
			continue;
		if (slot[i] >= cur->n_guardians) {
			d |= CF_FIELD_GUARDIANS;
			break;
		}
		const struct cf_guardian *x = &cur->guardians[slot[i]], *y = &src->guardians[i];
		unsigned parts = p->guardians[i].parts;
		if (((parts & CF_GUARDIAN_PART_NAME) && !str_same(x->name, y->name)) ||
		    ((parts & CF_GUARDIAN_PART_RELATION) && !str_same(x->relation, y->relation)) ||
		    ((parts & CF_GUARDIAN_PART_PHONES) && !phones_same(x, y)))
			d |= CF_FIELD_GUARDIANS;
	}
	return d;
}

int
student_merge_provided(struct cf_student *dst, const struct cf_student *src, const struct cf_student_provided *p)
{
	int rc = student_merge(dst, src, p->fields & ~(uint32_t)CF_FIELD_GUARDIANS, p->flag_mask);
	size_t slot[CF_STUDENT_GUARDIANS_MAX];
	provided_slots(dst, src, p, slot);
	for (size_t i = 0; i < CF_STUDENT_GUARDIANS_MAX; i++) {
		if (slot[i] == SIZE_MAX)
			continue;
		struct cf_guardian *x = &dst->guardians[slot[i]];
		const struct cf_guardian *y = &src->guardians[i];
		unsigned parts = p->guardians[i].parts;
		if (slot[i] >= dst->n_guardians)
			dst->n_guardians = slot[i] + 1;
		if (parts & CF_GUARDIAN_PART_NAME)
			rc |= copy_str(dst, &x->name, y->name);
		if (parts & CF_GUARDIAN_PART_RELATION)
			rc |= copy_str(dst, &x->relation, y->relation);
		if (parts & CF_GUARDIAN_PART_PHONES) {
			size_t np = y->n_phones;
			for (size_t k = 0; k < CF_GUARDIAN_PHONES_MAX; k++)
				rc |= copy_str(dst, &x->phones[k], k < np ? y->phones[k] : NULL);
			x->n_phones = np;
		}
	}
	return rc == CF_OK ? CF_OK : CF_ERR_NOMEM;
}

const char *
student_field_label(enum cf_student_field field)
{
	switch (field) {
	case CF_FIELD_STUDENT_NUMBER: return _("Student number");
	case CF_FIELD_NAME: return _("Name");
	case CF_FIELD_SEX: return _("Sex");
	case CF_FIELD_BIRTH_DATE: return _("Date of birth");
	case CF_FIELD_ETHNICITY: return _("Ethnicity");
	case CF_FIELD_SCHOOL: return _("School");
	case CF_FIELD_GRADE: return _("Grade");
	case CF_FIELD_CLASS: return _("Class");
	case CF_FIELD_GUARDIANS: return _("Guardians");
	case CF_FIELD_ADDRESS: return _("Address");
	case CF_FIELD_FLAGS: return _("Flags");
	case CF_FIELD_STATUS: return _("Status");
	case CF_FIELD_REMARKS: return _("Remarks");
	}
	return _("Unknown");
}
