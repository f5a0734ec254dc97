/*
 * tests/unit/test_store.c - the SQLite driver's statement cache: a query run
 * inside another's rows, even the same one, does not take the outer statement.
 */
#include "base/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "store/sql.h"

static void nested_statement(void **state)
{
    (void)state;
    char err[256];
    struct ts_db *db = ts_db_open(":memory:", err, sizeof(err));
    assert_non_null(db);
    struct ts_ctx cx;
    ts_ctx_init(&cx, db);
    assert_true(ts_store_counter_next(&cx, "a") == 1);
    assert_true(ts_store_counter_next(&cx, "b") == 1);
    const char *sql = "SELECT name FROM counters ORDER BY name";
    struct ts_stmt *outer = db_prep(&cx, sql);
    assert_non_null(outer);
    assert_int_equal(db_step(outer), DB_ROW);
    assert_string_equal(db_col_raw(outer, 0), "a");
    /* the same query again while the outer one is on its first row */
    struct ts_stmt *inner = db_prep(&cx, sql);
    assert_non_null(inner);
    assert_ptr_not_equal(inner, outer);
    int n = 0;
    while (db_step(inner) == DB_ROW)
        n++;
    db_done(inner);
    assert_int_equal(n, 2);
    assert_int_equal(db_step(outer), DB_ROW);
    assert_string_equal(db_col_raw(outer, 0), "b");
    assert_int_equal(db_step(outer), DB_DONE);
    db_done(outer);
    ts_ctx_release(&cx);
    ts_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nested_statement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
