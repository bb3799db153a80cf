// Command localstack runs the whole backend on this machine (what `make run`
// starts): the table and queues of template.yaml in DynamoDB Local and
// fauxqs, the HTTP API on a local gateway, and the queue workers. It expects
// DynamoDB Local and fauxqs to be listening at -dynamodb and -sqs, and stops
// cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/foccolojas/promob-integration/infra/localstack"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "localstack:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("localstack", flag.ContinueOnError)
	dynamo := fs.String("dynamodb", "http://127.0.0.1:3010", "DynamoDB Local `endpoint`")
	sqsURL := fs.String("sqs", "http://127.0.0.1:3011", "fauxqs `endpoint`")
	addr := fs.String("addr", "127.0.0.1:3000", "`address` of the HTTP API gateway")
	simAddr := fs.String("sim-addr", "127.0.0.1:3001", "`address` of the Promob simulator")
	template := fs.String("template", "", "SAM template `path` (default: template.yaml at the module root)")
	stack := fs.String("stack", localstack.DefaultStackName, "stack `name` (prefix of the table and queue names)")
	visibility := fs.Int("visibility-timeout", 0, "override every queue's visibility timeout (`seconds`; 0 keeps the template's)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	params := map[string]string{}
	if lv := os.Getenv("LOG_LEVEL"); lv != "" {
		params["LogLevel"] = lv
	}
	secret := os.Getenv("LOCAL_JWT_SECRET")
	if secret == "" {
		secret = localstack.DefaultJWTSecret
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := localstack.Start(ctx, localstack.Config{
		TemplatePath:              *template,
		StackName:                 *stack,
		DynamoEndpoint:            *dynamo,
		SQSEndpoint:               *sqsURL,
		AWS:                       localAWS(),
		Addr:                      *addr,
		Parameters:                params,
		SimulatorAddr:             *simAddr,
		JWTSecret:                 secret,
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

// localAWS is the configuration of the local servers: region us-east-1 and
// static credentials they accept.
func localAWS() aws.Config {
	return aws.Config{
		Region: localstack.DefaultRegion,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local", Source: "localstack"}, nil
		}),
	}
}

func printEndpoints(w io.Writer, st *localstack.Stack, dynamo, sqsURL string) {
	res := st.Resources()
	fmt.Fprintf(w, "gateway    %s\n", st.URL())
	fmt.Fprintf(w, "  health   %s/health\n", st.URL())
	fmt.Fprintf(w, "  openapi  %s/openapi.json\n", st.URL())
	fmt.Fprintf(w, "  webhooks %s/webhooks/promob/{accountId}\n", st.URL())
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
