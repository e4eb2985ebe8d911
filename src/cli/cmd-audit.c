/* SPDX-License-Identifier: GPL-3.0-or-later */
/* carefile [-f FILE] audit verify: the audit log's chain and signatures, with no passphrase (anyone, offline). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/i18n.h"
#include "cli-internal.h"

const char *
cli_audit_break_text(enum cf_audit_break why)
{
	switch (why) {
	case CF_AUDIT_BROKEN_ORDER:
		return _("an entry before it was removed, or the entries were reordered");
	case CF_AUDIT_BROKEN_HASH:
		return _("the entry, or one before it, was changed");
	case CF_AUDIT_BROKEN_SIGNATURE:
		return _("its signature does not verify");
	case CF_AUDIT_BROKEN_SIGNER:
		return _("it is signed with another account's key");
	case CF_AUDIT_BROKEN_MALFORMED:
		return _("it is malformed");
	case CF_AUDIT_INTACT:
	default:
		return _("intact");
	}
}

void
cli_audit_print(const struct cf_audit_report *a)
{
	if (a->first_broken)
		/* TRANSLATORS: entry number, then why (one of the "audit" reasons) */
		printf(_("Audit log: BROKEN at entry %lld: %s\n"), (long long)a->first_broken, cli_audit_break_text(a->why));
	else
		printf(P_("Audit log: %lld entry, chain and signatures intact\n",
		          "Audit log: %lld entries, chain and signatures intact\n", a->entries),
		       (long long)a->entries);
	if (a->unsigned_entries)
		printf(P_("Audit log: %lld entry was written by an account without a signing key (a file from before "
		          "version 4)\n",
		          "Audit log: %lld entries were written by accounts without a signing key (a file from before "
		          "version 4)\n",
		          a->unsigned_entries),
		       (long long)a->unsigned_entries);
	if (a->unlisted_signers)
		printf(P_("Audit log: %lld entry is signed by a key the directory no longer lists (an account removed "
		          "or given a new passphrase since)\n",
		          "Audit log: %lld entries are signed by keys the directory no longer lists (accounts removed "
		          "or given a new passphrase since)\n",
		          a->unlisted_signers),
		       (long long)a->unlisted_signers);
}

int
cli_cmd_audit_run(const struct cf_options *opts, int argc, char **argv)
{
	struct cf_casefile *cf = NULL;
	struct cf_audit_report r;
	char *path;
	enum cf_error e;

	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		fprintf(stderr, _("Usage: carefile [-f FILE] audit verify\n"));
		return cf_exit_code(CF_ERR_USAGE);
	}
	path = cli_casefile_path(opts, "casefile.carefile", 0);
	if (!path)
		return cf_exit_code(CF_ERR_USAGE);
	/* no unlock: the chain and its signatures need no key */
	e = cli_open(path, &cf);
	free(path);
	if (e != CF_OK)
		return cf_exit_code(e);
	e = casefile_audit_verify(cf, &r);
	if (e == CF_OK || e == CF_ERR_DAMAGED) {
		cli_audit_print(&r);
		if (e != CF_OK)
			fprintf(stderr, _("carefile: audit verify failed: %s\n"), cf_strerror(e));
	} else {
		cli_fail(e, CF_STORE_REASON_NONE, NULL);
	}
	casefile_close(&cf);
	return cf_exit_code(e);
}
