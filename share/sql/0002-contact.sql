-- SPDX-License-Identifier: GPL-3.0-or-later
-- Schema version 2: the home-school contact log (issue 4).
-- A file of version 1 is migrated when it is opened (store_open): this file runs inside
-- one transaction, then user_version becomes 2. meta.format_version keeps the version the
-- file was created with, because it is bound into the associated data of every keyslot and
-- record already written.
-- Every plaintext column is on the allow-list in tests/unit/store/test_store_schema.c.

-- One contact with a student's guardians (phone call, home visit, meeting, message).
-- Date, guardian, channel and summary are inside `data` (clinical compartment), with the
-- student's uuid, so a ciphertext moved to another student_id is refused when opened.
CREATE TABLE contact (
	id INTEGER PRIMARY KEY,
	uuid BLOB NOT NULL UNIQUE CHECK (typeof(uuid) = 'blob' AND length(uuid) = 16),
	student_id INTEGER NOT NULL REFERENCES student(id) ON DELETE CASCADE,
	compartment INTEGER NOT NULL CHECK (typeof(compartment) = 'integer'),
	-- always 0: kept so the generic record functions (store_record_*) apply to this table
	status INTEGER NOT NULL DEFAULT 0 CHECK (status = 0),
	created INTEGER NOT NULL CHECK (typeof(created) = 'integer'),
	updated INTEGER NOT NULL CHECK (typeof(updated) = 'integer'),
	data BLOB NOT NULL CHECK (typeof(data) = 'blob')
);
CREATE INDEX contact_student ON contact(student_id);
