/*
 * app/fields.c - changing preview settings: field properties, the form layout,
 * views and general settings (KINTONE-API.md §5.3, §7).
 *
 * Properties are normalised on the way in, so that GET returns every property
 * of the type with kintone's shapes: numeric settings as strings ("" when unset),
 * booleans as booleans, options as {name:{label,index}}. Validation reports every
 * bad property at once under CB_VA01 with keys like properties.<code>.<prop>.
 */
#include "base/common.h"
#include "app/app.h"
#include "base/str.h"
#include "base/tstime.h"
#include "query/query.h"

enum pk { P_BOOL, P_STR, P_NUMSTR, P_INTSTR, P_ENUM, P_OPTIONS, P_STRARR, P_ENTITIES, P_ANY };

struct pspec {
    const char *key;
    enum pk kind;
    const char *dflt;          /* for P_BOOL "1"/"0"; strings as is */
    const char *const *values; /* P_ENUM */
};

static const char *const UNIT_POS[] = {"BEFORE", "AFTER", NULL};
static const char *const ALIGN[] = {"HORIZONTAL", "VERTICAL", NULL};
static const char *const PROTOCOL[] = {"WEB", "CALL", "MAIL", NULL};
static const char *const THUMBNAIL[] = {"50", "150", "250", "500", NULL};

#define COMMON                                                                                     \
    {"noLabel", P_BOOL, "0", NULL},                                                                \
    {                                                                                              \
        "required", P_BOOL, "0", NULL                                                              \
    }
#define END                                                                                        \
    {                                                                                              \
        NULL, 0, NULL, NULL                                                                        \
    }

static const struct pspec S_SINGLE[] = {COMMON,
                                        {"defaultValue", P_STR, "", NULL},
                                        {"unique", P_BOOL, "0", NULL},
                                        {"minLength", P_INTSTR, "", NULL},
                                        {"maxLength", P_INTSTR, "", NULL},
                                        {"expression", P_STR, "", NULL},
                                        {"hideExpression", P_BOOL, "0", NULL},
                                        END};
static const struct pspec S_MULTI_LINE[] = {COMMON, {"defaultValue", P_STR, "", NULL}, END};
static const struct pspec S_NUMBER[] = {COMMON,
                                        {"defaultValue", P_NUMSTR, "", NULL},
                                        {"unique", P_BOOL, "0", NULL},
                                        {"minValue", P_NUMSTR, "", NULL},
                                        {"maxValue", P_NUMSTR, "", NULL},
                                        {"digit", P_BOOL, "0", NULL},
                                        {"displayScale", P_INTSTR, "", NULL},
                                        {"unit", P_STR, "", NULL},
                                        {"unitPosition", P_ENUM, "BEFORE", UNIT_POS},
                                        END};
static const struct pspec S_RADIO[] = {COMMON,
                                       {"defaultValue", P_STR, "", NULL},
                                       {"options", P_OPTIONS, NULL, NULL},
                                       {"align", P_ENUM, "HORIZONTAL", ALIGN},
                                       END};
static const struct pspec S_DROP[] = {
    COMMON, {"defaultValue", P_STR, "", NULL}, {"options", P_OPTIONS, NULL, NULL}, END};
static const struct pspec S_CHECK[] = {COMMON,
                                       {"defaultValue", P_STRARR, NULL, NULL},
                                       {"options", P_OPTIONS, NULL, NULL},
                                       {"align", P_ENUM, "HORIZONTAL", ALIGN},
                                       END};
static const struct pspec S_MSELECT[] = {
    COMMON, {"defaultValue", P_STRARR, NULL, NULL}, {"options", P_OPTIONS, NULL, NULL}, END};
static const struct pspec S_DATE[] = {COMMON,
                                      {"defaultValue", P_STR, "", NULL},
                                      {"unique", P_BOOL, "0", NULL},
                                      {"defaultNowValue", P_BOOL, "0", NULL},
                                      END};
static const struct pspec S_TIME[] = {
    COMMON, {"defaultValue", P_STR, "", NULL}, {"defaultNowValue", P_BOOL, "0", NULL}, END};
static const struct pspec S_LINK[] = {COMMON,
                                      {"defaultValue", P_STR, "", NULL},
                                      {"unique", P_BOOL, "0", NULL},
                                      {"minLength", P_INTSTR, "", NULL},
                                      {"maxLength", P_INTSTR, "", NULL},
                                      {"protocol", P_ENUM, "WEB", PROTOCOL},
                                      END};
static const struct pspec S_ENTITY[] = {
    COMMON, {"defaultValue", P_ENTITIES, NULL, NULL}, {"entities", P_ENTITIES, NULL, NULL}, END};
static const struct pspec S_GROUP[] = {
    {"noLabel", P_BOOL, "0", NULL}, {"openGroup", P_BOOL, "0", NULL}, END};
static const char *const CALC_FORMATS[] = {"NUMBER", "NUMBER_DIGIT", "DATETIME",        "DATE",
                                           "TIME",   "HOUR_MINUTE",  "DAY_HOUR_MINUTE", NULL};
static const struct pspec S_CALC[] = {COMMON,
                                      {"expression", P_STR, "", NULL},
                                      {"hideExpression", P_BOOL, "0", NULL},
                                      {"format", P_ENUM, "NUMBER", CALC_FORMATS},
                                      {"displayScale", P_INTSTR, "", NULL},
                                      {"unit", P_STR, "", NULL},
                                      {"unitPosition", P_ENUM, "BEFORE", UNIT_POS},
                                      END};
static const struct pspec S_FILE[] = {COMMON, {"thumbnailSize", P_ENUM, "150", THUMBNAIL}, END};
static const struct pspec S_SYS[] = {{"noLabel", P_BOOL, "0", NULL}, END};
static const struct pspec S_STATUS[] = {{"enabled", P_BOOL, "0", NULL}, END};

static const struct pspec *spec_for(enum ts_ftype t)
{
    switch (t) {
    case TS_F_SINGLE_LINE_TEXT:
        return S_SINGLE;
    case TS_F_MULTI_LINE_TEXT:
    case TS_F_RICH_TEXT:
        return S_MULTI_LINE;
    case TS_F_NUMBER:
        return S_NUMBER;
    case TS_F_RADIO_BUTTON:
        return S_RADIO;
    case TS_F_DROP_DOWN:
        return S_DROP;
    case TS_F_CHECK_BOX:
        return S_CHECK;
    case TS_F_MULTI_SELECT:
        return S_MSELECT;
    case TS_F_DATE:
    case TS_F_DATETIME:
        return S_DATE;
    case TS_F_TIME:
        return S_TIME;
    case TS_F_LINK:
        return S_LINK;
    case TS_F_USER_SELECT:
    case TS_F_ORGANIZATION_SELECT:
    case TS_F_GROUP_SELECT:
        return S_ENTITY;
    case TS_F_GROUP:
        return S_GROUP;
    case TS_F_FILE:
        return S_FILE;
    case TS_F_CALC:
        return S_CALC;
    case TS_F_STATUS:
    case TS_F_STATUS_ASSIGNEE:
    case TS_F_CATEGORY:
        return S_STATUS;
    default:
        return S_SYS;
    }
}

/* Types a user may add through fields.json. */
static bool addable(int t)
{
    if (t < 0)
        return false;
    unsigned flags = ts_ftypes[t].flags;
    enum ts_fkind kind = ts_ftypes[t].kind;
    return !(flags & (TS_FF_HIDDEN | TS_FF_LAYOUT)) && kind != TS_K_SYS;
}

/* kintone's cap: 500 fields an app (layout and system fields not counted, a
 * table's own fields counted). Checked as fields are added, so that no deploy
 * has to learn it from the database. */
#define MAX_FIELDS 500

static size_t count_fields(const json_t *fields)
{
    size_t n = 0;
    const char *code;
    const json_t *f;
    json_object_foreach ((json_t *)fields, code, f) {
        if (!addable(ts_ftype_from_name(json_string_value(json_object_get(f, "type")))))
            continue;
        n += 1 + json_object_size(json_object_get(f, "fields"));
    }
    return n;
}

static int fields_within_cap(struct ts_ctx *cx, const json_t *fields)
{
    if (count_fields(fields) <= MAX_FIELDS)
        return 0;
    ts_fail_field(cx, "properties", TS_M_TOO_MANY_FIELDS, MAX_FIELDS);
    return -1;
}

static bool is_true_value(const json_t *v)
{
    return json_is_true(v) || (json_is_string(v) && strcmp(json_string_value(v), "true") == 0);
}

static json_t *norm_options(struct ts_ctx *cx, const json_t *v, const char *key)
{
    if (!json_is_object(v)) {
        ts_fail_field(cx, key, TS_M_NOT_OBJECT);
        return NULL;
    }
    json_t *out = json_object();
    const char *name;
    json_t *o;
    int i = 0;
    json_object_foreach ((json_t *)v, name, o) {
        const json_t *label = json_object_get(o, "label");
        const json_t *index = json_object_get(o, "index");
        int64_t idx = i;
        if (json_is_integer(index))
            idx = json_integer_value(index);
        else if (json_is_string(index) && ts_parse_i64(json_string_value(index), &idx) < 0)
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.%s.index", key, name),
                          TS_M_NOT_INTEGER);
        if (!*name || strchr(name, '\x1f'))
            ts_fail_field(cx, key, TS_M_BAD_VALUE_SHAPE);
        char ibuf[24];
        snprintf(ibuf, sizeof(ibuf), "%lld", (long long)idx);
        json_object_set_new(out, name,
                            json_pack("{s:s, s:s}", "label",
                                      json_is_string(label) ? json_string_value(label) : name,
                                      "index", ibuf));
        i++;
    }
    return out;
}

static json_t *norm_value(struct ts_ctx *cx, const struct pspec *s, const json_t *v,
                          const char *key)
{
    char buf[128];
    switch (s->kind) {
    case P_BOOL:
        if (json_is_boolean(v))
            return json_boolean(json_is_true(v));
        if (json_is_string(v) && (strcmp(json_string_value(v), "true") == 0 ||
                                  strcmp(json_string_value(v), "false") == 0))
            return json_boolean(is_true_value(v));
        ts_fail_field(cx, key, TS_M_NOT_BOOLEAN);
        return NULL;
    case P_STR:
        if (json_is_string(v))
            return json_string(json_string_value(v));
        ts_fail_field(cx, key, TS_M_NOT_STRING);
        return NULL;
    case P_NUMSTR:
    case P_INTSTR: {
        const char *text = NULL;
        if (json_is_string(v))
            text = json_string_value(v);
        else if (json_is_integer(v))
            text = ts_arena_printf(cx->arena, "%lld", (long long)json_integer_value(v));
        else if (json_is_real(v))
            text = ts_arena_printf(cx->arena, "%.17g", json_real_value(v));
        if (text && !*text)
            return json_string("");
        int64_t n;
        if (text && s->kind == P_INTSTR && ts_parse_i64(text, &n) == 0 && n >= 0)
            return json_string(text);
        if (text && s->kind == P_NUMSTR && ts_number_normalize(text, buf, sizeof(buf)) == 0)
            return json_string(buf);
        ts_fail_field(cx, key, s->kind == P_INTSTR ? TS_M_NOT_INTEGER : TS_M_NOT_NUMBER);
        return NULL;
    }
    case P_ENUM:
        for (const char *const *e = s->values; json_is_string(v) && *e; e++)
            if (strcmp(*e, json_string_value(v)) == 0)
                return json_string(*e);
        ts_fail_field(cx, key, TS_M_NOT_ENUM);
        return NULL;
    case P_OPTIONS:
        return norm_options(cx, v, key);
    case P_STRARR: {
        if (!json_is_array(v)) {
            ts_fail_field(cx, key, TS_M_NOT_ARRAY);
            return NULL;
        }
        size_t i;
        json_t *e;
        json_array_foreach (v, i, e)
            if (!json_is_string(e)) {
                ts_fail_field(cx, key, TS_M_NOT_STRING);
                return NULL;
            }
        return json_deep_copy(v);
    }
    case P_ENTITIES: {
        if (!json_is_array(v)) {
            ts_fail_field(cx, key, TS_M_NOT_ARRAY);
            return NULL;
        }
        json_t *out = json_array();
        size_t i;
        json_t *e;
        json_array_foreach (v, i, e) {
            const char *code = json_string_value(json_object_get(e, "code"));
            const char *type = json_string_value(json_object_get(e, "type"));
            if (!code || !type) {
                ts_fail_field(cx, key, TS_M_BAD_VALUE_SHAPE);
                continue;
            }
            json_array_append_new(out, json_pack("{s:s, s:s}", "code", code, "type", type));
        }
        return out;
    }
    case P_ANY:
        return json_deep_copy(v);
    }
    return NULL;
}

static json_t *default_for(const struct pspec *s)
{
    switch (s->kind) {
    case P_BOOL:
        return json_boolean(s->dflt[0] == '1');
    case P_OPTIONS:
        return json_object();
    case P_STRARR:
    case P_ENTITIES:
        return json_array();
    default:
        return json_string(s->dflt ? s->dflt : "");
    }
}

/* {app, code} of a related app, as strings; NULL when neither is given. */
static json_t *norm_related_app(struct ts_ctx *cx, const json_t *v, const char *key)
{
    const json_t *app = json_object_get(v, "app");
    const char *code = json_string_value(json_object_get(v, "code"));
    int64_t id = 0;
    if (json_is_integer(app))
        id = json_integer_value(app);
    else if (json_is_string(app) && *json_string_value(app) &&
             ts_parse_i64(json_string_value(app), &id) < 0)
        id = -1;
    if (id < 0 || (id == 0 && !(code && *code))) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.app", key), TS_M_REQUIRED_PARAM);
        return NULL;
    }
    return json_pack("{s:s, s:s}", "app",
                     id ? ts_arena_printf(cx->arena, "%lld", (long long)id) : "", "code",
                     code ? code : "");
}

static const char *str_member(const json_t *v, const char *name)
{
    const char *s = json_string_value(json_object_get(v, name));
    return s ? s : "";
}

/* Codes listed in an array of strings; CB_VA01 at key when it is not one. */
static json_t *norm_codes(struct ts_ctx *cx, const json_t *v, const char *key)
{
    json_t *out = json_array();
    if (!v || json_is_null(v))
        return out;
    size_t i;
    const json_t *e;
    if (!json_is_array(v))
        ts_fail_field(cx, key, TS_M_NOT_ARRAY);
    json_array_foreach (v, i, e) {
        if (json_is_string(e))
            json_array_append_new(out, json_string(json_string_value(e)));
        else
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s[%zu]", key, i), TS_M_NOT_STRING);
    }
    return out;
}

/* A lookup (KINTONE-API.md §7.1): kept only when given. Whether the source app
 * and its fields exist is checked at deploy, when both apps' shapes are known.
 * autoRefresh (ours, off by default as kintone) keeps copies up to date. */
static void norm_lookup(struct ts_ctx *cx, const char *code, const json_t *in, const json_t *base,
                        json_t *out)
{
    const json_t *v = json_object_get(in, "lookup");
    if (!v)
        v = json_object_get(base, "lookup");
    if (!v || json_is_null(v))
        return;
    const char *key = ts_arena_printf(cx->arena, "properties.%s.lookup", code);
    if (!json_is_object(v)) {
        ts_fail_field(cx, key, TS_M_NOT_OBJECT);
        return;
    }
    json_t *rel = norm_related_app(cx, json_object_get(v, "relatedApp"),
                                   ts_arena_printf(cx->arena, "%s.relatedApp", key));
    const char *rkey = str_member(v, "relatedKeyField");
    if (!*rkey)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.relatedKeyField", key),
                      TS_M_REQUIRED_PARAM);
    json_t *maps = json_array();
    size_t i;
    const json_t *m;
    json_array_foreach (json_object_get(v, "fieldMappings"), i, m) {
        const char *field = str_member(m, "field"), *related = str_member(m, "relatedField");
        if (!*field || !*related)
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.fieldMappings[%zu]", key, i),
                          TS_M_REQUIRED_PARAM);
        json_array_append_new(maps,
                              json_pack("{s:s, s:s}", "field", field, "relatedField", related));
    }
    json_t *picker = norm_codes(cx, json_object_get(v, "lookupPickerFields"),
                                ts_arena_printf(cx->arena, "%s.lookupPickerFields", key));
    json_t *lk =
        json_pack("{s:o*, s:s, s:o, s:o, s:s, s:s, s:b}", "relatedApp", rel, "relatedKeyField",
                  rkey, "fieldMappings", maps, "lookupPickerFields", picker, "filterCond",
                  str_member(v, "filterCond"), "sort", str_member(v, "sort"), "autoRefresh",
                  is_true_value(json_object_get(v, "autoRefresh")));
    json_object_set_new(out, "lookup", lk);
}

static const char *const REF_SIZES[] = {"1", "3", "5", "10", "20", "30", "40", "50", NULL};

/* Related records (KINTONE-API.md §7.1); the apps' fields are checked at deploy. */
static void norm_reference(struct ts_ctx *cx, const char *code, const json_t *in,
                           const json_t *base, json_t *out)
{
    const json_t *v = json_object_get(in, "referenceTable");
    if (!v)
        v = json_object_get(base, "referenceTable");
    const char *key = ts_arena_printf(cx->arena, "properties.%s.referenceTable", code);
    if (!json_is_object(v)) {
        ts_fail_field(cx, key, v ? TS_M_NOT_OBJECT : TS_M_REQUIRED_PARAM);
        return;
    }
    json_t *rel = norm_related_app(cx, json_object_get(v, "relatedApp"),
                                   ts_arena_printf(cx->arena, "%s.relatedApp", key));
    const json_t *cond = json_object_get(v, "condition");
    const char *field = str_member(cond, "field"), *related = str_member(cond, "relatedField");
    if (!*field || !*related)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.condition", key), TS_M_REQUIRED_PARAM);
    const json_t *size = json_object_get(v, "size");
    const char *sz = json_is_string(size) ? json_string_value(size) : "5";
    if (json_is_integer(size))
        sz = ts_arena_printf(cx->arena, "%lld", (long long)json_integer_value(size));
    bool size_ok = false;
    for (const char *const *e = REF_SIZES; *e; e++)
        size_ok |= strcmp(*e, sz) == 0;
    if (!size_ok)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.size", key), TS_M_NOT_ENUM);
    json_t *display = norm_codes(cx, json_object_get(v, "displayFields"),
                                 ts_arena_printf(cx->arena, "%s.displayFields", key));
    json_t *ref = json_pack("{s:o*, s:{s:s, s:s}, s:s, s:o, s:s, s:s}", "relatedApp", rel,
                            "condition", "field", field, "relatedField", related, "filterCond",
                            str_member(v, "filterCond"), "displayFields", display, "sort",
                            str_member(v, "sort"), "size", sz);
    json_object_set_new(out, "referenceTable", ref);
}

/* Build the stored property of field `code` from the request's `in` over `base`
 * (the current property, or NULL when adding). */
static json_t *normalize(struct ts_ctx *cx, const char *code, enum ts_ftype type, const json_t *in,
                         const json_t *base)
{
    json_t *out = json_object();
    json_object_set_new(out, "type", json_string(ts_ftypes[type].name));
    json_object_set_new(out, "code", json_string(code));
    const json_t *label = json_object_get(in, "label");
    if (!label)
        label = json_object_get(base, "label");
    if (!json_is_string(label)) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "properties.%s.label", code),
                      TS_M_REQUIRED_PARAM);
    } else {
        json_object_set_new(out, "label", json_string(json_string_value(label)));
    }
    for (const struct pspec *s = spec_for(type); s->key; s++) {
        const json_t *v = json_object_get(in, s->key);
        const char *key = ts_arena_printf(cx->arena, "properties.%s.%s", code, s->key);
        if (!v || json_is_null(v)) {
            json_t *keep = json_object_get(base, s->key);
            json_object_set_new(out, s->key, keep ? json_deep_copy(keep) : default_for(s));
            continue;
        }
        json_t *n = norm_value(cx, s, v, key);
        if (n)
            json_object_set_new(out, s->key, n);
    }
    /* `unique` is kept only where kintone keeps it (KINTONE-API.md §6) */
    json_t *opts = json_object_get(out, "options");
    json_t *dv = json_object_get(out, "defaultValue");
    const char *dkey = ts_arena_printf(cx->arena, "properties.%s.defaultValue", code);
    if (opts && json_is_string(dv) && *json_string_value(dv) &&
        !json_object_get(opts, json_string_value(dv)))
        ts_fail_field(cx, dkey, TS_M_NOT_OPTION, json_string_value(dv));
    if (opts && json_is_array(dv)) {
        size_t i;
        json_t *e;
        json_array_foreach (dv, i, e)
            if (!json_object_get(opts, json_string_value(e)))
                ts_fail_field(cx, dkey, TS_M_NOT_OPTION, json_string_value(e));
    }
    if (ts_ftypes[type].flags & TS_FF_OPTIONS && json_object_size(opts) == 0)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "properties.%s.options", code),
                      TS_M_REQUIRED_PARAM);
    if (json_is_string(dv) && *json_string_value(dv)) {
        char tmp[21];
        int64_t e;
        if ((type == TS_F_DATE && ts_date_parse(json_string_value(dv), tmp) < 0) ||
            (type == TS_F_TIME && ts_time_parse(json_string_value(dv), tmp) < 0) ||
            (type == TS_F_DATETIME && ts_datetime_parse(json_string_value(dv), &e) < 0))
            ts_fail_field(cx, dkey,
                          type == TS_F_DATE   ? TS_M_BAD_DATE
                          : type == TS_F_TIME ? TS_M_BAD_TIME
                                              : TS_M_BAD_DATETIME);
    }
    if (type == TS_F_SINGLE_LINE_TEXT || type == TS_F_NUMBER)
        norm_lookup(cx, code, in, base, out);
    if (type == TS_F_REFERENCE_TABLE)
        norm_reference(cx, code, in, base, out);
    const json_t *fid = json_object_get(base, "_fid");
    if (fid)
        json_object_set_new(out, "_fid", json_copy((json_t *)fid));
    return out;
}

/* ---------------------------------------------------------------- layout helpers */

/* Call fn on every field element of the layout (rows, groups' rows). */
typedef void layout_fn(json_t *elem, void *arg);
static void layout_walk(json_t *layout, layout_fn *fn, void *arg)
{
    size_t i, j;
    json_t *row, *e;
    json_array_foreach (layout, i, row) {
        const char *t = json_string_value(json_object_get(row, "type"));
        if (t && strcmp(t, "GROUP") == 0) {
            fn(row, arg);
            layout_walk(json_object_get(row, "layout"), fn, arg);
            continue;
        }
        if (t && strcmp(t, "SUBTABLE") == 0) {
            fn(row, arg); /* its inner fields follow the table's definition */
            continue;
        }
        json_array_foreach (json_object_get(row, "fields"), j, e)
            fn(e, arg);
    }
}

struct rename {
    const char *from, *to;
};

static void rename_cb(json_t *e, void *arg)
{
    struct rename *r = arg;
    if (ts_str_eq(json_string_value(json_object_get(e, "code")), r->from))
        json_object_set_new(e, "code", r->to ? json_string(r->to) : json_null());
}

/* Drop field elements whose code was set to null, and rows left empty. */
static void layout_prune(json_t *layout)
{
    for (size_t i = 0; i < json_array_size(layout);) {
        json_t *row = json_array_get(layout, i);
        const char *t = json_string_value(json_object_get(row, "type"));
        if (t && strcmp(t, "GROUP") == 0) {
            if (json_is_null(json_object_get(row, "code"))) {
                /* keep the group's rows, lifted out */
                json_t *inner = json_incref(json_object_get(row, "layout"));
                json_array_remove(layout, i);
                for (size_t k = 0; k < json_array_size(inner); k++)
                    json_array_insert(layout, i + k, json_array_get(inner, k));
                json_decref(inner);
                continue;
            }
            layout_prune(json_object_get(row, "layout"));
            i++;
            continue;
        }
        if (t && strcmp(t, "SUBTABLE") == 0) {
            if (json_is_null(json_object_get(row, "code")))
                json_array_remove(layout, i);
            else
                i++;
            continue;
        }
        json_t *fields = json_object_get(row, "fields");
        for (size_t j = 0; j < json_array_size(fields);) {
            json_t *e = json_array_get(fields, j);
            if (json_object_get(e, "code") && json_is_null(json_object_get(e, "code")))
                json_array_remove(fields, j);
            else
                j++;
        }
        if (json_array_size(fields) == 0)
            json_array_remove(layout, i);
        else
            i++;
    }
}

static void seen_cb(json_t *e, void *arg)
{
    const char *code = json_string_value(json_object_get(e, "code"));
    if (code)
        json_object_set_new(arg, code, json_true());
}

/* A SUBTABLE row lists the table's inner fields in its definition's order,
 * keeping the sizes the layout gave them. */
static void table_row_sync(json_t *row, const json_t *table)
{
    json_t *old = json_object_get(row, "fields");
    json_t *elems = json_array();
    const char *code;
    const json_t *p;
    json_object_foreach ((json_t *)json_object_get(table, "fields"), code, p) {
        json_t *size = NULL;
        size_t i;
        json_t *e;
        json_array_foreach (old, i, e)
            if (ts_str_eq(json_string_value(json_object_get(e, "code")), code))
                size = json_object_get(e, "size");
        json_array_append_new(elems,
                              json_pack("{s:s, s:s, s:o}", "type",
                                        json_string_value(json_object_get(p, "type")), "code", code,
                                        "size", size ? json_incref(size) : json_object()));
    }
    json_object_set_new(row, "fields", elems);
}

/* Every form field appears in the layout: those missing get a row at the end. */
static void layout_complete(json_t *def)
{
    json_t *layout = json_object_get(def, "layout");
    json_t *fields = json_object_get(def, "fields");
    size_t i;
    json_t *row;
    json_array_foreach (layout, i, row)
        if (ts_str_eq(json_string_value(json_object_get(row, "type")), "SUBTABLE"))
            table_row_sync(
                row, json_object_get(fields, json_string_value(json_object_get(row, "code"))));
    json_t *seen = json_object();
    layout_walk(layout, seen_cb, seen);
    const char *code;
    json_t *p;
    json_object_foreach (json_object_get(def, "fields"), code, p) {
        int t = ts_ftype_from_name(json_string_value(json_object_get(p, "type")));
        if (!addable(t) || json_object_get(seen, code))
            continue;
        if (t == TS_F_GROUP) {
            json_array_append_new(
                layout, json_pack("{s:s, s:s, s:[]}", "type", "GROUP", "code", code, "layout"));
        } else if (t == TS_F_SUBTABLE) {
            json_t *r = json_pack("{s:s, s:s, s:[]}", "type", "SUBTABLE", "code", code, "fields");
            table_row_sync(r, p);
            json_array_append_new(layout, r);
        } else
            json_array_append_new(layout,
                                  json_pack("{s:s, s:[{s:s, s:s, s:{}}]}", "type", "ROW", "fields",
                                            "type", ts_ftypes[t].name, "code", code, "size"));
    }
    json_decref(seen);
}

/* ---------------------------------------------------------------- fields */

static bool props_given(struct ts_ctx *cx, const json_t *props)
{
    if (json_is_object(props) && json_object_size(props) > 0)
        return true;
    ts_fail_field(cx, "properties", TS_M_REQUIRED_PARAM);
    return false;
}

/* Is code the code of a field, or of a field inside a table? Codes are unique
 * across the whole app, tables included. */
static bool code_used(const json_t *fields, const char *code)
{
    if (json_object_get(fields, code))
        return true;
    const char *k;
    const json_t *p;
    json_object_foreach ((json_t *)fields, k, p)
        if (json_object_get(json_object_get(p, "fields"), code))
            return true;
    return false;
}

/* A new field code must be well formed and not in use; problems are reported
 * under properties.<key>.code. */
static bool code_available(struct ts_ctx *cx, const json_t *fields, const char *key,
                           const char *code)
{
    const char *ckey = ts_arena_printf(cx->arena, "properties.%s.code", key);
    if (!ts_app_field_code_valid(code)) {
        ts_fail_field(cx, ckey, TS_M_BAD_FIELD_CODE);
        return false;
    }
    if (code_used(fields, code)) {
        ts_fail_field(cx, ckey, TS_M_FIELD_CODE_TAKEN, code);
        return false;
    }
    return true;
}

static json_int_t next_fid(struct ts_preview *p)
{
    json_int_t fid = json_integer_value(json_object_get(p->def, "nextFid"));
    json_object_set_new(p->def, "nextFid", json_integer(fid + 1));
    return fid;
}

/* Types a table may hold: what kintone allows, no tables, groups or related records. */
static bool inner_addable(int t)
{
    return addable(t) && t != TS_F_SUBTABLE && t != TS_F_REFERENCE_TABLE && t != TS_F_GROUP;
}

/* A SUBTABLE's inner fields, from the request's `fields` over the stored ones:
 * each normalised as a field of its own; new ones get a fid. Inner fields left
 * out of an update are removed, as kintone does. */
static void norm_table(struct ts_ctx *cx, struct ts_preview *p, const char *code, const json_t *in,
                       const json_t *base, json_t *out)
{
    const json_t *old = json_object_get(base, "fields");
    const json_t *v = json_object_get(in, "fields");
    const char *key = ts_arena_printf(cx->arena, "properties.%s.fields", code);
    if (!v)
        v = old;
    if (!json_is_object(v) || json_object_size(v) == 0) {
        ts_fail_field(cx, key, TS_M_REQUIRED_PARAM);
        return;
    }
    json_t *fields = json_object_get(p->def, "fields");
    json_t *res = json_object();
    const char *icode;
    const json_t *iin;
    json_object_foreach ((json_t *)v, icode, iin) {
        const json_t *ibase = json_object_get(old, icode);
        const char *ckey = ts_arena_printf(cx->arena, "%s.%s.code", key, icode);
        const char *given = json_string_value(json_object_get(iin, "code"));
        if ((given && strcmp(given, icode) != 0) || !ts_app_field_code_valid(icode)) {
            ts_fail_field(cx, ckey, TS_M_BAD_FIELD_CODE);
            continue;
        }
        if (!ibase && (code_used(fields, icode) || strcmp(icode, code) == 0)) {
            ts_fail_field(cx, ckey, TS_M_FIELD_CODE_TAKEN, icode);
            continue;
        }
        const char *tname = json_string_value(json_object_get(iin, "type"));
        if (!tname)
            tname = json_string_value(json_object_get(ibase, "type"));
        int type = ts_ftype_from_name(tname);
        const char *tkey = ts_arena_printf(cx->arena, "%s.%s.type", key, icode);
        if (!inner_addable(type)) {
            ts_fail_field(cx, tkey, TS_M_BAD_FIELD_TYPE, tname ? tname : "");
            continue;
        }
        if (ibase && !ts_str_eq(json_string_value(json_object_get(ibase, "type")), tname)) {
            ts_fail_field(cx, tkey, TS_M_TYPE_CHANGE);
            continue;
        }
        json_t *n = normalize(cx, icode, (enum ts_ftype)type, iin, ibase);
        json_object_del(n, "unique"); /* tables keep no unique rule */
        if (!ibase)
            json_object_set_new(n, "_fid", json_integer(next_fid(p)));
        json_object_set_new(res, icode, n);
    }
    json_object_set_new(out, "fields", res);
}

int ts_app_fields_add(struct ts_ctx *cx, struct ts_preview *p, json_t *props)
{
    json_t *fields = json_object_get(p->def, "fields");
    if (!props_given(cx, props))
        return -1;
    const char *key;
    json_t *in;
    json_object_foreach (props, key, in) {
        const char *code = json_string_value(json_object_get(in, "code"));
        if (code && strcmp(code, key) != 0) { /* the key is the code when adding */
            ts_fail_field(cx, ts_arena_printf(cx->arena, "properties.%s.code", key),
                          TS_M_BAD_FIELD_CODE);
            continue;
        }
        if (!code_available(cx, fields, key, key))
            continue;
        code = key;
        const char *tname = json_string_value(json_object_get(in, "type"));
        int type = ts_ftype_from_name(tname);
        if (!addable(type)) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "properties.%s.type", key),
                          TS_M_BAD_FIELD_TYPE, tname ? tname : "");
            continue;
        }
        json_t *out = normalize(cx, code, (enum ts_ftype)type, in, NULL);
        json_object_set_new(out, "_fid", json_integer(next_fid(p)));
        if (type == TS_F_SUBTABLE)
            norm_table(cx, p, code, in, NULL, out);
        json_object_set_new(fields, code, out);
    }
    if (cx->err.code || fields_within_cap(cx, fields) < 0)
        return -1;
    layout_complete(p->def);
    return 0;
}

int ts_app_fields_update(struct ts_ctx *cx, struct ts_preview *p, json_t *props)
{
    json_t *fields = json_object_get(p->def, "fields");
    if (!props_given(cx, props))
        return -1;
    const char *key;
    json_t *in;
    json_object_foreach (props, key, in) {
        json_t *base = json_object_get(fields, key);
        if (!base)
            return ts_fail_arg(cx, TS_E_FIELD_NOT_FOUND, key);
        int type = ts_ftype_from_name(json_string_value(json_object_get(base, "type")));
        const char *tname = json_string_value(json_object_get(in, "type"));
        if (tname && strcmp(tname, ts_ftypes[type].name) != 0) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "properties.%s.type", key),
                          TS_M_TYPE_CHANGE);
            continue;
        }
        const char *code = json_string_value(json_object_get(in, "code"));
        if (!code)
            code = key;
        if (strcmp(code, key) != 0 && !code_available(cx, fields, key, code))
            continue;
        json_t *out = normalize(cx, code, (enum ts_ftype)type, in, base);
        if (type == TS_F_SUBTABLE)
            norm_table(cx, p, code, in, base, out);
        if (strcmp(code, key) != 0) {
            struct rename r = {key, code};
            layout_walk(json_object_get(p->def, "layout"), rename_cb, &r);
            /* key points into the object we are about to change: copy it first */
            char *old = ts_arena_strdup(cx->arena, key);
            json_object_del(fields, old);
            json_object_set_new(fields, code, out);
        } else {
            json_object_set_new(fields, code, out);
        }
    }
    if (cx->err.code || fields_within_cap(cx, fields) < 0)
        return -1;
    layout_complete(p->def);
    return 0;
}

int ts_app_fields_delete(struct ts_ctx *cx, struct ts_preview *p, json_t *codes)
{
    json_t *fields = json_object_get(p->def, "fields");
    if (!json_is_array(codes) || json_array_size(codes) == 0) {
        ts_fail_field(cx, "fields", TS_M_REQUIRED_PARAM);
        return -1;
    }
    if (json_array_size(codes) > 100) {
        ts_fail_field(cx, "fields", TS_M_TOO_MANY_RECORDS, 100);
        return -1;
    }
    size_t i;
    json_t *c;
    json_array_foreach (codes, i, c) {
        const char *code = json_string_value(c);
        json_t *f = code ? json_object_get(fields, code) : NULL;
        if (!f)
            return ts_fail_arg(cx, TS_E_FIELD_NOT_FOUND, code ? code : "");
        if (!addable(ts_ftype_from_name(json_string_value(json_object_get(f, "type"))))) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "fields[%zu]", i), TS_M_BAD_FIELD_TYPE,
                          json_string_value(json_object_get(f, "type")));
            continue;
        }
    }
    if (cx->err.code)
        return -1;
    json_array_foreach (codes, i, c) {
        char *code = ts_arena_strdup(cx->arena, json_string_value(c));
        struct rename r = {code, NULL};
        layout_walk(json_object_get(p->def, "layout"), rename_cb, &r);
        json_object_del(fields, code);
    }
    layout_prune(json_object_get(p->def, "layout"));
    return 0;
}

/* ---------------------------------------------------------------- layout */

static bool layout_only(const char *type)
{
    return type && (!strcmp(type, "LABEL") || !strcmp(type, "SPACER") || !strcmp(type, "HR"));
}

static json_t *check_rows(struct ts_ctx *cx, json_t *fields, json_t *rows, const char *path,
                          int depth)
{
    json_t *out = json_array();
    if (!json_is_array(rows)) {
        ts_fail_field(cx, path, TS_M_NOT_ARRAY);
        return out;
    }
    size_t i, j;
    json_t *row, *e;
    json_array_foreach (rows, i, row) {
        const char *rpath = ts_arena_printf(cx->arena, "%s[%zu]", path, i);
        const char *type = json_string_value(json_object_get(row, "type"));
        if (type && strcmp(type, "GROUP") == 0 && depth == 0) {
            const char *code = json_string_value(json_object_get(row, "code"));
            json_t *f = code ? json_object_get(fields, code) : NULL;
            if (!f || !ts_str_eq(json_string_value(json_object_get(f, "type")), "GROUP")) {
                ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.code", rpath), TS_M_FIELD_UNKNOWN,
                              code ? code : "");
                continue;
            }
            json_t *inner = check_rows(cx, fields, json_object_get(row, "layout"),
                                       ts_arena_printf(cx->arena, "%s.layout", rpath), 1);
            json_array_append_new(
                out, json_pack("{s:s, s:s, s:o}", "type", "GROUP", "code", code, "layout", inner));
            continue;
        }
        if (type && strcmp(type, "SUBTABLE") == 0) {
            const char *code = json_string_value(json_object_get(row, "code"));
            json_t *f = code ? json_object_get(fields, code) : NULL;
            if (!f || !ts_str_eq(json_string_value(json_object_get(f, "type")), "SUBTABLE")) {
                ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.code", rpath), TS_M_FIELD_UNKNOWN,
                              code ? code : "");
                continue;
            }
            json_t *given = json_object_get(row, "fields");
            json_t *r = json_pack("{s:s, s:s, s:o}", "type", "SUBTABLE", "code", code, "fields",
                                  json_is_array(given) ? json_incref(given) : json_array());
            table_row_sync(r, f);
            json_array_append_new(out, r);
            continue;
        }
        if (!type || strcmp(type, "ROW") != 0) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.type", rpath), TS_M_NOT_ENUM);
            continue;
        }
        json_t *elems = json_array();
        json_array_foreach (json_object_get(row, "fields"), j, e) {
            const char *epath = ts_arena_printf(cx->arena, "%s.fields[%zu]", rpath, j);
            const char *et = json_string_value(json_object_get(e, "type"));
            json_t *size = json_object_get(e, "size");
            json_t *elem = json_object();
            json_object_set_new(elem, "type", json_string(et ? et : ""));
            if (layout_only(et)) {
                if (!strcmp(et, "LABEL"))
                    json_object_set_new(
                        elem, "label",
                        json_string(json_is_string(json_object_get(e, "label"))
                                        ? json_string_value(json_object_get(e, "label"))
                                        : ""));
                if (!strcmp(et, "SPACER"))
                    json_object_set_new(
                        elem, "elementId",
                        json_string(json_is_string(json_object_get(e, "elementId"))
                                        ? json_string_value(json_object_get(e, "elementId"))
                                        : ""));
            } else {
                const char *code = json_string_value(json_object_get(e, "code"));
                json_t *f = code ? json_object_get(fields, code) : NULL;
                if (!f || !ts_str_eq(json_string_value(json_object_get(f, "type")), et) ||
                    ts_str_eq(et, "GROUP")) {
                    ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.code", epath),
                                  TS_M_FIELD_UNKNOWN, code ? code : "");
                    json_decref(elem);
                    continue;
                }
                json_object_set_new(elem, "code", json_string(code));
            }
            json_t *sz = json_object();
            const char *k;
            json_t *v;
            json_object_foreach (size, k, v) {
                if (json_is_string(v))
                    json_object_set_new(sz, k, json_string(json_string_value(v)));
                else if (json_is_integer(v))
                    json_object_set_new(sz, k,
                                        json_string(ts_arena_printf(
                                            cx->arena, "%lld", (long long)json_integer_value(v))));
            }
            json_object_set_new(elem, "size", sz);
            json_array_append_new(elems, elem);
        }
        json_array_append_new(out, json_pack("{s:s, s:o}", "type", "ROW", "fields", elems));
    }
    return out;
}

int ts_app_layout_put(struct ts_ctx *cx, struct ts_preview *p, json_t *layout)
{
    if (!layout) {
        ts_fail_field(cx, "layout", TS_M_REQUIRED_PARAM);
        return -1;
    }
    json_t *fields = json_object_get(p->def, "fields");
    json_t *out = check_rows(cx, fields, layout, "layout", 0);
    if (cx->err.code) {
        json_decref(out);
        return -1;
    }
    json_object_set_new(p->def, "layout", out);
    layout_complete(p->def);
    return 0;
}

/* ---------------------------------------------------------------- views */

/* KANBAN and GALLERY are ours (README "Views"): cards in columns by a choice
 * or the status, and cards with a picture. */
static const char *const VIEW_TYPES[] = {"LIST", "CALENDAR", "CUSTOM", "KANBAN", "GALLERY", NULL};
#define MAX_CARD_FIELDS 6
#define MIN_COLUMN_PX   40
#define MAX_COLUMN_PX   1200
static const char *const DEVICES[] = {"DESKTOP", "ANY", NULL};

/* The fields a view shows: codes of the app's fields; a card's (max set) at most max. */
static json_t *view_fields(struct ts_ctx *cx, const struct ts_app *app, const json_t *codes,
                           const char *pfx, size_t max)
{
    json_t *fl = json_array();
    size_t i;
    json_t *c;
    if (max && json_array_size(codes) > max)
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.fields", pfx), TS_M_TOO_MANY_ITEMS,
                      (int)max);
    json_array_foreach (codes, i, c) {
        const char *code = json_string_value(c);
        const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
        if (!f || (max && f->table)) /* a card shows no table's columns */
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.fields[%zu]", pfx, i),
                          f ? TS_M_VIEW_FIELD_TYPE : TS_M_FIELD_UNKNOWN, code ? code : "");
        else
            json_array_append_new(fl, json_string(code));
    }
    return fl;
}

#define TYPE_BIT(t) (1ull << TS_F_##t)
_Static_assert(TS_F__COUNT <= 64, "field types fit a 64-bit set");
static const uint64_t CALENDAR_DATES =
    TYPE_BIT(DATE) | TYPE_BIT(DATETIME) | TYPE_BIT(CREATED_TIME) | TYPE_BIT(UPDATED_TIME);
static const uint64_t CARD_TITLES =
    TYPE_BIT(SINGLE_LINE_TEXT) | TYPE_BIT(MULTI_LINE_TEXT) | TYPE_BIT(NUMBER) | TYPE_BIT(CALC) |
    TYPE_BIT(RECORD_NUMBER) | TYPE_BIT(DROP_DOWN) | TYPE_BIT(RADIO_BUTTON) | TYPE_BIT(LINK) |
    TYPE_BIT(DATE) | TYPE_BIT(TIME) | TYPE_BIT(DATETIME) | TYPE_BIT(STATUS);
static const uint64_t KANBAN_GROUPS =
    TYPE_BIT(DROP_DOWN) | TYPE_BIT(RADIO_BUTTON) | TYPE_BIT(STATUS);
static const uint64_t GALLERY_IMAGES = TYPE_BIT(FILE);

/* One field a view is built on: a field of one of the types, outside tables;
 * when none is given, fallback (and without one, the setting is required). */
static json_t *view_field(struct ts_ctx *cx, const struct ts_app *app, const json_t *in,
                          const char *pfx, const char *key, uint64_t types,
                          const struct ts_field *fallback)
{
    const char *at = ts_arena_printf(cx->arena, "%s.%s", pfx, key);
    const char *code = json_string_value(in);
    if (!code || !*code) {
        if (!fallback) {
            ts_fail_field(cx, at, TS_M_REQUIRED_PARAM);
            return json_string("");
        }
        return json_string(fallback->code);
    }
    const struct ts_field *f = ts_app_field(app, code);
    if (!f)
        ts_fail_field(cx, at, TS_M_FIELD_UNKNOWN, code);
    else if (f->table || !(types & (1ull << f->type)) || (f->type == TS_F_STATUS && !app->process))
        ts_fail_field(cx, at, TS_M_VIEW_FIELD_TYPE, code);
    return json_string(code);
}

/* The form's first attachment field outside tables: a gallery's pictures by default. */
static const struct ts_field *first_file_field(const struct ts_app *app)
{
    for (int i = 0; i < app->n_fields; i++)
        if (app->fields[i].type == TS_F_FILE && !app->fields[i].table)
            return &app->fields[i];
    return NULL;
}

int ts_app_views_put(struct ts_ctx *cx, struct ts_preview *p, json_t *views)
{
    if (!json_is_object(views)) {
        ts_fail_field(cx, "views", views ? TS_M_NOT_OBJECT : TS_M_REQUIRED_PARAM);
        return -1;
    }
    struct ts_app *app = ts_app_build(cx, p->row, p->def);
    if (!app)
        return -1;
    json_t *old = json_object_get(p->def, "views");
    json_t *out = json_object();
    const char *name;
    json_t *v;
    json_object_foreach (views, name, v) {
        const char *pfx = ts_arena_printf(cx->arena, "views.%s", name);
        struct pspec type_spec = {"type", P_ENUM, NULL, VIEW_TYPES};
        json_t *type = norm_value(cx, &type_spec, json_object_get(v, "type"),
                                  ts_arena_printf(cx->arena, "%s.type", pfx));
        if (!type)
            continue;
        if (!*name || ts_utf8_len(name) > 64)
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.name", pfx), TS_M_TOO_LONG, 64);
        struct pspec idx_spec = {"index", P_INTSTR, NULL, NULL};
        json_t *index = norm_value(cx, &idx_spec, json_object_get(v, "index"),
                                   ts_arena_printf(cx->arena, "%s.index", pfx));
        const char *filter = json_string_value(json_object_get(v, "filterCond"));
        const char *sort = json_string_value(json_object_get(v, "sort"));
        if (filter && *filter && ts_query_check(cx, app, filter, TS_QUERY_FILTER) < 0)
            ts_err_clear(cx), ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.filterCond", pfx),
                                            TS_M_QUERY_SYNTAX, 0, filter);
        if (sort && *sort && ts_query_check(cx, app, sort, TS_QUERY_SORT) < 0)
            ts_err_clear(cx), ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.sort", pfx),
                                            TS_M_QUERY_SYNTAX, 0, sort);
        json_t *view = json_object();
        json_object_set_new(view, "type", type);
        json_object_set_new(view, "name", json_string(name));
        json_object_set_new(view, "index", index ? index : json_string("0"));
        json_object_set_new(view, "filterCond", json_string(filter ? filter : ""));
        json_object_set_new(view, "sort", json_string(sort ? sort : ""));
        const char *t = json_string_value(type);
        if (!strcmp(t, "LIST") || !strcmp(t, "KANBAN") || !strcmp(t, "GALLERY"))
            json_object_set_new(view, "fields",
                                view_fields(cx, app, json_object_get(v, "fields"), pfx,
                                            strcmp(t, "LIST") ? MAX_CARD_FIELDS : 0));
        if (!strcmp(t, "LIST")) {
            /* ours: each column's width in pixels, set by dragging in the view settings */
            json_t *widths = json_object_get(v, "columnWidths"), *kept = json_object();
            const char *code;
            json_t *px;
            json_object_foreach (json_is_object(widths) ? widths : NULL, code, px) {
                const char *key = ts_arena_printf(cx->arena, "%s.columnWidths.%s", pfx, code);
                if (!ts_app_field(app, code))
                    ts_fail_field(cx, key, TS_M_FIELD_UNKNOWN, code);
                else if (!json_is_integer(px) || json_integer_value(px) < MIN_COLUMN_PX ||
                         json_integer_value(px) > MAX_COLUMN_PX)
                    ts_fail_field(cx, key, TS_M_NOT_INTEGER);
                else
                    json_object_set(kept, code, px);
            }
            if (widths && !json_is_object(widths))
                ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.columnWidths", pfx),
                              TS_M_NOT_OBJECT);
            json_object_set_new(view, "columnWidths", kept);
        } else if (!strcmp(t, "CALENDAR")) {
            /* kintone's defaults: the created time on the record number */
            json_object_set_new(view, "date",
                                view_field(cx, app, json_object_get(v, "date"), pfx, "date",
                                           CALENDAR_DATES, app->created_time));
            json_object_set_new(view, "title",
                                view_field(cx, app, json_object_get(v, "title"), pfx, "title",
                                           CARD_TITLES, app->record_number));
        } else if (!strcmp(t, "KANBAN")) {
            json_object_set_new(view, "group",
                                view_field(cx, app, json_object_get(v, "group"), pfx, "group",
                                           KANBAN_GROUPS, NULL));
        } else if (!strcmp(t, "GALLERY")) {
            json_object_set_new(view, "image",
                                view_field(cx, app, json_object_get(v, "image"), pfx, "image",
                                           GALLERY_IMAGES, first_file_field(app)));
        } else {
            const char *html = json_string_value(json_object_get(v, "html"));
            struct pspec dev = {"device", P_ENUM, NULL, DEVICES};
            json_t *device = json_object_get(v, "device")
                                 ? norm_value(cx, &dev, json_object_get(v, "device"),
                                              ts_arena_printf(cx->arena, "%s.device", pfx))
                                 : json_string("DESKTOP");
            json_object_set_new(view, "html", json_string(html ? html : ""));
            json_object_set_new(view, "pager",
                                json_boolean(!json_is_false(json_object_get(v, "pager"))));
            json_object_set_new(view, "device", device ? device : json_string("DESKTOP"));
        }
        /* a view keeps its id across renames when the caller sends it */
        json_t *prev = json_object_get(old, name);
        const char *want_id = json_string_value(json_object_get(v, "id"));
        const char *id = NULL;
        const char *oname;
        json_t *ov;
        json_object_foreach (old, oname, ov) {
            const char *oid = json_string_value(json_object_get(ov, "id"));
            if (want_id && ts_str_eq(oid, want_id))
                id = oid;
        }
        if (!id && prev)
            id = json_string_value(json_object_get(prev, "id"));
        if (!id) {
            int64_t n = ts_store_counter_next(cx, "view");
            if (n < 0) {
                json_decref(out);
                ts_app_unref(app);
                return -1;
            }
            id = ts_arena_printf(cx->arena, "%lld", (long long)n);
        }
        json_object_set_new(view, "id", json_string(id));
        json_object_set_new(out, name, view);
    }
    ts_app_unref(app);
    if (cx->err.code) {
        json_decref(out);
        return -1;
    }
    json_object_set_new(p->def, "views", out);
    return 0;
}

/* ---------------------------------------------------------------- general settings */

static const char *const THEMES[] = {"WHITE",     "RED",    "BLUE",   "GREEN", "YELLOW", "BLACK",
                                     "CLIPBOARD", "BINDER", "PENCIL", "CLIPS", NULL};
static const char *const ROUNDING[] = {"HALF_EVEN", "UP", "DOWN", NULL};
static const char *const TITLE_MODES[] = {"AUTO", "MANUAL", NULL};

int ts_app_settings_put(struct ts_ctx *cx, struct ts_preview *p, json_t *in)
{
    json_t *s = json_object_get(p->def, "settings");
    json_t *v;
    if ((v = json_object_get(in, "name"))) {
        if (!json_is_string(v) || !*json_string_value(v) || ts_utf8_len(json_string_value(v)) > 64)
            ts_fail_field(cx, "name", TS_M_TOO_LONG, 64);
        else
            json_object_set(s, "name", v);
    }
    if ((v = json_object_get(in, "description"))) {
        if (!json_is_string(v) || ts_utf8_len(json_string_value(v)) > 10000)
            ts_fail_field(cx, "description", TS_M_TOO_LONG, 10000);
        else
            json_object_set(s, "description", v);
    }
    if ((v = json_object_get(in, "icon"))) {
        const char *type = json_string_value(json_object_get(v, "type"));
        if (!type || (strcmp(type, "PRESET") && strcmp(type, "FILE")))
            ts_fail_field(cx, "icon.type", TS_M_NOT_ENUM);
        else
            json_object_set_new(s, "icon", json_deep_copy(v));
    }
    /* our extension: the portal groups apps by it */
    if ((v = json_object_get(in, "category"))) {
        if (!json_is_string(v) || ts_utf8_len(json_string_value(v)) > 64)
            ts_fail_field(cx, "category", TS_M_TOO_LONG, 64);
        else
            json_object_set(s, "category", v);
    }
    static const struct pspec theme = {"theme", P_ENUM, NULL, THEMES};
    if ((v = json_object_get(in, "theme"))) {
        json_t *n = norm_value(cx, &theme, v, "theme");
        if (n)
            json_object_set_new(s, "theme", n);
    }
    if ((v = json_object_get(in, "titleField"))) {
        static const struct pspec mode = {"selectionMode", P_ENUM, NULL, TITLE_MODES};
        json_t *m =
            norm_value(cx, &mode, json_object_get(v, "selectionMode"), "titleField.selectionMode");
        const char *code = json_string_value(json_object_get(v, "code"));
        if (m)
            json_object_set_new(
                s, "titleField",
                json_pack("{s:o, s:s}", "selectionMode", m, "code", code ? code : ""));
    }
    static const char *const toggles[] = {"enableThumbnails", "enableBulkDeletion",
                                          "enableComments", "enableDuplicateRecord",
                                          "enableInlineRecordEditing"};
    for (size_t i = 0; i < TS_ARRAY_LEN(toggles); i++)
        if ((v = json_object_get(in, toggles[i]))) {
            static const struct pspec b = {"", P_BOOL, "0", NULL};
            json_t *n = norm_value(cx, &b, v, toggles[i]);
            if (n)
                json_object_set_new(s, toggles[i], n);
        }
    if ((v = json_object_get(in, "numberPrecision"))) {
        json_t *np = json_object_get(s, "numberPrecision");
        static const struct pspec digits = {"digits", P_INTSTR, NULL, NULL};
        static const struct pspec places = {"decimalPlaces", P_INTSTR, NULL, NULL};
        static const struct pspec mode = {"roundingMode", P_ENUM, NULL, ROUNDING};
        const struct pspec *ps[] = {&digits, &places, &mode};
        for (size_t i = 0; i < 3; i++) {
            json_t *x = json_object_get(v, ps[i]->key);
            if (!x)
                continue;
            json_t *n = norm_value(cx, ps[i], x,
                                   ts_arena_printf(cx->arena, "numberPrecision.%s", ps[i]->key));
            int64_t num;
            if (n && i < 2 && ts_parse_i64(json_string_value(n), &num) == 0 &&
                (i == 0 ? num < 1 || num > 30 : num > 10)) {
                ts_fail_field(cx, ts_arena_printf(cx->arena, "numberPrecision.%s", ps[i]->key),
                              TS_M_NOT_INTEGER);
                json_decref(n);
                continue;
            }
            if (n)
                json_object_set_new(np, ps[i]->key, n);
        }
    }
    if ((v = json_object_get(in, "firstMonthOfFiscalYear"))) {
        static const struct pspec m = {"firstMonthOfFiscalYear", P_INTSTR, NULL, NULL};
        json_t *n = norm_value(cx, &m, v, "firstMonthOfFiscalYear");
        int64_t num;
        if (n && (ts_parse_i64(json_string_value(n), &num) < 0 || num < 1 || num > 12)) {
            ts_fail_field(cx, "firstMonthOfFiscalYear", TS_M_NOT_INTEGER);
            json_decref(n);
        } else if (n) {
            json_object_set_new(s, "firstMonthOfFiscalYear", n);
        }
    }
    return cx->err.code ? -1 : 0;
}
