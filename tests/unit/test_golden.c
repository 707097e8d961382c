/* test_golden.c - golden pages (sblg's regress): each tests/golden/NAME.view
 * (a view, one "path value" a line, after a first line "page PAGE"; "[]" is
 * an empty list, numbers in a path index a list) is
 * rendered strictly with templates/ and must equal tests/golden/NAME.html.
 * KAQUAN_GOLDEN_UPDATE=1 (make golden) writes the .html files instead;
 * git diff then shows what a template change did to the pages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "web/tmpl.h"

#define GOLDEN	"tests/golden"

static struct arena	 a;
static struct tmpl_set	*set;

/* Sets "a.b.0.c" = value: a number indexes the list before it (its item
 * made when missing), the other segments are maps; "[]" is an empty list. */
static void
set_path(struct view *root, char *path, const char *value)
{
	const struct vnode	*n;
	struct view		*v = root;
	struct vlist		*l = NULL;	/* set: the segment indexes it */
	char			*seg, *next, *key, *save = NULL;
	size_t			 i;

	for (seg = strtok_r(path, ".", &save); seg != NULL; seg = next) {
		next = strtok_r(NULL, ".", &save);
		if (l != NULL) {
			if (next == NULL)
				fail_msg("%s: a list item needs a key", path);
			for (i = strtoul(seg, NULL, 10); l->n <= i; )
				assert_non_null(vlist_add(l));
			v = l->items[i];
			l = NULL;
			continue;
		}
		key = arena_strdup(&a, seg);
		if (next == NULL) {
			if (strcmp(value, "[]") == 0)
				view_list(v, key);
			else
				view_set(v, key, arena_strdup(&a, value));
			return;
		}
		n = view_find(v, key, strlen(key));
		if (next[0] >= '0' && next[0] <= '9')
			l = n != NULL && n->type == V_LIST ? n->u.l : view_list(v, key);
		else
			v = n != NULL && n->type == V_MAP ? n->u.m : view_map(v, key);
	}
}

static int
collect(void *ctx, const char *s, size_t n)
{
	abuf_add(ctx, s, n);
	return 0;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "r");
	char	*s;
	long	 n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = arena_alloc(&a, (size_t)n + 1);
	*len = fread(s, 1, (size_t)n, f);
	s[*len] = '\0';
	fclose(f);
	return s;
}

static void
one(const char *name)
{
	char		 path[512], line[4096], page[128], err[512], *sp, *want;
	const struct tmpl *t;
	struct view	*v = view_new(&a);
	struct abuf	 out;
	size_t		 wlen;
	FILE		*f;

	snprintf(path, sizeof(path), GOLDEN "/%s.view", name);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(sscanf(line, "page %127s", page), 1);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((sp = strchr(line, ' ')) == NULL)
			fail_msg("%s: \"%s\" has no value", path, line);
		*sp = '\0';
		set_path(v, line, sp + 1);
	}
	fclose(f);
	if ((t = tmpl_get(set, page)) == NULL)
		fail_msg("%s: no page %s", path, page);
	abuf_init(&out, &a);
	if (tmpl_render_strict(t, v, collect, &out, err, sizeof(err)) < 0)
		fail_msg("%s: %s", path, err);
	snprintf(path, sizeof(path), GOLDEN "/%s.html", name);
	if (getenv("KAQUAN_GOLDEN_UPDATE") != NULL) {
		assert_non_null(f = fopen(path, "w"));
		fwrite(out.data, 1, out.len, f);
		fclose(f);
		return;
	}
	if ((want = slurp(path, &wlen)) == NULL)
		fail_msg("%s is missing: make golden", path);
	if (wlen != out.len || memcmp(want, out.data, wlen) != 0)
		fail_msg("%s differs from the rendered page: make golden, then "
		    "git diff %s", path, path);
}

static void
golden_pages(void **state)
{
	struct dirent	*de;
	DIR		*d;
	char		 name[256];
	int		 n = 0;
	(void)state;

	assert_non_null(d = opendir(GOLDEN));
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".view") != 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - 5), de->d_name);
		one(name);
		n++;
	}
	closedir(d);
	assert_true(n >= 3);
}

static void
strict_mode_names_a_missing_key(void **state)
{
	const struct tmpl	*t = tmpl_get(set, "user.redeem");
	struct view		*v = view_new(&a);
	struct abuf		 out;
	char			 err[256];
	(void)state;

	/* the layout's flash needs flash_text once flash_kind is set */
	view_set(v, "lang_text", "English");
	view_set(v, "flash_kind", "error");
	abuf_init(&out, &a);
	assert_int_equal(tmpl_render_strict(t, v, collect, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "flash_text"));
}

static int
setup(void **state)
{
	char err[512];
	(void)state;

	arena_init(&a, 65536, 0);
	if ((set = tmpl_set_load("templates", err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tmpl_set_free(set);
	arena_free(&a);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_pages),
		cmocka_unit_test(strict_mode_names_a_missing_key),
	};
	return cmocka_run_group_tests_name("golden", tests, setup, teardown);
}
