/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Users of a case file: list, add, own passphrase, reset by recovery key, grant, remove; and check. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carefile/crypto.h"
#include "carefile/student.h"
#include "carefile/students.h"
#include "carefile/user.h"
#include "casefile-internal.h"

void (*casefile_test_hook)(const char *point);

static void
hook(const char *point)
{
	if (casefile_test_hook)
		casefile_test_hook(point);
}

static int
is_admin(const struct cf_casefile *cf)
{
	return cf->recovery || (cf->roles & CF_ROLE_ADMIN);
}

/* Commits, or rolls back when e is an error. */
static enum cf_error
finish(struct cf_casefile *cf, enum cf_error e)
{
	if (e == CF_OK)
		return store_commit(cf->st);
	store_rollback(cf->st);
	return e;
}

enum cf_error
casefile_user_list(struct cf_casefile *cf, struct cf_user_info **users, size_t *n)
{
	struct cf_store_user *su = NULL;
	struct cf_user_info *v;
	size_t nu = 0;
	enum cf_error e;

	*users = NULL;
	*n = 0;
	if (!casefile_is_unlocked(cf))
		return CF_ERR_LOCKED;
	e = store_user_list(cf->st, &su, &nu);
	if (e != CF_OK)
		return e;
	v = calloc(nu ? nu : 1, sizeof *v);
	if (!v) {
		store_user_list_free(&su, nu);
		return CF_ERR_NOMEM;
	}
	for (size_t i = 0; i < nu && e == CF_OK; i++) {
		struct cf_store_keyslot k;
		struct cf_store_grant *g = NULL;
		size_t ng = 0;

		v[i].name = su[i].name;
		su[i].name = NULL;
		v[i].roles = su[i].roles;
		v[i].created = su[i].created;
		if (store_keyslot_get(cf->st, CF_SLOT_PASSPHRASE, su[i].id, &k) == CF_OK) {
			v[i].compartments = k.compartments;
			store_keyslot_fini(&k);
		}
		e = store_grant_list(cf->st, su[i].id, &g, &ng);
		v[i].pending_grants = (int)ng;
		store_grant_list_free(&g, ng);
	}
	store_user_list_free(&su, nu);
	if (e != CF_OK) {
		casefile_user_list_free(&v, nu);
		return e;
	}
	*users = v;
	*n = nu;
	return CF_OK;
}

void
casefile_user_list_free(struct cf_user_info **users, size_t n)
{
	if (!users || !*users)
		return;
	for (size_t i = 0; i < n; i++)
		free((*users)[i].name);
	free(*users);
	*users = NULL;
}

/* Seals kr under pass for name and writes the slot (inside the caller's transaction). */
static enum cf_error
write_slot(struct cf_casefile *cf, int64_t user_id, const char *name, const struct cf_keyring *kr,
           const char *pass, size_t pass_len, const struct cf_kdf_params *params)
{
	struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, name };
	uint8_t uuid[CF_UUID_BYTES];
	uint8_t *blob = NULL;
	size_t blob_len = 0;
	enum cf_error e;

	e = (enum cf_error)crypto_keyslot_seal_passphrase(kr, pass, pass_len, params, &ad, &blob, &blob_len);
	if (e != CF_OK)
		return e;
	crypto_random_uuid(uuid);
	e = store_keyslot_put(cf->st, CF_SLOT_PASSPHRASE, user_id, uuid, crypto_keyring_mask(kr),
	                      (int64_t)time(NULL), blob, blob_len);
	free(blob);
	return e;
}

enum cf_error
casefile_user_add(struct cf_casefile *cf, const char *name, uint32_t roles, const char *pass, size_t pass_len,
                  int skip_strength, const struct cf_kdf_params *kdf)
{
	struct cf_keyring *nkr = NULL;
	struct cf_kdf_params params;
	struct cf_store_user existing;
	uint8_t uuid[CF_UUID_BYTES], pk[CF_PUBLIC_KEY_BYTES];
	int64_t id = 0;
	enum cf_error e;

	if (!casefile_is_unlocked(cf))
		return CF_ERR_LOCKED;
	if (!user_name_valid(name) || roles == 0 || (roles & ~CF_ROLE_ALL))
		return CF_ERR_INVALID;
	if (!is_admin(cf))
		return CF_ERR_PERMISSION;
	/* granting requires holding: crypto refuses a subset with keys kr lacks */
	e = (enum cf_error)crypto_keyring_subset(cf->kr, user_roles_compartments(roles), &nkr);
	if (e != CF_OK)
		return e;
	e = store_user_find(cf->st, name, &existing);
	if (e == CF_OK) {
		store_user_fini(&existing);
		e = CF_ERR_EXISTS;
	} else if (e == CF_ERR_NOT_FOUND) {
		e = CF_OK;
	}
	if (e == CF_OK && !skip_strength)
		e = user_passphrase_check(pass, name, NULL);
	if (e == CF_OK)
		e = casefile_kdf_params(kdf, &params);
	if (e == CF_OK)
		e = crypto_keyring_public_key(nkr, pk) == CF_OK ? CF_OK : CF_ERR_FAIL;
	if (e == CF_OK)
		e = store_begin(cf->st);
	if (e != CF_OK) {
		crypto_keyring_free(&nkr);
		return e;
	}
	crypto_random_uuid(uuid);
	e = store_user_add(cf->st, name, uuid, roles, (int64_t)time(NULL), &id);
	if (e == CF_OK)
		e = store_user_set_public_key(cf->st, id, pk);
	if (e == CF_OK)
		e = write_slot(cf, id, name, nkr, pass, pass_len, &params);
	if (e == CF_OK)
		e = casefile_header_update(cf);
	crypto_keyring_free(&nkr);
	return finish(cf, e);
}

enum cf_error
casefile_user_passwd(struct cf_casefile *cf, const char *pass, size_t pass_len, const struct cf_kdf_params *kdf)
{
	struct cf_store_keyslot slot;
	struct cf_kdf_params params;
	int kind;
	enum cf_error e;

	if (!casefile_is_unlocked(cf))
		return CF_ERR_LOCKED;
	if (cf->recovery || !cf->user)
		return CF_ERR_INVALID;
	e = user_passphrase_check(pass, cf->user, NULL);
	if (e != CF_OK)
		return e;
	if (kdf) {
		e = casefile_kdf_params(kdf, &params);
	} else {
		e = store_keyslot_get(cf->st, CF_SLOT_PASSPHRASE, cf->user_id, &slot);
		if (e == CF_OK) {
			e = (enum cf_error)crypto_keyslot_info(slot.blob, slot.blob_len, &kind, &params);
			store_keyslot_fini(&slot);
		}
	}
	if (e != CF_OK)
		return e;
	e = store_begin(cf->st);
	if (e != CF_OK)
		return e;
	hook("passwd:begin");
	/* one statement replaces the slot row; the MAC follows in the same transaction */
	e = write_slot(cf, cf->user_id, cf->user, cf->kr, pass, pass_len, &params);
	if (e == CF_OK)
		hook("passwd:slot");
	if (e == CF_OK)
		e = casefile_header_update(cf);
	if (e == CF_OK)
		hook("passwd:mac");
	e = finish(cf, e);
	if (e == CF_OK)
		hook("passwd:commit");
	return e;
}

enum cf_error
casefile_user_reset(struct cf_casefile *cf, const char *name, const char *pass, size_t pass_len,
                    const struct cf_kdf_params *kdf)
{
	struct cf_store_user u;
	struct cf_store_grant *g = NULL;
	struct cf_keyring *nkr = NULL;
	struct cf_kdf_params params;
	uint8_t pk[CF_PUBLIC_KEY_BYTES];
	size_t ng = 0;
	enum cf_error e;

	if (!casefile_is_unlocked(cf))
		return CF_ERR_LOCKED;
	if (!cf->recovery)
		return CF_ERR_PERMISSION;
	e = store_user_find(cf->st, name, &u);
	if (e != CF_OK)
		return e;
	e = user_passphrase_check(pass, name, NULL);
	if (e == CF_OK)
		e = casefile_kdf_params(kdf, &params);
	if (e == CF_OK)
		e = (enum cf_error)crypto_keyring_subset(cf->kr, user_roles_compartments(u.roles), &nkr);
	if (e == CF_OK)
		e = crypto_keyring_public_key(nkr, pk) == CF_OK ? CF_OK : CF_ERR_FAIL;
	if (e == CF_OK)
		e = store_begin(cf->st);
	if (e != CF_OK) {
		crypto_keyring_free(&nkr);
		store_user_fini(&u);
		return e;
	}
	e = store_user_set_public_key(cf->st, u.id, pk);
	if (e == CF_OK)
		e = write_slot(cf, u.id, u.name, nkr, pass, pass_len, &params);
	/* grants were sealed to the old public key; the new slot already holds the user's roles */
	if (e == CF_OK)
		e = store_grant_list(cf->st, u.id, &g, &ng);
	for (size_t i = 0; e == CF_OK && i < ng; i++)
		e = store_grant_remove(cf->st, g[i].id);
	store_grant_list_free(&g, ng);
	if (e == CF_OK)
		e = casefile_header_update(cf);
	crypto_keyring_free(&nkr);
	store_user_fini(&u);
	return finish(cf, e);
}

enum cf_error
casefile_user_grant(struct cf_casefile *cf, const char *name, uint32_t roles)
{
	struct cf_store_user u;
	struct cf_store_keyslot slot;
	struct cf_store_grant *g = NULL;
	uint32_t want, have = 0;
	size_t ng = 0;
	enum cf_error e;

	if (!casefile_is_unlocked(cf))
		return CF_ERR_LOCKED;
	if (roles == 0 || (roles & ~CF_ROLE_ALL))
		return CF_ERR_INVALID;
	if (!is_admin(cf))
		return CF_ERR_PERMISSION;
	want = user_roles_compartments(roles);
	/* granting requires holding: checked before anything is looked up or written */
	if (want & ~crypto_keyring_mask(cf->kr))
		return CF_ERR_PERMISSION;
	e = store_user_find(cf->st, name, &u);
	if (e != CF_OK)
		return e;
	if (!u.has_public_key) {
		store_user_fini(&u);
		return CF_ERR_DAMAGED;
	}
	e = store_keyslot_get(cf->st, CF_SLOT_PASSPHRASE, u.id, &slot);
	if (e == CF_OK) {
		have = slot.compartments;
		store_keyslot_fini(&slot);
	}
	if (e == CF_OK)
		e = store_grant_list(cf->st, u.id, &g, &ng);
	for (size_t i = 0; e == CF_OK && i < ng; i++)
		have |= g[i].compartments;
	store_grant_list_free(&g, ng);
	if (e == CF_OK)
		e = store_begin(cf->st);
	if (e != CF_OK) {
		store_user_fini(&u);
		return e == CF_ERR_NOT_FOUND ? CF_ERR_DAMAGED : e;
	}
	if (want & ~have) {
		struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, u.name };
		uint8_t *blob = NULL;
		size_t blob_len = 0;

		e = (enum cf_error)crypto_grant_seal(cf->kr, want & ~have, u.public_key, &ad, &blob, &blob_len);
		if (e == CF_OK)
			e = store_grant_add(cf->st, u.id, want & ~have, (int64_t)time(NULL), blob, blob_len);
		free(blob);
	}
	if (e == CF_OK)
		e = store_user_set_roles(cf->st, u.id, u.roles | roles);
	if (e == CF_OK)
		e = casefile_header_update(cf);
	store_user_fini(&u);
	return finish(cf, e);
}

enum cf_error
casefile_user_remove(struct cf_casefile *cf, const char *name)
{
	struct cf_store_user u;
	enum cf_error e;

	if (!casefile_is_unlocked(cf))
		return CF_ERR_LOCKED;
	if (!is_admin(cf))
		return CF_ERR_PERMISSION;
	e = store_user_find(cf->st, name, &u);
	if (e != CF_OK)
		return e;
	if (!cf->recovery && u.id == cf->user_id) {
		store_user_fini(&u);
		return CF_ERR_INVALID;
	}
	e = store_begin(cf->st);
	if (e == CF_OK) {
		e = store_user_remove(cf->st, u.id);
		if (e == CF_OK)
			e = casefile_header_update(cf);
		e = finish(cf, e);
	}
	store_user_fini(&u);
	return e;
}

enum cf_error
casefile_slot_params(struct cf_casefile *cf, struct cf_kdf_params *out)
{
	struct cf_store_keyslot slot;
	int kind;
	enum cf_error e;

	if (!casefile_is_unlocked(cf))
		return CF_ERR_LOCKED;
	if (cf->recovery)
		return CF_ERR_NOT_FOUND;
	e = store_keyslot_get(cf->st, CF_SLOT_PASSPHRASE, cf->user_id, &slot);
	if (e != CF_OK)
		return e;
	e = (enum cf_error)crypto_keyslot_info(slot.blob, slot.blob_len, &kind, out);
	store_keyslot_fini(&slot);
	if (e == CF_OK)
		e = (enum cf_error)crypto_kdf_params_check(out);
	return e;
}

/* ---- check ---- */

/* A student row's id and uuid (both plaintext columns): contacts are checked against them. */
struct check_student {
	int64_t id;
	uint8_t uuid[CF_STORE_UUID_BYTES];
};

struct check_ctx {
	struct cf_casefile *cf;
	struct cf_check_report *r;
	int table;
	enum cf_error fatal;
	struct cf_secure_arena *arena;   /* one decoded student at a time */
	struct check_student *students;  /* every student row, in the order read */
	size_t n_students, cap_students;
};

static void *
check_arena_alloc(void *ctx, size_t size)
{
	return crypto_arena_alloc(ctx, size);
}

static void
check_arena_free(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	(void)ptr;
	(void)size; /* the arena is wiped as a whole after each row */
}

/*
 * The plaintext columns the program acts on must agree with the sealed
 * record, which the AEAD authenticates (the columns themselves are not in
 * the associated data): a student's status column with the status inside
 * its record (students-record.c); a contact's student_id with the student
 * uuid inside its record (contact_record_student_uuid()). The created/updated columns
 * have no sealed copy and are not checked; deleted rows need a table MAC.
 * CF_OK, CF_ERR_DAMAGED, CF_ERR_NOMEM.
 */
static enum cf_error
check_columns(struct check_ctx *c, const struct cf_store_record *rec, const char *plain, size_t len)
{
	if (c->table == CF_TABLE_STUDENT) {
		struct cf_str_alloc alloc = { check_arena_alloc, check_arena_free, c->arena };
		struct cf_student st;
		enum cf_error e;

		/*
		 * Rows sealed before the student record encoding existed (the
		 * format-1 fixture, tests/data/README.md) hold opaque text: no
		 * status inside to compare. The plaintext is authenticated, so a
		 * real record cannot be made to look like one.
		 */
		if (!student_record_is_encoded((const uint8_t *)plain, len))
			return CF_OK;
		e = student_record_decode((const uint8_t *)plain, len, &alloc, &st);

		if (e == CF_OK && (int)st.status != rec->status)
			e = CF_ERR_DAMAGED;
		crypto_arena_reset(c->arena);
		return e;
	}
	if (c->table == CF_TABLE_CONTACT) {
		int64_t sid = 0;
		uint8_t inside[CF_STORE_UUID_BYTES];
		enum cf_error e = store_contact_student(c->cf->st, rec->id, &sid);

		if (e == CF_ERR_NOT_FOUND)
			return CF_ERR_DAMAGED;
		if (e != CF_OK)
			return e;
		if (contact_record_student_uuid((const uint8_t *)plain, len, inside) != CF_OK)
			return CF_ERR_DAMAGED;
		for (size_t i = 0; i < c->n_students; i++)
			if (c->students[i].id == sid)
				return memcmp(inside, c->students[i].uuid, CF_STORE_UUID_BYTES) == 0 ? CF_OK
				                                                                      : CF_ERR_DAMAGED;
		return CF_ERR_DAMAGED;
	}
	return CF_OK;
}

static enum cf_error
remember_student(struct check_ctx *c, const struct cf_store_record *rec)
{
	if (c->n_students == c->cap_students) {
		size_t cap = c->cap_students ? 2 * c->cap_students : 256;
		struct check_student *ns = realloc(c->students, cap * sizeof *ns);

		if (!ns)
			return CF_ERR_NOMEM;
		c->students = ns;
		c->cap_students = cap;
	}
	c->students[c->n_students].id = rec->id;
	memcpy(c->students[c->n_students].uuid, rec->uuid, CF_STORE_UUID_BYTES);
	c->n_students++;
	return CF_OK;
}

static enum cf_error
check_row(const struct cf_store_record *rec, void *p)
{
	struct check_ctx *c = p;
	const char *name = store_table_name(c->table);
	cf_compartment_mask held = casefile_compartments(c->cf);
	char *plain = NULL;
	size_t plain_len = 0;
	enum cf_error e;

	c->r->tables[c->table].rows++;
	if (c->table == CF_TABLE_STUDENT && remember_student(c, rec) != CF_OK) {
		c->fatal = CF_ERR_NOMEM;
		return CF_ERR_NOMEM;
	}
	if (rec->compartment >= 0 && rec->compartment < CF_COMPARTMENT__COUNT &&
	    !(held & CF_COMPARTMENT_BIT(rec->compartment))) {
		c->r->tables[c->table].skipped++;
		return CF_OK;
	}
	if (rec->compartment < 0 || rec->compartment >= CF_COMPARTMENT__COUNT)
		e = CF_ERR_DAMAGED;
	else
		e = casefile_record_open(c->cf, (enum cf_compartment)rec->compartment, name, CF_RECORD_COLUMN,
		                         rec->uuid, rec->data, rec->data_len, &plain, &plain_len);
	if (e == CF_OK)
		e = check_columns(c, rec, plain, plain_len);
	crypto_secure_free(plain);
	if (e == CF_ERR_NOMEM) {
		c->fatal = e;
		return e;
	}
	if (e == CF_OK) {
		c->r->tables[c->table].authenticated++;
		return CF_OK;
	}
	{
		struct cf_check_failure *nf = realloc(c->r->failures, (c->r->n_failures + 1) * sizeof *nf);

		if (!nf) {
			c->fatal = CF_ERR_NOMEM;
			return CF_ERR_NOMEM;
		}
		c->r->failures = nf;
		nf[c->r->n_failures].table = name;
		nf[c->r->n_failures].row_id = rec->id;
		nf[c->r->n_failures].err = e;
		c->r->n_failures++;
	}
	return CF_OK;
}

enum cf_error
casefile_check(struct cf_casefile *cf, struct cf_check_report *report)
{
	struct check_ctx c = { cf, report, 0, CF_OK, NULL, NULL, 0, 0 };
	enum cf_error e = CF_OK, qc;

	memset(report, 0, sizeof *report);
	if (!casefile_is_unlocked(cf))
		return CF_ERR_LOCKED;
	qc = store_quick_check(cf->st, &report->quick_check_problems);
	if (qc != CF_OK && qc != CF_ERR_DAMAGED)
		return qc;
	if (crypto_arena_new(0, &c.arena) != CF_OK)
		return CF_ERR_NOMEM;
	/* CF_TABLE_STUDENT first: the contacts are checked against its rows */
	for (int t = 0; t < CF_TABLE__COUNT && e == CF_OK; t++) {
		report->tables[t].table = store_table_name(t);
		c.table = t;
		e = store_record_foreach(cf->st, t, check_row, &c);
		if (c.fatal != CF_OK)
			e = c.fatal;
	}
	crypto_arena_free(&c.arena);
	free(c.students);
	if (e != CF_OK)
		return e;
	return (qc == CF_OK && report->n_failures == 0) ? CF_OK : CF_ERR_DAMAGED;
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
