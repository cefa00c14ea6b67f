/* finance_export.c - a commune's payments written to a CSV file for the finance
 * screen's export, one row per document of each order (an extract and a full copy
 * paid at once are two rows, each at its fee): read through the data layer
 * (db_finance.c), written with
 * finance.c's CSV, renamed into place.  Apart from finance.c so that finance.c, which
 * db_finance.c calls for periods and days, calls nothing of the data layer back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "finance.h"
#include "util.h"

static void export_dir(const struct config *cfg, char *dst, size_t len)
{
	const char *env = getenv("WATIQA_PRINT_DIR");
	if (env && env[0])
		snprintf(dst, len, "%s", env);
	else
		config_state_path(cfg, "export", dst, len);
}

int finance_export_csv(struct db *db, const struct actor *a, int64_t commune_id,
		       const struct fin_period *p, const struct config *cfg, char *path_out,
		       size_t path_len, struct wq_errbuf *eb)
{
	struct fin_payment *rows = NULL;
	char dir[PATH_MAX_BYTES], code[16], from[11], to[11], tmp[PATH_MAX_BYTES + 8];
	int n = 0, rc;
	FILE *f;

	if ((rc = db_actor_current(db, a, eb)) ||
	    (rc = finance_commune(db, a, commune_id, &commune_id, code, eb)))
		return rc;
	if ((rc = finance_payment_lines(db, a, commune_id, p, &rows, &n, eb)))
		return rc;
	export_dir(cfg, dir, sizeof dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		free(rows);
		return wq_fail(eb, WQ_EIO, "file", "cannot create %s: %s", dir, strerror(errno));
	}
	fin_local_day(p->from, from);
	fin_local_day(p->to - 1, to);
	snprintf(path_out, path_len, "%s/revenue-%s-%s_%s.csv", dir, code, from, to);
	/* written aside then renamed: a reader never sees half a file */
	snprintf(tmp, sizeof tmp, "%s.tmp", path_out);
	f = fopen(tmp, "w");
	if (!f) {
		free(rows);
		return wq_fail(eb, WQ_EIO, "file", "cannot write %s: %s", tmp, strerror(errno));
	}
	rc = finance_csv_write(f, rows, n);
	free(rows);
	if (fclose(f) != 0 || rc != 0 || rename(tmp, path_out) != 0) {
		unlink(tmp);
		return wq_fail(eb, WQ_EIO, "file", "cannot write %s", path_out);
	}
	return WQ_OK;
}
