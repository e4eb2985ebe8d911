/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What store.c and store-rows.c share: the connection and SQLite error mapping. */
#ifndef CAREFILE_STORE_INTERNAL_H
#define CAREFILE_STORE_INTERNAL_H

#include <sqlite3.h>

#include "carefile/store.h"

/* Prepared statements kept per connection (store-table.c): the row SQL of each table and query shape. */
#define STORE_STMT_CACHE 32

struct store_cached {
	char *sql;          /* malloc'd text, the key */
	sqlite3_stmt *s;
	int busy;           /* handed out and not yet returned (a walk calling back into the store) */
	unsigned long used; /* for replacing the least recently used */
};

struct cf_store {
	sqlite3 *db;
	int in_txn;
	int user_version;
	uint32_t application_id;
	int had_wal; /* a -wal was there before store_open(): never checkpoint it into a refused file */
	struct store_cached cache[STORE_STMT_CACHE];
	unsigned long tick;
};

/* Maps an SQLite result code to our error list. */
enum cf_error store_map_rc(int rc);

/*
 * A prepared statement for sql: the cached one when it is free, else a new
 * one (cached when there is room). Hand it back with store_stmt_done(),
 * which resets it (or finalizes one that is not cached). SQLite result code.
 */
int store_stmt(struct cf_store *st, const char *sql, sqlite3_stmt **out);
void store_stmt_done(struct cf_store *st, sqlite3_stmt *s);

/* Finalizes every cached statement (before the connection closes). */
void store_stmt_cache_clear(struct cf_store *st);

#endif
