/*
 * base/log.h - one logfmt line per event on stderr (STYLE 3.9).
 *
 * Never log passwords, tokens, cookies or record values: log codes and names.
 */
#ifndef TS_LOG_H
#define TS_LOG_H

enum ts_log_level { TS_LOG_DEBUG_L, TS_LOG_INFO_L, TS_LOG_WARN_L, TS_LOG_ERROR_L };

struct ts_ctx;

void ts_log_init(void); /* reads TS_DEBUG=module,module */
bool ts_log_enabled(enum ts_log_level lvl, const char *module);
void ts_log(enum ts_log_level lvl, const struct ts_ctx *cx, const char *module, const char *fmt,
            ...) TS_PRINTF(4, 5);

#define TS_LOG_ERROR(cx, mod, ...) ts_log(TS_LOG_ERROR_L, (cx), (mod), __VA_ARGS__)
#define TS_LOG_WARN(cx, mod, ...)  ts_log(TS_LOG_WARN_L, (cx), (mod), __VA_ARGS__)
#define TS_LOG_INFO(cx, mod, ...)  ts_log(TS_LOG_INFO_L, (cx), (mod), __VA_ARGS__)
#define TS_LOG_DEBUG(cx, mod, ...)                                                                 \
    do {                                                                                           \
        if (ts_log_enabled(TS_LOG_DEBUG_L, (mod)))                                                 \
            ts_log(TS_LOG_DEBUG_L, (cx), (mod), __VA_ARGS__);                                      \
    } while (0)

#endif
