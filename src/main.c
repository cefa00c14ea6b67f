/* main.c - entry point of the one `watiqa` binary; everything is a subcommand. */
#include <locale.h>
#include <sys/stat.h>

#include "cli.h"

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "C.UTF-8");
	/* everything written (database, WAL, backups, keys, printouts) is the owner's alone */
	umask(077);
	return cli_main(argc, argv);
}
