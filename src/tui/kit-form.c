/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Record forms built from a type's field table: one widget per field (groups as blocks), read, errors, drafts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-kit.h"

#define CHOICES_MAX 16
/* Longest text a field without a limit of its own takes. */
#define TEXT_MAX 4000

enum bind_kind {
	B_TEXT,        /* TEXT, LONGTEXT */
	B_DATE,
	B_TIME,
	B_ENUM,
	B_FLAGS,
	B_INT,
	B_LIST,        /* a group of one text field (a guardian's phones), written "a, b, c" */
	B_CHOOSE,      /* the choice row of a `choose` text: one of the choices, or someone else */
	B_CHOOSE_TEXT, /* the free text after "someone else" */
	B_LABEL,       /* read-only */
};

struct binding {
	enum bind_kind kind;
	const struct cf_field *field; /* top-level field */
	const struct cf_field *sub;   /* in a GROUP: the element's field; NULL at the top */
	size_t block;                 /* in a GROUP: which element */
	size_t group;                 /* in a GROUP: its index in groups[] */
};

struct group {
	const struct cf_field *field;
	size_t first, per_block, blocks; /* form fields first .. first + per_block * blocks */
	size_t elem_block[64];           /* after read(): element k came from block elem_block[k] */
	size_t n_elems;
};

struct tui_record_form {
	const struct tui_form_spec *spec;
	struct tui_form form;
	struct tui_form_field *fields; /* secure memory */
	struct binding *b;
	size_t n, cap;
	struct group groups[4];
	size_t n_groups;
	const char **option_arrays[64]; /* malloc'd label arrays the fields point to */
	size_t n_option_arrays;
	char *choice_text;              /* the choices and their labels, copied (secure memory) */
	const char *choices[CHOICES_MAX + 1];
	const char *choice_labels[CHOICES_MAX + 1];
	size_t n_choices;
	char *labels;                   /* LABEL values (secure memory), one per field, 256 bytes each */
	/*
	 * The record as last filled (or restored): what read() takes the
	 * fields the form does not edit from. Secure memory, wiped on clear.
	 */
	void *stored;
	struct cf_secure_arena *stored_arena;
	struct cf_str_alloc stored_alloc;
	bool has_stored;
};

static void *
stored_arena_alloc(void *ctx, size_t size)
{
	return crypto_arena_alloc(ctx, size);
}

static void
stored_reset(struct tui_record_form *f)
{
	if (f->has_stored)
		record_fini(f->spec->type, f->stored);
	f->has_stored = false;
	crypto_arena_free(&f->stored_arena);
}

/* A fresh arena for the stored record; the caller fills f->stored (record_copy(), record_decode()). */
static int
stored_begin(struct tui_record_form *f)
{
	stored_reset(f);
	if (crypto_arena_new(4096, &f->stored_arena) != CF_OK)
		return CF_ERR_NOMEM;
	f->stored_alloc = (struct cf_str_alloc){ stored_arena_alloc, NULL, f->stored_arena };
	return CF_OK;
}

/* ---- building ---- */

static struct tui_form_field *
add_field(struct tui_record_form *f, const struct binding *b)
{
	if (f->n == f->cap)
		return NULL;
	f->b[f->n] = *b;
	memset(&f->fields[f->n], 0, sizeof f->fields[f->n]);
	return &f->fields[f->n++];
}

static int
editor(struct tui_form_field *fl, bool multiline, size_t max)
{
	fl->kind = multiline ? TUI_FORM_AREA : TUI_FORM_TEXT;
	fl->ed = tui_edit_new(multiline, max, tui_secure_edit_alloc());
	return fl->ed ? CF_OK : CF_ERR_NOMEM;
}

/* Translated labels of f's options, for a CHOICE or FLAGS widget. */
static const char **
option_labels(struct tui_record_form *f, const struct cf_field *field, const char *extra)
{
	size_t n = field ? field->n_options : 0;
	const char **v;

	if (f->n_option_arrays >= sizeof f->option_arrays / sizeof f->option_arrays[0])
		return NULL;
	v = calloc(n + 2, sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = _(field->options[i].label);
	if (extra)
		v[n] = extra;
	f->option_arrays[f->n_option_arrays++] = v;
	return v;
}

/* The widget(s) of one field (top level, or sub in block of a group). */
static int
build_field(struct tui_record_form *f, const struct tui_form_item *it, const struct cf_field *top,
            const struct cf_field *field, size_t block, size_t group, const char *label)
{
	struct binding b = { B_TEXT, top, top == field ? NULL : field, block, group };
	struct tui_form_field *fl;
	size_t max = field->max_chars ? field->max_chars + 1 : TEXT_MAX; /* one over: too long shows, never cut */

	if ((it && it->readonly) || (field->flags & CF_FIELD_READONLY) || field->kind == CF_KIND_UTC ||
	    field->kind == CF_KIND_LINK) {
		b.kind = B_LABEL;
		if (!(fl = add_field(f, &b)))
			return CF_ERR_NOMEM;
		fl->kind = TUI_FORM_LABEL;
		fl->text = f->labels + 256 * (f->n - 1);
	} else if (field->kind == CF_KIND_TEXT && it && it->choose) {
		b.kind = B_CHOOSE;
		if (!(fl = add_field(f, &b)))
			return CF_ERR_NOMEM;
		fl->kind = TUI_FORM_CHOICE;
		fl->options = f->choice_labels;
		/* TRANSLATORS: the last choice of a "who" field: someone who is not on the list. */
		f->choice_labels[f->n_choices] = _("someone else");
		fl->n_options = f->n_choices + 1;
		snprintf(fl->label, sizeof fl->label, "%s", label);
		b.kind = B_CHOOSE_TEXT;
		if (!(fl = add_field(f, &b)) || editor(fl, false, max) != CF_OK)
			return CF_ERR_NOMEM;
		/* TRANSLATORS: the label of the free text after "someone else" (indented under its choice). */
		snprintf(fl->label, sizeof fl->label, "  %s", _("Who"));
		return CF_OK;
	} else {
		switch (field->kind) {
		case CF_KIND_TEXT:
		case CF_KIND_LONGTEXT:
			if (!(fl = add_field(f, &b)) || editor(fl, field->kind == CF_KIND_LONGTEXT, max) != CF_OK)
				return CF_ERR_NOMEM;
			if (field->kind == CF_KIND_LONGTEXT)
				fl->rows = it && it->rows ? it->rows : 3;
			if (field->syntax && field->syntax->hint)
				fl->hint = _(field->syntax->hint);
			break;
		case CF_KIND_DATE:
			b.kind = B_DATE;
			if (!(fl = add_field(f, &b)) || editor(fl, false, 16) != CF_OK)
				return CF_ERR_NOMEM;
			/* TRANSLATORS: shown in an empty date field. */
			fl->hint = _("YYYY-MM-DD");
			break;
		case CF_KIND_TIME:
			b.kind = B_TIME;
			if (!(fl = add_field(f, &b)) || editor(fl, false, 8) != CF_OK)
				return CF_ERR_NOMEM;
			/* TRANSLATORS: shown in an empty time field. */
			fl->hint = _("HH:MM");
			break;
		case CF_KIND_INT:
			b.kind = B_INT;
			if (!(fl = add_field(f, &b)) || editor(fl, false, 20) != CF_OK)
				return CF_ERR_NOMEM;
			break;
		case CF_KIND_ENUM:
		case CF_KIND_FLAGS:
			b.kind = field->kind == CF_KIND_ENUM ? B_ENUM : B_FLAGS;
			if (!(fl = add_field(f, &b)))
				return CF_ERR_NOMEM;
			fl->kind = field->kind == CF_KIND_ENUM ? TUI_FORM_CHOICE : TUI_FORM_FLAGS;
			fl->options = option_labels(f, field, NULL);
			fl->n_options = field->n_options;
			if (!fl->options)
				return CF_ERR_NOMEM;
			break;
		case CF_KIND_GROUP: {
			/* a group of one text inside a block: a list on one line ("13800138000, 010-12345678") */
			const struct cf_field *one = &field->element->fields[0];

			b.kind = B_LIST;
			if (!(fl = add_field(f, &b)) ||
			    editor(fl, false, field->max_count * ((one->max_chars ? one->max_chars : 64) + 2)) != CF_OK)
				return CF_ERR_NOMEM;
			if (one->syntax && one->syntax->hint)
				fl->hint = _(one->syntax->hint);
			break;
		}
		default:
			return CF_ERR_INVALID;
		}
	}
	snprintf(fl->label, sizeof fl->label, "%s", label);
	return CF_OK;
}

int
tui_record_form_new(const struct tui_form_spec *spec, const char *const *choices, const char *const *labels,
                    size_t n_choices, struct tui_record_form **out)
{
	struct tui_record_form *f;
	size_t need = 0, text = 0;
	int err = CF_OK;

	*out = NULL;
	/* how many widgets: a group is max_count blocks of its element's fields */
	for (size_t i = 0; i < spec->n_items; i++) {
		const struct cf_field *fd = record_field(spec->type, spec->items[i].tag);

		if (!fd)
			return CF_ERR_INVALID;
		need += fd->kind == CF_KIND_GROUP ? fd->max_count * fd->element->n_fields : 2;
	}
	f = crypto_secure_alloc(sizeof *f);
	if (!f)
		return CF_ERR_NOMEM;
	f->spec = spec;
	f->cap = need;
	f->fields = crypto_secure_alloc(need * sizeof *f->fields);
	f->b = calloc(need, sizeof *f->b);
	f->labels = crypto_secure_alloc(need * 256);
	f->stored = crypto_secure_alloc(spec->type->size);
	for (size_t i = 0; i < n_choices && i < CHOICES_MAX; i++)
		text += strlen(choices[i]) + 1 + (labels && labels[i] ? strlen(labels[i]) + 1 : 0);
	f->choice_text = crypto_secure_alloc(text + 1);
	if (!f->fields || !f->b || !f->labels || !f->choice_text || !f->stored) {
		tui_record_form_free(&f);
		return CF_ERR_NOMEM;
	}
	for (size_t i = 0, off = 0; i < n_choices && i < CHOICES_MAX; i++) {
		size_t len = strlen(choices[i]);

		memcpy(f->choice_text + off, choices[i], len + 1);
		f->choices[f->n_choices] = f->choice_labels[f->n_choices] = f->choice_text + off;
		off += len + 1;
		if (labels && labels[i] && *labels[i]) {
			len = strlen(labels[i]);
			memcpy(f->choice_text + off, labels[i], len + 1);
			f->choice_labels[f->n_choices] = f->choice_text + off;
			off += len + 1;
		}
		f->n_choices++;
	}
	for (size_t i = 0; i < spec->n_items && err == CF_OK; i++) {
		const struct tui_form_item *it = &spec->items[i];
		const struct cf_field *fd = record_field(spec->type, it->tag);

		if (fd->kind != CF_KIND_GROUP) {
			err = build_field(f, it, fd, fd, 0, 0, _(fd->label));
			continue;
		}
		if (f->n_groups >= sizeof f->groups / sizeof f->groups[0] || fd->max_count > 64) {
			err = CF_ERR_INVALID;
			break;
		}
		{
			struct group *g = &f->groups[f->n_groups];

			g->field = fd;
			g->first = f->n;
			g->per_block = fd->element->n_fields;
			g->blocks = fd->max_count;
			for (size_t blk = 0; blk < fd->max_count && err == CF_OK; blk++)
				for (size_t j = 0; j < fd->element->n_fields && err == CF_OK; j++) {
					const struct cf_field *sub = &fd->element->fields[j];
					char label[96];

					if (j == 0 && it->block_label) {
						char num[24];

						snprintf(num, sizeof num, "%zu", blk + 1);
						tui_subst(label, sizeof label, _(it->block_label), num);
					} else
						snprintf(label, sizeof label, "  %s", _(sub->label));
					err = build_field(f, NULL, fd, sub, blk, f->n_groups, label);
				}
			f->n_groups++;
		}
	}
	f->form.fields = f->fields;
	f->form.n = f->n;
	if (err != CF_OK) {
		tui_record_form_free(&f);
		return err;
	}
	*out = f;
	return CF_OK;
}

void
tui_record_form_free(struct tui_record_form **pf)
{
	struct tui_record_form *f;

	if (!pf || !*pf)
		return;
	f = *pf;
	if (f->fields)
		tui_form_fini(&f->form);
	for (size_t i = 0; i < f->n_option_arrays; i++)
		free(f->option_arrays[i]);
	crypto_secure_free(f->fields);
	crypto_secure_free(f->labels);
	crypto_secure_free(f->choice_text);
	if (f->stored)
		stored_reset(f);
	crypto_secure_free(f->stored);
	free(f->b);
	crypto_secure_free(f);
	*pf = NULL;
}

struct tui_form *
tui_record_form_widget(struct tui_record_form *f)
{
	return &f->form;
}

/* ---- the blocks of a group and the "someone else" text follow what is typed ---- */

static bool
field_empty(const struct tui_form_field *fl)
{
	size_t len = 0;

	if (fl->ed)
		tui_edit_wtext(fl->ed, &len);
	return len == 0;
}

static bool
block_empty(const struct tui_record_form *f, const struct group *g, size_t blk)
{
	for (size_t j = 0; j < g->per_block; j++)
		if (!field_empty(&f->fields[g->first + blk * g->per_block + j]))
			return false;
	return true;
}

/* Shows the blocks up to one empty block after the last filled one; the free text when "someone else" is picked. */
static void
update_visibility(struct tui_record_form *f)
{
	for (size_t gi = 0; gi < f->n_groups; gi++) {
		const struct group *g = &f->groups[gi];
		size_t last = 0; /* blocks to show */

		for (size_t blk = 0; blk < g->blocks; blk++)
			if (!block_empty(f, g, blk))
				last = blk + 1;
		if (last < g->blocks)
			last++;
		for (size_t blk = 0; blk < g->blocks; blk++)
			for (size_t j = 0; j < g->per_block; j++) {
				struct tui_form_field *fl = &f->fields[g->first + blk * g->per_block + j];

				/* a block with the focus or an error stays in sight */
				fl->hidden = blk >= last && f->form.focus != g->first + blk * g->per_block + j && !fl->error[0];
			}
	}
	for (size_t i = 0; i + 1 < f->n; i++)
		if (f->b[i].kind == B_CHOOSE)
			f->fields[i + 1].hidden = f->fields[i].choice < f->n_choices;
}

enum tui_key_result
tui_record_form_key(struct tui_record_form *f, const struct cf_tui_key *k)
{
	enum tui_key_result r = tui_form_key(&f->form, k);

	update_visibility(f);
	return r;
}

/* ---- fill ---- */

/* The record (top level or the element of a group) a binding's member is in. */
static const void *
owner_const(const struct binding *b, const void *rec)
{
	return b->sub ? record_group_element_const(b->field, rec, b->block) : rec;
}


static const struct cf_field *
bound_field(const struct binding *b)
{
	return b->sub ? b->sub : b->field;
}

static size_t
option_index(const struct cf_field *fd, int64_t v)
{
	for (size_t i = 0; i < fd->n_options; i++)
		if (fd->options[i].value == v)
			return i;
	return 0;
}

/* The text of read-only widget i from rec ("" when its group element is not there). */
static void
fill_label(struct tui_record_form *f, size_t i, const void *rec)
{
	const struct binding *b = &f->b[i];
	char *out = f->labels + 256 * i;

	out[0] = '\0';
	if (b->sub && b->block >= record_group_count(b->field, rec))
		return;
	record_field_format(b->sub ? b->field->element : f->spec->type, bound_field(b), owner_const(b, rec), out, 256);
}

int
tui_record_form_fill(struct tui_record_form *f, const void *rec)
{
	int err = stored_begin(f);

	if (err == CF_OK && (err = record_copy(f->spec->type, f->stored, rec, &f->stored_alloc)) == CF_OK)
		f->has_stored = true;
	for (size_t i = 0; i < f->n && err == CF_OK; i++) {
		const struct binding *b = &f->b[i];
		struct tui_form_field *fl = &f->fields[i];
		const struct cf_field *fd = bound_field(b);
		const void *o;

		if (b->sub && b->block >= record_group_count(b->field, rec)) {
			if (fl->ed)
				tui_edit_clear(fl->ed);
			f->labels[256 * i] = '\0';
			continue;
		}
		o = owner_const(b, rec);
		switch (b->kind) {
		case B_TEXT:
		case B_CHOOSE_TEXT:
			err = tui_form_set_text(fl, *(char *const *)record_member_const(fd, o));
			break;
		case B_DATE:
		case B_TIME:
			err = tui_form_set_text(fl, record_member_const(fd, o));
			break;
		case B_INT: {
			char n[32];

			snprintf(n, sizeof n, "%lld", (long long)record_get_int(fd, o));
			err = tui_form_set_text(fl, record_get_int(fd, o) ? n : NULL);
			break;
		}
		case B_ENUM:
			fl->choice = option_index(fd, record_get_int(fd, o));
			break;
		case B_FLAGS: {
			uint64_t v = (uint64_t)record_get_int(fd, o);

			fl->flags = 0;
			for (size_t k = 0; k < fd->n_options && k < 32; k++)
				if (v & (uint64_t)fd->options[k].value)
					fl->flags |= 1u << k;
			break;
		}
		case B_LIST: {
			char buf[1024];
			size_t n = 0;

			buf[0] = '\0';
			for (size_t k = 0; k < record_group_count(fd, o) && n < sizeof buf; k++) {
				const char *t = *(char *const *)record_group_element_const(fd, o, k);

				n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", k ? ", " : "", t ? t : "");
			}
			err = tui_form_set_text(fl, buf);
			crypto_wipe(buf, sizeof buf);
			break;
		}
		case B_CHOOSE: {
			const char *v = *(char *const *)record_member_const(fd, o);

			fl->choice = f->n_choices; /* someone else, with the text below */
			for (size_t k = 0; v && k < f->n_choices; k++)
				if (strcmp(f->choices[k], v) == 0)
					fl->choice = k;
			break;
		}
		case B_LABEL:
			fill_label(f, i, rec);
			break;
		}
	}
	/* a value that is one of the choices is not also the free text */
	for (size_t i = 0; i + 1 < f->n && err == CF_OK; i++)
		if (f->b[i].kind == B_CHOOSE && f->fields[i].choice < f->n_choices)
			tui_edit_clear(f->fields[i + 1].ed);
	f->form.dirty = false;
	update_visibility(f);
	return err == CF_OK ? CF_OK : CF_ERR_NOMEM;
}

/* ---- read ---- */

static void
mark(struct tui_form_field *fl, const char *msg)
{
	snprintf(fl->error, sizeof fl->error, "%s", msg);
}

/* Separators between the items of a list: comma, semicolon, slash, the full-width comma and the enumeration comma. */
static size_t
list_sep(const char *p)
{
	static const char *const seps[] = { ",", ";", "/", "，", "；", "、" };

	for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++)
		if (strncmp(p, seps[i], strlen(seps[i])) == 0)
			return strlen(seps[i]);
	return 0;
}

/*
 * The next item of a list at *p ("a, b; c"): its bytes [*start, *end),
 * trimmed; empty items are skipped. False at the end.
 */
static bool
next_item(const char **p, const char **start, const char **end)
{
	while (**p) {
		const char *s0 = *p, *e0;
		size_t sep = 0;

		while (**p && !(sep = list_sep(*p)))
			(*p)++;
		e0 = *p;
		if (**p)
			*p += sep;
		while (s0 < e0 && *s0 == ' ')
			s0++;
		while (e0 > s0 && e0[-1] == ' ')
			e0--;
		if (s0 < e0) {
			*start = s0;
			*end = e0;
			return true;
		}
	}
	return false;
}

/* Splits text into the elements of group field fd of o (each a one-text element), trimmed; empty pieces skipped. */
static int
read_list(const struct cf_record_type *t, void *rec, const struct cf_field *fd, void *o, const char *text,
          struct tui_form_field *fl)
{
	const char *p = text, *start, *end;

	while (next_item(&p, &start, &end)) {
		{
			char **el = record_group_add(t, fd, o);

			if (!el) {
				snprintf(fl->error, sizeof fl->error, P_("At most %zu entry.", "At most %zu entries.",
				                                         fd->max_count), fd->max_count);
				return CF_ERR_INVALID;
			}
			if (record_set_text(t, rec, el, start, (size_t)(end - start)) != CF_OK)
				return CF_ERR_NOMEM;
		}
	}
	return CF_OK;
}

static int keep_unedited(struct tui_record_form *f, void *rec);

int
tui_record_form_read(struct tui_record_form *f, void *rec, const struct cf_str_alloc *alloc)
{
	const struct cf_record_type *t = f->spec->type;
	bool bad = false;

	record_init(t, rec, alloc);
	tui_form_clear_errors(&f->form);
	/* which blocks of each group hold something: they become the elements, in order */
	for (size_t gi = 0; gi < f->n_groups; gi++) {
		struct group *g = &f->groups[gi];

		g->n_elems = 0;
		for (size_t blk = 0; blk < g->blocks; blk++)
			if (!block_empty(f, g, blk)) {
				g->elem_block[g->n_elems++] = blk;
				if (!record_group_add(t, g->field, rec))
					return CF_ERR_NOMEM;
			}
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct binding *b = &f->b[i];
		struct tui_form_field *fl = &f->fields[i];
		const struct cf_field *fd = bound_field(b);
		char *text = NULL;
		void *o = rec;
		int err = CF_OK;

		if (b->sub) {
			const struct group *g = &f->groups[b->group];
			size_t k = 0;

			while (k < g->n_elems && g->elem_block[k] != b->block)
				k++;
			if (k == g->n_elems)
				continue; /* an empty block */
			o = record_group_element(b->field, rec, k);
		}
		if (fl->ed && (text = tui_form_text(fl, &err)) == NULL && err != CF_OK)
			return err;
		switch (b->kind) {
		case B_TEXT:
			if (text && record_set_text(t, rec, record_member(fd, o), text, strlen(text)) != CF_OK)
				err = CF_ERR_NOMEM;
			break;
		case B_CHOOSE:
			if (fl->choice < f->n_choices &&
			    record_set_text(t, rec, record_member(fd, o), f->choices[fl->choice],
			                    strlen(f->choices[fl->choice])) != CF_OK)
				err = CF_ERR_NOMEM;
			break;
		case B_CHOOSE_TEXT:
			if (!fl->hidden && text && record_set_text(t, rec, record_member(fd, o), text, strlen(text)) != CF_OK)
				err = CF_ERR_NOMEM;
			break;
		case B_DATE:
			if (text && !tui_parse_date(text, record_member(fd, o))) {
				mark(fl, _("Not a real date: write it as YYYY-MM-DD, e.g. 2014-07-18."));
				bad = true;
			}
			break;
		case B_TIME:
			if (text && !tui_parse_time(text, record_member(fd, o))) {
				mark(fl, _("Not a time: write it as HH:MM, e.g. 14:30."));
				bad = true;
			}
			break;
		case B_INT:
			if (text) {
				char *end;
				long long v = strtoll(text, &end, 10);

				if (*end || v < fd->min || v > fd->max) {
					snprintf(fl->error, sizeof fl->error, _("Give a number from %lld to %lld."),
					         (long long)fd->min, (long long)fd->max);
					bad = true;
				} else {
					record_set_int(fd, o, v);
				}
			}
			break;
		case B_ENUM:
			if (fl->choice < fd->n_options)
				record_set_int(fd, o, fd->options[fl->choice].value);
			break;
		case B_FLAGS: {
			int64_t v = 0;

			for (size_t k = 0; k < fd->n_options && k < 32; k++)
				if (fl->flags & (1u << k))
					v |= fd->options[k].value;
			record_set_int(fd, o, v);
			break;
		}
		case B_LIST:
			if (text) {
				err = read_list(t, rec, fd, o, text, fl);
				if (err == CF_ERR_INVALID) {
					bad = true;
					err = CF_OK;
				}
			}
			break;
		case B_LABEL:
			break;
		}
		crypto_secure_free(text);
		if (err != CF_OK)
			return err;
	}
	if (f->has_stored) {
		int err = keep_unedited(f, rec);

		if (err != CF_OK)
			return err;
	}
	return bad ? CF_ERR_INVALID : CF_OK;
}

/* True if some widget of the form edits top-level field fd (for a group: any part of it). */
static bool
edits(const struct tui_record_form *f, const struct cf_field *fd)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->b[i].field == fd && f->b[i].kind != B_LABEL)
			return true;
	return false;
}

/*
 * Copies into rec, from the stored record, every field the form does not
 * edit, and the read-only parts of the group elements the form kept.
 */
static int
keep_unedited(struct tui_record_form *f, void *rec)
{
	const struct cf_record_type *t = f->spec->type;
	const void *stored = f->stored;
	const struct cf_str_alloc *a = record_alloc(t, rec);
	int err = CF_OK;

	for (size_t i = 0; i < t->n_fields && err == CF_OK; i++)
		if (!edits(f, &t->fields[i]))
			err = record_field_copy(&t->fields[i], rec, stored, a);
	/* the read-only parts of the elements the form kept: element k came from block elem_block[k] */
	for (size_t i = 0; i < f->n && err == CF_OK; i++) {
		const struct binding *b = &f->b[i];
		const struct group *g;

		if (!b->sub || b->kind != B_LABEL || !edits(f, b->field))
			continue;
		g = &f->groups[b->group];
		for (size_t k = 0; k < g->n_elems; k++)
			if (g->elem_block[k] == b->block && b->block < record_group_count(b->field, stored))
				err = record_field_copy(b->sub, record_group_element(b->field, rec, k),
				                        record_group_element_const(b->field, stored, b->block), a);
	}
	return err;
}

/* Item k of a list widget's text as typed (as read_list() splits it), into out. */
static void
list_item(const struct tui_form_field *fl, size_t k, char *out, size_t size)
{
	int err;
	char *text = tui_form_text(fl, &err);
	const char *p = text, *start, *end;
	size_t i = 0;

	out[0] = '\0';
	while (p && next_item(&p, &start, &end)) {
		if (i++ == k) {
			snprintf(out, size, "%.*s", (int)(end - start), start);
			break;
		}
	}
	crypto_secure_free(text);
}

/* ---- errors from core ---- */

size_t
tui_record_form_errors(struct tui_record_form *f, const struct cf_field_errors *errs)
{
	const struct cf_record_type *t = f->spec->type;
	size_t placed = 0;

	for (size_t e = 0; e < errs->n; e++) {
		const struct cf_field_error *er = &errs->e[e];
		const struct cf_field *fd = record_error_field(t, er);
		size_t at = f->n;
		char msg[256];

		for (size_t i = 0; i < f->n && at == f->n; i++) {
			const struct binding *b = &f->b[i];

			if (b->field->tag != er->path[0].tag || b->kind == B_CHOOSE_TEXT)
				continue;
			if (er->depth == 1 || !b->sub) {
				at = i;
				continue;
			}
			/* an error inside element k of the group: the block it was read from */
			{
				const struct group *g = &f->groups[b->group];
				size_t k = er->path[0].index;

				if (k < g->n_elems && g->elem_block[k] == b->block && b->sub->tag == er->path[1].tag)
					at = i;
			}
		}
		if (at == f->n || !fd)
			continue;
		record_problem_text(er, fd, msg, sizeof msg);
		/* in a list (a guardian's phones), say which item */
		if (er->depth >= 3 && f->b[at].kind == B_LIST) {
			char item[128];

			list_item(&f->fields[at], er->path[1].index, item, sizeof item);
			/* TRANSLATORS: an error of one item of a list field: the item as typed, then why ("1380: Not a phone number..."). */
			snprintf(f->fields[at].error, sizeof f->fields[at].error, _("%s: %s"), item, msg);
			crypto_wipe(item, sizeof item);
		} else if (!f->fields[at].error[0]) {
			mark(&f->fields[at], msg);
		}
		crypto_wipe(msg, sizeof msg);
		placed++;
	}
	update_visibility(f);
	return placed;
}

/* ---- drafts while locked ---- */

static void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * The draft blob: u32 n, focus, dirty; per field u32 choice, flags, text
 * length and the text; then the stored record: u32 its record_encode()
 * length (0: none) and the bytes, then each top-level plaintext column
 * field (CF_FIELD_COLUMN, not in the encoding) as two u32 halves.
 */
int
tui_record_form_dump(struct tui_record_form *f, uint8_t **out, size_t *len)
{
	const struct cf_record_type *t = f->spec->type;
	size_t need = 12, off = 0, enc = 0, enc_len = 0;
	uint8_t *p;

	for (size_t i = 0; i < f->n; i++)
		need += 12 + (f->fields[i].ed ? tui_edit_utf8(f->fields[i].ed, NULL, 0) : 0);
	if (f->has_stored)
		enc = record_encoded_size(t, f->stored);
	need += 4 + enc + 8 * t->n_fields;
	p = crypto_secure_alloc(need + 1); /* + the NUL tui_edit_utf8() writes after the last text */
	if (!p)
		return CF_ERR_NOMEM;
	put_u32(p + off, (uint32_t)f->n);
	put_u32(p + off + 4, (uint32_t)f->form.focus);
	put_u32(p + off + 8, f->form.dirty);
	off += 12;
	for (size_t i = 0; i < f->n; i++) {
		const struct tui_form_field *fl = &f->fields[i];
		size_t tl = fl->ed ? tui_edit_utf8(fl->ed, NULL, 0) : 0;

		put_u32(p + off, (uint32_t)fl->choice);
		put_u32(p + off + 4, fl->flags);
		put_u32(p + off + 8, (uint32_t)tl);
		off += 12;
		if (tl) {
			tui_edit_utf8(fl->ed, (char *)p + off, tl + 1);
			off += tl;
		}
	}
	if (enc && record_encode(t, f->stored, p + off + 4, enc, &enc_len) != CF_OK) {
		crypto_secure_free(p);
		return CF_ERR_INVALID; /* a stored record that does not encode: never drop it silently */
	}
	put_u32(p + off, (uint32_t)enc_len);
	off += 4 + enc_len;
	for (size_t i = 0; enc_len && i < t->n_fields; i++)
		if (t->fields[i].flags & CF_FIELD_COLUMN) {
			uint64_t v = (uint64_t)record_get_int(&t->fields[i], f->stored);

			put_u32(p + off, (uint32_t)(v >> 32));
			put_u32(p + off + 4, (uint32_t)v);
			off += 8;
		}
	*out = p;
	*len = off;
	return CF_OK;
}

/* The stored record of a draft at p (len bytes left): decoded into f->stored. */
static int
restore_stored(struct tui_record_form *f, const uint8_t *p, size_t len)
{
	const struct cf_record_type *t = f->spec->type;
	uint32_t enc_len;
	size_t off = 4;
	int err;

	stored_reset(f);
	if (len < 4)
		return CF_ERR_DAMAGED;
	enc_len = get_u32(p);
	if (enc_len == 0)
		return len == 4 ? CF_OK : CF_ERR_DAMAGED;
	if (enc_len > len - off || (err = stored_begin(f)) != CF_OK)
		return enc_len > len - off ? CF_ERR_DAMAGED : err;
	err = record_decode(t, p + off, enc_len, &f->stored_alloc, f->stored);
	if (err != CF_OK)
		return err;
	f->has_stored = true;
	off += enc_len;
	for (size_t i = 0; i < t->n_fields; i++)
		if (t->fields[i].flags & CF_FIELD_COLUMN) {
			if (len - off < 8)
				return CF_ERR_DAMAGED;
			record_set_int(&t->fields[i], f->stored,
			               (int64_t)((uint64_t)get_u32(p + off) << 32 | get_u32(p + off + 4)));
			off += 8;
		}
	if (off != len)
		return CF_ERR_DAMAGED;
	for (size_t i = 0; i < f->n; i++)
		if (f->b[i].kind == B_LABEL)
			fill_label(f, i, f->stored);
	return CF_OK;
}

int
tui_record_form_restore(struct tui_record_form *f, const uint8_t *p, size_t len)
{
	size_t off = 12;

	if (len < 12 || get_u32(p) != f->n)
		return CF_ERR_DAMAGED;
	for (size_t i = 0; i < f->n; i++) {
		struct tui_form_field *fl = &f->fields[i];
		uint32_t tl;

		if (len - off < 12)
			return CF_ERR_DAMAGED;
		fl->choice = get_u32(p + off);
		fl->flags = get_u32(p + off + 4);
		tl = get_u32(p + off + 8);
		off += 12;
		if (tl > len - off)
			return CF_ERR_DAMAGED;
		if (fl->ed) {
			tui_edit_clear(fl->ed);
			if (tl && tui_edit_insert_utf8(fl->ed, (const char *)p + off, tl) != CF_OK)
				return CF_ERR_NOMEM;
		}
		off += tl;
	}
	{
		int err = restore_stored(f, p + off, len - off);

		if (err != CF_OK)
			return err;
	}
	f->form.focus = get_u32(p + 4) < f->n ? get_u32(p + 4) : 0;
	f->form.dirty = get_u32(p + 8) != 0;
	update_visibility(f);
	return CF_OK;
}

void
tui_record_form_clear(struct tui_record_form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		if (f->fields[i].ed)
			tui_edit_clear(f->fields[i].ed);
		f->fields[i].choice = 0;
		f->fields[i].flags = 0;
		f->fields[i].error[0] = '\0';
	}
	crypto_wipe(f->labels, f->cap * 256);
	stored_reset(f);
}
