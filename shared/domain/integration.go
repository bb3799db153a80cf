package domain

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"
	"unicode/utf8"
)

// Integration is a store's Promob integration configuration.
type Integration struct {
	StoreID           string    `json:"storeId"`
	CNPJ              string    `json:"cnpj"`
	PromobAccountID   string    `json:"promobAccountId"`
	SerialNumbers     []string  `json:"serialNumbers"`
	ResponsibleUserID string    `json:"responsibleUserId"`
	PromobAPIToken    string    `json:"-"`
	CreatedAt         time.Time `json:"createdAt"`
	UpdatedAt         time.Time `json:"updatedAt"`

	// ConnectSituation and ConnectStage are what Promob's Connect shows for
	// a project once an environment's budget is approved.
	ConnectSituation string `json:"connectSituation"`
	ConnectStage     string `json:"connectStage"`
}

// Limits on the integration configuration.
const (
	maxAccountIDLen = 64
	maxSerials      = 50
	maxSerialLen    = 64
	maxConnectValue = 100
	maxAPITokenLen  = 512
)

// Validate returns the configuration an admin sends with the CNPJ reduced
// to its digits, blanks trimmed and serial numbers given twice kept once,
// or an invalid_request *Error naming the first field that is wrong. The
// store's PromobAPIToken is the integration token, write-only.
func (in Integration) Validate() (Integration, error) {
	cnpj, ok := NormalizeCNPJ(in.CNPJ)
	if !ok {
		return Integration{}, Invalid("cnpj must be a valid CNPJ (14 digits with valid check digits).")
	}
	acc := strings.TrimSpace(in.PromobAccountID)
	if acc == "" {
		return Integration{}, Invalid("promobAccountId is required.")
	}
	if len(acc) > maxAccountIDLen || !ValidID(acc) {
		return Integration{}, Invalid("promobAccountId must be at most %d letters, digits or _.:@|+- (starting with a letter or digit).", maxAccountIDLen)
	}
	if len(in.SerialNumbers) == 0 {
		return Integration{}, Invalid("serialNumbers must hold at least one Promob serial number.")
	}
	if len(in.SerialNumbers) > maxSerials {
		return Integration{}, Invalid("serialNumbers holds at most %d serial numbers.", maxSerials)
	}
	serials := make([]string, 0, len(in.SerialNumbers))
	seen := make(map[string]bool, len(in.SerialNumbers))
	for _, s := range in.SerialNumbers {
		s = strings.TrimSpace(s)
		if s == "" || len(s) > maxSerialLen {
			return Integration{}, Invalid("each serial number must be 1 to %d characters.", maxSerialLen)
		}
		if !seen[s] {
			seen[s] = true
			serials = append(serials, s)
		}
	}
	connect := map[string]string{"connectSituation": in.ConnectSituation, "connectStage": in.ConnectStage}
	for field, v := range connect {
		if utf8.RuneCountInString(strings.TrimSpace(v)) > maxConnectValue {
			return Integration{}, Invalid("%s is at most %d characters.", field, maxConnectValue)
		}
	}
	if len(in.PromobAPIToken) > maxAPITokenLen {
		return Integration{}, Invalid("promobApiToken is at most %d characters.", maxAPITokenLen)
	}
	if u := strings.TrimSpace(in.ResponsibleUserID); u != "" && !ValidID(u) {
		return Integration{}, RequireID("responsibleUserId", u)
	}
	return Integration{
		ConnectSituation:  strings.TrimSpace(in.ConnectSituation),
		ConnectStage:      strings.TrimSpace(in.ConnectStage),
		StoreID:           in.StoreID,
		CNPJ:              cnpj,
		PromobAccountID:   acc,
		SerialNumbers:     serials,
		ResponsibleUserID: strings.TrimSpace(in.ResponsibleUserID),
		PromobAPIToken:    strings.TrimSpace(in.PromobAPIToken),
	}, nil
}

// Completed returns the configuration an admin saves, with what they left
// out kept: the responsible user and the Connect situation and stage are
// prev's when the input names none (prev is nil for a first
// configuration); a first configuration's responsible user is its author
// (caller), and its Connect values are SituationApproved and StageContract.
func (in Integration) Completed(prev *Integration, caller string) Integration {
	keep := Integration{ResponsibleUserID: caller, ConnectSituation: SituationApproved, ConnectStage: StageContract}
	if prev != nil {
		keep.ResponsibleUserID = cmp.Or(prev.ResponsibleUserID, caller)
		keep.ConnectSituation = cmp.Or(prev.ConnectSituation, SituationApproved)
		keep.ConnectStage = cmp.Or(prev.ConnectStage, StageContract)
	}
	in.ResponsibleUserID = cmp.Or(in.ResponsibleUserID, keep.ResponsibleUserID)
	in.ConnectSituation = cmp.Or(in.ConnectSituation, keep.ConnectSituation)
	in.ConnectStage = cmp.Or(in.ConnectStage, keep.ConnectStage)
	return in
}

// ConnectStatus returns the situation and stage Connect shows once an
// environment of the store is approved: the store's settings, else
// SituationApproved and StageContract.
func (in Integration) ConnectStatus() (situation, stage string) {
	return cmp.Or(in.ConnectSituation, SituationApproved), cmp.Or(in.ConnectStage, StageContract)
}

// MatchPromobAccount returns nil when Promob's record of the account (its
// CNPJ and the serial numbers of its licences) vouches for the
// configuration: the same CNPJ, and every configured serial number among
// the account's. Otherwise it returns a promob_account_mismatch *Error
// naming what differs.
func MatchPromobAccount(in Integration, promobCNPJ string, promobSerials []string) error {
	if cnpj, ok := NormalizeCNPJ(promobCNPJ); !ok || cnpj != in.CNPJ {
		return PromobAccountMismatch("Promob account %s is not registered to CNPJ %s.", in.PromobAccountID, in.CNPJ)
	}
	held := make(map[string]bool, len(promobSerials))
	for _, s := range promobSerials {
		held[strings.TrimSpace(s)] = true
	}
	for _, s := range in.SerialNumbers {
		if !held[s] {
			return PromobAccountMismatch("Serial number %s is not linked to Promob account %s.", s, in.PromobAccountID)
		}
	}
	return nil
}

// Account routes webhooks: the store that holds a Promob AccountID and the
// secrets its deliveries are signed with.
type Account struct {
	AccountID string
	StoreID   string
	Secret    string
	// APIToken is the store's Promob integration token ("" when not given).
	APIToken string
	// PreviousSecret stays valid until PreviousUntil after a rotation, so that
	// deliveries signed before Promob learns the new secret are not lost.
	PreviousSecret string
	PreviousUntil  time.Time
}

// Secrets returns the secrets a delivery may be signed with at time now.
func (a Account) Secrets(now time.Time) []string {
	if a.PreviousSecret != "" && now.Before(a.PreviousUntil) {
		return []string{a.Secret, a.PreviousSecret}
	}
	return []string{a.Secret}
}

// SecretGrace is how long a rotated-out webhook secret still verifies.
const SecretGrace = 24 * time.Hour

// NewWebhookSecret returns a fresh Standard Webhooks secret: "whsec_" and 32
// random bytes in base64.
func NewWebhookSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// Prerequisites tells what the integration still needs to work: the
// account and serial numbers set, and every user but the responsible one
// linked to Promob (UnlinkedUsers lists who has not, or whose link
// expired).
type Prerequisites struct {
	AccountSet    bool           `json:"accountSet"`
	SerialsSet    bool           `json:"serialsSet"`
	LinkedUsers   int            `json:"linkedUsers"`
	UnlinkedUsers []UnlinkedUser `json:"unlinkedUsers"`
	Ready         bool           `json:"ready"`
}

// UnlinkedUser is a user who must link Promob: LinkNotLinked or
// LinkExpired.
type UnlinkedUser struct {
	UserID string `json:"userId"`
	Status string `json:"status"`
}

// NewPrerequisites returns the prerequisites of the configuration, given
// the store's known users and their Promob links. The responsible user
// need not link (the article's store set-up is theirs); every other user
// must, and a link Promob refused since counts as not linked.
func NewPrerequisites(in Integration, users []string, links []PromobLink) Prerequisites {
	status := map[string]string{}
	p := Prerequisites{AccountSet: in.PromobAccountID != "", SerialsSet: len(in.SerialNumbers) > 0, UnlinkedUsers: []UnlinkedUser{}}
	for _, l := range links {
		status[l.UserID] = l.Status
		if l.Status == LinkLinked {
			p.LinkedUsers++
		}
	}
	for _, u := range users {
		if st := cmp.Or(status[u], LinkNotLinked); u != in.ResponsibleUserID && st != LinkLinked {
			p.UnlinkedUsers = append(p.UnlinkedUsers, UnlinkedUser{UserID: u, Status: st})
		}
	}
	p.Ready = p.AccountSet && p.SerialsSet && len(p.UnlinkedUsers) == 0
	return p
}

// IntegrationStore keeps the stores' integration configurations.
type IntegrationStore interface {
	// GetIntegration returns the store's configuration, or an
	// integration_missing *Error when the store has none.
	GetIntegration(ctx context.Context, storeID string) (Integration, error)
	// SaveIntegration creates or replaces the store's configuration at time now.
	// When the store had no webhook secret, newSecret becomes it and created is
	// true. It fails with account_in_use when another store holds the AccountID.
	SaveIntegration(ctx context.Context, in Integration, newSecret string, now time.Time) (saved Integration, created bool, err error)
	// RotateSecret makes secret the store's webhook secret, keeping the
	// previous one valid for SecretGrace. It fails with integration_missing
	// when the store has no configuration.
	RotateSecret(ctx context.Context, storeID, secret string, now time.Time) (Integration, error)
	// Account returns the account routing of a Promob AccountID, or a
	// not_found *Error.
	Account(ctx context.Context, accountID string) (Account, error)
	// UserIDs returns the ids of the store's users the API has seen, sorted.
	UserIDs(ctx context.Context, storeID string) ([]string, error)
	// PromobLinks returns the Promob links of the store's users, whatever
	// their state.
	PromobLinks(ctx context.Context, storeID string) ([]PromobLink, error)
}
