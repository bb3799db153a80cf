package domain

import (
	"fmt"
	"time"
)

// States of a Connect status sent to Promob.
const (
	ConnectPending   = "pending"   // queued for promobsync
	ConnectDelivered = "delivered" // Promob accepted it
	ConnectFailed    = "failed"    // Promob never accepted it; Reason says why
)

// ConnectDelivery is a Connect situation and stage sent for a project at
// an environment's approval, and where its delivery stands.
type ConnectDelivery struct {
	Situation     string    `json:"situation"`
	Stage         string    `json:"stage"`
	EnvironmentID string    `json:"environmentId"` // the approved environment
	Version       int       `json:"version"`       // its converted version
	Status        string    `json:"status"`        // ConnectPending, ConnectDelivered or ConnectFailed
	Reason        string    `json:"reason,omitempty"`
	At            time.Time `json:"at"` // when the status last changed
}

// ConnectNotDeliveredNotification tells the store's responsible user that
// Connect did not receive a project's situation and stage; once per
// environment and version.
func ConnectNotDeliveredNotification(integ Integration, projectID string, d ConnectDelivery, now time.Time) Notification {
	return Notification{
		ID: NewID(), StoreID: integ.StoreID, UserID: integ.ResponsibleUserID, Kind: "integration.connect_failed",
		Title:   "O Connect não recebeu a situação do projeto",
		Message: fmt.Sprintf("Promob did not accept situation %q and stage %q for version %d: %s Approve the environment again to resend them.", d.Situation, d.Stage, d.Version, d.Reason),
		Action:  &Action{Type: "open_project", ProjectID: projectID, EnvironmentID: d.EnvironmentID}, CreatedAt: now.UTC(),
		DedupeKey: fmt.Sprintf("connect-failed#%s#%d", d.EnvironmentID, d.Version),
	}
}

// IntegrationTokenRefusedNotification tells the store's responsible user
// that Promob refused the store's integration token; once per saved
// configuration (a token saved again and refused again is told again).
func IntegrationTokenRefusedNotification(integ Integration, now time.Time) Notification {
	return Notification{
		ID: NewID(), StoreID: integ.StoreID, UserID: integ.ResponsibleUserID, Kind: "integration.token_refused",
		Title:     "O Promob recusou o token da integração",
		Message:   "Promob refused the store's integration token: calls made without a linked user fail until a valid token is saved in the integration settings.",
		Action:    &Action{Type: "configure_integration"},
		CreatedAt: now.UTC(), DedupeKey: "integration-token-refused#" + integ.UpdatedAt.UTC().Format(time.RFC3339Nano),
	}
}
