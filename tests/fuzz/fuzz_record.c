/*
 * tests/fuzz/fuzz_record.c - a record's JSON (record/record.c's value parsing,
 * tables, files, people, rich text, formulas, validation) on arbitrary input,
 * added as a new record and written over an existing one: an id or a kintone
 * error, never a crash, a leak or a hang; a failure always says why.
 */
#include "fuzz_db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_db *f = fuzz_db();
    json_t *rec = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(rec)) {
        json_decref(rec);
        return 0;
    }
    struct ts_ctx cx;
    ts_ctx_init(&cx, f->db);
    cx.caller.kind = TS_CALLER_SYSTEM;
    const struct ts_app *app = ts_app_get(&cx, f->app_id);
    if (!app || ts_db_begin(&cx, true) < 0)
        abort();
    int64_t id = 0, rev = 0;
    int rc = ts_record_add(&cx, app, rec, "record", &id);
    if ((rc < 0) != (cx.err.code != TS_OK))
        abort();
    ts_err_clear(&cx);
    rc = ts_record_update(&cx, app, f->rec_id, -1, rec, "record", &rev);
    if ((rc < 0) != (cx.err.code != TS_OK))
        abort();
    ts_db_rollback(&cx);
    ts_ctx_release(&cx);
    json_decref(rec);
    return 0;
}
