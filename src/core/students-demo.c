/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fictional students for `carefile demo`: deterministic from a seed, four fictional schools, guardians, contacts. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "students-internal.h"

/* splitmix64: small, fast and the same on every platform (no rand()). */
static uint64_t
next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static unsigned
pick(uint64_t *s, unsigned n)
{
	return (unsigned)(next(s) % n);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Common surnames, with some read specially as surnames (曾 zeng, 单 shan, 解 xie, 区 ou, 查 zha, 仇 qiu, 翟 zhai). */
static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何",
	"林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "萧", "田", "董",
	"曾", "单", "解", "区", "查", "仇", "翟", "欧阳", "司马",
};
static const char *const given[] = {
	"子", "涵", "浩", "宇", "欣", "怡", "梓", "轩", "雨", "萱", "诺", "思", "彤", "晨", "阳", "佳", "琪",
	"俊", "杰", "博", "文", "嘉", "明", "辉", "婷", "雪", "悦", "然", "志", "强", "静", "安", "乐", "天",
	"若", "曦", "一", "可", "昊", "睿", "泽", "铭", "瑶", "璐", "航", "宁", "远", "岚", "朗", "沐",
};
static const char *const relations_f[] = { "父亲", "祖父", "外祖父" };
static const char *const relations_m[] = { "母亲", "祖母", "外祖母" };
static const char *const ethnicities[] = { "汉族", "汉族", "汉族", "汉族", "汉族", "汉族", "回族", "满族", "壮族", "土家族" };
static const char *const districts[] = { "东城区", "西岭区", "南湖区", "北岸区" };

static const struct {
	const char *name;
	const char *grades[3];
	int classes;
} schools[] = {
	{ "晨光实验小学", { "四年级", "五年级", "六年级" }, 3 },
	{ "松涛第一中学", { "七年级", "八年级", "九年级" }, 3 },
	{ "白鹭高级中学", { "高一", "高二", "高三" }, 2 },
	{ "溪山九年制学校", { "三年级", "六年级", "八年级" }, 2 },
};
/* Age in years at the start of the school year for each grade above (rank + 5). */
static const int grade_age[4][3] = { { 9, 10, 11 }, { 12, 13, 14 }, { 15, 16, 17 }, { 8, 11, 13 } };

static const char *const summaries[] = {
	"电话沟通近期作业完成情况，家长表示会加强督促。",
	"家访了解家庭情况，学生与祖母同住，父母在外地务工。",
	"约家长到校面谈，反馈近两周课堂状态，商定每周沟通一次。",
	"微信告知学生午休时间情绪低落，建议家长多陪伴交流。",
	"电话回访：学生周末作息已有改善。",
	"面谈：家长希望学校关注孩子与同学的相处。",
};

/* Writes a name of 1-2 given characters after surname into buf. */
static void
make_name(uint64_t *s, const char *surname, char *buf, size_t size)
{
	int two = pick(s, 10) < 7;

	snprintf(buf, size, "%s%s%s", surname, given[pick(s, N(given))], two ? given[pick(s, N(given))] : "");
}

static void
make_phone(uint64_t *s, char *buf, size_t size)
{
	/* 13x/15x/18x then 0000 and four digits: valid mobile numbers that look made up */
	static const char *const pre[] = { "13", "15", "18" };

	snprintf(buf, size, "%s%u0000%04u", pre[pick(s, 3)], pick(s, 10), pick(s, 10000));
}

static int
set(struct cf_student *st, char **field, const char *v)
{
	return student_set_str(st, field, v, strlen(v));
}

/* Fills st (allocator alloc) with student number k. Only fictional values. */
static enum cf_error
make_student(uint64_t *s, size_t k, size_t n, struct cf_student *st)
{
	size_t slots = 0, slot, seq;
	unsigned si = 0, gi = 0, ci = 0;
	const char *sur = surnames[pick(s, N(surnames))];
	char name[64], buf[64];
	struct cf_guardian *g;
	int e = CF_OK;
	uint32_t r;

	for (unsigned a = 0; a < N(schools); a++)
		slots += 3u * (unsigned)schools[a].classes;
	slot = k * slots / (n ? n : 1);
	seq = k - (slot * n + slots - 1) / slots + 1;
	for (si = 0; si < N(schools); si++) {
		size_t per = 3u * (unsigned)schools[si].classes;

		if (slot < per) {
			gi = (unsigned)(slot / (unsigned)schools[si].classes);
			ci = (unsigned)(slot % (unsigned)schools[si].classes);
			break;
		}
		slot -= per;
	}
	snprintf(buf, sizeof buf, "D%u%02u%02u%04u", si + 1, gi + 1, ci + 1, (unsigned)(seq % 10000));
	e |= set(st, &st->student_number, buf);
	make_name(s, sur, name, sizeof name);
	e |= set(st, &st->name, name);
	st->sex = pick(s, 2) ? CF_SEX_MALE : CF_SEX_FEMALE;
	snprintf(buf, sizeof buf, "%04d-%02u-%02u", 2025 - grade_age[si][gi], pick(s, 12) + 1, pick(s, 28) + 1);
	memcpy(st->birth_date, buf, sizeof st->birth_date - 1);
	e |= set(st, &st->ethnicity, ethnicities[pick(s, N(ethnicities))]);
	e |= set(st, &st->school, schools[si].name);
	e |= set(st, &st->grade, schools[si].grades[gi]);
	snprintf(buf, sizeof buf, "%u班", ci + 1);
	e |= set(st, &st->class_name, buf);
	snprintf(buf, sizeof buf, "示例市%s%u号", districts[pick(s, N(districts))], pick(s, 300) + 1);
	e |= set(st, &st->address, buf);

	/* father or another male guardian with the student's surname; often a mother too */
	g = student_add_guardian(st);
	make_name(s, sur, name, sizeof name);
	e |= set(st, &g->name, name);
	e |= set(st, &g->relation, relations_f[pick(s, 10) < 8 ? 0 : 1 + pick(s, 2)]);
	make_phone(s, buf, sizeof buf);
	e |= student_guardian_add_phone(st, g, buf);
	if (pick(s, 10) < 7) {
		g = student_add_guardian(st);
		make_name(s, surnames[pick(s, N(surnames))], name, sizeof name);
		e |= set(st, &g->name, name);
		e |= set(st, &g->relation, relations_m[pick(s, 10) < 8 ? 0 : 1 + pick(s, 2)]);
		make_phone(s, buf, sizeof buf);
		e |= student_guardian_add_phone(st, g, buf);
	}
	r = pick(s, 100);
	if (r < 9)
		st->flags |= CF_STUDENT_FLAG_LEFT_BEHIND;
	if (pick(s, 100) < 3)
		st->flags |= CF_STUDENT_FLAG_SPECIAL_NEEDS;
	if (si == 2 && pick(s, 100) < 40)
		st->flags |= CF_STUDENT_FLAG_BOARDING;
	if (pick(s, 100) < 5)
		st->flags |= CF_STUDENT_FLAG_SINGLE_PARENT;
	r = pick(s, 100);
	if (r < 2) {
		st->status = CF_STUDENT_ON_LEAVE;
		st->flags |= CF_STUDENT_FLAG_ON_LEAVE;
	} else if (r < 4) {
		st->status = CF_STUDENT_TRANSFERRED;
	}
	return e == CF_OK ? CF_OK : CF_ERR_NOMEM;
}

static void *
arena_alloc(void *ctx, size_t size)
{
	return crypto_arena_alloc(ctx, size);
}

static enum cf_error
populate(struct cf_casefile *cf, uint64_t *seed, size_t n, struct cf_secure_arena *arena,
         struct cf_str_alloc *alloc, int contacts)
{
	enum cf_error e = CF_OK;

	for (size_t k = 0; k < n && e == CF_OK; k++) {
		struct cf_student st;
		struct cf_row row;

		memset(&row, 0, sizeof row);
		student_init(&st, alloc);
		e = make_student(seed, k, n, &st);
		if (e == CF_OK && students_validate(&st, NULL) != CF_OK)
			e = CF_ERR_FAIL; /* a bug in the generator, not in the user's data */
		if (e == CF_OK)
			e = casefile_record_put(cf, &cf_table_student, &row, &st, NULL);
		if (e == CF_OK && contacts && pick(seed, 100) < 8) {
			unsigned m = 1 + pick(seed, 3);

			for (unsigned j = 0; j < m && e == CF_OK; j++) {
				struct cf_contact c;
				struct cf_row crow;
				const char *sum;
				char today[11];

				memset(&crow, 0, sizeof crow);
				record_init(&cf_contact_type, &c, alloc);
				/* fixed dates, so the demo (and the screens' goldens) are the same every day */
				snprintf(c.date, sizeof c.date, "2026-%02u-%02u", 3 + pick(seed, 8), 1 + pick(seed, 28));
				casefile_today(today);
				if (strcmp(c.date, today) > 0)
					memcpy(c.date, today, sizeof c.date); /* a clock set early: never a date in the future */
				c.channel = (enum cf_contact_channel)pick(seed, CF_CONTACT_CHANNEL__COUNT);
				sum = summaries[pick(seed, N(summaries))];
				if (record_set_text(&cf_contact_type, &c, &c.guardian, st.guardians[0].name,
				                    st.guardians[0].name ? strlen(st.guardians[0].name) : 0) != CF_OK ||
				    record_set_text(&cf_contact_type, &c, &c.summary, sum, strlen(sum)) != CF_OK)
					e = CF_ERR_NOMEM;
				if (e == CF_OK)
					e = casefile_record_put_child(cf, &cf_table_contact, &cf_table_student, row.id, &crow, &c,
					                              NULL);
				record_fini(&cf_contact_type, &c);
			}
		}
		student_fini(&st);
		crypto_arena_reset(arena); /* one student's strings at a time */
	}
	return e;
}

enum cf_error
students_demo_populate(struct cf_casefile *cf, uint32_t seed, size_t n)
{
	struct cf_secure_arena *arena = NULL;
	struct cf_str_alloc alloc;
	uint64_t s = seed;
	enum cf_error e;

	if ((e = students_need(cf, CF_COMPARTMENT_IDENTITY)) != CF_OK)
		return e;
	if (crypto_arena_new(0, &arena) != CF_OK)
		return CF_ERR_NOMEM;
	alloc.alloc = arena_alloc;
	alloc.free = NULL;
	alloc.ctx = arena;
	e = casefile_begin(cf);
	if (e == CF_OK)
		e = populate(cf, &s, n, arena, &alloc,
		             (casefile_compartments(cf) & CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL)) != 0);
	if (e == CF_OK)
		e = casefile_commit(cf);
	else
		casefile_rollback(cf);
	crypto_arena_free(&arena);
	return e;
}
