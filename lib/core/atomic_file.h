/*
 * Writing a file by path so that readers only ever see the old content or the complete new
 * content: the bytes go to a temporary file in the same directory (so the final rename stays
 * on one file system and is atomic), which replaces the target only when everything was
 * written. On any failure the temporary file is removed and an existing target is untouched.
 *
 * Paths that exist but are not regular files (/dev/stdout, a FIFO) are written directly: they
 * cannot be replaced by a rename. A symbolic link is followed, so its target is replaced and
 * the link stays. An existing target keeps its permission bits; a new one gets 0666 minus the
 * umask, as fopen would give it. Durability across a power loss (fsync) is not attempted.
 */
#ifndef CX_ATOMIC_FILE_H
#define CX_ATOMIC_FILE_H

#include "internal.h"

#include <stdio.h>

typedef struct cx__atomic_file {
    FILE *file;       /* write here */
    const char *path; /* as given, for error messages */
    char *target;     /* the file replaced on success (the path, or a link's target) */
    char *tmp;        /* NULL when writing directly (not a regular file) */
} cx__atomic_file;

/* Open the temporary file (or the special file). Errors: CX_EIO naming the path (e.g. the
 * directory is not writable), CX_ENOMEM. On failure nothing is left open or created. */
CX_HIDDEN cx_status cx__atomic_open(cx__atomic_file *af, const char *path);
/* Finish: when `st` is CX_OK, flush, close and rename over the target (CX_EIO if any of that
 * fails); otherwise close and remove the temporary file. Returns the final status. */
CX_HIDDEN cx_status cx__atomic_close(cx__atomic_file *af, cx_status st);

#endif /* CX_ATOMIC_FILE_H */
