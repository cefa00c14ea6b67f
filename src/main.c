/* main.c - entry point of the one `watiqa` binary; everything is a subcommand. */
#include <locale.h>

#include "cli.h"

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "C.UTF-8");
	return cli_main(argc, argv);
}
