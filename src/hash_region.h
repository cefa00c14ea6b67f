/* hash_region.h - crypt_r with yescrypt's region on huge pages (hash_region.c). */
#ifndef WQ_HASH_REGION_H
#define WQ_HASH_REGION_H

#include <crypt.h>

/* crypt_r(phrase, setting, cd): the same result, its large region on 2 MiB pages */
const char *hash_region_crypt(const char *phrase, const char *setting, struct crypt_data *cd);

#endif
