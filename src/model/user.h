/*
 * model/user.h - an account, as stored.
 */
#ifndef TS_MODEL_USER_H
#define TS_MODEL_USER_H

struct ts_user {
    int64_t id;
    const char *code; /* login name */
    const char *name; /* display name */
    const char *email;
    const char *lang;   /* "auto", "en", "ja" */
    const char *tz;     /* IANA zone, e.g. "Asia/Tokyo" */
    const char *pwhash; /* Argon2id string (libsodium) */
    int64_t pw_version; /* bumped on every password change: invalidates caches */
    bool admin, active;
};

#endif
