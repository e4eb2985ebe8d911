/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The rollback witness: on this PC, for each case file id and account, the
 * highest write counter (meta.generation) and directory epoch the account
 * has seen. A file older than that was put back (a backup restored, or
 * rolled back on purpose) and opens only after the user says so.
 *
 * $XDG_STATE_HOME/carefile/witness (default ~/.local/state/carefile/witness),
 * mode 0600 in a 0700 directory, one line per file and account:
 *     w1 <file id, 32 hex> <account name, hex of its UTF-8> <generation> <epoch> [<audit seq> <audit head, 64 hex>]
 * Nothing about a student: a file id, a staff login name, three counters and
 * the hash of the last audit entry seen (lines without the last two are
 * from before the audit log and still read).
 * Failed unlocks wait here for the audit log, one line each, until the next
 * unlock of that file on this PC writes them into it (casefile.c):
 *     f1 <file id, 32 hex> <account row id, 0: a login name the file does not know> <UTC seconds>
 * The name typed is not kept (it may be a passphrase typed in the wrong field).
 * Rewritten whole through a temporary file and rename(), so a crash leaves
 * the old or the new one. A PC without a usable state directory has no
 * witness: nothing is refused because of it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "carefile/io_fs.h"
#include "casefile-internal.h"

#define WITNESS_LINE_MAX (3 + 33 + 2 * 256 + 3 * 21 + 65 + 8)

/* The witness file's path into out (and its directory, created 0700). 0, or -1 when there is none. */
static int
witness_path(char *out, size_t size, int create_dir)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char dir[1024];
	int n;

	if (state && state[0] == '/')
		n = snprintf(dir, sizeof dir, "%s/carefile", state);
	else if (home && home[0] == '/')
		n = snprintf(dir, sizeof dir, "%s/.local/state/carefile", home);
	else
		return -1;
	if (n < 0 || (size_t)n >= sizeof dir)
		return -1;
	/* XDG_STATE_HOME itself may not exist yet: each missing level is made, private */
	if (create_dir && io_mkdirs_private(dir) != 0)
		return -1;
	n = snprintf(out, size, "%s/witness", dir);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static void
hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* "w1 FILE USER " of this file and account into key. */
static int
line_key(const uint8_t file_id[CF_FILE_ID_BYTES], const char *user, char *key, size_t size)
{
	char fid[2 * CF_FILE_ID_BYTES + 1], name[2 * 256 + 1];
	size_t n = strlen(user);
	int k;

	if (n == 0 || n > 256)
		return -1;
	hex(file_id, CF_FILE_ID_BYTES, fid);
	hex((const uint8_t *)user, n, name);
	k = snprintf(key, size, "w1 %s %s ", fid, name);
	return k < 0 || (size_t)k >= size ? -1 : 0;
}

void
witness_read(const uint8_t file_id[CF_FILE_ID_BYTES], const char *user, struct witness_seen *out)
{
	char path[1100], key[WITNESS_LINE_MAX], line[WITNESS_LINE_MAX];
	FILE *f;

	memset(out, 0, sizeof *out);
	if (!user || witness_path(path, sizeof path, 0) != 0 || line_key(file_id, user, key, sizeof key) != 0)
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		uint64_t gen, epoch;
		int64_t seq = 0;
		char head[65] = "";
		size_t k = strlen(key);
		int got;

		if (strncmp(line, key, k) != 0)
			continue;
		got = sscanf(line + k, "%" SCNu64 " %" SCNu64 " %" SCNd64 " %64[0-9a-f]", &gen, &epoch, &seq, head);
		if (got != 2 && got != 4)
			continue;
		memset(out, 0, sizeof *out);
		out->known = 1;
		out->generation = gen;
		out->epoch = epoch;
		if (got == 4 && seq > 0 && strlen(head) == 64) {
			out->audit_seq = seq;
			for (size_t i = 0; i < 32; i++) {
				unsigned v;

				(void)sscanf(head + 2 * i, "%2x", &v);
				out->audit_head[i] = (uint8_t)v;
			}
		}
	}
	fclose(f);
}

void
witness_write(const uint8_t file_id[CF_FILE_ID_BYTES], const char *user, uint64_t generation, uint64_t epoch,
              int64_t audit_seq, const uint8_t *audit_head, int force)
{
	char headhex[65];
	uint8_t head[32] = { 0 };
	char path[1100], tmp[1200], key[WITNESS_LINE_MAX], line[WITNESS_LINE_MAX];
	struct witness_seen seen;
	FILE *in, *out;
	int fd;
	size_t k;

	if (!user || line_key(file_id, user, key, sizeof key) != 0)
		return;
	witness_read(file_id, user, &seen);
	/* never lower what was seen, unless the user accepted an older file */
	if (seen.known && !force) {
		if (generation < seen.generation)
			generation = seen.generation;
		if (epoch < seen.epoch)
			epoch = seen.epoch;
		if (audit_seq < seen.audit_seq || !audit_head) {
			audit_seq = seen.audit_seq;
			audit_head = seen.audit_head;
		}
		if (generation == seen.generation && epoch == seen.epoch && audit_seq == seen.audit_seq &&
		    (audit_seq == 0 || memcmp(audit_head, seen.audit_head, sizeof seen.audit_head) == 0))
			return;
	}
	if (audit_head && audit_seq > 0)
		memcpy(head, audit_head, sizeof head);
	else
		audit_seq = 0;
	hex(head, sizeof head, headhex);
	if (witness_path(path, sizeof path, 1) != 0 || snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp)
		return;
	fd = mkstemp(tmp);
	if (fd < 0)
		return;
	(void)fchmod(fd, 0600);
	out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		unlink(tmp);
		return;
	}
	k = strlen(key);
	in = fopen(path, "re");
	while (in && fgets(line, sizeof line, in))
		if ((strncmp(line, "f1 ", 3) == 0 || (strncmp(line, "w1 ", 3) == 0 && strncmp(line, key, k) != 0)) &&
		    strchr(line, '\n'))
			fputs(line, out);
	if (in)
		fclose(in);
	if (audit_seq > 0)
		fprintf(out, "%s%" PRIu64 " %" PRIu64 " %" PRId64 " %s\n", key, generation, epoch, audit_seq, headhex);
	else
		fprintf(out, "%s%" PRIu64 " %" PRIu64 "\n", key, generation, epoch);
	if (fflush(out) != 0 || fsync(fileno(out)) != 0 || fclose(out) != 0 || rename(tmp, path) != 0)
		unlink(tmp);
}

/* ---- failed unlocks, waiting for the audit log ---- */

void
witness_failed_note(const uint8_t file_id[CF_FILE_ID_BYTES], int64_t account_id, int64_t at)
{
	char path[1100], fid[2 * CF_FILE_ID_BYTES + 1], line[128];
	int fd, n;

	if (witness_path(path, sizeof path, 1) != 0)
		return;
	hex(file_id, CF_FILE_ID_BYTES, fid);
	n = snprintf(line, sizeof line, "f1 %s %" PRId64 " %" PRId64 "\n", fid, account_id, at);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	/* one short append: a crash leaves the line whole or absent */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) == n)
		(void)fsync(fd);
	close(fd);
}

size_t
witness_failed_read(const uint8_t file_id[CF_FILE_ID_BYTES], struct witness_failed *out, size_t max)
{
	char path[1100], fid[2 * CF_FILE_ID_BYTES + 1], key[40], line[WITNESS_LINE_MAX];
	size_t n = 0;
	FILE *f;

	if (witness_path(path, sizeof path, 0) != 0)
		return 0;
	hex(file_id, CF_FILE_ID_BYTES, fid);
	snprintf(key, sizeof key, "f1 %s ", fid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof line, f)) {
		int64_t id, at;

		if (strncmp(line, key, strlen(key)) != 0 || !strchr(line, '\n'))
			continue;
		if (sscanf(line + strlen(key), "%" SCNd64 " %" SCNd64, &id, &at) != 2 || id < 0)
			continue;
		out[n].account_id = id;
		out[n].at = at;
		n++;
	}
	fclose(f);
	return n;
}

void
witness_failed_clear(const uint8_t file_id[CF_FILE_ID_BYTES])
{
	char path[1100], tmp[1200], fid[2 * CF_FILE_ID_BYTES + 1], key[40], line[WITNESS_LINE_MAX];
	FILE *in, *out;
	int fd;

	if (witness_path(path, sizeof path, 0) != 0 || snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >= (int)sizeof tmp)
		return;
	hex(file_id, CF_FILE_ID_BYTES, fid);
	snprintf(key, sizeof key, "f1 %s ", fid);
	in = fopen(path, "re");
	if (!in)
		return;
	fd = mkstemp(tmp);
	if (fd < 0 || !(out = fdopen(fd, "w"))) {
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		fclose(in);
		return;
	}
	(void)fchmod(fd, 0600);
	while (fgets(line, sizeof line, in))
		if ((strncmp(line, "w1 ", 3) == 0 || strncmp(line, "f1 ", 3) == 0) && strncmp(line, key, strlen(key)) != 0 &&
		    strchr(line, '\n'))
			fputs(line, out);
	fclose(in);
	if (fflush(out) != 0 || fsync(fileno(out)) != 0 || fclose(out) != 0 || rename(tmp, path) != 0)
		unlink(tmp);
}
