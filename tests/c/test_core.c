/* Core conventions: version, status codes, thread-local errors, the allocator and its fault hook.
 */
#include <check.h>
#include <string.h>
#include <pthread.h>

#include <cxkit/cxkit.h>
#include "internal.h"
#include "suites.h"

START_TEST(version_matches_headers)
{
    ck_assert_int_eq(cx_version_number(), CX_VERSION_NUMBER);
    ck_assert_str_eq(cx_version_string(), CX_VERSION_STRING);
    ck_assert(CX_VERSION_CHECK(0, 0, 1));
}
END_TEST

START_TEST(strerror_names_every_code)
{
    for (int c = 0; c >= CX_EFORMAT; c--) {
        ck_assert_ptr_nonnull(cx_strerror(c));
        ck_assert_str_ne(cx_status_name(c), "UNKNOWN");
    }
    ck_assert_str_eq(cx_strerror(12345), "unknown error");
    ck_assert_str_eq(cx_status_name(-999), "UNKNOWN");
    ck_assert_str_eq(cx_status_name(CX_ENOMEM), "ENOMEM");
}
END_TEST

START_TEST(error_detail_is_recorded)
{
    cx_error_clear();
    ck_assert_int_eq(cx_error_last()->code, CX_OK);
    ck_assert_int_eq(cx__error_at(CX_EPARSE, "a.csv", 3, 7, "bad %s", "quote"), CX_EPARSE);
    const cx_error *e = cx_error_last();
    ck_assert_int_eq(e->code, CX_EPARSE);
    ck_assert_str_eq(e->message, "bad quote");
    ck_assert_str_eq(e->file, "a.csv");
    ck_assert_int_eq(e->line, 3);
    ck_assert_int_eq(e->column, 7);
    cx__error_param(CX_EINVAL, "alpha", "must be > 0");
    ck_assert_str_eq(cx_error_last()->param, "alpha");
    ck_assert_str_eq(cx_error_last()->file, "");
}
END_TEST

static void *other_thread(void *arg)
{
    (void)arg;
    cx__error(CX_ERANGE, "from the other thread");
    return NULL;
}

START_TEST(errors_are_thread_local)
{
    cx__error(CX_EINVAL, "mine");
    pthread_t t;
    pthread_create(&t, NULL, other_thread, NULL);
    pthread_join(t, NULL);
    ck_assert_str_eq(cx_error_last()->message, "mine");
}
END_TEST

START_TEST(fault_hook_fails_nth_allocation)
{
    cx__alloc_fail_after(2, 0); /* transient: only the third fails */
    void *a = cx__malloc(8), *b = cx__malloc(8), *c = cx__malloc(8), *d = cx__malloc(8);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_null(c);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(cx__alloc_failures(), 1);
    cx__free(a);
    cx__free(b);
    cx__free(d);
    cx__alloc_fail_after(1, 1); /* persistent: second and later fail */
    a = cx__malloc(8);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_null(cx__malloc(8));
    ck_assert_ptr_null(cx__calloc(2, 8));
    ck_assert_ptr_null(cx__realloc(a, 64)); /* a is still ours */
    ck_assert_int_eq(cx__alloc_failures(), 3);
    cx__alloc_fail_after(-1, 0);
    cx__free(a);
    ck_assert_ptr_null(cx__malloc_array(SIZE_MAX / 2, 4)); /* overflow is a failure, not a wrap */
}
END_TEST

Suite *cx_suite_core(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, version_matches_headers);
    tcase_add_test(tc, strerror_names_every_code);
    tcase_add_test(tc, error_detail_is_recorded);
    tcase_add_test(tc, errors_are_thread_local);
    tcase_add_test(tc, fault_hook_fails_nth_allocation);
    suite_add_tcase(s, tc);
    return s;
}
