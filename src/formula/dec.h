/*
 * formula/dec.h - exact decimal numbers for the formula language: a GMP
 * integer and a power of ten (value = m * 10^e). Adding, subtracting and
 * multiplying are exact; dividing and rounding take a number of decimal places
 * and a rounding mode, as kintone's number precision settings say.
 */
#ifndef TS_DEC_H
#define TS_DEC_H

#include <gmp.h>
#include <stdbool.h>
#include <stdint.h>

struct ts_arena;

struct ts_dec {
    mpz_t m;
    long e;
};

enum ts_round {
    TS_ROUND_HALF_EVEN, /* kintone's default for division */
    TS_ROUND_HALF_UP,   /* half away from zero: ROUND */
    TS_ROUND_UP,        /* away from zero: ROUNDUP, roundingMode UP */
    TS_ROUND_DOWN,      /* toward zero: ROUNDDOWN, roundingMode DOWN */
};

void ts_dec_init(struct ts_dec *d);
void ts_dec_clear(struct ts_dec *d);
void ts_dec_set(struct ts_dec *d, const struct ts_dec *s);
void ts_dec_set_i64(struct ts_dec *d, int64_t v);
/* Decimal text: [+-]digits[.digits][e[+-]digits]. Returns 0, or -1. */
int ts_dec_parse(struct ts_dec *d, const char *s);

void ts_dec_add(struct ts_dec *out, const struct ts_dec *a, const struct ts_dec *b);
void ts_dec_sub(struct ts_dec *out, const struct ts_dec *a, const struct ts_dec *b);
void ts_dec_mul(struct ts_dec *out, const struct ts_dec *a, const struct ts_dec *b);
/* a / b with `places` decimals; -1 when b is zero. */
int ts_dec_div(struct ts_dec *out, const struct ts_dec *a, const struct ts_dec *b, long places,
               enum ts_round mode);
/* Round to `places` decimals (negative: tens, hundreds ...). */
void ts_dec_round(struct ts_dec *out, const struct ts_dec *a, long places, enum ts_round mode);
int ts_dec_cmp(const struct ts_dec *a, const struct ts_dec *b);
int ts_dec_sign(const struct ts_dec *d);
/* The integer part, when it fits (toward zero). Returns 0, or -1. */
int ts_dec_to_i64(const struct ts_dec *d, int64_t *out);
/* Digits written: the integer part's (no leading zeros) and the decimals
 * (no trailing zeros), as kintone's precision counts them. */
long ts_dec_digits(const struct ts_dec *d);
/* Plain decimal text, no exponent, no trailing zeros ("-1.5", "0.25", "1200"). */
char *ts_dec_text(struct ts_arena *a, const struct ts_dec *d);

#endif
