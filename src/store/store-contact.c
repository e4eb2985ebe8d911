/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Home-school contact rows: the generic record columns plus the student they belong to. */
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"

static enum cf_error
rc_err(int rc)
{
	enum cf_error e = store_map_rc(rc);

	return e == CF_OK ? CF_ERR_FAIL : e;
}

enum cf_error
store_contact_insert(struct cf_store *st, int64_t student_id, const struct cf_store_record *r, int64_t *id)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db,
	                            "INSERT INTO contact(uuid, student_id, compartment, status, created, updated, data) "
	                            "VALUES (?, ?, ?, 0, ?, ?, ?)", -1, &s, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(s, 1, r->uuid, CF_STORE_UUID_BYTES, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, student_id);
		sqlite3_bind_int(s, 3, r->compartment);
		sqlite3_bind_int64(s, 4, r->created);
		sqlite3_bind_int64(s, 5, r->updated);
		sqlite3_bind_blob(s, 6, r->data, (int)r->data_len, SQLITE_STATIC);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return CF_ERR_EXISTS;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return CF_ERR_INVALID;
	if (rc != SQLITE_DONE)
		return rc_err(rc);
	if (id)
		*id = sqlite3_last_insert_rowid(st->db);
	return CF_OK;
}

enum cf_error
store_contact_student(struct cf_store *st, int64_t id, int64_t *student_id)
{
	sqlite3_stmt *s = NULL;
	enum cf_error e = CF_ERR_NOT_FOUND;
	int rc = sqlite3_prepare_v2(st->db, "SELECT student_id FROM contact WHERE id = ?", -1, &s, NULL);

	*student_id = 0;
	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*student_id = sqlite3_column_int64(s, 0);
		e = CF_OK;
	} else if (rc != SQLITE_DONE) {
		e = rc_err(rc);
	}
	sqlite3_finalize(s);
	return e;
}

enum cf_error
store_contact_foreach(struct cf_store *st, int64_t student_id,
                      enum cf_error (*fn)(const struct cf_store_record *r, void *ctx), void *ctx)
{
	sqlite3_stmt *s = NULL;
	enum cf_error e = CF_OK;
	int rc = sqlite3_prepare_v2(st->db,
	                            "SELECT id, uuid, compartment, status, created, updated, data FROM contact "
	                            "WHERE student_id = ? ORDER BY id", -1, &s, NULL);

	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int64(s, 1, student_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct cf_store_record r;
		const void *uuid = sqlite3_column_blob(s, 1);
		const void *data = sqlite3_column_blob(s, 6);
		int n = sqlite3_column_bytes(s, 6);

		memset(&r, 0, sizeof r);
		if (!uuid || sqlite3_column_bytes(s, 1) != CF_STORE_UUID_BYTES || !data || n <= 0) {
			e = CF_ERR_DAMAGED;
			break;
		}
		r.id = sqlite3_column_int64(s, 0);
		memcpy(r.uuid, uuid, CF_STORE_UUID_BYTES);
		r.compartment = sqlite3_column_int(s, 2);
		r.status = sqlite3_column_int(s, 3);
		r.created = sqlite3_column_int64(s, 4);
		r.updated = sqlite3_column_int64(s, 5);
		r.data = malloc((size_t)n);
		if (!r.data) {
			e = CF_ERR_NOMEM;
			break;
		}
		memcpy(r.data, data, (size_t)n);
		r.data_len = (size_t)n;
		e = fn(&r, ctx);
		store_record_fini(&r);
		if (e != CF_OK)
			break;
	}
	if (e == CF_OK && rc != SQLITE_DONE)
		e = rc_err(rc);
	sqlite3_finalize(s);
	return e;
}
