/*
 * api/apps.c - apps and app settings: app.json, apps.json, preview/app.json,
 * deploy, settings, form fields, layout and views (KINTONE-API.md §5.3, §7).
 *
 * GETs read the live settings, or the preview ones under /preview/. Writes
 * exist only under /preview/, check the caller's `revision` (GAIA_CO03) and
 * answer with the new one.
 */
#include "base/common.h"
#include "api/api.h"
#include "base/log.h"
#include "app/app.h"
#include "print/pdf.h"
#include "base/str.h"
#include "base/tstime.h"
#include "model/user.h"
#include "record/record.h"
#include "store/store.h"

static void write_user(struct ts_ctx *cx, struct ts_jw *w, const char *key, const char *code)
{
    const char *name = code && *code ? ts_record_user_name(cx, code) : NULL;
    ts_jw_key(w, key);
    ts_jw_obj(w);
    ts_jw_kstr(w, "code", code ? code : "");
    ts_jw_kstr(w, "name", name ? name : (code ? code : ""));
    ts_jw_obj_end(w);
}

static void write_app(struct ts_ctx *cx, struct ts_jw *w, const struct ts_app_row *r)
{
    char t[21];
    ts_jw_obj(w);
    ts_jw_kid(w, "appId", r->id);
    ts_jw_kstr(w, "code", r->code ? r->code : "");
    ts_jw_kstr(w, "name", r->name);
    ts_jw_kstr(w, "description", r->description ? r->description : "");
    ts_jw_key(w, "spaceId");
    if (r->space_id)
        ts_jw_i64_str(w, r->space_id);
    else
        ts_jw_null(w);
    ts_jw_key(w, "threadId");
    if (r->thread_id)
        ts_jw_i64_str(w, r->thread_id);
    else
        ts_jw_null(w);
    ts_datetime_format(r->created, t);
    ts_jw_kstr(w, "createdAt", t);
    write_user(cx, w, "creator", r->creator);
    ts_datetime_format(r->modified, t);
    ts_jw_kstr(w, "modifiedAt", t);
    write_user(cx, w, "modifier", r->modifier);
    ts_jw_obj_end(w);
}

int ts_api_app_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t id;
    if (ts_param_id(cx, rq->params, "id", &id) < 0 ||
        ts_policy_require_app(cx, id, TS_PERM_VIEW) < 0)
        return -1;
    struct ts_preview live;
    if (ts_app_settings_load(cx, id, TS_STAGE_LIVE, &live) < 0)
        return -1;
    write_app(cx, w, live.row);
    return 0;
}

/* An array parameter of at most 100 ids or strings. */
static int list_param(struct ts_ctx *cx, const json_t *params, const char *name, bool ints,
                      int64_t **ids, const char ***strs, int *n)
{
    const json_t *a = json_object_get(params, name);
    *n = 0;
    if (!a || json_is_null(a))
        return 0;
    if (!json_is_array(a)) {
        ts_fail_field(cx, name, TS_M_NOT_ARRAY);
        return -1;
    }
    size_t len = json_array_size(a), i;
    if (len > 100) {
        ts_fail_field(cx, name, TS_M_TOO_MANY_RECORDS, 100);
        return -1;
    }
    *ids = TS_NEW_N(cx->arena, int64_t, len + 1);
    *strs = TS_NEW_N(cx->arena, const char *, len + 1);
    const json_t *v;
    json_array_foreach (a, i, v) {
        if (json_is_null(v))
            continue;
        if (ints && (ts_json_i64(v, &(*ids)[*n]) < 0)) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s[%zu]", name, i), TS_M_NOT_INTEGER);
            return -1;
        }
        if (!ints && !json_is_string(v)) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s[%zu]", name, i), TS_M_NOT_STRING);
            return -1;
        }
        (*strs)[*n] = json_string_value(v);
        (*n)++;
    }
    return 0;
}

/* Apps the caller may see (their records, or their settings); offset and
 * limit count those, so a page is full whatever the caller may not see. */
struct visible_page {
    struct ts_jw *w;
    int64_t skip, left;
};

static int write_app_cb(struct ts_ctx *cx, const struct ts_app_row *r, void *arg)
{
    struct visible_page *vp = arg;
    if (vp->left == 0)
        return 0;
    unsigned perms = ts_policy_app_perms(cx, r->id);
    if (cx->err.code)
        return -1;
    if (!(perms & (TS_PERM_VIEW | TS_PERM_MANAGE)))
        return 0;
    if (vp->skip > 0) {
        vp->skip--;
        return 0;
    }
    write_app(cx, vp->w, r);
    vp->left--;
    return 0;
}

int ts_api_apps_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_app_filter f = {0};
    int64_t *ids = NULL, *sp = NULL, *unused_i;
    const char **codes = NULL, **unused_s;
    if (ts_policy_require_person(cx) < 0 ||
        list_param(cx, rq->params, "ids", true, &ids, &unused_s, &f.n_ids) < 0 ||
        list_param(cx, rq->params, "codes", false, &unused_i, &codes, &f.n_codes) < 0 ||
        list_param(cx, rq->params, "spaceIds", true, &sp, &unused_s, &f.n_space_ids) < 0 ||
        ts_param_int(cx, rq->params, "limit", 100, 1, &f.limit) < 0 ||
        ts_param_int(cx, rq->params, "offset", 0, 0, &f.offset) < 0)
        return -1;
    if (f.limit > 100) {
        ts_fail_field(cx, "limit", TS_M_MAX_VALUE, "100");
        return -1;
    }
    f.ids = ids;
    f.codes = codes;
    f.space_ids = sp;
    f.name = ts_param_str(rq->params, "name");
    struct visible_page vp = {w, f.offset, f.limit};
    f.offset = 0;
    f.limit = -1;
    ts_jw_obj(w);
    ts_jw_key(w, "apps");
    ts_jw_arr(w);
    if (ts_store_app_each(cx, &f, write_app_cb, &vp) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

static void write_revision(struct ts_jw *w, int64_t rev)
{
    ts_jw_obj(w);
    ts_jw_kid(w, "revision", rev);
    ts_jw_obj_end(w);
}

int ts_api_app_create(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    if (ts_policy_require_app_creator(cx) < 0)
        return -1;
    const char *name = ts_param_str(rq->params, "name");
    if (!name || !*name) {
        ts_fail_field(cx, "name", TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (ts_utf8_len(name) > 64) {
        ts_fail_field(cx, "name", TS_M_TOO_LONG, 64);
        return -1;
    }
    int64_t space = 0, thread = 0;
    if (ts_param_int(cx, rq->params, "space", 0, 0, &space) < 0 ||
        ts_param_int(cx, rq->params, "thread", 0, 0, &thread) < 0)
        return -1;
    int64_t id = ts_app_create(cx, name, space, thread);
    if (id < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kid(w, "app", id);
    ts_jw_kid(w, "revision", 1);
    ts_jw_obj_end(w);
    return 0;
}

struct deploy {
    struct ts_api_req *rq;
    struct ts_deploy_item *items;
    int n;
    bool revert;
    const char *why;
};

static int deploy_begin(struct ts_ctx *cx, void *arg)
{
    struct deploy *d = arg;
    return ts_app_deploy_begin(cx, d->items, d->n);
}

static int deploy_run(struct ts_ctx *cx, void *arg)
{
    struct deploy *d = arg;
    if (ts_app_deploy(cx, d->items, d->n, d->revert) < 0)
        return -1;
    return ts_audit_add(cx, d->rq->auth.client_addr, d->rq->route->audit,
                        ts_audit_target(cx, d->rq->params), "POST /preview/app/deploy.json");
}

static int deploy_failed(struct ts_ctx *cx, void *arg)
{
    struct deploy *d = arg;
    return ts_app_deploy_failed(cx, d->items, d->n, d->why);
}

/* A deploy runs in steps, each kept: PROCESSING, then the deploy, then FAIL
 * with the reason should it fail for any reason (a refused formula, the
 * database), so the status never claims SUCCESS for what did not happen.
 * (A TS_R_NO_TX route: never inside bulkRequest, as in kintone.) */
int ts_api_deploy(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const json_t *apps = json_object_get(rq->params, "apps");
    if (!json_is_array(apps) || json_array_size(apps) == 0) {
        ts_fail_field(cx, "apps", apps ? TS_M_NOT_ARRAY : TS_M_REQUIRED_PARAM);
        return -1;
    }
    size_t n = json_array_size(apps), i;
    if (n > 300) {
        ts_fail_field(cx, "apps", TS_M_TOO_MANY_RECORDS, 300);
        return -1;
    }
    struct deploy d = {.rq = rq,
                       .items = TS_NEW_N(cx->arena, struct ts_deploy_item, n),
                       .n = (int)n,
                       .revert = ts_param_bool(rq->params, "revert")};
    const json_t *a;
    json_array_foreach (apps, i, a) {
        const char *key = ts_arena_printf(cx->arena, "apps[%zu]", i);
        if (ts_param_id(cx, a, "app", &d.items[i].app_id) < 0 ||
            ts_param_revision(cx, json_object_get(a, "revision"),
                              ts_arena_printf(cx->arena, "%s.revision", key),
                              &d.items[i].revision) < 0 ||
            ts_policy_require_app(cx, d.items[i].app_id, TS_PERM_MANAGE) < 0)
            return -1;
    }
    if (d.revert) {
        if (ts_api_tx(cx, deploy_run, &d) < 0)
            return -1;
    } else {
        if (ts_api_tx(cx, deploy_begin, &d) < 0)
            return -1;
        if (ts_api_tx(cx, deploy_run, &d) < 0) {
            struct ts_err failed = cx->err;
            ts_err_clear(cx);
            d.why = failed.message ? failed.message : ts_err_default_message(failed.code, cx->lang);
            if (ts_api_tx(cx, deploy_failed, &d) < 0)
                TS_LOG_ERROR(cx, "app", "a failed deploy could not be marked FAIL");
            cx->err = failed;
            return -1;
        }
    }
    ts_jw_obj(w);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_deploy_status(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t *ids = NULL;
    const char **unused;
    int n;
    if (list_param(cx, rq->params, "apps", true, &ids, &unused, &n) < 0)
        return -1;
    if (n == 0) {
        ts_fail_field(cx, "apps", TS_M_REQUIRED_PARAM);
        return -1;
    }
    ts_jw_obj(w);
    ts_jw_key(w, "apps");
    ts_jw_arr(w);
    for (int i = 0; i < n; i++) {
        if (ts_policy_require_app(cx, ids[i], TS_PERM_MANAGE) < 0)
            return -1;
        struct ts_app_row *r = ts_store_app_row(cx, ids[i]);
        if (!r)
            return cx->err.code
                       ? -1
                       : ts_fail_arg(cx, TS_E_APP_NOT_FOUND,
                                     ts_arena_printf(cx->arena, "%lld", (long long)ids[i]));
        ts_jw_obj(w);
        ts_jw_kid(w, "app", r->id);
        ts_jw_kstr(w, "status", r->deploy_status);
        if (r->deploy_error) /* ours: why a deploy failed, in the caller's words */
            ts_jw_kstr(w, "message", r->deploy_error);
        ts_jw_obj_end(w);
    }
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

/* ---------------------------------------------------------------- settings */

/* Load the settings a request addresses: preview under /preview/, else live. */
static int load(struct ts_ctx *cx, struct ts_api_req *rq, unsigned perm, struct ts_preview *p)
{
    if (rq->preview) /* settings not yet deployed are the managers' */
        perm = TS_PERM_MANAGE;
    int64_t app_id;
    if (ts_param_id(cx, rq->params, "app", &app_id) < 0 ||
        ts_policy_require_app(cx, app_id, perm) < 0)
        return -1;
    return ts_app_settings_load(cx, app_id, rq->preview ? TS_STAGE_PREVIEW : TS_STAGE_LIVE, p);
}

static int64_t stage_revision(const struct ts_api_req *rq, const struct ts_preview *p)
{
    return rq->preview ? p->row->revision : p->row->live_revision;
}

/* Settings are written through /preview/ only, as in kintone. */
static int load_for_write(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_preview *p,
                          int64_t *expected)
{
    if (!rq->preview)
        return ts_fail(cx, TS_E_API_NOT_FOUND, "settings writes need /preview/");
    if (load(cx, rq, TS_PERM_MANAGE, p) < 0)
        return -1;
    return ts_param_revision(cx, json_object_get(rq->params, "revision"), "revision", expected);
}

static int save(struct ts_ctx *cx, struct ts_preview *p, int64_t expected, struct ts_jw *w)
{
    int64_t rev = ts_app_preview_save(cx, p, expected);
    if (rev < 0)
        return -1;
    write_revision(w, rev);
    return 0;
}

int ts_api_acl_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_preview p;
    if (load(cx, rq, TS_PERM_MANAGE, &p) < 0)
        return -1;
    json_t *acl = json_object_get(p.def, "acl");
    json_t *shown = acl ? json_incref(acl) : ts_policy_default_acl();
    ts_jw_obj(w);
    ts_jw_key(w, "rights");
    ts_jw_json(w, shown);
    ts_jw_kid(w, "revision", stage_revision(rq, &p));
    ts_jw_obj_end(w);
    json_decref(shown);
    return 0;
}

int ts_api_acl_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_preview p;
    int64_t expected;
    if (load_for_write(cx, rq, &p, &expected) < 0 ||
        ts_app_acl_put(cx, &p, json_object_get(rq->params, "rights")) < 0)
        return -1;
    return save(cx, &p, expected, w);
}

/* GET record/acl.json and field/acl.json: the rules, [] when there are none. */
static int rules_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w, const char *key)
{
    struct ts_preview p;
    if (load(cx, rq, TS_PERM_MANAGE, &p) < 0)
        return -1;
    json_t *rights = json_object_get(json_object_get(p.def, key), "rights");
    ts_jw_obj(w);
    ts_jw_key(w, "rights");
    if (rights)
        ts_jw_json(w, rights);
    else {
        ts_jw_arr(w);
        ts_jw_arr_end(w);
    }
    ts_jw_kid(w, "revision", stage_revision(rq, &p));
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_record_acl_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return rules_get(cx, rq, w, "recordAcl");
}

int ts_api_field_acl_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return rules_get(cx, rq, w, "fieldAcl");
}

int ts_api_record_acl_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_preview p;
    int64_t expected;
    if (load_for_write(cx, rq, &p, &expected) < 0 ||
        ts_app_record_acl_put(cx, &p, json_object_get(rq->params, "rights")) < 0)
        return -1;
    return save(cx, &p, expected, w);
}

int ts_api_field_acl_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_preview p;
    int64_t expected;
    if (load_for_write(cx, rq, &p, &expected) < 0 ||
        ts_app_field_acl_put(cx, &p, json_object_get(rq->params, "rights")) < 0)
        return -1;
    return save(cx, &p, expected, w);
}

/* GET app/notifications/(general, perRecord, reminder).json: the stored object (or what an app
 * starts with) and the revision. */
static int notify_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w, const char *key,
                      const char *empty)
{
    struct ts_preview p;
    if (load(cx, rq, TS_PERM_MANAGE, &p) < 0)
        return -1;
    json_t *fresh = json_loads(empty, 0, NULL);
    const json_t *stored = json_object_get(p.def, key);
    ts_jw_obj(w);
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)(stored ? stored : fresh), k, v) {
        ts_jw_key(w, k);
        ts_jw_json(w, v);
    }
    ts_jw_kid(w, "revision", stage_revision(rq, &p));
    ts_jw_obj_end(w);
    json_decref(fresh);
    return 0;
}

int ts_api_notify_general_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return notify_get(cx, rq, w, "notifyGeneral",
                      "{\"notifications\": [], \"notifyToCommenter\": false}");
}

int ts_api_notify_per_record_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return notify_get(cx, rq, w, "notifyPerRecord", "{\"notifications\": []}");
}

int ts_api_notify_reminder_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return notify_get(cx, rq, w, "notifyReminder",
                      "{\"notifications\": [], \"timezone\": \"Asia/Tokyo\"}");
}

static int notify_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w,
                      int (*put)(struct ts_ctx *, struct ts_preview *, const json_t *))
{
    struct ts_preview p;
    int64_t expected;
    if (load_for_write(cx, rq, &p, &expected) < 0 || put(cx, &p, rq->params) < 0)
        return -1;
    return save(cx, &p, expected, w);
}

int ts_api_notify_general_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return notify_put(cx, rq, w, ts_app_notify_general_put);
}

int ts_api_notify_per_record_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return notify_put(cx, rq, w, ts_app_notify_per_record_put);
}

int ts_api_notify_reminder_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return notify_put(cx, rq, w, ts_app_notify_reminder_put);
}

int ts_api_settings_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    /* the live settings are for anyone who sees the records (kintone: view or add) */
    struct ts_preview p;
    if (load(cx, rq, TS_PERM_VIEW, &p) < 0)
        return -1;
    ts_jw_obj(w);
    const char *k;
    json_t *v;
    json_object_foreach (json_object_get(p.def, "settings"), k, v) {
        ts_jw_key(w, k);
        ts_jw_json(w, v);
    }
    ts_jw_kid(w, "revision", stage_revision(rq, &p));
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_settings_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_preview p;
    int64_t expected;
    if (load_for_write(cx, rq, &p, &expected) < 0 || ts_app_settings_put(cx, &p, rq->params) < 0)
        return -1;
    return save(cx, &p, expected, w);
}

int ts_api_fields_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_preview p;
    if (load(cx, rq, TS_PERM_VIEW, &p) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_key(w, "properties");
    ts_jw_obj(w);
    const char *code;
    json_t *prop;
    json_object_foreach (json_object_get(p.def, "fields"), code, prop) {
        json_object_del(prop, "_fid"); /* internal: names the column */
        const char *icode;
        json_t *inner;
        json_object_foreach (json_object_get(prop, "fields"), icode, inner)
            json_object_del(inner, "_fid");
        ts_jw_key(w, code);
        ts_jw_json(w, prop);
    }
    ts_jw_obj_end(w);
    ts_jw_kid(w, "revision", stage_revision(rq, &p));
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_fields_add(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_preview p;
    int64_t expected;
    if (load_for_write(cx, rq, &p, &expected) < 0 ||
        ts_app_fields_add(cx, &p, json_object_get(rq->params, "properties")) < 0)
        return -1;
    return save(cx, &p, expected, w);
}

int ts_api_fields_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_preview p;
    int64_t expected;
    if (load_for_write(cx, rq, &p, &expected) < 0 ||
        ts_app_fields_update(cx, &p, json_object_get(rq->params, "properties")) < 0)
        return -1;
    return save(cx, &p, expected, w);
}

int ts_api_fields_delete(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_preview p;
    int64_t expected;
    if (load_for_write(cx, rq, &p, &expected) < 0 ||
        ts_app_fields_delete(cx, &p, json_object_get(rq->params, "fields")) < 0)
        return -1;
    return save(cx, &p, expected, w);
}

int ts_api_layout_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_preview p;
    if (load(cx, rq, TS_PERM_VIEW, &p) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_key(w, "layout");
    ts_jw_json(w, json_object_get(p.def, "layout"));
    ts_jw_kid(w, "revision", stage_revision(rq, &p));
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_layout_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_preview p;
    int64_t expected;
    if (load_for_write(cx, rq, &p, &expected) < 0 ||
        ts_app_layout_put(cx, &p, json_object_get(rq->params, "layout")) < 0)
        return -1;
    return save(cx, &p, expected, w);
}

int ts_api_views_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_preview p;
    if (load(cx, rq, TS_PERM_VIEW, &p) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_key(w, "views");
    ts_jw_json(w, json_object_get(p.def, "views"));
    ts_jw_kid(w, "revision", stage_revision(rq, &p));
    ts_jw_obj_end(w);
    return 0;
}

/* What a PUT of views or graphs answers: each one's id by its name, and the revision. */
static void write_ids(struct ts_jw *w, const char *key, const json_t *named, int64_t rev)
{
    ts_jw_obj(w);
    ts_jw_key(w, key);
    ts_jw_obj(w);
    const char *name;
    json_t *v;
    json_object_foreach ((json_t *)named, name, v) {
        ts_jw_key(w, name);
        ts_jw_obj(w);
        ts_jw_kstr(w, "id", json_string_value(json_object_get(v, "id")));
        ts_jw_obj_end(w);
    }
    ts_jw_obj_end(w);
    ts_jw_kid(w, "revision", rev);
    ts_jw_obj_end(w);
}

int ts_api_views_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct ts_preview p;
    int64_t expected;
    if (load_for_write(cx, rq, &p, &expected) < 0 ||
        ts_app_views_put(cx, &p, json_object_get(rq->params, "views")) < 0)
        return -1;
    int64_t rev = ts_app_preview_save(cx, &p, expected);
    if (rev < 0)
        return -1;
    write_ids(w, "views", json_object_get(p.def, "views"), rev);
    return 0;
}

/* Settings kept by name, each with its id (graphs, print layouts): as kept. */
static int named_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w, const char *key)
{
    struct ts_preview p;
    if (load(cx, rq, TS_PERM_VIEW, &p) < 0)
        return -1;
    const json_t *named = json_object_get(p.def, key);
    ts_jw_obj(w);
    ts_jw_key(w, key);
    if (named)
        ts_jw_json(w, named);
    else
        ts_jw_obj(w), ts_jw_obj_end(w);
    ts_jw_kid(w, "revision", stage_revision(rq, &p));
    ts_jw_obj_end(w);
    return 0;
}

/* ... and replaced by what put() makes of the `key` parameter, answered with their ids. */
static int named_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w, const char *key,
                     int (*put)(struct ts_ctx *, struct ts_preview *, const json_t *))
{
    struct ts_preview p;
    int64_t expected;
    if (load_for_write(cx, rq, &p, &expected) < 0 ||
        put(cx, &p, json_object_get(rq->params, key)) < 0)
        return -1;
    int64_t rev = ts_app_preview_save(cx, &p, expected);
    if (rev < 0)
        return -1;
    write_ids(w, key, json_object_get(p.def, key), rev);
    return 0;
}

/* Graphs (app/reports.json). */
int ts_api_reports_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return named_get(cx, rq, w, "reports");
}

int ts_api_reports_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return named_put(cx, rq, w, "reports", ts_app_reports_put);
}

/* Print layouts (our extension): what a PDF of a record looks like. */
int ts_api_print_templates_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return named_get(cx, rq, w, "printTemplates");
}

int ts_api_print_templates_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return named_put(cx, rq, w, "printTemplates", ts_print_templates_put);
}

/* Public forms and views (our extension): the managers'. Live, each says its
 * address (its token is the address, not a setting). */
static int public_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w, const char *key,
                      const char *param, const char *prefix)
{
    struct ts_preview p;
    if (load(cx, rq, TS_PERM_MANAGE, &p) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_key(w, param);
    ts_jw_arr(w);
    size_t i;
    const json_t *f;
    json_array_foreach (json_object_get(p.def, key), i, f) {
        json_t *out = json_deep_copy(f);
        const char *token = json_string_value(json_object_get(f, "token"));
        json_object_del(out, "token");
        if (json_object_get(out, "passwordHash")) /* said, never shown */
            json_object_set_new(out, "hasPassword", json_true());
        json_object_del(out, "passwordHash");
        json_object_set_new(out, "url",
                            rq->preview
                                ? json_null()
                                : json_string(ts_arena_printf(cx->arena, "%s%s", prefix, token)));
        ts_jw_json(w, out);
        json_decref(out);
    }
    ts_jw_arr_end(w);
    ts_jw_kid(w, "revision", stage_revision(rq, &p));
    ts_jw_obj_end(w);
    return 0;
}

static int public_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w, const char *key,
                      const char *param,
                      int (*put)(struct ts_ctx *, struct ts_preview *, const json_t *))
{
    struct ts_preview p;
    int64_t expected;
    if (load_for_write(cx, rq, &p, &expected) < 0 ||
        put(cx, &p, json_object_get(rq->params, param)) < 0)
        return -1;
    int64_t rev = ts_app_preview_save(cx, &p, expected);
    if (rev < 0 || ts_app_public_pause(cx, p.row->id, key, json_object_get(p.def, key)) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_key(w, param);
    ts_jw_arr(w);
    size_t i;
    const json_t *f;
    json_array_foreach (json_object_get(p.def, key), i, f) {
        ts_jw_obj(w);
        ts_jw_kstr(w, "id", json_string_value(json_object_get(f, "id")));
        ts_jw_obj_end(w);
    }
    ts_jw_arr_end(w);
    ts_jw_kid(w, "revision", rev);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_public_forms_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return public_get(cx, rq, w, "publicForms", "forms", "/public/forms/");
}

int ts_api_public_forms_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return public_put(cx, rq, w, "publicForms", "forms", ts_app_public_forms_put);
}

int ts_api_public_views_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return public_get(cx, rq, w, "publicViews", "views", "/public/views/");
}

int ts_api_public_views_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return public_put(cx, rq, w, "publicViews", "views", ts_app_public_views_put);
}

/* GET/PUT /api/system/app-creators: who may create apps ([] or never set: everyone). */
int ts_api_app_creators_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    (void)rq;
    if (ts_policy_require_admin(cx) < 0)
        return -1;
    const char *text = ts_store_system_get(cx, "appCreators");
    if (!text && cx->err.code)
        return -1;
    json_t *list = text ? json_loads(text, 0, NULL) : json_array();
    ts_jw_obj(w);
    ts_jw_key(w, "entities");
    ts_jw_json(w, list);
    ts_jw_obj_end(w);
    json_decref(list);
    return 0;
}

int ts_api_app_creators_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    if (ts_policy_require_admin(cx) < 0)
        return -1;
    json_t *list = ts_app_entities(cx, json_object_get(rq->params, "entities"), "entities", NULL);
    if (!list)
        return -1;
    char *text = json_dumps(list, JSON_COMPACT);
    json_decref(list);
    int rc = ts_store_system_put(cx, "appCreators", text);
    free(text);
    if (rc < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_obj_end(w);
    return 0;
}
