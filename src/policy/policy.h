/*
 * policy/policy.h - every access decision, for every kind of caller
 * (model/caller.h): may this caller read or change this app, this record,
 * this field? A caller kind the policy does not know gets nothing.
 *
 * People get what the app's, records' and fields' rights give them (app/acl.json,
 * record/acl.json, field/acl.json), administrators everything. An API token
 * gets, in its own app, the rights it was given, over every record and field
 * (kintone's model: tokens are made by the app's managers), and nothing in any
 * other app unless that app's token is sent too. The system (jobs, the
 * operator's command line) may do everything. Nobody may do nothing.
 */
#ifndef TS_POLICY_H
#define TS_POLICY_H

#include "base/ctx.h"
#include "model/qplan.h"
#include "model/user.h"

#include <jansson.h>

struct ts_app;
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

/* May the caller do perm on app_id? A person by the app's rights; tokens only
 * what they were given: GAIA_IA02 for another app's token, GAIA_NO01 for a
 * missing right; CB_AU01 for nobody. */
int ts_policy_require_app(struct ts_ctx *cx, int64_t app_id, unsigned perm);
/* App access rights: the rights (enum ts_perm bits) the caller has on an app.
 * A person's come from the first entry of its list that matches them (an
 * administrator has all); a token's are what it was given for that app (none
 * for another app); the system has all; anyone else none. Also the rights one
 * list entry gives, and the list an app starts with. */
unsigned ts_policy_app_perms(struct ts_ctx *cx, int64_t app_id);
unsigned ts_policy_entry_perms(const json_t *entry);
json_t *ts_policy_default_acl(void);

/* Record access rights (record/acl.json): a condition that holds for the
 * records of app the caller may view, edit or delete; NULL when every record
 * (no rules, or an administrator), and NULL with cx->err set on failure. The
 * rules come in order: the first whose filter a record meets decides, by its
 * first entity that fits the caller (the record's creator is one). */
enum ts_record_right { TS_RR_VIEW, TS_RR_EDIT, TS_RR_DELETE };
struct ts_qnode *ts_policy_records(struct ts_ctx *cx, const struct ts_app *app,
                                   enum ts_record_right right);

/* Field access rights (field/acl.json): for each field of app (indexed like
 * app->fields) what the caller may do with it; NULL when everything may be
 * written (no rules, or an administrator). A field no entity of its rule fits
 * is NONE; a table's fields go with the table. A rule may name a people field
 * of the record (FIELD_ENTITY): where that decides, the field is BY_RECORD,
 * and ts_policy_fields_of tells it for one record. */
enum { TS_FIELD_NONE = 0, TS_FIELD_READ = 1, TS_FIELD_WRITE = 2, TS_FIELD_BY_RECORD = 3 };
const char *ts_policy_fields(struct ts_ctx *cx, const struct ts_app *app);
/* access (from ts_policy_fields) for record r: access itself when no field
 * depends on the record; else a copy with each BY_RECORD field settled.
 * Without r (a record no longer there), those fields are NONE. */
const char *ts_policy_fields_of(struct ts_ctx *cx, const struct ts_app *app, const char *access,
                                const struct ts_record *r);
/* Does access hold a BY_RECORD field? */
bool ts_policy_fields_by_record(const struct ts_app *app, const char *access);
/* The condition "the caller may see BY_RECORD field f in the record" (NULL
 * with cx->err set on failure). */
struct ts_qnode *ts_policy_field_visible(struct ts_ctx *cx, const struct ts_app *app,
                                         const struct ts_field *f);

/* May the caller create apps? Everyone, unless the installation names who may
 * (system setting appCreators); administrators always. CB_NO02 otherwise. */
int ts_policy_require_app_creator(struct ts_ctx *cx);

/* The caller's side of a query: LOGINUSER(), PRIMARY_ORGANIZATION(), their
 * time zone for TODAY() and the like, now; Rel.Field through the live apps. */
struct ts_query_env ts_policy_query_env(struct ts_ctx *cx);

/* May user view record id of app (app and record access rights)? For
 * delivering notifications and circulars: nobody hears of a record they may
 * not open. 1 yes, 0 no, -1 on failure. */
int ts_policy_user_may_view(struct ts_ctx *cx, const struct ts_app *app, const struct ts_user *user,
                            int64_t id);

/* May the caller view (edit, delete) record id of app under the record
 * rights? The app's own rights are checked before. 1 yes, 0 no, -1 on failure. */
int ts_policy_may(struct ts_ctx *cx, const struct ts_app *app, int64_t id,
                  enum ts_record_right right);

/* May the caller view record id of app (app and record rights)? For what a
 * request reaches into besides its own app (a lookup's source). 1 yes, 0 no,
 * -1 on failure. */
int ts_policy_may_view(struct ts_ctx *cx, const struct ts_app *app, int64_t id);

/* ts_policy_fields_of as user would have them for record r (NULL: every field;
 * or on failure, with cx->err set). */
const char *ts_policy_user_fields(struct ts_ctx *cx, const struct ts_app *app,
                                  const struct ts_user *user, const struct ts_record *r);

/* People an entity list names (policy/people.c): users, the members of groups
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

/* For APIs kintone does not open to API tokens (preview/app.json, apps.json):
 * a signed-in person (CB_AU01 for nobody, CB_NO02 for anyone else). */
int ts_policy_require_person(struct ts_ctx *cx);
/* Is the caller a person who is a system administrator? (A token is not,
 * though what it writes names Administrator.) */
bool ts_policy_is_admin(const struct ts_ctx *cx);
/* For the organisation's settings: system administrators only (CB_NO02). */
int ts_policy_require_admin(struct ts_ctx *cx);
/* A session write must carry the session's request token (CB_NO02 otherwise). */
int ts_policy_check_csrf(struct ts_ctx *cx, const char *request_token);

/* Run what follows as `user` would (notices: what may the person told see?),
 * and back. The caller's memberships cache is kept aside meanwhile. */
struct ts_policy_saved {
    struct ts_caller caller;
    const struct ts_user *user;
    void *memberships;
};
void ts_policy_become(struct ts_ctx *cx, const struct ts_user *user, struct ts_policy_saved *save);
void ts_policy_restore(struct ts_ctx *cx, const struct ts_policy_saved *save);

/* Does the token grant still hold? Its creator must be active and still
 * manage its app (or be an administrator). 1 yes, 0 no, -1 on failure. */
int ts_policy_token_valid(struct ts_ctx *cx, const struct ts_token_grant *t);

/* Who the caller is, in a few words, for the audit log ("dave", "API token 3
 * of dave", "system"), and a key that tells callers apart for shares of a
 * limit and for what they own, a token counting as its maker ("u12"). */
const char *ts_policy_who(struct ts_ctx *cx);
const char *ts_policy_caller_key(struct ts_ctx *cx);

#endif
