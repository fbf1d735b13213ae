/* The one allocator of lib/: every allocation goes through here so that tests can make the
 * N-th allocation fail (transiently or persistently, as SQLite's fault simulator does) and
 * check that each API returns CX_ENOMEM and leaves its objects unchanged. */
#include "internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local long fail_countdown = -1; /* < 0: hook off */
static _Thread_local int fail_persistent;
static _Thread_local int failing; /* persistent mode: already tripped */
static _Thread_local long failures;
static _Thread_local long live;

void cx__alloc_fail_after(long countdown, int persistent)
{
    fail_countdown = countdown;
    fail_persistent = persistent;
    failing = 0;
    failures = 0;
}

long cx__alloc_failures(void)
{
    return failures;
}

long cx__alloc_live(void)
{
    return live;
}

/* Decides whether this allocation is the one the test asked to fail. */
static int should_fail(void)
{
    if (CX_LIKELY(fail_countdown < 0 && !failing))
        return 0;
    if (failing) {
        failures++;
        return 1;
    }
    if (fail_countdown == 0) {
        failures++;
        if (fail_persistent)
            failing = 1;
        fail_countdown = -1;
        return 1;
    }
    fail_countdown--;
    return 0;
}

void *cx__malloc(size_t size)
{
    if (should_fail())
        return NULL;
    void *p = malloc(size ? size : 1);
    if (p)
        live++;
    return p;
}

void *cx__calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p)
        live++;
    return p;
}

void *cx__realloc(void *p, size_t size)
{
    if (!p)
        return cx__malloc(size);
    if (should_fail())
        return NULL;
    return realloc(p, size ? size : 1);
}

void cx__free(void *p)
{
    if (p) {
        live--;
        free(p);
    }
}

void *cx__malloc_array(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return cx__malloc(count * size);
}

void *cx__realloc_array(void *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return cx__realloc(p, count * size);
}

char *cx__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = cx__malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

void cx_free(void *p)
{
    cx__free(p);
}
