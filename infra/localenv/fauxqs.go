package localenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/foccolojas/promob-integration/infra/proc"
)

// fauxqsHost is the host name fauxqs.mjs gives fauxqs for its queue URLs.
const fauxqsHost = "127.0.0.1"

// fauxqsReady starts the line fauxqs.mjs prints once it listens.
const fauxqsReady = "fauxqs ready port="

// startFauxqs starts fauxqs under Node 22 and waits until it answers
// ListQueues. With no port given, fauxqs picks a free one and reports it.
func startFauxqs(ctx context.Context, p parts, opts Options) (*proc.Process, string, error) {
	args := []string{"--disable-warning=ExperimentalWarning", p.fauxqsJS, "--port", strconv.Itoa(opts.SQSPort)}
	if opts.DataDir != "" {
		dir := filepath.Join(opts.DataDir, "sqs")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, "", fmt.Errorf("sqs data directory: %w", err)
		}
		args = append(args, "--data-dir", dir)
	}
	cmd := exec.Command(p.node, args...)
	cmd.Dir = filepath.Dir(p.fauxqsJS)
	var port atomic.Int64
	child, err := proc.Start(cmd, proc.Options{Name: "fauxqs", Log: opts.Log, OnLine: func(line string) {
		if v, ok := strings.CutPrefix(line, fauxqsReady); ok {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				port.Store(int64(n))
			}
		}
	}})
	if err != nil {
		return nil, "", err
	}
	var client *sqs.Client
	var ep string
	err = child.WaitReady(ctx, readyTimeout, func(ctx context.Context) error {
		if client == nil {
			n := int(port.Load())
			if n == 0 {
				return errors.New("no ready line yet")
			}
			ep = endpoint(n)
			client = sqs.NewFromConfig(awsConfig(), func(o *sqs.Options) {
				o.BaseEndpoint = aws.String(ep)
				o.RetryMaxAttempts = 1
			})
		}
		_, err := client.ListQueues(ctx, &sqs.ListQueuesInput{})
		return err
	})
	if err != nil {
		_ = child.Stop(stopGrace)
		return nil, "", err
	}
	return child, ep, nil
}
