/*
 * model/record.h - one record's values as they move between record/ and store/.
 *
 * Values are indexed like app->fields. Scalars are text in storage form (NUMBER
 * normalised decimal, DATE "YYYY-MM-DD", TIME "HH:MM"); DATETIME is epoch seconds;
 * multi-valued fields are string lists (user codes for the selects). NULL text or
 * an empty list means empty.
 */
#ifndef TS_MODEL_RECORD_H
#define TS_MODEL_RECORD_H

#include "model/schema.h"

struct ts_value {
    bool set;      /* present in this write / loaded */
    const char *s; /* TEXT and NUMBER kinds */
    int64_t epoch; /* EPOCH kind; valid when s is non-NULL ("" marker) */
    int n;         /* MULTI kind */
    const char **v;
};

struct ts_record {
    int64_t id, revision;
    const char *creator, *modifier; /* user codes */
    int64_t created, updated;       /* epoch seconds, minute precision */
    struct ts_value *vals;          /* app->n_fields entries */
};

#endif
