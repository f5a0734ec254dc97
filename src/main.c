/*
 * main.c - the command line: serve, user, token.
 *
 *   tsumiki serve [--data DIR] [--port N] [--listen ADDR] [--threads N] [--trusted-proxy ADDR]
 *                 [--tls-cert FILE --tls-key FILE]
 *   tsumiki user add LOGIN [--name NAME] [--admin] [--lang auto|ja|en] [--tz ZONE]
 *   tsumiki user passwd LOGIN
 *   tsumiki user list
 *   tsumiki token add --app N --perms view,add,edit,delete,manage [--note TEXT]
 *   tsumiki token list --app N
 *   tsumiki token revoke --app N --id M
 *
 * Passwords come from TSUMIKI_PASSWORD or, failing that, one line of standard input.
 */
#include "base/common.h"
#include "api/api.h"
#include "app/app.h"
#include "auth/auth.h"
#include "policy/policy.h"
#include "base/log.h"
#include "base/str.h"
#include "base/tstime.h"
#include "csv/import.h"
#include "files/files.h"
#include "http/http.h"
#include "notify/notify.h"
#include "store/store.h"

#include <errno.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

struct opts {
    const char *data, *db, *from, *to, *listen, *name, *lang, *tz, *perms, *note, *trusted_proxy,
        *audit_key;
    const char *tls_cert, *tls_key;
    const char *encoding, *update_key, *user;
    int port, threads;
    int64_t max_age;
    const char *at; /* reminders: as of this moment */
    int64_t app, id;
    bool admin, skip_bad;
    const char *args[4];
    int n_args;
};

static TS_NORETURN void usage(void)
{
    fputs(
        "usage: tsumiki serve [--data DIR] [--db DATABASE] [--port N] [--listen ADDR] [--threads "
        "N]\n"
        "                     [--trusted-proxy ADDR] [--tls-cert FILE --tls-key FILE]\n"
        "       tsumiki user add LOGIN [--name NAME] [--admin] [--lang auto|ja|en] [--tz ZONE]\n"
        "       tsumiki user passwd LOGIN\n"
        "       tsumiki user list\n"
        "       tsumiki token add --app N --perms view,add,edit,delete,manage [--note TEXT]\n"
        "       tsumiki token list --app N\n"
        "       tsumiki token revoke --app N --id M\n"
        "       tsumiki import --app N FILE.csv [--encoding auto|utf-8|sjis] [--update-key CODE]\n"
        "                      [--skip-bad] [--user LOGIN]\n"
        "       tsumiki files cleanup [--max-age SECONDS]   (uploads no record took; default 3 "
        "days)\n"
        "       tsumiki migrate --from DATABASE --to DATABASE   (copy a whole installation into\n"
        "                      an empty database: a data folder or a postgresql:// URI each)\n"
        "       tsumiki reminders [--at YYYY-MM-DDTHH:MMZ]   (send the reminders due by then, as\n"
        "                      the server does every half minute)\n"
        "Every command takes --data DIR (default ./data), --db DATABASE and --audit-key FILE\n"
        "(default DIR/audit.key, or $TSUMIKI_AUDIT_KEY). The database is DIR/tsumiki.db\n"
        "(SQLite) unless --db or $TSUMIKI_DB names a PostgreSQL one:\n"
        "postgresql://USER:PASSWORD@HOST:PORT/DBNAME (attachments stay in DIR/files).\n"
        "Passwords are read from TSUMIKI_PASSWORD, or from one line of standard input.\n",
        stderr);
    exit(2);
}

static int64_t num_arg(const char *s)
{
    int64_t v;
    if (!s || ts_parse_i64(s, &v) < 0 || v < 0)
        usage();
    return v;
}

static void parse(int argc, char **argv, struct opts *o)
{
    o->data = "./data";
    o->port = 8080;
    o->threads = 8;
    o->max_age = TS_UPLOAD_TTL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--admin") || !strcmp(a, "--skip-bad")) {
            *(a[2] == 'a' ? &o->admin : &o->skip_bad) = true;
            continue;
        }
        if (a[0] == '-' && a[1] == '-') {
            if (!v)
                usage();
            i++;
            if (!strcmp(a, "--data"))
                o->data = v;
            else if (!strcmp(a, "--db"))
                o->db = v;
            else if (!strcmp(a, "--from"))
                o->from = v;
            else if (!strcmp(a, "--to"))
                o->to = v;
            else if (!strcmp(a, "--port"))
                o->port = (int)num_arg(v);
            else if (!strcmp(a, "--listen"))
                o->listen = v;
            else if (!strcmp(a, "--trusted-proxy"))
                o->trusted_proxy = v;
            else if (!strcmp(a, "--audit-key"))
                o->audit_key = v;
            else if (!strcmp(a, "--tls-cert"))
                o->tls_cert = v;
            else if (!strcmp(a, "--tls-key"))
                o->tls_key = v;
            else if (!strcmp(a, "--threads"))
                o->threads = (int)num_arg(v);
            else if (!strcmp(a, "--name"))
                o->name = v;
            else if (!strcmp(a, "--lang"))
                o->lang = v;
            else if (!strcmp(a, "--tz"))
                o->tz = v;
            else if (!strcmp(a, "--perms"))
                o->perms = v;
            else if (!strcmp(a, "--note"))
                o->note = v;
            else if (!strcmp(a, "--app"))
                o->app = num_arg(v);
            else if (!strcmp(a, "--id"))
                o->id = num_arg(v);
            else if (!strcmp(a, "--encoding"))
                o->encoding = v;
            else if (!strcmp(a, "--update-key"))
                o->update_key = v;
            else if (!strcmp(a, "--user"))
                o->user = v;
            else if (!strcmp(a, "--max-age"))
                o->max_age = num_arg(v);
            else if (!strcmp(a, "--at"))
                o->at = v;
            else
                usage();
            continue;
        }
        if (o->n_args == (int)TS_ARRAY_LEN(o->args))
            usage();
        o->args[o->n_args++] = a;
    }
    if (o->port < 1 || o->port > 65535 || o->threads < 1 || o->threads > 64)
        usage();
}

/* A database named on the command line: a postgresql:// URI, or a data folder
 * (its tsumiki.db, the folder made when create). target: what ts_db_open was given. */
static struct ts_db *open_named(const char *name, bool create, char *target, size_t len)
{
    char err[512];
    bool uri = !strncmp(name, "postgresql://", 13) || !strncmp(name, "postgres://", 11);
    if (!uri) {
        struct stat st;
        if (!create && stat(name, &st) < 0) {
            fprintf(stderr, "tsumiki: %s: %s\n", name, strerror(errno));
            return NULL;
        }
        if (create && mkdir(name, 0700) < 0 && errno != EEXIST) {
            fprintf(stderr, "tsumiki: cannot create %s: %s\n", name, strerror(errno));
            return NULL;
        }
    }
    snprintf(target, len, uri ? "%s" : "%s/tsumiki.db", name);
    struct ts_db *db = ts_db_open(target, err, sizeof(err));
    if (!db)
        fprintf(stderr, "tsumiki: %s\n", err);
    return db;
}

/* The database: --db, $TSUMIKI_DB, or the data folder's own (SQLite); the data
 * folder is made either way (attachments and the audit key live there). */
static struct ts_db *open_db(struct opts *o, char *target, size_t len)
{
    if (mkdir(o->data, 0700) < 0 && errno != EEXIST) {
        fprintf(stderr, "tsumiki: cannot create %s: %s\n", o->data, strerror(errno));
        return NULL;
    }
    if (!o->db && getenv("TSUMIKI_DB") && *getenv("TSUMIKI_DB"))
        o->db = getenv("TSUMIKI_DB");
    struct ts_db *db = open_named(o->db ? o->db : o->data, true, target, len);
    o->db = target;
    return db;
}

/* The Argon2id hash (arena) of a new password from TSUMIKI_PASSWORD or one line
 * of standard input; NULL with cx->err set if there is none of 8+ characters. */
/* The password for user add and passwd: TSUMIKI_PASSWORD or a line of stdin. */
static const char *password_input(char *buf, size_t n)
{
    const char *pw = getenv("TSUMIKI_PASSWORD");
    if (pw && *pw)
        return pw;
    pw = fgets(buf, (int)n, stdin);
    if (pw)
        buf[strcspn(buf, "\r\n")] = '\0';
    return pw ? pw : "";
}

static int fail(struct ts_ctx *cx, const char *what)
{
    fprintf(stderr, "tsumiki: %s: %s %s\n", what, ts_err_kintone_code(cx->err.code),
            cx->err.fields    ? cx->err.fields->message
            : cx->err.message ? cx->err.message
                              : ts_err_default_message(cx->err.code, TS_LANG_EN));
    return 1;
}

/* Run fn in a write transaction; returns a process exit code. */
static int in_tx(struct ts_ctx *cx, int (*fn)(struct ts_ctx *, struct opts *), struct opts *o,
                 const char *what)
{
    if (ts_db_begin(cx, true) < 0)
        return fail(cx, what);
    if (fn(cx, o) < 0) {
        ts_db_rollback(cx);
        return fail(cx, what);
    }
    if (ts_db_commit(cx) < 0)
        return fail(cx, what);
    return 0;
}

/* user add and user passwd write through the User API's own rules (login
 * code, password length in characters, time zone, language) and are audited
 * as the API's writes are. */
static int users_write(struct ts_ctx *cx, json_t *user, bool add)
{
    char buf[1024];
    json_object_set_new(user, "password", json_string(password_input(buf, sizeof(buf))));
    sodium_memzero(buf, sizeof(buf));
    const char *code = ts_arena_strdup(cx->arena, json_string_value(json_object_get(user, "code")));
    json_t *list = json_pack("[o]", user); /* takes user */
    int rc = ts_users_write(cx, list, add, "users", 0);
    json_decref(list);
    if (rc < 0)
        return -1;
    return ts_audit_add(cx, "cli", "organisation", code,
                        add ? "tsumiki user add" : "tsumiki user passwd");
}

static int user_add(struct ts_ctx *cx, struct opts *o)
{
    if (o->n_args < 3)
        usage();
    json_t *u = json_pack("{s:s, s:s, s:s, s:s, s:b}", "code", o->args[2], "name",
                          o->name ? o->name : o->args[2], "locale", o->lang ? o->lang : "auto",
                          "timezone", o->tz ? o->tz : "Asia/Tokyo", "administrator", o->admin);
    int rc = users_write(cx, u, true);
    if (rc == 0)
        printf("added user %s\n", o->args[2]);
    return rc;
}

static int user_passwd(struct ts_ctx *cx, struct opts *o)
{
    if (o->n_args < 3)
        usage();
    int rc = users_write(cx, json_pack("{s:s}", "code", o->args[2]), false);
    if (rc == 0)
        printf("password changed for %s\n", o->args[2]);
    return rc;
}

static int print_user(struct ts_ctx *cx, const struct ts_user *u, void *arg)
{
    (void)cx;
    (void)arg;
    printf("%-20s %-24s %-5s %-16s %s%s\n", u->code, u->name, u->lang, u->tz,
           u->admin ? "admin" : "-", u->active ? "" : " (inactive)");
    return 0;
}

static const char *app_target(struct ts_ctx *cx, int64_t app)
{
    return ts_arena_printf(cx->arena, "app=%lld", (long long)app);
}

static int token_add(struct ts_ctx *cx, struct opts *o)
{
    unsigned perms;
    if (!o->app || !o->perms || ts_auth_perms_parse(o->perms, &perms) < 0)
        usage();
    if (!ts_store_app_row(cx, o->app)) {
        fprintf(stderr, "tsumiki: no app %lld\n", (long long)o->app);
        return cx->err.code ? -1 : ts_fail(cx, TS_E_APP_NOT_FOUND, "app");
    }
    cx->user = ts_store_user_by_id(cx, 1); /* the first administrator, as for tokens */
    int64_t id;
    const char *tok = ts_auth_token_create(cx, o->app, perms, o->note, &id);
    if (!tok ||
        ts_audit_add(cx, "cli", "app.token", app_target(cx, o->app), "tsumiki token add") < 0)
        return -1;
    printf("token %lld for app %lld (%s):\n%s\n", (long long)id, (long long)o->app,
           ts_auth_perms_text(cx, perms), tok);
    return 0;
}

static void import_progress(void *arg, int64_t rows)
{
    (void)arg;
    if (isatty(2))
        fprintf(stderr, "\rimporting: %lld rows", (long long)rows);
}

static int import_csv(struct ts_ctx *cx, struct opts *o)
{
    struct ts_import im = {
        .update_key = o->update_key, .skip_bad = o->skip_bad, .progress = import_progress};
    if (!o->app || o->n_args != 2)
        usage();
    if (o->encoding && ts_csv_encoding_parse(o->encoding, &im.enc) < 0)
        usage();
    /* as --user would import (their rights), else as the operator */
    const struct ts_user *u =
        o->user ? ts_store_user_by_code(cx, o->user) : ts_store_user_by_id(cx, 1);
    if (!u || !u->active) {
        fprintf(stderr, "tsumiki: no active user %s\n",
                o->user ? o->user : "(the first administrator)");
        return cx->err.code ? -1 : ts_fail(cx, TS_E_INVALID_INPUT, "user");
    }
    if (o->user)
        cx->caller = (struct ts_caller){.kind = TS_CALLER_USER, .person = u};
    cx->user = u;
    const struct ts_app *app = ts_app_get(cx, o->app);
    if (!app)
        return -1;
    int rc = ts_import_csv_file(cx, app, o->args[1], &im);
    if (im.progress && isatty(2))
        fputc('\n', stderr);
    if (rc < 0 || (rc == 0 && ts_audit_add(cx, "cli", "records.import", app_target(cx, o->app),
                                           "tsumiki import") < 0))
        return -1;
    for (int i = 0; i < im.n_problems; i++)
        fprintf(stderr, "row %lld%s%s: %s\n", (long long)im.problems[i].row,
                *im.problems[i].column ? ", column " : "", im.problems[i].column,
                im.problems[i].reason);
    for (int i = 0; i < im.n_ignored && i < (int)TS_ARRAY_LEN(im.ignored); i++)
        fprintf(stderr, "column \"%s\" names no field: ignored\n", im.ignored[i]);
    const char *enc = im.detected == TS_CSV_CP932 ? "Shift_JIS (CP932)" : "UTF-8";
    if (rc == 1) {
        fprintf(stderr, "tsumiki: nothing imported: %lld of %lld rows have problems (%s)\n",
                (long long)im.skipped, (long long)im.rows, enc);
        return ts_fail(cx, TS_E_INVALID_INPUT, "bad rows");
    }
    printf("imported %lld rows (%s): %lld added, %lld updated, %lld skipped\n", (long long)im.rows,
           enc, (long long)im.added, (long long)im.updated, (long long)im.skipped);
    return 0;
}

static int print_token(struct ts_ctx *cx, const struct ts_token_row *t, void *arg)
{
    (void)arg;
    printf("%-6lld %s…  %-28s %s\n", (long long)t->id, t->prefix, ts_auth_perms_text(cx, t->perms),
           t->note);
    return 0;
}

static int token_revoke(struct ts_ctx *cx, struct opts *o)
{
    if (!o->app || !o->id)
        usage();
    int found = ts_store_token_revoke(cx, o->app, o->id);
    if (found == 0) {
        fprintf(stderr, "tsumiki: no token %lld on app %lld\n", (long long)o->id,
                (long long)o->app);
        return ts_fail(cx, TS_E_INVALID_INPUT, "no token");
    }
    if (found < 0 ||
        ts_audit_add(cx, "cli", "app.token", app_target(cx, o->app), "tsumiki token revoke") < 0)
        return -1;
    printf("revoked token %lld\n", (long long)o->id);
    return 0;
}

/* The first start creates the Administrator, with TSUMIKI_ADMIN_PASSWORD or a
 * generated password printed once. */
static int ensure_admin(struct ts_ctx *cx, struct opts *o)
{
    (void)o;
    int64_t n = ts_store_user_count(cx);
    if (n != 0)
        return n < 0 ? -1 : 0;
    const char *pw = getenv("TSUMIKI_ADMIN_PASSWORD");
    char gen[21];
    bool generated = !pw || !*pw;
    if (generated) {
        ts_auth_random_text(gen, 20);
        pw = gen;
    } else if (!ts_auth_password_acceptable(pw)) {
        fprintf(stderr, "tsumiki: TSUMIKI_ADMIN_PASSWORD needs %d to %d characters\n",
                TS_PASSWORD_MIN, TS_PASSWORD_MAX);
        return ts_fail(cx, TS_E_INVALID_INPUT, "admin password too short");
    }
    char *hash = ts_auth_hash_password(pw);
    if (!hash)
        return ts_fail(cx, TS_E_INTERNAL, "hashing failed");
    struct ts_user u = {.code = "Administrator",
                        .name = "Administrator",
                        .lang = "auto",
                        .tz = "Asia/Tokyo",
                        .pwhash = ts_arena_strdup(cx->arena, hash),
                        .admin = true,
                        .active = true};
    free(hash);
    if (ts_store_user_add(cx, &u) < 0)
        return -1;
    if (generated)
        fprintf(
            stderr,
            "\n  First start: created the account Administrator with the password\n\n"
            "      %s\n\n"
            "  It is shown only this once. Change it with: tsumiki user passwd Administrator\n\n",
            gen);
    else
        fprintf(stderr, "First start: created the account Administrator "
                        "(password from TSUMIKI_ADMIN_PASSWORD).\n");
    return 0;
}

/* A deploy the last run of the server was in the middle of did not happen. */
static int deploys_interrupted(struct ts_ctx *cx, struct opts *o)
{
    (void)o;
    return ts_store_apps_interrupted(cx, "The server stopped during the deploy; nothing changed. "
                                         "Deploy again.");
}

static int assignees_indexed(struct ts_ctx *cx, struct opts *o)
{
    (void)o;
    return ts_app_index_assignees(cx);
}

/* A database's name to print: a URI's password hidden. */
static const char *shown(const char *name)
{
    static char out[2][512];
    static int k;
    char *o = out[k++ % 2];
    const char *scheme = strstr(name, "://"), *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
    if (!colon)
        snprintf(o, sizeof(out[0]), "%s", name);
    else
        snprintf(o, sizeof(out[0]), "%.*s:***%s", (int)(colon - name), name, at);
    return o;
}

/* tsumiki migrate: one read snapshot of the source, one transaction in the
 * target, which must be empty; nothing is written to it unless all of it is. */
static int migrate(struct opts *o)
{
    if (!o->from || !o->to)
        usage();
    char from_target[4200], to_target[4200];
    struct ts_db *from = open_named(o->from, false, from_target, sizeof(from_target));
    struct ts_db *to = from ? open_named(o->to, true, to_target, sizeof(to_target)) : NULL;
    if (!to) {
        ts_db_close(from);
        return 1;
    }
    struct ts_ctx src, dst;
    ts_ctx_init(&src, from);
    ts_ctx_init(&dst, to);
    src.caller.kind = dst.caller.kind = TS_CALLER_SYSTEM;
    int rc = 0;
    bool reading = ts_db_begin(&src, false) == 0, writing = reading && ts_db_begin(&dst, true) == 0;
    if (!writing) {
        rc = fail(src.err.code ? &src : &dst, "migrate");
    } else if (ts_store_is_empty(&dst) != 1) {
        fprintf(stderr,
                "tsumiki: migrate: %s already holds an installation; the target must be"
                " empty\n",
                shown(o->to));
        rc = 1;
    } else if (ts_app_copy_installation(&src, &dst) < 0) {
        rc = fail(src.err.code ? &src : &dst, "migrate");
    }
    if (writing && rc)
        ts_db_rollback(&dst);
    else if (writing && ts_db_commit(&dst) < 0)
        rc = fail(&dst, "migrate");
    if (reading)
        ts_db_rollback(&src);
    if (!rc)
        printf("copied %s to %s\n", shown(o->from), shown(o->to));
    ts_ctx_release(&src);
    ts_ctx_release(&dst);
    ts_db_close(from);
    ts_db_close(to);
    return rc;
}

int main(int argc, char **argv)
{
    struct opts o = {0};
    if (argc < 2)
        usage();
    parse(argc - 1, argv + 1, &o);
    if (o.n_args < 1)
        usage();
    /* the database, its WAL and every stored file are the owner's alone,
     * whatever the data folder's mode */
    umask(077);
    ts_log_init();
    ts_auth_init();
    if (!strcmp(o.args[0], "migrate"))
        return migrate(&o);
    char db_path[4200];
    struct ts_db *db = open_db(&o, db_path, sizeof(db_path));
    if (!db)
        return 1;
    struct ts_ctx cx;
    ts_ctx_init(&cx, db);
    cx.caller.kind = TS_CALLER_SYSTEM; /* the operator, at the machine */
    char key_path[4200];
    snprintf(key_path, sizeof(key_path), "%s/audit.key", o.data);
    if (!o.audit_key)
        o.audit_key = getenv("TSUMIKI_AUDIT_KEY") ? getenv("TSUMIKI_AUDIT_KEY") : key_path;
    if (ts_audit_key_open(&cx, o.audit_key) < 0) {
        fail(&cx, "audit key");
        ts_ctx_release(&cx);
        ts_db_close(db);
        return 1;
    }
    int rc = 0;
    const char *cmd = o.args[0], *sub = o.n_args > 1 ? o.args[1] : "";
    if (!strcmp(cmd, "serve")) {
        rc = in_tx(&cx, ensure_admin, &o, "set-up") ||
             in_tx(&cx, deploys_interrupted, &o, "set-up") ||
             in_tx(&cx, assignees_indexed, &o, "set-up");
        ts_ctx_release(&cx);
        ts_db_close(db);
        if (rc)
            return rc;
        struct ts_server_opts so = {o.data,          o.db,       o.listen, o.port, o.threads,
                                    o.trusted_proxy, o.tls_cert, o.tls_key};
        return ts_server_run(&so);
    } else if (!strcmp(cmd, "user") && !strcmp(sub, "add")) {
        rc = in_tx(&cx, ensure_admin, &o, "set-up") || in_tx(&cx, user_add, &o, "user add");
    } else if (!strcmp(cmd, "user") && !strcmp(sub, "passwd")) {
        rc = in_tx(&cx, user_passwd, &o, "user passwd");
    } else if (!strcmp(cmd, "user") && !strcmp(sub, "list")) {
        rc = ts_store_user_each(&cx, print_user, NULL) < 0 ? fail(&cx, "user list") : 0;
    } else if (!strcmp(cmd, "token") && !strcmp(sub, "add")) {
        rc = in_tx(&cx, token_add, &o, "token add");
    } else if (!strcmp(cmd, "token") && !strcmp(sub, "list")) {
        if (!o.app)
            usage();
        rc = ts_store_token_each(&cx, o.app, print_token, NULL) < 0 ? fail(&cx, "token list") : 0;
    } else if (!strcmp(cmd, "token") && !strcmp(sub, "revoke")) {
        rc = in_tx(&cx, token_revoke, &o, "token revoke");
    } else if (!strcmp(cmd, "files") && !strcmp(sub, "cleanup")) {
        int removed = ts_files_init(o.data) < 0 ? -1 : ts_files_expire(&cx, cx.now, o.max_age);
        if (removed >= 0)
            printf("%d stored file(s) removed\n", removed);
        rc = removed < 0 ? fail(&cx, "files cleanup") : 0;
    } else if (!strcmp(cmd, "reminders")) {
        if (o.at && ts_datetime_parse(o.at, &cx.now) < 0)
            usage();
        rc = ts_notify_reminders(&cx) < 0 ? fail(&cx, "reminders") : 0;
    } else if (!strcmp(cmd, "import")) {
        ts_db_bulk_mode(db, 512); /* a million rows' indexes stay cached */
        rc = in_tx(&cx, import_csv, &o, "import");
    } else {
        usage();
    }
    ts_ctx_release(&cx);
    ts_db_close(db);
    return rc;
}
