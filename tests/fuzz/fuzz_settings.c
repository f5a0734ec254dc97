/*
 * tests/fuzz/fuzz_settings.c - an app's settings JSON on arbitrary input: the
 * input is the body of every settings write (fields added, changed and
 * deleted, layout, views, the three kinds of rights, notifications, process
 * management, general settings), then the result is deployed. Each step
 * answers or fails saying why; nothing crashes, leaks or hangs.
 */
#include "fuzz_db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_db *f = fuzz_db();
    json_t *in = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(in)) {
        json_decref(in);
        return 0;
    }
    struct ts_ctx cx;
    ts_ctx_init(&cx, f->db);
    cx.caller.kind = TS_CALLER_SYSTEM;
    if (ts_db_begin(&cx, true) < 0)
        abort();
    struct ts_preview p;
    for (int step = 0; step < 13; step++) {
        ts_err_clear(&cx);
        if (ts_app_settings_load(&cx, f->app_id, TS_STAGE_PREVIEW, &p) < 0)
            abort();
        int rc = 0;
        switch (step) {
        case 0:
            rc = ts_app_fields_add(&cx, &p, json_object_get(in, "properties"));
            break;
        case 1:
            rc = ts_app_fields_update(&cx, &p, json_object_get(in, "properties"));
            break;
        case 2:
            rc = ts_app_layout_put(&cx, &p, json_object_get(in, "layout"));
            break;
        case 3:
            rc = ts_app_views_put(&cx, &p, json_object_get(in, "views"));
            break;
        case 4:
            rc = ts_app_acl_put(&cx, &p, json_object_get(in, "rights"));
            break;
        case 5:
            rc = ts_app_record_acl_put(&cx, &p, json_object_get(in, "rights"));
            break;
        case 6:
            rc = ts_app_field_acl_put(&cx, &p, json_object_get(in, "rights"));
            break;
        case 7:
            rc = ts_app_notify_general_put(&cx, &p, in);
            break;
        case 8:
            rc = ts_app_notify_per_record_put(&cx, &p, in);
            break;
        case 9:
            rc = ts_app_notify_reminder_put(&cx, &p, in);
            break;
        case 10:
            rc = ts_app_process_put(&cx, &p, in);
            break;
        case 11:
            rc = ts_app_settings_put(&cx, &p, in);
            break;
        case 12:
            rc = ts_app_fields_delete(&cx, &p, json_object_get(in, "fields"));
            break;
        }
        if ((rc < 0) != (cx.err.code != TS_OK))
            abort();
        if (rc == 0 && ts_app_preview_save(&cx, &p, -1) < 0)
            abort();
    }
    ts_err_clear(&cx);
    struct ts_deploy_item item = {f->app_id, -1};
    int rc = ts_app_deploy(&cx, &item, 1, false);
    if ((rc < 0) != (cx.err.code != TS_OK))
        abort();
    ts_db_rollback(&cx);
    ts_app_cache_clear();
    ts_ctx_release(&cx);
    json_decref(in);
    return 0;
}
