/*
 * Internal helpers shared by every file in lib/: the allocator, error recording and small
 * macros. Never installed; names are cx__ (two underscores) and hidden from the shared library.
 */
#ifndef CX_INTERNAL_H
#define CX_INTERNAL_H

#include <cxkit/common.h>
#include <cxkit/errors.h>

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__)
#define CX_LIKELY(x)   __builtin_expect(!!(x), 1)
#define CX_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define CX_HIDDEN      __attribute__((visibility("hidden")))
#else
#define CX_LIKELY(x)   (x)
#define CX_UNLIKELY(x) (x)
#define CX_HIDDEN
#endif

/* Clones of a hot function for the given targets, picked at load by the CPU (GCC on x86-64
 * Linux): write CX_TARGET_CLONES("avx2", "default") before the function. Off under
 * ThreadSanitizer, whose runtime is not yet up when the clones' resolver runs during relocation
 * (the instrumented resolver crashes the program at load), and elsewhere. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) &&       \
    !defined(__SANITIZE_THREAD__)
#define CX_TARGET_CLONES(...) __attribute__((target_clones(__VA_ARGS__)))
#else
#define CX_TARGET_CLONES(...)
#endif

/* ---- allocation: the only place in lib/ that may call libc malloc/free ---- */

/* All return NULL on failure (or when the test hook says so). Sizes of 0 allocate 1 byte so
 * that NULL always means failure. cx__free(NULL) is a no-op. */
CX_HIDDEN void *cx__malloc(size_t size);
CX_HIDDEN void *cx__calloc(size_t count, size_t size);
/* On failure the old block is untouched and still owned by the caller. */
CX_HIDDEN void *cx__realloc(void *p, size_t size);
CX_HIDDEN void cx__free(void *p);
/* Overflow-checked count * size for array allocations; NULL on overflow. */
CX_HIDDEN void *cx__malloc_array(size_t count, size_t size);
CX_HIDDEN void *cx__realloc_array(void *p, size_t count, size_t size);
CX_HIDDEN char *cx__strdup(const char *s);

/* Test hook (thread-local, so parallel tests do not interfere): after `countdown` more
 * successful allocations, fail the next one; with persistent != 0 every later one fails too.
 * countdown < 0 switches the hook off. cx__alloc_failures() counts injected failures since the
 * hook was last armed. cx__alloc_live() is the number of blocks currently allocated on this
 * thread's account (for leak checks in tests). */
CX_HIDDEN void cx__alloc_fail_after(long countdown, int persistent);
CX_HIDDEN long cx__alloc_failures(void);
CX_HIDDEN long cx__alloc_live(void);

/* ---- errors ---- */

/* Record a failure on this thread and return `code`, so callers can write
 * `return cx__error(CX_EINVAL, "n must be > 0");`. */
CX_HIDDEN cx_status cx__error(cx_status code, const char *fmt, ...) CX_PRINTF(2, 3);
/* The same, naming the parameter / column / construct involved. */
CX_HIDDEN cx_status cx__error_param(cx_status code, const char *param, const char *fmt, ...)
    CX_PRINTF(3, 4);
/* The same, with an input location (file may be NULL; line and column 1-based, 0 if unknown). */
CX_HIDDEN cx_status cx__error_at(cx_status code, const char *file, long line, long column,
                                 const char *fmt, ...) CX_PRINTF(5, 6);
/* Shorthand for the out-of-memory case. */
CX_HIDDEN cx_status cx__enomem(void);

/* Argument check at the API boundary: returns CX_EINVAL naming the expression. */
#define CX_CHECK_ARG(cond)                                                                         \
    do {                                                                                           \
        if (CX_UNLIKELY(!(cond)))                                                                  \
            return cx__error_param(CX_EINVAL, #cond, "invalid argument: %s", #cond);               \
    } while (0)

#endif /* CX_INTERNAL_H */
