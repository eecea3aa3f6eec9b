package store

import (
	"context"
	"fmt"
	"time"

	"zhiban/roster"
	"zhiban/visits"
)

// A booking follows its duty's 值班领导 (migration 028): these read and
// write only the columns that takes, never the visitor's sealed data.

// BookingDuty is an active booking as following its duty sees it.
type BookingDuty struct {
	ID        int64
	Roster    string
	Date      roster.Date
	Seat      int
	SlotStart roster.Clock
	SlotEnd   roster.Clock
	Version   int
	visits.BookingFollow
}

// BookingDuties returns the active bookings of duty days in [from, to].
func (s *Store) BookingDuties(ctx context.Context, from, to roster.Date) ([]BookingDuty, error) {
	return queryAll(ctx, s.q, "booking duties", func(sc scanner) (BookingDuty, error) {
		var b BookingDuty
		var date, start, end string
		var call int
		err := sc.Scan(&b.ID, &b.Roster, &date, &b.Seat, &start, &end, &b.Version, &b.BookedLeader, &b.Following, &call, &b.CallReason)
		b.Date, b.SlotStart, b.SlotEnd, b.CallVisitor = readDate(date), readClock(start), readClock(end), call == 1
		return b, err
	}, `SELECT id, roster_id, date, seat, slot_start, slot_end, version, booked_leader, following, call_visitor, call_reason
		FROM bookings WHERE state = 'booked' AND date >= ? AND date <= ? ORDER BY date, roster_id, seat, id`, dateCol(from), dateCol(to))
}

// SaveBookingDuty writes what following the duty changed of b; another
// stored version is ErrConflict.
func (s *Store) SaveBookingDuty(ctx context.Context, b BookingDuty, actor string) (int, error) {
	version := 0
	err := s.WithTx(ctx, func(tx *Store) error {
		r, err := tx.q.ExecContext(ctx, `UPDATE bookings SET following = ?, call_visitor = ?, call_reason = ?,
			version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			b.Following, boolInt(b.CallVisitor), b.CallReason, stamp(s.Now()), b.ID, b.Version)
		if err != nil {
			return fmt.Errorf("store: follow booking %d: %w", b.ID, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return fmt.Errorf("store: booking %d changed (not version %d): %w", b.ID, b.Version, ErrConflict)
		}
		version = b.Version + 1
		return tx.Audit(ctx, actor, "roster", "booking", itoa(b.ID), "",
			fmt.Sprintf("%s/%s 第%d位 领导=%s 现为=%s 待电话=%t %s", b.Roster, b.Date, b.Seat, b.BookedLeader, b.Following, b.CallVisitor, b.CallReason))
	})
	return version, err
}

// BookingDigest is a booking as a leader's feed counts it: no visitor data.
type BookingDigest struct {
	Roster    string
	Date      roster.Date
	SlotStart roster.Clock
	SlotEnd   roster.Clock
	Category  visits.Category
	GroupSize int
	State     visits.BookingState
	UpdatedAt time.Time
}

// BookingDigests returns the bookings (cancelled ones too) of duty days in
// [from, to] by date, roster and seat, reading no sealed column.
func (s *Store) BookingDigests(ctx context.Context, from, to roster.Date) ([]BookingDigest, error) {
	return queryAll(ctx, s.q, "booking digests", func(sc scanner) (BookingDigest, error) {
		var d BookingDigest
		var date, start, end, at string
		err := sc.Scan(&d.Roster, &date, &start, &end, &d.Category, &d.GroupSize, &d.State, &at)
		d.Date, d.SlotStart, d.SlotEnd, d.UpdatedAt = readDate(date), readClock(start), readClock(end), parseStamp(at)
		return d, err
	}, `SELECT roster_id, date, slot_start, slot_end, category, group_size, state, updated_at
		FROM bookings WHERE date >= ? AND date <= ? ORDER BY date, roster_id, seat, id`, dateCol(from), dateCol(to))
}
