/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The audit log: hash-chained entries signed by their authors (schema 6; doc/trust.md, "Audit log"). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carefile/casefile.h"
#include "carefile/crypto.h"
#include "carefile/record.h"
#include "carefile/store.h"
#include "casefile-internal.h"

const char *
casefile_audit_action_name(int action)
{
	switch (action) {
	case CF_AUDIT_CREATE: return "create";
	case CF_AUDIT_UPDATE: return "update";
	case CF_AUDIT_BASELINE: return "baseline";
	case CF_AUDIT_UNLOCK: return "unlock";
	case CF_AUDIT_LOCK: return "lock";
	case CF_AUDIT_VIEW: return "view";
	case CF_AUDIT_IMPORT: return "import";
	case CF_AUDIT_EXPORT: return "export";
	case CF_AUDIT_DIRECTORY: return "directory";
	case CF_AUDIT_PASSPHRASE: return "passphrase";
	case CF_AUDIT_DROP_KEY: return "drop key";
	case CF_AUDIT_FAILED_UNLOCK: return "failed unlock";
	default: return "unknown";
	}
}

/*
 * Hash of a stored row: everything a row is besides its place in the file.
 *   "carefile row v1" | lv table | lv uuid | u32 compartment |
 *   lv record_bound() (version, created, updated, each column) | lv ciphertext
 * BLAKE2b-256, integers little-endian. Changing any plaintext column, the
 * ciphertext or the version changes it. The row id is a place, not part of
 * the row (links are bound as the parent's uuid), so it is left out.
 */
enum cf_error
casefile_audit_row_hash(const struct cf_table *t, const struct cf_row *row, uint8_t out[CF_HASH_BYTES])
{
	static const char tag[] = "carefile row v1";
	uint8_t bound[CF_RECORD_BOUND_MAX];
	size_t blen = record_bound(t, row, bound, sizeof bound);
	struct buf b = { 0 };

	if (blen > sizeof bound)
		return CF_ERR_INVALID;
	buf_lv(&b, tag, sizeof tag - 1);
	buf_lv(&b, t->name, strlen(t->name));
	buf_lv(&b, row->uuid, CF_UUID_BYTES);
	buf_u32(&b, (uint32_t)row->compartment);
	buf_lv(&b, bound, blen);
	buf_lv(&b, row->data, row->data ? row->data_len : 0);
	return buf_hash_free(&b, out);
}

/*
 * Hash of entry a, chained to the hash of the entry before it (zeros for the first):
 *   "carefile audit v1" | lv file id | prev (32) | u64 seq | u64 at | u64 actor |
 *   u32 action | lv table | u32 has_row | uuid (16) | u64 version | row hash (32) |
 *   signer key (32)
 * BLAKE2b-256, integers little-endian. The author signs these 32 bytes.
 */
static enum cf_error
entry_hash(const uint8_t *file_id, const uint8_t prev[CF_HASH_BYTES], const struct cf_store_audit *a,
           uint8_t out[CF_HASH_BYTES])
{
	static const char tag[] = "carefile audit v1";
	struct buf b = { 0 };

	buf_lv(&b, tag, sizeof tag - 1);
	buf_lv(&b, file_id, CF_FILE_ID_BYTES);
	buf_put(&b, prev, CF_HASH_BYTES);
	buf_u64(&b, (uint64_t)a->seq);
	buf_u64(&b, (uint64_t)a->at);
	buf_u64(&b, (uint64_t)a->actor_id);
	buf_u32(&b, (uint32_t)a->action);
	buf_lv(&b, a->tbl, strlen(a->tbl));
	buf_u32(&b, (uint32_t)a->has_row);
	buf_put(&b, a->row_uuid, sizeof a->row_uuid);
	buf_u64(&b, (uint64_t)a->row_version);
	buf_put(&b, a->row_hash, sizeof a->row_hash);
	buf_put(&b, a->signer_key, sizeof a->signer_key);
	return buf_hash_free(&b, out);
}

/* Appends a (at, action, table and row set by the caller): its place, actor, chain hash and signature. */
static enum cf_error
append_entry(struct cf_casefile *cf, struct cf_store_audit *ap)
{
	struct cf_store_audit last;
	uint8_t prev[CF_HASH_BYTES] = { 0 };
	enum cf_error e;
	int signed_ok;
#define a (*ap)

	e = store_audit_last(cf->st, &last);
	if (e == CF_OK) {
		a.seq = last.seq + 1;
		memcpy(prev, last.hash, sizeof prev);
	} else if (e == CF_ERR_NOT_FOUND) {
		a.seq = 1;
	} else {
		return e;
	}
	a.actor_id = cf->recovery ? 0 : cf->user_id;
	/* an account signs with its own key; the recovery key with the directory's */
	if (cf->recovery)
		signed_ok = crypto_directory_public_key(cf->kr, a.signer_key) == CF_OK;
	else
		signed_ok = crypto_keyring_sign_public_key(cf->kr, a.signer_key) == CF_OK;
	if (!signed_ok)
		memset(a.signer_key, 0, sizeof a.signer_key); /* an account from before signing keys: unsigned, counted */
	e = entry_hash(cf->file_id, prev, &a, a.hash);
	if (e != CF_OK)
		return e;
	if (signed_ok) {
		e = (enum cf_error)(cf->recovery ? crypto_directory_sign(cf->kr, a.hash, sizeof a.hash, a.sig)
		                                 : crypto_keyring_sign(cf->kr, a.hash, sizeof a.hash, a.sig));
		if (e != CF_OK)
			return e;
	}
#undef a
	return store_audit_append(cf->st, ap);
}

enum cf_error
casefile_audit_append(struct cf_casefile *cf, int action, const struct cf_table *t, const struct cf_row *row)
{
	struct cf_store_audit a;
	enum cf_error e;

	if (store_schema_version(cf->st) < 6)
		return CF_OK;
	if (!cf->kr)
		return CF_ERR_LOCKED;
	memset(&a, 0, sizeof a);
	a.at = (int64_t)time(NULL);
	a.action = action;
	if (t) {
		if (strlen(t->name) >= sizeof a.tbl)
			return CF_ERR_INVALID;
		memcpy(a.tbl, t->name, strlen(t->name));
	}
	if (t && row) {
		a.has_row = 1;
		memcpy(a.row_uuid, row->uuid, sizeof a.row_uuid);
		a.row_version = row->version;
		e = casefile_audit_row_hash(t, row, a.row_hash);
		if (e != CF_OK)
			return e;
	}
	return append_entry(cf, &a);
}

/* At most this many failed unlocks are written at once; the rest wait for the next unlock. */
#define FAILED_MAX 1000

enum cf_error
casefile_audit_failed_unlocks(struct cf_casefile *cf)
{
	struct witness_failed *f;
	struct cf_store_user *users = NULL;
	size_t n, nu = 0;
	enum cf_error e;

	if (!cf || !cf->kr || store_schema_version(cf->st) < 6)
		return CF_OK;
	f = malloc(FAILED_MAX * sizeof *f);
	if (!f)
		return CF_ERR_NOMEM;
	n = witness_failed_read(cf->file_id, f, FAILED_MAX);
	if (n == 0) {
		free(f);
		return CF_OK;
	}
	e = store_begin(cf->st);
	if (e == CF_OK)
		e = store_user_list(cf->st, &users, &nu);
	for (size_t i = 0; e == CF_OK && i < n; i++) {
		struct cf_store_audit a;

		memset(&a, 0, sizeof a);
		a.at = f[i].at;
		a.action = CF_AUDIT_FAILED_UNLOCK;
		/* the account tried, by its uuid in table "user"; a name the file does not know names none */
		for (size_t u = 0; u < nu; u++)
			if (f[i].account_id && users[u].id == f[i].account_id) {
				memcpy(a.tbl, "user", 5);
				a.has_row = 1;
				memcpy(a.row_uuid, users[u].uuid, sizeof a.row_uuid);
			}
		e = append_entry(cf, &a);
	}
	store_user_list_free(&users, nu);
	if (e == CF_OK)
		e = casefile_commit(cf);
	else if (store_in_transaction(cf->st))
		store_rollback(cf->st);
	/* in the file now: forgotten here (a crash in between reports them twice, never not at all) */
	if (e == CF_OK)
		witness_failed_clear(cf->file_id);
	free(f);
	return e;
}

struct event {
	struct cf_casefile *cf;
	int action;
	const struct cf_table *t;
};

static enum cf_error
event_row(const struct cf_row *row, void *p)
{
	struct event *ev = p;

	return casefile_audit_append(ev->cf, ev->action, ev->t, row);
}

enum cf_error
casefile_audit_event(struct cf_casefile *cf, enum cf_audit_action action, const struct cf_table *t, int64_t row_id)
{
	struct event ev = { cf, (int)action, t };
	enum cf_error e;
	int own;

	if (!cf || !cf->kr)
		return CF_ERR_LOCKED;
	if (store_schema_version(cf->st) < 6)
		return CF_OK;
	own = !store_in_transaction(cf->st);
	if (own && (e = store_begin(cf->st)) != CF_OK)
		return e;
	if (t && row_id)
		e = store_row_get(cf->st, t, row_id, event_row, &ev);
	else
		e = casefile_audit_append(cf, (int)action, t, NULL);
	if (own)
		e = e == CF_OK ? casefile_commit(cf) : (store_rollback(cf->st), e);
	return e;
}

/* ---- verify ---- */

struct verify {
	struct cf_audit_report *r;
	const uint8_t *file_id;
	uint8_t prev[CF_HASH_BYTES];
	int64_t expect;
	const struct cf_store_user *users;
	size_t nu;
	const struct cf_store_meta *m;
	const struct cf_store_dir_transition *t; /* earlier directory keys: the recovery key signed with them */
	size_t nt;
};

static enum cf_error
verify_entry(const struct cf_store_audit *a, void *p)
{
	static const uint8_t zero[64];
	struct verify *v = p;
	uint8_t h[CF_HASH_BYTES];
	enum cf_error e;

	v->r->entries++;
	if (a->seq != v->expect) {
		v->r->why = CF_AUDIT_BROKEN_ORDER;
		goto broken;
	}
	e = entry_hash(v->file_id, v->prev, a, h);
	if (e != CF_OK)
		return e;
	if (memcmp(h, a->hash, sizeof h) != 0) {
		v->r->why = CF_AUDIT_BROKEN_HASH;
		goto broken;
	}
	if (memcmp(a->signer_key, zero, sizeof a->signer_key) == 0) {
		if (memcmp(a->sig, zero, sizeof a->sig) != 0) {
			v->r->why = CF_AUDIT_BROKEN_SIGNATURE;
			goto broken;
		}
		v->r->unsigned_entries++;
	} else {
		int listed = 0, other = 0;

		if (crypto_signature_verify(a->signer_key, a->hash, sizeof a->hash, a->sig) != CF_OK) {
			v->r->why = CF_AUDIT_BROKEN_SIGNATURE;
			goto broken;
		}
		if (a->actor_id == 0) {
			listed = v->m->has_directory_key &&
			         memcmp(v->m->directory_key, a->signer_key, sizeof v->m->directory_key) == 0;
			for (size_t i = 0; !listed && i < v->nt; i++)
				listed = memcmp(v->t[i].old_key, a->signer_key, sizeof a->signer_key) == 0;
		}
		for (size_t i = 0; i < v->nu; i++) {
			if (!v->users[i].has_sign_key ||
			    memcmp(v->users[i].sign_key, a->signer_key, sizeof v->users[i].sign_key) != 0)
				continue;
			if (v->users[i].id == a->actor_id)
				listed = 1;
			else
				other = 1;
		}
		if (other && !listed) {
			/* an account signed an entry in another's name */
			v->r->why = CF_AUDIT_BROKEN_SIGNER;
			goto broken;
		}
		if (!listed)
			v->r->unlisted_signers++;
	}
	memcpy(v->prev, a->hash, sizeof v->prev);
	memcpy(v->r->head, a->hash, sizeof v->r->head);
	v->expect++;
	return CF_OK;
broken:
	v->r->first_broken = v->expect;
	return CF_ERR_DAMAGED;
}

enum cf_error
casefile_audit_verify(struct cf_casefile *cf, struct cf_audit_report *report)
{
	struct cf_store_user *users = NULL;
	struct cf_store_dir_transition *t = NULL;
	struct cf_store_meta m;
	struct verify v;
	size_t nu = 0, nt = 0;
	enum cf_error e;

	memset(report, 0, sizeof *report);
	if (!cf)
		return CF_ERR_INVALID;
	e = store_meta_get(cf->st, &m);
	if (e != CF_OK)
		return e;
	e = store_user_list(cf->st, &users, &nu);
	if (e == CF_OK)
		e = store_dir_transition_list(cf->st, &t, &nt);
	if (e == CF_OK) {
		memset(&v, 0, sizeof v);
		v.t = t;
		v.nt = nt;
		v.r = report;
		v.file_id = m.file_id;
		v.expect = 1;
		v.users = users;
		v.nu = nu;
		v.m = &m;
		e = store_audit_foreach(cf->st, 0, verify_entry, &v);
		if (e == CF_ERR_DAMAGED && !report->first_broken) {
			/* a row the store could not read as an entry */
			report->first_broken = v.expect;
			report->why = CF_AUDIT_BROKEN_MALFORMED;
		}
	}
	store_user_list_free(&users, nu);
	free(t);
	store_meta_fini(&m);
	return e;
}

/* ---- listing, for supervisors ---- */

struct listing {
	const struct cf_store_user *users;
	size_t nu;
	int64_t from;
	enum cf_error (*fn)(const struct cf_audit_entry *e, void *ctx);
	void *ctx;
};

static const char *
user_name_by(const struct listing *l, int64_t id, const uint8_t *uuid)
{
	for (size_t i = 0; i < l->nu; i++)
		if (uuid ? memcmp(l->users[i].uuid, uuid, sizeof l->users[i].uuid) == 0 : l->users[i].id == id)
			return l->users[i].name;
	return "?";
}

static enum cf_error
list_one(const struct cf_store_audit *a, void *p)
{
	struct listing *l = p;
	struct cf_audit_entry e;

	if (a->seq < l->from)
		return CF_OK;
	memset(&e, 0, sizeof e);
	e.seq = a->seq;
	e.at = a->at;
	e.actor = a->actor_id ? user_name_by(l, a->actor_id, NULL) : "";
	e.action = a->action;
	e.table = a->tbl;
	e.has_row = a->has_row;
	memcpy(e.row_uuid, a->row_uuid, sizeof e.row_uuid);
	e.row_version = a->row_version;
	e.about = a->has_row && strcmp(a->tbl, "user") == 0 ? user_name_by(l, 0, a->row_uuid) : "";
	return l->fn(&e, l->ctx);
}

enum cf_error
casefile_audit_list(struct cf_casefile *cf, int64_t last,
                    enum cf_error (*fn)(const struct cf_audit_entry *e, void *ctx), void *ctx)
{
	struct cf_store_user *users = NULL;
	struct cf_store_audit tail;
	struct listing l = { NULL, 0, 1, fn, ctx };
	size_t nu = 0;
	enum cf_error e;

	if (!cf || !cf->kr)
		return CF_ERR_LOCKED;
	if (!fn || last < 0)
		return CF_ERR_INVALID;
	if (!crypto_keyring_has(cf->kr, CF_COMPARTMENT_CLINICAL) || !crypto_keyring_has(cf->kr, CF_COMPARTMENT_HOTLINE))
		return CF_ERR_PERMISSION;
	if (store_schema_version(cf->st) < 6)
		return CF_OK;
	e = store_audit_last(cf->st, &tail);
	if (e == CF_ERR_NOT_FOUND)
		return CF_OK;
	if (e != CF_OK)
		return e;
	if (last && tail.seq > last)
		l.from = tail.seq - last + 1;
	e = store_user_list(cf->st, &users, &nu);
	l.users = users;
	l.nu = nu;
	if (e == CF_OK)
		e = store_audit_foreach(cf->st, 0, list_one, &l);
	store_user_list_free(&users, nu);
	return e;
}
