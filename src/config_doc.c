/* config_doc.c - the settings table (config_keys[], src/config.c) rendered for people:
 * `watiqa config` prints the settings in effect, `watiqa config --man` prints the
 * watiqa.conf(5) manual page in roff.  The page is generated at build time from the
 * same rows the parser reads (Makefile: build/man/watiqa.conf.5), so that it cannot
 * disagree with the program.  Runs in the operator's shell; no SQL. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

/* Text safe in roff: backslashes doubled as \e, a leading '.' or '\'' defused. */
static void roff_text(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

static const char *type_name(enum config_type t)
{
	return t == CFG_INT ? "a whole number" : t == CFG_BOOL ? "yes or no" : "text";
}

static void value_text(const struct config *c, const struct config_key *k, char *buf,
		       size_t len)
{
	const char *field = (const char *)c + k->offset;
	int v;
	if (k->type == CFG_STR) {
		snprintf(buf, len, "%s", field);
		return;
	}
	memcpy(&v, field, sizeof v);
	if (k->type == CFG_BOOL)
		snprintf(buf, len, "%s", v ? "yes" : "no");
	else
		snprintf(buf, len, "%d", v);
}

void config_print(FILE *out, const struct config *c)
{
	char path[PATH_MAX_BYTES + 32], value[PATH_MAX_BYTES];
	config_file(c, path, sizeof path);
	fprintf(out, "# settings file: %s%s\n", path,
		access(path, R_OK) == 0 ? "" : " (not there: built-in defaults)");
	for (int i = 0; i < config_keys_count; i++) {
		const struct config_key *k = &config_keys[i];
		value_text(c, k, value, sizeof value);
		/* a secret is not shown on a screen someone may be looking at */
		if (strstr(k->key, "secret") && value[0])
			snprintf(value, sizeof value, "(hidden: %s, %zu characters)",
				 strcmp((const char *)c + k->offset, k->def) ? "set" : "the default",
				 strlen((const char *)c + k->offset));
		fprintf(out, "%s = %s\n", k->key, value);
	}
}

static const char man_head[] =
	".TH WATIQA.CONF 5 \"\" \"watiqa\" \"Watiqa manual\"\n"
	".SH NAME\n"
	"watiqa.conf \\- settings of the Watiqa civil\\-status server\n"
	".SH SYNOPSIS\n"
	".I /etc/watiqa/watiqa.conf\n"
	".SH DESCRIPTION\n"
	"One setting per line, written\n"
	".IR key \" = \" value ;\n"
	"blank lines and lines starting with\n"
	".B #\n"
	"are ignored.\n"
	"An empty value means the built\\-in default.\n"
	"A key the program does not know, or a value of the wrong kind, stops the program\n"
	"with a message naming the key and what is expected (exit status 2).\n"
	".PP\n"
	"The file read is the first of:\n"
	".B $WATIQA_CONFIG\n"
	"(then it must exist);\n"
	".I /etc/watiqa/watiqa.conf\n"
	"if it exists (an installed build);\n"
	".IR share_dir /etc/watiqa.conf\n"
	"(the checkout a development build was made in).\n"
	"Then each setting can be overridden by its environment variable, and that by its\n"
	"command\\-line flag, which every command of\n"
	".BR watiqa (8)\n"
	"takes.\n"
	".B watiqa config\n"
	"prints the settings in effect.\n"
	".PP\n"
	"This page is generated from the program's table of settings\n"
	".RB ( \"watiqa config \\-\\-man\" ),\n"
	"so it lists exactly the settings the program knows, with the defaults of the build\n"
	"that made it.\n"
	".SH SETTINGS\n";

static const char man_tail[] =
	".SH FILES\n"
	".TP\n"
	".I /etc/watiqa/watiqa.conf\n"
	"the settings of an installed server\n"
	".TP\n"
	".IR state_dir /\n"
	"the host key\n"
	".RI ( ssh_host_ed25519_key ),\n"
	"the server key\n"
	".RI ( server.key ,\n"
	"32 random bytes made on the first start, which keys the HMACs stored in the\n"
	"database), the kept screens' sockets\n"
	".RI ( sessions/ ),\n"
	"printouts\n"
	".RI ( print/ ),\n"
	"exports\n"
	".RI ( export/ )\n"
	"and backups\n"
	".RI ( backups/ );\n"
	"files 0600, directories 0700.\n"
	".SH SEE ALSO\n"
	".BR watiqa (8)\n";

void config_man(FILE *out)
{
	fputs(man_head, out);
	for (int i = 0; i < config_keys_count; i++) {
		const struct config_key *k = &config_keys[i];
		fprintf(out, ".TP\n.B %s\n", k->key);
		roff_text(out, k->help);
		fputs(".\n.br\nEnvironment:\n.BR ", out);
		roff_text(out, k->env);
		if (k->flag) {
			fputs(" ;\nflag:\n.B ", out);
			roff_text(out, k->flag);
			fputs(k->type == CFG_BOOL ? "" : " \\fIvalue\\fR", out);
		}
		fprintf(out, "\n.br\nValue: %s; default: ", type_name(k->type));
		if (k->def[0]) {
			fputs("\\fB", out);
			roff_text(out, k->type != CFG_BOOL ? k->def : strcmp(k->def, "0") ? "yes" : "no");
			fputs("\\fR.\n", out);
		} else {
			fputs("empty (see above).\n", out);
		}
	}
	fputs(man_tail, out);
}
