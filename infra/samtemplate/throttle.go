package samtemplate

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Throttle is an HTTP API route's throttling: a token bucket refilled at
// RateLimit requests per second holding BurstLimit requests. A zero value
// does not throttle.
type Throttle struct {
	RateLimit  float64
	BurstLimit int
}

// throttles reads DefaultRouteSettings and RouteSettings (by route key) of
// an HTTP API's properties.
func (r *Resolver) throttles(props *yaml.Node) (Throttle, map[string]Throttle, error) {
	def, err := r.throttle(child(props, "DefaultRouteSettings"))
	if err != nil {
		return Throttle{}, nil, fmt.Errorf("DefaultRouteSettings: %w", err)
	}
	var routes map[string]Throttle
	for _, kv := range pairs(child(props, "RouteSettings")) {
		th, err := r.throttle(kv.value)
		if err != nil {
			return Throttle{}, nil, fmt.Errorf("RouteSettings %s: %w", kv.key, err)
		}
		if routes == nil {
			routes = map[string]Throttle{}
		}
		routes[kv.key] = th
	}
	return def, routes, nil
}

func (r *Resolver) throttle(n *yaml.Node) (Throttle, error) {
	if n == nil {
		return Throttle{}, nil
	}
	v, err := r.Value(n)
	if err != nil {
		return Throttle{}, err
	}
	var p struct {
		ThrottlingRateLimit  float64
		ThrottlingBurstLimit number
	}
	if err := decodeInto(v, &p); err != nil {
		return Throttle{}, err
	}
	return Throttle{RateLimit: p.ThrottlingRateLimit, BurstLimit: int(p.ThrottlingBurstLimit)}, nil
}
