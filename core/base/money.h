/*
 * money.h - amounts in integer cents (分) of CNY (SPEC §2).
 */
#ifndef KQ_MONEY_H
#define KQ_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define MONEY_MAX_CENTS	(100000000LL * 100)	/* ¥100,000,000 */

/* Parses "1000", "1000.5", "1,000.50" into cents; 0 on success, -1 if
 * malformed, negative, more than two decimals or over MONEY_MAX_CENTS. */
int	money_parse(const char *, int64_t *cents);
/* Writes "¥1,000.00" into buf (at least MONEY_BUFSZ bytes). */
void	money_format(int64_t cents, char *buf, size_t bufsz);

/* Writes "-1000.00": yuan without sign or grouping, as a form takes it
 * back and a spreadsheet reads it. */
void	money_plain(int64_t cents, char *buf, size_t bufsz);

#define MONEY_BUFSZ	32

#endif
