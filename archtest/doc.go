// Package archtest holds no code, only a test: arch_test.go reads every Go
// file of the module and fails when the layering of DESIGN.md erodes (who
// may import what, who may open a transaction). It runs in `go test ./...`.
//
// The rules apply to non-test files; tests may reach into the database to
// set up or inspect state. Violations present while the service-layer
// refactor is in flight are listed in knownViolations; the test also fails
// when a listed one is gone, so the list only shrinks.
package archtest
