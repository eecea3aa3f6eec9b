// Package service holds every casework use case (cases, visits, the dispute
// sweep), each in one transaction with explicit inputs (Env); it never reads
// the clock and refuses with package fault's kinds.
package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zhiban/config"
	"zhiban/notify"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/store"
)

// Service runs use cases, each in its own transaction; jobs use NewEnv instead.
type Service struct {
	st       *store.Store
	cfg      config.Config
	channels []string
	// bookingThrottle is the per-address limit of the public booking pages.
	bookingThrottle *addressThrottle
	bookingGates    *dutyGates
}

// New returns the service; channels are the notification channels (none when unconfigured).
func New(st *store.Store, cfg config.Config, channels []string) *Service {
	return &Service{st: st, cfg: cfg, channels: channels, bookingThrottle: &addressThrottle{}, bookingGates: newDutyGates()}
}

// Config is the configuration the service was built with.
func (s *Service) Config() config.Config { return s.cfg }

// Call is who acts and when; every use case takes one.
type Call struct {
	Actor string
	Now   time.Time
	// Unit confines the actor to one township (a township clerk's account,
	// store.User.Unit); "" is county-wide: scheduler, CLI, county staff.
	Unit string
}

// Env is what a use case runs with.
type Env struct {
	Tx    *store.Store // the transaction every read and write of the use case goes through
	Cal   roster.Calendar
	Today roster.Date
	Actor string
	Unit  string // the actor's township; "" is county-wide (Call.Unit)
	Out   Outbox
	Cfg   config.Config
	noCal bool // Cal is not built yet (runLight)
}

// NewEnv builds a use case's Env inside tx, with a calendar wide enough for
// every statutory clock (three years back, one ahead).
func NewEnv(ctx context.Context, tx *store.Store, cfg config.Config, today roster.Date, actor string, out Outbox) (Env, error) {
	cal, err := CaseCalendar(ctx, tx, today)
	if err != nil {
		return Env{}, err
	}
	return Env{Tx: tx, Cal: cal, Today: today, Actor: actor, Out: out, Cfg: cfg}, nil
}

// CaseCalendar is the official calendar around today that case clocks need.
func CaseCalendar(ctx context.Context, st *store.Store, today roster.Date) (roster.Calendar, error) {
	return planner.Calendar(ctx, st, today.AddDays(-3*366), today.AddDays(366))
}

// Today is the civil date of now in the county's zone.
func (s *Service) Today(now time.Time) roster.Date { return roster.Today(now, s.cfg.Location) }

// run runs fn in one transaction; its outbox messages are delivered after commit by the scheduler.
func (s *Service) run(ctx context.Context, c Call, fn func(ctx context.Context, e Env) error) error {
	return s.st.WithTx(ctx, func(tx *store.Store) error {
		out := Outbox{Job: "action:" + c.Actor, Period: c.Now.UTC().Format(time.RFC3339Nano), Channels: s.channels}
		e, err := NewEnv(ctx, tx, s.cfg, s.Today(c.Now), c.Actor, out)
		if err != nil {
			return err
		}
		e.Unit = c.Unit
		return fn(ctx, e)
	})
}

// runLight is run for use cases that need no official calendar (most of the
// desk's), which saves building four years of it; such an Env has noCal set
// and loads the calendar itself if it turns out to need one (e.calendar).
func (s *Service) runLight(ctx context.Context, c Call, fn func(ctx context.Context, e Env) error) error {
	return s.st.WithTx(ctx, func(tx *store.Store) error {
		out := Outbox{Job: "action:" + c.Actor, Period: c.Now.UTC().Format(time.RFC3339Nano), Channels: s.channels}
		return fn(ctx, Env{Tx: tx, Today: s.Today(c.Now), Actor: c.Actor, Unit: c.Unit, Out: out, Cfg: s.cfg, noCal: true})
	})
}

// readLight is runLight for a use case that only reads: one read-only
// transaction (store.ReadTx), without the write lock on PostgreSQL, so it
// never waits behind writers; a write in fn fails there.
func (s *Service) readLight(ctx context.Context, c Call, fn func(ctx context.Context, e Env) error) error {
	return s.st.ReadTx(ctx, func(tx *store.Store) error {
		return fn(ctx, Env{Tx: tx, Today: s.Today(c.Now), Actor: c.Actor, Unit: c.Unit, Cfg: s.cfg, noCal: true})
	})
}

// calendar is e.Cal, built on first use in a runLight Env.
func (e *Env) calendar(ctx context.Context) (roster.Calendar, error) {
	if e.noCal {
		cal, err := CaseCalendar(ctx, e.Tx, e.Today)
		if err != nil {
			return cal, err
		}
		e.Cal, e.noCal = cal, false
	}
	return e.Cal, nil
}

// Outbox queues messages in the use case's transaction, so a message is sent only if it commits.
type Outbox struct {
	Job, Period string
	Channels    []string
}

// ErrNoOutbox: a message is sent or refused, never silently dropped.
var ErrNoOutbox = errors.New("service: a message was sent without an outbox")

// Put queues m for every channel.
func (o Outbox) Put(ctx context.Context, tx *store.Store, m notify.Message) error {
	if o.Job == "" {
		return ErrNoOutbox
	}
	to, err := json.Marshal(m.To)
	if err != nil {
		return fmt.Errorf("service: outbox: %w", err)
	}
	_, err = tx.EnqueueNotification(ctx, store.Notification{
		Job: o.Job, Period: o.Period, Recipients: string(to), Subject: m.Subject, Body: m.Text,
	}, o.Channels)
	return err
}
