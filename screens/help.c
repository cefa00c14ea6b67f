/* help.c - the help overlay (? and F1) and the bottom key bar, both built by walking
 * the key maps the screen layer hands over (the screen's, then the keys every screen
 * has), and the keys' labels: no help text is written by hand anywhere else.  Keys the
 * actor's role may not use are listed with the roles that may.  UI child only. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "widget.h"

/* ---- key labels ---- */
static const struct {
	int key;
	const char *label;
} key_labels[] = {
	{KM_ENTER, "Enter"},
	{' ', "Space"},
	{'\t', "Tab"},
	{KM_ESC, "Esc"},
	{KM_BACKSPACE, "Bksp"},
	{KM_FN(KEY_UP), "Up"},
	{KM_FN(KEY_DOWN), "Down"},
	{KM_FN(KEY_LEFT), "Left"},
	{KM_FN(KEY_RIGHT), "Right"},
	{KM_FN(KEY_PPAGE), "PgUp"},
	{KM_FN(KEY_NPAGE), "PgDn"},
	{KM_FN(KEY_HOME), "Home"},
	{KM_FN(KEY_END), "End"},
	{KM_FN(KEY_BTAB), "S-Tab"},
	{KM_FN(KEY_DC), "Del"},
};

const char *help_key_label(int key, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof key_labels / sizeof key_labels[0]; i++)
		if (key_labels[i].key == key) {
			snprintf(buf, len, "%s", key_labels[i].label);
			return buf;
		}
	if (key & KM_FN(0)) {
		int k = key & ~KM_FN(0);
		if (k >= KEY_F(1) && k <= KEY_F(12))
			snprintf(buf, len, "F%d", k - KEY_F(0));
		else
			snprintf(buf, len, "key%d", k);
	} else if (key > 0 && key < 0x20) {
		snprintf(buf, len, "^%c", key + '@');
	} else {
		/* a printable character, UTF-8 */
		wchar_t w[2] = {(wchar_t)key, 0};
		if (wcstombs(buf, w, len) == (size_t)-1)
			snprintf(buf, len, "?");
	}
	return buf;
}

static int allowed(const struct ui *ui, const struct keymap *k)
{
	return !k->roles || (k->roles & ROLE_BIT(ui->actor.role));
}

static void roles_text(const struct ui *ui, unsigned roles, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int r = 1; r < ROLE_COUNT && o < len; r++)
		if (roles & ROLE_BIT(r))
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," : "",
					      tr(ui, role_name((enum role)r)));
}

static int help_line(struct ui *ui, const struct keymap *k, char **out)
{
	char label[16], who[96], line[320];
	help_key_label(k->key, label, sizeof label);
	char name[64];
	term_fit(tr(ui, k->name), 12, 1, 0, name, sizeof name);
	if (allowed(ui, k)) {
		snprintf(line, sizeof line, " %-6s %s %s", label, name, tr(ui, k->help));
	} else {
		roles_text(ui, k->roles, who, sizeof who);
		snprintf(line, sizeof line, tr(ui, " %-6s %s %s (only %s)"), label, name,
			 tr(ui, k->help), who);
	}
	*out = strdup(line);
	return *out ? 0 : -1;
}

void help_show(struct ui *ui, const struct keymap *const maps[2])
{
	char **lines = NULL;
	int n = 0, cap = 0;

	for (int m = 0; m < 2; m++) {
		if (m == 1) {
			if (n >= cap) {
				cap = cap * 2 + 16;
				lines = realloc(lines, (size_t)cap * sizeof *lines);
			}
			lines[n++] = strdup(tr(ui, " -- every screen --"));
		}
		for (const struct keymap *k = maps[m]; k && k->key; k++) {
			if (n >= cap) {
				cap = cap * 2 + 16;
				lines = realloc(lines, (size_t)cap * sizeof *lines);
			}
			if (help_line(ui, k, &lines[n]) == 0)
				n++;
		}
	}
	prompt_pager(ui, tr(ui, "Keys (Esc or q closes)"), lines, n);
	for (int i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

void help_bar(struct ui *ui, const struct keymap *const maps[2], int (*shown)(struct ui *, int),
	      char *buf, size_t len)
{
	size_t o = 0;
	char label[16];

	buf[0] = '\0';
	for (int m = 0; m < 2; m++)
		for (const struct keymap *k = maps[m]; k && k->key; k++) {
			if (!(k->flags & KM_BAR) || !allowed(ui, k) ||
			    (m == 0 && shown && !shown(ui, k->key)))
				continue;
			help_key_label(k->key, label, sizeof label);
			if (o < len)
				o += (size_t)snprintf(buf + o, len - o, "%s%s:%s", o ? " " : "",
						      label, tr(ui, k->name));
		}
}
