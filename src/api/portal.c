/*
 * api/portal.c - what greets a person after signing in (our extension): the
 * administrators' notice board (お知らせ), the apps they may open with their
 * icons and categories, and 未処理 — the records waiting on them in every app
 * with process management. One request for the whole page.
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "base/str.h"
#include "base/tstime.h"
#include "policy/policy.h"
#include "record/record.h"
#include "store/store.h"

#define NOTICE_KEY    "portalNotice"
#define NOTICE_MAX    65536 /* bytes of HTML */
#define WAITING_SHOWN 5     /* records listed per app; the total is counted */
#define APPS_MAX      1000  /* apps on one portal; search finds the others */

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

struct portal {
    struct ts_jw *w;
    int64_t *ids;    /* the apps the caller may open, in order */
    unsigned *perms; /* and what they may do there */
    int n;
};

static int collect_visible(struct ts_ctx *cx, const struct ts_app_row *r, void *arg)
{
    struct portal *p = arg;
    if (p->n == APPS_MAX || r->live_revision == 0)
        return 0;
    unsigned perms = ts_policy_app_perms(cx, r->id);
    if (cx->err.code)
        return -1;
    if (perms & (TS_PERM_VIEW | TS_PERM_MANAGE)) {
        p->perms[p->n] = perms;
        p->ids[p->n++] = r->id;
    }
    return 0;
}

static const char *or_null(const char *json)
{
    return json ? json : "null";
}

static void write_notice(struct ts_ctx *cx, struct ts_jw *w)
{
    json_t *n = json_loads(or_null(ts_store_system_get(cx, NOTICE_KEY)), 0, NULL);
    ts_jw_key(w, "notice");
    ts_jw_json(w, json_is_object(n) ? n : json_null());
    json_decref(n);
}

static void write_app(struct ts_jw *w, const struct ts_app *app)
{
    const json_t *s = json_object_get(app->def, "settings");
    const json_t *category = json_object_get(s, "category");
    ts_jw_obj(w);
    ts_jw_kid(w, "appId", app->id);
    ts_jw_kstr(w, "name", or_empty(json_string_value(json_object_get(s, "name"))));
    ts_jw_kstr(w, "description", or_empty(json_string_value(json_object_get(s, "description"))));
    ts_jw_key(w, "icon");
    ts_jw_json(w, json_object_get(s, "icon")); /* NULL: null */
    ts_jw_kstr(w, "category", or_empty(json_string_value(category)));
    ts_jw_obj_end(w);
}

/* The field a record is named by: the settings' choice, or the first one-line
 * text field (as the record page shows it). */
static const struct ts_field *title_field(const struct ts_app *app)
{
    const json_t *tf = json_object_get(json_object_get(app->def, "settings"), "titleField");
    const char *code = json_string_value(json_object_get(tf, "code"));
    if (ts_str_eq(json_string_value(json_object_get(tf, "selectionMode")), "MANUAL") && code &&
        *code)
        return ts_app_field(app, code);
    for (int i = 0; i < app->n_fields; i++)
        if (app->fields[i].type == TS_F_SINGLE_LINE_TEXT && !app->fields[i].table)
            return &app->fields[i];
    return NULL;
}

struct waiting {
    struct ts_jw *w;
    const struct ts_app *app;
    const struct ts_field *title;
    struct ts_api_shown shown;
};

static int write_waiting(struct ts_ctx *cx, const struct ts_record *r, void *arg)
{
    struct waiting *wt = arg;
    const bool *want = ts_api_shown_in(cx, wt->app, &wt->shown, r);
    char at[21];
    ts_jw_obj(wt->w);
    ts_jw_kid(wt->w, "id", r->id);
    ts_jw_key(wt->w, "title");
    if (wt->title && (!want || want[ts_app_field_index(wt->app, wt->title)]))
        ts_jw_str(wt->w, or_empty(ts_record_text(cx, wt->app, r, wt->title)));
    else
        ts_jw_null(wt->w);
    ts_jw_kstr(wt->w, "status", or_empty(r->status));
    ts_datetime_format(r->updated, at);
    ts_jw_kstr(wt->w, "updatedTime", at);
    ts_jw_obj_end(wt->w);
    return 0;
}

/* The records of one app waiting on the caller, as they may see them. */
static int write_app_waiting(struct ts_ctx *cx, struct ts_jw *w, const struct ts_app *app)
{
    const char *mine = ts_arena_printf(cx->arena, "%s in (LOGINUSER())", app->assignee->code);
    const char *query =
        ts_arena_printf(cx->arena, "%s order by $id desc limit %d", mine, WAITING_SHOWN);
    struct ts_qplan plan;
    if (ts_api_query_viewable(cx, app, query, &plan) < 0)
        return -1;
    int64_t total = ts_store_records_count(cx, app, &plan);
    if (total <= 0)
        return total < 0 ? -1 : 0;
    struct waiting wt = {w, app, title_field(app), {0}};
    json_t *fields = json_pack("[s]", wt.title ? wt.title->code : "$id");
    ts_arena_defer_decref(cx->arena, fields);
    if (ts_api_shown(cx, app, fields, &wt.shown) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kid(w, "app", app->id);
    ts_jw_kstr(w, "name",
               or_empty(json_string_value(
                   json_object_get(json_object_get(app->def, "settings"), "name"))));
    ts_jw_key(w, "total");
    ts_jw_i64_str(w, total);
    ts_jw_kstr(w, "query", mine); /* the list of them all */
    ts_jw_key(w, "records");
    ts_jw_arr(w);
    if (ts_store_records_select(cx, app, &plan, wt.shown.load, write_waiting, &wt) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_portal_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    (void)rq;
    struct portal p = {w, TS_NEW_N(cx->arena, int64_t, APPS_MAX),
                       TS_NEW_N(cx->arena, unsigned, APPS_MAX), 0};
    struct ts_app_filter all = {.limit = -1};
    if (ts_store_app_each(cx, &all, collect_visible, &p) < 0)
        return -1;
    const struct ts_app **apps = TS_NEW_N(cx->arena, const struct ts_app *, (size_t)p.n + 1);
    for (int i = 0; i < p.n; i++)
        if (!(apps[i] = ts_app_get(cx, p.ids[i])))
            return -1;
    ts_jw_obj(w);
    write_notice(cx, w);
    ts_jw_key(w, "apps");
    ts_jw_arr(w);
    for (int i = 0; i < p.n; i++)
        write_app(w, apps[i]);
    ts_jw_arr_end(w);
    ts_jw_key(w, "waiting");
    ts_jw_arr(w);
    for (int i = 0; i < p.n; i++) {
        /* a manager who may not view records has nothing waiting to open */
        if (apps[i]->process && apps[i]->assignee && (p.perms[i] & TS_PERM_VIEW) &&
            write_app_waiting(cx, w, apps[i]) < 0)
            return -1;
    }
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return cx->err.code ? -1 : 0;
}

int ts_api_portal_notice_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const json_t *html = json_object_get(rq->params, "html");
    if (!json_is_string(html)) {
        ts_fail_field(cx, "html", html ? TS_M_NOT_STRING : TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (json_string_length(html) > NOTICE_MAX) {
        ts_fail_field(cx, "html", TS_M_TOO_LONG, NOTICE_MAX);
        return -1;
    }
    char at[21];
    ts_datetime_format(cx->now, at);
    const char *clean = ts_html_sanitize(cx, json_string_value(html));
    json_t *notice =
        json_pack("{s:s, s:s, s:{s:s, s:s}}", "html", or_empty(clean), "updatedAt", at, "updatedBy",
                  "code", cx->user->code, "name", cx->user->name ? cx->user->name : cx->user->code);
    char *text = json_dumps(notice, JSON_COMPACT);
    int rc = ts_store_system_put(cx, NOTICE_KEY, text);
    free(text);
    if (rc == 0) {
        ts_jw_obj(w);
        ts_jw_key(w, "notice");
        ts_jw_json(w, notice);
        ts_jw_obj_end(w);
    }
    json_decref(notice);
    return rc;
}
