/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Small file-system helpers shared by core and cli (io layer). */
#ifndef CAREFILE_IO_FS_H
#define CAREFILE_IO_FS_H

/*
 * mkdir -p for private data: creates dir (an absolute or relative path) and
 * every missing parent with mode 0700 (existing ones are left as they are).
 * dir is changed while it runs and restored before it returns. 0, or -1
 * with errno set (a path element is not a directory: ENOTDIR).
 */
int io_mkdirs_private(char *dir);

#endif
