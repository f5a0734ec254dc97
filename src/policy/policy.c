/*
 * policy/policy.c - every access decision (policy/policy.h), by the kind of
 * caller first: a person by the rights below, a token by what it was given in
 * its app, the system everything, anyone else nothing.
 *
 * App access rights (app/acl.json, KINTONE-API.md §5.3): who may view, add,
 * edit, delete, import and export an app's records, and who may change the
 * app. The rights are a list in priority order; the first entry that matches the
 * caller decides: a user by code, a group (the group "everyone" is everyone),
 * a department (with includeSubs, the departments below it too), or the app's
 * creator. An app that has no list yet gives its creator everything and
 * everyone its records. System administrators may always do everything.
 * Rights are read at each request from the app's settings, so a change takes
 * effect at once, however many records the app holds.
 */
#include "base/common.h"
#include "policy/policy.h"
#include "app/app.h"
#include "query/query.h"
#include "base/str.h"
#include "store/store.h"

#include <sodium.h>

/* The caller's departments and groups, read once a request. However many a
 * person belongs to, each counts (a deny entry for their 65th group holds). */
struct codes {
    const char **v;
    int n, cap;
};

struct belongs {
    struct codes orgs, above, groups;
};

static void codes_add(struct ts_ctx *cx, struct codes *c, const char *code)
{
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 16;
        const char **v = TS_NEW_N(cx->arena, const char *, (size_t)cap);
        if (c->n)
            memcpy(v, c->v, sizeof(*v) * (size_t)c->n);
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = code;
}

/* deeper than this the department tree is taken as broken: refused */
#define MAX_ORG_DEPTH 1000

static int add_org(struct ts_ctx *cx, const struct ts_entity *e, void *arg)
{
    struct belongs *b = arg;
    codes_add(cx, &b->orgs, e->code);
    /* the department and every one above it */
    int64_t id = e->id;
    for (int depth = 0; id; depth++) {
        if (depth == MAX_ORG_DEPTH)
            return ts_fail(cx, TS_E_INTERNAL, "department %lld: tree deeper than %d",
                           (long long)e->id, MAX_ORG_DEPTH);
        struct ts_entity *x = ts_store_entity_by_id(cx, TS_ORG, id);
        if (!x)
            return cx->err.code ? -1 : 0;
        codes_add(cx, &b->above, x->code);
        id = x->parent_id;
    }
    return 0;
}

static int add_group(struct ts_ctx *cx, const struct ts_entity *e, void *arg)
{
    struct belongs *b = arg;
    codes_add(cx, &b->groups, e->code);
    return 0;
}

static struct belongs *belongs(struct ts_ctx *cx)
{
    if (cx->memberships)
        return cx->memberships;
    struct belongs *b = TS_NEW(cx->arena, struct belongs);
    if (ts_store_user_entities(cx, TS_ORG, cx->caller.person->id, add_org, b) < 0 ||
        ts_store_user_entities(cx, TS_GROUP, cx->caller.person->id, add_group, b) < 0)
        return NULL;
    cx->memberships = b;
    return b;
}

static bool in(const struct codes *c, const char *code)
{
    for (int i = 0; i < c->n; i++)
        if (ts_str_eq(c->v[i], code))
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
        return ts_str_eq(row->creator, cx->caller.person->code);
    if (ts_str_eq(type, "USER"))
        return ts_str_eq(code, cx->caller.person->code);
    if (ts_str_eq(type, "GROUP") && ts_str_eq(code, "everyone"))
        return 1;
    struct belongs *b = belongs(cx);
    if (!b)
        return -1;
    if (ts_str_eq(type, "GROUP"))
        return in(&b->groups, code);
    if (ts_str_eq(type, "ORGANIZATION"))
        return in(json_is_true(json_object_get(e, "includeSubs")) ? &b->above : &b->orgs, code);
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

unsigned ts_policy_entry_perms(const json_t *entry)
{
    unsigned p = 0;
    for (size_t i = 0; i < TS_ARRAY_LEN(RIGHTS); i++)
        if (json_is_true(json_object_get(entry, RIGHTS[i].key)))
            p |= RIGHTS[i].perm;
    return p;
}

json_t *ts_policy_default_acl(void)
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
            ts_arena_defer_decref(cx->arena, def);
            acl = json_object_get(def, "acl");
        }
    }
    if (json_is_array(acl))
        return acl;
    json_t *d = ts_policy_default_acl();
    ts_arena_defer_decref(cx->arena, d);
    return d;
}

/* What the caller's tokens give on app_id: a token imports with add and edit,
 * and exports with view. */
static unsigned token_perms(const struct ts_caller *c, int64_t app_id)
{
    unsigned p = 0;
    for (int i = 0; i < c->n_tokens; i++)
        if (c->tokens[i].app_id == app_id)
            p |= c->tokens[i].perms;
    if ((p & TS_PERM_ADD) && (p & TS_PERM_EDIT))
        p |= TS_PERM_IMPORT;
    if (p & TS_PERM_VIEW)
        p |= TS_PERM_EXPORT;
    return p;
}

/* Does the public form the caller answers look up from app src_id, through
 * a lookup field it publishes? With access (src's fields), the fields those
 * lookups read are marked READ there: their key and what they copy. */
static struct ts_qnode *or_of(struct ts_ctx *cx, struct ts_qnode *a, struct ts_qnode *b);

static bool form_looks_up(struct ts_ctx *cx, int64_t src_id, const struct ts_app *src, char *access,
                          struct ts_qnode **records)
{
    struct ts_qnode *any = NULL; /* the records the lookups' own conditions select */
    bool all = false;
    const struct ts_form_grant *g = cx->caller.form;
    const struct ts_app *app = g && g->fields ? ts_app_get(cx, g->app_id) : NULL;
    bool found = false;
    for (int i = 0; app && i < app->n_fields; i++) {
        const json_t *lk = json_object_get(app->fields[i].props, "lookup");
        const char *from =
            json_string_value(json_object_get(json_object_get(lk, "relatedApp"), "app"));
        if (!g->fields[i] || !lk || !from || strtoll(from, NULL, 10) != src_id)
            continue;
        found = true;
        const char *fc = json_string_value(json_object_get(lk, "filterCond"));
        struct ts_qplan plan;
        struct ts_query_env env = ts_policy_query_env(cx);
        env.app_of = NULL;
        if (records && src && fc && *fc &&
            ts_query_plan(cx, src, fc, TS_QUERY_FILTER, &env, &plan) == 0 && plan.where)
            any = any ? or_of(cx, any, plan.where) : plan.where;
        else
            all = true;
        const struct ts_field *key =
            src ? ts_app_field(src, json_string_value(json_object_get(lk, "relatedKeyField")))
                : NULL;
        if (access && key)
            access[ts_app_field_index(src, key)] = TS_FIELD_READ;
        size_t k;
        const json_t *m;
        json_array_foreach (json_object_get(lk, "fieldMappings"), k, m) {
            const struct ts_field *f =
                src ? ts_app_field(src, json_string_value(json_object_get(m, "relatedField")))
                    : NULL;
            if (access && f)
                access[ts_app_field_index(src, f)] = TS_FIELD_READ;
        }
    }
    if (!app)
        ts_err_clear(cx);
    if (records)
        *records = all ? NULL : any;
    return found;
}

/* May the caller see and change every record and field of app_id, whatever
 * its record and field rights say? An administrator, a token of that app
 * (kintone's model), the system. */
static bool above_rights(const struct ts_ctx *cx, int64_t app_id)
{
    switch (cx->caller.kind) {
    case TS_CALLER_USER:
        return cx->caller.person->admin;
    case TS_CALLER_TOKEN:
        return token_perms(&cx->caller, app_id) != 0;
    case TS_CALLER_SYSTEM:
        return true;
    case TS_CALLER_FORM: /* its fields only: ts_policy_fields */
    case TS_CALLER_VIEW: /* its records and fields only */
    case TS_CALLER_NOBODY:
        break;
    }
    return false;
}

unsigned ts_policy_app_perms(struct ts_ctx *cx, int64_t app_id)
{
    switch (cx->caller.kind) {
    case TS_CALLER_USER:
        break;
    case TS_CALLER_TOKEN:
        return token_perms(&cx->caller, app_id);
    case TS_CALLER_SYSTEM:
        return ~0u;
    case TS_CALLER_FORM: /* a public form adds records to its app (or corrects the one
                          * its filter names), and does nothing else */
        if (cx->caller.form->app_id != app_id) /* the source of a lookup it asks */
            return form_looks_up(cx, app_id, NULL, NULL, NULL) ? TS_PERM_VIEW : 0;
        return cx->caller.form->filter ? TS_PERM_ADD | TS_PERM_EDIT : TS_PERM_ADD;
    case TS_CALLER_VIEW: /* a public view reads its app, and does nothing else */
        return cx->caller.form->app_id == app_id ? TS_PERM_VIEW : 0;
    case TS_CALLER_NOBODY:
    default:
        return 0;
    }
    if (cx->caller.person->admin)
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
            return ts_policy_entry_perms(e);
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

/* The records a public view shows: its filter (checked when it was saved). */
static struct ts_qnode *view_filter(struct ts_ctx *cx, const struct ts_app *app)
{
    struct ts_query_env env = ts_policy_query_env(cx);
    env.app_of = NULL;
    struct ts_qplan plan;
    if (ts_query_plan(cx, app, cx->caller.form->filter, TS_QUERY_FILTER, &env, &plan) < 0)
        return NULL;
    return plan.where ? plan.where : constant(cx, true);
}

static const char *const RIGHT_KEYS[] = {"viewable", "editable", "deletable"};

/* The people field a CREATOR or FIELD_ENTITY entry names, and the caller's
 * codes it is compared with: their own for a user field, the creator or the
 * modifier; their departments (with includeSubs, those above them too) for a
 * department field; their groups for a group field. NULL when the entry names
 * no such field (cx->err set if the database failed). */
static const struct ts_field *people_of(struct ts_ctx *cx, const struct ts_app *app,
                                        const json_t *e, struct codes *codes)
{
    const json_t *entity = json_object_get(e, "entity");
    const char *code = json_string_value(json_object_get(entity, "code"));
    const struct ts_field *f =
        ts_str_eq(json_string_value(json_object_get(entity, "type")), "CREATOR") ? app->creator
        : code ? ts_app_field(app, code)
               : NULL;
    if (!f || f->table)
        return NULL;
    *codes = (struct codes){(const char **)&cx->caller.person->code, 1, 1};
    if (f->type == TS_F_ORGANIZATION_SELECT || f->type == TS_F_GROUP_SELECT) {
        struct belongs *b = belongs(cx);
        if (!b)
            return NULL;
        bool subs = json_is_true(json_object_get(e, "includeSubs"));
        *codes = f->type == TS_F_GROUP_SELECT ? b->groups : subs ? b->above : b->orgs;
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
    struct codes codes;
    const struct ts_field *f = people_of(cx, app, e, &codes);
    int n = f ? codes.n : 0;
    if (n == 0)
        return NULL;
    struct ts_qnode *mine = TS_NEW(cx->arena, struct ts_qnode);
    mine->kind = TS_QN_COND;
    mine->field = f;
    mine->op = TS_Q_IN;
    mine->n_vals = n;
    mine->vals = TS_NEW_N(cx->arena, struct ts_qval, (size_t)n);
    for (int i = 0; i < n; i++)
        mine->vals[i].s = codes.v[i];
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

struct ts_qnode *ts_policy_records(struct ts_ctx *cx, const struct ts_app *app,
                                   enum ts_record_right right)
{
    const json_t *rules = json_object_get(json_object_get(app->def, "recordAcl"), "rights");
    if (above_rights(cx, app->id))
        return NULL;
    if (cx->caller.kind == TS_CALLER_VIEW && cx->caller.form->app_id == app->id &&
        right == TS_RR_VIEW)
        return view_filter(cx, app);
    if (cx->caller.kind == TS_CALLER_FORM && cx->caller.form->app_id == app->id &&
        cx->caller.form->filter && right == TS_RR_EDIT)
        return view_filter(cx, app);
    struct ts_qnode *looked_up;
    if (cx->caller.kind == TS_CALLER_FORM && cx->caller.form->app_id != app->id &&
        right == TS_RR_VIEW && form_looks_up(cx, app->id, app, NULL, &looked_up))
        return looked_up; /* what its lookups' conditions select; fields: ts_policy_fields */
    if (cx->caller.kind != TS_CALLER_USER)
        return constant(cx, false);
    if (json_array_size(rules) == 0)
        return NULL;
    struct ts_app_row *row = ts_store_app_row(cx, app->id);
    if (!row)
        return NULL;
    struct ts_query_env env = ts_policy_query_env(cx);
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

const char *ts_policy_fields(struct ts_ctx *cx, const struct ts_app *app)
{
    const json_t *rules = json_object_get(json_object_get(app->def, "fieldAcl"), "rights");
    if (above_rights(cx, app->id))
        return NULL;
    char *access = ts_arena_alloc(cx->arena, (size_t)app->n_fields);
    if (cx->caller.kind != TS_CALLER_USER) {
        memset(access, TS_FIELD_NONE, (size_t)app->n_fields);
        /* a public form writes its published fields, and reads none; a public
         * view reads its published fields */
        bool outside = cx->caller.kind == TS_CALLER_FORM || cx->caller.kind == TS_CALLER_VIEW;
        for (int i = 0; outside && cx->caller.form->app_id == app->id && i < app->n_fields; i++)
            if (cx->caller.form->fields && cx->caller.form->fields[i])
                access[i] = cx->caller.kind == TS_CALLER_FORM ? TS_FIELD_WRITE : TS_FIELD_READ;
        if (cx->caller.kind == TS_CALLER_FORM && cx->caller.form->app_id != app->id)
            form_looks_up(cx, app->id, app, access, NULL);
        return access;
    }
    if (json_array_size(rules) == 0)
        return NULL;
    struct ts_app_row *row = ts_store_app_row(cx, app->id);
    if (!row)
        return NULL;
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

bool ts_policy_fields_by_record(const struct ts_app *app, const char *access)
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
    struct codes mine;
    const struct ts_field *f = people_of(cx, app, e, &mine);
    if (!f)
        return cx->err.code ? -1 : 0;
    if (f->type == TS_F_CREATOR || f->type == TS_F_MODIFIER)
        return ts_str_eq(f->type == TS_F_CREATOR ? r->creator : r->modifier,
                         cx->caller.person->code);
    const struct ts_value *v = &r->vals[ts_app_field_index(app, f)];
    for (int k = 0; k < v->n; k++)
        if (in(&mine, v->v[k]))
            return 1;
    return 0;
}

const char *ts_policy_fields_of(struct ts_ctx *cx, const struct ts_app *app, const char *access,
                                const struct ts_record *r)
{
    if (!ts_policy_fields_by_record(app, access))
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

struct ts_qnode *ts_policy_field_visible(struct ts_ctx *cx, const struct ts_app *app,
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

int ts_policy_require_app_creator(struct ts_ctx *cx)
{
    if (ts_policy_require_person(cx) < 0)
        return -1;
    if (cx->caller.person->admin)
        return 0;
    const char *text = ts_store_system_get(cx, "appCreators");
    if (!text)
        return cx->err.code ? -1 : 0; /* never set: everyone may */
    json_t *list = json_loads(text, 0, NULL);
    ts_arena_defer_decref(cx->arena, list);
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

struct ts_query_env ts_policy_query_env(struct ts_ctx *cx)
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

const char *ts_policy_user_fields(struct ts_ctx *cx, const struct ts_app *app,
                                  const struct ts_user *user, const struct ts_record *r)
{
    struct ts_policy_saved saved;
    ts_policy_become(cx, user, &saved);
    const char *access = ts_policy_fields(cx, app);
    if (access)
        access = ts_policy_fields_of(cx, app, access, r);
    ts_policy_restore(cx, &saved);
    return access;
}

int ts_policy_may(struct ts_ctx *cx, const struct ts_app *app, int64_t id,
                  enum ts_record_right right)
{
    struct ts_qnode *rights = ts_policy_records(cx, app, right);
    if (cx->err.code)
        return -1;
    if (!rights)
        return 1;
    struct ts_qplan plan = {
        .where = and_of(cx, ts_query_id_is(cx, app, id), rights), .limit = 1, .has_limit = true};
    int64_t n = ts_store_records_count(cx, app, &plan);
    return n < 0 ? -1 : n > 0;
}

int ts_policy_user_may_view(struct ts_ctx *cx, const struct ts_app *app, const struct ts_user *user,
                            int64_t id)
{
    struct ts_policy_saved saved;
    ts_policy_become(cx, user, &saved);
    int rc = ts_policy_may_view(cx, app, id);
    ts_policy_restore(cx, &saved);
    return rc;
}

int ts_policy_may_view(struct ts_ctx *cx, const struct ts_app *app, int64_t id)
{
    if (ts_policy_app_perms(cx, app->id) & TS_PERM_VIEW)
        return ts_policy_may(cx, app, id, TS_RR_VIEW);
    return cx->err.code ? -1 : 0;
}

void ts_policy_become(struct ts_ctx *cx, const struct ts_user *user, struct ts_policy_saved *save)
{
    *save = (struct ts_policy_saved){cx->caller, cx->user, cx->memberships};
    cx->caller =
        (struct ts_caller){.kind = user ? TS_CALLER_USER : TS_CALLER_NOBODY, .person = user};
    cx->user = user;
    cx->memberships = NULL;
}

void ts_policy_restore(struct ts_ctx *cx, const struct ts_policy_saved *save)
{
    cx->caller = save->caller;
    cx->user = save->user;
    cx->memberships = save->memberships;
}

/* ---------------------------------------------------------------- callers */

int ts_policy_require_app(struct ts_ctx *cx, int64_t app_id, unsigned perm)
{
    const struct ts_caller *c = &cx->caller;
    switch (c->kind) {
    case TS_CALLER_USER:
    case TS_CALLER_SYSTEM: {
        unsigned have = ts_policy_app_perms(cx, app_id);
        if (cx->err.code)
            return -1;
        return (have & perm) == perm ? 0 : ts_fail(cx, TS_E_NO_PERMISSION, "app access rights");
    }
    case TS_CALLER_TOKEN: {
        unsigned have = token_perms(c, app_id);
        if (!have)
            return ts_fail(cx, TS_E_TOKEN_WRONG_APP, "token for another app");
        return (have & perm) == perm ? 0
                                     : ts_fail(cx, TS_E_TOKEN_NO_PERMISSION, "token lacks a right");
    }
    case TS_CALLER_FORM:
    case TS_CALLER_VIEW:
        return (ts_policy_app_perms(cx, app_id) & perm) == perm
                   ? 0
                   : ts_fail(cx, TS_E_NO_PERMISSION, "a public form or view does one thing");
    case TS_CALLER_NOBODY:
        break;
    }
    return ts_fail(cx, TS_E_LOGIN_REQUIRED, "no identity");
}

int ts_policy_require_person(struct ts_ctx *cx)
{
    switch (cx->caller.kind) {
    case TS_CALLER_USER:
        return 0;
    case TS_CALLER_TOKEN:
        return ts_fail(cx, TS_E_NO_PERMISSION, "API tokens may not call this API");
    case TS_CALLER_SYSTEM:
    case TS_CALLER_FORM:
    case TS_CALLER_VIEW:
        return ts_fail(cx, TS_E_NO_PERMISSION, "a person's API");
    case TS_CALLER_NOBODY:
        break;
    }
    return ts_fail(cx, TS_E_LOGIN_REQUIRED, "no identity");
}

bool ts_policy_is_admin(const struct ts_ctx *cx)
{
    return cx->caller.kind == TS_CALLER_USER && cx->caller.person->admin;
}

int ts_policy_require_admin(struct ts_ctx *cx)
{
    if (cx->caller.kind == TS_CALLER_SYSTEM)
        return 0;
    if (ts_policy_require_person(cx) < 0)
        return -1;
    return cx->caller.person->admin ? 0 : ts_fail(cx, TS_E_NO_PERMISSION, "administrators only");
}

int ts_policy_check_csrf(struct ts_ctx *cx, const char *request_token)
{
    const char *want = cx->caller.csrf;
    if (cx->caller.kind != TS_CALLER_USER || !want)
        return 0;
    if (!request_token || strlen(request_token) != strlen(want) ||
        sodium_memcmp(request_token, want, strlen(request_token)) != 0)
        return ts_fail(cx, TS_E_NO_PERMISSION, "missing or wrong __REQUEST_TOKEN__");
    return 0;
}

int ts_policy_token_valid(struct ts_ctx *cx, const struct ts_token_grant *t)
{
    const struct ts_user *creator = ts_store_user_by_id(cx, t->creator_id);
    if (!creator || !creator->active)
        return cx->err.code ? -1 : 0;
    struct ts_policy_saved saved;
    ts_policy_become(cx, creator, &saved);
    unsigned perms = ts_policy_app_perms(cx, t->app_id);
    ts_policy_restore(cx, &saved);
    return cx->err.code ? -1 : (perms & TS_PERM_MANAGE) != 0;
}

const char *ts_policy_who(struct ts_ctx *cx)
{
    const struct ts_caller *c = &cx->caller;
    switch (c->kind) {
    case TS_CALLER_USER:
        return c->person->code;
    case TS_CALLER_TOKEN: {
        /* every token sent: the entry cannot tell which of them the work needed */
        const char *who = "";
        for (int i = 0; i < c->n_tokens; i++) {
            const struct ts_user *u = ts_store_user_by_id(cx, c->tokens[i].creator_id);
            if (!u)
                ts_err_clear(cx);
            who = ts_arena_printf(cx->arena, "%s%sAPI token %lld of %s", who, i ? ", " : "",
                                  (long long)c->tokens[i].id, u ? u->code : "?");
        }
        return who;
    }
    case TS_CALLER_SYSTEM:
        return "system";
    case TS_CALLER_FORM:
        return ts_arena_printf(cx->arena, "public form %lld", (long long)c->form->form_id);
    case TS_CALLER_VIEW:
        return ts_arena_printf(cx->arena, "public view %lld", (long long)c->form->form_id);
    case TS_CALLER_NOBODY:
        break;
    }
    return "";
}

/* A token counts as the person who made it: their share of a limit is one,
 * however many tokens they make. */
const char *ts_policy_caller_key(struct ts_ctx *cx)
{
    const struct ts_caller *c = &cx->caller;
    switch (c->kind) {
    case TS_CALLER_USER:
        return ts_arena_printf(cx->arena, "u%lld", (long long)c->person->id);
    case TS_CALLER_TOKEN:
        return ts_arena_printf(cx->arena, "u%lld", (long long)c->tokens[0].creator_id);
    case TS_CALLER_SYSTEM:
        return "system";
    case TS_CALLER_FORM:
        return ts_arena_printf(cx->arena, "f%lld", (long long)c->form->form_id);
    case TS_CALLER_VIEW:
        return ts_arena_printf(cx->arena, "v%lld", (long long)c->form->form_id);
    case TS_CALLER_NOBODY:
        break;
    }
    return "";
}
