/* SPDX-License-Identifier: GPL-3.0-or-later */
/* First run: a guided creation of a case file (path, user, passphrase twice, recovery key shown once). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "carefile/casefile.h"
#include "carefile/config.h"
#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "carefile/user.h"
#include "tui-frame.h"
#include "tui-screens.h"
#include "tui-secret.h"
#include "tui-session.h"
#include "tui-widgets.h"

#define PATH_MAX_CHARS 4000

enum setup_step { STEP_ASK, STEP_FORM, STEP_RECOVERY };
enum { F_PATH, F_USER, F_PASS, F_PASS2, F__COUNT };

struct setup {
	enum setup_step step;
	int focus;
	bool busy;
	struct cf_tui_edit *path, *user;
	struct cf_tui_secret *pass, *pass2;
	struct cf_tui_edit *confirm;   /* last group typed back; secure memory */
	char *asked_path;              /* the -f path of the question */
	int score;                     /* of pass, -1 when empty */
	const char *reason;            /* N_() from user_passphrase_check, or NULL */
	char *recovery;                /* secure memory, CF_RECOVERY_TEXT_SIZE; NULL once confirmed */
	char *created_path;            /* path of the file created */
	struct cf_casefile *cf;        /* created, until the recovery key is confirmed */
	char msg[1024];
	bool msg_error;
	struct cf_rect area, title, intro, label[F__COUNT], field[F__COUNT], strength, msg_rect;
	struct cf_rect key_rect, confirm_label, confirm_field;
};

static void *
secure_alloc(size_t n)
{
	return crypto_secure_alloc(n);
}

static const struct cf_tui_edit_alloc secure_edit_alloc = { secure_alloc, crypto_secure_free };

static void
set_msg(struct setup *u, const char *msg, bool error)
{
	snprintf(u->msg, sizeof u->msg, "%s", msg ? msg : "");
	u->msg_error = error;
}

static void setup_free(struct cf_screen *s);

static int
setup_init(struct cf_screen *s, void *arg)
{
	const struct tui_setup_arg *a = arg;
	struct setup *u = calloc(1, sizeof *u);

	if (!u)
		return CF_ERR_NOMEM;
	s->priv = u;
	u->path = tui_edit_new(false, PATH_MAX_CHARS, NULL);
	u->user = tui_edit_new(false, 64, NULL);
	u->pass = tui_secret_new(CF_PASSPHRASE_MAX_BYTES);
	u->pass2 = tui_secret_new(CF_PASSPHRASE_MAX_BYTES);
	u->confirm = tui_edit_new(false, 16, &secure_edit_alloc);
	u->asked_path = strdup(a->path ? a->path : "");
	if (!u->path || !u->user || !u->pass || !u->pass2 || !u->confirm || !u->asked_path) {
		setup_free(s);
		return CF_ERR_NOMEM;
	}
	if (a->path)
		tui_edit_insert_utf8(u->path, a->path, strlen(a->path));
	if (a->user)
		tui_edit_insert_utf8(u->user, a->user, strlen(a->user));
	u->step = a->ask_first ? STEP_ASK : STEP_FORM;
	u->focus = a->user && *a->user ? F_PASS : F_USER;
	u->score = -1;
	return CF_OK;
}

static void
setup_free(struct cf_screen *s)
{
	struct setup *u = s->priv;

	if (!u)
		return;
	tui_edit_free(&u->path);
	tui_edit_free(&u->user);
	tui_secret_free(&u->pass);
	tui_secret_free(&u->pass2);
	tui_edit_free(&u->confirm);
	crypto_secure_free(u->recovery);
	casefile_close(&u->cf); /* created but not confirmed (quit, SIGTERM): closed and wiped */
	free(u->created_path);
	free(u->asked_path);
	free(u);
	s->priv = NULL;
}

static const char *
field_label(int i)
{
	switch (i) {
	case F_PATH: return _("Case file:");
	case F_USER: return _("User name:");
	case F_PASS: return _("Passphrase:");
	default: return _("Repeat it:");
	}
}

static void
setup_layout(struct cf_screen *s, const struct cf_rect *area, bool compact)
{
	struct setup *u = s->priv;
	int x = area->x + 2, w = area->w - 4, lw = 0, y;

	if (w < 1)
		w = 1;
	u->area = *area;
	u->title = (struct cf_rect){ x, area->y + 1, w, 1 };
	u->intro = (struct cf_rect){ x, area->y + 2, w, compact ? 3 : 3 };
	for (int i = 0; i < F__COUNT; i++) {
		int lwi = text_width(field_label(i), strlen(field_label(i)));

		if (lwi > lw)
			lw = lwi;
	}
	y = area->y + 6;
	for (int i = 0; i < F__COUNT; i++) {
		u->label[i] = (struct cf_rect){ x, y, lw, 1 };
		u->field[i] = (struct cf_rect){ x + lw + 1, y, w - lw - 1 > 1 ? w - lw - 1 : 1, 1 };
		y++;
		if (i == F_PASS) {
			u->strength = (struct cf_rect){ x + lw + 1, y, u->field[i].w, 2 };
			y += 2;
		}
	}
	u->msg_rect = (struct cf_rect){ x, y + 1, w, area->y + area->h - (y + 1) };
	/* recovery step */
	u->key_rect = (struct cf_rect){ x + 2, area->y + (compact ? 7 : 8), w - 2, 3 };
	u->confirm_label = (struct cf_rect){ x, u->key_rect.y + 4, w, 2 };
	u->confirm_field = (struct cf_rect){ x, u->key_rect.y + 6, 12, 1 };
	if (u->msg_rect.h < 1)
		u->msg_rect.h = 1;
}

static void
draw_strength(struct setup *u)
{
	char line[512];

	if (u->score < 0)
		return;
	if (u->reason)
		snprintf(line, sizeof line, _("Strength %d of 4: %s."), u->score, _(u->reason));
	else if (u->score < CF_PASSPHRASE_MIN_SCORE)
		snprintf(line, sizeof line, _("Strength %d of 4: too easy to guess."), u->score);
	else
		snprintf(line, sizeof line, _("Strength %d of 4: good."), u->score);
	tui_draw_paragraph(&u->strength, 0, line,
	                   u->score < CF_PASSPHRASE_MIN_SCORE ? TUI_ROLE_ERROR : TUI_ROLE_STATUS);
}

/* The recovery key in lines of five groups. */
static void
draw_recovery(struct setup *u)
{
	const char *k = u->recovery;
	size_t len = strlen(k);

	for (int line = 0; line < 3; line++) {
		size_t start = (size_t)line * 30; /* five groups of five and their dashes */
		size_t n;

		if (start >= len)
			break;
		n = len - start < 29 ? len - start : 29;
		char buf[32];

		memcpy(buf, k + start, n);
		buf[n] = '\0';
		tui_draw_text(u->key_rect.y + line, u->key_rect.x, u->key_rect.w, buf, TUI_ROLE_TITLE, TEXT_LEFT);
		crypto_wipe(buf, sizeof buf);
	}
}

static void
setup_draw(struct cf_screen *s)
{
	struct setup *u = s->priv;
	char line[1024];

	tui_fill(&s->area, TUI_ROLE_NORMAL);
	if (u->step == STEP_ASK) {
		tui_draw_text(u->title.y, u->title.x, u->title.w, _("Create a new case file?"), TUI_ROLE_TITLE,
		              TEXT_LEFT);
		snprintf(line, sizeof line, _("There is no case file at %s."), u->asked_path);
		int y = tui_draw_paragraph(&(struct cf_rect){ u->title.x, u->title.y + 2, u->title.w, 4 }, 0, line,
		                           TUI_ROLE_NORMAL);
		tui_draw_paragraph(&(struct cf_rect){ u->title.x, u->title.y + 3 + y, u->title.w, 3 }, 0,
		                   _("Press y to create a new, empty case file there (you choose its user and "
		                     "passphrase next), or n to quit."), TUI_ROLE_NORMAL);
		return;
	}
	if (u->step == STEP_RECOVERY) {
		tui_draw_text(u->title.y, u->title.x, u->title.w, _("Recovery key"), TUI_ROLE_TITLE, TEXT_LEFT);
		tui_draw_paragraph(&(struct cf_rect){ u->intro.x, u->intro.y, u->intro.w, 5 }, 0,
		                   _("The case file is created. This recovery key opens every compartment and "
		                     "resets lost passphrases. Write it down now and keep it locked away: it is "
		                     "shown only this once."), TUI_ROLE_NORMAL);
		draw_recovery(u);
		snprintf(line, sizeof line, _("To confirm that you wrote it down, type its last group (group %d) "
		                              "and press Enter:"), CF_RECOVERY_GROUPS);
		tui_draw_paragraph(&u->confirm_label, 0, line, TUI_ROLE_NORMAL);
		tui_widget_edit_draw(u->confirm, &u->confirm_field, true, s->tui);
		if (u->msg[0])
			tui_draw_paragraph(&(struct cf_rect){ u->title.x, u->confirm_field.y + 2, u->title.w, 2 }, 0,
			                   u->msg, u->msg_error ? TUI_ROLE_ERROR : TUI_ROLE_NORMAL);
		return;
	}
	tui_draw_text(u->title.y, u->title.x, u->title.w, _("Create a new case file"), TUI_ROLE_TITLE,
	              TEXT_LEFT);
	tui_draw_paragraph(&u->intro, 0,
	                   _("carefile keeps every record in one encrypted case file. Choose where it goes, "
	                     "your user name and a passphrase (a few unusual words work well)."),
	                   TUI_ROLE_NORMAL);
	for (int i = 0; i < F__COUNT; i++) {
		bool focused = u->focus == i && !u->busy;

		tui_draw_text(u->label[i].y, u->label[i].x, u->label[i].w, field_label(i), TUI_ROLE_NORMAL,
		              TEXT_LEFT);
		if (i == F_PATH)
			tui_widget_edit_draw(u->path, &u->field[i], focused, s->tui);
		else if (i == F_USER)
			tui_widget_edit_draw(u->user, &u->field[i], focused, s->tui);
		else
			tui_secret_draw(i == F_PASS ? u->pass : u->pass2, &u->field[i], focused, s->tui);
	}
	draw_strength(u);
	if (u->busy)
		tui_draw_paragraph(&u->msg_rect, 0,
		                   _("Creating the case file: measuring this computer for the key derivation. "
		                     "Please wait a few seconds..."), TUI_ROLE_STATUS);
	else if (u->msg[0])
		tui_draw_paragraph(&u->msg_rect, 0, u->msg, u->msg_error ? TUI_ROLE_ERROR : TUI_ROLE_NORMAL);
}

static void
rate_passphrase(struct setup *u)
{
	struct cf_passphrase_strength st;
	char user[256];
	size_t len;
	const char *pass = tui_secret_text(u->pass, &len);

	if (len == 0) {
		u->score = -1;
		u->reason = NULL;
		return;
	}
	tui_edit_utf8(u->user, user, sizeof user);
	memset(&st, 0, sizeof st);
	if (user_passphrase_check(pass, user[0] ? user : NULL, &st) == CF_ERR_INVALID) {
		u->score = 0;
		u->reason = NULL;
		return;
	}
	u->score = st.score;
	u->reason = st.score < CF_PASSPHRASE_MIN_SCORE ? st.reason : NULL;
}

static enum tui_key_result
create(struct cf_screen *s)
{
	struct setup *u = s->priv;
	enum cf_store_reason why = CF_STORE_REASON_NONE;
	char user[256], msg[1024];
	size_t need = tui_edit_utf8(u->path, NULL, 0) + 1, len, len2;
	const char *pass = tui_secret_text(u->pass, &len);
	const char *pass2 = tui_secret_text(u->pass2, &len2);
	struct stat sb;
	char *path = malloc(need);
	int err;

	if (!path) {
		set_msg(u, cf_strerror(CF_ERR_NOMEM), true);
		return TUI_KEY_HANDLED;
	}
	tui_edit_utf8(u->path, path, need);
	tui_edit_utf8(u->user, user, sizeof user);
	if (!path[0]) {
		u->focus = F_PATH;
		set_msg(u, _("Type where the case file should go."), true);
	} else if (lstat(path, &sb) == 0 || errno != ENOENT) {
		u->focus = F_PATH;
		snprintf(msg, sizeof msg, _("Something already exists at %s: carefile never overwrites. Choose another path."),
		         path);
		set_msg(u, msg, true);
	} else if (!user_name_valid(user)) {
		u->focus = F_USER;
		set_msg(u, _("A user name is 1 to 64 letters, digits, '.', '_' or '-'."), true);
	} else if (len == 0) {
		u->focus = F_PASS;
		set_msg(u, _("Choose a passphrase."), true);
	} else if (len != len2 || crypto_memcmp(pass, pass2, len) != 0) {
		tui_secret_clear(u->pass2);
		u->focus = F_PASS2;
		set_msg(u, _("The two passphrases differ. Type it again."), true);
	} else {
		struct cf_passphrase_strength st;

		memset(&st, 0, sizeof st);
		err = user_passphrase_check(pass, user, &st);
		if (err != CF_OK) {
			if (st.reason)
				snprintf(msg, sizeof msg, _("This passphrase is refused: %s."), _(st.reason));
			else
				snprintf(msg, sizeof msg, _("This passphrase is refused: %s."), cf_strerror(err));
			tui_secret_clear(u->pass2);
			u->focus = F_PASS;
			set_msg(u, msg, true);
			free(path);
			return TUI_KEY_HANDLED;
		}
		if (config_make_parent_dirs(path) != CF_OK) {
			snprintf(msg, sizeof msg, _("The folder for %s cannot be created."), path);
			u->focus = F_PATH;
			set_msg(u, msg, true);
			free(path);
			return TUI_KEY_HANDLED;
		}
		u->busy = true;
		tui_redraw_now(s->tui);
		err = casefile_create(path, user, pass, len, 0, NULL, &u->recovery, &u->cf, &why);
		u->busy = false;
		if (err != CF_OK) {
			const char *detail = casefile_reason_text(why);

			snprintf(msg, sizeof msg, "%s%s%s%s", cf_strerror(err), detail && *detail ? " (" : "",
			         detail && *detail ? detail : "", detail && *detail ? ")" : "");
			set_msg(u, msg, true);
			free(path);
			return TUI_KEY_HANDLED;
		}
		tui_secret_clear(u->pass);
		tui_secret_clear(u->pass2);
		u->created_path = path;
		u->step = STEP_RECOVERY;
		set_msg(u, "", false);
		return TUI_KEY_HANDLED;
	}
	free(path);
	return TUI_KEY_HANDLED;
}

/* Upper case without spaces and dashes, Crockford's I/L as 1 and O as 0: how the key is read back. */
static void
normalize_group(const char *in, char *out, size_t size)
{
	size_t n = 0;

	for (; *in && n + 1 < size; in++) {
		int c = toupper((unsigned char)*in);

		if (c == ' ' || c == '-' || c == '_' || c == '\t')
			continue;
		if (c == 'I' || c == 'L')
			c = '1';
		else if (c == 'O')
			c = '0';
		out[n++] = (char)c;
	}
	out[n] = '\0';
}

static enum tui_key_result
confirm(struct cf_screen *s)
{
	struct setup *u = s->priv;
	char typed[64], want[16];
	const char *last = strrchr(u->recovery, '-');
	int err;

	tui_edit_utf8(u->confirm, typed, sizeof typed);
	normalize_group(typed, typed, sizeof typed);
	normalize_group(last ? last + 1 : u->recovery, want, sizeof want);
	if (strlen(typed) != strlen(want) || crypto_memcmp(typed, want, strlen(want)) != 0) {
		crypto_wipe(typed, sizeof typed);
		crypto_wipe(want, sizeof want);
		tui_edit_clear(u->confirm);
		set_msg(u, _("That is not the last group. Check what you wrote down and type it again."), true);
		return TUI_KEY_HANDLED;
	}
	crypto_wipe(typed, sizeof typed);
	crypto_wipe(want, sizeof want);
	tui_edit_clear(u->confirm);
	crypto_secure_free(u->recovery);
	u->recovery = NULL;
	err = tui_session_adopt(s->tui, &u->cf, u->created_path);
	if (err != CF_OK) {
		tui_quit(s->tui, err);
		return TUI_KEY_HANDLED;
	}
	return TUI_KEY_CLOSE;
}

static enum tui_key_result
setup_key(struct cf_screen *s, const struct cf_tui_key *k)
{
	struct setup *u = s->priv;
	bool esc = !k->fn && k->code == 27;

	if (k->fn && k->code == KEY_RESIZE)
		return TUI_KEY_UNHANDLED;
	if (u->step == STEP_ASK) {
		if (!k->fn && (k->code == 'y' || k->code == 'Y')) {
			u->step = STEP_FORM;
			return TUI_KEY_HANDLED;
		}
		if (esc || (!k->fn && (k->code == 'n' || k->code == 'N' || k->code == 'q')))
			tui_quit(s->tui, CF_OK);
		return TUI_KEY_HANDLED;
	}
	if (u->step == STEP_RECOVERY) {
		if (tui_key_is_enter(k))
			return confirm(s);
		if (esc) {
			set_msg(u, _("The case file is created. Type the last group of the recovery key to finish."), true);
			return TUI_KEY_HANDLED;
		}
		tui_widget_edit_key(u->confirm, k);
		return TUI_KEY_HANDLED;
	}
	if (esc) {
		tui_quit(s->tui, CF_OK);
		return TUI_KEY_HANDLED;
	}
	if (tui_key_is_enter(k)) {
		if (u->focus < F_PASS2) {
			u->focus++;
			return TUI_KEY_HANDLED;
		}
		return create(s);
	}
	if ((!k->fn && k->code == '\t') || (k->fn && k->code == KEY_DOWN)) {
		u->focus = (u->focus + 1) % F__COUNT;
		return TUI_KEY_HANDLED;
	}
	if (k->fn && (k->code == KEY_UP || k->code == KEY_BTAB)) {
		u->focus = (u->focus + F__COUNT - 1) % F__COUNT;
		return TUI_KEY_HANDLED;
	}
	if (u->focus == F_PATH)
		tui_widget_edit_key(u->path, k);
	else if (u->focus == F_USER)
		tui_widget_edit_key(u->user, k);
	else
		tui_secret_key(u->focus == F_PASS ? u->pass : u->pass2, k);
	if (u->focus == F_PASS || u->focus == F_USER)
		rate_passphrase(u);
	return TUI_KEY_HANDLED;
}

static const struct cf_tui_keyhelp setup_keys[] = {
	/* TRANSLATORS: hint labels, at most 8 columns each. */
	{ "Enter", N_("Next field; on the last one: create the case file"), N_("Next") },
	{ "Tab", N_("Next field (Up: previous)"), NULL },
	{ "Esc", N_("Quit without creating anything"), N_("Quit") },
	{ NULL, NULL, NULL },
};

const struct cf_screen_ops tui_screen_setup = {
	.name = "setup",
	/* TRANSLATORS: screen title in the header line: at most 16 columns. */
	.title = N_("New case file"),
	.keys = setup_keys,
	.flags = TUI_SCREEN_MODAL,
	.init = setup_init,
	.free = setup_free,
	.layout = setup_layout,
	.draw = setup_draw,
	.key = setup_key,
};
