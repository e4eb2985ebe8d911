/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writing students: add, edit, status (archive), and the roster import plan and its one-transaction apply. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "students-internal.h"

#define NONE ((size_t)-1)

enum cf_error
students_write(struct cf_casefile *cf, const struct cf_student *s, const uint8_t *uuid, int64_t created,
               int64_t updated, int64_t *id)
{
	struct cf_store_record r;
	uint8_t *plain = NULL;
	size_t len = 0;
	enum cf_error e;

	memset(&r, 0, sizeof r);
	e = student_record_encode(s, &plain, &len);
	if (e != CF_OK)
		return e;
	e = casefile_record_seal(cf, CF_COMPARTMENT_IDENTITY, STUDENTS_TABLE, RECORD_COLUMN, uuid, plain, len, &r.data,
	                         &r.data_len);
	crypto_secure_free(plain);
	if (e != CF_OK)
		return e;
	memcpy(r.uuid, uuid, CF_UUID_BYTES);
	r.compartment = CF_COMPARTMENT_IDENTITY;
	r.status = (int)s->status;
	r.created = created;
	r.updated = updated;
	if (*id == 0) {
		e = store_record_insert(casefile_store(cf), CF_TABLE_STUDENT, &r, id);
	} else {
		r.id = *id;
		e = store_record_update(casefile_store(cf), CF_TABLE_STUDENT, &r);
	}
	free(r.data);
	return e;
}

/* Checks s and that its student number is free (except for entry `self`). */
static enum cf_error
check_new_values(const struct cf_students *idx, const struct cf_student *s, size_t self)
{
	size_t k;

	if (students_validate(s, NULL) != CF_OK)
		return CF_ERR_INVALID;
	k = students_entry_of_number(idx, s->student_number);
	if (k != NONE && k != self)
		return CF_ERR_EXISTS;
	return CF_OK;
}

static enum cf_error
add_one(struct cf_casefile *cf, struct cf_students *idx, const struct cf_student *s, int64_t *id)
{
	struct cf_store *st;
	uint8_t uuid[CF_UUID_BYTES];
	int64_t now = students_now(), rid = 0;
	struct students_entry *en;
	enum cf_error e;

	if (id)
		*id = 0;
	if (!idx || !s)
		return CF_ERR_INVALID;
	if ((e = students_need(cf, CF_COMPARTMENT_IDENTITY)) != CF_OK)
		return e;
	if ((e = check_new_values(idx, s, NONE)) != CF_OK)
		return e;
	if ((e = students_reserve(idx, 1)) != CF_OK)
		return e;
	st = casefile_store(cf);
	crypto_random_uuid(uuid);
	e = store_begin(st);
	if (e == CF_OK)
		e = students_write(cf, s, uuid, now, now, &rid);
	if (e == CF_OK)
		e = store_commit(st);
	if (e != CF_OK) {
		store_rollback(st);
		return e;
	}
	en = &idx->e[idx->n];
	memset(en, 0, sizeof *en);
	en->id = rid;
	en->created = now;
	en->updated = now;
	memcpy(en->uuid, uuid, CF_UUID_BYTES);
	e = students_entry_set(idx, idx->n, s);
	idx->n++;
	if (e == CF_OK)
		e = students_resort(idx);
	if (id)
		*id = rid;
	return e;
}

static enum cf_error
update_one(struct cf_casefile *cf, struct cf_students *idx, int64_t id, const struct cf_student *s)
{
	struct cf_store *st;
	struct students_entry *en;
	int64_t now = students_now(), rid = id;
	size_t k;
	enum cf_error e;

	if (!idx || !s)
		return CF_ERR_INVALID;
	if ((e = students_need(cf, CF_COMPARTMENT_IDENTITY)) != CF_OK)
		return e;
	k = students_entry_of_id(idx, id);
	if (k == NONE || id == 0)
		return CF_ERR_NOT_FOUND;
	if ((e = check_new_values(idx, s, k)) != CF_OK)
		return e;
	en = &idx->e[k];
	st = casefile_store(cf);
	e = store_begin(st);
	if (e == CF_OK)
		e = students_write(cf, s, en->uuid, en->created, now, &rid);
	if (e == CF_OK)
		e = store_commit(st);
	if (e != CF_OK) {
		store_rollback(st);
		return e;
	}
	en->updated = now;
	e = students_entry_set(idx, k, s);
	if (e == CF_OK)
		e = students_resort(idx);
	return e;
}

/*
 * Student numbers are stored upper-case (ASCII): when s has lower-case
 * letters, *copy becomes a copy (in the index arena) with the number
 * normalised and is returned; otherwise s itself. Caller finis *copy when
 * *copied.
 */
static const struct cf_student *
number_normalised(struct cf_students *idx, const struct cf_student *s, struct cf_student *copy, bool *copied,
                  enum cf_error *e)
{
	*copied = false;
	*e = CF_OK;
	if (!s->student_number || !strpbrk(s->student_number, "abcdefghijklmnopqrstuvwxyz"))
		return s;
	if (student_copy(copy, s, &idx->alloc) != CF_OK) {
		*e = CF_ERR_NOMEM;
		return NULL;
	}
	student_number_normalise(copy->student_number);
	*copied = true;
	return copy;
}

enum cf_error
students_add(struct cf_casefile *cf, struct cf_students *idx, const struct cf_student *s, int64_t *id)
{
	struct cf_student copy;
	bool copied;
	enum cf_error e;

	if (id)
		*id = 0;
	if (!idx || !s)
		return CF_ERR_INVALID;
	s = number_normalised(idx, s, &copy, &copied, &e);
	if (!s)
		return e;
	e = add_one(cf, idx, s, id);
	if (copied)
		student_fini(&copy);
	return e;
}

enum cf_error
students_update(struct cf_casefile *cf, struct cf_students *idx, int64_t id, const struct cf_student *s)
{
	struct cf_student copy;
	bool copied;
	enum cf_error e;

	if (!idx || !s)
		return CF_ERR_INVALID;
	s = number_normalised(idx, s, &copy, &copied, &e);
	if (!s)
		return e;
	e = update_one(cf, idx, id, s);
	if (copied)
		student_fini(&copy);
	return e;
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
	e = students_update(cf, idx, id, &tmp);
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

struct new_row {
	int64_t id;
	uint8_t uuid[CF_UUID_BYTES];
};

/* Writes every new and changed item inside the caller's transaction. */
static enum cf_error
apply_items(struct cf_casefile *cf, struct cf_students *idx, const struct cf_import_plan *plan,
            struct new_row *nr, int64_t now)
{
	const struct cf_roster *ro = plan->roster;
	size_t j = 0;
	enum cf_error e = CF_OK;

	for (size_t i = 0; i < plan->n_items && e == CF_OK; i++) {
		const struct cf_import_item *it = &plan->items[i];

		if (it->kind == CF_IMPORT_NEW) {
			if (students_validate(it->incoming, NULL) != CF_OK)
				return CF_ERR_INVALID;
			crypto_random_uuid(nr[j].uuid);
			nr[j].id = 0;
			e = students_write(cf, it->incoming, nr[j].uuid, now, now, &nr[j].id);
			j++;
		} else if (it->kind == CF_IMPORT_CHANGED) {
			size_t k = students_entry_of_id(idx, it->student_id);
			struct cf_student tmp;
			int64_t id = it->student_id;

			if (k == NONE)
				return CF_ERR_FAIL;
			if (student_copy(&tmp, &idx->e[k].s, &idx->alloc) != CF_OK)
				return CF_ERR_NOMEM;
			e = (enum cf_error)student_merge_provided(&tmp, &ro->rows[it->row].student,
			                                           &ro->rows[it->row].provided);
			if (e == CF_OK && students_validate(&tmp, NULL) != CF_OK)
				e = CF_ERR_INVALID;
			if (e == CF_OK)
				e = students_write(cf, &tmp, idx->e[k].uuid, idx->e[k].created, now, &id);
			student_fini(&tmp);
		}
	}
	return e;
}

enum cf_error
students_import_apply(struct cf_casefile *cf, struct cf_students *idx, const struct cf_import_plan *plan,
                      size_t *written)
{
	const struct cf_roster *ro;
	struct cf_store *st;
	struct new_row *nr = NULL;
	int64_t now = students_now();
	size_t j = 0;
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
	ro = plan->roster;
	if ((e = students_reserve(idx, plan->n_new)) != CF_OK)
		return e;
	if (plan->n_new) {
		nr = calloc(plan->n_new, sizeof *nr);
		if (!nr)
			return CF_ERR_NOMEM;
	}
	st = casefile_store(cf);
	e = store_begin(st);
	if (e == CF_OK)
		e = apply_items(cf, idx, plan, nr, now);
	if (e == CF_OK)
		e = store_commit(st);
	if (e != CF_OK) {
		store_rollback(st);
		free(nr);
		return e;
	}
	/* committed: bring the index up to date */
	for (size_t i = 0; i < plan->n_items && e == CF_OK; i++) {
		const struct cf_import_item *it = &plan->items[i];

		if (it->kind == CF_IMPORT_NEW) {
			struct students_entry *en = &idx->e[idx->n];

			memset(en, 0, sizeof *en);
			en->id = nr[j].id;
			en->created = now;
			en->updated = now;
			memcpy(en->uuid, nr[j].uuid, CF_UUID_BYTES);
			j++;
			e = students_entry_set(idx, idx->n, it->incoming);
			idx->n++;
		} else if (it->kind == CF_IMPORT_CHANGED) {
			size_t k = students_entry_of_id(idx, it->student_id);
			struct cf_student tmp;

			if (student_copy(&tmp, &idx->e[k].s, &idx->alloc) != CF_OK) {
				e = CF_ERR_NOMEM;
				break;
			}
			e = (enum cf_error)student_merge_provided(&tmp, &ro->rows[it->row].student,
			                                           &ro->rows[it->row].provided);
			if (e == CF_OK)
				e = students_entry_set(idx, k, &tmp);
			student_fini(&tmp);
			idx->e[k].updated = now;
		}
	}
	free(nr);
	if (e == CF_OK)
		e = students_resort(idx);
	if (e == CF_OK && written)
		*written = plan->n_new + plan->n_changed;
	return e;
}
