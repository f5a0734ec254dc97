/*
 * files/files.h - the bytes of attachments, stored by content under the data
 * folder (DESIGN §3): files/<first two hex digits>/<sha-256 in hex>.
 *
 * An upload is written to files/tmp while its hash is computed, then moved into
 * place; identical files are stored once. Which keys name which bytes is kept
 * in the database (store.h, ts_file_row).
 */
#ifndef TS_FILES_H
#define TS_FILES_H

#include "base/ctx.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where the files live: <data_dir>/files. Creates the folders. Returns 0 or -1. */
int ts_files_init(const char *data_dir);

struct ts_upload;
/* Start writing an upload to a temporary file; NULL when that cannot be made. */
struct ts_upload *ts_upload_begin(void);
int ts_upload_write(struct ts_upload *u, const void *data, size_t len);
int64_t ts_upload_size(const struct ts_upload *u);
/* Finish: the bytes are moved into place. Fills hash (65 bytes) and size.
 * Frees u either way. */
int ts_upload_finish(struct ts_upload *u, char hash[65], int64_t *size);
void ts_upload_abort(struct ts_upload *u);
/* The first bytes of an upload (up to n): how many were read. */
size_t ts_upload_head(const struct ts_upload *u, void *buf, size_t n);
/* Do a file's first bytes fit what its name's ending (lower case) says? A
 * picture or a PDF is checked; other kinds are taken as named. */
bool ts_files_kind_ok(const char *ext, const unsigned char *head, size_t n);

/* An open descriptor of the bytes with that hash, or -1. */
int ts_files_open(const char *hash);

/* A thumbnail of the picture with that hash that fits size x size pixels
 * (50, 150, 250 or 500), made the first time and kept: an open descriptor and
 * its Content-Type, or -1 when the bytes are not a picture it can read. */
int ts_files_thumbnail(const char *hash, int size, const char **type);

/* A PNG picture given as base64 text (a print layout's logo, a form's): at
 * most max_chars of text and max_px either way, read from its header. */
bool ts_files_png_ok(const char *b64, size_t max_chars, unsigned max_px);

/* files.c and thumb.c: the folder, and thumbnails of bytes that are gone */
const char *ts_files__root(void);
void ts_files__forget_thumbnails(const char *hash);

/* A new random key for a file (32 letters and digits). */
void ts_files_new_key(char key[33]);

/* Delete uploads no record took within max_age seconds of `now`, and the bytes
 * nothing refers to any more. Returns the number of byte files removed, or -1. */
int ts_files_expire(struct ts_ctx *cx, int64_t now, int64_t max_age);

#define TS_UPLOAD_TTL (3 * 24 * 3600) /* kintone keeps an unattached upload 3 days */

/* Upload space: files no record has taken yet, per uploader (a person or a
 * token) and for everyone; and bytes being received at once, for everyone. */
#define TS_UPLOAD_QUOTA_EACH    ((int64_t)2 << 30)
#define TS_UPLOAD_QUOTA_ALL     ((int64_t)20 << 30)
#define TS_UPLOAD_RECEIVING_MAX ((int64_t)4 << 30)

/* People outside answering public forms (api/public.c): a file each of at
 * most this, all their uploads no answer has taken yet together at most
 * this, kept two hours. Their uploader is the form: ts_policy_caller_key
 * "f<id>", found by TS_PUBLIC_UPLOADER (a LIKE pattern). */
#define TS_PUBLIC_UPLOAD_MAX  ((int64_t)10 << 20)
#define TS_PUBLIC_UPLOADS_ALL ((int64_t)200 << 20)
#define TS_PUBLIC_UPLOAD_TTL  (2 * 3600)
#define TS_PUBLIC_UPLOADER    "f%"

/* -1 with errno ENOSPC when the disk is full: ts_upload_write, ts_upload_finish. */

#endif
