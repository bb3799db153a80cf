package webhook

import "github.com/foccolojas/promob-integration/shared/domain"

// negotiateRedirect is the FoccoLojas screen a negotiated environment opens:
// an assistance's design opens its assistance; an environment opens the
// review screen once converted, else the environment's screen.
func negotiateRedirect(e domain.Environment) string {
	if e.Kind == domain.EnvKindAssistance {
		return "/assistances/" + e.ID
	}
	if e.ConvertedVersion > 0 {
		return "/environments/" + e.ID + "/review"
	}
	return "/projects/" + e.ProjectID + "/environments/" + e.ID
}
