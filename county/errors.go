package county

import (
	"fmt"
	"sort"
	"strings"
)

// FileError is one problem in a county file, located by file, line and field path
// (e.g. "pools[0].members[2]"). Line is 0 when unknown, e.g. for a County built in code.
type FileError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

// Error formats as "county.yaml:23: pools[0].members[2]: 未知人员 "L99"".
func (e *FileError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "第 %d 行: ", e.Line)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one county file, in line order.
// errors.As(err, &fe) with fe *FileError yields the first one.
type Errors []*FileError

// Error lists the problems one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes each problem to errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// MaxErrors is how many problems a county file's errors list; the rest are
// counted. A file that breaks every line needs fixing at its first errors.
const MaxErrors = 100

// asError sorts the problems by line (unknown lines last), keeps the first
// MaxErrors and a count of the others, and returns nil when there are none.
func asError(es []*FileError) error {
	if len(es) == 0 {
		return nil
	}
	sort.SliceStable(es, func(i, j int) bool {
		li, lj := es[i].Line, es[j].Line
		if li == 0 || lj == 0 {
			return li != 0 && lj == 0
		}
		return li < lj
	})
	if n := len(es) - MaxErrors; n > 0 {
		file := es[0].File
		es = append(es[:MaxErrors:MaxErrors], &FileError{File: file, Msg: fmt.Sprintf("另有 %d 处错误未列出，请先改正以上错误", n)})
	}
	return Errors(es)
}
