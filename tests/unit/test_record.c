/*
 * tests/unit/test_record.c - field validation and value normalisation
 * (KINTONE-API.md §6), through record/ on an in-memory database.
 */
#include "unit.h"
#include "record/record.h"

/* Add a record from JSON text; returns the id or -1. */
static int64_t add(struct unit_env *e, const char *json)
{
    struct ts_ctx *cx = unit_ctx(e);
    json_t *rec = json_loads(json, 0, NULL);
    assert_non_null(rec);
    int64_t id = -1;
    assert_int_equal(ts_db_begin(cx, true), 0);
    if (ts_record_add(cx, e->app, rec, "record", &id) < 0) {
        ts_db_rollback(cx);
        id = -1;
    } else {
        assert_int_equal(ts_db_commit(cx), 0);
    }
    json_decref(rec);
    return id;
}

static const char *field_error(struct unit_env *e, const char *key)
{
    for (const struct ts_field_err *f = e->cx.err.fields; f; f = f->next)
        if (strcmp(f->key, key) == 0)
            return f->message;
    return NULL;
}

static const struct ts_value *value(struct unit_env *e, int64_t id, const char *code)
{
    struct ts_record *r = ts_record_load(&e->cx, e->app, id);
    assert_non_null(r);
    return &r->vals[ts_app_field_index(e->app, ts_app_field(e->app, code))];
}

static void required_and_length(void **state)
{
    struct unit_env *e = *state;
    assert_int_equal(add(e, "{}"), -1);
    assert_string_equal(field_error(e, "record.name.value"), "Required.");
    assert_int_equal(add(e, "{\"name\":{\"value\":\"123456\"}}"), -1);
    assert_string_equal(field_error(e, "record.name.value"), "Enter less than 6 characters.");
    assert_true(add(e, "{\"name\":{\"value\":\"日本語五字\"}}") > 0); /* characters, not bytes */
}

static void numbers_are_normalised_and_bounded(void **state)
{
    struct unit_env *e = *state;
    int64_t id = add(e, "{\"name\":{\"value\":\"n\"},\"num\":{\"value\":\" 1.50e2 \"}}");
    assert_true(id > 0);
    assert_string_equal(value(e, id, "num")->s, "150");
    id = add(e, "{\"name\":{\"value\":\"n\"},\"num\":{\"value\":-0.25}}");
    assert_string_equal(value(e, id, "num")->s, "-0.25");
    id = add(e, "{\"name\":{\"value\":\"n\"},\"num\":{\"value\":\"123.456789012345678\"}}");
    assert_string_equal(value(e, id, "num")->s, "123.456789012345678"); /* no digit lost */
    assert_int_equal(add(e, "{\"name\":{\"value\":\"n\"},\"num\":{\"value\":\"1001\"}}"), -1);
    assert_string_equal(field_error(e, "record.num.value"), "The value must be 1000 or less.");
    assert_int_equal(add(e, "{\"name\":{\"value\":\"n\"},\"num\":{\"value\":\"-10.5\"}}"), -1);
    assert_string_equal(field_error(e, "record.num.value"), "The value must be -10 or more.");
    assert_int_equal(add(e, "{\"name\":{\"value\":\"n\"},\"num\":{\"value\":\"1,000\"}}"), -1);
    assert_string_equal(field_error(e, "record[num].value"), "Only numbers are allowed.");
}

static void options_and_choices(void **state)
{
    struct unit_env *e = *state;
    assert_int_equal(add(e, "{\"name\":{\"value\":\"o\"},\"drop\":{\"value\":\"Z\"}}"), -1);
    assert_string_equal(field_error(e, "record.drop.value"),
                        "The value, \"Z\", is not in options.");
    assert_int_equal(add(e, "{\"name\":{\"value\":\"o\"},\"check\":{\"value\":[\"x\",\"q\"]}}"),
                     -1);
    assert_non_null(field_error(e, "record.check.values[1].value"));
    int64_t id = add(e, "{\"name\":{\"value\":\"o\"},\"check\":{\"value\":[\"y\",\"x\",\"y\"]}}");
    const struct ts_value *v = value(e, id, "check");
    assert_int_equal(v->n, 2); /* duplicates collapse */
    assert_int_equal(add(e, "{\"name\":{\"value\":\"o\"},\"check\":{\"value\":\"x\"}}"), -1);
}

static void dates_and_times(void **state)
{
    struct unit_env *e = *state;
    int64_t id =
        add(e, "{\"name\":{\"value\":\"d\"},\"date\":{\"value\":\"2024-2\"},"
               "\"time\":{\"value\":\"7:05\"},\"dt\":{\"value\":\"2024-02-29T23:59:59-01:00\"}}");
    assert_true(id > 0);
    assert_string_equal(value(e, id, "date")->s, "2024-02-01");
    assert_string_equal(value(e, id, "time")->s, "07:05");
    assert_int_equal(value(e, id, "dt")->epoch, 1709254740); /* 2024-03-01T00:59:00Z */
    assert_int_equal(add(e, "{\"name\":{\"value\":\"d\"},\"date\":{\"value\":\"2023-02-29\"}}"),
                     -1);
    assert_non_null(field_error(e, "record.date.value"));
    assert_int_equal(add(e, "{\"name\":{\"value\":\"d\"},\"time\":{\"value\":\"24:00\"}}"), -1);
    assert_int_equal(
        add(e, "{\"name\":{\"value\":\"d\"},\"dt\":{\"value\":\"2024-01-01T10:00+25:00\"}}"), -1);
}

static void unique_ignores_empty(void **state)
{
    struct unit_env *e = *state;
    assert_true(add(e, "{\"name\":{\"value\":\"u\"},\"key\":{\"value\":\"K1\"}}") > 0);
    assert_int_equal(add(e, "{\"name\":{\"value\":\"u\"},\"key\":{\"value\":\"K1\"}}"), -1);
    assert_string_equal(field_error(e, "record.key.value"),
                        "This value already exists in another record.");
    assert_true(add(e, "{\"name\":{\"value\":\"u\"},\"key\":{\"value\":\"\"}}") > 0);
    assert_true(add(e, "{\"name\":{\"value\":\"u\"},\"key\":{\"value\":\"\"}}") > 0);
}

static void users_must_exist(void **state)
{
    struct unit_env *e = *state;
    assert_int_equal(
        add(e, "{\"name\":{\"value\":\"x\"},\"user\":{\"value\":[{\"code\":\"nobody\"}]}}"), -1);
    assert_int_equal(e->cx.err.code, TS_E_USER_NOT_FOUND);
    assert_int_equal(add(e, "{\"name\":{\"value\":\"x\"},\"user\":{\"value\":[{\"nocode\":1}]}}"),
                     -1);
    assert_int_equal(e->cx.err.code, TS_E_INVALID_INPUT);
}

static void every_problem_at_once(void **state)
{
    struct unit_env *e = *state;
    assert_int_equal(add(e, "{\"num\":{\"value\":\"x\"},\"drop\":{\"value\":\"Z\"},"
                            "\"date\":{\"value\":\"no\"}}"),
                     -1);
    assert_non_null(field_error(e, "record.name.value"));
    assert_non_null(field_error(e, "record[num].value"));
    assert_non_null(field_error(e, "record.drop.value"));
    assert_non_null(field_error(e, "record.date.value"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(required_and_length),
        cmocka_unit_test(numbers_are_normalised_and_bounded),
        cmocka_unit_test(options_and_choices),
        cmocka_unit_test(dates_and_times),
        cmocka_unit_test(unique_ignores_empty),
        cmocka_unit_test(users_must_exist),
        cmocka_unit_test(every_problem_at_once),
    };
    return cmocka_run_group_tests_name("record", tests, unit_setup, unit_teardown);
}
