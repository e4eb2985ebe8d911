/* SPDX-License-Identifier: GPL-3.0-or-later */
/* carefile -f FILE -u USER init: a new case file, USER admin+counselor+supervisor, recovery key printed once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/crypto.h"
#include "carefile/i18n.h"
#include "carefile/user.h"
#include "cli-internal.h"

int
cli_cmd_init_run(const struct cf_options *opts, int argc, char **argv)
{
	enum cf_store_reason why = CF_STORE_REASON_NONE;
	char *path, *pass = NULL, *recovery = NULL;
	size_t len = 0;
	enum cf_error e;
	int rc;

	if (argc != 1) {
		fprintf(stderr, _("Usage: carefile [-f FILE] -u USER init\n"));
		return cf_exit_code(CF_ERR_USAGE);
	}
	if (!opts->user) {
		fprintf(stderr, _("carefile: this command needs a user name (-u USER)\n"));
		return cf_exit_code(CF_ERR_USAGE);
	}
	if (!user_name_valid(opts->user)) {
		fprintf(stderr, _("carefile: a user name is 1 to 64 letters, digits, '.', '_' or '-'\n"));
		return cf_exit_code(CF_ERR_USAGE);
	}
	if (crypto_init() != CF_OK)
		return cli_fail(CF_ERR_CRYPTO, CF_STORE_REASON_NONE, NULL);
	path = cli_casefile_path(opts, "casefile.carefile", 1);
	if (!path)
		return cf_exit_code(CF_ERR_IO);
	/* refuse early, before anyone types a passphrase; casefile_init() refuses again with O_EXCL */
	if (store_probe(path, &why) != CF_ERR_NOT_FOUND || why != CF_STORE_REASON_NO_FILE) {
		rc = cli_fail(CF_ERR_EXISTS, CF_STORE_REASON_EXISTS, path);
		free(path);
		return rc;
	}
	e = cli_read_new_passphrase(opts->passphrase_fd, opts->user, &pass, &len);
	if (e != CF_OK) {
		if (e == CF_ERR_USAGE)
			fprintf(stderr, _("carefile: no terminal to ask for the passphrase; use --passphrase-fd N\n"));
		else if (e != CF_ERR_WEAK_PASSPHRASE && e != CF_ERR_INVALID)
			cli_fail(e, CF_STORE_REASON_NONE, NULL);
		free(path);
		return cf_exit_code(e);
	}
	cli_warn_memory_unlocked();   /* the passphrase is in secure memory now, the keys come next */
	fprintf(stderr, _("Measuring this computer for the key derivation (a few seconds)...\n"));
	e = casefile_init(path, opts->user, pass, len, NULL, &recovery, &why);
	crypto_secure_free(pass);
	if (e != CF_OK) {
		rc = cli_fail(e, why, path);
		free(path);
		return rc;
	}
	fprintf(stderr, _("Created %s for user %s (admin, counselor, supervisor).\n"), path, opts->user);
	fprintf(stderr, _("Recovery key: it opens every compartment and resets lost passphrases.\n"
	                  "Write it down now and keep it locked away; it is shown only this once.\n"));
	/* the only secret carefile ever prints, on stdout, by design (DESIGN.md §4) */
	fprintf(stdout, "%s\n", recovery);
	fflush(stdout);
	crypto_secure_free(recovery);
	free(path);
	return 0;
}
