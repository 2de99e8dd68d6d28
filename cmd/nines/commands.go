package main

import "github.com/spf13/cobra"

// commands lists the subcommands of nines. One command, one file.
func commands(g *globalOptions, s *streams) []*cobra.Command {
	return []*cobra.Command{
		newCalcCmd(s, nil),
		newBurnCmd(g, s, nil),
		newStatusCmd(g, s, nil),
		newGateCmd(g, s, nil),
		newVerifyCmd(g, s, nil),
		newCostCmd(g, s, nil),
		newSummaryCmd(g, s, nil),
		newReportCmd(g, s, nil),
		newAdviseCmd(g, s, nil),
		newValidateCmd(g, s, nil),
		newRulesCmd(g, s, nil),
		newImportCmd(g, s, nil),
		newExportCmd(g, s, nil)}
}
