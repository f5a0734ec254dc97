/*
 * auth/people.c - who an entity list names: users by code, the members of
 * groups and departments (with those below when includeSubs), the record's
 * creator, and the people a record's user, department or group field holds.
 * Process management's assignees, notifications' and circulars' recipients.
 * Only active users are named; each once, in the order first met.
 */
#include "base/common.h"
#include "policy/policy.h"
#include "app/app.h"
#include "base/str.h"
#include "store/store.h"

bool ts_people_has(const struct ts_people *p, const char *code)
{
    for (int i = 0; i < p->n; i++)
        if (ts_str_eq(p->codes[i], code))
            return true;
    return false;
}

void ts_people_add(struct ts_ctx *cx, struct ts_people *p, const char *code)
{
    if (!code || !*code || ts_people_has(p, code))
        return;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 16;
        const char **grown = TS_NEW_N(cx->arena, const char *, (size_t)p->cap);
        if (p->n)
            memcpy(grown, p->codes, sizeof(*grown) * (size_t)p->n);
        p->codes = grown;
    }
    p->codes[p->n++] = ts_arena_strdup(cx->arena, code);
}

static int member(struct ts_ctx *cx, const struct ts_user *u, void *arg)
{
    if (u->active)
        ts_people_add(cx, arg, u->code);
    return 0;
}

struct below {
    int64_t parent;
    int64_t ids[256];
    int n;
    int64_t seen;
};

static int child(struct ts_ctx *cx, const struct ts_entity *e, void *arg)
{
    (void)cx;
    struct below *b = arg;
    b->seen++;
    if (e->parent_id == b->parent && b->n < (int)TS_ARRAY_LEN(b->ids))
        b->ids[b->n++] = e->id;
    return 0;
}

/* The members of department id, and with subs those of the ones below it. */
static int department(struct ts_ctx *cx, int64_t id, bool subs, struct ts_people *p, int depth)
{
    if (ts_store_entity_users(cx, TS_ORG, id, member, p) < 0)
        return -1;
    if (!subs || depth > 32)
        return 0;
    struct below b = {.parent = id};
    for (int64_t offset = 0;; offset += 100) {
        int64_t before = b.seen;
        if (ts_store_entity_page(cx, TS_ORG, NULL, 0, offset, 100, child, &b) < 0)
            return -1;
        if (b.seen - before < 100)
            break;
    }
    for (int i = 0; i < b.n; i++)
        if (department(cx, b.ids[i], true, p, depth + 1) < 0)
            return -1;
    return 0;
}

/* Department or group `code`'s members; "everyone" is every active user. */
static int named(struct ts_ctx *cx, bool org, const char *code, bool subs, struct ts_people *p)
{
    if (!org && ts_str_eq(code, "everyone"))
        return ts_store_user_each(cx, member, p);
    struct ts_entity *x = code ? ts_store_entity_get(cx, org ? TS_ORG : TS_GROUP, code) : NULL;
    if (!x)
        return cx->err.code ? -1 : 0;
    return org ? department(cx, x->id, subs, p, 0)
               : ts_store_entity_users(cx, TS_GROUP, x->id, member, p);
}

int ts_people_add_entities(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                           const json_t *entities, struct ts_people *p)
{
    size_t i;
    const json_t *e;
    json_array_foreach (entities, i, e) {
        const json_t *entity = json_object_get(e, "entity");
        const char *type = json_string_value(json_object_get(entity, "type"));
        const char *code = json_string_value(json_object_get(entity, "code"));
        bool subs = json_is_true(json_object_get(e, "includeSubs"));
        int rc = 0;
        if (ts_str_eq(type, "USER")) {
            struct ts_user *u = code ? ts_store_user_by_code(cx, code) : NULL;
            if (u && u->active)
                ts_people_add(cx, p, code);
        } else if (ts_str_eq(type, "CREATOR")) {
            if (r)
                ts_people_add(cx, p, r->creator);
        } else if (ts_str_eq(type, "GROUP") || ts_str_eq(type, "ORGANIZATION")) {
            rc = named(cx, ts_str_eq(type, "ORGANIZATION"), code, subs, p);
        } else if (ts_str_eq(type, "FIELD_ENTITY") && r && app) {
            const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
            if (!f || f->table)
                continue;
            const struct ts_value *v = &r->vals[ts_app_field_index(app, f)];
            if (f == app->creator)
                ts_people_add(cx, p, r->creator);
            else if (f == app->modifier)
                ts_people_add(cx, p, r->modifier);
            for (int k = 0; k < v->n && !rc; k++) {
                if (f->type == TS_F_USER_SELECT)
                    ts_people_add(cx, p, v->v[k]);
                else if (f->type == TS_F_ORGANIZATION_SELECT || f->type == TS_F_GROUP_SELECT)
                    rc = named(cx, f->type == TS_F_ORGANIZATION_SELECT, v->v[k], subs, p);
            }
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}
