/*
 * tests/unit/test_formula.c - the formula language (KINTONE-API.md §9):
 * precedence, every function, rounding modes, number precision, dates as
 * seconds, and the problems deploy refuses.
 */
#include "unit.h"
#include "formula/dec.h"
#include "formula/formula.h"

struct want {
    const char *expr;
    const char *result; /* NULL: does not compile */
};

static void check_all(struct unit_env *e, const struct want *w, size_t n, bool text)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        struct ts_ctx *cx = unit_ctx(e);
        const char *why = NULL;
        const char *got = ts_formula_eval_text(cx, e->app, w[i].expr, text, &why);
        bool ok = w[i].result ? got && !strcmp(got, w[i].result) : got == NULL;
        if (!ok) {
            fprintf(stderr, "%s formula %s\n  want: %s\n  got:  %s (%s)\n", text ? "text" : "calc",
                    w[i].expr, w[i].result ? w[i].result : "(refused)", got ? got : "(refused)",
                    why ? why : "");
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

static void precedence_and_operators(void **state)
{
    static const struct want w[] = {
        {"1+2*3", "7"},
        {"(1+2)*3", "9"},
        {"2^3^2", "64"}, /* left to right, as Excel */
        {"-2^2", "4"},   /* unary minus binds tightest (§9) */
        {"2*-3", "-6"},
        {"10-4-3", "3"},
        {"2^-1", "0.5"},
        {"2^2.9", "4"},   /* the exponent is floored */
        {"2^101", ""},    /* beyond ±100 */
        {"72^72^72", ""}, /* more than a thousand digits */
        {"(10^100)^10", ""},
        {"0^-1", ""},
        {"0.1+0.2", "0.3"}, /* exact decimals, not binary floating point */
        {"1.10*3", "3.3"},
        {"1=1", "1"},
        {"1!=1", "0"},
        {"1<>2", "1"},
        {"2<=2", "1"},
        {"3>2", "1"},
        {"1+1=2", "1"},   /* comparisons bind loosest */
        {"\"a\"=1", "0"}, /* different kinds are never equal */
        {"\"a\"!=1", "1"},
        {"1/0", ""},
        {"123456789*1000000000", ""}, /* 18 digits: over the default precision of 16 */
        {"12345678*100000000", "1234567800000000"},
    };
    check_all(*state, w, TS_ARRAY_LEN(w), false);
}

static void division_and_rounding(void **state)
{
    static const struct want w[] = {
        {"1/3", "0.3333"}, /* 4 decimal places by default */
        {"2/3", "0.6667"},
        {"1/8", "0.125"},
        {"0.00005/1", "0"}, /* half to even at the 4th place */
        {"0.00015/1", "0.0002"},
        {"0.00025/1", "0.0002"},
        {"-2/3", "-0.6667"},
        {"ROUND(2.5)", "3"}, /* half away from zero */
        {"ROUND(-2.5)", "-3"},
        {"ROUND(1.2345, 3)", "1.235"},
        {"ROUND(1234, -2)", "1200"},
        {"ROUNDUP(1.01, 1)", "1.1"},
        {"ROUNDUP(-1.01, 1)", "-1.1"},
        {"ROUNDDOWN(1.99)", "1"},
        {"ROUNDDOWN(-1.99, 1)", "-1.9"},
        {"round(1.5)", "2"}, /* function names in any case */
    };
    check_all(*state, w, TS_ARRAY_LEN(w), false);
}

static void functions(void **state)
{
    static const struct want calc[] = {
        {"SUM(1, 2, 3.5)", "6.5"},
        {"SUM(num, 1)", "1"}, /* an empty number counts as 0 */
        {"IF(1>2, 10, 20)", "20"},
        {"IF(AND(1<2, 2<3), 1, 0)", "1"},
        {"IF(OR(1>2, 2>3), 1, 0)", "0"},
        {"NOT(1>2)", "1"},
        {"AND(1<2, 3<2)", "0"},
        {"IF(CONTAINS(check, \"x\"), 1, 0)", "0"},
        {"num * 2", "0"},
        {"date + 86400", ""}, /* an empty date makes the result empty */
        {"IF(date = \"\", 1, 0)", "1"},
        {"IF(\"abc\" = \"abc\", 1, 2)", "1"},
        {"\"text\"", ""}, /* a text result in a calculation field */
    };
    check_all(*state, calc, TS_ARRAY_LEN(calc), false);
    static const struct want text[] = {
        {"\"a\" & \"b\" & 1", "ab1"},
        {"num & \"件\"", "件"}, /* an empty number joins as "" */
        {"1 + 2 & \"x\"", "3x"},
        {"YEN(1234.5, 0)", "¥1,235"},
        {"YEN(-1234567.891, 2)", "-¥1,234,567.89"},
        {"YEN(999)", "¥999"},
        {"YEN(1.5, 2)", "¥1.50"},
        {"DATE_FORMAT(0, \"YYYY-MM-dd HH:mm:ss Z\", \"Etc/GMT\")", "1970-01-01 00:00:00 +0000"},
        {"DATE_FORMAT(324219600, \"YYYY/M/d H:mm ZZ\", \"Asia/Tokyo\")", "1980/4/10 22:00 +09:00"},
        {"DATE_FORMAT(1718236800, \"MMMM d, YYYY h:mm a\", \"America/New_York\")",
         "June 12, 2024 8:00 PM"},
        {"DATE_FORMAT(1718236800, \"MMM dd KK kk\", \"UTC\")", "Jun 13 00 24"},
        {"DATE_FORMAT(253402300800, \"YYYY\", \"UTC\")", ""}, /* out of range */
        {"IF(1<2, \"yes\", \"no\")", "yes"},
        {"1<2", "1"},
    };
    check_all(*state, text, TS_ARRAY_LEN(text), true);
}

static void refused(void **state)
{
    static const struct want w[] = {
        {"nope + 1", NULL},       /* no such field */
        {"FOO(1)", NULL},         /* no such function */
        {"ROUND(1, 2, 3)", NULL}, /* arguments */
        {"IF(1, 2)", NULL},
        {"1 ＋ 2", NULL}, /* a full-width symbol */
        {"（1+2）", NULL},
        {"1 +", NULL}, /* syntax */
        {"(1+2", NULL},
        {"1 2", NULL},
        {"\"open", NULL},
        {"note", NULL}, /* MULTI_LINE_TEXT cannot be used */
        {"user", NULL},
        {"check + 1", NULL}, /* a check box only through CONTAINS */
        {"name * 2", NULL},  /* text in arithmetic */
        {"YEN(1)", NULL},    /* text functions in a calculation field */
        {"DATE_FORMAT(1, \"Y\", \"UTC\")", NULL},
        {"CONTAINS(name, \"a\")", NULL},
        {"", NULL},
    };
    check_all(*state, w, TS_ARRAY_LEN(w), false);
}

static void decimals(void **state)
{
    (void)state;
    struct ts_arena *a = ts_arena_new();
    struct ts_dec x, y, z;
    ts_dec_init(&x);
    ts_dec_init(&y);
    ts_dec_init(&z);
    assert_int_equal(ts_dec_parse(&x, "1.5e3"), 0);
    assert_string_equal(ts_dec_text(a, &x), "1500");
    assert_int_equal(ts_dec_parse(&y, "-0.0025"), 0);
    assert_string_equal(ts_dec_text(a, &y), "-0.0025");
    ts_dec_mul(&z, &x, &y);
    assert_string_equal(ts_dec_text(a, &z), "-3.75");
    assert_int_equal(ts_dec_div(&z, &x, &y, 2, TS_ROUND_HALF_EVEN), 0);
    assert_string_equal(ts_dec_text(a, &z), "-600000");
    ts_dec_set_i64(&y, 0);
    assert_int_equal(ts_dec_div(&z, &x, &y, 2, TS_ROUND_HALF_EVEN), -1);
    assert_int_equal(ts_dec_parse(&x, "12.345"), 0);
    ts_dec_round(&z, &x, 2, TS_ROUND_UP);
    assert_string_equal(ts_dec_text(a, &z), "12.35");
    ts_dec_round(&z, &x, 2, TS_ROUND_DOWN);
    assert_string_equal(ts_dec_text(a, &z), "12.34");
    ts_dec_round(&z, &x, 2, TS_ROUND_HALF_EVEN);
    assert_string_equal(ts_dec_text(a, &z), "12.34");
    assert_int_equal(ts_dec_digits(&x), 5);
    assert_int_equal(ts_dec_parse(&x, "0.0025"), 0);
    assert_int_equal(ts_dec_digits(&x), 4);
    assert_int_equal(ts_dec_parse(&x, "1200"), 0);
    assert_int_equal(ts_dec_digits(&x), 4);
    assert_int_equal(ts_dec_parse(&x, "1x"), -1);
    assert_int_equal(ts_dec_parse(&x, ""), -1);
    ts_dec_clear(&x);
    ts_dec_clear(&y);
    ts_dec_clear(&z);
    ts_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(precedence_and_operators),
        cmocka_unit_test(division_and_rounding),
        cmocka_unit_test(functions),
        cmocka_unit_test(refused),
        cmocka_unit_test(decimals),
    };
    return cmocka_run_group_tests(tests, unit_setup, unit_teardown);
}
