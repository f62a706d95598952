# qsfund: `make up` runs the system, `make test` runs the tests (each installs what it needs).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCAL := deploy/local

.PHONY: install up down test unit lint format bench demo asyncapi fuzz mutation clean helm chart \
	docker-engine compose-plugin images compose-test

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed

up: install
	$(LOCAL)/kafka.sh start
	$(LOCAL)/postgres.sh start
	$(BIN)/qsfund-migrate
	$(BIN)/qsfund-topics
	$(BIN)/qsfund-token --init
	$(LOCAL)/services.sh start
	@echo
	@echo "qsfund is up."
	@echo "  applications API   http://127.0.0.1:8000/v1   (OpenAPI page: http://127.0.0.1:8000/docs)"
	@echo "  scoring            http://127.0.0.1:8001/health"
	@echo "  notifications API  http://127.0.0.1:8002/v1/notifications?application_id=..."
	@echo "  payments API       http://127.0.0.1:8003/v1/awards/{application_id}"
	@echo "  register API       http://127.0.0.1:8004/v1/register/industries"
	@echo "  reports API        http://127.0.0.1:8005/v1/reports/years/2026 (and /report.html)"
	@echo "  finance bureau     http://127.0.0.1:8090 (a local stand-in; docs/finance-contract.md)"
	@echo "  Kafka 127.0.0.1:9092, PostgreSQL 127.0.0.1:5432; data and logs under .qsfund/"
	@echo "  every API call needs a token: $(BIN)/qsfund-token --role reviewer --sub reviewer-wang"
	@echo "  stop it all with: make down"

down:
	-$(LOCAL)/services.sh stop
	-$(LOCAL)/kafka.sh stop
	-$(LOCAL)/postgres.sh stop

# The suite finds or starts its own Kafka and PostgreSQL (see tests/support/infrastructure.py).
test: install
	$(BIN)/pytest -q --durations=10

# helm, built once from the Go module proxy into ~/.cache/qsfund/bin (the chart's tests use it).
helm:
	deploy/tools/go-build.sh helm

# The chart linted, rendered and validated offline (also part of `make test`).
chart: install helm
	$(BIN)/pytest -q tests/deploy

# A Docker engine (Debian's docker.io, started if none answers) and the Compose plugin,
# built once from the Go module proxy.
docker-engine:
	deploy/tools/docker-engine.sh start

compose-plugin:
	deploy/tools/go-build.sh compose

# qsfund:<version> (also qsfund:local), qsfund/kafka:4.4.0, qsfund/postgres:15; on a Debian
# base made here when Docker Hub cannot be reached (deploy/images/build.sh).
images: docker-engine
	deploy/images/build.sh

# deploy/compose.yaml run for real with those images, on free host ports, then removed.
compose-test: install images compose-plugin
	QSFUND_COMPOSE_TEST=1 $(BIN)/pytest -q tests/compose

unit: install
	$(BIN)/pytest -q tests/unit

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared services standins tests bench demo

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The suite's API fuzz, longer: 80 examples per operation and mode, 200 sequences of up to
# 20 linked steps, new cases each run (QSFUND_FUZZ_* to change). Takes many minutes.
fuzz: install
	QSFUND_FUZZ_EXAMPLES=$${QSFUND_FUZZ_EXAMPLES:-80} QSFUND_FUZZ_SEQUENCES=$${QSFUND_FUZZ_SEQUENCES:-200} \
	QSFUND_FUZZ_STEPS=$${QSFUND_FUZZ_STEPS:-20} QSFUND_FUZZ_RANDOM=$${QSFUND_FUZZ_RANDOM:-1} \
	$(BIN)/pytest -q -p no:cacheprovider tests/integration/test_api_fuzz.py

bench: install
	$(BIN)/python -m bench

# Mutation testing of the rules that decide money (shared/rules/, config in pyproject's
# [tool.mutmut]): each mutant against the unit tests that reach the function it changes,
# then the score. Some minutes on two cores, so not part of `make test`; stopped at 30.
mutation: install
	$(BIN)/python -c "import mutmut" 2>/dev/null || $(BIN)/pip install --quiet -e ".[dev,mutation]"
	rm -rf mutants
	timeout 1800 $(BIN)/mutmut run > mutants.log 2>&1 || (tail -20 mutants.log; exit 1)
	$(BIN)/mutmut results --all true | $(BIN)/python -m tests.support.mutation_score

# One funding round, end to end, on the running stack of `make up` (QSFUND_API to point elsewhere).
demo: install
	$(BIN)/python -m demo

# The published contracts, checked in so a change to either shows in review.
asyncapi: install
	$(BIN)/qsfund-asyncapi > docs/asyncapi.json
	$(BIN)/python -c "import json; from services.applications.bootstrap import *; \
	print(json.dumps(build_app(ApplicationsSettings()).openapi(), indent=2, sort_keys=True))" > docs/openapi.json
	$(BIN)/python -c "import json; from services.notifications.bootstrap import *; \
	print(json.dumps(build_app(NotificationsSettings()).openapi(), indent=2, sort_keys=True))" > docs/openapi-notifications.json
	$(BIN)/python -c "import json; from services.payments.bootstrap import *; \
	print(json.dumps(build_app(PaymentsSettings()).openapi(), indent=2, sort_keys=True))" > docs/openapi-payments.json
	$(BIN)/python -c "import json; from services.reports.bootstrap import *; \
	print(json.dumps(build_app(ReportsSettings()).openapi(), indent=2, sort_keys=True))" > docs/openapi-reports.json
	$(BIN)/python -c "import json; from services.register.bootstrap import *; \
	print(json.dumps(build_app(RegisterSettings()).openapi(), indent=2, sort_keys=True))" > docs/openapi-register.json

clean: down
	rm -rf .qsfund
