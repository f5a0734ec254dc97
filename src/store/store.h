/*
 * store/store.h - the only door to the database (DESIGN §2, §3).
 *
 * Everything above store/ speaks in these functions and the model/ types; no SQL
 * and no driver's name appears outside store/. The functions are written once
 * against the driver interface in store/sql.h, whose drivers are store/sqlite/
 * and store/pg/; ts_db_open chooses by the name it is given.
 *
 * Conventions: functions that return a pointer return arena memory (cx->arena)
 * or NULL. NULL with cx->err unset means "not found"; NULL with cx->err set means
 * the database failed. int functions return 0 or -1 with cx->err set.
 * A ts_db is one connection, used by one thread at a time.
 */
#ifndef TS_STORE_H
#define TS_STORE_H

#include "base/ctx.h"
#include "model/qplan.h"
#include "model/record.h"
#include "model/schema.h"
#include "model/user.h"

struct ts_db;

/* Open a database and bring its schema up to date: a postgresql:// (or
 * postgres://) URI, or else a SQLite file (created if needed, in WAL mode).
 * On failure returns NULL and writes the reason to errbuf. */
struct ts_db *ts_db_open(const char *path, char *errbuf, size_t errlen);
void ts_db_close(struct ts_db *db);

/*
 * Server mode for a connection that answers requests:
 * - WAL checkpoints move off the request path (a background thread calls
 *   ts_db_checkpoint() on its own connection);
 * - group commit: a commit does not fsync by itself (synchronous=NORMAL); the
 *   request calls ts_db_wait_durable() before it answers, and one fsync of the
 *   WAL covers every commit that finished before it started. Concurrent writers
 *   share fsyncs instead of queueing for one each, and what was acknowledged is
 *   on disk, as with synchronous=FULL.
 */
void ts_db_server_mode(struct ts_db *db);
int ts_db_checkpoint(struct ts_db *db);
/* Apply the queued search-index (FTS) updates of every app, one transaction per
 * app; a server calls it from its background thread. kintone's `like` index is
 * also built asynchronously (KINTONE-API.md §8): a record can be found a moment
 * after it is written. Returns the number of records indexed, or -1. */
int ts_db_index_pending(struct ts_db *db);
/* Server mode: every write transaction runs on one shared connection, taken
 * with ts_db_writer_acquire() (which swaps cx->db and returns the caller's own)
 * and given back with ts_db_writer_release(). Writes are serialised by SQLite
 * anyway; on one connection its page cache stays warm, where connections that
 * take turns writing each find their cache invalidated by the others. */
struct ts_db *ts_db_writer_acquire(struct ts_ctx *cx);
void ts_db_writer_release(struct ts_ctx *cx, struct ts_db *own);
/* A connection about to write a great deal in one transaction (an import):
 * a page cache of cache_mb, so the indexes being filled stay in memory. */
void ts_db_bulk_mode(struct ts_db *db, int cache_mb);
/* Wait until this connection's last committed write is on disk (group commit).
 * Returns at once for a connection not in server mode or with nothing to wait for. */
int ts_db_wait_durable(struct ts_ctx *cx);

/* Transactions. write=true takes the write lock at once (BEGIN IMMEDIATE), so a
 * writer never fails half-way for want of the lock. Nested calls are counted. */
int ts_db_begin(struct ts_ctx *cx, bool write);
/* Run fn in a write transaction of its own, holding the writer: committed,
 * or rolled back when fn fails. Not for a caller already in a transaction. */
int ts_db_in_write_tx(struct ts_ctx *cx, int (*fn)(struct ts_ctx *cx, void *arg), void *arg);
int ts_db_commit(struct ts_ctx *cx);
void ts_db_rollback(struct ts_ctx *cx);
/* Savepoints inside a transaction, for work that may be undone alone. */
int ts_db_savepoint(struct ts_ctx *cx, const char *name);
int ts_db_release(struct ts_ctx *cx, const char *name);
void ts_db_rollback_to(struct ts_ctx *cx, const char *name);

/* Next value of a named counter (view ids ...), starting at 1. */
int64_t ts_store_counter_next(struct ts_ctx *cx, const char *name);
/* A counter's value (0 when it was never advanced), or -1. */
int64_t ts_store_counter_get(struct ts_ctx *cx, const char *name);

/* --- users --- */
struct ts_user *ts_store_user_by_code(struct ts_ctx *cx, const char *code);
struct ts_user *ts_store_user_by_id(struct ts_ctx *cx, int64_t id);
int ts_store_user_add(struct ts_ctx *cx, struct ts_user *u /* id set on return */);
int ts_store_user_set_password(struct ts_ctx *cx, int64_t id, const char *pwhash);
typedef int ts_user_fn(struct ts_ctx *cx, const struct ts_user *u, void *arg);
int ts_store_user_each(struct ts_ctx *cx, ts_user_fn *fn, void *arg);
int64_t ts_store_user_count(struct ts_ctx *cx);

/* Change an account's code, name, e-mail, language, time zone, admin and
 * active flags (by id). */
int ts_store_user_update(struct ts_ctx *cx, const struct ts_user *u);
/* Accounts in id order: those of codes (n_codes > 0) or all, a page at a time. */
int ts_store_users_page(struct ts_ctx *cx, const char *const *codes, int n_codes, int64_t offset,
                        int64_t limit, ts_user_fn *fn, void *arg);

/* --- departments and groups (model/user.h, ts_entity) --- */
int ts_store_entity_add(struct ts_ctx *cx, struct ts_entity *e /* id set on return */);
int ts_store_entity_update(struct ts_ctx *cx, const struct ts_entity *e);
/* Delete one, and its memberships. */
int ts_store_entity_delete(struct ts_ctx *cx, enum ts_entity_kind k, int64_t id);
/* NULL (cx->err unset) when there is none. */
struct ts_entity *ts_store_entity_get(struct ts_ctx *cx, enum ts_entity_kind k, const char *code);
struct ts_entity *ts_store_entity_by_id(struct ts_ctx *cx, enum ts_entity_kind k, int64_t id);
int64_t ts_store_entity_children(struct ts_ctx *cx, enum ts_entity_kind k, int64_t id);
typedef int ts_entity_fn(struct ts_ctx *cx, const struct ts_entity *e, void *arg);
/* In id order: those of codes (n_codes > 0) or all, a page at a time. */
int ts_store_entity_page(struct ts_ctx *cx, enum ts_entity_kind k, const char *const *codes,
                         int n_codes, int64_t offset, int64_t limit, ts_entity_fn *fn, void *arg);
/* A user's departments (with `primary` set) or groups. */
int ts_store_user_entities(struct ts_ctx *cx, enum ts_entity_kind k, int64_t user_id,
                           ts_entity_fn *fn, void *arg);
/* Replace a user's departments (primary: the id of the primary one) or groups. */
int ts_store_user_entities_set(struct ts_ctx *cx, enum ts_entity_kind k, int64_t user_id,
                               const int64_t *ids, int n, int64_t primary);
/* The members of a department or group. */
int ts_store_entity_users(struct ts_ctx *cx, enum ts_entity_kind k, int64_t id, ts_user_fn *fn,
                          void *arg);

/* --- browser sessions (the id is stored only as a hash) --- */
int ts_store_session_add(struct ts_ctx *cx, const unsigned char hash[32], int64_t user_id,
                         const char *csrf, int64_t expires);
/* Returns 1 and fills user_id/csrf when a live session exists, 0 when not. */
int ts_store_session_get(struct ts_ctx *cx, const unsigned char hash[32], int64_t *user_id,
                         const char **csrf);
int ts_store_session_delete(struct ts_ctx *cx, const unsigned char hash[32]);

/* --- record cursors (records/cursor.json) --- */
struct ts_cursor_row {
    const char *id, *owner; /* owner: ts_policy_caller_key */
    int64_t app_id;
    const char *fields; /* the `fields` parameter as JSON text, or NULL */
    int64_t n, pos, size, expires;
};
int ts_store_cursor_add(struct ts_ctx *cx, const struct ts_cursor_row *c, const int64_t *ids);
/* Live cursors (not expired at now): owner's, or everyone's (owner NULL). */
int64_t ts_store_cursor_count(struct ts_ctx *cx, const char *owner, int64_t now);
/* Owner's live cursor id: its row as it was and the ids of its next page
 * (arena), moving it on and giving it ttl more seconds; a cursor read to the
 * end is gone. 1, 0 when there is no such cursor, -1. In a write transaction. */
int ts_store_cursor_next(struct ts_ctx *cx, const char *id, const char *owner, int64_t now,
                         int64_t ttl, struct ts_cursor_row *out, int64_t **ids, size_t *n);
/* 1 when owner's cursor id was deleted, 0 when there was none. */
int ts_store_cursor_delete(struct ts_ctx *cx, const char *id, const char *owner, int64_t now);
int ts_store_cursors_expire(struct ts_ctx *cx, int64_t now);

/* --- failed sign-ins, by key ("name\x1fcode", "addr\x1faddress") --- */
/* 1 when key is locked at now, 0 when not, -1 on failure. */
/* 1 when either key (key2 may be NULL) is locked now. */
int ts_store_login_locked(struct ts_ctx *cx, const char *key, const char *key2, int64_t now);
/* Count a failure at now: a window of `window` seconds starts with the first;
 * the limit-th within it locks the key for `lockout` seconds. */
int ts_store_login_failed(struct ts_ctx *cx, const char *key, int64_t now, int limit, int window,
                          int lockout);
/* Forget keys whose window and lock are over. */
int ts_store_login_failures_expire(struct ts_ctx *cx, int64_t now, int window);

/* --- API tokens (stored only as a hash) --- */
struct ts_token_row {
    int64_t id, app_id;
    unsigned perms;
    const char *prefix;         /* first characters, to tell tokens apart in lists */
    const char *note, *creator; /* creator: their login now */
    int64_t created, creator_id;
};
int ts_store_token_add(struct ts_ctx *cx, const unsigned char hash[32], struct ts_token_row *t);
/* Returns 1 and fills g for a live token, 0 when unknown or revoked. */
int ts_store_token_find(struct ts_ctx *cx, const unsigned char hash[32], struct ts_token_grant *g);
typedef int ts_token_fn(struct ts_ctx *cx, const struct ts_token_row *t, void *arg);
int ts_store_token_each(struct ts_ctx *cx, int64_t app_id, ts_token_fn *fn, void *arg);
/* Returns 1 when a token was revoked, 0 when none matched. */
int ts_store_token_revoke(struct ts_ctx *cx, int64_t app_id, int64_t token_id);

/* --- apps and their settings --- */
enum ts_stage { TS_STAGE_PREVIEW = 0, TS_STAGE_LIVE = 1 };

struct ts_app_row {
    int64_t id;
    const char *code, *name, *description;
    int64_t space_id, thread_id; /* 0: none */
    const char *creator, *modifier;
    int64_t created, modified;
    int64_t revision;      /* settings revision: advanced by every preview write */
    int64_t live_revision; /* 0: never deployed */
    const char *deploy_status, *deploy_error;
};
int64_t ts_store_app_insert(struct ts_ctx *cx, const char *name, const char *creator,
                            int64_t space_id, int64_t thread_id);
struct ts_app_row *ts_store_app_row(struct ts_ctx *cx, int64_t id);
struct ts_app_filter {
    const int64_t *ids;
    int n_ids;
    const char **codes;
    int n_codes;
    const char *name; /* substring, case-insensitive */
    const int64_t *space_ids;
    int n_space_ids;
    int64_t limit, offset;
};
typedef int ts_app_row_fn(struct ts_ctx *cx, const struct ts_app_row *r, void *arg);
int ts_store_app_each(struct ts_ctx *cx, const struct ts_app_filter *f, ts_app_row_fn *fn,
                      void *arg);
const char *ts_store_app_def(struct ts_ctx *cx, int64_t app_id, enum ts_stage stage);
int ts_store_app_def_put(struct ts_ctx *cx, int64_t app_id, enum ts_stage stage, const char *json);
/* Advance the settings revision after a preview write; returns the new one. */
int64_t ts_store_app_touch(struct ts_ctx *cx, int64_t app_id, const char *modifier);
int ts_store_app_set_deployed(struct ts_ctx *cx, const struct ts_app_row *r);
/* Deploys still PROCESSING (the server stopped during them) become FAIL with why. */
int ts_store_apps_interrupted(struct ts_ctx *cx, const char *why);

/* --- the record table of an app --- */
/* Create or migrate the app's record table from `from` (NULL: none yet) to `to`:
 * columns added, dropped and retyped by fid, indexes for unique and multi-valued
 * fields. Runs inside the caller's transaction. */
int ts_store_rtable_migrate(struct ts_ctx *cx, const struct ts_app *from, const struct ts_app *to);
/* Indexes that saved views need (app/ derives them from each view's filter and
 * sort). Creates those missing, drops the ones no view needs any more, and
 * refreshes the planner's statistics. */
#define TS_INDEX_MAX_COLS 4
struct ts_index_spec {
    int n;
    const struct ts_field *fields[TS_INDEX_MAX_COLS]; /* ascending; read backwards for desc */
    /* fields[0] is multi-valued (a user, a check box) and fields[1] the sort key:
     * each value's records in the order of the key, so a view such as "my
     * reports, newest first" reads its page directly */
    bool multi;
};
int ts_store_rtable_indexes(struct ts_ctx *cx, const struct ts_app *app,
                            const struct ts_index_spec *specs, int n);
/* Let the planner look at the data again after much has changed: statistics
 * from a sample, for tables that grew or shrank a lot (cheap when nothing did).
 * A server calls it from its background thread. */
void ts_db_optimize(struct ts_db *db);
/* Deploy checks: does any stored value break the field's unique / length rule? */
bool ts_store_rtable_has_duplicates(struct ts_ctx *cx, const struct ts_app *app,
                                    const struct ts_field *f);
bool ts_store_rtable_has_length_outside(struct ts_ctx *cx, const struct ts_app *app,
                                        const struct ts_field *f, int min_len, int max_len);

/* Process management deployed: records with no status, or one the settings no
 * longer have, are put in `first`, with their creator to act when creator_acts. */
int ts_store_rtable_start_process(struct ts_ctx *cx, const struct ts_app *app, const char *first,
                                  const char *const *states, int n, bool creator_acts);

int ts_store_record_insert(struct ts_ctx *cx, const struct ts_app *app, struct ts_record *r);
/* Writes the values marked set, and revision/modifier/updated. */
int ts_store_record_update(struct ts_ctx *cx, const struct ts_app *app, const struct ts_record *r);
struct ts_record *ts_store_record_get(struct ts_ctx *cx, const struct ts_app *app, int64_t id);
int ts_store_record_delete(struct ts_ctx *cx, const struct ts_app *app, int64_t id);
/* Id of the record whose field f holds value v (other than exclude_id), 0 if none. */
int64_t ts_store_record_find(struct ts_ctx *cx, const struct ts_app *app, const struct ts_field *f,
                             const struct ts_value *v, int64_t exclude_id);

/* A new SUBTABLE row id: unique across the app's tables, never reused. */
int64_t ts_store_row_id_next(struct ts_ctx *cx, const struct ts_app *app);

/* Run a checked query. want[i] says whether field i is loaded (NULL: all). */
typedef int ts_record_fn(struct ts_ctx *cx, const struct ts_record *r, void *arg);
int ts_store_records_select(struct ts_ctx *cx, const struct ts_app *app,
                            const struct ts_qplan *plan, const bool *want, ts_record_fn *fn,
                            void *arg);
/* A login renamed from `from` to `to`: the records of app that name them
 * (creator, modifier, assignees, user fields, tables included) name `to`; and
 * everything else that holds the login as text (history, comments, circulars,
 * notices, apps' creators, every app's settings, who may create apps). */
/* A graph's numbers: the records a plan selects (its where only), grouped by
 * up to three fields (a date by per: YEAR ... MINUTE, date-times in zone tz,
 * whose offset now is offset), each group's aggregations; rows in the sorts'
 * order, then the groups', at most limit. A key or value is NULL when empty;
 * a multi-valued field's record counts under each of its values. */
struct ts_report_group {
    const struct ts_field *f;
    const char *per;
};
enum ts_report_agg { TS_AGG_COUNT, TS_AGG_SUM, TS_AGG_AVERAGE, TS_AGG_MAX, TS_AGG_MIN };
struct ts_report_value {
    enum ts_report_agg agg;
    const struct ts_field *f; /* NULL for COUNT */
};
struct ts_report_sort {
    int group; /* -1: the first aggregation (TOTAL) */
    bool desc;
};
typedef int ts_report_row_fn(struct ts_ctx *cx, const char *const *keys, const char *const *values,
                             void *arg);
int ts_store_records_report(struct ts_ctx *cx, const struct ts_app *app,
                            const struct ts_qplan *plan, const struct ts_report_group *groups,
                            int n_groups, const struct ts_report_value *values, int n_values,
                            const struct ts_report_sort *sorts, int n_sorts, const char *tz,
                            int64_t offset, int64_t limit, ts_report_row_fn *fn, void *arg);
/* Who must act, kept by value (r<app>_m) for records written before it was. */
int ts_store_rtable_index_assignees(struct ts_ctx *cx, const struct ts_app *app);
int ts_store_records_rename_user(struct ts_ctx *cx, const struct ts_app *app, const char *from,
                                 const char *to);
int ts_store_user_rename_refs(struct ts_ctx *cx, const char *from, const char *to);
/* An app whose settings name login `code` inside a condition (a view's or a
 * rule's filter, a process action's): its id, 0 when none, -1 on failure. */
int64_t ts_store_user_in_conditions(struct ts_ctx *cx, const char *code);
int64_t ts_store_records_count(struct ts_ctx *cx, const struct ts_app *app,
                               const struct ts_qplan *plan);
/* Ids of every match in plan order, ignoring limit/offset; malloc'd, caller frees. */
int64_t *ts_store_records_ids(struct ts_ctx *cx, const struct ts_app *app,
                              const struct ts_qplan *plan, size_t *n /* out */);

/* --- PDFs being made (store/print.c, api/print.c) --- */
struct ts_print_job {
    int64_t id, owner_id, app_id;
    const char *spec;   /* what to make: JSON (api/print.c) */
    int64_t n, done;    /* records, and how many are drawn */
    const char *status; /* QUEUED, RUNNING, DONE, FAILED */
    const char *file_key, *error;
    int64_t created, heartbeat;
    int64_t attempt; /* which taking-up this is: the claim's token */
};
int ts_store_print_job_add(struct ts_ctx *cx, const struct ts_print_job *j, const int64_t *ids);
/* 1 and the job (and its ids in order, when ids is given), 0 when there is none, -1. */
int ts_store_print_job_get(struct ts_ctx *cx, int64_t id, struct ts_print_job *out, int64_t **ids);
/* Take the oldest job waiting, or one running whose heartbeat is older than
 * stale_before (given up after a few attempts): its id and *attempt, 0 when
 * there is none (or another server took it), -1. */
int64_t ts_store_print_job_claim(struct ts_ctx *cx, int64_t now, int64_t stale_before,
                                 int64_t *attempt);
/* How far attempt `attempt` of a running job got: 1, or 0 when it is no longer its. */
int ts_store_print_job_progress(struct ts_ctx *cx, int64_t id, int64_t attempt, int64_t done,
                                int64_t now);
/* The attempt's end: DONE (with the file), FAILED, or QUEUED (handed back). */
int ts_store_print_job_end(struct ts_ctx *cx, int64_t id, int64_t attempt, const char *status,
                           const char *file_key, const char *error, int64_t now);
/* The owner's jobs waiting or running (owner_id 0: everyone's). */
int64_t ts_store_print_jobs_active(struct ts_ctx *cx, int64_t owner_id);
/* Forget finished jobs last touched before `before`. */
int ts_store_print_jobs_expire(struct ts_ctx *cx, int64_t before);

/* --- public forms (store/public.c, api/public.c) --- */
/* The app's deployed forms (settings revision rev): tokens and ids; others of the app go. */
int ts_store_public_forms_set(struct ts_ctx *cx, int64_t app_id, int64_t rev,
                              const char *const *tokens, const int64_t *form_ids, int n);
/* 1 and the form a token names, 0 when none, -1. */
int ts_store_public_form_find(struct ts_ctx *cx, const char *token, int64_t *app_id,
                              int64_t *form_id, int64_t *answers);
int ts_store_public_form_answered(struct ts_ctx *cx, const char *token);
/* 1 when the challenge was not used before (it is now, until expires), 0 when it was. */
int ts_store_public_challenge_use(struct ts_ctx *cx, const char *challenge, int64_t expires,
                                  int64_t now);
/* Forget counts whose window began before `before` (the longest window is a day). */
int ts_store_rate_hits_expire(struct ts_ctx *cx, int64_t before);
/* One more hit for key in the window of `window` seconds: 1 while at most `most`, else 0. */
int ts_store_rate_hit(struct ts_ctx *cx, const char *key, int64_t now, int64_t window,
                      int64_t most);
/* The same, n at once (bytes, megabytes). */
int ts_store_rate_add(struct ts_ctx *cx, const char *key, int64_t now, int64_t window, int64_t n,
                      int64_t most);

/* Personal links (api/public_links.c): one a recipient of a form or view
 * (its token the parent), with the answers each sent through theirs. */
struct ts_public_link {
    const char *token, *parent, *recipient, *name, *email;
    int64_t created, revoked, sent, reminded; /* epoch seconds, 0: not */
    int64_t answers, answered;                /* ts_store_public_links: how many, the last when */
};
struct ts_public_answer {
    const char *receipt;
    int64_t record_id, at;
};
/* 1 and the link a token names, 0 when none, -1. */
int ts_store_public_link_find(struct ts_ctx *cx, const char *token, struct ts_public_link *out);
/* A link for l's recipient: l's token when they had none or theirs was
 * revoked; their name and address as l has them. */
int ts_store_public_link_issue(struct ts_ctx *cx, const struct ts_public_link *l);
/* Every link of parent, by recipient, with their answers counted. */
int ts_store_public_links(struct ts_ctx *cx, const char *parent,
                          int (*each)(struct ts_ctx *, const struct ts_public_link *, void *),
                          void *arg);
/* Set column ("revoked", "sent" or "reminded") of a recipient's link to
 * value: 1 when they have one, 0 when not, -1. */
int ts_store_public_link_set(struct ts_ctx *cx, const char *parent, const char *recipient,
                             const char *column, int64_t value);
int ts_store_public_answer_add(struct ts_ctx *cx, const char *parent, const char *recipient,
                               const char *receipt, int64_t app_id, int64_t record_id, int64_t at);
/* A recipient's answers, newest first (arena). */
int ts_store_public_answers(struct ts_ctx *cx, const char *parent, const char *recipient,
                            struct ts_public_answer **out, int *n);

/* --- attachments: metadata here, the bytes in the data folder's files/ by hash --- */
struct ts_file_row {
    const char *key, *hash, *name, *type;
    int64_t size, created, app_id;
    bool attached;     /* false: an upload key no record has taken yet */
    int64_t rec_id;    /* the record holding it, 0 if not known (taken before this was kept) */
    int fid;           /* and its field */
    const char *owner; /* an upload key's uploader (ts_policy_caller_key), "" once attached */
};
/* Bytes of uploads no record has taken yet: owner's, or everyone's (NULL). */
int64_t ts_store_uploads_waiting(struct ts_ctx *cx, const char *owner);
/* The bytes of uploads from outside (public forms) no answer has taken yet. */
int64_t ts_store_public_uploads_waiting(struct ts_ctx *cx);
int ts_store_file_add(struct ts_ctx *cx, const struct ts_file_row *f);
/* NULL (cx->err unset) when no file has that key. */
struct ts_file_row *ts_store_file_get(struct ts_ctx *cx, const char *key);
int ts_store_file_delete(struct ts_ctx *cx, const char *key);
/* Note that record rec_id's field fid holds the download key (if not yet known). */
int ts_store_file_held(struct ts_ctx *cx, const char *key, int64_t rec_id, int fid);
/* Delete upload keys created before `before` that no record took; then call fn
 * for each hash no key refers to any more (the caller removes those bytes). */
typedef void ts_hash_fn(const char *hash, void *arg);
int ts_store_files_expire(struct ts_ctx *cx, int64_t before, int64_t public_before, ts_hash_fn *fn,
                          void *arg);

/* --- lookups with autoRefresh: app_id's field `field` copies from src_app --- */
/* Replace app_id's links by the n given (src_apps[i], fields[i]). */
int ts_store_lookup_links_set(struct ts_ctx *cx, int64_t app_id, const int64_t *src_apps,
                              const char *const *fields, int n);
typedef int ts_link_fn(struct ts_ctx *cx, int64_t app_id, const char *field, void *arg);
int ts_store_lookup_links_each(struct ts_ctx *cx, int64_t src_app, ts_link_fn *fn, void *arg);

/* --- settings of the whole installation (text by key, JSON when it has parts; NULL when unset) ---
 */
const char *ts_store_system_get(struct ts_ctx *cx, const char *key);
int ts_store_system_put(struct ts_ctx *cx, const char *key, const char *value);

/* --- the audit log: entries in order, each hashed with the one before --- */
struct ts_audit_row {
    int64_t id, at;
    const char *user, *addr, *action, *target, *detail, *hash;
};
/* The newest entry, or NULL (cx->err unset) when the log is empty. */
struct ts_audit_row *ts_store_audit_last(struct ts_ctx *cx);
int ts_store_audit_add(struct ts_ctx *cx, struct ts_audit_row *a /* id set on return */);
typedef int ts_audit_fn(struct ts_ctx *cx, const struct ts_audit_row *a, void *arg);
/* Entries newest first (desc) or oldest first, a page at a time (limit < 0: all). */
int ts_store_audit_each(struct ts_ctx *cx, bool desc, int64_t offset, int64_t limit,
                        ts_audit_fn *fn, void *arg);

/* --- notifications: what each person has been told; e-mail to send --- */
struct ts_note {
    int64_t id, at, user_id, app_id, rec_id;
    const char *kind;  /* ADDED, EDITED, COMMENT, MENTION, STATUS, ASSIGNED, RECORD,
                          REMINDER, CIRCULAR, REMIND, IMPORTED */
    const char *actor; /* who did it (a user code), "" for the system */
    const char *title; /* the record's title, or the rule's */
    const char *body;  /* the comment, the status change, the circular's message */
    bool read;
};
int ts_store_note_add(struct ts_ctx *cx, struct ts_note *n /* id set on return */);
typedef int ts_note_fn(struct ts_ctx *cx, const struct ts_note *n, void *arg);
/* A user's notifications, newest first, older than before_id (0: from the newest). */
int ts_store_notes_each(struct ts_ctx *cx, int64_t user_id, int64_t before_id, int64_t limit,
                        bool unread_only, ts_note_fn *fn, void *arg);
/* How many are unread, and the newest one's id. -1 on failure. */
int64_t ts_store_notes_unread(struct ts_ctx *cx, int64_t user_id, int64_t *newest /* out */);
/* The newest notice's id (0: none); with fn, each user who got one after
 * `after`, with the newest of theirs. */
typedef int ts_user_news_fn(struct ts_ctx *cx, int64_t user_id, int64_t newest, void *arg);
int64_t ts_store_notes_since(struct ts_ctx *cx, int64_t after, ts_user_news_fn *fn, void *arg);
/* Forget notices read before read_before, all before all_before, and mail
 * sent or given up before mail_before. Returns how many notices went. */
int64_t ts_store_notes_expire(struct ts_ctx *cx, int64_t read_before, int64_t all_before,
                              int64_t mail_before);
/* Mark ids (n < 0: all) read. */
int ts_store_notes_read(struct ts_ctx *cx, int64_t user_id, const int64_t *ids, int n);
/* The user's notices about one record read (of one kind, or every kind when NULL). */
int ts_store_notes_read_of(struct ts_ctx *cx, int64_t user_id, int64_t app_id, int64_t rec_id,
                           const char *kind);

struct ts_mail {
    int64_t id, attempts;
    const char *to, *subject, *body;
};
int ts_store_mail_add(struct ts_ctx *cx, const char *to, const char *subject, const char *body);
typedef int ts_mail_fn(struct ts_ctx *cx, const struct ts_mail *m, void *arg);
/* Take up to limit messages due by now and tried fewer than max_attempts
 * times (in a write transaction): each is not due again before lease_until,
 * so that one sender has it, and counts one more attempt; its outcome is then
 * written with ts_store_mail_done. */
int ts_store_mail_due(struct ts_ctx *cx, int64_t now, int64_t limit, int64_t lease_until,
                      int max_attempts, ts_mail_fn *fn, void *arg);
/* A message was sent (error NULL), failed for now (try again at next_try), or
 * failed for good (next_try 0). */
int ts_store_mail_done(struct ts_ctx *cx, int64_t id, const char *error, int64_t next_try);
/* Counts of the outbox: waiting, sent, failed for good; the last error. */
int ts_store_mail_stats(struct ts_ctx *cx, int64_t counts[3], const char **last_error);

/* Up to when an app's reminders were sent (0: never). */
int64_t ts_store_reminder_mark(struct ts_ctx *cx, int64_t app_id);
int ts_store_reminder_mark_set(struct ts_ctx *cx, int64_t app_id, int64_t upto);

/* --- circulars (供覧) --- */
struct ts_circular {
    int64_t id, app_id, rec_id, at;
    const char *sender, *message;
};
struct ts_circular_person {
    const char *user, *comment;
    int64_t confirmed, reminded; /* when; 0 not yet */
};
int ts_store_circular_add(struct ts_ctx *cx, struct ts_circular *c /* id set */,
                          const char *const *users, int n);
struct ts_circular *ts_store_circular_get(struct ts_ctx *cx, int64_t id);
typedef int ts_circular_fn(struct ts_ctx *cx, const struct ts_circular *c, void *arg);
/* A record's circulars, newest first. */
int ts_store_circulars_each(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, ts_circular_fn *fn,
                            void *arg);
/* Circulars a user has not confirmed yet, newest first. */
int ts_store_circulars_pending(struct ts_ctx *cx, const char *user, int64_t limit,
                               ts_circular_fn *fn, void *arg);
typedef int ts_circular_person_fn(struct ts_ctx *cx, const struct ts_circular_person *p, void *arg);
int ts_store_circular_people(struct ts_ctx *cx, int64_t id, ts_circular_person_fn *fn, void *arg);
/* Confirm for user: 1 done, 0 when user is not a recipient, -1 on failure.
 * Confirming again keeps the first time and takes the newer comment. */
int ts_store_circular_confirm(struct ts_ctx *cx, int64_t id, const char *user, int64_t at,
                              const char *comment);
int ts_store_circular_reminded(struct ts_ctx *cx, int64_t id, const char *user, int64_t at);

/* --- record history and comments --- */
struct ts_history_row {
    int64_t revision, at;
    const char *user, *action; /* action: ADD, EDIT, DELETE, RESTORE */
    const char *changes;       /* JSON {fid: [old, new]} */
};
int ts_store_history_add(struct ts_ctx *cx, int64_t app_id, int64_t rec_id,
                         const struct ts_history_row *h);
/* Who made the record's latest revision (the caller then, whatever the
 * record's own modifier field was set to); NULL when it has none. */
const char *ts_store_history_last_user(struct ts_ctx *cx, int64_t app_id, int64_t rec_id);
typedef int ts_history_fn(struct ts_ctx *cx, const struct ts_history_row *h, void *arg);
/* Newest first. */
int ts_store_history_each(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, ts_history_fn *fn,
                          void *arg);

struct ts_comment_row {
    int64_t id, created;
    const char *text, *mentions /* JSON array */, *creator;
};
int64_t ts_store_comment_add(struct ts_ctx *cx, int64_t app_id, int64_t rec_id,
                             const struct ts_comment_row *c);
/* Returns the comment, or NULL if it does not exist. */
struct ts_comment_row *ts_store_comment_get(struct ts_ctx *cx, int64_t app_id, int64_t rec_id,
                                            int64_t id);
int ts_store_comment_delete(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, int64_t id);
/* いいね: the user likes a comment, or no longer does. */
int ts_store_comment_like(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, int64_t id,
                          const char *user, bool like);
/* Every like of a record's comments that are not deleted, by comment. */
typedef int ts_like_fn(struct ts_ctx *cx, int64_t comment_id, const char *user, void *arg);
int ts_store_comment_likes_each(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, ts_like_fn *fn,
                                void *arg);
typedef int ts_comment_fn(struct ts_ctx *cx, const struct ts_comment_row *c, void *arg);
int ts_store_comment_each(struct ts_ctx *cx, int64_t app_id, int64_t rec_id, bool asc,
                          int64_t offset, int64_t limit, ts_comment_fn *fn, void *arg);

/* --- moving an installation (tsumiki migrate) --- */
/* 1 when the database holds no account and no app, 0 when it does, -1. */
int ts_store_is_empty(struct ts_ctx *cx);
/* Copy every row of the installation's own tables (all but the record tables)
 * from src's database into dst's, ids included. */
int ts_store_copy_system(struct ts_ctx *src, struct ts_ctx *dst);
/* Copy the rows of app's record tables, made in dst already, from src. */
int ts_store_copy_records(struct ts_ctx *src, struct ts_ctx *dst, const struct ts_app *app);
/* After the copies: the ids dst gives out next follow the copied ones and
 * every id src ever gave out. */
int ts_store_copy_done(struct ts_ctx *src, struct ts_ctx *dst);

#endif
