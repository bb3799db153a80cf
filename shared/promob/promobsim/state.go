package promobsim

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Limits on what an account keeps of its history.
const (
	maxCalls      = 1000 // calls received, oldest dropped first
	maxDeliveries = 1000 // webhook deliveries kept for replay
)

// state is everything the simulator keeps; it is persisted as JSON.
type state struct {
	Accounts map[string]*account `json:"accounts"`
}

type account struct {
	ID               string                  `json:"id"`
	WebhookURL       string                  `json:"webhookUrl"`
	WebhookSecret    string                  `json:"webhookSecret"`
	IntegrationToken string                  `json:"integrationToken"`
	CNPJ             string                  `json:"cnpj"`
	SerialNumbers    []string                `json:"serialNumbers"`
	Users            map[string]*user        `json:"users"`
	Tokens           map[string]*token       `json:"tokens"`
	Customers        map[string]*customer    `json:"customers"`
	Projects         map[string]*project     `json:"projects"`
	Environments     map[string]*environment `json:"environments"`
	Idempotency      map[string]*idempotent  `json:"idempotency"`
	Calls            []call                  `json:"calls"`
	Deliveries       []*delivery             `json:"deliveries"`
	Seq              int                     `json:"seq"` // creation counter: keeps lists in creation order
	CreatedAt        time.Time               `json:"createdAt"`
}

type user struct {
	Name              string    `json:"user"`
	PasswordHash      string    `json:"passwordHash"`
	PasswordChangedAt time.Time `json:"passwordChangedAt"`
}

type token struct {
	User      string    `json:"user"`
	IssuedAt  time.Time `json:"issuedAt"`
	ExpiresAt time.Time `json:"expiresAt"`
}

type customer struct {
	ID         string    `json:"customerId"`
	ExternalID string    `json:"externalId"`
	Name       string    `json:"name"`
	Document   string    `json:"document"`
	Email      string    `json:"email"`
	Phone      string    `json:"phone"`
	Seq        int       `json:"seq"`
	CreatedAt  time.Time `json:"createdAt"`
}

type project struct {
	ID            string         `json:"projectId"`
	ExternalID    string         `json:"externalId"`
	CustomerID    string         `json:"customerId"`
	Name          string         `json:"name"`
	Situation     string         `json:"situation"`
	Stage         string         `json:"stage"`
	StatusUpdates []statusUpdate `json:"statusUpdates"`
	Environments  []string       `json:"environments"` // ids in creation order
	Seq           int            `json:"seq"`
	CreatedAt     time.Time      `json:"createdAt"`
	UpdatedAt     time.Time      `json:"updatedAt"`
}

type statusUpdate struct {
	At            time.Time `json:"at"`
	Situation     string    `json:"situation"`
	Stage         string    `json:"stage"`
	EnvironmentID string    `json:"environmentId,omitempty"`
	Version       int       `json:"version,omitempty"`
}

type environment struct {
	ID         string     `json:"environmentId"`
	ProjectID  string     `json:"projectId"`
	ExternalID string     `json:"externalId"`
	Name       string     `json:"name"`
	Revisions  []revision `json:"revisions"` // revision N is Revisions[N-1]
	CreatedAt  time.Time  `json:"createdAt"`
}

func (e *environment) current() int { return len(e.Revisions) }

// revision returns revision n (1-based), or nil.
func (e *environment) revision(n int) *revision {
	if n < 1 || n > len(e.Revisions) {
		return nil
	}
	return &e.Revisions[n-1]
}

type revision struct {
	Number  int       `json:"revision"`
	SavedAt time.Time `json:"savedAt"`
	Source  string    `json:"source"` // "blank", "copy <env> r<N>", "control", "control generated"
	Listing string    `json:"listing"`
}

// idempotent is the first answer to a create call, kept under its
// Idempotency-Key.
type idempotent struct {
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	BodyHash string    `json:"bodyHash"`
	Status   int       `json:"status"`
	Body     string    `json:"body"`
	At       time.Time `json:"at"`
}

type call struct {
	At             time.Time `json:"at"`
	Method         string    `json:"method"`
	Path           string    `json:"path"`
	IdempotencyKey string    `json:"idempotencyKey,omitempty"`
	Caller         string    `json:"caller,omitempty"` // "integration" or "user:<name>"
	Status         int       `json:"status"`
	Replayed       bool      `json:"replayed,omitempty"` // answered from the idempotency record
	Fault          bool      `json:"fault,omitempty"`    // failed by POST /_sim/faults
}

type delivery struct {
	WebhookID     string    `json:"webhookId"`
	Type          string    `json:"type"`
	ProjectID     string    `json:"projectId"`
	EnvironmentID string    `json:"environmentId"`
	Revision      int       `json:"revision"`
	Timestamp     int64     `json:"timestamp"` // webhook-timestamp, unix seconds
	Signature     string    `json:"signature"`
	Body          string    `json:"body"`
	Attempts      []attempt `json:"attempts"`
}

type attempt struct {
	At       time.Time `json:"at"`
	Replay   bool      `json:"replay,omitempty"`
	Resigned bool      `json:"resigned,omitempty"`
	Status   int       `json:"status"`
	Error    string    `json:"error,omitempty"`
	Response string    `json:"response,omitempty"`
}

func newAccount(id string, now time.Time) *account {
	a := &account{ID: id, CreatedAt: now}
	a.init()
	return a
}

// init makes the maps of an account read from JSON usable.
func (a *account) init() {
	if a.Users == nil {
		a.Users = map[string]*user{}
	}
	if a.Tokens == nil {
		a.Tokens = map[string]*token{}
	}
	if a.Customers == nil {
		a.Customers = map[string]*customer{}
	}
	if a.Projects == nil {
		a.Projects = map[string]*project{}
	}
	if a.Environments == nil {
		a.Environments = map[string]*environment{}
	}
	if a.Idempotency == nil {
		a.Idempotency = map[string]*idempotent{}
	}
}

func (a *account) nextSeq() int {
	a.Seq++
	return a.Seq
}

func (a *account) record(c call) {
	a.Calls = append(a.Calls, c)
	if n := len(a.Calls) - maxCalls; n > 0 {
		a.Calls = append([]call(nil), a.Calls[n:]...)
	}
}

func (a *account) addDelivery(d *delivery) {
	a.Deliveries = append(a.Deliveries, d)
	if n := len(a.Deliveries) - maxDeliveries; n > 0 {
		a.Deliveries = append([]*delivery(nil), a.Deliveries[n:]...)
	}
}

func (a *account) delivery(id string) *delivery {
	for _, d := range a.Deliveries {
		if d.WebhookID == id {
			return d
		}
	}
	return nil
}

// revokeTokens drops every token of the user.
func (a *account) revokeTokens(name string) {
	for k, t := range a.Tokens {
		if t.User == name {
			delete(a.Tokens, k)
		}
	}
}

func hashPassword(p string) string {
	sum := sha256.Sum256([]byte("promobsim:" + p))
	return hex.EncodeToString(sum[:])
}

func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newSecret returns a Standard Webhooks signing secret: "whsec_" and 32
// random bytes in base64.
func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return "whsec_" + base64.StdEncoding.EncodeToString(b[:])
}

// load reads the state persisted at path; a missing file is an empty state.
func load(path string) (*state, error) {
	st := &state{Accounts: map[string]*account{}}
	if path == "" {
		return st, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("promobsim: read state: %w", err)
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("promobsim: state file %s: %w", path, err)
	}
	if st.Accounts == nil {
		st.Accounts = map[string]*account{}
	}
	for _, a := range st.Accounts {
		a.init()
	}
	return st, nil
}

// save writes the state to path atomically (a temporary file renamed over
// it).
func (st *state) save(path string) error {
	if path == "" {
		return nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // listings stay one byte per character
	if err := enc.Encode(st); err != nil {
		return fmt.Errorf("promobsim: encode state: %w", err)
	}
	data := buf.Bytes()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("promobsim: state directory: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("promobsim: write state: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("promobsim: write state: %w", err)
	}
	return nil
}
