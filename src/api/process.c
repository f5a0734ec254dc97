/*
 * api/process.c - process management (KINTONE-API.md §5.1, §7.5): the
 * settings (app/status.json), running an action on a record
 * (record/status.json, records/status.json, all or nothing), and changing who
 * must act (record/assignees.json).
 *
 * An action runs from its `from` status, by one of the record's assignees
 * (anyone, while it has none), on a record its filter accepts. The next
 * status's assignees are its entities resolved against the record: users,
 * groups' and departments' members, the creator, a user field's values. With
 * ONE the caller names the assignee when there is a choice; with ANY any of
 * them acts for all; with ALL each acts in turn and the record moves on when
 * the last one has. Each action moves the revision up by 2.
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "base/str.h"
#include "record/record.h"
#include "store/store.h"

#define MAX_BATCH 100

int ts_api_status_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t app_id;
    struct ts_preview p;
    if (ts_param_id(cx, rq->params, "app", &app_id) < 0 ||
        ts_policy_require_app(cx, app_id, rq->preview ? TS_PERM_MANAGE : TS_PERM_VIEW) < 0 ||
        ts_app_settings_load(cx, app_id, rq->preview ? TS_STAGE_PREVIEW : TS_STAGE_LIVE, &p) < 0)
        return -1;
    const json_t *pr = json_object_get(p.def, "process");
    ts_jw_obj(w);
    ts_jw_kbool(w, "enable", json_is_true(json_object_get(pr, "enable")));
    ts_jw_key(w, "states");
    ts_jw_json(w, json_object_get(pr, "states") ? json_object_get(pr, "states") : json_null());
    ts_jw_key(w, "actions");
    ts_jw_json(w, json_object_get(pr, "actions") ? json_object_get(pr, "actions") : json_null());
    ts_jw_kid(w, "revision", rq->preview ? p.row->revision : p.row->live_revision);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_status_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t app_id, expected, rev;
    struct ts_preview p;
    if (!rq->preview)
        return ts_fail(cx, TS_E_API_NOT_FOUND, "settings writes need /preview/");
    if (ts_param_id(cx, rq->params, "app", &app_id) < 0 ||
        ts_policy_require_app(cx, app_id, TS_PERM_MANAGE) < 0 ||
        ts_app_settings_load(cx, app_id, TS_STAGE_PREVIEW, &p) < 0 ||
        ts_param_revision(cx, json_object_get(rq->params, "revision"), "revision", &expected) < 0 ||
        ts_app_process_put(cx, &p, rq->params) < 0 ||
        (rev = ts_app_preview_save(cx, &p, expected)) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kid(w, "revision", rev);
    ts_jw_obj_end(w);
    return 0;
}

/* ---------------------------------------------------------------- who must act */

static bool listed(const char *const *codes, int n, const char *code)
{
    for (int i = 0; i < n; i++)
        if (ts_str_eq(codes[i], code))
            return true;
    return false;
}

/* Does the record meet an action's filter? */
static int accepts(struct ts_ctx *cx, const struct ts_app *app, int64_t id, const char *fc)
{
    if (!fc || !*fc)
        return 1;
    struct ts_qplan plan;
    struct ts_query_env env = ts_policy_query_env(cx);
    if (ts_query_plan(cx, app, ts_arena_printf(cx->arena, "$id = %lld and (%s)", (long long)id, fc),
                      TS_QUERY_FILTER, &env, &plan) < 0)
        return -1;
    int64_t n = ts_store_records_count(cx, app, &plan);
    return n < 0 ? -1 : n > 0;
}

/* May the caller run the actions of record r's status: one of those who must
 * act (anyone who sees the record when nobody must), or an administrator? */
static bool may_act(struct ts_ctx *cx, const struct ts_record *r)
{
    const char *me = cx->user ? cx->user->code : "";
    return r->n_assignees == 0 || listed(r->assignees, r->n_assignees, me) ||
           ts_policy_is_admin(cx);
}

/* Run one action: {id, action, assignee?, revision?}. */
static int act(struct ts_ctx *cx, const struct ts_app *app, const json_t *item, const char *key,
               int64_t *id, int64_t *rev)
{
    if (!app->process)
        return ts_fail(cx, TS_E_PROCESS_OFF, "process management off");
    int64_t expected;
    const char *name = json_string_value(json_object_get(item, "action"));
    if (ts_json_i64(json_object_get(item, "id"), id) < 0 || *id < 1) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%sid", key), TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (!name) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%saction", key), TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (ts_param_revision(cx, json_object_get(item, "revision"), "revision", &expected) < 0 ||
        ts_api_record_allowed(cx, app, *id, TS_RR_VIEW) < 0)
        return -1;
    struct ts_record *r = ts_record_load(cx, app, *id);
    if (!r)
        return -1;
    const json_t *action = NULL;
    size_t i;
    const json_t *a;
    json_array_foreach (json_object_get(app->process, "actions"), i, a)
        if (ts_str_eq(json_string_value(json_object_get(a, "name")), name) &&
            ts_str_eq(json_string_value(json_object_get(a, "from")), r->status))
            action = a;
    if (!action)
        return ts_fail_arg(cx, TS_E_STATUS_CHANGED, name);
    if (!may_act(cx, r))
        return ts_fail(cx, TS_E_NOT_ASSIGNEE, "not an assignee");
    int ok = accepts(cx, app, *id, json_string_value(json_object_get(action, "filterCond")));
    if (ok <= 0)
        return ok < 0 ? -1 : ts_fail_arg(cx, TS_E_STATUS_CHANGED, name);
    const char *me = cx->user ? cx->user->code : "";
    const json_t *states = json_object_get(app->process, "states");
    const char *from = r->status;
    /* ALL: each assignee acts; the record waits for the last one */
    const char *from_type = json_string_value(
        json_object_get(json_object_get(json_object_get(states, from), "assignee"), "type"));
    if (ts_str_eq(from_type, "ALL") && r->n_assignees > 1 &&
        listed(r->assignees, r->n_assignees, me)) {
        const char **rest = TS_NEW_N(cx->arena, const char *, (size_t)r->n_assignees);
        int n = 0;
        for (int k = 0; k < r->n_assignees; k++)
            if (!ts_str_eq(r->assignees[k], me))
                rest[n++] = r->assignees[k];
        return ts_record_set_status(cx, app, *id, expected, NULL, rest, n, 1, rev);
    }
    const char *to = json_string_value(json_object_get(action, "to"));
    const json_t *next = json_object_get(json_object_get(states, to), "assignee");
    struct ts_people p = {0};
    if (ts_people_add_entities(cx, app, r, json_object_get(next, "entities"), &p) < 0)
        return -1;
    const char *chosen = json_string_value(json_object_get(item, "assignee"));
    if (ts_str_eq(json_string_value(json_object_get(next, "type")), "ONE")) {
        if (chosen && *chosen) {
            if (!ts_people_has(&p, chosen)) {
                ts_fail_field(cx, ts_arena_printf(cx->arena, "%sassignee", key), TS_M_NOT_ENUM);
                return -1;
            }
            p.codes[0] = chosen;
            p.n = 1;
        } else if (p.n > 1) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%sassignee", key), TS_M_REQUIRED_PARAM);
            return -1;
        }
    }
    return ts_record_set_status(cx, app, *id, expected, to, p.codes, p.n, 2, rev);
}

int ts_api_record_status(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_VIEW);
    int64_t id, rev;
    if (!app || act(cx, app, rq->params, "", &id, &rev) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kid(w, "revision", rev);
    ts_jw_obj_end(w);
    return 0;
}

/* GET /api/record/actions?app=&id= (ours): the actions the caller may run on
 * the record now, in the settings' order, so that a page offers only those. */
int ts_api_record_actions(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_VIEW);
    int64_t id;
    if (!app || ts_param_id(cx, rq->params, "id", &id) < 0 ||
        ts_api_record_allowed(cx, app, id, TS_RR_VIEW) < 0)
        return -1;
    struct ts_record *r = ts_record_load(cx, app, id);
    if (!r)
        return -1;
    bool mine = app->process && may_act(cx, r);
    ts_jw_obj(w);
    ts_jw_key(w, "actions");
    ts_jw_arr(w);
    size_t i;
    const json_t *a;
    json_array_foreach (mine ? json_object_get(app->process, "actions") : NULL, i, a) {
        if (!ts_str_eq(json_string_value(json_object_get(a, "from")), r->status))
            continue;
        int ok = accepts(cx, app, id, json_string_value(json_object_get(a, "filterCond")));
        if (ok < 0)
            return -1;
        if (ok) {
            ts_jw_obj(w);
            ts_jw_kstr(w, "name", json_string_value(json_object_get(a, "name")));
            ts_jw_kstr(w, "to", json_string_value(json_object_get(a, "to")));
            ts_jw_kstr(w, "type", json_string_value(json_object_get(a, "type")));
            ts_jw_obj_end(w);
        }
    }
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_records_status(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_VIEW);
    const json_t *list = json_object_get(rq->params, "records");
    if (!app)
        return -1;
    if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > MAX_BATCH) {
        ts_fail_field(cx, "records",
                      json_is_array(list) && json_array_size(list) ? TS_M_TOO_MANY_RECORDS
                                                                   : TS_M_REQUIRED_PARAM,
                      MAX_BATCH);
        return -1;
    }
    size_t n = json_array_size(list), i;
    int64_t *ids = TS_NEW_N(cx->arena, int64_t, n), *revs = TS_NEW_N(cx->arena, int64_t, n);
    const json_t *item;
    json_array_foreach (list, i, item)
        if (act(cx, app, item, ts_arena_printf(cx->arena, "records[%zu].", i), &ids[i], &revs[i]) <
            0)
            return -1; /* all or nothing: the request's transaction rolls back */
    ts_jw_obj(w);
    ts_jw_key(w, "records");
    ts_jw_arr(w);
    for (i = 0; i < n; i++) {
        ts_jw_obj(w);
        ts_jw_kid(w, "id", ids[i]);
        ts_jw_kid(w, "revision", revs[i]);
        ts_jw_obj_end(w);
    }
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

/* Who may hand a record to others: the app's managers (kintone's rule), and
 * whoever is working on it now. Anyone else could make themselves the
 * assignee and approve their own request. */
static int may_reassign(struct ts_ctx *cx, const struct ts_app *app, int64_t id)
{
    if (ts_policy_app_perms(cx, app->id) & TS_PERM_MANAGE)
        return 0;
    if (cx->err.code)
        return -1;
    struct ts_record *r = ts_record_load(cx, app, id);
    if (!r)
        return -1;
    if (r->n_assignees > 0 && listed(r->assignees, r->n_assignees, cx->user->code))
        return 0;
    return ts_fail(cx, TS_E_NO_PERMISSION, "only managers and assignees change assignees");
}

/* PUT record/assignees.json {app, id, assignees:[codes], revision?} */
int ts_api_record_assignees(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_EDIT);
    int64_t id, expected, rev;
    if (!app || ts_param_id(cx, rq->params, "id", &id) < 0 ||
        ts_param_revision(cx, json_object_get(rq->params, "revision"), "revision", &expected) < 0)
        return -1;
    if (!app->process)
        return ts_fail(cx, TS_E_PROCESS_OFF, "process management off");
    const json_t *codes = json_object_get(rq->params, "assignees");
    if (!json_is_array(codes) || json_array_size(codes) > 100) {
        ts_fail_field(cx, "assignees", TS_M_NOT_ARRAY);
        return -1;
    }
    struct ts_people p = {0};
    size_t i;
    const json_t *c;
    json_array_foreach (codes, i, c) {
        const char *code = json_string_value(c);
        if (!code || !ts_store_user_by_code(cx, code))
            return cx->err.code ? -1 : ts_fail_arg(cx, TS_E_USER_NOT_FOUND, code ? code : "");
        ts_people_add(cx, &p, code);
    }
    if (ts_api_record_allowed(cx, app, id, TS_RR_EDIT) < 0 || may_reassign(cx, app, id) < 0 ||
        ts_record_set_status(cx, app, id, expected, NULL, p.codes, p.n, 1, &rev) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kid(w, "revision", rev);
    ts_jw_obj_end(w);
    return 0;
}
