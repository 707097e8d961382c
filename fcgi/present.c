/*
 * present.c - formatting values for pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "codes.h"
#include "money.h"
#include "present.h"

static const struct {
	const char *code, *name;
} names[] = {
	{ "cvm", "云服务器" }, { "vhost", "虚拟主机" }, { "baremetal", "裸金属" },
	{ "normal", "正常" }, { "disabled", "已禁用" }, { "expired", "已过期" },
	{ "unused", "未使用" }, { "used", "已使用" },
	{ "pending", "待确认" }, { "confirmed", "已确认" },
	{ "awaiting_payment", "待支付" }, { "paid", "已支付" },
	{ "cancelled", "已取消" }, { "refunded", "已退款" }, { "active", "运行中" },
	{ "linux", "Linux" }, { "windows", "Windows" },
	{ "unactivated", "未兑换" }, { "available", "可用" }, { "frozen", "已冻结" },
	{ "invalidated", "已作废" }, { "withdrawn", "已撤回" },
};

static const char *
lookup(const char *code)
{
	size_t i;

	if (code == NULL)
		return "";
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].code, code) == 0)
			return names[i].name;
	return code;
}

const char *
product_name(const char *code)
{
	return lookup(code);
}

const char *
status_name(const char *code)
{
	return lookup(code);
}

static void
set_pair(struct view *v, const char *key, const char *human, const char *machine)
{
	size_t	 len = strlen(key);
	char	*vkey;

	view_set(v, key, arena_strdup(v->arena, human));
	if ((vkey = arena_alloc(v->arena, len + 3)) == NULL)
		return;
	memcpy(vkey, key, len);
	memcpy(vkey + len, "_v", 3);
	view_set(v, vkey, arena_strdup(v->arena, machine));
}

void
show_money(struct view *v, const char *key, long long cents)
{
	char human[MONEY_BUFSZ], machine[24];

	money_format(cents, human, sizeof(human));
	snprintf(machine, sizeof(machine), "%lld", cents);
	set_pair(v, key, human, machine);
}

void
show_time(struct view *v, const char *key, time_t t)
{
	char human[CLOCK_BUFSZ], machine[CLOCK_BUFSZ];

	if (t <= 0)
		return;
	clock_display(t, human, sizeof(human));
	clock_iso(t, machine, sizeof(machine));
	set_pair(v, key, human, machine);
}

void
show_date(struct view *v, const char *key, time_t t)
{
	char human[CLOCK_BUFSZ], machine[CLOCK_BUFSZ];

	if (t <= 0)
		return;
	clock_display_date(t, human, sizeof(human));
	clock_iso(t, machine, sizeof(machine));
	set_pair(v, key, human, machine);
}

void
show_card(struct view *v, const char *key, const char *code)
{
	char shown[CARD_LEN + 4];

	card_display(code, shown);
	set_pair(v, key, shown, code);
}

void
show_usage(struct view *u, const struct usage *row, const char *order_base)
{
	view_set_int(u, "id", row->id);
	view_set_int(u, "batch", row->batch_id);
	view_set(u, "batch_label", row->batch_label);
	show_card(u, "card", row->card_code);
	view_set_int(u, "uin", row->uin);
	view_set(u, "type", row->product);
	view_set(u, "type_text", product_name(row->product));
	view_set(u, "name", row->card_name);
	show_time(u, "time", row->time);
	view_set_int(u, "order", row->order_id);
	view_setf(u, "order_href", "%s/%lld", order_base, row->order_id);
}

char *
url_encode(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct abuf b;

	abuf_init(&b, a);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
			abuf_putc(&b, (char)c);
		else {
			abuf_putc(&b, '%');
			abuf_putc(&b, hex[c >> 4]);
			abuf_putc(&b, hex[c & 15]);
		}
	}
	return abuf_str(&b);
}

int
query_page(struct req *r)
{
	const char	*p = params_get(&r->query, "page");
	long		 n;

	if (p == NULL)
		return 1;
	n = strtol(p, NULL, 10);
	return n < 1 ? 1 : n > 1000000 ? 1000000 : (int)n;
}

/* path?<every query param but page>&page=N */
static const char *
page_link(struct req *r, const char *path, int page)
{
	struct abuf	b;
	size_t		i;

	abuf_init(&b, r->arena);
	abuf_puts(&b, path);
	abuf_putc(&b, '?');
	for (i = 0; i < r->query.n; i++) {
		if (strcmp(r->query.v[i].name, "page") == 0 ||
		    r->query.v[i].value[0] == '\0')
			continue;
		abuf_printf(&b, "%s=%s&", r->query.v[i].name,
		    url_encode(r->arena, r->query.v[i].value));
	}
	abuf_printf(&b, "page=%d", page);
	return abuf_str(&b);
}

void
show_pager(struct req *r, struct view *v, const char *path,
    const struct page_info *pg)
{
	struct view *p = view_map(v, "pager");

	view_set_int(p, "page", pg->page);
	view_set_int(p, "pages", pg->pages);
	view_set_int(p, "total", pg->total);
	if (pg->page > 1)
		view_set(p, "prev", page_link(r, path, pg->page - 1));
	if (pg->page < pg->pages)
		view_set(p, "next", page_link(r, path, pg->page + 1));
}
