/*
 * catalog.h - the product catalog (SPEC §3) and the server lines (seed 004).
 *
 * Both are data that only migrations change.  The products are read once
 * per process and kept (a voucher list names the products of every row, and
 * a template's products are checked against them), so pages do not join
 * the catalog per row; a worker started after a migration sees the new
 * catalog (SIGHUP starts new workers).
 */
#ifndef KQ_CATALOG_H
#define KQ_CATALOG_H

#include <stddef.h>

#include "base/arena.h"
#include "db/db.h"

struct product {
	const char	*code, *name;
	int		 general;	/* covered by 通用 vouchers */
	int		 has_duration;	/* sold by months */
};

struct line {
	const char	*code, *name;
	long long	 windows_surcharge;	/* cents per month */
};

/* The products in display order; loaded on first use. */
enum kq_outcome	 catalog_products(struct db *, const struct product **, size_t *);
/* Whether every code of a comma list is a product; -1 when the catalog
 * cannot be read. */
int		 catalog_has_all(struct db *, const char *codes);
/* The names of a comma list of codes, joined with "、" (the codes where
 * the catalog is not loaded). */
const char	*catalog_names(struct arena *, const char *codes);
/* Sets the names member of n rows from their codes member (comma lists of
 * products): CATALOG_NAME_ROWS(db, a, rows, n, products, product_names). */
enum kq_outcome	 catalog_name_rows(struct db *, struct arena *, void *rows,
		    size_t n, size_t size, size_t codes_off, size_t names_off);
#define CATALOG_NAME_ROWS(db, a, rows, n, codes, names) \
	catalog_name_rows((db), (a), (rows), (n), sizeof(*(rows)), \
	offsetof(__typeof__(*(rows)), codes), offsetof(__typeof__(*(rows)), names))
enum kq_outcome	 catalog_lines(struct db *, struct arena *, struct line **, size_t *);
/* Frees the kept catalog (at exit). */
void		 catalog_free(void);

#endif
