/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The migrations of share/sql, embedded at build time by embed-sql.py. */
#ifndef CAREFILE_STORE_SQL_H
#define CAREFILE_STORE_SQL_H

struct cf_store_migration {
	int version;      /* 1, 2, ... = user_version after it ran */
	const char *name; /* "0001-init.sql" */
	const char *sql;  /* the whole file, NUL-terminated */
};

/* In version order, terminated by { 0, NULL, NULL }. */
extern const struct cf_store_migration store_migrations[];

#endif
