/* Writing CSV files by path is all-or-nothing: a failure at any point (an allocation, the file
 * size limit halfway through, a directory that cannot take the temporary file) leaves an
 * existing file byte for byte as it was and no temporary file behind; success replaces it. */
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "suites.h"

static const char OLD[] = "old,content\n1,2\n";

static cx_log *make_log(int rows)
{
    cx_log *log;
    ck_assert_int_eq(cx_log_new(&log), CX_OK);
    char customer[32], feedback[64];
    for (int i = 0; i < rows; i++) {
        cx_interaction r;
        cx_interaction_init(&r, CX_INTERACTION_VERSION);
        snprintf(customer, sizeof customer, "customer-%d", i % 97);
        snprintf(feedback, sizeof feedback, "said \"%d\", then left", i);
        r.customer = customer;
        r.time = 1700000000 + (int64_t)i * 60;
        r.csat = i % 5 + 1;
        r.feedback = feedback;
        ck_assert_int_eq(cx_log_append(log, &r), CX_OK);
    }
    return log;
}

/* A fresh directory holding `name` with the content OLD. */
static void make_dir(char *dir, char *path, size_t size, const char *name)
{
    strcpy(dir, "/tmp/cx_atomic_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, size, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(OLD, f);
    fclose(f);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *s = malloc(cap);
    size_t got;
    while ((got = fread(s + n, 1, cap - n, f)) > 0)
        if ((n += got) == cap)
            s = realloc(s, cap *= 2);
    fclose(f);
    *len = n;
    return s;
}

static int file_is(const char *path, const char *text, size_t len)
{
    size_t n;
    char *s = slurp(path, &n);
    int same = s && n == len && memcmp(s, text, len) == 0;
    free(s);
    return same;
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    char p[512];
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            remove(p);
        }
    closedir(d);
    rmdir(dir);
}

static cx_status write_log(const void *obj, const char *path)
{
    return cx_log_write_csv(obj, path, NULL);
}

static cx_status write_txlog(const void *obj, const char *path)
{
    return cx_txlog_write_csv(obj, path, NULL);
}

/* Fail the N-th allocation for N = 0, 1, ... until the write succeeds: each failure leaves the
 * old file and nothing else; the success writes exactly what the buffer writer gives. */
static void sweep(cx_status (*write)(const void *, const char *), const void *obj,
                  const char *expect, size_t expect_len)
{
    char dir[64], path[128];
    make_dir(dir, path, sizeof path, "out.csv");
    for (int persistent = 0; persistent < 2; persistent++) {
        long n;
        for (n = 0;; n++) {
            long live = cx__alloc_live();
            cx__alloc_fail_after(n, persistent);
            cx_status st = write(obj, path);
            long failures = cx__alloc_failures();
            cx__alloc_fail_after(-1, 0);
            ck_assert_int_eq(cx__alloc_live(), live);
            ck_assert_int_eq(entries(dir), 1);
            if (failures == 0) {
                ck_assert_int_eq(st, CX_OK);
                ck_assert(file_is(path, expect, expect_len));
                break;
            }
            ck_assert_int_eq(st, CX_ENOMEM);
            ck_assert_msg(file_is(path, OLD, sizeof OLD - 1), "N = %ld: old file changed", n);
        }
        ck_assert_int_gt(n, 0);
        FILE *f = fopen(path, "wb"); /* restore the old content for the next round */
        fputs(OLD, f);
        fclose(f);
    }
    remove_dir(dir);
}

START_TEST(log_write_every_allocation)
{
    cx_log *log = make_log(300);
    char *text;
    size_t len = 0;
    ck_assert_int_eq(cx_log_write_csv_buffer(&text, &len, log, NULL), CX_OK);
    sweep(write_log, log, text, len);
    cx_free(text);
    cx_log_free(log);
}
END_TEST

START_TEST(txlog_write_every_allocation)
{
    cx_txlog *tx;
    ck_assert_int_eq(cx_txlog_new(&tx), CX_OK);
    for (int i = 0; i < 300; i++)
        ck_assert_int_eq(cx_txlog_append(tx, i % 3 ? "a,b" : "c", 1700000000 + i, i + 0.25), CX_OK);
    char ref[] = "/tmp/cx_atomic_ref_XXXXXX";
    close(mkstemp(ref));
    ck_assert_int_eq(cx_txlog_write_csv(tx, ref, NULL), CX_OK);
    size_t len = 0;
    char *text = slurp(ref, &len);
    remove(ref);
    ck_assert_ptr_nonnull(strstr(text, "\"a,b\",2023-11-14T22:13:21Z,1.25\n"));
    sweep(write_txlog, tx, text, len);
    free(text);
    cx_txlog_free(tx);
}
END_TEST

/* Runs `child` in a forked process (own limits and credentials); returns its exit status. */
static int in_child(int (*child)(const char *dir, const char *path), const char *dir,
                    const char *path)
{
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(child(dir, path));
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* The file size limit stops the write after 64 KiB of a ~900 KiB file: genuinely halfway. */
static int write_past_size_limit(const char *dir, const char *path)
{
    (void)dir;
    cx_log *log = make_log(12000);
    signal(SIGXFSZ, SIG_IGN); /* EFBIG from write() instead of the signal */
    struct rlimit rl = {64 << 10, 64 << 10};
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
        return 10;
    cx_status st = cx_log_write_csv(log, path, NULL);
    int rc = st != CX_EIO                                        ? 11
             : strcmp(cx_error_last()->file, path) != 0          ? 12
             : strstr(cx_error_last()->message, "write") == NULL ? 13
                                                                 : 0;
    cx_log_free(log);
    return rc;
}

START_TEST(failure_halfway_leaves_old_file)
{
    char dir[64], path[128];
    make_dir(dir, path, sizeof path, "big.csv");
    ck_assert_int_eq(in_child(write_past_size_limit, dir, path), 0);
    ck_assert(file_is(path, OLD, sizeof OLD - 1));
    ck_assert_int_eq(entries(dir), 1);
    /* without the limit the same write goes through */
    cx_log *log = make_log(12000);
    ck_assert_int_eq(cx_log_write_csv(log, path, NULL), CX_OK);
    cx_log *back;
    ck_assert_int_eq(cx_log_new(&back), CX_OK);
    ck_assert_int_eq(cx_log_read_csv(back, path, NULL), CX_OK);
    ck_assert_uint_eq(cx_log_rows(back), 12000);
    ck_assert_int_eq(entries(dir), 1);
    cx_log_free(back);
    cx_log_free(log);
    remove_dir(dir);
}
END_TEST

/* The directory is read-only (as an unprivileged user when the tests run as root, since root
 * may write anyway) while the file itself is writable: the temporary file cannot be made, so
 * the write fails naming the path and the file keeps its content. */
static int write_in_readonly_dir(const char *dir, const char *path)
{
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
        return 20;
    if (access(dir, W_OK) == 0)
        return 21;
    cx_log *log = make_log(10);
    cx_status st = cx_log_write_csv(log, path, NULL);
    int rc = st != CX_EIO                                            ? 22
             : strcmp(cx_error_last()->file, path) != 0              ? 23
             : strstr(cx_error_last()->message, "temporary") == NULL ? 24
                                                                     : 0;
    cx_log_free(log);
    return rc;
}

START_TEST(unwritable_directory_fails_cleanly)
{
    char dir[64], path[128];
    make_dir(dir, path, sizeof path, "ro.csv");
    ck_assert_int_eq(chmod(path, 0666), 0);
    ck_assert_int_eq(chmod(dir, 0555), 0);
    ck_assert_int_eq(in_child(write_in_readonly_dir, dir, path), 0);
    ck_assert_int_eq(chmod(dir, 0755), 0);
    ck_assert(file_is(path, OLD, sizeof OLD - 1));
    ck_assert_int_eq(entries(dir), 1);
    /* a directory that does not exist: CX_EIO naming the path */
    char missing[160];
    snprintf(missing, sizeof missing, "%s/no/such/dir.csv", dir);
    cx_log *log = make_log(3);
    ck_assert_int_eq(cx_log_write_csv(log, missing, NULL), CX_EIO);
    ck_assert_str_eq(cx_error_last()->file, missing);
    cx_log_free(log);
    remove_dir(dir);
}
END_TEST

/* What a plain fopen gave and users rely on: special files are written directly, links are
 * followed (the link stays a link), an existing file keeps its permission bits. */
START_TEST(special_files_links_and_modes)
{
    cx_log *log = make_log(5);
    char *text;
    size_t len = 0;
    ck_assert_int_eq(cx_log_write_csv_buffer(&text, &len, log, NULL), CX_OK);
    ck_assert_int_eq(cx_log_write_csv(log, "/dev/null", NULL), CX_OK);

    char dir[64], path[128], link[160];
    make_dir(dir, path, sizeof path, "target.csv");
    ck_assert_int_eq(chmod(path, 0640), 0);
    snprintf(link, sizeof link, "%s/link.csv", dir);
    ck_assert_int_eq(symlink("target.csv", link), 0);
    ck_assert_int_eq(cx_log_write_csv(log, link, NULL), CX_OK);
    struct stat sb;
    ck_assert_int_eq(lstat(link, &sb), 0);
    ck_assert(S_ISLNK(sb.st_mode));
    ck_assert(file_is(path, text, len));
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0640);
    ck_assert_int_eq(entries(dir), 2);
    /* through the link, every allocation failing in turn: link and target stay as they were */
    ck_assert_int_eq(cx_log_write_csv(log, path, NULL), CX_OK);
    cx_log *more = make_log(50);
    for (long n = 0;; n++) {
        cx__alloc_fail_after(n, 0);
        cx_status st = cx_log_write_csv(more, link, NULL);
        long failures = cx__alloc_failures();
        cx__alloc_fail_after(-1, 0);
        ck_assert_int_eq(entries(dir), 2);
        ck_assert_int_eq(lstat(link, &sb), 0);
        ck_assert(S_ISLNK(sb.st_mode));
        if (failures == 0) {
            ck_assert_int_eq(st, CX_OK);
            ck_assert(!file_is(path, text, len));
            break;
        }
        ck_assert_int_eq(st, CX_ENOMEM);
        ck_assert(file_is(path, text, len));
    }
    cx_log_free(more);
    /* a directory is not a file to replace */
    ck_assert_int_eq(cx_log_write_csv(log, dir, NULL), CX_EIO);
    ck_assert_str_eq(cx_error_last()->file, dir);
    ck_assert_int_eq(entries(dir), 2);
    cx_free(text);
    cx_log_free(log);
    remove_dir(dir);
}
END_TEST

Suite *cx_suite_atomic_write(void)
{
    Suite *s = suite_create("atomic_write");
    TCase *tc = tcase_create("atomic_write");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, log_write_every_allocation);
    tcase_add_test(tc, txlog_write_every_allocation);
    tcase_add_test(tc, failure_halfway_leaves_old_file);
    tcase_add_test(tc, unwritable_directory_fails_cleanly);
    tcase_add_test(tc, special_files_links_and_modes);
    suite_add_tcase(s, tc);
    return s;
}
