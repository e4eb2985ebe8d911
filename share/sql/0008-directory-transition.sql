-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema version 8: directory-key transitions (doc/trust.md, "Rotating the directory key").
-- Runs after the first authenticated unlock (store_migrate), like 0003..0007.
--
-- When an admin is removed or disabled, the directory compartment key is rotated and with it the
-- directory signing key. Each row says: from this epoch on the directory is signed by new_key, and
-- old_key, the key that signed it before, signed that statement (Ed25519 over the file id, both keys
-- and the epoch). An account whose keyslot pins old_key follows the rows, oldest first, to the key
-- that signs the directory now, and pins that one.
-- Visible without a key: when the directory key changed, and both public keys.
CREATE TABLE directory_transition (
	epoch INTEGER PRIMARY KEY CHECK (typeof(epoch) = 'integer' AND epoch >= 1),
	old_key BLOB NOT NULL CHECK (typeof(old_key) = 'blob' AND length(old_key) = 32),
	new_key BLOB NOT NULL CHECK (typeof(new_key) = 'blob' AND length(new_key) = 32),
	sig BLOB NOT NULL CHECK (typeof(sig) = 'blob' AND length(sig) = 64)
);
