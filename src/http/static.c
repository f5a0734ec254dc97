/*
 * http/static.c - finding the embedded UI's files.
 */
#include "base/common.h"
#include "http/assets.h"

const struct ts_asset *ts_asset_find(const char *path)
{
    for (size_t i = 0; i < ts_n_assets; i++)
        if (strcmp(ts_assets[i].path, path) == 0)
            return &ts_assets[i];
    return NULL;
}
