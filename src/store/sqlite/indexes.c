/*
 * store/sqlite/indexes.c - the indexes of a record table beyond the primary key:
 * those saved views need, and the FTS5 trigram index that serves `like`.
 *
 * Views get indexes when they are deployed, not every field on every app: an
 * index costs every write, and most fields are never filtered on. A filter on a
 * field no view uses costs one table scan.
 *
 * Text fields that `like` may search (SINGLE_LINE_TEXT, MULTI_LINE_TEXT,
 * RICH_TEXT, LINK) are mirrored in r<app>_fts, an external-content FTS5 table
 * with the trigram tokenizer, kept in step by triggers. kintone's `like` finds
 * words in the middle of Japanese sentences; a trigram index does that for any
 * text of 3 characters or more (DESIGN §1).
 */
#include "base/common.h"
#include "store/sqlite/sqlite_int.h"
#include "base/buf.h"

static bool is_fts_field(const struct ts_field *f)
{
    return f->type == TS_F_SINGLE_LINE_TEXT || f->type == TS_F_MULTI_LINE_TEXT ||
           f->type == TS_F_RICH_TEXT || f->type == TS_F_LINK;
}

bool ts_store__has_fts(const struct ts_app *app)
{
    for (int i = 0; i < app->n_fields; i++)
        if (is_fts_field(&app->fields[i]))
            return true;
    return false;
}

/* "f3,f7,f9": the FTS columns of an app, in field order. */
static void fts_columns(const struct ts_app *app, struct ts_buf *b, const char *prefix)
{
    bool first = true;
    for (int i = 0; i < app->n_fields; i++) {
        if (!is_fts_field(&app->fields[i]))
            continue;
        ts_buf_printf(b, "%s%s%s", first ? "" : ",", prefix, app->fields[i].column);
        first = false;
    }
}

static bool same_fts(const struct ts_app *a, const struct ts_app *b)
{
    struct ts_buf x, y;
    ts_buf_init(&x);
    ts_buf_init(&y);
    fts_columns(a, &x, "");
    fts_columns(b, &y, "");
    bool same = x.len == y.len && (x.len == 0 || memcmp(x.p, y.p, x.len) == 0);
    ts_buf_release(&x);
    ts_buf_release(&y);
    return same;
}

/* Before columns change: drop the FTS table and its triggers (they name the
 * columns) when the set of text fields changes. */
int ts_store__fts_drop(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to)
{
    if (!from || same_fts(from, to))
        return 0;
    long long a = (long long)to->id;
    char sql[256];
    static const char *const drops[] = {"DROP TRIGGER IF EXISTS r%lld_fts_i",
                                        "DROP TRIGGER IF EXISTS r%lld_fts_d",
                                        "DROP TRIGGER IF EXISTS r%lld_fts_u",
                                        "DROP TABLE IF EXISTS r%lld_fts"};
    for (size_t i = 0; i < TS_ARRAY_LEN(drops); i++) {
        snprintf(sql, sizeof(sql), drops[i], a);
        if (db_exec(cx, sql) < 0)
            return -1;
    }
    return 0;
}

/* After columns change: create the FTS table, its triggers and its contents. */
int ts_store__fts_create(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to)
{
    if ((from && same_fts(from, to)) || !ts_store__has_fts(to))
        return 0;
    long long a = (long long)to->id;
    struct ts_buf cols, news, olds, b;
    ts_buf_init(&cols);
    ts_buf_init(&news);
    ts_buf_init(&olds);
    ts_buf_init(&b);
    fts_columns(to, &cols, "");
    fts_columns(to, &news, "new.");
    fts_columns(to, &olds, "old.");
    const char *t = ts_arena_printf(cx->arena, "r%lld", a), *c = cols.p;
    ts_buf_printf(&b, "CREATE VIRTUAL TABLE %s_fts USING fts5(%s, content='%s',"
                      " content_rowid='id', tokenize='trigram');", t, c, t);
    ts_buf_printf(&b, "CREATE TRIGGER %s_fts_i AFTER INSERT ON %s BEGIN"
                      " INSERT INTO %s_fts(rowid,%s) VALUES(new.id,%s); END;", t, t, t, c, news.p);
    ts_buf_printf(&b, "CREATE TRIGGER %s_fts_d AFTER DELETE ON %s BEGIN"
                      " INSERT INTO %s_fts(%s_fts,rowid,%s) VALUES('delete',old.id,%s); END;",
                  t, t, t, t, c, olds.p);
    ts_buf_printf(&b, "CREATE TRIGGER %s_fts_u AFTER UPDATE OF %s ON %s BEGIN"
                      " INSERT INTO %s_fts(%s_fts,rowid,%s) VALUES('delete',old.id,%s);"
                      " INSERT INTO %s_fts(rowid,%s) VALUES(new.id,%s); END;",
                  t, c, t, t, t, c, olds.p, t, c, news.p);
    ts_buf_printf(&b, "INSERT INTO %s_fts(%s_fts) VALUES('rebuild');", t, t);
    int rc = db_exec(cx, b.p);
    ts_buf_release(&cols);
    ts_buf_release(&news);
    ts_buf_release(&olds);
    ts_buf_release(&b);
    return rc;
}

static void index_name(const struct ts_app *app, const struct ts_index_spec *s, struct ts_buf *b)
{
    ts_buf_printf(b, "r%lld_v", (long long)app->id);
    for (int i = 0; i < s->n; i++)
        ts_buf_printf(b, "_%s%s", s->fields[i]->column, s->desc[i] ? "d" : "");
}

int ts_store_rtable_indexes(struct ts_ctx *cx, const struct ts_app *app,
                            const struct ts_index_spec *specs, int n)
{
    struct ts_buf name, sql;
    ts_buf_init(&name);
    ts_buf_init(&sql);
    int rc = 0;
    /* drop view indexes no view wants any more */
    char like[64];
    snprintf(like, sizeof(like), "r%lld\\_v\\_%%", (long long)app->id);
    sqlite3_stmt *st = db_prep(cx, "SELECT name FROM sqlite_master WHERE type='index' AND"
                                   " name LIKE ? ESCAPE '\\'");
    if (!st) {
        rc = -1;
        goto out;
    }
    db_bind_text(st, 1, like);
    const char **existing = NULL;
    int n_existing = 0, cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n_existing == cap) {
            cap = cap ? cap * 2 : 16;
            const char **grown = TS_NEW_N(cx->arena, const char *, (size_t)cap);
            if (n_existing)
                memcpy(grown, existing, sizeof(*grown) * (size_t)n_existing);
            existing = grown;
        }
        existing[n_existing++] = db_col_text(cx, st, 0);
    }
    db_done(st);
    for (int e = 0; e < n_existing; e++) {
        bool wanted = false;
        for (int i = 0; i < n && !wanted; i++) {
            ts_buf_reset(&name);
            index_name(app, &specs[i], &name);
            wanted = strcmp(name.p, existing[e]) == 0;
        }
        if (wanted)
            continue;
        ts_buf_reset(&sql);
        ts_buf_printf(&sql, "DROP INDEX IF EXISTS \"%s\"", existing[e]);
        if ((rc = db_exec(cx, sql.p)) < 0)
            goto out;
    }
    for (int i = 0; i < n; i++) {
        ts_buf_reset(&name);
        index_name(app, &specs[i], &name);
        ts_buf_reset(&sql);
        ts_buf_printf(&sql, "CREATE INDEX IF NOT EXISTS \"%s\" ON r%lld(", name.p,
                      (long long)app->id);
        for (int k = 0; k < specs[i].n; k++)
            ts_buf_printf(&sql, "%s%s%s", k ? "," : "", specs[i].fields[k]->column,
                          specs[i].desc[k] ? " DESC" : "");
        ts_buf_puts(&sql, ")");
        if ((rc = db_exec(cx, sql.p)) < 0)
            goto out;
    }
    /* statistics from a sample, so the planner can choose between the indexes */
    ts_buf_reset(&sql);
    ts_buf_printf(&sql, "PRAGMA analysis_limit=1000; ANALYZE r%lld; ANALYZE r%lld_m",
                  (long long)app->id, (long long)app->id);
    rc = db_exec(cx, sql.p);
out:
    ts_buf_release(&name);
    ts_buf_release(&sql);
    return rc;
}

void ts_store_optimize(struct ts_ctx *cx)
{
    sqlite3_exec(cx->db->h, "PRAGMA analysis_limit=1000; PRAGMA optimize", NULL, NULL, NULL);
}
