/*
 * files/thumb.c - thumbnails of image attachments (JPEG, PNG, GIF, WebP),
 * made with libgd the first time they are asked for and kept beside the
 * bytes: files/thumbs/<hash>-<size>.<jpg|png>.
 *
 * An attachment is whatever someone uploaded: its size on disk and its
 * picture's size (read from the header, before anything is decoded) are
 * checked first, so a small file that claims a huge picture costs nothing.
 */
#include "base/common.h"
#include "files/files.h"
#include "base/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <gd.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sodium.h>
#include <unistd.h>

/* A decoded picture takes 4 bytes a pixel: 24 megapixels (a 6000 x 4000
 * camera) is about 100 MB, and pictures are decoded one at a time, so however
 * many thumbnails of hostile pictures are asked for at once, that is the most
 * they hold. A larger picture gets no thumbnail. */
#define MAX_BYTES  (40 * 1024 * 1024)
#define MAX_PIXELS (24 * 1000 * 1000)

static pthread_mutex_t decoding = PTHREAD_MUTEX_INITIALIZER;

enum kind { K_NONE, K_JPEG, K_PNG, K_GIF, K_WEBP };

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}
static unsigned le16(const unsigned char *p)
{
    return (unsigned)p[1] << 8 | p[0];
}
static unsigned long be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* The picture's kind and size from its header; K_NONE when it is not one we
 * read, or the header does not say. */
static enum kind probe(const unsigned char *p, size_t n, unsigned long *w, unsigned long *h)
{
    if (n > 24 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8)) {
        *w = be32(p + 16);
        *h = be32(p + 20);
        return K_PNG;
    }
    if (n > 10 && (!memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6))) {
        *w = le16(p + 6);
        *h = le16(p + 8);
        return K_GIF;
    }
    if (n > 30 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4)) {
        const unsigned char *c = p + 12;
        if (!memcmp(c, "VP8 ", 4)) {
            *w = le16(c + 14) & 0x3fff;
            *h = le16(c + 16) & 0x3fff;
        } else if (!memcmp(c, "VP8L", 4)) {
            unsigned long b = (unsigned long)c[9] | (unsigned long)c[10] << 8 |
                              (unsigned long)c[11] << 16 | (unsigned long)c[12] << 24;
            *w = (b & 0x3fff) + 1;
            *h = ((b >> 14) & 0x3fff) + 1;
        } else if (!memcmp(c, "VP8X", 4)) {
            *w =
                ((unsigned long)c[12] | (unsigned long)c[13] << 8 | (unsigned long)c[14] << 16) + 1;
            *h =
                ((unsigned long)c[15] | (unsigned long)c[16] << 8 | (unsigned long)c[17] << 16) + 1;
        } else {
            return K_NONE;
        }
        return K_WEBP;
    }
    if (n > 4 && p[0] == 0xFF && p[1] == 0xD8) {
        /* walk the markers to the frame header (SOF0-SOF15 but DHT, JPG, DAC) */
        for (size_t i = 2; i + 9 < n;) {
            if (p[i] != 0xFF) {
                i++;
                continue;
            }
            unsigned m = p[i + 1];
            if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
                *h = be16(p + i + 5);
                *w = be16(p + i + 7);
                return K_JPEG;
            }
            if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7) || m == 0xFF) {
                i += m == 0xFF ? 1 : 2;
                continue;
            }
            i += 2 + be16(p + i + 2);
        }
    }
    return K_NONE;
}

static int read_all(int fd, struct ts_buf *b)
{
    char chunk[65536];
    ssize_t k;
    while ((k = read(fd, chunk, sizeof(chunk))) > 0) {
        if (b->len + (size_t)k > MAX_BYTES)
            return -1;
        ts_buf_add(b, chunk, (size_t)k);
    }
    return k < 0 ? -1 : 0;
}

/* Decode, scale to fit size x size (never larger), encode; NULL when not a picture. */
static void *decode_and_scale(const struct ts_buf *b, enum kind kind, int size, bool *jpeg,
                              int *out_len);

static void *make(const struct ts_buf *b, int size, bool *jpeg, int *out_len)
{
    unsigned long w = 0, h = 0;
    enum kind kind = probe((const unsigned char *)b->p, b->len, &w, &h);
    if (kind == K_NONE || w == 0 || h == 0 || w * h > MAX_PIXELS)
        return NULL;
    pthread_mutex_lock(&decoding);
    void *out = decode_and_scale(b, kind, size, jpeg, out_len);
    pthread_mutex_unlock(&decoding);
    return out;
}

static void *decode_and_scale(const struct ts_buf *b, enum kind kind, int size, bool *jpeg,
                              int *out_len)
{
    int len = (int)b->len;
    gdImagePtr img = kind == K_JPEG  ? gdImageCreateFromJpegPtrEx(len, b->p, 1)
                     : kind == K_PNG ? gdImageCreateFromPngPtr(len, b->p)
                     : kind == K_GIF ? gdImageCreateFromGifPtr(len, b->p)
                                     : gdImageCreateFromWebpPtr(len, b->p);
    if (!img)
        return NULL;
    unsigned iw = gdImageSX(img), ih = gdImageSY(img);
    unsigned tw = iw, th = ih;
    if (iw > (unsigned)size || ih > (unsigned)size) {
        if (iw >= ih) {
            tw = (unsigned)size;
            th = ih * (unsigned)size / iw;
        } else {
            th = (unsigned)size;
            tw = iw * (unsigned)size / ih;
        }
    }
    gdImageSetInterpolationMethod(img, GD_BILINEAR_FIXED);
    gdImagePtr small = gdImageScale(img, tw ? tw : 1, th ? th : 1);
    gdImageDestroy(img);
    if (!small)
        return NULL;
    *jpeg = kind == K_JPEG;
    if (!*jpeg)
        gdImageSaveAlpha(small, 1);
    void *out = *jpeg ? gdImageJpegPtr(small, out_len, 82) : gdImagePngPtr(small, out_len);
    gdImageDestroy(small);
    return out;
}

int ts_files_thumbnail(const char *hash, int size, const char **type)
{
    char path[4300], tmp[4400];
    for (int pass = 0; pass < 2; pass++) {
        const char *ext = pass ? "png" : "jpg";
        snprintf(path, sizeof(path), "%s/thumbs/%s-%d.%s", ts_files__root(), hash, size, ext);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            *type = pass ? "image/png" : "image/jpeg";
            return fd;
        }
    }
    int src = ts_files_open(hash);
    if (src < 0)
        return -1;
    struct ts_buf b;
    ts_buf_init(&b);
    int rc = read_all(src, &b);
    close(src);
    bool jpeg = false;
    int len = 0;
    void *out = rc == 0 ? make(&b, size, &jpeg, &len) : NULL;
    ts_buf_release(&b);
    if (!out)
        return -1;
    snprintf(path, sizeof(path), "%s/thumbs", ts_files__root());
    mkdir(path, 0750);
    snprintf(path, sizeof(path), "%s/thumbs/%s-%d.%s", ts_files__root(), hash, size,
             jpeg ? "jpg" : "png");
    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    bool ok = fd >= 0 && write(fd, out, (size_t)len) == len;
    gdFree(out);
    if (fd >= 0)
        close(fd);
    if (!ok || rename(tmp, path) < 0) {
        unlink(tmp);
        return -1;
    }
    *type = jpeg ? "image/jpeg" : "image/png";
    return open(path, O_RDONLY | O_CLOEXEC);
}

void ts_files__forget_thumbnails(const char *hash)
{
    static const int sizes[] = {50, 150, 250, 500};
    char path[4300];
    for (size_t i = 0; i < TS_ARRAY_LEN(sizes); i++)
        for (int pass = 0; pass < 2; pass++) {
            snprintf(path, sizeof(path), "%s/thumbs/%s-%d.%s", ts_files__root(), hash, sizes[i],
                     pass ? "png" : "jpg");
            unlink(path);
        }
}

bool ts_files_png_ok(const char *b64, size_t max_chars, unsigned max_px)
{
    size_t n = strlen(b64), len = 0;
    if (n == 0 || n > max_chars)
        return false;
    unsigned char head[33];
    /* the signature and the IHDR chunk: the first 33 bytes, from the first 44 characters */
    if (sodium_base642bin(head, sizeof(head), b64, n < 44 ? n : 44, NULL, &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        len < 24 || memcmp(head, "\x89PNG\r\n\x1a\n", 8) || memcmp(head + 12, "IHDR", 4))
        return false;
    unsigned long w = be32(head + 16), h = be32(head + 20);
    return w > 0 && h > 0 && w <= max_px && h <= max_px;
}
