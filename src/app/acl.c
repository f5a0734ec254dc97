/*
 * app/acl.c - writing an app's access rights (PUT preview/app/acl.json): kept
 * with the preview settings and deployed with them, as kintone does. Each
 * entry names a user, a department (with or without those below it), a group
 * ("everyone" is everyone) or the app's creator, and the rights it gives; the
 * first entry that matches a person decides (auth/acl.c).
 */
#include "base/common.h"
#include "app/app.h"
#include "base/str.h"
#include "query/query.h"

#define MAX_RIGHTS 100

static const char *const FLAGS[] = {"appEditable",      "recordViewable",  "recordAddable",
                                    "recordEditable",   "recordDeletable", "recordImportable",
                                    "recordExportable", "includeSubs"};

static bool entity_exists(struct ts_ctx *cx, const char *type, const char *code)
{
    if (!strcmp(type, "USER"))
        return ts_store_user_by_code(cx, code) != NULL;
    if (!strcmp(type, "GROUP"))
        return !strcmp(code, "everyone") || ts_store_entity_get(cx, TS_GROUP, code) != NULL;
    return ts_store_entity_get(cx, TS_ORG, code) != NULL;
}

static json_t *norm_entry(struct ts_ctx *cx, const json_t *r, const char *key,
                          const char *const *flags, size_t n_flags, const json_t *fields);

int ts_app_acl_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *rights)
{
    if (!json_is_array(rights)) {
        ts_fail_field(cx, "rights", rights ? TS_M_NOT_ARRAY : TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (json_array_size(rights) > MAX_RIGHTS) {
        ts_fail_field(cx, "rights", TS_M_TOO_MANY_RECORDS, MAX_RIGHTS);
        return -1;
    }
    json_t *out = json_array();
    size_t i;
    const json_t *r;
    json_array_foreach (rights, i, r) {
        json_t *e = norm_entry(cx, r, ts_arena_printf(cx->arena, "rights[%zu]", i), FLAGS,
                               TS_ARRAY_LEN(FLAGS), NULL);
        if (e)
            json_array_append_new(out, e);
        else if (cx->err.code && cx->err.code != TS_E_INVALID_INPUT)
            break;
    }
    if (cx->err.code) {
        json_decref(out);
        return -1;
    }
    json_object_set_new(p->def, "acl", out);
    return 0;
}

/* Is field `code` one that names people (a user, department or group
 * selection, the creator or the last modifier)? */
static bool people_field(const json_t *fields, const char *code)
{
    const json_t *f = code ? json_object_get(fields, code) : NULL;
    const char *type = json_string_value(json_object_get(f, "type"));
    static const char *const TYPES[] = {"USER_SELECT", "ORGANIZATION_SELECT", "GROUP_SELECT",
                                        "CREATOR", "MODIFIER"};
    for (size_t i = 0; type && i < TS_ARRAY_LEN(TYPES); i++)
        if (!strcmp(type, TYPES[i]))
            return true;
    return false;
}

/* One entity of a list ({entity:{type, code}, includeSubs and the flags
 * given}), or NULL with the problem reported under key. With the app's
 * fields, FIELD_ENTITY names the people a field of the record holds. */
static json_t *norm_entry(struct ts_ctx *cx, const json_t *r, const char *key,
                          const char *const *flags, size_t n_flags, const json_t *fields)
{
    const json_t *entity = json_object_get(r, "entity");
    const char *type = json_string_value(json_object_get(entity, "type"));
    const char *code = json_string_value(json_object_get(entity, "code"));
    bool creator = ts_str_eq(type, "CREATOR");
    bool by_field = fields && ts_str_eq(type, "FIELD_ENTITY");
    if (!type || (!creator && !by_field && strcmp(type, "USER") && strcmp(type, "GROUP") &&
                  strcmp(type, "ORGANIZATION"))) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.entity.type", key), TS_M_NOT_ENUM);
        return NULL;
    }
    if (by_field && !people_field(fields, code)) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.entity.code", key), TS_M_FIELD_UNKNOWN,
                      code ? code : "");
        return NULL;
    }
    if (!creator && !by_field && (!code || !entity_exists(cx, type, code))) {
        if (!cx->err.code || cx->err.code == TS_E_INVALID_INPUT)
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.entity.code", key),
                          TS_M_NOT_FOUND_CODE, code ? code : "");
        return NULL;
    }
    json_t *e = json_object();
    json_object_set_new(
        e, "entity",
        json_pack("{s:s, s:o}", "type", type, "code", creator ? json_null() : json_string(code)));
    for (size_t k = 0; k < n_flags; k++) {
        const json_t *v = json_object_get(r, flags[k]);
        bool on = json_is_true(v) || (json_is_string(v) && !strcmp(json_string_value(v), "true"));
        json_object_set_new(e, flags[k], json_boolean(on));
    }
    return e;
}

static void unref_cb(void *p)
{
    ts_app_unref(p);
}

int ts_app_record_acl_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *rights)
{
    static const char *const flags[] = {"viewable", "editable", "deletable", "includeSubs"};
    if (!json_is_array(rights) || json_array_size(rights) > MAX_RIGHTS) {
        ts_fail_field(cx, "rights",
                      !rights                 ? TS_M_REQUIRED_PARAM
                      : json_is_array(rights) ? TS_M_TOO_MANY_RECORDS
                                              : TS_M_NOT_ARRAY,
                      MAX_RIGHTS);
        return -1;
    }
    struct ts_app *app = ts_app_build(cx, p->row, p->def);
    if (!app)
        return -1;
    ts_arena_defer(cx->arena, unref_cb, app);
    json_t *out = json_array();
    size_t i, j;
    const json_t *r, *e;
    json_array_foreach (rights, i, r) {
        const char *key = ts_arena_printf(cx->arena, "rights[%zu]", i);
        const char *fc = json_string_value(json_object_get(r, "filterCond"));
        if (fc && *fc && ts_query_check(cx, app, fc, TS_QUERY_FILTER) < 0) {
            ts_err_clear(cx);
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.filterCond", key), TS_M_QUERY_SYNTAX,
                          0, fc);
        }
        json_t *list = json_array();
        json_array_foreach (json_object_get(r, "entities"), j, e) {
            json_t *n = norm_entry(cx, e, ts_arena_printf(cx->arena, "%s.entities[%zu]", key, j),
                                   flags, TS_ARRAY_LEN(flags), json_object_get(p->def, "fields"));
            if (n)
                json_array_append_new(list, n);
        }
        json_array_append_new(
            out, json_pack("{s:s, s:o}", "filterCond", fc ? fc : "", "entities", list));
    }
    if (cx->err.code) {
        json_decref(out);
        return -1;
    }
    json_object_set_new(p->def, "recordAcl", json_pack("{s:o}", "rights", out));
    return 0;
}

static const char *const ACCESS[] = {"NONE", "READ", "WRITE"};

int ts_app_field_acl_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *rights)
{
    if (!json_is_array(rights) || json_array_size(rights) > MAX_RIGHTS) {
        ts_fail_field(cx, "rights",
                      !rights                 ? TS_M_REQUIRED_PARAM
                      : json_is_array(rights) ? TS_M_TOO_MANY_RECORDS
                                              : TS_M_NOT_ARRAY,
                      MAX_RIGHTS);
        return -1;
    }
    const json_t *fields = json_object_get(p->def, "fields");
    static const char *const flags[] = {"includeSubs"};
    json_t *out = json_array();
    size_t i, j;
    const json_t *r, *e;
    json_array_foreach (rights, i, r) {
        const char *key = ts_arena_printf(cx->arena, "rights[%zu]", i);
        const char *code = json_string_value(json_object_get(r, "code"));
        const json_t *f = code ? json_object_get(fields, code) : NULL;
        const char *type = json_string_value(json_object_get(f, "type"));
        /* fields with values a person types or sees; not layout, not the system's */
        int t = ts_ftype_from_name(type);
        if (!f || t < 0 || ts_ftypes[t].kind == TS_K_NONE || ts_ftypes[t].kind == TS_K_SYS)
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.code", key), TS_M_FIELD_UNKNOWN,
                          code ? code : "");
        json_t *list = json_array();
        json_array_foreach (json_object_get(r, "entities"), j, e) {
            const char *ekey = ts_arena_printf(cx->arena, "%s.entities[%zu]", key, j);
            json_t *n = norm_entry(cx, e, ekey, flags, TS_ARRAY_LEN(flags), fields);
            const char *acc = json_string_value(json_object_get(e, "accessibility"));
            bool ok = false;
            for (size_t k = 0; acc && k < TS_ARRAY_LEN(ACCESS); k++)
                ok |= !strcmp(acc, ACCESS[k]);
            if (!ok)
                ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.accessibility", ekey),
                              TS_M_NOT_ENUM);
            if (n && ok) {
                json_object_set_new(n, "accessibility", json_string(acc));
                json_array_append_new(list, n);
            } else {
                json_decref(n);
            }
        }
        json_array_append_new(out,
                              json_pack("{s:s, s:o}", "code", code ? code : "", "entities", list));
    }
    if (cx->err.code) {
        json_decref(out);
        return -1;
    }
    json_object_set_new(p->def, "fieldAcl", json_pack("{s:o}", "rights", out));
    return 0;
}

json_t *ts_app_entity(struct ts_ctx *cx, const json_t *e, const char *key, const json_t *fields)
{
    static const char *const flags[] = {"includeSubs"};
    return norm_entry(cx, e, key, flags, 1, fields);
}

json_t *ts_app_entities(struct ts_ctx *cx, const json_t *list, const char *key,
                        const json_t *fields)
{
    if (!json_is_array(list) || json_array_size(list) > MAX_RIGHTS) {
        ts_fail_field(cx, key, TS_M_NOT_ARRAY);
        return NULL;
    }
    json_t *out = json_array();
    size_t i;
    const json_t *e;
    json_array_foreach (list, i, e) {
        json_t *n = ts_app_entity(cx, e, ts_arena_printf(cx->arena, "%s[%zu]", key, i), fields);
        if (n)
            json_array_append_new(out, n);
    }
    if (cx->err.code) {
        json_decref(out);
        return NULL;
    }
    return out;
}
