package e2e_test

import (
	"net/http"

	"github.com/foccolojas/promob-integration/infra/stacktest"
)

// budgetAt reads the budget summary at path (…/budget) and its lines, page
// by page, at linesPath.
func budgetAt(s *stack, path, linesPath, token string) budgetView {
	s.T.Helper()
	var b budgetView
	s.Call(http.MethodGet, path, token, nil, http.StatusOK, &b)
	b.Lines = stacktest.Pages[budgetLine](s.Stack, linesPath, token)
	return b
}
