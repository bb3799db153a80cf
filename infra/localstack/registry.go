package localstack

import (
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/functions/apifn"
	"github.com/foccolojas/promob-integration/shared/functions/importerfn"
	"github.com/foccolojas/promob-integration/shared/functions/notifierfn"
	"github.com/foccolojas/promob-integration/shared/functions/promobsyncfn"
	"github.com/foccolojas/promob-integration/shared/functions/webhookfn"
)

// Registry maps each function's logical id in template.yaml to the
// constructor its main.go calls, so the stack assembles the same handlers.
// It lives here, not beside the functions, so that each Lambda binary links
// only its own function's package.
var Registry = map[string]functions.Constructor{
	"WebhookFunction":    webhookfn.New,
	"ApiFunction":        apifn.New,
	"ImporterFunction":   importerfn.New,
	"PromobSyncFunction": promobsyncfn.New,
	"NotifierFunction":   notifierfn.New,
}
