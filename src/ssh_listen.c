/* ssh_listen.c - the SSH listener of `watiqa serve`: owns the host key and the listening
 * socket, accepts connections and forks one session process per connection
 * (src/ssh_session.c).  It never reads a byte from a client: before forking it only
 * decides, from counts it keeps, whether to refuse the connection -- OpenSSH's
 * MaxStartups 10:30:60 random early drop over unauthenticated sessions, and
 * PerSourcePenalties-style throttling of addresses whose sessions keep failing.  Each
 * session reports "authenticated" / "failed attempt" on a pipe; the listener reaps its
 * own children (and only those) and stops them all on SIGTERM/SIGINT.  One child is
 * usually a spare, forked ahead and handed the next connection (src/ssh_spare.c): it
 * is neither a startup nor charged a penalty.  No SQL here. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "limits.h"
#include "log.h"
#include "ssh_server.h"
#include "ssh_penalty.h"
#include "ssh_session.h"
#include "ssh_spare.h"
#include "user.h"

#define LISTEN_BACKLOG		 128
#define LISTEN_STOP_GRACE_MS	 3000 /* SIGTERM to sessions, then SIGKILL */
/* A new spare is forked once the last one's login is refused, or has its first screen
 * (SESSION_REPORT_SETTLED), or ended; not while that login is under way: the fork and the
 * spare's set-up (~8 ms of CPU) would take it from the login, and on a small machine from
 * the client too, which after the answer opens its channel and starts its shell.
 * A login that takes longer (a person typing) gets its successor after this: */
#define SPARE_REFILL_MS		 1000
#define SPARE_RETRY_MS		 1000 /* a spare that ended unused: not at once again */

struct child {
	pid_t pid;
	int report_fd; /* read end; -1 once the child closed it */
	char addr[SESSION_ADDR_BYTES];
	int authed, failures, grace, terminated_by_us;
	int keeper;   /* its client is gone; it keeps the screen (src/ssh_detach.c) */
	int detached; /* ... and no later session has taken it over */
	int spare;    /* forked ahead, no connection yet (src/ssh_spare.c) */
	int pair_fd;  /* a spare's end of its socket pair, -1 once handed over */
	int64_t handed_ms; /* a spare handed a connection, its login not settled yet */
};

static struct child *children;
static int nchildren, children_cap;
static int signal_pipe[2] = {-1, -1};
static volatile sig_atomic_t stop_requested;
static int64_t spare_retry_at_ms;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void listen_on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;
	if (sig == SIGTERM || sig == SIGINT)
		stop_requested = 1;
	if (write(signal_pipe[1], &c, 1) < 0) {
		/* pipe full: a wake-up is already pending */
	}
	errno = saved;
}

static int set_cloexec_nonblock(int fd, int nonblock)
{
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -1;
	if (nonblock && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return -1;
	return 0;
}

/* ---- host key ---- */

static int listen_host_key(const char *path, ssh_key *out, struct wq_errbuf *eb)
{
	if (access(path, F_OK) != 0) {
		ssh_key key = NULL;
		char dir[PATH_MAX_BYTES];
		snprintf(dir, sizeof dir, "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST)
				return wq_fail(eb, WQ_EIO, "host_key", "cannot create %s: %s", dir,
					       strerror(errno));
		}
		if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK)
			return wq_fail(eb, WQ_EIO, "host_key", "cannot generate an ed25519 key");
		mode_t old = umask(077);
		int rc = ssh_pki_export_privkey_file(key, NULL, NULL, NULL, path);
		umask(old);
		ssh_key_free(key);
		if (rc != SSH_OK)
			return wq_fail(eb, WQ_EIO, "host_key", "cannot write host key %s", path);
		chmod(path, 0600);
		log_event(LOG_LEVEL_INFO, "start", "watiqa: generated SSH host key %s", path);
	}
	if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL, out) != SSH_OK)
		return wq_fail(eb, WQ_EIO, "host_key", "cannot read host key %s", path);
	if (ssh_key_type(*out) != SSH_KEYTYPE_ED25519)
		log_event(LOG_LEVEL_WARNING, "start",
			  "watiqa: host key %s is not ed25519: offered with its own type's"
			  " signatures (ssh-audit prefers ed25519)", path);
	return WQ_OK;
}

/* ---- the socket ---- */

static int listen_bind(const struct config *cfg, char *shown, size_t shownlen,
		       struct wq_errbuf *eb)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	char port[16];
	snprintf(port, sizeof port, "%d", cfg->ssh_port);
	int rc = getaddrinfo(cfg->bind[0] ? cfg->bind : NULL, port, &hints, &res);
	if (rc != 0)
		return -wq_fail(eb, WQ_EINVAL, "bind", "cannot resolve %s: %s", cfg->bind,
				gai_strerror(rc));
	int fd = -1, err = 0;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, LISTEN_BACKLOG) == 0) {
			char host[64];
			if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0,
					NI_NUMERICHOST) != 0)
				snprintf(host, sizeof host, "%s", cfg->bind);
			snprintf(shown, shownlen, "%s:%d", host, cfg->ssh_port);
			break;
		}
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return -wq_fail(eb, WQ_EIO, "ssh_port", "cannot listen on %s:%d: %s", cfg->bind,
				cfg->ssh_port, strerror(err));
	set_cloexec_nonblock(fd, 1);
	return fd;
}

/* ---- MaxStartups ---- */

static int listen_unauthenticated(void)
{
	int n = 0;
	for (int i = 0; i < nchildren; i++)
		n += !children[i].authed && !children[i].spare;
	return n;
}

/* ---- children ---- */

static struct child *child_add(void)
{
	if (nchildren == children_cap) {
		int cap = children_cap ? children_cap * 2 : 64;
		struct child *c = realloc(children, (size_t)cap * sizeof *c);
		if (!c)
			return NULL;
		children = c;
		children_cap = cap;
	}
	struct child *c = &children[nchildren++];
	memset(c, 0, sizeof *c);
	c->report_fd = -1;
	c->pair_fd = -1;
	return c;
}

static void child_read_reports(struct child *c)
{
	char buf[64];
	for (;;) {
		ssize_t n = read(c->report_fd, buf, sizeof buf);
		if (n > 0) {
			for (ssize_t i = 0; i < n; i++) {
				if (buf[i] == SESSION_REPORT_AUTH_OK)
					c->authed = 1;
				else if (buf[i] == SESSION_REPORT_AUTH_FAIL)
					c->failures++;
				/* a failure is answered, a success once its screen is
				 * out: the next spare may come */
				if (buf[i] == SESSION_REPORT_SETTLED ||
				    buf[i] == SESSION_REPORT_AUTH_FAIL)
					c->handed_ms = 0;
				else if (buf[i] == SESSION_REPORT_GRACE)
					c->grace = 1;
				else if (buf[i] == SESSION_REPORT_DETACHED)
					c->keeper = c->detached = 1;
				else if (buf[i] == SESSION_REPORT_REATTACHED)
					c->detached = 0;
			}
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			close(c->report_fd);
			c->report_fd = -1;
		}
		return;
	}
}

/* Reaps our own children only (serve may have others), and charges penalties. */
static void listen_reap(void)
{
	for (int i = 0; i < nchildren;) {
		struct child *c = &children[i];
		int status;
		pid_t r = waitpid(c->pid, &status, WNOHANG);
		if (r == 0 || (r < 0 && errno == EINTR)) {
			i++;
			continue;
		}
		if (c->report_fd >= 0) {
			child_read_reports(c);
			if (c->report_fd >= 0)
				close(c->report_fd);
		}
		if (c->pair_fd >= 0)
			close(c->pair_fd);
		if (c->spare) {
			/* never had a connection: nobody to charge */
			if (!c->terminated_by_us)
				spare_retry_at_ms = now_ms() + SPARE_RETRY_MS;
		} else if (r > 0 && WIFSIGNALED(status) && !c->terminated_by_us)
			penalty_add(c->addr, PENALTY_CRASH_SECONDS, "session crashed");
		else if (!c->authed && c->grace)
			penalty_add(c->addr, PENALTY_GRACE_SECONDS, "login grace exceeded");
		else if (!c->authed && c->failures)
			penalty_add(c->addr, PENALTY_AUTHFAIL_SECONDS, "authentication failed");
		else if (!c->authed)
			penalty_add(c->addr, PENALTY_NOAUTH_SECONDS, "no authentication");
		children[i] = children[--nchildren];
	}
}

static void peer_addr(const struct sockaddr_storage *ss, char *dst, size_t len)
{
	if (getnameinfo((const struct sockaddr *)ss, sizeof *ss, dst, (socklen_t)len, NULL, 0,
			NI_NUMERICHOST) != 0)
		snprintf(dst, len, "?");
	/* an IPv4 client on a dual-stack socket: show it as IPv4 */
	if (strncmp(dst, "::ffff:", 7) == 0 && strchr(dst + 7, '.'))
		memmove(dst, dst + 7, strlen(dst + 7) + 1);
}

/* Forks a child that keeps only fds a and b (and the log's) of the listener's; 0 in the
 * child, its pid in the listener, -1 on failure (logged). */
static pid_t listen_fork(int a, int b, const char *name)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		log_event(LOG_LEVEL_ERROR, "error", "watiqa ssh: fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* the session: drop everything of the listener's */
		signal(SIGCHLD, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		/* keep the socket and the report pipe; the rest (listening sockets, other
		 * sessions' pipes, the web side's descriptors) is not ours */
		log_close_fds_from(3, (int[]){a, b}, 2); /* and the log's */
		prctl(PR_SET_NAME, name);
	}
	return pid;
}

/* The spare, if one waits for a connection. */
static struct child *spare_ready(void)
{
	for (int i = 0; i < nchildren; i++)
		if (children[i].spare && children[i].pair_fd >= 0)
			return &children[i];
	return NULL;
}

/* Forks a spare unless one is there, its predecessor's login is under way, or the
 * listener is stopping; *wait_ms: when to look again (-1: on the next event). */
static void listen_refill(const struct config *cfg, ssh_key host_key, int *wait_ms)
{
	int64_t now = now_ms(), due = now < spare_retry_at_ms ? spare_retry_at_ms : now;
	*wait_ms = -1;
	for (int i = 0; i < nchildren; i++) {
		if (children[i].spare)
			return; /* one is there (or ending: then reaped first) */
		if (children[i].handed_ms && children[i].handed_ms + SPARE_REFILL_MS > due)
			due = children[i].handed_ms + SPARE_REFILL_MS;
	}
	if (stop_requested || due > now) {
		if (!stop_requested)
			*wait_ms = (int)(due - now);
		return;
	}
	int sp[2], rp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return;
	if (pipe2(rp, O_CLOEXEC) < 0) {
		close(sp[0]), close(sp[1]);
		return;
	}
	struct child *c = child_add();
	pid_t pid = c ? listen_fork(sp[1], rp[1], "wq-ssh-spare") : -1;
	if (pid == 0)
		spare_run(cfg, sp[1], rp[1], host_key);
	close(sp[1]);
	close(rp[1]);
	if (pid < 0) {
		if (c)
			nchildren--;
		close(sp[0]), close(rp[0]);
		spare_retry_at_ms = now + SPARE_RETRY_MS;
		return;
	}
	set_cloexec_nonblock(rp[0], 1);
	c->pid = pid;
	c->report_fd = rp[0];
	c->pair_fd = sp[0];
	c->spare = 1;
}

/* The connection to the spare: 1 when it has it. */
static int listen_hand_over(int fd, const char *addr)
{
	struct child *c = spare_ready();
	if (!c)
		return 0;
	int sent = spare_hand_over(c->pair_fd, fd, addr) == 0;
	close(c->pair_fd);
	c->pair_fd = -1;
	if (!sent) {
		/* gone or stuck: it ends, reaped as a spare; this connection is forked for */
		c->terminated_by_us = 1;
		kill(c->pid, SIGTERM);
		return 0;
	}
	c->spare = 0;
	c->handed_ms = now_ms();
	snprintf(c->addr, sizeof c->addr, "%s", addr);
	return 1;
}

static void listen_accept(const struct config *cfg, int lfd, ssh_key host_key)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sslen = sizeof ss;
		int fd = accept(lfd, (struct sockaddr *)&ss, &sslen);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				log_event(LOG_LEVEL_ERROR, "error", "watiqa ssh: accept: %s",
					  strerror(errno));
			return; /* EAGAIN and the rest: back to poll */
		}
		char addr[SESSION_ADDR_BYTES];
		peer_addr(&ss, addr, sizeof addr);
		int startups = listen_unauthenticated();
		if (penalty_active(addr)) {
			close(fd); /* refuse fast: nothing read, nothing forked */
			continue;
		}
		if (listen_should_drop(startups)) {
			log_event_for(LOG_LEVEL_WARNING, "refusal", NULL, addr,
				      "watiqa ssh: drop %s: %d unauthenticated (MaxStartups %d:%d:%d)",
				      addr, startups, MAX_STARTUPS_BEGIN, MAX_STARTUPS_RATE,
				      MAX_STARTUPS_FULL);
			close(fd);
			continue;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (listen_hand_over(fd, addr)) {
			close(fd);
			continue;
		}
		int rp[2];
		if (pipe2(rp, O_CLOEXEC) < 0) {
			close(fd);
			continue;
		}
		struct child *c = child_add();
		pid_t pid = c ? listen_fork(fd, rp[1], "wq-ssh-session") : -1;
		if (pid < 0) {
			if (c)
				nchildren--;
			close(fd), close(rp[0]), close(rp[1]);
			continue;
		}
		if (pid == 0) {
			struct session_start st = {.cfg = cfg, .fd = fd, .report_fd = rp[1],
						   .host_key = host_key};
			snprintf(st.addr, sizeof st.addr, "%s", addr);
			session_run(&st);
		}
		close(fd);
		close(rp[1]);
		set_cloexec_nonblock(rp[0], 1);
		c->pid = pid;
		c->report_fd = rp[0];
		snprintf(c->addr, sizeof c->addr, "%s", addr);
	}
}

static void listen_stop_children(void)
{
	for (int i = 0; i < nchildren; i++) {
		/* a spare still preparing misses the signal's EINTR: its pair's end closed
		 * ends its wait as well */
		if (children[i].pair_fd >= 0)
			close(children[i].pair_fd);
		children[i].pair_fd = -1;
		children[i].terminated_by_us = 1;
		kill(children[i].pid, SIGTERM);
	}
	int64_t deadline = now_ms() + LISTEN_STOP_GRACE_MS;
	while (nchildren > 0 && now_ms() < deadline) {
		listen_reap();
		if (nchildren > 0)
			poll(NULL, 0, 20);
	}
	for (int i = 0; i < nchildren; i++)
		kill(children[i].pid, SIGKILL);
	while (nchildren > 0) {
		listen_reap();
		if (nchildren > 0)
			poll(NULL, 0, 10);
	}
}

/* The listener proper.  serve.c runs it in a process forked before any thread or SQLite
 * connection exists (see serve_main), so the sessions forked from here start clean. */
int ssh_listen_run(const struct config *cfg, struct wq_errbuf *eb)
{
	ssh_key host_key = NULL;
	if (ssh_init() < 0)
		return wq_fail(eb, WQ_EIO, NULL, "libssh initialisation failed");
	int rc = listen_host_key(cfg->host_key, &host_key, eb);
	if (rc != WQ_OK)
		return rc;
	char shown[96];
	int lfd = listen_bind(cfg, shown, sizeof shown, eb);
	if (lfd < 0) {
		ssh_key_free(host_key);
		return -lfd;
	}
	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		close(lfd);
		ssh_key_free(host_key);
		return wq_fail(eb, WQ_EIO, NULL, "pipe: %s", strerror(errno));
	}
	struct sigaction sa = {.sa_handler = listen_on_signal, .sa_flags = SA_RESTART}, old_chld,
			 old_term, old_int, old_pipe;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, &old_chld);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGINT, &sa, &old_int);
	struct sigaction ign = {.sa_handler = SIG_IGN};
	sigaction(SIGPIPE, &ign, &old_pipe);

	/* the dummy hash unknown names are checked against, made once here so that every
	 * session has it from its first try (made lazily it cost a connection's first try
	 * twice a real one: a name oracle, issue 12 item 4) */
	int hash_ms = user_login_prepare();
	printf("ssh listening on %s\n", shown);
	printf("ssh login check ready: one password check costs %d ms\n", hash_ms);
	fflush(stdout);

	struct pollfd *pfd = NULL;
	int pfd_cap = 0;
	while (!stop_requested) {
		int wait_ms;
		listen_refill(cfg, host_key, &wait_ms);
		if (pfd_cap < nchildren + 2) {
			pfd_cap = (nchildren + 2) * 2;
			struct pollfd *np = realloc(pfd, (size_t)pfd_cap * sizeof *np);
			if (!np) {
				rc = wq_fail(eb, WQ_EIO, NULL, "out of memory");
				break;
			}
			pfd = np;
		}
		int n = 0;
		pfd[n++] = (struct pollfd){.fd = lfd, .events = POLLIN};
		pfd[n++] = (struct pollfd){.fd = signal_pipe[0], .events = POLLIN};
		for (int i = 0; i < nchildren; i++)
			pfd[n++] = (struct pollfd){.fd = children[i].report_fd, .events = POLLIN};
		/* -1 fds are ignored by poll */
		int r = poll(pfd, (nfds_t)n, wait_ms);
		if (r < 0 && errno != EINTR) {
			rc = wq_fail(eb, WQ_EIO, NULL, "poll: %s", strerror(errno));
			break;
		}
		if (r <= 0)
			continue;
		if (pfd[1].revents) {
			char buf[64];
			while (read(signal_pipe[0], buf, sizeof buf) > 0)
				;
		}
		/* reports before reaping, so a child's last words are counted */
		for (int i = 0, k = 2; i < nchildren; i++, k++)
			if (pfd[k].fd >= 0 && pfd[k].revents && children[i].report_fd == pfd[k].fd)
				child_read_reports(&children[i]);
		listen_reap();
		if (!stop_requested && (pfd[0].revents & POLLIN))
			listen_accept(cfg, lfd, host_key);
	}
	free(pfd);
	close(lfd);
	if (stop_requested) {
		/* a screen taken over counts once: as its new session */
		int keepers = 0, detached = 0;
		for (int i = 0; i < nchildren; i++) {
			keepers += children[i].keeper || children[i].spare;
			detached += children[i].detached;
		}
		log_event(LOG_LEVEL_INFO, "stop",
			  "watiqa ssh: stopping, %d session(s) open (%d detached)",
			  nchildren - keepers, detached);
	}
	listen_stop_children();
	free(children);
	children = NULL;
	nchildren = children_cap = 0;
	sigaction(SIGCHLD, &old_chld, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	close(signal_pipe[0]);
	close(signal_pipe[1]);
	signal_pipe[0] = signal_pipe[1] = -1;
	stop_requested = 0;
	ssh_key_free(host_key);
	ssh_finalize();
	return rc;
}
