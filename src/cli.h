/* cli.h - the `watiqa` command line: one row per subcommand in cli.c. */
#ifndef WQ_CLI_H
#define WQ_CLI_H

int cli_main(int argc, char **argv);

#endif
