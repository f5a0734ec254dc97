/*
 * model/record.h - one record's values as they move between record/ and store/.
 *
 * Values are indexed like app->fields. Scalars are text in storage form (NUMBER
 * normalised decimal, DATE "YYYY-MM-DD", TIME "HH:MM"); DATETIME is epoch seconds;
 * multi-valued fields are string lists (user codes for the selects). NULL text or
 * an empty list means empty. Inner fields of a SUBTABLE have their values in
 * the table's rows, never at the top level.
 */
#ifndef TS_MODEL_RECORD_H
#define TS_MODEL_RECORD_H

#include "base/arena.h"
#include "base/jw.h"
#include "model/schema.h"

struct ts_file {
    const char *key; /* download key once attached; an upload key on the way in */
    const char *name, *type;
    int64_t size;
};

struct ts_row;

struct ts_value {
    bool set;              /* present in this write / loaded */
    bool defaulted;        /* set from the field's default, not given */
    const char *s;         /* TEXT and NUMBER kinds */
    int64_t epoch;         /* EPOCH kind; valid when s is non-NULL ("" marker) */
    int n;                 /* entries of v, files or rows */
    const char **v;        /* MULTI kind */
    struct ts_file *files; /* FILES kind */
    struct ts_row *rows;   /* TABLE kind */
};

/* A SUBTABLE row: vals is indexed like app->fields; only the table's inner
 * fields are used. id 0: a new row, given an id when stored. */
struct ts_row {
    int64_t id;
    struct ts_value *vals;
};

struct ts_record {
    int64_t id, revision;
    const char *creator, *modifier; /* user codes */
    int64_t created, updated;       /* epoch seconds, minute precision */
    /* process management: the status and who must act next (user codes) */
    const char *status;
    const char **assignees;
    int n_assignees;
    bool status_set;       /* an update writes status and assignees */
    struct ts_value *vals; /* app->n_fields entries */
};

/* Attachments as JSON [{contentType, fileKey, name, size:"bytes"}]: written,
 * and read into v (strings copied into a). */
void ts_files_write(struct ts_jw *w, const struct ts_value *v);
void ts_files_read(struct ts_arena *a, const json_t *arr, struct ts_value *v);

#endif
