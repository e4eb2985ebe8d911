/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * carefile [-f FILE] audit verify: the audit log's chain and signatures, with no passphrase (anyone, offline).
 * carefile [-f FILE] -u USER audit list [--last N]: its entries, for supervisors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* TRANSLATORS: after "Your role does not allow this": who may; role names stay in English (--role) */
static const struct cli_need need_audit_list = {
	CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL) | CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE), "audit list",
	N_("the audit log is for the supervisor role"),
};

/* One line per entry: seq, UTC time, account, action, what it is about. No record content: there is none. */
static enum cf_error
print_entry(const struct cf_audit_entry *e, void *ctx)
{
	char when[32] = "?", uuid[2 * CF_UUID_BYTES + 1];
	time_t t = (time_t)e->at;
	struct tm tm;

	(void)ctx;
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%SZ", &tm);
	printf("%6lld  %s  %-16s  %-13s", (long long)e->seq, when, e->actor[0] ? e->actor : _("(recovery key)"),
	       casefile_audit_action_name(e->action));
	if (e->about[0])
		/* TRANSLATORS: audit list: the account an entry names (a failed unlock's) */
		printf("  %s %s", _("account"), e->about);
	else if (e->has_row) {
		for (size_t i = 0; i < 4; i++)
			snprintf(uuid + 2 * i, 3, "%02x", e->row_uuid[i]);
		printf("  %s %s… v%lld", e->table, uuid, (long long)e->row_version);
	} else if (e->table[0]) {
		printf("  %s", e->table);
	}
	putchar('\n');
	return CF_OK;
}

static int
audit_list(const struct cf_options *opts, int argc, char **argv)
{
	struct cf_casefile *cf = NULL;
	long long last = 50;
	char *path, *end;
	enum cf_error e;

	if (argc == 4 && strcmp(argv[2], "--last") == 0) {
		last = strtoll(argv[3], &end, 10);
		if (*argv[3] == '\0' || *end || last < 0)
			argc = -1;
	} else if (argc != 2) {
		argc = -1;
	}
	if (argc < 0) {
		fprintf(stderr, _("Usage: carefile [-f FILE] -u USER audit list [--last N]\n"));
		return cf_exit_code(CF_ERR_USAGE);
	}
	path = cli_casefile_path(opts, "casefile.carefile", 0);
	if (!path)
		return cf_exit_code(CF_ERR_USAGE);
	e = cli_open_unlocked(opts, path, &need_audit_list, &cf);
	free(path);
	if (e != CF_OK)
		return cf_exit_code(e);
	e = casefile_audit_list(cf, (int64_t)last, print_entry, NULL);
	if (e != CF_OK)
		cli_fail(e, CF_STORE_REASON_NONE, NULL);
	casefile_close(&cf);
	return cf_exit_code(e);
}

int
cli_cmd_audit_run(const struct cf_options *opts, int argc, char **argv)
{
	struct cf_casefile *cf = NULL;
	struct cf_audit_report r;
	char *path;
	enum cf_error e;

	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return audit_list(opts, argc, argv);
	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		fprintf(stderr, _("Usage: carefile [-f FILE] audit verify\n"));
		fprintf(stderr, _("Usage: carefile [-f FILE] -u USER audit list [--last N]\n"));
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
