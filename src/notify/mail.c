/*
 * notify/mail.c - e-mail through the installation's SMTP server (libcurl).
 *
 * Messages are queued in the outbox table in the transaction of what caused
 * them, and sent afterwards by the server's background thread, so a slow or
 * absent mail server never holds up a request, and a message is neither sent
 * for a change that rolled back nor lost for one that committed. A failed
 * send is tried again with growing pauses, eight times in all.
 */
#include "base/common.h"
#include "notify/notify.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/str.h"
#include "store/store.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>

#define MAX_ATTEMPTS 8
#define BATCH        20
#define SEND_SECONDS 30 /* one message's transfer, at most */

int ts_mail_settings(struct ts_ctx *cx, struct ts_mail_settings *out)
{
    *out =
        (struct ts_mail_settings){.from = "tsumiki@localhost", .base_url = "http://localhost:8080"};
    const char *text = ts_store_system_get(cx, "mail");
    if (!text)
        return cx->err.code ? -1 : 0;
    json_t *j = json_loads(text, 0, NULL);
    if (!j)
        return 0;
    const char *url = json_string_value(json_object_get(j, "url"));
    const char *from = json_string_value(json_object_get(j, "from"));
    const char *base = json_string_value(json_object_get(j, "baseUrl"));
    const char *user = json_string_value(json_object_get(j, "user"));
    const char *pass = json_string_value(json_object_get(j, "password"));
    out->url = url && *url ? ts_arena_strdup(cx->arena, url) : NULL;
    out->enabled = out->url && json_is_true(json_object_get(j, "enabled"));
    if (from && *from)
        out->from = ts_arena_strdup(cx->arena, from);
    if (base && *base)
        out->base_url = ts_arena_strdup(cx->arena, base);
    out->user = user && *user ? ts_arena_strdup(cx->arena, user) : NULL;
    out->password = pass && *pass ? ts_arena_strdup(cx->arena, pass) : NULL;
    json_decref(j);
    return 0;
}

int ts_mail_queue(struct ts_ctx *cx, const char *to, const char *subject, const char *body)
{
    return ts_store_mail_add(cx, to, subject, body);
}

bool ts_mail_address_ok(const char *a)
{
    return a && *a && strlen(a) <= 254 && strchr(a, '@') && !strpbrk(a, " \t\r\n<>\",;");
}

static void base64(struct ts_buf *b, const char *s, size_t n)
{
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *out = malloc(cap);
    if (!out)
        TS_BUG("out of memory");
    sodium_bin2base64(out, cap, (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
    ts_buf_puts(b, out);
    free(out);
}

/* The whole message: headers, then the UTF-8 text as base64 in 76-column lines. */
static void compose(struct ts_buf *b, const struct ts_mail_settings *ms, const struct ts_mail *m,
                    int64_t now)
{
    char date[64];
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
    ts_buf_printf(b, "Date: %s\r\nFrom: Tsumiki <%s>\r\nTo: <%s>\r\nSubject: =?UTF-8?B?", date,
                  ms->from, m->to);
    base64(b, m->subject, strlen(m->subject));
    ts_buf_printf(b,
                  "?=\r\nMessage-ID: <tsumiki.%lld.%lld@%s>\r\nMIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n",
                  (long long)m->id, (long long)now, strchr(ms->from, '@') + 1);
    struct ts_buf enc;
    ts_buf_init(&enc);
    base64(&enc, m->body, strlen(m->body));
    for (size_t i = 0; i < enc.len; i += 76) {
        ts_buf_add(b, enc.p + i, enc.len - i < 76 ? enc.len - i : 76);
        ts_buf_puts(b, "\r\n");
    }
    ts_buf_release(&enc);
}

struct reader {
    const char *p;
    size_t left;
};

static size_t read_cb(char *out, size_t size, size_t n, void *arg)
{
    struct reader *r = arg;
    size_t k = size * n < r->left ? size * n : r->left;
    memcpy(out, r->p, k);
    r->p += k;
    r->left -= k;
    return k;
}

/* Send one message; NULL when the server took it, else why not. */
static const char *send_one(struct ts_ctx *cx, const struct ts_mail_settings *ms,
                            const struct ts_mail *m)
{
    struct ts_buf msg;
    ts_buf_init(&msg);
    compose(&msg, ms, m, cx->now);
    CURL *c = curl_easy_init();
    if (!c) {
        ts_buf_release(&msg);
        return "cannot start the mail client";
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    struct reader rd = {msg.p, msg.len};
    struct curl_slist *rcpt = curl_slist_append(NULL, ts_arena_printf(cx->arena, "<%s>", m->to));
    curl_easy_setopt(c, CURLOPT_URL, ms->url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, ts_arena_printf(cx->arena, "<%s>", ms->from));
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(c, CURLOPT_READDATA, &rd);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)SEND_SECONDS);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    if (ms->user) {
        curl_easy_setopt(c, CURLOPT_USERNAME, ms->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, ms->password ? ms->password : "");
        curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    }
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    ts_buf_release(&msg);
    if (rc == CURLE_OK)
        return NULL;
    return ts_arena_strdup(cx->arena, *errbuf ? errbuf : curl_easy_strerror(rc));
}

struct due {
    struct ts_mail m[BATCH];
    int n;
};

static int take(struct ts_ctx *cx, const struct ts_mail *m, void *arg)
{
    (void)cx;
    struct due *d = arg;
    d->m[d->n++] = *m;
    return 0;
}

static void curl_start(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* How long a sender keeps the messages it took: longer than a whole batch
 * can take to send (BATCH x the transfer's time limit); other servers'
 * senders leave them alone meanwhile, and if this one dies they are taken
 * again after it (each taking counts as an attempt, so a message that kills
 * its sender is not tried for ever). */
#define LEASE (BATCH * SEND_SECONDS * 2)

static int take_due(struct ts_ctx *cx, void *arg)
{
    return ts_store_mail_due(cx, cx->now, BATCH, cx->now + LEASE, MAX_ATTEMPTS, take, arg);
}

struct outcome {
    int64_t id, next;
    const char *why;
};

static int note_outcome(struct ts_ctx *cx, void *arg)
{
    const struct outcome *o = arg;
    return ts_store_mail_done(cx, o->id, o->why, o->next);
}

/* The writes go through the server's writer (ts_db_in_write_tx), in its turn
 * with the requests' writes. */
int ts_mail_send_due(struct ts_ctx *cx)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    struct ts_mail_settings ms;
    struct due d = {.n = 0};
    if (ts_db_begin(cx, false) < 0)
        return -1;
    int rc = ts_mail_settings(cx, &ms);
    ts_db_rollback(cx);
    if (rc < 0 || !ms.enabled)
        return rc;
    if (ts_db_in_write_tx(cx, take_due, &d) < 0 || ts_db_wait_durable(cx) < 0)
        return -1;
    if (d.n == 0)
        return 0;
    pthread_once(&once, curl_start);
    int sent = 0;
    for (int i = 0; i < d.n; i++) {
        const struct ts_mail *m = &d.m[i];
        const char *why = ts_mail_address_ok(m->to) && ts_mail_address_ok(ms.from)
                              ? send_one(cx, &ms, m)
                              : "not an address mail can be sent to";
        int64_t next = 0;
        if (why) {
            TS_LOG_WARN(cx, "mail", "message %lld to %s: %s", (long long)m->id, m->to, why);
            /* m->attempts counts this one (taking it counted) */
            if (m->attempts < MAX_ATTEMPTS && ts_mail_address_ok(m->to))
                next = cx->now + (60LL << (m->attempts - 1)); /* 1, 2, 4 ... 64 minutes */
        } else {
            sent++;
        }
        struct outcome o = {m->id, next, why};
        if (ts_db_in_write_tx(cx, note_outcome, &o) < 0 || ts_db_wait_durable(cx) < 0)
            return -1;
    }
    return sent;
}
