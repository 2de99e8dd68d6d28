// Package slo holds the SLO model: services of a tier, their SLOs and SLIs. It
// loads and validates the versioned spec files (nines/v1), builds the PromQL of
// each SLI, and evaluates SLOs against a Querier at an explicit time into
// measurements and error budgets.
//
// It imports no HTTP client and no Prometheus server code: the Querier it needs
// is declared here and satisfied by package prom.
package slo
