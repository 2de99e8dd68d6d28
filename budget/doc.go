// Package budget is the arithmetic of service level objectives: error budgets,
// burn rates, multi-window multi-burn-rate alerts, time to exhaustion, nines and
// allowed downtime, and composite availability. It is pure: standard library
// only, no I/O, no clock.
//
// Objectives and availabilities are ratios in [0, 1] (99.9% is 0.999). The
// calendar convention is the Gregorian one that uptime.is uses: a year is
// 365.2425 days, a month is a twelfth of it and a quarter a fourth.
package budget
