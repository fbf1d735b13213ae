/* Interning dictionary: strings -> dense codes in order of first appearance. Open addressing
 * with linear probing over a power-of-two slot array kept at most half full. A slot holds a
 * hash tag and the position of the string's entry ([code][length][bytes][NUL]), so a hit costs
 * the slot and one entry. Each code keeps its full hash so that growing the table never rereads
 * the strings, and rollback (truncate) rebuilds the table in place without allocating. */
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE) on Linux */
#include "log_internal.h"

#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

/* A big slot table is probed at random: ask for transparent huge pages, so that a probe costs
 * one cache miss instead of a cache miss plus a TLB miss (or a page fault on first touch). */
static void advise_huge(void *p, size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (bytes < 4 * huge)
        return;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t e = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (e > a)
        madvise((void *)a, e - a, MADV_HUGEPAGE); /* advice only: failure is harmless */
#else
    (void)p;
    (void)bytes;
#endif
}

/* A fast 64-bit multiply-mix hash over 8-byte words (ids are short). */
uint32_t cx__dict_hash(const char *s, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15u ^ (uint64_t)len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDu;
        h ^= h >> 32;
        s += 8;
        len -= 8;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < len; i++)
        w |= (uint64_t)(unsigned char)s[i] << (8 * i);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53u;
    h ^= h >> 29;
    h *= 0xFF51AFD7ED558CCDu;
    h ^= h >> 32;
    return (uint32_t)h;
}

/* A slot: the hash's top 24 bits as a tag, and the entry position + 1 (40 bits: 1 TiB). */
#define POS_BITS 40
#define POS_MASK ((UINT64_C(1) << POS_BITS) - 1)

static uint64_t slot_of(uint32_t h, size_t entry)
{
    return (uint64_t)(h >> 8) << POS_BITS | (uint64_t)(entry + 1);
}

static uint32_t tag_of(uint32_t h)
{
    return h >> 8;
}

/* Whether the entry at `entry` holds s[0..len); sets *code when it does. */
static int entry_is(const cx__dict *d, size_t entry, const char *s, size_t len, int32_t *code)
{
    const char *e = d->strings + entry;
    uint32_t elen, ecode;
    memcpy(&elen, e + 4, 4);
    if (elen != len)
        return 0;
    const char *t = e + 8;
    if (len <= 16) {
        for (size_t i = 0; i < len; i++)
            if (t[i] != s[i])
                return 0;
    } else if (memcmp(t, s, len) != 0) {
        return 0;
    }
    memcpy(&ecode, e, 4);
    *code = (int32_t)ecode;
    return 1;
}

static int32_t probe(const cx__dict *d, const char *s, size_t len, uint32_t h)
{
    if (d->nslots == 0)
        return -1;
    size_t mask = d->nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint64_t v = d->slots[i];
        if (v == 0)
            return -1;
        int32_t code;
        if ((uint32_t)(v >> POS_BITS) == tag_of(h) &&
            entry_is(d, (size_t)(v & POS_MASK) - 1, s, len, &code))
            return code;
    }
}

int32_t cx__dict_find(const cx__dict *d, const char *s, size_t len)
{
    return probe(d, s, len, cx__dict_hash(s, len));
}

static void place(uint64_t *slots, size_t nslots, uint32_t h, size_t entry)
{
    size_t mask = nslots - 1;
    size_t i = h & mask;
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = slot_of(h, entry);
}

static cx_status grow_slots(cx__dict *d)
{
    size_t n = d->nslots ? d->nslots * 2 : 64;
    uint64_t *slots = cx__calloc(n, sizeof *slots);
    if (!slots)
        return cx__enomem();
    advise_huge(slots, n * sizeof *slots);
    for (size_t c = 0; c < d->count; c++)
        place(slots, n, d->hash[c], d->offset[c] - 8);
    cx__free(d->slots);
    d->slots = slots;
    d->nslots = n;
    return CX_OK;
}

static cx_status grow_codes(cx__dict *d)
{
    size_t cap = d->count_cap ? d->count_cap * 2 : 64;
    if (cap > (size_t)INT32_MAX)
        return cx__error(CX_ERANGE, "too many distinct strings (more than 2^31)");
    size_t *offset = cx__realloc_array(d->offset, cap, sizeof *offset);
    if (!offset)
        return cx__enomem();
    d->offset = offset;
    uint32_t *hash = cx__realloc_array(d->hash, cap, sizeof *hash);
    if (!hash)
        return cx__enomem(); /* offset grew; harmless, count_cap stays */
    d->hash = hash;
    d->count_cap = cap;
    return CX_OK;
}

cx_status cx__dict_intern(cx__dict *d, const char *s, size_t len, int32_t *code)
{
    return cx__dict_intern_hashed(d, s, len, cx__dict_hash(s, len), code);
}

cx_status cx__dict_intern_hashed(cx__dict *d, const char *s, size_t len, uint32_t h, int32_t *code)
{
    int32_t found = probe(d, s, len, h);
    if (found >= 0) {
        *code = found;
        return CX_OK;
    }
    if (len > UINT32_MAX)
        return cx__error(CX_ERANGE, "string longer than 4 GiB");
    /* New string: make room everywhere first, so that a failure changes nothing visible. */
    cx_status st;
    if ((d->count + 1) * 2 > d->nslots && (st = grow_slots(d)) != CX_OK)
        return st;
    if (d->count == d->count_cap && (st = grow_codes(d)) != CX_OK)
        return st;
    size_t need = d->bytes_len + 8 + len + 1;
    if (need > d->bytes_cap) {
        if (need > POS_MASK - 1)
            return cx__error(CX_ERANGE, "more than 1 TiB of distinct strings");
        size_t cap = d->bytes_cap ? d->bytes_cap : 256;
        while (cap < need)
            cap *= 2;
        char *b = cx__realloc(d->strings, cap);
        if (!b)
            return cx__enomem();
        d->strings = b;
        d->bytes_cap = cap;
    }
    uint32_t c = (uint32_t)d->count, l = (uint32_t)len;
    size_t entry = d->bytes_len;
    char *e = d->strings + entry;
    memcpy(e, &c, 4);
    memcpy(e + 4, &l, 4);
    memcpy(e + 8, s, len);
    e[8 + len] = '\0';
    d->bytes_len = need;
    d->offset[c] = entry + 8;
    d->hash[c] = h;
    d->count++;
    place(d->slots, d->nslots, h, entry);
    *code = (int32_t)c;
    return CX_OK;
}

void cx__dict_truncate(cx__dict *d, size_t count)
{
    if (count == 0) { /* give the memory back: the dictionary is as if never used */
        cx__dict_free(d);
        return;
    }
    if (count >= d->count)
        return;
    d->count = count;
    d->bytes_len = d->offset[count] - 8;
    memset(d->slots, 0, d->nslots * sizeof *d->slots);
    for (size_t c = 0; c < count; c++)
        place(d->slots, d->nslots, d->hash[c], d->offset[c] - 8);
}

void cx__dict_free(cx__dict *d)
{
    cx__free(d->offset);
    cx__free(d->hash);
    cx__free(d->strings);
    cx__free(d->slots);
    memset(d, 0, sizeof *d);
}

cx_status cx__dict_copy(cx__dict *dst, const cx__dict *src)
{
    cx__dict d = {0};
    if (src->count) {
        d.offset = cx__malloc_array(src->count, sizeof *d.offset);
        d.hash = cx__malloc_array(src->count, sizeof *d.hash);
        d.strings = cx__malloc(src->bytes_len);
        d.slots = cx__malloc_array(src->nslots, sizeof *d.slots);
        if (!d.offset || !d.hash || !d.strings || !d.slots) {
            cx__dict_free(&d);
            return cx__enomem();
        }
        memcpy(d.offset, src->offset, src->count * sizeof *d.offset);
        memcpy(d.hash, src->hash, src->count * sizeof *d.hash);
        memcpy(d.strings, src->strings, src->bytes_len);
        memcpy(d.slots, src->slots, src->nslots * sizeof *d.slots);
        d.count = d.count_cap = src->count;
        d.bytes_len = d.bytes_cap = src->bytes_len;
        d.nslots = src->nslots;
    }
    *dst = d;
    return CX_OK;
}
