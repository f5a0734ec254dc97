/*
 * base/busy.h - how many of one kind of costly work each caller has running
 * at once in this process (graphs being counted), with a bound.
 */
#ifndef TS_BASE_BUSY_H
#define TS_BASE_BUSY_H

#define TS_BUSY_KEYS 256 /* callers counted at once; past that, nobody else starts */

/* One more for key (at most `most`): its place, to give back; -1 when key
 * has `most` running already (or every place is taken). */
int ts_busy_take(const char *key, int most);
void ts_busy_give(int place);

struct ts_arena;
/* ts_busy_take for the work of arena a: the place is given back when a is
 * freed (the request ends). false when key has `most` running already. */
bool ts_busy_hold(struct ts_arena *a, const char *key, int most);

#endif
