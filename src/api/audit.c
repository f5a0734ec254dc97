/*
 * api/audit.c - the audit log: who did what and when. Sign-ins (and failed
 * attempts), changes to apps' settings and permissions, deploys, exports,
 * imports, record deletions, API tokens, and changes to the organisation.
 *
 * Each entry carries an HMAC-SHA-256 of itself and the previous entry's hash,
 * keyed with a secret kept outside the database (the audit key file, made at
 * the first start, mode 0600), so an entry changed, removed or put out of
 * order afterwards shows in /api/audit/verify even when whoever changed it
 * also recomputed the hashes. Entries made before the key existed (an older
 * installation) keep their plain SHA-256; the key file says from which entry
 * on it applies. Entries of writes are made in the write's own transaction:
 * what is logged happened, and what happened is logged.
 */
#include "base/common.h"
#include "api/api.h"
#include "base/buf.h"
#include "base/tstime.h"
#include "base/str.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

/* The audit key: set once at start (ts_audit_key_open), read-only after. */
static unsigned char audit_key[crypto_auth_hmacsha256_KEYBYTES];
static int64_t keyed_from; /* 0: no key (unit tests); else the first entry it signs */

int ts_audit_key_open(struct ts_ctx *cx, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f && errno == ENOENT) {
        /* the first start (or the first of this version): a new key, applying
         * from the next entry on */
        struct ts_audit_row *last = ts_store_audit_last(cx);
        if (!last && cx->err.code)
            return -1;
        char hex[2 * sizeof(audit_key) + 1];
        randombytes_buf(audit_key, sizeof(audit_key));
        sodium_bin2hex(hex, sizeof(hex), audit_key, sizeof(audit_key));
        keyed_from = last ? last->id + 1 : 1;
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0 && errno == EEXIST) /* another process made it just now */
            return ts_audit_key_open(cx, path);
        FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
        bool ok = out && fprintf(out, "%s\nfrom %lld\n", hex, (long long)keyed_from) > 0 &&
                  fflush(out) == 0 && fsync(fd) == 0;
        if (out)
            fclose(out);
        else if (fd >= 0)
            close(fd);
        sodium_memzero(hex, sizeof(hex));
        return ok ? 0 : ts_fail(cx, TS_E_INTERNAL, "cannot write audit key %s", path);
    }
    if (!f)
        return ts_fail(cx, TS_E_INTERNAL, "audit key %s: %s", path, strerror(errno));
    char hex[2 * sizeof(audit_key) + 2];
    long long from = 0;
    bool ok = fgets(hex, sizeof(hex), f) && fscanf(f, "from %lld", &from) == 1 && from > 0 &&
              sodium_hex2bin(audit_key, sizeof(audit_key), hex, 2 * sizeof(audit_key), NULL, NULL,
                             NULL) == 0;
    fclose(f);
    sodium_memzero(hex, sizeof(hex));
    if (!ok)
        return ts_fail(cx, TS_E_INTERNAL, "audit key %s is not a key this version wrote", path);
    keyed_from = from;
    return 0;
}

static void hash_of(const struct ts_audit_row *a, const char *prev, char out[65])
{
    struct ts_buf b;
    ts_buf_init(&b);
    ts_buf_printf(&b, "%s\n%lld\n%lld\n%s\n%s\n%s\n%s\n%s", prev, (long long)a->id,
                  (long long)a->at, a->user, a->addr, a->action, a->target, a->detail);
    unsigned char digest[crypto_hash_sha256_BYTES];
    if (keyed_from && a->id >= keyed_from)
        crypto_auth_hmacsha256(digest, (const unsigned char *)b.p, b.len, audit_key);
    else
        crypto_hash_sha256(digest, (const unsigned char *)b.p, b.len);
    sodium_bin2hex(out, 65, digest, sizeof(digest));
    ts_buf_release(&b);
}

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

int ts_audit_add(struct ts_ctx *cx, const char *addr, const char *action, const char *target,
                 const char *detail)
{
    struct ts_audit_row *last = ts_store_audit_last(cx);
    if (!last && cx->err.code)
        return -1;
    struct ts_audit_row a = {
        .id = last ? last->id + 1 : 1,
        .at = cx->now,
        .user = ts_policy_who(cx),
        .addr = addr ? addr : "",
        .action = action,
        .target = target ? target : "",
        .detail = detail ? detail : "",
    };
    char hash[65];
    hash_of(&a, last ? last->hash : GENESIS, hash);
    a.hash = hash;
    return ts_store_audit_add(cx, &a);
}

int ts_audit_apart(struct ts_ctx *cx, const char *addr, const char *action, const char *target,
                   const char *detail)
{
    struct ts_err saved = cx->err;
    ts_err_clear(cx);
    struct ts_db *own = ts_db_writer_acquire(cx);
    int rc = ts_db_begin(cx, true);
    if (rc == 0 && ts_audit_add(cx, addr, action, target, detail) < 0) {
        ts_db_rollback(cx);
        rc = -1;
    } else if (rc == 0) {
        rc = ts_db_commit(cx);
    }
    ts_db_writer_release(cx, own);
    if (rc == 0)
        rc = ts_db_wait_durable(cx);
    cx->err = saved;
    return rc;
}

/* What a request was about, in a few words: the app, records, codes. */
const char *ts_audit_target(struct ts_ctx *cx, const json_t *params)
{
    struct ts_buf b;
    ts_buf_init(&b);
    static const char *const keys[] = {"app", "id", "ids", "codes", "kind"};
    for (size_t i = 0; i < TS_ARRAY_LEN(keys); i++) {
        const json_t *v = json_object_get(params, keys[i]);
        if (!v)
            continue;
        char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        ts_buf_printf(&b, "%s%s=%.200s", b.len ? " " : "", keys[i], text ? text : "");
        free(text);
    }
    /* whose records of the organisation changed: the codes each list names */
    static const char *const lists[] = {"users", "organizations", "groups", "userOrganizations",
                                        "userGroups"};
    for (size_t i = 0; i < TS_ARRAY_LEN(lists); i++) {
        const json_t *list = json_object_get(params, lists[i]);
        if (!json_is_array(list) || !json_array_size(list))
            continue;
        ts_buf_printf(&b, "%s%s=", b.len ? " " : "", lists[i]);
        size_t k;
        const json_t *e;
        json_array_foreach (list, k, e) {
            const char *code = json_string_value(json_object_get(e, "code"));
            if (k == 20) {
                ts_buf_printf(&b, ",…(%zu)", json_array_size(list));
                break;
            }
            ts_buf_printf(&b, "%s%.100s", k ? "," : "", code ? code : "?");
        }
    }
    const char *out = ts_arena_strndup(cx->arena, b.p ? b.p : "", b.len);
    ts_buf_release(&b);
    return out;
}

/* ---------------------------------------------------------------- reading */

static void write_entry(struct ts_jw *w, const struct ts_audit_row *a)
{
    char t[21];
    ts_jw_obj(w);
    ts_jw_key(w, "id");
    ts_jw_i64_str(w, a->id);
    ts_datetime_format(a->at, t);
    ts_jw_kstr(w, "at", t);
    ts_jw_kstr(w, "user", a->user);
    ts_jw_kstr(w, "addr", a->addr);
    ts_jw_kstr(w, "action", a->action);
    ts_jw_kstr(w, "target", a->target);
    ts_jw_kstr(w, "detail", a->detail);
    ts_jw_kstr(w, "hash", a->hash);
    ts_jw_obj_end(w);
}

static int entry_out(struct ts_ctx *cx, const struct ts_audit_row *a, void *arg)
{
    (void)cx;
    write_entry(arg, a);
    return 0;
}

/* GET /api/audit?offset&limit: newest first, for administrators. */
int ts_api_audit_get(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    int64_t offset, limit;
    if (ts_policy_require_admin(cx) < 0 ||
        ts_param_int(cx, rq->params, "offset", 0, 0, &offset) < 0 ||
        ts_param_int(cx, rq->params, "limit", 100, 1, &limit) < 0)
        return -1;
    if (limit > 500) {
        ts_fail_field(cx, "limit", TS_M_MAX_VALUE, "500");
        return -1;
    }
    ts_jw_obj(w);
    ts_jw_key(w, "entries");
    ts_jw_arr(w);
    if (ts_store_audit_each(cx, true, offset, limit, entry_out, w) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

struct chain {
    char prev[65];
    int64_t checked, expect_id, broken;
    int64_t anchor_id;       /* an entry the caller noted earlier ... */
    const char *anchor_hash; /* ... with its hash; 0 / NULL: none */
    bool anchor_seen;
};

static int check_one(struct ts_ctx *cx, const struct ts_audit_row *a, void *arg)
{
    (void)cx;
    struct chain *c = arg;
    char hash[65];
    struct ts_audit_row copy = *a;
    hash_of(&copy, c->prev, hash);
    c->checked++;
    if (a->id != c->expect_id || strcmp(hash, a->hash) != 0) {
        c->broken = a->id;
        return -1; /* stop: from here on nothing can be trusted */
    }
    memcpy(c->prev, a->hash, sizeof(c->prev));
    c->expect_id++;
    if (a->id == c->anchor_id)
        c->anchor_seen = c->anchor_hash && strcmp(c->anchor_hash, a->hash) == 0;
    return 0;
}

/* GET /api/audit/verify[?anchor=ID:HASH]: walks the whole chain, and says
 * where it ends. The chain alone cannot show entries cut from its end: an
 * anchor noted earlier (the `last` of an earlier answer, kept elsewhere) must
 * still be there with the same hash. */
int ts_api_audit_verify(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct chain c = {.prev = GENESIS, .expect_id = 1};
    const char *anchor = ts_param_str(rq->params, "anchor");
    const char *colon = anchor ? strchr(anchor, ':') : NULL;
    if (anchor &&
        (!colon || ts_parse_i64(ts_arena_strndup(cx->arena, anchor, (size_t)(colon - anchor)),
                                &c.anchor_id) < 0)) {
        ts_fail_field(cx, "anchor", TS_M_BAD_VALUE_SHAPE);
        return -1;
    }
    c.anchor_hash = colon ? colon + 1 : NULL;
    if (ts_store_audit_each(cx, false, 0, -1, check_one, &c) < 0 && !c.broken)
        return -1;
    bool anchored = !anchor || c.anchor_seen;
    ts_jw_obj(w);
    ts_jw_kbool(w, "ok", c.broken == 0 && anchored);
    ts_jw_key(w, "checked");
    ts_jw_i64_str(w, c.checked);
    ts_jw_key(w, "brokenAt");
    if (c.broken)
        ts_jw_i64_str(w, c.broken);
    else
        ts_jw_null(w);
    if (anchor)
        ts_jw_kbool(w, "anchorFound", c.anchor_seen);
    ts_jw_key(w, "last");
    if (c.checked && !c.broken) {
        ts_jw_obj(w);
        ts_jw_key(w, "id");
        ts_jw_i64_str(w, c.expect_id - 1);
        ts_jw_kstr(w, "hash", c.prev);
        ts_jw_obj_end(w);
    } else {
        ts_jw_null(w);
    }
    ts_jw_obj_end(w);
    return 0;
}
