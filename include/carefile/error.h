/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One list of error codes for every layer, with its message and process exit code. */
#ifndef CAREFILE_ERROR_H
#define CAREFILE_ERROR_H

/*
 * X(name, exit code, message). Library layers (core, store, crypto, io)
 * return these codes and never print; cli and tui turn them into messages
 * with cf_strerror(). Messages never contain sensitive text. Exit codes are
 * documented in share/man/carefile.1 (EXIT STATUS); keep both in step.
 */
#define CF_ERROR_LIST(X) \
	X(CF_OK,              0,  N_("Success")) \
	X(CF_ERR_FAIL,        1,  N_("Operation failed")) \
	X(CF_ERR_USAGE,       2,  N_("Invalid command line")) \
	X(CF_ERR_AUTH,        3,  N_("Wrong passphrase or no such user")) \
	X(CF_ERR_DAMAGED,     4,  N_("The case file is damaged or has been tampered with")) \
	X(CF_ERR_NOT_CASEFILE,5,  N_("This file is not a carefile case file")) \
	X(CF_ERR_NEWER_FORMAT,6,  N_("The case file was written by a newer version of carefile")) \
	X(CF_ERR_IN_USE,      7,  N_("The case file is in use by another carefile process")) \
	X(CF_ERR_IO,          8,  N_("Input/output error")) \
	X(CF_ERR_PERMISSION,  9,  N_("Your role does not allow this")) \
	X(CF_ERR_ROWS_SKIPPED,10, N_("Some rows had errors and were skipped")) \
	X(CF_ERR_INVALID,     11, N_("Invalid input")) \
	X(CF_ERR_WEAK_PASSPHRASE, 12, N_("The passphrase is too easy to guess")) \
	X(CF_ERR_KDF_PARAMS,  13, N_("Key derivation parameters are out of bounds")) \
	X(CF_ERR_EXISTS,      14, N_("It already exists")) \
	X(CF_ERR_NOT_FOUND,   15, N_("Not found")) \
	X(CF_ERR_RECOVERY_KEY,16, N_("The recovery key is mistyped")) \
	X(CF_ERR_ENCODING,    17, N_("The text encoding could not be recognised")) \
	X(CF_ERR_NOMEM,       18, N_("Out of memory")) \
	X(CF_ERR_CRYPTO,      19, N_("The cryptography library could not start")) \
	X(CF_ERR_LOCKED,      20, N_("The case file is locked")) \
	X(CF_ERR_CANCELLED,   21, N_("Cancelled")) \
	X(CF_ERR_DISABLED,    22, N_("This account is disabled; an administrator can enable it again")) \
	X(CF_ERR_ROLLBACK,    23, N_("The case file is older than the one this account last opened on this PC"))

enum cf_error {
#define CF_X_ENUM(name, code, msg) name,
	CF_ERROR_LIST(CF_X_ENUM)
#undef CF_X_ENUM
	CF_ERR__COUNT
};

/* Translated message for err; a static string, never NULL (unknown codes get a generic text). */
const char *cf_strerror(int err);

/* Process exit code for err (0 for CF_OK, 1 for unknown codes). */
int cf_exit_code(int err);

/* Untranslated symbolic name ("CF_ERR_AUTH") for logs and tests; never NULL. */
const char *cf_error_name(int err);

#endif
