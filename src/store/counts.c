/*
 * store/counts.c - totals remembered between requests.
 *
 * totalCount on a saved view's filter counts every matching index entry again
 * (tens of thousands on a million records: tens of milliseconds), though most
 * requests in a row see the same data. Every transaction that changes an app's
 * records advances the app's data generation, so a total keyed by the query,
 * its bound values and the generation read in the same snapshot is right for
 * as long as that generation is current; an older one is simply never asked
 * for again and is overwritten. A graph's rows are remembered the same way.
 */
#include "base/common.h"
#include "store/sql.h"

#include <pthread.h>

#define COUNT_SLOTS 1024

static struct count_slot {
    uint64_t hash;
    char *key;
    size_t len;
    int64_t count;
} slots[COUNT_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t hash_key(const char *key, size_t len)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)key[i]) * 1099511628211u;
    return h;
}

bool ts_store__count_cached(const char *key, size_t len, int64_t *count)
{
    uint64_t h = hash_key(key, len);
    bool hit = false;
    pthread_mutex_lock(&lock);
    struct count_slot *s = &slots[h % COUNT_SLOTS];
    if (s->key && s->hash == h && s->len == len && memcmp(s->key, key, len) == 0) {
        *count = s->count;
        hit = true;
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

void ts_store__count_remember(const char *key, size_t len, int64_t count)
{
    uint64_t h = hash_key(key, len);
    char *copy = ts_xmalloc(len);
    memcpy(copy, key, len);
    pthread_mutex_lock(&lock);
    struct count_slot *s = &slots[h % COUNT_SLOTS];
    char *old = s->key;
    s->hash = h;
    s->key = copy;
    s->len = len;
    s->count = count;
    pthread_mutex_unlock(&lock);
    free(old);
}

/* ---------------------------------------------------------------- graphs' rows */

#define ROWS_SLOTS     64
#define ROWS_MAX_BYTES (256 * 1024) /* a larger answer is counted again */

static struct rows_slot {
    uint64_t hash;
    char *key, *rows;
    size_t len, rows_len;
} rows_slots[ROWS_SLOTS];

bool ts_store__rows_cached(const char *key, size_t len, struct ts_buf *rows)
{
    uint64_t h = hash_key(key, len);
    bool hit = false;
    pthread_mutex_lock(&lock);
    struct rows_slot *s = &rows_slots[h % ROWS_SLOTS];
    if (s->key && s->hash == h && s->len == len && memcmp(s->key, key, len) == 0) {
        ts_buf_add(rows, s->rows, s->rows_len);
        hit = true;
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

void ts_store__rows_remember(const char *key, size_t len, const char *rows, size_t rows_len)
{
    if (rows_len > ROWS_MAX_BYTES)
        return;
    uint64_t h = hash_key(key, len);
    char *k = ts_xmalloc(len), *r = ts_xmalloc(rows_len ? rows_len : 1);
    memcpy(k, key, len);
    memcpy(r, rows, rows_len);
    pthread_mutex_lock(&lock);
    struct rows_slot *s = &rows_slots[h % ROWS_SLOTS];
    char *old_k = s->key, *old_r = s->rows;
    *s = (struct rows_slot){h, k, r, len, rows_len};
    pthread_mutex_unlock(&lock);
    free(old_k);
    free(old_r);
}
