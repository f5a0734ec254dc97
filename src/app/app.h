/*
 * app/app.h - apps and their settings: the preview/live split, field
 * definitions, layout, views, general settings, and deploy (KINTONE-API.md §5.3, §7).
 *
 * Settings are kept per app as two JSON documents, preview and live. Every
 * settings write goes to preview and advances the app's revision; deploy
 * checks the preview against the stored records, migrates the record table in
 * the same transaction, and copies preview to live. Readers of records see the
 * live settings through an immutable, reference-counted struct ts_app.
 */
#ifndef TS_APP_H
#define TS_APP_H

#include "base/ctx.h"
#include "model/schema.h"
#include "store/store.h"

/* The live app, for record work. The reference is released when cx ends.
 * NULL with GAIA_AP01 when the app does not exist or was never deployed. */
const struct ts_app *ts_app_get(struct ts_ctx *cx, int64_t app_id);

/* Build an app from a settings document (preview or live). Returns an app owned
 * by the caller (ts_app_unref), or NULL with cx->err set. def is borrowed and
 * gains a reference. */
struct ts_app *ts_app_build(struct ts_ctx *cx, const struct ts_app_row *row, json_t *def);
void ts_app_unref(struct ts_app *app);
/* Forget every cached app: called after a transaction that deployed settings ends. */
void ts_app_cache_clear(void);

/* The preview settings of an app, loaded for reading or changing. */
struct ts_preview {
    struct ts_app_row *row;
    json_t *def; /* released when cx ends */
};
/* Load the preview (stage PREVIEW) or the live settings (stage LIVE) of an app.
 * GAIA_AP01 if missing; for LIVE also when never deployed. */
int ts_app_settings_load(struct ts_ctx *cx, int64_t app_id, enum ts_stage stage,
                         struct ts_preview *out /* out */);
/* Check the caller's expected revision (-1: none), store the preview, and advance
 * the revision. Returns the new revision or -1 (GAIA_CO03 when stale). */
int64_t ts_app_preview_save(struct ts_ctx *cx, struct ts_preview *p, int64_t expected_revision);

/* POST preview/app.json: returns the new app id, or -1. */
int64_t ts_app_create(struct ts_ctx *cx, const char *name, int64_t space_id, int64_t thread_id);

/* Field settings (app/fields.c). props is the request's `properties` object. */
int ts_app_fields_add(struct ts_ctx *cx, struct ts_preview *p, json_t *props);
int ts_app_fields_update(struct ts_ctx *cx, struct ts_preview *p, json_t *props);
int ts_app_fields_delete(struct ts_ctx *cx, struct ts_preview *p, json_t *codes);
int ts_app_layout_put(struct ts_ctx *cx, struct ts_preview *p, json_t *layout);
/* PUT views: replaces the whole set; returns the new views' ids via p->def. */
int ts_app_views_put(struct ts_ctx *cx, struct ts_preview *p, json_t *views);
/* PUT app/reports.json (app/reports.c): every graph named; kept as "reports". */
int ts_app_reports_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *reports);
/* One graph's settings checked against a deployed app, as a PUT checks them:
 * the graph as kept (a new reference), or NULL with the problems keyed report.*. */
json_t *ts_app_report_check(struct ts_ctx *cx, const struct ts_app *app, const json_t *in);
int ts_app_settings_put(struct ts_ctx *cx, struct ts_preview *p, json_t *params);
/* PUT publicForms.json (app/public.c): the public forms, checked, with ids and tokens. */
int ts_app_public_forms_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *forms);
/* What someone outside may fill in on a public form: values of their own,
 * nothing that names the organisation's people, reads another app (lookups)
 * or tells which values exist (unique fields). */
bool ts_app_publishable(const struct ts_field *f);
/* A field the app requires (with no default) that codes leaves out, or NULL. */
const char *ts_app_public_form_missing(const struct ts_app *app, const json_t *codes);
/* PUT publicViews.json (app/public.c): the public views, checked, with ids and tokens. */
int ts_app_public_views_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *views);
/* A form or view (key: publicForms, publicViews) paused or taken out in the
 * preview stops at once, before any deploy: its live copy is paused too. */
int ts_app_public_pause(struct ts_ctx *cx, int64_t app_id, const char *key, const json_t *preview);

/* PUT app/acl.json (app/acl.c): the access rights, checked and normalised. */
int ts_app_acl_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *rights);
/* PUT record/acl.json: rules of a filter and the people it gives rights to. */
int ts_app_record_acl_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *rights);
/* PUT field/acl.json: per field, who may see (READ), change (WRITE) or neither (NONE). */
int ts_app_field_acl_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *rights);

/* A list of people, departments and groups ({entity:{type, code}, includeSubs}),
 * checked; NULL with the problems keyed key[i]. With the app's fields, also
 * FIELD_ENTITY: a user, department or group field of the record. */
json_t *ts_app_entities(struct ts_ctx *cx, const json_t *list, const char *key,
                        const json_t *fields);
/* One such entry; NULL with the problem keyed key. */
json_t *ts_app_entity(struct ts_ctx *cx, const json_t *e, const char *key, const json_t *fields);

/* PUT app/notifications/general.json, perRecord.json and reminder.json
 * (app/notify.c): who hears of what, kept as notifyGeneral,
 * notifyPerRecord and notifyReminder in the settings. */
int ts_app_notify_general_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *in);
int ts_app_notify_per_record_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *in);
int ts_app_notify_reminder_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *in);

/* The status a record starts in (the lowest index), and whether its creator
 * must act there; NULL when the app has no process management. */
const char *ts_app_first_status(const struct ts_app *app, bool *creator_acts);
int ts_app_start_process(struct ts_ctx *cx, const struct ts_app *app);
/* Once per database, at start: who must act indexed for older records. */
int ts_app_index_assignees(struct ts_ctx *cx);
/* PUT app/status.json (app/process.c): statuses, their assignees, actions. */
int ts_app_process_put(struct ts_ctx *cx, struct ts_preview *p, const json_t *in);

/* Deploy (app/deploy.c): all apps succeed or fail together. revert=true
 * discards the preview instead. Failure is recorded as deploy status FAIL with
 * the reason; the call itself only fails on bad input. */
struct ts_deploy_item {
    int64_t app_id;
    int64_t revision; /* -1: any */
};
int ts_app_deploy(struct ts_ctx *cx, const struct ts_deploy_item *items, int n, bool revert);
/* Copy a whole installation (tsumiki migrate) from src's database into dst's,
 * which is empty, inside dst's write transaction: every row of every table,
 * ids included, and each deployed app's record tables and view indexes made
 * anew as a deploy makes them. */
int ts_app_copy_installation(struct ts_ctx *src, struct ts_ctx *dst);
/* The ids of every app that has been deployed (arena; *n of them), or NULL. */
const int64_t *ts_app_deployed_ids(struct ts_ctx *cx, int *n);

/* Live settings change in this transaction (a deploy, a rename): every
 * server's cache of compiled apps is emptied once it commits. */
void ts_app_settings_changed(struct ts_ctx *cx);
/* The steps around a deploy that runs in a transaction of its own, so that
 * its outcome is always told: check the apps and revisions and say PROCESSING
 * (committed before the deploy starts); say FAIL with why when the deploy
 * failed (a refused formula, a database error). A server that stops
 * mid-deploy finds PROCESSING at its next start (ts_store_apps_interrupted). */
int ts_app_deploy_check(struct ts_ctx *cx, const struct ts_deploy_item *items, int n, bool revert);
int ts_app_deploy_begin(struct ts_ctx *cx, const struct ts_deploy_item *items, int n);
int ts_app_deploy_failed(struct ts_ctx *cx, const struct ts_deploy_item *items, int n,
                         const char *why);

/* Field codes: 1-128 characters, letters, digits and _ only, not starting with a
 * digit (non-ASCII letters allowed, as kintone). */
bool ts_app_field_code_valid(const char *code);

#endif
