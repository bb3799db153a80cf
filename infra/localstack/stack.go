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
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/foccolojas/promob-integration/infra/console"
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
	// DevServerOrigin is a front end's development server (Vite's
	// default), allowed by default beside the gateway's own origin.
	DevServerOrigin = "http://localhost:5173"
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
	// JwtAudience default to DefaultIssuer and DefaultAudience,
	// AllowedOrigins to the gateway's own origin (the console's) and
	// DevServerOrigin, and
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

	// Console, when true, serves the console (a page that walks the API and
	// the simulator from a browser) at /console/ on the gateway's address.
	Console bool

	// JWTSecret signs and verifies the HS256 tokens; DefaultJWTSecret when "".
	JWTSecret string
	// Unthrottled, when true, lets the gateway pass every request instead of
	// throttling as the template's route settings say: benchmarks drive the
	// functions at rates above those limits.
	Unthrottled bool
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
	// The gateway's address is taken first: the console is served there,
	// and its origin is the one browsers are allowed from by default.
	gwLn, err := listen(cfg.Addr, "gateway")
	if err != nil {
		return nil, err
	}
	s.url = "http://" + gwLn.Addr().String()
	defer func() {
		if !ok {
			_ = gwLn.Close()
			_ = s.Stop()
		}
	}()
	if _, set := cfg.Parameters["AllowedOrigins"]; !set {
		cfg.Parameters["AllowedOrigins"] = s.url + "," + DevServerOrigin
	}

	if cfg.Simulator != nil {
		// The console calls the simulator's control API from the browser.
		simCors := NewCors(samtemplate.Cors{
			AllowOrigins: strings.Split(cfg.Parameters["AllowedOrigins"], ","),
			AllowMethods: []string{"GET", "POST", "PUT", "DELETE"}, AllowHeaders: []string{"Content-Type"},
		})
		simLn, err := listen(cfg.SimulatorAddr, "simulator")
		if err != nil {
			return nil, err
		}
		s.simURL = "http://" + simLn.Addr().String()
		s.serve(simLn, simCors.Handler(cfg.Simulator), "simulator")
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
	var h http.Handler = gw
	if cfg.Console {
		mux := http.NewServeMux()
		mux.Handle("/", gw)
		mux.Handle("/console/", http.StripPrefix("/console", console.Handler(s.url, s.simURL, s.ConsoleToken)))
		mux.Handle("GET /console", http.RedirectHandler("/console/", http.StatusFound))
		h = mux
	}
	s.serve(gwLn, h, "gateway")
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
		if !cfg.Unthrottled {
			gc.DefaultThrottle, gc.RouteThrottles = api.DefaultThrottle, api.RouteThrottles
		}
		for name, a := range api.Authorizers {
			gc.Authorizers[name] = JWTAuthorizer{Secret: []byte(cfg.JWTSecret), Issuer: a.Issuer, Audience: a.Audience}
		}
		s.authorizer = gc.Authorizers[api.DefaultAuthorizer]
		if api.Cors != nil {
			gc.Cors = NewCors(*api.Cors)
		}
	}
	return NewGateway(gc)
}

// listen listens on addr ("" means 127.0.0.1 on a free port).
func listen(addr, what string) (net.Listener, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return ln, nil
}

// serve serves h on ln in the background until Stop.
func (s *Stack) serve(ln net.Listener, h http.Handler, what string) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.servers = append(s.servers, srv)
	s.served.Go(func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("server stopped", "server", what, "err", err)
		}
	})
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

// ConsoleToken is a token of the store's user with roles, valid for 12
// hours: what the console signs in with.
func (s *Stack) ConsoleToken(storeID, userID string, roles []string) (string, error) {
	if roles == nil {
		roles = []string{}
	}
	return s.Token(map[string]any{"sub": userID, "store_id": storeID, "roles": roles}, 12*time.Hour)
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
