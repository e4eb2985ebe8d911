/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Case file life cycle: create, open, unlock (keyslot + header MAC), lock, record sealing, demo. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "carefile/i18n.h"
#include "carefile/students.h"
#include "carefile/user.h"
#include "casefile-internal.h"

/* ---- canonical little-endian serialisation of the header ---- */

void
buf_put(struct buf *b, const void *p, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		uint8_t *np;

		while (ncap < b->len + n)
			ncap *= 2;
		np = realloc(b->p, ncap);
		if (!np) {
			b->failed = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

void
buf_u64(struct buf *b, uint64_t v)
{
	uint8_t x[8];

	for (int i = 0; i < 8; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	buf_put(b, x, 8);
}

void
buf_u32(struct buf *b, uint32_t v)
{
	uint8_t x[4];

	for (int i = 0; i < 4; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	buf_put(b, x, 4);
}

void
buf_lv(struct buf *b, const void *p, size_t n)
{
	buf_u32(b, (uint32_t)n);
	buf_put(b, p, n);
}

static void
header_fields(struct buf *b, const struct cf_store_meta *m)
{
	static const char tag[] = "carefile header v1";

	buf_lv(b, tag, sizeof tag - 1);
	buf_u32(b, (uint32_t)m->format_version);
	buf_lv(b, m->file_id, sizeof m->file_id);
	buf_u64(b, (uint64_t)m->created);
}

enum cf_error
buf_hash_free(struct buf *b, uint8_t out[CF_HASH_BYTES])
{
	enum cf_error e = CF_OK;

	if (b->failed)
		e = CF_ERR_NOMEM;
	else
		crypto_hash_blake2b(b->p, b->len, out);
	free(b->p);
	memset(b, 0, sizeof *b);
	return e;
}

/* Unkeyed BLAKE2b of the format fields: accidental damage is found before any key derivation. */
static enum cf_error
header_sum(const struct cf_store_meta *m, uint8_t out[CF_HASH_BYTES])
{
	struct buf b = { 0 };

	header_fields(&b, m);
	return buf_hash_free(&b, out);
}

/*
 * The bytes the header MAC covers: format fields, then every user, keyslot
 * (metadata and blob) and grant in id order. Caller frees *out.
 */
static enum cf_error
header_bytes(struct cf_store *st, uint8_t **out, size_t *len)
{
	struct cf_store_meta m;
	struct cf_store_user *users = NULL;
	struct cf_store_keyslot *slots = NULL;
	struct cf_store_grant *grants = NULL;
	size_t nu = 0, ns = 0, ng = 0;
	struct buf b = { 0 };
	enum cf_error e;

	*out = NULL;
	*len = 0;
	e = store_meta_get(st, &m);
	if (e != CF_OK)
		return e;
	e = store_user_list(st, &users, &nu);
	if (e == CF_OK)
		e = store_keyslot_list(st, &slots, &ns);
	if (e == CF_OK)
		e = store_grant_list(st, 0, &grants, &ng);
	if (e == CF_OK) {
		header_fields(&b, &m);
		/* schema 3 on: which compartments may still hold rows sealed without their columns bound */
		if (store_schema_version(st) >= 3) {
			static const char tag[] = "legacy records";

			buf_lv(&b, tag, sizeof tag - 1);
			buf_u32(&b, m.legacy_records);
		}
		/* schema 4 on: the signed directory's key, epoch and signature */
		if (store_schema_version(st) >= 4) {
			static const char tag[] = "directory";

			buf_lv(&b, tag, sizeof tag - 1);
			buf_lv(&b, m.directory_key, m.has_directory_key ? sizeof m.directory_key : 0);
			buf_u64(&b, m.directory_epoch);
			buf_lv(&b, m.directory_sig, m.directory_sig_len);
		}
		/* schema 5 on: revocations, the recovery key's public key and the grants sealed to it */
		if (store_schema_version(st) >= 5) {
			static const char tag[] = "revocation";
			struct cf_store_grant *rg = NULL;
			size_t nr = 0;

			buf_lv(&b, tag, sizeof tag - 1);
			buf_u32(&b, (uint32_t)m.has_revoked);
			for (int c = 0; c < CF_STORE_COMPARTMENTS; c++)
				buf_u64(&b, m.revoked[c]);
			buf_lv(&b, m.recovery_public_key, m.has_recovery_public_key ? sizeof m.recovery_public_key : 0);
			buf_u64(&b, m.generation);
			buf_u32(&b, (uint32_t)m.has_recovery_key_ids);
			for (int c = 0; c < CF_STORE_COMPARTMENTS; c++)
				buf_u32(&b, m.recovery_key_ids[c]);
			e = store_recovery_grant_list(st, &rg, &nr);
			buf_u32(&b, (uint32_t)nr);
			for (size_t i = 0; i < nr; i++) {
				buf_u64(&b, (uint64_t)rg[i].id);
				buf_u64(&b, (uint64_t)rg[i].granter_id);
				buf_u32(&b, rg[i].compartments);
				buf_u64(&b, (uint64_t)rg[i].created);
				buf_lv(&b, rg[i].blob, rg[i].blob_len);
			}
			store_grant_list_free(&rg, nr);
			if (e == CF_OK) {
				struct cf_store_rotation *r = NULL;
				size_t nrot = 0;

				e = store_rotation_list(st, &r, &nrot);
				buf_u32(&b, (uint32_t)nrot);
				for (size_t i = 0; i < nrot; i++) {
					buf_u64(&b, (uint64_t)r[i].id);
					buf_u32(&b, (uint32_t)r[i].compartment);
					buf_u32(&b, r[i].key_id);
					buf_u64(&b, (uint64_t)r[i].rotator_id);
					buf_u64(&b, (uint64_t)r[i].created);
					buf_lv(&b, r[i].sig, sizeof r[i].sig);
				}
				free(r);
			}
		}
		/* schema 6 on: the audit log's head (its last entry's seq and hash) */
		if (e == CF_OK && store_schema_version(st) >= 6) {
			static const char tag[] = "audit";
			struct cf_store_audit last;
			enum cf_error le = store_audit_last(st, &last);

			buf_lv(&b, tag, sizeof tag - 1);
			if (le == CF_OK) {
				buf_u64(&b, (uint64_t)last.seq);
				buf_lv(&b, last.hash, sizeof last.hash);
			} else if (le == CF_ERR_NOT_FOUND) {
				buf_u64(&b, 0);
				buf_lv(&b, NULL, 0);
			} else {
				e = le;
			}
		}
		/* schema 7 on: the published drop keys (a row planted or removed without a keyslot fails the MAC) */
		if (e == CF_OK && store_schema_version(st) >= 7) {
			static const char tag[] = "drop keys";

			buf_lv(&b, tag, sizeof tag - 1);
			for (int c = 0; e == CF_OK && c < CF_COMPARTMENT__COUNT; c++) {
				struct cf_store_drop_key k;
				enum cf_error ke = store_drop_key_get(st, c, &k);

				if (ke == CF_ERR_NOT_FOUND) {
					buf_u32(&b, 0);
				} else if (ke == CF_OK) {
					buf_u32(&b, k.key_id);
					buf_lv(&b, k.public_key, sizeof k.public_key);
					buf_u64(&b, (uint64_t)k.signer_id);
					buf_lv(&b, k.sig, sizeof k.sig);
				} else {
					e = ke;
				}
			}
		}
		/* schema 8 on: the directory-key transitions */
		if (e == CF_OK && store_schema_version(st) >= 8) {
			static const char tag[] = "directory transitions";
			struct cf_store_dir_transition *t = NULL;
			size_t nt = 0;

			e = store_dir_transition_list(st, &t, &nt);
			buf_lv(&b, tag, sizeof tag - 1);
			buf_u32(&b, (uint32_t)nt);
			for (size_t i = 0; e == CF_OK && i < nt; i++) {
				buf_u64(&b, t[i].epoch);
				buf_lv(&b, t[i].old_key, sizeof t[i].old_key);
				buf_lv(&b, t[i].new_key, sizeof t[i].new_key);
				buf_lv(&b, t[i].sig, sizeof t[i].sig);
			}
			free(t);
		}
		buf_u32(&b, (uint32_t)nu);
		/* store_user_list() orders by name; the MAC does not depend on that order's collation */
		for (size_t i = 0; i < nu; i++) {
			const struct cf_store_user *u = &users[i];

			buf_u64(&b, (uint64_t)u->id);
			buf_lv(&b, u->uuid, sizeof u->uuid);
			buf_lv(&b, u->name, strlen(u->name));
			buf_u32(&b, u->roles);
			buf_u64(&b, (uint64_t)u->created);
			buf_u32(&b, (uint32_t)u->disabled);
			buf_lv(&b, u->public_key, u->has_public_key ? sizeof u->public_key : 0);
			if (store_schema_version(st) >= 4)
				buf_lv(&b, u->sign_key, u->has_sign_key ? sizeof u->sign_key : 0);
		}
		buf_u32(&b, (uint32_t)ns);
		for (size_t i = 0; i < ns; i++) {
			const struct cf_store_keyslot *k = &slots[i];

			buf_u64(&b, (uint64_t)k->id);
			buf_lv(&b, k->uuid, sizeof k->uuid);
			buf_u32(&b, (uint32_t)k->kind);
			buf_u64(&b, (uint64_t)k->user_id);
			buf_u32(&b, k->compartments);
			buf_u64(&b, (uint64_t)k->created);
			buf_lv(&b, k->blob, k->blob_len);
		}
		buf_u32(&b, (uint32_t)ng);
		for (size_t i = 0; i < ng; i++) {
			const struct cf_store_grant *g = &grants[i];

			buf_u64(&b, (uint64_t)g->id);
			buf_u64(&b, (uint64_t)g->user_id);
			if (store_schema_version(st) >= 4)
				buf_u64(&b, (uint64_t)g->granter_id);
			buf_u32(&b, g->compartments);
			buf_u64(&b, (uint64_t)g->created);
			buf_lv(&b, g->blob, g->blob_len);
		}
		if (b.failed)
			e = CF_ERR_NOMEM;
	}
	store_meta_fini(&m);
	store_user_list_free(&users, nu);
	store_keyslot_list_free(&slots, ns);
	store_grant_list_free(&grants, ng);
	if (e != CF_OK) {
		free(b.p);
		return e;
	}
	*out = b.p;
	*len = b.len;
	return CF_OK;
}

enum cf_error
casefile_header_update(struct cf_casefile *cf)
{
	uint8_t mac[CF_MAC_BYTES];
	uint8_t *bytes = NULL;
	size_t len = 0;
	enum cf_error e;

	if (!cf->kr)
		return CF_ERR_LOCKED;
	/* every write transaction ends here: the rollback witness counts them */
	e = store_meta_bump_generation(cf->st);
	if (e == CF_OK)
		e = header_bytes(cf->st, &bytes, &len);
	if (e != CF_OK)
		return e;
	e = (enum cf_error)crypto_header_mac(cf->kr, bytes, len, mac);
	free(bytes);
	if (e == CF_OK)
		e = store_meta_set_mac(cf->st, mac, sizeof mac);
	return e;
}

static enum cf_error
header_verify(struct cf_casefile *cf, const struct cf_keyring *kr)
{
	struct cf_store_meta m;
	uint8_t *bytes = NULL;
	size_t len = 0;
	enum cf_error e;

	e = store_meta_get(cf->st, &m);
	if (e != CF_OK)
		return e;
	if (!m.mac || m.mac_len != CF_MAC_BYTES) {
		store_meta_fini(&m);
		return CF_ERR_DAMAGED;
	}
	e = header_bytes(cf->st, &bytes, &len);
	if (e == CF_OK)
		e = (enum cf_error)crypto_header_mac_verify(kr, bytes, len, m.mac);
	free(bytes);
	store_meta_fini(&m);
	return e == CF_OK ? CF_OK : (e == CF_ERR_NOMEM ? e : CF_ERR_DAMAGED);
}

/* ---- open / create ---- */

static struct cf_casefile *
casefile_new(const char *path)
{
	struct cf_casefile *cf = calloc(1, sizeof *cf);

	if (!cf)
		return NULL;
	cf->path = strdup(path);
	if (!cf->path) {
		free(cf);
		return NULL;
	}
	return cf;
}

/* True when the file has no user at all: with no header checksum, the creation never finished. */
static int
no_users(struct cf_store *st)
{
	struct cf_store_user *users = NULL;
	size_t n = 0;

	if (store_user_list(st, &users, &n) != CF_OK)
		return 0;
	store_user_list_free(&users, n);
	return n == 0;
}

static enum cf_error
load_meta(struct cf_casefile *cf, enum cf_store_reason *reason)
{
	struct cf_store_meta m;
	uint8_t sum[CF_HASH_BYTES];
	enum cf_error e = store_meta_get(cf->st, &m);

	if (e != CF_OK) {
		if (reason)
			*reason = CF_STORE_REASON_HEADER;
		return e;
	}
	e = header_sum(&m, sum);
	if (e == CF_OK && (!m.sum || m.sum_len != sizeof sum || crypto_memcmp(m.sum, sum, sizeof sum) != 0)) {
		e = CF_ERR_DAMAGED;
		if (reason)
			*reason = !m.sum && no_users(cf->st) ? CF_STORE_REASON_UNFINISHED : CF_STORE_REASON_HEADER;
	}
	cf->format_version = m.format_version;
	memcpy(cf->file_id, m.file_id, sizeof cf->file_id);
	store_meta_fini(&m);
	return e;
}

enum cf_error
casefile_open(const char *path, struct cf_casefile **out, enum cf_store_reason *reason)
{
	struct cf_casefile *cf;
	enum cf_error e;

	*out = NULL;
	if (reason)
		*reason = CF_STORE_REASON_NONE;
	if (crypto_init() != CF_OK)
		return CF_ERR_CRYPTO;
	cf = casefile_new(path);
	if (!cf)
		return CF_ERR_NOMEM;
	e = store_open(path, &cf->st, reason);
	if (e == CF_OK)
		e = load_meta(cf, reason);
	if (e != CF_OK) {
		store_close_refused(&cf->st); /* fail closed: a refused file is not checkpointed either */
		casefile_close(&cf);
		return e;
	}
	*out = cf;
	return CF_OK;
}

enum cf_error
casefile_kdf_params(const struct cf_kdf_params *kdf, struct cf_kdf_params *out)
{
	if (kdf) {
		*out = *kdf;
		return (enum cf_error)crypto_kdf_params_check(out);
	}
	return (enum cf_error)crypto_kdf_calibrate(1.0, out);
}

enum cf_error
casefile_create(const char *path, const char *user, const char *pass, size_t pass_len, int skip_strength,
                const struct cf_kdf_params *kdf, char **recovery_text, struct cf_casefile **out,
                enum cf_store_reason *reason)
{
	struct cf_casefile *cf = NULL;
	struct cf_kdf_params params;
	struct cf_recovery_key *rk = NULL;
	uint8_t uuid[CF_UUID_BYTES], pk[CF_PUBLIC_KEY_BYTES], spk[CF_SIGN_PUBLIC_KEY_BYTES], sum[CF_HASH_BYTES];
	uint8_t dir_key[CF_SIGN_PUBLIC_KEY_BYTES];
	uint8_t rpk[CF_PUBLIC_KEY_BYTES];
	uint64_t epoch = 0;
	uint8_t *blob = NULL, *rblob = NULL;
	size_t blob_len = 0, rblob_len = 0;
	struct cf_store_meta m;
	int64_t now = (int64_t)time(NULL);
	const uint32_t roles = CF_ROLE_ADMIN | CF_ROLE_COUNSELOR | CF_ROLE_SUPERVISOR;
	int created = 0;
	enum cf_error e;

	*out = NULL;
	if (recovery_text)
		*recovery_text = NULL;
	if (reason)
		*reason = CF_STORE_REASON_NONE;
	if (crypto_init() != CF_OK)
		return CF_ERR_CRYPTO;
	if (!user_name_valid(user))
		return CF_ERR_INVALID;
	if (!skip_strength) {
		e = user_passphrase_check(pass, user, NULL);
		if (e != CF_OK)
			return e;
	}
	e = casefile_kdf_params(kdf, &params);
	if (e != CF_OK)
		return e;
	cf = casefile_new(path);
	if (!cf)
		return CF_ERR_NOMEM;
	crypto_random_bytes(cf->file_id, sizeof cf->file_id);
	cf->format_version = CF_STORE_SCHEMA_VERSION;
	/*
	 * Every slow step (Argon2id for the user's slot, key generation) runs
	 * before the file exists: a creation interrupted there leaves nothing,
	 * and the file exists unfinished only for the milliseconds of the
	 * SQL below.
	 */
	/* roles admin+counselor+supervisor hold every compartment: see user.h */
	e = (enum cf_error)crypto_keyring_generate(CF_COMPARTMENT_MASK_ALL, &cf->kr);
	/* both slots pin the directory this call signs below, at epoch 1 */
	if (e == CF_OK)
		e = (enum cf_error)crypto_directory_public_key(cf->kr, dir_key);
	if (e == CF_OK)
		e = (enum cf_error)crypto_keyring_set_directory_pin(cf->kr, dir_key, 1);
	if (e == CF_OK) {
		struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, user };

		e = (enum cf_error)crypto_keyslot_seal_passphrase_kek(cf->kr, pass, pass_len, &params, &ad, &blob, &blob_len,
		                                                      &cf->slot_kek);
	}
	if (e == CF_OK)
		e = (enum cf_error)crypto_recovery_key_generate(&rk);
	if (e == CF_OK) {
		struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, CF_RECOVERY_SLOT_ID };

		e = (enum cf_error)crypto_keyslot_seal_recovery(cf->kr, rk, &ad, &rblob, &rblob_len);
	}
	if (e == CF_OK)
		e = (enum cf_error)crypto_keyring_public_key(cf->kr, pk);
	if (e == CF_OK)
		e = (enum cf_error)crypto_keyring_sign_public_key(cf->kr, spk);
	if (e != CF_OK)
		goto fail;
	e = store_create(path, cf->file_id, now, &cf->st, reason);
	if (e != CF_OK)
		goto fail;
	created = 1;
	e = store_begin(cf->st);
	if (e != CF_OK)
		goto fail;
	e = store_meta_get(cf->st, &m);
	if (e == CF_OK) {
		e = header_sum(&m, sum);
		store_meta_fini(&m);
	}
	if (e == CF_OK)
		e = store_meta_set_sum(cf->st, sum, sizeof sum);
	/* a new file has no row sealed the old way */
	if (e == CF_OK)
		e = store_meta_set_legacy(cf->st, 0);
	crypto_random_uuid(uuid);
	if (e == CF_OK)
		e = store_user_add(cf->st, user, uuid, roles, now, &cf->user_id);
	if (e == CF_OK)
		e = store_user_set_public_key(cf->st, cf->user_id, pk);
	if (e == CF_OK)
		e = store_user_set_sign_key(cf->st, cf->user_id, spk);
	crypto_random_uuid(uuid);
	if (e == CF_OK)
		e = store_keyslot_put(cf->st, CF_SLOT_PASSPHRASE, cf->user_id, uuid, crypto_keyring_mask(cf->kr), now,
		                      blob, blob_len);
	crypto_random_uuid(uuid);
	if (e == CF_OK)
		e = store_keyslot_put(cf->st, CF_SLOT_RECOVERY, 0, uuid, CF_COMPARTMENT_MASK_ALL, now, rblob, rblob_len);
	free(blob);
	blob = NULL;
	free(rblob);
	rblob = NULL;
	/* rotated keys are sealed to the recovery key's public key (signed with the directory) */
	if (e == CF_OK)
		e = (enum cf_error)crypto_recovery_public_key(rk, rpk);
	if (e == CF_OK)
		e = store_meta_set_revocation(cf->st, NULL, rpk);
	if (e == CF_OK) {
		uint32_t ids[CF_STORE_COMPARTMENTS];

		for (int c = 0; c < CF_STORE_COMPARTMENTS; c++)
			ids[c] = crypto_keyring_key_id(cf->kr, (enum cf_compartment)c);
		e = store_meta_set_recovery_key_ids(cf->st, ids);
	}
	if (e == CF_OK)
		e = casefile_directory_sign(cf, &epoch);
	if (e == CF_OK && epoch != 1)
		e = CF_ERR_FAIL;
	/* the drop box is open from the start: a hotline account added later can hand alerts over at once */
	if (e == CF_OK) {
		struct cf_store_user *users = NULL;
		const struct cf_store_user *me = NULL;
		size_t nu = 0;
		int n = 0;

		e = store_user_list(cf->st, &users, &nu);
		for (size_t i = 0; e == CF_OK && i < nu; i++)
			if (users[i].id == cf->user_id)
				me = &users[i];
		if (e == CF_OK)
			e = casefile_drop_keys_publish(cf, me, users, nu, &n);
		store_user_list_free(&users, nu);
	}
	if (e == CF_OK)
		e = casefile_header_update(cf);
	if (e == CF_OK && recovery_text) {
		*recovery_text = crypto_secure_alloc(CF_RECOVERY_TEXT_SIZE);
		if (!*recovery_text)
			e = CF_ERR_NOMEM;
		else
			e = (enum cf_error)crypto_recovery_key_format(rk, *recovery_text, CF_RECOVERY_TEXT_SIZE);
	}
	crypto_recovery_key_free(&rk);
	if (e == CF_OK)
		e = store_commit(cf->st);
	if (e != CF_OK)
		goto fail;
	cf->user = strdup(user);
	if (!cf->user) {
		e = CF_ERR_NOMEM;
		goto fail;
	}
	cf->roles = roles;
	*out = cf;
	return CF_OK;

fail:
	free(blob);
	free(rblob);
	crypto_recovery_key_free(&rk);
	if (recovery_text && *recovery_text) {
		crypto_secure_free(*recovery_text);
		*recovery_text = NULL;
	}
	casefile_close(&cf);
	/* fail closed: no half-made case file is left at the path this call created */
	if (created)
		(void)unlink(path);
	return e == CF_OK ? CF_ERR_FAIL : e;
}

enum cf_error
casefile_init(const char *path, const char *user, const char *pass, size_t pass_len,
              const struct cf_kdf_params *kdf, char **recovery_text, enum cf_store_reason *reason)
{
	struct cf_casefile *cf = NULL;
	enum cf_error e = casefile_create(path, user, pass, pass_len, 0, kdf, recovery_text, &cf, reason);

	casefile_close(&cf);
	return e;
}

/* ---- unlock / lock ---- */

struct pass_ctx {
	const char *pass;
	size_t len;
};

static int
open_with_passphrase(const uint8_t *blob, size_t blob_len, const struct cf_keyslot_ad *ad, void *ctx,
                     struct cf_keyring **out, uint8_t **kek)
{
	const struct pass_ctx *p = ctx;

	return crypto_keyslot_open_passphrase_kek(blob, blob_len, p->pass, p->len, ad, out, kek);
}

struct reseal_ctx {
	const struct cf_store_user *u;
	const struct cf_store_keyslot *slot;
	const char *pass;
	size_t pass_len;
};

/* Re-seals the unlocking account's passphrase slot with the same passphrase and KDF cost. */
static enum cf_error
reseal_passphrase(struct cf_casefile *cf, const struct cf_keyring *kr, void *ctx)
{
	const struct reseal_ctx *r = ctx;
	struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, r->u->name };
	struct cf_kdf_params params;
	uint8_t *blob = NULL;
	size_t blob_len = 0;
	int kind;
	enum cf_error e;

	if (cf->slot_kek)
		e = (enum cf_error)crypto_keyslot_reseal_kek(kr, r->slot->blob, r->slot->blob_len, cf->slot_kek, &ad, &blob,
		                                             &blob_len);
	else if (!r->pass)
		return CF_ERR_NOT_FOUND; /* nothing to re-seal with: the next unlock does it */
	else if ((e = (enum cf_error)crypto_keyslot_info(r->slot->blob, r->slot->blob_len, &kind, &params)) == CF_OK)
		e = (enum cf_error)crypto_keyslot_seal_passphrase(kr, r->pass, r->pass_len, &params, &ad, &blob, &blob_len);
	if (e == CF_OK)
		e = store_keyslot_put(cf->st, CF_SLOT_PASSPHRASE, r->u->id, r->slot->uuid, crypto_keyring_mask(kr),
		                      (int64_t)time(NULL), blob, blob_len);
	free(blob);
	return e;
}

/* The write counter, directory epoch and audit log's last entry of the file as it is now (authenticated by the caller). */
static void
file_counters(struct cf_casefile *cf, uint64_t *generation, uint64_t *epoch, struct cf_store_audit *last)
{
	struct cf_store_meta m;

	*generation = *epoch = 0;
	memset(last, 0, sizeof *last);
	if (store_audit_last(cf->st, last) != CF_OK)
		memset(last, 0, sizeof *last);
	if (store_meta_get(cf->st, &m) != CF_OK)
		return;
	*generation = m.generation;
	*epoch = m.directory_epoch;
	store_meta_fini(&m);
}

/*
 * Whether the file's audit log still holds, at the place this PC saw last,
 * the entry it saw: a chain cut back and rewritten (and the header re-MACed
 * by a keyslot holder) does not, whatever its write counter says.
 */
static int
audit_seen_still_there(struct cf_casefile *cf, const struct witness_seen *seen)
{
	struct cf_store_audit a;

	if (seen->audit_seq <= 0 || store_schema_version(cf->st) < 6)
		return 1;
	if (store_audit_get(cf->st, seen->audit_seq, &a) != CF_OK)
		return 0;
	return crypto_memcmp(a.hash, seen->audit_head, sizeof a.hash) == 0;
}

/*
 * CF_ERR_ROLLBACK when this PC's witness has seen a newer state of this file
 * as user (cf->rollback_seen/now say which), unless the user accepted it
 * (casefile_accept_rollback()), which also resets the witness to this file.
 */
static enum cf_error
rollback_check(struct cf_casefile *cf, const char *user)
{
	struct witness_seen seen;
	struct cf_store_audit last;
	uint64_t gen, epoch;

	file_counters(cf, &gen, &epoch, &last);
	witness_read(cf->file_id, user, &seen);
	cf->rollback_seen = seen.generation;
	cf->rollback_now = gen;
	if (!seen.known || (gen >= seen.generation && epoch >= seen.epoch && audit_seen_still_there(cf, &seen)))
		return CF_OK;
	if (cf->accept_rollback) {
		cf->accept_rollback = 0;
		witness_write(cf->file_id, user, gen, epoch, last.seq, last.seq ? last.hash : NULL, 1);
		return CF_OK;
	}
	return CF_ERR_ROLLBACK;
}

/* After an unlock and at lock: this PC remembers the file as the account leaves it. */
static void
witness_note(struct cf_casefile *cf)
{
	struct cf_store_audit last;
	uint64_t gen, epoch;

	if (!cf->kr || cf->recovery || !cf->user)
		return;
	file_counters(cf, &gen, &epoch, &last);
	witness_write(cf->file_id, cf->user, gen, epoch, last.seq, last.seq ? last.hash : NULL, 0);
}

void
casefile_accept_rollback(struct cf_casefile *cf)
{
	if (cf)
		cf->accept_rollback = 1;
}

void
casefile_rollback_counts(const struct cf_casefile *cf, uint64_t *seen, uint64_t *now)
{
	*seen = cf ? cf->rollback_seen : 0;
	*now = cf ? cf->rollback_now : 0;
}

/* The account's signing key must be the one the directory lists (none on either side for an old account). */
static enum cf_error
check_sign_key(const struct cf_store_user *u, const struct cf_keyring *kr)
{
	uint8_t spk[CF_SIGN_PUBLIC_KEY_BYTES];
	int has = crypto_keyring_sign_public_key(kr, spk) == CF_OK;

	if (has != !!u->has_sign_key)
		return CF_ERR_DAMAGED;
	if (has && crypto_memcmp(spk, u->sign_key, sizeof spk) != 0)
		return CF_ERR_DAMAGED;
	return CF_OK;
}

enum cf_error
casefile_unlock_with(struct cf_casefile *cf, const char *user, casefile_slot_opener opener, void *ctx,
                     const char *pass, size_t pass_len)
{
	struct cf_store_user u;
	struct cf_store_keyslot slot;
	struct cf_keyring *kr = NULL;
	struct casefile_dir_state dv;
	uint8_t pk[CF_PUBLIC_KEY_BYTES];
	enum cf_error e;

	if (!cf || !user)
		return CF_ERR_INVALID;
	if (cf->kr)
		return CF_ERR_FAIL;
	if (cf->user && strcmp(cf->user, user) != 0)
		return CF_ERR_AUTH;
	e = store_user_find(cf->st, user, &u);
	if (e == CF_ERR_NOT_FOUND) {
		witness_failed_note(cf->file_id, 0, (int64_t)time(NULL)); /* for the audit log, at the next unlock */
		return CF_ERR_AUTH;
	}
	if (e != CF_OK)
		return e;
	e = store_keyslot_get(cf->st, CF_SLOT_PASSPHRASE, u.id, &slot);
	if (e == CF_ERR_NOT_FOUND)
		e = CF_ERR_DAMAGED;
	if (e != CF_OK) {
		store_user_fini(&u);
		return e;
	}
	{
		struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, u.name };

		crypto_secure_free(cf->slot_kek);
		cf->slot_kek = NULL;
		e = (enum cf_error)opener(slot.blob, slot.blob_len, &ad, ctx, &kr, &cf->slot_kek);
		if (e == CF_ERR_AUTH)
			witness_failed_note(cf->file_id, u.id, (int64_t)time(NULL));
	}
	/* What the slot says it holds, what it holds and who it belongs to must agree. */
	if (e == CF_OK && crypto_keyring_mask(kr) != slot.compartments)
		e = CF_ERR_DAMAGED;
	if (e == CF_OK && (crypto_keyring_public_key(kr, pk) != CF_OK || !u.has_public_key ||
	                   crypto_memcmp(pk, u.public_key, sizeof pk) != 0))
		e = CF_ERR_DAMAGED;
	if (e == CF_OK)
		e = header_verify(cf, kr);
	/* roles, keys and the disabled flag below are read from the directory as verified here */
	if (e == CF_OK)
		e = casefile_directory_verify(cf, kr, &dv);
	if (e == CF_OK && dv.signed_dir)
		e = check_sign_key(&u, kr);
	/* told only now, after the passphrase proved right: the flag is no oracle for guessing */
	if (e == CF_OK && u.disabled)
		e = CF_ERR_DISABLED;
	/* older than this account last saw on this PC: nothing is written until the user says so */
	if (e == CF_OK)
		e = rollback_check(cf, u.name);
	if (e == CF_OK) {
		struct reseal_ctx rc = { &u, &slot, pass, pass_len };

		/*
		 * Least privilege: the keys of the user's roles (read from the
		 * directory as verified above) and no others, even when an older
		 * version sealed more into the slot; the slot is re-sealed so below.
		 */
		/*
		 * In a file not signed yet the roles are only MACed: an insider who
		 * lowers them can make an account drop keys for good. That is
		 * destruction, which write access allows anyway (doc/trust.md);
		 * keeping keys a role no longer gives would be a leak.
		 */
		if (crypto_keyring_mask(kr) & ~user_roles_compartments(u.roles)) {
			crypto_keyring_drop(kr, crypto_keyring_mask(kr) & ~user_roles_compartments(u.roles));
			dv.keys_dropped = 1;
		}
		cf->kr = kr;
		kr = NULL;
		cf->user_id = u.id; /* the author of the audit entries the writes below append */
		cf->recovery = 0;
		/* authenticated: only now may the file be written (migration, upgrade, directory, grants) */
		e = casefile_upgrade(cf);
		if (e == CF_OK)
			e = casefile_after_unlock(cf, &u, &dv, NULL, reseal_passphrase, &rc);
		if (e != CF_OK)
			crypto_keyring_free(&cf->kr);
	}
	crypto_keyring_free(&kr);
	if (e != CF_OK) {
		crypto_secure_free(cf->slot_kek);
		cf->slot_kek = NULL;
	}
	if (e == CF_OK && !cf->user) {
		cf->user = strdup(user);
		if (!cf->user) {
			crypto_keyring_free(&cf->kr);
			e = CF_ERR_NOMEM;
		}
	}
	if (e == CF_OK) {
		cf->user_id = u.id;
		cf->roles = u.roles;
		cf->recovery = 0;
		/* wrong passphrases tried on this PC since the last unlock: into the log now, signed by this account */
		(void)casefile_audit_failed_unlocks(cf);
		witness_note(cf);
	}
	store_keyslot_fini(&slot);
	store_user_fini(&u);
	return e;
}

enum cf_error
casefile_unlock(struct cf_casefile *cf, const char *user, const char *pass, size_t pass_len)
{
	struct pass_ctx ctx = { pass, pass_len };

	return casefile_unlock_with(cf, user, open_with_passphrase, &ctx, pass, pass_len);
}

struct recovery_reseal {
	const struct cf_recovery_key *rk;
	const struct cf_store_keyslot *slot;
};

/* Re-seals the recovery slot (fast: no Argon2id) so that it pins the directory too. */
static enum cf_error
reseal_recovery(struct cf_casefile *cf, const struct cf_keyring *kr, void *ctx)
{
	const struct recovery_reseal *r = ctx;
	struct cf_keyslot_ad ad = { (uint32_t)cf->format_version, cf->file_id, CF_RECOVERY_SLOT_ID };
	uint8_t *blob = NULL;
	size_t blob_len = 0;
	enum cf_error e = (enum cf_error)crypto_keyslot_seal_recovery(kr, r->rk, &ad, &blob, &blob_len);

	if (e == CF_OK)
		e = store_keyslot_put(cf->st, CF_SLOT_RECOVERY, 0, r->slot->uuid, CF_COMPARTMENT_MASK_ALL,
		                      (int64_t)time(NULL), blob, blob_len);
	free(blob);
	return e;
}

enum cf_error
casefile_unlock_recovery(struct cf_casefile *cf, const char *text, size_t len, size_t *bad_group)
{
	struct cf_recovery_key *rk = NULL;
	struct cf_store_keyslot slot;
	struct cf_keyring *kr = NULL;
	struct cf_keyslot_ad ad;
	struct casefile_dir_state dv;
	uint8_t rpk[CF_PUBLIC_KEY_BYTES];
	enum cf_error e;

	if (!cf)
		return CF_ERR_INVALID;
	if (cf->kr)
		return CF_ERR_FAIL;
	if (cf->user)
		return CF_ERR_AUTH; /* a locked session returns to its own user only */
	e = (enum cf_error)crypto_recovery_key_parse(text, len, &rk, bad_group);
	if (e != CF_OK)
		return e;
	e = store_keyslot_get(cf->st, CF_SLOT_RECOVERY, 0, &slot);
	if (e == CF_ERR_NOT_FOUND)
		e = CF_ERR_DAMAGED;
	if (e != CF_OK) {
		crypto_recovery_key_free(&rk);
		return e;
	}
	ad.format_version = (uint32_t)cf->format_version;
	ad.file_id = cf->file_id;
	ad.slot_id = CF_RECOVERY_SLOT_ID;
	e = (enum cf_error)crypto_keyslot_open_recovery(slot.blob, slot.blob_len, rk, &ad, &kr);
	if (e == CF_ERR_AUTH)
		witness_failed_note(cf->file_id, 0, (int64_t)time(NULL));
	if (e == CF_OK && (crypto_keyring_mask(kr) != CF_COMPARTMENT_MASK_ALL ||
	                   slot.compartments != CF_COMPARTMENT_MASK_ALL))
		e = CF_ERR_DAMAGED;
	if (e == CF_OK)
		e = header_verify(cf, kr);
	if (e == CF_OK)
		e = casefile_directory_verify(cf, kr, &dv);
	if (e != CF_OK) {
		store_keyslot_fini(&slot);
		crypto_recovery_key_free(&rk);
		crypto_keyring_free(&kr);
		return e;
	}
	cf->kr = kr;
	/* grants of rotated keys are sealed to the recovery key's own key pair */
	e = (enum cf_error)crypto_keyring_use_recovery_box(cf->kr, rk);
	if (e == CF_OK)
		e = (enum cf_error)crypto_recovery_public_key(rk, rpk);
	cf->recovery = 1; /* its audit entries are signed with the directory's key */
	cf->user_id = 0;
	if (e == CF_OK)
		e = casefile_upgrade(cf);
	if (e == CF_OK) {
		struct recovery_reseal rr = { rk, &slot };

		e = casefile_after_unlock(cf, NULL, &dv, rpk, reseal_recovery, &rr);
	}
	store_keyslot_fini(&slot);
	crypto_recovery_key_free(&rk);
	if (e != CF_OK) {
		crypto_keyring_free(&cf->kr);
		cf->recovery = 0;
		return e;
	}
	cf->recovery = 1;
	cf->roles = CF_ROLE_ALL;
	cf->user_id = 0;
	(void)casefile_audit_failed_unlocks(cf);
	return CF_OK;
}

enum cf_error
casefile_on_lock(struct cf_casefile *cf, void (*fn)(void *ctx), void *ctx)
{
	if (!cf || !fn)
		return CF_ERR_INVALID;
	if (cf->n_lock_hooks >= CF_CASEFILE_LOCK_HOOKS)
		return CF_ERR_NOMEM;
	cf->lock_hooks[cf->n_lock_hooks].fn = fn;
	cf->lock_hooks[cf->n_lock_hooks].ctx = ctx;
	cf->n_lock_hooks++;
	return CF_OK;
}

void
casefile_lock(struct cf_casefile *cf)
{
	if (!cf)
		return;
	if (cf->kr)
		for (int i = 0; i < cf->n_lock_hooks; i++)
			cf->lock_hooks[i].fn(cf->lock_hooks[i].ctx);
	witness_note(cf);
	crypto_keyring_free(&cf->kr);
	crypto_secure_free(cf->slot_kek);
	cf->slot_kek = NULL;
	casefile_buffers_free(cf);
	if (cf->recovery) {
		cf->recovery = 0;
		cf->roles = 0;
	}
}

void
casefile_close(struct cf_casefile **cfp)
{
	struct cf_casefile *cf;

	if (!cfp || !*cfp)
		return;
	cf = *cfp;
	casefile_lock(cf);
	store_close(&cf->st);
	free(cf->user);
	free(cf->path);
	free(cf);
	*cfp = NULL;
}

int
casefile_is_unlocked(const struct cf_casefile *cf)
{
	return cf && cf->kr != NULL;
}

int
casefile_is_recovery(const struct cf_casefile *cf)
{
	return cf && cf->kr && cf->recovery;
}

const char *
casefile_user(const struct cf_casefile *cf)
{
	return cf ? cf->user : NULL;
}

uint32_t
casefile_roles(const struct cf_casefile *cf)
{
	return cf && cf->kr ? cf->roles : 0;
}

cf_compartment_mask
casefile_compartments(const struct cf_casefile *cf)
{
	return cf && cf->kr ? crypto_keyring_mask(cf->kr) : 0;
}

struct cf_store *
casefile_store(struct cf_casefile *cf)
{
	return cf ? cf->st : NULL;
}

const char *
casefile_path(const struct cf_casefile *cf)
{
	return cf ? cf->path : NULL;
}

/* ---- demo ---- */

enum cf_error
casefile_demo_create(const char *path, enum cf_store_reason *reason)
{
	struct cf_casefile *cf = NULL;
	struct cf_kdf_params floor;
	char *pass;
	size_t len = strlen(CF_DEMO_PASSPHRASE), hlen = strlen(CF_DEMO_HOTLINE_PASSPHRASE);
	enum cf_error e;

	if (crypto_init() != CF_OK)
		return CF_ERR_CRYPTO;
	crypto_kdf_params_floor(&floor);
	pass = crypto_secure_alloc(64);
	if (!pass)
		return CF_ERR_NOMEM;
	memcpy(pass, CF_DEMO_PASSPHRASE, len + 1);
	e = casefile_create(path, CF_DEMO_USER, pass, len, 1, &floor, NULL, &cf, reason);
	if (e == CF_OK) {
		memcpy(pass, CF_DEMO_HOTLINE_PASSPHRASE, hlen + 1);
		e = casefile_user_add(cf, CF_DEMO_HOTLINE_USER, CF_ROLE_HOTLINE, pass, hlen, 1, &floor);
		if (e == CF_OK)
			e = students_demo_populate(cf, CF_DEMO_SEED, CF_DEMO_STUDENTS);
		casefile_close(&cf);
		if (e != CF_OK)
			(void)unlink(path);
	}
	crypto_secure_free(pass);
	return e;
}

/* ---- messages ---- */

const char *
casefile_reason_text(enum cf_store_reason reason)
{
	switch (reason) {
	case CF_STORE_REASON_NONE: return "";
	case CF_STORE_REASON_NO_FILE: return _("There is no file at this path.");
	case CF_STORE_REASON_NOT_REGULAR: return _("The path is not a regular file.");
	case CF_STORE_REASON_EMPTY: return _("The file is empty.");
	case CF_STORE_REASON_NOT_SQLITE: return _("The file is not a database.");
	case CF_STORE_REASON_FOREIGN: return _("The file is a database of another program.");
	case CF_STORE_REASON_TRUNCATED: return _("The file is shorter than its header says: it was truncated.");
	case CF_STORE_REASON_NEWER: return _("Update carefile to open it.");
	case CF_STORE_REASON_BAD_VERSION: return _("The format version in the file is invalid.");
	case CF_STORE_REASON_CORRUPT: return _("The database structure is damaged.");
	case CF_STORE_REASON_PRAGMA: return _("The database settings could not be enforced.");
	case CF_STORE_REASON_IN_USE: return _("Close the other carefile first.");
	case CF_STORE_REASON_EXISTS: return _("A file is already at this path; nothing was overwritten.");
	case CF_STORE_REASON_IO: return _("The file could not be read or written.");
	case CF_STORE_REASON_HEADER: return _("The case file header is damaged.");
	case CF_STORE_REASON_KEYSLOT: return _("A keyslot or the header failed its integrity check.");
	case CF_STORE_REASON_SCHEMA:
		return _("The database holds tables, indexes or triggers that carefile did not make: it was altered outside carefile.");
	case CF_STORE_REASON_UNFINISHED:
		return _("This is an unfinished case file (its creation was interrupted): delete it and run init again.");
	}
	return "";
}
