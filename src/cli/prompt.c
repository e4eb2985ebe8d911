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

/* State the signal handler needs to put the terminal back (only async-signal-safe calls there). */
static volatile sig_atomic_t tty_fd = -1;
static struct termios tty_saved;
static const int restore_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP };
#define N_SIGNALS (sizeof restore_signals / sizeof restore_signals[0])
static struct sigaction old_actions[N_SIGNALS];

static void
restore_and_reraise(int sig)
{
	if (tty_fd >= 0)
		(void)tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	/* back to the previous disposition, then deliver the signal again */
	for (size_t i = 0; i < N_SIGNALS; i++)
		if (restore_signals[i] == sig)
			(void)sigaction(sig, &old_actions[i], NULL);
	(void)raise(sig);
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
	struct termios quiet;
	struct sigaction sa;
	enum cf_error e;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return CF_ERR_USAGE;
	if (tcgetattr(fd, &tty_saved) != 0) {
		close(fd);
		return CF_ERR_USAGE;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = restore_and_reraise;
	sigemptyset(&sa.sa_mask);
	tty_fd = fd;
	for (size_t i = 0; i < N_SIGNALS; i++)
		(void)sigaction(restore_signals[i], &sa, &old_actions[i]);
	quiet = tty_saved;
	quiet.c_lflag &= (tcflag_t)~(ECHO | ECHOE | ECHOK | ECHONL);
	quiet.c_lflag |= ICANON;
	(void)write(fd, prompt, strlen(prompt));
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
		e = CF_ERR_IO;
	} else {
		e = read_line(fd, buf, cap, len);
		(void)tcsetattr(fd, TCSAFLUSH, &tty_saved);
		(void)write(fd, "\n", 1);
	}
	tty_fd = -1;
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
