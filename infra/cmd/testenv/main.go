// Command testenv starts one DynamoDB Local and one fauxqs for a whole test
// run and hands their endpoints to the tests through TEST_DYNAMODB_ENDPOINT
// and TEST_SQS_ENDPOINT (localenv.VarDynamoEndpoint, VarSQSEndpoint). Each
// test package then creates tables and queues of its own on them instead of
// starting its own pair.
//
//	testenv -- go test -count=1 ./...   runs the command with the variables set and exits with its status
//	testenv -serve                      prints the variables (NAME=value, one a line), serves until stdin closes
//
// The second form is how a test package run alone with `go test` starts a
// pair without importing infra/. Both stop the pair on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/foccolojas/promob-integration/infra/localenv"
)

func main() {
	serve := flag.Bool("serve", false, "print the endpoint variables and serve until stdin closes")
	flag.Parse()
	code, err := run(*serve, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func run(serve bool, command []string) (int, error) {
	if !serve && len(command) == 0 {
		return 2, errors.New("usage: testenv -- command [args…] | testenv -serve")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	env, err := localenv.Start(ctx, localenv.Options{})
	if err != nil {
		return 1, err
	}
	vars := map[string]string{localenv.VarDynamoEndpoint: env.DynamoEndpoint, localenv.VarSQSEndpoint: env.SQSEndpoint}
	var code int
	if serve {
		for k, v := range vars {
			fmt.Printf("%s=%s\n", k, v)
		}
		done := make(chan struct{})
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
		}
	} else {
		code, err = runCommand(command, vars)
	}
	return code, errors.Join(err, env.Stop())
}

// runCommand runs the command with the variables added to the environment
// and returns its exit status.
func runCommand(command []string, vars map[string]string) (int, error) {
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = os.Environ()
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	if err != nil {
		return 1, err
	}
	return 0, nil
}
