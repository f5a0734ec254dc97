/*
 * api/import.c - POST /api/import: a CSV file (the body, Content-Type text/csv)
 * into an app, our extension for the browser's import page. Parameters in the
 * query string: app, encoding (auto|utf-8|sjis), columns[] (the field code of
 * each column, "" to leave it out; default: matched by code, then label),
 * updateKey, skipBad, preview (read the header and 10 rows, write nothing).
 * Bad rows are CB_VA01 with one error per problem, keyed rows[N].column.
 *
 * POST /api/import/profile: what each column of a file holds, for a new app
 * made from it (no app needed; nothing is written).
 *
 * Either takes, instead of the body, `fileKey`: a file the caller uploaded
 * with file.json and no record took, so a file read for its profile and then
 * imported crosses the network once.
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "csv/import.h"
#include "csv/profile.h"
#include "base/str.h"
#include "files/files.h"
#include "policy/policy.h"
#include "store/store.h"

#include <unistd.h>

static const char *enc_name(enum ts_csv_enc enc)
{
    return enc == TS_CSV_CP932 ? "Shift_JIS" : "UTF-8";
}

static void write_result(struct ts_jw *w, const struct ts_import *im)
{
    ts_jw_obj(w);
    ts_jw_kstr(w, "encoding", enc_name(im->detected));
    ts_jw_key(w, "columns");
    ts_jw_arr(w);
    for (int i = 0; i < im->n_columns; i++) {
        ts_jw_obj(w);
        ts_jw_kstr(w, "name", im->heads[i]);
        ts_jw_kstr(w, "field", im->mapped[i]);
        ts_jw_obj_end(w);
    }
    ts_jw_arr_end(w);
    ts_jw_kid(w, "rows", im->rows);
    ts_jw_kid(w, "added", im->added);
    ts_jw_kid(w, "updated", im->updated);
    ts_jw_kid(w, "skipped", im->skipped);
    ts_jw_key(w, "problems");
    ts_jw_arr(w);
    for (int i = 0; i < im->n_problems; i++) {
        ts_jw_obj(w);
        ts_jw_kid(w, "row", im->problems[i].row);
        ts_jw_kstr(w, "column", im->problems[i].column);
        ts_jw_kstr(w, "reason", im->problems[i].reason);
        ts_jw_obj_end(w);
    }
    ts_jw_arr_end(w);
    ts_jw_kbool(w, "truncated", im->problems_truncated);
    ts_jw_key(w, "sample");
    ts_jw_arr(w);
    for (int r = 0; r < im->n_sample; r++) {
        ts_jw_arr(w);
        for (int i = 0; i < im->n_columns; i++)
            ts_jw_str(w, im->sample[r][i]);
        ts_jw_arr_end(w);
    }
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
}

/* The CSV: the body, or the caller's own pending upload named by fileKey. */
static int csv_source(struct ts_ctx *cx, struct ts_api_req *rq, const char **data, size_t *len)
{
    const char *key = ts_param_str(rq->params, "fileKey");
    if (!key) {
        if (!rq->raw) {
            ts_fail_field(cx, "file", TS_M_REQUIRED_PARAM);
            return -1;
        }
        *data = rq->raw;
        *len = rq->raw_len;
        return 0;
    }
    struct ts_file_row *f = ts_store_file_get(cx, key);
    if (!f && cx->err.code)
        return -1;
    /* someone else's upload, or one a record holds, is as if it did not exist */
    if (!f || f->attached || !ts_str_eq(f->owner, ts_policy_caller_key(cx)))
        return ts_fail_arg(cx, TS_E_FILE_NOT_FOUND, key);
    if (f->size > TS_BODY_BIG)
        return ts_fail(cx, TS_E_BODY_TOO_LARGE, "import of %lld bytes", (long long)f->size);
    int fd = ts_files_open(f->hash);
    if (fd < 0)
        return ts_fail(cx, TS_E_INTERNAL, "upload %s unreadable", key);
    char *buf = ts_arena_alloc(cx->arena, (size_t)f->size + 1);
    size_t got = 0;
    while (got < (size_t)f->size) {
        ssize_t n = read(fd, buf + got, (size_t)f->size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got != (size_t)f->size)
        return ts_fail(cx, TS_E_INTERNAL, "upload %s cut short", key);
    *data = buf;
    *len = got;
    return 0;
}

/* The encoding parameter: auto (default), utf-8 or sjis. */
static int encoding_param(struct ts_ctx *cx, const json_t *params, enum ts_csv_enc *out)
{
    const char *enc = ts_param_str(params, "encoding");
    *out = TS_CSV_AUTO;
    if (enc && ts_csv_encoding_parse(enc, out) < 0) {
        ts_fail_field(cx, "encoding", TS_M_NOT_ENUM);
        return -1;
    }
    return 0;
}

int ts_api_import(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t app_id;
    if (ts_policy_require_person(cx) < 0 || ts_param_id(cx, rq->params, "app", &app_id) < 0 ||
        ts_policy_require_app(cx, app_id, TS_PERM_IMPORT | TS_PERM_ADD) < 0)
        return -1;
    struct ts_import im = {.enc = TS_CSV_AUTO};
    if (encoding_param(cx, rq->params, &im.enc) < 0)
        return -1;
    const json_t *cols = json_object_get(rq->params, "columns");
    if (cols) {
        if (!json_is_array(cols) || json_array_size(cols) > 1000) {
            ts_fail_field(cx, "columns", TS_M_NOT_ARRAY);
            return -1;
        }
        const char **codes = TS_NEW_N(cx->arena, const char *, json_array_size(cols) + 1);
        size_t i;
        const json_t *v;
        json_array_foreach (cols, i, v)
            codes[i] = json_is_string(v) ? json_string_value(v) : "";
        im.columns = codes;
        im.n_mapped = (int)json_array_size(cols);
    }
    const char *key = ts_param_str(rq->params, "updateKey");
    im.update_key = key && *key ? key : NULL;
    if (im.update_key && ts_policy_require_app(cx, app_id, TS_PERM_EDIT) < 0)
        return -1; /* updating records is editing them */
    im.skip_bad = ts_param_bool(rq->params, "skipBad");
    im.preview = ts_param_bool(rq->params, "preview") ? 10 : 0;
    const char *data;
    size_t len;
    if (csv_source(cx, rq, &data, &len) < 0)
        return -1;
    const struct ts_app *app = ts_app_get(cx, app_id);
    if (!app)
        return -1;
    int rc = ts_import_csv(cx, app, data, len, &im);
    if (rc < 0)
        return -1;
    if (rc == 1 && !im.preview) {
        for (int i = 0; i < im.n_problems; i++) {
            const struct ts_import_problem *p = &im.problems[i];
            const char *k =
                *p->column
                    ? ts_arena_printf(cx->arena, "rows[%lld].%s", (long long)p->row, p->column)
                    : ts_arena_printf(cx->arena, "rows[%lld]", (long long)p->row);
            ts_fail_field(cx, k, TS_M_AS_IS, p->reason);
        }
        return -1;
    }
    write_result(w, &im);
    return 0;
}

int ts_api_import_profile(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    enum ts_csv_enc enc;
    if (ts_policy_require_person(cx) < 0 || encoding_param(cx, rq->params, &enc) < 0)
        return -1;
    const char *data;
    size_t len;
    if (csv_source(cx, rq, &data, &len) < 0)
        return -1;
    struct ts_csv_profile p;
    if (ts_csv_profile(data, len, enc, &p) < 0) {
        static const enum ts_msg why[] = {[TS_CSV_FINE] = TS_M_CSV_NO_HEADER,
                                          [TS_CSV_NOT_UTF8] = TS_M_CSV_NOT_UTF8,
                                          [TS_CSV_NOT_SJIS] = TS_M_CSV_NOT_SJIS,
                                          [TS_CSV_CUT] = TS_M_CSV_CUT,
                                          [TS_CSV_BROKEN] = TS_M_CSV_UNREADABLE};
        ts_fail_field(cx, "file", TS_M_CSV_AT_ROW, (long long)p.error_row,
                      ts_msg_format(why[p.error], cx->lang));
        ts_csv_profile_free(&p);
        return -1;
    }
    ts_jw_obj(w);
    ts_jw_kstr(w, "encoding", enc_name(p.enc));
    ts_jw_kid(w, "rows", p.rows);
    ts_jw_key(w, "columns");
    ts_jw_arr(w);
    for (int i = 0; i < p.n_cols; i++) {
        const struct ts_csv_column *c = &p.cols[i];
        bool filled = c->filled > 0;
        ts_jw_obj(w);
        ts_jw_kstr(w, "name", c->name);
        ts_jw_kid(w, "filled", c->filled);
        ts_jw_kbool(w, "numbers", filled && c->numbers);
        ts_jw_kbool(w, "dates", filled && c->dates);
        ts_jw_kbool(w, "links", filled && c->links);
        ts_jw_kbool(w, "emails", filled && c->emails);
        /* several values in more than one cell, and in a tenth of them: not a memo's lines */
        ts_jw_kbool(w, "joined", c->joined >= 2 && c->joined * 10 >= c->filled);
        ts_jw_key(w, "choices"); /* a cell's several values, when few: check box options */
        if (c->many_parts) {
            ts_jw_null(w);
        } else {
            ts_jw_arr(w);
            for (int k = 0; k < c->n_parts; k++)
                ts_jw_str(w, c->parts[k]);
            ts_jw_arr_end(w);
        }
        ts_jw_kbool(w, "multiline", c->multiline);
        ts_jw_kid(w, "maxLength", (int64_t)c->max_len);
        ts_jw_key(w, "values"); /* null: more than TS_PROFILE_DISTINCT different values */
        if (c->many) {
            ts_jw_null(w);
        } else {
            ts_jw_arr(w);
            for (int k = 0; k < c->n_distinct; k++)
                ts_jw_str(w, c->distinct[k]);
            ts_jw_arr_end(w);
        }
        ts_jw_obj_end(w);
    }
    ts_jw_arr_end(w);
    ts_jw_key(w, "sample");
    ts_jw_arr(w);
    for (int r = 0; r < p.n_sample; r++) {
        ts_jw_arr(w);
        for (int i = 0; i < p.n_cols; i++)
            ts_jw_str(w, p.sample[r][i]);
        ts_jw_arr_end(w);
    }
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    ts_csv_profile_free(&p);
    return 0;
}
