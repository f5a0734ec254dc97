/*
 * tests/unit/test_notify.c - keeping the notification tables small: read
 * notices go after 90 days, unread ones after a year, sent mail after 30 days,
 * waiting mail never.
 */
#include "unit.h"
#include "notify/notify.h"

#define DAY 86400

static int64_t count(struct ts_ctx *cx, int64_t user, bool unread_only);

static int count_one(struct ts_ctx *cx, const struct ts_note *n, void *arg)
{
    (void)cx;
    (void)n;
    (*(int64_t *)arg)++;
    return 0;
}

static int64_t count(struct ts_ctx *cx, int64_t user, bool unread_only)
{
    int64_t n = 0;
    assert_int_equal(ts_store_notes_each(cx, user, 0, 1000, unread_only, count_one, &n), 0);
    return n;
}

static void old_notices_and_mail_are_forgotten(void **state)
{
    struct ts_ctx *cx = unit_ctx(*state);
    int64_t now = 2000000000;
    cx->now = now;
    assert_int_equal(ts_db_begin(cx, true), 0);
    /* ages in days, and whether read */
    const struct {
        int age;
        bool read;
    } notes[] = {{1, true}, {100, true}, {100, false}, {400, false}, {30, true}};
    for (size_t i = 0; i < TS_ARRAY_LEN(notes); i++) {
        struct ts_note n = {.at = now - notes[i].age * DAY, .user_id = 7, .kind = "ADDED"};
        assert_int_equal(ts_store_note_add(cx, &n), 0);
        if (notes[i].read)
            assert_int_equal(ts_store_notes_read(cx, 7, &n.id, 1), 0);
    }
    assert_int_equal(ts_store_mail_add(cx, "a@example.jp", "s", "b"), 0);
    assert_int_equal(ts_db_commit(cx), 0);
    int64_t waiting[3];
    const char *last;
    assert_int_equal(ts_store_mail_stats(cx, waiting, &last), 0);
    assert_int_equal(waiting[0], 1);

    assert_int_equal(ts_notify_expire(cx), 0);
    assert_int_equal(count(cx, 7, false), 3); /* 1 and 30 days read, 100 days unread */
    assert_int_equal(count(cx, 7, true), 1);
    /* mail still waiting is kept, whatever its age */
    assert_int_equal(ts_store_mail_stats(cx, waiting, &last), 0);
    assert_int_equal(waiting[0], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(old_notices_and_mail_are_forgotten),
    };
    return cmocka_run_group_tests_name("notify", tests, unit_setup, unit_teardown);
}
