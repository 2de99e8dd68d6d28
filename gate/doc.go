// Package gate decides whether a deploy may go ahead from a service's error
// budgets: the deploy policy of its tier (block or warn below a budget left,
// block while a page-severity burn-rate alert fires, the change types a freeze
// lets through, what no data means), overrides, and what to do when the SLOs
// could not be evaluated (fail closed, fail open, or the last known good
// evaluation from a local cache).
//
// Decide is pure: it takes the evaluations (or the error that prevented
// them), the policy, the change type, the override, the cached evaluation and
// the time, and returns a Decision that carries every reason. The audit trail
// (AppendJSON) and the last-known-good cache (Cache) are small files written
// with the standard library; appends from concurrent processes never
// interleave.
//
// The package imports only the standard library, slo and budget.
package gate
