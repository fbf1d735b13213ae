/* All-or-nothing file writing: temporary file beside the target, rename on success (see
 * atomic_file.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Distinguishes temporary names made by threads of one process; the pid the processes. */
static atomic_ulong tmp_counter;

/* The file a rename must replace: a symbolic link's final target, else the path itself. */
static cx_status resolve_target(char **out, const char *path)
{
    struct stat sb;
    char *target = NULL;
    if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
        if (!(target = cx__malloc(PATH_MAX)))
            return cx__enomem();
        if (!realpath(path, target)) { /* dangling link: write (and replace) the link itself */
            cx__free(target);
            target = NULL;
        }
    }
    if (!target && !(target = cx__strdup(path)))
        return cx__enomem();
    *out = target;
    return CX_OK;
}

/* Create `<target>.<pid>-<n>.tmp` exclusively, carrying over an existing target's mode. */
static int create_tmp(char *tmp, size_t size, const char *target, const struct stat *old)
{
    mode_t mode = old ? (old->st_mode & 07777) : 0666;
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned long n = atomic_fetch_add(&tmp_counter, 1);
        snprintf(tmp, size, "%s.%ld-%lu.tmp", target, (long)getpid(), n);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode);
        if (fd >= 0 || errno != EEXIST) {
            if (fd >= 0 && old && fchmod(fd, mode) != 0) { /* the umask may have masked bits */
                int e = errno;
                close(fd);
                remove(tmp);
                errno = e;
                return -1;
            }
            return fd;
        }
    }
    return -1;
}

cx_status cx__atomic_open(cx__atomic_file *af, const char *path)
{
    memset(af, 0, sizeof *af);
    af->path = path;
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (exists && !S_ISREG(sb.st_mode)) {
        if (!(af->file = fopen(path, "wb")))
            return cx__error_at(CX_EIO, path, 0, 0, "cannot open for writing: %s", strerror(errno));
        return CX_OK;
    }
    cx_status st = resolve_target(&af->target, path);
    if (st != CX_OK)
        return st;
    size_t size = strlen(af->target) + 64;
    if (!(af->tmp = cx__malloc(size))) {
        cx__free(af->target);
        return cx__enomem();
    }
    int fd = create_tmp(af->tmp, size, af->target, exists ? &sb : NULL);
    if (fd < 0 || !(af->file = fdopen(fd, "wb"))) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            remove(af->tmp);
        }
        cx__free(af->tmp);
        cx__free(af->target);
        memset(af, 0, sizeof *af);
        return cx__error_at(CX_EIO, path, 0, 0,
                            "cannot create a temporary file in its directory: %s", strerror(e));
    }
    return CX_OK;
}

cx_status cx__atomic_close(cx__atomic_file *af, cx_status st)
{
    if (!af->file)
        return st;
    if (st == CX_OK && fflush(af->file) != 0)
        st = cx__error_at(CX_EIO, af->path, 0, 0, "write failed: %s", strerror(errno));
    if (fclose(af->file) != 0 && st == CX_OK)
        st = cx__error_at(CX_EIO, af->path, 0, 0, "write failed on close: %s", strerror(errno));
    if (af->tmp) {
        if (st == CX_OK && rename(af->tmp, af->target) != 0)
            st = cx__error_at(CX_EIO, af->path, 0, 0, "cannot replace: %s", strerror(errno));
        if (st != CX_OK)
            remove(af->tmp);
    }
    cx__free(af->tmp);
    cx__free(af->target);
    memset(af, 0, sizeof *af);
    return st;
}
