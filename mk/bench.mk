# mk/bench.mk - the national-scale benchmarks (bench/gen, bench/db); included by the
# Makefile's `-include mk/*.mk`.  `make bench` runs bench/*.sh, and bench/run_db.sh runs
# these on a generated database (BENCH_REQUESTS, default 100000; 10000000 for the kingdom).
BENCH_BINS = $(BUILD)/bench/gen $(BUILD)/bench/db
BENCH_LIBS = $(PKG_LIBS) -lutil -lpthread -lm

bench-bins: $(BENCH_BINS)
bench: bench-bins

$(BUILD)/bench/gen: bench/gen.c bench/gen_vocab.h $(BUILD)/src/util.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-format-truncation -o $@ bench/gen.c $(BUILD)/src/util.o $(BENCH_LIBS)

$(BUILD)/bench/db: bench/db.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-format-truncation -o $@ bench/db.c $(LIB_OBJS) $(BENCH_LIBS)

.PHONY: bench-bins
