/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing students: add, edit, status (archive), and the roster import plan and its one-transaction apply. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/i18n.h"
#include "students-internal.h"

#define NONE ((size_t)-1)

/*
 * s in canonical form (record_normalise(): the student number upper-case,
 * phones normalised) as a copy in the index arena, into *copy. Caller
 * finis it. CF_OK or CF_ERR_NOMEM.
 */
static enum cf_error
normalised(struct cf_students *idx, const struct cf_student *s, struct cf_student *copy)
{
	if (student_copy(copy, s, &idx->alloc) != CF_OK)
		return CF_ERR_NOMEM;
	if (record_normalise(&cf_student_type, copy) != CF_OK) {
		student_fini(copy);
		return CF_ERR_NOMEM;
	}
	return CF_OK;
}

/* Its student number must be free (except for entry `self`): CF_ERR_EXISTS, noted in errs. */
static enum cf_error
number_free(const struct cf_students *idx, const struct cf_student *s, size_t self, struct cf_field_errors *errs)
{
	size_t k = students_entry_of_number(idx, s->student_number);

	if (k == NONE || k == self)
		return CF_OK;
	if (errs) {
		memset(errs, 0, sizeof *errs);
		/* TRANSLATORS: a validation message under the student number field. */
		record_errors_add(errs, 1, CF_PROBLEM_TAKEN, N_("Another student already has this student number."));
	}
	return CF_ERR_EXISTS;
}

/* Entry k (idx->n for a new one) takes s and the row metadata the write returned. */
static enum cf_error
entry_store(struct cf_students *idx, size_t k, const struct cf_student *s, const struct cf_row *row)
{
	struct students_entry *en = &idx->e[k];
	enum cf_error e;

	if (k == idx->n) {
		memset(en, 0, sizeof *en);
		en->key_off = STUDENTS_NO_KEYS;
	}
	e = students_entry_set(idx, k, s);
	en->id = row->id;
	en->version = row->version;
	en->created = row->created;
	en->updated = row->updated;
	memcpy(en->uuid, row->uuid, CF_UUID_BYTES);
	if (k == idx->n)
		idx->n++;
	return e;
}

/* Writes s as entry self (NONE: a new student) in one transaction, then updates the index. */
static enum cf_error
save_one(struct cf_casefile *cf, struct cf_students *idx, size_t self, const struct cf_student *given, int64_t *id,
         struct cf_field_errors *errs)
{
	struct cf_student s;
	struct cf_row row;
	enum cf_error e;

	if (!idx || !given)
		return CF_ERR_INVALID;
	if ((e = students_need(cf, CF_COMPARTMENT_IDENTITY)) != CF_OK)
		return e;
	if ((e = normalised(idx, given, &s)) != CF_OK)
		return e;
	e = number_free(idx, &s, self, errs);
	if (e == CF_OK)
		e = students_reserve(idx, 1);
	if (self == NONE)
		memset(&row, 0, sizeof row);
	else
		students_entry_row(&idx->e[self], &row);
	if (e == CF_OK)
		e = casefile_record_put(cf, &cf_table_student, &row, &s, errs);
	if (e == CF_OK) {
		e = entry_store(idx, self == NONE ? idx->n : self, &s, &row);
		if (e == CF_OK)
			e = students_resort(idx);
		if (id)
			*id = row.id;
	}
	student_fini(&s);
	return e;
}

enum cf_error
students_add(struct cf_casefile *cf, struct cf_students *idx, const struct cf_student *s, int64_t *id,
             struct cf_field_errors *errs)
{
	if (id)
		*id = 0;
	return save_one(cf, idx, NONE, s, id, errs);
}

enum cf_error
students_update(struct cf_casefile *cf, struct cf_students *idx, int64_t id, const struct cf_student *s,
                struct cf_field_errors *errs)
{
	size_t k = students_entry_of_id(idx, id);

	if (k == NONE || id == 0)
		return CF_ERR_NOT_FOUND;
	return save_one(cf, idx, k, s, NULL, errs);
}

enum cf_error
students_set_status(struct cf_casefile *cf, struct cf_students *idx, int64_t id, enum cf_student_status status)
{
	struct cf_student tmp;
	size_t k;
	enum cf_error e;

	if (!idx || (unsigned)status >= CF_STUDENT_STATUS__COUNT)
		return CF_ERR_INVALID;
	k = students_entry_of_id(idx, id);
	if (k == NONE)
		return CF_ERR_NOT_FOUND;
	/* the copy lives in the index arena: decrypted data stays in secure memory */
	if (student_copy(&tmp, &idx->e[k].s, &idx->alloc) != CF_OK)
		return CF_ERR_NOMEM;
	tmp.status = status;
	if (status == CF_STUDENT_ON_LEAVE)
		tmp.flags |= CF_STUDENT_FLAG_ON_LEAVE;
	e = students_update(cf, idx, id, &tmp, NULL);
	student_fini(&tmp);
	return e;
}

/* ---- import ---- */

enum cf_error
students_import_plan(const struct cf_students *idx, const struct cf_roster *roster, struct cf_import_plan **out)
{
	struct cf_import_plan *p;

	*out = NULL;
	if (!idx || !roster)
		return CF_ERR_INVALID;
	/*
	 * A student that could not be read cannot be matched: its roster row
	 * would come out "new" and be written a second time. Nothing is
	 * planned until check has named the damage.
	 */
	if (idx->damaged)
		return CF_ERR_DAMAGED;
	p = calloc(1, sizeof *p);
	if (!p)
		return CF_ERR_NOMEM;
	if (roster->n_rows) {
		p->items = calloc(roster->n_rows, sizeof *p->items);
		if (!p->items) {
			free(p);
			return CF_ERR_NOMEM;
		}
	}
	p->roster = roster;
	p->generation = idx->generation;
	p->n_rows_read = roster->n_records_read;
	p->n_rows_with_errors = roster->n_rows_with_errors;
	for (size_t r = 0; r < roster->n_rows; r++) {
		struct cf_import_item *it = &p->items[p->n_items++];
		const struct cf_student *in = &roster->rows[r].student;
		size_t k = students_entry_of_number(idx, in->student_number);

		it->row = r;
		it->incoming = in;
		if (k == NONE) {
			it->kind = CF_IMPORT_NEW;
			p->n_new++;
			continue;
		}
		it->student_id = idx->e[k].id;
		it->current = &idx->e[k].s;
		it->changed = student_diff_provided(it->current, in, &roster->rows[r].provided);
		if (it->changed) {
			/* what the preview shows as the new values: the record after the merge, in secure memory */
			struct cf_student *after = crypto_arena_alloc(idx->arena, sizeof *after);

			if (!after || student_copy(after, it->current, &idx->alloc) != CF_OK ||
			    student_merge_provided(after, in, &roster->rows[r].provided) != CF_OK) {
				free(p->items);
				free(p);
				return CF_ERR_NOMEM;
			}
			it->incoming = after;
			it->kind = CF_IMPORT_CHANGED;
			p->n_changed++;
		} else {
			it->kind = CF_IMPORT_UNCHANGED;
			p->n_unchanged++;
		}
	}
	*out = p;
	return CF_OK;
}

void
students_import_plan_free(struct cf_import_plan **plan)
{
	if (!plan || !*plan)
		return;
	free((*plan)->items);
	free(*plan);
	*plan = NULL;
}

/* What apply writes for item it: the row's student (new) or the merge into the stored one (changed), normalised. */
static enum cf_error
import_record(struct cf_students *idx, const struct cf_import_plan *plan, const struct cf_import_item *it,
              struct cf_student *out)
{
	const struct cf_roster_row *rr = &plan->roster->rows[it->row];
	enum cf_error e;

	if (it->kind == CF_IMPORT_NEW)
		return normalised(idx, it->incoming, out);
	{
		size_t k = students_entry_of_id(idx, it->student_id);
		struct cf_student merged;

		if (k == NONE)
			return CF_ERR_FAIL;
		if (student_copy(&merged, &idx->e[k].s, &idx->alloc) != CF_OK)
			return CF_ERR_NOMEM;
		e = (enum cf_error)student_merge_provided(&merged, &rr->student, &rr->provided);
		if (e == CF_OK)
			e = normalised(idx, &merged, out);
		student_fini(&merged);
		return e;
	}
}

enum cf_error
students_import_apply(struct cf_casefile *cf, struct cf_students *idx, const struct cf_import_plan *plan,
                      size_t *written)
{
	struct cf_row *rows = NULL;
	size_t n = 0;
	enum cf_error e;

	if (written)
		*written = 0;
	if (!idx || !plan || !plan->roster)
		return CF_ERR_INVALID;
	if ((e = students_need(cf, CF_COMPARTMENT_IDENTITY)) != CF_OK)
		return e;
	if (plan->generation != idx->generation)
		return CF_ERR_FAIL;
	if (plan->n_new + plan->n_changed == 0)
		return CF_OK; /* nothing to write: not even an empty transaction */
	if ((e = students_reserve(idx, plan->n_new)) != CF_OK)
		return e;
	rows = calloc(plan->n_new + plan->n_changed, sizeof *rows);
	if (!rows)
		return CF_ERR_NOMEM;
	/* every row or none: one transaction, and the index changes only after the commit */
	e = casefile_begin(cf);
	for (size_t i = 0; i < plan->n_items && e == CF_OK; i++) {
		const struct cf_import_item *it = &plan->items[i];
		struct cf_student s;

		if (it->kind != CF_IMPORT_NEW && it->kind != CF_IMPORT_CHANGED)
			continue;
		if (it->kind == CF_IMPORT_CHANGED) {
			size_t k = students_entry_of_id(idx, it->student_id);

			if (k == NONE) {
				e = CF_ERR_FAIL;
				break;
			}
			students_entry_row(&idx->e[k], &rows[n]);
		}
		e = import_record(idx, plan, it, &s);
		if (e != CF_OK)
			break;
		if (it->kind == CF_IMPORT_NEW && students_entry_of_number(idx, s.student_number) != NONE)
			e = CF_ERR_EXISTS; /* taken meanwhile */
		if (e == CF_OK)
			e = casefile_record_put(cf, &cf_table_student, &rows[n], &s, NULL);
		student_fini(&s);
		n++;
	}
	/* one entry for the import itself, besides one per student written */
	if (e == CF_OK)
		e = casefile_audit_event(cf, CF_AUDIT_IMPORT, &cf_table_student, 0);
	if (e == CF_OK)
		e = casefile_commit(cf);
	else
		casefile_rollback(cf);
	/* committed: bring the index up to date */
	n = 0;
	for (size_t i = 0; i < plan->n_items && e == CF_OK; i++) {
		const struct cf_import_item *it = &plan->items[i];
		struct cf_student s;

		if (it->kind != CF_IMPORT_NEW && it->kind != CF_IMPORT_CHANGED)
			continue;
		e = import_record(idx, plan, it, &s);
		if (e == CF_OK)
			e = entry_store(idx, it->kind == CF_IMPORT_NEW ? idx->n : students_entry_of_id(idx, it->student_id),
			                &s, &rows[n]);
		student_fini(&s);
		n++;
	}
	free(rows);
	if (e == CF_OK)
		e = students_resort(idx);
	if (e == CF_OK && written)
		*written = plan->n_new + plan->n_changed;
	return e;
}
