/*
 * auth/auth.h - who is calling, and whether they may (KINTONE-API.md §1).
 *
 * Password auth (X-Cybozu-Authorization), per-app API tokens
 * (X-Cybozu-API-Token, comma-separated), and browser sessions (an HttpOnly
 * cookie plus __REQUEST_TOKEN__ on every write). When several are present the
 * password wins, then tokens, then the session, as kintone.
 *
 * Passwords are Argon2id hashes (libsodium). Verifying one costs tens of
 * milliseconds by design, so a successful header is remembered (by its hash) for
 * a few minutes, and forgotten when the password changes. Failed logins are
 * counted per login name and per client address; past the limit the caller
 * waits (429).
 */
#ifndef TS_AUTH_H
#define TS_AUTH_H

#include "base/ctx.h"
#include "model/qplan.h"
#include "model/user.h"

#include <jansson.h>

struct ts_record;

enum ts_perm {
    TS_PERM_VIEW = 1 << 0,
    TS_PERM_ADD = 1 << 1,
    TS_PERM_EDIT = 1 << 2,
    TS_PERM_DELETE = 1 << 3,
    TS_PERM_MANAGE = 1 << 4,
    TS_PERM_IMPORT = 1 << 5, /* app ACL only: tokens import with add and edit */
    TS_PERM_EXPORT = 1 << 6, /* app ACL only: tokens export with view */
};

enum ts_auth_kind { TS_AUTH_PASSWORD, TS_AUTH_TOKEN, TS_AUTH_SESSION };

#define TS_AUTH_MAX_TOKENS 9

struct ts_auth {
    enum ts_auth_kind kind;
    int n_tokens; /* TOKEN: the apps and rights of each token sent */
    struct {
        int64_t app_id;
        unsigned perms;
    } tokens[TS_AUTH_MAX_TOKENS];
    const char *csrf; /* SESSION: the request token writes must carry */
};

struct ts_auth_request {
    const char *password_header; /* X-Cybozu-Authorization */
    const char *token_header;    /* X-Cybozu-API-Token */
    const char *session_cookie;  /* value of the tsumiki_session cookie */
    const char *client_addr;
};

void ts_auth_init(void);

/* Identify the caller; sets cx->user and cx->auth. CB_AU01 when nothing was sent,
 * CB_WA01 for a wrong password or unknown token, 429 when locked out. */
int ts_auth_identify(struct ts_ctx *cx, const struct ts_auth_request *rq);

/* May the caller do perm on app_id? Users may do everything (app and record
 * permissions arrive with the team layer); tokens only what they were given:
 * GAIA_IA02 for another app's token, GAIA_NO01 for a missing right. */
int ts_auth_require_app(struct ts_ctx *cx, int64_t app_id, unsigned perm);
/* App access rights (auth/acl.c): the rights (enum ts_perm bits) the
 * signed-in user has on an app, from the first entry of its list that matches
 * them; the rights one list entry gives; the list an app starts with. */
unsigned ts_acl_app_perms(struct ts_ctx *cx, int64_t app_id);
unsigned ts_acl_perms(const json_t *entry);
json_t *ts_acl_default(void);

/* Record access rights (record/acl.json): a condition that holds for the
 * records of app the caller may view, edit or delete; NULL when every record
 * (no rules, or an administrator), and NULL with cx->err set on failure. The
 * rules come in order: the first whose filter a record meets decides, by its
 * first entity that fits the caller (the record's creator is one). */
enum ts_record_right { TS_RR_VIEW, TS_RR_EDIT, TS_RR_DELETE };
struct ts_qnode *ts_acl_records(struct ts_ctx *cx, const struct ts_app *app,
                                enum ts_record_right right);

/* Field access rights (field/acl.json): for each field of app (indexed like
 * app->fields) what the caller may do with it; NULL when everything may be
 * written (no rules, or an administrator). A field no entity of its rule fits
 * is NONE; a table's fields go with the table. A rule may name a people field
 * of the record (FIELD_ENTITY): where that decides, the field is BY_RECORD,
 * and ts_acl_fields_of tells it for one record. */
enum { TS_FIELD_NONE = 0, TS_FIELD_READ = 1, TS_FIELD_WRITE = 2, TS_FIELD_BY_RECORD = 3 };
const char *ts_acl_fields(struct ts_ctx *cx, const struct ts_app *app);
/* access (from ts_acl_fields) for record r: access itself when no field
 * depends on the record; else a copy with each BY_RECORD field settled.
 * Without r (a record no longer there), those fields are NONE. */
const char *ts_acl_fields_of(struct ts_ctx *cx, const struct ts_app *app, const char *access,
                             const struct ts_record *r);
/* Does access hold a BY_RECORD field? */
bool ts_acl_fields_by_record(const struct ts_app *app, const char *access);
/* The condition "the caller may see BY_RECORD field f in the record" (NULL
 * with cx->err set on failure). */
struct ts_qnode *ts_acl_field_visible(struct ts_ctx *cx, const struct ts_app *app,
                                      const struct ts_field *f);

/* May the caller create apps? Everyone, unless the installation names who may
 * (system setting appCreators); administrators always. CB_NO02 otherwise. */
int ts_acl_require_app_creator(struct ts_ctx *cx);

/* The caller's side of a query: LOGINUSER(), PRIMARY_ORGANIZATION(), their
 * time zone for TODAY() and the like, now; Rel.Field through the live apps. */
struct ts_query_env ts_auth_query_env(struct ts_ctx *cx);

/* May user view record id of app (app and record access rights)? For
 * delivering notifications and circulars: nobody hears of a record they may
 * not open. 1 yes, 0 no, -1 on failure. */
int ts_acl_user_may_view(struct ts_ctx *cx, const struct ts_app *app, const struct ts_user *user,
                         int64_t id);

/* May the caller view (edit, delete) record id of app under the record
 * rights? The app's own rights are checked before. 1 yes, 0 no, -1 on failure. */
int ts_acl_may(struct ts_ctx *cx, const struct ts_app *app, int64_t id, enum ts_record_right right);

/* ts_acl_fields_of as user would have them for record r (NULL: every field;
 * or on failure, with cx->err set). */
const char *ts_acl_user_fields(struct ts_ctx *cx, const struct ts_app *app,
                               const struct ts_user *user, const struct ts_record *r);

/* People an entity list names (auth/people.c): users, the members of groups
 * and departments (includeSubs: with those below), "everyone", the record's
 * creator (CREATOR) and whom its user, department or group fields hold
 * (FIELD_ENTITY). Active users only, each once; codes live in the arena. */
struct ts_people {
    const char **codes;
    int n, cap;
};
struct ts_record;
void ts_people_add(struct ts_ctx *cx, struct ts_people *p, const char *code);
bool ts_people_has(const struct ts_people *p, const char *code);
int ts_people_add_entities(struct ts_ctx *cx, const struct ts_app *app,
                           const struct ts_record *r /* NULL: no record */, const json_t *entities,
                           struct ts_people *p);

/* For APIs kintone does not open to API tokens (preview/app.json, apps.json). */
int ts_auth_require_user(struct ts_ctx *cx);
/* For the organisation's settings: system administrators only (CB_NO02). */
int ts_auth_require_admin(struct ts_ctx *cx);
/* A session write must carry the session's request token (CB_NO02 otherwise). */
int ts_auth_check_csrf(struct ts_ctx *cx, const char *request_token);

/* Browser login. On success returns 0 and arena strings for the cookie value
 * and the request token. */
int ts_auth_login(struct ts_ctx *cx, const char *code, const char *password, const char *addr,
                  const char **session /* out */, const char **csrf /* out */);
int ts_auth_logout(struct ts_ctx *cx, const char *session);

/* Argon2id hash of password (malloc'd string), or NULL if hashing failed. */
char *ts_auth_hash_password(const char *password);
/* A random printable secret of n characters into out[n+1]. */
void ts_auth_random_text(char *out, size_t n);

/* Create an API token for an app; returns the token text (arena), shown once. */
const char *ts_auth_token_create(struct ts_ctx *cx, int64_t app_id, unsigned perms,
                                 const char *note, int64_t *id /* out */);
/* Parse "view,add,edit,delete,manage" into perms; -1 if a word is unknown. */
int ts_auth_perms_parse(const char *s, unsigned *perms /* out */);
const char *ts_auth_perms_text(struct ts_ctx *cx, unsigned perms);

#endif
