# Gatehouse's two commands: `make dev` runs the app, `make test` runs every check CI runs.
# Both install what is missing first (scripts/setup.sh).

SHELL := /bin/bash
# npm's binaryen wasm-opt must come before any other on PATH (see scripts/setup.sh).
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: dev test setup lint unit contract interop e2e bench

## make dev: set up, then serve http://127.0.0.1:3000 with live reload on the SQLite default.
## `--split`: pages marked lazy (the Security page) go to wasm files of their own, loaded when opened.
dev: setup
	cargo leptos watch --split

## make test: set up, then the layer check, formatting, lints (server and wasm), every crate's tests (the API
## suite on SQLite and on PostgreSQL), the API contract check (schemathesis against the OpenAPI
## document), the JWKS interop check (Node jose and PyJWT), and the Playwright suite in Chromium
## against a release build.
test: setup lint unit contract interop e2e

setup:
	@scripts/setup.sh

lint:
	python3 scripts/check-layers.py
	cargo fmt --all -- --check
	cargo clippy -p server -p app -p verifier --features app/ssr --all-targets --locked -- -D warnings
	cargo clippy -p frontend -p app --features app/hydrate --target wasm32-unknown-unknown --locked -- -D warnings

# Every crate's tests on SQLite (the verifier's against a real Gatehouse in-process), then the
# API suite again on PostgreSQL (127.0.0.1:5432, each test in a database of its own, dropped
# after it).
unit:
	cargo test -p server -p app --features app/ssr --locked
	cargo test -p verifier --locked
	GATEHOUSE_TEST_BACKEND=postgres cargo test -p server --test api --locked

# schemathesis (from setup, in .tools/venv) against a debug server on 127.0.0.1:3200 with a fresh
# database: every operation of /api/openapi.json with generated valid and invalid requests, every
# answer checked against the document; any finding fails (scripts/contract.sh, about a minute).
contract:
	scripts/contract.sh

# Node jose (end2end/node_modules) and PyJWT (.tools/venv) verify tokens of each asymmetric
# algorithm from the JWKS URL alone, and refuse a swapped alg, an unknown kid, another issuer or
# audience, and a removed key (scripts/interop.sh, debug servers on 127.0.0.1:3300, seconds).
interop:
	scripts/interop.sh

# The e2e server gets a fresh database, a 3 s access-token lifetime (so the suite sees real
# refreshes) and its own port, so it never collides with a `make dev` on 3000. Rate limits stay
# on, with budgets a browser suite refreshing every 3 s from one address cannot exhaust. Its mail
# goes over real SMTP to scripts/smtp_sink.py, which the tests read over HTTP; the sink is
# stopped by its pid however the suite ends.
E2E_ADDR := 127.0.0.1:3100
E2E_SMTP_PORT := 3125
E2E_SINK_PORT := 3180
e2e:
	rm -f target/e2e.sqlite3 target/e2e.sqlite3-shm target/e2e.sqlite3-wal
	.tools/venv/bin/python scripts/smtp_sink.py --smtp-port $(E2E_SMTP_PORT) --http-port $(E2E_SINK_PORT) & \
	sink=$$!; trap 'kill $$sink' EXIT; \
	DATABASE_URL=sqlite://target/e2e.sqlite3 JWT_ACCESS_TOKEN_LIFETIME=3s \
	RATE_LIMIT_PER_IP=2000/min RATE_LIMIT_PER_ACCOUNT=2000/min RUST_LOG=warn \
	DEV_SECRET_FILE=target/e2e-dev-secret LEPTOS_SITE_ADDR=$(E2E_ADDR) GATEHOUSE_URL=http://$(E2E_ADDR) \
	PUBLIC_URL=http://$(E2E_ADDR) SMTP_URL=smtp://127.0.0.1:$(E2E_SMTP_PORT) \
	SMTP_SINK_URL=http://127.0.0.1:$(E2E_SINK_PORT) \
	cargo leptos end-to-end --release --split

## make bench: Gatehouse vs the Django + simplejwt peer on loopback, driven by wrk (not part of
## make test); prints the table and writes target/bench/results.md.
bench: setup
	scripts/bench.sh
