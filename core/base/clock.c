/*
 * clock.c - time conversions between the database (UTC) and people.
 */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/i18n.h"

/* localtime_r, remembered for the last few times: a page's rows mostly
 * share their dates (an issue's vouchers end together); clock_init()
 * forgets them */
static struct {
	int		 ok;
	time_t		 t;
	struct tm	 tm;
} seen[8];

int
clock_init(const char *tz)
{
	if (tz == NULL || *tz == '\0')
		tz = "Asia/Shanghai";
	if (setenv("TZ", tz, 1) != 0)
		return -1;
	tzset();
	memset(seen, 0, sizeof(seen));
	return 0;
}

/*
 * The formats are written digit by digit: a page shows two dates a row,
 * and strftime() (locale, format parsing) was a tenth of My Vouchers'
 * time.  Each writes at most CLOCK_BUFSZ bytes, or an empty string into a
 * smaller buf.
 */
static char *
put_num(char *p, int v, int width)
{
	int i;

	if (v < 0)
		v = 0;
	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* "07:16" */
static char *
put_hm(char *p, const struct tm *tm)
{
	p = put_num(p, tm->tm_hour, 2);
	*p++ = ':';
	return put_num(p, tm->tm_min, 2);
}

/* "2026-11-23", then " 07:16" with_time */
static char *
put_ymd(char *p, const struct tm *tm, int with_time)
{
	p = put_num(p, tm->tm_year + 1900, 4);
	*p++ = '-';
	p = put_num(p, tm->tm_mon + 1, 2);
	*p++ = '-';
	p = put_num(p, tm->tm_mday, 2);
	if (with_time) {
		*p++ = ' ';
		p = put_hm(p, tm);
	}
	return p;
}

void
clock_iso(time_t t, char *buf, size_t n)
{
	struct tm	 tm;
	char		*p = buf;

	if (n < CLOCK_BUFSZ) {
		if (n > 0)
			*buf = '\0';
		return;
	}
	gmtime_r(&t, &tm);
	p = put_ymd(p, &tm, 0);
	*p++ = 'T';
	p = put_hm(p, &tm);
	*p++ = ':';
	p = put_num(p, tm.tm_sec, 2);
	*p++ = 'Z';
	*p = '\0';
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

static void
local_tm(time_t t, struct tm *out)
{
	size_t i = (size_t)(t ^ (t >> 7)) & 7;

	if (!seen[i].ok || seen[i].t != t) {
		localtime_r(&t, &seen[i].tm);
		seen[i].t = t;
		seen[i].ok = 1;
	}
	*out = seen[i].tm;
}

/* t in display_tz into buf: put_ymd's, or "23 Nov 2026[ 07:16]" */
static void
local_text(time_t t, int with_time, int words, char *buf, size_t n)
{
	/* the C locale's month names, as strftime's %b wrote them */
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;
	char		*p = buf;

	if (n < CLOCK_BUFSZ) {
		if (n > 0)
			*buf = '\0';
		return;
	}
	local_tm(t, &tm);
	if (words) {
		p = put_num(p, tm.tm_mday, 2);
		*p++ = ' ';
		memcpy(p, months[tm.tm_mon], 3);
		p += 3;
		*p++ = ' ';
		p = put_num(p, tm.tm_year + 1900, 4);
		if (with_time) {
			*p++ = ' ';
			p = put_hm(p, &tm);
		}
	} else
		p = put_ymd(p, &tm, with_time);
	*p = '\0';
}

void
clock_display(time_t t, char *buf, size_t n)
{
	local_text(t, 1, 0, buf, n);
}

void
clock_words(time_t t, int with_time, char *buf, size_t n)
{
	local_text(t, with_time, i18n_current() == LANG_EN, buf, n);
}

void
clock_display_date(time_t t, char *buf, size_t n)
{
	local_text(t, 0, 0, buf, n);
}

time_t
clock_start_of_day(long long ymd)
{
	return clock_end_of_day(ymd) - 86399;
}

time_t
clock_day_start(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
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
