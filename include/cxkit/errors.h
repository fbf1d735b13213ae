/**
 * @file errors.h
 * @brief Status codes and the per-thread error detail.
 *
 * Every fallible cxkit function returns a ::cx_status: ::CX_OK (0) or a negative code. On failure
 * the function leaves its objects and outputs unchanged and records a message on the calling
 * thread, readable with cx_error_last() until the next failing cxkit call on that thread.
 */
#ifndef CX_ERRORS_H
#define CX_ERRORS_H

#include <cxkit/common.h>

CX_BEGIN_DECLS

/** Result of every fallible function. Values are fixed forever; new codes are appended. */
typedef enum cx_status {
    CX_OK = 0, /**< Success. */
    CX_EINVAL =
        -1, /**< Invalid argument: NULL, out-of-domain value, NaN where a number is needed. */
    CX_ENOMEM = -2, /**< An allocation failed; nothing was changed. */
    CX_EIO = -3,    /**< A file could not be opened, read or written. */
    CX_EPARSE = -4, /**< Malformed input text (CSV, model syntax, scenario); see line and column. */
    CX_ERANGE = -5, /**< Out of range: index past the end, a statistic undefined for the data. */
    CX_ENOTCONV = -6,  /**< An iterative method did not converge. */
    CX_ESINGULAR = -7, /**< A matrix is singular or not positive definite. */
    CX_EUSER = -8,     /**< A user callback failed; never produced by cxkit itself. */
    CX_ESTATE = -9, /**< The object is not in the state the call needs (e.g. predict before fit). */
    CX_ENOTSUP = -10, /**< The combination of options is not supported. */
    CX_EFORMAT =
        -11 /**< Bytes (serialised state) are corrupt, truncated or of an unknown version. */
} cx_status;

/** The detail of the last failure on this thread. Strings are never NULL (empty when unknown). */
typedef struct cx_error {
    cx_status code;      /**< The status that was returned. */
    const char *message; /**< Human-readable: what went wrong and where. */
    const char *file;    /**< Input file or source name involved, or "". */
    long line;           /**< 1-based line in @c file, or 0 when not applicable. */
    long column;       /**< 1-based column (byte offset in the line, or CSV field number), or 0. */
    const char *param; /**< Name of the offending parameter, column or construct, or "". */
} cx_error;

/**
 * The last error recorded on the calling thread. Never NULL. Valid until the next failing cxkit
 * call on this thread; a successful call does not clear it.
 */
CX_API const cx_error *cx_error_last(void);

/** Reset this thread's last error to ::CX_OK with an empty message. */
CX_API void cx_error_clear(void);

/** Static description of a status code; never NULL, also for unknown codes. */
CX_API const char *cx_strerror(int code);

/** Short symbolic name of a status code ("EINVAL", "ENOMEM", ...); "UNKNOWN" for others. */
CX_API const char *cx_status_name(int code);

CX_END_DECLS

#endif /* CX_ERRORS_H */
