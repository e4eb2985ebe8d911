/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The drop box: compartment public keys published and signed by a holder, checked by writers against the signed directory. */
#include <stdlib.h>
#include <string.h>

#include "carefile/casefile.h"
#include "carefile/crypto.h"
#include "carefile/record.h"
#include "carefile/store.h"
#include "carefile/user.h"
#include "casefile-internal.h"

/* Whether some table of records takes drops into compartment c. */
static int
takes_drops(enum cf_compartment c)
{
	for (size_t i = 0; cf_tables[i]; i++)
		if (cf_tables[i]->compartment == c && cf_tables[i]->drop_from)
			return 1;
	return 0;
}

/*
 * What the publisher signs: "carefile drop key v1" | lv file id | u32 compartment | u32 key id | public key (32).
 * BLAKE2b-256 of it into out.
 */
static enum cf_error
drop_key_digest(const struct cf_casefile *cf, const struct cf_store_drop_key *k, uint8_t out[CF_HASH_BYTES])
{
	static const char tag[] = "carefile drop key v1";
	struct buf b = { 0 };

	buf_lv(&b, tag, sizeof tag - 1);
	buf_lv(&b, cf->file_id, CF_FILE_ID_BYTES);
	buf_u32(&b, (uint32_t)k->compartment);
	buf_u32(&b, k->key_id);
	buf_put(&b, k->public_key, sizeof k->public_key);
	return buf_hash_free(&b, out);
}

/*
 * Whether k is signed by an account of users that the directory entitles to
 * its compartment: CF_OK; CF_ERR_NOT_FOUND when that account is disabled
 * since (the key waits for a remaining holder to rotate and publish anew);
 * CF_ERR_DAMAGED for any other signer or a bad signature.
 */
static enum cf_error
drop_key_check(const struct cf_casefile *cf, const struct cf_store_drop_key *k, const struct cf_store_user *users,
               size_t nu)
{
	uint8_t digest[CF_HASH_BYTES];

	if (drop_key_digest(cf, k, digest) != CF_OK)
		return CF_ERR_NOMEM;
	for (size_t i = 0; i < nu; i++) {
		const struct cf_store_user *u = &users[i];

		if (u->id != k->signer_id)
			continue;
		if (!u->has_sign_key || !(user_roles_compartments(u->roles) & CF_COMPARTMENT_BIT(k->compartment)) ||
		    crypto_signature_verify(u->sign_key, digest, sizeof digest, k->sig) != CF_OK)
			return CF_ERR_DAMAGED;
		return u->disabled ? CF_ERR_NOT_FOUND : CF_OK;
	}
	return CF_ERR_DAMAGED;
}

enum cf_error
casefile_drop_keys_publish(struct cf_casefile *cf, const struct cf_store_user *me, const struct cf_store_user *users,
                           size_t nu, int *n)
{
	uint8_t digest[CF_HASH_BYTES];
	enum cf_error e = CF_OK;

	if (!me || store_schema_version(cf->st) < 7)
		return CF_OK;
	for (int c = 0; e == CF_OK && c < CF_COMPARTMENT__COUNT; c++) {
		struct cf_store_drop_key now, mine = { .compartment = c, .signer_id = me->id };

		if (!takes_drops((enum cf_compartment)c) || !crypto_keyring_has(cf->kr, (enum cf_compartment)c) ||
		    !(user_roles_compartments(me->roles) & CF_COMPARTMENT_BIT(c)))
			continue;
		e = (enum cf_error)crypto_drop_public_key(cf->kr, (enum cf_compartment)c, &mine.key_id, mine.public_key);
		if (e != CF_OK)
			break;
		e = store_drop_key_get(cf->st, c, &now);
		if (e == CF_OK) {
			/*
			 * Rightly signed: the same key stays, and a newer one reaches this
			 * account as a grant. Anything else (planted, forged, an inflated
			 * key id, a disabled publisher) is replaced by this account's own.
			 */
			if (drop_key_check(cf, &now, users, nu) == CF_OK &&
			    (now.key_id > mine.key_id ||
			     (now.key_id == mine.key_id &&
			      memcmp(now.public_key, mine.public_key, sizeof mine.public_key) == 0)))
				continue;
		} else if (e != CF_ERR_NOT_FOUND) {
			break;
		}
		/* none yet, an older key's, or one this account's key does not derive: publish ours */
		e = drop_key_digest(cf, &mine, digest);
		if (e == CF_OK)
			e = (enum cf_error)crypto_keyring_sign(cf->kr, digest, sizeof digest, mine.sig);
		if (e == CF_ERR_NOT_FOUND) {
			e = CF_OK; /* no signing key yet (an account from before them): another holder publishes */
			continue;
		}
		if (e == CF_OK)
			e = store_drop_key_put(cf->st, &mine);
		if (e == CF_OK)
			e = casefile_audit_append(cf, CF_AUDIT_DROP_KEY, NULL, NULL);
		if (e == CF_OK)
			(*n)++;
	}
	return e;
}

enum cf_error
casefile_drop_key_for(struct cf_casefile *cf, enum cf_compartment c, struct cf_store_drop_key *out)
{
	struct casefile_dir_state dv;
	struct cf_store_user *users = NULL;
	size_t nu = 0;
	enum cf_error e;

	/* the directory as it is now, checked against this account's pin: only then are its signers trusted */
	e = casefile_directory_verify(cf, cf->kr, &dv);
	if (e == CF_OK && !dv.signed_dir)
		e = CF_ERR_NOT_FOUND;
	if (e == CF_OK)
		e = store_drop_key_get(cf->st, (int)c, out);
	if (e == CF_OK)
		e = store_user_list(cf->st, &users, &nu);
	if (e == CF_OK)
		e = out->compartment == (int)c ? drop_key_check(cf, out, users, nu) : CF_ERR_DAMAGED;
	/*
	 * Never to a revoked key: below the compartment's revocation epoch (signed
	 * with the directory) is a key a removed account holds, an old genuine row
	 * put back, or the key before a rotation that has not happened yet. The
	 * drop waits for the next holder's unlock, which rotates and publishes.
	 */
	if (e == CF_OK) {
		struct cf_store_meta m;

		e = store_meta_get(cf->st, &m);
		if (e == CF_OK && m.has_revoked && (uint64_t)out->key_id < m.revoked[c])
			e = CF_ERR_NOT_FOUND;
		store_meta_fini(&m);
	}
	store_user_list_free(&users, nu);
	return e;
}
