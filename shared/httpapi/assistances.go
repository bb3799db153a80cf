package httpapi

import (
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

// createAssistance opens an assistance (see sale.Creation.CreateAssistance).
func (s *Server) createAssistance(r *http.Request, id domain.Identity) (int, any, error) {
	var body assistanceBody
	if err := decodeJSON(r, &body); err != nil {
		return 0, nil, err
	}
	in, err := domain.Assistance{ProjectID: body.ProjectID, EnvironmentID: body.EnvironmentID, Number: body.Number, Description: body.Description}.Validate()
	if err != nil {
		return 0, nil, err
	}
	a, err := s.creation.CreateAssistance(r.Context(), id, in)
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
// environment, blank or a copy of one of its environment's versions (see
// sale.Creation.RequestDesign).
func (s *Server) designAssistance(r *http.Request, id domain.Identity) (int, any, error) {
	var body designBody
	if err := decodeJSON(r, &body); err != nil {
		return 0, nil, err
	}
	if err := domain.RequireDesignSource(body.Source, body.Version); err != nil {
		return 0, nil, err
	}
	a, err := s.creation.RequestDesign(r.Context(), id, r.PathValue("aid"), body.Source, body.Version)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, map[string]string{"id": a.ID, "status": a.Design.Status}, nil
}
