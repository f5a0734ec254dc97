/*
 * app/deploy.c - deploying preview settings to live (KINTONE-API.md §5.3, §7.2).
 *
 * Every app in one call deploys or none does. For each app the record table is
 * migrated inside a savepoint; if existing records break a rule that the new
 * settings add (unique, length), everything is undone and the app's deploy
 * status becomes FAIL with the reason in words. Deploying runs synchronously
 * inside the request, so GET preview/app/deploy.json only ever reports SUCCESS
 * or FAIL; clients that poll see the final state at once.
 */
#include "base/common.h"
#include "app/app.h"
#include "policy/policy.h"
#include "base/log.h"
#include "base/str.h"
#include "formula/formula.h"
#include "model/user.h"
#include "query/query.h"

static void unref_cb(void *p)
{
    ts_app_unref(p);
}

static int first_row(struct ts_ctx *cx, const struct ts_app_row *r, void *arg)
{
    struct ts_app_row **out = arg;
    *out = TS_NEW(cx->arena, struct ts_app_row);
    **out = *r;
    return 0;
}

/* Returns the reason the stored records cannot take the new settings, or NULL. */
static const char *check_rules(struct ts_ctx *cx, const struct ts_app *from,
                               const struct ts_app *to)
{
    for (int i = 0; i < to->n_fields; i++) {
        const struct ts_field *t = &to->fields[i];
        const struct ts_field *f = NULL;
        for (int j = 0; from && j < from->n_fields; j++)
            if (from->fields[j].fid == t->fid && from->fields[j].type == t->type)
                f = &from->fields[j];
        if (!f)
            continue; /* a new field has no stored values */
        if (t->unique && !f->unique && ts_store_rtable_has_duplicates(cx, from, f))
            return ts_arena_printf(cx->arena, ts_msg_format(TS_M_UNIQUE_BROKEN, cx->lang),
                                   t->label);
        if ((t->min_len > 0 && t->min_len != f->min_len) ||
            (t->max_len >= 0 && t->max_len != f->max_len))
            if (ts_store_rtable_has_length_outside(cx, from, f, t->min_len, t->max_len))
                return ts_arena_printf(cx->arena, ts_msg_format(TS_M_LENGTH_BROKEN, cx->lang),
                                       t->label);
    }
    return NULL;
}

/* ---------------------------------------------------------------- lookups, related records */

struct links {
    int64_t src[64];
    const char *fields[64];
    int n;
};

static const char *reason(struct ts_ctx *cx, enum ts_msg m, const char *a, const char *b)
{
    return ts_arena_printf(cx->arena, ts_msg_format(m, cx->lang), a, b);
}

/* The app a lookup or related-records field names, by id or by app code; the
 * id (and code) are written back into the settings, so records need not look
 * the code up again. NULL when there is no such deployed app, or the deployer
 * may not view it: the same answer either way, so a deploy tells nobody which
 * apps exist or what fields they have. */
static const struct ts_app *related_app(struct ts_ctx *cx, json_t *rel)
{
    int64_t id = 0;
    const char *code = json_string_value(json_object_get(rel, "code"));
    if (ts_parse_i64(json_string_value(json_object_get(rel, "app")), &id) < 0 && code && *code) {
        struct ts_app_filter f = {.codes = &code, .n_codes = 1, .limit = 1};
        struct ts_app_row *found = NULL;
        if (ts_store_app_each(cx, &f, first_row, &found) < 0)
            return NULL;
        id = found ? found->id : 0;
    }
    const struct ts_app *app = id > 0 ? ts_app_get(cx, id) : NULL;
    if (!app || !(ts_policy_app_perms(cx, id) & TS_PERM_VIEW)) {
        ts_err_clear(cx);
        return NULL;
    }
    json_object_set_new(rel, "app", json_string(ts_arena_printf(cx->arena, "%lld", (long long)id)));
    json_object_set_new(rel, "code", json_string(app->code));
    return app;
}

static const struct ts_field *field_in(const struct ts_app *app, const json_t *code)
{
    return json_is_string(code) ? ts_app_field(app, json_string_value(code)) : NULL;
}

/* A field of the source app as the deployer sees it: one they may not see is
 * as if it did not exist. */
static const struct ts_field *source_field(struct ts_ctx *cx, const struct ts_app *src,
                                           const json_t *code)
{
    const struct ts_field *f = field_in(src, code);
    const char *access = f ? ts_policy_fields(cx, src) : NULL;
    ts_err_clear(cx);
    if (f && access && access[ts_app_field_index(src, f->table ? f->table : f)] == TS_FIELD_NONE)
        return NULL;
    return f;
}

static const char *check_lookup(struct ts_ctx *cx, const struct ts_app *to,
                                const struct ts_field *f, json_t *lk, struct links *links)
{
    json_t *rel = json_object_get(lk, "relatedApp");
    const struct ts_app *src = related_app(cx, rel);
    if (!src)
        return reason(cx, TS_M_LINK_APP, f->label, json_string_value(json_object_get(rel, "app")));
    const json_t *kc = json_object_get(lk, "relatedKeyField");
    const struct ts_field *key = source_field(cx, src, kc);
    if (!key ||
        !(key->type == TS_F_RECORD_NUMBER ||
          ((key->type == TS_F_SINGLE_LINE_TEXT || key->type == TS_F_NUMBER) && key->unique)))
        return reason(cx, TS_M_LINK_KEY, f->label, json_string_value(kc));
    size_t i;
    const json_t *m;
    json_array_foreach (json_object_get(lk, "fieldMappings"), i, m) {
        const struct ts_field *t = field_in(to, json_object_get(m, "field"));
        if (!t || t == f || t->table != f->table)
            return reason(cx, TS_M_LINK_FIELD, f->label,
                          json_string_value(json_object_get(m, "field")));
        if (!source_field(cx, src, json_object_get(m, "relatedField")))
            return reason(cx, TS_M_LINK_FIELD, f->label,
                          json_string_value(json_object_get(m, "relatedField")));
    }
    json_array_foreach (json_object_get(lk, "lookupPickerFields"), i, m)
        if (!source_field(cx, src, m))
            return reason(cx, TS_M_LINK_FIELD, f->label, json_string_value(m));
    if (json_is_true(json_object_get(lk, "autoRefresh")) && !f->table &&
        links->n < (int)TS_ARRAY_LEN(links->src)) {
        links->src[links->n] = src->id;
        links->fields[links->n++] = f->code;
    }
    return NULL;
}

static const char *check_reference(struct ts_ctx *cx, const struct ts_app *to,
                                   const struct ts_field *f, json_t *ref)
{
    json_t *rel = json_object_get(ref, "relatedApp");
    const struct ts_app *src = related_app(cx, rel);
    if (!src)
        return reason(cx, TS_M_LINK_APP, f->label, json_string_value(json_object_get(rel, "app")));
    const json_t *cond = json_object_get(ref, "condition");
    const struct ts_field *mine = field_in(to, json_object_get(cond, "field"));
    if (!mine || mine->table || ts_field_kind(mine) == TS_K_NONE)
        return reason(cx, TS_M_LINK_FIELD, f->label,
                      json_string_value(json_object_get(cond, "field")));
    if (!source_field(cx, src, json_object_get(cond, "relatedField")))
        return reason(cx, TS_M_LINK_FIELD, f->label,
                      json_string_value(json_object_get(cond, "relatedField")));
    size_t i;
    const json_t *d;
    json_array_foreach (json_object_get(ref, "displayFields"), i, d)
        if (!source_field(cx, src, d))
            return reason(cx, TS_M_LINK_FIELD, f->label, json_string_value(d));
    const char *fc = json_string_value(json_object_get(ref, "filterCond"));
    const char *so = json_string_value(json_object_get(ref, "sort"));
    if ((fc && *fc && ts_query_check(cx, src, fc, TS_QUERY_FILTER) < 0) ||
        (so && *so && ts_query_check(cx, src, so, TS_QUERY_SORT) < 0)) {
        const char *why = cx->err.fields    ? cx->err.fields->message
                          : cx->err.message ? cx->err.message
                                            : ts_err_default_message(cx->err.code, cx->lang);
        ts_err_clear(cx);
        return reason(cx, TS_M_LINK_QUERY, f->label, why);
    }
    return NULL;
}

/* Lookups and related records point at apps as they are now deployed. */
static const char *check_links(struct ts_ctx *cx, const struct ts_app *to, struct links *links)
{
    for (int i = 0; i < to->n_fields; i++) {
        const struct ts_field *f = &to->fields[i];
        json_t *lk = json_object_get(f->props, "lookup");
        json_t *ref = json_object_get(f->props, "referenceTable");
        const char *why = json_is_object(lk)    ? check_lookup(cx, to, f, lk, links)
                          : json_is_object(ref) ? check_reference(cx, to, f, ref)
                                                : NULL;
        if (why || cx->err.code)
            return why;
    }
    return NULL;
}

/* ---------------------------------------------------------------- view indexes */

#define MAX_VIEW_INDEXES 24

struct wants {
    struct ts_index_spec specs[MAX_VIEW_INDEXES];
    int n;
};

static bool indexable(const struct ts_field *f)
{
    enum ts_fkind k = ts_field_kind(f);
    if (f->table)
        return false; /* a table's rows are found through the row table's index */
    if (k == TS_K_SYS)
        return strcmp(f->column, "id") != 0 && strcmp(f->column, "NULL") != 0;
    return k == TS_K_TEXT || k == TS_K_NUMBER || k == TS_K_EPOCH;
}

static void want(struct wants *w, const struct ts_field *const *fields, int n, bool multi)
{
    if (n == 0 || w->n == MAX_VIEW_INDEXES)
        return;
    struct ts_index_spec s = {.n = n, .multi = multi};
    for (int i = 0; i < n; i++)
        s.fields[i] = fields[i];
    /* the same columns in the same order: one is enough. (One that begins with
     * another's is not the same: a page sorted by its last column reads its
     * ties in id order from it alone.) */
    for (int i = 0; i < w->n; i++)
        if (w->specs[i].n == n && w->specs[i].multi == multi &&
            !memcmp(w->specs[i].fields, s.fields, sizeof(s.fields)))
            return;
    w->specs[w->n++] = s;
}

/* Fields a view's filter tests for equality (=, in) and by range (<, >=, ...),
 * taken from the conditions joined by `and` at the top. */
static void conditions(const struct ts_qnode *n, const struct ts_field **eq, int *n_eq,
                       const struct ts_field **range, int *n_range, const struct ts_field **multi)
{
    if (!n)
        return;
    if (n->kind == TS_QN_AND) {
        conditions(n->a, eq, n_eq, range, n_range, multi);
        conditions(n->b, eq, n_eq, range, n_range, multi);
        return;
    }
    if (n->kind == TS_QN_COND && ts_field_kind(n->field) == TS_K_MULTI && !n->field->table &&
        n->op == TS_Q_IN && !*multi)
        *multi = n->field;
    if (n->kind != TS_QN_COND || !indexable(n->field))
        return;
    if ((n->op == TS_Q_EQ || n->op == TS_Q_IN) && *n_eq < 2)
        eq[(*n_eq)++] = n->field;
    else if (n->op >= TS_Q_LT && n->op <= TS_Q_GE && *n_range < 4)
        range[(*n_range)++] = n->field;
}

/* The indexes the app's views need: for each view, its equality fields followed
 * by its sort key (or its range field), the sort key alone, and each range field
 * alone. The planner picks among them with the statistics. And each reminder's
 * date field alone: reminders look records up by it every half minute. */
static int view_indexes(struct ts_ctx *cx, const struct ts_app *app, struct wants *w)
{
    struct ts_query_env env = {.user_code = "", .tz = "UTC", .now = cx->now};
    const char *name;
    json_t *v;
    json_object_foreach (json_object_get(app->def, "views"), name, v) {
        struct ts_qplan filter, sort;
        const char *fc = json_string_value(json_object_get(v, "filterCond"));
        const char *so = json_string_value(json_object_get(v, "sort"));
        if (ts_query_plan(cx, app, fc ? fc : "", TS_QUERY_FILTER, &env, &filter) < 0 ||
            ts_query_plan(cx, app, so ? so : "", TS_QUERY_SORT, &env, &sort) < 0) {
            ts_err_clear(cx); /* checked when saved; a view that no longer parses gets none */
            continue;
        }
        const struct ts_field *eq[2], *range[4], *multi = NULL;
        int n_eq = 0, n_range = 0;
        conditions(filter.where, eq, &n_eq, range, &n_range, &multi);
        const struct ts_field *key = sort.n_order ? sort.order[0].field : NULL;
        if (key && !indexable(key))
            key = NULL;
        /* records by id need none: the value index ends in the record id */
        if (multi && key && sort.n_order == 1)
            want(w, (const struct ts_field *[]){multi, key}, 2, true);
        const struct ts_field *cols[TS_INDEX_MAX_COLS];
        int n = 0;
        for (int i = 0; i < n_eq; i++)
            cols[n++] = eq[i];
        if (key)
            cols[n++] = key;
        else if (n_range)
            cols[n++] = range[0];
        /* a second sort key too: the rows tied on the first are ordered from the index */
        const struct ts_field *then = key && sort.n_order > 1 ? sort.order[1].field : NULL;
        if (then && indexable(then) && n < TS_INDEX_MAX_COLS)
            cols[n++] = then;
        want(w, cols, n, false);
        if (key)
            want(w, &key, 1, false);
        for (int i = 0; i < n_range; i++)
            want(w, &range[i], 1, false);
        /* a calendar reads a month by its date field, a board a column by its group */
        const char *type = json_string_value(json_object_get(v, "type"));
        const char *on = ts_str_eq(type, "CALENDAR") ? "date"
                         : ts_str_eq(type, "KANBAN") ? "group"
                                                     : NULL;
        const char *code = on ? json_string_value(json_object_get(v, on)) : NULL;
        const struct ts_field *by = code ? ts_app_field(app, code) : NULL;
        if (by && indexable(by))
            want(w, (const struct ts_field *[]){by, key}, key && key != by ? 2 : 1, false);
    }
    /* A graph's groups and the fields it totals, in one index: the graph is
     * counted from the index alone, not from every record's whole row. */
    json_object_foreach (json_object_get(app->def, "reports"), name, v) {
        const struct ts_field *cols[TS_INDEX_MAX_COLS];
        int n = 0;
        size_t k;
        const json_t *x;
        json_array_foreach (json_object_get(v, "groups"), k, x) {
            const char *code = json_string_value(json_object_get(x, "code"));
            const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
            if (f && indexable(f) && n < TS_INDEX_MAX_COLS)
                cols[n++] = f;
        }
        json_array_foreach (json_object_get(v, "aggregations"), k, x) {
            const char *code = json_string_value(json_object_get(x, "code")); /* COUNT: none */
            const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
            bool have = false;
            for (int j = 0; f && j < n; j++)
                have |= cols[j] == f;
            if (f && !have && indexable(f) && n < TS_INDEX_MAX_COLS)
                cols[n++] = f;
        }
        if (n > 1)
            want(w, cols, n, false);
    }
    size_t i;
    const json_t *r;
    json_array_foreach (
        json_object_get(json_object_get(app->def, "notifyReminder"), "notifications"), i, r) {
        const char *code = json_string_value(json_object_get(json_object_get(r, "timing"), "code"));
        const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
        if (f && indexable(f))
            want(w, &f, 1, false);
    }
    return 0;
}

/* Process management on with other statuses than the live settings have (or
 * newly on): only then may records be without a status the settings know. */
static bool statuses_changed(const struct ts_app *from, const struct ts_app *to)
{
    return to->process && (!from || !from->process ||
                           !json_equal(json_object_get(from->process, "states"),
                                       json_object_get(to->process, "states")));
}

/* Deploy one app inside the caller's transaction. Returns 0, 1 when the records
 * broke a rule (reason in *why), or -1 on a database failure. */
/* The app's public forms and views as deployed, found by their tokens from
 * now on (one taken out of the settings can no longer be reached). */
static int public_forms(struct ts_ctx *cx, int64_t app_id, int64_t rev, const json_t *def)
{
    const json_t *lists[] = {json_object_get(def, "publicForms"),
                             json_object_get(def, "publicViews")};
    size_t n = json_array_size(lists[0]) + json_array_size(lists[1]), at = 0, i;
    const char **tokens = TS_NEW_N(cx->arena, const char *, n + 1);
    int64_t *ids = TS_NEW_N(cx->arena, int64_t, n + 1);
    const json_t *f;
    for (size_t l = 0; l < TS_ARRAY_LEN(lists); l++)
        json_array_foreach (lists[l], i, f) {
            tokens[at] = json_string_value(json_object_get(f, "token"));
            ts_parse_i64(json_string_value(json_object_get(f, "id")), &ids[at++]);
        }
    return ts_store_public_forms_set(cx, app_id, rev, tokens, ids, (int)n);
}

static int deploy_one(struct ts_ctx *cx, int64_t app_id, const char **why)
{
    struct ts_preview pre, live = {0};
    if (ts_app_settings_load(cx, app_id, TS_STAGE_PREVIEW, &pre) < 0)
        return -1;
    struct ts_app *from = NULL;
    if (pre.row->live_revision > 0) {
        if (ts_app_settings_load(cx, app_id, TS_STAGE_LIVE, &live) < 0)
            return -1;
        from = ts_app_build(cx, live.row, live.def);
        if (!from)
            return -1;
        ts_arena_defer(cx->arena, unref_cb, from);
    }
    json_t *settings = json_object_get(pre.def, "settings");
    struct ts_app_row row = *pre.row;
    row.name = json_string_value(json_object_get(settings, "name"));
    row.description = json_string_value(json_object_get(settings, "description"));
    struct ts_app *to = ts_app_build(cx, &row, pre.def);
    if (!to)
        return -1;
    ts_arena_defer(cx->arena, unref_cb, to);

    /* a formula that cannot work is the caller's mistake: said at once, not as a FAIL */
    if (to->formula_problem.field)
        return ts_fail_arg(cx, TS_E_FORMULA, ts_formula_error(cx, to));
    struct links links = {.n = 0};
    *why = from ? check_rules(cx, from, to) : NULL;
    if (!*why && !cx->err.code)
        *why = check_links(cx, to, &links);
    if (cx->err.code)
        return -1;
    if (*why)
        return 1;
    if (ts_store_lookup_links_set(cx, app_id, links.src, links.fields, links.n) < 0)
        return -1;
    struct wants w = {.n = 0};
    if (ts_store_rtable_migrate(cx, from, to) < 0 || view_indexes(cx, to, &w) < 0 ||
        ts_store_rtable_indexes(cx, to, w.specs, w.n) < 0 ||
        (statuses_changed(from, to) && ts_app_start_process(cx, to) < 0) ||
        public_forms(cx, app_id, row.revision, pre.def) < 0)
        return -1;
    char *body = json_dumps(pre.def, JSON_COMPACT);
    int rc = ts_store_app_def_put(cx, app_id, TS_STAGE_LIVE, body);
    free(body);
    if (rc < 0)
        return -1;
    row.live_revision = row.revision;
    row.deploy_status = "SUCCESS";
    row.deploy_error = NULL;
    row.modifier = cx->user ? cx->user->code : "";
    row.modified = cx->now;
    ts_app_settings_changed(cx);
    return ts_store_app_set_deployed(cx, &row);
}

static int revert_one(struct ts_ctx *cx, int64_t app_id)
{
    struct ts_preview live;
    if (ts_app_settings_load(cx, app_id, TS_STAGE_LIVE, &live) < 0)
        return -1;
    char *body = json_dumps(live.def, JSON_COMPACT);
    int rc = ts_store_app_def_put(cx, app_id, TS_STAGE_PREVIEW, body);
    free(body);
    return rc;
}

static int mark(struct ts_ctx *cx, int64_t app_id, const char *status, const char *why)
{
    struct ts_app_row *row = ts_store_app_row(cx, app_id);
    if (!row)
        return cx->err.code ? -1 : 0;
    row->deploy_status = status;
    row->deploy_error = why;
    return ts_store_app_set_deployed(cx, row);
}

int ts_app_deploy_begin(struct ts_ctx *cx, const struct ts_deploy_item *items, int n)
{
    if (ts_app_deploy_check(cx, items, n, false) < 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (mark(cx, items[i].app_id, "PROCESSING", NULL) < 0)
            return -1;
    return 0;
}

int ts_app_deploy_failed(struct ts_ctx *cx, const struct ts_deploy_item *items, int n,
                         const char *why)
{
    for (int i = 0; i < n; i++)
        if (mark(cx, items[i].app_id, "FAIL", why) < 0)
            return -1;
    return 0;
}

int ts_app_deploy_check(struct ts_ctx *cx, const struct ts_deploy_item *items, int n, bool revert)
{
    for (int i = 0; i < n; i++) {
        struct ts_app_row *row = ts_store_app_row(cx, items[i].app_id);
        char id[24];
        snprintf(id, sizeof(id), "%lld", (long long)items[i].app_id);
        if (!row)
            return cx->err.code ? -1 : ts_fail_arg(cx, TS_E_APP_NOT_FOUND, id);
        if (items[i].revision >= 0 && items[i].revision != row->revision)
            return ts_fail(cx, TS_E_SETTINGS_STALE, "deploy revision");
        if (revert && row->live_revision == 0)
            return ts_fail_arg(cx, TS_E_APP_NOT_FOUND, id);
    }
    return 0;
}

int ts_app_deploy(struct ts_ctx *cx, const struct ts_deploy_item *items, int n, bool revert)
{
    /* check every app and revision before changing anything */
    if (ts_app_deploy_check(cx, items, n, revert) < 0 || ts_db_savepoint(cx, "deploy") < 0)
        return -1;
    const char *why = NULL;
    int failed_at = -1;
    for (int i = 0; i < n; i++) {
        int rc = revert ? revert_one(cx, items[i].app_id) : deploy_one(cx, items[i].app_id, &why);
        if (rc < 0) {
            ts_db_rollback_to(cx, "deploy");
            return -1;
        }
        if (rc == 1) {
            failed_at = i;
            break;
        }
    }
    if (failed_at < 0) {
        TS_LOG_INFO(cx, "app", "deployed %d app(s)%s", n, revert ? " (revert)" : "");
        return ts_db_release(cx, "deploy");
    }
    /* all or nothing: undo every app, then record why on each */
    ts_db_rollback_to(cx, "deploy");
    TS_LOG_INFO(cx, "app", "deploy failed for app %lld", (long long)items[failed_at].app_id);
    return ts_app_deploy_failed(cx, items, n, why);
}

int ts_app_copy_installation(struct ts_ctx *src, struct ts_ctx *dst)
{
    if (ts_store_copy_system(src, dst) < 0)
        return -1;
    int n;
    const int64_t *ids = ts_app_deployed_ids(dst, &n);
    if (!ids && dst->err.code)
        return -1;
    for (int i = 0; i < n; i++) {
        struct ts_preview live;
        if (ts_app_settings_load(dst, ids[i], TS_STAGE_LIVE, &live) < 0)
            return -1;
        struct ts_app *app = ts_app_build(dst, live.row, live.def);
        if (!app)
            return -1;
        ts_arena_defer(dst->arena, unref_cb, app);
        /* the tables as a deploy makes them, filled, then the views' indexes */
        struct wants w = {.n = 0};
        if (ts_store_rtable_migrate(dst, NULL, app) < 0 ||
            ts_store_copy_records(src, dst, app) < 0 || view_indexes(dst, app, &w) < 0 ||
            ts_store_rtable_indexes(dst, app, w.specs, w.n) < 0)
            return -1;
    }
    return ts_store_copy_done(src, dst);
}
