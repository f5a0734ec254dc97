/*
 * api/users.c - the cybozu.com User API: users, departments (organizations)
 * and groups, and who belongs where. Anyone signed in may read (people
 * pickers, mentions, process management need it); only system administrators
 * change anything. Lists come in id order, `codes[]` picks some, offset/size
 * page as cybozu's do (size at most 100).
 *
 * Writes take arrays and are all or nothing, like kintone's bulk calls:
 * POST/PUT/DELETE users.json, organizations.json, groups.json;
 * PUT userOrganizations.json and userGroups.json set each user's departments
 * (one primary) and groups. Deleting a user stops the account (valid:false):
 * records keep naming who wrote them.
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "record/record.h"
#include "base/str.h"
#include "base/tstime.h"
#include "model/user.h"
#include "store/store.h"

#define PAGE_MAX  100
#define BATCH_MAX 100

/* ---------------------------------------------------------------- reading */

struct page {
    const char **codes;
    int n_codes;
    int64_t offset, size;
};

static int page_params(struct ts_ctx *cx, const json_t *params, struct page *p)
{
    if (ts_policy_require_person(cx) < 0)
        return -1;
    const json_t *codes = json_object_get(params, "codes");
    if (codes && !json_is_array(codes)) {
        ts_fail_field(cx, "codes", TS_M_NOT_ARRAY);
        return -1;
    }
    p->n_codes = 0;
    p->codes = TS_NEW_N(cx->arena, const char *, json_array_size(codes) + 1);
    size_t i;
    const json_t *c;
    json_array_foreach (codes, i, c)
        if (json_is_string(c))
            p->codes[p->n_codes++] = json_string_value(c);
    if (codes && p->n_codes == 0)
        p->n_codes = -1; /* asked for codes, none valid: nothing */
    if (ts_param_int(cx, params, "offset", 0, 0, &p->offset) < 0 ||
        ts_param_int(cx, params, "size", PAGE_MAX, 1, &p->size) < 0)
        return -1;
    if (p->size > PAGE_MAX) {
        ts_fail_field(cx, "size", TS_M_MAX_VALUE, "100");
        return -1;
    }
    return 0;
}

static void write_user(struct ts_jw *w, const struct ts_user *u)
{
    ts_jw_obj(w);
    ts_jw_kid(w, "id", u->id);
    ts_jw_kstr(w, "code", u->code);
    ts_jw_kstr(w, "name", u->name);
    ts_jw_kstr(w, "email", u->email);
    ts_jw_kbool(w, "valid", u->active);
    ts_jw_kstr(w, "locale", u->lang);
    ts_jw_kstr(w, "timezone", u->tz);
    ts_jw_key(w, "primaryOrganization");
    if (u->primary_org > 0)
        ts_jw_i64_str(w, u->primary_org);
    else
        ts_jw_null(w);
    ts_jw_kbool(w, "administrator", u->admin);
    ts_jw_obj_end(w);
}

static int user_out(struct ts_ctx *cx, const struct ts_user *u, void *arg)
{
    (void)cx;
    write_user(arg, u);
    return 0;
}

int ts_api_users_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct page p;
    if (page_params(cx, rq->params, &p) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_key(w, "users");
    ts_jw_arr(w);
    if (p.n_codes >= 0 &&
        ts_store_users_page(cx, p.codes, p.n_codes, p.offset, p.size, user_out, w) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

static void write_entity(struct ts_jw *w, const struct ts_entity *e)
{
    ts_jw_obj(w);
    ts_jw_kid(w, "id", e->id);
    ts_jw_kstr(w, "code", e->code);
    ts_jw_kstr(w, "name", e->name);
    ts_jw_kstr(w, "description", e->description);
    if (e->kind == TS_ORG)
        ts_jw_kstr(w, "parentCode", e->parent_code); /* null at the top */
    ts_jw_obj_end(w);
}

static int entity_out(struct ts_ctx *cx, const struct ts_entity *e, void *arg)
{
    (void)cx;
    write_entity(arg, e);
    return 0;
}

static const char *list_key(enum ts_entity_kind k)
{
    return k == TS_ORG ? "organizations" : "groups";
}

static int entities_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w,
                        enum ts_entity_kind k)
{
    struct page p;
    if (page_params(cx, rq->params, &p) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_key(w, list_key(k));
    ts_jw_arr(w);
    if (p.n_codes >= 0 &&
        ts_store_entity_page(cx, k, p.codes, p.n_codes, p.offset, p.size, entity_out, w) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_orgs_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return entities_get(cx, rq, w, TS_ORG);
}

int ts_api_groups_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return entities_get(cx, rq, w, TS_GROUP);
}

static struct ts_user *user_param(struct ts_ctx *cx, const json_t *params)
{
    const char *code = ts_param_str(params, "code");
    struct ts_user *u = code ? ts_store_user_by_code(cx, code) : NULL;
    if (!u && !cx->err.code)
        ts_fail_arg(cx, TS_E_USER_NOT_FOUND, code ? code : "");
    return u;
}

static struct ts_entity *entity_param(struct ts_ctx *cx, const json_t *params,
                                      enum ts_entity_kind k)
{
    const char *code = ts_param_str(params, "code");
    struct ts_entity *e = code ? ts_store_entity_get(cx, k, code) : NULL;
    if (!e && !cx->err.code)
        ts_fail_arg(cx, k == TS_ORG ? TS_E_ORG_NOT_FOUND : TS_E_GROUP_NOT_FOUND, code ? code : "");
    return e;
}

struct titles {
    struct ts_jw *w;
    enum ts_entity_kind k;
};

static int title_out(struct ts_ctx *cx, const struct ts_entity *e, void *arg)
{
    (void)cx;
    struct titles *t = arg;
    if (t->k == TS_GROUP) {
        write_entity(t->w, e);
        return 0;
    }
    ts_jw_obj(t->w);
    ts_jw_key(t->w, "organization");
    write_entity(t->w, e);
    ts_jw_key(t->w, "title");
    ts_jw_null(t->w);
    ts_jw_kbool(t->w, "primary", e->primary);
    ts_jw_obj_end(t->w);
    return 0;
}

/* GET user/organizations.json, user/groups.json: where a user belongs. */
static int user_entities_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w,
                             enum ts_entity_kind k)
{
    struct ts_user *u;
    if (ts_policy_require_person(cx) < 0 || !(u = user_param(cx, rq->params)))
        return -1;
    struct titles t = {w, k};
    ts_jw_obj(w);
    ts_jw_key(w, k == TS_ORG ? "organizationTitles" : "groups");
    ts_jw_arr(w);
    if (ts_store_user_entities(cx, k, u->id, title_out, &t) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_user_orgs_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return user_entities_get(cx, rq, w, TS_ORG);
}

int ts_api_user_groups_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return user_entities_get(cx, rq, w, TS_GROUP);
}

static int member_out(struct ts_ctx *cx, const struct ts_user *u, void *arg)
{
    struct titles *t = arg;
    if (t->k == TS_GROUP)
        return user_out(cx, u, t->w);
    ts_jw_obj(t->w);
    ts_jw_key(t->w, "user");
    if (user_out(cx, u, t->w) < 0)
        return -1;
    ts_jw_key(t->w, "title");
    ts_jw_null(t->w);
    ts_jw_obj_end(t->w);
    return 0;
}

/* GET organization/users.json, group/users.json: who belongs. */
static int entity_users_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w,
                            enum ts_entity_kind k)
{
    struct ts_entity *e;
    if (ts_policy_require_person(cx) < 0 || !(e = entity_param(cx, rq->params, k)))
        return -1;
    struct titles t = {w, k};
    ts_jw_obj(w);
    ts_jw_key(w, k == TS_ORG ? "userTitles" : "users");
    ts_jw_arr(w);
    if (ts_store_entity_users(cx, k, e->id, member_out, &t) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_org_users_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return entity_users_get(cx, rq, w, TS_ORG);
}

int ts_api_group_users_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return entity_users_get(cx, rq, w, TS_GROUP);
}

/* ---------------------------------------------------------------- writing */

/* The request's array `name` of 1 to 100 items, or NULL (CB_VA01). */
static const json_t *batch(struct ts_ctx *cx, const json_t *params, const char *name)
{
    if (ts_policy_require_admin(cx) < 0)
        return NULL;
    const json_t *a = json_object_get(params, name);
    if (!json_is_array(a) || json_array_size(a) == 0) {
        ts_fail_field(cx, name, a ? TS_M_NOT_ARRAY : TS_M_REQUIRED_PARAM);
        return NULL;
    }
    if (json_array_size(a) > BATCH_MAX) {
        ts_fail_field(cx, name, TS_M_TOO_MANY_RECORDS, BATCH_MAX);
        return NULL;
    }
    return a;
}

static const char *key_of(struct ts_ctx *cx, const char *list, size_t i, const char *member)
{
    return ts_arena_printf(cx->arena, "%s[%zu].%s", list, i, member);
}

static bool code_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 128)
        return false;
    for (; *s; s++)
        if (!(((unsigned char)*s >= 0x80) || (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
              (*s >= 'A' && *s <= 'Z') || strchr("._-@", *s)))
            return false;
    return true;
}

/* A string member, checked: NULL when absent; problems reported under key. */
static const char *text_member(struct ts_ctx *cx, const json_t *o, const char *name,
                               const char *key, size_t max)
{
    const json_t *v = json_object_get(o, name);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        ts_fail_field(cx, key, TS_M_NOT_STRING);
        return NULL;
    }
    if (ts_utf8_len(json_string_value(v)) > max)
        ts_fail_field(cx, key, TS_M_TOO_LONG, (int)max);
    return json_string_value(v);
}

/* The settings a user entry may change, over u. */
static void user_settings(struct ts_ctx *cx, const json_t *e, const char *list, size_t i,
                          struct ts_user *u)
{
    const char *s;
    if ((s = text_member(cx, e, "name", key_of(cx, list, i, "name"), 128)))
        u->name = s;
    if ((s = text_member(cx, e, "email", key_of(cx, list, i, "email"), 256)))
        u->email = s;
    if ((s = text_member(cx, e, "locale", key_of(cx, list, i, "locale"), 8))) {
        if (strcmp(s, "auto") && strcmp(s, "ja") && strcmp(s, "en"))
            ts_fail_field(cx, key_of(cx, list, i, "locale"), TS_M_NOT_ENUM);
        u->lang = s;
    }
    if ((s = text_member(cx, e, "timezone", key_of(cx, list, i, "timezone"), 64))) {
        if (!ts_tz_valid(s))
            ts_fail_field(cx, key_of(cx, list, i, "timezone"), TS_M_BAD_TIMEZONE, s);
        u->tz = s;
    }
    const json_t *v;
    if ((v = json_object_get(e, "valid")) && json_is_boolean(v))
        u->active = json_is_true(v);
    if ((v = json_object_get(e, "administrator")) && json_is_boolean(v))
        u->admin = json_is_true(v);
    if (!u->name || !*u->name)
        ts_fail_field(cx, key_of(cx, list, i, "name"), TS_M_REQUIRED_PARAM);
}

/* A password given: hashed (Argon2id); NULL when absent. */
static const char *password_hash(struct ts_ctx *cx, const json_t *e, const char *list, size_t i)
{
    const char *pw = text_member(cx, e, "password", key_of(cx, list, i, "password"), 256);
    if (!pw)
        return NULL;
    if (!ts_auth_password_acceptable(pw)) {
        ts_fail_field(cx, key_of(cx, list, i, "password"), TS_M_PASSWORD_SHORT);
        return NULL;
    }
    char *h = ts_auth_hash_password(pw);
    const char *out = h ? ts_arena_strdup(cx->arena, h) : NULL;
    free(h);
    return out;
}

/* A rename keeps the person: every record, right and setting that named the
 * old login names the new one, so that someone given the old login later
 * inherits nothing. */
static int carry_rename(struct ts_ctx *cx, const char *from, const char *to)
{
    int n;
    const int64_t *ids = ts_app_deployed_ids(cx, &n);
    if (!ids)
        return -1;
    for (int i = 0; i < n; i++) {
        const struct ts_app *app = ts_app_get(cx, ids[i]);
        if (!app || ts_store_records_rename_user(cx, app, from, to) < 0)
            return -1;
    }
    if (ts_store_user_rename_refs(cx, from, to) < 0)
        return -1;
    ts_record_forget_name(from);
    ts_app_settings_changed(cx); /* every app's settings may have changed */
    return 0;
}

/* Add (add) or change the users of list; problems keyed `name[base + i]`. */
int ts_users_write(struct ts_ctx *cx, const json_t *list, bool add, const char *name, size_t base)
{
    size_t i;
    const json_t *e;
    json_array_foreach (list, i, e) {
        size_t at = base + i;
        if (add) {
            const char *code = text_member(cx, e, "code", key_of(cx, name, at, "code"), 128);
            struct ts_user u = {.code = code, .lang = "auto", .tz = "Asia/Tokyo", .active = true};
            if (!code_ok(code))
                ts_fail_field(cx, key_of(cx, name, at, "code"), TS_M_BAD_LOGIN_CODE);
            else if (ts_store_user_by_code(cx, code))
                ts_fail_field(cx, key_of(cx, name, at, "code"), TS_M_CODE_TAKEN, code);
            user_settings(cx, e, name, at, &u);
            /* without a password the account cannot sign in until one is set */
            const char *hash = password_hash(cx, e, name, at);
            u.pwhash = hash ? hash : "!";
            if (!cx->err.code && ts_store_user_add(cx, &u) < 0)
                return -1;
            continue;
        }
        const char *code = json_string_value(json_object_get(e, "code"));
        struct ts_user *u = code ? ts_store_user_by_code(cx, code) : NULL;
        if (!u) {
            if (!cx->err.code)
                ts_fail_field(cx, key_of(cx, name, at, "code"), TS_M_NOT_FOUND_CODE,
                              code ? code : "");
            continue;
        }
        const char *to = text_member(cx, e, "newCode", key_of(cx, name, at, "newCode"), 128);
        const char *from = u->code;
        if (to && strcmp(to, u->code) != 0) {
            /* a condition is text: a rename cannot follow the login into it */
            int64_t in = ts_store_user_in_conditions(cx, from);
            if (in < 0)
                return -1;
            if (!code_ok(to))
                ts_fail_field(cx, key_of(cx, name, at, "newCode"), TS_M_BAD_LOGIN_CODE);
            else if (ts_store_user_by_code(cx, to))
                ts_fail_field(cx, key_of(cx, name, at, "newCode"), TS_M_CODE_TAKEN, to);
            else if (in > 0)
                ts_fail_field(cx, key_of(cx, name, at, "newCode"), TS_M_CODE_IN_CONDITION,
                              (long long)in);
            u->code = to;
        }
        user_settings(cx, e, name, at, u);
        const char *hash = password_hash(cx, e, name, at);
        if (cx->err.code)
            continue;
        if (ts_store_user_update(cx, u) < 0 ||
            (hash && ts_store_user_set_password(cx, u->id, hash) < 0) ||
            (strcmp(from, u->code) != 0 && carry_rename(cx, from, u->code) < 0))
            return -1;
    }
    return cx->err.code ? -1 : 0;
}

static int done(struct ts_jw *w)
{
    ts_jw_obj(w);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_users_add(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const json_t *list = batch(cx, rq->params, "users");
    return !list || ts_users_write(cx, list, true, "users", 0) < 0 ? -1 : done(w);
}

int ts_api_users_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const json_t *list = batch(cx, rq->params, "users");
    return !list || ts_users_write(cx, list, false, "users", 0) < 0 ? -1 : done(w);
}

/* The codes[] of a DELETE, each naming something that exists. */
static const json_t *codes_param(struct ts_ctx *cx, const json_t *params)
{
    return batch(cx, params, "codes");
}

int ts_api_users_delete(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    const json_t *codes = codes_param(cx, rq->params);
    if (!codes)
        return -1;
    size_t i;
    const json_t *c;
    json_array_foreach (codes, i, c) {
        struct ts_user *u =
            json_is_string(c) ? ts_store_user_by_code(cx, json_string_value(c)) : NULL;
        if (!u) {
            if (!cx->err.code)
                ts_fail_field(cx, ts_arena_printf(cx->arena, "codes[%zu]", i), TS_M_NOT_FOUND_CODE,
                              json_is_string(c) ? json_string_value(c) : "");
            continue;
        }
        if (cx->user && u->id == cx->user->id) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "codes[%zu]", i), TS_M_NOT_ENUM);
            continue; /* an administrator cannot stop their own account */
        }
        u->active = false;
        if (!cx->err.code && ts_store_user_update(cx, u) < 0)
            return -1;
    }
    return cx->err.code ? -1 : done(w);
}

/* Would putting e under parent_id make a loop? */
static bool under_itself(struct ts_ctx *cx, const struct ts_entity *e, int64_t parent_id)
{
    for (int depth = 0; parent_id && depth < 64; depth++) {
        if (parent_id == e->id)
            return true;
        struct ts_entity *p = ts_store_entity_by_id(cx, TS_ORG, parent_id);
        parent_id = p ? p->parent_id : 0;
    }
    return false;
}

int ts_entities_write(struct ts_ctx *cx, const json_t *list, enum ts_entity_kind k, bool add,
                      const char *name, size_t base)
{
    size_t at;
    const json_t *e;
    json_array_foreach (list, at, e) {
        size_t i = base + at;
        const char *code = text_member(cx, e, "code", key_of(cx, name, i, "code"), 100);
        struct ts_entity *cur = code ? ts_store_entity_get(cx, k, code) : NULL;
        struct ts_entity x = {.kind = k, .code = code};
        if (add) {
            if (!code_ok(code))
                ts_fail_field(cx, key_of(cx, name, i, "code"), TS_M_BAD_LOGIN_CODE);
            else if (cur)
                ts_fail_field(cx, key_of(cx, name, i, "code"), TS_M_CODE_TAKEN, code);
        } else if (!cur) {
            if (!cx->err.code)
                ts_fail_field(cx, key_of(cx, name, i, "code"), TS_M_NOT_FOUND_CODE,
                              code ? code : "");
            continue;
        } else {
            x = *cur;
        }
        const char *s;
        if ((s = text_member(cx, e, "newCode", key_of(cx, name, i, "newCode"), 100)) && !add &&
            strcmp(s, x.code) != 0) {
            if (!code_ok(s))
                ts_fail_field(cx, key_of(cx, name, i, "newCode"), TS_M_BAD_LOGIN_CODE);
            else if (ts_store_entity_get(cx, k, s))
                ts_fail_field(cx, key_of(cx, name, i, "newCode"), TS_M_CODE_TAKEN, s);
            x.code = s;
        }
        if ((s = text_member(cx, e, "name", key_of(cx, name, i, "name"), 100)))
            x.name = s;
        if ((s = text_member(cx, e, "description", key_of(cx, name, i, "description"), 10000)))
            x.description = s;
        if (!x.name || !*x.name)
            ts_fail_field(cx, key_of(cx, name, i, "name"), TS_M_REQUIRED_PARAM);
        const json_t *pc = json_object_get(e, "parentCode");
        if (k == TS_ORG && pc) {
            struct ts_entity *parent =
                json_is_string(pc) ? ts_store_entity_get(cx, TS_ORG, json_string_value(pc)) : NULL;
            if (json_is_string(pc) && !parent)
                ts_fail_field(cx, key_of(cx, name, i, "parentCode"), TS_M_NOT_FOUND_CODE,
                              json_string_value(pc));
            x.parent_id = parent ? parent->id : 0;
            if (!add && under_itself(cx, &x, x.parent_id))
                ts_fail_field(cx, key_of(cx, name, i, "parentCode"), TS_M_ORG_LOOP);
        }
        if (cx->err.code)
            continue;
        if ((add ? ts_store_entity_add(cx, &x) : ts_store_entity_update(cx, &x)) < 0)
            return -1;
    }
    return cx->err.code ? -1 : 0;
}

static int entities_api(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w,
                        enum ts_entity_kind k, bool add)
{
    const json_t *list = batch(cx, rq->params, list_key(k));
    return !list || ts_entities_write(cx, list, k, add, list_key(k), 0) < 0 ? -1 : done(w);
}

int ts_api_orgs_add(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return entities_api(cx, rq, w, TS_ORG, true);
}
int ts_api_orgs_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return entities_api(cx, rq, w, TS_ORG, false);
}
int ts_api_groups_add(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return entities_api(cx, rq, w, TS_GROUP, true);
}
int ts_api_groups_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return entities_api(cx, rq, w, TS_GROUP, false);
}

static int entities_delete(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w,
                           enum ts_entity_kind k)
{
    const json_t *codes = codes_param(cx, rq->params);
    if (!codes)
        return -1;
    size_t i;
    const json_t *c;
    json_array_foreach (codes, i, c) {
        const char *code = json_string_value(c);
        const char *key = ts_arena_printf(cx->arena, "codes[%zu]", i);
        struct ts_entity *e = code ? ts_store_entity_get(cx, k, code) : NULL;
        if (!e) {
            if (!cx->err.code)
                ts_fail_field(cx, key, TS_M_NOT_FOUND_CODE, code ? code : "");
            continue;
        }
        int64_t below = k == TS_ORG ? ts_store_entity_children(cx, k, e->id) : 0;
        if (below < 0)
            return -1;
        if (below > 0)
            ts_fail_field(cx, key, TS_M_ORG_HAS_CHILDREN, code);
        if (!cx->err.code && ts_store_entity_delete(cx, k, e->id) < 0)
            return -1;
    }
    return cx->err.code ? -1 : done(w);
}

int ts_api_orgs_delete(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return entities_delete(cx, rq, w, TS_ORG);
}
int ts_api_groups_delete(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return entities_delete(cx, rq, w, TS_GROUP);
}

/* PUT userOrganizations.json / userGroups.json: each user's whole set. */
int ts_memberships_write(struct ts_ctx *cx, const json_t *list, enum ts_entity_kind k,
                         const char *name, size_t base)
{
    const char *member = list_key(k);
    size_t at, j;
    const json_t *e, *c;
    json_array_foreach (list, at, e) {
        size_t i = base + at;
        const char *code = json_string_value(json_object_get(e, "code"));
        struct ts_user *u = code ? ts_store_user_by_code(cx, code) : NULL;
        if (!u) {
            if (!cx->err.code)
                ts_fail_field(cx, key_of(cx, name, i, "code"), TS_M_NOT_FOUND_CODE,
                              code ? code : "");
            continue;
        }
        const json_t *codes = json_object_get(e, member);
        if (!json_is_array(codes)) {
            ts_fail_field(cx, key_of(cx, name, i, member), TS_M_NOT_ARRAY);
            continue;
        }
        int64_t *ids = TS_NEW_N(cx->arena, int64_t, json_array_size(codes) + 1);
        int n = 0;
        int64_t primary = 0;
        const char *want = json_string_value(json_object_get(e, "primaryOrganization"));
        json_array_foreach (codes, j, c) {
            struct ts_entity *x =
                json_is_string(c) ? ts_store_entity_get(cx, k, json_string_value(c)) : NULL;
            if (!x) {
                if (!cx->err.code)
                    ts_fail_field(
                        cx, ts_arena_printf(cx->arena, "%s[%zu].%s[%zu]", name, i, member, j),
                        TS_M_NOT_FOUND_CODE, json_is_string(c) ? json_string_value(c) : "");
                continue;
            }
            ids[n++] = x->id;
            if (!primary || (want && !strcmp(want, x->code)))
                primary = x->id; /* the first, unless another is named */
        }
        if (!cx->err.code && ts_store_user_entities_set(cx, k, u->id, ids, n, primary) < 0)
            return -1;
    }
    return cx->err.code ? -1 : 0;
}

static int memberships_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w,
                           enum ts_entity_kind k)
{
    const char *name = k == TS_ORG ? "userOrganizations" : "userGroups";
    const json_t *list = batch(cx, rq->params, name);
    return !list || ts_memberships_write(cx, list, k, name, 0) < 0 ? -1 : done(w);
}

int ts_api_user_orgs_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return memberships_put(cx, rq, w, TS_ORG);
}
int ts_api_user_groups_put(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    return memberships_put(cx, rq, w, TS_GROUP);
}
