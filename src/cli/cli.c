/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table of subcommands. */
#include <stddef.h>
#include <string.h>

#include "carefile/cli.h"
#include "carefile/i18n.h"

/* Each command file provides one of these. */
#define CF_CLI_COMMANDS(X) \
	/* X(init) X(user) X(check) X(demo) ... added as the commands land */

#define CF_X_DECL(n) extern const struct cf_cli_cmd cli_cmd_##n;
CF_CLI_COMMANDS(CF_X_DECL)
#undef CF_X_DECL

const struct cf_cli_cmd cli_commands[] = {
#define CF_X_REF(n) cli_cmd_##n,
	CF_CLI_COMMANDS(CF_X_REF)
#undef CF_X_REF
	{ NULL, NULL, NULL, NULL },
};

const struct cf_cli_cmd *
cli_find(const char *name)
{
	for (const struct cf_cli_cmd *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}
