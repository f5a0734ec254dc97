/*
 * events/events.h - what happened to records, told to whoever listens: one
 * seam between the rules that change records (record/, api/, csv/) and what
 * follows a change (notify/ today; webhooks next). Listeners run in the
 * change's transaction: a listener that fails fails the change, so what they
 * queue (notices, mail, deliveries) exists exactly when the change does.
 */
#ifndef TS_EVENTS_H
#define TS_EVENTS_H

#include "base/ctx.h"
#include "model/record.h"
#include "model/schema.h"

#include <jansson.h>

enum ts_event_kind {
    TS_EV_ADDED,    /* a record was added */
    TS_EV_EDITED,   /* a record was changed */
    TS_EV_STATUS,   /* a process action moved it, or its assignees changed */
    TS_EV_COMMENT,  /* a comment was written on it */
    TS_EV_IMPORTED, /* a file of records was imported (its rows tell nothing one by one) */
};

struct ts_event {
    enum ts_event_kind kind;
    const struct ts_app *app;
    const struct ts_record *r; /* the record as it is now (not IMPORTED) */
    const char *from, *to;     /* STATUS: the statuses; to NULL: only assignees changed */
    const char *text;          /* COMMENT: its text ... */
    const json_t *mentions;    /* ... and whom it mentions */
    int64_t count;             /* IMPORTED: how many records */
};

/* Tell every listener; 0, or -1 with cx->err set by the first that failed.
 * While cx->quiet (a file import's rows) records tell nothing one by one. */
int ts_events_publish(struct ts_ctx *cx, const struct ts_event *e);

#endif
