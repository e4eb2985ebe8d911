/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rows of any typed table (carefile/record.h): SQL built from the declaration, statements prepared once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"

static enum cf_error
rc_err(int rc)
{
	enum cf_error e = store_map_rc(rc);

	return e == CF_OK ? CF_ERR_FAIL : e;
}

/* ---- the statement cache ---- */

int
store_stmt(struct cf_store *st, const char *sql, sqlite3_stmt **out)
{
	struct store_cached *free_slot = NULL, *lru = NULL;
	sqlite3_stmt *s = NULL;
	int rc;

	*out = NULL;
	for (size_t i = 0; i < STORE_STMT_CACHE; i++) {
		struct store_cached *c = &st->cache[i];

		if (c->sql && !c->busy && strcmp(c->sql, sql) == 0) {
			c->busy = 1;
			c->used = ++st->tick;
			*out = c->s;
			return SQLITE_OK;
		}
		if (!c->sql && !free_slot)
			free_slot = c;
		if (c->sql && !c->busy && (!lru || c->used < lru->used))
			lru = c;
	}
	rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if (!free_slot && lru) {
		sqlite3_finalize(lru->s);
		free(lru->sql);
		memset(lru, 0, sizeof *lru);
		free_slot = lru;
	}
	if (free_slot && (free_slot->sql = strdup(sql))) {
		free_slot->s = s;
		free_slot->busy = 1;
		free_slot->used = ++st->tick;
	}
	/* not cached (every slot busy, or no memory for the text): store_stmt_done() finalizes it */
	*out = s;
	return SQLITE_OK;
}

void
store_stmt_done(struct cf_store *st, sqlite3_stmt *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < STORE_STMT_CACHE; i++)
		if (st->cache[i].s == s) {
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			st->cache[i].busy = 0;
			return;
		}
	sqlite3_finalize(s);
}

void
store_stmt_cache_clear(struct cf_store *st)
{
	for (size_t i = 0; i < STORE_STMT_CACHE; i++) {
		sqlite3_finalize(st->cache[i].s);
		free(st->cache[i].sql);
		memset(&st->cache[i], 0, sizeof st->cache[i]);
	}
}

/* ---- SQL from the declaration ---- */

struct sql {
	char buf[2048];
	size_t len;
	int bad;
};

static void
sql_add(struct sql *q, const char *s)
{
	size_t n = strlen(s);

	if (q->len + n + 1 > sizeof q->buf) {
		q->bad = 1;
		return;
	}
	memcpy(q->buf + q->len, s, n + 1);
	q->len += n;
}

/* A table or column name from a declaration: lower-case ASCII, digits and '_' only, never quoted text. */
static void
sql_name(struct sql *q, const char *name)
{
	if (!name || !*name) {
		q->bad = 1;
		return;
	}
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			q->bad = 1;
	sql_add(q, name);
}

static void
sql_num(struct sql *q, long v)
{
	char n[24];

	snprintf(n, sizeof n, "%ld", v);
	sql_add(q, n);
}

/* t.<the column named by a query index> */
static void
sql_query_col(struct sql *q, const struct cf_table *t, int col)
{
	switch (col) {
	case CF_QUERY_ID: sql_add(q, "t.id"); return;
	case CF_QUERY_CREATED: sql_add(q, "t.created"); return;
	case CF_QUERY_UPDATED: sql_add(q, "t.updated"); return;
	default:
		if (col < 0 || (size_t)col >= t->n_cols) {
			q->bad = 1;
			return;
		}
		sql_add(q, "t.");
		sql_name(q, t->cols[col].name);
	}
}

/* " FROM <t> AS t LEFT JOIN <parent> AS pN ON pN.id = t.<link> ..." */
static void
sql_from(struct sql *q, const struct cf_table *t)
{
	sql_add(q, " FROM ");
	sql_name(q, t->name);
	sql_add(q, " AS t");
	for (size_t i = 0; i < t->n_cols; i++) {
		if (t->cols[i].kind != CF_COLUMN_LINK)
			continue;
		sql_add(q, " LEFT JOIN ");
		sql_name(q, t->cols[i].parent->name);
		sql_add(q, " AS p");
		sql_num(q, (long)i);
		sql_add(q, " ON p");
		sql_num(q, (long)i);
		sql_add(q, ".id = t.");
		sql_name(q, t->cols[i].name);
	}
}

static void
sql_where(struct sql *q, const struct cf_table *t, const struct cf_row_query *rq)
{
	const char *and = " WHERE ";

	if (rq->link >= 0) {
		if ((size_t)rq->link >= t->n_cols || t->cols[rq->link].kind != CF_COLUMN_LINK)
			q->bad = 1;
		sql_add(q, and);
		sql_query_col(q, t, rq->link);
		sql_add(q, " = ?1");
		and = " AND ";
	}
	if (rq->range != CF_QUERY_NONE) {
		sql_add(q, and);
		sql_query_col(q, t, rq->range);
		sql_add(q, " >= ?2 AND ");
		sql_query_col(q, t, rq->range);
		sql_add(q, " < ?3");
	}
}

/* The SELECT of rows matching rq; columns as read_row() reads them. */
static void
sql_select(struct sql *q, const struct cf_table *t, const struct cf_row_query *rq)
{
	sql_add(q, "SELECT t.id, t.uuid, t.compartment, t.version, t.created, t.updated, t.data");
	for (size_t i = 0; i < t->n_cols; i++) {
		sql_add(q, ", t.");
		sql_name(q, t->cols[i].name);
		if (t->cols[i].kind == CF_COLUMN_LINK) {
			sql_add(q, ", p");
			sql_num(q, (long)i);
			sql_add(q, ".uuid");
		}
	}
	sql_from(q, t);
	if (!rq)
		return;
	sql_where(q, t, rq);
	sql_add(q, " ORDER BY ");
	sql_query_col(q, t, rq->order);
	sql_add(q, rq->desc ? " DESC" : "");
	if (rq->order != CF_QUERY_ID)
		sql_add(q, rq->desc ? ", t.id DESC" : ", t.id");
	if (rq->limit > 0)
		sql_add(q, " LIMIT ?4 OFFSET ?5");
}

static void
bind_query(sqlite3_stmt *s, const struct cf_row_query *rq)
{
	if (rq->link >= 0)
		sqlite3_bind_int64(s, 1, rq->link_id);
	if (rq->range != CF_QUERY_NONE) {
		sqlite3_bind_int64(s, 2, rq->from);
		sqlite3_bind_int64(s, 3, rq->to);
	}
	if (rq->limit > 0) {
		sqlite3_bind_int64(s, 4, rq->limit);
		sqlite3_bind_int64(s, 5, rq->offset);
	}
}

/* Reads the current row of s (as sql_select() laid it out) into r; the data pointer is borrowed. */
static enum cf_error
read_row(sqlite3_stmt *s, const struct cf_table *t, struct cf_row *r)
{
	const void *uuid = sqlite3_column_blob(s, 1);
	int col = 7;

	/* only what the table has is set (the walk's hot path: no memset of the whole row) */
	if (!uuid || sqlite3_column_bytes(s, 1) != CF_UUID_BYTES)
		return CF_ERR_DAMAGED;
	r->id = sqlite3_column_int64(s, 0);
	memcpy(r->uuid, uuid, CF_UUID_BYTES);
	r->compartment = sqlite3_column_int(s, 2);
	r->version = sqlite3_column_int64(s, 3);
	r->created = sqlite3_column_int64(s, 4);
	r->updated = sqlite3_column_int64(s, 5);
	r->data = sqlite3_column_blob(s, 6);
	r->data_len = (size_t)sqlite3_column_bytes(s, 6);
	for (size_t i = 0; i < t->n_cols; i++) {
		r->col[i] = sqlite3_column_int64(s, col++);
		if (t->cols[i].kind == CF_COLUMN_LINK) {
			const void *pu = sqlite3_column_blob(s, col);

			/* no parent row (or a damaged uuid): zeros, which no ciphertext binds */
			if (pu && sqlite3_column_bytes(s, col) == CF_UUID_BYTES)
				memcpy(r->link_uuid[i], pu, CF_UUID_BYTES);
			else
				memset(r->link_uuid[i], 0, CF_UUID_BYTES);
			col++;
		}
	}
	return CF_OK;
}

/* ---- rows ---- */

void
store_query_init(struct cf_row_query *q)
{
	memset(q, 0, sizeof *q);
	q->link = -1;
	q->range = CF_QUERY_NONE;
	/* row ids are random: the order they were written in is `created` (then id) */
	q->order = CF_QUERY_CREATED;
}

static enum cf_error
write_rc(int rc)
{
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return CF_ERR_EXISTS;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return CF_ERR_INVALID;
	return rc_err(rc);
}

enum cf_error
store_row_insert(struct cf_store *st, const struct cf_table *t, struct cf_row *r)
{
	struct sql q = { .len = 0 };
	sqlite3_stmt *s = NULL;
	int rc, ext, k = 1, tries = 0;

	sql_add(&q, "INSERT INTO ");
	sql_name(&q, t->name);
	sql_add(&q, "(id, uuid, compartment, version, created, updated, data");
	for (size_t i = 0; i < t->n_cols; i++) {
		sql_add(&q, ", ");
		sql_name(&q, t->cols[i].name);
	}
	sql_add(&q, ") VALUES (?, ?, ?, ?, ?, ?, ?");
	for (size_t i = 0; i < t->n_cols; i++)
		sql_add(&q, ", ?");
	sql_add(&q, ")");
	if (q.bad || t->n_cols > CF_TABLE_COLUMNS_MAX)
		return CF_ERR_INVALID;
again:
	rc = store_stmt(st, q.buf, &s);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	k = 1;
	/*
	 * A random row id (1 .. 2^62; SQLite's ChaCha20 generator, seeded from
	 * the OS): ids follow neither roster order nor the order of writes.
	 */
	{
		uint64_t v;

		sqlite3_randomness(sizeof v, &v);
		sqlite3_bind_int64(s, k++, (int64_t)(v >> 2) + 1);
	}
	sqlite3_bind_blob(s, k++, r->uuid, CF_UUID_BYTES, SQLITE_STATIC);
	sqlite3_bind_int(s, k++, r->compartment);
	sqlite3_bind_int64(s, k++, r->version);
	sqlite3_bind_int64(s, k++, r->created);
	sqlite3_bind_int64(s, k++, r->updated);
	sqlite3_bind_blob(s, k++, r->data, (int)r->data_len, SQLITE_STATIC);
	for (size_t i = 0; i < t->n_cols; i++)
		sqlite3_bind_int64(s, k++, r->col[i]);
	rc = sqlite3_step(s);
	ext = sqlite3_extended_errcode(st->db);
	store_stmt_done(st, s);
	/* the id taken already (one chance in 2^62 per row): draw again */
	if ((rc & 0xff) == SQLITE_CONSTRAINT && ext == SQLITE_CONSTRAINT_PRIMARYKEY && tries++ < 8)
		goto again;
	if (rc != SQLITE_DONE)
		return write_rc(rc);
	r->id = sqlite3_last_insert_rowid(st->db);
	return CF_OK;
}

enum cf_error
store_row_update(struct cf_store *st, const struct cf_table *t, const struct cf_row *r, int64_t old_version)
{
	struct sql q = { .len = 0 };
	sqlite3_stmt *s = NULL;
	int rc, k = 1;

	sql_add(&q, "UPDATE ");
	sql_name(&q, t->name);
	sql_add(&q, " SET version = ?, updated = ?, data = ?");
	for (size_t i = 0; i < t->n_cols; i++) {
		sql_add(&q, ", ");
		sql_name(&q, t->cols[i].name);
		sql_add(&q, " = ?");
	}
	sql_add(&q, " WHERE id = ? AND version = ?");
	if (q.bad || t->n_cols > CF_TABLE_COLUMNS_MAX)
		return CF_ERR_INVALID;
	rc = store_stmt(st, q.buf, &s);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int64(s, k++, r->version);
	sqlite3_bind_int64(s, k++, r->updated);
	sqlite3_bind_blob(s, k++, r->data, (int)r->data_len, SQLITE_STATIC);
	for (size_t i = 0; i < t->n_cols; i++)
		sqlite3_bind_int64(s, k++, r->col[i]);
	sqlite3_bind_int64(s, k++, r->id);
	sqlite3_bind_int64(s, k, old_version);
	rc = sqlite3_step(s);
	store_stmt_done(st, s);
	if (rc != SQLITE_DONE)
		return write_rc(rc);
	return sqlite3_changes(st->db) == 1 ? CF_OK : CF_ERR_NOT_FOUND;
}

static enum cf_error
walk(struct cf_store *st, const struct cf_table *t, sqlite3_stmt *s,
     enum cf_error (*fn)(const struct cf_row *r, void *ctx), void *ctx, int *rows)
{
	enum cf_error e = CF_OK;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct cf_row r;

		e = read_row(s, t, &r);
		if (e == CF_OK) {
			(*rows)++;
			e = fn(&r, ctx);
		}
		if (e != CF_OK)
			break;
	}
	if (e == CF_OK && rc != SQLITE_DONE)
		e = rc_err(rc);
	store_stmt_done(st, s);
	return e;
}

enum cf_error
store_row_foreach(struct cf_store *st, const struct cf_table *t, const struct cf_row_query *rq,
                  enum cf_error (*fn)(const struct cf_row *r, void *ctx), void *ctx)
{
	struct sql q = { .len = 0 };
	struct cf_row_query all;
	sqlite3_stmt *s = NULL;
	int rc, rows = 0;

	if (!rq) {
		store_query_init(&all);
		rq = &all;
	}
	sql_select(&q, t, rq);
	if (q.bad)
		return CF_ERR_INVALID;
	rc = store_stmt(st, q.buf, &s);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	bind_query(s, rq);
	return walk(st, t, s, fn, ctx, &rows);
}

enum cf_error
store_row_get(struct cf_store *st, const struct cf_table *t, int64_t id,
              enum cf_error (*fn)(const struct cf_row *r, void *ctx), void *ctx)
{
	struct sql q = { .len = 0 };
	sqlite3_stmt *s = NULL;
	enum cf_error e;
	int rc, rows = 0;

	sql_select(&q, t, NULL);
	sql_add(&q, " WHERE t.id = ?");
	if (q.bad)
		return CF_ERR_INVALID;
	rc = store_stmt(st, q.buf, &s);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int64(s, 1, id);
	e = walk(st, t, s, fn, ctx, &rows);
	return e == CF_OK && rows == 0 ? CF_ERR_NOT_FOUND : e;
}

enum cf_error
store_row_count(struct cf_store *st, const struct cf_table *t, const struct cf_row_query *rq, int64_t *n)
{
	struct sql q = { .len = 0 };
	struct cf_row_query all;
	sqlite3_stmt *s = NULL;
	int rc;

	*n = 0;
	if (!rq) {
		store_query_init(&all);
		rq = &all;
	}
	sql_add(&q, "SELECT count(*) FROM ");
	sql_name(&q, t->name);
	sql_add(&q, " AS t");
	sql_where(&q, t, rq);
	if (q.bad)
		return CF_ERR_INVALID;
	rc = store_stmt(st, q.buf, &s);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	if (rq->link >= 0)
		sqlite3_bind_int64(s, 1, rq->link_id);
	if (rq->range != CF_QUERY_NONE) {
		sqlite3_bind_int64(s, 2, rq->from);
		sqlite3_bind_int64(s, 3, rq->to);
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*n = sqlite3_column_int64(s, 0);
		rc = SQLITE_DONE;
	}
	store_stmt_done(st, s);
	return rc == SQLITE_DONE ? CF_OK : rc_err(rc);
}

char *
store_column_type(struct cf_store *st, const char *table, const char *column)
{
	sqlite3_stmt *s = NULL;
	char *type = NULL;

	if (sqlite3_prepare_v2(st->db, "SELECT type FROM pragma_table_info(?1) WHERE name = ?2", -1, &s, NULL) !=
	    SQLITE_OK)
		return NULL;
	sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, column, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		type = strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return type;
}
