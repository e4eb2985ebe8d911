/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests for pinyin: table look-ups, surname overrides, sort order and search matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/pinyin.h"

static void
full_is(const char *name, const char *want)
{
	char buf[128];
	size_t n = pinyin_full(name, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void
initials_is(const char *name, const char *want)
{
	char buf[64];
	pinyin_initials(name, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void
test_table(void **state)
{
	(void)state;
	assert_string_equal(pinyin_syllable(0x5F20), "zhang"); /* 张 */
	assert_string_equal(pinyin_syllable(0x4E09), "san");   /* 三 */
	assert_string_equal(pinyin_syllable(0x5415), "lv");    /* 吕: u-umlaut as v */
	assert_string_equal(pinyin_syllable(0x5973), "nv");    /* 女 */
	assert_string_equal(pinyin_syllable(0x4E00), "yi");    /* first URO code point */
	assert_string_equal(pinyin_syllable(0x3400), "qiu");   /* Ext A */
	assert_non_null(pinyin_syllable(0x20000));             /* Ext B 𠀀 */
	assert_null(pinyin_syllable('A'));
	assert_null(pinyin_syllable(0x3000));
	assert_null(pinyin_syllable(0x10FFFF));
}

static void
test_full_and_initials(void **state)
{
	(void)state;
	full_is("张三", "zhangsan");
	initials_is("张三", "zs");
	full_is("李小龙", "lixiaolong");
	initials_is("李小龙", "lxl");
	full_is("吕雪", "lvxue");
	full_is("Alice 王", "alicewang");
	initials_is("Alice 王", "alicew");
	full_is("", "");
	full_is("\xFF张", "zhang"); /* invalid byte skipped */
	/* surname overrides: only the first character */
	full_is("曾", "zeng");
	full_is("曾国藩", "zengguofan");
	full_is("单田芳", "shantianfang");
	full_is("解缙", "xiejin");
	full_is("仇英", "qiuying");
	full_is("区", "ou");
	full_is("查良镛", "zhaliangyong");
	full_is("朴树", "piaoshu");
	full_is("盖聂", "genie");
	full_is("覃", "qin");
	full_is("尉迟恭", "yuchigong");
	full_is("万俟卨", "moqixie");
	full_is("长孙无忌", "zhangsunwuji");
	full_is("尉缭", "weiliao");
	full_is("李长江", "lichangjiang");
	/* not a surname position: the table's reading */
	full_is("何曾", "heceng");
	initials_is("曾国藩", "zgf");
	initials_is("尉迟恭", "ycg");
	/* snprintf-like */
	char small[4];
	assert_int_equal(pinyin_full("张三", small, sizeof(small)), 8);
	assert_string_equal(small, "zha");
	assert_int_equal(pinyin_full("张三", NULL, 0), 8);
}

static int
cmp_names(const void *a, const void *b)
{
	return pinyin_compare(*(const char *const *)a, *(const char *const *)b);
}

static void
test_sort(void **state)
{
	(void)state;
	const char *names[] = { "张三", "李四", "梁五", "阿强", "章三", "曾七", "Bob", "李", "王二", "张三丰", "zoe" };
	const char *want[] = { "阿强", "Bob", "李", "李四", "梁五", "王二", "曾七", "张三", "章三", "张三丰", "zoe" };
	size_t n = sizeof(names) / sizeof(names[0]);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(names[i], want[i]);
	assert_int_equal(pinyin_compare("张三", "张三"), 0);
	assert_true(pinyin_compare("张三", "章三") < 0); /* same pinyin: code point U+5F20 < U+7AE0 */
	char key[64];
	size_t kn = pinyin_sort_key("李", key, sizeof(key));
	assert_int_equal(kn, strlen("li\x01\x02李"));
	assert_string_equal(key, "li\x01\x02李");
}

static void
test_match(void **state)
{
	(void)state;
	assert_true(pinyin_match("张三", "zs"));
	assert_true(pinyin_match("张三", "ZS"));
	assert_true(pinyin_match("张三", "z"));
	assert_true(pinyin_match("张三", "zhangsan"));
	assert_true(pinyin_match("张三", "zhang"));
	assert_true(pinyin_match("张三", "zhangs"));
	assert_true(pinyin_match("张三", "zsan"));
	assert_true(pinyin_match("张三", "zhs"));
	assert_true(pinyin_match("张三", "san"));
	assert_true(pinyin_match("张三", "s"));
	assert_true(pinyin_match("张三", "zhang san"));
	assert_true(pinyin_match("张三", "张"));
	assert_true(pinyin_match("张三", "三"));
	assert_true(pinyin_match("张三", "张三"));
	assert_true(pinyin_match("张三", ""));
	assert_false(pinyin_match("张三", "zx"));
	assert_false(pinyin_match("张三", "sz"));
	assert_false(pinyin_match("张三", "ang"));       /* not syllable-aligned */
	assert_false(pinyin_match("张三", "zhangsanf"));
	assert_false(pinyin_match("张三", "李"));
	assert_true(pinyin_match("曾国藩", "zgf"));
	assert_true(pinyin_match("曾国藩", "zeng"));
	assert_false(pinyin_match("曾国藩", "ceng"));
	assert_true(pinyin_match("吕雪", "lvx"));
	assert_true(pinyin_match("Alice", "lic"));
	assert_true(pinyin_match("Alice", "ALI"));
	assert_true(pinyin_match("阿依古丽·买买提", "mmt"));
	assert_true(pinyin_match("阿依古丽·买买提", "ayglm"));
	assert_true(pinyin_match("欧阳娜娜", "ouyangnn"));
	/* long inputs are bounded, not an error */
	char longq[200];
	memset(longq, 'a', sizeof(longq) - 1);
	longq[sizeof(longq) - 1] = '\0';
	assert_false(pinyin_match("张三", longq));
	char longname[400] = "";
	for (int i = 0; i < 100; i++)
		strcat(longname, "阿");
	assert_true(pinyin_match(longname, "aaaa"));
	assert_false(pinyin_match(longname, "ab"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_full_and_initials),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
