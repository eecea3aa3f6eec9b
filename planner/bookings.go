package planner

import (
	"context"
	"fmt"

	"zhiban/roster"
	"zhiban/store"
	"zhiban/visits"
)

// followBookings keeps the public's bookings (预约接访) of [from, to] with
// their duty as the roster changes, in the caller's transaction: a booking
// stays on its roster's day and slot (the lookup shows whoever is on duty
// now), and one whose chosen leader is no longer the 值班领导 is flagged
// for the office to phone the visitor (CallVisitor), once.
func followBookings(ctx context.Context, tx *store.Store, from, to roster.Date, actor string) error {
	bs, err := tx.Bookings(ctx, store.BookingFilter{From: from, To: to, State: visits.BookingActive})
	if err != nil || len(bs) == 0 {
		return err
	}
	defs, err := tx.Rosters(ctx)
	if err != nil {
		return err
	}
	head := map[string]string{}
	for _, d := range defs {
		if len(d.Slots) > 0 {
			head[d.ID] = d.Slots[0].Role
		}
	}
	duties, err := tx.Duties(ctx, from, to)
	if err != nil {
		return err
	}
	onDuty := map[roster.Key]string{}
	for _, d := range duties {
		if d.Role == head[d.Roster] {
			onDuty[roster.Key{Roster: d.Roster, Date: d.Date}] = d.Person
		}
	}
	var names map[string]string
	for _, b := range bs {
		now := onDuty[roster.Key{Roster: b.Roster, Date: b.Date}]
		if b.BookedLeader == "" || b.BookedLeader == now || b.CallVisitor {
			continue
		}
		if names == nil {
			people, err := tx.People(ctx)
			if err != nil {
				return err
			}
			names = map[string]string{}
			for _, p := range people {
				names[p.ID] = p.Name
			}
		}
		b.CallVisitor = true
		if now == "" {
			b.CallReason = fmt.Sprintf("值班调整：%s 当日不再值班，暂无值班领导", names[b.BookedLeader])
		} else {
			b.CallReason = fmt.Sprintf("值班调整：%s 改由 %s 接待", names[b.BookedLeader], names[now])
		}
		if _, err := tx.SaveBooking(ctx, b, b.Version, "roster", actor); err != nil {
			return err
		}
	}
	return nil
}
