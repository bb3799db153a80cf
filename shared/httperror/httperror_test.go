package httperror

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEveryDomainCodeHasAStatus reads the error codes domain declares (its
// constants named Code…) from its source, so that a code added there without
// a row in the table fails here instead of answering 500.
func TestEveryDomainCodeHasAStatus(t *testing.T) {
	codes := domainCodes(t)
	if len(codes) == 0 {
		t.Fatal("no Code… constant found in shared/domain")
	}
	for name, code := range codes {
		status, ok := statusOf[code]
		switch {
		case !ok:
			t.Errorf("domain.%s (%q) has no status in the table", name, code)
		case code != "internal" && status == http.StatusInternalServerError:
			t.Errorf("domain.%s (%q) is answered 500, the status of internal errors", name, code)
		}
	}
	if len(statusOf) != len(codes) {
		t.Errorf("the table maps %d codes, domain declares %d", len(statusOf), len(codes))
	}
}

// domainCodes returns the string constants of shared/domain whose names
// start with Code, by name.
func domainCodes(t *testing.T) map[string]string {
	t.Helper()
	entries, err := os.ReadDir("../domain")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	codes := map[string]string{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join("../domain", e.Name()), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Code") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("domain.%s is not a string literal: keep codes literal so this test can read them", name.Name)
					}
					v, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					codes[name.Name] = v
				}
			}
		}
	}
	return codes
}

func TestStatusOfAnUnknownCodeIs500(t *testing.T) {
	if got := Status("no_such_code"); got != http.StatusInternalServerError {
		t.Errorf("Status(unknown) = %d, want 500", got)
	}
}
