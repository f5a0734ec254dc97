/*
 * store/files.c - attachment metadata (KINTONE-API.md §5.2), and the
 * links of lookups that keep their copies up to date.
 *
 * One row per key. POST file.json makes an upload key; a record that takes it
 * gets a download key of its own (a new row for the same bytes), so re-sending
 * a download key on update keeps the file and history can show old versions.
 * The bytes are stored once per content hash, whatever the number of keys.
 */
#include "base/common.h"
#include "files/files.h"
#include "store/sql.h"

int ts_store_file_add(struct ts_ctx *cx, const struct ts_file_row *f)
{
    struct ts_stmt *st = db_prep(cx, "INSERT INTO files(key,hash,name,type,size,created,app_id,"
                                     "attached,owner) VALUES(?,?,?,?,?,?,?,?,?)");
    if (!st)
        return -1;
    db_bind_text(st, 1, f->key);
    db_bind_text(st, 2, f->hash);
    db_bind_text(st, 3, f->name);
    db_bind_text(st, 4, f->type);
    db_bind_int(st, 5, f->size);
    db_bind_int(st, 6, f->created);
    db_bind_int(st, 7, f->app_id);
    db_bind_int(st, 8, f->attached);
    db_bind_text(st, 9, f->attached || !f->owner ? "" : f->owner);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : db_fail(cx, "file add");
}

struct ts_file_row *ts_store_file_get(struct ts_ctx *cx, const char *key)
{
    struct ts_stmt *st =
        db_prep(cx, "SELECT key,hash,name,type,size,created,app_id,attached,rec_id,fid,owner"
                    " FROM files WHERE key=?");
    if (!st)
        return NULL;
    db_bind_text(st, 1, key);
    struct ts_file_row *f = NULL;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        f = TS_NEW(cx->arena, struct ts_file_row);
        f->key = db_col_text(cx, st, 0);
        f->hash = db_col_text(cx, st, 1);
        f->name = db_col_text(cx, st, 2);
        f->type = db_col_text(cx, st, 3);
        f->size = db_col_int(st, 4);
        f->created = db_col_int(st, 5);
        f->app_id = db_col_int(st, 6);
        f->attached = db_col_int(st, 7) != 0;
        f->rec_id = db_col_int(st, 8);
        f->fid = db_col_int(st, 9);
        f->owner = db_col_text(cx, st, 10);
    } else if (rc != DB_DONE) {
        db_fail(cx, "file get");
    }
    db_done(st);
    return f;
}

int64_t ts_store_uploads_waiting(struct ts_ctx *cx, const char *owner)
{
    struct ts_stmt *st =
        db_prep(cx, owner ? "SELECT coalesce(sum(size),0) FROM files"
                            " WHERE attached=0 AND owner=?"
                          : "SELECT coalesce(sum(size),0) FROM files WHERE attached=0");
    if (!st)
        return -1;
    if (owner)
        db_bind_text(st, 1, owner);
    int rc = db_step(st);
    int64_t n = rc == DB_ROW ? db_col_int(st, 0) : -1;
    db_done(st);
    return n >= 0 ? n : db_fail(cx, "uploads waiting");
}

int64_t ts_store_public_uploads_waiting(struct ts_ctx *cx)
{
    struct ts_stmt *st = db_prep(cx, "SELECT coalesce(sum(size),0) FROM files"
                                     " WHERE attached=0 AND owner LIKE '" TS_PUBLIC_UPLOADER "'");
    return st ? db_step_int(cx, st, "public uploads waiting") : -1;
}

int ts_store_file_held(struct ts_ctx *cx, const char *key, int64_t rec_id, int fid)
{
    struct ts_stmt *st =
        db_prep(cx, "UPDATE files SET rec_id=?, fid=? WHERE key=? AND attached=1 AND rec_id=0");
    if (!st)
        return -1;
    db_bind_int(st, 1, rec_id);
    db_bind_int(st, 2, fid);
    db_bind_text(st, 3, key);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : db_fail(cx, "file held");
}

int ts_store_file_delete(struct ts_ctx *cx, const char *key)
{
    struct ts_stmt *st = db_prep(cx, "DELETE FROM files WHERE key=?");
    if (!st)
        return -1;
    db_bind_text(st, 1, key);
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : db_fail(cx, "file delete");
}

int ts_store_files_expire(struct ts_ctx *cx, int64_t before, int64_t public_before, ts_hash_fn *fn,
                          void *arg)
{
    /* the expiring uploads go, then each of their hashes no key uses any more */
    struct ts_stmt *st = db_prep(cx, "DELETE FROM files WHERE attached=0 AND (created<=? OR"
                                     " (owner LIKE '" TS_PUBLIC_UPLOADER "' AND created<=?))"
                                     " RETURNING hash");
    if (!st)
        return -1;
    db_bind_int(st, 1, before);
    db_bind_int(st, 2, public_before);
    int n, rc;
    const char **hashes = db_text_rows(cx, st, &n, "files expire");
    if (!hashes)
        return -1;
    for (int i = 0; i < n; i++) {
        if (!(st = db_prep(cx, "SELECT 1 FROM files WHERE hash=? LIMIT 1")))
            return -1;
        db_bind_text(st, 1, hashes[i]);
        rc = db_step(st);
        db_done(st);
        if (rc < 0)
            return db_fail(cx, "files expire");
        if (rc == DB_DONE) {
            fn(hashes[i], arg);
            /* the same hash twice in the list: its bytes are gone already */
            for (int j = i + 1; j < n; j++)
                if (strcmp(hashes[j], hashes[i]) == 0)
                    hashes[j] = "";
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- lookup links */

int ts_store_lookup_links_set(struct ts_ctx *cx, int64_t app_id, const int64_t *src_apps,
                              const char *const *fields, int n)
{
    struct ts_stmt *st = db_prep(cx, "DELETE FROM lookup_links WHERE app_id=?");
    if (!st)
        return -1;
    db_bind_int(st, 1, app_id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE)
        return db_fail(cx, "lookup links");
    for (int i = 0; i < n; i++) {
        st = db_prep(cx, "INSERT INTO lookup_links(src_app,app_id,field) VALUES(?,?,?)"
                         " ON CONFLICT DO NOTHING");
        if (!st)
            return -1;
        db_bind_int(st, 1, src_apps[i]);
        db_bind_int(st, 2, app_id);
        db_bind_text(st, 3, fields[i]);
        rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE)
            return db_fail(cx, "lookup links");
    }
    return 0;
}

int ts_store_lookup_links_each(struct ts_ctx *cx, int64_t src_app, ts_link_fn *fn, void *arg)
{
    struct ts_stmt *st = db_prep(cx, "SELECT app_id, field FROM lookup_links WHERE src_app=?");
    if (!st)
        return -1;
    db_bind_int(st, 1, src_app);
    /* collected first: fn writes records, which must not happen under this read */
    int n = 0, cap = 8, rc;
    int64_t *apps = TS_NEW_N(cx->arena, int64_t, (size_t)cap);
    const char **fields = TS_NEW_N(cx->arena, const char *, (size_t)cap);
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            int64_t *a = TS_NEW_N(cx->arena, int64_t, (size_t)cap * 2);
            const char **f = TS_NEW_N(cx->arena, const char *, (size_t)cap * 2);
            memcpy(a, apps, sizeof(*a) * (size_t)n);
            memcpy(f, fields, sizeof(*f) * (size_t)n);
            apps = a, fields = f, cap *= 2;
        }
        apps[n] = db_col_int(st, 0);
        fields[n++] = db_col_text(cx, st, 1);
    }
    db_done(st);
    if (rc != DB_DONE)
        return db_fail(cx, "lookup links");
    for (int i = 0; i < n; i++)
        if (fn(cx, apps[i], fields[i], arg) < 0)
            return -1;
    return 0;
}
