/*
 * formula/dec.c - exact decimals on GMP integers.
 */
#include "base/common.h"
#include "formula/dec.h"
#include "base/arena.h"

#include <ctype.h>

void ts_dec_init(struct ts_dec *d)
{
    mpz_init(d->m);
    d->e = 0;
}

void ts_dec_clear(struct ts_dec *d)
{
    mpz_clear(d->m);
}

void ts_dec_set(struct ts_dec *d, const struct ts_dec *s)
{
    mpz_set(d->m, s->m);
    d->e = s->e;
}

void ts_dec_set_i64(struct ts_dec *d, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    mpz_set_str(d->m, buf, 10);
    d->e = 0;
}

/* m * 10^k in place (k >= 0) */
static void scale_up(mpz_t m, unsigned long k)
{
    if (k == 0)
        return;
    mpz_t p;
    mpz_init(p);
    mpz_ui_pow_ui(p, 10, k);
    mpz_mul(m, m, p);
    mpz_clear(p);
}

int ts_dec_parse(struct ts_dec *d, const char *s)
{
    char digits[128];
    size_t n = 0;
    long frac = 0, exp10 = 0;
    bool neg = false, any = false, dot = false;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    for (; *s; s++) {
        if (isdigit((unsigned char)*s)) {
            if (n + 2 >= sizeof(digits))
                return -1;
            digits[n++] = *s;
            frac += dot;
            any = true;
        } else if (*s == '.' && !dot) {
            dot = true;
        } else {
            break;
        }
    }
    if (!any)
        return -1;
    if (*s == 'e' || *s == 'E') {
        char *end;
        exp10 = strtol(s + 1, &end, 10);
        if (end == s + 1 || exp10 > 10000 || exp10 < -10000)
            return -1;
        s = end;
    }
    if (*s)
        return -1;
    digits[n] = '\0';
    mpz_set_str(d->m, digits, 10);
    if (neg)
        mpz_neg(d->m, d->m);
    d->e = exp10 - frac;
    return 0;
}

/* Both at the smaller exponent, into x and y. */
static long align(mpz_t x, mpz_t y, const struct ts_dec *a, const struct ts_dec *b)
{
    mpz_set(x, a->m);
    mpz_set(y, b->m);
    long e = a->e < b->e ? a->e : b->e;
    scale_up(x, (unsigned long)(a->e - e));
    scale_up(y, (unsigned long)(b->e - e));
    return e;
}

static void add_signed(struct ts_dec *out, const struct ts_dec *a, const struct ts_dec *b,
                       bool subtract)
{
    mpz_t x, y;
    mpz_inits(x, y, NULL);
    out->e = align(x, y, a, b);
    (subtract ? mpz_sub : mpz_add)(out->m, x, y);
    mpz_clears(x, y, NULL);
}

void ts_dec_add(struct ts_dec *out, const struct ts_dec *a, const struct ts_dec *b)
{
    add_signed(out, a, b, false);
}

void ts_dec_sub(struct ts_dec *out, const struct ts_dec *a, const struct ts_dec *b)
{
    add_signed(out, a, b, true);
}

void ts_dec_mul(struct ts_dec *out, const struct ts_dec *a, const struct ts_dec *b)
{
    mpz_mul(out->m, a->m, b->m);
    out->e = a->e + b->e;
}

int ts_dec_cmp(const struct ts_dec *a, const struct ts_dec *b)
{
    mpz_t x, y;
    mpz_inits(x, y, NULL);
    align(x, y, a, b);
    int c = mpz_cmp(x, y);
    mpz_clears(x, y, NULL);
    return (c > 0) - (c < 0);
}

int ts_dec_sign(const struct ts_dec *d)
{
    return mpz_sgn(d->m);
}

/* q = num / den rounded by mode (den != 0). */
static void div_round(mpz_t q, const mpz_t num, const mpz_t den, enum ts_round mode)
{
    mpz_t r, twice;
    mpz_inits(r, twice, NULL);
    mpz_tdiv_qr(q, r, num, den);
    if (mpz_sgn(r) != 0) {
        int sign = mpz_sgn(num) * mpz_sgn(den);
        bool away = mode == TS_ROUND_UP;
        if (mode == TS_ROUND_HALF_UP || mode == TS_ROUND_HALF_EVEN) {
            mpz_mul_2exp(twice, r, 1);
            int c = mpz_cmpabs(twice, den);
            away = c > 0 || (c == 0 && (mode == TS_ROUND_HALF_UP || mpz_odd_p(q)));
        }
        if (away) {
            if (sign > 0)
                mpz_add_ui(q, q, 1);
            else
                mpz_sub_ui(q, q, 1);
        }
    }
    mpz_clears(r, twice, NULL);
}

int ts_dec_div(struct ts_dec *out, const struct ts_dec *a, const struct ts_dec *b, long places,
               enum ts_round mode)
{
    if (mpz_sgn(b->m) == 0)
        return -1;
    /* a/b * 10^places = a.m * 10^(a.e - b.e + places) / b.m */
    mpz_t num, den;
    mpz_inits(num, den, NULL);
    mpz_set(num, a->m);
    mpz_set(den, b->m);
    long k = a->e - b->e + places;
    if (k >= 0)
        scale_up(num, (unsigned long)k);
    else
        scale_up(den, (unsigned long)-k);
    div_round(out->m, num, den, mode);
    out->e = -places;
    mpz_clears(num, den, NULL);
    return 0;
}

void ts_dec_round(struct ts_dec *out, const struct ts_dec *a, long places, enum ts_round mode)
{
    if (a->e >= -places) {
        ts_dec_set(out, a);
        return;
    }
    mpz_t den;
    mpz_init(den);
    mpz_ui_pow_ui(den, 10, (unsigned long)(-places - a->e));
    div_round(out->m, a->m, den, mode);
    out->e = -places;
    mpz_clear(den);
}

int ts_dec_to_i64(const struct ts_dec *d, int64_t *out)
{
    struct ts_dec t;
    ts_dec_init(&t);
    ts_dec_round(&t, d, 0, TS_ROUND_DOWN);
    scale_up(t.m, (unsigned long)(t.e > 0 ? t.e : 0));
    int ok = mpz_fits_slong_p(t.m);
    if (ok)
        *out = mpz_get_si(t.m);
    ts_dec_clear(&t);
    return ok ? 0 : -1;
}

/* Drop trailing zeros of the mantissa into the exponent. */
static void normalize(struct ts_dec *d)
{
    if (mpz_sgn(d->m) == 0) {
        d->e = 0;
        return;
    }
    while (mpz_divisible_ui_p(d->m, 10)) {
        mpz_divexact_ui(d->m, d->m, 10);
        d->e++;
    }
}

static void gmp_string_free(char *s)
{
    void (*gmp_free)(void *, size_t);
    mp_get_memory_functions(NULL, NULL, &gmp_free);
    gmp_free(s, strlen(s) + 1);
}

long ts_dec_digits(const struct ts_dec *d)
{
    struct ts_dec t;
    ts_dec_init(&t);
    ts_dec_set(&t, d);
    normalize(&t);
    mpz_abs(t.m, t.m);
    long n = 0;
    if (mpz_sgn(t.m)) {
        char *s = mpz_get_str(NULL, 10, t.m);
        n = (long)strlen(s);
        gmp_string_free(s);
    }
    /* the integer part's digits and the decimals: 1200 has 4, 0.0025 has 4 */
    if (t.e >= 0)
        n += t.e;
    else if (n < -t.e)
        n = -t.e;
    ts_dec_clear(&t);
    return n;
}

char *ts_dec_text(struct ts_arena *a, const struct ts_dec *d)
{
    struct ts_dec t;
    ts_dec_init(&t);
    ts_dec_set(&t, d);
    normalize(&t);
    bool neg = mpz_sgn(t.m) < 0;
    mpz_abs(t.m, t.m);
    char *digits = mpz_get_str(NULL, 10, t.m);
    size_t n = strlen(digits);
    char *out;
    if (t.e >= 0) {
        out = ts_arena_alloc(a, n + (size_t)t.e + 2);
        char *p = out;
        if (neg)
            *p++ = '-';
        memcpy(p, digits, n);
        memset(p + n, '0', (size_t)t.e);
        p[n + (size_t)t.e] = '\0';
    } else {
        size_t frac = (size_t)-t.e;
        size_t lead = frac >= n ? frac - n + 1 : 0; /* zeros before the digits */
        out = ts_arena_alloc(a, n + lead + 3);
        char *p = out;
        if (neg)
            *p++ = '-';
        memset(p, '0', lead);
        memcpy(p + lead, digits, n);
        size_t total = n + lead, ipart = total - frac;
        memmove(p + ipart + 1, p + ipart, frac);
        p[ipart] = '.';
        p[total + 1] = '\0';
    }
    gmp_string_free(digits);
    ts_dec_clear(&t);
    return out;
}
