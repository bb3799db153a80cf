// Package localenv runs the local stand-ins for the AWS services the
// functions use: DynamoDB Local (Java) for DynamoDB and fauxqs (Node 22) for
// SQS, both installed by `npm ci --prefix infra`. The local stack and the
// tests that need a real DynamoDB or SQS protocol server start them here.
package localenv

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/foccolojas/promob-integration/infra/modroot"
	"github.com/foccolojas/promob-integration/infra/proc"
)

// Region is the AWS region of the local stack.
const Region = "us-east-1"

// AccountID is the account id fauxqs puts in queue URLs and ARNs.
const AccountID = "000000000000"

// PromobTokenKey is the development key (base64 of 32 bytes) the local
// stack gives the functions as PROMOB_TOKEN_KEY, in place of the Secrets
// Manager secret the template names. It protects nothing: never use it in
// the cloud.
const PromobTokenKey = "bG9jYWwtZGV2LXByb21vYi10b2tlbi1rZXktMzJieXQ="

const (
	readyTimeout = 60 * time.Second
	stopGrace    = 5 * time.Second
)

// Options configures Start.
type Options struct {
	// DynamoPort and SQSPort are the ports to listen on; 0 picks free ones.
	DynamoPort, SQSPort int
	// DataDir, when set, keeps the data under DataDir/dynamodb and
	// DataDir/sqs across restarts; "" keeps it in memory.
	DataDir string
	// Log receives the children's output, each line prefixed with
	// [dynamodb] or [fauxqs]; nil discards it.
	Log io.Writer
	// InfraDir is the directory holding node_modules and fauxqs.mjs;
	// "" means infra/ under the module root.
	InfraDir string
}

// Env is a running local stack.
type Env struct {
	DynamoEndpoint string // "http://127.0.0.1:PORT"
	SQSEndpoint    string // "http://127.0.0.1:PORT"

	parts          parts
	opts           Options
	dynamo, fauxqs *proc.Process
}

// Start starts DynamoDB Local and fauxqs and returns once both answer API
// calls. ctx bounds the start only; call Stop to end them. It fails with a
// message naming what to install when Java 17+ or the npm packages are
// missing, and with the child's last output when a child does not become
// ready within a minute.
func Start(ctx context.Context, opts Options) (*Env, error) {
	infraDir := opts.InfraDir
	if infraDir == "" {
		root, err := modroot.Dir()
		if err != nil {
			return nil, err
		}
		infraDir = filepath.Join(root, "infra")
	}
	p, err := findParts(ctx, infraDir)
	if err != nil {
		return nil, err
	}

	e := &Env{parts: p, opts: opts}
	var dynamoErr, sqsErr error
	var wg sync.WaitGroup
	wg.Go(func() { e.dynamo, e.DynamoEndpoint, dynamoErr = startDynamo(ctx, p, opts) })
	wg.Go(func() { e.fauxqs, e.SQSEndpoint, sqsErr = startFauxqs(ctx, p, opts) })
	wg.Wait()
	if err := errors.Join(dynamoErr, sqsErr); err != nil {
		_ = e.Stop()
		return nil, err
	}
	return e, nil
}

// Stop ends both children (their whole process groups) and waits for them.
// It returns an error when a child had crashed before Stop or could not be
// signalled. Calling it again returns the same result.
func (e *Env) Stop() error {
	var errs [2]error
	var wg sync.WaitGroup
	for i, p := range []*proc.Process{e.dynamo, e.fauxqs} {
		if p != nil {
			wg.Go(func() { errs[i] = p.Stop(stopGrace) })
		}
	}
	wg.Wait()
	return errors.Join(errs[:]...)
}

// AWSConfig returns a configuration for the local stack: region us-east-1 and
// static credentials "local"/"local". It sets no endpoint: pass BaseEndpoint
// per client, or use DynamoDB and SQS.
func (e *Env) AWSConfig() aws.Config { return awsConfig() }

func awsConfig() aws.Config {
	return aws.Config{
		Region:      Region,
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
	}
}

// Vars returns the SDK's endpoint variables that point a function at the
// local stack.
func (e *Env) Vars() map[string]string {
	return map[string]string{
		"AWS_ENDPOINT_URL_DYNAMODB": e.DynamoEndpoint,
		"AWS_ENDPOINT_URL_SQS":      e.SQSEndpoint,
	}
}

// DynamoDB returns a client bound to DynamoDB Local.
func (e *Env) DynamoDB() *dynamodb.Client {
	return dynamodb.NewFromConfig(e.AWSConfig(), func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(e.DynamoEndpoint)
	})
}

// SQS returns a client bound to fauxqs.
func (e *Env) SQS() *sqs.Client {
	return sqs.NewFromConfig(e.AWSConfig(), func(o *sqs.Options) {
		o.BaseEndpoint = aws.String(e.SQSEndpoint)
	})
}

// QueueURL returns the URL fauxqs gives the queue named name (us-east-1) when
// it listens at sqsEndpoint ("http://127.0.0.1:PORT"). The host in the URL is
// a name, not an address: SDK clients send requests to their endpoint and
// pass the URL as a parameter.
func QueueURL(sqsEndpoint, name string) string {
	var port string
	if u, err := url.Parse(sqsEndpoint); err == nil {
		port = u.Port()
	}
	return "http://sqs." + Region + "." + fauxqsHost + ":" + port + "/" + AccountID + "/" + name
}

func endpoint(port int) string { return "http://127.0.0.1:" + strconv.Itoa(port) }

// dialCheck fails unless something accepts TCP connections at addr.
func dialCheck(ctx context.Context, addr string) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return c.Close()
}
