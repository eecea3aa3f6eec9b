package planner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"zhiban/fault"
	"zhiban/holiday"
	"zhiban/roster"
	"zhiban/store"
)

// HolidaySpan is the year plus any make-up day of the previous December in the file.
func HolidaySpan(year int, days []roster.HolidayDay) (from, to roster.Date) {
	from, to = roster.NewDate(year, 1, 1), roster.NewDate(year, 12, 31)
	for _, h := range days {
		from, to = min(from, h.Date), max(to, h.Date)
	}
	return from, to
}

// HolidayEntries are the effective official calendar's entries in [from, to].
func HolidayEntries(ctx context.Context, st *store.Store, from, to roster.Date) ([]roster.HolidayDay, error) {
	cal, err := Calendar(ctx, st, from, to)
	if err != nil {
		return nil, err
	}
	return cal.Entries(from, to), nil
}

// HolidayBase fingerprints a preview's calendar, so saving over a changed one is a conflict.
func HolidayBase(days []roster.HolidayDay) string {
	sum := sha256.Sum256(holiday.FormatCSV(days))
	return hex.EncodeToString(sum[:8])
}

// ErrHolidaysChanged is a save over a calendar changed since its preview.
var ErrHolidaysChanged = fmt.Errorf("planner: the holidays changed since the preview: %w", store.ErrConflict)

// SaveHolidays replaces and confirms year's calendar; with a base, the calendar
// must still match the preview, checked in the writing transaction.
func SaveHolidays(ctx context.Context, st *store.Store, year int, days []roster.HolidayDay, base, actor string) error {
	return st.WithTx(ctx, func(tx *store.Store) error {
		if base != "" {
			from, to := HolidaySpan(year, days)
			cur, err := HolidayEntries(ctx, tx, from, to)
			if err != nil {
				return err
			}
			if HolidayBase(cur) != base {
				return ErrHolidaysChanged
			}
		}
		return tx.ReplaceHolidayYear(ctx, year, days, actor)
	})
}

// ConfirmHolidays marks a provisional built-in year as checked against the State
// Council notice; a year with no entries cannot be confirmed.
func ConfirmHolidays(ctx context.Context, st *store.Store, year int, base, actor string) error {
	return st.WithTx(ctx, func(tx *store.Store) error {
		cur, err := HolidayEntries(ctx, tx, roster.NewDate(year, 1, 1), roster.NewDate(year, 12, 31))
		if err != nil {
			return err
		}
		if HolidayBase(cur) != base {
			return ErrHolidaysChanged
		}
		if len(cur) == 0 {
			return fault.Invalidf("year", "%d 年没有节假日数据，请先导入。", year)
		}
		return tx.ReplaceHolidayYear(ctx, year, cur, actor)
	})
}
