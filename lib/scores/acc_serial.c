/* Versioned, endian-independent serialisation of cx_acc. Layout (all integers little-endian):
 *   0  "CXAC"            magic
 *   4  u16 version (1)   u16 flags (0)
 *   8  i32 scale_min     i32 scale_max
 *  16  k x { u64 count, f64 sum_w, f64 sum_w2 }   (k = max - min + 1; doubles as IEEE-754 bits)
 *  16 + 24k  u32 CRC-32 (IEEE, as zlib) of all preceding bytes
 * Restoring checks every field, so that corrupt bytes fail with CX_EFORMAT and never produce an
 * accumulator that later computes NaN. */
#include <math.h>
#include <string.h>

#include "scores_internal.h"

#define ACC_MAGIC   "CXAC"
#define ACC_VERSION 1u
#define ACC_HEADER  16u
#define ACC_POINT   24u

static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_f64(uint8_t *p, double d)
{
    uint64_t v;
    memcpy(&v, &d, sizeof v);
    put_u64(p, v);
}

static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_u32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static double get_f64(const uint8_t *p)
{
    uint64_t v = get_u64(p);
    double d;
    memcpy(&d, &v, sizeof d);
    return d;
}

CX_API cx_status cx_acc_serialize(uint8_t **out, size_t *len, const cx_acc *acc)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(len != NULL);
    CX_CHECK_ARG(acc != NULL);
    size_t n = ACC_HEADER + ACC_POINT * acc->k + 4;
    uint8_t *b = cx__malloc(n);
    if (!b)
        return cx__enomem();
    memcpy(b, ACC_MAGIC, 4);
    put_u16(b + 4, ACC_VERSION);
    put_u16(b + 6, 0);
    put_u32(b + 8, (uint32_t)acc->min);
    put_u32(b + 12, (uint32_t)acc->max);
    for (size_t j = 0; j < acc->k; j++) {
        uint8_t *p = b + ACC_HEADER + ACC_POINT * j;
        put_u64(p, acc->count[j]);
        put_f64(p + 8, acc->w[j]);
        put_f64(p + 16, acc->w2[j]);
    }
    put_u32(b + n - 4, crc32_ieee(b, n - 4));
    *out = b;
    *len = n;
    return CX_OK;
}

static cx_status bad(const char *what)
{
    return cx__error_param(CX_EFORMAT, "bytes", "not a valid cx_acc serialisation: %s", what);
}

CX_API cx_status cx_acc_deserialize(cx_acc **out, const uint8_t *bytes, size_t len)
{
    CX_CHECK_ARG(out != NULL);
    CX_CHECK_ARG(bytes != NULL || len == 0);
    if (len < ACC_HEADER + 4)
        return bad("truncated header");
    if (memcmp(bytes, ACC_MAGIC, 4) != 0)
        return bad("bad magic");
    if (get_u16(bytes + 4) != ACC_VERSION)
        return cx__error_param(CX_EFORMAT, "bytes", "unsupported cx_acc serialisation version %u",
                               (unsigned)get_u16(bytes + 4));
    if (get_u16(bytes + 6) != 0)
        return bad("unknown flags");
    int32_t mn = (int32_t)get_u32(bytes + 8), mx = (int32_t)get_u32(bytes + 12);
    if (mn <= -1000000 || mx >= 1000000 || mn >= mx ||
        (int64_t)mx - (int64_t)mn + 1 > CX_ACC_MAX_POINTS)
        return bad("invalid scale");
    size_t k = (size_t)((int64_t)mx - (int64_t)mn + 1);
    if (len != ACC_HEADER + ACC_POINT * k + 4)
        return bad(len < ACC_HEADER + ACC_POINT * k + 4 ? "truncated" : "trailing bytes");
    if (get_u32(bytes + len - 4) != crc32_ieee(bytes, len - 4))
        return bad("checksum mismatch");
    uint64_t total = 0;
    for (size_t j = 0; j < k; j++) {
        const uint8_t *p = bytes + ACC_HEADER + ACC_POINT * j;
        uint64_t c = get_u64(p);
        double w = get_f64(p + 8), w2 = get_f64(p + 16);
        if (!(isfinite(w) && isfinite(w2) && w >= 0.0 && w2 >= 0.0))
            return bad("negative or non-finite weight sum");
        if (c > UINT64_MAX - total)
            return bad("count overflow");
        total += c;
        if (c == 0 && (w != 0.0 || w2 != 0.0))
            return bad("weights without ratings");
    }
    cx_acc *a;
    cx_status st = cx__acc_alloc(&a, mn, mx);
    if (st != CX_OK)
        return st;
    for (size_t j = 0; j < k; j++) {
        const uint8_t *p = bytes + ACC_HEADER + ACC_POINT * j;
        a->count[j] = get_u64(p);
        a->w[j] = get_f64(p + 8);
        a->w2[j] = get_f64(p + 16);
    }
    *out = a;
    return CX_OK;
}
