/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The student record: its field table and table, and the checks of its values (dates, phones, student numbers). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/error.h"
#include "carefile/i18n.h"
#include "carefile/text.h"
#include "carefile/record.h"
#include "carefile/student.h"

/* ---- the field table ---- */

static bool
phone_syntax(const char *in, char *out, size_t out_size)
{
	return student_phone_normalise(in, out, out_size);
}

static bool
number_syntax(const char *in, char *out, size_t out_size)
{
	size_t n = in ? strlen(in) : 0;

	if (n + 1 > out_size || !student_number_valid(in))
		return false;
	memcpy(out, in, n + 1);
	student_number_normalise(out);
	return true;
}

static const struct cf_text_syntax phone_number_syntax = {
	.normalise = phone_syntax,
	.out_max = 16,
	/* TRANSLATORS: validation message of a phone number field. */
	.error = N_("Not a phone number: a mobile has 11 digits; a landline an area code and 7 or 8 digits."),
	/* TRANSLATORS: shown in an empty phone field. */
	.hint = N_("e.g. 13800138000, 010-12345678"),
};

static const struct cf_text_syntax student_number_syntax = {
	.normalise = number_syntax,
	.out_max = CF_STUDENT_NUMBER_MAX,
	.error = N_("Use letters, digits and - _ . / only, at most 32 characters, no spaces."),
	.hint = NULL,
};

/* A guardian's phone: a group element that is one string. */
static const struct cf_field phone_fields[] = {
	{ .tag = 1, .name = "phone", .label = N_("Phone"), .kind = CF_KIND_TEXT, .offset = 0, .size = sizeof(char *),
	  .max_chars = 24, .syntax = &phone_number_syntax },
};

static const struct cf_record_type phone_type = {
	.name = "phone",
	.size = sizeof(char *),
	.alloc_offset = SIZE_MAX,
	.fields = phone_fields,
	.n_fields = sizeof phone_fields / sizeof phone_fields[0],
};

static const struct cf_field guardian_fields[] = {
	{ .tag = 1, .name = "name", .label = N_("Name"), .kind = CF_KIND_TEXT, CF_MEMBER(struct cf_guardian, name),
	  .max_chars = CF_STUDENT_NAME_MAX },
	/* TRANSLATORS: a guardian's relation to the student: 父亲, 母亲, 祖母 ... */
	{ .tag = 2, .name = "relation", .label = N_("Relation"), .kind = CF_KIND_TEXT,
	  CF_MEMBER(struct cf_guardian, relation), .max_chars = 32 },
	{ .tag = 3, .name = "phones", .label = N_("Phones"), .kind = CF_KIND_GROUP,
	  CF_MEMBER(struct cf_guardian, phones), .element = &phone_type,
	  .count_offset = offsetof(struct cf_guardian, n_phones), .max_count = CF_GUARDIAN_PHONES_MAX },
};

const struct cf_record_type cf_guardian_type = {
	.name = "guardian",
	.size = sizeof(struct cf_guardian),
	.alloc_offset = SIZE_MAX,
	.fields = guardian_fields,
	.n_fields = sizeof guardian_fields / sizeof guardian_fields[0],
};

/* In the order a form offers them. */
static const struct cf_field_option sex_options[] = {
	{ CF_SEX_MALE, N_("Male") },
	{ CF_SEX_FEMALE, N_("Female") },
	{ CF_SEX_UNKNOWN, N_("Unknown") },
};

static const struct cf_field_option status_options[] = {
	{ CF_STUDENT_ACTIVE, N_("Active") },
	{ CF_STUDENT_ON_LEAVE, N_("On leave") },
	{ CF_STUDENT_TRANSFERRED, N_("Transferred") },
	{ CF_STUDENT_GRADUATED, N_("Graduated") },
};

static const struct cf_field_option flag_options[] = {
	{ CF_STUDENT_FLAG_LEFT_BEHIND, N_("Left-behind child") },
	{ CF_STUDENT_FLAG_ON_LEAVE, N_("On leave") },
	{ CF_STUDENT_FLAG_SPECIAL_NEEDS, N_("Special needs") },
	{ CF_STUDENT_FLAG_BOARDING, N_("Boarding") },
	{ CF_STUDENT_FLAG_SINGLE_PARENT, N_("Single-parent family") },
	{ CF_STUDENT_FLAG_MIGRANT, N_("Migrant child") },
	{ CF_STUDENT_FLAG_POVERTY, N_("Financial hardship") },
};

static size_t
format_guardians(const void *rec, char *buf, size_t size)
{
	return student_guardians_format(rec, buf, size);
}

/* Field i is bit i of enum cf_student_field (student.h): keep both in this order. */
static const struct cf_field student_fields[] = {
	{ .tag = 1, .name = "student_number", .label = N_("Student number"), .kind = CF_KIND_TEXT,
	  .flags = CF_FIELD_REQUIRED, CF_MEMBER(struct cf_student, student_number),
	  .max_chars = CF_STUDENT_NUMBER_MAX, .syntax = &student_number_syntax },
	{ .tag = 2, .name = "name", .label = N_("Name"), .kind = CF_KIND_TEXT, .flags = CF_FIELD_REQUIRED,
	  CF_MEMBER(struct cf_student, name), .max_chars = CF_STUDENT_NAME_MAX },
	{ .tag = 3, .name = "sex", .label = N_("Sex"), .kind = CF_KIND_ENUM, CF_MEMBER(struct cf_student, sex),
	  .options = sex_options, .n_options = sizeof sex_options / sizeof sex_options[0] },
	{ .tag = 4, .name = "birth_date", .label = N_("Date of birth"), .kind = CF_KIND_DATE,
	  .flags = CF_FIELD_NOT_FUTURE, CF_MEMBER(struct cf_student, birth_date) },
	{ .tag = 5, .name = "ethnicity", .label = N_("Ethnicity"), .kind = CF_KIND_TEXT,
	  CF_MEMBER(struct cf_student, ethnicity), .max_chars = 32 },
	{ .tag = 6, .name = "school", .label = N_("School"), .kind = CF_KIND_TEXT,
	  CF_MEMBER(struct cf_student, school), .max_chars = 64 },
	{ .tag = 7, .name = "grade", .label = N_("Grade"), .kind = CF_KIND_TEXT,
	  CF_MEMBER(struct cf_student, grade), .max_chars = 32 },
	{ .tag = 8, .name = "class", .label = N_("Class"), .kind = CF_KIND_TEXT,
	  CF_MEMBER(struct cf_student, class_name), .max_chars = 32 },
	{ .tag = 9, .name = "guardians", .label = N_("Guardians"), .kind = CF_KIND_GROUP,
	  CF_MEMBER(struct cf_student, guardians), .element = &cf_guardian_type,
	  .count_offset = offsetof(struct cf_student, n_guardians), .max_count = CF_STUDENT_GUARDIANS_MAX,
	  .format = format_guardians },
	{ .tag = 10, .name = "address", .label = N_("Address"), .kind = CF_KIND_LONGTEXT,
	  CF_MEMBER(struct cf_student, address), .max_chars = 200 },
	{ .tag = 11, .name = "flags", .label = N_("Flags"), .kind = CF_KIND_FLAGS, CF_MEMBER(struct cf_student, flags),
	  .options = flag_options, .n_options = sizeof flag_options / sizeof flag_options[0] },
	/* a plaintext column: the archive filter works without a key, and the AD authenticates it */
	{ .tag = 12, .name = "status", .label = N_("Status"), .kind = CF_KIND_ENUM,
	  .flags = CF_FIELD_COLUMN | CF_FIELD_REQUIRED,
	  CF_MEMBER(struct cf_student, status), .options = status_options,
	  .n_options = sizeof status_options / sizeof status_options[0] },
	{ .tag = 13, .name = "remarks", .label = N_("Remarks"), .kind = CF_KIND_LONGTEXT,
	  CF_MEMBER(struct cf_student, remarks), .max_chars = 2000 },
};

const struct cf_record_type cf_student_type = {
	.name = "student",
	.size = sizeof(struct cf_student),
	.alloc_offset = offsetof(struct cf_student, alloc),
	.fields = student_fields,
	.n_fields = sizeof student_fields / sizeof student_fields[0],
};

static const struct cf_column student_columns[] = {
	{ .name = "status", .tag = 1, .kind = CF_COLUMN_FIELD, .field = 12 },
};

const struct cf_table cf_table_student = {
	.name = "student",
	.compartment = CF_COMPARTMENT_IDENTITY,
	.type = &cf_student_type,
	.cols = student_columns,
	.n_cols = sizeof student_columns / sizeof student_columns[0],
};

/* ---- memory: the record layer's, for this type ---- */

void
student_init(struct cf_student *s, const struct cf_str_alloc *alloc)
{
	record_init(&cf_student_type, s, alloc);
}

void
student_fini(struct cf_student *s)
{
	record_fini(&cf_student_type, s);
}

int
student_set_str(struct cf_student *s, char **field, const char *value, size_t len)
{
	return record_set_text(&cf_student_type, s, field, value, len);
}

static int
copy_str(struct cf_student *dst, char **field, const char *src)
{
	return student_set_str(dst, field, src, src ? strlen(src) : 0);
}

int
student_copy(struct cf_student *dst, const struct cf_student *src, const struct cf_str_alloc *alloc)
{
	return record_copy(&cf_student_type, dst, src, alloc);
}

struct cf_guardian *
student_add_guardian(struct cf_student *s)
{
	return record_group_add(&cf_student_type, &student_fields[8], s);
}

int
student_guardian_add_phone(struct cf_student *s, struct cf_guardian *g, const char *phone)
{
	char **slot;

	if (g->n_phones >= CF_GUARDIAN_PHONES_MAX)
		return CF_ERR_INVALID;
	slot = &g->phones[g->n_phones];
	*slot = NULL;
	if (copy_str(s, slot, phone) != CF_OK)
		return CF_ERR_NOMEM;
	g->n_phones++;
	return CF_OK;
}

size_t
student_guardians_format(const struct cf_student *s, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
#define PUT(str) do { const char *s_ = (str); size_t n_ = strlen(s_); \
		if (size && len < size - 1) memcpy(buf + len, s_, n_ < size - 1 - len ? n_ : size - 1 - len); \
		len += n_; } while (0)
	for (size_t g = 0; g < s->n_guardians && g < CF_STUDENT_GUARDIANS_MAX; g++) {
		const struct cf_guardian *gd = &s->guardians[g];

		if (g)
			PUT("; ");
		if (gd->name)
			PUT(gd->name);
		if (gd->relation) {
			PUT(" (");
			PUT(gd->relation);
			PUT(")");
		}
		for (size_t p = 0; p < gd->n_phones && p < CF_GUARDIAN_PHONES_MAX; p++) {
			PUT(p ? "/" : " ");
			PUT(gd->phones[p]);
		}
	}
#undef PUT
	if (size)
		buf[len < size ? len : size - 1] = '\0';
	return len;
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
	return record_date_valid(str);
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

/* The option's label, or "Unknown" for a value that is none. */
static const char *
label_or_unknown(const struct cf_field *f, int64_t v)
{
	const char *l = record_option_label(f, v);

	return *l ? l : _("Unknown");
}

const char *
student_status_label(enum cf_student_status status)
{
	return label_or_unknown(&student_fields[11], status);
}

const char *
student_flag_label(enum cf_student_flag flag)
{
	return label_or_unknown(&student_fields[10], flag);
}

const char *
student_sex_label(enum cf_sex sex)
{
	return label_or_unknown(&student_fields[2], sex);
}

static bool
str_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

uint32_t
student_diff(const struct cf_student *a, const struct cf_student *b, uint32_t fields, uint32_t flag_mask)
{
	/* field i of the table is bit i of enum cf_student_field */
	uint32_t d = (uint32_t)record_diff(&cf_student_type, a, b) & ~(uint32_t)CF_FIELD_FLAGS;

	if ((a->flags ^ b->flags) & flag_mask)
		d |= CF_FIELD_FLAGS;
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
	for (size_t i = 0; i < CF_FIELD_COUNT; i++)
		if ((uint32_t)field == 1u << i)
			return _(student_fields[i].label);
	return _("Unknown");
}
