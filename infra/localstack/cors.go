package localstack

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/foccolojas/promob-integration/infra/samtemplate"
)

// Cors answers browsers the way API Gateway's HTTP API does with a
// CorsConfiguration: it answers a preflight (OPTIONS with Origin and
// Access-Control-Request-Method) itself with 204, before any route or
// authorizer, and sets the CORS headers on every other answer, replacing
// any the function set. An origin that is not allowed gets no CORS headers,
// so the browser refuses the call.
type Cors struct {
	cfg samtemplate.Cors
}

// NewCors returns the policy of the configuration.
func NewCors(cfg samtemplate.Cors) *Cors { return &Cors{cfg: cfg} }

// Handler serves h behind the policy.
func (c *Cors) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if w, done := c.apply(w, r); !done {
			h.ServeHTTP(w, r)
		}
	})
}

// apply answers r when it is a preflight (done), else returns a writer that
// puts the policy's headers on the answer.
func (c *Cors) apply(w http.ResponseWriter, r *http.Request) (_ http.ResponseWriter, done bool) {
	origin := r.Header.Get("Origin")
	if r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != "" {
		if c.allows(origin) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", strings.Join(c.cfg.AllowMethods, ","))
			h.Set("Access-Control-Allow-Headers", strings.Join(c.cfg.AllowHeaders, ","))
			if c.cfg.MaxAge > 0 {
				h.Set("Access-Control-Max-Age", strconv.Itoa(c.cfg.MaxAge))
			}
			if c.cfg.AllowCredentials {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
		}
		w.Header().Add("Vary", "Origin")
		w.WriteHeader(http.StatusNoContent)
		return w, true
	}
	return &corsWriter{ResponseWriter: w, cors: c, origin: origin}, false
}

// allows reports whether origin is one of the allowed origins (compared
// case-insensitively, as API Gateway does; "*" allows every origin).
func (c *Cors) allows(origin string) bool {
	return slices.ContainsFunc(c.cfg.AllowOrigins, func(o string) bool { return o == "*" || strings.EqualFold(o, origin) })
}

// corsWriter sets the CORS headers of an actual request's answer just
// before its status is written.
type corsWriter struct {
	http.ResponseWriter
	cors    *Cors
	origin  string
	written bool
}

func (w *corsWriter) WriteHeader(code int) {
	if !w.written {
		w.written = true
		h := w.Header()
		for k := range h {
			if strings.HasPrefix(k, "Access-Control-") {
				h.Del(k)
			}
		}
		if w.origin != "" && w.cors.allows(w.origin) {
			h.Set("Access-Control-Allow-Origin", w.origin)
			if len(w.cors.cfg.ExposeHeaders) > 0 {
				h.Set("Access-Control-Expose-Headers", strings.Join(w.cors.cfg.ExposeHeaders, ","))
			}
			if w.cors.cfg.AllowCredentials {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
		}
		h.Add("Vary", "Origin")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *corsWriter) Write(b []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}
