/* SPDX-License-Identifier: GPL-3.0-or-later */
/* carefile -u USER import roster CSV [--dry-run] [--yes]: preview a class roster, then import it in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carefile/crypto.h"
#include "carefile/i18n.h"
#include "carefile/roster.h"
#include "carefile/students.h"
#include "cli-internal.h"
#include "cli-print.h"

/* Room for one formatted field value (guardians can be long). */
#define VALUE_BYTES 8192

struct import_args {
	const char *csv;
	int dry_run;
	int yes;
};

static int
usage(void)
{
	fprintf(stderr, _("Usage: carefile [-f FILE] -u USER import roster CSV [--dry-run] [--yes]\n"));
	return cf_exit_code(CF_ERR_USAGE);
}

static int
parse(int argc, char **argv, struct import_args *a)
{
	memset(a, 0, sizeof *a);
	if (argc < 3 || strcmp(argv[1], "roster") != 0)
		return -1;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			a->dry_run = 1;
		else if (strcmp(argv[i], "--yes") == 0 || strcmp(argv[i], "-y") == 0)
			a->yes = 1;
		else if (strcmp(argv[i], "--") == 0 && i + 2 == argc && !a->csv)
			a->csv = argv[++i];
		else if (argv[i][0] != '-' && !a->csv)
			a->csv = argv[i];
		else
			return -1;
	}
	return a->csv ? 0 : -1;
}

/* Explains a whole-file failure: what is wrong, where, and that nothing was written. */
static int
read_failed(const char *csv, enum cf_error e, const struct cf_roster_failure *f)
{
	if (e == CF_ERR_NOMEM || f->problem == CF_TEXT_OK)
		return cli_fail(e, CF_STORE_REASON_NONE, csv);
	char where[1024];

	fprintf(stderr, "carefile: %s: %s", cli_safe(where, sizeof where, csv, 0),
	        io_text_problem_message(f->problem));
	if (f->problem == CF_TEXT_INVALID)
		/* TRANSLATORS: after "the file is not valid in its encoding": where */
		fprintf(stderr, _(" (at byte %zu)"), f->offset);
	else if (f->problem == CF_TEXT_TRUNCATED && f->line)
		/* TRANSLATORS: after "a quoted field is not closed": where the open record starts */
		fprintf(stderr, _(" (record starting on line %zu)"), f->line);
	fputc('\n', stderr);
	fprintf(stderr, _("carefile: nothing was imported.\n"));
	return cf_exit_code(e);
}

static void
print_where(const struct cf_student *s)
{
	char a[256], b[128], c[128];

	printf("  %s %s %s", cli_safe(a, sizeof a, s->school, 0), cli_safe(b, sizeof b, s->grade, 0),
	       cli_safe(c, sizeof c, s->class_name, 0));
}

static void
print_preview(const struct cf_import_plan *p, char *val, char *old)
{
	const struct cf_roster *ro = p->roster;
	char num[128], name[256], col[256];
	/* a placeholder takes 3 bytes where a control character took 1 */
	char safe_old[3 * VALUE_BYTES], safe_val[3 * VALUE_BYTES];

	/* TRANSLATORS: encoding name (UTF-8, GB18030...), then the row number of the header row */
	printf(_("Roster read as %s, header on row %zu.\n"), io_encoding_name(ro->encoding), ro->header_record);
	for (size_t i = 0; i < ro->n_notes; i++)
		printf(_("Note: column \"%s\": %s\n"), cli_safe(col, sizeof col, ro->notes[i].column_name, 0),
		       roster_note_message(ro->notes[i].kind));
	for (size_t i = 0; i < p->n_items; i++) {
		const struct cf_import_item *it = &p->items[i];

		if (it->kind != CF_IMPORT_NEW)
			continue;
		/* TRANSLATORS: preview line: student number and name follow */
		/* names padded to 8 columns (four Chinese characters) so the school column lines up */
		printf(_("New:     %s %s"), cli_safe(num, sizeof num, it->incoming->student_number, 0),
		       cli_safe(name, sizeof name, it->incoming->name, 8));
		print_where(it->incoming);
		putchar('\n');
	}
	for (size_t i = 0; i < p->n_items; i++) {
		const struct cf_import_item *it = &p->items[i];

		if (it->kind != CF_IMPORT_CHANGED)
			continue;
		/* TRANSLATORS: preview line: student number and name follow */
		printf(_("Changed: %s %s\n"), cli_safe(num, sizeof num, it->current->student_number, 0),
		       cli_safe(name, sizeof name, it->current->name, 0));
		for (int b = 0; b < CF_FIELD_COUNT; b++) {
			enum cf_student_field f = (enum cf_student_field)(1u << b);

			if (!(it->changed & f))
				continue;
			students_field_format(it->current, f, ro->flag_mask, old, VALUE_BYTES);
			students_field_format(it->incoming, f, ro->flag_mask, val, VALUE_BYTES);
			/* TRANSLATORS: a changed field in the import preview: field, old value, new value */
			printf(_("    %s: \"%s\" -> \"%s\"\n"), student_field_label(f),
			       cli_safe(safe_old, sizeof safe_old, old, 0), cli_safe(safe_val, sizeof safe_val, val, 0));
		}
	}
	for (size_t i = 0; i < ro->n_errors; i++) {
		const struct cf_roster_error *er = &ro->errors[i];

		if (er->column == CF_COL_NONE)
			/* TRANSLATORS: a row error: row number (record in the file), line, reason */
			printf(_("Error:   row %zu (line %zu): %s\n"), er->record, er->line, roster_reason_message(er->reason));
		else
			/* TRANSLATORS: a row error: row number, line, column name as in the file, reason */
			printf(_("Error:   row %zu (line %zu), column \"%s\": %s\n"), er->record, er->line,
			       cli_safe(col, sizeof col,
			                er->column_name ? er->column_name : roster_column_label(er->column), 0),
			       roster_reason_message(er->reason));
	}
}

static void
print_summary(const struct cf_import_plan *p)
{
	/* TRANSLATORS: the last line of an import; keep the numbers in this order */
	printf(_("Rows read: %zu, new: %zu, changed: %zu, unchanged: %zu, rows with errors: %zu\n"), p->n_rows_read,
	       p->n_new, p->n_changed, p->n_unchanged, p->n_rows_with_errors);
}

/* Asks on the terminal. 1 for yes. */
static int
confirm(const struct cf_import_plan *p)
{
	char line[32];

	/* TRANSLATORS: answered with y (yes) or n; the keys stay ASCII */
	printf(_("Import %zu new and %zu changed students? [y/N] "), p->n_new, p->n_changed);
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin))
		return 0;
	return (line[0] == 'y' || line[0] == 'Y') && (line[1] == '\n' || line[1] == '\0' || strncmp(line + 1, "es", 2) == 0);
}

/* Unlocks cf (open, the role checked) and imports ro. Closes cf. */
static int
run(const struct cf_options *opts, const char *path, struct cf_casefile *cf, const struct import_args *a,
    struct cf_roster *ro)
{
	struct cf_students *idx = NULL;
	struct cf_import_plan *plan = NULL;
	char *val = NULL, *old = NULL;
	size_t written = 0;
	enum cf_error e;
	int rc = 0;

	e = cli_unlock(opts, path, &cli_need_import_roster, &cf);
	if (e != CF_OK)
		return cf_exit_code(e);
	e = students_load(cf, &idx);
	if (e == CF_OK)
		e = students_import_plan(idx, ro, &plan);
	if (e == CF_ERR_DAMAGED && students_damaged(idx)) {
		size_t bad = students_damaged(idx);

		fprintf(stderr, P_("carefile: %zu student record could not be read, so the import cannot tell which students "
		                   "are already in the case file. Run carefile check; nothing was written.\n",
		                   "carefile: %zu student records could not be read, so the import cannot tell which students "
		                   "are already in the case file. Run carefile check; nothing was written.\n", bad), bad);
		rc = cf_exit_code(e);
		goto out;
	}
	if (e != CF_OK) {
		rc = cli_fail(e, CF_STORE_REASON_NONE, path);
		goto out;
	}
	val = crypto_secure_alloc(VALUE_BYTES);
	old = crypto_secure_alloc(VALUE_BYTES);
	if (!val || !old) {
		rc = cli_fail(CF_ERR_NOMEM, CF_STORE_REASON_NONE, NULL);
		goto out;
	}
	print_preview(plan, val, old);
	if (a->dry_run) {
		print_summary(plan);
		printf(_("Dry run: nothing was written.\n"));
		goto out;
	}
	if (plan->n_new + plan->n_changed > 0 && !a->yes && !confirm(plan)) {
		printf(_("Nothing was written.\n"));
		rc = cf_exit_code(CF_ERR_CANCELLED);
		goto out;
	}
	e = students_import_apply(cf, idx, plan, &written);
	if (e != CF_OK) {
		rc = cli_fail(e, CF_STORE_REASON_NONE, path);
		fprintf(stderr, _("carefile: nothing was imported.\n"));
		goto out;
	}
	print_summary(plan);
	if (plan->n_rows_with_errors) {
		printf(P_("%zu row with errors was skipped; the other rows were imported.\n",
		          "%zu rows with errors were skipped; the other rows were imported.\n", plan->n_rows_with_errors),
		       plan->n_rows_with_errors);
		rc = cf_exit_code(CF_ERR_ROWS_SKIPPED);
	}
out:
	crypto_secure_free(val);
	crypto_secure_free(old);
	students_import_plan_free(&plan);
	students_free(&idx);
	casefile_close(&cf);
	return rc;
}

int
cli_cmd_import_run(const struct cf_options *opts, int argc, char **argv)
{
	struct import_args a;
	struct cf_casefile *cf = NULL;
	struct cf_roster *ro = NULL;
	struct cf_roster_failure fail;
	char *path;
	enum cf_error e;
	int rc;

	if (parse(argc, argv, &a) != 0)
		return usage();
	if (!opts->user) {
		fprintf(stderr, _("carefile: this command needs a user name (-u USER)\n"));
		return cf_exit_code(CF_ERR_USAGE);
	}
	/* refused before anything is read or unlocked: there would be no way to say yes */
	if (!a.dry_run && !a.yes && !isatty(STDIN_FILENO)) {
		fprintf(stderr, _("carefile: import needs a terminal to confirm; use --yes, or --dry-run to preview only\n"));
		return cf_exit_code(CF_ERR_USAGE);
	}
	path = cli_casefile_path(opts, "casefile.carefile", 0);
	if (!path)
		return cf_exit_code(CF_ERR_USAGE);
	/* a role without the students' keys is refused first: before the roster is read or a passphrase asked */
	e = cli_open_as(opts, path, &cli_need_import_roster, &cf);
	if (e != CF_OK) {
		free(path);
		return cf_exit_code(e);
	}
	/* the roster is read before the passphrase: a file that is not a roster costs no unlock */
	memset(&fail, 0, sizeof fail);
	e = (enum cf_error)roster_read_file(a.csv, &ro, &fail);
	if (e != CF_OK) {
		casefile_close(&cf);
		free(path);
		return read_failed(a.csv, e, &fail);
	}
	rc = run(opts, path, cf, &a, ro);
	roster_free(&ro);
	free(path);
	return rc;
}
