/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Passphrases from the terminal (echo off, restored on every path) or from a file descriptor. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "carefile/crypto.h"
#include "carefile/i18n.h"
#include "carefile/user.h"
#include "cli-internal.h"

#define SECRET_MAX (CF_PASSPHRASE_MAX_BYTES + 2)

/*
 * State the signal handlers need to put the terminal back (only async-signal-safe calls there).
 * tty_saved is the user's mode, tty_quiet the prompt's (echo off); tty_prompt is written again
 * when the prompt is continued after a stop.
 */
static volatile sig_atomic_t tty_fd = -1;
static struct termios tty_saved, tty_quiet;
static const char *tty_prompt;
static size_t tty_prompt_len;
static volatile sig_atomic_t tty_stopping;
static const int restore_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT };
#define N_SIGNALS (sizeof restore_signals / sizeof restore_signals[0])
static struct sigaction old_actions[N_SIGNALS];
static struct sigaction prompt_action, continue_action;

static const struct sigaction *
old_action(int sig)
{
	for (size_t i = 0; i < N_SIGNALS; i++)
		if (restore_signals[i] == sig)
			return &old_actions[i];
	return NULL;
}

/*
 * The prompt goes on after a stop (Ctrl-Z and fg, or SIGSTOP): the shell has put its own modes
 * back, echo on, so echo goes off again before the read goes on; the prompt is shown again because
 * the stop flushed whatever had been typed. In the background, tcsetattr stops the process
 * (SIGTTOU) until fg.
 */
static void
prompt_continued(int fd)
{
	if (fd < 0)
		return;
	/* the SIGCONT that ends a SIGTTOU stop has a handler (no SA_RESTART): EINTR then */
	while (tcsetattr(fd, TCSAFLUSH, &tty_quiet) != 0 && errno == EINTR)
		;
	(void)write(fd, tty_prompt, tty_prompt_len);
}

/*
 * SIGCONT: echo off again, unless on_signal() is handling a SIGTSTP (it does that itself once
 * continued) or leaving (tty_fd is -1 then).
 */
static void
on_continue(int sig)
{
	int saved_errno = errno;

	(void)sig;
	if (!tty_stopping)
		prompt_continued(tty_fd);
	errno = saved_errno;
}

/*
 * SIGTSTP: the user's modes back, then stop for real with the disposition the process had before
 * the prompt (normally the default, so the shell sees the stop); once continued, echo off and the
 * prompt's handler again. Other signals: the user's modes back, the old disposition, the signal
 * delivered again (at the handler's return: it is blocked until then).
 */
static void
on_signal(int sig)
{
	int saved_errno = errno;
	int fd = tty_fd;
	sigset_t set;

	if (sig != SIGTSTP)
		tty_fd = -1;   /* leaving: a SIGCONT now must not turn echo off again */
	else
		tty_stopping = 1;
	if (fd >= 0)
		(void)tcsetattr(fd, TCSAFLUSH, &tty_saved);
	(void)sigaction(sig, old_action(sig), NULL);
	(void)raise(sig);
	if (sig != SIGTSTP)
		return;
	/* SIGTSTP is blocked while its handler runs: unblock it so the stop happens here */
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
	/* continued (or the stop was ignored) */
	(void)sigaction(SIGTSTP, &prompt_action, NULL);
	prompt_continued(fd);
	tty_stopping = 0;
	errno = saved_errno;
}

/* Reads one line from fd into buf (secure memory); byte by byte so the next line stays in fd. */
static enum cf_error
read_line(int fd, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	int got_any = 0;

	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return CF_ERR_IO;
		if (r == 0) {
			if (!got_any)
				return CF_ERR_CANCELLED;
			break;
		}
		got_any = 1;
		if (c == '\n')
			break;
		if (c == '\0')
			return CF_ERR_INVALID;
		if (n + 1 >= cap)
			return CF_ERR_INVALID;
		buf[n++] = c;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return CF_OK;
}

static enum cf_error
read_tty(const char *prompt, char *buf, size_t cap, size_t *len)
{
	enum cf_error e;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return CF_ERR_USAGE;
	if (tcgetattr(fd, &tty_saved) != 0) {
		close(fd);
		return CF_ERR_USAGE;
	}
	tty_quiet = tty_saved;
	tty_quiet.c_lflag &= (tcflag_t)~(ECHO | ECHOE | ECHOK | ECHONL);
	tty_quiet.c_lflag |= ICANON;
	tty_prompt = prompt;
	tty_prompt_len = strlen(prompt);
	/*
	 * No signal handler of the prompt runs inside another, except SIGCONT's: it comes while
	 * on_signal() is stopped in its SIGTSTP branch (and then does nothing).
	 */
	memset(&prompt_action, 0, sizeof prompt_action);
	prompt_action.sa_handler = on_signal;
	sigemptyset(&prompt_action.sa_mask);
	for (size_t i = 0; i < N_SIGNALS; i++)
		if (restore_signals[i] != SIGCONT)
			sigaddset(&prompt_action.sa_mask, restore_signals[i]);
	continue_action = prompt_action;
	continue_action.sa_handler = on_continue;
	tty_stopping = 0;
	tty_fd = fd;
	for (size_t i = 0; i < N_SIGNALS; i++)
		(void)sigaction(restore_signals[i], restore_signals[i] == SIGCONT ? &continue_action : &prompt_action,
		                &old_actions[i]);
	(void)write(fd, prompt, strlen(prompt));
	if (tcsetattr(fd, TCSAFLUSH, &tty_quiet) != 0) {
		tty_fd = -1;
		e = CF_ERR_IO;
	} else {
		e = read_line(fd, buf, cap, len);
		tty_fd = -1;   /* first, so that a SIGCONT from now on leaves echo alone */
		(void)tcsetattr(fd, TCSAFLUSH, &tty_saved);
		(void)write(fd, "\n", 1);
	}
	for (size_t i = 0; i < N_SIGNALS; i++)
		(void)sigaction(restore_signals[i], &old_actions[i], NULL);
	close(fd);
	return e;
}

enum cf_error
cli_read_secret(int fd, const char *prompt, char **out, size_t *len)
{
	char *buf = crypto_secure_alloc(SECRET_MAX);
	enum cf_error e;

	*out = NULL;
	*len = 0;
	if (!buf)
		return CF_ERR_NOMEM;
	if (fd >= 0)
		e = read_line(fd, buf, SECRET_MAX, len);
	else
		e = read_tty(prompt, buf, SECRET_MAX, len);
	if (e != CF_OK) {
		crypto_secure_free(buf);
		*len = 0;
		return e;
	}
	*out = buf;
	return CF_OK;
}

enum cf_error
cli_read_new_passphrase(int fd, const char *user, char **out, size_t *len)
{
	struct cf_passphrase_strength s;
	char *again = NULL;
	size_t again_len = 0;
	enum cf_error e;

	*out = NULL;
	*len = 0;
	e = cli_read_secret(fd, _("New passphrase: "), out, len);
	if (e != CF_OK)
		return e;
	if (fd < 0) {
		e = cli_read_secret(-1, _("Repeat the new passphrase: "), &again, &again_len);
		if (e == CF_OK && (again_len != *len || crypto_memcmp(again, *out, *len) != 0)) {
			fprintf(stderr, _("carefile: the two passphrases differ\n"));
			e = CF_ERR_INVALID;
		}
		crypto_secure_free(again);
	}
	if (e == CF_OK) {
		e = user_passphrase_check(*out, user, &s);
		if (e == CF_ERR_WEAK_PASSPHRASE)
			fprintf(stderr, _("carefile: %s: %s\n"), cf_strerror(e), _(s.reason));
		else if (e == CF_ERR_INVALID)
			fprintf(stderr, _("carefile: the passphrase is empty or longer than %d bytes\n"),
			        CF_PASSPHRASE_MAX_BYTES);
	}
	if (e != CF_OK) {
		crypto_secure_free(*out);
		*out = NULL;
		*len = 0;
	}
	return e;
}
