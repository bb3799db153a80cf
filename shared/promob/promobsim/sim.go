// Package promobsim simulates the Promob side of the integration for local
// runs and tests: the Promob API the project calls (/v1/…), signed webhooks
// sent to the project, and a control API (/_sim/…) that sets up accounts,
// saves environment revisions, sends events and injects faults. The contract
// is ../shared/PROMOB-API.md sections 2 and 3; this comment lists what the
// simulator adds to it.
//
// # Tokens
//
// Every /v1 call carries "Authorization: Bearer <token>". Two kinds are
// accepted, each only for its own account:
//
//   - The account's integration token, the store-level credential. The
//     control call PUT /_sim/accounts/{acc} answers it as "integrationToken";
//     it is generated ("pmi_…") when the account is created, kept on later
//     updates, and can be set to a fixed value with the optional
//     "integrationToken" field. It never expires.
//   - User tokens ("pmt_…") answered by POST /v1/accounts/{acc}/users/verify
//     (itself called with the integration token, or any valid token of the
//     account). They expire after TokenTTL and stop working when the user's
//     password changes or the user is removed.
//
// A bad, expired or revoked token, or none, is answered 401; an unknown
// account 404.
//
// # Promob API details
//
//   - Create calls (customers, projects, environments) require an
//     Idempotency-Key (400 without). A repeat with the same key answers the
//     first 2xx answer byte for byte and creates nothing; the same key with
//     another path or body is 409.
//   - A blank environment gets a generated listing of NewEnvironmentParts
//     parts (listinggen) carrying the project, environment and customer
//     names; a copy takes the source revision's listing with PROJECTGUID and
//     the AMBIENT's GUID and DESCRIPTION rewritten for the new environment.
//   - GET /v1/accounts/{acc} answers {"accountId","cnpj","serialNumbers"} to
//     the account's integration token only (a user token is 401); cnpj and
//     serialNumbers are what the control API set ("" and [] until then).
//   - PUT …/status takes {"situation","stage","environmentId","version"}
//     (version a number; situation or stage required).
//   - GET …/projects answers {"projects":[{"projectId","externalId",
//     "customerId","customerName","name","situation","stage","updatedAt","environments":
//     [{"environmentId","externalId","name","revision","updatedAt"}]}]},
//     where revision is the current one and 1..revision all exist.
//
// # Additions to the control API
//
//   - PUT /_sim/accounts/{acc} also accepts "integrationToken"; "users",
//     when present, replaces the user list (a changed or removed user loses
//     its tokens); a missing "webhookSecret" is generated on creation. It
//     answers 201 (created) or 200 {"accountId","integrationToken","webhookSecret"}.
//   - GET /_sim/accounts/{acc} answers accountId, webhookUrl,
//     webhookSecret, integrationToken, cnpj, serialNumbers, users (with their live token count),
//     customers, projects (status updates, environments and their
//     revisions with source and size), calls (method, path,
//     idempotencyKey, caller, status, replayed, fault) and deliveries (with
//     their attempts). Listings and webhook bodies are given by size only.
//   - DELETE /_sim/accounts/{acc} forgets the account (204).
//   - PUT …/environments/{environmentId} with an empty body stores a
//     generated listing (query parts, default 40, and seed). The project is
//     created too when absent.
//   - POST …/events accepts {"type","revision","userId"}: revision (default:
//     current) allows out-of-order deliveries, userId defaults to the first
//     user. Types: environment.saved, environment.prepared,
//     environment.negotiated, environment.created. The answer is
//     {"status","body","webhookId"}: our webhook's status and body (JSON when
//     it parses, else a string). When the webhook cannot be delivered it is
//     502 {"error":{…},"webhookId"}.
//   - POST /_sim/accounts/{acc}/deliveries/{webhookId}/replay sends a
//     recorded delivery again: the same body and headers byte for byte, or
//     with {"resign":true} the same webhook-id and body with a fresh
//     webhook-timestamp and signature (a retry as Standard Webhooks senders
//     make them). Same answer as events.
//   - GET /_sim/faults and DELETE /_sim/faults read and clear the faults.
//     POST /_sim/faults with delayMs and no status delays the next calls and
//     then serves them; without delayMs the status defaults to 503. With
//     "failRate" (0 to 1), once the failNext faults are used, each call fails
//     with that status at that probability until DELETE /_sim/faults.
//   - GET /_sim/health answers 200 {"status":"ok"}.
//
// The control API answers loopback clients only (403 otherwise). Errors
// everywhere are {"error":{"code","message"}}.
package promobsim

import (
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// TokenTTL is how long a user token answered by users/verify stays valid.
const TokenTTL = 12 * time.Hour

// NewEnvironmentParts is the part count of the listing generated for a blank
// environment.
const NewEnvironmentParts = 40

// Options configures a Sim.
type Options struct {
	// DataFile is where the state is kept as JSON, written after each change
	// and read by New. Calls that change nothing but the call log (reads,
	// simulated faults) are saved with the next change. "" keeps the state
	// in memory only.
	DataFile string
	// Client sends the webhooks; nil = a client with a 30 s timeout.
	Client *http.Client
	// Now is the clock; nil = time.Now.
	Now func() time.Time
	// Log receives one record per call and delivery; nil = discarded.
	Log *slog.Logger
}

// Sim is the Promob simulator, an http.Handler serving /v1/… (the Promob
// API) and /_sim/… (the control API). It is safe for concurrent use.
type Sim struct {
	opts   Options
	mux    *http.ServeMux
	mu     sync.Mutex // guards st and faults
	st     *state
	faults faults
}

// New returns a simulator with the state read from opts.DataFile (empty when
// the file does not exist). It returns an error when the file cannot be read
// or is not a state the simulator wrote.
func New(opts Options) (*Sim, error) {
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	st, err := load(opts.DataFile)
	if err != nil {
		return nil, err
	}
	s := &Sim{opts: opts, st: st, mux: http.NewServeMux()}
	s.routes()
	return s, nil
}

func (s *Sim) routes() {
	const acc = "/v1/accounts/{acc}"
	s.mux.Handle("GET "+acc, s.promob(false, s.getAccountInfo))
	s.mux.Handle("POST "+acc+"/users/verify", s.promob(false, s.verifyUser))
	s.mux.Handle("POST "+acc+"/customers", s.promob(true, s.createCustomer))
	s.mux.Handle("POST "+acc+"/projects", s.promob(true, s.createProject))
	s.mux.Handle("GET "+acc+"/projects", s.promob(false, s.listProjects))
	s.mux.Handle("POST "+acc+"/projects/{projectId}/environments", s.promob(true, s.createEnvironment))
	s.mux.Handle("GET "+acc+"/projects/{projectId}/environments/{environmentId}/listing", s.promob(false, s.getListing))
	s.mux.Handle("PUT "+acc+"/projects/{projectId}/status", s.promob(false, s.putStatus))

	const ctl = "/_sim/accounts/{acc}"
	s.mux.Handle("GET /_sim/health", s.control(s.health))
	s.mux.Handle("PUT "+ctl, s.control(s.putAccount))
	s.mux.Handle("GET "+ctl, s.control(s.getAccount))
	s.mux.Handle("DELETE "+ctl, s.control(s.deleteAccount))
	s.mux.Handle("POST "+ctl+"/users/{user}/password", s.control(s.changePassword))
	s.mux.Handle("PUT "+ctl+"/projects/{projectId}/environments/{environmentId}", s.control(s.saveRevision))
	s.mux.Handle("POST "+ctl+"/projects/{projectId}/environments/{environmentId}/events", s.control(s.sendEvent))
	s.mux.Handle("POST "+ctl+"/deliveries/{webhookId}/replay", s.control(s.replay))
	s.mux.Handle("GET /_sim/faults", s.control(s.getFaults))
	s.mux.Handle("POST /_sim/faults", s.control(s.setFaults))
	s.mux.Handle("DELETE /_sim/faults", s.control(s.clearFaults))

	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		errorReply(http.StatusNotFound, codeNotFound, "No route %s %s.", r.Method, r.URL.Path).write(w)
	})
}

// ServeHTTP serves the Promob API and the control API.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// persist saves the state after a change; a failure is logged, the answer
// stands.
func (s *Sim) persist() {
	if err := s.st.save(s.opts.DataFile); err != nil {
		s.opts.Log.Error("promobsim: state not saved", "err", err, "file", s.opts.DataFile)
	}
}

// control wraps a control-API handler: loopback clients only.
func (s *Sim) control(h func(w http.ResponseWriter, r *http.Request) reply) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopback(r.RemoteAddr) {
			errorReply(http.StatusForbidden, codeForbidden, "The control API answers loopback clients only.").write(w)
			return
		}
		rp := h(w, r)
		s.opts.Log.Info("promobsim control", "method", r.Method, "path", r.URL.Path, "status", rp.status)
		rp.write(w)
	})
}

func loopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Sim) health(http.ResponseWriter, *http.Request) reply {
	return jsonReply(http.StatusOK, map[string]string{"status": "ok"})
}
