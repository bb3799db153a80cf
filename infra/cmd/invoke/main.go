// Command invoke runs one function of template.yaml locally, as `sam local
// invoke` does but without Docker: it builds the function for this machine,
// starts it under the AWS Lambda Runtime Interface Emulator with the
// environment template.yaml gives it (values pointing at the local stack of
// `make run`), sends the event and prints the answer as indented JSON.
//
//	go run ./infra/cmd/invoke -fn ApiFunction -event events/api-health.json
//	go run ./infra/cmd/invoke -fn ApiFunction -sam-env-vars   # SAM --env-vars file
//	go run ./infra/cmd/invoke -fn WebhookFunction -event events/webhook-environment-saved.json -print-event   # the event sam sends
//
// A Promob webhook event (a webhook-id header) is stamped with the current
// time and signed with the current secret of its account in the local
// table, so that a sample signed long ago verifies today; an account the
// table does not know is left as it is (the function answers 404).
//
// The function's logs (INFO and above) go to stderr; -verbose adds its DEBUG
// lines and the emulator's own. -dynamodb, -sqs, -promob and -stack point
// the function at another local stack than make run's. The exit status is 1
// when the handler returned an error.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/foccolojas/promob-integration/infra/modroot"
	"github.com/foccolojas/promob-integration/infra/rie"
)

func main() {
	o := options{local: makeRun, out: os.Stdout, log: os.Stderr}
	flag.StringVar(&o.fn, "fn", "", "logical id of the function in template.yaml (ApiFunction, WebhookFunction, …)")
	flag.StringVar(&o.eventFile, "event", "", "event file, for example events/api-health.json")
	flag.BoolVar(&o.samEnvVars, "sam-env-vars", false, "print the function's environment as a `sam local invoke --env-vars` file and exit")
	flag.BoolVar(&o.printEvent, "print-event", false, "print the event as it would be sent (webhooks stamped and signed) and exit")
	flag.BoolVar(&o.verbose, "verbose", false, "also show the function's DEBUG lines and the emulator's log")
	flag.StringVar(&o.logLevel, "log-level", os.Getenv("LOG_LEVEL"), "the function's LOG_LEVEL (default INFO, DEBUG with -verbose)")
	flag.StringVar(&o.local.DynamoEndpoint, "dynamodb", makeRun.DynamoEndpoint, "DynamoDB endpoint of the local stack")
	flag.StringVar(&o.local.SQSEndpoint, "sqs", makeRun.SQSEndpoint, "SQS endpoint of the local stack")
	flag.StringVar(&o.local.PromobEndpoint, "promob", makeRun.PromobEndpoint, "Promob API of the local stack")
	flag.StringVar(&o.local.StackName, "stack", makeRun.StackName, "stack name the local stack's table and queues are named under")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "invoke:", err)
		os.Exit(1)
	}
}

// options are what one invocation does.
type options struct {
	fn, eventFile       string
	samEnvVars, verbose bool
	printEvent          bool
	logLevel            string
	local               target
	// out receives the answer (or the --env-vars file), log the logs.
	out, log io.Writer
}

func run(ctx context.Context, o options) error {
	if o.fn == "" || (o.eventFile == "" && !o.samEnvVars) {
		return errors.New("usage: invoke -fn <LogicalId> -event <file.json>  (or -fn <LogicalId> -sam-env-vars)")
	}
	root, err := modroot.Dir()
	if err != nil {
		return err
	}
	names, err := environmentNames(filepath.Join(root, "template.yaml"), o.fn)
	if err != nil {
		return err
	}
	level := o.logLevel
	if level == "" {
		level = "INFO"
		if o.verbose {
			level = "DEBUG"
		}
	}
	env, err := localEnvironment(o.fn, names, level, o.local)
	if err != nil {
		return err
	}
	if o.samEnvVars {
		return writeJSON(o.out, map[string]map[string]string{o.fn: env})
	}

	event, err := os.ReadFile(o.eventFile)
	if err != nil {
		return err
	}
	if event, err = stampWebhook(ctx, event, o.local, time.Now()); err != nil {
		return err
	}
	if o.printEvent {
		_, err := fmt.Fprintln(o.out, string(event))
		return err
	}
	pkg, err := rie.FunctionPackage(o.fn)
	if err != nil {
		return err
	}
	bin, err := rie.Binary(root)
	if err != nil {
		return err
	}
	bootstrap, err := rie.Build(ctx, root, pkg, filepath.Join(root, ".local", "invoke", o.fn))
	if err != nil {
		return err
	}
	env["AWS_LAMBDA_FUNCTION_NAME"] = o.local.StackName + "-" + o.fn
	em, err := rie.Start(ctx, rie.Options{RIE: bin, Bootstrap: bootstrap, Env: env, Log: o.log, FunctionOnly: !o.verbose})
	if err != nil {
		return err
	}
	answer, invokeErr := em.Invoke(ctx, event)
	if err := em.Stop(); err != nil {
		fmt.Fprintln(o.log, "invoke: stop emulator:", err)
	}
	if answer != nil {
		var pretty bytes.Buffer
		if json.Indent(&pretty, answer, "", "  ") == nil {
			answer = pretty.Bytes()
		}
		fmt.Fprintln(o.out, string(answer))
	}
	return invokeErr
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
