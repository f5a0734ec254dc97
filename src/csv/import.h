/*
 * csv/import.h - CSV rows into an app's records, with the same rules as the
 * API (record/): the header row names fields by code or label, values are read
 * as cli-kintone writes them (several values of a check box or a user field on
 * separate lines), records are added, or updated when a unique key field
 * finds one. All or nothing (one transaction), or bad rows skipped; either way
 * every problem is reported with its row, column and reason.
 */
#ifndef TS_CSV_IMPORT_H
#define TS_CSV_IMPORT_H

#include "base/ctx.h"
#include "csv/csv.h"
#include "model/schema.h"

#define TS_IMPORT_MAX_PROBLEMS 1000

struct ts_import_problem {
    int64_t row;        /* CSV row, the header being row 1 */
    const char *column; /* the header cell, or "" for the whole row */
    const char *reason; /* in the caller's language */
};

struct ts_import {
    /* settings */
    enum ts_csv_enc enc;
    const char *update_key;     /* a unique field's code: update the record it finds */
    bool skip_bad;              /* add the good rows; otherwise one bad row stops all */
    const char *const *columns; /* the field code of each column ("" ignores it); NULL: the
                                 * header's names matched to codes, then labels */
    int n_mapped;
    int preview; /* > 0: read the header and this many rows into sample, write nothing */
    void (*progress)(void *arg, int64_t rows_done);
    void *progress_arg;
    /* results */
    int64_t rows, added, updated, skipped;
    enum ts_csv_enc detected;
    int n_columns, n_ignored;           /* header cells, and those that name no writable field */
    const char *ignored[64];            /* the first of them */
    struct ts_import_problem *problems; /* arena */
    int n_problems;
    bool problems_truncated;
    const char **heads;   /* the header cells (arena) */
    const char **mapped;  /* the field code each column goes to, or NULL */
    const char ***sample; /* preview: the first rows, n_columns cells each */
    int n_sample;
};

/* Import a file into app inside the caller's write transaction. Returns 0 when
 * the import went through (with skip_bad, possibly with rows skipped), 1 when
 * bad rows stopped it (nothing may be kept: the caller rolls back), -1 when the
 * file could not be read or the database failed (cx->err). */
int ts_import_csv_file(struct ts_ctx *cx, const struct ts_app *app, const char *path,
                       struct ts_import *im);
/* The same for a file already in memory (a request body). */
int ts_import_csv(struct ts_ctx *cx, const struct ts_app *app, const void *bytes, size_t len,
                  struct ts_import *im);

#endif
