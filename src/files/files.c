/*
 * files/files.c - content-addressed storage of attachment bytes.
 */
#include "base/common.h"
#include "files/files.h"
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char root[4096];

int ts_files_init(const char *data_dir)
{
    char tmp[4200];
    snprintf(root, sizeof(root), "%s/files", data_dir);
    snprintf(tmp, sizeof(tmp), "%s/tmp", root);
    if ((mkdir(root, 0750) < 0 && errno != EEXIST) || (mkdir(tmp, 0750) < 0 && errno != EEXIST))
        return -1;
    return sodium_init() < 0 ? -1 : 0;
}

const char *ts_files__root(void)
{
    return root;
}

static void blob_path(const char *hash, char *out, size_t n)
{
    snprintf(out, n, "%s/%.2s/%s", root, hash, hash);
}

struct ts_upload {
    int fd;
    char path[4200];
    crypto_hash_sha256_state sha;
    int64_t size;
};

struct ts_upload *ts_upload_begin(void)
{
    struct ts_upload *u = ts_xcalloc(1, sizeof(*u));
    snprintf(u->path, sizeof(u->path), "%s/tmp/upload-XXXXXX", root);
    u->fd = mkstemp(u->path);
    if (u->fd < 0) {
        free(u);
        return NULL;
    }
    crypto_hash_sha256_init(&u->sha);
    return u;
}

int ts_upload_write(struct ts_upload *u, const void *data, size_t len)
{
    crypto_hash_sha256_update(&u->sha, data, len);
    u->size += (int64_t)len;
    const char *p = data;
    while (len) {
        ssize_t k = write(u->fd, p, len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

int64_t ts_upload_size(const struct ts_upload *u)
{
    return u->size;
}

size_t ts_upload_head(const struct ts_upload *u, void *buf, size_t n)
{
    ssize_t k = pread(u->fd, buf, n, 0);
    return k > 0 ? (size_t)k : 0;
}

bool ts_files_kind_ok(const char *ext, const unsigned char *head, size_t n)
{
    static const struct {
        const char *ext, *magic;
        size_t len;
    } KINDS[] = {
        {"png", "\x89PNG\r\n\x1a\n", 8},
        {"jpg", "\xff\xd8\xff", 3},
        {"jpeg", "\xff\xd8\xff", 3},
        {"gif", "GIF8", 4},
        {"pdf", "%PDF-", 5},
    };
    for (size_t i = 0; i < TS_ARRAY_LEN(KINDS); i++)
        if (!strcmp(ext, KINDS[i].ext))
            return n >= KINDS[i].len && !memcmp(head, KINDS[i].magic, KINDS[i].len);
    return true;
}

void ts_upload_abort(struct ts_upload *u)
{
    if (!u)
        return;
    int why = errno; /* the caller may want to know: ENOSPC */
    close(u->fd);
    unlink(u->path);
    free(u);
    errno = why;
}

int ts_upload_finish(struct ts_upload *u, char hash[65], int64_t *size)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&u->sha, digest);
    sodium_bin2hex(hash, 65, digest, sizeof(digest));
    *size = u->size;
    /* on disk before the key that names it can be acknowledged */
    if (fsync(u->fd) < 0) {
        ts_upload_abort(u);
        return -1;
    }
    close(u->fd);
    char dir[4200], path[4300];
    snprintf(dir, sizeof(dir), "%s/%.2s", root, hash);
    blob_path(hash, path, sizeof(path));
    int rc = 0;
    if (mkdir(dir, 0750) < 0 && errno != EEXIST)
        rc = -1;
    else if (access(path, F_OK) == 0)
        utimensat(AT_FDCWD, path, NULL, 0); /* the same bytes again: keep them young */
    else if (rename(u->path, path) < 0)
        rc = -1;
    int why = errno;
    unlink(u->path);
    if (rc == 0) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    free(u);
    errno = why;
    return rc;
}

int ts_files_open(const char *hash)
{
    char path[4300];
    for (const char *p = hash; *p; p++)
        if (!strchr("0123456789abcdef", *p))
            return -1;
    blob_path(hash, path, sizeof(path));
    return open(path, O_RDONLY | O_CLOEXEC);
}

void ts_files_new_key(char key[33])
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < 32; i++)
        key[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
    key[32] = '\0';
}

struct expired {
    struct ts_ctx *cx;
    const char **hashes;
    int n, cap;
};

static void note_blob(const char *hash, void *arg)
{
    struct expired *e = arg;
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        const char **h = TS_NEW_N(e->cx->arena, const char *, (size_t)e->cap);
        if (e->n)
            memcpy(h, e->hashes, sizeof(*h) * (size_t)e->n);
        e->hashes = h;
    }
    e->hashes[e->n++] = ts_arena_strdup(e->cx->arena, hash);
}

struct expiry {
    int64_t before, public_before;
    struct expired *e;
};

static int expire_keys(struct ts_ctx *cx, void *arg)
{
    const struct expiry *x = arg;
    return ts_store_files_expire(cx, x->before, x->public_before, note_blob, x->e);
}

int ts_files_expire(struct ts_ctx *cx, int64_t now, int64_t max_age)
{
    struct expired e = {.cx = cx};
    struct expiry x = {now - max_age, now - TS_PUBLIC_UPLOAD_TTL, &e};
    if (ts_db_in_write_tx(cx, expire_keys, &x) < 0 || ts_db_wait_durable(cx) < 0)
        return -1;
    /* the keys are gone for good: now the bytes; but an upload of the same bytes
     * in the last hour may be about to name them again */
    int removed = 0;
    time_t keep_after = time(NULL) - 3600;
    for (int i = 0; i < e.n; i++) {
        char path[4300];
        struct stat st;
        blob_path(e.hashes[i], path, sizeof(path));
        if (stat(path, &st) == 0 && st.st_mtime < keep_after && unlink(path) == 0) {
            ts_files__forget_thumbnails(e.hashes[i]);
            removed++;
        }
    }
    return removed;
}
