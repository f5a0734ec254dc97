/*
 * record/record.c - record values in and out, defaults, validation, history.
 *
 * kintone's write rules (KINTONE-API.md §6): unknown field codes are ignored;
 * defaults apply on add only; required, unique, length and range are checked on
 * the merged record; `""` is never a duplicate; read-only system fields are
 * ignored, except that CREATOR, CREATED_TIME, MODIFIER and UPDATED_TIME may be set
 * when adding (the official CLI sends them on import).
 */
#include "base/common.h"
#include "record/record.h"
#include "events/events.h"
#include "policy/policy.h"
#include "app/app.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/tstime.h"
#include "files/files.h"
#include "formula/formula.h"
#include "model/user.h"
#include "store/store.h"

#include <pthread.h>

/* ---------------------------------------------------------------- names */

struct name_entry {
    const char *code, *name; /* name NULL: no such user */
    struct name_entry *next;
};

/*
 * Names are looked up at two levels: a list per request (cx->user_names), and a
 * process-wide table kept for a few seconds, so a page of records that names 20
 * people costs no query at all once warm. A renamed user shows within
 * NAME_TTL seconds; accounts are checked against the database when a value is
 * written, since a missing user is never cached.
 */
#define NAME_SLOTS 4096
#define NAME_TTL   10

static struct {
    char code[128];
    char *name; /* malloc'd */
    int64_t expires;
} names[NAME_SLOTS];
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t name_slot(const char *code)
{
    uint32_t h = 2166136261u;
    for (const char *p = code; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h % NAME_SLOTS;
}

static const char *shared_name(struct ts_ctx *cx, const char *code)
{
    const char *found = NULL;
    size_t i = name_slot(code);
    pthread_mutex_lock(&names_lock);
    if (names[i].name && names[i].expires > cx->now && strcmp(names[i].code, code) == 0)
        found = ts_arena_strdup(cx->arena, names[i].name);
    pthread_mutex_unlock(&names_lock);
    return found;
}

void ts_record_forget_name(const char *code)
{
    size_t i = name_slot(code);
    pthread_mutex_lock(&names_lock);
    if (strcmp(names[i].code, code) == 0)
        names[i].expires = 0;
    pthread_mutex_unlock(&names_lock);
}

static void share_name(struct ts_ctx *cx, const char *code, const char *name)
{
    if (strlen(code) >= sizeof(names[0].code))
        return;
    size_t i = name_slot(code);
    char *copy = ts_xstrdup(name);
    pthread_mutex_lock(&names_lock);
    char *old = names[i].name;
    snprintf(names[i].code, sizeof(names[i].code), "%s", code);
    names[i].name = copy;
    names[i].expires = cx->now + NAME_TTL;
    pthread_mutex_unlock(&names_lock);
    free(old);
}

const char *ts_record_user_name(struct ts_ctx *cx, const char *code)
{
    for (struct name_entry *e = cx->user_names; e; e = e->next)
        if (strcmp(e->code, code) == 0)
            return e->name;
    const char *name = shared_name(cx, code);
    if (!name) {
        struct ts_user *u = ts_store_user_by_code(cx, code);
        name = u ? u->name : NULL;
        if (name)
            share_name(cx, code, name);
    }
    struct name_entry *e = TS_NEW(cx->arena, struct name_entry);
    e->code = ts_arena_strdup(cx->arena, code);
    e->name = name;
    e->next = cx->user_names;
    cx->user_names = e;
    return e->name;
}

/* The name of a department or group (kept for the request beside the users'
 * names, under a key of its own), or of a user; NULL when there is none. */
static const char *entity_name(struct ts_ctx *cx, enum ts_ftype type, const char *code)
{
    if (type != TS_F_ORGANIZATION_SELECT && type != TS_F_GROUP_SELECT)
        return ts_record_user_name(cx, code);
    const char *key =
        ts_arena_printf(cx->arena, "%c\x1f%s", type == TS_F_GROUP_SELECT ? 'g' : 'o', code);
    for (struct name_entry *e = cx->user_names; e; e = e->next)
        if (strcmp(e->code, key) == 0)
            return e->name;
    struct ts_entity *found =
        ts_store_entity_get(cx, type == TS_F_GROUP_SELECT ? TS_GROUP : TS_ORG, code);
    struct name_entry *e = TS_NEW(cx->arena, struct name_entry);
    e->code = key;
    e->name = found ? found->name : NULL;
    e->next = cx->user_names;
    cx->user_names = e;
    return e->name;
}

/* ---------------------------------------------------------------- keys */

static const char *key(struct ts_ctx *cx, const char *prefix, const struct ts_field *f,
                       const char *suffix)
{
    return ts_arena_printf(cx->arena, "%s.%s.%s", prefix, f->code, suffix);
}

static const char *value_key(struct ts_ctx *cx, const char *prefix, const struct ts_field *f)
{
    switch (f->type) {
    case TS_F_CHECK_BOX:
    case TS_F_MULTI_SELECT:
        return key(cx, prefix, f, "values");
    case TS_F_USER_SELECT:
    case TS_F_ORGANIZATION_SELECT:
    case TS_F_GROUP_SELECT:
        return key(cx, prefix, f, "values.value");
    default:
        return key(cx, prefix, f, "value");
    }
}

/* ---------------------------------------------------------------- parsing */

static const char *scalar_text(struct ts_ctx *cx, const json_t *v, bool *bad)
{
    *bad = false;
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return ts_arena_printf(cx->arena, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v))
        return ts_arena_printf(cx->arena, "%.17g", json_real_value(v));
    *bad = true;
    return NULL;
}

static void parse_value(struct ts_ctx *cx, const struct ts_app *app, const struct ts_field *f,
                        const json_t *value, const char *prefix, struct ts_value *v);

/* The key prefix of row i's inner fields: record.table.value[i].value. */
static const char *row_prefix(struct ts_ctx *cx, const char *prefix, const struct ts_field *t,
                              size_t i)
{
    return ts_arena_printf(cx->arena, "%s.%s.value[%zu].value", prefix, t->code, i);
}

/* A SUBTABLE's written rows: [{id?, value:{code:{value}}}]. A row's id is kept
 * as sent; the write decides whether it names an existing row. */
static void parse_rows(struct ts_ctx *cx, const struct ts_app *app, const struct ts_field *t,
                       const json_t *value, const char *prefix, struct ts_value *v)
{
    if (!value || json_is_null(value))
        return;
    if (!json_is_array(value)) {
        ts_fail_field(cx, key(cx, prefix, t, "value"), TS_M_NOT_ARRAY);
        return;
    }
    size_t n = json_array_size(value), i;
    v->rows = TS_NEW_N(cx->arena, struct ts_row, n ? n : 1);
    const json_t *e;
    json_array_foreach (value, i, e) {
        struct ts_row *row = &v->rows[v->n++];
        row->vals = TS_NEW_N(cx->arena, struct ts_value, (size_t)app->n_fields);
        const json_t *id = json_object_get(e, "id");
        int64_t rid = 0;
        if (json_is_integer(id))
            rid = json_integer_value(id);
        else if (json_is_string(id))
            ts_parse_i64(json_string_value(id), &rid);
        row->id = rid > 0 ? rid : 0;
        const json_t *vals = json_object_get(e, "value");
        if (!json_is_object(e) || (vals && !json_is_object(vals))) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.%s.value[%zu]", prefix, t->code, i),
                          TS_M_NOT_OBJECT);
            continue;
        }
        const char *rp = row_prefix(cx, prefix, t, i);
        const char *code;
        const json_t *entry;
        json_object_foreach ((json_t *)vals, code, entry) {
            const struct ts_field *g = ts_app_field(app, code);
            if (!g || g->table != t || g->formula || g->type == TS_F_CALC)
                continue;
            if (!json_is_object(entry)) {
                ts_fail_field(cx, key(cx, rp, g, "value"), TS_M_BAD_VALUE_SHAPE);
                continue;
            }
            struct ts_value *gv = &row->vals[ts_app_field_index(app, g)];
            const json_t *gvalue = json_object_get(entry, "value");
            if (g->type == TS_F_NUMBER) {
                /* kintone stores a non-number inside a table as empty (§6) */
                bool bad;
                char buf[128];
                const char *ns = scalar_text(cx, gvalue, &bad);
                gv->set = true;
                if (!bad && ns && *ns && ts_number_normalize(ns, buf, sizeof(buf)) == 0)
                    gv->s = ts_arena_strdup(cx->arena, buf);
                continue;
            }
            parse_value(cx, app, g, gvalue, rp, gv);
        }
    }
}

/* Read one field's written value into v. Problems are reported as field errors. */
static void parse_value(struct ts_ctx *cx, const struct ts_app *app, const struct ts_field *f,
                        const json_t *value, const char *prefix, struct ts_value *v)
{
    (void)app;
    bool bad;
    char buf[128];
    v->set = true;
    switch (f->type) {
    case TS_F_NUMBER: {
        const char *s = scalar_text(cx, value, &bad);
        if (bad || (s && *s && ts_number_normalize(s, buf, sizeof(buf)) < 0)) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s[%s].value", prefix, f->code),
                          TS_M_NOT_NUMBER);
            return;
        }
        v->s = s && *s ? ts_arena_strdup(cx->arena, buf) : NULL;
        return;
    }
    case TS_F_DATE:
    case TS_F_TIME: {
        const char *s = scalar_text(cx, value, &bad);
        if (!bad && s && *s) {
            int rc = f->type == TS_F_DATE ? ts_date_parse(s, buf) : ts_time_parse(s, buf);
            if (rc == 0) {
                v->s = ts_arena_strdup(cx->arena, buf);
                return;
            }
        }
        if (bad || (s && *s))
            ts_fail_field(cx, key(cx, prefix, f, "value"),
                          f->type == TS_F_DATE ? TS_M_BAD_DATE : TS_M_BAD_TIME);
        return;
    }
    case TS_F_DATETIME:
    case TS_F_CREATED_TIME:
    case TS_F_UPDATED_TIME: {
        const char *s = scalar_text(cx, value, &bad);
        int64_t e;
        if (!bad && s && *s && ts_datetime_parse(s, &e) == 0) {
            v->s = "";
            v->epoch = e - ((e % 60) + 60) % 60; /* seconds are dropped when stored */
            return;
        }
        if (bad || (s && *s))
            ts_fail_field(cx, key(cx, prefix, f, "value"), TS_M_BAD_DATETIME);
        return;
    }
    case TS_F_CHECK_BOX:
    case TS_F_MULTI_SELECT: {
        if (!value || json_is_null(value))
            return;
        if (!json_is_array(value)) {
            ts_fail_field(cx, key(cx, prefix, f, "values"), TS_M_NOT_ARRAY);
            return;
        }
        size_t n = json_array_size(value), i;
        v->v = TS_NEW_N(cx->arena, const char *, n ? n : 1);
        const json_t *e;
        json_array_foreach (value, i, e) {
            const char *s = json_string_value(e);
            if (!s || !ts_field_has_option(f, s)) {
                ts_fail_field(
                    cx, ts_arena_printf(cx->arena, "%s.%s.values[%zu].value", prefix, f->code, i),
                    TS_M_NOT_OPTION, s ? s : "");
                continue;
            }
            bool dup = false;
            for (int k = 0; k < v->n; k++)
                dup |= strcmp(v->v[k], s) == 0;
            if (!dup)
                v->v[v->n++] = s;
        }
        return;
    }
    case TS_F_USER_SELECT:
    case TS_F_ORGANIZATION_SELECT:
    case TS_F_GROUP_SELECT:
    case TS_F_CREATOR:
    case TS_F_MODIFIER: {
        bool single = f->type == TS_F_CREATOR || f->type == TS_F_MODIFIER;
        if (!value || json_is_null(value))
            return;
        if (single ? !json_is_object(value) : !json_is_array(value)) {
            ts_fail_field(cx, value_key(cx, prefix, f), TS_M_BAD_VALUE_SHAPE);
            return;
        }
        size_t n = single ? 1 : json_array_size(value), i;
        v->v = TS_NEW_N(cx->arena, const char *, n ? n : 1);
        for (i = 0; i < n; i++) {
            const json_t *e = single ? value : json_array_get(value, i);
            const char *code = json_string_value(json_object_get(e, "code"));
            if (!code || !*code) {
                ts_fail_field(cx, value_key(cx, prefix, f), TS_M_BAD_VALUE_SHAPE);
                continue;
            }
            if (!entity_name(cx, f->type, code)) {
                if (cx->err.code && cx->err.code != TS_E_INVALID_INPUT)
                    return;
                ts_fail_arg(cx,
                            f->type == TS_F_ORGANIZATION_SELECT ? TS_E_ORG_NOT_FOUND
                            : f->type == TS_F_GROUP_SELECT      ? TS_E_GROUP_NOT_FOUND
                                                                : TS_E_USER_NOT_FOUND,
                            code);
                return;
            }
            bool dup = false;
            for (int k = 0; k < v->n; k++)
                dup |= strcmp(v->v[k], code) == 0;
            if (!dup)
                v->v[v->n++] = code;
        }
        if (single)
            v->s = v->n ? v->v[0] : NULL;
        return;
    }
    case TS_F_FILE: {
        if (!value || json_is_null(value))
            return;
        if (!json_is_array(value)) {
            ts_fail_field(cx, key(cx, prefix, f, "value"), TS_M_NOT_ARRAY);
            return;
        }
        size_t n = json_array_size(value), i;
        v->files = TS_NEW_N(cx->arena, struct ts_file, n ? n : 1);
        const json_t *e;
        json_array_foreach (value, i, e) {
            const char *fk = json_string_value(json_object_get(e, "fileKey"));
            if (!fk || !*fk) {
                ts_fail_field(
                    cx, ts_arena_printf(cx->arena, "%s.%s.value[%zu].fileKey", prefix, f->code, i),
                    TS_M_REQUIRED_PARAM);
                continue;
            }
            v->files[v->n++].key = fk;
        }
        return;
    }
    case TS_F_SUBTABLE:
        parse_rows(cx, app, f, value, prefix, v);
        return;
    default: {
        const char *s = scalar_text(cx, value, &bad);
        if (bad) {
            ts_fail_field(cx, key(cx, prefix, f, "value"), TS_M_BAD_VALUE_SHAPE);
            return;
        }
        if (s && *s && (f->type == TS_F_RADIO_BUTTON || f->type == TS_F_DROP_DOWN) &&
            !ts_field_has_option(f, s)) {
            ts_fail_field(cx, key(cx, prefix, f, "value"), TS_M_NOT_OPTION, s);
            return;
        }
        if (f->type == TS_F_RICH_TEXT)
            s = ts_html_sanitize(cx, s);
        v->s = s && *s ? s : NULL;
    }
    }
}

/* System fields a write may carry: CREATOR etc. on add, the rest ignored. */
static bool writable(const struct ts_field *f, bool is_add)
{
    switch (f->type) {
    case TS_F_CREATOR:
    case TS_F_MODIFIER:
    case TS_F_CREATED_TIME:
    case TS_F_UPDATED_TIME:
        return is_add;
    case TS_F_CALC:
        return false;
    default:
        /* a text field with a formula takes no value: it is computed */
        return ts_field_kind(f) != TS_K_SYS && ts_field_kind(f) != TS_K_NONE && !f->formula;
    }
}

static struct ts_record *new_record(struct ts_ctx *cx, const struct ts_app *app)
{
    struct ts_record *r = TS_NEW(cx->arena, struct ts_record);
    r->vals = TS_NEW_N(cx->arena, struct ts_value, (size_t)app->n_fields);
    return r;
}

/* Read the written fields of `record` into r->vals (set=true on each). */
static void parse_record(struct ts_ctx *cx, const struct ts_app *app, const json_t *record,
                         bool is_add, const char *prefix, struct ts_record *r)
{
    if (!record || json_is_null(record))
        return;
    if (!json_is_object(record)) {
        ts_fail_field(cx, prefix, TS_M_NOT_OBJECT);
        return;
    }
    const char *code;
    const json_t *entry;
    json_object_foreach ((json_t *)record, code, entry) {
        const struct ts_field *f = ts_app_field(app, code);
        if (!f || f->table || !writable(f, is_add))
            continue;
        if (!json_is_object(entry)) {
            ts_fail_field(cx, key(cx, prefix, f, "value"), TS_M_BAD_VALUE_SHAPE);
            continue;
        }
        parse_value(cx, app, f, json_object_get(entry, "value"), prefix,
                    &r->vals[ts_app_field_index(app, f)]);
    }
}

static const char *caller_code(struct ts_ctx *cx)
{
    return cx->user ? cx->user->code : "";
}

/* Defaults for the fields of vals not written: the record's own fields
 * (table NULL), or one new row's inner fields. */
static void apply_defaults(struct ts_ctx *cx, const struct ts_app *app, struct ts_value *vals,
                           const struct ts_field *table)
{
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        struct ts_value *v = &vals[i];
        if (f->table != table)
            continue;
        if (ts_field_kind(f) == TS_K_TABLE) {
            for (int k = 0; k < v->n; k++)
                apply_defaults(cx, app, v->rows[k].vals, f);
            continue;
        }
        if (v->set || !ts_field_has(f, TS_FF_DEFAULT))
            continue;
        v->set = v->defaulted = true;
        if (f->default_now) {
            struct tm tm;
            ts_tz_local(cx->user ? cx->user->tz : "Asia/Tokyo", cx->now, &tm);
            if (f->type == TS_F_DATE)
                v->s = ts_arena_printf(cx->arena, "%04d-%02d-%02d", tm.tm_year + 1900,
                                       tm.tm_mon + 1, tm.tm_mday);
            else if (f->type == TS_F_TIME)
                v->s = ts_arena_printf(cx->arena, "%02d:%02d", tm.tm_hour, tm.tm_min);
            else {
                v->s = "";
                v->epoch = cx->now - cx->now % 60;
            }
            continue;
        }
        if (ts_field_kind(f) == TS_K_MULTI) {
            v->v = TS_NEW_N(cx->arena, const char *, (size_t)f->n_default_values + 1);
            for (int k = 0; k < f->n_default_values; k++) {
                const char *d = f->default_values[k];
                if (strcmp(d, "LOGINUSER()") == 0)
                    d = caller_code(cx);
                else if (strcmp(d, "PRIMARY_ORGANIZATION()") == 0)
                    d = cx->user && cx->user->primary_org_code ? cx->user->primary_org_code : "";
                if (*d)
                    v->v[v->n++] = d;
            }
            continue;
        }
        if (!f->default_value)
            continue;
        json_t *tmp = json_string(f->default_value);
        ts_arena_defer_decref(cx->arena, tmp); /* v may point into it */
        parse_value(cx, app, f, tmp, "record", v);
    }
}

static bool is_empty(const struct ts_field *f, const struct ts_value *v)
{
    enum ts_fkind k = ts_field_kind(f);
    if (k == TS_K_MULTI || k == TS_K_FILES || k == TS_K_TABLE)
        return v->n == 0;
    return !v->s || (ts_field_kind(f) != TS_K_EPOCH && !*v->s);
}

/* Check the merged values of a record (table NULL) or of one table row;
 * `written` says which values this write changed (unique is checked only for
 * those; tables keep no unique rule). exclude_id: the record itself on update. */
static void validate_vals(struct ts_ctx *cx, const struct ts_app *app, const struct ts_value *vals,
                          const struct ts_value *written, int64_t exclude_id, const char *prefix,
                          const struct ts_field *table)
{
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        const struct ts_value *v = &vals[i];
        enum ts_fkind kind = ts_field_kind(f);
        if (kind == TS_K_SYS || kind == TS_K_NONE || f->table != table)
            continue;
        if (kind == TS_K_TABLE) {
            for (int k = 0; k < v->n; k++)
                validate_vals(cx, app, v->rows[k].vals, v->rows[k].vals, 0,
                              row_prefix(cx, prefix, f, (size_t)k), f);
            continue;
        }
        if (is_empty(f, v)) {
            if (f->required && f->type != TS_F_RADIO_BUTTON)
                ts_fail_field(cx, value_key(cx, prefix, f), TS_M_REQUIRED);
            /* kintone checks an empty string written to the field against its
             * minimum length too (a field left out is not checked) */
            else if (ts_field_has(f, TS_FF_LENGTH) && f->min_len > 0 && written[i].set &&
                     !written[i].defaulted)
                ts_fail_field(cx, key(cx, prefix, f, "value"), TS_M_MIN_LENGTH, f->min_len - 1);
            continue;
        }
        size_t cap = f->type == TS_F_MULTI_LINE_TEXT || f->type == TS_F_RICH_TEXT
                         ? TS_MULTI_MAX_CHARS
                     : f->type == TS_F_SINGLE_LINE_TEXT || f->type == TS_F_LINK ? TS_TEXT_MAX_CHARS
                                                                                : 0;
        int len = cap ? (int)ts_utf8_len(v->s) : 0; /* every TS_FF_LENGTH type has a cap */
        if (cap && (size_t)len > cap) {
            ts_fail_field(cx, key(cx, prefix, f, "value"), TS_M_MAX_LENGTH, (int)cap + 1);
            continue;
        }
        if (ts_field_has(f, TS_FF_LENGTH)) {
            if (f->max_len >= 0 && len > f->max_len)
                ts_fail_field(cx, key(cx, prefix, f, "value"), TS_M_MAX_LENGTH, f->max_len + 1);
            if (f->min_len > 0 && len < f->min_len)
                ts_fail_field(cx, key(cx, prefix, f, "value"), TS_M_MIN_LENGTH, f->min_len - 1);
        }
        if (f->type == TS_F_NUMBER) {
            if (f->max_value && ts_decimal_cmp(v->s, f->max_value) > 0)
                ts_fail_field(cx, key(cx, prefix, f, "value"), TS_M_MAX_VALUE, f->max_value);
            if (f->min_value && ts_decimal_cmp(v->s, f->min_value) < 0)
                ts_fail_field(cx, key(cx, prefix, f, "value"), TS_M_MIN_VALUE, f->min_value);
        }
        if (f->unique && !table && written[i].set) {
            int64_t other = ts_store_record_find(cx, app, f, v, exclude_id);
            if (other > 0)
                ts_fail_field(cx, key(cx, prefix, f, "value"), TS_M_DUPLICATE);
        }
    }
}

static void validate(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                     const struct ts_record *written, int64_t exclude_id, const char *prefix)
{
    validate_vals(cx, app, r->vals, written->vals, exclude_id, prefix, NULL);
}

/* ---------------------------------------------------------------- tables and files */

/* Rows of a written table over the stored ones (KINTONE-API.md §6): a row whose
 * id names a stored row is merged with it (inner fields left out keep their
 * values); any other row is new and gets a new id; stored rows not sent go. */
static int merge_rows(struct ts_ctx *cx, const struct ts_app *app, const struct ts_field *t,
                      struct ts_value *v, const struct ts_value *old)
{
    for (int k = 0; k < v->n; k++) {
        struct ts_row *row = &v->rows[k];
        const struct ts_row *was = NULL;
        for (int j = 0; old && row->id && j < old->n; j++)
            if (old->rows[j].id == row->id)
                was = &old->rows[j];
        for (int j = 0; was && j < k; j++)
            if (v->rows[j].id == row->id)
                was = NULL; /* the same id twice: the second is a new row */
        if (!was) {
            row->id = ts_store_row_id_next(cx, app);
            if (row->id < 0)
                return -1;
            continue;
        }
        for (int i = 0; i < app->n_fields; i++)
            if (app->fields[i].table == t && !row->vals[i].set)
                row->vals[i] = was->vals[i];
    }
    return 0;
}

/* Attachments named by key: an upload key becomes a download key of this
 * record's own; a download key keeps its file only when re-sent for the
 * record and field that hold it (an update). Any other download key is as
 * unknown: naming one must not show another record's file's name and size. */
static int attach_files(struct ts_ctx *cx, const struct ts_app *app, const struct ts_field *f,
                        struct ts_value *v, int64_t rec_id)
{
    const char *me = ts_policy_caller_key(cx);
    for (int k = 0; k < v->n; k++) {
        struct ts_file *file = &v->files[k];
        struct ts_file_row *row = ts_store_file_get(cx, file->key);
        /* an upload key: its uploader's (older ones, with no uploader kept,
         * anyone's with the key); a download key: this record's, in this field
         * (older files, whose record was not noted, anywhere in their app) */
        bool ours =
            row &&
            (!row->attached ? !*row->owner || strcmp(row->owner, me) == 0
                            : rec_id && row->app_id == app->id &&
                                  (!row->rec_id || (row->rec_id == rec_id && row->fid == f->fid)));
        if (!ours) {
            if (!cx->err.code)
                ts_fail_arg(cx, TS_E_FILE_NOT_FOUND, file->key);
            return -1;
        }
        if (!row->attached) {
            char key[33];
            ts_files_new_key(key);
            if (ts_store_file_delete(cx, row->key) < 0)
                return -1;
            row->key = ts_arena_strdup(cx->arena, key);
            row->attached = true;
            row->app_id = app->id;
            row->created = cx->now;
            if (ts_store_file_add(cx, row) < 0)
                return -1;
        }
        file->key = row->key;
        file->name = row->name;
        file->type = row->type;
        file->size = row->size;
    }
    return 0;
}

/* Note which record and field hold the download keys among the values written
 * (a table's rows included): a download then follows their rights. */
static int hold_files(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r)
{
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        const struct ts_value *v = &r->vals[ts_app_field_index(app, f->table ? f->table : f)];
        if (f->type != TS_F_FILE || !v->set)
            continue;
        int n_rows = f->table ? v->n : 1;
        for (int k = 0; k < n_rows; k++) {
            const struct ts_value *fv = f->table ? &v->rows[k].vals[i] : v;
            for (int j = 0; j < fv->n; j++)
                if (ts_store_file_held(cx, fv->files[j].key, r->id, f->fid) < 0)
                    return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- lookups */

/* The app a lookup copies from (its id was settled at deploy), and its key field. */
static const struct ts_app *lookup_source(struct ts_ctx *cx, const json_t *lk,
                                          const struct ts_field **key)
{
    int64_t id = 0;
    ts_parse_i64(json_string_value(json_object_get(json_object_get(lk, "relatedApp"), "app")), &id);
    const struct ts_app *src = ts_app_get(cx, id);
    *key =
        src ? ts_app_field(src, json_string_value(json_object_get(lk, "relatedKeyField"))) : NULL;
    if (src && !*key)
        ts_fail(cx, TS_E_INTERNAL, "lookup key field gone from app %lld", (long long)id);
    return *key ? src : NULL;
}

/* Copy source field s of record sr (app src) into dst, as target field t holds
 * it: the value itself when both store alike, else its text into a text field. */
static void copy_value(struct ts_ctx *cx, const struct ts_app *src, const struct ts_record *sr,
                       const struct ts_field *s, const struct ts_field *t, struct ts_value *dst)
{
    memset(dst, 0, sizeof(*dst));
    dst->set = true;
    if (!s)
        return;
    enum ts_fkind sk = ts_field_kind(s), tk = ts_field_kind(t);
    if (sk == tk && sk != TS_K_SYS && sk != TS_K_TABLE) {
        *dst = sr->vals[ts_app_field_index(src, s)];
        dst->set = true;
    } else if (tk == TS_K_TEXT) {
        const char *text = ts_record_text(cx, src, sr, s);
        dst->s = *text ? text : NULL;
    } else if (tk == TS_K_NUMBER && (s->type == TS_F_RECORD_NUMBER || s->type == TS_F___ID__)) {
        dst->s = ts_arena_printf(cx->arena, "%lld", (long long)sr->id); /* as kintone copies it */
    }
    if (t->type == TS_F_RICH_TEXT && dst->s) /* whatever the source held, as written here */
        dst->s = ts_html_sanitize(cx, dst->s);
}

/* The source record whose key holds value, or NULL (GAIA_LO04 when none). */
static struct ts_record *lookup_find(struct ts_ctx *cx, const struct ts_app *src,
                                     const struct ts_field *key, const char *value)
{
    struct ts_value kv = {.set = true, .s = value};
    char buf[128];
    if (ts_field_kind(key) == TS_K_NUMBER) {
        if (ts_number_normalize(value, buf, sizeof(buf)) < 0)
            goto missing;
        kv.s = buf;
    } else if (key->type == TS_F_RECORD_NUMBER && strrchr(value, '-') && *src->code) {
        kv.s = strrchr(value, '-') + 1; /* "APPCODE-12" */
    }
    int64_t id = ts_store_record_find(cx, src, key, &kv, 0);
    /* a record the caller may not view is, to them, not there: nothing of it is copied */
    int may = id > 0 ? ts_policy_may_view(cx, src, id) : 1;
    if (id < 0 || may < 0)
        return NULL;
    if (id > 0 && may)
        return ts_store_record_get(cx, src, id);
missing:
    ts_fail_arg(cx, TS_E_LOOKUP_NOT_FOUND, value);
    return NULL;
}

/* Lookups among the written values (a record's, or one table row's): the key
 * written fetches the source record and its mapped fields are copied over
 * whatever was sent for them; an empty key clears them (KINTONE-API.md §6). */
static int apply_lookups(struct ts_ctx *cx, const struct ts_app *app, struct ts_value *vals,
                         const struct ts_field *table)
{
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        if (f->table != table || !vals[i].set)
            continue;
        if (f->type == TS_F_SUBTABLE) {
            for (int k = 0; k < vals[i].n; k++)
                if (apply_lookups(cx, app, vals[i].rows[k].vals, f) < 0)
                    return -1;
            continue;
        }
        const json_t *lk = json_object_get(f->props, "lookup");
        if (!json_is_object(lk))
            continue;
        const struct ts_field *key;
        const struct ts_app *src = lookup_source(cx, lk, &key);
        if (!src)
            return -1;
        struct ts_record *sr = vals[i].s ? lookup_find(cx, src, key, vals[i].s) : NULL;
        if (vals[i].s && !sr)
            return -1;
        /* fields the caller may not see stay empty */
        const char *access = ts_policy_fields_of(cx, src, ts_policy_fields(cx, src), sr);
        if (cx->err.code)
            return -1;
        size_t k;
        const json_t *m;
        json_array_foreach (json_object_get(lk, "fieldMappings"), k, m) {
            const struct ts_field *t =
                ts_app_field(app, json_string_value(json_object_get(m, "field")));
            const struct ts_field *sf =
                ts_app_field(src, json_string_value(json_object_get(m, "relatedField")));
            bool hidden = sf && access && access[ts_app_field_index(src, sf)] == TS_FIELD_NONE;
            if (t && t->table == table)
                copy_value(cx, src, sr, sr && !hidden ? sf : NULL, t,
                           &vals[ts_app_field_index(app, t)]);
        }
    }
    return 0;
}

int ts_record_lookup_fill(struct ts_ctx *cx, const struct ts_app *app, const struct ts_field *f,
                          const char *key, struct ts_record *out)
{
    memset(out, 0, sizeof(*out));
    out->vals = TS_NEW_N(cx->arena, struct ts_value, (size_t)app->n_fields);
    out->vals[ts_app_field_index(app, f)] = (struct ts_value){.set = true, .s = key};
    return apply_lookups(cx, app, out->vals, f->table);
}

static int apply_update(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *old,
                        struct ts_record *changes, const char *prefix, const char *action,
                        int64_t *new_rev);
static bool same_value(const struct ts_app *app, const struct ts_field *f, const struct ts_value *a,
                       const struct ts_value *b);

struct refresh {
    const struct ts_app *src;
    const struct ts_record *before, *after;
};

/* One app's lookup field `code` copies from the record that changed: the
 * records that looked up its key get the new copies (and the new key when it
 * changed), each as a revision of its own. Copies do not cascade further. */
static int refresh_one(struct ts_ctx *cx, const struct refresh *rf, const struct ts_app *app,
                       const struct ts_field *f, const struct ts_field *key, const json_t *maps,
                       const struct ts_record *old);

static int refresh_link(struct ts_ctx *cx, int64_t app_id, const char *code, void *arg)
{
    struct refresh *rf = arg;
    const struct ts_app *app = ts_app_get(cx, app_id);
    if (!app) {
        ts_err_clear(cx); /* an app deleted since: nothing to keep up to date */
        return 0;
    }
    const struct ts_field *f = ts_app_field(app, code);
    const json_t *lk = f && !f->table ? json_object_get(f->props, "lookup") : NULL;
    if (!json_is_object(lk))
        return 0;
    const struct ts_field *key =
        ts_app_field(rf->src, json_string_value(json_object_get(lk, "relatedKeyField")));
    if (!key)
        return 0;
    int ki = ts_app_field_index(rf->src, key);
    bool changed = !same_value(rf->src, key, &rf->before->vals[ki], &rf->after->vals[ki]);
    size_t k;
    const json_t *m;
    const json_t *maps = json_object_get(lk, "fieldMappings");
    json_array_foreach (maps, k, m) {
        const struct ts_field *sf =
            ts_app_field(rf->src, json_string_value(json_object_get(m, "relatedField")));
        if (sf && ts_field_kind(sf) != TS_K_SYS) {
            int si = ts_app_field_index(rf->src, sf);
            changed |= !same_value(rf->src, sf, &rf->before->vals[si], &rf->after->vals[si]);
        }
    }
    const char *old_key = ts_record_text(cx, rf->src, rf->before, key);
    if (!changed || !*old_key)
        return 0;
    char buf[128];
    struct ts_qval qv = {.s = old_key};
    if (ts_field_kind(f) == TS_K_NUMBER) {
        if (ts_number_normalize(old_key, buf, sizeof(buf)) < 0)
            return 0;
        qv.s = ts_arena_strdup(cx->arena, buf);
    }
    struct ts_qnode cond = {
        .kind = TS_QN_COND, .field = f, .op = TS_Q_EQ, .n_vals = 1, .vals = &qv};
    struct ts_qplan plan = {.where = &cond, .limit = -1};
    size_t n;
    int64_t *ids = ts_store_records_ids(cx, app, &plan, &n);
    if (!ids)
        return cx->err.code ? -1 : 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct ts_record *old = ts_record_load(cx, app, ids[i]);
        if (!old) {
            rc = -1;
            break;
        }
        rc = refresh_one(cx, rf, app, f, key, maps, old);
    }
    free(ids);
    return rc;
}

/* Copy again into record old what its lookup field f takes from the changed
 * record, as the person who last saved old (by its history, not its modifier
 * field, which an add may set) could have copied it: nothing from a source
 * record they may not view, no field they may not see. The copy is theirs,
 * so the next one follows the same rights, whoever changed the source. */
static int refresh_one(struct ts_ctx *cx, const struct refresh *rf, const struct ts_app *app,
                       const struct ts_field *f, const struct ts_field *key, const json_t *maps,
                       const struct ts_record *old)
{
    /* who saved it last, from its history: the modifier field a write may set */
    const char *last = ts_store_history_last_user(cx, app->id, old->id);
    const struct ts_user *saver = last ? ts_store_user_by_code(cx, last) : NULL;
    if (!saver || !saver->active)
        return cx->err.code ? -1 : 0; /* nobody who could copy: left as it is */
    struct ts_policy_saved me;
    ts_policy_become(cx, saver, &me);
    int may = ts_policy_may_view(cx, rf->src, rf->after->id);
    const char *access = may > 0 ? ts_policy_fields(cx, rf->src) : NULL;
    if (may > 0 && !cx->err.code)
        access = ts_policy_fields_of(cx, rf->src, access, rf->after);
    int rc = may < 0 || cx->err.code ? -1 : 0;
    if (may > 0 && rc == 0) {
        struct ts_record *changes = new_record(cx, app);
        copy_value(cx, rf->src, rf->after, key, f, &changes->vals[ts_app_field_index(app, f)]);
        size_t k;
        const json_t *m;
        json_array_foreach (maps, k, m) {
            const struct ts_field *t =
                ts_app_field(app, json_string_value(json_object_get(m, "field")));
            const struct ts_field *sf =
                ts_app_field(rf->src, json_string_value(json_object_get(m, "relatedField")));
            if (sf && access && access[ts_app_field_index(rf->src, sf)] == TS_FIELD_NONE)
                sf = NULL; /* not theirs to see: stays empty, as when they saved */
            if (t && !t->table)
                copy_value(cx, rf->src, rf->after, sf, t,
                           &changes->vals[ts_app_field_index(app, t)]);
        }
        int64_t rev;
        rc = apply_update(cx, app, old, changes, "record", "LOOKUP", &rev);
    }
    ts_policy_restore(cx, &me);
    return rc;
}

/* Everything a write sets that refers to stored things: table rows (merged
 * with `old`, the stored record, on update) and attachments. */
static int resolve_written(struct ts_ctx *cx, const struct ts_app *app, struct ts_value *vals,
                           const struct ts_value *old, int64_t rec_id, const char *prefix,
                           const struct ts_field *table)
{
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        struct ts_value *v = &vals[i];
        if (f->table != table || !v->set)
            continue;
        if (f->type == TS_F_FILE && attach_files(cx, app, f, v, rec_id) < 0)
            return -1;
        if (f->type != TS_F_SUBTABLE)
            continue;
        if (merge_rows(cx, app, f, v, old ? &old[i] : NULL) < 0)
            return -1;
        for (int k = 0; k < v->n; k++)
            if (resolve_written(cx, app, v->rows[k].vals, NULL, rec_id,
                                row_prefix(cx, prefix, f, (size_t)k), f) < 0)
                return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- history */

/* A value in history: null when empty, a string, a list of strings, the files,
 * or a table's rows as [{id, value:{code: value}}]. */
static void value_json(struct ts_ctx *cx, struct ts_jw *w, const struct ts_app *app,
                       const struct ts_field *f, const struct ts_value *v)
{
    if (is_empty(f, v)) {
        ts_jw_null(w);
        return;
    }
    if (ts_field_kind(f) == TS_K_FILES) {
        ts_files_write(w, v);
        return;
    }
    if (ts_field_kind(f) == TS_K_TABLE) {
        ts_jw_arr(w);
        for (int k = 0; k < v->n; k++) {
            ts_jw_obj(w);
            ts_jw_key(w, "id");
            ts_jw_i64_str(w, v->rows[k].id);
            ts_jw_key(w, "value");
            ts_jw_obj(w);
            for (int i = 0; i < app->n_fields; i++) {
                if (app->fields[i].table != f)
                    continue;
                ts_jw_key(w, app->fields[i].code);
                value_json(cx, w, app, &app->fields[i], &v->rows[k].vals[i]);
            }
            ts_jw_obj_end(w);
            ts_jw_obj_end(w);
        }
        ts_jw_arr_end(w);
        return;
    }
    if (ts_field_kind(f) == TS_K_MULTI) {
        ts_jw_arr(w);
        for (int i = 0; i < v->n; i++)
            ts_jw_str(w, v->v[i]);
        ts_jw_arr_end(w);
        return;
    }
    if (ts_field_kind(f) == TS_K_EPOCH) {
        char t[21];
        ts_datetime_format(v->epoch, t);
        ts_jw_str(w, t);
        return;
    }
    ts_jw_str(w, v->s);
}

static bool same_value(const struct ts_app *app, const struct ts_field *f, const struct ts_value *a,
                       const struct ts_value *b)
{
    if (is_empty(f, a) || is_empty(f, b))
        return is_empty(f, a) == is_empty(f, b);
    switch (ts_field_kind(f)) {
    case TS_K_FILES:
        if (a->n != b->n)
            return false;
        for (int i = 0; i < a->n; i++)
            if (strcmp(a->files[i].key, b->files[i].key) != 0)
                return false;
        return true;
    case TS_K_TABLE:
        if (a->n != b->n)
            return false;
        for (int k = 0; k < a->n; k++) {
            if (a->rows[k].id != b->rows[k].id)
                return false;
            for (int i = 0; i < app->n_fields; i++)
                if (app->fields[i].table == f &&
                    !same_value(app, &app->fields[i], &a->rows[k].vals[i], &b->rows[k].vals[i]))
                    return false;
        }
        return true;
    case TS_K_MULTI:
        if (a->n != b->n)
            return false;
        for (int i = 0; i < a->n; i++)
            if (strcmp(a->v[i], b->v[i]) != 0)
                return false;
        return true;
    case TS_K_EPOCH:
        return a->epoch == b->epoch;
    default:
        return strcmp(a->s, b->s) == 0;
    }
}

/* Record one history entry: fields whose value differs between before (NULL on
 * add) and after, as {fid: [old, new]}. */
static int write_history(struct ts_ctx *cx, const struct ts_app *app,
                         const struct ts_record *before, const struct ts_record *after,
                         int64_t revision, const char *action)
{
    struct ts_buf b;
    struct ts_jw w;
    ts_buf_init(&b);
    ts_jw_init(&w, &b);
    ts_jw_obj(&w);
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        enum ts_fkind kind = ts_field_kind(f);
        if (kind == TS_K_SYS || kind == TS_K_NONE || f->table)
            continue;
        static const struct ts_value none;
        const struct ts_value *old = before ? &before->vals[i] : &none;
        const struct ts_value *new = after ? &after->vals[i] : &none;
        if (same_value(app, f, old, new))
            continue;
        char fid[16];
        snprintf(fid, sizeof(fid), "%d", f->fid);
        ts_jw_key(&w, fid);
        ts_jw_arr(&w);
        value_json(cx, &w, app, f, old);
        value_json(cx, &w, app, f, new);
        ts_jw_arr_end(&w);
    }
    ts_jw_obj_end(&w);
    struct ts_history_row h = {
        .revision = revision,
        .at = cx->now,
        .user = caller_code(cx),
        .action = action,
        .changes = b.p,
    };
    int rc = ts_store_history_add(cx, app->id, after ? after->id : before->id, &h);
    ts_buf_release(&b);
    return rc;
}

/* ---------------------------------------------------------------- process management */

static int check_revision(struct ts_ctx *cx, const struct ts_record *old, int64_t expected_rev);

/* A new record starts in the first status, with its creator as the assignee
 * when the status says so. */
static void start_status(struct ts_ctx *cx, const struct ts_app *app, struct ts_record *r)
{
    bool creator_acts;
    r->status = ts_app_first_status(app, &creator_acts);
    if (creator_acts) {
        r->assignees = TS_NEW_N(cx->arena, const char *, 1);
        r->assignees[0] = r->creator;
        r->n_assignees = 1;
    }
}

int ts_record_set_status(struct ts_ctx *cx, const struct ts_app *app, int64_t id,
                         int64_t expected_rev, const char *status, const char **assignees, int n,
                         int steps, int64_t *new_rev)
{
    struct ts_record *old = ts_record_load(cx, app, id);
    if (!old || check_revision(cx, old, expected_rev) < 0)
        return -1;
    struct ts_record *changes = new_record(cx, app);
    changes->id = id;
    changes->revision = old->revision + steps; /* an action counts twice (§5.1) */
    changes->modifier = caller_code(cx);
    changes->updated = cx->now - cx->now % 60;
    changes->status_set = true;
    changes->status = status ? status : old->status;
    changes->assignees = assignees;
    changes->n_assignees = n;
    if (ts_store_record_update(cx, app, changes) < 0)
        return -1;
    /* history: the status and who must act, by their fields' ids */
    struct ts_buf b;
    struct ts_jw w;
    ts_buf_init(&b);
    ts_jw_init(&w, &b);
    ts_jw_obj(&w);
    if (status && app->status && !ts_str_eq(status, old->status)) {
        ts_jw_key(&w, ts_arena_printf(cx->arena, "%d", app->status->fid));
        ts_jw_arr(&w);
        ts_jw_str(&w, old->status);
        ts_jw_str(&w, status);
        ts_jw_arr_end(&w);
    }
    if (app->assignee) {
        ts_jw_key(&w, ts_arena_printf(cx->arena, "%d", app->assignee->fid));
        ts_jw_arr(&w);
        for (int k = 0; k < 2; k++) {
            const char **list = k ? assignees : old->assignees;
            int m = k ? n : old->n_assignees;
            ts_jw_arr(&w);
            for (int i = 0; i < m; i++)
                ts_jw_str(&w, list[i]);
            ts_jw_arr_end(&w);
        }
        ts_jw_arr_end(&w);
    }
    ts_jw_obj_end(&w);
    struct ts_history_row h = {
        .revision = changes->revision,
        .at = cx->now,
        .user = caller_code(cx),
        .action = status ? "STATUS" : "ASSIGNEE",
        .changes = b.p,
    };
    int rc = ts_store_history_add(cx, app->id, id, &h);
    ts_buf_release(&b);
    if (rc < 0)
        return -1;
    *new_rev = changes->revision;
    /* who is told: every assignee of a new status; otherwise only those added */
    struct ts_record *after = new_record(cx, app);
    *after = *old;
    after->revision = changes->revision;
    after->status = changes->status;
    after->assignees = TS_NEW_N(cx->arena, const char *, (size_t)n + 1);
    after->n_assignees = 0;
    for (int i = 0; i < n; i++) {
        bool had = false;
        for (int k = 0; !status && k < old->n_assignees; k++)
            had |= ts_str_eq(old->assignees[k], assignees[i]);
        if (!had)
            after->assignees[after->n_assignees++] = assignees[i];
    }
    return ts_events_publish(
        cx, &(struct ts_event){
                .kind = TS_EV_STATUS, .app = app, .r = after, .from = old->status, .to = status});
}

/* ---------------------------------------------------------------- writes */

int ts_record_add(struct ts_ctx *cx, const struct ts_app *app, const json_t *record,
                  const char *prefix, int64_t *id)
{
    struct ts_record *r = new_record(cx, app);
    /* go on after bad values: kintone reports every problem of the record at once */
    parse_record(cx, app, record, true, prefix, r);
    struct ts_record *written = new_record(cx, app);
    memcpy(written->vals, r->vals, sizeof(*r->vals) * (size_t)app->n_fields);
    if (!cx->err.code && apply_lookups(cx, app, r->vals, NULL) < 0)
        return -1;
    apply_defaults(cx, app, r->vals, NULL);
    if (!cx->err.code && resolve_written(cx, app, r->vals, NULL, 0, prefix, NULL) < 0)
        return -1;
    int64_t now = cx->now - cx->now % 60;
    const struct ts_value *cv =
        app->creator ? &r->vals[ts_app_field_index(app, app->creator)] : NULL;
    const struct ts_value *mv =
        app->modifier ? &r->vals[ts_app_field_index(app, app->modifier)] : NULL;
    const struct ts_value *ct =
        app->created_time ? &r->vals[ts_app_field_index(app, app->created_time)] : NULL;
    const struct ts_value *ut =
        app->updated_time ? &r->vals[ts_app_field_index(app, app->updated_time)] : NULL;
    r->creator = cv && cv->s ? cv->s : caller_code(cx);
    r->modifier = mv && mv->s ? mv->s : r->creator;
    r->created = ct && ct->s ? ct->epoch : now;
    r->updated = ut && ut->s ? ut->epoch : r->created;
    if (app->process)
        start_status(cx, app, r);
    ts_formula_compute(cx, app, r->vals, r);
    validate(cx, app, r, r, 0, prefix);
    if (cx->err.code || ts_store_record_insert(cx, app, r) < 0 || hold_files(cx, app, r) < 0)
        return -1;
    *id = r->id;
    if (write_history(cx, app, NULL, r, 1, "ADD") < 0)
        return -1;
    return ts_events_publish(cx, &(struct ts_event){.kind = TS_EV_ADDED, .app = app, .r = r});
}

struct ts_record *ts_record_load(struct ts_ctx *cx, const struct ts_app *app, int64_t id)
{
    struct ts_record *r = ts_store_record_get(cx, app, id);
    if (!r && !cx->err.code)
        ts_fail_arg(cx, TS_E_RECORD_NOT_FOUND, ts_arena_printf(cx->arena, "%lld", (long long)id));
    return r;
}

/* Write `changes` (set values) over the stored record `old` as a new revision. */
static int apply_update(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *old,
                        struct ts_record *changes, const char *prefix, const char *action,
                        int64_t *new_rev)
{
    struct ts_record *merged = new_record(cx, app);
    *merged = *old;
    merged->vals = TS_NEW_N(cx->arena, struct ts_value, (size_t)app->n_fields);
    for (int i = 0; i < app->n_fields; i++)
        merged->vals[i] = changes->vals[i].set ? changes->vals[i] : old->vals[i];
    changes->id = old->id;
    changes->revision = old->revision + 1;
    changes->modifier = merged->modifier = caller_code(cx);
    changes->updated = merged->updated = cx->now - cx->now % 60;
    /* formulas see the merged record; what they give is written too (a table
     * whose rows hold formulas is rewritten whole) */
    ts_formula_compute(cx, app, merged->vals, merged);
    for (int k = 0; k < app->n_formulas; k++) {
        const struct ts_field *f = app->formulas[k];
        int i = ts_app_field_index(app, f->table ? f->table : f);
        changes->vals[i] = merged->vals[i];
        changes->vals[i].set = true;
    }
    validate(cx, app, merged, changes, old->id, prefix);
    if (cx->err.code)
        return -1;
    if (ts_store_record_update(cx, app, changes) < 0 || hold_files(cx, app, changes) < 0)
        return -1;
    merged->revision = changes->revision;
    if (write_history(cx, app, old, merged, changes->revision, action) < 0)
        return -1;
    *new_rev = changes->revision;
    if (strcmp(action, "LOOKUP") == 0)
        return 0;
    if (ts_events_publish(cx, &(struct ts_event){.kind = TS_EV_EDITED, .app = app, .r = merged}) <
        0)
        return -1;
    struct refresh rf = {app, old, merged};
    return ts_store_lookup_links_each(cx, app->id, refresh_link, &rf);
}

static int check_revision(struct ts_ctx *cx, const struct ts_record *old, int64_t expected_rev)
{
    if (expected_rev >= 0 && expected_rev != old->revision)
        return ts_fail(cx, TS_E_STALE_REVISION, "record %lld revision %lld, have %lld",
                       (long long)old->id, (long long)expected_rev, (long long)old->revision);
    return 0;
}

int ts_record_update(struct ts_ctx *cx, const struct ts_app *app, int64_t id, int64_t expected_rev,
                     const json_t *record, const char *prefix, int64_t *new_rev)
{
    struct ts_record *old = ts_record_load(cx, app, id);
    if (!old || check_revision(cx, old, expected_rev) < 0)
        return -1;
    struct ts_record *changes = new_record(cx, app);
    parse_record(cx, app, record, false, prefix, changes);
    if (!cx->err.code &&
        (apply_lookups(cx, app, changes->vals, NULL) < 0 ||
         resolve_written(cx, app, changes->vals, old->vals, old->id, prefix, NULL) < 0))
        return -1;
    return apply_update(cx, app, old, changes, prefix, "EDIT", new_rev);
}

int64_t ts_record_find_key(struct ts_ctx *cx, const struct ts_app *app, const json_t *key_obj,
                           const char *prefix)
{
    const char *code = json_string_value(json_object_get(key_obj, "field"));
    const char *kpfx = ts_arena_printf(cx->arena, "%s.updateKey", prefix);
    const struct ts_field *f = code ? ts_app_field(app, code) : NULL;
    /* a key the caller may not see in every record is as if it did not exist:
     * matching on it would tell its values */
    const char *access = f ? ts_policy_fields(cx, app) : NULL;
    if (cx->err.code)
        return -1;
    if (f && access && access[ts_app_field_index(app, f)] != TS_FIELD_WRITE &&
        access[ts_app_field_index(app, f)] != TS_FIELD_READ)
        f = NULL;
    bool ok_type =
        f && (f->type == TS_F_RECORD_NUMBER ||
              ((f->type == TS_F_SINGLE_LINE_TEXT || f->type == TS_F_NUMBER) && f->unique));
    if (!ok_type) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.field", kpfx), TS_M_NOT_UNIQUE_KEY);
        return -1;
    }
    bool bad;
    const char *s = scalar_text(cx, json_object_get(key_obj, "value"), &bad);
    if (bad || !s || !*s) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.value", kpfx), TS_M_REQUIRED_PARAM);
        return -1;
    }
    struct ts_value v = {.set = true, .s = s};
    if (f->type == TS_F_RECORD_NUMBER) {
        const char *dash = strrchr(s, '-');
        if (dash && *app->code)
            v.s = dash + 1; /* "APPCODE-12" */
    } else if (f->type == TS_F_NUMBER) {
        char buf[128];
        if (ts_number_normalize(s, buf, sizeof(buf)) < 0) {
            ts_fail_field(cx, ts_arena_printf(cx->arena, "%s.value", kpfx), TS_M_NOT_NUMBER);
            return -1;
        }
        v.s = ts_arena_strdup(cx->arena, buf);
    }
    int64_t id = ts_store_record_find(cx, app, f, &v, 0);
    if (id <= 0)
        return id;
    /* a record the caller may not view is, to them, not there */
    int may = ts_policy_may(cx, app, id, TS_RR_VIEW);
    return may < 0 ? -1 : may ? id : 0;
}

int ts_record_delete(struct ts_ctx *cx, const struct ts_app *app, int64_t id, int64_t expected_rev)
{
    struct ts_record *old = ts_record_load(cx, app, id);
    if (!old || check_revision(cx, old, expected_rev) < 0)
        return -1;
    if (ts_store_record_delete(cx, app, id) < 0)
        return -1;
    return write_history(cx, app, old, NULL, old->revision + 1, "DELETE");
}

/* ---------------------------------------------------------------- restore */

struct restore {
    const struct ts_app *app;
    const char *access; /* field rights: only fields the caller may write go back */
    int64_t target;
    struct ts_record *state; /* values set where history says they were different */
    bool found;
};

static const struct ts_field *field_by_fid(const struct ts_app *app, int fid)
{
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        bool status = f->type == TS_F_STATUS || f->type == TS_F_STATUS_ASSIGNEE;
        if (f->fid == fid && (ts_field_kind(f) != TS_K_SYS || status) && !f->table)
            return f;
    }
    return NULL;
}

/* Turn a history JSON value back into a value. */
static void from_history(struct ts_ctx *cx, const struct ts_app *app, const struct ts_field *f,
                         const json_t *j, struct ts_value *v)
{
    memset(v, 0, sizeof(*v));
    v->set = true;
    if (json_is_null(j))
        return;
    size_t n = json_array_size(j), i;
    const json_t *e;
    if (ts_field_kind(f) == TS_K_FILES) {
        ts_files_read(cx->arena, j, v);
        return;
    }
    if (ts_field_kind(f) == TS_K_TABLE) {
        v->rows = TS_NEW_N(cx->arena, struct ts_row, n ? n : 1);
        json_array_foreach (j, i, e) {
            struct ts_row *row = &v->rows[v->n++];
            ts_parse_i64(json_string_value(json_object_get(e, "id")), &row->id);
            row->vals = TS_NEW_N(cx->arena, struct ts_value, (size_t)app->n_fields);
            for (int k = 0; k < app->n_fields; k++)
                if (app->fields[k].table == f)
                    from_history(cx, app, &app->fields[k],
                                 json_object_get(json_object_get(e, "value"), app->fields[k].code),
                                 &row->vals[k]);
        }
        return;
    }
    if (ts_field_kind(f) == TS_K_MULTI) {
        v->v = TS_NEW_N(cx->arena, const char *, n ? n : 1);
        json_array_foreach (j, i, e)
            v->v[v->n++] = ts_arena_strdup(cx->arena, json_string_value(e));
        return;
    }
    const char *s = json_string_value(j);
    if (!s)
        return;
    if (ts_field_kind(f) == TS_K_EPOCH) {
        v->s = "";
        ts_datetime_parse(s, &v->epoch);
        return;
    }
    v->s = ts_arena_strdup(cx->arena, s);
}

static int restore_step(struct ts_ctx *cx, const struct ts_history_row *h, void *arg)
{
    struct restore *rs = arg;
    if (h->revision == rs->target)
        rs->found = true;
    if (h->revision <= rs->target)
        return 0;
    json_t *changes = json_loads(h->changes, 0, NULL);
    const char *fid;
    json_t *pair;
    json_object_foreach (changes, fid, pair) {
        const struct ts_field *f = field_by_fid(rs->app, (int)strtol(fid, NULL, 10));
        if (f && (!rs->access || ts_field_kind(f) == TS_K_SYS ||
                  rs->access[ts_app_field_index(rs->app, f)] == TS_FIELD_WRITE))
            from_history(cx, rs->app, f, json_array_get(pair, 0),
                         &rs->state->vals[ts_app_field_index(rs->app, f)]);
    }
    json_decref(changes);
    return 0;
}

int ts_record_restore(struct ts_ctx *cx, const struct ts_app *app, int64_t id, int64_t revision,
                      int64_t *new_rev)
{
    struct ts_record *old = ts_record_load(cx, app, id);
    if (!old)
        return -1;
    struct restore rs = {.app = app,
                         .access = ts_policy_fields_of(cx, app, ts_policy_fields(cx, app), old),
                         .target = revision,
                         .state = new_record(cx, app)};
    if (cx->err.code)
        return -1;
    if (ts_store_history_each(cx, app->id, id, restore_step, &rs) < 0)
        return -1;
    if (!rs.found || revision >= old->revision) {
        ts_fail_field(cx, "revision", TS_M_NOT_ENUM);
        return -1;
    }
    return apply_update(cx, app, old, rs.state, "record", "RESTORE", new_rev);
}

/* ---------------------------------------------------------------- rendering */

static void write_user(struct ts_ctx *cx, struct ts_jw *w, const char *code)
{
    const char *name = code ? ts_record_user_name(cx, code) : NULL;
    ts_jw_obj(w);
    ts_jw_kstr(w, "code", code ? code : "");
    ts_jw_kstr(w, "name", name ? name : (code ? code : ""));
    ts_jw_obj_end(w);
}

static void write_field(struct ts_ctx *cx, struct ts_jw *w, const struct ts_app *app,
                        const struct ts_record *r, const struct ts_field *f)
{
    const struct ts_value *v = &r->vals[ts_app_field_index(app, f)];
    char t[21];
    ts_jw_member_head(w, f->json_head, f->json_head_len);
    switch (f->type) {
    case TS_F_RECORD_NUMBER:
        if (*app->code)
            ts_jw_str(w, ts_arena_printf(cx->arena, "%s-%lld", app->code, (long long)r->id));
        else
            ts_jw_i64_str(w, r->id);
        break;
    case TS_F___ID__:
        ts_jw_i64_str(w, r->id);
        break;
    case TS_F___REVISION__:
        ts_jw_i64_str(w, r->revision);
        break;
    case TS_F_CREATOR:
        write_user(cx, w, r->creator);
        break;
    case TS_F_MODIFIER:
        write_user(cx, w, r->modifier);
        break;
    case TS_F_STATUS:
        ts_jw_str(w, r->status ? r->status : "");
        break;
    case TS_F_STATUS_ASSIGNEE:
        ts_jw_arr(w);
        for (int i = 0; i < r->n_assignees; i++)
            write_user(cx, w, r->assignees[i]);
        ts_jw_arr_end(w);
        break;
    case TS_F_CREATED_TIME:
    case TS_F_UPDATED_TIME:
        ts_datetime_format(f->type == TS_F_CREATED_TIME ? r->created : r->updated, t);
        ts_jw_str(w, t);
        break;
    case TS_F_CHECK_BOX:
    case TS_F_MULTI_SELECT:
        ts_jw_arr(w);
        for (int i = 0; i < v->n; i++)
            ts_jw_str(w, v->v[i]);
        ts_jw_arr_end(w);
        break;
    case TS_F_USER_SELECT:
    case TS_F_ORGANIZATION_SELECT:
    case TS_F_GROUP_SELECT:
        ts_jw_arr(w);
        for (int i = 0; i < v->n; i++) {
            const char *name = entity_name(cx, f->type, v->v[i]);
            ts_jw_obj(w);
            ts_jw_kstr(w, "code", v->v[i]);
            ts_jw_kstr(w, "name", name ? name : v->v[i]);
            ts_jw_obj_end(w);
        }
        ts_jw_arr_end(w);
        break;
    case TS_F_DATETIME:
        if (v->s) {
            ts_datetime_format(v->epoch, t);
            ts_jw_str(w, t);
        } else {
            ts_jw_str(w, "");
        }
        break;
    case TS_F_DATE:
    case TS_F_TIME:
    case TS_F_DROP_DOWN:
        ts_jw_str(w, v->s);
        break; /* null when empty, as kintone */
    case TS_F_FILE:
        ts_files_write(w, v);
        break;
    case TS_F_CALC:
        ts_jw_str(w, ts_formula_calc_text(cx, f, v->s));
        break;
    case TS_F_SUBTABLE:
        ts_jw_arr(w);
        for (int k = 0; k < v->n; k++) {
            struct ts_record row = *r;
            row.vals = v->rows[k].vals;
            ts_jw_obj(w);
            ts_jw_key(w, "id");
            ts_jw_i64_str(w, v->rows[k].id);
            ts_jw_key(w, "value");
            ts_jw_obj(w);
            for (int i = 0; i < app->n_fields; i++)
                if (app->fields[i].table == f)
                    write_field(cx, w, app, &row, &app->fields[i]);
            ts_jw_obj_end(w);
            ts_jw_obj_end(w);
        }
        ts_jw_arr_end(w);
        break;
    default:
        ts_jw_str(w, v->s ? v->s : "");
    }
    ts_jw_obj_end(w);
}

void ts_record_write(struct ts_ctx *cx, struct ts_jw *w, const struct ts_app *app,
                     const struct ts_record *r, const bool *want)
{
    ts_jw_obj(w);
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        if (f->table || ts_field_kind(f) == TS_K_NONE)
            continue; /* inner fields are in their table; related records hold no data */
        bool shown_sys = f->type == TS_F___ID__ || f->type == TS_F___REVISION__ ||
                         f->type == TS_F_STATUS || f->type == TS_F_STATUS_ASSIGNEE;
        if (want ? !want[i]
                 : ts_field_kind(f) == TS_K_SYS && ts_field_has(f, TS_FF_HIDDEN) && !shown_sys)
            continue;
        if (f->type == TS_F_CATEGORY ||
            ((f->type == TS_F_STATUS || f->type == TS_F_STATUS_ASSIGNEE) && !app->process))
            continue;
        write_field(cx, w, app, r, f);
    }
    ts_jw_obj_end(w);
}

/* ---------------------------------------------------------------- CSV */

static void csv_cell(struct ts_buf *b, const char *s, bool first, bool text)
{
    if (!first)
        ts_buf_putc(b, ',');
    ts_buf_putc(b, '"');
    if (text && ts_str_formula_like(s)) /* numbers stay numbers */
        ts_buf_putc(b, '\'');
    for (; s && *s; s++) {
        if (*s == '"')
            ts_buf_putc(b, '"');
        ts_buf_putc(b, *s);
    }
    ts_buf_putc(b, '"');
}

/* Does any column belong to a table (cli-kintone then starts lines with "*")? */
static bool has_table_columns(const struct ts_field *const *cols, int n)
{
    for (int i = 0; i < n; i++)
        if (cols[i]->table || ts_field_kind(cols[i]) == TS_K_TABLE)
            return true;
    return false;
}

void ts_record_write_csv_header(struct ts_buf *b, const struct ts_field *const *cols, int n,
                                bool labels)
{
    bool star = has_table_columns(cols, n);
    if (star)
        ts_buf_putc(b, '*');
    for (int i = 0; i < n; i++)
        csv_cell(b, labels ? cols[i]->label : cols[i]->code, i == 0 && !star, true);
    ts_buf_puts(b, "\r\n");
}

int ts_record_lines(const struct ts_app *app, const struct ts_record *r,
                    const struct ts_field *const *cols, int n)
{
    int lines = 1;
    for (int i = 0; i < n; i++) {
        const struct ts_field *t = cols[i]->table ? cols[i]->table : cols[i];
        if (ts_field_kind(t) == TS_K_TABLE) {
            int rows = r->vals[ts_app_field_index(app, t)].n;
            lines = rows > lines ? rows : lines;
        }
    }
    return lines;
}

const char *ts_record_cell(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                           const struct ts_field *f, int line)
{
    const struct ts_field *t = f->table ? f->table : f;
    if (ts_field_kind(t) != TS_K_TABLE)
        return ts_record_text(cx, app, r, f);
    const struct ts_value *rows = &r->vals[ts_app_field_index(app, t)];
    if (line >= rows->n)
        return "";
    if (!f->table)
        return ts_arena_printf(cx->arena, "%lld", (long long)rows->rows[line].id);
    struct ts_record row = *r;
    row.vals = rows->rows[line].vals;
    return ts_record_text(cx, app, &row, f);
}

/* Several values on separate lines of one cell, as cli-kintone writes them. */
static const char *multi_text(struct ts_ctx *cx, const struct ts_value *v)
{
    struct ts_buf b;
    ts_buf_init(&b);
    for (int k = 0; k < v->n; k++) {
        if (k)
            ts_buf_putc(&b, '\n');
        ts_buf_puts(&b, v->v[k]);
    }
    const char *out = ts_arena_strndup(cx->arena, b.p ? b.p : "", b.len);
    ts_buf_release(&b);
    return out;
}

const char *ts_record_text(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                           const struct ts_field *f)
{
    const struct ts_value *v = &r->vals[ts_app_field_index(app, f)];
    char t[32];
    switch (f->type) {
    case TS_F_RECORD_NUMBER:
        if (*app->code)
            return ts_arena_printf(cx->arena, "%s-%lld", app->code, (long long)r->id);
        return ts_arena_printf(cx->arena, "%lld", (long long)r->id);
    case TS_F___ID__:
        return ts_arena_printf(cx->arena, "%lld", (long long)r->id);
    case TS_F___REVISION__:
        return ts_arena_printf(cx->arena, "%lld", (long long)r->revision);
    case TS_F_CREATOR:
        return r->creator ? r->creator : "";
    case TS_F_MODIFIER:
        return r->modifier ? r->modifier : "";
    case TS_F_STATUS:
        return r->status ? r->status : "";
    case TS_F_STATUS_ASSIGNEE: {
        /* several people on separate lines of one cell, as a user field */
        struct ts_value who = {.n = r->n_assignees, .v = r->assignees};
        return multi_text(cx, &who);
    }
    case TS_F_CREATED_TIME:
    case TS_F_UPDATED_TIME:
        ts_datetime_format(f->type == TS_F_CREATED_TIME ? r->created : r->updated, t);
        return ts_arena_strdup(cx->arena, t);
    case TS_F_DATETIME:
        if (!v->s)
            return "";
        ts_datetime_format(v->epoch, t);
        return ts_arena_strdup(cx->arena, t);
    case TS_F_CALC:
        return ts_formula_calc_text(cx, f, v->s);
    default:
        if (ts_field_kind(f) == TS_K_FILES) {
            struct ts_value file_names = {.n = v->n,
                                          .v = TS_NEW_N(cx->arena, const char *, v->n + 1)};
            for (int k = 0; k < v->n; k++)
                file_names.v[k] = v->files[k].name;
            return multi_text(cx, &file_names);
        }
        if (ts_field_kind(f) == TS_K_MULTI)
            return multi_text(cx, v);
        return v->s ? v->s : "";
    }
}

void ts_record_write_csv(struct ts_ctx *cx, struct ts_buf *b, const struct ts_app *app,
                         const struct ts_record *r, const struct ts_field *const *cols, int n)
{
    bool star = has_table_columns(cols, n);
    int lines = ts_record_lines(app, r, cols, n);
    for (int k = 0; k < lines; k++) {
        if (star)
            ts_buf_puts(b, k == 0 ? "*" : "");
        for (int i = 0; i < n; i++)
            csv_cell(b, ts_record_cell(cx, app, r, cols[i], k), i == 0 && !star,
                     ts_field_kind(cols[i]) != TS_K_NUMBER);
        ts_buf_puts(b, "\r\n");
    }
}

struct hist_writer {
    struct ts_jw *w;
    const struct ts_app *app;
    const char *access; /* field rights: changes to fields the caller may not see are left out */
    int n;
};

static int history_row(struct ts_ctx *cx, const struct ts_history_row *h, void *arg)
{
    struct hist_writer *hw = arg;
    struct ts_jw *w = hw->w;
    char t[21];
    hw->n++;
    ts_jw_obj(w);
    ts_jw_kid(w, "revision", h->revision);
    ts_jw_kstr(w, "action", h->action);
    ts_jw_key(w, "user");
    write_user(cx, w, h->user);
    ts_datetime_format(h->at, t);
    ts_jw_kstr(w, "at", t);
    ts_jw_key(w, "changes");
    ts_jw_arr(w);
    json_t *changes = json_loads(h->changes, 0, NULL);
    const char *fid;
    json_t *pair;
    json_object_foreach (changes, fid, pair) {
        const struct ts_field *f = field_by_fid(hw->app, (int)strtol(fid, NULL, 10));
        if (f && hw->access && ts_field_kind(f) != TS_K_SYS &&
            hw->access[ts_app_field_index(hw->app, f)] == TS_FIELD_NONE)
            continue;
        /* a field deleted since: its rights are gone with it, so only those
         * whom no field right restricts see what it held */
        if (!f && hw->access)
            continue;
        ts_jw_obj(w);
        ts_jw_kstr(w, "code", f ? f->code : NULL); /* null: the field was deleted since */
        ts_jw_kstr(w, "label", f ? f->label : NULL);
        ts_jw_kstr(w, "type", f ? ts_ftypes[f->type].name : NULL);
        for (int k = 0; k < 2; k++) {
            const json_t *v = json_array_get(pair, (size_t)k);
            ts_jw_key(w, k ? "new" : "old");
            if (f && f->type == TS_F_STATUS_ASSIGNEE && json_is_array(v)) {
                /* kept as codes; shown as people, like a user field */
                size_t i;
                const json_t *code;
                ts_jw_arr(w);
                json_array_foreach (v, i, code)
                    write_user(cx, w, json_string_value(code));
                ts_jw_arr_end(w);
            } else {
                ts_jw_json(w, v);
            }
        }
        ts_jw_obj_end(w);
    }
    json_decref(changes);
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

int ts_record_write_history(struct ts_ctx *cx, struct ts_jw *w, const struct ts_app *app,
                            int64_t id)
{
    /* rights decided by the record: as it is now (none of those fields, once it is deleted) */
    const char *access = ts_policy_fields(cx, app);
    if (ts_policy_fields_by_record(app, access)) {
        const struct ts_record *now = ts_store_record_get(cx, app, id);
        access = cx->err.code ? NULL : ts_policy_fields_of(cx, app, access, now);
    }
    struct hist_writer hw = {w, app, access, 0};
    if (cx->err.code)
        return -1;
    ts_jw_key(w, "history");
    ts_jw_arr(w);
    int rc = ts_store_history_each(cx, app->id, id, history_row, &hw);
    ts_jw_arr_end(w);
    return rc < 0 ? -1 : hw.n;
}
