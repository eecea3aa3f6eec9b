package service

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/secret"
	"zhiban/store"
	"zhiban/visits"
)

// The desk's bookings (预约接访, issue 15): booked visitors are received
// first, by slot. Staff see the visitor masked; an editor reveals the name,
// ID number and phone (audited) to phone a visitor whose duty changed, and
// marks the call made (已电话告知).

// DeskBooking is a booking as the desk sees it: the visitor masked.
type DeskBooking struct {
	ID         int64               `json:"id"`
	Code       string              `json:"code"`
	Roster     string              `json:"roster"`
	RosterName string              `json:"roster_name"`
	Date       roster.Date         `json:"date"`
	SlotStart  string              `json:"slot_start"`
	SlotEnd    string              `json:"slot_end"`
	State      visits.BookingState `json:"state"`
	StateLabel string              `json:"state_label"`
	// BookedLeaderName is whom the visitor chose ("" for whoever is on duty);
	// LeaderName who is on duty now ("" if nobody).
	BookedLeaderName string          `json:"booked_leader_name,omitempty"`
	LeaderName       string          `json:"leader_name"`
	Category         visits.Category `json:"category"`
	Township         string          `json:"township"`
	TownshipName     string          `json:"township_name"`
	GroupSize        int             `json:"group_size"`
	Representatives  int             `json:"representatives"` // how many; names on reveal
	Name             string          `json:"name"`            // masked
	Phone            string          `json:"phone"`           // masked
	IDNumber         string          `json:"id_number"`       // masked
	CallVisitor      bool            `json:"call_visitor"`
	CallReason       string          `json:"call_reason,omitempty"`
	Version          int             `json:"version"`
}

// maskName keeps a name's first character, e.g. 张**.
func maskName(v string) string {
	r := []rune(strings.TrimSpace(v))
	if len(r) == 0 {
		return ""
	}
	return string(r[:1]) + strings.Repeat("*", max(1, len(r)-1))
}

// deskBookings are date's bookings: active ones by slot, then cancelled ones.
func deskBookings(ctx context.Context, tx *store.Store, date roster.Date) ([]DeskBooking, error) {
	bs, err := tx.Bookings(ctx, store.BookingFilter{From: date, To: date})
	if err != nil || len(bs) == 0 {
		return []DeskBooking{}, err
	}
	return viewDeskBookings(ctx, tx, bs)
}

func viewDeskBookings(ctx context.Context, tx *store.Store, bs []visits.Booking) ([]DeskBooking, error) {
	defs, err := tx.Rosters(ctx)
	if err != nil {
		return nil, err
	}
	names, err := personNames(ctx, tx)
	if err != nil {
		return nil, err
	}
	_, towns, err := townships(ctx, tx)
	if err != nil {
		return nil, err
	}
	leaders := map[string]string{} // roster/date → who is on duty
	out := make([]DeskBooking, 0, len(bs))
	for _, b := range bs {
		d := DeskBooking{ID: b.ID, Code: visits.FormatBookingCode(b.Code), Roster: b.Roster, Date: b.Date,
			SlotStart: b.SlotStart.String(), SlotEnd: b.SlotEnd.String(), State: b.State, StateLabel: b.State.Label(),
			BookedLeaderName: names[b.BookedLeader], Category: b.Category, Township: b.Township, TownshipName: towns[b.Township],
			GroupSize: b.GroupSize, Representatives: len(b.Representatives), Name: maskName(b.Visitor.Name),
			Phone: secret.MaskPhone(b.Visitor.Phone), IDNumber: secret.MaskID(b.Visitor.IDNumber),
			CallVisitor: b.CallVisitor, CallReason: b.CallReason, Version: b.Version}
		i := slices.IndexFunc(defs, func(r roster.Definition) bool { return r.ID == b.Roster })
		if i >= 0 {
			d.RosterName = defs[i].Name
			key := b.Roster + "/" + b.Date.String()
			l, ok := leaders[key]
			if !ok {
				if l, err = dutyLeader(ctx, tx, defs[i], b.Date); err != nil {
					return nil, err
				}
				leaders[key] = l
			}
			d.LeaderName = names[l]
		}
		out = append(out, d)
	}
	slices.SortStableFunc(out, func(a, b DeskBooking) int {
		if (a.State == visits.BookingActive) != (b.State == visits.BookingActive) {
			if a.State == visits.BookingActive {
				return -1
			}
			return 1
		}
		return strings.Compare(a.SlotStart, b.SlotStart)
	})
	return out, nil
}

// BookingCall is the 已电话告知 action: the version of the booking the desk showed.
type BookingCall struct {
	Version int `json:"version"`
}

// BookingCalled records that the office phoned the visitor of booking id
// about the change of its duty: the call flag is cleared (audited); the
// reason stays to show what they were told.
func (s *Service) BookingCalled(ctx context.Context, c Call, id int64, in BookingCall) (DeskBooking, error) {
	var out DeskBooking
	err := s.runLight(ctx, c, func(ctx context.Context, e Env) error {
		b, err := e.Tx.Booking(ctx, id)
		if err != nil {
			return err
		}
		switch {
		case in.Version != b.Version:
			return fault.Conflicts("该预约已有变动（值班领导可能再次调整），请刷新后核对再操作", nil)
		case !b.CallVisitor:
			return fault.Conflicts("该预约没有待电话告知的变动", nil)
		}
		b.CallVisitor = false
		saved, err := e.Tx.SaveBooking(ctx, b, in.Version, "called", e.Actor)
		if err != nil {
			return err
		}
		views, err := viewDeskBookings(ctx, e.Tx, []visits.Booking{saved})
		if err == nil {
			out = views[0]
		}
		return err
	})
	return out, err
}

// BookedVisitor is a booking's visitor in full, for the office to phone them.
type BookedVisitor struct {
	Name            string   `json:"name"`
	IDNumber        string   `json:"id_number"`
	Phone           string   `json:"phone"`
	Representatives []string `json:"representatives"`
}

// RevealBookingVisitor returns booking id's visitor in full (for an
// editor); the audit log records that it was seen, never the values.
func (s *Service) RevealBookingVisitor(ctx context.Context, c Call, id int64) (BookedVisitor, error) {
	var v BookedVisitor
	err := s.st.WithTx(ctx, func(tx *store.Store) error {
		b, err := tx.Booking(ctx, id)
		if err != nil {
			return err
		}
		v = BookedVisitor{Name: b.Visitor.Name, IDNumber: b.Visitor.IDNumber, Phone: b.Visitor.Phone,
			Representatives: append([]string{}, b.Representatives...)}
		return tx.Audit(ctx, c.Actor, "reveal", "booking", strconv.FormatInt(id, 10), "", "visitor.name,visitor.id_number,visitor.phone,representatives")
	})
	return v, err
}
