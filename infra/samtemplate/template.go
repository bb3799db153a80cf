// Package samtemplate reads an AWS SAM template (template.yaml) and evaluates
// the CloudFormation intrinsics it uses (Ref, Fn::GetAtt, Fn::Sub in their
// short and long forms), so that local tooling can build the same tables,
// queues, routes and function environments the cloud stack gets.
package samtemplate

import (
	"bytes"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// Template is a parsed SAM template. Property values stay YAML nodes so that
// intrinsics can be evaluated later against a Context.
type Template struct {
	Parameters map[string]Parameter
	// Globals holds each section of the Globals block (Function, HttpApi, …)
	// by name.
	Globals   map[string]*yaml.Node
	Resources map[string]Resource
	Outputs   map[string]Output
	// order lists the resources' logical ids as they appear in the document.
	order []string
}

// Parameter is one entry of the template's Parameters block.
type Parameter struct {
	Type          string
	Description   string
	Default       *string
	AllowedValues []string
}

// Resource is one entry of the template's Resources block.
type Resource struct {
	LogicalID  string
	Type       string
	Properties *yaml.Node
	Metadata   *yaml.Node
}

// Output is one entry of the template's Outputs block.
type Output struct {
	Description string
	Value       *yaml.Node
}

// Load reads and parses the template at path. It returns an error when the
// file cannot be read or is not a valid template.
func Load(path string) (*Template, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	tpl, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return tpl, nil
}

// Parse parses a template document. It returns an error when the YAML is
// invalid, when the document is not a mapping or when a parameter, resource
// or output is malformed (for example a resource without Type).
func Parse(data []byte) (*Template, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse template: %w", err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("parse template: the document is not a mapping")
	}
	root := doc.Content[0]
	tpl := &Template{
		Parameters: map[string]Parameter{},
		Globals:    map[string]*yaml.Node{},
		Resources:  map[string]Resource{},
		Outputs:    map[string]Output{},
	}
	if err := tpl.parseParameters(child(root, "Parameters")); err != nil {
		return nil, err
	}
	if g := child(root, "Globals"); g != nil {
		for _, kv := range pairs(g) {
			tpl.Globals[kv.key] = kv.value
		}
	}
	if err := tpl.parseResources(child(root, "Resources")); err != nil {
		return nil, err
	}
	if err := tpl.parseOutputs(child(root, "Outputs")); err != nil {
		return nil, err
	}
	return tpl, nil
}

func (t *Template) parseParameters(n *yaml.Node) error {
	for _, kv := range pairs(n) {
		var p struct {
			Type          string   `yaml:"Type"`
			Description   string   `yaml:"Description"`
			Default       *string  `yaml:"Default"`
			AllowedValues []string `yaml:"AllowedValues"`
		}
		if err := kv.value.Decode(&p); err != nil {
			return fmt.Errorf("parameter %s: %w", kv.key, err)
		}
		t.Parameters[kv.key] = Parameter{Type: p.Type, Description: p.Description, Default: p.Default, AllowedValues: p.AllowedValues}
	}
	return nil
}

func (t *Template) parseResources(n *yaml.Node) error {
	if n == nil {
		return fmt.Errorf("parse template: no Resources")
	}
	for _, kv := range pairs(n) {
		typ := scalar(child(kv.value, "Type"))
		if typ == "" {
			return fmt.Errorf("resource %s: no Type", kv.key)
		}
		t.Resources[kv.key] = Resource{
			LogicalID:  kv.key,
			Type:       typ,
			Properties: child(kv.value, "Properties"),
			Metadata:   child(kv.value, "Metadata"),
		}
		t.order = append(t.order, kv.key)
	}
	return nil
}

func (t *Template) parseOutputs(n *yaml.Node) error {
	for _, kv := range pairs(n) {
		v := child(kv.value, "Value")
		if v == nil {
			return fmt.Errorf("output %s: no Value", kv.key)
		}
		t.Outputs[kv.key] = Output{Description: scalar(child(kv.value, "Description")), Value: v}
	}
	return nil
}

// ResourcesOfType returns the resources of the given type (for example
// "AWS::SQS::Queue") in document order.
func (t *Template) ResourcesOfType(typ string) []Resource {
	var out []Resource
	for _, id := range t.order {
		if r := t.Resources[id]; r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// keyValue is one entry of a YAML mapping.
type keyValue struct {
	key   string
	value *yaml.Node
}

// pairs returns the entries of a mapping node in order (none for nil or a
// node that is not a mapping).
func pairs(n *yaml.Node) []keyValue {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]keyValue, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, keyValue{key: n.Content[i].Value, value: n.Content[i+1]})
	}
	return out
}

// child returns the value of key in a mapping node, or nil.
func child(n *yaml.Node, key string) *yaml.Node {
	for _, kv := range pairs(n) {
		if kv.key == key {
			return kv.value
		}
	}
	return nil
}

// scalar returns the text of a scalar node ("" for nil or other kinds).
func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}
