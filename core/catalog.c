/*
 * catalog.c - products (kept per process) and lines (read per request).
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "base/i18n.h"

static const struct db_col product_cols[] = {
	DB_COL(struct product, code, "code"),
	DB_COL(struct product, name, "name"),
	DB_COL(struct product, general, "general"),
	DB_COL(struct product, has_duration, "has_duration"),
	DB_END
};
static struct db_sel SQL_PRODUCTS = DB_SEL(
    "SELECT {cols} FROM products ORDER BY sort", DB_WHOLE(product_cols));

static const struct db_col line_cols[] = {
	DB_COL(struct line, code, "code"),
	DB_COL(struct line, name, "name"),
	DB_COL(struct line, windows_surcharge, "windows_surcharge"),
	DB_END
};
static struct db_sel SQL_LINES = DB_SEL(
    "SELECT {cols} FROM server_lines ORDER BY sort", DB_WHOLE(line_cols));

static struct product	*kept;
static size_t		 nkept;

void
catalog_free(void)
{
	size_t i;

	for (i = 0; i < nkept; i++) {
		free((char *)kept[i].code);
		free((char *)kept[i].name);
	}
	free(kept);
	kept = NULL;
	nkept = 0;
}

enum kq_outcome
catalog_products(struct db *db, const struct product **out, size_t *n)
{
	struct product	*rows;
	struct arena	 a;
	enum kq_outcome	 s;
	size_t		 i, nrows;

	if (kept == NULL) {
		arena_init(&a, 4096, 0);
		s = db_select(db, &a, &SQL_PRODUCTS, NULL, 0, sizeof(*rows), &rows,
		    &nrows);
		if (s == KQ_OK && (kept = calloc(nrows + 1, sizeof(*kept))) == NULL)
			s = KQ_UNAVAILABLE;
		for (i = 0; s == KQ_OK && i < nrows; i++) {
			kept[i] = rows[i];
			kept[i].code = strdup(rows[i].code);
			kept[i].name = strdup(rows[i].name);
			nkept = i + 1;
			if (kept[i].code == NULL || kept[i].name == NULL)
				s = KQ_UNAVAILABLE;
		}
		arena_free(&a);
		if (s != KQ_OK) {
			catalog_free();
			return s;
		}
	}
	*out = kept;
	*n = nkept;
	return KQ_OK;
}

static const struct product *
find(const char *code, size_t len)
{
	size_t i;

	for (i = 0; i < nkept; i++)
		if (strncmp(kept[i].code, code, len) == 0 && kept[i].code[len] == '\0')
			return &kept[i];
	return NULL;
}

int
catalog_has_all(struct db *db, const char *codes)
{
	const struct product	*p;
	size_t			 n, len;

	if (catalog_products(db, &p, &n) != KQ_OK)
		return -1;
	for (; *codes != '\0'; codes += len + (codes[len] == ',')) {
		len = strcspn(codes, ",");
		if (find(codes, len) == NULL)
			return 0;
	}
	return 1;
}

enum kq_outcome
catalog_name_rows(struct db *db, struct arena *a, void *rows, size_t n,
    size_t size, size_t codes_off, size_t names_off)
{
	const struct product	*p;
	char			*row = rows;
	size_t			 np, i;
	enum kq_outcome		 s;

	if (n > 0 && (s = catalog_products(db, &p, &np)) != KQ_OK)
		return s;
	for (i = 0; i < n; i++, row += size) {
		const char *names = catalog_names(a,
		    *(const char **)(void *)(row + codes_off));

		if (names == NULL)
			return KQ_UNAVAILABLE;
		memcpy(row + names_off, &names, sizeof(names));
	}
	return KQ_OK;
}

const char *
catalog_names(struct arena *a, const char *codes)
{
	const struct product	*p;
	struct abuf		 b;
	size_t			 len;

	abuf_init(&b, a);
	for (; codes != NULL && *codes != '\0'; codes += len + (codes[len] == ',')) {
		len = strcspn(codes, ",");
		if (b.len > 0)
			abuf_puts(&b, L("、"));
		if ((p = find(codes, len)) != NULL)
			abuf_puts(&b, L(p->name));
		else
			abuf_add(&b, codes, len);
	}
	return abuf_str(&b);
}

enum kq_outcome
catalog_lines(struct db *db, struct arena *a, struct line **out, size_t *n)
{
	return db_select(db, a, &SQL_LINES, NULL, 0, sizeof(**out), out, n);
}
