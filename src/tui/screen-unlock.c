/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unlock dialog after start, the lock screen, and the full-screen message when a case file cannot be opened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/casefile.h"
#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "carefile/text.h"
#include "carefile/user.h"
#include "tui-frame.h"
#include "tui-screens.h"
#include "tui-secret.h"
#include "tui-session.h"
#include "tui-widgets.h"

/* ------------------------------------------------------------ open errors */

struct open_error {
	int err;
	char *path;
	const char *detail; /* casefile_reason_text(), static */
	struct cf_rect box;
};

const char *
tui_open_error_title(int err)
{
	switch (err) {
	case CF_ERR_NOT_FOUND: return _("The case file does not exist.");
	case CF_ERR_NOT_CASEFILE: return _("This file is not a carefile case file.");
	case CF_ERR_DAMAGED: return _("The case file is damaged or has been tampered with.");
	case CF_ERR_NEWER_FORMAT: return _("The case file was written by a newer version of carefile.");
	case CF_ERR_IN_USE: return _("The case file is in use by another carefile process.");
	case CF_ERR_IO: return _("The case file could not be read (input/output error).");
	default: return cf_strerror(err);
	}
}

/* What the user can do about err. */
static const char *
open_error_advice(int err, bool has_path)
{
	switch (err) {
	case CF_ERR_NOT_FOUND:
		return has_path ? _("Check the path given with -f.")
		                : _("No place for a case file: set HOME or give one with -f FILE.");
	case CF_ERR_NOT_CASEFILE:
		return _("Check the path given with -f. carefile never changes a file that is not its own.");
	case CF_ERR_DAMAGED:
		return _("Nothing was changed. Restore the case file from a backup, or ask your administrator.");
	case CF_ERR_NEWER_FORMAT:
		return _("Nothing was changed. Open it with the newer version of carefile.");
	case CF_ERR_IN_USE:
		return _("Close carefile in the other window (or wait until it ends), then start again.");
	case CF_ERR_IO:
		return _("Check the disk, the file's permissions and free space.");
	default:
		return "";
	}
}

static int
open_error_init(struct cf_screen *s, void *arg)
{
	const struct tui_open_error *a = arg;
	struct open_error *o = calloc(1, sizeof *o);

	if (!o)
		return CF_ERR_NOMEM;
	o->err = a->err;
	o->detail = casefile_reason_text(a->reason);
	if (a->path && !(o->path = strdup(a->path))) {
		free(o);
		return CF_ERR_NOMEM;
	}
	s->priv = o;
	return CF_OK;
}

static void
open_error_free(struct cf_screen *s)
{
	struct open_error *o = s->priv;

	if (!o)
		return;
	free(o->path);
	free(o);
	s->priv = NULL;
}

static void
open_error_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct open_error *o = s->priv;

	(void)compact;
	o->box = tui_rect_center(area, area->w - 4, area->h - 2);
}

static void
open_error_draw(struct cf_screen *s)
{
	struct open_error *o = s->priv;
	struct cf_rect r = o->box;
	char line[1024];
	int y = 0;

	tui_fill(&s->area, TUI_ROLE_NORMAL);
	r.y += 1;
	r.h -= 1;
	y += tui_draw_paragraph(&r, y, tui_open_error_title(o->err), TUI_ROLE_ERROR) + 1;
	if (o->path) {
		snprintf(line, sizeof line, _("Case file: %s"), o->path);
		y += tui_draw_paragraph(&r, y, line, TUI_ROLE_NORMAL);
	}
	if (o->detail && *o->detail) {
		snprintf(line, sizeof line, _("Detail: %s"), o->detail);
		y += tui_draw_paragraph(&r, y, line, TUI_ROLE_NORMAL);
	}
	y++;
	y += tui_draw_paragraph(&r, y, open_error_advice(o->err, o->path != NULL), TUI_ROLE_NORMAL) + 1;
	tui_draw_paragraph(&r, y, _("Press q to quit."), TUI_ROLE_TITLE);
}

static enum tui_key_result
open_error_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct open_error *o = s->priv;

	if (!k->fn && (k->code == 'q' || k->code == 'Q' || k->code == 27))
		tui_quit(s->tui, o->err);
	return TUI_KEY_HANDLED;
}

static const struct cf_tui_keyhelp open_error_keys[] = {
	/* TRANSLATORS: hint label, at most 8 columns. */
	{ "q", N_("Quit"), N_("Quit") },
	{ NULL, NULL, NULL },
};

const struct cf_screen_ops tui_screen_open_error = {
	.name = "open-error",
	/* TRANSLATORS: screen title in the header line: at most 16 columns. */
	.title = N_("Cannot open"),
	.keys = open_error_keys,
	.flags = TUI_SCREEN_MODAL,
	.init = open_error_init,
	.free = open_error_free,
	.layout = open_error_layout,
	.draw = open_error_draw,
	.key = open_error_key,
};

/* ------------------------------------------------------- unlock and lock */

enum unlock_focus { FOCUS_USER, FOCUS_PASS };

struct unlock {
	bool lock;      /* the lock screen (same user only), not the unlock dialog after start */
	bool recovery;  /* the recovery key field replaces the passphrase */
	bool busy;      /* deriving the key: "Unlocking..." */
	bool quit_armed;/* lock screen: Esc once more quits */
	bool rollback;  /* the file is older than this PC last saw: Enter once more opens it */
	enum unlock_focus focus;
	struct cf_tui_edit *user;     /* plain: a user name is not secret */
	struct cf_tui_secret *pass;   /* secure memory */
	struct cf_tui_edit *rkey;     /* recovery key, secure memory */
	char msg[512];
	bool msg_error;
	struct cf_rect box, user_label, user_field, pass_label, pass_field, msg_rect, info;
	struct cf_rect area; /* the last layout's, to grow the box when a message needs more than 2 lines */
	bool compact;
	int label_w;
};

static void *
secure_alloc(size_t n)
{
	return crypto_secure_alloc(n);
}

static const struct cf_tui_edit_alloc secure_edit_alloc = { secure_alloc, crypto_secure_free };

static void layout_box(struct unlock *u);

static void
set_msg(struct unlock *u, const char *msg, bool error)
{
	snprintf(u->msg, sizeof u->msg, "%s", msg ? msg : "");
	u->msg_error = error;
	if (u->area.w > 0)
		layout_box(u);
}

static int
unlock_init_common(struct cf_screen *s, const char *user, bool lock)
{
	struct unlock *u = calloc(1, sizeof *u);

	if (!u)
		return CF_ERR_NOMEM;
	u->lock = lock;
	u->user = tui_edit_new(false, 64, NULL);
	u->pass = tui_secret_new(CF_PASSPHRASE_MAX_BYTES);
	u->rkey = tui_edit_new(false, 2 * CF_RECOVERY_TEXT_LEN, &secure_edit_alloc);
	s->priv = u;
	if (!u->user || !u->pass || !u->rkey)
		return CF_ERR_NOMEM; /* free is not called on error: */
	if (user && *user)
		tui_edit_insert_utf8(u->user, user, strlen(user));
	u->focus = user && *user ? FOCUS_PASS : FOCUS_USER;
	return CF_OK;
}

static void unlock_free(struct cf_screen *s);

static int
unlock_init(struct cf_screen *s, void *arg)
{
	int err = unlock_init_common(s, arg, false);

	if (err != CF_OK)
		unlock_free(s);
	return err;
}

static int
lock_init(struct cf_screen *s, void *arg)
{
	int err;

	(void)arg;
	err = unlock_init_common(s, tui_session_user(), true);
	if (err != CF_OK) {
		unlock_free(s);
		return err;
	}
	set_msg(s->priv, _("Locked. Keys and decrypted data were wiped from memory."), false);
	return CF_OK;
}

static void
unlock_free(struct cf_screen *s)
{
	struct unlock *u = s->priv;

	if (!u)
		return;
	tui_edit_free(&u->user);
	tui_secret_free(&u->pass);
	tui_edit_free(&u->rkey);
	free(u);
	s->priv = NULL;
}

/* Rows the message needs at width w (wrapped as tui_draw_paragraph() wraps it). */
static int
msg_rows(const char *msg, int w)
{
	size_t len = strlen(msg), pos = 0, n;
	int rows = 0;

	while (w > 0 && pos < len && (n = text_wrap(msg + pos, len - pos, w)) > 0) {
		pos += n;
		rows++;
	}
	return rows;
}

static void
unlock_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct unlock *u = s->priv;

	u->area = *area;
	u->compact = compact;
	layout_box(u);
}

/* The dialog in u->area: 13 rows, more when the message needs them and the terminal has them. */
static void
layout_box(struct unlock *u)
{
	const struct cf_rect *area = &u->area;
	int w = u->compact ? area->w - 2 : 70;
	int h = 13, lw, fx, fw, rows = msg_rows(u->msg, w - 6);
	const char *labels[] = { _("User:"), _("Passphrase:"), _("Recovery key:") };

	if (rows > 2)
		h = 11 + rows < area->h ? 11 + rows : (area->h > 13 ? area->h : 13);
	u->box = tui_rect_center(area, w, h);
	lw = 0;
	for (size_t i = 0; i < 3; i++) {
		int lwi = text_width(labels[i], strlen(labels[i]));

		if (lwi > lw)
			lw = lwi;
	}
	u->label_w = lw;
	fx = u->box.x + 3 + lw + 1;
	fw = u->box.x + u->box.w - 3 - fx;
	if (fw < 1)
		fw = 1;
	u->info = (struct cf_rect){ u->box.x + 3, u->box.y + 2, u->box.w - 6, 3 };
	u->user_label = (struct cf_rect){ u->box.x + 3, u->box.y + 6, lw, 1 };
	u->user_field = (struct cf_rect){ fx, u->box.y + 6, fw, 1 };
	u->pass_label = (struct cf_rect){ u->box.x + 3, u->box.y + 8, lw, 1 };
	u->pass_field = (struct cf_rect){ fx, u->box.y + 8, fw, 1 };
	u->msg_rect = (struct cf_rect){ u->box.x + 3, u->box.y + 10, u->box.w - 6, u->box.h - 11 };
	if (u->info.w < 0)
		u->info.w = 0;
	if (u->msg_rect.w < 0)
		u->msg_rect.w = 0;
}

static void
unlock_draw(struct cf_screen *s)
{
	struct unlock *u = s->priv;
	const char *name = tui_session_name();
	char line[512];

	tui_fill(&s->area, TUI_ROLE_NORMAL);
	tui_draw_box(&u->box, u->lock ? _("carefile is locked") : _("Unlock the case file"));
	snprintf(line, sizeof line, _("Case file: %s"), name ? name : "-");
	tui_draw_text(u->info.y, u->info.x, u->info.w, line, TUI_ROLE_NORMAL, TEXT_LEFT);
	if (u->lock) {
		snprintf(line, sizeof line, _("Locked by %s. Type the passphrase to go on where you left off."),
		         tui_session_user() ? tui_session_user() : "-");
		tui_draw_paragraph(&(struct cf_rect){ u->info.x, u->info.y + 1, u->info.w, 2 }, 0, line,
		                   TUI_ROLE_NORMAL);
	} else if (u->recovery) {
		tui_draw_paragraph(&(struct cf_rect){ u->info.x, u->info.y + 1, u->info.w, 2 }, 0,
		                   _("Type the recovery key (groups of five; case and dashes do not matter)."),
		                   TUI_ROLE_NORMAL);
	}
	tui_draw_text(u->user_label.y, u->user_label.x, u->user_label.w, _("User:"), TUI_ROLE_NORMAL,
	              TEXT_LEFT);
	if (u->recovery) {
		tui_draw_text(u->pass_label.y, u->pass_label.x, u->pass_label.w, _("Recovery key:"),
		              TUI_ROLE_NORMAL, TEXT_LEFT);
		tui_draw_text(u->user_field.y, u->user_field.x, u->user_field.w, _("(not needed)"), TUI_ROLE_HINT,
		              TEXT_LEFT);
		tui_widget_edit_draw(u->rkey, &u->pass_field, !u->busy, s->tui);
	} else {
		tui_draw_text(u->pass_label.y, u->pass_label.x, u->pass_label.w, _("Passphrase:"),
		              TUI_ROLE_NORMAL, TEXT_LEFT);
		tui_widget_edit_draw(u->user, &u->user_field, u->focus == FOCUS_USER && !u->busy, s->tui);
		tui_secret_draw(u->pass, &u->pass_field, u->focus == FOCUS_PASS && !u->busy, s->tui);
	}
	if (u->busy)
		tui_draw_paragraph(&u->msg_rect, 0, _("Unlocking... (deriving the key takes about a second)"),
		                   TUI_ROLE_STATUS);
	else if (u->msg[0])
		tui_draw_paragraph(&u->msg_rect, 0, u->msg, u->msg_error ? TUI_ROLE_ERROR : TUI_ROLE_NORMAL);
}

/* The user name typed, as UTF-8 (user names are ASCII; anything else fails user_name_valid). */
static void
typed_user(const struct unlock *u, char *buf, size_t size)
{
	tui_edit_utf8(u->user, buf, size);
}

static const char *
unlock_error_text(int err)
{
	switch (err) {
	case CF_ERR_AUTH: return _("Wrong passphrase or no such user.");
	case CF_ERR_DAMAGED: return _("The keyslot or the header of the case file is damaged or has been tampered with.");
	default: return cf_strerror(err);
	}
}

static enum tui_key_result
try_unlock(struct cf_screen *s)
{
	struct unlock *u = s->priv;
	char user[256];
	size_t len;
	const char *pass = tui_secret_text(u->pass, &len);
	int err;

	typed_user(u, user, sizeof user);
	if (!user[0]) {
		u->focus = FOCUS_USER;
		set_msg(u, _("Type your user name."), true);
		return TUI_KEY_HANDLED;
	}
	if (u->lock && tui_session_user() && strcmp(user, tui_session_user()) != 0) {
		char msg[512];

		tui_secret_clear(u->pass);
		snprintf(msg, sizeof msg,
		         _("Only %s can unlock now. To work as another user, quit (Esc twice) and start carefile again."),
		         tui_session_user());
		set_msg(u, msg, true);
		return TUI_KEY_HANDLED;
	}
	if (len == 0) {
		u->focus = FOCUS_PASS;
		set_msg(u, _("Type your passphrase."), true);
		return TUI_KEY_HANDLED;
	}
	u->busy = true;
	tui_redraw_now(s->tui);
	if (u->rollback)
		tui_session_accept_rollback();
	u->rollback = false;
	err = tui_session_unlock(s->tui, user, pass, len);
	u->busy = false;
	if (err == CF_ERR_ROLLBACK) {
		uint64_t seen, now;
		char msg[512];

		/* the passphrase stays, for Enter once more; any edit or Esc takes the question back */
		tui_session_rollback_counts(&seen, &now);
		snprintf(msg, sizeof msg,
		         _("This case file is older than the one you last opened on this PC: it counts %llu changes, "
		           "and %llu were seen here. Restored from a backup, or rolled back? Nothing was written. "
		           "Enter: open it anyway. Esc: quit."),
		         (unsigned long long)now, (unsigned long long)seen);
		u->rollback = true;
		set_msg(u, msg, true);
		return TUI_KEY_HANDLED;
	}
	tui_secret_clear(u->pass);
	if (err == CF_OK)
		return TUI_KEY_CLOSE;
	u->focus = FOCUS_PASS;
	set_msg(u, unlock_error_text(err), true);
	return TUI_KEY_HANDLED;
}

static enum tui_key_result
try_recovery(struct cf_screen *s)
{
	struct unlock *u = s->priv;
	size_t need = tui_edit_utf8(u->rkey, NULL, 0) + 1, bad = 0;
	char *text = crypto_secure_alloc(need);
	int err;

	if (!text) {
		set_msg(u, cf_strerror(CF_ERR_NOMEM), true);
		return TUI_KEY_HANDLED;
	}
	tui_edit_utf8(u->rkey, text, need);
	u->busy = true;
	tui_redraw_now(s->tui);
	err = tui_session_unlock_recovery(s->tui, text, strlen(text), &bad);
	u->busy = false;
	crypto_secure_free(text);
	if (err == CF_OK) {
		tui_edit_clear(u->rkey);
		return TUI_KEY_CLOSE;
	}
	if (err == CF_ERR_RECOVERY_KEY) {
		char msg[256];

		if (bad >= CF_RECOVERY_GROUPS)
			snprintf(msg, sizeof msg, "%s", _("There is extra text after the last group of the recovery key."));
		else
			snprintf(msg, sizeof msg, _("Group %zu of the recovery key is mistyped or missing."), bad + 1);
		set_msg(u, msg, true);
	} else {
		set_msg(u, err == CF_ERR_AUTH ? _("This recovery key does not open this case file.")
		                              : unlock_error_text(err), true);
	}
	return TUI_KEY_HANDLED;
}

static enum tui_key_result
unlock_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct unlock *u = s->priv;
	bool esc = !k->fn && k->code == 27;

	if (k->fn && k->code == KEY_RESIZE)
		return TUI_KEY_UNHANDLED;
	if (esc) {
		if (u->lock && !u->quit_armed) {
			u->quit_armed = true;
			set_msg(u, _("Press Esc again to quit carefile; text not saved is lost. Any other key goes back."),
			        true);
			return TUI_KEY_HANDLED;
		}
		tui_quit(s->tui, CF_OK);
		return TUI_KEY_HANDLED;
	}
	if (u->quit_armed) {
		u->quit_armed = false;
		set_msg(u, "", false);
	}
	/* the rollback question holds for exactly the name and passphrase it was asked for */
	if (u->rollback && !tui_key_is_enter(k)) {
		u->rollback = false;
		tui_secret_clear(u->pass);
		set_msg(u, "", false);
	}
	if (!u->lock && !k->fn && k->code == TUI_CTRL('R')) {
		u->recovery = !u->recovery;
		tui_secret_clear(u->pass);
		tui_edit_clear(u->rkey);
		set_msg(u, "", false);
		return TUI_KEY_HANDLED;
	}
	if (tui_key_is_enter(k)) {
		if (u->recovery)
			return try_recovery(s);
		if (u->focus == FOCUS_USER) {
			u->focus = FOCUS_PASS;
			return TUI_KEY_HANDLED;
		}
		return try_unlock(s);
	}
	if (u->recovery) {
		tui_widget_edit_key(u->rkey, k);
		return TUI_KEY_HANDLED;
	}
	if ((!k->fn && k->code == '\t') || (k->fn && (k->code == KEY_UP || k->code == KEY_DOWN ||
	                                               k->code == KEY_BTAB))) {
		u->focus = u->focus == FOCUS_USER ? FOCUS_PASS : FOCUS_USER;
		return TUI_KEY_HANDLED;
	}
	if (u->focus == FOCUS_USER)
		tui_widget_edit_key(u->user, k);
	else
		tui_secret_key(u->pass, k);
	return TUI_KEY_HANDLED; /* every key stays here: nothing below may act while locked */
}

static const struct cf_tui_keyhelp unlock_keys[] = {
	/* TRANSLATORS: hint labels, at most 8 columns each. */
	{ "Enter", N_("Unlock (on the user name: go to the passphrase)"), N_("Unlock") },
	{ "Tab", N_("Next field"), N_("Next") },
	{ "Ctrl-R", N_("Unlock with the recovery key instead (again: back to the passphrase)"),
	  N_("Recovery") },
	{ "Esc", N_("Quit carefile"), N_("Quit") },
	{ "Ctrl-U", N_("Clear the passphrase"), NULL },
	{ NULL, NULL, NULL },
};

static const struct cf_tui_keyhelp lock_keys[] = {
	{ "Enter", N_("Unlock (on the user name: go to the passphrase)"), N_("Unlock") },
	{ "Tab", N_("Next field"), N_("Next") },
	{ "Esc Esc", N_("Quit carefile (text not saved is lost)"), N_("Quit") },
	{ "Ctrl-U", N_("Clear the passphrase"), NULL },
	{ NULL, NULL, NULL },
};

const struct cf_screen_ops tui_screen_unlock = {
	.name = "unlock",
	/* TRANSLATORS: screen title in the header line: at most 16 columns. */
	.title = N_("Unlock"),
	.keys = unlock_keys,
	.flags = TUI_SCREEN_MODAL,
	.init = unlock_init,
	.free = unlock_free,
	.layout = unlock_layout,
	.draw = unlock_draw,
	.key = unlock_key,
};

const struct cf_screen_ops tui_screen_lock = {
	.name = "lock",
	/* TRANSLATORS: screen title in the header line: at most 16 columns. */
	.title = N_("Locked"),
	.keys = lock_keys,
	.flags = TUI_SCREEN_MODAL,
	.init = lock_init,
	.free = unlock_free,
	.layout = unlock_layout,
	.draw = unlock_draw,
	.key = unlock_key,
};
