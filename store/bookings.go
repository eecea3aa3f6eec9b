package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"zhiban/county"
	"zhiban/roster"
	"zhiban/visits"
)

// Public bookings (bookings, migration 023): the visitor's name, ID number,
// phone and representatives are sealed on write and opened on read; blind
// indexes count a phone's or an ID number's bookings and find the cases of
// an ID number. A unique index on the active bookings' seats holds the
// capacity whatever the concurrency.

const bookingCols = `id, code, roster_id, date, seat, slot_start, slot_end, booked_leader, category, township, group_size,
	representatives, visitor_name, visitor_id_number, visitor_phone, consent_at, state, call_visitor, call_reason,
	created_on, cancelled_at, version`

// bookingSummary is what the audit log keeps of a booking: no visitor data.
func bookingSummary(b visits.Booking) string {
	return fmt.Sprintf("%s %s/%s 第%d位 %s–%s 领导=%s %s %s 人数=%d 状态=%s 待电话=%t", b.Code, b.Roster, b.Date, b.Seat,
		b.SlotStart, b.SlotEnd, b.BookedLeader, b.Category, b.Township, b.GroupSize, b.State, b.CallVisitor)
}

// ActiveSeats returns the seats active bookings hold on roster's date.
func (s *Store) ActiveSeats(ctx context.Context, rosterID string, date roster.Date) ([]int, error) {
	return queryAll(ctx, s.q, "booked seats", func(sc scanner) (int, error) {
		var n int
		return n, sc.Scan(&n)
	}, `SELECT seat FROM bookings WHERE roster_id = ? AND date = ? AND state = 'booked' ORDER BY seat`, rosterID, dateCol(date))
}

// BookedCounts is how many active bookings each roster holds on each date of [from, to].
func (s *Store) BookedCounts(ctx context.Context, from, to roster.Date) (map[roster.Key]int, error) {
	out := map[roster.Key]int{}
	err := queryEach(ctx, s.q, "booked counts", func(sc scanner) error {
		var id, date string
		var n int
		if err := sc.Scan(&id, &date, &n); err != nil {
			return err
		}
		out[roster.Key{Roster: id, Date: readDate(date)}] = n
		return nil
	}, `SELECT roster_id, date, COUNT(*) FROM bookings WHERE date >= ? AND date <= ? AND state = 'booked'
		GROUP BY roster_id, date`, dateCol(from), dateCol(to))
	return out, err
}

// BookingCodeTaken reports whether a booking already has code.
func (s *Store) BookingCodeTaken(ctx context.Context, code string) (bool, error) {
	var n int
	if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM bookings WHERE code = ?`, code).Scan(&n); err != nil {
		return false, fmt.Errorf("store: booking code: %w", err)
	}
	return n > 0, nil
}

// BookingsMade counts the bookings made on day with phone and with id
// (through the blind index), cancelled ones included.
func (s *Store) BookingsMade(ctx context.Context, phone, idNumber string, day roster.Date) (byPhone, byID int, err error) {
	if t := s.search.phoneToken(phone); t != "" {
		if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM bookings WHERE phone_idx = ? AND created_on = ?`, t, dateCol(day)).Scan(&byPhone); err != nil {
			return 0, 0, fmt.Errorf("store: bookings by phone: %w", err)
		}
	}
	if t := s.search.idNumberToken(idNumber); t != "" {
		if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM bookings WHERE id_number_idx = ? AND created_on = ?`, t, dateCol(day)).Scan(&byID); err != nil {
			return 0, 0, fmt.Errorf("store: bookings by ID number: %w", err)
		}
	}
	return byPhone, byID, nil
}

// ActiveBookingsOf returns the active bookings of ID number idNumber on or after from.
func (s *Store) ActiveBookingsOf(ctx context.Context, idNumber string, from roster.Date) ([]visits.Booking, error) {
	t := s.search.idNumberToken(idNumber)
	if t == "" {
		return nil, nil
	}
	return s.queryBookings(ctx, `WHERE id_number_idx = ? AND state = 'booked' AND date >= ? ORDER BY date, id`, t, dateCol(from))
}

// CasesOfIDNumber returns the cases desk registrations of ID number
// idNumber are in (found through the blind index), newest first.
func (s *Store) CasesOfIDNumber(ctx context.Context, idNumber string) ([]visits.Case, error) {
	t := s.search.idNumberToken(idNumber)
	if t == "" {
		return nil, nil
	}
	return s.queryCases(ctx, `WHERE id IN (SELECT case_id FROM desk_visits WHERE id_number_idx = ? AND case_id IS NOT NULL)
		ORDER BY received_on DESC, id DESC`, t)
}

// CreateBooking stores a new booking. Its seat must be free: a seat an
// active booking holds is ErrConflict.
func (s *Store) CreateBooking(ctx context.Context, b visits.Booking, actor string) (visits.Booking, error) {
	var out visits.Booking
	err := s.WithTx(ctx, func(tx *Store) error {
		var held int
		if err := tx.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM bookings WHERE roster_id = ? AND date = ? AND seat = ? AND state = 'booked'`,
			b.Roster, dateCol(b.Date), b.Seat).Scan(&held); err != nil {
			return fmt.Errorf("store: booking seat: %w", err)
		}
		if held > 0 {
			return fmt.Errorf("store: booking %s/%s seat %d is taken: %w", b.Roster, b.Date, b.Seat, ErrConflict)
		}
		sealed, err := s.sealBooking(b)
		if err != nil {
			return err
		}
		now := stamp(s.Now())
		b.ID, err = insertID(ctx, tx.q, `INSERT INTO bookings (code, roster_id, date, seat, slot_start, slot_end, booked_leader,
			category, township, group_size, representatives, visitor_name, visitor_id_number, visitor_phone, name_idx,
			id_number_idx, phone_idx, consent_at, state, call_visitor, call_reason, created_on, cancelled_at, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
			b.Code, b.Roster, dateCol(b.Date), b.Seat, b.SlotStart.String(), b.SlotEnd.String(), b.BookedLeader,
			string(b.Category), b.Township, b.GroupSize, sealed[3], sealed[0], sealed[1], sealed[2],
			s.search.nameToken(b.Visitor.Name), s.search.idNumberToken(b.Visitor.IDNumber), s.search.phoneToken(b.Visitor.Phone),
			stamp(b.Consented), string(b.State), boolInt(b.CallVisitor), b.CallReason, dateCol(b.Made),
			stampOrEmpty(b.Cancelled), now, now)
		if err != nil {
			return fmt.Errorf("store: create booking: %w", err)
		}
		if out, err = tx.Booking(ctx, b.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "create", "booking", itoa(b.ID), "", bookingSummary(out))
	})
	return out, err
}

// SaveBooking writes a booking's state, slot and call flag (the visitor's
// data never changes); another stored version is ErrConflict.
func (s *Store) SaveBooking(ctx context.Context, b visits.Booking, version int, action, actor string) (visits.Booking, error) {
	var out visits.Booking
	err := s.WithTx(ctx, func(tx *Store) error {
		cur, err := tx.Booking(ctx, b.ID)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return fmt.Errorf("store: booking %d changed (version %d, not %d): %w", b.ID, cur.Version, version, ErrConflict)
		}
		_, err = tx.q.ExecContext(ctx, `UPDATE bookings SET state = ?, seat = ?, slot_start = ?, slot_end = ?, call_visitor = ?,
			call_reason = ?, cancelled_at = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			string(b.State), b.Seat, b.SlotStart.String(), b.SlotEnd.String(), boolInt(b.CallVisitor), b.CallReason,
			stampOrEmpty(b.Cancelled), stamp(s.Now()), b.ID)
		if err != nil {
			return fmt.Errorf("store: save booking %d: %w", b.ID, err)
		}
		if out, err = tx.Booking(ctx, b.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, action, "booking", itoa(b.ID), bookingSummary(cur), bookingSummary(out))
	})
	return out, err
}

// sealBooking seals the name, ID number, phone and representatives, in that order.
func (s *Store) sealBooking(b visits.Booking) ([4]string, error) {
	var out [4]string
	for i, v := range []string{b.Visitor.Name, b.Visitor.IDNumber, b.Visitor.Phone, strings.Join(b.Representatives, "\n")} {
		if v == "" {
			continue
		}
		var err error
		if out[i], err = s.sealPhone(v); err != nil {
			return out, err
		}
	}
	return out, nil
}

// Booking returns one booking, or ErrNotFound.
func (s *Store) Booking(ctx context.Context, id int64) (visits.Booking, error) {
	bs, err := s.queryBookings(ctx, `WHERE id = ?`, id)
	return first(bs, err, fmt.Sprintf("booking %d", id))
}

// BookingByCode returns the booking with code, or ErrNotFound.
func (s *Store) BookingByCode(ctx context.Context, code string) (visits.Booking, error) {
	bs, err := s.queryBookings(ctx, `WHERE code = ?`, code)
	return first(bs, err, "booking")
}

// BookingFilter narrows Bookings; zero fields match everything.
type BookingFilter struct {
	From, To roster.Date
	Roster   string
	State    visits.BookingState
}

// Bookings returns the bookings matching f by date, roster and seat.
func (s *Store) Bookings(ctx context.Context, f BookingFilter) ([]visits.Booking, error) {
	var c conditions
	if f.From != 0 {
		c.add("date >= ?", dateCol(f.From))
	}
	if f.To != 0 {
		c.add("date <= ?", dateCol(f.To))
	}
	c.eq("roster_id", f.Roster)
	c.eq("state", string(f.State))
	return s.queryBookings(ctx, c.where()+` ORDER BY date, roster_id, state, seat, id`, c.args...)
}

// PurgeBookings deletes the bookings of duty days before before, with
// their sealed data; it returns how many went.
func (s *Store) PurgeBookings(ctx context.Context, before roster.Date, actor string) (int, error) {
	n := 0
	err := s.WithTx(ctx, func(tx *Store) error {
		r, err := tx.q.ExecContext(ctx, `DELETE FROM bookings WHERE date < ?`, dateCol(before))
		if err != nil {
			return fmt.Errorf("store: purge bookings: %w", err)
		}
		k, _ := r.RowsAffected()
		if n = int(k); n == 0 {
			return nil
		}
		return tx.Audit(ctx, actor, "purge", "booking", "", "", fmt.Sprintf("删除 %s 之前的预约 %d 条", before, n))
	})
	return n, err
}

func (s *Store) queryBookings(ctx context.Context, where string, args ...any) ([]visits.Booking, error) {
	return queryAll(ctx, s.q, "bookings", s.scanBooking, `SELECT `+bookingCols+` FROM bookings `+where, args...)
}

func (s *Store) scanBooking(sc scanner) (visits.Booking, error) {
	var b visits.Booking
	var date, start, end, reps, consent, made, cancelled string
	var call int
	err := sc.Scan(&b.ID, &b.Code, &b.Roster, &date, &b.Seat, &start, &end, &b.BookedLeader, &b.Category, &b.Township,
		&b.GroupSize, &reps, &b.Visitor.Name, &b.Visitor.IDNumber, &b.Visitor.Phone, &consent, &b.State, &call,
		&b.CallReason, &made, &cancelled, &b.Version)
	if err != nil {
		return b, err
	}
	for _, v := range []*string{&b.Visitor.Name, &b.Visitor.IDNumber, &b.Visitor.Phone, &reps} {
		if *v, err = s.openPrivate(*v); err != nil {
			return b, fmt.Errorf("预约 %d：%w", b.ID, err)
		}
	}
	if reps != "" {
		b.Representatives = strings.Split(reps, "\n")
	}
	b.Date, b.SlotStart, b.SlotEnd, b.Made = readDate(date), readClock(start), readClock(end), readDate(made)
	b.Consented, b.Cancelled, b.CallVisitor = parseStamp(consent), parseStamp(cancelled), call == 1
	return b, nil
}

// PersonCategories maps each person with a 分管 list to its categories, in file order.
func (s *Store) PersonCategories(ctx context.Context) (map[string][]string, error) {
	out := map[string][]string{}
	err := queryEach(ctx, s.q, "person categories", func(sc scanner) error {
		var id, cat string
		if err := sc.Scan(&id, &cat); err != nil {
			return err
		}
		out[id] = append(out[id], cat)
		return nil
	}, `SELECT person_id, category FROM person_categories ORDER BY person_id, position`)
	return out, err
}

// importCategories makes person_categories match the file's people[].categories.
func (s *Store) importCategories(ctx context.Context, n *int, people []county.Person) error {
	have, err := s.PersonCategories(ctx)
	if err != nil {
		return err
	}
	for _, p := range people {
		if slices.Equal(have[p.ID], p.Categories) {
			continue
		}
		if err := s.execCount(ctx, n, "categories "+p.ID, `DELETE FROM person_categories WHERE person_id = ?`, p.ID); err != nil {
			return err
		}
		for i, c := range p.Categories {
			if err := s.execCount(ctx, n, "categories "+p.ID, `INSERT INTO person_categories (person_id, category, position)
				VALUES (?, ?, ?)`, p.ID, c, i); err != nil {
				return err
			}
		}
	}
	return nil
}

// BookableDuty is a 值班领导's duty on a roster receiving the public, with
// what the booking page shows of the roster and the leader.
type BookableDuty struct {
	Roster, RosterName string
	Date               roster.Date
	Start, End         roster.Clock
	Place              string
	Person             string
	Name, Title        string
	Portfolio          string
}

// BookableDuties returns the 值班领导 duties (each roster's first slot) of
// rosters receiving the public in [from, to], by date and roster: one query,
// as the booking page and every booking read it.
func (s *Store) BookableDuties(ctx context.Context, from, to roster.Date) ([]BookableDuty, error) {
	return queryAll(ctx, s.q, "bookable duties", func(sc scanner) (BookableDuty, error) {
		var d BookableDuty
		var date, start, end string
		err := sc.Scan(&d.Roster, &d.RosterName, &date, &start, &end, &d.Place, &d.Person, &d.Name, &d.Title, &d.Portfolio)
		d.Date, d.Start, d.End = readDate(date), readClock(start), readClock(end)
		return d, err
	}, `SELECT a.roster_id, r.name, a.date, r.start_time, r.end_time, r.place, a.person_id, p.name, p.title, p.portfolio
		FROM assignments a
		JOIN rosters r ON r.id = a.roster_id
		JOIN roster_slots sl ON sl.roster_id = a.roster_id AND sl.role = a.role
		JOIN people p ON p.id = a.person_id
		WHERE a.date >= ? AND a.date <= ? AND r.receives_public = 1
			AND sl.position = (SELECT MIN(s2.position) FROM roster_slots s2 WHERE s2.roster_id = a.roster_id)
		ORDER BY a.date, a.roster_id`, dateCol(from), dateCol(to))
}

// IsTownship reports whether id is a unit of kind township.
func (s *Store) IsTownship(ctx context.Context, id string) (bool, error) {
	var n int
	if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE id = ? AND kind = 'township'`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("store: township %s: %w", id, err)
	}
	return n > 0, nil
}
