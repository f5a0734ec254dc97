#include "base/common.h"
#include "store/sql.h"
struct ts_db *ts_pg_open(const char *uri, char *errbuf, size_t errlen)
{
    (void)uri;
    snprintf(errbuf, errlen, "not yet");
    return NULL;
}
