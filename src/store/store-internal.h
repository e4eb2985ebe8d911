/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What store.c and store-rows.c share: the connection and SQLite error mapping. */
#ifndef CAREFILE_STORE_INTERNAL_H
#define CAREFILE_STORE_INTERNAL_H

#include <sqlite3.h>

#include "carefile/store.h"

struct cf_store {
	sqlite3 *db;
	int in_txn;
	int user_version;
	uint32_t application_id;
	int had_wal; /* a -wal was there before store_open(): never checkpoint it into a refused file */
};

/* Maps an SQLite result code to our error list. */
enum cf_error store_map_rc(int rc);

#endif
