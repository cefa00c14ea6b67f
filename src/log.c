/* log.c - the operator's log of log.h.  The target and level are chosen once by the
 * CLI before any fork; the listener, session and UI processes inherit them, and each
 * thread carries who it acts for (account, address, session id) in thread-local
 * storage, so that a line needs only its event and message.  In the foreground the
 * lines go to a private copy of stderr (one write() each, so processes sharing the file
 * do not interleave), which a UI child keeps although its own stderr is the terminal.
 * Lines about a transaction's writes wait for its commit. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define LOG_LINE_BYTES 600
#define LOG_DEFER_MAX 16 /* per transaction; past it, one line says how many more */

enum log_target { LOG_TO_NONE, LOG_TO_STDERR, LOG_TO_SYSLOG };

static enum log_target log_target;
static enum log_level log_level = LOG_LEVEL_INFO;
static int log_fd = -1;

static const struct {
	const char *name;
	int syslog_prio;
} levels[] = {
	[LOG_LEVEL_ERROR] = {"error", LOG_ERR},
	[LOG_LEVEL_WARNING] = {"warning", LOG_WARNING},
	[LOG_LEVEL_INFO] = {"info", LOG_INFO},
	[LOG_LEVEL_DEBUG] = {"debug", LOG_DEBUG},
};

static __thread struct {
	char account[40], addr[64], session[12];
	char pending[LOG_DEFER_MAX][LOG_LINE_BYTES];
	enum log_level pending_level[LOG_DEFER_MAX];
	int npending, dropped;
} ctx;

int log_init(const char *target, const char *level, int foreground, struct wq_errbuf *eb)
{
	int lv = -1;
	for (int i = 0; i < (int)(sizeof levels / sizeof levels[0]); i++)
		if (!strcmp(level, levels[i].name))
			lv = i;
	if (lv < 0)
		return wq_fail(eb, WQ_EINVAL, "log_level",
			       "log_level: expected error, warning, info or debug, got '%s'", level);
	int systemd = getenv("INVOCATION_ID") || getenv("JOURNAL_STREAM");
	enum log_target t;
	if (!strcmp(target, "auto"))
		t = systemd ? LOG_TO_SYSLOG : foreground ? LOG_TO_STDERR : LOG_TO_NONE;
	else if (!strcmp(target, "stderr"))
		t = LOG_TO_STDERR;
	else if (!strcmp(target, "syslog"))
		t = LOG_TO_SYSLOG;
	else if (!strcmp(target, "none"))
		t = LOG_TO_NONE;
	else
		return wq_fail(eb, WQ_EINVAL, "log",
			       "log: expected auto, stderr, syslog or none, got '%s'", target);
	log_level = (enum log_level)lv;
	log_target = t;
	if (t == LOG_TO_STDERR && log_fd < 0)
		log_fd = fcntl(2, F_DUPFD_CLOEXEC, 3);
	if (t == LOG_TO_SYSLOG)
		openlog("watiqa", LOG_PID, LOG_DAEMON);
	return WQ_OK;
}

static void set_field(char *dst, size_t len, const char *v)
{
	if (v)
		wq_strlcpy(dst, v, len);
}

void log_context(const char *account, const char *addr, const char *session)
{
	set_field(ctx.account, sizeof ctx.account, account);
	set_field(ctx.addr, sizeof ctx.addr, addr);
	set_field(ctx.session, sizeof ctx.session, session);
}

const char *log_session_new(void)
{
	unsigned char r[4] = {0};
	wq_random_bytes(r, sizeof r);
	snprintf(ctx.session, sizeof ctx.session, "%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
	return ctx.session;
}

/* "<message> (event=... account=... addr=... session=...)"; control characters in what
 * a client chose (a user name, a note) become '?' so that one event stays one line. */
static void format_line(char *line, size_t len, const char *event, const char *account,
			const char *addr, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_BYTES - 160];
	vsnprintf(msg, sizeof msg, fmt, ap);
	snprintf(line, len, "%s (event=%s account=%s addr=%s session=%s)", msg, event,
		 account && account[0] ? account : "-", addr && addr[0] ? addr : "-",
		 ctx.session[0] ? ctx.session : "-");
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static void emit(enum log_level level, const char *line)
{
	if (log_target == LOG_TO_SYSLOG) {
		syslog(levels[level].syslog_prio, "%s", line);
	} else if (log_target == LOG_TO_STDERR && log_fd >= 0) {
		char out[LOG_LINE_BYTES + 48];
		int n = snprintf(out, sizeof out, "watiqa[%d] %s: %s\n", (int)getpid(),
				 levels[level].name, line);
		if (n >= (int)sizeof out)
			n = (int)sizeof out - 1, out[n - 1] = '\n';
		while (write(log_fd, out, (size_t)n) < 0 && errno == EINTR)
			;
	}
}

static int log_suspended;

void log_suspend(int on)
{
	log_suspended = on;
}

int log_wanted(enum log_level level)
{
	return log_target != LOG_TO_NONE && !log_suspended && level <= log_level;
}

void log_vevent(enum log_level level, const char *event, const char *account,
		const char *addr, const char *fmt, va_list ap)
{
	char line[LOG_LINE_BYTES];
	if (!log_wanted(level))
		return;
	format_line(line, sizeof line, event, account ? account : ctx.account,
		    addr ? addr : ctx.addr, fmt, ap);
	emit(level, line);
}

void log_event_for(enum log_level level, const char *event, const char *account,
		   const char *addr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vevent(level, event, account, addr, fmt, ap);
	va_end(ap);
}

void log_defer(int in_tx, enum log_level level, const char *event, const char *account,
	       const char *fmt, ...)
{
	char line[LOG_LINE_BYTES];
	va_list ap;
	if (!log_wanted(level))
		return;
	va_start(ap, fmt);
	format_line(line, sizeof line, event, account, ctx.addr, fmt, ap);
	va_end(ap);
	if (!in_tx) {
		emit(level, line);
	} else if (ctx.npending < LOG_DEFER_MAX) {
		memcpy(ctx.pending[ctx.npending], line, sizeof line);
		ctx.pending_level[ctx.npending++] = level;
	} else {
		ctx.dropped++;
	}
}

void log_commit(void)
{
	for (int i = 0; i < ctx.npending; i++)
		emit(ctx.pending_level[i], ctx.pending[i]);
	if (ctx.dropped)
		log_event(LOG_LEVEL_INFO, "state", "and %d more changes in the same transaction",
			  ctx.dropped);
	log_discard();
}

int log_pending(void)
{
	return ctx.npending;
}

void log_discard_from(int mark)
{
	if (mark >= 0 && mark < ctx.npending)
		ctx.npending = mark;
}

void log_discard(void)
{
	ctx.npending = 0;
	ctx.dropped = 0;
}

void log_close_fds_from(int from, const int *keep, int nkeep)
{
	int kept[8], n = 0;
	for (int i = 0; i < nkeep && n < 7; i++)
		if (keep[i] >= from)
			kept[n++] = keep[i];
	if (log_target == LOG_TO_STDERR && log_fd >= from)
		kept[n++] = log_fd;
	for (int i = 1; i < n; i++) /* a handful: insertion sort */
		for (int j = i; j > 0 && kept[j - 1] > kept[j]; j--) {
			int t = kept[j];
			kept[j] = kept[j - 1], kept[j - 1] = t;
		}
	/* syslog's socket is closed by its owner first: glibc would otherwise close
	 * whatever later took its number when it finds it broken */
	if (log_target == LOG_TO_SYSLOG)
		closelog();
	int lo = from;
	for (int i = 0; i < n; i++) {
		if (kept[i] > lo)
			close_range((unsigned)lo, (unsigned)kept[i] - 1, 0);
		if (kept[i] + 1 > lo)
			lo = kept[i] + 1;
	}
	close_range((unsigned)lo, ~0U, 0);
	if (log_target == LOG_TO_SYSLOG)
		openlog("watiqa", LOG_PID, LOG_DAEMON);
}
