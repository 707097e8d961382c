/*
 * clock.c - time conversions between the database (UTC) and people.
 */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/i18n.h"

int
clock_init(const char *tz)
{
	if (tz == NULL || *tz == '\0')
		tz = "Asia/Shanghai";
	if (setenv("TZ", tz, 1) != 0)
		return -1;
	tzset();
	return 0;
}

void
clock_iso(time_t t, char *buf, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

time_t
clock_parse_iso(const char *s)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL || *end != '\0')
		return -1;
	return timegm(&tm);
}

void
clock_display(time_t t, char *buf, size_t n)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
}

void
clock_words(time_t t, int with_time, char *buf, size_t n)
{
	struct tm tm;

	localtime_r(&t, &tm);
	/* the C locale's month names: the workers never call setlocale() */
	if (i18n_current() == LANG_EN)
		strftime(buf, n, with_time ? "%d %b %Y %H:%M" : "%d %b %Y", &tm);
	else
		strftime(buf, n, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d", &tm);
}

void
clock_display_date(time_t t, char *buf, size_t n)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d", &tm);
}

time_t
clock_end_of_day(long long ymd)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(ymd / 10000) - 1900;
	tm.tm_mon = (int)(ymd / 100 % 100) - 1;
	tm.tm_mday = (int)(ymd % 100);
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

time_t
clock_add_months(time_t t, int months)
{
	struct tm	tm;
	int		mday;

	localtime_r(&t, &tm);
	mday = tm.tm_mday;
	tm.tm_mon += months;
	tm.tm_isdst = -1;
	tm.tm_mday = 1;
	t = mktime(&tm);	/* normalises month and year */
	localtime_r(&t, &tm);
	/* Jan 31 + 1 month is the last day of February, not March 3 */
	{
		static const int mdays[] = {31,28,31,30,31,30,31,31,30,31,30,31};
		int y = tm.tm_year + 1900, last = mdays[tm.tm_mon];
		if (tm.tm_mon == 1 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
			last = 29;
		tm.tm_mday = mday < last ? mday : last;
	}
	tm.tm_isdst = -1;
	return mktime(&tm);
}

long long
clock_mono_ms(void)
{
	return clock_mono_us() / 1000;
}

long long
clock_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
