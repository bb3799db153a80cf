package modroot

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFrom(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dir  string
	}{
		{"at the root", root},
		{"two levels below", deep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := From(tt.dir)
			if err != nil {
				t.Fatal(err)
			}
			if got != root {
				t.Errorf("From(%q) = %q, want %q", tt.dir, got, root)
			}
		})
	}
}

func TestFromWithoutModule(t *testing.T) {
	dir := t.TempDir()
	if _, err := From(filepath.Dir(dir)); err == nil {
		t.Skip("the temporary directory lies inside a module")
	}
	got, err := From(dir)
	if err == nil {
		t.Fatalf("From(%q) = %q, want an error", dir, got)
	}
}
