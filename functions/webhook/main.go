// Command webhook is the WebhookFunction Lambda of template.yaml.
package main

import (
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/functions/webhookfn"
)

func main() { functions.Start("WebhookFunction", webhookfn.New) }
