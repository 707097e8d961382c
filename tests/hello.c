/*
 * hello.c - the bare FastCGI baseline of make bench (SPEC §9): libfcgi,
 * four preforked processes, a fixed page of the given size, nothing else.
 *
 *   hello SOCKET BYTES
 */
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	FCGX_Request	 r;
	size_t		 size;
	char		*body;
	int		 fd, i;

	if (argc != 3)
		return 2;
	size = (size_t)atol(argv[2]);
	if ((body = malloc(size + 1)) == NULL)
		return 1;
	memset(body, 'x', size);
	FCGX_Init();
	if ((fd = FCGX_OpenSocket(argv[1], 1024)) < 0)
		return 1;
	for (i = 0; i < 3; i++)
		if (fork() == 0)
			break;
	FCGX_InitRequest(&r, fd, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_FPrintF(r.out, "Status: 200 OK\r\nContent-Type: text/html; "
		    "charset=utf-8\r\n\r\n");
		FCGX_PutStr(body, (int)size, r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}
