/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One student: profile, guardians, the home-school contact log and the sections later work fills; scrolls. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-frame.h"
#include "tui-screens.h"
#include "tui-students.h"
#include "tui-widgets.h"

enum item_kind {
	ITEM_SECTION, /* a heading */
	ITEM_FIELD,   /* label and value */
	ITEM_TEXT,    /* a wrapped paragraph, indented */
	ITEM_EMPTY,   /* "none yet" under a heading */
	ITEM_BLANK,
};

struct item {
	enum item_kind kind;
	const char *label; /* translated, static, or in the arena */
	const char *value; /* in the arena (decrypted), may be NULL */
	bool half;         /* a short field: two of them share a row on a wide screen */
};

/* A screen row: part of an item's value (byte offsets), after wrapping to the width. */
struct row {
	size_t item;
	size_t off, len;
	bool first;  /* the item's first row: draws the label */
	size_t pair; /* a second half-width field on the same row, or SIZE_MAX */
};

struct detail {
	struct tui_students *st;
	int64_t id;
	struct cf_secure_arena *arena; /* every decrypted text shown */
	struct item *items;            /* malloc'd; the texts they point to are in the arena */
	size_t n_items, cap_items;
	struct row *rows;
	size_t n_rows;
	int scroll;
	int load_err;
	bool archived;
	enum { ASK_NONE, ASK_ARCHIVE, ASK_RESTORE } ask;
	char title[320]; /* secure: the struct is in secure memory */
	struct cf_rect area, title_r, body;
	int label_w;
	bool halves; /* short fields two to a row */
};

static int
add_item(struct detail *d, enum item_kind kind, const char *label, const char *value)
{
	if (d->n_items == d->cap_items) {
		size_t n = d->cap_items ? d->cap_items * 2 : 64;
		struct item *p = realloc(d->items, n * sizeof *p);

		if (!p)
			return CF_ERR_NOMEM;
		d->items = p;
		d->cap_items = n;
	}
	d->items[d->n_items++] = (struct item){ kind, label, value, false };
	return CF_OK;
}

/* Copy of value in the arena (NULL stays NULL). */
static const char *
keep(struct detail *d, const char *value, int *err)
{
	char *p;

	if (!value)
		return NULL;
	p = crypto_arena_strdup(d->arena, value);
	if (!p)
		*err = CF_ERR_NOMEM;
	return p;
}

static int
add_field(struct detail *d, const char *label, const char *value)
{
	int err = CF_OK;
	const char *v = keep(d, value && *value ? value : NULL, &err);

	if (err != CF_OK)
		return err;
	return add_item(d, ITEM_FIELD, label, v ? v : "-");
}

/* A short field that may share its row with the next short one. */
static int
add_half(struct detail *d, const char *label, const char *value)
{
	int err = add_field(d, label, value);

	if (err == CF_OK)
		d->items[d->n_items - 1].half = true;
	return err;
}

/* students_field_format() of one field into the arena. */
static int
add_formatted(struct detail *d, const char *label, const struct cf_student *s, enum cf_student_field field)
{
	size_t need = students_field_format(s, field, UINT32_MAX, NULL, 0);
	char *buf = crypto_arena_alloc(d->arena, need + 1);

	if (!buf)
		return CF_ERR_NOMEM;
	students_field_format(s, field, UINT32_MAX, buf, need + 1);
	return add_item(d, ITEM_FIELD, label, *buf ? buf : "-");
}

static void
unload(struct detail *d)
{
	crypto_arena_free(&d->arena);
	free(d->items);
	d->items = NULL;
	d->n_items = d->cap_items = 0;
	free(d->rows);
	d->rows = NULL;
	d->n_rows = 0;
	crypto_wipe(d->title, sizeof d->title);
}

static int
add_contacts(struct detail *d, struct cf_casefile *cf)
{
	struct cf_record_list list;
	int err = casefile_record_children(cf, &cf_table_contact, &cf_table_student, d->id, CF_CONTACT_F_DATE, true,
	                                   &list);

	if (err == CF_ERR_PERMISSION)
		return add_item(d, ITEM_EMPTY, _("Your role cannot read the contact log."), NULL);
	if (err != CF_OK)
		return err;
	if (list.n == 0)
		err = add_item(d, ITEM_EMPTY, _("No contacts yet: press c to add one."), NULL);
	for (size_t i = 0; i < list.n && err == CF_OK; i++) {
		const struct cf_contact *c = casefile_record_list_at(&list, i);
		char head[512];
		const char *h;

		snprintf(head, sizeof head, "%s  %s%s%s", contact_channel_label(c->channel),
		         c->guardian ? c->guardian : "", "", "");
		h = keep(d, head, &err);
		crypto_wipe(head, sizeof head);
		if (err == CF_OK)
			err = add_item(d, ITEM_FIELD, keep(d, c->date, &err), h);
		if (err == CF_OK)
			err = add_item(d, ITEM_TEXT, NULL, keep(d, c->summary, &err));
	}
	casefile_record_list_fini(&list);
	return err;
}

/* Loads the student and its contacts into the arena and builds the items. */
static int
load(struct detail *d, struct cf_tui *tui)
{
	struct cf_casefile *cf = tui_casefile(tui);
	const struct cf_student *s;
	size_t pos;
	int err;

	unload(d);
	if (!cf || !d->st->idx)
		return d->load_err = CF_ERR_LOCKED;
	if ((err = students_find_id(d->st->idx, d->id, &pos)) != CF_OK)
		return d->load_err = err;
	s = students_get(d->st->idx, pos);
	if ((err = crypto_arena_new(0, &d->arena)) != CF_OK)
		return d->load_err = err;
	d->archived = students_status_archived(s->status);
	snprintf(d->title, sizeof d->title, "%s  %s", s->name ? s->name : "",
	         s->student_number ? s->student_number : "");

	/* TRANSLATORS: section headings and field labels of the student detail: labels at most 16 columns. */
	err = add_item(d, ITEM_SECTION, _("Profile"), NULL);
	if (!err) err = add_half(d, _("Student no."), s->student_number);
	if (!err) err = add_half(d, _("Name"), s->name);
	if (!err) err = add_half(d, _("Sex"), s->sex == CF_SEX_UNKNOWN ? NULL : student_sex_label(s->sex));
	if (!err) err = add_half(d, _("Date of birth"), s->birth_date[0] ? s->birth_date : NULL);
	if (!err) err = add_half(d, _("Ethnicity"), s->ethnicity);
	if (!err) err = add_half(d, _("Status"), student_status_label(s->status));
	if (!err) err = add_half(d, _("Grade"), s->grade);
	if (!err) err = add_half(d, _("Class"), s->class_name);
	if (!err) err = add_field(d, _("School"), s->school);
	if (!err) err = add_formatted(d, _("Flags"), s, CF_FIELD_FLAGS);
	if (!err) err = add_field(d, _("Address"), s->address);
	if (!err) err = add_field(d, _("Remarks"), s->remarks);
	if (!err) err = add_item(d, ITEM_BLANK, NULL, NULL);

	if (!err) err = add_item(d, ITEM_SECTION, _("Guardians"), NULL);
	if (!err && s->n_guardians == 0)
		err = add_item(d, ITEM_EMPTY, _("No guardians recorded."), NULL);
	for (size_t g = 0; g < s->n_guardians && !err; g++) {
		const struct cf_guardian *gd = &s->guardians[g];
		char line[512];
		size_t n;

		n = (size_t)snprintf(line, sizeof line, "%s", gd->relation ? gd->relation : "-");
		for (size_t p = 0; p < gd->n_phones && n < sizeof line; p++)
			n += (size_t)snprintf(line + n, sizeof line - n, "%s%s", p ? ", " : "  ", gd->phones[p]);
		err = add_item(d, ITEM_FIELD, keep(d, gd->name ? gd->name : "-", &err), keep(d, line, &err));
		crypto_wipe(line, sizeof line);
	}
	if (!err) err = add_item(d, ITEM_BLANK, NULL, NULL);

	if (!err) err = add_item(d, ITEM_SECTION, _("Home-school contacts"), NULL);
	if (!err) err = add_contacts(d, cf);
	/* what later work adds; the headings are here so the page keeps its shape */
	if (!err) err = add_item(d, ITEM_BLANK, NULL, NULL);
	if (!err) err = add_item(d, ITEM_SECTION, _("Sessions"), NULL);
	if (!err) err = add_item(d, ITEM_EMPTY, _("None yet."), NULL);
	if (!err) err = add_item(d, ITEM_SECTION, _("Crisis alerts"), NULL);
	if (!err) err = add_item(d, ITEM_EMPTY, _("None yet."), NULL);
	if (!err) err = add_item(d, ITEM_SECTION, _("Referrals"), NULL);
	if (!err) err = add_item(d, ITEM_EMPTY, _("None yet."), NULL);
	if (!err) err = add_item(d, ITEM_SECTION, _("Screening results"), NULL);
	if (!err) err = add_item(d, ITEM_EMPTY, _("None yet."), NULL);
	if (err != CF_OK)
		unload(d);
	return d->load_err = err;
}

/* Wraps the items to the body width: pure geometry over loaded text. */
static void
wrap(struct detail *d)
{
	size_t cap = 0;
	int lw = 0, vw;

	free(d->rows);
	d->rows = NULL;
	d->n_rows = 0;
	for (size_t i = 0; i < d->n_items; i++)
		if (d->items[i].kind == ITEM_FIELD && d->items[i].label) {
			int w = text_width(d->items[i].label, strlen(d->items[i].label));

			if (w > lw)
				lw = w;
		}
	if (lw > 16)
		lw = 16;
	/* even, so values (often Chinese) start on an even column like the overlays' borders */
	lw += lw % 2;
	d->label_w = lw;
	vw = d->body.w - 2 - lw - 2;
	d->halves = d->body.w >= 72; /* two short fields per row from about 80 columns */
	for (size_t i = 0; i < d->n_items; i++) {
		const struct item *it = &d->items[i];

		if (d->halves && it->half && i + 1 < d->n_items && d->items[i + 1].half) {
			if (d->n_rows == cap) {
				size_t nc = cap ? cap * 2 : 128;
				struct row *p = realloc(d->rows, nc * sizeof *p);

				if (!p)
					return;
				d->rows = p;
				cap = nc;
			}
			d->rows[d->n_rows++] = (struct row){ i, 0, strlen(it->value), true, i + 1 };
			i++;
			continue;
		}
		const char *v = it->kind == ITEM_FIELD || it->kind == ITEM_TEXT ? it->value : NULL;
		size_t len = v ? strlen(v) : 0, off = 0;
		int w = it->kind == ITEM_TEXT ? d->body.w - 4 : vw;
		bool first = true;

		if (w < 1)
			w = 1;
		do {
			size_t n = len ? text_wrap(v + off, len - off, w) : 0;

			if (d->n_rows == cap) {
				size_t nc = cap ? cap * 2 : 128;
				struct row *p = realloc(d->rows, nc * sizeof *p);

				if (!p)
					return;
				d->rows = p;
				cap = nc;
			}
			d->rows[d->n_rows++] = (struct row){ i, off, n, first, SIZE_MAX };
			first = false;
			off += n;
		} while (off < len);
	}
}

static int
detail_init(struct cf_screen *s, void *arg)
{
	const struct tui_student_detail_arg *a = arg;
	struct detail *d;
	int err;

	if (!a || !a->st)
		return CF_ERR_INVALID;
	d = crypto_secure_alloc(sizeof *d);
	if (!d)
		return CF_ERR_NOMEM;
	d->st = a->st;
	d->id = a->id;
	err = load(d, s->tui);
	if (err != CF_OK) {
		unload(d);
		crypto_secure_free(d);
		return err;
	}
	s->priv = d;
	return CF_OK;
}

static void
detail_free(struct cf_screen *s)
{
	struct detail *d = s->priv;

	if (!d)
		return;
	unload(d);
	crypto_secure_free(d);
	s->priv = NULL;
}

static void
detail_lock(struct cf_screen *s)
{
	struct detail *d = s->priv;

	unload(d);
	d->load_err = CF_ERR_LOCKED;
}

static int
detail_unlock(struct cf_screen *s)
{
	struct detail *d = s->priv;
	int err = load(d, s->tui);

	wrap(d);
	return err;
}

static void
detail_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct detail *d = s->priv;

	(void)compact;
	d->area = *area;
	d->title_r = (struct cf_rect){ area->x + 2, area->y, area->w - 4, 1 };
	d->body = (struct cf_rect){ area->x + 2, area->y + 2, area->w - 4, area->h - 2 };
	if (d->body.h < 0)
		d->body.h = 0;
	if (d->body.w < 0)
		d->body.w = 0;
	wrap(d);
}

/* Draws len bytes of text at (y, x) in w columns, through a wiped stack buffer. */
static void
draw_span(int y, int x, int w, const char *text, size_t len, enum tui_role role)
{
	char buf[2048];

	if (len >= sizeof buf)
		len = text_prefix_bytes(text, len, w) < sizeof buf ? text_prefix_bytes(text, len, w)
		                                                      : sizeof buf - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	/* the newline a wrapped line ends on is not drawn */
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	tui_draw_text(y, x, w, buf, role, TEXT_LEFT);
	crypto_wipe(buf, sizeof buf);
}

static int
max_scroll(const struct detail *d)
{
	int m = (int)d->n_rows - d->body.h;

	return m > 0 ? m : 0;
}

static void
detail_draw(struct cf_screen *s)
{
	struct detail *d = s->priv;
	const struct cf_rect *b = &d->body;

	if (d->scroll > max_scroll(d))
		d->scroll = max_scroll(d);
	if (!d->items) {
		tui_draw_text(d->title_r.y, d->title_r.x, d->title_r.w, _("Student"), TUI_ROLE_TITLE, TEXT_LEFT);
		tui_draw_text(b->y, b->x, b->w, cf_strerror(d->load_err), TUI_ROLE_ERROR, TEXT_LEFT);
		return;
	}
	{
		char more[64] = "";
		int mw;

		if (max_scroll(d) > 0)
			/* TRANSLATORS: scroll position of the student detail: first row shown, of all rows. */
			snprintf(more, sizeof more, _("row %d of %zu"), d->scroll + 1, d->n_rows);
		mw = text_width(more, strlen(more));
		tui_draw_text(d->title_r.y, d->title_r.x, d->title_r.w - mw, d->title, TUI_ROLE_TITLE, TEXT_LEFT);
		tui_draw_text(d->title_r.y, d->title_r.x + d->title_r.w - mw, mw, more, TUI_ROLE_HINT, TEXT_RIGHT);
	}
	if (d->archived)
		tui_draw_text(d->title_r.y + 1, d->title_r.x, d->title_r.w,
		              _("Archived: hidden from the default list (d brings the student back)."),
		              TUI_ROLE_HINT, TEXT_LEFT);
	for (int i = 0; i < b->h && (size_t)(d->scroll + i) < d->n_rows; i++) {
		const struct row *r = &d->rows[d->scroll + i];
		const struct item *it = &d->items[r->item];
		int y = b->y + i, vx = b->x + 2 + d->label_w + 2;

		switch (it->kind) {
		case ITEM_SECTION: {
			char head[256];

			snprintf(head, sizeof head, "-- %s --", it->label);
			tui_draw_text(y, b->x, b->w, head, TUI_ROLE_TITLE, TEXT_LEFT);
			break;
		}
		case ITEM_FIELD:
			if (r->pair != SIZE_MAX) {
				/* two short fields: each gets half the row, cut (not wrapped) when longer */
				const struct item *p2 = &d->items[r->pair];
				int half = b->w / 2, hx = b->x + half;

				draw_span(y, b->x + 2, d->label_w, it->label, strlen(it->label), TUI_ROLE_HINT);
				draw_span(y, vx, hx - 1 - vx, it->value, strlen(it->value), TUI_ROLE_NORMAL);
				draw_span(y, hx + 2, d->label_w, p2->label, strlen(p2->label), TUI_ROLE_HINT);
				draw_span(y, hx + 2 + d->label_w + 2, b->x + b->w - (hx + 2 + d->label_w + 2), p2->value,
				          strlen(p2->value), TUI_ROLE_NORMAL);
				break;
			}
			if (r->first && it->label)
				draw_span(y, b->x + 2, d->label_w, it->label, strlen(it->label), TUI_ROLE_HINT);
			if (it->value)
				draw_span(y, vx, b->x + b->w - vx, it->value + r->off, r->len, TUI_ROLE_NORMAL);
			break;
		case ITEM_TEXT:
			if (it->value)
				draw_span(y, b->x + 4, b->w - 4, it->value + r->off, r->len, TUI_ROLE_NORMAL);
			break;
		case ITEM_EMPTY:
			tui_draw_text(y, b->x + 2, b->w - 2, it->label, TUI_ROLE_HINT, TEXT_LEFT);
			break;
		case ITEM_BLANK:
			break;
		}
	}
	if (d->ask == ASK_ARCHIVE) {
		char keys[256];

		snprintf(keys, sizeof keys, "1 %s   2 %s   Esc %s", student_status_label(CF_STUDENT_TRANSFERRED),
		         student_status_label(CF_STUDENT_GRADUATED), _("Cancel"));
		tui_students_confirm_draw(&d->area, _("Archive the student?"),
		                          _("The record is kept and hidden from the default list. "
		                            "Archive as transferred (1) or graduated (2)?"), keys);
	} else if (d->ask == ASK_RESTORE) {
		tui_students_confirm_draw(&d->area, _("Bring the student back?"),
		                          _("Set this student's status to active again?"), NULL);
	}
}

/* After the form or the contact dialog saved: load again. */
static void
reload(void *ctx)
{
	struct cf_screen *s = ctx;
	struct detail *d = s->priv;

	load(d, s->tui);
	wrap(d);
}

static void
edited(void *ctx, int64_t id)
{
	(void)id;
	reload(ctx);
}

static void
set_status(struct cf_screen *s, struct detail *d, enum cf_student_status status)
{
	struct cf_casefile *cf = tui_casefile(s->tui);
	int err = cf && d->st->idx ? students_set_status(cf, d->st->idx, d->id, status) : CF_ERR_LOCKED;

	if (err != CF_OK) {
		tui_status(s->tui, cf_strerror(err), true);
		return;
	}
	tui_students_changed(d->st);
	reload(s);
	tui_status(s->tui, students_status_archived(status) ? _("Student archived.") : _("Student is active again."),
	           false);
}

static enum tui_key_result
detail_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct detail *d = s->priv;
	int err = CF_OK;

	if (d->ask == ASK_ARCHIVE) {
		if (!k->fn && (k->code == '1' || k->code == '2')) {
			d->ask = ASK_NONE;
			set_status(s, d, k->code == '1' ? CF_STUDENT_TRANSFERRED : CF_STUDENT_GRADUATED);
		} else if (!k->fn && (k->code == 27 || k->code == 'n' || k->code == 'q')) {
			d->ask = ASK_NONE;
		}
		return TUI_KEY_HANDLED;
	}
	if (d->ask == ASK_RESTORE) {
		bool answered, yes = tui_students_confirm_key(k, &answered);

		if (answered)
			d->ask = ASK_NONE;
		if (yes)
			set_status(s, d, CF_STUDENT_ACTIVE);
		return TUI_KEY_HANDLED;
	}
	if (k->fn) {
		int page = d->body.h > 1 ? d->body.h - 1 : 1;

		switch (k->code) {
		case KEY_UP: d->scroll--; break;
		case KEY_DOWN: d->scroll++; break;
		case KEY_PPAGE: d->scroll -= page; break;
		case KEY_NPAGE: d->scroll += page; break;
		case KEY_HOME: d->scroll = 0; break;
		case KEY_END: d->scroll = max_scroll(d); break;
		default: return TUI_KEY_UNHANDLED;
		}
		if (d->scroll > max_scroll(d))
			d->scroll = max_scroll(d);
		if (d->scroll < 0)
			d->scroll = 0;
		return TUI_KEY_HANDLED;
	}
	if (k->code == 27)
		return TUI_KEY_CLOSE;
	if (k->code == ' ') {
		d->scroll = d->scroll + d->body.h - 1 > max_scroll(d) ? max_scroll(d) : d->scroll + d->body.h - 1;
		return TUI_KEY_HANDLED;
	}
	if ((k->code == 'e' || k->code == 'c' || k->code == 'd') && !d->items) {
		tui_status(s->tui, cf_strerror(d->load_err), true);
		return TUI_KEY_HANDLED;
	}
	switch (k->code) {
	case 'e': {
		struct tui_student_edit_arg a = { d->st, d->id, edited, s, NULL };

		err = tui_push(s->tui, &tui_screen_student_edit, &a);
		break;
	}
	case 'c': {
		struct tui_contact_edit_arg a = { d->st, d->id, reload, s };

		err = tui_push(s->tui, &tui_screen_contact_edit, &a);
		break;
	}
	case 'd':
		d->ask = d->archived ? ASK_RESTORE : ASK_ARCHIVE;
		break;
	default:
		return TUI_KEY_UNHANDLED;
	}
	if (err != CF_OK)
		tui_status(s->tui, cf_strerror(err), true);
	return TUI_KEY_HANDLED;
}

static const struct cf_tui_keyhelp detail_keys[] = {
	/* TRANSLATORS: hint labels, at most 8 columns (4 Chinese characters). */
	{ "e", N_("Edit the student"), N_("Edit") },
	{ "c", N_("Add a home-school contact entry"), N_("Contact") },
	{ "d", N_("Archive the student (transferred or graduated), or bring an archived one back"),
	  N_("Archive") },
	{ "Up/Down", N_("Scroll"), NULL },
	{ "PgUp/PgDn", N_("Move by one page"), NULL },
	{ "Esc, q", N_("Back to the list"), NULL },
	{ NULL, NULL, NULL },
};

const struct cf_screen_ops tui_screen_student_detail = {
	.name = "student-detail",
	/* TRANSLATORS: screen titles in the header line: at most 16 columns. */
	.title = N_("Student"),
	.keys = detail_keys,
	.init = detail_init,
	.free = detail_free,
	.layout = detail_layout,
	.draw = detail_draw,
	.key = detail_key,
	.lock = detail_lock,
	.unlock = detail_unlock,
};
