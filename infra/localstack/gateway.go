package localstack

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/foccolojas/promob-integration/infra/samtemplate"
	"github.com/foccolojas/promob-integration/shared/functions"
)

// MaxRequestBody is the largest request body API Gateway's HTTP API accepts
// (10 MB); larger requests get 413.
const MaxRequestBody = 10 << 20

// Endpoint is one route of the gateway and the function behind it.
type Endpoint struct {
	Route    samtemplate.Route
	Function string        // logical id, for logs
	Timeout  time.Duration // the function's timeout; 30 s when zero
	Handler  functions.HTTPHandler
}

// GatewayConfig configures a Gateway.
type GatewayConfig struct {
	AccountID string
	APIID     string
	Endpoints []Endpoint
	// Authorizers verify the routes that name them in Route.Authorizer.
	Authorizers map[string]JWTAuthorizer
	// DefaultThrottle and RouteThrottles (by route key) throttle as the
	// HTTP API's DefaultRouteSettings and RouteSettings do: a request over
	// the rate is answered 429 {"message":"Too Many Requests"}.
	DefaultThrottle samtemplate.Throttle
	RouteThrottles  map[string]samtemplate.Throttle
	// Cors, when set, answers preflights and sets the CORS headers as the
	// API's CorsConfiguration says.
	Cors *Cors
	Log  *slog.Logger // nil discards
	// Now is the clock of throttling; time.Now when nil.
	Now func() time.Time
}

// Gateway is an http.Handler that serves functions the way API Gateway's
// HTTP API does with payload format 2.0: route selection, JWT authorization,
// the request event and the mapping of the function's response.
type Gateway struct {
	routes      []*route
	authorizers map[string]JWTAuthorizer
	cors        *Cors
	accountID   string
	apiID       string
	log         *slog.Logger
	now         func() time.Time
	// buckets throttle each route key (nil: not throttled).
	buckets map[string]*bucket
}

// NewGateway returns a gateway for the endpoints. It returns an error when a
// route path is malformed, a route key is served twice, an endpoint has no
// handler, or a route names an authorizer that is not configured.
func NewGateway(cfg GatewayConfig) (*Gateway, error) {
	g := &Gateway{authorizers: cfg.Authorizers, cors: cfg.Cors, accountID: cfg.AccountID, apiID: cfg.APIID, log: cfg.Log, now: cfg.Now, buckets: map[string]*bucket{}}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	if g.now == nil {
		g.now = time.Now
	}
	seen := map[string]string{}
	for _, e := range cfg.Endpoints {
		if e.Handler == nil {
			return nil, fmt.Errorf("route %s of %s has no handler", e.Route.Key(), e.Function)
		}
		if prev, dup := seen[e.Route.Key()]; dup {
			return nil, fmt.Errorf("route %s is served by both %s and %s", e.Route.Key(), prev, e.Function)
		}
		seen[e.Route.Key()] = e.Function
		th, ok := cfg.RouteThrottles[e.Route.Key()]
		if !ok {
			th = cfg.DefaultThrottle
		}
		g.buckets[e.Route.Key()] = newBucket(th, g.now())
		if !e.Route.NoAuth {
			if _, ok := cfg.Authorizers[e.Route.Authorizer]; !ok {
				return nil, fmt.Errorf("route %s needs authorizer %q, which is not configured", e.Route.Key(), e.Route.Authorizer)
			}
		}
		rt, err := compileRoute(e)
		if err != nil {
			return nil, err
		}
		g.routes = append(g.routes, rt)
	}
	return g, nil
}

// ServeHTTP answers one request: a CORS preflight with 204 (when the API
// has a CORS configuration), 413 for a body over MaxRequestBody, 404
// when no route matches, 429 when the route's throttling refuses it, 401
// when the route's authorizer rejects the token, 500 when the function
// fails, answers a malformed response or one over Lambda's
// MaxResponsePayload, else the function's response.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	requestID := newRequestID()
	w.Header().Set("Apigw-Requestid", requestID)
	rec := &statusRecorder{ResponseWriter: w}
	attrs := []any{"request_id", requestID, "method", r.Method, "path", r.URL.Path}
	defer func() {
		g.log.Info("request", append(attrs, "status", rec.status, "duration_ms", time.Since(start).Milliseconds())...)
	}()
	if g.cors != nil {
		cw, done := g.cors.apply(w, r)
		if done {
			rec.status = http.StatusNoContent
			return
		}
		rec.ResponseWriter = cw
	}

	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBody+1))
	if err != nil {
		gatewayError(rec, http.StatusBadRequest, "Bad Request")
		return
	}
	if len(body) > MaxRequestBody {
		gatewayError(rec, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	rt, params := routeFor(g.routes, r.Method, r.URL.EscapedPath())
	if rt == nil {
		gatewayError(rec, http.StatusNotFound, "Not Found")
		return
	}
	attrs = append(attrs, "route", rt.Route.Key(), "function", rt.Function)
	if !g.buckets[rt.Route.Key()].take(g.now()) {
		gatewayError(rec, http.StatusTooManyRequests, "Too Many Requests")
		return
	}
	ev := g.requestEvent(r, rt, params, body, requestID, start)
	if !rt.Route.NoAuth {
		claims, scopes, err := g.authorizers[rt.Route.Authorizer].Verify(r.Header.Get("Authorization"))
		if err != nil {
			attrs = append(attrs, "auth_error", err.Error())
			gatewayError(rec, http.StatusUnauthorized, "Unauthorized")
			return
		}
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims, Scopes: scopes},
		}
	}

	ctx, cancel := invocation(r.Context(), rt.Timeout)
	defer cancel()
	resp, err := safeCall(func() (events.APIGatewayV2HTTPResponse, error) { return rt.Handler(ctx, ev) })
	if err == nil {
		err = checkResponsePayload(resp)
	}
	if err != nil {
		attrs = append(attrs, "function_error", err.Error())
		gatewayError(rec, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	if err := writeResponse(rec, resp); err != nil {
		attrs = append(attrs, "function_error", err.Error())
		if rec.status == 0 {
			gatewayError(rec, http.StatusInternalServerError, "Internal Server Error")
		}
	}
}

// gatewayError answers as API Gateway does when it refuses or fails a
// request itself: {"message": "..."}.
func gatewayError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": message})
}

// statusRecorder remembers the status written, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

var _ http.Handler = (*Gateway)(nil)
