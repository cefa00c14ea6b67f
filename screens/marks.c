/* marks.c - the set of request ids a screen has marked for a batch action (the agent's
 * batch claim, the supervisor's batch assign and reassign, the officer's batch
 * signature).  Owns only the id array;
 * the screen shows the marks through its table's row_mark and clears them once the
 * batch is done.  UI child only; no data access. */
#include <stdlib.h>

#include "request.h"
#include "widget.h"

int marks_find(const struct marks *m, int64_t id)
{
	for (int i = 0; i < m->n; i++)
		if (m->ids[i] == id)
			return i;
	return -1;
}

void marks_toggle(struct marks *m, int64_t id)
{
	int i = marks_find(m, id);
	if (i >= 0) {
		m->ids[i] = m->ids[--m->n];
		return;
	}
	if (m->n >= m->cap) {
		int c = m->cap * 2 + 16;
		int64_t *bigger = realloc(m->ids, (size_t)c * sizeof *bigger);
		if (!bigger)
			return;
		m->ids = bigger;
		m->cap = c;
	}
	m->ids[m->n++] = id;
}

/* A mark on a request another session moved on would act on something the user no
 * longer sees. */
void marks_keep(struct marks *m, const struct request *rows, int n)
{
	for (int i = 0; i < m->n;) {
		int found = 0;
		for (int r = 0; r < n && !found; r++)
			found = rows[r].id == m->ids[i];
		if (found)
			i++;
		else
			m->ids[i] = m->ids[--m->n];
	}
}

void marks_free(struct marks *m)
{
	free(m->ids);
	*m = (struct marks){0};
}

int marks_run(struct ui *ui, struct marks *m, const struct request *rows, int n,
	      marks_fn *fn, int *failed, struct wq_errbuf *first)
{
	struct wq_errbuf eb = {0};
	int ok = 0;
	*failed = 0;
	for (int i = 0; i < m->n; i++) {
		int64_t version = 0;
		for (int r = 0; r < n; r++)
			if (rows[r].id == m->ids[i])
				version = rows[r].version;
		if (fn(ui, m->ids[i], version, &eb) == WQ_OK) {
			ok++;
		} else {
			if (!*failed)
				*first = eb;
			(*failed)++;
		}
	}
	m->n = 0;
	ui->reload = 1;
	return ok;
}
