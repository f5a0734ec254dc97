# Tsumiki - the single entry point: make, make run, make test, make asan, make fuzz.
PKGS    := libmicrohttpd jansson sqlite3 libpq libsodium xlsxwriter gmp gdlib libcurl libxml-2.0 pangocairo cairo-pdf fontconfig
O       ?= build/default
CC      ?= cc
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wvla -Wpointer-arith -Wwrite-strings -Wno-format-nonliteral
WARN    += $(if $(findstring clang,$(CC)),,-Wno-format-truncation)
CFLAGS  ?= -g -O2
ALL_CFLAGS = -std=c17 -MMD -MP $(WARN) -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm
WERROR  ?= 1
ifeq ($(WERROR),1)
ALL_CFLAGS += -Werror
endif
ifdef SAN
ALL_CFLAGS += -O1 -fno-omit-frame-pointer -fsanitize=$(SAN) -fno-sanitize-recover=all -DTS_SAN=1
LDFLAGS += -fsanitize=$(SAN)
endif

SRC_ALL := $(shell find src -name '*.c' | sort)
SRC_LIB := $(filter-out src/main.c src/cli/%,$(SRC_ALL))
OBJ_LIB := $(SRC_LIB:%.c=$(O)/%.o)
OBJ_BIN := $(filter src/main.c src/cli/%,$(SRC_ALL))
OBJ_BIN := $(OBJ_BIN:%.c=$(O)/%.o)
UNIT    := $(patsubst tests/unit/%.c,$(O)/tests/unit/%,$(wildcard tests/unit/test_*.c))
FUZZ    := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

PORT    ?= 8080
DATA    ?= ./data

.PHONY: all deps run bench test unit api ui fuzz-replay asan fuzz clean fmt fmt-check
all: $(O)/tsumiki

deps:
	@tools/deps.sh

$(O)/libtsumiki.a: $(OBJ_LIB)
	@rm -f $@
	ar rcs $@ $^

$(O)/tsumiki: $(OBJ_BIN) $(O)/gen/assets.o $(O)/libtsumiki.a
	$(CC) $(LDFLAGS) -o $@ $(OBJ_BIN) $(O)/gen/assets.o $(O)/libtsumiki.a $(LDLIBS)
	@[ "$(O)" != build/default ] || ln -sf $(O)/tsumiki tsumiki

# The browser UI (web/, Vite) is built once into build/web and compiled into the binary.
WEB_SRC := $(shell find web -path web/node_modules -prune -o -type f -print 2>/dev/null)
# Its field-type table is written from the server's (tools/ftypes.mjs).
build/web/index.html: $(WEB_SRC) src/model/ftypes.def src/model/schema.h tools/ftypes.mjs
	@node tools/ftypes.mjs
	@echo "  VITE web"
	@cd web && npm run -s build

$(O)/gen/assets.c: build/web/index.html tools/embed.mjs
	@mkdir -p $(dir $@)
	@node tools/embed.mjs build/web $@

$(O)/gen/assets.o: $(O)/gen/assets.c
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/tests/unit/%: tests/unit/%.c $(O)/libtsumiki.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(O)/libtsumiki.a $(LDLIBS) -lcmocka $(LDFLAGS)

$(O)/tests/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(wildcard tests/fuzz/*.h) $(O)/libtsumiki.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay.c $(O)/libtsumiki.a $(LDLIBS) $(LDFLAGS)

run: deps all
	$(O)/tsumiki serve --data $(DATA) --port $(PORT)

# Every test: unit, API (official kintone client and CLI), fuzz corpora replayed,
# a short libFuzzer run, then the unit and API tests again under ASan+UBSan.
test: deps
	@tools/test.sh

unit: all $(UNIT)
	@tools/run-unit.sh $(UNIT)

api: all
	@TSUMIKI_BIN=$(O)/tsumiki tools/run-api.sh

ui: all
	@TSUMIKI_BIN=$(O)/tsumiki tools/run-ui.sh

fuzz-replay: $(FUZZ:%=$(O)/tests/fuzz/%)
	@for t in $(FUZZ); do $(O)/tests/fuzz/$$t tests/fuzz/corpus/$${t#fuzz_} || exit 1; done

asan:
	$(MAKE) SAN=address,undefined O=build/asan all unit
	TSUMIKI_BIN=build/asan/tsumiki tools/run-api.sh

# libFuzzer under clang, each target for FUZZ_SECONDS (default 20), new finds kept in
# build/fuzz/corpus, crashes in build/fuzz/crash-*.
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz:
	$(MAKE) CC=clang O=build/fuzz WERROR=0 CFLAGS="$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link" build/fuzz/libtsumiki.a
	@for t in $(FUZZ); do \
	  clang $(FUZZ_FLAGS) -fsanitize=fuzzer -std=c17 -Isrc $$(pkg-config --cflags $(PKGS)) \
	    -o build/fuzz/$$t tests/fuzz/$$t.c build/fuzz/libtsumiki.a $(LDLIBS) || exit 1; \
	done
	@tools/run-fuzz.sh $(FUZZ)

fmt:
	clang-format -i $(shell find src tests/unit tests/fuzz -name "*.[ch]")

fmt-check:
	clang-format --dry-run --Werror $(shell find src tests/unit tests/fuzz -name "*.[ch]")

clean:
	rm -rf build tsumiki

-include $(OBJ_LIB:.o=.d) $(OBJ_BIN:.o=.d)

# The benchmark: load 1,000,000 records and measure each scenario (BENCH_RECORDS to change),
# beside NocoDB; then the same scenarios on SQLite and PostgreSQL (one server and two).
bench: deps all
	bench/run.sh $(or $(BENCH_RECORDS),1000000)
	bench/backends.sh $(or $(BENCH_RECORDS),1000000)
