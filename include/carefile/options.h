/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The global command-line options, shared by the CLI and the TUI (ground layer: header only). */
#ifndef CAREFILE_OPTIONS_H
#define CAREFILE_OPTIONS_H

/* Global options, parsed by main() before the subcommand. Borrowed strings point into argv. */
struct cf_options {
	const char *casefile;    /* -f FILE, or NULL for the default path */
	const char *user;        /* -u USER, or NULL */
	int passphrase_fd;       /* --passphrase-fd N, or -1: read from the terminal */
	int recovery_key_fd;     /* --recovery-key-fd N, or -1 */
	int lock_after_seconds;  /* --lock-after SECONDS, or -1 for the configured default */
	int accept_rollback;     /* --accept-rollback: open a file older than this PC last saw (1), else 0 */
};

#endif
