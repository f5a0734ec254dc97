/*
 * base/str.h - strict parsing of numbers and small string helpers.
 */
#ifndef TS_STR_H
#define TS_STR_H

/* Parse a whole string as a decimal int64 (optional sign, no spaces, no trailing
 * bytes). Returns 0 on success, -1 if s is not exactly such a number. */
int ts_parse_i64(const char *s, int64_t *out /* out */);

/* Normalise a kintone NUMBER value: surrounding spaces trimmed, exponent applied,
 * redundant zeros dropped ("1.5e1" -> "15", " 42 " -> "42", "-0.50" -> "-0.5").
 * Writes into out (size n). Returns 0, or -1 if s is not a number. */
int ts_number_normalize(const char *s, char *out, size_t n);

bool ts_str_eq(const char *a, const char *b); /* NULL-safe equality */
bool ts_str_is_blank(const char *s);          /* NULL, "" or only space/tab/CR/LF */
/* Would a spreadsheet run this cell as a formula (it starts with = + - @, a
 * tab or a CR, after any 's)? Exported text that would gets one ' in front,
 * and an import drops one ' from such a cell: the value comes back as it was
 * (CSV injection). */
bool ts_str_formula_like(const char *s);

/* Length in Unicode code points of a UTF-8 string (kintone counts characters). */
/* Compare two normalised decimals exactly: -1, 0 or 1. */
int ts_decimal_cmp(const char *a, const char *b);

size_t ts_utf8_len(const char *s);
bool ts_utf8_valid(const char *s, size_t len);

/* Is range one address or a CIDR range ("192.0.2.0/24", "2001:db8::/32")? */
bool ts_addr_range_ok(const char *range);
/* Is addr (IPv4 or IPv6; an IPv4-mapped IPv6 address counts as IPv4) in range? */
bool ts_addr_in(const char *addr, const char *range);

#endif
