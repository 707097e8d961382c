/*
 * router.h - a table's {method, path} rows, the row a request names.
 *
 * One pattern syntax for every table, the documented one:
 * "/admin/orders/{id}/refund", where {id} is a number of 1 to 18 digits
 * (the request's id) and every other character stands for itself, matched
 * by a walk of the two strings (a brace that is not {id} is refused when
 * the router is made).  A table
 * is an array of its own rows; the router reads each row's method and path
 * members (ROUTER_NEW), so a table holds only its rows.
 */
#ifndef KQ_ROUTER_H
#define KQ_ROUTER_H

#include <stddef.h>

#include "base/outcome.h"

struct router;

/* The router of n rows of stride bytes from rows, whose method and path
 * (const char *) are at those offsets; NULL with why in err. */
struct router	*router_new(const void *rows, size_t n, size_t stride,
		    size_t method_off, size_t path_off, char *err, size_t errsz);
#define ROUTER_NEW(rows, type, err, errsz) \
	router_new((rows), sizeof(rows) / sizeof((rows)[0]), sizeof(type), \
	    offsetof(type, method), offsetof(type, path), (err), (errsz))
void		 router_free(struct router *);
/* The first row whose pattern matches path and whose method is method:
 * KQ_OK with its index and the {id} (0 without one); KQ_METHOD when the
 * path matches only rows of other methods; KQ_NOT_FOUND. */
enum kq_outcome	 router_find(struct router *, const char *method,
		    const char *path, size_t *index, long long *id);

#endif
