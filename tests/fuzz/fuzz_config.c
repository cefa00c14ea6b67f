/* fuzz_config.c - libFuzzer harness for the config parser: the input is a watiqa.conf
 * (key = value lines) read by config_load_file() through a memfd (src/config.c has no
 * buffer entry point), then its first line is split at '=' and given to config_set() as
 * a flag would be.  Finds crashes, overflows of the fixed-size fields and UB. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("watiqa.conf", 0);
		if (fd < 0)
			return 0;
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	struct config c;
	struct wq_errbuf eb = {0};
	config_defaults(&c);
	config_load_file(&c, path, 1, &eb);

	/* "key=value" from the first line, as `--key value` */
	char line[1024];
	size_t n = size < sizeof line - 1 ? size : sizeof line - 1;
	memcpy(line, data, n);
	line[n] = 0;
	line[strcspn(line, "\n")] = 0;
	char *eq = strchr(line, '=');
	if (eq) {
		*eq = 0;
		config_set(&c, line, eq + 1, &eb);
		config_flag(line);
	}
	return 0;
}
