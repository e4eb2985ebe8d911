-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema version 7: the drop box (doc/trust.md, "The drop box") and its first record type.
-- Runs after the first authenticated unlock (store_migrate), like 0003..0006.
--
-- drop_key: per compartment, the public key a writer without the compartment's key seals to
-- (crypto_drop_public_key: derived from the compartment key and its key id), signed (Ed25519) by
-- the account that published it, an account the signed directory entitles to the compartment.
-- Visible without a key: which compartment, its key id, the public key, who published it.
CREATE TABLE drop_key (
	compartment INTEGER PRIMARY KEY CHECK (typeof(compartment) = 'integer' AND compartment BETWEEN 0 AND 3),
	key_id INTEGER NOT NULL CHECK (typeof(key_id) = 'integer' AND key_id BETWEEN 1 AND 4294967295),
	public_key BLOB NOT NULL CHECK (typeof(public_key) = 'blob' AND length(public_key) = 32),
	signer_id INTEGER NOT NULL CHECK (typeof(signer_id) = 'integer'),
	sig BLOB NOT NULL CHECK (typeof(sig) = 'blob' AND length(sig) = 64)
);

-- call_alert: an alert a hotline worker raises from a call for counselors (clinical compartment,
-- written through the drop box). Only the standard columns: no link, since the hotline cannot
-- read the roster to name a student; a counselor matches the caller.
CREATE TABLE call_alert (
	id INTEGER PRIMARY KEY,
	uuid BLOB NOT NULL UNIQUE CHECK (typeof(uuid) = 'blob' AND length(uuid) = 16),
	compartment INTEGER NOT NULL CHECK (typeof(compartment) = 'integer'),
	version INTEGER NOT NULL DEFAULT 0 CHECK (typeof(version) = 'integer' AND version >= 0),
	created INTEGER NOT NULL CHECK (typeof(created) = 'integer'),
	updated INTEGER NOT NULL CHECK (typeof(updated) = 'integer'),
	data BLOB NOT NULL CHECK (typeof(data) = 'blob')
);
CREATE INDEX call_alert_created ON call_alert(created);
