/*
 * http/assets.h - the browser UI, built from web/ by Vite and compiled into the
 * binary (tools/embed.mjs writes the table), so one file serves everything.
 */
#ifndef TS_ASSETS_H
#define TS_ASSETS_H

#include <stdbool.h>
#include <stddef.h>

struct ts_asset {
    const char *path; /* "/index.html", "/assets/index-3f2a.js" */
    const char *type; /* Content-Type */
    const unsigned char *data;
    size_t len;
    bool immutable; /* the name carries a content hash: cache for good */
};

extern const struct ts_asset ts_assets[];
extern const size_t ts_n_assets;

/* The asset for a URL path, or NULL. */
const struct ts_asset *ts_asset_find(const char *path);

#endif
