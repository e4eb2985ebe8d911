/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table of subcommands. */
#include <stddef.h>
#include <string.h>

#include "carefile/cli.h"
#include "carefile/i18n.h"
#include "cli-internal.h"

/*
 * X(name, usage, summary): each src/cli/cmd-NAME.c defines
 * int cli_cmd_NAME_run(const struct cf_options *, int, char **).
 * (C cannot initialise an array element from another const struct object,
 * so the table is built here from the run functions.)
 */
#define CF_CLI_COMMANDS(X) \
	X(init, N_("-u USER init"), \
	  N_("create a new case file with USER as admin, counselor and supervisor")) \
	X(user, N_("-u USER user add NAME --role R[,R...] | list | passwd [NAME] | grant NAME --role R | remove NAME"), \
	  N_("manage users, roles and passphrases")) \
	X(check, N_("-u USER check"), \
	  N_("check the file and authenticate every record you may read")) \
	X(audit, N_("audit verify"), \
	  N_("verify the audit log's chain and signatures (no passphrase needed)")) \
	X(audit, N_("-u USER audit list [--last N]"), \
	  N_("list the audit log's last entries (supervisors)")) \
	X(demo, N_("demo [FILE]"), \
	  N_("create a demo case file with fictional data")) \
	X(import, N_("-u USER import roster CSV [--dry-run] [--yes]"), \
	  N_("preview and import a class roster (CSV from Excel or the registry system)")) \
	X(export, N_("-u USER export students --out FILE.csv"), \
	  N_("export every student as CSV for Excel (asks for the passphrase)"))


const struct cf_cli_cmd cli_commands[] = {
#define CF_X_REF(n, u, s) { #n, u, s, cli_cmd_##n##_run },
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
