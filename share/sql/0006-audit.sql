-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema version 6: the audit log (include/carefile/casefile.h, "Audit log"; doc/trust.md, "Audit log").
-- Runs after the first authenticated unlock (store_migrate), like 0003..0005; the account that
-- migrates writes one "baseline" entry per record row that already exists.
--
-- One row per entry, in order (seq 1, 2, ...). Each entry's hash covers the one before it
-- (BLAKE2b-256, src/core/audit.c), so no entry can be removed, changed or reordered without
-- breaking every hash after it; the header MAC covers the last entry's seq and hash. Each entry is
-- signed (Ed25519) by its author's key from the signed directory; signer_key is that key, so anyone
-- can verify the chain offline (carefile audit verify).
--
-- Visible without a key: when, which account, what kind of action, which table and row uuid,
-- the row's version and a hash of the stored row (ciphertext and plaintext columns).
CREATE TABLE audit (
	seq INTEGER PRIMARY KEY CHECK (typeof(seq) = 'integer' AND seq >= 1),
	at INTEGER NOT NULL CHECK (typeof(at) = 'integer'),
	actor_id INTEGER NOT NULL CHECK (typeof(actor_id) = 'integer'),
	action INTEGER NOT NULL CHECK (typeof(action) = 'integer'),
	tbl TEXT CHECK (tbl IS NULL OR (typeof(tbl) = 'text' AND length(tbl) BETWEEN 1 AND 31)),
	row_uuid BLOB CHECK (row_uuid IS NULL OR (typeof(row_uuid) = 'blob' AND length(row_uuid) = 16)),
	row_version INTEGER CHECK (row_version IS NULL OR typeof(row_version) = 'integer'),
	row_hash BLOB CHECK (row_hash IS NULL OR (typeof(row_hash) = 'blob' AND length(row_hash) = 32)),
	signer_key BLOB NOT NULL CHECK (typeof(signer_key) = 'blob' AND length(signer_key) = 32),
	hash BLOB NOT NULL CHECK (typeof(hash) = 'blob' AND length(hash) = 32),
	sig BLOB NOT NULL CHECK (typeof(sig) = 'blob' AND length(sig) = 64)
);
-- check: the latest entry of each row
CREATE INDEX audit_row ON audit(tbl, row_uuid, seq);
