/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writes the format-1 fixture tests/data/casefile-v1.carefile (run once; the file is committed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/casefile.h"
#include "carefile/crypto.h"
#include "carefile/user.h"

/*
 * Users as in `carefile demo`: demo / demo-passphrase-2026 (admin, counselor,
 * supervisor) and hotline1 / hotline-passphrase-2026 (hotline). Three student
 * rows in the identity compartment whose plaintext is "fixture-student-N"
 * (opaque text: it predates the student record encoding of issue 4).
 * The recovery key is printed on stdout and recorded in tests/data/README.md.
 */
int
main(int argc, char **argv)
{
	struct cf_casefile *cf = NULL;
	struct cf_kdf_params floor;
	enum cf_store_reason why;
	char *pass, *recovery = NULL;
	enum cf_error e;

	if (argc != 2 || crypto_init() != CF_OK)
		return 2;
	crypto_kdf_params_floor(&floor);
	pass = crypto_secure_alloc(64);
	if (!pass)
		return 1;
	strcpy(pass, CF_DEMO_PASSPHRASE);
	e = casefile_create(argv[1], CF_DEMO_USER, pass, strlen(pass), 1, &floor, &recovery, &cf, &why);
	if (e == CF_OK) {
		strcpy(pass, CF_DEMO_HOTLINE_PASSPHRASE);
		e = casefile_user_add(cf, CF_DEMO_HOTLINE_USER, CF_ROLE_HOTLINE, pass, strlen(pass), 1, &floor);
	}
	for (int i = 1; e == CF_OK && i <= 3; i++) {
		struct cf_store_record r;
		char text[32];
		uint8_t *blob = NULL;
		size_t blob_len = 0;

		memset(&r, 0, sizeof r);
		snprintf(text, sizeof text, "fixture-student-%d", i);
		crypto_random_uuid(r.uuid);
		r.compartment = CF_COMPARTMENT_IDENTITY;
		r.created = r.updated = 1764374400 + i; /* 2025-11-29 UTC */
		e = casefile_record_seal(cf, CF_COMPARTMENT_IDENTITY, "student", "data", r.uuid, text, strlen(text),
		                         &blob, &blob_len);
		r.data = blob;
		r.data_len = blob_len;
		if (e == CF_OK)
			e = store_record_insert(casefile_store(cf), CF_TABLE_STUDENT, &r, NULL);
		free(blob);
	}
	if (e == CF_OK)
		printf("%s\n", recovery);
	else
		fprintf(stderr, "make-fixture: %s\n", cf_error_name(e));
	crypto_secure_free(recovery);
	crypto_secure_free(pass);
	casefile_close(&cf);
	return e == CF_OK ? 0 : 1;
}
