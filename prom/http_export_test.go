package prom

// ParseRetryAfter exposes parseRetryAfter to the black-box tests.
var ParseRetryAfter = parseRetryAfter
