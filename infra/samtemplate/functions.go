package samtemplate

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Function is an AWS::Serverless::Function with the Globals merged in and its
// values resolved.
type Function struct {
	LogicalID     string
	CodeURI       string
	Handler       string
	Runtime       string
	Architectures []string
	MemorySize    int // MB; 128 when unset, as in SAM
	Timeout       int // seconds; 3 when unset, as in SAM
	BuildMethod   string
	// Env is Globals.Function.Environment.Variables merged with the
	// function's own variables (the function's win).
	Env map[string]string
	// Policies are the entries of the Policies property with intrinsics
	// resolved: a string names a managed policy, a map[string]any is a policy
	// template such as {"SQSSendMessagePolicy": {"QueueName": "…"}}.
	Policies   []any
	HTTPRoutes []Route
	SQSEvents  []SQSSource
}

// Route is an HttpApi event of a function.
type Route struct {
	Event string // the event's name under Events
	API   string // logical id of the HTTP API
	// Method is upper case; ANY matches every method.
	Method string
	// Path is an API Gateway route path such as /v1/{proxy+}, or "$default".
	Path string
	// Authorizer names the authorizer that guards the route ("" when none).
	Authorizer string
	NoAuth     bool
}

// Key returns the route key as API Gateway writes it: "POST /a/{b}" or
// "$default".
func (r Route) Key() string {
	if r.Path == "$default" {
		return "$default"
	}
	return r.Method + " " + r.Path
}

// SQSSource is an SQS event of a function.
type SQSSource struct {
	Event                          string // the event's name under Events
	QueueLogicalID                 string
	BatchSize                      int // 10 when unset, as in SAM
	MaximumBatchingWindowInSeconds int
	ReportBatchItemFailures        bool
}

// Functions returns the template's functions in document order. It returns
// an error naming the function and property that cannot be read or resolved.
func (r *Resolver) Functions() ([]Function, error) {
	var out []Function
	for _, res := range r.tpl.ResourcesOfType("AWS::Serverless::Function") {
		fn, err := r.function(res)
		if err != nil {
			return nil, fmt.Errorf("function %s: %w", res.LogicalID, err)
		}
		out = append(out, fn)
	}
	return out, nil
}

// Function returns the function with the logical id. It returns an error when
// there is none or when it cannot be resolved.
func (r *Resolver) Function(logicalID string) (Function, error) {
	res, ok := r.tpl.Resources[logicalID]
	if !ok || res.Type != "AWS::Serverless::Function" {
		return Function{}, fmt.Errorf("no function %s", logicalID)
	}
	fn, err := r.function(res)
	if err != nil {
		return Function{}, fmt.Errorf("function %s: %w", logicalID, err)
	}
	return fn, nil
}

func (r *Resolver) function(res Resource) (Function, error) {
	global := r.tpl.Globals["Function"]
	prop := func(key string) *yaml.Node {
		if n := child(res.Properties, key); n != nil {
			return n
		}
		return child(global, key)
	}
	var p struct {
		CodeUri       string
		Handler       string
		Runtime       string
		Architectures []string
		MemorySize    *number
		Timeout       *number
	}
	props := map[string]any{}
	for _, key := range []string{"CodeUri", "Handler", "Runtime", "Architectures", "MemorySize", "Timeout"} {
		v, err := r.Value(prop(key))
		if err != nil {
			return Function{}, fmt.Errorf("%s: %w", key, err)
		}
		if v != nil {
			props[key] = v
		}
	}
	if err := decodeInto(props, &p); err != nil {
		return Function{}, err
	}
	fn := Function{
		LogicalID:     res.LogicalID,
		CodeURI:       p.CodeUri,
		Handler:       p.Handler,
		Runtime:       p.Runtime,
		Architectures: p.Architectures,
		MemorySize:    128,
		Timeout:       3,
		BuildMethod:   scalar(child(res.Metadata, "BuildMethod")),
		Env:           map[string]string{},
	}
	if p.MemorySize != nil {
		fn.MemorySize = int(*p.MemorySize)
	}
	if p.Timeout != nil {
		fn.Timeout = int(*p.Timeout)
	}
	for _, vars := range []*yaml.Node{
		child(child(global, "Environment"), "Variables"),
		child(child(res.Properties, "Environment"), "Variables"),
	} {
		for _, kv := range pairs(vars) {
			v, err := r.String(kv.value)
			if err != nil {
				return Function{}, fmt.Errorf("environment variable %s: %w", kv.key, err)
			}
			fn.Env[kv.key] = v
		}
	}
	policies, err := r.policies(child(res.Properties, "Policies"))
	if err != nil {
		return Function{}, err
	}
	fn.Policies = policies
	for _, ev := range pairs(child(res.Properties, "Events")) {
		if err := r.event(&fn, ev.key, ev.value); err != nil {
			return Function{}, fmt.Errorf("event %s: %w", ev.key, err)
		}
	}
	return fn, nil
}

func (r *Resolver) policies(n *yaml.Node) ([]any, error) {
	v, err := r.Value(n)
	if err != nil {
		return nil, fmt.Errorf("Policies: %w", err)
	}
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []any:
		return x, nil
	}
	return []any{v}, nil
}

func (r *Resolver) event(fn *Function, name string, ev *yaml.Node) error {
	props := child(ev, "Properties")
	switch typ := scalar(child(ev, "Type")); typ {
	case "HttpApi":
		route, err := r.route(name, props)
		if err != nil {
			return err
		}
		fn.HTTPRoutes = append(fn.HTTPRoutes, route)
	case "SQS":
		src, err := r.sqsSource(name, props)
		if err != nil {
			return err
		}
		fn.SQSEvents = append(fn.SQSEvents, src)
	}
	return nil
}

func (r *Resolver) route(name string, props *yaml.Node) (Route, error) {
	var p struct {
		Path   string
		Method string
		Auth   struct {
			Authorizer string
		}
	}
	v, err := r.Value(props)
	if err != nil {
		return Route{}, err
	}
	if err := decodeInto(v, &p); err != nil {
		return Route{}, err
	}
	api := implicitHTTPAPI
	if n := child(props, "ApiId"); n != nil {
		target, ok := refTarget(n)
		if !ok {
			return Route{}, fmt.Errorf("ApiId must be a Ref to an HTTP API of this template")
		}
		api = target
	}
	route := Route{Event: name, API: api, Method: strings.ToUpper(p.Method), Path: p.Path}
	if route.Method == "" {
		route.Method = "ANY"
	}
	if route.Path == "" {
		route.Path = "$default"
	}
	switch p.Auth.Authorizer {
	case "NONE":
		route.NoAuth = true
	case "":
		def, err := r.defaultAuthorizer(api)
		if err != nil {
			return Route{}, err
		}
		route.Authorizer, route.NoAuth = def, def == ""
	default:
		route.Authorizer = p.Auth.Authorizer
	}
	return route, nil
}

func (r *Resolver) sqsSource(name string, props *yaml.Node) (SQSSource, error) {
	queue, attr, ok := getAttTarget(child(props, "Queue"))
	if res, found := r.tpl.Resources[queue]; !ok || !found || attr != "Arn" || res.Type != "AWS::SQS::Queue" {
		return SQSSource{}, fmt.Errorf("Queue must be !GetAtt <queue>.Arn of a queue of this template")
	}
	var p struct {
		BatchSize                      *number
		MaximumBatchingWindowInSeconds number
		FunctionResponseTypes          []string
	}
	v, err := r.Value(props)
	if err != nil {
		return SQSSource{}, err
	}
	if err := decodeInto(v, &p); err != nil {
		return SQSSource{}, err
	}
	src := SQSSource{
		Event:                          name,
		QueueLogicalID:                 queue,
		BatchSize:                      10,
		MaximumBatchingWindowInSeconds: int(p.MaximumBatchingWindowInSeconds),
		ReportBatchItemFailures:        slices.Contains(p.FunctionResponseTypes, "ReportBatchItemFailures"),
	}
	if p.BatchSize != nil {
		src.BatchSize = int(*p.BatchSize)
	}
	return src, nil
}

// refTarget returns the name in !Ref name / {Ref: name}.
func refTarget(n *yaml.Node) (string, bool) {
	name, arg, ok := intrinsic(n)
	if !ok || name != "Ref" || arg.Kind != yaml.ScalarNode {
		return "", false
	}
	return arg.Value, true
}

// getAttTarget returns the resource and attribute of a Fn::GetAtt node.
func getAttTarget(n *yaml.Node) (string, string, bool) {
	if n == nil {
		return "", "", false
	}
	name, arg, ok := intrinsic(n)
	if !ok || name != "Fn::GetAtt" {
		return "", "", false
	}
	res, attr, err := getAttArgs(arg)
	return res, attr, err == nil
}
