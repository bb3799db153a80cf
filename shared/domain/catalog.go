package domain

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Client is a store's customer.
type Client struct {
	ID           string    `json:"id"`
	StoreID      string    `json:"-"`
	Name         string    `json:"name"`
	Document     string    `json:"document"`     // CPF (11 digits) or CNPJ (14 digits)
	DocumentType string    `json:"documentType"` // "cpf" or "cnpj"
	Email        string    `json:"email,omitempty"`
	Phone        string    `json:"phone,omitempty"`
	CreatedAt    time.Time `json:"createdAt"`
	// PromobSync is where the client's creation in Promob stands.
	PromobSync PromobSync `json:"promobSync"`
}

// States of a record's creation in Promob.
const (
	SyncPending = "pending" // queued for promobsync
	SyncSynced  = "synced"  // Promob holds it
	SyncFailed  = "failed"  // the last attempt failed; Reason says why
)

// PromobSync is where a client's creation in Promob stands.
type PromobSync struct {
	Status           string `json:"status"`
	PromobCustomerID string `json:"promobCustomerId,omitempty"`
	Reason           string `json:"reason,omitempty"`
}

// maxName bounds names and descriptions typed by users.
const maxName = 200

// Validate returns the client with its name, e-mail and phone trimmed and
// its document reduced to digits (DocumentType set), or an invalid_request
// *Error naming the first wrong field.
func (c Client) Validate() (Client, error) {
	name := strings.TrimSpace(c.Name)
	if name == "" || utf8.RuneCountInString(name) > maxName {
		return Client{}, Invalid("name is required (at most %d characters).", maxName)
	}
	c.Name, c.Email, c.Phone = name, strings.TrimSpace(c.Email), strings.TrimSpace(c.Phone)
	if d, ok := NormalizeCPF(c.Document); ok {
		c.Document, c.DocumentType = d, "cpf"
	} else if d, ok := NormalizeCNPJ(c.Document); ok {
		c.Document, c.DocumentType = d, "cnpj"
	} else {
		return Client{}, Invalid("document must be a valid CPF or CNPJ.")
	}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
			return Client{}, Invalid("email must be an e-mail address.")
		}
	}
	if len(c.Phone) > 30 {
		return Client{}, Invalid("phone is at most 30 characters.")
	}
	return c, nil
}

// RequireName returns a name typed by a user (a project's, an
// environment's) trimmed, or an invalid_request *Error when it is blank or
// longer than 200 characters.
func RequireName(name string) (string, error) {
	if n := strings.TrimSpace(name); n != "" && utf8.RuneCountInString(n) <= maxName {
		return n, nil
	}
	return "", Invalid("name is required (at most %d characters).", maxName)
}

// Project is a sale to a client: one or more environments (kitchen, bedroom…).
type Project struct {
	ID              string    `json:"id"`
	StoreID         string    `json:"-"`
	ClientID        string    `json:"clientId"`
	Name            string    `json:"name"`
	CreatedBy       string    `json:"createdBy"`
	CreatedAt       time.Time `json:"createdAt"`
	PromobProjectID string    `json:"promobProjectId,omitempty"`
	// FinanciallyReleasedAt is when finance released the contract; review
	// cannot start before.
	FinanciallyReleasedAt *time.Time `json:"financiallyReleasedAt,omitempty"`
	FinanciallyReleasedBy string     `json:"financiallyReleasedBy,omitempty"`
	// State is the stage its sale reached (ProjectOpen…ProjectLocked) and
	// LastActivityAt when it last moved (created, released, an environment
	// approved, a review started or completed).
	State          string        `json:"state"`
	LastActivityAt time.Time     `json:"lastActivityAt"`
	Environments   []Environment `json:"environments"`

	// Connect is the situation and stage last sent to Promob's Connect for
	// the project, and whether Connect received them.
	Connect *ConnectDelivery `json:"connect,omitempty"`
}

// Validate returns the project with its client id and name trimmed, or an
// invalid_request *Error naming the first wrong field.
func (p Project) Validate() (Project, error) {
	p.ClientID = strings.TrimSpace(p.ClientID)
	if err := RequireID("clientId", p.ClientID); err != nil {
		return Project{}, err
	}
	name, err := RequireName(p.Name)
	if err != nil {
		return Project{}, err
	}
	p.Name = name
	return p, nil
}

// CatalogStore keeps clients and projects.
type CatalogStore interface {
	// CreateClient stores a new client, or returns a conflict *Error when
	// its id is taken.
	CreateClient(ctx context.Context, c Client) error
	// Client returns one of the store's clients, or a not_found *Error.
	Client(ctx context.Context, storeID, id string) (Client, error)
	// CreateProject stores a new project of one of the store's clients, or
	// returns a not_found *Error naming the client when it is not one of
	// them (and a conflict *Error when the project id is taken).
	CreateProject(ctx context.Context, p Project) error
	// Project returns one of the store's projects with its environments, or
	// a not_found *Error.
	Project(ctx context.Context, storeID, id string) (Project, error)
}
