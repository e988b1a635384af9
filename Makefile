# Tiphys — see README.md. Two commands do all set-up: `make demo` and `make test`.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c

BIN        := $(CURDIR)/bin
STATE      := $(CURDIR)/.state
DEMO_DIR   := $(STATE)/demo
VERSION    := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS    := -X github.com/tiphys/tiphys/internal/version.Version=$(VERSION)
# -count=1: no cached results; the e2e tests build the binary themselves,
# which Go's test cache cannot see.
GO_TEST_FLAGS ?= -timeout 30m -count=1

.PHONY: bench-large all build ui screenshots tools test-deps generate verify-generate vet test example-apps conformance bench demo demo-down clean

all: build

## build: the web UI (ui/dist, embedded in the binary), then the tiphys binary in bin/
build: ui
	go build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/tiphys ./cmd/tiphys

## ui: the web UI: type-checked (tsc), bundled into ui/dist (npm ci when node_modules is missing or older than package-lock.json)
ui:
	@if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules ]; then \
	  (cd ui && npm ci --no-audit --no-fund) && touch ui/node_modules; \
	fi
	cd ui && npm run --silent check && npm run --silent build

## screenshots: the UI's browser test, its screenshots written to docs/images/ui/
screenshots: tools build
	TIPHYS_BIN_DIR=$(BIN) TIPHYS_REQUIRE_BROWSER=1 TIPHYS_UI_SCREENSHOTS=$(CURDIR)/docs/images/ui \
	  go test -count=1 -timeout 20m -run TestUI -v ./test/browser

## tools: the pinned Kubernetes, etcd, kwok and controller-gen binaries (cached outside the clone)
tools:
	tools/build.sh $(BIN)

## test-deps: the system packages tests run: Prometheus (the analysis tests query a real server) and
## Chromium (the UI's browser tests), installed from Debian when missing (sudo when not root)
test-deps:
	@pkgs=; [ -x /usr/bin/prometheus ] || pkgs="$$pkgs prometheus"; [ -x /usr/bin/chromium ] || pkgs="$$pkgs chromium"; \
	if [ -n "$$pkgs" ]; then \
	  sudo=; if [ "$$(id -u)" != 0 ]; then sudo=sudo; fi; \
	  $$sudo apt-get update && $$sudo apt-get install -y --no-install-recommends $$pkgs; \
	fi

## generate: deepcopy functions and CRD manifests from api/v1alpha1
generate: tools
	$(BIN)/controller-gen object paths=./api/... crd:generateEmbeddedObjectMeta=true paths=./api/... output:crd:artifacts:config=config/crd

## verify-generate: fail when the generated files are stale
verify-generate: tools
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(BIN)/controller-gen object paths=./api/... output:object:dir=$$tmp crd:generateEmbeddedObjectMeta=true output:crd:dir=$$tmp/crd; \
	if ! diff -q $$tmp/zz_generated.deepcopy.go api/v1alpha1/zz_generated.deepcopy.go >/dev/null || \
	   ! diff -rq $$tmp/crd config/crd >/dev/null; then \
	  echo "generated files are stale: run 'make generate' and commit the result" >&2; exit 1; \
	fi

vet:
	go vet ./...

## test: every test, unit and cluster ones (the cluster tests start local control planes)
test: tools test-deps build verify-generate vet
	TIPHYS_BIN_DIR=$(BIN) TIPHYS_REQUIRE_BROWSER=1 go test $(GO_TEST_FLAGS) ./...

## example-apps: Argo CD's example repository on a local plane, every example Synced and Healthy
## (ARGOCD_EXAMPLE_APPS=DIR, a checkout of https://github.com/argoproj/argocd-example-apps)
example-apps: tools
	@if [ -z "$(ARGOCD_EXAMPLE_APPS)" ]; then \
	  echo "usage: make example-apps ARGOCD_EXAMPLE_APPS=DIR (a checkout of https://github.com/argoproj/argocd-example-apps)" >&2; exit 2; fi
	TIPHYS_BIN_DIR=$(BIN) TIPHYS_ARGOCD_EXAMPLE_APPS=$(abspath $(ARGOCD_EXAMPLE_APPS)) \
	  go test $(GO_TEST_FLAGS) -count=1 -v ./test/exampleapps

## bench: benchmarks, each printed beside its baseline
## conformance: the health checks against Argo CD's own fixtures: every fixture of an Argo CD
## checkout's resource_customizations (ARGOCD_REPO=DIR, at least 98 % and all of the platform's groups
## must get Argo CD's status) and, with GITOPS_ENGINE_REPO=DIR, gitops-engine's pkg/health/testdata
conformance:
	@if [ -z "$(ARGOCD_REPO)" ]; then \
	  echo "usage: make conformance ARGOCD_REPO=DIR [GITOPS_ENGINE_REPO=DIR] (checkouts of https://github.com/argoproj/argo-cd and gitops-engine)" >&2; exit 2; fi
	$(MAKE) build
	$(BIN)/tiphys admin health --argocd-repo $(abspath $(ARGOCD_REPO)) --min-match 98
	TIPHYS_ARGOCD_REPO=$(abspath $(ARGOCD_REPO)) $(if $(GITOPS_ENGINE_REPO),TIPHYS_GITOPS_ENGINE_REPO=$(abspath $(GITOPS_ENGINE_REPO))) \
	  go test ./internal/health -run 'TestArgoCDConformance|TestGitopsEngineFixtures' -count=1 -v | grep -E '^(---|ok|FAIL|PASS)|: status'

bench: tools
	go run ./bench/render -apps 1000
	go run ./bench/health -objects 5000
	TIPHYS_BIN_DIR=$(BIN) go run ./bench/sync -apps 100
	TIPHYS_BIN_DIR=$(BIN) go run ./bench/appset -apps 100 -idle 30s
	TIPHYS_BIN_DIR=$(BIN) go run ./bench/rollout -rollouts 200
	TIPHYS_BIN_DIR=$(BIN) go run ./bench/platform -idle 30s
	TIPHYS_BIN_DIR=$(BIN) go run ./bench/server -apps 10000
	$(MAKE) ui
	TIPHYS_BIN_DIR=$(BIN) go run ./bench/ui -apps 100,10000

## bench-large: the sync benchmark with 1000 apps (5000 objects; about 20 minutes)
## (and bench/appset with one ApplicationSet generating 1000 apps)
bench-large: tools
	TIPHYS_BIN_DIR=$(BIN) go run ./bench/sync -apps 1000
	TIPHYS_BIN_DIR=$(BIN) go run ./bench/appset -apps 1000

## demo: the main job — the example platform (examples/go-reliable-gitops) on a management plane
## and a workload plane, synced by the controller from a local Git repository, every app Synced and Healthy
demo: tools build
	$(BIN)/tiphys local demo up --dir $(DEMO_DIR) --example examples/go-reliable-gitops

## demo-down: stop the demo's controllers, Git server and planes
demo-down: build
	$(BIN)/tiphys local demo down --dir $(DEMO_DIR)

clean:
	rm -rf $(BIN) $(STATE) ui/node_modules
	find ui/dist -mindepth 1 ! -name PLACEHOLDER -delete
