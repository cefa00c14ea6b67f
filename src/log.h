/* log.h - the operator's log: one line per event (login, logout, refusal, state change,
 * payment, error) with its priority, the account, the client's address and the session
 * id.  To syslog (LOG_DAEMON, which journald collects) when run by systemd or with
 * `--log syslog`; to stderr in the foreground.  Lines read
 *     <message> (event=<event> account=<account> addr=<address> session=<id>)
 * on stderr prefixed by "watiqa[<pid>] <priority>: ".  Any process, any thread. */
#ifndef WQ_LOG_H
#define WQ_LOG_H

#include <stdarg.h>

#include "err.h"

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARNING, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* target: "auto", "stderr", "syslog" or "none"; level: error, warning, info, debug.
 * "auto" is syslog under systemd (INVOCATION_ID or JOURNAL_STREAM set), else stderr
 * when foreground is set, else none (the staff screen's stderr is its terminal).
 * WQ_EINVAL naming "log" or "log_level" for a value not in those lists. */
int log_init(const char *target, const char *level, int foreground, struct wq_errbuf *eb);

/* Who acts in this thread from now on (inherited by a forked child): NULL keeps a
 * field, "" clears it. */
void log_context(const char *account, const char *addr, const char *session);
/* A fresh random session id (8 hex digits) for this thread's context; returns it. */
const char *log_session_new(void);

/* Whether a line of that level would be written (to skip the work of one). */
int log_wanted(enum log_level level);
/* While on, nothing is written in this process (the demo's thousands of moves). */
void log_suspend(int on);
/* One event line, if level is within --log-level; account and addr name who it is
 * about, NULL for this thread's context (log_context). */
void log_event_for(enum log_level level, const char *event, const char *account,
		   const char *addr, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void log_vevent(enum log_level level, const char *event, const char *account,
		const char *addr, const char *fmt, va_list ap);
/* The usual case: about the context's account and address. */
#define log_event(level, event, ...) log_event_for(level, event, NULL, NULL, __VA_ARGS__)

/* Lines about writes in an open transaction wait for its end: written by log_commit(),
 * dropped by log_discard() (a rolled-back change did not happen).  Outside a
 * transaction (!in_tx), written at once. */
void log_defer(int in_tx, enum log_level level, const char *event, const char *account,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void log_commit(void);
void log_discard(void);
/* How many lines are pending; log_discard_from(n) drops those after the first n (a
 * savepoint rolled back inside a group commit). */
int log_pending(void);
void log_discard_from(int mark);

/* Closes every descriptor from `from` up but the nkeep in keep[] and the log's own (a
 * session or UI child sheds what it inherited yet keeps writing its lines where serve
 * writes them). */
void log_close_fds_from(int from, const int *keep, int nkeep);

#endif
