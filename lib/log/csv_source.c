/* Getting a file's bytes into memory for the CSV readers: mmap when possible (no copy), a full
 * read otherwise (pipes, special files). */
#include "log_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

cx_status cx__file_map(cx__file_bytes *fb, const char *path)
{
    memset(fb, 0, sizeof *fb);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return cx__error_at(CX_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
        if (sb.st_size == 0) {
            close(fd);
            fb->data = "";
            return CX_OK;
        }
        void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            close(fd);
            posix_madvise(p, (size_t)sb.st_size, POSIX_MADV_SEQUENTIAL);
            fb->data = p;
            fb->len = (size_t)sb.st_size;
            fb->mapped = 1;
            return CX_OK;
        }
    }
    /* read it all */
    size_t cap = 1 << 16, len = 0;
    char *buf = cx__malloc(cap);
    if (!buf) {
        close(fd);
        return cx__enomem();
    }
    for (;;) {
        if (len == cap) {
            char *b = cap > SIZE_MAX / 2 ? NULL : cx__realloc(buf, cap * 2);
            if (!b) {
                cx__free(buf);
                close(fd);
                return cx__enomem();
            }
            buf = b;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            cx__free(buf);
            close(fd);
            return cx__error_at(CX_EIO, path, 0, 0, "cannot read: %s", strerror(e));
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    fb->data = buf;
    fb->len = len;
    fb->owned = buf;
    return CX_OK;
}

void cx__file_unmap(cx__file_bytes *fb)
{
    if (fb->mapped)
        munmap((void *)fb->data, fb->len);
    cx__free(fb->owned);
    memset(fb, 0, sizeof *fb);
}
