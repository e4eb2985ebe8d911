/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Kit helpers every screen may use: secure editor memory, yes/no questions, typed dates and times. */
#include <stdio.h>
#include <string.h>

#include "carefile/crypto.h"
#include "carefile/i18n.h"
#include "carefile/record.h"
#include "tui-kit.h"

static void *
secure_alloc(size_t n)
{
	return crypto_secure_alloc(n);
}

static void
secure_release(void *p)
{
	crypto_secure_free(p);
}

static const struct cf_tui_edit_alloc secure_edit_alloc = { secure_alloc, secure_release };

const struct cf_tui_edit_alloc *
tui_secure_edit_alloc(void)
{
	return &secure_edit_alloc;
}

void
tui_confirm_draw(const struct cf_rect *area, const char *title, const char *question, const char *keys_line)
{
	int w = area->w < 56 ? area->w : 56;
	struct cf_rect box = tui_rect_center(area, w, 7);
	struct cf_rect text = { box.x + 2, box.y + 2, box.w - 4, 2 };
	char keys[160];

	tui_draw_box(&box, title);
	tui_draw_paragraph(&text, 0, question, TUI_ROLE_NORMAL);
	/* TRANSLATORS: the keys of a yes/no question; y and n stay ASCII. */
	if (keys_line)
		snprintf(keys, sizeof keys, "%s", keys_line);
	else
		snprintf(keys, sizeof keys, "y %s   n %s", _("Yes"), _("No"));
	tui_draw_text(box.y + box.h - 2, box.x + 2, box.w - 4, keys, TUI_ROLE_HINT, TEXT_LEFT);
}

bool
tui_confirm_key(const struct cf_tui_key *k, bool *answered)
{
	*answered = false;
	if (k->fn)
		return false;
	if (k->code == 'y' || k->code == 'Y') {
		*answered = true;
		return true;
	}
	if (k->code == 'n' || k->code == 'N' || k->code == 27)
		*answered = true;
	return false;
}

bool
tui_parse_date(const char *text, char out[11])
{
	int y = 0, m = 0, d = 0, field = 0, digits = 0;
	const char *p = text;
	char buf[11];

	while (*p && field < 3) {
		if (*p >= '0' && *p <= '9') {
			int *v = field == 0 ? &y : field == 1 ? &m : &d;

			if (++digits > (field == 0 ? 4 : 2))
				return false;
			*v = *v * 10 + (*p - '0');
			p++;
			continue;
		}
		if (digits == 0)
			return false;
		if (*p == '-' || *p == '/' || *p == '.')
			p++;
		else if (strncmp(p, "年", 3) == 0 || strncmp(p, "月", 3) == 0)
			p += 3;
		else if (strncmp(p, "日", 3) == 0 && field == 2)
			p += 3;
		else
			return false;
		field++;
		digits = 0;
	}
	if (field == 2 && digits > 0)
		field = 3;
	else if (field == 3 && *p)
		return false;
	if (field != 3 || *p || y < 0 || y > 9999 || m < 0 || m > 99 || d < 0 || d > 99)
		return false;
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	if (!record_date_valid(buf))
		return false;
	memcpy(out, buf, sizeof buf);
	return true;
}

bool
tui_parse_time(const char *text, char out[6])
{
	int h = 0, m = 0, digits = 0, colon = 0;
	char buf[6];

	for (const char *p = text; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			digits++;
			if (digits > 4)
				return false;
			continue;
		}
		if ((*p != ':' && strncmp(p, "：", 3) != 0) || colon++)
			return false;
		if (*p != ':')
			p += 2;
	}
	if (colon ? sscanf(text, "%d", &h) != 1 : digits != 4)
		return false;
	if (colon) {
		const char *c = strpbrk(text, ":\xEF");

		if (!c || sscanf(c + (*c == ':' ? 1 : 3), "%d", &m) != 1 || strlen(c + (*c == ':' ? 1 : 3)) != 2)
			return false;
	} else {
		h = (text[0] - '0') * 10 + (text[1] - '0');
		m = (text[2] - '0') * 10 + (text[3] - '0');
	}
	if (h < 0 || h > 23 || m < 0 || m > 59)
		return false;
	snprintf(buf, sizeof buf, "%02d:%02d", h, m);
	memcpy(out, buf, sizeof buf);
	return true;
}

void
tui_subst(char *out, size_t size, const char *fmt, const char *value)
{
	const char *pc = strchr(fmt, '%');
	size_t n = 0;

	if (!size)
		return;
	while (pc && pc[1] == '%')
		pc = strchr(pc + 2, '%');
	if (!pc) {
		snprintf(out, size, "%s", fmt);
		return;
	}
	/* the conversion: %s, %d, %zu */
	{
		const char *end = pc + 1;

		while (*end && !(*end == 's' || *end == 'd' || *end == 'u'))
			end++;
		n = (size_t)(pc - fmt);
		snprintf(out, size, "%.*s%s%s", (int)n, fmt, value ? value : "", *end ? end + 1 : end);
	}
}
