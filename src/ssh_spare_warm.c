/* ssh_spare_warm.c - the memory a login writes, written by the spare before its
 * connection comes (issue 15 item 4).  A spare is a fork of the listener: every page it
 * writes first costs a copy-on-write fault, and on this project's machines (virtual, a
 * paravirtualised MMU) a fault costs ~25 us, not ~1.  A login made ~120 of them between
 * the connection and "authenticated" (perf record -e page-faults): OpenSSL's method
 * caches and random generator (the key exchange's first use in the process), the heap
 * growing under SQLite's and libssh's buffers, the main stack under the password check,
 * the thread that fsyncs a password try (its stack, its malloc arena).  Doing each once
 * here, with throwaway keys and data, moves those faults out of the login
 * (bench/README.md section 35).  Nothing done here is kept or used by the session: the
 * same code paths, not the same objects.  Each step is best effort: a failure only
 * leaves the fault for the login, as before. */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ssh_spare_warm.h"

/* the heap a login grows into (~23 pages faulted by malloc and memset before the
 * answer); under glibc's trim threshold (128 KiB), so that free() keeps it */
#define WARM_HEAP_BYTES (96 << 10)
/* the main stack's depth a password check reaches (its struct crypt_data, 32 KiB, is
 * zeroed on the stack: src/db_user.c), with room */
#define WARM_STACK_BYTES (64 << 10)

/* curve25519-sha256 and ssh-ed25519 as libssh 0.10 does them with OpenSSL: two X25519
 * keys and their secret, SHA-256 over it, an Ed25519 signature of the hash */
static void warm_key_exchange(void)
{
	EVP_PKEY *ours = NULL, *theirs = NULL, *host = NULL;
	EVP_PKEY_CTX *kc = EVP_PKEY_CTX_new_id(EVP_PKEY_X25519, NULL);
	if (kc && EVP_PKEY_keygen_init(kc) == 1) {
		EVP_PKEY_keygen(kc, &ours);
		EVP_PKEY_keygen(kc, &theirs);
	}
	EVP_PKEY_CTX_free(kc);
	unsigned char secret[32] = {0}, hash[32] = {0}, sig[64];
	size_t slen = sizeof secret;
	EVP_PKEY_CTX *dc = ours && theirs ? EVP_PKEY_CTX_new(ours, NULL) : NULL;
	if (dc && EVP_PKEY_derive_init(dc) == 1 && EVP_PKEY_derive_set_peer(dc, theirs) == 1)
		EVP_PKEY_derive(dc, secret, &slen);
	EVP_PKEY_CTX_free(dc);
	unsigned int hlen = sizeof hash;
	EVP_Digest(secret, sizeof secret, hash, &hlen, EVP_sha256(), NULL);
	/* the session keys, derived as libssh does with OpenSSL 3 (RFC 4253 7.2) */
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_SSHKDF, NULL);
	EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	char type = 'A';
	unsigned char keys[32];
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, secret, sizeof secret),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SSHKDF_XCGHASH, hash, sizeof hash),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SSHKDF_SESSION_ID, hash, sizeof hash),
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_SSHKDF_TYPE, &type, 1),
		OSSL_PARAM_construct_end()};
	if (kctx)
		EVP_KDF_derive(kctx, keys, sizeof keys, params);
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	host = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	EVP_MD_CTX *mc = host ? EVP_MD_CTX_new() : NULL;
	size_t siglen = sizeof sig;
	if (mc && EVP_DigestSignInit(mc, NULL, NULL, NULL, host) == 1)
		EVP_DigestSign(mc, sig, &siglen, hash, sizeof hash);
	EVP_MD_CTX_free(mc);
	EVP_PKEY_free(host);
	EVP_PKEY_free(ours);
	EVP_PKEY_free(theirs);
	OPENSSL_cleanse(secret, sizeof secret);
}

/* the ciphers the session offers (chacha20-poly1305 first, then AES-GCM), one packet's
 * worth each, and the random generator reseeded after the fork */
static void warm_ciphers(void)
{
	unsigned char key[32] = {0}, iv[16] = {0}, in[64] = {0}, out[64 + 32], tag[16];
	int len = 0;
	RAND_bytes(key, sizeof key);
	EVP_CIPHER_CTX *cc = EVP_CIPHER_CTX_new();
	if (cc && EVP_EncryptInit_ex(cc, EVP_chacha20(), NULL, key, iv) == 1)
		EVP_EncryptUpdate(cc, out, &len, in, sizeof in);
	if (cc && EVP_EncryptInit_ex(cc, EVP_aes_256_gcm(), NULL, key, iv) == 1)
		EVP_EncryptUpdate(cc, out, &len, in, sizeof in);
	EVP_CIPHER_CTX_free(cc);
	EVP_PKEY *mac = EVP_PKEY_new_raw_private_key(EVP_PKEY_POLY1305, NULL, key, sizeof key);
	EVP_MD_CTX *mc = mac ? EVP_MD_CTX_new() : NULL;
	size_t tlen = sizeof tag;
	if (mc && EVP_DigestSignInit(mc, NULL, NULL, NULL, mac) == 1 &&
	    EVP_DigestSignUpdate(mc, out, sizeof in) == 1)
		EVP_DigestSignFinal(mc, tag, &tlen);
	EVP_MD_CTX_free(mc);
	EVP_PKEY_free(mac);
	OPENSSL_cleanse(key, sizeof key);
}

static void *warm_thread_main(void *arg)
{
	/* the thread's arena made and touched, as the fsync thread's first malloc would */
	free(malloc(1024));
	return arg;
}

/* glibc keeps an ended thread's stack and arena for the next thread: the one that
 * fsyncs a password try (src/db_login_sync.c, default attributes as here) gets them */
static void warm_thread(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, warm_thread_main, NULL) == 0)
		pthread_join(t, NULL);
}

static void warm_heap(void)
{
	char *p = malloc(WARM_HEAP_BYTES);
	if (!p)
		return;
	memset(p, 0, WARM_HEAP_BYTES);
	/* the compiler may not drop the writes: the pages are the point */
	__asm__ __volatile__("" : : "r"(p) : "memory");
	free(p);
}

/* noinline: its frame is below spare_warm's, where the session's calls will go */
static __attribute__((noinline)) void warm_stack(void)
{
	volatile char deep[WARM_STACK_BYTES];
	for (size_t i = 0; i < sizeof deep; i += 4096)
		deep[i] = 0;
	deep[sizeof deep - 1] = 0;
}

void spare_warm(void)
{
	warm_stack();
	warm_heap();
	warm_key_exchange();
	warm_ciphers();
	warm_thread();
}
