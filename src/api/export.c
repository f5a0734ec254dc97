/*
 * api/export.c - GET /api/export.csv: the records a query selects (a view with
 * its filter and sort), as cli-kintone writes them, in UTF-8 or Shift_JIS.
 * Parameters: app, query, fields[] (default: every field in form order),
 * encoding (utf-8 | sjis). Records stream from the database into a temporary
 * file, which is then sent from disk: a million records take no more memory
 * than one.
 */
#include "base/common.h"
#include "api/api.h"
#include "csv/csv.h"
#include "query/query.h"
#include "record/record.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <xlsxwriter.h>
#include <unistd.h>

struct out {
    struct ts_arena *request; /* the request's arena; rows after the first get their own */
    FILE *f;
    iconv_t cd; /* (iconv_t)-1: UTF-8 as it is */
    const struct ts_app *app;
    const struct ts_field **cols;
    int n;
    struct ts_buf line;
    bool failed;
    lxw_worksheet *sheet; /* xlsx: rows go here instead of f */
    lxw_row_t row;
    const char *by_record; /* field rights decided record by record, else NULL */
};

/* r with the fields the caller may not see in it left empty. */
static const struct ts_record *as_seen(struct ts_ctx *cx, const struct out *o,
                                       const struct ts_record *r)
{
    const char *mine = ts_policy_fields_of(cx, o->app, o->by_record, r);
    if (!mine)
        return NULL;
    struct ts_record *copy = TS_NEW(cx->arena, struct ts_record);
    *copy = *r;
    copy->vals = TS_NEW_N(cx->arena, struct ts_value, (size_t)o->app->n_fields);
    for (int i = 0; i < o->app->n_fields; i++)
        if (mine[i] != TS_FIELD_NONE)
            copy->vals[i] = r->vals[i];
    return copy;
}

#define XLSX_MAX_ROWS 1048576 /* Excel's limit, the header included */

/* A line into the file, in Shift_JIS when asked: characters Shift_JIS does
 * not have (emoji, some kanji variants) become "?". */
static void put(struct out *o)
{
    if (o->cd == (iconv_t)-1) {
        o->failed |= fwrite(o->line.p, 1, o->line.len, o->f) != o->line.len;
        return;
    }
    char buf[8192];
    char *in = o->line.p;
    size_t left = o->line.len;
    while (left > 0) {
        char *p = buf;
        size_t room = sizeof(buf);
        size_t r = iconv(o->cd, &in, &left, &p, &room);
        int why = r == (size_t)-1 ? errno : 0;
        o->failed |= fwrite(buf, 1, (size_t)(p - buf), o->f) != (size_t)(p - buf);
        if (why == EILSEQ || why == EINVAL) {
            fputc('?', o->f);
            size_t skip = 1; /* the whole UTF-8 character */
            while (skip < left && ((unsigned char)in[skip] & 0xC0) == 0x80)
                skip++;
            in += skip;
            left -= skip;
        }
    }
}

static int write_row(struct ts_ctx *cx, const struct ts_record *r, void *arg)
{
    struct out *o = arg;
    if (o->by_record && !(r = as_seen(cx, o, r)))
        return -1;
    if (o->sheet) {
        /* a sheet row per table row, as the CSV */
        int lines = ts_record_lines(o->app, r, o->cols, o->n);
        for (int k = 0; k < lines; k++) {
            if (++o->row >= XLSX_MAX_ROWS)
                return ts_fail(cx, TS_E_INVALID_INPUT, "more rows than Excel holds");
            for (int i = 0; i < o->n; i++) {
                const char *s = ts_record_cell(cx, o->app, r, o->cols[i], k);
                if (!*s)
                    continue;
                lxw_error e = o->cols[i]->type == TS_F_NUMBER
                                  ? worksheet_write_number(o->sheet, o->row, (lxw_col_t)i,
                                                           strtod(s, NULL), NULL)
                                  : worksheet_write_string(o->sheet, o->row, (lxw_col_t)i, s, NULL);
                o->failed |= e != LXW_NO_ERROR;
            }
        }
    } else {
        ts_buf_reset(&o->line);
        ts_record_write_csv(cx, &o->line, o->app, r, o->cols, o->n);
        put(o);
    }
    /* the next row gets a fresh arena and this one is freed */
    if (cx->arena != o->request)
        ts_arena_free(cx->arena);
    cx->arena = ts_arena_new();
    return o->failed ? -1 : 0;
}

/* Every selected record through write_row. Each row is read into cx->arena,
 * so rows after the first get an arena of their own: the export's memory stays
 * one row's, however many records it writes. */
static int select_rows(struct ts_ctx *cx, const struct ts_qplan *plan, struct out *o)
{
    o->request = cx->arena;
    int rc = ts_store_records_select(cx, o->app, plan, NULL, write_row, o);
    if (cx->arena != o->request) {
        ts_arena_free(cx->arena);
        cx->arena = o->request;
    }
    return rc;
}

/* The fields to export, in order: fields[] as given, or every field of the form. */
static const struct ts_field **columns(struct ts_ctx *cx, const struct ts_app *app,
                                       const json_t *fields, int *n)
{
    const struct ts_field **cols = TS_NEW_N(cx->arena, const struct ts_field *,
                                            (size_t)app->n_fields + json_array_size(fields) + 1);
    *n = 0;
    if (fields) {
        size_t i;
        const json_t *v;
        json_array_foreach (fields, i, v) {
            const struct ts_field *f =
                json_is_string(v) ? ts_app_field(app, json_string_value(v)) : NULL;
            if (!f) {
                ts_fail_field(cx, ts_arena_printf(cx->arena, "fields[%zu]", i), TS_M_FIELD_UNKNOWN,
                              json_is_string(v) ? json_string_value(v) : "");
                return NULL;
            }
            cols[(*n)++] = f;
        }
        return cols;
    }
    for (int i = 0; i < app->n_fields; i++) {
        const struct ts_field *f = &app->fields[i];
        enum ts_fkind k = ts_field_kind(f);
        if (k == TS_K_NONE || (k == TS_K_SYS && ts_field_has(f, TS_FF_HIDDEN)))
            continue;
        cols[(*n)++] = f;
    }
    return cols;
}

/* The workbook is built in a temporary file (libxlsxwriter wants a name), then
 * opened, unlinked, and sent from its descriptor. */
static int export_xlsx(struct ts_ctx *cx, struct ts_api_req *rq, const struct ts_qplan *plan,
                       struct out *o)
{
    char path[] = "/tmp/tsumiki-export-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return ts_fail(cx, TS_E_INTERNAL, "export: mkstemp: %s", strerror(errno));
    close(fd);
    static char tmpdir[] = "/tmp";
    lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = tmpdir};
    lxw_workbook *book = workbook_new_opt(path, &opts);
    if (!book) {
        unlink(path);
        return ts_fail(cx, TS_E_INTERNAL, "export: cannot start the workbook");
    }
    o->sheet = workbook_add_worksheet(book, NULL);
    lxw_format *bold = workbook_add_format(book);
    format_set_bold(bold);
    for (int i = 0; i < o->n; i++)
        worksheet_write_string(o->sheet, 0, (lxw_col_t)i, o->cols[i]->label, bold);
    int rc = select_rows(cx, plan, o);
    lxw_error closed = workbook_close(book);
    if (rc == 0 && (o->failed || closed != LXW_NO_ERROR))
        rc = ts_fail(cx, TS_E_INTERNAL, "export: writing the workbook failed");
    if (rc == 0 && (rq->body_fd = open(path, O_RDONLY)) < 0)
        rc = ts_fail(cx, TS_E_INTERNAL, "export: %s", strerror(errno));
    unlink(path);
    if (rc < 0)
        return -1;
    rq->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    rq->content_disposition =
        ts_arena_printf(cx->arena, "attachment; filename=\"app%lld.xlsx\"", (long long)o->app->id);
    return 0;
}

static int export(struct ts_ctx *cx, struct ts_api_req *rq, bool xlsx)
{
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_VIEW | TS_PERM_EXPORT);
    if (!app)
        return -1;
    const char *enc_text = ts_param_str(rq->params, "encoding");
    enum ts_csv_enc enc = TS_CSV_UTF8;
    if (enc_text && (ts_csv_encoding_parse(enc_text, &enc) < 0 || enc == TS_CSV_AUTO)) {
        ts_fail_field(cx, "encoding", TS_M_NOT_ENUM);
        return -1;
    }
    bool sjis = enc == TS_CSV_CP932;
    const json_t *fields = json_object_get(rq->params, "fields");
    if (fields && !json_is_array(fields)) {
        ts_fail_field(cx, "fields", TS_M_NOT_ARRAY);
        return -1;
    }
    struct ts_qplan plan;
    if (ts_api_query_viewable(cx, app, ts_param_str(rq->params, "query"), &plan) < 0)
        return -1;
    if (!plan.limit_given)
        plan.has_limit = false; /* every record, not records.json's first 100 */
    struct out o = {.app = app, .cd = (iconv_t)-1};
    if (!(o.cols = columns(cx, app, fields, &o.n)))
        return -1;
    const char *access = ts_policy_fields(cx, app); /* columns the caller may not see go */
    int kept = 0;
    for (int i = 0; access && i < o.n; i++)
        if (access[ts_app_field_index(app, o.cols[i])] != TS_FIELD_NONE)
            o.cols[kept++] = o.cols[i];
    if (access)
        o.n = kept;
    if (ts_policy_fields_by_record(app, access))
        o.by_record = access;
    if (xlsx)
        return export_xlsx(cx, rq, &plan, &o);
    if (!(o.f = tmpfile()))
        return ts_fail(cx, TS_E_INTERNAL, "export: tmpfile: %s", strerror(errno));
    if (sjis && (o.cd = iconv_open("CP932", "UTF-8")) == (iconv_t)-1) {
        fclose(o.f);
        return ts_fail(cx, TS_E_INTERNAL, "export: no CP932 conversion");
    }
    ts_buf_init(&o.line);
    ts_record_write_csv_header(&o.line, o.cols, o.n);
    put(&o);
    int rc = select_rows(cx, &plan, &o);
    ts_buf_release(&o.line);
    if (o.cd != (iconv_t)-1)
        iconv_close(o.cd);
    if (rc == 0 && (o.failed || fflush(o.f) != 0))
        rc = ts_fail(cx, TS_E_INTERNAL, "export: writing the file failed");
    if (rc == 0) {
        rq->body_fd = dup(fileno(o.f));
        if (rq->body_fd < 0)
            rc = ts_fail(cx, TS_E_INTERNAL, "export: dup: %s", strerror(errno));
        else
            lseek(rq->body_fd, 0, SEEK_SET);
    }
    fclose(o.f);
    if (rc < 0)
        return -1;
    rq->content_type = sjis ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8";
    rq->content_disposition =
        ts_arena_printf(cx->arena, "attachment; filename=\"app%lld.csv\"", (long long)app->id);
    return 0;
}

int ts_api_export_csv(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    (void)w;
    return export(cx, rq, false);
}

int ts_api_export_xlsx(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    (void)w;
    return export(cx, rq, true);
}
