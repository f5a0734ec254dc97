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

/* One value read from the source, kept until its batch is written. */
struct cell {
    enum db_type type;
    bool number;
    int64_t i;
    double d;
    const void *p; /* text (NUL-ended) or blob */
    size_t len;
};

static const void *blob_copy(struct ts_ctx *cx, struct ts_stmt *st, int i, size_t *len)
{
    const void *b = db_col_blob(cx, st, i, len);
    void *copy = ts_arena_alloc(cx->arena, *len ? *len : 1);
    if (*len)
        memcpy(copy, b, *len);
    return copy;
}

/* The INSERT of n rows of cols (arena). */
static const char *insert_sql(struct ts_ctx *cx, const char *table, const char *const *cols,
                              int n_cols, int n_rows)
{
    struct ts_buf b;
    ts_buf_init(&b);
    ts_buf_printf(&b, "INSERT INTO \"%s\"(", table);
    for (int i = 0; i < n_cols; i++)
        ts_buf_printf(&b, "%s\"%s\"", i ? "," : "", cols[i]);
    ts_buf_puts(&b, ") VALUES");
    for (int r = 0; r < n_rows; r++) {
        ts_buf_puts(&b, r ? ",(" : "(");
        for (int i = 0; i < n_cols; i++)
            ts_buf_puts(&b, i ? ",?" : "?");
        ts_buf_putc(&b, ')');
    }
    ts_buf_puts(&b, " ON CONFLICT DO NOTHING");
    const char *sql = ts_arena_strndup(cx->arena, b.p, b.len);
    ts_buf_release(&b);
    return sql;
}

static void bind_cell(struct ts_stmt *put, int k, const struct cell *c)
{
    if (c->number) {
        db_bind_number(put, k, c->p);
        return;
    }
    switch (c->type) {
    case DB_NULL:
        db_bind_null(put, k);
        break;
    case DB_INT:
        db_bind_int(put, k, c->i);
        break;
    case DB_FLOAT:
        db_bind_double(put, k, c->d);
        break;
    case DB_BLOB:
        db_bind_blob(put, k, c->p ? c->p : "", c->len);
        break;
    default:
        db_bind_text(put, k, c->p);
    }
}

/* Write the n rows of cells as one INSERT. */
static int write_rows(struct ts_ctx *dst, const char *table, const char *const *cols, int n_cols,
                      const struct cell *cells, int n_rows)
{
    struct ts_stmt *put = db_prep(dst, insert_sql(dst, table, cols, n_cols, n_rows));
    if (!put)
        return -1;
    for (int k = 0; k < n_rows * n_cols; k++)
        bind_cell(put, k + 1, &cells[k]);
    return db_step_done(dst, put, "copy write");
}

/*
 * Copy every row of table from src into dst, the columns both have; values of
 * the columns in numbers as NUMBER values. Rows go in many to an INSERT (a
 * round trip each on PostgreSQL), read into an arena of their own that is
 * dropped after each batch, so a million rows take no more memory than one batch.
 */
static int copy_table(struct ts_ctx *src, struct ts_ctx *dst, const char *table,
                      const char *const *numbers, int n_numbers)
{
    int n_src, n_dst;
    const char **src_cols = src->db->drv->columns(src, table, &n_src);
    const char **dst_cols = src_cols ? dst->db->drv->columns(dst, table, &n_dst) : NULL;
    if (!dst_cols)
        return -1;
    const char **cols = TS_NEW_N(src->arena, const char *, (size_t)n_src + 1);
    bool *number = TS_NEW_N(src->arena, bool, (size_t)n_src + 1);
    int n = 0;
    struct ts_buf sel;
    ts_buf_init(&sel);
    ts_buf_puts(&sel, "SELECT ");
    for (int i = 0; i < n_src; i++) {
        if (!listed(dst_cols, n_dst, src_cols[i]))
            continue;
        ts_buf_printf(&sel, "%s\"%s\"", n ? "," : "", src_cols[i]);
        number[n] = listed(numbers, n_numbers, src_cols[i]);
        cols[n++] = src_cols[i];
    }
    ts_buf_printf(&sel, " FROM \"%s\"", table);
    struct ts_stmt *st = n ? db_prep(src, sel.p) : NULL;
    ts_buf_release(&sel);
    if (!n)
        return 0;
    if (!st)
        return -1;
    /* both engines take 32,766 parameters a statement at least */
    int per = 30000 / n < 200 ? 30000 / n : 200;
    struct ts_arena *keep_src = src->arena, *keep_dst = dst->arena;
    int rc = 0, rows = 0;
    struct cell *cells = NULL;
    for (;;) {
        if (rows == 0) {
            src->arena = ts_arena_new();
            dst->arena = ts_arena_new();
            cells = TS_NEW_N(src->arena, struct cell, (size_t)per * (size_t)n);
        }
        int step = db_step(st);
        if (step < 0) {
            rc = db_fail(src, "copy read");
        } else if (step == DB_ROW) {
            struct cell *row = &cells[rows * n];
            for (int i = 0; i < n; i++) {
                struct cell *c = &row[i];
                c->number = number[i];
                c->type = db_col_type(st, i);
                if (c->number)
                    c->p = db_col_number(src, st, i);
                else if (c->type == DB_INT)
                    c->i = db_col_int(st, i);
                else if (c->type == DB_FLOAT)
                    c->d = db_col_double(st, i);
                else if (c->type == DB_BLOB) /* SQLite's is valid only until the next step */
                    c->p = blob_copy(src, st, i, &c->len);
                else if (c->type == DB_TEXT)
                    c->p = db_col_text(src, st, i);
            }
            rows++;
        }
        if (rc == 0 && rows && (rows == per || step == DB_DONE))
            rc = write_rows(dst, table, cols, n, cells, rows);
        if (rows == per || step != DB_ROW || rc < 0) {
            ts_arena_free(src->arena);
            ts_arena_free(dst->arena);
            src->arena = keep_src;
            dst->arena = keep_dst;
            rows = 0;
        }
        if (step != DB_ROW || rc < 0)
            break;
    }
    db_done(st);
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

int ts_store_copy_done(struct ts_ctx *src, struct ts_ctx *dst)
{
    int n;
    const struct ts_id_mark *marks = src->db->drv->id_marks(src, &n);
    return marks ? dst->db->drv->after_copy(dst, marks, n) : -1;
}
