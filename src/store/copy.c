/*
 * store/copy.c - copying an installation from one database to another
 * (tsumiki migrate): every row of the installation's own tables, then each
 * app's record tables, with their ids, on either backend in either direction.
 */
#include "base/common.h"
#include "store/sql.h"

#include <ctype.h>

/* A record table: r<app>, r<app>_m or r<app>_t<fid> (not a search or ordered index). */
static bool is_record_table(const char *name)
{
    if (name[0] != 'r' || !isdigit((unsigned char)name[1]))
        return false;
    const char *p = name + 1;
    while (isdigit((unsigned char)*p))
        p++;
    if (!*p || !strcmp(p, "_m"))
        return true;
    if (strncmp(p, "_t", 2) || !isdigit((unsigned char)p[2]))
        return false;
    for (p += 2; isdigit((unsigned char)*p); p++)
        ;
    return !*p;
}

static bool listed(const char *const *list, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(list[i], s))
            return true;
    return false;
}

/* Copy every row of table from src into dst, the columns both have; values of
 * the columns in numbers (NULL-ended) as NUMBER values. */
static int copy_table(struct ts_ctx *src, struct ts_ctx *dst, const char *table,
                      const char *const *numbers, int n_numbers)
{
    int n_src, n_dst;
    const char **src_cols = src->db->drv->columns(src, table, &n_src);
    const char **dst_cols = src_cols ? dst->db->drv->columns(dst, table, &n_dst) : NULL;
    if (!dst_cols)
        return -1;
    struct ts_buf sel, ins, vals;
    ts_buf_init(&sel);
    ts_buf_init(&ins);
    ts_buf_init(&vals);
    ts_buf_puts(&sel, "SELECT ");
    ts_buf_printf(&ins, "INSERT INTO \"%s\"(", table);
    const char **cols = TS_NEW_N(src->arena, const char *, (size_t)n_src + 1);
    int n = 0;
    for (int i = 0; i < n_src; i++) {
        if (!listed(dst_cols, n_dst, src_cols[i]))
            continue;
        const char *sep = n ? "," : "";
        ts_buf_printf(&sel, "%s\"%s\"", sep, src_cols[i]);
        ts_buf_printf(&ins, "%s\"%s\"", sep, src_cols[i]);
        ts_buf_printf(&vals, "%s?", sep);
        cols[n++] = src_cols[i];
    }
    ts_buf_printf(&sel, " FROM \"%s\"", table);
    ts_buf_printf(&ins, ") VALUES(%s) ON CONFLICT DO NOTHING", vals.p ? vals.p : "");
    int rc = 0;
    struct ts_stmt *st = n ? db_prep(src, sel.p) : NULL;
    if (n && !st)
        rc = -1;
    while (st && rc == 0) {
        int step = db_step(st);
        if (step < 0) {
            rc = db_fail(src, "copy read");
            break;
        }
        if (step == DB_DONE)
            break;
        struct ts_stmt *put = db_prep(dst, ins.p);
        if (!put) {
            rc = -1;
            break;
        }
        for (int i = 0; i < n; i++) {
            if (listed(numbers, n_numbers, cols[i])) {
                db_bind_number(put, i + 1, db_col_number(src, st, i));
                continue;
            }
            size_t len;
            const void *blob;
            switch (db_col_type(st, i)) {
            case DB_NULL:
                db_bind_null(put, i + 1);
                break;
            case DB_INT:
                db_bind_int(put, i + 1, db_col_int(st, i));
                break;
            case DB_FLOAT:
                db_bind_double(put, i + 1, db_col_double(st, i));
                break;
            case DB_BLOB:
                blob = db_col_blob(src, st, i, &len);
                db_bind_blob(put, i + 1, blob ? blob : "", len);
                break;
            default:
                db_bind_text(put, i + 1, db_col_text(src, st, i));
            }
        }
        rc = db_step_done(dst, put, "copy write");
    }
    db_done(st);
    ts_buf_release(&sel);
    ts_buf_release(&ins);
    ts_buf_release(&vals);
    return rc;
}

int ts_store_is_empty(struct ts_ctx *cx)
{
    struct ts_stmt *st =
        db_prep(cx, "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM apps)");
    if (!st)
        return -1;
    int64_t n = db_step_int(cx, st, "empty");
    return n < 0 ? -1 : n == 0;
}

int ts_store_copy_system(struct ts_ctx *src, struct ts_ctx *dst)
{
    int n;
    const char **tables = src->db->drv->names(src, false, "", &n);
    if (!tables)
        return -1;
    for (int i = 0; i < n; i++) {
        const char *t = tables[i];
        if ((t[0] == 'r' && isdigit((unsigned char)t[1])) || !strncmp(t, "sqlite_", 7))
            continue; /* record tables, their indexes' tables, SQLite's own */
        if (copy_table(src, dst, tables[i], NULL, 0) < 0)
            return -1;
    }
    return 0;
}

int ts_store_copy_records(struct ts_ctx *src, struct ts_ctx *dst, const struct ts_app *app)
{
    const char **numbers = TS_NEW_N(src->arena, const char *, (size_t)app->n_fields + 1);
    int n_numbers = 0;
    for (int i = 0; i < app->n_fields; i++)
        if (ts_field_kind(&app->fields[i]) == TS_K_NUMBER)
            numbers[n_numbers++] = app->fields[i].column;
    char prefix[48];
    snprintf(prefix, sizeof(prefix), "r%lld", (long long)app->id);
    int n;
    const char **tables = src->db->drv->names(src, false, prefix, &n);
    if (!tables)
        return -1;
    for (int i = 0; i < n; i++) {
        const char *rest = tables[i] + strlen(prefix);
        if (isdigit((unsigned char)*rest) || !is_record_table(tables[i]))
            continue; /* another app's (r12 for r1), or an index's */
        if (copy_table(src, dst, tables[i], numbers, n_numbers) < 0)
            return -1;
    }
    return 0;
}

int ts_store_copy_done(struct ts_ctx *dst)
{
    return dst->db->drv->after_copy ? dst->db->drv->after_copy(dst) : 0;
}
