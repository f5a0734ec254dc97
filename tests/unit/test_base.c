/*
 * tests/unit/test_base.c - number normalisation, decimals, dates, UTF-8, JSON
 * output and request-parameter parsing.
 */
#include "base/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "base/busy.h"

#include "base/buf.h"
#include "base/jw.h"
#include "base/str.h"
#include "base/tstime.h"
#include "http/http.h"

static void number_normalize(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"1.5e1", "15"},
        {" 42 ", "42"},
        {"-0.50", "-0.5"},
        {"0", "0"},
        {"-0", "0"},
        {"007", "7"},
        {".5", "0.5"},
        {"1e-3", "0.001"},
        {"+3.000", "3"},
        {"12.340E+2", "1234"},
        {"123456789012345678901234567890", "123456789012345678901234567890"},
        {"0.000", "0"},
        {"1E2", "100"},
    };
    char out[128];
    for (size_t i = 0; i < TS_ARRAY_LEN(cases); i++) {
        assert_int_equal(ts_number_normalize(cases[i][0], out, sizeof(out)), 0);
        assert_string_equal(out, cases[i][1]);
    }
    static const char *const bad[] = {"",   "abc", "1,000", "1.2.3", "e5",
                                      "1e", "--1", "1 2",   "0x10",  "1e999"};
    for (size_t i = 0; i < TS_ARRAY_LEN(bad); i++)
        assert_int_equal(ts_number_normalize(bad[i], out, sizeof(out)), -1);
}

static void decimal_compare(void **state)
{
    (void)state;
    assert_int_equal(ts_decimal_cmp("10", "9"), 1);
    assert_int_equal(ts_decimal_cmp("-10", "-9"), -1);
    assert_int_equal(ts_decimal_cmp("1.5", "1.50"), 0);
    assert_int_equal(ts_decimal_cmp("0.1", "0.09"), 1);
    assert_int_equal(ts_decimal_cmp("-0.1", "0"), -1);
    assert_int_equal(ts_decimal_cmp("123456789012345678901", "123456789012345678900"), 1);
}

static void dates(void **state)
{
    (void)state;
    char d[11], t[6], dt[21];
    assert_int_equal(ts_date_parse("2015", d), 0);
    assert_string_equal(d, "2015-01-01");
    assert_int_equal(ts_date_parse("2015-7", d), 0);
    assert_string_equal(d, "2015-07-01");
    assert_int_equal(ts_date_parse("2015/7/5", d), 0);
    assert_string_equal(d, "2015-07-05");
    assert_int_equal(ts_date_parse("2024-02-29", d), 0);
    assert_int_equal(ts_date_parse("2023-02-29", d), -1);
    assert_int_equal(ts_date_parse("2015-07-05x", d), -1);
    assert_int_equal(ts_date_parse("2015-7/5", d), -1);
    assert_int_equal(ts_time_parse("9:05", t), 0);
    assert_string_equal(t, "09:05");
    assert_int_equal(ts_time_parse("23:59:59", t), 0);
    assert_int_equal(ts_time_parse("24:00", t), -1);
    int64_t e;
    assert_int_equal(ts_datetime_parse("2024-01-01T00:00:00Z", &e), 0);
    assert_int_equal(e, 1704067200);
    assert_int_equal(ts_datetime_parse("2024-01-01T09:00:00+09:00", &e), 0);
    assert_int_equal(e, 1704067200);
    assert_int_equal(ts_datetime_parse("2024-01-01T09:00:00+0900", &e), 0);
    assert_int_equal(e, 1704067200);
    assert_int_equal(ts_datetime_parse("2024-01-01T00:00:00.123Z", &e), 0);
    assert_int_equal(ts_datetime_parse("2024-01-01", &e), 0);
    assert_int_equal(e, 1704067200);
    assert_int_equal(ts_datetime_parse("2024-01-01T", &e), -1);
    ts_datetime_format(1704067200 + 3600 + 120, dt);
    assert_string_equal(dt, "2024-01-01T01:02:00Z");
    ts_datetime_format(-86400, dt);
    assert_string_equal(dt, "1969-12-31T00:00:00Z");
    int y, m, dd;
    for (int64_t day = -800000; day < 800000; day += 997) {
        ts_civil_from_days(day, &y, &m, &dd);
        assert_int_equal(ts_days_from_civil(y, m, dd), day);
    }
}

static void time_zones(void **state)
{
    (void)state;
    struct tm tm;
    ts_tz_local("Asia/Tokyo", 1704067200, &tm);
    assert_int_equal(tm.tm_hour, 9);
    struct tm local = {.tm_year = 124, .tm_mon = 0, .tm_mday = 1};
    assert_int_equal(ts_tz_epoch("Asia/Tokyo", &local), 1704067200 - 9 * 3600);
    assert_true(ts_tz_valid("Asia/Tokyo"));
    assert_false(ts_tz_valid("../../etc/passwd"));
    assert_false(ts_tz_valid("Nowhere/Never"));
}

static void utf8(void **state)
{
    (void)state;
    assert_int_equal(ts_utf8_len("神戸市"), 3);
    assert_true(ts_utf8_valid("神戸", 6));
    assert_false(ts_utf8_valid("\xe7\xa5", 2));
    assert_false(ts_utf8_valid("\xc0\x80", 2));
}

static void json_writer(void **state)
{
    (void)state;
    struct ts_buf b;
    struct ts_jw w;
    ts_buf_init(&b);
    ts_jw_init(&w, &b);
    ts_jw_obj(&w);
    ts_jw_kstr(&w, "s", "a\"b\\c\n\x01神");
    ts_jw_kid(&w, "id", 42);
    ts_jw_key(&w, "a");
    ts_jw_arr(&w);
    ts_jw_null(&w);
    ts_jw_bool(&w, true);
    ts_jw_obj(&w);
    ts_jw_obj_end(&w);
    ts_jw_arr_end(&w);
    ts_jw_obj_end(&w);
    assert_string_equal(b.p,
                        "{\"s\":\"a\\\"b\\\\c\\n\\u0001神\",\"id\":\"42\",\"a\":[null,true,{}]}");
    json_error_t err;
    json_t *back = json_loads(b.p, 0, &err);
    assert_non_null(back);
    json_decref(back);
    ts_buf_release(&b);
}

static char *dump(json_t *j)
{
    return json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
}

static void bracket_params(void **state)
{
    (void)state;
    json_t *p = json_object();
    size_t budget = TS_PARAMS_BUDGET;
    assert_int_equal(ts_params_add(p, "app", "1", &budget), 0);
    assert_int_equal(ts_params_add(p, "fields[0]", "$id", &budget), 0);
    assert_int_equal(ts_params_add(p, "fields[1]", "name", &budget), 0);
    assert_int_equal(ts_params_add(p, "revisions[1]", "5", &budget), 0); /* sparse */
    assert_int_equal(ts_params_add(p, "updateKey[field]", "code", &budget), 0);
    assert_int_equal(ts_params_add(p, "rec[0][id]", "7", &budget), 0);
    assert_int_equal(ts_params_add(p, "ids", "", &budget), 0); /* qs's null: absent */
    assert_int_equal(ts_params_add(p, "list[]", "a", &budget), 0);
    assert_int_equal(ts_params_add(p, "list[]", "b", &budget), 0);
    char *s = dump(p);
    assert_string_equal(s, "{\"app\":\"1\",\"fields\":[\"$id\",\"name\"],\"list\":[\"a\",\"b\"],"
                           "\"rec\":[{\"id\":\"7\"}],\"revisions\":[null,\"5\"],"
                           "\"updateKey\":{\"field\":\"code\"}}");
    free(s);
    assert_int_equal(ts_params_add(p, "fields[x]", "1", &budget), -1);    /* name into an array */
    assert_int_equal(ts_params_add(p, "updateKey[0]", "1", &budget), -1); /* index into an object */
    assert_int_equal(ts_params_add(p, "a[99999999]", "1", &budget), -1);  /* index too large */
    assert_int_equal(ts_params_add(p, "a[1", "1", &budget), -1);          /* unclosed */
    assert_int_equal(ts_params_add(p, "a[0]x", "1", &budget), -1);        /* trailing text */
    assert_int_equal(ts_params_add(p, "[0]", "1", &budget), -1);          /* no name */
    assert_int_equal(ts_params_add(p, "x", "\xff\xfe", &budget), -1);     /* not UTF-8 */
    assert_int_equal(ts_params_add(p, "\xc0[0]", "1", &budget), -1);
    assert_int_equal(ts_params_add(p, "a[0][0][0][0][0][0][0][0][0]", "1", &budget),
                     -1); /* too deep */
    size_t small = 3;
    assert_int_equal(ts_params_add(p, "s[2]", "1", &small), 0);
    assert_int_equal(ts_params_add(p, "t[0]", "1", &small), -1); /* over budget */
    json_decref(p);
}

/* Work running per caller: bounded per key, other keys unaffected, given back. */
static void busy_counters(void **state)
{
    (void)state;
    int a[3];
    for (int i = 0; i < 3; i++)
        assert_true((a[i] = ts_busy_take("bu1", 3)) >= 0);
    assert_int_equal(ts_busy_take("bu1", 3), -1);
    int b = ts_busy_take("bu2", 3);
    assert_true(b >= 0);
    assert_int_not_equal(b, a[0]);
    ts_busy_give(a[1]);
    int again = ts_busy_take("bu1", 3);
    assert_int_equal(again, a[0]);
    assert_int_equal(ts_busy_take("bu1", 3), -1);
    for (int i = 0; i < 3; i++)
        ts_busy_give(a[0]);
    ts_busy_give(b);
    /* every place taken by someone else: nobody new starts */
    int all[TS_BUSY_KEYS];
    char key[16];
    for (int i = 0; i < TS_BUSY_KEYS; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        assert_true((all[i] = ts_busy_take(key, 1)) >= 0);
    }
    assert_int_equal(ts_busy_take("late", 1), -1);
    for (int i = 0; i < TS_BUSY_KEYS; i++)
        ts_busy_give(all[i]);
    assert_true(ts_busy_take("late", 1) >= 0);
}

static void address_ranges(void **state)
{
    (void)state;
    assert_true(ts_addr_in("192.0.2.77", "192.0.2.0/24"));
    assert_false(ts_addr_in("192.0.3.1", "192.0.2.0/24"));
    assert_true(ts_addr_in("203.0.113.7", "203.0.113.7"));
    assert_false(ts_addr_in("203.0.113.8", "203.0.113.7"));
    assert_true(ts_addr_in("::ffff:192.0.2.5", "192.0.2.0/25")); /* IPv4-mapped: IPv4 */
    assert_true(ts_addr_in("2001:db8:1::5", "2001:db8::/32"));
    assert_false(ts_addr_in("2001:db9::5", "2001:db8::/32"));
    assert_false(ts_addr_in("192.0.2.1", "2001:db8::/32"));
    assert_true(ts_addr_in("10.1.2.3", "0.0.0.0/0"));
    assert_false(ts_addr_in("10.1.2.3/8", "10.0.0.0/8")); /* an address is asked */
    assert_false(ts_addr_range_ok("192.0.2.0/33"));
    assert_false(ts_addr_range_ok("192.0.2.0/"));
    assert_false(ts_addr_range_ok("city.example.jp"));
    assert_true(ts_addr_range_ok("2001:db8::/128"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(number_normalize),
        cmocka_unit_test(decimal_compare),
        cmocka_unit_test(dates),
        cmocka_unit_test(time_zones),
        cmocka_unit_test(utf8),
        cmocka_unit_test(json_writer),
        cmocka_unit_test(bracket_params),
        cmocka_unit_test(busy_counters),
        cmocka_unit_test(address_ranges),
    };
    return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
