/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the cmd-*.c files: passphrase input, default paths, open-and-unlock, error messages. */
#ifndef CAREFILE_CLI_INTERNAL_H
#define CAREFILE_CLI_INTERNAL_H

#include <stddef.h>

#include "carefile/casefile.h"
#include "carefile/cli.h"
#include "carefile/error.h"

int cli_cmd_init_run(const struct cf_options *opts, int argc, char **argv);
int cli_cmd_user_run(const struct cf_options *opts, int argc, char **argv);
int cli_cmd_check_run(const struct cf_options *opts, int argc, char **argv);
int cli_cmd_demo_run(const struct cf_options *opts, int argc, char **argv);
int cli_cmd_import_run(const struct cf_options *opts, int argc, char **argv);
int cli_cmd_export_run(const struct cf_options *opts, int argc, char **argv);
int cli_cmd_audit_run(const struct cf_options *opts, int argc, char **argv);

/* The audit log's state in the user's language (audit verify, check); the reason for a break. */
void cli_audit_print(const struct cf_audit_report *a);
const char *cli_audit_break_text(enum cf_audit_break why);

/*
 * Reads one secret line: from fd when fd >= 0 (one line, byte by byte so a
 * second call reads the next line; trailing "\n" or "\r\n" stripped), else
 * from /dev/tty with echo off, prompt written to /dev/tty, the terminal
 * restored on every path including SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGTSTP.
 * *out: secure memory, NUL-terminated; caller frees with crypto_secure_free().
 * Errors: CF_ERR_USAGE (no terminal and no fd), CF_ERR_CANCELLED (end of
 * input before a line), CF_ERR_INVALID (too long, or contains NUL), CF_ERR_IO, CF_ERR_NOMEM.
 */
enum cf_error cli_read_secret(int fd, const char *prompt, char **out, size_t *len);

/*
 * A new passphrase: from fd (one line) or the terminal (asked twice; a
 * mismatch is CF_ERR_INVALID after a message), then the strength check
 * (CF_ERR_WEAK_PASSPHRASE after printing the reason). user: for zxcvbn.
 */
enum cf_error cli_read_new_passphrase(int fd, const char *user, char **out, size_t *len);

/*
 * The case file path: opts->casefile, or $XDG_DATA_HOME/carefile/NAME
 * ($HOME/.local/share when unset), creating that directory with mode 0700
 * when make_dir. Caller frees with free(). NULL when no path can be made
 * (message printed).
 */
char *cli_casefile_path(const struct cf_options *opts, const char *name, int make_dir);

/*
 * What a command needs beyond an unlock: the compartments whose keys it
 * uses, and what to tell a user whose roles do not give them.
 */
struct cli_need {
	cf_compartment_mask compartments; /* CF_COMPARTMENT_BIT()s; 0: nothing beyond the unlock */
	const char *command;              /* untranslated, as typed: "export students" */
	const char *roles;                /* N_() text: the roles that give them */
};

/* Students' records (identity compartment): `export students`, `import roster` (its --dry-run too). */
extern const struct cli_need cli_need_export_students;
extern const struct cli_need cli_need_import_roster;

/*
 * Opens path (cli_open()) for opts->user and, when need is not NULL,
 * refuses a user whose roles do not give need->compartments BEFORE any
 * passphrase is asked, as the file claims the roles (not yet
 * authenticated: enough to refuse, never to allow; cli_unlock() checks the
 * keys). An unknown user is not refused here: the unlock then fails as
 * for a wrong passphrase. Prints the message on failure (CF_ERR_USAGE
 * without -u, CF_ERR_PERMISSION) and returns the error with *cf closed.
 * Caller frees *cf with casefile_close().
 */
enum cf_error cli_open_as(const struct cf_options *opts, const char *path, const struct cli_need *need,
                          struct cf_casefile **cf);

/*
 * Unlocks *cf (from cli_open_as()) as opts->user with the passphrase from
 * --passphrase-fd or the terminal, then, when need is not NULL, refuses
 * (CF_ERR_PERMISSION) unless the keys of need->compartments are held.
 * Prints the message on failure and returns the error; *cf is closed then.
 */
enum cf_error cli_unlock(const struct cf_options *opts, const char *path, const struct cli_need *need,
                         struct cf_casefile **cf);

/*
 * Once per process, when crypto_memory_locked() says some secure memory could not be locked
 * into RAM: a translated warning on stderr (what it means, raise ulimit -l). Nothing otherwise.
 */
void cli_warn_memory_unlocked(void);

/* cli_open_as() then cli_unlock(). Caller frees *cf with casefile_close(). */
enum cf_error cli_open_unlocked(const struct cf_options *opts, const char *path, const struct cli_need *need,
                                struct cf_casefile **cf);

/* Opens path without unlocking; prints on failure. */
enum cf_error cli_open(const char *path, struct cf_casefile **cf);

/*
 * Prints "carefile: CONTEXT: MESSAGE. DETAIL" to stderr (translated; never
 * anything sensitive) and returns cf_exit_code(err). context may be NULL.
 */
int cli_fail(enum cf_error err, enum cf_store_reason reason, const char *context);

/* Parses a non-negative decimal fd number; -1 on junk. */
int cli_parse_fd(const char *s);

#endif
