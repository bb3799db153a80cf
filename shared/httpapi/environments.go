package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/foccolojas/promob-integration/shared/domain"
	"github.com/foccolojas/promob-integration/shared/pricing"
)

// ItemView is a row of the items tab: a Promob item or a manual one,
// marked with its source ("promob" or "manual").
type ItemView struct {
	Source string
	Promob *domain.PromobItem
	Manual *domain.ManualItem
}

// MarshalJSON writes the item's own fields and "source".
func (v ItemView) MarshalJSON() ([]byte, error) {
	if v.Promob != nil {
		return json.Marshal(struct {
			Source string `json:"source"`
			domain.PromobItem
		}{v.Source, *v.Promob})
	}
	return json.Marshal(struct {
		Source string `json:"source"`
		domain.ManualItem
	}{v.Source, *v.Manual})
}

// VersionDetail is a version with its items and budget.
type VersionDetail struct {
	domain.Version
	Items  []domain.PromobItem `json:"items"`
	Budget pricing.Result      `json:"budget"`
}

// routedRecord returns the caller's store's environment record the route
// names: the {aid} assistance's on assistance routes (it has the same
// versions, items and budget as an environment), else the {eid}
// environment. It returns a not_found *domain.Error when the store has no
// record of that id, or has one of the other kind (an assistance is not
// reachable through environment routes, nor an environment through
// assistance routes).
func (s *Server) routedRecord(r *http.Request, storeID string) (domain.Environment, error) {
	id, kind := r.PathValue("eid"), ""
	if aid := r.PathValue("aid"); aid != "" {
		id, kind = aid, domain.EnvKindAssistance
	}
	env, err := s.store.Environment(r.Context(), storeID, id)
	if err == nil && env.Kind != kind {
		err = domain.Errorf(domain.CodeNotFound, "No %s %q.", recordNoun(kind), id)
	}
	return env, err
}

// recordNoun names a record of the kind in messages.
func recordNoun(kind string) string {
	if kind == domain.EnvKindAssistance {
		return "assistance"
	}
	return "environment"
}

// newEnvironment returns a new environment of the project in the path,
// under the store's Promob account, created now by the caller. It fails with
// not_found for a project not in the caller's store and integration_missing
// before the store configured the integration.
func (s *Server) newEnvironment(r *http.Request, id domain.Identity, name string) (domain.Environment, error) {
	project, err := s.store.Project(r.Context(), id.StoreID, r.PathValue("pid"))
	if err != nil {
		return domain.Environment{}, err
	}
	integ, err := s.store.GetIntegration(r.Context(), id.StoreID)
	if err != nil {
		return domain.Environment{}, err
	}
	now := s.now().UTC()
	return domain.Environment{
		ID: domain.NewID(), StoreID: id.StoreID, ProjectID: project.ID, Name: strings.TrimSpace(name),
		PromobAccountID: integ.PromobAccountID, CreatedBy: id.UserID, CreatedAt: now, UpdatedAt: now,
	}, nil
}

func (s *Server) legacyImport(r *http.Request, id domain.Identity) (int, any, error) {
	var in domain.LegacyImportInput
	if err := decodeValid(r, &in); err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	env, err := s.newEnvironment(r, id, in.Name)
	if err != nil {
		return 0, nil, err
	}
	env.PromobProjectID, env.PromobEnvironmentID = in.PromobProjectID, in.PromobEnvironmentID
	env.Status, env.ImportStatus = domain.EnvReady, domain.ImportPending
	if err := s.store.CreateEnvironment(ctx, env); err != nil {
		return 0, nil, err
	}
	if err := s.enqueueUpdate(r, env, id.UserID); err != nil {
		// The environment exists: answer it as it now stands (its import
		// failed, saying to update) rather than hide its id behind a 500.
		stored, rerr := s.store.Environment(ctx, id.StoreID, env.ID)
		if rerr != nil || stored.ImportStatus != domain.ImportFailed {
			return 0, nil, err
		}
		env = stored
	}
	return http.StatusAccepted, env, nil
}

// enqueueUpdate asks the importer to import the environment's current
// Promob listing, fetched with the token of userID's Promob link when they
// have one (else the store's integration token). The FIFO de-duplication id names the environment's state
// as read (its updatedAt), so requests made on one state collapse into one
// message, while a request made after the importer handled an earlier one
// (which always changes the environment: imported, failed, or no newer
// revision) is never dropped as its repeat. The importer ignores revisions
// it has.
//
// The environment's import is pending when this is called; when the message
// cannot be sent, the import is failed (see failUnqueued).
func (s *Server) enqueueUpdate(r *http.Request, env domain.Environment, userID string) error {
	msg := domain.ImportMessage{Kind: domain.KindUpdate, StoreID: env.StoreID, AccountID: env.PromobAccountID,
		ProjectID: env.PromobProjectID, EnvironmentID: env.ID, UserID: userID}
	dedup := "update:" + env.ID + ":" + strconv.FormatInt(env.UpdatedAt.UnixNano(), 10)
	err := s.imports.Send(r.Context(), msg, domain.ImportGroup(env.PromobAccountID, env.PromobEnvironmentID), dedup)
	if err != nil {
		s.failUnqueued(r, err, func(ctx context.Context) error {
			return s.store.SetImportStatus(ctx, env.StoreID, env.ID, domain.ImportFailed, unqueued+"update the environment again.", s.now())
		})
	}
	return err
}

func (s *Server) getEnvironment(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	jobs, err := s.jobsOf(r.Context(), id.StoreID, env.ID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, environmentView{env, jobs}, nil
}

func (s *Server) updateEnvironment(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	if err := env.CanUpdate(); err != nil {
		return 0, nil, err
	}
	if err := s.store.SetImportStatus(r.Context(), env.StoreID, env.ID, domain.ImportPending, "", s.now()); err != nil {
		return 0, nil, err
	}
	env.ImportStatus, env.ImportError = domain.ImportPending, ""
	if err := s.enqueueUpdate(r, env, id.UserID); err != nil {
		return 0, nil, err
	}
	if env.Kind == domain.EnvKindAssistance {
		_, view, err := s.getAssistance(r, id)
		return http.StatusAccepted, view, err
	}
	return http.StatusAccepted, env, nil
}

func (s *Server) listVersions(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	vs, err := s.store.Versions(r.Context(), env)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string][]domain.Version{"versions": vs}, nil
}

// versionNumber reads the {n} path value.
func versionNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return 0, domain.Errorf(domain.CodeNotFound, "No version %q.", r.PathValue("n"))
	}
	return n, nil
}

func (s *Server) getVersion(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	n, err := versionNumber(r)
	if err != nil {
		return 0, nil, err
	}
	detail, err := s.versionDetail(r, env, n)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, detail, nil
}

// versionDetail reads a version, its items, and prices it with the rules it
// was imported with and the environment's manual items.
func (s *Server) versionDetail(r *http.Request, env domain.Environment, n int) (VersionDetail, error) {
	ctx := r.Context()
	v, err := s.store.Version(ctx, env, n)
	if err != nil {
		return VersionDetail{}, err
	}
	items := make([]domain.PromobItem, 0, v.ItemCount)
	var lines []pricing.Line
	err = s.store.VersionItems(ctx, env, n, func(dec *json.Decoder) error {
		var it domain.PromobItem
		if err := dec.Decode(&it); err != nil {
			return err
		}
		items = append(items, it)
		if !it.HasChildren {
			lines = append(lines, pricing.LineOf(it))
		}
		return nil
	})
	if err != nil {
		return VersionDetail{}, err
	}
	manual, err := s.store.ManualItems(ctx, env.StoreID, env.ID)
	if err != nil {
		return VersionDetail{}, err
	}
	var rules pricing.Rules
	if err := json.Unmarshal(v.Rules, &rules); err != nil {
		return VersionDetail{}, err
	}
	return VersionDetail{Version: v, Items: items, Budget: pricing.Budget(lines, pricing.ManualLines(manual), rules)}, nil
}

// latest returns the detail of the record's latest version, or a not_found
// *Error when nothing is imported yet.
func (s *Server) latest(r *http.Request, env domain.Environment) (VersionDetail, error) {
	if env.LatestVersion == 0 {
		return VersionDetail{}, domain.Errorf(domain.CodeNotFound, "The %s %s has no imported version yet (import %s).", recordNoun(env.Kind), env.ID, env.ImportStatus)
	}
	return s.versionDetail(r, env, env.LatestVersion)
}

func (s *Server) listItems(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	out := []ItemView{}
	if env.LatestVersion > 0 {
		detail, err := s.latest(r, env)
		if err != nil {
			return 0, nil, err
		}
		for i := range detail.Items {
			out = append(out, ItemView{Source: "promob", Promob: &detail.Items[i]})
		}
	}
	manual, err := s.store.ManualItems(r.Context(), env.StoreID, env.ID)
	if err != nil {
		return 0, nil, err
	}
	for i := range manual {
		out = append(out, ItemView{Source: "manual", Manual: &manual[i]})
	}
	return http.StatusOK, map[string][]ItemView{"items": out}, nil
}

func (s *Server) getBudget(r *http.Request, id domain.Identity) (int, any, error) {
	env, err := s.routedRecord(r, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	detail, err := s.latest(r, env)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, struct {
		Version int `json:"version"`
		pricing.Result
	}{detail.Number, detail.Budget}, nil
}
