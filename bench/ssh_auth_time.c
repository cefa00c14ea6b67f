/* ssh_auth_time.c - times the password step of an SSH login, apart from the connection
 * and key exchange: connects from a given loopback address (libssh), then sends N
 * password tries and prints each one's round trip in ms.  For bench/ssh_login_timing.sh,
 * which compares unknown names, known names and throttled names.  Not part of the server.
 *
 *   ssh_auth_time -p PORT -b BINDADDR -u USER -P PASSWORD [-n TRIES]
 * Prints "auth_ms=A,B,..." (tries the server answered) or "error=...". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	const char *bindaddr = "127.0.0.1", *user = "agent1", *password = "x";
	int port = 2222, tries = 1, opt;
	while ((opt = getopt(argc, argv, "p:b:u:P:n:")) != -1) {
		switch (opt) {
		case 'p': port = atoi(optarg); break;
		case 'b': bindaddr = optarg; break;
		case 'u': user = optarg; break;
		case 'P': password = optarg; break;
		case 'n': tries = atoi(optarg); break;
		default: fprintf(stderr, "usage: see the top of bench/ssh_auth_time.c\n"); return 2;
		}
	}
	ssh_session s = ssh_new();
	long timeout = 30;
	int no = 0;
	ssh_options_set(s, SSH_OPTIONS_HOST, "127.0.0.1");
	ssh_options_set(s, SSH_OPTIONS_PORT, &port);
	ssh_options_set(s, SSH_OPTIONS_BINDADDR, bindaddr);
	ssh_options_set(s, SSH_OPTIONS_USER, user);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
	ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
	if (ssh_connect(s) != SSH_OK) {
		printf("error=connect\n");
		return 1;
	}
	ssh_userauth_none(s, NULL); /* asks for the methods, as clients do first */
	printf("auth_ms=");
	for (int i = 0; i < tries; i++) {
		double t0 = now_ms();
		int rc = ssh_userauth_password(s, NULL, password);
		if (rc == SSH_AUTH_ERROR)
			break;
		printf("%s%.2f", i ? "," : "", now_ms() - t0);
		if (rc == SSH_AUTH_SUCCESS)
			break;
	}
	printf("\n");
	ssh_disconnect(s);
	ssh_free(s);
	return 0;
}
