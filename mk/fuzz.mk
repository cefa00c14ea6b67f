# mk/fuzz.mk - libFuzzer harnesses (tests/fuzz/fuzz_*.c), built with clang straight from
# the sources they exercise, with ASan and UBSan.  `make fuzz` runs each for FUZZ_SECONDS
# (default 60) on its corpus in tests/fuzz/<name>/ and merges what it found back into
# it (minimised); `make test` runs tests/e2e/fuzz_smoke.sh, a few seconds each.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR = build/fuzz
FUZZ_CFLAGS = -g -O1 -std=c11 -D_GNU_SOURCE -Isrc -Iscreens $(PKG_CFLAGS) \
	      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_NAMES = config form payment table countries lines
FUZZ_BINS = $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_NAMES))

# what each harness compiles besides itself
FUZZ_SRCS_config = src/config.c src/err.c src/util.c
FUZZ_LIBS_config = -lcrypto
FUZZ_SRCS_form = src/http_form.c src/validate.c src/unicode.c src/secret.c src/err.c src/util.c
FUZZ_LIBS_form = -lpcre2-8 -lcrypto
FUZZ_SRCS_payment = src/payment.c src/http_buf.c src/config.c src/err.c src/util.c
FUZZ_LIBS_payment = -lcurl -lcrypto
FUZZ_SRCS_table = screens/table.c screens/form.c screens/term.c screens/prompt.c \
		   screens/status.c screens/msg.c screens/msg_table.c src/unicode.c src/err.c \
		   src/util.c
FUZZ_LIBS_table = -lpcre2-8 -lncursesw -ltinfo -lfribidi -lcrypto
FUZZ_SRCS_countries = src/country.c src/err.c
FUZZ_LIBS_countries =
FUZZ_SRCS_lines = src/lines.c src/http_form.c src/fee.c src/country.c src/err.c src/util.c
FUZZ_LIBS_lines = -lcrypto

.SECONDEXPANSION:
$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRCS_$$*) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS_$*) $(FUZZ_LIBS_$*)

fuzz-bins: $(FUZZ_BINS)

fuzz: fuzz-bins
	@fail=0; for n in $(FUZZ_NAMES); do \
		echo "== fuzz_$$n ($(FUZZ_SECONDS) s)"; \
		mkdir -p $(FUZZ_DIR)/corpus-$$n $(FUZZ_DIR)/artifacts; \
		if WATIQA_SHARE=$(CURDIR) $(FUZZ_DIR)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_DIR)/artifacts/$$n- \
			$(FUZZ_DIR)/corpus-$$n tests/fuzz/$$n >$(FUZZ_DIR)/$$n.log 2>&1; then :; \
		else echo "FAILED: fuzz_$$n (log $(FUZZ_DIR)/$$n.log, input in $(FUZZ_DIR)/artifacts)"; \
			fail=1; fi; \
		grep -E '^(==[0-9]+==|SUMMARY|stat::number_of_executed_units|stat::peak_rss|Done)' \
			$(FUZZ_DIR)/$$n.log | head -6; \
		WATIQA_SHARE=$(CURDIR) $(FUZZ_DIR)/fuzz_$$n -merge=1 tests/fuzz/$$n \
			$(FUZZ_DIR)/corpus-$$n >/dev/null 2>&1 || true; \
	done; exit $$fail

.PHONY: fuzz fuzz-bins
