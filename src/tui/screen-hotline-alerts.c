/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The drop box in the interface: the Hotline screen's form that hands an
 * alert to counselors (sealed for them: the worker cannot read it back), and
 * the Crisis alerts screen's list of what the hotline handed over.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/call_alert.h"
#include "carefile/casefile.h"
#include "carefile/i18n.h"
#include "carefile/text.h"
#include "tui-kit.h"
#include "tui-screens.h"
#include "tui-widgets.h"

/* ---- the form (declaration on the kit) ---- */

static const struct tui_form_item call_alert_items[] = {
	{ .tag = CF_CALL_ALERT_F_LEVEL },
	{ .tag = CF_CALL_ALERT_F_DATE },
	{ .tag = CF_CALL_ALERT_F_TIME },
	{ .tag = CF_CALL_ALERT_F_CALLER },
	{ .tag = CF_CALL_ALERT_F_SCHOOL },
	{ .tag = CF_CALL_ALERT_F_CLASS },
	{ .tag = CF_CALL_ALERT_F_CALLBACK },
	{ .tag = CF_CALL_ALERT_F_REASON, .rows = 6 },
};

struct call_alert_ctx {
	int *handed; /* the Hotline screen's count */
};

static int
call_alert_load(struct cf_tui *tui, void *ctx, void *rec, char *subject, size_t size, bool *editing)
{
	struct cf_call_alert *a = rec;

	(void)tui;
	(void)ctx;
	*editing = false;
	subject[0] = '\0';
	(void)size;
	casefile_today(a->date);
	a->level = CF_CALL_ALERT_HIGH;
	return CF_OK;
}

static int
call_alert_save(struct cf_tui *tui, void *ctx, void *rec, struct cf_field_errors *errs)
{
	struct call_alert_ctx *c = ctx;
	struct cf_casefile *cf = tui_casefile(tui);
	struct cf_row row;
	int err;

	if (!cf)
		return CF_ERR_LOCKED;
	memset(&row, 0, sizeof row);
	err = casefile_record_drop(cf, &cf_table_call_alert, &row, rec, errs);
	if (err == CF_OK && c->handed)
		(*c->handed)++;
	return err;
}

/* What the hotline worker must do when the alert cannot be sealed: phone, and the form keeps the text. */
static const char *
call_alert_error(int err)
{
	if (err == CF_ERR_NOT_FOUND)
		/* TRANSLATORS: status line (at most 78 columns): no counselor key to seal the alert to. */
		return _("Not handed over: no counselor key yet. Phone the counselor on duty now.");
	if (err == CF_ERR_DAMAGED)
		/* TRANSLATORS: status line (at most 78 columns): the published key failed its signature check. */
		return _("Not handed over: the counselors' key fails its check. Phone the counselor now.");
	return NULL;
}

/* TRANSLATORS: the form's title, the status after a save (the worker cannot read it again), the question on Esc. */
const struct tui_form_spec tui_call_alert_form_spec = {
	.name = "call-alert", .type = &cf_call_alert_type, .table = &cf_table_call_alert, .items = call_alert_items,
	.n_items = sizeof call_alert_items / sizeof call_alert_items[0], .ctx_size = sizeof(struct call_alert_ctx),
	.title_new = N_("Raise an alert for the counselors"), .title_edit = N_("Raise an alert for the counselors"),
	.saved = N_("Alert handed to the counselors, sealed for them only."),
	.discard = N_("This alert has not been handed over. Discard it?"),
	.load = call_alert_load, .save = call_alert_save, .save_error = call_alert_error,
};

/* ---- the Hotline screen ---- */

struct hotline {
	int handed; /* alerts handed over since the screen opened */
};

static int
hotline_init(struct cf_screen *s, void *arg)
{
	(void)arg;
	s->priv = calloc(1, sizeof(struct hotline));
	return s->priv ? CF_OK : CF_ERR_NOMEM;
}

static void
hotline_free(struct cf_screen *s)
{
	free(s->priv);
	s->priv = NULL;
}

static void
hotline_draw(struct cf_screen *s)
{
	struct hotline *h = s->priv;
	struct cf_rect r = s->area;
	int row = 2;

	r.x += 2;
	r.w -= 4;
	tui_draw_text(r.y, r.x, r.w, _(s->ops->title), TUI_ROLE_TITLE, TEXT_LEFT);
	row += tui_draw_paragraph(&r, row,
	                          _("Press Enter to raise an alert for the counselors from a call. It is sealed "
	                            "so that only counselors and supervisors can read it: once handed over, "
	                            "you cannot open it again."),
	                          TUI_ROLE_NORMAL);
	row++;
	if (h->handed) {
		char line[160];

		/* TRANSLATORS: on the Hotline screen: alerts handed over since it opened. */
		snprintf(line, sizeof line, P_("%d alert handed over in this session.", "%d alerts handed over in this session.",
		                               h->handed), h->handed);
		row += tui_draw_paragraph(&r, row, line, TUI_ROLE_NORMAL);
		row++;
	}
	tui_draw_paragraph(&r, row,
	                   _("Call logging with its timer, triage checklist, callbacks and shift handover comes "
	                     "with a later change."),
	                   TUI_ROLE_HINT);
}

static enum tui_key_result
hotline_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct hotline *h = s->priv;

	if (tui_key_is_enter(k)) {
		struct call_alert_ctx c = { &h->handed };
		int err = tui_record_form_open(s->tui, &tui_call_alert_form_spec, &c);

		if (err != CF_OK)
			tui_status(s->tui, cf_strerror(err), true);
		return TUI_KEY_HANDLED;
	}
	return TUI_KEY_UNHANDLED;
}

static const struct cf_tui_keyhelp hotline_keys[] = {
	/* TRANSLATORS: hint label, at most 8 columns; not the same word as the Alerts screen's label. */
	{ "Enter", N_("Raise an alert for the counselors"), N_("Raise alert") },
	{ NULL, NULL, NULL },
};

/* TRANSLATORS: screen titles in the header line: at most 16 columns. */
const struct cf_screen_ops tui_screen_hotline = {
	.name = "hotline",
	.title = N_("Hotline"),
	.keys = hotline_keys,
	.init = hotline_init,
	.free = hotline_free,
	.draw = hotline_draw,
	.key = hotline_key,
};

/* ---- the Crisis alerts screen: what the hotline handed over ---- */

/* Decrypted at most this many, newest first: what a screen shows, not the whole file. */
#define ALERTS_SHOWN 100

struct alerts {
	struct tui_page *page;
	struct cf_rect title_r, body;
	int load_err;
};

static const uint16_t alert_tags[] = {
	CF_CALL_ALERT_F_CALLER, CF_CALL_ALERT_F_SCHOOL, CF_CALL_ALERT_F_CLASS, CF_CALL_ALERT_F_CALLBACK,
};

static int
alerts_load(struct alerts *a, struct cf_tui *tui)
{
	struct cf_casefile *cf = tui_casefile(tui);
	struct cf_record_list list;
	int err;

	tui_page_clear(a->page, true);
	if (!cf)
		return a->load_err = CF_ERR_LOCKED;
	/* TRANSLATORS: section heading on the Crisis alerts screen; "Call" (below) labels when the call came and its level. */
	err = tui_page_add(a->page, TUI_PAGE_SECTION, _("From the hotline"), NULL, 0, 0);
	if (err == CF_OK) {
		err = casefile_record_newest(cf, &cf_table_call_alert, ALERTS_SHOWN, &list);
		if (err == CF_ERR_PERMISSION) {
			err = tui_page_add(a->page, TUI_PAGE_EMPTY, _("Your role cannot read crisis alerts."), NULL, 0, 0);
			tui_page_layout(a->page, &a->body);
			return a->load_err = err;
		}
	}
	if (err != CF_OK) {
		tui_page_clear(a->page, true); /* an empty page: draw shows the error */
		return a->load_err = err;
	}
	if (list.n == 0)
		err = tui_page_add(a->page, TUI_PAGE_EMPTY, _("No alerts from the hotline."), NULL, 0, 0);
	for (size_t i = 0; i < list.n && err == CF_OK; i++) {
		const struct cf_call_alert *c = casefile_record_list_at(&list, i);
		char head[160];

		snprintf(head, sizeof head, "%s %s  %s", c->date, c->time, call_alert_level_label(c->level));
		if (i)
			err = tui_page_add(a->page, TUI_PAGE_BLANK, NULL, NULL, 0, 0);
		if (err == CF_OK)
			err = tui_page_add(a->page, TUI_PAGE_FIELD, _("Call"), head, 0, 0);
		if (err == CF_OK)
			err = tui_page_add_record(a->page, &cf_call_alert_type, c, alert_tags,
			                          sizeof alert_tags / sizeof alert_tags[0]);
		if (err == CF_OK)
			err = tui_page_add(a->page, TUI_PAGE_TEXT, NULL, c->reason, 0, 0);
	}
	if (err == CF_OK && list.damaged) {
		char msg[160];

		/* TRANSLATORS: under the alerts from the hotline: entries that failed to authenticate or decode. */
		snprintf(msg, sizeof msg, P_("%zu alert could not be read: run carefile check.",
		                             "%zu alerts could not be read: run carefile check.", list.damaged),
		         list.damaged);
		err = tui_page_add(a->page, TUI_PAGE_EMPTY, msg, NULL, 0, 0);
	}
	casefile_record_list_fini(&list);
	tui_page_layout(a->page, &a->body);
	return a->load_err = err;
}

static int
alerts_init(struct cf_screen *s, void *arg)
{
	struct alerts *a = calloc(1, sizeof *a);

	(void)arg;
	if (!a || tui_page_new(&a->page) != CF_OK) {
		free(a);
		return CF_ERR_NOMEM;
	}
	s->priv = a;
	a->load_err = CF_ERR_LOCKED;
	if (tui_casefile(s->tui))
		alerts_load(a, s->tui);
	return CF_OK;
}

static void
alerts_free(struct cf_screen *s)
{
	struct alerts *a = s->priv;

	if (!a)
		return;
	tui_page_free(&a->page);
	free(a);
	s->priv = NULL;
}

static void
alerts_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct alerts *a = s->priv;

	(void)compact;
	a->title_r = (struct cf_rect){ area->x + 2, area->y, area->w - 4, 1 };
	a->body = (struct cf_rect){ area->x + 2, area->y + 2, area->w - 4, area->h - 2 };
	if (a->body.h < 0)
		a->body.h = 0;
	if (a->body.w < 0)
		a->body.w = 0;
	tui_page_layout(a->page, &a->body);
}

static void
alerts_draw(struct cf_screen *s)
{
	struct alerts *a = s->priv;
	char more[64];
	int mw;

	tui_page_position(a->page, more, sizeof more);
	mw = text_width(more, strlen(more));
	tui_draw_text(a->title_r.y, a->title_r.x, a->title_r.w - mw, _(s->ops->title), TUI_ROLE_TITLE, TEXT_LEFT);
	tui_draw_text(a->title_r.y, a->title_r.x + a->title_r.w - mw, mw, more, TUI_ROLE_HINT, TEXT_RIGHT);
	if (tui_page_empty(a->page)) {
		tui_draw_text(a->body.y, a->body.x, a->body.w, cf_strerror(a->load_err), TUI_ROLE_ERROR, TEXT_LEFT);
		return;
	}
	tui_page_draw(a->page);
}

static enum tui_key_result
alerts_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct alerts *a = s->priv;

	return tui_page_key(a->page, k);
}

static void
alerts_lock(struct cf_screen *s)
{
	struct alerts *a = s->priv;

	tui_page_clear(a->page, true);
	a->load_err = CF_ERR_LOCKED;
}

static int
alerts_unlock(struct cf_screen *s)
{
	return alerts_load(s->priv, s->tui);
}

static int
alerts_changed(struct cf_screen *s, const struct cf_table *table)
{
	if (!table || table == &cf_table_call_alert)
		alerts_load(s->priv, s->tui);
	return CF_OK;
}

static const struct cf_tui_keyhelp alerts_keys[] = {
	/* TRANSLATORS: help lines of the Crisis alerts screen. */
	{ "Up/Down", N_("Scroll"), NULL },
	{ "PgUp/PgDn", N_("Move by one page"), NULL },
	{ NULL, NULL, NULL },
};

const struct cf_screen_ops tui_screen_alerts = {
	.name = "alerts",
	.title = N_("Crisis alerts"),
	.keys = alerts_keys,
	.init = alerts_init,
	.free = alerts_free,
	.layout = alerts_layout,
	.draw = alerts_draw,
	.key = alerts_key,
	.lock = alerts_lock,
	.unlock = alerts_unlock,
	.changed = alerts_changed,
};
