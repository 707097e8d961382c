/*
 * clock.h - UTC in the database, display_tz on the page (SPEC §2).
 *
 * clock_init() sets the process's zone to display_tz once at start; the
 * conversions then use localtime_r/mktime, which read the system tzdata.
 * Times cross the database edge as typed values (db.h DB_TIME, DB_COL), so
 * nothing here parses or formats the database's text.
 */
#ifndef KQ_CLOCK_H
#define KQ_CLOCK_H

#include <stddef.h>
#include <time.h>

#define CLOCK_BUFSZ	32

int	clock_init(const char *display_tz);
/* time_t → "2026-11-22T23:16:00Z" (data-value). */
void	clock_iso(time_t, char *buf, size_t);
/* The same back to time_t; -1 when s is not one. */
time_t	clock_parse_iso(const char *s);
/* time_t → "2026-11-23 07:16" in display_tz (text). */
void	clock_display(time_t, char *buf, size_t);
/* time_t as people read it in the request's language (issue 9), in
 * display_tz: "2026-11-23 07:16" or "23 Nov 2026 07:16" (with_time 0: the
 * day).  Forms and CSV cells keep clock_display*(). */
void	clock_words(time_t, int with_time, char *buf, size_t);
/* time_t → "2026-11-23" in display_tz. */
void	clock_display_date(time_t, char *buf, size_t);
/* yyyymmdd entered as an expiry → the end of that day in display_tz. */
time_t	clock_end_of_day(long long yyyymmdd);
/* yyyymmdd entered as a start → the start of that day in display_tz. */
time_t	clock_start_of_day(long long yyyymmdd);
/* The start of t's day in display_tz. */
time_t	clock_day_start(time_t);
/* t plus n calendar months, in display_tz. */
time_t	clock_add_months(time_t, int months);
/* Milliseconds of CLOCK_MONOTONIC: for intervals and deadlines, which a
 * change of the wall clock must not move. */
long long clock_mono_ms(void);
/* The same in microseconds (a request's duration). */
long long clock_mono_us(void);

#endif
