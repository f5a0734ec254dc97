/*
 * api/files.c - file.json (KINTONE-API.md §5.2): upload one file, download an
 * attachment by its download key.
 *
 * The upload's bytes were streamed to a temporary file by http/ while they
 * arrived; here, once the caller is known, they are moved into the data
 * folder and given an upload key, which a record turns into a download key.
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "auth/auth.h"
#include "policy/policy.h"
#include "files/files.h"
#include "store/store.h"

#include <ctype.h>
#include <errno.h>

int ts_api_file_upload(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    if (!rq->upload) {
        ts_fail_field(cx, "file", TS_M_REQUIRED_PARAM);
        return -1;
    }
    struct ts_upload *u = rq->upload;
    rq->upload_taken = true;
    struct ts_file_row f = {
        .name = *rq->upload_name ? rq->upload_name : "file",
        .type = rq->upload_type,
        .created = cx->now,
        .owner = ts_policy_caller_key(cx),
    };
    char hash[65], key[33];
    int64_t room;
    if (ts_api_upload_room(cx, &room) < 0)
        return -1;
    int64_t size = ts_upload_size(u);
    if (size > room) { /* other uploads of theirs finished meanwhile */
        ts_upload_abort(u);
        return ts_fail(cx, TS_E_UPLOAD_QUOTA, "upload of %lld, room for %lld", (long long)size,
                       (long long)room);
    }
    if (ts_upload_finish(u, hash, &f.size) < 0)
        return errno == ENOSPC ? ts_fail(cx, TS_E_STORAGE_FULL, "upload: disk full")
                               : ts_fail(cx, TS_E_INTERNAL, "cannot store an upload");
    ts_files_new_key(key);
    f.key = key;
    f.hash = hash;
    if (ts_store_file_add(cx, &f) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kstr(w, "fileKey", key);
    ts_jw_obj_end(w);
    return 0;
}

int ts_api_upload_room(struct ts_ctx *cx, int64_t *room)
{
    /* someone outside (a public form's page) shares a small room with everyone outside */
    bool outside = cx->caller.kind == TS_CALLER_NOBODY || cx->caller.kind == TS_CALLER_FORM;
    int64_t mine = outside ? ts_store_public_uploads_waiting(cx)
                           : ts_store_uploads_waiting(cx, ts_policy_caller_key(cx));
    int64_t all = mine < 0 ? -1 : ts_store_uploads_waiting(cx, NULL);
    if (all < 0)
        return -1;
    int64_t left_mine = outside ? TS_PUBLIC_UPLOADS_ALL - mine : TS_UPLOAD_QUOTA_EACH - mine;
    int64_t left_all = TS_UPLOAD_QUOTA_ALL - all;
    if (outside && left_mine > TS_PUBLIC_UPLOAD_MAX)
        left_mine = TS_PUBLIC_UPLOAD_MAX;
    *room = left_mine < left_all ? left_mine : left_all;
    return 0;
}

/* A Content-Type fit for a header: type/subtype with parameters, no line breaks. */
static const char *safe_type(const char *t)
{
    if (!t || !*t || !strchr(t, '/'))
        return "application/octet-stream";
    for (const char *p = t; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            return "application/octet-stream";
    return t;
}

/* attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded (RFC 6266),
 * so Japanese names arrive whole in every browser. */
const char *ts_api_disposition(struct ts_ctx *cx, const char *name)
{
    struct ts_buf b;
    ts_buf_init(&b);
    ts_buf_puts(&b, "attachment; filename=\"");
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        ts_buf_putc(&b, c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ? '_' : (char)c);
    }
    ts_buf_puts(&b, "\"; filename*=UTF-8''");
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) || strchr("-._~", c))
            ts_buf_putc(&b, (char)c);
        else
            ts_buf_printf(&b, "%%%02X", c);
    }
    const char *out = ts_arena_strndup(cx->arena, b.p, b.len);
    ts_buf_release(&b);
    return out;
}

/* May the caller see the record and field that hold attachment f? Files taken
 * before the holder was kept (rec_id 0) follow the app's rights alone. */
static int may_see_holder(struct ts_ctx *cx, const struct ts_file_row *f)
{
    const struct ts_app *app = ts_app_get(cx, f->app_id);
    if (app && f->rec_id <= 0 && cx->caller.kind == TS_CALLER_VIEW) /* its record unknown */
        return ts_fail(cx, TS_E_RECORD_NOT_FOUND, "file of no noted record");
    if (!app || f->rec_id <= 0)
        return app ? 0 : -1;
    if (ts_api_record_allowed(cx, app, f->rec_id, TS_RR_VIEW) < 0)
        return -1;
    const char *access = ts_policy_fields(cx, app);
    if (ts_policy_fields_by_record(app, access))
        access = ts_policy_fields_of(cx, app, access, ts_store_record_get(cx, app, f->rec_id));
    if (cx->err.code)
        return -1;
    for (int i = 0; access && i < app->n_fields; i++)
        if (app->fields[i].fid == f->fid && access[i] == TS_FIELD_NONE)
            return ts_fail(cx, TS_E_NO_PERMISSION, "field access rights");
    return 0;
}

/* The attachment a download key names, if the caller may see it where it is
 * kept: the app, the record and the field. */
static struct ts_file_row *attachment(struct ts_ctx *cx, struct ts_api_req *rq)
{
    const char *key = ts_param_str(rq->params, "fileKey");
    if (!key || !*key) {
        ts_fail_field(cx, "fileKey", TS_M_REQUIRED_PARAM);
        return NULL;
    }
    struct ts_file_row *f = ts_store_file_get(cx, key);
    if (!f || !f->attached) {
        if (!cx->err.code)
            ts_fail_arg(cx, TS_E_FILE_NOT_FOUND, key);
        return NULL;
    }
    if (ts_policy_require_app(cx, f->app_id, TS_PERM_VIEW) < 0 || may_see_holder(cx, f) < 0) {
        if (cx->err.code == TS_E_RECORD_NOT_FOUND) { /* its record is gone, to this caller */
            ts_err_clear(cx);
            ts_fail_arg(cx, TS_E_FILE_NOT_FOUND, key);
        }
        return NULL;
    }
    return f;
}

int ts_api_file_download(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    (void)w;
    struct ts_file_row *f = attachment(cx, rq);
    if (!f)
        return -1;
    const char *key = f->key;
    int fd = ts_files_open(f->hash);
    if (fd < 0)
        return ts_fail(cx, TS_E_INTERNAL, "file %s: bytes %s missing", key, f->hash);
    rq->body_fd = fd;
    rq->content_type = safe_type(f->type);
    rq->content_disposition = ts_api_disposition(cx, f->name);
    return 0;
}

/* GET /api/thumbnail?fileKey=&size=: a picture attachment made small for
 * lists and forms (the field's thumbnailSize: 50, 150, 250 or 500). */
int ts_api_thumbnail(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    (void)w;
    int64_t size;
    if (ts_param_int(cx, rq->params, "size", 150, 1, &size) < 0)
        return -1;
    if (size != 50 && size != 150 && size != 250 && size != 500) {
        ts_fail_field(cx, "size", TS_M_NOT_ENUM);
        return -1;
    }
    struct ts_file_row *f = attachment(cx, rq);
    if (!f)
        return -1;
    const char *type;
    int fd = ts_files_thumbnail(f->hash, (int)size, &type);
    if (fd < 0)
        return ts_fail_arg(cx, TS_E_FILE_NOT_FOUND, f->key); /* not a picture it can read */
    rq->body_fd = fd;
    rq->content_type = type;
    return 0;
}
