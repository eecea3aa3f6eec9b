package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"zhiban/roster"
)

// scanner is one result row: *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// queryAll runs query and reads every row with scan. what names the query in
// errors ("store: what: …"). No row is an empty slice, never nil.
func queryAll[T any](ctx context.Context, q querier, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	out := []T{}
	err := queryEach(ctx, q, what, func(sc scanner) error {
		v, err := scan(sc)
		out = append(out, v)
		return err
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// queryEach runs query and hands every row to row, stopping at its first
// error. what names the query in errors ("store: what: …").
func queryEach(ctx context.Context, q querier, what string, row func(scanner) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return fmt.Errorf("store: %s: %w", what, err)
		}
	}
	return rows.Err()
}

// first is the one row a lookup by key found in rows, or ErrNotFound naming
// what was looked up.
func first[T any](rows []T, err error, what string) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if len(rows) == 0 {
		return zero, fmt.Errorf("store: %s: %w", what, ErrNotFound)
	}
	return rows[0], nil
}

// lookupErr wraps the error of a one-row query (QueryRow…Scan) with what was
// looked up: no row is ErrNotFound.
func lookupErr(err error, what string) error {
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: %s: %w", what, ErrNotFound)
	case err != nil:
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// conditions gathers the optional conditions of a WHERE clause with their arguments.
type conditions struct {
	conds []string
	args  []any
}

func (c *conditions) add(cond string, args ...any) {
	c.conds = append(c.conds, cond)
	c.args = append(c.args, args...)
}

// eq adds "col = ?" when v is set; an empty v matches everything.
func (c *conditions) eq(col, v string) {
	if v != "" {
		c.add(col+" = ?", v)
	}
}

// where is "WHERE a AND b …", or "" without conditions.
func (c *conditions) where() string {
	if len(c.conds) == 0 {
		return ""
	}
	return "WHERE " + strings.Join(c.conds, " AND ")
}

// dateCol stores a civil date; the zero date is "".
func dateCol(d roster.Date) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// readDate reads a stored date; "" (and a bad one) is the zero date.
func readDate(s string) roster.Date {
	if s == "" {
		return 0
	}
	d, _ := roster.ParseDate(s)
	return d
}

// readClock reads a stored HH:MM; a bad one is 00:00, as a bad date is the zero date.
func readClock(s string) roster.Clock {
	t, _ := roster.ParseClock(s)
	return t
}
