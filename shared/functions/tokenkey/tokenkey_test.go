package tokenkey

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/foccolojas/promob-integration/shared/tokenbox"
)

// secretsServer answers GetSecretValue in the Secrets Manager JSON protocol
// from secrets (name → SecretString), and records the ids asked for.
type secretsServer struct {
	*httptest.Server
	mu    sync.Mutex
	asked []string
}

func newSecretsServer(t *testing.T, secrets map[string]string) *secretsServer {
	s := &secretsServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ SecretId string }
		if r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || json.NewDecoder(r.Body).Decode(&in) != nil {
			http.Error(w, "unexpected call", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.asked = append(s.asked, in.SecretId)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		value, ok := secrets[in.SecretId]
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"__type": "ResourceNotFoundException", "message": "Secrets Manager can't find the specified secret."})
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"Name": in.SecretId, "SecretString": value, "VersionId": "v1"})
	}))
	t.Cleanup(s.Close)
	return s
}

// TestTokenBox gets the key of users' Promob tokens from the variable or
// from Secrets Manager through the SDK, and refuses what cannot be a key.
func TestTokenBox(t *testing.T) {
	const key = "bG9jYWwtZGV2LXByb21vYi10b2tlbi1rZXktMzJieXQ="
	srv := newSecretsServer(t, map[string]string{
		"promob-integration/promob-token-key": key + "\n",
		"promob-integration/short":            "c2hvcnQ=",
	})
	cfg := aws.Config{Region: "sa-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")}
	reference, err := tokenbox.New(key)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		vars    map[string]string
		wantErr string // "" = a box under key
		asked   string // the secret read, "" = none
	}{
		{"key in the variable wins", map[string]string{envTokenKey: key, envTokenKeySecret: "promob-integration/absent"}, "", ""},
		{"key from the secret", map[string]string{envTokenKeySecret: "promob-integration/promob-token-key"}, "", "promob-integration/promob-token-key"},
		{"no such secret", map[string]string{envTokenKeySecret: "promob-integration/absent"}, "ResourceNotFoundException", "promob-integration/absent"},
		{"secret is not a key", map[string]string{envTokenKeySecret: "promob-integration/short"}, "32 bytes", "promob-integration/short"},
		{"neither", map[string]string{}, "PROMOB_TOKEN_KEY or PROMOB_TOKEN_KEY_SECRET", ""},
		{"bad key in the variable", map[string]string{envTokenKey: "c2hvcnQ="}, "32 bytes", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.mu.Lock()
			srv.asked = nil
			srv.mu.Unlock()
			tt.vars[envSecretsEndpoint] = srv.URL
			box, err := Box(t.Context(), func(k string) string { return tt.vars[k] }, cfg)
			srv.mu.Lock()
			asked := strings.Join(srv.asked, ",")
			srv.mu.Unlock()
			if asked != tt.asked {
				t.Errorf("secrets read %q, want %q", asked, tt.asked)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Box = %v, want an error about %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sealed, err := box.Seal("pmt-user-token", "user-1")
			if err != nil {
				t.Fatal(err)
			}
			if got, err := reference.Open(sealed, "user-1"); err != nil || got != "pmt-user-token" {
				t.Fatalf("a token sealed under the key read opens as %q, %v", got, err)
			}
		})
	}
}
