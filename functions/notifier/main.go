// Command notifier is the NotifierFunction Lambda of template.yaml.
package main

import (
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/functions/notifierfn"
)

func main() { functions.Start("NotifierFunction", notifierfn.New) }
