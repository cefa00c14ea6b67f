/* test_ssh_spare_warm.c - src/ssh_spare_warm.c: a real libssh key exchange (curve25519,
 * an Ed25519 host key, chacha20-poly1305, as the server offers) served by a process
 * forked after the keys were loaded, as a spare is, on a socket pair with a libssh client
 * in the parent.  The server's page faults from its accept to the end of the exchange are
 * counted: after spare_warm() they must be well under half of a cold fork's (this machine:
 * ~60 cold), which is what the warm-up is for (each fault ~25 us on a virtual machine). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libssh/libssh.h>
#include <libssh/server.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ssh_spare_warm.h"

static long minor_faults(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* The server side in a fork (warmed first or not): the faults of its key exchange on
 * fd, written to report; exits 0 when the exchange succeeded. */
static void serve_one(ssh_bind bind, int fd, int warm, int report)
{
	if (warm)
		spare_warm();
	ssh_session s = ssh_new();
	long f0 = minor_faults();
	int ok = s && ssh_bind_accept_fd(bind, s, fd) == SSH_OK &&
		 ssh_handle_key_exchange(s) == SSH_OK;
	long faults = minor_faults() - f0;
	if (write(report, &faults, sizeof faults) != (ssize_t)sizeof faults)
		ok = 0;
	_exit(ok ? 0 : 1);
}

/* One key exchange against a fork of this process; its faults. */
static long exchange_faults(ssh_bind bind, int warm)
{
	int sv[2], rp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(pipe(rp), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[1]);
		close(rp[0]);
		serve_one(bind, sv[0], warm, rp[1]);
	}
	close(sv[0]);
	close(rp[1]);
	ssh_session c = ssh_new();
	assert_non_null(c);
	socket_t cfd = sv[1];
	ssh_options_set(c, SSH_OPTIONS_FD, &cfd);
	ssh_options_set(c, SSH_OPTIONS_HOST, "localhost");
	ssh_options_set(c, SSH_OPTIONS_KEY_EXCHANGE, "curve25519-sha256");
	ssh_options_set(c, SSH_OPTIONS_HOSTKEYS, "ssh-ed25519");
	ssh_options_set(c, SSH_OPTIONS_CIPHERS_C_S, "chacha20-poly1305@openssh.com");
	ssh_options_set(c, SSH_OPTIONS_CIPHERS_S_C, "chacha20-poly1305@openssh.com");
	assert_int_equal(ssh_connect(c), SSH_OK);
	long faults = -1;
	assert_int_equal(read(rp[0], &faults, sizeof faults), (ssize_t)sizeof faults);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ssh_disconnect(c);
	ssh_free(c);
	close(rp[0]);
	return faults;
}

static void test_warm_fork_faults_less_in_key_exchange(void **state)
{
	(void)state;
	ssh_key host = NULL;
	assert_int_equal(ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &host), SSH_OK);
	ssh_bind bind = ssh_bind_new();
	assert_non_null(bind);
	assert_int_equal(ssh_bind_options_set(bind, SSH_BIND_OPTIONS_IMPORT_KEY, host), SSH_OK);
	/* the listener has done one exchange's worth of nothing: its forks start cold */
	long cold[3], warm[3];
	for (int i = 0; i < 3; i++) {
		cold[i] = exchange_faults(bind, 0);
		warm[i] = exchange_faults(bind, 1);
	}
	/* the smallest of each, against a stray fault of the machine */
	long c = cold[0], w = warm[0];
	for (int i = 1; i < 3; i++) {
		c = cold[i] < c ? cold[i] : c;
		w = warm[i] < w ? warm[i] : w;
	}
	printf("# key exchange in a fork: %ld faults cold, %ld after spare_warm()\n", c, w);
	assert_true(c > 0);
	assert_true(w * 2 < c);
	ssh_bind_free(bind);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warm_fork_faults_less_in_key_exchange),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
