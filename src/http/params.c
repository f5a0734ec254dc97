/*
 * http/params.c - query-string keys in qs bracket syntax into nested JSON.
 */
#include "base/common.h"
#include "http/http.h"
#include "base/str.h"

#include <ctype.h>

#define MAX_DEPTH 8
#define MAX_INDEX 10000

int ts_params_add(json_t *root, const char *key, const char *value, size_t *budget)
{
    /* An empty value is how qs writes null: treat it as absent (KINTONE-API.md §2). */
    if (!value || !*value)
        return 0;
    /* JSON holds UTF-8 only: other bytes are refused here, not half-stored */
    if (!ts_utf8_valid(key, strlen(key)) || !ts_utf8_valid(value, strlen(value)))
        return -1;
    char segs[MAX_DEPTH][128];
    int n = 0;
    const char *p = key;
    size_t len = strcspn(p, "[");
    if (len == 0 || len >= sizeof(segs[0]))
        return -1;
    memcpy(segs[n], p, len);
    segs[n++][len] = '\0';
    p += len;
    while (*p == '[') {
        const char *end = strchr(p, ']');
        if (!end || n == MAX_DEPTH || (size_t)(end - p - 1) >= sizeof(segs[0]))
            return -1;
        memcpy(segs[n], p + 1, (size_t)(end - p - 1));
        segs[n++][end - p - 1] = '\0';
        p = end + 1;
    }
    if (*p)
        return -1;
    json_t *cur = root;
    for (int i = 0; i < n; i++) {
        bool last = i == n - 1;
        const char *s = segs[i];
        bool next_is_index =
            !last && (segs[i + 1][0] == '\0' || isdigit((unsigned char)segs[i + 1][0]));
        json_t *child;
        if (json_is_object(cur)) {
            /* an index into an object, or a name into an array, is a clash of shapes */
            if (!*s || (i > 0 && isdigit((unsigned char)*s)))
                return -1;
            child = json_object_get(cur, s);
            if (last)
                return json_object_set_new(cur, s, json_string(value)) == 0 ? 0 : -1;
            if (!child) {
                child = next_is_index ? json_array() : json_object();
                if (json_object_set_new(cur, s, child) < 0)
                    return -1;
            }
        } else if (json_is_array(cur)) {
            size_t idx;
            if (!*s) {
                idx = json_array_size(cur); /* "a[]" appends */
            } else {
                char *end;
                long v = strtol(s, &end, 10);
                if (*end || v < 0 || v > MAX_INDEX)
                    return -1;
                idx = (size_t)v;
            }
            while (json_array_size(cur) <= idx) {
                if (*budget == 0)
                    return -1; /* sparse indices must not let a short URL build a huge array */
                (*budget)--;
                json_array_append_new(cur, json_null()); /* sparse indices keep their place */
            }
            child = json_array_get(cur, idx);
            if (last)
                return json_array_set_new(cur, idx, json_string(value)) == 0 ? 0 : -1;
            if (json_is_null(child)) {
                child = next_is_index ? json_array() : json_object();
                if (json_array_set_new(cur, idx, child) < 0)
                    return -1;
            }
        } else {
            return -1;
        }
        if (!json_is_object(child) && !json_is_array(child))
            return -1;
        cur = child;
    }
    return 0;
}
