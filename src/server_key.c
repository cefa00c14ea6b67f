/* server_key.c - creates and reads state_dir/server.key (server_key.h).  The file is
 * written under a temporary name and linked into place, so two processes starting at
 * once agree on one key and no reader ever sees half of it.  Called by serve at start
 * (so the file exists before any session) and by whoever needs an HMAC; no SQL here. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server_key.h"
#include "util.h"

static int read_key(const char *path, unsigned char key[32], struct wq_errbuf *eb)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? WQ_ENOTFOUND
				       : wq_fail(eb, WQ_EIO, "server_key", "cannot read %s: %s",
						 path, strerror(errno));
	unsigned char buf[SERVER_KEY_BYTES + 1];
	ssize_t n = read(fd, buf, sizeof buf);
	close(fd);
	if (n != SERVER_KEY_BYTES)
		return wq_fail(eb, WQ_EIO, "server_key", "%s: expected %d bytes, found %zd", path,
			       SERVER_KEY_BYTES, n);
	memcpy(key, buf, SERVER_KEY_BYTES);
	return WQ_OK;
}

static int create_key(const char *path, struct wq_errbuf *eb)
{
	char tmp[PATH_MAX_BYTES + 32];
	unsigned char key[SERVER_KEY_BYTES];
	snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
	if (wq_random_bytes(key, sizeof key))
		return wq_fail(eb, WQ_EIO, "server_key", "no random bytes: %s", strerror(errno));
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return wq_fail(eb, WQ_EIO, "server_key", "cannot create %s: %s", tmp,
			       strerror(errno));
	int ok = write(fd, key, sizeof key) == (ssize_t)sizeof key && fsync(fd) == 0;
	ok &= close(fd) == 0;
	memset(key, 0, sizeof key);
	/* link() refuses an existing name: whoever links first wins, the other reads it */
	if (!ok || (link(tmp, path) != 0 && errno != EEXIST)) {
		int e = errno;
		unlink(tmp);
		return wq_fail(eb, WQ_EIO, "server_key", "cannot write %s: %s", path, strerror(e));
	}
	unlink(tmp);
	return WQ_OK;
}

int server_key_get(const struct config *cfg, unsigned char key[32], struct wq_errbuf *eb)
{
	char dir[PATH_MAX_BYTES], path[PATH_MAX_BYTES + 16];
	config_state_path(cfg, "", dir, sizeof dir);
	config_state_path(cfg, "server.key", path, sizeof path);
	int rc = read_key(path, key, eb);
	if (rc != WQ_ENOTFOUND)
		return rc;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return wq_fail(eb, WQ_EIO, "server_key", "cannot create %s: %s", dir,
			       strerror(errno));
	if ((rc = create_key(path, eb)))
		return rc;
	rc = read_key(path, key, eb);
	return rc == WQ_ENOTFOUND ? wq_fail(eb, WQ_EIO, "server_key", "%s vanished", path) : rc;
}

void server_key_hmac(const unsigned char key[32], const char *msg, char hex_out[65])
{
	wq_hmac_sha256_raw_hex(key, SERVER_KEY_BYTES, msg, strlen(msg), hex_out);
}
