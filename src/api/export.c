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
#include "query/query.h"
#include "record/record.h"
#include "store/store.h"

#include <errno.h>
#include <iconv.h>
#include <unistd.h>

struct out {
    FILE *f;
    iconv_t cd; /* (iconv_t)-1: UTF-8 as it is */
    const struct ts_app *app;
    const struct ts_field **cols;
    int n;
    struct ts_buf line;
    bool failed;
};

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
    ts_buf_reset(&o->line);
    ts_record_write_csv(cx, &o->line, o->app, r, o->cols, o->n);
    put(o);
    return o->failed ? -1 : 0;
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

int ts_api_export(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    (void)w;
    const struct ts_app *app = ts_api_app_param(cx, rq->params, TS_PERM_VIEW);
    if (!app)
        return -1;
    const char *enc = ts_param_str(rq->params, "encoding");
    bool sjis = enc && !strcmp(enc, "sjis");
    if (enc && !sjis && strcmp(enc, "utf-8")) {
        ts_fail_field(cx, "encoding", TS_M_NOT_ENUM);
        return -1;
    }
    const json_t *fields = json_object_get(rq->params, "fields");
    if (fields && !json_is_array(fields)) {
        ts_fail_field(cx, "fields", TS_M_NOT_ARRAY);
        return -1;
    }
    struct ts_qplan plan;
    struct ts_query_env env = ts_api_query_env(cx);
    if (ts_query_plan(cx, app, ts_param_str(rq->params, "query"), TS_QUERY_FULL, &env, &plan) < 0)
        return -1;
    struct out o = {.app = app, .cd = (iconv_t)-1};
    if (!(o.cols = columns(cx, app, fields, &o.n)))
        return -1;
    if (!(o.f = tmpfile()))
        return ts_fail(cx, TS_E_INTERNAL, "export: tmpfile: %s", strerror(errno));
    if (sjis && (o.cd = iconv_open("CP932", "UTF-8")) == (iconv_t)-1) {
        fclose(o.f);
        return ts_fail(cx, TS_E_INTERNAL, "export: no CP932 conversion");
    }
    ts_buf_init(&o.line);
    ts_record_write_csv_header(&o.line, o.cols, o.n);
    put(&o);
    int rc = ts_store_records_select(cx, app, &plan, NULL, write_row, &o);
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
