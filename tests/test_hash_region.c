/* test_hash_region.c - src/hash_region.c: a password checked through hash_region_crypt()
 * gives crypt_r's own result (yescrypt at the system's default cost, sha512crypt, bcrypt,
 * a wrong password, a malformed setting), leaves no mapping behind (the slack trimmed on
 * either side of the region, libcrypt's munmap of the rest), and, where the kernel offers
 * transparent huge pages (and has 2 MiB pages free), faults in yescrypt's 16 MiB region
 * in far fewer pages than libcrypt alone does; and that a region reserved ahead (a spare
 * SSH session's) is the one the next hash of its length uses, faulted in already, and is
 * given back by the hash or by hash_region_release. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "hash_region.h"

static const char *crypt_plain(const char *phrase, const char *setting, struct crypt_data *cd)
{
	memset(cd, 0, sizeof *cd);
	return crypt_r(phrase, setting, cd);
}

static const char *crypt_huge(const char *phrase, const char *setting, struct crypt_data *cd)
{
	memset(cd, 0, sizeof *cd);
	return hash_region_crypt(phrase, setting, cd);
}

/* the process's mapped size, from /proc/self/status (kB) */
static long vm_size_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmSize: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static long minor_faults(void)
{
	struct rusage ru;
	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_minflt;
}

/* the kernel's count of huge page faults that fell back to 4 KiB pages (no 2 MiB page
 * free, memory too fragmented), from /proc/vmstat; -1 when not there */
static long thp_fallbacks(void)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char line[256];
	long n = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "thp_fault_fallback %ld", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

static void test_same_result_as_crypt_r(void **state)
{
	(void)state;
	static struct crypt_data a, b;
	char salt[CRYPT_GENSALT_OUTPUT_SIZE], yes[CRYPT_OUTPUT_SIZE];
	/* the cost user_hash_password() uses: the system's default, $y$j9T$ */
	assert_non_null(crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt));
	assert_memory_equal(salt, "$y$j9T$", 7);
	snprintf(yes, sizeof yes, "%s", crypt_plain("watiqa-demo", salt, &a));
	assert_string_equal(crypt_huge("watiqa-demo", salt, &b), yes);
	assert_string_equal(crypt_huge("watiqa-demo", yes, &b), yes);
	assert_string_not_equal(crypt_huge("watiqa-demo!", yes, &b), yes);
	assert_string_equal(crypt_huge("watiqa-demo!", yes, &b),
			    crypt_plain("watiqa-demo!", yes, &a));
	const char *others[] = {"$6$rounds=5000$saltsaltsaltsalt$",
				"$2b$05$abcdefghijklmnopqrstuu", "$y$j9T$", "*"};
	for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
		char want[CRYPT_OUTPUT_SIZE];
		snprintf(want, sizeof want, "%s", crypt_plain("watiqa-demo", others[i], &a));
		const char *got = crypt_huge("watiqa-demo", others[i], &b);
		assert_non_null(got);
		assert_string_equal(got, want);
	}
}

static void test_no_mapping_left(void **state)
{
	(void)state;
	static struct crypt_data cd;
	const char *hash = "$y$j9T$TriR1z63/GJ4BGoM8nGVC1$QqmdNOvHjjGDWUFs1kMi6VgqVPmpZ6e2cAYTqZRDWi1";
	assert_string_equal(crypt_huge("watiqa-demo", hash, &cd), hash); /* warm */
	long before = vm_size_kb();
	for (int i = 0; i < 5; i++)
		assert_string_equal(crypt_huge("watiqa-demo", hash, &cd), hash);
	assert_true(before > 0);
	assert_int_equal(vm_size_kb(), before);
}

static void test_region_on_huge_pages(void **state)
{
	(void)state;
	static struct crypt_data cd;
	char mode[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (f) {
		if (!fgets(mode, sizeof mode, f))
			mode[0] = 0;
		fclose(f);
	}
	int always = strstr(mode, "[always]") != NULL;
	if (!always && !strstr(mode, "[madvise]"))
		skip(); /* no transparent huge pages here: 4 KiB pages, as libcrypt alone */
	const char *hash = "$y$j9T$TriR1z63/GJ4BGoM8nGVC1$QqmdNOvHjjGDWUFs1kMi6VgqVPmpZ6e2cAYTqZRDWi1";
	crypt_plain("watiqa-demo", hash, &cd); /* libcrypt and its code paged in */
	long f0 = minor_faults();
	assert_string_equal(crypt_plain("watiqa-demo", hash, &cd), hash);
	long plain = minor_faults() - f0;
	long fb = thp_fallbacks();
	f0 = minor_faults();
	assert_string_equal(crypt_huge("watiqa-demo", hash, &cd), hash);
	long huge = minor_faults() - f0;
	if (fb >= 0 && thp_fallbacks() != fb)
		skip(); /* the kernel had no 2 MiB page to give (this or another process) */
	/* 16 MiB on 4 KiB pages is ~4,100 faults; on 2 MiB pages 8, and the few 4 KiB ones
	 * of the region's last 24 KiB and of libcrypt's own buffers.  With THP "always" the
	 * kernel gives libcrypt's own mapping huge pages too, but for its unaligned ends */
	if (!always)
		assert_true(plain > 4000);
	assert_true(huge < plain / 4);
}

/* the mapped size grows by at least the region when it is reserved, and is back where
 * it was once the hash (libcrypt's munmap) or the release has taken it */
#define REGION_KB (16L << 10)

static void test_reserved_region_used_by_next_hash(void **state)
{
	(void)state;
	static struct crypt_data cd;
	const char *hash = "$y$j9T$TriR1z63/GJ4BGoM8nGVC1$QqmdNOvHjjGDWUFs1kMi6VgqVPmpZ6e2cAYTqZRDWi1";
	assert_string_equal(crypt_huge("watiqa-demo", hash, &cd), hash); /* the length known */
	long before = vm_size_kb();
	hash_region_reserve();
	assert_true(vm_size_kb() >= before + REGION_KB);
	hash_region_reserve(); /* one at a time */
	assert_true(vm_size_kb() < before + 2 * REGION_KB);
	/* the hash finds its 16 MiB faulted in: without the reserve it faults at least the
	 * region's eight 2 MiB pages (or ~4,100 small ones) */
	long f0 = minor_faults();
	assert_string_equal(crypt_huge("watiqa-demo", hash, &cd), hash);
	assert_true(minor_faults() - f0 < 8);
	assert_int_equal(vm_size_kb(), before);
	hash_region_release(); /* nothing left to release */
	assert_int_equal(vm_size_kb(), before);
}

static void test_reserved_region_kept_from_other_lengths(void **state)
{
	(void)state;
	static struct crypt_data cd;
	const char *hash = "$y$j9T$TriR1z63/GJ4BGoM8nGVC1$QqmdNOvHjjGDWUFs1kMi6VgqVPmpZ6e2cAYTqZRDWi1";
	char cheaper[CRYPT_GENSALT_OUTPUT_SIZE], want[CRYPT_OUTPUT_SIZE];
	assert_string_equal(crypt_huge("watiqa-demo", hash, &cd), hash);
	long before = vm_size_kb();
	hash_region_reserve();
	/* a hash at another cost (8 MiB) maps its own region and leaves the reserve */
	assert_non_null(crypt_gensalt_rn("$y$", 4, NULL, 0, cheaper, sizeof cheaper));
	snprintf(want, sizeof want, "%s", crypt_plain("watiqa-demo", cheaper, &cd));
	assert_string_equal(crypt_huge("watiqa-demo", cheaper, &cd), want);
	assert_true(vm_size_kb() >= before + REGION_KB);
	hash_region_release();
	assert_int_equal(vm_size_kb(), before);
	/* the reserve's length is now the cheaper hash's, the last one asked for */
	hash_region_reserve();
	assert_true(vm_size_kb() >= before + REGION_KB / 2);
	assert_true(vm_size_kb() < before + REGION_KB);
	assert_string_equal(crypt_huge("watiqa-demo", want, &cd), want);
	assert_int_equal(vm_size_kb(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_result_as_crypt_r),
		cmocka_unit_test(test_no_mapping_left),
		cmocka_unit_test(test_region_on_huge_pages),
		cmocka_unit_test(test_reserved_region_used_by_next_hash),
		cmocka_unit_test(test_reserved_region_kept_from_other_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
