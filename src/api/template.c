/*
 * api/template.c - a new app made from an app template (our extension): the
 * settings another app's managers read from the settings API — fields,
 * layout, views, general settings, process management — written to a new app
 * through the same settings API, so each part is checked as if it were sent
 * on its own, and all in one transaction: the app is made whole or not at
 * all. Reusing an app here (他のアプリを再利用) is the browser reading one
 * app's settings and sending them here; sharing one with another city is
 * that template saved as a file. Rights and notifications name people of
 * this installation and are not part of a template; the new app starts with
 * the default rights, as a new app does. The new app is a preview: the
 * caller deploys it, then adds the template's records, if any, as records.
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "base/str.h"

#define FORMAT "tsumiki-app-template/1"

typedef int handler_fn(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w);

/* Run one settings handler as the caller, on the new app's preview. */
static int put(struct ts_ctx *cx, struct ts_api_req *outer, handler_fn *fn, enum ts_method m,
               json_t *params)
{
    struct ts_api_req rq = {.method = m,
                            .http_method = m,
                            .params = params,
                            .preview = true,
                            .auth = outer->auth,
                            .route = outer->route};
    struct ts_buf b;
    ts_buf_init(&b);
    struct ts_jw w;
    ts_jw_init(&w, &b);
    int rc = fn(cx, &rq, &w);
    ts_buf_release(&b);
    json_decref(params);
    return rc;
}

/* The code of the field of a system type among an app's fields, or NULL. */
static const char *system_code(const json_t *fields, const char *type)
{
    const char *code;
    const json_t *f;
    json_object_foreach ((json_t *)fields, code, f)
        if (ts_str_eq(json_string_value(json_object_get(f, "type")), type))
            return code;
    return NULL;
}

static bool is_system(const char *type)
{
    int t = type ? ts_ftype_from_name(type) : -1;
    return t >= 0 && ts_ftypes[t].kind == TS_K_SYS;
}

/* The template's fields: its own added, and the system fields the new app
 * already has renamed to the template's codes and labels (views name them). */
static int fields(struct ts_ctx *cx, struct ts_api_req *rq, int64_t app, const json_t *props)
{
    struct ts_preview made;
    if (ts_app_settings_load(cx, app, TS_STAGE_PREVIEW, &made) < 0)
        return -1;
    const json_t *made_fields = json_object_get(made.def, "fields");
    json_t *added = json_object(), *renamed = json_object();
    const char *code;
    const json_t *p;
    json_object_foreach ((json_t *)props, code, p) {
        const char *type = json_string_value(json_object_get(p, "type"));
        if (!is_system(type)) {
            json_object_set(added, code, (json_t *)p);
            continue;
        }
        const char *mine = system_code(made_fields, type);
        if (mine && strcmp(mine, code) != 0)
            json_object_set_new(
                renamed, mine,
                json_pack("{s:s, s:O?}", "code", code, "label", json_object_get(p, "label")));
    }
    int rc = 0;
    if (json_object_size(renamed))
        rc = put(cx, rq, ts_api_fields_put, TS_PUT,
                 json_pack("{s:I, s:O}", "app", (json_int_t)app, "properties", renamed));
    if (rc == 0 && json_object_size(added))
        rc = put(cx, rq, ts_api_fields_add, TS_POST,
                 json_pack("{s:I, s:O}", "app", (json_int_t)app, "properties", added));
    json_decref(added);
    json_decref(renamed);
    return rc;
}

/* The general settings as PUT app/settings.json takes them, under the new name. */
static json_t *settings_params(const json_t *settings, json_int_t app, const char *name)
{
    json_t *p = json_deep_copy(settings);
    json_object_del(p, "revision");
    json_object_set_new(p, "app", json_integer(app));
    json_object_set_new(p, "name", json_string(name));
    return p;
}

int ts_api_app_from_template(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const json_t *tpl = json_object_get(rq->params, "template");
    if (!json_is_object(tpl)) {
        ts_fail_field(cx, "template", tpl ? TS_M_NOT_OBJECT : TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (!ts_str_eq(json_string_value(json_object_get(tpl, "format")), FORMAT)) {
        ts_fail_field(cx, "template.format", TS_M_NOT_ENUM);
        return -1;
    }
    const json_t *settings = json_object_get(tpl, "settings");
    const char *name = ts_param_str(rq->params, "name");
    if (!name)
        name = json_string_value(json_object_get(settings, "name"));
    /* made as POST preview/app.json makes one (rights, name checked), then filled */
    json_t *create = json_pack("{s:s?}", "name", name);
    json_t *saved = rq->params;
    rq->params = create;
    struct ts_buf b;
    ts_buf_init(&b);
    struct ts_jw cw;
    ts_jw_init(&cw, &b);
    int rc = ts_api_app_create(cx, rq, &cw);
    rq->params = saved;
    json_decref(create);
    json_t *made = rc == 0 ? json_loadb(b.p, b.len, 0, NULL) : NULL;
    ts_buf_release(&b);
    int64_t app = 0;
    rc = made ? ts_json_i64(json_object_get(made, "app"), &app) : -1;
    json_decref(made);
    if (rc < 0 || app <= 0)
        return -1;
    json_int_t id = (json_int_t)app;
    const json_t *v;
    if (((v = json_object_get(tpl, "properties")) && fields(cx, rq, app, v) < 0) ||
        ((v = json_object_get(tpl, "layout")) &&
         put(cx, rq, ts_api_layout_put, TS_PUT, json_pack("{s:I, s:O}", "app", id, "layout", v)) <
             0) ||
        ((v = json_object_get(tpl, "views")) &&
         put(cx, rq, ts_api_views_put, TS_PUT, json_pack("{s:I, s:O}", "app", id, "views", v)) <
             0) ||
        (settings &&
         put(cx, rq, ts_api_settings_put, TS_PUT, settings_params(settings, id, name)) < 0) ||
        ((v = json_object_get(tpl, "reports")) &&
         put(cx, rq, ts_api_reports_put, TS_PUT, json_pack("{s:I, s:O}", "app", id, "reports", v)) <
             0) ||
        ((v = json_object_get(tpl, "status")) &&
         put(cx, rq, ts_api_status_put, TS_PUT,
             json_pack("{s:I, s:O?, s:O?, s:O?}", "app", id, "enable", json_object_get(v, "enable"),
                       "states", json_object_get(v, "states"), "actions",
                       json_object_get(v, "actions"))) < 0))
        return -1;
    ts_jw_obj(w);
    ts_jw_kid(w, "app", app);
    ts_jw_obj_end(w);
    return 0;
}
