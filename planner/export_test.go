package planner

// VerdictOf is verdictOf for the tests.
var VerdictOf = verdictOf
