/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Error messages and exit codes from CF_ERROR_LIST. */
#include "carefile/error.h"
#include "carefile/i18n.h"

static const struct {
	const char *name;
	int exit_code;
	const char *msg;
} errors[] = {
#define CF_X_ROW(name, code, msg) { #name, code, msg },
	CF_ERROR_LIST(CF_X_ROW)
#undef CF_X_ROW
};

const char *
cf_strerror(int err)
{
	if (err < 0 || err >= CF_ERR__COUNT)
		return _("Operation failed");
	return _(errors[err].msg);
}

int
cf_exit_code(int err)
{
	if (err < 0 || err >= CF_ERR__COUNT)
		return 1;
	return errors[err].exit_code;
}

const char *
cf_error_name(int err)
{
	if (err < 0 || err >= CF_ERR__COUNT)
		return "CF_ERR_UNKNOWN";
	return errors[err].name;
}
