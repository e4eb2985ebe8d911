/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Subcommands: one src/cli/cmd-*.c per command, each filling one struct cf_cli_cmd. */
#ifndef CAREFILE_CLI_H
#define CAREFILE_CLI_H

#include "carefile/options.h"

struct cf_cli_cmd {
	const char *name;    /* "init", "user", ... ASCII, never translated */
	const char *usage;   /* N_() text shown by --help after "carefile [OPTIONS] " */
	const char *summary; /* N_() one line for --help */
	/*
	 * Runs the command. argv[0] is the command name. Returns a process exit
	 * code (see cf_exit_code()); prints its own messages to stderr.
	 */
	int (*run)(const struct cf_options *opts, int argc, char **argv);
};

/* The command named name, or NULL. */
const struct cf_cli_cmd *cli_find(const char *name);

/* Every command, terminated by an entry whose name is NULL. */
extern const struct cf_cli_cmd cli_commands[];

#endif
