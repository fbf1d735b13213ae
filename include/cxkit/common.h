/**
 * @file common.h
 * @brief Export, deprecation and C++ linkage macros shared by every cxkit header.
 */
#ifndef CX_COMMON_H
#define CX_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(CX_BUILDING_SHARED)
#define CX_API __declspec(dllexport)
#elif defined(_WIN32) && defined(CX_USING_SHARED)
#define CX_API __declspec(dllimport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#define CX_API __attribute__((visibility("default")))
#else
#define CX_API
#endif

#if defined(CX_DISABLE_DEPRECATE_WARNINGS)
#define CX_DEPRECATED(message)
#elif defined(__GNUC__)
#define CX_DEPRECATED(message) __attribute__((deprecated(message)))
#else
#define CX_DEPRECATED(message)
#endif

#if defined(__GNUC__)
#define CX_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CX_PRINTF(fmt, args)
#endif

#ifdef __cplusplus
#define CX_BEGIN_DECLS extern "C" {
#define CX_END_DECLS   }
#else
#define CX_BEGIN_DECLS
#define CX_END_DECLS
#endif

CX_BEGIN_DECLS

/**
 * Release memory that a cxkit function handed to the caller (strings, arrays returned through
 * `char **out` or `double **out`). A no-op on NULL. Never use libc free() on such memory.
 */
CX_API void cx_free(void *p);

/** Destructor for a callback payload; cxkit calls it when the payload is no longer needed. */
typedef void (*cx_free_fn)(void *payload);

CX_END_DECLS

#endif /* CX_COMMON_H */
