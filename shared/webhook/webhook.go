// Package webhook receives Promob's signed webhook deliveries: it verifies
// them (Standard Webhooks), stores each delivery once, and enqueues it for the
// importer. It answers fast and never processes the event itself.
//
// What a delivery does is the sale's (sale.Promob.Record): a saved,
// prepared or negotiated event of a locked environment (its review is
// complete and its purchase orders exist) is answered 409
// environment_locked, is neither stored as a delivery nor queued, so
// nothing changes, and is recorded in the project's history (once per
// webhook id, so Promob's retries add no entries).
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/httperror"
	"github.com/foccolojas/promob-integration/shared/logging"
	"github.com/foccolojas/promob-integration/shared/metrics"
	"github.com/foccolojas/promob-integration/shared/promobevent"
	"github.com/foccolojas/promob-integration/shared/queue/message"
	"github.com/foccolojas/promob-integration/shared/sale"
	"github.com/foccolojas/promob-integration/shared/strictjson"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// MaxBody is the largest delivery accepted: Lambda's synchronous payload limit.
const MaxBody = 6 << 20

// Store is what the webhook function reads: the account a delivery is
// for, and what recording its event keeps (sale.PromobStore).
type Store interface {
	Account(ctx context.Context, accountID string) (domain.Account, error)
	sale.PromobStore
}

// Handler is the webhook function's http.Handler.
type Handler struct {
	store  Store
	events sale.Promob
	now    func() time.Time
	mux    *http.ServeMux
	// Metrics receives each delivery's outcome (nil: none).
	Metrics *metrics.Emitter
}

// New returns the handler; now is the clock deliveries are stamped with.
func New(store Store, imports message.Queue, now func() time.Time) *Handler {
	h := &Handler{store: store, events: sale.Promob{Store: store, Imports: imports, Now: now}, now: now, mux: http.NewServeMux()}
	h.mux.HandleFunc("POST /webhooks/promob/{accountId}", h.receive)
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		httperror.WriteError(w, r, domain.NotFound("No route for %s %s.", r.Method, r.URL.Path))
	})
	return h
}

// ServeHTTP routes the request with the request id in its log context.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	httperror.SecureHeaders(w.Header())
	ctx := r.Context()
	if gw, ok := core.GetAPIGatewayV2ContextFromContext(ctx); ok {
		ctx = logging.With(ctx, "request_id", gw.RequestID)
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	h.mux.ServeHTTP(sw, r.WithContext(ctx))
	h.Metrics.Count(ctx, "Webhooks", 1, metrics.Dim{Name: "Outcome", Value: outcome(sw.status)})
}

// outcome names a delivery's answer in the Webhooks metric.
func outcome(status int) string {
	if status < 300 {
		return "accepted"
	}
	return "refused_" + strconv.Itoa(status)
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// Answer is the JSON body of an accepted delivery. Redirect, on
// environment.negotiated, is the FoccoLojas screen Promob sends the user to.
type Answer struct {
	DeliveryID string `json:"deliveryId"`
	Status     string `json:"status"`
	Redirect   string `json:"redirect,omitempty"`
}

var webhookIDPattern = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,128}$`)

func (h *Handler) receive(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	accountID := r.PathValue("accountId")
	ctx = logging.With(ctx, "account_id", accountID, "webhook_id", r.Header.Get(standardwebhooks.HeaderWebhookID))

	body, err := readBody(r)
	if err != nil {
		httperror.WriteError(w, r, err)
		return
	}
	if !domain.ValidID(accountID) { // checked before the store sees it
		httperror.WriteError(w, r, domain.NotFound("Unknown Promob account."))
		return
	}
	acc, err := h.store.Account(ctx, accountID)
	if err != nil {
		httperror.WriteError(w, r.WithContext(ctx), err)
		return
	}
	ctx = logging.With(ctx, "store_id", acc.StoreID)
	r = r.WithContext(ctx)
	if err := verify(acc, body, r.Header, h.now()); err != nil {
		slog.WarnContext(ctx, "webhook refused", "err", err)
		httperror.WriteError(w, r, err)
		return
	}
	ev, err := decodeEvent(body)
	if err != nil {
		httperror.WriteError(w, r, err)
		return
	}

	webhookID := r.Header.Get(standardwebhooks.HeaderWebhookID)
	ans := Answer{DeliveryID: webhookID, Status: "accepted"}
	if ev.Type == domain.EventNegotiated {
		if ans.Redirect, err = h.redirect(ctx, acc, ev); err != nil {
			httperror.WriteError(w, r, err)
			return
		}
	}
	answer, _ := json.Marshal(ans)
	d, created, err := h.events.Record(ctx, domain.Delivery{
		AccountID: acc.AccountID, WebhookID: webhookID, StoreID: acc.StoreID, Type: ev.Type,
		ProjectID: ev.Data.ProjectID, EnvironmentID: ev.Data.EnvironmentID, Revision: ev.Data.Revision, PromobUser: ev.Data.UserID,
		Status: http.StatusAccepted, Body: answer,
	}, body)
	if err != nil {
		httperror.WriteError(w, r, err)
		return
	}
	slog.InfoContext(ctx, "webhook accepted", "type", d.Type, "revision", d.Revision, "duplicate", !created)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(d.Status)
	_, _ = w.Write(d.Body)
}

// redirect is where a negotiated environment sends the user: its screen in
// FoccoLojas (see negotiateRedirect), or the screen that links a
// Promob environment FoccoLojas does not know yet.
func (h *Handler) redirect(ctx context.Context, acc domain.Account, ev promobevent.Event) (string, error) {
	env, err := h.store.EnvironmentByPromobID(ctx, acc.AccountID, ev.Data.EnvironmentID)
	if domain.IsNotFound(err) || (err == nil && env.StoreID != acc.StoreID) {
		return "/environments/link?promobProjectId=" + url.QueryEscape(ev.Data.ProjectID) + "&promobEnvironmentId=" + url.QueryEscape(ev.Data.EnvironmentID), nil
	}
	if err != nil {
		return "", err
	}
	return negotiateRedirect(env), nil
}

// readBody checks the content type and reads at most MaxBody bytes.
func readBody(r *http.Request) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, domain.UnsupportedMedia("Webhook bodies must be application/json.")
	}
	var buf bytes.Buffer
	_, err = buf.ReadFrom(http.MaxBytesReader(nil, r.Body, MaxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, domain.TooLarge("Webhook bodies are limited to %d bytes.", MaxBody)
	}
	if err != nil {
		return nil, domain.Invalid("The body could not be read.")
	}
	return buf.Bytes(), nil
}

// verify checks the Standard Webhooks signature against each of the
// account's current secrets, and the webhook id's form.
func verify(acc domain.Account, body []byte, header http.Header, now time.Time) error {
	header = joinSignatures(header)
	var lastErr error
	for _, secret := range acc.Secrets(now) {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			return err // a stored secret that does not decode is our fault
		}
		if lastErr = wh.Verify(body, header); lastErr == nil {
			break
		}
	}
	switch {
	case errors.Is(lastErr, standardwebhooks.ErrRequiredHeaders):
		return domain.BadSignature("webhook-id, webhook-timestamp and webhook-signature headers are required.")
	case errors.Is(lastErr, standardwebhooks.ErrMessageTooOld), errors.Is(lastErr, standardwebhooks.ErrMessageTooNew):
		return domain.BadSignature("The webhook timestamp is outside the 5-minute tolerance.")
	case lastErr != nil:
		return domain.BadSignature("The webhook signature does not verify.")
	}
	if !webhookIDPattern.MatchString(header.Get(standardwebhooks.HeaderWebhookID)) {
		return domain.Invalid("webhook-id must be 1 to 128 letters, digits or _.:-")
	}
	return nil
}

// joinSignatures returns header with its webhook-signature values joined
// into one. The Lambda proxy adapter splits header values at commas, so the
// signature "v1,<base64>" reaches the handler as the values "v1" and
// "<base64>", of which Header.Get sees only the first.
func joinSignatures(header http.Header) http.Header {
	sigs := header.Values(standardwebhooks.HeaderWebhookSignature)
	if len(sigs) < 2 {
		return header
	}
	header = header.Clone()
	header.Set(standardwebhooks.HeaderWebhookSignature, strings.Join(sigs, ","))
	return header
}

// decodeEvent parses and validates the event: exact-case names, none given
// twice, unknown members ignored (see package strictjson).
func decodeEvent(body []byte) (promobevent.Event, error) {
	var ev promobevent.Event
	if err := strictjson.Decode(body, &ev, false); err != nil {
		return promobevent.Event{}, err
	}
	return ev, ev.Validate()
}
