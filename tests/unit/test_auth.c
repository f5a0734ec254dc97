/*
 * tests/unit/test_auth.c - the failed-login counts: a lock holds whatever
 * other names and addresses fail meanwhile, and ends with its time.
 */
#include "base/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "auth/auth.h"

static void lock_survives_other_names(void **state)
{
    (void)state;
    ts_auth_init();
    int64_t now = 1700000000;
    for (int i = 0; i < 10; i++)
        ts_auth_failed(now, "name", "victim");
    assert_true(ts_auth_locked(now, "name", "victim"));
    assert_false(ts_auth_locked(now, "addr", "victim"));
    /* a slot table of 4,096 loses the victim's entry to one of these with
     * near certainty; exact counts keep it */
    char name[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(name, sizeof(name), "other%d", i);
        ts_auth_failed(now + 1, "name", name);
        ts_auth_failed(now + 1, "addr", name);
    }
    assert_true(ts_auth_locked(now + 2, "name", "victim"));
    assert_false(ts_auth_locked(now + 2, "name", "other1")); /* one failure locks nobody */
    /* the lock ends after five minutes, and a new window counts from zero */
    assert_false(ts_auth_locked(now + 5 * 60 + 1, "name", "victim"));
    ts_auth_failed(now + 11 * 60, "name", "victim");
    assert_false(ts_auth_locked(now + 11 * 60, "name", "victim"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lock_survives_other_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
