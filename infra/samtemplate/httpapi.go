package samtemplate

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// implicitHTTPAPI is the logical id SAM gives the HTTP API it creates for
// HttpApi events without ApiId.
const implicitHTTPAPI = "ServerlessHttpApi"

// HTTPAPI is an AWS::Serverless::HttpApi with Globals.HttpApi merged in.
type HTTPAPI struct {
	LogicalID string
	// ID is the API's physical id (what !Ref of the API returns).
	ID                string
	StageName         string
	DefaultAuthorizer string
	Authorizers       map[string]JWTAuthorizer
	// DefaultThrottle applies to every route without one of its own in
	// RouteThrottles (by route key, "POST /a/{b}").
	DefaultThrottle Throttle
	RouteThrottles  map[string]Throttle
	// Cors is the API's CorsConfiguration; nil when it has none.
	Cors *Cors
}

// Cors is the CorsConfiguration of an HTTP API: which browser origins may
// call it, with which methods and request headers, which response headers
// their scripts may read, and how long a preflight answer may be cached.
type Cors struct {
	AllowOrigins     []string
	AllowMethods     []string
	AllowHeaders     []string
	ExposeHeaders    []string
	MaxAge           int
	AllowCredentials bool
}

// JWTAuthorizer is a JWT authorizer of an HTTP API.
type JWTAuthorizer struct {
	IdentitySource string
	Issuer         string
	Audience       []string
}

// HTTPAPI returns the HTTP API with the logical id (routes name it in
// Route.API). It returns an error when there is no such API or when its
// authorizers are not JWT authorizers or cannot be resolved (for example a
// parameter without value).
func (r *Resolver) HTTPAPI(logicalID string) (HTTPAPI, error) {
	auth, err := r.apiAuth(logicalID)
	if err != nil {
		return HTTPAPI{}, err
	}
	api := HTTPAPI{LogicalID: logicalID, StageName: "$default", Authorizers: map[string]JWTAuthorizer{}}
	if res, ok := r.tpl.Resources[logicalID]; ok {
		if api.ID, err = r.PhysicalName(logicalID); err != nil {
			return HTTPAPI{}, err
		}
		if n := child(res.Properties, "StageName"); n != nil {
			if api.StageName, err = r.String(n); err != nil {
				return HTTPAPI{}, fmt.Errorf("%s StageName: %w", logicalID, err)
			}
		}
		if api.DefaultThrottle, api.RouteThrottles, err = r.throttles(res.Properties); err != nil {
			return HTTPAPI{}, fmt.Errorf("%s: %w", logicalID, err)
		}
	} else {
		api.ID = apiID(r.ctx.StackName, logicalID)
	}
	if api.DefaultAuthorizer, err = r.optionalString(child(auth, "DefaultAuthorizer")); err != nil {
		return HTTPAPI{}, fmt.Errorf("%s DefaultAuthorizer: %w", logicalID, err)
	}
	for _, kv := range pairs(child(auth, "Authorizers")) {
		a, err := r.jwtAuthorizer(kv.value)
		if err != nil {
			return HTTPAPI{}, fmt.Errorf("%s authorizer %s: %w", logicalID, kv.key, err)
		}
		api.Authorizers[kv.key] = a
	}
	if api.DefaultAuthorizer != "" {
		if _, ok := api.Authorizers[api.DefaultAuthorizer]; !ok {
			return HTTPAPI{}, fmt.Errorf("%s: DefaultAuthorizer %s is not among its Authorizers", logicalID, api.DefaultAuthorizer)
		}
	}
	if res, ok := r.tpl.Resources[logicalID]; ok {
		if n := child(res.Properties, "CorsConfiguration"); n != nil {
			if api.Cors, err = r.cors(n); err != nil {
				return HTTPAPI{}, fmt.Errorf("%s CorsConfiguration: %w", logicalID, err)
			}
		}
	}
	return api, nil
}

// cors reads a CorsConfiguration object (SAM's boolean or string shorthand
// is not supported: it is an error).
func (r *Resolver) cors(n *yaml.Node) (*Cors, error) {
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: expected an object with AllowOrigins", n.Line)
	}
	v, err := r.Value(n)
	if err != nil {
		return nil, err
	}
	var c struct {
		AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders []string
		MaxAge                                                  number
		AllowCredentials                                        boolean
	}
	if err := decodeInto(v, &c); err != nil {
		return nil, err
	}
	return &Cors{AllowOrigins: c.AllowOrigins, AllowMethods: c.AllowMethods, AllowHeaders: c.AllowHeaders,
		ExposeHeaders: c.ExposeHeaders, MaxAge: int(c.MaxAge), AllowCredentials: bool(c.AllowCredentials)}, nil
}

func (r *Resolver) jwtAuthorizer(n *yaml.Node) (JWTAuthorizer, error) {
	if child(n, "JwtConfiguration") == nil {
		return JWTAuthorizer{}, fmt.Errorf("not a JWT authorizer (no JwtConfiguration)")
	}
	var p struct {
		IdentitySource   string
		JwtConfiguration struct {
			Issuer   string   `json:"issuer"`
			Audience []string `json:"audience"`
		}
	}
	v, err := r.Value(n)
	if err != nil {
		return JWTAuthorizer{}, err
	}
	if err := decodeInto(v, &p); err != nil {
		return JWTAuthorizer{}, err
	}
	return JWTAuthorizer{IdentitySource: p.IdentitySource, Issuer: p.JwtConfiguration.Issuer, Audience: p.JwtConfiguration.Audience}, nil
}

// apiAuth returns the Auth block of an HTTP API: its own, else the one of
// Globals.HttpApi. It returns an error when the logical id names another kind
// of resource, or nothing while not being SAM's implicit API.
func (r *Resolver) apiAuth(logicalID string) (*yaml.Node, error) {
	global := child(r.tpl.Globals["HttpApi"], "Auth")
	res, ok := r.tpl.Resources[logicalID]
	switch {
	case !ok && logicalID == implicitHTTPAPI:
		return global, nil
	case !ok:
		return nil, fmt.Errorf("no HTTP API %s", logicalID)
	case res.Type != "AWS::Serverless::HttpApi":
		return nil, fmt.Errorf("%s is a %s, not an AWS::Serverless::HttpApi", logicalID, res.Type)
	}
	if auth := child(res.Properties, "Auth"); auth != nil {
		return auth, nil
	}
	return global, nil
}

// defaultAuthorizer returns the name of the API's default authorizer, ""
// when it has none.
func (r *Resolver) defaultAuthorizer(api string) (string, error) {
	auth, err := r.apiAuth(api)
	if err != nil {
		return "", err
	}
	return r.optionalString(child(auth, "DefaultAuthorizer"))
}

func (r *Resolver) optionalString(n *yaml.Node) (string, error) {
	if n == nil {
		return "", nil
	}
	return r.String(n)
}
