/* local_day.h - Morocco's calendar day of an instant, and the instant a day begins, by
 * the time zone database (Africa/Casablanca: UTC+1, UTC+0 during Ramadan), for every
 * count kept or shown per day.  Any process, any thread. */
#ifndef WQ_LOCAL_DAY_H
#define WQ_LOCAL_DAY_H

#include <stdint.h>

/* Morocco's offset from UTC at t, in seconds (3600 or 0). */
int local_day_offset(int64_t t);
/* The local date of t as days since 1970-01-01 (as a UTC date counts them): the day
 * numbers that verify_daily and the dashboard's series hold. */
int64_t local_day(int64_t t);
/* The instant (UTC seconds) of local midnight that starts day `day`. */
int64_t local_day_start(int64_t day);

#endif
