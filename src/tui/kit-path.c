/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The path prompt: a one-line file path editor with Tab completion, ~ for the home folder, the current folder shown. */
#include <dirent.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carefile/error.h"
#include "carefile/i18n.h"
#include "tui-kit.h"

/* File names listed when Tab finds several. */
#define COMPLETIONS_MAX 40

struct tui_path_prompt {
	struct cf_tui_edit *ed;
	char *cwd;      /* the current folder, ~ for the home folder (malloc), or NULL */
	char *message;  /* under the prompt (malloc), or NULL */
	bool message_error;
};

/* vsnprintf into a new string; caller frees; NULL when out of memory. */
static char *
str_vprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || !(p = malloc((size_t)n + 1)))
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

static char *
str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
str_printf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = str_vprintf(fmt, ap);
	va_end(ap);
	return p;
}

static char *
edit_text(const struct cf_tui_edit *ed)
{
	size_t need = tui_edit_utf8(ed, NULL, 0);
	char *s = malloc(need + 1);

	if (s)
		tui_edit_utf8(ed, s, need + 1);
	return s;
}

static void
edit_replace(struct cf_tui_edit *ed, const char *text)
{
	tui_edit_clear(ed);
	tui_edit_insert_utf8(ed, text, strlen(text));
}

/* The home directory of user (NULL or "": the current user), or NULL. Borrowed from the environment or passwd. */
static const char *
home_of(const char *user)
{
	struct passwd *pw;

	if (!user || !*user) {
		const char *home = getenv("HOME");

		if (home && *home)
			return home;
		pw = getpwuid(getuid());
	} else {
		pw = getpwnam(user);
	}
	return pw ? pw->pw_dir : NULL;
}

/*
 * The path to open for what was typed: surrounding spaces and one pair of
 * matching quotes (a file dropped on a terminal) removed, a leading ~ or
 * ~user expanded. Caller frees; NULL when out of memory.
 */
static char *
expand_path(const char *typed)
{
	size_t len;
	const char *s = typed, *slash, *home;
	char user[256];
	char *out;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= 2 && (s[0] == '\'' || s[0] == '"') && s[len - 1] == s[0]) {
		s++;
		len -= 2;
	}
	if (len == 0 || s[0] != '~')
		return strndup(s, len);
	slash = memchr(s, '/', len);
	if (!slash)
		slash = s + len;
	if ((size_t)(slash - s - 1) >= sizeof user)
		return strndup(s, len);
	memcpy(user, s + 1, (size_t)(slash - s - 1));
	user[slash - s - 1] = '\0';
	home = home_of(user);
	if (!home)
		return strndup(s, len);
	out = str_printf("%s%.*s", home, (int)(len - (size_t)(slash - s)), slash);
	return out;
}

/* The current folder for display, with the home folder shown as ~. Caller frees; NULL if unknown. */
static char *
current_folder(void)
{
	char *cwd = getcwd(NULL, 0);
	const char *home = home_of(NULL);
	size_t hl = home ? strlen(home) : 0;
	char *out;

	if (!cwd)
		return NULL;
	while (hl > 1 && home[hl - 1] == '/')
		hl--;
	if (hl > 1 && strncmp(cwd, home, hl) == 0 && (cwd[hl] == '\0' || cwd[hl] == '/')) {
		out = str_printf("~%s", cwd + hl);
		free(cwd);
		return out;
	}
	return cwd;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
complete_path(struct tui_path_prompt *m)
{
	char *typed = edit_text(m->ed), *dir = NULL, *names[COMPLETIONS_MAX];
	const char *slash, *prefix;
	size_t n = 0, total = 0, plen, common = 0;
	DIR *d;
	struct dirent *e;

	if (!typed)
		return;
	slash = strrchr(typed, '/');
	prefix = slash ? slash + 1 : typed;
	if (!slash && typed[0] == '~') {
		/* "~" alone: the home directory */
		char *t = str_printf("%s/", typed);

		if (t) {
			edit_replace(m->ed, t);
			free(t);
		}
		free(typed);
		return;
	}
	plen = strlen(prefix);
	{
		char *dtyped = slash ? strndup(typed, (size_t)(slash - typed) + 1) : strdup("./");

		dir = dtyped ? expand_path(dtyped) : NULL;
		free(dtyped);
	}
	if (!dir || !(d = opendir(*dir ? dir : "/"))) {
		tui_path_prompt_message(m, _("No such folder."), true);
		free(dir);
		free(typed);
		return;
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (e->d_name[0] == '.' && prefix[0] != '.')
			continue;
		if (strncmp(e->d_name, prefix, plen) != 0)
			continue;
		if (n < COMPLETIONS_MAX) {
			char *c = strdup(e->d_name);

			if (c)
				names[n++] = c;
		}
		total++;
	}
	closedir(d);
	if (n == 0) {
		tui_path_prompt_message(m, _("No file name begins with that."), true);
	} else {
		char *t = NULL;

		qsort(names, n, sizeof names[0], cmp_str);
		common = strlen(names[0]);
		for (size_t i = 1; i < n; i++) {
			size_t j = 0;

			while (j < common && names[i][j] == names[0][j])
				j++;
			common = j;
		}
		if (total == 1) {
			struct stat st;
			char *full = str_printf("%s%s", dir, names[0]);
			bool isdir = full && stat(full, &st) == 0 && S_ISDIR(st.st_mode);

			free(full);
			t = str_printf("%.*s%s%s", (int)(prefix - typed), typed, names[0], isdir ? "/" : "");
			tui_path_prompt_message(m, NULL, false);
		} else {
			size_t len = 0;
			char *list;

			t = str_printf("%.*s%.*s", (int)(prefix - typed), typed, (int)common, names[0]);
			for (size_t i = 0; i < n; i++)
				len += strlen(names[i]) + 3;
			list = malloc(len + 8);
			if (list) {
				list[0] = '\0';
				for (size_t i = 0; i < n; i++) {
					struct stat st;
					char *full = str_printf("%s%s", dir, names[i]);

					strcat(list, names[i]);
					/* folders end in '/', as the completion writes them */
					if (full && stat(full, &st) == 0 && S_ISDIR(st.st_mode))
						strcat(list, "/");
					strcat(list, "  ");
					free(full);
				}
				if (total > n)
					strcat(list, "~");
				tui_path_prompt_message(m, list, false);
				free(list);
			}
		}
		if (t) {
			edit_replace(m->ed, t);
			free(t);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(dir);
	free(typed);
}

int
tui_path_prompt_new(size_t max_chars, struct tui_path_prompt **out)
{
	struct tui_path_prompt *pp = calloc(1, sizeof *pp);

	*out = NULL;
	if (!pp)
		return CF_ERR_NOMEM;
	pp->ed = tui_edit_new(false, max_chars, NULL);
	if (!pp->ed) {
		free(pp);
		return CF_ERR_NOMEM;
	}
	pp->cwd = current_folder();
	*out = pp;
	return CF_OK;
}

void
tui_path_prompt_free(struct tui_path_prompt **pp)
{
	if (!pp || !*pp)
		return;
	tui_edit_free(&(*pp)->ed);
	free((*pp)->cwd);
	free((*pp)->message);
	free(*pp);
	*pp = NULL;
}

void
tui_path_prompt_message(struct tui_path_prompt *pp, const char *msg, bool error)
{
	free(pp->message);
	pp->message = msg ? strdup(msg) : NULL;
	pp->message_error = error;
}

int
tui_path_prompt_message_rows(const struct tui_path_prompt *pp, int w)
{
	size_t len, pos = 0;
	int rows = 0;

	if (!pp->message)
		return 0;
	len = strlen(pp->message);
	while (pos < len) {
		size_t k = text_wrap(pp->message + pos, len - pos, w > 0 ? w : 1);

		if (k == 0)
			break;
		pos += k;
		rows++;
	}
	return rows;
}

int
tui_path_prompt_draw(struct tui_path_prompt *pp, const struct cf_rect *r, int row, const char *label,
                     struct cf_tui *tui)
{
	int start = row;
	struct cf_rect ed;

	if (row >= r->h)
		return 0;
	tui_draw_text(r->y + row, r->x, r->w, label, TUI_ROLE_TITLE, TEXT_LEFT);
	row++;
	if (row >= r->h)
		return row - start;
	tui_draw_text(r->y + row, r->x, 2, ">", TUI_ROLE_TITLE, TEXT_LEFT);
	ed = (struct cf_rect){ r->x + 2, r->y + row, r->w - 2, 1 };
	tui_widget_edit_draw(pp->ed, &ed, true, tui);
	row++;
	if (pp->cwd && row < r->h) {
		char line[4096 + 128];

		/* TRANSLATORS: where a relative path starts; %s is a folder, ~ the home folder. */
		snprintf(line, sizeof line, _("Current folder: %s"), pp->cwd);
		tui_draw_text(r->y + row, r->x + 2, r->w - 2, line, TUI_ROLE_HINT, TEXT_LEFT);
	}
	row += 2;
	if (pp->message && row < r->h)
		row += tui_draw_paragraph(r, row, pp->message, pp->message_error ? TUI_ROLE_ERROR : TUI_ROLE_HINT);
	return row - start;
}

enum tui_key_result
tui_path_prompt_key(struct tui_path_prompt *pp, const struct cf_tui_key *k)
{
	if (!k->fn && k->code == '\t') {
		complete_path(pp);
		return TUI_KEY_HANDLED;
	}
	if (tui_key_is_enter(k) || (!k->fn && k->code == 27) || (k->fn && k->code == KEY_F(1)) ||
	    (!k->fn && k->code == TUI_CTRL('L')))
		return TUI_KEY_UNHANDLED;
	/* a message (an error, the completions) is about the text before this key */
	if (tui_widget_edit_key(pp->ed, k) == TUI_KEY_HANDLED) {
		tui_path_prompt_message(pp, NULL, false);
		return TUI_KEY_HANDLED;
	}
	return TUI_KEY_UNHANDLED;
}

char *
tui_path_prompt_value(const struct tui_path_prompt *pp)
{
	char *typed = edit_text(pp->ed), *path = typed ? expand_path(typed) : NULL;

	free(typed);
	return path;
}
