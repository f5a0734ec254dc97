/*
 * api/records.c - record.json and records.json (KINTONE-API.md §5.1).
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "query/query.h"
#include "record/record.h"
#include "store/store.h"

#define MAX_BATCH 100

int ts_api_record_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t id;
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_VIEW);
    if (!app || ts_param_id(cx, rq->params, "id", &id) < 0 ||
        ts_api_record_allowed(cx, app, id, TS_RR_VIEW) < 0)
        return -1;
    struct ts_record *r = ts_record_load(cx, app, id);
    struct ts_api_shown shown;
    if (!r || ts_api_shown(cx, app, NULL, &shown) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_key(w, "record");
    ts_record_write(cx, w, app, r, ts_api_shown_in(cx, app, &shown, r));
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_record_add(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_ADD);
    int64_t id;
    const json_t *record = json_object_get(rq->params, "record");
    if (!app || ts_api_add_record(cx, app, record, "record", &id) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kid(w, "id", id);
    ts_jw_kid(w, "revision", 1);
    ts_jw_obj_end(w);
    return 0;
}

/* Resolve `id` or `updateKey` of one update. Returns the id, 0 when an
 * updateKey matched nothing, or -1. */
static int64_t target_id(struct ts_ctx *cx, const struct ts_app *app, const json_t *obj,
                         const char *prefix, bool upsert)
{
    const json_t *key = json_object_get(obj, "updateKey");
    const json_t *idv = json_object_get(obj, "id");
    if (key && !json_is_null(key)) {
        int64_t id = ts_record_find_key(cx, app, key, prefix);
        if (id == 0 && !upsert) {
            ts_fail_arg(cx, TS_E_RECORD_NOT_FOUND,
                        json_string_value(json_object_get(key, "value"))
                            ? json_string_value(json_object_get(key, "value"))
                            : "");
            return -1;
        }
        return id;
    }
    int64_t id;
    if (!idv || json_is_null(idv)) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.id", prefix), TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (ts_json_i64(idv, &id) < 0 || id < 1) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.id", prefix), TS_M_MIN_ONE);
        return -1;
    }
    return id;
}

/* One update or upsert; writes {id, revision[, operation]} into w. */
static int put_one(struct ts_ctx *cx, const struct ts_app *app, const json_t *obj,
                   const char *prefix, bool upsert, bool *inserted, int64_t *out_id,
                   int64_t *out_rev)
{
    int64_t rev;
    if (ts_param_revision(cx, json_object_get(obj, "revision"),
                          ts_arena_printf(cx->arena, "%s.revision", prefix), &rev) < 0)
        return -1;
    int64_t id = target_id(cx, app, obj, prefix, upsert);
    if (id < 0)
        return -1;
    const json_t *record = json_object_get(obj, "record");
    *inserted = false;
    if (upsert) {
        /* an updateKey with no match, or an id that does not exist, inserts a new
         * record with a new id (the CLI relies on this, KINTONE-API.md §5.1) */
        bool exists = id > 0;
        if (exists && !json_object_get(obj, "updateKey")) {
            exists = ts_store_record_get(cx, app, id) != NULL;
            if (cx->err.code)
                return -1;
        }
        if (!exists) {
            json_t *rec = json_is_object(record) ? json_deep_copy(record) : json_object();
            const json_t *key = json_object_get(obj, "updateKey");
            const char *field = json_string_value(json_object_get(key, "field"));
            if (field)
                json_object_set_new(rec, field,
                                    json_pack("{s:O}", "value", json_object_get(key, "value")));
            int rc = ts_api_add_record(cx, app, rec, prefix, out_id);
            json_decref(rec);
            *inserted = true;
            *out_rev = 1;
            return rc;
        }
    }
    *out_id = id;
    if (ts_api_record_allowed(cx, app, id, TS_RR_EDIT) < 0 ||
        ts_api_writable(cx, app, record, id) < 0)
        return -1;
    return ts_record_update(cx, app, id, rev, record, prefix, out_rev);
}

int ts_api_record_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_EDIT);
    if (!app)
        return -1;
    bool inserted;
    int64_t id, rev;
    if (put_one(cx, app, rq->params, "record", false, &inserted, &id, &rev) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kid(w, "revision", rev);
    ts_jw_obj_end(w);
    return 0;
}

struct writer {
    struct ts_jw *w;
    const struct ts_app *app;
    struct ts_api_shown shown;
};

static int write_one(struct ts_ctx *cx, const struct ts_record *r, void *arg)
{
    struct writer *wr = arg;
    ts_record_write(cx, wr->w, wr->app, r, ts_api_shown_in(cx, wr->app, &wr->shown, r));
    return 0;
}

int ts_api_records_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_VIEW);
    if (!app)
        return -1;
    struct ts_qplan plan;
    if (ts_api_query_viewable(cx, app, ts_param_str(rq->params, "query"), &plan) < 0)
        return -1;
    struct writer wr = {w, app, {0}};
    if (ts_api_shown(cx, app, json_object_get(rq->params, "fields"), &wr.shown) < 0)
        return -1;
    ts_buf_grow(w->b,
                (size_t)(plan.limit > 0 ? plan.limit : 1) * 1024); /* one allocation, not ten */
    ts_jw_obj(w);
    ts_jw_key(w, "records");
    ts_jw_arr(w);
    if (ts_store_records_select(cx, app, &plan, wr.shown.load, write_one, &wr) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_key(w, "totalCount");
    /* counted only when asked: counting every match is the cost peers pay on every read */
    if (ts_param_bool(rq->params, "totalCount")) {
        int64_t n = ts_store_records_count(cx, app, &plan);
        if (n < 0)
            return -1;
        ts_jw_i64_str(w, n);
    } else {
        ts_jw_null(w);
    }
    ts_jw_obj_end(w);
    return 0;
}

/* The array `name` of a bulk call, at most MAX_BATCH long (`too_many` says so).
 * An empty one is refused unless `empty_ok`: kintone answers adding or
 * updating no records with 200 and nothing done. */
static const json_t *batch(struct ts_ctx *cx, const json_t *params, const char *name, bool empty_ok,
                           enum ts_msg too_many)
{
    const json_t *arr = json_object_get(params, name);
    if (!json_is_array(arr) || (json_array_size(arr) == 0 && !empty_ok)) {
        ts_fail_field(cx, name, arr ? TS_M_NOT_ARRAY : TS_M_REQUIRED_PARAM);
        return NULL;
    }
    if (json_array_size(arr) > MAX_BATCH) {
        ts_fail_field(cx, name, too_many, MAX_BATCH);
        return NULL;
    }
    return arr;
}

int ts_api_records_add(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_ADD);
    const json_t *recs = app ? batch(cx, rq->params, "records", true, TS_M_TOO_MANY_ADD) : NULL;
    if (!recs)
        return -1;
    size_t n = json_array_size(recs), i;
    int64_t *ids = TS_NEW_N(cx->arena, int64_t, n);
    const json_t *r;
    json_array_foreach (recs, i, r) {
        if (ts_api_add_record(cx, app, r, ts_arena_printf(cx->arena, "records[%zu]", i), &ids[i]) <
            0)
            return -1;
    }
    ts_jw_obj(w);
    ts_jw_key(w, "ids");
    ts_jw_arr(w);
    for (i = 0; i < n; i++)
        ts_jw_i64_str(w, ids[i]);
    ts_jw_arr_end(w);
    ts_jw_key(w, "revisions");
    ts_jw_arr(w);
    for (i = 0; i < n; i++)
        ts_jw_i64_str(w, 1);
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_records_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    bool upsert = ts_param_bool(rq->params, "upsert");
    const struct ts_app *app =
        ts_api_app_param(cx, rq->params, upsert ? TS_PERM_EDIT | TS_PERM_ADD : TS_PERM_EDIT);
    const json_t *recs = app ? batch(cx, rq->params, "records", true, TS_M_TOO_MANY_UPDATE) : NULL;
    if (!recs)
        return -1;
    size_t n = json_array_size(recs), i;
    int64_t *ids = TS_NEW_N(cx->arena, int64_t, n), *revs = TS_NEW_N(cx->arena, int64_t, n);
    bool *ins = TS_NEW_N(cx->arena, bool, n);
    const json_t *r;
    json_array_foreach (recs, i, r) {
        const char *prefix = ts_arena_printf(cx->arena, "records[%zu]", i);
        if (!json_is_object(r)) {
            ts_fail_field(cx, prefix, TS_M_NOT_OBJECT);
            return -1;
        }
        if (put_one(cx, app, r, prefix, upsert, &ins[i], &ids[i], &revs[i]) < 0)
            return -1;
    }
    ts_jw_obj(w);
    ts_jw_key(w, "records");
    ts_jw_arr(w);
    for (i = 0; i < n; i++) {
        ts_jw_obj(w);
        ts_jw_kid(w, "id", ids[i]);
        ts_jw_kid(w, "revision", revs[i]);
        if (upsert)
            ts_jw_kstr(w, "operation", ins[i] ? "INSERT" : "UPDATE");
        ts_jw_obj_end(w);
    }
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_records_delete(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_DELETE);
    const json_t *ids = app ? batch(cx, rq->params, "ids", false, TS_M_TOO_MANY_RECORDS) : NULL;
    if (!ids)
        return -1;
    const json_t *revs = json_object_get(rq->params, "revisions");
    size_t i;
    const json_t *v;
    json_array_foreach (ids, i, v) {
        int64_t id, rev;
        if (ts_json_i64(v, &id) < 0 || id < 1) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "ids[%zu]", i), TS_M_MIN_ONE);
            return -1;
        }
        if (ts_param_revision(cx, json_array_get(revs, i),
                              ts_arena_printf(cx->arena, "revisions[%zu]", i), &rev) < 0 ||
            ts_api_record_allowed(cx, app, id, TS_RR_DELETE) < 0 ||
            ts_record_delete(cx, app, id, rev) < 0)
            return -1;
    }
    ts_jw_obj(w);
    ts_jw_obj_end(w);
    return 0;
}

/* ---------------------------------------------------------------- history (ours) */

int ts_api_history_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t id;
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_VIEW);
    if (!app || ts_param_id(cx, rq->params, "id", &id) < 0 ||
        ts_api_record_allowed(cx, app, id, TS_RR_VIEW) < 0)
        return -1;
    /* a deleted record's history stays readable: it ends with the DELETE entry */
    ts_jw_obj(w);
    int n = ts_record_write_history(cx, w, app, id);
    if (n < 0)
        return -1;
    if (n == 0)
        return ts_fail_arg(cx, TS_E_RECORD_NOT_FOUND,
                           ts_arena_printf(cx->arena, "%lld", (long long)id));
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_history_restore(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t id, revision, rev;
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_EDIT);
    if (!app || ts_param_id(cx, rq->params, "id", &id) < 0 ||
        ts_param_id(cx, rq->params, "revision", &revision) < 0 ||
        ts_api_record_allowed(cx, app, id, TS_RR_EDIT) < 0 ||
        ts_record_restore(cx, app, id, revision, &rev) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kid(w, "revision", rev);
    ts_jw_obj_end(w);
    return 0;
}

/* ---------------------------------------------------------------- rights */

/* Does the caller have right on record id? (no error when not) */
static int may(struct ts_ctx *cx, const struct ts_app *app, int64_t id, unsigned app_perm,
               enum ts_record_right right)
{
    if (ts_policy_require_app(cx, app->id, app_perm) < 0) {
        if (cx->err.code != TS_E_NO_PERMISSION && cx->err.code != TS_E_TOKEN_NO_PERMISSION)
            return -1;
        ts_err_clear(cx);
        return 0;
    }
    if (ts_api_record_allowed(cx, app, id, right) < 0) {
        if (cx->err.code != TS_E_NO_PERMISSION)
            return -1;
        ts_err_clear(cx);
        return 0;
    }
    return 1;
}

/* The fields a record shows by itself (not a table's inner ones, not layout,
 * not hidden system fields): those rights are told for. */
static bool own_field(const struct ts_field *f)
{
    return !f->table && ts_field_kind(f) != TS_K_NONE && !ts_field_has(f, TS_FF_HIDDEN);
}

/* GET /api/app/rights (ours): what the caller may do with an app and each of
 * its fields, for the UI to offer only that (the server checks every call
 * anyway). A field whose right a record's people field decides is BY_RECORD;
 * byRecord says whether any right depends on the record (then the UI asks
 * evaluate.json about the records it shows). */
int ts_api_app_rights(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_VIEW);
    if (!app)
        return -1;
    unsigned perms = ts_policy_app_perms(cx, app->id);
    const char *access = ts_policy_fields(cx, app);
    /* do record rules or record-decided field rights narrow the app's rights? */
    bool by_record =
        ts_policy_fields_by_record(app, access) || ts_policy_records(cx, app, TS_RR_VIEW) ||
        ts_policy_records(cx, app, TS_RR_EDIT) || ts_policy_records(cx, app, TS_RR_DELETE);
    if (cx->err.code)
        return -1;
    static const struct {
        const char *key;
        unsigned perm;
    } APP[] = {{"view", TS_PERM_VIEW},     {"add", TS_PERM_ADD},       {"edit", TS_PERM_EDIT},
               {"delete", TS_PERM_DELETE}, {"import", TS_PERM_IMPORT}, {"export", TS_PERM_EXPORT},
               {"manage", TS_PERM_MANAGE}};
    static const char *const LEVEL[] = {"NONE", "READ", "WRITE", "BY_RECORD"};
    ts_jw_obj(w);
    ts_jw_key(w, "app");
    ts_jw_obj(w);
    for (size_t i = 0; i < TS_ARRAY_LEN(APP); i++)
        ts_jw_kbool(w, APP[i].key, (perms & APP[i].perm) != 0);
    ts_jw_obj_end(w);
    ts_jw_kbool(w, "byRecord", by_record);
    ts_jw_key(w, "fields");
    ts_jw_obj(w);
    for (int k = 0; k < app->n_fields; k++) {
        const struct ts_field *f = &app->fields[k];
        if (!own_field(f))
            continue;
        ts_jw_kstr(w, f->code, LEVEL[access ? access[k] : TS_FIELD_WRITE]);
    }
    ts_jw_obj_end(w);
    ts_jw_obj_end(w);
    return 0;
}

/* GET records/acl/evaluate.json: what the caller may do with each record. */
int ts_api_acl_evaluate(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, 0);
    const json_t *ids = app ? batch(cx, rq->params, "ids", false, TS_M_TOO_MANY_RECORDS) : NULL;
    if (!ids)
        return -1;
    const char *app_access = ts_policy_fields(cx, app); /* the field rights, once */
    if (cx->err.code)
        return -1;
    ts_jw_obj(w);
    ts_jw_key(w, "rights");
    ts_jw_arr(w);
    size_t i;
    const json_t *v;
    json_array_foreach (ids, i, v) {
        int64_t id;
        if (ts_json_i64(v, &id) < 0 || id < 1) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "ids[%zu]", i), TS_M_MIN_ONE);
            return -1;
        }
        const struct ts_record *r = ts_record_load(cx, app, id);
        if (!r)
            return -1;
        int view = may(cx, app, id, TS_PERM_VIEW, TS_RR_VIEW);
        int edit = may(cx, app, id, TS_PERM_EDIT, TS_RR_EDIT);
        int del = may(cx, app, id, TS_PERM_DELETE, TS_RR_DELETE);
        if (view < 0 || edit < 0 || del < 0)
            return -1;
        ts_jw_obj(w);
        ts_jw_key(w, "id");
        ts_jw_i64_str(w, id);
        ts_jw_key(w, "record");
        ts_jw_obj(w);
        ts_jw_kbool(w, "viewable", view);
        ts_jw_kbool(w, "editable", view && edit);
        ts_jw_kbool(w, "deletable", view && del);
        ts_jw_obj_end(w);
        /* each field: the record's rights, narrowed by the field's own */
        const char *access = ts_policy_fields_of(cx, app, app_access, r);
        if (cx->err.code)
            return -1;
        ts_jw_key(w, "fields");
        ts_jw_obj(w);
        for (int k = 0; k < app->n_fields; k++) {
            const struct ts_field *f = &app->fields[k];
            if (!own_field(f))
                continue;
            int level = access ? access[k] : TS_FIELD_WRITE;
            ts_jw_key(w, f->code);
            ts_jw_obj(w);
            ts_jw_kbool(w, "viewable", view && level != TS_FIELD_NONE);
            ts_jw_kbool(w, "editable",
                        view && edit && ts_field_kind(f) != TS_K_SYS && level == TS_FIELD_WRITE);
            ts_jw_obj_end(w);
        }
        ts_jw_obj_end(w);
        ts_jw_obj_end(w);
    }
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}
