/* serve.c - `watiqa serve`, the long-running server: the SSH listener forked first (it
 * waits), the database made ready, then the listener told to accept and the web side
 * started in this process's threads.  The listener forks a process per connection. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "demo.h"
#include "http_server.h"
#include "log.h"
#include "serve.h"
#include "server_key.h"
#include "ssh_server.h"
#include "util.h"

/* Directories made here are the owner's alone (0700); one that exists is left as it is
 * (it may be /tmp or a directory the operator shares on purpose). */
static int make_dir(const char *dir, const char *field, struct wq_errbuf *eb)
{
	if (!dir[0] || !strcmp(dir, ".") || !strcmp(dir, "/"))
		return WQ_OK;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return wq_fail(eb, WQ_EIO, field, "cannot create directory %s: %s", dir,
			       strerror(errno));
	return WQ_OK;
}

static int make_parent_dir(const char *path, struct wq_errbuf *eb)
{
	char buf[PATH_MAX_BYTES];
	wq_strlcpy(buf, path, sizeof buf);
	char *slash = strrchr(buf, '/');
	if (!slash)
		return WQ_OK;
	*slash = 0;
	return make_dir(buf, "db", eb);
}

int serve_open_db(const struct config *cfg, struct db **out, FILE *log, struct wq_errbuf *eb)
{
	char dir[PATH_MAX_BYTES + 8];
	int applied = 0, loaded = 0;
	int rc = make_parent_dir(cfg->db_path, eb);
	if (rc || (rc = db_open(cfg->db_path, out, eb)))
		return rc;
	/* citizens' data and password hashes: the owner's alone, even in a database made
	 * before umask 077 (its WAL and shared-memory files take the same mode) */
	chmod(cfg->db_path, 0600);
	config_state_path(cfg, "", dir, sizeof dir);
	if ((rc = make_dir(dir, "state_dir", eb)))
		goto fail;
	config_path(cfg, "db", dir, sizeof dir);
	if ((rc = db_migrate(*out, dir, &applied, eb)))
		goto fail;
	if (log)
		fprintf(log, "database %s: schema version %d (%d migration%s applied)\n",
			cfg->db_path, db_schema_version(*out), applied, applied == 1 ? "" : "s");
	if (cfg->demo) {
		log_suspend(1); /* thousands of made-up moves: not events */
		rc = demo_load(*out, 400, &loaded, eb);
		log_suspend(0);
		if (rc)
			goto fail;
		if (log && loaded)
			fprintf(log, "demo network, accounts and 400 requests loaded\n");
		if (log)
			demo_print_accounts(log);
	}
	return WQ_OK;
fail:
	db_close(*out);
	*out = NULL;
	return rc;
}

static volatile sig_atomic_t listener_pid;

static void serve_forward_signal(int sig)
{
	if (listener_pid > 0)
		kill((pid_t)listener_pid, sig);
}

/* The SSH listener gets its own process, forked here first of all: before any thread
 * and any SQLite connection, and before the migrations and the demo's load.  A process
 * forked later (from one whose web threads hold connections) would inherit SQLite's
 * per-process lock bookkeeping without the locks, and its own connections to the file
 * would fail with SQLITE_PROTOCOL.  And every session is a fork of the listener, so
 * the listener's heap is every session's: forked after the demo's load, it held ~2 MB
 * of freed chunks strewn over 3 MB, into which each session and its UI child
 * allocated, each copying the pages it touched -- ~600 kB more per session
 * (bench/README.md section 17).  It waits on GO until the database is ready: a byte
 * there, it listens; the pipe closed without one (serve failed), it leaves. */
static pid_t serve_fork_listener(const struct config *cfg, int go[2])
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	/* serve gone, even by SIGKILL: the listener and its sessions stop too */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_SET_NAME, "wq-ssh-listen");
	close(go[1]);
	char c;
	ssize_t n;
	while ((n = read(go[0], &c, 1)) < 0 && errno == EINTR)
		;
	close(go[0]);
	if (n != 1)
		_exit(1); /* serve said why */
	struct wq_errbuf eb;
	wq_errbuf_clear(&eb);
	int rc = ssh_listen_run(cfg, &eb);
	if (rc)
		log_event(LOG_LEVEL_ERROR, "error", "watiqa serve: ssh: %s", eb.msg);
	fflush(stdout);
	fflush(stderr);
	_exit(rc ? 1 : 0);
}

int serve_main(const struct config *cfg)
{
	struct wq_errbuf eb;
	struct db *db;
	struct http_server *http = NULL;
	wq_errbuf_clear(&eb);
	int go[2];
	if (pipe2(go, O_CLOEXEC) < 0) {
		log_event(LOG_LEVEL_ERROR, "error", "watiqa serve: pipe: %s", strerror(errno));
		return 1;
	}
	pid_t pid = serve_fork_listener(cfg, go);
	close(go[0]);
	if (pid < 0) {
		log_event(LOG_LEVEL_ERROR, "error",
			  "watiqa serve: cannot fork the SSH listener: %s", strerror(errno));
		close(go[1]);
		return 1;
	}
	unsigned char key[SERVER_KEY_BYTES];
	int ready = serve_open_db(cfg, &db, stdout, &eb) == WQ_OK;
	if (ready) {
		db_close(db);
		ready = server_key_get(cfg, key, &eb) == WQ_OK;
	}
	if (!ready || write(go[1], "g", 1) != 1) {
		log_event(LOG_LEVEL_ERROR, "error", "watiqa serve: %s",
			  ready ? strerror(errno) : eb.msg);
		close(go[1]); /* the listener leaves */
		waitpid(pid, NULL, 0);
		return 1;
	}
	close(go[1]);
	struct sigaction sa = {.sa_handler = serve_forward_signal};
	sigemptyset(&sa.sa_mask);
	listener_pid = pid;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	int status = 0;
	if (http_server_start(cfg, &http, &eb)) {
		log_event(LOG_LEVEL_ERROR, "error", "watiqa serve: web: %s", eb.msg);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		return 1;
	}
	/* serve lives as long as the listener: a signal to serve reaches it, and its end
	 * (on a signal or a failure) ends the web side too */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	listener_pid = 0;
	http_server_stop(http);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	log_event(LOG_LEVEL_ERROR, "error", "watiqa serve: the SSH listener stopped (%s %d)",
		WIFEXITED(status) ? "status" : "signal",
		WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 1;
}
