package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/foccolojas/promob-integration/infra/localenv"
	"github.com/foccolojas/promob-integration/infra/modroot"
)

func TestLocalEnvironment(t *testing.T) {
	root, err := modroot.Dir()
	if err != nil {
		t.Fatal(err)
	}
	template := filepath.Join(root, "template.yaml")
	tests := []struct {
		fn      string
		want    map[string]string
		without []string
	}{
		{
			fn: "ApiFunction",
			want: map[string]string{
				"TABLE_NAME":                "promob-local-Table",
				"LOG_LEVEL":                 "WARN",
				"IMPORTS_QUEUE_URL":         "http://sqs.us-east-1.127.0.0.1:3011/000000000000/promob-local-imports.fifo",
				"PROMOB_OUTBOX_QUEUE_URL":   "http://sqs.us-east-1.127.0.0.1:3011/000000000000/promob-local-promob-outbox",
				"PROMOB_API_URL":            "http://127.0.0.1:3001",
				"PROMOB_TOKEN_KEY":          localenv.PromobTokenKey,
				"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:3010",
				"AWS_ENDPOINT_URL_SQS":      "http://127.0.0.1:3011",
				"AWS_REGION":                "us-east-1",
			},
			without: []string{"NOTIFICATIONS_QUEUE_URL"},
		},
		{
			fn:      "NotifierFunction",
			want:    map[string]string{"TABLE_NAME": "promob-local-Table", "LOG_LEVEL": "WARN"},
			without: []string{"PROMOB_API_URL", "IMPORTS_QUEUE_URL", "NOTIFICATIONS_QUEUE_URL", "PROMOB_TOKEN_KEY"},
		},
		{
			fn:      "WebhookFunction",
			want:    map[string]string{"IMPORTS_QUEUE_URL": "http://sqs.us-east-1.127.0.0.1:3011/000000000000/promob-local-imports.fifo", "PROMOB_TOKEN_KEY": localenv.PromobTokenKey},
			without: []string{"PROMOB_API_URL"},
		},
		{fn: "ImporterFunction", want: map[string]string{"PROMOB_API_URL": "http://127.0.0.1:3001"}},
		{fn: "PromobSyncFunction", want: map[string]string{"NOTIFICATIONS_QUEUE_URL": "http://sqs.us-east-1.127.0.0.1:3011/000000000000/promob-local-notifications"}},
	}
	for _, tt := range tests {
		t.Run(tt.fn, func(t *testing.T) {
			names, err := environmentNames(template, tt.fn)
			if err != nil {
				t.Fatal(err)
			}
			env, err := localEnvironment(tt.fn, names, "WARN", makeRun)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.want {
				if env[k] != v {
					t.Errorf("%s = %q, want %q", k, env[k], v)
				}
			}
			for _, k := range tt.without {
				if _, ok := env[k]; ok {
					t.Errorf("%s is set, but template.yaml does not give it to %s", k, tt.fn)
				}
			}
		})
	}
}

func TestEnvironmentNamesErrors(t *testing.T) {
	root, err := modroot.Dir()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, fn, want string }{
		{"not a function", filepath.Join(root, "template.yaml"), "Table", `has no function "Table"`},
		{"unknown id", filepath.Join(root, "template.yaml"), "Nope", `has no function "Nope"`},
		{"no template", filepath.Join(t.TempDir(), "template.yaml"), "ApiFunction", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := environmentNames(tt.path, tt.fn)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("environmentNames = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestUnknownVariableIsAnError(t *testing.T) {
	_, err := localEnvironment("ApiFunction", []string{"TABLE_NAME", "NEW_THING"}, "INFO", makeRun)
	if err == nil || !strings.Contains(err.Error(), "NEW_THING") {
		t.Fatalf("localEnvironment = %v, want an error naming NEW_THING", err)
	}
}
