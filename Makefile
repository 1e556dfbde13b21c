# After-Sales Service (sale_after_sales): development commands. See README.md.
.PHONY: pot-check run test test-lifecycle test-upgrade lint wheel bench screenshots pot help

help:
	@echo "make run   - serve Odoo with the module and demo data on http://localhost:8069 (admin/admin);"
	@echo "             make run WITH_BRIDGES=1: with Inventory and Repair, so the bridges of bridges/"
	@echo "make test  - install the module into a fresh database and run the whole test suite, then the"
	@echo "             bridges' tests in a database with Inventory and Repair (BRIDGES=0|only: one phase)"
	@echo "make test-lifecycle - install with demo data, update twice, install and uninstall each bridge,"
	@echo "             uninstall, reinstall on a database in use"
	@echo "make test-upgrade - upgrade a database of the previous release (tools/upgrade-from) to this code"
	@echo "make lint  - ruff, pylint-odoo and the documents' check (tools/check-docs)"
	@echo "make wheel - build the Python wheel odoo-addon-sale_after_sales with whool and check it"
	@echo "make bench - performance figures beside Odoo's own tools (ARGS='--count 2000 --concurrency-check 4'; ARGS=--growth: read screens at 1 000 and 100 000 orders;"
	@echo "             the stock bridge: ARGS='--stock-serials 1000 --stock-only', --no-stock to skip it)"
	@echo "make screenshots - run the browser tours and save the README screenshots in static/description"
	@echo "make pot   - regenerate the translation template i18n/sale_after_sales.pot and merge it into i18n/*.po"
	@echo "make pot-check - fail when the template misses a term of the code (CI)"

run:
	tools/run $(ARGS)

test:
	tools/run-tests $(ARGS)

test-lifecycle:
	tools/test-lifecycle $(ARGS)

test-upgrade:
	tools/test-upgrade $(ARGS)

lint:
	tools/lint

wheel:
	tools/check-wheel $(ARGS)

bench:
	bench/run $(ARGS)

screenshots:
	SAA_SCREENSHOTS_DIR=$(CURDIR)/static/description tools/run-tests -k TestTours

pot:
	tools/makepot

pot-check:
	tools/makepot --check
