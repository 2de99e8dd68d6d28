package gate

// CIVars are the environment variables recorded as a decision's CI context:
// what identifies the run, the commit and who started it on GitHub Actions,
// GitLab CI, Jenkins, Buildkite and CircleCI. Only these are read, so no
// token or secret in the environment can reach the audit log.
var CIVars = []string{
	// GitHub Actions
	"GITHUB_REPOSITORY", "GITHUB_SHA", "GITHUB_REF", "GITHUB_RUN_ID", "GITHUB_RUN_ATTEMPT",
	"GITHUB_WORKFLOW", "GITHUB_JOB", "GITHUB_ACTOR", "GITHUB_EVENT_NAME", "GITHUB_SERVER_URL",
	// GitLab CI
	"CI_PROJECT_PATH", "CI_COMMIT_SHA", "CI_COMMIT_REF_NAME", "CI_PIPELINE_ID", "CI_PIPELINE_URL",
	"CI_JOB_ID", "CI_JOB_URL", "CI_ENVIRONMENT_NAME", "GITLAB_USER_LOGIN",
	// Jenkins
	"JOB_NAME", "BUILD_NUMBER", "BUILD_ID", "BUILD_URL", "GIT_COMMIT", "GIT_BRANCH", "BUILD_USER_ID",
	// Buildkite, CircleCI
	"BUILDKITE_PIPELINE_SLUG", "BUILDKITE_BUILD_NUMBER", "BUILDKITE_COMMIT", "BUILDKITE_BUILD_CREATOR",
	"CIRCLE_PROJECT_REPONAME", "CIRCLE_BUILD_NUM", "CIRCLE_SHA1", "CIRCLE_USERNAME",
}

// CIContext returns the CIVars that are set, by name.
func CIContext(getenv func(string) string) map[string]string {
	out := map[string]string{}
	for _, k := range CIVars {
		if v := getenv(k); v != "" {
			out[k] = v
		}
	}
	return out
}

// CIProvider names the CI system the environment belongs to: github, gitlab,
// jenkins, buildkite, circleci, ci (another one that sets CI) or "" (none).
func CIProvider(getenv func(string) string) string {
	switch {
	case getenv("GITHUB_ACTIONS") == "true":
		return "github"
	case getenv("GITLAB_CI") == "true":
		return "gitlab"
	case getenv("JENKINS_URL") != "":
		return "jenkins"
	case getenv("BUILDKITE") == "true":
		return "buildkite"
	case getenv("CIRCLECI") == "true":
		return "circleci"
	case getenv("CI") != "":
		return "ci"
	}
	return ""
}

// ActorVars are the environment variables that name who runs the gate, in
// the order they are tried: the CI systems' user names, then the login name.
var ActorVars = []string{"GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_USER_ID", "BUILD_USER",
	"BUILDKITE_BUILD_CREATOR", "CIRCLE_USERNAME", "USER", "LOGNAME"}

// Actor returns who runs the gate, from the first of ActorVars that is set,
// and the variable's name; both are empty when none is.
func Actor(getenv func(string) string) (actor, from string) {
	for _, k := range ActorVars {
		if v := getenv(k); v != "" {
			return v, k
		}
	}
	return "", ""
}
