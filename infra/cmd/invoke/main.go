// Command invoke runs one function of template.yaml locally, as `sam local
// invoke` does but without Docker: it builds the function for this machine,
// starts it under the AWS Lambda Runtime Interface Emulator with the
// environment template.yaml gives it (values pointing at the local stack of
// `make run`), sends the event and prints the answer as indented JSON.
//
//	go run ./infra/cmd/invoke -fn ApiFunction -event events/api-health.json
//	go run ./infra/cmd/invoke -fn ApiFunction -sam-env-vars   # SAM --env-vars file
//
// The emulator's and the function's logs go to stderr. The exit status is 1
// when the handler returned an error.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/foccolojas/promob-integration/infra/modroot"
	"github.com/foccolojas/promob-integration/infra/rie"
)

func main() {
	fn := flag.String("fn", "", "logical id of the function in template.yaml (ApiFunction, WebhookFunction, …)")
	eventFile := flag.String("event", "", "event file, for example events/api-health.json")
	samEnvVars := flag.Bool("sam-env-vars", false, "print the function's environment as a `sam local invoke --env-vars` file and exit")
	logLevel := flag.String("log-level", envOr("LOG_LEVEL", "DEBUG"), "the function's LOG_LEVEL")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *fn, *eventFile, *samEnvVars, *logLevel); err != nil {
		fmt.Fprintln(os.Stderr, "invoke:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, fn, eventFile string, samEnvVars bool, logLevel string) error {
	if fn == "" || (eventFile == "" && !samEnvVars) {
		return errors.New("usage: invoke -fn <LogicalId> -event <file.json>  (or -fn <LogicalId> -sam-env-vars)")
	}
	root, err := modroot.Dir()
	if err != nil {
		return err
	}
	names, err := environmentNames(filepath.Join(root, "template.yaml"), fn)
	if err != nil {
		return err
	}
	env, err := localEnvironment(fn, names, logLevel)
	if err != nil {
		return err
	}
	if samEnvVars {
		return writeJSON(map[string]map[string]string{fn: env})
	}

	event, err := os.ReadFile(eventFile)
	if err != nil {
		return err
	}
	pkg, err := rie.FunctionPackage(fn)
	if err != nil {
		return err
	}
	bin, err := rie.Binary(root)
	if err != nil {
		return err
	}
	bootstrap, err := rie.Build(ctx, root, pkg, filepath.Join(root, ".local", "invoke", fn))
	if err != nil {
		return err
	}
	env["AWS_LAMBDA_FUNCTION_NAME"] = stackName + "-" + fn
	em, err := rie.Start(ctx, rie.Options{RIE: bin, Bootstrap: bootstrap, Env: env, Log: os.Stderr})
	if err != nil {
		return err
	}
	answer, invokeErr := em.Invoke(ctx, event)
	if err := em.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "invoke: stop emulator:", err)
	}
	if answer != nil {
		var pretty bytes.Buffer
		if json.Indent(&pretty, answer, "", "  ") == nil {
			answer = pretty.Bytes()
		}
		fmt.Println(string(answer))
	}
	return invokeErr
}

func writeJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
