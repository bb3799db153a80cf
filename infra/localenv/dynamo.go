package localenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/foccolojas/promob-integration/infra/proc"
)

// startDynamo starts DynamoDB Local and waits until it answers ListTables. A
// port it picked itself that another process takes first is picked again.
func startDynamo(ctx context.Context, p parts, opts Options) (*proc.Process, string, error) {
	storage := []string{"-inMemory"}
	if opts.DataDir != "" {
		dir := filepath.Join(opts.DataDir, "dynamodb")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, "", fmt.Errorf("dynamodb data directory: %w", err)
		}
		storage = []string{"-dbPath", dir}
	}
	const attempts = 3
	for attempt := 1; ; attempt++ {
		port := opts.DynamoPort
		if port == 0 {
			var err error
			if port, err = proc.FreePort(); err != nil {
				return nil, "", fmt.Errorf("dynamodb port: %w", err)
			}
		}
		args := append([]string{
			"-Djava.library.path=" + filepath.Join(p.dynamoDir, "DynamoDBLocal_lib"),
			"-jar", filepath.Join(p.dynamoDir, "DynamoDBLocal.jar"),
			"-port", strconv.Itoa(port),
			"-sharedDb", "-disableTelemetry",
		}, storage...)
		cmd := exec.Command(p.java, args...)
		cmd.Dir = p.dynamoDir
		child, err := proc.Start(cmd, proc.Options{Name: "dynamodb", Log: opts.Log})
		if err != nil {
			return nil, "", err
		}
		ep := endpoint(port)
		client := dynamodb.NewFromConfig(awsConfig(), func(o *dynamodb.Options) {
			o.BaseEndpoint = aws.String(ep)
			o.RetryMaxAttempts = 1
		})
		err = child.WaitReady(ctx, readyTimeout, func(ctx context.Context) error {
			if err := dialCheck(ctx, "127.0.0.1:"+strconv.Itoa(port)); err != nil {
				return err
			}
			_, err := client.ListTables(ctx, &dynamodb.ListTablesInput{Limit: aws.Int32(1)})
			return err
		})
		if err == nil {
			return child, ep, nil
		}
		_ = child.Stop(stopGrace)
		if opts.DynamoPort != 0 || attempt == attempts || !strings.Contains(child.Tail(), "Address already in use") {
			return nil, "", err
		}
	}
}
