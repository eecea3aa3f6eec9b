package icaltest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// LibicalEnv names the environment variable that turns on checks by libical
// (the C library behind Evolution and many servers), through its GObject
// bindings; .ci/run sets it to the python3 that has them.
const LibicalEnv = "ZHIBAN_LIBICAL"

// libicalScript parses a feed from stdin with libical, runs its restriction
// check (RFC 5546's rules for the calendar's METHOD, and the RFC 5545
// property counts) and prints every X-LIC-ERROR libical attached, one a line.
const libicalScript = `
import sys, gi
gi.require_version('ICalGLib', '3.0')
from gi.repository import ICalGLib as I
c = I.Component.new_from_string(sys.stdin.read())
if c is None:
    print('libical could not parse the feed'); sys.exit(0)
c.check_restrictions()
def walk(comp):
    p = comp.get_first_property(I.PropertyKind.XLICERROR_PROPERTY)
    while p is not None:
        print(p.get_xlicerror())
        p = comp.get_next_property(I.PropertyKind.XLICERROR_PROPERTY)
    sub = comp.get_first_component(I.ComponentKind.ANY_COMPONENT)
    while sub is not None:
        walk(sub)
        sub = comp.get_next_component(I.ComponentKind.ANY_COMPONENT)
walk(c)
`

// Libical returns what libical finds wrong with data (nil: nothing), and
// ok=false when ZHIBAN_LIBICAL is unset; when it is set, a missing binding
// is an error, so CI cannot skip silently.
func Libical(data []byte) (problems []string, ok bool, err error) {
	python := os.Getenv(LibicalEnv)
	if python == "" {
		return nil, false, nil
	}
	cmd := exec.Command(python, "-c", libicalScript)
	cmd.Stdin = bytes.NewReader(data)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, true, fmt.Errorf("icaltest: %s=%s: libical check failed: %v\n%s", LibicalEnv, python, err, stderr.String())
	}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			problems = append(problems, l)
		}
	}
	return problems, true, nil
}
