/* SPDX-License-Identifier: GPL-3.0-or-later */
/* carefile -u USER user add|list|passwd|grant|revoke|remove|disable|enable: accounts, roles and passphrases. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carefile/crypto.h"
#include "carefile/i18n.h"
#include "carefile/user.h"
#include "cli-internal.h"

struct user_args {
	const char *sub;
	const char *name;
	const char *role;
	int new_fd;
};

static int
usage(void)
{
	fprintf(stderr, _("Usage: carefile [-f FILE] -u USER user add NAME --role R[,R...] [--new-passphrase-fd M]\n"
	                  "       carefile [-f FILE] -u USER user list\n"
	                  "       carefile [-f FILE] -u USER user passwd [--new-passphrase-fd M]\n"
	                  "       carefile [-f FILE] --recovery-key-fd N user passwd NAME [--new-passphrase-fd M]\n"
	                  "       carefile [-f FILE] -u USER user grant NAME --role R[,R...]\n"
	                  "       carefile [-f FILE] -u USER user revoke NAME --role R[,R...]\n"
	                  "       carefile [-f FILE] -u USER user remove NAME\n"
	                  "       carefile [-f FILE] -u USER user disable|enable NAME\n"
	                  "Roles: admin, counselor, supervisor, hotline.\n"));
	return cf_exit_code(CF_ERR_USAGE);
}

static int
parse(int argc, char **argv, struct user_args *a)
{
	memset(a, 0, sizeof *a);
	a->new_fd = -1;
	if (argc < 2)
		return -1;
	a->sub = argv[1];
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc && !a->role) {
			a->role = argv[++i];
		} else if (strcmp(argv[i], "--new-passphrase-fd") == 0 && i + 1 < argc && a->new_fd < 0) {
			a->new_fd = cli_parse_fd(argv[++i]);
			if (a->new_fd < 0)
				return -1;
		} else if (argv[i][0] != '-' && !a->name) {
			a->name = argv[i];
		} else {
			return -1;
		}
	}
	return 0;
}

/* KDF parameters for a new slot: those of the acting user's slot (calibrated at init), else calibrate. */
static enum cf_error
new_slot_params(struct cf_casefile *cf, struct cf_kdf_params *p)
{
	if (casefile_slot_params(cf, p) == CF_OK)
		return CF_OK;
	fprintf(stderr, _("Measuring this computer for the key derivation (a few seconds)...\n"));
	return (enum cf_error)crypto_kdf_calibrate(1.0, p);
}

static int
report(enum cf_error e, const char *context)
{
	if (e == CF_OK)
		return 0;
	if (e == CF_ERR_PERMISSION)
		fprintf(stderr, _("carefile: %s: %s (granting a role requires holding its compartment keys)\n"),
		        context, cf_strerror(e));
	else
		cli_fail(e, CF_STORE_REASON_NONE, context);
	return cf_exit_code(e);
}

/* CF_ERR_EXISTS of remove and revoke: keys the account sealed to others are not merged yet. */
static void
keys_waiting(const char *name)
{
	fprintf(stderr, _("carefile: %s has sealed keys for other accounts that they have not received yet; they "
	                  "receive them when they next unlock. Try again after they have unlocked.\n"), name);
}

static int
cmd_list(struct cf_casefile *cf)
{
	struct cf_user_info *u = NULL;
	size_t n = 0;
	enum cf_error e = casefile_user_list(cf, &u, &n);

	if (e != CF_OK)
		return report(e, "user list");
	/* TRANSLATORS: column headers of `carefile user list`; roles stay in English (scripts) */
	printf("%-20s %-34s %s\n", _("USER"), _("ROLES"), _("CREATED (UTC)"));
	for (size_t i = 0; i < n; i++) {
		char roles[64], when[32] = "";
		time_t t = (time_t)u[i].created;
		struct tm tm;

		user_roles_format(u[i].roles, roles, sizeof roles);
		if (gmtime_r(&t, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		printf("%-20s %-34s %s", u[i].name, roles, when);
		if (u[i].disabled)
			printf(_("  (disabled)"));
		if (u[i].pending_grants)
			printf(_("  (new roles take effect at the next unlock)"));
		putchar('\n');
	}
	casefile_user_list_free(&u, n);
	return 0;
}

static int
cmd_add(struct cf_casefile *cf, const struct user_args *a)
{
	struct cf_kdf_params p;
	uint32_t roles;
	char *pass = NULL;
	size_t len = 0;
	enum cf_error e;

	if (!a->name || !a->role)
		return usage();
	if (!user_name_valid(a->name)) {
		fprintf(stderr, _("carefile: a user name is 1 to 64 letters, digits, '.', '_' or '-'\n"));
		return cf_exit_code(CF_ERR_USAGE);
	}
	if (user_roles_parse(a->role, &roles) != CF_OK) {
		fprintf(stderr, _("carefile: unknown role in '%s' (roles: admin, counselor, supervisor, hotline)\n"), a->role);
		return cf_exit_code(CF_ERR_USAGE);
	}
	/* refuse what is not allowed before asking for a passphrase */
	if (!(casefile_roles(cf) & CF_ROLE_ADMIN))
		return cli_fail(CF_ERR_PERMISSION, CF_STORE_REASON_NONE, a->name);
	if (user_roles_compartments(roles) & ~casefile_compartments(cf))
		return report(CF_ERR_PERMISSION, a->name);
	e = cli_read_new_passphrase(a->new_fd, a->name, &pass, &len);
	if (e == CF_OK)
		e = new_slot_params(cf, &p);
	if (e == CF_OK)
		e = casefile_user_add(cf, a->name, roles, pass, len, 0, &p);
	crypto_secure_free(pass);
	if (e == CF_ERR_WEAK_PASSPHRASE || (e == CF_ERR_INVALID && !pass))
		return cf_exit_code(e);
	if (e == CF_OK)
		fprintf(stderr, _("User %s added.\n"), a->name);
	return report(e, a->name);
}

static int
cmd_passwd(const struct cf_options *opts, struct cf_casefile *cf, const struct user_args *a)
{
	char *pass = NULL;
	size_t len = 0;
	int fd = a->new_fd >= 0 ? a->new_fd : opts->passphrase_fd;
	enum cf_error e;

	if (casefile_is_recovery(cf)) {
		struct cf_kdf_params p;

		if (!a->name)
			return usage();
		e = cli_read_new_passphrase(fd, a->name, &pass, &len);
		if (e == CF_ERR_WEAK_PASSPHRASE || e == CF_ERR_INVALID)
			return cf_exit_code(e);
		if (e == CF_OK)
			e = new_slot_params(cf, &p);
		if (e == CF_OK)
			e = casefile_user_reset(cf, a->name, pass, len, &p);
	} else {
		if (a->name && strcmp(a->name, opts->user) != 0) {
			fprintf(stderr, _("carefile: only your own passphrase can be changed; "
			                  "use --recovery-key-fd to reset another user's\n"));
			return cf_exit_code(CF_ERR_PERMISSION);
		}
		e = cli_read_new_passphrase(fd, opts->user, &pass, &len);
		if (e == CF_ERR_WEAK_PASSPHRASE || e == CF_ERR_INVALID)
			return cf_exit_code(e);
		if (e == CF_OK)
			e = casefile_user_passwd(cf, pass, len, NULL);
	}
	crypto_secure_free(pass);
	if (e == CF_OK)
		fprintf(stderr, _("Passphrase changed.\n"));
	return report(e, a->name ? a->name : opts->user);
}

/* Opens FILE with the recovery key read from --recovery-key-fd. */
static enum cf_error
open_recovery(const struct cf_options *opts, const char *path, struct cf_casefile **cf)
{
	char *text = NULL;
	size_t len = 0, bad = 0;
	enum cf_error e = cli_open(path, cf);

	if (e != CF_OK)
		return e;
	e = cli_read_secret(opts->recovery_key_fd, "", &text, &len);
	if (e == CF_OK)
		e = casefile_unlock_recovery(*cf, text, len, &bad);
	crypto_secure_free(text);
	if (e == CF_ERR_RECOVERY_KEY) {
		if (bad < CF_RECOVERY_GROUPS)
			fprintf(stderr, _("carefile: %s: group %zu\n"), cf_strerror(e), bad + 1);
		else
			fprintf(stderr, _("carefile: %s: extra text after the last group\n"), cf_strerror(e));
	} else if (e != CF_OK) {
		cli_fail(e, e == CF_ERR_DAMAGED ? CF_STORE_REASON_KEYSLOT : CF_STORE_REASON_NONE, path);
	}
	if (e != CF_OK)
		casefile_close(cf);
	return e;
}

int
cli_cmd_user_run(const struct cf_options *opts, int argc, char **argv)
{
	struct user_args a;
	struct cf_casefile *cf = NULL;
	char *path;
	enum cf_error e;
	int rc;

	if (parse(argc, argv, &a) != 0)
		return usage();
	if (strcmp(a.sub, "list") && strcmp(a.sub, "add") && strcmp(a.sub, "passwd") &&
	    strcmp(a.sub, "grant") && strcmp(a.sub, "revoke") && strcmp(a.sub, "remove") && strcmp(a.sub, "disable") &&
	    strcmp(a.sub, "enable"))
		return usage();
	if (opts->recovery_key_fd >= 0 && strcmp(a.sub, "passwd") != 0) {
		fprintf(stderr, _("carefile: --recovery-key-fd is only for 'user passwd NAME'\n"));
		return cf_exit_code(CF_ERR_USAGE);
	}
	if (crypto_init() != CF_OK)
		return cli_fail(CF_ERR_CRYPTO, CF_STORE_REASON_NONE, NULL);
	path = cli_casefile_path(opts, "casefile.carefile", 0);
	if (!path)
		return cf_exit_code(CF_ERR_USAGE);
	if (opts->recovery_key_fd >= 0)
		e = open_recovery(opts, path, &cf);
	else
		e = cli_open_unlocked(opts, path, NULL, &cf);
	free(path);
	if (e != CF_OK)
		return cf_exit_code(e);

	if (strcmp(a.sub, "list") == 0) {
		rc = a.name || a.role || a.new_fd >= 0 ? usage() : cmd_list(cf);
	} else if (strcmp(a.sub, "add") == 0) {
		rc = cmd_add(cf, &a);
	} else if (strcmp(a.sub, "passwd") == 0) {
		rc = cmd_passwd(opts, cf, &a);
	} else if (strcmp(a.sub, "grant") == 0) {
		uint32_t roles;

		if (!a.name || !a.role || a.new_fd >= 0)
			rc = usage();
		else if (user_roles_parse(a.role, &roles) != CF_OK)
			rc = usage();
		else {
			rc = report(casefile_user_grant(cf, a.name, roles), a.name);
			if (rc == 0)
				fprintf(stderr, _("Granted; it takes effect at %s's next unlock.\n"), a.name);
		}
	} else if (strcmp(a.sub, "revoke") == 0) {
		uint32_t roles;

		if (!a.name || !a.role || a.new_fd >= 0 || user_roles_parse(a.role, &roles) != CF_OK) {
			rc = usage();
		} else {
			e = casefile_user_revoke(cf, a.name, roles);
			if (e == CF_ERR_INVALID)
				fprintf(stderr, _("carefile: %s would be left with no role, or an admin would take away "
				                  "their own admin role; use 'user remove' to remove an account\n"), a.name);
			if (e == CF_ERR_EXISTS)
				keys_waiting(a.name);
			rc = e == CF_ERR_INVALID || e == CF_ERR_EXISTS ? cf_exit_code(e) : report(e, a.name);
			if (rc == 0)
				fprintf(stderr, _("Role taken away from %s. The keys it gave are rotated: at once for what you "
				                  "hold, the rest at the next unlock of someone who holds them.\n"), a.name);
		}
	} else if (strcmp(a.sub, "disable") == 0 || strcmp(a.sub, "enable") == 0) {
		int off = strcmp(a.sub, "disable") == 0;

		if (!a.name || a.role || a.new_fd >= 0) {
			rc = usage();
		} else if (off && opts->user && strcmp(a.name, opts->user) == 0) {
			fprintf(stderr, _("carefile: you cannot disable your own account\n"));
			rc = cf_exit_code(CF_ERR_INVALID);
		} else {
			rc = report(casefile_user_set_disabled(cf, a.name, off), a.name);
			if (rc == 0)
				fprintf(stderr, off ? _("User %s disabled: the account cannot unlock until enabled.\n")
				                    : _("User %s enabled.\n"), a.name);
		}
	} else {
		if (!a.name || a.role || a.new_fd >= 0) {
			rc = usage();
		} else if (opts->user && strcmp(a.name, opts->user) == 0) {
			fprintf(stderr, _("carefile: you cannot remove your own account\n"));
			rc = cf_exit_code(CF_ERR_INVALID);
		} else {
			e = casefile_user_remove(cf, a.name);
			if (e == CF_ERR_EXISTS)
				keys_waiting(a.name);
			rc = e == CF_ERR_EXISTS ? cf_exit_code(e) : report(e, a.name);
			if (rc == 0)
				fprintf(stderr, _("User %s removed.\n"), a.name);
		}
	}
	casefile_close(&cf);
	return rc;
}
