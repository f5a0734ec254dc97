/*
 * base/str.c - strict number parsing, NUMBER normalisation, UTF-8 helpers.
 */
#include "base/common.h"
#include "base/str.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>

int ts_parse_i64(const char *s, int64_t *out)
{
    if (!s || !*s)
        return -1;
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!isdigit((unsigned char)*p))
        return -1;
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q))
            return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/*
 * Decimal normalisation without going through double, so that 30-digit values
 * keep every digit (KINTONE-API.md §6: NUMBER is stored normalised).
 */
int ts_number_normalize(const char *s, char *out, size_t n)
{
    while (*s == ' ' || *s == '\t')
        s++;
    bool neg = false;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    char digits[128];
    size_t nd = 0;
    long point = -1; /* digits before the decimal point */
    bool any = false;
    for (; *s; s++) {
        if (isdigit((unsigned char)*s)) {
            if (nd >= sizeof(digits) - 1)
                return -1;
            digits[nd++] = *s;
            any = true;
        } else if (*s == '.' && point < 0) {
            point = (long)nd;
        } else {
            break;
        }
    }
    if (!any)
        return -1;
    if (point < 0)
        point = (long)nd;
    if (*s == 'e' || *s == 'E') {
        s++;
        bool eneg = false;
        if (*s == '+' || *s == '-')
            eneg = *s++ == '-';
        if (!isdigit((unsigned char)*s))
            return -1;
        long e = 0;
        while (isdigit((unsigned char)*s)) {
            e = e * 10 + (*s++ - '0');
            if (e > 100)
                return -1;
        }
        point += eneg ? -e : e;
    }
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s)
        return -1;
    /* Build integer part and fraction from digits[0..nd) with the point at `point`. */
    char buf[400];
    size_t o = 0;
    if (point <= 0) {
        buf[o++] = '0';
    } else {
        for (long i = 0; i < point; i++)
            buf[o++] = i < (long)nd ? digits[i] : '0';
    }
    size_t int_end = o;
    buf[o++] = '.';
    for (long i = point < 0 ? point : 0; i < 0; i++)
        buf[o++] = '0';
    for (long i = point > 0 ? point : 0; i < (long)nd; i++)
        buf[o++] = digits[i];
    while (o > int_end + 1 && buf[o - 1] == '0')
        o--;
    if (o == int_end + 1)
        o = int_end; /* no fraction left: drop the point */
    buf[o] = '\0';
    char *p = buf;
    while (p[0] == '0' && p[1] && p[1] != '.')
        p++;
    bool zero = strspn(p, "0.") == strlen(p);
    int w = snprintf(out, n, "%s%s", neg && !zero ? "-" : "", p);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

bool ts_str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

bool ts_str_formula_like(const char *s)
{
    if (!s)
        return false;
    while (*s == '\'')
        s++;
    return *s && strchr("=+-@\t\r", *s) != NULL;
}

bool ts_str_is_blank(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return false;
    return true;
}

size_t ts_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

bool ts_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        size_t n;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
            n = 1;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
        } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
            n = 3;
        } else {
            return false;
        }
        if ((size_t)(end - p) <= n)
            return false;
        for (size_t i = 1; i <= n; i++)
            if ((p[i] & 0xC0) != 0x80)
                return false;
        p += n + 1;
    }
    return true;
}

/* Compare two normalised decimals (ts_number_normalize output) exactly. */
int ts_decimal_cmp(const char *a, const char *b)
{
    bool na = *a == '-', nb = *b == '-';
    if (na != nb)
        return na ? -1 : 1;
    if (na) {
        const char *t = a + 1;
        a = b + 1;
        b = t; /* both negative: compare magnitudes reversed */
    }
    const char *pa = strchr(a, '.'), *pb = strchr(b, '.');
    size_t ia = pa ? (size_t)(pa - a) : strlen(a), ib = pb ? (size_t)(pb - b) : strlen(b);
    if (ia != ib)
        return ia < ib ? -1 : 1;
    int c = strncmp(a, b, ia);
    if (c)
        return c < 0 ? -1 : 1;
    const char *fa = pa ? pa + 1 : "", *fb = pb ? pb + 1 : "";
    while (*fa || *fb) {
        char x = *fa ? *fa++ : '0', y = *fb ? *fb++ : '0';
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

/* An address as 16 bytes (IPv4 as IPv4-mapped IPv6) and the bits that count:
 * the range's prefix (96 more for IPv4), or all. */
static bool addr_parse(const char *text, unsigned char out[16], int *bits)
{
    char buf[64];
    const char *slash = strchr(text, '/');
    size_t n = slash ? (size_t)(slash - text) : strlen(text);
    if (n == 0 || n >= sizeof(buf))
        return false;
    memcpy(buf, text, n);
    buf[n] = '\0';
    bool v4 = inet_pton(AF_INET, buf, out + 12) == 1;
    if (v4) {
        memset(out, 0, 10);
        out[10] = out[11] = 0xff;
    } else if (inet_pton(AF_INET6, buf, out) != 1) {
        return false;
    }
    int most = v4 ? 32 : 128;
    *bits = most;
    if (slash) {
        char *end;
        long b = strtol(slash + 1, &end, 10);
        if (!slash[1] || *end || b < 0 || b > most)
            return false;
        *bits = (int)b;
    }
    *bits += v4 ? 96 : 0;
    return true;
}

bool ts_addr_range_ok(const char *range)
{
    unsigned char a[16];
    int bits;
    return addr_parse(range, a, &bits);
}

bool ts_addr_in(const char *addr, const char *range)
{
    unsigned char a[16], r[16];
    int bits, all;
    if (!addr || strchr(addr, '/') || !addr_parse(addr, a, &all) || !addr_parse(range, r, &bits))
        return false;
    for (int i = 0; i < bits; i++)
        if ((a[i / 8] ^ r[i / 8]) & (0x80 >> (i % 8)))
            return false;
    return true;
}
