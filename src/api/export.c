/*
 * api/export.c - GET /api/export.csv: the records a query selects (a view with
 * its filter and sort), as cli-kintone writes them, in UTF-8 or Shift_JIS.
 * Parameters: app, query, fields[] (default: every field in form order),
 * encoding (utf-8 | sjis), header (code, the default, as cli-kintone | label).
 * Records stream from the database into a temporary file, which is then sent
 * from disk: a million records take no more memory than one. The file is named
 * after the app. A workbook has real dates, times and numbers, rich text as
 * its words, and people by name.
 */
#include "base/common.h"
#include "api/api.h"
#include "base/str.h"
#include "base/tstime.h"
#include "csv/csv.h"
#include "query/query.h"
#include "record/record.h"
#include "store/store.h"

#include <ctype.h>
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
    lxw_format *date, *time, *datetime;
    const char *tz;             /* the caller's, for date-times in the workbook */
    struct name_of *names[256]; /* xlsx: people's names by login, in the request's arena */
    const char *by_record;      /* field rights decided record by record, else NULL */
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

struct name_of {
    const char *code, *name;
    struct name_of *next;
};

/* A person's name (their login when there is no such person), looked up once
 * per export. */
static const char *person(struct ts_ctx *cx, struct out *o, const char *code)
{
    uint32_t h = 2166136261u;
    for (const char *p = code; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    struct name_of **slot = &o->names[h % TS_ARRAY_LEN(o->names)];
    for (struct name_of *n = *slot; n; n = n->next)
        if (!strcmp(n->code, code))
            return n->name;
    struct ts_user *u = ts_store_user_by_code(cx, code);
    ts_err_clear(cx); /* a name not found is shown as the login */
    struct name_of *n = TS_NEW(o->request, struct name_of);
    n->code = ts_arena_strdup(o->request, code);
    n->name = ts_arena_strdup(o->request, u && u->name && *u->name ? u->name : code);
    n->next = *slot;
    *slot = n;
    return n->name;
}

static bool is_person_field(const struct ts_field *f)
{
    return f->type == TS_F_USER_SELECT || f->type == TS_F_CREATOR || f->type == TS_F_MODIFIER ||
           f->type == TS_F_STATUS_ASSIGNEE;
}

/* One cell of the workbook, typed as Excel would type it. */
static lxw_error put_cell(struct ts_ctx *cx, struct out *o, lxw_col_t col, const struct ts_field *f,
                          const char *s)
{
    lxw_worksheet *ws = o->sheet;
    lxw_datetime d = {0};
    switch (f->type) {
    case TS_F_NUMBER:
        return worksheet_write_number(ws, o->row, col, strtod(s, NULL), NULL);
    case TS_F_DATE:
        if (sscanf(s, "%d-%d-%d", &d.year, &d.month, &d.day) == 3)
            return worksheet_write_datetime(ws, o->row, col, &d, o->date);
        break;
    case TS_F_TIME:
        if (sscanf(s, "%d:%d", &d.hour, &d.min) == 2)
            return worksheet_write_datetime(ws, o->row, col, &d, o->time);
        break;
    case TS_F_DATETIME:
    case TS_F_CREATED_TIME:
    case TS_F_UPDATED_TIME: {
        int64_t epoch;
        if (ts_datetime_parse(s, &epoch) < 0)
            break;
        struct tm tm;
        ts_tz_local(o->tz, epoch, &tm);
        d = (lxw_datetime){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, 0};
        return worksheet_write_datetime(ws, o->row, col, &d, o->datetime);
    }
    case TS_F_RICH_TEXT:
        s = ts_html_text(cx, s);
        break;
    default:
        if (is_person_field(f)) { /* several people on separate lines, by name */
            struct ts_buf b;
            ts_buf_init(&b);
            char *list = ts_arena_strdup(cx->arena, s), *save = NULL;
            for (char *c = strtok_r(list, "\n", &save); c; c = strtok_r(NULL, "\n", &save))
                ts_buf_printf(&b, "%s%s", b.len ? "\n" : "", person(cx, o, c));
            s = ts_arena_strndup(cx->arena, b.p ? b.p : "", b.len);
            ts_buf_release(&b);
        }
    }
    return worksheet_write_string(ws, o->row, col, s, NULL);
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
                if (*s)
                    o->failed |= put_cell(cx, o, (lxw_col_t)i, o->cols[i], s) != LXW_NO_ERROR;
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

/* The file named after the app (RFC 6266: an ASCII name for old clients, the
 * app's own name in UTF-8 for the others). */
static const char *download_name(struct ts_ctx *cx, const struct ts_app *app, const char *ext)
{
    struct ts_buf b;
    ts_buf_init(&b);
    ts_buf_printf(&b, "attachment; filename=\"app%lld.%s\"; filename*=UTF-8''", (long long)app->id,
                  ext);
    for (const unsigned char *p = (const unsigned char *)app->name; p && *p; p++)
        if (isalnum(*p) || strchr("-._~", *p))
            ts_buf_putc(&b, (char)*p);
        else
            ts_buf_printf(&b, "%%%02X", *p);
    ts_buf_printf(&b, ".%s", ext);
    const char *out = ts_arena_strndup(cx->arena, b.p, b.len);
    ts_buf_release(&b);
    return out;
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
    format_set_num_format(o->date = workbook_add_format(book), "yyyy-mm-dd");
    format_set_num_format(o->time = workbook_add_format(book), "hh:mm");
    format_set_num_format(o->datetime = workbook_add_format(book), "yyyy-mm-dd hh:mm");
    o->tz = cx->user && cx->user->tz ? cx->user->tz : "Asia/Tokyo";
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
    rq->content_disposition = download_name(cx, o->app, "xlsx");
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
    ts_record_write_csv_header(&o.line, o.cols, o.n,
                               ts_str_eq(ts_param_str(rq->params, "header"), "label"));
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
    rq->content_disposition = download_name(cx, app, "csv");
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
