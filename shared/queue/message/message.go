// Package message holds the messages the functions send one another over
// SQS, in their JSON wire form, and the Queue they are sent on: import
// requests (imports queue), calls to Promob (promob-outbox queue) and, in
// notification.go, notifications.
package message

import (
	"context"
	"encoding/json"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// Queue carries messages to a worker function.
type Queue interface {
	// Send enqueues msg as JSON. On a FIFO queue, group orders the messages
	// of one group and dedupID drops a repeat sent within five minutes; both
	// are ignored by standard queues. It fails when the queue does not
	// accept the message.
	Send(ctx context.Context, msg any, group, dedupID string) error
}

// Message kinds on the imports queue.
const (
	KindWebhook = "webhook" // a stored Promob webhook delivery to process
	KindUpdate  = "update"  // import the environment's current Promob listing
)

// Import asks the importer to process a Promob event.
type Import struct {
	Kind          string `json:"kind"`
	StoreID       string `json:"storeId"`
	AccountID     string `json:"accountId"`
	DeliveryID    string `json:"deliveryId,omitempty"`
	Type          string `json:"type,omitempty"`
	ProjectID     string `json:"projectId"`
	EnvironmentID string `json:"environmentId"`
	Revision      int    `json:"revision,omitempty"`
	// PromobUser is the Promob user whose action sent the webhook
	// (data.userId), told of what it changed.
	PromobUser string `json:"promobUser,omitempty"`
	// UserID is the user who asked for an update: the listing is fetched
	// with their linked Promob token when they have one.
	UserID string `json:"userId,omitempty"`
}

// ImportGroup is the FIFO message group of a Promob environment: its events
// are processed one at a time, in order.
func ImportGroup(accountID, promobEnvironmentID string) string {
	return accountID + ":" + promobEnvironmentID
}

// Message kinds on the promob-outbox queue.
const (
	KindConnectStatus     = "connect.status"     // set a Promob project's situation and stage in Connect
	KindCustomerCreate    = "customer.create"    // create a client in Promob
	KindEnvironmentCreate = "environment.create" // create an environment (and its project) in Promob
)

// CustomerCreate asks promobsync to create a client in Promob; the
// client's id is the Idempotency-Key, so a repeat creates nothing.
type CustomerCreate struct {
	Kind     string `json:"kind"`
	StoreID  string `json:"storeId"`
	ClientID string `json:"clientId"`
	UserID   string `json:"userId"` // who acts: their linked token is used when they have one
}

// EnvironmentCreate asks promobsync to create an environment in
// Promob, and its project first when Promob does not hold it yet.
type EnvironmentCreate struct {
	Kind          string `json:"kind"`
	StoreID       string `json:"storeId"`
	ProjectID     string `json:"projectId"`
	EnvironmentID string `json:"environmentId"`
	UserID        string `json:"userId"`
}

// ConnectStatus asks promobsync to set the situation and stage of a
// Promob project (PROMOB-API.md, PUT …/status) with the store's
// integration token.
type ConnectStatus struct {
	Kind          string `json:"kind"`
	StoreID       string `json:"storeId"`
	AccountID     string `json:"accountId"`
	ProjectID     string `json:"projectId"`     // the Promob project
	EnvironmentID string `json:"environmentId"` // the Promob environment
	Version       int    `json:"version"`
	Situation     string `json:"situation"`
	Stage         string `json:"stage"`
	// ProjectRef and EnvironmentRef are the FoccoLojas project and the
	// converted environment: the project records the delivery, the
	// environment's record shows the job.
	ProjectRef     string `json:"projectRef,omitempty"`
	EnvironmentRef string `json:"environmentRef,omitempty"`
}

// AssistanceDesign asks promobsync to create an assistance's Promob
// environment (Idempotency-Key: DesignKey of its current attempt).
type AssistanceDesign struct {
	Kind         string `json:"kind"`
	StoreID      string `json:"storeId"`
	AssistanceID string `json:"assistanceId"`
	UserID       string `json:"userId"`
}

// KindAssistanceDesign is the promob-outbox kind of AssistanceDesign.
const KindAssistanceDesign = "assistance.design"

// JobOf returns the job a queue message carries out, or false for a
// message no user started (a Promob webhook, a notification) or that is not
// a job message.
func JobOf(body []byte) (domain.JobRef, bool) {
	var m struct {
		Kind           string `json:"kind"`
		StoreID        string `json:"storeId"`
		ClientID       string `json:"clientId"`
		EnvironmentID  string `json:"environmentId"`
		AssistanceID   string `json:"assistanceId"`
		EnvironmentRef string `json:"environmentRef"`
	}
	if json.Unmarshal(body, &m) != nil || m.StoreID == "" {
		return domain.JobRef{}, false
	}
	ref := domain.JobRef{StoreID: m.StoreID, Kind: m.Kind}
	switch m.Kind {
	case KindCustomerCreate:
		ref.RecordID = m.ClientID
	case KindEnvironmentCreate, KindUpdate:
		ref.RecordID = m.EnvironmentID
	case KindAssistanceDesign:
		ref.RecordID = m.AssistanceID
	case KindConnectStatus:
		ref.RecordID = m.EnvironmentRef
	}
	return ref, ref.RecordID != ""
}
