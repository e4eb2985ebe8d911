/* SPDX-License-Identifier: GPL-3.0-or-later */
/* carefile -u USER check: quick_check on a fresh connection, then authenticate every readable record. */
#include <stdio.h>
#include <stdlib.h>

#include "carefile/i18n.h"
#include "cli-internal.h"

int
cli_cmd_check_run(const struct cf_options *opts, int argc, char **argv)
{
	struct cf_casefile *cf = NULL;
	struct cf_check_report r;
	char *path;
	enum cf_error e;
	long long readable = 0, skipped = 0;   /* over every table */

	if (argc != 1) {
		fprintf(stderr, _("Usage: carefile [-f FILE] -u USER check\n"));
		return cf_exit_code(CF_ERR_USAGE);
	}
	path = cli_casefile_path(opts, "casefile.carefile", 0);
	if (!path)
		return cf_exit_code(CF_ERR_USAGE);
	/* casefile_open() makes the connection: quick_check runs on it before anything else reads */
	e = cli_open_unlocked(opts, path, NULL, &cf);
	free(path);
	if (e != CF_OK)
		return cf_exit_code(e);
	e = casefile_check(cf, &r);
	if (e == CF_OK || e == CF_ERR_DAMAGED) {
		if (r.quick_check_problems == 0)
			printf(_("Database structure (quick_check): ok\n"));
		else
			printf(P_("Database structure (quick_check): %ld problem\n",
			          "Database structure (quick_check): %ld problems\n", r.quick_check_problems),
			       r.quick_check_problems);
		printf(_("Header and keyslots: authenticated\n"));
		for (int t = 0; t < CF_CHECK_TABLES_MAX && r.tables[t].table; t++) {
			readable += r.tables[t].authenticated;
			skipped += r.tables[t].skipped;
			/* TRANSLATORS: table name, rows, authenticated rows, rows of compartments the user does not hold */
			printf(_("%s: %lld rows, %lld authenticated, %lld not readable with your roles\n"),
			       r.tables[t].table, (long long)r.tables[t].rows, (long long)r.tables[t].authenticated,
			       (long long)r.tables[t].skipped);
			if (r.tables[t].opaque)
				/* TRANSLATORS: rows that authenticate but hold text of a pre-release version of carefile */
				printf(P_("%s: %lld row holds text written by a pre-release version (no fields to show)\n",
				          "%s: %lld rows hold text written by a pre-release version (no fields to show)\n",
				          r.tables[t].opaque),
				       r.tables[t].table, (long long)r.tables[t].opaque);
		}
		if (r.has_audit)
			cli_audit_print(&r.audit);
		for (size_t i = 0; i < r.n_failures; i++) {
			const struct cf_check_failure *f = &r.failures[i];

			switch (f->problem) {
			case CF_CHECK_NOT_IN_LOG:
				/* TRANSLATORS: table, row id */
				printf(_("FAILED: %s row %lld: not in the audit log (added outside carefile)\n"), f->table,
				       (long long)f->row_id);
				break;
			case CF_CHECK_DIFFERS_FROM_LOG:
				/* TRANSLATORS: table, row id, audit entry number */
				printf(_("FAILED: %s row %lld: differs from its audit entry %lld (an older copy put back, or "
				         "edited outside carefile)\n"),
				       f->table, (long long)f->row_id, (long long)f->audit_seq);
				break;
			case CF_CHECK_MISSING:
				/* TRANSLATORS: table, audit entry number */
				printf(_("FAILED: %s: a row written in audit entry %lld is missing (deleted outside carefile)\n"),
				       f->table, (long long)f->audit_seq);
				break;
			case CF_CHECK_UNREADABLE:
			default:
				printf(_("FAILED: %s row %lld: %s\n"), f->table, (long long)f->row_id, cf_strerror(f->err));
				break;
			}
		}
		if (e == CF_OK && skipped == 0) {
			printf(_("Check passed.\n"));
		} else if (e == CF_OK) {
			/* not a plain "passed": rows of compartments the user does not hold were not looked at */
			printf(P_("Check passed for the %lld row your roles can read.",
			          "Check passed for the %lld rows your roles can read.", readable),
			       readable);
			printf(" ");
			printf(P_("%lld row was not checked.\n", "%lld rows were not checked.\n", skipped), skipped);
		} else
			fprintf(stderr, _("carefile: check failed: %s\n"), cf_strerror(e));
	} else {
		cli_fail(e, CF_STORE_REASON_NONE, NULL);
	}
	casefile_check_report_fini(&r);
	casefile_close(&cf);
	return cf_exit_code(e);
}
