-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema version 1 of the case file (DESIGN.md §4).
-- Every plaintext column is on the allow-list in tests/unit/store/test_store_schema.c,
-- which fails on any column added here without a reason written next to it.
-- Nothing that identifies a student, guardian or caller is ever plaintext: it lives in
-- a `data` ciphertext (XChaCha20-Poly1305, AD = format version, file id, table, column,
-- row uuid, key id).

-- The header: one row. Its MAC (keyed by the file key, checked right after unlock)
-- covers the format fields, every user row and every keyslot's metadata and blob.
CREATE TABLE meta (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	format_version INTEGER NOT NULL CHECK (typeof(format_version) = 'integer'),
	file_id BLOB NOT NULL CHECK (typeof(file_id) = 'blob' AND length(file_id) = 16),
	created INTEGER NOT NULL CHECK (typeof(created) = 'integer'),
	-- Unkeyed BLAKE2b-256 of the three fields above: tells accidental damage of the
	-- header from a wrong passphrase before any key derivation (no security boundary).
	header_sum BLOB CHECK (header_sum IS NULL OR typeof(header_sum) = 'blob'),
	header_mac BLOB CHECK (header_mac IS NULL OR typeof(header_mac) = 'blob')
);

-- Staff accounts. The login name is plaintext on purpose: the keyslot must be found
-- before anything can be decrypted. It names a member of staff, never a student.
CREATE TABLE user (
	id INTEGER PRIMARY KEY,
	uuid BLOB NOT NULL UNIQUE CHECK (typeof(uuid) = 'blob' AND length(uuid) = 16),
	name TEXT NOT NULL UNIQUE CHECK (typeof(name) = 'text' AND length(name) BETWEEN 1 AND 64),
	roles INTEGER NOT NULL CHECK (typeof(roles) = 'integer'),
	created INTEGER NOT NULL CHECK (typeof(created) = 'integer'),
	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	-- X25519 public key: others seal compartment grants to it. Not secret; MACed.
	public_key BLOB CHECK (public_key IS NULL OR (typeof(public_key) = 'blob' AND length(public_key) = 32))
);

-- One passphrase slot per user and one recovery slot (user_id NULL). `slot` is the
-- sealed keyring (crypto layer); `compartments` says which keys it holds.
CREATE TABLE keyslot (
	id INTEGER PRIMARY KEY,
	uuid BLOB NOT NULL UNIQUE CHECK (typeof(uuid) = 'blob' AND length(uuid) = 16),
	kind TEXT NOT NULL CHECK (kind IN ('passphrase', 'recovery')),
	user_id INTEGER UNIQUE REFERENCES user(id) ON DELETE CASCADE,
	compartments INTEGER NOT NULL CHECK (typeof(compartments) = 'integer'),
	created INTEGER NOT NULL CHECK (typeof(created) = 'integer'),
	slot BLOB NOT NULL CHECK (typeof(slot) = 'blob'),
	CHECK ((kind = 'recovery') = (user_id IS NULL))
);
CREATE UNIQUE INDEX keyslot_one_recovery ON keyslot(kind) WHERE kind = 'recovery';

-- Compartment keys granted to a user by someone who holds them, sealed to the
-- user's public key; merged into the user's keyslot at the next unlock and deleted.
CREATE TABLE key_grant (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES user(id) ON DELETE CASCADE,
	compartments INTEGER NOT NULL CHECK (typeof(compartments) = 'integer'),
	created INTEGER NOT NULL CHECK (typeof(created) = 'integer'),
	blob BLOB NOT NULL CHECK (typeof(blob) = 'blob')
);

-- Students (issue 4 fills them). Everything about the person is in `data`.
CREATE TABLE student (
	id INTEGER PRIMARY KEY,
	uuid BLOB NOT NULL UNIQUE CHECK (typeof(uuid) = 'blob' AND length(uuid) = 16),
	compartment INTEGER NOT NULL CHECK (typeof(compartment) = 'integer'),
	status INTEGER NOT NULL DEFAULT 0 CHECK (typeof(status) = 'integer'),
	created INTEGER NOT NULL CHECK (typeof(created) = 'integer'),
	updated INTEGER NOT NULL CHECK (typeof(updated) = 'integer'),
	data BLOB NOT NULL CHECK (typeof(data) = 'blob')
);
