/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The seam between the frame and the case file: open (unlock or first run), lock and close. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <term.h>

#include "carefile/casefile.h"
#include "carefile/config.h"
#include "carefile/crypto.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-curses.h"
#include "tui-frame.h"
#include "tui-screens.h"
#include "tui-session.h"
#include "tui-privacy.h"

/* One interface per process: the session is process state, like the terminal. */
static struct {
	struct cf_casefile *cf;
	char *path;
	const char *name; /* into path */
	char *user;       /* who unlocked; a lock screen asks this user only */
	int lock_after;   /* seconds, 0 = never */
} sess;

struct cf_casefile *
tui_casefile(struct cf_tui *tui)
{
	(void)tui;
	return sess.cf && casefile_is_unlocked(sess.cf) ? sess.cf : NULL;
}

const char *
tui_session_name(void)
{
	return sess.name;
}

const char *
tui_session_user(void)
{
	return sess.user;
}

static int
set_path(const char *path)
{
	const char *slash;

	free(sess.path);
	sess.path = strdup(path);
	sess.name = NULL;
	if (!sess.path)
		return CF_ERR_NOMEM;
	slash = strrchr(sess.path, '/');
	sess.name = slash && slash[1] ? slash + 1 : sess.path;
	return CF_OK;
}

static int
set_user(const char *user)
{
	char *u = strdup(user);

	if (!u)
		return CF_ERR_NOMEM;
	free(sess.user);
	sess.user = u;
	return CF_OK;
}

/*
 * Header, idle lock and the screens' unlock ops after any successful
 * unlock: after the first one, screens pushed before (Today) load their data.
 */
static void
unlocked(struct cf_tui *tui)
{
	tui_set_header(tui, sess.name, sess.user ? sess.user : _("recovery key"), false);
	tui_set_idle_lock(tui, sess.lock_after);
	if (casefile_audit_event(sess.cf, CF_AUDIT_UNLOCK, NULL, 0) != CF_OK)
		tui_status(tui, _("Warning: this unlock could not be written to the audit log."), true);
	/* before the screens' unlock ops: an error of theirs is more urgent and replaces it */
	if (!crypto_memory_locked())
		tui_status(tui, _("Warning: memory not locked into RAM; keys may reach swap. Raise ulimit -l."), true);
	tui_screens_unlock(tui);
}

int
tui_session_unlock(struct cf_tui *tui, const char *user, const char *pass, size_t len)
{
	bool again = sess.user != NULL;
	int err;

	/* after a lock only the same user may go on: the screens below hold that user's work */
	if (again && strcmp(user, sess.user) != 0)
		return CF_ERR_AUTH;
	err = casefile_unlock(sess.cf, user, pass, len);
	if (err != CF_OK)
		return err;
	if (!again && set_user(user) != CF_OK) {
		casefile_lock(sess.cf);
		return CF_ERR_NOMEM;
	}
	unlocked(tui);
	return CF_OK;
}

void
tui_session_accept_rollback(void)
{
	casefile_accept_rollback(sess.cf);
}

void
tui_session_rollback_counts(uint64_t *seen, uint64_t *now)
{
	casefile_rollback_counts(sess.cf, seen, now);
}

int
tui_session_unlock_recovery(struct cf_tui *tui, const char *text, size_t len, size_t *bad_group)
{
	int err = casefile_unlock_recovery(sess.cf, text, len, bad_group);

	if (err != CF_OK)
		return err;
	unlocked(tui);
	return CF_OK;
}

int
tui_session_adopt(struct cf_tui *tui, struct cf_casefile **cf, const char *path)
{
	const char *user = casefile_user(*cf);

	if (set_path(path) != CF_OK || !user || set_user(user) != CF_OK) {
		casefile_close(cf);
		return CF_ERR_NOMEM;
	}
	sess.cf = *cf;
	*cf = NULL;
	unlocked(tui);
	return CF_OK;
}

/* lock_after from --lock-after, else the config file, else the default; a bad config line is reported. */
static void
load_config(struct cf_tui *tui, const struct cf_options *opts)
{
	struct cf_config c;
	char *path = config_file_path();
	int bad_line = 0;
	enum cf_error err = CF_ERR_NOT_FOUND;

	config_defaults(&c);
	if (path)
		err = config_load(path, &c, &bad_line);
	if (err == CF_ERR_INVALID) {
		char msg[512];

		snprintf(msg, sizeof msg, _("%s, line %d: not understood; the rest of the file is ignored."),
		         path, bad_line);
		tui_status(tui, msg, true);
	} else if (err == CF_ERR_IO) {
		char msg[512];

		snprintf(msg, sizeof msg, _("%s: cannot be read; using the defaults."), path);
		tui_status(tui, msg, true);
	}
	free(path);
	sess.lock_after = opts->lock_after_seconds >= 0 ? opts->lock_after_seconds : c.lock_after_seconds;
	tui_privacy_set(c.privacy_mode != 0);
	tui_set_ascii_borders(c.ascii_borders != 0);
}

static int
push_open_error(struct cf_tui *tui, int err, enum cf_store_reason reason, const char *path)
{
	struct tui_open_error oe = { err, reason, path };

	return tui_push(tui, &tui_screen_open_error, &oe);
}

static int
push_setup(struct cf_tui *tui, const struct cf_options *opts, bool ask_first)
{
	struct tui_setup_arg a = { sess.path, opts->user, ask_first };

	return tui_push(tui, &tui_screen_setup, &a);
}

int
tui_session_open(struct cf_tui *tui, const struct cf_options *opts)
{
	const char *frame_only = getenv("CAREFILE_NO_CASEFILE");
	enum cf_store_reason reason = CF_STORE_REASON_NONE;
	struct stat sb;
	char *path;
	int err;

	memset(&sess, 0, sizeof sess);
	/* secure memory (editors, passphrase fields) needs libsodium started, case file or not */
	if (crypto_init() != CF_OK)
		return CF_ERR_CRYPTO;
	/* The frame on its own, for tests of screens that need no case file (see tui.h). */
	if (frame_only && *frame_only && strcmp(frame_only, "0") != 0) {
		tui_set_header(tui, NULL, opts->user, false);
		return CF_OK;
	}
	load_config(tui, opts);
	path = opts->casefile ? strdup(opts->casefile) : config_default_casefile_path();
	if (!path) {
		if (!opts->casefile)
			return push_open_error(tui, CF_ERR_NOT_FOUND, CF_STORE_REASON_NONE, NULL);
		return CF_ERR_NOMEM;
	}
	err = set_path(path);
	free(path);
	if (err != CF_OK)
		return err;
	tui_set_header(tui, sess.name, opts->user, true);
	/* nothing at the default path: the first run */
	if (!opts->casefile && lstat(sess.path, &sb) != 0 && errno == ENOENT) {
		tui_set_header(tui, NULL, opts->user, false);
		return push_setup(tui, opts, false);
	}
	err = casefile_open(sess.path, &sess.cf, &reason);
	if (err == CF_ERR_NOT_FOUND && reason == CF_STORE_REASON_NO_FILE && opts->casefile) {
		tui_set_header(tui, NULL, opts->user, false);
		return push_setup(tui, opts, true);
	}
	if (err != CF_OK) {
		tui_set_header(tui, sess.name, opts->user, true); /* nothing readable: not "unlocked" */
		return push_open_error(tui, err, reason, sess.path);
	}
	if (opts->accept_rollback)
		casefile_accept_rollback(sess.cf);
	return tui_push(tui, &tui_screen_unlock, (void *)opts->user);
}

/*
 * Clears the screen and the terminal's scrollback, so nothing shown before
 * the lock can be scrolled back to: terminfo E3, or the xterm sequence
 * "\033[3J" for terminals known to understand it when the entry lacks E3.
 */
static void
clear_terminal(struct cf_tui *tui)
{
	static const char *const xterm_like[] = { "xterm", "screen", "tmux", "rxvt", "vte", "gnome",
		                                  "konsole", "alacritty", "kitty", "foot", "st", "linux" };
	const char *term = getenv("TERM");
	char *e3;

	clear();
	refresh();
	if (tui_headless(tui))
		return;
	e3 = tigetstr("E3");
	if (e3 && e3 != (char *)-1) {
		fputs(e3, stdout);
	} else if (term) {
		for (size_t i = 0; i < sizeof xterm_like / sizeof xterm_like[0]; i++)
			if (strncmp(term, xterm_like[i], strlen(xterm_like[i])) == 0) {
				fputs("\033[3J", stdout);
				break;
			}
	}
	fflush(stdout);
}

void
tui_session_lock(struct cf_tui *tui)
{
	int err;

	if (!sess.cf) {
		if (!sess.path)
			tui_status(tui, _("Nothing to lock yet: no case file is open."), false);
		return;
	}
	if (!casefile_is_unlocked(sess.cf))
		return; /* already locked, or not unlocked yet */
	tui_screens_lock(tui);
	/* the lock in the audit log; a failure to write it never keeps the keys in memory */
	(void)casefile_audit_event(sess.cf, CF_AUDIT_LOCK, NULL, 0);
	casefile_lock(sess.cf);
	tui_set_header(tui, sess.name, sess.user ? sess.user : _("recovery key"), true);
	tui_set_idle_lock(tui, 0);
	clear_terminal(tui);
	if (!sess.user) {
		/* a recovery unlock has no passphrase to unlock with again: quit */
		tui_quit(tui, CF_OK);
		return;
	}
	err = tui_push(tui, &tui_screen_lock, NULL);
	if (err != CF_OK)
		tui_quit(tui, err); /* never stay unlocked-looking when the lock screen cannot show */
}

void
tui_session_close(struct cf_tui *tui)
{
	if (sess.cf && casefile_is_unlocked(sess.cf)) {
		tui_screens_lock(tui);
		/* quitting locks too: the audit log has it (nothing to tell the user on the way out) */
		(void)casefile_audit_event(sess.cf, CF_AUDIT_LOCK, NULL, 0);
	}
	casefile_close(&sess.cf);
	free(sess.path);
	free(sess.user);
	memset(&sess, 0, sizeof sess);
}
