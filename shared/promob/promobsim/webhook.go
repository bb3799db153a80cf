package promobsim

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// maxResponse bounds how much of our webhook answer is read and kept.
const maxResponse = 1 << 20

// eventTypes are the webhook types of PROMOB-API.md section 1; the value
// says whether the body carries the listing.
var eventTypes = map[string]bool{
	"environment.saved":      false,
	"environment.prepared":   true,
	"environment.negotiated": true,
	"environment.created":    false,
}

type eventBody struct {
	Type      string    `json:"type"`
	Timestamp string    `json:"timestamp"`
	Data      eventData `json:"data"`
}

type eventData struct {
	ProjectID     string `json:"projectId"`
	EnvironmentID string `json:"environmentId"`
	Revision      int    `json:"revision"`
	UserID        string `json:"userId"`
	Listing       string `json:"listing,omitempty"`
}

// sendEvent sends the signed webhook {"type","revision","userId"} of an
// environment to the account's webhookUrl.
func (s *Sim) sendEvent(w http.ResponseWriter, r *http.Request) reply {
	var in struct {
		Type     string `json:"type"`
		Revision int    `json:"revision"`
		UserID   string `json:"userId"`
	}
	if rp := readJSON(w, r, &in); rp != nil {
		return *rp
	}
	withListing, known := eventTypes[in.Type]
	if !known {
		return invalid("Unknown event type %q.", in.Type)
	}

	s.mu.Lock()
	a := s.st.Accounts[r.PathValue("acc")]
	if a == nil {
		s.mu.Unlock()
		return notFound("account", r.PathValue("acc"))
	}
	e, nf := environmentOf(a, r)
	if nf != nil {
		s.mu.Unlock()
		return *nf
	}
	if a.WebhookURL == "" {
		s.mu.Unlock()
		return errorReply(http.StatusConflict, codeConflict, "Account %q has no webhookUrl.", a.ID)
	}
	n := cmp.Or(in.Revision, e.current())
	rev := e.revision(n)
	if rev == nil {
		s.mu.Unlock()
		return errorReply(http.StatusNotFound, codeNotFound, "Environment %q has no revision %d.", e.ID, n)
	}
	now := s.opts.Now()
	ev := eventBody{Type: in.Type, Timestamp: now.UTC().Format(time.RFC3339),
		Data: eventData{ProjectID: e.ProjectID, EnvironmentID: e.ID, Revision: n, UserID: in.UserID}}
	if ev.Data.UserID == "" {
		ev.Data.UserID = firstUser(a)
	}
	if withListing {
		ev.Data.Listing = rev.Listing
	}
	body := jsonReply(http.StatusOK, ev).body
	body = body[:len(body)-1] // the encoder's newline
	d := &delivery{WebhookID: "msg_" + rand.Text(), Type: in.Type, ProjectID: e.ProjectID, EnvironmentID: e.ID,
		Revision: n, Timestamp: now.Unix(), Body: string(body)}
	sig, err := sign(a.WebhookSecret, d.WebhookID, now, body)
	if err != nil {
		s.mu.Unlock()
		s.opts.Log.Error("promobsim: cannot sign", "err", err, "account", a.ID)
		return errorReply(http.StatusInternalServerError, codeInternal, "The account's webhookSecret cannot sign.")
	}
	d.Signature = sig
	a.addDelivery(d)
	s.persist()
	target := a.WebhookURL
	s.mu.Unlock()

	return s.deliver(r.Context(), a.ID, target, d, send{ts: d.Timestamp, sig: d.Signature})
}

// replay sends a recorded delivery again: verbatim, or with {"resign":true}
// a fresh webhook-timestamp and signature over the same id and body.
func (s *Sim) replay(w http.ResponseWriter, r *http.Request) reply {
	var in struct {
		Resign bool `json:"resign"`
	}
	if rp := readJSON(w, r, &in); rp != nil {
		return *rp
	}
	s.mu.Lock()
	a := s.st.Accounts[r.PathValue("acc")]
	if a == nil {
		s.mu.Unlock()
		return notFound("account", r.PathValue("acc"))
	}
	d := a.delivery(r.PathValue("webhookId"))
	if d == nil {
		s.mu.Unlock()
		return notFound("delivery", r.PathValue("webhookId"))
	}
	if a.WebhookURL == "" {
		s.mu.Unlock()
		return errorReply(http.StatusConflict, codeConflict, "Account %q has no webhookUrl.", a.ID)
	}
	how := send{ts: d.Timestamp, sig: d.Signature, replay: true, resign: in.Resign}
	if in.Resign {
		now := s.opts.Now()
		var err error
		if how.sig, err = sign(a.WebhookSecret, d.WebhookID, now, []byte(d.Body)); err != nil {
			s.mu.Unlock()
			return errorReply(http.StatusInternalServerError, codeInternal, "The account's webhookSecret cannot sign.")
		}
		how.ts = now.Unix()
	}
	target := a.WebhookURL
	s.mu.Unlock()
	return s.deliver(r.Context(), a.ID, target, d, how)
}

func sign(secret, id string, at time.Time, body []byte) (string, error) {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return "", err
	}
	return wh.Sign(id, at, body)
}

// send is how one attempt signs a delivery.
type send struct {
	ts             int64  // webhook-timestamp
	sig            string // webhook-signature
	replay, resign bool
}

// deliver posts the delivery's body with the Standard Webhooks headers,
// records the attempt and answers {"status","body","webhookId"}, or 502 when
// the webhook could not be delivered.
func (s *Sim) deliver(ctx context.Context, accID, target string, d *delivery, how send) reply {
	status, resp, err := post(ctx, s.opts.Client, target, d.WebhookID, how.ts, how.sig, []byte(d.Body))
	att := attempt{At: s.opts.Now(), Replay: how.replay, Resigned: how.resign, Status: status, Response: string(resp)}
	if err != nil {
		att.Error = err.Error()
	}
	s.mu.Lock()
	if a := s.st.Accounts[accID]; a != nil && slices.Contains(a.Deliveries, d) {
		d.Attempts = append(d.Attempts, att)
		s.persist()
	}
	s.mu.Unlock()
	s.opts.Log.Info("promobsim webhook", "account", accID, "webhook_id", d.WebhookID, "type", d.Type,
		"revision", d.Revision, "replay", how.replay, "status", status, "err", att.Error)
	if err != nil {
		e := errorBody{WebhookID: d.WebhookID}
		e.Error.Code, e.Error.Message = codeDeliveryFailed, fmt.Sprintf("The webhook could not be delivered to %s: %v.", target, err)
		return jsonReply(http.StatusBadGateway, e)
	}
	var body any = string(resp)
	if json.Valid(resp) {
		body = json.RawMessage(resp)
	}
	return jsonReply(http.StatusOK, map[string]any{"status": status, "body": body, "webhookId": d.WebhookID})
}

func post(ctx context.Context, client *http.Client, target, id string, ts int64, sig string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "promobsim")
	req.Header.Set(standardwebhooks.HeaderWebhookID, id)
	req.Header.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(standardwebhooks.HeaderWebhookSignature, sig)
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return resp.StatusCode, data, fmt.Errorf("reading the answer: %w", err)
	}
	return resp.StatusCode, data, nil
}

// firstUser is the default userId of events: the first user by name, or
// "designer@<account>" when the account has none.
func firstUser(a *account) string {
	names := make([]string, 0, len(a.Users))
	for n := range a.Users {
		names = append(names, n)
	}
	if len(names) == 0 {
		return "designer@" + a.ID
	}
	slices.Sort(names)
	return names[0]
}
