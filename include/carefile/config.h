/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The user's configuration file and default paths (XDG base directories). */
#ifndef CAREFILE_CONFIG_H
#define CAREFILE_CONFIG_H

#include "carefile/error.h"

/* Idle time before the interface locks, in seconds, when nothing says otherwise (DESIGN.md §4: 5 minutes). */
#define CF_CONFIG_LOCK_AFTER_DEFAULT 300
/* Largest accepted lock_after, in seconds (one day). */
#define CF_CONFIG_LOCK_AFTER_MAX 86400

struct cf_config {
	int lock_after_seconds; /* idle lock in seconds; 0 = never */
	int privacy_mode;       /* 1: lists start with initials instead of names (privacy_mode = on|off; default off) */
	int ascii_borders;      /* 1: boxes drawn with + - | (ascii_borders = on|off; default off), for
	                           terminals that draw line characters two cells wide (East Asian Ambiguous) */
};

/* Fills c with the defaults. */
void config_defaults(struct cf_config *c);

/*
 * Reads the configuration file at path into c (keys not in the file keep
 * their value). Format: one "key = value" per line; blank lines and lines
 * starting with '#' are ignored. Keys: lock_after (seconds, 0 = never,
 * at most CF_CONFIG_LOCK_AFTER_MAX), privacy_mode (on or off), ascii_borders (on or off).
 * Errors: CF_ERR_NOT_FOUND (no file: c unchanged; not an error for callers
 * that only want defaults), CF_ERR_IO, CF_ERR_INVALID (unknown key, bad
 * value or line; *bad_line, may be NULL, receives its 1-based number and c
 * keeps only the lines before it).
 */
enum cf_error config_load(const char *path, struct cf_config *c, int *bad_line);

/*
 * The configuration file path: $XDG_CONFIG_HOME/carefile/config, or
 * $HOME/.config/carefile/config when XDG_CONFIG_HOME is unset or not
 * absolute. NULL when neither is usable or out of memory. Caller frees.
 */
char *config_file_path(void);

/*
 * The default case file: $XDG_DATA_HOME/carefile/casefile.carefile, or
 * $HOME/.local/share/carefile/casefile.carefile. NULL when neither is
 * usable or out of memory. Caller frees.
 */
char *config_default_casefile_path(void);

/*
 * Creates the directories above the file path (like mkdir -p, mode 0700
 * for those it creates). CF_OK when they exist afterwards, CF_ERR_IO
 * otherwise, CF_ERR_NOMEM.
 */
enum cf_error config_make_parent_dirs(const char *path);

#endif
