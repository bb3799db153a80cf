// Command api is the ApiFunction Lambda of template.yaml.
package main

import (
	"github.com/foccolojas/promob-integration/shared/functions"
	"github.com/foccolojas/promob-integration/shared/functions/apifn"
)

func main() { functions.Start("ApiFunction", apifn.New) }
