/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Rows of the case file: meta, users, keyslots and person records, as ids and ciphertext. */
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

/* Copies a blob column into malloc memory (NULL for NULL or empty). */
static enum cf_error
dup_blob(sqlite3_stmt *s, int col, uint8_t **out, size_t *len)
{
	const void *p = sqlite3_column_blob(s, col);
	int n = sqlite3_column_bytes(s, col);

	*out = NULL;
	*len = 0;
	if (!p || n <= 0)
		return CF_OK;
	*out = malloc((size_t)n);
	if (!*out)
		return CF_ERR_NOMEM;
	memcpy(*out, p, (size_t)n);
	*len = (size_t)n;
	return CF_OK;
}

/* Copies a blob column of exactly n bytes into dst; CF_ERR_DAMAGED on a wrong size. */
static enum cf_error
fixed_blob(sqlite3_stmt *s, int col, uint8_t *dst, size_t n)
{
	const void *p = sqlite3_column_blob(s, col);

	if (!p || (size_t)sqlite3_column_bytes(s, col) != n)
		return CF_ERR_DAMAGED;
	memcpy(dst, p, n);
	return CF_OK;
}

/* ---- meta ---- */

enum cf_error
store_meta_get(struct cf_store *st, struct cf_store_meta *m)
{
	sqlite3_stmt *s = NULL;
	enum cf_error e = CF_ERR_DAMAGED;
	int rc;

	memset(m, 0, sizeof *m);
	rc = sqlite3_prepare_v2(st->db, st->user_version >= 5
	                        ? "SELECT format_version, file_id, created, header_sum, header_mac, legacy_records, "
	                          "directory_key, directory_epoch, directory_sig, revoked, recovery_public_key, "
	                          "recovery_key_ids, generation FROM meta WHERE id = 1"
	                        : st->user_version >= 4
	                        ? "SELECT format_version, file_id, created, header_sum, header_mac, legacy_records, "
	                          "directory_key, directory_epoch, directory_sig, NULL, NULL, NULL, 0 FROM meta WHERE id = 1"
	                        : st->user_version >= 3
	                        ? "SELECT format_version, file_id, created, header_sum, header_mac, legacy_records, "
	                          "NULL, 0, NULL, NULL, NULL, NULL, 0 FROM meta WHERE id = 1"
	                        : "SELECT format_version, file_id, created, header_sum, header_mac, 0, NULL, 0, NULL, "
	                          "NULL, NULL, NULL, 0 FROM meta WHERE id = 1",
	                        -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc_err(rc) == CF_ERR_FAIL ? CF_ERR_DAMAGED : rc_err(rc);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		m->format_version = sqlite3_column_int(s, 0);
		m->created = sqlite3_column_int64(s, 2);
		m->legacy_records = (uint32_t)sqlite3_column_int64(s, 5);
		m->generation = (uint64_t)sqlite3_column_int64(s, 12);
		e = fixed_blob(s, 1, m->file_id, sizeof m->file_id);
		if (e == CF_OK)
			e = dup_blob(s, 3, &m->sum, &m->sum_len);
		if (e == CF_OK)
			e = dup_blob(s, 4, &m->mac, &m->mac_len);
		if (e == CF_OK && sqlite3_column_type(s, 6) != SQLITE_NULL) {
			e = fixed_blob(s, 6, m->directory_key, sizeof m->directory_key);
			m->has_directory_key = e == CF_OK;
		}
		m->directory_epoch = (uint64_t)sqlite3_column_int64(s, 7);
		if (e == CF_OK)
			e = dup_blob(s, 8, &m->directory_sig, &m->directory_sig_len);
		if (e == CF_OK && sqlite3_column_type(s, 9) != SQLITE_NULL) {
			uint8_t raw[CF_STORE_COMPARTMENTS * 8];

			e = fixed_blob(s, 9, raw, sizeof raw);
			for (int c = 0; e == CF_OK && c < CF_STORE_COMPARTMENTS; c++)
				for (int k = 0; k < 8; k++)
					m->revoked[c] = m->revoked[c] << 8 | raw[c * 8 + k];
			m->has_revoked = e == CF_OK;
		}
		if (e == CF_OK && sqlite3_column_type(s, 10) != SQLITE_NULL) {
			e = fixed_blob(s, 10, m->recovery_public_key, sizeof m->recovery_public_key);
			m->has_recovery_public_key = e == CF_OK;
		}
		if (e == CF_OK && sqlite3_column_type(s, 11) != SQLITE_NULL) {
			uint8_t raw[CF_STORE_COMPARTMENTS * 4];

			e = fixed_blob(s, 11, raw, sizeof raw);
			for (int c = 0; e == CF_OK && c < CF_STORE_COMPARTMENTS; c++)
				m->recovery_key_ids[c] = (uint32_t)raw[c * 4] << 24 | (uint32_t)raw[c * 4 + 1] << 16 |
				                         (uint32_t)raw[c * 4 + 2] << 8 | raw[c * 4 + 3];
			m->has_recovery_key_ids = e == CF_OK;
		}
	} else if (rc != SQLITE_DONE) {
		e = rc_err(rc);
	}
	sqlite3_finalize(s);
	if (e != CF_OK)
		store_meta_fini(m);
	return e;
}

void
store_meta_fini(struct cf_store_meta *m)
{
	if (!m)
		return;
	free(m->mac);
	free(m->sum);
	free(m->directory_sig);
	m->mac = NULL;
	m->sum = NULL;
	m->directory_sig = NULL;
	m->mac_len = 0;
	m->sum_len = 0;
	m->directory_sig_len = 0;
}

/* Runs the bound UPDATE of the one meta row s (prepared with result rc) and finalizes it. */
static enum cf_error
meta_step(struct cf_store *st, sqlite3_stmt *s, int rc)
{
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_DONE)
			rc = sqlite3_changes(st->db) == 1 ? SQLITE_OK : SQLITE_CORRUPT;
	}
	sqlite3_finalize(s);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return CF_ERR_INVALID;
	return rc == SQLITE_OK ? CF_OK : rc_err(rc);
}

static enum cf_error
meta_set(struct cf_store *st, const char *sql, const uint8_t *mac, size_t mac_len)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(s, 1, mac, (int)mac_len, SQLITE_STATIC);
	}
	return meta_step(st, s, rc);
}

enum cf_error
store_meta_set_mac(struct cf_store *st, const uint8_t *mac, size_t mac_len)
{
	return meta_set(st, "UPDATE meta SET header_mac = ? WHERE id = 1", mac, mac_len);
}

enum cf_error
store_meta_set_sum(struct cf_store *st, const uint8_t *sum, size_t sum_len)
{
	return meta_set(st, "UPDATE meta SET header_sum = ? WHERE id = 1", sum, sum_len);
}

enum cf_error
store_meta_set_legacy(struct cf_store *st, uint32_t legacy)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (st->user_version < 3)
		return CF_ERR_FAIL;
	rc = sqlite3_prepare_v2(st->db, "UPDATE meta SET legacy_records = ? WHERE id = 1", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, legacy);
	}
	return meta_step(st, s, rc);
}

enum cf_error
store_meta_set_directory(struct cf_store *st, const uint8_t *key, uint64_t epoch, const uint8_t *sig, size_t sig_len)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (st->user_version < 4)
		return CF_ERR_FAIL;
	rc = sqlite3_prepare_v2(st->db, "UPDATE meta SET directory_key = ?, directory_epoch = ?, directory_sig = ? "
	                        "WHERE id = 1", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(s, 1, key, CF_STORE_PUBLIC_KEY_BYTES, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, (int64_t)epoch);
		sqlite3_bind_blob(s, 3, sig, (int)sig_len, SQLITE_STATIC);
	}
	return meta_step(st, s, rc);
}

enum cf_error
store_meta_set_revocation(struct cf_store *st, const uint64_t revoked[CF_STORE_COMPARTMENTS],
                          const uint8_t *recovery_public_key)
{
	uint8_t raw[CF_STORE_COMPARTMENTS * 8];
	sqlite3_stmt *s = NULL;
	int rc;

	if (st->user_version < 5)
		return CF_ERR_FAIL;
	for (int c = 0; revoked && c < CF_STORE_COMPARTMENTS; c++)
		for (int k = 0; k < 8; k++)
			raw[c * 8 + k] = (uint8_t)(revoked[c] >> (56 - 8 * k));
	rc = sqlite3_prepare_v2(st->db, "UPDATE meta SET revoked = ?, recovery_public_key = ? WHERE id = 1", -1, &s,
	                        NULL);
	if (rc == SQLITE_OK) {
		if (revoked)
			sqlite3_bind_blob(s, 1, raw, sizeof raw, SQLITE_STATIC);
		if (recovery_public_key)
			sqlite3_bind_blob(s, 2, recovery_public_key, CF_STORE_PUBLIC_KEY_BYTES, SQLITE_STATIC);
	}
	return meta_step(st, s, rc);
}

enum cf_error
store_meta_bump_generation(struct cf_store *st)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (st->user_version < 5)
		return CF_OK;
	rc = sqlite3_prepare_v2(st->db, "UPDATE meta SET generation = generation + 1 WHERE id = 1", -1, &s, NULL);
	return meta_step(st, s, rc);
}

enum cf_error
store_meta_set_recovery_key_ids(struct cf_store *st, const uint32_t ids[CF_STORE_COMPARTMENTS])
{
	uint8_t raw[CF_STORE_COMPARTMENTS * 4];

	if (st->user_version < 5)
		return CF_ERR_FAIL;
	for (int c = 0; c < CF_STORE_COMPARTMENTS; c++)
		for (int k = 0; k < 4; k++)
			raw[c * 4 + k] = (uint8_t)(ids[c] >> (24 - 8 * k));
	return meta_set(st, "UPDATE meta SET recovery_key_ids = ? WHERE id = 1", raw, sizeof raw);
}

/* ---- users ---- */

void
store_user_fini(struct cf_store_user *u)
{
	if (!u)
		return;
	free(u->name);
	memset(u, 0, sizeof *u);
}

#define USER_COLS_3 "id, uuid, name, roles, created, disabled, public_key, NULL"
#define USER_COLS_4 "id, uuid, name, roles, created, disabled, public_key, sign_key"
#define USER_COLS(st) ((st)->user_version >= 4 ? USER_COLS_4 : USER_COLS_3)

static enum cf_error
user_from_row(sqlite3_stmt *s, struct cf_store_user *u)
{
	const unsigned char *name = sqlite3_column_text(s, 2);

	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(s, 0);
	if (fixed_blob(s, 1, u->uuid, sizeof u->uuid) != CF_OK || !name)
		return CF_ERR_DAMAGED;
	u->name = strdup((const char *)name);
	if (!u->name)
		return CF_ERR_NOMEM;
	u->roles = (uint32_t)sqlite3_column_int64(s, 3);
	u->created = sqlite3_column_int64(s, 4);
	u->disabled = sqlite3_column_int(s, 5);
	if (sqlite3_column_type(s, 6) != SQLITE_NULL) {
		if (fixed_blob(s, 6, u->public_key, sizeof u->public_key) != CF_OK)
			return CF_ERR_DAMAGED;
		u->has_public_key = 1;
	}
	if (sqlite3_column_type(s, 7) != SQLITE_NULL) {
		if (fixed_blob(s, 7, u->sign_key, sizeof u->sign_key) != CF_OK)
			return CF_ERR_DAMAGED;
		u->has_sign_key = 1;
	}
	return CF_OK;
}

enum cf_error
store_user_add(struct cf_store *st, const char *name, const uint8_t *uuid,
               uint32_t roles, int64_t created, int64_t *id)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db,
	                            "INSERT INTO user(uuid, name, roles, created) VALUES (?, ?, ?, ?)",
	                            -1, &s, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(s, 1, uuid, CF_STORE_UUID_BYTES, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, roles);
		sqlite3_bind_int64(s, 4, created);
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
store_user_find(struct cf_store *st, const char *name, struct cf_store_user *u)
{
	sqlite3_stmt *s = NULL;
	enum cf_error e = CF_ERR_NOT_FOUND;
	char sql[160];
	int rc;

	snprintf(sql, sizeof sql, "SELECT %s FROM user WHERE name = ?", USER_COLS(st));
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	memset(u, 0, sizeof *u);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		e = user_from_row(s, u);
	else if (rc != SQLITE_DONE)
		e = rc_err(rc);
	sqlite3_finalize(s);
	if (e != CF_OK)
		store_user_fini(u);
	return e;
}

/*
 * Steps the prepared statement s to its end, reading each row with read()
 * into a growing array of elements of size bytes (zeroed before the read).
 * On success *out (malloc, caller frees it with the type's _list_free) and
 * *n hold the rows; on any error every element read is released with fini()
 * and *out is NULL. Finalizes s on every path.
 */
static enum cf_error
collect_rows(sqlite3_stmt *s, size_t size, enum cf_error (*read)(sqlite3_stmt *, void *),
             void (*fini)(void *), void **out, size_t *n)
{
	unsigned char *v = NULL;
	size_t len = 0, cap = 0;
	enum cf_error e = CF_OK;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			unsigned char *nv = realloc(v, ncap * size);

			if (!nv) {
				e = CF_ERR_NOMEM;
				break;
			}
			v = nv;
			cap = ncap;
		}
		memset(v + len * size, 0, size);
		e = read(s, v + len * size);
		len++;
		if (e != CF_OK)
			break;
	}
	if (e == CF_OK && rc != SQLITE_DONE)
		e = rc_err(rc);
	sqlite3_finalize(s);
	if (e != CF_OK) {
		for (size_t i = 0; i < len; i++)
			fini(v + i * size);
		free(v);
		return e;
	}
	*out = v;
	*n = len;
	return CF_OK;
}

static enum cf_error
user_row(sqlite3_stmt *s, void *elem)
{
	return user_from_row(s, elem);
}

static void
user_elem_fini(void *elem)
{
	store_user_fini(elem);
}

enum cf_error
store_user_list(struct cf_store *st, struct cf_store_user **users, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *v;
	enum cf_error e;
	char sql[160];
	int rc;

	snprintf(sql, sizeof sql, "SELECT %s FROM user ORDER BY name", USER_COLS(st));
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	*users = NULL;
	*n = 0;
	if (rc != SQLITE_OK)
		return rc_err(rc);
	e = collect_rows(s, sizeof **users, user_row, user_elem_fini, &v, n);
	*users = v;
	return e;
}

void
store_user_list_free(struct cf_store_user **users, size_t n)
{
	if (!users || !*users)
		return;
	for (size_t i = 0; i < n; i++)
		store_user_fini(&(*users)[i]);
	free(*users);
	*users = NULL;
}

static enum cf_error
exec_one_change(struct cf_store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE)
		return rc_err(rc);
	return sqlite3_changes(st->db) == 1 ? CF_OK : CF_ERR_NOT_FOUND;
}

enum cf_error
store_user_set_roles(struct cf_store *st, int64_t id, uint32_t roles)
{
	sqlite3_stmt *s = NULL;
	enum cf_error e;
	int rc = sqlite3_prepare_v2(st->db, "UPDATE user SET roles = ? WHERE id = ?", -1, &s, NULL);

	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int64(s, 1, roles);
	sqlite3_bind_int64(s, 2, id);
	e = exec_one_change(st, s);
	sqlite3_finalize(s);
	return e;
}

enum cf_error
store_user_set_disabled(struct cf_store *st, int64_t id, int disabled)
{
	sqlite3_stmt *s = NULL;
	enum cf_error e;
	int rc = sqlite3_prepare_v2(st->db, "UPDATE user SET disabled = ? WHERE id = ?", -1, &s, NULL);

	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int(s, 1, disabled ? 1 : 0);
	sqlite3_bind_int64(s, 2, id);
	e = exec_one_change(st, s);
	sqlite3_finalize(s);
	return e;
}

enum cf_error
store_user_set_public_key(struct cf_store *st, int64_t id, const uint8_t *pk)
{
	sqlite3_stmt *s = NULL;
	enum cf_error e;
	int rc = sqlite3_prepare_v2(st->db, "UPDATE user SET public_key = ? WHERE id = ?", -1, &s, NULL);

	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_blob(s, 1, pk, CF_STORE_PUBLIC_KEY_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, id);
	e = exec_one_change(st, s);
	sqlite3_finalize(s);
	return e;
}

enum cf_error
store_user_set_sign_key(struct cf_store *st, int64_t id, const uint8_t *pk)
{
	sqlite3_stmt *s = NULL;
	enum cf_error e;
	int rc;

	if (st->user_version < 4)
		return CF_ERR_FAIL;
	rc = sqlite3_prepare_v2(st->db, "UPDATE user SET sign_key = ? WHERE id = ?", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_blob(s, 1, pk, CF_STORE_PUBLIC_KEY_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, id);
	e = exec_one_change(st, s);
	sqlite3_finalize(s);
	return e;
}

enum cf_error
store_user_remove(struct cf_store *st, int64_t id)
{
	sqlite3_stmt *s = NULL;
	enum cf_error e;
	int rc = sqlite3_prepare_v2(st->db, "DELETE FROM user WHERE id = ?", -1, &s, NULL);

	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int64(s, 1, id);
	e = exec_one_change(st, s);
	sqlite3_finalize(s);
	return e;
}

/* ---- keyslots ---- */

void
store_keyslot_fini(struct cf_store_keyslot *k)
{
	if (!k)
		return;
	free(k->blob);
	memset(k, 0, sizeof *k);
}

#define SLOT_COLS "id, uuid, kind, user_id, compartments, created, slot"

static enum cf_error
slot_from_row(sqlite3_stmt *s, struct cf_store_keyslot *k)
{
	const unsigned char *kind = sqlite3_column_text(s, 2);

	memset(k, 0, sizeof *k);
	k->id = sqlite3_column_int64(s, 0);
	if (fixed_blob(s, 1, k->uuid, sizeof k->uuid) != CF_OK || !kind)
		return CF_ERR_DAMAGED;
	if (strcmp((const char *)kind, "passphrase") == 0)
		k->kind = CF_SLOT_PASSPHRASE;
	else if (strcmp((const char *)kind, "recovery") == 0)
		k->kind = CF_SLOT_RECOVERY;
	else
		return CF_ERR_DAMAGED;
	k->user_id = sqlite3_column_type(s, 3) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, 3);
	k->compartments = (uint32_t)sqlite3_column_int64(s, 4);
	k->created = sqlite3_column_int64(s, 5);
	return dup_blob(s, 6, &k->blob, &k->blob_len);
}

enum cf_error
store_keyslot_put(struct cf_store *st, int kind, int64_t user_id, const uint8_t *uuid,
                  uint32_t compartments, int64_t created, const uint8_t *blob, size_t blob_len)
{
	sqlite3_stmt *s = NULL;
	const char *sql;
	int rc;

	if (kind != CF_SLOT_PASSPHRASE && kind != CF_SLOT_RECOVERY)
		return CF_ERR_INVALID;
	if (kind == CF_SLOT_PASSPHRASE && user_id <= 0)
		return CF_ERR_INVALID;
	/*
	 * One statement replaces the old slot: either the old or the new row
	 * exists at every instant, whatever kills the process.
	 */
	sql = kind == CF_SLOT_PASSPHRASE
	    ? "INSERT INTO keyslot(uuid, kind, user_id, compartments, created, slot) "
	      "VALUES (?, 'passphrase', ?, ?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET "
	      "uuid = excluded.uuid, compartments = excluded.compartments, "
	      "created = excluded.created, slot = excluded.slot"
	    : "INSERT INTO keyslot(uuid, kind, user_id, compartments, created, slot) "
	      "VALUES (?, 'recovery', NULL, ?, ?, ?) ON CONFLICT(kind) WHERE kind = 'recovery' DO UPDATE SET "
	      "uuid = excluded.uuid, compartments = excluded.compartments, "
	      "created = excluded.created, slot = excluded.slot";
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK) {
		int i = 1;

		sqlite3_bind_blob(s, i++, uuid, CF_STORE_UUID_BYTES, SQLITE_STATIC);
		if (kind == CF_SLOT_PASSPHRASE)
			sqlite3_bind_int64(s, i++, user_id);
		sqlite3_bind_int64(s, i++, compartments);
		sqlite3_bind_int64(s, i++, created);
		sqlite3_bind_blob(s, i, blob, (int)blob_len, SQLITE_STATIC);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return CF_ERR_INVALID;
	return rc == SQLITE_DONE ? CF_OK : rc_err(rc);
}

enum cf_error
store_keyslot_get(struct cf_store *st, int kind, int64_t user_id, struct cf_store_keyslot *k)
{
	sqlite3_stmt *s = NULL;
	enum cf_error e = CF_ERR_NOT_FOUND;
	int rc;

	memset(k, 0, sizeof *k);
	rc = sqlite3_prepare_v2(st->db, kind == CF_SLOT_RECOVERY
	                        ? "SELECT " SLOT_COLS " FROM keyslot WHERE kind = 'recovery'"
	                        : "SELECT " SLOT_COLS " FROM keyslot WHERE kind = 'passphrase' AND user_id = ?",
	                        -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	if (kind != CF_SLOT_RECOVERY)
		sqlite3_bind_int64(s, 1, user_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		e = slot_from_row(s, k);
	else if (rc != SQLITE_DONE)
		e = rc_err(rc);
	sqlite3_finalize(s);
	if (e != CF_OK)
		store_keyslot_fini(k);
	return e;
}

static enum cf_error
slot_row(sqlite3_stmt *s, void *elem)
{
	return slot_from_row(s, elem);
}

static void
slot_elem_fini(void *elem)
{
	store_keyslot_fini(elem);
}

enum cf_error
store_keyslot_list(struct cf_store *st, struct cf_store_keyslot **slots, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *v;
	enum cf_error e;
	int rc = sqlite3_prepare_v2(st->db, "SELECT " SLOT_COLS " FROM keyslot ORDER BY id", -1, &s, NULL);

	*slots = NULL;
	*n = 0;
	if (rc != SQLITE_OK)
		return rc_err(rc);
	e = collect_rows(s, sizeof **slots, slot_row, slot_elem_fini, &v, n);
	*slots = v;
	return e;
}

void
store_keyslot_list_free(struct cf_store_keyslot **slots, size_t n)
{
	if (!slots || !*slots)
		return;
	for (size_t i = 0; i < n; i++)
		store_keyslot_fini(&(*slots)[i]);
	free(*slots);
	*slots = NULL;
}

/* ---- grants ---- */

void
store_grant_fini(struct cf_store_grant *g)
{
	if (!g)
		return;
	free(g->blob);
	memset(g, 0, sizeof *g);
}

enum cf_error
store_grant_add(struct cf_store *st, int64_t user_id, int64_t granter_id, uint32_t compartments, int64_t created,
                const uint8_t *blob, size_t blob_len)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (st->user_version < 4)
		return CF_ERR_FAIL;
	rc = sqlite3_prepare_v2(st->db,
	                        "INSERT INTO key_grant(user_id, compartments, created, blob, granter_id) "
	                        "VALUES (?, ?, ?, ?, ?)", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, user_id);
		sqlite3_bind_int64(s, 2, compartments);
		sqlite3_bind_int64(s, 3, created);
		sqlite3_bind_blob(s, 4, blob, (int)blob_len, SQLITE_STATIC);
		sqlite3_bind_int64(s, 5, granter_id);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return CF_ERR_INVALID;
	return rc == SQLITE_DONE ? CF_OK : rc_err(rc);
}

static enum cf_error
grant_row(sqlite3_stmt *s, void *elem)
{
	struct cf_store_grant *g = elem;

	g->id = sqlite3_column_int64(s, 0);
	g->user_id = sqlite3_column_int64(s, 1);
	g->compartments = (uint32_t)sqlite3_column_int64(s, 2);
	g->created = sqlite3_column_int64(s, 3);
	g->granter_id = sqlite3_column_int64(s, 5);
	return dup_blob(s, 4, &g->blob, &g->blob_len);
}

static void
grant_elem_fini(void *elem)
{
	store_grant_fini(elem);
}

enum cf_error
store_grant_list(struct cf_store *st, int64_t user_id, struct cf_store_grant **grants, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *v;
	enum cf_error e;
	int rc = sqlite3_prepare_v2(st->db, st->user_version >= 4
	                            ? "SELECT id, user_id, compartments, created, blob, granter_id FROM key_grant "
	                              "WHERE ?1 = 0 OR user_id = ?1 ORDER BY id"
	                            : "SELECT id, user_id, compartments, created, blob, 0 FROM key_grant "
	                              "WHERE ?1 = 0 OR user_id = ?1 ORDER BY id", -1, &s, NULL);

	*grants = NULL;
	*n = 0;
	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int64(s, 1, user_id);
	e = collect_rows(s, sizeof **grants, grant_row, grant_elem_fini, &v, n);
	*grants = v;
	return e;
}

void
store_grant_list_free(struct cf_store_grant **grants, size_t n)
{
	if (!grants || !*grants)
		return;
	for (size_t i = 0; i < n; i++)
		store_grant_fini(&(*grants)[i]);
	free(*grants);
	*grants = NULL;
}

enum cf_error
store_grant_remove(struct cf_store *st, int64_t id)
{
	sqlite3_stmt *s = NULL;
	enum cf_error e;
	int rc = sqlite3_prepare_v2(st->db, "DELETE FROM key_grant WHERE id = ?", -1, &s, NULL);

	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int64(s, 1, id);
	e = exec_one_change(st, s);
	sqlite3_finalize(s);
	return e;
}

enum cf_error
store_grant_remove_by_granter(struct cf_store *st, int64_t granter_id)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (st->user_version < 4)
		return CF_OK;
	rc = sqlite3_prepare_v2(st->db, "DELETE FROM key_grant WHERE granter_id = ?", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int64(s, 1, granter_id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? CF_OK : rc_err(rc);
}

/* ---- grants to the recovery key (schema 5 on) ---- */

enum cf_error
store_recovery_grant_add(struct cf_store *st, int64_t granter_id, uint32_t compartments, int64_t created,
                         const uint8_t *blob, size_t blob_len)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (st->user_version < 5)
		return CF_ERR_FAIL;
	rc = sqlite3_prepare_v2(st->db, "INSERT INTO recovery_grant(granter_id, compartments, created, blob) "
	                        "VALUES (?, ?, ?, ?)", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(s, 1, granter_id);
		sqlite3_bind_int64(s, 2, compartments);
		sqlite3_bind_int64(s, 3, created);
		sqlite3_bind_blob(s, 4, blob, (int)blob_len, SQLITE_STATIC);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return CF_ERR_INVALID;
	return rc == SQLITE_DONE ? CF_OK : rc_err(rc);
}

enum cf_error
store_recovery_grant_list(struct cf_store *st, struct cf_store_grant **grants, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *v;
	enum cf_error e;
	int rc;

	*grants = NULL;
	*n = 0;
	if (st->user_version < 5)
		return CF_OK;
	rc = sqlite3_prepare_v2(st->db, "SELECT id, 0, compartments, created, blob, granter_id FROM recovery_grant "
	                        "ORDER BY id", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	e = collect_rows(s, sizeof **grants, grant_row, grant_elem_fini, &v, n);
	*grants = v;
	return e;
}

enum cf_error
store_recovery_grant_remove(struct cf_store *st, int64_t id, int64_t granter_id)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (st->user_version < 5)
		return CF_OK;
	rc = sqlite3_prepare_v2(st->db, "DELETE FROM recovery_grant WHERE id = ?1 OR granter_id = ?2", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, granter_id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? CF_OK : rc_err(rc);
}

/* ---- signed rotation records (schema 5 on) ---- */

enum cf_error
store_rotation_add(struct cf_store *st, int compartment, uint32_t key_id, int64_t rotator_id, int64_t created,
                   const uint8_t sig[64])
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (st->user_version < 5)
		return CF_ERR_FAIL;
	rc = sqlite3_prepare_v2(st->db, "INSERT INTO key_rotation(compartment, key_id, rotator_id, created, sig) "
	                        "VALUES (?, ?, ?, ?, ?)", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int(s, 1, compartment);
		sqlite3_bind_int64(s, 2, key_id);
		sqlite3_bind_int64(s, 3, rotator_id);
		sqlite3_bind_int64(s, 4, created);
		sqlite3_bind_blob(s, 5, sig, 64, SQLITE_STATIC);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return CF_ERR_INVALID;
	return rc == SQLITE_DONE ? CF_OK : rc_err(rc);
}

static enum cf_error
rotation_row(sqlite3_stmt *s, void *elem)
{
	struct cf_store_rotation *r = elem;

	r->id = sqlite3_column_int64(s, 0);
	r->compartment = sqlite3_column_int(s, 1);
	r->key_id = (uint32_t)sqlite3_column_int64(s, 2);
	r->rotator_id = sqlite3_column_int64(s, 3);
	r->created = sqlite3_column_int64(s, 4);
	return fixed_blob(s, 5, r->sig, sizeof r->sig);
}

static void
rotation_elem_fini(void *elem)
{
	(void)elem;
}

enum cf_error
store_rotation_list(struct cf_store *st, struct cf_store_rotation **out, size_t *n)
{
	sqlite3_stmt *s = NULL;
	void *v = NULL;
	enum cf_error e;
	int rc;

	*out = NULL;
	*n = 0;
	if (st->user_version < 5)
		return CF_OK;
	rc = sqlite3_prepare_v2(st->db, "SELECT id, compartment, key_id, rotator_id, created, sig FROM key_rotation "
	                        "ORDER BY id", -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	e = collect_rows(s, sizeof **out, rotation_row, rotation_elem_fini, &v, n);
	*out = v;
	return e;
}

/* ---- the audit log (schema 6 on) ---- */

enum cf_error
store_audit_append(struct cf_store *st, const struct cf_store_audit *a)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (st->user_version < 6)
		return CF_ERR_FAIL;
	rc = store_stmt(st,
	                "INSERT INTO audit(seq, at, actor_id, action, tbl, row_uuid, row_version, row_hash, "
	                "signer_key, hash, sig) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11 "
	                "WHERE ?1 = (SELECT coalesce(max(seq), 0) + 1 FROM audit)",
	                &s);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int64(s, 1, a->seq);
	sqlite3_bind_int64(s, 2, a->at);
	sqlite3_bind_int64(s, 3, a->actor_id);
	sqlite3_bind_int(s, 4, a->action);
	if (a->tbl[0])
		sqlite3_bind_text(s, 5, a->tbl, -1, SQLITE_STATIC);
	if (a->has_row) {
		sqlite3_bind_blob(s, 6, a->row_uuid, sizeof a->row_uuid, SQLITE_STATIC);
		sqlite3_bind_int64(s, 7, a->row_version);
		sqlite3_bind_blob(s, 8, a->row_hash, sizeof a->row_hash, SQLITE_STATIC);
	}
	sqlite3_bind_blob(s, 9, a->signer_key, sizeof a->signer_key, SQLITE_STATIC);
	sqlite3_bind_blob(s, 10, a->hash, sizeof a->hash, SQLITE_STATIC);
	sqlite3_bind_blob(s, 11, a->sig, sizeof a->sig, SQLITE_STATIC);
	rc = sqlite3_step(s);
	store_stmt_done(st, s);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return CF_ERR_INVALID;
	if (rc != SQLITE_DONE)
		return rc_err(rc);
	return sqlite3_changes(st->db) == 1 ? CF_OK : CF_ERR_INVALID;
}

#define AUDIT_COLUMNS "seq, at, actor_id, action, tbl, row_uuid, row_version, row_hash, signer_key, hash, sig"

static enum cf_error
audit_row(sqlite3_stmt *s, struct cf_store_audit *a)
{
	const unsigned char *t;
	enum cf_error e;

	memset(a, 0, sizeof *a);
	a->seq = sqlite3_column_int64(s, 0);
	a->at = sqlite3_column_int64(s, 1);
	a->actor_id = sqlite3_column_int64(s, 2);
	a->action = sqlite3_column_int(s, 3);
	t = sqlite3_column_text(s, 4);
	if (t) {
		if ((size_t)sqlite3_column_bytes(s, 4) >= sizeof a->tbl)
			return CF_ERR_DAMAGED;
		memcpy(a->tbl, t, (size_t)sqlite3_column_bytes(s, 4));
	}
	if (sqlite3_column_type(s, 5) != SQLITE_NULL) {
		a->has_row = 1;
		e = fixed_blob(s, 5, a->row_uuid, sizeof a->row_uuid);
		if (e == CF_OK)
			e = fixed_blob(s, 7, a->row_hash, sizeof a->row_hash);
		if (e != CF_OK)
			return e;
		a->row_version = sqlite3_column_int64(s, 6);
	}
	e = fixed_blob(s, 8, a->signer_key, sizeof a->signer_key);
	if (e == CF_OK)
		e = fixed_blob(s, 9, a->hash, sizeof a->hash);
	if (e == CF_OK)
		e = fixed_blob(s, 10, a->sig, sizeof a->sig);
	return e;
}

/* One entry: the last one (seq 0) or entry seq. */
static enum cf_error
audit_one(struct cf_store *st, int64_t seq, struct cf_store_audit *out)
{
	sqlite3_stmt *s = NULL;
	enum cf_error e;
	int rc;

	if (st->user_version < 6)
		return CF_ERR_NOT_FOUND;
	rc = store_stmt(st,
	                seq ? "SELECT " AUDIT_COLUMNS " FROM audit WHERE seq = ?1"
	                    : "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY seq DESC LIMIT 1",
	                &s);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	if (seq)
		sqlite3_bind_int64(s, 1, seq);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		e = audit_row(s, out);
	else
		e = rc == SQLITE_DONE ? CF_ERR_NOT_FOUND : rc_err(rc);
	store_stmt_done(st, s);
	return e;
}

enum cf_error
store_audit_last(struct cf_store *st, struct cf_store_audit *out)
{
	return audit_one(st, 0, out);
}

enum cf_error
store_audit_get(struct cf_store *st, int64_t seq, struct cf_store_audit *out)
{
	return seq > 0 ? audit_one(st, seq, out) : CF_ERR_NOT_FOUND;
}

enum cf_error
store_audit_foreach(struct cf_store *st, int latest_per_row,
                    enum cf_error (*fn)(const struct cf_store_audit *e, void *ctx), void *ctx)
{
	sqlite3_stmt *s = NULL;
	struct cf_store_audit a;
	enum cf_error e = CF_OK;
	int rc;

	if (st->user_version < 6)
		return CF_OK;
	rc = sqlite3_prepare_v2(st->db,
	                        latest_per_row
	                            ? "SELECT " AUDIT_COLUMNS " FROM audit a WHERE row_uuid IS NOT NULL AND seq = "
	                              "(SELECT max(seq) FROM audit b WHERE b.tbl = a.tbl AND b.row_uuid = a.row_uuid)"
	                            : "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY seq",
	                        -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	while (e == CF_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		e = audit_row(s, &a);
		if (e == CF_OK)
			e = fn(&a, ctx);
	}
	if (e == CF_OK && rc != SQLITE_DONE)
		e = rc_err(rc);
	sqlite3_finalize(s);
	return e;
}

/* ---- drop keys (schema 7 on) ---- */

enum cf_error
store_drop_key_get(struct cf_store *st, int compartment, struct cf_store_drop_key *out)
{
	sqlite3_stmt *s = NULL;
	enum cf_error e;
	int rc;

	memset(out, 0, sizeof *out);
	if (st->user_version < 7)
		return CF_ERR_NOT_FOUND;
	rc = store_stmt(st, "SELECT compartment, key_id, public_key, signer_id, sig FROM drop_key WHERE compartment = ?1",
	                &s);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int(s, 1, compartment);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->compartment = sqlite3_column_int(s, 0);
		out->key_id = (uint32_t)sqlite3_column_int64(s, 1);
		out->signer_id = sqlite3_column_int64(s, 3);
		e = fixed_blob(s, 2, out->public_key, sizeof out->public_key);
		if (e == CF_OK)
			e = fixed_blob(s, 4, out->sig, sizeof out->sig);
	} else {
		e = rc == SQLITE_DONE ? CF_ERR_NOT_FOUND : rc_err(rc);
	}
	store_stmt_done(st, s);
	return e;
}

enum cf_error
store_drop_key_put(struct cf_store *st, const struct cf_store_drop_key *k)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (st->user_version < 7)
		return CF_ERR_FAIL;
	rc = store_stmt(st,
	                "INSERT OR REPLACE INTO drop_key(compartment, key_id, public_key, signer_id, sig) "
	                "VALUES (?1, ?2, ?3, ?4, ?5)",
	                &s);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int(s, 1, k->compartment);
	sqlite3_bind_int64(s, 2, k->key_id);
	sqlite3_bind_blob(s, 3, k->public_key, sizeof k->public_key, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, k->signer_id);
	sqlite3_bind_blob(s, 5, k->sig, sizeof k->sig, SQLITE_STATIC);
	rc = sqlite3_step(s);
	store_stmt_done(st, s);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return CF_ERR_INVALID;
	return rc == SQLITE_DONE ? CF_OK : rc_err(rc);
}

/* ---- directory-key transitions (schema 8 on) ---- */

enum cf_error
store_dir_transition_add(struct cf_store *st, const struct cf_store_dir_transition *t)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (st->user_version < 8)
		return CF_ERR_FAIL;
	if (t->epoch < 1 || t->epoch > INT64_MAX)
		return CF_ERR_INVALID;
	rc = store_stmt(st, "INSERT INTO directory_transition(epoch, old_key, new_key, sig) VALUES (?1, ?2, ?3, ?4)", &s);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	sqlite3_bind_int64(s, 1, (sqlite3_int64)t->epoch);
	sqlite3_bind_blob(s, 2, t->old_key, sizeof t->old_key, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, t->new_key, sizeof t->new_key, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, t->sig, sizeof t->sig, SQLITE_STATIC);
	rc = sqlite3_step(s);
	store_stmt_done(st, s);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return CF_ERR_EXISTS;
	return rc == SQLITE_DONE ? CF_OK : rc_err(rc);
}

enum cf_error
store_dir_transition_list(struct cf_store *st, struct cf_store_dir_transition **out, size_t *n)
{
	struct cf_store_dir_transition *v = NULL;
	size_t cnt = 0, cap = 0;
	sqlite3_stmt *s = NULL;
	enum cf_error e = CF_OK;
	int rc;

	*out = NULL;
	*n = 0;
	if (st->user_version < 8)
		return CF_OK;
	rc = store_stmt(st, "SELECT epoch, old_key, new_key, sig FROM directory_transition ORDER BY epoch", &s);
	if (rc != SQLITE_OK)
		return rc_err(rc);
	while (e == CF_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 4;
			struct cf_store_dir_transition *nv = realloc(v, nc * sizeof *v);

			if (!nv) {
				e = CF_ERR_NOMEM;
				break;
			}
			v = nv;
			cap = nc;
		}
		memset(&v[cnt], 0, sizeof v[cnt]);
		v[cnt].epoch = (uint64_t)sqlite3_column_int64(s, 0);
		e = fixed_blob(s, 1, v[cnt].old_key, sizeof v[cnt].old_key);
		if (e == CF_OK)
			e = fixed_blob(s, 2, v[cnt].new_key, sizeof v[cnt].new_key);
		if (e == CF_OK)
			e = fixed_blob(s, 3, v[cnt].sig, sizeof v[cnt].sig);
		cnt++;
	}
	if (e == CF_OK && rc != SQLITE_DONE)
		e = rc_err(rc);
	store_stmt_done(st, s);
	if (e != CF_OK) {
		free(v);
		return e;
	}
	*out = v;
	*n = cnt;
	return CF_OK;
}
