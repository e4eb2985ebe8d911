/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test fixture: an invisible curses screen and its rows read back as UTF-8. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "invisible-screen.h"
#include "tui-curses.h"

static SCREEN *term;
static FILE *out, *in;

int
invisible_screen_open(int rows, int cols)
{
	if (!setlocale(LC_ALL, "C.UTF-8"))
		return -1;
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	if (!out || !in)
		return -1;
	term = newterm("xterm-256color", out, in);
	if (!term)
		return -1;
	resizeterm(rows, cols);
	return 0;
}

int
invisible_screen_close(void)
{
	endwin();
	delscreen(term);
	fclose(out);
	fclose(in);
	return 0;
}

const char *
invisible_screen_row(int y)
{
	static char buf[1024];
	size_t used = 0;

	for (int x = 0; x < COLS;) {
		cchar_t cc;
		wchar_t wch[CCHARW_MAX + 1];
		attr_t a;
		short pair;
		int w;

		mvin_wch(y, x, &cc);
		getcchar(&cc, wch, &a, &pair, NULL);
		if (!wch[0])
			wch[0] = L' ', wch[1] = L'\0';
		for (int i = 0; wch[i] && used + MB_CUR_MAX < sizeof buf; i++) {
			size_t n = wcrtomb(buf + used, wch[i], NULL);

			if (n != (size_t)-1)
				used += n;
		}
		w = wcwidth(wch[0]);
		x += w > 0 ? w : 1;
	}
	while (used > 0 && buf[used - 1] == ' ')
		used--;
	buf[used] = '\0';
	return buf;
}
