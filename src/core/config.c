/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The configuration file (lock_after = SECONDS) and the XDG default paths. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carefile/config.h"

void
config_defaults(struct cf_config *c)
{
	c->lock_after_seconds = CF_CONFIG_LOCK_AFTER_DEFAULT;
	c->privacy_mode = 0;
	c->ascii_borders = 0;
}

static char *
trim(char *s)
{
	char *end;

	while (*s && isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Parses decimal seconds 0..CF_CONFIG_LOCK_AFTER_MAX; -1 when invalid. */
static int
parse_seconds(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > CF_CONFIG_LOCK_AFTER_MAX)
			return -1;
	}
	return (int)v;
}

enum cf_error
config_load(const char *path, struct cf_config *c, int *bad_line)
{
	FILE *f;
	struct stat sb;
	char line[1024];
	int n = 0, fd;
	enum cf_error err = CF_OK;

	if (bad_line)
		*bad_line = 0;
	/* O_NONBLOCK: a FIFO at the path must not make the program wait for a writer forever */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? CF_ERR_NOT_FOUND : CF_ERR_IO;
	/* only a regular file is a configuration: a FIFO, directory or device cannot be read as one */
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || !(f = fdopen(fd, "r"))) {
		close(fd);
		return CF_ERR_IO;
	}
	while (fgets(line, sizeof line, f)) {
		char *key, *value, *eq;
		int secs;

		n++;
		if (!strchr(line, '\n') && !feof(f)) {
			err = CF_ERR_INVALID; /* a line longer than any valid one */
			break;
		}
		key = trim(line);
		if (!*key || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (!eq) {
			err = CF_ERR_INVALID;
			break;
		}
		*eq = '\0';
		value = trim(eq + 1);
		key = trim(key);
		if (strcmp(key, "lock_after") == 0 && (secs = parse_seconds(value)) >= 0) {
			c->lock_after_seconds = secs;
			continue;
		}
		if (strcmp(key, "privacy_mode") == 0 && (strcmp(value, "on") == 0 || strcmp(value, "off") == 0)) {
			c->privacy_mode = strcmp(value, "on") == 0;
			continue;
		}
		if (strcmp(key, "ascii_borders") == 0 && (strcmp(value, "on") == 0 || strcmp(value, "off") == 0)) {
			c->ascii_borders = strcmp(value, "on") == 0;
			continue;
		}
		err = CF_ERR_INVALID;
		break;
	}
	if (err == CF_OK && ferror(f))
		err = CF_ERR_IO;
	if (err == CF_ERR_INVALID && bad_line)
		*bad_line = n;
	fclose(f);
	return err;
}

/* $VAR/suffix when VAR is absolute, else $HOME/home_suffix/suffix; NULL when neither. */
static char *
xdg_path(const char *var, const char *home_suffix, const char *suffix)
{
	const char *base = getenv(var);
	const char *home = getenv("HOME");
	size_t n;
	char *p;

	if (base && base[0] == '/') {
		n = strlen(base) + 1 + strlen(suffix) + 1;
		p = malloc(n);
		if (p)
			snprintf(p, n, "%s/%s", base, suffix);
		return p;
	}
	if (!home || home[0] != '/')
		return NULL;
	n = strlen(home) + 1 + strlen(home_suffix) + 1 + strlen(suffix) + 1;
	p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s/%s", home, home_suffix, suffix);
	return p;
}

char *
config_file_path(void)
{
	return xdg_path("XDG_CONFIG_HOME", ".config", "carefile/config");
}

char *
config_default_casefile_path(void)
{
	return xdg_path("XDG_DATA_HOME", ".local/share", "carefile/casefile.carefile");
}

enum cf_error
config_make_parent_dirs(const char *path)
{
	char *dir = strdup(path);
	char *slash;
	struct stat sb;
	enum cf_error err = CF_OK;

	if (!dir)
		return CF_ERR_NOMEM;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir);
		return CF_OK; /* relative name in the current directory, or in / */
	}
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			err = CF_ERR_IO;
		*p = '/';
		if (err)
			break;
	}
	if (!err && mkdir(dir, 0700) != 0 && errno != EEXIST)
		err = CF_ERR_IO;
	if (!err && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
		err = CF_ERR_IO;
	free(dir);
	return err;
}
