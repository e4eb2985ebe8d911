/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Schema lint: every column of a fresh case file must be on the plaintext allow-list below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carefile/record.h"
#include "carefile/store.h"

/*
 * DESIGN.md §4: names, student numbers, dates of birth, contacts, addresses,
 * schools/classes, free text, scores and risk reasons are never plaintext.
 * A column may be here only with its reason. "ciphertext" columns hold
 * record/keyslot/grant blobs of the crypto layer.
 *
 * Tables of records are not listed here: their plaintext columns are the
 * record layer's standard ones (below) plus what their struct cf_table
 * declares (src/base), each an enum, a UTC time or a link, bound into the
 * associated data. The lint holds the migrated schema to the declaration.
 */
static const struct {
	const char *table, *column, *why;
} allow[] = {
	{ "meta", "id", "always 1" },
	{ "meta", "format_version", "schema version, needed before unlock" },
	{ "meta", "file_id", "random id bound into every AD" },
	{ "meta", "created", "UTC seconds the file was made" },
	{ "meta", "header_sum", "unkeyed checksum of the header fields" },
	{ "meta", "header_mac", "MAC over header, users, keyslots, grants" },
	{ "meta", "legacy_records", "compartments that may hold rows sealed before the columns were bound; MACed" },
	{ "meta", "directory_key", "Ed25519 public key of the directory; pinned in every keyslot" },
	{ "meta", "directory_epoch", "counter of signed directory changes" },
	{ "meta", "directory_sig", "Ed25519 signature over the directory" },
	{ "meta", "revoked", "directory epoch of each compartment's last revocation; signed" },
	{ "meta", "recovery_public_key", "X25519 public key of the recovery key, for rotated keys; signed" },
	{ "meta", "generation", "write counter for the rollback witness; MACed" },
	{ "meta", "recovery_key_ids", "key ids the recovery slot holds, so holders know what to seal to it; MACed" },
	{ "audit", "seq", "position in the chain (1, 2, ...)" },
	{ "audit", "at", "UTC seconds of the action" },
	{ "audit", "actor_id", "row id of the account that acted and signed (0: the recovery key)" },
	{ "audit", "action", "what was done (enum cf_audit_action)" },
	{ "audit", "tbl", "which record table (a name from the code)" },
	{ "audit", "row_uuid", "which row (random uuid; also the AD of its ciphertext)" },
	{ "audit", "row_version", "the row's version after the action" },
	{ "audit", "row_hash", "BLAKE2b of the stored row: reveals nothing the row does not" },
	{ "audit", "signer_key", "the author's Ed25519 public key (also in the directory)" },
	{ "audit", "hash", "BLAKE2b chain hash" },
	{ "audit", "sig", "Ed25519 signature of the author" },
	{ "directory_transition", "epoch", "the first directory epoch the new key signs" },
	{ "directory_transition", "old_key", "the directory public key before (not secret)" },
	{ "directory_transition", "new_key", "the directory public key after (not secret)" },
	{ "directory_transition", "sig", "Ed25519 signature by the old key" },
	{ "drop_key", "compartment", "which compartment the drop box leads into" },
	{ "drop_key", "key_id", "the compartment key id it derives from" },
	{ "drop_key", "public_key", "X25519 public key writers seal to (not secret)" },
	{ "drop_key", "signer_id", "row id of the account that published it" },
	{ "drop_key", "sig", "Ed25519 signature of that account" },
	{ "key_rotation", "id", "row id" },
	{ "key_rotation", "compartment", "which compartment was rotated (enum)" },
	{ "key_rotation", "key_id", "the new key id (also in every record header)" },
	{ "key_rotation", "rotator_id", "row id of the account that rotated and signed" },
	{ "key_rotation", "created", "UTC seconds" },
	{ "key_rotation", "sig", "Ed25519 signature of the rotator" },
	{ "recovery_grant", "id", "row id" },
	{ "recovery_grant", "granter_id", "row id of the account that sealed it; checked against the directory" },
	{ "recovery_grant", "compartments", "bitmask granted, MACed" },
	{ "recovery_grant", "created", "UTC seconds" },
	{ "recovery_grant", "blob", "ciphertext: box to the recovery key" },
	{ "user", "id", "row id" },
	{ "user", "uuid", "random" },
	{ "user", "name", "staff login name, needed to find the keyslot before unlock; never a student" },
	{ "user", "roles", "role bitmask, MACed" },
	{ "user", "created", "UTC seconds" },
	{ "user", "disabled", "0/1" },
	{ "user", "public_key", "X25519 public key for grants, not secret" },
	{ "user", "sign_key", "Ed25519 public key, signed into the directory; not secret" },
	{ "keyslot", "id", "row id" },
	{ "keyslot", "uuid", "random" },
	{ "keyslot", "kind", "passphrase|recovery" },
	{ "keyslot", "user_id", "row id of the owner" },
	{ "keyslot", "compartments", "bitmask of held compartments, MACed" },
	{ "keyslot", "created", "UTC seconds" },
	{ "keyslot", "slot", "ciphertext: sealed keyring" },
	{ "key_grant", "id", "row id" },
	{ "key_grant", "user_id", "row id of the recipient" },
	{ "key_grant", "compartments", "bitmask granted, MACed" },
	{ "key_grant", "created", "UTC seconds" },
	{ "key_grant", "blob", "ciphertext: sealed box to the recipient" },
	{ "key_grant", "granter_id", "row id of the account that sealed it; checked against the directory" },
};

/* The standard columns of every table of records (carefile/record.h), with their SQL types. */
static const struct {
	const char *column, *type, *why;
} standard[] = {
	{ "id", "INTEGER", "row id" },
	{ "uuid", "BLOB", "random, bound into the AD" },
	{ "compartment", "INTEGER", "whose key seals data" },
	{ "version", "INTEGER", "write counter, bound into the AD" },
	{ "created", "INTEGER", "UTC seconds, bound into the AD" },
	{ "updated", "INTEGER", "UTC seconds, bound into the AD" },
	{ "data", "BLOB", "ciphertext: the record" },
};

static const struct cf_table *
record_table(const char *name)
{
	return record_table_by_name(name);
}

/* A column of a table of records is allowed when it is standard or declared, with the declared type. */
static int
record_column_allowed(const struct cf_table *t, const char *column, const char *type)
{
	for (size_t i = 0; i < sizeof standard / sizeof standard[0]; i++)
		if (strcmp(standard[i].column, column) == 0)
			return strcmp(standard[i].type, type) == 0;
	/* declared: an enum or int field's value, or a parent's row id, all INTEGER */
	return record_column_index(t, column) >= 0 && strcmp(type, "INTEGER") == 0;
}

static int
allowed(const char *table, const char *column)
{
	for (size_t i = 0; i < sizeof allow / sizeof allow[0]; i++)
		if (strcmp(allow[i].table, table) == 0 && strcmp(allow[i].column, column) == 0)
			return 1;
	return 0;
}

static void
test_every_column_is_allowed(void **state)
{
	char dir[] = "/tmp/cf-lint-XXXXXX", p[64];
	const uint8_t id[CF_STORE_FILE_ID_BYTES] = { 0 };
	struct cf_store *st = NULL;
	enum cf_store_reason why;
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int columns = 0, record_columns = 0, bad = 0, expected = 0;

	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/lint.carefile", dir);
	assert_int_equal(store_create(p, id, 1, &st, &why), CF_OK);
	store_close(&st);

	assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
		"SELECT m.name, c.name, c.type FROM sqlite_schema AS m, pragma_table_info(m.name) AS c "
		"WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2", -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, 0);
		const char *c = (const char *)sqlite3_column_text(s, 1);
		const char *type = (const char *)sqlite3_column_text(s, 2);
		const struct cf_table *rt = record_table(t);

		if (rt) {
			record_columns++;
			if (!record_column_allowed(rt, c, type)) {
				fprintf(stderr, "column %s.%s (%s) is neither standard nor declared in src/base\n", t, c, type);
				bad++;
			}
			continue;
		}
		columns++;
		if (!allowed(t, c)) {
			fprintf(stderr, "column %s.%s is not on the plaintext allow-list\n", t, c);
			bad++;
		}
	}
	sqlite3_finalize(s);
	/* No views or triggers: they could copy data around behind the allow-list. */
	assert_int_equal(sqlite3_prepare_v2(db,
		"SELECT count(*) FROM sqlite_schema WHERE type IN ('view', 'trigger')", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	unlink(p);
	rmdir(dir);

	assert_int_equal(bad, 0);
	/* every allow-list entry is used: a stale entry would hide a renamed column */
	assert_int_equal(columns, (int)(sizeof allow / sizeof allow[0]));
	/* every declared table exists with every standard and declared column: the migration matches the declaration */
	for (size_t i = 0; cf_tables[i]; i++)
		expected += (int)(sizeof standard / sizeof standard[0] + cf_tables[i]->n_cols);
	assert_int_equal(record_columns, expected);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_column_is_allowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
