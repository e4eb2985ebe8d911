-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema version 4: the signed directory (include/carefile/casefile.h, "Trust").
-- Runs after the first authenticated unlock (store_migrate), like 0003.
--
-- The directory (format fields, every user's id, uuid, name, roles, created, disabled flag and
-- public keys) is signed with the directory key, an Ed25519 key only holders of the directory
-- compartment (admins, the recovery key) can derive. Its public key is pinned inside every
-- keyslot's sealed payload, so an account verifies the directory at unlock without trusting
-- any plaintext column here. The epoch grows by one with every signed change; an account
-- refuses a directory older than the epoch it last saw.

-- Ed25519 public key of the user's signing key (signed into the directory; not secret).
ALTER TABLE user ADD COLUMN sign_key BLOB CHECK (sign_key IS NULL OR (typeof(sign_key) = 'blob' AND length(sign_key) = 32));
-- Who sealed a grant (crypto_box from the granter's X25519 key): the recipient opens it only with
-- that user's public key from the verified directory, and only if that user may hold the keys.
ALTER TABLE key_grant ADD COLUMN granter_id INTEGER CHECK (granter_id IS NULL OR typeof(granter_id) = 'integer');
ALTER TABLE meta ADD COLUMN directory_key BLOB CHECK (directory_key IS NULL OR (typeof(directory_key) = 'blob' AND length(directory_key) = 32));
ALTER TABLE meta ADD COLUMN directory_epoch INTEGER NOT NULL DEFAULT 0 CHECK (typeof(directory_epoch) = 'integer' AND directory_epoch >= 0);
ALTER TABLE meta ADD COLUMN directory_sig BLOB CHECK (directory_sig IS NULL OR (typeof(directory_sig) = 'blob' AND length(directory_sig) = 64));
-- Grants written before were anonymous sealed boxes that any keyslot holder could plant: none is
-- opened again. A holder of the compartment re-grants to every entitled account at its next unlock.
DELETE FROM key_grant;
