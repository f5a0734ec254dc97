/*
 * csv/import.c - CSV rows into records through record/'s rules.
 *
 * Each row is built as the kintone JSON the API would receive and written with
 * ts_record_add / ts_record_update inside a savepoint, so a bad row leaves
 * nothing behind. Row work uses an arena of its own, freed after the row: a
 * million rows take no more memory than one.
 */
#include "base/common.h"
#include "csv/import.h"
#include "base/str.h"
#include "policy/policy.h"
#include "events/events.h"
#include "record/record.h"
#include "store/store.h"

#include <errno.h>
#include <stdarg.h>

struct run {
    struct ts_ctx *cx;
    const struct ts_app *app;
    struct ts_import *im;
    struct ts_arena *keep;        /* the caller's arena: results live here */
    const struct ts_field **cols; /* the field of each column, NULL if ignored */
    const char *access;           /* the caller's field rights (NULL: every field) */
    const char **heads;
    int n_cols;
    int key_col;
    int problems_cap;
    int fatal; /* a database failure: stop */
    /* cli-kintone's format (a first column "*"): a record spans its "*" line
     * and the lines after it, one per table row */
    bool star;
    json_t *pending; /* the record being gathered, from line pending_row */
    int64_t pending_row;
};

static bool writable(const struct ts_field *f)
{
    enum ts_fkind k = ts_field_kind(f);
    return k != TS_K_SYS && k != TS_K_NONE;
}

static const struct ts_field *field_named(const struct ts_app *app, const char *name)
{
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < app->n_fields; i++) {
            const struct ts_field *f = &app->fields[i];
            if (writable(f) && !strcmp(pass ? f->label : f->code, name))
                return f;
        }
    return NULL;
}

/* A message in the caller's language (arena). */
static const char *msg(struct ts_ctx *cx, enum ts_msg m, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, m);
    vsnprintf(text, sizeof(text), ts_msg_format(m, cx->lang), ap);
    va_end(ap);
    return ts_arena_strdup(cx->arena, text);
}

static const char *csv_reason(struct ts_ctx *cx, const struct ts_csv *c)
{
    switch (ts_csv_error_kind(c)) {
    case TS_CSV_NOT_UTF8:
        return msg(cx, TS_M_CSV_NOT_UTF8);
    case TS_CSV_NOT_SJIS:
        return msg(cx, TS_M_CSV_NOT_SJIS);
    case TS_CSV_CUT:
        return msg(cx, TS_M_CSV_CUT);
    default:
        return msg(cx, TS_M_CSV_UNREADABLE);
    }
}

static void problem(struct run *r, int64_t row, const char *column, const char *reason)
{
    struct ts_import *im = r->im;
    if (im->n_problems == TS_IMPORT_MAX_PROBLEMS) {
        im->problems_truncated = true;
        return;
    }
    if (im->n_problems == r->problems_cap) {
        r->problems_cap = r->problems_cap ? r->problems_cap * 4 : 16;
        struct ts_import_problem *grown =
            TS_NEW_N(r->keep, struct ts_import_problem, (size_t)r->problems_cap);
        if (im->n_problems)
            memcpy(grown, im->problems, sizeof(*grown) * (size_t)im->n_problems);
        im->problems = grown;
    }
    im->problems[im->n_problems++] = (struct ts_import_problem){
        row, ts_arena_strdup(r->keep, column), ts_arena_strdup(r->keep, reason)};
}

static int header(struct run *r, const char *const *cells, int n)
{
    struct ts_import *im = r->im;
    r->n_cols = n;
    r->cols = TS_NEW_N(r->keep, const struct ts_field *, (size_t)n);
    r->heads = TS_NEW_N(r->keep, const char *, (size_t)n);
    r->key_col = -1;
    im->n_columns = n;
    im->heads = r->heads;
    im->mapped = TS_NEW_N(r->keep, const char *, (size_t)n);
    r->star = n > 0 && !strcmp(cells[0], "*");
    for (int i = 0; i < n; i++) {
        r->heads[i] = ts_arena_strdup(r->keep, cells[i]);
        const struct ts_field *f = NULL;
        if (r->star && i == 0)
            ; /* the record marker */
        else if (!im->columns)
            f = field_named(r->app, cells[i]);
        else if (i < im->n_mapped && *im->columns[i])
            f = ts_app_field(r->app, im->columns[i]);
        int level = f && r->access ? r->access[ts_app_field_index(r->app, f)] : TS_FIELD_WRITE;
        if (f && (!writable(f) || (level != TS_FIELD_WRITE && level != TS_FIELD_BY_RECORD)))
            f = NULL; /* nor fields the caller may not change */
        for (int j = 0; f && j < i; j++)
            if (r->cols[j] == f)
                f = NULL; /* a field named twice: the first column wins */
        r->cols[i] = f;
        im->mapped[i] = f ? f->code : NULL;
        if (!f && im->n_ignored < (int)TS_ARRAY_LEN(im->ignored))
            im->ignored[im->n_ignored++] = r->heads[i];
        else if (!f)
            im->n_ignored++;
        if (f && im->update_key && !strcmp(f->code, im->update_key))
            r->key_col = i;
    }
    if (im->update_key && r->key_col < 0) {
        problem(r, 1, im->update_key, msg(r->cx, TS_M_CSV_NO_KEY, im->update_key));
        return 1;
    }
    return 0;
}

/* Bytes up to the next "," or "、". */
static size_t part_len(const char *p)
{
    const char *comma = strchr(p, ','), *ten = strstr(p, "、");
    const char *end = comma && (!ten || comma < ten) ? comma : ten;
    return end ? (size_t)(end - p) : strlen(p);
}

/* A cell as the API's value: several values one per line, users by code.
 * Attachments cannot come from a cell (cli-kintone uploads them itself). */
static json_t *cell_value(const struct ts_field *f, const char *s)
{
    if (f->type == TS_F_FILE)
        return NULL;
    if (*s == '\'' && ts_str_formula_like(s) && ts_field_kind(f) != TS_K_NUMBER)
        s++; /* as exported: the ' kept a spreadsheet from running it */
    if (ts_field_kind(f) != TS_K_MULTI)
        return json_string(s);
    bool entities = f->type == TS_F_USER_SELECT || f->type == TS_F_ORGANIZATION_SELECT ||
                    f->type == TS_F_GROUP_SELECT;
    /* one per line (cli-kintone's); a spreadsheet's "a, b" or "a、b" for choices */
    bool commas = !entities && !strpbrk(s, "\r\n") && !ts_field_has_option(f, s) &&
                  (strchr(s, ',') || strstr(s, "、"));
    json_t *arr = json_array();
    for (const char *p = s; *p;) {
        size_t len = commas ? part_len(p) : strcspn(p, "\r\n");
        size_t start = commas ? strspn(p, " ") : 0, end = len;
        while (commas && end > start && p[end - 1] == ' ')
            end--;
        if (end > start) {
            json_t *v = json_stringn(p + start, end - start);
            json_array_append_new(arr, entities ? json_pack("{s:o}", "code", v) : v);
        }
        p += len;
        p += commas ? (*p == ',' ? 1 : !strncmp(p, "、", 3) ? 3 : 0) : strspn(p, "\r\n");
    }
    return arr;
}

/* What went wrong with a row, column by column, from cx->err. */
static void report(struct run *r, int64_t row)
{
    struct ts_ctx *cx = r->cx;
    bool any = false;
    for (struct ts_field_err *e = cx->err.fields; e; e = e->next) {
        const char *column = "";
        /* "record.<code>.value" or "record[<code>].value" -> that field's column */
        const char *code = e->key;
        if (!strncmp(code, "record.", 7) || !strncmp(code, "record[", 7))
            code += 7;
        size_t len = strcspn(code, ".]");
        for (int i = 0; i < r->n_cols; i++)
            if (r->cols[i] && strlen(r->cols[i]->code) == len &&
                !strncmp(r->cols[i]->code, code, len))
                column = r->heads[i];
        problem(r, row, column, e->message);
        any = true;
    }
    if (!any)
        problem(r, row, "",
                cx->err.message ? cx->err.message : ts_err_default_message(cx->err.code, cx->lang));
}

static bool is_fatal(enum ts_err_code code)
{
    return code == TS_E_INTERNAL || code == TS_E_DB_LOCKED;
}

/* The record a line starts: its own fields, and an empty list for each table
 * it has columns of (the rows follow). */
static json_t *record_of(struct run *r, const char *const *cells, int n)
{
    json_t *rec = json_object();
    for (int i = 0; i < n && i < r->n_cols; i++) {
        const struct ts_field *f = r->cols[i];
        if (!f)
            continue;
        const struct ts_field *t = f->table ? f->table : ts_field_kind(f) == TS_K_TABLE ? f : NULL;
        json_t *v = t ? NULL : cell_value(f, cells[i]);
        if (t && !json_object_get(rec, t->code))
            json_object_set_new(rec, t->code, json_pack("{s:[]}", "value"));
        if (v)
            json_object_set_new(rec, f->code, json_pack("{s:o}", "value", v));
    }
    return rec;
}

/* A line's table cells as one row of each table it has cells of. */
static void add_rows(struct run *r, json_t *rec, const char *const *cells, int n)
{
    json_t *made = json_object(); /* table code -> this line's row */
    for (int i = 0; i < n && i < r->n_cols; i++) {
        const struct ts_field *f = r->cols[i];
        json_t *v = f && f->table && *cells[i] ? cell_value(f, cells[i]) : NULL;
        if (!v)
            continue;
        json_t *row = json_object_get(made, f->table->code);
        if (!row) {
            row = json_pack("{s:{}}", "value");
            json_array_append_new(json_object_get(json_object_get(rec, f->table->code), "value"),
                                  row);
            json_object_set(made, f->table->code, row);
        }
        json_object_set_new(json_object_get(row, "value"), f->code, json_pack("{s:o}", "value", v));
    }
    json_decref(made);
}

/* Where a column's field right depends on the record: may the caller write
 * it in record `in` (the record before an update, or as added)? */
static int may_write_columns(struct run *r, int64_t id)
{
    struct ts_ctx *cx = r->cx;
    const struct ts_record *in = ts_store_record_get(cx, r->app, id);
    const char *mine = ts_policy_fields_of(cx, r->app, r->access, in);
    if (!mine)
        return -1;
    for (int i = 0; i < r->n_cols; i++) {
        const struct ts_field *f = r->cols[i];
        if (f && mine[ts_app_field_index(r->app, f)] != TS_FIELD_WRITE)
            return ts_fail_arg(cx, TS_E_FIELD_NO_PERMISSION, f->code);
    }
    return 0;
}

/* Write one gathered record (added, or updated by the key), in a savepoint
 * when bad records are skipped. */
static int write_record(struct run *r, json_t *rec)
{
    struct ts_ctx *cx = r->cx;
    int64_t id = 0, rev = 0;
    /* All or nothing rolls the whole file back after a bad row: only skipping
     * bad rows needs each row undone on its own. */
    bool savepoint = r->im->skip_bad;
    if (savepoint && ts_db_savepoint(cx, "import_row") < 0)
        return -1;
    int rc = 0;
    if (r->key_col >= 0) {
        const char *code = r->cols[r->key_col]->code;
        const char *value = json_string_value(json_object_get(json_object_get(rec, code), "value"));
        json_t *key = json_pack("{s:s,s:s}", "field", code, "value", value ? value : "");
        id = ts_record_find_key(cx, r->app, key, "record");
        json_decref(key);
        rc = id < 0 ? -1 : 0;
    }
    bool update = rc == 0 && id > 0;
    bool by_record = ts_policy_fields_by_record(r->app, r->access);
    if (update) {
        int may = ts_policy_may(cx, r->app, id, TS_RR_EDIT);
        rc = may < 0 ? -1 : may ? 0 : ts_fail(cx, TS_E_NO_PERMISSION, "record access rights");
        if (rc == 0 && by_record)
            rc = may_write_columns(r, id);
    }
    if (rc == 0)
        rc = update ? ts_record_update(cx, r->app, id, -1, rec, "record", &rev)
                    : ts_record_add(cx, r->app, rec, "record", &id);
    if (rc == 0 && !update && by_record)
        rc = may_write_columns(r, id); /* as added: its people fields decide */
    if (rc == 0) {
        if (savepoint && ts_db_release(cx, "import_row") < 0)
            return -1;
        r->im->updated += update;
        return 0;
    }
    if (savepoint && (!cx->err.code || !is_fatal(cx->err.code)))
        ts_db_rollback_to(cx, "import_row");
    return -1;
}

/* Write the gathered record, in an arena of its own; its problems are
 * reported against the line it started on. Returns 1 to stop (the database
 * failed), else 0. */
static int flush(struct run *r)
{
    struct ts_ctx *cx = r->cx;
    struct ts_import *im = r->im;
    json_t *rec = r->pending;
    int64_t row = r->pending_row;
    if (!rec)
        return 0;
    r->pending = NULL;
    im->rows++;
    struct ts_arena *row_arena = ts_arena_new();
    cx->arena = row_arena;
    cx->user_names = NULL;
    int rc = cx->err.code ? -1 : write_record(r, rec); /* a row of the wrong length */
    json_decref(rec);
    cx->arena = r->keep;
    cx->user_names = NULL;
    if (rc < 0) {
        if (cx->err.code && is_fatal(cx->err.code)) {
            char detail[sizeof(cx->err.detail)];
            enum ts_err_code code = cx->err.code;
            snprintf(detail, sizeof(detail), "%s", cx->err.detail);
            ts_arena_free(row_arena);
            ts_err_clear(cx);
            ts_fail(cx, code, "row %lld: %s", (long long)row, detail);
            r->fatal = 1;
            return 1;
        }
        report(r, row); /* copies the messages out of the row's arena */
        ts_err_clear(cx);
        im->skipped++;
    }
    ts_arena_free(row_arena);
    if (im->progress && im->rows % 1000 == 0)
        im->progress(im->progress_arg, im->rows);
    return 0;
}

static int on_row(void *arg, int64_t row, const char *const *cells, const size_t *lens, int n)
{
    (void)lens;
    struct run *r = arg;
    struct ts_ctx *cx = r->cx;
    struct ts_import *im = r->im;
    if (row == 1)
        return header(r, cells, n);
    if (im->preview) {
        if (!im->sample)
            im->sample = TS_NEW_N(r->keep, const char **, (size_t)im->preview);
        const char **copy = TS_NEW_N(r->keep, const char *, (size_t)r->n_cols);
        for (int i = 0; i < r->n_cols; i++)
            copy[i] = ts_arena_strdup(r->keep, i < n ? cells[i] : "");
        im->sample[im->n_sample++] = copy;
        return im->n_sample == im->preview;
    }
    bool more_rows = r->star && r->pending && n > 0 && strcmp(cells[0], "*") != 0;
    if (!more_rows) {
        if (flush(r))
            return 1;
        r->pending = record_of(r, cells, n);
        r->pending_row = row;
    }
    add_rows(r, r->pending, cells, n);
    if (n != r->n_cols && !cx->err.code)
        ts_fail_field(cx, "row", TS_M_CSV_CELLS, n, r->n_cols);
    return 0;
}

/* Feeding the reader, by the caller's means; what follows is shared. */
typedef int feed_fn(struct ts_csv *c, void *src);

static int import(struct ts_ctx *cx, const struct ts_app *app, struct ts_import *im, feed_fn *feed,
                  void *src)
{
    struct run r = {.cx = cx, .app = app, .im = im, .keep = cx->arena};
    r.access = ts_policy_fields(cx, app);
    if (cx->err.code)
        return -1;
    struct ts_csv *c = ts_csv_new(im->enc, on_row, &r);
    bool was_quiet = cx->quiet;
    cx->quiet = true;
    int rc = feed(c, src);
    if (rc == 0)
        rc = ts_csv_finish(c);
    if (rc == 0 && !r.fatal)
        flush(&r); /* the last record */
    cx->quiet = was_quiet;
    json_decref(r.pending);
    im->detected = ts_csv_encoding(c);
    if (rc < 0)
        problem(&r, ts_csv_error_row(c), "", csv_reason(cx, c));
    ts_csv_free(c);
    if (r.fatal)
        return -1;
    if (!r.n_cols) {
        problem(&r, 1, "", msg(cx, TS_M_CSV_NO_HEADER));
        return 1;
    }
    if (rc < 0 || (rc == 1 && !im->preview))
        return 1; /* unreadable bytes, or the header lacks the key */
    im->added = im->rows - im->skipped - im->updated;
    if (im->skipped && !im->skip_bad)
        return 1;
    if (!im->preview && !cx->quiet &&
        ts_events_publish(cx, &(struct ts_event){.kind = TS_EV_IMPORTED,
                                                 .app = app,
                                                 .count = im->added + im->updated}) < 0)
        return -1;
    return 0;
}

static int feed_file(struct ts_csv *c, void *src)
{
    char buf[65536];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(buf, 1, sizeof(buf), src)) > 0)
        rc = ts_csv_feed(c, buf, n);
    return rc;
}

int ts_import_csv_file(struct ts_ctx *cx, const struct ts_app *app, const char *path,
                       struct ts_import *im)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ts_fail(cx, TS_E_INVALID_INPUT, "cannot open %s: %s", path, strerror(errno));
    int rc = import(cx, app, im, feed_file, f);
    fclose(f);
    return rc;
}

struct bytes {
    const char *p;
    size_t len;
};

static int feed_bytes(struct ts_csv *c, void *src)
{
    const struct bytes *b = src;
    return ts_csv_feed(c, b->p, b->len);
}

int ts_import_csv(struct ts_ctx *cx, const struct ts_app *app, const void *bytes, size_t len,
                  struct ts_import *im)
{
    struct bytes b = {bytes, len};
    return import(cx, app, im, feed_bytes, &b);
}
