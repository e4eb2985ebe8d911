/* SPDX-License-Identifier: GPL-3.0-or-later */
/* carefile -u USER export students --out FILE.csv: every student as CSV for Excel, into a new file of mode 0600. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carefile/i18n.h"
#include "carefile/students.h"
#include "cli-internal.h"

static int
usage(void)
{
	fprintf(stderr, _("Usage: carefile [-f FILE] -u USER export students --out FILE.csv\n"));
	return cf_exit_code(CF_ERR_USAGE);
}

/* Creates out (never overwrites, never follows a symlink), mode 0600 whatever the umask. */
static FILE *
create_out(const char *out, enum cf_error *e)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	FILE *fp;

	if (fd < 0) {
		*e = errno == EEXIST ? CF_ERR_EXISTS : CF_ERR_IO;
		return NULL;
	}
	if (fchmod(fd, 0600) != 0 || !(fp = fdopen(fd, "w"))) {
		close(fd);
		unlink(out);
		*e = CF_ERR_IO;
		return NULL;
	}
	*e = CF_OK;
	return fp;
}

static enum cf_error
write_all(const struct cf_students *idx, FILE *fp, size_t *n)
{
	enum cf_error e = students_export_csv(idx, fp, n);

	if (fflush(fp) != 0 && e == CF_OK)
		e = CF_ERR_IO;
	if (e == CF_OK && fsync(fileno(fp)) != 0)
		e = CF_ERR_IO;
	if (fclose(fp) != 0 && e == CF_OK)
		e = CF_ERR_IO;
	return e;
}

int
cli_cmd_export_run(const struct cf_cli_opts *opts, int argc, char **argv)
{
	struct cf_casefile *cf = NULL;
	struct cf_students *idx = NULL;
	const char *out = NULL;
	struct stat sb;
	char *path;
	size_t n = 0;
	FILE *fp;
	enum cf_error e;
	int rc = 0;

	if (argc < 2 || strcmp(argv[1], "students") != 0)
		return usage();
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc && !out)
			out = argv[++i];
		else
			return usage();
	}
	if (!out || !*out)
		return usage();
	/* told before the passphrase is typed; O_EXCL below is what guarantees it */
	if (lstat(out, &sb) == 0) {
		fprintf(stderr, _("carefile: %s: %s (nothing was overwritten)\n"), out, cf_strerror(CF_ERR_EXISTS));
		return cf_exit_code(CF_ERR_EXISTS);
	}
	path = cli_casefile_path(opts, "casefile.carefile", 0);
	if (!path)
		return cf_exit_code(CF_ERR_USAGE);
	/* the export always unlocks with the passphrase, even when the interface is open elsewhere */
	e = cli_open_unlocked(opts, path, &cf);
	if (e != CF_OK) {
		free(path);
		return cf_exit_code(e);
	}
	e = students_load(cf, &idx);
	if (e != CF_OK) {
		rc = cli_fail(e, CF_STORE_REASON_NONE, path);
		goto done;
	}
	fp = create_out(out, &e);
	if (!fp) {
		if (e == CF_ERR_EXISTS)
			fprintf(stderr, _("carefile: %s: %s (nothing was overwritten)\n"), out, cf_strerror(e));
		else
			cli_fail(e, CF_STORE_REASON_NONE, out);
		rc = cf_exit_code(e);
		goto done;
	}
	e = write_all(idx, fp, &n);
	if (e != CF_OK) {
		unlink(out); /* no half-written export left behind */
		rc = cli_fail(e, CF_STORE_REASON_NONE, out);
		goto done;
	}
	printf(P_("Exported %zu student to %s (UTF-8 with BOM, mode 0600).\n",
	          "Exported %zu students to %s (UTF-8 with BOM, mode 0600).\n", n), n, out);
done:
	students_free(&idx);
	casefile_close(&cf);
	free(path);
	return rc;
}
