package dynamotest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// VarEndpoint names the DynamoDB Local that serves a whole test run; `make
// test` sets it (infra/cmd/testenv, whose localenv.VarDynamoEndpoint is the
// same name).
const VarEndpoint = "TEST_DYNAMODB_ENDPOINT"

// Local is a DynamoDB Local for the tests of a package.
type Local struct {
	Endpoint string // "http://127.0.0.1:PORT"
}

// DynamoDB returns a client bound to the server.
func (l *Local) DynamoDB() *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		BaseEndpoint: aws.String(l.Endpoint),
	})
}

// MainForTest is for TestMain: it hands set the run's DynamoDB Local (see
// VarEndpoint), else one started for this test binary with `go run
// …/infra/cmd/testenv -serve` and stopped after the tests; runs the tests and exits with their status. When no server can be
// had it prints the reason and exits with status 1 without running them.
func MainForTest(m *testing.M, set func(*Local)) {
	endpoint, stop := os.Getenv(VarEndpoint), func() error { return nil }
	if endpoint == "" {
		var err error
		if endpoint, stop, err = serve(); err != nil {
			fmt.Fprintf(os.Stderr, "DynamoDB Local: %v\n", err)
			os.Exit(1)
		}
	}
	set(&Local{Endpoint: endpoint})
	code := m.Run()
	if err := stop(); err != nil {
		fmt.Fprintf(os.Stderr, "stop DynamoDB Local: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// serve starts testenv -serve and returns the endpoint it prints and how to
// stop it (closing its stdin).
func serve() (string, func() error, error) {
	// By import path: go resolves it in this module from any directory in it.
	cmd := exec.Command("go", "run", "github.com/foccolojas/promob-integration/infra/cmd/testenv", "-serve")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() error {
		_ = stdin.Close()
		return cmd.Wait()
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), VarEndpoint+"="); ok {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return v, stop, nil
		}
	}
	return "", nil, errors.Join(errors.New("testenv -serve ended without naming an endpoint"), stop())
}
