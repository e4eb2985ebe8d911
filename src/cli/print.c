/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text from files and records made safe to print on a terminal (display width from tui_text). */
#include <string.h>

#include "carefile/text.h"
#include "cli-print.h"

const char *
cli_safe(char *dst, size_t dst_size, const char *s, int pad)
{
	size_t len;
	int width;

	if (!dst || dst_size == 0)
		return "";
	if (!s)
		s = "-";
	len = strlen(s);
	width = text_width(s, len);
	text_fit(dst, dst_size, s, len, width > pad ? width : pad, TEXT_LEFT);
	return dst;
}
