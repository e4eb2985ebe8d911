/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Argument parsing, locale and process hygiene, then a subcommand or the TUI. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "carefile/cli.h"
#include "carefile/error.h"
#include "carefile/i18n.h"
#include "carefile/tui.h"

/*
 * No core dumps and no same-user ptrace from the first instruction on:
 * decrypted records and keys must never reach a core file or a debugger.
 */
static void
harden_process(void)
{
	struct rlimit rl = { 0, 0 };

	(void)setrlimit(RLIMIT_CORE, &rl);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/*
 * Case files hold UTF-8 and carefile prints UTF-8. Under LANG=C or POSIX
 * (servers, containers) characters would not decode, so names would print
 * as placeholders: use C.UTF-8 for character handling only; messages stay
 * in the language the user chose.
 */
static void
ensure_utf8_ctype(void)
{
	const char *cs = nl_langinfo(CODESET);

	if (cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0))
		return;
	(void)setlocale(LC_CTYPE, "C.UTF-8");
}

static void
usage(FILE *out)
{
	fprintf(out, _("Usage: %s [OPTIONS] [COMMAND [ARGS]]\n"), "carefile");
	fputs(_("Case management for school mental-health work, in a terminal.\n"
	        "Without COMMAND, opens the case file in the full-screen interface.\n\n"), out);
	fputs(_("Options:\n"
	        "  -f FILE                 case file to open\n"
	        "  -u USER                 user name\n"
	        "  --passphrase-fd N       read the passphrase from file descriptor N\n"
	        "  --recovery-key-fd N     read the recovery key from file descriptor N\n"
	        "  --lock-after SECONDS    lock after this much idle time (0: never)\n"
	        "  --accept-rollback       open the case file even if it is older than the one\n"
	        "                          this user last opened on this PC (restored from a backup)\n"
	        "  -h, --help              show this help and exit\n"
	        "  -V, --version           show the version and exit\n"), out);
	if (cli_commands[0].name) {
		fputs(_("\nCommands:\n"), out);
		for (const struct cf_cli_cmd *c = cli_commands; c->name; c++)
			fprintf(out, "  %-22s %s\n", c->name, _(c->summary));
	}
	fputs(_("\nRun 'man carefile' for keys, files and exit codes.\n"), out);
}

/* Parses a non-negative int from s into *out; returns 0, or -1 on junk or overflow. */
static int
parse_nonneg(const char *s, int *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

/*
 * If argv[*i] is a global option (-f, -u, --passphrase-fd, --recovery-key-fd,
 * --lock-after, --accept-rollback), stores it in opts, advances *i past its value and returns
 * 1; returns 0 for anything else; -1 (message printed) for a missing or
 * invalid value.
 */
static int
global_option(int argc, char **argv, int *i, struct cf_options *opts)
{
	const char *a = argv[*i];
	int *fdp = NULL;

	if (strcmp(a, "-f") == 0 || strcmp(a, "-u") == 0) {
		if (*i + 1 >= argc || !argv[*i + 1][0])
			goto bad;
		if (a[1] == 'f')
			opts->casefile = argv[++*i];
		else
			opts->user = argv[++*i];
		return 1;
	}
	if (strcmp(a, "--accept-rollback") == 0) {
		opts->accept_rollback = 1;
		return 1;
	}
	if (strcmp(a, "--passphrase-fd") == 0)
		fdp = &opts->passphrase_fd;
	else if (strcmp(a, "--recovery-key-fd") == 0)
		fdp = &opts->recovery_key_fd;
	else if (strcmp(a, "--lock-after") == 0)
		fdp = &opts->lock_after_seconds;
	else
		return 0;
	if (*i + 1 >= argc || parse_nonneg(argv[*i + 1], fdp) != 0)
		goto bad;
	++*i;
	return 1;
bad:
	fprintf(stderr, _("carefile: option '%s' needs a valid value\n"), a);
	return -1;
}

int
main(int argc, char **argv)
{
	struct cf_options opts = { NULL, NULL, -1, -1, -1, 0 };
	int i, r;

	harden_process();
#ifdef CF_TEST_HOOKS
	tui_enable_test_hooks();
#endif
	setlocale(LC_ALL, "");
	ensure_utf8_ctype();
	cf_i18n_init();

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			printf("carefile %s\n", PACKAGE_VERSION);
			return 0;
		}
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-')
			break;
		r = global_option(argc, argv, &i, &opts);
		if (r < 0)
			goto usage_hint;
		if (r == 0) {
			fprintf(stderr, _("carefile: unknown option '%s'\n"), a);
			goto usage_hint;
		}
	}

	if (i < argc) {
		const struct cf_cli_cmd *cmd = cli_find(argv[i]);
		char **cargv;
		int cargc = 0, ret;

		if (!cmd) {
			fprintf(stderr, _("carefile: unknown command '%s'\n"), argv[i]);
			goto usage_hint;
		}
		/*
		 * Global options may also follow the command
		 * ("carefile -f F init --passphrase-fd 3"), as people type them;
		 * they are taken out before the command sees its arguments.
		 */
		cargv = calloc((size_t)(argc - i + 1), sizeof *cargv);
		if (!cargv) {
			fprintf(stderr, "carefile: %s\n", cf_strerror(CF_ERR_NOMEM));
			return cf_exit_code(CF_ERR_NOMEM);
		}
		cargv[cargc++] = argv[i];
		for (int j = i + 1; j < argc; j++) {
			if (strcmp(argv[j], "--") == 0) {
				while (j < argc)
					cargv[cargc++] = argv[j++];
				break;
			}
			r = global_option(argc, argv, &j, &opts);
			if (r < 0) {
				free(cargv);
				goto usage_hint;
			}
			if (r == 0)
				cargv[cargc++] = argv[j];
		}
		cargv[cargc] = NULL;
		/*
		 * Past a file size limit (ulimit -f) a write fails with EFBIG and the
		 * command reports an I/O error, instead of being killed mid-write
		 * (the case file's checkpoint at close included).
		 */
		(void)signal(SIGXFSZ, SIG_IGN);
		ret = cmd->run(&opts, cargc, cargv);
		free(cargv);
		return ret;
	}
	return tui_main(&opts);

usage_hint:
	fprintf(stderr, _("Try 'carefile --help'.\n"));
	return cf_exit_code(CF_ERR_USAGE);
}
