/*
 * http/http.h - the HTTP server (libmicrohttpd) and request parameters.
 */
#ifndef TS_HTTP_H
#define TS_HTTP_H

#include <jansson.h>

struct ts_server_opts {
    const char *data_dir;
    const char *db;     /* what ts_db_open takes: a SQLite file or a postgresql:// URI */
    const char *listen; /* NULL: both 127.0.0.1 and ::1 */
    int port;
    int threads;                    /* worker threads per listening address */
    const char *trusted_proxy;      /* a reverse proxy's address: X-Forwarded-For from it counts */
    const char *tls_cert, *tls_key; /* PEM files: serve HTTPS (both or neither) */
};

/* Serve until SIGINT or SIGTERM. Returns a process exit code. */
int ts_server_run(const struct ts_server_opts *o);

/* Add one query-string parameter in the bracket syntax the official client
 * writes with qs (KINTONE-API.md §2): "fields[0]", "updateKey[field]",
 * "rec[0][id]", sparse indices kept. *budget is how many array slots the whole
 * request may still create (callers start it at TS_PARAMS_BUDGET). Returns 0, or
 * -1 for a key we refuse (too deep, index too large, over budget, not UTF-8,
 * or clashing shapes). */
#define TS_PARAMS_BUDGET 100000
int ts_params_add(json_t *root, const char *key, const char *value, size_t *budget);

#endif
