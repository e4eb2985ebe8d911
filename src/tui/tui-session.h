/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The open case file of the interface, and the screens that open, create, unlock and lock it. */
#ifndef CAREFILE_TUI_SESSION_H
#define CAREFILE_TUI_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "carefile/casefile.h"
#include "carefile/tui_screen.h"

/* Full-screen message for a case file that could not be opened; q exits with the error's code. */
struct tui_open_error {
	int err;                    /* enum cf_error */
	enum cf_store_reason reason;
	const char *path;           /* borrowed by init (copied) */
};
extern const struct cf_screen_ops tui_screen_open_error; /* arg: struct tui_open_error * */

/* The unlock dialog over Today after start: user name (prefill), passphrase, or the recovery key. */
extern const struct cf_screen_ops tui_screen_unlock; /* arg: const char *user prefill, may be NULL */

/* The lock screen: product, case file name, user, "locked", passphrase prompt; nothing else. */
extern const struct cf_screen_ops tui_screen_lock; /* arg: NULL */

/* First run: guided creation of a case file. */
struct tui_setup_arg {
	const char *path;  /* proposed path (copied) */
	const char *user;  /* prefill, may be NULL */
	bool ask_first;    /* -f to a missing path: ask before anything else */
};
extern const struct cf_screen_ops tui_screen_setup; /* arg: struct tui_setup_arg * */

/* Case file name for the header (the path without its directories); NULL when none. Borrowed. */
const char *tui_session_name(void);

/* The user who unlocked (or last unlocked) the case file; NULL when none. Borrowed. */
const char *tui_session_user(void);

/*
 * Unlocks the open case file as user with pass (secure memory, len bytes)
 * and, after a lock, reloads every screen (tui_screens_unlock). Updates the
 * header and starts the idle lock. Returns casefile_unlock()'s error;
 * CF_ERR_AUTH also when a different user than the one who locked tries.
 */
int tui_session_unlock(struct cf_tui *tui, const char *user, const char *pass, size_t len);
/* The next unlock opens a file older than this PC's witness (casefile_accept_rollback()). */
void tui_session_accept_rollback(void);
/* After CF_ERR_ROLLBACK: the write counter seen before on this PC and the file's. */
void tui_session_rollback_counts(uint64_t *seen, uint64_t *now);

/* As tui_session_unlock() with the recovery key text; *bad_group (0-based) on CF_ERR_RECOVERY_KEY. */
int tui_session_unlock_recovery(struct cf_tui *tui, const char *text, size_t len, size_t *bad_group);

/*
 * Takes over cf, created and unlocked by the setup screen, as the session's
 * case file (path: copied). Updates the header and starts the idle lock.
 * Returns CF_OK or CF_ERR_NOMEM (cf then closed).
 */
int tui_session_adopt(struct cf_tui *tui, struct cf_casefile **cf, const char *path);

/* The message for err (and store reason detail) when a case file cannot be opened; translated, static. */
const char *tui_open_error_title(int err);

#endif
