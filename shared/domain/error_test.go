package domain

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestEachCodeHasOneConstructor reads the sources: every Code… constant is
// built by exactly one exported constructor of this package, no other
// function of the package calls errorf, and no package of the project
// writes an Error literal, so that a refusal has one wording wherever it is
// found.
func TestEachCodeHasOneConstructor(t *testing.T) {
	fset := token.NewFileSet()
	codes := map[string]bool{}
	builders := map[string][]string{} // code constant → constructors
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					if vs, ok := spec.(*ast.ValueSpec); ok && d.Tok == token.CONST {
						for _, n := range vs.Names {
							if strings.HasPrefix(n.Name, "Code") {
								codes[n.Name] = true
							}
						}
					}
				}
			case *ast.FuncDecl:
				ast.Inspect(d, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok || !isIdent(call.Fun, "errorf") {
						return true
					}
					code, ok := call.Args[0].(*ast.Ident)
					switch {
					case d.Recv != nil || !d.Name.IsExported():
						t.Errorf("%s: %s calls errorf; build the *Error with the code's constructor", fset.Position(call.Pos()), d.Name.Name)
					case !ok:
						t.Errorf("%s: %s calls errorf with a code that is not a Code… constant", fset.Position(call.Pos()), d.Name.Name)
					default:
						builders[code.Name] = append(builders[code.Name], d.Name.Name)
					}
					return true
				})
			}
		}
	}
	if len(codes) == 0 {
		t.Fatal("no Code… constant found")
	}
	for code := range codes {
		if len(builders[code]) != 1 {
			t.Errorf("%s is built by %d constructors %v, want 1", code, len(builders[code]), builders[code])
		}
	}
	// Outside this package an *Error comes from a constructor only.
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || filepath.Dir(path) == "../domain" {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.CompositeLit); ok {
				if sel, ok := lit.Type.(*ast.SelectorExpr); ok && isIdent(sel.X, "domain") && sel.Sel.Name == "Error" {
					t.Errorf("%s: a domain.Error literal; use the code's constructor", fset.Position(lit.Pos()))
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
