/*
 * api/public.c - answering a public form from outside, without an account
 * (our extension, README "Public forms"). The form is named by its token in
 * the address (/public/forms/<token>/...), set by the app's managers in
 * publicForms.json and deployed.
 *
 * GET token.json gives the page a signed token: when it was issued and a
 * random challenge. POST submit.json takes the answer with the token and a
 * nonce such that SHA-256(challenge + nonce) begins with `difficulty` zero
 * bits - a fraction of a second for a person's browser, costly in bulk. The
 * token must be at least MIN_FILL_SECONDS old (no one fills a form faster),
 * under an hour old, and is used once. Answers are counted per address and
 * form and per form in the database, so every server counts the same. The
 * answer is added as a public-form caller (model/caller.h) that may add a
 * record with the form's fields and do nothing else; defaults, formulas and
 * notifications run as for any record added.
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "base/busy.h"
#include "base/str.h"
#include "base/tstime.h"
#include "files/files.h"
#include "notify/notify.h"
#include "policy/policy.h"
#include "query/query.h"
#include "record/record.h"
#include "store/store.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <unistd.h>

#define KEY_NAME         "publicFormKey"
#define MIN_FILL_SECONDS 3
#define TOKEN_SECONDS    3600
#define DIFFICULTY       16 /* leading zero bits: about 65,000 hashes */
#define WINDOW_SECONDS   600
#define TOKENS_PER_ADDR  120 /* tokens an address may ask for in a window */
#define ANSWERS_PER_ADDR 20  /* answers an address may send one form in a window */
#define ANSWERS_PER_FORM 1000

/* The installation's key for signing tokens: made when the first token is
 * issued (make), kept in the database so that a token one server issued holds
 * on every other. */
static int form_key(struct ts_ctx *cx, unsigned char key[crypto_auth_hmacsha256_KEYBYTES],
                    bool make)
{
    const char *hex = ts_store_system_get(cx, KEY_NAME);
    if (cx->err.code)
        return -1;
    char fresh[crypto_auth_hmacsha256_KEYBYTES * 2 + 1];
    if (!hex && !make)
        return ts_fail(cx, TS_E_FORM_REFUSED, "no key yet: no token was issued");
    if (!hex) {
        unsigned char k[crypto_auth_hmacsha256_KEYBYTES];
        randombytes_buf(k, sizeof(k));
        sodium_bin2hex(fresh, sizeof(fresh), k, sizeof(k));
        if (ts_store_system_put(cx, KEY_NAME, fresh) < 0)
            return -1;
        hex = fresh;
    }
    size_t len = 0;
    if (sodium_hex2bin(key, crypto_auth_hmacsha256_KEYBYTES, hex, strlen(hex), NULL, &len, NULL) ||
        len != crypto_auth_hmacsha256_KEYBYTES)
        return ts_fail(cx, TS_E_INTERNAL, "public form key unreadable");
    return 0;
}

/* base64url of the MAC of "<form>.<issued>.<challenge>". */
static const char *sign(struct ts_ctx *cx, const unsigned char *key, int64_t form_id,
                        int64_t issued, const char *challenge)
{
    const char *msg = ts_arena_printf(cx->arena, "%lld.%lld.%s", (long long)form_id,
                                      (long long)issued, challenge);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), key);
    char *out = ts_arena_alloc(
        cx->arena,
        sodium_base64_ENCODED_LEN(sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING));
    return sodium_bin2base64(
        out, sodium_base64_ENCODED_LEN(sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING), mac,
        sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

struct form {
    const char *token; /* the form's or view's own */
    bool by_link;      /* reached through a recipient's personal link */
    struct ts_public_link link;
    int64_t app_id, form_id, answers;
    const struct ts_app *app;
    const json_t *def;      /* the form's settings, as deployed */
    const json_t *personal; /* of def: to whom it was sent, {} for everyone */
};

/* Is the instant the setting key of obj holds (ISO 8601) unset or after now
 * (after: true), or before (false)? */
static bool before_setting(const struct ts_ctx *cx, const json_t *obj, const char *key, bool unset)
{
    const char *s = json_string_value(json_object_get(obj, key));
    int64_t at;
    if (!s || !*s)
        return unset;
    return ts_datetime_parse(s, &at) == 0 && cx->now < at;
}

/* The open form (key "publicForms") or view ("publicViews") the address
 * names, by its own token or a recipient's link; a closed, paused or unknown
 * one, or a revoked or expired link, is not told apart from one that never
 * was. A form sent to recipients answers through their links only. */
static int open_public(struct ts_ctx *cx, struct ts_api_req *rq, struct form *f, const char *key)
{
    const char *token = rq->public_token;
    f->token = token;
    f->by_link = false;
    int found =
        token ? ts_store_public_form_find(cx, token, &f->app_id, &f->form_id, &f->answers) : 0;
    if (found == 0 && token) {
        found = ts_store_public_link_find(cx, token, &f->link);
        f->by_link = found > 0;
        if (f->by_link) {
            f->token = f->link.parent;
            found = f->link.revoked ? 0
                                    : ts_store_public_form_find(cx, f->token, &f->app_id,
                                                                &f->form_id, &f->answers);
        }
    }
    if (found < 0)
        return -1;
    f->app = found ? ts_app_get(cx, f->app_id) : NULL;
    if (!f->app)
        ts_err_clear(cx);
    f->def = NULL;
    size_t i;
    const json_t *d;
    json_array_foreach (f->app ? json_object_get(f->app->def, key) : NULL, i, d)
        if (ts_str_eq(json_string_value(json_object_get(d, "token")), f->token))
            f->def = d;
    f->personal = json_object_get(f->def, "personal");
    int64_t from = 0;
    const char *a = json_string_value(json_object_get(f->def, "openFrom"));
    const json_t *max = json_object_get(f->def, "maxAnswers");
    bool open = f->def && json_is_true(json_object_get(f->def, "enabled")) &&
                (!a || !*a || (ts_datetime_parse(a, &from) == 0 && cx->now >= from)) &&
                before_setting(cx, f->def, "openUntil", true) &&
                (!json_is_integer(max) || f->answers < json_integer_value(max)) &&
                (json_object_size(f->personal) > 0) == f->by_link &&
                (!f->by_link || before_setting(cx, f->personal, "linksUntil", true));
    /* only from the addresses it allows, if it names some */
    const json_t *allow = json_object_get(f->def, "allow");
    bool here = !json_array_size(allow);
    json_array_foreach (allow, i, d)
        here |= ts_addr_in(rq->auth.client_addr, json_string_value(d));
    return open && here ? 0
                        : ts_fail(cx, TS_E_FORM_CLOSED, "public %s %s", key, token ? token : "");
}

static int open_form(struct ts_ctx *cx, struct ts_api_req *rq, struct form *f)
{
    return open_public(cx, rq, f, "publicForms");
}

/* The fields the form or view publishes, by field index of its app; of a
 * form, only those still fit to be asked from outside. */
static const bool *published_fields(struct ts_ctx *cx, const struct form *f, bool form)
{
    bool *published = TS_NEW_N(cx->arena, bool, (size_t)f->app->n_fields);
    size_t i;
    const json_t *c;
    json_array_foreach (json_object_get(f->def, "fields"), i, c) {
        const struct ts_field *fd = ts_app_field(f->app, json_string_value(c));
        if (fd && (!form || ts_app_publishable(fd)))
            published[ts_app_field_index(f->app, fd)] = true;
    }
    return published;
}

/* From here on the caller is someone outside (model/caller.h): a public
 * form's answerer (kind FORM: may add with the published fields, or correct
 * the record filter names) or a reader (VIEW: the records filter selects,
 * the published fields). */
static void act_as(struct ts_ctx *cx, const struct form *f, enum ts_caller_kind kind,
                   const bool *published, const char *filter)
{
    struct ts_form_grant *grant = TS_NEW(cx->arena, struct ts_form_grant);
    *grant = (struct ts_form_grant){
        .app_id = f->app_id, .form_id = f->form_id, .fields = published, .filter = filter};
    cx->caller = (struct ts_caller){.kind = kind, .form = grant};
    static const struct ts_user nobody = {.code = "", .name = "", .tz = "Asia/Tokyo"};
    if (kind == TS_CALLER_VIEW)
        cx->user = &nobody; /* LOGINUSER() is no one */
}

/* The published fields: code, name and type, and for a form what its page
 * needs to ask them (choices, limits, defaults, units). */
static void write_fields(struct ts_jw *w, const struct ts_app *app, const json_t *codes, bool asked)
{
    static const char *const props[] = {"required",  "defaultValue", "minLength",
                                        "maxLength", "minValue",     "maxValue",
                                        "unit",      "unitPosition", "digit"};
    ts_jw_key(w, "fields");
    ts_jw_arr(w);
    size_t i;
    const json_t *c;
    json_array_foreach (codes, i, c) {
        const struct ts_field *fd = ts_app_field(app, json_string_value(c));
        if (!fd)
            continue;
        ts_jw_obj(w);
        ts_jw_kstr(w, "code", fd->code);
        ts_jw_kstr(w, "label", fd->label);
        ts_jw_kstr(w, "type", ts_ftypes[fd->type].name);
        for (size_t k = 0; asked && k < TS_ARRAY_LEN(props); k++) {
            const json_t *v = json_object_get(fd->props, props[k]);
            if (v) {
                ts_jw_key(w, props[k]);
                ts_jw_json(w, v);
            }
        }
        if (asked && fd->n_options) {
            ts_jw_key(w, "options");
            ts_jw_arr(w);
            for (int k = 0; k < fd->n_options; k++)
                ts_jw_str(w, fd->options[k].name);
            ts_jw_arr_end(w);
        }
        ts_jw_obj_end(w);
    }
    ts_jw_arr_end(w);
}

/* "lookups": each published lookup question and the published questions it
 * fills in, which the page shows filled and does not ask. */
static void write_lookups(struct ts_ctx *cx, struct ts_jw *w, const struct form *f)
{
    const bool *published = published_fields(cx, f, true);
    ts_jw_key(w, "lookups");
    ts_jw_obj(w);
    for (int i = 0; i < f->app->n_fields; i++) {
        const json_t *lk = json_object_get(f->app->fields[i].props, "lookup");
        if (!published[i] || !lk)
            continue;
        ts_jw_key(w, f->app->fields[i].code);
        ts_jw_arr(w);
        size_t k;
        const json_t *m;
        json_array_foreach (json_object_get(lk, "fieldMappings"), k, m) {
            const struct ts_field *t =
                ts_app_field(f->app, json_string_value(json_object_get(m, "field")));
            if (t && published[ts_app_field_index(f->app, t)])
                ts_jw_str(w, t->code);
        }
        ts_jw_arr_end(w);
    }
    ts_jw_obj_end(w);
}

/* GET form.json: what the page asks, of the published fields only. */
int ts_api_public_form(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct form f;
    if (open_form(cx, rq, &f) < 0)
        return -1;
    static const char *const texts[] = {"name",         "title", "description", "thanks",
                                        "receiptField", "logo",  "color"};
    ts_jw_obj(w);
    for (size_t i = 0; i < TS_ARRAY_LEN(texts); i++)
        ts_jw_kstr(w, texts[i], json_string_value(json_object_get(f.def, texts[i])));
    write_fields(w, f.app, json_object_get(f.def, "fields"), true);
    ts_jw_key(w, "help");
    ts_jw_json(w, json_object_get(f.def, "help"));
    ts_jw_key(w, "conditions");
    ts_jw_json(w, json_object_get(f.def, "conditions"));
    ts_jw_key(w, "steps");
    ts_jw_json(w, json_object_get(f.def, "steps"));
    ts_jw_key(w, "uploads");
    ts_jw_json(w, json_object_get(f.def, "uploads"));
    write_lookups(cx, w, &f);
    if (f.by_link) {
        /* whom the link is for, and the question their key answers (locked) */
        ts_jw_key(w, "personal");
        ts_jw_obj(w);
        ts_jw_kstr(w, "name", f.link.name);
        ts_jw_kstr(w, "key", f.link.recipient);
        ts_jw_kstr(w, "field", json_string_value(json_object_get(f.personal, "field")));
        ts_jw_kstr(w, "editUntil", json_string_value(json_object_get(f.personal, "editUntil")));
        ts_jw_kbool(w, "mayCorrect", before_setting(cx, f.personal, "editUntil", false));
        ts_jw_obj_end(w);
    }
    ts_jw_obj_end(w);
    return 0;
}

/* An address as limits count it: an IPv6 address by its /64 (one home or
 * office holds a whole one), any other as it is. */
static const char *addr_key(struct ts_ctx *cx, const char *addr)
{
    unsigned char a[16];
    if (!addr || !strchr(addr, ':') || inet_pton(AF_INET6, addr, a) != 1)
        return addr ? addr : "";
    if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)a)) /* IPv4 through a dual-stack socket */
        return ts_arena_printf(cx->arena, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
    return ts_arena_printf(cx->arena, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", a[0], a[1], a[2],
                           a[3], a[4], a[5], a[6], a[7]);
}

static int hit(struct ts_ctx *cx, const char *key, int64_t most)
{
    int rc = ts_store_rate_hit(cx, key, cx->now, WINDOW_SECONDS, most);
    return rc < 0 ? -1 : rc == 0 ? ts_fail(cx, TS_E_FORM_BUSY, "%s", key) : 0;
}

int ts_api_public_token(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct form f;
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
    if (open_form(cx, rq, &f) < 0 ||
        hit(cx, ts_arena_printf(cx->arena, "t:%s", addr_key(cx, rq->auth.client_addr)),
            TOKENS_PER_ADDR) < 0 ||
        form_key(cx, key, true) < 0)
        return -1;
    unsigned char raw[16];
    char challenge[sizeof(raw) * 2 + 1];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(challenge, sizeof(challenge), raw, sizeof(raw));
    const char *mac = sign(cx, key, f.form_id, cx->now, challenge);
    ts_jw_obj(w);
    ts_jw_kstr(w, "token",
               ts_arena_printf(cx->arena, "%lld.%s.%s", (long long)cx->now, challenge, mac));
    ts_jw_kint(w, "notBefore", MIN_FILL_SECONDS);
    ts_jw_kstr(w, "challenge", challenge);
    ts_jw_kint(w, "difficulty", DIFFICULTY);
    ts_jw_obj_end(w);
    return 0;
}

/* Does SHA-256(challenge + nonce) begin with `bits` zero bits? */
static bool worked(const char *challenge, const char *nonce, int bits)
{
    size_t n = strlen(nonce);
    if (n == 0 || n > 20 || strspn(nonce, "0123456789") != n)
        return false;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)challenge, strlen(challenge));
    crypto_hash_sha256_update(&st, (const unsigned char *)nonce, n);
    crypto_hash_sha256_final(&st, h);
    for (int i = 0; i < bits; i++)
        if (h[i / 8] & (0x80 >> (i % 8)))
            return false;
    return true;
}

/* The token the page was given for this form: "<issued>.<challenge>.<mac>",
 * signed for it, old enough and not too old, with the work done. Nothing is
 * written: whether it was used before is asked after (spend). */
static bool token_good(struct ts_ctx *cx, const struct form *f, const char *token,
                       const char *nonce, char challenge[33], int64_t *issued)
{
    const char *dot1 = token ? strchr(token, '.') : NULL,
               *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot2 || strchr(dot2 + 1, '.') || dot1 - token > 18 || dot2 - dot1 - 1 != 32 ||
        strspn(token, "0123456789") != (size_t)(dot1 - token) ||
        strspn(dot1 + 1, "0123456789abcdef") != 32)
        return false;
    char *end;
    errno = 0;
    long long at = strtoll(token, &end, 10);
    if (errno || end != dot1 || at < 0 || at > cx->now || cx->now - at < MIN_FILL_SECONDS ||
        cx->now - at > TOKEN_SECONDS)
        return false;
    memcpy(challenge, dot1 + 1, 32);
    challenge[32] = '\0';
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
    if (form_key(cx, key, false) < 0) {
        ts_err_clear(cx);
        return false;
    }
    const char *want = sign(cx, key, f->form_id, at, challenge), *mac = dot2 + 1;
    *issued = at;
    return strlen(mac) == strlen(want) && sodium_memcmp(mac, want, strlen(want)) == 0 &&
           worked(challenge, nonce ? nonce : "", DIFFICULTY);
}

struct answer {
    struct ts_api_req *rq;
    struct form f;
    const char *addr;
    int over; /* a limit reached */
    char challenge[33];
    int64_t issued;
    int64_t id;
    const char *receipt;
};

/* A question shown only when an earlier choice has one of some values is not
 * asked otherwise: what was sent for it is let go. */
static void unasked(const json_t *def, json_t *record)
{
    size_t i, k, m;
    const json_t *c, *want, *got;
    json_array_foreach (json_object_get(def, "conditions"), i, c) {
        const json_t *value = json_object_get(
            json_object_get(record, json_string_value(json_object_get(c, "when"))), "value");
        bool shown = false;
        json_array_foreach (json_object_get(c, "values"), k, want) {
            if (json_is_string(value))
                shown |= ts_str_eq(json_string_value(value), json_string_value(want));
            json_array_foreach (json_is_array(value) ? value : NULL, m, got)
                shown |= ts_str_eq(json_string_value(got), json_string_value(want));
        }
        if (!shown)
            json_object_del(record, json_string_value(json_object_get(c, "field")));
    }
}

/* The receipt mailed to the address the person gave, if the form asks for
 * one: the form's thanks, the receipt number and their answers. Three a
 * day at most to one address, so that a form cannot be used to flood one. */
static int mail_receipt(struct ts_ctx *cx, const struct form *f, const json_t *record,
                        const char *receipt)
{
    const char *field = json_string_value(json_object_get(f->def, "receiptField"));
    const char *to =
        field && *field
            ? json_string_value(json_object_get(json_object_get(record, field), "value"))
            : NULL;
    if (!ts_mail_address_ok(to))
        return 0;
    struct ts_mail_settings mail;
    if (ts_mail_settings(cx, &mail) < 0 || !mail.enabled) /* nothing kept to send later */
        return cx->err.code ? -1 : 0;
    int room = ts_store_rate_hit(cx, ts_arena_printf(cx->arena, "m:%s", to), cx->now, 86400, 3);
    if (room <= 0)
        return room;
    const char *title = json_string_value(json_object_get(f->def, "title"));
    if (!title || !*title)
        title = json_string_value(json_object_get(f->def, "name"));
    struct ts_buf b;
    ts_buf_init(&b);
    const char *thanks = json_string_value(json_object_get(f->def, "thanks"));
    ts_buf_printf(&b, "%s\n\n受付番号 / Receipt: %s\n\n", thanks && *thanks ? thanks : title,
                  receipt);
    size_t i;
    const json_t *c;
    json_array_foreach (json_object_get(f->def, "fields"), i, c) {
        const struct ts_field *fd = ts_app_field(f->app, json_string_value(c));
        const json_t *v = fd ? json_object_get(json_object_get(record, fd->code), "value") : NULL;
        if (!fd || !v)
            continue;
        ts_buf_printf(&b, "%s: ", fd->label);
        if (fd->type == TS_F_FILE) {
            ts_buf_printf(&b, "%zu 件のファイル / file(s)\n", json_array_size(v));
            continue;
        }
        if (json_is_string(v))
            ts_buf_puts(&b, json_string_value(v));
        size_t k;
        const json_t *x;
        json_array_foreach (json_is_array(v) ? v : NULL, k, x)
            ts_buf_printf(&b, "%s%s", k ? ", " : "", json_is_string(x) ? json_string_value(x) : "");
        ts_buf_putc(&b, '\n');
    }
    const char *body = ts_arena_strndup(cx->arena, b.p ? b.p : "", b.len);
    ts_buf_release(&b);
    return ts_mail_queue(cx, to, ts_arena_printf(cx->arena, "【受付】%s", title), body);
}

/* A recipient's answer carries their key in the form's key question: as
 * sent (it must be theirs) or filled in. */
static int lock_key(struct ts_ctx *cx, const struct form *f, json_t *record)
{
    const char *field = json_string_value(json_object_get(f->personal, "field"));
    const json_t *sent = json_object_get(json_object_get(record, field), "value");
    if (sent && !ts_str_eq(json_string_value(sent), f->link.recipient)) {
        ts_fail_field(cx, ts_arena_printf(cx->arena, "record.%s.value", field),
                      TS_M_PUBLIC_KEY_LOCKED);
        return -1;
    }
    json_object_set_new(record, field, json_pack("{s:s}", "value", f->link.recipient));
    return 0;
}

/* The record of the recipient's earlier answer with that receipt, while the
 * form lets answers be corrected. */
static int earlier_answer(struct ts_ctx *cx, const struct form *f, const char *receipt, int64_t *id)
{
    struct ts_public_answer *list;
    int n;
    if (!f->by_link || !before_setting(cx, f->personal, "editUntil", false))
        return ts_fail(cx, TS_E_FORM_REFUSED, "corrections closed");
    if (ts_store_public_answers(cx, f->token, f->link.recipient, &list, &n) < 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (ts_str_eq(list[i].receipt, receipt))
            *id = list[i].record_id;
    return *id ? 0 : ts_fail(cx, TS_E_FORM_REFUSED, "no answer %s of theirs", receipt);
}

#define LOOKUPS_PER_ADDR 60 /* keys an address may look up in a window */

/* GET lookup.json?field=&value=: what a lookup question fills in from the
 * key typed (kintone's 取得), so the person sees it before sending: of the
 * form's published questions only; nothing else of the source app. A key
 * not found is {"record": null}, counted like one found. */
int ts_api_public_lookup(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct form f;
    if (open_form(cx, rq, &f) < 0 ||
        hit(cx, ts_arena_printf(cx->arena, "l:%s", addr_key(cx, rq->auth.client_addr)),
            LOOKUPS_PER_ADDR) < 0)
        return -1;
    const char *code = ts_param_str(rq->params, "field");
    const char *value = ts_param_str(rq->params, "value");
    const struct ts_field *fd = code ? ts_app_field(f.app, code) : NULL;
    const bool *published = published_fields(cx, &f, true);
    const json_t *lk = fd ? json_object_get(fd->props, "lookup") : NULL;
    if (!lk || !published[ts_app_field_index(f.app, fd)]) {
        ts_fail_field(cx, "field", TS_M_FORM_NO_FIELD);
        return -1;
    }
    if (!value || !*value || ts_utf8_len(value) > 200) {
        ts_fail_field(cx, "value", TS_M_TOO_LONG, 200);
        return -1;
    }
    act_as(cx, &f, TS_CALLER_FORM, published, NULL);
    /* shown: the questions the lookup fills that the form asks */
    bool *shown = TS_NEW_N(cx->arena, bool, (size_t)f.app->n_fields);
    size_t i;
    const json_t *m;
    json_array_foreach (json_object_get(lk, "fieldMappings"), i, m) {
        const struct ts_field *t =
            ts_app_field(f.app, json_string_value(json_object_get(m, "field")));
        if (t && published[ts_app_field_index(f.app, t)])
            shown[ts_app_field_index(f.app, t)] = true;
    }
    struct ts_record r;
    int rc = ts_record_lookup_fill(cx, f.app, fd, value, &r);
    if (rc < 0 && cx->err.code != TS_E_LOOKUP_NOT_FOUND)
        return -1;
    ts_err_clear(cx);
    ts_jw_obj(w);
    ts_jw_key(w, "record");
    if (rc < 0)
        ts_jw_null(w);
    else
        ts_record_write(cx, w, f.app, &r, shown);
    ts_jw_obj_end(w);
    return 0;
}

#define UPLOADS_PER_ADDR   30 /* files an address may send in a window */
#define UPLOAD_MB_PER_ADDR 50 /* and megabytes */

struct attachment {
    struct ts_api_req *rq;
    struct form f;
    const char *addr;
    bool over;
    struct ts_upload *u;
    char hash[65];
    int64_t size;
    const char *key;
};

/* Counted for its address, kept whatever follows. */
static int count_upload(struct ts_ctx *cx, void *arg)
{
    struct attachment *a = arg;
    if (open_form(cx, a->rq, &a->f) < 0)
        return -1;
    int files = ts_store_rate_hit(cx, ts_arena_printf(cx->arena, "u:%s", a->addr), cx->now,
                                  WINDOW_SECONDS, UPLOADS_PER_ADDR);
    int64_t mb = a->u ? (ts_upload_size(a->u) + (1 << 20) - 1) >> 20 : 0;
    int bytes = files <= 0 ? files
                           : ts_store_rate_add(cx, ts_arena_printf(cx->arena, "ub:%s", a->addr),
                                               cx->now, WINDOW_SECONDS, mb, UPLOAD_MB_PER_ADDR);
    a->over = bytes == 0;
    return bytes < 0 ? -1 : 0;
}

/* A file fits a question's limits (key names the problem): its size, its
 * kind by the ending of its name, and for some kinds by its first bytes. */
static int fits_question(struct ts_ctx *cx, const json_t *limits, const char *name, int64_t size,
                         const unsigned char *head, size_t n, const char *key)
{
    int64_t mb = json_integer_value(json_object_get(limits, "maxMB"));
    if (size > mb << 20) {
        ts_fail_field(cx, key, TS_M_PUBLIC_FILE_SIZE,
                      ts_arena_printf(cx->arena, "%lld", (long long)mb));
        return -1;
    }
    const char *dot = strrchr(name, '.');
    char *ext = ts_arena_strdup(cx->arena, dot ? dot + 1 : "");
    for (char *p = ext; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    bool listed = false;
    struct ts_buf kinds;
    ts_buf_init(&kinds);
    size_t i;
    const json_t *t;
    json_array_foreach (json_object_get(limits, "types"), i, t) {
        listed |= *ext && ts_str_eq(json_string_value(t), ext);
        ts_buf_printf(&kinds, "%s%s", i ? ", " : "", json_string_value(t));
    }
    const char *named = ts_arena_strndup(cx->arena, kinds.p ? kinds.p : "", kinds.len);
    ts_buf_release(&kinds);
    if (!listed || !ts_files_kind_ok(ext, head, n)) {
        ts_fail_field(cx, key, TS_M_PUBLIC_FILE_KIND, named);
        return -1;
    }
    return 0;
}

/* Each new upload an answer names fits the question it is given for (it was
 * checked for the one it was sent for, which may be another). */
static int uploads_fit(struct ts_ctx *cx, const struct form *f, const json_t *record)
{
    const char *code;
    const json_t *v;
    json_object_foreach ((json_t *)record, code, v) {
        const json_t *limits = json_object_get(json_object_get(f->def, "uploads"), code);
        size_t i;
        const json_t *item;
        json_array_foreach (limits ? json_object_get(v, "value") : NULL, i, item) {
            const char *key = json_string_value(json_object_get(item, "fileKey"));
            struct ts_file_row *row = key ? ts_store_file_get(cx, key) : NULL;
            if (!row || row->attached)
                continue; /* unknown keys are the record's to refuse; attached ones were checked */
            unsigned char head[16];
            int fd = ts_files_open(row->hash);
            ssize_t n = fd >= 0 ? read(fd, head, sizeof(head)) : -1;
            if (fd >= 0)
                close(fd);
            if (fits_question(cx, limits, row->name, row->size, head, n > 0 ? (size_t)n : 0,
                              ts_arena_printf(cx->arena, "record.%s.value[%zu]", code, i)) < 0)
                return -1;
        }
    }
    return cx->err.code ? -1 : 0;
}

/* The upload checked against its question's limits and kept, the form its
 * uploader: only an answer to this form may take it. */
static int keep_upload(struct ts_ctx *cx, void *arg)
{
    struct attachment *a = arg;
    const char *field = ts_param_str(a->rq->params, "field");
    const json_t *limits =
        json_object_get(json_object_get(a->f.def, "uploads"), field ? field : "");
    const struct ts_field *fd = field ? ts_app_field(a->f.app, field) : NULL;
    if (!limits || !fd || fd->type != TS_F_FILE) {
        ts_fail_field(cx, "field", TS_M_FORM_NO_FIELD);
        return -1;
    }
    const char *name = a->rq->upload_name && *a->rq->upload_name ? a->rq->upload_name : "file";
    unsigned char head[16];
    size_t n = ts_upload_head(a->u, head, sizeof(head));
    if (fits_question(cx, limits, name, ts_upload_size(a->u), head, n, "file") < 0)
        return -1;
    int64_t room;
    if (ts_api_upload_room(cx, &room) < 0)
        return -1;
    if (ts_upload_size(a->u) > room)
        return ts_fail(cx, TS_E_UPLOAD_QUOTA, "public uploads full");
    act_as(cx, &a->f, TS_CALLER_FORM, NULL, NULL); /* the uploader: the form */
    struct ts_upload *u = a->u;
    a->u = NULL; /* finished here, kept or not */
    if (ts_upload_finish(u, a->hash, &a->size) < 0)
        return errno == ENOSPC ? ts_fail(cx, TS_E_STORAGE_FULL, "public upload: disk full")
                               : ts_fail(cx, TS_E_INTERNAL, "cannot store a public upload");
    char key[33];
    ts_files_new_key(key);
    a->key = ts_arena_strdup(cx->arena, key);
    struct ts_file_row row = {.key = a->key,
                              .hash = a->hash,
                              .name = name,
                              .type = a->rq->upload_type,
                              .size = a->size,
                              .created = cx->now,
                              .owner = ts_policy_caller_key(cx)};
    return ts_store_file_add(cx, &row);
}

/* POST file.json (multipart: file, field, token, nonce): an attachment for
 * an answer not sent yet, with the page's token and its work (not spent: the
 * answer spends it), within its question's size and kinds. The answer names
 * it by the fileKey given. */
int ts_api_public_file(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct attachment a = {.rq = rq, .addr = addr_key(cx, rq->auth.client_addr), .u = rq->upload};
    rq->upload_taken = true;
    int rc = -1;
    char challenge[33];
    int64_t issued;
    if (!a.u)
        ts_fail_field(cx, "file", TS_M_REQUIRED_PARAM);
    else if (ts_api_tx(cx, count_upload, &a) < 0)
        ;
    else if (a.over)
        ts_fail(cx, TS_E_FORM_BUSY, "uploads from %s", a.addr);
    else if (!token_good(cx, &a.f, ts_param_str(rq->params, "token"),
                         ts_param_str(rq->params, "nonce"), challenge, &issued))
        ts_fail(cx, TS_E_FORM_REFUSED, "upload token");
    else
        rc = ts_api_tx(cx, keep_upload, &a);
    ts_upload_abort(a.u);
    if (rc < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kstr(w, "fileKey", a.key);
    ts_jw_obj_end(w);
    return 0;
}

/* Step 1, kept whatever follows: the answer counted for its address. */
static int count(struct ts_ctx *cx, void *arg)
{
    struct answer *a = arg;
    int mine = ts_store_rate_hit(
        cx, ts_arena_printf(cx->arena, "a:%lld:%s", (long long)a->f.form_id, a->addr), cx->now,
        WINDOW_SECONDS, ANSWERS_PER_ADDR);
    a->over = mine == 0;
    return mine < 0 ? -1 : 0;
}

/* Step 2, kept whatever follows: the token spent. */
static int spend(struct ts_ctx *cx, void *arg)
{
    struct answer *a = arg;
    int fresh =
        ts_store_public_challenge_use(cx, a->challenge, a->issued + TOKEN_SECONDS + 60, cx->now);
    return fresh < 0 ? -1 : fresh ? 0 : ts_fail(cx, TS_E_FORM_REFUSED, "token used");
}

/* An answer added counts for the form (a recipient's link: for itself), in
 * the same transaction: answers refused for their values count only for
 * their address, so that junk cannot close a form. */
static int count_for_form(struct ts_ctx *cx, const struct answer *a)
{
    const char *key = a->f.by_link ? ts_arena_printf(cx->arena, "k:%s", a->rq->public_token)
                                   : ts_arena_printf(cx->arena, "f:%lld", (long long)a->f.form_id);
    return hit(cx, key, a->f.by_link ? ANSWERS_PER_ADDR : ANSWERS_PER_FORM);
}

/* Step 3: the record, as the form; all or nothing. */
static int add(struct ts_ctx *cx, void *arg)
{
    struct answer *a = arg;
    struct form *f = &a->f;
    if (open_form(cx, a->rq, f) < 0)
        return -1;
    /* the form as the app is now: a field no longer fit to publish is not on it, and a
     * field the app came to require since makes the form closed (not named to outsiders) */
    const bool *published = published_fields(cx, f, true);
    if (ts_app_public_form_missing(f->app, json_object_get(f->def, "fields")))
        return ts_fail(cx, TS_E_FORM_CLOSED, "a required field is not on form %lld",
                       (long long)f->form_id);
    /* only the form's fields; anything else is refused by the name it was sent with */
    const json_t *sent = json_object_get(a->rq->params, "record");
    if (!json_is_object(sent)) {
        ts_fail_field(cx, "record", TS_M_NOT_OBJECT);
        return -1;
    }
    json_t *record = json_copy((json_t *)sent);
    ts_arena_defer_decref(cx->arena, record);
    unasked(f->def, record);
    const char *code;
    const json_t *v;
    json_object_foreach ((json_t *)record, code, v) {
        const struct ts_field *fd = ts_app_field(f->app, code);
        if (!fd || !published[ts_app_field_index(f->app, fd)])
            ts_fail_field(cx, ts_arena_printf(cx->arena, "record.%s", code), TS_M_FORM_NO_FIELD);
    }
    if ((f->by_link && lock_key(cx, f, record) < 0) || uploads_fit(cx, f, record) < 0)
        return -1;
    if (cx->err.code)
        return -1;
    /* from here on, the caller is the form: it may add this record, or correct
     * the one earlier answer named, and nothing else */
    const char *receipt = ts_param_str(a->rq->params, "receipt");
    int64_t earlier = 0;
    if (receipt && earlier_answer(cx, f, receipt, &earlier) < 0)
        return -1;
    const struct ts_user *writer = ts_store_user_by_id(cx, 1); /* as for tokens: auth.c */
    if (!writer)
        return cx->err.code ? -1 : ts_fail(cx, TS_E_INTERNAL, "no first administrator");
    act_as(cx, f, TS_CALLER_FORM, published,
           earlier ? ts_arena_printf(cx->arena, "$id = %lld", (long long)earlier) : NULL);
    cx->user = writer;
    if (earlier) {
        int64_t rev, new_rev;
        if (ts_param_revision(cx, json_object_get(a->rq->params, "revision"), "revision", &rev) <
                0 ||
            ts_api_record_allowed(cx, f->app, earlier, TS_RR_EDIT) < 0 ||
            ts_api_writable(cx, f->app, record, earlier) < 0 ||
            ts_record_update(cx, f->app, earlier, rev, record, "record", &new_rev) < 0)
            return -1;
        a->id = earlier;
        a->receipt = receipt;
        return mail_receipt(cx, f, record, a->receipt);
    }
    if (ts_api_add_record(cx, f->app, record, "record", &a->id) < 0 ||
        ts_store_public_form_answered(cx, f->token) < 0 || count_for_form(cx, a) < 0)
        return -1;
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
    if (form_key(cx, key, false) < 0)
        return -1;
    /* a receipt that does not tell how many answers came before */
    a->receipt = ts_arena_strndup(cx->arena, sign(cx, key, f->form_id, a->id, "receipt"), 12);
    if (f->by_link && ts_store_public_answer_add(cx, f->token, f->link.recipient, a->receipt,
                                                 f->app->id, a->id, cx->now) < 0)
        return -1;
    return mail_receipt(cx, f, record, a->receipt);
}

/* Junk - no token with its work done, or the trap filled - is refused having
 * only read, so a flood of it does not hold up anyone's writes. Then each
 * step in a transaction of its own, so that an answer refused later still
 * counted against its address, and a token refused later is spent. */
int ts_api_public_submit(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct answer a = {.rq = rq, .addr = addr_key(cx, rq->auth.client_addr)};
    if (ts_db_begin(cx, false) < 0)
        return -1;
    int open = open_form(cx, rq, &a.f);
    /* a field people do not see, that only programs fill in */
    const char *trap = ts_param_str(rq->params, "website");
    bool good = open == 0 && !(trap && *trap) &&
                token_good(cx, &a.f, ts_param_str(rq->params, "token"),
                           ts_param_str(rq->params, "nonce"), a.challenge, &a.issued);
    ts_db_rollback(cx);
    if (open < 0)
        return -1;
    if (!good)
        return ts_fail(cx, TS_E_FORM_REFUSED, trap && *trap ? "honeypot" : "token");
    if (ts_api_tx(cx, count, &a) < 0)
        return -1;
    if (a.over)
        return ts_fail(cx, TS_E_FORM_BUSY, "form %lld from %s", (long long)a.f.form_id, a.addr);
    if (ts_api_tx(cx, spend, &a) < 0 || ts_api_tx(cx, add, &a) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_kstr(w, "receipt", a.receipt);
    ts_jw_kstr(w, "thanks", json_string_value(json_object_get(a.f.def, "thanks")));
    ts_jw_obj_end(w);
    return 0;
}

#define MAX_OWN_ANSWERS 100

struct own {
    struct ts_jw *w;
    const struct ts_app *app;
    const struct ts_public_answer *list;
    int n;
    struct ts_api_shown shown;
};

static int write_own(struct ts_ctx *cx, const struct ts_record *r, void *arg)
{
    struct own *o = arg;
    for (int i = 0; i < o->n; i++) {
        if (o->list[i].record_id != r->id)
            continue;
        char at[21];
        ts_datetime_format(o->list[i].at, at);
        ts_jw_obj(o->w);
        ts_jw_kstr(o->w, "receipt", o->list[i].receipt);
        ts_jw_kstr(o->w, "at", at);
        ts_jw_kid(o->w, "revision", r->revision);
        ts_jw_key(o->w, "record");
        ts_record_write(cx, o->w, o->app, r, ts_api_shown_in(cx, o->app, &o->shown, r));
        ts_jw_obj_end(o->w);
    }
    return 0;
}

/* GET answers.json, through a personal link only: the recipient's own
 * answers to the form, newest first, with the form's fields as the records
 * are now (staff may have mended them; one deleted is gone). */
int ts_api_public_answers(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct form f;
    if (open_form(cx, rq, &f) < 0)
        return -1;
    if (!f.by_link)
        return ts_fail(cx, TS_E_FORM_CLOSED, "answers of no one");
    struct own o = {.w = w, .app = f.app};
    if (ts_store_public_answers(cx, f.token, f.link.recipient, (struct ts_public_answer **)&o.list,
                                &o.n) < 0)
        return -1;
    o.n = o.n < MAX_OWN_ANSWERS ? o.n : MAX_OWN_ANSWERS;
    struct ts_buf ids;
    ts_buf_init(&ids);
    ts_buf_puts(&ids, "$id in (0");
    for (int i = 0; i < o.n; i++)
        ts_buf_printf(&ids, ",%lld", (long long)o.list[i].record_id);
    ts_buf_putc(&ids, ')');
    const char *filter = ts_arena_strndup(cx->arena, ids.p, ids.len);
    ts_buf_release(&ids);
    act_as(cx, &f, TS_CALLER_VIEW, published_fields(cx, &f, true), filter);
    struct ts_qplan plan;
    if (ts_api_query_viewable(cx, f.app, "", &plan) < 0 ||
        ts_api_shown(cx, f.app, NULL, &o.shown) < 0)
        return -1;
    plan.limit = MAX_OWN_ANSWERS;
    plan.has_limit = true;
    ts_jw_obj(w);
    ts_jw_key(w, "answers");
    ts_jw_arr(w);
    if (o.n && ts_store_records_select(cx, f.app, &plan, o.shown.load, write_own, &o) < 0)
        return -1;
    ts_jw_arr_end(w);
    ts_jw_obj_end(w);
    return 0;
}

/* ---------------------------------------------------------------- public views */

#define VIEW_READS_PER_ADDR 2 /* reads of public views an address may have at once */
#define VIEW_MAX_OFFSET     10000
#define VIEW_MAX_QUERY      2000

#define VIEW_KEY_SECONDS (12 * 3600) /* a password opens a view for a working day */
#define UNLOCKS_PER_ADDR 10          /* passwords an address may try in a window */
#define UNLOCKS_AT_ONCE  2           /* passwords checked at once (64 MB each) */

/* The key a view's password gives its reader: "<until>.<mac>", signed for
 * the view and its password's hash, so that a new password ends every key. */
static const char *view_key(struct ts_ctx *cx, const unsigned char *key, const struct form *v,
                            int64_t until)
{
    const char *hash = json_string_value(json_object_get(v->def, "passwordHash"));
    return ts_arena_printf(cx->arena, "%lld.%s", (long long)until,
                           sign(cx, key, v->form_id, until, hash));
}

/* May the reader see the view: it has no password, or they sent its key. */
static bool unlocked(struct ts_ctx *cx, const struct ts_api_req *rq, const struct form *v)
{
    if (!json_object_get(v->def, "passwordHash"))
        return true;
    const char *sent = rq->public_key ? rq->public_key : ts_param_str(rq->params, "key");
    char *end;
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
    if (!sent || strlen(sent) > 80 || !isdigit((unsigned char)*sent))
        return false;
    errno = 0;
    long long until = strtoll(sent, &end, 10);
    if (errno || *end != '.' || until <= cx->now || until > cx->now + VIEW_KEY_SECONDS)
        return false;
    if (form_key(cx, key, false) < 0) {
        ts_err_clear(cx);
        return false;
    }
    const char *want = view_key(cx, key, v, until);
    return strlen(sent) == strlen(want) && sodium_memcmp(sent, want, strlen(want)) == 0;
}

/* A view open to anyone may be kept by browsers and proxies a minute; one
 * behind a password, an address list or a personal link, by no one. */
static void cache_view(struct ts_api_req *rq, const struct form *v)
{
    bool open = !v->by_link && !json_object_get(v->def, "passwordHash") &&
                !json_array_size(json_object_get(v->def, "allow"));
    rq->cache_control = open ? "public, max-age=60" : "private, no-store";
}

struct unlock {
    struct ts_api_req *rq;
    struct form v;
    bool over;
};

static int count_unlock(struct ts_ctx *cx, void *arg)
{
    struct unlock *u = arg;
    if (open_public(cx, u->rq, &u->v, "publicViews") < 0)
        return -1;
    int rc = ts_store_rate_hit(
        cx, ts_arena_printf(cx->arena, "p:%s", addr_key(cx, u->rq->auth.client_addr)), cx->now,
        WINDOW_SECONDS, UNLOCKS_PER_ADDR);
    u->over = rc == 0;
    return rc < 0 ? -1 : 0;
}

/* POST unlock.json {password}: the key that opens a view behind a password,
 * for VIEW_KEY_SECONDS; each try counted for its address first. */
int ts_api_public_view_unlock(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct unlock u = {.rq = rq};
    if (ts_api_tx(cx, count_unlock, &u) < 0)
        return -1;
    if (u.over)
        return ts_fail(cx, TS_E_FORM_BUSY, "passwords from %s", rq->auth.client_addr);
    const char *hash = json_string_value(json_object_get(u.v.def, "passwordHash"));
    const char *password = ts_param_str(rq->params, "password");
    if (!hash || !password || strlen(password) > 128)
        return ts_fail(cx, TS_E_VIEW_WRONG_PASSWORD, "no password");
    if (!ts_busy_hold(cx->arena, "pw:*", UNLOCKS_AT_ONCE))
        return ts_fail(cx, TS_E_FORM_BUSY, "passwords being checked");
    if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
        return ts_fail(cx, TS_E_VIEW_WRONG_PASSWORD, "view %lld", (long long)u.v.form_id);
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
    if (ts_db_begin(cx, true) < 0)
        return -1;
    int rc = form_key(cx, key, true);
    if (rc < 0 || ts_db_commit(cx) < 0) {
        ts_db_rollback(cx);
        return -1;
    }
    ts_jw_obj(w);
    ts_jw_kstr(w, "key", view_key(cx, key, &u.v, cx->now + VIEW_KEY_SECONDS));
    ts_jw_obj_end(w);
    return 0;
}

/* GET view.json: the view's words and its fields' names and types; of a
 * view behind a password, without its key, only its name and that it is. */
int ts_api_public_view(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct form v;
    if (open_public(cx, rq, &v, "publicViews") < 0)
        return -1;
    cache_view(rq, &v);
    if (!unlocked(cx, rq, &v)) {
        ts_jw_obj(w);
        ts_jw_kstr(w, "title", json_string_value(json_object_get(v.def, "title")));
        ts_jw_kstr(w, "name", json_string_value(json_object_get(v.def, "name")));
        ts_jw_kbool(w, "locked", true);
        ts_jw_obj_end(w);
        return 0;
    }
    ts_jw_obj(w);
    static const char *const texts[] = {"name", "title", "description", "sort"};
    for (size_t i = 0; i < TS_ARRAY_LEN(texts); i++)
        ts_jw_kstr(w, texts[i], json_string_value(json_object_get(v.def, texts[i])));
    ts_jw_kint(w, "pageSize", json_integer_value(json_object_get(v.def, "pageSize")));
    if (v.by_link)
        ts_jw_kstr(w, "for", *v.link.name ? v.link.name : v.link.recipient);
    write_fields(w, v.app, json_object_get(v.def, "fields"), false);
    ts_jw_obj_end(w);
    return 0;
}

/* One more read running for key (at most most), given back when the request ends. */
static int take(struct ts_ctx *cx, const char *key, int most)
{
    return ts_busy_hold(cx->arena, key, most) ? 0 : ts_fail(cx, TS_E_FORM_BUSY, "%s", key);
}

struct page {
    struct ts_jw *w;
    const struct ts_app *app;
    struct ts_api_shown shown;
};

static int write_one(struct ts_ctx *cx, const struct ts_record *r, void *arg)
{
    struct page *pg = arg;
    ts_record_write(cx, pg->w, pg->app, r, ts_api_shown_in(cx, pg->app, &pg->shown, r));
    return 0;
}

/* GET records.json?query=&offset=&limit=: a page of the view's records, with
 * its published fields only. The reader is a public-view caller (policy):
 * its records are the view's filter's, its fields the published ones, so a
 * condition or an order naming another field is refused as if it did not
 * exist, and counts are of what the view shows. */
/* The open view the address names, its password's key given, one more read
 * for the address; from here on the caller reads as the view (policy
 * TS_CALLER_VIEW): its filter's records (through a personal link, those
 * holding the recipient's number) and its published fields. */
static int view_reader(struct ts_ctx *cx, struct ts_api_req *rq, struct form *v)
{
    if (open_public(cx, rq, v, "publicViews") < 0)
        return -1;
    if (!unlocked(cx, rq, v))
        return ts_fail(cx, TS_E_VIEW_LOCKED, "view %lld", (long long)v->form_id);
    cache_view(rq, v);
    if (take(cx, ts_arena_printf(cx->arena, "pv:%s", addr_key(cx, rq->auth.client_addr)),
             VIEW_READS_PER_ADDR) < 0)
        return -1;
    const char *filter = json_string_value(json_object_get(v->def, "filterCond"));
    if (!filter)
        filter = "";
    if (v->by_link) {
        const char *field = json_string_value(json_object_get(v->personal, "field"));
        filter = ts_arena_printf(cx->arena, "%s%s%s%s = \"%s\"", *filter ? "(" : "", filter,
                                 *filter ? ") and " : "", field,
                                 ts_query_quote(cx->arena, v->link.recipient));
    }
    act_as(cx, v, TS_CALLER_VIEW, published_fields(cx, v, false), filter);
    return 0;
}

/* GET file.json?fileKey=[&size=]: an attachment of a record the view shows,
 * in a field it publishes (or its thumbnail), as the view may see it. */
int ts_api_public_view_file(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct form v;
    if (view_reader(cx, rq, &v) < 0)
        return -1;
    return json_object_get(rq->params, "size") ? ts_api_thumbnail(cx, rq, w)
                                               : ts_api_file_download(cx, rq, w);
}

int ts_api_public_view_records(struct ts_ctx *cx, struct ts_api_req *rq, struct ts_jw *w)
{
    struct form v;
    if (view_reader(cx, rq, &v) < 0)
        return -1;
    const char *query = ts_param_str(rq->params, "query");
    if (query && strlen(query) > VIEW_MAX_QUERY) {
        ts_fail_field(cx, "query", TS_M_TOO_LONG, VIEW_MAX_QUERY);
        return -1;
    }
    int64_t size = json_integer_value(json_object_get(v.def, "pageSize")), limit, offset;
    if (ts_param_int(cx, rq->params, "limit", size, 1, &limit) < 0 ||
        ts_param_int(cx, rq->params, "offset", 0, 0, &offset) < 0)
        return -1;
    if (limit > 100 || offset > VIEW_MAX_OFFSET) {
        ts_fail_field(cx, limit > 100 ? "limit" : "offset", TS_M_TOO_MANY_ITEMS,
                      limit > 100 ? 100 : VIEW_MAX_OFFSET);
        return -1;
    }
    struct ts_qplan plan;
    if (ts_api_query_viewable(cx, v.app, query ? query : "", &plan) < 0) {
        if (ts_err_status(cx->err.code) >= 500)
            return -1;
        /* what is wrong with it is not told: it could name what the view does not show */
        ts_err_clear(cx);
        return ts_fail(cx, TS_E_PUBLIC_QUERY, "public view query");
    }
    const char *sort = json_string_value(json_object_get(v.def, "sort"));
    if (plan.n_order == 0 && sort && *sort) {
        /* the view's own order, by fields it shows (checked when saved; one
         * no longer shown is let go) */
        struct ts_query_env env = ts_policy_query_env(cx);
        struct ts_qplan order;
        if (ts_query_plan(cx, v.app, sort, TS_QUERY_SORT, &env, &order) < 0)
            return -1;
        const bool *published = cx->caller.form->fields;
        for (int i = 0; i < order.n_order; i++)
            if (published[ts_app_field_index(v.app, order.order[i].field)])
                plan.order[plan.n_order++] = order.order[i];
    }
    plan.limit = limit;
    plan.offset = offset;
    plan.has_limit = plan.has_offset = true;
    struct page pg = {w, v.app, {0}};
    if (ts_api_shown(cx, v.app, NULL, &pg.shown) < 0)
        return -1;
    ts_jw_obj(w);
    ts_jw_key(w, "records");
    ts_jw_arr(w);
    if (ts_store_records_select(cx, v.app, &plan, pg.shown.load, write_one, &pg) < 0)
        return -1;
    ts_jw_arr_end(w);
    int64_t n = ts_store_records_count(cx, v.app, &plan);
    if (n < 0)
        return -1;
    ts_jw_key(w, "totalCount");
    ts_jw_i64_str(w, n);
    ts_jw_obj_end(w);
    return 0;
}
