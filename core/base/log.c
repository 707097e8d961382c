/*
 * log.c - the log line prefix.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"

static char	request_id[64];

int
log_open(const char *path)
{
	int fd;

	if (path == NULL || *path == '\0')
		return 0;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) < 0)
		return -1;
	fflush(stderr);
	if (fd != STDERR_FILENO) {
		if (dup2(fd, STDERR_FILENO) < 0) {
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

void
log_request(const char *id)
{
	if (id == NULL)
		request_id[0] = '\0';
	else
		snprintf(request_id, sizeof(request_id), "%s", id);
}

const char *
log_request_id(void)
{
	return request_id;
}

void
kq_vlog(FILE *out, const char *fmt, va_list ap)
{
	char		 line[2048], stamp[32];
	struct tm	 tm;
	time_t		 now = time(NULL);
	int		 n;

	if (out == NULL)
		return;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = snprintf(line, sizeof(line), "%s kaquan[%d]%s%s: ", stamp,
	    (int)getpid(), request_id[0] ? " req=" : "", request_id);
	if (n > 0 && (size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	/* one write per line: lines of several workers do not interleave */
	fprintf(out, "%s\n", line);
	fflush(out);
}

void
kq_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kq_vlog(stderr, fmt, ap);
	va_end(ap);
}
