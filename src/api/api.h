/*
 * api/api.h - kintone REST resources: routing, parameters, and the handlers.
 *
 * http/ hands over one request (method, path, parameters merged from the query
 * string and JSON body); api/ runs it in one transaction (a write transaction
 * unless the method is GET) and renders the answer, or the error as
 * {"code","id","message","errors"} (KINTONE-API.md §3).
 */
#ifndef TS_API_H
#define TS_API_H

#include "base/buf.h"
#include "base/ctx.h"
#include "base/jw.h"
#include "auth/auth.h"
#include "policy/policy.h"
#include "model/schema.h"
#include "model/user.h"
#include "query/query.h"

enum ts_method { TS_GET, TS_POST, TS_PUT, TS_DELETE, TS_METHOD_OTHER };

struct ts_api_req {
    enum ts_method method;      /* effective (after X-HTTP-Method-Override) */
    enum ts_method http_method; /* as sent */
    const char *path;           /* "/records.json", "/api/login" ... */
    json_t *params;             /* query string and JSON body, merged; owned by the caller */
    const char *raw;            /* a text/csv body, not parsed (NULL otherwise) */
    size_t raw_len;
    struct ts_upload *upload;              /* file.json: the file part, on disk */
    const char *upload_name, *upload_type; /* its file name and Content-Type */
    bool upload_taken;                     /* the handler finished or dropped it */
    bool preview;                          /* called through /k/v1/preview/ */
    bool woken;                            /* a long poll's second run: answer now */
    struct ts_auth_request auth;
    const char *accept_language;
    const char *public_token;     /* /public/forms/<token>/...: which form */
    const char *public_key;       /* X-Public-Key: a public view's key, given for its password */
    const char *fetch_site;       /* Sec-Fetch-Site, for login */
    const char *request_type;     /* Content-Type as sent */
    const struct ts_route *route; /* set by ts_api_begin */
    bool secure;                  /* HTTPS: here, or at the trusted proxy in front */
    bool begun;                   /* ts_api_begin ran and identified the caller */
    /* answer */
    int status;
    struct ts_buf body;
    const char *set_cookie;          /* a Set-Cookie header value, or NULL */
    const char *cache_control;       /* how the answer may be cached, NULL: no-store */
    const char *content_type;        /* NULL: application/json */
    int body_fd;                     /* >= 0: the answer is this file instead of body */
    const char *content_disposition; /* with body_fd: "attachment; filename=..." */
    bool error_written;              /* the handler wrote its own error body (bulkRequest) */
    /* a long poll with nothing to say yet: hold the request until this user
     * gets a notice or wait_seconds pass, then run it again (woken) */
    int64_t wait_user, wait_after, wait_seconds;
};

/* Run one request to completion: fills rq->status and rq->body. */
void ts_api_handle(struct ts_ctx *cx, struct ts_api_req *rq);

/* Run fn in a write transaction of its own (for a TS_R_NO_TX route whose
 * steps must each be kept): committed and on disk, or rolled back. */
int ts_api_tx(struct ts_ctx *cx, int (*fn)(struct ts_ctx *, void *), void *arg);

/* Called after every request's transaction ends (app cache upkeep). */
void ts_api_after_tx(struct ts_ctx *cx);

/* Render cx->err into b as kintone's error body. */
void ts_api_write_error(struct ts_ctx *cx, struct ts_jw *w);

/* A Content-Disposition that downloads a file named `name` (api/files.c). */
const char *ts_api_disposition(struct ts_ctx *cx, const char *name);

/* PDFs (api/print.c): make the oldest one waiting, if any (the jobs' lane
 * calls it; stopping() true hands the job back); 0, or -1 when the database failed. */
int ts_print_run(struct ts_ctx *cx, bool (*stopping)(void));
/* Forget PDFs finished a day ago (their files expire as uploads do). */
int ts_print_expire(struct ts_ctx *cx);

/* ---- parameters (api/params.c) ---- */
/* A required id (integer or numeric string, >= 1): CB_VA01 keyed by name. */
int ts_param_id(struct ts_ctx *cx, const json_t *params, const char *name, int64_t *out);
/* An optional integer: dflt when absent or null. min bounds it. */
int ts_param_int(struct ts_ctx *cx, const json_t *params, const char *name, int64_t dflt,
                 int64_t min, int64_t *out);
/* An optional revision: -1 when absent, null or -1 (no check). */
int ts_param_revision(struct ts_ctx *cx, const json_t *v, const char *name, int64_t *out);
const char *ts_param_str(const json_t *params, const char *name);
bool ts_param_bool(const json_t *params, const char *name);
/* Integer or numeric string value of v; -1 if it is neither. */
int ts_json_i64(const json_t *v, int64_t *out);

/* The live app named by the `app` parameter, after checking the caller's right
 * (GAIA_AP01, GAIA_IA02, GAIA_NO01 ...). */
const struct ts_app *ts_api_app_param(struct ts_ctx *cx, const json_t *params, unsigned perm);
/* Record access rights: narrow plan to the records the caller may view (or
 * edit, delete); and check one record (CB_NO02 when they may not). */
int ts_api_restrict(struct ts_ctx *cx, const struct ts_app *app, struct ts_qplan *plan,
                    enum ts_record_right right);
int ts_api_record_allowed(struct ts_ctx *cx, const struct ts_app *app, int64_t id,
                          enum ts_record_right right);
/* A query (records.json, cursors, exports) as the caller may run it: planned,
 * refused where it names a field they may not see, narrowed to the records
 * they may view. The one way a list of records is asked for. */
int ts_api_query_viewable(struct ts_ctx *cx, const struct ts_app *app, const char *query,
                          struct ts_qplan *plan);
/* Field access rights: a query naming a field the caller may not see fails as
 * if it did not exist (GAIA_IQ11); a write naming a field they may not change
 * fails with GAIA_FU01. */
/* A condition on a field the caller sees in some records only (field rights
 * decided by the record's people fields) is narrowed to those records; such a
 * field cannot order them. A write is checked against record id's rights
 * (0: a new record, whose record-decided fields ts_api_add_record checks). */
int ts_api_plan_readable(struct ts_ctx *cx, const struct ts_app *app, struct ts_qplan *plan);
int ts_api_writable(struct ts_ctx *cx, const struct ts_app *app, const json_t *record, int64_t id);
/* ts_record_add for a caller: the fields they may not write refused first,
 * those whose right the record decides checked on the record as added. */
int ts_api_add_record(struct ts_ctx *cx, const struct ts_app *app, const json_t *record,
                      const char *prefix, int64_t *id);
/* What of each record the caller is shown, settled once a request: the fields
 * a `fields` parameter asks for (NULL: all) less those they may not see, the
 * fields to read for that (with the people fields that decide rights record by
 * record), and those rights; ts_api_shown_in narrows want to record r. */
struct ts_api_shown {
    const bool *want, *load; /* NULL: every field */
    const char *by_record;   /* the field rights, when some depend on the record */
};
int ts_api_shown(struct ts_ctx *cx, const struct ts_app *app, const json_t *fields,
                 struct ts_api_shown *out);
const bool *ts_api_shown_in(struct ts_ctx *cx, const struct ts_app *app,
                            const struct ts_api_shown *s, const struct ts_record *r);

/* ---- the organisation (api/users.c), also for CSV loading (api/people.c) ---- */
/* Add or change users, departments or groups, and set users' memberships, from
 * arrays in the User API's shapes; problems keyed name[base + i].member. */
int ts_users_write(struct ts_ctx *cx, const json_t *list, bool add, const char *name, size_t base);
int ts_entities_write(struct ts_ctx *cx, const json_t *list, enum ts_entity_kind k, bool add,
                      const char *name, size_t base);
int ts_memberships_write(struct ts_ctx *cx, const json_t *list, enum ts_entity_kind k,
                         const char *name, size_t base);

/* ---- the audit log (api/audit.c) ---- */
/* Read the audit key from path, or make it (mode 0600) on the first start.
 * Every process that writes or checks the log opens it first. */
int ts_audit_key_open(struct ts_ctx *cx, const char *path);
/* A few words on what a request was about (its app, ids, codes). */
const char *ts_audit_target(struct ts_ctx *cx, const json_t *params);
/* Log inside the current write transaction; or apart, in a transaction of its
 * own (reads that are logged, failed sign-ins), keeping cx->err as it was. */
int ts_audit_add(struct ts_ctx *cx, const char *addr, const char *action, const char *target,
                 const char *detail);
int ts_audit_apart(struct ts_ctx *cx, const char *addr, const char *action, const char *target,
                   const char *detail);

/* The language of an answer to a request that names none, from a user whose
 * language follows the browser (api/system.c). */
enum ts_lang ts_api_default_lang(struct ts_ctx *cx);

/* ---- handlers and the route table (api/routes.def) ---- */
typedef int ts_handler_fn(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w);

#define ROUTE(method, path, handler, need, audit, flags) ts_handler_fn handler;
#include "api/routes.def"
#undef ROUTE

/* What a route needs of its caller before its handler runs (routes.def). */
enum ts_need {
    TS_NEED_PUBLIC,
    TS_NEED_ANYONE, /* signed in or not: identified when credentials come */
    TS_NEED_CALLER,
    TS_NEED_PERSON,
    TS_NEED_ADMIN,
    TS_NEED_CREATOR,
    TS_NEED_APP,        /* perm on the `app` parameter's app */
    TS_NEED_APP_ID,     /* ... the `id` parameter's */
    TS_NEED_APPS,       /* ... every app of `apps` */
    TS_NEED_APP_PERSON, /* a person with perm on the `app` parameter's app */
};

/* Route flags */
enum {
    TS_R_PREVIEW = 1 << 0, /* also under /preview/ (sets rq->preview) */
    TS_R_NO_TX = 1 << 1,   /* runs its own short statements: login must not hold
                            * the write lock while a password hash is checked */
    TS_R_BIG = 1 << 2,     /* bodies up to TS_BODY_BIG */
    TS_R_UPLOAD = 1 << 3,  /* a multipart file, streamed to disk */
    TS_R_FILE = 1 << 4,    /* answers with a file (body_fd), not JSON */
    TS_R_WRITES = 1 << 5,  /* a GET that writes: runs in a write transaction */
    TS_R_ANSWER = 1 << 6,  /* a public form's answer: bodies up to TS_BODY_ANSWER */
};

/* Body limits: before the caller is known, for most routes, for TS_R_BIG. */
#define TS_BODY_ANONYMOUS (8 * 1024)
#define TS_BODY_ANSWER    (64 * 1024) /* the answers are rate-limited per address and form */
#define TS_BODY_DEFAULT   (1024 * 1024)
#define TS_BODY_BIG       (64 * 1024 * 1024)
#define TS_VALUES_DEFAULT 100000
#define TS_VALUES_BIG     1000000

struct ts_route {
    enum ts_method method;
    const char *path;
    ts_handler_fn *fn;
    enum ts_need need;
    unsigned perm;     /* enum ts_perm bits, for the APP needs */
    const char *audit; /* the audit log's action, or NULL */
    unsigned flags;
};

/* Find the route for a method and path (used by bulkRequest too). Returns
 * NULL with TS_NF01 / TS_MA01 set. */
const struct ts_route *ts_api_route(struct ts_ctx *cx, enum ts_method method, const char *path,
                                    bool *preview /* out */);

/* Does the caller have what route r needs, given the request's parameters
 * (and, under /preview/, the app's manage right too)? CB_AU01, CB_NO02,
 * GAIA_IA02, GAIA_NO01 when not. */
int ts_api_require(struct ts_ctx *cx, const struct ts_route *r, const json_t *params, bool preview);

/* Before the body is read: find the route and identify the caller from the
 * headers alone (sets rq->route and cx->caller). -1 with cx->err set when the
 * request cannot go on; ts_api_fail then renders that answer. */
int ts_api_begin(struct ts_ctx *cx, struct ts_api_req *rq);
void ts_api_fail(struct ts_ctx *cx, struct ts_api_req *rq);

/* How many more bytes the caller may upload (what their and everyone's
 * uploads waiting for a record leave of TS_UPLOAD_QUOTA_*); checked from the
 * headers, as the body arrives, and once it is whole. */
int ts_api_upload_room(struct ts_ctx *cx, int64_t *room);

/* The largest body the request may send, once ts_api_begin has run; and the
 * most values its JSON may hold (parsed, each costs far more than its text). */
size_t ts_api_body_limit(const struct ts_api_req *rq);
size_t ts_api_json_values_limit(const struct ts_api_req *rq);

/* "GET", "POST", "PUT", "DELETE" (NULL or anything else: TS_METHOD_OTHER). */
enum ts_method ts_api_method(const char *name);

/* Strip /k/v1 or /k/guest/<id>/v1 from a URL path; NULL if it has neither. */
const char *ts_api_strip_prefix(const char *url);

#endif
