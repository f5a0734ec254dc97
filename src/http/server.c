/*
 * http/server.c - libmicrohttpd glue: listening, reading bodies, building the
 * request for api/, and sending the answer.
 *
 * Each worker thread owns one SQLite connection (DESIGN §3). The answer is
 * queued only on the call after the body has been read; libmicrohttpd 0.9.75
 * closes keep-alive connections when a response is queued on the first call
 * (DESIGN §4).
 */
#include "base/common.h"
#include "base/busy.h"
#include "http/http.h"
#include "http/assets.h"
#include "api/api.h"
#include "base/log.h"
#include "base/str.h"
#include "files/files.h"
#include "jobs/jobs.h"
#include "store/store.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_UPLOAD             ((int64_t)1 << 30) /* kintone's 1 GB per file */
#define PUBLIC_UPLOADS_AT_ONCE 4                  /* files from outside received at once */
#define CONN_LIMIT             4096
#define CONN_PER_ADDRESS       256
#define CONN_IDLE_SECONDS      60

static const char *db_path;
static const char *trusted_proxy; /* --trusted-proxy: its X-Forwarded-For is believed */
static char *tls_cert, *tls_key;  /* PEM, when serving HTTPS */
#define HSTS "max-age=31536000"
static _Thread_local struct ts_db *tl_db;
static atomic_int running;

/* Every connection's database handle; closed at shutdown. */
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ts_db *conns[256];
static int n_conns;

static struct ts_db *thread_db(void)
{
    if (tl_db)
        return tl_db;
    char err[256];
    tl_db = ts_db_open(db_path, err, sizeof(err));
    if (!tl_db) {
        TS_LOG_ERROR(NULL, "http", "%s", err);
        return NULL;
    }
    ts_db_server_mode(tl_db);
    pthread_mutex_lock(&conns_lock);
    if (n_conns < (int)TS_ARRAY_LEN(conns))
        conns[n_conns++] = tl_db;
    pthread_mutex_unlock(&conns_lock);
    return tl_db;
}

static atomic_bool stopping;
/* bytes of uploads being received right now, by every connection */
static _Atomic int64_t receiving;
/* bytes of request bodies held in memory right now, by every connection:
 * past BODIES_MAX a body is refused (503), so that many connections sending
 * large bodies at once cannot take the server's memory */
static _Atomic int64_t holding;
#define BODIES_MAX ((int64_t)512 << 20)

struct pending {
    /* the route and the caller, settled from the headers before any of the
     * body is read (identity lives in this arena until the request ends) */
    struct ts_ctx who;
    struct ts_api_req rq;
    bool api; /* an API path (else a page or an asset) */
    size_t max_body;
    struct ts_buf body;
    bool too_large;
    /* multipart/form-data (file.json): the `file` part streams to disk as it
     * arrives; other parts (__REQUEST_TOKEN__) are kept as parameters */
    struct MHD_PostProcessor *pp;
    struct ts_upload *upload;
    char *file_name, *file_type;
    json_t *form;
    bool form_bad;
    bool disk_full, over_quota; /* why the upload stopped */
    int public_upload;          /* a public form's file: its place (ts_busy_take), or -1 */
    bool busy;                  /* the server held too many bodies: this one was dropped */
    int64_t receiving;          /* bytes of it counted in `receiving` below */
    int64_t upload_room;        /* what the caller's upload quota leaves */
    bool woken;                 /* a long poll held and let go: answer this time */
    char addr[64];
};

/* ---------------------------------------------------------------- long polls */

/* A long poll (GET /api/notifications/unread?wait=) with nothing to say yet is
 * suspended, not answered: no thread waits with it. The waker thread looks at
 * the newest notice four times a second (one read of the rowid's end) and lets
 * go of the requests of the users who got one, and of those whose time is up;
 * each then runs again and answers. */
struct waiter {
    struct MHD_Connection *c;
    struct pending *pend;
    int64_t user_id, after, deadline_ms; /* news is a notice newer than after */
    struct waiter *next;
};
static pthread_mutex_t waiters_lock = PTHREAD_MUTEX_INITIALIZER;
static struct waiter *waiters;
static atomic_bool closing; /* no more holding: the server is stopping */

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Hold a request; false when the server is stopping (answer it now). */
static bool hold(struct MHD_Connection *c, struct pending *pend, int64_t user_id, int64_t after,
                 int64_t seconds)
{
    pthread_mutex_lock(&waiters_lock);
    if (atomic_load(&closing)) {
        pthread_mutex_unlock(&waiters_lock);
        return false;
    }
    struct waiter *w = ts_xcalloc(1, sizeof(*w));
    *w = (struct waiter){c, pend, user_id, after, now_ms() + seconds * 1000, waiters};
    MHD_suspend_connection(c); /* before the waker can see it */
    waiters = w;
    pthread_mutex_unlock(&waiters_lock);
    return true;
}

struct woken {
    int64_t users[512], newest[512]; /* who got notices lately, and their newest */
    int n;
    bool overflow; /* more users than that: let everyone look again */
};

static int add_woken(struct ts_ctx *cx, int64_t user_id, int64_t newest, void *arg)
{
    (void)cx;
    struct woken *w = arg;
    if (w->n < (int)TS_ARRAY_LEN(w->users)) {
        w->users[w->n] = user_id;
        w->newest[w->n++] = newest;
    } else {
        w->overflow = true;
    }
    return 0;
}

/* Let go of the requests of these users, those past their time, or (all) every one. */
static void let_go(const struct woken *users, bool all)
{
    int64_t now = now_ms();
    pthread_mutex_lock(&waiters_lock);
    for (struct waiter **pp = &waiters; *pp;) {
        struct waiter *w = *pp;
        bool go = all || users->overflow || w->deadline_ms <= now;
        for (int i = 0; !go && i < users->n; i++)
            go = users->users[i] == w->user_id && users->newest[i] > w->after;
        if (!go) {
            pp = &w->next;
            continue;
        }
        *pp = w->next;
        w->pend->woken = true;
        MHD_resume_connection(w->c);
        free(w);
    }
    pthread_mutex_unlock(&waiters_lock);
}

static void *waker(void *arg)
{
    (void)arg;
    char err[256];
    struct ts_db *db = ts_db_open(db_path, err, sizeof(err));
    if (!db) {
        TS_LOG_ERROR(NULL, "http", "waker: %s", err);
        return NULL;
    }
    struct timespec pause = {0, 250 * 1000 * 1000};
    int64_t seen = -1;
    while (!atomic_load(&stopping)) {
        nanosleep(&pause, NULL);
        struct ts_ctx cx;
        ts_ctx_init(&cx, db);
        pthread_mutex_lock(&waiters_lock);
        bool anyone = waiters != NULL;
        pthread_mutex_unlock(&waiters_lock);
        struct woken users = {.n = 0};
        int64_t newest =
            ts_store_notes_since(&cx, seen, anyone && seen >= 0 ? add_woken : NULL, &users);
        if (newest >= 0)
            seen = newest;
        if (anyone)
            let_go(&users, false);
        ts_ctx_release(&cx);
    }
    ts_db_close(db);
    return NULL;
}

static enum MHD_Result form_part(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *filename, const char *content_type,
                                 const char *transfer_encoding, const char *data, uint64_t off,
                                 size_t size)
{
    (void)kind;
    (void)transfer_encoding;
    (void)off;
    struct pending *pend = cls;
    if (strcmp(key, "file") != 0) {
        json_t *old = json_object_get(pend->form, key);
        const char *prev = old ? json_string_value(old) : "";
        if (strlen(prev) + size > 4096) {
            pend->form_bad = true;
            return MHD_NO;
        }
        char *joined = ts_xmalloc(strlen(prev) + size + 1);
        memcpy(joined, prev, strlen(prev));
        memcpy(joined + strlen(prev), data, size);
        joined[strlen(prev) + size] = '\0';
        json_object_set_new(pend->form, key, json_string(joined));
        free(joined);
        return MHD_YES;
    }
    if (!pend->upload) {
        if (pend->file_name) { /* one file per call */
            pend->form_bad = true;
            return MHD_NO;
        }
        pend->upload = ts_upload_begin();
        pend->file_name = ts_xstrdup(filename ? filename : "");
        pend->file_type =
            ts_xstrdup(content_type && *content_type ? content_type : "application/octet-stream");
        if (!pend->upload) {
            pend->form_bad = true;
            return MHD_NO;
        }
    }
    if (atomic_fetch_add(&receiving, (int64_t)size) + (int64_t)size > TS_UPLOAD_RECEIVING_MAX) {
        atomic_fetch_sub(&receiving, (int64_t)size);
        pend->over_quota = pend->form_bad = true;
        return MHD_NO;
    }
    pend->receiving += (int64_t)size;
    if (pend->receiving > pend->upload_room) { /* a chunked body declares nothing */
        pend->over_quota = pend->form_bad = true;
        return MHD_NO;
    }
    if (size && ts_upload_write(pend->upload, data, size) < 0) {
        pend->disk_full = errno == ENOSPC;
        if (pend->disk_full)
            TS_LOG_ERROR(NULL, "files", "the disk is full: an upload was refused");
        pend->form_bad = true;
        return MHD_NO;
    }
    return MHD_YES;
}

static void pending_free(struct pending *pend)
{
    atomic_fetch_sub(&receiving, pend->receiving);
    atomic_fetch_sub(&holding, (int64_t)pend->body.len); /* what it holds was counted */
    if (pend->public_upload >= 0)
        ts_busy_give(pend->public_upload);
    if (pend->api)
        ts_ctx_release(&pend->who);
    ts_buf_release(&pend->body);
    if (pend->pp)
        MHD_destroy_post_processor(pend->pp);
    ts_upload_abort(pend->upload);
    free(pend->file_name);
    free(pend->file_type);
    free((char *)pend->rq.public_token);
    json_decref(pend->form);
    free(pend);
}

static enum MHD_Result reply(struct MHD_Connection *c, int status, char *body, size_t len,
                             const char *type, const char *kcode, const char *cookie,
                             const char *cache)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-ConcurrencyLimit-Limit", "100");
    char running_s[16];
    snprintf(running_s, sizeof(running_s), "%d", atomic_load(&running));
    MHD_add_response_header(r, "X-ConcurrencyLimit-Running", running_s);
    if (kcode)
        MHD_add_response_header(r, "X-Cybozu-Error", kcode);
    /* answers hold people's records: never sniffed into pages, never cached */
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Cache-Control", cache ? cache : "no-store");
    if (tls_cert)
        MHD_add_response_header(r, "Strict-Transport-Security", HSTS);
    if (cookie)
        MHD_add_response_header(r, "Set-Cookie", cookie);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

/* The UI's files: hashed names are cached for good, the page itself is
 * checked every time so a new version is picked up at once. */
static enum MHD_Result reply_asset(struct MHD_Connection *c, const struct ts_asset *a)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(a->len, (void *)a->data, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", a->type);
    MHD_add_response_header(r, "Cache-Control",
                            a->immutable ? "public, max-age=31536000, immutable" : "no-cache");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    if (tls_cert)
        MHD_add_response_header(r, "Strict-Transport-Security", HSTS);
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data: blob:;"
                            " style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* A file the handler wrote (an export), streamed from disk; MHD closes fd. */
static enum MHD_Result reply_file(struct MHD_Connection *c, int fd, const char *type,
                                  const char *disposition, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return MHD_NO;
    }
    *len = (size_t)st.st_size;
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    MHD_add_response_header(r, "Content-Type", type);
    if (disposition)
        MHD_add_response_header(r, "Content-Disposition", disposition);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    /* an attachment is whatever someone uploaded: never a page of this site */
    MHD_add_response_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
    MHD_add_response_header(r, "Cache-Control", "private, max-age=0");
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

struct arg_ctx {
    json_t *params;
    size_t budget;
    bool bad;
};

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    struct arg_ctx *a = cls;
    if (json_object_size(a->params) > 10000 || ts_params_add(a->params, key, value, &a->budget) < 0)
        a->bad = true;
    return MHD_YES;
}

/* The client's address: the peer's, or, when the peer is the trusted reverse
 * proxy, the last address of X-Forwarded-For (the one that proxy added; those
 * before it are whatever the client claimed). True when the peer is that proxy. */
static bool client_addr(struct MHD_Connection *c, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = '\0';
    if (!ci || !ci->client_addr)
        return false;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
    bool proxied = trusted_proxy && strcmp(out, trusted_proxy) == 0;
    const char *xff =
        proxied ? MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For") : NULL;
    if (!xff)
        return proxied;
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ')
        last++;
    char ip[64];
    unsigned char bin[16];
    size_t len = strcspn(last, " ");
    if (len == 0 || len >= sizeof(ip))
        return true;
    memcpy(ip, last, len);
    ip[len] = '\0';
    if (inet_pton(AF_INET, ip, bin) == 1 || inet_pton(AF_INET6, ip, bin) == 1)
        snprintf(out, n, "%s", ip);
    return true;
}

static enum MHD_Result fail_early(struct MHD_Connection *c, struct ts_ctx *cx, const char *lang)
{
    struct ts_buf b;
    struct ts_jw w;
    ts_buf_init(&b);
    ts_jw_init(&w, &b);
    if (lang && !strncmp(lang, "ja", 2))
        cx->lang = TS_LANG_JA;
    ts_api_write_error(cx, &w);
    size_t len;
    char *body = ts_buf_detach(&b, &len);
    return reply(c, ts_err_status(cx->err.code), body, len, "application/json; charset=utf-8",
                 ts_err_kintone_code(cx->err.code), NULL, NULL);
}

/* About how many values a JSON text holds (each takes some 50-100 bytes once
 * parsed, however small its text: 64 MB of "{}" would be gigabytes). */
static size_t json_values(const char *p, size_t len)
{
    size_t n = 1;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[' || c == ',' || c == ':') {
            n++;
        }
    }
    return n;
}

/* The answer to a request refused from its headers: queued at once, so its
 * body (if any) is never read; libmicrohttpd then closes the connection. */
static enum MHD_Result refuse(struct MHD_Connection *c, struct pending *pend)
{
    struct ts_api_req *rq = &pend->rq;
    ts_api_fail(&pend->who, rq);
    size_t len;
    char *body = ts_buf_detach(&rq->body, &len);
    return reply(c, rq->status, body, len, "application/json; charset=utf-8",
                 ts_err_kintone_code(pend->who.err.code), NULL, NULL);
}

/* First call, headers only: the route, the caller, and what body they may send. */
static enum MHD_Result begin(struct MHD_Connection *c, struct pending *pend, const char *path,
                             const char *method)
{
    struct ts_api_req *rq = &pend->rq;
    pend->api = true;
    ts_ctx_init(&pend->who, thread_db());
    rq->body_fd = -1;
    rq->path = path;
    rq->http_method = strcmp(method, "HEAD") == 0 ? TS_GET : ts_api_method(method);
    rq->method = rq->http_method;
    const char *override =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-HTTP-Method-Override");
    if (override && rq->http_method == TS_POST)
        rq->method = ts_api_method(override);
    bool from_proxy = client_addr(c, pend->addr, sizeof(pend->addr));
    const char *proto =
        from_proxy ? MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Proto") : NULL;
    rq->secure = tls_cert || (proto && !strcasecmp(proto, "https"));
    rq->accept_language = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    rq->request_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    rq->fetch_site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
    rq->public_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Public-Key");
    rq->auth.password_header =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Cybozu-Authorization");
    rq->auth.token_header = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Cybozu-API-Token");
    rq->auth.session_cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "tsumiki_session");
    rq->auth.client_addr = pend->addr;
    if (!pend->who.db) {
        ts_fail(&pend->who, TS_E_INTERNAL, "no database connection");
        return refuse(c, pend);
    }
    if (ts_api_begin(&pend->who, rq) < 0)
        return refuse(c, pend);
    pend->max_body = ts_api_body_limit(rq);
    const char *ct = rq->request_type;
    bool multipart = ct && !strncasecmp(ct, "multipart/form-data", 19);
    if (multipart && (rq->route->flags & TS_R_UPLOAD))
        pend->max_body = (size_t)MAX_UPLOAD;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    int64_t declared = 0;
    if (cl && ts_parse_i64(cl, &declared) == 0 && declared > (int64_t)pend->max_body) {
        ts_fail(&pend->who, TS_E_BODY_TOO_LARGE, "body of %lld bytes", (long long)declared);
        return refuse(c, pend);
    }
    if (multipart && (rq->route->flags & TS_R_UPLOAD)) {
        /* files from outside are received a few at a time, whatever their senders */
        if (rq->public_token &&
            (pend->public_upload = ts_busy_take("public-upload:*", PUBLIC_UPLOADS_AT_ONCE)) < 0) {
            ts_fail(&pend->who, TS_E_PUBLIC_BUSY, "public uploads");
            return refuse(c, pend);
        }
        if (ts_api_upload_room(&pend->who, &pend->upload_room) < 0)
            return refuse(c, pend);
        if (declared > pend->upload_room) {
            ts_fail(&pend->who, TS_E_UPLOAD_QUOTA, "upload of %lld", (long long)declared);
            return refuse(c, pend);
        }
        pend->form = json_object();
        pend->pp = MHD_create_post_processor(c, 64 * 1024, form_part, pend);
        if (!pend->pp)
            pend->form_bad = true;
    }
    return MHD_YES;
}

#define FORM_TOKEN_MAX 64

/* The length of the token at s (letters and digits), 0 when there is none. */
static size_t form_token(const char *s)
{
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) && n < FORM_TOKEN_MAX)
        n++;
    return n;
}

/* A public form's or view's addresses: /public/forms/<token>, /public/views/<token>. */
static const struct {
    const char *prefix, *page;
    const char *whats[6], *routes[6];
} PUBLIC_PLACES[] = {
    {"/public/forms/",
     "/public.html",
     {"/form.json", "/token.json", "/submit.json", "/answers.json", "/file.json", "/lookup.json"},
     {"/public/form/form.json", "/public/form/token.json", "/public/form/submit.json",
      "/public/form/answers.json", "/public/form/file.json", "/public/form/lookup.json"}},
    {"/public/views/",
     "/public.html",
     {"/view.json", "/records.json", "/unlock.json", "/file.json", NULL},
     {"/public/view/view.json", "/public/view/records.json", "/public/view/unlock.json",
      "/public/view/file.json", NULL}},
};

/* The page for a form's or view's own address (the same small page for
 * every one, which asks for its own), or NULL. */
static const char *public_page(const char *url)
{
    for (size_t i = 0; i < TS_ARRAY_LEN(PUBLIC_PLACES); i++) {
        size_t p = strlen(PUBLIC_PLACES[i].prefix);
        if (!strncmp(url, PUBLIC_PLACES[i].prefix, p)) {
            size_t n = form_token(url + p);
            return n > 0 && url[p + n] == '\0' ? PUBLIC_PLACES[i].page : NULL;
        }
    }
    return NULL;
}

/* <prefix><token>/<what>: its route, the token kept aside for the handler;
 * NULL for any other address. */
static const char *public_form_path(const char *url, struct ts_api_req *rq)
{
    for (size_t i = 0; i < TS_ARRAY_LEN(PUBLIC_PLACES); i++) {
        size_t p = strlen(PUBLIC_PLACES[i].prefix);
        if (strncmp(url, PUBLIC_PLACES[i].prefix, p))
            continue;
        const char *token = url + p, *end = token + form_token(token);
        if (end == token || *end != '/')
            return NULL;
        for (size_t k = 0; k < TS_ARRAY_LEN(PUBLIC_PLACES[i].whats) && PUBLIC_PLACES[i].whats[k];
             k++)
            if (!strcmp(end, PUBLIC_PLACES[i].whats[k])) {
                rq->public_token = ts_xstrndup(token, (size_t)(end - token));
                return PUBLIC_PLACES[i].routes[k];
            }
    }
    return NULL;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req_cls)
{
    (void)cls;
    (void)version;
    struct pending *pend = *req_cls;
    if (!pend) {
        pend = ts_xcalloc(1, sizeof(*pend));
        pend->public_upload = -1;
        *req_cls = pend;
        const char *path = ts_api_strip_prefix(url);
        if (!path && (strncmp(url, "/api/", 5) == 0 || strncmp(url, "/v1/", 4) == 0))
            path = url; /* our extensions, and the cybozu.com User API */
        if (!path)
            path = public_form_path(url, &pend->rq);
        return path ? begin(c, pend, path, method) : MHD_YES;
    }
    if (*upload_size && pend->pp) {
        if (!pend->form_bad && !pend->too_large &&
            MHD_post_process(pend->pp, upload, *upload_size) != MHD_YES)
            pend->form_bad = true;
        if (pend->upload && ts_upload_size(pend->upload) > MAX_UPLOAD)
            pend->too_large = true;
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        int64_t n = (int64_t)*upload_size;
        if (pend->body.len + *upload_size > pend->max_body) {
            pend->too_large = true;
        } else if (pend->busy || atomic_fetch_add(&holding, n) + n > BODIES_MAX) {
            if (!pend->busy)
                atomic_fetch_sub(&holding, n);
            pend->busy = true;
        } else {
            ts_buf_add(&pend->body, upload, *upload_size);
        }
        *upload_size = 0;
        return MHD_YES;
    }

    if (!pend->api) {
        const char *page = public_page(url);
        const struct ts_asset *a = ts_asset_find(page                    ? page
                                                 : strcmp(url, "/") == 0 ? "/index.html"
                                                                         : url);
        if (a)
            return reply_asset(c, a);
        char *body = ts_xstrdup("Not found\n");
        return reply(c, 404, body, strlen(body), "text/plain; charset=utf-8", NULL, NULL, NULL);
    }

    atomic_fetch_add(&running, 1);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct ts_db *db = thread_db();
    struct ts_ctx cx;
    ts_ctx_init(&cx, db);
    /* the caller as identified from the headers */
    cx.caller = pend->who.caller;
    cx.user = pend->who.user;
    cx.lang = pend->who.lang;
    const char *lang = pend->rq.accept_language;
    enum MHD_Result ret;
    json_t *params = json_object();
    struct arg_ctx args = {params, TS_PARAMS_BUDGET, false};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, &args);
    struct ts_api_req rq = pend->rq;

    if (!db) {
        ts_fail(&cx, TS_E_INTERNAL, "no database connection");
        ret = fail_early(c, &cx, lang);
        goto out;
    }
    if (pend->too_large) {
        ts_fail(&cx, TS_E_BODY_TOO_LARGE, "body over %zu bytes", pend->max_body);
        ret = fail_early(c, &cx, lang);
        goto out;
    }
    if (pend->busy) {
        ts_fail(&cx, TS_E_BUSY, "bodies held past %lld bytes", (long long)BODIES_MAX);
        ret = fail_early(c, &cx, lang);
        goto out;
    }
    if (args.bad) {
        ts_fail_field(&cx, "query", TS_M_BAD_VALUE_SHAPE);
        ret = fail_early(c, &cx, lang);
        goto out;
    }
    if (pend->form) { /* multipart: its parts were taken by the post processor */
        if (pend->disk_full || pend->over_quota) {
            ts_fail(&cx, pend->disk_full ? TS_E_STORAGE_FULL : TS_E_UPLOAD_QUOTA, "upload refused");
            ret = fail_early(c, &cx, lang);
            goto out;
        }
        if (pend->form_bad || !pend->upload) {
            ts_fail_field(&cx, "file", TS_M_REQUIRED_PARAM);
            ret = fail_early(c, &cx, lang);
            goto out;
        }
        json_object_update(params, pend->form);
        rq.upload = pend->upload;
        rq.upload_name = pend->file_name;
        rq.upload_type = pend->file_type;
    }
    const char *ctype = rq.request_type;
    if (pend->body.len && ctype && !strncasecmp(ctype, "text/csv", 8)) {
        rq.raw = pend->body.p; /* a file to import: its parameters are in the query string */
        rq.raw_len = pend->body.len;
    } else if (pend->body.len) {
        if (json_values(pend->body.p, pend->body.len) > ts_api_json_values_limit(&rq)) {
            ts_fail(&cx, TS_E_BODY_TOO_LARGE, "too many JSON values");
            ret = fail_early(c, &cx, lang);
            goto out;
        }
        json_error_t jerr;
        json_t *body = json_loadb(pend->body.p, pend->body.len, JSON_REJECT_DUPLICATES, &jerr);
        if (!json_is_object(body)) {
            json_decref(body);
            ts_fail(&cx, TS_E_BAD_JSON, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
            ret = fail_early(c, &cx, lang);
            goto out;
        }
        /* body parameters win over the query string */
        json_object_update(params, body);
        json_decref(body);
    }
    rq.params = params;
    rq.woken = pend->woken || atomic_load(&closing);
    ts_api_handle(&cx, &rq);
    if (rq.wait_user > 0) {
        ts_buf_release(&rq.body);
        if (hold(c, pend, rq.wait_user, rq.wait_after, rq.wait_seconds)) {
            ret = MHD_YES;
            goto out;
        }
        rq.woken = true;
        rq.wait_user = 0;
        ts_api_handle(&cx, &rq);
    }
    if (rq.upload_taken)
        pend->upload = NULL; /* finished (or aborted) by the handler */
    size_t len;
    char *body = ts_buf_detach(&rq.body, &len);
    if (rq.body_fd >= 0 && rq.status == 200) {
        free(body);
        ret = reply_file(c, rq.body_fd, rq.content_type, rq.content_disposition, &len);
    } else {
        if (rq.body_fd >= 0)
            close(rq.body_fd);
        ret = reply(c, rq.status, body, len, "application/json; charset=utf-8",
                    rq.status >= 400 ? ts_err_kintone_code(cx.err.code) : NULL, rq.set_cookie,
                    rq.status == 200 ? rq.cache_control : NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    TS_LOG_DEBUG(&cx, "access", "%s %s status=%d code=%s bytes=%zu ms=%.2f user=%s", method,
                 rq.path, rq.status, rq.status >= 400 ? ts_err_kintone_code(cx.err.code) : "-", len,
                 (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
                 cx.user ? cx.user->code : "-");
out:
    json_decref(params);
    ts_ctx_release(&cx);
    atomic_fetch_sub(&running, 1);
    return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct pending *pend = *req_cls;
    if (pend) {
        pending_free(pend);
        *req_cls = NULL;
    }
}

static struct MHD_Daemon *start(const char *addr, int port, int threads)
{
    struct sockaddr_storage ss = {0};
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME | (tls_cert ? MHD_USE_TLS : 0);
    if (strchr(addr, ':')) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
            return NULL;
        flags |= MHD_USE_IPv6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
            return NULL;
    }
    /* One address may hold a share of the connections, not all of them; behind
     * a reverse proxy every connection comes from it, and it limits instead.
     * A connection idle for a minute (headers never finished) is closed. */
    return MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)CONN_IDLE_SECONDS, MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_LIMIT,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)(trusted_proxy ? 0 : CONN_PER_ADDRESS),
        tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, tls_cert, MHD_OPTION_HTTPS_MEM_KEY,
        tls_key, MHD_OPTION_END);
}

/* A PEM file's text (malloc'd), or NULL. */
static char *read_pem(const char *path)
{
    struct ts_buf b;
    ts_buf_init(&b);
    if (ts_buf_read_file(&b, path, 1024 * 1024) < 0 || !b.len) {
        ts_buf_release(&b);
        return NULL;
    }
    return ts_buf_detach(&b, NULL);
}

int ts_server_run(const struct ts_server_opts *o)
{
    /* glibc gives each thread its own heap arena and keeps freed memory in them;
     * two arenas are plenty for request work and keep the resident size down */
    mallopt(M_ARENA_MAX, 2);
    db_path = o->db;
    trusted_proxy = o->trusted_proxy;
    if (o->tls_cert || o->tls_key) {
        tls_cert = o->tls_cert ? read_pem(o->tls_cert) : NULL;
        tls_key = o->tls_key ? read_pem(o->tls_key) : NULL;
        if (!tls_cert || !tls_key) {
            TS_LOG_ERROR(NULL, "http", "HTTPS needs both --tls-cert and --tls-key, readable PEM");
            return 1;
        }
    }
    if (ts_files_init(o->data_dir) < 0) {
        TS_LOG_ERROR(NULL, "http", "cannot make %s/files", o->data_dir);
        return 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *d[2] = {NULL, NULL};
    const char *addrs[2] = {o->listen ? o->listen : "127.0.0.1", o->listen ? NULL : "::1"};
    for (int i = 0; i < 2 && addrs[i]; i++) {
        d[i] = start(addrs[i], o->port, o->threads);
        if (!d[i]) {
            TS_LOG_ERROR(NULL, "http", "cannot listen on %s port %d", addrs[i], o->port);
            if (i == 1) /* no IPv6 on this machine: go on with IPv4 */
                continue;
            return 1;
        }
    }
    pthread_t wake;
    if (ts_jobs_start(db_path) < 0) {
        TS_LOG_ERROR(NULL, "http", "cannot start the background jobs");
        return 1;
    }
    pthread_create(&wake, NULL, waker, NULL);
    TS_LOG_INFO(NULL, "http", "serving on %s://localhost:%d/ (data in %s)",
                tls_cert ? "https" : "http", o->port, o->data_dir);
    int sig;
    sigwait(&set, &sig);
    TS_LOG_INFO(NULL, "http", "stopping (signal %d)", sig);
    /* a suspended request must be let go before its daemon stops */
    pthread_mutex_lock(&waiters_lock);
    atomic_store(&closing, true);
    pthread_mutex_unlock(&waiters_lock);
    let_go(&(struct woken){.n = 0}, true);
    for (int i = 0; i < 2; i++)
        if (d[i])
            MHD_stop_daemon(d[i]);
    atomic_store(&stopping, true);
    ts_jobs_stop();
    pthread_join(wake, NULL);
    for (int i = 0; i < n_conns; i++)
        ts_db_close(conns[i]);
    return 0;
}
