/*
 * auth/auth.c - identity, API tokens, sessions, and the login rate limit.
 */
#include "base/common.h"
#include "auth/auth.h"
#include "policy/policy.h"
#include "base/log.h"
#include "base/str.h"
#include "store/store.h"

#include <pthread.h>
#include <sodium.h>

void ts_auth_init(void)
{
    if (sodium_init() < 0)
        TS_BUG("libsodium could not start");
}

void ts_auth_random_text(char *out, size_t n)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
    out[n] = '\0';
}

static void hash32(const char *s, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)s, strlen(s), NULL, 0);
}

bool ts_auth_password_acceptable(const char *password)
{
    size_t n = ts_utf8_len(password);
    return n >= TS_PASSWORD_MIN && n <= TS_PASSWORD_MAX;
}

char *ts_auth_hash_password(const char *password)
{
    char *out = ts_xmalloc(crypto_pwhash_STRBYTES);
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* ---------------------------------------------------------------- failed logins */

#define LIMIT_FAILS   10        /* failures allowed in a window */
#define LIMIT_WINDOW  (10 * 60) /* seconds */
#define LIMIT_LOCKOUT (5 * 60)

/* Exact counts, one row per login name and per address that failed lately,
 * in the database: a lock made through one server holds on every other, and
 * no other name can push an entry out. Each failure costs an Argon2id
 * verification (or counts against an address), so the rows grow by a few
 * thousand in a window at most; the upkeep job forgets finished ones. */
static const char *limit_key(struct ts_ctx *cx, const char *kind, const char *s)
{
    /* a login tried may be long: its first 256 bytes name it */
    return ts_arena_printf(cx->arena, "%s\x1f%.256s", kind, s ? s : "");
}

/* Is either limit key (key2 may be NULL) locked now? */
static bool locked(struct ts_ctx *cx, const char *key, const char *key2)
{
    int rc = ts_store_login_locked(cx, key, key2, cx->now);
    if (rc < 0) { /* the database failed: no sign-in it cannot count */
        ts_err_clear(cx);
        return true;
    }
    return rc == 1;
}

bool ts_auth_locked(struct ts_ctx *cx, const char *kind, const char *s)
{
    return locked(cx, limit_key(cx, kind, s), NULL);
}

/* Is the login name, or the address (NULL: not counted), locked now? */
static bool locked_out(struct ts_ctx *cx, const char *name, const char *addr)
{
    return locked(cx, limit_key(cx, "name", name), addr ? limit_key(cx, "addr", addr) : NULL);
}

struct failed_keys {
    const char *name, *addr; /* limit keys, NULL: not counted */
};

static int count_failed(struct ts_ctx *cx, void *arg)
{
    const struct failed_keys *k = arg;
    for (int i = 0; i < 2; i++) {
        const char *key = i ? k->addr : k->name;
        if (key &&
            ts_store_login_failed(cx, key, cx->now, LIMIT_FAILS, LIMIT_WINDOW, LIMIT_LOCKOUT) < 0)
            return -1;
    }
    return 0;
}

void ts_auth_failed(struct ts_ctx *cx, const char *name, const char *addr)
{
    struct failed_keys k = {name ? limit_key(cx, "name", name) : NULL,
                            addr ? limit_key(cx, "addr", addr) : NULL};
    struct ts_err saved = cx->err; /* the failure being counted stays the answer */
    ts_err_clear(cx);
    if ((k.name || k.addr) && ts_db_in_write_tx(cx, count_failed, &k) < 0)
        TS_LOG_WARN(cx, "auth", "a failed sign-in could not be counted");
    cx->err = saved;
}

static int forget(struct ts_ctx *cx, void *arg)
{
    (void)arg;
    return ts_store_login_failures_expire(cx, cx->now, LIMIT_WINDOW);
}

int ts_auth_forget_failures(struct ts_ctx *cx)
{
    return ts_db_in_write_tx(cx, forget, NULL);
}

/* ---------------------------------------------------------------- verified headers */

#define VERIFIED_SLOTS 1024
#define VERIFIED_TTL   300

static struct {
    unsigned char hash[32];
    int64_t user_id, pw_version, expires;
    char code[129]; /* the login it was verified for: a rename since makes it stale */
} verified[VERIFIED_SLOTS];
static pthread_mutex_t verified_lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t verified_lookup(const unsigned char h[32], int64_t now, int64_t *pw_version,
                               char code[129])
{
    size_t i;
    memcpy(&i, h, sizeof(i));
    i %= VERIFIED_SLOTS;
    int64_t id = 0;
    pthread_mutex_lock(&verified_lock);
    if (verified[i].expires > now && sodium_memcmp(verified[i].hash, h, 32) == 0) {
        id = verified[i].user_id;
        *pw_version = verified[i].pw_version;
        memcpy(code, verified[i].code, 129);
    }
    pthread_mutex_unlock(&verified_lock);
    return id;
}

static void verified_store(const unsigned char h[32], const struct ts_user *u, int64_t now)
{
    size_t i;
    memcpy(&i, h, sizeof(i));
    i %= VERIFIED_SLOTS;
    pthread_mutex_lock(&verified_lock);
    memcpy(verified[i].hash, h, 32);
    verified[i].user_id = u->id;
    verified[i].pw_version = u->pw_version;
    verified[i].expires = now + VERIFIED_TTL;
    snprintf(verified[i].code, sizeof(verified[i].code), "%s", u->code);
    pthread_mutex_unlock(&verified_lock);
}

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    char pw[33];
    ts_auth_random_text(pw, 32);
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = '\0';
}

/* A failure to count once no lock is held: counting writes to the database,
 * and must not hold up other sign-ins waiting for verify_lock meanwhile. */
struct failure {
    const char *name, *addr; /* NULL: not counted against it */
};

/* Check code/password, honouring the lockout. Returns the user, or NULL with
 * CB_WA01 (and *f what to count) or LOGIN_LOCKED set. */
static struct ts_user *check_password(struct ts_ctx *cx, const char *code, const char *password,
                                      const char *addr, struct failure *f)
{
    if (locked_out(cx, code, addr)) {
        ts_fail(cx, TS_E_LOGIN_LOCKED, "login locked");
        return NULL;
    }
    struct ts_user *u = ts_store_user_by_code(cx, code);
    if (!u && cx->err.code)
        return NULL;
    /* one verification whoever asks: an unknown, deactivated or password-less
     * account takes as long to refuse as a wrong password */
    bool usable = u && u->active && u->pwhash && *u->pwhash;
    pthread_once(&dummy_once, make_dummy);
    bool ok = crypto_pwhash_str_verify(usable ? u->pwhash : dummy_hash, password,
                                       strlen(password)) == 0 &&
              usable;
    if (!ok) {
        *f = (struct failure){ts_arena_strdup(cx->arena, code), addr};
        TS_LOG_WARN(cx, "auth", "login failed for a user name from %s", addr ? addr : "?");
        ts_fail(cx, TS_E_BAD_PASSWORD, "bad password");
        return NULL;
    }
    return u;
}

/* Credentials refused without a password check (a malformed header, an
 * unknown token) count against the client's address like a wrong password,
 * so that they cannot be sent without end (each is written to the audit log). */
static int refuse_cheap(struct ts_ctx *cx, const char *addr, const char *why, struct failure *f)
{
    if (addr && ts_auth_locked(cx, "addr", addr))
        return ts_fail(cx, TS_E_LOGIN_LOCKED, "address locked");
    f->addr = addr;
    return ts_fail(cx, TS_E_BAD_PASSWORD, "%s", why);
}

static pthread_mutex_t verify_lock = PTHREAD_MUTEX_INITIALIZER;
static int verify_header(struct ts_ctx *cx, const char *header, const char *addr,
                         const unsigned char h[32], struct failure *f);

/* The user a verified header (by its hash) stands for: 1 and cx->user set, 0
 * when the header is not in the cache (or the password or login changed
 * since), -1. */
static int cached_user(struct ts_ctx *cx, const unsigned char h[32])
{
    int64_t pw_version = 0;
    char code[129];
    int64_t id = verified_lookup(h, cx->now, &pw_version, code);
    if (!id)
        return 0;
    struct ts_user *u = ts_store_user_by_id(cx, id);
    if (u && u->active && u->pw_version == pw_version && strcmp(u->code, code) == 0) {
        cx->user = u;
        return 1;
    }
    return cx->err.code ? -1 : 0;
}

static int identify_password(struct ts_ctx *cx, const char *header, const char *addr)
{
    unsigned char h[32];
    hash32(header, h);
    int rc = cached_user(cx, h);
    if (rc == 0) {
        /* One Argon2id verification at a time (each takes 64 MB and tens of
         * ms): when many connections arrive with the same header, one
         * verifies and the others then find it in the cache. */
        struct failure f = {NULL, NULL};
        pthread_mutex_lock(&verify_lock);
        rc = cached_user(cx, h);
        if (rc == 0) /* 2: verified now, the lock checked on the way */
            rc = verify_header(cx, header, addr, h, &f) < 0 ? -1 : 2;
        pthread_mutex_unlock(&verify_lock);
        ts_auth_failed(cx, f.name, f.addr);
    }
    if (rc < 0)
        return -1;
    /* a lock holds for credentials verified before it too */
    if (rc == 1 && locked_out(cx, cx->user->code, addr)) {
        cx->user = NULL;
        return ts_fail(cx, TS_E_LOGIN_LOCKED, "login locked");
    }
    return 0;
}

static int verify_header(struct ts_ctx *cx, const char *header, const char *addr,
                         const unsigned char h[32], struct failure *f)
{
    unsigned char raw[512];
    size_t len = 0;
    if (strlen(header) > 680 ||
        sodium_base642bin(raw, sizeof(raw) - 1, header, strlen(header), NULL, &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return refuse_cheap(cx, addr, "bad base64", f);
    raw[len] = '\0';
    char *colon = memchr(raw, ':', len);
    if (!colon || memchr(raw, '\0', len))
        return refuse_cheap(cx, addr, "no colon", f);
    *colon = '\0';
    struct ts_user *u = check_password(cx, (const char *)raw, colon + 1, addr, f);
    sodium_memzero(raw, sizeof(raw));
    if (!u)
        return -1;
    verified_store(h, u, cx->now);
    cx->user = u;
    return 0;
}

static int tokens_of(struct ts_ctx *cx, const char *header, const char *addr, struct failure *f);

static int identify_tokens(struct ts_ctx *cx, const char *header, const char *addr)
{
    struct failure f = {NULL, NULL};
    int rc = tokens_of(cx, header, addr, &f);
    ts_auth_failed(cx, f.name, f.addr);
    return rc;
}

static int tokens_of(struct ts_ctx *cx, const char *header, const char *addr, struct failure *f)
{
    struct ts_token_grant *grants = TS_NEW_N(cx->arena, struct ts_token_grant, TS_AUTH_MAX_TOKENS);
    int n = 0;
    char *list = ts_arena_strdup(cx->arena, header);
    char *save = NULL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        if (n == TS_AUTH_MAX_TOKENS)
            return refuse_cheap(cx, addr, "too many tokens", f);
        unsigned char h[32];
        hash32(tok, h);
        int found = ts_store_token_find(cx, h, &grants[n]);
        if (found < 0)
            return -1;
        /* a token lapses with its creator's rights: deactivated, or no longer
         * managing the app */
        int valid = found ? ts_policy_token_valid(cx, &grants[n]) : 0;
        if (valid < 0)
            return -1;
        if (!valid)
            return refuse_cheap(cx, addr, found ? "API token lapsed" : "unknown API token", f);
        n++;
    }
    if (n == 0)
        return refuse_cheap(cx, addr, "empty API token header", f);
    /* Records written with a token name the administrator, as kintone does:
     * the account the first start made (user 1), by id, so that renaming it
     * keeps tokens working and nobody given the login later becomes it; the
     * audit log names the token (policy: ts_policy_who). */
    const struct ts_user *admin = ts_store_user_by_id(cx, 1);
    if (!admin)
        return cx->err.code ? -1 : ts_fail(cx, TS_E_INTERNAL, "no first administrator (user 1)");
    cx->caller = (struct ts_caller){.kind = TS_CALLER_TOKEN, .n_tokens = n, .tokens = grants};
    cx->user = admin;
    return 0;
}

static void as_person(struct ts_ctx *cx, const struct ts_user *u, const char *csrf)
{
    cx->caller = (struct ts_caller){.kind = TS_CALLER_USER, .person = u, .csrf = csrf};
    cx->user = u;
}

int ts_auth_identify(struct ts_ctx *cx, const struct ts_auth_request *rq)
{
    cx->caller = (struct ts_caller){.kind = TS_CALLER_NOBODY};
    if (rq->password_header && *rq->password_header) {
        if (identify_password(cx, rq->password_header, rq->client_addr) < 0)
            return -1;
        as_person(cx, cx->user, NULL);
        return 0;
    }
    if (rq->token_header && *rq->token_header)
        return identify_tokens(cx, rq->token_header, rq->client_addr);
    if (rq->session_cookie && *rq->session_cookie) {
        unsigned char h[32];
        hash32(rq->session_cookie, h);
        int64_t user_id;
        const char *csrf;
        int found = ts_store_session_get(cx, h, &user_id, &csrf);
        if (found < 0)
            return -1;
        if (found) {
            struct ts_user *u = ts_store_user_by_id(cx, user_id);
            if (u && u->active) {
                as_person(cx, u, csrf);
                return 0;
            }
            if (cx->err.code)
                return -1;
        }
    }
    return ts_fail(cx, TS_E_LOGIN_REQUIRED, "no credentials");
}

#define SESSION_TTL (12 * 3600)

int ts_auth_login(struct ts_ctx *cx, const char *code, const char *password, const char *addr,
                  const char **session, const char **csrf)
{
    struct failure f = {NULL, NULL};
    struct ts_user *u = check_password(cx, code, password, addr, &f);
    if (!u) {
        ts_auth_failed(cx, f.name, f.addr);
        return -1;
    }
    char *sid = ts_arena_alloc(cx->arena, 44), *tok = ts_arena_alloc(cx->arena, 33);
    ts_auth_random_text(sid, 43);
    ts_auth_random_text(tok, 32);
    unsigned char h[32];
    hash32(sid, h);
    if (ts_store_session_add(cx, h, u->id, tok, cx->now + SESSION_TTL) < 0)
        return -1;
    as_person(cx, u, tok);
    *session = sid;
    *csrf = tok;
    TS_LOG_INFO(cx, "auth", "user %lld logged in", (long long)u->id);
    return 0;
}

int ts_auth_logout(struct ts_ctx *cx, const char *session)
{
    unsigned char h[32];
    if (!session)
        return 0;
    hash32(session, h);
    return ts_store_session_delete(cx, h);
}

const char *ts_auth_token_create(struct ts_ctx *cx, int64_t app_id, unsigned perms,
                                 const char *note, int64_t *id)
{
    char *tok = ts_arena_alloc(cx->arena, 41);
    ts_auth_random_text(tok, 40);
    unsigned char h[32];
    hash32(tok, h);
    struct ts_token_row t = {
        .app_id = app_id,
        .perms = perms,
        .prefix = ts_arena_strndup(cx->arena, tok, 6),
        .note = note,
        .creator = cx->user ? cx->user->code : "",
        .creator_id = cx->user ? cx->user->id : 0,
        .created = cx->now,
    };
    if (ts_store_token_add(cx, h, &t) < 0)
        return NULL;
    *id = t.id;
    return tok;
}

static const char *const PERM_NAMES[] = {"view", "add", "edit", "delete", "manage"};

int ts_auth_perms_parse(const char *s, unsigned *perms)
{
    *perms = 0;
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", s);
    char *save = NULL;
    for (char *w = strtok_r(buf, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
        size_t i;
        for (i = 0; i < TS_ARRAY_LEN(PERM_NAMES); i++)
            if (strcmp(w, PERM_NAMES[i]) == 0)
                break;
        if (i == TS_ARRAY_LEN(PERM_NAMES))
            return -1;
        *perms |= 1u << i;
    }
    return *perms ? 0 : -1;
}

const char *ts_auth_perms_text(struct ts_ctx *cx, unsigned perms)
{
    char buf[64] = "";
    size_t n = 0;
    for (size_t i = 0; i < TS_ARRAY_LEN(PERM_NAMES); i++)
        if (perms & (1u << i))
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? "," : "", PERM_NAMES[i]);
    return ts_arena_strdup(cx->arena, buf);
}
