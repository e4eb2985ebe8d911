/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The form dialog of any record type, from its struct tui_form_spec: fields, save, discard, sealed while locked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/casefile.h"
#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-frame.h"
#include "tui-kit.h"
#include "tui-screens.h"

/* Secure memory: the fields hold the record. */
struct rform {
	const struct tui_form_spec *spec;
	void *ctx;                     /* spec->ctx_size bytes, secure memory */
	struct tui_record_form *form;
	bool editing, confirm_discard;
	uint8_t *draft;                /* the unsaved fields sealed while locked (ciphertext) */
	size_t draft_len;
	bool lost;                     /* locked and the draft could not be sealed */
	enum cf_compartment draft_c;   /* whose key seals the draft: the table's, or a drop-box writer's own */
	char subject[256], title[320];
	struct cf_rect area, title_r, body;
};

static void *
arena_alloc(void *ctx, size_t size)
{
	return crypto_arena_alloc(ctx, size);
}

/* Calls fn with a record of the spec's type whose strings live in a fresh secure arena, then wipes both. */
static int
with_record(struct rform *r, int (*fn)(struct rform *r, void *rec, void *arg), void *arg)
{
	struct cf_secure_arena *arena = NULL;
	struct cf_str_alloc alloc = { arena_alloc, NULL, NULL };
	void *rec;
	int err;

	if (crypto_arena_new(16384, &arena) != CF_OK)
		return CF_ERR_NOMEM;
	alloc.ctx = arena;
	rec = crypto_secure_alloc(r->spec->type->size);
	if (!rec) {
		crypto_arena_free(&arena);
		return CF_ERR_NOMEM;
	}
	record_init(r->spec->type, rec, &alloc);
	err = fn(r, rec, arg);
	record_fini(r->spec->type, rec);
	crypto_secure_free(rec);
	crypto_arena_free(&arena);
	return err;
}

struct load_arg {
	struct cf_tui *tui;
};

static int
load_into(struct rform *r, void *rec, void *arg)
{
	struct load_arg *a = arg;
	int err = r->spec->load(a->tui, r->ctx, rec, r->subject, sizeof r->subject, &r->editing);

	if (err == CF_OK)
		err = tui_record_form_fill(r->form, rec);
	return err;
}

/* The compartment a user holding held may write t with: t's own, else one t takes drops from; -1 for none. */
static int
draft_compartment(unsigned held, const struct cf_table *t)
{
	if (held & CF_COMPARTMENT_BIT(t->compartment))
		return (int)t->compartment;
	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++)
		if (held & t->drop_from & CF_COMPARTMENT_BIT(c))
			return c;
	return -1;
}

static int
rform_init(struct cf_screen *s, void *arg)
{
	const struct tui_record_form_arg *a = arg;
	int draft_c;
	struct rform *r;
	const char *choices[16];
	char (*labels)[128] = NULL;
	const char *label_ptrs[16];
	size_t n_choices = 0;
	struct load_arg la = { s->tui };
	int err;

	if (!a || !a->spec || !tui_casefile(s->tui))
		return CF_ERR_LOCKED;
	/*
	 * A form the user could not save never opens: nothing is loaded or typed
	 * in vain (a contact needs clinical). A drop-box table opens for a holder
	 * of a compartment it takes drops from; its draft is sealed under that key.
	 */
	draft_c = draft_compartment(casefile_compartments(tui_casefile(s->tui)), a->spec->table);
	if (draft_c < 0)
		return CF_ERR_PERMISSION;
	r = crypto_secure_alloc(sizeof *r);
	if (!r)
		return CF_ERR_NOMEM;
	r->spec = a->spec;
	r->draft_c = (enum cf_compartment)draft_c;
	r->ctx = crypto_secure_alloc(a->spec->ctx_size ? a->spec->ctx_size : 1);
	if (!r->ctx) {
		crypto_secure_free(r);
		return CF_ERR_NOMEM;
	}
	if (a->ctx && a->spec->ctx_size)
		memcpy(r->ctx, a->ctx, a->spec->ctx_size);
	/* the labels name people: secure memory, wiped when the form has its copy */
	labels = crypto_secure_alloc(16 * sizeof *labels);
	if (!labels) {
		crypto_secure_free(r->ctx);
		crypto_secure_free(r);
		return CF_ERR_NOMEM;
	}
	for (size_t i = 0; a->spec->choices && i < a->spec->n_items; i++)
		if (a->spec->items[i].choose)
			n_choices = a->spec->choices(s->tui, r->ctx, a->spec->items[i].tag, choices, labels, 16);
	for (size_t i = 0; i < 16; i++)
		label_ptrs[i] = labels[i];
	err = tui_record_form_new(a->spec, choices, label_ptrs, n_choices, &r->form);
	crypto_secure_free(labels);
	if (err == CF_OK)
		err = with_record(r, load_into, &la);
	if (err != CF_OK) {
		tui_record_form_free(&r->form);
		crypto_secure_free(r->ctx);
		crypto_secure_free(r);
		return err;
	}
	tui_subst(r->title, sizeof r->title, _(r->editing ? r->spec->title_edit : r->spec->title_new), r->subject);
	s->priv = r;
	return CF_OK;
}

static void
rform_free(struct cf_screen *s)
{
	struct rform *r = s->priv;

	if (!r)
		return;
	tui_record_form_free(&r->form);
	free(r->draft);
	crypto_secure_free(r->ctx);
	crypto_secure_free(r);
	s->priv = NULL;
}

static void
rform_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct rform *r = s->priv;

	(void)compact;
	r->area = *area;
	r->title_r = (struct cf_rect){ area->x + 2, area->y, area->w - 4, 1 };
	r->body = (struct cf_rect){ area->x + 2, area->y + 2, area->w - 3, area->h - 2 };
	if (r->body.h < 0)
		r->body.h = 0;
	if (r->body.w < 0)
		r->body.w = 0;
}

static void
rform_draw(struct cf_screen *s)
{
	struct rform *r = s->priv;

	tui_fill(&r->area, TUI_ROLE_NORMAL);
	tui_draw_text(r->title_r.y, r->title_r.x, r->title_r.w, r->title, TUI_ROLE_TITLE, TEXT_LEFT);
	tui_form_draw(tui_record_form_widget(r->form), &r->body, s->tui);
	if (r->confirm_discard) {
		tui_cursor(s->tui, -1, -1);
		tui_confirm_draw(&r->area, _("Discard changes?"), _(r->spec->discard), NULL);
	}
}

struct save_arg {
	struct cf_tui *tui;
	int err;
};

static int
save_from(struct rform *r, void *rec, void *arg)
{
	struct save_arg *a = arg;
	struct cf_field_errors errs;
	int err = tui_record_form_read(r->form, rec, record_alloc(r->spec->type, rec));

	memset(&errs, 0, sizeof errs);
	/* the strings go to the record's own allocator (the arena of with_record()) */
	if (err == CF_OK || err == CF_ERR_INVALID) {
		int e2 = record_normalise(r->spec->type, rec);

		if (e2 != CF_OK)
			err = e2;
	}
	if (err == CF_ERR_INVALID) {
		/* a field could not be read: show the other fields' problems with it */
		char today[11];

		casefile_today(today);
		(void)record_validate(r->spec->type, rec, today, &errs);
		tui_record_form_errors(r->form, &errs);
	} else if (err == CF_OK) {
		err = r->spec->save(a->tui, r->ctx, rec, &errs);
		if ((err == CF_ERR_INVALID || err == CF_ERR_EXISTS) && tui_record_form_errors(r->form, &errs) == 0 &&
		    err == CF_ERR_INVALID)
			err = CF_ERR_FAIL; /* refused, but for nothing a field can show */
		if (err == CF_ERR_EXISTS)
			err = CF_ERR_INVALID;
	}
	crypto_wipe(&errs, sizeof errs);
	a->err = err;
	return CF_OK;
}

static enum tui_key_result
save(struct cf_screen *s, struct rform *r)
{
	struct save_arg a = { s->tui, CF_OK };
	int err;

	if (!tui_casefile(s->tui)) {
		tui_status(s->tui, cf_strerror(CF_ERR_LOCKED), true);
		return TUI_KEY_HANDLED;
	}
	err = with_record(r, save_from, &a);
	if (err == CF_OK)
		err = a.err;
	if (err == CF_ERR_INVALID) {
		tui_form_focus_error(tui_record_form_widget(r->form));
		tui_status(s->tui, _("Not saved: correct the marked fields."), true);
		return TUI_KEY_HANDLED;
	}
	if (err != CF_OK) {
		const char *msg = r->spec->save_error ? r->spec->save_error(err) : NULL;

		tui_status(s->tui, msg ? msg : cf_strerror(err), true);
		return TUI_KEY_HANDLED;
	}
	tui_status(s->tui, _(r->spec->saved), false);
	tui_records_changed(s->tui, r->spec->table);
	return TUI_KEY_CLOSE;
}

static enum tui_key_result
rform_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct rform *r = s->priv;
	enum tui_key_result res;

	if (r->confirm_discard) {
		bool answered, yes = tui_confirm_key(k, &answered);

		if (answered)
			r->confirm_discard = false;
		return yes ? TUI_KEY_CLOSE : TUI_KEY_HANDLED;
	}
	/* F2, or Ctrl-O as in nano ("write out") for terminals whose F-keys the desktop takes */
	if ((k->fn && k->code == KEY_F(2)) || (!k->fn && k->code == TUI_CTRL('O')))
		return save(s, r);
	if (!k->fn && k->code == 27) {
		if (!tui_record_form_widget(r->form)->dirty)
			return TUI_KEY_CLOSE;
		r->confirm_discard = true;
		return TUI_KEY_HANDLED;
	}
	res = tui_record_form_key(r->form, k);
	if (res != TUI_KEY_UNHANDLED)
		return res;
	/* F1 and the lock key reach the frame; nothing else leaves the form */
	if ((k->fn && k->code == KEY_F(1)) || (!k->fn && k->code == TUI_CTRL('L')))
		return TUI_KEY_UNHANDLED;
	return TUI_KEY_HANDLED;
}

/* Locking: the fields are sealed under the compartment's key (in memory) and wiped; unlock gives them back. */
static void
rform_lock(struct cf_screen *s)
{
	struct rform *r = s->priv;
	struct cf_casefile *cf = tui_casefile(s->tui);
	uint8_t *plain = NULL;
	size_t len = 0;

	free(r->draft);
	r->draft = NULL;
	r->lost = true;
	if (cf && tui_record_form_dump(r->form, &plain, &len) == CF_OK) {
		if (casefile_draft_seal(cf, r->draft_c, plain, len, &r->draft, &r->draft_len) == CF_OK)
			r->lost = false;
		crypto_secure_free(plain);
	}
	tui_record_form_clear(r->form);
	crypto_wipe(r->subject, sizeof r->subject);
	crypto_wipe(r->title, sizeof r->title);
}

static int
rform_unlock(struct cf_screen *s)
{
	struct rform *r = s->priv;
	struct cf_casefile *cf = tui_casefile(s->tui);
	char *plain = NULL;
	size_t len = 0;
	int err = CF_OK;

	if (!r->draft && !r->lost)
		return CF_OK;
	if (r->draft && cf)
		err = casefile_draft_open(cf, r->draft_c, r->draft, r->draft_len, &plain, &len);
	if (err == CF_OK && plain)
		err = tui_record_form_restore(r->form, (const uint8_t *)plain, len);
	crypto_secure_free(plain);
	free(r->draft);
	r->draft = NULL;
	r->lost = false;
	/* the title names the record: loaded again */
	{
		struct load_arg la = { s->tui };
		uint8_t *keep = NULL;
		size_t keep_len = 0;

		/* load() fills the fields too: keep what was typed and put it back */
		if (err == CF_OK && tui_record_form_dump(r->form, &keep, &keep_len) == CF_OK) {
			if (with_record(r, load_into, &la) == CF_OK)
				tui_subst(r->title, sizeof r->title,
				          _(r->editing ? r->spec->title_edit : r->spec->title_new), r->subject);
			err = tui_record_form_restore(r->form, keep, keep_len);
			crypto_secure_free(keep);
		}
	}
	return err;
}

static const struct cf_tui_keyhelp rform_keys[] = {
	/* TRANSLATORS: hint labels, at most 8 columns (4 Chinese characters). */
	{ "F2/^O", N_("Save (F2 or Ctrl-O)"), N_("Save") },
	{ "Esc", N_("Close the form (asks before discarding changes)"), N_("Cancel") },
	{ "Tab", N_("Next field (also Down)"), N_("Next") },
	{ "Shift-Tab", N_("Previous field (also Up)"), NULL },
	{ "Left/Right", N_("Change a choice (also Space)"), NULL },
	{ "1-9", N_("Pick a choice; in a list of flags, switch one on or off"), NULL },
	{ "Enter", N_("In a text of several lines: new line"), NULL },
	{ NULL, NULL, NULL },
};

const struct cf_screen_ops tui_screen_record_form = {
	.name = "record-form",
	/* TRANSLATORS: screen titles in the header line: at most 16 columns. */
	.title = N_("Form"),
	.keys = rform_keys,
	.flags = TUI_SCREEN_DIALOG,
	.init = rform_init,
	.free = rform_free,
	.layout = rform_layout,
	.draw = rform_draw,
	.key = rform_key,
	.lock = rform_lock,
	.unlock = rform_unlock,
};

int
tui_record_form_open(struct cf_tui *tui, const struct tui_form_spec *spec, const void *ctx)
{
	struct tui_record_form_arg a = { spec, ctx };

	return tui_push(tui, &tui_screen_record_form, &a);
}
