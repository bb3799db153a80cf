// Package httpapi is the FoccoLojas REST API as a plain http.Handler; the api
// function serves it through API Gateway's HTTP API (payload v2).
package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/pricing"
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
}

// WorkflowStore keeps the sale's workflow: approval, financial release,
// review and purchase orders (see the dynamo store's methods of the same
// names for their conditions).
type WorkflowStore interface {
	Approve(ctx context.Context, env domain.Environment, entry domain.HistoryEntry, now time.Time) (domain.Environment, error)
	ReleaseFinancially(ctx context.Context, storeID, projectID string, entry domain.HistoryEntry) (domain.Project, bool, error)
	StartReview(ctx context.Context, env domain.Environment, entry domain.HistoryEntry) (bool, error)
	CompleteReview(ctx context.Context, env domain.Environment, orders []domain.PurchaseOrder, entries []domain.HistoryEntry, now time.Time) error
	PurchaseOrders(ctx context.Context, env domain.Environment) ([]domain.PurchaseOrder, error)
}

// EnvironmentStore keeps environments and their versions.
type EnvironmentStore interface {
	CreateEnvironment(ctx context.Context, e domain.Environment) error
	// Environment returns one of the store's environments, or a not_found
	// *domain.Error.
	Environment(ctx context.Context, storeID, id string) (domain.Environment, error)
	SetImportStatus(ctx context.Context, storeID, envID, status, reason string, now time.Time) error
	Versions(ctx context.Context, env domain.Environment) ([]domain.Version, error)
	Version(ctx context.Context, env domain.Environment, number int) (domain.Version, error)
	VersionItems(ctx context.Context, env domain.Environment, number int, fn func(dec *json.Decoder) error) error
}

// Server routes the REST API.
type Server struct {
	mux     *http.ServeMux
	store   Store
	imports domain.Queue
	outbox  domain.Queue
	now     func() time.Time
	// verifier and box link users to Promob (WithPromobLink).
	verifier Verifier
	box      domain.TokenBox
}

// NewServer returns the REST API handler over the store; imports is the
// importer's queue, outbox promobsync's (calls to Promob) and now the clock.
func NewServer(store Store, imports, outbox domain.Queue, now func() time.Time, opts ...Option) *Server {
	s := &Server{mux: http.NewServeMux(), store: store, imports: imports, outbox: outbox, now: now}
	for _, o := range opts {
		o(s)
	}
	s.routes()
	return s
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /health", s.health)
	s.mux.HandleFunc("GET /openapi.json", serveOpenAPI)
	s.mux.HandleFunc("GET /v1/integration", s.authed(s.getIntegration))
	s.mux.HandleFunc("PUT /v1/integration", s.authed(s.putIntegration))
	s.mux.HandleFunc("POST /v1/integration/rotate-secret", s.authed(s.rotateSecret))
	s.mux.HandleFunc("POST /v1/projects/{pid}/environments/import", s.authed(s.legacyImport))
	s.mux.HandleFunc("GET /v1/environments/{eid}", s.authed(s.getEnvironment))
	s.mux.HandleFunc("POST /v1/environments/{eid}/update", s.authed(s.updateEnvironment))
	s.mux.HandleFunc("GET /v1/environments/{eid}/versions", s.authed(s.listVersions))
	s.mux.HandleFunc("GET /v1/environments/{eid}/versions/{n}", s.authed(s.getVersion))
	s.mux.HandleFunc("GET /v1/environments/{eid}/items", s.authed(s.listItems))
	s.mux.HandleFunc("GET /v1/environments/{eid}/budget", s.authed(s.getBudget))
	s.mux.HandleFunc("GET /v1/notifications", s.authed(s.listNotifications))
	s.mux.HandleFunc("POST /v1/notifications/{id}/read", s.authed(s.readNotification))

	// Clients, projects, commercial rules and manual items.
	s.mux.HandleFunc("POST /v1/clients", s.authed(s.createClient))
	s.mux.HandleFunc("GET /v1/clients/{id}", s.authed(s.getClient))
	s.mux.HandleFunc("POST /v1/projects", s.authed(s.createProject))
	s.mux.HandleFunc("GET /v1/projects/{id}", s.authed(s.getProject))
	s.mux.HandleFunc("GET /v1/integration/commercial-rules", s.authed(s.getCommercialRules))
	s.mux.HandleFunc("PUT /v1/integration/commercial-rules", s.authed(s.putCommercialRules))
	s.mux.HandleFunc("POST /v1/environments/{eid}/items", s.authed(s.addManualItem))
	s.mux.HandleFunc("PATCH /v1/environments/{eid}/items/{itemId}", s.authed(s.updateManualItem))
	s.mux.HandleFunc("DELETE /v1/environments/{eid}/items/{itemId}", s.authed(s.deleteManualItem))

	// The sale's workflow: approval, financial release, review, purchase
	// orders, history, opening Promob at a version.
	s.mux.HandleFunc("POST /v1/environments/{eid}/approve", s.authed(s.approve))
	s.mux.HandleFunc("POST /v1/projects/{pid}/financial-release", s.authed(s.releaseFinancially))
	s.mux.HandleFunc("POST /v1/environments/{eid}/review/start", s.authed(s.startReview))
	s.mux.HandleFunc("GET /v1/environments/{eid}/review", s.authed(s.getReview))
	s.mux.HandleFunc("POST /v1/environments/{eid}/review/complete", s.authed(s.completeReview))
	s.mux.HandleFunc("GET /v1/environments/{eid}/purchase-orders", s.authed(s.listPurchaseOrders))
	s.mux.HandleFunc("GET /v1/projects/{pid}/history", s.authed(s.listHistory))
	s.mux.HandleFunc("GET /v1/environments/{eid}/versions/{n}/open", s.authed(s.openVersion))

	// Actions in Promob: the user's link, clients and environments created
	// there through promobsync.
	s.mux.HandleFunc("GET /v1/me", s.authed(s.getMe))
	s.mux.HandleFunc("POST /v1/me/promob-link", s.authed(s.linkPromob))
	s.mux.HandleFunc("POST /v1/clients/{id}/sync", s.authed(s.syncClient))
	s.mux.HandleFunc("POST /v1/projects/{pid}/environments", s.authed(s.createEnvironment))
	s.mux.HandleFunc("POST /v1/environments/{eid}/retry", s.authed(s.retryEnvironment))

	// Technical assistance: occurrences with their own Promob environment.
	s.mux.HandleFunc("POST /v1/assistances", s.authed(s.createAssistance))
	s.mux.HandleFunc("GET /v1/assistances/{aid}", s.authed(s.getAssistance))
	s.mux.HandleFunc("POST /v1/assistances/{aid}/design", s.authed(s.designAssistance))
	s.mux.HandleFunc("GET /v1/assistances/{aid}/items", s.authed(s.listItems))
	s.mux.HandleFunc("GET /v1/assistances/{aid}/versions/{n}", s.authed(s.getVersion))
	s.mux.HandleFunc("GET /v1/assistances/{aid}/budget", s.authed(s.getBudget))
	s.mux.HandleFunc("POST /v1/assistances/{aid}/items", s.authed(s.addManualItem))
	s.mux.HandleFunc("PATCH /v1/assistances/{aid}/items/{itemId}", s.authed(s.updateManualItem))
	s.mux.HandleFunc("DELETE /v1/assistances/{aid}/items/{itemId}", s.authed(s.deleteManualItem))
	s.mux.HandleFunc("GET /v1/projects/{pid}/assistances", s.authed(s.listAssistances))

	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, domain.Errorf(domain.CodeNotFound, "No route for %s %s.", r.Method, r.URL.Path))
	})
}

// ServeHTTP adds the request id to the log context and routes the request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if gw, ok := core.GetAPIGatewayV2ContextFromContext(ctx); ok {
		ctx = logging.With(ctx, "request_id", gw.RequestID)
	}
	s.mux.ServeHTTP(w, r.WithContext(ctx))
}

// authed wraps a handler that needs the caller's identity: it is read from the
// authorizer's claims, put in the context and the log attributes.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, domain.Identity)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := identityFromGateway(r)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		ctx := logging.With(domain.WithIdentity(r.Context(), id), "store_id", id.StoreID, "user_id", id.UserID)
		h(w, r.WithContext(ctx), id)
	}
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
