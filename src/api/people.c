/*
 * api/people.c - POST /api/people/import?kind=organizations|users: departments
 * or users from a CSV file (text/csv body; UTF-8 or Shift_JIS, detected), the
 * way a city brings in 1,700 accounts. The first row names the columns, in
 * English (the User API's names) or Japanese; a code that exists is updated,
 * a new one added. Departments may name parents anywhere in the file; users'
 * departments and groups are codes separated by line breaks or semicolons.
 * All or nothing: problems come back as CB_VA01 keyed rows[N].<column>.
 */
#include "base/common.h"
#include "api/api.h"
#include "csv/csv.h"
#include "store/store.h"

#include <strings.h>

struct column {
    const char *key;          /* the User API's name */
    const char *const *names; /* headings that mean it */
};

static const char *const C_CODE[] = {"code",       "login",          "ログイン名", "コード",
                                     "部署コード", "グループコード", NULL};
static const char *const C_NAME[] = {"name",   "表示名",     "氏名", "名前",
                                     "部署名", "グループ名", NULL};
static const char *const C_EMAIL[] = {"email", "メールアドレス", "メール", NULL};
static const char *const C_PASSWORD[] = {"password", "パスワード", NULL};
static const char *const C_ORGS[] = {"organizations", "所属部署", "部署", NULL};
static const char *const C_PRIMARY[] = {"primaryOrganization", "優先する部署", "主所属", NULL};
static const char *const C_GROUPS[] = {"groups", "グループ", "ロール", NULL};
static const char *const C_LOCALE[] = {"locale", "言語", NULL};
static const char *const C_TZ[] = {"timezone", "タイムゾーン", NULL};
static const char *const C_VALID[] = {"valid", "有効", NULL};
static const char *const C_ADMIN[] = {"administrator", "システム管理者", "管理者", NULL};
static const char *const C_PARENT[] = {"parentCode", "親部署コード", "親部署", NULL};
static const char *const C_DESC[] = {"description", "説明", "メモ", NULL};

static const struct column USER_COLUMNS[] = {
    {"code", C_CODE},         {"name", C_NAME},           {"email", C_EMAIL},
    {"password", C_PASSWORD}, {"organizations", C_ORGS},  {"primaryOrganization", C_PRIMARY},
    {"groups", C_GROUPS},     {"locale", C_LOCALE},       {"timezone", C_TZ},
    {"valid", C_VALID},       {"administrator", C_ADMIN}, {NULL, NULL},
};
static const struct column ORG_COLUMNS[] = {
    {"code", C_CODE},        {"name", C_NAME}, {"parentCode", C_PARENT},
    {"description", C_DESC}, {NULL, NULL},
};

struct sheet {
    const struct column *columns;
    const char **keys; /* the key of each column of the file, NULL: ignored */
    int n;
    json_t *rows; /* one object per data row, by key */
};

static const char *key_for(const struct column *cols, const char *heading)
{
    for (const struct column *c = cols; c->key; c++)
        for (const char *const *n = c->names; *n; n++)
            if (!strcasecmp(*n, heading))
                return c->key;
    return NULL;
}

static int on_row(void *arg, int64_t row, const char *const *cells, const size_t *lens, int n)
{
    (void)lens;
    struct sheet *s = arg;
    if (row == 1) {
        s->n = n;
        s->keys = ts_xcalloc((size_t)n + 1, sizeof(*s->keys));
        for (int i = 0; i < n; i++)
            s->keys[i] = key_for(s->columns, cells[i]);
        return 0;
    }
    json_t *o = json_object();
    for (int i = 0; i < n && i < s->n; i++)
        if (s->keys[i])
            json_object_set_new(o, s->keys[i], json_string(cells[i]));
    json_array_append_new(s->rows, o);
    return 0;
}

/* "a\nb;c" -> ["a","b","c"] */
static json_t *split_codes(const char *s)
{
    json_t *a = json_array();
    while (s && *s) {
        size_t len = strcspn(s, "\r\n;");
        if (len)
            json_array_append_new(a, json_stringn(s, len));
        s += len;
        s += strspn(s, "\r\n;");
    }
    return a;
}

static bool yes(const char *s)
{
    return s && (!strcasecmp(s, "1") || !strcasecmp(s, "true") || !strcmp(s, "はい") ||
                 !strcmp(s, "有効") || !strcmp(s, "○"));
}

/* A row as the User API's entry: empty cells leave a setting as it is;
 * memberships and the parent department are set in a second pass. */
static json_t *entry(const json_t *row, bool users)
{
    json_t *e = json_object();
    const char *k;
    json_t *v;
    json_object_foreach ((json_t *)row, k, v) {
        const char *s = json_string_value(v);
        if (!*s || !strcmp(k, "organizations") || !strcmp(k, "groups") ||
            !strcmp(k, "primaryOrganization") || !strcmp(k, "parentCode"))
            continue;
        if (users && (!strcmp(k, "valid") || !strcmp(k, "administrator")))
            json_object_set_new(e, k, json_boolean(yes(s)));
        else
            json_object_set(e, k, v);
    }
    return e;
}

/* Write one row's entry through fn (its problems keyed rows[row]); false when
 * the database failed and the import must stop. */
static bool write_one(struct ts_ctx *cx, json_t *e, size_t row,
                      int (*fn)(struct ts_ctx *, const json_t *, size_t, bool), bool add)
{
    json_t *one = json_array();
    json_array_append_new(one, e);
    int rc = fn(cx, one, row, add);
    json_decref(one);
    return rc == 0 || cx->err.code == TS_E_INVALID_INPUT;
}

static int user_fn(struct ts_ctx *cx, const json_t *one, size_t row, bool add)
{
    return ts_users_write(cx, one, add, "rows", row);
}
static int org_fn(struct ts_ctx *cx, const json_t *one, size_t row, bool add)
{
    return ts_entities_write(cx, one, TS_ORG, add, "rows", row);
}
static int user_orgs_fn(struct ts_ctx *cx, const json_t *one, size_t row, bool add)
{
    (void)add;
    return ts_memberships_write(cx, one, TS_ORG, "rows", row);
}
static int user_groups_fn(struct ts_ctx *cx, const json_t *one, size_t row, bool add)
{
    (void)add;
    return ts_memberships_write(cx, one, TS_GROUP, "rows", row);
}

/* Every row written (pass 1), then what refers to other rows (pass 2: parent
 * departments, users' departments and groups). */
static bool load(struct ts_ctx *cx, const json_t *rows, bool users, int64_t *added,
                 int64_t *updated)
{
    size_t i;
    const json_t *row;
    json_array_foreach (rows, i, row) {
        const char *code = json_string_value(json_object_get(row, "code"));
        bool exists = code && *code &&
                      (users ? ts_store_user_by_code(cx, code) != NULL
                             : ts_store_entity_get(cx, TS_ORG, code) != NULL);
        if (!write_one(cx, entry(row, users), i + 2, users ? user_fn : org_fn, !exists))
            return false;
        ++*(exists ? updated : added);
    }
    json_array_foreach (rows, i, row) {
        const char *code = json_string_value(json_object_get(row, "code"));
        const char *parent = json_string_value(json_object_get(row, "parentCode"));
        const char *orgs = json_string_value(json_object_get(row, "organizations"));
        const char *groups = json_string_value(json_object_get(row, "groups"));
        const char *primary = json_string_value(json_object_get(row, "primaryOrganization"));
        if (!code || !*code || cx->err.code)
            continue; /* rows already wrong are reported as such */
        if (!users && parent &&
            !write_one(cx,
                       json_pack("{s:s, s:o}", "code", code, "parentCode",
                                 *parent ? json_string(parent) : json_null()),
                       i + 2, org_fn, false))
            return false;
        if (users && orgs &&
            !write_one(cx,
                       json_pack("{s:s, s:o, s:s}", "code", code, "organizations",
                                 split_codes(orgs), "primaryOrganization", primary ? primary : ""),
                       i + 2, user_orgs_fn, false))
            return false;
        if (users && groups &&
            !write_one(cx, json_pack("{s:s, s:o}", "code", code, "groups", split_codes(groups)),
                       i + 2, user_groups_fn, false))
            return false;
    }
    return true;
}

int ts_api_people_import(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    if (ts_policy_require_admin(cx) < 0)
        return -1;
    const char *kind = ts_param_str(rq->params, "kind");
    bool users = kind && !strcmp(kind, "users");
    if (!users && !(kind && !strcmp(kind, "organizations"))) {
        ts_fail_field(cx, "kind", TS_M_NOT_ENUM);
        return -1;
    }
    enum ts_csv_enc enc = TS_CSV_AUTO;
    const char *enc_text = ts_param_str(rq->params, "encoding");
    if (enc_text && ts_csv_encoding_parse(enc_text, &enc) < 0) {
        ts_fail_field(cx, "encoding", TS_M_NOT_ENUM);
        return -1;
    }
    struct sheet s = {.columns = users ? USER_COLUMNS : ORG_COLUMNS, .rows = json_array()};
    struct ts_csv *c = ts_csv_new(enc, on_row, &s);
    int rc = rq->raw ? ts_csv_feed(c, rq->raw, rq->raw_len) : 0;
    if (rc == 0)
        rc = ts_csv_finish(c);
    ts_csv_free(c);
    bool has_code = false;
    for (int i = 0; i < s.n; i++)
        has_code |= s.keys[i] && !strcmp(s.keys[i], "code");
    free(s.keys);
    int64_t added = 0, updated = 0;
    if (rc < 0 || !has_code)
        ts_fail_field(cx, "file", rc < 0 ? TS_M_CSV_UNREADABLE : TS_M_CSV_NO_HEADER);
    else
        load(cx, s.rows, users, &added, &updated);
    json_decref(s.rows);
    if (cx->err.code)
        return -1;
    ts_jw_obj(w);
    ts_jw_key(w, "added");
    ts_jw_i64_str(w, added);
    ts_jw_key(w, "updated");
    ts_jw_i64_str(w, updated);
    ts_jw_obj_end(w);
    return 0;
}
