# Entry points: make run | make test | make bench. Each creates .venv if missing and installs
# the pinned requirements, so a fresh machine needs only python3 (>= 3.11) and make.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JARS_STAMP := .cache/spark-jars/.complete

.PHONY: run test lint typecheck pytest bench bench-spark layer jars clean venv lock mutation

venv: $(STAMP)

# requirements-lock.txt pins the whole dev environment with hashes (generated from requirements-dev.txt
# by `make lock`); the project itself is installed editable without dependencies.
$(STAMP): requirements.txt requirements-dev.txt requirements-lock.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-lock.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# Regenerate requirements-lock.txt after changing requirements*.txt. pip-tools runs from its own
# throw-away venv so it never enters the dev environment.
PIP_TOOLS := .cache/pip-tools
lock:
	@test -x $(PIP_TOOLS)/bin/pip-compile || ($(PYTHON) -m venv $(PIP_TOOLS) && $(PIP_TOOLS)/bin/pip install --quiet pip-tools==7.6.2)
	$(PIP_TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file=requirements-lock.txt requirements-dev.txt

# The Spark s3a tests need hadoop-aws + aws-java-sdk-bundle; fetched once per machine from the
# PyPI sdist sagemaker-pyspark==1.4.5 (Maven Central is not reachable everywhere).
jars: $(JARS_STAMP)

$(JARS_STAMP): scripts/fetch_spark_jars.py | $(STAMP)
	$(PY) scripts/fetch_spark_jars.py

# Always the embedded moto account (--embedded), whatever credentials or AWS_ENDPOINT_URL* the shell
# holds: see docs/safety.md.
RUN_ARGS := run letsdata_example_configs/dataset1.json --sample 3 --embedded

run: $(STAMP)
	$(PY) -m letsdata_local $(RUN_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(VENV)/bin/hadolint dockerfile
	$(VENV)/bin/shellcheck .ci/run $(wildcard *.sh container/*.sh scripts/*.sh)

typecheck: $(STAMP)
	$(PY) -m mypy datalake_library letsdata_interfaces letsdata_service letsdata_utils letsdata_local letsdata_lambda_function.py

pytest: $(STAMP) $(JARS_STAMP)
	$(PY) -m pytest

test: lint typecheck pytest

# Mutation testing of the wire table, the serialiser and the SSM name table (docs/mutation.md);
# slow, so not part of `make test`.
mutation: $(STAMP)
	$(PY) scripts/mutation.py

bench: $(STAMP)
	$(PY) -m bench

bench-spark: $(STAMP) $(JARS_STAMP)
	BENCH_SPARK=1 $(PY) -m bench

layer: $(STAMP)
	$(PY) scripts/build_layer.py

clean:
	rm -rf build dist python .mypy_cache .ruff_cache .pytest_cache
