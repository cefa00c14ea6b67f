/* hash_region.c - yescrypt's working memory on 2 MiB pages.  libcrypt maps a fresh region
 * for every yescrypt hash (16 MiB at the system's default cost, $y$j9T$) and unmaps it
 * after: on 4 KiB pages that is ~4,100 page faults, each zeroing its page, then their
 * unmapping, about as much kernel time as the hash's own arithmetic (one check took
 * 19.5 ms, 12 ms with the region on huge pages; bench/README.md section 31).  This file
 * defines mmap, which the dynamic linker binds libcrypt's call to before libc's (the
 * executable comes first): while hash_region_crypt() runs on this thread, a large
 * anonymous private mapping is placed on a 2 MiB boundary and advised MADV_HUGEPAGE
 * (Debian's transparent huge pages are "madvise"); every other call goes to the next mmap
 * (libc's, or a sanitizer's) unchanged.  Where no 2 MiB page is free the kernel compacts
 * memory for one (THP defrag "madvise", Debian's default) or falls back to 4 KiB pages.
 * The hash, its parameters and its memory are the same; libcrypt unmaps the region as
 * before.  A process with time before its hash (an SSH spare waiting for its connection)
 * can have the region mapped and faulted in ahead (hash_region_reserve): zeroing 16 MiB,
 * and now and then compacting memory for it, then no longer falls in a login (a hash
 * 11.4-12.9 ms -> 10.9-11.2 ms, and no more 18-31 ms ones; bench/README.md section 35).
 * Runs wherever a password is hashed or checked (session processes, the listener's
 * start, the CLI). */
#include <crypt.h>
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hash_region.h"

#define HUGE_PAGE_BYTES ((size_t)2 << 20)
/* yescrypt's region at cost 5 is 16 MiB; smaller costs gain less, below this nothing */
#define HUGE_REGION_MIN_BYTES ((size_t)8 << 20)

/* volatile: the compiler cannot see that crypt_r calls back into mmap, and would drop the
 * store before it as dead */
static _Thread_local volatile int hashing;

typedef void *(*mmap_fn)(void *, size_t, int, int, int, off_t);

static mmap_fn next_mmap(void)
{
	static mmap_fn next;
	mmap_fn f = __atomic_load_n(&next, __ATOMIC_ACQUIRE);
	if (!f) {
		f = (mmap_fn)dlsym(RTLD_NEXT, "mmap");
		__atomic_store_n(&next, f, __ATOMIC_RELEASE);
	}
	return f;
}

/* A region placed on a 2 MiB boundary and advised MADV_HUGEPAGE, len bytes that
 * libcrypt's munmap(start, len) takes whole; NULL when none could be mapped. */
static char *huge_region(mmap_fn real, size_t len, int prot)
{
	/* a 2 MiB more, then the slack either side unmapped, so that libcrypt's munmap of
	 * what it asked for leaves nothing behind */
	char *base = real(NULL, len + HUGE_PAGE_BYTES, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	char *start = (char *)(((uintptr_t)base + HUGE_PAGE_BYTES - 1) & ~(uintptr_t)(HUGE_PAGE_BYTES - 1));
	if (start > base)
		munmap(base, (size_t)(start - base));
	/* the kernel maps whole pages: libcrypt's munmap(start, len) takes len rounded up */
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t span = (len + page - 1) & ~(page - 1);
	size_t tail = HUGE_PAGE_BYTES - (size_t)(start - base);
	if (tail)
		munmap(start + span, tail);
	/* refused (THP "never", an old kernel): 4 KiB pages as before */
	(void)madvise(start, len, MADV_HUGEPAGE);
	return start;
}

/* The length of the last region a hash asked for (the listener's first check sets it
 * before any session is forked), and the region made ready for the next hash of that
 * length (hash_region_reserve).  Atomic: two threads may hash at once (the reserve is a
 * single-threaded spare's, but the length is every hash's). */
static size_t last_len;
static char *ready;
static size_t ready_len;

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	mmap_fn real = next_mmap();
	if (!hashing || addr || fd != -1 || flags != (MAP_PRIVATE | MAP_ANONYMOUS) ||
	    len < HUGE_REGION_MIN_BYTES || len > SIZE_MAX - HUGE_PAGE_BYTES)
		return real(addr, len, prot, flags, fd, off);
	__atomic_store_n(&last_len, len, __ATOMIC_RELAXED);
	if (len == __atomic_load_n(&ready_len, __ATOMIC_ACQUIRE) &&
	    prot == (PROT_READ | PROT_WRITE)) {
		/* libcrypt unmaps it after the hash, as one of its own */
		char *r = __atomic_exchange_n(&ready, NULL, __ATOMIC_ACQ_REL);
		if (r)
			return r;
	}
	char *start = huge_region(real, len, prot);
	return start ? start : real(addr, len, prot, flags, fd, off);
}

void hash_region_reserve(void)
{
	size_t len = __atomic_load_n(&last_len, __ATOMIC_RELAXED);
	if (__atomic_load_n(&ready, __ATOMIC_ACQUIRE) || !len)
		return;
	char *r = huge_region(next_mmap(), len, PROT_READ | PROT_WRITE);
	if (!r)
		return;
	/* every page faulted in (and zeroed) now, not during the hash */
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	for (size_t i = 0; i < len; i += page)
		((volatile char *)r)[i] = 0;
	__atomic_store_n(&ready_len, len, __ATOMIC_RELEASE);
	__atomic_store_n(&ready, r, __ATOMIC_RELEASE);
}

void hash_region_release(void)
{
	char *r = __atomic_exchange_n(&ready, NULL, __ATOMIC_ACQ_REL);
	if (r)
		munmap(r, __atomic_load_n(&ready_len, __ATOMIC_ACQUIRE));
}

const char *hash_region_crypt(const char *phrase, const char *setting, struct crypt_data *cd)
{
	hashing = 1;
	const char *h = crypt_r(phrase, setting, cd);
	hashing = 0;
	return h;
}
