/* serve.c - `watiqa serve`, the long-running server: database ready first, then the
 * web side in its own threads, then the SSH listener in the main thread, which forks
 * a process per connection.  Runs in the listener process only. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "demo.h"
#include "http_server.h"
#include "serve.h"
#include "ssh_server.h"
#include "util.h"

static int make_parent_dir(const char *path, struct wq_errbuf *eb)
{
	char buf[PATH_MAX_BYTES];
	wq_strlcpy(buf, path, sizeof buf);
	char *slash = strrchr(buf, '/');
	if (!slash)
		return WQ_OK;
	*slash = 0;
	if (!buf[0] || !strcmp(buf, "."))
		return WQ_OK;
	if (mkdir(buf, 0750) != 0 && errno != EEXIST)
		return wq_fail(eb, WQ_EIO, "db", "cannot create directory %s: %s", buf,
			       strerror(errno));
	return WQ_OK;
}

int serve_open_db(const struct config *cfg, struct db **out, FILE *log, struct wq_errbuf *eb)
{
	char dir[PATH_MAX_BYTES + 8];
	int applied = 0, loaded = 0;
	int rc = make_parent_dir(cfg->db_path, eb);
	if (rc || (rc = db_open(cfg->db_path, out, eb)))
		return rc;
	config_path(cfg, "db", dir, sizeof dir);
	if ((rc = db_migrate(*out, dir, &applied, eb)))
		goto fail;
	if (log)
		fprintf(log, "database %s: schema version %d (%d migration%s applied)\n",
			cfg->db_path, db_schema_version(*out), applied, applied == 1 ? "" : "s");
	if (cfg->demo) {
		if ((rc = demo_load(*out, 400, &loaded, eb)))
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

int serve_main(const struct config *cfg)
{
	struct wq_errbuf eb;
	struct db *db;
	struct http_server *http = NULL;
	wq_errbuf_clear(&eb);
	if (serve_open_db(cfg, &db, stdout, &eb)) {
		fprintf(stderr, "watiqa serve: %s\n", eb.msg);
		return 1;
	}
	/* the listener keeps no connection open: each session process opens its own */
	db_close(db);
	fflush(stdout);
	if (http_server_start(cfg, &http, &eb)) {
		fprintf(stderr, "watiqa serve: web: %s\n", eb.msg);
		return 1;
	}
	int rc = ssh_listen_run(cfg, &eb);
	if (rc)
		fprintf(stderr, "watiqa serve: ssh: %s\n", eb.msg);
	http_server_stop(http);
	return rc ? 1 : 0;
}
