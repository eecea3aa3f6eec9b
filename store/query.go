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

// queryAll reads every row with scan; no row is an empty slice, never nil.
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

// queryEach hands every row to row, stopping at its first error.
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

// first is the one row a key lookup found, or ErrNotFound naming what.
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

// lookupErr wraps a one-row query's error; no row is ErrNotFound.
func lookupErr(err error, what string) error {
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: %s: %w", what, ErrNotFound)
	case err != nil:
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

type conditions struct {
	conds []string
	args  []any
}

func (c *conditions) add(cond string, args ...any) {
	c.conds = append(c.conds, cond)
	c.args = append(c.args, args...)
}

func (c *conditions) eq(col, v string) {
	if v != "" {
		c.add(col+" = ?", v)
	}
}

func (c *conditions) where() string {
	if len(c.conds) == 0 {
		return ""
	}
	return "WHERE " + strings.Join(c.conds, " AND ")
}

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

// insertID runs an INSERT and returns the new row's id. RETURNING, which both
// databases speak, since PostgreSQL's driver has no LastInsertId.
func insertID(ctx context.Context, q querier, query string, args ...any) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}
