/* help.c - the help overlay (? and F1) and the bottom key bar, both built by walking
 * the screen's key map and screen_common_keys[]: no help text is written by hand
 * anywhere else.  Keys the actor's role may not use are listed with the roles that
 * may.  UI child only. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screen.h"
#include "widget.h"

static int allowed(const struct ui *ui, const struct keymap *k)
{
	return !k->roles || (k->roles & ROLE_BIT(ui->actor.role));
}

static void roles_text(unsigned roles, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int r = 1; r < ROLE_COUNT && o < len; r++)
		if (roles & ROLE_BIT(r))
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," : "",
					      role_name((enum role)r));
}

static int help_line(struct ui *ui, const struct keymap *k, char **out)
{
	char label[16], who[96], line[320];
	screen_key_label(k->key, label, sizeof label);
	if (allowed(ui, k)) {
		snprintf(line, sizeof line, " %-6s %-12s %s", label, k->name, k->help);
	} else {
		roles_text(k->roles, who, sizeof who);
		snprintf(line, sizeof line, " %-6s %-12s %s (only %s)", label, k->name,
			 k->help, who);
	}
	*out = strdup(line);
	return *out ? 0 : -1;
}

void help_show(struct ui *ui)
{
	const struct keymap *maps[2] = {ui->scr->keys, screen_common_keys};
	char **lines = NULL;
	int n = 0, cap = 0;

	for (int m = 0; m < 2; m++) {
		if (m == 1) {
			if (n >= cap) {
				cap = cap * 2 + 16;
				lines = realloc(lines, (size_t)cap * sizeof *lines);
			}
			lines[n++] = strdup(" -- every screen --");
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
	prompt_pager(ui, "Keys (Esc or q closes)", lines, n);
	for (int i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

void help_bar(struct ui *ui, char *buf, size_t len)
{
	const struct keymap *maps[2] = {ui->scr->keys, screen_common_keys};
	size_t o = 0;
	char label[16];

	buf[0] = '\0';
	for (int m = 0; m < 2; m++)
		for (const struct keymap *k = maps[m]; k && k->key; k++) {
			if (!(k->flags & KM_BAR) || !allowed(ui, k))
				continue;
			screen_key_label(k->key, label, sizeof label);
			if (o < len)
				o += (size_t)snprintf(buf + o, len - o, "%s%s:%s", o ? " " : "",
						      label, k->name);
		}
}
