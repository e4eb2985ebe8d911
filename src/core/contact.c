/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The home-school contact log: one clinical-compartment record per contact with a student's guardians. */
#include <stdlib.h>
#include <string.h>

#include "carefile/i18n.h"
#include "students-internal.h"

#define NONE ((size_t)-1)

/*
 * Plaintext of a contact ciphertext (integers little-endian):
 *   "CFCT" | u8 version (1) | u8 channel | student uuid (16) |
 *   str date (10 bytes) | str guardian | str summary
 * str = u32 length (0xFFFFFFFF for absent) + bytes. Nothing may follow.
 */
#define CONTACT_VERSION 1
static const uint8_t cmagic[4] = { 'C', 'F', 'C', 'T' };

const char *
contact_channel_label(enum cf_contact_channel channel)
{
	switch (channel) {
	/* TRANSLATORS: home-school contact channel, a short label (at most 8 columns) */
	case CF_CONTACT_PHONE: return _("Phone");
	/* TRANSLATORS: home-school contact channel: a home visit */
	case CF_CONTACT_VISIT: return _("Home visit");
	/* TRANSLATORS: home-school contact channel: a meeting at school */
	case CF_CONTACT_MEETING: return _("Meeting");
	/* TRANSLATORS: home-school contact channel: text or chat message */
	case CF_CONTACT_MESSAGE: return _("Message");
	case CF_CONTACT_CHANNEL__COUNT: break;
	}
	return _("Unknown");
}

static int
text_ok(const char *s, int multiline)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == 0x7f || (c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))))
			return 0;
	}
	return 1;
}

static enum cf_error
contact_validate(const struct cf_contact *c)
{
	if (!c || !student_date_str_valid(c->date) || (unsigned)c->channel >= CF_CONTACT_CHANNEL__COUNT ||
	    !c->summary || !*c->summary || strlen(c->summary) > CF_CONTACT_SUMMARY_MAX ||
	    !text_ok(c->summary, 1) || !text_ok(c->guardian, 0) || (c->guardian && strlen(c->guardian) > 1024))
		return CF_ERR_INVALID;
	return CF_OK;
}

static size_t
put_str(uint8_t *p, size_t off, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	uint32_t l = n ? (uint32_t)n : 0xFFFFFFFFu;

	if (p) {
		p[off] = (uint8_t)l;
		p[off + 1] = (uint8_t)(l >> 8);
		p[off + 2] = (uint8_t)(l >> 16);
		p[off + 3] = (uint8_t)(l >> 24);
		if (n)
			memcpy(p + off + 4, s, n);
	}
	return off + 4 + n;
}

static size_t
encode(uint8_t *p, const struct cf_contact *c, const uint8_t *student_uuid)
{
	size_t off = 0;

	if (p) {
		memcpy(p, cmagic, 4);
		p[4] = CONTACT_VERSION;
		p[5] = (uint8_t)c->channel;
		memcpy(p + 6, student_uuid, CF_UUID_BYTES);
	}
	off = 6 + CF_UUID_BYTES;
	off = put_str(p, off, c->date);
	off = put_str(p, off, c->guardian);
	return put_str(p, off, c->summary);
}

/* Reads a string into the arena (*out NULL when absent). 0 on damage. */
static int
get_str(const uint8_t *p, size_t len, size_t *off, struct cf_secure_arena *a, const char **out)
{
	uint32_t n;

	*out = NULL;
	if (len - *off < 4)
		return 0;
	n = (uint32_t)p[*off] | (uint32_t)p[*off + 1] << 8 | (uint32_t)p[*off + 2] << 16 | (uint32_t)p[*off + 3] << 24;
	*off += 4;
	if (n == 0xFFFFFFFFu)
		return 1;
	if (n == 0 || n > len - *off || memchr(p + *off, '\0', n))
		return 0;
	*out = crypto_arena_memdup(a, p + *off, n);
	*off += n;
	return *out != NULL;
}

/* Decodes into c (strings in a); CF_ERR_DAMAGED also when it names another student. */
static enum cf_error
decode(const uint8_t *p, size_t len, const uint8_t *student_uuid, struct cf_secure_arena *a, struct cf_contact *c)
{
	size_t off = 6 + CF_UUID_BYTES;
	const char *date = NULL;

	if (len < off || memcmp(p, cmagic, 4) != 0 || p[4] != CONTACT_VERSION || p[5] >= CF_CONTACT_CHANNEL__COUNT ||
	    crypto_memcmp(p + 6, student_uuid, CF_UUID_BYTES) != 0)
		return CF_ERR_DAMAGED;
	c->channel = (enum cf_contact_channel)p[5];
	if (!get_str(p, len, &off, a, &date) || !date || strlen(date) != 10 ||
	    !get_str(p, len, &off, a, &c->guardian) || !get_str(p, len, &off, a, &c->summary) || !c->summary ||
	    off != len)
		return CF_ERR_DAMAGED;
	memcpy(c->date, date, 11);
	return CF_OK;
}

/* Seals c for row uuid, bound to the student's uuid. *blob: malloc (ciphertext). */
static enum cf_error
seal(struct cf_casefile *cf, const struct cf_contact *c, const uint8_t *student_uuid, const uint8_t *row_uuid,
     uint8_t **blob, size_t *blob_len)
{
	size_t len = encode(NULL, c, student_uuid);
	uint8_t *plain = crypto_secure_alloc(len);
	enum cf_error e;

	if (!plain)
		return CF_ERR_NOMEM;
	encode(plain, c, student_uuid);
	e = casefile_record_seal(cf, CF_COMPARTMENT_CLINICAL, CONTACT_TABLE, RECORD_COLUMN, row_uuid, plain, len, blob,
	                         blob_len);
	crypto_secure_free(plain);
	return e;
}

static enum cf_error
need(struct cf_casefile *cf, const struct cf_students *idx, int64_t student_id, size_t *k)
{
	enum cf_error e = students_need(cf, CF_COMPARTMENT_CLINICAL);

	if (e != CF_OK)
		return e;
	if (!idx)
		return CF_ERR_INVALID;
	*k = students_entry_of_id(idx, student_id);
	return *k == NONE ? CF_ERR_NOT_FOUND : CF_OK;
}

enum cf_error
contact_insert_in_txn(struct cf_casefile *cf, int64_t student_id, const uint8_t *student_uuid,
                      const struct cf_contact *c, int64_t *id)
{
	struct cf_store_record r;
	enum cf_error e;

	if ((e = contact_validate(c)) != CF_OK)
		return e;
	memset(&r, 0, sizeof r);
	crypto_random_uuid(r.uuid);
	r.compartment = CF_COMPARTMENT_CLINICAL;
	r.created = r.updated = students_now();
	e = seal(cf, c, student_uuid, r.uuid, &r.data, &r.data_len);
	if (e != CF_OK)
		return e;
	e = store_contact_insert(casefile_store(cf), student_id, &r, id);
	free(r.data);
	return e;
}

enum cf_error
contact_add(struct cf_casefile *cf, const struct cf_students *idx, int64_t student_id, const struct cf_contact *c,
            int64_t *id)
{
	struct cf_store *st;
	size_t k;
	enum cf_error e;

	if (id)
		*id = 0;
	if ((e = need(cf, idx, student_id, &k)) != CF_OK)
		return e;
	if ((e = contact_validate(c)) != CF_OK)
		return e;
	st = casefile_store(cf);
	e = store_begin(st);
	if (e == CF_OK)
		e = contact_insert_in_txn(cf, student_id, idx->e[k].uuid, c, id);
	if (e == CF_OK)
		e = store_commit(st);
	if (e != CF_OK)
		store_rollback(st);
	return e;
}

enum cf_error
contact_update(struct cf_casefile *cf, const struct cf_students *idx, const struct cf_contact *c)
{
	struct cf_store_record old, r;
	struct cf_store *st;
	int64_t owner = 0;
	size_t k;
	enum cf_error e;

	if (!c)
		return CF_ERR_INVALID;
	if ((e = need(cf, idx, c->student_id, &k)) != CF_OK)
		return e;
	if ((e = contact_validate(c)) != CF_OK)
		return e;
	st = casefile_store(cf);
	e = store_contact_student(st, c->id, &owner);
	if (e != CF_OK)
		return e;
	if (owner != c->student_id)
		return CF_ERR_NOT_FOUND;
	e = store_record_get(st, CF_TABLE_CONTACT, c->id, &old);
	if (e != CF_OK)
		return e;
	memset(&r, 0, sizeof r);
	r.id = old.id;
	memcpy(r.uuid, old.uuid, CF_UUID_BYTES);
	r.compartment = CF_COMPARTMENT_CLINICAL;
	r.status = 0;
	r.created = old.created;
	r.updated = students_now();
	store_record_fini(&old);
	e = seal(cf, c, idx->e[k].uuid, r.uuid, &r.data, &r.data_len);
	if (e != CF_OK)
		return e;
	e = store_begin(st);
	if (e == CF_OK)
		e = store_record_update(st, CF_TABLE_CONTACT, &r);
	if (e == CF_OK)
		e = store_commit(st);
	if (e != CF_OK)
		store_rollback(st);
	free(r.data);
	return e;
}

struct list_ctx {
	struct cf_casefile *cf;
	const uint8_t *student_uuid;
	struct cf_contact_list *l;
	size_t cap;
	int64_t student_id;
};

static enum cf_error
list_row(const struct cf_store_record *r, void *p)
{
	struct list_ctx *c = p;
	struct cf_contact_list *l = c->l;
	struct cf_contact *it;
	char *plain = NULL;
	size_t len = 0;
	enum cf_error e;

	if (r->compartment != CF_COMPARTMENT_CLINICAL)
		return CF_ERR_DAMAGED;
	if (l->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct cf_contact *ni = crypto_secure_alloc(cap * sizeof *ni);

		if (!ni)
			return CF_ERR_NOMEM;
		if (l->n)
			memcpy(ni, l->items, l->n * sizeof *ni);
		crypto_secure_free(l->items);
		l->items = ni;
		c->cap = cap;
	}
	e = casefile_record_open(c->cf, CF_COMPARTMENT_CLINICAL, CONTACT_TABLE, RECORD_COLUMN, r->uuid, r->data,
	                         r->data_len, &plain, &len);
	if (e != CF_OK)
		return e;
	it = &l->items[l->n];
	memset(it, 0, sizeof *it);
	e = decode((const uint8_t *)plain, len, c->student_uuid, l->arena, it);
	crypto_secure_free(plain);
	if (e != CF_OK) {
		crypto_wipe(it, sizeof *it);
		return e;
	}
	it->id = r->id;
	it->student_id = c->student_id;
	memcpy(it->uuid, r->uuid, CF_UUID_BYTES);
	it->created = r->created;
	it->updated = r->updated;
	l->n++;
	return CF_OK;
}

static const struct cf_contact *sort_items;

static int
cmp_newest(const void *pa, const void *pb)
{
	const struct cf_contact *a = &sort_items[*(const size_t *)pa];
	const struct cf_contact *b = &sort_items[*(const size_t *)pb];
	int c = strcmp(b->date, a->date);

	if (c)
		return c;
	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

enum cf_error
contact_list(struct cf_casefile *cf, const struct cf_students *idx, int64_t student_id, struct cf_contact_list *out)
{
	struct list_ctx c;
	size_t k, *ord = NULL;
	struct cf_contact *sorted;
	enum cf_error e;

	memset(out, 0, sizeof *out);
	if ((e = need(cf, idx, student_id, &k)) != CF_OK)
		return e;
	if (crypto_arena_new(16384, &out->arena) != CF_OK)
		return CF_ERR_NOMEM;
	c.cf = cf;
	c.student_uuid = idx->e[k].uuid;
	c.l = out;
	c.cap = 0;
	c.student_id = student_id;
	e = store_contact_foreach(casefile_store(cf), student_id, list_row, &c);
	if (e == CF_OK && out->n > 1) {
		/* sort positions, then move the items: qsort must not copy decrypted items into the heap */
		ord = malloc(out->n * sizeof *ord);
		sorted = crypto_secure_alloc(out->n * sizeof *sorted);
		if (!ord || !sorted) {
			free(ord);
			crypto_secure_free(sorted);
			e = CF_ERR_NOMEM;
		} else {
			for (size_t i = 0; i < out->n; i++)
				ord[i] = i;
			sort_items = out->items;
			qsort(ord, out->n, sizeof *ord, cmp_newest);
			sort_items = NULL;
			for (size_t i = 0; i < out->n; i++)
				sorted[i] = out->items[ord[i]];
			free(ord);
			crypto_secure_free(out->items);
			out->items = sorted;
		}
	}
	if (e != CF_OK)
		contact_list_fini(out);
	return e;
}

void
contact_list_fini(struct cf_contact_list *list)
{
	if (!list)
		return;
	crypto_secure_free(list->items);
	crypto_arena_free(&list->arena);
	memset(list, 0, sizeof *list);
}

enum cf_error
contact_record_student_uuid(const uint8_t *plain, size_t len, uint8_t *out)
{
	/* layout above: magic | u8 version | u8 channel | student uuid */
	if (!plain || len < sizeof cmagic + 2 + CF_STORE_UUID_BYTES || memcmp(plain, cmagic, sizeof cmagic) != 0)
		return CF_ERR_DAMAGED;
	memcpy(out, plain + sizeof cmagic + 2, CF_STORE_UUID_BYTES);
	return CF_OK;
}
