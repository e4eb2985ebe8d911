/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Roles, their compartments, user names, and passphrase strength with zxcvbn. */
#include <math.h>
#include <string.h>
#include <zxcvbn.h>

#include "carefile/crypto.h"
#include "carefile/i18n.h"
#include "carefile/user.h"

static const struct {
	uint32_t role;
	const char *name;
	const char *label;
	uint32_t compartments;
} roles_table[CF_ROLE_COUNT] = {
	{ CF_ROLE_ADMIN, "admin", N_("admin"),
	  CF_COMPARTMENT_BIT(CF_COMPARTMENT_DIRECTORY) },
	{ CF_ROLE_COUNSELOR, "counselor", N_("counselor"),
	  CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY) | CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL) },
	{ CF_ROLE_SUPERVISOR, "supervisor", N_("supervisor"),
	  CF_COMPARTMENT_BIT(CF_COMPARTMENT_IDENTITY) | CF_COMPARTMENT_BIT(CF_COMPARTMENT_CLINICAL) |
	  CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE) },
	/* least privilege: no identity, so no student's record (DESIGN.md §4; issue 8, item 5) */
	{ CF_ROLE_HOTLINE, "hotline", N_("hotline"), CF_COMPARTMENT_BIT(CF_COMPARTMENT_HOTLINE) },
};

uint32_t
user_roles_compartments(uint32_t roles)
{
	uint32_t m = 0;

	for (int i = 0; i < CF_ROLE_COUNT; i++)
		if (roles & roles_table[i].role)
			m |= roles_table[i].compartments;
	return m;
}

const char *
user_role_name(uint32_t role)
{
	for (int i = 0; i < CF_ROLE_COUNT; i++)
		if (role == roles_table[i].role)
			return roles_table[i].name;
	return NULL;
}

const char *
user_role_label(uint32_t role)
{
	for (int i = 0; i < CF_ROLE_COUNT; i++)
		if (role == roles_table[i].role)
			return _(roles_table[i].label);
	return "?";
}

enum cf_error
user_roles_parse(const char *text, uint32_t *roles)
{
	const char *p = text;

	*roles = 0;
	if (!text || !*text)
		return CF_ERR_USAGE;
	while (*p) {
		size_t n = strcspn(p, ",");
		int found = 0;

		for (int i = 0; i < CF_ROLE_COUNT; i++) {
			if (strlen(roles_table[i].name) == n && strncmp(p, roles_table[i].name, n) == 0) {
				*roles |= roles_table[i].role;
				found = 1;
			}
		}
		if (!found) {
			*roles = 0;
			return CF_ERR_USAGE;
		}
		p += n;
		if (*p == ',') {
			p++;
			if (!*p) {
				*roles = 0;
				return CF_ERR_USAGE;
			}
		}
	}
	return CF_OK;
}

char *
user_roles_format(uint32_t roles, char *out, size_t out_size)
{
	size_t len = 0;

	if (!out_size)
		return out;
	out[0] = '\0';
	for (int i = 0; i < CF_ROLE_COUNT; i++) {
		const char *n = roles_table[i].name;
		size_t nl = strlen(n);

		if (!(roles & roles_table[i].role))
			continue;
		if (len + nl + (len ? 1 : 0) + 1 > out_size)
			break;
		if (len)
			out[len++] = ',';
		memcpy(out + len, n, nl + 1);
		len += nl;
	}
	return out;
}

int
user_name_valid(const char *name)
{
	size_t n;

	if (!name)
		return 0;
	n = strlen(name);
	if (n < 1 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return 0;
	}
	return 1;
}

/* The reason for the part of the passphrase that gives the fewest guesses per character. */
static const char *
weakest_reason(const ZxcMatch_t *info, size_t len)
{
	const ZxcMatch_t *worst = NULL;
	double worst_rate = 0;

	if (len < 10)
		return N_("it is too short; use at least 10 characters, better several words");
	for (const ZxcMatch_t *m = info; m; m = m->Next) {
		double rate;

		if (m->Length <= 0 || (m->Type & ~MULTIPLE_MATCH) == BRUTE_MATCH)
			continue;
		rate = m->Entrpy / m->Length;
		if (!worst || m->Length * 2 > (int)len || rate < worst_rate) {
			worst = m;
			worst_rate = rate;
		}
	}
	if (!worst)
		return N_("it is too short or too simple; add more words");
	switch (worst->Type & ~MULTIPLE_MATCH) {
	case DICTIONARY_MATCH:
	case DICT_LEET_MATCH:
		return N_("it is mostly a common word or name; add more uncommon words");
	case USER_MATCH:
	case USER_LEET_MATCH:
		return N_("it contains the user name or the program name");
	case REPEATS_MATCH:
		return N_("it repeats characters or words");
	case SEQUENCE_MATCH:
		return N_("it contains a sequence such as abc or 123");
	case SPATIAL_MATCH:
		return N_("it contains a keyboard pattern such as qwerty");
	case DATE_MATCH:
	case YEAR_MATCH:
		return N_("it contains a date or a year");
	default:
		return N_("it is too easy to guess; add more words");
	}
}

enum cf_error
user_passphrase_check(const char *pass, const char *user, struct cf_passphrase_strength *out)
{
	const char *dict[] = { "carefile", user, NULL };
	ZxcMatch_t *info = NULL;
	size_t len;
	double bits, log10_guesses;
	int score;

	if (out) {
		out->score = 0;
		out->entropy_bits = 0;
		out->reason = NULL;
	}
	if (!pass || !*pass)
		return CF_ERR_INVALID;
	len = strlen(pass);
	if (len > CF_PASSPHRASE_MAX_BYTES)
		return CF_ERR_INVALID;
	if (!user)
		dict[1] = NULL;
	bits = ZxcvbnMatch(pass, dict, &info);
	/* zxcvbn's bands (zxcvbn.js guesses_to_score): < 10^3, 10^6, 10^8, 10^10 give 0..3; above 4 */
	log10_guesses = bits * log10(2.0);
	score = log10_guesses < 3 ? 0 : log10_guesses < 6 ? 1 : log10_guesses < 8 ? 2 : log10_guesses < 10 ? 3 : 4;
	if (out) {
		out->score = score;
		out->entropy_bits = bits;
		if (score < CF_PASSPHRASE_MIN_SCORE)
			out->reason = weakest_reason(info, len);
	}
	ZxcvbnFreeInfo(info);
	return score >= CF_PASSPHRASE_MIN_SCORE ? CF_OK : CF_ERR_WEAK_PASSPHRASE;
}
