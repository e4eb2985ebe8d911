/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The frame: terminal set-up, screen stack, global keys, header and hint lines, headless rendering. */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "carefile/error.h"
#include "carefile/i18n.h"
#include "carefile/tui.h"
#include "tui-curses.h"
#include "tui-frame.h"
#include "tui-screens.h"

#define STACK_MAX 16

/* Ctrl-<letter> as the character wget_wch returns. */
#define CTRL(c) ((wint_t)((c) & 0x1f))

/* One key each for the main screens; ASCII, never derived from translated text. */
static const struct {
	wint_t key;
	const struct cf_screen_ops *ops;
	const char *hint; /* N_() label for the hint line */
} nav_keys[] = {
	/*
	 * TRANSLATORS: hint-line labels for the main screens: at most 8
	 * columns (4 Chinese characters); the whole line must fit 80 columns.
	 */
	{ 't', &tui_screen_today, N_("Today") },
	{ 's', &tui_screen_students, N_("Students") },
	{ 'n', &tui_screen_sessions, N_("Sessions") },
	{ 'a', &tui_screen_alerts, N_("Alerts") },
	{ 'r', &tui_screen_referrals, N_("Referrals") },
	{ 'h', &tui_screen_hotline, N_("Hotline") },
	{ 'v', &tui_screen_review, N_("Review") },
	{ 'p', &tui_screen_reports, N_("Reports") },
};

const struct cf_tui_keyhelp tui_global_keys[] = {
	{ "F1, ?", N_("Show the keys of the current screen"), NULL },
	{ "t", N_("Today: what needs attention"), NULL },
	{ "s", N_("Students"), NULL },
	{ "n", N_("Sessions and session notes"), NULL },
	{ "a", N_("Crisis alerts"), NULL },
	{ "r", N_("Referrals"), NULL },
	{ "h", N_("Hotline"), NULL },
	{ "v", N_("Supervisor review"), NULL },
	{ "p", N_("Reports"), NULL },
	{ "Ctrl-L", N_("Lock now"), NULL },
	{ "q", N_("Go back; on Today, quit"), NULL },
	{ NULL, NULL, NULL },
};

const struct cf_tui_keyhelp tui_dialog_keys[] = {
	{ "F1", N_("Show the keys of the current screen"), NULL },
	{ "Ctrl-L", N_("Lock now"), NULL },
	{ "Esc", N_("Close the dialog"), NULL },
	{ NULL, NULL, NULL },
};

struct cf_tui {
	SCREEN *term;
	FILE *out, *in; /* the terminal streams newterm got; closed at the end when owned */
	bool own_streams;
	bool headless;
	struct cf_screen *stack[STACK_MAX];
	int depth;
	struct cf_tui_layout layout;
	bool quit;
	int quit_err; /* enum cf_error the process ends with (tui_quit) */
	char *status;
	bool status_error;
	const char *casefile_name, *user;
	bool locked;
	int cursor_y, cursor_x; /* -1: hidden */
	struct cf_tui_key *script; /* headless key script */
	size_t script_len, script_pos;
	int idle_lock_seconds;     /* 0: never */
	struct timespec last_key;  /* CLOCK_MONOTONIC */
};

/* --- the stack ----------------------------------------------------------------- */

static void
screen_layout(struct cf_tui *tui, struct cf_screen *s)
{
	s->area = tui->layout.body;
	s->compact = tui->layout.mode != TUI_LAYOUT_FULL;
	if (s->ops->layout)
		s->ops->layout(s, &tui->layout.body, s->compact);
}

int
tui_push(struct cf_tui *tui, const struct cf_screen_ops *ops, void *arg)
{
	struct cf_screen *s;

	if (tui->depth >= STACK_MAX)
		return CF_ERR_FAIL;
	s = calloc(1, sizeof *s);
	if (!s)
		return CF_ERR_NOMEM;
	s->ops = ops;
	s->tui = tui;
	if (ops->init) {
		int err = ops->init(s, arg);

		if (err != CF_OK) {
			free(s);
			return err;
		}
	}
	tui->stack[tui->depth++] = s;
	screen_layout(tui, s);
	return CF_OK;
}

static void
pop(struct cf_tui *tui)
{
	struct cf_screen *s;

	if (tui->depth == 0)
		return;
	s = tui->stack[--tui->depth];
	tui->stack[tui->depth] = NULL;
	if (s->ops->free)
		s->ops->free(s);
	free(s);
}

struct cf_screen *
tui_screen_below(const struct cf_screen *s)
{
	struct cf_tui *tui = s->tui;

	for (int i = tui->depth - 1; i > 0; i--)
		if (tui->stack[i] == s)
			return tui->stack[i - 1];
	return NULL;
}

void
tui_status(struct cf_tui *tui, const char *msg, bool error)
{
	free(tui->status);
	tui->status = msg ? strdup(msg) : NULL;
	tui->status_error = error;
}

void
tui_set_header(struct cf_tui *tui, const char *casefile_name, const char *user, bool locked)
{
	tui->casefile_name = casefile_name;
	tui->user = user;
	tui->locked = locked;
}

void
tui_quit(struct cf_tui *tui, int err)
{
	tui->quit = true;
	tui->quit_err = err;
}

bool
tui_headless(const struct cf_tui *tui)
{
	return tui->headless;
}

void
tui_set_idle_lock(struct cf_tui *tui, int seconds)
{
	tui->idle_lock_seconds = seconds > 0 ? seconds : 0;
	/* counted from now: an unlock that took long must not lock at once */
	clock_gettime(CLOCK_MONOTONIC, &tui->last_key);
}

void
tui_records_changed(struct cf_tui *tui, const struct cf_table *table)
{
	int first = CF_OK;

	for (int i = 0; i < tui->depth; i++)
		if (tui->stack[i]->ops->changed) {
			int err = tui->stack[i]->ops->changed(tui->stack[i], table);

			if (err != CF_OK && first == CF_OK)
				first = err;
		}
	if (first != CF_OK)
		tui_status(tui, cf_strerror(first), true);
}

void
tui_screens_lock(struct cf_tui *tui)
{
	for (int i = tui->depth - 1; i >= 0; i--)
		if (tui->stack[i]->ops->lock)
			tui->stack[i]->ops->lock(tui->stack[i]);
}

void
tui_screens_unlock(struct cf_tui *tui)
{
	int first = CF_OK;

	for (int i = 0; i < tui->depth; i++)
		if (tui->stack[i]->ops->unlock) {
			int err = tui->stack[i]->ops->unlock(tui->stack[i]);

			if (err != CF_OK && first == CF_OK)
				first = err;
		}
	if (first != CF_OK)
		tui_status(tui, cf_strerror(first), true);
}

void
tui_cursor(struct cf_tui *tui, int y, int x)
{
	if (!tui)
		return; /* widgets drawn outside the frame (tests) */
	tui->cursor_y = y;
	tui->cursor_x = x;
}

/* --- drawing ------------------------------------------------------------------- */

static const struct cf_screen *
base_screen(const struct cf_tui *tui)
{
	for (int i = tui->depth - 1; i >= 0; i--)
		if (!(tui->stack[i]->ops->flags & TUI_SCREEN_DIALOG))
			return tui->stack[i];
	return tui->depth ? tui->stack[0] : NULL;
}

/* Fits UTF-8 s into at most max columns (cut with the marker, no padding) into buf. */
static const char *
header_field(char *buf, size_t size, const char *s, int max)
{
	int w = text_width(s, strlen(s));

	text_fit(buf, size, s, strlen(s), w < max ? w : max, TEXT_LEFT);
	return buf;
}

static void
draw_header(struct cf_tui *tui)
{
	const struct cf_rect *r = &tui->layout.header;
	const struct cf_screen *base = base_screen(tui);
	bool full = tui->layout.mode == TUI_LAYOUT_FULL;
	char left[256], right[1024], user[128], suffix[256], name[512];
	int rw, budget;

	tui_fill(r, TUI_ROLE_HEADER);
	snprintf(left, sizeof left, " carefile | %s", base ? _(base->ops->title) : "");
	header_field(user, sizeof user, tui->user ? tui->user : "-", 16);
	/* TRANSLATORS: header labels; the whole header must fit 80 columns. */
	if (full)
		snprintf(suffix, sizeof suffix, " | %s: %s", _("User"), user);
	else
		snprintf(suffix, sizeof suffix, " | %s", user);
	/* The lock state is shown only when a case file is open. */
	if (tui->casefile_name) {
		size_t n = strlen(suffix);

		snprintf(suffix + n, sizeof suffix - n, " | %s",
		         tui->locked ? _("locked") : _("unlocked"));
	}
	/* The title keeps at least 24 columns; a long file name is cut, never the rest. */
	budget = r->w - 24 - 1 - text_width(suffix, strlen(suffix)) -
	         (full ? text_width(_("File"), strlen(_("File"))) + 2 : 0);
	if (budget < 4)
		budget = 4;
	header_field(name, sizeof name, tui->casefile_name ? tui->casefile_name : _("none"), budget);
	snprintf(right, sizeof right, "%s%s%s%s ", full ? _("File") : "", full ? ": " : "", name, suffix);
	rw = text_width(right, strlen(right));
	if (rw > r->w - 24)
		rw = r->w - 24;
	if (rw < 0)
		rw = 0;
	tui_draw_text(r->y, r->x, r->w - rw, left, TUI_ROLE_HEADER, TEXT_LEFT);
	tui_draw_text(r->y, r->x + r->w - rw, rw, right, TUI_ROLE_HEADER, TEXT_RIGHT);
}

/* Adds "key label" to the hint line at *x if it fits in the line; returns false when full. */
const struct cf_tui_keyhelp *
tui_screen_keys(const struct cf_screen *s)
{
	if (!s)
		return NULL;
	return s->ops->keys_now ? s->ops->keys_now(s) : s->ops->keys;
}

static bool
hint_item(const struct cf_rect *r, int *x, const char *key, const char *label)
{
	int kw = text_width(key, strlen(key));
	int lw = text_width(label, strlen(label));
	int need = kw + 1 + lw;

	if (*x + need > r->x + r->w)
		return false;
	tui_draw_text(r->y, *x, kw, key, TUI_ROLE_HINT_KEY, TEXT_LEFT);
	tui_draw_text(r->y, *x + kw + 1, lw, label, TUI_ROLE_HINT, TEXT_LEFT);
	*x += need + 1;
	return true;
}

static void
draw_hints(struct cf_tui *tui)
{
	const struct cf_rect *r = &tui->layout.hints;
	const struct cf_screen *top = tui->depth ? tui->stack[tui->depth - 1] : NULL;
	const struct cf_screen *base = base_screen(tui);
	bool dialog = top && (top->ops->flags & TUI_SCREEN_DIALOG);
	int x = r->x;

	tui_fill(r, TUI_ROLE_HINT);
	if (top && tui_screen_keys(top))
		for (const struct cf_tui_keyhelp *k = tui_screen_keys(top); k->key; k++)
			if (k->hint && !hint_item(r, &x, k->key, _(k->hint)))
				return;
	if (top && (top->ops->flags & TUI_SCREEN_MODAL))
		return;
	/* Dialogs may take '?' as text: they show F1. */
	/* TRANSLATORS: hint-line labels: at most 4 columns (2 Chinese characters). */
	if (!hint_item(r, &x, dialog ? "F1" : "?", _("Help")) || dialog)
		return;
	if (!hint_item(r, &x, "q", tui->depth > 1 ? _("Back") : _("Quit")))
		return;
	for (size_t i = 0; i < sizeof nav_keys / sizeof nav_keys[0]; i++) {
		char key[2] = { (char)nav_keys[i].key, '\0' };

		if (base && nav_keys[i].ops == base->ops)
			continue;
		if (!hint_item(r, &x, key, _(nav_keys[i].hint)))
			return;
	}
}

static void
draw_too_small(struct cf_tui *tui)
{
	const struct cf_rect *r = &tui->layout.body;
	char need[128];
	const char *lines[3];
	int top;

	snprintf(need, sizeof need, _("Need at least %dx%d, now %dx%d"), TUI_MIN_COLS, TUI_MIN_ROWS,
	         tui->layout.cols, tui->layout.rows);
	lines[0] = _("Terminal too small");
	lines[1] = need;
	lines[2] = _("Enlarge the window to go on.");
	top = r->y + (r->h - 3) / 2;
	if (top < 0)
		top = 0;
	for (int i = 0; i < 3 && top + i < r->y + r->h; i++)
		tui_draw_text(top + i, r->x, r->w, lines[i], i == 0 ? TUI_ROLE_TITLE : TUI_ROLE_NORMAL,
		              TEXT_CENTER);
}

static void
draw_all(struct cf_tui *tui)
{
	erase();
	tui->cursor_y = tui->cursor_x = -1;
	if (tui->layout.mode == TUI_LAYOUT_TOO_SMALL) {
		draw_too_small(tui);
	} else {
		int base = 0;

		for (int i = tui->depth - 1; i >= 0; i--)
			if (!(tui->stack[i]->ops->flags & TUI_SCREEN_DIALOG)) {
				base = i;
				break;
			}
		draw_header(tui);
		for (int i = base; i < tui->depth; i++) {
			tui->cursor_y = tui->cursor_x = -1;
			tui->stack[i]->ops->draw(tui->stack[i]);
		}
		if (tui->status)
			tui_draw_text(tui->layout.status.y, 0, tui->layout.status.w, tui->status,
			              tui->status_error ? TUI_ROLE_ERROR : TUI_ROLE_STATUS, TEXT_LEFT);
		draw_hints(tui);
	}
	if (tui->cursor_y >= 0 && tui->cursor_x >= 0) {
		curs_set(1);
		move(tui->cursor_y, tui->cursor_x);
	} else {
		curs_set(0);
		move(0, 0);
	}
	refresh();
}

void
tui_redraw_now(struct cf_tui *tui)
{
	draw_all(tui);
}

/* --- keys ---------------------------------------------------------------------- */

static void
relayout(struct cf_tui *tui, int cols, int rows)
{
	tui->layout = tui_layout_compute(cols, rows);
	for (int i = 0; i < tui->depth; i++)
		screen_layout(tui, tui->stack[i]);
}

static void
navigate(struct cf_tui *tui, const struct cf_screen_ops *ops)
{
	int err;

	while (tui->depth > 1)
		pop(tui);
	if (tui->depth == 1 && tui->stack[0]->ops == ops)
		return;
	err = tui_push(tui, ops, NULL);
	if (err != CF_OK)
		tui_status(tui, cf_strerror(err), true);
}

static bool
is_key(const struct cf_tui_key *k, wint_t c)
{
	return !k->fn && k->code == c;
}

static void
handle_key(struct cf_tui *tui, const struct cf_tui_key *k)
{
	struct cf_screen *top;
	enum tui_key_result r = TUI_KEY_UNHANDLED;
	bool dialog;

	if (k->fn && k->code == KEY_RESIZE) {
		relayout(tui, COLS, LINES);
		return;
	}
	tui_status(tui, NULL, false);
	if (is_key(k, CTRL('L'))) {
		tui_session_lock(tui);
		clearok(curscr, TRUE);
		return;
	}
	if (tui->layout.mode == TUI_LAYOUT_TOO_SMALL || tui->depth == 0)
		return;
	top = tui->stack[tui->depth - 1];
	dialog = top->ops->flags & TUI_SCREEN_DIALOG;
	if (top->ops->key)
		r = top->ops->key(top, k);
	if (r == TUI_KEY_CLOSE) {
		pop(tui);
		return;
	}
	if (r == TUI_KEY_HANDLED)
		return;
	if ((k->fn && k->code == KEY_F(1)) || is_key(k, '?')) {
		int err = tui_push(tui, &tui_screen_help, top);

		if (err != CF_OK)
			tui_status(tui, cf_strerror(err), true);
		return;
	}
	if (dialog) {
		if (is_key(k, 'q') || is_key(k, 27))
			pop(tui);
		return;
	}
	if (is_key(k, 'q')) {
		if (tui->depth > 1)
			pop(tui);
		else
			tui->quit = true;
		return;
	}
	if (!k->fn)
		for (size_t i = 0; i < sizeof nav_keys / sizeof nav_keys[0]; i++)
			if (k->code == nav_keys[i].key) {
				navigate(tui, nav_keys[i].ops);
				return;
			}
}

/* --- headless key scripts ------------------------------------------------------- */

static const struct {
	const char *name;
	bool fn;
	int code;
} script_names[] = {
	{ "F1", true, KEY_F(1) }, { "Esc", false, 27 }, { "Enter", false, '\r' },
	{ "Tab", false, '\t' }, { "BS", true, KEY_BACKSPACE }, { "DEL127", false, 127 },
	{ "Del", true, KEY_DC }, { "Up", true, KEY_UP }, { "Down", true, KEY_DOWN },
	{ "Left", true, KEY_LEFT }, { "Right", true, KEY_RIGHT }, { "Home", true, KEY_HOME },
	{ "End", true, KEY_END }, { "PgUp", true, KEY_PPAGE }, { "PgDn", true, KEY_NPAGE },
	{ "lt", false, '<' }, { "Space", false, ' ' },
};

/* Special key marking a resize in the script; the size is in the next two entries. */
#define SCRIPT_RESIZE ((wint_t)-2)

static int
script_add(struct cf_tui *tui, size_t *cap, bool fn, wint_t code)
{
	if (tui->script_len == *cap) {
		size_t n = *cap ? *cap * 2 : 64;
		struct cf_tui_key *p = realloc(tui->script, n * sizeof *p);

		if (!p)
			return CF_ERR_NOMEM;
		tui->script = p;
		*cap = n;
	}
	tui->script[tui->script_len].fn = fn;
	tui->script[tui->script_len].code = code;
	tui->script_len++;
	return CF_OK;
}

/*
 * Parses a key script: UTF-8 text typed as is, line breaks ignored, and
 * <Name> for special keys (see script_names, <C-x> for Ctrl-x, <resize
 * COLSxROWS> for a terminal resize). Returns enum cf_error.
 */
static int
script_parse(struct cf_tui *tui, const char *s, size_t len)
{
	size_t cap = 0, i = 0;
	mbstate_t st;

	memset(&st, 0, sizeof st);
	while (i < len) {
		wchar_t wc;
		size_t n;
		int err = CF_OK;

		if (s[i] == '\n' || s[i] == '\r') {
			i++;
			continue;
		}
		if (s[i] == '<') {
			const char *end = memchr(s + i, '>', len - i);
			char name[64];
			size_t nl;
			int w, h;
			bool found = false;

			if (!end || (nl = (size_t)(end - s) - i - 1) >= sizeof name)
				return CF_ERR_INVALID;
			memcpy(name, s + i + 1, nl);
			name[nl] = '\0';
			i += nl + 2;
			if (sscanf(name, "resize %dx%d", &w, &h) == 2) {
				err = script_add(tui, &cap, true, SCRIPT_RESIZE);
				if (!err)
					err = script_add(tui, &cap, false, (wint_t)w);
				if (!err)
					err = script_add(tui, &cap, false, (wint_t)h);
				if (err)
					return err;
				continue;
			}
			if (nl == 3 && name[0] == 'C' && name[1] == '-') {
				if ((err = script_add(tui, &cap, false, CTRL(name[2]))))
					return err;
				continue;
			}
			for (size_t k = 0; k < sizeof script_names / sizeof script_names[0]; k++)
				if (strcmp(name, script_names[k].name) == 0) {
					err = script_add(tui, &cap, script_names[k].fn, (wint_t)script_names[k].code);
					found = true;
					break;
				}
			if (!found)
				return CF_ERR_INVALID;
			if (err)
				return err;
			continue;
		}
		n = mbrtowc(&wc, s + i, len - i, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			return CF_ERR_ENCODING;
		if ((err = script_add(tui, &cap, false, (wint_t)wc)))
			return err;
		i += n;
	}
	return CF_OK;
}

static int
script_load(struct cf_tui *tui, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int err;

	if (!f)
		return CF_ERR_IO;
	for (;;) {
		if (len + 4096 > cap) {
			char *p = realloc(buf, cap = cap ? cap * 2 : 8192);

			if (!p) {
				free(buf);
				fclose(f);
				return CF_ERR_NOMEM;
			}
			buf = p;
		}
		size_t n = fread(buf + len, 1, cap - len, f);

		if (n == 0)
			break;
		len += n;
	}
	err = ferror(f) ? CF_ERR_IO : script_parse(tui, buf, len);
	fclose(f);
	free(buf);
	return err;
}

/* Writes the screen as UTF-8 text, one line per row, trailing spaces kept. */
static void
dump_screen(FILE *out)
{
	for (int y = 0; y < LINES; y++) {
		for (int x = 0; x < COLS;) {
			cchar_t cc;
			wchar_t wch[CCHARW_MAX + 1];
			attr_t attrs;
			short pair;
			int w = 1;

			if (mvin_wch(y, x, &cc) == ERR || getcchar(&cc, wch, &attrs, &pair, NULL) == ERR) {
				fputc('?', out);
				x++;
				continue;
			}
			if (wch[0] == L'\0')
				wch[0] = L' ', wch[1] = L'\0';
			w = wcwidth(wch[0]);
			if (w < 1)
				w = 1;
			for (int i = 0; wch[i]; i++)
				fprintf(out, "%lc", (wint_t)wch[i]);
			x += w;
		}
		fputc('\n', out);
	}
}

/* --- main loop ----------------------------------------------------------------- */

/*
 * SIGINT (Ctrl-C), SIGTERM and SIGHUP end the interface through the normal
 * path (session close, screens freed and wiped, terminal restored) instead
 * of killing the process with the terminal in raw mode. The handler only
 * sets this flag; the blocking read returns with EINTR and the loop stops.
 */
static volatile sig_atomic_t stop_signal;

static void
on_stop_signal(int sig)
{
	stop_signal = sig;
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

/* Installed before newterm, so ncurses keeps its own handlers off these signals. */
static void
signals_install(struct sigaction *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: the read must return EINTR */
	stop_signal = 0;
	for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
		sigaction(stop_signals[i], &sa, &old[i]);
}

static void
signals_restore(const struct sigaction *old)
{
	for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
		sigaction(stop_signals[i], &old[i], NULL);
}

/*
 * True when the terminal has input waiting. Checked with poll() instead of a
 * zero curses timeout: wget_wch() with a timeout drops the bytes of a UTF-8
 * character it has begun when the rest is not there yet, which loses
 * characters of a paste that the terminal delivers in pieces.
 */
static bool
input_pending(struct cf_tui *tui)
{
	struct pollfd p = { fileno(tui->in), POLLIN, 0 };

	return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

/* Milliseconds until the idle lock is due (0 when due), or -1 when there is no idle lock. */
static int
idle_remaining_ms(const struct cf_tui *tui)
{
	struct timespec now;
	long long ms;

	if (tui->idle_lock_seconds <= 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)tui->idle_lock_seconds * 1000 -
	     ((long long)(now.tv_sec - tui->last_key.tv_sec) * 1000 +
	      (now.tv_nsec - tui->last_key.tv_nsec) / 1000000);
	if (ms < 0)
		ms = 0;
	return ms > 3600000 ? 3600000 : (int)ms;
}

/*
 * Waits for input with poll() until the idle lock is due. Returns true when
 * input is waiting, false when the idle time ran out (*idle set) or a stop
 * signal came. *signalled is set when poll() was interrupted by a signal:
 * curses' own SIGWINCH handler has then probably queued a KEY_RESIZE that
 * no byte on the terminal will announce. The read itself stays a blocking
 * get_wch (see input_pending).
 */
static bool
wait_input(struct cf_tui *tui, bool *idle, bool *signalled)
{
	*signalled = false;
	for (;;) {
		struct pollfd p = { fileno(tui->in), POLLIN, 0 };
		int ms = idle_remaining_ms(tui);
		int r;

		if (stop_signal)
			return false;
		if (ms < 0)
			return true; /* no idle lock: block in get_wch */
		if (ms == 0) {
			*idle = true;
			return false;
		}
		r = poll(&p, 1, ms);
		if (r > 0)
			return true;
		if (r < 0 && errno == EINTR) {
			*signalled = true;
			return true;
		}
		if (r < 0)
			return true;
	}
}

/*
 * Reads the next key; wait false: only when input is already waiting.
 * Returns false when there is none; *idle (may be NULL) is set when the
 * idle lock time ran out while waiting.
 */
static bool
next_key(struct cf_tui *tui, struct cf_tui_key *k, bool wait, bool *idle)
{
	wint_t wc;
	int r;

	if (tui->headless) {
		if (tui->script_pos >= tui->script_len)
			return false;
		*k = tui->script[tui->script_pos++];
		if (k->fn && k->code == SCRIPT_RESIZE && tui->script_pos + 2 <= tui->script_len) {
			int w = (int)tui->script[tui->script_pos].code;
			int h = (int)tui->script[tui->script_pos + 1].code;

			tui->script_pos += 2;
			resizeterm(h, w);
			k->code = KEY_RESIZE;
		}
		return true;
	}
	if (stop_signal || (!wait && !input_pending(tui)))
		return false;
	for (;;) {
		bool signalled = false;

		if (wait && idle && !wait_input(tui, idle, &signalled))
			return false;
		if (signalled) {
			/*
			 * No byte is waiting, so a zero timeout cannot split a
			 * UTF-8 character here: it only collects a KEY_RESIZE
			 * that curses queued in its SIGWINCH handler.
			 */
			timeout(0);
			r = get_wch(&wc);
			timeout(-1);
			if (r == ERR)
				continue;
			break;
		}
		timeout(-1);
		do {
			errno = 0;
			r = get_wch(&wc);
		} while (r == ERR && errno == EINTR && !stop_signal);
		if (r == ERR)
			return false;
		break;
	}
	k->fn = r == KEY_CODE_YES;
	k->code = wc;
	clock_gettime(CLOCK_MONOTONIC, &tui->last_key);
	return true;
}

static void
run(struct cf_tui *tui)
{
	struct cf_tui_key k;

	relayout(tui, COLS, LINES);
	clock_gettime(CLOCK_MONOTONIC, &tui->last_key);
	while (!tui->quit) {
		bool idle = false;

		draw_all(tui);
		if (!next_key(tui, &k, true, &idle)) {
			if (!idle)
				break;
			clock_gettime(CLOCK_MONOTONIC, &tui->last_key);
			tui_session_lock(tui);
			continue;
		}
		handle_key(tui, &k);
		/*
		 * A paste arrives as a burst of keys: take everything already
		 * buffered before drawing again, so nothing waits on a redraw.
		 */
		while (!tui->quit && !tui->headless && next_key(tui, &k, false, NULL))
			handle_key(tui, &k);
	}
	if (tui->headless)
		draw_all(tui);
}

static void
tui_free(struct cf_tui *tui)
{
	while (tui->depth)
		pop(tui);
	free(tui->status);
	free(tui->script);
}

/*
 * Set only by the test binary (carefile-render, never installed): the
 * installed carefile ignores CAREFILE_HEADLESS, CAREFILE_KEYS and
 * CAREFILE_DUMP, so no environment variable can make it write a screen of
 * decrypted records to a file or a pipe.
 */
static bool test_hooks;

void
tui_enable_test_hooks(void)
{
	test_hooks = true;
}

/* Sets up curses on the terminal, or on /dev/null at a fixed size when CAREFILE_HEADLESS is set (test binary). */
static int
open_terminal(struct cf_tui *tui)
{
	const char *headless = test_hooks ? getenv("CAREFILE_HEADLESS") : NULL;
	const char *term = getenv("TERM");

	if (headless && *headless) {
		int w, h;
		const char *keys = getenv("CAREFILE_KEYS");

		if (sscanf(headless, "%dx%d", &w, &h) != 2 || w < 1 || h < 1 || w > 1000 || h > 1000) {
			fprintf(stderr, _("carefile: CAREFILE_HEADLESS must look like 80x24\n"));
			return CF_ERR_USAGE;
		}
		if (keys && *keys) {
			int err = script_load(tui, keys);

			if (err != CF_OK) {
				fprintf(stderr, _("carefile: cannot read the key script %s: %s\n"), keys,
				        cf_strerror(err));
				return err;
			}
		}
		tui->headless = true;
		tui->out = fopen("/dev/null", "w");
		tui->in = fopen("/dev/null", "r");
		tui->own_streams = true;
		if (!tui->out || !tui->in)
			return CF_ERR_IO;
		tui->term = newterm("xterm-256color", tui->out, tui->in);
		if (!tui->term)
			return CF_ERR_FAIL;
		resizeterm(h, w);
		return CF_OK;
	}
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, _("carefile: standard input is not a terminal; the interface needs one "
		                  "(use a command such as 'carefile check' in scripts)\n"));
		return CF_ERR_USAGE;
	}
	if (!term || !*term) {
		fprintf(stderr, _("carefile: TERM is not set; set it to your terminal type, "
		                  "e.g. TERM=xterm-256color\n"));
		return CF_ERR_USAGE;
	}
	tui->out = stdout;
	tui->in = stdin;
	tui->term = newterm(NULL, stdout, stdin);
	if (!tui->term) {
		fprintf(stderr, _("carefile: unknown terminal type '%s'; set TERM to a type this system "
		                  "knows, e.g. TERM=xterm-256color\n"), term);
		return CF_ERR_USAGE;
	}
	return CF_OK;
}

/*
 * The interface needs a UTF-8 LC_CTYPE for wide characters and widths
 * (names and notes are Chinese). Under LANG=C or POSIX, as on many servers
 * and containers, fall back to C.UTF-8 for character handling only; the
 * messages stay in the language the user chose.
 */
static void
ensure_utf8_ctype(void)
{
	const char *cs = nl_langinfo(CODESET);

	if (cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0))
		return;
	(void)setlocale(LC_CTYPE, "C.UTF-8");
}

int
tui_main(const struct cf_options *opts)
{
	struct cf_tui tui;
	struct sigaction old_actions[sizeof stop_signals / sizeof stop_signals[0]];
	int err;

	memset(&tui, 0, sizeof tui);
	tui.cursor_y = tui.cursor_x = -1;
	ensure_utf8_ctype();
	signals_install(old_actions);
	err = open_terminal(&tui);
	if (err != CF_OK) {
		signals_restore(old_actions);
		if (tui.term) {
			endwin();
			delscreen(tui.term);
		}
		if (tui.own_streams) {
			if (tui.out)
				fclose(tui.out);
			if (tui.in)
				fclose(tui.in);
		}
		free(tui.script);
		return cf_exit_code(err);
	}
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	tui_colors_init();

	tui.layout = tui_layout_compute(COLS, LINES);
	err = tui_push(&tui, &tui_screen_today, NULL);
	if (err == CF_OK)
		err = tui_session_open(&tui, opts);
	if (err == CF_OK)
		run(&tui);
	if (err == CF_OK && stop_signal)
		err = CF_ERR_CANCELLED;
	if (err == CF_OK)
		err = tui.quit_err;
	/* SIGHUP and SIGTERM lock first: keys and decrypted data wiped, screen and scrollback cleared. */
	if (stop_signal == SIGHUP || stop_signal == SIGTERM)
		tui_session_lock(&tui);
	tui_session_close(&tui);
	if (tui.headless) {
		const char *dump = getenv("CAREFILE_DUMP");
		FILE *f = dump && *dump ? fopen(dump, "w") : stdout;

		if (f) {
			dump_screen(f);
			if (f != stdout)
				fclose(f);
		} else {
			err = CF_ERR_IO;
		}
	}
	tui_free(&tui);
	endwin();
	delscreen(tui.term);
	if (tui.own_streams) {
		fclose(tui.out);
		fclose(tui.in);
	}
	signals_restore(old_actions);
	if (err != CF_OK)
		fprintf(stderr, "carefile: %s\n", cf_strerror(err));
	return cf_exit_code(err);
}
