/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Binding the gettext domain, with a build-tree override for tests. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carefile/i18n.h"

/* True when the running binary is the one in this build tree (not installed). */
static int
running_from_build_tree(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	size_t root = strlen(CF_BUILD_ROOT);

	if (n <= 0)
		return 0;
	exe[n] = '\0';
	return (size_t)n > root && strncmp(exe, CF_BUILD_ROOT, root) == 0 && exe[root] == '/';
}

void
cf_i18n_init(void)
{
	const char *dir = getenv("CAREFILE_LOCALEDIR");

	if (!dir || !*dir)
		dir = running_from_build_tree() ? CF_BUILD_LOCALEDIR : LOCALEDIR;
	bindtextdomain(PACKAGE, dir);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
}
