package localstack

import "github.com/foccolojas/promob-integration/shared/functions"

// Registry maps each function's logical id in template.yaml to the
// constructor its main.go calls, so the stack assembles the same handlers.
// It lives here, not in package functions, so that each Lambda binary links
// only its own function.
var Registry = map[string]functions.Constructor{
	"WebhookFunction":    functions.Webhook,
	"ApiFunction":        functions.API,
	"ImporterFunction":   functions.Importer,
	"PromobSyncFunction": functions.PromobSync,
	"NotifierFunction":   functions.Notifier,
}
