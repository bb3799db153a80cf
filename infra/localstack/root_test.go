package localstack

import (
	"os"
	"path/filepath"
	"testing"
)

func TestModuleRoot(t *testing.T) {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	want, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if root != want {
		t.Errorf("ModuleRoot() = %s, want %s", root, want)
	}
	if _, err := os.Stat(filepath.Join(root, "template.yaml")); err != nil {
		t.Error(err)
	}
}
