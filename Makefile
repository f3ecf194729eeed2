# Two commands: `make demo` and `make test`. Both install what is missing first.
SWIFT ?= swift
SHARED ?= ../shared
export STRUCTGEN_SHARED ?= $(abspath $(SHARED))

.PHONY: setup build demo test bench clean

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build -c release --product gen

demo: build
	@scripts/demo.sh

test: setup
	$(SWIFT) build --build-tests
	@rm -f .build/xunit*.xml
	$(SWIFT) test --skip-build --parallel --num-workers 2 --xunit-output .build/xunit.xml; \
	  status=$$?; python3 scripts/test-summary.py .build/xunit*.xml || status=1; exit $$status

clean:
	rm -rf .build
