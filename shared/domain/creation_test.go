package domain

import "testing"

func TestCreationRules(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"client never synced", Client{ID: "c1"}.CanSync(), ""},
		{"client pending", Client{ID: "c1", PromobSync: PromobSync{Status: SyncPending}}.CanSync(), ""},
		{"client failed", Client{ID: "c1", PromobSync: PromobSync{Status: SyncFailed}}.CanSync(), ""},
		{"client synced", Client{ID: "c1", PromobSync: PromobSync{Status: SyncSynced}}.CanSync(), CodeAlreadySynced},
		{"environment creating", Environment{ID: "e1", Status: EnvCreating}.CanRetryCreation(), ""},
		{"environment failed", Environment{ID: "e1", Status: EnvFailed}.CanRetryCreation(), ""},
		{"environment ready", Environment{ID: "e1", Status: EnvReady}.CanRetryCreation(), CodeAlreadySynced},
		{"design host ready in a project", Environment{ID: "e1", Status: EnvReady, PromobProjectID: "p"}.CanHostDesign(), ""},
		{"design host ready without project", Environment{ID: "e1", Status: EnvReady}.CanHostDesign(), CodeConflict},
		{"design host creating", Environment{ID: "e1", Status: EnvCreating, PromobProjectID: "p"}.CanHostDesign(), CodeConflict},
		{"design host failed", Environment{ID: "e1", Status: EnvFailed, PromobProjectID: "p"}.CanHostDesign(), CodeConflict},
		{"design never requested", Assistance{ID: "a1", Design: AssistanceDesign{Status: DesignNone}}.CanRequestDesign(), ""},
		{"design failed", Assistance{ID: "a1", Design: AssistanceDesign{Status: EnvFailed}}.CanRequestDesign(), ""},
		{"design creating", Assistance{ID: "a1", Design: AssistanceDesign{Status: EnvCreating}}.CanRequestDesign(), CodeConflict},
		{"design ready", Assistance{ID: "a1", Design: AssistanceDesign{Status: EnvReady}}.CanRequestDesign(), CodeConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if tc.err != nil {
				got = ErrorCode(tc.err)
			}
			if got != tc.want {
				t.Fatalf("got %q (%v), want %q", got, tc.err, tc.want)
			}
		})
	}
}

func TestJobCanRetry(t *testing.T) {
	for state, want := range map[string]string{JobPending: CodeConflict, JobRetrying: CodeConflict, JobDone: CodeConflict, JobFailed: ""} {
		if got := ErrorCode(Job{State: state}.CanRetry()); got != want {
			t.Errorf("a %s job: %q, want %q", state, got, want)
		}
	}
}
