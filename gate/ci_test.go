package gate_test

import (
	"reflect"
	"regexp"
	"testing"

	"github.com/nines-sre/nines/gate"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestCIContextRecordsOnlyTheListedVariables(t *testing.T) {
	got := gate.CIContext(env(map[string]string{
		"GITHUB_SHA": "abc123", "GITHUB_RUN_ID": "42", "GITHUB_TOKEN": "ghs_secret", "CI_JOB_TOKEN": "glcbt-secret",
		"CI_PIPELINE_ID": "7", "HOME": "/root", "GITHUB_REPOSITORY": "",
	}))
	want := map[string]string{"GITHUB_SHA": "abc123", "GITHUB_RUN_ID": "42", "CI_PIPELINE_ID": "7"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CI context %v, want %v", got, want)
	}
}

func TestCIProviderAndActor(t *testing.T) {
	tests := []struct {
		name        string
		env         map[string]string
		provider    string
		actor, from string
	}{
		{"GitHub Actions names the actor", map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_ACTOR": "octocat", "USER": "runner"}, "github", "octocat", "GITHUB_ACTOR"},
		{"GitLab CI names the user login", map[string]string{"GITLAB_CI": "true", "CI": "true", "GITLAB_USER_LOGIN": "alice"}, "gitlab", "alice", "GITLAB_USER_LOGIN"},
		{"Jenkins with the build user plugin", map[string]string{"JENKINS_URL": "https://ci", "BUILD_USER_ID": "bob"}, "jenkins", "bob", "BUILD_USER_ID"},
		{"a laptop falls back to the login name", map[string]string{"USER": "carol"}, "", "carol", "USER"},
		{"nothing set gives nothing", map[string]string{}, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if p := gate.CIProvider(env(tt.env)); p != tt.provider {
				t.Errorf("provider %q, want %q", p, tt.provider)
			}
			if a, from := gate.Actor(env(tt.env)); a != tt.actor || from != tt.from {
				t.Errorf("actor %q from %q, want %q from %q", a, from, tt.actor, tt.from)
			}
		})
	}
}

func TestNewIDIsARandomUUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		id := gate.NewID()
		if !re.MatchString(id) {
			t.Fatalf("ID %q is not a version 4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("ID %q repeated", id)
		}
		seen[id] = true
	}
}
