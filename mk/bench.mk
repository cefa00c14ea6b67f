# mk/bench.mk - the national-scale benchmarks (bench/gen, bench/db, bench/treasury_build,
# bench/confirm_cost); included by the
# Makefile's `-include mk/*.mk`.  `make bench` runs bench/*.sh, and bench/run_db.sh runs
# these on a generated database (BENCH_REQUESTS, default 100000; 10000000 for the kingdom).
BENCH_BINS = $(BUILD)/bench/gen $(BUILD)/bench/db $(BUILD)/bench/treasury_build \
	     $(BUILD)/bench/confirm_cost
BENCH_LIBS = $(PKG_LIBS) -lutil -lpthread -lm

bench-bins: $(BENCH_BINS)
bench: bench-bins

$(BUILD)/bench/gen: bench/gen.c bench/gen_vocab.h $(BUILD)/bench/libwatiqa.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-format-truncation -o $@ bench/gen.c $(BUILD)/bench/libwatiqa.a $(BENCH_LIBS)

# The project's data layer as an archive: only the members bench/db calls are linked, so
# a screen being written elsewhere does not stop the benchmark from building.
BENCH_SRC_OBJS = $(filter $(BUILD)/src/%,$(LIB_OBJS))
$(BUILD)/bench/libwatiqa.a: $(BENCH_SRC_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $(BENCH_SRC_OBJS)

$(BUILD)/bench/db: bench/db.c $(BUILD)/bench/libwatiqa.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-format-truncation -o $@ bench/db.c $(BUILD)/bench/libwatiqa.a $(BENCH_LIBS)

$(BUILD)/bench/treasury_build: bench/treasury_build.c $(BUILD)/bench/libwatiqa.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ bench/treasury_build.c $(BUILD)/bench/libwatiqa.a $(BENCH_LIBS)

$(BUILD)/bench/confirm_cost: bench/confirm_cost.c $(BUILD)/bench/libwatiqa.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ bench/confirm_cost.c $(BUILD)/bench/libwatiqa.a $(BENCH_LIBS)

.PHONY: bench-bins
