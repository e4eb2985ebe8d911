/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Roster reading: separator and header detection, libcsv parsing, per-row normalisation and validation. */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "carefile/error.h"
#include "carefile/i18n.h"
#include "carefile/roster.h"
#include "carefile/text.h"
#include "roster-headers.h"

/* Column ids as spelled in share/roster-headers.tsv, in enum cf_roster_column order. */
static const char *const column_ids[CF_COL__COUNT] = {
	"student_number", "name", "sex", "birth_date", "ethnicity", "school", "grade", "class",
	"guardian_name", "guardian_relation", "guardian_phone", "guardian2_name",
	"guardian2_relation", "guardian2_phone", "guardian3_name", "guardian3_relation",
	"guardian3_phone", "guardian4_name", "guardian4_relation", "guardian4_phone", "father_name", "father_phone", "mother_name",
	"mother_phone", "address", "remarks", "status", "flag_left_behind", "flag_special_needs",
	"flag_boarding", "flag_single_parent", "flag_migrant", "flag_poverty", "flag_on_leave",
	"ignore_id_card", "ignore",
};

/* Bytes of text looked at to choose the separator. */
#define DETECT_BYTES ((size_t)64 * 1024)
/* Records looked at to find the header row. */
#define DETECT_RECORDS 30

struct cell {
	char *s;     /* normalised, NUL-terminated */
	size_t len;
};

struct parser;
typedef void (*record_fn)(struct parser *ps, struct cell *cells, size_t n);

struct parser {
	struct cell *cells;
	size_t n_cells, cap_cells;
	size_t line;            /* physical line being fed (1-based) */
	size_t record;          /* records completed so far */
	size_t rec_line;        /* line where the open record starts */
	bool in_record;
	bool stop;
	bool too_large;         /* a cell or record over the ROSTER_PARSE_* limits */
	int err;                /* CF_OK or a cf_error stopping the parse */
	record_fn on_record;
	void *user;
};

static void
wipe_free(char *p, size_t n)
{
	if (p) {
		explicit_bzero(p, n);
		free(p);
	}
}

static void
clear_cells(struct parser *ps)
{
	for (size_t i = 0; i < ps->n_cells; i++)
		wipe_free(ps->cells[i].s, ps->cells[i].len + 1);
	ps->n_cells = 0;
}

static void
cb_field(void *field, size_t len, void *data)
{
	struct parser *ps = data;
	if (ps->stop)
		return;
	if (ps->n_cells >= ROSTER_PARSE_CELLS_MAX) {
		ps->err = CF_ERR_INVALID;
		ps->too_large = true;
		ps->stop = true;
		return;
	}
	if (ps->n_cells == ps->cap_cells) {
		size_t ncap = ps->cap_cells ? ps->cap_cells * 2 : 32;
		struct cell *nc = realloc(ps->cells, ncap * sizeof(*nc));
		if (!nc) {
			ps->err = CF_ERR_NOMEM;
			ps->stop = true;
			return;
		}
		ps->cells = nc;
		ps->cap_cells = ncap;
	}
	char *s = malloc(len + 1);
	if (!s) {
		ps->err = CF_ERR_NOMEM;
		ps->stop = true;
		return;
	}
	size_t n = io_normalise_cell(field ? field : "", field ? len : 0, s);
	ps->cells[ps->n_cells].s = s;
	ps->cells[ps->n_cells].len = n;
	ps->n_cells++;
}

static void
cb_record(int c, void *data)
{
	struct parser *ps = data;
	(void)c;
	if (ps->stop) {
		clear_cells(ps);
		return;
	}
	ps->record++;
	ps->on_record(ps, ps->cells, ps->n_cells);
	clear_cells(ps);
	ps->in_record = false;
}

/*
 * libcsv grows its field buffer with realloc() by blk_size bytes at a time,
 * which would leave copies of cells (names, phone numbers) in freed heap
 * memory: move and wipe instead. To keep that amortised O(1) per byte, each
 * block carries its capacity in a header and grows by doubling; a request
 * that still fits returns the same block. A request past the cell limit
 * fails (libcsv then reports CSV_ENOMEM) and sets cell_over, so a huge cell
 * is refused as soon as it passes the limit.
 */
#define BLOCK_HEADER ((size_t)16) /* keeps the buffer max_align_t-aligned for malloc's blocks */
static _Thread_local bool cell_over;

static size_t
block_cap(void *p)
{
	size_t cap;
	memcpy(&cap, (char *)p - BLOCK_HEADER, sizeof(cap));
	return cap;
}

static void *
wipe_realloc(void *old, size_t n)
{
	if (n > ROSTER_PARSE_CELL_MAX + 64) {
		cell_over = true;
		return NULL;
	}
	size_t have = old ? block_cap(old) : 0;
	if (old && n <= have)
		return old;
	size_t cap = have ? have * 2 : 256;
	while (cap < n)
		cap *= 2;
	char *base = malloc(BLOCK_HEADER + cap);
	if (!base)
		return NULL;
	memcpy(base, &cap, sizeof(cap));
	char *p = base + BLOCK_HEADER;
	if (old) {
		memcpy(p, old, have);
		explicit_bzero((char *)old - BLOCK_HEADER, BLOCK_HEADER + have);
		free((char *)old - BLOCK_HEADER);
	}
	return p;
}

static void
wipe_block_free(void *p)
{
	if (p) {
		explicit_bzero((char *)p - BLOCK_HEADER, BLOCK_HEADER + block_cap(p));
		free((char *)p - BLOCK_HEADER);
	}
}

static int
space_none(unsigned char c)
{
	(void)c;
	return 0;
}

/*
 * Parse text with libcsv, separator sep, up to limit bytes (whole lines). Feeds
 * one physical line at a time so each record knows the line it starts on.
 * Returns CF_OK, ps->err, or CF_ERR_INVALID when check_end and the text ends
 * inside a quoted field (then *trunc_line is that record's first line).
 */
static int
parse_text(struct parser *ps, const char *text, size_t len, char sep, size_t limit, bool check_end,
           size_t *trunc_line)
{
	struct csv_parser p;
	if (csv_init(&p, CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return CF_ERR_NOMEM;
	csv_set_delim(&p, (unsigned char)sep);
	csv_set_space_func(&p, space_none);
	csv_set_realloc_func(&p, wipe_realloc);
	csv_set_free_func(&p, wipe_block_free);
	cell_over = false;
	ps->line = 1;
	size_t pos = 0;
	int rc = CF_OK;
	while (pos < len && pos < limit && !ps->stop) {
		size_t end = pos;
		while (end < len && text[end] != '\n' && text[end] != '\r')
			end++;
		bool blank = end == pos;
		if (end < len) {
			if (text[end] == '\r' && end + 1 < len && text[end + 1] == '\n')
				end++;
			end++;
		}
		if (!ps->in_record && !blank) {
			ps->in_record = true;
			ps->rec_line = ps->line;
		}
		/* Separator sniffing looks at no more than limit bytes, even of one long line. */
		size_t feed = end - pos < limit - pos ? end - pos : limit - pos;
		if (csv_parse(&p, text + pos, feed, cb_field, cb_record, ps) != feed) {
			if (cell_over) {
				ps->too_large = true;
				rc = CF_ERR_INVALID;
			} else {
				rc = csv_error(&p) == CSV_ENOMEM ? CF_ERR_NOMEM : CF_ERR_INVALID;
			}
			break;
		}
		pos = end;
		ps->line++;
	}
	if (rc == CF_OK && !ps->stop && check_end) {
		/*
		 * An open quoted field at the end means the file was cut off.
		 * CSV_STRICT_FINI reports that only together with CSV_STRICT,
		 * which would also refuse whole files for one stray quote
		 * mid-field, so look at the parser state (libcsv 3.0:
		 * pstate 2 = FIELD_BEGUN; 3 = a quote that may be the closing one).
		 */
		if ((p.pstate == 2 && p.quoted) || csv_fini(&p, cb_field, cb_record, ps) != 0) {
			*trunc_line = ps->rec_line;
			rc = CF_ERR_INVALID;
		}
	}
	if (rc == CF_OK && ps->err != CF_OK)
		rc = ps->err;
	clear_cells(ps);
	if (p.entry_buf)
		explicit_bzero(p.entry_buf, p.entry_size);
	csv_free(&p);
	return rc;
}

/* The matching form of a header cell; see share/roster-headers.tsv. out has room for strlen(in) + 1. */
static void
header_key(const char *in, char *out)
{
	size_t n = io_normalise_cell(in, strlen(in), out);
	if (n > 0 && out[n - 1] == ')') {
		char *open = strrchr(out, '(');
		if (open && !memchr(open + 1, ')', (size_t)(out + n - 1 - (open + 1))) &&
		    !memchr(open + 1, '(', (size_t)(out + n - 1 - (open + 1)))) {
			*open = '\0';
			n = (size_t)(open - out);
		}
	}
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = out[i];
		if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '*' || c == ':')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[o++] = c;
	}
	out[o] = '\0';
}

static enum cf_roster_column
column_from_id(const char *id)
{
	for (int i = 0; i < CF_COL__COUNT; i++)
		if (strcmp(column_ids[i], id) == 0)
			return (enum cf_roster_column)i;
	return CF_COL_NONE;
}

/* Matching keys of the translated column labels, computed once per read. */
struct label_keys {
	char key[CF_COL__COUNT][257];
};

static void
label_keys_init(struct label_keys *lk)
{
	for (int c = 0; c < CF_COL__COUNT; c++) {
		const char *label = roster_column_label((enum cf_roster_column)c);
		if (strlen(label) > 256)
			lk->key[c][0] = '\0';
		else
			header_key(label, lk->key[c]);
	}
}

static enum cf_roster_column
column_lookup(const char *text, const struct label_keys *lk)
{
	size_t n = strlen(text);
	if (n == 0 || n > 256)
		return CF_COL_NONE;
	char key[257];
	header_key(text, key);
	if (!key[0])
		return CF_COL_NONE;
	for (size_t i = 0; i < roster_header_alias_count; i++)
		if (strcmp(roster_header_aliases[i].key, key) == 0)
			return column_from_id(roster_header_aliases[i].column_id);
	/* The export writes translated labels: accept the current language's too. */
	for (int c = 0; c < CF_COL__COUNT; c++)
		if (lk->key[c][0] && strcmp(lk->key[c], key) == 0)
			return (enum cf_roster_column)c;
	return CF_COL_NONE;
}

enum cf_roster_column
roster_column_from_header(const char *text)
{
	struct label_keys lk;
	label_keys_init(&lk);
	return column_lookup(text, &lk);
}

/* ---- separator detection ---- */

struct detect {
	size_t best_mapped;
	size_t header_record;
	const struct label_keys *lk;
};

static size_t
mapped_cells(const struct cell *cells, size_t n, const struct label_keys *lk)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (column_lookup(cells[i].s, lk) != CF_COL_NONE)
			m++;
	return m;
}

static void
detect_record(struct parser *ps, struct cell *cells, size_t n)
{
	struct detect *d = ps->user;
	size_t m = mapped_cells(cells, n, d->lk);
	if (m >= 2) {
		d->best_mapped = m;
		d->header_record = ps->record;
		ps->stop = true;
	} else if (ps->record >= DETECT_RECORDS) {
		ps->stop = true;
	}
}

/* ---- reading rows ---- */

struct reader {
	struct cf_roster *r;
	size_t header_record;
	size_t n_header_cells;
	char **header_names;     /* per header cell, normalised text */
	bool seen_header;
	const struct label_keys *lk;
	uint8_t gslot[6];        /* stored guardian slot of guardian 1..4, father, mother columns */
	char today[11];          /* "YYYY-MM-DD" (UTC): latest plausible birth date */
	int fail_problem;        /* CF_TEXT_* set when the header is unusable */
	/* student numbers seen: open addressing, strdup'd keys */
	char **seen;
	size_t seen_cap, seen_n;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Insert key; returns 1 if it was new, 0 if already present, -1 on no memory. */
static int
seen_insert(struct reader *rd, const char *key)
{
	if ((rd->seen_n + 1) * 2 > rd->seen_cap) {
		size_t ncap = rd->seen_cap ? rd->seen_cap * 2 : 256;
		char **nt = calloc(ncap, sizeof(*nt));
		if (!nt)
			return -1;
		for (size_t i = 0; i < rd->seen_cap; i++) {
			if (!rd->seen[i])
				continue;
			size_t j = hash_str(rd->seen[i]) & (ncap - 1);
			while (nt[j])
				j = (j + 1) & (ncap - 1);
			nt[j] = rd->seen[i];
		}
		free(rd->seen);
		rd->seen = nt;
		rd->seen_cap = ncap;
	}
	size_t j = hash_str(key) & (rd->seen_cap - 1);
	while (rd->seen[j]) {
		if (strcmp(rd->seen[j], key) == 0)
			return 0;
		j = (j + 1) & (rd->seen_cap - 1);
	}
	rd->seen[j] = strdup(key);
	if (!rd->seen[j])
		return -1;
	rd->seen_n++;
	return 1;
}

static int
add_note(struct cf_roster *r, enum cf_roster_note_kind kind, const char *column)
{
	struct cf_roster_note *nn = realloc(r->notes, (r->n_notes + 1) * sizeof(*nn));
	if (!nn)
		return CF_ERR_NOMEM;
	r->notes = nn;
	nn[r->n_notes].kind = kind;
	nn[r->n_notes].column_name = column ? strdup(column) : NULL;
	r->n_notes++;
	return CF_OK;
}

static void
handle_header(struct parser *ps, struct reader *rd, struct cell *cells, size_t n)
{
	struct cf_roster *r = rd->r;
	bool have[CF_COL__COUNT] = { false };
	bool id_noted = false;
	rd->header_names = calloc(n ? n : 1, sizeof(char *));
	if (!rd->header_names) {
		ps->err = CF_ERR_NOMEM;
		ps->stop = true;
		return;
	}
	rd->n_header_cells = n;
	r->n_columns = n < 64 ? n : 64;
	for (size_t i = 0; i < n; i++) {
		rd->header_names[i] = strdup(cells[i].s);
		if (!rd->header_names[i]) {
			ps->err = CF_ERR_NOMEM;
			ps->stop = true;
			return;
		}
		enum cf_roster_column c = i < 64 ? column_lookup(cells[i].s, rd->lk) : CF_COL_NONE;
		int rc = CF_OK;
		if (c == CF_COL_NONE) {
			if (cells[i].len > 0)
				rc = add_note(r, CF_NOTE_UNKNOWN_COLUMN, cells[i].s);
		} else if (c == CF_COL_IGNORE_ID_CARD) {
			if (!id_noted)
				rc = add_note(r, CF_NOTE_ID_CARD_IGNORED, cells[i].s);
			id_noted = true;
		} else if (c != CF_COL_IGNORE && have[c]) {
			rc = add_note(r, CF_NOTE_DUPLICATE_COLUMN, cells[i].s);
			c = CF_COL_NONE;
		}
		if (rc != CF_OK) {
			ps->err = rc;
			ps->stop = true;
			return;
		}
		if (c != CF_COL_NONE)
			have[c] = true;
		if (i < 64)
			r->header_columns[i] = c;
	}
	static const uint32_t flag_bits[] = {
		CF_STUDENT_FLAG_LEFT_BEHIND, CF_STUDENT_FLAG_SPECIAL_NEEDS, CF_STUDENT_FLAG_BOARDING,
		CF_STUDENT_FLAG_SINGLE_PARENT, CF_STUDENT_FLAG_MIGRANT, CF_STUDENT_FLAG_POVERTY,
		CF_STUDENT_FLAG_ON_LEAVE,
	};
	for (int c = 0; c < CF_COL__COUNT; c++) {
		if (!have[c])
			continue;
		r->fields |= roster_column_field((enum cf_roster_column)c);
		if (c >= CF_COL_FLAG_LEFT_BEHIND && c <= CF_COL_FLAG_ON_LEAVE)
			r->flag_mask |= flag_bits[c - CF_COL_FLAG_LEFT_BEHIND];
	}
	/* Guardian k's columns update stored guardian k; father and mother take the first slots left. */
	bool slot_used[CF_STUDENT_GUARDIANS_MAX] = { false };
	for (int g = 0; g < 4; g++) {
		rd->gslot[g] = (uint8_t)g;
		int base = CF_COL_GUARDIAN_NAME + 3 * g;
		if (have[base] || have[base + 1] || have[base + 2])
			slot_used[g] = true;
	}
	uint8_t next = 0;
	for (int g = 4; g < 6; g++) {
		while (next < CF_STUDENT_GUARDIANS_MAX - 1 && slot_used[next])
			next++;
		rd->gslot[g] = next;
		slot_used[next] = true;
	}
	if (!have[CF_COL_NAME] || !have[CF_COL_STUDENT_NUMBER]) {
		rd->fail_problem = CF_TEXT_NO_REQUIRED;
		ps->err = CF_ERR_INVALID;
		ps->stop = true;
	}
	rd->seen_header = true;
	r->header_line = ps->rec_line;
}

struct row_state {
	struct parser *ps;
	struct reader *rd;
	bool failed;
	bool nomem;
};

static void
row_error(struct row_state *st, enum cf_roster_column col, size_t cell, enum cf_roster_reason reason)
{
	struct cf_roster *r = st->rd->r;
	st->failed = true;
	struct cf_roster_error *ne = realloc(r->errors, (r->n_errors + 1) * sizeof(*ne));
	if (!ne) {
		st->nomem = true;
		return;
	}
	r->errors = ne;
	ne[r->n_errors].record = st->ps->record;
	ne[r->n_errors].line = st->ps->rec_line;
	ne[r->n_errors].column = col;
	ne[r->n_errors].column_name = NULL;
	if (col != CF_COL_NONE && cell < st->rd->n_header_cells)
		ne[r->n_errors].column_name = strdup(st->rd->header_names[cell]);
	ne[r->n_errors].reason = reason;
	r->n_errors++;
}

static bool
multiline_column(enum cf_roster_column c)
{
	return c == CF_COL_ADDRESS || c == CF_COL_REMARKS;
}

/*
 * Control characters: none in one-line fields; address and remarks may hold
 * newlines and tabs. C1 controls (U+0080..U+009F, C2 80..C2 9F) and the
 * Unicode line/paragraph separators U+2028/U+2029 (E2 80 A8/A9) nowhere.
 */
static bool
text_ok(const char *s, bool multiline)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == 0x7F)
			return false;
		if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			return false;
		if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
			return false;
		if (*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t')))
			return false;
	}
	return true;
}

static void
set_text(struct row_state *st, struct cf_student *s, char **field, const char *value)
{
	if (student_set_str(s, field, value, strlen(value)) != CF_OK)
		st->nomem = true;
}

/* Split a phone cell on / 、 , ; and add each valid number to g. */
static void
add_phones(struct row_state *st, struct cf_student *s, struct cf_guardian *g,
           enum cf_roster_column col, size_t cell, char *value)
{
	char *p = value;
	while (*p) {
		size_t n = 0;
		while (p[n] && p[n] != '/' && p[n] != ',' && p[n] != ';' &&
		       strncmp(p + n, "、", strlen("、")) != 0)
			n++;
		char save = p[n];
		size_t skip = save == '\0' ? 0 : (save == '/' || save == ',' || save == ';') ? 1 : strlen("、");
		p[n] = '\0';
		size_t tl = io_normalise_cell(p, n, p);
		if (tl > 0) {
			char norm[24];
			if (text_is_scientific(p)) {
				row_error(st, col, cell, CF_ROW_SCIENTIFIC_PHONE);
				return;
			}
			if (!student_phone_normalise(p, norm, sizeof(norm))) {
				row_error(st, col, cell, CF_ROW_BAD_PHONE);
				return;
			}
			int rc = student_guardian_add_phone(s, g, norm);
			if (rc == CF_ERR_INVALID) {
				row_error(st, col, cell, CF_ROW_TOO_MANY_PHONES);
				return;
			}
			if (rc != CF_OK) {
				st->nomem = true;
				return;
			}
		}
		p += n + skip;
	}
}

static void
reader_record(struct parser *ps, struct cell *cells, size_t n)
{
	struct reader *rd = ps->user;
	struct cf_roster *r = rd->r;
	if (ps->record < rd->header_record)
		return;
	if (ps->record == rd->header_record) {
		handle_header(ps, rd, cells, n);
		return;
	}
	bool blank = true;
	for (size_t i = 0; i < n; i++)
		if (cells[i].len > 0)
			blank = false;
	if (blank)
		return;
	r->n_records_read++;

	struct row_state st = { ps, rd, false, false };
	struct cf_student s;
	student_init(&s, NULL);
	/* Guardian cells gathered first: 0..3 = guardian 1..4, 4 = father, 5 = mother. */
	size_t gname[6], grel[6], gphone[6];
	for (int g = 0; g < 6; g++)
		gname[g] = grel[g] = gphone[g] = SIZE_MAX;
	bool extra = false;
	bool col_bad[CF_COL__COUNT] = { false }; /* the column's cell already has its own error */
	struct cf_student_provided prov = { 0 };

	for (size_t i = 0; i < n; i++) {
		char *v = cells[i].s;
		if (i >= rd->n_header_cells) {
			if (cells[i].len > 0)
				extra = true;
			continue;
		}
		if (i >= 64)
			continue; /* under a header cell past the 64 we map: unknown column */
		enum cf_roster_column c = r->header_columns[i];
		if (c == CF_COL_NONE || c == CF_COL_IGNORE || c == CF_COL_IGNORE_ID_CARD || cells[i].len == 0)
			continue;
		/* Undo the export's formula neutralising ('=x -> =x), so export + import is lossless. */
		if (v[0] == '\'' && v[1] && strchr("=+-@", v[1])) {
			memmove(v, v + 1, cells[i].len);
			cells[i].len--;
		}
		size_t errors_before = r->n_errors;
		if (cells[i].len > ROSTER_CELL_MAX)
			row_error(&st, c, i, CF_ROW_TOO_LONG);
		else if (!text_ok(v, multiline_column(c)))
			row_error(&st, c, i, CF_ROW_BAD_TEXT);
		if (r->n_errors != errors_before || st.nomem) {
			col_bad[c] = true;
			continue;
		}
		bool yes;
		prov.fields |= roster_column_field(c);
		switch (c) {
		case CF_COL_STUDENT_NUMBER:
			if (text_is_scientific(v))
				row_error(&st, c, i, CF_ROW_SCIENTIFIC_STUDENT_NUMBER);
			else if (!student_number_valid(v))
				row_error(&st, c, i, CF_ROW_BAD_STUDENT_NUMBER);
			else {
				student_number_normalise(v);
				set_text(&st, &s, &s.student_number, v);
			}
			break;
		case CF_COL_NAME: set_text(&st, &s, &s.name, v); break;
		case CF_COL_ETHNICITY: set_text(&st, &s, &s.ethnicity, v); break;
		case CF_COL_SCHOOL: set_text(&st, &s, &s.school, v); break;
		case CF_COL_GRADE: set_text(&st, &s, &s.grade, v); break;
		case CF_COL_CLASS: set_text(&st, &s, &s.class_name, v); break;
		case CF_COL_ADDRESS: set_text(&st, &s, &s.address, v); break;
		case CF_COL_REMARKS: set_text(&st, &s, &s.remarks, v); break;
		case CF_COL_SEX:
			if (!io_parse_sex(v, &s.sex))
				row_error(&st, c, i, CF_ROW_BAD_SEX);
			break;
		case CF_COL_BIRTH_DATE:
			switch (io_parse_date(v, s.birth_date)) {
			case CF_DATE_OK: {
				/* A birth date must be plausible: not before 1920, not in the future (this also
				 * keeps a small number such as "5" from becoming Excel's 1900-01-05). */
				int year = atoi(s.birth_date);
				if (year < ROSTER_BIRTH_YEAR_MIN || strcmp(s.birth_date, rd->today) > 0) {
					row_error(&st, c, i, CF_ROW_DATE_OUT_OF_RANGE);
					s.birth_date[0] = '\0';
				}
				break;
			}
			case CF_DATE_EMPTY: break;
			case CF_DATE_FORMAT: row_error(&st, c, i, CF_ROW_BAD_DATE); break;
			case CF_DATE_IMPOSSIBLE: row_error(&st, c, i, CF_ROW_IMPOSSIBLE_DATE); break;
			case CF_DATE_RANGE: row_error(&st, c, i, CF_ROW_DATE_OUT_OF_RANGE); break;
			}
			break;
		case CF_COL_STATUS:
			if (!io_parse_status(v, &s.status))
				row_error(&st, c, i, CF_ROW_BAD_STATUS);
			break;
		case CF_COL_FLAG_LEFT_BEHIND: case CF_COL_FLAG_SPECIAL_NEEDS: case CF_COL_FLAG_BOARDING:
		case CF_COL_FLAG_SINGLE_PARENT: case CF_COL_FLAG_MIGRANT: case CF_COL_FLAG_POVERTY:
		case CF_COL_FLAG_ON_LEAVE: {
			static const uint32_t bits[] = {
				CF_STUDENT_FLAG_LEFT_BEHIND, CF_STUDENT_FLAG_SPECIAL_NEEDS, CF_STUDENT_FLAG_BOARDING,
				CF_STUDENT_FLAG_SINGLE_PARENT, CF_STUDENT_FLAG_MIGRANT, CF_STUDENT_FLAG_POVERTY,
				CF_STUDENT_FLAG_ON_LEAVE,
			};
			prov.flag_mask |= bits[c - CF_COL_FLAG_LEFT_BEHIND];
			if (!io_parse_yes_no(v, &yes))
				row_error(&st, c, i, CF_ROW_BAD_YES_NO);
			else if (yes)
				s.flags |= bits[c - CF_COL_FLAG_LEFT_BEHIND];
			break;
		}
		case CF_COL_GUARDIAN_NAME: gname[0] = i; break;
		case CF_COL_GUARDIAN_RELATION: grel[0] = i; break;
		case CF_COL_GUARDIAN_PHONE: gphone[0] = i; break;
		case CF_COL_GUARDIAN2_NAME: gname[1] = i; break;
		case CF_COL_GUARDIAN2_RELATION: grel[1] = i; break;
		case CF_COL_GUARDIAN2_PHONE: gphone[1] = i; break;
		case CF_COL_GUARDIAN3_NAME: gname[2] = i; break;
		case CF_COL_GUARDIAN3_RELATION: grel[2] = i; break;
		case CF_COL_GUARDIAN3_PHONE: gphone[2] = i; break;
		case CF_COL_GUARDIAN4_NAME: gname[3] = i; break;
		case CF_COL_GUARDIAN4_RELATION: grel[3] = i; break;
		case CF_COL_GUARDIAN4_PHONE: gphone[3] = i; break;
		case CF_COL_FATHER_NAME: gname[4] = i; break;
		case CF_COL_FATHER_PHONE: gphone[4] = i; break;
		case CF_COL_MOTHER_NAME: gname[5] = i; break;
		case CF_COL_MOTHER_PHONE: gphone[5] = i; break;
		default: break;
		}
		if (r->n_errors != errors_before)
			col_bad[c] = true;
	}
	static const char *const fixed_relation[6] = { NULL, NULL, NULL, NULL, "父亲", "母亲" };
	bool slot_taken[CF_STUDENT_GUARDIANS_MAX] = { false };
	for (int g = 0; g < 6; g++) {
		/* gname/grel/gphone are set only for non-empty cells: an empty cell provides nothing */
		if (gname[g] == SIZE_MAX && grel[g] == SIZE_MAX && gphone[g] == SIZE_MAX)
			continue;
		if (slot_taken[rd->gslot[g]])
			continue; /* more father/mother columns than free slots */
		struct cf_guardian *gd = student_add_guardian(&s);
		if (!gd)
			break;
		size_t gi = s.n_guardians - 1;
		slot_taken[rd->gslot[g]] = true;
		prov.guardians[gi].slot = rd->gslot[g];
		if (gname[g] != SIZE_MAX) {
			set_text(&st, &s, &gd->name, cells[gname[g]].s);
			prov.guardians[gi].parts |= CF_GUARDIAN_PART_NAME;
		}
		if (grel[g] != SIZE_MAX) {
			set_text(&st, &s, &gd->relation, cells[grel[g]].s);
			prov.guardians[gi].parts |= CF_GUARDIAN_PART_RELATION;
		} else if (fixed_relation[g]) {
			set_text(&st, &s, &gd->relation, fixed_relation[g]);
			prov.guardians[gi].parts |= CF_GUARDIAN_PART_RELATION | CF_GUARDIAN_MATCH_RELATION;
		}
		if (gphone[g] != SIZE_MAX) {
			add_phones(&st, &s, gd, r->header_columns[gphone[g]], gphone[g], cells[gphone[g]].s);
			prov.guardians[gi].parts |= CF_GUARDIAN_PART_PHONES;
		}
	}
	if (extra)
		row_error(&st, CF_COL_NONE, SIZE_MAX, CF_ROW_TOO_MANY_CELLS);
	if (!s.name && !col_bad[CF_COL_NAME])
		row_error(&st, CF_COL_NAME, SIZE_MAX, CF_ROW_MISSING_NAME);
	if (!s.student_number && !col_bad[CF_COL_STUDENT_NUMBER])
		row_error(&st, CF_COL_STUDENT_NUMBER, SIZE_MAX, CF_ROW_MISSING_STUDENT_NUMBER);
	if (s.student_number) {
		int ins = seen_insert(rd, s.student_number);
		if (ins < 0)
			st.nomem = true;
		else if (ins == 0)
			row_error(&st, CF_COL_STUDENT_NUMBER, SIZE_MAX, CF_ROW_DUPLICATE_STUDENT_NUMBER);
	}
	if (st.nomem) {
		student_fini(&s);
		ps->err = CF_ERR_NOMEM;
		ps->stop = true;
		return;
	}
	if (st.failed) {
		r->n_rows_with_errors++;
		student_fini(&s);
		return;
	}
	struct cf_roster_row *nr = realloc(r->rows, (r->n_rows + 1) * sizeof(*nr));
	if (!nr) {
		student_fini(&s);
		ps->err = CF_ERR_NOMEM;
		ps->stop = true;
		return;
	}
	r->rows = nr;
	nr[r->n_rows].student = s;
	nr[r->n_rows].record = ps->record;
	nr[r->n_rows].line = ps->rec_line;
	nr[r->n_rows].provided = prov;
	r->n_rows++;
}

/* Column names for errors on a missing cell (cell index SIZE_MAX) come from the header by column id. */
static void
fill_missing_column_names(struct reader *rd)
{
	struct cf_roster *r = rd->r;
	for (size_t e = 0; e < r->n_errors; e++) {
		struct cf_roster_error *er = &r->errors[e];
		if (er->column_name || er->column == CF_COL_NONE)
			continue;
		for (size_t i = 0; i < r->n_columns; i++)
			if (r->header_columns[i] == er->column) {
				er->column_name = strdup(rd->header_names[i]);
				break;
			}
	}
}

void
roster_free(struct cf_roster **rp)
{
	if (!rp || !*rp)
		return;
	struct cf_roster *r = *rp;
	for (size_t i = 0; i < r->n_rows; i++)
		student_fini(&r->rows[i].student);
	free(r->rows);
	for (size_t i = 0; i < r->n_errors; i++)
		free(r->errors[i].column_name);
	free(r->errors);
	for (size_t i = 0; i < r->n_notes; i++)
		free(r->notes[i].column_name);
	free(r->notes);
	free(r);
	*rp = NULL;
}

static void
reader_fini(struct reader *rd)
{
	if (rd->header_names) {
		for (size_t i = 0; i < rd->n_header_cells; i++)
			free(rd->header_names[i]);
		free(rd->header_names);
	}
	for (size_t i = 0; i < rd->seen_cap; i++)
		if (rd->seen[i])
			wipe_free(rd->seen[i], strlen(rd->seen[i]) + 1);
	free(rd->seen);
}

static int
set_fail(struct cf_roster_failure *fail, enum cf_text_problem problem, size_t offset, size_t line, int rc)
{
	if (fail) {
		fail->problem = problem;
		fail->offset = offset;
		fail->line = line;
	}
	return rc;
}

int
roster_read_buffer(const void *data, size_t len, struct cf_roster **out, struct cf_roster_failure *fail)
{
	*out = NULL;
	set_fail(fail, CF_TEXT_OK, 0, 0, CF_OK);
	char *text = NULL;
	size_t tlen = 0, bad = 0;
	enum cf_text_encoding enc = CF_ENC_UTF8;
	enum cf_text_problem problem = CF_TEXT_OK;
	int rc = io_text_to_utf8(data, len, &text, &tlen, &enc, &problem, &bad);
	if (rc != CF_OK)
		return set_fail(fail, problem, bad, 0, rc);

	struct label_keys lk;
	label_keys_init(&lk);

	/* Separator: the one whose first records give a header row with the most known columns. */
	static const char seps[] = { ',', '\t', ';' };
	char sep = 0;
	size_t best = 0, header_record = 0;
	for (size_t k = 0; k < sizeof(seps); k++) {
		struct detect d = { 0, 0, &lk };
		struct parser ps = { .on_record = detect_record, .user = &d, .err = CF_OK };
		size_t tl;
		int prc = parse_text(&ps, text, tlen, seps[k], DETECT_BYTES, false, &tl);
		free(ps.cells);
		if (prc == CF_ERR_NOMEM) {
			wipe_free(text, tlen + 1);
			return set_fail(fail, CF_TEXT_OK, 0, 0, CF_ERR_NOMEM);
		}
		if (d.best_mapped > best || (d.best_mapped == best && best > 0 && d.header_record < header_record)) {
			best = d.best_mapped;
			header_record = d.header_record;
			sep = seps[k];
		}
	}
	if (best < 2) {
		wipe_free(text, tlen + 1);
		return set_fail(fail, CF_TEXT_NO_HEADER, 0, 0, CF_ERR_INVALID);
	}

	struct cf_roster *r = calloc(1, sizeof(*r));
	if (!r) {
		wipe_free(text, tlen + 1);
		return set_fail(fail, CF_TEXT_OK, 0, 0, CF_ERR_NOMEM);
	}
	r->encoding = enc;
	r->separator = sep;
	r->header_record = header_record;
	struct reader rd = { .r = r, .header_record = header_record, .fail_problem = CF_TEXT_OK, .lk = &lk };
	time_t now = time(NULL);
	struct tm tm;
	if (!gmtime_r(&now, &tm) || strftime(rd.today, sizeof(rd.today), "%Y-%m-%d", &tm) != 10)
		memcpy(rd.today, "2099-12-31", 11);
	struct parser ps = { .on_record = reader_record, .user = &rd, .err = CF_OK };
	size_t trunc_line = 0;
	rc = parse_text(&ps, text, tlen, sep, SIZE_MAX, true, &trunc_line);
	free(ps.cells);
	wipe_free(text, tlen + 1);
	if (rc == CF_OK)
		fill_missing_column_names(&rd);
	reader_fini(&rd);
	if (rc != CF_OK) {
		roster_free(&r);
		if (rc == CF_ERR_NOMEM)
			return set_fail(fail, CF_TEXT_OK, 0, 0, rc);
		if (ps.too_large)
			return set_fail(fail, CF_TEXT_CELL_TOO_LARGE, 0, ps.rec_line, CF_ERR_INVALID);
		if (rd.fail_problem != CF_TEXT_OK)
			return set_fail(fail, (enum cf_text_problem)rd.fail_problem, 0, 0, rc);
		return set_fail(fail, CF_TEXT_TRUNCATED, 0, trunc_line, CF_ERR_INVALID);
	}
	*out = r;
	return CF_OK;
}

int
roster_read_file(const char *path, struct cf_roster **out, struct cf_roster_failure *fail)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return set_fail(fail, CF_TEXT_READ_FAILED, 0, 0, errno == ENOMEM ? CF_ERR_NOMEM : CF_ERR_IO);
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return set_fail(fail, CF_TEXT_READ_FAILED, 0, 0, CF_ERR_IO);
	}
	if ((uintmax_t)st.st_size > IO_TEXT_MAX_BYTES) {
		close(fd);
		return set_fail(fail, CF_TEXT_TOO_LARGE, 0, 0, CF_ERR_INVALID);
	}
	size_t size = (size_t)st.st_size;
	char *buf = malloc(size ? size : 1);
	if (!buf) {
		close(fd);
		return set_fail(fail, CF_TEXT_OK, 0, 0, CF_ERR_NOMEM);
	}
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != size) {
		wipe_free(buf, size);
		return set_fail(fail, CF_TEXT_READ_FAILED, 0, 0, CF_ERR_IO);
	}
	int rc = roster_read_buffer(buf, size, out, fail);
	wipe_free(buf, size ? size : 1);
	return rc;
}

const char *
roster_reason_message(enum cf_roster_reason reason)
{
	switch (reason) {
	case CF_ROW_MISSING_NAME: return _("The name is missing");
	case CF_ROW_MISSING_STUDENT_NUMBER: return _("The student number is missing");
	case CF_ROW_BAD_STUDENT_NUMBER:
		return _("The student number must begin with a letter or digit and may only contain letters, digits, '-', '_', '.' and '/' (at most 32)");
	case CF_ROW_SCIENTIFIC_STUDENT_NUMBER:
		return _("The student number was turned into scientific notation by a spreadsheet (e.g. 1.2E+17); format the column as text and export again");
	case CF_ROW_DUPLICATE_STUDENT_NUMBER: return _("The student number already appears in an earlier row");
	case CF_ROW_BAD_DATE: return _("Not a date (use e.g. 2010-03-05)");
	case CF_ROW_IMPOSSIBLE_DATE: return _("No such day in the calendar");
	case CF_ROW_DATE_OUT_OF_RANGE: return _("The date of birth is not plausible (before 1920 or in the future)");
	case CF_ROW_BAD_SEX: return _("Sex must be 男/女 or M/F");
	case CF_ROW_BAD_PHONE: return _("Not a valid phone number (11-digit mobile or landline with area code)");
	case CF_ROW_SCIENTIFIC_PHONE:
		return _("The phone number was turned into scientific notation by a spreadsheet (e.g. 1.38001E+10); format the column as text and export again");
	case CF_ROW_TOO_MANY_PHONES: return _("Too many phone numbers in one cell (at most 3)");
	case CF_ROW_BAD_YES_NO: return _("Expected yes or no (是/否)");
	case CF_ROW_BAD_STATUS: return _("Unknown status (use active, on leave, transferred or graduated)");
	case CF_ROW_BAD_TEXT: return _("The cell contains control characters");
	case CF_ROW_TOO_LONG: return _("The cell is too long");
	case CF_ROW_TOO_MANY_CELLS: return _("The row has more cells than the header");
	case CF_ROW_REASON__COUNT: break;
	}
	return _("Unknown problem");
}

const char *
roster_note_message(enum cf_roster_note_kind kind)
{
	switch (kind) {
	case CF_NOTE_ID_CARD_IGNORED: return _("ID card numbers are not imported: the column is ignored");
	case CF_NOTE_UNKNOWN_COLUMN: return _("Unknown column, ignored");
	case CF_NOTE_DUPLICATE_COLUMN: return _("A second column for the same field, ignored");
	case CF_NOTE__COUNT: break;
	}
	return _("Unknown problem");
}

const char *
roster_column_label(enum cf_roster_column column)
{
	switch (column) {
	case CF_COL_STUDENT_NUMBER: return _("Student number");
	case CF_COL_NAME: return _("Name");
	case CF_COL_SEX: return _("Sex");
	case CF_COL_BIRTH_DATE: return _("Date of birth");
	case CF_COL_ETHNICITY: return _("Ethnicity");
	case CF_COL_SCHOOL: return _("School");
	case CF_COL_GRADE: return _("Grade");
	case CF_COL_CLASS: return _("Class");
	case CF_COL_GUARDIAN_NAME: return _("Guardian name");
	case CF_COL_GUARDIAN_RELATION: return _("Guardian relation");
	case CF_COL_GUARDIAN_PHONE: return _("Guardian phone");
	case CF_COL_GUARDIAN2_NAME: return _("Guardian 2 name");
	case CF_COL_GUARDIAN2_RELATION: return _("Guardian 2 relation");
	case CF_COL_GUARDIAN2_PHONE: return _("Guardian 2 phone");
	case CF_COL_GUARDIAN3_NAME: return _("Guardian 3 name");
	case CF_COL_GUARDIAN3_RELATION: return _("Guardian 3 relation");
	case CF_COL_GUARDIAN3_PHONE: return _("Guardian 3 phone");
	case CF_COL_GUARDIAN4_NAME: return _("Guardian 4 name");
	case CF_COL_GUARDIAN4_RELATION: return _("Guardian 4 relation");
	case CF_COL_GUARDIAN4_PHONE: return _("Guardian 4 phone");
	case CF_COL_FATHER_NAME: return _("Father name");
	case CF_COL_FATHER_PHONE: return _("Father phone");
	case CF_COL_MOTHER_NAME: return _("Mother name");
	case CF_COL_MOTHER_PHONE: return _("Mother phone");
	case CF_COL_ADDRESS: return _("Address");
	case CF_COL_REMARKS: return _("Remarks");
	case CF_COL_STATUS: return _("Status");
	case CF_COL_FLAG_LEFT_BEHIND: return _("Left-behind child");
	case CF_COL_FLAG_SPECIAL_NEEDS: return _("Special needs");
	case CF_COL_FLAG_BOARDING: return _("Boarding");
	case CF_COL_FLAG_SINGLE_PARENT: return _("Single-parent family");
	case CF_COL_FLAG_MIGRANT: return _("Migrant child");
	case CF_COL_FLAG_POVERTY: return _("Financial hardship");
	case CF_COL_FLAG_ON_LEAVE: return _("On leave");
	case CF_COL_IGNORE_ID_CARD: return _("ID card number");
	case CF_COL_IGNORE: return _("Row number");
	case CF_COL_NONE: case CF_COL__COUNT: break;
	}
	return _("Unknown column");
}

uint32_t
roster_column_field(enum cf_roster_column column)
{
	switch (column) {
	case CF_COL_STUDENT_NUMBER: return CF_FIELD_STUDENT_NUMBER;
	case CF_COL_NAME: return CF_FIELD_NAME;
	case CF_COL_SEX: return CF_FIELD_SEX;
	case CF_COL_BIRTH_DATE: return CF_FIELD_BIRTH_DATE;
	case CF_COL_ETHNICITY: return CF_FIELD_ETHNICITY;
	case CF_COL_SCHOOL: return CF_FIELD_SCHOOL;
	case CF_COL_GRADE: return CF_FIELD_GRADE;
	case CF_COL_CLASS: return CF_FIELD_CLASS;
	case CF_COL_GUARDIAN_NAME: case CF_COL_GUARDIAN_RELATION: case CF_COL_GUARDIAN_PHONE:
	case CF_COL_GUARDIAN2_NAME: case CF_COL_GUARDIAN2_RELATION: case CF_COL_GUARDIAN2_PHONE:
	case CF_COL_GUARDIAN3_NAME: case CF_COL_GUARDIAN3_RELATION: case CF_COL_GUARDIAN3_PHONE:
	case CF_COL_GUARDIAN4_NAME: case CF_COL_GUARDIAN4_RELATION: case CF_COL_GUARDIAN4_PHONE:
	case CF_COL_FATHER_NAME: case CF_COL_FATHER_PHONE: case CF_COL_MOTHER_NAME: case CF_COL_MOTHER_PHONE:
		return CF_FIELD_GUARDIANS;
	case CF_COL_ADDRESS: return CF_FIELD_ADDRESS;
	case CF_COL_REMARKS: return CF_FIELD_REMARKS;
	case CF_COL_STATUS: return CF_FIELD_STATUS;
	case CF_COL_FLAG_LEFT_BEHIND: case CF_COL_FLAG_SPECIAL_NEEDS: case CF_COL_FLAG_BOARDING:
	case CF_COL_FLAG_SINGLE_PARENT: case CF_COL_FLAG_MIGRANT: case CF_COL_FLAG_POVERTY:
	case CF_COL_FLAG_ON_LEAVE:
		return CF_FIELD_FLAGS;
	case CF_COL_IGNORE_ID_CARD: case CF_COL_IGNORE: case CF_COL_NONE: case CF_COL__COUNT:
		break;
	}
	return 0;
}
