# The suite's commands. `make run` and `make test` are the two a user needs (see README.md).
SHELL := /bin/bash

.DEFAULT_GOAL := help
.PHONY: help run test odoo lint db-stop

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

run: ## Serve the suite with demo data on http://localhost:8069 (installs Odoo 18 if missing)
	scripts/run.sh

test: ## Lint, compose check, fresh database, every module's tests; non-zero on any failure
	scripts/test.sh

odoo: ## Install Odoo 18.0 from Odoo's upstream source when python3 cannot import it
	scripts/setup-odoo.sh

lint: ## ruff and pylint-odoo on addons/ and tests/
	scripts/lint.sh

db-stop: ## Stop the project-local PostgreSQL cluster
	scripts/pg.sh stop
