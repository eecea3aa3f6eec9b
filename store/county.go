package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"zhiban/county"
	"zhiban/roster"
)

// ImportResult counts what an import changed; all zero means nothing did.
type ImportResult struct {
	Changed int
}

// ImportCounty loads a validated county file in one transaction, idempotently:
// ids are stable keys, people missing from the file are deactivated (history
// stays), and absences staff entered are never deleted.
func (s *Store) ImportCounty(ctx context.Context, c *county.County, actor string) (ImportResult, error) {
	var res ImportResult
	err := s.WithTx(ctx, func(tx *Store) error {
		n, err := tx.importCounty(ctx, c)
		if err != nil {
			return err
		}
		res.Changed = n
		if n > 0 {
			return tx.Audit(ctx, actor, "import", "county", c.County, "", fmt.Sprintf("%d 项变更", n))
		}
		return nil
	})
	return res, err
}

// execCount runs an upsert and adds the rows it really changed to *n.
func (s *Store) execCount(ctx context.Context, n *int, what, query string, args ...any) error {
	r, err := s.q.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: import %s: %w", what, err)
	}
	k, _ := r.RowsAffected()
	*n += int(k)
	return nil
}

func (s *Store) importCounty(ctx context.Context, c *county.County) (int, error) {
	n := 0
	now := stamp(s.Now())
	for key, value := range map[string]string{"county": c.County, "timezone": c.Timezone} {
		if err := s.execCount(ctx, &n, "settings", `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE settings.value <> excluded.value`, key, value); err != nil {
			return 0, err
		}
	}
	// cross_roster_gap_days is stored only when set, so files without it
	// import as they always did.
	if g := c.CrossRosterGapDays; g > 0 {
		if err := s.execCount(ctx, &n, "settings", `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE settings.value <> excluded.value`, crossGapKey, strconv.Itoa(g)); err != nil {
			return 0, err
		}
	} else if err := s.execCount(ctx, &n, "settings", `DELETE FROM settings WHERE key = ?`, crossGapKey); err != nil {
		return 0, err
	}
	r := c.Reception
	if err := s.execCount(ctx, &n, "reception", `INSERT INTO reception (id, name, address, phone) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address, phone = excluded.phone
		WHERE (reception.name, reception.address, reception.phone) IS DISTINCT FROM (excluded.name, excluded.address, excluded.phone)`,
		r.Name, r.Address, r.Phone); err != nil {
		return 0, err
	}
	keepWindows := map[int]bool{}
	for _, w := range r.Windows {
		keepWindows[w.No] = true
		if err := s.execCount(ctx, &n, "window", `INSERT INTO reception_windows (no, department) VALUES (?, ?)
			ON CONFLICT (no) DO UPDATE SET department = excluded.department WHERE reception_windows.department <> excluded.department`,
			w.No, w.Department); err != nil {
			return 0, err
		}
	}
	if err := s.deleteMissing(ctx, &n, "reception_windows", "no", intKeys(keepWindows)); err != nil {
		return 0, err
	}
	for i, u := range c.Units {
		if err := s.execCount(ctx, &n, "unit "+u.ID, `INSERT INTO units (id, name, kind, parent, position) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, parent = excluded.parent, position = excluded.position
			WHERE (units.name, units.kind, units.parent, units.position) IS DISTINCT FROM (excluded.name, excluded.kind, excluded.parent, excluded.position)`,
			u.ID, u.Name, u.Kind, nullString(u.Parent), i); err != nil {
			return 0, err
		}
	}
	keepPeople := map[string]bool{}
	for i, p := range c.People {
		keepPeople[p.ID] = true
		active := p.Active == nil || *p.Active
		if err := s.execCount(ctx, &n, "person "+p.ID, `INSERT INTO people (id, name, title, rank, portfolio, phone, email, active, position, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, title = excluded.title, rank = excluded.rank,
				portfolio = excluded.portfolio, phone = excluded.phone, email = excluded.email, active = excluded.active,
				position = excluded.position, updated_at = excluded.updated_at
			WHERE (people.name, people.title, people.rank, people.portfolio, people.phone, people.email, people.active, people.position)
				IS DISTINCT FROM (excluded.name, excluded.title, excluded.rank, excluded.portfolio, excluded.phone, excluded.email, excluded.active, excluded.position)`,
			p.ID, p.Name, p.Title, p.Rank, p.Portfolio, p.Phone, p.Email, boolInt(active), i, now); err != nil {
			return 0, err
		}
		links := map[string]string{"township": p.Links.Township, "enterprise": p.Links.Enterprise, "project": p.Links.Project, "village": p.Links.Village}
		for _, kind := range []string{"township", "enterprise", "project", "village"} {
			v := links[kind]
			if v == "" {
				if err := s.execCount(ctx, &n, "link", `DELETE FROM person_links WHERE person_id = ? AND kind = ?`, p.ID, kind); err != nil {
					return 0, err
				}
				continue
			}
			if err := s.execCount(ctx, &n, "link", `INSERT INTO person_links (person_id, kind, value) VALUES (?, ?, ?)
				ON CONFLICT (person_id, kind) DO UPDATE SET value = excluded.value WHERE person_links.value <> excluded.value`,
				p.ID, kind, v); err != nil {
				return 0, err
			}
		}
	}
	if err := s.importCategories(ctx, &n, c.People); err != nil {
		return 0, err
	}
	var gone []string
	err := queryEach(ctx, s.q, "import: list people", func(sc scanner) error {
		var id string
		if err := sc.Scan(&id); err != nil {
			return err
		}
		if !keepPeople[id] {
			gone = append(gone, id)
		}
		return nil
	}, `SELECT id FROM people WHERE active = 1`)
	if err != nil {
		return 0, err
	}
	for _, id := range gone {
		if err := s.execCount(ctx, &n, "deactivate "+id, `UPDATE people SET active = 0, updated_at = ? WHERE id = ?`, now, id); err != nil {
			return 0, err
		}
	}
	for i, p := range c.Pools {
		if err := s.execCount(ctx, &n, "pool "+p.ID, `INSERT INTO pools (id, name, position) VALUES (?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, position = excluded.position
			WHERE (pools.name, pools.position) IS DISTINCT FROM (excluded.name, excluded.position)`, p.ID, p.Name, i); err != nil {
			return 0, err
		}
		if err := s.syncList(ctx, &n, "pool_members", "pool_id", p.ID, "person_id", p.Members); err != nil {
			return 0, err
		}
	}
	for i, r := range c.Rosters {
		if err := s.execCount(ctx, &n, "roster "+r.ID, `INSERT INTO rosters (id, name, days, start_time, end_time, place, min_gap_days, position, receives_public, unit_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, days = excluded.days, start_time = excluded.start_time,
				end_time = excluded.end_time, place = excluded.place, min_gap_days = excluded.min_gap_days, position = excluded.position,
				receives_public = excluded.receives_public, unit_id = excluded.unit_id
			WHERE (rosters.name, rosters.days, rosters.start_time, rosters.end_time, rosters.place, rosters.min_gap_days, rosters.position,
				rosters.receives_public, rosters.unit_id)
				IS DISTINCT FROM (excluded.name, excluded.days, excluded.start_time, excluded.end_time, excluded.place, excluded.min_gap_days,
				excluded.position, excluded.receives_public, excluded.unit_id)`,
			r.ID, r.Name, r.Days, r.Start, r.End, r.Place, r.MinGapDays, i, boolInt(r.Public()), nullString(r.Unit)); err != nil {
			return 0, err
		}
		roles := map[string]bool{}
		for j, sl := range r.Slots {
			roles[sl.Role] = true
			if err := s.execCount(ctx, &n, "slot", `INSERT INTO roster_slots (roster_id, position, role, pool_id) VALUES (?, ?, ?, ?)
				ON CONFLICT (roster_id, role) DO UPDATE SET position = excluded.position, pool_id = excluded.pool_id
				WHERE (roster_slots.position, roster_slots.pool_id) IS DISTINCT FROM (excluded.position, excluded.pool_id)`,
				r.ID, j, sl.Role, sl.Pool); err != nil {
				return 0, err
			}
		}
		if err := s.deleteMissingWhere(ctx, &n, "roster_slots", "role", stringKeys(roles), "roster_id", r.ID); err != nil {
			return 0, err
		}
	}
	// The file is the whole county: a roster it no longer lists goes, unless
	// duties were already kept on it (history is never deleted silently).
	keepRosters := map[string]bool{}
	for _, r := range c.Rosters {
		keepRosters[r.ID] = true
	}
	stored, err := s.Rosters(ctx)
	if err != nil {
		return 0, err
	}
	for _, r := range stored {
		if keepRosters[r.ID] {
			continue
		}
		var used int
		if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM assignments WHERE roster_id = ?`, r.ID).Scan(&used); err != nil {
			return 0, fmt.Errorf("store: import: roster %s: %w", r.ID, err)
		}
		if used > 0 {
			return 0, fmt.Errorf("值班表 %s（%s）已有 %d 条值班记录，不能从县情文件中删除；请在文件中保留它", r.ID, r.Name, used)
		}
		if err := s.execCount(ctx, &n, "roster "+r.ID, `DELETE FROM rosters WHERE id = ?`, r.ID); err != nil {
			return 0, err
		}
	}
	keepPools := map[string]bool{}
	for _, p := range c.Pools {
		keepPools[p.ID] = true
	}
	dropPools := `DELETE FROM pools WHERE id NOT IN (SELECT pool_id FROM roster_slots)`
	if len(keepPools) > 0 {
		dropPools += ` AND id NOT IN (` + placeholders(len(keepPools)) + `)`
	}
	if err := s.execCount(ctx, &n, "pools", dropPools, stringKeys(keepPools)...); err != nil {
		return 0, err
	}
	if err := s.importAbsences(ctx, &n, c.Absences, now); err != nil {
		return 0, err
	}
	if err := s.importHolidays(ctx, &n, c.Holidays); err != nil {
		return 0, err
	}
	return n, nil
}

// importAbsences upserts the file's absences and deletes 'file' absences it no
// longer lists; staff entries stay unless the file lists the same absence.
func (s *Store) importAbsences(ctx context.Context, n *int, as []county.Absence, now string) error {
	type key struct{ person, kind, from, to string }
	keep := map[key]bool{}
	for _, a := range as {
		kind := a.Kind
		if kind == "" {
			kind = string(roster.Leave)
		}
		keep[key{a.Person, kind, a.From, a.To}] = true
		if err := s.execCount(ctx, n, "absence", `INSERT INTO absences (person_id, kind, from_date, to_date, reason, source, created_at)
			VALUES (?, ?, ?, ?, ?, 'file', ?)
			ON CONFLICT (person_id, from_date, to_date, kind) DO UPDATE SET reason = excluded.reason, source = excluded.source
			WHERE (absences.reason, absences.source) IS DISTINCT FROM (excluded.reason, excluded.source)`, a.Person, kind, a.From, a.To, a.Reason, now); err != nil {
			return err
		}
	}
	var gone []int64
	err := queryEach(ctx, s.q, "import: list absences", func(sc scanner) error {
		var id int64
		var k key
		if err := sc.Scan(&id, &k.person, &k.kind, &k.from, &k.to); err != nil {
			return err
		}
		if !keep[k] {
			gone = append(gone, id)
		}
		return nil
	}, `SELECT id, person_id, kind, from_date, to_date FROM absences WHERE source = 'file'`)
	if err != nil {
		return err
	}
	for _, id := range gone {
		if err := s.execCount(ctx, n, "absence "+itoa(id), `DELETE FROM absences WHERE id = ?`, id); err != nil {
			return err
		}
	}
	return nil
}

// importHolidays upserts the file's overrides and deletes county-file entries
// it no longer lists; holiday-cn imports stay with their year.
func (s *Store) importHolidays(ctx context.Context, n *int, hs []county.HolidayEntry) error {
	keep := map[string]bool{}
	for _, h := range hs {
		keep[h.Date] = true
		if err := s.execCount(ctx, n, "holiday "+h.Date, `INSERT INTO holidays (date, kind, name) VALUES (?, ?, ?)
			ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name
			WHERE (holidays.kind, holidays.name) IS DISTINCT FROM (excluded.kind, excluded.name)`, h.Date, h.Kind, h.Name); err != nil {
			return err
		}
	}
	q := `DELETE FROM holidays WHERE source_year IS NULL`
	if len(keep) > 0 {
		q += ` AND date NOT IN (` + placeholders(len(keep)) + `)`
	}
	return s.execCount(ctx, n, "holidays", q, stringKeys(keep)...)
}

func (s *Store) syncList(ctx context.Context, n *int, table, parentCol, parent, valueCol string, values []string) error {
	keep := map[string]bool{}
	for i, v := range values {
		keep[v] = true
		q := fmt.Sprintf(`INSERT INTO %[1]s (%[2]s, %[3]s, position) VALUES (?, ?, ?)
			ON CONFLICT (%[2]s, %[3]s) DO UPDATE SET position = excluded.position WHERE %[1]s.position <> excluded.position`,
			table, parentCol, valueCol)
		if err := s.execCount(ctx, n, table, q, parent, v, i); err != nil {
			return err
		}
	}
	return s.deleteMissingWhere(ctx, n, table, valueCol, stringKeys(keep), parentCol, parent)
}

func (s *Store) deleteMissing(ctx context.Context, n *int, table, col string, keep []any) error {
	return s.deleteMissingWhere(ctx, n, table, col, keep, "", nil)
}

func (s *Store) deleteMissingWhere(ctx context.Context, n *int, table, col string, keep []any, whereCol string, whereVal any) error {
	q := fmt.Sprintf(`DELETE FROM %s WHERE 1 = 1`, table)
	var args []any
	if whereCol != "" {
		q += fmt.Sprintf(` AND %s = ?`, whereCol)
		args = append(args, whereVal)
	}
	if len(keep) > 0 {
		q += fmt.Sprintf(` AND %s NOT IN (%s)`, col, placeholders(len(keep)))
		args = append(args, keep...)
	}
	return s.execCount(ctx, n, table, q, args...)
}

func placeholders(n int) string {
	b := make([]byte, 0, 2*n)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '?')
	}
	return string(b)
}

func stringKeys(m map[string]bool) []any {
	out := make([]any, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func intKeys(m map[int]bool) []any {
	out := make([]any, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// ExportCounty reads the county back in the county-file format.
func (s *Store) ExportCounty(ctx context.Context) (*county.County, error) {
	c := &county.County{}
	var err error
	if c.County, err = s.Setting(ctx, "county"); err != nil {
		return nil, err
	}
	if c.Timezone, err = s.Setting(ctx, "timezone"); err != nil {
		return nil, err
	}
	if c.CrossRosterGapDays, err = s.CrossGapDays(ctx); err != nil {
		return nil, err
	}
	rec, err := s.Reception(ctx)
	if err != nil {
		return nil, err
	}
	c.Reception = rec
	if c.Units, err = s.Units(ctx); err != nil {
		return nil, err
	}
	people, err := s.People(ctx)
	if err != nil {
		return nil, err
	}
	cats, err := s.PersonCategories(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range people {
		cp := county.Person{ID: p.ID, Name: p.Name, Title: p.Title, Rank: string(p.Rank), Portfolio: p.Portfolio, Phone: p.Phone, Email: p.Email, Links: p.Links,
			Categories: cats[p.ID]}
		if !p.Active {
			f := false
			cp.Active = &f
		}
		c.People = append(c.People, cp)
	}
	pools, err := s.Pools(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range pools {
		c.Pools = append(c.Pools, county.Pool{ID: p.ID, Name: p.Name, Members: p.Members})
	}
	defs, err := s.Rosters(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range defs {
		r := county.Roster{ID: d.ID, Name: d.Name, Days: d.Days.String(), Start: d.Start.String(), End: d.End.String(), Place: d.Place, Unit: d.Unit, MinGapDays: d.MinGapDays}
		if d.ReceivesPublic != r.Public() { // written only when it differs from the default
			r.ReceivesPublic = &d.ReceivesPublic
		}
		for _, sl := range d.Slots {
			r.Slots = append(r.Slots, county.Slot{Role: sl.Role, Pool: sl.Pool})
		}
		c.Rosters = append(c.Rosters, r)
	}
	abs, err := s.Absences(ctx, 0, 0)
	if err != nil {
		return nil, err
	}
	for _, a := range abs {
		c.Absences = append(c.Absences, county.Absence{Person: a.Person, From: a.From.String(), To: a.To.String(), Kind: string(a.Kind), Reason: a.Reason})
	}
	hs, err := s.HolidayOverrides(ctx)
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		c.Holidays = append(c.Holidays, county.HolidayEntry{Date: h.Date.String(), Kind: string(h.Kind), Name: h.Name})
	}
	return c, nil
}

// Reception returns the reception centre and its windows.
func (s *Store) Reception(ctx context.Context) (county.Reception, error) {
	var r county.Reception
	err := s.q.QueryRowContext(ctx, `SELECT name, address, phone FROM reception WHERE id = 1`).Scan(&r.Name, &r.Address, &r.Phone)
	if err != nil && err != sql.ErrNoRows {
		return r, fmt.Errorf("store: reception: %w", err)
	}
	err = queryEach(ctx, s.q, "windows", func(sc scanner) error {
		var w county.Window
		if err := sc.Scan(&w.No, &w.Department); err != nil {
			return err
		}
		r.Windows = append(r.Windows, w)
		return nil
	}, `SELECT no, department FROM reception_windows ORDER BY no`)
	return r, err
}

// Units returns every unit in file order.
func (s *Store) Units(ctx context.Context) ([]county.Unit, error) {
	return queryAll(ctx, s.q, "units", func(sc scanner) (county.Unit, error) {
		var u county.Unit
		err := sc.Scan(&u.ID, &u.Name, &u.Kind, &u.Parent)
		return u, err
	}, `SELECT id, name, kind, COALESCE(parent, '') FROM units ORDER BY position, id`)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// crossGapKey is the setting holding the county file's cross_roster_gap_days.
const crossGapKey = "cross_roster_gap_days"

// CrossGapDays returns the cross-roster gap in days, 0 when none is set.
func (s *Store) CrossGapDays(ctx context.Context) (int, error) {
	v, err := s.Setting(ctx, crossGapKey)
	if err != nil || v == "" {
		return 0, err
	}
	g, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("store: setting %s = %q: %w", crossGapKey, v, err)
	}
	return g, nil
}
