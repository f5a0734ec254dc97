/*
 * auth/acl.c - app access rights (app/acl.json, KINTONE-API.md §5.3): who may
 * view, add, edit, delete, import and export an app's records, and who may
 * change the app.
 *
 * The rights are a list in priority order; the first entry that matches the
 * caller decides: a user by code, a group (the group "everyone" is everyone),
 * a department (with includeSubs, the departments below it too), or the app's
 * creator. An app that has no list yet gives its creator everything and
 * everyone its records. System administrators may always do everything.
 * Rights are read at each request from the app's settings, so a change takes
 * effect at once, however many records the app holds.
 */
#include "base/common.h"
#include "auth/auth.h"
#include "app/app.h"
#include "query/query.h"
#include "base/str.h"
#include "store/store.h"

/* the caller's departments and groups, read once a request */
struct belongs {
    int n_orgs, n_above, n_groups;
    const char *orgs[64], *above[256], *groups[64];
};

static int add_org(struct ts_ctx *cx, const struct ts_entity *e, void *arg)
{
    struct belongs *b = arg;
    if (b->n_orgs < (int)TS_ARRAY_LEN(b->orgs))
        b->orgs[b->n_orgs++] = e->code;
    /* the department and every one above it */
    int64_t id = e->id;
    for (int depth = 0; id && depth < 32 && b->n_above < (int)TS_ARRAY_LEN(b->above); depth++) {
        struct ts_entity *x = ts_store_entity_by_id(cx, TS_ORG, id);
        if (!x)
            break;
        b->above[b->n_above++] = x->code;
        id = x->parent_id;
    }
    return 0;
}

static int add_group(struct ts_ctx *cx, const struct ts_entity *e, void *arg)
{
    (void)cx;
    struct belongs *b = arg;
    if (b->n_groups < (int)TS_ARRAY_LEN(b->groups))
        b->groups[b->n_groups++] = e->code;
    return 0;
}

static struct belongs *belongs(struct ts_ctx *cx)
{
    if (cx->memberships)
        return cx->memberships;
    struct belongs *b = TS_NEW(cx->arena, struct belongs);
    if (ts_store_user_entities(cx, TS_ORG, cx->user->id, add_org, b) < 0 ||
        ts_store_user_entities(cx, TS_GROUP, cx->user->id, add_group, b) < 0)
        return NULL;
    cx->memberships = b;
    return b;
}

static bool in(const char *const *list, int n, const char *code)
{
    for (int i = 0; i < n; i++)
        if (ts_str_eq(list[i], code))
            return true;
    return false;
}

static bool entity_is(const json_t *e, const char *type)
{
    return ts_str_eq(json_string_value(json_object_get(json_object_get(e, "entity"), "type")),
                     type);
}

/* Does entry e name the caller? -1 when the database failed. */
static int matches(struct ts_ctx *cx, const json_t *e, const struct ts_app_row *row)
{
    const json_t *entity = json_object_get(e, "entity");
    const char *type = json_string_value(json_object_get(entity, "type"));
    const char *code = json_string_value(json_object_get(entity, "code"));
    if (ts_str_eq(type, "CREATOR"))
        return ts_str_eq(row->creator, cx->user->code);
    if (ts_str_eq(type, "USER"))
        return ts_str_eq(code, cx->user->code);
    if (ts_str_eq(type, "GROUP") && ts_str_eq(code, "everyone"))
        return 1;
    struct belongs *b = belongs(cx);
    if (!b)
        return -1;
    if (ts_str_eq(type, "GROUP"))
        return in(b->groups, b->n_groups, code);
    if (ts_str_eq(type, "ORGANIZATION"))
        return json_is_true(json_object_get(e, "includeSubs")) ? in(b->above, b->n_above, code)
                                                               : in(b->orgs, b->n_orgs, code);
    return 0;
}

static const struct {
    const char *key;
    unsigned perm;
} RIGHTS[] = {
    {"recordViewable", TS_PERM_VIEW},     {"recordAddable", TS_PERM_ADD},
    {"recordEditable", TS_PERM_EDIT},     {"recordDeletable", TS_PERM_DELETE},
    {"recordImportable", TS_PERM_IMPORT}, {"recordExportable", TS_PERM_EXPORT},
    {"appEditable", TS_PERM_MANAGE},
};

unsigned ts_acl_perms(const json_t *entry)
{
    unsigned p = 0;
    for (size_t i = 0; i < TS_ARRAY_LEN(RIGHTS); i++)
        if (json_is_true(json_object_get(entry, RIGHTS[i].key)))
            p |= RIGHTS[i].perm;
    return p;
}

json_t *ts_acl_default(void)
{
    return json_pack("[{s:{s:s, s:n}, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b},"
                     " {s:{s:s, s:s}, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}]",
                     "entity", "type", "CREATOR", "code", "includeSubs", 0, "appEditable", 1,
                     "recordViewable", 1, "recordAddable", 1, "recordEditable", 1,
                     "recordDeletable", 1, "recordImportable", 1, "recordExportable", 1, "entity",
                     "type", "GROUP", "code", "everyone", "includeSubs", 0, "appEditable", 0,
                     "recordViewable", 1, "recordAddable", 1, "recordEditable", 1,
                     "recordDeletable", 1, "recordImportable", 1, "recordExportable", 1);
}

static void decref_cb(void *p)
{
    json_decref(p);
}

/* The rights list in force: the deployed one, or, for an app never deployed,
 * its preview's; the default when there is none. */
static const json_t *rights_of(struct ts_ctx *cx, int64_t app_id)
{
    const json_t *acl = NULL;
    const struct ts_app *app = ts_app_get(cx, app_id);
    if (app) {
        acl = json_object_get(app->def, "acl");
    } else {
        ts_err_clear(cx);
        const char *text = ts_store_app_def(cx, app_id, TS_STAGE_PREVIEW);
        json_t *def = text ? json_loads(text, 0, NULL) : NULL;
        if (def) {
            ts_arena_defer(cx->arena, decref_cb, def);
            acl = json_object_get(def, "acl");
        }
    }
    if (json_is_array(acl))
        return acl;
    json_t *d = ts_acl_default();
    ts_arena_defer(cx->arena, decref_cb, d);
    return d;
}

unsigned ts_acl_app_perms(struct ts_ctx *cx, int64_t app_id)
{
    if (!cx->user || cx->user->admin)
        return ~0u;
    struct ts_app_row *row = ts_store_app_row(cx, app_id);
    if (!row)
        return cx->err.code ? 0 : ~0u; /* no such app: its handler says so */
    const json_t *acl = rights_of(cx, app_id);
    size_t i;
    const json_t *e;
    json_array_foreach (acl, i, e) {
        int m = matches(cx, e, row);
        if (m < 0)
            return 0;
        if (m)
            return ts_acl_perms(e);
    }
    return 0;
}

/* ---------------------------------------------------------------- record rights */

static struct ts_qnode *qnode(struct ts_ctx *cx, enum ts_qnode_kind kind, struct ts_qnode *a,
                              struct ts_qnode *b)
{
    struct ts_qnode *n = TS_NEW(cx->arena, struct ts_qnode);
    n->kind = kind;
    n->a = a;
    n->b = b;
    return n;
}

static struct ts_qnode *and_of(struct ts_ctx *cx, struct ts_qnode *a, struct ts_qnode *b)
{
    if (a->kind == TS_QN_FALSE || b->kind == TS_QN_TRUE)
        return a;
    if (b->kind == TS_QN_FALSE || a->kind == TS_QN_TRUE)
        return b;
    return qnode(cx, TS_QN_AND, a, b);
}

static struct ts_qnode *or_of(struct ts_ctx *cx, struct ts_qnode *a, struct ts_qnode *b)
{
    if (a->kind == TS_QN_TRUE || b->kind == TS_QN_FALSE)
        return a;
    if (b->kind == TS_QN_TRUE || a->kind == TS_QN_FALSE)
        return b;
    return qnode(cx, TS_QN_OR, a, b);
}

static struct ts_qnode *not_of(struct ts_ctx *cx, struct ts_qnode *a)
{
    if (a->kind == TS_QN_TRUE || a->kind == TS_QN_FALSE)
        return qnode(cx, a->kind == TS_QN_TRUE ? TS_QN_FALSE : TS_QN_TRUE, NULL, NULL);
    return qnode(cx, TS_QN_NOT, a, NULL);
}

static struct ts_qnode *constant(struct ts_ctx *cx, bool v)
{
    return qnode(cx, v ? TS_QN_TRUE : TS_QN_FALSE, NULL, NULL);
}

static const char *const RIGHT_KEYS[] = {"viewable", "editable", "deletable"};

/* The people field a CREATOR or FIELD_ENTITY entry names, and the caller's
 * codes it is compared with: their own for a user field, the creator or the
 * modifier; their departments (with includeSubs, those above them too) for a
 * department field; their groups for a group field. NULL when the entry names
 * no such field (cx->err set if the database failed). */
static const struct ts_field *people_of(struct ts_ctx *cx, const struct ts_app *app,
                                        const json_t *e, const char *const **codes, int *n)
{
    const json_t *entity = json_object_get(e, "entity");
    const char *code = json_string_value(json_object_get(entity, "code"));
    const struct ts_field *f =
        ts_str_eq(json_string_value(json_object_get(entity, "type")), "CREATOR") ? app->creator
        : code ? ts_app_field(app, code)
               : NULL;
    if (!f || f->table)
        return NULL;
    *codes = &cx->user->code;
    *n = 1;
    if (f->type == TS_F_ORGANIZATION_SELECT || f->type == TS_F_GROUP_SELECT) {
        struct belongs *b = belongs(cx);
        if (!b)
            return NULL;
        bool subs = json_is_true(json_object_get(e, "includeSubs"));
        *codes = f->type == TS_F_GROUP_SELECT ? b->groups : subs ? b->above : b->orgs;
        *n = f->type == TS_F_GROUP_SELECT ? b->n_groups : subs ? b->n_above : b->n_orgs;
    } else if (f->type != TS_F_USER_SELECT && f->type != TS_F_CREATOR && f->type != TS_F_MODIFIER) {
        return NULL;
    }
    return f;
}

/* The condition "the record names the caller" for a CREATOR or FIELD_ENTITY
 * entry (people_of). NULL when no record can (cx->err set if the database
 * failed). */
static struct ts_qnode *holds_caller(struct ts_ctx *cx, const struct ts_app *app, const json_t *e)
{
    const char *const *codes;
    int n;
    const struct ts_field *f = people_of(cx, app, e, &codes, &n);
    if (!f || n == 0)
        return NULL;
    struct ts_qnode *mine = TS_NEW(cx->arena, struct ts_qnode);
    mine->kind = TS_QN_COND;
    mine->field = f;
    mine->op = TS_Q_IN;
    mine->n_vals = n;
    mine->vals = TS_NEW_N(cx->arena, struct ts_qval, (size_t)n);
    for (int i = 0; i < n; i++)
        mine->vals[i].s = codes[i];
    return mine;
}

/* The caller's right under one rule's entities, first match deciding; the
 * record's creator and the people its fields name are conditions on the
 * record. */
static struct ts_qnode *entities_right(struct ts_ctx *cx, const struct ts_app *app,
                                       const struct ts_app_row *row, const json_t *entities,
                                       size_t k, enum ts_record_right right)
{
    if (k >= json_array_size(entities))
        return constant(cx, false);
    const json_t *e = json_array_get(entities, k);
    bool has = json_is_true(json_object_get(e, RIGHT_KEYS[right]));
    const char *type = json_string_value(json_object_get(json_object_get(e, "entity"), "type"));
    if (ts_str_eq(type, "CREATOR") || ts_str_eq(type, "FIELD_ENTITY")) {
        struct ts_qnode *mine = holds_caller(cx, app, e);
        if (!mine)
            return cx->err.code ? NULL : entities_right(cx, app, row, entities, k + 1, right);
        return or_of(
            cx, and_of(cx, mine, constant(cx, has)),
            and_of(cx, not_of(cx, mine), entities_right(cx, app, row, entities, k + 1, right)));
    }
    int m = matches(cx, e, row);
    if (m < 0)
        return NULL;
    return m ? constant(cx, has) : entities_right(cx, app, row, entities, k + 1, right);
}

struct ts_qnode *ts_acl_records(struct ts_ctx *cx, const struct ts_app *app,
                                enum ts_record_right right)
{
    const json_t *rules = json_object_get(json_object_get(app->def, "recordAcl"), "rights");
    if (!cx->user || cx->user->admin || json_array_size(rules) == 0)
        return NULL;
    struct ts_app_row *row = ts_store_app_row(cx, app->id);
    if (!row)
        return NULL;
    struct ts_query_env env = ts_auth_query_env(cx);
    env.app_of = NULL; /* rules were checked without related records */
    /* from the last rule back: records no rule's condition takes keep the
     * app's rights, which the caller has (checked before) */
    struct ts_qnode *rest = constant(cx, true);
    for (size_t i = json_array_size(rules); i-- > 0;) {
        const json_t *rule = json_array_get(rules, i);
        struct ts_qnode *mine =
            entities_right(cx, app, row, json_object_get(rule, "entities"), 0, right);
        if (!mine)
            return NULL;
        struct ts_qplan plan;
        const char *fc = json_string_value(json_object_get(rule, "filterCond"));
        if (ts_query_plan(cx, app, fc ? fc : "", TS_QUERY_FILTER, &env, &plan) < 0)
            return NULL;
        if (!plan.where) {
            rest = mine; /* every record: the rules after it never apply */
            continue;
        }
        rest = or_of(cx, and_of(cx, plan.where, mine), and_of(cx, not_of(cx, plan.where), rest));
    }
    return rest;
}

/* ---------------------------------------------------------------- field rights */

const char *ts_acl_fields(struct ts_ctx *cx, const struct ts_app *app)
{
    const json_t *rules = json_object_get(json_object_get(app->def, "fieldAcl"), "rights");
    if (!cx->user || cx->user->admin || json_array_size(rules) == 0)
        return NULL;
    struct ts_app_row *row = ts_store_app_row(cx, app->id);
    if (!row)
        return NULL;
    char *access = ts_arena_alloc(cx->arena, (size_t)app->n_fields);
    memset(access, TS_FIELD_WRITE, (size_t)app->n_fields);
    size_t i;
    const json_t *rule;
    json_array_foreach (rules, i, rule) {
        const struct ts_field *f =
            ts_app_field(app, json_string_value(json_object_get(rule, "code")));
        if (!f)
            continue;
        char level = TS_FIELD_NONE; /* no entity fits: the field is not theirs */
        size_t k;
        const json_t *e;
        json_array_foreach (json_object_get(rule, "entities"), k, e) {
            if (entity_is(e, "FIELD_ENTITY")) {
                level = TS_FIELD_BY_RECORD; /* settled record by record from here */
                break;
            }
            int m = matches(cx, e, row);
            if (m < 0)
                return NULL;
            if (!m)
                continue;
            const char *acc = json_string_value(json_object_get(e, "accessibility"));
            level = ts_str_eq(acc, "WRITE")  ? TS_FIELD_WRITE
                    : ts_str_eq(acc, "READ") ? TS_FIELD_READ
                                             : TS_FIELD_NONE;
            break;
        }
        access[ts_app_field_index(app, f)] = level;
        for (int j = 0; j < app->n_fields; j++) /* a table's fields go with it */
            if (app->fields[j].table == f)
                access[j] = level;
    }
    return access;
}

static char level_of(const json_t *e)
{
    const char *acc = json_string_value(json_object_get(e, "accessibility"));
    return ts_str_eq(acc, "WRITE")  ? TS_FIELD_WRITE
           : ts_str_eq(acc, "READ") ? TS_FIELD_READ
                                    : TS_FIELD_NONE;
}

bool ts_acl_fields_by_record(const struct ts_app *app, const char *access)
{
    for (int i = 0; access && i < app->n_fields; i++)
        if (access[i] == TS_FIELD_BY_RECORD)
            return true;
    return false;
}

/* Does record r name the caller in the people field of entry e (people_of)? */
static int record_names_caller(struct ts_ctx *cx, const struct ts_app *app,
                               const struct ts_record *r, const json_t *e)
{
    const char *const *mine;
    int n;
    const struct ts_field *f = people_of(cx, app, e, &mine, &n);
    if (!f)
        return cx->err.code ? -1 : 0;
    if (f->type == TS_F_CREATOR || f->type == TS_F_MODIFIER)
        return ts_str_eq(f->type == TS_F_CREATOR ? r->creator : r->modifier, cx->user->code);
    const struct ts_value *v = &r->vals[ts_app_field_index(app, f)];
    for (int k = 0; k < v->n; k++)
        if (in(mine, n, v->v[k]))
            return 1;
    return 0;
}

const char *ts_acl_fields_of(struct ts_ctx *cx, const struct ts_app *app, const char *access,
                             const struct ts_record *r)
{
    if (!ts_acl_fields_by_record(app, access))
        return access;
    struct ts_app_row *row = ts_store_app_row(cx, app->id);
    if (!row)
        return NULL;
    char *out = ts_arena_alloc(cx->arena, (size_t)app->n_fields);
    memcpy(out, access, (size_t)app->n_fields);
    const json_t *rules = json_object_get(json_object_get(app->def, "fieldAcl"), "rights");
    size_t i;
    const json_t *rule;
    json_array_foreach (rules, i, rule) {
        const struct ts_field *f =
            ts_app_field(app, json_string_value(json_object_get(rule, "code")));
        if (!f || access[ts_app_field_index(app, f)] != TS_FIELD_BY_RECORD)
            continue;
        char level = TS_FIELD_NONE;
        size_t k;
        const json_t *e;
        json_array_foreach (json_object_get(rule, "entities"), k, e) {
            int m = !entity_is(e, "FIELD_ENTITY") ? matches(cx, e, row)
                    : r                           ? record_names_caller(cx, app, r, e)
                                                  : 0;
            if (m < 0)
                return NULL;
            if (m) {
                level = level_of(e);
                break;
            }
        }
        for (int j = 0; j < app->n_fields; j++)
            if (&app->fields[j] == f || app->fields[j].table == f)
                out[j] = level;
    }
    return out;
}

struct ts_qnode *ts_acl_field_visible(struct ts_ctx *cx, const struct ts_app *app,
                                      const struct ts_field *f)
{
    const json_t *rules = json_object_get(json_object_get(app->def, "fieldAcl"), "rights");
    struct ts_app_row *row = ts_store_app_row(cx, app->id);
    if (!row)
        return NULL;
    if (f->table)
        f = f->table;
    size_t i;
    const json_t *rule;
    json_array_foreach (rules, i, rule) {
        if (ts_app_field(app, json_string_value(json_object_get(rule, "code"))) != f)
            continue;
        /* from the last entity back: the first that fits decides */
        const json_t *entities = json_object_get(rule, "entities");
        struct ts_qnode *rest = constant(cx, false);
        for (size_t k = json_array_size(entities); k-- > 0;) {
            const json_t *e = json_array_get(entities, k);
            bool sees = level_of(e) != TS_FIELD_NONE;
            if (!entity_is(e, "FIELD_ENTITY")) {
                int m = matches(cx, e, row);
                if (m < 0)
                    return NULL;
                if (m)
                    rest = constant(cx, sees);
                continue;
            }
            struct ts_qnode *mine = holds_caller(cx, app, e);
            if (cx->err.code)
                return NULL;
            if (mine)
                rest = or_of(cx, and_of(cx, mine, constant(cx, sees)),
                             and_of(cx, not_of(cx, mine), rest));
        }
        return rest;
    }
    return constant(cx, true);
}

/* ---------------------------------------------------------------- creating apps */

int ts_acl_require_app_creator(struct ts_ctx *cx)
{
    if (ts_auth_require_user(cx) < 0)
        return -1;
    if (!cx->user || cx->user->admin)
        return 0;
    const char *text = ts_store_system_get(cx, "appCreators");
    if (!text)
        return cx->err.code ? -1 : 0; /* never set: everyone may */
    json_t *list = json_loads(text, 0, NULL);
    ts_arena_defer(cx->arena, decref_cb, list);
    if (json_array_size(list) == 0)
        return 0;
    struct ts_app_row none = {.creator = ""};
    size_t i;
    const json_t *e;
    json_array_foreach (list, i, e) {
        int m = matches(cx, e, &none);
        if (m < 0)
            return -1;
        if (m)
            return 0;
    }
    return ts_fail(cx, TS_E_NO_PERMISSION, "may not create apps");
}

/* ---------------------------------------------------------------- for someone else */

struct ts_query_env ts_auth_query_env(struct ts_ctx *cx)
{
    struct ts_query_env env = {
        .user_code = cx->user ? cx->user->code : "",
        .primary_org = cx->user ? cx->user->primary_org_code : NULL,
        .tz = cx->user && cx->user->tz ? cx->user->tz : "Asia/Tokyo",
        .now = cx->now,
        .app_of = ts_app_get,
    };
    return env;
}

const char *ts_acl_user_fields(struct ts_ctx *cx, const struct ts_app *app,
                               const struct ts_user *user, const struct ts_record *r)
{
    const struct ts_user *caller = cx->user;
    void *caller_belongs = cx->memberships;
    cx->user = user;
    cx->memberships = NULL;
    const char *access = ts_acl_fields(cx, app);
    if (access)
        access = ts_acl_fields_of(cx, app, access, r);
    cx->user = caller;
    cx->memberships = caller_belongs;
    return access;
}

int ts_acl_may(struct ts_ctx *cx, const struct ts_app *app, int64_t id, enum ts_record_right right)
{
    struct ts_qnode *rights = ts_acl_records(cx, app, right);
    if (cx->err.code)
        return -1;
    if (!rights)
        return 1;
    struct ts_qplan plan = {
        .where = and_of(cx, ts_query_id_is(cx, app, id), rights), .limit = 1, .has_limit = true};
    int64_t n = ts_store_records_count(cx, app, &plan);
    return n < 0 ? -1 : n > 0;
}

int ts_acl_user_may_view(struct ts_ctx *cx, const struct ts_app *app, const struct ts_user *user,
                         int64_t id)
{
    const struct ts_user *caller = cx->user;
    void *caller_belongs = cx->memberships;
    cx->user = user;
    cx->memberships = NULL;
    int rc = 0;
    if (ts_acl_app_perms(cx, app->id) & TS_PERM_VIEW)
        rc = ts_acl_may(cx, app, id, TS_RR_VIEW);
    else if (cx->err.code)
        rc = -1;
    cx->user = caller;
    cx->memberships = caller_belongs;
    return rc;
}
