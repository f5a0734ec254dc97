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
    int64_t primary_org;          /* the primary department's id, 0 if none */
    const char *primary_org_code; /* and its code, NULL if none */
};

/* A department (organisation, a tree) or a group (a role): named things a
 * user belongs to. */
enum ts_entity_kind { TS_ORG, TS_GROUP };

struct ts_entity {
    enum ts_entity_kind kind;
    int64_t id;
    const char *code, *name, *description;
    int64_t parent_id;       /* ORG: the department above, 0 at the top */
    const char *parent_code; /* ORG: its code, NULL at the top */
    bool primary;            /* in a user's departments: the primary one */
};

#endif
