/*
 * store/indexes.c - the indexes of a record table beyond the primary key that
 * saved views need, and which fields the search index covers.
 *
 * Views get indexes when they are deployed, not every field on every app: an
 * index costs every write, and most fields are never filtered on. A filter on a
 * field no view uses costs one table scan.
 *
 * Text fields that `like` may search (SINGLE_LINE_TEXT, MULTI_LINE_TEXT,
 * RICH_TEXT, LINK) are indexed by each backend its own way: kintone's `like`
 * finds words in the middle of Japanese sentences, which a trigram index does
 * for any text of 3 characters or more (DESIGN §1).
 */
#include "base/common.h"
#include "store/sql.h"
#include "base/buf.h"

bool ts_store__is_search_field(const struct ts_field *f)
{
    if (f->table)
        return false; /* rows are searched in their own table */
    return f->type == TS_F_SINGLE_LINE_TEXT || f->type == TS_F_MULTI_LINE_TEXT ||
           f->type == TS_F_RICH_TEXT || f->type == TS_F_LINK;
}

bool ts_store__has_search(const struct ts_app *app)
{
    for (int i = 0; i < app->n_fields; i++)
        if (ts_store__is_search_field(&app->fields[i]))
            return true;
    return false;
}

void ts_store__search_columns(const struct ts_app *app, struct ts_buf *b, const char *prefix)
{
    bool first = true;
    for (int i = 0; i < app->n_fields; i++) {
        if (!ts_store__is_search_field(&app->fields[i]))
            continue;
        ts_buf_printf(b, "%s%s%s", first ? "" : ",", prefix, app->fields[i].column);
        first = false;
    }
}

static void index_name(const struct ts_app *app, const struct ts_index_spec *s, struct ts_buf *b)
{
    if (s->multi) {
        ts_buf_printf(b, "r%lld_o_%d_%s", (long long)app->id, s->fields[0]->fid,
                      s->fields[1]->column);
        return;
    }
    ts_buf_printf(b, "r%lld_v", (long long)app->id);
    for (int i = 0; i < s->n; i++)
        ts_buf_printf(b, "_%s", s->fields[i]->column);
}

/* Names of the app's view indexes or ordered value indexes (tables), in the arena. */
static const char **list_indexes(struct ts_ctx *cx, int64_t app_id, bool ordered, int *n)
{
    char prefix[48];
    snprintf(prefix, sizeof(prefix), "r%lld_%c_", (long long)app_id, ordered ? 'o' : 'v');
    return cx->db->drv->names(cx, !ordered, prefix, n);
}

int ts_store__view_indexes_drop_field(struct ts_ctx *cx, int64_t app_id, const struct ts_field *f)
{
    const struct ts_driver *d = cx->db->drv;
    char sql[320], infix[32], suffix[32];
    /* ordered value indexes of the field, or keyed by it */
    snprintf(infix, sizeof(infix), "_o_%d_", f->fid);
    snprintf(suffix, sizeof(suffix), "_%s", f->column);
    int n;
    const char **names = list_indexes(cx, app_id, true, &n);
    if (!names)
        return -1;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]), sl = strlen(suffix);
        if ((strstr(names[i], infix) || (len > sl && !strcmp(names[i] + len - sl, suffix))) &&
            d->ordered_drop(cx, names[i]) < 0)
            return -1;
    }
    /* view indexes over its column */
    char prefix[48];
    snprintf(prefix, sizeof(prefix), "r%lld_v_", (long long)app_id);
    const char **drop = d->indexes_on(cx, app_id, f->column, &n);
    if (!drop)
        return -1;
    for (int i = 0; i < n; i++) {
        if (strncmp(drop[i], prefix, strlen(prefix)) != 0)
            continue;
        snprintf(sql, sizeof(sql), "DROP INDEX IF EXISTS \"%s\"", drop[i]);
        if (db_exec(cx, sql) < 0)
            return -1;
    }
    return 0;
}

int ts_store_rtable_indexes(struct ts_ctx *cx, const struct ts_app *app,
                            const struct ts_index_spec *specs, int n)
{
    const struct ts_driver *d = cx->db->drv;
    struct ts_buf name, sql;
    ts_buf_init(&name);
    ts_buf_init(&sql);
    int rc = 0;
    /* drop the indexes no view wants any more */
    for (int ordered = 0; ordered < 2; ordered++) {
        int n_existing;
        const char **existing = list_indexes(cx, app->id, ordered, &n_existing);
        if (!existing) {
            rc = -1;
            goto out;
        }
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
            if ((rc = ordered ? d->ordered_drop(cx, existing[e]) : db_exec(cx, sql.p)) < 0)
                goto out;
        }
    }
    for (int i = 0; i < n; i++) {
        ts_buf_reset(&name);
        index_name(app, &specs[i], &name);
        if (specs[i].multi) {
            /* a backend without them reads the value index and sorts */
            int has = d->ordered_create ? d->has(cx, false, name.p) : 1;
            if (has < 0 || (has == 0 && (rc = d->ordered_create(cx, app, &specs[i], name.p)) < 0)) {
                rc = -1;
                goto out;
            }
            continue;
        }
        ts_buf_reset(&sql);
        ts_buf_printf(&sql, "CREATE INDEX IF NOT EXISTS \"%s\" ON r%lld(", name.p,
                      (long long)app->id);
        /* one direction only: read backwards, an index serves the other order
         * too, ties included (its last column is the id) */
        for (int k = 0; k < specs[i].n; k++)
            ts_buf_printf(&sql, "%s%s%s", k ? "," : "", specs[i].fields[k]->column, d->index_order);
        ts_buf_printf(&sql, "%s)", d->index_tail);
        if ((rc = db_exec(cx, sql.p)) < 0)
            goto out;
    }
    /* statistics, so the planner can choose between the indexes */
    rc = d->analyze(cx, app->id);
out:
    ts_buf_release(&name);
    ts_buf_release(&sql);
    return rc;
}
