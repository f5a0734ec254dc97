/*
 * base/busy.c - counters of work running per caller (base/busy.h): a small
 * table under one lock; a place is free again when its count is back at 0.
 */
#include "base/common.h"
#include "base/busy.h"
#include "base/arena.h"

#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char key[48];
    int n;
} places[TS_BUSY_KEYS];

int ts_busy_take(const char *key, int most)
{
    pthread_mutex_lock(&lock);
    int at = -1, free_at = -1;
    for (int i = 0; i < TS_BUSY_KEYS && at < 0; i++) {
        if (places[i].n > 0 && !strncmp(places[i].key, key, sizeof(places[i].key) - 1))
            at = i;
        else if (places[i].n == 0 && free_at < 0)
            free_at = i;
    }
    if (at < 0 && free_at >= 0) {
        at = free_at;
        snprintf(places[at].key, sizeof(places[at].key), "%s", key);
    }
    if (at >= 0 && places[at].n < most)
        places[at].n++;
    else
        at = -1;
    pthread_mutex_unlock(&lock);
    return at;
}

void ts_busy_give(int place)
{
    pthread_mutex_lock(&lock);
    if (place >= 0 && place < TS_BUSY_KEYS && places[place].n > 0)
        places[place].n--;
    pthread_mutex_unlock(&lock);
}

static void give_back(void *place)
{
    ts_busy_give((int)(intptr_t)place);
}

bool ts_busy_hold(struct ts_arena *a, const char *key, int most)
{
    int place = ts_busy_take(key, most);
    if (place < 0)
        return false;
    ts_arena_defer(a, give_back, (void *)(intptr_t)place);
    return true;
}
