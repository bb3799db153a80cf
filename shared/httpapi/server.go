// Package httpapi is the FoccoLojas REST API as a plain http.Handler; the api
// function serves it through API Gateway's HTTP API (payload v2).
package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/httperror"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/pricing"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/foccolojas/promob-integration/shared/sale"
)

// Store is everything the REST API reads and writes.
type Store interface {
	domain.IntegrationStore
	domain.NotificationStore
	domain.CatalogStore
	pricing.RulesStore
	domain.ManualItemStore
	EnvironmentStore
	domain.HistoryStore
	WorkflowStore
	PromobStore
	domain.AssistanceStore
	domain.JobStore
	ListStore
	sale.ManualStore
}

// WorkflowStore keeps the sale's workflow (see sale.WorkflowStore) and
// reads its purchase orders.
type WorkflowStore interface {
	sale.WorkflowStore
	PurchaseOrders(ctx context.Context, env domain.Environment) ([]domain.PurchaseOrder, error)
}

// EnvironmentStore keeps environments and their versions.
type EnvironmentStore interface {
	CreateEnvironment(ctx context.Context, e domain.Environment) error
	// Environment returns one of the store's environments, or a not_found
	// *domain.Error.
	Environment(ctx context.Context, storeID, id string) (domain.Environment, error)
	SetImportStatus(ctx context.Context, storeID, envID, status, reason string, now time.Time) error
	RequestImport(ctx context.Context, env domain.Environment, now time.Time) error
	Versions(ctx context.Context, env domain.Environment) ([]domain.Version, error)
	Version(ctx context.Context, env domain.Environment, number int) (domain.Version, error)
	VersionItems(ctx context.Context, env domain.Environment, number int, fn func(dec *json.Decoder) error) error
	VersionItemsFrom(ctx context.Context, env domain.Environment, v domain.Version, from domain.ItemPos, fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error)
	// EnvironmentLatest returns an environment (a not_found *domain.Error
	// when there is none) with its latest version, the zero Version when
	// it has none, read in one round trip.
	EnvironmentLatest(ctx context.Context, storeID, id string) (domain.Environment, domain.Version, error)
	// EnvironmentItems returns an environment (a not_found *domain.Error
	// when there is none) and a reader of its latest version's items from
	// the first; a first page that ends in the first chunk
	// takes one round trip.
	EnvironmentItems(ctx context.Context, storeID, id string) (domain.Environment, func(fn func(dec *json.Decoder) (bool, error)) (domain.ItemPos, bool, error), error)
}

// Server routes the REST API.
type Server struct {
	mux     *http.ServeMux
	handler http.Handler // mux, compressed
	store   Store
	imports message.Queue
	outbox  message.Queue
	now     func() time.Time
	// verifier and box link users to Promob (WithPromobLink).
	verifier Verifier
	box      domain.TokenBox
	// projects lists the store's Promob projects (WithPromobProjects).
	projects ProjectLister
	// accounts checks integrations with Promob (WithPromobAccounts).
	accounts AccountReader
	seen     seenUsers

	// The sale's use cases the routes call.
	creation sale.Creation
	workflow sale.Workflow
	manual   sale.Manual
	updates  sale.Updates
	jobs     sale.Jobs
}

// NewServer returns the REST API handler over the store; imports is the
// importer's queue, outbox promobsync's (calls to Promob) and now the clock.
func NewServer(store Store, imports, outbox message.Queue, now func() time.Time, opts ...Option) *Server {
	s := &Server{mux: http.NewServeMux(), store: store, imports: imports, outbox: outbox, now: now}
	s.creation = sale.Creation{Store: store, Outbox: outbox, Imports: imports, Now: now}
	s.workflow = sale.Workflow{Store: store, Outbox: outbox, Now: now}
	s.manual = sale.Manual{Store: store, Now: now}
	s.updates = sale.Updates{Store: store, Imports: imports, Now: now}
	s.jobs = sale.Jobs{Store: store, Outbox: outbox, Imports: imports, Now: now}
	for _, o := range opts {
		o(s)
	}
	s.routes()
	s.handler = compressed(s.mux)
	return s
}

// routes registers every route with the roles that may call it; a route
// registered without roles is open to every identified caller, even one
// whose token carries no role (their own notifications and /v1/me).
func (s *Server) routes() {
	s.mux.HandleFunc("GET /health", s.health)
	s.mux.HandleFunc("GET /openapi.json", serveOpenAPI)
	s.handle("GET /v1/integration", s.getIntegration, anyRole...)
	s.handle("PUT /v1/integration", s.putIntegration, domain.RoleAdmin)
	s.handle("POST /v1/integration/rotate-secret", s.rotateSecret, domain.RoleAdmin)
	s.handle("POST /v1/projects/{pid}/environments/import", s.legacyImport, domain.RoleSeller, domain.RoleAdmin)
	s.handle("GET /v1/environments/{eid}", s.getEnvironment, anyRole...)
	s.handle("POST /v1/environments/{eid}/update", s.updateEnvironment, domain.RoleSeller, domain.RoleAdmin, domain.RoleReviewer)
	s.handle("GET /v1/environments/{eid}/versions", s.listVersions, anyRole...)
	s.handle("GET /v1/environments/{eid}/versions/{n}", s.getVersion, anyRole...)
	s.handle("GET /v1/environments/{eid}/items", s.listItems, anyRole...)
	s.handle("GET /v1/environments/{eid}/budget", s.getBudget, anyRole...)
	s.handle("GET /v1/environments/{eid}/budget/lines", s.listBudgetLines, anyRole...)
	s.handle("GET /v1/environments/{eid}/versions/{n}/items", s.listVersionItems, anyRole...)
	s.handle("GET /v1/environments/{eid}/versions/{n}/budget/lines", s.listBudgetLines, anyRole...)
	s.handle("POST /v1/environments/{eid}/reprice", s.reprice, domain.RoleSeller, domain.RoleAdmin)
	s.handle("GET /v1/notifications", s.listNotifications)
	s.handle("POST /v1/notifications/{id}/read", s.readNotification)

	// Clients, projects, commercial rules and manual items.
	s.handle("POST /v1/clients", s.createClient, anyRole...)
	s.handle("GET /v1/clients/{id}", s.getClient, anyRole...)
	s.handle("POST /v1/projects", s.createProject, domain.RoleAdmin, domain.RoleSeller)
	s.handle("GET /v1/projects/{id}", s.getProject, anyRole...)
	s.handle("GET /v1/clients", s.listClients, anyRole...)
	s.handle("GET /v1/projects", s.listProjects, anyRole...)
	s.handle("GET /v1/users", s.listUsers, anyRole...)
	s.handle("GET /v1/projects/{pid}/budget", s.getProjectBudget, anyRole...)
	s.handle("GET /v1/integration/commercial-rules", s.getCommercialRules, anyRole...)
	s.handle("PUT /v1/integration/commercial-rules", s.putCommercialRules, domain.RoleAdmin)
	s.handle("POST /v1/environments/{eid}/items", s.addManualItem, manualItemWriters...)
	s.handle("PATCH /v1/environments/{eid}/items/{itemId}", s.updateManualItem, manualItemWriters...)
	s.handle("DELETE /v1/environments/{eid}/items/{itemId}", s.deleteManualItem, manualItemWriters...)

	// The sale's workflow: approval, financial release, review, purchase
	// orders, history, opening Promob at a version.
	s.handle("POST /v1/environments/{eid}/approve", s.approve, domain.RoleSeller, domain.RoleAdmin)
	s.handle("POST /v1/projects/{pid}/financial-release", s.releaseFinancially, domain.RoleFinance, domain.RoleAdmin)
	s.handle("POST /v1/environments/{eid}/review/start", s.startReview, domain.RoleReviewer)
	s.handle("GET /v1/environments/{eid}/review", s.getReview, anyRole...)
	s.handle("POST /v1/environments/{eid}/review/complete", s.completeReview, domain.RoleReviewer)
	s.handle("GET /v1/environments/{eid}/purchase-orders", s.listPurchaseOrders, anyRole...)
	s.handle("GET /v1/projects/{pid}/history", s.listHistory, anyRole...)
	s.handle("GET /v1/environments/{eid}/versions/{n}/open", s.openVersion, anyRole...)
	s.handle("GET /v1/promob/projects", s.listPromobProjects, domain.RoleSeller, domain.RoleAdmin)

	// Actions in Promob: the user's link, clients and environments created
	// there through promobsync.
	s.handle("GET /v1/me", s.getMe)
	s.handle("POST /v1/me/promob-link", s.linkPromob, anyRole...)
	s.handle("POST /v1/clients/{id}/sync", s.syncClient, anyRole...)
	s.handle("POST /v1/projects/{pid}/environments", s.createEnvironment, domain.RoleSeller, domain.RoleAdmin)
	s.handle("POST /v1/environments/{eid}/retry", s.retryEnvironment, domain.RoleSeller, domain.RoleAdmin)
	s.handle("POST /v1/jobs/{id}/{kind}/retry", s.retryJob, domain.RoleSeller, domain.RoleAdmin)

	// Technical assistance: occurrences with their own Promob environment.
	s.handle("POST /v1/assistances", s.createAssistance, assistanceWriters...)
	s.handle("GET /v1/assistances/{aid}", s.getAssistance, anyRole...)
	s.handle("POST /v1/assistances/{aid}/design", s.designAssistance, assistanceWriters...)
	s.handle("POST /v1/assistances/{aid}/update", s.updateEnvironment, assistanceWriters...)
	s.handle("GET /v1/assistances/{aid}/versions/{n}/open", s.openVersion, anyRole...)
	s.handle("GET /v1/assistances/{aid}/items", s.listItems, anyRole...)
	s.handle("GET /v1/assistances/{aid}/versions/{n}", s.getVersion, anyRole...)
	s.handle("GET /v1/assistances/{aid}/budget", s.getBudget, anyRole...)
	s.handle("GET /v1/assistances/{aid}/budget/lines", s.listBudgetLines, anyRole...)
	s.handle("GET /v1/assistances/{aid}/versions/{n}/items", s.listVersionItems, anyRole...)
	s.handle("POST /v1/assistances/{aid}/items", s.addManualItem, manualItemWriters...)
	s.handle("PATCH /v1/assistances/{aid}/items/{itemId}", s.updateManualItem, manualItemWriters...)
	s.handle("DELETE /v1/assistances/{aid}/items/{itemId}", s.deleteManualItem, manualItemWriters...)
	s.handle("GET /v1/projects/{pid}/assistances", s.listAssistances, anyRole...)

	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		httperror.WriteError(w, r, domain.NotFound("No route for %s %s.", r.Method, r.URL.Path))
	})
}

// ServeHTTP adds the request id to the log context, sets SecureHeaders and
// routes the request; answers are gzip-encoded for clients that accept it
// (see compressed).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	httperror.SecureHeaders(w.Header())
	ctx := r.Context()
	if gw, ok := core.GetAPIGatewayV2ContextFromContext(ctx); ok {
		ctx = logging.With(ctx, "request_id", gw.RequestID)
	}
	s.handler.ServeHTTP(w, r.WithContext(ctx))
}

// handler serves a route for a caller already identified and allowed: it
// returns the answer's status and body, written as JSON (a nil body answers
// the status alone, such as 204 No Content), or the error to answer with
// WriteError.
type handler func(r *http.Request, id domain.Identity) (status int, body any, err error)

// wildcard finds the {name} wildcards of a route pattern.
var wildcard = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// handle registers h for the pattern behind the caller's identity, read
// from the authorizer's claims (401 without a valid one). When roles are
// given, a caller with none of them is refused with 403 before h runs;
// without roles every identified caller gets through. Every id in the path
// must then be a valid id (domain.ValidID), else the answer is 404 before h
// (and so any store call) runs. The identity is put in the context and the
// log attributes h and its answer see.
func (s *Server) handle(pattern string, h handler, roles ...domain.Role) {
	var ids []string
	for _, m := range wildcard.FindAllStringSubmatch(pattern, -1) {
		ids = append(ids, m[1])
	}
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		id, err := identityFromGateway(r)
		if err == nil && len(roles) > 0 {
			err = id.Require(roles...)
		}
		for _, name := range ids {
			if err == nil && !domain.ValidID(r.PathValue(name)) {
				err = domain.NotFound("No such record: %s must be 1 to %d letters, digits or _.:@|+-.", name, domain.MaxIDLen)
			}
		}
		if err != nil {
			httperror.WriteError(w, r, err)
			return
		}
		ctx := logging.With(domain.WithIdentity(r.Context(), id), "store_id", id.StoreID, "user_id", id.UserID)
		r = r.WithContext(ctx)
		status, body, err := h(r, id)
		if err == nil {
			// The user is recorded after a request that succeeded, so that
			// a refused one still changes nothing.
			if err := s.see(ctx, id); err != nil {
				slog.WarnContext(ctx, "user not recorded", "err", err)
			}
		}
		switch {
		case err != nil:
			httperror.WriteError(w, r, err)
		case body == nil:
			w.WriteHeader(status)
		default:
			httperror.WriteJSON(w, status, body)
		}
	})
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	httperror.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
