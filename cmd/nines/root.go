package main

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nines-sre/nines/app"
)

// version is set at build time with -ldflags "-X main.version=..."; when
// it is not, buildVersion reads the module version or VCS revision that
// the Go toolchain recorded in the binary.
var version = ""

// buildVersion is the version --version prints: the -ldflags version, else
// the module version (go install ...@v1.2.3), else the VCS revision of a
// build in a clone (with "-dirty" for uncommitted changes), else "dev".
func buildVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, st := range bi.Settings {
		switch st.Key {
		case "vcs.revision":
			rev = st.Value
		case "vcs.modified":
			modified = st.Value
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified == "true" {
		rev += "-dirty"
	}
	return rev
}

// run builds the command tree, executes it with args and returns the exit code.
// Errors are printed once, here.
func run(ctx context.Context, args []string, s *streams) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	root.SetContext(ctx)
	err := root.ExecuteContext(ctx)
	if err != nil {
		var ee *exitError
		if !errors.As(err, &ee) {
			fmt.Fprintf(s.ErrOut, "nines: %s\n", err)
			var ue *usageError
			var se *app.SelectionError
			if errors.As(err, &ue) || errors.As(err, &se) || isFlagError(err) {
				fmt.Fprintf(s.ErrOut, "Run '%s --help' for usage.\n", commandPath(root, args))
			}
		}
	}
	return exitCode(err)
}

func newRootCmd(s *streams) *cobra.Command {
	g := &globalOptions{}
	root := &cobra.Command{
		Use:   "nines",
		Short: "SLOs, error budgets, deploy gates and the money behind them",
		Long: `nines reads SLO specs per service tier, evaluates them against Prometheus
(or Thanos, Mimir, Cortex, VictoriaMetrics, or an OpenMetrics file), and turns the
answers into error budgets, burn rates, deploy decisions and cost reports.

Exit codes:
  0  success (for gate: the deploy is allowed, pass or warn)
  1  the tool failed: bad flags, invalid spec, a source that cannot be
     opened, interrupted (SIGINT, SIGTERM)
  3  gate: the deploy is blocked by policy (including fail-closed)`,
		Example: `  # Burn rates and budget left on the demo data built into the binary
  nines burn --source demo --at 2026-10-14T12:00:00Z

  # The same against a Prometheus server
  nines burn --prometheus.url http://localhost:9090 --service checkout

  # Allowed downtime for 99.95%
  nines calc 99.95`,
		Version:       buildVersion(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(s.Out)
	root.SetErr(s.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{err: err}
	})
	g.addFlags(root)

	for _, c := range commands(g, s) {
		root.AddCommand(c)
	}
	return root
}

// isFlagError reports errors that cobra raises for unknown commands or bad arguments.
func isFlagError(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") ||
		strings.HasPrefix(msg, "accepts ") ||
		strings.HasPrefix(msg, "requires ") ||
		strings.Contains(msg, "arg(s)")
}

// commandPath names the subcommand that args selected, for the usage hint.
func commandPath(root *cobra.Command, args []string) string {
	c, _, err := root.Find(args)
	if err != nil || c == nil {
		return root.Name()
	}
	return c.CommandPath()
}
