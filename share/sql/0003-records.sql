-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema version 3: the record layer (include/carefile/record.h).
-- Runs after the first authenticated unlock (store_migrate), inside the transaction that also
-- re-seals the rows the user can read, so nothing is written to a file before a key opened it.
--
-- Every table of records gets `version`: 1 at a row's first write under the record layer, +1 on
-- each write, 0 for rows sealed before (their ciphertext does not yet bind the plaintext columns).
-- version, created, updated and the declared columns (student.status; contact.student_id, as the
-- student's uuid) are bound into the associated data of the row's ciphertext, so editing them or
-- putting an older ciphertext back fails to open. The schema lint
-- (tests/unit/store/test_store_schema.c) holds these tables to the declarations in src/base.
ALTER TABLE student ADD COLUMN version INTEGER NOT NULL DEFAULT 0 CHECK (typeof(version) = 'integer' AND version >= 0);
ALTER TABLE contact ADD COLUMN version INTEGER NOT NULL DEFAULT 0 CHECK (typeof(version) = 'integer' AND version >= 0);
-- contact.status only existed for the old per-table record functions
ALTER TABLE contact DROP COLUMN status;
-- Contacts are read by student (the student's page), in the order they were written.
DROP INDEX contact_student;
CREATE INDEX contact_student ON contact(student_id, created);

-- Compartments whose rows may still be version 0 (bit c for compartment c): every compartment of
-- a migrated file until a holder of its key re-sealed its rows. Part of the header MAC.
ALTER TABLE meta ADD COLUMN legacy_records INTEGER NOT NULL DEFAULT 15 CHECK (typeof(legacy_records) = 'integer');
