/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Text from files and records made safe to print on a terminal. */
#ifndef CAREFILE_CLI_PRINT_H
#define CAREFILE_CLI_PRINT_H

#include <stddef.h>

/*
 * Copies UTF-8 s (NULL gives "-") into dst (dst_size bytes, NUL included)
 * for printing: control characters, ESC, C1 controls, bidirectional and
 * zero-width characters and invalid bytes become U+FFFD (text_sanitize),
 * so a cell or a file name can never move the cursor, retitle the window or
 * reorder the line. Padded with spaces to pad display columns (0: no
 * padding); text longer than dst holds is cut at a character boundary.
 * Returns dst.
 */
const char *cli_safe(char *dst, size_t dst_size, const char *s, int pad);

#endif
