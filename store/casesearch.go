package store

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"zhiban/clean"
	"zhiban/roster"
	"zhiban/visits"
)

// searchIndex computes keyed blind indexes of petitioners' names and phones:
// equal inputs give equal tokens, and the token reveals nothing without the key.
type searchIndex struct{ key []byte }

func (x *searchIndex) token(kind, v string) string {
	if v == "" || x == nil {
		return ""
	}
	m := hmac.New(sha256.New, x.key)
	m.Write([]byte(kind + "\x00" + v))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// nameToken indexes a name as typed in any width and spacing.
func (x *searchIndex) nameToken(name string) string {
	name = strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '·' || r == '•' {
			return -1
		}
		return r
	}, clean.Narrow(name)))
	return x.token("name", name)
}

// phoneToken indexes a phone by its digits, without a +86 prefix.
func (x *searchIndex) phoneToken(phone string) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, clean.Narrow(phone))
	if len(digits) == 13 && strings.HasPrefix(digits, "86") {
		digits = digits[2:]
	}
	if len(digits) < 5 {
		return ""
	}
	return x.token("phone", digits)
}

// loadSearchIndex reads the key migration 015 made and indexes rows written
// before it (or by an older binary).
func (s *Store) loadSearchIndex(ctx context.Context) error {
	var key []byte
	if err := s.q.QueryRowContext(ctx, `SELECT value FROM store_keys WHERE name = 'case_search'`).Scan(&key); err != nil {
		return fmt.Errorf("store: read the case search key: %w", err)
	}
	s.search = &searchIndex{key: key}
	type row struct {
		id          int64
		name, phone string
	}
	todo, err := queryAll(ctx, s.q, "unindexed cases", func(sc scanner) (row, error) {
		var r row
		return r, sc.Scan(&r.id, &r.name, &r.phone)
	}, `SELECT id, petitioner_name, petitioner_phone FROM cases
		WHERE (petitioner_name <> '' AND petitioner_name_idx = '') OR (petitioner_phone <> '' AND petitioner_phone_idx = '')`)
	if err != nil || len(todo) == 0 {
		return err
	}
	return s.WithTx(ctx, func(tx *Store) error {
		for _, r := range todo {
			phone, err := s.openPrivate(r.phone)
			if err != nil {
				return fmt.Errorf("案件 %d：%w", r.id, err)
			}
			if _, err := tx.q.ExecContext(ctx, `UPDATE cases SET petitioner_name_idx = ?, petitioner_phone_idx = ? WHERE id = ?`,
				s.search.nameToken(r.name), s.search.phoneToken(phone), r.id); err != nil {
				return fmt.Errorf("store: index case %d: %w", r.id, err)
			}
		}
		return nil
	})
}

// CaseCursor is where a page of cases ends: lists run newest received first,
// ties by id, so a cursor stays valid while cases are added or change.
type CaseCursor struct {
	Received roster.Date
	ID       int64
}

// IsZero reports whether c is the start of the list.
func (c CaseCursor) IsZero() bool { return c.ID == 0 }

// CasePage is one page of cases matching f after cursor after, at most limit
// long, and the cursor of the next page (zero on the last page).
func (s *Store) CasePage(ctx context.Context, f CaseFilter, after CaseCursor, limit int) ([]visits.Case, CaseCursor, error) {
	c := s.caseConditions(f)
	if !after.IsZero() {
		c.add("(received_on < ? OR (received_on = ? AND id < ?))", dateCol(after.Received), dateCol(after.Received), after.ID)
	}
	out, err := s.queryCases(ctx, c.where()+fmt.Sprintf(" ORDER BY received_on DESC, id DESC LIMIT %d", limit+1), c.args...)
	if err != nil || len(out) <= limit {
		return out, CaseCursor{}, err
	}
	out = out[:limit]
	last := out[limit-1]
	return out, CaseCursor{Received: last.Received, ID: last.ID}, nil
}

// OpenCases returns f's open cases, newest received first. They are sorted
// here, not in SQL, so SQLite finds the few hundred open cases through the
// state indexes instead of walking tens of thousands of closed ones in date order.
func (s *Store) OpenCases(ctx context.Context, f CaseFilter) ([]visits.Case, error) {
	f.OpenOnly = true
	c := s.caseConditions(f)
	out, err := s.queryCases(ctx, c.where(), c.args...)
	slices.SortFunc(out, func(a, b visits.Case) int {
		return cmp.Or(cmp.Compare(b.Received, a.Received), cmp.Compare(b.ID, a.ID))
	})
	return out, err
}

// searchCondition matches search against a case code prefix, or a
// petitioner's exact name or phone (through the blind index). A union of
// index lookups: an OR would scan every case.
func (s *Store) searchCondition(c *conditions, search string) {
	search = strings.TrimSpace(search)
	if search == "" {
		return
	}
	code := strings.ToUpper(clean.Narrow(search))
	sub := []string{"SELECT id FROM cases WHERE code >= ? AND code < ?"}
	args := []any{code, code + "\U0010FFFF"}
	if t := s.search.nameToken(search); t != "" {
		sub, args = append(sub, "SELECT id FROM cases WHERE petitioner_name_idx = ?"), append(args, t)
	}
	if t := s.search.phoneToken(search); t != "" {
		sub, args = append(sub, "SELECT id FROM cases WHERE petitioner_phone_idx = ?"), append(args, t)
	}
	c.add("id IN ("+strings.Join(sub, " UNION ")+")", args...)
}
