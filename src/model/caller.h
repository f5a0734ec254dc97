/*
 * model/caller.h - whom a unit of work acts for: one explicit value that
 * travels with every request, command and job, and that the policy
 * (policy/policy.h) answers every access question about.
 */
#ifndef TS_MODEL_CALLER_H
#define TS_MODEL_CALLER_H

#include <stdbool.h>
#include <stdint.h>

struct ts_user;

enum ts_caller_kind {
    TS_CALLER_NOBODY = 0, /* not identified: the policy grants nothing */
    TS_CALLER_USER,       /* a person, by password or browser session */
    TS_CALLER_TOKEN,      /* API tokens, each for one app with its rights */
    TS_CALLER_SYSTEM,     /* background jobs and the operator's command line */
    TS_CALLER_FORM,       /* someone outside answering a public form: may add a record to
                           * its app with the form's fields, and nothing else */
    TS_CALLER_VIEW,       /* someone outside reading a public view: may view its app's
                           * records its filter selects, the view's fields only */
};

/* What a public form lets its answerer do, or a public view its reader
 * (api/public.c): on one app, the published fields; a view's filter. */
struct ts_form_grant {
    int64_t app_id, form_id;
    const bool *fields; /* by field index of the app: published */
    const char *filter; /* VIEW: the records it shows (a query condition), "" for all;
                         * FORM: the earlier answer it may correct, NULL for none */
};

/* One API token sent with the request, as stored. */
struct ts_token_grant {
    int64_t id, app_id;
    unsigned perms;     /* enum ts_perm bits: view, add, edit, delete, manage */
    int64_t creator_id; /* the person who made it: it lapses with their rights */
};

struct ts_caller {
    enum ts_caller_kind kind;
    const struct ts_user *person; /* USER: who */
    const char *csrf;             /* USER by session: the token writes must carry */
    int n_tokens;                 /* TOKEN: what was sent */
    const struct ts_token_grant *tokens;
    const struct ts_form_grant *form; /* FORM, VIEW: which form or view */
};

#endif
