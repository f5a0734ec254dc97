/*
 * app/app.c - building an app's schema from its settings, the cache of live
 * apps, loading and saving preview settings, and creating apps.
 *
 * The cache maps app id to an immutable struct ts_app. Readers take a reference
 * for the length of their request; a deploy clears the cache after its
 * transaction ends, and the next reader builds the new schema.
 */
#include "base/common.h"
#include "app/app.h"
#include "base/jw.h"
#include "base/log.h"
#include "base/str.h"
#include "formula/formula.h"
#include "model/user.h"

#include <ctype.h>
#include <pthread.h>

/* ---------------------------------------------------------------- building */

static const char *sys_column(enum ts_ftype t)
{
    switch (t) {
    case TS_F_RECORD_NUMBER:
    case TS_F___ID__:
        return "id";
    case TS_F___REVISION__:
        return "rev";
    case TS_F_CREATOR:
        return "creator";
    case TS_F_CREATED_TIME:
        return "created";
    case TS_F_MODIFIER:
        return "modifier";
    case TS_F_UPDATED_TIME:
        return "updated";
    case TS_F_STATUS:
        return "status";
    case TS_F_STATUS_ASSIGNEE:
        return "assignees";
    default:
        return "NULL";
    }
}

/* An integer setting given as a number or a numeric string; -1 when unset. */
static int int_prop(const json_t *props, const char *key)
{
    const json_t *v = json_object_get(props, key);
    int64_t n;
    if (json_is_integer(v))
        return (int)json_integer_value(v);
    if (json_is_string(v) && ts_parse_i64(json_string_value(v), &n) == 0 && n >= 0 &&
        n <= INT32_MAX)
        return (int)n;
    return -1;
}

static const char *decimal_prop(struct ts_ctx *cx, const json_t *props, const char *key)
{
    const json_t *v = json_object_get(props, key);
    char norm[128];
    if (json_is_string(v) && *json_string_value(v) &&
        ts_number_normalize(json_string_value(v), norm, sizeof(norm)) == 0)
        return ts_arena_strdup(cx->arena, norm);
    return NULL;
}

static int cmp_option(const void *a, const void *b)
{
    const struct ts_option *x = a, *y = b;
    return x->index - y->index;
}

static int cmp_field_code(const void *a, const void *b)
{
    const struct ts_field *x = *(const struct ts_field *const *)a;
    const struct ts_field *y = *(const struct ts_field *const *)b;
    return strcmp(x->code, y->code);
}

/* Everything a ts_app points to lives in one malloc'd block list owned by it; we
 * use a private arena kept alive with the app. */
struct app_box {
    struct ts_app app;
    struct ts_arena *mem;
};

static void fill_field(struct ts_arena *mem, struct ts_field *f, const char *code, const json_t *p,
                       enum ts_ftype type)
{
    struct ts_ctx tmp = {.arena = mem};
    f->type = type;
    f->code = code;
    f->props = p;
    f->label = json_string_value(json_object_get(p, "label"));
    if (!f->label)
        f->label = code;
    f->fid = (int)json_integer_value(json_object_get(p, "_fid"));
    enum ts_fkind kind = ts_ftypes[type].kind;
    f->column = kind == TS_K_SYS                          ? sys_column(type)
                : kind == TS_K_NONE || kind == TS_K_TABLE ? "NULL"
                                                          : ts_arena_printf(mem, "f%d", f->fid);
    f->required = json_is_true(json_object_get(p, "required"));
    f->unique = ts_field_has(f, TS_FF_UNIQUE) && json_is_true(json_object_get(p, "unique"));
    f->min_len = ts_field_has(f, TS_FF_LENGTH) ? int_prop(p, "minLength") : -1;
    f->max_len = ts_field_has(f, TS_FF_LENGTH) ? int_prop(p, "maxLength") : -1;
    if (ts_field_has(f, TS_FF_RANGE)) {
        f->min_value = decimal_prop(&tmp, p, "minValue");
        f->max_value = decimal_prop(&tmp, p, "maxValue");
    }
    f->default_now = json_is_true(json_object_get(p, "defaultNowValue"));
    struct ts_buf head;
    ts_buf_init(&head);
    ts_json_escape(&head, code, strlen(code));
    ts_buf_printf(&head, ":{\"type\":\"%s\",\"value\":", ts_ftypes[type].name);
    f->json_head = ts_arena_strndup(mem, head.p, head.len);
    f->json_head_len = head.len;
    ts_buf_release(&head);
    const json_t *dv = json_object_get(p, "defaultValue");
    if (json_is_string(dv) && *json_string_value(dv)) {
        f->default_value = json_string_value(dv);
    } else if (json_is_array(dv) && json_array_size(dv)) {
        size_t n = json_array_size(dv), i;
        f->default_values = TS_NEW_N(mem, const char *, n);
        const json_t *e;
        json_array_foreach (dv, i, e) {
            const char *s = json_is_string(e) ? json_string_value(e)
                                              : json_string_value(json_object_get(e, "code"));
            if (s)
                f->default_values[f->n_default_values++] = s;
        }
    }
    const json_t *opts = json_object_get(p, "options");
    if (json_is_object(opts) && json_object_size(opts)) {
        f->options = TS_NEW_N(mem, struct ts_option, json_object_size(opts));
        const char *name;
        const json_t *o;
        json_object_foreach ((json_t *)opts, name, o) {
            struct ts_option *opt = &f->options[f->n_options++];
            opt->name = name;
            opt->index = int_prop(o, "index");
        }
        qsort(f->options, (size_t)f->n_options, sizeof(*f->options), cmp_option);
    }
}

struct ts_app *ts_app_build(struct ts_ctx *cx, const struct ts_app_row *row, json_t *def)
{
    const json_t *fields = json_object_get(def, "fields");
    if (!json_is_object(fields)) {
        ts_fail(cx, TS_E_INTERNAL, "app %lld: settings without fields", (long long)row->id);
        return NULL;
    }
    struct app_box *box = ts_xcalloc(1, sizeof(*box));
    struct ts_app *app = &box->app;
    struct ts_arena *mem = box->mem = ts_arena_new();
    app->refs = 1;
    app->def = json_incref(def);
    app->id = row->id;
    app->code = ts_arena_strdup(mem, row->code ? row->code : "");
    app->name = ts_arena_strdup(mem, row->name ? row->name : "");
    app->description = ts_arena_strdup(mem, row->description ? row->description : "");
    app->revision = row->live_revision;
    size_t cap = json_object_size(fields) + 2;
    const char *code;
    const json_t *p;
    json_object_foreach ((json_t *)fields, code, p)
        cap += json_object_size(json_object_get(p, "fields")); /* a table's inner fields */
    app->fields = TS_NEW_N(mem, struct ts_field, cap);
    json_object_foreach ((json_t *)fields, code, p) {
        int type = ts_ftype_from_name(json_string_value(json_object_get(p, "type")));
        if (type < 0 || (ts_ftypes[type].kind == TS_K_NONE && type != TS_F_REFERENCE_TABLE))
            continue; /* GROUP and types this version does not store */
        struct ts_field *f = &app->fields[app->n_fields++];
        fill_field(mem, f, code, p, (enum ts_ftype)type);
        if (type != TS_F_SUBTABLE)
            continue;
        const char *icode;
        const json_t *ip;
        json_object_foreach (json_object_get(p, "fields"), icode, ip) {
            int itype = ts_ftype_from_name(json_string_value(json_object_get(ip, "type")));
            if (itype < 0 || ts_ftypes[itype].kind == TS_K_NONE)
                continue;
            struct ts_field *inner = &app->fields[app->n_fields++];
            fill_field(mem, inner, icode, ip, (enum ts_ftype)itype);
            inner->table = f;
        }
    }
    fill_field(mem, &app->fields[app->n_fields++], "$id", NULL, TS_F___ID__);
    fill_field(mem, &app->fields[app->n_fields++], "$revision", NULL, TS_F___REVISION__);
    app->by_code = TS_NEW_N(mem, struct ts_field *, (size_t)app->n_fields);
    for (int i = 0; i < app->n_fields; i++)
        app->by_code[i] = &app->fields[i];
    qsort(app->by_code, (size_t)app->n_fields, sizeof(*app->by_code), cmp_field_code);
    app->record_number = ts_app_field_by_type(app, TS_F_RECORD_NUMBER);
    app->creator = ts_app_field_by_type(app, TS_F_CREATOR);
    app->modifier = ts_app_field_by_type(app, TS_F_MODIFIER);
    app->created_time = ts_app_field_by_type(app, TS_F_CREATED_TIME);
    app->updated_time = ts_app_field_by_type(app, TS_F_UPDATED_TIME);
    const json_t *process = json_object_get(def, "process");
    if (json_is_true(json_object_get(process, "enable"))) {
        app->process = process;
        app->status = ts_app_field_by_type(app, TS_F_STATUS);
        app->assignee = ts_app_field_by_type(app, TS_F_STATUS_ASSIGNEE);
    }
    ts_formula_prepare(mem, app); /* a bad formula computes nothing; deploy refuses it */
    return app;
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

void ts_app_unref(struct ts_app *app)
{
    if (!app)
        return;
    pthread_mutex_lock(&cache_lock);
    int left = --app->refs;
    pthread_mutex_unlock(&cache_lock);
    if (left > 0)
        return;
    struct app_box *box = (struct app_box *)app;
    json_decref(app->def);
    ts_arena_free(box->mem);
    free(box);
}

static void unref_cb(void *p)
{
    ts_app_unref(p);
}

/* ---------------------------------------------------------------- cache */

#define CACHE_SLOTS 1024
static struct ts_app *cache[CACHE_SLOTS];

void ts_app_cache_clear(void)
{
    struct ts_app *old[CACHE_SLOTS];
    pthread_mutex_lock(&cache_lock);
    memcpy(old, cache, sizeof(cache));
    memset(cache, 0, sizeof(cache));
    pthread_mutex_unlock(&cache_lock);
    for (int i = 0; i < CACHE_SLOTS; i++)
        ts_app_unref(old[i]);
}

/* Settings deployed through another server (or process): the counter
 * "settings" moves with every deploy and rename, in their transactions. It is
 * read once a unit of work, and a cached app is used only by units of work
 * that read the counter it was built under: an app built from an older
 * snapshot is never served to one that has seen a newer counter. */
static void check_settings(struct ts_ctx *cx)
{
    cx->settings_checked = true;
    cx->settings_gen = ts_store_counter_get(cx, "settings");
    if (cx->settings_gen < 0) /* the database failed: do without the cache */
        ts_err_clear(cx);
}

void ts_app_settings_changed(struct ts_ctx *cx)
{
    cx->schema_dirty = true;
    if (ts_store_counter_next(cx, "settings") < 0)
        ts_err_clear(cx); /* the deploy's own writes will fail the transaction */
}

const struct ts_app *ts_app_get(struct ts_ctx *cx, int64_t app_id)
{
    size_t slot = (size_t)app_id % CACHE_SLOTS;
    if (!cx->settings_checked && cx->db)
        check_settings(cx);
    bool cacheable = !cx->schema_dirty && cx->settings_checked && cx->settings_gen >= 0;
    if (cacheable) {
        pthread_mutex_lock(&cache_lock);
        struct ts_app *app = cache[slot];
        if (app && app->id == app_id && app->settings_gen == cx->settings_gen) {
            app->refs++;
            pthread_mutex_unlock(&cache_lock);
            ts_arena_defer(cx->arena, unref_cb, app);
            return app;
        }
        pthread_mutex_unlock(&cache_lock);
    }
    struct ts_preview live;
    if (ts_app_settings_load(cx, app_id, TS_STAGE_LIVE, &live) < 0)
        return NULL;
    struct ts_app *app = ts_app_build(cx, live.row, live.def);
    if (!app)
        return NULL;
    ts_arena_defer(cx->arena, unref_cb, app);
    app->settings_gen = cx->settings_gen;
    /* Settings deployed inside this transaction are not yet visible to others:
     * keep them out of the shared cache. */
    if (cacheable) {
        pthread_mutex_lock(&cache_lock);
        struct ts_app *old = cache[slot];
        app->refs++;
        cache[slot] = app;
        pthread_mutex_unlock(&cache_lock);
        ts_app_unref(old);
    }
    return app;
}

/* ---------------------------------------------------------------- settings */

int ts_app_settings_load(struct ts_ctx *cx, int64_t app_id, enum ts_stage stage,
                         struct ts_preview *out)
{
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)app_id);
    out->row = ts_store_app_row(cx, app_id);
    if (!out->row || (stage == TS_STAGE_LIVE && out->row->live_revision == 0)) {
        if (cx->err.code)
            return -1;
        return ts_fail_arg(cx, TS_E_APP_NOT_FOUND, id);
    }
    const char *body = ts_store_app_def(cx, app_id, stage);
    if (!body)
        return cx->err.code ? -1 : ts_fail_arg(cx, TS_E_APP_NOT_FOUND, id);
    json_error_t jerr;
    out->def = json_loads(body, 0, &jerr);
    if (!out->def)
        return ts_fail(cx, TS_E_INTERNAL, "app %s settings unreadable: %s", id, jerr.text);
    ts_arena_defer_decref(cx->arena, out->def);
    return 0;
}

int64_t ts_app_preview_save(struct ts_ctx *cx, struct ts_preview *p, int64_t expected_revision)
{
    if (expected_revision >= 0 && expected_revision != p->row->revision)
        return ts_fail(cx, TS_E_SETTINGS_STALE, "revision %lld, have %lld",
                       (long long)expected_revision, (long long)p->row->revision);
    char *body = json_dumps(p->def, JSON_COMPACT);
    int rc = ts_store_app_def_put(cx, p->row->id, TS_STAGE_PREVIEW, body);
    free(body);
    if (rc < 0)
        return -1;
    int64_t rev = ts_store_app_touch(cx, p->row->id, cx->user ? cx->user->code : "");
    if (rev > 0)
        p->row->revision = rev;
    return rev;
}

static json_t *sys_field(const char *type, const char *code, const char *label)
{
    json_t *f =
        json_pack("{s:s, s:s, s:s, s:b}", "type", type, "code", code, "label", label, "noLabel", 0);
    return f;
}

static json_t *default_settings(const char *name)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s}, s:s, s:{s:s, s:n}, s:b, s:b, s:b, s:b, s:b,"
                     " s:{s:s, s:s, s:s}, s:s}",
                     "name", name, "description", "", "icon", "type", "PRESET", "key", "APP72",
                     "theme", "WHITE", "titleField", "selectionMode", "AUTO", "code",
                     "enableThumbnails", 1, "enableBulkDeletion", 0, "enableComments", 1,
                     "enableDuplicateRecord", 1, "enableInlineRecordEditing", 1, "numberPrecision",
                     "digits", "16", "decimalPlaces", "4", "roundingMode", "HALF_EVEN",
                     "firstMonthOfFiscalYear", "4");
}

int64_t ts_app_create(struct ts_ctx *cx, const char *name, int64_t space_id, int64_t thread_id)
{
    const char *creator = cx->user ? cx->user->code : "";
    int64_t id = ts_store_app_insert(cx, name, creator, space_id, thread_id);
    if (id < 0)
        return -1;
    /* System field codes are localised by the creator's language, as kintone does. */
    bool ja = cx->lang == TS_LANG_JA;
    static const struct {
        const char *type, *en_code, *en_label, *ja_code;
    } sys[] = {
        {"RECORD_NUMBER", "Record_number", "Record number", "レコード番号"},
        {"CREATOR", "Created_by", "Created by", "作成者"},
        {"CREATED_TIME", "Created_datetime", "Created datetime", "作成日時"},
        {"MODIFIER", "Updated_by", "Updated by", "更新者"},
        {"UPDATED_TIME", "Updated_datetime", "Updated datetime", "更新日時"},
    };
    json_t *fields = json_object();
    int fid = 1;
    for (size_t i = 0; i < TS_ARRAY_LEN(sys); i++) {
        const char *code = ja ? sys[i].ja_code : sys[i].en_code;
        json_t *f = sys_field(sys[i].type, code, ja ? sys[i].ja_code : sys[i].en_label);
        json_object_set_new(f, "_fid", json_integer(fid++));
        json_object_set_new(fields, code, f);
    }
    static const struct {
        const char *type, *en, *ja;
    } pm[] = {
        {"STATUS", "Status", "ステータス"},
        {"STATUS_ASSIGNEE", "Assignee", "作業者"},
        {"CATEGORY", "Categories", "カテゴリー"},
    };
    for (size_t i = 0; i < TS_ARRAY_LEN(pm); i++) {
        const char *code = ja ? pm[i].ja : pm[i].en;
        json_object_set_new(fields, code,
                            json_pack("{s:s, s:s, s:s, s:b, s:i}", "type", pm[i].type, "code", code,
                                      "label", code, "enabled", 0, "_fid", fid++));
    }
    json_t *def = json_pack("{s:o, s:[], s:{}, s:o, s:i}", "fields", fields, "layout", "views",
                            "settings", default_settings(name), "nextFid", fid);
    char *body = json_dumps(def, JSON_COMPACT);
    json_decref(def);
    int rc = ts_store_app_def_put(cx, id, TS_STAGE_PREVIEW, body);
    free(body);
    return rc < 0 ? -1 : id;
}

bool ts_app_field_code_valid(const char *code)
{
    if (!code || !*code || isdigit((unsigned char)code[0]) || ts_utf8_len(code) > 128)
        return false;
    if (!ts_utf8_valid(code, strlen(code)))
        return false;
    for (const unsigned char *p = (const unsigned char *)code; *p; p++) {
        if (*p >= 0x80)
            continue; /* letters of other scripts, full-width characters */
        if (!isalnum(*p) && *p != '_')
            return false;
    }
    /* full-width symbols and spaces are not letters either */
    static const char *const banned[] = {"　", "・", "！", "？", "（", "）", "，", "．", "："};
    for (size_t i = 0; i < TS_ARRAY_LEN(banned); i++)
        if (strstr(code, banned[i]))
            return false;
    return true;
}

struct ids {
    int64_t *v;
    int n, cap;
};

static int collect_deployed(struct ts_ctx *cx, const struct ts_app_row *r, void *arg)
{
    struct ids *ids = arg;
    if (r->live_revision == 0)
        return 0;
    if (ids->n == ids->cap) {
        ids->cap = ids->cap ? ids->cap * 2 : 64;
        int64_t *grown = TS_NEW_N(cx->arena, int64_t, (size_t)ids->cap);
        if (ids->n)
            memcpy(grown, ids->v, sizeof(*grown) * (size_t)ids->n);
        ids->v = grown;
    }
    ids->v[ids->n++] = r->id;
    return 0;
}

const int64_t *ts_app_deployed_ids(struct ts_ctx *cx, int *n)
{
    struct ids ids = {NULL, 0, 0};
    struct ts_app_filter all = {.limit = -1};
    if (ts_store_app_each(cx, &all, collect_deployed, &ids) < 0)
        return NULL;
    *n = ids.n;
    return ids.v ? ids.v : TS_NEW_N(cx->arena, int64_t, 1);
}
