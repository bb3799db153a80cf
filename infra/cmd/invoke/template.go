package main

import (
	"fmt"
	"os"
	"slices"

	"gopkg.in/yaml.v3"
)

// samTemplate is the part of template.yaml that names the functions'
// environment variables.
type samTemplate struct {
	Globals struct {
		Function struct {
			Environment environment `yaml:"Environment"`
		} `yaml:"Function"`
	} `yaml:"Globals"`
	Resources map[string]struct {
		Type       string `yaml:"Type"`
		Properties struct {
			Environment environment `yaml:"Environment"`
		} `yaml:"Properties"`
	} `yaml:"Resources"`
}

type environment struct {
	Variables map[string]yaml.Node `yaml:"Variables"`
}

// environmentNames returns the sorted names of the environment variables the
// function fn gets in the template at path (Globals merged). It fails when the
// template cannot be read or has no such function.
func environmentNames(path, fn string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t samTemplate
	if err := yaml.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r, ok := t.Resources[fn]
	if !ok || r.Type != "AWS::Serverless::Function" {
		return nil, fmt.Errorf("%s has no function %q", path, fn)
	}
	var names []string
	for n := range t.Globals.Function.Environment.Variables {
		names = append(names, n)
	}
	for n := range r.Properties.Environment.Variables {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, nil
}
