/*
 * floor.c - the floor of make bench (SPEC §9): the least a FastCGI page
 * that reads its rows on each request can cost.  It sends the database
 * exactly what kaquan's page sends per request in the bench's steady
 * state (bench.sh reads those statements from MariaDB's general log), as
 * statements prepared once per process through the same client library,
 * reads every row they return, and writes the same bytes kaquan wrote for
 * that request (bench.sh saves them), with as many processes as kaquan
 * has workers.  No session, no template, no escaping: what is left is
 * libfcgi, the client library and the database.
 *
 *   floor FCGI-SOCKET PROCESSES DB-SOCKET DB-USER DB-PASSWORD-FILE DB-NAME \
 *       SQL-FILE PAGE-FILE
 *
 * SQL-FILE holds each statement as tests/floor_sql.py writes it: its text
 * as the worker prepared it, then a line per value bound, and an empty
 * line; PAGE-FILE the page, headers included.
 */
#include <fcgiapp.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_STMTS	8
#define MAX_PARAMS	64
#define MAX_COLS	32
#define COL_BYTES	512

struct stmt {
	MYSQL_STMT	*st;
	MYSQL_BIND	 in[MAX_PARAMS];
	long long	 ints[MAX_PARAMS];
	MYSQL_TIME	 times[MAX_PARAMS];
	unsigned long	 lens[MAX_PARAMS];
};

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static void
die(MYSQL *my, const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, mysql_error(my));
	exit(1);
}

/* one value to bind: "i N", "s TEXT", "t YYYY-MM-DD HH:MM:SS" or "n" */
static int
param(struct stmt *s, int i, char *line)
{
	MYSQL_BIND	*b = &s->in[i];
	MYSQL_TIME	*t = &s->times[i];

	memset(b, 0, sizeof(*b));
	switch (line[0]) {
	case 'i':
		s->ints[i] = atoll(line + 2);
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = &s->ints[i];
		return 0;
	case 's':
		s->lens[i] = strlen(line + 2);
		b->buffer_type = MYSQL_TYPE_STRING;
		b->buffer = line + 2;
		b->buffer_length = s->lens[i];
		b->length = &s->lens[i];
		return 0;
	case 't':
		memset(t, 0, sizeof(*t));
		if (sscanf(line + 2, "%u-%u-%u %u:%u:%u", &t->year, &t->month,
		    &t->day, &t->hour, &t->minute, &t->second) != 6)
			return -1;
		t->time_type = MYSQL_TIMESTAMP_DATETIME;
		b->buffer_type = MYSQL_TYPE_DATETIME;
		b->buffer = t;
		return 0;
	case 'n':
		b->buffer_type = MYSQL_TYPE_NULL;
		return 0;
	}
	return -1;
}

/* every row of one prepared statement, each column read as text */
static long
run(MYSQL_STMT *st)
{
	static char	 cols[MAX_COLS][COL_BYTES];
	MYSQL_BIND	 out[MAX_COLS];
	unsigned long	 lens[MAX_COLS];
	MYSQL_RES	*meta;
	unsigned int	 i, n;
	long		 rows = 0;
	int		 rc;

	if (mysql_stmt_execute(st) != 0)
		return -1;
	if ((meta = mysql_stmt_result_metadata(st)) == NULL)
		return 0;
	n = mysql_num_fields(meta);
	mysql_free_result(meta);
	if (n > MAX_COLS)
		return -1;
	memset(out, 0, sizeof(out));
	for (i = 0; i < n; i++) {
		out[i].buffer_type = MYSQL_TYPE_STRING;
		out[i].buffer = cols[i];
		out[i].buffer_length = COL_BYTES;
		out[i].length = &lens[i];
	}
	if (mysql_stmt_bind_result(st, out) != 0)
		return -1;
	while ((rc = mysql_stmt_fetch(st)) == 0 || rc == MYSQL_DATA_TRUNCATED)
		rows++;
	mysql_stmt_free_result(st);
	return rc == MYSQL_NO_DATA ? rows : -1;
}

int
main(int argc, char *argv[])
{
	static struct stmt st[MAX_STMTS];
	FCGX_Request	 r;
	MYSQL		*my;
	size_t		 page_len, sql_len;
	char		*page, *sql, *password, *line, *next;
	int		 fd, i, procs, nst = 0, np = 0, ok;

	if (argc != 9) {
		fprintf(stderr, "usage: floor FCGI-SOCKET PROCESSES DB-SOCKET "
		    "DB-USER DB-PASSWORD-FILE DB-NAME SQL-FILE PAGE-FILE\n");
		return 2;
	}
	procs = atoi(argv[2]);
	password = slurp(argv[5], &sql_len);
	password[strcspn(password, "\r\n")] = '\0';
	sql = slurp(argv[7], &sql_len);
	page = slurp(argv[8], &page_len);
	FCGX_Init();
	if ((fd = FCGX_OpenSocket(argv[1], 1024)) < 0)
		return 1;
	for (i = 1; i < procs; i++)
		if (fork() == 0)
			break;

	if ((my = mysql_init(NULL)) == NULL ||
	    mysql_real_connect(my, NULL, argv[4], password, argv[6], 0,
	    argv[3], 0) == NULL)
		die(my, "connect");
	/* a statement's text, its values, an empty line */
	for (line = sql; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '\0') {
			if (nst == 0 || np != (int)mysql_stmt_param_count(st[nst - 1].st) ||
			    (np > 0 && mysql_stmt_bind_param(st[nst - 1].st,
			    st[nst - 1].in) != 0))
				die(my, "bind");
			np = -1;
		} else if (np < 0 || nst == 0) {
			if (nst == MAX_STMTS)
				return 1;
			if ((st[nst].st = mysql_stmt_init(my)) == NULL ||
			    mysql_stmt_prepare(st[nst].st, line, strlen(line)) != 0)
				die(my, "prepare");
			nst++;
			np = 0;
		} else if (np == MAX_PARAMS || param(&st[nst - 1], np++, line) != 0)
			die(my, "value");
	}

	for (i = 0; i < nst; i++)	/* for bench.sh: the rows it reads */
		fprintf(stderr, "floor: %d: statement %d returns %ld rows\n",
		    (int)getpid(), i + 1, run(st[i].st));

	FCGX_InitRequest(&r, fd, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		for (ok = 1, i = 0; i < nst; i++)
			if (run(st[i].st) < 0)
				ok = 0;
		if (ok)
			FCGX_PutStr(page, (int)page_len, r.out);
		else
			FCGX_FPrintF(r.out, "Status: 500 Internal Server Error"
			    "\r\n\r\n%s\n", mysql_stmt_error(st[0].st));
		FCGX_Finish_r(&r);
	}
	return 0;
}
