/* test_ssh_kex_refusal.c - src/ssh_kex_refusal.c on a real socket pair: what a client is
 * sent when its key exchange failed, by how much libssh had really written before.
 * Nothing written: our banner, then a DISCONNECT packet (RFC 4253: length, padding of 4
 * or more to a multiple of 8, type 1, reason 3, the reason's text, an empty language).
 * Only our banner written: the DISCONNECT alone, so that the stream stays well formed.
 * More (our KEXINIT went out, the client judged it itself): nothing.  In each case the
 * copy of the socket is closed (the client sees the end).  The path through libssh, a
 * client whose KEXINIT came before our banner, is tests/e2e/ssh_audit.sh's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ssh_kex_refusal.h"

#define WHY "key exchange refused: this server offers only key exchange curve25519-sha256"
#define BANNER_LINE "SSH-2.0-Watiqa\r\n"

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* kex_refusal_send with libssh's count of bytes written at sent; what the client's end
 * read until the end of the stream, in out (its length returned). */
static size_t refuse(uint64_t sent, unsigned char *out, size_t cap)
{
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	struct kex_refusal r = {.fd = sv[0]};
	r.sent.out_bytes = sent;
	kex_refusal_send(&r, "Watiqa", WHY);
	assert_int_equal(r.fd, -1);
	size_t n = 0;
	ssize_t got;
	while ((got = read(sv[1], out + n, cap - n)) > 0) /* 0: the copy was closed */
		n += (size_t)got;
	assert_true(got == 0);
	close(sv[1]);
	return n;
}

/* The DISCONNECT packet at p (len bytes and nothing after), checked field by field. */
static void assert_disconnect(const unsigned char *p, size_t len)
{
	assert_true(len >= 4 + 1 + 1 + 4 + 4 + 4 + 4);
	uint32_t packet_len = get_u32(p);
	unsigned pad = p[4];
	assert_int_equal(4 + packet_len, len);
	assert_int_equal(len % 8, 0);
	assert_true(pad >= 4);
	assert_int_equal(p[5], 1);		/* SSH_MSG_DISCONNECT */
	assert_int_equal(get_u32(p + 6), 3); /* KEY_EXCHANGE_FAILED */
	uint32_t wlen = get_u32(p + 10);
	assert_int_equal(wlen, strlen(WHY));
	assert_memory_equal(p + 14, WHY, wlen);
	assert_int_equal(get_u32(p + 14 + wlen), 0); /* language tag "" */
	assert_int_equal(14 + wlen + 4 + pad, len);
}

static void test_nothing_written_banner_then_disconnect(void **state)
{
	(void)state;
	unsigned char buf[1024];
	size_t n = refuse(0, buf, sizeof buf);
	size_t blen = strlen(BANNER_LINE);
	assert_true(n > blen);
	assert_memory_equal(buf, BANNER_LINE, blen);
	assert_disconnect(buf + blen, n - blen);
}

static void test_banner_written_disconnect_alone(void **state)
{
	(void)state;
	unsigned char buf[1024];
	size_t n = refuse(strlen(BANNER_LINE), buf, sizeof buf);
	assert_disconnect(buf, n);
}

static void test_kexinit_written_nothing_added(void **state)
{
	(void)state;
	unsigned char buf[1024];
	assert_int_equal(refuse(strlen(BANNER_LINE) + 488, buf, sizeof buf), 0);
	assert_int_equal(refuse(5, buf, sizeof buf), 0); /* part of the banner: not ours to mend */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_written_banner_then_disconnect),
		cmocka_unit_test(test_banner_written_disconnect_alone),
		cmocka_unit_test(test_kexinit_written_nothing_added),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
