package domain

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// An assistance (ocorrência de assistência técnica) is kept as an
// environment of kind EnvKindAssistance whose id is the assistance's id: its
// design in Promob is created by promobsync like any environment's, its
// Promob routing item points at it, and the importer gives it versions,
// items and a budget exactly as it does an environment's. It is not one of
// its project's environments (projects list it among their assistances),
// and its environment fields are its design's.
const EnvKindAssistance = "assistance"

// DesignNone is the design status of an assistance whose design was never
// requested; then it follows the environment states (EnvCreating, EnvReady,
// EnvFailed).
const DesignNone = "none"

// Sources of an assistance's design.
const (
	DesignBlank    = "blank"    // an empty Promob environment
	DesignRevision = "revision" // a copy of one of its environment's versions (by default the converted one)
)

// Assistance is a technical-assistance occurrence of an environment.
type Assistance struct {
	ID            string    `json:"id"`
	StoreID       string    `json:"-"`
	ProjectID     string    `json:"projectId"`
	EnvironmentID string    `json:"environmentId"` // the environment it is about
	Number        string    `json:"number"`
	Description   string    `json:"description"`
	CreatedBy     string    `json:"createdBy"`
	CreatedAt     time.Time `json:"createdAt"`
	// Design is where its Promob environment stands.
	Design AssistanceDesign `json:"design"`
	// Design's environment record: its versions, Promob ids and state.
	Env Environment `json:"-"`
}

// AssistanceDesign is an assistance's Promob environment.
type AssistanceDesign struct {
	Status              string `json:"status"` // DesignNone, EnvCreating, EnvReady or EnvFailed
	StatusReason        string `json:"statusReason,omitempty"`
	Source              string `json:"source,omitempty"`          // DesignBlank or DesignRevision
	SourceVersion       int    `json:"sourceVersion,omitempty"`   // the environment's version copied
	SourceRevision      int    `json:"sourceRevision,omitempty"`  // its Promob revision
	PromobProjectID     string `json:"promobProjectId,omitempty"` // set once the design is requested
	PromobEnvironmentID string `json:"promobEnvironmentId,omitempty"`
	// SourcePromobEnvironmentID is the Promob environment copied.
	SourcePromobEnvironmentID string `json:"-"`
	// Attempt counts the design's requests: the first is 1, and each
	// request after a failure adds one (see DesignKey).
	Attempt int `json:"-"`
}

// DesignKey is the Idempotency-Key of the call that creates an
// assistance's Promob environment on a request's attempt: every delivery of
// one request carries the same key, so Promob creates its environment once,
// and a request made after a failure (perhaps with another source) carries
// a new one, which Promob does not answer with the first request's result
// or refuse as a conflict.
func DesignKey(assistanceID string, attempt int) string {
	return fmt.Sprintf("%s/design/%d", assistanceID, attempt)
}

// DesignName is the name of an assistance's Promob environment.
func DesignName(envName, number string) string { return envName + " ocorrência: " + number }

// maxAssistanceNumber bounds an occurrence number.
const maxAssistanceNumber = 30

// Validate returns the assistance to open with its projectId,
// environmentId, number and description trimmed, or an invalid_request
// *Error naming the first wrong field: projectId and environmentId are
// required ids (ValidID); number is 1 to 30 characters without '#', '/' or
// spaces; description is required (at most 200 characters).
func (a Assistance) Validate() (Assistance, error) {
	a.ProjectID, a.EnvironmentID = strings.TrimSpace(a.ProjectID), strings.TrimSpace(a.EnvironmentID)
	a.Number, a.Description = strings.TrimSpace(a.Number), strings.TrimSpace(a.Description)
	if err := RequireID("projectId", a.ProjectID); err != nil {
		return Assistance{}, err
	}
	if err := RequireID("environmentId", a.EnvironmentID); err != nil {
		return Assistance{}, err
	}
	switch {
	case a.Number == "" || utf8.RuneCountInString(a.Number) > maxAssistanceNumber || strings.ContainsAny(a.Number, "#/ \t\n"):
		return Assistance{}, Invalid("number is required (at most %d characters, without '#', '/' or spaces).", maxAssistanceNumber)
	case a.Description == "" || utf8.RuneCountInString(a.Description) > maxName:
		return Assistance{}, Invalid("description is required (at most %d characters).", maxName)
	}
	return a, nil
}

// RequireDesignSource returns an invalid_request *Error unless an
// assistance's design is asked of a source DesignBlank or DesignRevision,
// and version is absent (0: the converted one) or, for a revision,
// positive.
func RequireDesignSource(source string, version int) error {
	switch {
	case source != DesignBlank && source != DesignRevision:
		return Invalid("source must be %q or %q.", DesignBlank, DesignRevision)
	case version < 0 || (version > 0 && source != DesignRevision):
		return Invalid("version is a positive version number of the environment, and only with source %q.", DesignRevision)
	}
	return nil
}

// DesignVersion returns the version of env an assistance's design copies:
// the one the user chose (requested > 0), else the converted one. It
// returns a not_found *Error for a version env does not have, and a
// conflict *Error when none was chosen and env is not converted.
func DesignVersion(env Environment, requested int) (int, error) {
	switch {
	case requested > env.LatestVersion:
		return 0, NotFound("Environment %s has no version %d.", env.ID, requested)
	case requested > 0:
		return requested, nil
	case env.ConvertedVersion > 0:
		return env.ConvertedVersion, nil
	}
	return 0, Conflict("Environment %s has no converted version to copy: choose one of its versions.", env.ID)
}

// AssistanceImportedNotification tells a user of an assistance that Promob
// revision became its version; the dedupe key makes it once per revision.
func AssistanceImportedNotification(env Environment, userID string, version, revision int, now time.Time) Notice {
	return Notice{
		StoreID: env.StoreID, UserID: userID,
		DedupeKey: fmt.Sprintf("assistance#%s#%d", env.ID, revision),
		Notification: Notification{
			ID: NewID(), Kind: "assistance.imported", CreatedAt: now.UTC(),
			Title:   fmt.Sprintf("%s: version %d imported", env.Name, version),
			Message: fmt.Sprintf("Promob revision %d of the assistance's design is version %d.", revision, version),
			Action:  &Action{Type: "open_assistance", ProjectID: env.ProjectID, AssistanceID: env.ID},
		},
	}
}

// AssistanceStore keeps assistances.
type AssistanceStore interface {
	// CreateAssistance stores a new assistance, or returns a conflict
	// *Error when its project already has an assistance of that number.
	CreateAssistance(ctx context.Context, a Assistance) error
	// Assistance returns one of the store's assistances, or a not_found
	// *Error.
	Assistance(ctx context.Context, storeID, id string) (Assistance, error)
	// Assistances returns a project's assistances in creation order (none
	// is an empty slice).
	Assistances(ctx context.Context, storeID, projectID string) ([]Assistance, error)
	// RequestDesign records that the design is queued (EnvCreating) with
	// its source as its next attempt, or returns an error wrapping
	// ErrChanged when it is already being created or ready, and a not_found
	// *Error for an unknown assistance.
	RequestDesign(ctx context.Context, storeID, id string, d AssistanceDesign, now time.Time) error
}
