/*
 * tests/fuzz/fuzz_db.h - an in-memory database with one deployed app and one
 * record, made once, for the targets that write (records, app settings). Each
 * input runs in a transaction that is rolled back, so inputs do not pile up.
 */
#ifndef TS_FUZZ_DB_H
#define TS_FUZZ_DB_H

#include "base/common.h"
#include "app/app.h"
#include "auth/auth.h"
#include "record/record.h"
#include "store/store.h"

/* A field of every kind a record can hold, a table, and formulas. */
static const char FUZZ_FIELDS[] =
    "{\"t\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"t\",\"label\":\"t\",\"maxLength\":\"50\"},"
    "\"k\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"k\",\"label\":\"k\",\"unique\":true},"
    "\"m\":{\"type\":\"MULTI_LINE_TEXT\",\"code\":\"m\",\"label\":\"m\"},"
    "\"r\":{\"type\":\"RICH_TEXT\",\"code\":\"r\",\"label\":\"r\"},"
    "\"n\":{\"type\":\"NUMBER\",\"code\":\"n\",\"label\":\"n\",\"maxValue\":\"1000\"},"
    "\"c\":{\"type\":\"CALC\",\"code\":\"c\",\"label\":\"c\",\"expression\":\"n*2\"},"
    "\"tc\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"tc\",\"label\":\"tc\",\"expression\":\"t&"
    "\\\"-\\\"&n\"},"
    "\"d\":{\"type\":\"DATE\",\"code\":\"d\",\"label\":\"d\"},"
    "\"tm\":{\"type\":\"TIME\",\"code\":\"tm\",\"label\":\"tm\"},"
    "\"dt\":{\"type\":\"DATETIME\",\"code\":\"dt\",\"label\":\"dt\"},"
    "\"l\":{\"type\":\"LINK\",\"code\":\"l\",\"label\":\"l\",\"protocol\":\"WEB\"},"
    "\"dd\":{\"type\":\"DROP_DOWN\",\"code\":\"dd\",\"label\":\"dd\",\"options\":"
    "{\"A\":{\"label\":\"A\",\"index\":0},\"B\":{\"label\":\"B\",\"index\":1}}},"
    "\"rb\":{\"type\":\"RADIO_BUTTON\",\"code\":\"rb\",\"label\":\"rb\",\"options\":"
    "{\"A\":{\"label\":\"A\",\"index\":0}}},"
    "\"cb\":{\"type\":\"CHECK_BOX\",\"code\":\"cb\",\"label\":\"cb\",\"options\":"
    "{\"x\":{\"label\":\"x\",\"index\":0},\"y\":{\"label\":\"y\",\"index\":1}}},"
    "\"ms\":{\"type\":\"MULTI_SELECT\",\"code\":\"ms\",\"label\":\"ms\",\"options\":"
    "{\"x\":{\"label\":\"x\",\"index\":0}}},"
    "\"u\":{\"type\":\"USER_SELECT\",\"code\":\"u\",\"label\":\"u\"},"
    "\"o\":{\"type\":\"ORGANIZATION_SELECT\",\"code\":\"o\",\"label\":\"o\"},"
    "\"g\":{\"type\":\"GROUP_SELECT\",\"code\":\"g\",\"label\":\"g\"},"
    "\"f\":{\"type\":\"FILE\",\"code\":\"f\",\"label\":\"f\"},"
    "\"tab\":{\"type\":\"SUBTABLE\",\"code\":\"tab\",\"label\":\"tab\",\"fields\":{"
    "\"tn\":{\"type\":\"NUMBER\",\"code\":\"tn\",\"label\":\"tn\"},"
    "\"tt\":{\"type\":\"SINGLE_LINE_TEXT\",\"code\":\"tt\",\"label\":\"tt\"}}},"
    "\"sum\":{\"type\":\"CALC\",\"code\":\"sum\",\"label\":\"sum\",\"expression\":\"SUM(tn)\"}}";

struct fuzz_db {
    struct ts_db *db;
    int64_t app_id, rec_id;
};

static struct fuzz_db *fuzz_db(void)
{
    static struct fuzz_db f;
    if (f.db)
        return &f;
    char err[256];
    ts_auth_init();
    f.db = ts_db_open(":memory:", err, sizeof(err));
    if (!f.db)
        abort();
    struct ts_ctx cx;
    ts_ctx_init(&cx, f.db);
    cx.caller.kind = TS_CALLER_SYSTEM;
    struct ts_preview p;
    json_t *props = json_loads(FUZZ_FIELDS, 0, NULL);
    json_t *rec = json_loads("{\"t\":{\"value\":\"one\"},\"k\":{\"value\":\"K1\"}}", 0, NULL);
    struct ts_deploy_item item = {0, -1};
    if (ts_db_begin(&cx, true) < 0 || (f.app_id = ts_app_create(&cx, "fuzz", 0, 0)) < 0 ||
        ts_app_settings_load(&cx, f.app_id, TS_STAGE_PREVIEW, &p) < 0 || !props ||
        ts_app_fields_add(&cx, &p, props) < 0 || ts_app_preview_save(&cx, &p, -1) < 0 ||
        (item.app_id = f.app_id, ts_app_deploy(&cx, &item, 1, false) < 0) ||
        ts_record_add(&cx, ts_app_get(&cx, f.app_id), rec, "record", &f.rec_id) < 0 ||
        ts_db_commit(&cx) < 0) {
        fprintf(stderr, "fuzz set-up: %s %s\n", cx.err.detail,
                cx.err.fields ? cx.err.fields->message : "");
        abort();
    }
    json_decref(props);
    json_decref(rec);
    ts_ctx_release(&cx);
    return &f;
}

#endif
