/* SPDX-License-Identifier: GPL-3.0-or-later */
/* carefile -u USER export students --out FILE.csv: every student as CSV for Excel, into a new file of mode 0600. */
#define _GNU_SOURCE /* renameat2, RENAME_NOREPLACE */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
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

/*
 * The export is written to a temporary file next to out and linked to out only once it is complete
 * and on disk: an interrupted export (a signal, a full disk, a size limit) never leaves a cut CSV
 * under the real name that looks complete. Only one temporary file exists at a time.
 */
static char tmp_path[PATH_MAX];
static volatile sig_atomic_t tmp_armed;
static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define N_FATAL (sizeof fatal_signals / sizeof fatal_signals[0])
static struct sigaction old_fatal[N_FATAL], old_xfsz;

/* Removes the temporary file, then dies of the signal as if there were no handler (async-signal-safe). */
static void
on_fatal_signal(int sig)
{
	if (tmp_armed)
		(void)unlink(tmp_path);
	tmp_armed = 0;
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
}

static void
guard_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < N_FATAL; i++)
		sigaddset(&sa.sa_mask, fatal_signals[i]);
	sa.sa_handler = on_fatal_signal;
	for (size_t i = 0; i < N_FATAL; i++)
		(void)sigaction(fatal_signals[i], &sa, &old_fatal[i]);
	/* past a file size limit write(2) then fails with EFBIG instead of killing us mid-row */
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGXFSZ, &sa, &old_xfsz);
}

static void
unguard_signals(void)
{
	for (size_t i = 0; i < N_FATAL; i++)
		(void)sigaction(fatal_signals[i], &old_fatal[i], NULL);
	(void)sigaction(SIGXFSZ, &old_xfsz, NULL);
}

/* Removes the temporary file, if any; signals are blocked so the handler never sees it half done. */
static void
drop_tmp(void)
{
	sigset_t all, old;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if (tmp_armed)
		(void)unlink(tmp_path);
	tmp_armed = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Creates DIR/.NAME.partial-XXXXXX next to out, O_EXCL and mode 0600 (mkstemp), and arms its removal. */
static FILE *
create_tmp(const char *out, enum cf_error *e)
{
	const char *slash = strrchr(out, '/');
	const char *base = slash ? slash + 1 : out;
	int dir_len = slash ? (int)(slash - out + 1) : 0;
	sigset_t all, old;
	FILE *fp;
	int fd, n;

	*e = CF_ERR_IO;
	if (!*base)
		return NULL;
	n = snprintf(tmp_path, sizeof tmp_path, "%.*s.%s.partial-XXXXXX", dir_len, out, base);
	if (n < 0 || (size_t)n >= sizeof tmp_path)
		return NULL;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	fd = mkstemp(tmp_path);
	if (fd >= 0)
		tmp_armed = 1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd < 0)
		return NULL;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 || fchmod(fd, 0600) != 0 || !(fp = fdopen(fd, "w"))) {
		close(fd);
		drop_tmp();
		return NULL;
	}
	*e = CF_OK;
	return fp;
}

/* Makes the complete temporary file appear as out (never replacing anything there), then syncs the directory. */
static enum cf_error
publish_tmp(const char *out)
{
	const char *slash = strrchr(out, '/');
	char dir[PATH_MAX];
	int rc, fd;

	rc = link(tmp_path, out);
	/* file systems without hard links (FAT on a USB stick): a rename that refuses to replace */
	if (rc != 0 && (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS)) {
		rc = renameat2(AT_FDCWD, tmp_path, AT_FDCWD, out, RENAME_NOREPLACE);
		if (rc == 0)
			tmp_armed = 0;
	}
	if (rc != 0) {
		enum cf_error e = errno == EEXIST ? CF_ERR_EXISTS : CF_ERR_IO;

		drop_tmp();
		return e;
	}
	drop_tmp();
	if (slash)
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - out + 1), out);
	else
		strcpy(dir, ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	return CF_OK;
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
cli_cmd_export_run(const struct cf_options *opts, int argc, char **argv)
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
	/*
	 * the export always unlocks with the passphrase, even when the interface is open elsewhere;
	 * a role without the students' keys is refused before the passphrase, and nothing is created
	 */
	e = cli_open_unlocked(opts, path, &cli_need_export_students, &cf);
	if (e != CF_OK) {
		free(path);
		return cf_exit_code(e);
	}
	e = students_load(cf, &idx);
	if (e != CF_OK) {
		rc = cli_fail(e, CF_STORE_REASON_NONE, path);
		goto done;
	}
	guard_signals(); /* SIGXFSZ too: a file size limit is an I/O error, for the case file's write as well */
	/* the audit log has the export before the file exists: no entry, no export */
	e = casefile_audit_event(cf, CF_AUDIT_EXPORT, &cf_table_student, 0);
	if (e != CF_OK) {
		unguard_signals();
		rc = cli_fail(e, CF_STORE_REASON_NONE, path);
		goto done;
	}
	fp = create_tmp(out, &e);
	if (fp) {
		e = write_all(idx, fp, &n);
		if (e == CF_OK)
			e = publish_tmp(out);
		else
			drop_tmp(); /* no half-written export left behind */
	}
	unguard_signals();
	if (e != CF_OK) {
		if (e == CF_ERR_EXISTS)
			fprintf(stderr, _("carefile: %s: %s (nothing was overwritten)\n"), out, cf_strerror(e));
		else
			cli_fail(e, CF_STORE_REASON_NONE, out);
		rc = cf_exit_code(e);
		goto done;
	}
	printf(P_("Exported %zu student to %s (UTF-8 with BOM, mode 0600).\n",
	          "Exported %zu students to %s (UTF-8 with BOM, mode 0600).\n", n), n, out);
	if (students_damaged(idx)) {
		/* the export is not the whole file: say so, and exit as for a damaged file */
		size_t bad = students_damaged(idx);

		fprintf(stderr, P_("carefile: %zu student record could not be read and is not in the export: run carefile check.\n",
		                   "carefile: %zu student records could not be read and are not in the export: run carefile check.\n",
		                   bad), bad);
		rc = cf_exit_code(CF_ERR_DAMAGED);
	}
done:
	students_free(&idx);
	casefile_close(&cf);
	free(path);
	return rc;
}
