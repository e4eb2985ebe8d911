/* SPDX-License-Identifier: GPL-3.0-or-later */
/* carefile demo [FILE]: a case file of fictional data with documented demo users. */
#include <stdio.h>
#include <stdlib.h>

#include "carefile/i18n.h"
#include "cli-internal.h"

int
cli_cmd_demo_run(const struct cf_options *opts, int argc, char **argv)
{
	struct cf_options o = *opts;
	enum cf_store_reason why = CF_STORE_REASON_NONE;
	char *path;
	enum cf_error e;
	int rc = 0;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, _("Usage: carefile demo [FILE]\n"));
		return cf_exit_code(CF_ERR_USAGE);
	}
	if (argc == 2)
		o.casefile = argv[1];
	path = cli_casefile_path(&o, "demo.carefile", 1);
	if (!path)
		return cf_exit_code(CF_ERR_IO);
	e = casefile_demo_create(path, &why);
	if (e != CF_OK) {
		rc = cli_fail(e, why, path);
	} else {
		printf(_("Created the demo case file %s (fictional data only).\n"), path);
		printf(_("Users: %s / %s (admin, counselor, supervisor) and %s / %s (hotline).\n"),
		       CF_DEMO_USER, CF_DEMO_PASSPHRASE, CF_DEMO_HOTLINE_USER, CF_DEMO_HOTLINE_PASSPHRASE);
	}
	free(path);
	return rc;
}
