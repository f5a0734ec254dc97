/*
 * base/banned.h - libc calls that are easy to misuse, made to fail at compile time
 * (git's banned.h). Use snprintf / ts_buf_printf, ts_parse_i64 and gmtime_r instead.
 */
#ifndef TS_BANNED_H
#define TS_BANNED_H

#define TS_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) TS_BANNED(strcpy)
#undef strcat
#define strcat(x, y) TS_BANNED(strcat)
#undef sprintf
#define sprintf(...) TS_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) TS_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) TS_BANNED(strtok)
#undef gets
#define gets(x) TS_BANNED(gets)
#undef atoi
#define atoi(x) TS_BANNED(atoi)
#undef atol
#define atol(x) TS_BANNED(atol)
#undef gmtime
#define gmtime(x) TS_BANNED(gmtime)
#undef localtime
#define localtime(x) TS_BANNED(localtime)
#undef asctime
#define asctime(x) TS_BANNED(asctime)

#endif
