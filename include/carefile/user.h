/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Staff roles, what each role may decrypt, and the passphrase policy. */
#ifndef CAREFILE_USER_H
#define CAREFILE_USER_H

#include <stddef.h>
#include <stdint.h>

#include "carefile/error.h"

/*
 * Roles (a user may hold several). Stored in the case file as this bitmask:
 * never renumber.
 */
enum cf_role {
	CF_ROLE_ADMIN = 1u << 0,      /* accounts; reads no clinical content */
	CF_ROLE_COUNSELOR = 1u << 1,  /* school psychologist */
	CF_ROLE_SUPERVISOR = 1u << 2, /* reviews counselors' and hotline volunteers' work */
	CF_ROLE_HOTLINE = 1u << 3,    /* hotline staff on a shift */
};
#define CF_ROLE_ALL 0xfu
#define CF_ROLE_COUNT 4

/*
 * Compartments (enum cf_compartment of crypto.h, as a bitmask) a role's
 * keyslot holds. Roles are enforced by these keys, not only by menus:
 *   admin:      directory                    (accounts; no student data at all)
 *   counselor:  identity, clinical           (students and their session notes)
 *   supervisor: identity, clinical, hotline  (reviews counselors AND hotline
 *               volunteers, sees every crisis alert, including ones raised on
 *               the hotline: DESIGN.md §1)
 *   hotline:    hotline                      (calls, callers, shifts only:
 *               least privilege, DESIGN.md §4. No identity: a hotline worker
 *               reads no student's record, remarks or family flags and cannot
 *               list, edit, import or export students; no clinical: no session
 *               notes. Linking a call to a known student and handing an alert
 *               to counselors go through the write-only drop box of §4.)
 * An init user (admin+counselor+supervisor) therefore holds every
 * compartment and can create accounts of any role.
 *
 * Slots sealed by an older version may hold more than their roles give
 * (hotline slots held identity): casefile_unlock() keeps only the keys of
 * the user's roles and re-seals such a slot without the others.
 */
uint32_t user_roles_compartments(uint32_t roles);

/* Stable untranslated role name ("admin", "counselor", "supervisor", "hotline"); NULL if role is not one bit. */
const char *user_role_name(uint32_t role);

/* Translated display name of one role; "?" if role is not one bit. */
const char *user_role_label(uint32_t role);

/*
 * Parses "admin,counselor" (stable names, comma separated, no spaces) into a
 * bitmask. CF_OK, or CF_ERR_USAGE for an empty list or an unknown name.
 */
enum cf_error user_roles_parse(const char *text, uint32_t *roles);

/*
 * Writes the stable names of roles, comma separated, into out (NUL-terminated,
 * truncated to out_size). Returns out.
 */
char *user_roles_format(uint32_t roles, char *out, size_t out_size);

/* A valid user name: 1..64 bytes of ASCII letters, digits, '.', '_', '-', starting with a letter or digit. */
int user_name_valid(const char *name);

/*
 * Passphrase strength with zxcvbn (ZxcvbnMatch, https://github.com/tsyrogit/zxcvbn-c).
 * Score as zxcvbn's guess bands: guesses = 2^entropy_bits; score 3 needs
 * guesses >= 10^8, score 4 needs >= 10^10.
 */
#define CF_PASSPHRASE_MIN_SCORE 3
#define CF_PASSPHRASE_MAX_BYTES 1024

struct cf_passphrase_strength {
	int score;            /* 0..4 */
	double entropy_bits;  /* zxcvbn's estimate */
	const char *reason;   /* untranslated N_() text for the weakest part, NULL when strong; display with _() */
};

/*
 * Rates pass (NUL-terminated, from secure memory; zxcvbn copies nothing
 * outside its own match list, which holds positions only). user (may be
 * NULL) is added to zxcvbn's dictionary so a passphrase made of the user name
 * rates low. Returns CF_OK when the score is at least CF_PASSPHRASE_MIN_SCORE,
 * CF_ERR_WEAK_PASSPHRASE otherwise (out->reason then says why), CF_ERR_INVALID
 * for an empty or over-long passphrase. out may be NULL.
 */
enum cf_error user_passphrase_check(const char *pass, const char *user, struct cf_passphrase_strength *out);

#endif
