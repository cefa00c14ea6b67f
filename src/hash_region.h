/* hash_region.h - crypt_r with yescrypt's region on huge pages (hash_region.c). */
#ifndef WQ_HASH_REGION_H
#define WQ_HASH_REGION_H

#include <crypt.h>

/* crypt_r(phrase, setting, cd): the same result, its large region on 2 MiB pages */
const char *hash_region_crypt(const char *phrase, const char *setting, struct crypt_data *cd);

/* A process that will hash soon, and has time now (a spare SSH session before its
 * connection): the region of the next hash mapped and faulted in already, so that the
 * hash does not wait for 16 MiB of pages to be zeroed or compacted.  The length is the
 * last hash's, so a process must have hashed once (or be forked from one that has).
 * Release gives it back when no hash is to come. */
void hash_region_reserve(void);
void hash_region_release(void);

#endif
