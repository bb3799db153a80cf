// Command importer is the ImporterFunction Lambda of template.yaml.
package main

import (
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/functions/importerfn"
)

func main() { functions.Start("ImporterFunction", importerfn.New) }
