package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/foccolojas/promob-integration/shared/domain"
)

// assistanceWriters may open assistances and have them designed.
var assistanceWriters = []domain.Role{domain.RoleSeller, domain.RoleReviewer, domain.RoleAdmin}

// versionSummary is one version of an assistance as GET
// /v1/assistances/{aid} lists it: an environment's version without its
// rules.
type versionSummary struct {
	Number           int       `json:"number"`
	OptionName       string    `json:"optionName"`
	OptionDate       time.Time `json:"optionDate"`
	PromobIdentifier string    `json:"promobIdentifier"`
	PromobRevision   int       `json:"promobRevision"`
	Total            string    `json:"total"`
	ItemCount        int       `json:"itemCount"`
	Latest           bool      `json:"latest"`
	Converted        bool      `json:"converted"`
}

// assistanceView is an assistance with its design's state, as an
// environment shows it, and its versions, newest first.
type assistanceView struct {
	domain.Assistance
	Name             string           `json:"name"`
	Outdated         bool             `json:"outdated"`
	PromobRevision   int              `json:"promobRevision"`
	ImportedRevision int              `json:"importedRevision"`
	LatestVersion    int              `json:"latestVersion"`
	ImportStatus     string           `json:"importStatus"`
	ImportError      string           `json:"importError,omitempty"`
	Versions         []versionSummary `json:"versions"`
	Jobs             []domain.Job     `json:"jobs"`
}

// newAssistanceView returns the view of a with its versions and jobs.
func newAssistanceView(a domain.Assistance, vs []domain.Version, jobs []domain.Job) assistanceView {
	e := a.Env
	view := assistanceView{Assistance: a, Name: e.Name, Outdated: e.Outdated(), PromobRevision: e.PromobRevision,
		ImportedRevision: e.ImportedRevision, LatestVersion: e.LatestVersion, ImportStatus: e.ImportStatus, ImportError: e.ImportError,
		Versions: make([]versionSummary, len(vs)), Jobs: jobs}
	for i, v := range vs {
		view.Versions[i] = versionSummary{Number: v.Number, OptionName: v.OptionName, OptionDate: v.OptionDate, PromobIdentifier: v.PromobIdentifier,
			PromobRevision: v.PromobRevision, Total: v.Total, ItemCount: v.ItemCount, Latest: v.Latest, Converted: v.Converted}
	}
	return view
}

func (s *Server) createAssistance(r *http.Request, id domain.Identity) (int, any, error) {
	var body domain.AssistanceInput
	if err := decodeJSON(r, &body); err != nil {
		return 0, nil, err
	}
	in, err := body.Validate()
	if err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	project, err := s.store.Project(ctx, id.StoreID, in.ProjectID)
	if err != nil {
		return 0, nil, err
	}
	env, err := s.store.Environment(ctx, id.StoreID, in.EnvironmentID)
	if err == nil && env.Kind != "" {
		err = domain.NotFound("No environment %q.", in.EnvironmentID)
	}
	if err != nil {
		return 0, nil, err
	}
	if env.ProjectID != project.ID {
		return 0, nil, domain.Invalid("environmentId must be an environment of project %s.", project.ID)
	}
	integ, err := s.store.GetIntegration(ctx, id.StoreID)
	if err != nil {
		return 0, nil, err
	}
	now := s.now().UTC()
	a := domain.Assistance{
		ID: domain.NewID(), StoreID: id.StoreID, ProjectID: project.ID, EnvironmentID: env.ID, Number: in.Number,
		Description: in.Description, CreatedBy: id.UserID, CreatedAt: now,
		Env: domain.Environment{Name: domain.DesignName(env.Name, in.Number), PromobAccountID: integ.PromobAccountID},
	}
	if err := s.store.CreateAssistance(ctx, a); err != nil {
		return 0, nil, err
	}
	a, err = s.store.Assistance(ctx, id.StoreID, a.ID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, newAssistanceView(a, nil, []domain.Job{}), nil
}

func (s *Server) getAssistance(r *http.Request, id domain.Identity) (int, any, error) {
	a, err := s.store.Assistance(r.Context(), id.StoreID, r.PathValue("aid"))
	if err != nil {
		return 0, nil, err
	}
	vs, err := s.store.Versions(r.Context(), a.Env)
	if err != nil {
		return 0, nil, err
	}
	jobs, err := s.jobsOf(r.Context(), id.StoreID, a.ID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, newAssistanceView(a, vs, jobs), nil
}

func (s *Server) listAssistances(r *http.Request, id domain.Identity) (int, any, error) {
	ctx := r.Context()
	if _, err := s.store.Project(ctx, id.StoreID, r.PathValue("pid")); err != nil {
		return 0, nil, err
	}
	list, err := s.store.Assistances(ctx, id.StoreID, r.PathValue("pid"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"assistances": list}, nil
}

// designAssistance queues the creation of the assistance's Promob
// environment in its environment's Promob project: blank, or a copy of the
// revision of the environment's version the user chose (by default the
// converted one). It refuses with conflict an environment not in Promob
// yet, a revision source without a chosen or converted version, and a
// design already being created or ready; with not_found a version the
// environment does not have.
func (s *Server) designAssistance(r *http.Request, id domain.Identity) (int, any, error) {
	var in domain.DesignInput
	if err := decodeValid(r, &in); err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	a, err := s.store.Assistance(ctx, id.StoreID, r.PathValue("aid"))
	if err != nil {
		return 0, nil, err
	}
	env, err := s.store.Environment(ctx, id.StoreID, a.EnvironmentID)
	if err != nil {
		return 0, nil, err
	}
	if env.Status != domain.EnvReady || env.PromobProjectID == "" {
		return 0, nil, domain.Conflict("Environment %s is not in Promob yet.", env.ID)
	}
	d := domain.AssistanceDesign{Source: in.Source, PromobProjectID: env.PromobProjectID}
	if in.Source == domain.DesignRevision {
		n, err := domain.DesignVersion(env, in.Version)
		if err != nil {
			return 0, nil, err
		}
		v, err := s.store.Version(ctx, env, n)
		if err != nil {
			return 0, nil, err
		}
		d.SourceVersion, d.SourceRevision, d.SourcePromobEnvironmentID = n, v.PromobRevision, env.PromobEnvironmentID
	}
	if err := s.store.RequestDesign(ctx, id.StoreID, a.ID, d, s.now().UTC()); err != nil {
		return 0, nil, err
	}
	err = s.outbox.Send(ctx, domain.AssistanceMessage{Kind: domain.KindAssistanceDesign, StoreID: id.StoreID, AssistanceID: a.ID, UserID: id.UserID}, "", "")
	if err != nil {
		s.failUnqueued(r, err, func(ctx context.Context) error {
			return s.store.SetEnvironmentCreation(ctx, id.StoreID, a.ID, domain.EnvFailed, unqueued+"request the design again.", s.now().UTC())
		})
		return 0, nil, err
	}
	return http.StatusAccepted, map[string]string{"id": a.ID, "status": domain.EnvCreating}, nil
}
