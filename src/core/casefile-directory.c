/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The signed directory: what it covers, how admins sign it, how every
 * account verifies it at unlock against the key pinned in its keyslot, and
 * grants checked against it (merged by their recipient, sealed by any holder
 * of a compartment to an entitled account that lacks it).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "carefile/user.h"
#include "casefile-internal.h"

_Static_assert(CF_STORE_COMPARTMENTS == CF_COMPARTMENT__COUNT, "one revocation epoch per compartment");

static int
cmp_user_id(const void *a, const void *b)
{
	const struct cf_store_user *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/*
 * The bytes the directory signature covers: format fields, the directory
 * key and epoch, then every user in id order (id, uuid, name, roles,
 * created, disabled, X25519 and Ed25519 public keys). Keyslot blobs are not
 * covered (an account re-seals its own slot); a slot is bound to its
 * account by its AD and by the public key it opens to, which must be the
 * directory's. Caller frees *out.
 */
static enum cf_error
directory_bytes(struct cf_store *st, const uint8_t key[CF_SIGN_PUBLIC_KEY_BYTES], uint64_t epoch, uint8_t **out,
                size_t *len)
{
	static const char tag[] = "carefile directory v1";
	struct cf_store_meta m;
	struct cf_store_user *users = NULL;
	size_t nu = 0;
	struct buf b = { 0 };
	enum cf_error e;

	*out = NULL;
	*len = 0;
	e = store_meta_get(st, &m);
	if (e != CF_OK)
		return e;
	e = store_user_list(st, &users, &nu);
	if (e == CF_OK) {
		qsort(users, nu, sizeof *users, cmp_user_id);
		buf_lv(&b, tag, sizeof tag - 1);
		buf_u32(&b, (uint32_t)m.format_version);
		buf_lv(&b, m.file_id, sizeof m.file_id);
		buf_u64(&b, (uint64_t)m.created);
		buf_lv(&b, key, CF_SIGN_PUBLIC_KEY_BYTES);
		buf_u64(&b, epoch);
		/*
		 * Schema 5 on, once there is anything: revocation epochs and the
		 * recovery key's public key (absent before: signatures made before
		 * schema 5 stay valid, and an insider cannot add or drop them).
		 */
		if (m.has_revoked || m.has_recovery_public_key) {
			static const char rtag[] = "revocation";

			buf_lv(&b, rtag, sizeof rtag - 1);
			buf_u32(&b, (uint32_t)m.has_revoked);
			for (int c = 0; c < CF_STORE_COMPARTMENTS; c++)
				buf_u64(&b, m.revoked[c]);
			buf_lv(&b, m.recovery_public_key, m.has_recovery_public_key ? sizeof m.recovery_public_key : 0);
		}
		buf_u32(&b, (uint32_t)nu);
		for (size_t i = 0; i < nu; i++) {
			const struct cf_store_user *u = &users[i];

			buf_u64(&b, (uint64_t)u->id);
			buf_lv(&b, u->uuid, sizeof u->uuid);
			buf_lv(&b, u->name, strlen(u->name));
			buf_u32(&b, u->roles);
			buf_u64(&b, (uint64_t)u->created);
			buf_u32(&b, (uint32_t)u->disabled);
			buf_lv(&b, u->public_key, u->has_public_key ? sizeof u->public_key : 0);
			buf_lv(&b, u->sign_key, u->has_sign_key ? sizeof u->sign_key : 0);
		}
		if (b.failed)
			e = CF_ERR_NOMEM;
	}
	store_meta_fini(&m);
	store_user_list_free(&users, nu);
	if (e != CF_OK) {
		free(b.p);
		return e;
	}
	*out = b.p;
	*len = b.len;
	return CF_OK;
}

enum cf_error
casefile_directory_sign(struct cf_casefile *cf, uint64_t *epoch_out)
{
	uint8_t key[CF_SIGN_PUBLIC_KEY_BYTES], sig[CF_SIGNATURE_BYTES];
	struct cf_store_meta m;
	uint8_t *bytes = NULL;
	size_t len = 0;
	uint64_t epoch;
	enum cf_error e;

	if (!cf->kr)
		return CF_ERR_LOCKED;
	e = (enum cf_error)crypto_directory_public_key(cf->kr, key);
	if (e != CF_OK)
		return e;
	e = store_meta_get(cf->st, &m);
	if (e != CF_OK)
		return e;
	epoch = m.directory_epoch + 1;
	/*
	 * Only the key that signs the directory now signs the next one, or a key
	 * it handed over to at this epoch (casefile_rotate_directory_now): a stale
	 * directory key would make every pinned account refuse the file.
	 */
	if (m.directory_sig && m.has_directory_key && crypto_memcmp(key, m.directory_key, sizeof key) != 0) {
		struct cf_store_dir_transition *t = NULL;
		size_t nt = 0;
		int handed = 0;

		e = store_dir_transition_list(cf->st, &t, &nt);
		for (size_t i = 0; e == CF_OK && i < nt; i++)
			handed |= t[i].epoch == epoch && crypto_memcmp(t[i].old_key, m.directory_key, sizeof key) == 0 &&
			          crypto_memcmp(t[i].new_key, key, sizeof key) == 0;
		free(t);
		if (e == CF_OK && !handed)
			e = CF_ERR_PERMISSION;
	}
	store_meta_fini(&m);
	if (e != CF_OK)
		return e;
	e = directory_bytes(cf->st, key, epoch, &bytes, &len);
	if (e == CF_OK)
		e = (enum cf_error)crypto_directory_sign(cf->kr, bytes, len, sig);
	free(bytes);
	if (e == CF_OK)
		e = store_meta_set_directory(cf->st, key, epoch, sig, sizeof sig);
	/* the signer trusts what it signed: accounts made from this keyring start there */
	if (e == CF_OK)
		e = (enum cf_error)crypto_keyring_set_directory_pin(cf->kr, key, epoch);
	/* and so does the signer's own slot, re-sealed at once when its KEK is known (no lag for a rollback) */
	if (e == CF_OK)
		e = casefile_reseal_own(cf);
	/* every signed change of the directory (accounts, roles, keys, grants) leaves an entry */
	if (e == CF_OK)
		e = casefile_audit_append(cf, CF_AUDIT_DIRECTORY, NULL, NULL);
	if (e == CF_OK && epoch_out)
		*epoch_out = epoch;
	return e;
}

enum cf_error
casefile_reseal_own(struct cf_casefile *cf)
{
	struct cf_store_keyslot slot;
	struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, cf->user };
	uint8_t *blob = NULL;
	size_t blob_len = 0;
	enum cf_error e;

	if (!cf->slot_kek || cf->recovery || !cf->user || !cf->user_id)
		return CF_OK;
	e = store_keyslot_get(cf->st, CF_SLOT_PASSPHRASE, cf->user_id, &slot);
	if (e != CF_OK)
		return e;
	e = (enum cf_error)crypto_keyslot_reseal_kek(cf->kr, slot.blob, slot.blob_len, cf->slot_kek, &ad, &blob, &blob_len);
	if (e == CF_OK)
		e = store_keyslot_put(cf->st, CF_SLOT_PASSPHRASE, cf->user_id, slot.uuid, crypto_keyring_mask(cf->kr),
		                      (int64_t)time(NULL), blob, blob_len);
	free(blob);
	store_keyslot_fini(&slot);
	return e;
}

enum cf_error
casefile_directory_commit(struct cf_casefile *cf)
{
	enum cf_error e = casefile_directory_sign(cf, NULL);

	return e == CF_OK ? casefile_header_update(cf) : e;
}

/*
 * What a directory-key transition's signature covers (by the old key): a tag,
 * the file id, the old and new directory public keys and the first epoch the
 * new key signs. Source of the format: share/sql/0008-directory-transition.sql.
 */
static void
transition_bytes(const uint8_t file_id[CF_FILE_ID_BYTES], const struct cf_store_dir_transition *t, struct buf *b)
{
	static const char tag[] = "carefile directory transition v1";

	buf_lv(b, tag, sizeof tag - 1);
	buf_lv(b, file_id, CF_FILE_ID_BYTES);
	buf_lv(b, t->old_key, sizeof t->old_key);
	buf_lv(b, t->new_key, sizeof t->new_key);
	buf_u64(b, t->epoch);
}

/*
 * From the pinned key (seen up to pin_epoch) to the key that signs the
 * directory at dir_epoch, through the stored transitions, oldest first: each
 * one counts only when it leaves the key reached so far, after the epoch
 * reached so far and no later than the directory, and its signature by that
 * key holds. CF_OK when the walk ends at want; CF_ERR_DAMAGED otherwise.
 */
static enum cf_error
follow_transitions(struct cf_casefile *cf, const uint8_t pin[CF_SIGN_PUBLIC_KEY_BYTES], uint64_t pin_epoch,
                   const uint8_t want[CF_SIGN_PUBLIC_KEY_BYTES], uint64_t dir_epoch)
{
	struct cf_store_dir_transition *t = NULL;
	uint8_t cur[CF_SIGN_PUBLIC_KEY_BYTES];
	uint64_t cur_epoch = pin_epoch;
	size_t n = 0;
	enum cf_error e = store_dir_transition_list(cf->st, &t, &n);

	if (e != CF_OK)
		return e;
	memcpy(cur, pin, sizeof cur);
	for (size_t i = 0; e == CF_OK && i < n; i++) {
		struct buf b = { 0 };

		if (t[i].epoch <= cur_epoch || t[i].epoch > dir_epoch || crypto_memcmp(t[i].old_key, cur, sizeof cur) != 0)
			continue;
		transition_bytes(cf->file_id, &t[i], &b);
		if (b.failed)
			e = CF_ERR_NOMEM;
		else if (crypto_signature_verify(cur, b.p, b.len, t[i].sig) == CF_OK) {
			memcpy(cur, t[i].new_key, sizeof cur);
			cur_epoch = t[i].epoch;
		}
		free(b.p);
	}
	free(t);
	if (e == CF_OK && crypto_memcmp(cur, want, sizeof cur) != 0)
		e = CF_ERR_DAMAGED;
	return e;
}

enum cf_error
casefile_directory_verify(struct cf_casefile *cf, const struct cf_keyring *kr, struct casefile_dir_state *out)
{
	struct cf_store_meta m;
	uint8_t pin[CF_SIGN_PUBLIC_KEY_BYTES];
	uint64_t pin_epoch = 0;
	uint8_t *bytes = NULL;
	size_t len = 0;
	int pinned;
	enum cf_error e;

	memset(out, 0, sizeof *out);
	pinned = crypto_keyring_directory_pin(kr, pin, &pin_epoch) == CF_OK;
	e = store_meta_get(cf->st, &m);
	if (e != CF_OK)
		return e;
	if (!m.directory_sig) {
		/* never signed: a file from before the signed directory, trusted through its MAC until an admin signs it */
		store_meta_fini(&m);
		return pinned ? CF_ERR_DAMAGED : CF_OK;
	}
	e = CF_ERR_DAMAGED;
	if (!m.has_directory_key || m.directory_sig_len != CF_SIGNATURE_BYTES)
		goto out;
	/* a directory older than this account has seen was not written by its admins */
	if (pinned && m.directory_epoch < pin_epoch)
		goto out;
	/* nor one signed by another key, unless the pinned key handed over to it (an admin removed since) */
	if (pinned && crypto_memcmp(pin, m.directory_key, sizeof pin) != 0) {
		e = follow_transitions(cf, pin, pin_epoch, m.directory_key, m.directory_epoch);
		if (e != CF_OK) {
			if (e != CF_ERR_NOMEM)
				e = CF_ERR_DAMAGED;
			goto out;
		}
		e = CF_ERR_DAMAGED;
	}
	e = directory_bytes(cf->st, m.directory_key, m.directory_epoch, &bytes, &len);
	if (e != CF_OK)
		goto out;
	e = (enum cf_error)crypto_signature_verify(m.directory_key, bytes, len, m.directory_sig);
	free(bytes);
	if (e != CF_OK) {
		e = CF_ERR_DAMAGED;
		goto out;
	}
	out->signed_dir = 1;
	memcpy(out->key, m.directory_key, sizeof out->key);
	out->epoch = m.directory_epoch;
	out->pin_stale = !pinned || pin_epoch < m.directory_epoch;
out:
	store_meta_fini(&m);
	return e;
}

/* The compartments a user may hold by their roles (an admin: the directory). */
static uint32_t
entitled(const struct cf_store_user *u)
{
	return user_roles_compartments(u->roles);
}

static const struct cf_store_user *
find_user(const struct cf_store_user *users, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (users[i].id == id)
			return &users[i];
	return NULL;
}

/*
 * Opens every grant waiting for user me into kr (a copy the caller owns).
 * A grant counts only when its granter is in the directory, enabled, may
 * hold what it grants, and sealed it (crypto_box from the granter's key):
 * anything else was planted and fails the unlock (CF_ERR_DAMAGED), nothing
 * merged. *n_merged gets the number of grants merged.
 */
static enum cf_error
merge_grants(struct cf_casefile *cf, const struct cf_store_user *me, const struct cf_store_user *users, size_t nu,
             struct cf_keyring *kr, struct cf_store_grant **grants, size_t *ng)
{
	struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, me->name };
	enum cf_error e = store_grant_list(cf->st, me->id, grants, ng);

	for (size_t i = 0; e == CF_OK && i < *ng; i++) {
		const struct cf_store_grant *g = &(*grants)[i];
		const struct cf_store_user *from = find_user(users, nu, g->granter_id);
		cf_compartment_mask got = 0;

		/* a granter disabled since sealed it while enabled: its keys are still the current ones */
		if (!from || !from->has_public_key || (g->compartments & ~entitled(from)) != 0 ||
		    (g->compartments & ~entitled(me)) != 0) {
			e = CF_ERR_DAMAGED;
			break;
		}
		e = (enum cf_error)crypto_grant_open(kr, g->blob, g->blob_len, &ad, from->public_key, &got);
		if (e == CF_OK && got != g->compartments)
			e = CF_ERR_DAMAGED;
		if (e != CF_OK && e != CF_ERR_NOMEM)
			e = CF_ERR_DAMAGED;
	}
	return e;
}

/*
 * Seals a grant from cf->kr to every other enabled account that is entitled
 * to a compartment cf->kr holds but neither its slot nor a pending grant
 * carries (a user added or given a role by an admin who does not hold the
 * compartment). Inside the caller's transaction. *n gets the grants added.
 */
static enum cf_error
escrow_grants(struct cf_casefile *cf, int64_t me_id, const struct cf_store_user *users, size_t nu, int *n)
{
	uint32_t held = crypto_keyring_mask(cf->kr);
	enum cf_error e = CF_OK;

	*n = 0;
	for (size_t i = 0; e == CF_OK && i < nu; i++) {
		const struct cf_store_user *v = &users[i];
		struct cf_store_keyslot slot;
		struct cf_store_grant *g = NULL;
		size_t ng = 0;
		uint32_t have = 0, missing;

		if (v->id == me_id || v->disabled || !v->has_public_key)
			continue;
		if (store_keyslot_get(cf->st, CF_SLOT_PASSPHRASE, v->id, &slot) == CF_OK) {
			have = slot.compartments;
			store_keyslot_fini(&slot);
		}
		e = store_grant_list(cf->st, v->id, &g, &ng);
		for (size_t k = 0; k < ng; k++)
			have |= g[k].compartments;
		store_grant_list_free(&g, ng);
		missing = entitled(v) & held & ~have;
		if (e == CF_OK && missing) {
			struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, v->name };
			uint8_t *blob = NULL;
			size_t blob_len = 0;

			e = (enum cf_error)crypto_grant_seal(cf->kr, missing, v->public_key, &ad, &blob, &blob_len);
			if (e == CF_OK)
				e = store_grant_add(cf->st, v->id, me_id, missing, (int64_t)time(NULL), blob, blob_len);
			free(blob);
			if (e == CF_OK)
				(*n)++;
		}
	}
	return e;
}

cf_compartment_mask
casefile_stale_keys(struct cf_casefile *cf, const struct cf_keyring *kr)
{
	struct cf_store_meta m;
	cf_compartment_mask stale = 0;

	if (store_schema_version(cf->st) < 5 || store_meta_get(cf->st, &m) != CF_OK)
		return 0;
	for (int c = 0; m.has_revoked && c < CF_COMPARTMENT__COUNT; c++)
		if (crypto_keyring_has(kr, (enum cf_compartment)c) &&
		    (uint64_t)crypto_keyring_key_id(kr, (enum cf_compartment)c) < m.revoked[c])
			stale |= CF_COMPARTMENT_BIT(c);
	store_meta_fini(&m);
	return stale;
}

/*
 * Revocation, completed by a remaining holder: for every compartment kr
 * holds whose key id is below the directory's revocation epoch, a new key
 * (key id = max(old + 1, epoch)) re-seals every record of the compartment,
 * and is sealed from this account to every other enabled account entitled
 * to it (and, by escrow_grants(), to the recovery key). *kr becomes the rotated keyring (the
 * caller re-seals its own slot with it). Inside the caller's transaction;
 * only with a verified signed directory. *n gets the compartments rotated.
 */
static enum cf_error escrow_recovery(struct cf_casefile *cf, int64_t me_id, int *n);

/* What a rotation record's signature covers: file, format, compartment, new key id, rotator. */
static void
rotation_bytes(const struct cf_casefile *cf, int c, uint32_t key_id, int64_t rotator_id, struct buf *b)
{
	static const char tag[] = "carefile rotation v1";

	buf_lv(b, tag, sizeof tag - 1);
	buf_u32(b, (uint32_t)cf->format_version);
	buf_lv(b, cf->file_id, CF_FILE_ID_BYTES);
	buf_u32(b, (uint32_t)c);
	buf_u32(b, key_id);
	buf_u64(b, (uint64_t)rotator_id);
}

/* Signs and stores the record that this account rotated c to key_id. */
static enum cf_error
record_rotation(struct cf_casefile *cf, const struct cf_keyring *kr, int64_t me_id, int c, uint32_t key_id)
{
	uint8_t sig[CF_SIGNATURE_BYTES];
	struct buf b = { 0 };
	enum cf_error e;

	rotation_bytes(cf, c, key_id, me_id, &b);
	e = b.failed ? CF_ERR_NOMEM : (enum cf_error)crypto_keyring_sign(kr, b.p, b.len, sig);
	free(b.p);
	if (e == CF_OK)
		e = store_rotation_add(cf->st, c, key_id, me_id, (int64_t)time(NULL), sig);
	return e;
}

/* Seals compartment c's key from nkr (just rotated) to every other enabled account entitled to it. */
static enum cf_error
grant_rotated(struct cf_casefile *cf, const struct cf_keyring *nkr, const struct cf_store_user *me,
              const struct cf_store_user *users, size_t nu, int c)
{
	enum cf_error e = CF_OK;

	for (size_t i = 0; e == CF_OK && i < nu; i++) {
		const struct cf_store_user *v = &users[i];
		struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, v->name };
		uint8_t *blob = NULL;
		size_t blob_len = 0;

		if (v->id == me->id || v->disabled || !v->has_public_key || !(entitled(v) & CF_COMPARTMENT_BIT(c)))
			continue;
		e = (enum cf_error)crypto_grant_seal(nkr, CF_COMPARTMENT_BIT(c), v->public_key, &ad, &blob, &blob_len);
		if (e == CF_OK)
			e = store_grant_add(cf->st, v->id, me->id, CF_COMPARTMENT_BIT(c), (int64_t)time(NULL), blob, blob_len);
		free(blob);
	}
	return e;
}

/*
 * The directory key's revocation (an admin removed or disabled, or the admin
 * role taken): when kr's directory compartment key is older than the
 * directory's revocation epoch of it,
 *  - and its directory key is the one that signs the directory now, nobody
 *    has rotated: a new directory compartment key (key id max(old + 1,
 *    epoch)) makes a new directory key; the old key signs the transition to
 *    it at the coming epoch; the new key is sealed to every other enabled
 *    admin and recorded as a signed rotation. *kr becomes the rotated
 *    keyring, and the caller signs the directory with it (in this
 *    transaction: the transition names the epoch that signature takes);
 *  - and the directory is signed by another key, another admin rotated and
 *    this account missed the grant (disabled then): the stale key is
 *    dropped (*dropped), and escrow brings the current one.
 * Only an admin account rotates (grants come from accounts); the recovery key
 * leaves it to the next admin to unlock. *rotated is set when it rotated.
 */
static enum cf_error
rotate_directory(struct cf_casefile *cf, const struct cf_store_user *me, const struct cf_store_user *users, size_t nu,
                 struct cf_keyring **kr, int *rotated, int *dropped)
{
	const int c = CF_COMPARTMENT_DIRECTORY;
	uint8_t old_pk[CF_SIGN_PUBLIC_KEY_BYTES];
	struct cf_store_dir_transition t;
	struct cf_keyring *nkr = NULL;
	struct cf_store_meta m;
	struct buf b = { 0 };
	uint32_t id, to;
	enum cf_error e;

	*rotated = *dropped = 0;
	if (store_schema_version(cf->st) < 8 || !crypto_keyring_has(*kr, (enum cf_compartment)c))
		return CF_OK;
	e = store_meta_get(cf->st, &m);
	if (e != CF_OK)
		return e;
	id = crypto_keyring_key_id(*kr, (enum cf_compartment)c);
	if (!m.has_revoked || (uint64_t)id >= m.revoked[c] || !m.directory_sig || !m.has_directory_key)
		goto out;
	if (m.revoked[c] > UINT32_MAX) {
		e = CF_ERR_DAMAGED;
		goto out;
	}
	e = (enum cf_error)crypto_directory_public_key(*kr, old_pk);
	if (e != CF_OK)
		goto out;
	if (crypto_memcmp(old_pk, m.directory_key, sizeof old_pk) != 0) {
		crypto_keyring_drop(*kr, CF_COMPARTMENT_BIT(c));
		*dropped = 1;
		goto out;
	}
	if (!me || !(entitled(me) & CF_COMPARTMENT_BIT(c)) || !me->has_public_key)
		goto out;
	to = (uint32_t)m.revoked[c] > id + 1 ? (uint32_t)m.revoked[c] : id + 1;
	e = (enum cf_error)crypto_keyring_copy(*kr, &nkr);
	if (e == CF_OK)
		e = (enum cf_error)crypto_keyring_rotate_to(nkr, (enum cf_compartment)c, to);
	memset(&t, 0, sizeof t);
	t.epoch = m.directory_epoch + 1; /* the epoch casefile_directory_sign() writes next */
	memcpy(t.old_key, old_pk, sizeof t.old_key);
	if (e == CF_OK)
		e = (enum cf_error)crypto_directory_public_key(nkr, t.new_key);
	if (e == CF_OK) {
		transition_bytes(cf->file_id, &t, &b);
		e = b.failed ? CF_ERR_NOMEM : (enum cf_error)crypto_directory_sign(*kr, b.p, b.len, t.sig);
		free(b.p);
	}
	if (e == CF_OK)
		e = store_dir_transition_add(cf->st, &t);
	if (e == CF_OK) {
		size_t rekeyed = 0, damaged = 0;

		/* records of the directory compartment, if a table has any, follow the key */
		e = casefile_records_rekey(cf, (enum cf_compartment)c, *kr, nkr, &rekeyed, &damaged);
	}
	if (e == CF_OK && me->has_sign_key)
		e = record_rotation(cf, nkr, me->id, c, to);
	if (e == CF_OK)
		e = grant_rotated(cf, nkr, me, users, nu, c);
	if (e == CF_OK) {
		crypto_keyring_free(kr);
		*kr = nkr;
		nkr = NULL;
		*rotated = 1;
	}
	crypto_keyring_free(&nkr);
out:
	store_meta_fini(&m);
	return e;
}

enum cf_error
casefile_rotate_directory_now(struct cf_casefile *cf, struct cf_keyring **out)
{
	struct cf_store_user *users = NULL;
	struct cf_keyring *kr = NULL;
	const struct cf_store_user *me;
	size_t nu = 0;
	int rotated = 0, dropped = 0, escrowed = 0;
	enum cf_error e;

	*out = NULL;
	if (cf->recovery || !cf->user_id || !cf->slot_kek || store_schema_version(cf->st) < 8)
		return CF_OK; /* the next admin to unlock rotates */
	e = store_user_list(cf->st, &users, &nu);
	me = e == CF_OK ? find_user(users, nu, cf->user_id) : NULL;
	if (e == CF_OK && !me)
		e = CF_ERR_DAMAGED;
	if (e == CF_OK)
		e = (enum cf_error)crypto_keyring_copy(cf->kr, &kr);
	if (e == CF_OK)
		e = rotate_directory(cf, me, users, nu, &kr, &rotated, &dropped);
	/* the recovery key gets the new directory key like any rotated key */
	if (e == CF_OK && rotated) {
		struct cf_keyring *old = cf->kr;

		cf->kr = kr;
		e = escrow_recovery(cf, cf->user_id, &escrowed);
		cf->kr = old;
	}
	if (e == CF_OK && rotated) {
		*out = kr;
		kr = NULL;
	}
	crypto_keyring_free(&kr);
	store_user_list_free(&users, nu);
	return e;
}

static enum cf_error
rotate_revoked(struct cf_casefile *cf, const struct cf_store_user *me, const struct cf_store_user *users, size_t nu,
               struct cf_keyring **kr, int *n, int *dropped)
{
	struct cf_store_meta m;
	enum cf_error e;

	*n = 0;
	*dropped = 0;
	if (store_schema_version(cf->st) < 5)
		return CF_OK;
	e = store_meta_get(cf->st, &m);
	if (e != CF_OK)
		return e;
	for (int c = 0; e == CF_OK && m.has_revoked && c < CF_COMPARTMENT__COUNT; c++) {
		uint32_t id = crypto_keyring_key_id(*kr, (enum cf_compartment)c), to;
		struct cf_keyring *nkr = NULL;
		size_t rekeyed = 0, damaged = 0;

		if (c == CF_COMPARTMENT_DIRECTORY || !crypto_keyring_has(*kr, (enum cf_compartment)c) ||
		    (uint64_t)id >= m.revoked[c])
			continue;
		if (m.revoked[c] > UINT32_MAX) {
			e = CF_ERR_DAMAGED;
			break;
		}
		to = (uint32_t)m.revoked[c] > id + 1 ? (uint32_t)m.revoked[c] : id + 1;
		/*
		 * The rows decide, not a rotation record (an account that signed one
		 * may be disabled or removed since, or lying):
		 *  - no row under a key id >= the epoch: nobody rotated; rotate;
		 *  - such rows, and none left under this key that opens: rotated by
		 *    another holder while this account missed the grant; the stale
		 *    key opens nothing, so it is dropped and escrow brings the new one;
		 *  - both: unclear (a planted row, or rows a stale writer added);
		 *    rotating would make the newer rows unreadable for everyone who
		 *    merges this key, so nothing is done (doc/trust.md, residual).
		 */
		{
			size_t opens = 0, newer = 0;

			e = casefile_records_key_census(cf, (enum cf_compartment)c, *kr, (uint32_t)m.revoked[c], &opens,
			                                &newer);
			if (e != CF_OK)
				break;
			if (newer && !opens) {
				crypto_keyring_drop(*kr, CF_COMPARTMENT_BIT(c));
				*dropped = 1;
				continue;
			}
			if (newer)
				continue;
		}
		/* an account that lost the role itself (user revoke of its own role) leaves it to the others */
		if (!(entitled(me) & CF_COMPARTMENT_BIT(c)))
			continue;
		/* an account without a signing key (from before the signed directory) leaves it to one with */
		if (!me->has_sign_key)
			continue;
		e = (enum cf_error)crypto_keyring_copy(*kr, &nkr);
		if (e == CF_OK)
			e = (enum cf_error)crypto_keyring_rotate_to(nkr, (enum cf_compartment)c, to);
		if (e == CF_OK)
			e = casefile_records_rekey(cf, (enum cf_compartment)c, *kr, nkr, &rekeyed, &damaged);
		if (e == CF_OK)
			e = record_rotation(cf, nkr, me->id, c, to);
		if (e == CF_OK)
			e = grant_rotated(cf, nkr, me, users, nu, c);
		if (e == CF_OK) {
			crypto_keyring_free(kr);
			*kr = nkr;
			nkr = NULL;
			(*n)++;
		}
		crypto_keyring_free(&nkr);
	}
	store_meta_fini(&m);
	return e;
}

enum cf_error
casefile_rotate_revoked_now(struct cf_casefile *cf, struct cf_keyring **out)
{
	struct cf_store_user *users = NULL;
	struct cf_keyring *kr = NULL, *old = cf->kr;
	const struct cf_store_user *me;
	size_t nu = 0;
	int n = 0, dropped = 0, escrowed = 0;
	enum cf_error e;

	*out = NULL;
	if (cf->recovery || !cf->user_id || !cf->slot_kek || store_schema_version(cf->st) < 5)
		return CF_OK; /* the next unlock rotates */
	e = store_user_list(cf->st, &users, &nu);
	me = e == CF_OK ? find_user(users, nu, cf->user_id) : NULL;
	if (e == CF_OK && !me)
		e = CF_ERR_DAMAGED;
	if (e == CF_OK)
		e = (enum cf_error)crypto_keyring_copy(cf->kr, &kr);
	if (e == CF_OK)
		e = rotate_revoked(cf, me, users, nu, &kr, &n, &dropped);
	if (e == CF_OK && (n || dropped)) {
		cf->kr = kr;
		e = casefile_reseal_own(cf);
		if (e == CF_OK)
			e = escrow_recovery(cf, cf->user_id, &escrowed);
		if (e == CF_OK)
			e = casefile_drop_keys_publish(cf, me, users, nu, &escrowed);
		cf->kr = old;
		if (e == CF_OK) {
			*out = kr;
			kr = NULL;
		}
	}
	crypto_keyring_free(&kr);
	store_user_list_free(&users, nu);
	return e;
}

/*
 * The recovery key's side: give a file made before schema 5 the recovery
 * public key (signed: the recovery key holds the directory key), and merge
 * the keys that accounts rotated and sealed to it, each checked like a
 * grant against the verified directory. *wrote is set when anything changed.
 */
static enum cf_error
recovery_catch_up(struct cf_casefile *cf, const uint8_t *recovery_pk, const struct cf_store_user *users, size_t nu,
                  struct cf_keyring *kr, int *wrote, int *merged)
{
	struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, CF_RECOVERY_SLOT_ID };
	struct cf_store_grant *g = NULL;
	struct cf_store_meta m;
	size_t ng = 0;
	enum cf_error e;

	if (store_schema_version(cf->st) < 5)
		return CF_OK;
	e = store_meta_get(cf->st, &m);
	if (e != CF_OK)
		return e;
	if (!m.has_recovery_public_key) {
		e = store_meta_set_revocation(cf->st, m.has_revoked ? m.revoked : NULL, recovery_pk);
		if (e == CF_OK) {
			struct cf_keyring *old = cf->kr;

			cf->kr = kr;
			e = casefile_directory_sign(cf, NULL);
			cf->kr = old;
		}
		if (e == CF_OK)
			*wrote = *merged = 1; /* the recovery slot re-seals to pin the new epoch */
	} else if (crypto_memcmp(m.recovery_public_key, recovery_pk, CF_PUBLIC_KEY_BYTES) != 0) {
		e = CF_ERR_DAMAGED; /* signed, so not planted: but not this recovery key's */
	}
	store_meta_fini(&m);
	if (e == CF_OK)
		e = store_recovery_grant_list(cf->st, &g, &ng);
	for (size_t i = 0; e == CF_OK && i < ng; i++) {
		const struct cf_store_user *from = find_user(users, nu, g[i].granter_id);
		cf_compartment_mask got = 0;

		if (!from || !from->has_public_key || (g[i].compartments & ~entitled(from)) != 0) {
			e = CF_ERR_DAMAGED;
			break;
		}
		e = (enum cf_error)crypto_grant_open(kr, g[i].blob, g[i].blob_len, &ad, from->public_key, &got);
		if (e == CF_OK && got != g[i].compartments)
			e = CF_ERR_DAMAGED;
		if (e != CF_OK && e != CF_ERR_NOMEM)
			e = CF_ERR_DAMAGED;
	}
	for (size_t i = 0; e == CF_OK && i < ng; i++)
		e = store_recovery_grant_remove(cf->st, g[i].id, 0);
	if (e == CF_OK && ng) {
		*wrote = 1;
		*merged = 1;
	}
	store_grant_list_free(&g, ng);
	/* tell holders which keys the recovery slot now has, so they seal newer ones to it */
	if (e == CF_OK)
		e = store_meta_get(cf->st, &m);
	if (e == CF_OK) {
		uint32_t ids[CF_STORE_COMPARTMENTS];
		int same = m.has_recovery_key_ids;

		for (int c = 0; c < CF_STORE_COMPARTMENTS; c++) {
			ids[c] = crypto_keyring_key_id(kr, (enum cf_compartment)c);
			same = same && ids[c] == m.recovery_key_ids[c];
		}
		store_meta_fini(&m);
		if (!same) {
			e = store_meta_set_recovery_key_ids(cf->st, ids);
			if (e == CF_OK)
				*wrote = 1;
		}
	}
	return e;
}

/*
 * The recovery key's escrow: when the file knows the recovery public key and
 * the key ids its slot holds, seal every held compartment key newer than
 * those (after a rotation) to it, unless a pending recovery grant carries it.
 */
static enum cf_error
escrow_recovery(struct cf_casefile *cf, int64_t me_id, int *n)
{
	struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, CF_RECOVERY_SLOT_ID };
	struct cf_store_grant *g = NULL;
	struct cf_store_meta m;
	uint32_t newer = 0;
	size_t ng = 0;
	enum cf_error e;

	if (store_schema_version(cf->st) < 5)
		return CF_OK;
	e = store_meta_get(cf->st, &m);
	if (e != CF_OK)
		return e;
	if (m.has_recovery_public_key && m.has_recovery_key_ids) {
		for (int c = 0; c < CF_COMPARTMENT__COUNT; c++)
			if (crypto_keyring_has(cf->kr, (enum cf_compartment)c) &&
			    crypto_keyring_key_id(cf->kr, (enum cf_compartment)c) > m.recovery_key_ids[c])
				newer |= CF_COMPARTMENT_BIT(c);
		if (newer)
			e = store_recovery_grant_list(cf->st, &g, &ng);
		for (size_t i = 0; i < ng; i++)
			newer &= ~g[i].compartments; /* sealed already (by this account or another holder) */
		store_grant_list_free(&g, ng);
	}
	if (e == CF_OK && newer) {
		uint8_t *blob = NULL;
		size_t blob_len = 0;

		e = (enum cf_error)crypto_grant_seal(cf->kr, newer, m.recovery_public_key, &ad, &blob, &blob_len);
		if (e == CF_OK)
			e = store_recovery_grant_add(cf->st, me_id, newer, (int64_t)time(NULL), blob, blob_len);
		free(blob);
		if (e == CF_OK)
			(*n)++;
	}
	store_meta_fini(&m);
	return e;
}

enum cf_error
casefile_after_unlock(struct cf_casefile *cf, const struct cf_store_user *me, const struct casefile_dir_state *dv,
                      const uint8_t *recovery_pk, casefile_slot_sealer reseal, void *reseal_ctx)
{
	struct cf_store_user *users = NULL;
	struct cf_store_grant *grants = NULL;
	struct cf_keyring *kr = NULL;
	size_t nu = 0, ng = 0;
	int sign_now, repin, wrote = 0, escrowed = 0, in_txn = 0, rotated = 0, rec_merged = 0, stale_dropped = 0;
	int dir_rotated = 0, dir_dropped = 0;
	int64_t me_id = me ? me->id : 0;
	enum cf_error e;

	if (store_schema_version(cf->st) < 4)
		return CF_OK; /* not migrated (nothing this account could write yet) */
	e = (enum cf_error)crypto_keyring_copy(cf->kr, &kr);
	if (e != CF_OK)
		return e;
	/* the first holder of the directory key to open a file from before the signed directory signs it */
	sign_now = !dv->signed_dir && crypto_keyring_has(kr, CF_COMPARTMENT_DIRECTORY);
	repin = dv->signed_dir && dv->pin_stale;
	e = store_begin(cf->st);
	if (e != CF_OK)
		goto out;
	in_txn = 1;
	if (sign_now) {
		struct cf_keyring *old = cf->kr;
		uint8_t spk[CF_SIGN_PUBLIC_KEY_BYTES];

		if (me && crypto_keyring_sign_public_key(kr, spk) == CF_ERR_NOT_FOUND) {
			e = (enum cf_error)crypto_keyring_new_signing_key(kr);
			if (e == CF_OK)
				e = (enum cf_error)crypto_keyring_sign_public_key(kr, spk);
			if (e == CF_OK)
				e = store_user_set_sign_key(cf->st, me_id, spk);
		}
		cf->kr = kr;
		if (e == CF_OK)
			e = casefile_directory_sign(cf, NULL); /* pins kr */
		cf->kr = old;
		wrote = repin = 1;
	} else if (repin) {
		e = (enum cf_error)crypto_keyring_set_directory_pin(kr, dv->key, dv->epoch);
	}
	if (e == CF_OK)
		e = store_user_list(cf->st, &users, &nu);
	if (e == CF_OK && me)
		e = merge_grants(cf, me, users, nu, kr, &grants, &ng);
	/* revoked keys: rotated by the first remaining holder to unlock, before anyone writes with them */
	if (e == CF_OK && me && reseal && (dv->signed_dir || sign_now))
		e = rotate_revoked(cf, me, users, nu, &kr, &rotated, &stale_dropped);
	/* a revoked directory key (an admin removed by the recovery key): the first admin to unlock rotates it */
	if (e == CF_OK && me && reseal && (dv->signed_dir || sign_now))
		e = rotate_directory(cf, me, users, nu, &kr, &dir_rotated, &dir_dropped);
	if (e == CF_OK && dir_rotated) {
		struct cf_keyring *old = cf->kr;

		cf->kr = kr;
		e = casefile_directory_sign(cf, NULL); /* with the new key, at the transition's epoch; pins kr */
		cf->kr = old;
		wrote = 1;
	}
	rotated |= dir_rotated;
	stale_dropped |= dir_dropped;
	if (e == CF_OK && !me && recovery_pk && (dv->signed_dir || sign_now))
		e = recovery_catch_up(cf, recovery_pk, users, nu, kr, &wrote, &rec_merged);
	if (e != CF_OK)
		goto out;
	if ((repin || ng || dv->keys_dropped || rotated || rec_merged || stale_dropped) && reseal) {
		e = reseal(cf, kr, reseal_ctx);
		for (size_t i = 0; e == CF_OK && i < ng; i++)
			e = store_grant_remove(cf->st, grants[i].id);
		if (e == CF_OK)
			wrote = 1;
		else if (e == CF_ERR_NOT_FOUND && !rotated && !rec_merged)
			e = CF_OK; /* no way to re-seal this time: the grants wait for the next unlock */
	}
	/*
	 * Only a directory whose signature held decides who is entitled, and only
	 * an account can grant (its grants are checked against its public key).
	 */
	if (e == CF_OK && me && (dv->signed_dir || sign_now)) {
		struct cf_keyring *old = cf->kr;

		cf->kr = kr;
		e = escrow_grants(cf, me_id, users, nu, &escrowed);
		if (e == CF_OK)
			e = escrow_recovery(cf, me_id, &escrowed);
		/* the drop box's public keys, for writers without the compartment (after any rotation above) */
		if (e == CF_OK)
			e = casefile_drop_keys_publish(cf, me, users, nu, &escrowed);
		cf->kr = old;
		if (escrowed)
			wrote = 1;
	}
	if (e == CF_OK && wrote) {
		struct cf_keyring *old = cf->kr;

		cf->kr = kr;
		e = casefile_header_update(cf);
		cf->kr = old;
	}
	if (e == CF_OK)
		e = wrote ? store_commit(cf->st) : (store_rollback(cf->st), CF_OK);
	in_txn = 0;
out:
	if (in_txn)
		store_rollback(cf->st);
	store_user_list_free(&users, nu);
	store_grant_list_free(&grants, ng);
	if (e == CF_OK && (wrote || repin || dv->keys_dropped || rotated || stale_dropped)) {
		crypto_keyring_free(&cf->kr);
		cf->kr = kr;
		kr = NULL;
	}
	crypto_keyring_free(&kr);
	return e;
}
