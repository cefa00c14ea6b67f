/* ssh_client.c - a small libssh client for the SSH benchmark and tests: logs in
 * (password or key), asks for a pty of the given size, reads until the screen is quiet,
 * then sends each action's keys and counts the bytes the server sent for it, both as
 * channel data (what the UI wrote) and on the wire (TCP payload received, from
 * TCP_INFO, so SSH framing and MACs are counted).  Prints one line of key=value.
 * With -H it then holds the session (reading and discarding) until SIGTERM, so a script can keep hundreds of sessions open.  Not part of the server.
 *
 *   ssh_client -p PORT -u USER (-P PASSWORD | -i KEYFILE) [-t TERM] [-c COLS] [-r ROWS]
 *              [-q QUIET_MS] [-a NAME=KEYS]... [-H] [-o DUMPFILE] [-w SECONDS] [-z]
 * -z asks for compression (zlib@openssh.com), as `ssh -C` does.
 * KEYS takes C escapes: \e \r \n \t \xHH (down arrow in keypad mode: \eOB).  KEYS
 * starting with '!' are a shell command run instead (a notice sent by another account):
 * what the session receives meanwhile is counted the same way. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/tcp.h> /* struct tcp_info with tcpi_bytes_received */
#include <netinet/in.h>
#include <sys/socket.h>

#include <libssh/libssh.h>

#define MAX_ACTIONS 16

static volatile sig_atomic_t stop;
static void on_stop(int sig) { (void)sig; stop = 1; }

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static unsigned long long wire_bytes(ssh_session s)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;
	memset(&ti, 0, sizeof ti);
	if (getsockopt(ssh_get_fd(s), IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		return 0;
	return ti.tcpi_bytes_received;
}

static size_t unescape(const char *in, char *out, size_t max)
{
	size_t n = 0;
	for (const char *p = in; *p && n < max; p++) {
		if (*p != '\\' || !p[1]) {
			out[n++] = *p;
			continue;
		}
		p++;
		switch (*p) {
		case 'e': out[n++] = 27; break;
		case 'r': out[n++] = '\r'; break;
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case 'x': {
			unsigned v = 0;
			int k = 0;
			while (k < 2 && p[1] && strchr("0123456789abcdefABCDEF", p[1])) {
				char c = *++p;
				v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 32) - 'a' + 10);
				k++;
			}
			out[n++] = (char)v;
			break;
		}
		default: out[n++] = *p;
		}
	}
	return n;
}

/* Reads until nothing came for quiet_ms (after at least one byte, or first_ms for the
 * first byte).  Returns bytes read, -1 if the channel closed. */
static long read_until_quiet(ssh_channel ch, int quiet_ms, int first_ms, FILE *dump,
			     double *last_byte_at)
{
	char buf[16384];
	long total = 0;
	for (;;) {
		int n = ssh_channel_read_timeout(ch, buf, sizeof buf, 0, total ? quiet_ms : first_ms);
		if (n > 0) {
			total += n;
			if (last_byte_at)
				*last_byte_at = now_ms();
			if (dump)
				fwrite(buf, 1, (size_t)n, dump);
			continue;
		}
		if (n == SSH_ERROR || ssh_channel_is_eof(ch) || ssh_channel_is_closed(ch))
			return total ? total : -1;
		return total; /* timeout: quiet */
	}
}

int main(int argc, char **argv)
{
	const char *host = "127.0.0.1", *user = "agent1", *password = NULL, *keyfile = NULL;
	const char *term = "xterm-256color", *dumpfile = NULL, *cmd = NULL;
	int port = 2222, cols = 80, rows = 24, quiet_ms = 300, hold = 0, wait_s = 20, zlib = 0;
	const char *actions[MAX_ACTIONS];
	int nactions = 0, opt;
	while ((opt = getopt(argc, argv, "h:p:u:P:i:t:c:r:q:a:Ho:w:e:z")) != -1) {
		switch (opt) {
		case 'h': host = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'u': user = optarg; break;
		case 'P': password = optarg; break;
		case 'i': keyfile = optarg; break;
		case 't': term = optarg; break;
		case 'c': cols = atoi(optarg); break;
		case 'r': rows = atoi(optarg); break;
		case 'q': quiet_ms = atoi(optarg); break;
		case 'a': if (nactions < MAX_ACTIONS) actions[nactions++] = optarg; break;
		case 'H': hold = 1; break;
		case 'o': dumpfile = optarg; break;
		case 'w': wait_s = atoi(optarg); break;
		case 'e': cmd = optarg; break;
		case 'z': zlib = 1; break;
		default:
			fprintf(stderr, "usage: see the top of bench/ssh_client.c\n");
			return 2;
		}
	}
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	signal(SIGPIPE, SIG_IGN);
	FILE *dump = dumpfile ? fopen(dumpfile, "w") : NULL;

	double t0 = now_ms();
	ssh_session s = NULL;
	int retries = 0;
	/* a connection dropped by MaxStartups is retried, as a person would */
	for (;;) {
		s = ssh_new();
		long timeout = wait_s;
		int no = 0;
		ssh_options_set(s, SSH_OPTIONS_HOST, host);
		ssh_options_set(s, SSH_OPTIONS_PORT, &port);
		ssh_options_set(s, SSH_OPTIONS_USER, user);
		ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
		ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
		ssh_options_set(s, SSH_OPTIONS_NODELAY, &(int){1});
		if (zlib)
			ssh_options_set(s, SSH_OPTIONS_COMPRESSION, "yes");
		if (ssh_connect(s) == SSH_OK)
			break;
		ssh_free(s);
		if (++retries > 50 || now_ms() - t0 > wait_s * 1000.0) {
			printf("error=connect retries=%d\n", retries);
			return 1;
		}
		usleep(100000 + (useconds_t)(rand() % 200000));
	}
	int rc;
	if (keyfile) {
		ssh_key key = NULL;
		if (ssh_pki_import_privkey_file(keyfile, NULL, NULL, NULL, &key) != SSH_OK) {
			printf("error=key\n");
			return 2;
		}
		rc = ssh_userauth_publickey(s, NULL, key);
		ssh_key_free(key);
	} else {
		rc = ssh_userauth_password(s, NULL, password ? password : "watiqa-demo");
	}
	if (rc != SSH_AUTH_SUCCESS) {
		printf("error=auth auth_rc=%d\n", rc);
		return 1;
	}
	double t_auth = now_ms();
	ssh_channel ch = ssh_channel_new(s);
	if (!ch || ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_pty_size(ch, term, cols, rows) != SSH_OK ||
	    (cmd ? ssh_channel_request_exec(ch, cmd) : ssh_channel_request_shell(ch)) != SSH_OK) {
		printf("error=channel %s\n", ssh_get_error(s));
		return 1;
	}
	unsigned long long w0 = wire_bytes(s);
	double last = now_ms();
	long first = read_until_quiet(ch, quiet_ms, wait_s * 1000, dump, &last);
	unsigned long long w1 = wire_bytes(s);
	printf("login_ms=%.1f first_screen_ms=%.1f retries=%d first_screen_bytes=%ld "
	       "first_screen_wire=%llu",
	       t_auth - t0, last - t0, retries, first, w1 - w0);
	for (int i = 0; i < nactions && first >= 0; i++) {
		char keys[256];
		const char *eq = strchr(actions[i], '=');
		const char *name = actions[i];
		int namelen = eq ? (int)(eq - name) : (int)strlen(name);
		size_t n = unescape(eq ? eq + 1 : "", keys, sizeof keys);
		unsigned long long a0 = wire_bytes(s);
		if (dump)
			fprintf(dump, "\n<<<%.*s>>>\n", namelen, name);
		if (n && keys[0] == '!') { /* no keys: something happening elsewhere meanwhile */
			keys[n < sizeof keys ? n : sizeof keys - 1] = '\0';
			if (system(keys + 1) != 0)
				fprintf(stderr, "ssh_client: '%s' failed\n", keys + 1);
		} else {
			ssh_channel_write(ch, keys, (uint32_t)n);
		}
		long got = read_until_quiet(ch, quiet_ms, 3000, dump, NULL);
		unsigned long long a1 = wire_bytes(s);
		printf(" %.*s_bytes=%ld %.*s_wire=%llu", namelen, name, got, namelen, name, a1 - a0);
	}
	printf("\n");
	fflush(stdout);
	if (dump)
		fclose(dump);
	if (hold) {
		char buf[4096];
		while (!stop && ssh_channel_is_open(ch) && !ssh_channel_is_eof(ch)) {
			int n = ssh_channel_read_timeout(ch, buf, sizeof buf, 0, 200);
			if (n == SSH_ERROR)
				break;
		}
	}
	ssh_channel_close(ch);
	ssh_channel_free(ch);
	ssh_disconnect(s);
	ssh_free(s);
	return 0;
}
