/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Encoding detection (BOM, UTF-8, GB18030, UTF-16) and conversion to UTF-8 with iconv. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "carefile/error.h"
#include "carefile/i18n.h"
#include "carefile/io_text.h"
#include "carefile/text.h"

/* Count valid multi-byte sequences and invalid positions; *first_bad = offset of the first invalid byte (or len). */
static void
utf8_scan(const unsigned char *p, size_t len, size_t *valid_mb, size_t *invalid, size_t *first_bad)
{
	*valid_mb = *invalid = 0;
	*first_bad = len;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = text_utf8_char((const char *)p + i, len - i, &cp);
		if (n == 0) {
			if (*invalid == 0)
				*first_bad = i;
			(*invalid)++;
			i++;
			continue;
		}
		if (n > 1)
			(*valid_mb)++;
		i += n;
	}
}

/* iconv from `from` to UTF-8; on an invalid or incomplete sequence sets *bad_offset and returns CF_ERR_ENCODING. */
static int
convert(const char *from, const unsigned char *in, size_t len, char **out, size_t *out_len, size_t *bad_offset)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return CF_ERR_FAIL;
	size_t cap = len * 2 + 16;
	char *buf = malloc(cap);
	if (!buf) {
		iconv_close(cd);
		return CF_ERR_NOMEM;
	}
	char *inp = (char *)in;
	size_t inleft = len;
	char *outp = buf;
	size_t outleft = cap - 1;
	int rc = CF_OK;
	while (inleft > 0) {
		size_t r = iconv(cd, &inp, &inleft, &outp, &outleft);
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG) {
			size_t used = (size_t)(outp - buf);
			size_t ncap = cap * 2;
			char *nb = realloc(buf, ncap);
			if (!nb) {
				rc = CF_ERR_NOMEM;
				break;
			}
			buf = nb;
			cap = ncap;
			outp = buf + used;
			outleft = cap - used - 1;
			continue;
		}
		/* EILSEQ (invalid) or EINVAL (incomplete at end). */
		*bad_offset = (size_t)((const unsigned char *)inp - in);
		rc = CF_ERR_ENCODING;
		break;
	}
	iconv_close(cd);
	if (rc != CF_OK) {
		free(buf);
		return rc;
	}
	*outp = '\0';
	*out = buf;
	*out_len = (size_t)(outp - buf);
	return CF_OK;
}

static bool
looks_binary(const unsigned char *p, size_t len)
{
	size_t ctl = 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == 0)
			return true;
		if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f' &&
		    p[i] != '\v' && p[i] != 0x1A)
			ctl++;
	}
	return ctl >= 4 && ctl * 100 > len;
}

static bool
all_blank(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

static int
fail(enum cf_text_problem *problem, enum cf_text_problem what, int code)
{
	if (problem)
		*problem = what;
	return code;
}

int
io_text_to_utf8(const void *in, size_t len, char **out, size_t *out_len,
                enum cf_text_encoding *enc, enum cf_text_problem *problem, size_t *bad_offset)
{
	const unsigned char *p = in;
	size_t dummy_off;
	if (!bad_offset)
		bad_offset = &dummy_off;
	*bad_offset = 0;
	*out = NULL;
	*out_len = 0;
	if (problem)
		*problem = CF_TEXT_OK;
	if (len == 0)
		return fail(problem, CF_TEXT_EMPTY, CF_ERR_INVALID);
	if (len > IO_TEXT_MAX_BYTES)
		return fail(problem, CF_TEXT_TOO_LARGE, CF_ERR_INVALID);
	if ((len >= 4 && memcmp(p, "PK\x03\x04", 4) == 0) ||
	    (len >= 8 && memcmp(p, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0))
		return fail(problem, CF_TEXT_SPREADSHEET, CF_ERR_INVALID);

	const char *from;
	size_t skip = 0;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		*enc = CF_ENC_UTF8_BOM;
		from = NULL;
		skip = 3;
	} else if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		if (len >= 4 && p[2] == 0 && p[3] == 0)
			return fail(problem, CF_TEXT_BINARY, CF_ERR_INVALID); /* UTF-32LE: not supported */
		*enc = CF_ENC_UTF16LE;
		from = "UTF-16LE";
		skip = 2;
	} else if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		*enc = CF_ENC_UTF16BE;
		from = "UTF-16BE";
		skip = 2;
	} else {
		if (looks_binary(p, len))
			return fail(problem, CF_TEXT_BINARY, CF_ERR_INVALID);
		size_t valid_mb, invalid, first_bad;
		utf8_scan(p, len, &valid_mb, &invalid, &first_bad);
		if (invalid == 0) {
			*enc = CF_ENC_UTF8;
			from = NULL;
		} else if (valid_mb >= 4 * invalid) {
			/* Mostly UTF-8 with a few broken bytes: say so instead of decoding mojibake. */
			*enc = CF_ENC_UTF8;
			*bad_offset = first_bad;
			return fail(problem, CF_TEXT_INVALID, CF_ERR_ENCODING);
		} else {
			*enc = CF_ENC_GB18030;
			from = "GB18030";
		}
	}

	int rc;
	if (!from) {
		size_t valid_mb, invalid, first_bad;
		utf8_scan(p + skip, len - skip, &valid_mb, &invalid, &first_bad);
		if (invalid) {
			*bad_offset = first_bad + skip;
			return fail(problem, CF_TEXT_INVALID, CF_ERR_ENCODING);
		}
		char *buf = malloc(len - skip + 1);
		if (!buf)
			return fail(problem, CF_TEXT_OK, CF_ERR_NOMEM);
		memcpy(buf, p + skip, len - skip);
		buf[len - skip] = '\0';
		*out = buf;
		*out_len = len - skip;
	} else {
		rc = convert(from, p + skip, len - skip, out, out_len, bad_offset);
		if (rc == CF_ERR_ENCODING) {
			*bad_offset += skip;
			return fail(problem, CF_TEXT_INVALID, rc);
		}
		if (rc != CF_OK)
			return fail(problem, CF_TEXT_OK, rc);
		/* GB18030 maps U+FEFF too: drop a converted BOM. */
		if (*out_len >= 3 && memcmp(*out, "\xEF\xBB\xBF", 3) == 0) {
			memmove(*out, *out + 3, *out_len - 3 + 1);
			*out_len -= 3;
		}
	}
	if (memchr(*out, '\0', *out_len) || looks_binary((const unsigned char *)*out, *out_len)) {
		free(*out);
		*out = NULL;
		*out_len = 0;
		return fail(problem, CF_TEXT_BINARY, CF_ERR_INVALID);
	}
	if (all_blank(*out, *out_len)) {
		free(*out);
		*out = NULL;
		*out_len = 0;
		return fail(problem, CF_TEXT_EMPTY, CF_ERR_INVALID);
	}
	return CF_OK;
}

const char *
io_encoding_name(enum cf_text_encoding enc)
{
	switch (enc) {
	case CF_ENC_UTF8: return "UTF-8";
	case CF_ENC_UTF8_BOM: return "UTF-8 (BOM)";
	case CF_ENC_GB18030: return "GB18030";
	case CF_ENC_UTF16LE: return "UTF-16LE";
	case CF_ENC_UTF16BE: return "UTF-16BE";
	}
	return "?";
}

const char *
io_text_problem_message(enum cf_text_problem problem)
{
	switch (problem) {
	case CF_TEXT_OK: return _("No problem");
	case CF_TEXT_EMPTY: return _("The file is empty");
	case CF_TEXT_BINARY: return _("The file is not text (it contains binary data)");
	case CF_TEXT_SPREADSHEET: return _("This is an Excel workbook, not CSV: save it as CSV or Unicode text first");
	case CF_TEXT_INVALID: return _("The file contains bytes that are invalid in its text encoding");
	case CF_TEXT_TOO_LARGE: return _("The file is too large");
	case CF_TEXT_TRUNCATED: return _("The file ends inside a quoted field: it is truncated");
	case CF_TEXT_NO_HEADER: return _("No header row with known column names was found");
	case CF_TEXT_NO_REQUIRED: return _("The header has no name or no student number column");
	case CF_TEXT_READ_FAILED: return _("The file could not be read");
	case CF_TEXT_CELL_TOO_LARGE:
		return _("A cell over 64 KiB or a row of more than 1024 cells: this is not a class roster");
	case CF_TEXT_PROBLEM__COUNT: break;
	}
	return _("Unknown problem");
}
