package localstack

import (
	"fmt"
	"net/url"
	"strings"
)

// segmentKind orders path segments from the most to the least specific.
type segmentKind int

const (
	literalSegment segmentKind = iota
	paramSegment
	greedySegment
)

type segment struct {
	kind segmentKind
	text string // the literal, or the parameter's name
}

// route is an endpoint with its path compiled for matching.
type route struct {
	Endpoint
	segments []segment
	fallback bool // the $default route
}

// compileRoute parses an API Gateway route path: literal segments, {name}
// and a final {name+}. It returns an error for any other shape.
func compileRoute(e Endpoint) (*route, error) {
	rt := &route{Endpoint: e}
	if e.Route.Path == "$default" {
		rt.fallback = true
		return rt, nil
	}
	if !strings.HasPrefix(e.Route.Path, "/") {
		return nil, fmt.Errorf("route %s: the path must start with /", e.Route.Key())
	}
	parts := strings.Split(strings.TrimPrefix(e.Route.Path, "/"), "/")
	for i, p := range parts {
		name, isVar := strings.CutPrefix(p, "{")
		if !isVar {
			if strings.ContainsAny(p, "{}") {
				return nil, fmt.Errorf("route %s: segment %q mixes text and a variable", e.Route.Key(), p)
			}
			rt.segments = append(rt.segments, segment{kind: literalSegment, text: p})
			continue
		}
		name, ok := strings.CutSuffix(name, "}")
		if !ok || name == "" || strings.ContainsAny(name, "{}") {
			return nil, fmt.Errorf("route %s: malformed variable %q", e.Route.Key(), p)
		}
		if greedy, ok := strings.CutSuffix(name, "+"); ok {
			if i != len(parts)-1 {
				return nil, fmt.Errorf("route %s: a greedy variable must be the last segment", e.Route.Key())
			}
			rt.segments = append(rt.segments, segment{kind: greedySegment, text: greedy})
			continue
		}
		rt.segments = append(rt.segments, segment{kind: paramSegment, text: name})
	}
	return rt, nil
}

// match reports whether the route serves the method and the escaped path,
// and returns the decoded path parameters.
func (rt *route) match(method, escapedPath string) (map[string]string, bool) {
	if rt.Route.Method != "ANY" && rt.Route.Method != method {
		return nil, false
	}
	if rt.fallback {
		return nil, true
	}
	parts := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	params := map[string]string{}
	for i, seg := range rt.segments {
		if seg.kind == greedySegment {
			if i >= len(parts) {
				return nil, false
			}
			rest := strings.Join(parts[i:], "/")
			if rest == "" {
				return nil, false
			}
			v, err := url.PathUnescape(rest)
			if err != nil {
				return nil, false
			}
			params[seg.text] = v
			return params, true
		}
		if i >= len(parts) {
			return nil, false
		}
		v, err := url.PathUnescape(parts[i])
		if err != nil {
			return nil, false
		}
		switch seg.kind {
		case literalSegment:
			if v != seg.text {
				return nil, false
			}
		case paramSegment:
			if v == "" {
				return nil, false
			}
			params[seg.text] = v
		}
	}
	if len(parts) != len(rt.segments) {
		return nil, false
	}
	if len(params) == 0 {
		params = nil
	}
	return params, true
}

// moreSpecific reports whether a should win over b when both match a request,
// as API Gateway chooses: literal segments over variables over greedy
// variables, read from the left; then a route for the method over ANY; the
// $default route last.
func moreSpecific(a, b *route) bool {
	if a.fallback != b.fallback {
		return b.fallback
	}
	for i := 0; i < len(a.segments) && i < len(b.segments); i++ {
		if a.segments[i].kind != b.segments[i].kind {
			return a.segments[i].kind < b.segments[i].kind
		}
	}
	if len(a.segments) != len(b.segments) {
		return len(a.segments) > len(b.segments)
	}
	return a.Route.Method != "ANY" && b.Route.Method == "ANY"
}

// routeFor returns the route that serves a request, or nil.
func routeFor(routes []*route, method, escapedPath string) (*route, map[string]string) {
	var best *route
	var bestParams map[string]string
	for _, rt := range routes {
		params, ok := rt.match(method, escapedPath)
		if ok && (best == nil || moreSpecific(rt, best)) {
			best, bestParams = rt, params
		}
	}
	return best, bestParams
}
