-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema version 5: revocation (include/carefile/casefile.h, "Trust"; doc/trust.md, "Revocation").
-- Runs after the first authenticated unlock (store_migrate), like 0003 and 0004.
--
-- When an admin removes or disables an account or takes a role away, the signed directory records,
-- per compartment the account could hold, the directory epoch of that change. A compartment key
-- whose key id is below that epoch is revoked: the next holder of the compartment to unlock makes
-- a new key (key id at least the epoch), re-seals every record of the compartment under it, and
-- seals it to every remaining entitled account and to the recovery key. The admin never holds the
-- compartment's key; the account that lost it opens nothing written afterwards.

-- Directory epoch at which each compartment's key was last revoked: 8 bytes big-endian per
-- compartment (identity, clinical, hotline, directory); NULL when none ever was. Signed with the
-- directory and MACed with the header.
ALTER TABLE meta ADD COLUMN revoked BLOB CHECK (revoked IS NULL OR (typeof(revoked) = 'blob' AND length(revoked) = 32));
-- X25519 public key of the recovery key (derived from it): rotated keys are sealed to it, so the
-- recovery key keeps opening every compartment. Not secret; signed with the directory. NULL in a
-- file made before schema 5 until the recovery key is first used on it.
ALTER TABLE meta ADD COLUMN recovery_public_key BLOB CHECK (recovery_public_key IS NULL OR (typeof(recovery_public_key) = 'blob' AND length(recovery_public_key) = 32));
-- Key id of each compartment key the recovery slot holds (4 bytes big-endian per compartment),
-- written when the recovery key is used; a holder with a newer key seals it to the recovery key.
-- MACed, not signed: lowering it only makes holders seal again, raising it is destruction.
ALTER TABLE meta ADD COLUMN recovery_key_ids BLOB CHECK (recovery_key_ids IS NULL OR (typeof(recovery_key_ids) = 'blob' AND length(recovery_key_ids) = 16));
-- Compartment keys sealed to the recovery key by the account that rotated them (crypto_box from
-- the granter's X25519 key, as key_grant); merged into the recovery slot when it is next used.
CREATE TABLE recovery_grant (
	id INTEGER PRIMARY KEY,
	granter_id INTEGER NOT NULL CHECK (typeof(granter_id) = 'integer'),
	compartments INTEGER NOT NULL CHECK (typeof(compartments) = 'integer'),
	created INTEGER NOT NULL CHECK (typeof(created) = 'integer'),
	blob BLOB NOT NULL CHECK (typeof(blob) = 'blob')
);
-- One row per rotation: the account that rotated compartment c to key id key_id signs
-- (Ed25519, its key in the signed directory) the file id, compartment and key id. An account whose
-- key is older than the revocation rotates only when no such signed row exists; otherwise it waits
-- for escrow (a planted row is not signed and changes nothing).
CREATE TABLE key_rotation (
	id INTEGER PRIMARY KEY,
	compartment INTEGER NOT NULL CHECK (typeof(compartment) = 'integer'),
	key_id INTEGER NOT NULL CHECK (typeof(key_id) = 'integer'),
	rotator_id INTEGER NOT NULL CHECK (typeof(rotator_id) = 'integer'),
	created INTEGER NOT NULL CHECK (typeof(created) = 'integer'),
	sig BLOB NOT NULL CHECK (typeof(sig) = 'blob' AND length(sig) = 64)
);
-- Write counter: +1 with every header MAC, which every write transaction ends with (MACed). Each
-- account remembers on its PC the highest it has seen per case file (the rollback witness,
-- $XDG_STATE_HOME/carefile/witness), so a file put back to an older copy opens only after a warning.
ALTER TABLE meta ADD COLUMN generation INTEGER NOT NULL DEFAULT 0 CHECK (typeof(generation) = 'integer' AND generation >= 0);
