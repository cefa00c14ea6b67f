/* escalate.h - deadlines that escalate by themselves.  Each office stage has a deadline
 * in working days (Saturday, Sunday and the national holidays of etc/holidays.conf are
 * not); a request past it is flagged on the agent's queue (level 1), raised to the
 * supervisor's board when late by more (2), then to the province inspector (3), as is
 * any request past the delivery window announced to the citizen.  For a paid request
 * past that window and not delivered, the sweep opens one complaint on the citizen's
 * behalf.  The arithmetic is pure (no clock, no files, no SQL: unit-tested); the lists
 * and the sweep are in src/db_escalate.c, filtered by the actor's scope in SQL. */
#ifndef WQ_ESCALATE_H
#define WQ_ESCALATE_H

#include <stddef.h>
#include <stdint.h>

#include "actor.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "lifecycle.h"
#include "limits.h"

#define ESCALATE_MAX_HOLIDAYS	 128
#define ESCALATE_SWEEP_SECONDS	 60  /* the notify thread runs the sweep this often */
#define ESCALATE_SWEEP_BATCH	 200 /* complaints opened per sweep at most */
#define ESCALATE_LIST_LIMIT	 2000
/* Working days are counted on Morocco's calendar day (local_day.h, Ramadan's UTC+0
 * included). */

enum escalate_level {
	ESC_ON_TIME = 0,
	ESC_LATE,	/* past the stage deadline: the agent's queue */
	ESC_SUPERVISOR, /* late by more: the supervisor's board */
	ESC_INSPECTOR,	/* late by more still, or the citizen's window missed: inspector */
};

struct escalate_rules {
	int stage_days[RS_COUNT]; /* working days allowed in an office stage; 0: none */
	int window_days;	  /* paid -> delivered, announced to the citizen; 0: none */
	int supervisor_days;	  /* past a stage deadline: level 2 */
	int inspector_days;	  /* past a stage deadline: level 3 */
	int complaint_days;	  /* an unanswered complaint goes national after these */
	int national_days;	  /* an ESC request goes national after these more */
	int32_t holidays[ESCALATE_MAX_HOLIDAYS]; /* local day numbers, sorted */
	int nholidays;
};

/* The rules of cfg, without holidays. */
void escalate_rules_from_config(struct escalate_rules *r, const struct config *cfg);
/* The rules of cfg and the holidays of cfg->holidays_file (a missing file: none). */
int escalate_rules_load(struct escalate_rules *r, const struct config *cfg,
			struct wq_errbuf *eb);
/* Adds "YYYY-MM-DD" as a holiday; WQ_EINVAL if it is no date or the list is full. */
int escalate_add_holiday(struct escalate_rules *r, const char *ymd);

/* Local day number of t, days since 1970-01-01 (local_day()). */
int64_t escalate_day(int64_t t);
/* The calendar bound of a sweep: only a clock started before it (paid_at < bound) can
 * have run `days` working days by now; one hour wider than days * 86400 s, for the
 * 23-hour day that ends Ramadan. */
int64_t escalate_bound(int64_t now, int days);
/* 1 if the local day of t is a working day. */
int escalate_is_working_day(const struct escalate_rules *r, int64_t t);
/* The instant `days` working days after t: a clock started on a day off starts at the
 * next working day's midnight; each working day counts whole, at the same local time. */
int64_t escalate_deadline(const struct escalate_rules *r, int64_t t, int days);
/* The level of a request in `state`, paid at paid_at, in its stage since stage_at. */
enum escalate_level escalate_level(const struct escalate_rules *r, enum req_state state,
				   int64_t paid_at, int64_t stage_at, int64_t now);
/* 1 when a paid request not yet delivered (nor closed) is past the announced window. */
int escalate_window_missed(const struct escalate_rules *r, enum req_state state,
			   int64_t paid_at, int64_t now);
/* 1 when an open request has been at the province inspector's level (ESC) for
 * national_days more working days: the national inspection's by itself. */
int escalate_national_due(const struct escalate_rules *r, enum req_state state,
			  int64_t paid_at, int64_t stage_at, int64_t now);
/* "", "LATE", "LATE+", "ESC": what a screen's Late column shows. */
const char *escalate_label(enum escalate_level level);
/* The complaint opened on the citizen's behalf, in the citizen's language ("ar"/"fr"). */
void escalate_complaint_body(const char *lang, const char *tracking, int64_t paid_at,
			     int window_days, char *buf, size_t len);

/* An open request as the escalation lists show it. */
struct escalation {
	int64_t id;
	char tracking[TRACKING_BYTES];
	enum req_state state;
	char office_code[16];
	char agent[USERNAME_MAX_BYTES];
	char citizen[2 * NAME_MAX_BYTES + 2]; /* "Last First" (Latin) */
	char lang[3];
	int64_t paid_at, stage_at;
	int64_t complaint_id; /* the complaint the sweep opened, 0 if none */
	enum escalate_level level;
};

/* Open requests (paid .. with_post) in the actor's scope at min_level or above as of
 * now, most late first (level, then oldest payment); *out malloc'd. */
int escalate_list(struct db *db, const struct actor *a, const struct escalate_rules *r,
		  int64_t now, enum escalate_level min_level, struct escalation **out, int *n,
		  struct wq_errbuf *eb);
/* The system's sweep: for each paid request past the window and not delivered, one
 * complaint on the citizen's behalf (never two for one request: the request is
 * recorded with it in escalation_complaints), audited as complaint.auto_open; at most
 * ESCALATE_SWEEP_BATCH a call, *more set when some may be left. */
int escalate_sweep(struct db *db, const struct escalate_rules *r, int64_t now, int *opened,
		   int *more, struct wq_errbuf *eb);

#endif
