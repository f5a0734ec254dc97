/*
 * tests/unit/unit.h - shared set-up for the C unit tests (cmocka): a context on
 * an in-memory database with one deployed app.
 */
#ifndef TS_UNIT_H
#define TS_UNIT_H

#include "base/common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "app/app.h"
#include "auth/auth.h"
#include "policy/policy.h"
#include "base/ctx.h"
#include "store/store.h"

/* Fields of the test app, as fields.json properties. */
static const char *const UNIT_FIELDS =
    "{\"name\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"name\",\"label\":\"Name\",\"maxLength\":"
    "\"5\","
    "\"required\":true},"
    "\"key\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"key\",\"label\":\"Key\",\"unique\":true},"
    "\"note\":{\"type\":\"MULTI_LINE_TEXT\",\"code\":\"note\",\"label\":\"Note\"},"
    "\"num\":{\"type\":\"NUMBER\",\"code\":\"num\",\"label\":\"Num\",\"minValue\":\"-10\","
    "\"maxValue\":\"1e3\"},"
    "\"drop\":{\"type\":\"DROP_DOWN\",\"code\":\"drop\",\"label\":\"Drop\",\"options\":{\"A\":{"
    "\"label\":\"A\",\"index\":0},"
    "\"B\":{\"label\":\"B\",\"index\":1}}},"
    "\"check\":{\"type\":\"CHECK_BOX\",\"code\":\"check\",\"label\":\"Check\",\"options\":{\"x\":{"
    "\"label\":\"x\",\"index\":0},"
    "\"y\":{\"label\":\"y\",\"index\":1}}},"
    "\"date\":{\"type\":\"DATE\",\"code\":\"date\",\"label\":\"Date\"},"
    "\"time\":{\"type\":\"TIME\",\"code\":\"time\",\"label\":\"Time\"},"
    "\"dt\":{\"type\":\"DATETIME\",\"code\":\"dt\",\"label\":\"DT\"},"
    "\"user\":{\"type\":\"USER_SELECT\",\"code\":\"user\",\"label\":\"User\"},"
    "\"org\":{\"type\":\"ORGANIZATION_SELECT\",\"code\":\"org\",\"label\":\"Org\"},"
    "\"rich\":{\"type\":\"RICH_TEXT\",\"code\":\"rich\",\"label\":\"Rich\"}}";

struct unit_env {
    struct ts_db *db;
    struct ts_ctx cx;
    const struct ts_app *app;
};

static inline struct ts_ctx *unit_ctx(struct unit_env *e)
{
    ts_err_clear(&e->cx);
    return &e->cx;
}

/* Open an in-memory database, make and deploy the test app. */
static inline int unit_setup(void **state)
{
    struct unit_env *e = ts_xcalloc(1, sizeof(*e));
    char err[256];
    ts_auth_init();
    e->db = ts_db_open(":memory:", err, sizeof(err));
    assert_non_null(e->db);
    ts_ctx_init(&e->cx, e->db);
    struct ts_ctx *cx = &e->cx;
    assert_int_equal(ts_db_begin(cx, true), 0);
    int64_t id = ts_app_create(cx, "unit", 0, 0);
    assert_true(id > 0);
    struct ts_preview p;
    assert_int_equal(ts_app_settings_load(cx, id, TS_STAGE_PREVIEW, &p), 0);
    json_t *props = json_loads(UNIT_FIELDS, 0, NULL);
    assert_non_null(props);
    assert_int_equal(ts_app_fields_add(cx, &p, props), 0);
    json_decref(props);
    assert_true(ts_app_preview_save(cx, &p, -1) > 0);
    struct ts_deploy_item item = {id, -1};
    assert_int_equal(ts_app_deploy(cx, &item, 1, false), 0);
    e->app = ts_app_get(cx, id);
    assert_non_null(e->app);
    assert_int_equal(ts_db_commit(cx), 0);
    *state = e;
    return 0;
}

static inline int unit_teardown(void **state)
{
    struct unit_env *e = *state;
    ts_ctx_release(&e->cx);
    ts_app_cache_clear();
    ts_db_close(e->db);
    free(e);
    return 0;
}

#endif
