/*
 * api/dashboard.c - graphs and views pinned to the portal (our extension,
 * README "Dashboard"): each person's own tiles, and the administrators' tiles
 * for everyone. A tile names an app and one of its graphs or views; the portal
 * draws it live through the APIs everyone uses (/api/report/data,
 * records.json), so a tile shows its reader only what they may see. Tiles of
 * apps the reader may not view, or whose graph or view is gone, are left out.
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "base/str.h"
#include "policy/policy.h"
#include "store/store.h"

#define TILES_MAX  24 /* on one person's portal, and for everyone */
#define SHARED_KEY "dashboard.everyone"

static const char *own_key(struct ts_ctx *cx)
{
    return ts_arena_printf(cx->arena, "dashboard.user.%lld", (long long)cx->user->id);
}

static json_t *load(struct ts_ctx *cx, const char *key)
{
    const char *text = ts_store_system_get(cx, key);
    json_t *tiles = text ? json_loads(text, 0, NULL) : NULL;
    if (json_is_array(tiles))
        return tiles;
    json_decref(tiles);
    return json_array();
}

static int save(struct ts_ctx *cx, const char *key, const json_t *tiles)
{
    char *text = json_dumps(tiles, JSON_COMPACT);
    int rc = ts_store_system_put(cx, key, text);
    free(text);
    return rc;
}

/* The graph or view a tile names in the app's live settings, or NULL. */
static const json_t *target(const struct ts_app *app, const char *kind, const char *ref)
{
    const char *name;
    json_t *v;
    json_object_foreach (json_object_get(app->def, ts_str_eq(kind, "report") ? "reports" : "views"),
                         name, v)
        if (ts_str_eq(json_string_value(json_object_get(v, "id")), ref))
            return v;
    return NULL;
}

static void write_tiles(struct ts_ctx *cx, struct ts_jw *w, const json_t *tiles, const char *scope)
{
    size_t i;
    const json_t *t;
    json_array_foreach (tiles, i, t) {
        int64_t app_id;
        const char *kind = json_string_value(json_object_get(t, "kind"));
        const char *ref = json_string_value(json_object_get(t, "ref"));
        if (ts_json_i64(json_object_get(t, "app"), &app_id) < 0 ||
            !(ts_policy_app_perms(cx, app_id) & TS_PERM_VIEW))
            continue;
        const struct ts_app *app = ts_app_get(cx, app_id);
        if (!app) { /* deleted since it was pinned */
            ts_err_clear(cx);
            continue;
        }
        const json_t *v = target(app, kind, ref);
        if (!v)
            continue;
        const json_t *s = json_object_get(app->def, "settings");
        ts_jw_obj(w);
        ts_jw_kstr(w, "id", json_string_value(json_object_get(t, "id")));
        ts_jw_kstr(w, "scope", scope);
        ts_jw_kstr(w, "kind", kind);
        ts_jw_kid(w, "app", app_id);
        ts_jw_kstr(w, "appName", json_string_value(json_object_get(s, "name")));
        ts_jw_kstr(w, "ref", ref);
        ts_jw_kstr(w, "name", json_string_value(json_object_get(v, "name")));
        ts_jw_kstr(w, "type",
                   json_string_value(
                       json_object_get(v, ts_str_eq(kind, "report") ? "chartType" : "type")));
        ts_jw_obj_end(w);
    }
}

int ts_api_dashboard_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    (void)rq;
    json_t *shared = load(cx, SHARED_KEY), *own = load(cx, own_key(cx));
    ts_jw_obj(w);
    ts_jw_key(w, "tiles");
    ts_jw_arr(w);
    write_tiles(cx, w, shared, "everyone");
    write_tiles(cx, w, own, "mine");
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    json_decref(shared);
    json_decref(own);
    return cx->err.code ? -1 : 0;
}

/* The id of the tile under tiles that shows the app's graph or view, or NULL. */
static const char *pinned(const json_t *tiles, int64_t app_id, const char *kind, const char *ref)
{
    size_t i;
    const json_t *t;
    json_array_foreach (tiles, i, t) {
        int64_t a;
        if (ts_json_i64(json_object_get(t, "app"), &a) == 0 && a == app_id &&
            ts_str_eq(json_string_value(json_object_get(t, "kind")), kind) &&
            ts_str_eq(json_string_value(json_object_get(t, "ref")), ref))
            return json_string_value(json_object_get(t, "id"));
    }
    return NULL;
}

/* Pin the app's graph or view (kind, ref) to the tiles under key; pinned
 * already, it stays where it is. Answers the tile's id. */
static int pin(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w, const char *key)
{
    int64_t app_id;
    if (ts_param_id(cx, rq->params, "app", &app_id) < 0)
        return -1;
    const struct ts_app *app = ts_app_get(cx, app_id);
    if (!app)
        return -1;
    const char *kind = ts_param_str(rq->params, "kind");
    const char *ref = ts_param_str(rq->params, "ref");
    if (!ts_str_eq(kind, "report") && !ts_str_eq(kind, "view")) {
        ts_fail_field(cx, "kind", kind ? TS_M_NOT_ENUM : TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (!ref || !target(app, kind, ref)) {
        ts_fail_field(cx, "ref", ref ? TS_M_NOT_FOUND_CODE : TS_M_REQUIRED_PARAM, ref);
        return -1;
    }
    json_t *tiles = load(cx, key);
    const char *id = pinned(tiles, app_id, kind, ref);
    int rc = 0;
    if (id) {
        id = ts_arena_strdup(cx->arena, id); /* tiles is let go below */
    } else if (json_array_size(tiles) >= TILES_MAX) {
        ts_fail_field(cx, "app", TS_M_TOO_MANY_ITEMS, TILES_MAX);
        rc = -1;
    } else {
        int64_t n = ts_store_counter_next(cx, "tile");
        id = ts_arena_printf(cx->arena, "%lld", (long long)n);
        json_array_append_new(tiles,
                              json_pack("{s:s, s:s, s:s, s:s}", "id", id, "app",
                                        ts_arena_printf(cx->arena, "%lld", (long long)app_id),
                                        "kind", kind, "ref", ref));
        rc = n < 0 ? -1 : save(cx, key, tiles);
    }
    json_decref(tiles);
    if (rc < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kstr(w, "id", id);
    ts_jw_obj_end(w);
    return 0;
}

/* Take tile `id` off the tiles under key. */
static int unpin(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w, const char *key)
{
    const char *id = ts_param_str(rq->params, "id");
    if (!id)
        return ts_fail_field(cx, "id", TS_M_REQUIRED_PARAM), -1;
    json_t *tiles = load(cx, key);
    size_t i, at = SIZE_MAX;
    json_t *t;
    json_array_foreach (tiles, i, t)
        if (ts_str_eq(json_string_value(json_object_get(t, "id")), id))
            at = i;
    int rc = -1;
    if (at == SIZE_MAX)
        ts_fail_field(cx, "id", TS_M_NOT_FOUND_CODE, id);
    else if (json_array_remove(tiles, at) == 0)
        rc = save(cx, key, tiles);
    json_decref(tiles);
    if (rc == 0) {
        ts_jw_obj(w);
        ts_jw_obj_end(w);
    }
    return rc;
}

int ts_api_dashboard_pin(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return pin(cx, rq, w, own_key(cx));
}

int ts_api_dashboard_unpin(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return unpin(cx, rq, w, own_key(cx));
}

int ts_api_dashboard_share(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return pin(cx, rq, w, SHARED_KEY);
}

int ts_api_dashboard_unshare(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return unpin(cx, rq, w, SHARED_KEY);
}
