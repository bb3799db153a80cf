// Command promobsync is the PromobSyncFunction Lambda of template.yaml.
package main

import (
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/functions/promobsyncfn"
)

func main() { functions.Start("PromobSyncFunction", promobsyncfn.New) }
