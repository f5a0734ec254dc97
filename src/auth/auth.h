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

#define TS_AUTH_MAX_TOKENS 9 /* per request, as kintone */

struct ts_auth_request {
    const char *password_header; /* X-Cybozu-Authorization */
    const char *token_header;    /* X-Cybozu-API-Token */
    const char *session_cookie;  /* value of the tsumiki_session cookie */
    const char *client_addr;
};

void ts_auth_init(void);

/* Identify the caller: sets cx->caller and cx->user. CB_AU01 when nothing was sent,
 * CB_WA01 for a wrong password or unknown token, 429 when locked out. */
int ts_auth_identify(struct ts_ctx *cx, const struct ts_auth_request *rq);

/* Failed logins, counted per login name and per client address, in the
 * database (outside any transaction of the caller's): is kind ("name",
 * "addr") s locked now; count one more failure against name and addr (either
 * may be NULL), past the limit it locks; forget counts whose window and lock
 * are over (the upkeep job). */
bool ts_auth_locked(struct ts_ctx *cx, const char *kind, const char *s);
void ts_auth_failed(struct ts_ctx *cx, const char *name, const char *addr);
int ts_auth_forget_failures(struct ts_ctx *cx);

/* Browser login. On success returns 0 and arena strings for the cookie value
 * and the request token. */
int ts_auth_login(struct ts_ctx *cx, const char *code, const char *password, const char *addr,
                  const char **session /* out */, const char **csrf /* out */);
int ts_auth_logout(struct ts_ctx *cx, const char *session);

/* Every password, set by the API, the command line or the first start, has
 * this many characters (not bytes). */
#define TS_PASSWORD_MIN 8
#define TS_PASSWORD_MAX 256
bool ts_auth_password_acceptable(const char *password);

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
