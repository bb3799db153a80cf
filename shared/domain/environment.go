package domain

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// Import states of an environment.
const (
	ImportPending  = "pending"  // an import is queued or running
	ImportImported = "imported" // the latest import succeeded
	ImportFailed   = "failed"   // the latest import failed; ImportError says why
	ImportNone     = "none"     // nothing imported yet (an environment just created in Promob)
)

// States of an environment's creation in Promob. Environments linked to an
// existing Promob environment are ready from the start.
const (
	EnvCreating = "creating" // promobsync is creating it in Promob
	EnvReady    = "ready"    // it exists in Promob; its Promob ids are set
	EnvFailed   = "failed"   // the last attempt failed; StatusReason says why
)

// Environment is one ambiente of a project, linked to a Promob environment.
type Environment struct {
	ID                  string `json:"id"`
	StoreID             string `json:"-"`
	ProjectID           string `json:"projectId"`
	Name                string `json:"name"`
	Kind                string `json:"kind,omitempty"` // "" for an environment, EnvKindAssistance for an assistance's design
	PromobAccountID     string `json:"-"`
	PromobProjectID     string `json:"promobProjectId"`
	PromobEnvironmentID string `json:"promobEnvironmentId"`
	Status              string `json:"status"`                 // EnvCreating, EnvReady or EnvFailed
	StatusReason        string `json:"statusReason,omitempty"` // why the creation in Promob failed
	PromobRevision      int    `json:"promobRevision"`         // newest revision Promob reported
	ImportedRevision    int    `json:"importedRevision"`       // revision of the latest version
	LatestVersion       int    `json:"latestVersion"`
	ConvertedVersion    int    `json:"convertedVersion,omitempty"`
	// The review: who started it, when, and the latest version and
	// revision at that moment; when it was completed, which locks the
	// environment against Promob changes.
	ReviewStartedAt     *time.Time `json:"reviewStartedAt,omitempty"`
	ReviewStartedBy     string     `json:"reviewStartedBy,omitempty"`
	ReviewStartVersion  int        `json:"reviewStartVersion,omitempty"`
	ReviewStartRevision int        `json:"reviewStartRevision,omitempty"`
	ReviewCompletedAt   *time.Time `json:"reviewCompletedAt,omitempty"`
	Locked              bool       `json:"locked"`
	// ManualSeq counts the changes of the environment's manual items; every
	// write that depends on them is conditioned on it.
	ManualSeq    int       `json:"-"`
	ImportStatus string    `json:"importStatus"`
	ImportError  string    `json:"importError,omitempty"`
	CreatedBy    string    `json:"createdBy"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`

	// CreatedRevision is the revision Promob gave the environment when
	// FoccoLojas created it there (blank, or a copy): no one saved it, so it
	// leaves the environment up to date.
	CreatedRevision int `json:"createdRevision,omitempty"`
	// ReviewUpdatedAt is when an update asked of Promob after the review
	// started found no newer revision: the review's mandatory update is
	// done (see UpdateRequired).
	ReviewUpdatedAt *time.Time `json:"reviewUpdatedAt,omitempty"`
}

// Outdated reports whether Promob holds a revision newer than the latest
// imported version. The revision an environment had when FoccoLojas created
// it in Promob is nobody's change: until a first save, nothing is waiting.
func (e Environment) Outdated() bool {
	return e.PromobRevision > max(e.ImportedRevision, e.CreatedRevision)
}

// MarshalJSON adds the derived outdated flag.
func (e Environment) MarshalJSON() ([]byte, error) {
	type plain Environment
	return json.Marshal(struct {
		plain
		Outdated bool `json:"outdated"`
	}{plain(e), e.Outdated()})
}

// LegacyLink returns the environment a legacy import links to an
// environment Promob already holds (its Promob ids and its name, trimmed),
// or an invalid_request *Error naming the first wrong field.
func LegacyLink(promobProjectID, promobEnvironmentID, name string) (Environment, error) {
	if err := RequireID("promobProjectId", promobProjectID); err != nil {
		return Environment{}, err
	}
	if err := RequireID("promobEnvironmentId", promobEnvironmentID); err != nil {
		return Environment{}, err
	}
	name, err := RequireName(name)
	if err != nil {
		return Environment{}, err
	}
	return Environment{PromobProjectID: promobProjectID, PromobEnvironmentID: promobEnvironmentID, Name: name}, nil
}

// Version is one imported Promob revision of an environment, priced.
type Version struct {
	Number           int       `json:"number"`
	OptionName       string    `json:"optionName"`
	OptionDate       time.Time `json:"optionDate"`
	PromobIdentifier string    `json:"promobIdentifier"`
	PromobRevision   int       `json:"promobRevision"`
	Latest           bool      `json:"latest"`
	Converted        bool      `json:"converted"`
	Total            string    `json:"total"` // the budget at import time, in reais ("1234.50")
	ItemCount        int       `json:"itemCount"`
	// Rules are the commercial rules the version was priced with.
	Rules json.RawMessage `json:"rules"`
	// ManualChange is set on a version made by a change of manual items
	// after the conversion (same Promob revision as the version before).
	ManualChange *ManualChange `json:"manualChange,omitempty"`
	// Budget is the version's stored budget summary (pricing.Summary as
	// JSON), written with the version; the API answers it on its own routes.
	Budget json.RawMessage `json:"-"`
	// ChunkStarts are the index of the first item of each stored chunk of
	// the version's items, in order (see the store).
	ChunkStarts []int `json:"-"`
}

// ManualItem is an item typed in FoccoLojas; updates never touch it.
type ManualItem struct {
	ID          string          `json:"id"`
	Description string          `json:"description"`
	Reference   string          `json:"reference"`
	Quantity    decimal.Decimal `json:"quantity"`
	UnitPrice   decimal.Decimal `json:"unitPrice"`
	CreatedBy   string          `json:"createdBy"`
	CreatedAt   time.Time       `json:"createdAt"`
}

// PromobItem is an item of a version as Promob listed it; the items tab
// shows it read-only, with an id "p-<index>".
type PromobItem struct {
	ID                   string          `json:"id"`
	Parent               string          `json:"parent,omitempty"` // the parent's id; "" for a module
	Level                int             `json:"level"`
	Category             string          `json:"category,omitempty"`
	HasChildren          bool            `json:"hasChildren"`
	CatalogID            string          `json:"catalogId,omitempty"` // ITEM@ID
	UniqueID             string          `json:"uniqueId,omitempty"`
	UniqueParentID       string          `json:"uniqueParentId,omitempty"`
	GUID                 string          `json:"guid,omitempty"`
	Reference            string          `json:"reference"`
	Description          string          `json:"description"`
	Unit                 string          `json:"unit,omitempty"`
	Width                decimal.Decimal `json:"width"`
	Height               decimal.Decimal `json:"height"`
	Depth                decimal.Decimal `json:"depth"`
	Family               string          `json:"family,omitempty"`
	Group                string          `json:"group,omitempty"`
	Component            bool            `json:"component"`
	Structure            bool            `json:"structure"`
	StructureKey         string          `json:"structureKey,omitempty"`
	Quantity             decimal.Decimal `json:"quantity"`     // relative to the parent
	RealQuantity         decimal.Decimal `json:"realQuantity"` // multiplied down the parent chain
	PriceTable           decimal.Decimal `json:"priceTable"`
	PriceUnit            decimal.Decimal `json:"priceUnit"`
	PriceTotal           decimal.Decimal `json:"priceTotal"` // the cost basis of the budget
	PriceTotalComponents decimal.Decimal `json:"priceTotalComponents"`
}

// PromobItemID is the id of the item at index in its listing.
func PromobItemID(index int) string { return fmt.Sprintf("p-%05d", index) }
