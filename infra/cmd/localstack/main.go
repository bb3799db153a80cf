// Command localstack runs the whole backend on this machine (what `make run`
// starts): DynamoDB Local and fauxqs as child processes, the table and queues
// of template.yaml in them, the HTTP API on a local gateway, the queue
// workers, and the Promob simulator. Data is kept under -data between runs.
// SIGINT or SIGTERM stops everything, child processes included.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"

	"github.com/foccolojas/promob-integration/infra/localenv"
	"github.com/foccolojas/promob-integration/infra/localstack"
	"github.com/foccolojas/promob-integration/infra/modroot"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/promob/promobsim"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "localstack:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("localstack", flag.ContinueOnError)
	dynamoPort := fs.Int("dynamodb-port", 3010, "`port` of DynamoDB Local")
	sqsPort := fs.Int("sqs-port", 3011, "`port` of fauxqs")
	dataDir := fs.String("data", "", "`directory` that keeps the local data (default: .local at the module root)")
	addr := fs.String("addr", "127.0.0.1:3000", "`address` of the HTTP API gateway")
	simAddr := fs.String("sim-addr", "127.0.0.1:3001", "`address` of the Promob simulator")
	template := fs.String("template", "", "SAM template `path` (default: template.yaml at the module root)")
	stack := fs.String("stack", localstack.DefaultStackName, "stack `name` (prefix of the table and queue names)")
	visibility := fs.Int("visibility-timeout", 0, "override every queue's visibility timeout (`seconds`; 0 keeps the template's)")
	origins := fs.String("allowed-origins", "", "comma-separated browser `origins` allowed by CORS (default: the gateway's own and "+localstack.DevServerOrigin+")")
	if err := fs.Parse(args); err != nil {
		return err
	}

	params := map[string]string{}
	if lv := os.Getenv("LOG_LEVEL"); lv != "" {
		params["LogLevel"] = lv
	}
	if *origins != "" {
		params["AllowedOrigins"] = *origins
	}
	secret := os.Getenv("LOCAL_JWT_SECRET")
	if secret == "" {
		secret = localstack.DefaultJWTSecret
	}

	if *dataDir == "" {
		root, err := modroot.Dir()
		if err != nil {
			return err
		}
		*dataDir = filepath.Join(root, ".local")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env, err := localenv.Start(ctx, localenv.Options{DynamoPort: *dynamoPort, SQSPort: *sqsPort, DataDir: *dataDir, Log: out})
	if err != nil {
		return err
	}
	defer env.Stop()
	sim, err := promobsim.New(promobsim.Options{
		DataFile: filepath.Join(*dataDir, "promobsim.json"),
		Log:      logging.New(out, os.Getenv("LOG_LEVEL")).With("component", "promobsim"),
	})
	if err != nil {
		return err
	}
	dynamo, sqsURL := &env.DynamoEndpoint, &env.SQSEndpoint
	st, err := localstack.Start(ctx, localstack.Config{
		TemplatePath:              *template,
		StackName:                 *stack,
		DynamoEndpoint:            *dynamo,
		SQSEndpoint:               *sqsURL,
		AWS:                       env.AWSConfig(),
		Addr:                      *addr,
		Parameters:                params,
		Simulator:                 sim,
		SimulatorAddr:             *simAddr,
		JWTSecret:                 secret,
		Console:                   true,
		VisibilityTimeoutOverride: *visibility,
		Log:                       out,
	})
	if err != nil {
		return err
	}
	printEndpoints(out, st, *dynamo, *sqsURL)
	<-ctx.Done()
	fmt.Fprintln(out, "stopping…")
	return st.Stop()
}

func printEndpoints(w io.Writer, st *localstack.Stack, dynamo, sqsURL string) {
	res := st.Resources()
	fmt.Fprintf(w, "gateway    %s\n", st.URL())
	fmt.Fprintf(w, "  health   %s/health\n", st.URL())
	fmt.Fprintf(w, "  openapi  %s/openapi.json\n", st.URL())
	fmt.Fprintf(w, "  webhooks %s/webhooks/promob/{accountId}\n", st.URL())
	fmt.Fprintf(w, "console    %s/console/\n", st.URL())
	if st.SimURL() != "" {
		fmt.Fprintf(w, "simulator  %s\n", st.SimURL())
	} else {
		fmt.Fprintln(w, "simulator  not started")
	}
	fmt.Fprintf(w, "dynamodb   %s  table %s\n", dynamo, res.TableName)
	fmt.Fprintf(w, "sqs        %s\n", sqsURL)
	for _, id := range slices.Sorted(maps.Keys(res.Queues)) {
		q := res.Queues[id]
		fmt.Fprintf(w, "  %-20s %s\n", id, q.URL)
	}
}
