/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers of the subcommands: default paths, open and unlock, error messages. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "carefile/crypto.h"
#include "carefile/i18n.h"
#include "carefile/io_fs.h"
#include "carefile/user.h"
#include "cli-internal.h"

int
cli_fail(enum cf_error err, enum cf_store_reason reason, const char *context)
{
	const char *detail = casefile_reason_text(reason);

	if (context)
		fprintf(stderr, "carefile: %s: %s", context, cf_strerror(err));
	else
		fprintf(stderr, "carefile: %s", cf_strerror(err));
	if (detail && *detail)
		fprintf(stderr, " (%s)", detail);
	fputc('\n', stderr);
	return cf_exit_code(err);
}

int
cli_parse_fd(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

char *
cli_casefile_path(const struct cf_options *opts, const char *name, int make_dir)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *dir = NULL, *path = NULL;
	size_t n;

	if (opts->casefile)
		return strdup(opts->casefile);
	if (xdg && xdg[0] == '/') {
		n = strlen(xdg) + sizeof "/carefile";
		dir = malloc(n);
		if (dir)
			snprintf(dir, n, "%s/carefile", xdg);
	} else if (home && home[0] == '/') {
		n = strlen(home) + sizeof "/.local/share/carefile";
		dir = malloc(n);
		if (dir)
			snprintf(dir, n, "%s/.local/share/carefile", home);
	} else {
		fprintf(stderr, _("carefile: no case file given (-f FILE) and neither XDG_DATA_HOME nor HOME is set\n"));
		return NULL;
	}
	if (!dir) {
		cli_fail(CF_ERR_NOMEM, CF_STORE_REASON_NONE, NULL);
		return NULL;
	}
	if (make_dir && io_mkdirs_private(dir) != 0) {
		cli_fail(CF_ERR_IO, CF_STORE_REASON_NONE, dir);
		free(dir);
		return NULL;
	}
	n = strlen(dir) + strlen(name) + 2;
	path = malloc(n);
	if (path)
		snprintf(path, n, "%s/%s", dir, name);
	free(dir);
	return path;
}

enum cf_error
cli_open(const char *path, struct cf_casefile **cf)
{
	enum cf_store_reason why = CF_STORE_REASON_NONE;
	enum cf_error e = casefile_open(path, cf, &why);

	if (e != CF_OK)
		cli_fail(e, why, path);
	return e;
}

/* TRANSLATORS: after "Your role does not allow this": who may; role names stay in English (--role) */
#define STUDENTS_ROLES N_("student records need the counselor or supervisor role")

const struct cli_need cli_need_export_students = {
	CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY), "export students", STUDENTS_ROLES,
};

const struct cli_need cli_need_import_roster = {
	CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY), "import roster", STUDENTS_ROLES,
};

/* The refusal: which command, why, and that nothing happened. Returns CF_ERR_PERMISSION. */
static enum cf_error
refuse(const struct cli_need *need)
{
	/* TRANSLATORS: command as typed (export students), "Your role does not allow this", who may */
	fprintf(stderr, _("carefile: %s: %s (%s); nothing was read or written\n"), need->command,
	        cf_strerror(CF_ERR_PERMISSION), _(need->roles));
	return CF_ERR_PERMISSION;
}

enum cf_error
cli_open_as(const struct cf_options *opts, const char *path, const struct cli_need *need, struct cf_casefile **cf)
{
	uint32_t roles = 0;
	enum cf_error e;

	*cf = NULL;
	if (!opts->user) {
		fprintf(stderr, _("carefile: this command needs a user name (-u USER)\n"));
		return CF_ERR_USAGE;
	}
	/* the file is checked (and locked) before anyone types a passphrase */
	e = cli_open(path, cf);
	if (e != CF_OK || !need || !need->compartments)
		return e;
	/* the roles as the file claims them: a role that cannot do this is told before its passphrase */
	if (casefile_user_roles_unverified(*cf, opts->user, &roles) == CF_OK &&
	    (user_roles_compartments(roles) & need->compartments) != need->compartments) {
		casefile_close(cf);
		return refuse(need);
	}
	return CF_OK;
}

void
cli_warn_memory_unlocked(void)
{
	static int warned;

	if (warned || crypto_memory_locked())
		return;
	warned = 1;
	fprintf(stderr, _("carefile: warning: secure memory could not be locked into RAM; keys may be written to swap. "
	                  "Raise the memlock limit (ulimit -l).\n"));
}

enum cf_error
cli_unlock(const struct cf_options *opts, const char *path, const struct cli_need *need, struct cf_casefile **cf)
{
	char prompt[160];
	char *pass = NULL;
	size_t len = 0;
	enum cf_error e;

	snprintf(prompt, sizeof prompt, _("Passphrase for %s: "), opts->user);
	e = cli_read_secret(opts->passphrase_fd, prompt, &pass, &len);
	if (e == CF_ERR_USAGE)
		fprintf(stderr, _("carefile: no terminal to ask for the passphrase; use --passphrase-fd N\n"));
	else if (e != CF_OK)
		cli_fail(e, CF_STORE_REASON_NONE, NULL);
	if (e == CF_OK) {
		if (opts->accept_rollback)
			casefile_accept_rollback(*cf);
		e = casefile_unlock(*cf, opts->user, pass, len);
		if (e == CF_ERR_ROLLBACK) {
			uint64_t seen, now;

			casefile_rollback_counts(*cf, &seen, &now);
			fprintf(stderr,
			        _("carefile: %s is older than the case file %s last opened on this PC: it counts %llu "
			          "changes, and %llu were seen here. Was it restored from a backup, or rolled back? Nothing "
			          "was written. If you know why, run the command again with --accept-rollback.\n"),
			        path, opts->user, (unsigned long long)now, (unsigned long long)seen);
		} else if (e != CF_OK) {
			cli_fail(e, e == CF_ERR_DAMAGED ? CF_STORE_REASON_KEYSLOT : CF_STORE_REASON_NONE, path);
		}
	}
	crypto_secure_free(pass);
	if (e == CF_OK)
		cli_warn_memory_unlocked();
	/* the keys decide: refused right after the unlock, before any other prompt or work */
	if (e == CF_OK && need && (casefile_compartments(*cf) & need->compartments) != need->compartments)
		e = refuse(need);
	if (e != CF_OK)
		casefile_close(cf);
	return e;
}

enum cf_error
cli_open_unlocked(const struct cf_options *opts, const char *path, const struct cli_need *need,
                  struct cf_casefile **cf)
{
	enum cf_error e = cli_open_as(opts, path, need, cf);

	return e == CF_OK ? cli_unlock(opts, path, need, cf) : e;
}
