/*
 * notify/notify.h - telling people: notices in the app's notification centre
 * and, when the installation has a mail server, e-mail.
 *
 * Who hears of what follows the app's notification settings (app/notify.c),
 * process management (new assignees), comments (mentions, earlier
 * commenters) and circulars. Nobody is told of their own doing, nor of a
 * record they may not view. Notices and e-mail are written in the caller's
 * transaction; a background thread sends the e-mail (notify/mail.c).
 */
#ifndef TS_NOTIFY_H
#define TS_NOTIFY_H

#include "policy/policy.h"
#include "base/ctx.h"
#include "model/record.h"
#include "model/schema.h"

#include <jansson.h>

struct ts_notice {
    const char *kind;          /* see struct ts_note */
    const struct ts_app *app;  /* NULL: not about a record */
    const struct ts_record *r; /* the record (those who may not view it are not told) */
    const char *title;         /* NULL: the record's title */
    const char *body;
    bool to_actor; /* tell the caller too (reminders have no actor) */
};

/* Tell people: a notice each, and e-mail to those with an address. */
int ts_notify_people(struct ts_ctx *cx, const struct ts_notice *n, const struct ts_people *to);

/* The listener of record events (events/): the functions below, by kind. */
struct ts_event;
int ts_notify_on_event(struct ts_ctx *cx, const struct ts_event *e);

/* A record was added or edited: the app's general
 * notifications for it, and the per-record rules it now meets. */
int ts_notify_record(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                     bool added);
/* A comment was written: mentioned people, general commentAdded, and with
 * notifyToCommenter those who commented on the record before. */
int ts_notify_comment(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                      const char *text, const json_t *mentions);
/* A process action moved a record: general statusChanged, and the record's
 * new assignees; to NULL: only its assignees changed. */
int ts_notify_status(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r,
                     const char *from, const char *to);
/* A file of n records was imported. */
int ts_notify_import(struct ts_ctx *cx, const struct ts_app *app, int64_t n);

/* Forget old notices (read ones after 90 days, all after a year) and old
 * sent mail (after 30 days); hourly, in the background. */
int ts_notify_expire(struct ts_ctx *cx);

/* Send the reminders whose moment came since the last call (background). */
int ts_notify_reminders(struct ts_ctx *cx);

/* The record's title as notices show it: its first text field the reader may
 * see (access: ts_policy_fields, NULL for all), or "#id". */
const char *ts_notify_record_title(struct ts_ctx *cx, const struct ts_app *app,
                                   const struct ts_record *r, const char *access);

/* The installation's mail settings (system key "mail"). */
struct ts_mail_settings {
    bool enabled;
    const char *url;             /* smtp://host:port */
    const char *from;            /* the sender's address */
    const char *base_url;        /* where links in messages point */
    const char *user, *password; /* SMTP AUTH, NULL: none */
};
int ts_mail_settings(struct ts_ctx *cx, struct ts_mail_settings *out);
/* An address fit for the SMTP envelope and a header: one, with no spaces,
 * line breaks or <>. */
bool ts_mail_address_ok(const char *a);
/* Queue one message (in the caller's transaction). */
int ts_mail_queue(struct ts_ctx *cx, const char *to, const char *subject, const char *body);
/* Send what is due (background; outside any transaction). Returns how many
 * were sent, or -1. */
int ts_mail_send_due(struct ts_ctx *cx);

#endif
