/* test_keymap.c - every screen in the table: no key bound twice (its own map plus the
 * keys common to all screens), every row has a name and a help text (the help overlay
 * and the bar are built from them), every write action names the roles allowed, and
 * those roles may open the screen.  Also the role -> screen table itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "screen.h"
#include "widget.h"

static void check_rows(const struct screen *s, const struct keymap *map, const char *what)
{
	for (const struct keymap *k = map; k && k->key; k++) {
		char label[16];
		help_key_label(k->key, label, sizeof label);
		if (!k->name || !k->name[0])
			fail_msg("%s: %s key %s has no name", s->name, what, label);
		if (!k->help || !k->help[0])
			fail_msg("%s: %s key %s (%s) has no help text", s->name, what, label,
				 k->name);
		if (!k->run)
			fail_msg("%s: %s key %s (%s) has no handler", s->name, what, label,
				 k->name);
		if ((k->flags & KM_WRITE) && !k->roles)
			fail_msg("%s: write action %s (%s) names no roles", s->name, k->name,
				 label);
		if (k->roles && s->roles != ~0u && (k->roles & s->roles) == 0)
			fail_msg("%s: action %s is for roles that cannot open the screen",
				 s->name, k->name);
	}
}

static void check_duplicates(const struct screen *s)
{
	const struct keymap *maps[2] = {s->keys, screen_common_keys};
	int keys[512], n = 0;
	for (int m = 0; m < 2; m++)
		for (const struct keymap *k = maps[m]; k && k->key; k++) {
			for (int i = 0; i < n; i++)
				if (keys[i] == k->key) {
					char label[16];
					fail_msg("%s: key %s is bound twice (second: %s)", s->name,
						 help_key_label(k->key, label, sizeof label),
						 k->name);
				}
			assert_true(n < 512);
			keys[n++] = k->key;
		}
}

static void test_every_screen_keymap(void **state)
{
	(void)state;
	assert_true(screen_count() > 0);
	check_rows(&placeholder_screen, screen_common_keys, "common");
	for (int i = 0; i < screen_count(); i++) {
		const struct screen *s = screen_at(i);
		assert_non_null(s);
		assert_non_null(s->name);
		assert_non_null(s->title);
		assert_non_null(s->paint);
		assert_non_null(s->keys);
		check_rows(s, s->keys, "screen");
		check_duplicates(s);
	}
}

static void test_screen_names_unique(void **state)
{
	(void)state;
	for (int i = 0; i < screen_count(); i++)
		for (int j = i + 1; j < screen_count(); j++)
			assert_string_not_equal(screen_at(i)->name, screen_at(j)->name);
}

static void test_role_table(void **state)
{
	(void)state;
	assert_ptr_equal(screen_for_role(ROLE_AGENT), &agent_queue_screen);
	assert_ptr_equal(screen_by_name("agent_queue"), &agent_queue_screen);
	assert_null(screen_by_name("no_such_screen"));
	/* every staff role gets a screen, at worst the one that says there is none yet */
	for (int r = ROLE_AGENT; r <= ROLE_OFFICER; r++) {
		const struct screen *s = screen_for_role((enum role)r);
		assert_non_null(s);
		assert_true(s->roles & ROLE_BIT(r));
	}
}

static void test_key_labels(void **state)
{
	char b[16];
	(void)state;
	assert_string_equal(help_key_label(KM_ENTER, b, sizeof b), "Enter");
	assert_string_equal(help_key_label(' ', b, sizeof b), "Space");
	assert_string_equal(help_key_label('c', b, sizeof b), "c");
	assert_string_equal(help_key_label(KM_CTRL('l'), b, sizeof b), "^L");
}

static void test_fit(void **state)
{
	char b[64];
	(void)state;
	assert_int_equal(term_fit("abcdef", 4, 0, 0, b, sizeof b), 4);
	assert_string_equal(b, "abcd");
	term_fit("ab", 4, 1, 0, b, sizeof b);
	assert_string_equal(b, "ab  ");
	term_fit("ab", 4, 1, 1, b, sizeof b);
	assert_string_equal(b, "  ab");
	/* control characters never reach the terminal */
	term_fit("a\x1b[2Jb", 10, 0, 0, b, sizeof b);
	assert_null(strchr(b, '\x1b'));
}

static void test_form_match(void **state)
{
	(void)state;
	assert_int_equal(form_match("[0-9]{3}", "123"), 1);
	assert_int_equal(form_match("[0-9]{3}", "1234"), 0); /* whole value */
	assert_int_equal(form_match("\\p{Arabic}+", "\xd9\x81\xd8\xa7\xd8\xb7\xd9\x85\xd8\xa9"), 1);
	assert_int_equal(form_match("(", "x"), -1);
}

/* What a staff prompt takes at the keyboard (a reject or reassign reason) is what
 * `watiqa request move --note` takes: no C0, DEL or C1 control, no format character. */
static void test_text_keys(void **state)
{
	(void)state;
	assert_true(prompt_is_text_key('a'));
	assert_true(prompt_is_text_key(0x0645)); /* Arabic meem */
	assert_true(prompt_is_text_key(0xe9));
	assert_false(prompt_is_text_key(0x1b));
	assert_false(prompt_is_text_key(0x7f));
	assert_false(prompt_is_text_key(0x9b)); /* C1 CSI: a terminal's escape in one */
	assert_false(prompt_is_text_key(0x85));
	assert_false(prompt_is_text_key(0x202e));
	assert_false(prompt_is_text_key(0x200b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_screen_keymap),
		cmocka_unit_test(test_screen_names_unique),
		cmocka_unit_test(test_role_table),
		cmocka_unit_test(test_key_labels),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_form_match),
		cmocka_unit_test(test_text_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
