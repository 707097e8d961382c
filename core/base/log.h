/*
 * log.h - one line per event on stderr (the master's log, or journald):
 *
 *   2026-11-23T13:57:22Z kaquan[4711] req=5f0c2e91a7b34d10: db: ... (2013)
 *
 * a UTC timestamp, the process, and the request being served (nginx's
 * $request_id when the site passes it as REQUEST_ID, else pid-sequence),
 * so a line can be found again from an nginx log line or a user's report.
 */
#ifndef KQ_LOG_H
#define KQ_LOG_H

#include <stdarg.h>
#include <stdio.h>

/* Sends stderr, and so every line, to path (appended; made 0640), or
 * leaves it where it is for NULL or "".  Called again (SIGUSR1, after
 * logrotate moved the file) it starts the file anew.  0, or -1 with errno
 * (stderr unchanged). */
int	log_open(const char *path);
/* The request now served (NULL between requests); copied. */
void	log_request(const char *id);
const char *log_request_id(void);
void	kq_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same to another stream (tests, kaquanctl's NULL: nothing). */
void	kq_vlog(FILE *, const char *fmt, va_list);

#endif
