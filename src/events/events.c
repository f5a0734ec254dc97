/*
 * events/events.c - the listeners, in the order they hear of a change.
 */
#include "base/common.h"
#include "events/events.h"
#include "notify/notify.h"

typedef int ts_listener_fn(struct ts_ctx *cx, const struct ts_event *e);

static ts_listener_fn *const LISTENERS[] = {
    ts_notify_on_event, /* notices and e-mail */
};

int ts_events_publish(struct ts_ctx *cx, const struct ts_event *e)
{
    if (cx->quiet && e->kind != TS_EV_IMPORTED)
        return 0;
    for (size_t i = 0; i < TS_ARRAY_LEN(LISTENERS); i++)
        if (LISTENERS[i](cx, e) < 0)
            return -1;
    return 0;
}
