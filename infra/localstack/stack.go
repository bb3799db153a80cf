// Package localstack runs the template's functions locally the way AWS runs
// them: it creates the table and queues in DynamoDB Local and fauxqs, serves
// the HTTP routes like API Gateway's HTTP API and feeds the SQS functions like
// Lambda's event source mappings.
package localstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/foccolojas/promob-integration/infra/localenv"
	"github.com/foccolojas/promob-integration/infra/modroot"
	"github.com/foccolojas/promob-integration/infra/samtemplate"
	"github.com/foccolojas/promob-integration/shared/functions"
)

// Defaults of Config, as the local environment uses them.
const (
	DefaultStackName = "promob-local"
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "000000000000"
	DefaultJWTSecret = "local-dev-secret"
	DefaultIssuer    = "foccolojas-local"
	DefaultAudience  = "promob-integration"
)

// Config configures a Stack.
type Config struct {
	// TemplatePath is the SAM template; "" means template.yaml at the module
	// root (found by walking up from the working directory to go.mod).
	TemplatePath string
	StackName    string // DefaultStackName when ""
	Region       string // DefaultRegion when ""
	AccountID    string // DefaultAccountID when ""

	DynamoEndpoint string // http://127.0.0.1:PORT of DynamoDB Local
	SQSEndpoint    string // http://127.0.0.1:PORT of fauxqs
	AWS            aws.Config

	// Addr is where the gateway listens; "" means 127.0.0.1 on a free port.
	Addr string
	// Parameters override the template's parameters. JwtIssuer and
	// JwtAudience default to DefaultIssuer and DefaultAudience, and
	// PromobApiUrl to the simulator's URL when there is a simulator.
	Parameters map[string]string
	// Env adds or overrides variables of every function's environment;
	// PROMOB_TOKEN_KEY defaults to localenv.PromobTokenKey.
	Env map[string]string
	// Handlers replace the functions of the logical ids they name: the
	// stack serves or feeds the given handler instead of building the
	// function through Registry (tests use it to observe what a
	// function receives). A replacement must have the handler its events
	// need, like any function.
	Handlers map[string]functions.Function

	// Simulator, when set, is served at SimulatorAddr ("" means 127.0.0.1 on
	// a free port) as the Promob API.
	Simulator     http.Handler
	SimulatorAddr string

	// JWTSecret signs and verifies the HS256 tokens; DefaultJWTSecret when "".
	JWTSecret string
	// VisibilityTimeoutOverride, when positive, replaces every queue's
	// visibility timeout (seconds).
	VisibilityTimeoutOverride int
	// Log receives the stack's JSON logs; nil discards them.
	Log io.Writer
}

// Stack is the running local stack.
type Stack struct {
	log        *slog.Logger
	resources  *Resources
	authorizer JWTAuthorizer
	url        string
	simURL     string
	servers    []*http.Server
	served     sync.WaitGroup
	stopPoll   context.CancelFunc
	polling    sync.WaitGroup
	stopOnce   sync.Once
	stopErr    error
}

// Start bootstraps the table and queues, assembles every function of the
// template through Registry (or takes it from cfg.Handlers),
// serves the gateway (and the simulator) and starts the queue pollers. A
// function whose constructor fails is skipped with a warning. It returns an
// error when the template cannot be read or resolved, when bootstrapping
// fails or when an address cannot be listened on; nothing keeps running then.
func Start(ctx context.Context, cfg Config) (*Stack, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	tpl, err := samtemplate.Load(cfg.TemplatePath)
	if err != nil {
		return nil, err
	}
	s := &Stack{log: slog.New(slog.NewJSONHandler(cfg.Log, nil))}
	ok := false
	defer func() {
		if !ok {
			_ = s.Stop()
		}
	}()

	if cfg.Simulator != nil {
		if s.simURL, err = s.serve(cfg.SimulatorAddr, cfg.Simulator, "simulator"); err != nil {
			return nil, err
		}
		if _, set := cfg.Parameters["PromobApiUrl"]; !set {
			cfg.Parameters["PromobApiUrl"] = s.simURL
		}
	}

	ddb := dynamodb.NewFromConfig(cfg.AWS, func(o *dynamodb.Options) { o.BaseEndpoint = aws.String(cfg.DynamoEndpoint) })
	sq := sqs.NewFromConfig(cfg.AWS, func(o *sqs.Options) { o.BaseEndpoint = aws.String(cfg.SQSEndpoint) })
	s.resources, err = Bootstrap(ctx, tpl, ddb, sq, BootstrapOptions{
		Context: samtemplate.Context{
			StackName: cfg.StackName, Region: cfg.Region, AccountID: cfg.AccountID, Parameters: cfg.Parameters,
		},
		VisibilityTimeoutOverride: cfg.VisibilityTimeoutOverride,
	})
	if err != nil {
		return nil, err
	}
	r, err := tpl.Resolver(s.resources.Context)
	if err != nil {
		return nil, err
	}
	fns, err := r.Functions()
	if err != nil {
		return nil, err
	}

	var endpoints []Endpoint
	var pollers []*Poller
	for _, fn := range fns {
		f, err := s.assemble(ctx, cfg, fn)
		if err != nil {
			s.log.Warn("function skipped", "function", fn.LogicalID, "err", err)
			continue
		}
		timeout := time.Duration(fn.Timeout) * time.Second
		for _, rt := range fn.HTTPRoutes {
			endpoints = append(endpoints, Endpoint{Route: rt, Function: fn.LogicalID, Timeout: timeout, Handler: f.HTTP})
		}
		for _, src := range fn.SQSEvents {
			pollers = append(pollers, &Poller{
				Client: sq, Function: fn.LogicalID, Source: src, Queue: s.resources.Queues[src.QueueLogicalID],
				Region: cfg.Region, Timeout: timeout, Handler: f.SQS, Log: s.log, Concurrency: LambdaInitialPollers,
			})
		}
	}

	gw, err := s.gateway(r, cfg, fns, endpoints)
	if err != nil {
		return nil, err
	}
	if s.url, err = s.serve(cfg.Addr, gw, "gateway"); err != nil {
		return nil, err
	}
	pollCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.stopPoll = cancel
	for _, p := range pollers {
		s.polling.Go(func() { p.Run(pollCtx) })
	}
	ok = true
	return s, nil
}

// assemble returns the function's replacement from cfg.Handlers, or builds
// the function with its resolved environment plus the local endpoints; it
// checks the function has the handler its events need.
func (s *Stack) assemble(ctx context.Context, cfg Config, fn samtemplate.Function) (functions.Function, error) {
	if f, ok := cfg.Handlers[fn.LogicalID]; ok {
		return checkHandlers(fn, f)
	}
	ctor, ok := Registry[fn.LogicalID]
	if !ok {
		return functions.Function{}, errors.New("not in Registry")
	}
	env := map[string]string{
		"AWS_ENDPOINT_URL_DYNAMODB": cfg.DynamoEndpoint,
		"AWS_ENDPOINT_URL_SQS":      cfg.SQSEndpoint,
		"AWS_REGION":                cfg.Region,
	}
	for k, v := range fn.Env {
		env[k] = v
	}
	for k, v := range cfg.Env {
		env[k] = v
	}
	f, err := ctor(ctx, func(name string) string { return env[name] }, cfg.AWS)
	if err != nil {
		return functions.Function{}, err
	}
	return checkHandlers(fn, f)
}

// checkHandlers returns f, or an error when f lacks the handler the
// function's events need.
func checkHandlers(fn samtemplate.Function, f functions.Function) (functions.Function, error) {
	if len(fn.HTTPRoutes) > 0 && f.HTTP == nil {
		return functions.Function{}, errors.New("it has HttpApi events but no HTTP handler")
	}
	if len(fn.SQSEvents) > 0 && f.SQS == nil {
		return functions.Function{}, errors.New("it has SQS events but no SQS handler")
	}
	return f, nil
}

// gateway builds the gateway of the template's HTTP API. It returns an error
// when the routes belong to more than one API.
func (s *Stack) gateway(r *samtemplate.Resolver, cfg Config, fns []samtemplate.Function, endpoints []Endpoint) (*Gateway, error) {
	var apiID string
	for _, fn := range fns {
		for _, rt := range fn.HTTPRoutes {
			if apiID != "" && rt.API != apiID {
				return nil, fmt.Errorf("routes belong to both %s and %s; the local gateway serves one HTTP API", apiID, rt.API)
			}
			apiID = rt.API
		}
	}
	gc := GatewayConfig{AccountID: cfg.AccountID, Endpoints: endpoints, Authorizers: map[string]JWTAuthorizer{}, Log: s.log}
	if apiID != "" {
		api, err := r.HTTPAPI(apiID)
		if err != nil {
			return nil, err
		}
		gc.APIID = api.ID
		for name, a := range api.Authorizers {
			gc.Authorizers[name] = JWTAuthorizer{Secret: []byte(cfg.JWTSecret), Issuer: a.Issuer, Audience: a.Audience}
		}
		s.authorizer = gc.Authorizers[api.DefaultAuthorizer]
	}
	return NewGateway(gc)
}

// serve listens on addr and serves h in the background; it returns the
// http:// URL it listens on.
func (s *Stack) serve(addr string, h http.Handler, what string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.servers = append(s.servers, srv)
	s.served.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("server stopped", "server", what, "err", err)
		}
	})
	return "http://" + ln.Addr().String(), nil
}

// URL returns the gateway's base URL (http://127.0.0.1:PORT).
func (s *Stack) URL() string { return s.url }

// SimURL returns the simulator's base URL, "" when there is no simulator.
func (s *Stack) SimURL() string { return s.simURL }

// Resources returns the table and queues the stack created.
func (s *Stack) Resources() *Resources { return s.resources }

// Token returns a token that the gateway accepts on routes guarded by the
// API's default authorizer, with the claims (for example sub, store_id,
// roles) and an expiry ttl from now. It returns an error when signing fails.
func (s *Stack) Token(claims map[string]any, ttl time.Duration) (string, error) {
	return s.authorizer.Token(claims, ttl)
}

// Stop stops the pollers (letting the batches in flight finish), then the
// servers (letting requests in flight finish, up to 10 s). It returns the
// servers' shutdown errors; calling it again returns the same.
func (s *Stack) Stop() error {
	s.stopOnce.Do(func() {
		if s.stopPoll != nil {
			s.stopPoll()
		}
		s.polling.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var errs []error
		for _, srv := range s.servers {
			errs = append(errs, srv.Shutdown(ctx))
		}
		s.served.Wait()
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}

// withDefaults fills the zero fields of cfg and copies its maps.
func withDefaults(cfg Config) (Config, error) {
	if cfg.TemplatePath == "" {
		root, err := modroot.Dir()
		if err != nil {
			return cfg, err
		}
		cfg.TemplatePath = filepath.Join(root, "template.yaml")
	}
	if cfg.DynamoEndpoint == "" || cfg.SQSEndpoint == "" {
		return cfg, errors.New("localstack: DynamoEndpoint and SQSEndpoint are required")
	}
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&cfg.StackName, DefaultStackName)
	def(&cfg.Region, DefaultRegion)
	def(&cfg.AccountID, DefaultAccountID)
	def(&cfg.JWTSecret, DefaultJWTSecret)
	params := map[string]string{"JwtIssuer": DefaultIssuer, "JwtAudience": DefaultAudience}
	for k, v := range cfg.Parameters {
		params[k] = v
	}
	cfg.Parameters = params
	// In the cloud the functions read the key from the Secrets Manager secret
	// PROMOB_TOKEN_KEY_SECRET names; locally they get the development key in
	// PROMOB_TOKEN_KEY (which wins) unless cfg.Env gives one.
	env := map[string]string{"PROMOB_TOKEN_KEY": localenv.PromobTokenKey}
	for k, v := range cfg.Env {
		env[k] = v
	}
	cfg.Env = env
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.AWS.Region == "" {
		cfg.AWS.Region = cfg.Region
	}
	return cfg, nil
}
