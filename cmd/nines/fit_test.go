package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// narrowWidth is the most characters a line of a default (-o table or text)
// terminal table may have; -o wide has no limit.
const narrowWidth = 120

// checkFits fails for every line of out wider than narrowWidth.
func checkFits(t *testing.T, name, out string) {
	t.Helper()
	if strings.TrimSpace(out) == "" {
		t.Errorf("%s printed nothing", name)
	}
	for i, l := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(l); n > narrowWidth {
			t.Errorf("%s: line %d is %d characters wide, more than %d:\n%s", name, i+1, n, narrowWidth, l)
		}
	}
}

// Every command that prints a table fits 120 columns by default on the demo
// data built in; the rest of the columns are behind -o wide.
func TestDefaultTablesFit120Columns(t *testing.T) {
	demo := []string{"--source", "demo", "--at", "2026-10-14T12:00:00Z"}
	cmds := []struct {
		name string
		args []string
	}{
		{"burn", append([]string{"burn"}, demo...)},
		{"status", append([]string{"status"}, demo...)},
		{"cost", append([]string{"cost", "--quarter", "2026-Q3"}, demo...)},
		{"cost --what-if", append([]string{"cost", "--service", "checkout", "--what-if", "45m"}, demo...)},
		{"cost --fit --planned", append([]string{"cost", "--service", "checkout", "--fit", "--planned", "--start", "2026-10-18T02:00:00Z"}, demo...)},
		{"summary", append([]string{"summary", "--quarter", "2026-Q3"}, demo...)},
		{"gate", append([]string{"gate", "--service", "checkout"}, demo...)},
		{"calc", []string{"calc", "99.9", "99.95", "99.99"}},
		{"calc --downtime", []string{"calc", "--downtime", "43m", "--window", "30d"}},
		{"calc --serial --parallel", []string{"calc", "--serial", "99.9,99.95", "--parallel", "99.9,99.9"}},
	}
	for _, c := range cmds {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", c.args...)
			if code != exitOK && code != exitBlocked {
				t.Fatalf("nines %s: exit %d; stderr:\n%s", strings.Join(c.args, " "), code, errOut)
			}
			checkFits(t, "nines "+strings.Join(c.args, " "), out)
		})
	}
}

// The same on the test fleet of the goldens, with its incidents file.
func TestDefaultTablesFit120ColumnsOnTheFleet(t *testing.T) {
	dir, data, specs, incidents := fleetFiles(t)
	fleet := []string{"--specs", specs, "--source", data, "--at", fleetAt}
	cmds := []struct {
		name string
		args []string
	}{
		{"burn", append([]string{"burn"}, fleet...)},
		{"status", append([]string{"status"}, fleet...)},
		{"cost", append([]string{"cost", "--quarter", "2026-Q3", "--incidents", incidents}, fleet...)},
		{"cost --what-if", append([]string{"cost", "--service", "shop", "--what-if", "45m"}, fleet...)},
		{"summary", append([]string{"summary", "--quarter", "2026-Q3", "--incidents", incidents}, fleet...)},
	}
	for _, c := range cmds {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, dir, c.args...)
			if code != exitOK {
				t.Fatalf("nines %s: exit %d; stderr:\n%s", c.name, code, errOut)
			}
			checkFits(t, "nines "+c.name, out)
		})
	}
}
