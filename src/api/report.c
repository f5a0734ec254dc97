/*
 * api/report.c - GET /api/report/data (our extension): a graph's numbers,
 * for the browser's charts and for scripts. The graph is a deployed one
 * (`id`), or one being built (`report`: its settings as JSON text, checked
 * as app/reports.json checks them). Counted in the database in one grouped
 * query, under the caller's rights: only the records they may view, and only
 * by fields they may see everywhere (a field some records hide is refused,
 * as if it did not exist).
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "base/busy.h"
#include "base/str.h"
#include "base/tstime.h"
#include "policy/policy.h"
#include "store/store.h"

#include <time.h>

#define MAX_GROUPS_CHART 500   /* kintone draws a chart's first 500 groups */
#define MAX_GROUPS_TABLE 10000 /* and a table's first 10,000 rows */

static const char *const AGGS[] = {"COUNT", "SUM", "AVERAGE", "MAX", "MIN"};

/* Graphs one person may have counted at once on this server: a graph being
 * built reads every record it selects (two seconds at a million), so a
 * colleague asking for many cannot hold every thread; a deployed graph is
 * mostly answered from the totals remembered, and a dashboard asks for
 * several together. */
#define AT_ONCE_BUILT    3
#define AT_ONCE_DEPLOYED 8

/* The graph asked for: a deployed one by id, or settings being tried. */
static json_t *graph(struct ts_ctx *cx, const struct ts_app *app, const json_t *params)
{
    const char *text = ts_param_str(params, "report");
    if (text) {
        json_error_t e;
        json_t *in = json_loads(text, 0, &e);
        json_t *out = in ? ts_app_report_check(cx, app, in) : NULL;
        if (!in)
            ts_fail_field(cx, "report", TS_M_NOT_OBJECT);
        json_decref(in);
        return out;
    }
    const char *id = ts_param_str(params, "id");
    if (!id) {
        ts_fail_field(cx, "id", TS_M_REQUIRED_PARAM);
        return NULL;
    }
    const char *name;
    json_t *r;
    json_object_foreach (json_object_get(app->def, "reports"), name, r)
        if (ts_str_eq(json_string_value(json_object_get(r, "id")), id))
            return json_incref(r);
    ts_fail_field(cx, "id", TS_M_NOT_FOUND_CODE, id);
    return NULL;
}

/* A field the graph uses: one the caller sees in every record. */
static const struct ts_field *usable(struct ts_ctx *cx, const struct ts_app *app,
                                     const char *access, const char *code)
{
    const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
    if (f && access) {
        char a = access[ts_app_field_index(app, f)];
        if (a == TS_FIELD_NONE || a == TS_FIELD_BY_RECORD)
            f = NULL;
    }
    if (!f)
        ts_fail_arg(cx, TS_E_QUERY_NO_FIELD, code ? code : "");
    return f;
}

/* Seconds zone tz is ahead of UTC now: its clock read as if it were UTC. */
static int64_t zone_offset(const char *tz, int64_t now)
{
    struct tm local;
    ts_tz_local(tz, now, &local);
    return ts_tz_epoch("UTC", &local) - now;
}

struct rows {
    struct ts_jw *w;
    int n_groups, n_values;
    int64_t n, limit;
};

static int write_row(struct ts_ctx *cx, const char *const *keys, const char *const *values,
                     void *arg)
{
    (void)cx;
    struct rows *r = arg;
    if (r->n++ == r->limit)
        return 0; /* the one past the limit: there are more */
    ts_jw_obj(r->w);
    ts_jw_key(r->w, "keys");
    ts_jw_arr(r->w);
    for (int i = 0; i < r->n_groups; i++)
        ts_jw_str(r->w, keys[i]);
    ts_jw_arr_end(r->w);
    ts_jw_key(r->w, "values");
    ts_jw_arr(r->w);
    for (int i = 0; i < r->n_values; i++)
        ts_jw_str(r->w, values[i]);
    ts_jw_arr_end(r->w);
    ts_jw_obj_end(r->w);
    return 0;
}

int ts_api_report_data(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_VIEW);
    if (!app)
        return -1;
    bool built = ts_param_str(rq->params, "report") != NULL;
    const char *key =
        ts_arena_printf(cx->arena, "%c%s", built ? 'b' : 'd', ts_policy_caller_key(cx));
    if (!ts_busy_hold(cx->arena, key, built ? AT_ONCE_BUILT : AT_ONCE_DEPLOYED))
        return ts_fail(cx, TS_E_GRAPHS_BUSY, "graphs at once: %s", key);
    json_t *g = graph(cx, app, rq->params);
    if (!g)
        return -1;
    ts_arena_defer_decref(cx->arena, g);
    struct ts_qplan plan;
    const char *filter = json_string_value(json_object_get(g, "filterCond"));
    if (ts_api_query_viewable(cx, app, filter ? filter : "", &plan) < 0)
        return -1;
    const char *access = ts_policy_fields(cx, app);
    if (cx->err.code)
        return -1;
    const json_t *groups = json_object_get(g, "groups"), *aggs = json_object_get(g, "aggregations"),
                 *sorts = json_object_get(g, "sorts");
    int ng = (int)json_array_size(groups), nv = (int)json_array_size(aggs);
    int ns = (int)json_array_size(sorts);
    struct ts_report_group *gs = TS_NEW_N(cx->arena, struct ts_report_group, (size_t)ng + 1);
    struct ts_report_value *vs = TS_NEW_N(cx->arena, struct ts_report_value, (size_t)nv + 1);
    struct ts_report_sort *ss = TS_NEW_N(cx->arena, struct ts_report_sort, (size_t)ns + 1);
    for (int i = 0; i < ng; i++) {
        const json_t *x = json_array_get(groups, (size_t)i);
        if (!(gs[i].f = usable(cx, app, access, json_string_value(json_object_get(x, "code")))))
            return -1;
        gs[i].per = json_string_value(json_object_get(x, "per"));
    }
    for (int i = 0; i < nv; i++) {
        const json_t *x = json_array_get(aggs, (size_t)i);
        const char *type = json_string_value(json_object_get(x, "type"));
        for (int k = 0; k < (int)TS_ARRAY_LEN(AGGS); k++)
            if (ts_str_eq(type, AGGS[k]))
                vs[i].agg = (enum ts_report_agg)k;
        if (vs[i].agg != TS_AGG_COUNT &&
            !(vs[i].f = usable(cx, app, access, json_string_value(json_object_get(x, "code")))))
            return -1;
    }
    for (int i = 0; i < ns; i++) {
        const json_t *x = json_array_get(sorts, (size_t)i);
        const char *by = json_string_value(json_object_get(x, "by"));
        ss[i].group = ts_str_eq(by, "TOTAL") ? -1 : by[5] - '1';
        ss[i].desc = ts_str_eq(json_string_value(json_object_get(x, "order")), "DESC");
    }
    const char *type = json_string_value(json_object_get(g, "chartType"));
    bool table = ts_str_eq(type, "TABLE") || ts_str_eq(type, "PIVOT_TABLE");
    int64_t limit = table ? MAX_GROUPS_TABLE : MAX_GROUPS_CHART;
    const char *tz = cx->user && cx->user->tz ? cx->user->tz : "Asia/Tokyo";

    ts_jw_obj(w);
    ts_jw_kstr(w, "chartType", type);
    ts_jw_key(w, "chartMode");
    ts_jw_json(w, json_object_get(g, "chartMode"));
    ts_jw_key(w, "groups");
    ts_jw_arr(w);
    for (int i = 0; i < ng; i++) {
        ts_jw_obj(w);
        ts_jw_kstr(w, "code", gs[i].f->code);
        ts_jw_kstr(w, "label", gs[i].f->label);
        ts_jw_kstr(w, "type", ts_ftypes[gs[i].f->type].name);
        ts_jw_key(w, "per");
        ts_jw_str(w, gs[i].per);
        ts_jw_obj_end(w);
    }
    ts_jw_arr_end(w);
    ts_jw_key(w, "aggregations");
    ts_jw_arr(w);
    for (int i = 0; i < nv; i++) {
        ts_jw_obj(w);
        ts_jw_kstr(w, "type", AGGS[vs[i].agg]);
        ts_jw_key(w, "code");
        ts_jw_str(w, vs[i].f ? vs[i].f->code : NULL);
        ts_jw_key(w, "label");
        ts_jw_str(w, vs[i].f ? vs[i].f->label : NULL);
        ts_jw_obj_end(w);
    }
    ts_jw_arr_end(w);
    ts_jw_key(w, "rows");
    ts_jw_arr(w);
    struct rows r = {w, ng, nv, 0, limit};
    if (ts_store_records_report(cx, app, &plan, gs, ng, vs, nv, ss, ns, tz,
                                zone_offset(tz, cx->now), limit + 1, write_row, &r) < 0)
        return -1;
    ts_jw_arr_end(w);
    /* one row more than shown was asked for: whether there are more groups */
    ts_jw_kbool(w, "truncated", r.n > limit);
    ts_jw_obj_end(w);
    return 0;
}
