/*
 * app/process.c - process management settings (app/status.json,
 * KINTONE-API.md §7.5): statuses, each with who must act while a record is in
 * it, and actions that move a record from one status to another. Kept with
 * the preview settings and deployed with them.
 */
#include "base/common.h"
#include "app/app.h"
#include "base/str.h"
#include "query/query.h"
#include "store/store.h"

static const char *const ASSIGNEE_TYPES[] = {"ONE", "ALL", "ANY", NULL};
static const char *const ENTITY_TYPES[] = {"USER",         "GROUP",   "ORGANIZATION",
                                           "FIELD_ENTITY", "CREATOR", NULL};

static bool one_of(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (!strcmp(s, *list))
            return true;
    return false;
}

static int index_of(const json_t *state)
{
    const json_t *v = json_object_get(state, "index");
    int64_t n = 0;
    if (json_is_integer(v))
        n = json_integer_value(v);
    else if (json_is_string(v))
        ts_parse_i64(json_string_value(v), &n);
    return (int)n;
}

const char *ts_app_first_status(const struct ts_app *app, bool *creator_acts)
{
    const json_t *best = NULL;
    const char *name;
    const json_t *st;
    json_object_foreach ((json_t *)json_object_get(app->process, "states"), name, st)
        if (!best || index_of(st) < index_of(best))
            best = st;
    *creator_acts =
        json_array_size(json_object_get(json_object_get(best, "assignee"), "entities")) == 1;
    return json_string_value(json_object_get(best, "name"));
}

/* Process management deployed on an app with records: those with no status, or
 * one the settings no longer have, go to the first status, as on kintone. */
int ts_app_start_process(struct ts_ctx *cx, const struct ts_app *app)
{
    const json_t *states = json_object_get(app->process, "states");
    const char **names = TS_NEW_N(cx->arena, const char *, json_object_size(states) + 1);
    int n = 0;
    const char *name;
    const json_t *st;
    json_object_foreach ((json_t *)states, name, st)
        names[n++] = name;
    bool creator_acts;
    const char *first = ts_app_first_status(app, &creator_acts);
    return first ? ts_store_rtable_start_process(cx, app, first, names, n, creator_acts) : 0;
}

static int collect_app(struct ts_ctx *cx, const struct ts_app_row *r, void *arg)
{
    (void)cx;
    struct ts_buf *ids = arg;
    if (r->live_revision > 0)
        ts_buf_add(ids, &r->id, sizeof(r->id));
    return 0;
}

/* Once per database: who must act on records written before it was kept by
 * value gets those rows, so `作業者 in (...)` is an index lookup. */
int ts_app_index_assignees(struct ts_ctx *cx)
{
    int64_t done = ts_store_counter_get(cx, "assignees.indexed");
    if (done != 0)
        return done < 0 ? -1 : 0;
    struct ts_buf ids;
    ts_buf_init(&ids);
    struct ts_app_filter all = {.limit = -1};
    int rc = ts_store_app_each(cx, &all, collect_app, &ids);
    for (size_t i = 0; rc == 0 && i < ids.len / sizeof(int64_t); i++) {
        int64_t id;
        memcpy(&id, ids.p + i * sizeof(id), sizeof(id));
        const struct ts_app *app = ts_app_get(cx, id);
        rc = !app ? -1 : app->assignee ? ts_store_rtable_index_assignees(cx, app) : 0;
    }
    ts_buf_release(&ids);
    return rc < 0 || ts_store_counter_next(cx, "assignees.indexed") < 0 ? -1 : 0;
}

static json_t *norm_assignee(struct ts_ctx *cx, const json_t *a, const char *key, bool first)
{
    const char *type = json_string_value(json_object_get(a, "type"));
    if (!a || json_is_null(a))
        type = "ONE";
    if (!one_of(type, ASSIGNEE_TYPES)) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.type", key), TS_M_NOT_ENUM);
        return NULL;
    }
    json_t *list = json_array();
    size_t i;
    const json_t *e;
    json_array_foreach (json_object_get(a, "entities"), i, e) {
        const json_t *entity = json_object_get(e, "entity");
        const char *et = json_string_value(json_object_get(entity, "type"));
        const char *code = json_string_value(json_object_get(entity, "code"));
        const char *ekey = ts_arena_printf(cx->arena, "%s.entities[%zu].entity", key, i);
        if (!one_of(et, ENTITY_TYPES)) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.type", ekey), TS_M_NOT_ENUM);
            continue;
        }
        bool creator = !strcmp(et, "CREATOR");
        if (!creator && (!code || !*code)) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.code", ekey), TS_M_REQUIRED_PARAM);
            continue;
        }
        json_array_append_new(list,
                              json_pack("{s:{s:s, s:o}, s:b}", "entity", "type", et, "code",
                                        creator ? json_null() : json_string(code), "includeSubs",
                                        json_is_true(json_object_get(e, "includeSubs"))));
    }
    /* a record starts in the first status: one assignee, the creator or nobody */
    if (first && (strcmp(type, "ONE") != 0 || json_array_size(list) > 1 ||
                  (json_array_size(list) == 1 &&
                   !ts_str_eq(json_string_value(json_object_get(
                                  json_object_get(json_array_get(list, 0), "entity"), "type")),
                              "CREATOR"))))
        ts_fail_field(cx, key, TS_M_NOT_ENUM);
    return json_pack("{s:s, s:o}", "type", type, "entities", list);
}

/* Does the plan mention the status field (an action's filter may not)? */
static bool mentions_status(const struct ts_qnode *n)
{
    if (!n)
        return false;
    if (n->kind == TS_QN_COND)
        return n->field->type == TS_F_STATUS;
    return mentions_status(n->a) || mentions_status(n->b);
}

static void unref_cb(void *p)
{
    ts_app_unref(p);
}

int ts_app_process_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *in)
{
    json_t *cur = json_object_get(p->def, "process");
    const json_t *states = json_object_get(in, "states");
    const json_t *actions = json_object_get(in, "actions");
    const json_t *enable = json_object_get(in, "enable");
    if (!states)
        states = json_object_get(cur, "states");
    if (!actions)
        actions = json_object_get(cur, "actions");
    bool on = enable ? json_is_true(enable) : json_is_true(json_object_get(cur, "enable"));
    json_t *out_states = NULL, *out_actions = NULL;
    if (json_is_object(states)) {
        out_states = json_object();
        int first = INT32_MAX;
        const char *name;
        const json_t *st;
        json_object_foreach ((json_t *)states, name, st)
            if (index_of(st) < first)
                first = index_of(st);
        json_object_foreach ((json_t *)states, name, st) {
            const char *key = ts_arena_printf(cx->arena, "states.%s", name);
            if (!*name || ts_utf8_len(name) > 64)
                ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.name", key), TS_M_TOO_LONG, 64);
            json_t *a = norm_assignee(cx, json_object_get(st, "assignee"),
                                      ts_arena_printf(cx->arena, "%s.assignee", key),
                                      index_of(st) == first);
            json_object_set_new(out_states, name,
                                json_pack("{s:s, s:s, s:o*}", "name", name, "index",
                                          ts_arena_printf(cx->arena, "%d", index_of(st)),
                                          "assignee", a));
        }
    } else if (states && !json_is_null(states)) {
        ts_fail_field(cx, "states", TS_M_NOT_OBJECT);
    }
    if (json_is_array(actions)) {
        struct ts_app *app = ts_app_build(cx, p->row, p->def);
        if (!app)
            return -1;
        ts_arena_defer(cx->arena, unref_cb, app);
        struct ts_query_env env = {.user_code = "", .tz = "UTC", .now = cx->now};
        out_actions = json_array();
        size_t i;
        const json_t *a;
        json_array_foreach (actions, i, a) {
            const char *key = ts_arena_printf(cx->arena, "actions[%zu]", i);
            const char *name = json_string_value(json_object_get(a, "name"));
            const char *from = json_string_value(json_object_get(a, "from"));
            const char *to = json_string_value(json_object_get(a, "to"));
            const char *fc = json_string_value(json_object_get(a, "filterCond"));
            const char *type = json_string_value(json_object_get(a, "type"));
            if (!name || !*name)
                ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.name", key), TS_M_REQUIRED_PARAM);
            if (!from || !json_object_get(out_states, from))
                ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.from", key), TS_M_NOT_ENUM);
            if (!to || !json_object_get(out_states, to))
                ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.to", key), TS_M_NOT_ENUM);
            if (type && !one_of(type, (const char *const[]){"PRIMARY", "SECONDARY", NULL}))
                ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.type", key), TS_M_NOT_ENUM);
            struct ts_qplan plan;
            if (fc && *fc) {
                if (ts_query_plan(cx, app, fc, TS_QUERY_FILTER, &env, &plan) < 0 ||
                    mentions_status(plan.where)) {
                    ts_err_clear(cx);
                    ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.filterCond", key),
                                  TS_M_QUERY_SYNTAX, 0, fc);
                }
            }
            json_array_append_new(
                out_actions, json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", name ? name : "",
                                       "from", from ? from : "", "to", to ? to : "", "filterCond",
                                       fc ? fc : "", "type", type ? type : "PRIMARY"));
        }
    } else if (actions && !json_is_null(actions)) {
        ts_fail_field(cx, "actions", TS_M_NOT_ARRAY);
    }
    if (on && json_object_size(out_states) == 0)
        ts_fail_field(cx, "states", TS_M_REQUIRED_PARAM);
    if (cx->err.code) {
        json_decref(out_states);
        json_decref(out_actions);
        return -1;
    }
    json_object_set_new(p->def, "process",
                        json_pack("{s:b, s:o, s:o}", "enable", on, "states",
                                  out_states ? out_states : json_null(), "actions",
                                  out_actions ? out_actions : json_null()));
    /* the status fields show in the form's fields as enabled or not */
    const char *code;
    json_t *f;
    json_object_foreach (json_object_get(p->def, "fields"), code, f) {
        const char *t = json_string_value(json_object_get(f, "type"));
        if (ts_str_eq(t, "STATUS") || ts_str_eq(t, "STATUS_ASSIGNEE"))
            json_object_set_new(f, "enabled", json_boolean(on));
    }
    return 0;
}
