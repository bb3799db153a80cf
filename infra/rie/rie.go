// Package rie runs a Lambda function's bootstrap binary under the AWS Lambda
// Runtime Interface Emulator (the program `sam local invoke` runs inside its
// container) and invokes it with an event, so that the functions can be tried
// and tested locally as Lambda runs them.
package rie

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/foccolojas/promob-integration/infra/proc"
)

// invokePath is where the emulator accepts invocations.
const invokePath = "/2015-03-31/functions/function/invocations"

// Options configures Start.
type Options struct {
	// RIE is the path of the aws-lambda-rie executable (see Binary).
	RIE string
	// Bootstrap is the path of the function's binary (see Build).
	Bootstrap string
	// Env is the function's environment. The function sees only these
	// variables, PATH and what the emulator adds.
	Env map[string]string
	// Log receives the emulator's and the function's output, each line
	// prefixed with [rie]; nil discards it.
	Log io.Writer
	// FunctionOnly keeps the emulator's own lines out of Log, leaving the
	// function's.
	FunctionOnly bool
}

// Emulator is a running runtime interface emulator with one function.
type Emulator struct {
	url  string
	proc *proc.Process
}

// FunctionError is the error a function's handler returned; the emulator
// answers it as {"errorMessage", "errorType"}.
type FunctionError struct {
	Message string `json:"errorMessage"`
	Type    string `json:"errorType"`
}

func (e *FunctionError) Error() string { return e.Type + ": " + e.Message }

// Start starts the emulator on a free 127.0.0.1 port with the function and
// returns once it accepts connections. It fails when the emulator cannot be
// started or does not listen within 30 seconds (with its last output).
func Start(ctx context.Context, opts Options) (*Emulator, error) {
	port, err := proc.FreePort()
	if err != nil {
		return nil, err
	}
	// The function's Runtime API gets a free port too: its default,
	// 127.0.0.1:9001, would clash between emulators running at once.
	apiPort, err := proc.FreePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(opts.RIE, "--runtime-interface-emulator-address", addr,
		"--runtime-api-address", net.JoinHostPort("127.0.0.1", strconv.Itoa(apiPort)), opts.Bootstrap)
	cmd.Dir = filepath.Dir(opts.Bootstrap)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range opts.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	popts := proc.Options{Name: "rie", Log: opts.Log}
	if opts.FunctionOnly {
		popts.Quiet = emulatorLine
	}
	p, err := proc.Start(cmd, popts)
	if err != nil {
		return nil, err
	}
	err = p.WaitReady(ctx, 30*time.Second, func(ctx context.Context) error {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		return c.Close()
	})
	if err != nil {
		_ = p.Stop(time.Second)
		return nil, err
	}
	return &Emulator{url: "http://" + addr + invokePath, proc: p}, nil
}

// Invoke sends the event to the function and returns its answer. When the
// handler returned an error, the answer comes back with a *FunctionError. It
// fails when the emulator cannot be reached or answers with a non-200 status
// (for example when the function crashed).
func (e *Emulator) Invoke(ctx context.Context, event []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(event))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("send the event: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return body, fmt.Errorf("the emulator answered %s %s; last output:\n%s", resp.Status, body, e.proc.Tail())
	}
	var fe FunctionError
	if json.Unmarshal(body, &fe) == nil && (fe.Message != "" || fe.Type != "") {
		return body, &fe
	}
	return body, nil
}

// Stop ends the emulator, which ends the function, and waits for it. It
// returns an error when the emulator had crashed before.
func (e *Emulator) Stop() error { return e.proc.Stop(3 * time.Second) }

// emulatorLine reports whether a line of the emulator's output is its own
// (its "(rapid)" lines and its START, END and REPORT lines) rather than the
// function's.
func emulatorLine(line string) bool {
	if strings.Contains(line, "(rapid)") {
		return true
	}
	for _, p := range []string{"START RequestId:", "END RequestId:", "REPORT RequestId:"} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}
