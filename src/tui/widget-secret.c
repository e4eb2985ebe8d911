/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The passphrase field: UTF-8 in secure memory, drawn as one '*' per character. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "carefile/crypto.h"
#include "tui-frame.h"
#include "tui-secret.h"
#include "tui-widgets.h"

struct cf_tui_secret {
	char *buf;    /* secure memory, cap + 1 bytes */
	size_t cap;   /* bytes of text at most */
	size_t len;   /* bytes */
	size_t chars; /* characters */
	bool full;
};

struct cf_tui_secret *
tui_secret_new(size_t max_bytes)
{
	struct cf_tui_secret *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->buf = crypto_secure_alloc(max_bytes + 1);
	if (!s->buf) {
		free(s);
		return NULL;
	}
	s->cap = max_bytes;
	return s;
}

void
tui_secret_free(struct cf_tui_secret **sp)
{
	if (!sp || !*sp)
		return;
	crypto_secure_free((*sp)->buf); /* wipes */
	free(*sp);
	*sp = NULL;
}

void
tui_secret_clear(struct cf_tui_secret *s)
{
	crypto_wipe(s->buf, s->cap + 1);
	s->len = s->chars = 0;
	s->full = false;
}

const char *
tui_secret_text(const struct cf_tui_secret *s, size_t *len)
{
	if (len)
		*len = s->len;
	return s->buf;
}

size_t
tui_secret_chars(const struct cf_tui_secret *s)
{
	return s->chars;
}

bool
tui_secret_full(const struct cf_tui_secret *s)
{
	return s->full;
}

/* Removes the last whole character (its UTF-8 continuation bytes with it). */
static void
secret_backspace(struct cf_tui_secret *s)
{
	if (s->len == 0)
		return;
	/* continuation bytes (10xxxxxx) back to and including the lead byte */
	while (s->len > 0) {
		unsigned char c = (unsigned char)s->buf[--s->len];

		s->buf[s->len] = '\0';
		if ((c & 0xc0) != 0x80)
			break;
	}
	s->chars--;
}

enum tui_key_result
tui_secret_key(struct cf_tui_secret *s, const struct cf_tui_key *k)
{
	char mb[8]; /* MB_LEN_MAX of UTF-8 is 4..6 */
	mbstate_t st;
	size_t n;

	if (tui_key_is_backspace(k)) {
		secret_backspace(s);
		return TUI_KEY_HANDLED;
	}
	if (k->fn)
		return TUI_KEY_UNHANDLED;
	if (k->code == TUI_CTRL('U')) {
		tui_secret_clear(s);
		return TUI_KEY_HANDLED;
	}
	if (k->code < 0x20 || k->code == 0x7f || (k->code >= 0x80 && k->code < 0xa0))
		return TUI_KEY_UNHANDLED;
	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)k->code, &st);
	if (n == (size_t)-1 || n > sizeof mb)
		return TUI_KEY_HANDLED; /* not representable: dropped */
	if (s->len + n > s->cap) {
		s->full = true;
		crypto_wipe(mb, sizeof mb);
		return TUI_KEY_HANDLED;
	}
	memcpy(s->buf + s->len, mb, n);
	s->len += n;
	s->buf[s->len] = '\0';
	s->chars++;
	crypto_wipe(mb, sizeof mb);
	return TUI_KEY_HANDLED;
}

void
tui_secret_draw(const struct cf_tui_secret *s, const struct cf_rect *r, bool focused, struct cf_tui *tui)
{
	int shown;
	char *stars;
	enum tui_role role = focused ? TUI_ROLE_SELECTED : TUI_ROLE_NORMAL;

	if (r->w < 1)
		return;
	/* one column stays free for the cursor */
	shown = s->chars < (size_t)(r->w - 1) ? (int)s->chars : r->w - 1;
	stars = malloc((size_t)shown + 1);
	if (stars) {
		memset(stars, '*', (size_t)shown);
		stars[shown] = '\0';
	}
	tui_draw_text(r->y, r->x, r->w, stars ? stars : "", role, TEXT_LEFT);
	free(stars);
	if (focused)
		tui_cursor(tui, r->y, r->x + shown);
}
