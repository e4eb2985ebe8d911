/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Users of a case file: list, add, own passphrase, reset by recovery key, grant, remove; and check. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carefile/crypto.h"
#include "carefile/user.h"
#include "casefile-internal.h"

void (*casefile_test_hook)(const char *point);

static void
hook(const char *point)
{
	if (casefile_test_hook)
		casefile_test_hook(point);
}

/*
 * Admin changes are signed with the directory key: the role (read from the
 * directory as verified at unlock) is not enough without the key.
 */
static int
is_admin(const struct cf_casefile *cf)
{
	return (cf->recovery || (cf->roles & CF_ROLE_ADMIN)) && crypto_keyring_has(cf->kr, CF_COMPARTMENT_DIRECTORY);
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
casefile_user_roles_unverified(struct cf_casefile *cf, const char *name, uint32_t *roles)
{
	struct cf_store_user u;
	enum cf_error e;

	*roles = 0;
	if (!cf || !name)
		return CF_ERR_INVALID;
	e = store_user_find(cf->st, name, &u);
	if (e != CF_OK)
		return e;
	*roles = u.roles;
	store_user_fini(&u);
	return CF_OK;
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
		v[i].disabled = su[i].disabled;
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

/* Signs the directory as it stands now and pins nkr (an account being sealed) to it. */
static enum cf_error
sign_and_pin(struct cf_casefile *cf, struct cf_keyring *nkr)
{
	uint8_t key[CF_SIGN_PUBLIC_KEY_BYTES];
	uint64_t epoch = 0;
	enum cf_error e = casefile_directory_sign(cf, &epoch);

	if (e == CF_OK)
		e = (enum cf_error)crypto_directory_public_key(cf->kr, key);
	if (e == CF_OK)
		e = (enum cf_error)crypto_keyring_set_directory_pin(nkr, key, epoch);
	return e;
}

enum cf_error
casefile_user_add(struct cf_casefile *cf, const char *name, uint32_t roles, const char *pass, size_t pass_len,
                  int skip_strength, const struct cf_kdf_params *kdf)
{
	struct cf_keyring *nkr = NULL;
	struct cf_kdf_params params;
	struct cf_store_user existing;
	uint8_t uuid[CF_UUID_BYTES], pk[CF_PUBLIC_KEY_BYTES], spk[CF_SIGN_PUBLIC_KEY_BYTES];
	int64_t id = 0;
	enum cf_error e;

	if (!casefile_is_unlocked(cf))
		return CF_ERR_LOCKED;
	if (!user_name_valid(name) || roles == 0 || (roles & ~CF_ROLE_ALL))
		return CF_ERR_INVALID;
	if (!is_admin(cf))
		return CF_ERR_PERMISSION;
	/*
	 * The new slot gets what the admin holds of what the roles entitle; a
	 * holder of the rest grants it at their next unlock (the directory says
	 * the account is entitled), so an admin needs no clinical key to add a counselor.
	 */
	e = (enum cf_error)crypto_keyring_subset(cf->kr, user_roles_compartments(roles) & crypto_keyring_mask(cf->kr),
	                                         &nkr);
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
		e = crypto_keyring_sign_public_key(nkr, spk) == CF_OK ? CF_OK : CF_ERR_FAIL;
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
		e = store_user_set_sign_key(cf->st, id, spk);
	if (e == CF_OK)
		e = sign_and_pin(cf, nkr);
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
	/* the KEK kept from the unlock belonged to the old passphrase */
	crypto_secure_free(cf->slot_kek);
	cf->slot_kek = NULL;
	if (e == CF_OK)
		e = casefile_audit_append(cf, CF_AUDIT_PASSPHRASE, NULL, NULL);
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
	uint8_t pk[CF_PUBLIC_KEY_BYTES], spk[CF_SIGN_PUBLIC_KEY_BYTES];
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
		/*
		 * A key the recovery slot holds from before a revocation opens nothing
		 * now: left out, so that the next holder's escrow seals the current one.
		 */
		e = (enum cf_error)crypto_keyring_subset(cf->kr,
		                                         user_roles_compartments(u.roles) & ~casefile_stale_keys(cf, cf->kr),
		                                         &nkr);
	if (e == CF_OK)
		e = crypto_keyring_public_key(nkr, pk) == CF_OK ? CF_OK : CF_ERR_FAIL;
	if (e == CF_OK)
		e = crypto_keyring_sign_public_key(nkr, spk) == CF_OK ? CF_OK : CF_ERR_FAIL;
	if (e == CF_OK)
		e = store_begin(cf->st);
	if (e != CF_OK) {
		crypto_keyring_free(&nkr);
		store_user_fini(&u);
		return e;
	}
	e = store_user_set_public_key(cf->st, u.id, pk);
	if (e == CF_OK)
		e = store_user_set_sign_key(cf->st, u.id, spk);
	/* grants were sealed to the old public key; the new slot already holds the user's roles */
	if (e == CF_OK)
		e = store_grant_list(cf->st, u.id, &g, &ng);
	for (size_t i = 0; e == CF_OK && i < ng; i++)
		e = store_grant_remove(cf->st, g[i].id);
	store_grant_list_free(&g, ng);
	if (e == CF_OK)
		e = sign_and_pin(cf, nkr);
	if (e == CF_OK)
		e = write_slot(cf, u.id, u.name, nkr, pass, pass_len, &params);
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
	/* what the admin holds is granted now; a holder of the rest grants it at their next unlock */
	want = user_roles_compartments(roles) & crypto_keyring_mask(cf->kr);
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
	/* a grant must come from an account (checked against its public key): the recovery key leaves it to holders */
	if ((want & ~have) && !cf->recovery) {
		struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, u.name };
		uint8_t *blob = NULL;
		size_t blob_len = 0;

		e = (enum cf_error)crypto_grant_seal(cf->kr, want & ~have, u.public_key, &ad, &blob, &blob_len);
		if (e == CF_OK)
			e = store_grant_add(cf->st, u.id, cf->user_id, want & ~have, (int64_t)time(NULL), blob, blob_len);
		free(blob);
	}
	if (e == CF_OK)
		e = store_user_set_roles(cf->st, u.id, u.roles | roles);
	if (e == CF_OK)
		e = casefile_directory_commit(cf);
	store_user_fini(&u);
	return finish(cf, e);
}

/*
 * Records in the directory (signed by the caller's commit) that the keys of
 * the compartments in lost were revoked at the coming epoch: an account
 * that held them opens nothing written afterwards once the next remaining
 * holder has rotated them (casefile_after_unlock); the directory key is
 * rotated by the admin making the change (casefile_rotate_directory_now).
 * Inside the caller's transaction.
 */
/*
 * Grants user id sealed to other accounts for compartments in mask that they
 * have not merged yet. After a rotation they may be the only copies of the
 * new key outside its holder: removing the granter (its public key goes) or
 * taking the role (its grants stop counting) would lose them.
 */
static enum cf_error
pending_grants_from(struct cf_casefile *cf, int64_t id, uint32_t mask, size_t *n)
{
	struct cf_store_grant *g = NULL;
	size_t ng = 0;
	enum cf_error e = store_grant_list(cf->st, 0, &g, &ng);

	*n = 0;
	for (size_t i = 0; e == CF_OK && i < ng; i++)
		if (g[i].granter_id == id && g[i].user_id != id && (g[i].compartments & mask))
			(*n)++;
	store_grant_list_free(&g, ng);
	return e;
}

/* The end of an admin change that revoked keys: sign, rotate what this account holds, MAC, commit. */
static enum cf_error
commit_revocation(struct cf_casefile *cf, enum cf_error e)
{
	struct cf_keyring *rotated = NULL, *dir_rotated = NULL, *held = cf->kr;

	/* a revoked directory key first: the directory is then signed with the new one */
	if (e == CF_OK)
		e = casefile_rotate_directory_now(cf, &dir_rotated);
	if (e == CF_OK && dir_rotated)
		cf->kr = dir_rotated;
	if (e == CF_OK)
		e = casefile_directory_sign(cf, NULL);
	if (e == CF_OK)
		e = casefile_rotate_revoked_now(cf, &rotated);
	if (e == CF_OK)
		e = casefile_header_update(cf);
	e = finish(cf, e);
	cf->kr = held;
	if (e == CF_OK && !rotated && dir_rotated) {
		rotated = dir_rotated;
		dir_rotated = NULL;
	}
	if (e == CF_OK && rotated) {
		crypto_keyring_free(&cf->kr);
		cf->kr = rotated;
		rotated = NULL;
	}
	crypto_keyring_free(&rotated);
	crypto_keyring_free(&dir_rotated);
	return e;
}

static enum cf_error
revoke_compartments(struct cf_casefile *cf, uint32_t lost)
{
	struct cf_store_meta m;
	enum cf_error e;

	/* the directory key only from schema 8 on, where a transition can hand it over */
	if (store_schema_version(cf->st) < 8)
		lost &= ~CF_COMPARTMENT_BIT(CF_COMPARTMENT_DIRECTORY);
	if (!lost || store_schema_version(cf->st) < 5)
		return CF_OK;
	e = store_meta_get(cf->st, &m);
	if (e != CF_OK)
		return e;
	for (int c = 0; c < CF_COMPARTMENT__COUNT; c++)
		if (lost & CF_COMPARTMENT_BIT(c))
			m.revoked[c] = m.directory_epoch + 1; /* the epoch casefile_directory_sign() writes */
	e = store_meta_set_revocation(cf->st, m.revoked,
	                              m.has_recovery_public_key ? m.recovery_public_key : NULL);
	store_meta_fini(&m);
	return e;
}

enum cf_error
casefile_user_revoke(struct cf_casefile *cf, const char *name, uint32_t roles)
{
	struct cf_store_user u;
	struct cf_store_grant *g = NULL;
	uint32_t left, lost;
	size_t ng = 0;
	enum cf_error e;

	if (!casefile_is_unlocked(cf))
		return CF_ERR_LOCKED;
	if (roles == 0 || (roles & ~CF_ROLE_ALL))
		return CF_ERR_INVALID;
	if (!is_admin(cf))
		return CF_ERR_PERMISSION;
	e = store_user_find(cf->st, name, &u);
	if (e != CF_OK)
		return e;
	left = u.roles & ~roles;
	/* no roles at all is what remove is for; an admin does not lock itself out of the directory */
	if (left == 0 || (!cf->recovery && u.id == cf->user_id && (roles & u.roles & CF_ROLE_ADMIN))) {
		store_user_fini(&u);
		return CF_ERR_INVALID;
	}
	if (left == u.roles) {
		store_user_fini(&u);
		return CF_OK; /* it did not have them */
	}
	lost = user_roles_compartments(u.roles) & ~user_roles_compartments(left);
	{
		size_t waiting = 0;

		e = pending_grants_from(cf, u.id, lost, &waiting);
		if (e == CF_OK && waiting)
			e = CF_ERR_EXISTS;
		if (e != CF_OK) {
			store_user_fini(&u);
			return e;
		}
	}
	e = store_begin(cf->st);
	if (e != CF_OK) {
		store_user_fini(&u);
		return e;
	}
	/* a pending grant of a compartment it may no longer hold would fail its unlock as planted */
	e = store_grant_list(cf->st, u.id, &g, &ng);
	for (size_t i = 0; e == CF_OK && i < ng; i++)
		if (g[i].compartments & lost)
			e = store_grant_remove(cf->st, g[i].id);
	store_grant_list_free(&g, ng);
	if (e == CF_OK)
		e = store_user_set_roles(cf->st, u.id, left);
	/* its slot still holds the keys: its next unlock drops them, and they are rotated */
	if (e == CF_OK)
		e = revoke_compartments(cf, lost);
	store_user_fini(&u);
	return commit_revocation(cf, e);
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
	{
		size_t waiting = 0;

		e = pending_grants_from(cf, u.id, CF_COMPARTMENT_MASK_ALL, &waiting);
		if (e == CF_OK && waiting)
			e = CF_ERR_EXISTS;
		if (e != CF_OK) {
			store_user_fini(&u);
			return e;
		}
	}
	e = store_begin(cf->st);
	if (e == CF_OK) {
		/* a grant the removed account sealed could no longer be checked: holders re-grant what is due */
		e = store_grant_remove_by_granter(cf->st, u.id);
		if (e == CF_OK)
			e = store_recovery_grant_remove(cf->st, 0, u.id);
		if (e == CF_OK)
			e = revoke_compartments(cf, user_roles_compartments(u.roles));
		if (e == CF_OK)
			e = store_user_remove(cf->st, u.id);
		e = commit_revocation(cf, e);
	}
	store_user_fini(&u);
	return e;
}

enum cf_error
casefile_user_set_disabled(struct cf_casefile *cf, const char *name, int disabled)
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
	if (disabled && !cf->recovery && u.id == cf->user_id) {
		store_user_fini(&u);
		return CF_ERR_INVALID;
	}
	e = store_begin(cf->st);
	if (e == CF_OK) {
		e = store_user_set_disabled(cf->st, u.id, disabled);
		/* a disabled account's copy of its slot must not open what is written while it is disabled */
		if (e == CF_OK && disabled && !u.disabled)
			e = revoke_compartments(cf, user_roles_compartments(u.roles));
		e = commit_revocation(cf, e);
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
