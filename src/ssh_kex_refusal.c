/* ssh_kex_refusal.c - tells a client why its key exchange failed, when libssh could not.
 * libssh 0.10 buffers each write until its poll sees the socket writable again, and reads
 * before it writes: a client whose banner and KEXINIT are read in one go (it sent them
 * before ours arrived, or the server was slow to read: seen under load) gets its KEXINIT
 * judged while ours, and even our banner, still wait in libssh's buffer.  When nothing is
 * in common libssh closes the socket with that buffer, and the client sees the
 * connection closed without a word (OpenSSH: "Connection closed by ... port ...") where
 * it should have said "no matching key exchange method found".  So the session keeps a
 * copy of the socket through the key exchange and counts what libssh really wrote; on a
 * failure that left the client without our KEXINIT it sends, in the clear as the
 * protocol allows before any keys, the banner if missing and a DISCONNECT (RFC 4253 11.1,
 * reason 3, key exchange failed) naming what this server offers. */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ssh_kex_refusal.h"
#include "util.h"

#define SSH_MSG_DISCONNECT		   1
#define SSH_DISCONNECT_KEY_EXCHANGE_FAILED 3
#define KEX_REFUSAL_WHY_MAX		   400 /* what OpenSSH prints of a reason */
#define KEX_REFUSAL_BLOCK		   8   /* RFC 4253 6: no cipher yet, blocks of 8 */

void kex_refusal_watch(struct kex_refusal *r, ssh_session ssh, int fd)
{
	memset(&r->sent, 0, sizeof r->sent);
	r->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	ssh_set_counters(ssh, &r->sent, NULL);
}

void kex_refusal_done(struct kex_refusal *r, ssh_session ssh)
{
	ssh_set_counters(ssh, NULL, NULL);
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

static size_t put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
	return 4;
}

/* The DISCONNECT packet, unencrypted and without MAC; its length. */
static size_t disconnect_packet(unsigned char *out, const char *why)
{
	size_t wlen = strnlen(why, KEX_REFUSAL_WHY_MAX);
	size_t payload = 1 + 4 + 4 + wlen + 4; /* type, reason, description, language "" */
	size_t pad = KEX_REFUSAL_BLOCK - (4 + 1 + payload) % KEX_REFUSAL_BLOCK;
	if (pad < 4)
		pad += KEX_REFUSAL_BLOCK;
	unsigned char *p = out;
	p += put_u32(p, (uint32_t)(1 + payload + pad));
	*p++ = (unsigned char)pad;
	*p++ = SSH_MSG_DISCONNECT;
	p += put_u32(p, SSH_DISCONNECT_KEY_EXCHANGE_FAILED);
	p += put_u32(p, (uint32_t)wlen);
	memcpy(p, why, wlen);
	p += wlen;
	p += put_u32(p, 0);
	if (wq_random_bytes(p, pad))
		memset(p, 0, pad); /* padding is not secret before the keys */
	return (size_t)(p - out) + pad;
}

void kex_refusal_send(struct kex_refusal *r, const char *banner, const char *why)
{
	if (r->fd < 0)
		return;
	unsigned char buf[64 + 2 * KEX_REFUSAL_WHY_MAX];
	size_t n = 0;
	size_t blen = strlen("SSH-2.0-") + strlen(banner) + 2;
	/* our KEXINIT went out (the client judged it itself), or part of something did
	 * (a packet of ours would be cut): nothing to add */
	if (r->sent.out_bytes == 0 && blen <= 64) {
		memcpy(buf, "SSH-2.0-", 8);
		memcpy(buf + 8, banner, blen - 10);
		memcpy(buf + blen - 2, "\r\n", 2);
		n = blen;
	} else if (r->sent.out_bytes != blen) {
		close(r->fd);
		r->fd = -1;
		return;
	}
	n += disconnect_packet(buf + n, why);
	/* best effort, never waiting: the client may be gone, and the log already says the
	 * key exchange failed */
	(void)send(r->fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(r->fd);
	r->fd = -1;
}
