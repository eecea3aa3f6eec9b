package planner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"

	"zhiban/fault"
	"zhiban/roster"
	"zhiban/store"
)

// Change is what a re-plan did to the stored roster, counted one way everywhere.
type Change struct {
	From, To  roster.Date
	Ran       bool // false when there was no stored roster to repair
	Replanned int  // duties given to someone else
	Added     int  // empty slots filled
	Removed   int  // slots no longer needed: no longer a duty day or slot
	Unfilled  []roster.Unfilled
	Diff      []DiffRow // every slot whose person changed, by date, roster and role
	Warnings  []string
}

// DiffRow is one slot a re-plan changed; "" is an empty slot.
type DiffRow struct {
	Key               roster.Key
	BeforeID, AfterID string
	Before, After     string // names
}

// Summary says what the re-plan did in the same words everywhere ("已" + Summary + "。").
func (c Change) Summary() string {
	s := fmt.Sprintf("重新安排 %d 个失效班次", c.Replanned)
	if c.Added > 0 {
		s += fmt.Sprintf("，补排 %d 个空缺班次", c.Added)
	}
	if c.Removed > 0 {
		s += fmt.Sprintf("，删除 %d 个不再需要的班次", c.Removed)
	}
	if n := len(c.Unfilled); n > 0 {
		s += fmt.Sprintf("；%d 个班次无人可排，请在值班表中手动安排", n)
	}
	return s
}

// Repair re-plans [from, to] in tx after a bulk import, as the nightly job would:
// only invalid or empty slots change, never manual, pinned or past ones. It does
// not extend the stored roster.
func Repair(ctx context.Context, tx *store.Store, from, to, today roster.Date, actor string) (Change, error) {
	before, err := tx.Assignments(ctx, from, to)
	if err != nil || len(before) == 0 {
		return Change{From: from, To: to}, err
	}
	return measure(ctx, tx, from, before[len(before)-1].Date, today, actor, true, nil)
}

// measure runs replan in tx and compares the stored roster before and after.
func measure(ctx context.Context, tx *store.Store, from, to, today roster.Date, actor string, keepValid bool, only map[string]bool) (Change, error) {
	c := Change{From: from, To: to, Ran: true}
	err := tx.WithTx(ctx, func(tx *store.Store) error {
		before, err := tx.Assignments(ctx, from, to)
		if err != nil {
			return err
		}
		res, err := replan(ctx, tx, from, to, today, actor, keepValid, only)
		if err != nil {
			return err
		}
		after, err := tx.Assignments(ctx, from, to)
		if err != nil {
			return err
		}
		people, err := tx.People(ctx)
		if err != nil {
			return err
		}
		c.Unfilled, c.Warnings = res.Plan.Unfilled, res.Warnings
		c.count(before, after, peopleByID(people))
		return nil
	})
	return c, err
}

func (c *Change) count(before, after []store.StoredAssignment, people map[string]roster.Person) {
	b, a := map[roster.Key]string{}, map[roster.Key]string{}
	for _, x := range before {
		b[x.Key()] = x.Person
	}
	for _, x := range after {
		a[x.Key()] = x.Person
	}
	open := map[roster.Key]bool{}
	for _, u := range c.Unfilled {
		open[roster.Key{Roster: u.Roster, Date: u.Date, Role: u.Role}] = true
	}
	for k, was := range b {
		now, ok := a[k]
		switch {
		case ok && now != was:
			c.Replanned++
		case !ok && !open[k]:
			c.Removed++
		}
		if now != was {
			c.Diff = append(c.Diff, DiffRow{Key: k, BeforeID: was, AfterID: now})
		}
	}
	for k, now := range a {
		if _, ok := b[k]; !ok {
			c.Added++
			c.Diff = append(c.Diff, DiffRow{Key: k, AfterID: now})
		}
	}
	for i := range c.Diff {
		d := &c.Diff[i]
		d.Before, d.After = people[d.BeforeID].Name, people[d.AfterID].Name
	}
	sort.Slice(c.Diff, func(i, j int) bool {
		x, y := c.Diff[i].Key, c.Diff[j].Key
		if x.Date != y.Date {
			return x.Date < y.Date
		}
		if x.Roster != y.Roster {
			return x.Roster < y.Roster
		}
		return x.Role < y.Role
	})
}

// Regeneration is what a regeneration changes and the fairness before and after.
type Regeneration struct {
	Change
	Before, After          roster.Metrics
	Fingerprint            string // of the diff: applying checks nothing changed since the preview
	PoolNames, RosterNames map[string]string
	Verdict                Verdict
}

// Verdict says whether a regeneration's changes are worth applying, and why,
// in the order the generator weighs them: rules kept, slots filled, loads
// near each person's fair share; 均衡分 summarises the last.
type Verdict struct {
	Recommend bool
	Reasons   []string // what gets better (or worse), one sentence each
}

// verdictOf compares the fairness before and after a regeneration.
func verdictOf(b, a roster.Metrics) Verdict {
	var v Verdict
	better, worse := 0, 0
	step := func(before, after float64, lowerIsBetter bool, up, down string) {
		switch {
		case before == after:
			return
		case (after < before) == lowerIsBetter:
			better++
			v.Reasons = append(v.Reasons, up)
		default:
			worse++
			v.Reasons = append(v.Reasons, down)
		}
	}
	step(float64(b.HardViolations), float64(a.HardViolations), true,
		fmt.Sprintf("违反硬约束的班次由 %d 个减为 %d 个。", b.HardViolations, a.HardViolations),
		fmt.Sprintf("违反硬约束的班次由 %d 个增为 %d 个。", b.HardViolations, a.HardViolations))
	step(float64(b.Unfilled), float64(a.Unfilled), true,
		fmt.Sprintf("空缺班次由 %d 个减为 %d 个。", b.Unfilled, a.Unfilled),
		fmt.Sprintf("空缺班次由 %d 个增为 %d 个。", b.Unfilled, a.Unfilled))
	step(b.MaxDeviation, a.MaxDeviation, true,
		fmt.Sprintf("与应值份额的最大偏差由 %.3f 降为 %.3f。", b.MaxDeviation, a.MaxDeviation),
		fmt.Sprintf("与应值份额的最大偏差由 %.3f 升为 %.3f。", b.MaxDeviation, a.MaxDeviation))
	step(b.BalanceScore, a.BalanceScore, false,
		fmt.Sprintf("均衡分由 %.3f 升为 %.3f。", b.BalanceScore, a.BalanceScore),
		fmt.Sprintf("均衡分由 %.3f 降为 %.3f：重新排班先保证规则和补齐空缺，再让每人的值班量接近其应值份额（已扣除请假、计入此前值班），均衡分的小幅下降是为此所作的取舍。",
			b.BalanceScore, a.BalanceScore))
	if !b.AllAtBound && a.AllAtBound {
		better++
		v.Reasons = append(v.Reasons, "各值班池、日类的次数差距全部达到下界。")
	}
	// A rule broken or a slot left empty outweighs any balance: recommend
	// when one of those improves, or when nothing gets worse.
	v.Recommend = better > 0 && (worse == 0 || a.HardViolations < b.HardViolations || a.Unfilled < b.Unfilled)
	return v
}

// CheckRegenRange refuses a range touching today or the past or spanning over a year.
func CheckRegenRange(from, to, today roster.Date) error {
	if from <= today {
		return fault.Invalidf("from", "只能重排明天（%s）及以后的班次", today.AddDays(1))
	}
	if to < from || to.DaysSince(from) > 366 {
		return fault.InvalidField("to", "结束日期须不早于开始日期，且范围不超过一年")
	}
	return nil
}

var errPreviewOnly = errors.New("planner: preview, roll back")

// PreviewRegenerate runs Regenerate in a rolled-back transaction, so it shows
// exactly what applying would do now. A township account (unit != "")
// regenerates only its township's rosters; "" is county-wide.
func PreviewRegenerate(ctx context.Context, st *store.Store, from, to, today roster.Date, actor, unit string) (Regeneration, error) {
	return regenerate(ctx, st, from, to, today, actor, unit, nil)
}

// ApplyRegenerate applies a preview in one transaction; if the diff no longer
// matches its fingerprint, nothing is written and the error is store.ErrConflict.
func ApplyRegenerate(ctx context.Context, st *store.Store, from, to, today roster.Date, actor, unit, fingerprint string) (Regeneration, error) {
	return regenerate(ctx, st, from, to, today, actor, unit, &fingerprint)
}

func regenerate(ctx context.Context, st *store.Store, from, to, today roster.Date, actor, unit string, fingerprint *string) (Regeneration, error) {
	if err := CheckRegenRange(from, to, today); err != nil {
		return Regeneration{}, err
	}
	var out Regeneration
	err := st.WithTx(ctx, func(tx *store.Store) error {
		in, before, err := Input(ctx, tx, from, to)
		if err != nil {
			return err
		}
		out.PoolNames, out.RosterNames = map[string]string{}, map[string]string{}
		for _, p := range in.Pools {
			out.PoolNames[p.ID] = p.Name
		}
		for _, d := range in.Rosters {
			out.RosterNames[d.ID] = d.Name
		}
		var only map[string]bool
		if unit != "" {
			if only, err = UnitRosters(ctx, tx, unit); err != nil {
				return err
			}
			if len(only) == 0 {
				return denied(ctx, tx, unit, "重新生成：本乡镇没有值班表")
			}
		}
		if out.Change, err = measure(ctx, tx, from, to, today, actor, false, only); err != nil {
			return err
		}
		after, err := tx.Assignments(ctx, from, to)
		if err != nil {
			return err
		}
		var bs []roster.Assignment
		for _, x := range before {
			if x.Date >= from {
				bs = append(bs, x.Assignment)
			}
		}
		out.Before = roster.ComputeMetrics(in, bs)
		out.After = roster.ComputeMetrics(in, assignmentsOf(after))
		out.Verdict = verdictOf(out.Before, out.After)
		h := sha256.New()
		for _, d := range out.Diff {
			fmt.Fprintf(h, "%s|%s|%s|%s|%s\n", d.Key.Roster, d.Key.Date, d.Key.Role, d.BeforeID, d.AfterID)
		}
		out.Fingerprint = hex.EncodeToString(h.Sum(nil))[:16]
		switch {
		case fingerprint == nil:
			return errPreviewOnly
		case *fingerprint != out.Fingerprint:
			return fmt.Errorf("planner: regeneration changed since the preview: %w", store.ErrConflict)
		}
		return nil
	})
	if errors.Is(err, errPreviewOnly) {
		err = nil
	}
	return out, err
}

func assignmentsOf(as []store.StoredAssignment) []roster.Assignment {
	out := make([]roster.Assignment, len(as))
	for i, a := range as {
		out[i] = a.Assignment
	}
	return out
}
