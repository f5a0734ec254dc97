/*
 * tests/unit/test_query.c - the query parser and checker against golden cases
 * (cases/query.cases): each case is a query line "? ..." followed by the
 * expected plan "= ..." or the expected error code "! CODE".
 */
#include "unit.h"
#include "base/buf.h"
#include "query/query.h"

static char *read_file(const char *path)
{
    struct ts_buf b;
    ts_buf_init(&b);
    if (ts_buf_read_file(&b, path, (size_t)16 << 20) < 0) {
        ts_buf_release(&b);
        return NULL;
    }
    return ts_buf_detach(&b, NULL);
}

static const struct ts_query_env ENV = {
    .user_code = "sato",
    .primary_org = NULL,
    .tz = "Asia/Tokyo",
    .now = 1718236800, /* 2024-06-13T00:00:00Z = 09:00 on Thursday 13 June in Tokyo */
};

static void golden_cases(void **state)
{
    struct unit_env *e = *state;
    char *text = read_file("tests/unit/cases/query.cases");
    assert_non_null(text);
    int n_cases = 0, failed = 0;
    char *save = NULL, *query = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '?') {
            query = line[1] == ' ' ? line + 2 : line + 1;
            continue;
        }
        if (line[0] != '=' && line[0] != '!')
            continue;
        assert_non_null(query);
        struct ts_ctx *cx = unit_ctx(e);
        struct ts_qplan plan;
        int rc = ts_query_plan(cx, e->app, query, TS_QUERY_FULL, &ENV, &plan);
        struct ts_buf got;
        ts_buf_init(&got);
        if (rc == 0)
            ts_qplan_dump(&plan, &got);
        else
            ts_buf_puts(&got, ts_err_kintone_code(cx->err.code));
        const char *want = line + 2;
        bool ok = (line[0] == '=') == (rc == 0) && strcmp(got.p, want) == 0;
        if (!ok) {
            fprintf(stderr, "query: %s\n  want: %c %s\n  got:  %s\n", query, line[0], want, got.p);
            failed++;
        }
        n_cases++;
        ts_buf_release(&got);
    }
    free(text);
    fprintf(stderr, "%d golden query cases\n", n_cases);
    assert_true(n_cases > 50);
    assert_int_equal(failed, 0);
}

static void limits_are_part_of_the_grammar(void **state)
{
    struct unit_env *e = *state;
    struct ts_qplan plan;
    struct ts_buf q;
    ts_buf_init(&q);
    for (int i = 0; i < 40; i++)
        ts_buf_putc(&q, '(');
    ts_buf_puts(&q, "num = 1");
    for (int i = 0; i < 40; i++)
        ts_buf_putc(&q, ')');
    struct ts_ctx *cx = unit_ctx(e);
    assert_int_equal(ts_query_plan(cx, e->app, q.p, TS_QUERY_FULL, &ENV, &plan), -1);
    assert_int_equal(cx->err.code, TS_E_INVALID_INPUT);
    ts_buf_reset(&q);
    for (int i = 0; i < 1100; i++)
        ts_buf_printf(&q, "%snum = %d", i ? " or " : "", i);
    cx = unit_ctx(e);
    assert_int_equal(ts_query_plan(cx, e->app, q.p, TS_QUERY_FULL, &ENV, &plan), -1);
    ts_buf_reset(&q);
    for (int i = 0; i < 70000; i++)
        ts_buf_putc(&q, ' ');
    cx = unit_ctx(e);
    assert_int_equal(ts_query_plan(cx, e->app, q.p, TS_QUERY_FULL, &ENV, &plan), -1);
    ts_buf_release(&q);
}

static void views_modes(void **state)
{
    struct unit_env *e = *state;
    struct ts_ctx *cx = unit_ctx(e);
    assert_int_equal(ts_query_check(cx, e->app, "num desc, name asc", TS_QUERY_SORT), 0);
    cx = unit_ctx(e);
    assert_int_equal(ts_query_check(cx, e->app, "num > 1 order by num", TS_QUERY_FILTER), -1);
    cx = unit_ctx(e);
    assert_int_equal(ts_query_check(cx, e->app, "num > 1 and drop in (\"A\")", TS_QUERY_FILTER), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_cases),
        cmocka_unit_test(limits_are_part_of_the_grammar),
        cmocka_unit_test(views_modes),
    };
    return cmocka_run_group_tests_name("query", tests, unit_setup, unit_teardown);
}
