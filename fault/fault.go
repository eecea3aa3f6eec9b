// Package fault is zhiban's one error taxonomy. Use cases say why they
// refuse with these kinds; the HTTP layer renders them once, as
// {"error":{"code","message","field"}} for the JSON API and as the
// re-rendered form with the user's input for staff pages.
package fault

import (
	"errors"
	"fmt"

	"zhiban/clean"
	"zhiban/store"
	"zhiban/visits"
)

// Kind is why a request was refused.
type Kind int

const (
	// Internal is not a refusal: something broke. It is the zero Kind so an
	// unclassified error is never shown to a user as their mistake.
	Internal  Kind = iota
	Invalid        // a bad value; Field names it
	Conflict       // the data's current state forbids the act; Items lists what conflicts
	NotFound       // the thing named does not exist
	Forbidden      // the actor may not do this
	TooLarge       // the input is over a size or count limit
	Full           // the server's storage is full: nothing was saved (not the user's mistake)
	ReadOnly       // the database takes no writes now (a standby, a failover): nothing was saved
)

// Codes are the stable, lowercase codes clients switch on.
var codes = map[Kind]string{
	Internal: "internal", Invalid: "invalid", Conflict: "conflict",
	NotFound: "not_found", Forbidden: "forbidden", TooLarge: "too_large", Full: "storage_full",
	ReadOnly: "read_only",
}

// Code is the kind's stable JSON code.
func (k Kind) Code() string { return codes[k] }

// Error is a refusal: a kind, a Chinese message that never quotes
// petitioner data, the field it is about (if any), and for conflicts the
// conflicting items (rendered as JSON; pages list them).
type Error struct {
	Kind  Kind
	Code  string // overrides Kind.Code, e.g. "refused" for a state transition
	Field string
	Msg   string
	Items any
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// StableCode is the JSON code of the error.
func (e *Error) StableCode() string {
	if e.Code != "" {
		return e.Code
	}
	return e.Kind.Code()
}

// Invalidf is a bad value in field.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// InvalidField is a bad value in field, with a fixed message.
func InvalidField(field, msg string) *Error { return &Error{Kind: Invalid, Field: field, Msg: msg} }

// Conflicts is a refusal because of what is stored now; items are the
// conflicting things (nil when there is nothing useful to list).
func Conflicts(msg string, items any) *Error { return &Error{Kind: Conflict, Msg: msg, Items: items} }

// Missing is a named thing that does not exist; field may be empty.
func Missing(field, msg string) *Error { return &Error{Kind: NotFound, Field: field, Msg: msg} }

// Denied is an act the actor may not do.
func Denied(msg string) *Error { return &Error{Kind: Forbidden, Msg: msg} }

// Oversize is an input over a limit; field may be empty.
func Oversize(field, msg string) *Error { return &Error{Kind: TooLarge, Field: field, Msg: msg} }

// Text checks a one-line text field with clean.Text and names the field
// when it refuses; it returns the trimmed value.
func Text(field, s string, max int) (string, error) {
	v, err := clean.Text(s, max)
	if err != nil {
		return "", InvalidField(field, err.Error())
	}
	return v, nil
}

// Multiline is Text for fields that may hold line breaks.
func Multiline(field, s string, max int) (string, error) {
	v, err := clean.Multiline(s, max)
	if err != nil {
		return "", InvalidField(field, err.Error())
	}
	return v, nil
}

// Messages for the store's sentinels, said the same way everywhere.
const (
	msgNotFound = "未找到"
	msgStale    = "数据已被他人修改，请刷新后重试"
	msgFull     = "服务器存储空间已满，本次修改未保存。请联系系统管理员清理磁盘空间后再试"
	msgReadOnly = "数据库暂时只能读不能写（可能正在进行主备切换），本次修改未保存。请稍后再试，或联系系统管理员"
)

// Classify turns any error into a refusal, or nil if it is an internal
// failure (to be logged and answered with a 500). It knows the store's
// sentinels and the pure domain's refusals, so those packages stay free of
// this one.
func Classify(err error) *Error {
	if err == nil {
		return nil
	}
	var fe *Error
	var rf *visits.Refusal
	var cp *clean.Problem
	switch {
	case errors.As(err, &fe):
		return fe
	case errors.As(err, &cp):
		return &Error{Kind: Invalid, Msg: cp.Msg}
	case errors.As(err, &rf) && (rf.Field == "state" || rf.Field == "milestones"):
		// The case or visit's state forbids the act: a conflict, not a bad value.
		return &Error{Kind: Conflict, Code: "refused", Field: rf.Field, Msg: rf.Msg}
	case errors.As(err, &rf):
		return &Error{Kind: Invalid, Field: rf.Field, Msg: rf.Msg}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Kind: NotFound, Msg: msgNotFound}
	case errors.Is(err, store.ErrConflict):
		return &Error{Kind: Conflict, Msg: msgStale}
	case store.IsFull(err):
		return &Error{Kind: Full, Msg: msgFull}
	case store.IsReadOnly(err):
		return &Error{Kind: ReadOnly, Msg: msgReadOnly}
	}
	return nil
}
