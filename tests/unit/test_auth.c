/*
 * tests/unit/test_auth.c - the failed-login counts: a lock holds whatever
 * other names and addresses fail meanwhile, and ends with its time.
 */
#include "unit.h"

static void at(struct unit_env *e, int64_t now)
{
    e->cx.now = now;
}

static void lock_survives_other_names(void **state)
{
    struct unit_env *e = *state;
    struct ts_ctx *cx = unit_ctx(e);
    int64_t now = 1700000000;
    at(e, now);
    for (int i = 0; i < 10; i++)
        ts_auth_failed(cx, "victim", NULL);
    assert_true(ts_auth_locked(cx, "name", "victim"));
    assert_false(ts_auth_locked(cx, "addr", "victim"));
    /* a slot table of 4,096 loses the victim's entry to one of these with
     * near certainty; exact counts keep it */
    char name[32];
    at(e, now + 1);
    for (int i = 0; i < 20000; i++) {
        snprintf(name, sizeof(name), "other%d", i);
        ts_auth_failed(cx, name, name);
    }
    at(e, now + 2);
    assert_true(ts_auth_locked(cx, "name", "victim"));
    assert_false(ts_auth_locked(cx, "name", "other1")); /* one failure locks nobody */
    /* the lock ends after five minutes, and a new window counts from zero */
    at(e, now + 5 * 60 + 1);
    assert_false(ts_auth_locked(cx, "name", "victim"));
    at(e, now + 11 * 60);
    ts_auth_failed(cx, "victim", NULL);
    assert_false(ts_auth_locked(cx, "name", "victim"));
    /* finished windows are forgotten; a fresh one is kept */
    at(e, now + 30 * 60);
    assert_int_equal(ts_auth_forget_failures(cx), 0);
    assert_false(ts_auth_locked(cx, "name", "victim"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(lock_survives_other_names, unit_setup, unit_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
