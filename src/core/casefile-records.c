/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Records of every type: the one write path, the readers into secure arenas, the upgrade at unlock, and check. */
#define _GNU_SOURCE /* qsort_r(): sorting with a context, no file-static pointer */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carefile/casefile.h"
#include "carefile/crypto.h"
#include "casefile-internal.h"
#include "record-internal.h"

/* ---- helpers ---- */

static enum cf_error
need(const struct cf_casefile *cf, const struct cf_table *t)
{
	if (!cf || !cf->kr)
		return CF_ERR_LOCKED;
	if (!t || !t->type)
		return CF_ERR_INVALID;
	if (!crypto_keyring_has(cf->kr, t->compartment))
		return CF_ERR_PERMISSION;
	return CF_OK;
}

void
casefile_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	if (!localtime_r(&now, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		memcpy(out, "2000-01-01", 11);
}

/* Grows a secure buffer to at least n bytes (contents not kept). */
static enum cf_error
grow_secure(uint8_t **buf, size_t *cap, size_t n)
{
	uint8_t *p;
	size_t c;

	if (*cap >= n)
		return CF_OK;
	c = *cap ? *cap : 4096;
	while (c < n)
		c *= 2;
	p = crypto_secure_alloc(c);
	if (!p)
		return CF_ERR_NOMEM;
	crypto_secure_free(*buf);
	*buf = p;
	*cap = c;
	return CF_OK;
}

static enum cf_error
grow_heap(uint8_t **buf, size_t *cap, size_t n)
{
	uint8_t *p;
	size_t c;

	if (*cap >= n)
		return CF_OK;
	c = *cap ? *cap : 4096;
	while (c < n)
		c *= 2;
	p = realloc(*buf, c);
	if (!p)
		return CF_ERR_NOMEM;
	*buf = p;
	*cap = c;
	return CF_OK;
}

void
casefile_buffers_free(struct cf_casefile *cf)
{
	crypto_secure_free(cf->plain_buf);
	crypto_secure_free(cf->read_buf);
	free(cf->blob_buf);
	cf->plain_buf = cf->read_buf = cf->blob_buf = NULL;
	cf->plain_cap = cf->read_cap = cf->blob_cap = 0;
}

/* The AD of row (its place, key id is the crypto layer's, and its bound plaintext columns). */
static void
row_ad(const struct cf_casefile *cf, const struct cf_table *t, const struct cf_row *row, uint8_t *bound,
       struct cf_record_ad *ad)
{
	ad->format_version = (uint32_t)cf->format_version;
	ad->file_id = cf->file_id;
	ad->table = t->name;
	ad->column = CF_RECORD_COLUMN;
	ad->row_uuid = row->uuid;
	ad->bound = bound;
	ad->bound_len = record_bound(t, row, bound, CF_RECORD_BOUND_MAX);
	/* a row not yet upgraded, in a compartment the header says may still hold such rows */
	ad->accept_v1 = row->version == 0 && (cf->legacy_records & CF_COMPARTMENT_BIT(t->compartment));
}

/* ---- transactions ---- */

enum cf_error
casefile_begin(struct cf_casefile *cf)
{
	if (!cf || !cf->kr)
		return CF_ERR_LOCKED;
	return store_begin(cf->st);
}

enum cf_error
casefile_commit(struct cf_casefile *cf)
{
	/* the header MAC, and with it the write counter of the rollback witness */
	enum cf_error e = casefile_header_update(cf);

	if (e != CF_OK) {
		store_rollback(cf->st);
		return e;
	}
	return store_commit(cf->st);
}

void
casefile_rollback(struct cf_casefile *cf)
{
	if (cf)
		store_rollback(cf->st);
}

/* ---- the one write path ---- */

/*
 * Seals rec for row and writes it; row's version and updated are already the
 * new ones. drop: seal to that published drop key instead of with the
 * compartment key (a writer without it), or NULL.
 */
static enum cf_error
seal_and_store(struct cf_casefile *cf, const struct cf_table *t, struct cf_row *row, const uint8_t *plain,
               size_t plain_len, int64_t old_version, const struct cf_store_drop_key *drop)
{
	uint8_t bound[CF_RECORD_BOUND_MAX];
	struct cf_record_ad ad;
	size_t blob_len = drop ? crypto_record_dropped_size(plain_len) : crypto_record_sealed_size(plain_len);
	enum cf_error e;

	row_ad(cf, t, row, bound, &ad);
	ad.accept_v1 = false;
	e = grow_heap(&cf->blob_buf, &cf->blob_cap, blob_len);
	if (e == CF_OK && drop)
		e = (enum cf_error)crypto_record_drop_into(t->compartment, drop->key_id, drop->public_key, &ad, plain,
		                                           plain_len, cf->blob_buf, cf->blob_cap);
	else if (e == CF_OK)
		e = (enum cf_error)crypto_record_seal_into(cf->kr, t->compartment, &ad, plain, plain_len, cf->blob_buf,
		                                           cf->blob_cap);
	if (e != CF_OK)
		return e;
	row->compartment = (int)t->compartment;
	row->data = cf->blob_buf;
	row->data_len = blob_len;
	if (old_version < 0)
		e = store_row_insert(cf->st, t, row);
	else
		e = store_row_update(cf->st, t, row, old_version);
	/* the audit entry of this change, in the same transaction: who, what, the new version and the row's hash */
	if (e == CF_OK)
		e = casefile_audit_append(cf, old_version < 0 ? CF_AUDIT_CREATE : CF_AUDIT_UPDATE, t, row);
	row->data = NULL;
	row->data_len = 0;
	return e;
}

/* casefile_record_put(), sealed to drop when not NULL (the caller checked who may). */
static enum cf_error
record_write(struct cf_casefile *cf, const struct cf_table *t, struct cf_row *row, const void *rec,
             struct cf_field_errors *errs, const struct cf_store_drop_key *drop)
{
	struct cf_field_errors local;
	struct cf_row next;
	char today[11];
	size_t need_bytes, len = 0;
	int64_t now = (int64_t)time(NULL), old_version;
	bool own_txn;
	enum cf_error e = CF_OK;

	if (!row || !rec)
		return CF_ERR_INVALID;
	casefile_today(today);
	if (record_validate(t->type, rec, today, errs ? errs : &local) != CF_OK)
		return CF_ERR_INVALID;
	for (size_t i = 0; i < t->n_cols; i++) {
		static const uint8_t zero[CF_UUID_BYTES];

		if (t->cols[i].kind == CF_COLUMN_LINK &&
		    (row->col[i] <= 0 || memcmp(row->link_uuid[i], zero, CF_UUID_BYTES) == 0))
			return CF_ERR_INVALID; /* the caller names the parent by id and uuid */
	}
	need_bytes = record_encoded_size(t->type, rec);
	if (need_bytes == 0)
		return CF_ERR_INVALID;
	e = grow_secure(&cf->plain_buf, &cf->plain_cap, need_bytes);
	if (e == CF_OK)
		e = (enum cf_error)record_encode(t->type, rec, cf->plain_buf, cf->plain_cap, &len);
	if (e != CF_OK)
		return e;
	next = *row;
	if (row->id == 0) {
		crypto_random_uuid(next.uuid);
		next.version = 1;
		next.created = now;
		old_version = -1;
	} else {
		next.version = row->version + 1;
		old_version = row->version;
	}
	next.updated = now;
	record_columns_from(t, rec, &next);
	own_txn = !casefile_in_transaction(cf);
	if (own_txn && (e = store_begin(cf->st)) != CF_OK)
		return e;
	e = seal_and_store(cf, t, &next, cf->plain_buf, len, old_version, drop);
	crypto_wipe(cf->plain_buf, len);
	if (own_txn)
		e = e == CF_OK ? casefile_commit(cf) : (store_rollback(cf->st), e);
	if (e == CF_OK)
		*row = next;
	return e;
}

enum cf_error
casefile_record_put(struct cf_casefile *cf, const struct cf_table *t, struct cf_row *row, const void *rec,
                    struct cf_field_errors *errs)
{
	enum cf_error e = need(cf, t);

	return e == CF_OK ? record_write(cf, t, row, rec, errs, NULL) : e;
}

enum cf_error
casefile_record_drop(struct cf_casefile *cf, const struct cf_table *t, struct cf_row *row, const void *rec,
                     struct cf_field_errors *errs)
{
	struct cf_store_drop_key dk;
	enum cf_error e;

	if (!cf || !cf->kr)
		return CF_ERR_LOCKED;
	if (!t || !t->type || !row || !rec)
		return CF_ERR_INVALID;
	if (crypto_keyring_has(cf->kr, t->compartment))
		return casefile_record_put(cf, t, row, rec, errs); /* a holder writes as usual */
	if (!(crypto_keyring_mask(cf->kr) & t->drop_from))
		return CF_ERR_PERMISSION;
	if (row->id != 0)
		return CF_ERR_INVALID; /* a drop creates; only holders of the key change it */
	e = casefile_drop_key_for(cf, t->compartment, &dk);
	if (e != CF_OK)
		return e;
	return record_write(cf, t, row, rec, errs, &dk);
}

int
casefile_in_transaction(const struct cf_casefile *cf)
{
	return cf && store_in_transaction(cf->st);
}

struct parent_uuid {
	uint8_t uuid[CF_UUID_BYTES];
};

static enum cf_error
take_uuid(const struct cf_row *row, void *p)
{
	memcpy(((struct parent_uuid *)p)->uuid, row->uuid, CF_UUID_BYTES);
	return CF_OK;
}

enum cf_error
casefile_record_put_child(struct cf_casefile *cf, const struct cf_table *t, const struct cf_table *parent,
                          int64_t parent_id, struct cf_row *row, const void *rec, struct cf_field_errors *errs)
{
	struct parent_uuid pu;
	int link;
	enum cf_error e = need(cf, t);

	if (e != CF_OK)
		return e;
	if (!parent || !row || (link = record_link_column(t, parent)) < 0)
		return CF_ERR_INVALID;
	if (row->id && row->col[link] != parent_id)
		return CF_ERR_INVALID; /* never moved to another parent */
	e = store_row_get(cf->st, parent, parent_id, take_uuid, &pu);
	if (e != CF_OK)
		return e;
	row->col[link] = parent_id;
	memcpy(row->link_uuid[link], pu.uuid, CF_UUID_BYTES);
	return casefile_record_put(cf, t, row, rec, errs);
}

/* ---- drafts kept sealed while locked ---- */

/* Where a draft's ciphertext belongs: no table of the file, this session's random id. */
static void
draft_ad(struct cf_casefile *cf, struct cf_record_ad *ad)
{
	static const uint8_t bound[] = "draft in memory";

	if (!cf->draft_id_set) {
		crypto_random_uuid(cf->draft_id);
		cf->draft_id_set = 1;
	}
	ad->format_version = (uint32_t)cf->format_version;
	ad->file_id = cf->file_id;
	ad->table = "draft";
	ad->column = "memory";
	ad->row_uuid = cf->draft_id;
	ad->bound = bound;
	ad->bound_len = sizeof bound;
	ad->accept_v1 = false;
}

enum cf_error
casefile_draft_seal(struct cf_casefile *cf, enum cf_compartment c, const void *plain, size_t len, uint8_t **blob,
                    size_t *blob_len)
{
	struct cf_record_ad ad;

	*blob = NULL;
	*blob_len = 0;
	if (!cf || !cf->kr)
		return CF_ERR_LOCKED;
	draft_ad(cf, &ad);
	return (enum cf_error)crypto_record_seal(cf->kr, c, &ad, plain, len, blob, blob_len);
}

enum cf_error
casefile_draft_open(struct cf_casefile *cf, enum cf_compartment c, const uint8_t *blob, size_t blob_len, char **plain,
                    size_t *plain_len)
{
	struct cf_record_ad ad;

	*plain = NULL;
	*plain_len = 0;
	if (!cf || !cf->kr)
		return CF_ERR_LOCKED;
	draft_ad(cf, &ad);
	return (enum cf_error)crypto_record_open(cf->kr, c, &ad, blob, blob_len, plain, plain_len);
}

/* ---- reading ---- */

/* What opening one row found. */
enum opened {
	OPENED_RECORD,  /* authenticated and decoded into rec */
	OPENED_OPAQUE,  /* authenticated, but in no encoding we know (written by a pre-release version) */
};

/*
 * Opens row of t into the read buffer and decodes it into rec (alloc's
 * strings). *what says which. CF_ERR_DAMAGED (fails to authenticate or to
 * decode), CF_ERR_PERMISSION, CF_ERR_NOMEM. plain and plain_len (may be
 * NULL) get the decrypted bytes in the read buffer, valid until the next
 * open.
 */
static enum cf_error
open_row(struct cf_casefile *cf, const struct cf_table *t, const struct cf_row *row, const struct cf_str_alloc *alloc,
         void *rec, enum opened *what, const uint8_t **plain, size_t *plain_len)
{
	uint8_t bound[CF_RECORD_BOUND_MAX];
	struct cf_record_ad ad;
	size_t len = 0;
	enum cf_error e;

	*what = OPENED_RECORD;
	if (row->compartment != (int)t->compartment || row->data_len < CF_RECORD_OVERHEAD) {
		record_init(t->type, rec, alloc);
		return CF_ERR_DAMAGED;
	}
	e = grow_secure(&cf->read_buf, &cf->read_cap, row->data_len - CF_RECORD_OVERHEAD + 1);
	if (e != CF_OK)
		return e;
	row_ad(cf, t, row, bound, &ad);
	e = (enum cf_error)crypto_record_open_buf(cf->kr, t->compartment, &ad, row->data, row->data_len, cf->read_buf,
	                                          cf->read_cap, &len);
	if (e != CF_OK) {
		record_init(t->type, rec, alloc);
		return e == CF_ERR_INVALID ? CF_ERR_DAMAGED : e;
	}
	if (plain) {
		*plain = cf->read_buf;
		*plain_len = len;
	}
	if (record_is_encoded(cf->read_buf, len)) {
		e = (enum cf_error)record_decode(t->type, cf->read_buf, len, alloc, rec);
	} else if (record_legacy_magic(cf->read_buf, len)) {
		e = record_legacy_decode(t, row, cf->read_buf, len, alloc, rec);
		if (e == CF_OK) {
			/* the old encoding kept a copy of the plaintext columns inside: they must agree */
			struct cf_row sealed = *row;

			record_columns_from(t, rec, &sealed);
			for (size_t i = 0; i < t->n_cols; i++)
				if (t->cols[i].kind == CF_COLUMN_FIELD && sealed.col[i] != row->col[i])
					e = CF_ERR_DAMAGED;
			if (e != CF_OK)
				record_fini(t->type, rec);
		}
	} else {
		record_init(t->type, rec, alloc);
		*what = OPENED_OPAQUE;
		e = CF_ERR_DAMAGED;
	}
	/* the plaintext stays in the secure read buffer until the next row overwrites it and lock wipes it */
	if (e == CF_OK)
		record_columns_to(t, row, rec);
	return e;
}

struct walk {
	struct cf_casefile *cf;
	const struct cf_table *t;
	const struct cf_str_alloc *alloc;
	void *rec;
	enum cf_error (*fn)(const struct cf_row *row, void *rec, void *ctx);
	void *ctx;
	size_t *damaged;
};

static enum cf_error
walk_row(const struct cf_row *row, void *p)
{
	struct walk *w = p;
	enum opened what;
	enum cf_error e = open_row(w->cf, w->t, row, w->alloc, w->rec, &what, NULL, NULL);

	if (e == CF_ERR_DAMAGED && w->damaged) {
		(*w->damaged)++;
		return CF_OK;
	}
	if (e != CF_OK)
		return e;
	return w->fn(row, w->rec, w->ctx);
}

enum cf_error
casefile_record_foreach(struct cf_casefile *cf, const struct cf_table *t, const struct cf_row_query *q,
                        const struct cf_str_alloc *alloc, void *rec,
                        enum cf_error (*fn)(const struct cf_row *row, void *rec, void *ctx), void *ctx,
                        size_t *damaged)
{
	struct walk w = { cf, t, alloc, rec, fn, ctx, damaged };
	enum cf_error e = need(cf, t);

	if (damaged)
		*damaged = 0;
	if (e != CF_OK)
		return e;
	if (!rec || !fn)
		return CF_ERR_INVALID;
	return store_row_foreach(cf->st, t, q, walk_row, &w);
}

struct get {
	struct cf_casefile *cf;
	const struct cf_table *t;
	const struct cf_str_alloc *alloc;
	void *rec;
	struct cf_row *row;
};

static enum cf_error
get_row(const struct cf_row *row, void *p)
{
	struct get *g = p;
	enum opened what;
	enum cf_error e = open_row(g->cf, g->t, row, g->alloc, g->rec, &what, NULL, NULL);

	if (e == CF_OK && g->row) {
		*g->row = *row;
		g->row->data = NULL;
		g->row->data_len = 0;
	}
	return e;
}

enum cf_error
casefile_record_get(struct cf_casefile *cf, const struct cf_table *t, int64_t id, const struct cf_str_alloc *alloc,
                    void *rec, struct cf_row *row)
{
	struct get g = { cf, t, alloc, rec, row };
	enum cf_error e = need(cf, t);

	if (e != CF_OK)
		return e;
	record_init(t->type, rec, alloc);
	return store_row_get(cf->st, t, id, get_row, &g);
}

/* ---- lists ---- */

static void *
list_alloc(void *ctx, size_t size)
{
	return crypto_arena_alloc(ctx, size);
}

struct list_fill {
	struct cf_record_list *l;
	size_t cap;
};

static enum cf_error
list_row(const struct cf_row *row, void *rec, void *ctx)
{
	struct list_fill *f = ctx;
	struct cf_record_list *l = f->l;
	size_t sz = l->table->type->size;

	if (l->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct cf_row *rows = crypto_secure_alloc(cap * sizeof *rows);
		unsigned char *recs = crypto_secure_alloc(cap * sz);

		if (!rows || !recs) {
			crypto_secure_free(rows);
			crypto_secure_free(recs);
			return CF_ERR_NOMEM;
		}
		if (l->n) {
			memcpy(rows, l->rows, l->n * sizeof *rows);
			memcpy(recs, l->recs, l->n * sz);
		}
		crypto_secure_free(l->rows);
		crypto_secure_free(l->recs);
		l->rows = rows;
		l->recs = recs;
		f->cap = cap;
	}
	l->rows[l->n] = *row;
	l->rows[l->n].data = NULL;
	l->rows[l->n].data_len = 0;
	/* the strings are in the list's arena already: moving the struct moves the record */
	memcpy((unsigned char *)l->recs + l->n * sz, rec, sz);
	crypto_wipe(rec, sz);
	l->n++;
	return CF_OK;
}

enum cf_error
casefile_record_list(struct cf_casefile *cf, const struct cf_table *t, const struct cf_row_query *q,
                     struct cf_record_list *out)
{
	struct list_fill f = { out, 0 };
	void *tmp;
	enum cf_error e;

	memset(out, 0, sizeof *out);
	out->table = t;
	if ((e = need(cf, t)) != CF_OK)
		return e;
	if (crypto_arena_new(16384, &out->arena) != CF_OK)
		return CF_ERR_NOMEM;
	out->alloc.alloc = list_alloc;
	out->alloc.free = NULL;
	out->alloc.ctx = out->arena;
	tmp = crypto_secure_alloc(t->type->size);
	if (!tmp) {
		casefile_record_list_fini(out);
		return CF_ERR_NOMEM;
	}
	e = casefile_record_foreach(cf, t, q, &out->alloc, tmp, list_row, &f, &out->damaged);
	crypto_secure_free(tmp);
	if (e != CF_OK)
		casefile_record_list_fini(out);
	return e;
}

enum cf_error
casefile_record_newest(struct cf_casefile *cf, const struct cf_table *t, size_t n, struct cf_record_list *out)
{
	struct cf_row_query q;

	memset(out, 0, sizeof *out);
	if (n == 0 || n > INT64_MAX)
		return CF_ERR_INVALID;
	store_query_init(&q);
	q.desc = 1;
	q.limit = (int64_t)n;
	return casefile_record_list(cf, t, &q, out);
}

enum cf_error
casefile_record_children(struct cf_casefile *cf, const struct cf_table *t, const struct cf_table *parent,
                         int64_t parent_id, uint16_t order_tag, bool desc, struct cf_record_list *out)
{
	struct cf_row_query q;
	enum cf_error e;

	memset(out, 0, sizeof *out);
	store_query_init(&q);
	q.link = parent ? record_link_column(t, parent) : -1;
	if (q.link < 0)
		return CF_ERR_INVALID;
	q.link_id = parent_id;
	e = casefile_record_list(cf, t, &q, out);
	if (e == CF_OK && order_tag)
		e = casefile_record_list_sort(out, order_tag, desc);
	if (e != CF_OK)
		casefile_record_list_fini(out);
	return e;
}

void *
casefile_record_list_at(const struct cf_record_list *l, size_t i)
{
	return l && i < l->n ? (unsigned char *)l->recs + i * l->table->type->size : NULL;
}

void
casefile_record_list_fini(struct cf_record_list *l)
{
	if (!l)
		return;
	crypto_secure_free(l->rows);
	crypto_secure_free(l->recs);
	crypto_arena_free(&l->arena);
	memset(l, 0, sizeof *l);
}

struct sort_ctx {
	const struct cf_record_list *l;
	const struct cf_field *f;
	bool desc;
};

/* Compares two records by field f (texts and dates bytewise, numbers by value), then by row id. */
static int
cmp_by_field(const void *pa, const void *pb, void *p)
{
	const struct sort_ctx *c = p;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	const void *ra = casefile_record_list_at(c->l, a), *rb = casefile_record_list_at(c->l, b);
	int r = 0;

	switch (c->f->kind) {
	case CF_KIND_TEXT:
	case CF_KIND_LONGTEXT: {
		const char *x = *(char *const *)record_member_const(c->f, ra), *y = *(char *const *)record_member_const(c->f, rb);

		r = strcmp(x ? x : "", y ? y : "");
		break;
	}
	case CF_KIND_DATE:
	case CF_KIND_TIME:
		r = strncmp(record_member_const(c->f, ra), record_member_const(c->f, rb), c->f->size);
		break;
	case CF_KIND_GROUP:
	case CF_KIND_LINK:
		break;
	default: {
		int64_t x = record_get_int(c->f, ra), y = record_get_int(c->f, rb);

		r = x < y ? -1 : x > y;
		break;
	}
	}
	/* ties in the order they were written (row ids are random) */
	if (r == 0)
		r = c->l->rows[a].created < c->l->rows[b].created ? -1 : c->l->rows[a].created > c->l->rows[b].created;
	if (r == 0)
		r = c->l->rows[a].id < c->l->rows[b].id ? -1 : c->l->rows[a].id > c->l->rows[b].id;
	return c->desc ? -r : r;
}

enum cf_error
casefile_record_list_sort(struct cf_record_list *l, uint16_t tag, bool desc)
{
	struct sort_ctx c = { l, NULL, desc };
	size_t sz, *ord;
	struct cf_row *rows;
	unsigned char *recs;

	if (!l || !l->table || !(c.f = record_field(l->table->type, tag)))
		return CF_ERR_INVALID;
	if (l->n < 2)
		return CF_OK;
	sz = l->table->type->size;
	/* sort positions, then move the items: qsort must not copy decrypted records into the heap */
	ord = malloc(l->n * sizeof *ord);
	rows = crypto_secure_alloc(l->n * sizeof *rows);
	recs = crypto_secure_alloc(l->n * sz);
	if (!ord || !rows || !recs) {
		free(ord);
		crypto_secure_free(rows);
		crypto_secure_free(recs);
		return CF_ERR_NOMEM;
	}
	for (size_t i = 0; i < l->n; i++)
		ord[i] = i;
	qsort_r(ord, l->n, sizeof *ord, cmp_by_field, &c);
	for (size_t i = 0; i < l->n; i++) {
		rows[i] = l->rows[ord[i]];
		memcpy(recs + i * sz, (unsigned char *)l->recs + ord[i] * sz, sz);
	}
	free(ord);
	crypto_secure_free(l->rows);
	crypto_secure_free(l->recs);
	l->rows = rows;
	l->recs = recs;
	return CF_OK;
}

/* ---- the upgrade at unlock ---- */

struct upgrade {
	struct cf_casefile *cf;
	const struct cf_table *t;
	struct cf_secure_arena *arena;
	struct cf_str_alloc alloc;
	void *rec;
	struct cf_row *todo;  /* version-0 rows of t, read first: the walk must not see its own writes */
	size_t n, cap;
	enum cf_error err;
	/* rekey (revocation): every row, opened with old_kr and sealed with new_kr at version + 1 */
	const struct cf_keyring *old_kr, *new_kr;
	size_t done;
};

static void *
upgrade_alloc(void *ctx, size_t size)
{
	return crypto_arena_alloc(ctx, size);
}

static enum cf_error
collect_legacy(const struct cf_row *row, void *p)
{
	struct upgrade *u = p;

	if (row->version != 0 && !u->new_kr)
		return CF_OK;
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 64;
		struct cf_row *n = realloc(u->todo, cap * sizeof *n);

		if (!n)
			return CF_ERR_NOMEM;
		u->todo = n;
		u->cap = cap;
	}
	u->todo[u->n] = *row;
	u->todo[u->n].data = NULL;
	u->todo[u->n].data_len = 0;
	u->n++;
	return CF_OK;
}

/* Re-seals one version-0 row under the record layer (version 1); opaque plaintext is kept byte for byte. */
static enum cf_error
upgrade_one(const struct cf_row *row, void *p)
{
	struct upgrade *u = p;
	struct cf_row next = *row;
	enum opened what;
	const uint8_t *plain = NULL;
	size_t plain_len = 0, len = 0;
	enum cf_error e;

	struct cf_keyring *kr = u->cf->kr;
	int64_t old_version = u->new_kr ? row->version : 0;

	if (u->new_kr)
		u->cf->kr = (struct cf_keyring *)u->old_kr;
	e = open_row(u->cf, u->t, row, &u->alloc, u->rec, &what, &plain, &plain_len);
	if (u->new_kr)
		u->cf->kr = (struct cf_keyring *)u->new_kr;
	next.version = u->new_kr ? row->version + 1 : 1;
	next.data = NULL;
	next.data_len = 0;
	if (e == CF_OK) {
		size_t need_bytes = record_encoded_size(u->t->type, u->rec);

		e = need_bytes ? grow_secure(&u->cf->plain_buf, &u->cf->plain_cap, need_bytes) : CF_ERR_DAMAGED;
		if (e == CF_OK)
			e = (enum cf_error)record_encode(u->t->type, u->rec, u->cf->plain_buf, u->cf->plain_cap, &len);
		if (e == CF_OK)
			e = seal_and_store(u->cf, u->t, &next, u->cf->plain_buf, len, old_version, NULL);
		crypto_wipe(u->cf->plain_buf, len);
	} else if (e == CF_ERR_DAMAGED && what == OPENED_OPAQUE) {
		/* authentic text of a pre-release version: bound to its columns now, left as it is */
		e = seal_and_store(u->cf, u->t, &next, plain, plain_len, old_version, NULL);
	}
	u->cf->kr = kr;
	if (e == CF_OK)
		u->done++;
	if (plain)
		crypto_wipe(u->cf->read_buf, plain_len);
	record_fini(u->t->type, u->rec);
	crypto_arena_reset(u->arena);
	/*
	 * A row that fails to authenticate is left as it is (version 0): it
	 * stays in the file for `check` to name. The compartment still loses
	 * its legacy bit: were it kept for the damaged row, an older
	 * ciphertext put back with version 0 would keep opening as authentic
	 * (a replay window that an insider could hold open with one planted
	 * bad row). Without the bit a version-0 row never opens again.
	 */
	if (e == CF_ERR_DAMAGED) {
		u->err = CF_ERR_DAMAGED;
		return CF_OK;
	}
	return e;
}

static const struct cf_table *const *extra_tables;

void
casefile_testing_set_extra_tables(const struct cf_table *const *tables)
{
	extra_tables = tables;
}

static const struct cf_table *
table_at(size_t i)
{
	size_t n = 0;

	while (cf_tables[n])
		n++;
	if (i < n)
		return cf_tables[i];
	return extra_tables ? extra_tables[i - n] : NULL;
}

struct census {
	struct cf_casefile *cf;
	const struct cf_table *t;
	const struct cf_keyring *kr;
	enum cf_compartment c;
	uint32_t min_id;
	struct cf_secure_arena *arena;
	struct cf_str_alloc alloc;
	void *rec;
	size_t opens, newer;
};

static enum cf_error
census_row(const struct cf_row *row, void *p)
{
	struct census *k = p;
	enum cf_compartment c;
	uint32_t id = 0;

	if (!row->data || crypto_record_info(row->data, row->data_len, &c, &id) != CF_OK)
		return CF_OK;
	if (id >= k->min_id) {
		k->newer++;
	} else if (!k->opens && id == crypto_keyring_key_id(k->kr, k->c)) {
		struct cf_keyring *was = k->cf->kr;
		enum opened what;

		k->cf->kr = (struct cf_keyring *)k->kr;
		if (open_row(k->cf, k->t, row, &k->alloc, k->rec, &what, NULL, NULL) == CF_OK)
			k->opens++;
		k->cf->kr = was;
		record_fini(k->t->type, k->rec);
		crypto_arena_reset(k->arena);
	}
	return k->opens && k->newer ? CF_ERR_EXISTS : CF_OK; /* both known: stop */
}

enum cf_error
casefile_records_key_census(struct cf_casefile *cf, enum cf_compartment c, const struct cf_keyring *kr,
                            uint32_t min_id, size_t *opens, size_t *newer)
{
	enum cf_error e = CF_OK;
	size_t o = 0, nw = 0;

	for (size_t i = 0; table_at(i) && e == CF_OK && !(o && nw); i++) {
		struct census k;

		if (table_at(i)->compartment != c)
			continue;
		memset(&k, 0, sizeof k);
		k.cf = cf;
		k.t = table_at(i);
		k.kr = kr;
		k.c = c;
		k.min_id = min_id;
		if (crypto_arena_new(0, &k.arena) != CF_OK || !(k.rec = crypto_secure_alloc(k.t->type->size))) {
			crypto_arena_free(&k.arena);
			return CF_ERR_NOMEM;
		}
		k.alloc.alloc = upgrade_alloc;
		k.alloc.ctx = k.arena;
		e = store_row_foreach(cf->st, k.t, NULL, census_row, &k);
		if (e == CF_ERR_EXISTS)
			e = CF_OK;
		o += k.opens;
		nw += k.newer;
		crypto_secure_free(k.rec);
		crypto_arena_free(&k.arena);
	}
	*opens = o;
	*newer = nw;
	return e;
}

enum cf_error
casefile_records_rekey(struct cf_casefile *cf, enum cf_compartment c, const struct cf_keyring *old_kr,
                       const struct cf_keyring *new_kr, size_t *n_rekeyed, size_t *n_damaged)
{
	enum cf_error e = CF_OK;

	*n_rekeyed = 0;
	*n_damaged = 0;
	for (size_t i = 0; table_at(i) && e == CF_OK; i++) {
		const struct cf_table *t = table_at(i);
		struct upgrade u;

		if (t->compartment != c)
			continue;
		memset(&u, 0, sizeof u);
		u.cf = cf;
		u.t = t;
		u.err = CF_OK;
		u.old_kr = old_kr;
		u.new_kr = new_kr;
		if (crypto_arena_new(0, &u.arena) != CF_OK || !(u.rec = crypto_secure_alloc(t->type->size))) {
			crypto_arena_free(&u.arena);
			return CF_ERR_NOMEM;
		}
		u.alloc.alloc = upgrade_alloc;
		u.alloc.ctx = u.arena;
		e = store_row_foreach(cf->st, t, NULL, collect_legacy, &u);
		for (size_t k = 0; k < u.n && e == CF_OK; k++) {
			size_t before = u.done;

			e = store_row_get(cf->st, t, u.todo[k].id, upgrade_one, &u);
			/* a row that does not authenticate keeps its old ciphertext: check names it */
			if (e == CF_OK && u.done == before)
				(*n_damaged)++;
		}
		*n_rekeyed += u.done;
		free(u.todo);
		crypto_secure_free(u.rec);
		crypto_arena_free(&u.arena);
	}
	return e;
}

static enum cf_error
baseline_row(const struct cf_row *row, void *p)
{
	struct upgrade *u = p;

	return casefile_audit_append(u->cf, CF_AUDIT_BASELINE, u->t, row);
}

static enum cf_error
audit_baseline(struct cf_casefile *cf)
{
	enum cf_error e = CF_OK;

	for (size_t i = 0; table_at(i) && e == CF_OK; i++) {
		struct upgrade u;

		memset(&u, 0, sizeof u);
		u.cf = cf;
		u.t = table_at(i);
		e = store_row_foreach(cf->st, u.t, NULL, baseline_row, &u);
	}
	return e;
}

enum cf_error
casefile_upgrade(struct cf_casefile *cf)
{
	struct cf_store_meta m;
	uint32_t legacy, held = crypto_keyring_mask(cf->kr);
	bool migrate = store_schema_version(cf->st) < CF_STORE_SCHEMA_VERSION;
	enum cf_error e;

	if (!migrate) {
		e = store_meta_get(cf->st, &m);
		if (e != CF_OK)
			return e;
		legacy = m.legacy_records;
		store_meta_fini(&m);
		cf->legacy_records = legacy;
		if (!(legacy & held))
			return CF_OK; /* nothing this user could upgrade: no write at all */
	}
	e = store_begin(cf->st);
	if (e != CF_OK)
		return e;
	{
		int from = store_schema_version(cf->st);

		e = store_migrate(cf->st);
		/* the audit log starts with one baseline entry per row as it is now, before anything re-seals them */
		if (e == CF_OK && from < 6)
			e = audit_baseline(cf);
	}
	if (e == CF_OK)
		e = store_meta_get(cf->st, &m);
	if (e != CF_OK) {
		store_rollback(cf->st);
		return e;
	}
	legacy = m.legacy_records;
	store_meta_fini(&m);
	cf->legacy_records = legacy;
	for (size_t i = 0; cf_tables[i] && e == CF_OK; i++) {
		const struct cf_table *t = cf_tables[i];
		struct upgrade u;

		if (!(legacy & held & CF_COMPARTMENT_BIT(t->compartment)))
			continue;
		memset(&u, 0, sizeof u);
		u.cf = cf;
		u.t = t;
		u.err = CF_OK;
		if (crypto_arena_new(0, &u.arena) != CF_OK || !(u.rec = crypto_secure_alloc(t->type->size))) {
			crypto_arena_free(&u.arena);
			e = CF_ERR_NOMEM;
			break;
		}
		u.alloc.alloc = upgrade_alloc;
		u.alloc.ctx = u.arena;
		e = store_row_foreach(cf->st, t, NULL, collect_legacy, &u);
		for (size_t k = 0; k < u.n && e == CF_OK; k++) {
			/* the plaintext columns are the row's own: re-read it with its data */
			e = store_row_get(cf->st, t, u.todo[k].id, upgrade_one, &u);
		}
		free(u.todo);
		crypto_secure_free(u.rec);
		crypto_arena_free(&u.arena);
		/* u.err: a damaged row was left for check to name; the compartment is upgraded all the same */
	}
	if (e == CF_OK) {
		legacy &= ~held;
		e = store_meta_set_legacy(cf->st, legacy);
	}
	if (e == CF_OK)
		e = casefile_header_update(cf);
	if (e == CF_OK)
		e = store_commit(cf->st);
	else
		store_rollback(cf->st);
	if (e == CF_OK)
		cf->legacy_records = legacy;
	return e;
}

/* ---- check ---- */

/* The latest audit entry of one row, as check compares it. */
struct logged {
	size_t ti;   /* index in cf_tables */
	uint8_t uuid[CF_UUID_BYTES];
	int64_t version, seq;
	uint8_t hash[CF_HASH_BYTES];
	int seen;
};

struct check {
	struct cf_casefile *cf;
	const struct cf_table *t;
	struct cf_check_report *r;
	size_t ti;
	struct cf_secure_arena *arena;
	struct cf_str_alloc alloc;
	void *rec;
	struct logged *log;  /* sorted by (ti, uuid); NULL before schema 6 */
	size_t n_log, cap_log;
};

static int
cmp_logged(const void *a, const void *b)
{
	const struct logged *x = a, *y = b;

	if (x->ti != y->ti)
		return x->ti < y->ti ? -1 : 1;
	return memcmp(x->uuid, y->uuid, CF_UUID_BYTES);
}

static enum cf_error
collect_logged(const struct cf_store_audit *a, void *p)
{
	struct check *c = p;
	size_t ti;

	for (ti = 0; cf_tables[ti]; ti++)
		if (strcmp(cf_tables[ti]->name, a->tbl) == 0)
			break;
	if (!cf_tables[ti])
		return CF_OK; /* a table this build does not check */
	if (c->n_log == c->cap_log) {
		size_t nc = c->cap_log ? 2 * c->cap_log : 256;
		struct logged *nl = realloc(c->log, nc * sizeof *nl);

		if (!nl)
			return CF_ERR_NOMEM;
		c->log = nl;
		c->cap_log = nc;
	}
	c->log[c->n_log].ti = ti;
	memcpy(c->log[c->n_log].uuid, a->row_uuid, CF_UUID_BYTES);
	c->log[c->n_log].version = a->row_version;
	c->log[c->n_log].seq = a->seq;
	memcpy(c->log[c->n_log].hash, a->row_hash, CF_HASH_BYTES);
	c->log[c->n_log].seen = 0;
	c->n_log++;
	return CF_OK;
}

static enum cf_error
check_fail_as(struct check *c, const char *table, int64_t row_id, enum cf_error err, enum cf_check_problem problem,
              int64_t seq)
{
	struct cf_check_failure *nf = realloc(c->r->failures, (c->r->n_failures + 1) * sizeof *nf);

	if (!nf)
		return CF_ERR_NOMEM;
	c->r->failures = nf;
	nf[c->r->n_failures].table = table;
	nf[c->r->n_failures].row_id = row_id;
	nf[c->r->n_failures].err = err;
	nf[c->r->n_failures].problem = problem;
	nf[c->r->n_failures].audit_seq = seq;
	c->r->n_failures++;
	return CF_OK;
}

static enum cf_error
check_fail(struct check *c, const struct cf_row *row, enum cf_error err)
{
	return check_fail_as(c, c->t->name, row->id, err, CF_CHECK_UNREADABLE, 0);
}

/*
 * The row against its latest audit entry: it must have one, with its
 * version and its hash (ciphertext and every plaintext column). Needs no
 * key, so rows of compartments the user does not hold are compared too.
 * *failed: a failure was added.
 */
static enum cf_error
check_logged(struct check *c, const struct cf_row *row, int *failed)
{
	struct logged key, *hit;
	uint8_t h[CF_HASH_BYTES];
	enum cf_error e;

	*failed = 0;
	if (!c->log && !c->r->has_audit)
		return CF_OK;
	key.ti = c->ti;
	memcpy(key.uuid, row->uuid, CF_UUID_BYTES);
	hit = c->n_log ? bsearch(&key, c->log, c->n_log, sizeof *c->log, cmp_logged) : NULL;
	if (!hit) {
		*failed = 1;
		return check_fail_as(c, c->t->name, row->id, CF_ERR_DAMAGED, CF_CHECK_NOT_IN_LOG, 0);
	}
	if (hit->seen) {
		/* a second row with the same uuid: a copy */
		*failed = 1;
		return check_fail_as(c, c->t->name, row->id, CF_ERR_DAMAGED, CF_CHECK_DIFFERS_FROM_LOG, hit->seq);
	}
	hit->seen = 1;
	e = casefile_audit_row_hash(c->t, row, h);
	if (e != CF_OK)
		return e;
	if (hit->version != row->version || crypto_memcmp(h, hit->hash, sizeof h) != 0) {
		*failed = 1;
		return check_fail_as(c, c->t->name, row->id, CF_ERR_DAMAGED, CF_CHECK_DIFFERS_FROM_LOG, hit->seq);
	}
	return CF_OK;
}

static enum cf_error
check_row(const struct cf_row *row, void *p)
{
	struct check *c = p;
	enum opened what;
	enum cf_error e;

	c->r->tables[c->ti].rows++;
	if (!crypto_keyring_has(c->cf->kr, c->t->compartment)) {
		int failed;

		c->r->tables[c->ti].skipped++;
		return check_logged(c, row, &failed);
	}
	e = open_row(c->cf, c->t, row, &c->alloc, c->rec, &what, NULL, NULL);
	record_fini(c->t->type, c->rec);
	crypto_arena_reset(c->arena);
	if (e == CF_ERR_NOMEM)
		return e;
	if (e == CF_OK || (e == CF_ERR_DAMAGED && what == OPENED_OPAQUE)) {
		int failed;
		enum cf_error le = check_logged(c, row, &failed);

		if (le != CF_OK || failed)
			return le;
		c->r->tables[c->ti].authenticated++;
		if (e != CF_OK)
			c->r->tables[c->ti].opaque++;
		return CF_OK;
	}
	/* one failure per row: it does not open; the log is not asked (its hash differs too) */
	{
		struct logged key, *hit;

		key.ti = c->ti;
		memcpy(key.uuid, row->uuid, CF_UUID_BYTES);
		hit = c->n_log ? bsearch(&key, c->log, c->n_log, sizeof *c->log, cmp_logged) : NULL;
		if (hit)
			hit->seen = 1;
	}
	return check_fail(c, row, e);
}

enum cf_error
casefile_check(struct cf_casefile *cf, struct cf_check_report *report)
{
	struct check c;
	enum cf_error e = CF_OK, qc;

	memset(report, 0, sizeof *report);
	if (!casefile_is_unlocked(cf))
		return CF_ERR_LOCKED;
	qc = store_quick_check(cf->st, &report->quick_check_problems);
	if (qc != CF_OK && qc != CF_ERR_DAMAGED)
		return qc;
	memset(&c, 0, sizeof c);
	c.cf = cf;
	c.r = report;
	if (crypto_arena_new(0, &c.arena) != CF_OK)
		return CF_ERR_NOMEM;
	c.alloc.alloc = list_alloc;
	c.alloc.ctx = c.arena;
	/* schema 6 on: the chain first, then the latest entry of every row, to compare each row with */
	if (store_schema_version(cf->st) >= 6) {
		enum cf_error ae = casefile_audit_verify(cf, &report->audit);

		if (ae != CF_OK && ae != CF_ERR_DAMAGED)
			e = ae;
		report->has_audit = 1;
		if (e == CF_OK)
			e = store_audit_foreach(cf->st, 1, collect_logged, &c);
		if (e == CF_OK && c.n_log)
			qsort(c.log, c.n_log, sizeof *c.log, cmp_logged);
	}
	for (size_t i = 0; cf_tables[i] && i < CF_CHECK_TABLES_MAX && e == CF_OK; i++) {
		c.t = cf_tables[i];
		c.ti = i;
		report->tables[i].table = c.t->name;
		crypto_secure_free(c.rec);
		c.rec = crypto_secure_alloc(c.t->type->size);
		if (!c.rec) {
			e = CF_ERR_NOMEM;
			break;
		}
		/* one walk per table; a link's parent uuid comes with the row (a join), so no per-row lookups */
		e = store_row_foreach(cf->st, c.t, NULL, check_row, &c);
	}
	/* what the log says exists and no row is: deleted */
	for (size_t i = 0; e == CF_OK && i < c.n_log; i++)
		if (!c.log[i].seen)
			e = check_fail_as(&c, cf_tables[c.log[i].ti]->name, 0, CF_ERR_DAMAGED, CF_CHECK_MISSING,
			                  c.log[i].seq);
	free(c.log);
	crypto_secure_free(c.rec);
	crypto_arena_free(&c.arena);
	if (e != CF_OK)
		return e;
	return (qc == CF_OK && report->n_failures == 0 && report->audit.first_broken == 0) ? CF_OK : CF_ERR_DAMAGED;
}

void
casefile_check_report_fini(struct cf_check_report *report)
{
	if (!report)
		return;
	free(report->failures);
	report->failures = NULL;
	report->n_failures = 0;
}
